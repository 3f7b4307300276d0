// Dose-level ladders ("next lower dose") and floors ("do not dose below") per indication and
// starting dose, with the verified flag of every step, against label-facts.md §3.2-§3.6.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

struct LevelFacts {
  double dose_mg;
  const char* days;  // nullptr: the indication's pill days
  bool verified;     // the step INTO this level
};

struct LadderFacts {
  const char* indication;
  double starting_dose_mg;
  std::vector<LevelFacts> levels;
  double floor_mg;
  const char* floor_days;  // nullptr: the indication's pill days
  bool floor_verified;
};

const std::vector<LadderFacts>& Facts() {
  static const std::vector<LadderFacts> facts = {
      // label-facts.md §3.2: the US label lists no MM dose levels, only "next lower dose"; a
      // 25-20-15-10-5-2.5 ladder following the capsule strengths is a local convention (not label
      // text, so not verified). Floor: do not dose below 2.5 mg daily [V2].
      {"mm",
       25,
       {{25, nullptr, false},
        {20, nullptr, false},
        {15, nullptr, false},
        {10, nullptr, false},
        {5, nullptr, false},
        {2.5, nullptr, false}},
       2.5,
       nullptr,
       true},
      // label-facts.md §3.3: maintenance 15 -> 10 -> 5 mg (continuous, Days 1-28) -> 5 mg Days 1-21/28.
      // The steps from 15 and from 10 are [UNV]; the 5 mg -> 5 mg Days 1-21 step is [V1]; floor 5 mg
      // Days 1-21 [V1] (S11).
      {"mm-maintenance",
       10,
       {{15, "1-28", false}, {10, "1-28", false}, {5, "1-28", false}, {5, "1-21", true}},
       5,
       "1-21",
       true},
      // label-facts.md §3.4: MDS ladder 10 -> 5 -> 2.5 mg daily; all numeric MDS values [UNV]; the label
      // does not say what happens below 2.5 mg [UNV].
      {"mds", 10, {{10, nullptr, false}, {5, nullptr, false}, {2.5, nullptr, false}}, 2.5, nullptr, false},
      // label-facts.md §3.5: MCL ladder 25 -> 20 -> 15 -> 10 -> 5 mg (5 mg less than the previous dose),
      // floor 5 mg daily [V1] (S7).
      {"mcl",
       25,
       {{25, nullptr, true}, {20, nullptr, true}, {15, nullptr, true}, {10, nullptr, true}, {5, nullptr, true}},
       5,
       nullptr,
       true},
      // label-facts.md §3.6: FL/MZL US table [UNV]: from a 20 mg start, 5 mg less each step, floor 5 mg.
      {"fl",
       20,
       {{20, nullptr, false}, {15, nullptr, false}, {10, nullptr, false}, {5, nullptr, false}},
       5,
       nullptr,
       false},
      {"mzl",
       20,
       {{20, nullptr, false}, {15, nullptr, false}, {10, nullptr, false}, {5, nullptr, false}},
       5,
       nullptr,
       false},
      // label-facts.md §3.6: from a 10 mg start (renal impairment), 2.5 mg less each step, floor 2.5 mg [UNV].
      {"fl",
       10,
       {{10, nullptr, false}, {7.5, nullptr, false}, {5, nullptr, false}, {2.5, nullptr, false}},
       2.5,
       nullptr,
       false},
      {"mzl",
       10,
       {{10, nullptr, false}, {7.5, nullptr, false}, {5, nullptr, false}, {2.5, nullptr, false}},
       2.5,
       nullptr,
       false},
  };
  return facts;
}

std::string Name(const LadderFacts& f) {
  return std::string(f.indication) + " from " + FormatNumber(f.starting_dose_mg) + " mg";
}

TEST(DoseLadders, EachIndicationStepsDownThroughTheLevelsOfTheFactsFile) {
  for (const LadderFacts& f : Facts()) {
    SCOPED_TRACE(Name(f));
    const Ladder* ladder = testing::K().FindLadder(f.indication, f.starting_dose_mg);
    ASSERT_NE(ladder, nullptr);
    ASSERT_EQ(ladder->levels.size(), f.levels.size());
    for (std::size_t n = 0; n < f.levels.size(); ++n) {
      SCOPED_TRACE("level " + std::to_string(n));
      const DoseLevel& level = ladder->levels[n];
      EXPECT_DOUBLE_EQ(level.dose_mg, f.levels[n].dose_mg);
      if (f.levels[n].days == nullptr) {
        EXPECT_FALSE(level.days.has_value());
      } else {
        ASSERT_TRUE(level.days.has_value());
        EXPECT_EQ(level.days->text(), f.levels[n].days);
      }
    }
  }
}

