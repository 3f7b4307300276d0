#include "store/store.h"

#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "course/course_json.h"
#include "store/audit.h"

namespace lenacare::store {
namespace {

using nlohmann::json;

constexpr std::string_view kMarkerType = "marker";

constexpr std::string_view kPatientColumns = "id, ref, name, sex, birth_date, facts";

PatientRecord PatientFrom(const Row& r, int at = 0) {
  PatientRecord p;
  p.id = r.Int(at);
  p.ref = r.Text(at + 1);
  p.name = r.Text(at + 2);
  p.sex = r.Text(at + 3);
  p.birth_date = r.Text(at + 4);
  p.facts = r.Text(at + 5);
  return p;
}

CourseRecord CourseFrom(const Row& r, int at = 0) {
  CourseRecord c;
  c.id = r.Int(at);
  c.patient_id = r.Int(at + 1);
  c.indication = r.Text(at + 2);
  c.start_date = r.Text(at + 3);
  c.header = r.Text(at + 4);
  return c;
}

constexpr std::string_view kEventColumns =
    "id, patient_id, date, type, test, value, lln, uln, body, source, replaces, reason, warnings, recorded_by, "
    "recorded_at";

EventRecord EventFrom(const Row& r) {
  EventRecord e;
  e.id = r.Int(0);
  e.patient_id = r.Int(1);
  e.date = r.Text(2);
  e.type = r.Text(3);
  if (!r.IsNull(4)) e.test = r.Text(4);
  if (!r.IsNull(5)) e.value = r.Real(5);
  if (!r.IsNull(6)) e.lln = r.Real(6);
  if (!r.IsNull(7)) e.uln = r.Real(7);
  e.body = r.Text(8);
  if (!r.IsNull(9)) e.source = r.Text(9);
  if (!r.IsNull(10)) e.replaces = r.Int(10);
  e.reason = r.Text(11);
  e.warnings = r.Text(12);
  e.recorded_by = r.Text(13);
  e.recorded_at = r.Text(14);
  return e;
}

Value Opt(const std::optional<double>& v) { return v ? Value(*v) : Value(std::monostate{}); }
Value OptText(const std::string& s) { return s.empty() ? Value(std::monostate{}) : Value(std::string_view(s)); }

// The columns a course is rebuilt from: the body only where the columns do not say it all.
constexpr std::string_view kCourseEventColumns =
    "id, patient_id, date, type, test, value, lln, uln, plain, CASE WHEN plain = 1 THEN NULL ELSE body END";
// The rows a course is rebuilt from leave out those a later row amended or retracted.
constexpr std::string_view kInForce = " AND id NOT IN (SELECT replaces FROM events WHERE replaces IS NOT NULL)";

// Rebuilds a course from its header and the patient's event rows (kCourseEventColumns, sorted by
// date, then id). Plain rows — labs and dose-diary entries whose course-file text holds nothing
// beyond the columns, validated when written — come from the columns; the other events are read
// again from their course-file text by the course-file reader.
class CourseBuilder {
 public:
  CourseBuilder(const Knowledge& k, Date as_of) : k_(k), as_of_(as_of) {}

  // `header`: the course as an earlier Begin of the same course read it (without events), so that
  // it is not parsed again.
  Status Begin(const PatientRecord& p, const CourseRecord& c, const Course* header = nullptr) {
    if (header != nullptr) {
      out_.course = *header;
    } else {
      auto course = ParseCourseJson(k_, CourseFileJson(c.header, p.facts, p.sex, p.birth_date));
      if (!course.ok()) return course.error().Under("course " + std::to_string(c.id));
      out_.course = std::move(course).value();
    }
    out_.patient = p;
    out_.record = c;
    out_.course.events.reserve(256);
    out_.ignored_events = 0;
    out_.markers.clear();
    out_.resolved.clear();
    baseline_ = 0;
    return Status::Ok();
  }

  // The course as Begin read it, before any Add.
  const Course& course() const { return out_.course; }

  // `parsed`: the event an earlier Add of the same course read this row as (it depends only on
  // the row and the course's start), so that it is not read again. `read`, if given, receives the
  // event this row was read as (none for a row that adds no event).
  Status Add(const Row& r, const Event* parsed = nullptr, std::optional<Event>* read = nullptr) {
    if (parsed != nullptr) {
      if (parsed->date > as_of_) return Status::Ok();
      if (LeftOut(parsed->type, parsed->date)) return Status::Ok();
      Number(out_.course.events.emplace_back(*parsed));
      return Status::Ok();
    }
    auto date = Date::Parse(r.Text(2));
    if (!date.ok()) return date.error().Under("event " + std::to_string(r.Int(0)));
    if (*date > as_of_) return Status::Ok();
    const std::string_view type_id = r.Text(3);
    if (type_id == kEnteredInError) return Status::Ok();
    if (type_id == kFindingResolved) {
      nlohmann::json body = nlohmann::json::parse(r.Text(9), nullptr, false);
      if (body.is_object() && body.contains("finding") && body["finding"].is_string()) {
        out_.resolved.push_back(body["finding"].get<std::string>());
      }
      return Status::Ok();
    }
    if (type_id == kMarkerType) {
      EventRecord m;
      m.id = r.Int(0);
      m.patient_id = r.Int(1);
      m.date = r.Text(2);
      m.type = type_id;
      m.test = r.Text(4);
      m.body = r.Text(9);
      out_.markers.push_back(std::move(m));
      return Status::Ok();
    }
    Course& c = out_.course;
    EventType type;
    if (!ParseEventType(type_id, type)) {
      return Error::Failed("event " + std::to_string(r.Int(0)),
                           "unknown stored event type " + Quoted(std::string(type_id)));
    }
    if (LeftOut(type, *date)) return Status::Ok();
    Event& ev = c.events.emplace_back();
    if (r.Int(8) == 1) {
      ev.type = type;
      ev.date = *date;
      if (type == EventType::kLab) {
        if (!ParseLabTest(r.Text(4), ev.test)) {
          return Error::Failed("event " + std::to_string(r.Int(0)),
                               "unknown stored test " + Quoted(std::string(r.Text(4))) + "");
        }
        ev.value = r.Real(5);
        if (!r.IsNull(6)) ev.lln = r.Real(6);
        if (!r.IsNull(7)) ev.uln = r.Real(7);
      }
    } else {
      auto from_body = ParseStoredEventJson(k_, r.Text(9), "event " + std::to_string(r.Int(0)), c);
      if (!from_body.ok()) {
        c.events.pop_back();
        return from_body.error();
      }
      ev = std::move(from_body).value();
    }
    Number(ev);
    if (read != nullptr) *read = ev;
    return Status::Ok();
  }

  // Before the start, a lab is a baseline result and a program event counts; any other event is
  // left out (and counted).
  bool LeftOut(EventType type, Date date) {
    const bool out = date < out_.course.start_date && type != EventType::kLab && !IsProgramEvent(type);
    if (out) ++out_.ignored_events;
    return out;
  }

  // The index of the event just added: its place among the events, or for a baseline result,
  // -1, -2 ... in order.
  void Number(Event& ev) {
    const Course& c = out_.course;
    const bool baseline = ev.type == EventType::kLab && ev.date < c.start_date;
    ev.index = baseline ? -1 - baseline_++ : static_cast<int>(c.events.size()) - 1;
  }

  Result<StoredCourse> Finish() {
    Course& c = out_.course;
    auto by_date = [](const Event& a, const Event& b) { return a.date < b.date; };
    if (!std::is_sorted(c.events.begin(), c.events.end(), by_date)) {
      std::stable_sort(c.events.begin(), c.events.end(), by_date);
    }
    Status s = CheckCourse(k_, c);
    if (!s.ok()) return s.error().Under("course " + std::to_string(out_.record.id));
    return std::move(out_);
  }

