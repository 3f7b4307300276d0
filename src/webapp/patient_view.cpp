// The patient's own pages: "My therapy" (/me) — today's status, the calendar of this cycle and
// the next with its ICS download, the missed-dose helper, what to watch for, the pregnancy-
// prevention (REMS) steps and the symptom diary — and the diary's form post. Every route serves
// the signed-in patient's own record (caller.user->patient_ref) and takes no patient reference,
// so a patient cannot name another's. The answers are the engine's, from the use cases of
// src/app: the patient's home (status, calendar and diary, read at once), the calendar and the
// missed-dose rule.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <variant>

#include "app/calculators.h"
#include "app/caregivers.h"
#include "app/doses.h"
#include "app/patient_calendar.h"
#include "app/reminders.h"
#include "app/visit_report.h"
#include "core/quantity.h"
#include "core/text.h"
#include "webapp/app.h"
#include "webapp/clinician_course.h"
#include "webapp/patient_calendar.h"
#include "webapp/records.h"
#include "webapp/visit_report.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

// 401 for anonymous callers, 403 for other roles and for a patient account without a record.
std::optional<http::Response> RequirePatientAccount(Site& site, const http::Request& req, const Caller& c) {
  if (!c.signed_in()) return Refuse(site, req, c, 401, site.msg("me.sign_in"));
  if (!c.Is(store::Role::kPatient)) {
    return Refuse(site, req, c, 403,
                  c.May(Capability::kViewPatients) ? site.msg("me.patient_accounts_only_staff")
                                                   : site.msg("errors.patient_accounts_only"));
  }
  if (c.user->patient_ref.empty()) return Refuse(site, req, c, 403, site.msg("me.not_linked"));
  return std::nullopt;
}

// Whose pages these are and who reads them: the patient (/me) or one of their caregivers
// (/care/{ref}), with where the forms post and what the reader may write.
struct Subject {
  std::string ref;
  std::string base;  // "/me" or "/care/<ref>"
  bool caregiver = false;
  bool may_write = true;     // marks doses, writes in the diary
  std::string remind_after;  // a caregiver's dose check ("HH:MM", or "")
};

Subject PatientSubject(const Caller& c) { return Subject{c.user->patient_ref, "/me", false, true, ""}; }

std::string TimeTag(Date d) { return "<time datetime=\"" + d.ToString() + "\">" + LongDate(d) + "</time>"; }

// "2026-02-09" as a <time>, or the text escaped when it is not a date.
std::string TimeTag(const std::string& date) {
  auto d = Date::Parse(date);
  return d.ok() ? TimeTag(*d) : Escape(date);
}

std::string Unverified(bool verified) {
  return verified ? "" : " <span class=\"unverified\">(" + Escape(std::string(kPlainUnverified)) + ")</span>";
}

// --- today ---------------------------------------------------------------------------------------

std::string StatusHeadline(const Messages& msg, const Assessment& a) {
  if (a.status == CourseStatus::kTaking && a.dose) {
    return msg.Html("today.pill_day", {{"dose", Escape(FormatNumber(a.dose->dose_mg))}});
  }
  if (a.status == CourseStatus::kRest) return msg.Html("today.rest_day");
  if (a.status == CourseStatus::kInterrupted) return msg.Html("today.on_hold");
  if (a.status == CourseStatus::kStopped) return msg.Html("today.stopped");
  return msg.Html("today.cannot_tell",
                  {{"reason", Escape(a.status == CourseStatus::kCannotAssess ? a.cannot_assess : "")}});
}

// Today's dose as the patient marked it, or the buttons to mark it (on a pill day).
std::string DoseToday(const Messages& msg, const Caller& caller, const Subject& who, const app::PatientHome& home,
                      int minute_now) {
  const std::vector<const store::EventRecord*> rows = app::DoseRowsOn(home.events, home.today);
  std::string out = "<div id=\"dose-today\" class=\"dose-today\">";
  if (!rows.empty()) {
    const store::EventRecord& r = *rows.back();
    const bool taken = r.type == "dose-taken";
    std::string marked;
    if (r.recorded_by == caller.name()) {
      marked = taken ? msg.Html("today.you_marked_taken") : msg.Html("today.you_marked_missed");
    } else if (who.caregiver) {
      marked = taken ? msg.Html("today.marked_taken") : msg.Html("today.marked_missed");
    } else {
      marked = taken ? msg.Html("today.team_marked_taken") : msg.Html("today.team_marked_missed");
    }
    out += std::string("<p class=\"marked ") + (taken ? "taken" : "missed") + "\">" + marked + "</p>";
    if (!home.pill_day) return out + "</div>";
  } else if (!home.pill_day) {
    return "";
  } else {
    if (who.caregiver && !who.remind_after.empty() && minute_now >= app::MinuteOfDay(who.remind_after)) {
      out += "<p class=\"error\" role=\"alert\" id=\"dose-alert\">" +
             msg.Html("today.not_marked_by", {{"time", Escape(who.remind_after)}}) + "</p>";
    }
    out += "<p>" + (who.caregiver ? msg.Html("today.not_marked_yet") : msg.Html("today.have_you_taken")) + "</p>";
  }
  if (!who.may_write) return out + "</div>";
  const std::string today = home.today.ToString();
  auto button = [&](const char* what, const std::string& label) {
    return "<form class=\"inline\" method=\"post\" action=\"" + who.base + "/dose\">" + CsrfField(caller) +
           "<input type=\"hidden\" name=\"date\" value=\"" + today +
           "\"><input type=\"hidden\" name=\"what\" value=\"" + what + "\"><button type=\"submit\" id=\"dose-" + what +
           "\">" + label + "</button></form>";
  };
  if (rows.empty()) {
    out += button("taken", who.caregiver ? msg.Html("today.it_was_taken") : msg.Html("today.i_took_it")) +
           " <a class=\"button-link\" href=\"" + who.base + "/missed-dose\">" +
           (who.caregiver ? msg.Html("today.it_was_missed") : msg.Html("today.i_missed_it")) + "</a>";
  }
  return out + "</div>";
}

