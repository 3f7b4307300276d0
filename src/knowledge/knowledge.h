// The clinical knowledge base, typed. Built only by LoadKnowledge() (loader.h), which validates
// every file; once built it is immutable and safe to share between threads. Every entry carries a
// Citation: the public documents it rests on (the sources register) and how sure lenacare is.
// All quantities are in the canonical unit of their kind (10*9/L, mg, mL/min, days, Cel).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/quantity.h"
#include "knowledge/citation.h"
#include "knowledge/ctcae.h"
#include "knowledge/lab_test.h"
#include "knowledge/response_criteria.h"
#include "knowledge/safety.h"
#include "knowledge/schedule.h"
#include "knowledge/site_pack.h"

namespace lenacare {

struct PackInfo {
  std::string id, drug, jurisdiction, document, label_date, label_date_note, facts;
};

struct Indication {
  std::string id, name, duration;
  Regimen start;  // starting dose and schedule
  int cycle_days = 28;
  int max_cycles = 0;       // 0 = no limit
  std::string renal_table;  // id of a RenalTable
  Citation cite;
};

struct CompanionDose {
  std::string indication, drug, setting, route;
  std::optional<int> age_above, age_at_most;  // years
  std::string dose_text;                      // "40 mg", "375 mg/m2"
  CycleRange cycles;
  DaySet days;
  Citation cite;
};

struct CountThreshold {
  LabTest test;
  double at_least = 0;
};

enum class Combine { kAll, kAny, kDisputed };

struct StartCriterion {
  std::string indication;
  std::vector<CountThreshold> tests;
  Combine combine = Combine::kAll;
  Citation cite;
};

struct StartNote {
  std::string indication, text;
  int within_cycles = 0;
  Citation cite;
};

struct Escalation {
  std::vector<std::string> indications;
  double from_dose_mg = 0, to_dose_mg = 0;
  std::optional<Frequency> from_frequency;
  int after_cycles = 0;
  std::string condition;
  Citation cite;
};

struct RenalBand {
  std::string id;
  std::optional<double> crcl_at_least, crcl_below, not_studied_below, review_at;
  bool dialysis = false;
  Citation cite;
};

struct RenalRow {
  std::string table, band;
  bool adjust = true;  // false: no adjustment, the indication's starting dose
  double dose_mg = 0;
  Frequency frequency = Frequency::kDaily;
  bool after_dialysis = false;
  Citation cite;
};

struct RenalTable {
  std::string id, title;
  Citation cite;
};

struct DoseLevel {
  double dose_mg = 0;
  std::optional<DaySet> days;  // nullopt: the indication's pill days
  Citation cite;               // the step INTO this level
};

struct Ladder {
  std::vector<std::string> indications;
  std::optional<double> for_starting_dose_mg;
  std::vector<DoseLevel> levels;
  Citation cite;
};

struct Floor {
  std::vector<std::string> indications;
  std::optional<double> for_starting_dose_mg;
  double dose_mg = 0;
  std::optional<DaySet> days;
  Citation cite;
};

enum class FallOrder { kAny, kFirst, kLater };
enum class ResumeAt { kStartingDose, kNextLower, kFixed };

struct HoldTrigger {
  std::optional<double> below;                         // 10*9/L
  std::optional<double> at_most_fraction_of_baseline;  // 0..1
  int for_at_least_days = 0;
  std::optional<double> with_fever_at_least;  // Cel
  bool with_platelet_transfusion = false;
};

struct HoldRule {
  std::vector<std::string> indications;
  LabTest test = LabTest::kAnc;
  FallOrder fall = FallOrder::kAny;
  std::optional<double> for_starting_dose_mg, at_dose_mg;
  std::optional<int> phase_before_days, phase_from_days;
  std::optional<double> baseline_at_least, baseline_below;
  std::vector<HoldTrigger> triggers;
  double resume_at_least = 0;
  std::optional<double> disputed_resume_from;
  ResumeAt resume_at = ResumeAt::kNextLower;
  std::optional<ResumeAt> resume_at_if_other_toxicity;
  double resume_dose_mg = 0;  // for kFixed
  bool cbc_weekly = false;
  Citation cite;