 private:
  const Knowledge& k_;
  Date as_of_;
  StoredCourse out_;
  int baseline_ = 0;
};

// Whether a row's course-file text says nothing beyond its columns (see kCourseEventColumns).
bool Plain(const EventRecord& e) {
  const bool kind = (e.type == "lab" && e.value) || e.type == "dose-taken" || e.type == "dose-missed";
  return kind && e.body.find("\"note\"") == std::string::npos && e.body.find("\"reason\"") == std::string::npos;
}

// A kept event row read as the database would give it (kCourseEventColumns).
class KeptRow final : public Row {
 public:
  explicit KeptRow(const CourseEventRow& r) : r_(r) {}
  bool IsNull(int column) const override {
    switch (column) {
      case 4:
        return !r_.test;
      case 5:
        return !r_.value;
      case 6:
        return !r_.lln;
      case 7:
        return !r_.uln;
      case 9:
        return !r_.body;
      default:
        return false;
    }
  }
  int64_t Int(int column) const override {
    switch (column) {
      case 0:
        return r_.id;
      case 1:
        return r_.patient_id;
      case 8:
        return r_.plain;
      default:
        return 0;
    }
  }
  double Real(int column) const override {
    const std::optional<double>& v = column == 5 ? r_.value : column == 6 ? r_.lln : r_.uln;
    return v.value_or(0.0);
  }
  std::string_view Text(int column) const override {
    switch (column) {
      case 2:
        return r_.date;
      case 3:
        return r_.type;
      case 4:
        return r_.test ? std::string_view(*r_.test) : std::string_view();
      case 9:
        return r_.body ? std::string_view(*r_.body) : std::string_view();
      default:
        return {};
    }
  }

 private:
  const CourseEventRow& r_;
};

CourseEventRow KeepRow(const Row& r) {
  CourseEventRow k;
  k.id = r.Int(0);
  k.patient_id = r.Int(1);
  k.date = r.Text(2);
  k.type = r.Text(3);
  if (!r.IsNull(4)) k.test = std::string(r.Text(4));
  if (!r.IsNull(5)) k.value = r.Real(5);
  if (!r.IsNull(6)) k.lln = r.Real(6);
  if (!r.IsNull(7)) k.uln = r.Real(7);
  k.plain = r.Int(8);
  if (!r.IsNull(9)) k.body = std::string(r.Text(9));
  return k;
}

// Courses kept per write transaction at most (an import may rebuild many; the rest are read again).
constexpr size_t kKeptCourses = 64;

}  // namespace

std::string DefaultTarget() {
  if (const char* env = std::getenv("LENACARE_DB"); env != nullptr && *env != '\0') return env;
  return "lenacare.db";
}

std::string DefaultActor() {
  for (const char* name : {"LENACARE_ACTOR", "USER"}) {
    if (const char* env = std::getenv(name); env != nullptr && *env != '\0') return env;
  }
  return "unknown";
}

Result<std::unique_ptr<Store>> Store::OpenUnmigrated(const std::string& target, const Clock& clock,
                                                     const AuditFiles& audit) {
  if (sodium_init() < 0) return Error::Failed("", "libsodium could not be initialised");
  auto db = store::Open(target);
  if (!db.ok()) return db.error();
  std::unique_ptr<Store> st(new Store(std::move(db).value(), clock));
  Status key = st->LoadAuditKey(audit, target);
  if (!key.ok()) return key.error();
  return st;
}

std::string Store::Now() const { return UtcText(clock_.Now()); }

Result<std::unique_ptr<Store>> Store::Open(const std::string& target, const Clock& clock, const AuditFiles& audit) {
  auto s = OpenUnmigrated(target, clock, audit);
  if (!s.ok()) return s;
  // No default key for a server database: a key created on the server's own disk would sit
  // beside whoever can rewrite the database. The operator gives one.
  if (!(*s)->key_ && IsPostgresUrl(target)) {
    return Error::Failed("--audit-key",
                         "a PostgreSQL database is opened only with its audit key: " + HowToGiveAnAuditKey());
  }
  Status m = (*s)->Migrate(LatestSchemaVersion());
  if (!m.ok()) return m.error();
  return s;
}

Store::~Store() { (void)Checkpoint(); }

bool Store::read_only() const { return db_->read_only(); }

Result<int> Store::SchemaVersion() { return SchemaVersionOf(*db_); }

Status Store::Migrate(int up_to) {
  Status s = MigrateTo(*db_, up_to, Now());
  if (!s.ok()) return s;
  return LoadAuditScheme();
}

Status Store::LoadAuditKey(const AuditFiles& given, const std::string& target) {
  if (target == ":memory:") {
    // A database that dies with the process: a key that dies with it.
    std::array<unsigned char, AuditKey::kBytes> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    key_.emplace(bytes);
    return Status::Ok();
  }
  audit_paths_ = ResolveAuditPaths(given, IsPostgresUrl(target) ? "" : target);
  const std::string& path = audit_paths_.key_file;
  if (path.empty()) return Status::Ok();
  if (access(path.c_str(), F_OK) != 0) {
    if (audit_paths_.key_is_default) return Status::Ok();  // created by LoadAuditScheme when the database has none
    return Error::Failed("--audit-key", "audit key file '" + path + "' does not exist: " + HowToGiveAnAuditKey());
  }
  auto key = ReadAuditKey(path);
  if (!key.ok()) return key.error();
  key_.emplace(std::move(key).value());
  return Status::Ok();
}

Result<Store::Scheme> Store::ReadScheme() {
  Scheme out;
  auto version = SchemaVersionOf(*db_);
  if (!version.ok()) return version.error();
  if (*version < 7) return out;
  Status s =
      db_->Query("SELECT keyed_from, key_id, mac, checkpoints FROM audit_scheme WHERE id = 1", {}, [&](const Row& r) {
        out.present = true;
        out.keyed_from = r.Int(0);
        out.key_id = r.Text(1);
        out.mac = r.Text(2);
        out.checkpoints = r.Int(3);
      });
  if (!s.ok()) return s.error();
  if (!out.present) return Error::Failed("audit", "the audit scheme row is missing: run `lenacare audit verify`");
  return out;
}

namespace {

std::string SchemeMac(int64_t keyed_from, const std::string& key_id, const AuditKey& key) {
  return FieldsMac({"audit-scheme", std::to_string(keyed_from), key_id}, key);
}

}  // namespace

Status Store::LoadAuditScheme() {
  auto scheme = ReadScheme();
  if (!scheme.ok()) return scheme.error();
  scheme_ = std::move(scheme).value();
  if (!scheme_.present) return Status::Ok();
  const std::string& path = audit_paths_.key_file;
  if (!key_ && scheme_.key_id.empty() && audit_paths_.key_is_default && !db_->read_only()) {
    auto created = CreateAuditKey(path);
    if (!created.ok()) return created.error();
    key_.emplace(std::move(created).value());
  }
  if (!key_) {
    if (db_->read_only()) return Status::Ok();  // verifies what it can; writes fail anyway
    return Error::Failed("--audit-key", "this database's audit log is keyed" +
                                            (scheme_.key_id.empty() ? "" : " (key " + scheme_.key_id + ")") +
                                            " and its key file " + (path.empty() ? "" : "'" + path + "' ") +
                                            "is missing: " + HowToGiveAnAuditKey());
  }
  if (scheme_.key_id.empty() && !db_->read_only()) {
    // First use of the keyed scheme: tie the key to the database, the mark MACed under it. No
    // entry can have been keyed before this, so the mark must be just past the head; a mark
    // anywhere else was moved by hand (to pass rewritten entries off as old unkeyed ones).
    auto head = QueryInt(*db_, "SELECT seq FROM audit_head WHERE id = 1", {}, -1);
    if (!head.ok()) return head.error();
    if (scheme_.keyed_from != *head + 1) {
      return Error::Failed("audit", "the audit log's mark of its first keyed entry (" +
                                        std::to_string(scheme_.keyed_from) + ") was changed by hand: the log ends at " +
                                        std::to_string(*head) + ": the audit log was tampered with");
    }
    scheme_.key_id = key_->fingerprint();
    scheme_.mac = SchemeMac(scheme_.keyed_from, scheme_.key_id, *key_);
    Status s = InTransaction(*db_, [&]() -> Status {
      auto n = db_->Run("UPDATE audit_scheme SET key_id = ?, mac = ? WHERE id = 1 AND key_id = ''",
                        {std::string_view(scheme_.key_id), std::string_view(scheme_.mac)});
      return n.ok() ? Status::Ok() : Status(n.error());
    });
    if (!s.ok()) return s;
    auto again = ReadScheme();  // another process may have tied its key first
    if (!again.ok()) return again.error();
    scheme_ = std::move(again).value();
  }
  if (!scheme_.key_id.empty() && scheme_.key_id != key_->fingerprint()) {
    return Error::Failed("--audit-key", "the audit key does not match this database (key file '" + path + "' is key " +
                                            key_->fingerprint() + ", the database's log is keyed with " +
                                            scheme_.key_id + "): give the key this database was written with");
  }
  return Status::Ok();
}

namespace {

// A read ("patient.read", "patient.list"): the only kind of entry a read-only or full database
// may go without (a write cannot happen there anyway).
bool IsRead(std::string_view action) { return action.ends_with(".read") || action.ends_with(".list"); }

}  // namespace

Status Store::AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                          const std::string& detail) {
  if (reading_) {
    if (!IsRead(action)) return Error::Failed("store", "\"" + action + "\" is a write, inside a read transaction");
    AuditEntry e;
    e.actor = actor;
    e.action = action;
    e.subject = subject;
    e.detail = detail;
    deferred_.push_back(std::move(e));
    return Status::Ok();
  }
  if (depth_ > 0 && !flushing_) {
    // Held to the end of the transaction (FlushAudit): every writer waits for the audit head
    // row from the first entry to the commit, so the entries go last.
    held_.push_back(AuditEntry{0, "", actor, action, subject, detail, "", ""});
    return Status::Ok();
  }
  if (db_->read_only() && IsRead(action)) {
    ++unrecorded_reads_;
    return Status::Ok();
  }
  // On SQLite a read's entry is written under a savepoint, so that a full disk halfway through
  // it (the entry written, the head row not) leaves nothing behind and the read goes on. (On
  // PostgreSQL any failure ends the transaction, so there the read fails with it.)
  const bool guarded = IsRead(action) && depth_ > 0 && db_->dialect() == Dialect::kSqlite;
  if (guarded) {
    Status sp = db_->Savepoint();
    if (!sp.ok()) return sp;
  }
  const Head pending_before = pending_;
  const int64_t pending_entries_before = pending_entries_;
  Status s = AppendAuditEntry(actor, action, subject, detail);
  if (s.ok() && depth_ == 0) AuditCommitted();  // outside a transaction each statement commits
  if (!guarded) return s;
  if (!s.ok() && db_->disk_full()) {
    Status undone = db_->RollbackToSavepoint();
    if (!undone.ok()) return undone;
    pending_ = pending_before;
    pending_entries_ = pending_entries_before;
    ++unrecorded_reads_;
    s = Status::Ok();
  }
  Status released = db_->ReleaseSavepoint();
  return s.ok() ? released : s;
}

