// CTCAE v5.0 grades of the laboratory terms and of febrile neutropenia, band edge by band edge on
// both sides, written from standards.md §2.1 and §2.2 (the band notation of §0.2: CTCAE "<A - B"
// is B <= x < A; ">A - B" is A < x <= B), and the `lenacare grade` command that exposes them.
// Every expected value comes from the standards file, not from running the engine.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "clinical/grading.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::K;
using testing::RunLenacare;

constexpr const char* kV5 = "5.0";

struct Edge {
  LabTest test;
  double value;  // canonical unit: 10*9/L, g/dL, mg/dL
  std::optional<double> lln, uln, baseline;
  int grade;  // standards.md §2.1
  const char* why;
};

std::string Show(const Edge& e) {
  std::string s = std::string(LabTestId(e.test)) + " " + std::to_string(e.value);
  if (e.lln) s += " lln " + std::to_string(*e.lln);
  if (e.uln) s += " uln " + std::to_string(*e.uln);
  if (e.baseline) s += " baseline " + std::to_string(*e.baseline);
  return s + " (" + e.why + ")";
}

void ExpectGrades(const std::vector<Edge>& edges) {
  for (const Edge& e : edges) {
    SCOPED_TRACE(Show(e));
    auto g = GradeLab(K(), kV5, {e.test, e.value, e.lln, e.uln, e.baseline});
    ASSERT_TRUE(g.ok()) << g.error().Describe();
    EXPECT_EQ(g->grade, e.grade) << "band: " << g->band;
    EXPECT_EQ(g->version, "5.0");
  }
}

const std::optional<double> kNone = std::nullopt;

// ------------------------------------------------------------------------------------------------
// Neutrophil count decreased (standards.md §2.1): 1 <LLN - 1.5; 2 <1.5 - 1.0; 3 <1.0 - 0.5; 4 <0.5.

TEST(CtcaeNeutrophils, EveryBandEdgeGradesOnBothSides) {
  const double lln = 1.8;
  ExpectGrades({
      {LabTest::kAnc, 2.5, lln, kNone, kNone, 0, "above the LLN"},
      {LabTest::kAnc, 1.8, lln, kNone, kNone, 0, "at the LLN is grade 0"},
      {LabTest::kAnc, 1.79, lln, kNone, kNone, 1, "just below the LLN"},
      {LabTest::kAnc, 1.5, lln, kNone, kNone, 1, "1.5 is the bottom of grade 1"},
      {LabTest::kAnc, 1.49, lln, kNone, kNone, 2, "below 1.5"},
      {LabTest::kAnc, 1.0, lln, kNone, kNone, 2, "1.0 is the bottom of grade 2"},
      {LabTest::kAnc, 0.99, lln, kNone, kNone, 3, "below 1.0"},
      {LabTest::kAnc, 0.5, lln, kNone, kNone, 3, "0.5 is the bottom of grade 3"},
      {LabTest::kAnc, 0.49, lln, kNone, kNone, 4, "below 0.5"},
      {LabTest::kAnc, 0.0, lln, kNone, kNone, 4, "no neutrophils"},
  });
}

TEST(CtcaeNeutrophils, ValuesBelowOnePointFiveNeedNoLln) {
  ExpectGrades({
      {LabTest::kAnc, 1.49, kNone, kNone, kNone, 2, "grade 2 whatever the LLN"},
      {LabTest::kAnc, 0.99, kNone, kNone, kNone, 3, "grade 3 whatever the LLN"},
      {LabTest::kAnc, 0.49, kNone, kNone, kNone, 4, "grade 4 whatever the LLN"},
  });
}

// ------------------------------------------------------------------------------------------------
// Platelet count decreased: 1 <LLN - 75; 2 <75 - 50; 3 <50 - 25; 4 <25 (x10^9/L).

TEST(CtcaePlatelets, EveryBandEdgeGradesOnBothSides) {
  const double lln = 150;
  ExpectGrades({
      {LabTest::kPlatelets, 150, lln, kNone, kNone, 0, "at the LLN is grade 0"},
      {LabTest::kPlatelets, 149, lln, kNone, kNone, 1, "just below the LLN"},
      {LabTest::kPlatelets, 75, lln, kNone, kNone, 1, "75 is the bottom of grade 1"},
      {LabTest::kPlatelets, 74.9, lln, kNone, kNone, 2, "below 75"},
      {LabTest::kPlatelets, 50, lln, kNone, kNone, 2, "50 is the bottom of grade 2"},
      {LabTest::kPlatelets, 49.9, lln, kNone, kNone, 3, "below 50"},
      {LabTest::kPlatelets, 25, lln, kNone, kNone, 3, "25 is the bottom of grade 3"},
      {LabTest::kPlatelets, 24.9, lln, kNone, kNone, 4, "below 25"},
      {LabTest::kPlatelets, 3, lln, kNone, kNone, 4, "far below 25"},
  });
}