std::string StatusSection(const Messages& msg, const Caller& caller, const Subject& who, const app::PatientHome& home,
                          int minute_now) {
  const Result<app::StatusAnswer>& status = home.status;
  const Result<app::PatientCalendar>& cal = home.calendar;
  const Date today = home.today;
  std::string out = "<section id=\"status\" aria-labelledby=\"status-heading\"><h2 id=\"status-heading\">" +
                    msg.Html("today.heading", {{"date", TimeTag(today)}}) + "</h2>";
  if (!status.ok()) {
    return out + "<p class=\"answer\">" + msg.Html("today.status_failed", {{"error", Escape(status.error().message)}}) +
           "</p></section>";
  }
  if (!status->check.assessment) {
    out += "<div class=\"answer\"><p class=\"headline\">" + msg.Html("today.not_started") + "</p>";
    if (cal.ok()) out += "<p>" + msg.Html("today.first_day", {{"date", TimeTag(cal->course_start)}}) + "</p>";
    return out + "</div></section>";
  }
  const Assessment& a = *status->check.assessment;
  out += "<div class=\"answer\"><p class=\"headline\">" + StatusHeadline(msg, a) + "</p>" +
         DoseToday(msg, caller, who, home, minute_now);
  if (a.cycle > 0 && a.status != CourseStatus::kStopped && a.status != CourseStatus::kCannotAssess) {
    const std::string cycle = std::to_string(a.cycle), day = std::to_string(a.cycle_day);
    if (!a.dose) {
      out += "<p>" + msg.Html("today.cycle_day", {{"cycle", cycle}, {"day", day}}) + "</p>";
    } else {
      const std::string days = std::to_string(status->check.indication->cycle_days);
      const std::string dose = Escape(a.dose->Describe());
      out +=
          "<p>" +
          (a.status == CourseStatus::kInterrupted
               ? msg.Html("today.cycle_day_dose_on_hold",
                          {{"cycle", cycle}, {"day", day}, {"days", days}, {"dose", dose}})
               : msg.Html("today.cycle_day_dose", {{"cycle", cycle}, {"day", day}, {"days", days}, {"dose", dose}})) +
          "</p>";
    }
  }
  out += "</div>";
  std::string tests;
  for (const DueTest& t : a.tests_due) {
    const std::string when = TimeTag(t.due), test = Escape(TestName(t.test));
    tests +=
        "<li>" +
        (t.overdue ? msg.Html("today.test_overdue", {{"test", test},
                                                     {"overdue", "<strong>" + msg.Html("me.overdue") + "</strong>"},
                                                     {"date", when}})
                   : msg.Html("today.test_due", {{"test", test}, {"date", when}})) +
        Unverified(t.verified) + "</li>";
  }
  if (!tests.empty()) out += "<p>" + msg.Html("today.tests_coming") + "</p><ul>" + tests + "</ul>";
  std::string recs;
  for (const Recommendation& r : a.recommendations) {
    recs += "<li>" + Escape(r.reason) +
            (r.source.empty() ? "" : " <span class=\"hint\">(" + Escape(r.source) + ")</span>") + "</li>";
  }
  if (!recs.empty()) {
    out += "<details><summary>" + msg.Html("today.worked_out") + "</summary><ul>" + recs + "</ul></details>";
  }
  return out + "</section>";
}

// --- calendar ------------------------------------------------------------------------------------

std::string CompanionsText(const CalendarDay& d) {
  std::string out;
  for (const CompanionOnDay& c : d.companions) {
    out += (out.empty() ? "" : ", ") + c.drug + " " + c.dose + (c.route.empty() ? "" : " " + c.route);
  }
  return out;
}

// One day of the calendar as a card of a list (a table does not fit a phone).
std::string DayItem(const Messages& msg, const app::PatientCalendar& c, const CalendarDay& d) {
  const bool today = d.date == c.today;
  std::string lenalidomide;
  if (d.pill) {
    lenalidomide = msg("calendar.pill_day", {{"dose", FormatNumber(d.dose_mg)}});
  } else if (c.regimen.days.Contains(d.day)) {
    lenalidomide = msg("calendar.no_capsule");
  } else {
    lenalidomide = msg("calendar.rest_day");
  }
  std::string tests;
  for (const std::string& t : d.labs_due) tests += (tests.empty() ? "" : ", ") + TestName(t);
  std::string out =
      std::string("<li class=\"day ") + (d.pill ? "pill" : "rest") + (today ? " today" : "") + "\" data-date=\"" +
      d.date.ToString() + "\"" + (d.pill ? " data-pill=\"1\"" : "") + "><p class=\"day-date\">" + TimeTag(d.date) +
      (today ? " <strong>" + msg.Html("calendar.today") + "</strong>" : "") + " <span class=\"hint\">" +
      msg.Html("calendar.cycle_day", {{"cycle", std::to_string(d.cycle)}, {"day", std::to_string(d.day)}}) +
      "</span></p><p>" + Escape(lenalidomide) + "</p>";
  const std::string companions = CompanionsText(d);
  if (!companions.empty()) out += "<p>" + msg.Html("calendar.also", {{"drugs", Escape(companions)}}) + "</p>";
  if (!tests.empty()) out += "<p class=\"tests\">" + msg.Html("calendar.tests", {{"tests", Escape(tests)}}) + "</p>";
  return out + "</li>";
}

// The days of the calendar from `from` on, at most `count` of them (0: all), as a list.
std::string DayList(const Messages& msg, const app::PatientCalendar& c, Date from, size_t count,
                    const std::string& label) {
  std::string out = "<ol id=\"calendar\" class=\"days\" aria-label=\"" + Escape(label) + "\">";
  size_t n = 0;
  for (const CalendarDay& d : c.days) {
    if (d.date < from) continue;
    if (count != 0 && n == count) break;
    out += DayItem(msg, c, d);
    ++n;
  }
  return out + "</ol>";
}

std::string CalendarNotes(const Messages& msg, const app::PatientCalendar& c) {
  std::string out;
  if (!c.verified) out += "<p class=\"unverified\">" + Escape(std::string(kPlainUnverified)) + "</p>";
  std::string notes;
  for (const Note& n : c.notes) notes += "<li>" + Escape(n.text) + Unverified(n.verified) + "</li>";
  if (!notes.empty()) {
    out += "<details><summary>" + msg.Html("calendar.notes") + "</summary><ul>" + notes + "</ul></details>";
  }
  return out;
}

// On /me: the next week, a link to the whole calendar and the download.
constexpr size_t kDaysOnHome = 7;

std::string CalendarSection(const Messages& msg, const Subject& who, const Result<app::PatientCalendar>& cal) {
  const std::string next_days = msg("calendar.next_days", {{"count", std::to_string(kDaysOnHome)}});
  std::string out =
      "<section aria-labelledby=\"calendar-heading\"><h2 id=\"calendar-heading\">" + Escape(next_days) + "</h2>";
  if (!cal.ok()) {
    return out + "<p>" + msg.Html("calendar.none", {{"error", Escape(cal.error().message)}}) + "</p></section>";
  }
  const app::PatientCalendar& c = *cal;
  out += "<p>" + msg.Html("calendar.your_dose", {{"dose", Escape(c.regimen.Describe())}}) + "</p>";
  out += DayList(msg, c, c.today, kDaysOnHome, next_days);
  out += CalendarNotes(msg, c);
  out += "<p><a id=\"calendar-link\" href=\"" + who.base + "/calendar\">" + msg.Html("calendar.see_all") +
         "</a> · <a id=\"ics-link\" href=\"" + who.base + "/calendar.ics\">" + msg.Html("calendar.download_it") +
         "</a></p>";
  return out + "</section>";
}

