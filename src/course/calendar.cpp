#include "course/calendar.h"

#include "core/quantity.h"

namespace lenacare {
namespace {

bool CompanionApplies(const CompanionDose& c, const CalendarRequest& r, std::string& missing) {
  if (!c.setting.empty()) {
    if (r.setting == MmSetting::kUnknown) {
      missing = "the setting (newly-diagnosed or previously-treated)";
      return false;
    }
    const std::string_view setting = r.setting == MmSetting::kNewlyDiagnosed ? "newly-diagnosed" : "previously-treated";
    if (c.setting != setting) return false;
  }
  if (c.age_above || c.age_at_most) {
    if (!r.age_years) {
      missing = "the patient's age";
      return false;
    }
    if (c.age_above && !(*r.age_years > *c.age_above)) return false;
    if (c.age_at_most && !(*r.age_years <= *c.age_at_most)) return false;
  }
  return true;
}

}  // namespace

Result<Calendar> BuildCalendar(const Knowledge& k, const CalendarRequest& r) {
  if (r.indication == nullptr) return Error::BadInput("indication", "missing");
  const Indication& ind = *r.indication;
  if (r.cycles < 1) return Error::BadInput("cycles", "must be at least 1");
  Calendar cal;
  cal.cites.push_back(&ind.cite);
  int cycles = r.cycles;
  if (ind.max_cycles > 0 && cycles > ind.max_cycles) {
    cycles = ind.max_cycles;
    cal.notes.push_back(
        {"Shown up to cycle " + std::to_string(ind.max_cycles) + ": the label's maximum for this indication",
         ind.cite.source, ind.cite.verified});
  }
  std::vector<const CompanionDose*> companions;
  std::string missing;
  bool companion_needs_fact = false;
  for (const CompanionDose& c : k.companions) {
    if (c.indication != ind.id) continue;
    std::string why;
    if (CompanionApplies(c, r, why)) {
      companions.push_back(&c);
      cal.cites.push_back(&c.cite);
    } else if (!why.empty()) {
      companion_needs_fact = true;
      missing = why;
    }
  }
  if (companion_needs_fact && companions.empty()) {
    cal.notes.push_back({"Companion drug doses are not shown: they depend on " + missing, ind.cite.source, true});
  }
  const CbcSchedule* cbc = k.FindCbcSchedule(ind.id);
  if (cbc != nullptr) {
    cal.cites.push_back(&cbc->cite);
    if (cbc->phases.empty()) {
      cal.notes.push_back(
          {"No blood-count schedule is given in the sources for this indication: the prescriber sets it",
           cbc->cite.source, cbc->cite.verified});
    } else if (!cbc->cite.verified) {
      cal.notes.push_back(
          {"Blood-count days follow a schedule that is not confirmed for the current label", cbc->cite.source, false});
    }
  }
  for (const CompanionDose* c : companions) {
    if (!c->cite.verified) {
      cal.notes.push_back(
          {c->drug + " " + c->dose_text + ": schedule not confirmed for the current label", c->cite.source, false});
    }
  }
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    for (int day = 1; day <= ind.cycle_days; ++day) {
      CalendarDay d;
      d.date = r.start.AddDays((cycle - 1) * ind.cycle_days + day - 1);
      d.cycle = cycle;
      d.day = day;
      d.pill = r.regimen.IsPillDay(day);
      d.dose_mg = d.pill ? r.regimen.dose_mg : 0;
      for (const CompanionDose* c : companions) {
        if (c->cycles.Contains(cycle) && c->days.Contains(day))
          d.companions.push_back({c->drug, c->dose_text, c->route, &c->cite});
      }
      if (cbc != nullptr) {
        for (const CbcPhase& p : cbc->phases) {
          if (p.cycles.Contains(cycle) && p.days.Contains(day)) d.cbc_due = true;
        }
      }
      cal.days.push_back(std::move(d));
    }
  }
  return cal;
}

}  // namespace lenacare