// ------------------------------------------------------------------------------------------------
// White blood cell decreased: 1 <LLN - 3.0; 2 <3.0 - 2.0; 3 <2.0 - 1.0; 4 <1.0 (x10^9/L).

TEST(CtcaeWhiteCells, EveryBandEdgeGradesOnBothSides) {
  const double lln = 4.0;
  ExpectGrades({
      {LabTest::kWbc, 4.0, lln, kNone, kNone, 0, "at the LLN is grade 0"},
      {LabTest::kWbc, 3.99, lln, kNone, kNone, 1, "just below the LLN"},
      {LabTest::kWbc, 3.0, lln, kNone, kNone, 1, "3.0 is the bottom of grade 1"},
      {LabTest::kWbc, 2.99, lln, kNone, kNone, 2, "below 3.0"},
      {LabTest::kWbc, 2.0, lln, kNone, kNone, 2, "2.0 is the bottom of grade 2"},
      {LabTest::kWbc, 1.99, lln, kNone, kNone, 3, "below 2.0"},
      {LabTest::kWbc, 1.0, lln, kNone, kNone, 3, "1.0 is the bottom of grade 3"},
      {LabTest::kWbc, 0.99, lln, kNone, kNone, 4, "below 1.0"},
  });
}

// ------------------------------------------------------------------------------------------------
// Anemia: 1 <LLN - 10.0; 2 <10.0 - 8.0; 3 <8.0 g/dL. Grades 4 and 5 are clinical, not numeric.

TEST(CtcaeAnemia, EveryBandEdgeGradesOnBothSides) {
  const double lln = 12.0;
  ExpectGrades({
      {LabTest::kHemoglobin, 12.0, lln, kNone, kNone, 0, "at the LLN is grade 0"},
      {LabTest::kHemoglobin, 11.9, lln, kNone, kNone, 1, "just below the LLN"},
      {LabTest::kHemoglobin, 10.0, lln, kNone, kNone, 1, "10.0 is the bottom of grade 1"},
      {LabTest::kHemoglobin, 9.99, lln, kNone, kNone, 2, "below 10.0"},
      {LabTest::kHemoglobin, 8.0, lln, kNone, kNone, 2, "8.0 is the bottom of grade 2"},
      {LabTest::kHemoglobin, 7.99, lln, kNone, kNone, 3, "below 8.0"},
  });
}

TEST(CtcaeAnemia, NoHemoglobinValueAloneIsGradeFour) {
  // standards.md §2.1: grade 4 is "life-threatening consequences; urgent intervention indicated".
  ExpectGrades({{LabTest::kHemoglobin, 4.0, 12.0, kNone, kNone, 3, "grade 4 is a clinical judgement"}});
}

// ------------------------------------------------------------------------------------------------
// Creatinine increased: 1 >ULN - 1.5 x ULN; 2 >1.5 - 3.0 x baseline or >1.5 - 3.0 x ULN;
// 3 >3.0 x baseline or >3.0 - 6.0 x ULN; 4 >6.0 x ULN. The worse of the ULN and baseline criteria.

TEST(CtcaeCreatinine, EveryUlnBandEdgeGradesOnBothSides) {
  const double uln = 1.0;
  ExpectGrades({
      {LabTest::kCreatinine, 0.7, kNone, uln, kNone, 0, "below the ULN"},
      {LabTest::kCreatinine, 1.0, kNone, uln, kNone, 0, "at the ULN is grade 0"},
      {LabTest::kCreatinine, 1.01, kNone, uln, kNone, 1, "just above the ULN"},
      {LabTest::kCreatinine, 1.5, kNone, uln, kNone, 1, "1.5 x ULN is the top of grade 1"},
      {LabTest::kCreatinine, 1.51, kNone, uln, kNone, 2, "above 1.5 x ULN"},
      {LabTest::kCreatinine, 3.0, kNone, uln, kNone, 2, "3.0 x ULN is the top of grade 2"},
      {LabTest::kCreatinine, 3.01, kNone, uln, kNone, 3, "above 3.0 x ULN"},
      {LabTest::kCreatinine, 6.0, kNone, uln, kNone, 3, "6.0 x ULN is the top of grade 3"},
      {LabTest::kCreatinine, 6.01, kNone, uln, kNone, 4, "above 6.0 x ULN"},
  });
}

