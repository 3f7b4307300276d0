// The dose diary as the patient keeps it (doses marked taken or missed) set against the pill days
// the engine says there were: for the clinician's course page and the patient's own page. A pill
// day is a day `evaluate` answers "taking" for, so holds, rest days and dose changes count as
// the engine counts them.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"
#include "course/course.h"
#include "knowledge/knowledge.h"
#include "store/store.h"

namespace lenacare::app {

enum class DoseMark { kTaken, kMissed, kUnmarked };

struct DoseDay {
  Date date;
  DoseMark mark = DoseMark::kUnmarked;
  std::string recorded_by;  // who marked it ("" when unmarked)
  std::string note;         // a missed dose: what the patient was told to do
};

struct DoseAdherence {
  Date from, to;  // the days looked at, both included
  int pill_days = 0, taken = 0, missed = 0, unmarked = 0;
  std::vector<DoseDay> days;  // the pill days, oldest first
};

// The dose rows in force (not corrected or retracted) of one date, the latest last.
std::vector<const store::EventRecord*> DoseRowsOn(const std::vector<store::EventRecord>& rows, Date date);
// The pill days of the `days` days up to `to` (on or after the course's start), and the days a dose
// was marked on although none was due (e.g. taken before a hold that day), and how each was
// marked; a day marked both ways counts by its latest mark.
DoseAdherence Adherence(const Knowledge& k, const Course& course, const std::vector<store::EventRecord>& rows, Date to,
                        int days);

}  // namespace lenacare::app
