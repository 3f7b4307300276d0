// Caregivers on the web: the patient's page to invite and remove them (/me/caregivers), the
// invitation's sign-up (/care/join), the caregiver's list of the people they help (/care), and the
// care team's view of who has access to a patient, with revocation (on the course page). The
// caregiver's view of a patient's pages is patient_view.cpp's, under /care/{ref}. The use cases
// (app/caregivers.h) decide who may do what.
#include "app/caregivers.h"

#include "app/records.h"
#include "app/reminders.h"
#include "webapp/app.h"
#include "webapp/clinician_course.h"

namespace lenacare::webapp {
namespace {

std::optional<http::Response> RequirePatient(Site& site, const http::Request& req, const Caller& c) {
  if (!c.signed_in()) return Refuse(site, req, c, 401, site.msg("caregivers.sign_in"));
  if (!c.Is(store::Role::kPatient) || c.user->patient_ref.empty()) {
    return Refuse(site, req, c, 403, site.msg("errors.patient_accounts_only"));
  }
  return std::nullopt;
}

std::optional<http::Response> CheckCsrf(Site& site, const http::Request& req, const Caller& c,
                                        const std::multimap<std::string, std::string>& fields) {
  if (CsrfOk(c, fields)) return std::nullopt;
  return Refuse(site, req, c, 403, site.msg("errors.not_from_this_site"));
}

std::optional<int64_t> IdOf(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

// Whom a list of caregivers speaks to: the patient ("sees your pages") or the care team ("reads").
enum class Reader { kPatient, kCareTeam };

// A patient's caregivers and invitations, each with a revoke form posting to `base` + "/{id}/revoke"
// or `base` + "/invites/{id}/revoke".
std::string AccessList(const Messages& msg, const Caller& caller, const app::CareAccess& a, const std::string& base,
                       Reader reader) {
  const bool patient = reader == Reader::kPatient;
  std::string out = "<ul id=\"caregiver-list\" class=\"caregivers\">";
  bool any = false;
  for (const store::CaregiverLink& l : a.caregivers) {
    if (!l.revoked_at.empty()) continue;
    any = true;
    const std::string name = Escape(l.name);
    const std::string access = l.may_write
                                   ? (patient ? msg.Html("caregivers.access_write") : msg.Html("access.reads_writes"))
                                   : (patient ? msg.Html("caregivers.access_read") : msg.Html("access.reads"));
    out +=
        "<li><strong>" + name + "</strong> <span class=\"hint\">" +
        msg.Html("caregivers.since", {{"username", Escape(l.username)}, {"date", Escape(l.created_at.substr(0, 10))}}) +
        "</span>: " + access +
        (l.remind_after.empty() ? "" : "; " + msg.Html("caregivers.told_after", {{"time", Escape(l.remind_after)}})) +
        "<form class=\"inline\" method=\"post\" action=\"" + base + "/" + std::to_string(l.id) + "/revoke\">" +
        CsrfField(caller) + "<button type=\"submit\" id=\"revoke-caregiver-" + std::to_string(l.id) + "\">" +
        msg.Html("caregivers.remove", {{"name", name}}) + "</button></form></li>";
  }
  for (const store::CaregiverInvite& i : a.invites) {
    any = true;
    const std::string until = Escape(i.expires_at.substr(0, 10));
    out += "<li>" +
           (i.may_write ? msg.Html("caregivers.invitation_write", {{"date", until}})
                        : msg.Html("caregivers.invitation_read", {{"date", until}})) +
           "<form class=\"inline\" method=\"post\" action=\"" + base + "/invites/" + std::to_string(i.id) +
           "/revoke\">" + CsrfField(caller) + "<button type=\"submit\">" + msg.Html("caregivers.cancel_invitation") +
           "</button></form></li>";
  }
  if (!any) return "<p>" + (patient ? msg.Html("caregivers.none") : msg.Html("access.no_caregiver")) + "</p>";
  return out + "</ul>";
}

http::Response CaregiversPage(Site& site, const Caller& c, int status, const std::string& flash,
                              const std::string& error) {
  Result<app::CareAccess> access = Error::Failed("", "");
  {
    Site::Db db = site.Connect(c);
    access = app::ReadCareAccess(db.ctx, c.user->patient_ref);
  }
  PageSpec page;
  page.title = site.msg("caregivers.title");
  page.flash = flash;
  const Messages& msg = site.msg;
  if (!error.empty()) page.main += "<p class=\"error\" role=\"alert\" id=\"invite-error\">" + Escape(error) + "</p>";
  page.main +=
      access.ok()
          ? AccessList(msg, c, *access, "/me/caregivers", Reader::kPatient)
          : "<p>" + msg.Html("caregivers.list_failed", {{"error", Escape(PlainError(access.error()))}}) + "</p>";
  page.main += "<h2 id=\"invite-heading\">" + msg.Html("caregivers.invite_heading") + "</h2><p>" +
               msg.Html("caregivers.invite_intro") +
               "</p>"
               "<form id=\"form-invite\" class=\"stack\" method=\"post\" action=\"/me/caregivers/invite\" "
               "aria-labelledby=\"invite-heading\">" +
               CsrfField(c) +
               "<div><label for=\"invite-write\"><input id=\"invite-write\" name=\"may_write\" type=\"checkbox\" "
               "value=\"on\"> " +
               msg.Html("caregivers.invite_may_write") +
               "</label></div>"
               "<div><label for=\"invite-remind\">" +
               msg.Html("caregivers.invite_remind") + " <span class=\"hint\">" + msg.Html("caregivers.optional") +
               "</span></label><input id=\"invite-remind\" name=\"remind_after\" type=\"time\"></div>"
               "<div><button type=\"submit\">" +
               msg.Html("caregivers.invite_button") + "</button></div></form><p><a href=\"/me\">" +
               msg.Html("me.back_to_me") + "</a></p>";
  return Html(status, site.Page(c, page));
}

http::Response JoinPage(Site& site, const Caller& c, int status, const std::string& code, const std::string& name,
                        const std::string& username, const std::string& error) {
  PageSpec page;
  const Messages& msg = site.msg;
  page.title = msg("join.title");
  page.description = msg("join.description");
  if (!error.empty()) page.main += "<p class=\"error\" role=\"alert\" id=\"join-error\">" + Escape(error) + "</p>";
  const bool signed_in_caregiver = c.Is(store::Role::kCaregiver);
  if (c.signed_in() && !signed_in_caregiver) {
    page.main += "<p>" + msg.Html("join.wrong_account") + "</p>";
    return Html(status == 200 ? 403 : status, site.Page(c, page));
  }
  page.main += "<p>" + (signed_in_caregiver ? msg.Html("join.intro_add") : msg.Html("join.intro_new")) +
               "</p><form id=\"form-join\" class=\"stack\" method=\"post\" action=\"/care/join\">" +
               (c.signed_in() ? CsrfField(c) : "") + "<div><label for=\"join-code\">" + msg.Html("join.code") +
               "</label><input id=\"join-code\" name=\"code\" required autocomplete=\"off\" value=\"" + Escape(code) +
               "\"></div><div><label for=\"join-name\">" + msg.Html("join.name") + " <span class=\"hint\">" +
               msg.Html("join.name_hint") +
               "</span></label>"
               "<input id=\"join-name\" name=\"name\" required maxlength=\"100\" value=\"" +
               Escape(name) + "\"></div>";
  if (!signed_in_caregiver) {
    page.main += "<div><label for=\"join-username\">" + msg.Html("join.choose_username") + " <span class=\"hint\">" +
                 msg.Html("join.username_hint") +
                 "</span></label><input id=\"join-username\" name=\"username\" required autocomplete=\"username\" "
                 "value=\"" +
                 Escape(username) + "\"></div><div><label for=\"join-password\">" + msg.Html("join.choose_password") +
                 " <span class=\"hint\">" + msg.Html("join.password_hint") +
                 "</span></label><input id=\"join-password\" name=\"password\" type=\"password\" required "
                 "autocomplete=\"new-password\"></div>";
  }
  page.main += "<div><button type=\"submit\">" + msg.Html("join.button") + "</button></div></form>";
  return Html(status, site.Page(c, page));
}

}  // namespace

void AddCaregiverPages(Site& site, Router& router) {
  router.Add("GET", "/me/caregivers", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePatient(site, req, c)) return *refuse;
    const std::string saved = req.Query("saved");
    return CaregiversPage(site, c, 200,
                          saved == "removed"     ? site.msg("caregivers.removed")
                          : saved == "cancelled" ? site.msg("caregivers.cancelled")
                                                 : "",
                          "");
  });