TEST(CtcaeCreatinine, ExactMultiplesOfATypicalUlnStayInTheLowerGrade) {
  // A laboratory ULN of 1.2 mg/dL: 1.8 is exactly 1.5 x ULN (grade 1), 3.6 exactly 3.0 x ULN
  // (grade 2), 7.2 exactly 6.0 x ULN (grade 3); a band's upper edge belongs to it (§0.2).
  const double uln = 1.2;
  ExpectGrades({
      {LabTest::kCreatinine, 1.2, kNone, uln, kNone, 0, "at the ULN"},
      {LabTest::kCreatinine, 1.8, kNone, uln, kNone, 1, "exactly 1.5 x ULN"},
      {LabTest::kCreatinine, 1.81, kNone, uln, kNone, 2, "above 1.5 x ULN"},
      {LabTest::kCreatinine, 3.6, kNone, uln, kNone, 2, "exactly 3.0 x ULN"},
      {LabTest::kCreatinine, 3.61, kNone, uln, kNone, 3, "above 3.0 x ULN"},
      {LabTest::kCreatinine, 7.2, kNone, uln, kNone, 3, "exactly 6.0 x ULN"},
      {LabTest::kCreatinine, 7.21, kNone, uln, kNone, 4, "above 6.0 x ULN"},
  });
}

TEST(CtcaeCreatinine, BaselineCriteriaEdgesGradeOnBothSides) {
  // Baseline 1.0 mg/dL, ULN 1.2 mg/dL: the baseline criteria decide above 1.5 x baseline.
  ExpectGrades({
      {LabTest::kCreatinine, 1.5, kNone, 1.2, 1.0, 1, "exactly 1.5 x baseline: ULN criterion, grade 1"},
      {LabTest::kCreatinine, 1.51, kNone, 1.2, 1.0, 2, "above 1.5 x baseline: grade 2"},
      {LabTest::kCreatinine, 3.0, kNone, 1.2, 1.0, 2, "exactly 3.0 x baseline: grade 2"},
      {LabTest::kCreatinine, 3.01, kNone, 1.2, 1.0, 3, "above 3.0 x baseline: grade 3"},
  });
}

TEST(CtcaeCreatinine, TheWorseOfTheUlnAndBaselineCriteriaDecides) {
  ExpectGrades({
      // Baseline 0.5, ULN 1.0: 1.2 is grade 1 by the ULN, 2.4 x baseline (grade 2): grade 2.
      {LabTest::kCreatinine, 1.2, kNone, 1.0, 0.5, 2, "baseline criterion is worse"},
      // 1.5 is grade 1 by the ULN and exactly 3.0 x baseline (grade 2): grade 2.
      {LabTest::kCreatinine, 1.5, kNone, 1.0, 0.5, 2, "3.0 x baseline is still grade 2"},
      // 1.51 is grade 2 by the ULN and above 3.0 x baseline (grade 3): grade 3.
      {LabTest::kCreatinine, 1.51, kNone, 1.0, 0.5, 3, "above 3.0 x baseline"},
      // Baseline 2.0, ULN 1.0: 3.5 is 1.75 x baseline (grade 2) but 3.5 x ULN (grade 3): grade 3.
      {LabTest::kCreatinine, 3.5, kNone, 1.0, 2.0, 3, "ULN criterion is worse"},
      // 6.01 is above 6.0 x ULN: grade 4, whatever the baseline.
      {LabTest::kCreatinine, 6.01, kNone, 1.0, 0.5, 4, "grade 4 by the ULN"},
  });
}

TEST(CtcaeCreatinine, TheBaselineCriteriaStopAtGradeThree) {
  // Baseline 0.1, ULN 5.0: 5.5 is 55 x baseline but only 1.1 x ULN; no baseline criterion is grade 4.
  ExpectGrades({{LabTest::kCreatinine, 5.5, kNone, 5.0, 0.1, 3, "grade 3 is the highest baseline grade"}});
}