Status Store::FlushAudit() {
  std::vector<AuditEntry> entries = std::move(held_);
  held_.clear();
  flushing_ = true;
  Status s = Status::Ok();
  for (const AuditEntry& e : entries) {
    s = AppendAudit(e.actor, e.action, e.subject, e.detail);
    if (!s.ok()) break;
  }
  flushing_ = false;
  return s;
}

Status Store::AppendAuditEntry(const std::string& actor, const std::string& action, const std::string& subject,
                               const std::string& detail) {
  AuditEntry e;
  const bool postgres = db_->dialect() == Dialect::kPostgres;
  if (pending_entries_ > 0) {  // the head is this transaction's (locked) since its first entry
    e.seq = pending_.seq + 1;
    e.prev_hash = pending_.hash;
  } else {
    bool found = false;
    Status s = db_->Query(postgres ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                                   : "SELECT seq, hash FROM audit_head WHERE id = 1",
                          {}, [&](const Row& r) {
                            e.seq = r.Int(0) + 1;
                            e.prev_hash = r.Text(1);
                            found = true;
                          });
    if (!s.ok()) return s;
    if (!found) return Error::Failed("audit", "the audit head row is missing: run `lenacare audit verify`");
  }
  e.at = Now();
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.detail = detail;
  if (scheme_.present && e.seq >= scheme_.keyed_from) {
    if (!key_)
      return Error::Failed("--audit-key", "no audit key, so nothing can be recorded: " + HowToGiveAnAuditKey());
    e.hash = AuditMac(e, *key_);
  } else {
    e.hash = AuditHash(e);  // a database not yet at schema 7 (the upgrade tests)
  }
  const Params row = {e.seq,
                      std::string_view(e.at),
                      std::string_view(e.actor),
                      std::string_view(e.action),
                      std::string_view(e.subject),
                      std::string_view(e.detail),
                      std::string_view(e.prev_hash),
                      std::string_view(e.hash)};
  if (postgres) {  // one statement: the head stays locked one round trip less
    Params both = row;
    both.emplace_back(e.seq);
    both.emplace_back(std::string_view(e.hash));
    // Sent with the COMMIT (or the transaction's next statement): the head is locked, so this
    // cannot miss it.
    Status r = db_->Later(
        "WITH entry AS (INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)) UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
        both);
    if (!r.ok()) return r;
  } else {
    auto r = db_->Run(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        row);
    if (!r.ok()) return r.error();
    r = db_->Run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", {e.seq, std::string_view(e.hash)});
    if (!r.ok()) return r.error();
  }
  pending_ = {e.seq, e.hash};
  ++pending_entries_;
  return Status::Ok();
}

void Store::AuditCommitted() {
  if (pending_entries_ == 0) return;
  committed_ = pending_;
  unanchored_ += pending_entries_;
  pending_entries_ = 0;
  const bool due = unanchored_ >= checkpoint_policy_.entries ||
                   std::chrono::steady_clock::now() - last_checkpoint_ >= checkpoint_policy_.interval;
  // The entries are committed whatever happens here; a checkpoint that fails is tried again at
  // the next commit and when the store closes.
  if (due) (void)Checkpoint();
}

namespace {

// A checkpoint line's fields in the order its MAC covers them.
std::string CheckpointMac(int64_t seq, const std::string& hash, const std::string& at, int64_t keyed_from,
                          const std::string& key_id, const AuditKey& key) {
  return FieldsMac({"audit-checkpoint", std::to_string(seq), hash, at, std::to_string(keyed_from), key_id}, key);
}

}  // namespace

Status Store::Checkpoint() {
  // Inside a transaction the head is not committed yet: the commit checkpoints.
  if (depth_ > 0) return Status::Ok();
  if (unanchored_ == 0 || audit_paths_.checkpoints.empty() || !key_ || !scheme_.present || db_->read_only()) {
    return Status::Ok();
  }
  const std::string at = Now();
  const json line = {
      {"seq", committed_.seq},
      {"hash", committed_.hash},
      {"at", at},
      {"keyed_from", scheme_.keyed_from},
      {"key_id", scheme_.key_id},
      {"mac", CheckpointMac(committed_.seq, committed_.hash, at, scheme_.keyed_from, scheme_.key_id, *key_)}};
  Status s = AppendLine(audit_paths_.checkpoints, line.dump());
  if (!s.ok()) return s;
  unanchored_ = 0;
  last_checkpoint_ = std::chrono::steady_clock::now();
  // The database counts the lines, so that lines cut from the end of the file are noticed.
  return InTransaction(*db_, [&]() -> Status {
    auto n = db_->Run("UPDATE audit_scheme SET checkpoints = checkpoints + 1 WHERE id = 1", {});
    return n.ok() ? Status::Ok() : Status(n.error());
  });
}

Status Store::Audit(const std::string& actor, const std::string& action, const std::string& subject,
                    const std::string& detail) {
  if (reading_) return AppendAudit(actor, action, subject, detail);
  return Transaction([&] { return AppendAudit(actor, action, subject, detail); });
}

Status Store::Transaction(const std::function<Status()>& body) {
  if (reading_) return Error::Failed("store", "a write transaction inside a read transaction");
  if (depth_ > 0) return body();  // joins the transaction in progress
  ++transactions_;
  ++depth_;
  touched_.clear();
  held_.clear();
  course_rows_.clear();
  Status s = InTransaction(*db_, [&]() -> Status {
    if (status_keeper_ && db_->dialect() == Dialect::kPostgres) {
      // The keeper writes the answers of what this transaction changes: the triggers leave them
      // (schema 10).
      Status keeps = db_->Later("SELECT set_config('lenacare.keeps_status', 'on', true)", {});
      if (!keeps.ok()) return keeps;
    }
    Status b = body();
    if (b.ok()) b = KeepStatuses();
    return b.ok() ? FlushAudit() : b;
  });
  touched_.clear();
  held_.clear();
  course_rows_.clear();
  --depth_;
  if (s.ok()) {
    AuditCommitted();
  } else {
    AuditRolledBack();
  }
  return s;
}

Status Store::Read(const std::function<Status()>& body) {
  if (depth_ > 0 || reading_) return body();
  ++transactions_;
  reading_ = true;
  Status s = db_->BeginRead();
  if (s.ok()) {
    s = body();
    Status end = s.ok() ? db_->Commit() : db_->Rollback();
    if (s.ok()) s = end;
  }
  reading_ = false;
  std::vector<AuditEntry> entries = std::move(deferred_);
  deferred_.clear();
  if (!s.ok() || entries.empty()) return s;
  return Transaction([&]() -> Status {
    for (const AuditEntry& e : entries) {
      if (Status a = AppendAudit(e.actor, e.action, e.subject, e.detail); !a.ok()) return a;
    }
    return Status::Ok();
  });
}

