// Cockcroft-Gault creatinine clearance (standards.md §3.1) and the renal starting dose of every
// indication in every band (label-facts.md §4.1, standards.md §3.3 and §8.1). All expected values
// come from the facts files; the knowledge base is what is under test.
#include "clinical/renal.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

// ------------------------------------------------------------------------------------------------
// Cockcroft-Gault
// ------------------------------------------------------------------------------------------------

struct CgVector {
  Sex sex;
  int age;
  double weight_kg;
  double scr_mg_dl;
  double crcl;
};

TEST(CockcroftGault, ReproducesTheFourTestVectorsOfTheStandard) {
  const std::vector<CgVector> vectors = {
      {Sex::kMale, 65, 70, 1.4, 52.08},    // standards.md §3.1 test vectors, row 1
      {Sex::kFemale, 45, 60, 0.9, 74.77},  // standards.md §3.1 test vectors, row 2
      {Sex::kFemale, 80, 55, 1.1, 35.42},  // standards.md §3.1 test vectors, row 3
      {Sex::kMale, 70, 90, 2.0, 43.75},    // standards.md §3.1 test vectors, row 4
  };
  for (const CgVector& v : vectors) {
    SCOPED_TRACE("age " + std::to_string(v.age) + ", SCr " + FormatNumber(v.scr_mg_dl));
    auto c = CockcroftGaultCrCl(testing::K(), {v.age, v.sex, v.weight_kg, v.scr_mg_dl});
    ASSERT_TRUE(c.ok()) << c.error().Describe();
    EXPECT_NEAR(c->ml_min, v.crcl, 0.005);  // to 0.01 mL/min
  }
}

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

TEST(CockcroftGault, CreatinineInMicromolesPerLitreGivesTheSameClearance) {
  // standards.md §3.1: umol/L / 88.4 = mg/dL; 1.4 mg/dL = 123.76 umol/L -> row 1 gives 52.08.
  auto scr = testing::K().units.Parse(QuantityKind::kCreatinine, "123.76 umol/L");
  ASSERT_TRUE(scr.ok()) << scr.error().Describe();
  auto c = CockcroftGaultCrCl(testing::K(), {65, Sex::kMale, 70, *scr});
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->ml_min, 52.08, 0.005);  // standards.md §3.1 test vector row 1
  // The SI form of the formula (standards.md §3.1): (140 - age) x weight x (88.4 / 72) / SCr[umol/L].
  EXPECT_NEAR(c->ml_min, (140.0 - 65.0) * 70.0 * (88.4 / 72.0) / 123.76, 1e-9);
}

TEST(CockcroftGault, FemaleVectorViaMicromolesPerLitre) {
  // standards.md §3.1 row 3 (F, 80 y, 55 kg, 1.1 mg/dL = 97.24 umol/L) -> 35.42 mL/min.
  auto scr = testing::K().units.Parse(QuantityKind::kCreatinine, "97.24 umol/L");
  ASSERT_TRUE(scr.ok());
  auto c = CockcroftGaultCrCl(testing::K(), {80, Sex::kFemale, 55, *scr});
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->ml_min, 35.42, 0.005);
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
// Renal starting dose, every indication x every band, both sides of every edge
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

// What one column of USPI 2.6 says for one band (label-facts.md §4.1).
struct Expect {
  bool adjusted;
  double dose_mg;
  Frequency frequency;
  bool after_dialysis;
  bool verified;
};

struct Column {
  const char* name;
  Expect moderate, severe, dialysis;
};

