#include "course/start_checks.h"

#include "core/quantity.h"

namespace lenacare {
namespace {

const Event* Baseline(const Course& c, LabTest test) {
  const Event* base = nullptr;
  for (const Event& e : c.events) {
    if (e.date > c.start_date) break;
    if (e.type == EventType::kLab && e.test == test) base = &e;
  }
  return base;
}

std::string Count(double v) { return FormatNumber(v) + " x10^9/L"; }

}  // namespace

std::vector<StartCriterionFinding> CheckStartCriteria(const Knowledge& k, const Course& c) {
  std::vector<StartCriterionFinding> out;
  for (const StartCriterion& s : k.start_criteria) {
    if (s.indication != c.indication->id) continue;
    StartCriterionFinding f;
    f.criterion = &s;
    int met = 0, known = 0;
    for (const CountThreshold& t : s.tests) {
      const Event* base = Baseline(c, t.test);
      if (base == nullptr) continue;
      ++known;
      met += base->value >= t.at_least ? 1 : 0;
      f.detail += (f.detail.empty() ? "" : ", ") + std::string(LabTestName(t.test)) + " " + Count(base->value) +
                  (base->value >= t.at_least ? " >= " : " < ") + FormatNumber(t.at_least);
    }
    const int n = static_cast<int>(s.tests.size());
    if (known < n) {
      f.result = StartFindingResult::kUnknown;
    } else if (met == n || (met > 0 && s.combine == Combine::kAny)) {
      f.result = StartFindingResult::kMet;
    } else if (met == 0 || s.combine == Combine::kAll) {
      f.result = StartFindingResult::kNotMet;
    } else {
      f.result = StartFindingResult::kPartlyMetDisputed;
    }
    out.push_back(std::move(f));
  }
  return out;
}

RenalStartFinding CheckRenalStart(const Knowledge& k, const Course& c) {
  RenalStartFinding f;
  f.crcl_ml_min = c.patient.crcl_ml_min;
  const Patient& p = c.patient;
  if (!f.crcl_ml_min && p.sex && p.birth_date && p.weight_kg) {
    if (const Event* scr = Baseline(c, LabTest::kCreatinine)) {
      auto cg = CockcroftGaultCrCl(k, {c.start_date.YearsSince(*p.birth_date), *p.sex, *p.weight_kg, scr->value});
      if (cg.ok()) {
        f.crcl_ml_min = cg->ml_min;
        f.crcl_from = " (Cockcroft-Gault from the creatinine of " + scr->date.ToString() + ")";
      }
    }
  }
  if (!f.crcl_ml_min && !p.dialysis) return f;
  auto dose = StartingDoseFor(k, c.indication->id, RenalFunction{f.crcl_ml_min, p.dialysis});
  if (!dose.ok()) {
    f.result = RenalStartResult::kCannotAssess;
    f.problem = dose.error().message;
    return f;
  }
  f.label = *dose;
  f.result =
      c.starting.MgPerCycle() > dose->regimen.MgPerCycle() ? RenalStartResult::kAboveLabel : RenalStartResult::kFits;
  return f;
}

}  // namespace lenacare
