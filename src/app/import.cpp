#include "app/import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "app/event_checks.h"
#include "app/permissions.h"
#include "app/records.h"
#include "fhir/fhir_map.h"
#include "store/store.h"

namespace lenacare::app {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxProblems = 100;

class Importer {
 public:
  Importer(const Context& ctx, const ImportRequest& r)
      : ctx_(ctx), store_(*ctx.store), actor_(ctx.actor), r_(r), reader_(ctx.k, ctx.clock.Today()) {
    records_.reserve(16);
  }

  Status File(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::BadInput(path.string(), "cannot be read");
    ++summary.files;
    file_ = path.string();
    const uint64_t total = fs::file_size(path);
    const bool ndjson = path.extension() == ".ndjson";
    if (!ndjson) {
      // One resource or a Bundle: the whole file.
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      Status s = Text(text, 1);
      if (!s.ok()) return s;
      return Flush();
    }
    std::string line;
    int64_t number = 0;
    uint64_t done = 0;
    while (std::getline(in, line)) {
      ++number;
      done += line.size() + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank (a trailing newline)
      Status s = Text(line, number);
      if (!s.ok()) return s;
      if (r_.on_progress && (number & 0x3fff) == 0) r_.on_progress(file_, done, total);
    }
    if (r_.on_progress) r_.on_progress(file_, total, total);
    return Flush();
  }

  Status Flush() {
    if (!in_tx_) return Status::Ok();
    for (const auto& [id, touched] : touched_) {
      Status s =
          store_.AppendAudit(actor_, "import", touched.first,
                             std::to_string(touched.second) + " records from " + fs::path(file_).filename().string());
      if (!s.ok()) return s;
    }
    touched_.clear();
    Status s = store_.db().Commit();
    in_tx_ = false;
    pending_ = 0;
    if (!s.ok()) return s;
    if (r_.on_commit) r_.on_commit(file_, last_line_);
    return Status::Ok();
  }

  Status Abort() {
    if (in_tx_) {
      in_tx_ = false;
      return store_.db().Rollback();
    }
    return Status::Ok();
  }

  ImportSummary summary;

 private:
  // kRefused: not stored, and counted as a problem (a role, a refused or unconfirmed write).
  enum class Written { kWritten, kUnchanged, kRefused };

  Written Refuse(const fhir::Record& rec, const Error& e) {
    Problem(rec.key + ": " + e.Describe());
    return Written::kRefused;
  }

