// The REST API under /api/v1: every calculator (by the same table as the web calculators), the
// records (patients, courses, events, status, export, import, worklist, symptoms, audit) and API
// tokens. JSON in and out: a body is read into the typed request of src/app, the answer is the v1
// JSON of src/wire; errors are {"error": {kind, field, message}} with the field named as in the
// request. Described by web/openapi.json.
#include <filesystem>
#include <fstream>

#include "app/worklist.h"
#include "core/text.h"
#include "course/json_input.h"
#include "webapp/api_support.h"
#include "webapp/app.h"
#include "webapp/commands.h"
#include "webapp/json_writer.h"
#include "webapp/records.h"
#include "wire/json.h"

namespace lenacare::webapp {

Result<nlohmann::json> Body(const http::Request& req) {
  const std::string type = req.Header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    return Error::BadInput("content-type", "send the request as application/json");
  }
  // The course reader's rules: no key twice, limited nesting and text, numbers within a double.
  return json_input::ParseObject(req.body, "body");
}

std::optional<http::Response> RequireSignedIn(const Caller& c) {
  if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
  return std::nullopt;
}

// A cookie-authenticated write from a browser carries the session's CSRF token in a header.
std::optional<http::Response> RequireCsrf(const http::Request& req, const Caller& c) {
  if (c.by_token) return std::nullopt;
  const std::string sent = req.Header("x-csrf-token");
  if (c.csrf.empty() || !store::SameSecret(sent, c.csrf)) {
    return JsonError(403, "x-csrf-token", "missing or wrong: a browser session must send its CSRF token");
  }
  return std::nullopt;
}

namespace {

using nlohmann::json;

// 200 (or `status`) with the answer's JSON, or the error response.
template <typename T, typename Write>
http::Response Answer(const Result<T>& r, Write write, int status = 200) {
  if (!r.ok()) return ErrorResponse(r.error());
  return Json(status, write(*r));
}

// Who may call: 401 without credentials, 403 without the capability.
std::optional<http::Response> Require(const Caller& c, Capability cap, const char* what) {
  if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
  if (!c.May(cap)) return JsonError(403, "authorization", std::string("your role may not ") + what);
  return std::nullopt;
}

std::optional<http::Response> RequirePatient(const Caller& c, const std::string& ref) {
  if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
  // The same answer whether or not the record exists: a patient learns nothing of others.
  if (!c.MaySeePatient(ref)) return JsonError(403, "patient", "you may not see this patient's record");
  return std::nullopt;
}

const Fields<app::StatusRequest>& AsOfFields() {
  using R = app::StatusRequest;
  static const Fields<R> f = Fields<R>().Text("as_of", &R::as_of);
  return f;
}

struct LimitRequest {
  int limit = 20;
  int before = 0;
};
const Fields<LimitRequest>& LimitFields() {
  static const Fields<LimitRequest> f =
      Fields<LimitRequest>().Int("limit", &LimitRequest::limit).Int("before", &LimitRequest::before);
  return f;
}
// A page of patients: `limit` after the reference `after`.
struct PageRequest {
  int limit = 100;
  std::string after;
};
const Fields<PageRequest>& PageFields() {
  static const Fields<PageRequest> f =
      Fields<PageRequest>().Int("limit", &PageRequest::limit).Text("after", &PageRequest::after);
  return f;
}

}  // namespace

const Fields<app::AddPatientRequest>& PatientFields() {
  using R = app::AddPatientRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("patient", &R::patient, true)
                                 .Text("name", &R::name)
                                 .Text("sex", &R::sex)
                                 .Text("birth_date", &R::birth_date)
                                 .Text("weight", &R::weight)
                                 .Object("facts", &R::facts);
  return f;
}

const Fields<app::StartCourseRequest>& CourseFields() {
  using R = app::StartCourseRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("indication", &R::indication)
                                 .Text("start", &R::start, true)
                                 .Real("dose", &R::dose_mg, true)
                                 .Text("frequency", &R::frequency)
                                 .Text("days", &R::days)
                                 .Text("setting", &R::setting);
  return f;
}

