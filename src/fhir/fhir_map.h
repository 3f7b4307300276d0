// FHIR R4 -> lenacare's records: what one resource (or each resource of a Bundle) is for the
// course-file model, without touching a store. What lenacare uses — Patient, Observation with the
// LOINC codes of common/codes.toml, lenalidomide MedicationRequest and MedicationDispense
// (RxNorm), Condition for the indication, and lenacare's own exported course and events — is read
// and validated with the course-file rules (units, plausibility, dates); everything else is a
// record saying why it is not used. app/import.cpp writes the records in batches.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/date.h"
#include "knowledge/knowledge.h"
#include "store/store.h"

namespace lenacare::fhir {

// One resource as lenacare reads it.
struct Record {
  enum class Kind {
    kPatient,    // `patient` (facts "" when the resource carries none)
    kEvent,      // `event` (a course-file event or response marker; its patient_id is not set)
    kCondition,  // `indication`, `onset`
    kCourse,     // `course` (header, indication, start date; its patient_id is not set)
    kRetract,    // an Observation entered in error: the stored row of `key` is retracted
    kSkip,       // not used by lenacare: `reason` says why
    kInvalid,    // cannot be used: `reason` is the problem
  };
  Kind kind = Kind::kSkip;
  std::string key;  // "Observation/123": the resource's type and id, its source in the store
  std::string ref;  // the patient's identifier (the Patient id the resource refers to)
  std::string reason;
  bool correction = false;  // status corrected or amended: replaces the stored version of `key`
  // lenacare's own export (fhir_export.h): the key the record is stored under ("" for other data),
  // and whether `ref` is lenacare's patient identifier rather than an id of the source's.
  std::string stored_as;
  bool lenacare_ref = false;
  store::PatientRecord patient;
  store::EventRecord event;
  store::CourseRecord course;
  std::string indication, onset;
};

// Reads FHIR JSON texts. Keeps its parser between texts; not thread-safe.
class Reader {
 public:
  // `today` checks a patient's facts (a birth date must not be after it).
  Reader(const Knowledge& k, Date today);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // The records of one JSON text: a resource, or each resource of a Bundle (`out` is cleared
  // first). A text that is not JSON is one invalid record. `text` may grow by the parser's padding.
  void Read(std::string& text, std::vector<Record>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lenacare::fhir
