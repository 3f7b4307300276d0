// Interactions with lenalidomide (label-facts.md §8, §6 W&P 5.4 and 5.7) looked up by generic name,
// brand or RxNorm ingredient code (standards.md §5.2), and the answers to the common myths: no
// CYP450 interaction is expected, and pomalidomide's CYP1A2 rule does not apply to lenalidomide.
// Expected values come from the facts files; knowledge/us/interactions.toml is under test.
//
// Which entry each name, brand and RxNorm code lands on, with its severity and verified flag, the
// "no interaction expected" answers and the unknown drugs are use-case cases
// (tests/cases/interactions/*.json). Here: what the entries say in words, and that every entry
// carries a source.
#include "clinical/interactions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

using testing::Mentions;

Result<InteractionAnswer> LookUp(const std::string& drug) { return LookUpInteraction(testing::K(), drug); }

// ------------------------------------------------------------------------------------------------
// Named interactions
// ------------------------------------------------------------------------------------------------

TEST(Interactions, DigoxinSaysTheFourteenPercentRiseAndToCheckLevels) {
  // label-facts.md §8: digoxin Cmax and AUC +14% with lenalidomide 10 mg/day; check digoxin plasma
  // levels periodically [V1].
  auto a = LookUp("digoxin");
  ASSERT_TRUE(a.ok());
  ASSERT_NE(a->interaction, nullptr);
  const Interaction& x = *a->interaction;
  EXPECT_TRUE(Mentions(x.effect, "14%")) << x.effect;
  EXPECT_TRUE(Mentions(x.action, "digoxin")) << x.action;
  EXPECT_TRUE(Mentions(x.action, "level")) << x.action;
}

TEST(Interactions, WarfarinSaysToMonitorPtInr) {
  // label-facts.md §8: monitor PT/INR closely in MM patients on warfarin [V1].
  auto a = LookUp("warfarin");
  ASSERT_TRUE(a.ok());
  ASSERT_NE(a->interaction, nullptr);
  const Interaction& x = *a->interaction;
  EXPECT_TRUE(Mentions(x.action, "PT/INR")) << x.action;
}

TEST(Interactions, EsasAndEstrogensSayThrombosisAndCaution) {
  // label-facts.md §8: ESAs and estrogens raise thrombosis risk; use with caution [V2].
  for (const char* drug : {"epoetin alfa", "darbepoetin alfa", "ethinyl estradiol", "estradiol"}) {
    SCOPED_TRACE(drug);
    auto a = LookUp(drug);
    ASSERT_TRUE(a.ok());
    ASSERT_NE(a->interaction, nullptr);
    const Interaction& x = *a->interaction;
    EXPECT_TRUE(Mentions(x.effect, "thrombosis")) << x.effect;
    EXPECT_TRUE(Mentions(x.action, "caution")) << x.action;
  }
}

TEST(Interactions, DexamethasoneRaisesTheRiskOfThromboembolism) {
  // label-facts.md §8, §6 5.4: dexamethasone raises VTE/ATE risk (boxed warning); thromboprophylaxis
  // is recommended [V2].
  auto a = LookUp("dexamethasone");
  ASSERT_TRUE(a.ok());
  ASSERT_NE(a->interaction, nullptr);
  const Interaction& x = *a->interaction;
  EXPECT_TRUE(Mentions(x.effect, "thromboembolism")) << x.effect;
  EXPECT_TRUE(Mentions(x.action, "thromboprophylaxis")) << x.action;
}

TEST(Interactions, PembrolizumabSaysMortalityAndTrialsOnly) {
  // label-facts.md §6 5.7: increased mortality in MM when pembrolizumab is added to a thalidomide
  // analogue + dexamethasone; not recommended outside controlled trials [V2].
  auto a = LookUp("pembrolizumab");
  ASSERT_TRUE(a.ok());
  ASSERT_NE(a->interaction, nullptr);
  const Interaction& x = *a->interaction;
  EXPECT_TRUE(Mentions(x.effect, "mortality")) << x.effect;
  EXPECT_TRUE(Mentions(x.action, "trial")) << x.action;
}

