// Myeloma response by the IMWG criteria (standards.md §1), from a series of dated results: which
// marker is followed (§1.2), the category of each assessment (§1.3, §1.7), confirmation on
// consecutive assessments (§1.6), the nadir and progression (§1.4), the best and the current
// response, and the reasoning step by step. Pure: no clock, no I/O; the numbers come from the
// criteria file (knowledge/common/imwg-<version>.toml).
//
// A series is one line of therapy: a new line starts a new series (its own baseline and nadir).
// The answer is cannot-assess, with the reason and the field, when the baseline is missing, no
// marker is measurable at baseline, a followed marker is missing from a later assessment (it is
// never inferred), one marker is given in different units across the series, or the plasmacytoma
// grows in a way the inputs cannot settle.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "knowledge/citation.h"
#include "knowledge/response_criteria.h"

namespace lenacare {

// A measured value in the canonical unit of its kind, with the unit the laboratory wrote
// (normalised: "mg/(24.h)" -> "mg/24h"), so that a series mixing units can be refused.
struct Measured {
  double value = 0;
  std::string unit;
};

enum class Immunofixation { kNegative, kPositive };

// The results of one date. Names in comments are the series JSON fields (docs/response-format.md).
struct MarkerResults {
  Date date;
  std::optional<Measured> serum_m;           // serum_m_protein [g/dL]
  std::optional<Measured> urine_m;           // urine_m_protein [mg/24h]
  std::optional<Measured> kappa, lambda;     // kappa_flc, lambda_flc [mg/dL]
  std::optional<Immunofixation> serum_ife;   // serum_ife
  std::optional<Immunofixation> urine_ife;   // urine_ife
  std::optional<Measured> bmpc;              // bmpc: marrow plasma cells [%]
  std::optional<bool> clonal_plasma_cells;   // clonal_plasma_cells: present (true) / absent (false)
  std::optional<Measured> plasmacytoma_spd;  // plasmacytoma_spd [cm2]; 0 = none or gone
  bool new_lesion = false;                   // new_lesion: a new bone lesion or plasmacytoma
};

struct ResponseSeries {
  std::string criteria;                    // "IMWG-2016"
  std::optional<MarkerResults> baseline;   // before therapy
  std::vector<MarkerResults> assessments;  // after the baseline, dates strictly ascending
};

struct AssessmentResponse {
  Date date;
  ResponseCategory category = ResponseCategory::kSD;
  // Confirmed: the next assessment has this category or a better one (PD: PD again), or the
  // finding needs no repeat (marrow, imaging). The last assessment awaits its confirmation.
  bool confirmed = false;
  bool awaiting_confirmation = false;  // too recent: the confirming assessment is yet to come
  std::optional<Date> confirmed_on;
  std::string reasoning;
  std::vector<Citation> rules;  // the criteria entries that decided the category
};

// The lowest confirmed value of a followed marker (standards.md §1.4).
struct Nadir {
  std::string marker;  // "serum-m", "urine-m", "flc" (dFLC), "bmpc", "plasmacytoma"
  double value = 0;
  std::string unit;  // canonical: g/dL, mg/24h, mg/dL, %, cm2
  Date reached;      // the first assessment of the values that confirm it
  Date confirmed;    // the assessment that confirms it (the baseline: both the baseline date)
};

struct ResponseAnswer {
  std::string criteria, citation;  // "IMWG-2016", the paper
  bool assessed = false;           // false: cannot-assess, see reason
  std::string reason, reason_field;
  std::optional<ResponseMarker> marker;  // the marker chosen at baseline
  std::vector<ResponseMarker> followed;  // marker, and urine-m when both M-proteins are measurable
  std::vector<AssessmentResponse> assessments;
  std::vector<Nadir> nadirs;
  std::optional<ResponseCategory> best_response;     // best confirmed category before progression
  std::optional<ResponseCategory> current_response;  // confirmed by the latest assessments
  std::optional<Date> progression_first;             // first assessment of confirmed PD
  std::optional<Date> progression_date;              // the assessment that confirms it
  std::vector<std::string> steps;
  bool verified = true;  // false if an entry used is not verified
};

ResponseAnswer ClassifyResponse(const ResponseCriteria& criteria, const ResponseSeries& series);

}  // namespace lenacare
