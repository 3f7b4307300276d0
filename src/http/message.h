// An HTTP request and response as the application sees them: plain values, no library types.
// The transport (http/server.h) fills a Request from the wire and writes the Response back.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lenacare::http {

struct Request {
  std::string method;                             // "GET", "POST", ...
  std::string target;                             // as sent: "/api/v1/patients?limit=5"
  std::string path;                               // percent-decoded path without the query: "/api/v1/patients"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;     // names in lower case; repeated headers joined with ", "
  std::string body;
  std::string remote;  // peer address, e.g. "127.0.0.1"

  // The header's value, or "" (name in any case).
  std::string Header(const std::string& name) const;
  // The first query parameter of that name, or "".
  std::string Query(const std::string& name) const;
  // The named cookie's value from the Cookie header, or "".
  std::string Cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, Location, ...)
  std::string body;
  // The route pattern that answered ("/api/v1/patients/{ref}"), for metrics and the access log;
  // empty for an unmatched path.
  std::string route;

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space, as in HTML forms). Empty pieces
// ("a=1&&b=2") are skipped; a name without '=' has the value "". A malformed escape ("%zz", a
// trailing "%4") is kept as written rather than failing the whole query, so that the
// application's own validation rejects that one parameter and names it.
std::multimap<std::string, std::string> ParseQuery(std::string_view text);
// Percent-decoding into `out` (replaced, not appended); false, with `out` empty, when an escape
// is malformed ('%' not followed by two hex digits).
bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace lenacare::http
