#include "webapp/cds_hooks.h"

#include <simdjson.h>
#include <sodium.h>
#include <toml++/toml.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "app/cds.h"
#include "core/quantity.h"
#include "core/text.h"
#include "course/json_input.h"
#include "fhir/chart.h"
#include "fhir/fhir_names.h"
#include "webapp/cds_jwt.h"
#include "webapp/http_client.h"

namespace lenacare::webapp {
namespace {

using json_input::StringOr;

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";
constexpr std::string_view kOverrideSystem = "https://lenacare.org/fhir/CodeSystem/cds-override-reason";
constexpr size_t kUsedShown = 12;  // data items listed on a card

struct Service {
  std::string id, hook, title, description;
};

const std::vector<Service>& Services() {
  static const std::vector<Service> services = {
      {"lenacare-patient-view", "patient-view", "lenacare: lenalidomide therapy",
       "Where a patient on lenalidomide stands today and what needs attention: the cycle and day and today's dose or "
       "hold, a hold waiting for a recovery count, blood and pregnancy tests due or overdue, REMS steps due, a "
       "myeloma response awaiting confirmation."},
      {"lenacare-order-select", "order-select", "lenacare: lenalidomide order check (early)",
       "Early checks of a lenalidomide order being written: the dose for the indication and the kidney function, the "
       "latest blood counts against the hold rules, the supply and refills the REMS allows, interactions."},
      {"lenacare-order-sign", "order-sign", "lenacare: lenalidomide order check",
       "Checks of a lenalidomide order before it is signed, against the label and the patient: the dose for the "
       "indication and the creatinine clearance, the schedule, supply at most 28 days and no refills, the latest "
       "counts against the hold rules, the REMS prerequisites and interactions with the other active medications."},
  };
  return services;
}

const Service* FindService(const std::string& id) {
  for (const Service& s : Services()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

// The prefetch templates: the Patient, the latest results of each test by its LOINC codes
// (common/codes.toml), the Conditions and the active MedicationRequests.
// Prefetch templates by key, in the order the chart reads them (the Patient first).
using Templates = std::vector<std::pair<std::string, std::string>>;

Templates Prefetch(const Knowledge& k) {
  Templates out = {{"patient", "Patient/{{context.patientId}}"}};
  const std::vector<std::pair<std::string, int>> tests = {{"anc", 5},           {"platelets", 5},  {"hemoglobin", 3},
                                                          {"wbc", 3},           {"creatinine", 3}, {"body-weight", 1},
                                                          {"pregnancy-test", 3}};
  for (const auto& [test, count] : tests) {
    std::string codes;
    for (const CodeMap::Loinc& l : k.codes.loinc) {
      if (l.test == test) codes += (codes.empty() ? "" : ",") + std::string(fhir::kLoinc) + "|" + l.code;
    }
    if (codes.empty()) continue;
    std::string key = test == "body-weight" ? "weight" : test == "pregnancy-test" ? "pregnancyTests" : test;
    out.push_back({key, "Observation?patient={{context.patientId}}&code=" + codes +
                            "&_sort=-date&_count=" + std::to_string(count)});
  }
  out.push_back({"conditions", "Condition?patient={{context.patientId}}"});
  out.push_back({"medications", "MedicationRequest?patient={{context.patientId}}&status=active"});
  return out;
}

// A JSON value of simdjson's tree as nlohmann's, refusing a key given twice in one object (which
// value would count?).
bool Convert(simdjson::dom::element e, json& out, std::string& duplicate) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::ARRAY: {
      out = json::array();
      simdjson::dom::array items;
      if (e.get_array().get(items) != simdjson::SUCCESS) return false;
      for (simdjson::dom::element x : items) {
        json v;
        if (!Convert(x, v, duplicate)) return false;
        out.push_back(std::move(v));
      }
      return true;
    }
    case element_type::OBJECT: {
      out = json::object();
      std::unordered_set<std::string_view> seen;
      simdjson::dom::object members;
      if (e.get_object().get(members) != simdjson::SUCCESS) return false;
      for (simdjson::dom::key_value_pair kv : members) {
        if (!seen.insert(kv.key).second) {
          duplicate = std::string(kv.key);
          return false;
        }
        if (!Convert(kv.value, out[std::string(kv.key)], duplicate)) return false;
      }
      return true;
    }
    case element_type::INT64:
      out = e.get_int64().value_unsafe();
      return true;
    case element_type::UINT64:
      out = e.get_uint64().value_unsafe();
      return true;
    case element_type::DOUBLE:
      out = e.get_double().value_unsafe();
      return true;
    case element_type::STRING:
      out = std::string(e.get_string().value_unsafe());
      return true;
    case element_type::BOOL:
      out = e.get_bool().value_unsafe();
      return true;
    case element_type::NULL_VALUE:
      out = nullptr;
      return true;
    default:
      return false;
  }
}

// A hook request or a FHIR server's answer: a JSON object, strictly read (valid UTF-8, numbers
// within a double, nesting at most json_input::kMaxDepth, no key twice in an object), but with
// FHIR's long texts (a narrative's div) allowed, unlike a course file's 4 KB (the body limit
// bounds them). simdjson reads it (fast: a prefetch is tens of KB).
Result<json> ReadJsonObject(std::string_view text, const std::string& what) {
  thread_local simdjson::dom::parser parser;
  thread_local bool ready = parser.allocate(64 * 1024, json_input::kMaxDepth) == simdjson::SUCCESS;
  if (!ready) return Error::Failed(what, "the JSON reader could not start");
  simdjson::dom::element root;
  const simdjson::error_code ec = parser.parse(text.data(), text.size(), true).get(root);
  if (ec == simdjson::DEPTH_ERROR) {
    return Error::BadInput(what, "nested deeper than " + std::to_string(json_input::kMaxDepth) + " levels");
  }
  if (ec != simdjson::SUCCESS)
    return Error::BadInput(what, std::string("malformed JSON (") + simdjson::error_message(ec) + ")");
  if (root.type() != simdjson::dom::element_type::OBJECT) return Error::BadInput(what, "must be a JSON object");
  json out;
  std::string duplicate;
  if (!Convert(root, out, duplicate)) {
    return Error::BadInput(what, "the key " + Quoted(duplicate, 64) + " is given twice in one object");
  }
  return out;
}

http::Response CdsError(int status, const std::string& message) {
  http::Response r = Json(status, json{{"error", message}});
  if (status == 401) r.headers.push_back({"WWW-Authenticate", "Bearer"});
  return r;
}

// 401 for a token refused, 503 when it could not be checked.
int ErrorStatusOf(const Error& e) { return e.kind == ErrorKind::kFailed ? 503 : 401; }

// A random UUID (version 4), for cards and suggestions.
std::string Uuid() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 15];
  }
  return out;
}

