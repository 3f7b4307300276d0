#include "http/metrics.h"

#include <charconv>

namespace lenacare::http {
namespace {

// Prometheus label values escape backslash, double quote and line feed.
void AppendLabelValue(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendNumber(std::string& out, double value) {
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out.append(buf.data(), ec == std::errc() ? end : buf.data());
}

std::string_view RouteLabel(std::string_view route) { return route.empty() ? "unmatched" : route; }

}  // namespace

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",    "HEAD",  "POST",   "PUT",
                                                             "DELETE", "PATCH", "OPTIONS"};
  for (const std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

void Metrics::Record(std::string_view method, std::string_view route, int status, double seconds) {
  route = RouteLabel(route);
  size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;  // "le": bound included
  const std::lock_guard lock(mu_);
  const auto key = std::make_tuple(method, route, status);
  auto it = requests_.find(key);
  if (it == requests_.end()) {
    it = requests_.emplace(std::make_tuple(std::string(method), std::string(route), status), 0).first;
  }
  ++it->second;
  auto h = durations_.find(route);
  if (h == durations_.end()) h = durations_.emplace(std::string(route), Histogram{}).first;
  ++h->second.counts[bucket];
  h->second.sum += seconds;
  ++h->second.count;
}

std::string Metrics::Text(size_t open_connections) const {
  std::string out;
  out +=
      "# HELP lenacare_http_requests_total HTTP requests answered, by method, route and status.\n"
      "# TYPE lenacare_http_requests_total counter\n";
  const std::lock_guard lock(mu_);
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "lenacare_http_requests_total{method=\"";
    AppendLabelValue(out, method);
    out += "\",route=\"";
    AppendLabelValue(out, route);
    out += "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out +=
      "# HELP lenacare_http_request_duration_seconds Time from a request's first byte to its response written.\n"
      "# TYPE lenacare_http_request_duration_seconds histogram\n";
  static constexpr std::array<std::string_view, kBounds.size()> kLe = {
      "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5"};
  for (const auto& [route, h] : durations_) {
    std::string labels = "{route=\"";
    AppendLabelValue(labels, route);
    labels += "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBounds.size(); ++i) {
      cumulative += h.counts[i];
      out += "lenacare_http_request_duration_seconds_bucket" + labels + ",le=\"";
      out += i < kBounds.size() ? kLe[i] : "+Inf";
      out += "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "lenacare_http_request_duration_seconds_sum" + labels + "} ";
    AppendNumber(out, h.sum);
    out += "\nlenacare_http_request_duration_seconds_count" + labels + "} " + std::to_string(h.count) + "\n";
  }
  out +=
      "# HELP lenacare_http_connections_open Client connections open now.\n"
      "# TYPE lenacare_http_connections_open gauge\n"
      "lenacare_http_connections_open " +
      std::to_string(open_connections) + "\n";
  return out;
}

}  // namespace lenacare::http
