// What every part of the web application shares: the knowledge (loaded once, read-only), the
// store behind one lock, the text pages, the page layout, and the small helpers that turn an
// answer into an HTML page or a JSON response. Handlers in pages.cpp, calculators.cpp, auth.cpp,
// clinician.cpp, patient_view.cpp and api.cpp register their routes on the Router with it.
//
// Thread-safety: handlers run on several I/O threads. The knowledge, the content and the layout
// are immutable after Create(); the records are reached only through Connect(), which lends the
// request one connection of the pool (store/pool.h) for as long as it holds the Db.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/context.h"
#include "http/message.h"
#include "knowledge/knowledge.h"
#include "store/accounts.h"
#include "store/pool.h"
#include "store/store.h"
#include "webapp/caller.h"
#include "webapp/content.h"
#include "webapp/messages.h"
#include "webapp/router.h"

namespace lenacare::webapp {

struct SiteOptions {
  std::string web_dir;          // layout.html, style.css, print.css, openapi.json
  std::string pages_dir;        // the Markdown pages (knowledge/pages)
  bool secure_cookies = false;  // behind TLS: cookies get `Secure` and the `__Host-` prefix
  std::chrono::seconds session_lifetime{std::chrono::hours(12)};
  std::chrono::seconds session_idle{std::chrono::minutes(30)};  // a session unused this long ends
  store::TokenPolicy tokens;
  // /metrics: for an administrator (session or token) unless this is set, e.g. when the port is
  // reachable only from the monitoring network.
  bool public_metrics = false;
  // The TLS proxies in front (their addresses): only from them is X-Forwarded-For believed.
  std::vector<std::string> trusted_proxies;
  size_t import_limit = 1 << 20;  // bytes of one FHIR upload through the web (= the server's body limit)
  // Whether each write recomputes the worklist's stored answer of its course in its own
  // transaction (app::KeepWorklist), from the rows it already read to check the write. Without
  // it, the answers the writes mark stale are left to `serve`'s housekeeping and to the worklist,
  // which computes whatever is still stale itself: either way its answer is the same.
  bool keep_worklist_in_writes = true;
  // The CDS Hooks service's configuration file (cds_hooks.h); "" trusts no CDS client.
  std::string cds_config;
};

// The sources an answer rests on, each once, in the order met; and whether any is unverified.
struct SourceList {
  std::vector<std::string> list;
  bool unverified = false;
  void Add(const std::string& source, bool verified = true) {
    if (!verified) unverified = true;
    if (!source.empty() && std::find(list.begin(), list.end(), source) == list.end()) list.push_back(source);
  }
};

// A page to render in the layout.
struct PageSpec {
  std::string title;
  std::string main;                  // HTML of the content
  std::vector<std::string> sources;  // cited at the foot of the page
  std::string description;
  std::string flash;  // a one-line confirmation ("Recorded ...")
  bool unverified = false;
};

class Site {
 public:
  Site(const Knowledge& k, store::StorePool& pool, const Clock& clock, SiteOptions options, Content content,
       Messages messages, std::string layout, std::map<std::string, std::string> static_files);

  // The knowledge in use: the base pack with the clinic's sign-offs (knowledge/site_pack.h).
  // ReloadKnowledge replaces it after a sign-off; a reference taken before stays valid, for every
  // knowledge loaded is kept until the site ends (a sign-off is a rare event).
  const Knowledge& k() const { return *current_.load(); }
  Status ReloadKnowledge();
  const Clock& clock;
  const SiteOptions options;
  const Content content;
  const Messages msg;  // the words of the pages (web/messages/en.toml)

  // The context of a use case that needs no records (the calculators), acting as `caller`.
  app::Context Calculate(const Caller& caller) const;

  // The records, for one request's database work: a connection of the pool, the use cases'
  // context on it (acting as `caller`) and the accounts. Other requests run on other connections
  // meanwhile; a request that needs none should not hold a Db (it may wait for a free one).
  struct Db {
    store::StorePool::Lease lease;
    app::Context ctx;
    store::Accounts accounts;
  };
  Db Connect(const Caller& caller);

  std::string Page(const Caller& caller, const PageSpec& page) const;
  // Sources as written in answers ("REVLIMID US label 8/2023, §2.6; ..."), as HTML: each
  // citation of the register linked to its public document and to its entry on /sources.
  std::string Cited(std::string_view sources) const;
  const std::string* StaticFile(const std::string& name) const;

 private:
  std::atomic<const Knowledge*> current_;
  std::mutex reload_mutex_;
  std::vector<std::unique_ptr<const Knowledge>> reloaded_;
  store::StorePool& pool_;
  std::string layout_;
  std::map<std::string, std::string> static_files_;
};

// The session cookie's name: with the `__Host-` prefix behind TLS (the browser then keeps it only
// for this host, Secure, on path /), plain for local use over HTTP.
std::string SessionCookie(const SiteOptions& o);
std::string PreLoginCookie(const SiteOptions& o);
// The client's address: the peer's, or, when the peer is a trusted proxy, the last address in
// X-Forwarded-For that is not a trusted proxy itself.
std::string ClientAddress(const SiteOptions& o, const http::Request& req);

// Responses.
http::Response Html(int status, std::string body);
http::Response Json(int status, const nlohmann::json& body);
http::Response ErrorResponse(const Error& e);  // JSON; 400 bad input, 422 cannot assess, 500 failed
http::Response JsonError(int status, const std::string& field, const std::string& message);
http::Response Redirect(const std::string& location);  // 303 See Other
// The HTTP status of an error: 400 bad input, 422 cannot assess, 500 failed.
int ErrorStatus(const Error& e);
// An error for a patient's or caregiver's page: what went wrong without the field's internal
// name (a form's label says which field); a refusal's or confirmation's problems, each once.
std::string PlainError(const Error& e);
// An error page (HTML) or JSON error, by what the path is.
http::Response Refuse(const Site& site, const http::Request& req, const Caller& caller, int status,
                      const std::string& message);

// HTML helpers.
std::string Escape(std::string_view text);
// The text of an answer as HTML paragraphs (escaped, line breaks kept).
std::string TextBlock(const std::string& text);
// The disclaimer shown on every page and in --help.
std::string Disclaimer();
// A hidden CSRF field for a signed-in caller's forms.
std::string CsrfField(const Caller& caller);
// Whether a form post carries the caller's CSRF token (constant-time comparison).
bool CsrfOk(const Caller& caller, const std::multimap<std::string, std::string>& form);
// The fields of an application/x-www-form-urlencoded body.
std::multimap<std::string, std::string> FormFields(const http::Request& req);
std::string Field(const std::multimap<std::string, std::string>& form, const std::string& name);

}  // namespace lenacare::webapp
