// The FHIR reader: any bytes as one .json file (a resource or a Bundle), mapped to lenacare's
// records. An input may be refused (an invalid record); it may not crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fhir/fhir_map.h"
#include "support.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fhir::Reader reader(fuzz::TheKnowledge(), *Date::Parse("2026-06-01"));
  static std::vector<fhir::Record> records;
  std::string text(reinterpret_cast<const char*>(data), size);
  reader.Read(text, records);
  return 0;
}
