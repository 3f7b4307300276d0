// A lenacare web application for tests: a fresh SQLite store seeded with the demo data (patients
// and one account per role), and the application's Handler called directly with requests built
// here — the same code `lenacare serve` runs, without sockets. Sign-in goes through the real
// form (pre-login CSRF cookie, Argon2id check, session cookie).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http/message.h"
#include "store/store.h"
#include "store_support.h"
#include "webapp/app.h"
#include "webapp/demo.h"

namespace lenacare::testing {

// What a signed-in browser or script holds.
struct Credentials {
  std::string session;  // the lenacare_session cookie
  std::string csrf;     // the session's CSRF token (from a page's form)
  std::string token;    // an API token (Authorization: Bearer)
};

class TestSite {
 public:
  // kDemo seeds the demo patients and one account per role (Argon2id: about a second); kEmpty is
  // an empty store, enough for the calculator routes, which need no sign-in.
  enum class Seed { kDemo, kEmpty };
  // `cds_config`: the CDS Hooks service's configuration file (SiteOptions::cds_config).
  // `k`: the knowledge to serve (default K()); it must outlive the site.
  explicit TestSite(Seed seed = Seed::kDemo, const std::string& cds_config = "", const Knowledge* k = nullptr);
  webapp::WebApp& app() { return *app_; }
  store::Store& store() { return *store_; }

  // `headers` may hold ":remote", the client's address (default 127.0.0.1).
  http::Response Send(const std::string& method, const std::string& target, const std::string& body = "",
                      const std::string& content_type = "", const Credentials* who = nullptr,
                      const std::map<std::string, std::string>& headers = {});
  http::Response Get(const std::string& target, const Credentials* who = nullptr) {
    return Send("GET", target, "", "", who);
  }
  // A form post (fields URL-encoded); `with_csrf` adds the session's token.
  http::Response PostForm(const std::string& target, const std::map<std::string, std::string>& fields,
                          const Credentials* who, bool with_csrf = true);
  // A JSON post; a session (not a token) sends its CSRF token in X-CSRF-Token unless `with_csrf` is false.
  http::Response PostJson(const std::string& target, const nlohmann::json& body, const Credentials* who,
                          bool with_csrf = true);

  // Signs in the demo account of a role ("admin", "prescriber", "pharmacist", "nurse", "patient").
  Credentials SignIn(const std::string& role);
  // Signs in any account through the sign-in form.
  Credentials SignInAs(const std::string& username, const std::string& password);
  Credentials TokenFor(const std::string& role);
  std::string Username(const std::string& role) const;
  std::string Password(const std::string& role) const;  // the demo account's

  // Rows of the tables a request could write (patients, courses, events, symptoms, users,
  // sessions, api_tokens), not the audit log.
  std::string Rows();
  int64_t Count(const std::string& table);

 private:
  void CheckPlainLanguage(const http::Request& req, const http::Response& resp);
  TestDatabase db_{"sqlite"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<webapp::WebApp> app_;
  std::vector<webapp::DemoAccount> accounts_;
};

std::string UrlEncode(const std::string& s);
// The value of a Set-Cookie header's cookie `name` in a response, or "".
std::string SetCookie(const http::Response& r, const std::string& name);
// The csrf hidden field's value in an HTML page, or "".
std::string CsrfOf(const std::string& html);

}  // namespace lenacare::testing
