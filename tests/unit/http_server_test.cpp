// The HTTP transport (src/http): query and escape decoding, the request helpers, and a real server
// on a free loopback port spoken to over plain POSIX sockets. Waits are on conditions with a
// generous limit (kWait), never fixed sleeps, so a slow machine makes the tests slower, not flaky.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/message.h"
#include "http/metrics.h"
#include "http/server.h"

namespace lenacare::http {
namespace {

using namespace std::chrono_literals;

// Only reached when something is broken.
constexpr auto kWait = 30s;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A blocking client on one TCP connection; every read and write gives up after kWait.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(kWait).count();
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // One response (status line, headers, a Content-Length body; no body for HEAD), or nullopt when
  // the connection ends first.
  std::optional<RawResponse> Read(bool head = false) {
    size_t end = 0;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse r;
    std::istringstream lines(buf_.substr(0, end));
    std::string line;
    std::getline(lines, line);
    if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return std::nullopt;
    r.status = std::stoi(line.substr(9, 3));
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[Lower(line.substr(0, colon))] = value;
    }
    buf_.erase(0, end + 4);
    const size_t length = head || r.Header("content-length").empty() ? 0 : std::stoul(r.Header("content-length"));
    while (buf_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  std::optional<RawResponse> Exchange(std::string_view request, bool head = false) {
    if (!Send(request)) return std::nullopt;
    return Read(head);
  }

  // True when the server has closed the connection (end of stream or reset) and nothing is left unread.
  bool ClosedByServer() {
    if (!buf_.empty()) return false;
    char c = 0;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n == 1) buf_ += c;
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool Fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

std::string Get(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n";
}

// The application side of the tests: records what the handler saw; "/echo..." answers 200,
// "/metrics" the server's metrics, "/slow" waits until Release(), "/throw" throws, anything
// else is an unmatched 404.
class App {
 public:
  Handler handler() {
    return [this](const Request& r) { return Handle(r); };
  }
  void set_server(Server* s) { server_ = s; }
  std::vector<Request> seen() {
    const std::lock_guard lock(mu_);
    return seen_;
  }
  bool WaitUntilSlowEntered() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, [this] { return slow_entered_; });
  }
  void Release() {
    const std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  Response Handle(const Request& r) {
    {
      const std::lock_guard lock(mu_);
      seen_.push_back(r);
    }
    Response res;
    if (r.path.rfind("/echo", 0) == 0) {
      res.route = "/echo";
      res.body = r.method + " " + r.path + " " + r.body;
    } else if (r.path == "/metrics") {
      res.route = "/metrics";
      res.content_type = "text/plain; version=0.0.4";
      res.body = server_.load()->MetricsText();
    } else if (r.path == "/slow") {
      std::unique_lock lock(mu_);
      slow_entered_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, kWait, [this] { return released_; });
      res.route = "/slow";
      res.body = "slow answer";
    } else if (r.path == "/nice") {
      // The scheduling priority of the thread that runs the request.
      res.route = "/nice";
      res.body = std::to_string(::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))));
    } else if (r.path == "/throw") {
      throw std::runtime_error("handler bug");
    } else {
      res.status = 404;
      res.body = "not found";
    }
    return res;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> seen_;
  bool slow_entered_ = false;
  bool released_ = false;
  std::atomic<Server*> server_{nullptr};
};

// A server on a free loopback port, running on its own thread until Stop() or destruction.
class TestServer {
 public:
  explicit TestServer(App& app, ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.handle_signals = false;
    auto started = Server::Start(options, app.handler());
    if (!started.ok()) throw std::runtime_error(started.error().Describe());
    server_ = std::move(started).value();
    app.set_server(server_.get());
    running_ = std::async(std::launch::async, [s = server_.get()] { s->Run(); });
  }
  ~TestServer() { Stop(); }
  // Stops and waits for Run() to return; false if it did not within kWait.
  bool Stop() {
    server_->Stop();
    return WaitForRun();
  }
  bool WaitForRun() { return running_.wait_for(kWait) == std::future_status::ready; }
  Server& server() { return *server_; }
  uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<Server> server_;
  std::future<void> running_;
};