// Column (a): MM combination therapy and MCL. label-facts.md §4.1 column (a); standards.md §3.3 [C2].
const Column kColumnA = {
    "column (a)",
    {true, 10, Frequency::kDaily, false, true},  // label-facts.md §4.1 (a) 30 to <60: 10 mg once daily [V2]
    {true, 15, Frequency::kEveryOtherDay, false,
     true},                                    // label-facts.md §4.1 (a) <30 no dialysis: 15 mg every 48 h [V2]
    {true, 5, Frequency::kDaily, true, true},  // label-facts.md §4.1 (a) dialysis: 5 mg daily, after dialysis [V2]
};
// Column (b): MM maintenance and MDS. label-facts.md §4.1 column (b): no value is verified.
const Column kColumnB = {
    "column (b)",
    {true, 5, Frequency::kDaily, false,
     false},  // label-facts.md §4.1 (b) 30 to <60: 5 mg daily [V2-old MDS; maintenance UNV]
    {true, 2.5, Frequency::kDaily, false, false},  // label-facts.md §4.1 (b) <30 no dialysis: 2.5 mg daily [UNV]
    {true, 2.5, Frequency::kDaily, true, false},  // label-facts.md §4.1 (b) dialysis: 2.5 mg daily after dialysis [UNV]
};
// Column (c): FL and MZL. Moderate 10 mg is verified by standards.md §8.1 R2 [C2]; the rest [UNV].
const Column kColumnC = {
    "column (c)",
    {true, 10, Frequency::kDaily, false,
     true},  // standards.md §8.1 R2: 10 mg if CrCl 30-59 [C2]; label-facts.md §4.1 (c)
    {true, 5, Frequency::kDaily, false, false},  // label-facts.md §4.1 (c) <30 no dialysis: 5 mg once daily [UNV]
    {true, 5, Frequency::kDaily, true, false},   // label-facts.md §4.1 (c) dialysis: 5 mg daily, after dialysis [UNV]
};

struct IndicationCase {
  const char* id;
  double start_mg;   // label-facts.md §2 starting dose (no adjustment at CrCl >= 60)
  const char* days;  // label-facts.md §2 pill days
  const Column* column;
};

const std::vector<IndicationCase>& Indications() {
  static const std::vector<IndicationCase> cases = {
      {"mm", 25, "1-21", &kColumnA},              // label-facts.md §2 MM: 25 mg days 1-21; §4.1 column (a)
      {"mcl", 25, "1-21", &kColumnA},             // label-facts.md §2 MCL: 25 mg days 1-21; §4.1 column (a)
      {"mm-maintenance", 10, "1-28", &kColumnB},  // label-facts.md §2 maintenance: 10 mg days 1-28; §4.1 column (b)
      {"mds", 10, "1-28", &kColumnB},             // label-facts.md §2 MDS: 10 mg daily (continuous); §4.1 column (b)
      {"fl", 20, "1-21", &kColumnC},              // label-facts.md §2 FL: 20 mg days 1-21; §4.1 column (c)
      {"mzl", 20, "1-21", &kColumnC},             // label-facts.md §2 MZL: 20 mg days 1-21; §4.1 column (c)
  };
  return cases;
}

struct Point {
  std::optional<double> crcl;
  bool dialysis;
  const char* band;
};

// Both sides of every band edge (label-facts.md §4.1 pass 2: adjust when CLcr < 60; 30 to < 60;
// < 30 without dialysis; < 30 on dialysis; standards.md §3.3 [C2]).
const std::vector<Point>& Points() {
  static const std::vector<Point> points = {
      {120.0, false, "normal"},         {60.0, false, "normal"},   {59.99, false, "moderate"},
      {45.0, false, "moderate"},        {30.0, false, "moderate"}, {29.99, false, "severe"},
      {11.0, false, "severe"},          {10.99, false, "severe"},  {5.0, false, "severe"},
      {29.99, true, "dialysis"},        {7.0, true, "dialysis"},   {6.99, true, "dialysis"},
      {std::nullopt, true, "dialysis"},
  };
  return points;
}

std::string Describe(const Point& p) {
  return (p.crcl ? "CrCl " + FormatNumber(*p.crcl) : std::string("no CrCl")) + (p.dialysis ? " on dialysis" : "");
}

TEST(RenalDose, EveryIndicationInEveryBandGetsTheDoseOfItsLabelColumn) {
  for (const IndicationCase& ind : Indications()) {
    for (const Point& p : Points()) {
      SCOPED_TRACE(std::string(ind.id) + " (" + ind.column->name + "), " + Describe(p));
      auto d = StartingDoseFor(testing::K(), ind.id, {p.crcl, p.dialysis});
      ASSERT_TRUE(d.ok()) << d.error().Describe();
      EXPECT_EQ(d->band, p.band);
      const std::string band = p.band;
      Expect e{false, ind.start_mg, Frequency::kDaily, false, true};  // >= 60: no adjustment, standards.md §3.3 [C2]
      if (band == "moderate") e = ind.column->moderate;
      if (band == "severe") e = ind.column->severe;
      if (band == "dialysis") e = ind.column->dialysis;
      EXPECT_EQ(d->adjusted, e.adjusted);
      EXPECT_DOUBLE_EQ(d->regimen.dose_mg, e.dose_mg);
      EXPECT_EQ(d->regimen.frequency, e.frequency);
      EXPECT_EQ(d->after_dialysis, e.after_dialysis);
      EXPECT_EQ(d->verified(), e.verified);
      // The adjustment changes the dose, not the pill days of the indication (label-facts.md §4.1).
      EXPECT_EQ(d->regimen.days.text(), ind.days);
    }
  }
}

