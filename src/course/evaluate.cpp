// evaluate(): a single pass over the course's events, keeping only the state the rules need
// (current dose, the interruption and its causes, falls per count, the latest values), then one
// assessment built from that state. Sentences are built only for what is reported, so replaying a
// year of weekly counts stays cheap.
#include "course/evaluate.h"

#include <algorithm>
#include <array>

#include "clinical/grading.h"
#include "clinical/maximum_dose.h"
#include "clinical/renal.h"
#include "core/quantity.h"
#include "course/rems.h"
#include "course/start_checks.h"

namespace lenacare {
namespace {

constexpr int kTests = 5;
int Slot(LabTest t) { return static_cast<int>(t); }

std::string Count(double v, LabTest t) {
  return FormatNumber(v) + (t == LabTest::kHemoglobin ? " g/dL" : t == LabTest::kCreatinine ? " mg/dL" : " x10^9/L");
}

// Why therapy is interrupted.
struct Cause {
  // kPregnancyCheck: a missed period is being evaluated (ends with a negative test).
  enum class Kind { kCount, kToxicity, kManual, kPregnancyCheck } kind = Kind::kManual;
  // Causes that do not change the dose: the therapy resumes as it was.
  bool KeepsDose() const { return kind == Kind::kManual || kind == Kind::kPregnancyCheck; }
  LabTest test = LabTest::kAnc;
  const HoldRule* rule = nullptr;
  std::string term;  // kToxicity
  Date since;
  double value = 0;  // the value that triggered
  Date measured_on;  // when that value was measured (before `since` for a later fever)
  bool recovered = false;
  Date recovered_on;
  double recovered_value = 0;
};

struct LabPoint {
  Date date;
  double value;
};

class Replay {
 public:
  Replay(const Knowledge& k, const Course& c, Date as_of) : k_(k), c_(c), ind_(*c.indication), as_of_(as_of) {
    current_ = c.starting;
    anchor_ = c.start_date;
    for (auto& h : history_) h.reserve(c.events.size());
    // The rules of this indication, once, so that each lab looks at its own few.
    for (const HoldRule& r : k.hold_rules) {
      if (Contains(r.indications, ind_.id)) rules_[Slot(r.test)].push_back(&r);
    }
    for (const UncoveredRule& u : k.uncovered) {
      if (Contains(u.indications, ind_.id)) uncovered_[Slot(u.test)].push_back(&u);
    }
  }

  Assessment Run();

 private:
  // --- replay -------------------------------------------------------------------------------
  void OnLab(const Event& e);
  void OnToxicity(const Event& e);
  void OnResume(const Event& e);
  void OnDoseChange(const Event& e);
  void OnDoseTaken(const Event& e);
  void OnCycleStart(const Event& e);
  void OnPregnancyTest(const Event& e);
  void CheckTriggers(LabTest t, Date date);
  bool RuleApplies(const HoldRule& r, LabTest t, Date date, bool& needs_baseline) const;
  bool Fires(const HoldRule& r, LabTest t, Date date, double value) const;
  Date RunStart(LabTest t, double below) const;
  void Hold(Date date);
  bool WasHeldOn(Date d) const;  // an interruption was in force on d
  void Stop(Date date, const std::string& reason, const Citation* cite);
  void CannotAssess(const std::string& reason, const Citation* cite = nullptr);
  void ClearCannotAssess();  // a prescriber acted on the open question
  // A count too low to go on that no rule covers: cannot assess, and hold now (the prescriber decides).
  void CannotAssessLowCount(const std::string& reason, const Citation* cite = nullptr);
  void CheckAgainstMaximum();  // a dose in effect above the label's highest dose for the indication
  bool HasCause(LabTest t) const;
  bool OtherToxicityPresent() const;

  // --- answers ------------------------------------------------------------------------------
  struct Target {
    std::optional<Regimen> regimen;
    bool at_floor = false;
    std::string problem;             // cannot-assess reason
    const Citation* cite = nullptr;  // the entry that gave the dose
    std::string how;                 // "the next lower dose", ...
    const Citation* rule = nullptr;  // the hold or toxicity rule that sent it there
  };
  Target NextLower(const Regimen& from) const;
  Target ResumeTarget() const;
  Target TargetFor(ResumeAt how) const;
  int CycleAt(Date d, int* day) const;
  void Add(Action a, std::string reason, const Citation* cite, std::string extra_source = {});
  void AddStartChecks();
  void AddHeldAdvice(Assessment& out);
  void AddWatchAdvice();
  void AddTestsDue(Assessment& out);
  void AddGradeAdvice();
  std::string Recovery(bool recovered) const;  // what has recovered, or what must recover
  void DueTestFound(Assessment& out, DueTest t);

  const Knowledge& k_;
  const Course& c_;
  const Indication& ind_;
  Date as_of_;

