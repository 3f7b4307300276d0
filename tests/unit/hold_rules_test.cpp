// The loaded hematologic hold/resume rules (knowledge/us/hematologic.toml) against label-facts.md
// §3.2-§3.6: that each rule of the facts file is loaded once, for the right indication, count, fall
// and conditions, with as many triggers as the facts list, and that there is no other rule.
//
// What the rules do (each trigger on both sides of its threshold, keep holding, the resume
// threshold and dose, whether the answer is verified) is tested through `evaluate` by the use-case
// cases tests/cases/evaluate/*.json, one small course each. All counts are in 10^9/L: 1,000/mcL = 1.0
// (label-facts.md Units).
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

// Which rule a row of the facts file is: the conditions that tell the rules of one count apart.
struct RuleFacts {
  const char* name;
  const char* indication;
  LabTest test;
  FallOrder fall;
  std::optional<double> at_dose_mg;
  std::optional<int> phase_before_days, phase_from_days;
  std::optional<double> baseline_at_least, baseline_below;
  size_t triggers;  // how many alternative triggers the row lists
};

const std::optional<double> kNone;
const std::optional<int> kNoDays;

const std::vector<RuleFacts>& Facts() {
  constexpr auto kAnc = LabTest::kAnc;
  constexpr auto kPlt = LabTest::kPlatelets;
  constexpr auto kAny = FallOrder::kAny;
  static const std::vector<RuleFacts> facts = {
      // --- MM combination, label-facts.md §3.2 (USPI 2.1 Table 1) ---
      {"mm platelets", "mm", kPlt, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 1},  // < 30, first and each later fall
      {"mm anc first", "mm", kAnc, FallOrder::kFirst, kNone, kNoDays, kNoDays, kNone, kNone, 1},  // < 1.0, first fall
      {"mm anc later", "mm", kAnc, FallOrder::kLater, kNone, kNoDays, kNoDays, kNone, kNone, 1},  // each later fall
      // --- MM maintenance, label-facts.md §3.3 ---
      {"maintenance anc", "mm-maintenance", kAnc, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 1},  // < 0.5
      // --- MDS, label-facts.md §3.4 (4 weeks = 28 days) ---
      // Within the first 4 weeks at 10 mg, baseline ANC >= 1.0: < 0.75.
      {"mds anc first 4 weeks, baseline >= 1.0", "mds", kAnc, kAny, 10.0, 28, kNoDays, 1.0, kNone, 1},
      // Within the first 4 weeks, baseline ANC < 1.0: < 0.5.
      {"mds anc first 4 weeks, baseline < 1.0", "mds", kAnc, kAny, 10.0, 28, kNoDays, kNone, 1.0, 1},
      // After 4 weeks at 10 mg, and during 5 mg daily: < 0.5 for >= 7 days, or with fever >= 38.5 C.
      {"mds anc after 4 weeks", "mds", kAnc, kAny, 10.0, kNoDays, 28, kNone, kNone, 2},
      {"mds anc at 5 mg", "mds", kAnc, kAny, 5.0, kNoDays, kNoDays, kNone, kNone, 2},
      // Within 4 weeks: baseline platelets >= 100: < 50; 60 to < 100 and < 60: a fall to 50% of baseline.
      {"mds platelets first 4 weeks, baseline >= 100", "mds", kPlt, kAny, 10.0, 28, kNoDays, 100.0, kNone, 1},
      {"mds platelets first 4 weeks, baseline 60-100", "mds", kPlt, kAny, 10.0, 28, kNoDays, 60.0, 100.0, 1},
      {"mds platelets first 4 weeks, baseline < 60", "mds", kPlt, kAny, 10.0, 28, kNoDays, kNone, 60.0, 1},
      // After 4 weeks at 10 mg, and during 5 mg daily: < 30, or < 50 with platelet transfusions.
      {"mds platelets after 4 weeks", "mds", kPlt, kAny, 10.0, kNoDays, 28, kNone, kNone, 2},
      {"mds platelets at 5 mg", "mds", kPlt, kAny, 5.0, kNoDays, kNoDays, kNone, kNone, 2},
      // --- MCL, label-facts.md §3.5 (USPI 2.3): platelets < 50; ANC < 1.0 for >= 7 days, < 1.0 with
      // fever >= 38.5 C, or < 0.5 ---
      {"mcl platelets", "mcl", kPlt, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 1},
      {"mcl anc", "mcl", kAnc, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 3},
      // --- FL and MZL, label-facts.md §3.6 (USPI 2.4), believed: the MCL thresholds ---
      {"fl platelets", "fl", kPlt, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 1},
      {"fl anc", "fl", kAnc, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 3},
      {"mzl platelets", "mzl", kPlt, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 1},
      {"mzl anc", "mzl", kAnc, kAny, kNone, kNoDays, kNoDays, kNone, kNone, 3},
  };
  return facts;
}

