// Citation: where a fact of the knowledge base comes from and whether it counts as verified
// (the confidence tags of label-facts.md and standards.md).
#pragma once

#include <string>
#include <string_view>

namespace lenacare {

struct Citation {
  std::string id;      // the entry's id, unique in its file
  std::string file;    // "us/renal.toml"
  std::string source;  // "USPI 2.6 column (a) (label-facts.md §4.1)"
  std::string tag;     // the confidence tag of the facts file: "V2", "UNV", ...
  bool verified = false;
  std::string note;
};

// What every answer that rests on an unverified entry says.
inline constexpr std::string_view kUnverifiedSuffix = "unverified: confirm against the current label";

}  // namespace lenacare
