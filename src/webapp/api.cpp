// The REST API under /api/v1: every calculator command (the CLI's, by the same table as the web
// calculators), the records (patients, courses, events, status, export, import, worklist,
// symptoms, audit) and API tokens. JSON in and out; errors are {"error": {kind, field, message}}
// with the field named as in the request. Described by web/openapi.json.
#include <filesystem>
#include <fstream>

#include "store/audit.h"
#include "webapp/app.h"
#include "webapp/commands.h"
#include "webapp/records.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

http::Response FromReply(cli::Reply&& r) {
  if (r.error) return ErrorResponse(*r.error);
  return Json(200, r.json);
}

// The request's JSON object, or the error response.
Result<json> Body(const http::Request& req) {
  const std::string type = req.Header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    return Error::BadInput("content-type", "send the request as application/json");
  }
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded()) return Error::BadInput("body", "is not valid JSON");
  if (!j.is_object()) return Error::BadInput("body", "must be a JSON object");
  return j;
}

// Who may call: 401 without credentials, 403 without the capability.
std::optional<http::Response> Require(const Caller& c, Capability cap, const char* what) {
  if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
  if (!c.May(cap)) return JsonError(403, "authorization", std::string("your role may not ") + what);
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

std::optional<http::Response> RequirePatient(const Caller& c, const std::string& ref) {
  if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
  // The same answer whether or not the record exists: a patient learns nothing of others.
  if (!c.MaySeePatient(ref)) return JsonError(403, "patient", "you may not see this patient's record");
  return std::nullopt;
}

FieldSet RecordFields(const std::string& kind) {
  if (kind == "lab") return {{"date", "test", "value", "lln", "uln"}, {"date", "test", "value"}};
  if (kind == "dose" || kind == "missed") return {{"date", "reason"}, {"date"}};
  if (kind == "hold" || kind == "stop") return {{"date", "reason"}, {"date"}};
  if (kind == "resume") return {{"date", "dose", "frequency", "days"}, {"date"}};
  if (kind == "toxicity") return {{"date", "term", "grade"}, {"date", "term", "grade"}};
  if (kind == "pregnancy-test") return {{"date", "result", "sensitivity"}, {"date", "result"}};
  if (kind == "dispense") return {{"date", "days_supply", "quantity"}, {"date", "days_supply"}};
  return {{"event"}, {"event"}};
}

}  // namespace

std::optional<Capability> RecordCapability(const std::string& kind) {
  if (kind == "lab" || kind == "toxicity") return Capability::kRecordLab;
  if (kind == "pregnancy-test") return Capability::kRecordPregnancyTest;
  if (kind == "dispense") return Capability::kDispense;
  if (kind == "dose" || kind == "missed" || kind == "hold" || kind == "resume" || kind == "stop" || kind == "event") {
    return Capability::kChangeTherapy;
  }
  return std::nullopt;
}

// Shared with the clinician forms: records one event of `kind` from named fields.
cli::Reply RecordFromFields(Site& site, const Caller& caller, const std::string& ref, const std::string& kind,
                            const std::function<Status(const FieldSet&, cli::Options&)>& fill) {
  cli::Options o;
  o.patient = ref;
  Status s = fill(RecordFields(kind), o);
  if (!s.ok()) return cli::Reply{cli::kBadInput, cli::ErrorJson(s.error()), s.error().Describe(), s.error()};
  return site.RunRecord(kind, o, caller);
}

