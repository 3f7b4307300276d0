// The Beast transport behind http/server.h. Shape: one io_context per I/O thread (measured faster
// than `threads` threads sharing one: no scheduler lock between them); the acceptor (and the
// signal set) on a strand of the first, which deals new connections to the contexts in turn; each
// connection (Session) on a strand of its own, so a connection's handlers never run at once. Run()'s own thread does no
// I/O: it waits for the stop request, then for the connections to drain or the grace period to pass.
//
// A connection's life: wait for the first byte of a request (idle timeout) -> read the request
// (request timeout) -> call the handler -> write the response (request timeout) -> again, or close.
// Ending a connection after an answer sends FIN first and reads what the client still sends for a
// moment ("lingering close"), so an early answer such as 413 is not destroyed by a TCP reset.

// clang-format off
// Boost 1.74's asio uses std::exchange without including <utility>, which g++ 12 in C++20 mode
// rejects; it must come before any asio or beast header.
#include <utility>
// clang-format on

#include "http/server.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "http/metrics.h"

namespace lenacare::http {
namespace {

// Heavy requests (a password hash, a whole list) yield the CPU to the quick ones: their pool's
// threads run at nice +10 (Linux sets it per thread). Set once per thread; a failure (a system
// that refuses) leaves the thread as it was.
void LowerThisThreadsPriority() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (now < 10) (void)::setpriority(PRIO_PROCESS, tid, 10);
}

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Beast's default is 8 KiB; browsers with a few cookies come close to that.
constexpr uint32_t kHeaderLimit = 16 * 1024;
constexpr size_t kReadChunk = 4096;
// At most this long between an access-log line and its write.
constexpr std::chrono::milliseconds kLogFlush{250};
// How long a closing connection keeps reading what the client still sends (see the top).
constexpr std::chrono::seconds kLingerTime{2};
// After the grace period, how long the forced closes may take before the io_context is stopped.
constexpr std::chrono::seconds kForceCloseWait{2};
// Accept failures such as EMFILE repeat at once; waiting a little avoids spinning on them.
constexpr std::chrono::milliseconds kAcceptRetry{100};

std::string_view Sv(beast::string_view s) { return {s.data(), s.size()}; }

// Why a request is refused before the handler sees it: the field and the message of a 400.
struct Refusal {
  std::string field, message;
};

// Obsolete line folding (a header line that begins with a space or tab continues the previous
// one, RFC 9112 5.2): Beast joins such lines silently, and proxies disagree on them, so a folded
// header is refused. `head` is the request up to the blank line that ends its header.
bool HasFoldedLine(std::string_view head) {
  for (size_t at = head.find('\n'); at != std::string_view::npos && at + 1 < head.size();
       at = head.find('\n', at + 1)) {
    if (head[at + 1] == ' ' || head[at + 1] == '\t') return true;
  }
  return false;
}

constexpr const char* kFolded =
    "a header line begins with a space or tab (obsolete line folding is not accepted): send each header on one line";

// The application's view of a parsed message (its body is moved out), or why it is refused: the
// target is not a usable origin-form path, or an HTTP/1.1 request does not name one Host.
std::optional<Refusal> ToRequest(bhttp::request<bhttp::string_body>& msg, Request& req) {
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  const std::string_view target = Sv(msg.target());
  const size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  // Only origin-form targets ("/path?query"); a decoded NUL is refused because no path needs one
  // and it truncates C strings further down.
  if (raw_path.empty() || raw_path.front() != '/' || !PercentDecode(raw_path, req.path, false) ||
      req.path.find('\0') != std::string::npos) {
    return Refusal{"path", "malformed request target: the path must start with '/' and use valid %XX escapes"};
  }
  // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host header.
  if (msg.version() >= 11 && msg.count(bhttp::field::host) != 1) {
    return Refusal{"headers", msg.count(bhttp::field::host) == 0
                                  ? "the Host header is missing: an HTTP/1.1 request must name the host"
                                  : "the Host header is given more than once"};
  }
  if (question != std::string_view::npos) req.query = ParseQuery(target.substr(question + 1));
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = req.headers.try_emplace(std::move(name), Sv(field.value()));
    // Repeated headers are one comma-separated list (RFC 9110 5.3), except Cookie ("; ").
    if (!inserted) it->second.append(it->first == "cookie" ? "; " : ", ").append(Sv(field.value()));
  }
  req.body = std::move(msg.body());
  return std::nullopt;
}

