// Monitoring: which tests are due on which days of the first 12 weeks for each indication
// (BuildCalendar), and what evaluate() says when one is due, overdue or done. Expected values come
// from label-facts.md §5 (CBC per indication; weekly while held; renal, liver and thyroid
// function) and §7.1 (pregnancy tests: weekly for the first 4 weeks, then every 4 weeks with
// regular cycles or every 2 weeks with irregular ones), and from standards.md §2.1 for the CTCAE
// grades behind the label's other-grade-3/4-toxicity rule. Day N is the N-th day of therapy
// (day 1 = the start); all indications run in 28-day cycles, so day 57 is cycle 3 day 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "course/calendar.h"
#include "course/course_json.h"
#include "course/evaluate.h"
#include "test_support.h"

namespace lenacare {
namespace {

using testing::K;

const Date kStart = Date::FromCivil(2026, 1, 5);

// The date of day `n` of therapy (day 1 = kStart).
Date Day(int n) { return kStart.AddDays(n - 1); }
std::string DayText(int n) { return Day(n).ToString(); }

// ------------------------------------------------------------------------------------------------
// The calendar

constexpr int kTwelveWeeks = 84;
// Through day 85 (day 1 of the 13th week): the monthly tests that close the 12 weeks fall on it.
constexpr int kThroughDay = kTwelveWeeks + 1;

const std::set<int> kPregnancyRegular = {1, 8, 15, 22, 29, 57, 85};
const std::set<int> kPregnancyIrregular = {1, 8, 15, 22, 29, 43, 57, 71, 85};

Calendar BuildFor(const std::string& indication, const std::string& pregnancy_tests) {
  const Indication* ind = K().FindIndication(indication);
  EXPECT_NE(ind, nullptr) << indication;
  if (ind == nullptr) return {};
  CalendarRequest r;
  r.indication = ind;
  r.start = kStart;
  r.cycles = 4;  // 112 days: covers day 85
  r.regimen = ind->start;
  r.pregnancy_tests = pregnancy_tests;
  auto cal = BuildCalendar(K(), r);
  EXPECT_TRUE(cal.ok()) << (cal.ok() ? "" : cal.error().Describe());
  return cal.ok() ? *cal : Calendar{};
}

// The days of therapy (1-based) up to kThroughDay on which `lab` is due.
std::set<int> DaysWith(const Calendar& cal, const std::string& lab) {
  std::set<int> out;
  for (const CalendarDay& d : cal.days) {
    const int n = d.date.DaysSince(kStart) + 1;
    if (n > kThroughDay) continue;
    if (std::find(d.labs_due.begin(), d.labs_due.end(), lab) != d.labs_due.end()) out.insert(n);
  }
  return out;
}

std::set<int> CbcFlagDays(const Calendar& cal) {
  std::set<int> out;
  for (const CalendarDay& d : cal.days) {
    const int n = d.date.DaysSince(kStart) + 1;
    if (n <= kThroughDay && d.cbc_due) out.insert(n);
  }
  return out;
}

const Note* NoteFrom(const Calendar& cal, const std::string& source) {
  for (const Note& n : cal.notes) {
    if (n.source == source) return &n;
  }
  return nullptr;
}

const LabSchedule* Schedule(const std::string& test) {
  for (const LabSchedule& l : K().lab_schedules) {
    if (l.test == test) return &l;
  }
  ADD_FAILURE() << "no lab schedule for " << test;
  return nullptr;
}

enum class CbcSource { kVerified, kUnverified, kNone };

// Checks the first 12 weeks of one indication's calendar against label-facts.md §5 and §7.1.
void ExpectFirstTwelveWeeks(const std::string& indication, const std::set<int>& cbc_days, CbcSource cbc_source) {
  SCOPED_TRACE(indication);
  const Calendar regular = BuildFor(indication, "regular");
  ASSERT_FALSE(regular.days.empty());

  // CBC (label-facts.md §5).
  EXPECT_EQ(DaysWith(regular, "cbc"), cbc_days);
  EXPECT_EQ(CbcFlagDays(regular), cbc_days);

  // Renal function before starting [V1]; thyroid at baseline [UNV]: both shown on day 1 only.
  EXPECT_EQ(DaysWith(regular, "creatinine"), std::set<int>{1});
  EXPECT_EQ(DaysWith(regular, "thyroid"), std::set<int>{1});
  // Liver function has no frequency in the sources [V1, frequency UNV]: never a dated day.
  EXPECT_TRUE(DaysWith(regular, "liver").empty());

  // Pregnancy tests (label-facts.md §7.1 [V2]).
  EXPECT_EQ(DaysWith(regular, "pregnancy-test"), kPregnancyRegular);
  EXPECT_EQ(DaysWith(BuildFor(indication, "irregular"), "pregnancy-test"), kPregnancyIrregular);
  const Calendar none = BuildFor(indication, "");
  EXPECT_TRUE(DaysWith(none, "pregnancy-test").empty());
  EXPECT_EQ(DaysWith(none, "cbc"), cbc_days) << "the CBC days do not depend on pregnancy testing";

  // Which schedules are verified.
  const CbcSchedule* cbc = K().FindCbcSchedule(indication);
  ASSERT_NE(cbc, nullptr);
  switch (cbc_source) {
    case CbcSource::kVerified:
      EXPECT_TRUE(cbc->cite.verified);
      EXPECT_TRUE(regular.verified) << "the blood-count days rest on a verified schedule";
      break;
    case CbcSource::kUnverified: {
      EXPECT_FALSE(cbc->cite.verified);
      EXPECT_FALSE(regular.verified) << "the blood-count days rest on an unverified schedule";
      const Note* n = NoteFrom(regular, cbc->cite.source);
      ASSERT_NE(n, nullptr) << "no note flags the unverified blood-count schedule";
      EXPECT_FALSE(n->verified);
      break;
    }
    case CbcSource::kNone: {
      EXPECT_TRUE(cbc->phases.empty());
      EXPECT_NE(NoteFrom(regular, cbc->cite.source), nullptr) << "no note says the prescriber sets the CBC schedule";
      break;
    }
  }
  const LabSchedule* renal = Schedule("creatinine");
  const LabSchedule* thyroid = Schedule("thyroid");
  const LabSchedule* liver = Schedule("liver");
  ASSERT_TRUE(renal != nullptr && thyroid != nullptr && liver != nullptr);
  const Note* renal_note = NoteFrom(regular, renal->cite.source);
  const Note* thyroid_note = NoteFrom(regular, thyroid->cite.source);
  const Note* liver_note = NoteFrom(regular, liver->cite.source);
  const Note* held_note = NoteFrom(regular, K().cbc_while_held_cite.source);
  ASSERT_TRUE(renal_note != nullptr && thyroid_note != nullptr && liver_note != nullptr && held_note != nullptr);
  EXPECT_TRUE(renal_note->verified) << "renal function [V1]";
  EXPECT_FALSE(thyroid_note->verified) << "thyroid monitoring wording [UNV]";
  EXPECT_TRUE(liver_note->verified) << "liver function [V1]";
  EXPECT_TRUE(held_note->verified) << "weekly CBC while held [V2]";
}

TEST(MonitoringCalendar, MultipleMyelomaCountsWeeklyForTwoCyclesThenDays1And15OfCycle3ThenEvery28Days) {
  // label-facts.md §5 [UNV]: every 7 days for the first 2 cycles, days 1 and 15 of cycle 3, then
  // every 28 days.
  ExpectFirstTwelveWeeks("mm", {1, 8, 15, 22, 29, 36, 43, 50, 57, 71, 85}, CbcSource::kUnverified);
}

TEST(MonitoringCalendar, MyelomaMaintenanceHasNoBloodCountDaysBecauseTheSourcesGiveNone) {
  // label-facts.md §5 lists no CBC schedule for maintenance.
  ExpectFirstTwelveWeeks("mm-maintenance", {}, CbcSource::kNone);
}

TEST(MonitoringCalendar, MdsCountsWeeklyForEightWeeksThenMonthly) {
  // label-facts.md §5 [V2]: weekly for the first 8 weeks (days 1-56: days 1, 8, ..., 50), then at
  // least monthly: from week 9 (day 57) every 28 days (day 85).
  ExpectFirstTwelveWeeks("mds", {1, 8, 15, 22, 29, 36, 43, 50, 57, 85}, CbcSource::kVerified);
}

TEST(MonitoringCalendar, MantleCellLymphomaCountsWeeklyInCycle1ThenEveryTwoWeeks) {
  // label-facts.md §5 [UNV]: weekly for cycle 1, every 2 weeks in cycles 2-4, then monthly.
  ExpectFirstTwelveWeeks("mcl", {1, 8, 15, 22, 29, 43, 57, 71, 85}, CbcSource::kUnverified);
}

TEST(MonitoringCalendar, FollicularLymphomaCountsForThreeWeeksOfCycle1ThenEveryTwoWeeks) {
  // label-facts.md §5 [UNV]: weekly for the first 3 weeks of cycle 1, every 2 weeks in cycles 2-4.
  ExpectFirstTwelveWeeks("fl", {1, 8, 15, 29, 43, 57, 71, 85}, CbcSource::kUnverified);
}

TEST(MonitoringCalendar, MarginalZoneLymphomaCountsForThreeWeeksOfCycle1ThenEveryTwoWeeks) {
  ExpectFirstTwelveWeeks("mzl", {1, 8, 15, 29, 43, 57, 71, 85}, CbcSource::kUnverified);
}

TEST(MonitoringCalendar, PregnancyTestScheduleRestsOnVerifiedEntries) {
  // label-facts.md §7.1 [V2]: weekly for 4 weeks, then every 4 (regular) or 2 (irregular) weeks.
  ASSERT_FALSE(K().safety.rems.test_schedule.empty());
  for (const TestScheduleRule& r : K().safety.rems.test_schedule) {
    SCOPED_TRACE(r.cite.id);
    EXPECT_TRUE(r.cite.verified);
  }
}

// ------------------------------------------------------------------------------------------------
// evaluate(): tests due

std::string Lab(int day, const std::string& test, const std::string& value, const std::string& extra = "") {
  return R"({"date": ")" + DayText(day) + R"(", "type": "lab", "test": ")" + test + R"(", "value": ")" + value + "\"" +
         extra + "}";
}

std::string PregnancyTest(int day) {
  return R"({"date": ")" + DayText(day) +
         R"(", "type": "pregnancy-test", "result": "negative", "sensitivity": "25 mIU/mL"})";
}

