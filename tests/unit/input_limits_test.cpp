// The input-plausibility policy (knowledge/common/inputs.toml): values a living patient cannot
// have are refused before any rule runs. Not clinical guidance; the limits are lenacare's own and
// are listed in the README ("Input limits"). Each edge is tested on both sides.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clinical/inputs.h"
#include "test_support.h"

namespace lenacare {
namespace {

struct LimitCase {
  const char* subject;
  double ok;       // accepted
  double refused;  // refused
};

TEST(InputLimits, EachLimitAcceptsItsEdgeAndRefusesBeyondIt) {
  // README "Input limits": age above 0 and at most 120 a; weight above 0 and at most 350 kg;
  // creatinine above 0 and at most 25 mg/dL; ANC 0-100, platelets 0-3000, WBC 0-1000 x10^9/L;
  // hemoglobin above 0 and at most 30 g/dL; temperature 25-45 C; CrCl 0-300 mL/min; dose above 0
  // and at most 100 mg; BMI above 0 and at most 100 kg/m2; dexamethasone 0-2000 mg per month;
  // hCG detection threshold above 0 and at most 1000 mIU/mL.
  const std::vector<LimitCase> upper = {
      {"age", 120, 120.5},      {"weight", 350, 350.1},    {"creatinine", 25, 25.1},
      {"anc", 100, 100.1},      {"platelets", 3000, 3001}, {"wbc", 1000, 1001},
      {"hemoglobin", 30, 30.1}, {"temperature", 45, 45.1}, {"crcl", 300, 300.1},
      {"dose", 100, 100.5},     {"bmi", 100, 100.1},       {"dexamethasone_per_month", 2000, 2001},
      {"hcg", 1000, 1001},
  };
  for (const LimitCase& c : upper) {
    SCOPED_TRACE(c.subject);
    EXPECT_TRUE(CheckPlausible(testing::K(), c.subject, c.ok, c.subject).ok());
    const Status s = CheckPlausible(testing::K(), c.subject, c.refused, c.subject);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, c.subject);
  }
  const std::vector<LimitCase> lower = {
      {"age", 0.5, 0},      {"weight", 0.1, 0}, {"creatinine", 0.01, 0}, {"anc", 0, -0.1},
      {"platelets", 0, -1}, {"wbc", 0, -0.1},   {"hemoglobin", 0.1, 0},  {"temperature", 25, 24.9},
      {"crcl", 0, -1},      {"dose", 2.5, 0},   {"bmi", 0.1, 0},         {"dexamethasone_per_month", 0, -1},
      {"hcg", 0.1, 0},
  };
  for (const LimitCase& c : lower) {
    SCOPED_TRACE(c.subject);
    EXPECT_TRUE(CheckPlausible(testing::K(), c.subject, c.ok, c.subject).ok());
    EXPECT_FALSE(CheckPlausible(testing::K(), c.subject, c.refused, c.subject).ok());
  }
}

TEST(InputLimits, ARefusalSaysWhatIsWrongWithTheNumber) {
  const Status s = CheckPlausible(testing::K(), "weight", 600, "patient.weight");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "patient.weight");
  EXPECT_NE(s.error().message.find("implausible"), std::string::npos) << s.error().message;
  const Status negative = CheckPlausible(testing::K(), "platelets", -3, "events[0].value");
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.error().message.find("negative"), std::string::npos) << negative.error().message;
}

}  // namespace
}  // namespace lenacare
