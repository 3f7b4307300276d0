// Record handlers shared by the API (api.cpp) and the signed-in pages (clinician.cpp,
// patient_view.cpp).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "webapp/fields.h"
#include "webapp/site.h"

namespace lenacare::webapp {

// Records one event of `kind` (lab, dose, missed, hold, resume, toxicity, stop, pregnancy-test,
// dispense, event) for patient `ref`; `fill` reads the kind's fields into the options.
cli::Reply RecordFromFields(Site& site, const Caller& caller, const std::string& ref, const std::string& kind,
                            const std::function<Status(const FieldSet&, cli::Options&)>& fill);
// The capability recording an event of `kind` needs; nullopt for an unknown kind.
std::optional<Capability> RecordCapability(const std::string& kind);
// Imports a FHIR upload (a resource or Bundle, or NDJSON) as `lenacare import` does.
http::Response ImportBody(Site& site, const Caller& caller, const std::string& body, bool ndjson);
// The patient's pill, rest and lab days of their stored course as an RFC 5545 calendar.
http::Response CalendarIcs(Site& site, const Caller& caller, const std::string& ref);

}  // namespace lenacare::webapp