  Regimen current_;  // the dose in effect (or held)
  bool stopped_ = false;
  bool held_ = false;
  Date held_since_;
  std::vector<std::pair<Date, Date>> holds_;  // past interruptions [since, resumed)
  std::vector<Cause> causes_;
  std::array<int, kTests> falls_{};
  std::array<std::vector<LabPoint>, kTests> history_;
  std::array<std::vector<const HoldRule*>, kTests> rules_;
  std::array<std::vector<const UncoveredRule*>, kTests> uncovered_;
  std::optional<LabPoint> temperature_;
  std::optional<Date> transfusion_;
  std::vector<std::pair<std::string, int>> toxicity_grades_;
  Date anchor_;  // day 1 of cycle anchor_cycle_
  int anchor_cycle_ = 1;
  std::optional<std::string> cannot_;
  std::optional<std::string> hold_now_;  // the low count behind cannot_, if that is its cause
  std::vector<Recommendation> recs_;
};

// ---------------------------------------------------------------------------------------------

void Replay::Add(Action a, std::string reason, const Citation* cite, std::string extra_source) {
  Recommendation r;
  r.action = a;
  r.verified = cite == nullptr || cite->verified;
  if (!r.verified) reason += " (" + std::string(kUnverifiedSuffix) + ")";
  r.reason = std::move(reason);
  if (cite != nullptr) {
    r.source = cite->source;
    r.rule = cite->id;
  }
  if (!extra_source.empty()) r.source = JoinSources(r.source, extra_source);
  recs_.push_back(std::move(r));
}

void Replay::CannotAssess(const std::string& reason, const Citation* cite) {
  if (!cannot_) cannot_ = reason;
  Add(Action::kCannotAssess, "cannot assess: " + reason, cite);
}

void Replay::CannotAssessLowCount(const std::string& reason, const Citation* cite) {
  if (!hold_now_) hold_now_ = reason;
  CannotAssess(reason, cite);
}

void Replay::ClearCannotAssess() {
  if (!cannot_) return;
  cannot_.reset();
  hold_now_.reset();
  recs_.erase(std::remove_if(recs_.begin(), recs_.end(),
                             [](const Recommendation& r) { return r.action == Action::kCannotAssess; }),
              recs_.end());
}

int Replay::CycleAt(Date d, int* day) const {
  const int32_t since = d.DaysSince(anchor_);
  if (day != nullptr) *day = since % ind_.cycle_days + 1;
  return anchor_cycle_ + since / ind_.cycle_days;
}

bool Replay::HasCause(LabTest t) const {
  return std::any_of(causes_.begin(), causes_.end(),
                     [&](const Cause& c) { return c.kind == Cause::Kind::kCount && c.test == t; });
}

bool Replay::OtherToxicityPresent() const {
  return std::any_of(toxicity_grades_.begin(), toxicity_grades_.end(), [](const auto& g) { return g.second >= 1; });
}

void Replay::Hold(Date date) {
  if (!held_) {
    held_ = true;
    held_since_ = date;
  }
}

bool Replay::WasHeldOn(Date d) const {
  if (held_ && held_since_ <= d) return true;
  return std::any_of(holds_.begin(), holds_.end(), [&](const auto& h) { return h.first <= d && d < h.second; });
}

void Replay::Stop(Date date, const std::string& reason, const Citation* cite) {
  if (stopped_) return;
  stopped_ = true;
  Add(Action::kStop, "Stop lenalidomide for good: " + reason + " (" + date.ToString() + ")", cite);
}

Date Replay::RunStart(LabTest t, double below) const {
  const auto& h = history_[Slot(t)];
  Date start = h.back().date;
  for (auto it = h.rbegin(); it != h.rend() && it->value < below; ++it) start = it->date;
  return start;
}

bool Replay::RuleApplies(const HoldRule& r, LabTest t, Date date, bool& needs_baseline) const {
  if (r.for_starting_dose_mg && *r.for_starting_dose_mg != c_.starting.dose_mg) return false;
  if (r.at_dose_mg && *r.at_dose_mg != current_.dose_mg) return false;
  const int on_therapy = date.DaysSince(c_.start_date);
  if (r.phase_before_days && on_therapy >= *r.phase_before_days) return false;
  if (r.phase_from_days && on_therapy < *r.phase_from_days) return false;
  const int fall = falls_[Slot(t)] + 1;
  if (r.fall == FallOrder::kFirst && fall != 1) return false;
  if (r.fall == FallOrder::kLater && fall == 1) return false;
  if (r.baseline_at_least || r.baseline_below) {
    const auto& h = history_[Slot(t)];
    const LabPoint* base = nullptr;
    for (const LabPoint& p : h) {
      if (p.date <= c_.start_date) base = &p;
    }
    if (base == nullptr) {
      needs_baseline = true;
      return false;
    }
    if (r.baseline_at_least && base->value < *r.baseline_at_least) return false;
    if (r.baseline_below && base->value >= *r.baseline_below) return false;
  }
  return true;
}

bool Replay::Fires(const HoldRule& r, LabTest t, Date date, double value) const {
  for (const HoldTrigger& trig : r.triggers) {
    if (trig.below && !(value < *trig.below)) continue;
    if (trig.at_most_fraction_of_baseline) {
      const LabPoint* base = nullptr;
      for (const LabPoint& p : history_[Slot(t)]) {
        if (p.date <= c_.start_date) base = &p;
      }
      if (base == nullptr || value > *trig.at_most_fraction_of_baseline * base->value) continue;
    }
    const Date run_start = trig.below ? RunStart(t, *trig.below) : date;
    if (trig.for_at_least_days > 0 && date.DaysSince(run_start) < trig.for_at_least_days) continue;
    if (trig.with_fever_at_least &&
        !(temperature_ && temperature_->value >= *trig.with_fever_at_least && temperature_->date >= run_start)) {
      continue;
    }
    if (trig.with_platelet_transfusion && !(transfusion_ && *transfusion_ >= run_start)) continue;
    return true;
  }
  return false;
}

void Replay::CheckTriggers(LabTest t, Date date) {
  const auto& h = history_[Slot(t)];
  if (h.empty() || stopped_ || HasCause(t)) return;
  const double value = h.back().value;
  bool needs_baseline = false;
  bool any_applies = false;
  for (const HoldRule* rp : rules_[Slot(t)]) {
    const HoldRule& r = *rp;
    if (!RuleApplies(r, t, date, needs_baseline)) continue;
    any_applies = true;
    if (!Fires(r, t, date, value)) continue;
    ++falls_[Slot(t)];
    Cause cause;
    cause.kind = Cause::Kind::kCount;
    cause.test = t;
    cause.rule = &r;
    cause.since = date;
    cause.value = value;
    cause.measured_on = h.back().date;
    causes_.push_back(cause);
    Hold(date);
    return;
  }
  for (const UncoveredRule* u : uncovered_[Slot(t)]) {
    if (value < u->below) {
      CannotAssessLowCount(std::string(LabTestName(t)) + " " + Count(value, t) + " on " + date.ToString() + ": " +
                               u->reason + "; the prescriber decides",
                           &u->cite);
      return;
    }
  }
  if (any_applies || h.back().date != date) return;
  // No rule applies in this situation (a fall at the floor dose, a dose the rules do not name, or
  // a rule that needs a baseline count that was never recorded). Reported only when a rule of this
  // indication for another situation would act on this value.
  const bool low_enough = std::any_of(rules_[Slot(t)].begin(), rules_[Slot(t)].end(),
                                      [&](const HoldRule* r) { return Fires(*r, t, date, value); });
  if (!low_enough) return;
  const std::string what = std::string(LabTestName(t)) + " " + Count(value, t) + " on " + date.ToString();
  const Floor* floor = k_.FindFloor(ind_.id, c_.starting.dose_mg);
  if (needs_baseline) {
    CannotAssessLowCount(what + ": the rules for this fall depend on the baseline count, and no " +
                         std::string(LabTestName(t)) + " on or before the start date was recorded");
  } else if (floor != nullptr && floor->dose_mg == current_.dose_mg) {
    CannotAssessLowCount("you are at the dose floor (" + current_.Describe() +
                             "): the label gives no rule or lower dose for " + what + " — the prescriber must decide",
                         &floor->cite);
  } else {
    CannotAssessLowCount("no label rule covers " + what + " at " + current_.Describe() +
                         " — the prescriber must decide");
  }
}

void Replay::DueTestFound(Assessment& out, DueTest t) {
  if (t.overdue || t.due == as_of_) {
    Recommendation r;
    r.action = Action::kCheckBloodCount;
    if (t.test == "pregnancy-test") r.action = Action::kPregnancyTest;
    r.reason = (t.test == "cbc" ? std::string("Blood count") : std::string("Pregnancy test")) + " due " +
               (t.overdue ? "on " + t.due.ToString() + ": overdue" : std::string("today")) + " (" + t.detail + ")";
    if (!t.verified) r.reason += " (" + std::string(kUnverifiedSuffix) + ")";
    r.source = t.source;
    r.verified = t.verified;
    r.informational = true;
    recs_.push_back(std::move(r));
  }
  out.tests_due.push_back(std::move(t));
}

// Tests due by the monitoring schedule (the blood count) and, for a patient who can become
// pregnant, by the REMS (pregnancy tests).
void Replay::AddTestsDue(Assessment& out) {
  if (held_) {
    // While held for low counts the weekly count is already advised; list it as a due test too.
    for (const Cause& c : causes_) {
      if (c.kind != Cause::Kind::kCount || c.recovered || !c.rule->cbc_weekly) continue;
      const Date due = history_[Slot(c.test)].back().date.AddDays(k_.cbc_while_held_days);
      out.tests_due.push_back({"cbc", due, due < as_of_, "weekly while interrupted", k_.cbc_while_held_cite.source,
                               k_.cbc_while_held_cite.verified});
      break;
    }
  } else if (const CbcSchedule* cbc = k_.FindCbcSchedule(ind_.id); cbc != nullptr && !cbc->phases.empty()) {
    // The scheduled dates from the current cycle anchor, up to the day after as_of's cycle.
    std::vector<Date> dates;
    const int current = CycleAt(as_of_, nullptr);
    for (int n = anchor_cycle_; n <= current + 1; ++n) {
      for (const CbcPhase& p : cbc->phases) {
        if (!p.cycles.Contains(n)) continue;
        for (int d = 1; d <= ind_.cycle_days; ++d) {
          if (p.days.Contains(d)) dates.push_back(anchor_.AddDays((n - anchor_cycle_) * ind_.cycle_days + d - 1));
        }
      }
    }
    std::sort(dates.begin(), dates.end());
    std::optional<Date> last, previous, next;
    for (const Date& d : dates) {
      if (d <= as_of_) {
        previous = last;
        last = d;
      } else if (!next) {
        next = d;
      }
    }
    bool satisfied = false;
    if (last) {
      // Any count since the previous scheduled date (or, for the first one, within a cycle before it).
      const Date since = previous ? previous->AddDays(1) : last->AddDays(-ind_.cycle_days);
      for (LabTest t : {LabTest::kAnc, LabTest::kPlatelets}) {
        const auto& h = history_[Slot(t)];
        satisfied = satisfied || (!h.empty() && h.back().date >= since);
      }
    }
    if (last && !satisfied) {
      DueTestFound(
          out, {"cbc", *last, *last < as_of_,
                "monitoring schedule; none recorded" + (previous ? " since " + previous->ToString() : std::string()),
                cbc->cite.source, cbc->cite.verified});
    } else if (next) {
      out.tests_due.push_back({"cbc", *next, false, "monitoring schedule", cbc->cite.source, cbc->cite.verified});
    }
  }
  const PregnancyPotential potential = FindPregnancyPotential(k_, c_.patient);
  if (potential.can.value_or(false)) {
    const NextPregnancyTest next = FindNextPregnancyTest(k_, c_, as_of_);
    if (next.due) {
      DueTestFound(out, {"pregnancy-test", *next.due, *next.due < as_of_,
                         "REMS schedule; last negative test " + next.last->date.ToString(), next.rule->cite.source,
                         next.rule->cite.verified && !potential.derived});
    }
  }
}

// CTCAE grades of the latest hemoglobin, white-cell count and creatinine: a grade 3 or 4 is an
// "other grade 3/4 toxicity" when judged related to lenalidomide (USPI 2.5). lenacare does not
// judge relatedness: it raises the rule for the prescriber.
void Replay::AddGradeAdvice() {
  if (k_.ctcae.empty()) return;
  const CtcaeVersion& version = k_.ctcae.back();
  // One pass: the latest value of each graded test, and the baseline creatinine.
  std::array<const Event*, kTests> latest{};
  const Event* baseline_creatinine = nullptr;
  for (const Event& e : c_.events) {
    if (e.date > as_of_) break;
    if (e.type != EventType::kLab) continue;
    latest[Slot(e.test)] = &e;
    if (e.test == LabTest::kCreatinine && e.date <= c_.start_date) baseline_creatinine = &e;
  }
  for (LabTest t : {LabTest::kHemoglobin, LabTest::kWbc, LabTest::kCreatinine}) {
    const Event* last = latest[Slot(t)];
    const Event* baseline = t == LabTest::kCreatinine ? baseline_creatinine : nullptr;
    if (last == nullptr || last->date <= c_.start_date) continue;
    if (t == LabTest::kCreatinine && !last->uln) continue;  // CTCAE grades creatinine against the ULN
    GradeInput in{t, last->value, last->lln, last->uln, std::nullopt, {}};
    if (t == LabTest::kCreatinine && baseline != nullptr) in.baseline = baseline->value;
    auto g = GradeLab(k_, version.version, in);
    if (!g.ok() || g->grade < k_.other_toxicity.hold_at_grade) continue;
    Add(Action::kPrescriberDecides,
        std::string(LabTestName(t)) + " " + Count(last->value, t) + " on " + last->date.ToString() + " is CTCAE v" +
            version.version + " grade " + std::to_string(g->grade) + " (" + g->term->name +
            "): if judged related to lenalidomide, hold it and restart at the next lower dose when it is grade " +
            std::to_string(k_.other_toxicity.resume_at_grade) + " or less",
        &k_.other_toxicity.cite, g->cite.source);
  }
}

void Replay::AddWatchAdvice() {
  // A count below a threshold whose rule also needs time (">= 7 days"), fever or a transfusion:
  // not yet an interruption, but the next count decides.
  for (LabTest t : {LabTest::kAnc, LabTest::kPlatelets}) {
    const auto& h = history_[Slot(t)];
    if (h.empty() || HasCause(t)) continue;
    const LabPoint& last = h.back();
    bool unused = false;
    for (const HoldRule* r : rules_[Slot(t)]) {
      if (!RuleApplies(*r, t, last.date, unused)) continue;
      std::string when;
      double below = 0;
      for (const HoldTrigger& trig : r->triggers) {
        if (!trig.below || !(last.value < *trig.below)) continue;
        if (trig.for_at_least_days == 0 && !trig.with_fever_at_least && !trig.with_platelet_transfusion) continue;
        below = *trig.below;
        const Date since = RunStart(t, *trig.below);
        std::string condition;
        if (trig.for_at_least_days > 0) {
          condition = "if it is still below " + FormatNumber(*trig.below) + " x10^9/L on or after " +
                      since.AddDays(trig.for_at_least_days).ToString();
        } else if (trig.with_fever_at_least) {
          condition = "at once if a temperature of " + FormatNumber(*trig.with_fever_at_least) + " C or more occurs";
        } else {
          condition = "if platelets are transfused";
        }
        when += (when.empty() ? "" : ", or ") + condition;
      }
      if (when.empty()) continue;
      Add(Action::kCheckBloodCount,
          std::string(LabTestName(t)) + " " + Count(last.value, t) + " on " + last.date.ToString() + " is below " +
              FormatNumber(below) + " x10^9/L: interrupt " + when + "; recheck the count",
          &r->cite);
      break;
    }
  }
}

void Replay::OnLab(const Event& e) {
  history_[Slot(e.test)].push_back({e.date, e.value});
  if (e.test != LabTest::kAnc && e.test != LabTest::kPlatelets) return;
  for (Cause& c : causes_) {
    if (c.kind == Cause::Kind::kCount && c.test == e.test && !c.recovered && e.value >= c.rule->resume_at_least) {
      c.recovered = true;
      c.recovered_on = e.date;
      c.recovered_value = e.value;
    }
  }
  CheckTriggers(e.test, e.date);
}

void Replay::OnToxicity(const Event& e) {
  auto it =
      std::find_if(toxicity_grades_.begin(), toxicity_grades_.end(), [&](const auto& g) { return g.first == e.term; });
  if (it == toxicity_grades_.end()) {
    toxicity_grades_.emplace_back(e.term, e.grade);
  } else {
    it->second = e.grade;
  }
  for (const DiscontinueRule& d : k_.discontinue) {
    if (Contains(d.terms, e.term) && e.grade >= d.grade_at_least) {
      Stop(e.date, e.term + " (grade " + std::to_string(e.grade) + ") means permanent discontinuation", &d.cite);
      return;
    }
  }
  const OtherToxicityRule& o = k_.other_toxicity;
  auto cause = std::find_if(causes_.begin(), causes_.end(),
                            [&](const Cause& c) { return c.kind == Cause::Kind::kToxicity && c.term == e.term; });
  if (cause != causes_.end()) {
    if (e.grade <= o.resume_at_grade && !cause->recovered) {
      cause->recovered = true;
      cause->recovered_on = e.date;
      cause->recovered_value = e.grade;
    } else if (e.grade > o.resume_at_grade) {
      cause->recovered = false;
    }
    return;
  }
  if (e.grade >= o.hold_at_grade) {
    Cause c;
    c.kind = Cause::Kind::kToxicity;
    c.term = e.term;
    c.since = e.date;
    c.value = e.grade;
    causes_.push_back(c);
    Hold(e.date);
  }
}

void Replay::OnResume(const Event& e) {
  if (!held_) {
    Add(Action::kCheckDose, "A resumption was recorded on " + e.date.ToString() + " but therapy was not interrupted",
        nullptr);
  }
  // A prescriber's own hold ends with their resumption; counts and toxicities must have recovered.
  const bool recovered = std::all_of(causes_.begin(), causes_.end(),
                                     [](const Cause& c) { return c.recovered || c.kind == Cause::Kind::kManual; });
  const bool manual_only = std::all_of(causes_.begin(), causes_.end(), [](const Cause& c) { return c.KeepsDose(); });
  Target target = held_ && !manual_only
                      ? ResumeTarget()
                      : Target{current_, false, {}, nullptr, "the dose before the interruption", nullptr};
  if (held_ && !recovered) {
    Add(Action::kCheckDose, "Therapy was resumed on " + e.date.ToString() + " before the recovery the label asks for",
        nullptr);
  }
  Regimen next = target.regimen.value_or(current_);
  if (e.dose_mg) {
    next.dose_mg = *e.dose_mg;
    next.frequency = e.frequency.value_or(Frequency::kDaily);
    next.days = e.days.value_or(target.regimen ? target.regimen->days : current_.days);
    if (target.regimen && next.MgPerCycle() > target.regimen->MgPerCycle()) {
      Add(Action::kCheckDose,
          "Resumed on " + e.date.ToString() + " at " + next.Describe() + ", above the dose the rules give (" +
              target.regimen->Describe() + ")",
          target.cite);
    }
  } else if (!target.regimen && held_) {
    CannotAssess("the resumption on " + e.date.ToString() +
                 " names no dose and the label gives none here; record the dose");
  }
  current_ = next;
  if (held_) holds_.emplace_back(held_since_, e.date);
  held_ = false;
  causes_.clear();
}

void Replay::OnDoseChange(const Event& e) {
  Regimen next = current_;
  next.dose_mg = *e.dose_mg;
  next.frequency = e.frequency.value_or(Frequency::kDaily);
  next.days = e.days.value_or(ind_.start.days);
  if (next.MgPerCycle() > current_.MgPerCycle()) {
    const Escalation* match = nullptr;
    for (const Escalation& x : k_.escalations) {
      if (Contains(x.indications, ind_.id) && x.from_dose_mg == current_.dose_mg && x.to_dose_mg == next.dose_mg &&
          (!x.from_frequency || *x.from_frequency == current_.frequency)) {
        match = &x;
      }
    }
    const int cycle = CycleAt(e.date, nullptr);
    if (match == nullptr) {
      Add(Action::kCheckDose,
          "The dose was raised on " + e.date.ToString() + " from " + current_.Describe() + " to " + next.Describe() +
              "; the label gives no such increase",
          nullptr);
    } else if (cycle <= match->after_cycles) {
      Add(Action::kCheckDose,
          "The dose was raised to " + FormatNumber(next.dose_mg) + " mg in cycle " + std::to_string(cycle) +
              "; the label allows it only after " + std::to_string(match->after_cycles) + " cycles, " +
              match->condition,
          &match->cite);
    } else if (!match->cite.verified) {
      Add(Action::kNote, "The dose was raised to " + FormatNumber(next.dose_mg) + " mg, " + match->condition,
          &match->cite);
    }
  }
  current_ = next;
}

void Replay::OnDoseTaken(const Event& e) {
  int day = 0;
  const int cycle = CycleAt(e.date, &day);
  std::string problem;
  if (stopped_) {
    problem = "after therapy was stopped";
  } else if (held_) {
    problem = "while therapy was interrupted";
  } else if (!current_.IsPillDay(day)) {
    problem = "on a rest day (cycle " + std::to_string(cycle) + ", day " + std::to_string(day) + ")";
  }
  if (!problem.empty()) {
    Add(Action::kCheckDose, "A dose was recorded as taken on " + e.date.ToString() + " " + problem, nullptr);
  }
}

void Replay::OnPregnancyTest(const Event& e) {
  const RemsKnowledge& rems = k_.safety.rems;
  if (e.positive) {
    std::string actions;
    for (const std::string& a : rems.positive_test_actions) actions += (actions.empty() ? "" : "; ") + a;
    Stop(e.date, "positive pregnancy test. " + actions, &rems.positive_test);
    return;
  }
  for (Cause& c : causes_) {
    if (c.kind == Cause::Kind::kPregnancyCheck && !c.recovered && e.date >= c.since) {
      c.recovered = true;
      c.recovered_on = e.date;
    }
  }
}

void Replay::OnCycleStart(const Event& e) {
  int day = 0;
  const int cycle = CycleAt(e.date, &day);
  if (day == 1) return;  // already day 1 of a cycle
  // If the calendar's current cycle would have begun during an interruption, it never began: this
  // is that cycle, delayed. Otherwise the new cycle starts before the current one is over.
  const Date current_began = e.date.AddDays(1 - day);
  int starting = cycle + 1;
  if (WasHeldOn(current_began)) {
    starting = cycle;
  } else {
    Add(Action::kCheckDose,
        "Cycle " + std::to_string(cycle + 1) + " was started on " + e.date.ToString() + ", on day " +
            std::to_string(day) + " of cycle " + std::to_string(cycle) + ", before its " +
            std::to_string(ind_.cycle_days) + " days were over",
        &ind_.cite);
  }
  anchor_ = e.date;
  anchor_cycle_ = starting;
}

void Replay::CheckAgainstMaximum() {
  const MaximumDose max = MaximumDoseFor(k_, ind_);
  if (max.dose_mg <= 0 || current_.dose_mg <= max.dose_mg) return;
  // Never a "take": the label gives no such dose for the indication; the prescriber decides.
  const std::string above = AboveMaximumText(ind_, current_.dose_mg, max);
  CannotAssess("the dose in effect (" + current_.Describe() + ") is out of label: " + above);
  Add(Action::kPrescriberDecides,
      "Do not take " + FormatNumber(current_.dose_mg) + " mg: " + above +
          "; the prescriber must confirm or correct the dose",
      max.cite);
}

// --- dose targets ----------------------------------------------------------------------------

Replay::Target Replay::NextLower(const Regimen& from) const {
  Target t;
  const Ladder* ladder = k_.FindLadder(ind_.id, c_.starting.dose_mg);
  if (ladder == nullptr) {
    t.problem = "the label gives no dose levels for a course that started at " + c_.starting.Describe();
    return t;
  }
  for (size_t i = 0; i < ladder->levels.size(); ++i) {
    const DoseLevel& level = ladder->levels[i];
    const DaySet& days = level.days ? *level.days : ind_.start.days;
    if (level.dose_mg != from.dose_mg || !(days == from.days) || from.frequency != Frequency::kDaily) continue;
    if (i + 1 == ladder->levels.size()) {
      t.at_floor = true;
      const Floor* floor = k_.FindFloor(ind_.id, c_.starting.dose_mg);
      t.cite = floor != nullptr ? &floor->cite : &ladder->cite;
      return t;
    }
    const DoseLevel& next = ladder->levels[i + 1];
    t.regimen = Regimen{next.dose_mg, Frequency::kDaily, next.days ? *next.days : ind_.start.days};
    t.cite = &next.cite;
    t.how = "the next lower dose";
    return t;
  }
  t.problem = "the current dose (" + from.Describe() +
              ") is not one of the label's dose levels, so the next lower dose is not defined";
  t.cite = &ladder->cite;
  return t;
}

Replay::Target Replay::TargetFor(ResumeAt how) const {
  switch (how) {
    case ResumeAt::kStartingDose:
      return Target{c_.starting, false, {}, &ind_.cite, "the starting dose", nullptr};
    case ResumeAt::kNextLower:
      return NextLower(current_);
    case ResumeAt::kFixed:
      break;
  }
  return Target{};
}

Replay::Target Replay::ResumeTarget() const {
  Target best{current_, false, {}, nullptr, "the dose before the interruption", nullptr};
  bool first = true;
  const bool other_toxicity = OtherToxicityPresent() || std::any_of(causes_.begin(), causes_.end(), [](const Cause& c) {
                                return c.kind == Cause::Kind::kToxicity;
                              });
  for (const Cause& c : causes_) {
    Target t;
    if (c.KeepsDose()) continue;
    if (c.kind == Cause::Kind::kToxicity) {
      t = TargetFor(k_.other_toxicity.resume_at);
      t.rule = &k_.other_toxicity.cite;
    } else {
      const HoldRule& r = *c.rule;
      const bool only_toxicity = c.test == LabTest::kAnc ? !other_toxicity : true;
      const ResumeAt how =
          (!only_toxicity && r.resume_at_if_other_toxicity) ? *r.resume_at_if_other_toxicity : r.resume_at;
      if (how == ResumeAt::kFixed) {
        t.regimen = Regimen{r.resume_dose_mg, Frequency::kDaily, ind_.start.days};
        t.cite = &r.cite;
        t.how = "the dose the rule gives";
      } else {
        t = TargetFor(how);
        t.rule = &r.cite;
      }
    }
    if (!t.problem.empty() || t.at_floor) return t;
    if (first || t.regimen->MgPerCycle() < best.regimen->MgPerCycle()) best = t;
    first = false;
  }
  return best;
}

// --- the assessment --------------------------------------------------------------------------

void Replay::AddStartChecks() {
  if (c_.starting.MgPerCycle() > ind_.start.MgPerCycle()) {
    Add(Action::kCheckDose,
        "The starting dose (" + c_.starting.Describe() + ") is above the label's starting dose for " + ind_.name +
            " (" + ind_.start.Describe() + ")",
        &ind_.cite);
  }
  // Renal starting dose: only when the course has what the table needs.
  const RenalStartFinding renal = CheckRenalStart(k_, c_);
  if (renal.label) {
    for (const Note& n : renal.label->notes) {
      Recommendation r{Action::kNote, n.text, n.source, "", n.verified};
      if (!n.verified) r.reason += " (" + std::string(kUnverifiedSuffix) + ")";
      recs_.push_back(std::move(r));
    }
  }
  switch (renal.result) {
    case RenalStartResult::kUnknown:
      Add(Action::kNote,
          "No creatinine clearance or dialysis status was given: the renal starting dose was not checked", nullptr);
      break;
    case RenalStartResult::kCannotAssess:
      CannotAssess(renal.problem);
      break;
    case RenalStartResult::kAboveLabel: {
      const std::string how =
          c_.patient.dialysis ? "dialysis" : "CrCl " + FormatNumber(*renal.crcl_ml_min) + " mL/min" + renal.crcl_from;
      Add(Action::kCheckDose,
          "The starting dose (" + c_.starting.Describe() + ") is above the label's starting dose for " + how + ": " +
              renal.label->regimen.Describe(),
          renal.label->cites.empty() ? nullptr : &renal.label->cites.back());
      break;
    }
    case RenalStartResult::kFits:
      break;
  }
  for (const StartCriterionFinding& f : CheckStartCriteria(k_, c_)) {
    switch (f.result) {
      case StartFindingResult::kUnknown:
        Add(Action::kNote, "Start criteria need baseline counts on or before the start date; not all were recorded",
            &f.criterion->cite);
        break;
      case StartFindingResult::kNotMet:
        Add(Action::kCheckDose, "Start criteria were not met at the start (" + f.detail + ")", &f.criterion->cite);
        break;
      case StartFindingResult::kPartlyMetDisputed:
        Add(Action::kPrescriberDecides,
            "Only part of the start criteria was met (" + f.detail +
                "); the sources disagree whether both counts are required",
            &f.criterion->cite);
        break;
      case StartFindingResult::kMet:
        break;
    }
  }
}

// What recovered (each cause of the interruption and its value now), or what must recover first.
std::string Replay::Recovery(bool recovered) const {
  std::string out;
  for (const Cause& c : causes_) {
    if (c.recovered != recovered) continue;
    std::string part;
    if (c.kind == Cause::Kind::kCount) {
      const std::string name(LabTestName(c.test));
      part = recovered ? name + " recovered to " + Count(c.recovered_value, c.test) + " on " + c.recovered_on.ToString()
                       : name + " is at least " + FormatNumber(c.rule->resume_at_least) + " x10^9/L";
    } else if (c.kind == Cause::Kind::kToxicity) {
      part = recovered
                 ? c.term + " is now grade " + FormatNumber(c.recovered_value) + " (" + c.recovered_on.ToString() + ")"
                 : c.term + " is grade " + std::to_string(k_.other_toxicity.resume_at_grade) + " or less";
    } else if (c.kind == Cause::Kind::kPregnancyCheck) {
      part = recovered ? "the pregnancy test of " + c.recovered_on.ToString() + " was negative"
                       : "a pregnancy test is negative";
    } else {
      continue;
    }
    out += (out.empty() ? "" : recovered ? "; " : " and ") + part;
  }
  return out;
}

void Replay::AddHeldAdvice(Assessment& out) {
  const bool all_recovered = std::all_of(causes_.begin(), causes_.end(), [](const Cause& c) { return c.recovered; });
  for (const Cause& c : causes_) {
    if (c.kind == Cause::Kind::kPregnancyCheck) {
      Add(c.recovered ? Action::kNote : Action::kKeepHolding,
          c.recovered ? "A missed period was reported on " + c.since.ToString() + "; the pregnancy test of " +
                            c.recovered_on.ToString() + " was negative"
                      : "A missed period or abnormal bleeding was reported on " + c.since.ToString() +
                            ": hold lenalidomide, test for pregnancy and counsel",
          &k_.safety.rems.missed_period);
      continue;
    }
    if (c.kind == Cause::Kind::kManual) {
      Add(Action::kKeepHolding,
          "Interrupted by the prescriber on " + c.since.ToString() + "; resume only on their order", nullptr);
    } else if (c.kind == Cause::Kind::kToxicity) {
      Add(c.recovered         ? Action::kNote
          : c.since == as_of_ ? Action::kInterrupt
                              : Action::kKeepHolding,
          "Interrupted on " + c.since.ToString() + " for " + c.term + " grade " + FormatNumber(c.value) +
              (c.recovered
                   ? "; now grade " + FormatNumber(c.recovered_value) + " (" + c.recovered_on.ToString() + ")"
                   : "; hold until it is grade " + std::to_string(k_.other_toxicity.resume_at_grade) + " or less"),
          &k_.other_toxicity.cite);
    } else {
      const HoldRule& r = *c.rule;
      const std::string name(LabTestName(c.test));
      if (c.recovered) {
        Add(Action::kNote,
            name + " fell to " + Count(c.value, c.test) + " on " + c.since.ToString() + " and recovered to " +
                Count(c.recovered_value, c.test) + " on " + c.recovered_on.ToString(),
            &r.cite);
        continue;
      }
      const auto& h = history_[Slot(c.test)];
      const LabPoint& last = h.back();
      if (r.disputed_resume_from && last.date > c.measured_on && last.value >= *r.disputed_resume_from &&
          last.value < r.resume_at_least) {
        CannotAssess(name + " " + Count(last.value, c.test) + " on " + last.date.ToString() +
                         ": the sources disagree whether therapy may resume below " + FormatNumber(r.resume_at_least) +
                         " x10^9/L (one gives >= " + FormatNumber(*r.disputed_resume_from) +
                         "); the prescriber decides",
                     &r.cite);
        continue;
      }
      const std::string when = c.measured_on == c.since ? " on " + c.since.ToString()
                                                        : " on " + c.measured_on.ToString() + ", with the finding of " +
                                                              c.since.ToString() + " (fever or transfusion)";
      Add(c.since == last.date || c.since == as_of_ ? Action::kInterrupt : Action::kKeepHolding,
          name + " " + Count(c.value, c.test) + when + " (fall " + std::to_string(falls_[Slot(c.test)]) +
              "): interrupt lenalidomide until " + name + " is at least " + FormatNumber(r.resume_at_least) +
              " x10^9/L (latest " + Count(last.value, c.test) + " on " + last.date.ToString() + ")",
          &r.cite);
      if (r.cbc_weekly) {
        const Date due = last.date.AddDays(k_.cbc_while_held_days);
        Add(Action::kCheckBloodCount,
            "Check a blood count every " + std::to_string(k_.cbc_while_held_days) +
                " days while interrupted: next due " + due.ToString() + (due < as_of_ ? " (overdue)" : ""),
            &k_.cbc_while_held_cite);
      }
    }
  }
  if (cannot_) return;
  const bool manual_only = std::all_of(causes_.begin(), causes_.end(), [](const Cause& c) { return c.KeepsDose(); });
  if (manual_only) {
    out.dose = current_;
    return;
  }
  Target t = ResumeTarget();
  if (!t.problem.empty()) {
    CannotAssess(t.problem + "; the prescriber decides", t.cite);
    return;
  }
  const std::string rule_source = t.rule != nullptr && t.rule != t.cite ? t.rule->source : std::string();
  if (t.at_floor) {
    Add(Action::kPrescriberDecides,
        "You are at the dose floor (" + current_.Describe() +
            "): the label gives no lower dose — the prescriber must decide",
        t.cite, rule_source);
    return;
  }
  out.dose = t.regimen;
  const std::string target = t.how + ", " + t.regimen->Describe();
  if (all_recovered) {
    Add(Action::kResume, "Resume at " + target + ": " + Recovery(true), t.cite, rule_source);
  } else {
    const bool counts_only = std::all_of(causes_.begin(), causes_.end(), [](const Cause& c) {
      return c.recovered || c.kind == Cause::Kind::kCount || c.kind == Cause::Kind::kManual;
    });
    Add(Action::kNote,
        "When " + (counts_only ? std::string("the counts recover") : Recovery(false)) + ", resume at " + target +
            " (under the rules as they stand today)",
        t.cite, rule_source);
  }
}

Assessment Replay::Run() {
  Assessment out;
  out.as_of = as_of_;
  if (as_of_ < c_.start_date) {
    out.cannot_assess =
        "the date " + as_of_.ToString() + " is before the start of therapy (" + c_.start_date.ToString() + ")";
    out.recommendations.push_back({Action::kCannotAssess, "cannot assess: " + out.cannot_assess, "", "", true});
    return out;
  }
  bool start_checked = false;
  for (const Event& e : c_.events) {
    if (e.date > as_of_) break;
    if (!start_checked && e.date > c_.start_date) {
      AddStartChecks();
      start_checked = true;
    }
    switch (e.type) {
      case EventType::kLab:
        OnLab(e);
        break;
      case EventType::kToxicity:
        OnToxicity(e);
        break;
      case EventType::kHold:
        if (!stopped_) {
          Cause manual;
          manual.kind = Cause::Kind::kManual;
          manual.since = e.date;
          causes_.push_back(manual);
          Hold(e.date);
        }
        ClearCannotAssess();
        break;
      case EventType::kResume:
        ClearCannotAssess();
        OnResume(e);
        break;
      case EventType::kDoseChange:
        ClearCannotAssess();
        OnDoseChange(e);
        break;
      case EventType::kDoseTaken:
        OnDoseTaken(e);
        break;
      case EventType::kDoseMissed:
        break;
      case EventType::kTemperature:
        temperature_ = LabPoint{e.date, e.value};
        CheckTriggers(LabTest::kAnc, e.date);
        break;
      case EventType::kTransfusion:
        transfusion_ = e.date;
        CheckTriggers(LabTest::kPlatelets, e.date);
        break;
      case EventType::kCycleStart:
        ClearCannotAssess();
        OnCycleStart(e);
        break;
      case EventType::kStop:
        Stop(e.date, e.note.empty() ? "stopped by the prescriber" : e.note, nullptr);
        break;
      case EventType::kPregnancyTest:
        OnPregnancyTest(e);
        break;
      case EventType::kMissedPeriod:
        if (!stopped_) {
          Cause check;
          check.kind = Cause::Kind::kPregnancyCheck;
          check.since = e.date;
          causes_.push_back(check);
          Hold(e.date);
        }
        break;
      case EventType::kContraception:
      case EventType::kCounseling:
      case EventType::kAuthorization:
      case EventType::kPrescription:
      case EventType::kConfirmation:
      case EventType::kDispense:
        break;  // the REMS checklist reads these (course/rems.h)
    }
  }
  if (!start_checked) AddStartChecks();
  if (!stopped_) CheckAgainstMaximum();
  out.cycle = CycleAt(as_of_, &out.cycle_day);
  if (!stopped_ && ind_.max_cycles > 0 && out.cycle > ind_.max_cycles) {
    Stop(anchor_.AddDays((ind_.max_cycles - anchor_cycle_ + 1) * ind_.cycle_days),
         "the course has reached its maximum of " + std::to_string(ind_.max_cycles) + " cycles", &ind_.cite);
  }
  if (stopped_) {
    out.status = CourseStatus::kStopped;
  } else if (held_) {
    out.status = CourseStatus::kInterrupted;
    AddHeldAdvice(out);
  } else {
    AddWatchAdvice();
    out.dose = current_;
    out.pill_today = current_.IsPillDay(out.cycle_day);
    out.status = out.pill_today ? CourseStatus::kTaking : CourseStatus::kRest;
    const std::string when = "cycle " + std::to_string(out.cycle) + ", day " + std::to_string(out.cycle_day);
    if (out.pill_today) {
      Add(Action::kTake,
          "Take " + FormatNumber(current_.dose_mg) + " mg today (" + when + "; " + current_.Describe() + ")",
          &ind_.cite);
    } else {
      Add(Action::kRest, "No lenalidomide today: rest day (" + when + "; " + current_.Describe() + ")", &ind_.cite);
    }
  }
  if (!stopped_) {
    AddGradeAdvice();
    AddTestsDue(out);
  }
  if (cannot_ && hold_now_) {
    // As at the dose floor with a rule that fires: hold now, and the prescriber decides.
    Add(Action::kInterrupt,
        "Hold lenalidomide now (interrupt): " + *hold_now_ + "; the prescriber decides when and at what dose to resume",
        nullptr);
  }
  if (cannot_) {
    out.status = CourseStatus::kCannotAssess;
    out.cannot_assess = *cannot_;
    out.dose.reset();
    out.pill_today = false;
    recs_.erase(std::remove_if(
                    recs_.begin(), recs_.end(),
                    [](const Recommendation& r) { return r.action == Action::kTake || r.action == Action::kResume; }),
                recs_.end());
  }
  out.recommendations = std::move(recs_);
  return out;
}

}  // namespace

Assessment Evaluate(const Knowledge& k, const Course& course, Date as_of) {
  if (course.indication == nullptr) {
    Assessment out;
    out.as_of = as_of;
    out.cannot_assess = "the course has no indication";
    return out;
  }
  return Replay(k, course, as_of).Run();
}

}  // namespace lenacare
