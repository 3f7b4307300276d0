#include "knowledge/review.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/text.h"
#include "knowledge/knowledge_file.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

// The knowledge files an answer rests on, as the loader reads them: common/ and the pack's.
std::vector<std::string> Files(const Knowledge& k) {
  std::vector<std::string> out;
  for (const std::string& dir : {std::string("common"), k.pack.id}) {
    std::error_code ec;
    std::vector<std::string> here;
    for (const auto& e : fs::directory_iterator(fs::path(k.root) / dir, ec)) {
      if (e.path().extension() == ".toml") here.push_back(dir + "/" + e.path().filename().string());
    }
    std::sort(here.begin(), here.end());
    out.insert(out.end(), here.begin(), here.end());
  }
  return out;
}

std::string ValueText(const toml::table& entry) {
  toml::table values;
  for (const auto& [key, value] : entry) {
    if (CorrectableKey(key.str())) values.insert(key, value);
  }
  std::ostringstream out;
  out << toml::toml_formatter(values);
  return out.str();
}

ReviewItem Item(const Knowledge& k, const EntryKey& key, const std::string& topic, const toml::table& t) {
  ReviewItem item;
  item.entry = key;
  item.topic = topic;
  item.value = ValueText(t);
  item.base = EntryDigest(t);
  item.verified = t["verified"].value_or(false);
  item.confidence = t["confidence"].value_or(std::string());
  if (const Confidence* c = FindConfidence(item.confidence)) item.confidence_words = c->words;
  item.note = t["note"].value_or(std::string());
  if (const toml::array* cites = t["cite"].as_array()) {
    for (const auto& c : *cites) {
      auto ref = k.sources.Parse(c.value_or(std::string()));
      item.cites.push_back(ref.ok() ? k.sources.Render(*ref) : c.value_or(std::string()));
    }
  }
  std::string where;
  for (const std::string& c : item.cites) where += (where.empty() ? "" : "; ") + c;
  item.check = "Check these values against " + (where.empty() ? std::string("the label") : where) +
               " in the label you hold. Confirm them if they match it; correct them if they do not.";
  const Signoff* s = k.site.Find(key);
  if (s != nullptr && s->base == item.base) {
    item.status = s->action == "correct" ? "corrected" : "confirmed";
    item.status_text = s->Words() + (s->note.empty() ? "" : " (" + s->note + ")");
    item.corrected = s->set;
  } else if (s != nullptr) {
    item.status = "back-in-review";
    item.status_text = "Back in review: the base pack changed this entry after " + s->by + " " +
                       (s->action == "correct" ? "corrected" : "confirmed") + " it on " + s->on + " against " +
                       s->label + ".";
  } else {
    item.status = item.verified ? "verified" : "unverified";
    item.status_text = item.verified ? "checked: " + item.confidence_words : "not verified: " + item.confidence_words;
  }
  return item;
}

template <typename F>
void EachEntry(const toml::table& doc, const std::string& file, F&& f) {
  for (const auto& [key, node] : doc) {
    const std::string section(key.str());
    if (section == "file") continue;
    if (const toml::table* t = node.as_table()) {
      if (t->get("verified") != nullptr) f(EntryKey{file, section, (*t)["id"].value_or(std::string())}, *t);
    } else if (const toml::array* arr = node.as_array()) {
      for (const auto& row : *arr) {
        const toml::table* entry = row.as_table();
        if (entry != nullptr && entry->get("verified") != nullptr) {
          f(EntryKey{file, section, (*entry)["id"].value_or(std::string())}, *entry);
        }
      }
    }
  }
}

}  // namespace

Result<Review> ReviewKnowledge(const Knowledge& k, bool all) {
  Review r;
  std::vector<EntryKey> seen;
  for (const std::string& file : Files(k)) {
    toml::table doc;
    try {
      doc = toml::parse_file((fs::path(k.root) / file).string());
    } catch (const toml::parse_error& e) {
      return Error::BadInput(file, std::string(e.description()));
    }
    const std::string topic = doc["file"]["title"].value_or(file);
    EachEntry(doc, file, [&](const EntryKey& key, const toml::table& t) {
      seen.push_back(key);
      ReviewItem item = Item(k, key, topic, t);
      const bool reviewed = item.status == "confirmed" || item.status == "corrected";
      if (!all && item.verified && !reviewed && item.status != "back-in-review") return;
      r.unverified += item.status == "unverified" ? 1 : 0;
      r.signed_off += reviewed ? 1 : 0;
      r.back_in_review += item.status == "back-in-review" ? 1 : 0;
      r.items.push_back(std::move(item));
    });
  }
  // Sign-offs of entries the base pack no longer has.
  for (const Signoff& s : k.site.signoffs) {
    if (std::find(seen.begin(), seen.end(), s.entry) != seen.end()) continue;
    ReviewItem item;
    item.entry = s.entry;
    item.topic = "Entries no longer in the knowledge base";
    item.status = "back-in-review";
    item.status_text = "The base pack no longer has this entry, which " + s.by + " signed off on " + s.on +
                       ": the sign-off applies to nothing.";
    ++r.back_in_review;
    r.items.push_back(std::move(item));
  }
  return r;
}

Result<ReviewItem> ReviewEntry(const Knowledge& k, const EntryKey& e) {
  const fs::path path = fs::path(k.root) / e.file;
  const std::vector<std::string> files = Files(k);
  if (std::find(files.begin(), files.end(), e.file) == files.end()) {
    return Error::BadInput("entry", "there is no knowledge file " + Quoted(e.file));
  }
  toml::table doc;
  try {
    doc = toml::parse_file(path.string());
  } catch (const toml::parse_error& err) {
    return Error::BadInput(e.file, std::string(err.description()));
  }
  const toml::table* t = FindEntry(doc, e);
  if (t == nullptr || t->get("verified") == nullptr) {
    return Error::BadInput("entry", "there is no cited entry " + e.Describe() + " in the knowledge base");
  }
  return Item(k, e, doc["file"]["title"].value_or(e.file), *t);
}

}  // namespace lenacare
