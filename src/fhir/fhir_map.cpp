#include "fhir/fhir_map.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "core/text.h"
#include "course/course_json.h"
#include "course/response_json.h"
#include "fhir/fhir_names.h"

namespace lenacare::fhir {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

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

// Values in messages (and keys) are cut to 64 bytes, whole UTF-8 characters: input is never
// echoed unbounded.
constexpr size_t kShown = 64;
std::string Quote(std::string_view s) { return Quoted(s, kShown); }
std::string Cut(std::string_view s) { return Shortened(s, kShown); }

// An R4 id: 1-64 of A-Z a-z 0-9 - . (FHIR R4 datatypes, id), and _ (which lenacare's patient
// identifiers allow, and real exports use).
bool IsFhirId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_'; });
}

// The id of the `type` resource a reference points to, in the R4 forms: relative "Patient/p1",
// versioned "Patient/p1/_history/3", absolute "https://server/fhir/Patient/p1"; "" for another
// type, a contained ("#x") or a logical reference.
std::string_view IdIn(std::string_view reference, std::string_view type) {
  if (const size_t h = reference.find("/_history/"); h != std::string_view::npos) reference = reference.substr(0, h);
  const size_t slash = reference.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  const std::string_view id = reference.substr(slash + 1);
  std::string_view before = reference.substr(0, slash);
  const size_t prev = before.rfind('/');
  if (prev != std::string_view::npos) before = before.substr(prev + 1);
  if (before != type || id.empty()) return {};
  return id;  // not checked here: an identifier lenacare refuses is reported by the importer
}

std::string Number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// A JSON string of `s`. A piece cut out of a valid text can end inside a character (the first 10
// bytes of a "date"); such bytes become U+FFFD, and the course-file reader then refuses the value.
std::string JsonText(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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

Record Of(Record::Kind kind, const std::string& key, const std::string& ref) {
  Record r;
  r.kind = kind;
  r.key = key;
  r.ref = ref;
  return r;
}

Record Skip(const std::string& key, std::string why) {
  Record r = Of(Record::Kind::kSkip, key, "");
  r.reason = std::move(why);
  return r;
}

Record Bad(const std::string& key, std::string why) {
  Record r = Of(Record::Kind::kInvalid, key, "");
  r.reason = std::move(why);
  return r;
}

}  // namespace

// The structure every resource is checked for before it is read (standards.md §7; the limits are
// documented in the README's "Limits" table): no key given twice in one object (simdjson would keep
// the first, another reader the last), strings of at most kMaxString bytes (the R4 datatype limit
// of 1 MB), nesting of at most kMaxDepth levels. simdjson itself refuses invalid UTF-8 and numbers
// out of a double's range. The problem names the field, its value cut short.
constexpr size_t kMaxString = 1024 * 1024;
constexpr int kMaxDepth = 64;

// A problem CheckTree found: the path to the element ("code.coding[0].system", "" for the
// resource itself), filled in on the way back up, so that a valid resource (nearly all of them)
// builds no path at all; and what is wrong there.
struct TreeProblem {
  std::string path, what;
  std::string Text() const { return path.empty() ? what : path + ": " + what; }
};

// `head` ("code", "[0]") joined to the path below it.
void Prefix(std::string head, TreeProblem& p) {
  if (!p.path.empty()) head += p.path.front() == '[' ? p.path : "." + p.path;
  p.path = std::move(head);
}

