// The pregnancy-prevention (Lenalidomide REMS) rules, one test per rule, written from
// the team's clinical facts, label-facts.md, §7 (7.1 females who can become pregnant, 7.2 males, 7.3 all
// patients, 7.5 the REMS program). Each test builds a course in the course JSON format, asks
// BuildRemsChecklist() about chosen days and compares the answer with the facts, so that a change of
// an encoded value in knowledge/us/rems.toml (a window, an interval, a threshold) fails a test.
//
// Day 0 is the start of therapy and the first prescription (2025-03-03); "day -12" is 12 days before.
// Facts tagged [V2]/[V1] are verified; [SEC], [UNV], [V-old] and [CONFLICT] are not, and every item
// built on them must say verified = false.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "course/course_json.h"
#include "course/rems.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;

constexpr const char* kFrp = "adult-female-can-become-pregnant";
constexpr const char* kFemaleCannot = "adult-female-cannot-become-pregnant";
constexpr const char* kMale = "adult-male";

// Item ids (the knowledge entries of knowledge/us/rems.toml).
constexpr const char* kFirstTest = "first-test-10-to-14-days-before";
constexpr const char* kSecondTest = "second-test-within-24-hours-before";
constexpr const char* kTestsDuringTherapy = "pregnancy-tests-during-therapy";
constexpr const char* kContraceptionBeforeStart = "frp-contraception-before-start";
constexpr const char* kContraception = "frp-contraception";

const Date kStart = Date::FromCivil(2025, 3, 3);

std::string Day(int offset) { return kStart.AddDays(offset).ToString(); }

json Ev(int day, const std::string& type, json fields = json::object()) {
  fields["date"] = Day(day);
  fields["type"] = type;
  return fields;
}

// A negative pregnancy test; `sensitivity` is the test's detection threshold ("" = not recorded).
json PregnancyTest(int day, const std::string& sensitivity = "25 mIU/mL", const std::string& result = "negative") {
  json e = Ev(day, "pregnancy-test", {{"result", result}});
  if (!sensitivity.empty()) e["sensitivity"] = sensitivity;
  return e;
}

json Contraception(int day, const std::vector<std::string>& methods) {
  return Ev(day, "contraception", {{"methods", methods}});
}

// The authorization, the prescription carrying it and the pharmacy's confirmation, all on `day`.
void AddPrescription(json& course, int day, const std::string& category) {
  const std::string auth = "A" + std::to_string(day + 100);
  course["events"].push_back(Ev(day, "authorization", {{"number", auth}}));
  course["events"].push_back(
      Ev(day, "prescription",
         {{"days_supply", 28}, {"refills", 0}, {"authorization_number", auth}, {"risk_category", category}}));
  course["events"].push_back(Ev(day, "confirmation", {{"number", "C" + std::to_string(day + 100)}}));
}

json BaseCourse(const json& patient) {
  return {{"indication", "mm"},
          {"start_date", Day(0)},
          {"starting_dose_mg", 25},
          {"starting_days", "1-21"},
          {"patient", patient},
          {"baseline",
           {{{"date", Day(-3)}, {"test", "anc"}, {"value", "2.4 10*9/L"}},
            {{"date", Day(-3)}, {"test", "platelets"}, {"value", "210 10*9/L"}}}},
          {"events", json::array()}};
}

// A female who can become pregnant, with everything in place for the first dispense on day 0:
// contraception (IUD + condom) from day -30, counselling and the first test on day -12, the second
// test on day 0, then authorization, prescription and confirmation on day 0 (label-facts.md §7.1, §7.5).
json FrpCourse() {
  json c = BaseCourse({{"sex", "female"}, {"rems_category", kFrp}, {"menses", "regular"}});
  c["events"].push_back(Contraception(-30, {"iud", "male-condom"}));
  c["events"].push_back(Ev(-12, "counseling", {{"by", "prescriber"}}));
  c["events"].push_back(PregnancyTest(-12));
  c["events"].push_back(PregnancyTest(0));
  AddPrescription(c, 0, kFrp);
  return c;
}

// A male patient (or a female who cannot become pregnant), ready for the first dispense on day 0.
json OtherCourse(const std::string& category) {
  json patient = {{"rems_category", category}};
  if (category == kMale || category == "male-child") {
    patient["sex"] = "male";
  } else {
    patient["sex"] = "female";
    patient["hysterectomy"] = true;
  }
  json c = BaseCourse(patient);
  c["events"].push_back(Ev(-7, "counseling", {{"by", "prescriber"}}));
  AddPrescription(c, 0, category);
  return c;
}

// Removes the events of `type` (on `day`, when given).
void Drop(json& course, const std::string& type, std::optional<int> day = std::nullopt) {
  json kept = json::array();
  for (const json& e : course["events"]) {
    if (e["type"] == type && (!day || e["date"] == Day(*day))) continue;
    kept.push_back(e);
  }
  course["events"] = kept;
}

// The first event of `type`.
json& First(json& course, const std::string& type) {
  for (json& e : course["events"]) {
    if (e["type"] == type) return e;
  }
  ADD_FAILURE() << "the course has no " << type << " event";
  static json none;
  return none;
}

std::string Dump(const RemsChecklist& r) {
  std::ostringstream out;
  out << "  as of " << r.as_of.ToString() << ", category " << r.category << ", may_dispense "
      << DispenseAnswerId(r.may_dispense) << (r.verified() ? "" : " (unverified)") << "\n";
  for (const std::string& reason : r.reasons) out << "    reason: " << reason << "\n";
  for (const ChecklistItem& i : r.items) {
    out << "    [" << ItemStatusId(i.status) << "] " << i.id << (i.blocks_dispensing ? " (blocks)" : "")
        << (i.verified ? "" : " (unverified)") << (i.due ? " due " + i.due->ToString() : std::string()) << ": "
        << i.detail << "\n";
  }
  return out.str();
}

struct Answer {
  bool ok = false;
  std::string error;  // when the course or the checklist is refused
  RemsChecklist list;

