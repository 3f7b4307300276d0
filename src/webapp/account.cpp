// Credentials after sign-in, on the web and in the API: a user's own password and API tokens
// (/account, /api/v1/account, /api/v1/tokens), and the administrator's side — disabling and
// enabling accounts, resetting passwords, every account's tokens (/admin/users, /api/v1/users).
// A token never makes tokens or changes a password: both need a signed-in person.
#include "store/accounts.h"
#include "webapp/api_support.h"
#include "webapp/app.h"
#include "webapp/fields.h"
#include "wire/json.h"

namespace lenacare::webapp {
namespace {

// A number from a path segment ("/tokens/{id}"), or nothing.
std::optional<int64_t> IdOf(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return {};
  return std::stoll(text);
}

// What the token forms and the token API take.
struct TokenRequest {
  std::string name;
  std::optional<int> days;  // the policy's default when not given
};
const Fields<TokenRequest>& TokenFields() {
  static const Fields<TokenRequest> f =
      Fields<TokenRequest>().Text("name", &TokenRequest::name, true).Int("days", &TokenRequest::days);
  return f;
}

struct PasswordChange {
  std::string current_password, new_password;
};
const Fields<PasswordChange>& PasswordChangeFields() {
  static const Fields<PasswordChange> f = Fields<PasswordChange>()
                                              .Text("current_password", &PasswordChange::current_password, true)
                                              .Text("new_password", &PasswordChange::new_password, true);
  return f;
}

struct PasswordReset {
  std::string password;
};
const Fields<PasswordReset>& PasswordResetFields() {
  static const Fields<PasswordReset> f = Fields<PasswordReset>().Text("password", &PasswordReset::password);
  return f;
}

Result<std::string> MakeToken(Site& site, const Caller& c, const TokenRequest& r) {
  Site::Db db = site.Connect(c);
  const std::optional<int64_t> days = r.days ? std::optional<int64_t>(*r.days) : std::nullopt;
  return app::AddToken(db.ctx, c.user->username, r.name, days, site.options.tokens);
}

// Changes the caller's password once the current one is checked the way sign-in checks it (a
// wrong one counts as a failed sign-in).
Status ChangeOwnPassword(Site& site, const http::Request& req, const Caller& c, const PasswordChange& r) {
  if (Status s = store::CheckNewPassword(r.new_password); !s.ok()) return s;
  const store::SignInAttempt attempt{c.user->username, ClientAddress(site.options, req)};
  auto checked = CheckPasswordOffConnection(site, c, attempt, r.current_password);
  if (!checked.ok()) return checked.error();
  if (checked->wait_seconds > 0) {
    return Error::BadInput("current_password", "too many wrong passwords: wait " +
                                                   std::to_string(checked->wait_seconds) + " seconds and try again");
  }
  if (!checked->matched) return Error::BadInput("current_password", "is not your current password");
  Site::Db db = site.Connect(c);
  return db.accounts.ChangePassword(c.user->username, r.new_password, c.session_token);
}

// An administrator's act on an account ("disable", "enable" or "password"), for the page and the API.
Status ActOnAccount(const app::Context& ctx, const Caller& c, const std::string& what, const std::string& username,
                    const std::string& password) {
  if (what == "password") return app::ResetPassword(ctx, username, password);
  if (what == "disable" && username == c.user->username) {
    return Error::BadInput("username", "you cannot disable your own account");
  }
  return app::SetUserDisabled(ctx, username, what == "disable");
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
    Site::Db db = site.Connect(c);
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

http::Response UsersPage(Site& site, const Caller& caller, int status, const std::string& flash,
                         const std::string& error) {
  PageSpec page;
  page.title = "Users";
  page.flash = flash;
  auto [list, tokens] = [&] {  // the connection goes back before the page is rendered
    Site::Db db = site.Connect(caller);
    return std::make_pair(db.accounts.ListUsers(), db.accounts.ListTokens(""));
  }();
  std::string rows;
  if (list.ok()) {
    for (const store::User& u : *list) {
      const std::string base = "/admin/users/" + Escape(u.username);
      rows += "<tr><td>" + Escape(u.username) + "</td><td>" + store::RoleName(u.role) + "</td><td>" +
              Escape(u.patient_ref) + "</td><td>" + (u.disabled ? "disabled" : "active") + "</td><td>";
      if (u.username != caller.user->username || u.disabled) {
        rows += "<form method=\"post\" action=\"" + base + (u.disabled ? "/enable" : "/disable") + "\">" +
                CsrfField(caller) + "<button type=\"submit\">" + (u.disabled ? "Enable" : "Disable") +
                "</button></form>";
      }
      rows += "<form class=\"inline\" method=\"post\" action=\"" + base + "/password\">" + CsrfField(caller) +
              "<label class=\"visually-hidden\" for=\"reset-" + Escape(u.username) + "\">New password for " +
              Escape(u.username) + "</label><input id=\"reset-" + Escape(u.username) +
              "\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required><button "
              "type=\"submit\">Set password</button></form></td></tr>";
    }
  }
  page.main =
      "<table tabindex=\"0\"><caption class=\"visually-hidden\">Accounts</caption><thead><tr><th "
      "scope=\"col\">Username</th><th scope=\"col\">Role</th><th scope=\"col\">Patient record</th><th "
      "scope=\"col\">State</th><th scope=\"col\">Actions</th></tr></thead><tbody>" +
      rows +
      "</tbody></table><p class=\"hint\">Disabling an account ends its sessions and stops its API tokens at once; "
      "a new password ends its sessions.</p><h2>API tokens</h2>" +
      TokenTable(TokenRows(tokens.ok() ? *tokens : std::vector<store::TokenInfo>{}, caller, "/admin/tokens/", true),
                 true) +
      "<h2>Add an account</h2>";
  if (!error.empty()) page.main += "<p class=\"error\" role=\"alert\">" + Escape(error) + "</p>";
  page.main += "<form class=\"stack\" method=\"post\" action=\"/admin/users\">" + CsrfField(caller) +
               "<div><label for=\"new-username\">Username</label><input id=\"new-username\" name=\"username\" "
               "required></div><div><label for=\"role\">Role</label><select id=\"role\" name=\"role\">"
               "<option>prescriber</option><option>pharmacist</option><option>nurse</option><option>patient</option>"
               "<option>admin</option></select></div><div><label for=\"patient\">Patient record <span "
               "class=\"hint\">(patient accounts only)</span></label><input id=\"patient\" name=\"patient\"></div>"
               "<div><label for=\"new-password\">Password <span class=\"hint\">(at least " +
               std::to_string(store::AccountPolicy::kMinPasswordLength) +
               " characters)</span></label><input id=\"new-password\" name=\"password\" type=\"password\" "
               "autocomplete=\"new-password\" required></div><div><button type=\"submit\">Add account</button></div>"
               "</form>";
  return Html(status, site.Page(caller, page));
}

// A signed-in person (not a token) for the account pages.
std::optional<http::Response> RequirePerson(Site& site, const http::Request& req, const Caller& c) {
  if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see this page.");
  if (c.by_token) return Refuse(site, req, c, 403, "An API token cannot do this: sign in with your password.");
  return std::nullopt;
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
    PasswordChange r;
    Status s = PasswordChangeFields().FromForm(form, r);
    if (s.ok()) s = ChangeOwnPassword(site, req, c, r);
    if (!s.ok()) return AccountPage(site, c, ErrorStatus(s.error()), "", s.error().Describe());
    return AccountPage(site, c, 200, "Your password was changed; your other sessions ended.", "");
  });

