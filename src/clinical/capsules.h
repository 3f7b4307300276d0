// Which capsules make a dose, and how many to dispense for a cycle within the supply limit.
#pragma once

#include <vector>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

struct CapsuleCount {
  double strength_mg = 0;
  int per_dose = 0;  // capsules of this strength in one dose
  int quantity = 0;  // capsules of this strength to dispense
};

struct CapsulePlan {
  double dose_mg = 0;
  std::vector<CapsuleCount> capsules;  // largest strength first
  int pill_days = 0;                   // dosing days covered by the quantity
  int supply_days = 0;                 // calendar days covered (<= the supply limit)
  Citation strengths_cite, supply_cite;
};

// The fewest capsules that make `dose_mg` exactly from the pack's strengths (cannot-assess if no
// combination does), and the quantity for the pill days of one cycle that fall within the
// supply limit (28 days in the US REMS).
Result<CapsulePlan> PlanCapsules(const Knowledge& k, const Regimen& regimen, int cycle_days);

// Bad input if no combination of the pack's capsule strengths makes `dose_mg`.
Status CheckCapsuleDose(const Knowledge& k, double dose_mg, const std::string& field);

}  // namespace lenacare
