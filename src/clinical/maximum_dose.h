// The highest daily dose the label gives for an indication, and whether a dose is one the label
// gives. Pure; one definition for the engine (evaluate), the capsule helper and the write checks.
#pragma once

#include <string>

#include "knowledge/knowledge.h"

namespace lenacare {

// The highest dose the label gives for an indication: its starting dose, its dose levels, its
// escalations and its fixed resumption doses, with the citation of the entry that gives it.
struct MaximumDose {
  double dose_mg = 0;
  const Citation* cite = nullptr;
};
MaximumDose MaximumDoseFor(const Knowledge& k, const Indication& ind);

// Whether `dose_mg` is one of the doses the label gives for the indication (the starting dose, a
// level of any of its ladders, an escalation, a fixed resumption dose or a renal starting dose).
bool IsLabelDose(const Knowledge& k, const Indication& ind, double dose_mg);

// "100 mg is above the highest dose the label gives for multiple myeloma (25 mg)".
std::string AboveMaximumText(const Indication& ind, double dose_mg, const MaximumDose& max);

}  // namespace lenacare
