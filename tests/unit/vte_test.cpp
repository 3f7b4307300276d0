// Clot-prevention risk models (standards.md §4): the IMWG 2008 risk-assessment model (§4.1) and the
// IMPEDE VTE score (§4.3). Every expected value comes from the standards file; the knowledge base
// (knowledge/common/vte.toml) and the engine (src/clinical/vte.h) are what is under test.
#include "clinical/vte.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

const VteKnowledge& V() { return testing::K().safety.vte; }

// A complete form with nothing that scores: every yes/no finding absent (the IMiD item too, so
// that each item can be seen alone), BMI 20 kg/m2, no dexamethasone, no prophylaxis.
VteFacts Baseline() {
  VteFacts f;
  for (auto name : VteYesNoFacts()) f.yes_no[std::string(name)] = false;
  f.numbers["bmi"] = 20;
  f.numbers["dexamethasone_per_month"] = 0;
  f.prophylaxis = "none";
  return f;
}

// The baseline with the IMiD item, as for every patient on lenalidomide.
VteFacts OnLenalidomide() {
  VteFacts f = Baseline();
  f.yes_no["imid"] = true;
  return f;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Has(const std::vector<std::string>& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

// A change to the baseline: a yes/no finding, a number or the prophylaxis.
struct Change {
  std::string fact;
  std::optional<bool> yes;
  std::optional<double> number;
  std::optional<std::string> prophylaxis;
};

void Apply(VteFacts& f, const Change& c) {
  if (c.yes) f.yes_no[c.fact] = *c.yes;
  if (c.number) f.numbers[c.fact] = *c.number;
  if (c.prophylaxis) f.prophylaxis = *c.prophylaxis;
}

Change Yes(const std::string& fact) { return {fact, true, std::nullopt, std::nullopt}; }
Change Number(const std::string& fact, double v) { return {fact, std::nullopt, v, std::nullopt}; }
Change Prophylaxis(const std::string& p) { return {"prophylaxis", std::nullopt, std::nullopt, p}; }

std::string Describe(const Change& c) {
  if (c.number) return c.fact + " = " + std::to_string(*c.number);
  if (c.prophylaxis) return "prophylaxis " + *c.prophylaxis;
  return c.fact;
}

// ------------------------------------------------------------------------------------------------
// IMPEDE VTE (standards.md §4.3)
// ------------------------------------------------------------------------------------------------

TEST(VteImpede, TheBaselineFormScoresZeroAndIsComplete) {
  const ImpedeResult r = ScoreImpede(V(), Baseline());
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.missing.empty());
  EXPECT_EQ(r.score, 0);
  EXPECT_TRUE(r.items.empty());
  ASSERT_NE(r.band, nullptr);
  EXPECT_EQ(r.band->band, "low");  // <= 3
}

struct ItemCase {
  Change change;
  int points;  // standards.md §4.3
};

TEST(VteImpede, EveryItemAloneScoresItsPointsFromTheStandard) {
  const std::vector<ItemCase> cases = {
      {Yes("imid"), 4},                                       // I: immunomodulatory drug
      {Number("bmi", 25), 1},                                 // M: BMI >= 25
      {Yes("pelvic_hip_femur_fracture"), 4},                  // P: pelvic, hip or femur fracture
      {Yes("esa"), 1},                                        // E: erythropoiesis-stimulating agent
      {Number("dexamethasone_per_month", 161), 4},            // D: dexamethasone > 160 mg per month
      {Number("dexamethasone_per_month", 160), 2},            // D: dexamethasone <= 160 mg per month
      {Number("dexamethasone_per_month", 40), 2},             // D: dexamethasone <= 160 mg per month
      {Yes("doxorubicin"), 3},                                // D: doxorubicin
      {Yes("asian_or_pacific_islander"), -3},                 // E: Asian / Pacific Islander
      {Yes("prior_vte"), 5},                                  // V: VTE history
      {Yes("tunnelled_line_or_central_venous_catheter"), 2},  // T: tunnelled line or CVC
      {Prophylaxis("therapeutic-lmwh"), -4},                  // E: therapeutic LMWH ([!] -4 vs -5)
      {Prophylaxis("warfarin"), -4},                          // E: warfarin ([!] -4 vs -5)
      {Prophylaxis("prophylactic-lmwh"), -3},                 // E: prophylactic LMWH
      {Prophylaxis("aspirin"), -3},                           // E: aspirin
  };
  for (const ItemCase& c : cases) {
    SCOPED_TRACE(Describe(c.change));
    VteFacts f = Baseline();
    Apply(f, c.change);
    const ImpedeResult r = ScoreImpede(V(), f);
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(r.score, c.points);
    EXPECT_EQ(r.items.size(), 1u) << "exactly one item scores";
  }
}

TEST(VteImpede, NoDexamethasoneScoresNoDexamethasoneItem) {
  // The D items are for a patient who takes dexamethasone; 0 mg per month is none.
  VteFacts f = Baseline();
  f.numbers["dexamethasone_per_month"] = 0;
  EXPECT_EQ(ScoreImpede(V(), f).score, 0);
}

TEST(VteImpede, HasExactlyTheTwelveItemsOfTheStandard) {
  // standards.md §4.3 lists 12 rows (dexamethasone high and low, two prophylaxis rows).
  EXPECT_EQ(V().impede_items.size(), 12u);
}

TEST(VteImpede, PointsAddUpAcrossItems) {
  VteFacts f = OnLenalidomide();               // +4
  f.yes_no["prior_vte"] = true;                // +5
  f.numbers["bmi"] = 31;                       // +1
  f.numbers["dexamethasone_per_month"] = 160;  // +2
  f.prophylaxis = "aspirin";                   // -3
  const ImpedeResult r = ScoreImpede(V(), f);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.score, 9);
  ASSERT_NE(r.band, nullptr);
  EXPECT_EQ(r.band->band, "high");
}

