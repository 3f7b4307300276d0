#include "webapp/patient_calendar.h"

#include <algorithm>

namespace lenacare::webapp {

std::string TestName(const std::string& test) {
  if (test == "cbc") return "Blood count";
  if (test == "creatinine") return "Kidney test (creatinine)";
  if (test == "thyroid") return "Thyroid test";
  if (test == "liver") return "Liver test";
  if (test == "pregnancy-test") return "Pregnancy test";
  return test;
}

std::string LongDate(Date d) {
  static const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int weekday = ((d.days() % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
  return std::string(kWeekdays[weekday]) + " " + std::to_string(d.day()) + " " + kMonths[d.month() - 1] + " " +
         std::to_string(d.year());
}

bool StartsRestPeriod(const Regimen& r, int day) {
  if (r.days.Contains(day)) return false;
  return day == 1 || r.days.Contains(day - 1);
}

}  // namespace lenacare::webapp
