// Interactions with lenalidomide (label-facts.md §8, §6 W&P 5.4 and 5.7) looked up by generic name,
// brand or RxNorm ingredient code (standards.md §5.2), and the answers to the common myths: no
// CYP450 interaction is expected, and pomalidomide's CYP1A2 rule does not apply to lenalidomide.
// Expected values come from the facts files; knowledge/us/interactions.toml is under test.
#include "clinical/interactions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Mentions(const std::string& text, const std::string& what) {
  return Lower(text).find(Lower(what)) != std::string::npos;
}

Result<InteractionAnswer> LookUp(const std::string& drug) { return LookUpInteraction(testing::K(), drug); }

// ------------------------------------------------------------------------------------------------
// Named interactions
// ------------------------------------------------------------------------------------------------

struct Expected {
  std::string query;
  std::string matched_by;  // "name", "brand", "rxnorm"
  std::string entry;       // the drug the label names (what the same entry answers by name)
};

// Every query must land on the same entry as the generic name of its drug.
TEST(Interactions, EveryLabelInteractionIsFoundByNameBrandAndRxnormCode) {
  const std::vector<Expected> cases = {
      {"digoxin", "name", "digoxin"},
      {"Lanoxin", "brand", "digoxin"},
      {"3407", "rxnorm", "digoxin"},  // standards.md §5.2
      {"warfarin", "name", "warfarin"},
      {"Coumadin", "brand", "warfarin"},
      {"Jantoven", "brand", "warfarin"},
      {"11289", "rxnorm", "warfarin"},  // standards.md §5.2
      {"epoetin alfa", "name", "epoetin alfa"},
      {"Epogen", "brand", "epoetin alfa"},
      {"Procrit", "brand", "epoetin alfa"},
      {"105694", "rxnorm", "epoetin alfa"},  // standards.md §5.2
      {"darbepoetin alfa", "name", "darbepoetin alfa"},
      {"Aranesp", "brand", "darbepoetin alfa"},
      {"283838", "rxnorm", "darbepoetin alfa"},  // standards.md §5.2
      {"ethinyl estradiol", "name", "ethinyl estradiol"},
      {"4124", "rxnorm", "ethinyl estradiol"},  // standards.md §5.2
      {"estradiol", "name", "ethinyl estradiol"},
      {"conjugated estrogens", "name", "ethinyl estradiol"},
      {"Premarin", "brand", "ethinyl estradiol"},
      {"dexamethasone", "name", "dexamethasone"},
      {"Decadron", "brand", "dexamethasone"},
      {"3264", "rxnorm", "dexamethasone"},  // standards.md §5.2
      {"pembrolizumab", "name", "pembrolizumab"},
      {"Keytruda", "brand", "pembrolizumab"},
      {"melphalan", "name", "melphalan"},
      {"cyclophosphamide", "name", "melphalan"},
      {"azathioprine", "name", "melphalan"},
      {"Alkeran", "brand", "melphalan"},
  };
  for (const Expected& c : cases) {
    SCOPED_TRACE(c.query);
    auto a = LookUp(c.query);
    ASSERT_TRUE(a.ok()) << a.error().Describe();
    ASSERT_NE(a->interaction, nullptr);
    EXPECT_EQ(a->no_interaction, nullptr);
    EXPECT_EQ(a->matched_by, c.matched_by);
    EXPECT_EQ(a->query, c.query);
    auto by_name = LookUp(c.entry);
    ASSERT_TRUE(by_name.ok());
    EXPECT_EQ(a->interaction, by_name->interaction) << "lands on another entry than " << c.entry;
  }
}

TEST(Interactions, TheSixDrugClassesOfTheLabelAreSeparateEntries) {
  // label-facts.md §8: digoxin, warfarin, ESAs, estrogens, dexamethasone, pembrolizumab, and the
  // [SEC] other myelosuppressants.
  std::vector<const Interaction*> seen;
  for (const char* drug :
       {"digoxin", "warfarin", "epoetin alfa", "ethinyl estradiol", "dexamethasone", "pembrolizumab", "melphalan"}) {
    auto a = LookUp(drug);
    ASSERT_TRUE(a.ok()) << drug;
    ASSERT_NE(a->interaction, nullptr) << drug;
    EXPECT_EQ(std::count(seen.begin(), seen.end(), a->interaction), 0) << drug << " shares an entry";
    seen.push_back(a->interaction);
  }
  auto epo = LookUp("epoetin alfa");
  auto darbe = LookUp("darbepoetin alfa");
  ASSERT_TRUE(epo.ok() && darbe.ok());
  EXPECT_EQ(epo->interaction, darbe->interaction) << "both are erythropoiesis-stimulating agents";
}