TEST(CtcaeCreatinine, AValueAtOrBelowTheUlnIsGradeZeroEvenWellAboveBaseline) {
  // standards.md §2.1: do not grade when the value is <= ULN (increased terms).
  ExpectGrades({
      {LabTest::kCreatinine, 1.0, kNone, 1.2, 0.5, 0, "below the ULN, 2 x baseline"},
      {LabTest::kCreatinine, 1.2, kNone, 1.2, 0.3, 0, "at the ULN, 4 x baseline"},
  });
}

TEST(CtcaeCreatinine, WithoutTheUlnIsBadInputNamingIt) {
  auto g = GradeLab(K(), kV5, {LabTest::kCreatinine, 2.0, kNone, kNone, 1.0});
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(g.error().field, "uln");
}

// ------------------------------------------------------------------------------------------------
// Cannot assess: only the missing LLN can place the value (grade 0 or 1).

TEST(CtcaeCannotAssess, ValuesThatOnlyTheMissingLlnCanPlace) {
  const std::vector<Edge> cases = {
      {LabTest::kAnc, 1.5, kNone, kNone, kNone, -1, "grade 1 or 0"},
      {LabTest::kAnc, 3.0, kNone, kNone, kNone, -1, "grade 1 or 0"},
      {LabTest::kPlatelets, 75, kNone, kNone, kNone, -1, "grade 1 or 0"},
      {LabTest::kWbc, 3.0, kNone, kNone, kNone, -1, "grade 1 or 0"},
      {LabTest::kHemoglobin, 10.0, kNone, kNone, kNone, -1, "grade 1 or 0"},
  };
  for (const Edge& e : cases) {
    SCOPED_TRACE(Show(e));
    auto g = GradeLab(K(), kV5, {e.test, e.value, e.lln, e.uln, e.baseline});
    ASSERT_FALSE(g.ok()) << "graded " << g->grade;
    EXPECT_EQ(g.error().kind, ErrorKind::kCannotAssess);
    EXPECT_EQ(g.error().field, "lln");
  }
}

TEST(CtcaeCannotAssess, ValuesBelowTheGradeOneFloorAreGradedWithoutAnLln) {
  ExpectGrades({
      {LabTest::kPlatelets, 74.9, kNone, kNone, kNone, 2, "below 75"},
      {LabTest::kWbc, 2.99, kNone, kNone, kNone, 2, "below 3.0"},
      {LabTest::kHemoglobin, 9.99, kNone, kNone, kNone, 2, "below 10.0"},
      {LabTest::kHemoglobin, 7.99, kNone, kNone, kNone, 3, "below 8.0"},
  });
}

// ------------------------------------------------------------------------------------------------
// Febrile neutropenia (standards.md §2.2): grade 3 = ANC < 1.0 x10^9/L with a single temperature
// > 38.3 C, or >= 38 C sustained for more than 1 hour.

int FebrileGrade(double anc, double temperature, bool sustained) {
  auto g = GradeFebrileNeutropenia(K(), kV5, {anc, temperature, sustained});
  EXPECT_TRUE(g.ok()) << g.error().Describe();
  return g.ok() ? g->grade : -1;
}

TEST(CtcaeFebrileNeutropenia, ASingleTemperatureMustBeAbove38Point3) {
  EXPECT_EQ(FebrileGrade(0.99, 38.4, false), 3);
  EXPECT_EQ(FebrileGrade(0.99, 38.3, false), 0);
  EXPECT_EQ(FebrileGrade(0.99, 38.0, false), 0) << "38.0 C not sustained is not febrile neutropenia";
}

TEST(CtcaeFebrileNeutropenia, ASustainedTemperatureCountsFrom38) {
  EXPECT_EQ(FebrileGrade(0.99, 38.0, true), 3);
  EXPECT_EQ(FebrileGrade(0.99, 37.9, true), 0);
}

TEST(CtcaeFebrileNeutropenia, TheAncMustBeBelowOne) {
  EXPECT_EQ(FebrileGrade(1.0, 38.4, false), 0);
  EXPECT_EQ(FebrileGrade(1.0, 38.0, true), 0);
  EXPECT_EQ(FebrileGrade(0.2, 39.5, false), 3);
}

// ------------------------------------------------------------------------------------------------
// Versions.

