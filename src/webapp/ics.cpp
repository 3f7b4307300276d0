// The patient's calendar as RFC 5545 iCalendar: one all-day event per pill day, per start of a
// rest period, per test day and per day of a companion medicine without lenalidomide, for the
// cycle the patient is in and the next (patient_calendar.h).
#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/quantity.h"
#include "webapp/patient_calendar.h"
#include "webapp/records.h"

namespace lenacare::webapp {
namespace {

// TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped; other
// control characters dropped.
std::string IcsEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') break;  // CRLF is one line break
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    }
  }
  return out;
}

// One content line, folded (RFC 5545 3.1): at most 75 octets a line, continuation lines start
// with a space, and a UTF-8 character is never split.
void AddLine(std::string& out, std::string_view line) {
  size_t limit = 75;
  while (line.size() > limit) {
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = 74;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
}

std::string IcsDate(Date d) {
  std::string s = d.ToString();
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

std::string UtcStamp(const Clock& clock) {
  const std::time_t t = std::chrono::system_clock::to_time_t(clock.Now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The file name's ref: letters, digits, '.', '_' and '-' only (the header is quoted).
std::string FileSafe(const std::string& ref) {
  std::string out;
  for (char c : ref) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_';
  return out;
}

struct IcsEvent {
  Date date;
  std::string kind, summary, description;
};

void AddEvent(std::string& out, const app::PatientCalendar& cal, const IcsEvent& e, const std::string& stamp) {
  AddLine(out, "BEGIN:VEVENT");
  AddLine(out, "UID:" + IcsEscape(cal.ref + "-" + e.date.ToString() + "-" + e.kind + "@lenacare"));
  AddLine(out, "DTSTAMP:" + stamp);
  AddLine(out, "DTSTART;VALUE=DATE:" + IcsDate(e.date));
  AddLine(out, "DTEND;VALUE=DATE:" + IcsDate(e.date.AddDays(1)));
  AddLine(out, "SUMMARY:" + IcsEscape(e.summary));
  AddLine(out, "DESCRIPTION:" + IcsEscape(e.description));
  AddLine(out, "TRANSP:TRANSPARENT");
  AddLine(out, "END:VEVENT");
}

std::string CompanionsText(const CalendarDay& d) {
  std::string out;
  for (const CompanionOnDay& c : d.companions) {
    out += (out.empty() ? "" : ", ") + c.drug + " " + c.dose + (c.route.empty() ? "" : " " + c.route);
  }
  return out;
}

std::string Unverified(bool verified) { return verified ? "" : " Unverified: confirm against the current label."; }

// The day's lenalidomide and companion doses rest on verified entries.
bool DosesVerified(const app::PatientCalendar& cal, const CalendarDay& d) {
  bool verified = cal.dose_verified;
  for (const CompanionOnDay& c : d.companions) verified = verified && (c.cite == nullptr || c.cite->verified);
  return verified;
}

}  // namespace

std::string IcsText(const app::PatientCalendar& cal, const std::string& stamp) {
  const Indication& ind = *cal.indication;
  std::string out;
  AddLine(out, "BEGIN:VCALENDAR");
  AddLine(out, "VERSION:2.0");
  AddLine(out, "PRODID:-//lenacare//lenacare patient calendar//EN");
  AddLine(out, "CALSCALE:GREGORIAN");
  AddLine(out, "METHOD:PUBLISH");
  AddLine(out, "X-WR-CALNAME:" + IcsEscape("Lenalidomide (" + cal.ref + ")"));
  for (size_t i = 0; i < cal.days.size(); ++i) {
    const CalendarDay& d = cal.days[i];
    const std::string when =
        "Cycle " + std::to_string(d.cycle) + ", day " + std::to_string(d.day) + " of " + std::to_string(ind.cycle_days);
    const std::string companions = CompanionsText(d);
    if (d.pill) {
      AddEvent(
          out, cal,
          {d.date, "pill", "Lenalidomide " + FormatNumber(d.dose_mg) + " mg",
           when + ": pill day. Take " + FormatNumber(d.dose_mg) + " mg of lenalidomide (" + cal.regimen.Describe() +
               ")." + (companions.empty() ? "" : " Also: " + companions + ".") + Unverified(DosesVerified(cal, d))},
          stamp);
    } else if (StartsRestPeriod(cal.regimen, d.day)) {
      size_t last = i;
      while (last + 1 < cal.days.size() && cal.days[last + 1].cycle == d.cycle &&
             !cal.regimen.days.Contains(cal.days[last + 1].day)) {
        ++last;
      }
      const int count = static_cast<int>(last - i + 1);
      AddEvent(out, cal,
               {d.date, "rest", "Lenalidomide rest days begin",
                when + ": no lenalidomide from " + LongDate(d.date) + " to " + LongDate(cal.days[last].date) + " (" +
                    std::to_string(count) + (count == 1 ? " rest day" : " rest days") + ")." +
                    (companions.empty() ? "" : " Today also: " + companions + ".") + Unverified(DosesVerified(cal, d))},
               stamp);
    } else if (!companions.empty()) {
      AddEvent(out, cal,
               {d.date, "companion", companions,
                when + ": no lenalidomide today. Take " + companions + "." + Unverified(DosesVerified(cal, d))},
               stamp);
    }
    for (const std::string& test : d.labs_due) {
      const bool cbc = test == "cbc";
      AddEvent(out, cal,
               {d.date, test, TestName(test),
                when + ": " + TestName(test) + " due" + (cbc ? " by the blood-count schedule." : ".") +
                    Unverified(!cbc || cal.cbc_verified)},
               stamp);
    }
  }
  AddLine(out, "END:VCALENDAR");
  return out;
}

http::Response IcsResponse(const app::PatientCalendar& cal, const Clock& clock) {
  http::Response r;
  r.content_type = "text/calendar; charset=utf-8";
  r.body = IcsText(cal, UtcStamp(clock));
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
