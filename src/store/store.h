// The records of lenacare: patients, their therapy courses and dated events, and the audit log,
// in SQLite or PostgreSQL (store/db.h). The store keeps a course in the course-file format of
// docs/course-format.md — a header, the patient's facts and one row per event — and rebuilds the
// very `Course` that `evaluate` consumes with the same validating reader as the CLI: one model,
// one set of rules. Every change runs in a transaction together with its audit entry; every read
// of a patient's data appends an audit entry too (store/audit.h), naming the actor it is given.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/result.h"
#include "course/course.h"
#include "knowledge/knowledge.h"
#include "store/audit_key.h"
#include "store/db.h"
#include "store/schema.h"

namespace lenacare::store {

struct PatientRecord {
  int64_t id = 0;
  std::string ref;         // the patient's identifier: a record number, or the FHIR Patient id
  std::string name;        // may be empty
  std::string sex;         // "male", "female" or "" (unknown)
  std::string birth_date;  // YYYY-MM-DD or ""
  std::string facts;       // the course file's "patient" object without sex and birth_date (JSON)
};

struct CourseRecord {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string indication;
  std::string start_date;  // YYYY-MM-DD
  std::string header;      // the course file without "patient", "baseline" and "events" (JSON)
};

// One stored event: the event as entered (a course-file event object, JSON) and the columns the
// course is rebuilt from without parsing it (labs and dose-diary entries, most of the rows).
struct EventRecord {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string date;                       // YYYY-MM-DD
  std::string type;                       // a course-file event type ("lab", "hold", ...)
  std::string test;                       // labs: anc, platelets, wbc, hemoglobin, creatinine
  std::optional<double> value, lln, uln;  // labs: in the test's canonical unit
  std::string body;                       // the course-file event object (JSON)
  std::string source;                     // e.g. "Observation/123" for imported rows; "" otherwise
  // Corrections (schema 5): rows are never changed. An amendment is a new row that `replaces` an
  // earlier one; an "entered-in-error" row retracts the row it `replaces`. The course is rebuilt
  // without replaced and retracted rows; the timeline shows them, struck through.
  int64_t replaces = 0;
  std::string reason;       // why: the reason a flagged write was confirmed with, or a correction's
  std::string warnings;     // the problems confirmed with that reason (JSON array), "" when none
  std::string recorded_by;  // who recorded the row ("" for rows older than schema 5)
  std::string recorded_at;  // when (UTC)
  int64_t replaced_by = 0;  // read back: the row that amended or retracted this one, 0 if none
};

// The row types that are not course events: a retraction, and a "check dose" finding resolved.
inline constexpr std::string_view kEnteredInError = "entered-in-error";
inline constexpr std::string_view kFindingResolved = "finding-resolved";

// A stored course rebuilt for the engine, as of a date (later events are left out).
struct StoredCourse {
  PatientRecord patient;
  CourseRecord record;
  Course course;
  int ignored_events = 0;             // therapy events dated before the course's start (an earlier course)
  std::vector<EventRecord> markers;   // myeloma response markers (type "marker"), by date
  std::vector<std::string> resolved;  // the findings resolved with a reason (kFindingResolved rows)
};

// One entry of a patient's symptom diary (patient-reported; not part of the course).
struct SymptomEntry {
  int64_t id = 0;
  std::string date;             // YYYY-MM-DD
  std::string symptom;          // the patient's words, 1-200 characters
  std::string severity;         // "mild", "moderate" or "severe" as the patient rates it
  std::string note;             // up to 1000 characters
  std::string entered_by = {};  // the account that wrote it (schema 13; "" for older entries)
};

// A question noted down for the next visit.
struct VisitQuestion {
  int64_t id = 0;
  std::string text, entered_by, created_at;
};

// An event row as a course is rebuilt from it (the columns the store reads for that).
struct CourseEventRow {
  int64_t id = 0;
  int64_t patient_id = 0;
  std::string date, type;
  std::optional<std::string> test;
  std::optional<double> value, lln, uln;
  int64_t plain = 0;                // 1: the columns say everything (no body read)
  std::optional<std::string> body;  // the course-file text, when not plain
  std::optional<Event> parsed;      // the event it was read as (not a column: kept to read it once)
};

// The worklist's stored answer for a patient's latest course (course_status, schema 9), computed
// by the application layer (app/worklist.h) for one day and one knowledge pack. The database marks
// a row stale when anything it depends on changes, and bumps its version.
struct CourseStatus {
  int64_t patient_id = 0;
  int64_t version = 0;      // the version it was computed from: written only while it is current
  std::string computed_on;  // YYYY-MM-DD: the day it holds for
  std::string knowledge;    // Knowledge::fingerprint
  std::string ref, indication;
  // The entry's order: the most urgent item that does not depend on the look-ahead (rank and
  // due, "" for none); the earliest item of each kind that does ("" for none); a response item.
  std::optional<int64_t> fixed_rank;
  std::string fixed_due, expiring_due, soon_due, fill_due;
  bool response = false;
  std::optional<int64_t> key_rank;  // the entry's key for the default look-ahead (none: no entry)
  std::string key_due;
  std::string items;  // the items (JSON), for the longest look-ahead
};
struct StatusVersion {
  int64_t patient_id = 0;
  int64_t version = 0;
};
// A page of the stored worklist: the order, the look-ahead's last day, where to start.
struct StatusQuery {
  std::string day, knowledge;
  bool default_key = true;  // order by the stored key (the default look-ahead), else by `until`
  std::string until;        // the look-ahead's last day (YYYY-MM-DD)
  std::optional<std::tuple<int64_t, std::string, std::string>> after;  // (rank, due, ref) of the last entry seen
  int64_t limit = 0;                                                   // 0: every entry
};
struct StatusRow {
  PatientRecord patient;
  std::string indication, items;
  int64_t rank = 0;
  std::string due;
};

struct AuditEntry {
  int64_t seq = 0;
  std::string at, actor, action, subject, detail, prev_hash, hash;
};

struct AuditCheck {
  bool ok = true;
  int64_t entries = 0;
  std::string problem;      // the first entry or checkpoint that does not verify, and why
  int64_t keyed_from = 0;   // the first entry whose hash is keyed (0: the database predates keying)
  int64_t unverified = 0;   // keyed entries whose hash was not checked: no audit key was given
  int64_t checkpoints = 0;  // checkpoint lines checked against the log
  std::string note;         // what could not be checked, and why ("" when everything was)
};

// How often a store writes its audit head to the checkpoint file while it runs (policy, in the
// README's Limits): after the commit that leaves `entries` entries unanchored, or the first commit
// `interval` after the last checkpoint; and always when the store closes after writing. (`lenacare
// serve` also calls Checkpoint() every `interval`, so that an idle server anchors its last entries.)
struct CheckpointPolicy {
  int64_t entries = 100;
  std::chrono::seconds interval{60};
};

// Persistence only: the store checks nothing clinical (the use cases in src/app validate every
// write with the course-file rules first) and holds no per-request state: every audited call
// names its actor. Not thread-safe: one connection; the caller serialises its use.
class Store {
 public:
  // Opens (and creates) the database and brings its schema to the latest version.
  // `clock` stamps audit entries and sessions; it must outlive the store.
  // `audit` names the audit key and checkpoint files (store/audit_key.h; the defaults for a
  // SQLite file are beside it, and its key is created on first use). A PostgreSQL database needs
  // a key; a key that does not match the database's is refused. A read-only database is opened
  // without a key when none is found (its keyed entries then cannot be verified).
  static Result<std::unique_ptr<Store>> Open(const std::string& target, const Clock& clock,
                                             const AuditFiles& audit = {});
  // For tests of the upgrade path: opens without migrating.
  static Result<std::unique_ptr<Store>> OpenUnmigrated(const std::string& target, const Clock& clock,
                                                       const AuditFiles& audit = {});
  // Writes a last checkpoint when entries were appended since the one before (errors are lost
  // here: call Checkpoint() first to hear them).
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Result<int> SchemaVersion();
  Status Migrate(int up_to);

