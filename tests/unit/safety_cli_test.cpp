// The safety commands through the real binary: `vte`, `interactions`, `rems` and `check` (with the
// readiness-to-start checklist). Expected values come from standards.md §4-§5 and label-facts.md
// §2, §6-§8; the JSON field names checked here are the commands' contract. Bad input is exit code 2
// with one line on standard error naming the field; a missing fact is exit code 1.
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

// The item with this id of a checklist ("items" of rems or readiness), or null.
json Item(const json& checklist, const std::string& id) {
  for (const json& i : checklist.at("items")) {
    if (i.at("id") == id) return i;
  }
  return nullptr;
}

// Runs a command that reads the course from standard input ("-").
CommandResult RunCourse(const std::string& command, const json& course, const std::string& as_of, bool as_json = true) {
  return RunLenacare(command + " - --as-of " + as_of + (as_json ? " --json" : ""), course.dump());
}

// The checklist item fields every item carries.
void ExpectItemFields(const json& item) {
  for (const char* key : {"id", "text", "status", "detail", "due", "blocks_dispensing", "source", "verified"}) {
    EXPECT_TRUE(item.contains(key)) << key << " missing in " << item.dump();
  }
}

// ------------------------------------------------------------------------------------------------
// Courses
// ------------------------------------------------------------------------------------------------

constexpr const char* kStart = "2026-03-02";

// An adult man with newly diagnosed myeloma starting 25 mg on days 1-21 on 2026-03-02 (age 69,
// CrCl 80 mL/min), with everything the REMS asks of a male patient recorded for the first
// dispense on the start date.
json MaleMyeloma() {
  return {
      {"indication", "mm"},
      {"start_date", kStart},
      {"starting_dose_mg", 25},
      {"setting", "newly-diagnosed"},
      {"patient",
       {{"sex", "male"},
        {"birth_date", "1956-05-01"},
        {"crcl", "80 mL/min"},
        {"rems_category", "adult-male"},
        {"findings", {{"prior_severe_hypersensitivity", false}}}}},
      {"events", json::array({
                     {{"date", "2026-02-25"}, {"type", "counseling"}, {"by", "prescriber"}},
                     {{"date", "2026-03-01"}, {"type", "authorization"}, {"number", "A-100"}},
                     {{"date", "2026-03-01"},
                      {"type", "prescription"},
                      {"days_supply", 28},
                      {"refills", 0},
                      {"authorization_number", "A-100"},
                      {"risk_category", "adult-male"}},
                     {{"date", kStart}, {"type", "confirmation"}, {"number", "C-100"}},
                 })},
  };
}

json NegativeTest(const std::string& date) {
  return {{"date", date}, {"type", "pregnancy-test"}, {"result", "negative"}, {"sensitivity", "25 mIU/mL"}};
}

// An adult woman who can become pregnant, myeloma, starting on 2026-03-02: contraception (IUD and
// condom) from 2026-01-20, negative tests 12 days and 1 day before the first prescription (label-facts.md
// §7.1: 10-14 days and within 24 hours), counselling, authorization, prescription and
// confirmation for a dispense on the start date.
json FemaleOfReproductivePotential() {
  return {
      {"indication", "mm"},
      {"start_date", kStart},
      {"starting_dose_mg", 25},
      {"setting", "newly-diagnosed"},
      {"patient",
       {{"sex", "female"},
        {"birth_date", "1986-01-15"},
        {"crcl", "95 mL/min"},
        {"rems_category", "adult-female-can-become-pregnant"},
        {"menses", "regular"},
        {"findings", {{"prior_severe_hypersensitivity", false}}}}},
      {"events", json::array({
                     {{"date", "2026-01-20"}, {"type", "contraception"}, {"methods", {"iud", "male-condom"}}},
                     NegativeTest("2026-02-18"),
                     {{"date", "2026-02-18"}, {"type", "counseling"}, {"by", "prescriber"}},
                     NegativeTest("2026-03-01"),
                     {{"date", "2026-03-01"}, {"type", "authorization"}, {"number", "A-200"}},
                     {{"date", kStart},
                      {"type", "prescription"},
                      {"days_supply", 28},
                      {"refills", 0},
                      {"authorization_number", "A-200"},
                      {"risk_category", "adult-female-can-become-pregnant"}},
                     {{"date", kStart}, {"type", "confirmation"}, {"number", "C-200"}},
                 })},
  };
}

// The same woman four weeks on (2026-03-30): weekly tests during the first 4 weeks, the first
// fill of 28 days dispensed on the start date, and the second prescription with a test, an
// authorization and a confirmation on 2026-03-30.
json FemaleFourWeeksOn() {
  json c = FemaleOfReproductivePotential();
  json& ev = c["events"];
  ev.push_back({{"date", kStart}, {"type", "dispense"}, {"days_supply", 28}});
  for (const char* d : {"2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"}) ev.push_back(NegativeTest(d));
  ev.push_back({{"date", "2026-03-30"}, {"type", "authorization"}, {"number", "A-201"}});
  ev.push_back({{"date", "2026-03-30"},
                {"type", "prescription"},
                {"days_supply", 28},
                {"refills", 0},
                {"authorization_number", "A-201"},
                {"risk_category", "adult-female-can-become-pregnant"}});
  ev.push_back({{"date", "2026-03-30"}, {"type", "confirmation"}, {"number", "C-201"}});
  return c;
}

