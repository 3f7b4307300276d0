#include "fhir/fhir_export.h"

#include "course/json_input.h"
#include "fhir/fhir_names.h"

namespace lenacare::fhir {
namespace {

using json_input::StringOr;

using nlohmann::json;

json Extension(std::string_view url, const std::string& value) {
  return json::array({{{"url", url}, {"valueString", value}}});
}

// Where the record is stored: its source key, or its row ("lenacare:row/events/12") when it was
// entered by hand; imported back, it finds the very row.
json StoredAs(const std::string& source, std::string_view table, int64_t id) {
  return {{"url", kStoredAsExtension},
          {"valueString", !source.empty() ? source : "lenacare:row/" + std::string(table) + "/" + std::to_string(id)}};
}

// The resource id: the id it was imported under when it came as this resource type, else the
// row's own ("e12"), so that an export of a re-imported Bundle keeps the ids.
// A later version of an imported resource ("Observation/7@2") keeps the resource's id.
// An imported resource's key names its source and patient first ("labs.ndjson|Patient/p1|
// Observation/7"): the id is in its last part.
std::string ResourceId(std::string source, std::string_view type, const std::string& fallback) {
  if (const size_t bar = source.rfind('|'); bar != std::string::npos) source.erase(0, bar + 1);
  if (source.rfind("lenacare:row/", 0) == 0) {  // a row entered by hand elsewhere: that row's id
    return fallback.substr(0, fallback.find_first_of("0123456789")) + source.substr(source.rfind('/') + 1);
  }
  const std::string prefix = std::string(type) + "/";
  if (source.rfind(prefix, 0) == 0 && source.size() > prefix.size()) {
    return source.substr(prefix.size(),
                         source.find('@') == std::string::npos ? std::string::npos : source.find('@') - prefix.size());
  }
  return fallback;
}

json RecordCode(std::string_view code) {
  return {{"coding", json::array({{{"system", kRecordCodeSystem}, {"code", code}}})}};
}

json Lenalidomide(const Knowledge& k) {
  return {{"coding",
           json::array(
               {{{"system", kRxNorm}, {"code", k.codes.lenalidomide_rxnorm.front()}, {"display", "lenalidomide"}}})}};
}

json Days(double days) { return {{"value", days}, {"unit", "days"}, {"system", kUcum}, {"code", "d"}}; }

// A text-only CodeableConcept in lenacare's record code system (no standard code is in the
// reviewed facts for these records).
json RecordConcept(std::string_view code, const std::string& text) {
  json c = RecordCode(code);
  c["text"] = text;
  return c;
}

// The events without a lab value, prescription or dispense, as standard R4 resources (the README's
// "FHIR export" table): doses taken or missed as MedicationStatement; the prescriber's holds,
// resumptions, dose changes and stops as MedicationRequest with its status and statusReason;
// toxicity grades, temperatures, pregnancy tests, markers and the patient's reports as
// Observation; REMS counselling, transfusions and new cycles as Procedure; REMS authorization and
// confirmation numbers as Task. The event extension keeps the exact lenacare event.
json TherapyResource(const Knowledge& k, const store::EventRecord& e, const json& body, const json& subject,
                     const std::string& fallback) {
  const std::string& type = e.type;
  const std::string note = StringOr(body, "note");
  json r;
  if (type == "dose-taken" || type == "dose-missed") {
    r = {{"resourceType", "MedicationStatement"},
         {"id", ResourceId(e.source, "MedicationStatement", fallback)},
         {"status", type == "dose-taken" ? "completed" : "not-taken"},
         {"medicationCodeableConcept", Lenalidomide(k)},
         {"subject", subject},
         {"effectiveDateTime", e.date}};
    if (!StringOr(body, "reason").empty()) r["statusReason"] = json::array({{{"text", StringOr(body, "reason")}}});
  } else if (type == "hold" || type == "resume" || type == "dose-change" || type == "stop") {
    const char* status = type == "hold" ? "on-hold" : type == "stop" ? "stopped" : "active";
    std::string why = StringOr(body, "reason");
    if (why.empty())
      why = type == "hold"     ? "therapy interrupted"
            : type == "stop"   ? "therapy stopped"
            : type == "resume" ? "therapy resumed"
                               : "dose changed";
    r = {{"resourceType", "MedicationRequest"},
         {"id", ResourceId(e.source, "MedicationRequest", fallback)},
         {"status", status},
         {"statusReason", RecordConcept(type, why)},
         {"intent", "order"},
         {"medicationCodeableConcept", Lenalidomide(k)},
         {"subject", subject},
         {"authoredOn", e.date}};
    if (body.contains("dose_mg") && body["dose_mg"].is_number()) {
      r["dosageInstruction"] = json::array(
          {{{"doseAndRate",
             json::array({{{"doseQuantity",
                            {{"value", body["dose_mg"]}, {"unit", "mg"}, {"system", kUcum}, {"code", "mg"}}}}})}}});
    }
  } else if (type == "counseling" || type == "transfusion" || type == "cycle-start") {
    r = {{"resourceType", "Procedure"},
         {"id", ResourceId(e.source, "Procedure", fallback)},
         {"status", "completed"},
         {"code", RecordConcept(type, type == "counseling"    ? "REMS counselling"
                                      : type == "transfusion" ? "platelet transfusion"
                                                              : "day 1 of a new cycle")},
         {"subject", subject},
         {"performedDateTime", e.date}};
  } else if (type == "authorization" || type == "confirmation") {
    r = {{"resourceType", "Task"},
         {"id", ResourceId(e.source, "Task", fallback)},
         {"status", "completed"},
         {"intent", "order"},
         {"code", RecordConcept(type, type == "authorization" ? "REMS prescription authorization obtained"
                                                              : "REMS pharmacy confirmation obtained")},
         {"for", subject},
         {"authoredOn", e.date}};
  } else {
    // toxicity, temperature, pregnancy-test, marker, missed-period, contraception, and anything
    // else: an Observation of the patient on the date.
    r = {{"resourceType", "Observation"},
         {"id", ResourceId(e.source, "Observation", fallback)},
         {"status", "final"},
         {"code", RecordConcept(type, type)},
         {"subject", subject},
         {"effectiveDateTime", e.date}};
    if (type == "toxicity" && body.contains("grade") && body["grade"].is_number_integer()) {
      r["code"]["text"] = "CTCAE grade of " + StringOr(body, "term");
      r["valueInteger"] = body["grade"];
    } else if (type == "pregnancy-test" && !StringOr(body, "result").empty()) {
      r["valueCodeableConcept"] = {{"text", StringOr(body, "result")}};
    } else if (!StringOr(body, "value").empty()) {
      r["valueString"] = StringOr(body, "value");
    }
  }
  if (!note.empty()) r["note"] = json::array({{{"text", note}}});
  return r;
}

json EventResource(const Knowledge& k, const store::EventRecord& e, const json& subject) {
  const json body = json::parse(e.body);
  const std::string fallback = "e" + std::to_string(e.id);
  json r;
  if (e.type == "lab" && e.value) {
    LabTest test;
    const CodeMap::Loinc* code = nullptr;
    for (const CodeMap::Loinc& l : k.codes.loinc) {
      if (l.test == e.test) {
        code = &l;
        break;
      }
    }
    if (code != nullptr && ParseLabTest(e.test, test)) {
      const std::string unit = k.units.Find(LabTestKind(test))->canonical;
      auto quantity = [&](double v) { return json{{"value", v}, {"unit", unit}, {"system", kUcum}, {"code", unit}}; };
      r = {{"resourceType", "Observation"},
           {"id", ResourceId(e.source, "Observation", fallback)},
           {"status", e.source.find('@') == std::string::npos ? "final" : "corrected"},
           {"category", json::array({{{"coding", json::array({{{"system",
                                                                "http://terminology.hl7.org/CodeSystem/"
                                                                "observation-category"},
                                                               {"code", "laboratory"}}})}}})},
           {"code", {{"coding", json::array({{{"system", kLoinc}, {"code", code->code}}})}}},
           {"subject", subject},
           {"effectiveDateTime", e.date},
           {"valueQuantity", quantity(*e.value)}};
      if (e.lln || e.uln) {
        json range = json::object();
        if (e.lln) range["low"] = quantity(*e.lln);
        if (e.uln) range["high"] = quantity(*e.uln);
        r["referenceRange"] = json::array({range});
      }
    }
  } else if (e.type == "prescription") {
    r = {{"resourceType", "MedicationRequest"},
         {"id", ResourceId(e.source, "MedicationRequest", fallback)},
         {"status", "active"},
         {"intent", "order"},
         {"medicationCodeableConcept", Lenalidomide(k)},
         {"subject", subject},
         {"authoredOn", e.date},
         {"dispenseRequest",
          {{"expectedSupplyDuration", Days(body.value("days_supply", 0))},
           {"numberOfRepeatsAllowed", body.value("refills", 0)}}}};
  } else if (e.type == "dispense") {
    r = {{"resourceType", "MedicationDispense"},
         {"id", ResourceId(e.source, "MedicationDispense", fallback)},
         {"status", "completed"},
         {"medicationCodeableConcept", Lenalidomide(k)},
         {"subject", subject},
         {"whenHandedOver", e.date},
         {"daysSupply", Days(body.value("days_supply", 0))}};
  }
  if (r.is_null()) r = TherapyResource(k, e, body, subject, fallback);
  r["extension"] = Extension(kEventExtension, e.body);
  r["extension"].push_back(StoredAs(e.source, "events", e.id));
  return r;
}

}  // namespace

Result<json> ExportPatient(store::Store& store, const Knowledge& k, const std::string& ref, const std::string& actor) {
  auto p = store.FindPatient(ref);
  if (!p.ok()) return p.error();
  store::Connection& db = store.db();
  const json subject = {{"reference", "Patient/" + p->ref}};
  json entries = json::array();
  json patient = {{"resourceType", "Patient"},
                  {"id", p->ref},
                  {"identifier", json::array({{{"system", kPatientRefSystem}, {"value", p->ref}}})}};
  if (!p->name.empty()) patient["name"] = json::array({{{"text", p->name}}});
  if (!p->sex.empty()) patient["gender"] = p->sex;
  if (!p->birth_date.empty()) patient["birthDate"] = p->birth_date;
  if (p->facts != "{}") patient["extension"] = Extension(kFactsExtension, p->facts);
  entries.push_back({{"resource", patient}});

  Status s =
      db.Query("SELECT id, indication, onset, source FROM conditions WHERE patient_id = ? ORDER BY id", {p->id},
               [&](const store::Row& r) {
                 const std::string indication(r.Text(1));
                 for (const CodeMap::Condition& c : k.codes.conditions) {
                   if (c.indication != indication) continue;
                   json cond = {{"resourceType", "Condition"},
                                {"id", ResourceId(std::string(r.Text(3)), "Condition", "c" + std::to_string(r.Int(0)))},
                                {"code", {{"coding", json::array({{{"system", c.system}, {"code", c.code}}})}}},
                                {"subject", subject}};
                   if (!r.Text(2).empty()) cond["onsetDateTime"] = std::string(r.Text(2));
                   cond["extension"] = json::array({StoredAs(std::string(r.Text(3)), "conditions", r.Int(0))});
                   entries.push_back({{"resource", cond}});
                   break;
                 }
               });
  if (!s.ok()) return s.error();
  s = db.Query(
      "SELECT id, header, start_date, source FROM courses WHERE patient_id = ? ORDER BY id", {p->id},
      [&](const store::Row& r) {
        const std::string source = r.IsNull(3) ? "" : std::string(r.Text(3));
        // The course: a CarePlan of lenalidomide therapy from its start date.
        entries.push_back(
            {{"resource",
              {{"resourceType", "CarePlan"},
               {"id", ResourceId(source, "CarePlan", "course" + std::to_string(r.Int(0)))},
               {"status", "active"},
               {"intent", "plan"},
               {"category", json::array({RecordConcept("course", "lenalidomide therapy")})},
               {"subject", subject},
               {"period", {{"start", std::string(r.Text(2))}}},
               {"extension",
                {Extension(kCourseExtension, std::string(r.Text(1)))[0], StoredAs(source, "courses", r.Int(0))}}}}});
      });
  if (!s.ok()) return s.error();
  auto events = store.EventsOf(p->id);
  if (!events.ok()) return events.error();
  // The record as it stands: entries in force (not retracted or replaced), without the rows that
  // only correct or resolve (the audit log keeps that history).
  for (const store::EventRecord& e : *events) {
    if (e.replaced_by != 0 || e.type == store::kEnteredInError || e.type == store::kFindingResolved) continue;
    entries.push_back({{"resource", EventResource(k, e, subject)}});
  }
  s = store.Audit(actor, "export", ref, std::to_string(entries.size()) + " resources");
  if (!s.ok()) return s.error();
  return json{{"resourceType", "Bundle"}, {"type", "collection"}, {"entry", entries}};
}

}  // namespace lenacare::fhir
