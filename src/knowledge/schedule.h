// Day sets, cycle ranges and regimens: the shapes in which the label writes schedules
// ("Days 1-21 of each 28-day cycle", "Cycles 2-5", "15 mg every 48 h").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lenacare {

// A set of cycle days written "1-21" or "1,8,15,22" or "1-4,9-12,17-20"; 1-based, inclusive.
class DaySet {
 public:
  static Result<DaySet> Parse(std::string_view text);
  bool Contains(int day) const;
  int Count() const;
  int First() const { return ranges_.empty() ? 0 : ranges_.front().first; }
  int Last() const { return ranges_.empty() ? 0 : ranges_.back().last; }
  const std::string& text() const { return text_; }
  bool operator==(const DaySet& o) const { return text_ == o.text_; }

 private:
  struct Range {
    int first;
    int last;
  };
  std::vector<Range> ranges_;
  std::string text_;
};

// A range of cycle numbers written "1", "1-4" or "5-" (5 onwards).
struct CycleRange {
  int first = 1;
  int last = 0;  // 0 = no end
  static Result<CycleRange> Parse(std::string_view text);
  bool Contains(int cycle) const { return cycle >= first && (last == 0 || cycle <= last); }
};

enum class Frequency { kDaily, kEveryOtherDay };
Result<Frequency> ParseFrequency(std::string_view text);
std::string_view FrequencyName(Frequency f);  // "daily" | "every-other-day"

// What the patient takes: a dose on some days of a cycle.
struct Regimen {
  double dose_mg = 0;
  Frequency frequency = Frequency::kDaily;
  DaySet days;

  // Whether cycle day `day` is a pill day. Every-other-day dosing takes the first day of the
  // day set and every second day after it.
  bool IsPillDay(int day) const;
  int PillDaysPerCycle() const;
  double MgPerCycle() const { return dose_mg * PillDaysPerCycle(); }
  // "10 mg daily, days 1-21" / "15 mg every other day, days 1-21".
  std::string Describe() const;
  bool operator==(const Regimen& o) const { return dose_mg == o.dose_mg && frequency == o.frequency && days == o.days; }
};

}  // namespace lenacare
