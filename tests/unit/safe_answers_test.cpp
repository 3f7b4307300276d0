// Issue 13, part 4: the answers made safe. Each test is a bug report that failed before its fix:
// an out-of-label dose given as "take", a cannot-assess at a low count that did not say to hold, a
// clot-risk answer withheld although the known findings decide it, a child enrolled as an adult,
// a capsule plan for any dose, an unknown co-medication that silenced every other check, and a
// toxicity resumption that said "the counts have recovered". Through the real binary; the JSON
// field names checked here are the commands' contract. Expected values come from label-facts.md
// (§2, §3, §7.5, §8), content-facts.md (§1.2, §1.10) and standards.md (§4.1, §5.2).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

using testing::Mentions;

using nlohmann::json;
using testing::CommandResult;
using testing::RunLenacare;

bool ListHas(const json& list, const std::string& value) {
  return std::any_of(list.begin(), list.end(), [&](const json& x) { return x.is_string() && x == value; });
}

// The recommendations of an assessment with this action.
std::vector<json> WithAction(const json& assessment, const std::string& action) {
  std::vector<json> out;
  for (const json& r : assessment.at("recommendations")) {
    if (r.at("action") == action) out.push_back(r);
  }
  return out;
}

CommandResult RunCourse(const std::string& command, const json& course, const std::string& as_of) {
  return RunLenacare(command + " - --as-of " + as_of + " --json", course.dump());
}

constexpr const char* kStart = "2026-03-02";

json Course(const std::string& indication, double dose_mg, json events = json::array()) {
  json c = {{"indication", indication},
            {"start_date", kStart},
            {"starting_dose_mg", dose_mg},
            {"patient", {{"crcl", "90 mL/min"}}},
            {"events", events}};
  if (indication == "mm") c["setting"] = "newly-diagnosed";
  if (indication == "mm-maintenance") c["starting_days"] = "1-28";
  return c;
}

// An out-of-label dose is never a "take" instruction: status, dose_mg and the actions that scripts
// and the patient view read.
void ExpectNoTakeAndMaximumNamed(const json& a, const std::string& maximum) {
  EXPECT_NE(a.at("status"), "taking") << a.dump(2);
  EXPECT_EQ(a.at("status"), "cannot-assess") << a.dump(2);
  EXPECT_TRUE(a.at("dose_mg").is_null()) << a.dump(2);
  EXPECT_EQ(a.at("pill_today"), false);
  EXPECT_TRUE(WithAction(a, "take").empty()) << a.dump(2);
  EXPECT_TRUE(WithAction(a, "resume").empty()) << a.dump(2);
  const std::vector<json> decide = WithAction(a, "prescriber-decides");
  ASSERT_FALSE(decide.empty()) << a.dump(2);
  const std::string reason = decide.front().at("reason");
  EXPECT_TRUE(Mentions(reason, maximum)) << reason;
  EXPECT_TRUE(Mentions(reason, "prescriber")) << reason;
  EXPECT_FALSE(decide.front().at("source").get<std::string>().empty());
  EXPECT_TRUE(Mentions(a.at("cannot_assess").get<std::string>(), maximum)) << a.dump(2);
}

// --- 1. an out-of-label dose ---------------------------------------------------------------------

TEST(SafeAnswersDose, MyelomaAtFourTimesTheLabelMaximumIsNotATakeInstruction) {
  // label-facts.md §2: 25 mg days 1-21 is the myeloma starting dose, and no dose level is higher.
  const CommandResult r = RunCourse("evaluate", Course("mm", 100), "2026-03-04");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  ExpectNoTakeAndMaximumNamed(ParseOut(r), "25 mg");
}

TEST(SafeAnswersDose, MdsAtTwentyFiveMilligramsIsNotATakeInstruction) {
  // label-facts.md §2: MDS 10 mg once daily, and no dose level or escalation above it.
  const CommandResult r = RunCourse("evaluate", Course("mds", 25), "2026-03-04");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  ExpectNoTakeAndMaximumNamed(ParseOut(r), "10 mg");
}

TEST(SafeAnswersDose, AResumptionAboveTheMaximumIsNotATakeInstruction) {
  json events = json::array(
      {{{"date", "2026-03-04"}, {"type", "hold"}}, {{"date", "2026-03-06"}, {"type", "resume"}, {"dose_mg", 50}}});
  const CommandResult r = RunCourse("evaluate", Course("mm", 25, events), "2026-03-09");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  ExpectNoTakeAndMaximumNamed(ParseOut(r), "25 mg");
}