namespace {

// One line of the checkpoint file, as read back.
struct CheckpointLine {
  int line = 0;
  int64_t seq = 0, keyed_from = 0;
  std::string hash, at, key_id, mac;
};

std::string LineName(const CheckpointLine& c) {
  return "checkpoint " + std::to_string(c.line) + " (entry " + std::to_string(c.seq) + ")";
}

// The lines of the checkpoint file; a line that is not a checkpoint is a problem.
Result<std::vector<CheckpointLine>> ReadCheckpoints(const std::string& path, std::string& problem) {
  std::vector<CheckpointLine> out;
  if (access(path.c_str(), F_OK) != 0) return out;  // none written yet
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::Failed("--audit-checkpoints",
                         "cannot read the audit checkpoint file '" + path + "': " + std::strerror(errno));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int number = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    ++number;
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const json j = json::parse(line, nullptr, false);
    const bool shape = end != std::string::npos && j.is_object() && j.contains("seq") && j["seq"].is_number_integer() &&
                       j.contains("keyed_from") && j["keyed_from"].is_number_integer();
    for (const char* key : {"hash", "at", "key_id", "mac"}) {
      if (!shape || !j.contains(key) || !j[key].is_string()) {
        problem = "checkpoint " + std::to_string(number) + " of '" + path +
                  "' is not a whole checkpoint line (edited or cut)";
        return out;
      }
    }
    out.push_back({number, j["seq"].get<int64_t>(), j["keyed_from"].get<int64_t>(), j["hash"].get<std::string>(),
                   j["at"].get<std::string>(), j["key_id"].get<std::string>(), j["mac"].get<std::string>()});
    at = end + 1;
  }
  return out;
}

}  // namespace

Status Store::Begin() {
  Status s = db_->Begin();
  if (!s.ok()) return s;
  ++transactions_;
  ++depth_;
  touched_.clear();
  held_.clear();
  return s;
}

Status Store::Commit() {
  Status kept = KeepStatuses();
  if (kept.ok()) kept = FlushAudit();
  held_.clear();
  --depth_;
  if (!kept.ok()) {
    AuditRolledBack();
    (void)db_->Rollback();
    return kept;
  }
  Status s = db_->Commit();
  if (s.ok()) {
    AuditCommitted();
  } else {
    AuditRolledBack();
  }
  return s;
}

Status Store::Rollback() {
  --depth_;
  touched_.clear();
  held_.clear();
  AuditRolledBack();
  return db_->Rollback();
}

Result<AuditCheck> Store::VerifyAudit() {
  AuditCheck check;
  auto scheme = ReadScheme();
  if (!scheme.ok()) return scheme.error();
  const Scheme& sc = *scheme;
  const int64_t keyed_from = sc.present ? sc.keyed_from : std::numeric_limits<int64_t>::max();
  check.keyed_from = sc.present ? sc.keyed_from : 0;
  if (key_ && !sc.key_id.empty() && sc.key_id != key_->fingerprint()) {
    return Error::Failed("--audit-key", "the audit key does not match this database (key " + key_->fingerprint() +
                                            ", the database's log is keyed with " + sc.key_id +
                                            "): give the key this database was written with");
  }
  // The checkpoints' sequence numbers, to compare with the hashes the log has there.
  std::string checkpoint_problem;
  std::vector<CheckpointLine> checkpoints;
  if (!audit_paths_.checkpoints.empty()) {
    auto read = ReadCheckpoints(audit_paths_.checkpoints, checkpoint_problem);
    if (!read.ok()) return read.error();
    checkpoints = std::move(read).value();
  }
  std::map<int64_t, std::string> hashes;  // the log's hash at each checkpoint's entry
  for (const CheckpointLine& c : checkpoints) hashes[c.seq];
  std::string prev;
  int64_t expected = 1;
  Status s = db_->Query("SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq", {},
                        [&](const Row& r) {
                          AuditEntry e{r.Int(0),
                                       std::string(r.Text(1)),
                                       std::string(r.Text(2)),
                                       std::string(r.Text(3)),
                                       std::string(r.Text(4)),
                                       std::string(r.Text(5)),
                                       std::string(r.Text(6)),
                                       std::string(r.Text(7))};
                          ++check.entries;
                          if (auto h = hashes.find(e.seq); h != hashes.end()) h->second = e.hash;
                          if (!check.ok) return;
                          const std::string at = "entry " + std::to_string(e.seq);
                          const bool keyed = e.seq >= keyed_from;
                          if (keyed && !key_) ++check.unverified;
                          if (e.seq != expected) {
                            check.ok = false;
                            check.problem = "entry " + std::to_string(expected) + " is missing (deleted)";
                          } else if (e.prev_hash != prev) {
                            check.ok = false;
                            check.problem = at + ": does not follow the entry before it";
                          } else if (keyed ? key_ && AuditMac(e, *key_) != e.hash : AuditHash(e) != e.hash) {
                            check.ok = false;
                            check.problem = at + ": its contents do not match its hash (edited)";
                          }
                          prev = e.hash;
                          expected = e.seq + 1;
                        });
  if (!s.ok()) return s.error();
  if (check.ok) {
    int64_t head_seq = -1;
    std::string head_hash;
    s = db_->Query("SELECT seq, hash FROM audit_head WHERE id = 1", {}, [&](const Row& r) {
      head_seq = r.Int(0);
      head_hash = r.Text(1);
    });
    if (!s.ok()) return s.error();
    if (head_seq != expected - 1 || head_hash != prev) {
      check.ok = false;
      check.problem = head_seq < 0 ? "the head row is missing"
                                   : "the log ends at entry " + std::to_string(expected - 1) + " but its head says " +
                                         std::to_string(head_seq) + " (entries deleted or head edited)";
    }
  }
  if (check.ok && sc.present && key_ && SchemeMac(sc.keyed_from, sc.key_id, *key_) != sc.mac) {
    check.ok = false;
    check.problem = "the mark saying from which entry on the log is keyed (entry " + std::to_string(sc.keyed_from) +
                    ") does not match its MAC (edited)";
  }
  if (check.ok) {
    check.ok = checkpoint_problem.empty();
    check.problem = checkpoint_problem;
  }
  if (check.ok) {
    for (const CheckpointLine& c : checkpoints) {
      ++check.checkpoints;
      std::string problem;
      if (key_ && CheckpointMac(c.seq, c.hash, c.at, c.keyed_from, c.key_id, *key_) != c.mac) {
        problem = LineName(c) + " does not match its MAC (edited or forged)";
      } else if (c.seq > expected - 1) {
        problem = LineName(c) + ": the log ends at entry " + std::to_string(expected - 1) +
                  " (entries deleted, or the log rebuilt)";
      } else if (hashes[c.seq] != c.hash) {
        problem =
            LineName(c) + ": the log's entry " + std::to_string(c.seq) + " has another hash (the log was rewritten)";
      } else if (sc.present && c.keyed_from != sc.keyed_from) {
        problem = LineName(c) + ": the log's mark of its first keyed entry was changed (edited)";
      }
      if (!problem.empty()) {
        check.ok = false;
        check.problem = problem;
        break;
      }
    }
  }
  if (check.ok && static_cast<int64_t>(checkpoints.size()) < sc.checkpoints) {
    check.ok = false;
    check.problem = "the checkpoint file '" + audit_paths_.checkpoints + "' has " + std::to_string(checkpoints.size()) +
                    " checkpoints but " + std::to_string(sc.checkpoints) + " were written (lines removed)";
  }
  if (audit_paths_.checkpoints.empty()) {
    check.note =
        "no checkpoint file was given, so the log was not compared with checkpoints kept outside the database "
        "(--audit-checkpoints FILE or LENACARE_AUDIT_CHECKPOINTS)";
  }
  if (check.unverified > 0) {
    check.note = "entries " + std::to_string(keyed_from) + " to " + std::to_string(expected - 1) +
                 " are keyed and no audit key was given, so their hashes and the checkpoints' MACs were not checked (" +
                 HowToGiveAnAuditKey() + ")";
  }
  return check;
}

