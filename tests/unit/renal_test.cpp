// Cockcroft-Gault creatinine clearance (standards.md §3.1) and the renal starting dose (label-facts.md
// §4.1, standards.md §3.3 and §8.1): what is not a table of values. The standard's test vectors and
// the starting dose of every indication on both sides of every band edge are use-case cases
// (tests/cases/crcl/, tests/cases/start-dose/). Here: the formula's properties, the band and column
// knowledge, and the notes (exactly 60, not studied, after dialysis, escalations). All expected
// values come from the facts files; the knowledge base is what is under test.
#include "clinical/renal.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "test_support.h"

namespace lenacare {
namespace {

// ------------------------------------------------------------------------------------------------
// Cockcroft-Gault
// ------------------------------------------------------------------------------------------------

TEST(CockcroftGault, FemaleClearanceIsEightyFivePercentOfMale) {
  // standards.md §3.1: x 0.85 if female.
  const CrClInputs male{65, Sex::kMale, 70, 1.4};
  CrClInputs female = male;
  female.sex = Sex::kFemale;
  auto m = CockcroftGaultCrCl(testing::K(), male);
  auto f = CockcroftGaultCrCl(testing::K(), female);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f->ml_min / m->ml_min, 0.85, 1e-12);
}

TEST(CockcroftGault, CreatinineInMicromolesPerLitreFollowsTheSiFormOfTheFormula) {
  // standards.md §3.1: umol/L / 88.4 = mg/dL, so the SI form is (140 - age) x weight x (88.4 / 72) /
  // SCr[umol/L]. (The test vectors in umol/L are cases: tests/cases/crcl/*-umol-per-l.json.)
  auto scr = testing::K().units.Parse(QuantityKind::kCreatinine, "123.76 umol/L");
  ASSERT_TRUE(scr.ok()) << scr.error().Describe();
  auto c = CockcroftGaultCrCl(testing::K(), {65, Sex::kMale, 70, *scr});
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->ml_min, (140.0 - 65.0) * 70.0 * (88.4 / 72.0) / 123.76, 1e-9);
}

TEST(CockcroftGault, UsesActualBodyWeightAndIsNotIndexedToBodySurface) {
  // standards.md §3.1: actual body weight is the default; mL/min, not normalised to 1.73 m2.
  // Doubling the weight doubles the clearance.
  auto a = CockcroftGaultCrCl(testing::K(), {70, Sex::kMale, 45, 2.0});
  auto b = CockcroftGaultCrCl(testing::K(), {70, Sex::kMale, 90, 2.0});
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NEAR(b->ml_min, 2 * a->ml_min, 1e-9);
  EXPECT_NE(b->formula.find("actual"), std::string::npos) << b->formula;
}

TEST(CockcroftGault, TheFormulaIsVerified) {
  EXPECT_TRUE(testing::K().cockcroft_gault.cite.verified);  // standards.md §3.1 [C2]
}

TEST(CockcroftGault, AZeroCreatinineIsBadInput) {
  auto c = CockcroftGaultCrCl(testing::K(), {65, Sex::kMale, 70, 0});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kBadInput);
}

TEST(ParseSex, AcceptsMaleAndFemaleOnly) {
  EXPECT_EQ(*ParseSex("male"), Sex::kMale);
  EXPECT_EQ(*ParseSex("female"), Sex::kFemale);
  EXPECT_FALSE(ParseSex("unknown").ok());  // standards.md §7.1: ask rather than guess
}

// ------------------------------------------------------------------------------------------------
// Renal starting dose: the bands and columns, and the notes (the doses are tests/cases/start-dose/)
// ------------------------------------------------------------------------------------------------