TEST(SafeAnswersDose, TheLabelMaximumItselfIsStillTaken) {
  // Myeloma at 25 mg, the label's maximum (label-facts.md §2): still a take.
  const CommandResult r = RunCourse("evaluate", Course("mm", 25), "2026-03-04");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json a = ParseOut(r);
  EXPECT_EQ(a.at("status"), "taking");
  EXPECT_EQ(a.at("dose_mg"), 25);
  EXPECT_EQ(WithAction(a, "take").size(), 1u);
}

TEST(SafeAnswersDose, NoPillDayOrRegimenIsShownForAnOutOfLabelDose) {
  // The patient view and its calendar read the same assessment: no pill day, no regimen at 100 mg.
  const CommandResult r = RunCourse("evaluate", Course("mm", 100), "2026-03-02");
  const json a = ParseOut(r);
  EXPECT_EQ(a.at("pill_today"), false) << a.dump(2);
  EXPECT_TRUE(a.at("regimen").is_null()) << a.dump(2);
}

// --- 2. a low count that no rule covers: hold now, the prescriber decides -------------------------

// Every cannot-assess from a low count says to hold now (interrupt) and that the prescriber decides.
void ExpectHoldNowPrescriberDecides(const json& a) {
  EXPECT_EQ(a.at("status"), "cannot-assess") << a.dump(2);
  EXPECT_TRUE(a.at("dose_mg").is_null());
  EXPECT_TRUE(WithAction(a, "take").empty()) << a.dump(2);
  const std::vector<json> hold = WithAction(a, "interrupt");
  ASSERT_EQ(hold.size(), 1u) << a.dump(2);
  const std::string reason = hold.front().at("reason");
  EXPECT_TRUE(Mentions(reason, "hold")) << reason;
  EXPECT_TRUE(Mentions(reason, "prescriber")) << reason;
}

TEST(SafeAnswersLowCount, MdsAtTheFloorWithAnAncOf04SaysHoldNow) {
  // label-facts.md §3.4: MDS floor 2.5 mg; no rule covers a fall at 2.5 mg.
  json c = Course("mds", 10,
                  json::array({{{"date", "2026-03-09"}, {"type", "dose-change"}, {"dose_mg", 2.5}},
                               {{"date", "2026-03-16"}, {"type", "lab"}, {"test", "anc"}, {"value", "0.4 10*9/L"}}}));
  c["baseline"] = json::array({{{"date", "2026-02-27"}, {"test", "anc"}, {"value", "1.4 10*9/L"}},
                               {{"date", "2026-02-27"}, {"test", "platelets"}, {"value", "150 10*9/L"}}});
  const CommandResult r = RunCourse("evaluate", c, "2026-03-16");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  ExpectHoldNowPrescriberDecides(ParseOut(r));
}

TEST(SafeAnswersLowCount, MaintenancePlateletsOf25SayHoldNow) {
  // The maintenance thrombocytopenia table is not encoded (label-facts.md §3.3, open question 3).
  json c =
      Course("mm-maintenance", 10,
             json::array({{{"date", "2026-03-16"}, {"type", "lab"}, {"test", "platelets"}, {"value", "25 10*9/L"}}}));
  const CommandResult r = RunCourse("evaluate", c, "2026-03-16");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  ExpectHoldNowPrescriberDecides(ParseOut(r));
}

TEST(SafeAnswersLowCount, ThePrescribersHoldEndsTheHoldNowAdvice) {
  json c = Course("mm-maintenance", 10,
                  json::array({{{"date", "2026-03-16"}, {"type", "lab"}, {"test", "platelets"}, {"value", "25 10*9/L"}},
                               {{"date", "2026-03-17"}, {"type", "hold"}}}));
  const CommandResult r = RunCourse("evaluate", c, "2026-03-18");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json a = ParseOut(r);
  EXPECT_EQ(a.at("status"), "interrupted");
  EXPECT_TRUE(WithAction(a, "interrupt").empty()) << a.dump(2);
}

// --- 3. IMWG 2008 decided from the known findings -------------------------------------------------

