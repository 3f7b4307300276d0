// The FHIR R4 read API under /fhir: the CapabilityStatement, a Patient by id, and searches of
// Observation, MedicationRequest, MedicationDispense and Condition by patient (with code, date,
// status, _sort and _count where they matter), answered from the patient's export
// (fhir/fhir_export.h) with the same role rules as the rest of the site: a clinician or an
// administrator reads every patient, a patient only their own record. Every read is audited by the
// export. Errors are OperationOutcomes.
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "app/records.h"
#include "core/text.h"
#include "course/json_input.h"
#include "fhir/fhir_names.h"
#include "webapp/app.h"

namespace lenacare::webapp {
namespace {

using json_input::StringOr;

using nlohmann::json;

constexpr const char* kFhirJson = "application/fhir+json; charset=utf-8";

http::Response Fhir(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.content_type = kFhirJson;
  r.body = body.dump();
  return r;
}

http::Response Outcome(int status, const std::string& code, const std::string& text) {
  return Fhir(status, {{"resourceType", "OperationOutcome"},
                       {"issue", json::array({{{"severity", "error"}, {"code", code}, {"diagnostics", text}}})}});
}

// The date a resource is about, for date searches and sorting.
std::string DateOf(const json& r) {
  for (const char* key : {"effectiveDateTime", "authoredOn", "whenHandedOver", "onsetDateTime", "performedDateTime"}) {
    if (!StringOr(r, key).empty()) return StringOr(r, key);
  }
  return {};
}

// `code` search: "system|code" or "code", any of a comma-separated list.
bool CodeMatches(const json& r, const std::string& wanted) {
  std::vector<const json*> concepts;
  for (const char* key : {"code", "medicationCodeableConcept"}) {
    if (r.contains(key) && r[key].is_object()) concepts.push_back(&r[key]);
  }
  size_t from = 0;
  while (from <= wanted.size()) {
    const size_t comma = std::min(wanted.find(',', from), wanted.size());
    const std::string one = wanted.substr(from, comma - from);
    const size_t bar = one.find('|');
    const std::string system = bar == std::string::npos ? "" : one.substr(0, bar);
    const std::string code = bar == std::string::npos ? one : one.substr(bar + 1);
    for (const json* c : concepts) {
      if (!c->contains("coding") || !(*c)["coding"].is_array()) continue;
      for (const json& coding : (*c)["coding"]) {
        if (StringOr(coding, "code") == code && (bar == std::string::npos || StringOr(coding, "system") == system))
          return true;
      }
    }
    from = comma + 1;
  }
  return false;
}

// `date` search with a prefix (eq, lt, gt, ge, le; none is eq) on the date part.
bool DateMatches(const std::string& date, const std::string& param) {
  std::string prefix = "eq", value = param;
  if (param.size() > 2 && std::isalpha(static_cast<unsigned char>(param[0]))) {
    prefix = param.substr(0, 2);
    value = param.substr(2);
  }
  const std::string d = date.substr(0, value.size());
  if (d.empty()) return false;
  if (prefix == "eq") return d == value;
  if (prefix == "lt") return d < value;
  if (prefix == "gt") return d > value;
  if (prefix == "ge") return d >= value;
  if (prefix == "le") return d <= value;
  return false;
}

json Searchset(const std::string& base, std::vector<json> resources) {
  json b = {{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", resources.size()}, {"entry", json::array()}};
  for (json& r : resources) {
    const std::string url = base + "/" + StringOr(r, "resourceType") + "/" + StringOr(r, "id");
    b["entry"].push_back({{"fullUrl", url}, {"resource", std::move(r)}, {"search", {{"mode", "match"}}}});
  }
  return b;
}

std::string Base(const http::Request& req) {
  std::string host = req.Header("host");
  return (host.empty() ? std::string() : "http://" + host) + "/fhir";
}

// The patient's export, or the refusal.
Result<json> Export(Site& site, const Caller& caller, const std::string& ref, http::Response& refused) {
  if (!caller.signed_in()) {
    refused = Outcome(401, "login", "sign in or send an API token (Authorization: Bearer)");
    return Error::Forbidden("authorization", "");
  }
  if (!caller.MaySeePatient(ref)) {
    refused = Outcome(403, "forbidden", "you may not read this patient's records");
    return Error::Forbidden("patient", "");
  }
  Site::Db db = site.Connect(caller);
  auto bundle = app::Export(db.ctx, ref);
  if (!bundle.ok()) {
    refused = bundle.error().kind == ErrorKind::kBadInput ? Outcome(404, "not-found", "no patient " + Quoted(ref, 64))
                                                          : Outcome(500, "exception", "the records could not be read");
  }
  return bundle;
}

// A Condition for the indication of each course (the export's CarePlans) that no Condition of the
// export codes already: what the patient is treated with lenalidomide for, coded as
// common/codes.toml codes it.
void AddCourseConditions(const Knowledge& k, json& bundle) {
  std::vector<std::string> coded;
  std::vector<json> plans;
  for (const json& e : bundle["entry"]) {
    const json& r = e["resource"];
    if (StringOr(r, "resourceType") == "CarePlan") plans.push_back(r);
    if (StringOr(r, "resourceType") != "Condition" || !r.contains("code")) continue;
    for (const json& c : r["code"].value("coding", json::array())) {
      if (const CodeMap::Condition* m = k.codes.FindCondition(StringOr(c, "system"), StringOr(c, "code")))
        coded.push_back(m->indication);
    }
  }
  for (const json& plan : plans) {
    std::string header;
    for (const json& x : plan.value("extension", json::array())) {
      if (StringOr(x, "url") == fhir::kCourseExtension) header = StringOr(x, "valueString");
    }
    const json h = json::parse(header, nullptr, false);
    const std::string indication = h.is_object() ? StringOr(h, "indication") : "";
    if (indication.empty() || std::find(coded.begin(), coded.end(), indication) != coded.end()) continue;
    const Indication* ind = k.FindIndication(indication);
    for (const CodeMap::Condition& c : k.codes.conditions) {
      if (c.indication != indication) continue;
      json coding = {{"system", c.system}, {"code", c.code}};
      if (ind != nullptr) coding["display"] = ind->name;
      bundle["entry"].push_back(
          {{"resource",
            {{"resourceType", "Condition"},
             {"id", StringOr(plan, "id") + "-indication"},
             {"clinicalStatus",
              {{"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/condition-clinical"},
                                        {"code", "active"}}})}}},
             {"code", {{"coding", json::array({coding})}}},
             {"subject", plan["subject"]}}}});
      coded.push_back(indication);
      break;
    }
  }
}

}  // namespace

