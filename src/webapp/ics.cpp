// The patient's calendar as RFC 5545 iCalendar, written with libical (Debian's libical3): the
// one-off download (one all-day event per pill day, per start of a rest period, per test day and
// per day of a companion medicine without lenalidomide, for the cycle the patient is in and the
// next) and the private subscription, whose pill days are timed at the patient's dose time with an
// alarm (VALARM) and carry the label's instructions. A phone refreshes the subscription, so a hold,
// a stop or a dose change reaches it: the feed is written from the stored course at each fetch.
#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "core/quantity.h"
#include "webapp/patient_calendar.h"
#include "webapp/records.h"

namespace lenacare::webapp {
namespace {

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

icaltimetype DateValue(Date d) {
  icaltimetype t = icaltime_null_date();
  t.year = d.year();
  t.month = d.month();
  t.day = d.day();
  return t;
}

// A floating local time (RFC 5545 3.3.5 form #1): the same clock time wherever the phone is, as a
// daily medicine is taken.
icaltimetype LocalTime(Date d, int minute_of_day) {
  icaltimetype t = icaltime_null_time();
  t.year = d.year();
  t.month = d.month();
  t.day = d.day();
  t.hour = minute_of_day / 60;
  t.minute = minute_of_day % 60;
  return t;
}

icaltimetype UtcNow(const Clock& clock) {
  const std::time_t now = std::chrono::system_clock::to_time_t(clock.Now());
  return icaltime_from_timet_with_zone(now, 0, icaltimezone_get_utc_timezone());
}

void AddX(icalcomponent* c, const char* name, const std::string& value) {
  icalproperty* p = icalproperty_new_x(value.c_str());
  icalproperty_set_x_name(p, name);
  icalcomponent_add_property(c, p);
}

Component NewCalendar(const std::string& name, const std::string& description) {
  Component cal(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
  icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal.get(), icalproperty_new_prodid("-//lenacare//lenacare patient calendar//EN"));
  icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(cal.get(), icalproperty_new_method(ICAL_METHOD_PUBLISH));
  AddX(cal.get(), "X-WR-CALNAME", name);
  AddX(cal.get(), "X-WR-CALDESC", description);
  return cal;
}

// One event: all-day unless `minute` is given, then timed (15 minutes) with an alarm at its start,
// repeated twice 30 minutes apart (a calendar cannot know that the dose was taken).
struct DayEvent {
  Date date;
  std::string kind, summary, description;
  std::optional<int> minute;
};

void AddEvent(icalcomponent* cal, const std::string& uid_key, const DayEvent& e, icaltimetype stamp) {
  icalcomponent* ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  const std::string uid = uid_key + "-" + e.date.ToString() + "-" + e.kind + "@lenacare";
  icalcomponent_add_property(ev, icalproperty_new_uid(uid.c_str()));
  icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
  if (e.minute) {
    icalcomponent_add_property(ev, icalproperty_new_dtstart(LocalTime(e.date, *e.minute)));
    icalcomponent_add_property(ev, icalproperty_new_duration(icaldurationtype_from_int(15 * 60)));
  } else {
    icalcomponent_add_property(ev, icalproperty_new_dtstart(DateValue(e.date)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(DateValue(e.date.AddDays(1))));
  }
  icalcomponent_add_property(ev, icalproperty_new_summary(e.summary.c_str()));
  icalcomponent_add_property(ev, icalproperty_new_description(e.description.c_str()));
  icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
  if (e.minute) {
    icalcomponent* alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
    icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
    icaltriggertype at{};
    at.time = icaltime_null_time();
    at.duration = icaldurationtype_from_int(0);
    icalcomponent_add_property(alarm, icalproperty_new_trigger(at));
    icalcomponent_add_property(alarm, icalproperty_new_description(e.summary.c_str()));
    icalcomponent_add_property(alarm, icalproperty_new_repeat(2));
    icalcomponent_add_property(alarm, icalproperty_new_duration(icaldurationtype_from_int(30 * 60)));
    icalcomponent_add_component(ev, alarm);
  }
  icalcomponent_add_component(cal, ev);
}

std::string Text(const Component& cal) {
  char* text = icalcomponent_as_ical_string_r(cal.get());
  std::string out = text == nullptr ? "" : text;
  std::free(text);
  return out;
}

// The file name's ref: letters, digits, '.', '_' and '-' only (the header is quoted).
std::string FileSafe(const std::string& ref) {
  std::string out;
  for (char c : ref) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_';
  return out;
}

std::string CompanionsText(const CalendarDay& d) {
  std::string out;
  for (const CompanionOnDay& c : d.companions) {
    out += (out.empty() ? "" : ", ") + c.drug + " " + c.dose + (c.route.empty() ? "" : " " + c.route);
  }
  return out;
}

// What an unverified day says, in the patient's words.
std::string Unverified(bool verified) { return verified ? "" : " " + std::string(kPlainUnverified); }

// The day's lenalidomide and companion doses rest on verified entries.
bool DosesVerified(const app::PatientCalendar& cal, const CalendarDay& d) {
  bool verified = cal.dose_verified;
  for (const CompanionOnDay& c : d.companions) verified = verified && (c.cite == nullptr || c.cite->verified);
  return verified;
}

// What the calendar says, in the order of its days; `from`: the first day to include; `dose`:
// the instructions and the time of a subscription's dose events (nothing: all-day events).
struct DoseReminder {
  int minute = 0;
  std::string instructions;  // how to take a dose and what to do if one is missed
};

std::vector<DayEvent> Events(const app::PatientCalendar& cal, Date from, const std::optional<DoseReminder>& dose) {
  const Indication& ind = *cal.indication;
  std::vector<DayEvent> out;
  for (size_t i = 0; i < cal.days.size(); ++i) {
    const CalendarDay& d = cal.days[i];
    if (d.date < from) continue;
    const std::string when =
        "Cycle " + std::to_string(d.cycle) + ", day " + std::to_string(d.day) + " of " + std::to_string(ind.cycle_days);
    const std::string companions = CompanionsText(d);
    if (d.pill) {
      const std::string mg = FormatNumber(d.dose_mg);
      out.push_back({d.date, "pill", (dose ? "Take lenalidomide " : "Lenalidomide ") + mg + " mg",
                     when + ": pill day. Take " + mg + " mg of lenalidomide (" + cal.regimen.Describe() + ")." +
                         (dose ? " " + dose->instructions : "") +
                         (companions.empty() ? "" : " Also: " + companions + ".") + Unverified(DosesVerified(cal, d)),
                     dose ? std::optional<int>(dose->minute) : std::nullopt});
    } else if (StartsRestPeriod(cal.regimen, d.day)) {
      size_t last = i;
      while (last + 1 < cal.days.size() && cal.days[last + 1].cycle == d.cycle &&
             !cal.regimen.days.Contains(cal.days[last + 1].day)) {
        ++last;
      }
      const int count = static_cast<int>(last - i + 1);
      out.push_back({d.date, "rest", "Lenalidomide rest days begin",
                     when + ": no lenalidomide from " + LongDate(d.date) + " to " + LongDate(cal.days[last].date) +
                         " (" + std::to_string(count) + (count == 1 ? " rest day" : " rest days") + ")." +
                         (companions.empty() ? "" : " Today also: " + companions + ".") +
                         Unverified(DosesVerified(cal, d)),
                     std::nullopt});
    } else if (!companions.empty()) {
      out.push_back({d.date, "companion", companions,
                     when + ": no lenalidomide today. Take " + companions + "." + Unverified(DosesVerified(cal, d)),
                     std::nullopt});
    }
    for (const std::string& test : d.labs_due) {
      const bool cbc = test == "cbc";
      out.push_back({d.date, test, TestName(test) + " due",
                     when + ": " + TestName(test) + " due" + (cbc ? " by the blood-count schedule." : ".") +
                         Unverified(!cbc || cal.cbc_verified),
                     std::nullopt});
    }
  }
  return out;
}

}  // namespace

std::string IcsText(const app::PatientCalendar& cal, const Clock& clock) {
  Component ics = NewCalendar("Lenalidomide (" + cal.ref + ")", Disclaimer());
  const icaltimetype stamp = UtcNow(clock);
  for (const DayEvent& e : Events(cal, Date::FromCivil(1, 1, 1), std::nullopt)) AddEvent(ics.get(), cal.ref, e, stamp);
  return Text(ics);
}

std::string FeedText(const app::CalendarFeedAnswer& feed, const Clock& clock) {
  Component ics = NewCalendar("Lenalidomide reminders", Disclaimer());
  // Phones that honour them refresh hourly (RFC 7986 REFRESH-INTERVAL; Outlook's X-PUBLISHED-TTL).
  icalcomponent_add_property(ics.get(), icalproperty_new_from_string("REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
  AddX(ics.get(), "X-PUBLISHED-TTL", "PT1H");
  const icaltimetype stamp = UtcNow(clock);
  const std::string key = "feed" + std::to_string(feed.feed.id);
  const int minute = app::MinuteOfDay(feed.feed.dose_time);
  if (feed.calendar.ok()) {
    const DoseReminder dose{minute, feed.how_to_take + " " + feed.missed_dose + Unverified(feed.verified)};
    for (const DayEvent& e : Events(*feed.calendar, feed.today, dose)) AddEvent(ics.get(), key, e, stamp);
    return Text(ics);
  }
  // No pill days (on hold, stopped, or not assessable): one all-day note today, and the tests due.
  AddEvent(ics.get(), key,
           {feed.today, "no-doses", "No lenalidomide reminders for now",
            "lenacare shows no pill days: " + feed.calendar.error().message +
                ". Take no lenalidomide unless your care team tells you to; your reminders come back when your "
                "care team starts it again.",
            std::nullopt},
           stamp);
  for (const DueTest& t : feed.tests_due) {
    AddEvent(
        ics.get(), key,
        {t.due, t.test, TestName(t.test) + " due", TestName(t.test) + " due." + Unverified(t.verified), std::nullopt},
        stamp);
  }
  return Text(ics);
}

http::Response IcsResponse(const app::PatientCalendar& cal, const Clock& clock) {
  http::Response r;
  r.content_type = "text/calendar; charset=utf-8";
  r.body = IcsText(cal, clock);
  r.Header("Content-Disposition", "attachment; filename=\"lenacare-" + FileSafe(cal.ref) + ".ics\"");
  return r;
}

http::Response CalendarIcs(Site& site, const Caller& caller, const std::string& ref) {
  Result<app::PatientCalendar> cal = Error::Failed("", "");
  {
    Site::Db db = site.Connect(caller);
    cal = app::ReadPatientCalendar(db.ctx, ref);
  }
  if (!cal.ok()) return ErrorResponse(cal.error());
  return IcsResponse(*cal, site.clock);
}

}  // namespace lenacare::webapp
