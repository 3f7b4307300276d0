// The pregnancy-prevention (Lenalidomide REMS) checklist for a course on a date: what is met, due,
// overdue or blocking, and whether a prescription may be dispensed today, each item with its
// source. Pure: a function of the knowledge, the course and the date.
//
// "May be dispensed today" is never yes while a required item is missing, out of its window or
// unknown: a blocking or overdue item makes it no; an unknown fact makes it cannot-assess, with
// the missing fact named.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "course/course.h"
#include "knowledge/knowledge.h"

namespace lenacare {

enum class ItemStatus {
  kMet,       // done and in date
  kDue,       // to do, by `due`
  kOverdue,   // the date has passed: blocks dispensing
  kBlocking,  // a requirement is not met: blocks dispensing
  kUnknown,   // a fact the rule needs is not recorded: dispensing cannot be assessed
  kInfo,      // an obligation in force (until `due`), or a flag the team should see
};
std::string_view ItemStatusId(ItemStatus s);

struct ChecklistItem {
  std::string id;    // the knowledge entry
  std::string text;  // what is asked
  ItemStatus status = ItemStatus::kInfo;
  std::string detail;       // why this status, with dates
  std::optional<Date> due;  // due by (kDue, kOverdue), or in force until (kInfo)
  bool blocks_dispensing = false;
  std::string source;
  bool verified = true;
  // Whose task it is: the patient's (tests, contraception, what not to do) or the care team's
  // (the prescriber's and the pharmacy's: category, prescription, authorization, confirmation,
  // counselling, fills), so that the patient's own page lists only the patient's.
  bool care_team = false;
};

enum class DispenseAnswer { kYes, kNo, kCannotAssess };
std::string_view DispenseAnswerId(DispenseAnswer a);

struct RemsChecklist {
  Date as_of;
  std::string category;  // a category id, or a description when adult/child is unknown
  bool can_become_pregnant = false;
  std::vector<ChecklistItem> items;
  DispenseAnswer may_dispense = DispenseAnswer::kCannotAssess;
  std::vector<std::string> reasons;  // why not yes; or the missing facts
  bool verified() const;
};

// Whether the patient can become pregnant: from the REMS category, the recorded fact, or the
// older label's definition (derived = true: unverified); `can` is empty when it is unknown.
struct PregnancyPotential {
  std::optional<bool> can;
  bool derived = false;
};
PregnancyPotential FindPregnancyPotential(const Knowledge& k, const Patient& p);

// The next pregnancy test of a patient who can become pregnant, counted from the last negative
// test by the schedule rule that applies (weekly for the first 4 weeks of therapy, then every 4
// or 2 weeks by menstrual regularity). `rule` is null when the menses are not recorded after the
// first 4 weeks (needs_menses) or no test is recorded.
struct NextPregnancyTest {
  const Event* last = nullptr;
  const TestScheduleRule* rule = nullptr;
  std::optional<Date> due;
  bool needs_menses = false;
};
NextPregnancyTest FindNextPregnancyTest(const Knowledge& k, const Course& c, Date as_of);

// Bad input only for contradictions the parser could not see; missing facts give a checklist
// whose answer is cannot-assess.
Result<RemsChecklist> BuildRemsChecklist(const Knowledge& k, const Course& course, Date as_of);

}  // namespace lenacare
