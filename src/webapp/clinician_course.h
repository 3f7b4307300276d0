// A patient's course page for clinicians and pharmacists (clinician.cpp registers the routes):
// the header, the engine's status and recommendations with their sources, the REMS checklist,
// charts of the blood counts and of the myeloma markers with the thresholds of the knowledge
// base, the timeline of events, and the record forms the caller's role may use.
#pragma once

#include <map>
#include <string>

#include "http/message.h"
#include "webapp/site.h"

namespace lenacare::webapp {

// The kinds of event the course page records, each from its form "form-<kind>" posted to
// /patients/{ref}/<kind> (the API's kinds).
inline constexpr const char* kRecordKinds[] = {"lab", "resume", "hold", "pregnancy-test", "dispense"};

// A form sent back with an error: the values as sent, shown again, and the error naming a field.
struct FailedForm {
  std::string kind;
  std::multimap<std::string, std::string> values;
  std::string field;    // the field the error names ("value"), or ""
  std::string message;  // "value: unit 'mg/dL' ..."
};

// The course page of `ref` as of `as_of` ("" for today): 404 when there is no such patient.
// `flash` confirms a recording; `failed` re-renders a form with its error (with `status` 400).
http::Response CoursePage(Site& site, const http::Request& req, const Caller& caller, const std::string& ref,
                          const std::string& as_of, int status, const std::string& flash, const FailedForm* failed);

// A path segment percent-encoded for a link ("MRN 7" -> "MRN%207").
std::string PathSegment(const std::string& text);

}  // namespace lenacare::webapp
