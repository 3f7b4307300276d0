#include "clinical/interactions.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace lenacare {
namespace {

std::string Normal(const std::string& s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u) || c == '_' || c == '-') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else if (c != '\'') {
      out.push_back(static_cast<char>(std::tolower(u)));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool In(const std::vector<std::string>& list, const std::string& q) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& x) { return Normal(x) == q; });
}

}  // namespace

Result<InteractionAnswer> LookUpInteraction(const Knowledge& k, const std::string& drug) {
  InteractionAnswer a;
  a.query = drug;
  const std::string q = Normal(drug);
  if (q.empty()) return Error::BadInput("drug", "is empty");
  for (const Interaction& x : k.safety.interactions) {
    const char* by = In(x.drugs, q) ? "name" : In(x.brands, q) ? "brand" : In(x.rxnorm, q) ? "rxnorm" : nullptr;
    if (by != nullptr) {
      a.interaction = &x;
      a.matched_by = by;
      return a;
    }
  }
  for (const NoInteraction& x : k.safety.no_interactions) {
    const char* by = In(x.drugs, q)     ? "name"
                     : In(x.brands, q)  ? "brand"
                     : In(x.rxnorm, q)  ? "rxnorm"
                     : In(x.classes, q) ? "class"
                                        : nullptr;
    if (by != nullptr) {
      a.no_interaction = &x;
      a.matched_by = by;
      return a;
    }
  }
  return Error::BadInput("drug", "unknown drug " + Quoted(drug) +
                                     ": lenacare knows only the interactions its sources name, so it cannot say that "
                                     "none exists; check the full prescribing information");
}

}  // namespace lenacare
