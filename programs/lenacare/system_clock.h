// The clock of the running program: today in the clinic's time zone, which is the machine's
// unless $LENACARE_TIME_ZONE names another (an IANA zone such as "Europe/Berlin", checked
// against the system's zoneinfo at start-up).
#pragma once

#include <ctime>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace lenacare::programs {

class SystemClock final : public Clock {
 public:
  Date Today() const override {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    localtime_r(&t, &tm);
    return Date::FromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
  }
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now(); }
  int MinuteOfDay() const override {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm.tm_hour * 60 + tm.tm_min;
  }
};

// Applies $LENACARE_TIME_ZONE (before any thread starts); bad input naming it if the zone is
// not one the system knows.
Status UseClinicTimeZone();

}  // namespace lenacare::programs