void AddFhirApi(Site& site, Router& router) {
  router.Add("GET", "/fhir/metadata", [&site](const http::Request&, const RouteParams&, const Caller&) {
    json search = json::array();
    json resources = json::array({{{"type", "Patient"}, {"interaction", json::array({{{"code", "read"}}})}}});
    for (const char* type : {"Observation", "MedicationRequest", "MedicationDispense", "Condition"}) {
      json params = json::array({{{"name", "patient"}, {"type", "reference"}},
                                 {{"name", "code"}, {"type", "token"}},
                                 {{"name", "date"}, {"type", "date"}},
                                 {{"name", "_count"}, {"type", "number"}}});
      if (std::string(type) == "MedicationRequest") params.push_back({{"name", "status"}, {"type", "token"}});
      resources.push_back(
          {{"type", type}, {"interaction", json::array({{{"code", "search-type"}}})}, {"searchParam", params}});
    }
    return Fhir(200, {{"resourceType", "CapabilityStatement"},
                      {"status", "active"},
                      {"date", site.clock.Today().ToString()},
                      {"kind", "instance"},
                      {"software", {{"name", "lenacare"}}},
                      {"fhirVersion", "4.0.1"},
                      {"format", json::array({"application/fhir+json"})},
                      {"rest", json::array({{{"mode", "server"}, {"resource", resources}}})}});
  });
  router.Add("GET", "/fhir/Patient/{id}",
             [&site](const http::Request&, const RouteParams& params, const Caller& caller) {
               http::Response refused;
               auto bundle = Export(site, caller, params.at("id"), refused);
               if (!bundle.ok()) return refused;
               for (const json& e : (*bundle)["entry"]) {
                 if (StringOr(e["resource"], "resourceType") == "Patient") return Fhir(200, e["resource"]);
               }
               return Outcome(404, "not-found", "no patient");
             });
  for (const std::string type : {"Observation", "MedicationRequest", "MedicationDispense", "Condition"}) {
    router.Add("GET", "/fhir/" + type,
               [&site, type](const http::Request& req, const RouteParams&, const Caller& caller) {
                 std::string patient, code, date, status, sort;
                 int count = 0;
                 for (const auto& [name, value] : req.query) {
                   if (name == "patient" || name == "subject") {
                     patient = value.rfind("Patient/", 0) == 0 ? value.substr(8) : value;
                   } else if (name == "code") {
                     code = value;
                   } else if (name == "date") {
                     date = value;
                   } else if (name == "status" && type == "MedicationRequest") {
                     status = value;
                   } else if (name == "_sort") {
                     if (value != "date" && value != "-date")
                       return Outcome(400, "not-supported", "_sort: date or -date");
                     sort = value;
                   } else if (name == "_count") {
                     auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
                     if (ec != std::errc() || end != value.data() + value.size() || count < 1 || count > 1000) {
                       return Outcome(400, "invalid", "_count: a number from 1 to 1000");
                     }
                   } else {
                     return Outcome(400, "not-supported", "unknown search parameter " + Quoted(name, 40));
                   }
                 }
                 if (patient.empty()) return Outcome(400, "required", "search by patient (patient=<id>)");
                 http::Response refused;
                 auto exported = Export(site, caller, patient, refused);
                 if (!exported.ok()) return refused;
                 json bundle = std::move(exported).value();
                 if (type == "Condition") AddCourseConditions(site.k(), bundle);
                 std::vector<json> found;
                 for (const json& e : bundle["entry"]) {
                   const json& r = e["resource"];
                   if (StringOr(r, "resourceType") != type) continue;
                   if (!code.empty() && !CodeMatches(r, code)) continue;
                   if (!date.empty() && !DateMatches(DateOf(r), date)) continue;
                   if (!status.empty() && StringOr(r, "status") != status) continue;
                   found.push_back(r);
                 }
                 if (!sort.empty()) {
                   std::stable_sort(found.begin(), found.end(), [&](const json& a, const json& b) {
                     return sort == "date" ? DateOf(a) < DateOf(b) : DateOf(a) > DateOf(b);
                   });
                 }
                 if (count > 0 && found.size() > static_cast<size_t>(count)) found.resize(static_cast<size_t>(count));
                 return Fhir(200, Searchset(Base(req), std::move(found)));
               });
  }
}

}  // namespace lenacare::webapp