std::string StartingDose(const std::string& indication) {
  if (indication == "mm" || indication == "mcl") return "25";
  if (indication == "fl" || indication == "mzl") return "20";
  return "10";
}

std::string CourseJson(const std::string& indication, const std::vector<std::string>& events,
                       const std::string& patient = "") {
  std::string list;
  for (const std::string& e : events) list += (list.empty() ? "\n    " : ",\n    ") + e;
  std::string text = "{\n  \"indication\": \"" + indication + "\",\n  \"start_date\": \"" + kStart.ToString() +
                     "\",\n  \"starting_dose_mg\": " + StartingDose(indication) + ",\n";
  if (!patient.empty()) text += "  \"patient\": " + patient + ",\n";
  return text + "  \"events\": [" + list + "\n  ]\n}\n";
}

Assessment EvaluateOn(const std::string& course_json, int as_of_day) {
  auto course = ParseCourseJson(K(), course_json);
  EXPECT_TRUE(course.ok()) << (course.ok() ? "" : course.error().Describe()) << "\n" << course_json;
  if (!course.ok()) return {};
  return Evaluate(K(), *course, Day(as_of_day));
}

std::optional<DueTest> Due(const Assessment& a, const std::string& test) {
  for (const DueTest& t : a.tests_due) {
    if (t.test == test) return t;
  }
  return std::nullopt;
}