Result<std::vector<AuditEntry>> Store::AuditLog(int64_t limit, int64_t before) {
  std::vector<AuditEntry> out;
  Status s = db_->Stream(
      "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit WHERE seq < ? ORDER BY seq DESC "
      "LIMIT ?",
      {before > 0 ? before : std::numeric_limits<int64_t>::max(), limit}, [&](const Row& r) {
        out.push_back({r.Int(0), std::string(r.Text(1)), std::string(r.Text(2)), std::string(r.Text(3)),
                       std::string(r.Text(4)), std::string(r.Text(5)), std::string(r.Text(6)), std::string(r.Text(7))});
      });
  if (!s.ok()) return s.error();
  std::reverse(out.begin(), out.end());
  return out;
}

std::string Store::PatientLock() const {
  // In a write, a patient's row stays locked from when it is found to the end: writes to one
  // patient take turns, so each is checked against (and keeps the answer of) the course as the
  // previous one left it. SQLite's writes take turns anyway (BEGIN IMMEDIATE).
  return depth_ > 0 && db_->dialect() == Dialect::kPostgres ? " FOR NO KEY UPDATE" : "";
}

Result<PatientRecord> Store::FindPatient(const std::string& ref) {
  std::optional<PatientRecord> p;
  Status s = db_->Query("SELECT " + std::string(kPatientColumns) + " FROM patients WHERE ref = ?" + PatientLock(),
                        {std::string_view(ref)}, [&](const Row& r) { p = PatientFrom(r); });
  if (!s.ok()) return s.error();
  if (!p) return Error::BadInput("patient", "no patient " + Quoted(ref) + " (see `lenacare patient list`)");
  return *p;
}

Result<std::optional<PatientRecord>> Store::FindPatientBySource(const std::string& source) {
  std::optional<PatientRecord> p;
  Status s = db_->Query("SELECT " + std::string(kPatientColumns) + " FROM patients WHERE source = ?",
                        {std::string_view(source)}, [&](const Row& r) { p = PatientFrom(r); });
  if (!s.ok()) return s.error();
  return p;
}

Result<bool> Store::SetPatientSource(int64_t id, const std::string& source) {
  auto n = db_->Run("UPDATE patients SET source = ? WHERE id = ? AND source IS NULL", {std::string_view(source), id});
  if (!n.ok()) return n.error();
  return *n > 0;
}

Result<std::string> Store::PatientSource(int64_t id) {
  std::string out;
  Status s = db_->Query("SELECT source FROM patients WHERE id = ?", {id}, [&](const Row& r) {
    if (!r.IsNull(0)) out = std::string(r.Text(0));
  });
  if (!s.ok()) return s.error();
  return out;
}

namespace {

const char* TableOf(Store::Imported kind) {
  switch (kind) {
    case Store::Imported::kCourse:
      return "courses";
    case Store::Imported::kCondition:
      return "conditions";
    case Store::Imported::kEvent:
      break;
  }
  return "events";
}

}  // namespace

Result<bool> Store::HasImported(Imported kind, const std::string& source, int64_t patient_id) {
  auto n = QueryInt(*db_, std::string("SELECT count(*) FROM ") + TableOf(kind) + " WHERE source = ? AND patient_id = ?",
                    {std::string_view(source), patient_id}, 0);
  if (!n.ok()) return n.error();
  return *n > 0;
}

Result<bool> Store::HoldsEnteredRow(Imported kind, int64_t id, int64_t patient_id, const std::string& content) {
  const char* column = kind == Imported::kEvent ? "body" : kind == Imported::kCourse ? "header" : "indication";
  auto n = QueryInt(*db_,
                    std::string("SELECT count(*) FROM ") + TableOf(kind) + " WHERE id = ? AND patient_id = ? AND " +
                        column + " = ? AND source IS NULL",
                    {id, patient_id, std::string_view(content)}, 0);
  if (!n.ok()) return n.error();
  return *n > 0;
}

Result<std::optional<CourseRecord>> Store::LatestCourse(int64_t patient_id) {
  std::optional<CourseRecord> c;
  Status s = db_->Query(
      "SELECT id, patient_id, indication, start_date, header FROM courses WHERE patient_id = ? ORDER BY id DESC LIMIT "
      "1",
      {patient_id}, [&](const Row& r) { c = CourseFrom(r); });
  if (!s.ok()) return s.error();
  return c;
}

Result<int64_t> Store::UpsertPatient(const PatientRecord& p, bool& changed) {
  const bool facts = !p.facts.empty();
  auto n = db_->Run(
      facts ? "INSERT INTO patients (ref, name, sex, birth_date, facts) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (ref) DO UPDATE SET name = excluded.name, sex = excluded.sex, birth_date = "
              "excluded.birth_date, facts = excluded.facts "
              "WHERE patients.name IS DISTINCT FROM excluded.name OR patients.sex IS DISTINCT FROM excluded.sex "
              "OR patients.birth_date IS DISTINCT FROM excluded.birth_date OR patients.facts IS DISTINCT FROM "
              "excluded.facts"
            : "INSERT INTO patients (ref, name, sex, birth_date, facts) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (ref) DO UPDATE SET name = excluded.name, sex = excluded.sex, birth_date = "
              "excluded.birth_date "
              "WHERE patients.name IS DISTINCT FROM excluded.name OR patients.sex IS DISTINCT FROM excluded.sex "
              "OR patients.birth_date IS DISTINCT FROM excluded.birth_date",
      {std::string_view(p.ref), std::string_view(p.name), std::string_view(p.sex), std::string_view(p.birth_date),
       facts ? std::string_view(p.facts) : std::string_view("{}")});
  if (!n.ok()) return n.error();
  changed = *n > 0;
  auto id = QueryInt(*db_, "SELECT id FROM patients WHERE ref = ?" + PatientLock(), {std::string_view(p.ref)}, 0);
  if (!id.ok()) return id.error();
  if (changed) Touch(*id);
  return *id;
}

Result<int64_t> Store::EnsurePatient(const std::string& ref, bool& changed) {
  auto n = db_->Run("INSERT INTO patients (ref) VALUES (?) ON CONFLICT DO NOTHING", {std::string_view(ref)});
  if (!n.ok()) return n.error();
  changed = *n > 0;
  return QueryInt(*db_, "SELECT id FROM patients WHERE ref = ?", {std::string_view(ref)}, 0);
}

Result<bool> Store::InsertCourse(const CourseRecord& c, const std::string& source) {
  auto n = db_->Run(
      "INSERT INTO courses (patient_id, indication, start_date, header, source) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING",
      {c.patient_id, std::string_view(c.indication), std::string_view(c.start_date), std::string_view(c.header),
       std::string_view(source)});
  if (!n.ok()) return n.error();
  if (*n > 0) Touch(c.patient_id);
  return *n > 0;
}

