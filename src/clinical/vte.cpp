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
  // The unknown factors: their group and the facts that would settle them.
  struct Unknown {
    bool therapy = false;
    std::vector<std::string> facts;
  };
  std::vector<Unknown> unknown;
  for (const ImwgFactor& x : k.imwg_factors) {
    const Truth t = Holds(x.when, facts);
    if (t == Truth::kUnknown) {
      Unknown u{x.group == "therapy", {}};
      if (x.when.any_of.empty()) {
        u.facts.push_back(x.when.fact);
      } else {
        for (const std::string& name : x.when.any_of) {
          if (facts.yes_no.count(name) == 0) u.facts.push_back(name);
        }
      }
      for (const std::string& name : u.facts) Missing(r.missing, name);
      unknown.push_back(std::move(u));
    } else if (t == Truth::kYes) {
      r.present.push_back(&x);
      if (x.group == "individual") ++r.individual;
      if (x.group == "myeloma") ++r.myeloma;
      if (x.group == "therapy") ++r.therapy;
    }
  }
  // The recommendation for a number of individual/myeloma and therapy factors (standards.md §4.1:
  // the first that applies, in the knowledge's order).
  auto pick = [&](int individual_or_myeloma, int therapy) -> const ImwgRecommendation* {
    for (const ImwgRecommendation& rec : k.imwg_recommendations) {
      if (rec.any_therapy_factor ? therapy > 0 : individual_or_myeloma >= rec.individual_or_myeloma_at_least) {
        return &rec;
      }
    }
    return nullptr;
  };
  auto same = [](const ImwgRecommendation* a, const ImwgRecommendation* b) {
    return a == b || (a != nullptr && b != nullptr && !a->kind.empty() && a->kind == b->kind);
  };
  const int known_im = r.individual + r.myeloma;
  const int unknown_therapy =
      static_cast<int>(std::count_if(unknown.begin(), unknown.end(), [](const Unknown& u) { return u.therapy; }));
  const int unknown_im = static_cast<int>(unknown.size()) - unknown_therapy;
  // Decided when no value of the unknown factors changes the kind of prophylaxis: the answer is
  // monotone in the factors, so the two extremes (none present, all present) settle it.
  r.recommendation = pick(known_im, r.therapy);
  r.complete = unknown.empty() || same(r.recommendation, pick(known_im + unknown_im, r.therapy + unknown_therapy));
  r.decided_from_known = r.complete && !unknown.empty();
  if (r.complete) return r;
  r.recommendation = nullptr;
  // An unknown factor could change the answer if, for some values of the other unknown ones,
  // its presence changes the kind of prophylaxis.
  for (const Unknown& u : unknown) {
    bool matters = false;
    for (int im = 0; im <= unknown_im - (u.therapy ? 0 : 1) && !matters; ++im) {
      for (int t = 0; t <= unknown_therapy - (u.therapy ? 1 : 0) && !matters; ++t) {
        const ImwgRecommendation* without = pick(known_im + im, r.therapy + t);
        const ImwgRecommendation* with = pick(known_im + im + (u.therapy ? 0 : 1), r.therapy + t + (u.therapy ? 1 : 0));
        matters = !same(without, with);
      }
    }
    if (matters) {
      for (const std::string& name : u.facts) Missing(r.could_change, name);
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