bool Has(const Assessment& a, Action action) {
  return std::any_of(a.recommendations.begin(), a.recommendations.end(),
                     [&](const Recommendation& r) { return r.action == action; });
}

std::string Dump(const Assessment& a) {
  std::string s = "status " + std::string(CourseStatusId(a.status)) + "\n";
  for (const Recommendation& r : a.recommendations)
    s += "  " + std::string(ActionId(r.action)) + ": " + r.reason + "\n";
  for (const DueTest& t : a.tests_due) {
    s += "  due " + t.test + " " + t.due.ToString() + (t.overdue ? " overdue" : "") + " (" + t.detail + ")\n";
  }
  return s;
}

const std::string kAncNormal = "2.5 10*9/L";

struct ScheduledCbc {
  const char* indication;
  bool verified;  // label-facts.md §5: MDS [V2]; the others [UNV]
};

const ScheduledCbc kScheduled[] = {{"mm", false}, {"mds", true}, {"mcl", false}, {"fl", false}, {"mzl", false}};

TEST(MonitoringEvaluate, ACbcIsOverdueTheDayAfterItsDayWithNoCountSinceThePreviousOne) {
  // Every indication with a schedule has a count due on day 8; the last count was on day 1.
  for (const ScheduledCbc& s : kScheduled) {
    SCOPED_TRACE(s.indication);
    const Assessment a = EvaluateOn(CourseJson(s.indication, {Lab(1, "anc", kAncNormal)}), 9);
    const auto cbc = Due(a, "cbc");
    ASSERT_TRUE(cbc.has_value()) << Dump(a);
    EXPECT_EQ(cbc->due, Day(8)) << Dump(a);
    EXPECT_TRUE(cbc->overdue) << Dump(a);
    EXPECT_EQ(cbc->verified, s.verified);
    EXPECT_TRUE(Has(a, Action::kCheckBloodCount)) << Dump(a);
  }
}

