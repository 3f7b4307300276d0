#include "webapp/router.h"

namespace lenacare::webapp {
namespace {

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t at = 1;
  while (at <= path.size()) {
    const size_t slash = path.find('/', at);
    const size_t end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, RouteHandler handler) {
  Route r{std::move(method), std::move(pattern), std::move(handler), {}};
  r.segments = Segments(r.pattern);
  routes_.push_back(std::move(r));
}

const Route* Router::Find(const std::string& method, const std::string& path, RouteParams& params,
                          bool& path_known) const {
  path_known = false;
  if (path.empty() || path.front() != '/') return nullptr;
  const std::vector<std::string> parts = Segments(path);
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    RouteParams found;
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i) {
      const std::string& seg = r.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        if (parts[i].empty()) match = false;
        found[seg.substr(1, seg.size() - 2)] = parts[i];
      } else {
        match = seg == parts[i];
      }
    }
    if (!match) continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      path_known = true;
      continue;
    }
    params = std::move(found);
    return &r;
  }
  return nullptr;
}

}  // namespace lenacare::webapp
