// Credentials after sign-in, on the web and in the API: a user's own password and API tokens
// (/account, /api/v1/account, /api/v1/tokens), and the administrator's side — disabling and
// enabling accounts, resetting passwords, every account's tokens (/admin/users, /api/v1/users).
// A token never makes tokens or changes a password: both need a signed-in person.
#include <algorithm>

#include "course/json_input.h"
#include "store/accounts.h"
#include "webapp/app.h"
#include "wire/json.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

const char* const kSignIn = "sign in or send an API token (Authorization: Bearer)";

// A number from a path segment ("/tokens/{id}"), or nothing.
std::optional<int64_t> IdOf(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return {};
  return std::stoll(text);
}

// The request body's JSON object with only the `allowed` keys, or the error.
Result<json> BodyWith(const http::Request& req, std::initializer_list<std::string_view> allowed) {
  if (req.Header("content-type").rfind("application/json", 0) != 0) {
    return Error::BadInput("content-type", "send the request as application/json");
  }
  auto body = json_input::ParseObject(req.body, "body");
  if (!body.ok()) return body;
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      return Error::BadInput(it.key(), "not an input of this request");
    }
  }
  return body;
}

std::string TextOf(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A browser session's write carries its CSRF token (a header in the API, a field in forms).
bool CsrfHeaderOk(const http::Request& req, const Caller& c) {
  return c.by_token || (!c.csrf.empty() && store::SameSecret(req.Header("x-csrf-token"), c.csrf));
}

// Changes the caller's password after checking the current one. The check (Argon2id) runs
// outside the store's lock; a wrong current password counts as a failed sign-in.
Status ChangeOwnPassword(Site& site, const http::Request& req, const Caller& c, const std::string& current,
                         const std::string& next) {
  if (Status s = store::CheckNewPassword(next); !s.ok()) return s;
  const store::SignInAttempt attempt{c.user->username, ClientAddress(site.options, req)};
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(site.clock.Now().time_since_epoch()).count();
  std::optional<store::StoredCredentials> stored;
  {
    Site::Db db = site.Lock(c);
    auto wait = db.accounts.SignInWait(attempt, now_ms);
    if (!wait.ok()) return wait.error();
    if (*wait > 0) {
      return Error::BadInput("current_password",
                             "too many wrong passwords: wait " + std::to_string(*wait) + " seconds and try again");
    }
    auto found = db.accounts.CredentialsOf(c.user->username);
    if (!found.ok()) return found.error();
    stored = std::move(found).value();
  }
  const bool match = store::VerifyPassword(stored, current);
  Site::Db db = site.Lock(c);
  if (!match) {
    if (Status f = db.accounts.SignInFailed(attempt, now_ms); !f.ok()) return f;
    return Error::BadInput("current_password", "is not your current password");
  }
  return db.accounts.ChangePassword(c.user->username, next, c.session_token);
}

std::string TokenRows(const std::vector<store::TokenInfo>& tokens, const Caller& c, const std::string& action_base,
                      bool show_owner) {
  std::string rows;
  for (const store::TokenInfo& t : tokens) {
    rows += "<tr><td>" + std::to_string(t.id) + "</td>";
    if (show_owner) rows += "<td>" + Escape(t.username) + "</td>";
    rows += "<td>" + Escape(t.name) + "</td><td>" + Escape(t.state) + "</td><td>" + Escape(t.created_at.substr(0, 10)) +
            "</td><td>" + Escape(t.expires_at.substr(0, 10)) + "</td><td>";
    if (t.state == "active") {
      rows += "<form method=\"post\" action=\"" + action_base + std::to_string(t.id) + "/revoke\">" + CsrfField(c) +
              "<button type=\"submit\">Revoke</button></form>";
    }
    rows += "</td></tr>";
  }
  return rows;
}

std::string TokenTable(const std::string& rows, bool show_owner) {
  return "<table tabindex=\"0\"><caption class=\"visually-hidden\">API tokens</caption><thead><tr><th "
         "scope=\"col\">No.</th>" +
         std::string(show_owner ? "<th scope=\"col\">Account</th>" : "") +
         "<th scope=\"col\">Name</th><th scope=\"col\">State</th><th scope=\"col\">Made</th><th "
         "scope=\"col\">Expires</th><th scope=\"col\"><span class=\"visually-hidden\">Action</span></th></tr></thead>"
         "<tbody>" +
         rows + "</tbody></table>";
}

http::Response AccountPage(Site& site, const Caller& c, int status, const std::string& flash, const std::string& error,
                           const std::string& new_token = "") {
  PageSpec page;
  page.title = "Your account";
  page.flash = flash;
  std::vector<store::TokenInfo> tokens;
  {
    Site::Db db = site.Lock(c);
    auto list = db.accounts.ListTokens(c.user->username);
    if (list.ok()) tokens = std::move(list).value();
  }
  page.main =
      "<p>Signed in as <strong>" + Escape(c.user->username) + "</strong> (" + store::RoleName(c.user->role) + ").</p>";
  if (!error.empty()) page.main += "<p class=\"error\" role=\"alert\">" + Escape(error) + "</p>";
  if (!new_token.empty()) {
    page.main +=
        "<p role=\"status\">Your new API token (shown only now; send it as "
        "<code>Authorization: Bearer &lt;token&gt;</code>):</p><pre class=\"text\" id=\"new-token\">" +
        Escape(new_token) + "</pre>";
  }
  page.main +=
      "<h2>Change your password</h2><form class=\"stack\" method=\"post\" action=\"/account/password\">" +
      CsrfField(c) +
      "<div><label for=\"current\">Current password</label><input id=\"current\" name=\"current_password\" "
      "type=\"password\" autocomplete=\"current-password\" required></div><div><label for=\"next\">New password "
      "<span class=\"hint\">(at least " +
      std::to_string(store::AccountPolicy::kMinPasswordLength) +
      " characters; your other sessions end)</span></label><input id=\"next\" name=\"new_password\" "
      "type=\"password\" autocomplete=\"new-password\" required></div><div><button type=\"submit\">Change "
      "password</button></div></form><h2>API tokens</h2><p>For scripts and other systems. A token acts with your "
      "role, until it expires or you revoke it.</p>" +
      TokenTable(TokenRows(tokens, c, "/account/tokens/", false), false) +
      "<form class=\"stack\" method=\"post\" action=\"/account/tokens\">" + CsrfField(c) +
      "<div><label for=\"token-name\">Name <span class=\"hint\">(what it is for)</span></label><input "
      "id=\"token-name\" name=\"name\" required maxlength=\"" +
      std::to_string(store::AccountPolicy::kMaxTokenNameLength) +
      "\"></div><div><label for=\"token-days\">Days it works <span class=\"hint\">(1 to " +
      std::to_string(site.options.tokens.max_days) +
      ")</span></label><input id=\"token-days\" name=\"days\" "
      "inputmode=\"numeric\" value=\"" +
      std::to_string(site.options.tokens.default_days) +
      "\"></div><div><button type=\"submit\">Make a token</button></div></form>";
  return Html(status, site.Page(c, page));
}

// A signed-in person (not a token) for the account pages.
std::optional<http::Response> RequirePerson(Site& site, const http::Request& req, const Caller& c) {
  if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see this page.");
  if (c.by_token) return Refuse(site, req, c, 403, "An API token cannot do this: sign in with your password.");
  return std::nullopt;
}

std::optional<int64_t> DaysOf(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(text);
}

}  // namespace