Result<bool> Store::InsertCondition(int64_t patient_id, const std::string& indication, const std::string& onset,
                                    const std::string& source) {
  auto n = db_->Run(
      "INSERT INTO conditions (patient_id, indication, onset, source) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {patient_id, std::string_view(indication), std::string_view(onset), std::string_view(source)});
  if (!n.ok()) return n.error();
  return *n > 0;
}

Result<std::vector<std::string>> Store::ConditionIndications(int64_t patient_id) {
  std::vector<std::string> out;
  Status s = db_->Query("SELECT DISTINCT indication FROM conditions WHERE patient_id = ? ORDER BY indication",
                        {patient_id}, [&](const Row& r) { out.emplace_back(r.Text(0)); });
  if (!s.ok()) return s.error();
  return out;
}

Result<bool> Store::InsertEvent(const EventRecord& e, int64_t* id) {
  const Params params = {e.patient_id,
                         std::string_view(e.date),
                         std::string_view(e.type),
                         OptText(e.test),
                         Opt(e.value),
                         Opt(e.lln),
                         Opt(e.uln),
                         std::string_view(e.body),
                         OptText(e.source),
                         int64_t{Plain(e) ? 1 : 0},
                         e.replaces > 0 ? Value(e.replaces) : Value(std::monostate{}),
                         std::string_view(e.reason),
                         std::string_view(e.warnings),
                         std::string_view(e.recorded_by),
                         std::string_view(e.recorded_at)};
  constexpr std::string_view kInsert =
      "INSERT INTO events (patient_id, date, type, test, value, lln, uln, body, source, plain, replaces, reason, "
      "warnings, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
  if (id == nullptr) {
    auto n = db_->Run(kInsert, params);
    if (!n.ok()) return n.error();
    if (*n > 0) Touch(e.patient_id);
    return *n > 0;
  }
  auto inserted = InsertReturningId(std::string(kInsert) + " RETURNING id", params, "event");
  if (!inserted.ok()) return inserted.error();
  *id = *inserted;
  touched_.push_back(e.patient_id);
  Inserted(e, *id);
  return true;
}

void Store::Inserted(const EventRecord& e, int64_t id) {
  if (!status_keeper_ || e.patient_id <= 0) return;
  auto kept = course_rows_.find(e.patient_id);
  if (kept == course_rows_.end()) return;
  std::vector<CourseEventRow>& rows = kept->second.rows;
  if (e.replaces > 0) {
    std::erase_if(rows, [&](const CourseEventRow& r) { return r.id == e.replaces; });
    if (kept->second.awaiting == e.replaces) kept->second.awaiting = 0;
  }
  CourseEventRow r;
  r.id = id;
  r.patient_id = e.patient_id;
  r.date = e.date;
  r.type = e.type;
  if (!e.test.empty()) r.test = e.test;
  r.value = e.value;
  r.lln = e.lln;
  r.uln = e.uln;
  r.plain = Plain(e) ? 1 : 0;
  if (r.plain == 0) r.body = e.body;
  // By date, then id: the new row has the highest id, so it goes after every row of its date.
  auto at = std::upper_bound(rows.begin(), rows.end(), r.date,
                             [](const std::string& date, const CourseEventRow& x) { return date < x.date; });
  rows.insert(at, std::move(r));
}

Result<int64_t> Store::InsertReturningId(std::string_view sql, const Params& params, const std::string& what) {
  std::optional<int64_t> id;
  Status q = db_->Query(sql, params, [&](const Row& r) { id = r.Int(0); });
  if (!q.ok()) return q.error();
  if (!id) return Error::Failed(what, "the database stored no row");
  return *id;
}

Result<PatientRecord> Store::AddPatient(const std::string& actor, PatientRecord p) {
  if (p.facts.empty()) p.facts = "{}";
  Status s = Transaction([&]() -> Status {
    auto existing = QueryInt(*db_, "SELECT count(*) FROM patients WHERE ref = ?", {std::string_view(p.ref)}, 0);
    if (!existing.ok()) return existing.error();
    if (*existing > 0) return Error::BadInput("patient", Quoted(p.ref) + " already exists");
    bool changed = false;
    auto id = UpsertPatient(p, changed);
    if (!id.ok()) return id.error();
    p.id = *id;
    auto n = db_->Run("UPDATE patients SET facts = ? WHERE id = ?", {std::string_view(p.facts), p.id});
    if (!n.ok()) return n.error();
    Touch(p.id);
    return AppendAudit(actor, "patient.add", p.ref, "");
  });
  if (!s.ok()) return s.error();
  return p;
}

Result<std::vector<PatientRecord>> Store::ListPatients(const std::string& actor, int64_t limit,
                                                       const std::string& after) {
  return InRead<std::vector<PatientRecord>>(*this, [&]() -> Result<std::vector<PatientRecord>> {
    std::vector<PatientRecord> out;
    std::string sql = "SELECT " + std::string(kPatientColumns) + " FROM patients";
    Params params;
    if (!after.empty()) {
      sql += " WHERE ref > ?";
      params.emplace_back(std::string_view(after));
    }
    sql += " ORDER BY ref";
    if (limit > 0) {
      sql += " LIMIT ?";
      params.emplace_back(limit);
    }
    Status s = db_->Stream(sql, params, [&](const Row& r) { out.push_back(PatientFrom(r)); });
    if (!s.ok()) return s.error();
    s = Audit(actor, "patient.list", "*", std::to_string(out.size()) + " patients");
    if (!s.ok()) return s.error();
    return out;
  });
}

Result<PatientRecord> Store::ShowPatient(const std::string& actor, const std::string& ref) {
  return InRead<PatientRecord>(*this, [&]() -> Result<PatientRecord> {
    auto p = FindPatient(ref);
    if (!p.ok()) return p;
    Status s = Audit(actor, "patient.read", ref, "");
    if (!s.ok()) return s.error();
    return p;
  });
}

Result<SymptomEntry> Store::AddSymptom(const std::string& actor, const std::string& ref, SymptomEntry e) {
  const std::string now = Now();
  Status s = Transaction([&]() -> Status {
    auto p = FindPatient(ref);  // in the write: locked, as every write to a patient is
    if (!p.ok()) return p.error();
    auto id = InsertReturningId(
        "INSERT INTO symptoms (patient_id, date, symptom, severity, note, recorded_at, entered_by) VALUES (?, ?, ?, ?, "
        "?, ?, ?) RETURNING id",
        {p->id, std::string_view(e.date), std::string_view(e.symptom), std::string_view(e.severity),
         std::string_view(e.note), std::string_view(now), std::string_view(actor)},
        "symptom");
    if (!id.ok()) return id.error();
    e.id = *id;
    e.entered_by = actor;
    Touch(p->id);
    return AppendAudit(actor, "symptom.add", ref, e.date);
  });
  if (!s.ok()) return s.error();
  return e;
}

Result<std::vector<SymptomEntry>> Store::SymptomsOf(int64_t patient_id) {
  std::vector<SymptomEntry> out;
  Status s = db_->Query(
      "SELECT id, date, symptom, severity, note, entered_by FROM symptoms WHERE patient_id = ? ORDER BY date, id",
      {patient_id}, [&](const Row& r) {
        out.push_back({r.Int(0), std::string(r.Text(1)), std::string(r.Text(2)), std::string(r.Text(3)),
                       std::string(r.Text(4)), std::string(r.Text(5))});
      });
  if (!s.ok()) return s.error();
  return out;
}

Result<VisitQuestion> Store::AddQuestion(const std::string& actor, const std::string& ref, const std::string& text) {
  VisitQuestion q{0, text, actor, Now()};
  Status s = Transaction([&]() -> Status {
    auto p = FindPatient(ref);
    if (!p.ok()) return p.error();
    auto id = InsertReturningId(
        "INSERT INTO visit_questions (patient_id, text, entered_by, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        {p->id, std::string_view(q.text), std::string_view(q.entered_by), std::string_view(q.created_at)}, "question");
    if (!id.ok()) return id.error();
    q.id = *id;
    return AppendAudit(actor, "question.add", ref, "");
  });
  if (!s.ok()) return s.error();
  return q;
}

Result<std::vector<VisitQuestion>> Store::QuestionsOf(int64_t patient_id) {
  std::vector<VisitQuestion> out;
  Status s =
      db_->Query("SELECT id, text, entered_by, created_at FROM visit_questions WHERE patient_id = ? ORDER BY id",
                 {patient_id}, [&](const Row& r) {
                   out.push_back({r.Int(0), std::string(r.Text(1)), std::string(r.Text(2)), std::string(r.Text(3))});
                 });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::map<int64_t, std::vector<SymptomEntry>>> Store::SevereSymptoms(Date as_of, int64_t first, int64_t last) {
  std::map<int64_t, std::vector<SymptomEntry>> out;
  Status s = db_->Query(
      "SELECT patient_id, id, date, symptom, severity, note FROM symptoms WHERE patient_id BETWEEN ? AND ? AND "
      "severity = 'severe' AND date <= ? ORDER BY patient_id, date, id",
      {first, last, std::string_view(as_of.ToString())}, [&](const Row& r) {
        out[r.Int(0)].push_back(
            {r.Int(1), std::string(r.Text(2)), std::string(r.Text(3)), std::string(r.Text(4)), std::string(r.Text(5))});
      });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::vector<SymptomEntry>> Store::Symptoms(const std::string& actor, const std::string& ref) {
  return InRead<std::vector<SymptomEntry>>(*this, [&]() -> Result<std::vector<SymptomEntry>> {
    auto p = FindPatient(ref);
    if (!p.ok()) return p.error();
    auto out = SymptomsOf(p->id);
    if (!out.ok()) return out;
    Status s = Audit(actor, "symptom.read", ref, "");
    if (!s.ok()) return s.error();
    return out;
  });
}

Result<CourseRecord> Store::StartCourse(const std::string& actor, const std::string& ref, CourseRecord c) {
  Status s = Transaction([&]() -> Status {
    auto p = FindPatient(ref);
    if (!p.ok()) return p.error();
    c.patient_id = p->id;
    auto id = InsertReturningId(
        "INSERT INTO courses (patient_id, indication, start_date, header) VALUES (?, ?, ?, ?) RETURNING id",
        {c.patient_id, std::string_view(c.indication), std::string_view(c.start_date), std::string_view(c.header)},
        "course");
    if (!id.ok()) return id.error();
    c.id = *id;
    Touch(c.patient_id);
    return AppendAudit(actor, "course.start", ref, c.indication + " from " + c.start_date);
  });
  if (!s.ok()) return s.error();
  return c;
}

Result<EventRecord> Store::RecordEvent(const std::string& actor, const PatientRecord& p, EventRecord row) {
  Status s = Transaction([&]() -> Status {
    row.patient_id = p.id;
    if (row.recorded_by.empty()) row.recorded_by = actor;
    if (row.recorded_at.empty()) row.recorded_at = Now();
    auto written = InsertEvent(row, &row.id);
    if (!written.ok()) return written.error();
    std::string detail = row.type + " " + row.date;
    if (row.replaces > 0) {
      detail = row.type == kEnteredInError
                   ? "event " + std::to_string(row.replaces) + " entered in error"
                   : row.type + " " + row.date + " amends event " + std::to_string(row.replaces);
    }
    if (!row.warnings.empty()) detail += "; confirmed over " + row.warnings;
    if (!row.reason.empty()) detail += "; reason: " + row.reason;
    return AppendAudit(actor, "event.record", p.ref, detail);
  });
  if (!s.ok()) return s.error();
  return row;
}

Result<std::vector<EventRecord>> Store::VersionsOf(const std::string& source) {
  // The row stored under the source, then the chain of rows that replaced or retracted it (each
  // names the one before in `replaces`, a unique index): no text ranges, which a database's
  // collation could order differently.
  std::vector<EventRecord> out;
  Status s = db_->Query("SELECT " + std::string(kEventColumns) + " FROM events WHERE source = ?",
                        {std::string_view(source)}, [&](const Row& r) { out.push_back(EventFrom(r)); });
  if (!s.ok()) return s.error();
  while (!out.empty() && out.size() < 10000) {
    const int64_t last = out.back().id;
    std::optional<EventRecord> next;
    s = db_->Query("SELECT " + std::string(kEventColumns) + " FROM events WHERE replaces = ?", {last},
                   [&](const Row& r) { next = EventFrom(r); });
    if (!s.ok()) return s.error();
    if (!next) break;
    out.back().replaced_by = next->id;
    out.push_back(std::move(*next));
  }
  return out;
}

Result<std::vector<EventRecord>> Store::EventsOf(int64_t patient_id) {
  std::vector<EventRecord> out;
  Status s = db_->Query("SELECT " + std::string(kEventColumns) + " FROM events WHERE patient_id = ? ORDER BY date, id",
                        {patient_id}, [&](const Row& r) { out.push_back(EventFrom(r)); });
  if (!s.ok()) return s.error();
  std::map<int64_t, int64_t> replaced;  // row -> the row that replaced it
  for (const EventRecord& e : out) {
    if (e.replaces > 0) replaced[e.replaces] = e.id;
  }
  if (!replaced.empty()) {
    for (EventRecord& e : out) {
      if (auto it = replaced.find(e.id); it != replaced.end()) e.replaced_by = it->second;
    }
  }
  return out;
}

Result<std::vector<EventRecord>> Store::ListEvents(const std::string& actor, const std::string& ref) {
  return InRead<std::vector<EventRecord>>(*this, [&]() -> Result<std::vector<EventRecord>> {
    auto p = FindPatient(ref);
    if (!p.ok()) return p.error();
    auto out = EventsOf(p->id);
    if (!out.ok()) return out;
    Status s = Audit(actor, "events.read", ref, std::to_string(out->size()) + " events");
    if (!s.ok()) return s.error();
    return out;
  });
}

Result<StoredCourse> Store::RebuildCourse(const Knowledge& k, const PatientRecord& p, const CourseRecord& c, Date as_of,
                                          int64_t leave_out) {
  CourseBuilder builder(k, as_of);
  Status s = builder.Begin(p, c);
  if (!s.ok()) return s.error();
  // In a write transaction with a status keeper, the rows are kept for it (see CourseRows).
  CourseRows* kept = nullptr;
  if (depth_ > 0 && status_keeper_ && (course_rows_.size() < kKeptCourses || course_rows_.contains(p.id))) {
    kept = &course_rows_[p.id];
    *kept = CourseRows{p, c, {}, leave_out, builder.course()};
  }
  // The patient's rows, then those in force: a row that a later one amends or retracts is named in
  // that one's `replaces` (a row of the same patient), so they are sifted here. kInForce's subquery
  // would hash every amendment in the table for each course read.
  std::vector<CourseEventRow> rows;
  std::vector<int64_t> replaced;
  s = db_->Query("SELECT " + std::string(kCourseEventColumns) + ", replaces FROM events WHERE patient_id = ? " +
                     "ORDER BY date, id",
                 {p.id}, [&](const Row& r) {
                   rows.push_back(KeepRow(r));
                   if (!r.IsNull(10)) replaced.push_back(r.Int(10));
                 });
  std::sort(replaced.begin(), replaced.end());
  for (CourseEventRow& row : rows) {
    if (!s.ok()) break;
    if (row.id == leave_out || std::binary_search(replaced.begin(), replaced.end(), row.id)) continue;
    if (kept == nullptr) {
      s = builder.Add(KeptRow(row));
      continue;
    }
    CourseEventRow& in_force = kept->rows.emplace_back(std::move(row));
    s = builder.Add(KeptRow(in_force), nullptr, &in_force.parsed);
  }
  if (!s.ok()) {
    if (kept != nullptr) course_rows_.erase(p.id);
    return s.error();
  }
  return builder.Finish();
}

Result<StoredCourse> Store::LoadCourse(const std::string& actor, const Knowledge& k, const std::string& ref,
                                       Date as_of) {
  return InRead<StoredCourse>(*this, [&]() -> Result<StoredCourse> {
    auto p = FindPatient(ref);
    if (!p.ok()) return p.error();
    auto latest = LatestCourse(p->id);
    if (!latest.ok()) return latest.error();
    if (!*latest) return Error::CannotAssess("patient", Quoted(ref) + " has no therapy course");
    auto built = RebuildCourse(k, *p, **latest, as_of);
    if (!built.ok()) return built;
    Status s = Audit(actor, "course.read", ref, "as of " + as_of.ToString());
    if (!s.ok()) return s.error();
    return built;
  });
}

Status Store::CoursesBetween(const Knowledge& k, Date as_of, int64_t first, int64_t last,
                             const std::function<void(const PatientRecord&, const Result<StoredCourse>&)>& each) {
  return CoursesWhere(k, as_of, "BETWEEN ? AND ?", {first, last}, each);
}

Status Store::CoursesOf(const Knowledge& k, Date as_of, const std::vector<int64_t>& patients,
                        const std::function<void(const PatientRecord&, const Result<StoredCourse>&)>& each) {
  std::vector<int64_t> unkept;
  for (int64_t id : patients) {
    auto kept = course_rows_.find(id);
    if (kept == course_rows_.end() || kept->second.awaiting != 0) {
      unkept.push_back(id);
      continue;
    }
    const CourseRows& c = kept->second;
    CourseBuilder builder(k, as_of);
    Status s = builder.Begin(c.patient, c.course, &c.header);
    for (const CourseEventRow& r : c.rows) {
      if (!s.ok()) break;
      s = builder.Add(KeptRow(r), r.parsed ? &*r.parsed : nullptr);
    }
    if (s.ok()) {
      each(c.patient, builder.Finish());
    } else {
      each(c.patient, s.error());
    }
  }
  // In lists of a few fixed lengths (padded with 0, which no row has), so that a handful of
  // statements is prepared rather than one per length.
  for (size_t at = 0; at < unkept.size();) {
    const size_t n = std::min<size_t>(unkept.size() - at, 512);
    size_t width = 1;
    while (width < n) width *= 8;
    width = std::min<size_t>(width, 512);
    std::string in = "IN (";
    Params ids;
    for (size_t i = 0; i < width; ++i) {
      in += i == 0 ? "?" : ", ?";
      ids.emplace_back(i < n ? unkept[at + i] : int64_t{0});
    }
    in += ")";
    if (Status s = CoursesWhere(k, as_of, in, ids, each); !s.ok()) return s;
    at += n;
  }
  return Status::Ok();
}

Status Store::CoursesWhere(const Knowledge& k, Date as_of, const std::string& patients, const Params& ids,
                           const std::function<void(const PatientRecord&, const Result<StoredCourse>&)>& each) {
  // Every patient chosen with their latest course, in patient id order.
  struct Header {
    PatientRecord patient;
    CourseRecord course;
  };
  std::vector<Header> headers;
  Status s = db_->Query(
      "SELECT p.id, p.ref, p.name, p.sex, p.birth_date, p.facts, c.id, c.patient_id, c.indication, c.start_date, "
      "c.header FROM patients p JOIN courses c ON c.patient_id = p.id "
      "WHERE p.id " +
          patients + " AND c.id = (SELECT max(id) FROM courses WHERE patient_id = p.id) ORDER BY p.id",
      ids, [&](const Row& r) {
        headers.push_back({PatientFrom(r, 0), CourseFrom(r, 6)});
      });
  if (!s.ok()) return s;

  // One pass over the events of those patients, in (patient, date, id) order.
  const std::string day = as_of.ToString();
  CourseBuilder builder(k, as_of);
  size_t at = 0;
  Status current = Status::Ok();
  bool open = false;
  auto finish = [&] {
    if (!open) return;
    if (current.ok()) {
      each(headers[at].patient, builder.Finish());
    } else {
      each(headers[at].patient, current.error());
    }
    open = false;
    ++at;
  };
  auto begin = [&](size_t i) {
    at = i;
    current = builder.Begin(headers[i].patient, headers[i].course);
    open = true;
  };
  auto advance_to = [&](int64_t patient_id) {
    // Finish the open course and every course without events up to this patient.
    if (open && headers[at].patient.id == patient_id) return true;
    finish();
    while (at < headers.size() && headers[at].patient.id < patient_id) {
      begin(at);
      finish();
    }
    if (at < headers.size() && headers[at].patient.id == patient_id) {
      begin(at);
      return true;
    }
    return false;
  };
  Params with_day = ids;
  with_day.emplace_back(std::string_view(day));
  s = db_->Stream("SELECT " + std::string(kCourseEventColumns) + " FROM events WHERE patient_id " + patients +
                      " AND date <= ? AND patient_id IN (SELECT patient_id FROM courses)" + std::string(kInForce) +
                      " ORDER BY patient_id, date, id",
                  with_day, [&](const Row& r) {
                    const int64_t pid = r.Int(1);
                    if (!advance_to(pid)) return;
                    if (current.ok()) current = builder.Add(r);
                  });
  if (!s.ok()) return s;
  finish();
  while (at < headers.size()) {
    begin(at);
    finish();
  }
  return Status::Ok();
}

// ---- The worklist's stored answers ---------------------------------------------------------------

Status Store::KeepStatuses() {
  if (!status_keeper_ || touched_.empty()) return Status::Ok();
  std::vector<int64_t> patients = std::move(touched_);
  touched_.clear();
  std::sort(patients.begin(), patients.end());
  patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
  return status_keeper_(*this, patients);
}

Result<std::vector<StatusVersion>> Store::StaleStatuses(const std::string& day, const std::string& knowledge,
                                                        int64_t limit) {
  // Ranges of the index (computed_on, knowledge, ...), so that finding none among 100,000 fresh
  // rows reads none of them.
  std::vector<StatusVersion> out;
  Status s = db_->Query(
      "SELECT patient_id, version FROM course_status WHERE computed_on IS NULL OR computed_on < ? OR computed_on > ? "
      "OR (computed_on = ? AND (knowledge < ? OR knowledge > ?)) LIMIT ?",
      {std::string_view(day), std::string_view(day), std::string_view(day), std::string_view(knowledge),
       std::string_view(knowledge), limit},
      [&](const Row& r) {
        out.push_back({r.Int(0), r.Int(1)});
      });
  if (!s.ok()) return s.error();
  std::sort(out.begin(), out.end(),
            [](const StatusVersion& a, const StatusVersion& b) { return a.patient_id < b.patient_id; });
  return out;
}

namespace {

// The statement that writes a stored answer: with its version (PutStatus) or without (KeepStatus).
const std::string& StatusUpdate(bool versioned) {
  static const std::string set =
      "UPDATE course_status SET computed_on = ?, knowledge = ?, ref = ?, indication = ?, fixed_rank = ?, "
      "fixed_due = ?, expiring_due = ?, soon_due = ?, fill_due = ?, response = ?, key_rank = ?, key_due = ?, "
      "items = ?";
  static const std::string put = set + " WHERE patient_id = ? AND version = ?";
  static const std::string keep = set + ", version = version + 1 WHERE patient_id = ?";
  return versioned ? put : keep;
}

// StatusUpdate's parameters (without the version's: the last); they refer to `c`.
Params StatusParams(const CourseStatus& c) {
  auto opt_int = [](const std::optional<int64_t>& v) { return v ? Value(*v) : Value(std::monostate{}); };
  auto opt_text = [](const std::string& v) { return v.empty() ? Value(std::monostate{}) : Value(std::string_view(v)); };
  return {std::string_view(c.computed_on),
          std::string_view(c.knowledge),
          std::string_view(c.ref),
          std::string_view(c.indication),
          opt_int(c.fixed_rank),
          std::string_view(c.fixed_due),
          opt_text(c.expiring_due),
          opt_text(c.soon_due),
          opt_text(c.fill_due),
          int64_t{c.response ? 1 : 0},
          opt_int(c.key_rank),
          std::string_view(c.key_due),
          std::string_view(c.items),
          c.patient_id,
          c.version};
}

}  // namespace

Result<bool> Store::PutStatus(const CourseStatus& c) {
  auto n = db_->Run(StatusUpdate(true), StatusParams(c));
  if (!n.ok()) return n.error();
  return *n > 0;
}

Status Store::KeepStatus(const CourseStatus& c) {
  Params params = StatusParams(c);
  params.pop_back();
  return db_->Later(StatusUpdate(false), params);
}

Result<int64_t> Store::CountStatuses() { return QueryInt(*db_, "SELECT count(*) FROM course_status", {}, 0); }

Status Store::StoredWorklist(const StatusQuery& q, const std::function<void(StatusRow&&)>& each) {
  // The entry's key for the look-ahead that ends on `until` (app/worklist.cpp, EntryKey, is the
  // same order in C++): the fixed item first; else the earliest expiring authorization, test due
  // soon or fill window within the look-ahead; else a response awaiting confirmation.
  Params params;
  std::string rank = "s.key_rank", due = "s.key_due";
  if (!q.default_key) {
    rank =
        "CASE WHEN s.fixed_rank IS NOT NULL THEN s.fixed_rank WHEN s.expiring_due <= ? THEN 4 WHEN s.soon_due <= ? "
        "THEN 5 WHEN s.fill_due <= ? THEN 6 WHEN s.response = 1 THEN 7 END";
    due =
        "CASE WHEN s.fixed_rank IS NOT NULL THEN s.fixed_due WHEN s.expiring_due <= ? THEN s.expiring_due WHEN "
        "s.soon_due <= ? THEN s.soon_due WHEN s.fill_due <= ? THEN s.fill_due ELSE '' END";
    for (int i = 0; i < 6; ++i) params.emplace_back(std::string_view(q.until));
  }
  std::string sql =
      "SELECT t.patient_id, p.ref, p.name, p.sex, p.birth_date, p.facts, t.indication, t.items, t.k_rank, "
      "t.k_due FROM (SELECT s.patient_id, s.ref, s.indication, s.items, " +
      rank + " AS k_rank, " + due +
      " AS k_due FROM course_status s WHERE s.computed_on = ? AND s.knowledge = ?) t "
      "JOIN patients p ON p.id = t.patient_id WHERE t.k_rank IS NOT NULL";
  params.emplace_back(std::string_view(q.day));
  params.emplace_back(std::string_view(q.knowledge));
  if (q.after) {
    sql += " AND (t.k_rank, t.k_due, t.ref) > (?, ?, ?)";
    params.emplace_back(std::get<0>(*q.after));
    params.emplace_back(std::string_view(std::get<1>(*q.after)));
    params.emplace_back(std::string_view(std::get<2>(*q.after)));
  }
  sql += " ORDER BY t.k_rank, t.k_due, t.ref";
  if (q.limit > 0) {
    sql += " LIMIT ?";
    params.emplace_back(q.limit);
  }
  return db_->Stream(sql, params, [&](const Row& r) {
    StatusRow row;
    row.patient = PatientFrom(r, 0);
    row.indication = std::string(r.Text(6));
    row.items = std::string(r.Text(7));
    row.rank = r.Int(8);
    row.due = std::string(r.Text(9));
    each(std::move(row));
  });
}

}  // namespace lenacare::store