  const ChecklistItem* Item(const std::string& id) const {
    for (const ChecklistItem& i : list.items) {
      if (i.id == id) return &i;
    }
    return nullptr;
  }
  // The item's status id, or "absent".
  std::string Status(const std::string& id) const {
    const ChecklistItem* i = Item(id);
    return i == nullptr ? "absent" : std::string(ItemStatusId(i->status));
  }
  std::optional<Date> Due(const std::string& id) const {
    const ChecklistItem* i = Item(id);
    return i == nullptr ? std::nullopt : i->due;
  }
  std::string May() const { return std::string(DispenseAnswerId(list.may_dispense)); }
  bool ReasonsMention(const std::string& text) const {
    for (const std::string& r : list.reasons) {
      if (r.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::string Dump() const { return ok ? lenacare::Dump(list) : "  refused: " + error + "\n"; }
};

Answer Check(const json& course, int day) {
  Answer a;
  auto c = ParseCourseJson(testing::K(), course.dump());
  if (!c.ok()) {
    a.error = c.error().Describe();
    ADD_FAILURE() << "the course does not parse: " << a.error;
    return a;
  }
  auto r = BuildRemsChecklist(testing::K(), *c, kStart.AddDays(day));
  if (!r.ok()) {
    a.error = r.error().Describe();
    ADD_FAILURE() << "no checklist: " << a.error;
    return a;
  }
  a.ok = true;
  a.list = *r;
  return a;
}

// --- §7.1 Pre-treatment tests --------------------------------------------------------------------

// label-facts.md §7.1 [V2]: two negative pregnancy tests, the first within 10-14 days before the
// first prescription.
TEST(RemsRules, TheFirstTestCountsOnlyTenToFourteenDaysBeforeTheFirstPrescription) {
  struct Row {
    int days_before;
    const char* status;
  };
  for (const Row& row : {Row{15, "blocking"}, Row{14, "met"}, Row{10, "met"}, Row{9, "blocking"}}) {
    SCOPED_TRACE("first test " + std::to_string(row.days_before) + " days before the first prescription");
    json c = FrpCourse();
    Drop(c, "pregnancy-test", -12);
    c["events"].push_back(PregnancyTest(-row.days_before));
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status(kFirstTest), row.status) << a.Dump();
    EXPECT_EQ(a.May(), std::string(row.status) == "met" ? "yes" : "no") << a.Dump();
    if (a.Item(kFirstTest) != nullptr) {
      EXPECT_TRUE(a.Item(kFirstTest)->verified) << "[V2]";
    }
  }
}

// label-facts.md §7.1 [V2]: the second test within 24 hours before the first prescription: a test the
// same day or the day before counts, one 2 days before does not.
TEST(RemsRules, TheSecondTestCountsOnlyWithinTwentyFourHoursBeforeTheFirstPrescription) {
  struct Row {
    int days_before;
    const char* status;
  };
  for (const Row& row : {Row{0, "met"}, Row{1, "met"}, Row{2, "blocking"}}) {
    SCOPED_TRACE("second test " + std::to_string(row.days_before) + " days before the first prescription");
    json c = FrpCourse();
    Drop(c, "pregnancy-test", 0);
    c["events"].push_back(PregnancyTest(-row.days_before));
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status(kSecondTest), row.status) << a.Dump();
    EXPECT_EQ(a.May(), std::string(row.status) == "met" ? "yes" : "no") << a.Dump();
  }
}

// Before the first prescription both tests are still to do, each due by the end of its window
// (label-facts.md §7.1 [V2]; the first prescription is planned for the start date).
TEST(RemsRules, BeforeTheFirstPrescriptionBothTestsAreDueByTheEndOfTheirWindows) {
  json c = FrpCourse();
  Drop(c, "pregnancy-test");
  Drop(c, "authorization");
  Drop(c, "prescription");
  Drop(c, "confirmation");
  const Answer a = Check(c, -20);
  EXPECT_EQ(a.Status(kFirstTest), "due") << a.Dump();
  EXPECT_EQ(a.Due(kFirstTest), kStart.AddDays(-10)) << a.Dump();
  EXPECT_EQ(a.Status(kSecondTest), "due") << a.Dump();
  EXPECT_EQ(a.Due(kSecondTest), kStart) << a.Dump();
  EXPECT_NE(a.May(), "yes") << a.Dump();
}

// label-facts.md §7.1 [V2]: tests must have a sensitivity of at least 50 mIU/mL, i.e. detect hCG at
// 50 mIU/mL. A test detecting 50 counts, one detecting only 60 does not, and a test without a recorded
// sensitivity cannot be judged.
TEST(RemsRules, ATestMustDetectFiftyMilliUnitsPerMillilitre) {
  struct Row {
    const char* sensitivity;
    const char* status;
    const char* may;
  };
  for (const Row& row : {Row{"50 mIU/mL", "met", "yes"}, Row{"50 IU/L", "met", "yes"}, Row{"25 mIU/mL", "met", "yes"},
                         Row{"60 mIU/mL", "blocking", "no"}, Row{"", "unknown", "cannot-assess"}}) {
    SCOPED_TRACE(std::string("second test sensitivity '") + row.sensitivity + "'");
    json c = FrpCourse();
    Drop(c, "pregnancy-test", 0);
    c["events"].push_back(PregnancyTest(0, row.sensitivity));
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status(kSecondTest), row.status) << a.Dump();
    EXPECT_EQ(a.May(), row.may) << a.Dump();
  }
  {
    SCOPED_TRACE("first test only 60 mIU/mL");
    json c = FrpCourse();
    Drop(c, "pregnancy-test", -12);
    c["events"].push_back(PregnancyTest(-12, "60 mIU/mL"));
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status(kFirstTest), "blocking") << a.Dump();
    EXPECT_EQ(a.May(), "no") << a.Dump();
  }
}

