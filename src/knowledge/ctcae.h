// CTCAE laboratory grading tables, typed (knowledge/common/ctcae-<version>.toml). A band's bounds
// are absolute (in the test's canonical unit) or multiples of the laboratory's LLN/ULN or of the
// patient's baseline, which the input must supply.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/quantity.h"
#include "core/result.h"
#include "knowledge/citation.h"
#include "knowledge/lab_test.h"

namespace lenacare {

struct CtcaeBound {
  enum class Ref { kAbsolute, kLln, kUln, kBaseline } ref = Ref::kAbsolute;
  double value = 0;  // the absolute value, or the multiple of the reference
  // The bound for this input, or nullopt if its reference was not supplied.
  std::optional<double> Resolve(std::optional<double> lln, std::optional<double> uln,
                                std::optional<double> baseline) const;
  std::string Describe(std::string_view unit) const;  // "1.5 x ULN", "0.5 10*9/L"
};

struct CtcaeBand {
  int grade = 0;
  std::optional<CtcaeBound> at_least, below, above, at_most;
};

struct CtcaeTerm {
  std::string id, name, clinical_grades;
  LabTest test = LabTest::kAnc;
  bool increased = false;
  std::vector<CtcaeBand> bands;
  // CTCAE's own edges in another unit (hemoglobin in mmol/L: 6.2 and 4.9, not converted g/dL).
  std::vector<std::pair<std::string, std::vector<CtcaeBand>>> bands_by_unit;
  Citation cite;
};

struct FebrileNeutropeniaRule {
  std::string name, clinical_grades;
  int grade = 3;
  double anc_below = 0, single_temperature_above = 0, sustained_temperature_at_least = 0, sustained_hours = 0;
  Citation cite;
};

struct CtcaeVersion {
  std::string version, published;
  Citation cite;
  std::vector<CtcaeTerm> terms;
  FebrileNeutropeniaRule febrile_neutropenia;
  const CtcaeTerm* FindTerm(LabTest test) const;
};

// Loads every common/ctcae-*.toml of the knowledge root.
Status LoadCtcae(const std::string& root, const Vocabulary& vocab, std::vector<CtcaeVersion>& out);

}  // namespace lenacare
