// The sources register (knowledge/sources/*.toml): one entry per public document the knowledge
// cites, and the words lenacare uses for how sure a fact is. Every knowledge entry cites
// register entries as "ID section" ("USPI §2.1 Table 1"); the loader refuses an unknown ID or a
// citation without a section, so every citation the product shows names a public document.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/quantity.h"
#include "core/result.h"

namespace lenacare {

struct SourceDoc {
  std::string id;          // what citations write: "USPI"
  std::string short_name;  // "REVLIMID US label"
  std::string title, publisher;
  std::string version;            // shown with every citation: "8/2023", "2016"; may be empty
  std::string kind;               // label, rems, reference, guideline, paper, terminology, patient-information, policy
  std::vector<std::string> urls;  // public addresses, the first the primary one; none for kind "policy"
  std::string accessed;           // the month lenacare's knowledge was last checked against it
  std::string note;
  std::string file;  // "sources/labels.toml"

  // "REVLIMID US label 8/2023": the document as every citation names it.
  std::string Label() const;
  // The primary public address, or "" (lenacare's own rules).
  std::string Url() const;
};

// One cited place: a register entry and where in it.
struct CiteRef {
  std::string doc;      // register id
  std::string section;  // "§2.1 Table 1"
  std::string text;     // as people read it: "REVLIMID US label 8/2023, §2.1 Table 1"
  std::string url;      // the document's primary public address, or ""
};

class SourceRegister {
 public:
  // Reads every <root>/sources/*.toml; ids are unique across the files.
  static Result<SourceRegister> Load(const std::string& root);

  const SourceDoc* Find(std::string_view id) const;
  // "USPI §2.1 Table 1" -> {USPI, §2.1 Table 1}; an unknown id or an empty section is an error
  // naming what is wrong.
  Result<CiteRef> Parse(std::string_view text) const;
  // "REVLIMID US label 8/2023, §2.1 Table 1".
  std::string Render(const CiteRef& ref) const;
  // The register entry a rendered citation ("REVLIMID US label 8/2023, §2.1") names, or nullptr.
  const SourceDoc* DocOfRendered(std::string_view rendered) const;
  const std::vector<SourceDoc>& docs() const { return docs_; }

 private:
  std::vector<SourceDoc> docs_;  // in file order
  std::map<std::string, size_t, std::less<>> by_id_;
};

struct SitePack;

// What every knowledge file is read against: the unit table, the sources register and the
// clinic's sign-offs applied over the base pack (site_pack.h), if any.
struct Vocabulary {
  const UnitTable& units;
  const SourceRegister& sources;
  const SitePack* site = nullptr;
};

// How sure lenacare is of a fact, in words for the people who read the answer. The knowledge
// files write the key (confidence = "label"); `verified` must agree with it.
struct Confidence {
  std::string_view key;
  bool verified;
  std::string_view words;
};
const Confidence* FindConfidence(std::string_view key);
// Every key, in the order the register page lists them.
const std::vector<Confidence>& Confidences();

}  // namespace lenacare
