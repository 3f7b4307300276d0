#include "knowledge/schedule.h"

#include <charconv>

#include "core/quantity.h"
#include "core/text.h"

namespace lenacare {
namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<DaySet> DaySet::Parse(std::string_view text) {
  DaySet set;
  set.text_ = std::string(text);
  const std::string bad = Quoted(text) + " is not a day set (expected e.g. \"1-21\" or \"1,8,15,22\")";
  std::string_view rest = text;
  int previous_last = 0;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty()) return Error::BadInput("", bad);
    Range r{};
    const size_t dash = part.find('-');
    if (dash == std::string_view::npos) {
      if (!ParseInt(part, r.first)) return Error::BadInput("", bad);
      r.last = r.first;
    } else if (!ParseInt(part.substr(0, dash), r.first) || !ParseInt(part.substr(dash + 1), r.last)) {
      return Error::BadInput("", bad);
    }
    if (r.first < 1 || r.last < r.first || r.first <= previous_last) {
      return Error::BadInput("", Quoted(text) + ": days must be ascending, from day 1");
    }
    previous_last = r.last;
    set.ranges_.push_back(r);
  }
  if (set.ranges_.empty()) return Error::BadInput("", bad);
  return set;
}

bool DaySet::Contains(int day) const {
  for (const Range& r : ranges_) {
    if (day >= r.first && day <= r.last) return true;
  }
  return false;
}

int DaySet::Count() const {
  int n = 0;
  for (const Range& r : ranges_) n += r.last - r.first + 1;
  return n;
}

Result<CycleRange> CycleRange::Parse(std::string_view text) {
  CycleRange c;
  const std::string bad = Quoted(text) + " is not a cycle range (expected e.g. \"1\", \"1-4\" or \"5-\")";
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseInt(text, c.first)) return Error::BadInput("", bad);
    c.last = c.first;
  } else {
    if (!ParseInt(text.substr(0, dash), c.first)) return Error::BadInput("", bad);
    const std::string_view last = text.substr(dash + 1);
    if (!last.empty() && !ParseInt(last, c.last)) return Error::BadInput("", bad);
  }
  if (c.first < 1 || (c.last != 0 && c.last < c.first)) return Error::BadInput("", bad);
  return c;
}

Result<Frequency> ParseFrequency(std::string_view text) {
  if (text == "daily") return Frequency::kDaily;
  if (text == "every-other-day") return Frequency::kEveryOtherDay;
  return Error::BadInput("", Quoted(text) + " is not a frequency (daily or every-other-day)");
}

std::string_view FrequencyName(Frequency f) { return f == Frequency::kDaily ? "daily" : "every-other-day"; }

bool Regimen::IsPillDay(int day) const {
  if (!days.Contains(day)) return false;
  return frequency == Frequency::kDaily || (day - days.First()) % 2 == 0;
}

int Regimen::PillDaysPerCycle() const {
  if (frequency == Frequency::kDaily) return days.Count();
  int n = 0;
  for (int d = days.First(); d <= days.Last(); ++d) n += IsPillDay(d) ? 1 : 0;
  return n;
}

std::string Regimen::Describe() const {
  return FormatNumber(dose_mg) + " mg " + (frequency == Frequency::kDaily ? "daily" : "every other day") + ", days " +
         days.text();
}

}  // namespace lenacare
