// What every part of the web application shares: the knowledge (loaded once, read-only), the
// store behind one lock, the text pages, the page layout, and the small helpers that turn an
// answer into an HTML page or a JSON response. Handlers in pages.cpp, calculators.cpp, auth.cpp,
// clinician.cpp, patient_view.cpp and api.cpp register their routes on the Router with it.
//
// Thread-safety: handlers run on several I/O threads. The knowledge, the content and the layout
// are immutable after Create(); the store is used only through Db(), which holds the lock.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "http/message.h"
#include "knowledge/knowledge.h"
#include "store/accounts.h"
#include "store/store.h"
#include "webapp/caller.h"
#include "webapp/content.h"
#include "webapp/router.h"

namespace lenacare::webapp {

struct SiteOptions {
  std::string web_dir;          // layout.html, style.css, print.css, openapi.json
  std::string pages_dir;        // the Markdown pages (knowledge/pages)
  bool secure_cookies = false;  // behind TLS: cookies get `Secure`
  std::chrono::seconds session_lifetime{std::chrono::hours(12)};
  size_t import_limit = 1 << 20;  // bytes of one FHIR upload through the web (= the server's body limit)
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
  Site(const Knowledge& k, store::Store& store, SiteOptions options, Content content, std::string layout,
       std::map<std::string, std::string> static_files);

  const Knowledge& k;
  const SiteOptions options;
  const Content content;

  // The store under its lock, for one request's database work.
  struct Db {
    std::unique_lock<std::mutex> lock;
    store::Store& store;
    store::Accounts accounts;
  };
  Db Lock(const Caller& caller);

  // Runs a `lenacare` command as the CLI does, answering into a Reply. `input` stands for "-"
  // arguments (the request's JSON); `with_store` runs it on the store, as `caller`.
  cli::Reply Run(const std::function<int(const cli::Options&)>& command, cli::Options o, const Caller& caller,
                 bool with_store, const std::string* input = nullptr);
  cli::Reply RunRecord(const std::string& kind, cli::Options o, const Caller& caller);

  std::string Page(const Caller& caller, const PageSpec& page) const;
  const std::string* StaticFile(const std::string& name) const;

 private:
  std::mutex db_mutex_;
  store::Store& store_;
  std::string layout_;
  std::map<std::string, std::string> static_files_;
};

// Responses.
http::Response Html(int status, std::string body);
http::Response Json(int status, const nlohmann::json& body);
http::Response ErrorResponse(const Error& e);  // JSON; 400 bad input, 422 cannot assess, 500 failed
http::Response JsonError(int status, const std::string& field, const std::string& message);
http::Response Redirect(const std::string& location);  // 303 See Other
// The HTTP status of a command's reply: 200 for an answer (which may itself say cannot-assess),
// else by the error's kind.
int ReplyStatus(const cli::Reply& r);
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
// "--as-of" -> "as_of": an option name as web forms and the API spell it.
std::string FieldName(const std::string& option);

}  // namespace lenacare::webapp