TEST(VteImpede, BmiOf24Point9ScoresNothingAnd25ScoresOnePoint) {
  VteFacts f = Baseline();
  f.numbers["bmi"] = 24.9;
  EXPECT_EQ(ScoreImpede(V(), f).score, 0);
  f.numbers["bmi"] = 25;
  EXPECT_EQ(ScoreImpede(V(), f).score, 1);
}

TEST(VteImpede, Dexamethasone160MgPerMonthIsLowDoseAnd161MgIsHighDose) {
  VteFacts f = Baseline();
  f.numbers["dexamethasone_per_month"] = 160;
  ImpedeResult r = ScoreImpede(V(), f);
  EXPECT_EQ(r.score, 2);
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_NE(Lower(r.items[0]->text).find("low"), std::string::npos) << r.items[0]->text;
  f.numbers["dexamethasone_per_month"] = 161;
  r = ScoreImpede(V(), f);
  EXPECT_EQ(r.score, 4);
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_NE(Lower(r.items[0]->text).find("high"), std::string::npos) << r.items[0]->text;
}

struct BandCase {
  std::vector<Change> changes;
  int score;
  const char* band;
};

TEST(VteImpede, BandEdgesAreThreeLowFourIntermediateSevenIntermediateEightHigh) {
  const std::vector<BandCase> cases = {
      {{Yes("doxorubicin")}, 3, "low"},                                                 // <= 3
      {{Yes("imid")}, 4, "intermediate"},                                               // 4-7
      {{Yes("imid"), Yes("doxorubicin")}, 7, "intermediate"},                           // 4-7
      {{Yes("imid"), Number("dexamethasone_per_month", 200)}, 8, "high"},               // >= 8
      {{Yes("imid"), Yes("prior_vte"), Yes("pelvic_hip_femur_fracture")}, 13, "high"},  // >= 8
  };
  for (const BandCase& c : cases) {
    VteFacts f = Baseline();
    for (const Change& x : c.changes) Apply(f, x);
    const ImpedeResult r = ScoreImpede(V(), f);
    SCOPED_TRACE("score " + std::to_string(c.score));
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(r.score, c.score);
    ASSERT_NE(r.band, nullptr);
    EXPECT_EQ(r.band->band, c.band);
  }
}

