// The US indications as loaded from the knowledge base: starting dose, pill days, cycle length,
// maximum cycles, renal column, start criteria and dose increases (label-facts.md §2, §4.1;
// standards.md §8.1).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

struct IndicationFacts {
  const char* id;
  double starting_dose_mg;
  const char* pill_days;
  int pill_days_per_cycle;
  int cycle_days;
  int max_cycles;  // 0 = until progression or unacceptable toxicity
};

const std::vector<IndicationFacts>& Facts() {
  static const std::vector<IndicationFacts> facts = {
      // label-facts.md §2 MM: 25 mg once daily, Days 1-21 of each 28-day cycle, until progression [V2];
      // standards.md §8.1 Rd [C2].
      {"mm", 25, "1-21", 21, 28, 0},
      // label-facts.md §2 maintenance: 10 mg once daily continuously (Days 1-28 of each 28-day cycle) [V2];
      // standards.md §8.1 R maintenance [C2].
      {"mm-maintenance", 10, "1-28", 28, 28, 0},
      // label-facts.md §2 MDS: 10 mg once daily, no 21/28 schedule (continuous) [V2]; standards.md §8.1 [C2].
      {"mds", 10, "1-28", 28, 28, 0},
      // label-facts.md §2 MCL: 25 mg once daily, Days 1-21 of each 28-day cycle [V2]; standards.md §8.1 [C2].
      {"mcl", 25, "1-21", 21, 28, 0},
      // label-facts.md §2 FL: 20 mg once daily, Days 1-21 of each 28-day cycle, up to 12 cycles [V2];
      // standards.md §8.1 R2 [C2].
      {"fl", 20, "1-21", 21, 28, 12},
      // label-facts.md §2 MZL: same as FL, 20 mg Days 1-21/28, up to 12 cycles [V2].
      {"mzl", 20, "1-21", 21, 28, 12},
  };
  return facts;
}

TEST(Indications, EachIndicationHasTheLabelStartingDoseScheduleAndCycleLimit) {
  for (const IndicationFacts& f : Facts()) {
    SCOPED_TRACE(f.id);
    const Indication* ind = testing::K().FindIndication(f.id);
    ASSERT_NE(ind, nullptr);
    EXPECT_DOUBLE_EQ(ind->start.dose_mg, f.starting_dose_mg);
    EXPECT_EQ(ind->start.frequency, Frequency::kDaily);  // label-facts.md §2: once daily
    EXPECT_EQ(ind->start.days.text(), f.pill_days);
    EXPECT_EQ(ind->start.PillDaysPerCycle(), f.pill_days_per_cycle);
    EXPECT_EQ(ind->cycle_days, f.cycle_days);
    EXPECT_EQ(ind->max_cycles, f.max_cycles);
    EXPECT_TRUE(ind->cite.verified);  // every row of label-facts.md §2 is [V2] for the lenalidomide dose
  }
}

TEST(Indications, DailyContinuousIndicationsTakeAPillEveryDayOfTheCycle) {
  // label-facts.md §2: maintenance Days 1-28 of each 28-day cycle; MDS once daily with no 21/28 schedule.
  for (const char* id : {"mm-maintenance", "mds"}) {
    const Indication* ind = testing::K().FindIndication(id);
    ASSERT_NE(ind, nullptr);
    for (int day = 1; day <= ind->cycle_days; ++day) EXPECT_TRUE(ind->start.IsPillDay(day)) << id << " day " << day;
  }
}

TEST(Indications, ThreeWeeksOnOneWeekOffIndicationsRestOnDaysTwentyTwoToTwentyEight) {
  // label-facts.md §2: Days 1-21 of each 28-day cycle for MM, MCL, FL and MZL.
  for (const char* id : {"mm", "mcl", "fl", "mzl"}) {
    const Indication* ind = testing::K().FindIndication(id);
    ASSERT_NE(ind, nullptr);
    EXPECT_TRUE(ind->start.IsPillDay(21)) << id;
    for (int day = 22; day <= 28; ++day) EXPECT_FALSE(ind->start.IsPillDay(day)) << id << " day " << day;
  }
}

TEST(Indications, IndicationsShareRenalTablesAsTheLabelColumnsDo) {
  // label-facts.md §4.1: (a) MM combination and MCL; (b) maintenance and MDS; (c) FL/MZL.
  const Knowledge& k = testing::K();
  auto table = [&](const char* id) {
    const Indication* ind = k.FindIndication(id);
    return ind == nullptr ? std::string() : ind->renal_table;
  };
  EXPECT_EQ(table("mm"), table("mcl"));
  EXPECT_EQ(table("mm-maintenance"), table("mds"));
  EXPECT_EQ(table("fl"), table("mzl"));
  EXPECT_NE(table("mm"), table("mds"));
  EXPECT_NE(table("mm"), table("fl"));
  EXPECT_NE(table("mds"), table("fl"));
}

TEST(Indications, AnUnknownIndicationIsNotFound) {
  EXPECT_EQ(testing::K().FindIndication("cll"), nullptr);  // label-facts.md §2: not indicated for CLL
  EXPECT_EQ(testing::K().FindIndication(""), nullptr);
}

