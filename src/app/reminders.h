// A patient's reminders on their own phone: a private calendar subscription (a secret URL the
// patient makes, changes the time of and revokes) whose events follow the stored course — the dose
// times of the pill days, with the label's instructions, and the tests due. The feed is read
// without signing in (a phone's calendar cannot sign in): the secret is the only key, and each read
// is audited under the link. The calendar's days are the patient page's (patient_calendar.h): a
// hold or a stop leaves no dose events, a dose change changes them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/patient_calendar.h"
#include "core/result.h"
#include "store/accounts.h"

namespace lenacare::app {

// "HH:MM" (00:00 to 23:59) as typed in a time field ("7:05" and "07:05:00" are accepted), written
// back as "HH:MM"; bad input naming `field` otherwise.
Result<std::string> ParseTimeOfDay(const std::string& text, const std::string& field);
// Minutes after midnight of a time ParseTimeOfDay wrote ("09:30" -> 570); 0 for anything else.
int MinuteOfDay(const std::string& hhmm);

// The patient's own link (patients only, for their own record): a new one revokes the old.
// Returns the secret, to be shown once.
Result<std::string> MakeCalendarLink(const Context& ctx, const std::string& ref, const std::string& dose_time);
Result<std::optional<store::CalendarFeed>> CalendarLinkOf(const Context& ctx, const std::string& ref);
Status SetReminderTime(const Context& ctx, const std::string& ref, const std::string& dose_time);
// Revoked by the patient or by the care team (Act::kRevokeAccess); false when there was no link.
Result<bool> RevokeCalendarLink(const Context& ctx, const std::string& ref);

// What a calendar subscription serves.
struct CalendarFeedAnswer {
  store::CalendarFeed feed;
  Date today;
  // The pill, rest and test days; an error (cannot assess, on hold, stopped) says in plain words
  // why there are no dose events.
  Result<PatientCalendar> calendar = Error::CannotAssess("patient", "no therapy course");
  // When the calendar has no days: the tests due from today on, as the status gives them.
  std::vector<DueTest> tests_due;
  std::string how_to_take;  // the label's instructions for a dose
  std::string missed_dose;  // the label's missed-dose rule in plain words
  bool verified = true;     // the instructions rest on verified entries
};
// The feed of a secret; nothing for an unknown or revoked link (the adapter answers 404). One
// audited read, under the actor "calendar-link <id>".
Result<std::optional<CalendarFeedAnswer>> ReadCalendarFeed(const Context& ctx, const std::string& secret);

}  // namespace lenacare::app