TEST(DoseLadders, EachStepIsVerifiedOnlyWhenTheFactsFileTagsItVerified) {
  for (const LadderFacts& f : Facts()) {
    SCOPED_TRACE(Name(f));
    const Ladder* ladder = testing::K().FindLadder(f.indication, f.starting_dose_mg);
    ASSERT_NE(ladder, nullptr);
    ASSERT_EQ(ladder->levels.size(), f.levels.size());
    for (std::size_t n = 0; n < f.levels.size(); ++n) {
      EXPECT_EQ(ladder->levels[n].cite.verified, f.levels[n].verified) << "level " << n;
    }
  }
}

TEST(DoseLadders, EachIndicationHasTheFloorOfTheFactsFile) {
  for (const LadderFacts& f : Facts()) {
    SCOPED_TRACE(Name(f));
    const Floor* floor = testing::K().FindFloor(f.indication, f.starting_dose_mg);
    ASSERT_NE(floor, nullptr);
    EXPECT_DOUBLE_EQ(floor->dose_mg, f.floor_mg);
    if (f.floor_days == nullptr) {
      EXPECT_FALSE(floor->days.has_value());
    } else {
      ASSERT_TRUE(floor->days.has_value());
      EXPECT_EQ(floor->days->text(), f.floor_days);
    }
    EXPECT_EQ(floor->cite.verified, f.floor_verified);
  }
}

TEST(DoseLadders, TheMyelomaLadderIsMarkedAsALocalConventionNotLabelText) {
  // label-facts.md §3.2: "if the CDS uses it, label it as a local convention".
  const Ladder* ladder = testing::K().FindLadder("mm", 25);
  ASSERT_NE(ladder, nullptr);
  EXPECT_FALSE(ladder->cite.verified);
  EXPECT_EQ(ladder->cite.confidence, "convention");
}

TEST(DoseLadders, TheMaintenanceFloorIsFiveMilligramsOnDaysOneToTwentyOne) {
  // label-facts.md §3.3: do not go below 5 mg on Days 1-21 of a 28-day cycle [V1].
  const Floor* floor = testing::K().FindFloor("mm-maintenance", 10);
  ASSERT_NE(floor, nullptr);
  ASSERT_TRUE(floor->days.has_value());
  EXPECT_EQ(floor->days->Count(), 21);
  EXPECT_EQ(floor->days->First(), 1);
  EXPECT_EQ(floor->days->Last(), 21);
}

TEST(DoseLadders, EveryStepLowersTheDoseIntensity) {
  // label-facts.md §3: every "next lower dose" lowers the dose.
  for (const Ladder& ladder : testing::K().ladders) {
    for (const std::string& id : ladder.indications) {
      const Indication* ind = testing::K().FindIndication(id);
      ASSERT_NE(ind, nullptr) << id;
      double previous = 0;
      for (std::size_t n = 0; n < ladder.levels.size(); ++n) {
        const DoseLevel& l = ladder.levels[n];
        const Regimen r{l.dose_mg, Frequency::kDaily, l.days.value_or(ind->start.days)};
        if (n > 0) {
          EXPECT_LT(r.MgPerCycle(), previous) << ladder.cite.id << " level " << n;
        }
        previous = r.MgPerCycle();
      }
    }
  }
}

TEST(DoseLadders, FollicularLymphomaHasNoLadderForAStartingDoseTheFactsDoNotCover) {
  // label-facts.md §3.6 covers starting doses of 20 mg and 10 mg only.
  EXPECT_EQ(testing::K().FindLadder("fl", 15), nullptr);
  EXPECT_EQ(testing::K().FindFloor("fl", 15), nullptr);
}

TEST(DoseLadders, AnUnknownIndicationHasNoLadder) {
  EXPECT_EQ(testing::K().FindLadder("cll", 25), nullptr);
  EXPECT_EQ(testing::K().FindFloor("cll", 25), nullptr);
}

}  // namespace
}  // namespace lenacare
