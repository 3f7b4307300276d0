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
  if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to manage who helps you.");
  if (!c.Is(store::Role::kPatient) || c.user->patient_ref.empty()) {
    return Refuse(site, req, c, 403, "This page is for patient accounts.");
  }
  return std::nullopt;
}

std::optional<http::Response> CheckCsrf(Site& site, const http::Request& req, const Caller& c,
                                        const std::multimap<std::string, std::string>& fields) {
  if (CsrfOk(c, fields)) return std::nullopt;
  return Refuse(site, req, c, 403, "The form was not sent from this site: reload the page and try again.");
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

std::string Access(const store::CaregiverLink& l) {
  return l.may_write ? "sees your pages, marks doses and writes in your diary" : "sees your pages";
}

// The caregivers and invitations, each with a revoke form posting to `base` + "/{id}/revoke" or
// `base` + "/invites/{id}/revoke".
std::string AccessList(const Caller& caller, const app::CareAccess& a, const std::string& base, bool staff) {
  std::string out = "<ul id=\"caregiver-list\" class=\"caregivers\">";
  bool any = false;
  for (const store::CaregiverLink& l : a.caregivers) {
    if (!l.revoked_at.empty()) continue;
    any = true;
    out += "<li><strong>" + Escape(l.name) + "</strong> <span class=\"hint\">(" + Escape(l.username) + ", since " +
           Escape(l.created_at.substr(0, 10)) +
           ")</span>: " + (staff ? (l.may_write ? "reads and writes" : "reads") : Access(l)) +
           (l.remind_after.empty() ? "" : "; told when a dose is not marked taken by " + Escape(l.remind_after)) +
           "<form class=\"inline\" method=\"post\" action=\"" + base + "/" + std::to_string(l.id) + "/revoke\">" +
           CsrfField(caller) + "<button type=\"submit\" id=\"revoke-caregiver-" + std::to_string(l.id) + "\">Remove " +
           Escape(l.name) + "</button></form></li>";
  }
  for (const store::CaregiverInvite& i : a.invites) {
    any = true;
    out += "<li>An invitation (" + std::string(i.may_write ? "read and write" : "read only") +
           ") not used yet, until " + Escape(i.expires_at.substr(0, 10)) +
           "<form class=\"inline\" method=\"post\" action=\"" + base + "/invites/" + std::to_string(i.id) +
           "/revoke\">" + CsrfField(caller) + "<button type=\"submit\">Cancel the invitation</button></form></li>";
  }
  if (!any) return staff ? "<p>No caregiver has access.</p>" : "<p>No one helps you on lenacare yet.</p>";
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
  page.title = "People who help you";
  page.flash = flash;
  if (!error.empty()) page.main += "<p class=\"error\" role=\"alert\" id=\"invite-error\">" + Escape(error) + "</p>";
  page.main += access.ok() ? AccessList(c, *access, "/me/caregivers", false)
                           : "<p>The list cannot be shown now: " + Escape(PlainError(access.error())) + ".</p>";
  page.main +=
      "<h2 id=\"invite-heading\">Invite someone</h2><p>You get a code to give them (it works once, for 7 days). "
      "They make their own account with it and then see your calendar, your diary and today's dose. You can "
      "remove them at any time, and so can your care team.</p>"
      "<form id=\"form-invite\" class=\"stack\" method=\"post\" action=\"/me/caregivers/invite\" "
      "aria-labelledby=\"invite-heading\">" +
      CsrfField(c) +
      "<div><label for=\"invite-write\"><input id=\"invite-write\" name=\"may_write\" type=\"checkbox\" value=\"on\"> "
      "They may also mark my doses and write in my diary</label></div>"
      "<div><label for=\"invite-remind\">Tell them if my dose is not marked taken by <span class=\"hint\">(optional)"
      "</span></label><input id=\"invite-remind\" name=\"remind_after\" type=\"time\"></div>"
      "<div><button type=\"submit\">Make an invitation code</button></div></form>"
      "<p><a href=\"/me\">Back to My therapy</a></p>";
  return Html(status, site.Page(c, page));
}

http::Response JoinPage(Site& site, const Caller& c, int status, const std::string& code, const std::string& name,
                        const std::string& username, const std::string& error) {
  PageSpec page;
  page.title = "Join as a caregiver";
  page.description = "Use an invitation code to see the pages of the person you help.";
  if (!error.empty()) page.main += "<p class=\"error\" role=\"alert\" id=\"join-error\">" + Escape(error) + "</p>";
  const bool signed_in_caregiver = c.Is(store::Role::kCaregiver);
  if (c.signed_in() && !signed_in_caregiver) {
    page.main +=
        "<p>You are signed in with an account that is not a caregiver's. Sign out first, then use the code.</p>";
    return Html(status == 200 ? 403 : status, site.Page(c, page));
  }
  page.main += "<p>The person you help gave you a code. With it you " +
               std::string(signed_in_caregiver ? "add them to your account." : "make your own caregiver account.") +
               "</p><form id=\"form-join\" class=\"stack\" method=\"post\" action=\"/care/join\">" +
               (c.signed_in() ? CsrfField(c) : "") +
               "<div><label for=\"join-code\">Invitation code</label><input id=\"join-code\" name=\"code\" required "
               "autocomplete=\"off\" value=\"" +
               Escape(code) +
               "\"></div><div><label for=\"join-name\">Your name <span class=\"hint\">(as they know you)</span></label>"
               "<input id=\"join-name\" name=\"name\" required maxlength=\"100\" value=\"" +
               Escape(name) + "\"></div>";
  if (!signed_in_caregiver) {
    page.main +=
        "<div><label for=\"join-username\">Choose a username <span class=\"hint\">(a-z, 0-9, '.', '_', "
        "'-')</span></label><input id=\"join-username\" name=\"username\" required autocomplete=\"username\" "
        "value=\"" +
        Escape(username) +
        "\"></div><div><label for=\"join-password\">Choose a password <span class=\"hint\">(at least 12 "
        "characters)</span></label><input id=\"join-password\" name=\"password\" type=\"password\" required "
        "autocomplete=\"new-password\"></div>";
  }
  page.main += "<div><button type=\"submit\">Join</button></div></form>";
  return Html(status, site.Page(c, page));
}

}  // namespace

