// Clot-prevention risk models (standards.md §4): the IMWG 2008 risk-assessment model (§4.1) and the
// IMPEDE VTE score (§4.3). Every expected value comes from the standards file; the knowledge base
// (knowledge/common/vte.toml) and the engine (src/clinical/vte.h) are what is under test.
//
// The items, bands, incomplete forms, IMWG factors and recommendations are use-case cases
// (tests/cases/vte/*.json). The API always counts IMPEDE's IMiD item (the patient takes
// lenalidomide), so what needs a form without it, and the knowledge and fact checks, stay here.
#include "clinical/vte.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

const VteKnowledge& V() { return testing::K().safety.vte; }

// A complete form with nothing that scores: every yes/no finding absent (the IMiD item too),
// BMI 20 kg/m2, no dexamethasone, no prophylaxis.
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

// ------------------------------------------------------------------------------------------------
// IMPEDE VTE (standards.md §4.3), without the IMiD item
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

TEST(VteImpede, HasExactlyTheTwelveItemsOfTheStandard) {
  // standards.md §4.3 lists 12 rows (dexamethasone high and low, two prophylaxis rows).
  EXPECT_EQ(V().impede_items.size(), 12u);
}

TEST(VteImpede, ThreeIsTheTopOfTheLowBandAndSuggestsNoAnticoagulant) {
  // standards.md §4.3: low <= 3; §4.2 [C1]: a score of 4 or more supports an anticoagulant.
  VteFacts f = Baseline();
  f.yes_no["doxorubicin"] = true;  // +3
  const ImpedeResult r = ScoreImpede(V(), f);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.score, 3);
  ASSERT_NE(r.band, nullptr);
  EXPECT_EQ(r.band->band, "low");
  EXPECT_FALSE(r.anticoagulant_suggested);
}

TEST(VteImpede, ScoresCanBeNegative) {
  // standards.md §4.3: "The score can be negative".
  VteFacts f = Baseline();
  f.yes_no["asian_or_pacific_islander"] = true;  // -3
  f.prophylaxis = "prophylactic-lmwh";           // -3
  const ImpedeResult r = ScoreImpede(V(), f);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.score, -6);
  ASSERT_NE(r.band, nullptr);
  EXPECT_EQ(r.band->band, "low");
}

TEST(VteImpede, EveryItemOtherThanTherapeuticAnticoagulationIsVerifiedInTheKnowledge) {
  // standards.md §4.3: therapeutic LMWH or warfarin -4 is [!] (two sources -4, one review -5).
  for (const ImpedeItem& i : V().impede_items) {
    SCOPED_TRACE(i.id);
    const bool therapeutic = std::find(i.when.equals.begin(), i.when.equals.end(), "warfarin") != i.when.equals.end();
    EXPECT_EQ(i.cite.verified, !therapeutic);
    if (therapeutic) {
      EXPECT_EQ(i.cite.confidence, "unconfirmed");
    }
  }
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
