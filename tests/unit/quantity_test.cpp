// Unit conversions of the knowledge base's unit table (knowledge/common/units.toml), checked
// against the identities of the facts files, never against the numbers in the TOML file.
#include "core/quantity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

struct ConversionCase {
  const char* text;
  QuantityKind kind;
  double expected;  // in the kind's canonical unit
  const char* why;
};

// Every expected value below is derived from a facts-file identity, cited on its line.
const std::vector<ConversionCase>& Conversions() {
  static const std::vector<ConversionCase> cases = {
      // Cell counts, canonical 10*9/L.
      {"25 10*9/L", QuantityKind::kCellCount, 25.0, "standards.md §0.3: canonical"},  // standards.md §0.3
      {"25 10*3/uL", QuantityKind::kCellCount, 25.0, "1 x 10^9/L = 1 x 10^3/uL"},     // standards.md §0.3
      {"1000 /mm3", QuantityKind::kCellCount, 1.0, "1 x 10^9/L = 1000/mm3"},          // standards.md §0.3
      {"1000 /uL", QuantityKind::kCellCount, 1.0, "1000/uL = 1.0 x 10^9/L"},          // standards.md §0.3
      {"1000 /mcL", QuantityKind::kCellCount, 1.0, "1,000/mcL = 1.0 x 10^9/L"},       // label-facts.md Units
      {"500 /mcL", QuantityKind::kCellCount, 0.5, "500/mcL = 0.5 x 10^9/L"},          // label-facts.md Units
      {"30000 /mcL", QuantityKind::kCellCount, 30.0, "30,000/mcL = 30 x 10^9/L"},     // label-facts.md Units
      {"75000 /mcL", QuantityKind::kCellCount, 75.0, "75,000/mcL = 75 x 10^9/L"},     // label-facts.md §2 maintenance
      {"750 /mcL", QuantityKind::kCellCount, 0.75, "750/mcL = 0.75 x 10^9/L"},        // label-facts.md §3.4
      // Hemoglobin, canonical g/dL.
      {"10 g/dL", QuantityKind::kHemoglobin, 10.0, "canonical"},                    // standards.md §0.3
      {"100 g/L", QuantityKind::kHemoglobin, 10.0, "g/dL x 10 = g/L"},              // standards.md §0.3
      {"85 g/L", QuantityKind::kHemoglobin, 8.5, "g/dL x 10 = g/L"},                // standards.md §0.3
      {"6.206 mmol/L", QuantityKind::kHemoglobin, 10.0, "g/dL x 0.6206 = mmol/L"},  // standards.md §0.3
      {"4.9648 mmol/L", QuantityKind::kHemoglobin, 8.0, "g/dL x 0.6206 = mmol/L"},  // standards.md §0.3
      // Serum creatinine, canonical mg/dL.
      {"1.4 mg/dL", QuantityKind::kCreatinine, 1.4, "canonical"},                  // standards.md §0.3
      {"88.4 umol/L", QuantityKind::kCreatinine, 1.0, "1 mg/dL = 88.4 umol/L"},    // standards.md §0.3, §3.1
      {"176.8 umol/L", QuantityKind::kCreatinine, 2.0, "1 mg/dL = 88.4 umol/L"},   // standards.md §0.3, §3.1
      {"123.76 umol/L", QuantityKind::kCreatinine, 1.4, "umol/L / 88.4 = mg/dL"},  // standards.md §3.1
      {"177 umol/L", QuantityKind::kCreatinine, 177.0 / 88.4,
       "umol/L / 88.4 = mg/dL"},  // standards.md §1.5 (2 mg/dL ~ 177 umol/L)
      // Body weight, canonical kg (international avoirdupois pound: 1 lb = 0.45359237 kg exactly).
      {"70 kg", QuantityKind::kBodyWeight, 70.0, "canonical"},
      {"1 lb", QuantityKind::kBodyWeight, 0.45359237, "1 lb = 0.45359237 kg (definition)"},
      {"154 lb", QuantityKind::kBodyWeight, 154 * 0.45359237, "1 lb = 0.45359237 kg (definition)"},
      // Temperature, canonical Cel (C = (F - 32) / 1.8).
      {"38.5 Cel", QuantityKind::kTemperature, 38.5, "canonical; fever threshold label-facts.md §3.5"},
      {"101.3 [degF]", QuantityKind::kTemperature, 38.5, "101.3 F = 38.5 C, the fever threshold (label-facts.md §3.5)"},
      {"32 [degF]", QuantityKind::kTemperature, 0.0, "32 F = 0 C (definition)"},
      {"212 degF", QuantityKind::kTemperature, 100.0, "212 F = 100 C (definition)"},
      // Durations, canonical days (UCUM: 1 wk = 7 d, 1 h = 1/24 d).
      {"4 wk", QuantityKind::kDuration, 28.0, "within 4 weeks = 28 days (label-facts.md §3.4)"},
      {"12 h", QuantityKind::kDuration, 0.5, "the 12-hour missed-dose window (label-facts.md §1)"},
      {"28 d", QuantityKind::kDuration, 28.0, "28-day supply (label-facts.md §7.5)"},
      // Creatinine clearance, canonical mL/min (standards.md §3.1: not normalised to 1.73 m2).
      {"60 mL/min", QuantityKind::kCreatinineClearance, 60.0, "standards.md §3.1 units"},
      // Dose, canonical mg (capsule strengths are in mg, label-facts.md §1).
      {"2.5 mg", QuantityKind::kDose, 2.5, "label-facts.md §1"},
  };
  return cases;
}