  // Patients: adds a new patient (bad input if the ref exists); `p.facts` is stored as given.
  Result<PatientRecord> AddPatient(const std::string& actor, PatientRecord p);
  // By reference: every patient, or `limit` (> 0) of them after the reference `after`; audited as
  // one read.
  Result<std::vector<PatientRecord>> ListPatients(const std::string& actor, int64_t limit = 0,
                                                  const std::string& after = "");
  Result<PatientRecord> ShowPatient(const std::string& actor, const std::string& ref);

  // Stores a therapy course (`c.header`, `c.indication`, `c.start_date`) for the patient.
  Result<CourseRecord> StartCourse(const std::string& actor, const std::string& ref, CourseRecord c);

  // Stores one event row for the patient (found by the caller in this transaction; the body
  // already validated by the caller).
  Result<EventRecord> RecordEvent(const std::string& actor, const PatientRecord& p, EventRecord row);
  Result<std::vector<EventRecord>> ListEvents(const std::string& actor, const std::string& ref);  // audited read
  Result<std::vector<EventRecord>> EventsOf(int64_t patient_id);  // not audited: the caller audits

  // The patient's latest course rebuilt for `evaluate`, with the events up to `as_of`
  // (audited read). Cannot-assess when the patient has no course.
  Result<StoredCourse> LoadCourse(const std::string& actor, const Knowledge& k, const std::string& ref, Date as_of);
  // A course rebuilt with the events up to `as_of`, not audited (the caller audits).
  // `leave_out`: a row to rebuild without (the one an amendment being checked replaces).
  Result<StoredCourse> RebuildCourse(const Knowledge& k, const PatientRecord& p, const CourseRecord& c, Date as_of,
                                     int64_t leave_out = 0);