TEST(CtcaeVersion, AnUnknownVersionIsBadInputNamingTheVersion) {
  auto g = GradeLab(K(), "4.03", {LabTest::kAnc, 0.8, kNone, kNone, kNone});
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(g.error().field, "version");
  auto fn = GradeFebrileNeutropenia(K(), "6.0", {0.5, 39.0, false});
  ASSERT_FALSE(fn.ok());
  EXPECT_EQ(fn.error().kind, ErrorKind::kBadInput);
  EXPECT_EQ(fn.error().field, "version");
}

// ------------------------------------------------------------------------------------------------
// `lenacare grade`: exit 0 answered, 1 cannot assess, 2 bad input naming the field.

std::string Describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

json ParseOut(const CommandResult& r) {
  json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << Describe(r);
  return j;
}

// Runs `lenacare grade ARGS --json` and returns its grade (or -1 when it did not answer).
int CliGrade(const std::string& args) {
  const CommandResult r = RunLenacare("grade " + args + " --json");
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << Describe(r);
  if (r.exit_code != 0) return -1;
  const json j = ParseOut(r);
  if (!j.contains("grade") || !j["grade"].is_number_integer()) {
    ADD_FAILURE() << "no grade: " << r.out;
    return -1;
  }
  return j["grade"].get<int>();
}

TEST(GradeCommand, AnswersWithTheGradeAndItsSourceInJson) {
  const CommandResult r = RunLenacare(R"(grade anc "0.8 10*9/L" --json)");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j.value("test", ""), "anc");
  EXPECT_EQ(j.value("value", ""), "0.8 10*9/L");
  EXPECT_EQ(j.value("term", ""), "Neutrophil count decreased");
  EXPECT_EQ(j.value("grade", -1), 3);
  EXPECT_EQ(j.value("ctcae_version", ""), "5.0");
  EXPECT_NE(j.value("band", "").find("0.5"), std::string::npos) << j.dump();
  EXPECT_NE(j.value("band", "").find("1"), std::string::npos) << j.dump();
  EXPECT_NE(j.value("source", "").find("CTCAE v5.0"), std::string::npos) << j.dump();
  ASSERT_TRUE(j.contains("verified"));
  EXPECT_TRUE(j["verified"].get<bool>());
}

TEST(GradeCommand, NamesEachLaboratoryTerm) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(anc "0.4 10*9/L")", "Neutrophil count decreased"},
      {R"(platelets "20 10*9/L")", "Platelet count decreased"},
      {R"(wbc "0.9 10*9/L")", "White blood cell decreased"},
      {R"(hemoglobin "7.5 g/dL")", "Anemia"},
      {R"(creatinine "2.0 mg/dL" --uln "1.0 mg/dL")", "Creatinine increased"},
      {R"(febrile-neutropenia "0.5 10*9/L" --temperature "38.5 Cel")", "Febrile neutropenia"},
  };
  for (const auto& [args, term] : cases) {
    SCOPED_TRACE(args);
    const CommandResult r = RunLenacare("grade " + args + " --json");
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    EXPECT_EQ(ParseOut(r).value("term", ""), term);
  }
}

TEST(GradeCommand, ReadsTheCountUnitsCtcaeQuotes) {
  // standards.md §2.1 quotes the counts per mm3 as well: 1500/mm3 = 1.5 x10^9/L, 75,000/mm3 = 75.
  EXPECT_EQ(CliGrade(R"(anc "1500 /mm3" --lln "1800 /mm3")"), 1);
  EXPECT_EQ(CliGrade(R"(anc "1490 /mm3")"), 2);
  EXPECT_EQ(CliGrade(R"(anc "1000 /uL")"), 2);
  EXPECT_EQ(CliGrade(R"(anc "990 /uL")"), 3);
  EXPECT_EQ(CliGrade(R"(anc "500 cells/uL")"), 3);
  EXPECT_EQ(CliGrade(R"(anc "490 cells/uL")"), 4);
  EXPECT_EQ(CliGrade(R"(platelets "75000 /uL" --lln "150000 /uL")"), 1);
  EXPECT_EQ(CliGrade(R"(platelets "74999 /uL")"), 2);
  EXPECT_EQ(CliGrade(R"(platelets "50 K/uL")"), 2);
  EXPECT_EQ(CliGrade(R"(platelets "25 10^9/L")"), 3);
  EXPECT_EQ(CliGrade(R"(wbc "3000 /mm3" --lln "4000 /mm3")"), 1);
  EXPECT_EQ(CliGrade(R"(wbc "2000 /mm3")"), 2);
  EXPECT_EQ(CliGrade(R"(wbc "1000 /mm3")"), 3);
  EXPECT_EQ(CliGrade(R"(wbc "999 /mm3")"), 4);
}