std::string Substitute(std::string t, const json& context) {
  for (const char* field : {"patientId", "userId", "encounterId"}) {
    const std::string token = std::string("{{context.") + field + "}}";
    for (size_t at = t.find(token); at != std::string::npos; at = t.find(token)) {
      t.replace(at, token.size(), StringOr(context, field));
    }
  }
  return t;
}

// The draft order changed as `c` says.
json Changed(const Knowledge& k, const fhir::DraftOrder& o, const app::OrderChange& c) {
  json r = o.resource;
  if (c.regimen) {
    const bool every_other = c.regimen->frequency == Frequency::kEveryOtherDay;
    json& dosage = r["dosageInstruction"];
    if (!dosage.is_array() || dosage.empty()) dosage = json::array({json::object()});
    json& first = dosage[0];
    first["text"] = c.regimen->Describe();
    first["doseAndRate"] = json::array(
        {{{"doseQuantity", {{"value", c.regimen->dose_mg}, {"unit", "mg"}, {"system", kUcumSystem}, {"code", "mg"}}}}});
    first["timing"]["repeat"] = {{"frequency", 1}, {"period", every_other ? 2 : 1}, {"periodUnit", "d"}};
    if (o.strength_mg && *o.strength_mg != c.regimen->dose_mg && !k.codes.lenalidomide_rxnorm.empty()) {
      // A capsule of another strength: the ingredient, and the pharmacy picks the capsules.
      r.erase("medicationReference");
      r["medicationCodeableConcept"] = {
          {"coding", json::array({{{"system", fhir::kRxNorm},
                                   {"code", k.codes.lenalidomide_rxnorm.front()},
                                   {"display", "lenalidomide"}}})},
          {"text", "lenalidomide " + FormatNumber(c.regimen->dose_mg) + " mg oral capsule"}};
    }
  }
  if (c.days_supply) {
    r["dispenseRequest"]["expectedSupplyDuration"] = {
        {"value", *c.days_supply}, {"unit", "days"}, {"system", kUcumSystem}, {"code", "d"}};
  }
  if (c.refills) r["dispenseRequest"]["numberOfRepeatsAllowed"] = *c.refills;
  return r;
}