TEST(MonitoringEvaluate, ACbcIsDueButNotOverdueOnItsDay) {
  for (const ScheduledCbc& s : kScheduled) {
    SCOPED_TRACE(s.indication);
    const Assessment a = EvaluateOn(CourseJson(s.indication, {Lab(1, "anc", kAncNormal)}), 8);
    const auto cbc = Due(a, "cbc");
    ASSERT_TRUE(cbc.has_value()) << Dump(a);
    EXPECT_EQ(cbc->due, Day(8)) << Dump(a);
    EXPECT_FALSE(cbc->overdue) << Dump(a);
    EXPECT_TRUE(Has(a, Action::kCheckBloodCount)) << Dump(a);
  }
}

TEST(MonitoringEvaluate, ACountOnTheScheduledDaySatisfiesItAndTheNextOneIsListed) {
  // Day 15 is the next count in every schedule (label-facts.md §5).
  for (const ScheduledCbc& s : kScheduled) {
    SCOPED_TRACE(s.indication);
    const Assessment a =
        EvaluateOn(CourseJson(s.indication, {Lab(1, "anc", kAncNormal), Lab(8, "anc", kAncNormal)}), 9);
    const auto cbc = Due(a, "cbc");
    ASSERT_TRUE(cbc.has_value()) << Dump(a);
    EXPECT_EQ(cbc->due, Day(15)) << Dump(a);
    EXPECT_FALSE(cbc->overdue) << Dump(a);
    EXPECT_FALSE(Has(a, Action::kCheckBloodCount)) << Dump(a);
  }
}

