// The form and query decoders: any bytes as a form body or query string, decoded and read into
// each calculator's typed request by its field table (the same tables the API and pages use).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/message.h"
#include "webapp/commands.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const webapp::Form form = http::ParseQuery(std::string_view(reinterpret_cast<const char*>(data), size));
  {
    app::CrClRequest r;
    (void)webapp::CrClFields().FromForm(form, r);
  }
  {
    app::StartDoseRequest r;
    (void)webapp::StartDoseFields().FromForm(form, r);
  }
  {
    app::MissedDoseRequest r;
    (void)webapp::MissedDoseFields().FromForm(form, r);
  }
  {
    app::VteRequest r;
    (void)webapp::VteFields().FromForm(form, r);
  }
  {
    app::WorklistRequest r;
    (void)webapp::WorklistFields().FromForm(form, r);
  }
  return 0;
}