void AddApi(Site& site, Router& router) {
  router.Add("GET", "/api/v1/openapi.json", [&site](const http::Request&, const RouteParams&, const Caller&) {
    http::Response r;
    r.content_type = "application/json";
    r.body = *site.StaticFile("openapi.json");
    return r;
  });

  // The calculator commands: POST /api/v1/<command> with the command's fields.
  for (const CommandRoute& c : CalculatorCommands()) {
    const CommandRoute* cmd = &c;
    router.Add("POST", "/api/v1/" + c.name,
               [&site, cmd](const http::Request& req, const RouteParams&, const Caller& caller) {
                 auto body = Body(req);
                 if (!body.ok()) return ErrorResponse(body.error());
                 cli::Options o;
                 std::string document;
                 FieldSet fields = cmd->fields;
                 if (!cmd->document.empty()) {
                   // The course or series travels as a JSON object and is read as the command's "-" input.
                   auto it = body.value().find(cmd->document);
                   if (it == body.value().end() || it->is_null())
                     return ErrorResponse(Error::BadInput(cmd->document, "missing"));
                   if (!it->is_object()) return ErrorResponse(Error::BadInput(cmd->document, "must be a JSON object"));
                   document = it->dump();
                   body.value().erase(it);
                   std::erase(fields.accepted, cmd->document);
                   std::erase(fields.required, cmd->document);
                 }
                 Status s = OptionsFromJson(*body, fields, o);
                 if (!s.ok()) return ErrorResponse(s.error());
                 Normalize(*cmd, o);
                 o.want_text = false;
                 return FromReply(site.Run(cmd->run, o, caller, false, cmd->document.empty() ? nullptr : &document));
               });
  }

  router.Add("GET", "/api/v1/knowledge", [&site](const http::Request&, const RouteParams&, const Caller& caller) {
    return FromReply(site.Run(cli::RunKnowledgeCheck, cli::Options{}, caller, false));
  });

  router.Add("GET", "/api/v1/me", [](const http::Request&, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
    return Json(200, {{"username", c.user->username},
                      {"role", store::RoleName(c.user->role)},
                      {"patient", c.user->patient_ref.empty() ? json(nullptr) : json(c.user->patient_ref)}});
  });

  router.Add("POST", "/api/v1/tokens", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return JsonError(401, "authorization", "sign in or send an API token (Authorization: Bearer)");
    if (auto refuse = RequireCsrf(req, c)) return *refuse;
    auto body = Body(req);
    if (!body.ok()) return ErrorResponse(body.error());
    const json name = body->value("name", json());
    if (!name.is_string()) return ErrorResponse(Error::BadInput("name", "missing: give the token a name"));
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (it.key() != "name") return ErrorResponse(Error::BadInput(it.key(), "not an input of this request"));
    }
    Site::Db db = site.Lock(c);
    auto token = db.accounts.AddToken(c.user->username, name.get<std::string>());
    if (!token.ok()) return ErrorResponse(token.error());
    return Json(201, {{"token", *token}, {"name", name}, {"username", c.user->username}});
  });

  // Records.
  router.Add("GET", "/api/v1/patients", [&site](const http::Request&, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kViewPatients, "list patients")) return *refuse;
    return FromReply(site.Run(cli::RunPatientList, cli::Options{}, c, true));
  });

  router.Add("POST", "/api/v1/patients", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kChangeTherapy, "add patients")) return *refuse;
    if (auto refuse = RequireCsrf(req, c)) return *refuse;
    auto body = Body(req);
    if (!body.ok()) return ErrorResponse(body.error());
    cli::Options o;
    Status s = OptionsFromJson(*body, {{"patient", "name", "sex", "birth_date", "facts"}, {"patient"}}, o);
    if (!s.ok()) return ErrorResponse(s.error());
    cli::Reply r = site.Run(cli::RunPatientAdd, o, c, true);
    return r.error ? ErrorResponse(*r.error) : Json(201, r.json);
  });

  router.Add("GET", "/api/v1/patients/{ref}", [&site](const http::Request&, const RouteParams& p, const Caller& c) {
    if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
    cli::Options o;
    o.patient = p.at("ref");
    return FromReply(site.Run(cli::RunPatientShow, o, c, true));
  });

  router.Add("POST", "/api/v1/patients/{ref}/courses",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = Require(c, Capability::kChangeTherapy, "start courses")) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               cli::Options o;
               o.patient = p.at("ref");
               Status s = OptionsFromJson(
                   *body, {{"indication", "start", "dose", "frequency", "days", "setting"}, {"start", "dose"}}, o);
               if (!s.ok()) return ErrorResponse(s.error());
               cli::Reply r = site.Run(cli::RunCourseStart, o, c, true);
               return r.error ? ErrorResponse(*r.error) : Json(201, r.json);
             });

  router.Add("GET", "/api/v1/patients/{ref}/events",
             [&site](const http::Request&, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               cli::Options o;
               o.patient = p.at("ref");
               return FromReply(site.Run(cli::RunPatientShow, o, c, true));
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
               auto cap = RecordCapability(kind.get<std::string>());
               if (!cap)
                 return ErrorResponse(Error::BadInput("kind", "unknown kind '" + kind.get<std::string>() + "'"));
               if (auto refuse = Require(c, *cap, "record this kind of event")) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               body.value().erase("kind");
               cli::Reply r =
                   RecordFromFields(site, c, p.at("ref"), kind.get<std::string>(),
                                    [&](const FieldSet& f, cli::Options& o) { return OptionsFromJson(*body, f, o); });
               return r.error ? ErrorResponse(*r.error) : Json(201, r.json);
             });

  router.Add("GET", "/api/v1/patients/{ref}/status",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               cli::Options o;
               o.patient = p.at("ref");
               Status s = OptionsFromForm(req.query, {{"as_of"}, {}}, o);
               if (!s.ok()) return ErrorResponse(s.error());
               return FromReply(site.Run(cli::RunStatus, o, c, true));
             });

  router.Add("GET", "/api/v1/patients/{ref}/export",
             [&site](const http::Request&, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               cli::Options o;
               o.patient = p.at("ref");
               http::Response r = FromReply(site.Run(cli::RunExport, o, c, true));
               if (r.status == 200) r.content_type = "application/fhir+json";
               return r;
             });

  router.Add("GET", "/api/v1/patients/{ref}/calendar.ics",
             [&site](const http::Request&, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
               return CalendarIcs(site, c, p.at("ref"));
             });

  router.Add(
      "GET", "/api/v1/patients/{ref}/symptoms", [&site](const http::Request&, const RouteParams& p, const Caller& c) {
        if (auto refuse = RequirePatient(c, p.at("ref"))) return *refuse;
        Site::Db db = site.Lock(c);
        auto list = db.store.Symptoms(p.at("ref"));
        if (!list.ok()) return ErrorResponse(list.error());
        json out = json::array();
        for (const store::SymptomEntry& e : *list) {
          out.push_back(
              {{"id", e.id}, {"date", e.date}, {"symptom", e.symptom}, {"severity", e.severity}, {"note", e.note}});
        }
        return Json(200, {{"patient", p.at("ref")}, {"symptoms", out}});
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
               Site::Db db = site.Lock(c);
               auto added = db.store.AddSymptom(p.at("ref"), e);
               if (!added.ok()) return ErrorResponse(added.error());
               return Json(201, {{"id", added->id},
                                 {"date", added->date},
                                 {"symptom", added->symptom},
                                 {"severity", added->severity},
                                 {"note", added->note}});
             });

  router.Add("GET", "/api/v1/worklist", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kViewPatients, "see the worklist")) return *refuse;
    cli::Options o;
    Status s = OptionsFromForm(req.query, {{"as_of", "look_ahead_days"}, {}}, o);
    if (!s.ok()) return ErrorResponse(s.error());
    return FromReply(site.Run(cli::RunWorklist, o, c, true));
  });

  router.Add("POST", "/api/v1/import", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kImport, "import records")) return *refuse;
    if (auto refuse = RequireCsrf(req, c)) return *refuse;
    return ImportBody(site, c, req.body, req.Header("content-type").find("ndjson") != std::string::npos);
  });

  router.Add("GET", "/api/v1/audit/verify", [&site](const http::Request&, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kManageUsers, "read the audit log")) return *refuse;
    return FromReply(site.Run(cli::RunAuditVerify, cli::Options{}, c, true));
  });

  router.Add("GET", "/api/v1/audit/log", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = Require(c, Capability::kManageUsers, "read the audit log")) return *refuse;
    cli::Options o;
    Status s = OptionsFromForm(req.query, {{"limit"}, {}}, o);
    if (!s.ok()) return ErrorResponse(s.error());
    return FromReply(site.Run(cli::RunAuditLog, o, c, true));
  });
}