// Every yes/no finding of the clot-prevention models, absent unless listed.
json VteFactsJson(const std::vector<std::string>& present, const std::string& bmi, const std::string& prophylaxis) {
  json v = {{"bmi", bmi}, {"prophylaxis", prophylaxis}};
  for (const char* f :
       {"prior_vte", "central_venous_catheter_or_pacemaker", "tunnelled_line_or_central_venous_catheter",
        "pelvic_hip_femur_fracture", "esa", "doxorubicin", "multi_agent_chemotherapy", "asian_or_pacific_islander",
        "surgery", "cardiac_disease", "chronic_renal_disease", "diabetes", "acute_infection", "immobilisation",
        "thrombophilia", "active_myeloma", "hyperviscosity"}) {
    v[f] = std::find(present.begin(), present.end(), f) != present.end();
  }
  return v;
}

// ------------------------------------------------------------------------------------------------
// vte
// ------------------------------------------------------------------------------------------------

TEST(SafetyCliVte, ScoresBothModelsWithTheJsonFields) {
  // IMWG (standards.md §4.1): obesity (BMI 31), previous VTE and surgery = 3 individual factors,
  // 160 mg dex is not high-dose: LMWH or warfarin. IMPEDE (§4.3): IMiD 4 + BMI 1 + dex <=160 2 +
  // VTE 5 + aspirin -3 = 9: high.
  const CommandResult r = RunLenacare(
      R"(vte --bmi "31 kg/m2" --dexamethasone "160 mg" --prophylaxis aspirin --present prior_vte,surgery --json)");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  const json& imwg = j.at("imwg_2008");
  EXPECT_EQ(imwg.at("model"), "IMWG 2008");
  EXPECT_EQ(imwg.at("status"), "assessed");
  EXPECT_TRUE(imwg.at("missing").empty());
  EXPECT_EQ(imwg.at("counts").at("individual"), 3);
  EXPECT_EQ(imwg.at("counts").at("myeloma"), 0);
  EXPECT_EQ(imwg.at("counts").at("therapy"), 0);
  EXPECT_EQ(imwg.at("factors").size(), 3u);
  for (const json& f : imwg.at("factors")) EXPECT_EQ(f.at("group"), "individual");
  const std::string imwg_advice = imwg.at("prophylaxis").get<std::string>();
  EXPECT_TRUE(Mentions(imwg_advice, "LMWH")) << imwg_advice;
  EXPECT_TRUE(Mentions(imwg_advice, "warfarin")) << imwg_advice;
  EXPECT_TRUE(imwg.contains("citation"));
  EXPECT_TRUE(imwg.contains("source"));

  const json& impede = j.at("impede_vte");
  EXPECT_EQ(impede.at("model"), "IMPEDE VTE");
  EXPECT_EQ(impede.at("status"), "scored");
  EXPECT_EQ(impede.at("score"), 9);
  EXPECT_EQ(impede.at("band"), "high");
  EXPECT_TRUE(Mentions(impede.at("six_month_incidence").get<std::string>(), "15.2"));
  EXPECT_EQ(impede.at("items").size(), 5u);
  int sum = 0;
  for (const json& i : impede.at("items")) sum += i.at("points").get<int>();
  EXPECT_EQ(sum, 9);
  EXPECT_EQ(impede.at("verified"), true);
  EXPECT_FALSE(impede.contains("unverified"));
  EXPECT_EQ(impede.at("anticoagulant_suggested"), true);

  EXPECT_TRUE(Mentions(j.at("label").at("text").get<std::string>(), "thromboprophylaxis is recommended"));
  EXPECT_FALSE(j.at("label").at("source").get<std::string>().empty());
  ASSERT_FALSE(j.at("notes").empty());
}

TEST(SafetyCliVte, TheImidItemIsAlwaysCounted) {
  // Nothing else present: IMPEDE = 4 (the IMiD item), intermediate; IMWG: no factor, aspirin.
  const CommandResult r = RunLenacare(R"(vte --bmi "22 kg/m2" --dexamethasone "0 mg" --prophylaxis none --json)");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("impede_vte").at("score"), 4);
  EXPECT_EQ(j.at("impede_vte").at("band"), "intermediate");
  ASSERT_EQ(j.at("impede_vte").at("items").size(), 1u);
  EXPECT_EQ(j.at("impede_vte").at("items")[0].at("points"), 4);
  EXPECT_TRUE(Mentions(j.at("imwg_2008").at("prophylaxis").get<std::string>(), "aspirin"));
}

