// Failed sign-ins are limited per username and per client address: after `max_failures` within
// `window`, further attempts are refused (HTTP 429) until the oldest failure leaves the window.
// The numbers are policy (README "Limits"), not clinical facts. Thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace lenacare::webapp {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(int max_failures, std::chrono::seconds window) : max_(max_failures), window_(window) {}
  // 0 when an attempt is allowed now, else the seconds to wait.
  long RetryAfter(const std::string& key, Clock::time_point now = Clock::now());
  void Failed(const std::string& key, Clock::time_point now = Clock::now());
  void Succeeded(const std::string& key);

 private:
  void Expire(std::deque<Clock::time_point>& q, Clock::time_point now) const;
  const int max_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, std::deque<Clock::time_point>> failures_;
};

struct SignInPolicy {
  static constexpr int kMaxFailuresPerUser = 5;
  static constexpr int kMaxFailuresPerAddress = 20;
  static constexpr std::chrono::seconds kWindow{15 * 60};
};

}  // namespace lenacare::webapp
