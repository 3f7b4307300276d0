#include "webapp/site.h"

#include "knowledge/loader.h"
#include "webapp/json_writer.h"
#include "webapp/reflow.h"
#include "wire/json.h"
#include "wire/text.h"

namespace lenacare::webapp {

using nlohmann::json;

Site::Site(const Knowledge& knowledge, store::StorePool& pool, const Clock& c_clock, SiteOptions o, Content c,
           Messages messages, std::string layout, std::map<std::string, std::string> static_files)
    : clock(c_clock),
      options(std::move(o)),
      content(std::move(c)),
      msg(std::move(messages)),
      current_(&knowledge),
      pool_(pool),
      layout_(std::move(layout)),
      static_files_(std::move(static_files)) {}

namespace {

// Who the audit log names for a web request.
std::string Actor(const Caller& caller) { return caller.user ? caller.user->username : "web:anonymous"; }

}  // namespace

app::Context Site::Calculate(const Caller& caller) const { return app::Context{k(), clock, nullptr, Actor(caller)}; }

Status Site::ReloadKnowledge() {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  const Knowledge& now = k();
  auto next = LoadKnowledge(now.root, now.pack.id, now.site.dir);
  if (!next.ok()) return next.error();
  reloaded_.push_back(std::make_unique<const Knowledge>(std::move(next).value()));
  current_.store(reloaded_.back().get());
  return Status::Ok();
}

Site::Db Site::Connect(const Caller& caller) {
  store::StorePool::Lease lease = pool_.Acquire();
  store::Store& st = lease.store();
  const std::string actor = Actor(caller);
  app::Context ctx{k(), clock, &st, actor};
  store::Accounts accounts(st, actor);
  if (caller.user) {
    ctx.authority = app::Authority::Of(*caller.user);
    if (caller.user->role == store::Role::kCaregiver) {
      // The caregiver's live links, read for each request: a link revoked a moment ago is gone.
      auto links = accounts.LinksOfCaregiver(caller.user->id);
      if (links.ok()) {
        for (const store::CaregiverLink& l : *links) ctx.authority.care.push_back({l.patient_ref, l.may_write});
      }
    }
  }
  return Db{std::move(lease), std::move(ctx), std::move(accounts)};
}

const std::string* Site::StaticFile(const std::string& name) const {
  auto it = static_files_.find(name);
  return it == static_files_.end() ? nullptr : &it->second;
}

namespace {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

std::string NavItem(const std::string& href, const std::string& label) {
  return "<li><a href=\"" + href + "\">" + label + "</a></li>";
}

}  // namespace

std::string Site::Cited(std::string_view sources) const {
  std::string out;
  size_t from = 0;
  while (from <= sources.size()) {
    size_t semi = sources.find("; ", from);
    if (semi == std::string_view::npos) semi = sources.size();
    const std::string_view part = sources.substr(from, semi - from);
    if (!out.empty()) out += "; ";
    const SourceDoc* doc = k().sources.DocOfRendered(part);
    if (doc == nullptr) {
      out += Escape(part);
    } else {
      out += doc->Url().empty() ? Escape(part)
                                : "<a href=\"" + Escape(doc->Url()) + "\" rel=\"external\">" + Escape(part) + "</a>";
      out += " <a class=\"register\" href=\"/sources#" + Escape(doc->id) + "\" title=\"About this source\">(about)</a>";
    }
    from = semi + 2;
  }
  return out;
}

std::string Site::Page(const Caller& caller, const PageSpec& page) const {
  std::string nav = NavItem("/info", "Drug information") + NavItem("/guides", "Guides") +
                    NavItem("/calculators", "Calculators") + NavItem("/checklists", "Checklists");
  if (caller.May(Capability::kViewPatients)) nav += NavItem("/worklist", "Worklist") + NavItem("/patients", "Patients");
  if (caller.MayDo(app::Act::kImport)) nav += NavItem("/import", "Import");
  if (caller.May(Capability::kManageUsers)) nav += NavItem("/admin/users", "Users");
  if (caller.MayDo(app::Act::kReviewKnowledge) || caller.Is(store::Role::kAdmin)) {
    nav += NavItem("/knowledge/review", "Knowledge review");
  }
  if (caller.Is(store::Role::kPatient)) nav += NavItem("/me", "My therapy");
  if (caller.Is(store::Role::kCaregiver)) nav += NavItem("/care", "People I help");
  std::string account;
  if (caller.signed_in()) {
    account = "<span>Signed in as <a href=\"/account\"><strong>" + Escape(caller.user->username) + "</strong></a> (" +
              store::RoleName(caller.user->role) + ")</span><form method=\"post\" action=\"/sign-out\">" +
              CsrfField(caller) + "<button class=\"link\" type=\"submit\">Sign out</button></form>";
  } else {
    account = "<a href=\"/sign-in\">Sign in</a>";
  }
  std::string sources;
  if (!page.sources.empty()) {
    sources = "<section class=\"sources\" aria-label=\"Sources\"><h2>Sources</h2><ul>";
    for (const std::string& s : page.sources) sources += "<li>" + Cited(s) + "</li>";
    sources += "</ul>";
    if (page.unverified) {
      sources +=
          "<p class=\"unverified\">Some facts on this page are unverified: confirm against the current label.</p>";
    }
    sources += "</section>";
  }
  std::string flash = page.flash.empty() ? "" : "<p class=\"flash\" role=\"status\">" + Escape(page.flash) + "</p>";
  // Placeholders are filled in an order where no inserted text can contain a later placeholder's
  // name except `main`, which is inserted last.
  std::string out = layout_;
  ReplaceAll(out, "{{title}}", Escape(page.title));
  ReplaceAll(out, "{{description}}", Escape(page.description.empty() ? page.title : page.description));
  ReplaceAll(out, "{{nav}}", nav);
  ReplaceAll(out, "{{account}}", account);
  ReplaceAll(out, "{{disclaimer}}", Escape(Disclaimer()));
  ReplaceAll(out, "{{knowledge}}",
             "Knowledge: " + Escape(k().pack.document) + ", label of " + Escape(k().pack.label_date) +
                 " (<a href=\"/sources\">sources</a>).");
  ReplaceAll(out, "{{flash}}", flash);
  ReplaceAll(out, "{{sources}}", sources);
  const size_t at = out.find("{{main}}");
  if (at != std::string::npos) out.replace(at, 8, ReflowTables(page.main));
  return out;
}

std::string SessionCookie(const SiteOptions& o) {
  return o.secure_cookies ? "__Host-lenacare_session" : "lenacare_session";
}

std::string PreLoginCookie(const SiteOptions& o) {
  return o.secure_cookies ? "__Host-lenacare_login" : "lenacare_login";
}

std::string ClientAddress(const SiteOptions& o, const http::Request& req) {
  const auto trusted = [&o](std::string_view a) {
    return std::find(o.trusted_proxies.begin(), o.trusted_proxies.end(), a) != o.trusted_proxies.end();
  };
  if (!trusted(req.remote)) return req.remote;
  // Each proxy appends the address it received from; read from the right, past our own proxies.
  const std::string forwarded = req.Header("x-forwarded-for");
  std::string_view chain = forwarded;
  while (!chain.empty()) {
    const size_t comma = chain.rfind(',');
    std::string_view hop = comma == std::string_view::npos ? chain : chain.substr(comma + 1);
    chain = comma == std::string_view::npos ? std::string_view() : chain.substr(0, comma);
    while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
    while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
    if (hop.empty() || hop.size() > 64) break;  // not an address: trust the proxy itself
    if (!trusted(hop)) return std::string(hop);
  }
  return req.remote;
}

http::Response Html(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

http::Response Json(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body.reserve(2048);
  WriteJson(body, r.body);
  r.body += "\n";
  return r;
}

http::Response ErrorResponse(const Error& e) { return Json(ErrorStatus(e), wire::ErrorJson(e)); }

http::Response JsonError(int status, const std::string& field, const std::string& message) {
  return Json(status, json{{"error",
                            {{"kind", status >= 500   ? "failed"
                                      : status == 401 ? "unauthorized"
                                      : status == 403 ? "forbidden"
                                                      : "bad-input"},
                             {"field", field},
                             {"message", message}}}});
}

http::Response Redirect(const std::string& location) {
  http::Response r;
  r.status = 303;
  r.Header("Location", location);
  return r;
}

int ErrorStatus(const Error& e) {
  switch (e.kind) {
    case ErrorKind::kBadInput:
      return 400;
    case ErrorKind::kCannotAssess:
      return 422;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kRefused:
    case ErrorKind::kNeedsConfirmation:
      return 409;
    case ErrorKind::kFailed:
      break;
  }
  return 500;
}

http::Response Refuse(const Site& site, const http::Request& req, const Caller& caller, int status,
                      const std::string& message) {
  if (req.path.rfind("/api/", 0) == 0) {
    return JsonError(status, status == 401 ? "authorization" : "path", message);
  }
  PageSpec page;
  page.title = status == 404 ? "Not found" : status == 401 ? "Please sign in" : status == 403 ? "Not allowed" : "Error";
  page.main = "<p class=\"error\" role=\"alert\">" + Escape(message) + "</p>";
  if (status == 401) page.main += "<p><a href=\"/sign-in\">Sign in</a></p>";
  return Html(status, site.Page(caller, page));
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string TextBlock(const std::string& text) {
  std::string out = "<pre class=\"text\">";
  out += Escape(text);
  while (out.size() > 1 && out.back() == '\n') out.pop_back();
  return out + "</pre>";
}

std::string Disclaimer() { return wire::kDisclaimer; }

std::string CsrfField(const Caller& caller) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(caller.csrf) + "\">";
}

bool CsrfOk(const Caller& caller, const std::multimap<std::string, std::string>& form) {
  if (caller.by_token) return true;  // no cookie: a token cannot be sent by another site's form
  const std::string sent = Field(form, "csrf");
  return !caller.csrf.empty() && store::SameSecret(sent, caller.csrf);
}

std::multimap<std::string, std::string> FormFields(const http::Request& req) {
  if (req.Header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0) return {};
  return http::ParseQuery(req.body);
}

std::string Field(const std::multimap<std::string, std::string>& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

std::string PlainError(const Error& e) {
  if (e.problems.empty()) return e.message;
  std::string out;
  for (const Problem& p : e.problems) out += (out.empty() ? "" : "; ") + p.message;
  return out;
}

}  // namespace lenacare::webapp