json Card(const Site& site, const CdsConfig& config, const app::ChartAnswer& a, const app::Finding& f,
          const fhir::DraftOrder* order) {
  json card = {{"uuid", Uuid()}, {"summary", f.summary}, {"indicator", app::ConcernId(f.concern)}};
  std::string detail = f.detail;
  if (!f.verified) detail += "\n\n*Unverified: confirm against the current label.*";
  if (!f.source.empty()) detail += "\n\nSource: " + f.source;
  std::string used;
  for (size_t i = 0; i < a.used.size() && i < kUsedShown; ++i) used += "\n- " + a.used[i];
  if (a.used.size() > kUsedShown) used += "\n- and " + std::to_string(a.used.size() - kUsedShown) + " more";
  if (!used.empty()) detail += "\n\n**Data used:**" + used;
  detail += "\n\n" + Disclaimer();
  card["detail"] = detail;
  // The card's source links to the first document cited; every cited public document is a link.
  std::string source_url = config.base_url + "/sources";
  json links = json::array();
  size_t from = 0;
  while (from < f.source.size()) {
    size_t semi = f.source.find("; ", from);
    if (semi == std::string::npos) semi = f.source.size();
    const std::string part = f.source.substr(from, semi - from);
    if (const SourceDoc* doc = site.k().sources.DocOfRendered(part); doc != nullptr && !doc->Url().empty()) {
      if (links.empty()) source_url = doc->Url();
      if (links.size() < 5)
        links.push_back({{"label", Shortened(part, 100)}, {"url", doc->Url()}, {"type", "absolute"}});
    }
    from = semi + 2;
  }
  card["source"] = {{"label", f.source.empty() ? "lenacare" : "lenacare: " + Shortened(f.source, 100)},
                    {"url", source_url}};
  if (!links.empty()) card["links"] = std::move(links);
  if (order && !f.changes.empty()) {
    json suggestions = json::array();
    for (const app::OrderChange& c : f.changes) {
      suggestions.push_back({{"label", c.label},
                             {"uuid", Uuid()},
                             {"isRecommended", true},
                             {"actions", json::array({{{"type", "update"},
                                                       {"description", c.label + " (" + order->key + ")"},
                                                       {"resource", Changed(site.k(), *order, c)}}})}});
    }
    card["suggestions"] = suggestions;
    card["selectionBehavior"] = "at-most-one";
  }
  if (f.concern != app::Concern::kInfo) {
    card["overrideReasons"] = json::array({
        {{"code", "patient-specific"},
         {"system", kOverrideSystem},
         {"display", "Clinically appropriate for this patient"}},
        {{"code", "data-out-of-date"}, {"system", kOverrideSystem}, {"display", "The data shown are out of date"}},
        {{"code", "will-address"}, {"system", kOverrideSystem}, {"display", "Will address it outside the EHR"}},
    });
  }
  if (!a.matched.empty()) {
    card["links"] = json::array({{{"label", "Open the course in lenacare"},
                                  {"url", config.base_url + "/patients/" + a.matched},
                                  {"type", "absolute"}}});
  }
  return card;
}