// /me/calendar: every day of this cycle and the next.
std::string WholeCalendar(const Messages& msg, const Subject& who, const Result<app::PatientCalendar>& cal) {
  if (!cal.ok()) return "<p>" + msg.Html("calendar.none", {{"error", Escape(cal.error().message)}}) + "</p>";
  const app::PatientCalendar& c = *cal;
  std::string out = "<p>" + msg.Html("calendar.your_dose", {{"dose", Escape(c.regimen.Describe())}}) + "</p>";
  out += DayList(msg, c, Date::FromCivil(1, 1, 1), 0, msg("calendar.all_days"));
  out += CalendarNotes(msg, c);
  return out + "<p><a id=\"ics-link\" href=\"" + who.base + "/calendar.ics\">" + msg.Html("calendar.download") +
         "</a>" + (who.caregiver ? "" : " · <a href=\"/me#reminders\">" + msg.Html("reminders.heading") + "</a>") +
         " · <a href=\"" + who.base + "\">" + msg.Html("me.back") + "</a></p>";
}

// --- reminders (the calendar subscription) -------------------------------------------------------

std::string TimeField(const Messages& msg, const std::string& id, const std::string& value) {
  return "<div><label for=\"" + id + "\">" + msg.Html("reminders.time") + "</label><input id=\"" + id +
         "\" name=\"time\" type=\"time\" required value=\"" + Escape(value) + "\"></div>";
}

std::string RemindersSection(const Messages& msg, const Caller& caller,
                             const Result<std::optional<store::CalendarFeed>>& link) {
  std::string out = "<section id=\"reminders\" aria-labelledby=\"reminders-heading\"><h2 id=\"reminders-heading\">" +
                    msg.Html("reminders.heading") + "</h2>";
  if (!link.ok()) return out + "<p>" + msg.Html("reminders.failed") + "</p></section>";
  if (*link) {
    const store::CalendarFeed& f = **link;
    out += "<p id=\"reminders-on\">" +
           msg.Html("reminders.on", {{"time", "<strong>" + Escape(f.dose_time) + "</strong>"}}) + "</p>";
    out += "<form class=\"stack\" method=\"post\" action=\"/me/reminders/time\">" + CsrfField(caller) +
           TimeField(msg, "reminder-time", f.dose_time) + "<div><button type=\"submit\">" +
           msg.Html("reminders.change_time") + "</button></div></form>";
    out += "<details><summary>" + msg.Html("reminders.lost") + "</summary><p>" + msg.Html("reminders.new_link_hint") +
           "</p><form class=\"stack\" method=\"post\" action=\"/me/reminders\">" + CsrfField(caller) +
           "<input type=\"hidden\" name=\"time\" value=\"" + Escape(f.dose_time) + "\"><div><button type=\"submit\">" +
           msg.Html("reminders.new_link") +
           "</button></div></form>"
           "<form class=\"stack\" method=\"post\" action=\"/me/reminders/revoke\">" +
           CsrfField(caller) + "<div><button type=\"submit\" id=\"reminders-revoke\">" + msg.Html("reminders.stop") +
           "</button></div></form></details>";
    return out + "</section>";
  }
  out += "<p>" + msg.Html("reminders.intro") +
         "</p>"
         "<form id=\"form-reminders\" class=\"stack\" method=\"post\" action=\"/me/reminders\">" +
         CsrfField(caller) + TimeField(msg, "reminder-time", "") + "<div><button type=\"submit\">" +
         msg.Html("reminders.make_link") + "</button></div></form>";
  return out + "</section>";
}

// The feed's URL without its scheme ("host/calendar/<secret>.ics"), from the Host the browser
// used; "" when the Host header is not a plain host name (then only the path is shown).
std::string FeedHost(const http::Request& req) {
  const std::string host = req.Header("Host");
  if (host.empty() || host.size() > 255) return "";
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
      return "";
    }
  }
  return host;
}

http::Response LinkPage(Site& site, const http::Request& req, const Caller& caller, const std::string& secret) {
  const std::string path = "/calendar/" + secret + ".ics", host = FeedHost(req);
  const std::string https = host.empty() ? path : (site.options.secure_cookies ? "https://" : "http://") + host + path;
  const Messages& msg = site.msg;
  PageSpec page;
  page.title = msg("link.title");
  page.main = "<section aria-labelledby=\"link-heading\"><h2 id=\"link-heading\">" + msg.Html("link.heading") +
              "</h2><p>" + msg.Html("link.once") + "</p>";
  if (!host.empty()) {
    page.main += "<p><a id=\"feed-webcal\" class=\"button-link\" href=\"webcal://" + Escape(host + path) + "\">" +
                 msg.Html("link.subscribe") + "</a></p>";
  }
  page.main += "<p><label for=\"feed-url\">" + msg.Html("link.copy") +
               "</label><input id=\"feed-url\" "
               "readonly value=\"" +
               Escape(https) + "\"></p><p><a href=\"/me#reminders\">" + msg.Html("me.back_to_me") +
               "</a></p></section>";
  return Html(200, site.Page(caller, page));  // not cached (app.cpp: no-store), like every page
}

// --- missed dose ---------------------------------------------------------------------------------

struct MissedDoseInput {
  std::string scheduled, now;
  bool yesterday = false;
};

std::string MissedDoseForm(const Messages& msg, const Subject& who, const MissedDoseInput& in,
                           const std::string& error_field) {
  auto invalid = [&](const std::string& field) {
    return error_field == field ? " aria-invalid=\"true\" aria-describedby=\"missed-dose-error\"" : "";
  };
  return "<form class=\"stack\" method=\"get\" action=\"" + who.base +
         "/missed-dose\">"
         "<div><label for=\"md-scheduled\">" +
         msg.Html("missed.usual_time") +
         "</label><input id=\"md-scheduled\" "
         "name=\"scheduled\" type=\"time\" required value=\"" +
         Escape(in.scheduled) + "\"" + invalid("scheduled") +
         "></div>"
         "<div><label for=\"md-now\">" +
         msg.Html("missed.now") +
         "</label><input id=\"md-now\" name=\"now\" type=\"time\" required "
         "value=\"" +
         Escape(in.now) + "\"" + invalid("now") +
         "></div>"
         "<div><label for=\"md-yesterday\"><input id=\"md-yesterday\" name=\"yesterday\" type=\"checkbox\"" +
         (in.yesterday ? " checked" : "") + "> " + msg.Html("missed.yesterday") +
         "</label></div>"
         "<div><button type=\"submit\">" +
         msg.Html("missed.button") + "</button></div></form>";
}