bool SameNumber(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::fabs(*a - *b) < 1e-9;
}

// The rules that a facts row describes: same indication, count, fall and conditions.
std::vector<const HoldRule*> Matching(const RuleFacts& f) {
  std::vector<const HoldRule*> out;
  for (const HoldRule& h : testing::K().hold_rules) {
    if (!Contains(h.indications, f.indication) || h.test != f.test || h.fall != f.fall) continue;
    if (!SameNumber(h.at_dose_mg, f.at_dose_mg)) continue;
    if (h.phase_before_days != f.phase_before_days || h.phase_from_days != f.phase_from_days) continue;
    if (!SameNumber(h.baseline_at_least, f.baseline_at_least) || !SameNumber(h.baseline_below, f.baseline_below))
      continue;
    out.push_back(&h);
  }
  return out;
}

TEST(HoldRules, EveryRuleOfTheFactsFileIsLoadedOnceWithItsNumberOfTriggers) {
  for (const RuleFacts& f : Facts()) {
    SCOPED_TRACE(f.name);
    const auto rules = Matching(f);
    ASSERT_EQ(rules.size(), std::size_t{1});
    EXPECT_EQ(rules.front()->triggers.size(), f.triggers);
  }
}

TEST(HoldRules, NoRuleExistsThatTheFactsFileDoesNotDescribe) {
  for (const HoldRule& h : testing::K().hold_rules) {
    for (const std::string& ind : h.indications) {
      int described = 0;
      for (const RuleFacts& f : Facts()) {
        if (f.indication != ind) continue;
        for (const HoldRule* m : Matching(f)) described += m == &h ? 1 : 0;
      }
      EXPECT_EQ(described, 1) << "rule '" << h.cite.id << "' for " << ind;
    }
  }
}

TEST(HoldRules, MdsRulesApplyToPatientsWhoStartAtTenMilligrams) {
  // label-facts.md §3.4: the MDS rules apply to patients who start at 10 mg [V-old structure].
  int mds_rules = 0;
  for (const HoldRule& h : testing::K().hold_rules) {
    if (!Contains(h.indications, "mds")) continue;
    ++mds_rules;
    ASSERT_TRUE(h.for_starting_dose_mg.has_value()) << h.cite.id;
    EXPECT_DOUBLE_EQ(*h.for_starting_dose_mg, 10) << h.cite.id;
  }
  EXPECT_EQ(mds_rules, 9);  // label-facts.md §3.4: 4 ANC rows + 4 platelet rows, one split at baseline 60,000
}

TEST(HoldRules, EveryHoldChecksTheBloodCountWeekly) {
  // label-facts.md §3.2, §3.3, §3.5: "Interrupt; CBC weekly"; §5: weekly while held, every table [V2].
  for (const HoldRule& h : testing::K().hold_rules) EXPECT_TRUE(h.cbc_weekly) << h.cite.id;
  EXPECT_EQ(testing::K().cbc_while_held_days, 7);
  EXPECT_TRUE(testing::K().cbc_while_held_cite.verified);
}

