// Sign-in and sign-out, and the administrator's accounts page.
#include <memory>

#include "webapp/app.h"
#include "webapp/rate_limit.h"

namespace lenacare::webapp {
namespace {

constexpr const char* kPreLoginCookie = "lenacare_login";

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
  r.Header("Set-Cookie", std::string(kPreLoginCookie) + "=" + token + CookieAttributes(site) + "; Max-Age=3600");
  return r;
}

}  // namespace

void AddAuth(Site& site, Router& router) {
  auto users = std::make_shared<RateLimiter>(SignInPolicy::kMaxFailuresPerUser, SignInPolicy::kWindow);
  auto addresses = std::make_shared<RateLimiter>(SignInPolicy::kMaxFailuresPerAddress, SignInPolicy::kWindow);

  router.Add("GET", "/sign-in", [&site](const http::Request&, const RouteParams&, const Caller& caller) {
    if (caller.signed_in()) return Redirect(HomeOf(caller));
    return SignInPage(site, caller, 200, "", "");
  });

  router.Add(
      "POST", "/sign-in",
      [&site, users, addresses](const http::Request& req, const RouteParams&, const Caller& caller) {
        const auto form = FormFields(req);
        const std::string pre = req.Cookie(kPreLoginCookie), sent = Field(form, "csrf");
        if (pre.empty() || !store::SameSecret(pre, sent)) {
          return SignInPage(site, caller, 403, "The form expired or was not sent from this site: try again.", "");
        }
        const std::string username = Field(form, "username"), password = Field(form, "password");
        const long wait = std::max(users->RetryAfter(username), addresses->RetryAfter(req.remote));
        if (wait > 0) {
          http::Response r = SignInPage(
              site, caller, 429,
              "Too many failed sign-ins: wait " + std::to_string((wait + 59) / 60) + " minutes and try again.",
              username);
          r.Header("Retry-After", std::to_string(wait));
          return r;
        }
        Site::Db db = site.Lock(caller);
        auto user = db.accounts.CheckPassword(username, password);
        if (!user.ok()) {
          users->Failed(username);
          addresses->Failed(req.remote);
          const int status = user.error().kind == ErrorKind::kFailed ? 500 : 401;
          return SignInPage(site, caller, status, user.error().message, username);
        }
        users->Succeeded(username);
        // The sign-in is the user's own act in the audit log.
        auto session = store::Accounts(*db.ctx.store, user->username).OpenSession(*user, site.options.session_lifetime);
        if (!session.ok()) return SignInPage(site, caller, 500, session.error().message, username);
        Caller who;
        who.user = *user;
        http::Response r = Redirect(HomeOf(who));
        r.Header("Set-Cookie", "lenacare_session=" + session->token + CookieAttributes(site) +
                                   "; Max-Age=" + std::to_string(site.options.session_lifetime.count()));
        r.Header("Set-Cookie", std::string(kPreLoginCookie) + "=" + CookieAttributes(site) + "; Max-Age=0");
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
    r.Header("Set-Cookie", "lenacare_session=" + CookieAttributes(site) + "; Max-Age=0");
    return r;
  });

  auto users_page = [&site](const Caller& caller, int status, const std::string& flash, const std::string& error) {
    PageSpec page;
    page.title = "Users";
    page.flash = flash;
    Site::Db db = site.Lock(caller);
    auto list = db.accounts.ListUsers();
    std::string rows;
    if (list.ok()) {
      for (const store::User& u : *list) {
        rows += "<tr><td>" + Escape(u.username) + "</td><td>" + store::RoleName(u.role) + "</td><td>" +
                Escape(u.patient_ref) + "</td></tr>";
      }
    }
    page.main =
        "<table tabindex=\"0\"><caption class=\"visually-hidden\">Accounts</caption><thead><tr><th "
        "scope=\"col\">Username"
        "</th><th scope=\"col\">Role</th><th scope=\"col\">Patient record</th></tr></thead><tbody>" +
        rows + "</tbody></table><h2>Add an account</h2>";
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
    db.lock.unlock();
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