// The claims, or the 401 response.
Result<JwtClaims> Authenticate(JwtVerifier& verifier, const http::Request& req, const std::vector<std::string>& aud,
                               const Clock& clock) {
  const std::string auth = req.Header("authorization");
  if (auth.rfind("Bearer ", 0) != 0) {
    return Error::BadInput("authorization", "send the CDS client's JWT (Authorization: Bearer <JWT>)");
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  return verifier.Verify(std::string_view(auth).substr(7), aud, now);
}

// The EHR's data for the hook: each prefetch key present, the others (and those answered with an
// OperationOutcome) fetched from its FHIR server. The keys that cannot be had: `missing`.
std::vector<json> Gather(const json& body, const json& context, const Templates& templates, const CdsClient* client,
                         std::vector<std::string>& missing, std::vector<std::string>& fetch_problems) {
  std::vector<json> values;
  const json* prefetch = body.contains("prefetch") && body["prefetch"].is_object() ? &body["prefetch"] : nullptr;
  const std::string server = StringOr(body, "fhirServer");
  const json* authz = body.contains("fhirAuthorization") && body["fhirAuthorization"].is_object()
                          ? &body["fhirAuthorization"]
                          : nullptr;
  const std::string token = authz ? StringOr(*authz, "access_token") : std::string();
  for (const auto& [key, tmpl] : templates) {
    if (prefetch && prefetch->contains(key)) {
      const json& v = (*prefetch)[key];
      if (StringOr(v, "resourceType") != "OperationOutcome") {
        values.push_back(v);
        continue;
      }
    }
    if (server.empty() || (server.rfind("https://", 0) != 0 && server.rfind("http://", 0) != 0)) {
      missing.push_back(key);
      continue;
    }
    std::string base = server;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (client != nullptr && !client->fhir_servers.empty() &&
        std::find(client->fhir_servers.begin(), client->fhir_servers.end(), base) == client->fhir_servers.end()) {
      fetch_problems.push_back(key + ": fhirServer is not one this client's calls may name");
      missing.push_back(key);
      continue;
    }
    HttpGetOptions o;
    o.bearer = token;
    o.accept = "application/fhir+json";
    auto text = HttpGet(base + "/" + Substitute(tmpl, context), o);
    if (!text.ok()) {
      fetch_problems.push_back(key + ": " + text.error().message);
      missing.push_back(key);
      continue;
    }
    auto v = ReadJsonObject(*text, key);
    if (!v.ok()) {
      fetch_problems.push_back(key + ": the FHIR server's answer is not a JSON object");
      missing.push_back(key);
      continue;
    }
    values.push_back(std::move(v).value());
  }
  return values;
}

http::Response Call(Site& site, const CdsConfig& config, const Templates& templates, const Service& service,
                    const JwtClaims& claims, const http::Request& req) {
  if (req.Header("content-type").rfind("application/json", 0) != 0) {
    return CdsError(400, "send the hook request as application/json");
  }
  auto parsed = ReadJsonObject(req.body, "body");
  if (!parsed.ok()) return CdsError(400, parsed.error().Describe());
  const json& body = *parsed;
  if (StringOr(body, "hook") != service.hook) {
    return CdsError(400, "hook: this service answers " + service.hook + ", not " + Quoted(StringOr(body, "hook"), 40));
  }
  if (StringOr(body, "hookInstance").empty()) return CdsError(400, "hookInstance: required");
  if (!body.contains("context") || !body["context"].is_object()) return CdsError(400, "context: required (an object)");
  const json& context = body["context"];
  const std::string patient_id = StringOr(context, "patientId");
  if (patient_id.empty() || patient_id.size() > 64) return CdsError(400, "context.patientId: required (a FHIR id)");
  const std::string user = StringOr(context, "userId");
  if (user.empty()) return CdsError(400, "context.userId: required");
  const bool order_hook = service.hook != "patient-view";
  if (order_hook && (!context.contains("draftOrders") || !context["draftOrders"].is_object())) {
    return CdsError(400, "context.draftOrders: required (a Bundle)");
  }
  if (service.hook == "order-select" && (!context.contains("selections") || !context["selections"].is_array())) {
    return CdsError(400, "context.selections: required (an array)");
  }
  const CdsClient* client = nullptr;
  for (const CdsClient& c : config.clients) {
    if (c.iss == claims.iss) client = &c;
  }

  std::vector<std::string> missing, fetch_problems;
  std::vector<json> values = Gather(body, context, templates, client, missing, fetch_problems);
  if (!missing.empty()) {
    std::string keys;
    for (const std::string& m : missing) keys += (keys.empty() ? "" : ", ") + m;
    std::string why = "the data of prefetch " + keys + " were not sent";
    why += fetch_problems.empty()
               ? (StringOr(body, "fhirServer").empty() ? " and no fhirServer was given to fetch them from" : "")
               : " and could not be fetched (" + fetch_problems.front() + ")";
    return CdsError(412, why);
  }

  Caller nobody;
  Site::Db db = site.Connect(nobody);
  db.ctx.actor = "cds:" + claims.iss;
  fhir::ChartReader reader(site.k(), site.clock.Today());
  app::ChartRequest request;
  request.chart.patient_id = patient_id;
  for (const json& v : values) reader.Add(v, request.chart);
  if (client != nullptr) {
    request.match_systems = client->patient_identifier_systems;
    request.match_patient_id = client->patient_id_is_ref;
  }
  std::vector<fhir::DraftOrder> orders;
  if (order_hook) {
    orders = fhir::LenalidomideOrders(site.k(), context["draftOrders"]);
    if (service.hook == "order-select") {
      std::vector<fhir::DraftOrder> selected;
      for (fhir::DraftOrder& o : orders) {
        for (const json& s : context["selections"]) {
          if (s.is_string() && s.get<std::string>() == o.key) selected.push_back(o);
        }
      }
      orders = std::move(selected);
    }
  }
  json cards = json::array();
  std::string matched;
  size_t count = 0;
  auto assess = [&](const fhir::DraftOrder* order) -> std::optional<http::Response> {
    app::ChartRequest one = request;
    if (order) one.order = *order;
    one.order_complete = service.hook == "order-sign";
    auto answer = app::AssessChart(db.ctx, one);
    if (!answer.ok()) return CdsError(ErrorStatus(answer.error()), answer.error().Describe());
    matched = answer->matched;
    for (const app::Finding& f : answer->findings) {
      cards.push_back(Card(site, config, *answer, f, order));
      ++count;
    }
    return std::nullopt;
  };
  if (!order_hook) {
    if (auto refused = assess(nullptr)) return *refused;
  }
  for (const fhir::DraftOrder& o : orders) {
    if (auto refused = assess(&o)) return *refused;
  }
  const std::string subject = matched.empty() ? "ehr:" + patient_id : matched;
  Status audited = db.ctx.store->Audit(
      db.ctx.actor, "cds." + service.hook, subject,
      "client " + claims.iss + ", user " + Shortened(user, 80) + ", EHR patient " + patient_id + ", hookInstance " +
          Shortened(StringOr(body, "hookInstance"), 64) + ": " + std::to_string(count) + " cards");
  if (!audited.ok()) return CdsError(500, "the call could not be audited");
  return Json(200, json{{"cards", cards}});
}

http::Response Feedback(Site& site, const Service& service, const JwtClaims& claims, const http::Request& req) {
  auto parsed = ReadJsonObject(req.body, "body");
  if (!parsed.ok()) return CdsError(400, parsed.error().Describe());
  const json& body = *parsed;
  if (!body.contains("feedback") || !body["feedback"].is_array() || body["feedback"].empty()) {
    return CdsError(400, "feedback: required (a non-empty array)");
  }
  std::vector<std::string> details;
  for (size_t i = 0; i < body["feedback"].size(); ++i) {
    const json& f = body["feedback"][i];
    const std::string at = "feedback[" + std::to_string(i) + "]";
    const std::string card = StringOr(f, "card"), outcome = StringOr(f, "outcome"),
                      when = StringOr(f, "outcomeTimestamp");
    if (card.empty() || card.size() > 64) return CdsError(400, at + ".card: required (the card's uuid)");
    if (outcome != "accepted" && outcome != "overridden") {
      return CdsError(400, at + ".outcome: must be accepted or overridden");
    }
    if (when.empty() || when.size() > 40) return CdsError(400, at + ".outcomeTimestamp: required");
    std::string d = "card " + card + " " + outcome + " at " + when;
    if (outcome == "accepted") {
      if (!f.contains("acceptedSuggestions") || !f["acceptedSuggestions"].is_array()) {
        return CdsError(400, at + ".acceptedSuggestions: required when accepted");
      }
      for (const json& s : f["acceptedSuggestions"]) d += "; suggestion " + Shortened(StringOr(s, "id"), 64);
    }
    if (f.contains("overrideReason") && f["overrideReason"].is_object()) {
      const json& o = f["overrideReason"];
      if (o.contains("reason") && o["reason"].is_object()) {
        d += "; reason " + Shortened(StringOr(o["reason"], "code"), 64) + " (" +
             Shortened(StringOr(o["reason"], "display"), 120) + ")";
      }
      if (!StringOr(o, "userComment").empty()) d += "; comment: " + Shortened(StringOr(o, "userComment"), 500);
    }
    details.push_back(std::move(d));
  }
  Caller nobody;
  Site::Db db = site.Connect(nobody);
  for (const std::string& d : details) {
    Status s = db.ctx.store->Audit("cds:" + claims.iss, "cds.feedback", service.id, d);
    if (!s.ok()) return CdsError(500, "the feedback could not be stored");
  }
  return Json(200, json::object());
}

}  // namespace

