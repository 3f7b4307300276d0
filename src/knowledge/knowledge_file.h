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
#define LENACARE_CITE_KEYS "id", "cite", "confidence", "verified", "note"

// Returns the error of a Status-returning expression from the enclosing function.
#define LENACARE_TRY(expr)           \
  do {                               \
    Status _s = (expr);              \
    if (!_s.ok()) return _s.error(); \
  } while (0)

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
