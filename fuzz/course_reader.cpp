// The course reader: any bytes as a course file, through the use cases that read one (evaluate,
// check, rems) and the JSON of their answers. An input may be refused; it may not crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/course_checks.h"
#include "support.h"
#include "wire/json.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const app::Context ctx = fuzz::TheContext();
  const app::CourseRequest r{std::string(reinterpret_cast<const char*>(data), size), ""};
  if (auto a = app::Evaluate(ctx, r); !a.ok()) {
    (void)wire::ErrorJson(a.error()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;  // the others read the file the same way
  }
  if (auto c = app::Check(ctx, r); c.ok()) (void)wire::CheckJson(ctx.k, *c).dump();
  if (auto m = app::Rems(ctx, r); m.ok()) (void)wire::RemsJson(m->checklist).dump();
  return 0;
}
