// A patient's own calendar: the pill, rest and test days of their stored course for the cycle they
// are in and the next one, shared by the patient's page (patient_view.cpp) and the ICS calendar
// (ics.cpp). The days come from the `calendar` command's engine (course/calendar.h) with the
// course's indication, start date, setting and today's dose as `evaluate` gives it; nothing is
// guessed: a course that cannot be assessed, is on hold or has stopped gives an error saying so.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "course/calendar.h"
#include "webapp/site.h"

namespace lenacare::webapp {

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

// Loads the patient's latest course as of `today` (an audited read) and builds the days. Errors:
// no course (cannot-assess), a course that cannot be assessed, therapy on hold or stopped
// (cannot-assess, with the reason), a store failure.
Result<PatientCalendar> BuildPatientCalendar(Site& site, const Caller& caller, const std::string& ref, Date today);

// Plain-language names of the tests a calendar day lists ("cbc" -> "Blood count").
std::string TestName(const std::string& test);
// "Mon 9 Nov 2026".
std::string LongDate(Date d);
// Whether cycle day `day` starts a rest period: outside the pill days, after a pill day or on day 1.
bool StartsRestPeriod(const Regimen& r, int day);

// The RFC 5545 text of a patient calendar (CRLF lines folded at 75 octets); `stamp` is DTSTAMP
// in UTC ("20260102T030405Z").
std::string IcsText(const PatientCalendar& cal, const std::string& stamp);
// 200 text/calendar with the calendar as an attachment ("lenacare-<ref>.ics").
http::Response IcsResponse(const PatientCalendar& cal);

}  // namespace lenacare::webapp