  router.Add("POST", "/account/tokens", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePerson(site, req, c)) return *refuse;
    const auto form = FormFields(req);
    if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
    TokenRequest r;
    Status read = TokenFields().FromForm(form, r);
    const Result<std::string> token = read.ok() ? MakeToken(site, c, r) : Result<std::string>(read.error());
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
                 Site::Db db = site.Connect(c);
                 s = app::RevokeToken(db.ctx, *id, c.user->username);
               }
               if (!s.ok()) return AccountPage(site, c, ErrorStatus(s.error()), "", s.error().Describe());
               return AccountPage(site, c, 200, "Revoked token " + p.at("id") + ".", "");
             });

  router.Add("GET", "/admin/users", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see this page.");
    if (!c.May(Capability::kManageUsers)) return Refuse(site, req, c, 403, "Only administrators manage accounts.");
    return UsersPage(site, c, 200, "", "");
  });

  router.Add("POST", "/admin/users", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see this page.");
    if (!c.May(Capability::kManageUsers)) return Refuse(site, req, c, 403, "Only administrators manage accounts.");
    const auto form = FormFields(req);
    if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
    auto role = store::ParseRole(Field(form, "role"));
    if (!role) return UsersPage(site, c, 400, "", "role: must be " + store::RoleNames());
    Result<store::User> added = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      added = db.accounts.AddUser(Field(form, "username"), *role, Field(form, "password"), Field(form, "patient"));
    }
    if (!added.ok()) return UsersPage(site, c, 400, "", added.error().Describe());
    return UsersPage(site, c, 200, "Added " + added->username + " (" + store::RoleName(added->role) + ").", "");
  });

  // The administrator's actions on an account and its tokens.
  const auto admin_act = [&site](const std::string& what) {
    return [&site, what](const http::Request& req, const RouteParams& p, const Caller& c) {
      if (auto refuse = RequirePerson(site, req, c)) return *refuse;
      if (!c.May(Capability::kManageUsers)) return Refuse(site, req, c, 403, "Only administrators manage accounts.");
      const auto form = FormFields(req);
      if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
      const std::string username = p.count("username") > 0 ? p.at("username") : "";
      Status s = Status::Ok();
      {
        Site::Db db = site.Connect(c);
        if (what != "revoke") {
          s = ActOnAccount(db.ctx, c, what, username, Field(form, "password"));
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
    if (auto refuse = RequireSignedIn(c)) return *refuse;
    const bool all = req.query.count("all") > 0;
    if (all && !c.May(Capability::kManageUsers)) {
      return JsonError(403, "all", "only an administrator lists every account's tokens");
    }
    Site::Db db = site.Connect(c);
    auto tokens = app::ListTokens(db.ctx, all ? "" : c.user->username);
    if (!tokens.ok()) return ErrorResponse(tokens.error());
    return Json(200, wire::TokensJson(*tokens));
  });

  router.Add("POST", "/api/v1/tokens", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequireSignedIn(c)) return *refuse;
    if (c.by_token) return JsonError(403, "authorization", "a token cannot make tokens: sign in with your password");
    if (auto refuse = RequireCsrf(req, c)) return *refuse;
    auto body = Body(req);
    if (!body.ok()) return ErrorResponse(body.error());
    TokenRequest r;
    if (Status s = TokenFields().FromJson(*body, r); !s.ok()) return ErrorResponse(s.error());
    auto token = MakeToken(site, c, r);
    if (!token.ok()) return ErrorResponse(token.error());
    return Json(201, {{"token", *token}, {"name", r.name}, {"username", c.user->username}});
  });

  router.Add("POST", "/api/v1/tokens/{id}/revoke",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (auto refuse = RequireSignedIn(c)) return *refuse;
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               const auto id = IdOf(p.at("id"));
               if (!id) return ErrorResponse(Error::BadInput("id", "not a token number"));
               Site::Db db = site.Connect(c);
               // An administrator revokes any token; anyone else only their own.
               Status s = app::RevokeToken(db.ctx, *id, c.May(Capability::kManageUsers) ? "" : c.user->username);
               if (!s.ok()) return ErrorResponse(s.error());
               return Json(200, {{"revoked", *id}});
             });

  router.Add("POST", "/api/v1/account/password",
             [&site](const http::Request& req, const RouteParams&, const Caller& c) {
               if (auto refuse = RequireSignedIn(c)) return *refuse;
               if (c.by_token) {
                 return JsonError(403, "authorization", "a token cannot change a password: sign in with it");
               }
               if (auto refuse = RequireCsrf(req, c)) return *refuse;
               auto body = Body(req);
               if (!body.ok()) return ErrorResponse(body.error());
               PasswordChange r;
               Status s = PasswordChangeFields().FromJson(*body, r);
               if (s.ok()) s = ChangeOwnPassword(site, req, c, r);
               if (!s.ok()) return ErrorResponse(s.error());
               return Json(200, {{"changed", true}});
             });

  const auto api_admin = [&site](const std::string& what) {
    return [&site, what](const http::Request& req, const RouteParams& p, const Caller& c) {
      if (auto refuse = RequireSignedIn(c)) return *refuse;
      if (!c.May(Capability::kManageUsers))
        return JsonError(403, "authorization", "only administrators manage accounts");
      if (auto refuse = RequireCsrf(req, c)) return *refuse;
      const std::string& username = p.at("username");
      PasswordReset r;  // disable and enable take no body
      if (!req.body.empty()) {
        auto body = Body(req);
        if (!body.ok()) return ErrorResponse(body.error());
        if (Status read = PasswordResetFields().FromJson(*body, r); !read.ok()) return ErrorResponse(read.error());
      }
      Site::Db db = site.Connect(c);
      Status s = ActOnAccount(db.ctx, c, what, username, r.password);
      if (!s.ok()) return ErrorResponse(s.error());
      return Json(200, {{"username", username}, {"done", what}});
    };
  };
  router.Add("POST", "/api/v1/users/{username}/disable", api_admin("disable"));
  router.Add("POST", "/api/v1/users/{username}/enable", api_admin("enable"));
  router.Add("POST", "/api/v1/users/{username}/password", api_admin("password"));
}

}  // namespace lenacare::webapp