// After the helper's answer: record what the patient did with that dose, the answer kept with it.
std::string RecordMissedForms(const Messages& msg, const Caller& caller, const Subject& who, Date due_on,
                              const MissedDoseAdvice& advice) {
  if (advice.action == MissedDoseAction::kNotYetDue || !who.may_write) return "";
  auto form = [&](const char* what, const std::string& label) {
    return "<form class=\"inline\" method=\"post\" action=\"" + who.base + "/dose\">" + CsrfField(caller) +
           "<input type=\"hidden\" name=\"date\" value=\"" + due_on.ToString() +
           "\"><input type=\"hidden\" name=\"what\" value=\"" + what +
           "\"><input type=\"hidden\" name=\"note\" value=\"" + Escape(advice.advice) +
           "\"><button type=\"submit\" id=\"record-" + what + "\">" + label + "</button></form>";
  };
  if (advice.action == MissedDoseAction::kTakeNow) {
    return "<p>" + msg.Html("missed.tell_what_you_did") + "</p>" + form("taken", msg.Html("missed.taken_now")) + " " +
           form("missed", msg.Html("missed.not_taken"));
  }
  return "<p>" + msg.Html("missed.tell") + "</p>" + form("missed", msg.Html("missed.record_missed"));
}

std::string MissedDoseSection(const Messages& msg, const Subject& who) {
  return "<section id=\"missed-dose\" aria-labelledby=\"missed-dose-heading\"><h2 id=\"missed-dose-heading\">" +
         msg.Html("missed.title") + "</h2><p>" + msg.Html("missed.intro") + "</p>" + MissedDoseForm(msg, who, {}, "") +
         "</section>";
}

// --- what to watch for ---------------------------------------------------------------------------

std::string StripTags(const std::string& html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) out += c;
    if (c == '>') in_tag = false;
  }
  return out;
}

// The side-effects page's "call your clinic" list, its items' bold leads in the page's words
// (already HTML from the Markdown renderer), and the heading that introduces it.
struct WatchList {
  std::string heading;
  std::vector<std::string> items;
};

WatchList CallYourClinic(const ContentPage& page) {
  WatchList out;
  const std::string& html = page.html;
  const size_t h = html.find("Call your clinic");
  if (h == std::string::npos) return out;
  const size_t h_end = html.find("</h", h);
  const size_t ul = html.find("<ul>", h);
  const size_t ul_end = ul == std::string::npos ? ul : html.find("</ul>", ul);
  if (h_end == std::string::npos || ul_end == std::string::npos) return out;
  out.heading = StripTags(html.substr(h, h_end - h));
  for (size_t li = html.find("<li>", ul); li != std::string::npos && li < ul_end; li = html.find("<li>", li + 4)) {
    const size_t s = html.find("<strong>", li);
    const size_t e = s == std::string::npos ? s : html.find("</strong>", s);
    const size_t next = html.find("</li>", li);
    if (e == std::string::npos || s > next) continue;
    std::string lead = StripTags(html.substr(s + 8, e - s - 8));
    while (!lead.empty() && (lead.back() == ':' || lead.back() == ' ' || lead.back() == '.')) lead.pop_back();
    if (!lead.empty()) out.items.push_back(lead);
  }
  return out;
}

std::string WatchSection(const Site& site, PageSpec& page) {
  const Messages& msg = site.msg;
  std::string out =
      "<section aria-labelledby=\"watch-heading\"><h2 id=\"watch-heading\">" + msg.Html("watch.heading") + "</h2>";
  const ContentPage* p = site.content.Find("drug", "side-effects");
  if (p == nullptr) {
    return out + "<p><a href=\"/info/side-effects\">" + msg.Html("watch.side_effects") + "</a></p></section>";
  }
  out += "<p>" + Escape(p->summary) + "</p>";
  const WatchList list = CallYourClinic(*p);
  if (!list.items.empty()) {
    out += "<p>" + list.heading + ":</p><ul>";
    for (const std::string& item : list.items) out += "<li>" + item + "</li>";
    out += "</ul>";
  }
  out += "<p><a href=\"/info/side-effects\">" + msg.Html("watch.read_more") + "</a></p>";
  if (p->unverified) out += "<p class=\"unverified\">" + msg.Html("watch.unverified") + "</p>";
  std::string cited;
  for (const std::string& s : p->sources) cited += (cited.empty() ? "" : "; ") + s;
  if (!cited.empty()) page.sources.push_back(msg("watch.sources", {{"sources", cited}}));
  page.unverified = page.unverified || p->unverified;
  return out + "</section>";
}

// --- pregnancy prevention (REMS) -----------------------------------------------------------------

std::string RemsStatusText(const Messages& msg, const std::string& status) {
  if (status == "met") return msg("rems.met");
  if (status == "due") return msg("rems.due");
  if (status == "overdue") return msg("rems.overdue");
  if (status == "blocking") return msg("rems.blocking");
  if (status == "unknown") return msg("rems.unknown");
  return msg("rems.applies");
}

std::string RemsSection(const Messages& msg, const Result<app::StatusAnswer>& status) {
  std::string out =
      "<section id=\"rems\" aria-labelledby=\"rems-heading\"><h2 id=\"rems-heading\">" + msg.Html("rems.heading") +
      "</h2><p>" +
      msg.Html("rems.intro",
               {{"link", "<a href=\"/info/pregnancy-prevention\">" + msg.Html("rems.read_more") + "</a>"}}) +
      "</p>";
  if (!status.ok()) return out + "<p>" + msg.Html("rems.failed") + "</p></section>";
  std::vector<std::pair<std::string, std::string>> upcoming;  // due date, line
  std::string rows;
  for (const ChecklistItem& item : status->check.rems.items) {
    if (item.care_team) continue;  // the prescriber's and the pharmacy's tasks are on their pages
    const std::string st(ItemStatusId(item.status));
    const std::string due = item.due ? item.due->ToString() : "";
    std::string when;
    if (!due.empty()) {
      when = st == "due"       ? msg.Html("rems.by", {{"date", TimeTag(due)}})
             : st == "overdue" ? msg.Html("rems.was_due", {{"date", TimeTag(due)}})
                               : msg.Html("rems.until", {{"date", TimeTag(due)}});
    }
    if ((st == "due" || st == "overdue") && !due.empty()) {
      const std::string what = Escape(item.text);
      upcoming.emplace_back(
          due, "<li>" +
                   (st == "overdue" ? msg.Html("rems.upcoming_overdue",
                                               {{"what", what},
                                                {"overdue", "<strong>" + msg.Html("me.overdue") + "</strong>"},
                                                {"when", when}})
                                    : msg.Html("rems.upcoming", {{"what", what}, {"when", when}})) +
                   "</li>");
    }
    rows += "<tr><th scope=\"row\">" + Escape(item.text) + Unverified(item.verified) + "</th><td>" +
            Escape(RemsStatusText(msg, st)) + "</td><td>" + when + "</td><td>" +
            (st == "unknown" ? msg.Html("rems.not_recorded") : Escape(item.detail)) + "</td></tr>";
  }
  std::sort(upcoming.begin(), upcoming.end());
  if (!upcoming.empty()) {
    out += "<p>" + msg.Html("rems.coming_up") + "</p><ul>";
    for (const auto& u : upcoming) out += u.second;
    out += "</ul>";
  }
  if (rows.empty()) return out + "<p>" + msg.Html("rems.none") + "</p></section>";
  out += "<table tabindex=\"0\"><caption>" + msg.Html("rems.caption") + "</caption><thead><tr><th scope=\"col\">" +
         msg.Html("rems.col_what") + "</th><th scope=\"col\">" + msg.Html("rems.col_status") +
         "</th><th scope=\"col\">" + msg.Html("rems.col_when") + "</th><th scope=\"col\">" +
         msg.Html("rems.col_details") + "</th></tr></thead><tbody>" + rows + "</tbody></table>";
  return out + "</section>";
}