  router.Add("POST", "/me/caregivers/invite", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePatient(site, req, c)) return *refuse;
    const auto fields = FormFields(req);
    if (auto refuse = CheckCsrf(site, req, c, fields)) return *refuse;
    app::InviteRequest r{c.user->patient_ref, Field(fields, "may_write") == "on", Field(fields, "remind_after")};
    Result<std::string> code = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      code = app::InviteCaregiver(db.ctx, r);
    }
    if (!code.ok()) {
      return CaregiversPage(site, c, ErrorStatus(code.error()), "",
                            (code.error().field == "remind_after" ? site.msg("caregivers.time_label") + ": " : "") +
                                PlainError(code.error()) + ".");
    }
    PageSpec page;
    page.title = site.msg("caregivers.code_title");
    page.main =
        "<p>" + site.msg.Html("caregivers.code_intro") + "</p><p class=\"answer\"><strong id=\"invite-code\">" +
        Escape(*code) + "</strong></p><p>" +
        site.msg.Html(
            "caregivers.code_where",
            {{"join_link", "<a id=\"invite-link\" href=\"/care/join?code=" + Escape(*code) + "\">/care/join</a>"},
             {"list_link", "<a href=\"/me/caregivers\">" + site.msg.Html("caregivers.title") + "</a>"}}) +
        "</p>";
    return Html(200, site.Page(c, page));
  });

  // The patient removes a caregiver or cancels an invitation: one route each, the same steps.
  using Revoke = Result<bool> (*)(const app::Context&, const std::string&, int64_t);
  struct RevokeRoute {
    const char* path;
    Revoke revoke;
    std::string missing;
    const char* saved;
  };
  for (const RevokeRoute& r : {RevokeRoute{"/me/caregivers/{id}/revoke", &app::RevokeCaregiver,
                                           site.msg("caregivers.no_such_caregiver"), "removed"},
                               RevokeRoute{"/me/caregivers/invites/{id}/revoke", &app::RevokeInvite,
                                           site.msg("caregivers.no_such_invitation"), "cancelled"}}) {
    router.Add("POST", r.path, [&site, r](const http::Request& req, const RouteParams& p, const Caller& c) {
      if (auto refuse = RequirePatient(site, req, c)) return *refuse;
      const auto fields = FormFields(req);
      if (auto refuse = CheckCsrf(site, req, c, fields)) return *refuse;
      const auto id = IdOf(p.at("id"));
      Result<bool> done = false;
      if (id) {
        Site::Db db = site.Connect(c);
        done = r.revoke(db.ctx, c.user->patient_ref, *id);
      }
      if (!done.ok()) return Refuse(site, req, c, ErrorStatus(done.error()), PlainError(done.error()) + ".");
      if (!*done) return Refuse(site, req, c, 404, r.missing);
      return Redirect(std::string("/me/caregivers?saved=") + r.saved);
    });
  }

  router.Add("GET", "/care/join", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    return JoinPage(site, c, 200, req.Query("code"), "", "", "");
  });

  // A caregiver's account from an invitation: a new account (then signed in through the sign-in
  // form), or a signed-in caregiver adding a patient.
  router.Add("POST", "/care/join", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    const auto fields = FormFields(req);
    if (c.signed_in()) {
      if (auto refuse = CheckCsrf(site, req, c, fields)) return *refuse;
      if (!c.Is(store::Role::kCaregiver)) return JoinPage(site, c, 403, "", "", "", "");
    }
    app::JoinRequest r{Field(fields, "code"), Field(fields, "name"), Field(fields, "username"),
                       Field(fields, "password"), c.signed_in() ? c.user->id : 0};
    Result<store::CaregiverLink> link = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      link = app::JoinAsCaregiver(db.ctx, r);
    }
    if (!link.ok()) {
      const std::map<std::string, std::string> labels = {{"code", site.msg("join.code")},
                                                         {"name", site.msg("join.name")},
                                                         {"username", site.msg("join.username")},
                                                         {"password", site.msg("join.password")}};
      const auto label = labels.find(link.error().field);
      return JoinPage(site, c, ErrorStatus(link.error()), r.code, r.name, r.username,
                      (label == labels.end() ? "" : label->second + ": ") + PlainError(link.error()) + ".");
    }
    if (c.signed_in()) return Redirect("/care");
    return Redirect("/sign-in?joined=1");
  });

  router.Add("GET", "/care", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return Refuse(site, req, c, 401, site.msg("care.sign_in"));
    if (!c.Is(store::Role::kCaregiver)) return Refuse(site, req, c, 403, site.msg("care.caregivers_only"));
    Result<std::vector<store::CaregiverLink>> links = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      links = db.accounts.LinksOfCaregiver(c.user->id);
    }
    PageSpec page;
    const Messages& msg = site.msg;
    page.title = msg("care.title");
    if (!links.ok()) {
      page.main = "<p>" + msg.Html("care.list_failed") + "</p>";
    } else if (links->empty()) {
      page.main = "<p>" + msg.Html("care.none") + "</p>";
    } else {
      page.main = "<ul id=\"people\">";
      for (const store::CaregiverLink& l : *links) {
        page.main += "<li><a href=\"/care/" + Escape(PathSegment(l.patient_ref)) + "\">" + Escape(l.patient_ref) +
                     "</a> <span class=\"hint\">" +
                     (l.may_write ? msg.Html("care.may_write") : msg.Html("care.read_only")) + "</span></li>";
      }
      page.main += "</ul>";
    }
    page.main += "<p><a href=\"/care/join\">" + msg.Html("care.another_code") + "</a></p>";
    return Html(200, site.Page(c, page));
  });

  // The care team: who has access to a patient, and revocation.
  router.Add("POST", "/patients/{ref}/caregivers/{id}/revoke",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (!c.signed_in()) return Refuse(site, req, c, 401, site.msg("errors.sign_in_first"));
               if (!c.May(Capability::kViewPatients)) {
                 return Refuse(site, req, c, 403, site.msg("errors.care_team_only"));
               }
               const auto fields = FormFields(req);
               if (auto refuse = CheckCsrf(site, req, c, fields)) return *refuse;
               const std::string ref = p.at("ref");
               const auto id = IdOf(p.at("id"));
               Result<bool> done = false;
               if (id) {
                 Site::Db db = site.Connect(c);
                 done = app::RevokeCaregiver(db.ctx, ref, *id);
               }
               if (!done.ok()) return Refuse(site, req, c, ErrorStatus(done.error()), PlainError(done.error()) + ".");
               if (!*done) return Refuse(site, req, c, 404, site.msg("caregivers.no_such_link"));
               return Redirect("/patients/" + PathSegment(ref) + "#access");
             });

  router.Add("POST", "/patients/{ref}/calendar-link/revoke",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (!c.signed_in()) return Refuse(site, req, c, 401, site.msg("errors.sign_in_first"));
               if (!c.May(Capability::kViewPatients)) {
                 return Refuse(site, req, c, 403, site.msg("errors.care_team_only"));
               }
               const auto fields = FormFields(req);
               if (auto refuse = CheckCsrf(site, req, c, fields)) return *refuse;
               const std::string ref = p.at("ref");
               Result<bool> done = false;
               {
                 Site::Db db = site.Connect(c);
                 done = app::RevokeCalendarLink(db.ctx, ref);
               }
               if (!done.ok()) return Refuse(site, req, c, ErrorStatus(done.error()), PlainError(done.error()) + ".");
               return Redirect("/patients/" + PathSegment(ref) + "#access");
             });
}

