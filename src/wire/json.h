// The v1 JSON of lenacare's answers: what `lenacare <command> --json` prints, what the REST API
// sends and what the tests read. One function per answer, from the typed results of src/app.
// The field names and shapes are a contract documented in README.md, docs/course-format.md,
// docs/response-format.md and web/openapi.json (tests/golden freezes the documented examples):
// change them only with those documents.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/calculators.h"
#include "app/course_checks.h"
#include "app/records.h"
#include "app/worklist.h"
#include "core/result.h"
#include "knowledge/diff.h"
#include "knowledge/knowledge.h"
#include "knowledge/review.h"

namespace lenacare::wire {

// {"error": {"kind", "field", "message"}}.
nlohmann::json ErrorJson(const Error& e);

// The forms of single values as the JSON gives them (for the pages' data-value attributes).
double CrClShown(const app::CrClAnswer& a);  // mL/min, rounded to 2 decimals
std::string_view MissedDoseActionId(const MissedDoseAdvice& a);

nlohmann::json CitationJson(const Citation& c);
nlohmann::json NotesJson(const std::vector<Note>& notes);
nlohmann::json RegimenJson(const Regimen& r, int cycle_days);
nlohmann::json PackJson(const Knowledge& k);

nlohmann::json CrClJson(const app::CrClAnswer& a);
nlohmann::json StartDoseJson(const app::StartDoseAnswer& a);
nlohmann::json CalendarJson(const app::CycleCalendarAnswer& a);
nlohmann::json MissedDoseJson(const MissedDoseAdvice& a);
nlohmann::json CapsulePlanJson(const CapsulePlan& p);
// The capsule plan with the dose checked against the label: `maximum_dose_mg` and `warnings`.
nlohmann::json CapsulesJson(const app::CapsulesAnswer& a);
nlohmann::json GradeJson(const app::GradeAnswer& a);
nlohmann::json VteJson(const Knowledge& k, const app::VteAnswer& a);
nlohmann::json InteractionsJson(const app::InteractionsAnswer& a);
nlohmann::json InteractionJson(const InteractionAnswer& a);
nlohmann::json KnowledgeJson(const app::KnowledgeSummary& s);
nlohmann::json KnowledgeDiffJson(const KnowledgeDiff& d);
// The sources register: every document, with its public addresses, and the confidence words.
nlohmann::json SourcesJson(const SourceRegister& r);
// The knowledge review (knowledge/review.h): counts and each entry with its value and status.
nlohmann::json ReviewJson(const Review& r);
nlohmann::json DemoJson(const app::DemoAnswer& a);

nlohmann::json AssessmentJson(const Knowledge& k, const Assessment& a, const Indication& ind);
nlohmann::json RemsJson(const RemsChecklist& r);
nlohmann::json ReadinessJson(const Readiness& r);
// `check`: evaluate (null before the start), rems, readiness, vte (null without facts),
// interactions.
nlohmann::json CheckJson(const Knowledge& k, const app::CheckAnswer& a);
nlohmann::json ResponseJson(const ResponseAnswer& a);

// Records.
nlohmann::json PatientJson(const store::PatientRecord& p);
nlohmann::json PatientListJson(const std::vector<store::PatientRecord>& list);
nlohmann::json PatientPageJson(const app::PatientPage& page);  // with "next": the next page's `after`, or null
nlohmann::json PatientViewJson(const app::PatientView& v);
nlohmann::json CourseStartedJson(const store::CourseRecord& c, const std::string& ref);
nlohmann::json RecordedJson(const store::EventRecord& e, const std::string& ref);
// `status`: the patient, the date, the ignored events and everything `check` answers.
nlohmann::json StatusJson(const Knowledge& k, const app::StatusAnswer& a);
nlohmann::json ImportJson(const app::ImportSummary& s);
nlohmann::json WorklistJson(const app::Worklist& w);
nlohmann::json AuditCheckJson(const store::AuditCheck& c);
nlohmann::json AuditLogJson(const std::vector<store::AuditEntry>& log);
// {"tokens": [{id, username, name, scope, state, created_at, created_by, expires_at, revoked_at}]}
// (never a token's secret, which is not kept).
nlohmann::json TokensJson(const std::vector<store::TokenInfo>& tokens);
nlohmann::json SymptomJson(const store::SymptomEntry& e);
nlohmann::json SymptomsJson(const std::string& ref, const std::vector<store::SymptomEntry>& list);

}  // namespace lenacare::wire
