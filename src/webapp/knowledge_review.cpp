// The clinic's review of the knowledge (/knowledge/review): the entries not verified against the
// label, grouped by topic, each with its value, its sources and what to check, printable as a
// review packet; a pharmacist confirms an entry against the label she holds or corrects its value.
// Sign-offs go to the site pack (knowledge/site_pack.h), checked by the loader before they are
// kept, audited, and in use from the next request on.
#include <toml++/toml.h>

#include <filesystem>
#include <mutex>

#include "core/text.h"
#include "knowledge/loader.h"
#include "knowledge/review.h"
#include "webapp/app.h"

namespace lenacare::webapp {
namespace {

namespace fs = std::filesystem;

bool MayView(const Caller& c) { return c.Is(store::Role::kAdmin) || c.MayDo(app::Act::kReviewKnowledge); }

// An HTML id for an entry: "review-us-monitoring-cbc_schedule-mcl-cbc".
std::string Anchor(const EntryKey& e) {
  std::string out = "review-";
  for (char ch : e.file.substr(0, e.file.rfind('.')) + "-" + e.section + (e.id.empty() ? "" : "-" + e.id)) {
    out += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ? ch : '-';
  }
  return out;
}

std::string StatusWords(const std::string& status) {
  if (status == "confirmed") return "Confirmed locally";
  if (status == "corrected") return "Corrected locally";
  if (status == "back-in-review") return "Back in review";
  if (status == "verified") return "Checked";
  return "Not verified";
}

std::string EntryHtml(const Site& site, const Caller& c, const ReviewItem& i, bool may_sign) {
  const std::string anchor = Anchor(i.entry);
  std::string out = "<article class=\"review-entry\" id=\"" + anchor + "\" data-status=\"" + Escape(i.status) +
                    "\" aria-labelledby=\"" + anchor + "-h\"><h3 id=\"" + anchor + "-h\">" +
                    Escape(i.entry.Describe()) + "</h3>";
  out += "<p class=\"review-status\"><strong>" + StatusWords(i.status) + ":</strong> " + Escape(i.status_text) + "</p>";
  if (!i.value.empty())
    out += "<p>The value in the knowledge base:</p><pre class=\"review-value\">" + Escape(i.value) + "</pre>";
  if (!i.corrected.empty()) {
    out += "<p>Corrected to:</p><pre class=\"review-corrected\">" + Escape(i.corrected) + "</pre>";
  }
  std::string sources;
  for (const std::string& s : i.cites) sources += (sources.empty() ? "" : "; ") + s;
  if (!sources.empty()) out += "<p>Sources: " + site.Cited(sources) + "</p>";
  if (!i.note.empty()) out += "<p>Note: " + Escape(i.note) + "</p>";
  if (!i.check.empty()) out += "<p class=\"review-check\">" + Escape(i.check) + "</p>";
  if (may_sign && !i.base.empty()) {
    const std::string f = anchor + "-";
    out += "<form class=\"stack review-form\" method=\"post\" action=\"/knowledge/review\" aria-label=\"Sign off " +
           Escape(i.entry.Describe()) + "\">" + CsrfField(c) + "<input type=\"hidden\" name=\"file\" value=\"" +
           Escape(i.entry.file) + "\"><input type=\"hidden\" name=\"section\" value=\"" + Escape(i.entry.section) +
           "\"><input type=\"hidden\" name=\"id\" value=\"" + Escape(i.entry.id) +
           "\"><input type=\"hidden\" name=\"base\" value=\"" + Escape(i.base) + "\">" + "<div><label for=\"" + f +
           "label\">The label you checked against (its version or date)</label><input id=\"" + f +
           "label\" name=\"label\" required maxlength=\"200\" placeholder=\"REVLIMID US label 3/2027\"></div>"
           "<div><label for=\"" +
           f + "note\">Note <span class=\"hint\">(optional)</span></label><input id=\"" + f +
           "note\" name=\"note\" maxlength=\"500\"></div>"
           "<div><label for=\"" +
           f + "value\">To correct it: the values as the label gives them</label><textarea id=\"" + f +
           "value\" name=\"value\" rows=\"4\">" + Escape(i.corrected.empty() ? i.value : i.corrected) +
           "</textarea></div><div><button type=\"submit\" name=\"action\" value=\"confirm\" id=\"" + f +
           "confirm\">Confirm against this label</button> <button type=\"submit\" name=\"action\" value=\"correct\" "
           "id=\"" +
           f + "correct\">Correct the value</button></div></form>";
  }
  return out + "</article>";
}

http::Response ReviewPage(Site& site, const http::Request& req, const Caller& c, int status,
                          const std::vector<std::string>& problems) {
  const bool all = req.Query("all") == "1";
  auto review = ReviewKnowledge(site.k(), all);
  if (!review.ok()) return Refuse(site, req, c, 500, "The review cannot be shown: " + PlainError(review.error()));
  const bool may_sign = c.MayDo(app::Act::kReviewKnowledge) && !site.k().site.dir.empty();
  PageSpec page;
  page.title = "Knowledge review";
  if (req.Query("saved") == "confirm") page.flash = "Confirmed: the answers that rest on this entry now say so.";
  if (req.Query("saved") == "correct") page.flash = "Corrected: the answers now use the corrected value.";
  std::string main;
  if (!problems.empty()) {
    main += "<div class=\"error\" role=\"alert\" id=\"review-error\"><p>The sign-off was not recorded:</p><ul>";
    for (const std::string& p : problems) main += "<li>" + Escape(p) + "</li>";
    main += "</ul></div>";
  }
  main += "<p id=\"review-counts\">" + std::to_string(review->unverified) +
          " entries not verified against the label, " + std::to_string(review->signed_off) + " signed off locally, " +
          std::to_string(review->back_in_review) + " back in review. " +
          (all ? "<a href=\"/knowledge/review\">Only the entries to review</a>"
               : "<a href=\"/knowledge/review?all=1\">Every entry</a>") +
          ". Print this page for a review packet: the print layout leaves out the forms.</p>";
  if (c.MayDo(app::Act::kReviewKnowledge) && site.k().site.dir.empty()) {
    main +=
        "<p class=\"notice\" id=\"review-read-only\">Sign-offs cannot be recorded on this server: it has no "
        "directory for the clinic's own knowledge. Ask the administrator.</p>";
  } else if (!c.MayDo(app::Act::kReviewKnowledge)) {
    main += "<p class=\"hint\">A pharmacist signs entries off.</p>";
  }
  std::string topic;
  for (const ReviewItem& i : review->items) {
    if (i.topic != topic) {
      if (!topic.empty()) main += "</section>";
      topic = i.topic;
      main += "<section class=\"review-topic\"><h2>" + Escape(topic) + "</h2>";
    }
    main += EntryHtml(site, c, i, may_sign);
  }
  if (!topic.empty()) main += "</section>";
  page.main = std::move(main);
  return Html(status, site.Page(c, page));
}

std::mutex signoff_mutex;  // one sign-off at a time: each rewrites the site pack whole

// The problems of a sign-off, all at once; none when it may be kept. A correction's values are
// rewritten as the loader reads them back.
std::vector<std::string> Check(const Site& site, Signoff& s, const std::string& shown_base, ReviewItem* item) {
  std::vector<std::string> problems;
  if (s.action != "confirm" && s.action != "correct") problems.push_back("Choose to confirm or to correct the entry.");
  if (s.label.empty()) problems.push_back("Give the label you checked against: its version or date.");
  if (s.label.size() > 200 || s.note.size() > 500) problems.push_back("The label or the note is too long.");
  auto found = ReviewEntry(site.k(), s.entry);
  if (!found.ok()) {
    problems.push_back(PlainError(found.error()) + ".");
    return problems;
  }
  *item = *found;
  if (item->base != shown_base) {
    problems.push_back("The knowledge base changed since the page was shown: reload it and review the entry again.");
  }
  if (s.action == "correct") {
    if (Trim(s.set).empty()) {
      problems.push_back("Give the corrected values.");
    } else {
      try {
        const toml::table set = toml::parse(s.set);
        for (const auto& [key, value] : set) {
          if (!CorrectableKey(key.str())) {
            problems.push_back("A correction may not change '" + std::string(key.str()) + "'.");
          }
        }
        std::ostringstream normal;
        normal << toml::toml_formatter(set);
        s.set = normal.str();
        if (s.set == item->value)
          problems.push_back("The corrected values are the same as the entry's: confirm it instead.");
      } catch (const toml::parse_error& e) {
        problems.push_back("The corrected values could not be read: " + std::string(e.description()) + " (line " +
                           std::to_string(e.source().begin.line) + ").");
      }
    }
  }
  return problems;
}

http::Response SignOff(Site& site, const http::Request& req, const Caller& c) {
  const auto form = FormFields(req);
  if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in as a pharmacist to sign off the knowledge.");
  if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site.");
  if (!c.MayDo(app::Act::kReviewKnowledge)) {
    return Refuse(site, req, c, 403, "Only a pharmacist signs off the knowledge.");
  }
  std::lock_guard<std::mutex> lock(signoff_mutex);
  const Knowledge& k = site.k();
  if (k.site.dir.empty()) {
    return ReviewPage(site, req, c, 409,
                      {"This server has no directory for the clinic's own knowledge: ask the administrator."});
  }
  Signoff s;
  s.entry = {Field(form, "file"), Field(form, "section"), Field(form, "id")};
  s.action = Field(form, "action");
  s.label = std::string(Trim(Field(form, "label")));
  s.note = std::string(Trim(Field(form, "note")));
  s.by = c.user->username + " (" + store::RoleName(c.user->role) + ")";
  s.on = site.clock.Today().ToString();
  if (s.action == "correct") s.set = Field(form, "value");
  ReviewItem item;
  std::vector<std::string> problems = Check(site, s, Field(form, "base"), &item);
  if (!problems.empty()) return ReviewPage(site, req, c, 400, problems);
  s.base = item.base;

  // The new site pack, loaded over the base pack in a scratch directory first: a correction the
  // loader refuses is refused here, with the loader's reason, and nothing is kept.
  SitePack next = k.site;
  std::erase_if(next.signoffs, [&](const Signoff& o) { return o.entry == s.entry; });
  next.signoffs.push_back(s);
  const fs::path scratch = fs::temp_directory_path() / ("lenacare-signoff-" + std::to_string(::getpid()));
  {
    SitePack trial = next;
    trial.dir = scratch.string();
    Status saved = SaveSitePack(trial);
    auto loaded = saved.ok() ? LoadKnowledge(k.root, k.pack.id, trial.dir) : Result<Knowledge>(saved.error());
    std::error_code ec;
    fs::remove_all(scratch, ec);
    if (!loaded.ok()) {
      return ReviewPage(site, req, c, 400,
                        {"The knowledge base refuses this correction: " + loaded.error().Describe()});
    }
  }
  {
    Site::Db db = site.Connect(c);
    const std::string detail = s.Words() + (s.note.empty() ? "" : "; note: " + s.note) +
                               (s.action == "correct" ? "; was: " + item.value + "; now: " + s.set : "");
    Status audited = db.ctx.store->Audit(db.ctx.actor, "knowledge." + s.action, s.entry.Describe(), detail);
    if (!audited.ok())
      return Refuse(site, req, c, 500, "The sign-off was not recorded: " + PlainError(audited.error()));
  }
  if (Status saved = SaveSitePack(next); !saved.ok()) {
    return Refuse(site, req, c, 500, "The sign-off was not kept: " + PlainError(saved.error()));
  }
  if (Status reloaded = site.ReloadKnowledge(); !reloaded.ok()) {
    return Refuse(site, req, c, 500, "The sign-off was kept but is not in use yet: " + PlainError(reloaded.error()));
  }
  return Redirect("/knowledge/review?saved=" + s.action + "#" + Anchor(s.entry));
}

}  // namespace

void AddKnowledgeReview(Site& site, Router& router) {
  router.Add("GET", "/knowledge/review", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in as a pharmacist to review the knowledge.");
    if (!MayView(c)) return Refuse(site, req, c, 403, "Only pharmacists and administrators review the knowledge.");
    return ReviewPage(site, req, c, 200, {});
  });
  router.Add("POST", "/knowledge/review",
             [&site](const http::Request& req, const RouteParams&, const Caller& c) { return SignOff(site, req, c); });
}

}  // namespace lenacare::webapp