void AddAccountPages(Site& site, Router& router) {
  router.Add("GET", "/account", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePerson(site, req, c)) return *refuse;
    return AccountPage(site, c, 200, "", "");
  });

  router.Add("POST", "/account/password", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePerson(site, req, c)) return *refuse;
    const auto form = FormFields(req);
    if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
    Status s = ChangeOwnPassword(site, req, c, Field(form, "current_password"), Field(form, "new_password"));
    if (!s.ok()) return AccountPage(site, c, ErrorStatus(s.error()), "", s.error().Describe());
    return AccountPage(site, c, 200, "Your password was changed; your other sessions ended.", "");
  });

  router.Add("POST", "/account/tokens", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePerson(site, req, c)) return *refuse;
    const auto form = FormFields(req);
    if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
    Result<std::string> token = Error::Failed("", "");
    {
      Site::Db db = site.Lock(c);
      token = app::AddToken(db.ctx, c.user->username, Field(form, "name"), DaysOf(Field(form, "days")),
                            site.options.tokens);
    }
    if (!token.ok()) return AccountPage(site, c, ErrorStatus(token.error()), "", token.error().Describe());
    return AccountPage(site, c, 201, "Made an API token.", "", *token);
  });

  router.Add("POST", "/account/tokens/{id}/revoke",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequirePerson(site, req, c)) return *refuse;
               const auto form = FormFields(req);
               if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
               const auto id = IdOf(p.at("id"));
               Status s = Error::BadInput("id", "not a token number");
               if (id) {
                 Site::Db db = site.Lock(c);
                 s = app::RevokeToken(db.ctx, *id, c.user->username);
               }
               if (!s.ok()) return AccountPage(site, c, ErrorStatus(s.error()), "", s.error().Describe());
               return AccountPage(site, c, 200, "Revoked token " + p.at("id") + ".", "");
             });

  // The administrator's actions on an account; the page itself is /admin/users (auth.cpp).
  const auto admin_act = [&site](const std::string& what) {
    return [&site, what](const http::Request& req, const RouteParams& p, const Caller& c) {
      if (auto refuse = RequirePerson(site, req, c)) return *refuse;
      if (!c.May(Capability::kManageUsers)) return Refuse(site, req, c, 403, "Only administrators manage accounts.");
      const auto form = FormFields(req);
      if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
      const std::string username = p.count("username") > 0 ? p.at("username") : "";
      Status s = Status::Ok();
      {
        Site::Db db = site.Lock(c);
        if (what == "disable" || what == "enable") {
          if (what == "disable" && username == c.user->username) {
            s = Error::BadInput("username", "you cannot disable your own account");
          } else {
            s = app::SetUserDisabled(db.ctx, username, what == "disable");
          }
        } else if (what == "password") {
          s = app::ResetPassword(db.ctx, username, Field(form, "password"));
        } else {
          const auto id = IdOf(p.at("id"));
          s = id ? app::RevokeToken(db.ctx, *id, "") : Status(Error::BadInput("id", "not a token number"));
        }
      }
      if (!s.ok()) return Refuse(site, req, c, ErrorStatus(s.error()), s.error().Describe());
      return Redirect("/admin/users");
    };
  };
  router.Add("POST", "/admin/users/{username}/disable", admin_act("disable"));
  router.Add("POST", "/admin/users/{username}/enable", admin_act("enable"));
  router.Add("POST", "/admin/users/{username}/password", admin_act("password"));
  router.Add("POST", "/admin/tokens/{id}/revoke", admin_act("revoke"));

  // The API.
  router.Add("GET", "/api/v1/tokens", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return JsonError(401, "authorization", kSignIn);
    const bool all = req.query.count("all") > 0;
    if (all && !c.May(Capability::kManageUsers)) {
      return JsonError(403, "all", "only an administrator lists every account's tokens");
    }
    Site::Db db = site.Lock(c);
    auto tokens = app::ListTokens(db.ctx, all ? "" : c.user->username);
    if (!tokens.ok()) return ErrorResponse(tokens.error());
    return Json(200, wire::TokensJson(*tokens));
  });

  router.Add("POST", "/api/v1/tokens", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return JsonError(401, "authorization", kSignIn);
    if (c.by_token) return JsonError(403, "authorization", "a token cannot make tokens: sign in with your password");
    if (!CsrfHeaderOk(req, c)) {
      return JsonError(403, "x-csrf-token", "missing or wrong: a browser session must send its CSRF token");
    }
    auto body = BodyWith(req, {"name", "days"});
    if (!body.ok()) return ErrorResponse(body.error());
    const json name = body->value("name", json());
    if (!name.is_string()) return ErrorResponse(Error::BadInput("name", "missing: give the token a name"));
    std::optional<int64_t> days;
    if (body->contains("days")) {
      if (!(*body)["days"].is_number_integer()) return ErrorResponse(Error::BadInput("days", "a whole number of days"));
      days = (*body)["days"].get<int64_t>();
    }
    Site::Db db = site.Lock(c);
    auto token = app::AddToken(db.ctx, c.user->username, name.get<std::string>(), days, site.options.tokens);
    if (!token.ok()) return ErrorResponse(token.error());
    return Json(201, {{"token", *token}, {"name", name}, {"username", c.user->username}});
  });

  router.Add("POST", "/api/v1/tokens/{id}/revoke",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (!c.signed_in()) return JsonError(401, "authorization", kSignIn);
               if (!CsrfHeaderOk(req, c)) {
                 return JsonError(403, "x-csrf-token", "missing or wrong: a browser session must send its CSRF token");
               }
               const auto id = IdOf(p.at("id"));
               if (!id) return ErrorResponse(Error::BadInput("id", "not a token number"));
               Site::Db db = site.Lock(c);
               // An administrator revokes any token; anyone else only their own.
               Status s = app::RevokeToken(db.ctx, *id, c.May(Capability::kManageUsers) ? "" : c.user->username);
               if (!s.ok()) return ErrorResponse(s.error());
               return Json(200, {{"revoked", *id}});
             });

  router.Add(
      "POST", "/api/v1/account/password", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
        if (!c.signed_in()) return JsonError(401, "authorization", kSignIn);
        if (c.by_token) {
          return JsonError(403, "authorization", "a token cannot change a password: sign in with it");
        }
        if (!CsrfHeaderOk(req, c)) {
          return JsonError(403, "x-csrf-token", "missing or wrong: a browser session must send its CSRF token");
        }
        auto body = BodyWith(req, {"current_password", "new_password"});
        if (!body.ok()) return ErrorResponse(body.error());
        Status s = ChangeOwnPassword(site, req, c, TextOf(*body, "current_password"), TextOf(*body, "new_password"));
        if (!s.ok()) return ErrorResponse(s.error());
        return Json(200, {{"changed", true}});
      });

  const auto api_admin = [&site](const std::string& what) {
    return [&site, what](const http::Request& req, const RouteParams& p, const Caller& c) {
      if (!c.signed_in()) return JsonError(401, "authorization", kSignIn);
      if (!c.May(Capability::kManageUsers))
        return JsonError(403, "authorization", "only administrators manage accounts");
      if (!CsrfHeaderOk(req, c)) {
        return JsonError(403, "x-csrf-token", "missing or wrong: a browser session must send its CSRF token");
      }
      const std::string& username = p.at("username");
      auto body = BodyWith(req, {"password"});
      if (!body.ok() && !req.body.empty()) return ErrorResponse(body.error());
      Site::Db db = site.Lock(c);
      Status s = Status::Ok();
      if (what == "password") {
        s = app::ResetPassword(db.ctx, username, body.ok() ? TextOf(*body, "password") : "");
      } else if (what == "disable" && username == c.user->username) {
        s = Error::BadInput("username", "you cannot disable your own account");
      } else {
        s = app::SetUserDisabled(db.ctx, username, what == "disable");
      }
      if (!s.ok()) return ErrorResponse(s.error());
      return Json(200, {{"username", username}, {"done", what}});
    };
  };
  router.Add("POST", "/api/v1/users/{username}/disable", api_admin("disable"));
  router.Add("POST", "/api/v1/users/{username}/enable", api_admin("enable"));
  router.Add("POST", "/api/v1/users/{username}/password", api_admin("password"));
}

}  // namespace lenacare::webapp
