// Citation: where a fact of the knowledge base comes from (register entries of
// knowledge/sources/, with the section) and how sure lenacare is of it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "knowledge/sources.h"

namespace lenacare {

struct Citation {
  std::string id;             // the entry's id, unique in its file
  std::string file;           // "us/renal.toml"
  std::vector<CiteRef> refs;  // what the entry cites, in its order
  std::string source;         // the refs as people read them: "REVLIMID US label 8/2023, §2.6"
  std::string confidence;     // a key of Confidences(): "label", "unconfirmed", ...; "" if none given
  bool verified = false;
  std::string note;
  // When a sign-off of the clinic's site pack confirmed or corrected the entry (confidence
  // "local"): "confirmed locally by NAME on DATE against LABEL", also the last part of `source`.
  std::string local;

  // The confidence in words ("checked against the label"), or "" when the entry gives none.
  std::string_view ConfidenceWords() const;
};

inline std::string_view Citation::ConfidenceWords() const {
  const Confidence* c = FindConfidence(confidence);
  return c == nullptr ? std::string_view() : c->words;
}

// Two sources as answers show them ("A; B" and "B; C" give "A; B; C"): each citation once.
std::string JoinSources(std::string_view a, std::string_view b);

// What every answer that rests on an unverified entry says.
inline constexpr std::string_view kUnverifiedSuffix = "unverified: confirm against the current label";

}  // namespace lenacare
