// Plausibility checks for patient inputs (knowledge/common/inputs.toml). A value outside its range
// is a bad-input error naming the field, so that no dose is ever computed from a typing error.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

// `subject` is "age", "weight", "creatinine", "anc", "platelets", "wbc", "hemoglobin",
// "temperature" or "crcl"; `value` is in the canonical unit of that subject.
Status CheckPlausible(const Knowledge& k, std::string_view subject, double value, const std::string& field);

// Parses "58 kg" / "1.3 mg/dL" / "25 10*9/L" for `subject`, converts it and checks plausibility.
Result<double> ParseMeasurement(const Knowledge& k, std::string_view subject, QuantityKind kind, std::string_view text,
                                const std::string& field);

}  // namespace lenacare