TEST(GradeCommand, GradesHemoglobinInGramsPerLitre) {
  // standards.md §2.1: 1 <LLN - 100 g/L; 2 <100 - 80 g/L; 3 <80 g/L.
  EXPECT_EQ(CliGrade(R"(hemoglobin "120 g/L" --lln "120 g/L")"), 0);
  EXPECT_EQ(CliGrade(R"(hemoglobin "100 g/L" --lln "120 g/L")"), 1);
  EXPECT_EQ(CliGrade(R"(hemoglobin "99 g/L")"), 2);
  EXPECT_EQ(CliGrade(R"(hemoglobin "80 g/L")"), 2);
  EXPECT_EQ(CliGrade(R"(hemoglobin "79 g/L")"), 3);
}

TEST(GradeCommand, GradesHemoglobinInMillimolesPerLitreByTheCtcaeBands) {
  // standards.md §2.1: 1 <LLN - 6.2 mmol/L; 2 <6.2 - 4.9 mmol/L; 3 <4.9 mmol/L.
  EXPECT_EQ(CliGrade(R"(hemoglobin "6.2 mmol/L" --lln "7.4 mmol/L")"), 1);
  EXPECT_EQ(CliGrade(R"(hemoglobin "6.1 mmol/L")"), 2);
  EXPECT_EQ(CliGrade(R"(hemoglobin "4.9 mmol/L")"), 2);
  EXPECT_EQ(CliGrade(R"(hemoglobin "4.8 mmol/L")"), 3);
}

TEST(GradeCommand, GradesCreatinineAgainstUlnAndBaseline) {
  EXPECT_EQ(CliGrade(R"(creatinine "1.0 mg/dL" --uln "1.0 mg/dL")"), 0);
  EXPECT_EQ(CliGrade(R"(creatinine "1.5 mg/dL" --uln "1.0 mg/dL")"), 1);
  EXPECT_EQ(CliGrade(R"(creatinine "3.0 mg/dL" --uln "1.0 mg/dL")"), 2);
  EXPECT_EQ(CliGrade(R"(creatinine "6.0 mg/dL" --uln "1.0 mg/dL")"), 3);
  EXPECT_EQ(CliGrade(R"(creatinine "6.1 mg/dL" --uln "1.0 mg/dL")"), 4);
  EXPECT_EQ(CliGrade(R"(creatinine "1.2 mg/dL" --uln "1.0 mg/dL" --baseline "0.5 mg/dL")"), 2);
  EXPECT_EQ(CliGrade(R"(creatinine "1.51 mg/dL" --uln "1.0 mg/dL" --baseline "0.5 mg/dL")"), 3);
  // standards.md §0.3: 1 mg/dL = 88.4 umol/L; 132.6 umol/L = 1.5 mg/dL = 1.5 x ULN.
  EXPECT_EQ(CliGrade(R"(creatinine "132.6 umol/L" --uln "88.4 umol/L")"), 1);
  EXPECT_EQ(CliGrade(R"(creatinine "265.2 umol/L" --uln "88.4 umol/L")"), 2);
  EXPECT_EQ(CliGrade(R"(creatinine "266 umol/L" --uln "88.4 umol/L")"), 3);
}

TEST(GradeCommand, GradesFebrileNeutropeniaFromOneOrASustainedTemperature) {
  EXPECT_EQ(CliGrade(R"(febrile-neutropenia "0.99 10*9/L" --temperature "38.4 Cel")"), 3);
  EXPECT_EQ(CliGrade(R"(febrile-neutropenia "0.99 10*9/L" --temperature "38.3 Cel")"), 0);
  EXPECT_EQ(CliGrade(R"(febrile-neutropenia "0.99 10*9/L" --temperature "38.0 Cel" --sustained)"), 3);
  EXPECT_EQ(CliGrade(R"(febrile-neutropenia "0.99 10*9/L" --temperature "38.0 Cel")"), 0);
  EXPECT_EQ(CliGrade(R"(febrile-neutropenia "0.99 10*9/L" --temperature "37.9 Cel" --sustained)"), 0);
  EXPECT_EQ(CliGrade(R"(febrile-neutropenia "1.0 10*9/L" --temperature "38.4 Cel")"), 0);
  // standards.md §2.2: >= 38 C is 100.4 F.
  EXPECT_EQ(CliGrade(R"(febrile-neutropenia "990 /uL" --temperature "100.4 [degF]" --sustained)"), 3);
}