TEST(VteImpede, BandsCarryTheSixMonthIncidencesOfTheDerivation) {
  // standards.md §4.3: low ~3.3 %, intermediate ~8.3 %, high ~15.2 % (incidences [C1]).
  const std::vector<std::pair<int, std::string>> cases = {{0, "3.3"}, {4, "8.3"}, {8, "15.2"}};
  for (const auto& [score, incidence] : cases) {
    VteFacts f = Baseline();
    if (score >= 4) f.yes_no["imid"] = true;
    if (score >= 8) f.numbers["dexamethasone_per_month"] = 161;
    const ImpedeResult r = ScoreImpede(V(), f);
    ASSERT_EQ(r.score, score);
    ASSERT_NE(r.band, nullptr);
    EXPECT_NE(r.band->six_month_incidence.find(incidence), std::string::npos) << r.band->six_month_incidence;
  }
}

TEST(VteImpede, ScoresCanBeNegative) {
  // standards.md §4.3: "The score can be negative".
  VteFacts f = Baseline();
  f.yes_no["asian_or_pacific_islander"] = true;  // -3
  f.prophylaxis = "prophylactic-lmwh";           // -3
  ImpedeResult r = ScoreImpede(V(), f);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.score, -6);
  ASSERT_NE(r.band, nullptr);
  EXPECT_EQ(r.band->band, "low");

  f = OnLenalidomide();                          // +4
  f.yes_no["asian_or_pacific_islander"] = true;  // -3
  f.prophylaxis = "warfarin";                    // -4
  r = ScoreImpede(V(), f);
  EXPECT_EQ(r.score, -3);
  ASSERT_NE(r.band, nullptr);
  EXPECT_EQ(r.band->band, "low");
}

TEST(VteImpede, TherapeuticAnticoagulationItemIsUnverifiedAndMakesTheScoreUnverified) {
  // standards.md §4.3: therapeutic LMWH or warfarin -4 is [!] (two sources -4, one review -5).
  for (const char* p : {"therapeutic-lmwh", "warfarin"}) {
    SCOPED_TRACE(p);
    VteFacts f = OnLenalidomide();
    f.prophylaxis = p;
    const ImpedeResult r = ScoreImpede(V(), f);
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(r.score, 0);
    EXPECT_FALSE(r.verified());
    const auto it = std::find_if(r.items.begin(), r.items.end(), [](const ImpedeItem* i) { return i->points == -4; });
    ASSERT_NE(it, r.items.end());
    EXPECT_FALSE((*it)->cite.verified);
    EXPECT_EQ((*it)->cite.tag, "!");
  }
}

TEST(VteImpede, ScoresWithoutTheTherapeuticAnticoagulationItemAreVerified) {
  // Every other item and the bands are [C2].
  for (const char* p : {"none", "aspirin", "prophylactic-lmwh"}) {
    SCOPED_TRACE(p);
    VteFacts f = OnLenalidomide();
    f.yes_no["prior_vte"] = true;
    f.yes_no["esa"] = true;
    f.yes_no["doxorubicin"] = true;
    f.yes_no["asian_or_pacific_islander"] = true;
    f.yes_no["pelvic_hip_femur_fracture"] = true;
    f.yes_no["tunnelled_line_or_central_venous_catheter"] = true;
    f.numbers["bmi"] = 27;
    f.numbers["dexamethasone_per_month"] = 480;
    f.prophylaxis = p;
    const ImpedeResult r = ScoreImpede(V(), f);
    ASSERT_TRUE(r.complete);
    EXPECT_TRUE(r.verified());
  }
}

TEST(VteImpede, EveryItemOtherThanTherapeuticAnticoagulationIsVerifiedInTheKnowledge) {
  for (const ImpedeItem& i : V().impede_items) {
    SCOPED_TRACE(i.id);
    const bool therapeutic = std::find(i.when.equals.begin(), i.when.equals.end(), "warfarin") != i.when.equals.end();
    EXPECT_EQ(i.cite.verified, !therapeutic);
  }
}