TEST(Interactions, OtherMyelosuppressantsSayCytopeniasFromASecondarySource) {
  // label-facts.md §8: additive cytopenias, [SEC] only.
  for (const char* drug : {"melphalan", "cyclophosphamide", "methotrexate", "azathioprine"}) {
    SCOPED_TRACE(drug);
    auto a = LookUp(drug);
    ASSERT_TRUE(a.ok());
    ASSERT_NE(a->interaction, nullptr);
    const Interaction& x = *a->interaction;
    EXPECT_TRUE(Mentions(x.effect, "cytopeni")) << x.effect;
    EXPECT_EQ(x.cite.confidence, "secondary");
  }
}

TEST(Interactions, EveryInteractionEntryCarriesASource) {
  for (const Interaction& x : testing::K().safety.interactions) {
    SCOPED_TRACE(x.id);
    EXPECT_FALSE(x.cite.source.empty());
    EXPECT_FALSE(x.action.empty());
    EXPECT_FALSE(x.drugs.empty());
  }
}

// ------------------------------------------------------------------------------------------------
// Myths: CYP450
// ------------------------------------------------------------------------------------------------

TEST(InteractionMyths, CypModulatorsHaveNoExpectedInteractionWithTheLabelsCyp450Fact) {
  // label-facts.md §8 [V2]: lenalidomide does not inhibit or induce CYP450 and is not a CYP
  // substrate; the label lists no CYP3A4 inhibitor as raising its levels and no CYP dose change.
  for (const char* q : {"ketoconazole", "clarithromycin", "CYP3A4 inhibitor"}) {
    SCOPED_TRACE(q);
    auto a = LookUp(q);
    ASSERT_TRUE(a.ok()) << a.error().Describe();
    ASSERT_NE(a->no_interaction, nullptr);
    const std::string& answer = a->no_interaction->answer;
    EXPECT_TRUE(Mentions(answer, "CYP450")) << answer;
    EXPECT_TRUE(Mentions(answer, "substrate")) << answer;
    EXPECT_TRUE(Mentions(answer, "inhibitor")) << answer;
    EXPECT_TRUE(Mentions(answer, "inducer")) << answer;
    EXPECT_TRUE(Mentions(answer, "no ")) << answer;
  }
}

// The clauses of a text (split at '.', ':' and ';').
std::vector<std::string> Clauses(const std::string& text) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == '.' || c == ':' || c == ';') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

TEST(InteractionMyths, Cyp1a2InhibitorsHaveNoExpectedInteractionBecauseTheRuleIsPomalidomides) {
  // label-facts.md §8, §10: pomalidomide's CYP1A2 rule (avoid, or reduce POMALYST to 2 mg) must not
  // be copied to lenalidomide.
  for (const char* q : {"fluvoxamine", "Cipro", "CYP1A2 inhibitor"}) {
    SCOPED_TRACE(q);
    auto a = LookUp(q);
    ASSERT_TRUE(a.ok()) << a.error().Describe();
    ASSERT_NE(a->no_interaction, nullptr);
    const std::string& answer = a->no_interaction->answer;
    EXPECT_TRUE(Mentions(answer, "pomalidomide")) << answer;
    EXPECT_TRUE(Mentions(answer, "CYP1A2")) << answer;
    // Any mention of the 2 mg dose belongs to pomalidomide, never to lenalidomide.
    for (const std::string& clause : Clauses(answer)) {
      if (!Mentions(clause, "2 mg")) continue;
      EXPECT_TRUE(Mentions(clause, "pomalidomide")) << clause;
      EXPECT_FALSE(Mentions(clause, "lenalidomide")) << clause;
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Bad input
// ------------------------------------------------------------------------------------------------

TEST(InteractionLookUp, AnUnknownDrugsErrorQuotesIt) {
  // That it is bad input naming the drug, not "no interaction", is in tests/cases/interactions/.
  for (const char* q : {"notadrug", "aspirin-x", "12345678"}) {
    SCOPED_TRACE(q);
    auto a = LookUp(q);
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.error().message.find(q), std::string::npos) << a.error().message;
  }
}

}  // namespace
}  // namespace lenacare
