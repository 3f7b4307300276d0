// Capsule plans: which US capsule strengths make a dose and how many to dispense for one cycle
// within the REMS supply limit (label-facts.md §1, §7.5).
#include "clinical/capsules.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

Regimen Daily(double mg, const char* days) { return Regimen{mg, Frequency::kDaily, DaySet::Parse(days).value()}; }

// (strength, capsules per dose), largest strength first.
using Split = std::vector<std::pair<double, int>>;

Split SplitOf(const CapsulePlan& p) {
  Split s;
  for (const CapsuleCount& c : p.capsules) s.emplace_back(c.strength_mg, c.per_dose);
  return s;
}

TEST(ProductFacts, TheUsCapsuleStrengthsAreTwoPointFiveToTwentyFive) {
  // label-facts.md §1: hard capsules 2.5, 5, 10, 15, 20, 25 mg [V2] (no 7.5 mg in the US; that is EU only).
  EXPECT_EQ(testing::K().capsule_strengths_mg, (std::vector<double>{2.5, 5, 10, 15, 20, 25}));
  EXPECT_TRUE(testing::K().capsules_cite.verified);
}

TEST(ProductFacts, ADispenseIsAtMostTwentyEightDaysWithNoRefills) {
  // label-facts.md §7.5 prescription rules: <= 28-day (4-week) supply; no refills [V2].
  EXPECT_EQ(testing::K().max_supply_days, 28);
  EXPECT_EQ(testing::K().refills, 0);
  EXPECT_TRUE(testing::K().supply_cite.verified);
}

struct SplitCase {
  double dose_mg;
  Split split;
  const char* why;
};

TEST(Capsules, EachDoseIsMadeFromTheFewestUsCapsules) {
  const std::vector<SplitCase> cases = {
      {25, {{25, 1}}, "label-facts.md §1: a 25 mg capsule exists"},
      {20, {{20, 1}}, "label-facts.md §1: a 20 mg capsule exists"},
      {15, {{15, 1}}, "label-facts.md §1: a 15 mg capsule exists"},
      {10, {{10, 1}}, "label-facts.md §1: a 10 mg capsule exists"},
      {5, {{5, 1}}, "label-facts.md §1: a 5 mg capsule exists"},
      {2.5, {{2.5, 1}}, "label-facts.md §1: a 2.5 mg capsule exists"},
      {7.5, {{5, 1}, {2.5, 1}}, "label-facts.md §1: no 7.5 mg capsule in the US, so 5 + 2.5 (§3.6 FL ladder level)"},
      {12.5, {{10, 1}, {2.5, 1}}, "label-facts.md §1: 10 + 2.5"},
  };
  for (const SplitCase& c : cases) {
    SCOPED_TRACE(std::string(FormatNumber(c.dose_mg)) + " mg: " + c.why);
    auto plan = PlanCapsules(testing::K(), Daily(c.dose_mg, "1-21"), 28);
    ASSERT_TRUE(plan.ok()) << plan.error().Describe();
    EXPECT_DOUBLE_EQ(plan->dose_mg, c.dose_mg);
    EXPECT_EQ(SplitOf(*plan), c.split);
  }
}

TEST(Capsules, TwentyFiveMilligramsOnDaysOneToTwentyOneIsTwentyOneCapsules) {
  // label-facts.md §2 MM/MCL: 25 mg Days 1-21 of each 28-day cycle; §1 25 mg capsule.
  auto plan = PlanCapsules(testing::K(), Daily(25, "1-21"), 28);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->capsules.size(), std::size_t{1});
  EXPECT_DOUBLE_EQ(plan->capsules[0].strength_mg, 25);
  EXPECT_EQ(plan->capsules[0].quantity, 21);
  EXPECT_EQ(plan->pill_days, 21);
  EXPECT_EQ(plan->supply_days, 28);
}

