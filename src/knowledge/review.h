// The clinic's review of the knowledge (site_pack.h): every entry that is not verified (or every
// entry), grouped by topic, each with its value, its sources, what to check and where its review
// stands. Read by `lenacare knowledge review` and the review page (/knowledge/review).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

struct ReviewItem {
  EntryKey entry;
  std::string topic;               // the file's title: "Blood-count monitoring"
  std::string value;               // the base pack's values (TOML text, without id and citation)
  std::string corrected;           // the values a correction set (TOML text), "" otherwise
  std::vector<std::string> cites;  // "REVLIMID US label 8/2023, §5.3"
  std::string confidence;          // the base entry's confidence key ("unconfirmed")
  std::string confidence_words;    // and in words
  bool verified = false;           // in the base pack
  std::string check;               // what exactly to check, in words
  std::string note;                // the entry's own note
  std::string status;              // unverified, verified, confirmed, corrected, back-in-review
  std::string status_text;         // "confirmed locally by ... on ... against ..."; why it is back in review
  std::string base;                // EntryDigest of the base entry (what a sign-off records)
};

struct Review {
  std::vector<ReviewItem> items;  // grouped by topic, in file order
  int unverified = 0, signed_off = 0, back_in_review = 0;
};

// `all`: every cited entry; otherwise those unverified in the base pack, and every one signed off
// or back in review.
Result<Review> ReviewKnowledge(const Knowledge& k, bool all);
// The base entry `e` as the review shows it, or an error naming why there is none.
Result<ReviewItem> ReviewEntry(const Knowledge& k, const EntryKey& e);

}  // namespace lenacare
