#include "course/calendar.h"

#include <algorithm>

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
    cal.companions_need = missing;
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
  cal.verified = ind.cite.verified && (cbc == nullptr || cbc->phases.empty() || cbc->cite.verified);
  for (const CompanionDose* c : companions) {
    cal.verified = cal.verified && c->cite.verified;
    if (!c->cite.verified) {
      cal.notes.push_back(
          {c->drug + " " + c->dose_text + ": schedule not confirmed for the current label", c->cite.source, false});
    }
  }
  // Pregnancy tests (REMS, label-facts.md §7.1): within 24 hours before the first prescription
  // (day 1), then by the schedule, counted from the last test.
  std::vector<int> pregnancy_days;
  if (!r.pregnancy_tests.empty()) {
    const int last_day = cycles * ind.cycle_days;
    int t = 0;
    pregnancy_days.push_back(0);
    while (t < last_day) {
      const TestScheduleRule* rule = nullptr;
      for (const TestScheduleRule& x : k.safety.rems.test_schedule) {
        if (x.phase_before_days && t >= *x.phase_before_days) continue;
        if (x.phase_from_days && t < *x.phase_from_days) continue;
        if (!x.menses.empty() && x.menses != r.pregnancy_tests) continue;
        rule = &x;
        break;
      }
      if (rule == nullptr) break;
      t += rule->interval_days;
      pregnancy_days.push_back(t);
      if (std::find(cal.cites.begin(), cal.cites.end(), &rule->cite) == cal.cites.end())
        cal.cites.push_back(&rule->cite);
    }
    cal.cites.push_back(&k.safety.rems.pretreatment_tests.back().cite);
    cal.notes.push_back(
        {"Pregnancy test on day 1: the second pretreatment test, within 24 hours before the first "
         "prescription (the first is due 10 to 14 days before it)",
         k.safety.rems.pretreatment_tests.back().cite.source, true});
  }
  for (const LabSchedule& l : k.lab_schedules) {
    cal.cites.push_back(&l.cite);
    cal.notes.push_back({(l.before_start ? l.test + " before starting (shown on day 1). " : std::string()) + l.during,
                         l.cite.source, l.cite.verified});
  }
  cal.notes.push_back({"While therapy is held for low counts, check the blood count every " +
                           std::to_string(k.cbc_while_held_days) + " days",
                       k.cbc_while_held_cite.source, k.cbc_while_held_cite.verified});
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
      if (d.cbc_due) d.labs_due.push_back("cbc");
      if (cycle == 1 && day == 1) {
        for (const LabSchedule& l : k.lab_schedules) {
          if (l.before_start) d.labs_due.push_back(l.test);
        }
      }
      const int offset = (cycle - 1) * ind.cycle_days + day - 1;
      if (std::find(pregnancy_days.begin(), pregnancy_days.end(), offset) != pregnancy_days.end()) {
        d.labs_due.push_back("pregnancy-test");
      }
      cal.days.push_back(std::move(d));
    }
  }
  return cal;
}

}  // namespace lenacare