// --- symptom diary -------------------------------------------------------------------------------

// The patient's text escaped, its line breaks kept.
std::string Lines(const std::string& text) {
  std::string out;
  for (char c : Escape(text)) {
    if (c == '\r') continue;
    out += c == '\n' ? std::string("<br>") : std::string(1, c);
  }
  return out;
}

struct SymptomForm {
  store::SymptomEntry entry;
  Error error;
  bool failed = false;
};

std::string DiarySection(const Messages& msg, const Caller& caller, const Subject& who,
                         const std::vector<store::CaregiverLink>& carers,
                         const Result<std::vector<store::SymptomEntry>>& list, const SymptomForm& form, Date today) {
  std::string out = "<section aria-labelledby=\"diary-heading\"><h2 id=\"diary-heading\">" + msg.Html("diary.heading") +
                    "</h2><p>" + msg.Html("diary.intro") + "</p>";
  if (!list.ok()) {
    out += "<p>" + msg.Html("diary.failed", {{"error", Escape(list.error().message)}}) + "</p>";
  } else {
    out += "<ul id=\"diary\">";
    for (auto it = list->rbegin(); it != list->rend(); ++it) {
      const std::string by = app::CaregiverLabel(carers, it->entered_by);
      out += "<li>" + TimeTag(it->date) + ": <strong>" + Escape(it->symptom) + "</strong> (" + Escape(it->severity) +
             ")" +
             (by.empty() ? ""
                         : " <span class=\"hint entered-by\">" + msg.Html("diary.entered_by", {{"name", Escape(by)}}) +
                               "</span>") +
             (it->note.empty() ? "" : "<br>" + Lines(it->note)) + "</li>";
    }
    out += "</ul>";
    if (list->empty()) out += "<p>" + msg.Html("diary.empty") + "</p>";
  }
  if (!who.may_write) return out + "</section>";
  // The patient's words are echoed back after an error, unless far too long to be typed.
  auto echo = [](const std::string& v) { return v.size() <= 2000 ? Escape(v) : std::string(); };
  auto is_bad = [&](const std::string& field) {
    if (!form.failed) return false;
    if (form.error.field == field) return true;
    for (const Problem& p : form.error.problems) {
      if (p.code == field) return true;
    }
    return false;
  };
  auto invalid = [&](const std::string& field) {
    return is_bad(field) ? " aria-invalid=\"true\" aria-describedby=\"symptom-error\"" : "";
  };
  out += "<h3 id=\"diary-add\">" + msg.Html("diary.add") + "</h3>";
  out += "<form id=\"form-symptom\" class=\"stack\" method=\"post\" action=\"" + who.base +
         "/symptoms\" aria-labelledby=\"diary-add\">" + CsrfField(caller);
  if (form.failed) {
    out += "<div class=\"error\" role=\"alert\" id=\"symptom-error\"><p>" + msg.Html("diary.correct") + "</p><ul>";
    for (const Problem& p : form.error.problems) out += "<li>" + Escape(p.message) + "</li>";
    if (form.error.problems.empty()) out += "<li>" + Escape(form.error.message) + "</li>";
    out += "</ul></div>";
  }
  const std::string date = form.failed ? echo(form.entry.date) : today.ToString();
  out += "<div><label for=\"symptom-date\">" + msg.Html("diary.date") +
         "</label><input id=\"symptom-date\" name=\"date\" type=\"date\" "
         "required max=\"" +
         today.ToString() + "\" value=\"" + date + "\"" + invalid("date") + "></div>";
  out += "<div><label for=\"symptom-text\">" + msg.Html("diary.symptom") + " <span class=\"hint\">" +
         msg.Html("diary.symptom_hint") +
         "</span></label><input id=\"symptom-text\" name=\"symptom\" required maxlength=\"200\" value=\"" +
         echo(form.entry.symptom) + "\"" + invalid("symptom") + "></div>";
  out += "<fieldset" + std::string(is_bad("severity") ? " aria-describedby=\"symptom-error\"" : "") + "><legend>" +
         msg.Html("diary.how_bad") + "</legend>";
  const std::pair<const char*, std::string> levels[] = {
      {"mild", msg.Html("diary.mild")}, {"moderate", msg.Html("diary.moderate")}, {"severe", msg.Html("diary.severe")}};
  for (const auto& [level, label] : levels) {
    const std::string id = std::string("severity-") + level;
    out += "<div><label for=\"" + id + "\"><input type=\"radio\" id=\"" + id + "\" name=\"severity\" value=\"" + level +
           "\" required" + (form.entry.severity == level ? " checked" : "") +
           (is_bad("severity") ? " aria-invalid=\"true\"" : "") + "> " + label + "</label></div>";
  }
  out += "</fieldset>";
  out += "<div><label for=\"symptom-note\">" + msg.Html("diary.note") + " <span class=\"hint\">" +
         msg.Html("diary.note_hint") +
         "</span>"
         "</label><textarea id=\"symptom-note\" name=\"note\" rows=\"3\" maxlength=\"1000\"" +
         std::string(invalid("note")) + ">" + echo(form.entry.note) + "</textarea></div>";
  out += "<div><button type=\"submit\">" + msg.Html("diary.save") + "</button></div></form></section>";
  return out;
}

// --- the page ------------------------------------------------------------------------------------