void AddCaregiverPages(Site& site, Router& router) {
  router.Add("GET", "/me/caregivers", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequirePatient(site, req, c)) return *refuse;
    const std::string saved = req.Query("saved");
    return CaregiversPage(site, c, 200,
                          saved == "removed"     ? "Removed: they can no longer see your pages."
                          : saved == "cancelled" ? "The invitation is cancelled: its code no longer works."
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
      return CaregiversPage(
          site, c, ErrorStatus(code.error()), "",
          (code.error().field == "remind_after" ? "The time: " : "") + PlainError(code.error()) + ".");
    }
    PageSpec page;
    page.title = "Your invitation code";
    page.main =
        "<p>Give this code to the person who helps you. It works once, for 7 days; this page shows it only "
        "once.</p><p class=\"answer\"><strong id=\"invite-code\">" +
        Escape(*code) + "</strong></p><p>They go to <a id=\"invite-link\" href=\"/care/join?code=" + Escape(*code) +
        "\">/care/join</a> on this site, enter the code and make their account. You can cancel the invitation "
        "on <a href=\"/me/caregivers\">People who help you</a>.</p>";
    return Html(200, site.Page(c, page));
  });

  // The patient removes a caregiver or cancels an invitation: one route each, the same steps.
  using Revoke = Result<bool> (*)(const app::Context&, const std::string&, int64_t);
  struct RevokeRoute {
    const char* path;
    Revoke revoke;
    const char* missing;
    const char* saved;
  };
  for (const RevokeRoute& r : {RevokeRoute{"/me/caregivers/{id}/revoke", &app::RevokeCaregiver,
                                           "There is no such caregiver to remove.", "removed"},
                               RevokeRoute{"/me/caregivers/invites/{id}/revoke", &app::RevokeInvite,
                                           "There is no such invitation to cancel.", "cancelled"}}) {
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
      static const std::map<std::string, std::string> kLabels = {
          {"code", "Invitation code"}, {"name", "Your name"}, {"username", "Username"}, {"password", "Password"}};
      const auto label = kLabels.find(link.error().field);
      return JoinPage(site, c, ErrorStatus(link.error()), r.code, r.name, r.username,
                      (label == kLabels.end() ? "" : label->second + ": ") + PlainError(link.error()) + ".");
    }
    if (c.signed_in()) return Redirect("/care");
    return Redirect("/sign-in?joined=1");
  });

  router.Add("GET", "/care", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see the people you help.");
    if (!c.Is(store::Role::kCaregiver)) return Refuse(site, req, c, 403, "This page is for caregivers.");
    Result<std::vector<store::CaregiverLink>> links = Error::Failed("", "");
    {
      Site::Db db = site.Connect(c);
      links = db.accounts.LinksOfCaregiver(c.user->id);
    }
    PageSpec page;
    page.title = "People you help";
    if (!links.ok()) {
      page.main = "<p>The list cannot be shown now. Try again later.</p>";
    } else if (links->empty()) {
      page.main = "<p>No one has given you access yet, or the access was removed.</p>";
    } else {
      page.main = "<ul id=\"people\">";
      for (const store::CaregiverLink& l : *links) {
        page.main += "<li><a href=\"/care/" + Escape(PathSegment(l.patient_ref)) + "\">" + Escape(l.patient_ref) +
                     "</a> <span class=\"hint\">(" +
                     (l.may_write ? "you may mark doses and write in the diary" : "read only") + ")</span></li>";
      }
      page.main += "</ul>";
    }
    page.main += "<p><a href=\"/care/join\">Use another invitation code</a></p>";
    return Html(200, site.Page(c, page));
  });

  // The care team: who has access to a patient, and revocation.
  router.Add("POST", "/patients/{ref}/caregivers/{id}/revoke",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in first.");
               if (!c.May(Capability::kViewPatients)) return Refuse(site, req, c, 403, "This is for the care team.");
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
               if (!*done) return Refuse(site, req, c, 404, "There is no such caregiver link.");
               return Redirect("/patients/" + PathSegment(ref) + "#access");
             });

  router.Add("POST", "/patients/{ref}/calendar-link/revoke",
             [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
               if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in first.");
               if (!c.May(Capability::kViewPatients)) return Refuse(site, req, c, 403, "This is for the care team.");
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
std::string AccessSection(const Caller& caller, const std::string& ref, const app::PatientCourseView& view) {
  if (!caller.MayDo(app::Act::kRevokeAccess)) return "";
  app::CareAccess access{view.caregivers, view.invites, view.calendar_link};
  std::string out = "<section id=\"access\" aria-labelledby=\"access-h\"><h2 id=\"access-h\">Patient's own access</h2>";
  const std::string base = "/patients/" + PathSegment(ref);
  out += "<h3>Caregivers</h3>" + AccessList(caller, access, base + "/caregivers", true);
  out += "<h3>Calendar link</h3>";
  if (access.calendar) {
    out += "<p>A calendar subscription with reminders at " + Escape(access.calendar->dose_time) + " since " +
           Escape(access.calendar->created_at.substr(0, 10)) + ".</p><form method=\"post\" action=\"" + base +
           "/calendar-link/revoke\">" + CsrfField(caller) +
           "<button type=\"submit\">Stop the calendar link</button></form>";
  } else {
    out += "<p>No calendar link.</p>";
  }
  return out + "</section>";
}

}  // namespace lenacare::webapp