std::optional<TreeProblem> CheckTree(const element& e, int depth) {
  if (depth > kMaxDepth) return TreeProblem{"", "nested deeper than " + std::to_string(kMaxDepth) + " levels"};
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::string_view> keys;
      for (auto field : object(e)) {
        keys.push_back(field.key);
        if (field.key.size() > 64) return TreeProblem{"", "the key " + Quote(field.key) + " is not an R4 element name"};
        if (auto problem = CheckTree(field.value, depth + 1)) {
          Prefix(std::string(field.key), *problem);
          return problem;
        }
      }
      std::sort(keys.begin(), keys.end());
      auto twice = std::adjacent_find(keys.begin(), keys.end());
      if (twice != keys.end()) return TreeProblem{"", "the key " + Quote(*twice) + " is given twice in one object"};
      return std::nullopt;
    }
    case simdjson::dom::element_type::ARRAY: {
      size_t i = 0;
      for (element x : array(e)) {
        if (auto problem = CheckTree(x, depth + 1)) {
          Prefix("[" + std::to_string(i) + "]", *problem);
          return problem;
        }
        ++i;
      }
      return std::nullopt;
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view v;
      if (e.get_string().get(v) == simdjson::SUCCESS && v.size() > kMaxString) {
        return TreeProblem{"", "a string of " + std::to_string(v.size()) + " bytes, longer than the limit of " +
                                   std::to_string(kMaxString) + " bytes"};
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

struct Reader::Impl {
  Impl(const Knowledge& k, Date today) : k_(k), today_(today) { no_course_.start_date = Date::FromCivil(1900, 1, 1); }

  void Read(std::string& text, std::vector<Record>& out) {
    const size_t size = text.size();
    text.reserve(size + simdjson::SIMDJSON_PADDING);
    element doc;
    if (auto err = parser_.parse(text.data(), size, false).get(doc); err != simdjson::SUCCESS) {
      out.push_back(Bad("", "not valid JSON (" + std::string(simdjson::error_message(err)) + ")"));
      return;
    }
    if (auto problem = CheckTree(doc, 0)) {
      out.push_back(Bad("", "not valid R4 JSON: " + problem->Text()));
      return;
    }
    full_urls_.clear();
    medications_.clear();
    report_dates_.clear();
    members_.clear();
    own_dates_.clear();
    Resource(doc, "", out);
  }

  // A Bundle's context: what its entries' references may point to (urn:uuid: and absolute
  // fullUrls, bundled Medications, the dates of DiagnosticReports for their results).
  void Index(const array& entries) {
    for (element entry : entries) {
      element inner;
      if (entry["resource"].get(inner) != simdjson::SUCCESS) continue;
      const std::string_view type = Str(inner, "resourceType");
      const std::string_view full_url = Str(entry, "fullUrl");
      std::string id(Str(inner, "id"));
      if (id.empty()) id = IdOfFullUrl(full_url, type);
      const std::string local = std::string(type) + "/" + id;
      if (!full_url.empty()) full_urls_.emplace(std::string(full_url), local);
      if (type == "Medication") {
        medications_.emplace(local, inner);
        if (!full_url.empty()) medications_.emplace(std::string(full_url), inner);
      }
      if (type == "Observation") {  // a panel: its members take its date (below)
        array members;
        if (inner["hasMember"].get_array().get(members) == simdjson::SUCCESS) {
          std::vector<std::string>& to = members_[local];
          for (element m : members) to.emplace_back(Str(m, "reference"));
          if (!full_url.empty()) members_[std::string(full_url)] = to;
        }
        const std::string_view date =
            DateOf(inner, {"effectiveDateTime", "effectiveInstant", "effectivePeriod", "effectiveTiming", "issued"});
        if (!date.empty()) own_dates_.emplace(local, std::string(date));
      }
      if (type == "DiagnosticReport") {
        const std::string_view date = DateOf(inner, {"effectiveDateTime", "effectivePeriod", "issued"});
        array results;
        if (date.empty() || inner["result"].get_array().get(results) != simdjson::SUCCESS) continue;
        for (element result : results) {
          const std::string_view to = Str(result, "reference");
          if (!to.empty()) report_dates_.emplace(std::string(to), std::string(date));
        }
      }
    }
  }

  // A panel's members take the panel's date, or the date its report gave it (two levels: a
  // report's panel of panels).
  void PropagateDates() {
    for (int level = 0; level < 2; ++level) {
      for (const auto& [panel, members] : members_) {
        auto date = own_dates_.find(panel);
        auto reported = report_dates_.find(panel);
        const std::string* d = date != own_dates_.end()          ? &date->second
                               : reported != report_dates_.end() ? &reported->second
                                                                 : nullptr;
        if (d == nullptr) continue;
        for (const std::string& m : members) report_dates_.emplace(m, *d);
      }
    }
  }

  // The id a fullUrl gives a resource without one: "urn:uuid:X" -> X, ".../Type/X" -> X.
  static std::string IdOfFullUrl(std::string_view full_url, std::string_view type) {
    if (full_url.rfind("urn:uuid:", 0) == 0) {
      std::string_view uuid = full_url.substr(9);
      return IsFhirId(uuid) ? std::string(uuid) : std::string();
    }
    return std::string(IdIn(full_url, type));
  }

  // What `reference` points to as "Type/id" (through the Bundle's fullUrls), or "".
  std::string Resolve(std::string_view reference, std::string_view type) const {
    auto it = full_urls_.find(std::string(reference));
    if (it != full_urls_.end()) return it->second.rfind(std::string(type) + "/", 0) == 0 ? it->second : std::string();
    if (reference.rfind("urn:uuid:", 0) == 0) {  // an entry not in this Bundle: its uuid is its id
      std::string_view uuid = reference.substr(9);
      return IsFhirId(uuid) ? std::string(type) + "/" + std::string(uuid) : std::string();
    }
    const std::string_view id = IdIn(reference, type);
    return id.empty() ? std::string() : std::string(type) + "/" + std::string(id);
  }

  // The Patient id the resource's `field` (subject, patient) refers to, in any R4 form; "" if none.
  std::string PatientRef(const element& r, std::string_view field) const {
    element ref;
    if (r[field].get(ref) != simdjson::SUCCESS) return {};
    const std::string to = Resolve(Str(ref, "reference"), "Patient");
    return to.empty() ? std::string() : to.substr(8);
  }

  void Resource(const element& r, std::string_view full_url, std::vector<Record>& out) {
    const std::string_view type = Str(r, "resourceType");
    if (type == "Bundle") {
      array entries;
      if (r["entry"].get_array().get(entries) == simdjson::SUCCESS) {
        Index(entries);
        PropagateDates();
        const size_t first = out.size();
        for (element entry : entries) {
          element inner;
          if (entry["resource"].get(inner) != simdjson::SUCCESS) continue;
          Resource(inner, Str(entry, "fullUrl"), out);
        }
        // The same Patient twice in one Bundle (two versions of it): the last one is used, so
        // that importing the Bundle again changes nothing.
        std::unordered_map<std::string, size_t> last;
        for (size_t i = first; i < out.size(); ++i) {
          if (out[i].kind == Record::Kind::kPatient) last[out[i].key] = i;
        }
        for (size_t i = first; i < out.size(); ++i) {
          if (out[i].kind == Record::Kind::kPatient && last[out[i].key] != i) {
            out[i] = Skip(out[i].key, "an earlier version of a Patient later in the same Bundle (not used)");
          }
        }
      }
      return;
    }
    std::string id(Str(r, "id"));
    if (id.empty()) id = IdOfFullUrl(full_url, type);
    const bool type_ok = !type.empty() && type.size() <= 64 && std::isupper(static_cast<unsigned char>(type[0])) &&
                         std::all_of(type.begin(), type.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
    if (!type_ok) {
      out.push_back(Bad("resource/", type.empty() ? "no resourceType"
                                                  : "resourceType " + Quote(type) + " is not an R4 resource type"));
      return;
    }
    if (!id.empty() && !IsFhirId(id)) {
      out.push_back(
          Bad(std::string(type) + "/" + Cut(id), "id " + Quote(id) + " is not an R4 id (1-64 of A-Z a-z 0-9 - . _)"));
      return;
    }
    const std::string key = std::string(type) + "/" + id;
    const size_t before = out.size();
    Mapped(r, type, id, key, full_url, out);
    if (out.size() != before + 1) return;
    // lenacare's own export: the row it came from, and lenacare's patient identifiers.
    Record& rec = out.back();
    rec.stored_as = std::string(Extension(r, kStoredAsExtension));
    rec.lenacare_ref =
        !rec.stored_as.empty() || !Extension(r, kEventExtension).empty() || !Extension(r, kCourseExtension).empty();
    array identifiers;
    if (type == "Patient" && r["identifier"].get_array().get(identifiers) == simdjson::SUCCESS) {
      for (element i : identifiers) {
        if (Str(i, "system") == kPatientRefSystem && Str(i, "value") == id) rec.lenacare_ref = true;
      }
    }
  }

  void Mapped(const element& r, std::string_view type, const std::string& id, const std::string& key,
              std::string_view full_url, std::vector<Record>& out) {
    if (id.empty() && type != "Observation" && type != "Patient") {
      out.push_back(Skip(key, std::string(type) + " without an id"));
    } else if (type == "Patient") {
      out.push_back(Patient(r, id, key));
    } else if (type == "Observation") {
      out.push_back(Observation(r, key, full_url));
    } else if (type == "MedicationRequest" || type == "MedicationDispense") {
      out.push_back(Medication(r, type, key));
    } else if (type == "Condition") {
      out.push_back(Condition(r, key));
    } else if (type == "Basic" || type == "CarePlan") {
      out.push_back(Basic(r, type, key));
    } else if (Contains({"MedicationStatement", "Procedure", "Task"}, type) && !Extension(r, kEventExtension).empty()) {
      // lenacare's own therapy events, exported as standard resources (fhir_export.h).
      out.push_back(
          Event(PatientRef(r, type == "Task" ? "for" : "subject"), std::string(Extension(r, kEventExtension)), key));
    } else {
      out.push_back(Skip(key, std::string(type) + " (not used)"));
    }
  }

  Record Patient(const element& r, const std::string& id, const std::string& key) {
    if (id.empty()) return Skip(key, "Patient without an id (not used: nothing could refer to it)");
    Record out;
    out.kind = Record::Kind::kPatient;
    out.key = key;
    out.ref = id;
    store::PatientRecord& p = out.patient;
    p.ref = id;
    const std::string_view gender = Str(r, "gender");
    if (gender == "male" || gender == "female") p.sex = gender;  // other/unknown: ask, never guess
    const std::string_view birth = Str(r, "birthDate");
    if (birth.size() == 10 && Date::Parse(birth).ok()) {  // a partial date is not a date
      if (*Date::Parse(birth) > today_) {
        return Bad(key, "birthDate " + Quote(birth) + " is after today (" + today_.ToString() + ")");
      }
      p.birth_date = birth;
    }
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
      if (f.is_discarded() || !f.is_object()) return Bad(key, "its lenacare facts are not a JSON object");
      auto valid = ParsePatientJson(k_, PatientObjectJson(f.dump(), p.sex, p.birth_date), today_);
      if (!valid.ok()) return Bad(key, valid.error().Describe());
      p.facts = f.dump();
    }
    return out;
  }

  // A course-file event for the patient, validated with the course-file reader.
  Record Event(const std::string& ref, const std::string& body, const std::string& source) {
    // Valid R4 (the subject is optional), but without a patient there is nothing to record it for.
    if (ref.empty()) return Skip(source, "no reference to a Patient (not used)");
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return Bad(source, "its lenacare event is not a JSON object");
    if (parsed.contains("type") && parsed["type"] == "marker") return Marker(ref, parsed, source);
    // Validated on its own (no_course_ starts before any event); the course checks come when a
    // course is read.
    auto ev = ParseEventJson(k_, body, "", no_course_);
    if (!ev.ok()) return Bad(source, ev.error().Describe());
    Record out = Of(Record::Kind::kEvent, source, ref);
    store::EventRecord& row = out.event;
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
    return out;
  }

  // A myeloma response marker (not a course event; kept for the response series).
  Record Marker(const std::string& ref, const nlohmann::json& parsed, const std::string& source) {
    const std::string body = parsed.dump();
    Status valid = CheckMarkerJson(k_.units, body);
    if (!valid.ok()) return Bad(source, valid.error().Describe());
    Record out = Of(Record::Kind::kEvent, source, ref);
    store::EventRecord& row = out.event;
    row.date = parsed["date"].get<std::string>();
    row.type = "marker";
    row.test = parsed["marker"].get<std::string>();
    row.body = body;
    row.source = source;
    return out;
  }

  // The date (YYYY-MM-DD, or the partial date as given) of the first of `fields` present: a
  // dateTime or instant, a Period's start (or its end when it has only an end), a Timing with
  // exactly one event.
  static std::string_view DateOf(const element& r, std::initializer_list<std::string_view> fields) {
    for (std::string_view f : fields) {
      std::string_view d = Str(r, f);
      element inner;
      if (d.empty() && r[f].get(inner) == simdjson::SUCCESS) {
        d = Str(inner, "start");
        if (d.empty()) d = Str(inner, "end");
        array events;
        if (d.empty() && inner["event"].get_array().get(events) == simdjson::SUCCESS && events.size() == 1) {
          if (events.at(0).get_string().get(d) != simdjson::SUCCESS) d = {};
        }
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
      problem = "valueQuantity has a comparator (" + Quote(Str(q, "comparator")) +
                "): a bound is not a result; record it by hand";
      return {};
    }
    std::string_view unit = Str(q, "system") == kUcum ? Str(q, "code") : std::string_view();
    if (unit.empty()) unit = Str(q, "unit");
    if (unit.empty()) unit = Str(q, "code");
    if (unit.empty()) {
      problem = "valueQuantity has no unit";
      return {};
    }
    if (unit.size() > 64) {  // no unit is that long; and the course reader would quote it whole
      problem = "valueQuantity's unit " + Quote(unit) + " is not a unit";
      return {};
    }
    return Number(v) + " " + std::string(unit);
  }

  static Record Corrected(bool correction, Record rec) {
    rec.correction = correction;
    return rec;
  }

  Record Observation(const element& r, const std::string& key, std::string_view full_url) {
    const std::string_view exported = Extension(r, kEventExtension);
    const std::string ref(PatientRef(r, "subject"));
    const std::string_view status = Str(r, "status");
    // lenacare's own event, exported: its status says whether it was corrected or retracted since.
    if (!exported.empty() && status != "entered-in-error") {
      return Corrected(status == "corrected" || status == "amended", Event(ref, std::string(exported), key));
    }
    if (status == "entered-in-error" && key != "Observation/") {
      Record out;
      out.kind = Record::Kind::kRetract;
      out.key = key;
      out.ref = ref;
      out.reason = "the Observation's status is entered-in-error";
      return out;
    }
    if (!Contains({"final", "amended", "corrected"}, status)) {
      return Skip(key, "Observation with status " + Quote(status) + " (only final results are used)");
    }
    const bool correction = status != "final";
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
    if (code == nullptr || code->test == kBodyWeightTest) {  // a weight is a patient fact (chart.h)
      return Skip(key, first_code.empty() ? "Observation without a LOINC code"
                                          : "Observation LOINC " + Cut(first_code) + " (not used)");
    }
    if (key == "Observation/") return Bad(key, "Observation without an id (cannot be imported twice safely)");
    std::string_view date =
        DateOf(r, {"effectiveDateTime", "effectiveInstant", "effectivePeriod", "effectiveTiming", "issued"});
    if (date.empty()) {  // a result of a DiagnosticReport in the same Bundle: the report's date
      for (const std::string& to : {key, std::string(full_url)}) {
        auto it = report_dates_.find(to);
        if (!to.empty() && it != report_dates_.end()) {
          date = it->second;
          break;
        }
      }
    }
    if (date.empty()) {
      return Bad(key,
                 "no date: effectiveDateTime, effectiveInstant, effectivePeriod (start or end), effectiveTiming "
                 "(one event) or issued, or a DiagnosticReport in the Bundle with its date");
    }
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
        return Bad(key, "a pregnancy test's result must read 'positive' or 'negative'");
      }
      body += ",\"type\":\"pregnancy-test\",\"result\":\"" + result + "\"}";
      return Corrected(correction, Event(ref, body, key));
    }
    element q;
    if (r["valueQuantity"].get(q) != simdjson::SUCCESS) return Bad(key, "no valueQuantity");
    std::string problem;
    const std::string value = QuantityText(q, problem);
    if (!problem.empty()) return Bad(key, problem);
    if (IsResponseMarkerField(code->test)) {
      return Corrected(
          correction,
          Event(ref, body + ",\"type\":\"marker\",\"marker\":\"" + code->test + "\",\"value\":" + JsonText(value) + "}",
                key));
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
    return Corrected(correction, Event(ref, body, key));
  }

  bool LenalidomideCode(const element& concept_value) const {
    array codings;
    if (concept_value["coding"].get_array().get(codings) != simdjson::SUCCESS) return false;
    for (element c : codings) {
      if (Str(c, "system") == kRxNorm && k_.codes.IsLenalidomide(Str(c, "code"))) return true;
    }
    return false;
  }

  // medicationCodeableConcept, or medicationReference to a contained ("#med") or bundled
  // Medication, coded with RxNorm.
  bool Lenalidomide(const element& r) const {
    element coded;
    if (r["medicationCodeableConcept"].get(coded) == simdjson::SUCCESS) return LenalidomideCode(coded);
    element ref;
    if (r["medicationReference"].get(ref) != simdjson::SUCCESS) return false;
    const std::string_view reference = Str(ref, "reference");
    if (reference.size() > 1 && reference[0] == '#') {
      array contained;
      if (r["contained"].get_array().get(contained) != simdjson::SUCCESS) return false;
      for (element c : contained) {
        element code;
        if (Str(c, "resourceType") == "Medication" && Str(c, "id") == reference.substr(1) &&
            c["code"].get(code) == simdjson::SUCCESS) {
          return LenalidomideCode(code);
        }
      }
      return false;
    }
    for (const std::string& key : {std::string(reference), Resolve(reference, "Medication")}) {
      auto it = medications_.find(key);
      element code;
      if (!key.empty() && it != medications_.end() && it->second["code"].get(code) == simdjson::SUCCESS) {
        return LenalidomideCode(code);
      }
    }
    return false;
  }

  // A Duration or SimpleQuantity of days supplied, in whole days: UCUM d or wk (a week is 7 days),
  // or the unit text day(s) / week(s) when the system is UCUM or absent. A month or a year is not a
  // whole number of days (and standards.md gives no UCUM definition for them): refused, never
  // guessed; so is a fraction of a day.
  static std::optional<int64_t> WholeDays(const element& q, const std::string& field, std::string& problem) {
    double value = 0;
    if (q["value"].get_double().get(value) != simdjson::SUCCESS) {
      problem = field + ".value missing: the days supplied are needed";
      return std::nullopt;
    }
    const std::string_view system = Str(q, "system");
    if (!system.empty() && system != kUcum) {
      problem = field + ": system " + Quote(system) + " is not UCUM (" + std::string(kUcum) + ")";
      return std::nullopt;
    }
    std::string_view unit = Str(q, "code");
    if (unit.empty()) unit = Str(q, "unit");
    if (unit.empty() && field == "daysSupply") unit = "d";  // a number of days by the element's name
    std::string lower(unit);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    int per_unit = 0;
    if (Contains({"d", "day", "days", "day(s)"}, lower)) per_unit = 1;
    if (Contains({"wk", "week", "weeks", "week(s)"}, lower)) per_unit = 7;
    if (Contains({"mo", "month", "months", "month(s)", "a", "year", "years", "year(s)"}, lower)) {
      problem = field + ": " + Number(value) + " " + Quote(unit) +
                " is not a whole number of days (a month or a year has no fixed number of days): give the "
                "supply in days (d) or weeks (wk)";
      return std::nullopt;
    }
    if (per_unit == 0) {
      problem = field + ": unit " + Quote(unit) + " is not a duration in days (d) or weeks (wk)";
      return std::nullopt;
    }
    const double days = value * per_unit;
    if (!(days >= 0 && days <= 100000) || days != std::floor(days)) {
      problem = field + ": " + Number(value) + " " + Quote(unit) + " is not a whole number of days from 0 to 100000";
      return std::nullopt;
    }
    return static_cast<int64_t>(days);
  }

  Record Medication(const element& r, std::string_view type, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    const std::string_view exported = Extension(r, kEventExtension);
    if (!exported.empty()) return Event(ref, std::string(exported), key);
    if (!Lenalidomide(r)) return Skip(key, std::string(type) + " of another drug (not used)");
    const std::string_view status = Str(r, "status");
    std::string problem;
    if (type == "MedicationRequest") {
      if (!Contains({"active", "completed"}, status)) {
        return Skip(key, "lenalidomide MedicationRequest with status " + Quote(status));
      }
      const std::string_view date = DateOf(r, {"authoredOn"});
      if (date.empty()) return Bad(key, "no authoredOn");
      element supply;
      if (r["dispenseRequest"]["expectedSupplyDuration"].get(supply) != simdjson::SUCCESS) {
        return Bad(key, "dispenseRequest.expectedSupplyDuration missing: the days supplied are needed");
      }
      const auto days = WholeDays(supply, "dispenseRequest.expectedSupplyDuration", problem);
      if (!days) return Bad(key, problem);
      element repeats;
      if (r["dispenseRequest"]["numberOfRepeatsAllowed"].get(repeats) != simdjson::SUCCESS) {
        return Bad(key, "dispenseRequest.numberOfRepeatsAllowed missing: the number of refills is needed");
      }
      // An R4 unsignedInt (0 to 2^31-1), checked as 64 bits before it is narrowed.
      int64_t refills = -1;
      if (repeats.get_int64().get(refills) != simdjson::SUCCESS || refills < 0 || refills > 2147483647) {
        return Bad(key, "dispenseRequest.numberOfRepeatsAllowed must be a whole number from 0 to 2147483647");
      }
      const std::string body = "{\"date\":" + JsonText(date) +
                               ",\"type\":\"prescription\",\"days_supply\":" + std::to_string(*days) +
                               ",\"refills\":" + std::to_string(refills) + "}";
      return Event(ref, body, key);
    }
    if (status != "completed") {
      return Skip(key, "lenalidomide MedicationDispense with status " + Quote(status));
    }
    const std::string_view date = DateOf(r, {"whenHandedOver"});
    if (date.empty()) return Bad(key, "no whenHandedOver");
    element supply;
    if (r["daysSupply"].get(supply) != simdjson::SUCCESS) return Bad(key, "daysSupply missing");
    const auto days = WholeDays(supply, "daysSupply", problem);
    if (!days) return Bad(key, problem);
    return Event(
        ref, "{\"date\":" + JsonText(date) + ",\"type\":\"dispense\",\"days_supply\":" + std::to_string(*days) + "}",
        key);
  }

  Record Condition(const element& r, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    array codings;
    const CodeMap::Condition* mapped = nullptr;
    if (r["code"]["coding"].get_array().get(codings) == simdjson::SUCCESS) {
      for (element c : codings) {
        mapped = k_.codes.FindCondition(Str(c, "system"), Str(c, "code"));
        if (mapped == nullptr && Str(c, "system") == kIcd10Cm) {
          // ICD-10-CM codes come with or without the dot after the category ("C90.00", "C9000").
          std::string code(Str(c, "code"));
          if (code.find('.') != std::string::npos) {
            code.erase(code.find('.'), 1);
          } else if (code.size() > 3) {
            code.insert(3, ".");
          }
          mapped = k_.codes.FindCondition(kIcd10Cm, code);
        }
        if (mapped != nullptr) break;
      }
    }
    if (mapped == nullptr) return Skip(key, "Condition not treated with lenalidomide (not used)");
    std::string_view verification;
    array vcodings;
    if (r["verificationStatus"]["coding"].get_array().get(vcodings) == simdjson::SUCCESS) {
      for (element c : vcodings) {
        verification = Str(c, "code");
        break;
      }
    }
    if (verification == "refuted" || verification == "entered-in-error") {
      return Skip(key, "Condition " + std::string(verification));
    }
    if (ref.empty()) return Bad(key, "no subject: a reference to a Patient is required");
    Record out = Of(Record::Kind::kCondition, key, ref);
    out.indication = mapped->indication;
    out.onset = std::string(DateOf(r, {"onsetDateTime"}));
    return out;
  }

  // lenacare's own exported records: the course (a CarePlan, or a Basic from an earlier lenacare,
  // with its course-file header), and events exported as Basic by an earlier lenacare.
  Record Basic(const element& r, std::string_view type, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    const std::string_view event = Extension(r, kEventExtension);
    if (!event.empty()) return Event(ref, std::string(event), key);
    const std::string_view header = Extension(r, kCourseExtension);
    if (header.empty()) return Skip(key, std::string(type) + " (not used)");
    if (ref.empty()) return Bad(key, "no subject: a reference to a Patient is required");
    auto course = ParseCourseJson(k_, header);
    if (!course.ok()) return Bad(key, course.error().Describe());
    nlohmann::json h = nlohmann::json::parse(header, nullptr, false);
    if (h.is_discarded() || !h.is_object() || h.contains("patient") || h.contains("events")) {
      return Bad(key, "its lenacare course is not a course header");
    }
    Record out = Of(Record::Kind::kCourse, key, ref);
    out.course.indication = course->indication->id;
    out.course.start_date = course->start_date.ToString();
    out.course.header = h.dump();
    return out;
  }

  const Knowledge& k_;
  Date today_;
  // The current Bundle's context (Index).
  std::unordered_map<std::string, std::string> full_urls_;             // fullUrl -> "Type/id"
  std::unordered_map<std::string, element> medications_;               // "Medication/id" or fullUrl -> it
  std::unordered_map<std::string, std::string> report_dates_;          // result reference -> report date
  std::unordered_map<std::string, std::vector<std::string>> members_;  // panel -> its hasMember references
  std::unordered_map<std::string, std::string> own_dates_;             // Observation -> its own date
  simdjson::dom::parser parser_;
  Course no_course_;  // events are validated on their own; the course checks come at reading
};

Reader::Reader(const Knowledge& k, Date today) : impl_(std::make_unique<Impl>(k, today)) {}
Reader::~Reader() = default;

void Reader::Read(std::string& text, std::vector<Record>& out) {
  out.clear();
  impl_->Read(text, out);
}

}  // namespace lenacare::fhir