std::string CaregiversTeaser(const Messages& msg) {
  return "<section id=\"caregivers\" aria-labelledby=\"caregivers-heading\"><h2 id=\"caregivers-heading\">" +
         msg.Html("caregivers.title") + "</h2><p>" +
         msg.Html("me.caregivers_intro",
                  {{"link", "<a href=\"/me/caregivers\">" + msg.Html("me.caregivers_link") + "</a>"}}) +
         "</p></section>";
}

// The next visit: a question to note down, and the report to take along.
std::string QuestionsSection(const Messages& msg, const Caller& caller, const Subject& who) {
  std::string out = "<section id=\"questions\" aria-labelledby=\"questions-heading\"><h2 id=\"questions-heading\">" +
                    msg.Html("questions.heading") + "</h2><p>" +
                    msg.Html("questions.report", {{"link", "<a id=\"report-link\" href=\"" + who.base + "/report\">" +
                                                               msg.Html("questions.report_link") + "</a>"}}) +
                    "</p>";
  if (who.may_write) {
    out += "<form id=\"form-question\" class=\"stack\" method=\"post\" action=\"" + who.base + "/questions\">" +
           CsrfField(caller) + "<div><label for=\"question-text\">" + msg.Html("questions.label") +
           " <span class=\"hint\">" + msg.Html("questions.hint") +
           "</span></label><textarea id=\"question-text\" name=\"question\" "
           "rows=\"2\" maxlength=\"500\" required></textarea></div><div><button type=\"submit\">" +
           msg.Html("questions.save") + "</button></div></form>";
  }
  return out + "</section>";
}

http::Response MePage(Site& site, const Caller& caller, const Subject& who, int http_status, const SymptomForm& form,
                      const std::string& flash) {
  Result<app::PatientHome> read = Error::Failed("", "");
  Result<std::optional<store::CalendarFeed>> link = std::optional<store::CalendarFeed>();
  std::vector<store::CaregiverLink> carers;
  {
    Site::Db db = site.Connect(caller);
    read = app::ReadPatientHome(db.ctx, who.ref);
    if (!who.caregiver) link = app::CalendarLinkOf(db.ctx, who.ref);
    auto links = db.accounts.CaregiversOf(who.ref);
    if (links.ok()) carers = std::move(links).value();
  }
  if (!read.ok() && read.error().kind == ErrorKind::kForbidden) {
    PageSpec refused;
    refused.title = site.msg("errors.not_allowed");
    refused.main = "<p class=\"error\" role=\"alert\">" + Escape(PlainError(read.error())) + ".</p>";
    return Html(403, site.Page(caller, refused));
  }
  app::PatientHome home;
  home.today = site.clock.Today();
  if (read.ok()) {
    home = std::move(read).value();
  } else {
    home.status = read.error();
    home.calendar = read.error();
    home.diary = read.error();
  }
  const Result<app::PatientCalendar>& cal = home.calendar;
  PageSpec page;
  if (who.caregiver) {
    const std::string name =
        home.status.ok() && !home.status->patient.name.empty() ? home.status->patient.name : who.ref;
    page.title = site.msg("me.title_caregiver", {{"name", name}});
    page.description = site.msg("me.description_caregiver");
  } else {
    page.title = site.msg("me.title");
    page.description = site.msg("me.description");
  }
  const Messages& msg = site.msg;
  page.flash = flash;
  page.main = StatusSection(msg, caller, who, home, site.clock.MinuteOfDay()) + CalendarSection(msg, who, cal);
  if (!who.caregiver) page.main += RemindersSection(msg, caller, link);
  page.main += MissedDoseSection(msg, who) + WatchSection(site, page) + RemsSection(msg, home.status);
  if (!who.caregiver) page.main += CaregiversTeaser(msg);
  page.main += DiarySection(msg, caller, who, carers, home.diary, form, home.today);
  page.main += QuestionsSection(msg, caller, who);
  if (cal.ok()) {
    page.sources.insert(page.sources.begin(), cal->sources.begin(), cal->sources.end());
    page.unverified = page.unverified || !cal->verified;
  }
  return Html(http_status, site.Page(caller, page));
}

// A missed-dose helper's error in plain words (the form's labels name the fields).
std::string MissedDoseMessage(const Messages& msg, const Error& e) {
  if (e.field == "scheduled") return msg("missed.usual_time_label") + ": " + e.message;
  if (e.field == "now") {
    const std::string label = msg("missed.now");
    return e.message.rfind(label, 0) == 0 ? e.message : label + ": " + e.message;
  }
  return PlainError(e);
}

// The routes of a patient's own pages under `base` ("/me" or "/care/{ref}"), for whoever `resolve`
// accepts: the patient, or a caregiver the patient invited.
using Resolve =
    std::function<std::variant<Subject, http::Response>(const http::Request&, const RouteParams&, const Caller&)>;

std::optional<http::Response> CheckForm(Site& site, const http::Request& req, const Caller& c,
                                        const std::multimap<std::string, std::string>& fields) {
  if (CsrfOk(c, fields)) return std::nullopt;
  return Refuse(site, req, c, 403, site.msg("errors.not_from_this_site"));
}

// Every problem of a symptom entry at once (the use case checks them again).
Error SymptomProblems(const Messages& msg, const store::SymptomEntry& e, Date today) {
  std::vector<Problem> problems;
  auto date = Date::Parse(e.date);
  if (!date.ok()) {
    problems.push_back({"date", e.date.empty() ? msg("diary.date_missing") : msg("diary.date_invalid"), ""});
  } else if (*date > today) {
    problems.push_back({"date", msg("diary.date_future"), ""});
  }
  if (e.symptom.empty()) problems.push_back({"symptom", msg("diary.symptom_missing"), ""});
  if (e.symptom.size() > 200) problems.push_back({"symptom", msg("diary.symptom_too_long"), ""});
  if (e.severity != "mild" && e.severity != "moderate" && e.severity != "severe") {
    problems.push_back({"severity", msg("diary.severity_missing"), ""});
  }
  if (e.note.size() > 1000) problems.push_back({"note", msg("diary.note_too_long"), ""});
  if (problems.empty()) return Error::BadInput("", "");
  Error out = Error::BadInput(problems.front().code, "");
  for (const Problem& p : problems) out.message += (out.message.empty() ? "" : "; ") + p.message;
  out.problems = std::move(problems);
  return out;
}

