#include "app/import.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
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

  // Standard input: one resource or Bundle.
  Status Stdin(const std::string& source) {
    ++summary.files;
    file_ = "-";
    source_ = source;
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    Status s = Text(text, 1);
    if (!s.ok()) return s;
    return Flush();
  }

  Status File(const fs::path& path, const std::string& source) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::BadInput(path.string(), "cannot be read");
    ++summary.files;
    file_ = path.string();
    source_ = source;
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
    Status s = store_.Commit();
    in_tx_ = false;
    pending_ = 0;
    if (!s.ok()) return s;
    if (r_.on_commit) r_.on_commit(file_, last_line_);
    return Status::Ok();
  }

  Status Abort() {
    if (in_tx_) {
      in_tx_ = false;
      return store_.Rollback();
    }
    return Status::Ok();
  }

  ImportSummary summary;

 private:
  // kRefused: not stored, and counted as a problem (a role, a refused or unconfirmed write).
  enum class Written { kWritten, kUnchanged, kRefused };

  Written Refuse(const fhir::Record&, const Error& e) {
    Problem(shown_key_ + ": " + e.Describe());
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
      Status s = store_.Begin();
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
    shown_key_ = rec.key;
    const std::string& ref = rec.kind == fhir::Record::Kind::kPatient ? rec.patient.ref : rec.ref;
    if (Status s = CheckPatientRef(ref, "patient"); !s.ok()) return Refuse(rec, s.error());
    if (rec.kind == fhir::Record::Kind::kPatient) return StorePatient(rec);
    auto pid = PatientId(rec);
    if (!pid.ok()) {
      if (pid.error().kind == ErrorKind::kFailed) return pid.error();
      return Refuse(rec, pid.error());
    }
    // Stored under its source and patient (or, from lenacare's own export, the row it came from).
    const std::string legacy = rec.key;  // before issue 13: "Observation/123"
    rec.key = !rec.stored_as.empty() ? rec.stored_as : source_ + "|Patient/" + rec.ref + "|" + rec.key;
    rec.ref = pid->second;
    rec.event.source = rec.key;
    auto stored = AlreadyStored(rec, pid->first, legacy);
    if (!stored.ok()) return stored.error();
    if (*stored) return Written::kUnchanged;
    Result<bool> written = false;
    switch (rec.kind) {
      case fhir::Record::Kind::kEvent:
        return StoreEvent(rec, pid->first);
      case fhir::Record::Kind::kRetract:
        return Retract(rec, pid->first);
      case fhir::Record::Kind::kCondition:
        if (Status s = Authorize(ctx_, Act::kPatientFacts); !s.ok()) return Refuse(rec, s.error());
        written = store_.InsertCondition(pid->first, rec.indication, rec.onset, rec.key);
        break;
      case fhir::Record::Kind::kCourse: {
        if (Status s = Authorize(ctx_, Act::kStartCourse); !s.ok()) return Refuse(rec, s.error());
        auto before = store_.LatestCourse(pid->first);
        if (!before.ok()) return before.error();
        rec.course.patient_id = pid->first;
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
    return Touched(*written, pid->first, rec.ref);
  }

  // Whether the record is stored already under a key that is not its own: a row of lenacare's own
  // export that was entered by hand ("lenacare:row/events/12", stored without a source), or a
  // resource imported before keys named their source and patient (then its key is that one).
  Result<bool> AlreadyStored(fhir::Record& rec, int64_t pid, const std::string& legacy) {
    using Imported = store::Store::Imported;
    const Imported kind = rec.kind == fhir::Record::Kind::kCondition ? Imported::kCondition
                          : rec.kind == fhir::Record::Kind::kCourse  ? Imported::kCourse
                                                                     : Imported::kEvent;
    constexpr std::string_view kRow = "lenacare:row/";
    if (rec.key.rfind(kRow, 0) == 0) {
      const std::string rest = rec.key.substr(kRow.size());  // "events/12"
      const size_t slash = rest.find('/');
      const char* table = kind == Imported::kEvent ? "events" : kind == Imported::kCourse ? "courses" : "conditions";
      if (slash == std::string::npos || rest.substr(0, slash) != table) return false;
      int64_t id = 0;
      if (std::from_chars(rest.data() + slash + 1, rest.data() + rest.size(), id).ec != std::errc()) return false;
      // The very row only if it holds the same record (in another database, row 12 is another one).
      return store_.HoldsEnteredRow(kind, id, pid,
                                    kind == Imported::kEvent    ? rec.event.body
                                    : kind == Imported::kCourse ? rec.course.header
                                                                : rec.indication);
    }
    if (!rec.stored_as.empty()) return false;
    auto stored = store_.HasImported(kind, legacy, pid);
    if (!stored.ok()) return stored.error();
    if (!*stored) return false;
    if (kind != Imported::kEvent) return true;  // a condition or course is never versioned
    rec.key = legacy;                           // an event: its versions go on under the key it was stored with
    rec.event.source = legacy;
    return false;
  }

  // A Patient: a new one needs the role that adds patients; a change to a stored one the role that
  // changes a patient's details, audited with the old and the new values.
  Result<Written> StorePatient(fhir::Record& rec) {
    auto ref = LenacareRef(rec.patient.ref, rec.lenacare_ref);
    if (!ref.ok()) return ref.error();
    rec.patient.ref = *ref;
    const store::PatientRecord& p = rec.patient;
    auto old = store_.FindPatient(p.ref);
    if (!old.ok() && old.error().kind == ErrorKind::kFailed) return old.error();
    const bool exists = old.ok();
    const bool differs = exists && (old->name != p.name || old->sex != p.sex || old->birth_date != p.birth_date ||
                                    (!p.facts.empty() && old->facts != p.facts));
    if (exists && !differs) {
      if (Status s = Claim(old->id, rec.key, rec.lenacare_ref); !s.ok()) return s.error();
      ids_[IdKey(rec.key.substr(8), rec.lenacare_ref)] = {old->id, p.ref};
      return Written::kUnchanged;
    }
    if (Status s = Authorize(ctx_, exists ? Act::kPatientFacts : Act::kAddPatient); !s.ok())
      return Refuse(rec, s.error());
    bool changed = false;
    auto row = store_.UpsertPatient(p, changed);
    if (!row.ok()) return row.error();
    if (Status s = Claim(*row, rec.key, rec.lenacare_ref); !s.ok()) return s.error();
    ids_[IdKey(rec.key.substr(8), rec.lenacare_ref)] = {*row, p.ref};
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

  // The cache key of a patient reference: a source's FHIR id, or lenacare's own identifier.
  std::string IdKey(const std::string& id, bool lenacare_ref) const {
    return lenacare_ref ? "lenacare|" + id : source_ + "|" + id;
  }

  // lenacare's patient identifier for the source's Patient `id`: the one imported from this source
  // before; else `id` itself, when it is free or held by a patient with no source recorded (entered
  // by hand, or imported before sources were recorded: the same person, as before); else, held by
  // another source's patient (another person), "<id>-<8 hex digits of the source>".
  Result<std::string> LenacareRef(const std::string& id, bool lenacare_ref) {
    if (lenacare_ref) return id;
    auto mine = store_.FindPatientBySource(source_ + "|Patient/" + id);
    if (!mine.ok()) return mine.error();
    if (*mine) return (*mine)->ref;
    auto held = store_.FindPatient(id);
    if (!held.ok()) {
      if (held.error().kind == ErrorKind::kFailed) return held.error();
      return id;
    }
    auto source = store_.PatientSource(held->id);
    if (!source.ok()) return source.error();
    if (source->empty()) return id;
    uint32_t h = 2166136261u;  // FNV-1a: a short, stable tag of the source
    for (unsigned char c : source_) h = (h ^ c) * 16777619u;
    char tag[10];
    std::snprintf(tag, sizeof tag, "-%08x", h);
    return id.substr(0, 55) + tag;
  }

  // Records that patient `row` is the source's Patient `key` ("Patient/<id>").
  Status Claim(int64_t row, const std::string& key, bool lenacare_ref) {
    if (lenacare_ref) return Status::Ok();
    auto set = store_.SetPatientSource(row, source_ + "|" + key);
    return set.ok() ? Status::Ok() : Status(set.error());
  }

  // The patient's row id and lenacare identifier (created with no details if the Patient resource
  // has not come yet, when the role may add patients).
  Result<std::pair<int64_t, std::string>> PatientId(const fhir::Record& rec) {
    const std::string key = IdKey(rec.ref, rec.lenacare_ref);
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    auto ref = LenacareRef(rec.ref, rec.lenacare_ref);
    if (!ref.ok()) return ref.error();
    auto p = store_.FindPatient(*ref);
    if (p.ok()) {
      if (Status s = Claim(p->id, "Patient/" + rec.ref, rec.lenacare_ref); !s.ok()) return s.error();
      return ids_[key] = {p->id, *ref};
    }
    if (p.error().kind == ErrorKind::kFailed) return p.error();
    if (!Authorize(ctx_, Act::kAddPatient).ok()) {
      return Error::BadInput("patient", "'" + rec.ref + "' is not in the records (and " + ctx_.authority.Describe() +
                                            " may not add patients): import the Patient first");
    }
    bool changed = false;
    auto id = store_.EnsurePatient(*ref, changed);
    if (!id.ok()) return id.error();
    if (Status s = Claim(*id, "Patient/" + rec.ref, false); !s.ok()) return s.error();
    return ids_[key] = {*id, *ref};
  }

  const Context& ctx_;
  store::Store& store_;
  const std::string& actor_;
  const std::string today_ = ctx_.clock.Today().ToString();
  const std::string now_ = store_.Now();
  const ImportRequest& r_;
  fhir::Reader reader_;
  std::vector<fhir::Record> records_;
  std::unordered_map<std::string, std::pair<int64_t, std::string>> ids_;  // IdKey -> row, identifier
  std::map<int64_t, std::pair<std::string, int64_t>> touched_;
  std::string file_, source_, shown_key_;
  int64_t line_ = 0, last_line_ = 0, pending_ = 0;
  bool in_tx_ = false;
};

// Patient files first; then the rest by name.
int FileRank(const fs::path& p) {
  std::string name = p.filename().string();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name.rfind("patient", 0) == 0 ? 0 : 1;
}

}  // namespace

Result<ImportAnswer> Import(const Context& ctx, const ImportRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status allowed = Authorize(ctx, Act::kImport); !allowed.ok()) return allowed.error();
  if (r.batch < 1 || r.batch > 1000000) return Error::BadInput("batch", "must be from 1 to 1000000");
  // Each file with its source: the request's, else the name of the path it was found under.
  std::vector<std::pair<fs::path, std::string>> files;
  // The name of the folder the data came in: a directory's own, a file's directory's (so that the
  // files of one export are one source, and hl7-r4-examples/ and us-core-examples/ are two).
  auto name_of = [&r](const fs::path& p, bool directory) {
    if (!r.source.empty()) return r.source;
    std::error_code ec;
    fs::path clean = fs::absolute(p, ec).lexically_normal();
    if (!clean.has_filename()) clean = clean.parent_path();
    if (!directory) clean = clean.parent_path();
    return clean.filename().string();
  };
  auto file_source = [&](const fs::path& f, const std::string& folder) {
    return r.source_per_file ? folder + "/" + f.filename().string() : folder;
  };
  for (const std::string& p : r.paths) {
    std::error_code ec;
    if (p == "-") {
      files.emplace_back(p, r.source.empty() ? "-" : r.source);
    } else if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        const fs::path& f = entry.path();
        if (entry.is_regular_file() && (f.extension() == ".ndjson" || f.extension() == ".json")) found.push_back(f);
      }
      std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
        return std::make_pair(FileRank(a), a.filename()) < std::make_pair(FileRank(b), b.filename());
      });
      if (found.empty()) return Error::BadInput(p, "no .ndjson or .json files in this directory");
      for (const fs::path& f : found) files.emplace_back(f, file_source(f, name_of(p, true)));
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p, file_source(p, name_of(p, false)));
    } else {
      return Error::BadInput(p, "no such file or directory");
    }
  }
  Importer importer(ctx, r);
  if (r.source.size() > 1000) return Error::BadInput("source", "longer than 1,000 characters");
  for (const auto& [f, source] : files) {
    Status s = f == "-" ? importer.Stdin(source) : importer.File(f, source);
    if (!s.ok()) {
      (void)importer.Abort();
      return s.error();
    }
  }
  return ImportAnswer{std::move(importer.summary)};
}

}  // namespace lenacare::app
