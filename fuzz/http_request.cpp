// The HTTP request parser: any bytes as what a client sends on a connection, read with the
// server's parser and limits into the application's Request, whose accessors are then used.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/server.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const http::ParsedRequest p =
      http::ParseRequestBytes(std::string_view(reinterpret_cast<const char*>(data), size), 64 * 1024);
  if (p.status == 0) {
    (void)p.request.Header("Content-Type");
    (void)p.request.Cookie("session");
    (void)p.request.Query("as_of");
  }
  return 0;
}
