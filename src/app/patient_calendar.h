// A patient's own calendar: the pill, rest and test days of their course for the cycle they are in
// and the next one, for the patient's page and the ICS calendar. The days come from the calendar
// engine (course/calendar.h) with the course's indication, start date, setting and today's dose
// as `evaluate` gives it; nothing is guessed: a course that cannot be assessed, is on hold or has
// stopped gives an error saying so.
#pragma once

#include <string>
#include <vector>

#include "app/calculators.h"
#include "app/context.h"
#include "app/records.h"
#include "core/date.h"
#include "core/result.h"
#include "course/calendar.h"
#include "course/course.h"

namespace lenacare::app {

struct PatientCalendar {
  std::string ref;
  const Indication* indication = nullptr;
  Regimen regimen;      // the dose the days show (today's dose; the starting dose before the start)
  int first_cycle = 1;  // the cycle today is in (1 before the start)
  Date today;
  Date course_start;
  std::vector<CalendarDay> days;  // first_cycle and the next, dated from the current cycle's day 1
  std::vector<Note> notes;        // the engine's notes (schedules, tests without a date)
  std::vector<std::string> sources;
  bool verified = true;       // the pill and blood-count days rest on verified entries only
  bool dose_verified = true;  // the indication's schedule (pill and rest days) is verified
  bool cbc_verified = true;   // the blood-count schedule is verified
};

// The days of `course` for the cycle `today` is in and the next. Errors: a course that cannot be
// assessed, therapy on hold or stopped (cannot-assess, with the reason).
Result<PatientCalendar> CalendarFor(const Knowledge& k, const std::string& ref, const Course& course, Date today);
// The same for the patient's stored course as of the clock's today: one audited read.
Result<PatientCalendar> ReadPatientCalendar(const Context& ctx, const std::string& ref);

// What the patient's own page shows, read in one transaction with one audit entry: today's
// status (an error when it cannot be given: the page says why), the calendar and the diary.
struct PatientHome {
  Date today;
  Result<StatusAnswer> status = Error::CannotAssess("patient", "no therapy course");
  Result<PatientCalendar> calendar = Error::CannotAssess("patient", "no therapy course");
  Result<std::vector<store::SymptomEntry>> diary = std::vector<store::SymptomEntry>{};
  std::vector<store::EventRecord> events;  // the patient's rows (for the doses marked today)
  bool pill_day = false;                   // today is a pill day (the engine's "taking")
};
Result<PatientHome> ReadPatientHome(const Context& ctx, const std::string& ref);

// The missed-dose helper of a patient's own page: it knows the course. On the day the dose was
// due, therapy on hold, stopped, or a rest day means no dose was due (`no_dose` says why, in
// plain words); otherwise the label's 12-hour rule (`rule`). Times as "HH:MM" (the dose due today)
// or "YYYY-MM-DDTHH:MM"; `due_yesterday` dates "HH:MM" times the evening before. One audited read.
struct PatientMissedDoseRequest {
  std::string scheduled, now;
  bool due_yesterday = false;
};
struct PatientMissedDoseAnswer {
  Date due_on;
  std::string no_dose;                   // why no dose was due, or ""
  std::optional<MissedDoseAdvice> rule;  // when a dose was due
  std::vector<std::string> sources;
  bool verified = true;
};
Result<PatientMissedDoseAnswer> PatientMissedDose(const Context& ctx, const std::string& ref,
                                                  const PatientMissedDoseRequest& r);

}  // namespace lenacare::app