TEST(Interactions, DigoxinIsMonitorLevelsWithTheFourteenPercentRise) {
  // label-facts.md §8: digoxin Cmax and AUC +14% with lenalidomide 10 mg/day; check digoxin plasma
  // levels periodically [V1].
  auto a = LookUp("digoxin");
  ASSERT_TRUE(a.ok());
  const Interaction& x = *a->interaction;
  EXPECT_EQ(x.severity, "monitor");
  EXPECT_TRUE(Mentions(x.effect, "14%")) << x.effect;
  EXPECT_TRUE(Mentions(x.action, "digoxin")) << x.action;
  EXPECT_TRUE(Mentions(x.action, "level")) << x.action;
  EXPECT_TRUE(x.cite.verified);
}

TEST(Interactions, WarfarinIsMonitorPtInr) {
  // label-facts.md §8: monitor PT/INR closely in MM patients on warfarin [V1].
  auto a = LookUp("warfarin");
  ASSERT_TRUE(a.ok());
  const Interaction& x = *a->interaction;
  EXPECT_EQ(x.severity, "monitor");
  EXPECT_TRUE(Mentions(x.action, "PT/INR")) << x.action;
  EXPECT_TRUE(x.cite.verified);
}

TEST(Interactions, EsasAndEstrogensAreCautionForThrombosis) {
  // label-facts.md §8: ESAs and estrogens raise thrombosis risk; use with caution [V2].
  for (const char* drug : {"epoetin alfa", "darbepoetin alfa", "ethinyl estradiol", "estradiol"}) {
    SCOPED_TRACE(drug);
    auto a = LookUp(drug);
    ASSERT_TRUE(a.ok());
    const Interaction& x = *a->interaction;
    EXPECT_EQ(x.severity, "caution");
    EXPECT_TRUE(Mentions(x.effect, "thrombosis")) << x.effect;
    EXPECT_TRUE(Mentions(x.action, "caution")) << x.action;
    EXPECT_TRUE(x.cite.verified);
  }
}

TEST(Interactions, DexamethasoneRaisesTheRiskOfThromboembolism) {
  // label-facts.md §8, §6 5.4: dexamethasone raises VTE/ATE risk (boxed warning); thromboprophylaxis
  // is recommended [V2].
  auto a = LookUp("dexamethasone");
  ASSERT_TRUE(a.ok());
  const Interaction& x = *a->interaction;
  EXPECT_NE(x.severity, "none-expected");
  EXPECT_TRUE(Mentions(x.effect, "thromboembolism")) << x.effect;
  EXPECT_TRUE(Mentions(x.action, "thromboprophylaxis")) << x.action;
  EXPECT_TRUE(x.cite.verified);
}

TEST(Interactions, PembrolizumabIsAvoid) {
  // label-facts.md §6 5.7: increased mortality in MM when pembrolizumab is added to a thalidomide
  // analogue + dexamethasone; not recommended outside controlled trials [V2].
  auto a = LookUp("pembrolizumab");
  ASSERT_TRUE(a.ok());
  const Interaction& x = *a->interaction;
  EXPECT_EQ(x.severity, "avoid");
  EXPECT_TRUE(Mentions(x.effect, "mortality")) << x.effect;
  EXPECT_TRUE(Mentions(x.action, "trial")) << x.action;
  EXPECT_TRUE(x.cite.verified);
}

