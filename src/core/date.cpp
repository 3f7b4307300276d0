#include "core/date.h"

#include <charconv>
#include <cstdio>

#include "core/text.h"

namespace lenacare {
namespace {

// Howard Hinnant's days-from-civil / civil-from-days algorithms (public domain).
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m;
  unsigned d;
};

Civil CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ParseDigits(std::string_view s, int& out) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<Date> Date::Parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text.substr(0, 4), y) ||
      !ParseDigits(text.substr(5, 2), m) || !ParseDigits(text.substr(8, 2), d)) {
    return Error::BadInput("", Quoted(text) + " is not a date (expected YYYY-MM-DD)");
  }
  if (y < 1900) return Error::BadInput("", Quoted(text) + ": years before 1900 are not accepted");
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m))) {
    return Error::BadInput("", Quoted(text) + " is not a real calendar date");
  }
  return FromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Date Date::FromCivil(int year, unsigned month, unsigned day) { return Date(DaysFromCivil(year, month, day)); }

int Date::year() const { return CivilFromDays(days_).y; }
unsigned Date::month() const { return CivilFromDays(days_).m; }
unsigned Date::day() const { return CivilFromDays(days_).d; }

std::string Date::ToString() const {
  const Civil c = CivilFromDays(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.y, c.m, c.d);
  return buf;
}

int Date::YearsSince(Date birth) const {
  const Civil now = CivilFromDays(days_);
  const Civil b = CivilFromDays(birth.days_);
  int years = now.y - b.y;
  if (now.m < b.m || (now.m == b.m && now.d < b.d)) --years;
  return years;
}

}  // namespace lenacare
