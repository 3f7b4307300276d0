#include "clinical/capsules.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/quantity.h"
#include "core/text.h"

namespace lenacare {

Result<CapsulePlan> PlanCapsules(const Knowledge& k, const Regimen& regimen, int cycle_days) {
  // Work in quarter-milligrams so that 2.5 mg steps are exact integers.
  auto units_of = [](double mg) { return static_cast<long>(std::lround(mg * 4)); };
  const long target = units_of(regimen.dose_mg);
  if (target <= 0 || std::abs(regimen.dose_mg * 4 - static_cast<double>(target)) > 1e-9) {
    return Error::BadInput("dose", Quoted(FormatNumber(regimen.dose_mg) + " mg") + " cannot be made from capsules");
  }
  // Fewest capsules: a small coin-change table over the available strengths.
  const auto& strengths = k.capsule_strengths_mg;
  std::vector<long> units(strengths.size());
  for (size_t s = 0; s < strengths.size(); ++s) units[s] = units_of(strengths[s]);
  const int inf = std::numeric_limits<int>::max() / 2;
  std::vector<int> best(static_cast<size_t>(target + 1), inf), last(static_cast<size_t>(target + 1), -1);
  best[0] = 0;
  for (long t = 1; t <= target; ++t) {
    for (size_t s = 0; s < strengths.size(); ++s) {
      const long u = units[s];
      if (u <= t && best[static_cast<size_t>(t - u)] + 1 < best[static_cast<size_t>(t)]) {
        best[static_cast<size_t>(t)] = best[static_cast<size_t>(t - u)] + 1;
        last[static_cast<size_t>(t)] = static_cast<int>(s);
      }
    }
  }
  if (best[static_cast<size_t>(target)] >= inf) {
    return Error::CannotAssess(
        "dose", "no combination of the capsule strengths makes " + FormatNumber(regimen.dose_mg) + " mg");
  }
  CapsulePlan plan;
  plan.dose_mg = regimen.dose_mg;
  plan.strengths_cite = k.capsules_cite;
  plan.supply_cite = k.supply_cite;
  for (long t = target; t > 0;) {
    const double mg = strengths[static_cast<size_t>(last[static_cast<size_t>(t)])];
    auto it = std::find_if(plan.capsules.begin(), plan.capsules.end(),
                           [&](const CapsuleCount& c) { return c.strength_mg == mg; });
    if (it == plan.capsules.end()) {
      plan.capsules.push_back({mg, 1, 0});
    } else {
      ++it->per_dose;
    }
    t -= units_of(mg);
  }
  std::sort(plan.capsules.begin(), plan.capsules.end(),
            [](const CapsuleCount& a, const CapsuleCount& b) { return a.strength_mg > b.strength_mg; });
  // Pill days of one cycle that fall within the supply limit (USPI/REMS: at most 28 days).
  plan.supply_days = std::min(cycle_days, k.max_supply_days);
  for (int day = 1; day <= plan.supply_days; ++day) plan.pill_days += regimen.IsPillDay(day) ? 1 : 0;
  for (CapsuleCount& c : plan.capsules) c.quantity = c.per_dose * plan.pill_days;
  return plan;
}

Status CheckCapsuleDose(const Knowledge& k, double dose_mg, const std::string& field) {
  auto plan = PlanCapsules(k, Regimen{dose_mg, Frequency::kDaily, DaySet::Parse("1").value()}, 1);
  if (plan.ok()) return Status::Ok();
  std::string strengths;
  for (double s : k.capsule_strengths_mg) strengths += (strengths.empty() ? "" : ", ") + FormatNumber(s);
  return Error::BadInput(
      field, FormatNumber(dose_mg) + " mg cannot be made from the capsule strengths (" + strengths + " mg)");
}

}  // namespace lenacare
