// Sign-in and sign-out, and the password check they share with password changes.
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
  if (c.Is(store::Role::kCaregiver)) return "/care";
  if (c.Is(store::Role::kAdmin)) return "/admin/users";
  return "/worklist";
}

http::Response SignInPage(Site& site, const Caller& caller, int status, const std::string& error,
                          const std::string& username, const std::string& flash = "") {
  // The login form's CSRF token: a random value in a cookie and in the form (double submit),
  // since there is no session yet.
  const std::string token = store::RandomSecret();
  PageSpec page;
  page.title = "Sign in";
  page.flash = flash;
  page.sources = {"lenacare accounts and roles (README: Accounts and access)"};
  page.main = "<p>For clinicians, pharmacists, patients, caregivers and administrators with a lenacare account.</p>";
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

Result<PasswordCheck> CheckPasswordOffConnection(Site& site, const Caller& caller, const store::SignInAttempt& attempt,
                                                 const std::string& password) {
  const int64_t now_ms = NowMs(site.clock);
  std::optional<store::StoredCredentials> stored;
  {
    Site::Db db = site.Connect(caller);
    auto wait = db.accounts.SignInWait(attempt, now_ms);
    if (!wait.ok()) return wait.error();
    if (*wait > 0) return PasswordCheck{*wait, std::nullopt};
    if (!attempt.username.empty()) {  // "": a name no account can have, refused without a check
      auto found = db.accounts.CredentialsOf(attempt.username);
      if (!found.ok()) return found.error();
      stored = std::move(found).value();
    }
  }
  if (!attempt.username.empty() && store::VerifyPassword(stored, password)) return PasswordCheck{0, std::move(stored)};
  Site::Db db = site.Connect(caller);
  if (Status failed = db.accounts.SignInFailed(attempt, now_ms); !failed.ok()) return failed.error();
  return PasswordCheck{0, std::nullopt};
}

void AddAuth(Site& site, Router& router) {
  router.Add("GET", "/sign-in", [&site](const http::Request& req, const RouteParams&, const Caller& caller) {
    if (caller.signed_in()) return Redirect(HomeOf(caller));
    return SignInPage(site, caller, 200, "", "",
                      req.Query("joined") == "1" ? "Your caregiver account is ready: sign in with it." : "");
  });

  // Runs on the server's pool for heavy requests (WebApp::IsHeavy): the password check takes a
  // tenth of a second of CPU and runs holding no database connection.
  router.Add("POST", "/sign-in", [&site](const http::Request& req, const RouteParams&, const Caller& caller) {
    const auto form = FormFields(req);
    const std::string pre = req.Cookie(PreLoginCookie(site.options)), sent = Field(form, "csrf");
    if (pre.empty() || !store::SameSecret(pre, sent)) {
      return SignInPage(site, caller, 403, "The form expired or was not sent from this site: try again.", "");
    }
    const std::string typed = Field(form, "username"), password = Field(form, "password");
    // A name no account can have (too long, other characters) is refused before any other work.
    const std::string shown = store::NormalUsername(typed).value_or("");
    const store::SignInAttempt attempt{shown, ClientAddress(site.options, req)};
    auto checked = CheckPasswordOffConnection(site, caller, attempt, password);
    if (!checked.ok()) return SignInPage(site, caller, 500, checked.error().message, shown);
    if (checked->wait_seconds > 0) {
      http::Response r =
          SignInPage(site, caller, 429,
                     "Too many failed sign-ins: wait " + WaitText(checked->wait_seconds) + " and try again.", shown);
      r.Header("Retry-After", std::to_string(checked->wait_seconds));
      return r;
    }
    if (!checked->matched) return SignInPage(site, caller, 401, "the username or the password is wrong", shown);
    const store::User& user = checked->matched->user;
    Site::Db db = site.Connect(caller);
    if (user.disabled) {
      (void)db.ctx.store->Audit(user.username, "auth.refused", user.username, "account disabled");
      return SignInPage(site, caller, 403, "This account is disabled: ask an administrator to enable it.", shown);
    }
    if (Status ok = db.accounts.SignInSucceeded(attempt); !ok.ok()) {
      return SignInPage(site, caller, 500, ok.error().message, shown);
    }
    (void)db.accounts.PurgeSessions(site.options.session_idle);  // expired sessions go; a failure here is harmless
    // The sign-in is the user's own act in the audit log.
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
    Site::Db db = site.Connect(caller);
    Status s = db.accounts.CloseSession(caller.session_token);
    if (!s.ok()) return Refuse(site, req, caller, 500, s.error().message);
    http::Response r = Redirect("/");
    r.Header("Set-Cookie", SessionCookie(site.options) + "=" + CookieAttributes(site) + "; Max-Age=0");
    return r;
  });
}

}  // namespace lenacare::webapp