Result<CdsConfig> LoadCdsConfig(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error::BadInput("cds-config", path + ": " + std::string(e.description()));
  }
  CdsConfig c;
  for (const auto& [key, value] : t) {
    if (key != "base_url" && key != "client" && key != "allowed_origins") {
      return Error::BadInput("cds-config", path + ": unknown key '" + std::string(key.str()) + "'");
    }
  }
  c.base_url = t["base_url"].value_or(std::string());
  if (c.base_url.rfind("https://", 0) != 0 && c.base_url.rfind("http://", 0) != 0) {
    return Error::BadInput("cds-config", path + ": base_url: the service's URL (https://...) is required");
  }
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  if (const toml::node* origins = t.get("allowed_origins")) {
    const toml::array* a = origins->as_array();
    if (a == nullptr) return Error::BadInput("cds-config", path + ": allowed_origins: must be a list of strings");
    for (const toml::node& x : *a) {
      auto o = x.value<std::string>();
      if (!o || (o->rfind("https://", 0) != 0 && o->rfind("http://", 0) != 0)) {
        return Error::BadInput("cds-config", path + ": allowed_origins: each is an origin (https://host[:port])");
      }
      c.allowed_origins.push_back(*o);
    }
  }
  const toml::array* clients = t["client"].as_array();
  if (clients == nullptr) return c;
  for (size_t i = 0; i < clients->size(); ++i) {
    const std::string at = path + ": client[" + std::to_string(i) + "]";
    const toml::table* e = (*clients)[i].as_table();
    if (e == nullptr) return Error::BadInput("cds-config", at + ": must be a table");
    for (const auto& [key, value] : *e) {
      static const std::vector<std::string> known = {
          "iss", "jwks_file", "jku", "patient_identifier_systems", "patient_id_is_ref", "fhir_servers"};
      if (std::find(known.begin(), known.end(), std::string(key.str())) == known.end()) {
        return Error::BadInput("cds-config", at + ": unknown key '" + std::string(key.str()) + "'");
      }
    }
    CdsClient cl;
    cl.iss = (*e)["iss"].value_or(std::string());
    if (cl.iss.empty()) return Error::BadInput("cds-config", at + ".iss: required (the issuer of the client's JWTs)");
    auto strings = [&](const char* key, std::vector<std::string>& out) -> Status {
      const toml::node* n = e->get(key);
      if (n == nullptr) return Status::Ok();
      const toml::array* a = n->as_array();
      if (a == nullptr) return Error::BadInput("cds-config", at + "." + key + ": must be a list of strings");
      for (const toml::node& x : *a) {
        auto s = x.value<std::string>();
        if (!s) return Error::BadInput("cds-config", at + "." + key + ": must be a list of strings");
        out.push_back(*s);
      }
      return Status::Ok();
    };
    if (Status s = strings("jku", cl.jku); !s.ok()) return s.error();
    if (Status s = strings("patient_identifier_systems", cl.patient_identifier_systems); !s.ok()) return s.error();
    if (Status s = strings("fhir_servers", cl.fhir_servers); !s.ok()) return s.error();
    cl.patient_id_is_ref = (*e)["patient_id_is_ref"].value_or(false);
    const std::string jwks_file = (*e)["jwks_file"].value_or(std::string());
    if (!jwks_file.empty()) {
      fs::path p = fs::path(jwks_file).is_absolute() ? fs::path(jwks_file) : fs::path(path).parent_path() / jwks_file;
      std::ifstream in(p);
      std::stringstream text;
      text << in.rdbuf();
      if (!in) return Error::BadInput("cds-config", at + ".jwks_file: cannot read " + p.string());
      auto set = json::parse(text.str(), nullptr, false);
      if (set.is_discarded() || !set.is_object() || !set.contains("keys") || !set["keys"].is_array()) {
        return Error::BadInput("cds-config",
                               at + ".jwks_file: " + p.string() + " is not a JWK Set ({\"keys\": [...]})");
      }
      cl.jwks = text.str();
    }
    if (cl.jwks.empty() && cl.jku.empty()) {
      return Error::BadInput("cds-config", at + ": give the client's keys (jwks_file) or its key-set URLs (jku)");
    }
    c.clients.push_back(std::move(cl));
  }
  return c;
}

