#include "webapp/rate_limit.h"

namespace lenacare::webapp {

void RateLimiter::Expire(std::deque<Clock::time_point>& q, Clock::time_point now) const {
  while (!q.empty() && now - q.front() >= window_) q.pop_front();
}

long RateLimiter::RetryAfter(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  Expire(it->second, now);
  if (static_cast<int>(it->second.size()) < max_) return 0;
  const auto wait = std::chrono::duration_cast<std::chrono::seconds>(it->second.front() + window_ - now).count();
  return wait < 1 ? 1 : static_cast<long>(wait);
}

void RateLimiter::Failed(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& q = failures_[key];
  Expire(q, now);
  q.push_back(now);
}

void RateLimiter::Succeeded(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

}  // namespace lenacare::webapp