void AddSubjectRoutes(Site& site, Router& router, const std::string& base, const Resolve& resolve) {
  router.Add("GET", base, [&site, resolve](const http::Request& req, const RouteParams& p, const Caller& c) {
    auto who = resolve(req, p, c);
    if (auto* refused = std::get_if<http::Response>(&who)) return *refused;
    const std::map<std::string, std::string> saved_texts = {
        {"symptom", site.msg("me.saved_symptom")},     {"question", site.msg("me.saved_question")},
        {"taken", site.msg("me.saved_taken")},         {"missed", site.msg("me.saved_missed")},
        {"reminders", site.msg("me.saved_reminders")}, {"reminders-off", site.msg("me.saved_reminders_off")}};
    const auto saved = saved_texts.find(req.Query("saved"));
    return MePage(site, c, std::get<Subject>(who), 200, SymptomForm{}, saved == saved_texts.end() ? "" : saved->second);
  });

  // A dose marked taken or missed: the dose diary the engine reads, checked like every write (a
  // dose on a rest day or during a hold is refused with the reason).
  router.Add("POST", base + "/dose", [&site, resolve](const http::Request& req, const RouteParams& p, const Caller& c) {
    auto resolved = resolve(req, p, c);
    if (auto* refused = std::get_if<http::Response>(&resolved)) return *refused;
    const Subject& who = std::get<Subject>(resolved);
    const auto fields = FormFields(req);
    if (auto refuse = CheckForm(site, req, c, fields)) return *refuse;
    const std::string what = Field(fields, "what");
    if (what != "taken" && what != "missed") {
      return Refuse(site, req, c, 400, site.msg("me.dose_what"));
    }
    app::RecordRequest r;
    r.patient = who.ref;
    r.kind = what == "taken" ? "dose" : "missed";
    r.date = Field(fields, "date");
    r.reason = Field(fields, "note");
    if (r.reason.size() > 500) r.reason.resize(CutPoint(r.reason, 500));
    Result<store::EventRecord> stored = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      stored = app::RecordEvent(db.ctx, r);
    }
    if (stored.ok()) return Redirect(who.base + "?saved=" + what);
    return Refuse(site, req, c, ErrorStatus(stored.error()),
                  site.msg("me.dose_failed", {{"error", PlainError(stored.error())}}));
  });

  router.Add("POST", base + "/symptoms",
             [&site, resolve](const http::Request& req, const RouteParams& p, const Caller& c) {
               auto resolved = resolve(req, p, c);
               if (auto* refused = std::get_if<http::Response>(&resolved)) return *refused;
               const Subject& who = std::get<Subject>(resolved);
               const auto fields = FormFields(req);
               if (auto refuse = CheckForm(site, req, c, fields)) return *refuse;
               SymptomForm form;
               form.entry.date = Field(fields, "date");
               form.entry.symptom = Field(fields, "symptom");
               form.entry.severity = Field(fields, "severity");
               form.entry.note = Field(fields, "note");
               form.error = SymptomProblems(site.msg, form.entry, site.clock.Today());
               form.failed = !form.error.problems.empty();
               if (!form.failed) {
                 Result<store::SymptomEntry> added = Error::Failed("", "");
                 {
                   Site::Db db = site.Connect(c);
                   added = app::AddSymptom(db.ctx, who.ref, form.entry);
                 }
                 if (added.ok()) return Redirect(who.base + "?saved=symptom");
                 form.error = added.error();
                 form.failed = true;
               }
               return MePage(site, c, who, ErrorStatus(form.error), form, "");
             });

  router.Add("GET", base + "/calendar",
             [&site, resolve](const http::Request& req, const RouteParams& p, const Caller& c) {
               auto resolved = resolve(req, p, c);
               if (auto* refused = std::get_if<http::Response>(&resolved)) return *refused;
               const Subject& who = std::get<Subject>(resolved);
               Result<app::PatientCalendar> cal = Error::Failed("", "");
               {
                 Site::Db db = site.Connect(c);
                 cal = app::ReadPatientCalendar(db.ctx, who.ref);
               }
               PageSpec page;
               page.title = who.caregiver ? site.msg("calendar.title_caregiver") : site.msg("calendar.title");
               page.main = WholeCalendar(site.msg, who, cal);
               if (cal.ok()) {
                 page.sources = cal->sources;
                 page.unverified = !cal->verified;
               }
               return Html(200, site.Page(c, page));
             });

  router.Add("GET", base + "/calendar.ics",
             [&site, resolve](const http::Request& req, const RouteParams& p, const Caller& c) {
               auto resolved = resolve(req, p, c);
               if (auto* refused = std::get_if<http::Response>(&resolved)) return *refused;
               const Subject& who = std::get<Subject>(resolved);
               Result<app::PatientCalendar> cal = Error::Failed("", "");
               {
                 Site::Db db = site.Connect(c);
                 cal = app::ReadPatientCalendar(db.ctx, who.ref);
               }
               if (cal.ok()) return IcsResponse(*cal, site.clock);
               PageSpec page;
               page.title = site.msg("calendar.no_download");
               page.main = "<p class=\"error\" role=\"alert\">" + Escape(PlainError(cal.error())) +
                           ".</p><p><a href=\"" + who.base + "\">" + site.msg.Html("me.back") + "</a></p>";
               return Html(ErrorStatus(cal.error()), site.Page(c, page));
             });

  for (const bool pdf : {false, true}) {
    router.Add("GET", base + (pdf ? "/report.pdf" : "/report"),
               [&site, resolve, pdf](const http::Request& req, const RouteParams& p, const Caller& c) {
                 auto resolved = resolve(req, p, c);
                 if (auto* refused = std::get_if<http::Response>(&resolved)) return *refused;
                 const Subject& who = std::get<Subject>(resolved);
                 return VisitReportResponse(site, req, c, who.ref, who.base, pdf);
               });
  }

  router.Add("POST", base + "/questions",
             [&site, resolve](const http::Request& req, const RouteParams& p, const Caller& c) {
               auto resolved = resolve(req, p, c);
               if (auto* refused = std::get_if<http::Response>(&resolved)) return *refused;
               const Subject& who = std::get<Subject>(resolved);
               const auto fields = FormFields(req);
               if (auto refuse = CheckForm(site, req, c, fields)) return *refuse;
               Result<store::VisitQuestion> added = Error::Failed("", "");
               {
                 Site::Db db = site.Connect(c);
                 added = app::AddQuestion(db.ctx, who.ref, Field(fields, "question"));
               }
               if (!added.ok()) {
                 return Refuse(site, req, c, ErrorStatus(added.error()),
                               site.msg("questions.label_short") + ": " + PlainError(added.error()) + ".");
               }
               return Redirect(who.base + "?saved=question#questions");
             });

  router.Add(
      "GET", base + "/missed-dose", [&site, resolve](const http::Request& req, const RouteParams& p, const Caller& c) {
        auto resolved = resolve(req, p, c);
        if (auto* refused = std::get_if<http::Response>(&resolved)) return *refused;
        const Subject& who = std::get<Subject>(resolved);
        MissedDoseInput in{req.Query("scheduled"), req.Query("now"), req.Query("yesterday") == "on"};
        PageSpec page;
        const Messages& msg = site.msg;
        page.title = msg("missed.title");
        int status = 200;
        std::string answer, error_field;
        if (!in.scheduled.empty() || !in.now.empty()) {
          std::optional<Error> error;
          Result<app::PatientMissedDoseAnswer> r = Error::Failed("", "");
          {
            Site::Db db = site.Connect(c);
            r = app::PatientMissedDose(db.ctx, who.ref, {in.scheduled, in.now, in.yesterday});
          }
          if (!r.ok()) {
            error = r.error();
            if (error->field == "now" && error->message.find("due yesterday") != std::string::npos) {
              error->message = msg("missed.earlier", {{"yesterday", msg("missed.yesterday")}});
            }
          } else if (!r->no_dose.empty()) {
            answer = "<div class=\"answer\" role=\"status\"><p class=\"headline\">" + Escape(r->no_dose) + "</p></div>";
          } else {
            answer = "<div class=\"answer\" role=\"status\"><p class=\"headline\">" + Escape(r->rule->advice) +
                     "</p><p>" +
                     msg.Html("missed.hours_late",
                              {{"hours", Escape(FormatNumber(std::round(r->rule->hours_late * 100) / 100))}}) +
                     "</p>" + RecordMissedForms(msg, c, who, r->due_on, *r->rule) + "</div>";
            page.sources = r->sources;
            page.unverified = !r->verified;
          }
          if (error) {
            status = ErrorStatus(*error);
            error_field = error->field;
            answer = "<p class=\"error\" role=\"alert\" id=\"missed-dose-error\">" +
                     Escape(MissedDoseMessage(msg, *error)) + "</p>";
          }
        }
        page.main = "<section id=\"missed-dose\" aria-labelledby=\"missed-dose-heading\">" + answer +
                    "<h2 id=\"missed-dose-heading\">" + msg.Html("missed.when_due") + "</h2>" +
                    MissedDoseForm(msg, who, in, error_field) + "</section><p><a href=\"" + who.base + "\">" +
                    msg.Html("me.back") + "</a></p>";
        return Html(status, site.Page(c, page));
      });
}

}  // namespace

