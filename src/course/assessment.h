// What `evaluate` returns: where the patient stands on a date and what to do, each
// recommendation with its reason and source.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "knowledge/knowledge.h"

namespace lenacare {

enum class CourseStatus { kTaking, kRest, kInterrupted, kStopped, kCannotAssess };
std::string_view CourseStatusId(CourseStatus s);  // "taking", "rest", ...

enum class Action {
  kTake,               // take today's dose
  kRest,               // rest day: no lenalidomide today
  kInterrupt,          // hold therapy now
  kKeepHolding,        // stay interrupted until the count recovers
  kResume,             // the count has recovered: resume at the dose given
  kCheckBloodCount,    // blood count due (weekly while held)
  kPrescriberDecides,  // the label is silent; the prescriber must decide
  kStop,               // stop for good
  kCheckDose,          // the dose taken differs from what the sources give
  kNote,               // information the team should see
  kCannotAssess,       // a fact is missing or the sources disagree
  kPregnancyTest,      // a REMS pregnancy test is due or overdue
};
std::string_view ActionId(Action a);  // "take", "rest", "interrupt", ...

struct Recommendation {
  Action action = Action::kNote;
  std::string reason;    // a sentence a clinician would accept
  std::string source;    // "REVLIMID US label 8/2023, §2.1 Table 1"
  std::string rule;      // the knowledge entry id
  bool verified = true;  // false: the reason ends with "unverified: confirm against the current label"
  // A reminder (a test due by the monitoring schedule) that does not decide the status or dose:
  // it keeps its own verified flag and does not count in Assessment::verified().
  bool informational = false;
};

// A test due by the monitoring schedule or the REMS, with its date.
struct DueTest {
  std::string test;  // "cbc", "pregnancy-test"
  Date due;
  bool overdue = false;
  std::string detail;
  std::string source;
  bool verified = true;
};

struct Assessment {
  Date as_of;
  CourseStatus status = CourseStatus::kCannotAssess;
  int cycle = 0;
  int cycle_day = 0;
  std::optional<Regimen> dose;  // today's dose, or the dose to resume at; nullopt if unknown
  bool pill_today = false;
  std::vector<Recommendation> recommendations;
  std::string cannot_assess;       // why, when status is kCannotAssess
  std::vector<DueTest> tests_due;  // the next or overdue tests, as of the date
  bool verified() const;           // every recommendation rests on verified facts
};

}  // namespace lenacare
