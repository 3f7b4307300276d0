// The therapy course: what `evaluate` consumes. A course is built (and validated) by an adapter
// (course_json.h for JSON; later the store and FHIR import) and is plain data afterwards. Every
// quantity is already converted to its canonical unit and checked for plausibility.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clinical/renal.h"
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
};

std::string_view EventTypeId(EventType t);
bool ParseEventType(std::string_view id, EventType& out);

struct Event {
  Date date;
  EventType type = EventType::kLab;
  LabTest test = LabTest::kAnc;        // kLab
  double value = 0;                    // kLab: canonical unit; kTemperature: Cel
  std::optional<double> dose_mg;       // kResume, kDoseChange
  std::optional<Frequency> frequency;  // kResume, kDoseChange
  std::optional<DaySet> days;          // kResume, kDoseChange
  std::string term;                    // kToxicity (lower case)
  int grade = 0;                       // kToxicity
  std::string note;                    // free text (reason for hold/stop)
  int index = 0;                       // position in the input, for messages
};

enum class MmSetting { kUnknown, kNewlyDiagnosed, kPreviouslyTreated };

struct Patient {
  std::optional<Sex> sex;
  std::optional<Date> birth_date;
  std::optional<double> weight_kg;
  std::optional<double> crcl_ml_min;  // measured or computed elsewhere
  bool dialysis = false;
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