  // The highest count that can trigger this rule (for "is this fall covered?").
  double Scope() const;
};

// A blood-count situation the sources do not settle: any value below `below` is cannot-assess.
struct UncoveredRule {
  std::vector<std::string> indications;
  LabTest test = LabTest::kAnc;
  double below = 0;
  std::string reason;
  Citation cite;
};

struct OtherToxicityRule {
  int hold_at_grade = 3;
  int resume_at_grade = 2;
  ResumeAt resume_at = ResumeAt::kNextLower;
  Citation cite;
};

struct DiscontinueRule {
  std::vector<std::string> terms;
  int grade_at_least = 1;
  Citation cite;
};

struct CbcPhase {
  CycleRange cycles;
  DaySet days;
};

// A test the label asks for besides the blood count (renal, liver, thyroid function).
struct LabSchedule {
  std::string test;  // "creatinine", "liver", "thyroid"
  bool before_start = false;
  std::string during;  // what the label says for during treatment
  Citation cite;
};

struct CbcSchedule {
  std::vector<std::string> indications;
  std::vector<CbcPhase> phases;
  Citation cite;
};

struct PlausibleRange {
  std::string subject;  // "age", "weight", "anc", ...
  std::optional<double> above, at_least, at_most;
  std::string unit;  // canonical unit, for messages
  Citation cite;
};

struct CockcroftGault {
  double age_offset = 0, divisor = 0, female_factor = 0;
  Citation cite;
};

// The measured fields of a myeloma response series that a lab result can fill
// (docs/response-format.md): serum_m_protein, urine_m_protein, kappa_flc, lambda_flc.
bool IsResponseMarkerField(std::string_view field);
// The LOINC entries' test for a body weight (a patient fact, not a course event).
inline constexpr std::string_view kBodyWeightTest = "body-weight";

// Terminology codes for FHIR import and export (common/codes.toml).
struct CodeMap {
  struct Loinc {
    std::string code;
    std::string test;  // a lab test id of the course file, "pregnancy-test", kBodyWeightTest or a response marker field
    Citation cite;
  };
  struct Condition {
    std::string system, code, indication;
    Citation cite;
  };
  std::vector<Loinc> loinc;
  std::vector<std::string> lenalidomide_rxnorm;
  Citation lenalidomide_cite;
  std::vector<Condition> conditions;

  const Loinc* FindLoinc(std::string_view code) const;
  const Condition* FindCondition(std::string_view system, std::string_view code) const;
  bool IsLenalidomide(std::string_view rxnorm) const;
};

struct Knowledge {
  std::string root;  // the directory it was loaded from
  // The pack and a digest (FNV-1a, 64 bits, hex) of every file under `root`, by relative path: two
  // processes that loaded the same files have the same fingerprint (the worklist's stored answers
  // hold for one).
  std::string fingerprint;
  PackInfo pack;
  UnitTable units;
  SourceRegister sources;  // knowledge/sources/: every document the entries cite
  SitePack site;           // the clinic's sign-offs, applied over the files of `root`
  CockcroftGault cockcroft_gault;
  std::vector<PlausibleRange> limits;

  std::vector<double> capsule_strengths_mg;
  Citation capsules_cite;
  double missed_dose_window_hours = 0;
  Citation missed_dose_cite;
  std::string how_to_take;  // the label's instructions for taking a dose, in the patient's words
  Citation how_to_take_cite;
  int max_supply_days = 0;
  int refills = 0;
  Citation supply_cite;

  std::vector<Indication> indications;
  std::vector<CompanionDose> companions;
  std::vector<StartCriterion> start_criteria;
  std::vector<ResponseCriteria> response_criteria;  // every version of common/imwg-*.toml
  std::vector<StartNote> start_notes;
  std::vector<Escalation> escalations;
  std::vector<RenalBand> renal_bands;
  std::vector<RenalTable> renal_tables;
  std::vector<RenalRow> renal_rows;
  std::vector<Ladder> ladders;
  std::vector<Floor> floors;
  std::vector<HoldRule> hold_rules;
  std::vector<UncoveredRule> uncovered;
  OtherToxicityRule other_toxicity;
  std::vector<DiscontinueRule> discontinue;
  std::vector<std::string> lab_terms;
  Citation lab_terms_cite;
  std::vector<CbcSchedule> cbc_schedules;
  int cbc_while_held_days = 0;
  Citation cbc_while_held_cite;
  std::vector<LabSchedule> lab_schedules;

  SafetyKnowledge safety;
  CodeMap codes;
  std::vector<CtcaeVersion> ctcae;  // one per version file; FindCtcae picks one
  const CtcaeVersion* FindCtcae(
      std::string_view version) const;  // REMS, clot prevention, interactions, contraindications and warnings

  const Indication* FindIndication(std::string_view id) const;
  const PlausibleRange* FindLimit(std::string_view subject) const;
  const RenalRow* FindRenalRow(std::string_view table, std::string_view band) const;
  // The ladder / floor for an indication and a starting dose (nullptr if none applies).
  const Ladder* FindLadder(std::string_view indication, double starting_dose_mg) const;
  const Floor* FindFloor(std::string_view indication, double starting_dose_mg) const;
  // The myeloma response criteria of that version ("IMWG-2016"), or nullptr; and the versions there are.
  const ResponseCriteria* FindResponseCriteria(std::string_view version) const;
  // What the knowledge files are read against.
  Vocabulary vocab() const { return {units, sources, &site}; }
  std::string ResponseCriteriaVersions() const;
  const CbcSchedule* FindCbcSchedule(std::string_view indication) const;
  // "anc, platelets, ..." or the indication ids joined, for messages.
  std::string IndicationIds() const;
};

bool Contains(const std::vector<std::string>& list, std::string_view value);

}  // namespace lenacare
