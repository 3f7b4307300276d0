// The quantity parser ("1.3 mg/dL"): any bytes, read as each kind of quantity the knowledge base
// has units for. An input may be refused; it may not crash.
#include "core/quantity.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "support.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseQuantity(text);
  for (const UnitKindEntry& kind : fuzz::TheKnowledge().units.kinds()) {
    (void)fuzz::TheKnowledge().units.Parse(kind.kind, text);
  }
  return 0;
}