void AddApi(Site& site, Router& router) {
  router.Add("GET", "/api/v1/openapi.json", [&site](const http::Request&, const RouteParams&, const Caller&) {
    http::Response r;
    r.content_type = "application/json";
    r.body = *site.StaticFile("openapi.json");
    return r;
  });

  // The calculators: POST /api/v1/<name> with the request's fields.
  for (const CalculatorRoute& c : CalculatorRoutes()) {
    const CalculatorRoute* calc = &c;
    router.Add("POST", "/api/v1/" + c.name,
               [&site, calc](const http::Request& req, const RouteParams&, const Caller& caller) {
                 auto body = Body(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 const Result<json> answer = calc->answer(site.Calculate(caller), *body);
                 if (!answer.ok()) return ErrorResponse(answer.error());
                 return Json(200, *answer);  // written from the tree, never copied
               });
  }

  router.Add("GET", "/api/v1/knowledge", [&site](const http::Request&, const RouteParams&, const Caller&) {
    return Json(200, wire::KnowledgeJson(app::SummarizeKnowledge(site.k())));
  });

  router.Add("GET", "/api/v1/sources", [&site](const http::Request&, const RouteParams&, const Caller&) {
    return Json(200, wire::SourcesJson(site.k().sources));
  });
  router.Add("GET", "/api/v1/me", [](const http::Request&, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
    return Json(200, {{"username", c.user->username},
                      {"role", store::RoleName(c.user->role)},
                      {"patient", c.user->patient_ref.empty() ? json(nullptr) : json(c.user->patient_ref)}});
  });

  // Records.
  router.Add("GET", "/api/v1/patients", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kViewPatients, "list patients")) return *refuse;
    PageRequest r;
    Status s = PageFields().FromForm(req.query, r);
    if (!s.ok()) return ErrorResponse(s.error());
    Site::Db db = site.Connect(c);
    if (req.query.count("limit") == 0 && r.after.empty()) {
      return Answer(app::ListPatients(db.ctx), wire::PatientListJson);
    }
    return Answer(app::ListPatientsPage(db.ctx, r.limit, r.after), wire::PatientPageJson);
  });

  router.Add("POST", "/api/v1/patients", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequireSignedIn(c)) return *refuse;
    if (auto refuse = RequireCsrf(req, c)) return *refuse;
    auto body = Body(req);
    if (!body.ok()) return ErrorResponse(body.error());
    app::AddPatientRequest r;
    Status s = PatientFields().FromJson(*body, r);
    if (!s.ok()) return ErrorResponse(s.error());
    Site::Db db = site.Connect(c);
    return Answer(app::AddPatient(db.ctx, r), wire::PatientJson, 201);
  });

  auto show = [&site](const http::Request&, const RouteParams& p, const Caller& c) {
    if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
    Site::Db db = site.Connect(c);
    return Answer(app::ShowPatient(db.ctx, p.at("ref")), wire::PatientViewJson);
  };
  router.Add("GET", "/api/v1/patients/{ref}", show);
  router.Add("GET", "/api/v1/patients/{ref}/events", show);

  router.Add("POST", "/api/v1/patients/{ref}/courses",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               app::StartCourseRequest r;
               Status s = CourseFields().FromJson(*body, r);
               if (!s.ok()) return ErrorResponse(s.error());
               r.patient = p.at("ref");
               Site::Db db = site.Connect(c);
               return Answer(
                   app::StartCourse(db.ctx, r),
                   [&](const store::CourseRecord& course) { return wire::CourseStartedJson(course, r.patient); }, 201);
             });

  router.Add("POST", "/api/v1/patients/{ref}/events",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               const json kind = body->value("kind", json());
               if (!kind.is_string()) {
                 return ErrorResponse(Error::BadInput("kind",
                                                      "missing: lab, dose, missed, hold, resume, toxicity, "
                                                      "stop, pregnancy-test, dispense or event"));
               }
               const std::string k = kind.get<std::string>();
               const auto& kinds = app::RecordKinds();
               if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) {
                 return ErrorResponse(Error::BadInput("kind", "unknown kind " + Quoted(k)));
               }
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               body.value().erase("kind");
               app::RecordRequest r;
               Status read = CorrectionFields(body.value(), r);
               if (!read.ok()) return ErrorResponse(read.error());
               Status s = RecordFields(k).FromJson(*body, r);
               if (!s.ok()) return ErrorResponse(s.error());
               r.patient = p.at("ref");
               r.kind = k;
               return Answer(
                   Record(site, c, r), [&](const store::EventRecord& e) { return wire::RecordedJson(e, r.patient); },
                   201);
             });

  router.Add("POST", "/api/v1/patients/{ref}/events/{id}/entered-in-error",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               app::CorrectionRequest r;
               r.patient = p.at("ref");
               const std::string& id = p.at("id");
               if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
                 return ErrorResponse(Error::BadInput("id", Quoted(id) + " is not an event id"));
               }
               r.event = std::stoll(id);
               static const Fields<app::CorrectionRequest> fields =
                   Fields<app::CorrectionRequest>().Text("reason", &app::CorrectionRequest::reason);
               if (Status s = fields.FromJson(*body, r); !s.ok()) return ErrorResponse(s.error());
               Site::Db db = site.Connect(c);
               return Answer(
                   app::MarkEnteredInError(db.ctx, r),
                   [&](const store::EventRecord& e) { return wire::RecordedJson(e, r.patient); }, 201);
             });

  router.Add("POST", "/api/v1/patients/{ref}/findings/resolve",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               app::ResolveRequest r;
               r.patient = p.at("ref");
               static const Fields<app::ResolveRequest> fields = Fields<app::ResolveRequest>()
                                                                     .Text("finding", &app::ResolveRequest::finding)
                                                                     .Text("reason", &app::ResolveRequest::reason);
               if (Status s = fields.FromJson(*body, r); !s.ok()) return ErrorResponse(s.error());
               Site::Db db = site.Connect(c);
               return Answer(
                   app::ResolveFinding(db.ctx, r),
                   [&](const store::EventRecord& e) { return wire::RecordedJson(e, r.patient); }, 201);
             });

  router.Add("POST", "/api/v1/patients/{ref}/details",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               app::UpdatePatientRequest r;
               r.patient = p.at("ref");
               for (auto it = body->begin(); it != body->end(); ++it) {
                 if (it.key() == "facts") {
                   if (!it.value().is_object()) return ErrorResponse(Error::BadInput("facts", "must be a JSON object"));
                   r.facts = it.value().dump();
                   continue;
                 }
                 std::optional<std::string>* slot = it.key() == "name"         ? &r.name
                                                    : it.key() == "sex"        ? &r.sex
                                                    : it.key() == "birth_date" ? &r.birth_date
                                                                               : nullptr;
                 if (slot == nullptr) return ErrorResponse(Error::BadInput(it.key(), "not an input of this request"));
                 if (!it.value().is_string()) return ErrorResponse(Error::BadInput(it.key(), "must be a text"));
                 *slot = it.value().get<std::string>();
               }
               Site::Db db = site.Connect(c);
               return Answer(app::UpdatePatient(db.ctx, r), wire::PatientJson);
             });

  router.Add("GET", "/api/v1/patients/{ref}/status",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               app::StatusRequest r;
               Status s = AsOfFields().FromForm(req.query, r);
               if (!s.ok()) return ErrorResponse(s.error());
               r.patient = p.at("ref");
               Site::Db db = site.Connect(c);
               return Answer(app::PatientStatus(db.ctx, r),
                             [&](const app::StatusAnswer& a) { return wire::StatusJson(site.k(), a); });
             });

  router.Add("GET", "/api/v1/patients/{ref}/export",
             [&site](const http::Request&, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               Site::Db db = site.Connect(c);
               const Result<json> bundle = app::Export(db.ctx, p.at("ref"));
               if (!bundle.ok()) return ErrorResponse(bundle.error());
               http::Response r = Json(200, *bundle);
               r.content_type = "application/fhir+json";
               return r;
             });

  router.Add("GET", "/api/v1/patients/{ref}/calendar.ics",
             [&site](const http::Request&, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               return CalendarIcs(site, c, p.at("ref"));
             });

  router.Add("GET", "/api/v1/patients/{ref}/symptoms",
             [&site](const http::Request&, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               Site::Db db = site.Connect(c);
               return Answer(app::Symptoms(db.ctx, p.at("ref")), [&](const std::vector<store::SymptomEntry>& list) {
                 return wire::SymptomsJson(p.at("ref"), list);
               });
             });

  router.Add("POST", "/api/v1/patients/{ref}/symptoms",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               store::SymptomEntry e;
               for (auto it = body->begin(); it != body->end(); ++it) {
                 std::string* slot = it.key() == "date"       ? &e.date
                                     : it.key() == "symptom"  ? &e.symptom
                                     : it.key() == "severity" ? &e.severity
                                     : it.key() == "note"     ? &e.note
                                                              : nullptr;
                 if (slot == nullptr) return ErrorResponse(Error::BadInput(it.key(), "not an input of this request"));
                 if (!it.value().is_string()) return ErrorResponse(Error::BadInput(it.key(), "must be a text"));
                 *slot = it.value().get<std::string>();
               }
               Site::Db db = site.Connect(c);
               return Answer(app::AddSymptom(db.ctx, p.at("ref"), e), wire::SymptomJson, 201);
             });

  router.Add("GET", "/api/v1/worklist", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kViewPatients, "see the worklist")) return *refuse;
    app::WorklistRequest r;
    Status s = WorklistFields().FromForm(req.query, r);
    if (!s.ok()) return ErrorResponse(s.error());
    Site::Db db = site.Connect(c);
    auto w = app::BuildWorklist(db.ctx, r);
    if (!w.ok()) return ErrorResponse(w.error());
    http::Response out;  // written as it is walked: a whole list is tens of megabytes
    out.status = 200;
    out.content_type = "application/json";
    WriteWorklistJson(*w, out.body);
    out.body += "\n";
    return out;
  });

  router.Add("POST", "/api/v1/import", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequireSignedIn(c)) return *refuse;
    if (!c.MayDo(app::Act::kImport)) return JsonError(403, "authorization", "your role may not import records");
    if (auto refuse = RequireCsrf(req, c)) return *refuse;
    auto imported = ImportUpload(site, c, req.body, req.Header("content-type").find("ndjson") != std::string::npos,
                                 req.Query("source"));
    if (!imported.ok()) return ErrorResponse(imported.error());
    return Json(imported->outcome() == app::Outcome::kAnswered ? 200 : 400, wire::ImportJson(imported->summary));
  });

  router.Add("GET", "/api/v1/audit/verify", [&site](const http::Request&, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kManageUsers, "read the audit log")) return *refuse;
    Site::Db db = site.Connect(c);
    return Answer(app::VerifyAudit(db.ctx),
                  [](const app::AuditVerifyAnswer& a) { return wire::AuditCheckJson(a.check); });
  });

  router.Add("GET", "/api/v1/audit/log", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kManageUsers, "read the audit log")) return *refuse;
    LimitRequest r;
    Status s = LimitFields().FromForm(req.query, r);
    if (!s.ok()) return ErrorResponse(s.error());
    Site::Db db = site.Connect(c);
    return Answer(app::AuditLog(db.ctx, r.limit, r.before), wire::AuditLogJson);
  });
}