TEST(UnitConversion, EveryFactsFileIdentityConvertsToTheCanonicalUnit) {
  const UnitTable& units = testing::K().units;
  for (const ConversionCase& c : Conversions()) {
    SCOPED_TRACE(std::string(c.text) + " (" + c.why + ")");
    auto v = units.Parse(c.kind, c.text);
    ASSERT_TRUE(v.ok()) << v.error().Describe();
    EXPECT_NEAR(*v, c.expected, 1e-9);
  }
}

struct SpellingCase {
  QuantityKind kind;
  std::vector<const char*> units;
  double value;     // written value
  double expected;  // canonical value
  const char* why;
};

TEST(UnitConversion, EverySpellingRealFeedsSendConvertsByTheSameIdentity) {
  // standards.md §5.4: real feeds send non-UCUM spellings; each must convert by the §0.3 identity.
  const std::vector<SpellingCase> cases = {
      {QuantityKind::kCellCount,
       {"10*9/L", "10^9/L", "x10^9/L", "x10E9/L", "x 10^9/L", "G/L", "Gpt/L"},
       30,
       30,
       "standards.md §0.3: 10^9/L (G/L = giga per litre)"},
      {QuantityKind::kCellCount,
       {"10*3/uL", "10^3/uL", "x10^3/uL", "x10E3/uL", "10*3/mm3", "K/uL", "K/mcL", "10^3/mcL", "10*3/µL", "10^3/µL",
        "x10^3/µL"},
       30,
       30,
       "standards.md §0.3: 1 x 10^9/L = 1 x 10^3/uL"},
      {QuantityKind::kCellCount,
       {"/uL", "/mcL", "/µL", "/mm3", "cells/uL", "cells/mcL"},
       30000,
       30,
       "standards.md §0.3: 1000/mm3 = 1 x 10^9/L; label-facts.md Units: 30,000/mcL = 30 x 10^9/L"},
      {QuantityKind::kCreatinine,
       {"umol/L", "µmol/L", "μmol/L"},
       88.4,
       1.0,
       "standards.md §0.3: 1 mg/dL = 88.4 umol/L"},
      {QuantityKind::kCreatinine, {"mmol/L"}, 0.0884, 1.0, "standards.md §0.3: 88.4 umol/L = 0.0884 mmol/L"},
      {QuantityKind::kBodyWeight, {"lb", "lbs", "[lb_av]"}, 100, 45.359237, "1 lb = 0.45359237 kg (definition)"},
      {QuantityKind::kBodyWeight, {"g"}, 70000, 70, "1000 g = 1 kg"},
      {QuantityKind::kTemperature, {"Cel", "°C", "C", "degC"}, 38.5, 38.5, "label-facts.md §3.5: 38.5 C"},
      {QuantityKind::kTemperature, {"[degF]", "°F", "F", "degF"}, 101.3, 38.5, "(101.3 - 32) / 1.8 = 38.5 C"},
      {QuantityKind::kTemperature, {"[degF]", "°F", "F", "degF"}, 98.6, 37.0, "(98.6 - 32) / 1.8 = 37 C"},
      {QuantityKind::kCreatinineClearance, {"mL/min", "ml/min"}, 59.99, 59.99, "standards.md §3.1: mL/min"},
      {QuantityKind::kAge, {"a", "y", "years"}, 75, 75, "standards.md §7.1: age in years"},
      {QuantityKind::kDuration, {"d"}, 7, 7, "label-facts.md §3.5: >= 7 days"},
      {QuantityKind::kDuration, {"wk"}, 8, 56, "label-facts.md §5: the first 8 weeks"},
      {QuantityKind::kDuration, {"h"}, 48, 2, "label-facts.md §4.1: every 48 h = every 2 days"},
      {QuantityKind::kFraction, {"%"}, 50, 50, "label-facts.md §3.4: 50% of baseline"},
  };
  const UnitTable& units = testing::K().units;
  for (const SpellingCase& c : cases) {
    for (const char* unit : c.units) {
      SCOPED_TRACE(FormatNumber(c.value) + " " + unit + " (" + c.why + ")");
      auto v = units.ToCanonical(c.kind, RawQuantity{c.value, unit});
      ASSERT_TRUE(v.ok()) << v.error().Describe();
      EXPECT_NEAR(*v, c.expected, 1e-9);
    }
  }
}

