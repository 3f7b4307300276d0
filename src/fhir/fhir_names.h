// The FHIR systems and lenacare's own extension URLs shared by import and export.
#pragma once

#include <string_view>

namespace lenacare::fhir {

inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";
inline constexpr std::string_view kIcd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

// lenacare's records that FHIR has no resource for carry their course-file JSON in these
// extensions (valueString), so that an exported Bundle imports back to the same course.
inline constexpr std::string_view kFactsExtension = "https://lenacare.org/fhir/StructureDefinition/patient-facts";
inline constexpr std::string_view kCourseExtension = "https://lenacare.org/fhir/StructureDefinition/course";
inline constexpr std::string_view kEventExtension = "https://lenacare.org/fhir/StructureDefinition/event";
// Where an exported record is stored in lenacare (its source key, or "lenacare:row/<table>/<id>"), so
// that importing lenacare's own export finds the very rows it came from; and the Patient identifier
// system of lenacare's patient identifiers.
inline constexpr std::string_view kStoredAsExtension = "https://lenacare.org/fhir/StructureDefinition/stored-as";
inline constexpr std::string_view kPatientRefSystem = "https://lenacare.org/fhir/patient-ref";
inline constexpr std::string_view kRecordCodeSystem = "https://lenacare.org/fhir/CodeSystem/record";

}  // namespace lenacare::fhir