class Session;

// What the acceptor and the connections share. Connections hold it by shared_ptr because the last
// ones can be destroyed with the io_context, after the Server's other members.
struct Shared {
  ServerOptions options;
  Handler handler;
  Metrics metrics;
  std::mutex log_mu;       // guards log_buffer
  std::string log_buffer;  // access-log lines not yet written (see Log)

  // Access-log lines are written in batches: when 16 KiB have gathered, and by Run() at least
  // every kLogFlush and at the end, so a line appears within that time without one write per request.
  void Log(const std::string& line) {
    const std::lock_guard lock(log_mu);
    log_buffer += line;
    if (log_buffer.size() >= 16 * 1024) WriteLog();
  }
  void FlushLog() {
    const std::lock_guard lock(log_mu);
    WriteLog();
  }
  void WriteLog() {  // with log_mu held
    if (log_buffer.empty() || options.access_log == nullptr) return;
    options.access_log->write(log_buffer.data(), static_cast<std::streamsize>(log_buffer.size()));
    options.access_log->flush();
    log_buffer.clear();
  }

  std::unique_ptr<asio::thread_pool> heavy_pool;  // runs the requests options.heavy picks
  std::atomic<size_t> heavy_in_flight{0};

  std::atomic<bool> stopping{false};
  std::mutex mu;               // guards the members below
  std::condition_variable cv;  // stop requested, shutdown begun, a connection ended
  bool shutdown_begun = false;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  std::vector<std::shared_ptr<Session>> LiveSessions() {
    std::vector<std::shared_ptr<Session>> out;
    const std::lock_guard lock(mu);
    for (const auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
};

std::string IsoTimeUtc(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 96> buf{};  // room for any int in each field, which g++ checks
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf.data();
}

// `text` as a JSON string. Plain ASCII is escaped here; anything else (UTF-8, invalid bytes) goes
// through nlohmann, which replaces invalid sequences.
void AppendJsonString(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) {
      out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
  }
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

// The transport's own error answers have the application's error shape.
Response ErrorResponse(int status, std::string_view kind, std::string_view field, std::string_view message) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = nlohmann::json{{"error", {{"kind", kind}, {"field", field}, {"message", message}}}}.dump();
  return r;
}

// Beast 1.74 uses boost::string_view.

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("!#$%&'*+-.^_`|~").find(c) == s.npos) {
      return false;
    }
  }
  return true;
}