TEST(RenalDose, ModerateImpairmentGivesTenMilligramsForMyeloma) {
  auto d = StartingDoseFor(testing::K(), "mm", {45.0, false});
  ASSERT_TRUE(d.ok());
  EXPECT_DOUBLE_EQ(d->regimen.dose_mg, 10);  // label-facts.md §4.1 column (a); standards.md §3.3 [C2]
  EXPECT_EQ(d->regimen.frequency, Frequency::kDaily);
  EXPECT_TRUE(d->verified());
}

TEST(RenalDose, SevereImpairmentGivesFifteenMilligramsEveryOtherDayForMyelomaAndMcl) {
  for (const char* id : {"mm", "mcl"}) {
    auto d = StartingDoseFor(testing::K(), id, {20.0, false});
    ASSERT_TRUE(d.ok()) << id;
    EXPECT_DOUBLE_EQ(d->regimen.dose_mg, 15);  // label-facts.md §4.1 column (a): 15 mg every 48 h [V2]
    EXPECT_EQ(d->regimen.frequency, Frequency::kEveryOtherDay) << id;
    // Every 48 h on days 1-21: days 1, 3, ..., 21 = 11 pill days.
    EXPECT_EQ(d->regimen.PillDaysPerCycle(), 11) << id;
    EXPECT_TRUE(d->regimen.IsPillDay(1));
    EXPECT_FALSE(d->regimen.IsPillDay(2));
    EXPECT_TRUE(d->regimen.IsPillDay(21));
  }
}

TEST(RenalDose, DialysisDosesAreGivenAfterDialysisWithANote) {
  for (const IndicationCase& ind : Indications()) {
    auto d = StartingDoseFor(testing::K(), ind.id, {std::nullopt, true});
    ASSERT_TRUE(d.ok()) << ind.id;
    EXPECT_TRUE(d->after_dialysis) << ind.id;  // label-facts.md §4 intro: on dialysis days give the dose after dialysis
    bool noted = false;
    for (const Note& n : d->notes) noted = noted || n.text.find("after dialysis") != std::string::npos;
    EXPECT_TRUE(noted) << ind.id;
  }
}

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

TEST(RenalDose, ExactlySixtyIsUnadjustedAndFlaggedForReview) {
  // label-facts.md §4.1 (pass 2): >= 60 = no adjustment; exactly 60 should be flagged for review.
  for (const IndicationCase& ind : Indications()) {
    auto at60 = StartingDoseFor(testing::K(), ind.id, {60.0, false});
    ASSERT_TRUE(at60.ok());
    EXPECT_FALSE(at60->adjusted) << ind.id;
    EXPECT_TRUE(HasNote(*at60, "exactly 60")) << ind.id;
    auto above = StartingDoseFor(testing::K(), ind.id, {60.5, false});
    ASSERT_TRUE(above.ok());
    EXPECT_FALSE(HasNote(*above, "exactly")) << ind.id;
    auto below = StartingDoseFor(testing::K(), ind.id, {59.99, false});
    ASSERT_TRUE(below.ok());
    EXPECT_FALSE(HasNote(*below, "exactly")) << ind.id;
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

TEST(RenalDose, DialysisWithAClearanceOfThirtyOrMoreCannotBeAssessed) {
  // label-facts.md §4.1: the dialysis row is CLcr < 30 on dialysis; no row covers >= 30 on dialysis.
  for (double crcl : {30.0, 45.0, 75.0}) {
    auto d = StartingDoseFor(testing::K(), "mm", {crcl, true});
    ASSERT_FALSE(d.ok()) << crcl;
    EXPECT_EQ(d.error().kind, ErrorKind::kCannotAssess) << crcl;
  }
}

TEST(RenalDose, AnUnknownIndicationIsBadInput) {
  auto d = StartingDoseFor(testing::K(), "cll", {80.0, false});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(d.error().field, "indication");
}

TEST(RenalDose, NeitherClearanceNorDialysisIsBadInput) {
  auto d = StartingDoseFor(testing::K(), "mm", {std::nullopt, false});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, ErrorKind::kBadInput);
}

}  // namespace
}  // namespace lenacare
