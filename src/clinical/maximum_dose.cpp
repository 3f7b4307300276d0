#include "clinical/maximum_dose.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/quantity.h"

namespace lenacare {
namespace {

// Every dose the label gives for the indication, with its citation.
void EachLabelDose(const Knowledge& k, const Indication& ind, const std::function<void(double, const Citation&)>& f) {
  f(ind.start.dose_mg, ind.cite);
  for (const Ladder& l : k.ladders) {
    if (!Contains(l.indications, ind.id)) continue;
    for (const DoseLevel& level : l.levels) f(level.dose_mg, level.cite);
  }
  for (const Escalation& x : k.escalations) {
    if (Contains(x.indications, ind.id)) f(x.to_dose_mg, x.cite);
  }
  for (const HoldRule& r : k.hold_rules) {
    if (Contains(r.indications, ind.id) && r.resume_at == ResumeAt::kFixed) f(r.resume_dose_mg, r.cite);
  }
}

}  // namespace

MaximumDose MaximumDoseFor(const Knowledge& k, const Indication& ind) {
  MaximumDose max{ind.start.dose_mg, &ind.cite};
  EachLabelDose(k, ind, [&](double mg, const Citation& cite) {
    if (mg > max.dose_mg) max = {mg, &cite};
  });
  return max;
}

bool IsLabelDose(const Knowledge& k, const Indication& ind, double dose_mg) {
  bool found = false;
  auto same = [&](double mg) { return std::fabs(mg - dose_mg) < 1e-9; };
  EachLabelDose(k, ind, [&](double mg, const Citation&) { found = found || same(mg); });
  // The renal starting doses of the indication's table (USPI 2.6) are label doses too.
  for (const RenalRow& row : k.renal_rows) {
    if (row.table == ind.renal_table && row.adjust) found = found || same(row.dose_mg);
  }
  return found;
}

std::string AboveMaximumText(const Indication& ind, double dose_mg, const MaximumDose& max) {
  return FormatNumber(dose_mg) + " mg is above the highest dose the label gives for " + ind.name + " (" +
         FormatNumber(max.dose_mg) + " mg)";
}

}  // namespace lenacare