// CORS for the browser-based EHRs of the configuration: their origin is allowed, no other.
http::Response WithCors(const CdsConfig& config, const http::Request& req, http::Response r) {
  const std::string origin = req.Header("origin");
  if (!origin.empty() &&
      std::find(config.allowed_origins.begin(), config.allowed_origins.end(), origin) != config.allowed_origins.end()) {
    r.Header("Access-Control-Allow-Origin", origin);
    r.Header("Vary", "Origin");
  }
  return r;
}

void AddCdsHooks(Site& site, Router& router, std::shared_ptr<const CdsConfig> config) {
  if (!config) config = std::make_shared<const CdsConfig>();
  std::vector<JwtClient> clients;
  for (const CdsClient& c : config->clients) clients.push_back({c.iss, c.jwks, c.jku});
  auto verifier = std::make_shared<JwtVerifier>(
      std::move(clients),
      [](const std::string& url) {
        HttpGetOptions o;
        o.max_bytes = 256 * 1024;
        return HttpGet(url, o);
      },
      [&site](const std::string& iss, const std::string& jti, int64_t exp, int64_t now) {
        Caller nobody;
        Site::Db db = site.Connect(nobody);
        return db.accounts.FirstUseOfJti(iss, jti, exp, now - JwtVerifier::kLeeway);
      });

  for (const char* pattern : {"/cds-services", "/cds-services/{id}", "/cds-services/{id}/feedback"}) {
    router.Add("OPTIONS", pattern, [config](const http::Request& req, const RouteParams&, const Caller&) {
      http::Response r;
      r.status = 204;
      r = WithCors(*config, req, std::move(r));
      r.Header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      r.Header("Access-Control-Allow-Headers", "Authorization, Content-Type");
      r.Header("Access-Control-Max-Age", "600");
      return r;
    });
  }
  // The prefetch templates and the discovery document, made once: both follow from the knowledge.
  auto templates = std::make_shared<const Templates>(Prefetch(site.k()));
  json services = json::array();
  for (const Service& s : Services()) {
    json p = json::object();
    for (const auto& [key, tmpl] : *templates) p[key] = tmpl;
    services.push_back({{"hook", s.hook},
                        {"id", s.id},
                        {"title", s.title},
                        {"description", s.description},
                        {"prefetch", p},
                        {"usageRequirements",
                         "Send every prefetch key (or fhirServer with fhirAuthorization). Conditions coded with SNOMED "
                         "CT or ICD-10-CM, results with LOINC and UCUM, lenalidomide with RxNorm. Decision support "
                         "for professionals, not a substitute for clinical judgement."}});
  }
  auto discovery = std::make_shared<const json>(json{{"services", services}});
  router.Add("GET", "/cds-services", [config, discovery](const http::Request& req, const RouteParams&, const Caller&) {
    return WithCors(*config, req, Json(200, *discovery));
  });
  router.Add("POST", "/cds-services/{id}",
             [&site, config, verifier, templates](const http::Request& req, const RouteParams& params, const Caller&) {
               // The client is authenticated first: an unknown id tells nothing to a stranger.
               const std::string url = config->base_url + "/cds-services/" + params.at("id");
               auto claims = Authenticate(*verifier, req, {url}, site.clock);
               if (!claims.ok()) {
                 return WithCors(*config, req, CdsError(ErrorStatusOf(claims.error()), claims.error().message));
               }
               const Service* s = FindService(params.at("id"));
               if (s == nullptr)
                 return WithCors(*config, req, CdsError(404, "no CDS service " + Quoted(params.at("id"), 64)));
               return WithCors(*config, req, Call(site, *config, *templates, *s, *claims, req));
             });
  router.Add("POST", "/cds-services/{id}/feedback",
             [&site, config, verifier](const http::Request& req, const RouteParams& params, const Caller&) {
               const std::string url = config->base_url + "/cds-services/" + params.at("id");
               auto claims = Authenticate(*verifier, req, {url + "/feedback", url}, site.clock);
               if (!claims.ok()) {
                 return WithCors(*config, req, CdsError(ErrorStatusOf(claims.error()), claims.error().message));
               }
               const Service* s = FindService(params.at("id"));
               if (s == nullptr)
                 return WithCors(*config, req, CdsError(404, "no CDS service " + Quoted(params.at("id"), 64)));
               return WithCors(*config, req, Feedback(site, *s, *claims, req));
             });
}

}  // namespace lenacare::webapp
