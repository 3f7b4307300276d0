// The HTTP/1.1 server of `lenacare serve` (Boost.Beast, asynchronous; see
// docs/decisions/http-library.md). It reads requests, calls one Handler per request and writes
// the response, with keep-alive, TCP_NODELAY, a body-size limit (413), a structured access log
// (one JSON line per request), Prometheus metrics of requests and latency, and graceful shutdown:
// on Stop() or SIGINT/SIGTERM it stops accepting, lets requests in progress finish (up to a grace
// period) and returns from Run().
//
// Thread-safety: the handler is called from `threads` I/O threads at once; it must be safe for
// that. Stop() and MetricsText() may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace lenacare::http {

using Handler = std::function<Response(const Request&)>;

// One request read from `bytes` as a connection reads it (the same parser, limits and checks), for
// the fuzz target and the tests: `status` 0 and the request, or the error status a connection
// answers (400, 413, 431) with the field and message; an incomplete request is 400 "request".
struct ParsedRequest {
  int status = 0;
  std::string field, message;
  Request request;
};
ParsedRequest ParseRequestBytes(std::string_view bytes, size_t body_limit);

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see Server::port())
  int threads = 1;
  size_t body_limit = 1 << 20;     // bytes; a larger body is answered 413 without calling the handler
  std::chrono::seconds grace{10};  // Stop(): how long requests in progress may take before connections are closed
  // A keep-alive connection with no request for this long is closed.
  std::chrono::seconds idle_timeout{30};
  // Once a request's first byte has arrived, the whole request must arrive within this time, and
  // its response must then be sent within it again; otherwise the connection is closed (slow clients).
  std::chrono::seconds request_timeout{15};
  // Requests for which `heavy` answers true (sign-in: a password hash takes a tenth of a second of
  // CPU) run on a pool of `heavy_threads` threads instead of an I/O thread, so they never hold up
  // the other requests; past `heavy_limit` such requests at once, the next is answered 503.
  std::function<bool(const Request&)> heavy;
  int heavy_threads = 2;
  size_t heavy_limit = 64;
  // Open connections past this many are answered 503 (with Retry-After) and closed at once, so a
  // flood of idle connections cannot exhaust the process's file descriptors.
  size_t max_connections = 1000;
  std::ostream* access_log = nullptr;  // one JSON object per line; nullptr: no log
  bool handle_signals = true;          // stop on SIGINT/SIGTERM
  // With handle_signals: called on SIGHUP, with the access log's buffered lines written, to reopen
  // the file `access_log` writes to (after logrotate moved it); nullptr: SIGHUP is not handled.
  std::function<void()> reopen_log;
};

class Server {
 public:
  // Binds and listens (an error names the address when it is taken or invalid).
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler handler);
  ~Server();
  uint16_t port() const;
  // Serves on `threads` I/O threads until Stop() or a signal; returns after the graceful shutdown:
  // no new connections, idle keep-alive connections closed, requests in progress answered (with
  // `Connection: close`) until `grace` has passed, then the remaining connections are closed.
  // Call it once.
  void Run();
  // Starts the graceful shutdown; returns at once (Run() returns when it is done). Idempotent.
  void Stop();
  // Prometheus text exposition: lenacare_http_requests_total{method,route,status},
  // lenacare_http_request_duration_seconds histogram{route}, lenacare_http_connections_open.
  std::string MetricsText() const;

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lenacare::http