// ---- Shared with the pages ----------------------------------------------------------------------

const Fields<app::RecordRequest>& RecordFields(const std::string& kind) {
  using R = app::RecordRequest;
  static const std::map<std::string, Fields<R>> tables = {
      {"lab", Fields<R>()
                  .Text("date", &R::date, true)
                  .Text("test", &R::test, true)
                  .Text("value", &R::value, true)
                  .Text("lln", &R::lln)
                  .Text("uln", &R::uln)},
      {"dose", Fields<R>().Text("date", &R::date, true).Text("reason", &R::reason)},
      {"missed", Fields<R>().Text("date", &R::date, true).Text("reason", &R::reason)},
      {"hold", Fields<R>().Text("date", &R::date, true).Text("reason", &R::reason)},
      {"stop", Fields<R>().Text("date", &R::date, true).Text("reason", &R::reason)},
      {"resume", Fields<R>()
                     .Text("date", &R::date, true)
                     .Real("dose", &R::dose_mg)
                     .Text("frequency", &R::frequency)
                     .Text("days", &R::days)},
      {"toxicity", Fields<R>().Text("date", &R::date, true).Text("term", &R::term, true).Int("grade", &R::grade, true)},
      {"pregnancy-test",
       Fields<R>().Text("date", &R::date, true).Text("result", &R::result, true).Text("sensitivity", &R::sensitivity)},
      {"dispense", Fields<R>()
                       .Text("date", &R::date, true)
                       .Int("days_supply", &R::days_supply, true)
                       .Int("quantity", &R::quantity)},
      {"event", Fields<R>().Object("event", &R::event, true)},
  };
  auto it = tables.find(kind);
  return it != tables.end() ? it->second : tables.at("event");
}

