#include "knowledge/site_pack.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/text.h"
#include "knowledge/knowledge_file.h"

namespace lenacare {
namespace fs = std::filesystem;

std::string EntryKey::Describe() const {
  return file + " " + section + (id.empty() ? std::string() : " " + Quoted(id));
}

std::string Signoff::Words() const {
  return std::string(action == "correct" ? "corrected" : "confirmed") + " locally by " + by + " on " + on +
         " against " + label;
}

const Signoff* SitePack::Find(const EntryKey& e) const {
  for (const Signoff& s : signoffs) {
    if (s.entry == e) return &s;
  }
  return nullptr;
}

std::string SitePack::File() const { return (fs::path(dir) / "signoffs.toml").string(); }

bool CorrectableKey(std::string_view key) {
  return key != "id" && key != "cite" && key != "confidence" && key != "verified" && key != "note" &&
         key != "signed_off";
}

std::string EntryDigest(const toml::table& entry) {
  std::ostringstream text;
  text << toml::toml_formatter(entry);
  Fnv1a64 h;
  h.Mix(text.str());
  return h.Hex();
}

toml::table* FindEntry(toml::table& doc, const EntryKey& e) {
  toml::node* node = doc.get(e.section);
  if (node == nullptr) return nullptr;
  if (toml::table* t = node->as_table()) {
    return t->get("id") == nullptr ? (e.id.empty() ? t : nullptr)
                                   : ((*t)["id"].value_or(std::string()) == e.id ? t : nullptr);
  }
  if (toml::array* arr = node->as_array()) {
    for (auto& item : *arr) {
      toml::table* t = item.as_table();
      if (t != nullptr && (*t)["id"].value_or(std::string()) == e.id) return t;
    }
  }
  return nullptr;
}

namespace {

// A correction's values: TOML text of the keys it sets.
Result<toml::table> ParseSet(const std::string& text, const std::string& where) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& e) {
    return Error::BadInput(where, "the corrected values are not valid: " + std::string(e.description()) + " (line " +
                                      std::to_string(e.source().begin.line) + ")");
  }
}

Status ReadSignoff(const toml::table& t, const std::string& where, Signoff& s) {
  for (const auto& [key, value] : t) {
    static const std::vector<std::string_view> known = {"file", "section", "id",   "action", "label",
                                                        "by",   "on",      "note", "base",   "set"};
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      return Error::BadInput(where, "unknown field " + Quoted(key.str()));
    }
  }
  auto text = [&](const char* key, std::string& out, bool required) -> Status {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) return Error::BadInput(where, "missing field " + Quoted(key));
      return Status::Ok();
    }
    if (!n->is_string()) return Error::BadInput(where, Quoted(key) + " must be text");
    out = *n->value<std::string>();
    if (required && Trim(out).empty()) return Error::BadInput(where, Quoted(key) + " must not be empty");
    return Status::Ok();
  };
  LENACARE_TRY(text("file", s.entry.file, true));
  LENACARE_TRY(text("section", s.entry.section, true));
  LENACARE_TRY(text("id", s.entry.id, false));
  LENACARE_TRY(text("action", s.action, true));
  LENACARE_TRY(text("label", s.label, true));
  LENACARE_TRY(text("by", s.by, true));
  LENACARE_TRY(text("on", s.on, true));
  LENACARE_TRY(text("note", s.note, false));
  LENACARE_TRY(text("base", s.base, true));
  if (s.action != "confirm" && s.action != "correct") {
    return Error::BadInput(where, "action must be \"confirm\" or \"correct\", not " + Quoted(s.action));
  }
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  if (!std::regex_match(s.on, date)) return Error::BadInput(where, "'on' must be a date (YYYY-MM-DD)");
  if (const toml::node* set = t.get("set")) {
    if (!set->is_table()) return Error::BadInput(where, "'set' must be a table of the entry's keys");
    for (const auto& [key, value] : *set->as_table()) {
      if (!CorrectableKey(key.str())) return Error::BadInput(where, "a correction may not set " + Quoted(key.str()));
    }
    std::ostringstream set_text;
    set_text << toml::toml_formatter(*set->as_table());
    s.set = set_text.str();
  }
  if (s.action == "correct" && s.set.empty()) return Error::BadInput(where, "a correction sets at least one value");
  if (s.action == "confirm" && !s.set.empty()) return Error::BadInput(where, "a confirmation sets no value");
  return Status::Ok();
}

}  // namespace

