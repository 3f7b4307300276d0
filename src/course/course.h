// The therapy course: what `evaluate` consumes. A course is built (and validated) by an adapter
// (course_json.h for JSON; later the store and FHIR import) and is plain data afterwards. Every
// quantity is already converted to its canonical unit and checked for plausibility.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clinical/renal.h"
#include "clinical/vte.h"
#include "core/date.h"
#include "knowledge/knowledge.h"

namespace lenacare {

enum class EventType {
  kLab,          // a blood count or creatinine result
  kDoseTaken,    // the patient took the day's dose
  kDoseMissed,   // the patient missed the day's dose
  kHold,         // the prescriber interrupts therapy
  kResume,       // the prescriber resumes therapy (optionally at a dose)
  kDoseChange,   // the prescriber changes the dose without an interruption
  kToxicity,     // another toxicity with its CTCAE grade (a later event updates the grade)
  kTemperature,  // a body temperature (for the fever triggers)
  kTransfusion,  // a platelet transfusion
  kCycleStart,   // day 1 of a new cycle on this date (a delayed cycle)
  kStop,         // therapy stopped for good
  // Pregnancy prevention (REMS); these may be dated before the start of therapy.
  kPregnancyTest,  // a pregnancy test with its result (and the test's detection threshold)
  kMissedPeriod,   // a missed period or abnormal bleeding reported
  kContraception,  // the methods the patient uses (or abstinence), confirmed on this date
  kCounseling,     // REMS counselling done by the prescriber or the pharmacist
  kAuthorization,  // a REMS prescription authorization number obtained
  kPrescription,   // a prescription written
  kConfirmation,   // the pharmacy's REMS confirmation number obtained
  kDispense,       // capsules dispensed
};

// Whether an event type belongs to the REMS program (and may precede the start of therapy).
bool IsProgramEvent(EventType t);
std::string_view EventTypeId(EventType t);
bool ParseEventType(std::string_view id, EventType& out);

struct Event {
  Date date;
  EventType type = EventType::kLab;
  LabTest test = LabTest::kAnc;        // kLab
  double value = 0;                    // kLab: canonical unit; kTemperature: Cel
  std::optional<double> lln, uln;      // kLab: the laboratory's limits of normal (for CTCAE grading)
  std::optional<double> dose_mg;       // kResume, kDoseChange
  std::optional<Frequency> frequency;  // kResume, kDoseChange
  std::optional<DaySet> days;          // kResume, kDoseChange
  std::string term;                    // kToxicity (lower case)
  int grade = 0;                       // kToxicity
  std::string note;                    // free text (reason for hold/stop)
  int index = 0;                       // position in the input, for messages
  bool positive = false;               // kPregnancyTest
  std::optional<double> sensitivity;   // kPregnancyTest: the test's detection threshold, m[IU]/mL
  std::string number;                  // kAuthorization, kConfirmation; kPrescription: its authorization
  std::string risk_category;           // kPrescription
  int days_supply = 0;                 // kPrescription, kDispense
  int refills = 0;                     // kPrescription
  bool telephone = false;              // kPrescription: called in by telephone
  std::string by;                      // kCounseling: "prescriber" or "pharmacist"
  std::vector<std::string> methods;    // kContraception
};

enum class MmSetting { kUnknown, kNewlyDiagnosed, kPreviouslyTreated };

struct Patient {
  std::optional<Sex> sex;
  std::optional<Date> birth_date;
  std::optional<double> weight_kg;
  std::optional<double> crcl_ml_min;  // measured or computed elsewhere
  bool dialysis = false;

  // Pregnancy prevention.
  std::string rems_category;  // a category id of knowledge/us/rems.toml, or empty
  std::optional<bool> can_become_pregnant;
  std::optional<bool> hysterectomy;
  std::optional<int> natural_postmenopause_months;
  std::string menses;  // "regular", "irregular" or empty (unknown)

  // Findings that raise contraindications and warnings (knowledge/us/safety.toml): a finding that
  // is absent is unknown, not "no".
  std::map<std::string, bool> findings;
  VteFacts vte;  // for the clot-prevention models
  bool has_vte = false;
  std::vector<std::string> medications;  // for the interaction check
};

struct Course {
  const Indication* indication = nullptr;
  Date start_date;
  Regimen starting;  // starting dose, frequency and pill days
  MmSetting setting = MmSetting::kUnknown;
  Patient patient;
  std::vector<Event> events;  // sorted by date; same-day events keep their input order
};

}  // namespace lenacare
