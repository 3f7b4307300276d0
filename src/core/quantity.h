// Quantities with units. Every lab value, weight, dose and threshold in lenacare travels with its
// unit; conversion to the canonical unit of its kind happens once, at the edge, through the unit
// table that the knowledge base supplies (knowledge/common/units.toml). A unit that is unknown,
// missing or of the wrong kind for the quantity is an error, never a guess.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lenacare {

// What a number measures. Each kind has one canonical unit (in brackets).
enum class QuantityKind {
  kCellCount,            // blood cells per volume [10*9/L]
  kHemoglobin,           // [g/dL]
  kCreatinine,           // serum creatinine [mg/dL]
  kBodyWeight,           // [kg]
  kTemperature,          // [Cel]
  kCreatinineClearance,  // [mL/min]
  kDose,                 // drug amount [mg]
  kDuration,             // [d]
  kAge,                  // [a]
  kFraction,             // [%]
  kHcg,                  // pregnancy-test hCG level [m[IU]/mL]
  kBodyMassIndex,        // [kg/m2]
  // Myeloma response markers (standards.md §0.3, §1.2). Their units are not yet in units.toml:
  kMProtein,        // serum M-protein [g/dL]
  kUrineMProtein,   // 24-hour urine M-protein [mg/24h]
  kFreeLightChain,  // serum free light chain [mg/dL]
  kLesionArea,      // plasmacytoma size, sum of the products of diameters [cm2]
};

// The written form of a quantity before conversion: "25 10*9/L" -> {25, "10*9/L"}.
struct RawQuantity {
  double value = 0;
  std::string unit;
};

// Splits "number unit" (space optional: "58kg"). Rejects a missing number, a missing unit,
// thousands separators and exponents, each with a message that says so.
// `example` is a well-formed quantity shown in the messages ("1.3 mg/dL").
Result<RawQuantity> ParseQuantity(std::string_view text, std::string_view example = "1.3 mg/dL");

// Formats a number without trailing zeros: 2.5 -> "2.5", 25 -> "25".
std::string FormatNumber(double value);

struct UnitAlias {
  std::string unit;   // exactly as written (case-sensitive: G/L is not g/L)
  double factor = 1;  // canonical = (value + offset) * factor
  double offset = 0;
};

struct UnitKindEntry {
  QuantityKind kind;
  std::string id;         // "cell-count"
  std::string canonical;  // "10*9/L"
  std::vector<UnitAlias> aliases;
};

class UnitTable {
 public:
  void Add(UnitKindEntry entry) { kinds_.push_back(std::move(entry)); }
  const UnitKindEntry* Find(QuantityKind kind) const;
  const std::vector<UnitKindEntry>& kinds() const { return kinds_; }

  // Converts to the kind's canonical unit; a unit of another kind gets a message naming the kind
  // it belongs to ("'mg/dL' is a creatinine unit, not a cell count unit").
  Result<double> ToCanonical(QuantityKind kind, const RawQuantity& q) const;
  // Parse + convert in one step.
  Result<double> Parse(QuantityKind kind, std::string_view text) const;

 private:
  std::vector<UnitKindEntry> kinds_;
};

std::string_view KindName(QuantityKind kind);  // "cell count", "hemoglobin", ...
bool ParseKindId(std::string_view id, QuantityKind& out);

}  // namespace lenacare
