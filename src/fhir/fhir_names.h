// The FHIR systems and lenacare's own extension URLs shared by import and export.
#pragma once

#include <string_view>

namespace lenacare::fhir {

inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

// lenacare's records that FHIR has no resource for carry their course-file JSON in these
// extensions (valueString), so that an exported Bundle imports back to the same course.
inline constexpr std::string_view kFactsExtension = "https://lenacare.org/fhir/StructureDefinition/patient-facts";
inline constexpr std::string_view kCourseExtension = "https://lenacare.org/fhir/StructureDefinition/course";
inline constexpr std::string_view kEventExtension = "https://lenacare.org/fhir/StructureDefinition/event";
inline constexpr std::string_view kRecordCodeSystem = "https://lenacare.org/fhir/CodeSystem/record";

}  // namespace lenacare::fhir