http::Response ImportBody(Site& site, const Caller& c, const std::string& body, bool ndjson) {
  if (body.empty()) return ErrorResponse(Error::BadInput("body", "empty: send a FHIR Bundle, resource or NDJSON"));
  // The importer reads files: the upload goes to a private temporary file, removed afterwards.
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec) / ("lenacare-import-" + store::RandomSecret().substr(0, 16));
  fs::create_directory(dir, ec);
  if (ec) return ErrorResponse(Error::Failed("import", "cannot create a temporary file: " + ec.message()));
  fs::permissions(dir, fs::perms::owner_all, ec);
  const fs::path file = dir / (ndjson ? "upload.ndjson" : "upload.json");
  {
    std::ofstream out(file, std::ios::binary);
    out << body;
  }
  cli::Options o;
  o.import_paths = {file.string()};
  o.progress = "none";
  cli::Reply r = site.Run(cli::RunImport, o, c, true);
  fs::remove_all(dir, ec);
  if (r.error) return ErrorResponse(*r.error);
  // Problems name "<file>:<line>": the upload, not the server's temporary directory.
  std::string text = r.json.dump();
  const std::string prefix = dir.string() + "/";
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at))
    text.erase(at, prefix.size());
  r.json = json::parse(text);
  return Json(r.code == cli::kAnswered ? 200 : 400, r.json);
}

}  // namespace lenacare::webapp
