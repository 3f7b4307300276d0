// Sign-in and sign-out, and the administrator's accounts page.
#include <memory>

#include "store/audit.h"
#include "webapp/app.h"

namespace lenacare::webapp {
namespace {

std::string CookieAttributes(const Site& site) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (site.options.secure_cookies ? "; Secure" : "");
}

std::string HomeOf(const Caller& c) {
  if (c.Is(store::Role::kPatient)) return "/me";
  if (c.Is(store::Role::kAdmin)) return "/admin/users";
  return "/worklist";
}

http::Response SignInPage(Site& site, const Caller& caller, int status, const std::string& error,
                          const std::string& username) {
  // The login form's CSRF token: a random value in a cookie and in the form (double submit),
  // since there is no session yet.
  const std::string token = store::RandomSecret();
  PageSpec page;
  page.title = "Sign in";
  page.sources = {"lenacare accounts and roles (README: Accounts and access)"};
  page.main = "<p>For clinicians, pharmacists, patients and administrators with a lenacare account.</p>";
  if (!error.empty()) page.main += "<p class=\"error\" role=\"alert\" id=\"sign-in-error\">" + Escape(error) + "</p>";
  page.main +=
      "<form class=\"stack\" method=\"post\" action=\"/sign-in\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      token +
      "\">"
      "<div><label for=\"username\">Username</label><input id=\"username\" name=\"username\" "
      "autocomplete=\"username\" required value=\"" +
      Escape(username) +
      "\"></div>"
      "<div><label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
      "type=\"password\" autocomplete=\"current-password\" required></div>"
      "<div><button type=\"submit\">Sign in</button></div></form>";
  http::Response r = Html(status, site.Page(caller, page));
  r.Header("Set-Cookie", PreLoginCookie(site.options) + "=" + token + CookieAttributes(site) + "; Max-Age=3600");
  return r;
}

int64_t NowMs(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch()).count();
}

std::string WaitText(int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + " seconds";
  return std::to_string((seconds + 59) / 60) + " minutes";
}

}  // namespace

