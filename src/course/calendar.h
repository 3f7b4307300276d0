// The cycle calendar: for each day, pill or rest, the lenalidomide dose, the companion drugs and
// whether a blood count is due. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clinical/renal.h"
#include "core/date.h"
#include "course/course.h"
#include "knowledge/knowledge.h"

namespace lenacare {

struct CompanionOnDay {
  std::string drug, dose, route;
  const Citation* cite = nullptr;
};

struct CalendarDay {
  Date date;
  int cycle = 0;
  int day = 0;
  bool pill = false;
  double dose_mg = 0;  // 0 on rest days
  std::vector<CompanionOnDay> companions;
  bool cbc_due = false;
};

struct CalendarRequest {
  const Indication* indication = nullptr;
  Date start;
  int cycles = 1;
  Regimen regimen;  // usually the starting dose
  MmSetting setting = MmSetting::kUnknown;
  std::optional<int> age_years;  // at the start (for age-dependent companion doses)
};

struct Calendar {
  std::vector<CalendarDay> days;
  std::vector<Note> notes;             // unverified schedules, companions that need a fact
  std::vector<const Citation*> cites;  // every entry the calendar used
};

Result<Calendar> BuildCalendar(const Knowledge& k, const CalendarRequest& request);

}  // namespace lenacare
