// Calendar dates: parsing, arithmetic and age in whole years (standards.md §7.1: age = full years
// at the observation date).
#include "core/date.h"

#include <gtest/gtest.h>

#include <string>

namespace lenacare {
namespace {

Date D(const char* text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Date();
}

TEST(Date, TheEpochIsTheFirstOfJanuary1970) {
  EXPECT_EQ(Date::FromDays(0).ToString(), "1970-01-01");
  EXPECT_EQ(Date::FromCivil(1970, 1, 1).days(), 0);
}

TEST(Date, ParsesAndPrintsTheSameDay) {
  for (const char* text : {"2024-02-29", "2000-02-29", "1999-12-31", "2026-01-01", "1900-03-01"}) {
    auto d = Date::Parse(text);
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(d->ToString(), text);
  }
}

TEST(Date, ExposesYearMonthAndDay) {
  const Date d = D("2025-07-04");
  EXPECT_EQ(d.year(), 2025);
  EXPECT_EQ(d.month(), 7u);
  EXPECT_EQ(d.day(), 4u);
}

TEST(Date, RejectsDaysThatAreNotOnTheCalendar) {
  for (const char* text : {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00"}) {
    auto d = Date::Parse(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.error().kind, ErrorKind::kBadInput);
  }
}

TEST(Date, RejectsAnythingButYearMonthDayWithDashes) {
  for (const char* text : {"2024-2-1", "24-02-01", "2024/02/01", "01-02-2024", "2024-02-01T00:00", "", "2024-0a-01"}) {
    EXPECT_FALSE(Date::Parse(text).ok()) << text;
  }
}

TEST(Date, AddingDaysCrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(D("2024-02-28").AddDays(1).ToString(), "2024-02-29");
  EXPECT_EQ(D("2023-02-28").AddDays(1).ToString(), "2023-03-01");
  EXPECT_EQ(D("2025-12-31").AddDays(1).ToString(), "2026-01-01");
  EXPECT_EQ(D("2026-01-01").AddDays(-1).ToString(), "2025-12-31");
  // A 28-day cycle (label-facts.md §2): day 1 of cycle 2 is 28 days after day 1 of cycle 1.
  EXPECT_EQ(D("2025-01-01").AddDays(28).ToString(), "2025-01-29");
}

TEST(Date, CountsDaysBetweenTwoDates) {
  EXPECT_EQ(D("2025-03-01").DaysSince(D("2025-02-01")), 28);
  EXPECT_EQ(D("2024-03-01").DaysSince(D("2024-02-01")), 29);
  EXPECT_EQ(D("2025-01-01").DaysSince(D("2025-01-08")), -7);
}

TEST(Date, DatesCompareInCalendarOrder) {
  EXPECT_LT(D("2025-01-31"), D("2025-02-01"));
  EXPECT_EQ(D("2025-02-01"), D("2025-01-31").AddDays(1));
}

TEST(Date, AgeCountsOnlyCompletedYears) {
  const Date birth = D("1950-06-15");
  EXPECT_EQ(D("2025-06-14").YearsSince(birth), 74);
  EXPECT_EQ(D("2025-06-15").YearsSince(birth), 75);  // the birthday completes the year
  EXPECT_EQ(D("2026-06-14").YearsSince(birth), 75);
  EXPECT_EQ(D("2026-06-15").YearsSince(birth), 76);
}

TEST(Date, AgeOfSomeoneBornOnALeapDay) {
  const Date birth = D("1948-02-29");
  EXPECT_EQ(D("2025-02-28").YearsSince(birth), 76);
  EXPECT_EQ(D("2025-03-01").YearsSince(birth), 77);
}

}  // namespace
}  // namespace lenacare
