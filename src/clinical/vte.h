// Clot-prevention risk: the IMWG 2008 risk-assessment model and the IMPEDE VTE score, from patient
// facts (knowledge/common/vte.toml), with the label's own recommendation beside them. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

// What is known about the patient. A fact that is absent from the maps is unknown: a model that
// needs it answers "insufficient data" with the fact named, never a band.
struct VteFacts {
  std::map<std::string, bool> yes_no;      // "prior_vte" -> true
  std::map<std::string, double> numbers;   // "bmi" (kg/m2), "dexamethasone_per_month" (mg)
  std::optional<std::string> prophylaxis;  // "none", "aspirin", ...
};

struct ImwgResult {
  // An answer is given: every fact is known, or the known ones decide it whatever the unknown
  // ones are (decided_from_known; the unknown facts are still listed in `missing`).
  bool complete = false;
  bool decided_from_known = false;
  std::vector<std::string> missing;       // facts needed and not given
  std::vector<std::string> could_change;  // when not complete: the unknown facts that could change it
  std::vector<const ImwgFactor*> present;
  int individual = 0, myeloma = 0, therapy = 0;
  const ImwgRecommendation* recommendation = nullptr;
};

struct ImpedeResult {
  bool complete = false;
  std::vector<std::string> missing;
  std::vector<const ImpedeItem*> items;  // the items that score
  int score = 0;
  const ImpedeBand* band = nullptr;
  bool anticoagulant_suggested = false;
  bool verified() const;  // every scoring item is verified
};

ImwgResult AssessImwg(const VteKnowledge& k, const VteFacts& facts);
ImpedeResult ScoreImpede(const VteKnowledge& k, const VteFacts& facts);

// Checks names and values: unknown fact, a prophylaxis outside the list, a negative or implausible
// number are bad input naming the fact.
Status CheckVteFacts(const Knowledge& k, const VteFacts& facts);

}  // namespace lenacare