TEST(UnitConversion, CellCountsInTenToTheNinthAndTenToTheThirdPerMicrolitreAreTheSameNumber) {
  // standards.md §0.3: UCUM 10*9/L is the same as 10*3/uL.
  const UnitTable& units = testing::K().units;
  for (double value : {0.5, 1.0, 30.0, 50.0, 75.0, 100.0}) {
    const std::string n = FormatNumber(value);
    auto si = units.Parse(QuantityKind::kCellCount, n + " 10*9/L");
    auto us = units.Parse(QuantityKind::kCellCount, n + " 10*3/uL");
    ASSERT_TRUE(si.ok());
    ASSERT_TRUE(us.ok());
    EXPECT_DOUBLE_EQ(*si, *us) << n;
  }
}

TEST(UnitConversion, CanonicalUnitsMatchTheFactsFiles) {
  const UnitTable& units = testing::K().units;
  // standards.md §0.3 and §5.4: cell counts in 10*9/L; creatinine in mg/dL (§3.1 formula units).
  ASSERT_NE(units.Find(QuantityKind::kCellCount), nullptr);
  EXPECT_EQ(units.Find(QuantityKind::kCellCount)->canonical, "10*9/L");
  ASSERT_NE(units.Find(QuantityKind::kCreatinine), nullptr);
  EXPECT_EQ(units.Find(QuantityKind::kCreatinine)->canonical, "mg/dL");
  ASSERT_NE(units.Find(QuantityKind::kHemoglobin), nullptr);
  EXPECT_EQ(units.Find(QuantityKind::kHemoglobin)->canonical, "g/dL");
  ASSERT_NE(units.Find(QuantityKind::kCreatinineClearance), nullptr);
  EXPECT_EQ(units.Find(QuantityKind::kCreatinineClearance)->canonical, "mL/min");
}

TEST(UnitConversion, AQuantityWithoutAUnitIsRejected) {
  auto v = testing::K().units.Parse(QuantityKind::kCellCount, "30");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(v.error().message.find("no unit"), std::string::npos) << v.error().message;
}

TEST(UnitConversion, AnUnknownUnitIsRejected) {
  auto v = testing::K().units.Parse(QuantityKind::kCellCount, "30 furlongs");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(v.error().message.find("unknown unit 'furlongs'"), std::string::npos) << v.error().message;
}

TEST(UnitConversion, PlateletsInMilligramsPerDecilitreAreRejectedAsACreatinineUnit) {
  auto v = testing::K().units.Parse(QuantityKind::kCellCount, "150 mg/dL");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, ErrorKind::kBadInput);
  EXPECT_NE(v.error().message.find("creatinine"), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find("cell count"), std::string::npos) << v.error().message;
}

TEST(UnitConversion, GramsPerLitreAreHemoglobinNotGigaPerLitre) {
  // Units match case-sensitively: G/L (giga per litre) is a cell count, g/L is a mass concentration.
  const UnitTable& units = testing::K().units;
  auto giga = units.Parse(QuantityKind::kCellCount, "30 G/L");
  ASSERT_TRUE(giga.ok()) << giga.error().Describe();
  EXPECT_DOUBLE_EQ(*giga, 30.0);  // standards.md §0.3: 10^9/L
  auto grams = units.Parse(QuantityKind::kCellCount, "30 g/L");
  EXPECT_FALSE(grams.ok());
}