template <typename Predicate>
bool Eventually(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(HttpPercentDecode, DecodesEscapesAndPlusOnlyWhenAsked) {
  std::string out;
  EXPECT_TRUE(PercentDecode("caf%C3%A9%20au%2flait", out, false));
  EXPECT_EQ(out, "café au/lait");
  EXPECT_TRUE(PercentDecode("a+b", out, false));
  EXPECT_EQ(out, "a+b");
  EXPECT_TRUE(PercentDecode("a+b", out, true));
  EXPECT_EQ(out, "a b");
  EXPECT_TRUE(PercentDecode("", out, true));
  EXPECT_EQ(out, "");
}

TEST(HttpPercentDecode, RejectsMalformedEscapesAndLeavesNothing) {
  for (const char* bad : {"%", "%4", "abc%", "%zz", "%g0", "%0g", "a%2", "%%41"}) {
    SCOPED_TRACE(bad);
    std::string out = "previous";
    EXPECT_FALSE(PercentDecode(bad, out, true));
    EXPECT_EQ(out, "");
  }
}

TEST(HttpQuery, SplitsDecodedPairsInOrder) {
  const auto q = ParseQuery("a=1&b=x%20y&c=p+q&a=2&&flag&e%3Dq=v%26w&empty=");
  ASSERT_EQ(q.count("a"), 2u);
  auto [first, last] = q.equal_range("a");
  EXPECT_EQ(first->second, "1");
  EXPECT_EQ(std::next(first)->second, "2");
  EXPECT_EQ(q.find("b")->second, "x y");
  EXPECT_EQ(q.find("c")->second, "p q");
  EXPECT_EQ(q.find("flag")->second, "");
  EXPECT_EQ(q.find("e=q")->second, "v&w");
  EXPECT_EQ(q.find("empty")->second, "");
  EXPECT_EQ(q.size(), 7u);
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(HttpQuery, KeepsAMalformedEscapeAsWrittenSoTheApplicationCanNameTheField) {
  const auto q = ParseQuery("crcl=4%5&x=%zz&y=%4&ok=%41");
  EXPECT_EQ(q.find("crcl")->second, "4%5");
  EXPECT_EQ(q.find("x")->second, "%zz");
  EXPECT_EQ(q.find("y")->second, "%4");
  EXPECT_EQ(q.find("ok")->second, "A");
}

TEST(HttpRequest, HeaderAndQueryHelpersFindTheFirstValue) {
  Request r;
  r.headers = {{"content-type", "application/json"}};
  r.query = ParseQuery("a=1&a=2");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("x-missing"), "");
  EXPECT_EQ(r.Query("a"), "1");
  EXPECT_EQ(r.Query("b"), "");
}

TEST(HttpRequest, CookieFindsTheNamedCookie) {
  Request r;
  r.headers = {{"cookie", "a=1; session=\"xyz\";  b = 2 ;c=3=4; noequals"}};
  EXPECT_EQ(r.Cookie("a"), "1");
  EXPECT_EQ(r.Cookie("session"), "xyz");
  EXPECT_EQ(r.Cookie("b"), "2");
  EXPECT_EQ(r.Cookie("c"), "3=4");
  EXPECT_EQ(r.Cookie("noequals"), "");
  EXPECT_EQ(r.Cookie("sess"), "");
  EXPECT_EQ(Request{}.Cookie("a"), "");
}

TEST(HttpMetrics, CountsEachBoundInItsOwnBucketAndUnmatchedRoutesAsUnmatched) {
  Metrics m;
  m.Record("GET", "/a", 200, 0.0005);  // on the bound: "le" includes it
  m.Record("GET", "/a", 200, 0.003);
  m.Record("GET", "", 404, 3.0);
  const std::string text = m.Text(2);
  EXPECT_NE(text.find("# TYPE lenacare_http_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lenacare_http_requests_total{method=\"GET\",route=\"/a\",status=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"2.5\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_bucket{route=\"unmatched\",le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_sum{route=\"unmatched\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_count{route=\"/a\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE lenacare_http_connections_open gauge\nlenacare_http_connections_open 2\n"),
            std::string::npos);
  EXPECT_EQ(MethodLabel("BREW"), "OTHER");
  EXPECT_EQ(MethodLabel("DELETE"), "DELETE");
}

TEST(HttpServer, AGetWithQueryAndEscapesReachesTheHandlerWithDecodedFields) {
  App app;
  TestServer server(app);
  Client client(server.port());
  ASSERT_TRUE(client.connected());
  const auto r =
      client.Exchange(Get("/echo/caf%C3%A9%20x?indication=mm&crcl=45&note=a+b%21", "X-Custom-Header: Yes\r\n"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /echo/café x ");
  EXPECT_EQ(r->Header("content-length"), std::to_string(r->body.size()));
  const auto seen = app.seen();
  ASSERT_EQ(seen.size(), 1u);
  const Request& req = seen[0];
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/echo/caf%C3%A9%20x?indication=mm&crcl=45&note=a+b%21");
  EXPECT_EQ(req.path, "/echo/café x");
  EXPECT_EQ(req.Query("indication"), "mm");
  EXPECT_EQ(req.Query("crcl"), "45");
  EXPECT_EQ(req.Query("note"), "a b!");
  EXPECT_EQ(req.headers.at("x-custom-header"), "Yes");
  EXPECT_EQ(req.Header("HOST"), "test");
  EXPECT_EQ(req.remote, "127.0.0.1");
  EXPECT_EQ(req.body, "");
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnectionIncludingPipelinedOnes) {
  App app;
  TestServer server(app);
  Client client(server.port());
  ASSERT_TRUE(client.connected());
  const auto first = client.Exchange(Get("/echo/1"));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->body, "GET /echo/1 ");
  EXPECT_NE(Lower(first->Header("connection")), "close");
  const auto post = client.Exchange(
      "POST /echo/2 HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
      "{\"crcl\":\"80\"}");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->body, "POST /echo/2 {\"crcl\":\"80\"}");
  // Two requests in one write: answered in order.
  ASSERT_TRUE(client.Send(Get("/echo/3") + Get("/echo/4")));
  const auto third = client.Read();
  const auto fourth = client.Read();
  ASSERT_TRUE(third.has_value() && fourth.has_value());
  EXPECT_EQ(third->body, "GET /echo/3 ");
  EXPECT_EQ(fourth->body, "GET /echo/4 ");
  EXPECT_EQ(app.seen().size(), 4u);
  EXPECT_EQ(app.seen()[1].Header("content-type"), "application/json");
}

TEST(HttpServer, HeadAnswersTheHeadersWithoutTheBodyAndKeepsTheConnection) {
  App app;
  TestServer server(app);
  Client client(server.port());
  const auto head = client.Exchange("HEAD /echo/h HTTP/1.1\r\nHost: test\r\n\r\n", true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), std::to_string(std::string("HEAD /echo/h ").size()));
  const auto next = client.Exchange(Get("/echo/after"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body, "GET /echo/after ");
}

TEST(HttpServer, ABodyOverTheLimitGets413AndTheHandlerIsNotCalled) {
  App app;
  ServerOptions options;
  options.body_limit = 1000;
  TestServer server(app, options);
  Client client(server.port());
  const std::string body(5000, 'x');
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n\r\n" + body));
  client.ShutdownWrite();
  const auto r = client.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(Lower(r->Header("connection")), "close");
  const auto json = nlohmann::json::parse(r->body);
  EXPECT_EQ(json["error"]["kind"], "bad-input");
  EXPECT_EQ(json["error"]["field"], "body");
  EXPECT_NE(json["error"]["message"].get<std::string>().find("1000"), std::string::npos);
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_TRUE(app.seen().empty());

  // A body at the limit is fine.
  Client again(server.port());
  const auto ok =
      again.Exchange("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n" + body.substr(0, 1000));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
}

TEST(HttpServer, AMalformedRequestLineGets400AndTheHandlerIsNotCalled) {
  App app;
  TestServer server(app);
  Client client(server.port());
  const auto r = client.Exchange("GARBAGE\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["kind"], "bad-input");
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_TRUE(app.seen().empty());
}

TEST(HttpServer, AMalformedEscapeInThePathGets400) {
  App app;
  TestServer server(app);
  for (const char* target : {"/echo/%zz", "/echo/%4", "/echo/%00", "echo"}) {
    SCOPED_TRACE(target);
    Client client(server.port());
    const auto r = client.Exchange(Get(target));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["field"], "path");
  }
  EXPECT_TRUE(app.seen().empty());
}

TEST(HttpServer, HeadersOverTheLimitGet431) {
  App app;
  TestServer server(app);
  Client client(server.port());
  const auto r = client.Exchange(Get("/echo", "X-Big: " + std::string(20000, 'y') + "\r\n"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["field"], "headers");
  EXPECT_TRUE(app.seen().empty());
}

// Regression (issue 14): requests without Host, or with folded header lines, were accepted.
TEST(HttpServer, AnHttp11RequestWithoutOneHostGets400AndTheHandlerIsNotCalled) {
  App app;
  TestServer server(app);
  for (const char* request : {"GET /echo HTTP/1.1\r\n\r\n", "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
    SCOPED_TRACE(request);
    Client client(server.port());
    const auto r = client.Exchange(request);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["field"], "headers");
  }
  EXPECT_TRUE(app.seen().empty());
  Client http10(server.port());  // HTTP/1.0 has no Host requirement
  const auto ok = http10.Exchange("GET /echo HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
}

TEST(HttpServer, AFoldedHeaderLineGets400AndTheHandlerIsNotCalled) {
  App app;
  TestServer server(app);
  for (const char* fold : {"X-A: one\r\n two\r\n", "X-A: one\r\n\ttwo\r\n"}) {
    Client client(server.port());
    const auto r = client.Exchange(Get("/echo", fold));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 400);
    EXPECT_NE(nlohmann::json::parse(r->body)["error"]["message"].get<std::string>().find("folding"), std::string::npos);
  }
  EXPECT_TRUE(app.seen().empty());
  const ParsedRequest parsed = ParseRequestBytes(Get("/echo", "X-A: one\r\n two\r\n"), 1024);
  EXPECT_EQ(parsed.status, 400);
}

TEST(HttpServer, ConnectionsPastTheCapGet503AndTheOthersAreServed) {
  App app;
  ServerOptions options;
  options.max_connections = 2;
  TestServer server(app, options);
  Client first(server.port()), second(server.port());
  ASSERT_TRUE(first.Exchange(Get("/echo")).has_value());  // both registered before the third
  ASSERT_TRUE(second.Exchange(Get("/echo")).has_value());
  Client third(server.port());
  const auto r = third.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->Header("retry-after"), "1");
  EXPECT_TRUE(third.ClosedByServer());
  const auto again = first.Exchange(Get("/echo"));  // the open ones go on
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 200);
}

// Heavy requests (sign-in) run on their own pool: while one is still in its handler, other
// requests on the same I/O thread are answered. (Not timed: the heavy one waits for Release.)
TEST(HttpServer, AHeavyRequestInProgressDoesNotHoldUpOtherRequests) {
  App app;
  ServerOptions options;
  options.threads = 1;
  options.heavy = [](const Request& r) { return r.path == "/slow"; };
  options.heavy_threads = 1;
  TestServer server(app, options);
  Client heavy(server.port());
  ASSERT_TRUE(heavy.Send(Get("/slow")));
  ASSERT_TRUE(app.WaitUntilSlowEntered());
  Client other(server.port());
  const auto r = other.Exchange(Get("/echo/quick"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  app.Release();
  const auto slow = heavy.Read();
  ASSERT_TRUE(slow.has_value());
  EXPECT_EQ(slow->body, "slow answer");
}

// Heavy requests yield the CPU to the quick ones: their threads run at nice 10 or more; the I/O
// threads keep the process's priority.
TEST(HttpServer, HeavyRequestsRunAtALowerCpuPriority) {
  App app;
  ServerOptions options;
  options.heavy = [](const Request& r) { return r.path == "/nice" && r.query.count("heavy") > 0; };
  TestServer server(app, options);
  Client client(server.port());
  const int own = ::getpriority(PRIO_PROCESS, 0);
  const auto quick = client.Exchange(Get("/nice"));
  ASSERT_TRUE(quick.has_value());
  EXPECT_EQ(quick->body, std::to_string(own));
  const auto heavy = client.Exchange(Get("/nice?heavy=1"));
  ASSERT_TRUE(heavy.has_value());
  EXPECT_EQ(heavy->body, std::to_string(std::max(own, 10)));
}

TEST(HttpServer, AThrowingHandlerGets500AndTheServerCarriesOn) {
  App app;
  TestServer server(app);
  Client client(server.port());
  const auto r = client.Exchange(Get("/throw"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
  const auto next = client.Exchange(Get("/echo"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
}

TEST(HttpServer, CookiesReachTheHandler) {
  App app;
  TestServer server(app);
  Client client(server.port());
  const auto r = client.Exchange(Get("/echo", "Cookie: theme=dark\r\nCookie: session=abc123; lang=en\r\n"));
  ASSERT_TRUE(r.has_value());
  const auto seen = app.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].Cookie("theme"), "dark");
  EXPECT_EQ(seen[0].Cookie("session"), "abc123");
  EXPECT_EQ(seen[0].Cookie("lang"), "en");
  EXPECT_EQ(seen[0].Cookie("missing"), "");
}

TEST(HttpServer, TheAccessLogHasOneJsonLinePerRequestWithoutTheQueryString) {
  App app;
  std::ostringstream log;
  ServerOptions options;
  options.access_log = &log;
  TestServer server(app, options);
  {
    Client client(server.port());
    ASSERT_TRUE(client.Exchange(Get("/echo/x?mrn=SECRET-MRN&crcl=45")).has_value());
    ASSERT_TRUE(client.Exchange(Get("/nowhere?name=Ann")).has_value());
  }
  ASSERT_TRUE(server.Stop());  // after Run() returns, every line is written
  std::istringstream lines(log.str());
  std::vector<nlohmann::json> entries;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find("SECRET"), std::string::npos) << line;
    EXPECT_EQ(line.find("Ann"), std::string::npos) << line;
    entries.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(entries.size(), 2u) << log.str();
  const nlohmann::json& e = entries[0];
  EXPECT_TRUE(std::regex_match(e["time"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << e["time"];
  EXPECT_EQ(e["remote"], "127.0.0.1");
  EXPECT_EQ(e["method"], "GET");
  EXPECT_EQ(e["path"], "/echo/x");
  EXPECT_EQ(e["status"], 200);
  EXPECT_EQ(e["bytes"], std::string("GET /echo/x ").size());
  EXPECT_TRUE(e["duration_ms"].is_number());
  EXPECT_GE(e["duration_ms"].get<double>(), 0.0);
  EXPECT_EQ(e["route"], "/echo");
  EXPECT_EQ(entries[1]["path"], "/nowhere");
  EXPECT_EQ(entries[1]["status"], 404);
  EXPECT_TRUE(entries[1]["route"].is_null());
}

TEST(HttpServer, MetricsCountRequestsByMethodRouteAndStatus) {
  App app;
  TestServer server(app);
  Client client(server.port());
  ASSERT_TRUE(client.Exchange(Get("/echo/a")).has_value());
  ASSERT_TRUE(client.Exchange(Get("/echo/b?x=1")).has_value());
  ASSERT_TRUE(client.Exchange(Get("/nowhere")).has_value());
  // On the same connection, so the earlier exchanges are counted before this one is read.
  const auto r = client.Exchange(Get("/metrics"));
  ASSERT_TRUE(r.has_value());
  const std::string& text = r->body;
  EXPECT_NE(text.find("# HELP lenacare_http_requests_total "), std::string::npos) << text;
  EXPECT_NE(text.find("lenacare_http_requests_total{method=\"GET\",route=\"/echo\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("lenacare_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE lenacare_http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_bucket{route=\"/echo\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("lenacare_http_request_duration_seconds_count{route=\"/echo\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lenacare_http_connections_open 1\n"), std::string::npos) << text;
}

bool CanConnect(uint16_t port) { return Client(port).connected(); }

TEST(HttpServer, StopLetsASlowRequestFinishClosesIdleConnectionsAndRunReturns) {
  App app;
  ServerOptions options;
  options.threads = 2;  // the slow handler holds one I/O thread
  TestServer server(app, options);
  Client idle(server.port());
  ASSERT_TRUE(idle.Exchange(Get("/echo/idle")).has_value());
  Client slow(server.port());
  ASSERT_TRUE(slow.Send(Get("/slow")));
  ASSERT_TRUE(app.WaitUntilSlowEntered());

  server.server().Stop();
  EXPECT_TRUE(Eventually([&] { return !CanConnect(server.port()); })) << "still accepting after Stop()";
  EXPECT_TRUE(idle.ClosedByServer()) << "an idle keep-alive connection stays open after Stop()";

  app.Release();
  const auto r = slow.Read();
  ASSERT_TRUE(r.has_value()) << "the request in flight got no answer";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow answer");
  EXPECT_EQ(Lower(r->Header("connection")), "close");
  EXPECT_TRUE(server.WaitForRun()) << "Run() did not return";
}

TEST(HttpServer, StopClosesAHalfSentRequestAfterTheGracePeriod) {
  App app;
  ServerOptions options;
  options.grace = 1s;
  TestServer server(app, options);
  Client client(server.port());
  ASSERT_TRUE(client.Send("GET /echo HTTP/1.1\r\nHost: te"));  // and never the rest
  // A second connection served after it gives the server time to have read those first bytes (if
  // not, the connection counts as idle and is closed at once, which this test accepts too).
  ASSERT_TRUE(Client(server.port()).Exchange(Get("/echo/other")).has_value());
  server.server().Stop();
  EXPECT_TRUE(server.WaitForRun());
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_EQ(app.seen().size(), 1u);
}

TEST(HttpServer, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  App app;
  ServerOptions options;
  options.idle_timeout = 1s;
  TestServer server(app, options);
  Client client(server.port());
  ASSERT_TRUE(client.Exchange(Get("/echo")).has_value());
  EXPECT_TRUE(client.ClosedByServer());  // blocks until the server closes it (or kWait)
}

TEST(HttpServer, StartNamesTheAddressWhenThePortIsTaken) {
  App app;
  ServerOptions options;
  options.port = 0;
  options.handle_signals = false;
  auto first = Server::Start(options, app.handler());
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  options.port = first.value()->port();
  const auto second = Server::Start(options, app.handler());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::kFailed);
  EXPECT_EQ(second.error().field, "--listen");
  const std::string expected = "cannot listen on 127.0.0.1:" + std::to_string(options.port) + ": ";
  EXPECT_EQ(second.error().message.rfind(expected, 0), 0u) << second.error().message;
  EXPECT_GT(second.error().message.size(), expected.size()) << "no reason given";
}

TEST(HttpServer, StartRejectsAnInvalidHostAsBadInput) {
  App app;
  ServerOptions options;
  options.host = "not an address";
  options.port = 0;
  options.handle_signals = false;
  const auto r = Server::Start(options, app.handler());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(r.error().field, "--listen");
  EXPECT_NE(r.error().message.find("not an address"), std::string::npos);
}

}  // namespace
}  // namespace lenacare::http