Status CorrectionFields(nlohmann::json& body, app::RecordRequest& r) {
  if (body.contains("confirm")) {
    const nlohmann::json& confirm = body["confirm"];
    if (!confirm.is_object() || !confirm.contains("reason") || !confirm["reason"].is_string() || confirm.size() != 1) {
      return Error::BadInput("confirm", "must be {\"reason\": \"...\"}");
    }
    r.confirm = confirm["reason"].get<std::string>();
    if (r.confirm.empty()) return Error::BadInput("confirm.reason", "missing");
    body.erase("confirm");
  }
  if (body.contains("replaces")) {
    if (!body["replaces"].is_number_integer() || body["replaces"].get<int64_t>() < 1) {
      return Error::BadInput("replaces", "must be an event id");
    }
    r.replaces = body["replaces"].get<int64_t>();
    body.erase("replaces");
  }
  if (body.contains("correction")) {
    if (!body["correction"].is_string()) return Error::BadInput("correction", "must be a text");
    r.correction = body["correction"].get<std::string>();
    body.erase("correction");
  }
  return Status::Ok();
}

Result<store::EventRecord> Record(Site& site, const Caller& caller, const app::RecordRequest& r) {
  Site::Db db = site.Connect(caller);
  return app::RecordEvent(db.ctx, r);
}