// The same threshold holds for the tests during therapy (label-facts.md §7.1: the ≥50 mIU/mL
// requirement is not limited to the pre-treatment tests; S46 repeats it for any home test).
TEST(RemsRules, ATestDuringTherapyThatIsNotSensitiveEnoughDoesNotCount) {
  {
    SCOPED_TRACE("week-1 test detects only 60 mIU/mL: the last qualifying test is day 0, due again day 7");
    json c = FrpCourse();
    c["events"].push_back(PregnancyTest(7, "60 mIU/mL"));
    const Answer a = Check(c, 8);
    EXPECT_EQ(a.Status(kTestsDuringTherapy), "overdue") << a.Dump();
    EXPECT_EQ(a.Due(kTestsDuringTherapy), kStart.AddDays(7)) << a.Dump();
  }
  {
    SCOPED_TRACE("week-1 test without a recorded sensitivity");
    json c = FrpCourse();
    c["events"].push_back(PregnancyTest(7, ""));
    const Answer a = Check(c, 8);
    EXPECT_EQ(a.Status(kTestsDuringTherapy), "unknown") << a.Dump();
    EXPECT_NE(a.May(), "yes") << a.Dump();
  }
}

// --- §7.1 Testing during therapy ----------------------------------------------------------------

// label-facts.md §7.1 [V2]: weekly for the first 4 weeks, then every 4 weeks if menstrual cycles are
// regular or every 2 weeks if irregular. A test is due on its date and overdue (blocking) the day after.
TEST(RemsRules, TestsAreWeeklyForFourWeeksThenEveryFourOrEveryTwoWeeks) {
  struct Row {
    const char* name;
    const char* menses;
    std::vector<int> tests;  // days of the negative tests after day 0
    int due;                 // the day the next test is due
  };
  const std::vector<Row> rows = {
      {"week 1, after the day-0 test", "regular", {}, 7},
      {"week 4, after the week-3 test", "regular", {7, 14, 21}, 28},
      {"after the first 4 weeks, regular cycles: every 4 weeks", "regular", {7, 14, 21, 28}, 56},
      {"after the first 4 weeks, irregular cycles: every 2 weeks", "irregular", {7, 14, 21, 28}, 42},
      {"irregular cycles, a later 2-week interval", "irregular", {7, 14, 21, 28, 42}, 56},
      {"regular cycles, a later 4-week interval", "regular", {7, 14, 21, 28, 56}, 84},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    json c = FrpCourse();
    c["patient"]["menses"] = row.menses;
    for (int d : row.tests) c["events"].push_back(PregnancyTest(d));
    const Answer on_time = Check(c, row.due);
    EXPECT_EQ(on_time.Status(kTestsDuringTherapy), "due") << on_time.Dump();
    EXPECT_EQ(on_time.Due(kTestsDuringTherapy), kStart.AddDays(row.due)) << on_time.Dump();
    const Answer late = Check(c, row.due + 1);
    EXPECT_EQ(late.Status(kTestsDuringTherapy), "overdue") << late.Dump();
    ASSERT_NE(late.Item(kTestsDuringTherapy), nullptr);
    EXPECT_TRUE(late.Item(kTestsDuringTherapy)->blocks_dispensing) << late.Dump();
    EXPECT_TRUE(late.Item(kTestsDuringTherapy)->verified) << "[V2]";
    EXPECT_EQ(late.May(), "no") << late.Dump();
  }
}

// label-facts.md §7.1: after the first 4 weeks the interval depends on the cycles; when they are not
// recorded the interval cannot be chosen.
TEST(RemsRules, AfterFourWeeksTheTestIntervalIsUnknownWithoutTheMenstrualPattern) {
  json c = FrpCourse();
  c["patient"].erase("menses");
  for (int d : {7, 14, 21, 28}) c["events"].push_back(PregnancyTest(d));
  const Answer a = Check(c, 30);
  EXPECT_EQ(a.Status(kTestsDuringTherapy), "unknown") << a.Dump();
  EXPECT_NE(a.May(), "yes") << a.Dump();
}

// label-facts.md §7.1 [V-old]: testing continues on the same schedule during dose interruptions
// (older USPI only), so the item is unverified while therapy is held.
TEST(RemsRules, TestingContinuesOnScheduleDuringAnInterruption) {
  json c = FrpCourse();
  c["events"].push_back(PregnancyTest(7));
  c["events"].push_back(PregnancyTest(14));
  c["events"].push_back(Ev(16, "hold", {{"reason", "grade 3 rash"}}));
  const Answer held = Check(c, 18);
  EXPECT_EQ(held.Status(kTestsDuringTherapy), "due") << held.Dump();
  EXPECT_EQ(held.Due(kTestsDuringTherapy), kStart.AddDays(21)) << held.Dump();
  ASSERT_NE(held.Item(kTestsDuringTherapy), nullptr);
  EXPECT_FALSE(held.Item(kTestsDuringTherapy)->verified) << "[V-old]: " << held.Dump();
  const Answer late = Check(c, 22);
  EXPECT_EQ(late.Status(kTestsDuringTherapy), "overdue") << late.Dump();
  EXPECT_FALSE(late.list.verified()) << late.Dump();
  // Contraception also continues through interruptions (§7.1 [V2]).
  EXPECT_EQ(late.Status(kContraception), "info") << late.Dump();
}

// label-facts.md §7.1 [V-old]: a missed period or abnormal bleeding calls for a pregnancy test and
// counselling, and the drug is held during the evaluation (older USPI only: unverified).
TEST(RemsRules, AMissedPeriodHoldsDispensingUntilAPregnancyTest) {
  json c = FrpCourse();
  c["events"].push_back(PregnancyTest(7));
  c["events"].push_back(PregnancyTest(14));
  c["events"].push_back(Ev(18, "missed-period"));
  const Answer missed = Check(c, 18);
  EXPECT_EQ(missed.Status("missed-period"), "blocking") << missed.Dump();
  ASSERT_NE(missed.Item("missed-period"), nullptr);
  EXPECT_FALSE(missed.Item("missed-period")->verified) << "[V-old]";
  EXPECT_NE(missed.Item("missed-period")->detail.find("hold"), std::string::npos) << missed.Dump();
  EXPECT_NE(missed.Item("missed-period")->detail.find("test"), std::string::npos) << missed.Dump();
  EXPECT_EQ(missed.May(), "no") << missed.Dump();
  c["events"].push_back(PregnancyTest(19));
  const Answer tested = Check(c, 19);
  EXPECT_EQ(tested.Status("missed-period"), "met") << tested.Dump();
}