bool IsFieldValue(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == s.npos; }

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared) : stream_(std::move(socket)), shared_(std::move(shared)) {
    beast::error_code ec;
    remote_ = stream_.socket().remote_endpoint(ec).address().to_string();
  }
  ~Session() {
    const std::lock_guard lock(shared_->mu);
    shared_->sessions.erase(this);
    if (shared_->stopping) shared_->cv.notify_all();
  }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }
  // Shutdown: an idle keep-alive connection is closed; one with a request in progress finishes it.
  void OnShutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle) self->Close();
    });
  }
  void ForceClose() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosing };

  void WaitForRequest() {
    if (shared_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(static_cast<uint64_t>(shared_->options.body_limit));
    parser_->header_limit(kHeaderLimit);
    method_.clear();
    path_.clear();
    if (buffer_.size() > 0) return ReadRequest();  // pipelined: the next request is already here
    state_ = State::kIdle;
    stream_.expires_after(shared_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();  // idle timeout, client gone, or shutdown
      self->buffer_.commit(n);
      self->ReadRequest();
    });
  }

  void ReadRequest() {
    state_ = State::kReading;
    started_ = Clock::now();
    stream_.expires_after(shared_->options.request_timeout);
    ReadHead();
  }

  // Gathers the request's header in the buffer to check it for folded lines (which the parser
  // would join), then lets the parser read the request.
  void ReadHead() {
    const std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    if (const size_t end = data.find("\r\n\r\n"); end != std::string_view::npos) {
      if (HasFoldedLine(data.substr(0, end))) return SendError(400, "headers", kFolded);
      bhttp::async_read(stream_, buffer_, *parser_,
                        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
      return;
    }
    if (buffer_.size() > kHeaderLimit) {
      return SendError(431, "headers",
                       "the request headers are larger than the limit of " + std::to_string(kHeaderLimit) + " bytes");
    }
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();  // timeout, client gone, or shutdown
      self->buffer_.commit(n);
      self->ReadHead();
    });
  }

  void OnRead(beast::error_code ec) {
    if (parser_->is_header_done()) {
      method_ = std::string(parser_->get().method_string());
      const std::string_view target = Sv(parser_->get().target());
      path_ = std::string(target.substr(0, target.find('?')));
    }
    if (ec == bhttp::error::body_limit) {
      return SendError(
          413, "body",
          "the request body is larger than the limit of " + std::to_string(shared_->options.body_limit) + " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return SendError(431, "headers",
                       "the request headers are larger than the limit of " + std::to_string(kHeaderLimit) + " bytes");
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return Close();
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
      return SendError(400, "request", "malformed request: " + ec.message());
    }
    if (ec) return Close();  // timeout, reset or shutdown
    Handle();
  }

  void Handle() {
    state_ = State::kHandling;
    auto& msg = parser_->get();
    Request req;
    if (auto refused = ToRequest(msg, req)) return SendError(400, refused->field, refused->message);
    path_ = req.path;
    req.remote = remote_;
    const bool keep_alive = msg.keep_alive() && !shared_->stopping;
    if (shared_->options.heavy && shared_->options.heavy(req)) return HandleOnPool(std::move(req), keep_alive);
    Response res = Call(req);
    Write(std::move(res), keep_alive && !shared_->stopping);  // a stop requested meanwhile ends the connection
  }

  Response Call(const Request& req) {
    try {
      return shared_->handler(req);
    } catch (...) {
      // The handler must not throw; if it does, the client gets a 500 rather than the server dying.
      return ErrorResponse(500, "failed", "", "internal error");
    }
  }

  // A heavy request: handled on the pool; the answer is written back on the connection's strand.
  void HandleOnPool(Request req, bool keep_alive) {
    if (shared_->heavy_in_flight.fetch_add(1) >= shared_->options.heavy_limit) {
      shared_->heavy_in_flight.fetch_sub(1);
      Response busy =
          ErrorResponse(503, "failed", "",
                        "the server is busy with other long requests (sign-ins, whole lists): try again in a moment");
      busy.Header("Retry-After", "1");
      return Write(std::move(busy), keep_alive);
    }
    asio::post(*shared_->heavy_pool, [self = shared_from_this(), req = std::move(req), keep_alive]() mutable {
      LowerThisThreadsPriority();
      Response res = self->Call(req);
      self->shared_->heavy_in_flight.fetch_sub(1);
      asio::dispatch(self->stream_.get_executor(), [self, res = std::move(res), keep_alive]() mutable {
        self->Write(std::move(res), keep_alive && !self->shared_->stopping);
      });
    });
  }

  void SendError(int status, std::string_view field, const std::string& message) {
    state_ = State::kHandling;
    // The rest of the request is unread or unusable, so the connection ends after the answer.
    Write(ErrorResponse(status, "bad-input", field, message), false);
  }

  void Write(Response res, bool keep_alive) {
    bool valid = res.status >= 200 && res.status <= 599;
    for (const auto& [name, value] : res.headers) valid = valid && IsToken(name) && IsFieldValue(value);
    valid = valid && IsFieldValue(res.content_type);
    if (!valid) res = ErrorResponse(500, "failed", "", "internal error: invalid response status or header");
    route_ = std::move(res.route);
    keep_alive_ = keep_alive;
    response_ = {};
    response_.version(parser_->is_header_done() ? parser_->get().version() : 11);
    response_.result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty()) response_.set(bhttp::field::content_type, res.content_type);
    for (const auto& [name, value] : res.headers) response_.insert(name, value);
    if (res.status != 204 && res.status != 304) response_.body() = std::move(res.body);  // they have no body
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    // HEAD: the headers of the GET answer (Content-Length included) without its body.
    if (parser_->is_header_done() && parser_->get().method() == bhttp::verb::head) response_.body().clear();
    state_ = State::kWriting;
    stream_.expires_after(shared_->options.request_timeout);
    bhttp::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->Record();
      if (ec) return self->Close();
      if (!self->keep_alive_) return self->LingeringClose();
      self->WaitForRequest();
    });
  }

  void Record() {
    const auto now = Clock::now();
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const int status = static_cast<int>(response_.result_int());
    shared_->metrics.Record(MethodLabel(method_), route_, status, seconds);
    if (shared_->options.access_log == nullptr) return;
    // One JSON object per line, written by hand: building a JSON tree per request cost more than the
    // rest of the logging together.
    std::string line;
    line.reserve(256);
    line += "{\"time\":\"";
    line += IsoTimeUtc(std::chrono::system_clock::now());
    line += "\",\"remote\":";
    AppendJsonString(line, remote_);
    line += ",\"method\":";
    AppendJsonString(line, method_);
    line += ",\"path\":";
    AppendJsonString(line, path_);  // never the query string: it can carry patient data
    line += ",\"status\":";
    line += std::to_string(status);
    line += ",\"bytes\":";
    line += std::to_string(response_.body().size());
    char ms[32];
    std::snprintf(ms, sizeof ms, ",\"duration_ms\":%.3f", static_cast<double>(std::llround(seconds * 1e6)) / 1e3);
    line += ms;
    line += ",\"route\":";
    if (route_.empty()) {
      line += "null";
    } else {
      AppendJsonString(line, route_);
    }
    line += "}\n";
    shared_->Log(line);
  }

  void LingeringClose() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    buffer_.consume(buffer_.size());
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();  // the client's FIN, or the linger time is over
      self->Drain();
    });
  }

  void Close() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Shared> shared_;
  std::string remote_;
  State state_ = State::kIdle;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  bool keep_alive_ = false;
  // For the metrics and the access log of the request in progress.
  Clock::time_point started_;
  std::string method_;
  std::string path_;
  std::string route_;
};