TEST(MonitoringEvaluate, MantleCellLymphomaNeedsACountOnDay22ButFollicularAndMarginalZoneDoNot) {
  // label-facts.md §5: MCL weekly for all of cycle 1; FL/MZL weekly for its first 3 weeks only, then
  // every 2 weeks from cycle 2 (day 29).
  const std::vector<std::string> counts = {Lab(1, "anc", kAncNormal), Lab(8, "anc", kAncNormal),
                                           Lab(15, "anc", kAncNormal)};
  {
    const Assessment a = EvaluateOn(CourseJson("mcl", counts), 23);
    const auto cbc = Due(a, "cbc");
    ASSERT_TRUE(cbc.has_value()) << Dump(a);
    EXPECT_EQ(cbc->due, Day(22));
    EXPECT_TRUE(cbc->overdue) << Dump(a);
  }
  for (const char* indication : {"fl", "mzl"}) {
    SCOPED_TRACE(indication);
    const Assessment a = EvaluateOn(CourseJson(indication, counts), 23);
    const auto cbc = Due(a, "cbc");
    ASSERT_TRUE(cbc.has_value()) << Dump(a);
    EXPECT_EQ(cbc->due, Day(29));
    EXPECT_FALSE(cbc->overdue) << Dump(a);
  }
}

TEST(MonitoringEvaluate, MyelomaMaintenanceListsNoScheduledCount) {
  const Assessment a = EvaluateOn(CourseJson("mm-maintenance", {Lab(1, "anc", kAncNormal)}), 20);
  EXPECT_FALSE(Due(a, "cbc").has_value()) << Dump(a);
  EXPECT_FALSE(Has(a, Action::kCheckBloodCount)) << Dump(a);
}

// A myeloma course held for platelets 24 x10^9/L on day 15 (USPI 2.1 Table 1: < 30 interrupts).
std::vector<std::string> HeldForPlatelets() {
  return {Lab(1, "platelets", "180 10*9/L"), Lab(8, "platelets", "95 10*9/L"), Lab(15, "platelets", "24 10*9/L")};
}

TEST(MonitoringEvaluate, WhileHeldACountIsDueEverySevenDays) {
  // label-facts.md §5 [V2]: weekly while therapy is held for cytopenia.
  const Assessment a = EvaluateOn(CourseJson("mm", HeldForPlatelets()), 16);
  ASSERT_EQ(a.status, CourseStatus::kInterrupted) << Dump(a);
  const auto cbc = Due(a, "cbc");
  ASSERT_TRUE(cbc.has_value()) << Dump(a);
  EXPECT_EQ(cbc->due, Day(22)) << Dump(a);
  EXPECT_FALSE(cbc->overdue);
  EXPECT_TRUE(cbc->verified);
  EXPECT_TRUE(Has(a, Action::kCheckBloodCount)) << Dump(a);
}

TEST(MonitoringEvaluate, WhileHeldTheWeeklyCountIsOverdueTheDayAfter) {
  const Assessment a = EvaluateOn(CourseJson("mm", HeldForPlatelets()), 23);
  ASSERT_EQ(a.status, CourseStatus::kInterrupted) << Dump(a);
  const auto cbc = Due(a, "cbc");
  ASSERT_TRUE(cbc.has_value()) << Dump(a);
  EXPECT_EQ(cbc->due, Day(22)) << Dump(a);
  EXPECT_TRUE(cbc->overdue) << Dump(a);
  EXPECT_TRUE(Has(a, Action::kCheckBloodCount)) << Dump(a);
}

TEST(MonitoringEvaluate, WhileHeldEachNewCountMovesTheNextOneAWeekLater) {
  std::vector<std::string> events = HeldForPlatelets();
  events.push_back(Lab(22, "platelets", "25 10*9/L"));  // still below 30: still held
  const Assessment a = EvaluateOn(CourseJson("mm", events), 23);
  ASSERT_EQ(a.status, CourseStatus::kInterrupted) << Dump(a);
  const auto cbc = Due(a, "cbc");
  ASSERT_TRUE(cbc.has_value()) << Dump(a);
  EXPECT_EQ(cbc->due, Day(29)) << Dump(a);
  EXPECT_FALSE(cbc->overdue) << Dump(a);
}