TEST(SafetyCliVte, PlainNumbersTakeTheOptionsUnitsAndTherapeuticAnticoagulationIsUnverified) {
  // IMPEDE: IMiD 4 + dex >160 4 + warfarin -4 ([!]) = 4; IMWG: dex 480 is a therapy factor.
  const CommandResult r = RunLenacare("vte --bmi 24 --dexamethasone 480 --prophylaxis warfarin --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("impede_vte").at("score"), 4);
  EXPECT_EQ(j.at("impede_vte").at("band"), "intermediate");
  EXPECT_EQ(j.at("impede_vte").at("verified"), false);
  EXPECT_EQ(j.at("impede_vte").at("unverified"), "unverified: confirm against the current label");
  EXPECT_EQ(j.at("imwg_2008").at("counts").at("therapy"), 1);
  EXPECT_TRUE(Mentions(j.at("imwg_2008").at("prophylaxis").get<std::string>(), "LMWH"));
}

TEST(SafetyCliVte, ANegativeScoreIsShownInTheLowBand) {
  // IMiD 4 + Asian/Pacific Islander -3 + prophylactic LMWH -3 = -2.
  const CommandResult r = RunLenacare(
      "vte --bmi 21 --dexamethasone 0 --prophylaxis prophylactic-lmwh --present asian_or_pacific_islander --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("impede_vte").at("score"), -2);
  EXPECT_EQ(j.at("impede_vte").at("band"), "low");
}

TEST(SafetyCliVte, ACentralVenousCatheterCountsInBothModels) {
  // A tunnelled line or central venous catheter is IMPEDE's T item (+2, standards.md §4.3) and,
  // being a central venous catheter, an IMWG individual factor (§4.1): aspirin with one factor.
  const CommandResult r = RunLenacare(
      "vte --bmi 22 --dexamethasone 0 --prophylaxis none --present tunnelled_line_or_central_venous_catheter --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("impede_vte").at("score"), 6);  // IMiD 4 + line 2
  EXPECT_EQ(j.at("imwg_2008").at("counts").at("individual"), 1) << j.at("imwg_2008").dump(2);
}

TEST(SafetyCliVte, TextOutputNamesBothModelsTheScoreAndTheDisclaimer) {
  const CommandResult r =
      RunLenacare(R"(vte --bmi "31 kg/m2" --dexamethasone "160 mg" --prophylaxis aspirin --present prior_vte,surgery)");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("IMWG 2008"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("IMPEDE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("score 9"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("high"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("never replaces"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(SafetyCliVte, AMissingBmiGivesNoImpedeBandButCannotChangeTheImwgAnswer) {
  const CommandResult r = RunLenacare(R"(vte --dexamethasone "160 mg" --prophylaxis none --json)");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  // IMWG 2008 (standards.md §4.1): no factor is present; obesity alone would be one factor, still
  // aspirin. The answer says that it was decided with the BMI unknown.
  EXPECT_EQ(j.at("imwg_2008").at("status"), "assessed");
  EXPECT_TRUE(ListHas(j.at("imwg_2008").at("missing"), "bmi"));
  EXPECT_EQ(j.at("imwg_2008").at("decided_from_known"), true);
  EXPECT_EQ(j.at("imwg_2008").at("rule"), "imwg-none-or-one");
  EXPECT_EQ(j.at("impede_vte").at("status"), "insufficient-data");
  EXPECT_TRUE(ListHas(j.at("impede_vte").at("missing"), "bmi"));
  EXPECT_FALSE(j.at("impede_vte").contains("band"));
  EXPECT_FALSE(j.at("impede_vte").contains("score"));
}

TEST(SafetyCliVte, AMissingBmiInTextSaysInsufficientData) {
  const CommandResult r = RunLenacare(R"(vte --dexamethasone "160 mg" --prophylaxis none)");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.out.find("insufficient data"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bmi"), std::string::npos) << r.out;
}

TEST(SafetyCliVte, AMissingProphylaxisOrAFindingListedAsUnknownCannotBeAssessed) {
  CommandResult r = RunLenacare(R"(vte --bmi 31 --dexamethasone 160 --json)");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_TRUE(ListHas(ParseOut(r).at("impede_vte").at("missing"), "prophylaxis"));
  r = RunLenacare(R"(vte --bmi 31 --dexamethasone 160 --prophylaxis none --unknown prior_vte --json)");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_TRUE(ListHas(j.at("impede_vte").at("missing"), "prior_vte"));
  EXPECT_TRUE(ListHas(j.at("imwg_2008").at("missing"), "prior_vte"));
}

// ------------------------------------------------------------------------------------------------
// interactions
// ------------------------------------------------------------------------------------------------

TEST(SafetyCliInteractions, AnswersEachDrugWithTheJsonFields) {
  const CommandResult r = RunLenacare("interactions digoxin Keytruda 11289 ketoconazole fluvoxamine --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  const json& a = j.at("interactions");
  ASSERT_EQ(a.size(), 5u);
  for (const json& x : a) {
    for (const char* key : {"query", "id", "matched_by", "severity", "source", "verified"}) {
      EXPECT_TRUE(x.contains(key)) << key << " missing in " << x.dump();
    }
  }
  EXPECT_EQ(a[0].at("query"), "digoxin");
  EXPECT_EQ(a[0].at("severity"), "monitor");
  EXPECT_EQ(a[0].at("matched_by"), "name");
  EXPECT_TRUE(Mentions(a[0].at("effect").get<std::string>(), "14%"));
  EXPECT_TRUE(Mentions(a[0].at("action").get<std::string>(), "level"));
  EXPECT_EQ(a[0].at("verified"), true);

  EXPECT_EQ(a[1].at("query"), "Keytruda");
  EXPECT_EQ(a[1].at("severity"), "avoid");
  EXPECT_EQ(a[1].at("matched_by"), "brand");

  EXPECT_EQ(a[2].at("severity"), "monitor");
  EXPECT_EQ(a[2].at("matched_by"), "rxnorm");
  EXPECT_TRUE(Mentions(a[2].at("action").get<std::string>(), "PT/INR"));

  EXPECT_EQ(a[3].at("severity"), "none-expected");
  EXPECT_TRUE(Mentions(a[3].at("answer").get<std::string>(), "CYP450"));

  EXPECT_EQ(a[4].at("severity"), "none-expected");
  EXPECT_TRUE(Mentions(a[4].at("answer").get<std::string>(), "pomalidomide"));
}

TEST(SafetyCliInteractions, ASecondarySourceInteractionIsMarkedUnverified) {
  const CommandResult r = RunLenacare("interactions melphalan --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json x = ParseOut(r).at("interactions").at(0);
  EXPECT_EQ(x.at("verified"), false);
  EXPECT_EQ(x.at("unverified"), "unverified: confirm against the current label");
  const CommandResult text = RunLenacare("interactions melphalan");
  ASSERT_EQ(text.exit_code, 0) << Describe(text);
  EXPECT_NE(text.out.find("unverified: confirm against the current label"), std::string::npos) << text.out;
}

TEST(SafetyCliInteractions, TextForACyp1a2InhibitorSaysTheRuleIsPomalidomides) {
  const CommandResult r = RunLenacare("interactions ciprofloxacin");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(Mentions(r.out, "no interaction expected")) << r.out;
  EXPECT_TRUE(Mentions(r.out, "pomalidomide")) << r.out;
  EXPECT_NE(r.out.find("never replaces"), std::string::npos) << r.out;
}

TEST(SafetyCliInteractions, TextForAnEstrogenSaysCaution) {
  const CommandResult r = RunLenacare("interactions 4124");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(Mentions(r.out, "caution")) << r.out;
  EXPECT_TRUE(Mentions(r.out, "thrombosis")) << r.out;
}

// ------------------------------------------------------------------------------------------------
// rems
// ------------------------------------------------------------------------------------------------

TEST(SafetyCliRems, AnAdultManWithEverythingRecordedMayBeDispensed) {
  const CommandResult r = RunCourse("rems", MaleMyeloma(), kStart);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("as_of"), kStart);
  EXPECT_EQ(j.at("category"), "adult-male");
  EXPECT_EQ(j.at("can_become_pregnant"), false);
  EXPECT_EQ(j.at("may_dispense"), "yes") << j.dump(2);
  EXPECT_TRUE(j.at("reasons").empty());
  EXPECT_TRUE(j.contains("verified"));
  // label-facts.md §7.2, §7.3: condom, no sperm donation, no blood donation.
  for (const char* id : {"male-condom", "male-no-sperm-donation", "no-blood-donation"}) {
    EXPECT_FALSE(Item(j, id).is_null()) << id;
  }
  EXPECT_TRUE(Item(j, "frp-contraception-before-start").is_null());
  for (const json& i : j.at("items")) ExpectItemFields(i);
}

TEST(SafetyCliRems, AWomanWhoCanBecomePregnantWithBothTestsAndContraceptionMayBeDispensed) {
  const CommandResult r = RunCourse("rems", FemaleOfReproductivePotential(), kStart);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("category"), "adult-female-can-become-pregnant");
  EXPECT_EQ(j.at("can_become_pregnant"), true);
  EXPECT_EQ(j.at("may_dispense"), "yes") << j.dump(2);
  for (const char* id :
       {"first-test-10-to-14-days-before", "second-test-within-24-hours-before", "frp-contraception-before-start"}) {
    const json i = Item(j, id);
    ASSERT_FALSE(i.is_null()) << id;
    EXPECT_EQ(i.at("status"), "met") << i.dump();
  }
}

TEST(SafetyCliRems, TextOutputSaysWhetherItMayBeDispensedToday) {
  const CommandResult r = RunCourse("rems", MaleMyeloma(), kStart, /*as_json=*/false);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("may be dispensed today: yes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("never replaces"), std::string::npos) << r.out;
}

TEST(SafetyCliRems, AfterFourWeeksWithRegularMensesTheNextTestIsDueInFourWeeks) {
  // label-facts.md §7.1: weekly for the first 4 weeks, then every 4 weeks if cycles are regular.
  const CommandResult r = RunCourse("rems", FemaleFourWeeksOn(), "2026-03-30");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("may_dispense"), "yes") << j.dump(2);
  const json i = Item(j, "pregnancy-tests-during-therapy");
  ASSERT_FALSE(i.is_null());
  EXPECT_EQ(i.at("due"), "2026-04-27");
}

TEST(SafetyCliRems, AfterFourWeeksWithIrregularMensesTheNextTestIsDueInTwoWeeks) {
  // label-facts.md §7.1: every 2 weeks if cycles are irregular.
  json c = FemaleFourWeeksOn();
  c["patient"]["menses"] = "irregular";
  const CommandResult r = RunCourse("rems", c, "2026-03-30");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json i = Item(ParseOut(r), "pregnancy-tests-during-therapy");
  ASSERT_FALSE(i.is_null());
  EXPECT_EQ(i.at("due"), "2026-04-13");
}

TEST(SafetyCliRems, AnUnknownMensesPatternAfterFourWeeksCannotBeAssessed) {
  json c = FemaleFourWeeksOn();
  c["patient"].erase("menses");
  const CommandResult r = RunCourse("rems", c, "2026-03-30");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.at("may_dispense"), "cannot-assess");
  const json i = Item(j, "pregnancy-tests-during-therapy");
  ASSERT_FALSE(i.is_null());
  EXPECT_EQ(i.at("status"), "unknown");
  EXPECT_TRUE(Mentions(i.at("detail").get<std::string>(), "menses")) << i.dump();
}

TEST(SafetyCliRems, AnUnknownMensesPatternWithinTheFirstFourWeeksIsNotNeeded) {
  // Weekly testing during the first 4 weeks does not depend on the menstrual pattern.
  json c = FemaleOfReproductivePotential();
  c["patient"].erase("menses");
  const CommandResult r = RunCourse("rems", c, kStart);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(ParseOut(r).at("may_dispense"), "yes");
}

// ------------------------------------------------------------------------------------------------
// check: all checks for one course
// ------------------------------------------------------------------------------------------------

TEST(SafetyCliCheck, GivesEvaluateRemsReadinessVteAndInteractions) {
  json c = MaleMyeloma();
  c["patient"]["vte"] = VteFactsJson({"active_myeloma"}, "27 kg/m2", "aspirin");
  c["patient"]["medications"] = {"warfarin", "Keytruda", "ketoconazole"};
  const CommandResult r = RunCourse("check", c, kStart);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  for (const char* key : {"evaluate", "rems", "readiness", "vte", "interactions"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_TRUE(j.at("evaluate").is_object());
  EXPECT_EQ(j.at("rems").at("may_dispense"), "yes");
  const json& ready = j.at("readiness");
  EXPECT_TRUE(ready.contains("may_start"));
  EXPECT_TRUE(ready.contains("reasons"));
  for (const json& i : ready.at("items")) ExpectItemFields(i);

  // Newly diagnosed Rd: dexamethasone 40 mg on days 1, 8, 15, 22 = 160 mg per 28 days
  // (label-facts.md §2): IMPEDE low-dose item. IMiD 4 + BMI 1 + dex 2 + aspirin -3 = 4.
  const json& vte = j.at("vte");
  EXPECT_EQ(vte.at("impede_vte").at("score"), 4) << vte.dump(2);
  EXPECT_EQ(vte.at("impede_vte").at("band"), "intermediate");
  // IMWG: one myeloma factor, no therapy factor: aspirin.
  EXPECT_EQ(vte.at("imwg_2008").at("counts").at("myeloma"), 1);
  EXPECT_EQ(vte.at("imwg_2008").at("counts").at("therapy"), 0);
  EXPECT_TRUE(Mentions(vte.at("imwg_2008").at("prophylaxis").get<std::string>(), "aspirin"));
  bool dex_note = false;
  for (const json& n : vte.at("notes")) dex_note |= Mentions(n.dump(), "160 mg");
  EXPECT_TRUE(dex_note) << vte.at("notes").dump(2);

  const json& inter = j.at("interactions");
  ASSERT_EQ(inter.size(), 3u);
  EXPECT_EQ(inter[0].at("id"), "warfarin");
  EXPECT_EQ(inter[1].at("severity"), "avoid");
  EXPECT_EQ(inter[2].at("severity"), "none-expected");
}

TEST(SafetyCliCheck, PreviouslyTreatedMyelomaDexamethasoneIsHighDoseForBothModels) {
  // Previously treated MM: dexamethasone 40 mg on days 1-4, 9-12, 17-20 in cycles 1-4 = 480 mg per
  // 28 days (label-facts.md §2): an IMWG therapy factor (>= 480 mg/month) and IMPEDE > 160 mg.
  json c = MaleMyeloma();
  c["setting"] = "previously-treated";
  c["patient"]["vte"] = VteFactsJson({"active_myeloma"}, "27 kg/m2", "aspirin");
  const CommandResult r = RunCourse("check", c, kStart);
  ASSERT_LE(r.exit_code, 1) << Describe(r);
  const json vte = ParseOut(r).at("vte");
  EXPECT_EQ(vte.at("imwg_2008").at("counts").at("therapy"), 1) << vte.dump(2);
  EXPECT_TRUE(Mentions(vte.at("imwg_2008").at("prophylaxis").get<std::string>(), "LMWH"));
  EXPECT_EQ(vte.at("impede_vte").at("score"), 6);  // 4 + 1 + 4 - 3
}

TEST(SafetyCliCheck, WithoutVteFactsTheLabelsRecommendationIsStillGiven) {
  const CommandResult r = RunCourse("check", MaleMyeloma(), kStart);
  ASSERT_LE(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_TRUE(j.at("vte").is_null());
  EXPECT_TRUE(j.at("interactions").empty());
  const json i = Item(j.at("readiness"), "thromboprophylaxis");
  ASSERT_FALSE(i.is_null());
  EXPECT_TRUE(Mentions(i.at("detail").get<std::string>(), "thromboprophylaxis is recommended")) << i.dump();
}

TEST(SafetyCliCheck, BeforeTheStartDateThereIsNoEvaluationButTheOtherChecksRun) {
  // The course as recorded the day before: the confirmation of the start date is not there yet.
  json c = MaleMyeloma();
  json events = json::array();
  for (const json& e : c["events"]) {
    if (e.at("date").get<std::string>() <= "2026-03-01") events.push_back(e);
  }
  c["events"] = events;
  const CommandResult r = RunCourse("check", c, "2026-03-01");
  ASSERT_LE(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_TRUE(j.at("evaluate").is_null());
  EXPECT_TRUE(j.at("rems").is_object());
  EXPECT_TRUE(j.at("readiness").is_object());
}

// ------------------------------------------------------------------------------------------------
// Readiness to start (through check)
// ------------------------------------------------------------------------------------------------

json ReadinessOf(const json& course, const std::string& as_of = kStart) {
  const CommandResult r = RunCourse("check", course, as_of);
  EXPECT_LE(r.exit_code, 1) << Describe(r);
  return ParseOut(r).at("readiness");
}

TEST(SafetyCliReadiness, AManWithNoContraindicationMayStart) {
  const json ready = ReadinessOf(MaleMyeloma());
  EXPECT_EQ(ready.at("may_start"), "yes") << ready.dump(2);
  const json p = Item(ready, "pregnancy");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p.at("status"), "met");
}

TEST(SafetyCliReadiness, AWomanWhoCanBecomePregnantWithTwoNegativeTestsMayStart) {
  const json ready = ReadinessOf(FemaleOfReproductivePotential());
  const json p = Item(ready, "pregnancy");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p.at("status"), "met") << p.dump();
  EXPECT_EQ(ready.at("may_start"), "yes") << ready.dump(2);
}

TEST(SafetyCliReadiness, PregnancyIsAContraindication) {
  // label-facts.md §6: USPI 4.1 pregnancy.
  json c = FemaleOfReproductivePotential();
  c["patient"]["findings"]["pregnant"] = true;
  const json ready = ReadinessOf(c);
  const json p = Item(ready, "pregnancy");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p.at("status"), "blocking");
  EXPECT_EQ(p.at("blocks_dispensing"), true);
  EXPECT_EQ(ready.at("may_start"), "no");
  EXPECT_FALSE(ready.at("reasons").empty());
}

TEST(SafetyCliReadiness, APositivePregnancyTestBlocksTheStart) {
  json c = FemaleOfReproductivePotential();
  c["events"].push_back({{"date", kStart}, {"type", "pregnancy-test"}, {"result", "positive"}});
  const json ready = ReadinessOf(c);
  const json p = Item(ready, "pregnancy");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p.at("status"), "blocking");
  EXPECT_EQ(ready.at("may_start"), "no");
}

TEST(SafetyCliReadiness, PregnancyNotYetExcludedMeansTheStartCannotBeYes) {
  // label-facts.md §7.1: exclude pregnancy (two negative tests) before treatment.
  json c = FemaleOfReproductivePotential();
  json events = json::array();
  for (const json& e : c["events"]) {
    if (e.at("type") != "pregnancy-test") events.push_back(e);
  }
  c["events"] = events;
  const json ready = ReadinessOf(c);
  const json p = Item(ready, "pregnancy");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p.at("status"), "unknown");
  EXPECT_NE(ready.at("may_start").get<std::string>(), "yes");
}

TEST(SafetyCliReadiness, PregnancyIsNotExcludedByTheSecondPretreatmentTestAlone) {
  // label-facts.md §6 W&P 5.1 (exclude pregnancy before treatment, test as in §7) and §7.1 [V2]:
  // two negative tests, 10-14 days and within 24 hours before prescribing. With only the second,
  // pregnancy is not excluded the way the label asks.
  json c = FemaleOfReproductivePotential();
  json events = json::array();
  for (const json& e : c["events"]) {
    if (!(e.at("type") == "pregnancy-test" && e.at("date") == "2026-02-18")) events.push_back(e);
  }
  c["events"] = events;
  const json ready = ReadinessOf(c);
  const json p = Item(ready, "pregnancy");
  ASSERT_FALSE(p.is_null());
  EXPECT_NE(p.at("status").get<std::string>(), "met") << p.dump();
  EXPECT_NE(ready.at("may_start").get<std::string>(), "yes") << ready.dump(2);
}

TEST(SafetyCliReadiness, ARecordedNotPregnantDoesNotReplaceThePretreatmentTests) {
  // label-facts.md §7.1 [V2]: a woman who can become pregnant needs the two negative tests before
  // the first prescription; a finding "not pregnant" without them does not exclude pregnancy.
  json c = FemaleOfReproductivePotential();
  json events = json::array();
  for (const json& e : c["events"]) {
    if (e.at("type") != "pregnancy-test") events.push_back(e);
  }
  c["events"] = events;
  c["patient"]["findings"]["pregnant"] = false;
  const json ready = ReadinessOf(c);
  EXPECT_NE(ready.at("may_start").get<std::string>(), "yes") << ready.dump(2);
}

TEST(SafetyCliReadiness, PriorSevereHypersensitivityIsAContraindication) {
  // label-facts.md §6: USPI 4.2 demonstrated severe hypersensitivity to lenalidomide.
  json c = MaleMyeloma();
  c["patient"]["findings"]["prior_severe_hypersensitivity"] = true;
  const json ready = ReadinessOf(c);
  const json i = Item(ready, "prior-severe-hypersensitivity");
  ASSERT_FALSE(i.is_null());
  EXPECT_EQ(i.at("status"), "blocking");
  EXPECT_EQ(ready.at("may_start"), "no");
}

TEST(SafetyCliReadiness, AnUnrecordedContraindicationMeansTheStartCannotBeAssessed) {
  json c = MaleMyeloma();
  c["patient"].erase("findings");
  const json ready = ReadinessOf(c);
  const json i = Item(ready, "prior-severe-hypersensitivity");
  ASSERT_FALSE(i.is_null());
  EXPECT_EQ(i.at("status"), "unknown");
  EXPECT_TRUE(Mentions(i.at("detail").get<std::string>(), "not recorded")) << i.dump();
  EXPECT_EQ(ready.at("may_start"), "cannot-assess");
}

TEST(SafetyCliReadiness, CllIsFlaggedAsNotRecommendedOutsideControlledTrials) {
  // label-facts.md §2 limitation of use, §6 W&P 5.5.
  json c = MaleMyeloma();
  c["patient"]["findings"]["cll"] = true;
  const json i = Item(ReadinessOf(c), "cll-outside-trials");
  ASSERT_FALSE(i.is_null());
  const std::string all = i.at("text").get<std::string>() + " " + i.at("detail").get<std::string>();
  EXPECT_TRUE(Mentions(all, "trial")) << i.dump();
  EXPECT_TRUE(Mentions(all, "CLL") || Mentions(all, "chronic lymphocytic")) << i.dump();
}

json Lymphoma(const std::string& indication, int dose_mg) {
  json c = MaleMyeloma();
  c["indication"] = indication;
  c["starting_dose_mg"] = dose_mg;
  c.erase("setting");
  return c;
}

TEST(SafetyCliReadiness, TumorFlareIsFlaggedForMclFlAndMzlButNotMyeloma) {
  // label-facts.md §6 W&P 5.11: tumor flare in MCL and FL/MZL.
  const std::vector<std::pair<std::string, int>> lymphomas = {{"mcl", 25}, {"fl", 20}, {"mzl", 20}};
  for (const auto& [indication, dose] : lymphomas) {
    SCOPED_TRACE(indication);
    const json i = Item(ReadinessOf(Lymphoma(indication, dose)), "tumor-flare-lymphoma");
    ASSERT_FALSE(i.is_null());
    EXPECT_TRUE(Mentions(i.at("text").get<std::string>(), "flare"));
  }
  EXPECT_TRUE(Item(ReadinessOf(MaleMyeloma()), "tumor-flare-lymphoma").is_null());
}

TEST(SafetyCliReadiness, TumorLysisIsFlaggedWithAHighTumorBurden) {
  // label-facts.md §6 W&P 5.10; §5: close monitoring with a high tumor burden.
  json c = Lymphoma("mcl", 25);
  c["patient"]["findings"]["high_tumor_burden"] = true;
  const json ready = ReadinessOf(c);
  const json i = Item(ready, "tumor-lysis-high-burden");
  ASSERT_FALSE(i.is_null());
  EXPECT_EQ(i.at("status"), "info");
  EXPECT_TRUE(Mentions(i.at("detail").get<std::string>(), "monitor")) << i.dump();
  // W&P 5.14: early mortality in MCL with high tumor burden.
  EXPECT_FALSE(Item(ready, "mcl-early-mortality").is_null());
}

TEST(SafetyCliReadiness, StemCellCollectionWithinFourCyclesIsFlaggedForMyelomaTransplantCandidates) {
  // label-facts.md §2 and §6 W&P 5.12: mobilize within 4 cycles.
  json c = MaleMyeloma();
  c["patient"]["findings"]["transplant_candidate"] = true;
  const json i = Item(ReadinessOf(c), "stem-cell-collection");
  ASSERT_FALSE(i.is_null());
  EXPECT_TRUE(Mentions(i.at("detail").get<std::string>(), "4 cycles")) << i.dump();
}

TEST(SafetyCliReadiness, HepatotoxicityIsFlaggedWithElevatedLiverEnzymes) {
  // label-facts.md §6 W&P 5.8: check liver function; stop if hepatotoxicity is suspected.
  json c = MaleMyeloma();
  c["patient"]["findings"]["hepatic_enzymes_elevated"] = true;
  const json i = Item(ReadinessOf(c), "hepatotoxicity");
  ASSERT_FALSE(i.is_null());
  EXPECT_TRUE(Mentions(i.at("detail").get<std::string>(), "liver function")) << i.dump();
}

TEST(SafetyCliReadiness, ThromboprophylaxisIsAlwaysRecommended) {
  // label-facts.md §6 W&P 5.4: thromboprophylaxis is recommended.
  for (const json& c : {MaleMyeloma(), Lymphoma("fl", 20)}) {
    const json i = Item(ReadinessOf(c), "thromboprophylaxis");
    ASSERT_FALSE(i.is_null());
    EXPECT_EQ(i.at("status"), "info");
    EXPECT_TRUE(Mentions(i.at("detail").get<std::string>(), "thromboprophylaxis is recommended")) << i.dump();
  }
}

// ------------------------------------------------------------------------------------------------
// Bad input: exit 2, one line on standard error naming the field
// ------------------------------------------------------------------------------------------------

void ExpectBadInput(const CommandResult& r, const std::string& field) {
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line:\n" << r.err;
  EXPECT_EQ(r.err.rfind("lenacare: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(field), std::string::npos) << "the error does not name " << field << ":\n" << r.err;
}

struct BadCommand {
  std::string args;
  std::string field;
};

TEST(SafetyCliBadInput, BadOptionsOfVteAndInteractionsNameTheOption) {
  const std::vector<BadCommand> cases = {
      {"interactions notadrug", "drug"},
      {"interactions digoxin notadrug", "drugs[1]"},
      {R"(vte --bmi 31 --dexamethasone 160 --prophylaxis none --present smoker)", "--present"},
      {R"(vte --bmi "-3 kg/m2" --dexamethasone 160 --prophylaxis none)", "--bmi"},
      {R"(vte --bmi 31 --dexamethasone "-40 mg" --prophylaxis none)", "--dexamethasone"},
      {R"(vte --bmi 31 --dexamethasone 160 --prophylaxis heparin)", "--prophylaxis"},
  };
  for (const BadCommand& c : cases) {
    SCOPED_TRACE(c.args);
    ExpectBadInput(RunLenacare(c.args), c.field);
    // With --json the error is also on standard output, with its field.
    const CommandResult r = RunLenacare(c.args + " --json");
    ExpectBadInput(r, c.field);
    const json j = ParseOut(r);
    ASSERT_TRUE(j.contains("error")) << r.out;
    EXPECT_EQ(j.at("error").at("kind"), "bad-input");
    EXPECT_NE(j.at("error").at("field").get<std::string>().find(c.field), std::string::npos) << r.out;
  }
}

TEST(SafetyCliBadInput, AnUnknownDrugIsNotAnsweredAsNoInteraction) {
  const CommandResult r = RunLenacare("interactions notadrug");
  ExpectBadInput(r, "notadrug");
  EXPECT_FALSE(Mentions(r.out, "no interaction")) << r.out;
}

struct BadCourse {
  std::string name;
  json course;
  std::string field;
};

TEST(SafetyCliBadInput, BadCourseFactsAreRefusedByRemsAndCheckNamingTheField) {
  std::vector<BadCourse> cases;
  {
    json c = MaleMyeloma();
    c["events"] = json::array({{{"date", "2026-03-01"}, {"type", "dispense"}, {"days_supply", 28}},
                               {{"date", kStart},
                                {"type", "prescription"},
                                {"days_supply", 28},
                                {"refills", 0},
                                {"risk_category", "adult-male"}}});
    cases.push_back({"a dispense before any prescription", c, "events[0].date"});
  }
  {
    json c = FemaleOfReproductivePotential();
    c["patient"]["rems_category"] = "adult-male";
    cases.push_back({"adult-male for a female patient", c, "patient.rems_category"});
  }
  {
    json c = MaleMyeloma();
    c["patient"]["rems_category"] = "adult-person";
    cases.push_back({"an unknown category", c, "patient.rems_category"});
  }
  {
    json c = FemaleOfReproductivePotential();
    c["events"][0]["methods"] = {"iud", "rhythm-method"};
    cases.push_back({"an unknown contraceptive method", c, "events[0].methods"});
  }
  {
    json c = FemaleOfReproductivePotential();
    c["events"][1]["result"] = "inconclusive";
    cases.push_back({"a pregnancy test neither negative nor positive", c, "events[1].result"});
  }
  {
    json c = MaleMyeloma();
    c["patient"]["findings"]["smoker"] = true;
    cases.push_back({"an unknown finding", c, "patient.findings.smoker"});
  }
  {
    json c = MaleMyeloma();
    c["patient"]["vte"] = VteFactsJson({}, "-3 kg/m2", "none");
    cases.push_back({"a negative bmi in patient.vte", c, "patient.vte.bmi"});
  }
  {
    json c = MaleMyeloma();
    c["patient"]["vte"] = VteFactsJson({}, "27 kg/m2", "heparin");
    cases.push_back({"a bad prophylaxis in patient.vte", c, "patient.vte.prophylaxis"});
  }
  for (const BadCourse& c : cases) {
    for (const char* command : {"rems", "check"}) {
      SCOPED_TRACE(c.name + std::string(" (") + command + ")");
      ExpectBadInput(RunCourse(command, c.course, kStart, /*as_json=*/false), c.field);
    }
  }
}

TEST(SafetyCliBadInput, AnUnknownMedicationInACourseIsNamedWithoutStoppingTheOtherChecks) {
  // Issue 13: one unknown drug used to make the whole check bad input (no REMS answer at all).
  json c = MaleMyeloma();
  c["patient"]["medications"] = {"digoxin", "notadrug"};
  const CommandResult r = RunCourse("check", c, kStart, /*as_json=*/false);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(Mentions(r.out, "notadrug: not known")) << r.out;
  EXPECT_TRUE(Mentions(r.out, "may be dispensed today: yes")) << r.out;
  EXPECT_FALSE(Mentions(r.out, "notadrug: no interaction")) << r.out;
}

}  // namespace
}  // namespace lenacare
