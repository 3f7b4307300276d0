// The loaded hematologic hold/resume rules (knowledge/us/hematologic.toml): every threshold,
// condition, resume dose and verified flag, against label-facts.md §3.2-§3.6. (How evaluate() applies
// them is tested elsewhere.) All counts are in 10^9/L: 1,000/mcL = 1.0 (label-facts.md Units).
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "test_support.h"

namespace lenacare {
namespace {

struct TriggerFacts {
  std::optional<double> below;
  std::optional<double> fraction_of_baseline;
  int for_at_least_days = 0;
  std::optional<double> fever_at_least;
  bool platelet_transfusion = false;
};

struct RuleFacts {
  const char* name;
  const char* indication;
  LabTest test;
  FallOrder fall;
  std::optional<double> at_dose_mg;
  std::optional<int> phase_before_days, phase_from_days;
  std::optional<double> baseline_at_least, baseline_below;
  std::vector<TriggerFacts> triggers;
  double resume_at_least;
  std::optional<double> disputed_resume_from;
  ResumeAt resume_at;
  std::optional<ResumeAt> resume_at_if_other_toxicity;
  double resume_dose_mg;  // for kFixed
  bool verified;
};

const std::optional<double> kNone;
const std::optional<int> kNoDays;

TriggerFacts Below(double v) { return {v, std::nullopt, 0, std::nullopt, false}; }
TriggerFacts BelowFor(double v, int days) { return {v, std::nullopt, days, std::nullopt, false}; }
TriggerFacts BelowWithFever(double v, double c) { return {v, std::nullopt, 0, c, false}; }
TriggerFacts BelowWithTransfusion(double v) { return {v, std::nullopt, 0, std::nullopt, true}; }
TriggerFacts FractionOfBaseline(double f) { return {std::nullopt, f, 0, std::nullopt, false}; }

// MCL (label-facts.md §3.5) and, believed, FL/MZL (§3.6): ANC < 1,000/mcL for >= 7 days, or < 1,000/mcL
// with temperature >= 38.5 C, or < 500/mcL.
const std::vector<TriggerFacts> kLymphomaAncTriggers = {BelowFor(1.0, 7), BelowWithFever(1.0, 38.5), Below(0.5)};
// MDS after 4 weeks and at 5 mg (label-facts.md §3.4): ANC < 500/mcL for >= 7 days, or < 500 with fever >= 38.5 C.
const std::vector<TriggerFacts> kMdsLateAncTriggers = {BelowFor(0.5, 7), BelowWithFever(0.5, 38.5)};
// MDS after 4 weeks and at 5 mg (label-facts.md §3.4): platelets < 30,000/mcL, or < 50,000/mcL with transfusions.
const std::vector<TriggerFacts> kMdsLatePlateletTriggers = {Below(30), BelowWithTransfusion(50)};

const std::vector<RuleFacts>& Facts() {
  constexpr auto kAnc = LabTest::kAnc;
  constexpr auto kPlt = LabTest::kPlatelets;
  constexpr auto kAny = FallOrder::kAny;
  constexpr auto kNext = ResumeAt::kNextLower;
  constexpr auto kFixed = ResumeAt::kFixed;
  static const std::vector<RuleFacts> facts = {
      // --- MM combination, label-facts.md §3.2 (USPI 2.1 Table 1) [V2] ---
      // Platelets < 30,000/mcL, first and each later fall: resume at >= 30,000/mcL at the next lower dose.
      {"mm platelets",
       "mm",
       kPlt,
       kAny,
       kNone,
       kNoDays,
       kNoDays,
       kNone,
       kNone,
       {Below(30)},
       30,
       kNone,
       kNext,
       std::nullopt,
       0,
       true},
      // ANC < 1,000/mcL, first fall: resume at >= 1,000/mcL at the starting dose if neutropenia is the only
      // toxicity, else at the next lower dose.
      {"mm anc first",
       "mm",
       kAnc,
       FallOrder::kFirst,
       kNone,
       kNoDays,
       kNoDays,
       kNone,
       kNone,
       {Below(1.0)},
       1.0,
       kNone,
       ResumeAt::kStartingDose,
       kNext,
       0,
       true},
      // Each later ANC fall < 1,000/mcL: resume at >= 1,000/mcL at the next lower dose.
      {"mm anc later",
       "mm",
       kAnc,
       FallOrder::kLater,
       kNone,
       kNoDays,
       kNoDays,
       kNone,
       kNone,
       {Below(1.0)},
       1.0,
       kNone,
       kNext,
       std::nullopt,
       0,
       true},

      // --- MM maintenance, label-facts.md §3.3 [V1] (S11) ---
      // ANC < 500/mcL: resume at >= 500/mcL at the next lower dose.
      {"maintenance anc",
       "mm-maintenance",
       kAnc,
       kAny,
       kNone,
       kNoDays,
       kNoDays,
       kNone,
       kNone,
       {Below(0.5)},
       0.5,
       kNone,
       kNext,
       std::nullopt,
       0,
       true},

      // --- MDS, label-facts.md §3.4: all numeric values [UNV]; 4 weeks = 28 days ---
      // Within the first 4 weeks at 10 mg, baseline ANC >= 1,000: interrupt < 750/mcL; resume threshold
      // disputed (>= 500 per S16 vs >= 1,000 per recollection; store >= 1,000, do not auto-resume in
      // between) [DISCREPANCY]; resume at 5 mg daily.
      {"mds anc first 4 weeks, baseline >= 1.0",
       "mds",
       kAnc,
       kAny,
       10.0,
       28,
       kNoDays,
       1.0,
       kNone,
       {Below(0.75)},
       1.0,
       0.5,
       kFixed,
       std::nullopt,
       5,
       false},
      // Within the first 4 weeks, baseline ANC < 1,000: interrupt < 500; resume >= 500 at 5 mg daily.
      {"mds anc first 4 weeks, baseline < 1.0",
       "mds",
       kAnc,
       kAny,
       10.0,
       28,
       kNoDays,
       kNone,
       1.0,
       {Below(0.5)},
       0.5,
       kNone,
       kFixed,
       std::nullopt,
       5,
       false},
      // After 4 weeks at 10 mg: ANC < 500 for >= 7 days or with fever >= 38.5 C; resume >= 500 at 5 mg.
      {"mds anc after 4 weeks", "mds", kAnc, kAny, 10.0, kNoDays, 28, kNone, kNone, kMdsLateAncTriggers, 0.5, kNone,
       kFixed, std::nullopt, 5, false},
      // During 5 mg daily: same triggers; resume >= 500 at 2.5 mg daily.
      {"mds anc at 5 mg", "mds", kAnc, kAny, 5.0, kNoDays, kNoDays, kNone, kNone, kMdsLateAncTriggers, 0.5, kNone,
       kFixed, std::nullopt, 2.5, false},
      // Within 4 weeks, baseline platelets >= 100,000/mcL: interrupt < 50,000; resume >= 50,000 at 5 mg.
      {"mds platelets first 4 weeks, baseline >= 100",
       "mds",
       kPlt,
       kAny,
       10.0,
       28,
       kNoDays,
       100.0,
       kNone,
       {Below(50)},
       50,
       kNone,
       kFixed,
       std::nullopt,
       5,
       false},
      // Within 4 weeks, baseline < 100,000 and >= 60,000: fall to 50% of baseline; resume >= 50,000 at 5 mg.
      {"mds platelets first 4 weeks, baseline 60-100",
       "mds",
       kPlt,
       kAny,
       10.0,
       28,
       kNoDays,
       60.0,
       100.0,
       {FractionOfBaseline(0.5)},
       50,
       kNone,
       kFixed,
       std::nullopt,
       5,
       false},
      // Within 4 weeks, baseline < 60,000: fall to 50% of baseline; resume >= 30,000 at 5 mg.
      {"mds platelets first 4 weeks, baseline < 60",
       "mds",
       kPlt,
       kAny,
       10.0,
       28,
       kNoDays,
       kNone,
       60.0,
       {FractionOfBaseline(0.5)},
       30,
       kNone,
       kFixed,
       std::nullopt,
       5,
       false},
      // After 4 weeks at 10 mg: < 30,000, or < 50,000 with platelet transfusions; resume >= 30,000 at 5 mg.
      {"mds platelets after 4 weeks", "mds", kPlt, kAny, 10.0, kNoDays, 28, kNone, kNone, kMdsLatePlateletTriggers, 30,
       kNone, kFixed, std::nullopt, 5, false},
      // During 5 mg daily: same triggers; resume >= 30,000 at 2.5 mg daily.
      {"mds platelets at 5 mg", "mds", kPlt, kAny, 5.0, kNoDays, kNoDays, kNone, kNone, kMdsLatePlateletTriggers, 30,
       kNone, kFixed, std::nullopt, 2.5, false},

      // --- MCL, label-facts.md §3.5 (USPI 2.3) [V1] (S7) ---
      // Platelets < 50,000/mcL: resume >= 50,000 at 5 mg less than the previous dose.
      {"mcl platelets",
       "mcl",
       kPlt,
       kAny,
       kNone,
       kNoDays,
       kNoDays,
       kNone,
       kNone,
       {Below(50)},
       50,
       kNone,
       kNext,
       std::nullopt,
       0,
       true},
      // ANC triggers as above; resume >= 1,000/mcL at 5 mg less.
      {"mcl anc", "mcl", kAnc, kAny, kNone, kNoDays, kNoDays, kNone, kNone, kLymphomaAncTriggers, 1.0, kNone, kNext,
       std::nullopt, 0, true},

      // --- FL and MZL, label-facts.md §3.6 (USPI 2.4) believed [UNV]; same thresholds as MCL ---
      {"fl platelets",
       "fl",
       kPlt,
       kAny,
       kNone,
       kNoDays,
       kNoDays,
       kNone,
       kNone,
       {Below(50)},
       50,
       kNone,
       kNext,
       std::nullopt,
       0,
       false},
      {"fl anc", "fl", kAnc, kAny, kNone, kNoDays, kNoDays, kNone, kNone, kLymphomaAncTriggers, 1.0, kNone, kNext,
       std::nullopt, 0, false},
      {"mzl platelets",
       "mzl",
       kPlt,
       kAny,
       kNone,
       kNoDays,
       kNoDays,
       kNone,
       kNone,
       {Below(50)},
       50,
       kNone,
       kNext,
       std::nullopt,
       0,
       false},
      {"mzl anc", "mzl", kAnc, kAny, kNone, kNoDays, kNoDays, kNone, kNone, kLymphomaAncTriggers, 1.0, kNone, kNext,
       std::nullopt, 0, false},
  };
  return facts;
}

bool SameNumber(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::fabs(*a - *b) < 1e-9;
}

bool SameTrigger(const HoldTrigger& t, const TriggerFacts& f) {
  return SameNumber(t.below, f.below) && SameNumber(t.at_most_fraction_of_baseline, f.fraction_of_baseline) &&
         t.for_at_least_days == f.for_at_least_days && SameNumber(t.with_fever_at_least, f.fever_at_least) &&
         t.with_platelet_transfusion == f.platelet_transfusion;
}

std::string Describe(const TriggerFacts& f) {
  std::string s;
  if (f.below) s += "below " + FormatNumber(*f.below);
  if (f.fraction_of_baseline) s += "at most " + FormatNumber(*f.fraction_of_baseline) + " of baseline";
  if (f.for_at_least_days > 0) s += " for " + std::to_string(f.for_at_least_days) + " d";
  if (f.fever_at_least) s += " with fever " + FormatNumber(*f.fever_at_least);
  if (f.platelet_transfusion) s += " with transfusion";
  return s;
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

TEST(HoldRules, EveryRuleOfTheFactsFileIsLoadedOnceWithItsTriggers) {
  for (const RuleFacts& f : Facts()) {
    SCOPED_TRACE(f.name);
    const auto rules = Matching(f);
    ASSERT_EQ(rules.size(), std::size_t{1});
    const HoldRule& h = *rules.front();
    ASSERT_EQ(h.triggers.size(), f.triggers.size());
    for (const TriggerFacts& t : f.triggers) {
      int found = 0;
      for (const HoldTrigger& ht : h.triggers) found += SameTrigger(ht, t) ? 1 : 0;
      EXPECT_EQ(found, 1) << "trigger " << Describe(t);
    }
  }
}

TEST(HoldRules, EveryRuleResumesAtTheCountAndDoseOfTheFactsFile) {
  for (const RuleFacts& f : Facts()) {
    SCOPED_TRACE(f.name);
    const auto rules = Matching(f);
    ASSERT_EQ(rules.size(), std::size_t{1});
    const HoldRule& h = *rules.front();
    EXPECT_NEAR(h.resume_at_least, f.resume_at_least, 1e-9);
    EXPECT_TRUE(SameNumber(h.disputed_resume_from, f.disputed_resume_from));
    EXPECT_EQ(h.resume_at, f.resume_at);
    EXPECT_EQ(h.resume_at_if_other_toxicity, f.resume_at_if_other_toxicity);
    if (f.resume_at == ResumeAt::kFixed) {
      EXPECT_DOUBLE_EQ(h.resume_dose_mg, f.resume_dose_mg);
    }
  }
}

TEST(HoldRules, EveryRuleIsVerifiedOnlyWhenTheFactsFileTagsItVerified) {
  for (const RuleFacts& f : Facts()) {
    SCOPED_TRACE(f.name);
    const auto rules = Matching(f);
    ASSERT_EQ(rules.size(), std::size_t{1});
    EXPECT_EQ(rules.front()->cite.verified, f.verified);
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
