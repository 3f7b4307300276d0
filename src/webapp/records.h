// Recording and importing, shared by the API (api.cpp) and the signed-in pages (clinician.cpp,
// patient_view.cpp): the fields each kind of event takes, the capability it needs, and the
// use cases of src/app run on the records as the caller.
#pragma once

#include <optional>
#include <string>

#include "app/records.h"
#include "webapp/fields.h"
#include "webapp/site.h"

namespace lenacare::webapp {

// The fields of an event of `kind` (lab, dose, missed, hold, resume, toxicity, stop,
// pregnancy-test, dispense, event) as the API and the forms name them.
const Fields<app::RecordRequest>& RecordFields(const std::string& kind);
// The fields of a new patient and a new course, for the API and the forms.
const Fields<app::AddPatientRequest>& PatientFields();
const Fields<app::StartCourseRequest>& CourseFields();

// Takes the write's confirmation ("confirm": {"reason": ...}) and amendment ("replaces": id,
// "correction": why) out of a JSON request body into the request.
Status CorrectionFields(nlohmann::json& body, app::RecordRequest& r);
// Records the event the request describes, as `caller`.
Result<store::EventRecord> Record(Site& site, const Caller& caller, const app::RecordRequest& r);

// Imports a FHIR upload (a resource or Bundle, or NDJSON) as `lenacare import` does. Problems
// name the upload ("upload.ndjson:3: ..."), never the server's temporary directory.
// `source`: where the upload comes from, resource ids are namespaced by it (app::ImportRequest);
// "" is "upload".
Result<app::ImportAnswer> ImportUpload(Site& site, const Caller& caller, const std::string& body, bool ndjson,
                                       const std::string& source = "");
// The patient's pill, rest and lab days of their stored course as an RFC 5545 calendar.
http::Response CalendarIcs(Site& site, const Caller& caller, const std::string& ref);

}  // namespace lenacare::webapp
