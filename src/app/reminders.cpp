#include "app/reminders.h"

#include <cctype>

#include "app/permissions.h"
#include "core/quantity.h"
#include "core/text.h"
#include "course/evaluate.h"

namespace lenacare::app {
namespace {

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> ParseTimeOfDay(const std::string& text, const std::string& field) {
  const std::string_view t = Trim(text);
  if (t.empty()) return Error::BadInput(field, "missing: give the time of day, for example 09:00");
  const std::string_view v = t;
  const size_t colon = v.find(':');
  std::string_view hh = v.substr(0, colon), mm = colon == std::string_view::npos ? "" : v.substr(colon + 1);
  if (mm.size() == 5 && mm[2] == ':' && AllDigits(mm.substr(3))) mm = mm.substr(0, 2);  // seconds from a time field
  if (!AllDigits(hh) || hh.size() > 2 || !AllDigits(mm) || mm.size() != 2 || Digits(hh) > 23 || Digits(mm) > 59) {
    return Error::BadInput(field, "give the time of day as hours and minutes, for example 09:00 or 21:30");
  }
  const int h = Digits(hh);
  return std::string(h < 10 ? "0" : "") + std::to_string(h) + ":" + std::string(mm);
}

int MinuteOfDay(const std::string& hhmm) {
  const std::string_view v = hhmm;
  if (v.size() != 5 || v[2] != ':' || !AllDigits(v.substr(0, 2)) || !AllDigits(v.substr(3))) return 0;
  return Digits(v.substr(0, 2)) * 60 + Digits(v.substr(3));
}

Result<std::string> MakeCalendarLink(const Context& ctx, const std::string& ref, const std::string& dose_time) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kCalendarLink, ref); !s.ok()) return s.error();
  auto time = ParseTimeOfDay(dose_time, "time");
  if (!time.ok()) return time.error();
  return store::Accounts(*ctx.store, ctx.actor).AddCalendarFeed(ref, *time);
}

Result<std::optional<store::CalendarFeed>> CalendarLinkOf(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kRevokeAccess, ref); !s.ok()) return s.error();
  return store::Accounts(*ctx.store, ctx.actor).CalendarFeedOf(ref);
}

Status SetReminderTime(const Context& ctx, const std::string& ref, const std::string& dose_time) {
  if (Status s = NeedStore(ctx); !s.ok()) return s;
  if (Status s = AuthorizeFor(ctx, Act::kCalendarLink, ref); !s.ok()) return s;
  auto time = ParseTimeOfDay(dose_time, "time");
  if (!time.ok()) return time.error();
  auto set = store::Accounts(*ctx.store, ctx.actor).SetCalendarFeedTime(ref, *time);
  if (!set.ok()) return set.error();
  if (!*set) return Error::BadInput("time", "there is no calendar link to change: make one first");
  return Status::Ok();
}

Result<bool> RevokeCalendarLink(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kRevokeAccess, ref); !s.ok()) return s.error();
  return store::Accounts(*ctx.store, ctx.actor).RevokeCalendarFeed(ref);
}

Result<std::optional<CalendarFeedAnswer>> ReadCalendarFeed(const Context& ctx, const std::string& secret) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  std::optional<CalendarFeedAnswer> out;
  Status s = st.Read([&]() -> Status {
    auto feed = store::Accounts(st, ctx.actor).FindCalendarFeed(secret);
    if (!feed.ok()) return feed.error();
    if (!*feed) return Status::Ok();
    CalendarFeedAnswer a;
    a.feed = **feed;
    a.today = ctx.clock.Today();
    a.how_to_take = ctx.k.how_to_take;
    const std::string window = FormatNumber(ctx.k.missed_dose_window_hours);
    a.missed_dose = "Missed a dose? If no more than " + window +
                    " hours have passed since your usual time, take it now; if more, skip it and take the next "
                    "dose at your usual time. Never take two doses to make up for a missed one.";
    a.verified = ctx.k.how_to_take_cite.verified && ctx.k.missed_dose_cite.verified;
    auto stored = st.LoadCourse("calendar-link " + std::to_string(a.feed.id), ctx.k, a.feed.patient_ref, a.today);
    if (!stored.ok()) {
      a.calendar = stored.error();
    } else {
      a.calendar = CalendarFor(ctx.k, a.feed.patient_ref, stored->course, a.today);
      if (!a.calendar.ok()) {
        const Assessment as = Evaluate(ctx.k, stored->course, a.today);
        for (const DueTest& t : as.tests_due) {
          if (!t.overdue && t.due >= a.today) a.tests_due.push_back(t);
        }
      }
    }
    out = std::move(a);
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return out;
}

}  // namespace lenacare::app
