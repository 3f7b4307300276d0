// Clock: where "today" and "now" come from. The engine never reads a clock (it is given the
// date); the application layer and the store ask the Clock they are handed, and only the
// composition root (programs/lenacare) builds one that reads the system time, in the clinic's
// time zone. Tests use FixedClock. Implementations must be safe to call from several threads.
#pragma once

#include <chrono>

#include "core/date.h"

namespace lenacare {

class Clock {
 public:
  virtual ~Clock() = default;
  // The calendar day it is now where the clinic is: the "today" of every clinical answer.
  virtual Date Today() const = 0;
  // The instant now, for timestamps of records (audit entries, sessions), kept in UTC.
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Minutes since midnight on the clinic's clock (0 to 1439): the time of day of Today().
  virtual int MinuteOfDay() const = 0;
};

// Always the same day, at noon UTC: for tests, benchmarks and replays.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date today) : today_(today) {}
  Date Today() const override { return today_; }
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(std::chrono::hours(24 * today_.days() + 12));
  }
  int MinuteOfDay() const override { return 12 * 60; }

 private:
  Date today_;
};

}  // namespace lenacare
