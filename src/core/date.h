// Date: a calendar day (proleptic Gregorian), stored as days since 1970-01-01. No time zone, no
// clock: callers pass "today" in. Cheap to copy and compare.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lenacare {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days) { return Date(days); }
  // Fails for anything but a real calendar date written YYYY-MM-DD.
  static Result<Date> Parse(std::string_view text);
  static Date FromCivil(int year, unsigned month, unsigned day);

  int32_t days() const { return days_; }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  std::string ToString() const;  // YYYY-MM-DD

  Date AddDays(int32_t n) const { return Date(days_ + n); }
  int32_t DaysSince(Date earlier) const { return days_ - earlier.days_; }
  // Whole years completed between birth and this date (age on this date).
  int YearsSince(Date birth) const;

  auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

}  // namespace lenacare
