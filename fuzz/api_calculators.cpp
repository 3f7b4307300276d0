// The REST API's calculators: the first byte picks one (crcl, start-dose, ..., evaluate, check,
// response), the rest is its JSON body, read as the API reads a body and answered by the use case.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "course/json_input.h"
#include "support.h"
#include "webapp/commands.h"
#include "wire/json.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& routes = webapp::CalculatorRoutes();
  const webapp::CalculatorRoute& route = routes[data[0] % routes.size()];
  auto body = json_input::ParseObject(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), "body");
  if (!body.ok()) return 0;
  const app::Context ctx = fuzz::TheContext();
  auto answer = route.answer(ctx, *body);
  if (answer.ok()) {
    (void)answer->dump();
  } else {
    (void)wire::ErrorJson(answer.error()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