  // The latest course of every patient with a row id from first to last, for the worklist: one
  // pass over their events; unaudited and in no transaction of its own (the caller's). A course
  // that does not rebuild is passed with its error. The rows are streamed: `each` must not use
  // the store.
  Status CoursesBetween(const Knowledge& k, Date as_of, int64_t first, int64_t last,
                        const std::function<void(const PatientRecord&, const Result<StoredCourse>&)>& each);
  // The same for the patients with these row ids (any order; each passed once, by id; in a write
  // transaction, the courses it rebuilt and changed only by inserting events come first, rebuilt
  // from the rows it read then).
  Status CoursesOf(const Knowledge& k, Date as_of, const std::vector<int64_t>& patients,
                   const std::function<void(const PatientRecord&, const Result<StoredCourse>&)>& each);

  // The worklist's stored answers (course_status). The keeper, if set, is called at the end of
  // every write transaction (before it commits) with the patients whose records it changed, so
  // that their answers are recomputed in the same transaction.
  using StatusKeeper = std::function<Status(Store&, const std::vector<int64_t>& patients)>;
  void set_status_keeper(StatusKeeper keeper) { status_keeper_ = std::move(keeper); }
  // Up to `limit` rows that do not hold for `day` and `knowledge`, by patient id.
  Result<std::vector<StatusVersion>> StaleStatuses(const std::string& day, const std::string& knowledge, int64_t limit);
  // Writes a row computed from `s.version`; false when the row has changed since (it stays stale).
  Result<bool> PutStatus(const CourseStatus& s);
  // PutStatus in a write transaction that changed the patient, from the course as the write left
  // it (writes to one patient take turns): no version is needed, and it bumps the version, so that
  // an answer computed before this write is not written over it (PutStatus). Nobody waits for the
  // count: sent with the transaction's next statement.
  Status KeepStatus(const CourseStatus& s);
  // Rows (patients with a course).
  Result<int64_t> CountStatuses();
  // The entries of a page, in order; unaudited (the caller audits what it shows). Streamed: `each`
  // must not use the store.
  Status StoredWorklist(const StatusQuery& q, const std::function<void(StatusRow&&)>& each);

  // The symptom diary (audited write and read); the entry is stored as given.
  Result<SymptomEntry> AddSymptom(const std::string& actor, const std::string& ref, SymptomEntry e);
  Result<std::vector<SymptomEntry>> Symptoms(const std::string& actor, const std::string& ref);
  Result<std::vector<SymptomEntry>> SymptomsOf(int64_t patient_id);  // not audited: the caller audits
  // Questions for the next visit (the caller checks the text).
  Result<VisitQuestion> AddQuestion(const std::string& actor, const std::string& ref, const std::string& text);
  Result<std::vector<VisitQuestion>> QuestionsOf(int64_t patient_id);  // not audited: the caller audits
  // Every patient's entries rated severe up to a date, by patient row id (for the worklist).
  // (Of the patients with row ids from first to last.)
  Result<std::map<int64_t, std::vector<SymptomEntry>>> SevereSymptoms(
      Date as_of, int64_t first = 0, int64_t last = std::numeric_limits<int64_t>::max());

  // Audit.
  Status Audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail);
  // Recomputes the chain (keyed entries with the key) and checks every line of the checkpoint
  // file against it. Fails (rather than reporting tampering) when the key is not this database's.
  Result<AuditCheck> VerifyAudit();
  // Appends the audit head (the last committed entry) to the checkpoint file, if entries were
  // appended since the last checkpoint. Transactions call it by the policy; a caller that closes
  // the store calls it to hear a failure.
  Status Checkpoint();
  void set_checkpoint_policy(CheckpointPolicy p) { checkpoint_policy_ = p; }
  const std::string& checkpoint_file() const { return audit_paths_.checkpoints; }
  const std::string& audit_key_file() const { return audit_paths_.key_file; }
  // The latest `limit` entries, or those before entry `before` (> 0), oldest first.
  Result<std::vector<AuditEntry>> AuditLog(int64_t limit, int64_t before = 0);