// label-facts.md §7.1 [V2]: if pregnancy occurs, stop at once, refer to an obstetrician/gynecologist
// experienced in reproductive toxicity, report to FDA MedWatch 1-800-FDA-1088 and the manufacturer
// 1-888-423-5436. Nothing may be dispensed.
TEST(RemsRules, APositiveTestStopsTherapyRefersAndReports) {
  json c = FrpCourse();
  c["events"].push_back(PregnancyTest(7));
  c["events"].push_back(PregnancyTest(14, "25 mIU/mL", "positive"));
  AddPrescription(c, 14, kFrp);
  const Answer a = Check(c, 14);
  EXPECT_EQ(a.Status("positive-pregnancy-test"), "blocking") << a.Dump();
  const ChecklistItem* i = a.Item("positive-pregnancy-test");
  ASSERT_NE(i, nullptr);
  EXPECT_TRUE(i->verified) << "[V2]";
  for (const char* text : {"Stop", "obstetrician/gynecologist", "1-800-FDA-1088", "1-888-423-5436"}) {
    EXPECT_NE(i->detail.find(text), std::string::npos) << text << "\n" << a.Dump();
  }
  EXPECT_EQ(a.May(), "no") << a.Dump();
}

// --- §7.1 Contraception ---------------------------------------------------------------------------

// label-facts.md §7.1 [V2]: contraception starts at least 4 weeks before therapy: 28 days before the
// start is enough, 27 is not.
TEST(RemsRules, ContraceptionStartsAtLeastFourWeeksBeforeTheStart) {
  struct Row {
    int days_before;
    const char* status;
    const char* may;
  };
  for (const Row& row : {Row{28, "met", "yes"}, Row{27, "blocking", "no"}}) {
    SCOPED_TRACE("contraception from " + std::to_string(row.days_before) + " days before the start");
    json c = FrpCourse();
    Drop(c, "contraception");
    c["events"].push_back(Contraception(-row.days_before, {"iud", "male-condom"}));
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status(kContraceptionBeforeStart), row.status) << a.Dump();
    EXPECT_EQ(a.May(), row.may) << a.Dump();
  }
}

// label-facts.md §7.1 [V2]: continuous abstinence, or two methods used together with at least one
// highly effective (IUD, hormonal, tubal ligation, partner's vasectomy) plus an additional effective
// one (condom, diaphragm, cervical cap). Two additional methods, or one method alone, are not enough.
TEST(RemsRules, ContraceptionIsAbstinenceOrTwoMethodsWithAtLeastOneHighlyEffective) {
  struct Row {
    std::vector<std::string> methods;
    const char* status;
  };
  const std::vector<Row> rows = {
      {{"abstinence"}, "met"},
      {{"iud", "male-condom"}, "met"},
      {{"hormonal", "diaphragm"}, "met"},
      {{"tubal-ligation", "cervical-cap"}, "met"},
      {{"partner-vasectomy", "male-condom"}, "met"},
      {{"male-condom", "diaphragm"}, "blocking"},
      {{"diaphragm", "cervical-cap"}, "blocking"},
      {{"iud"}, "blocking"},
      {{"male-condom"}, "blocking"},
  };
  for (const Row& row : rows) {
    std::string name;
    for (const std::string& m : row.methods) name += (name.empty() ? "" : " + ") + m;
    SCOPED_TRACE(name);
    json c = FrpCourse();
    Drop(c, "contraception");
    c["events"].push_back(Contraception(-30, row.methods));
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status(kContraceptionBeforeStart), row.status) << a.Dump();
    EXPECT_EQ(a.May(), std::string(row.status) == "met" ? "yes" : "no") << a.Dump();
  }
}

// --- §7.2, §7.3 Males, donations, breastfeeding -------------------------------------------------

// label-facts.md §7.2 [V2] condom (even after vasectomy) during therapy, interruptions and 4 weeks after
// stopping; no sperm donation (ban [V2], the 4 weeks after [V1]); §7.3 [V2] no blood donation during
// therapy and for 4 weeks after. Stopped on day 40: in force through day 68, over on day 69.
TEST(RemsRules, MaleCondomAndDonationBansLastFourWeeksAfterStopping) {
  json c = OtherCourse(kMale);
  c["events"].push_back(Ev(20, "hold"));
  c["events"].push_back(Ev(40, "stop", {{"reason", "progression"}}));
  const std::vector<std::string> male_items = {"male-condom", "male-no-sperm-donation", "no-blood-donation"};
  const Answer during = Check(c, 0);
  const Answer held = Check(c, 25);
  const Answer last_day = Check(c, 68);
  const Answer after = Check(c, 69);
  for (const std::string& id : male_items) {
    SCOPED_TRACE(id);
    EXPECT_EQ(during.Status(id), "info") << during.Dump();
    EXPECT_EQ(held.Status(id), "info") << held.Dump();
    EXPECT_EQ(last_day.Status(id), "info") << last_day.Dump();
    EXPECT_EQ(last_day.Due(id), kStart.AddDays(68)) << last_day.Dump();
    EXPECT_EQ(after.Status(id), "met") << after.Dump();
    if (during.Item(id) != nullptr) {
      EXPECT_TRUE(during.Item(id)->verified) << "[V2]/[V1]";
    }
  }
  ASSERT_NE(during.Item("male-condom"), nullptr);
  EXPECT_NE(during.Item("male-condom")->text.find("vasectomy"), std::string::npos) << during.Dump();
  // None of a female's obligations.
  for (const char* id :
       {kFirstTest, kSecondTest, kTestsDuringTherapy, kContraceptionBeforeStart, kContraception, "no-breastfeeding"}) {
    EXPECT_EQ(during.Status(id), "absent") << id << "\n" << during.Dump();
  }
}

