#include "knowledge/knowledge_file.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/text.h"
#include "knowledge/site_pack.h"

namespace lenacare {

Result<KnowledgeFile> KnowledgeFile::Open(const std::string& root, const std::string& rel, const Vocabulary& vocab) {
  const std::filesystem::path path = std::filesystem::path(root) / rel;
  if (!std::filesystem::exists(path)) return Error::BadInput(rel, "file not found in " + root);
  toml::table doc;
  try {
    doc = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return Error::BadInput(rel + ":" + std::to_string(e.source().begin.line), std::string(e.description()));
  }
  // The clinic's sign-offs, over the base pack: every check below runs on the values they set.
  static const SitePack kNoSite;
  LENACARE_TRY(ApplySignoffs(vocab.site != nullptr ? *vocab.site : kNoSite, rel, doc));
  return KnowledgeFile(rel, std::move(doc), vocab);
}

Status KnowledgeFile::CheckKeys(Keys allowed) const {
  for (const auto& [key, node] : doc_) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
      return Error::BadInput(rel_, "unknown section " + Quoted(key.str()));
    }
  }
  return Status::Ok();
}

Status KnowledgeFile::ReadHeader() const {
  return One("file", {"title", "cite"}, [](EntryReader& r) {
    r.Str("title");
    r.CiteRefs();
  });
}

Status KnowledgeFile::Each(std::string_view key, Keys allowed, bool required,
                           const std::function<void(EntryReader&)>& read) const {
  const toml::node* node = doc_.get(key);
  if (node == nullptr) {
    if (required) return Error::BadInput(rel_, "no " + Quoted(key) + " entries");
    return Status::Ok();
  }
  const toml::array* arr = node->as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    return Error::BadInput(rel_, Quoted(key) + " must be a list of [[" + std::string(key) + "]] tables");
  }
  std::set<std::string> ids;
  for (const auto& item : *arr) {
    EntryReader r(*item.as_table(), rel_, std::string(key), vocab_, allowed);
    if (r.ok()) read(r);
    if (!r.ok()) return r.error();
    if (!ids.insert(r.id()).second) {
      return Error::BadInput(rel_ + ": " + std::string(key) + " " + Quoted(r.id()), "duplicate id");
    }
  }
  return Status::Ok();
}

Status KnowledgeFile::One(std::string_view key, Keys allowed, const std::function<void(EntryReader&)>& read) const {
  const toml::table* t = doc_[key].as_table();
  if (t == nullptr) return Error::BadInput(rel_, "missing section [" + std::string(key) + "]");
  EntryReader r(*t, rel_, std::string(key), vocab_, allowed);
  if (r.ok()) read(r);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace lenacare
