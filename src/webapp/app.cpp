#include "webapp/app.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/worklist.h"
#include "webapp/cds_hooks.h"

namespace lenacare::webapp {
namespace {

Result<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error::Failed("web", "cannot read '" + p.string() + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void SecurityHeaders(const http::Request& req, http::Response& r) {
  r.Header("X-Content-Type-Options", "nosniff");
  r.Header("Referrer-Policy", "same-origin");
  r.Header("X-Frame-Options", "DENY");
  if (r.content_type.rfind("text/html", 0) == 0) {
    r.Header("Content-Security-Policy",
             "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; "
             "frame-ancestors 'none'; base-uri 'none'");
  }
  // Pages with patient data are never cached; public pages and static files may be.
  const bool cacheable = req.path.rfind("/static/", 0) == 0;
  r.Header("Cache-Control", cacheable ? "public, max-age=3600" : "no-store");
}

// Whether a route serves patients' data (their records, the worklist, imports, the audit log, a
// patient's own pages): a request refused there is an access attempt the audit log keeps.
bool OnPatientData(const std::string& pattern) {
  size_t at = 0;
  while (at < pattern.size()) {
    const size_t end = std::min(pattern.find('/', at + 1), pattern.size());
    const std::string segment = pattern.substr(at + 1, end - at - 1);
    for (const char* data : {"patients", "worklist", "import", "me", "audit", "fhir"}) {
      if (segment == data) return true;
    }
    at = end;
  }
  return false;
}

// Why a request was refused, as the response tells the caller: the API's error message, or the
// page's alert paragraph (HTML-escaped text).
std::string RefusalReason(const http::Response& r) {
  if (r.content_type == "application/json") {
    const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("message") &&
        j["error"]["message"].is_string()) {
      return j["error"]["message"].get<std::string>();
    }
    return "";
  }
  const std::string open = "role=\"alert\">";
  const size_t at = r.body.find(open);
  if (at == std::string::npos) return "";
  const size_t start = at + open.size();
  return r.body.substr(start, r.body.find("</p>", start) - start);
}

}  // namespace

Result<std::unique_ptr<WebApp>> WebApp::Create(const Knowledge& k, store::Store& store, const Clock& clock,
                                               SiteOptions options) {
  auto pool = std::make_unique<store::StorePool>(store);
  auto app = Create(k, *pool, clock, std::move(options));
  if (app.ok()) (*app)->own_pool_ = std::move(pool);
  return app;
}

Result<std::unique_ptr<WebApp>> WebApp::Create(const Knowledge& k, store::StorePool& pool, const Clock& clock,
                                               SiteOptions options) {
  auto content = LoadContent(options.pages_dir, k.sources);
  if (!content.ok()) return content.error().Under("pages");
  namespace fs = std::filesystem;
  auto messages = Messages::Load((fs::path(options.web_dir) / "messages" / "en.toml").string());
  if (!messages.ok()) return messages.error();
  auto layout = ReadFile(fs::path(options.web_dir) / "layout.html");
  if (!layout.ok()) return layout.error();
  std::map<std::string, std::string> files;
  for (const char* name : {"style.css", "print.css", "openapi.json"}) {
    auto f = ReadFile(fs::path(options.web_dir) / name);
    if (!f.ok()) return f.error();
    files[name] = std::move(f).value();
  }
  std::shared_ptr<const CdsConfig> cds;
  if (!options.cds_config.empty()) {
    auto loaded = LoadCdsConfig(options.cds_config);
    if (!loaded.ok()) return loaded.error();
    cds = std::make_shared<const CdsConfig>(std::move(loaded).value());
  }
  auto site = std::make_unique<Site>(k, pool, clock, std::move(options), std::move(content).value(),
                                     std::move(messages).value(), std::move(layout).value(), std::move(files));
  if (site->options.keep_worklist_in_writes) {  // every write recomputes the answers of the courses it changed
    Site* s = site.get();
    Status kept = pool.ForEach([s](store::Store& st) {
      app::KeepWorklist(st, [s]() -> const Knowledge& { return s->k(); });
      return Status::Ok();
    });
    if (!kept.ok()) return kept.error();
  }
  std::unique_ptr<WebApp> app(new WebApp(std::move(site)));
  AddCdsHooks(*app->site_, app->router_, std::move(cds));
  return app;
}

WebApp::WebApp(std::unique_ptr<Site> site) : site_(std::move(site)) {
  Site& s = *site_;
  router_.Add("GET", "/healthz", [](const http::Request&, const RouteParams&, const Caller&) {
    return Json(200, {{"status", "ok"}});
  });
  router_.Add("GET", "/metrics", [this, &s](const http::Request& req, const RouteParams&, const Caller& caller) {
    // Request counts (failed sign-ins among them) are for the operators, not for anyone passing.
    if (!s.options.public_metrics) {
      if (!caller.signed_in()) return Refuse(s, req, caller, 401, "Sign in as an administrator to see the metrics.");
      if (!caller.May(Capability::kManageUsers))
        return Refuse(s, req, caller, 403, "Only administrators see the metrics.");
    }
    http::Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_ ? metrics_() : "";
    return r;
  });
  AddPublicPages(s, router_);
  AddCalculators(s, router_);
  AddAuth(s, router_);
  AddAccountPages(s, router_);
  AddClinicianViews(s, router_);
  AddCaregiverPages(s, router_);  // before /care/{ref}: /care/join is matched first
  AddReportPages(s, router_);
  AddKnowledgeReview(s, router_);
  AddPatientViews(s, router_);
  AddApi(s, router_);
  AddFhirApi(s, router_);
}

Caller WebApp::Identify(const http::Request& req) {
  Caller caller;
  const std::string auth = req.Header("authorization");
  const std::string cookie = req.Cookie(SessionCookie(site_->options));
  if (auth.empty() && cookie.empty()) return caller;
  Site::Db db = site_->Connect(caller);
  if (auth.rfind("Bearer ", 0) == 0) {
    auto user = db.accounts.FindToken(auth.substr(7));
    if (user.ok() && user->has_value()) {
      caller.user = **user;
      caller.by_token = true;
    }
    return caller;
  }
  if (!cookie.empty()) {
    auto session = db.accounts.FindSession(cookie, site_->options.session_idle);
    if (session.ok() && session->has_value()) {
      caller.user = (*session)->user;
      caller.session_token = cookie;
      caller.csrf = (*session)->csrf;
    }
  }
  return caller;
}

bool WebApp::IsHeavy(const http::Request& req) {
  if (req.method == "POST") {
    return req.path == "/sign-in" || req.path == "/account/password" || req.path == "/api/v1/account/password";
  }
  // A whole list (the worklist, the patients) grows with the records: on the heavy pool, so that it
  // never holds up the I/O thread of other requests. (A page of 100 or fewer entries is light.)
  if (req.method != "GET") return false;
  if (req.path != "/api/v1/worklist" && req.path != "/worklist" && req.path != "/api/v1/patients") return false;
  auto limit = req.query.find("limit");
  if (limit == req.query.end()) return req.path != "/worklist";  // the page shows 100 unless asked for more
  int n = 0;
  auto [end, ec] = std::from_chars(limit->second.data(), limit->second.data() + limit->second.size(), n);
  return ec != std::errc() || end != limit->second.data() + limit->second.size() || n > 100;
}

http::Response WebApp::Handle(const http::Request& req) {
  http::Response r;
  Caller caller;
  RouteParams params;
  try {
    // A CDS Hooks call carries the EHR's JWT, which the service verifies itself (cds_hooks.h).
    const bool cds = req.path == "/cds-services" || req.path.rfind("/cds-services/", 0) == 0;
    if (!cds) caller = Identify(req);
    if (!cds && !req.Header("authorization").empty() && !caller.signed_in()) {
      r = JsonError(401, "authorization",
                    "the API token is not valid: it is unknown, expired or revoked, or its account is disabled");
    } else {
      bool path_known = false;
      const Route* route = router_.Find(req.method, req.path, params, path_known);
      if (route != nullptr) {
        r = route->handler(req, params, caller);
        r.route = route->pattern;
      } else if (path_known) {
        r = Refuse(*site_, req, caller, 405, req.method + " is not allowed here");
      } else {
        r = Refuse(*site_, req, caller, 404, "There is no page at this address.");
      }
    }
  } catch (const std::exception& e) {
    // A bug, not a user error: answer 500 without details (the access log has the path).
    r = Refuse(*site_, req, caller, 500,
               "Something went wrong on the server. Please try again; if it happens again, tell the administrator.");
  }
  if ((r.status == 401 || r.status == 403) && OnPatientData(r.route)) AuditRefusal(req, params, caller, r);
  SecurityHeaders(req, r);
  // Every answer names the knowledge it was given from: the pack and its label date.
  r.Header("Lenacare-Knowledge", site_->k().pack.id + "; label=" + site_->k().pack.label_date);
  return r;
}

void WebApp::AuditRefusal(const http::Request& req, const RouteParams& params, const Caller& caller,
                          const http::Response& r) {
  // One place for every route: whichever handler refused, the refusal is recorded here.
  auto ref = params.find("ref");
  const std::string subject = ref != params.end() ? ref->second : req.path;
  std::string detail = std::to_string(r.status) + " " + req.method + " " + req.path;
  if (const std::string reason = RefusalReason(r); !reason.empty()) detail += ": " + reason;
  Site::Db db = site_->Connect(caller);
  // Best effort: the caller is refused either way; a full disk must not turn a 403 into a 500.
  (void)db.ctx.store->Audit(db.ctx.actor, "access.refused", subject, detail);
}

}  // namespace lenacare::webapp
