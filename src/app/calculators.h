// The calculators: answers from the knowledge alone, no records. Each takes a typed request whose
// fields are the user's input as text (a value with its unit, a date, a list), checks it, and
// returns the engine's typed answer or an error naming the request field ("age", "as_of",
// "weight"). The CLI, the web calculators and the REST API fill the same requests, so they
// cannot disagree; src/wire turns the answers into the v1 JSON and into text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "clinical/capsules.h"
#include "clinical/grading.h"
#include "clinical/interactions.h"
#include "clinical/missed_dose.h"
#include "clinical/renal.h"
#include "clinical/vte.h"
#include "core/result.h"
#include "course/calendar.h"

namespace lenacare::app {

// Cockcroft-Gault inputs as typed by the user ("58 kg", "1.3 mg/dL").
struct CrClRequest {
  std::optional<int> age;
  std::string sex, weight, creatinine;
};
struct CrClAnswer {
  double crcl_ml_min = 0;
  int age_years = 0;
  std::string sex;  // as given
  double weight_kg = 0, creatinine_mg_dl = 0;
  Citation cite;
};
Result<CrClAnswer> CrCl(const Context& ctx, const CrClRequest& r);

// A starting dose: the indication and either a creatinine clearance ("45", "45 mL/min") or the
// four Cockcroft-Gault inputs; on dialysis the clearance may be left out.
struct StartDoseRequest : CrClRequest {
  std::string indication;
  std::string crcl;
  bool dialysis = false;
};
struct StartDoseAnswer {
  StartingDose dose;
  std::optional<double> crcl_ml_min;
  std::optional<CapsulePlan> capsules;
};
Result<StartDoseAnswer> StartDose(const Context& ctx, const StartDoseRequest& r);

struct CycleCalendarRequest {
  std::string indication, start;
  int cycles = 1;
  std::optional<double> dose_mg;
  std::string frequency, days, setting;
  std::optional<int> age;
  std::string birth_date, pregnancy_tests;
};
struct CycleCalendarAnswer {
  Calendar calendar;
  const Indication* indication = nullptr;
  Regimen regimen;
};
Result<CycleCalendarAnswer> CycleCalendar(const Context& ctx, const CycleCalendarRequest& r);

// "08:00" and "19:30", or both with a date ("2026-01-05T08:00").
struct MissedDoseRequest {
  std::string scheduled, now;
};
Result<MissedDoseAdvice> MissedDose(const Context& ctx, const MissedDoseRequest& r);

struct CapsulesRequest {
  std::string indication;
  std::optional<double> dose_mg;
  std::string frequency, days;
};
struct CapsulesAnswer {
  Regimen regimen;
  CapsulePlan plan;
  double maximum_dose_mg = 0;         // the highest dose the label gives for the indication
  std::vector<std::string> warnings;  // a dose that is not one the label gives
};
Result<CapsulesAnswer> Capsules(const Context& ctx, const CapsulesRequest& r);

struct GradeRequest {
  std::string test, value, lln, uln, baseline, temperature, ctcae = "5.0";
  bool sustained = false;
};
struct GradeAnswer {
  std::string test, value;  // as given
  GradeResult grade;
};
Result<GradeAnswer> Grade(const Context& ctx, const GradeRequest& r);

// The clot-risk form: numbers with or without their unit, the findings present and those not
// known (every other finding is absent).
struct VteRequest {
  std::string bmi, dexamethasone, prophylaxis;
  std::vector<std::string> present, unknown;
};
struct VteAnswer {
  ImwgResult imwg;
  ImpedeResult impede;
  std::vector<Note> notes;
  Outcome outcome() const { return imwg.complete && impede.complete ? Outcome::kAnswered : Outcome::kCannotAssess; }
};
Result<VteAnswer> Vte(const Context& ctx, const VteRequest& r);
// The models on facts already read (a course's patient.vte), lenalidomide counted; with a
// course, the monthly dexamethasone is taken from its regimen when the facts lack it.
VteAnswer VteFromFacts(const Knowledge& k, VteFacts facts, std::vector<Note> extra_notes = {});

struct InteractionsRequest {
  std::vector<std::string> drugs;
};
struct InteractionsAnswer {
  std::vector<InteractionAnswer> answers;
};
Result<InteractionsAnswer> Interactions(const Context& ctx, const InteractionsRequest& r);

// How many cited entries the knowledge holds, and how many of them are unverified.
struct KnowledgeSummary {
  const Knowledge* k = nullptr;
  size_t entries = 0, unverified = 0;
};
KnowledgeSummary SummarizeKnowledge(const Knowledge& k);

// The command line's example patient: a 72-year-old woman, 58 kg, creatinine 1.3 mg/dL, newly
// diagnosed myeloma, starting on 2026-01-05.
struct DemoAnswer {
  StartDoseAnswer start;
  CycleCalendarAnswer calendar;
};
Result<DemoAnswer> Demo(const Context& ctx);

}  // namespace lenacare::app