// label-facts.md §7.1 [V2]: a female who can become pregnant avoids pregnancy (contraception) for 4
// weeks after stopping; §7.3 [V2]: no blood donation for 4 weeks after stopping.
TEST(RemsRules, AFemaleWhoCanBecomePregnantKeepsContraceptionFourWeeksAfterStopping) {
  json c = FrpCourse();
  c["events"].push_back(PregnancyTest(7));
  c["events"].push_back(Ev(10, "stop"));
  for (const char* id : {kContraception, "no-blood-donation"}) {
    SCOPED_TRACE(id);
    const Answer last_day = Check(c, 38);
    EXPECT_EQ(last_day.Status(id), "info") << last_day.Dump();
    EXPECT_EQ(last_day.Due(id), kStart.AddDays(38)) << last_day.Dump();
    const Answer after = Check(c, 39);
    EXPECT_EQ(after.Status(id), "met") << after.Dump();
  }
  EXPECT_EQ(Check(c, 10).May(), "no");
}

// label-facts.md §7.1 (8.2) [V1]: advise not to breastfeed during treatment: every female patient,
// no male, and not after the treatment.
TEST(RemsRules, FemalePatientsAreAdvisedNotToBreastfeedDuringTreatment) {
  const Answer frp = Check(FrpCourse(), 0);
  EXPECT_EQ(frp.Status("no-breastfeeding"), "info") << frp.Dump();
  ASSERT_NE(frp.Item("no-breastfeeding"), nullptr);
  EXPECT_TRUE(frp.Item("no-breastfeeding")->verified) << "[V1]";
  const Answer cannot = Check(OtherCourse(kFemaleCannot), 0);
  EXPECT_EQ(cannot.Status("no-breastfeeding"), "info") << cannot.Dump();
  const Answer male = Check(OtherCourse(kMale), 0);
  EXPECT_EQ(male.Status("no-breastfeeding"), "absent") << male.Dump();
  json stopped = OtherCourse(kFemaleCannot);
  stopped["events"].push_back(Ev(10, "stop"));
  const Answer after = Check(stopped, 11);
  EXPECT_EQ(after.Status("no-breastfeeding"), "met") << after.Dump();
}

// --- §7.5 Prescriptions, authorizations, dispensing -------------------------------------------

// label-facts.md §7.5 [V2]: at most a 28-day (4-week) supply, no refills.
TEST(RemsRules, APrescriptionIsForAtMostTwentyEightDaysWithNoRefills) {
  struct Row {
    int days_supply;
    int refills;
    const char* status;
  };
  for (const Row& row : {Row{28, 0, "met"}, Row{21, 0, "met"}, Row{29, 0, "blocking"}, Row{28, 1, "blocking"}}) {
    SCOPED_TRACE(std::to_string(row.days_supply) + " days, " + std::to_string(row.refills) + " refills");
    json c = FrpCourse();
    First(c, "prescription")["days_supply"] = row.days_supply;
    First(c, "prescription")["refills"] = row.refills;
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status("prescription"), row.status) << a.Dump();
    EXPECT_EQ(a.May(), std::string(row.status) == "met" ? "yes" : "no") << a.Dump();
  }
}

// label-facts.md §7.5 [V2]: the authorization number and the patient risk category are written on every
// prescription (the number is the current one; the category is the patient's).
TEST(RemsRules, APrescriptionCarriesTheAuthorizationNumberAndTheRiskCategory) {
  const std::vector<std::pair<std::string, std::function<void(json&)>>> rows = {
      {"no authorization number", [](json& rx) { rx.erase("authorization_number"); }},
      {"another authorization number", [](json& rx) { rx["authorization_number"] = "A999"; }},
      {"no risk category", [](json& rx) { rx.erase("risk_category"); }},
      {"the wrong risk category", [](json& rx) { rx["risk_category"] = kFemaleCannot; }},
  };
  for (const auto& [name, change] : rows) {
    SCOPED_TRACE(name);
    json c = FrpCourse();
    change(First(c, "prescription"));
    const Answer a = Check(c, 0);
    EXPECT_EQ(a.Status("prescription"), "blocking") << a.Dump();
    EXPECT_EQ(a.May(), "no") << a.Dump();
  }
  json none = FrpCourse();
  Drop(none, "authorization");
  const Answer a = Check(none, 0);
  EXPECT_EQ(a.Status("authorization"), "blocking") << a.Dump();
  EXPECT_EQ(a.May(), "no") << a.Dump();
}

// label-facts.md §7.5 [SEC] (secondary report of the REMS Pharmacy Guide): for a female who can become
// pregnant the authorization is valid 7 days from the last pregnancy test (the test it was issued on);
// read here as valid through day 7 after the test and expired on day 8. [SEC]: verified = false.
TEST(RemsRules, AnAuthorizationForAFemaleWhoCanBecomePregnantLastsSevenDaysFromTheLastTest) {
  {
    SCOPED_TRACE("test and authorization on day 0");
    json c = FrpCourse();
    const Answer day7 = Check(c, 7);
    EXPECT_EQ(day7.Status("authorization"), "met") << day7.Dump();
    ASSERT_NE(day7.Item("authorization"), nullptr);
    EXPECT_FALSE(day7.Item("authorization")->verified) << "[SEC]";
    EXPECT_FALSE(day7.list.verified());
    const Answer day8 = Check(c, 8);
    EXPECT_EQ(day8.Status("authorization"), "blocking") << day8.Dump();
    EXPECT_EQ(day8.May(), "no") << day8.Dump();
  }
  {
    SCOPED_TRACE("authorization issued on day 3 on the test of day 0: counted from the test, not the issue");
    json c = FrpCourse();
    Drop(c, "authorization");
    c["events"].push_back(Ev(3, "authorization", {{"number", "A100"}}));
    EXPECT_EQ(Check(c, 7).Status("authorization"), "met") << Check(c, 7).Dump();
    EXPECT_EQ(Check(c, 8).Status("authorization"), "blocking") << Check(c, 8).Dump();
  }
  {
    SCOPED_TRACE("a later test (day 7) does not renew the authorization issued on day 0");
    json c = FrpCourse();
    c["events"].push_back(PregnancyTest(7));
    const Answer day8 = Check(c, 8);
    EXPECT_EQ(day8.Status("authorization"), "blocking") << day8.Dump();
  }
}