void AddPatientViews(Site& site, Router& router) {
  AddSubjectRoutes(
      site, router, "/me",
      [&site](const http::Request& req, const RouteParams&, const Caller& c) -> std::variant<Subject, http::Response> {
        if (auto refuse = RequirePatientAccount(site, req, c)) return *refuse;
        return PatientSubject(c);
      });
  // A caregiver's view of a patient who invited them: 403 for anyone else, whether or not the
  // patient exists.
  AddSubjectRoutes(site, router, "/care/{ref}",
                   [&site](const http::Request& req, const RouteParams& p,
                           const Caller& c) -> std::variant<Subject, http::Response> {
                     if (!c.signed_in()) return Refuse(site, req, c, 401, site.msg("care.sign_in_person"));
                     if (!c.Is(store::Role::kCaregiver)) {
                       return Refuse(site, req, c, 403, site.msg("care.pages_for_caregivers"));
                     }
                     const std::string ref = p.at("ref");
                     Result<std::vector<store::CaregiverLink>> links = Error::Failed("", "");
                     {
                       Site::Db db = site.Connect(c);
                       links = db.accounts.LinksOfCaregiver(c.user->id);
                     }
                     if (links.ok()) {
                       for (const store::CaregiverLink& l : *links) {
                         if (l.patient_ref == ref)
                           return Subject{ref, "/care/" + PathSegment(ref), true, l.may_write, l.remind_after};
                       }
                     }
                     return Refuse(site, req, c, 403, site.msg("care.no_access"));
                   });

  router.Add("POST", "/me/reminders", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePatientAccount(site, req, c)) return *refuse;
    const auto fields = FormFields(req);
    if (!CsrfOk(c, fields)) {
      return Refuse(site, req, c, 403, site.msg("errors.not_from_this_site"));
    }
    Result<std::string> secret = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      secret = app::MakeCalendarLink(db.ctx, c.user->patient_ref, Field(fields, "time"));
    }
    if (!secret.ok()) return Refuse(site, req, c, ErrorStatus(secret.error()), PlainError(secret.error()) + ".");
    return LinkPage(site, req, c, *secret);
  });

  router.Add("POST", "/me/reminders/time", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePatientAccount(site, req, c)) return *refuse;
    const auto fields = FormFields(req);
    if (!CsrfOk(c, fields)) {
      return Refuse(site, req, c, 403, site.msg("errors.not_from_this_site"));
    }
    Status s = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      s = app::SetReminderTime(db.ctx, c.user->patient_ref, Field(fields, "time"));
    }
    if (!s.ok()) return Refuse(site, req, c, ErrorStatus(s.error()), PlainError(s.error()) + ".");
    return Redirect("/me?saved=reminders#reminders");
  });

  router.Add("POST", "/me/reminders/revoke", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePatientAccount(site, req, c)) return *refuse;
    const auto fields = FormFields(req);
    if (!CsrfOk(c, fields)) {
      return Refuse(site, req, c, 403, site.msg("errors.not_from_this_site"));
    }
    Result<bool> revoked = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      revoked = app::RevokeCalendarLink(db.ctx, c.user->patient_ref);
    }
    if (!revoked.ok()) return Refuse(site, req, c, ErrorStatus(revoked.error()), PlainError(revoked.error()) + ".");
    return Redirect("/me?saved=reminders-off#reminders");
  });

  // The subscription itself: no session (a phone's calendar has none); the secret is the key.
  router.Add("GET", "/calendar/{file}", [&site](const http::Request&, const RouteParams& p, const Caller& c) {
    std::string secret = p.at("file");
    if (secret.size() > 4 && secret.compare(secret.size() - 4, 4, ".ics") == 0) secret.resize(secret.size() - 4);
    Result<std::optional<app::CalendarFeedAnswer>> feed = std::optional<app::CalendarFeedAnswer>();
    {
      Site::Db db = site.Connect(c);
      feed = app::ReadCalendarFeed(db.ctx, secret);
    }
    http::Response r;  // not cached (app.cpp: no-store): a phone refetches it and sees every change
    if (!feed.ok()) {
      r.status = 503;
      r.body = site.msg("feed.failed") + "\n";
      return r;
    }
    if (!*feed) {
      r.status = 404;
      r.body = site.msg("feed.none") + "\n";
      return r;
    }
    r.content_type = "text/calendar; charset=utf-8";
    r.body = FeedText(**feed, site.clock);
    return r;
  });
}

}  // namespace lenacare::webapp
