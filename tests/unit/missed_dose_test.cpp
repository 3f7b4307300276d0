// The missed-dose rule (label-facts.md §1): if no more than 12 hours past the usual time, take it;
// if more than 12 hours, skip it and take the next dose at the usual time; never take two doses.
#include "clinical/missed_dose.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

constexpr long kHour = 60;
constexpr long kScheduled = 10 * 24 * 60 + 8 * 60;  // day 10, 08:00

TEST(ProductFacts, TheMissedDoseWindowIsTwelveHours) {
  EXPECT_DOUBLE_EQ(testing::K().missed_dose_window_hours, 12.0);  // label-facts.md §1 Missed dose [V2]
  EXPECT_TRUE(testing::K().missed_dose_cite.verified);
}

struct MissedCase {
  long minutes_late;
  MissedDoseAction action;
  const char* why;
};

TEST(MissedDose, TheTwelveHourRuleAtEachSideOfTheEdge) {
  const std::vector<MissedCase> cases = {
      {-1, MissedDoseAction::kNotYetDue, "one minute before the usual time: not late"},
      {-8 * kHour, MissedDoseAction::kNotYetDue, "eight hours before the usual time"},
      {0, MissedDoseAction::kTakeNow, "at the usual time"},
      {1 * kHour, MissedDoseAction::kTakeNow, "label-facts.md §1: <= 12 h late, take it"},
      {11 * kHour + 59, MissedDoseAction::kTakeNow, "label-facts.md §1: 11 h 59 late, take it"},
      {12 * kHour, MissedDoseAction::kTakeNow, "label-facts.md §1: exactly 12 h is '<= 12 h', take it"},
      {12 * kHour + 1, MissedDoseAction::kSkip, "label-facts.md §1: 12 h 01 is '> 12 h', skip it"},
      {20 * kHour, MissedDoseAction::kSkip, "label-facts.md §1: > 12 h late, skip it"},
  };
  for (const MissedCase& c : cases) {
    SCOPED_TRACE(c.why);
    const MissedDoseAdvice a = AdviseMissedDose(testing::K(), kScheduled, kScheduled + c.minutes_late);
    EXPECT_EQ(a.action, c.action);
    EXPECT_DOUBLE_EQ(a.window_hours, 12.0);  // label-facts.md §1
  }
}

TEST(MissedDose, ReportsHowLateTheDoseIs) {
  const MissedDoseAdvice a = AdviseMissedDose(testing::K(), kScheduled, kScheduled + 11 * kHour + 30);
  EXPECT_DOUBLE_EQ(a.hours_late, 11.5);
  const MissedDoseAdvice early = AdviseMissedDose(testing::K(), kScheduled, kScheduled - kHour);
  EXPECT_DOUBLE_EQ(early.hours_late, 0.0);
}

TEST(MissedDose, SkipAdviceSaysNeverToTakeTwoDoses) {
  // label-facts.md §1: never take 2 doses to make up.
  const MissedDoseAdvice a = AdviseMissedDose(testing::K(), kScheduled, kScheduled + 13 * kHour);
  ASSERT_EQ(a.action, MissedDoseAction::kSkip);
  EXPECT_NE(a.advice.find("never take two doses"), std::string::npos) << a.advice;
  EXPECT_NE(a.advice.find("12"), std::string::npos) << a.advice;
}

TEST(MissedDose, TakeAdviceNamesTheTwelveHourWindow) {
  const MissedDoseAdvice a = AdviseMissedDose(testing::K(), kScheduled, kScheduled + 3 * kHour);
  ASSERT_EQ(a.action, MissedDoseAction::kTakeNow);
  EXPECT_NE(a.advice.find("12 hours"), std::string::npos) << a.advice;
  EXPECT_FALSE(a.cite.source.empty());
}

}  // namespace
}  // namespace lenacare
