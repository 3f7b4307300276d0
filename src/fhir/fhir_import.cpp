#include "fhir/fhir_import.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "clinical/inputs.h"
#include "course/course_json.h"
#include "course/response_json.h"
#include "fhir/fhir_names.h"

namespace lenacare::fhir {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr size_t kMaxProblems = 100;

// The member `key` of an object (false when `e` is not an object or has no such member).
bool Member(const element& e, std::string_view key, element& out) {
  if (e.type() != simdjson::dom::element_type::OBJECT) return false;
  return e[key].get(out) == simdjson::SUCCESS;
}

std::string_view Str(const element& e, std::string_view key) {
  std::string_view out;
  if (e.type() != simdjson::dom::element_type::OBJECT) return {};
  if (e[key].get_string().get(out) != simdjson::SUCCESS) return {};
  return out;
}

// "Patient/123" or "urn:uuid:123" -> "123"; anything else -> "".
std::string_view PatientRef(const element& resource, std::string_view field) {
  element ref;
  if (resource[field].get(ref) != simdjson::SUCCESS) return {};
  std::string_view r = Str(ref, "reference");
  for (std::string_view prefix : {"Patient/", "urn:uuid:"}) {
    if (r.rfind(prefix, 0) == 0) return r.substr(prefix.size());
  }
  return {};
}

std::string Number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string JsonText(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }

// A lenacare extension's text (the exported course and events carry their course-file JSON).
std::string_view Extension(const element& resource, std::string_view url) {
  array exts;
  if (resource["extension"].get_array().get(exts) != simdjson::SUCCESS) return {};
  for (element x : exts) {
    if (Str(x, "url") == url) return Str(x, "valueString");
  }
  return {};
}

bool Contains(std::initializer_list<std::string_view> list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

struct Outcome {
  enum Kind { kWritten, kUnchanged, kSkipped, kInvalid } kind = kSkipped;
  std::string reason;  // skipped: why; invalid: the problem
  static Outcome Skip(std::string why) { return {kSkipped, std::move(why)}; }
  static Outcome Bad(std::string why) { return {kInvalid, std::move(why)}; }
};

class Importer {
 public:
  Importer(store::Store& store, const Knowledge& k, const ImportOptions& o) : store_(store), k_(k), o_(o) {
    no_course_.start_date = Date::FromCivil(1900, 1, 1);
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
      if (o_.on_progress && (number & 0x3fff) == 0) o_.on_progress(file_, done, total);
    }
    if (o_.on_progress) o_.on_progress(file_, total, total);
    return Flush();
  }

  Status Flush() {
    if (!in_tx_) return Status::Ok();
    for (const auto& [id, touched] : touched_) {
      Status s =
          store_.AppendAudit(o_.actor, "import", touched.first,
                             std::to_string(touched.second) + " records from " + fs::path(file_).filename().string());
      if (!s.ok()) return s;
    }
    touched_.clear();
    Status s = store_.db().Commit();
    in_tx_ = false;
    pending_ = 0;
    if (!s.ok()) return s;
    if (o_.on_commit) o_.on_commit(file_, last_line_);
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
  // Parses one JSON text (a resource or a Bundle) from line `line` of the file.
  Status Text(std::string& text, int64_t line) {
    line_ = line;
    const size_t size = text.size();
    text.reserve(size + simdjson::SIMDJSON_PADDING);
    element doc;
    if (auto err = parser_.parse(text.data(), size, false).get(doc); err != simdjson::SUCCESS) {
      ++summary.resources;
      Problem("not valid JSON (" + std::string(simdjson::error_message(err)) + ")");
      return Status::Ok();
    }
    return Resource(doc);
  }

  Status Resource(const element& r) {
    const std::string_view type = Str(r, "resourceType");
    if (type == "Bundle") {
      array entries;
      if (r["entry"].get_array().get(entries) == simdjson::SUCCESS) {
        for (element entry : entries) {
          element inner;
          if (entry["resource"].get(inner) != simdjson::SUCCESS) continue;
          Status s = Resource(inner);
          if (!s.ok()) return s;
        }
      }
      return Status::Ok();
    }
    ++summary.resources;
    if (!in_tx_) {
      Status s = store_.db().Begin();
      if (!s.ok()) return s;
      in_tx_ = true;
    }
    const std::string id(Str(r, "id"));
    const std::string key = std::string(type.empty() ? "resource" : type) + "/" + id;
    Outcome out;
    if (type.empty()) {
      out = Outcome::Bad("no resourceType");
    } else if (id.empty() && type != "Observation" && type != "Patient") {
      out = Outcome::Skip(std::string(type) + " without an id");
    } else if (type == "Patient") {
      out = Patient(r, id);
    } else if (type == "Observation") {
      out = Observation(r, key);
    } else if (type == "MedicationRequest" || type == "MedicationDispense") {
      out = Medication(r, type, key);
    } else if (type == "Condition") {
      out = Condition(r, key);
    } else if (type == "Basic") {
      out = Basic(r, key);
    } else {
      out = Outcome::Skip(std::string(type) + " (not used)");
    }
    if (!db_error_.ok()) return db_error_;
    switch (out.kind) {
      case Outcome::kWritten:
        ++summary.written;
        break;
      case Outcome::kUnchanged:
        ++summary.unchanged;
        break;
      case Outcome::kSkipped:
        ++summary.skipped;
        ++summary.skipped_by_reason[out.reason];
        break;
      case Outcome::kInvalid:
        Problem(key + ": " + out.reason);
        break;
    }
    last_line_ = line_;
    if (++pending_ >= o_.batch_size) return Flush();
    return Status::Ok();
  }

  void Problem(const std::string& what) {
    ++summary.invalid;
    if (summary.problems.size() < kMaxProblems) {
      summary.problems.push_back(file_ + ":" + std::to_string(line_) + ": " + what);
    }
  }

  // The patient's row id (created with no details if the Patient resource has not come yet).
  int64_t PatientId(const std::string& ref) {
    auto it = ids_.find(ref);
    if (it != ids_.end()) return it->second;
    bool changed = false;
    auto id = store_.EnsurePatient(ref, changed);
    if (!id.ok()) {
      db_error_ = id.error();
      return 0;
    }
    ids_.emplace(ref, *id);
    return *id;
  }

  void Touch(int64_t patient_id, const std::string& ref) {
    auto& t = touched_[patient_id];
    t.first = ref;
    ++t.second;
  }

  // The outcome of a store write: written, already stored, or a database failure (which stops
  // the import).
  Outcome Written(const Result<bool>& written, int64_t patient_id, const std::string& ref) {
    if (!written.ok()) {
      db_error_ = written.error();
      return {};
    }
    if (!*written) return {Outcome::kUnchanged, ""};
    Touch(patient_id, ref);
    return {Outcome::kWritten, ""};
  }

  Outcome Patient(const element& r, const std::string& id) {
    if (id.empty()) return Outcome::Bad("Patient without an id");
    store::PatientRecord p;
    p.ref = id;
    const std::string_view gender = Str(r, "gender");
    if (gender == "male" || gender == "female") p.sex = gender;  // other/unknown: ask, never guess
    const std::string_view birth = Str(r, "birthDate");
    if (birth.size() == 10 && Date::Parse(birth).ok()) p.birth_date = birth;  // a partial date is not a date
    array names;
    if (r["name"].get_array().get(names) == simdjson::SUCCESS) {
      for (element n : names) {
        std::string text(Str(n, "text"));
        if (text.empty()) {
          array given;
          if (n["given"].get_array().get(given) == simdjson::SUCCESS) {
            for (element g : given) {
              std::string_view part;
              if (g.get_string().get(part) == simdjson::SUCCESS) text += std::string(part) + " ";
            }
          }
          text += Str(n, "family");
        }
        if (!text.empty()) {
          p.name = text;
          break;
        }
      }
    }
    const std::string_view facts = Extension(r, kFactsExtension);
    if (!facts.empty()) {
      nlohmann::json f = nlohmann::json::parse(facts, nullptr, false);
      if (f.is_discarded() || !f.is_object()) return Outcome::Bad("its lenacare facts are not a JSON object");
      nlohmann::json full = f;
      if (!p.sex.empty()) full["sex"] = p.sex;
      if (!p.birth_date.empty()) full["birth_date"] = p.birth_date;
      auto valid = ParsePatientJson(k_, full.dump(), o_.today);
      if (!valid.ok()) return Outcome::Bad(valid.error().Describe());
      p.facts = f.dump();
    }
    bool changed = false;
    auto row = store_.UpsertPatient(p, changed);
    if (!row.ok()) {
      db_error_ = row.error();
      return {};
    }
    ids_[p.ref] = *row;
    return Written(changed, *row, p.ref);
  }

  // A course-file event for the patient, validated with the course-file reader.
  Outcome Event(const std::string& ref, const std::string& body, const std::string& source) {
    if (ref.empty()) return Outcome::Bad("no subject: a reference to a Patient is required");
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return Outcome::Bad("its lenacare event is not a JSON object");
    if (parsed.contains("type") && parsed["type"] == "marker") return Marker(ref, parsed, source);
    // Validated on its own (no_course_ starts before any event); the course checks come when a
    // course is read.
    auto ev = ParseEventJson(k_, body, "", no_course_);
    if (!ev.ok()) return Outcome::Bad(ev.error().Describe());
    store::EventRecord row;
    row.patient_id = PatientId(ref);
    if (!db_error_.ok()) return {};
    row.date = ev->date.ToString();
    row.type = EventTypeId(ev->type);
    if (ev->type == EventType::kLab) {
      row.test = LabTestId(ev->test);
      row.value = ev->value;
      row.lln = ev->lln;
      row.uln = ev->uln;
    }
    row.body = parsed.dump();
    row.source = source;
    return Written(store_.InsertEvent(row), row.patient_id, ref);
  }

  // A myeloma response marker (not a course event; kept for the response series).
  Outcome Marker(const std::string& ref, const nlohmann::json& parsed, const std::string& source) {
    const std::string body = parsed.dump();
    Status valid = CheckMarkerJson(k_.units, body);
    if (!valid.ok()) return Outcome::Bad(valid.error().Describe());
    store::EventRecord row;
    row.patient_id = PatientId(ref);
    if (!db_error_.ok()) return {};
    row.date = parsed["date"].get<std::string>();
    row.type = "marker";
    row.test = parsed["marker"].get<std::string>();
    row.body = body;
    row.source = source;
    return Written(store_.InsertEvent(row), row.patient_id, ref);
  }

  static std::string_view DateOf(const element& r, std::initializer_list<std::string_view> fields) {
    for (std::string_view f : fields) {
      std::string_view d = Str(r, f);
      if (d.empty()) {
        element period;
        if (r[f].get(period) == simdjson::SUCCESS) d = Str(period, "start");
      }
      if (d.size() >= 10) return d.substr(0, 10);
      if (!d.empty()) return d;
    }
    return {};
  }

  // "value unit" text of a Quantity (UCUM code when the system is UCUM, else the unit text).
  static std::string QuantityText(const element& q, std::string& problem) {
    double v = 0;
    if (q["value"].get_double().get(v) != simdjson::SUCCESS) {
      problem = "valueQuantity.value missing";
      return {};
    }
    if (!Str(q, "comparator").empty()) {
      problem = "valueQuantity has a comparator ('" + std::string(Str(q, "comparator")) +
                "'): a bound is not a result; record it by hand";
      return {};
    }
    std::string_view unit = Str(q, "system") == kUcum ? Str(q, "code") : std::string_view();
    if (unit.empty()) unit = Str(q, "unit");
    if (unit.empty()) unit = Str(q, "code");
    if (unit.empty()) {
      problem = "valueQuantity has no unit";
      return {};
    }
    return Number(v) + " " + std::string(unit);
  }

  Outcome Observation(const element& r, const std::string& key) {
    const std::string_view exported = Extension(r, kEventExtension);
    const std::string ref(PatientRef(r, "subject"));
    if (!exported.empty()) return Event(ref, std::string(exported), key);
    const std::string_view status = Str(r, "status");
    if (!Contains({"final", "amended", "corrected"}, status)) {
      return Outcome::Skip("Observation with status '" + std::string(status) + "' (only final results are used)");
    }
    const CodeMap::Loinc* code = nullptr;
    array codings;
    std::string_view first_code;
    if (r["code"]["coding"].get_array().get(codings) == simdjson::SUCCESS) {
      for (element c : codings) {
        if (Str(c, "system") != kLoinc) continue;
        if (first_code.empty()) first_code = Str(c, "code");
        code = k_.codes.FindLoinc(Str(c, "code"));
        if (code != nullptr) break;
      }
    }
    if (code == nullptr) {
      return Outcome::Skip(first_code.empty() ? "Observation without a LOINC code"
                                              : "Observation LOINC " + std::string(first_code) + " (not used)");
    }
    if (key == "Observation/") return Outcome::Bad("Observation without an id (cannot be imported twice safely)");
    const std::string_view date = DateOf(r, {"effectiveDateTime", "effectivePeriod", "issued"});
    if (date.empty()) return Outcome::Bad("no effectiveDateTime");
    std::string body = "{\"date\":" + JsonText(date);
    if (code->test == "pregnancy-test") {
      std::string result;
      element concept_value;
      std::string_view text;
      if (Member(r, "valueCodeableConcept", concept_value)) text = Str(concept_value, "text");
      array value_codings;
      if (text.empty() && r["valueCodeableConcept"]["coding"].get_array().get(value_codings) == simdjson::SUCCESS) {
        for (element c : value_codings) {
          text = Str(c, "display");
          if (!text.empty()) break;
        }
      }
      if (text.empty()) text = Str(r, "valueString");
      std::string lower(text);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower == "negative" || lower == "positive") {
        result = lower;
      } else {
        return Outcome::Bad("a pregnancy test's result must read 'positive' or 'negative'");
      }
      body += ",\"type\":\"pregnancy-test\",\"result\":\"" + result + "\"}";
      return Event(ref, body, key);
    }
    element q;
    if (r["valueQuantity"].get(q) != simdjson::SUCCESS) return Outcome::Bad("no valueQuantity");
    std::string problem;
    const std::string value = QuantityText(q, problem);
    if (!problem.empty()) return Outcome::Bad(problem);
    if (IsResponseMarkerField(code->test)) {
      return Event(
          ref, body + ",\"type\":\"marker\",\"marker\":\"" + code->test + "\",\"value\":" + JsonText(value) + "}", key);
    }
    body += ",\"type\":\"lab\",\"test\":\"" + code->test + "\",\"value\":" + JsonText(value);
    array ranges;
    if (r["referenceRange"].get_array().get(ranges) == simdjson::SUCCESS) {
      for (element range : ranges) {
        for (const char* bound : {"low", "high"}) {
          element b;
          if (range[bound].get(b) != simdjson::SUCCESS) continue;
          std::string p;
          const std::string text = QuantityText(b, p);
          if (p.empty()) body += std::string(",\"") + (bound[0] == 'l' ? "lln" : "uln") + "\":" + JsonText(text);
        }
        break;  // the first range is the laboratory's normal range
      }
    }
    body += "}";
    return Event(ref, body, key);
  }

  bool Lenalidomide(const element& r) const {
    array codings;
    if (r["medicationCodeableConcept"]["coding"].get_array().get(codings) != simdjson::SUCCESS) return false;
    for (element c : codings) {
      if (Str(c, "system") == kRxNorm && k_.codes.IsLenalidomide(Str(c, "code"))) return true;
    }
    return false;
  }

  Outcome Medication(const element& r, std::string_view type, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    const std::string_view exported = Extension(r, kEventExtension);
    if (!exported.empty()) return Event(ref, std::string(exported), key);
    if (!Lenalidomide(r)) return Outcome::Skip(std::string(type) + " of another drug (not used)");
    const std::string_view status = Str(r, "status");
    if (type == "MedicationRequest") {
      if (!Contains({"active", "completed"}, status)) {
        return Outcome::Skip("lenalidomide MedicationRequest with status '" + std::string(status) + "'");
      }
      const std::string_view date = DateOf(r, {"authoredOn"});
      if (date.empty()) return Outcome::Bad("no authoredOn");
      element supply;
      double days = 0;
      if (r["dispenseRequest"]["expectedSupplyDuration"].get(supply) != simdjson::SUCCESS ||
          supply["value"].get_double().get(days) != simdjson::SUCCESS) {
        return Outcome::Bad("dispenseRequest.expectedSupplyDuration missing: the days supplied are needed");
      }
      int64_t refills = 0;
      if (r["dispenseRequest"]["numberOfRepeatsAllowed"].get_int64().get(refills) != simdjson::SUCCESS) {
        return Outcome::Bad("dispenseRequest.numberOfRepeatsAllowed missing: the number of refills is needed");
      }
      const std::string body = "{\"date\":" + JsonText(date) +
                               ",\"type\":\"prescription\",\"days_supply\":" + Number(days) +
                               ",\"refills\":" + std::to_string(refills) + "}";
      return Event(ref, body, key);
    }
    if (status != "completed") {
      return Outcome::Skip("lenalidomide MedicationDispense with status '" + std::string(status) + "'");
    }
    const std::string_view date = DateOf(r, {"whenHandedOver"});
    if (date.empty()) return Outcome::Bad("no whenHandedOver");
    double days = 0;
    if (r["daysSupply"]["value"].get_double().get(days) != simdjson::SUCCESS) {
      return Outcome::Bad("daysSupply missing");
    }
    return Event(ref, "{\"date\":" + JsonText(date) + ",\"type\":\"dispense\",\"days_supply\":" + Number(days) + "}",
                 key);
  }

  Outcome Condition(const element& r, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    array codings;
    const CodeMap::Condition* mapped = nullptr;
    if (r["code"]["coding"].get_array().get(codings) == simdjson::SUCCESS) {
      for (element c : codings) {
        mapped = k_.codes.FindCondition(Str(c, "system"), Str(c, "code"));
        if (mapped != nullptr) break;
      }
    }
    if (mapped == nullptr) return Outcome::Skip("Condition not treated with lenalidomide (not used)");
    std::string_view verification;
    array vcodings;
    if (r["verificationStatus"]["coding"].get_array().get(vcodings) == simdjson::SUCCESS) {
      for (element c : vcodings) {
        verification = Str(c, "code");
        break;
      }
    }
    if (verification == "refuted" || verification == "entered-in-error") {
      return Outcome::Skip("Condition " + std::string(verification));
    }
    if (ref.empty()) return Outcome::Bad("no subject: a reference to a Patient is required");
    const int64_t pid = PatientId(ref);
    if (!db_error_.ok()) return {};
    return Written(store_.InsertCondition(pid, mapped->indication, std::string(DateOf(r, {"onsetDateTime"})), key), pid,
                   ref);
  }

  // lenacare's own exported records: the course (its course-file header) and events without a
  // standard resource of their own (holds, doses taken, toxicities ...).
  Outcome Basic(const element& r, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    const std::string_view event = Extension(r, kEventExtension);
    if (!event.empty()) return Event(ref, std::string(event), key);
    const std::string_view header = Extension(r, kCourseExtension);
    if (header.empty()) return Outcome::Skip("Basic (not used)");
    if (ref.empty()) return Outcome::Bad("no subject: a reference to a Patient is required");
    auto course = ParseCourseJson(k_, header);
    if (!course.ok()) return Outcome::Bad(course.error().Describe());
    nlohmann::json h = nlohmann::json::parse(header, nullptr, false);
    if (h.is_discarded() || !h.is_object() || h.contains("patient") || h.contains("events")) {
      return Outcome::Bad("its lenacare course is not a course header");
    }
    store::CourseRecord c;
    c.patient_id = PatientId(ref);
    if (!db_error_.ok()) return {};
    c.indication = course->indication->id;
    c.start_date = course->start_date.ToString();
    c.header = h.dump();
    return Written(store_.InsertCourse(c, key), c.patient_id, ref);
  }

  store::Store& store_;
  const Knowledge& k_;
  const ImportOptions& o_;
  simdjson::dom::parser parser_;
  Course no_course_;  // events are validated on their own; the course checks come at reading
  std::unordered_map<std::string, int64_t> ids_;
  std::map<int64_t, std::pair<std::string, int64_t>> touched_;
  std::string file_;
  int64_t line_ = 0, last_line_ = 0, pending_ = 0;
  bool in_tx_ = false;
  Status db_error_ = Status::Ok();
};

// Patient files first; then the rest by name.
int FileRank(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.rfind("Patient", 0) == 0 ? 0 : 1;
}

}  // namespace

Result<ImportSummary> Import(store::Store& store, const Knowledge& k, const std::vector<std::string>& paths,
                             const ImportOptions& options) {
  std::vector<fs::path> files;
  for (const std::string& p : paths) {
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
  Importer importer(store, k, options);
  for (const fs::path& f : files) {
    Status s = importer.File(f);
    if (!s.ok()) {
      (void)importer.Abort();
      return s.error();
    }
  }
  return importer.summary;
}

}  // namespace lenacare::fhir
