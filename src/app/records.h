// The records use cases: patients, therapy courses and their events, a patient's status, the
// page views that read a patient in one transaction, FHIR import and export, the audit log, the
// symptom diary and the accounts of the web application. Each checks its request (every write is
// validated here with the course-file rules before the store sees it), then reads or writes the
// store (ctx.store, required) in one transaction with the audit entries naming ctx.actor.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/course_checks.h"
#include "app/doses.h"
#include "app/import.h"
#include "store/accounts.h"
#include "store/store.h"

namespace lenacare::app {

// `patient add`: the facts are the course file's "patient" object (JSON text) without sex and
// birth date, which come as their own fields; `weight` is added to the facts.
struct AddPatientRequest {
  std::string patient, name, sex, birth_date, weight, facts;
};
Result<store::PatientRecord> AddPatient(const Context& ctx, const AddPatientRequest& r);
inline constexpr int kLongestListPage = 1000;  // the most rows a page of a list holds
Result<std::vector<store::PatientRecord>> ListPatients(const Context& ctx);
// A page of the patients by reference: `limit` (1 to 1000) after the reference `after` ("" for the
// first page); `next` is the last one's reference when there may be more ("" after the last).
struct PatientPage {
  std::vector<store::PatientRecord> patients;
  std::string next;
};
Result<PatientPage> ListPatientsPage(const Context& ctx, int limit, const std::string& after);

// A patient's record: facts, latest course header, imported diagnoses and every event.
struct PatientView {
  store::PatientRecord patient;
  std::optional<store::CourseRecord> course;
  std::vector<std::string> diagnoses;  // indications of the imported conditions
  std::vector<store::EventRecord> events;
};
Result<PatientView> ShowPatient(const Context& ctx, const std::string& ref);

// `course start`: without an indication, the one the patient's imported diagnoses map to.
struct StartCourseRequest {
  std::string patient, indication, start;
  std::optional<double> dose_mg;
  std::string frequency, days, setting;
};
Result<store::CourseRecord> StartCourse(const Context& ctx, const StartCourseRequest& r);
// The same from a course file's header as JSON text (indication, start_date, starting_dose_mg,
// starting_frequency, starting_days, setting, note), checked with the patient's facts.
Result<store::CourseRecord> StartCourseFromHeader(const Context& ctx, const std::string& ref,
                                                  const std::string& header);

// `record KIND`: lab, dose, missed, hold, resume, toxicity, stop, pregnancy-test, dispense, or
// event (any course-file event or response marker as JSON text). Errors name the request's
// fields ("value", "days_supply"); for "event", the event's ("event.value").
struct RecordRequest {
  std::string patient, kind;
  std::string date, test, value, lln, uln, frequency, days, reason, term, result, sensitivity;
  std::optional<double> dose_mg;
  std::optional<int> grade, days_supply, quantity;
  std::string event;  // kind "event": the event object as JSON text
  // A write the engine flags is stored only with a reason (app/write_checks.h).
  std::string confirm;
  // An amendment: the row this entry replaces (same patient, same kind), with why.
  int64_t replaces = 0;
  std::string correction;
};
// The kinds, in the order the help lists them.
const std::vector<std::string>& RecordKinds();
// Checked by the act (app/permissions.h) and by the engine (app/write_checks.h) before it is
// stored: forbidden, refused, or needs-confirmation errors carry the problems found.
Result<store::EventRecord> RecordEvent(const Context& ctx, const RecordRequest& r);

// Marks a stored row entered in error (a new row that retracts it; nothing is changed), by a role
// that may record that kind of event, with a reason.
struct CorrectionRequest {
  std::string patient;
  int64_t event = 0;
  std::string reason;
};
Result<store::EventRecord> MarkEnteredInError(const Context& ctx, const CorrectionRequest& r);

// Resolves a "check dose" finding of the patient's course, or a severe symptom-diary entry
// ("symptom:ID"), with a reason: it leaves the worklist.
struct ResolveRequest {
  std::string patient, finding, reason;
};
Result<store::EventRecord> ResolveFinding(const Context& ctx, const ResolveRequest& r);

// Changes a patient's details: the fields given replace the stored ones, the keys of `facts` (JSON
// text) are merged into the stored facts (null removes a key). Audited with the old and new values.
struct UpdatePatientRequest {
  std::string patient;
  std::optional<std::string> name, sex, birth_date;
  std::string facts;
};
Result<store::PatientRecord> UpdatePatient(const Context& ctx, const UpdatePatientRequest& r);
// The checks of a patient identifier on every path (the form, the API, the command line, the
// FHIR import): 1-64 of letters, digits, '.', '-' and '_'.
Status CheckPatientRef(const std::string& ref, const std::string& field);

// `status`: everything `check` answers for the stored course as of a date ("" for today).
struct StatusRequest {
  std::string patient, as_of;
};
struct StatusAnswer {
  store::PatientRecord patient;
  Date as_of;
  int ignored_events = 0;
  CheckAnswer check;
  Outcome outcome() const { return check.outcome(); }
};
Result<StatusAnswer> PatientStatus(const Context& ctx, const StatusRequest& r);

// What a patient's page shows, read in one transaction with one audit entry: the record, the
// status as of the date (an error when the course cannot be read: the page says why), the
// response of the stored markers, and the events up to the date.
struct PatientCourseView {
  PatientView record;
  Date as_of;
  Result<StatusAnswer> status = Error::CannotAssess("patient", "no therapy course");
  std::optional<Result<ResponseResult>> response;  // when markers and a course are stored
  std::vector<store::EventRecord> markers;         // response markers up to the date
  std::vector<std::string> resolved;               // findings resolved with a reason
  std::vector<store::SymptomEntry> symptoms;       // the patient's symptom diary
  std::optional<DoseAdherence> adherence;          // the last 28 days' pill days and doses marked
  // Who has access to the patient's own pages: caregivers (revoked ones too), invitations pending,
  // the calendar link.
  std::vector<store::CaregiverLink> caregivers;
  std::vector<store::CaregiverInvite> invites;
  std::optional<store::CalendarFeed> calendar_link;
};
Result<PatientCourseView> ReadPatientCourse(const Context& ctx, const std::string& ref, const std::string& as_of);

// The stored markers of a course as an IMWG series, read by the series reader: the baseline is
// the last date on or before the start, the assessments the dates after it.
Result<ResponseSeries> MarkerSeries(const Knowledge& k, const std::vector<store::EventRecord>& markers, Date start,
                                    const std::string& criteria);

Result<nlohmann::json> Export(const Context& ctx, const std::string& ref);

struct AuditVerifyAnswer {
  store::AuditCheck check;
  // Tampered: failed (exit 3); keyed entries left unchecked for want of the key: cannot assess.
  Outcome outcome() const {
    if (!check.ok) return Outcome::kFailed;
    return check.unverified > 0 ? Outcome::kCannotAssess : Outcome::kAnswered;
  }
};
Result<AuditVerifyAnswer> VerifyAudit(const Context& ctx);
// The latest `limit` entries (1 to 1000), or those before entry `before` (the lowest `seq` of the
// page before), oldest first.
Result<std::vector<store::AuditEntry>> AuditLog(const Context& ctx, int limit, int64_t before = 0);

// The symptom diary (patient-reported; not part of the course).
Result<store::SymptomEntry> AddSymptom(const Context& ctx, const std::string& ref, store::SymptomEntry e);
Result<std::vector<store::SymptomEntry>> Symptoms(const Context& ctx, const std::string& ref);

// Accounts of the web application.
Result<store::User> AddUser(const Context& ctx, const std::string& username, const std::string& role,
                            const std::string& password, const std::string& patient);
// A new API token for `username` (printed once), for `days` (default and maximum: the policy).
Result<std::string> AddToken(const Context& ctx, const std::string& username, const std::string& name,
                             std::optional<int64_t> days, const store::TokenPolicy& policy);
// The tokens of an account ("" for all), revoking one (`owner` "": any account's), disabling or
// enabling an account, and an administrator's password reset (every session of the account ends).
Result<std::vector<store::TokenInfo>> ListTokens(const Context& ctx, const std::string& username);
Status RevokeToken(const Context& ctx, int64_t id, const std::string& owner);
Status SetUserDisabled(const Context& ctx, const std::string& username, bool disabled);
Status ResetPassword(const Context& ctx, const std::string& username, const std::string& password);

}  // namespace lenacare::app
