// Outgoing HTTP GETs (libcurl) for the CDS Hooks service: a JWK Set from an allow-listed URL, and
// the data a prefetch lacked from the EHR's FHIR server. http and https only, no redirects,
// bounded time and size. Thread-safe.
#pragma once

#include <string>

#include "core/result.h"

namespace lenacare::webapp {

struct HttpGetOptions {
  std::string bearer;  // sent as "Authorization: Bearer ..." when not empty; never logged
  std::string accept = "application/json";
  long connect_timeout_ms = 2000;
  long timeout_ms = 5000;
  size_t max_bytes = 8u << 20;
};

// The body of a 200 answer; failed (naming "url" and what went wrong) otherwise.
Result<std::string> HttpGet(const std::string& url, const HttpGetOptions& o);

}  // namespace lenacare::webapp