TEST(GradeCommand, AValueOnlyTheMissingLlnCanPlaceCannotBeAssessed) {
  const CommandResult r = RunLenacare(R"(grade anc "1.6 10*9/L" --json)");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  ASSERT_TRUE(j.contains("error")) << r.out;
  EXPECT_EQ(j["error"].value("kind", ""), "cannot-assess");
  EXPECT_EQ(j["error"].value("field", ""), "--lln");
  // With the LLN it is answered.
  EXPECT_EQ(CliGrade(R"(anc "1.6 10*9/L" --lln "1.8 10*9/L")"), 1);
  EXPECT_EQ(CliGrade(R"(anc "1.6 10*9/L" --lln "1.5 10*9/L")"), 0);
}

struct BadCase {
  const char* args;
  const char* field;
  const char* why;
};

TEST(GradeCommand, BadInputExitsTwoNamingTheField) {
  const std::vector<BadCase> cases = {
      {R"(bilirubin "1.0 mg/dL")", "test", "an unknown test"},
      {R"(anc "0.8")", "value", "a value without its unit"},
      {R"(anc "0.8 mg/dL")", "value", "a creatinine unit for a count"},
      {R"(hemoglobin "8 10*9/L")", "value", "a count unit for hemoglobin"},
      {R"(anc "-0.5 10*9/L")", "value", "a negative value"},
      {R"(platelets "-20 10*9/L")", "value", "a negative count"},
      {R"(anc "0.8 10*9/L" --lln "1.8")", "--lln", "an LLN without its unit"},
      {R"(anc "0.8 10*9/L" --lln "1.8 g/dL")", "--lln", "an LLN in a unit that does not fit"},
      {R"(creatinine "1.5 mg/dL" --uln "1.2 10*9/L")", "--uln", "a ULN in a unit that does not fit"},
      {R"(creatinine "1.5 mg/dL" --uln "1.2 mg/dL" --baseline "0.9")", "--baseline", "a baseline without its unit"},
      {R"(creatinine "1.5 mg/dL")", "--uln", "creatinine without its ULN"},
      {R"(anc "0.8 10*9/L" --temperature "38.5 Cel")", "--temperature", "a temperature on a non-FN test"},
      {R"(febrile-neutropenia "0.8 10*9/L")", "--temperature", "febrile neutropenia without a temperature"},
      {R"(febrile-neutropenia "0.8 10*9/L" --temperature "38.5 mg/dL")", "--temperature", "a temperature unit"},
      {R"(anc "0.8 10*9/L" --ctcae 4.03)", "--ctcae", "an unknown CTCAE version"},
      {R"(febrile-neutropenia "0.8 10*9/L" --temperature "38.5 Cel" --ctcae 4.03)", "--ctcae",
       "an unknown CTCAE version for febrile neutropenia"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(std::string(c.why) + ": grade " + c.args);
    const CommandResult r = RunLenacare(std::string("grade ") + c.args + " --json");
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    const json j = ParseOut(r);
    ASSERT_TRUE(j.contains("error")) << r.out;
    EXPECT_EQ(j["error"].value("kind", ""), "bad-input");
    EXPECT_EQ(j["error"].value("field", ""), c.field) << r.out;
    EXPECT_NE(r.err.find(c.field), std::string::npos) << "stderr does not name the field:\n" << r.err;
  }
}

TEST(GradeCommand, AnLlnAboveTheUlnIsBadInputNamingTheLimits) {
  const CommandResult r = RunLenacare(R"(grade hemoglobin "9 g/dL" --lln "16 g/dL" --uln "12 g/dL" --json)");
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  const json j = ParseOut(r);
  ASSERT_TRUE(j.contains("error")) << r.out;
  EXPECT_EQ(j["error"].value("kind", ""), "bad-input");
  const std::string field = j["error"].value("field", "");
  EXPECT_TRUE(field == "--lln" || field == "--uln") << r.out;
}

}  // namespace
}  // namespace lenacare