TEST(SafeAnswersVte, TwoIndividualFactorsDecideWhateverTheUnknownOnes) {
  // standards.md §4.1: two or more individual/myeloma factors -> LMWH or full-dose warfarin; a
  // therapy factor gives the same prophylaxis, so no unknown factor can change it.
  const CommandResult r = RunLenacare(
      R"(vte --bmi "20 kg/m2" --dexamethasone "0 mg" --prophylaxis none --present prior_vte,surgery --unknown diabetes,doxorubicin,hyperviscosity --json)");
  const json imwg = ParseOut(r).at("imwg_2008");
  EXPECT_EQ(imwg.at("status"), "assessed") << imwg.dump(2);
  EXPECT_EQ(imwg.at("rule"), "imwg-two-or-more") << imwg.dump(2);
  EXPECT_TRUE(Mentions(imwg.at("prophylaxis").get<std::string>(), "LMWH"));
  for (const char* f : {"diabetes", "doxorubicin", "hyperviscosity"}) {
    EXPECT_TRUE(ListHas(imwg.at("missing"), f)) << f << imwg.dump(2);
  }
  EXPECT_EQ(imwg.at("decided_from_known"), true) << imwg.dump(2);
  EXPECT_TRUE(imwg.at("could_change").empty()) << imwg.dump(2);
}

TEST(SafeAnswersVte, ATherapyFactorDecidesWhateverTheUnknownOnes) {
  const CommandResult r = RunLenacare(
      R"(vte --bmi "20 kg/m2" --dexamethasone "0 mg" --prophylaxis none --present doxorubicin --unknown prior_vte,diabetes --json)");
  const json imwg = ParseOut(r).at("imwg_2008");
  EXPECT_EQ(imwg.at("status"), "assessed") << imwg.dump(2);
  EXPECT_EQ(imwg.at("rule"), "imwg-therapy-factor");
  EXPECT_EQ(imwg.at("decided_from_known"), true);
}

TEST(SafeAnswersVte, OneUnknownFactorAloneCannotReachTwo) {
  // No factor known present and one unknown individual factor: at most one -> aspirin either way.
  const CommandResult r =
      RunLenacare(R"(vte --bmi "20 kg/m2" --dexamethasone "0 mg" --prophylaxis none --unknown diabetes --json)");
  const json imwg = ParseOut(r).at("imwg_2008");
  EXPECT_EQ(imwg.at("status"), "assessed") << imwg.dump(2);
  EXPECT_EQ(imwg.at("rule"), "imwg-none-or-one");
  EXPECT_TRUE(ListHas(imwg.at("missing"), "diabetes"));
}

TEST(SafeAnswersVte, WhenAnUnknownCouldChangeTheAnswerItIsNamed) {
  // One individual factor known: one more (individual, myeloma or therapy) would change aspirin
  // into LMWH or warfarin.
  const CommandResult r = RunLenacare(
      R"(vte --bmi "20 kg/m2" --dexamethasone "0 mg" --prophylaxis none --present prior_vte --unknown diabetes --json)");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  const json imwg = ParseOut(r).at("imwg_2008");
  EXPECT_EQ(imwg.at("status"), "insufficient-data") << imwg.dump(2);
  EXPECT_FALSE(imwg.contains("prophylaxis"));
  EXPECT_EQ(imwg.at("decided_from_known"), false);
  EXPECT_TRUE(ListHas(imwg.at("could_change"), "diabetes")) << imwg.dump(2);
}

// --- 4. the REMS category agrees with the age -----------------------------------------------------

// An adult woman who can become pregnant with everything the REMS asks for the first dispense
// (as in safety_cli_test.cpp), born on `birth_date`, enrolled as `category`.
json Woman(const std::string& birth_date, const std::string& category) {
  auto negative = [](const std::string& d) {
    return json{{"date", d}, {"type", "pregnancy-test"}, {"result", "negative"}, {"sensitivity", "25 mIU/mL"}};
  };
  return {{"indication", "mm"},
          {"start_date", kStart},
          {"starting_dose_mg", 25},
          {"setting", "newly-diagnosed"},
          {"patient",
           {{"sex", "female"},
            {"birth_date", birth_date},
            {"crcl", "95 mL/min"},
            {"rems_category", category},
            {"menses", "regular"},
            {"findings", {{"prior_severe_hypersensitivity", false}}}}},
          {"events", json::array({
                         {{"date", "2026-01-20"}, {"type", "contraception"}, {"methods", {"iud", "male-condom"}}},
                         negative("2026-02-18"),
                         {{"date", "2026-02-18"}, {"type", "counseling"}, {"by", "prescriber"}},
                         negative("2026-03-01"),
                         {{"date", "2026-03-01"}, {"type", "authorization"}, {"number", "A-200"}},
                         {{"date", kStart},
                          {"type", "prescription"},
                          {"days_supply", 28},
                          {"refills", 0},
                          {"authorization_number", "A-200"},
                          {"risk_category", category}},
                         {{"date", kStart}, {"type", "confirmation"}, {"number", "C-200"}},
                     })}};
}

