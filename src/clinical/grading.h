// CTCAE grading of laboratory values and of febrile neutropenia (knowledge/common/ctcae-*.toml).
// Pure. The version is a parameter ("5.0"); the laboratory's LLN/ULN come with the input.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

struct GradeInput {
  GradeInput() = default;
  GradeInput(LabTest t, double v, std::optional<double> lln_ = {}, std::optional<double> uln_ = {},
             std::optional<double> baseline_ = {}, std::string unit_ = {})
      : test(t), value(v), lln(lln_), uln(uln_), baseline(baseline_), unit(std::move(unit_)) {}
  LabTest test = LabTest::kAnc;
  double value = 0;                // canonical unit of the test
  std::optional<double> lln, uln;  // the laboratory's limits, same unit
  std::optional<double> baseline;  // the patient's baseline (creatinine)
  std::string unit;                // the unit as written, if the term has bands of its own for it
};

struct GradeResult {
  const CtcaeTerm* term = nullptr;
  int grade = 0;     // 0 = within normal limits for the term
  std::string band;  // "0.5 10*9/L <= value < 1.0 10*9/L"
  std::string note;  // e.g. which grades need clinical judgement
  std::string version;
  Citation cite;
};

// Bad input: an unknown version, a creatinine without its ULN. Cannot-assess: a value that only
// the missing LLN (or ULN) can place (grade 0 or 1).
Result<GradeResult> GradeLab(const Knowledge& k, const std::string& version, const GradeInput& in);

struct FebrileNeutropeniaInput {
  double anc = 0;          // 10*9/L
  double temperature = 0;  // Cel
  bool sustained = false;  // the temperature was sustained for more than the rule's hours
};

Result<GradeResult> GradeFebrileNeutropenia(const Knowledge& k, const std::string& version,
                                            const FebrileNeutropeniaInput& in);

}  // namespace lenacare