// ------------------------------------------------------------------------------------------------
// evaluate(): pregnancy tests (label-facts.md §7.1)

const char* kCanBecomePregnant = R"({"sex": "female", "can_become_pregnant": true, "menses": "regular"})";
const char* kIrregular = R"({"sex": "female", "can_become_pregnant": true, "menses": "irregular"})";

TEST(MonitoringEvaluate, APregnancyTestIsOverdueAWeekAndADayAfterTheLastInTheFirstFourWeeks) {
  const Assessment a = EvaluateOn(CourseJson("mm", {PregnancyTest(1)}, kCanBecomePregnant), 9);
  const auto t = Due(a, "pregnancy-test");
  ASSERT_TRUE(t.has_value()) << Dump(a);
  EXPECT_EQ(t->due, Day(8)) << Dump(a);
  EXPECT_TRUE(t->overdue) << Dump(a);
  EXPECT_TRUE(t->verified);
  EXPECT_TRUE(Has(a, Action::kPregnancyTest)) << Dump(a);
}

TEST(MonitoringEvaluate, APregnancyTestIsDueOnItsDayAndATestSatisfiesIt) {
  {
    const Assessment a = EvaluateOn(CourseJson("mm", {PregnancyTest(1)}, kCanBecomePregnant), 8);
    const auto t = Due(a, "pregnancy-test");
    ASSERT_TRUE(t.has_value()) << Dump(a);
    EXPECT_EQ(t->due, Day(8));
    EXPECT_FALSE(t->overdue);
    EXPECT_TRUE(Has(a, Action::kPregnancyTest)) << Dump(a);
  }
  {
    const Assessment a = EvaluateOn(CourseJson("mm", {PregnancyTest(1), PregnancyTest(8)}, kCanBecomePregnant), 9);
    const auto t = Due(a, "pregnancy-test");
    ASSERT_TRUE(t.has_value()) << Dump(a);
    EXPECT_EQ(t->due, Day(15));
    EXPECT_FALSE(t->overdue);
    EXPECT_FALSE(Has(a, Action::kPregnancyTest)) << Dump(a);
  }
}

TEST(MonitoringEvaluate, AfterFourWeeksPregnancyTestsAreEveryFourWeeksOrEveryTwoWeeksIfIrregular) {
  const std::vector<std::string> weekly = {PregnancyTest(1), PregnancyTest(8), PregnancyTest(15), PregnancyTest(22),
                                           PregnancyTest(29)};
  {
    const Assessment a = EvaluateOn(CourseJson("mm", weekly, kCanBecomePregnant), 44);
    const auto t = Due(a, "pregnancy-test");
    ASSERT_TRUE(t.has_value()) << Dump(a);
    EXPECT_EQ(t->due, Day(57)) << "regular cycles: every 4 weeks\n" << Dump(a);
    EXPECT_FALSE(t->overdue);
  }
  {
    const Assessment a = EvaluateOn(CourseJson("mm", weekly, kIrregular), 44);
    const auto t = Due(a, "pregnancy-test");
    ASSERT_TRUE(t.has_value()) << Dump(a);
    EXPECT_EQ(t->due, Day(43)) << "irregular cycles: every 2 weeks\n" << Dump(a);
    EXPECT_TRUE(t->overdue);
    EXPECT_TRUE(Has(a, Action::kPregnancyTest)) << Dump(a);
  }
}

