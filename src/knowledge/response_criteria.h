// The myeloma response criteria (IMWG), typed: knowledge/common/imwg-<version>.toml, one file per
// criteria version. LoadResponseCriteria() reads the file for a version and validates it (unknown
// fields, entries without a source, tags that contradict `verified`, thresholds without units,
// a rule missing, a rule the criteria do not define); the error names the file, the entry and the
// problem. Once loaded the criteria are immutable. Every threshold is in the canonical unit of its
// kind: g/dL (serum M-protein), mg/24h (urine M-protein), mg/dL (free light chains), % (marrow
// plasma cells, relative changes), cm2 (plasmacytoma size).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/quantity.h"
#include "core/result.h"
#include "knowledge/citation.h"

namespace lenacare {

// The measurable markers, in the priority order of standards.md §1.2.
enum class ResponseMarker { kSerumM, kUrineM, kFlc, kBmpc };
std::string_view ResponseMarkerId(ResponseMarker m);    // "serum-m", "urine-m", "flc", "bmpc"
std::string_view ResponseMarkerName(ResponseMarker m);  // "serum M-protein", ...

// Response categories, worst to best: a higher value is a better response.
enum class ResponseCategory { kPD, kSD, kMR, kPR, kVGPR, kCR, kSCR };
std::string_view ResponseCategoryId(ResponseCategory c);  // "PD", "SD", "MR", "PR", "VGPR", "CR", "sCR"

// What PD is measured from (standards.md §1.4): 2016 the lowest confirmed value, 2006/2011 the
// lowest value.
enum class NadirRule { kLowestConfirmed, kLowest };

// One category's requirement on one marker (§1.3): a fall from the baseline of at least (or more
// than) `fall_percent`, or, where given, a value below `below`.
struct FallRule {
  ResponseCategory category = ResponseCategory::kPR;
  std::string marker;  // "serum-m", "urine-m", "flc" (dFLC), "bmpc", "plasmacytoma" (SPD)
  std::optional<double> fall_percent;
  bool fall_strictly = false;   // "more than" (fall_above)
  std::optional<double> below;  // canonical unit of the marker
  Citation cite;
};

// One way to PD (§1.4). All its conditions must hold; the rules of one marker are alternatives.
struct ProgressionRule {
  std::string marker;                    // as FallRule, plus "new-lesion"
  std::optional<double> nadir_at_least;  // the rule applies only from this nadir up
  std::optional<double> rise_percent;    // a rise of at least this % of the nadir
  std::optional<double> absolute_rise;   // and a rise of at least (or more than) this
  bool absolute_strictly = false;
  Citation cite;
};

struct MeasurableRule {
  ResponseMarker marker = ResponseMarker::kSerumM;
  double at_least = 0;  // for flc: the involved free light chain
  Citation cite;
};

struct ResponseCriteria {
  std::string version;   // "IMWG-2016"
  std::string citation;  // the paper
  NadirRule nadir = NadirRule::kLowestConfirmed;
  Citation cite;
  UnitTable units;  // the knowledge base's units (knowledge/common/units.toml)

  std::vector<MeasurableRule> measurable;  // one per marker
  Citation both_m_proteins;                // both followed when both are measurable
  double ratio_normal_at_least = 0, ratio_normal_at_most = 0;
  Citation ratio_cite;

  double cr_marrow_below = 0;  // %
  Citation cr, scr;
  std::vector<FallRule> falls;
  std::vector<ProgressionRule> progression;

  int consecutive_assessments = 2;
  std::vector<std::string> single_observation;  // "bmpc", "new-lesion", "plasmacytoma"
  Citation confirmation;

  const MeasurableRule& Measurable(ResponseMarker m) const;
  // The rule for a category and a marker, nullptr if the criteria define none (MR for flc).
  const FallRule* Fall(ResponseCategory c, std::string_view marker) const;
  std::vector<const ProgressionRule*> ProgressionFor(std::string_view marker) const;
  bool SingleObservation(std::string_view marker) const;
  bool RatioNormal(double ratio) const { return ratio >= ratio_normal_at_least && ratio <= ratio_normal_at_most; }
};

// Loads <knowledge_root>/common/<version in lower case>.toml ("IMWG-2016" -> common/imwg-2016.toml)
// and checks that the file names that version. An unknown version is bad input on the field
// "criteria" and lists the versions there are.
Result<ResponseCriteria> LoadResponseCriteria(const std::string& knowledge_root, const std::string& version,
                                              const Vocabulary& vocab);
// Every version there is (common/imwg-*.toml), loaded once with the knowledge base, so that a
// request names a version and never a file.
Result<std::vector<ResponseCriteria>> LoadAllResponseCriteria(const std::string& knowledge_root,
                                                              const Vocabulary& vocab);

// `units` with the units of the response markers added where `units` has none for their kind.
// A local table until knowledge/common/units.toml carries them (conversions from standards.md
// §0.3: M-protein g/dL x 10 = g/L; free light chains mg/dL x 10 = mg/L; 1 g = 1000 mg;

}  // namespace lenacare
