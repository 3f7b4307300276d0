// The FHIR reader on bulk data: any bytes as an NDJSON file, each line a resource, read with one
// reader in turn as the importer does (so a line may meet the state an earlier one left).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/fhir_map.h"
#include "support.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fhir::Reader reader(fuzz::TheKnowledge(), *Date::Parse("2026-06-01"));
  static std::vector<fhir::Record> records;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t at = 0;
  while (at < all.size()) {
    size_t end = all.find('\n', at);
    if (end == std::string_view::npos) end = all.size();
    std::string line(all.substr(at, end - at));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) reader.Read(line, records);
    at = end + 1;
  }
  return 0;
}