TEST(MonitoringEvaluate, NoPregnancyTestIsDueForPatientsWhoCannotBecomePregnant) {
  for (const char* patient : {R"({"sex": "male"})", R"({"sex": "female", "can_become_pregnant": false})"}) {
    SCOPED_TRACE(patient);
    const Assessment a = EvaluateOn(CourseJson("mm", {PregnancyTest(1)}, patient), 20);
    EXPECT_FALSE(Due(a, "pregnancy-test").has_value()) << Dump(a);
    EXPECT_FALSE(Has(a, Action::kPregnancyTest)) << Dump(a);
  }
}

// ------------------------------------------------------------------------------------------------
// evaluate(): grade 3/4 hemoglobin, white cells, creatinine -> the label's other-grade-3/4 rule

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Prescriber-decides recommendations whose reason mentions one of `words` (lower case).
int PrescriberDecidesAbout(const Assessment& a, const std::vector<std::string>& words) {
  int n = 0;
  for (const Recommendation& r : a.recommendations) {
    if (r.action != Action::kPrescriberDecides) continue;
    const std::string reason = Lower(r.reason);
    if (std::any_of(words.begin(), words.end(),
                    [&](const std::string& w) { return reason.find(w) != std::string::npos; }))
      ++n;
  }
  return n;
}

TEST(MonitoringEvaluate, AGradeThreeAnemiaIsLeftToThePrescriber) {
  // standards.md §2.1: hemoglobin < 8.0 g/dL is grade 3; 8.0 is grade 2.
  const Assessment a = EvaluateOn(CourseJson("mm", {Lab(8, "hemoglobin", "7.9 g/dL")}), 8);
  EXPECT_EQ(PrescriberDecidesAbout(a, {"hemoglobin", "anemia"}), 1) << Dump(a);
  const Assessment b = EvaluateOn(CourseJson("mm", {Lab(8, "hemoglobin", "8.0 g/dL")}), 8);
  EXPECT_EQ(PrescriberDecidesAbout(b, {"hemoglobin", "anemia"}), 0) << Dump(b);
}

TEST(MonitoringEvaluate, AGradeThreeWhiteCellCountIsLeftToThePrescriber) {
  // standards.md §2.1: WBC < 2.0 x10^9/L is grade 3; 2.0 is grade 2.
  const Assessment a = EvaluateOn(CourseJson("mm", {Lab(8, "wbc", "1.9 10*9/L")}), 8);
  EXPECT_EQ(PrescriberDecidesAbout(a, {"wbc", "white"}), 1) << Dump(a);
  const Assessment b = EvaluateOn(CourseJson("mm", {Lab(8, "wbc", "2.0 10*9/L")}), 8);
  EXPECT_EQ(PrescriberDecidesAbout(b, {"wbc", "white"}), 0) << Dump(b);
}

TEST(MonitoringEvaluate, AGradeThreeCreatinineIsLeftToThePrescriber) {
  // standards.md §2.1: above 3.0 x ULN is grade 3; 3.0 x ULN is grade 2.
  const std::string uln = R"(, "uln": "1.0 mg/dL")";
  const Assessment a = EvaluateOn(CourseJson("mm", {Lab(8, "creatinine", "3.1 mg/dL", uln)}), 8);
  EXPECT_EQ(PrescriberDecidesAbout(a, {"creatinine"}), 1) << Dump(a);
  const Assessment b = EvaluateOn(CourseJson("mm", {Lab(8, "creatinine", "3.0 mg/dL", uln)}), 8);
  EXPECT_EQ(PrescriberDecidesAbout(b, {"creatinine"}), 0) << Dump(b);
}

TEST(MonitoringEvaluate, AGradeFourCreatinineIsLeftToThePrescriberToo) {
  const std::string uln = R"(, "uln": "1.0 mg/dL")";
  const Assessment a = EvaluateOn(CourseJson("mm", {Lab(8, "creatinine", "6.5 mg/dL", uln)}), 8);
  EXPECT_EQ(PrescriberDecidesAbout(a, {"creatinine"}), 1) << Dump(a);
}

}  // namespace
}  // namespace lenacare