TEST(UnitConversion, CommonSpellingsInAnyCaseAreReadWhereUnambiguous) {
  // As people type them into forms: the conversion is the exact spelling's (standards.md §0.3).
  const UnitTable& units = testing::K().units;
  struct Case {
    QuantityKind kind;
    const char* typed;
    const char* exact;
  };
  for (const Case& c :
       {Case{QuantityKind::kCreatinine, "1.3 mg/dl", "1.3 mg/dL"},
        Case{QuantityKind::kCreatinine, "100 UMOL/L", "100 umol/L"}, Case{QuantityKind::kBodyWeight, "58 KG", "58 kg"},
        Case{QuantityKind::kBodyWeight, "150 LB", "150 lb"}, Case{QuantityKind::kCellCount, "150 k/uL", "150 K/uL"},
        Case{QuantityKind::kCellCount, "1.5 10^9/l", "1.5 10^9/L"},
        Case{QuantityKind::kCellCount, "1500 cells/mm3", "1500 /mm3"},
        Case{QuantityKind::kCellCount, "1500 CELLS/MM3", "1500 /mm3"},
        Case{QuantityKind::kHemoglobin, "10.5 G/DL", "10.5 g/dL"}}) {
    auto typed = units.Parse(c.kind, c.typed);
    auto exact = units.Parse(c.kind, c.exact);
    ASSERT_TRUE(exact.ok()) << c.exact;
    ASSERT_TRUE(typed.ok()) << c.typed << ": " << typed.error().message;
    EXPECT_DOUBLE_EQ(*typed, *exact) << c.typed;
  }
  // Not where another kind spells it so: G/L is a cell count's unit, so a hemoglobin in "G/L" is
  // refused rather than read as grams per litre.
  auto giga = units.Parse(QuantityKind::kHemoglobin, "105 G/L");
  ASSERT_FALSE(giga.ok());
  EXPECT_NE(giga.error().message.find("cell count"), std::string::npos) << giga.error().message;
}

TEST(UnitConversion, ACreatinineInCellCountUnitsIsRejected) {
  auto v = testing::K().units.Parse(QuantityKind::kCreatinine, "1.2 10*9/L");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("cell count"), std::string::npos) << v.error().message;
}

TEST(UnitConversion, ThousandsSeparatorsAreRejected) {
  for (const char* text : {"25,000 /uL", "30,000 /mcL", "1,000/mm3"}) {
    auto v = testing::K().units.Parse(QuantityKind::kCellCount, text);
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_EQ(v.error().kind, ErrorKind::kBadInput);
    EXPECT_NE(v.error().message.find("separator"), std::string::npos) << v.error().message;
  }
}

TEST(UnitConversion, ExponentsAreRejected) {
  auto v = testing::K().units.Parse(QuantityKind::kCellCount, "2.5e4 /uL");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("exponent"), std::string::npos) << v.error().message;
}

TEST(ParseQuantity, SplitsTheNumberFromTheUnitWithOrWithoutASpace) {
  auto spaced = ParseQuantity("58 kg");
  ASSERT_TRUE(spaced.ok());
  EXPECT_DOUBLE_EQ(spaced->value, 58.0);
  EXPECT_EQ(spaced->unit, "kg");
  auto tight = ParseQuantity("1.3mg/dL");
  ASSERT_TRUE(tight.ok());
  EXPECT_DOUBLE_EQ(tight->value, 1.3);
  EXPECT_EQ(tight->unit, "mg/dL");
}

TEST(ParseQuantity, RejectsTextWithoutANumber) {
  auto v = ParseQuantity("mg/dL");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("no number"), std::string::npos) << v.error().message;
}

TEST(FormatNumber, DropsTrailingZeros) {
  EXPECT_EQ(FormatNumber(2.5), "2.5");
  EXPECT_EQ(FormatNumber(25), "25");
  EXPECT_EQ(FormatNumber(0.75), "0.75");
  EXPECT_EQ(FormatNumber(0), "0");
}

}  // namespace
}  // namespace lenacare