TEST(VteImpede, AnticoagulantIsSuggestedFromAScoreOfFour) {
  // standards.md §4.2 [C1]: IMPEDE >= 4 supports anticoagulant rather than aspirin prophylaxis.
  VteFacts f = Baseline();
  f.yes_no["doxorubicin"] = true;  // 3
  EXPECT_FALSE(ScoreImpede(V(), f).anticoagulant_suggested);
  f = OnLenalidomide();  // 4
  EXPECT_TRUE(ScoreImpede(V(), f).anticoagulant_suggested);
}

struct MissingCase {
  std::string fact;
  bool imwg_needs_it;
};

TEST(VteImpede, AMissingFactGivesInsufficientDataAndNoBand) {
  // standards.md §4.3: an incomplete form gives a range, not a floor: "insufficient data".
  const std::vector<MissingCase> cases = {
      {"bmi", true},
      {"dexamethasone_per_month", true},
      {"prior_vte", true},
      {"esa", true},
      {"doxorubicin", true},
      {"asian_or_pacific_islander", false},
      {"prophylaxis", false},
      {"pelvic_hip_femur_fracture", false},
      // IMWG's "central venous catheter or pacemaker" factor counts a catheter too (standards.md §4.1).
      {"tunnelled_line_or_central_venous_catheter", true},
  };
  for (const MissingCase& c : cases) {
    SCOPED_TRACE(c.fact);
    VteFacts f = OnLenalidomide();
    f.yes_no.erase(c.fact);
    f.numbers.erase(c.fact);
    if (c.fact == "prophylaxis") f.prophylaxis.reset();
    const ImpedeResult r = ScoreImpede(V(), f);
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.band, nullptr);
    EXPECT_FALSE(r.anticoagulant_suggested);
    EXPECT_TRUE(Has(r.missing, c.fact));
    const ImwgResult m = AssessImwg(V(), f);
    EXPECT_EQ(m.complete, !c.imwg_needs_it);
    if (c.imwg_needs_it) {
      EXPECT_EQ(m.recommendation, nullptr);
      EXPECT_TRUE(Has(m.missing, c.fact));
    }
  }
}

TEST(VteImpede, AHighPartialScoreWithUnknownProphylaxisStillHasNoBand) {
  // Prophylaxis subtracts: 4 + 5 + 4 = 13 could still fall to 9 or lower.
  VteFacts f = OnLenalidomide();
  f.yes_no["prior_vte"] = true;
  f.numbers["dexamethasone_per_month"] = 480;
  f.prophylaxis.reset();
  const ImpedeResult r = ScoreImpede(V(), f);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.band, nullptr);
  EXPECT_TRUE(Has(r.missing, "prophylaxis"));
}

TEST(VteImpede, ALowPartialScoreWithUnknownDexamethasoneStillHasNoBand) {
  // Dexamethasone adds: a partial score of 0 could rise to 4.
  VteFacts f = Baseline();
  f.numbers.erase("dexamethasone_per_month");
  const ImpedeResult r = ScoreImpede(V(), f);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.band, nullptr);
}

// ------------------------------------------------------------------------------------------------
// IMWG 2008 (standards.md §4.1)
// ------------------------------------------------------------------------------------------------

struct GroupCase {
  Change change;
  const char* group;
};