// label-facts.md §7.5 [SEC]: for every other category the authorization is valid 30 days from issue
// (valid through day 30, expired on day 31). [SEC]: verified = false.
TEST(RemsRules, AnAuthorizationForOtherPatientsLastsThirtyDaysFromIssue) {
  for (const char* category : {kMale, kFemaleCannot, "male-child", "female-child-cannot-become-pregnant"}) {
    SCOPED_TRACE(category);
    json c = OtherCourse(category);
    const Answer day30 = Check(c, 30);
    EXPECT_EQ(day30.Status("authorization"), "met") << day30.Dump();
    ASSERT_NE(day30.Item("authorization"), nullptr);
    EXPECT_FALSE(day30.Item("authorization")->verified) << "[SEC]";
    const Answer day31 = Check(c, 31);
    EXPECT_EQ(day31.Status("authorization"), "blocking") << day31.Dump();
    EXPECT_EQ(day31.May(), "no") << day31.Dump();
  }
}

// label-facts.md §7.5 [V2]: the pharmacy obtains a confirmation number before dispensing; the engine
// asks for one obtained today (its validity, believed 24 hours, is [SEC]/[UNV]).
TEST(RemsRules, TheConfirmationNumberMustBeFromToday) {
  const Answer today = Check(FrpCourse(), 0);
  EXPECT_EQ(today.Status("confirmation"), "met") << today.Dump();
  EXPECT_EQ(today.May(), "yes") << today.Dump();

  json yesterday = OtherCourse(kMale);
  Drop(yesterday, "confirmation");
  yesterday["events"].push_back(Ev(-1, "confirmation", {{"number", "C1"}}));
  const Answer a = Check(yesterday, 0);
  EXPECT_NE(a.Status("confirmation"), "met") << a.Dump();
  ASSERT_NE(a.Item("confirmation"), nullptr);
  EXPECT_TRUE(a.Item("confirmation")->blocks_dispensing) << a.Dump();
  EXPECT_NE(a.May(), "yes") << a.Dump();

  json none = OtherCourse(kMale);
  Drop(none, "confirmation");
  const Answer b = Check(none, 0);
  EXPECT_NE(b.Status("confirmation"), "met") << b.Dump();
  EXPECT_NE(b.May(), "yes") << b.Dump();
}

// label-facts.md §7.5 [SEC] (not found for the US REMS, [UNV]): the next fill only when 7 days of
// therapy or fewer are left. A 28-day fill on day 0 runs out on day 28: refilled from day 21, not day 20.
TEST(RemsRules, TheNextFillOpensWhenSevenDaysOrFewerAreLeft) {
  json c = OtherCourse(kMale);
  c["events"].push_back(Ev(0, "dispense", {{"days_supply", 28}}));
  const Answer early = Check(c, 20);
  EXPECT_EQ(early.Status("next-fill"), "blocking") << early.Dump();
  EXPECT_EQ(early.Due("next-fill"), kStart.AddDays(21)) << early.Dump();
  ASSERT_NE(early.Item("next-fill"), nullptr);
  EXPECT_FALSE(early.Item("next-fill")->verified) << "[SEC]";
  EXPECT_EQ(early.May(), "no") << early.Dump();
  const Answer open = Check(c, 21);
  EXPECT_EQ(open.Status("next-fill"), "met") << open.Dump();
}

// label-facts.md §7.5 [CONFLICT]: older sources forbid telephone prescriptions, a newer REMS notice
// allows them: flag, do not block.
TEST(RemsRules, ATelephonePrescriptionIsFlaggedButNotBlocked) {
  json c = FrpCourse();
  First(c, "prescription")["telephone"] = true;
  const Answer a = Check(c, 0);
  EXPECT_EQ(a.Status("telephone-prescription"), "info") << a.Dump();
  const ChecklistItem* i = a.Item("telephone-prescription");
  ASSERT_NE(i, nullptr);
  EXPECT_FALSE(i->blocks_dispensing) << a.Dump();
  EXPECT_FALSE(i->verified) << "[CONFLICT]";
  EXPECT_EQ(a.May(), "yes") << a.Dump();
  EXPECT_EQ(Check(FrpCourse(), 0).Status("telephone-prescription"), "absent");
}

// --- §7.5 Risk categories -------------------------------------------------------------------------

// label-facts.md §7.5 [V2]: the six patient risk categories of the Patient-Physician Agreement Form.
TEST(RemsCategories, TheSixRiskCategoriesOfTheAgreementFormExist) {
  struct Facts {
    const char* id;
    const char* sex;
    const char* age_group;
    std::optional<bool> can_become_pregnant;
  };
  const std::vector<Facts> facts = {
      {"adult-female-can-become-pregnant", "female", "adult", true},
      {"adult-female-cannot-become-pregnant", "female", "adult", false},
      {"female-child-can-become-pregnant", "female", "child", true},
      {"female-child-cannot-become-pregnant", "female", "child", false},
      {"adult-male", "male", "adult", std::nullopt},
      {"male-child", "male", "child", std::nullopt},
  };
  const RemsKnowledge& rems = testing::K().safety.rems;
  EXPECT_EQ(rems.categories.size(), facts.size());
  for (const Facts& f : facts) {
    SCOPED_TRACE(f.id);
    const RemsCategory* c = rems.FindCategory(f.id);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->sex, f.sex);
    EXPECT_EQ(c->age_group, f.age_group);
    if (f.can_become_pregnant) {
      EXPECT_EQ(c->can_become_pregnant, f.can_become_pregnant);
    }
    EXPECT_TRUE(c->cite.verified) << "[V2]";

    json patient = {{"sex", f.sex}, {"rems_category", f.id}};
    json course = BaseCourse(patient);
    const Answer a = Check(course, 0);
    EXPECT_EQ(a.list.category, f.id) << a.Dump();
    EXPECT_EQ(a.list.can_become_pregnant, f.can_become_pregnant.value_or(false)) << a.Dump();
    // Only a female who can become pregnant has pregnancy tests to do (§7.1).
    EXPECT_EQ(a.Status(kSecondTest) != "absent", f.can_become_pregnant.value_or(false)) << a.Dump();
  }
}

