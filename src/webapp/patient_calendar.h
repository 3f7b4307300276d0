// How a patient's calendar (app/patient_calendar.h) is shown: on the patient's page
// (patient_view.cpp) and as an RFC 5545 file for a phone's calendar (ics.cpp).
#pragma once

#include <string>
#include <vector>

#include "app/patient_calendar.h"
#include "app/reminders.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/result.h"
#include "course/calendar.h"
#include "webapp/site.h"

namespace lenacare::webapp {

// Plain-language names of the tests a calendar day lists ("cbc" -> "Blood count").
std::string TestName(const std::string& test);
// "Mon 9 Nov 2026".
std::string LongDate(Date d);
// Whether cycle day `day` starts a rest period: outside the pill days, after a pill day or on day 1.
bool StartsRestPeriod(const Regimen& r, int day);

// What a patient is told of a day or a date that rests on an unverified entry.
inline constexpr std::string_view kPlainUnverified =
    "This could not be checked against the latest label: your care team will confirm it.";

// The RFC 5545 text of a patient calendar (CRLF lines folded at 75 octets, written by libical),
// for a one-off download: all-day events. DTSTAMP is the clock's now.
std::string IcsText(const app::PatientCalendar& cal, const Clock& clock);
// The text of a calendar subscription: from today on, the pill days at the patient's dose time
// with an alarm and the label's instructions, the rest periods and the tests due; with no pill
// days (a hold, a stop), a note today and the tests due.
std::string FeedText(const app::CalendarFeedAnswer& feed, const Clock& clock);
// 200 text/calendar with the calendar as an attachment ("lenacare-<ref>.ics").
// DTSTAMP is the clock's now.
http::Response IcsResponse(const app::PatientCalendar& cal, const Clock& clock);

}  // namespace lenacare::webapp