TEST(VteImwg, EveryFactorCountsInItsGroup) {
  const std::vector<GroupCase> cases = {
      {Number("bmi", 30), "individual"},                            // obesity (BMI >= 30)
      {Yes("prior_vte"), "individual"},                             // previous VTE
      {Yes("central_venous_catheter_or_pacemaker"), "individual"},  // CVC or pacemaker
      {Yes("cardiac_disease"), "individual"},                       // comorbidity
      {Yes("chronic_renal_disease"), "individual"},                 // comorbidity
      {Yes("diabetes"), "individual"},                              // comorbidity
      {Yes("acute_infection"), "individual"},                       // comorbidity
      {Yes("immobilisation"), "individual"},                        // comorbidity
      {Yes("surgery"), "individual"},                               // general surgery, anaesthesia, trauma
      {Yes("esa"), "individual"},                                   // erythropoietin
      {Yes("thrombophilia"), "individual"},                         // clotting disorders
      {Yes("active_myeloma"), "myeloma"},                           // the diagnosis itself
      {Yes("hyperviscosity"), "myeloma"},                           // hyperviscosity
      {Number("dexamethasone_per_month", 480), "therapy"},          // high-dose dex >= 480 mg/month
      {Yes("doxorubicin"), "therapy"},                              // doxorubicin
      {Yes("multi_agent_chemotherapy"), "therapy"},                 // multi-agent chemotherapy
  };
  for (const GroupCase& c : cases) {
    SCOPED_TRACE(Describe(c.change));
    VteFacts f = OnLenalidomide();
    Apply(f, c.change);
    const ImwgResult r = AssessImwg(V(), f);
    ASSERT_TRUE(r.complete);
    ASSERT_EQ(r.present.size(), 1u);
    EXPECT_EQ(r.present[0]->group, c.group);
    EXPECT_EQ(r.individual, std::string(c.group) == "individual" ? 1 : 0);
    EXPECT_EQ(r.myeloma, std::string(c.group) == "myeloma" ? 1 : 0);
    EXPECT_EQ(r.therapy, std::string(c.group) == "therapy" ? 1 : 0);
  }
}

TEST(VteImwg, TheBaselineHasNoFactor) {
  const ImwgResult r = AssessImwg(V(), OnLenalidomide());
  ASSERT_TRUE(r.complete);
  EXPECT_TRUE(r.present.empty());
}

TEST(VteImwg, ObesityStartsAtABmiOf30) {
  VteFacts f = OnLenalidomide();
  f.numbers["bmi"] = 29.9;
  EXPECT_EQ(AssessImwg(V(), f).individual, 0);
  f.numbers["bmi"] = 30;
  EXPECT_EQ(AssessImwg(V(), f).individual, 1);
}

TEST(VteImwg, HighDoseDexamethasoneStartsAt480MgPerMonth) {
  VteFacts f = OnLenalidomide();
  f.numbers["dexamethasone_per_month"] = 479;
  EXPECT_EQ(AssessImwg(V(), f).therapy, 0);
  f.numbers["dexamethasone_per_month"] = 480;
  EXPECT_EQ(AssessImwg(V(), f).therapy, 1);
}

enum class Advice { kAspirin, kLmwhOrWarfarin };

struct RecommendationCase {
  std::string name;
  std::vector<Change> changes;
  Advice advice;
};

void ExpectAdvice(const ImwgResult& r, Advice advice) {
  ASSERT_TRUE(r.complete);
  ASSERT_NE(r.recommendation, nullptr);
  const std::string p = Lower(r.recommendation->prophylaxis);
  if (advice == Advice::kAspirin) {
    EXPECT_NE(p.find("aspirin"), std::string::npos) << p;
    EXPECT_NE(p.find("81"), std::string::npos) << p;  // 81-325 mg once daily
    EXPECT_NE(p.find("325"), std::string::npos) << p;
    EXPECT_EQ(p.find("lmwh"), std::string::npos) << p;
  } else {
    EXPECT_NE(p.find("lmwh"), std::string::npos) << p;
    EXPECT_NE(p.find("warfarin"), std::string::npos) << p;
    EXPECT_EQ(p.find("aspirin"), std::string::npos) << p;
  }
}

