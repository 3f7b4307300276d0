// How a patient's calendar (app/patient_calendar.h) is shown: on the patient's page
// (patient_view.cpp) and as an RFC 5545 file for a phone's calendar (ics.cpp).
#pragma once

#include <string>
#include <vector>

#include "app/patient_calendar.h"
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

// The RFC 5545 text of a patient calendar (CRLF lines folded at 75 octets); `stamp` is DTSTAMP
// in UTC ("20260102T030405Z").
std::string IcsText(const app::PatientCalendar& cal, const std::string& stamp);
// 200 text/calendar with the calendar as an attachment ("lenacare-<ref>.ics").
// DTSTAMP is the clock's now.
http::Response IcsResponse(const app::PatientCalendar& cal, const Clock& clock);

}  // namespace lenacare::webapp