Result<SitePack> LoadSitePack(const std::string& dir) {
  SitePack site;
  site.dir = dir;
  if (dir.empty() || !fs::exists(site.File())) return site;
  toml::table doc;
  try {
    doc = toml::parse_file(site.File());
  } catch (const toml::parse_error& e) {
    return Error::BadInput(site.File() + ":" + std::to_string(e.source().begin.line), std::string(e.description()));
  }
  for (const auto& [key, node] : doc) {
    if (key.str() != "signoff") return Error::BadInput(site.File(), "unknown section " + Quoted(key.str()));
  }
  if (const toml::array* arr = doc["signoff"].as_array()) {
    int n = 0;
    for (const auto& item : *arr) {
      ++n;
      const toml::table* t = item.as_table();
      const std::string where = site.File() + ": sign-off " + std::to_string(n);
      if (t == nullptr) return Error::BadInput(where, "must be a [[signoff]] table");
      Signoff s;
      LENACARE_TRY(ReadSignoff(*t, where, s));
      if (site.Find(s.entry) != nullptr) return Error::BadInput(where, s.entry.Describe() + " is signed off twice");
      site.signoffs.push_back(std::move(s));
    }
  } else if (doc.get("signoff") != nullptr) {
    return Error::BadInput(site.File(), "'signoff' must be a list of [[signoff]] tables");
  }
  return site;
}

std::string SitePackText(const SitePack& site) {
  std::ostringstream out;
  out << "# A clinic's sign-offs of the knowledge base (written by lenacare's review page; see\n"
         "# docs/knowledge-review.md). Each holds only for the base entry it was made on (base).\n";
  toml::array all;
  for (const Signoff& s : site.signoffs) {
    toml::table t{{"file", s.entry.file}, {"section", s.entry.section},
                  {"id", s.entry.id},     {"action", s.action},
                  {"label", s.label},     {"by", s.by},
                  {"on", s.on},           {"base", s.base}};
    if (!s.note.empty()) t.insert("note", s.note);
    if (auto set = ParseSet(s.set, s.entry.Describe()); set.ok() && !set->empty()) t.insert("set", *set);
    all.push_back(std::move(t));
  }
  if (!all.empty()) out << "\n" << toml::toml_formatter(toml::table{{"signoff", std::move(all)}}) << "\n";
  return out.str();
}

Status SaveSitePack(const SitePack& site) {
  if (site.dir.empty()) return Error::Failed("site", "no site knowledge directory to write sign-offs to");
  std::error_code ec;
  fs::create_directories(site.dir, ec);
  if (ec) return Error::Failed(site.dir, "cannot create the directory: " + ec.message());
  const std::string tmp = site.File() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << SitePackText(site);
    out.flush();
    if (!out) return Error::Failed(tmp, "cannot write the sign-offs");
  }
  fs::rename(tmp, site.File(), ec);
  if (ec) return Error::Failed(site.File(), "cannot replace the sign-offs: " + ec.message());
  return Status::Ok();
}

namespace {

// Whether a base file's entry signs itself off, which only the site pack may do.
bool SignsItselfOff(const toml::table& t) {
  return t.get("signed_off") != nullptr || t["confidence"].value_or(std::string()) == "local";
}

}  // namespace

Status ApplySignoffs(const SitePack& site, const std::string& rel, toml::table& doc) {
  for (auto& [key, node] : doc) {
    const std::string section(key.str());  // a structured binding cannot be captured before C++20's P1091 (clang 14)
    auto refuse = [&rel, &section](const toml::table& t) {
      return Error::BadInput(rel + ": " + section + " " + Quoted(t["id"].value_or(std::string())),
                             "only a sign-off of the site pack may make an entry locally confirmed");
    };
    if (const toml::table* t = node.as_table(); t != nullptr && SignsItselfOff(*t)) return refuse(*t);
    if (const toml::array* arr = node.as_array()) {
      for (const auto& item : *arr) {
        if (const toml::table* t = item.as_table(); t != nullptr && SignsItselfOff(*t)) return refuse(*t);
      }
    }
  }
  for (const Signoff& s : site.signoffs) {
    if (s.entry.file != rel) continue;
    toml::table* entry = FindEntry(doc, s.entry);
    if (entry == nullptr || EntryDigest(*entry) != s.base) continue;  // back in review
    if (!s.set.empty()) {
      auto set = ParseSet(s.set, rel + ": " + s.entry.Describe());
      if (!set.ok()) return set.error();
      for (auto&& [key, value] : *set) {
        if (!CorrectableKey(key.str()))
          return Error::BadInput(s.entry.Describe(), "a correction may not set " + Quoted(key.str()));
        if (entry->get(key) == nullptr) {
          return Error::BadInput(s.entry.Describe(),
                                 "a correction sets only the entry's own keys, not " + Quoted(key.str()));
        }
        entry->insert_or_assign(key, std::move(value));
      }
    }
    entry->insert_or_assign("confidence", "local");
    entry->insert_or_assign("verified", true);
    entry->insert_or_assign("signed_off", toml::table{{"words", s.Words()}, {"note", s.note}});
  }
  return Status::Ok();
}

}  // namespace lenacare