// label-facts.md §7.1/§7.5: a declared category must not contradict the facts that define it; the
// parser refuses it as bad input naming patient.rems_category. Natural postmenopause for >= 24
// consecutive months (older label, [V2-old]) does make a female unable to become pregnant.
TEST(RemsCategories, ACategoryThatContradictsThePatientsFactsIsRefused) {
  struct Row {
    const char* name;
    json patient;
    bool refused;
  };
  const std::vector<Row> rows = {
      {"adult-male for a female", {{"sex", "female"}, {"rems_category", "adult-male"}}, true},
      {"male-child for a female", {{"sex", "female"}, {"rems_category", "male-child"}}, true},
      {"a female category for a male", {{"sex", "male"}, {"rems_category", kFemaleCannot}}, true},
      {"cannot become pregnant, but no hysterectomy and menses 3 months ago",
       {{"sex", "female"},
        {"rems_category", kFemaleCannot},
        {"hysterectomy", false},
        {"natural_postmenopause_months", 3}},
       true},
      {"cannot become pregnant, but can_become_pregnant is true",
       {{"sex", "female"}, {"rems_category", "female-child-cannot-become-pregnant"}, {"can_become_pregnant", true}},
       true},
      {"cannot become pregnant after 30 months of natural postmenopause",
       {{"sex", "female"},
        {"rems_category", kFemaleCannot},
        {"hysterectomy", false},
        {"natural_postmenopause_months", 30}},
       false},
      {"cannot become pregnant after a hysterectomy",
       {{"sex", "female"}, {"rems_category", kFemaleCannot}, {"hysterectomy", true}},
       false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    auto c = ParseCourseJson(testing::K(), BaseCourse(row.patient).dump());
    if (!row.refused) {
      EXPECT_TRUE(c.ok()) << c.error().Describe();
      continue;
    }
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().kind, ErrorKind::kBadInput);
    EXPECT_EQ(c.error().field, "patient.rems_category") << c.error().Describe();
  }
}

