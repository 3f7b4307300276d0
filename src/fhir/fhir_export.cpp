#include "fhir/fhir_export.h"

#include "fhir/fhir_names.h"

namespace lenacare::fhir {
namespace {

using nlohmann::json;

json Extension(std::string_view url, const std::string& value) {
  return json::array({{{"url", url}, {"valueString", value}}});
}

// The resource id: the id it was imported under when it came as this resource type, else the
// row's own ("e12"), so that an export of a re-imported Bundle keeps the ids.
// A later version of an imported resource ("Observation/7@2") keeps the resource's id.
std::string ResourceId(const std::string& source, std::string_view type, const std::string& fallback) {
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
  if (r.is_null()) {
    r = {{"resourceType", "Basic"},
         {"id", ResourceId(e.source, "Basic", fallback)},
         {"code", RecordCode("event")},
         {"subject", subject},
         {"created", e.date}};
  }
  r["extension"] = Extension(kEventExtension, e.body);
  return r;
}

}  // namespace

Result<json> ExportPatient(store::Store& store, const Knowledge& k, const std::string& ref, const std::string& actor) {
  auto p = store.FindPatient(ref);
  if (!p.ok()) return p.error();
  store::Connection& db = store.db();
  const json subject = {{"reference", "Patient/" + p->ref}};
  json entries = json::array();
  json patient = {{"resourceType", "Patient"}, {"id", p->ref}};
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
                   entries.push_back({{"resource", cond}});
                   break;
                 }
               });
  if (!s.ok()) return s.error();
  s = db.Query("SELECT id, header, source FROM courses WHERE patient_id = ? ORDER BY id", {p->id},
               [&](const store::Row& r) {
                 const std::string source = r.IsNull(2) ? "" : std::string(r.Text(2));
                 entries.push_back({{"resource",
                                     {{"resourceType", "Basic"},
                                      {"id", ResourceId(source, "Basic", "course" + std::to_string(r.Int(0)))},
                                      {"code", RecordCode("course")},
                                      {"subject", subject},
                                      {"extension", Extension(kCourseExtension, std::string(r.Text(1)))}}}});
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
