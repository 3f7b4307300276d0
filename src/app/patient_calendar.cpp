#include "app/patient_calendar.h"

#include <algorithm>

#include "app/permissions.h"
#include "core/text.h"
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
  if (Status s = AuthorizeView(ctx, ref); !s.ok()) return s.error();
  const Date today = ctx.clock.Today();
  Result<PatientCalendar> out = Error::Failed("", "");
  Status s = ctx.store->Read([&]() -> Status {
    auto stored = ctx.store->LoadCourse(ctx.actor, ctx.k, ref, today);
    out = stored.ok() ? CalendarFor(ctx.k, ref, stored->course, today) : Result<PatientCalendar>(stored.error());
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<PatientHome> ReadPatientHome(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeView(ctx, ref); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  PatientHome home;
  home.today = ctx.clock.Today();
  Status s = st.Read([&]() -> Status {
    auto p = st.FindPatient(ref);
    if (!p.ok()) return p.error();
    auto latest = st.LatestCourse(p->id);
    if (!latest.ok()) return latest.error();
    if (!*latest) {
      home.status = Error::CannotAssess("patient", Quoted(ref) + " has no therapy course");
      home.calendar = home.status.error();
    } else {
      auto stored = st.RebuildCourse(ctx.k, *p, **latest, home.today);
      if (!stored.ok()) {
        home.status = stored.error();
        home.calendar = stored.error();
      } else {
        auto check = CheckAll(ctx.k, stored->course, home.today);
        if (check.ok()) {
          home.pill_day = check->assessment && check->assessment->status == CourseStatus::kTaking;
          home.status = StatusAnswer{*p, home.today, stored->ignored_events, std::move(check).value()};
        } else {
          home.status = check.error();
        }
        home.calendar = CalendarFor(ctx.k, ref, stored->course, home.today);
      }
    }
    home.diary = st.SymptomsOf(p->id);
    auto events = st.EventsOf(p->id);
    if (!events.ok()) return events.error();
    home.events = std::move(events).value();
    return st.AppendAudit(ctx.actor, "patient.read", ref, "my therapy as of " + home.today.ToString());
  });
  if (!s.ok()) return s.error();
  return home;
}

Result<PatientMissedDoseAnswer> PatientMissedDose(const Context& ctx, const std::string& ref,
                                                  const PatientMissedDoseRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeView(ctx, ref); !s.ok()) return s.error();
  const Date today = ctx.clock.Today();
  MissedDoseRequest times{r.scheduled, r.now};
  auto is_clock = [](const std::string& t) { return t.size() == 5 && t[2] == ':'; };
  if (is_clock(r.scheduled) && is_clock(r.now)) {
    if (r.due_yesterday) {
      times.scheduled = today.AddDays(-1).ToString() + "T" + r.scheduled;
      times.now = today.ToString() + "T" + r.now;
    } else if (r.now < r.scheduled) {
      return Error::BadInput("now",
                             "is earlier than your usual time: if the dose was due yesterday, say so (\"due "
                             "yesterday\")");
    }
  }
  auto rule = MissedDose(ctx, times);
  if (!rule.ok()) return rule.error();
  PatientMissedDoseAnswer out;
  out.due_on = today;
  if (times.scheduled.size() >= 10 && times.scheduled[4] == '-') {
    auto d = Date::Parse(times.scheduled.substr(0, 10));
    if (!d.ok()) return d.error().Under("scheduled");
    out.due_on = *d;
  }
  if (out.due_on > today) return Error::BadInput("scheduled", "is after today");
  auto stored = ctx.store->LoadCourse(ctx.actor, ctx.k, ref, today);
  if (!stored.ok()) {
    if (stored.error().kind != ErrorKind::kCannotAssess) return stored.error();
    out.no_dose = "No dose is due: no therapy course is recorded for you. Ask your care team.";
    return out;
  }
  const Assessment a = Evaluate(ctx.k, stored->course, out.due_on);
  switch (a.status) {
    case CourseStatus::kInterrupted:
      out.no_dose = "No dose is due: your therapy is on hold. Your care team will tell you when to restart.";
      break;
    case CourseStatus::kStopped:
      out.no_dose = "No dose is due: your therapy was stopped. Do not take lenalidomide unless your care team says so.";
      break;
    case CourseStatus::kRest:
      out.no_dose = "No dose was due on " + out.due_on.ToString() +
                    ": it is a rest day of your cycle. Take your next dose on your next pill day.";
      break;
    case CourseStatus::kCannotAssess:
      out.no_dose = "Your course cannot be read just now (" + a.cannot_assess +
                    "). Ask your care team before you take a missed dose.";
      break;
    case CourseStatus::kTaking:
      if (out.due_on < stored->course.start_date) {
        out.no_dose = "No dose was due: your therapy starts on " + stored->course.start_date.ToString() + ".";
      } else {
        out.rule = *rule;
        out.sources.push_back(rule->cite.source);
        out.verified = rule->cite.verified;
      }
      break;
  }
  return out;
}

}  // namespace lenacare::app