  // The records of one JSON text (a resource or a Bundle) from line `line` of the file.
  Status Text(std::string& text, int64_t line) {
    line_ = line;
    reader_.Read(text, records_);
    for (fhir::Record& rec : records_) {
      Status s = Write(rec);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Write(fhir::Record& rec) {
    ++summary.resources;
    if (rec.kind == fhir::Record::Kind::kInvalid && rec.key.empty()) {  // not JSON: nothing to write
      Problem(rec.reason);
      return Status::Ok();
    }
    if (!in_tx_) {
      Status s = store_.db().Begin();
      if (!s.ok()) return s;
      in_tx_ = true;
    }
    switch (rec.kind) {
      case fhir::Record::Kind::kSkip:
        ++summary.skipped;
        ++summary.skipped_by_reason[rec.reason];
        break;
      case fhir::Record::Kind::kInvalid:
        Problem(rec.key.empty() ? rec.reason : rec.key + ": " + rec.reason);
        break;
      default: {
        auto written = Store(rec);
        if (!written.ok()) return written.error();
        if (*written == Written::kRefused) break;
        ++(*written == Written::kWritten ? summary.written : summary.unchanged);
      }
    }
    last_line_ = line_;
    if (++pending_ >= r_.batch) return Flush();
    return Status::Ok();
  }

  // Writes a usable record if the importer's role may record it and the checks let it in, as for
  // the same act through a form; a database failure stops the import.
  Result<Written> Store(fhir::Record& rec) {
    const std::string& ref = rec.kind == fhir::Record::Kind::kPatient ? rec.patient.ref : rec.ref;
    if (Status s = CheckPatientRef(ref, "patient"); !s.ok()) return Refuse(rec, s.error());
    if (rec.kind == fhir::Record::Kind::kPatient) return StorePatient(rec);
    auto pid = PatientId(rec.ref);
    if (!pid.ok()) {
      if (pid.error().kind == ErrorKind::kFailed) return pid.error();
      return Refuse(rec, pid.error());
    }
    Result<bool> written = false;
    switch (rec.kind) {
      case fhir::Record::Kind::kEvent:
        return StoreEvent(rec, *pid);
      case fhir::Record::Kind::kRetract:
        return Retract(rec, *pid);
      case fhir::Record::Kind::kCondition:
        if (Status s = Authorize(ctx_, Act::kPatientFacts); !s.ok()) return Refuse(rec, s.error());
        written = store_.InsertCondition(*pid, rec.indication, rec.onset, rec.key);
        break;
      case fhir::Record::Kind::kCourse: {
        if (Status s = Authorize(ctx_, Act::kStartCourse); !s.ok()) return Refuse(rec, s.error());
        auto before = store_.LatestCourse(*pid);
        if (!before.ok()) return before.error();
        rec.course.patient_id = *pid;
        written = store_.InsertCourse(rec.course, rec.key);
        if (written.ok() && *written && *before) {
          // A new course replaces the one in force: the audit keeps both.
          Status a =
              store_.AppendAudit(actor_, "course.replace", rec.ref,
                                 "from " + (*before)->header + " to " + rec.course.header + " (" + rec.key + ")");
          if (!a.ok()) return a.error();
        }
        break;
      }
      default:
        return Error::Failed("import", "a record of an unexpected kind");
    }
    if (!written.ok()) return written.error();
    return Touched(*written, *pid, rec.ref);
  }

  // A Patient: a new one needs the role that adds patients; a change to a stored one the role that
  // changes a patient's details, audited with the old and the new values.
  Result<Written> StorePatient(fhir::Record& rec) {
    const store::PatientRecord& p = rec.patient;
    auto old = store_.FindPatient(p.ref);
    if (!old.ok() && old.error().kind == ErrorKind::kFailed) return old.error();
    const bool exists = old.ok();
    const bool differs = exists && (old->name != p.name || old->sex != p.sex || old->birth_date != p.birth_date ||
                                    (!p.facts.empty() && old->facts != p.facts));
    if (exists && !differs) {
      ids_[p.ref] = old->id;
      return Written::kUnchanged;
    }
    if (Status s = Authorize(ctx_, exists ? Act::kPatientFacts : Act::kAddPatient); !s.ok())
      return Refuse(rec, s.error());
    bool changed = false;
    auto row = store_.UpsertPatient(p, changed);
    if (!row.ok()) return row.error();
    ids_[p.ref] = *row;
    if (exists && changed) {
      auto describe = [](const store::PatientRecord& x) {
        return "name '" + x.name + "', sex '" + x.sex + "', birth date '" + x.birth_date + "', facts " + x.facts;
      };
      store::PatientRecord now = p;
      if (now.facts.empty()) now.facts = old->facts;
      Status a = store_.AppendAudit(actor_, "patient.update", p.ref,
                                    "from " + describe(*old) + " to " + describe(now) + " (" + rec.key + ")");
      if (!a.ok()) return a.error();
    }
    return Touched(changed, *row, p.ref);
  }

  // An event: its act's role; a date not after today; for anything but a lab, a marker or a dose
  // diary entry, the engine's checks of the course with it (a write that needs a reason cannot be
  // confirmed in a file: it is reported, to be recorded through a form or the API). A second
  // version of a stored resource (status corrected or amended) replaces the stored one.
  Result<Written> StoreEvent(fhir::Record& rec, int64_t pid) {
    const std::string& type = rec.event.type;
    // The event's text is parsed only where the act or the checks need it (not for the bulk of
    // an import: labs, markers, dose-diary entries).
    const bool checked = type != "lab" && type != "marker" && type != "dose-taken" && type != "dose-missed";
    const nlohmann::json body =
        checked ? nlohmann::json::parse(rec.event.body, nullptr, false) : nlohmann::json::object();
    auto act = ActOfEvent(type, body.is_object() ? body.value("by", "") : "");
    if (!act.ok()) return Refuse(rec, act.error());
    if (Status s = Authorize(ctx_, *act); !s.ok()) return Refuse(rec, s.error());
    if (rec.event.date > today_) {
      return Refuse(rec, Error::BadInput("date", rec.event.date + " is after today (" + today_ + ")"));
    }
    rec.event.patient_id = pid;
    rec.event.recorded_by = actor_;
    rec.event.recorded_at = now_;
    if (checked) {
      Status s = Checks(rec, body, 0);
      if (!s.ok()) return Refuse(rec, s.error());
    }
    auto written = store_.InsertEvent(rec.event);
    if (!written.ok()) return written.error();
    if (*written) return Touched(true, pid, rec.ref);
    // Already stored: the same version, or a later one of the same resource.
    auto versions = store_.VersionsOf(rec.key);
    if (!versions.ok()) return versions.error();
    const store::EventRecord* current = nullptr;
    for (const store::EventRecord& v : *versions) {
      if (v.replaced_by == 0 && v.type != store::kEnteredInError) current = &v;
    }
    if (versions->empty()) return Written::kUnchanged;
    if (versions->front().patient_id != pid)
      return Refuse(rec, Error::BadInput("id", "is already stored for another patient"));
    int64_t replaces = 0;
    if (current == nullptr) {
      // Retracted: a repeat of a version that was entered in error stays retracted; a new value is
      // a result issued again, stored after the retraction (which it follows in the chain).
      for (const store::EventRecord& v : *versions) {
        if (v.body == rec.event.body) return Written::kUnchanged;
      }
      replaces = versions->back().id;
      rec.event.reason = "FHIR " + rec.key + " issued again after it was entered in error";
    } else {
      if (current->body == rec.event.body) return Written::kUnchanged;
      if (!rec.correction) {
        return Refuse(rec, Error::BadInput("status",
                                           "differs from the stored version; a changed result must have "
                                           "status corrected or amended"));
      }
      replaces = current->id;
      rec.event.reason = "FHIR " + rec.key + " corrected";
    }
    rec.event.replaces = replaces;
    rec.event.source = rec.key + "@" + std::to_string(versions->size() + 1);
    if (checked) {
      Status s = Checks(rec, body, current != nullptr ? current->id : 0);
      if (!s.ok()) return Refuse(rec, s.error());
    }
    written = store_.InsertEvent(rec.event);
    if (!written.ok()) return written.error();
    return Touched(*written, pid, rec.ref);
  }

  // The engine's checks of the course with the event (leaving out the row it replaces).
  Status Checks(const fhir::Record& rec, const nlohmann::json& body, int64_t leave_out) {
    auto p = store_.FindPatient(rec.ref);
    if (!p.ok()) return p.error();
    auto checked = CheckEvent(ctx_, *p, body, leave_out);
    if (!checked.ok()) return checked.error();
    store::EventRecord row = checked->row;
    return Gate(checked->check, "", row);
  }

  // An Observation entered in error: the stored row of the same resource is retracted.
  Result<Written> Retract(fhir::Record& rec, int64_t pid) {
    auto versions = store_.VersionsOf(rec.key);
    if (!versions.ok()) return versions.error();
    const store::EventRecord* current = nullptr;
    for (const store::EventRecord& v : *versions) {
      if (v.replaced_by == 0 && v.type != store::kEnteredInError) current = &v;
    }
    if (current == nullptr) return Written::kUnchanged;  // never stored, or already retracted
    if (current->patient_id != pid) return Refuse(rec, Error::BadInput("id", "is stored for another patient"));
    auto act = ActOfRow(*current);
    if (!act.ok()) return Refuse(rec, act.error());
    if (Status s = Authorize(ctx_, *act); !s.ok()) return Refuse(rec, s.error());
    store::EventRecord row;
    row.patient_id = pid;
    row.date = today_;
    row.type = std::string(store::kEnteredInError);
    row.body = nlohmann::json{{"type", store::kEnteredInError}, {"event", current->id}}.dump();
    row.source = rec.key + "@entered-in-error";
    row.replaces = current->id;
    row.reason = rec.reason;
    row.recorded_by = actor_;
    row.recorded_at = now_;
    auto written = store_.InsertEvent(row);
    if (!written.ok()) return written.error();
    return Touched(*written, pid, rec.ref);
  }

  Written Touched(bool changed, int64_t patient_id, const std::string& ref) {
    if (!changed) return Written::kUnchanged;
    auto& t = touched_[patient_id];
    t.first = ref;
    ++t.second;
    return Written::kWritten;
  }

  void Problem(const std::string& what) {
    ++summary.invalid;
    if (summary.problems.size() < kMaxProblems) {
      summary.problems.push_back(file_ + ":" + std::to_string(line_) + ": " + what);
    }
  }

  // The patient's row id (created with no details if the Patient resource has not come yet, when
  // the role may add patients).
  Result<int64_t> PatientId(const std::string& ref) {
    auto it = ids_.find(ref);
    if (it != ids_.end()) return it->second;
    auto p = store_.FindPatient(ref);
    if (p.ok()) {
      ids_.emplace(ref, p->id);
      return p->id;
    }
    if (p.error().kind == ErrorKind::kFailed) return p.error();
    if (!Authorize(ctx_, Act::kAddPatient).ok()) {
      return Error::BadInput("patient", "'" + ref + "' is not in the records (and " + ctx_.authority.Describe() +
                                            " may not add patients): import the Patient first");
    }
    bool changed = false;
    auto id = store_.EnsurePatient(ref, changed);
    if (!id.ok()) return id.error();
    ids_.emplace(ref, *id);
    return *id;
  }

  const Context& ctx_;
  store::Store& store_;
  const std::string& actor_;
  const std::string today_ = ctx_.clock.Today().ToString();
  const std::string now_ = store_.Now();
  const ImportRequest& r_;
  fhir::Reader reader_;
  std::vector<fhir::Record> records_;
  std::unordered_map<std::string, int64_t> ids_;
  std::map<int64_t, std::pair<std::string, int64_t>> touched_;
  std::string file_;
  int64_t line_ = 0, last_line_ = 0, pending_ = 0;
  bool in_tx_ = false;
};

// Patient files first; then the rest by name.
int FileRank(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.rfind("Patient", 0) == 0 ? 0 : 1;
}

}  // namespace

Result<ImportAnswer> Import(const Context& ctx, const ImportRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status allowed = Authorize(ctx, Act::kImport); !allowed.ok()) return allowed.error();
  if (r.batch < 1 || r.batch > 1000000) return Error::BadInput("batch", "must be from 1 to 1000000");
  std::vector<fs::path> files;
  for (const std::string& p : r.paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        const fs::path& f = entry.path();
        if (entry.is_regular_file() && (f.extension() == ".ndjson" || f.extension() == ".json")) found.push_back(f);
      }
      std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
        return std::make_pair(FileRank(a), a.filename()) < std::make_pair(FileRank(b), b.filename());
      });
      if (found.empty()) return Error::BadInput(p, "no .ndjson or .json files in this directory");
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      return Error::BadInput(p, "no such file or directory");
    }
  }
  Importer importer(ctx, r);
  for (const fs::path& f : files) {
    Status s = importer.File(f);
    if (!s.ok()) {
      (void)importer.Abort();
      return s.error();
    }
  }
  return ImportAnswer{std::move(importer.summary)};
}

}  // namespace lenacare::app
