#include "fhir/fhir_map.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

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
    Resource(doc, out);
  }

  void Resource(const element& r, std::vector<Record>& out) {
    const std::string_view type = Str(r, "resourceType");
    if (type == "Bundle") {
      array entries;
      if (r["entry"].get_array().get(entries) == simdjson::SUCCESS) {
        for (element entry : entries) {
          element inner;
          if (entry["resource"].get(inner) != simdjson::SUCCESS) continue;
          Resource(inner, out);
        }
      }
      return;
    }
    const std::string id(Str(r, "id"));
    const std::string key = std::string(type.empty() ? "resource" : type) + "/" + id;
    if (type.empty()) {
      out.push_back(Bad(key, "no resourceType"));
    } else if (id.empty() && type != "Observation" && type != "Patient") {
      out.push_back(Skip(key, std::string(type) + " without an id"));
    } else if (type == "Patient") {
      out.push_back(Patient(r, id, key));
    } else if (type == "Observation") {
      out.push_back(Observation(r, key));
    } else if (type == "MedicationRequest" || type == "MedicationDispense") {
      out.push_back(Medication(r, type, key));
    } else if (type == "Condition") {
      out.push_back(Condition(r, key));
    } else if (type == "Basic") {
      out.push_back(Basic(r, key));
    } else {
      out.push_back(Skip(key, std::string(type) + " (not used)"));
    }
  }

  Record Patient(const element& r, const std::string& id, const std::string& key) {
    if (id.empty()) return Bad(key, "Patient without an id");
    Record out;
    out.kind = Record::Kind::kPatient;
    out.key = key;
    out.ref = id;
    store::PatientRecord& p = out.patient;
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
      if (f.is_discarded() || !f.is_object()) return Bad(key, "its lenacare facts are not a JSON object");
      auto valid = ParsePatientJson(k_, PatientObjectJson(f.dump(), p.sex, p.birth_date), today_);
      if (!valid.ok()) return Bad(key, valid.error().Describe());
      p.facts = f.dump();
    }
    return out;
  }

  // A course-file event for the patient, validated with the course-file reader.
  Record Event(const std::string& ref, const std::string& body, const std::string& source) {
    if (ref.empty()) return Bad(source, "no subject: a reference to a Patient is required");
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

  static Record Corrected(bool correction, Record rec) {
    rec.correction = correction;
    return rec;
  }

  Record Observation(const element& r, const std::string& key) {
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
      return Skip(key, "Observation with status '" + std::string(status) + "' (only final results are used)");
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
    if (code == nullptr) {
      return Skip(key, first_code.empty() ? "Observation without a LOINC code"
                                          : "Observation LOINC " + std::string(first_code) + " (not used)");
    }
    if (key == "Observation/") return Bad(key, "Observation without an id (cannot be imported twice safely)");
    const std::string_view date = DateOf(r, {"effectiveDateTime", "effectivePeriod", "issued"});
    if (date.empty()) return Bad(key, "no effectiveDateTime");
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

  bool Lenalidomide(const element& r) const {
    array codings;
    if (r["medicationCodeableConcept"]["coding"].get_array().get(codings) != simdjson::SUCCESS) return false;
    for (element c : codings) {
      if (Str(c, "system") == kRxNorm && k_.codes.IsLenalidomide(Str(c, "code"))) return true;
    }
    return false;
  }

  Record Medication(const element& r, std::string_view type, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    const std::string_view exported = Extension(r, kEventExtension);
    if (!exported.empty()) return Event(ref, std::string(exported), key);
    if (!Lenalidomide(r)) return Skip(key, std::string(type) + " of another drug (not used)");
    const std::string_view status = Str(r, "status");
    if (type == "MedicationRequest") {
      if (!Contains({"active", "completed"}, status)) {
        return Skip(key, "lenalidomide MedicationRequest with status '" + std::string(status) + "'");
      }
      const std::string_view date = DateOf(r, {"authoredOn"});
      if (date.empty()) return Bad(key, "no authoredOn");
      element supply;
      double days = 0;
      if (r["dispenseRequest"]["expectedSupplyDuration"].get(supply) != simdjson::SUCCESS ||
          supply["value"].get_double().get(days) != simdjson::SUCCESS) {
        return Bad(key, "dispenseRequest.expectedSupplyDuration missing: the days supplied are needed");
      }
      int64_t refills = 0;
      if (r["dispenseRequest"]["numberOfRepeatsAllowed"].get_int64().get(refills) != simdjson::SUCCESS) {
        return Bad(key, "dispenseRequest.numberOfRepeatsAllowed missing: the number of refills is needed");
      }
      const std::string body = "{\"date\":" + JsonText(date) +
                               ",\"type\":\"prescription\",\"days_supply\":" + Number(days) +
                               ",\"refills\":" + std::to_string(refills) + "}";
      return Event(ref, body, key);
    }
    if (status != "completed") {
      return Skip(key, "lenalidomide MedicationDispense with status '" + std::string(status) + "'");
    }
    const std::string_view date = DateOf(r, {"whenHandedOver"});
    if (date.empty()) return Bad(key, "no whenHandedOver");
    double days = 0;
    if (r["daysSupply"]["value"].get_double().get(days) != simdjson::SUCCESS) {
      return Bad(key, "daysSupply missing");
    }
    return Event(ref, "{\"date\":" + JsonText(date) + ",\"type\":\"dispense\",\"days_supply\":" + Number(days) + "}",
                 key);
  }

  Record Condition(const element& r, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    array codings;
    const CodeMap::Condition* mapped = nullptr;
    if (r["code"]["coding"].get_array().get(codings) == simdjson::SUCCESS) {
      for (element c : codings) {
        mapped = k_.codes.FindCondition(Str(c, "system"), Str(c, "code"));
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

  // lenacare's own exported records: the course (its course-file header) and events without a
  // standard resource of their own (holds, doses taken, toxicities ...).
  Record Basic(const element& r, const std::string& key) {
    const std::string ref(PatientRef(r, "subject"));
    const std::string_view event = Extension(r, kEventExtension);
    if (!event.empty()) return Event(ref, std::string(event), key);
    const std::string_view header = Extension(r, kCourseExtension);
    if (header.empty()) return Skip(key, "Basic (not used)");
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