TEST(SafeAnswersRems, AGirlBornIn2012EnrolledAsAnAdultMayNotBeDispensed) {
  const CommandResult r = RunCourse("rems", Woman("2012-05-01", "adult-female-can-become-pregnant"), kStart);
  const json j = ParseOut(r);
  EXPECT_NE(j.at("may_dispense"), "yes") << j.dump(2);
  const bool named = std::any_of(j.at("reasons").begin(), j.at("reasons").end(),
                                 [](const json& x) { return Mentions(x.get<std::string>(), "18"); });
  EXPECT_TRUE(named) << j.dump(2);
}

TEST(SafeAnswersRems, AnAdultEnrolledAsAChildMayNotBeDispensed) {
  const CommandResult r = RunCourse("rems", Woman("1986-01-15", "female-child-can-become-pregnant"), kStart);
  const json j = ParseOut(r);
  EXPECT_NE(j.at("may_dispense"), "yes") << j.dump(2);
}

TEST(SafeAnswersRems, AGirlEnrolledAsAChildAndAWomanAsAnAdultMayBeDispensed) {
  CommandResult r = RunCourse("rems", Woman("2012-05-01", "female-child-can-become-pregnant"), kStart);
  EXPECT_EQ(ParseOut(r).at("may_dispense"), "yes") << Describe(r);
  r = RunCourse("rems", Woman("1986-01-15", "adult-female-can-become-pregnant"), kStart);
  EXPECT_EQ(ParseOut(r).at("may_dispense"), "yes") << Describe(r);
  // The day before and the day of the 18th birthday (content-facts.md §1.10: under 18, a parent
  // or guardian also signs).
  r = RunCourse("rems", Woman("2008-03-03", "adult-female-can-become-pregnant"), kStart);
  EXPECT_NE(ParseOut(r).at("may_dispense"), "yes") << Describe(r);
  r = RunCourse("rems", Woman("2008-03-02", "adult-female-can-become-pregnant"), kStart);
  EXPECT_EQ(ParseOut(r).at("may_dispense"), "yes") << Describe(r);
}

// --- 5. the capsule helper checks the dose against the label --------------------------------------

