#include "clinical/vte.h"

#include <algorithm>

#include "clinical/inputs.h"
#include "core/text.h"

namespace lenacare {
namespace {

enum class Truth { kYes, kNo, kUnknown };

Truth Holds(const VteCriterion& c, const VteFacts& f) {
  if (!c.any_of.empty()) {
    bool unknown = false;
    for (const std::string& name : c.any_of) {
      auto it = f.yes_no.find(name);
      if (it == f.yes_no.end()) {
        unknown = true;
      } else if (it->second) {
        return Truth::kYes;
      }
    }
    return unknown ? Truth::kUnknown : Truth::kNo;
  }
  VteFactKind kind;
  FindVteFact(c.fact, kind);
  switch (kind) {
    case VteFactKind::kYesNo: {
      auto it = f.yes_no.find(c.fact);
      if (it == f.yes_no.end()) return Truth::kUnknown;
      return it->second ? Truth::kYes : Truth::kNo;
    }
    case VteFactKind::kNumber: {
      auto it = f.numbers.find(c.fact);
      if (it == f.numbers.end()) return Truth::kUnknown;
      const double v = it->second;
      const bool ok =
          (!c.at_least || v >= *c.at_least) && (!c.above || v > *c.above) && (!c.at_most || v <= *c.at_most);
      return ok ? Truth::kYes : Truth::kNo;
    }
    case VteFactKind::kChoice:
      if (!f.prophylaxis) return Truth::kUnknown;
      return std::find(c.equals.begin(), c.equals.end(), *f.prophylaxis) != c.equals.end() ? Truth::kYes : Truth::kNo;
  }
  return Truth::kUnknown;
}

void Missing(std::vector<std::string>& missing, const std::string& fact) {
  if (std::find(missing.begin(), missing.end(), fact) == missing.end()) missing.push_back(fact);
}

}  // namespace

bool ImpedeResult::verified() const {
  return std::all_of(items.begin(), items.end(), [](const ImpedeItem* i) { return i->cite.verified; });
}

ImwgResult AssessImwg(const VteKnowledge& k, const VteFacts& facts) {
  ImwgResult r;
  for (const ImwgFactor& x : k.imwg_factors) {
    const Truth t = Holds(x.when, facts);
    if (t == Truth::kUnknown) {
      if (x.when.any_of.empty()) {
        Missing(r.missing, x.when.fact);
      } else {
        for (const std::string& name : x.when.any_of) {
          if (facts.yes_no.count(name) == 0) Missing(r.missing, name);
        }
      }
    } else if (t == Truth::kYes) {
      r.present.push_back(&x);
      if (x.group == "individual") ++r.individual;
      if (x.group == "myeloma") ++r.myeloma;
      if (x.group == "therapy") ++r.therapy;
    }
  }
  r.complete = r.missing.empty();
  if (!r.complete) return r;
  for (const ImwgRecommendation& rec : k.imwg_recommendations) {
    if (rec.any_therapy_factor ? r.therapy > 0 : r.individual + r.myeloma >= rec.individual_or_myeloma_at_least) {
      r.recommendation = &rec;
      break;
    }
  }
  return r;
}

ImpedeResult ScoreImpede(const VteKnowledge& k, const VteFacts& facts) {
  ImpedeResult r;
  for (const ImpedeItem& x : k.impede_items) {
    const Truth t = Holds(x.when, facts);
    if (t == Truth::kUnknown) {
      Missing(r.missing, x.when.fact);
    } else if (t == Truth::kYes) {
      r.items.push_back(&x);
      r.score += x.points;
    }
  }
  // standards.md §4.3: an incomplete form gives a range, not a floor: no band.
  r.complete = r.missing.empty();
  if (!r.complete) return r;
  for (const ImpedeBand& b : k.impede_bands) {
    if ((!b.score_at_least || r.score >= *b.score_at_least) && (!b.score_at_most || r.score <= *b.score_at_most)) {
      r.band = &b;
    }
  }
  r.anticoagulant_suggested = r.score >= k.impede_anticoagulant_at_least;
  return r;
}

Status CheckVteFacts(const Knowledge& k, const VteFacts& facts) {
  VteFactKind kind;
  for (const auto& [name, value] : facts.yes_no) {
    if (!FindVteFact(name, kind) || kind != VteFactKind::kYesNo) return Error::BadInput(name, "unknown yes/no fact");
  }
  for (const auto& [name, value] : facts.numbers) {
    if (!FindVteFact(name, kind) || kind != VteFactKind::kNumber) return Error::BadInput(name, "unknown number fact");
    Status s = CheckPlausible(k, name, value, name);
    if (!s.ok()) return s;
  }
  if (facts.prophylaxis) {
    const auto& choices = VteProphylaxisChoices();
    if (std::find(choices.begin(), choices.end(), *facts.prophylaxis) == choices.end()) {
      std::string list;
      for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
      return Error::BadInput("prophylaxis", Quoted(*facts.prophylaxis) + " is not one of " + list);
    }
  }
  return Status::Ok();
}

}  // namespace lenacare