void AddAuth(Site& site, Router& router) {
  router.Add("GET", "/sign-in", [&site](const http::Request&, const RouteParams&, const Caller& caller) {
    if (caller.signed_in()) return Redirect(HomeOf(caller));
    return SignInPage(site, caller, 200, "", "");
  });

  // Runs on the server's pool for heavy requests (WebApp::IsHeavy): the password check takes a
  // tenth of a second of CPU and runs outside the store's lock.
  router.Add("POST", "/sign-in", [&site](const http::Request& req, const RouteParams&, const Caller& caller) {
    const auto form = FormFields(req);
    const std::string pre = req.Cookie(PreLoginCookie(site.options)), sent = Field(form, "csrf");
    if (pre.empty() || !store::SameSecret(pre, sent)) {
      return SignInPage(site, caller, 403, "The form expired or was not sent from this site: try again.", "");
    }
    const std::string typed = Field(form, "username"), password = Field(form, "password");
    // A name no account can have (too long, other characters) is refused before any other work.
    const std::optional<std::string> username = store::NormalUsername(typed);
    const std::string shown = username.value_or("");
    const store::SignInAttempt attempt{shown, ClientAddress(site.options, req)};
    const int64_t now_ms = NowMs(site.clock);
    std::optional<store::StoredCredentials> stored;
    {
      Site::Db db = site.Lock(caller);
      auto wait = db.accounts.SignInWait(attempt, now_ms);
      if (!wait.ok()) return SignInPage(site, caller, 500, wait.error().message, shown);
      if (*wait > 0) {
        http::Response r = SignInPage(site, caller, 429,
                                      "Too many failed sign-ins: wait " + WaitText(*wait) + " and try again.", shown);
        r.Header("Retry-After", std::to_string(*wait));
        return r;
      }
      if (username) {
        auto found = db.accounts.CredentialsOf(*username);
        if (!found.ok()) return SignInPage(site, caller, 500, found.error().message, shown);
        stored = std::move(found).value();
      }
    }
    const bool match = username.has_value() && store::VerifyPassword(stored, password);
    Site::Db db = site.Lock(caller);
    if (!match) {
      Status failed = db.accounts.SignInFailed(attempt, now_ms);
      if (!failed.ok()) return SignInPage(site, caller, 500, failed.error().message, shown);
      return SignInPage(site, caller, 401, "the username or the password is wrong", shown);
    }
    if (stored->disabled) {
      (void)db.ctx.store->Audit(stored->user.username, "auth.refused", stored->user.username, "account disabled");
      return SignInPage(site, caller, 403, "This account is disabled: ask an administrator to enable it.", shown);
    }
    if (Status ok = db.accounts.SignInSucceeded(attempt); !ok.ok()) {
      return SignInPage(site, caller, 500, ok.error().message, shown);
    }
    (void)db.accounts.PurgeSessions(site.options.session_idle);  // expired sessions go; a failure here is harmless
    // The sign-in is the user's own act in the audit log.
    const store::User& user = stored->user;
    auto session = store::Accounts(*db.ctx.store, user.username).OpenSession(user, site.options.session_lifetime);
    if (!session.ok()) return SignInPage(site, caller, 500, session.error().message, shown);
    Caller who;
    who.user = user;
    http::Response r = Redirect(HomeOf(who));
    r.Header("Set-Cookie", SessionCookie(site.options) + "=" + session->token + CookieAttributes(site) +
                               "; Max-Age=" + std::to_string(site.options.session_lifetime.count()));
    r.Header("Set-Cookie", PreLoginCookie(site.options) + "=" + CookieAttributes(site) + "; Max-Age=0");
    return r;
  });

  router.Add("POST", "/sign-out", [&site](const http::Request& req, const RouteParams&, const Caller& caller) {
    if (!caller.signed_in() || caller.by_token) return Redirect("/");
    if (!CsrfOk(caller, FormFields(req)))
      return Refuse(site, req, caller, 403, "The form was not sent from this site.");
    Site::Db db = site.Lock(caller);
    Status s = db.accounts.CloseSession(caller.session_token);
    if (!s.ok()) return Refuse(site, req, caller, 500, s.error().message);
    http::Response r = Redirect("/");
    r.Header("Set-Cookie", SessionCookie(site.options) + "=" + CookieAttributes(site) + "; Max-Age=0");
    return r;
  });

  auto users_page = [&site](const Caller& caller, int status, const std::string& flash, const std::string& error) {
    PageSpec page;
    page.title = "Users";
    page.flash = flash;
    Site::Db db = site.Lock(caller);
    auto list = db.accounts.ListUsers();
    auto tokens = db.accounts.ListTokens("");
    db.lock.unlock();
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
    std::string token_rows;
    if (tokens.ok()) {
      for (const store::TokenInfo& t : *tokens) {
        token_rows += "<tr><td>" + std::to_string(t.id) + "</td><td>" + Escape(t.username) + "</td><td>" +
                      Escape(t.name) + "</td><td>" + Escape(t.state) + "</td><td>" +
                      Escape(t.expires_at.substr(0, 10)) + "</td><td>";
        if (t.state == "active") {
          token_rows += "<form method=\"post\" action=\"/admin/tokens/" + std::to_string(t.id) + "/revoke\">" +
                        CsrfField(caller) + "<button type=\"submit\">Revoke</button></form>";
        }
        token_rows += "</td></tr>";
      }
    }
    page.main =
        "<table tabindex=\"0\"><caption class=\"visually-hidden\">Accounts</caption><thead><tr><th "
        "scope=\"col\">Username</th><th scope=\"col\">Role</th><th scope=\"col\">Patient record</th><th "
        "scope=\"col\">State</th><th scope=\"col\">Actions</th></tr></thead><tbody>" +
        rows +
        "</tbody></table><p class=\"hint\">Disabling an account ends its sessions and stops its API tokens at once; "
        "a new password ends its sessions.</p><h2>API tokens</h2><table tabindex=\"0\"><caption "
        "class=\"visually-hidden\">Every account's API tokens</caption><thead><tr><th scope=\"col\">No.</th><th "
        "scope=\"col\">Account</th><th scope=\"col\">Name</th><th scope=\"col\">State</th><th "
        "scope=\"col\">Expires</th><th scope=\"col\"><span class=\"visually-hidden\">Action</span></th></tr></thead>"
        "<tbody>" +
        token_rows + "</tbody></table><h2>Add an account</h2>";
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
  };

  router.Add("GET", "/admin/users", [&site, users_page](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see this page.");
    if (!c.May(Capability::kManageUsers)) return Refuse(site, req, c, 403, "Only administrators manage accounts.");
    return users_page(c, 200, "", "");
  });

  router.Add(
      "POST", "/admin/users", [&site, users_page](const http::Request& req, const RouteParams&, const Caller& c) {
        if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see this page.");
        if (!c.May(Capability::kManageUsers)) return Refuse(site, req, c, 403, "Only administrators manage accounts.");
        const auto form = FormFields(req);
        if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
        auto role = store::ParseRole(Field(form, "role"));
        if (!role) return users_page(c, 400, "", "role: must be " + store::RoleNames());
        Result<store::User> added = Error::Failed("", "");
        {
          Site::Db db = site.Lock(c);
          added = db.accounts.AddUser(Field(form, "username"), *role, Field(form, "password"), Field(form, "patient"));
        }
        if (!added.ok()) return users_page(c, 400, "", added.error().Describe());
        return users_page(c, 200, "Added " + added->username + " (" + store::RoleName(added->role) + ").", "");
      });
}

}  // namespace lenacare::webapp
