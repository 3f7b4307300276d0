// Loading and validating a knowledge directory. lenacare refuses to run on a knowledge base that
// fails validation; the error names the file, the entry and the problem, e.g.
//   us/dose-levels.toml: ladder 'mm': levels are not strictly descending (15 mg after 10 mg)
#pragma once

#include <string>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

// Loads <root>/common/*.toml and the pack <root>/<pack>/*.toml. Checks, among others: unknown
// fields, entries without source/tag/verified, a tag that contradicts `verified`, thresholds
// without units, ladders that are not strictly descending, floors that are not the last level of
// their ladder, references to unknown indications or tables, an indication without a renal table,
// a ladder, a CBC schedule or a start entry, renal tables missing a band.
// `site_dir`: the clinic's site pack (site_pack.h), applied over the base pack; "" for none.
Result<Knowledge> LoadKnowledge(const std::string& root, const std::string& pack = "us",
                                const std::string& site_dir = "");

}  // namespace lenacare
