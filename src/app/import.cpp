#include "app/import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "fhir/fhir_map.h"
#include "store/store.h"

namespace lenacare::app {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxProblems = 100;

class Importer {
 public:
  Importer(const Context& ctx, const ImportRequest& r)
      : store_(*ctx.store), actor_(ctx.actor), r_(r), reader_(ctx.k, ctx.clock.Today()) {
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
  enum class Written { kWritten, kUnchanged };

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
        ++(*written == Written::kWritten ? summary.written : summary.unchanged);
      }
    }
    last_line_ = line_;
    if (++pending_ >= r_.batch) return Flush();
    return Status::Ok();
  }

  // Writes a usable record; a database failure stops the import.
  Result<Written> Store(fhir::Record& rec) {
    if (rec.kind == fhir::Record::Kind::kPatient) {
      bool changed = false;
      auto row = store_.UpsertPatient(rec.patient, changed);
      if (!row.ok()) return row.error();
      ids_[rec.patient.ref] = *row;
      return Touched(changed, *row, rec.patient.ref);
    }
    auto pid = PatientId(rec.ref);
    if (!pid.ok()) return pid.error();
    Result<bool> written = false;
    switch (rec.kind) {
      case fhir::Record::Kind::kEvent:
        rec.event.patient_id = *pid;
        written = store_.InsertEvent(rec.event);
        break;
      case fhir::Record::Kind::kCondition:
        written = store_.InsertCondition(*pid, rec.indication, rec.onset, rec.key);
        break;
      case fhir::Record::Kind::kCourse:
        rec.course.patient_id = *pid;
        written = store_.InsertCourse(rec.course, rec.key);
        break;
      default:
        return Error::Failed("import", "a record of an unexpected kind");
    }
    if (!written.ok()) return written.error();
    return Touched(*written, *pid, rec.ref);
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

  // The patient's row id (created with no details if the Patient resource has not come yet).
  Result<int64_t> PatientId(const std::string& ref) {
    auto it = ids_.find(ref);
    if (it != ids_.end()) return it->second;
    bool changed = false;
    auto id = store_.EnsurePatient(ref, changed);
    if (!id.ok()) return id.error();
    ids_.emplace(ref, *id);
    return *id;
  }

  store::Store& store_;
  const std::string& actor_;
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
