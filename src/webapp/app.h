// The lenacare web application: public pages, calculators, signed-in views and the REST API,
// one Handler for the HTTP server (http/server.h). It resolves who is calling (session cookie or
// API token), dispatches to the route, and adds the security headers every response carries.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/message.h"
#include "knowledge/knowledge.h"
#include "store/store.h"
#include "webapp/router.h"
#include "webapp/site.h"

namespace lenacare::webapp {

class WebApp {
 public:
  // Loads the pages and the web files; refuses to start on a page without sources.
  // The records are the pool's connections (store/pool.h); the Store& form serves one request at
  // a time on that store (tests, tools).
  static Result<std::unique_ptr<WebApp>> Create(const Knowledge& k, store::StorePool& pool, const Clock& clock,
                                                SiteOptions options);
  static Result<std::unique_ptr<WebApp>> Create(const Knowledge& k, store::Store& store, const Clock& clock,
                                                SiteOptions options);

  http::Response Handle(const http::Request& req);
  // The requests that check a password (Argon2id, a tenth of a second of CPU) or read a whole list
  // (the worklist, the patients: it grows with the records): the server runs them on its pool for
  // heavy requests (http::ServerOptions::heavy), at a lower CPU priority.
  static bool IsHeavy(const http::Request& req);
  const Router& router() const { return router_; }
  Site& site() { return *site_; }
  // The server's metrics text, served at /metrics.
  void set_metrics(std::function<std::string()> metrics) { metrics_ = std::move(metrics); }

 private:
  explicit WebApp(std::unique_ptr<Site> site);
  Caller Identify(const http::Request& req);
  // Appends an "access.refused" entry for a 401 or 403 on patients' data: who, what, why.
  void AuditRefusal(const http::Request& req, const RouteParams& params, const Caller& caller, const http::Response& r);

  std::unique_ptr<store::StorePool> own_pool_;  // the Store& form's pool of one
  std::unique_ptr<Site> site_;
  Router router_;
  std::function<std::string()> metrics_;
};

// A password checked the way sign-in checks it, for sign-in and password changes (auth.cpp): the
// throttle's wait, the stored credentials read on a connection, Argon2id after it went back, a
// mismatch recorded as a failed sign-in. `matched` holds the account when the password is right;
// an attempt with an empty username (no account can have the typed one) never matches.
struct PasswordCheck {
  int64_t wait_seconds = 0;  // > 0: too many failures, nothing was checked
  std::optional<store::StoredCredentials> matched;
};
Result<PasswordCheck> CheckPasswordOffConnection(Site& site, const Caller& caller, const store::SignInAttempt& attempt,
                                                 const std::string& password);

// Route registration, one file each.
void AddPublicPages(Site& site, Router& router);
void AddCalculators(Site& site, Router& router);
void AddAuth(Site& site, Router& router);
void AddAccountPages(Site& site, Router& router);
void AddClinicianViews(Site& site, Router& router);
void AddPatientViews(Site& site, Router& router);
void AddCaregiverPages(Site& site, Router& router);
void AddReportPages(Site& site, Router& router);      // the care team's visit reports
void AddKnowledgeReview(Site& site, Router& router);  // the clinic's review and sign-off of the knowledge
void AddApi(Site& site, Router& router);
void AddFhirApi(Site& site, Router& router);

}  // namespace lenacare::webapp
