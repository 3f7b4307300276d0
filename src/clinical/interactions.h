// Interactions with lenalidomide (knowledge/us/interactions.toml), looked up by generic name,
// brand or RxNorm ingredient code, case-insensitively. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

struct InteractionAnswer {
  std::string query;
  const Interaction* interaction = nullptr;       // a named interaction, or
  const NoInteraction* no_interaction = nullptr;  // the label's "none expected"
  std::string matched_by;                         // "name", "brand", "rxnorm", "class"
};

// Bad input for a drug lenacare does not know: it cannot say that no interaction exists.
Result<InteractionAnswer> LookUpInteraction(const Knowledge& k, const std::string& drug);

}  // namespace lenacare
