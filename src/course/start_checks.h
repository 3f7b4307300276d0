// Checks that belong to the start of a course, shared by evaluate() and the readiness check:
// the start criteria on the baseline counts, and the starting dose against the renal table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clinical/renal.h"
#include "course/course.h"
#include "knowledge/knowledge.h"

namespace lenacare {

enum class StartFindingResult { kMet, kNotMet, kPartlyMetDisputed, kUnknown };

struct StartCriterionFinding {
  const StartCriterion* criterion = nullptr;
  StartFindingResult result = StartFindingResult::kUnknown;
  std::string detail;  // "ANC 1.2 x10^9/L >= 1, platelets 60 x10^9/L < 75"
};

// Baseline counts are the last lab values on or before the start date.
std::vector<StartCriterionFinding> CheckStartCriteria(const Knowledge& k, const Course& c);

enum class RenalStartResult { kUnknown, kFits, kAboveLabel, kCannotAssess };

struct RenalStartFinding {
  RenalStartResult result = RenalStartResult::kUnknown;
  std::optional<double> crcl_ml_min;
  std::string crcl_from;              // " (Cockcroft-Gault from the creatinine of 2026-01-02)"
  std::optional<StartingDose> label;  // the label's starting dose for this renal function
  std::string problem;                // kCannotAssess
};

// Uses patient.crcl, or Cockcroft-Gault from sex, birth date, weight and a baseline creatinine.
RenalStartFinding CheckRenalStart(const Knowledge& k, const Course& c);

}  // namespace lenacare