TEST(Interactions, OtherMyelosuppressantsAreSecondarySourceAndUnverified) {
  // label-facts.md §8: additive cytopenias, [SEC] only.
  for (const char* drug : {"melphalan", "cyclophosphamide", "methotrexate", "azathioprine"}) {
    SCOPED_TRACE(drug);
    auto a = LookUp(drug);
    ASSERT_TRUE(a.ok());
    const Interaction& x = *a->interaction;
    EXPECT_TRUE(Mentions(x.effect, "cytopeni")) << x.effect;
    EXPECT_FALSE(x.cite.verified);
    EXPECT_EQ(x.cite.tag, "SEC");
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

TEST(Interactions, MatchingIgnoresLetterCaseAndSurroundingSpace) {
  for (const char* q : {"DIGOXIN", "Digoxin", "lAnOxIn", "KEYTRUDA", "Ethinyl Estradiol", "  warfarin  "}) {
    SCOPED_TRACE(q);
    auto a = LookUp(q);
    ASSERT_TRUE(a.ok()) << a.error().Describe();
    EXPECT_NE(a->interaction, nullptr);
  }
}

TEST(Interactions, RxnormCodesTheStandardRejectsAreNotMatched) {
  // standards.md §5.2: epoetin alfa 3521 and darbepoetin 349849 (isoleucine) and 237071 are other
  // repositories' codes, rejected.
  for (const char* code : {"3521", "349849", "237071"}) {
    SCOPED_TRACE(code);
    auto a = LookUp(code);
    if (a.ok()) {
      EXPECT_EQ(a->interaction, nullptr) << "matched " << a->interaction->id;
    } else {
      EXPECT_EQ(a.error().kind, ErrorKind::kBadInput);
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Myths: CYP450
// ------------------------------------------------------------------------------------------------

TEST(InteractionMyths, CypModulatorsHaveNoExpectedInteractionWithTheLabelsCyp450Fact) {
  // label-facts.md §8 [V2]: lenalidomide does not inhibit or induce CYP450 and is not a CYP
  // substrate; the label lists no CYP3A4 inhibitor as raising its levels and no CYP dose change.
  struct Myth {
    std::string query, matched_by;
  };
  const std::vector<Myth> myths = {
      {"ketoconazole", "name"},      {"clarithromycin", "name"}, {"CYP3A4 inhibitor", "class"},
      {"cyp3a4 inhibitor", "class"}, {"Ketoconazole", "name"},
  };
  for (const Myth& m : myths) {
    SCOPED_TRACE(m.query);
    auto a = LookUp(m.query);
    ASSERT_TRUE(a.ok()) << a.error().Describe();
    EXPECT_EQ(a->interaction, nullptr);
    ASSERT_NE(a->no_interaction, nullptr);
    EXPECT_EQ(a->matched_by, m.matched_by);
    const std::string& answer = a->no_interaction->answer;
    EXPECT_TRUE(Mentions(answer, "CYP450")) << answer;
    EXPECT_TRUE(Mentions(answer, "substrate")) << answer;
    EXPECT_TRUE(Mentions(answer, "inhibitor")) << answer;
    EXPECT_TRUE(Mentions(answer, "inducer")) << answer;
    EXPECT_TRUE(Mentions(answer, "no ")) << answer;
    EXPECT_TRUE(a->no_interaction->cite.verified);
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
  for (const char* q : {"fluvoxamine", "ciprofloxacin", "Cipro", "CYP1A2 inhibitor"}) {
    SCOPED_TRACE(q);
    auto a = LookUp(q);
    ASSERT_TRUE(a.ok()) << a.error().Describe();
    EXPECT_EQ(a->interaction, nullptr);
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
    EXPECT_TRUE(a->no_interaction->cite.verified);
  }
}

// ------------------------------------------------------------------------------------------------
// Bad input
// ------------------------------------------------------------------------------------------------

TEST(InteractionLookUp, AnUnknownDrugIsBadInputNotNoInteraction) {
  for (const char* q : {"notadrug", "aspirin-x", "12345678"}) {
    SCOPED_TRACE(q);
    auto a = LookUp(q);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().kind, ErrorKind::kBadInput);
    EXPECT_EQ(a.error().field, "drug");
    EXPECT_NE(a.error().message.find(q), std::string::npos) << a.error().message;
  }
}

TEST(InteractionLookUp, AnEmptyNameIsBadInput) {
  for (const char* q : {"", "   "}) {
    auto a = LookUp(q);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().kind, ErrorKind::kBadInput);
  }
}

}  // namespace
}  // namespace lenacare