// The course page's "Access" section (clinician_course.cpp), from the page's one read.
std::string AccessSection(const Messages& msg, const Caller& caller, const std::string& ref,
                          const app::PatientCourseView& view) {
  if (!caller.MayDo(app::Act::kRevokeAccess)) return "";
  app::CareAccess access{view.caregivers, view.invites, view.calendar_link};
  std::string out =
      "<section id=\"access\" aria-labelledby=\"access-h\"><h2 id=\"access-h\">" + msg.Html("access.heading") + "</h2>";
  const std::string base = "/patients/" + PathSegment(ref);
  out += "<h3>" + msg.Html("access.caregivers") + "</h3>" +
         AccessList(msg, caller, access, base + "/caregivers", Reader::kCareTeam);
  out += "<h3>" + msg.Html("access.calendar") + "</h3>";
  if (access.calendar) {
    out += "<p>" +
           msg.Html("access.calendar_since", {{"time", Escape(access.calendar->dose_time)},
                                              {"date", Escape(access.calendar->created_at.substr(0, 10))}}) +
           "</p><form method=\"post\" action=\"" + base + "/calendar-link/revoke\">" + CsrfField(caller) +
           "<button type=\"submit\">" + msg.Html("access.stop_calendar") + "</button></form>";
  } else {
    out += "<p>" + msg.Html("access.no_calendar") + "</p>";
  }
  return out + "</section>";
}

}  // namespace lenacare::webapp
