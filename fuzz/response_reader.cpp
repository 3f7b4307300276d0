// The response reader: any bytes as a myeloma response series, classified, and the JSON of the
// answer. An input may be refused; it may not crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/course_checks.h"
#include "support.h"
#include "wire/json.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const app::Context ctx = fuzz::TheContext();
  auto r = app::Response(ctx, app::ResponseRequest{std::string(reinterpret_cast<const char*>(data), size)});
  if (r.ok()) {
    (void)wire::ResponseJson(r->answer).dump();
  } else {
    (void)wire::ErrorJson(r.error()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