  // Low-level writes for the importer, inside Transaction(); the importer validates first.
  // Inserts or updates a patient by ref (name, sex, birth date; the facts only when not empty);
  // `changed` says whether a row was written. Returns the patient's row id.
  Result<int64_t> UpsertPatient(const PatientRecord& p, bool& changed);
  // The row id of the patient `ref`, inserted with no details if it is not there yet.
  Result<int64_t> EnsurePatient(const std::string& ref, bool& changed);
  // Each returns whether a row was written (false: a row with its source is already stored).
  // With `id`, the new row's id is stored there.
  Result<bool> InsertEvent(const EventRecord& e, int64_t* id = nullptr);
  Result<bool> InsertCourse(const CourseRecord& c, const std::string& source);
  // The rows imported from one resource: its source ("Observation/123") and its later versions
  // ("Observation/123@2", ...) and retraction, by id, with `replaced_by` set.
  Result<std::vector<EventRecord>> VersionsOf(const std::string& source);
  Result<bool> InsertCondition(int64_t patient_id, const std::string& indication, const std::string& onset,
                               const std::string& source);
  // Runs `body` in one transaction: reads in it see one snapshot, and its writes and audit
  // entries commit together or not at all. A Transaction inside another's body joins it.
  Status Transaction(const std::function<Status()>& body);
  // Runs `body` as a read: one snapshot of the records and no write lock (SQLite: a deferred
  // transaction, which in WAL mode waits for no writer and holds none up; PostgreSQL: REPEATABLE
  // READ, READ ONLY), so a long read holds up no one. The audit entries of its reads are appended
  // after it, in a short transaction of their own; a failure there fails the read. Anything but a
  // read's audit entry inside it fails. Inside a Transaction (or another Read) it joins it.
  Status Read(const std::function<Status()>& body);
  // A transaction its caller ends itself (the importer's batches): Begin(), then Commit() or
  // Rollback(). Transaction() inside it joins it. Through the store, not db(), so that the audit
  // checkpoints follow what was committed.
  Status Begin();
  Status Commit();
  Status Rollback();
  // Appends an audit entry inside the caller's transaction. A read's entry ("*.read", "*.list")
  // that cannot be written — the database is read-only, or the disk is full — is counted in
  // unrecorded_reads() instead, so that reading and verifying an archive copy work; every other
  // entry's failure fails the write it belongs to.
  Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                     const std::string& detail);
  // Reads whose audit entry could not be written (see AppendAudit); the adapters report them.
  int64_t unrecorded_reads() const { return unrecorded_reads_; }
  bool read_only() const;
  // The indications of a patient's imported conditions (for `course start` and `patient show`).
  Result<std::vector<std::string>> ConditionIndications(int64_t patient_id);
  Result<PatientRecord> FindPatient(const std::string& ref);  // not audited: the caller audits
  // The patient imported from `source` ("<source>|Patient/<id>", migration 6), if any; not audited.
  Result<std::optional<PatientRecord>> FindPatientBySource(const std::string& source);
  // Records where patient `id` came from, when nothing is recorded yet (false: something was).
  Result<bool> SetPatientSource(int64_t id, const std::string& source);
  // The source recorded for patient `id` ("" when none).
  Result<std::string> PatientSource(int64_t id);
  // The tables an import writes its records to.
  enum class Imported { kEvent, kCourse, kCondition };
  // Whether the patient has a row of that kind imported from `source`; not audited.
  Result<bool> HasImported(Imported kind, const std::string& source, int64_t patient_id);
  // Whether row `id` of that kind is the patient's, entered by hand (no source), and holds
  // `content` (an event's body, a course's header, a condition's indication); not audited.
  Result<bool> HoldsEnteredRow(Imported kind, int64_t id, int64_t patient_id, const std::string& content);
  Result<std::optional<CourseRecord>> LatestCourse(int64_t patient_id);

  Connection& db() { return *db_; }
  const Clock& clock() const { return clock_; }
  // The clock's instant now as UTC text (audit/UtcText).
  std::string Now() const;
  // Transactions begun on this store so far (for tests that count a page's reads).
  int64_t transactions() const { return transactions_; }

 private:
  Store(std::unique_ptr<Connection> db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Result<int64_t> InsertReturningId(std::string_view sql, const Params& params, const std::string& what);
  Status AppendAuditEntry(const std::string& actor, const std::string& action, const std::string& subject,
                          const std::string& detail);
  // The audit key: read when its file exists; created beside a SQLite database that has none yet.
  Status LoadAuditKey(const AuditFiles& given, const std::string& target);
  // Reads the keyed-from mark (schema 7) and ties the key to the database on first use.
  Status LoadAuditScheme();
  Status CheckCheckpoints(AuditCheck& check, const std::map<int64_t, std::string>& hashes, int64_t last_seq);
  void AuditCommitted();
  void AuditRolledBack() { pending_entries_ = 0; }

  struct Head {
    int64_t seq = 0;
    std::string hash;
  };
  struct Scheme {
    bool present = false;  // schema 7 or later
    int64_t keyed_from = 0;
    std::string key_id, mac;
    int64_t checkpoints = 0;
  };
  Result<Scheme> ReadScheme();

  // Records that a write changed patient `id`'s records (for the status keeper).
  void Touch(int64_t id) {
    if (status_keeper_ && id > 0) {
      touched_.push_back(id);
      course_rows_.erase(id);
    }
  }
  // A write transaction's copy of the rows it rebuilt a patient's latest course from, kept equal
  // to the rows in force by the events it inserts: the status keeper rebuilds that course from it
  // instead of reading the rows again (CoursesOf). Any other change to the patient drops it, and
  // so does the end of the transaction.
  struct CourseRows {
    PatientRecord patient;
    CourseRecord course;
    std::vector<CourseEventRow> rows;  // in force, by date and id
    int64_t awaiting = 0;              // the row the rebuild left out, until a row replacing it is inserted
    Course header;                     // the course as read from its header, without events
  };
  // Keeps `course_rows_` equal to the rows in force after inserting `e` as row `id`.
  void Inserted(const EventRecord& e, int64_t id);
  // CoursesBetween and CoursesOf: `patients` is the SQL after "patient_id " that picks them.
  Status CoursesWhere(const Knowledge& k, Date as_of, const std::string& patients, const Params& ids,
                      const std::function<void(const PatientRecord&, const Result<StoredCourse>&)>& each);
  // Runs the status keeper over the touched patients (at the end of a write transaction).
  Status KeepStatuses();
  // What a write's query of a patient row ends with: the lock that makes writes to one patient
  // take turns.
  std::string PatientLock() const;
  // Appends the audit entries held in the transaction (at its end, after the keeper).
  Status FlushAudit();

  std::unique_ptr<Connection> db_;
  const Clock& clock_;
  StatusKeeper status_keeper_;
  std::vector<int64_t> touched_;
  std::map<int64_t, CourseRows> course_rows_;  // by patient id
  std::vector<AuditEntry> held_;               // a write transaction's audit entries, appended at its end
  bool flushing_ = false;
  int depth_ = 0;  // nesting of Transaction()
  // Inside Read(): the audit entries of its reads, appended when it ends.
  bool reading_ = false;
  std::vector<AuditEntry> deferred_;
  int64_t transactions_ = 0;
  int64_t unrecorded_reads_ = 0;

  AuditPaths audit_paths_;
  std::optional<AuditKey> key_;
  bool key_created_ = false;  // this store created the default key file (the database had no key)
  Scheme scheme_;
  Head pending_, committed_;     // the last entry appended in the open transaction / committed
  int64_t pending_entries_ = 0;  // entries appended in the open transaction
  int64_t unanchored_ = 0;       // entries committed since the last checkpoint
  std::chrono::steady_clock::time_point last_checkpoint_ = std::chrono::steady_clock::now();
  CheckpointPolicy checkpoint_policy_;
};

// Runs `body` (returning Result<T>) in one transaction, or one read (Store::Read): its error rolls
// back and is returned; its value is returned once the transaction has committed (a read's audit
// entries with it).
namespace detail {
// Runs `body` through `run` (a transaction or a read) and keeps the value it produced.
template <typename T, typename Run, typename F>
Result<T> Keeping(Run&& run, F&& body) {
  std::optional<T> out;
  Status s = run([&]() -> Status {
    Result<T> r = body();
    if (!r.ok()) return r.error();
    out = std::move(r).value();
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return std::move(*out);
}
}  // namespace detail
template <typename T, typename F>
Result<T> InTransaction(Store& st, F&& body) {
  return detail::Keeping<T>([&st](const std::function<Status()>& b) { return st.Transaction(b); }, body);
}
template <typename T, typename F>
Result<T> InRead(Store& st, F&& body) {
  return detail::Keeping<T>([&st](const std::function<Status()>& b) { return st.Read(b); }, body);
}

// The default database file: $LENACARE_DB, else lenacare.db in the working directory.
std::string DefaultTarget();
// Who the audit log names for the command line: $LENACARE_ACTOR, else $USER, else "unknown".
std::string DefaultActor();

}  // namespace lenacare::store
