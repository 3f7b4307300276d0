// Who may record what. The act decides, never the route: a dispense needs the pharmacist whether it
// comes from a form, the REST API, `lenacare record` or a FHIR MedicationDispense. The table is the
// README's role matrix (policy of the records, not a clinical fact).
#pragma once

#include <string_view>

#include "app/context.h"
#include "core/result.h"
#include "store/store.h"

namespace lenacare::app {

enum class Act {
  kAddPatient,            // a new patient record
  kPatientFacts,          // a patient's name, sex, birth date and facts (REMS category, ...)
  kStartCourse,           // a new therapy course
  kLab,                   // blood counts and creatinine
  kDoseDiary,             // doses taken or missed as the patient reports them
  kTherapy,               // holds, resumptions, dose changes, stops, delayed cycles
  kToxicity,              // a toxicity with its grade
  kVitals,                // a temperature, a platelet transfusion
  kPregnancyTest,         // REMS pregnancy tests
  kReproductiveHistory,   // contraception confirmed, a missed period reported
  kPrescription,          // a prescription written
  kAuthorization,         // the REMS prescription authorization number
  kCounselingPrescriber,  // REMS counselling by the prescriber
  kCounselingPharmacist,  // REMS counselling by the pharmacist
  kConfirmation,          // the pharmacy's REMS confirmation number
  kDispense,              // capsules dispensed
  kMarker,                // a myeloma response marker
  kSymptom,               // the patient's own symptom diary
  kResolveFinding,        // a "check dose" finding resolved with a reason
  kImport,                // upload a FHIR file (each resource is then checked by its own act)
  kCalendarLink,          // make or change a patient's calendar subscription (reminders)
  kRevokeAccess,          // see and revoke a patient's calendar subscription and caregivers
  kInviteCaregiver,       // invite a caregiver to a patient's pages
  kReviewKnowledge,       // confirm or correct a knowledge entry against the label (the site pack)
};

// "record dispenses", for messages.
std::string_view ActText(Act a);
bool RoleMay(store::Role role, Act a);
// Forbidden (naming `field`) unless the context's authority may do `a`.
Status Authorize(const Context& ctx, Act a, const std::string& field = "");
// Authorize, and for a patient account only on their own record `ref`, for a caregiver only on a
// patient who invited them and, for a write, allowed writing (forbidden otherwise): every act that
// names a patient goes through this, so neither can ever act on another's record.
Status AuthorizeFor(const Context& ctx, Act a, const std::string& ref, const std::string& field = "");
// Whether the context may read patient `ref`'s own pages: the operator and the care team, the
// patient, and the patient's caregivers; forbidden otherwise (anonymous callers included).
Status AuthorizeView(const Context& ctx, const std::string& ref);
// The act of recording a course-file event or marker of this type ("dispense", "marker"); for
// counselling, `by` ("prescriber" or "pharmacist") decides. Bad input for an unknown type.
Result<Act> ActOfEvent(std::string_view type, std::string_view by);
// The act of a stored row (its type, and for counselling the `by` of its course-file text).
Result<Act> ActOfRow(const store::EventRecord& row);

}  // namespace lenacare::app
