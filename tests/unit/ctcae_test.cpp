// CTCAE v5.0 grading (standards.md §2.1, §2.2): what is not a table of values. The grades of each
// laboratory term and of febrile neutropenia, band edge by band edge on both sides and in the units
// CTCAE quotes, are use-case cases: tests/cases/grade/*.json. Here: the version check of the
// grading functions and the `lenacare grade` command's contract (exit codes, JSON, stderr).
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

// ------------------------------------------------------------------------------------------------
// Versions.

TEST(CtcaeVersion, AnUnknownVersionIsBadInputNamingTheVersion) {
  auto g = GradeLab(K(), "4.03", {LabTest::kAnc, 0.8, std::nullopt, std::nullopt, std::nullopt});
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

TEST(GradeCommand, AValueOnlyTheMissingLlnCanPlaceCannotBeAssessed) {
  const CommandResult r = RunLenacare(R"(grade anc "1.6 10*9/L" --json)");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  ASSERT_TRUE(j.contains("error")) << r.out;
  EXPECT_EQ(j["error"].value("kind", ""), "cannot-assess");
  EXPECT_EQ(j["error"].value("field", ""), "--lln");
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