TEST(SafeAnswersCapsules, AboveTheIndicationsMaximumIsRefused) {
  // label-facts.md §2: MDS 10 mg, myeloma 25 mg; no higher dose level or escalation.
  CommandResult r = RunLenacare("capsules --indication mds --dose 25 --json");
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(Mentions(r.err, "10 mg")) << Describe(r);
  EXPECT_FALSE(Mentions(r.out, "\"capsules\"")) << Describe(r);
  r = RunLenacare("capsules --indication mm --dose 40 --json");
  EXPECT_NE(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(Mentions(r.err, "25 mg")) << Describe(r);
}

TEST(SafeAnswersCapsules, ADoseOffTheLadderIsPlannedWithAWarning) {
  const CommandResult r = RunLenacare("capsules --indication mm --dose 7.5 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  ASSERT_EQ(j.at("warnings").size(), 1u) << j.dump(2);
  EXPECT_TRUE(Mentions(j.at("warnings").at(0).get<std::string>(), "7.5 mg")) << j.dump(2);
  EXPECT_EQ(j.at("maximum_dose_mg"), 25);
}

TEST(SafeAnswersCapsules, ALabelDoseHasNoWarning) {
  for (const char* args : {"--indication mm --dose 25", "--indication mm --dose 2.5", "--indication mds --dose 5",
                           "--indication mm-maintenance --dose 15 --days 1-28"}) {
    const CommandResult r = RunLenacare(std::string("capsules ") + args + " --json");
    ASSERT_EQ(r.exit_code, 0) << args << Describe(r);
    EXPECT_TRUE(ParseOut(r).at("warnings").empty()) << args << r.out;
  }
}

// --- 6. co-medications ------------------------------------------------------------------------------

TEST(SafeAnswersInteractions, TheProphylaxisDrugsTheEsaAndTheOtherImidsAreKnown) {
  const CommandResult r = RunLenacare("interactions aspirin enoxaparin darbepoetin thalidomide pomalidomide --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json a = ParseOut(r).at("interactions");
  ASSERT_EQ(a.size(), 5u);
  for (const json& x : a) EXPECT_FALSE(x.at("source").get<std::string>().empty()) << x.dump();
  // USPI 7.2 (label-facts.md §8): ESAs raise the thrombosis risk.
  EXPECT_EQ(a[2].at("id"), "erythropoiesis-stimulating-agents");
  EXPECT_EQ(a[2].at("severity"), "caution");
  // The label describes no interaction with the prophylaxis it recommends or the other IMiDs.
  for (size_t i : {0u, 1u, 3u, 4u}) EXPECT_EQ(a[i].at("severity"), "none-described") << a[i].dump();
  EXPECT_TRUE(Mentions(a[4].at("answer").get<std::string>(), "CYP1A2")) << a[4].dump();
}

TEST(SafeAnswersInteractions, AnUnknownCoMedicationDoesNotSilenceTheOtherChecks) {
  json c = Woman("1986-01-15", "adult-female-can-become-pregnant");
  c["patient"]["medications"] = {"aspirin", "notadrug", "digoxin", "zzz-unknown"};
  const CommandResult r = RunCourse("check", c, kStart);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("rems").at("may_dispense"), "yes") << j.dump(2);
  EXPECT_FALSE(j.at("readiness").is_null());
  EXPECT_FALSE(j.at("evaluate").is_null());
  ASSERT_EQ(j.at("interactions").size(), 2u) << j.dump(2);
  EXPECT_EQ(j.at("interactions").at(0).at("query"), "aspirin");
  EXPECT_EQ(j.at("interactions").at(1).at("query"), "digoxin");
  const json& unknown = j.at("unknown_medications");
  ASSERT_EQ(unknown.size(), 2u) << j.dump(2);
  EXPECT_EQ(unknown.at(0).at("query"), "notadrug");
  EXPECT_EQ(unknown.at(1).at("query"), "zzz-unknown");
  EXPECT_TRUE(Mentions(unknown.at(0).at("message").get<std::string>(), "cannot say")) << unknown.dump();
}

// --- 7. what recovered ----------------------------------------------------------------------------

TEST(SafeAnswersResume, AToxicityResumptionNamesTheToxicityNotTheCounts) {
  // USPI 2.5 (label-facts.md §3.1): grade 3/4 -> hold; resume at grade 2 or less.
  json c = Course("mm", 25,
                  json::array({{{"date", "2026-03-09"}, {"type", "toxicity"}, {"term", "diarrhea"}, {"grade", 3}},
                               {{"date", "2026-03-13"}, {"type", "toxicity"}, {"term", "diarrhea"}, {"grade", 2}}}));
  const CommandResult r = RunCourse("evaluate", c, "2026-03-13");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json a = ParseOut(r);
  const std::vector<json> resume = WithAction(a, "resume");
  ASSERT_EQ(resume.size(), 1u) << a.dump(2);
  const std::string reason = resume.front().at("reason");
  EXPECT_FALSE(Mentions(reason, "counts")) << reason;
  EXPECT_TRUE(Mentions(reason, "diarrhea")) << reason;
  EXPECT_TRUE(Mentions(reason, "grade 2")) << reason;
}

TEST(SafeAnswersResume, ACountResumptionStillNamesTheCount) {
  json c =
      Course("mm", 25,
             json::array({{{"date", "2026-03-09"}, {"type", "lab"}, {"test", "platelets"}, {"value", "25 10*9/L"}},
                          {{"date", "2026-03-16"}, {"type", "lab"}, {"test", "platelets"}, {"value", "40 10*9/L"}}}));
  const CommandResult r = RunCourse("evaluate", c, "2026-03-16");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<json> resume = WithAction(ParseOut(r), "resume");
  ASSERT_EQ(resume.size(), 1u) << r.out;
  EXPECT_TRUE(Mentions(resume.front().at("reason").get<std::string>(), "platelets")) << r.out;
}

}  // namespace
}  // namespace lenacare
