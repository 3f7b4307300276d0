// FHIR R4 export of one patient's records as a Bundle of type "collection": the Patient, a
// Condition per imported diagnosis, lab results as Observations (LOINC, UCUM), lenalidomide
// prescriptions and dispenses as MedicationRequest / MedicationDispense (RxNorm), and the
// course and the other events as Basic resources. Every resource carries lenacare's course-file
// JSON in an extension (fhir_names.h), so the Bundle imports back to the same course.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "knowledge/knowledge.h"
#include "store/store.h"

namespace lenacare::fhir {

// Audited as one read of the patient's records, by `actor`.
Result<nlohmann::json> ExportPatient(store::Store& store, const Knowledge& k, const std::string& ref,
                                     const std::string& actor);

}  // namespace lenacare::fhir