// A connection turned away at the cap: a fixed answer, then closed the lingering way (see the top),
// so the answer is not lost to a TCP reset.
class TurnedAway : public std::enable_shared_from_this<TurnedAway> {
 public:
  explicit TurnedAway(tcp::socket socket) : stream_(std::move(socket)) {}
  void Answer(const std::string& answer) {  // `answer` outlives the write (a static)
    stream_.expires_after(kLingerTime);
    asio::async_write(stream_, asio::buffer(answer), [self = shared_from_this()](beast::error_code ec, size_t) {
      beast::error_code ignored;
      if (ec) {
        self->stream_.socket().close(ignored);
        return;
      }
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->Drain();
    });
  }

 private:
  void Drain() {
    stream_.async_read_some(asio::buffer(sink_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) return self->Drain();
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    });
  }
  beast::tcp_stream stream_;
  std::array<char, kReadChunk> sink_{};
};

}  // namespace

class Server::Impl {
 public:
  Impl(const ServerOptions& options, Handler handler)
      : contexts_(MakeContexts(options.threads)),
        shared_(std::make_shared<Shared>()),
        strand_(asio::make_strand(*contexts_.front())),
        acceptor_(strand_),
        signals_(strand_),
        hangup_(strand_),
        accept_retry_(strand_) {
    shared_->options = options;
    shared_->heavy_pool = std::make_unique<asio::thread_pool>(static_cast<size_t>(std::max(1, options.heavy_threads)));
    shared_->handler = std::move(handler);
  }

