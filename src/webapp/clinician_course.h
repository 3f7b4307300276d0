// A patient's course page for clinicians and pharmacists (clinician.cpp registers the routes):
// the header, the engine's status and recommendations with their sources, the REMS checklist,
// charts of the blood counts and of the myeloma markers with the thresholds of the knowledge
// base, the timeline of events, and the record forms the caller's role may use.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/records.h"
#include "core/result.h"
#include "http/message.h"
#include "knowledge/lab_test.h"
#include "webapp/charts.h"
#include "webapp/site.h"

namespace lenacare::webapp {

// The forms of the course page, each "form-<kind>" posted to the page itself (/patients/{ref},
// with a hidden field form=<kind>) so that a failed submission keeps the page's URL; the older
// /patients/{ref}/<kind> routes take the same posts.
inline constexpr const char* kRecordKinds[] = {"lab",        "resume",       "hold",
                                               "stop",       "toxicity",     "pregnancy-test",
                                               "marker",     "prescription", "authorization",
                                               "counseling", "confirmation", "dispense",
                                               "rems-facts", "course",       "entered-in-error",
                                               "resolve"};

// A form sent back with an error: the values as sent, shown again, and every problem found.
struct FailedForm {
  std::string kind;
  std::multimap<std::string, std::string> values;
  std::string field;    // the field the error names ("value"), or ""
  std::string message;  // "value: unit 'mg/dL' ..."
  ErrorKind error = ErrorKind::kBadInput;
  std::vector<Problem> problems;  // refused or needs-confirmation: what the checks found
};

// The course page of `ref` as of `as_of` ("" for today): 404 when there is no such patient.
// `flash` confirms a recording; `failed` re-renders a form with its error (with `status` 400).
http::Response CoursePage(Site& site, const http::Request& req, const Caller& caller, const std::string& ref,
                          const std::string& as_of, int status, const std::string& flash, const FailedForm* failed);

// The thresholds a chart of `test` draws for `indication`, from the knowledge with their sources:
// the hold rules' (and the counts the sources do not settle), or for hemoglobin the CTCAE grade
// the label's other-toxicity rule acts on; `also` gets the rules that cannot be drawn.
void AddThresholdLines(const Knowledge& k, const std::string& indication, LabTest test, ChartSpec& chart,
                       std::vector<std::string>& also, SourceList& src);

// A path segment percent-encoded for a link ("MRN 7" -> "MRN%207").
std::string PathSegment(const std::string& text);
// Who has access to a patient's own pages (caregivers, the calendar link), with revocation, for the
// course page (caregivers.cpp); "" for a role that may not revoke it.
std::string AccessSection(const Messages& msg, const Caller& caller, const std::string& ref,
                          const app::PatientCourseView& view);

}  // namespace lenacare::webapp