TEST(VteImwg, RecommendationsFollowTheCountOfFactorsAndAnyTherapyFactor) {
  const std::vector<RecommendationCase> cases = {
      {"no factor", {}, Advice::kAspirin},
      {"one individual factor", {Yes("prior_vte")}, Advice::kAspirin},
      {"one myeloma factor", {Yes("active_myeloma")}, Advice::kAspirin},
      {"obesity alone", {Number("bmi", 35)}, Advice::kAspirin},
      {"two individual factors", {Yes("prior_vte"), Yes("diabetes")}, Advice::kLmwhOrWarfarin},
      {"one individual and one myeloma factor", {Yes("surgery"), Yes("active_myeloma")}, Advice::kLmwhOrWarfarin},
      {"two myeloma factors", {Yes("active_myeloma"), Yes("hyperviscosity")}, Advice::kLmwhOrWarfarin},
      {"three individual factors", {Number("bmi", 31), Yes("esa"), Yes("thrombophilia")}, Advice::kLmwhOrWarfarin},
      {"high-dose dexamethasone alone", {Number("dexamethasone_per_month", 480)}, Advice::kLmwhOrWarfarin},
      {"doxorubicin alone", {Yes("doxorubicin")}, Advice::kLmwhOrWarfarin},
      {"multi-agent chemotherapy alone", {Yes("multi_agent_chemotherapy")}, Advice::kLmwhOrWarfarin},
      {"a therapy factor with one individual factor", {Yes("doxorubicin"), Yes("prior_vte")}, Advice::kLmwhOrWarfarin},
  };
  for (const RecommendationCase& c : cases) {
    SCOPED_TRACE(c.name);
    VteFacts f = OnLenalidomide();
    for (const Change& x : c.changes) Apply(f, x);
    ExpectAdvice(AssessImwg(V(), f), c.advice);
  }
}

TEST(VteImwg, AnyTherapyFactorGivesTheRuleThatAppliesRegardlessOfOtherFactors) {
  VteFacts f = OnLenalidomide();
  f.yes_no["doxorubicin"] = true;
  const ImwgResult alone = AssessImwg(V(), f);
  f.yes_no["prior_vte"] = true;
  f.yes_no["active_myeloma"] = true;
  const ImwgResult with_others = AssessImwg(V(), f);
  ASSERT_NE(alone.recommendation, nullptr);
  ASSERT_NE(with_others.recommendation, nullptr);
  EXPECT_TRUE(alone.recommendation->any_therapy_factor);
  EXPECT_EQ(alone.recommendation, with_others.recommendation);
}

TEST(VteImwg, ProphylaxisAlreadyGivenDoesNotChangeTheImwgAnswer) {
  // The IMWG model counts risk factors only; prophylaxis is not one of them.
  VteFacts f = OnLenalidomide();
  f.prophylaxis.reset();
  const ImwgResult r = AssessImwg(V(), f);
  EXPECT_TRUE(r.complete);
  ExpectAdvice(r, Advice::kAspirin);
}

TEST(VteImwg, IsVerifiedInTheKnowledge) {
  // standards.md §4.1: the model and the recommendations are [C2]; sub-items [C1].
  EXPECT_TRUE(V().imwg.verified);
  for (const ImwgRecommendation& r : V().imwg_recommendations) EXPECT_TRUE(r.cite.verified) << r.cite.id;
  for (const ImwgFactor& x : V().imwg_factors) EXPECT_TRUE(x.cite.verified) << x.id;
}

// ------------------------------------------------------------------------------------------------
// Facts checks
// ------------------------------------------------------------------------------------------------

TEST(VteFactsCheck, ACompleteFormIsAccepted) {
  const Status s = CheckVteFacts(testing::K(), OnLenalidomide());
  EXPECT_TRUE(s.ok()) << s.error().Describe();
}

TEST(VteFactsCheck, UnknownFactsBadProphylaxisAndNegativeNumbersAreBadInputNamingTheFact) {
  struct Bad {
    std::string name;
    VteFacts facts;
    std::string field;
  };
  std::vector<Bad> cases;
  {
    VteFacts f = OnLenalidomide();
    f.yes_no["smoker"] = true;
    cases.push_back({"unknown finding", f, "smoker"});
  }
  {
    VteFacts f = OnLenalidomide();
    f.prophylaxis = "heparin";
    cases.push_back({"unknown prophylaxis", f, "prophylaxis"});
  }
  {
    VteFacts f = OnLenalidomide();
    f.numbers["bmi"] = -3;
    cases.push_back({"negative bmi", f, "bmi"});
  }
  {
    VteFacts f = OnLenalidomide();
    f.numbers["dexamethasone_per_month"] = -40;
    cases.push_back({"negative dexamethasone", f, "dexamethasone_per_month"});
  }
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.name);
    const Status s = CheckVteFacts(testing::K(), c.facts);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::kBadInput);
    EXPECT_EQ(s.error().field, c.field);
  }
}

}  // namespace
}  // namespace lenacare
