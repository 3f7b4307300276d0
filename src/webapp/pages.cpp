// The public pages: home, the text pages from knowledge/pages (drug information, guides,
// checklists), about, and the static files.
#include "webapp/app.h"

namespace lenacare::webapp {
namespace {

struct SectionInfo {
  const char* section;
  const char* title;
  const char* intro;
};

const SectionInfo kSections[] = {
    {"drug", "Drug information",
     "Lenalidomide (Revlimid) in plain language, for patients and caregivers, from the prescribing information."},
    {"guide", "Guides", "Lenalidomide by disease, and how it compares with thalidomide and pomalidomide."},
    {"checklist", "Checklists", "Printable checklists for prescribers, nurses and pharmacists."},
};

std::string PageList(const std::vector<const ContentPage*>& pages) {
  std::string out = "<ul class=\"cards\">";
  for (const ContentPage* p : pages) {
    out += "<li><a href=\"" + SectionPath(p->section) + "/" + p->slug + "\">" + Escape(p->title) + "</a><p>" +
           Escape(p->summary) + "</p></li>";
  }
  return out + "</ul>";
}

}  // namespace

void AddPublicPages(Site& site, Router& router) {
  router.Add("GET", "/", [&site](const http::Request&, const RouteParams&, const Caller& caller) {
    PageSpec page;
    page.title = "Lenalidomide, day by day";
    page.description = "lenacare: therapy companion and decision support for lenalidomide (Revlimid).";
    page.main =
        "<p>lenacare helps patients, caregivers, clinicians and pharmacists with lenalidomide (Revlimid): how to "
        "take it, what to watch for, the pregnancy-prevention program, doses and blood counts. Every number it "
        "uses comes from the prescribing information or a named standard, and every page says where.</p>";
    for (const SectionInfo& s : kSections) {
      page.main += "<h2><a href=\"" + SectionPath(s.section) + "\">" + s.title + "</a></h2><p>" + s.intro + "</p>" +
                   PageList(site.content.Section(s.section));
    }
    page.main +=
        "<h2><a href=\"/calculators\">Calculators</a></h2><p>Creatinine clearance, starting dose, what to do after a "
        "low blood count, clot risk (IMPEDE VTE) and a missed dose, answered by the same engine as the lenacare "
        "command line.</p>";
    page.sources = {"Each page lists its own sources."};
    return Html(200, site.Page(caller, page));
  });

  for (const SectionInfo& s : kSections) {
    const std::string section = s.section, base = SectionPath(s.section);
    const std::string title = s.title, intro = s.intro;
    router.Add("GET", base, [&site, section, title, intro](const http::Request&, const RouteParams&, const Caller& c) {
      PageSpec page;
      page.title = title;
      page.main = "<p>" + intro + "</p>" + PageList(site.content.Section(section));
      for (const ContentPage* p : site.content.Section(section)) {
        for (const std::string& src : p->sources) {
          if (std::find(page.sources.begin(), page.sources.end(), src) == page.sources.end())
            page.sources.push_back(src);
        }
      }
      return Html(200, site.Page(c, page));
    });
    router.Add("GET", base + "/{slug}",
               [&site, section](const http::Request& req, const RouteParams& params, const Caller& c) {
                 const ContentPage* p = site.content.Find(section, params.at("slug"));
                 if (p == nullptr) return Refuse(site, req, c, 404, "There is no page at this address.");
                 PageSpec page;
                 page.title = p->title;
                 page.description = p->summary;
                 page.main = "<p class=\"hint\">For " + Escape(p->audience) + ". Reviewed " + Escape(p->reviewed) +
                             ".</p>" + p->html;
                 if (section == "checklist") {
                   page.main =
                       "<p class=\"hint\">Print this page: the checklist prints without the menus.</p>" + page.main;
                 }
                 page.sources = p->sources;
                 page.unverified = p->unverified;
                 return Html(200, site.Page(c, page));
               });
  }

  router.Add("GET", "/about", [&site](const http::Request&, const RouteParams&, const Caller& c) {
    PageSpec page;
    page.title = "About the sources";
    page.main =
        "<p>Every dose, threshold, window and score lenacare uses is a reviewed entry in its knowledge files, each "
        "citing the section of its source: the US prescribing information of lenalidomide (USPI), the IMWG "
        "response criteria, CTCAE, the IMPEDE VTE score and the other standards the files name. A fact the "
        "sources rate as unverified is marked so, and every answer that depends on it says \"unverified: confirm "
        "against the current label\". Where the sources do not settle a question lenacare answers \"cannot "
        "assess\" and says why, rather than guess.</p><p>" +
        Escape(Disclaimer()) + "</p>";
    page.main +=
        "<p>The documents every citation names are listed, with their public addresses, on <a "
        "href=\"/sources\">Sources</a>.</p>";
    page.sources = {"lenacare's sources register: every document cited, with its public addresses (/sources)"};
    return Html(200, site.Page(c, page));
  });

  router.Add("GET", "/sources", [&site](const http::Request&, const RouteParams&, const Caller& c) {
    PageSpec page;
    page.title = "Sources";
    page.description = "The public documents lenacare's knowledge cites, and what its confidence words mean.";
    page.main =
        "<p>Every fact lenacare uses cites one or more of these documents and the section it comes from. The "
        "links go to the public documents. Pack: " +
        Escape(site.k().pack.document) + ", label of " + Escape(site.k().pack.label_date) +
        ".</p><h2 id=\"confidence\">How sure each fact is</h2><dl>";
    for (const Confidence& conf : Confidences()) {
      page.main += "<dt>" + Escape(conf.words) + "</dt><dd>" +
                   (conf.verified ? "Used as it stands." : "Every answer that rests on it says so.") + "</dd>";
    }
    page.main += "</dl><h2>Documents</h2>";
    for (const SourceDoc& d : site.k().sources.docs()) {
      page.main += "<section class=\"source\" id=\"" + Escape(d.id) + "\"><h3>" + Escape(d.Label()) + "</h3><p>" +
                   Escape(d.title) + ". " + Escape(d.publisher) + ".</p>";
      if (!d.note.empty()) page.main += "<p>" + Escape(d.note) + "</p>";
      page.main += "<p class=\"hint\">Cited as " + Escape(d.id) + "; last checked " + Escape(d.accessed) + ".</p>";
      if (!d.urls.empty()) {
        page.main += "<ul>";
        for (const std::string& u : d.urls) {
          page.main += "<li><a href=\"" + Escape(u) + "\" rel=\"external\">" + Escape(u) + "</a></li>";
        }
        page.main += "</ul>";
      }
      page.main += "</section>";
    }
    return Html(200, site.Page(c, page));
  });

  router.Add("GET", "/static/{name}", [&site](const http::Request& req, const RouteParams& params, const Caller& c) {
    const std::string& name = params.at("name");
    const std::string* body = name == "openapi.json" ? nullptr : site.StaticFile(name);
    if (body == nullptr) return Refuse(site, req, c, 404, "There is no file at this address.");
    http::Response r;
    r.content_type = "text/css; charset=utf-8";
    r.body = *body;
    return r;
  });
}

}  // namespace lenacare::webapp
