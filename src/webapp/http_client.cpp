#include "webapp/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace lenacare::webapp {
namespace {

struct Body {
  std::string text;
  size_t limit = 0;
  bool too_big = false;
};

size_t Write(char* data, size_t size, size_t n, void* user) {
  auto* b = static_cast<Body*>(user);
  const size_t bytes = size * n;
  if (b->text.size() + bytes > b->limit) {
    b->too_big = true;
    return 0;  // stops the transfer
  }
  b->text.append(data, bytes);
  return bytes;
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

Result<std::string> HttpGet(const std::string& url, const HttpGetOptions& o) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return Error::Failed("url", "only http and https addresses are fetched");
  }
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Error::Failed("url", "the HTTP client could not start");
  std::unique_ptr<curl_slist, ListFree> headers;
  curl_slist* list = curl_slist_append(nullptr, ("Accept: " + o.accept).c_str());
  if (!o.bearer.empty()) list = curl_slist_append(list, ("Authorization: Bearer " + o.bearer).c_str());
  headers.reset(list);
  Body body;
  body.limit = o.max_bytes;
  char problem[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, problem);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "lenacare");
  const CURLcode rc = curl_easy_perform(c);
  if (body.too_big) return Error::Failed("url", "the answer is larger than " + std::to_string(o.max_bytes) + " bytes");
  if (rc != CURLE_OK) {
    return Error::Failed("url", std::string(problem[0] != 0 ? problem : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return Error::Failed("url", "the server answered HTTP " + std::to_string(status));
  return std::move(body.text);
}

}  // namespace lenacare::webapp
