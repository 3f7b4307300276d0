// The server's request metrics in Prometheus text format 0.0.4 (an internal part of
// http/server.cpp, separate so it stays small and testable). Record() is called once per answered
// request from any I/O thread; Text() renders a snapshot. One mutex guards both: the per-request
// cost is two map look-ups, which is small next to a request's parsing and socket writes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace lenacare::http {

class Metrics {
 public:
  // `route` "" is counted as "unmatched"; `method` should already be bounded (see MethodLabel).
  void Record(std::string_view method, std::string_view route, int status, double seconds);
  // lenacare_http_requests_total, lenacare_http_request_duration_seconds and
  // lenacare_http_connections_open (the gauge's value is passed in: the server counts connections).
  std::string Text(size_t open_connections) const;

  // The upper bounds of the latency histogram, in seconds (+Inf is implicit).
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1,    2.5};

 private:
  struct Histogram {
    std::array<uint64_t, kBounds.size() + 1> counts{};  // per bucket, not cumulative; last is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  // Finds a (method, route, status) key given as string_views without building strings (clang 14
  // cannot compare a tuple of strings with one of string_views through std::less<>).
  struct KeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      using View = std::tuple<std::string_view, std::string_view, int>;
      return View(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
             View(std::get<0>(b), std::get<1>(b), std::get<2>(b));
    }
  };
  std::map<std::tuple<std::string, std::string, int>, uint64_t, KeyLess> requests_;
  std::map<std::string, Histogram, std::less<>> durations_;
};

// The method as a metrics label: the standard methods as sent, anything else "OTHER", so that a
// client cannot grow the metrics without bound by inventing methods.
std::string_view MethodLabel(std::string_view method);

}  // namespace lenacare::http