TEST(HoldRules, MaintenancePlateletsAreNotEncodedButMarkedUncovered) {
  // label-facts.md §3.3: the maintenance thrombocytopenia table is [UNV], "do not encode without the live
  // label". The tables apply to grade 3/4 cytopenias (§3.1 [V2]); CTCAE grade 3 platelets is < 50 x10^9/L
  // (standards.md §2.1 [C2]).
  for (const HoldRule& h : testing::K().hold_rules) {
    EXPECT_FALSE(Contains(h.indications, "mm-maintenance") && h.test == LabTest::kPlatelets) << h.cite.id;
  }
  const UncoveredRule* found = nullptr;
  for (const UncoveredRule& u : testing::K().uncovered) {
    if (Contains(u.indications, "mm-maintenance") && u.test == LabTest::kPlatelets) found = &u;
  }
  ASSERT_NE(found, nullptr);
  EXPECT_DOUBLE_EQ(found->below, 50);  // standards.md §2.1 grade 3 platelet count decreased: < 50 x10^9/L
  EXPECT_TRUE(found->cite.verified);   // standards.md §2.1 [C2]; label-facts.md §3.1 [V2]
}

TEST(HoldRules, EveryIndicationHasAnAncAndAPlateletRuleOrAnUncoveredEntry) {
  for (const char* id : {"mm", "mm-maintenance", "mds", "mcl", "fl", "mzl"}) {
    for (LabTest test : {LabTest::kAnc, LabTest::kPlatelets}) {
      bool covered = false;
      for (const HoldRule& h : testing::K().hold_rules)
        covered = covered || (Contains(h.indications, id) && h.test == test);
      for (const UncoveredRule& u : testing::K().uncovered)
        covered = covered || (Contains(u.indications, id) && u.test == test);
      EXPECT_TRUE(covered) << id << " " << LabTestId(test);
    }
  }
}

TEST(OtherToxicity, GradeThreeOrFourHoldsUntilGradeTwoThenNextLowerDose) {
  // label-facts.md §3.1: non-hematologic grade 3/4: hold; restart at <= grade 2 at the next lower dose [V2].
  const OtherToxicityRule& r = testing::K().other_toxicity;
  EXPECT_EQ(r.hold_at_grade, 3);
  EXPECT_EQ(r.resume_at_grade, 2);
  EXPECT_EQ(r.resume_at, ResumeAt::kNextLower);
  EXPECT_TRUE(r.cite.verified);
}

TEST(OtherToxicity, NeutropeniaAndThrombocytopeniaAreDecidedFromTheCountsNotFromAGrade) {
  // label-facts.md §3.1: the dose-modification tables apply to grade 3/4 neutropenia or thrombocytopenia,
  // which the tables of §3.2-§3.6 define by counts [V2].
  const Knowledge& k = testing::K();
  for (const char* term : {"neutropenia", "thrombocytopenia"}) EXPECT_TRUE(Contains(k.lab_terms, term)) << term;
  EXPECT_TRUE(k.lab_terms_cite.verified);
}

struct DiscontinueFacts {
  const char* term;
  int grade_at_least;
  bool verified;
};

TEST(PermanentDiscontinuation, TheReactionsThatEndTherapyForGood) {
  const std::vector<DiscontinueFacts> facts = {
      {"angioedema", 1, true},                  // label-facts.md §3.1: angioedema, any grade [V1]
      {"anaphylaxis", 1, true},                 // label-facts.md §3.1: anaphylaxis [V1]
      {"rash", 4, true},                        // label-facts.md §3.1: Grade 4 rash [V1]
      {"skin exfoliation", 1, true},            // label-facts.md §3.1: skin exfoliation [V1]
      {"bullae", 1, true},                      // label-facts.md §3.1: bullae [V1]
      {"stevens-johnson syndrome", 1, true},    // label-facts.md §6 W&P 5.9: SJS/TEN/DRESS, discontinue [V2]
      {"toxic epidermal necrolysis", 1, true},  // label-facts.md §6 W&P 5.9 [V2]
  };
  for (const DiscontinueFacts& f : facts) {
    SCOPED_TRACE(f.term);
    const DiscontinueRule* found = nullptr;
    for (const DiscontinueRule& d : testing::K().discontinue) {
      if (Contains(d.terms, f.term)) found = &d;
    }
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->grade_at_least, f.grade_at_least);
    EXPECT_EQ(found->cite.verified, f.verified);
  }
}

}  // namespace
}  // namespace lenacare