TEST(Capsules, ContinuousTenMilligramsIsTwentyEightCapsulesWithinTheSupplyLimit) {
  // label-facts.md §2 maintenance/MDS: 10 mg daily Days 1-28; §7.5: <= 28-day supply.
  auto plan = PlanCapsules(testing::K(), Daily(10, "1-28"), 28);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->capsules.size(), std::size_t{1});
  EXPECT_DOUBLE_EQ(plan->capsules[0].strength_mg, 10);
  EXPECT_EQ(plan->capsules[0].quantity, 28);
  EXPECT_EQ(plan->pill_days, 28);
  EXPECT_LE(plan->supply_days, 28);
}

TEST(Capsules, FifteenMilligramsEveryOtherDayOnDaysOneToTwentyOneIsElevenCapsules) {
  // label-facts.md §4.1 column (a), CLcr < 30: 15 mg every 48 h; days 1, 3, ..., 21 = 11 doses.
  const Regimen r{15, Frequency::kEveryOtherDay, DaySet::Parse("1-21").value()};
  auto plan = PlanCapsules(testing::K(), r, 28);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->capsules.size(), std::size_t{1});
  EXPECT_DOUBLE_EQ(plan->capsules[0].strength_mg, 15);
  EXPECT_EQ(plan->capsules[0].quantity, 11);
  EXPECT_EQ(plan->pill_days, 11);
}

TEST(Capsules, SevenPointFiveMilligramsForTwentyOneDaysIsTwentyOneOfEachCapsule) {
  // label-facts.md §3.6 (FL/MZL from 10 mg: 7.5 mg level) and §1 (US strengths: 5 + 2.5).
  auto plan = PlanCapsules(testing::K(), Daily(7.5, "1-21"), 28);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->capsules.size(), std::size_t{2});
  EXPECT_DOUBLE_EQ(plan->capsules[0].strength_mg, 5);
  EXPECT_EQ(plan->capsules[0].quantity, 21);
  EXPECT_DOUBLE_EQ(plan->capsules[1].strength_mg, 2.5);
  EXPECT_EQ(plan->capsules[1].quantity, 21);
}

TEST(Capsules, ACycleLongerThanTheSupplyLimitIsDispensedForTwentyEightDaysOnly) {
  // label-facts.md §7.5: <= 28-day supply per prescription.
  auto plan = PlanCapsules(testing::K(), Daily(10, "1-35"), 35);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->supply_days, 28);
  EXPECT_EQ(plan->pill_days, 28);
  EXPECT_EQ(plan->capsules[0].quantity, 28);
}

TEST(Capsules, ThreeMilligramsCannotBeMadeFromUsCapsules) {
  // label-facts.md §1: the smallest US capsule is 2.5 mg and every strength is a multiple of 2.5 mg.
  auto plan = PlanCapsules(testing::K(), Daily(3, "1-21"), 28);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("3 mg"), std::string::npos) << plan.error().message;
}

TEST(Capsules, ADoseBelowTheSmallestCapsuleCannotBeMade) {
  // label-facts.md §1: smallest strength 2.5 mg.
  for (double mg : {0.25, 1.25}) {
    EXPECT_FALSE(PlanCapsules(testing::K(), Daily(mg, "1-21"), 28).ok()) << mg;
  }
}

TEST(Capsules, AZeroDoseIsBadInput) {
  auto plan = PlanCapsules(testing::K(), Daily(0, "1-21"), 28);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().kind, ErrorKind::kBadInput);
}

TEST(Capsules, EveryLevelOfEveryLadderCanBeMadeFromUsCapsules) {
  // label-facts.md §3: every dose level is given as capsules of the §1 strengths.
  for (const Ladder& ladder : testing::K().ladders) {
    for (const DoseLevel& level : ladder.levels) {
      auto plan = PlanCapsules(testing::K(), Daily(level.dose_mg, "1-21"), 28);
      EXPECT_TRUE(plan.ok()) << ladder.cite.id << " " << FormatNumber(level.dose_mg) << " mg";
    }
  }
}

TEST(Capsules, ThePlanCitesTheStrengthsAndTheSupplyLimit) {
  auto plan = PlanCapsules(testing::K(), Daily(25, "1-21"), 28);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->strengths_cite.source.empty());
  EXPECT_FALSE(plan->supply_cite.source.empty());
}

}  // namespace
}  // namespace lenacare
