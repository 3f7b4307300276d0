// KnowledgeFile: one TOML file of the knowledge base being read. It checks the file's sections
// against its schema and hands each entry to an EntryReader, stopping at the first problem with
// the file and the entry named. Used by every loader (loader.cpp, load_safety.cpp).
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/result.h"
#include "knowledge/entry_reader.h"

namespace lenacare {

// The fields every cited entry may carry.
// (`signed_off` is written by a sign-off of the site pack only: site_pack.h.)
#define LENACARE_CITE_KEYS "id", "cite", "confidence", "verified", "note", "signed_off"

// Returns the error of a Status-returning expression from the enclosing function.
#define LENACARE_TRY(expr)           \
  do {                               \
    Status _s = (expr);              \
    if (!_s.ok()) return _s.error(); \
  } while (0)

struct EntryKey;
struct SitePack;

// A digest of an entry's TOML (FNV-1a, 64 bits, hex): the same for the same keys and values.
std::string EntryDigest(const toml::table& entry);
// The entry `e` of a parsed file, or nullptr.
toml::table* FindEntry(toml::table& doc, const EntryKey& e);
// Applies the site pack's sign-offs of file `rel` to its parsed text `doc` (site_pack.h): each
// whose base entry is unchanged sets its values (a correction), confidence = "local", verified =
// true and a `signed_off` table that the entry's citation reads. The others are left out (back in
// review). A base file that signs off itself (a `signed_off` table, confidence "local") is refused.
Status ApplySignoffs(const SitePack& site, const std::string& rel, toml::table& doc);

class KnowledgeFile {
 public:
  using Keys = std::initializer_list<std::string_view>;

  // Reads <root>/<rel>; a missing file or a TOML syntax error names the file (and line).
  static Result<KnowledgeFile> Open(const std::string& root, const std::string& rel, const Vocabulary& vocab);

  // Rejects top-level sections that the file's schema does not know, and checks [file].
  Status CheckKeys(Keys allowed) const;
  Status ReadHeader() const;
  // Runs `read` on each table of the array `key` ([[key]] in TOML); ids must be unique.
  Status Each(std::string_view key, Keys allowed, bool required, const std::function<void(EntryReader&)>& read) const;
  // Runs `read` on the single table `key` ([key] in TOML).
  Status One(std::string_view key, Keys allowed, const std::function<void(EntryReader&)>& read) const;

  const std::string& rel() const { return rel_; }

 private:
  KnowledgeFile(std::string rel, toml::table doc, const Vocabulary& vocab)
      : rel_(std::move(rel)), doc_(std::move(doc)), vocab_(vocab) {}
  std::string rel_;
  toml::table doc_;
  Vocabulary vocab_;
};

}  // namespace lenacare