TEST(Indications, MaintenanceStartsAfterRecoveryToAncOneAndPlateletsSeventyFive) {
  // label-facts.md §2: ANC >= 1,000/mcL (1.0 x10^9/L) and/or platelets >= 75,000/mcL (75 x10^9/L) [V2];
  // standards.md §8.1 writes "and" [C2]: the combination is disputed between the two files.
  const StartCriterion* found = nullptr;
  for (const StartCriterion& s : testing::K().start_criteria) {
    if (s.indication == "mm-maintenance") found = &s;
  }
  ASSERT_NE(found, nullptr);
  ASSERT_EQ(found->tests.size(), std::size_t{2});
  for (const CountThreshold& t : found->tests) {
    if (t.test == LabTest::kAnc) {
      EXPECT_DOUBLE_EQ(t.at_least, 1.0);  // label-facts.md §2 maintenance
    } else {
      EXPECT_EQ(t.test, LabTest::kPlatelets);
      EXPECT_DOUBLE_EQ(t.at_least, 75.0);  // label-facts.md §2 maintenance
    }
  }
  EXPECT_EQ(found->combine, Combine::kDisputed);  // label-facts.md §2 "and/or" vs standards.md §8.1 "and"
  EXPECT_TRUE(found->cite.verified);              // label-facts.md §2, §3.3 [V2]
}

TEST(Indications, StartNotesCarryTheTagOfTheFactsFile) {
  // label-facts.md §2 start criteria column: MM "no numeric ANC/platelet start threshold" [UNV];
  // MDS and MCL "none stated" and FL/MZL "US: none seen" [V2 rows].
  const struct {
    const char* indication;
    bool verified;
  } facts[] = {{"mm", false}, {"mds", true}, {"mcl", true}, {"fl", true}, {"mzl", true}};
  for (const auto& f : facts) {
    int notes = 0;
    for (const StartNote& n : testing::K().start_notes) {
      if (n.indication != f.indication || n.within_cycles != 0) continue;
      ++notes;
      EXPECT_EQ(n.cite.verified, f.verified) << f.indication << ": " << n.text;
    }
    EXPECT_EQ(notes, 1) << f.indication;
  }
}

TEST(Indications, MyelomaStemCellsAreCollectedWithinFourCycles) {
  // label-facts.md §2 MM start criteria and §6 W&P 5.12: collect within 4 cycles [V2].
  bool found = false;
  for (const StartNote& n : testing::K().start_notes) {
    if (n.indication == "mm" && n.within_cycles > 0) {
      found = true;
      EXPECT_EQ(n.within_cycles, 4);
      EXPECT_TRUE(n.cite.verified);
    }
  }
  EXPECT_TRUE(found);
}

const Escalation* FindEscalation(const char* indication, double from_mg) {
  for (const Escalation& e : testing::K().escalations) {
    if (Contains(e.indications, indication) && e.from_dose_mg == from_mg) return &e;
  }
  return nullptr;
}

TEST(Indications, MaintenanceMayIncreaseToFifteenMilligramsAfterThreeCycles) {
  // label-facts.md §2 maintenance: after 3 cycles may increase to 15 mg once daily if tolerated [V2].
  const Escalation* e = FindEscalation("mm-maintenance", 10);
  ASSERT_NE(e, nullptr);
  EXPECT_DOUBLE_EQ(e->to_dose_mg, 15);
  EXPECT_EQ(e->after_cycles, 3);
  EXPECT_TRUE(e->cite.verified);
}

TEST(Indications, RenalEscalationsAreTheUnverifiedFootnotes) {
  // label-facts.md §4.1: 10 mg -> 15 mg after 2 cycles (columns (a) and (c)); 15 mg every 48 h ->
  // 10 mg daily (column (a)); the US footnotes are [UNV].
  for (const char* id : {"mm", "mcl", "fl", "mzl"}) {
    const Escalation* e = FindEscalation(id, 10);
    ASSERT_NE(e, nullptr) << id;
    EXPECT_DOUBLE_EQ(e->to_dose_mg, 15) << id;
    EXPECT_EQ(e->after_cycles, 2) << id;
    EXPECT_FALSE(e->cite.verified) << id;
  }
  for (const char* id : {"mm", "mcl"}) {
    const Escalation* e = FindEscalation(id, 15);
    ASSERT_NE(e, nullptr) << id;
    ASSERT_TRUE(e->from_frequency.has_value()) << id;
    EXPECT_EQ(*e->from_frequency, Frequency::kEveryOtherDay) << id;
    EXPECT_DOUBLE_EQ(e->to_dose_mg, 10) << id;
    EXPECT_EQ(e->after_cycles, 0) << id;  // label-facts.md §4.1: "if tolerated", no cycle count
    EXPECT_FALSE(e->cite.verified) << id;
  }
  // Column (b) has no escalation in label-facts.md §4.1.
  EXPECT_EQ(FindEscalation("mds", 5), nullptr);
  EXPECT_EQ(FindEscalation("mds", 10), nullptr);
}

}  // namespace
}  // namespace lenacare
