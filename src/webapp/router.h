// Routes of the web application: a method and a path pattern ("/patients/{ref}/lab") to a
// handler. Patterns are matched segment by segment; "{name}" matches one non-empty segment.
// The route table is also what the OpenAPI test compares with the published document.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/message.h"
#include "webapp/caller.h"

namespace lenacare::webapp {

using RouteParams = std::map<std::string, std::string>;
using RouteHandler = std::function<http::Response(const http::Request&, const RouteParams&, const Caller&)>;

struct Route {
  std::string method;
  std::string pattern;
  RouteHandler handler;
  std::vector<std::string> segments;
};

class Router {
 public:
  void Add(std::string method, std::string pattern, RouteHandler handler);
  // The matching route and its parameters; nullptr when none matches. `path_known` tells whether
  // some route has the path with another method (405 rather than 404).
  const Route* Find(const std::string& method, const std::string& path, RouteParams& params, bool& path_known) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace lenacare::webapp
