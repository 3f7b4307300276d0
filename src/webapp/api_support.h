// What every JSON route checks first, shared by the REST API (api.cpp) and the account routes
// (account.cpp): the body, the caller, a browser session's CSRF header.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "core/result.h"
#include "http/message.h"
#include "webapp/caller.h"

namespace lenacare::webapp {

// The request's JSON object (the course reader's rules: no key twice, bounded nesting and text,
// numbers within a double), or bad input.
Result<nlohmann::json> Body(const http::Request& req);
// 401 unless the caller signed in or sent a valid API token.
std::optional<http::Response> RequireSignedIn(const Caller& c);
// 403 for a cookie-authenticated write without the session's CSRF token in X-CSRF-Token.
std::optional<http::Response> RequireCsrf(const http::Request& req, const Caller& c);

}  // namespace lenacare::webapp
