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
  std::vector<std::string> labs_due;  // "cbc", "creatinine", "thyroid", "pregnancy-test"
};

struct CalendarRequest {
  const Indication* indication = nullptr;
  Date start;
  int cycles = 1;
  Regimen regimen;  // usually the starting dose
  MmSetting setting = MmSetting::kUnknown;
  std::optional<int> age_years;  // at the start (for age-dependent companion doses)
  // For a patient who can become pregnant: "regular" or "irregular" menstrual cycles (sets the
  // REMS test interval after the first 4 weeks); empty: no pregnancy tests.
  std::string pregnancy_tests;
};

struct Calendar {
  std::vector<CalendarDay> days;
  std::vector<Note> notes;             // unverified schedules, companions that need a fact
  std::vector<const Citation*> cites;  // every entry the calendar used
  // The pill days, doses, companion drugs and blood-count days rest on verified entries only
  // (the notes carry their own flags).
  bool verified = true;
  // The patient fact the companion drugs' doses depend on and that the request did not give
  // (e.g. "the patient's age"); empty when the companion doses are shown.
  std::string companions_need;
};

Result<Calendar> BuildCalendar(const Knowledge& k, const CalendarRequest& request);

}  // namespace lenacare
