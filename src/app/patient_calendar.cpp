#include "app/patient_calendar.h"

#include <algorithm>

#include "course/evaluate.h"

namespace lenacare::app {

Result<PatientCalendar> CalendarFor(const Knowledge& k, const std::string& ref, const Course& course, Date today) {
  if (course.indication == nullptr) return Error::CannotAssess("course", "the course has no indication");
  const Indication& ind = *course.indication;

  PatientCalendar out;
  out.ref = ref;
  out.today = today;
  out.indication = &ind;
  out.course_start = course.start_date;
  out.regimen = course.starting;
  Date cycle_start = course.start_date;
  std::vector<DueTest> due;
  if (today >= course.start_date) {
    // Where the course stands today decides the dose and the cycle, as `status` answers it; a
    // course on hold or stopped has no pill days to show, and a guessed calendar would mislead.
    const Assessment a = Evaluate(k, course, today);
    switch (a.status) {
      case CourseStatus::kCannotAssess:
        return Error::CannotAssess("course", "the course cannot be assessed: " + a.cannot_assess);
      case CourseStatus::kInterrupted:
        return Error::CannotAssess("status",
                                   "therapy is on hold: the care team decides when and at which dose it starts again, "
                                   "so no pill days are shown");
      case CourseStatus::kStopped:
        return Error::CannotAssess("status", "therapy has stopped: there are no pill days to show");
      case CourseStatus::kTaking:
      case CourseStatus::kRest:
        break;
    }
    if (!a.dose || a.cycle < 1 || a.cycle_day < 1) return Error::CannotAssess("dose", "today's dose is not known");
    out.regimen = *a.dose;
    out.first_cycle = a.cycle;
    cycle_start = today.AddDays(1 - a.cycle_day);
    due = a.tests_due;
  }

  // The `calendar` use case's request for the course, through the next cycle.
  CalendarRequest r;
  r.indication = &ind;
  r.start = course.start_date;
  r.cycles = out.first_cycle + 1;
  r.regimen = out.regimen;
  r.setting = course.setting;
  if (course.patient.birth_date && *course.patient.birth_date <= course.start_date) {
    r.age_years = course.start_date.YearsSince(*course.patient.birth_date);
  }
  auto cal = BuildCalendar(k, r);
  if (!cal.ok()) return cal.error();

  // The cycles from today's on, dated from the current cycle's day 1 (a delayed cycle moves them).
  for (CalendarDay& d : cal.value().days) {
    if (d.cycle < out.first_cycle) continue;
    d.date = cycle_start.AddDays((d.cycle - out.first_cycle) * ind.cycle_days + d.day - 1);
    out.days.push_back(std::move(d));
  }
  // The next pregnancy test is counted from the last one recorded (the REMS schedule), not from
  // the start: its date comes from `evaluate`.
  for (const DueTest& t : due) {
    if (t.test != "pregnancy-test" || t.overdue) continue;
    for (CalendarDay& d : out.days) {
      if (d.date == t.due && std::find(d.labs_due.begin(), d.labs_due.end(), t.test) == d.labs_due.end()) {
        d.labs_due.push_back(t.test);
      }
    }
    out.sources.push_back(t.source);
  }
  out.notes = cal->notes;
  for (const Citation* c : cal->cites) out.sources.push_back(c->source);
  std::vector<std::string> unique;
  for (const std::string& s : out.sources) {
    if (!s.empty() && std::find(unique.begin(), unique.end(), s) == unique.end()) unique.push_back(s);
  }
  out.sources = std::move(unique);
  out.verified = cal->verified;
  out.dose_verified = ind.cite.verified;
  const CbcSchedule* cbc = k.FindCbcSchedule(ind.id);
  out.cbc_verified = cbc == nullptr || cbc->cite.verified;
  return out;
}

Result<PatientCalendar> ReadPatientCalendar(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  const Date today = ctx.clock.Today();
  Result<PatientCalendar> out = Error::Failed("", "");
  Status s = ctx.store->Transaction([&]() -> Status {
    auto stored = ctx.store->LoadCourse(ctx.actor, ctx.k, ref, today);
    out = stored.ok() ? CalendarFor(ctx.k, ref, stored->course, today) : Result<PatientCalendar>(stored.error());
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<PatientHome> ReadPatientHome(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  PatientHome home;
  home.today = ctx.clock.Today();
  Status s = st.Transaction([&]() -> Status {
    auto p = st.FindPatient(ref);
    if (!p.ok()) return p.error();
    auto latest = st.LatestCourse(p->id);
    if (!latest.ok()) return latest.error();
    if (!*latest) {
      home.status = Error::CannotAssess("patient", "'" + ref + "' has no therapy course");
      home.calendar = home.status.error();
    } else {
      auto stored = st.RebuildCourse(ctx.k, *p, **latest, home.today);
      if (!stored.ok()) {
        home.status = stored.error();
        home.calendar = stored.error();
      } else {
        auto check = CheckAll(ctx.k, stored->course, home.today);
        if (check.ok()) {
          home.status = StatusAnswer{*p, home.today, stored->ignored_events, std::move(check).value()};
        } else {
          home.status = check.error();
        }
        home.calendar = CalendarFor(ctx.k, ref, stored->course, home.today);
      }
    }
    home.diary = st.SymptomsOf(p->id);
    return st.AppendAudit(ctx.actor, "patient.read", ref, "my therapy as of " + home.today.ToString());
  });
  if (!s.ok()) return s.error();
  return home;
}

}  // namespace lenacare::app