Result<app::ImportAnswer> ImportUpload(Site& site, const Caller& c, const std::string& body, bool ndjson,
                                       const std::string& source) {
  if (body.empty()) return Error::BadInput("body", "empty: send a FHIR Bundle, resource or NDJSON");
  // The importer reads files: the upload goes to a private temporary file, removed afterwards.
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec) / ("lenacare-import-" + store::RandomSecret().substr(0, 16));
  fs::create_directory(dir, ec);
  if (ec) return Error::Failed("import", "cannot create a temporary file: " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  const fs::path file = dir / (ndjson ? "upload.ndjson" : "upload.json");
  {
    std::ofstream out(file, std::ios::binary);
    out << body;
  }
  app::ImportRequest r;
  r.paths = {file.string()};
  r.source = source.empty() ? "upload" : source;  // not the temporary file's name
  Result<app::ImportAnswer> imported = Error::Failed("import", "not run");
  {
    Site::Db db = site.Connect(c);
    imported = app::Import(db.ctx, r);
  }
  fs::remove_all(dir, ec);
  // Problems name "<file>:<line>": the upload, not the server's temporary directory.
  const std::string prefix = dir.string() + "/";
  auto strip = [&prefix](std::string text) {
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at))
      text.erase(at, prefix.size());
    return text;
  };
  if (!imported.ok()) {
    Error e = imported.error();
    e.field = strip(e.field);
    e.message = strip(e.message);
    return e;
  }
  app::ImportAnswer a = std::move(imported).value();
  for (std::string& p : a.summary.problems) p = strip(p);
  return a;
}

}  // namespace lenacare::webapp
