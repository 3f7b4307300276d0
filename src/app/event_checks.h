// The one gate every event write passes, shared by RecordEvent (forms, the REST API, `lenacare
// record`) and the FHIR import: the act's role (app/permissions.h), the course-file rules, and the
// engine's checks of the course with the event (app/write_checks.h). Runs in the caller's
// transaction.
#pragma once

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/write_checks.h"
#include "store/store.h"

namespace lenacare::app {

struct CheckedEvent {
  store::EventRecord row;  // the row to store (patient, date, type and lab columns set)
  WriteCheck check;
};
// Forbidden or bad input as errors; refusals and warnings in `check`. `leave_out`: the row an
// amendment replaces (the course is checked without it).
Result<CheckedEvent> CheckEvent(const Context& ctx, const store::PatientRecord& p, const nlohmann::json& event,
                                int64_t leave_out);
// Refused, or needs a reason that was not given: the error; otherwise `row` carries the reason
// and the problems it was confirmed over.
Status Gate(const WriteCheck& check, const std::string& reason, store::EventRecord& row);

}  // namespace lenacare::app