const RenalBand* Band(const char* id) {
  for (const RenalBand& b : testing::K().renal_bands) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

void ExpectNumber(const std::optional<double>& actual, std::optional<double> expected, const char* what) {
  ASSERT_EQ(actual.has_value(), expected.has_value()) << what;
  if (expected) {
    EXPECT_DOUBLE_EQ(*actual, *expected) << what;
  }
}

TEST(RenalBands, TheBandEdgesAreThoseOfTheLabel) {
  // label-facts.md §4.1 (pass 2) and standards.md §3.3 [C2]: >= 60 no change (exactly 60 flagged);
  // 30 to < 60; < 30 not on dialysis (< 11 not studied); < 30 on dialysis (< 7 not studied).
  const RenalBand* normal = Band("normal");
  ASSERT_NE(normal, nullptr);
  ExpectNumber(normal->crcl_at_least, 60.0, "normal at least");
  ExpectNumber(normal->crcl_below, std::nullopt, "normal below");
  ExpectNumber(normal->review_at, 60.0, "normal review at");
  EXPECT_FALSE(normal->dialysis);
  const RenalBand* moderate = Band("moderate");
  ASSERT_NE(moderate, nullptr);
  ExpectNumber(moderate->crcl_at_least, 30.0, "moderate at least");
  ExpectNumber(moderate->crcl_below, 60.0, "moderate below");
  EXPECT_FALSE(moderate->dialysis);
  const RenalBand* severe = Band("severe");
  ASSERT_NE(severe, nullptr);
  ExpectNumber(severe->crcl_below, 30.0, "severe below");
  ExpectNumber(severe->not_studied_below, 11.0, "severe not studied below");
  EXPECT_FALSE(severe->dialysis);
  const RenalBand* dialysis = Band("dialysis");
  ASSERT_NE(dialysis, nullptr);
  ExpectNumber(dialysis->crcl_below, 30.0, "dialysis below");
  ExpectNumber(dialysis->not_studied_below, 7.0, "dialysis not studied below");
  EXPECT_TRUE(dialysis->dialysis);
  for (const RenalBand* b : {normal, moderate, severe, dialysis})
    EXPECT_TRUE(b->cite.verified) << b->id;  // standards.md §3.3 [C2]
}

TEST(RenalBands, TheThreeLabelColumnsAreVerifiedAsColumns) {
  // label-facts.md §4.1: the three column headings are confirmed by drugs.com 2022 (S15) [V1].
  EXPECT_EQ(testing::K().renal_tables.size(), std::size_t{3});
  for (const RenalTable& t : testing::K().renal_tables) EXPECT_TRUE(t.cite.verified) << t.id;
}

// Every indication (label-facts.md §2).
constexpr const char* kIndications[] = {"mm", "mcl", "mm-maintenance", "mds", "fl", "mzl"};

bool HasNote(const StartingDose& d, const std::string& text) {
  for (const Note& n : d.notes) {
    if (n.text.find(text) != std::string::npos) return true;
  }
  return false;
}

const Note* FindNote(const StartingDose& d, const std::string& text) {
  for (const auto* notes : {&d.notes, &d.escalations}) {
    for (const Note& n : *notes) {
      if (n.text.find(text) != std::string::npos) return &n;
    }
  }
  return nullptr;
}

TEST(RenalDose, DialysisDosesCarryANoteToGiveThemAfterDialysis) {
  // label-facts.md §4 intro: on dialysis days give the dose after dialysis.
  for (const char* id : kIndications) {
    auto d = StartingDoseFor(testing::K(), id, {std::nullopt, true});
    ASSERT_TRUE(d.ok()) << id;
    EXPECT_TRUE(HasNote(*d, "after dialysis")) << id;
  }
}

TEST(RenalDose, ExactlySixtyIsUnadjustedAndFlaggedForReview) {
  // label-facts.md §4.1 (pass 2): >= 60 = no adjustment; exactly 60 should be flagged for review.
  for (const char* id : kIndications) {
    auto at60 = StartingDoseFor(testing::K(), id, {60.0, false});
    ASSERT_TRUE(at60.ok());
    EXPECT_FALSE(at60->adjusted) << id;
    EXPECT_TRUE(HasNote(*at60, "exactly 60")) << id;
    auto above = StartingDoseFor(testing::K(), id, {60.5, false});
    ASSERT_TRUE(above.ok());
    EXPECT_FALSE(HasNote(*above, "exactly")) << id;
    auto below = StartingDoseFor(testing::K(), id, {59.99, false});
    ASSERT_TRUE(below.ok());
    EXPECT_FALSE(HasNote(*below, "exactly")) << id;
  }
}

TEST(RenalDose, ClearanceBelowElevenWithoutDialysisWasNotStudied) {
  // label-facts.md §4.1 older USPI note; standards.md §3.3 [C2]: non-dialysis CLcr < 11 not studied.
  auto below = StartingDoseFor(testing::K(), "mm", {10.99, false});
  ASSERT_TRUE(below.ok());
  const Note* n = FindNote(*below, "not studied");
  ASSERT_NE(n, nullptr);
  EXPECT_NE(n->text.find("11"), std::string::npos) << n->text;
  auto at = StartingDoseFor(testing::K(), "mm", {11.0, false});
  ASSERT_TRUE(at.ok());
  EXPECT_FALSE(HasNote(*at, "not studied"));
}

TEST(RenalDose, ClearanceBelowSevenOnDialysisWasNotStudied) {
  // label-facts.md §4.1 older USPI note; standards.md §3.3 [C2]: dialysis CLcr < 7 not studied.
  auto below = StartingDoseFor(testing::K(), "mm", {6.99, true});
  ASSERT_TRUE(below.ok());
  const Note* n = FindNote(*below, "not studied");
  ASSERT_NE(n, nullptr);
  EXPECT_NE(n->text.find("7"), std::string::npos) << n->text;
  auto at = StartingDoseFor(testing::K(), "mm", {7.0, true});
  ASSERT_TRUE(at.ok());
  EXPECT_FALSE(HasNote(*at, "not studied"));
  // Below 11 but on dialysis is still studied down to 7 (the 11 mL/min limit is for non-dialysis).
  auto ten = StartingDoseFor(testing::K(), "mm", {10.0, true});
  ASSERT_TRUE(ten.ok());
  EXPECT_FALSE(HasNote(*ten, "not studied"));
}

TEST(RenalDose, EscalationFootnotesAreShownAsUnverified) {
  // label-facts.md §4.1: column (a) may escalate 10 -> 15 mg after 2 cycles and 15 mg q48h -> 10 mg
  // daily if tolerated, but the US escalation footnotes are [UNV].
  auto moderate = StartingDoseFor(testing::K(), "mm", {45.0, false});
  ASSERT_TRUE(moderate.ok());
  const Note* up = FindNote(*moderate, "15 mg");
  ASSERT_NE(up, nullptr);
  EXPECT_NE(up->text.find("2 cycles"), std::string::npos) << up->text;
  EXPECT_FALSE(up->verified);
  auto severe = StartingDoseFor(testing::K(), "mm", {20.0, false});
  ASSERT_TRUE(severe.ok());
  const Note* up2 = FindNote(*severe, "10 mg");
  ASSERT_NE(up2, nullptr);
  EXPECT_FALSE(up2->verified);
}

}  // namespace
}  // namespace lenacare
