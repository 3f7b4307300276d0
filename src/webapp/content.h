// The text pages of the web application (drug information, guides, checklists): Markdown files
// with TOML front matter under knowledge/pages/, rendered once at start to HTML by cmark-gfm with
// raw HTML disabled. The loader refuses a page without a title, a known section, or sources, as
// the knowledge loader refuses an uncited rule.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "knowledge/sources.h"

namespace lenacare::webapp {

struct ContentPage {
  std::string slug, section, title, summary, audience, reviewed;
  int order = 0;
  bool unverified = false;
  std::vector<std::string> sources;
  std::string html;  // the rendered body
  std::string file;  // where it came from, for messages
};

struct Content {
  std::vector<ContentPage> pages;  // by section, then order
  const ContentPage* Find(const std::string& section, const std::string& slug) const;
  std::vector<const ContentPage*> Section(const std::string& section) const;
};

// Loads every *.md file of `dir`.
// Every front-matter source is a citation of the register ("USPI §2.1"), kept as people read it.
Result<Content> LoadContent(const std::string& dir, const SourceRegister& sources);
// Markdown to HTML (GitHub tables; raw HTML is not passed through).
std::string MarkdownToHtml(const std::string& markdown);
// The URL prefix of a section: drug -> /info, guide -> /guides, checklist -> /checklists.
std::string SectionPath(const std::string& section);

}  // namespace lenacare::webapp
