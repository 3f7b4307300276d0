#include "webapp/content.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lenacare::webapp {
namespace {

const std::vector<std::string>& Sections() {
  static const std::vector<std::string> s = {"drug", "guide", "checklist"};
  return s;
}

}  // namespace

std::string SectionPath(const std::string& section) {
  if (section == "drug") return "/info";
  if (section == "guide") return "/guides";
  return "/checklists";
}

std::string MarkdownToHtml(const std::string& markdown) {
  static const bool registered = [] {
    cmark_gfm_core_extensions_ensure_registered();
    return true;
  }();
  (void)registered;
  // CMARK_OPT_DEFAULT leaves out CMARK_OPT_UNSAFE: raw HTML and javascript: links are dropped.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_SMART;
  cmark_parser* parser = cmark_parser_new(options);
  for (const char* name : {"table", "strikethrough", "autolink"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser, ext);
  }
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* doc = cmark_parser_finish(parser);
  char* html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
  std::string out(html);
  free(html);  // NOLINT: cmark allocates with malloc
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return out;
}

const ContentPage* Content::Find(const std::string& section, const std::string& slug) const {
  for (const ContentPage& p : pages) {
    if (p.section == section && p.slug == slug) return &p;
  }
  return nullptr;
}

std::vector<const ContentPage*> Content::Section(const std::string& section) const {
  std::vector<const ContentPage*> out;
  for (const ContentPage& p : pages) {
    if (p.section == section) out.push_back(&p);
  }
  return out;
}

Result<Content> LoadContent(const std::string& dir, const SourceRegister& register_) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error::Failed("pages", "no pages directory '" + dir + "'");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  Content content;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const std::string fence = "+++\n";
    if (text.rfind(fence, 0) != 0) return Error::Failed(name, "must start with a +++ front matter block");
    const size_t end = text.find("\n+++\n", fence.size() - 1);
    if (end == std::string::npos) return Error::Failed(name, "the front matter block is not closed by +++");
    toml::table meta;
    try {
      meta = toml::parse(text.substr(fence.size(), end + 1 - fence.size()));
    } catch (const toml::parse_error& e) {
      return Error::Failed(name, std::string("front matter: ") + std::string(e.description()));
    }
    ContentPage p;
    p.file = name;
    p.slug = meta["slug"].value_or(std::string());
    p.section = meta["section"].value_or(std::string());
    p.title = meta["title"].value_or(std::string());
    p.summary = meta["summary"].value_or(std::string());
    p.audience = meta["audience"].value_or(std::string());
    p.reviewed = meta["reviewed"].value_or(std::string());
    p.order = static_cast<int>(meta["order"].value_or(int64_t{0}));
    p.unverified = meta["unverified"].value_or(false);
    if (const toml::array* sources = meta["sources"].as_array()) {
      for (const auto& s : *sources) {
        auto v = s.value<std::string>();
        if (!v) return Error::Failed(name, "sources: every source is text");
        auto ref = register_.Parse(*v);
        if (!ref.ok()) return Error::Failed(name, "sources: " + ref.error().message);
        p.sources.push_back(ref->text);
      }
    }
    if (p.slug.empty() || p.slug + ".md" != name) return Error::Failed(name, "slug must match the file name");
    if (std::find(Sections().begin(), Sections().end(), p.section) == Sections().end()) {
      return Error::Failed(name, "section must be drug, guide or checklist");
    }
    if (p.title.empty()) return Error::Failed(name, "title: missing");
    if (p.summary.empty()) return Error::Failed(name, "summary: missing");
    if (p.sources.empty()) return Error::Failed(name, "sources: every page names its sources");
    p.html = MarkdownToHtml(text.substr(end + 5));
    content.pages.push_back(std::move(p));
  }
  std::stable_sort(content.pages.begin(), content.pages.end(), [](const ContentPage& a, const ContentPage& b) {
    if (a.section != b.section) return a.section < b.section;
    return a.order < b.order;
  });
  return content;
}

}  // namespace lenacare::webapp