// label-facts.md §7.1 [V2-old]: without a declared category, the older label's definition decides: a
// female who has had a hysterectomy, or has been naturally postmenopausal for at least 24 consecutive
// months, cannot become pregnant; any other female can. Older label only: the answer is unverified.
TEST(RemsCategories, WithoutACategoryTheOlderLabelsDefinitionDecidesUnverified) {
  struct Row {
    const char* name;
    json patient;
    bool can_become_pregnant;
  };
  const std::vector<Row> rows = {
      {"naturally postmenopausal 24 months", {{"sex", "female"}, {"natural_postmenopause_months", 24}}, false},
      {"naturally postmenopausal 23 months", {{"sex", "female"}, {"natural_postmenopause_months", 23}}, true},
      {"hysterectomy", {{"sex", "female"}, {"hysterectomy", true}}, false},
      {"no hysterectomy, menses 3 months ago",
       {{"sex", "female"}, {"hysterectomy", false}, {"natural_postmenopause_months", 3}},
       true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const Answer a = Check(BaseCourse(row.patient), 0);
    EXPECT_EQ(a.list.can_become_pregnant, row.can_become_pregnant) << a.Dump();
    EXPECT_EQ(a.Status("reproductive-potential"), "info") << a.Dump();
    ASSERT_NE(a.Item("reproductive-potential"), nullptr);
    EXPECT_FALSE(a.Item("reproductive-potential")->verified) << "[V2-old]";
    EXPECT_EQ(a.Status(kSecondTest) != "absent", row.can_become_pregnant) << a.Dump();
  }
}

// A dispense needs a prescription before it (label-facts.md §7.5: prescriptions carry the
// authorization; the pharmacy dispenses on them): a dispense dated before any prescription is bad input.
TEST(RemsCourseInput, ADispenseBeforeAnyPrescriptionIsRefusedAsDatesOutOfOrder) {
  json c = OtherCourse(kMale);
  c["events"].push_back(Ev(-2, "dispense", {{"days_supply", 28}}));
  auto parsed = ParseCourseJson(testing::K(), c.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(parsed.error().message.find("dates out of order"), std::string::npos) << parsed.error().Describe();

  json ok = OtherCourse(kMale);
  ok["events"].push_back(Ev(0, "dispense", {{"days_supply", 28}}));
  EXPECT_TRUE(ParseCourseJson(testing::K(), ok.dump()).ok());
}

// --- "May be dispensed" is never yes when a required item is missing, out of window or unknown ----

// Every row changes one thing in a course that may be dispensed (label-facts.md §7.1-§7.5), and the
// answer must then not be yes: "no" when a requirement is not met or out of its window, "cannot-assess"
// when a fact the rule needs is not recorded, or either ("not-yes") where missing can mean both.
TEST(RemsMayDispense, NeverYesWhenARequiredItemIsMissingOutOfWindowOrUnknown) {
  struct Row {
    const char* name;
    std::function<json()> course;
    int day;
    const char* expected;  // "no", "cannot-assess" or "not-yes"
  };
  auto frp = [](std::function<void(json&)> change) {
    return [change] {
      json c = FrpCourse();
      change(c);
      return c;
    };
  };
  auto male = [](std::function<void(json&)> change) {
    return [change] {
      json c = OtherCourse(kMale);
      change(c);
      return c;
    };
  };
  const std::vector<Row> rows = {
      {"§7.1 no first test", frp([](json& c) { Drop(c, "pregnancy-test", -12); }), 0, "no"},
      {"§7.1 no second test", frp([](json& c) { Drop(c, "pregnancy-test", 0); }), 0, "no"},
      {"§7.1 first test 15 days before", frp([](json& c) {
         Drop(c, "pregnancy-test", -12);
         c["events"].push_back(PregnancyTest(-15));
       }),
       0, "no"},
      {"§7.1 second test 2 days before", frp([](json& c) {
         Drop(c, "pregnancy-test", 0);
         c["events"].push_back(PregnancyTest(-2));
       }),
       0, "no"},
      {"§7.1 test sensitivity not recorded", frp([](json& c) { First(c, "pregnancy-test").erase("sensitivity"); }), 0,
       "cannot-assess"},
      {"§7.1 test detects only 60 mIU/mL",
       frp([](json& c) { First(c, "pregnancy-test")["sensitivity"] = "60 mIU/mL"; }), 0, "no"},
      {"§7.1 no contraception recorded", frp([](json& c) { Drop(c, "contraception"); }), 0, "not-yes"},
      {"§7.1 contraception only 27 days before", frp([](json& c) {
         Drop(c, "contraception");
         c["events"].push_back(Contraception(-27, {"iud", "male-condom"}));
       }),
       0, "no"},
      {"§7.1 condom + diaphragm only", frp([](json& c) {
         Drop(c, "contraception");
         c["events"].push_back(Contraception(-30, {"male-condom", "diaphragm"}));
       }),
       0, "no"},
      {"§7.1 weekly test overdue by a day", frp([](json& c) { AddPrescription(c, 8, kFrp); }), 8, "no"},
      {"§7.1 menses not recorded after 4 weeks", frp([](json& c) {
         c["patient"].erase("menses");
         for (int d : {7, 14, 21, 28}) c["events"].push_back(PregnancyTest(d));
         AddPrescription(c, 28, kFrp);
       }),
       28, "cannot-assess"},
      {"§7.1 missed period not yet tested", frp([](json& c) {
         c["events"].push_back(Ev(5, "missed-period"));
         c["events"].push_back(PregnancyTest(4));
         AddPrescription(c, 5, kFrp);
       }),
       5, "no"},
      {"§7.1 positive test", frp([](json& c) {
         c["events"].push_back(PregnancyTest(5, "25 mIU/mL", "positive"));
         AddPrescription(c, 5, kFrp);
       }),
       5, "no"},
      {"§7.1 reproductive potential not recorded",
       [] {
         json c = BaseCourse({{"sex", "female"}});
         AddPrescription(c, 0, kFemaleCannot);
         return c;
       },
       0, "cannot-assess"},
      {"§7.5 neither sex nor category recorded",
       [] {
         json c = BaseCourse(json::object());
         AddPrescription(c, 0, kMale);
         return c;
       },
       0, "cannot-assess"},
      {"§7.5 no prescriber counselling recorded", frp([](json& c) { Drop(c, "counseling"); }), 0, "not-yes"},
      {"§7.5 no authorization", frp([](json& c) { Drop(c, "authorization"); }), 0, "no"},
      {"§7.5 authorization expired (FRP, day 8)", frp([](json& c) {
         c["events"].push_back(PregnancyTest(7));
         Drop(c, "confirmation");
         c["events"].push_back(Ev(8, "confirmation", {{"number", "C8"}}));
       }),
       8, "no"},
      {"§7.5 authorization expired (male, day 31)", male([](json& c) {
         Drop(c, "confirmation");
         c["events"].push_back(Ev(31, "confirmation", {{"number", "C31"}}));
       }),
       31, "no"},
      {"§7.5 no prescription", frp([](json& c) { Drop(c, "prescription"); }), 0, "no"},
      {"§7.5 29-day supply", frp([](json& c) { First(c, "prescription")["days_supply"] = 29; }), 0, "no"},
      {"§7.5 a refill", frp([](json& c) { First(c, "prescription")["refills"] = 1; }), 0, "no"},
      {"§7.5 no authorization number on the prescription",
       frp([](json& c) { First(c, "prescription").erase("authorization_number"); }), 0, "no"},
      {"§7.5 no risk category on the prescription",
       male([](json& c) { First(c, "prescription").erase("risk_category"); }), 0, "no"},
      {"§7.5 no confirmation number", male([](json& c) { Drop(c, "confirmation"); }), 0, "not-yes"},
      {"§7.5 confirmation from yesterday", male([](json& c) {
         Drop(c, "confirmation");
         c["events"].push_back(Ev(-1, "confirmation", {{"number", "C1"}}));
       }),
       0, "not-yes"},
      {"§7.5 next fill too early", male([](json& c) {
         c["events"].push_back(Ev(0, "dispense", {{"days_supply", 28}}));
         AddPrescription(c, 20, kMale);
       }),
       20, "no"},
      {"§7.2 therapy stopped", male([](json& c) {
         c["events"].push_back(Ev(10, "stop"));
         AddPrescription(c, 12, kMale);
       }),
       12, "no"},
  };
  // The control rows: the unchanged courses may be dispensed.
  EXPECT_EQ(Check(FrpCourse(), 0).May(), "yes") << Check(FrpCourse(), 0).Dump();
  EXPECT_EQ(Check(OtherCourse(kMale), 0).May(), "yes") << Check(OtherCourse(kMale), 0).Dump();
  EXPECT_EQ(Check(OtherCourse(kFemaleCannot), 0).May(), "yes") << Check(OtherCourse(kFemaleCannot), 0).Dump();
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const Answer a = Check(row.course(), row.day);
    if (!a.ok) continue;
    EXPECT_NE(a.May(), "yes") << a.Dump();
    EXPECT_FALSE(a.list.reasons.empty()) << "a 'not yes' names its reasons\n" << a.Dump();
    if (std::string(row.expected) != "not-yes") {
      EXPECT_EQ(a.May(), row.expected) << a.Dump();
    }
  }
}

}  // namespace
}  // namespace lenacare