  Status Listen() {
    const ServerOptions& o = shared_->options;
    beast::error_code ec;
    const auto address =
        o.host == "localhost" ? asio::ip::make_address("127.0.0.1", ec) : asio::ip::make_address(o.host, ec);
    if (ec) {
      return Error::BadInput("--listen",
                             "invalid host " + Quoted(o.host) +
                                 ": expected an IP address such as 127.0.0.1, ::1 or 0.0.0.0, or localhost");
    }
    const tcp::endpoint endpoint(address, o.port);
    const std::string where = (address.is_v6() ? "[" + o.host + "]" : o.host) + ":" + std::to_string(o.port);
    const auto failed = [&where](const beast::error_code& e) {
      return Error::Failed("--listen", "cannot listen on " + where + ": " + e.message());
    };
    if (acceptor_.open(endpoint.protocol(), ec); ec) return failed(ec);
    if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) return failed(ec);
    if (acceptor_.bind(endpoint, ec); ec) return failed(ec);
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return failed(ec);
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return failed(ec);
    if (o.handle_signals) {
      signals_.add(SIGINT, ec);
      if (!ec) signals_.add(SIGTERM, ec);
      if (ec) return Error::Failed("--listen", "cannot handle SIGINT/SIGTERM: " + ec.message());
      signals_.async_wait([this](beast::error_code e, int) {
        if (!e) Stop();
      });
      if (o.reopen_log) {
        hangup_.add(SIGHUP, ec);
        if (ec) return Error::Failed("--log-file", "cannot handle SIGHUP: " + ec.message());
        WaitForHangup();
      }
    }
    return Status::Ok();
  }

  // SIGHUP: the lines gathered so far go to the old file, then the log file is opened again
  // (logrotate has moved it away), for as long as the server runs.
  void WaitForHangup() {
    hangup_.async_wait([this](beast::error_code e, int) {
      if (e) return;
      {
        const std::lock_guard lock(shared_->log_mu);
        shared_->WriteLog();
        shared_->options.reopen_log();
      }
      WaitForHangup();
    });
  }

  uint16_t port() const { return port_; }

  void Run() {
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
    for (auto& c : contexts_) work.push_back(asio::make_work_guard(*c));
    asio::post(strand_, [this] { Accept(); });
    std::vector<std::thread> threads;
    for (auto& c : contexts_) threads.emplace_back([&c] { c->run(); });
    {
      std::unique_lock lock(shared_->mu);
      while (!shared_->stopping) {
        shared_->cv.wait_for(lock, kLogFlush);
        lock.unlock();
        shared_->FlushLog();
        lock.lock();
      }
      const auto drained = [this] { return shared_->shutdown_begun && shared_->sessions.empty(); };
      if (!shared_->cv.wait_for(lock, shared_->options.grace, drained)) {
        lock.unlock();
        for (const auto& s : shared_->LiveSessions()) s->ForceClose();
        lock.lock();
        shared_->cv.wait_for(lock, kForceCloseWait, drained);
      }
    }
    shared_->heavy_pool->stop();  // a request still on it finishes; its answer is not written
    shared_->heavy_pool->join();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads) t.join();
    shared_->FlushLog();
    beast::error_code ec;
    acceptor_.close(ec);  // in case the shutdown never ran (an I/O thread blocked past the grace)
  }

  void Stop() {
    {
      const std::lock_guard lock(shared_->mu);
      if (shared_->stopping) return;
      shared_->stopping = true;
    }
    shared_->cv.notify_all();
    asio::post(strand_, [this] { BeginShutdown(); });
  }

  std::string MetricsText() const {
    size_t open = 0;
    {
      const std::lock_guard lock(shared_->mu);
      open = shared_->sessions.size();
    }
    return shared_->metrics.Text(open);
  }

 private:
  void Accept() {
    if (shared_->stopping) return;
    // Connections are dealt to the threads' contexts in turn; each context is run by one thread, so
    // a connection's work never waits for a lock shared with the other threads' connections.
    asio::io_context& next = *contexts_[next_context_++ % contexts_.size()];
    acceptor_.async_accept(asio::make_strand(next), [this](beast::error_code ec, tcp::socket socket) {
      if (shared_->stopping || ec == asio::error::operation_aborted) return;
      if (ec) {
        accept_retry_.expires_after(kAcceptRetry);
        accept_retry_.async_wait([this](beast::error_code e) {
          if (!e) Accept();
        });
        return;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // without it, delayed ACKs stall small answers
      std::shared_ptr<Session> session;
      {
        const std::lock_guard lock(shared_->mu);
        if (shared_->sessions.size() < shared_->options.max_connections) {
          session = std::make_shared<Session>(std::move(socket), shared_);
          shared_->sessions.emplace(session.get(), session);
        }
      }
      if (session) {
        session->Start();
      } else {
        TurnAway(std::move(socket));
      }
      Accept();
    });
  }

  // A connection past the cap: a fixed 503 answer, then the connection is closed. It is not
  // registered, so it does not count against the cap itself.
  void TurnAway(tcp::socket socket) {
    shared_->metrics.Record("OTHER", "", 503, 0.0);
    static const std::string kAnswer = [] {
      const std::string body =
          R"({"error":{"kind":"failed","field":"connection","message":"the server has too many open connections: try again in a moment"}})";
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
             "Connection: close\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    std::make_shared<TurnedAway>(std::move(socket))->Answer(kAnswer);
  }

  // On strand_, so it is ordered with Accept(): no connection is registered after it.
  void BeginShutdown() {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
    signals_.clear(ec);  // a second Ctrl-C now ends the process the default way
    signals_.cancel(ec);
    hangup_.cancel(ec);  // SIGHUP stays handled (ignored) until the server is gone
    for (const auto& s : shared_->LiveSessions()) s->OnShutdown();
    {
      const std::lock_guard lock(shared_->mu);
      shared_->shutdown_begun = true;
    }
    shared_->cv.notify_all();
  }

  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < threads; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  // One context per I/O thread; first, so they are destroyed last: the objects below use them.
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  size_t next_context_ = 0;  // used on strand_ only
  std::shared_ptr<Shared> shared_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::signal_set hangup_;  // SIGHUP, when options.reopen_log is set
  asio::steady_timer accept_retry_;
  uint16_t port_ = 0;
};

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler) {
  if (options.threads < 1) return Error::BadInput("--threads", "must be at least 1");
  if (!handler) return Error::BadInput("handler", "missing");
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  if (Status listening = impl->Listen(); !listening.ok()) return listening.error();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

ParsedRequest ParseRequestBytes(std::string_view bytes, size_t body_limit) {
  ParsedRequest out;
  if (const size_t end = bytes.find("\r\n\r\n"); end != std::string_view::npos && HasFoldedLine(bytes.substr(0, end))) {
    return {400, "headers", kFolded, {}};
  }
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(static_cast<uint64_t>(body_limit));
  parser.header_limit(kHeaderLimit);
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  while (!ec && !parser.is_done() && used < bytes.size()) {
    const size_t n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == bhttp::error::need_more) break;
    if (n == 0 && !ec) break;
    used += n;
  }
  if (ec == bhttp::error::body_limit) {
    return {413, "body", "the request body is larger than the limit of " + std::to_string(body_limit) + " bytes", {}};
  }
  if (ec == bhttp::error::header_limit) {
    return {431,
            "headers",
            "the request headers are larger than the limit of " + std::to_string(kHeaderLimit) + " bytes",
            {}};
  }
  if (ec && ec != bhttp::error::need_more) return {400, "request", "malformed request: " + ec.message(), {}};
  if (!parser.is_done()) return {400, "request", "incomplete request", {}};
  if (auto refused = ToRequest(parser.get(), out.request)) return {400, refused->field, refused->message, {}};
  return out;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;
uint16_t Server::port() const { return impl_->port(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }
std::string Server::MetricsText() const { return impl_->MetricsText(); }

}  // namespace lenacare::http
