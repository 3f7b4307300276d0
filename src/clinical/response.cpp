#include "clinical/response.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/band_edge.h"
#include "core/quantity.h"

namespace lenacare {
namespace {

using band_edge::Above;
using band_edge::AtLeast;
using band_edge::Below;

std::string Pct(double p) { return FormatNumber(std::round(p * 10) / 10) + "%"; }

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

// What the classifier follows: the numbers behind the markers of standards.md §1.2.
enum class Subject { kSerum, kUrine, kDflc, kBmpc, kSpd };

struct SubjectInfo {
  std::string_view id, name, unit, field;
};

SubjectInfo Info(Subject s) {
  switch (s) {
    case Subject::kSerum:
      return {"serum-m", "serum M-protein", "g/dL", "serum_m_protein"};
    case Subject::kUrine:
      return {"urine-m", "urine M-protein", "mg/24h", "urine_m_protein"};
    case Subject::kDflc:
      return {"flc", "dFLC", "mg/dL", "kappa_flc"};
    case Subject::kBmpc:
      return {"bmpc", "marrow plasma cells", "%", "bmpc"};
    case Subject::kSpd:
      return {"plasmacytoma", "plasmacytoma SPD", "cm2", "plasmacytoma_spd"};
  }
  return {"?", "?", "?", "?"};
}

std::string Amount(Subject s, double v) { return FormatNumber(v) + " " + std::string(Info(s).unit); }

// kappa/lambda; infinite when only lambda is 0; nullopt when not given or both 0.
std::optional<double> Ratio(const MarkerResults& r) {
  if (!r.kappa || !r.lambda) return std::nullopt;
  if (r.lambda->value > 0) return r.kappa->value / r.lambda->value;
  if (r.kappa->value > 0) return std::numeric_limits<double>::infinity();
  return std::nullopt;
}

std::string RatioText(double ratio) {
  return std::isinf(ratio) ? "infinite (lambda 0)" : FormatNumber(std::round(ratio * 1000) / 1000);
}

// One requirement of a category, met or not, with the words that say why.
struct Req {
  bool met = false;
  std::string text;
  const Citation* cite = nullptr;
};

struct Level {
  ResponseCategory category = ResponseCategory::kSD;
  std::vector<Req> reqs;
  bool Met() const {
    return std::all_of(reqs.begin(), reqs.end(), [](const Req& r) { return r.met; });
  }
  std::string Texts(bool met) const {
    std::vector<std::string> out;
    for (const Req& r : reqs) {
      if (r.met == met) out.push_back(r.text);
    }
    return Join(out, ", ");
  }
};

class Classifier {
 public:
  Classifier(const ResponseCriteria& c, const ResponseSeries& s) : c_(c), s_(s) {}
  ResponseAnswer Run();

 private:
  struct NadirAt {
    double value = 0;
    int reached = 0, confirmed = 0;  // point indices
  };

  bool CannotAssess(std::string field, std::string message);
  bool CheckUnits();
  bool ChooseMarker();
  bool CheckNeeded();
  bool ClassifyAll();
  void Confirm();
  void Summarise();

  int Count() const { return static_cast<int>(s_.assessments.size()); }
  // Point 0 is the baseline, point k the (k-1)th assessment.
  const MarkerResults& At(int k) const { return k == 0 ? *s_.baseline : s_.assessments[static_cast<size_t>(k - 1)]; }
  std::string Where(int k) const { return k == 0 ? "baseline" : "assessments[" + std::to_string(k - 1) + "]"; }
  std::string DateOf(int k) const { return At(k).date.ToString(); }
  std::optional<double> Value(Subject s, int k) const;
  std::optional<NadirAt> NadirBefore(Subject s, int k) const;
  // The last assessment up to point k that has the value (marrow, imaging: single observations).
  int Latest(Subject s, int k) const;
  std::vector<Subject> Followed() const;

  Req Fall(const FallRule& rule, Subject s, int j) const;
  Req PlasmacytomaFall(ResponseCategory category, int k) const;
  std::vector<Level> Levels(int k) const;
  std::string Rule(const ProgressionRule& p) const;
  // PD findings at point k, rises that did not reach PD (quiet), and a plasmacytoma growth that
  // the inputs cannot settle (spd_growth).
  std::vector<Req> Progression(int k, bool& single, std::vector<std::string>& quiet,
                               std::optional<std::string>& spd_growth);

  void Use(const Citation& c) {
    if (!c.verified) a_.verified = false;
  }

  const ResponseCriteria& c_;
  const ResponseSeries& s_;
  ResponseAnswer a_;
  bool serum_ = false, urine_ = false;  // M-proteins followed
  bool kappa_involved_ = true;
  bool plasmacytoma_ = false;  // present at baseline
  std::vector<bool> single_;   // per assessment: the category needs no repeat
};

bool Classifier::CannotAssess(std::string field, std::string message) {
  a_.assessed = false;
  a_.reason_field = std::move(field);
  a_.reason = std::move(message);
  a_.steps.push_back("Cannot assess: " + (a_.reason_field.empty() ? "" : a_.reason_field + ": ") + a_.reason);
  a_.assessments.clear();
  a_.nadirs.clear();
  a_.best_response.reset();
  a_.current_response.reset();
  a_.progression_first.reset();
  a_.progression_date.reset();
  return false;
}

std::optional<double> Classifier::Value(Subject s, int k) const {
  const MarkerResults& r = At(k);
  auto get = [](const std::optional<Measured>& m) { return m ? std::optional<double>(m->value) : std::nullopt; };
  switch (s) {
    case Subject::kSerum:
      return get(r.serum_m);
    case Subject::kUrine:
      return get(r.urine_m);
    case Subject::kDflc:
      if (!r.kappa || !r.lambda) return std::nullopt;
      return kappa_involved_ ? r.kappa->value - r.lambda->value : r.lambda->value - r.kappa->value;
    case Subject::kBmpc:
      return get(r.bmpc);
    case Subject::kSpd:
      return get(r.plasmacytoma_spd);
  }
  return std::nullopt;
}

int Classifier::Latest(Subject s, int k) const {
  for (int j = k; j >= 1; --j) {
    if (Value(s, j)) return j;
  }
  return 0;
}

// standards.md §1.4: 2016 measures PD from the lowest confirmed value, i.e. the lowest level held
// on `consecutive_assessments` consecutive assessments (the highest value of such a run); the
// baseline is the starting nadir. 2006/2011 ("lowest") and the single-observation findings
// (marrow, imaging) take the lowest value seen.
std::optional<Classifier::NadirAt> Classifier::NadirBefore(Subject s, int k) const {
  std::optional<NadirAt> best;
  auto consider = [&](double v, int reached, int confirmed) {
    if (!best || Below(v, best->value)) best = NadirAt{v, reached, confirmed};
  };
  if (auto v0 = Value(s, 0)) consider(*v0, 0, 0);
  const bool single = c_.nadir == NadirRule::kLowest || c_.SingleObservation(Info(s).id);
  const int n = single ? 1 : c_.consecutive_assessments;
  for (int j = 1; j + n - 1 <= k - 1; ++j) {
    std::optional<double> high;
    for (int m = j; m < j + n; ++m) {
      auto v = Value(s, m);
      if (!v) {
        high.reset();
        break;
      }
      high = high ? std::max(*high, *v) : *v;
    }
    if (high) consider(*high, j, j + n - 1);
  }
  return best;
}

std::vector<Subject> Classifier::Followed() const {
  std::vector<Subject> out;
  if (serum_) out.push_back(Subject::kSerum);
  if (urine_) out.push_back(Subject::kUrine);
  if (a_.marker == ResponseMarker::kFlc) out.push_back(Subject::kDflc);
  if (a_.marker == ResponseMarker::kBmpc) out.push_back(Subject::kBmpc);
  return out;
}

// standards.md §1.6: the same method at every assessment; a marker given in two units is refused
// rather than converted.
bool Classifier::CheckUnits() {
  struct Group {
    std::string_view name;
    std::optional<Measured> MarkerResults::*a;
    std::optional<Measured> MarkerResults::*b;
    std::string_view field_a, field_b;
  };
  const Group groups[] = {
      {"the serum M-protein", &MarkerResults::serum_m, nullptr, "serum_m_protein", ""},
      {"the urine M-protein", &MarkerResults::urine_m, nullptr, "urine_m_protein", ""},
      {"the free light chains", &MarkerResults::kappa, &MarkerResults::lambda, "kappa_flc", "lambda_flc"},
      {"the marrow plasma cells", &MarkerResults::bmpc, nullptr, "bmpc", ""},
      {"the plasmacytoma size", &MarkerResults::plasmacytoma_spd, nullptr, "plasmacytoma_spd", ""},
  };
  for (const Group& g : groups) {
    std::string first_unit;
    int first = -1;
    for (int k = 0; k <= Count(); ++k) {
      for (int half = 0; half < 2; ++half) {
        auto member = half == 0 ? g.a : g.b;
        if (member == nullptr || !(At(k).*member)) continue;
        const std::string& unit = (At(k).*member)->unit;
        if (first < 0) {
          first = k;
          first_unit = unit;
        } else if (unit != first_unit) {
          return CannotAssess(Where(k) + "." + std::string(half == 0 ? g.field_a : g.field_b),
                              std::string(g.name) + " is in " + unit + " here but in " + first_unit + " at " +
                                  Where(first) +
                                  ": give one marker in one unit across the series (the same method at every "
                                  "assessment, IMWG 2016)");
        }
      }
    }
  }
  return true;
}

bool Classifier::ChooseMarker() {
  const MarkerResults& b = *s_.baseline;
  auto measurable = [&](ResponseMarker m, const std::optional<Measured>& v, Subject s) {
    const MeasurableRule& rule = c_.Measurable(m);
    const std::string name(ResponseMarkerName(m));
    if (!v) {
      a_.steps.push_back("Baseline " + name + ": not given.");
      return false;
    }
    const bool ok = AtLeast(v->value, rule.at_least);
    a_.steps.push_back("Baseline " + name + " " + Amount(s, v->value) + ": " + (ok ? "measurable" : "not measurable") +
                       " (measurable from " + Amount(s, rule.at_least) + ", " + rule.cite.id + ").");
    Use(rule.cite);
    return ok;
  };
  serum_ = measurable(ResponseMarker::kSerumM, b.serum_m, Subject::kSerum);
  urine_ = measurable(ResponseMarker::kUrineM, b.urine_m, Subject::kUrine);
  if (serum_ || urine_) {
    a_.marker = serum_ ? ResponseMarker::kSerumM : ResponseMarker::kUrineM;
    if (serum_) a_.followed.push_back(ResponseMarker::kSerumM);
    if (urine_) a_.followed.push_back(ResponseMarker::kUrineM);
    if (serum_ && urine_) {
      a_.steps.push_back(
          "Both M-proteins are measurable: both are followed and both must meet each category's thresholds (" +
          c_.both_m_proteins.id + ").");
      Use(c_.both_m_proteins);
    }
  } else if (auto ratio = Ratio(b)) {
    const MeasurableRule& rule = c_.Measurable(ResponseMarker::kFlc);
    Use(rule.cite);
    Use(c_.ratio_cite);
    const bool abnormal = !c_.RatioNormal(*ratio);
    kappa_involved_ = *ratio > c_.ratio_normal_at_most;
    const double involved = kappa_involved_ ? b.kappa->value : b.lambda->value;
    const bool ok = abnormal && AtLeast(involved, rule.at_least);
    a_.steps.push_back("Baseline free light chains: kappa " + Amount(Subject::kDflc, b.kappa->value) + ", lambda " +
                       Amount(Subject::kDflc, b.lambda->value) + ", ratio " + RatioText(*ratio) + " (" +
                       (abnormal ? "abnormal" : "normal") + ", normal " + FormatNumber(c_.ratio_normal_at_least) + "-" +
                       FormatNumber(c_.ratio_normal_at_most) + ")" +
                       (abnormal ? std::string(", involved ") + (kappa_involved_ ? "kappa " : "lambda ") +
                                       Amount(Subject::kDflc, involved)
                                 : std::string()) +
                       ": " + (ok ? "measurable" : "not measurable") + " (involved light chain from " +
                       Amount(Subject::kDflc, rule.at_least) + " with an abnormal ratio, " + rule.cite.id + ").");
    if (ok) {
      a_.marker = ResponseMarker::kFlc;
      a_.followed.push_back(ResponseMarker::kFlc);
      a_.steps.push_back("dFLC = involved (" + std::string(kappa_involved_ ? "kappa" : "lambda") +
                         ") - uninvolved free light chain; baseline dFLC " +
                         Amount(Subject::kDflc, *Value(Subject::kDflc, 0)) + ".");
    }
  } else {
    a_.steps.push_back("Baseline free light chains: " +
                       std::string(b.kappa || b.lambda ? "kappa and lambda are both needed" : "not given") + ".");
  }
  if (!a_.marker) {
    if (b.bmpc) {
      const bool ok = measurable(ResponseMarker::kBmpc, b.bmpc, Subject::kBmpc);
      if (ok) {
        a_.marker = ResponseMarker::kBmpc;
        a_.followed.push_back(ResponseMarker::kBmpc);
      }
    } else {
      a_.steps.push_back("Baseline bone-marrow plasma cells: not given.");
    }
  }
  if (!a_.marker) {
    return CannotAssess("baseline",
                        "no measurable disease at baseline (serum M-protein, 24-hour urine M-protein, free light "
                        "chains, then marrow plasma cells: IMWG 2016): response cannot be measured");
  }
  a_.steps.push_back("Marker followed: " + std::string(ResponseMarkerName(*a_.marker)) +
                     (serum_ && urine_ ? " with the 24-hour urine M-protein" : "") +
                     " (the first measurable in the order of the IMWG 2016 criteria).");
  if (b.plasmacytoma_spd && b.plasmacytoma_spd->value > 0) {
    plasmacytoma_ = true;
    a_.steps.push_back("Plasmacytoma at baseline, SPD " + Amount(Subject::kSpd, b.plasmacytoma_spd->value) +
                       ": its size is followed too (PR needs it to shrink, CR needs it gone).");
  }
  return true;
}

bool Classifier::CheckNeeded() {
  struct Need {
    bool needed;
    std::optional<Measured> MarkerResults::*member;
    std::string_view field, why;
  };
  const Need needs[] = {
      {serum_, &MarkerResults::serum_m, "serum_m_protein", "the serum M-protein is followed"},
      {urine_, &MarkerResults::urine_m, "urine_m_protein",
       "the 24-hour urine M-protein is followed (measurable at baseline)"},
      {a_.marker == ResponseMarker::kFlc, &MarkerResults::kappa, "kappa_flc",
       "the free light chains are followed (IMWG 2016: measured at every assessment)"},
      {a_.marker == ResponseMarker::kFlc, &MarkerResults::lambda, "lambda_flc",
       "the free light chains are followed (IMWG 2016: measured at every assessment)"},
      {a_.marker == ResponseMarker::kBmpc, &MarkerResults::bmpc, "bmpc", "the marrow plasma cells are followed"},
  };
  for (int k = 1; k <= Count(); ++k) {
    for (const Need& n : needs) {
      if (n.needed && !(At(k).*n.member)) {
        return CannotAssess(Where(k) + "." + std::string(n.field),
                            "missing: " + std::string(n.why) +
                                " and is needed at every assessment; a missing value is not inferred "
                                "(IMWG 2016)");
      }
    }
    if (At(k).plasmacytoma_spd && !s_.baseline->plasmacytoma_spd) {
      return CannotAssess(Where(k) + ".plasmacytoma_spd",
                          "a plasmacytoma size without one at baseline: its response is measured from the baseline "
                          "size (give 0 cm2 at baseline if there was none; a new plasmacytoma is a new_lesion)");
    }
  }
  return true;
}

// A fall from the baseline to the value at point j, judged by `rule`. A missing value fails the
// requirement: it is never inferred.
Req Classifier::Fall(const FallRule& rule, Subject s, int j) const {
  const std::string cat(ResponseCategoryId(rule.category));
  std::string bar;
  if (rule.fall_percent) bar = std::string(rule.fall_strictly ? ">" : ">=") + Pct(*rule.fall_percent) + " fall";
  if (rule.below) bar += (bar.empty() ? "<" : " or <") + Amount(s, *rule.below);
  Req r;
  r.cite = &rule.cite;
  const auto v = Value(s, j);
  if (!v) {
    r.text = std::string(Info(s).name) + " not given (" + cat + " needs " + bar + "; not inferred)";
    return r;
  }
  const auto b = Value(s, 0);
  r.text = std::string(Info(s).name) + " " + Amount(s, *v);
  if (j != 0 && (s == Subject::kSpd || s == Subject::kBmpc)) r.text += " on " + DateOf(j);
  if (b && *b > 0) {
    const double fall = (*b - *v) / *b * 100;
    r.text += ", " + (fall >= 0 ? Pct(fall) + " below" : Pct(-fall) + " above") + " the baseline " + Amount(s, *b);
    if (rule.fall_percent) {
      r.met = rule.fall_strictly ? Above(fall, *rule.fall_percent) : AtLeast(fall, *rule.fall_percent);
    }
  }
  if (rule.below && Below(*v, *rule.below)) r.met = true;
  r.text += " (" + cat + ": " + bar + ")";
  return r;
}

Req Classifier::PlasmacytomaFall(ResponseCategory category, int k) const {
  const int j = Latest(Subject::kSpd, k);
  Req r = Fall(*c_.Fall(category, "plasmacytoma"), Subject::kSpd, j);
  if (j == 0) {
    r.met = false;
    r.text = "plasmacytoma: no imaging since baseline (" + std::string(ResponseCategoryId(category)) +
             " needs it to shrink)";
  }
  return r;
}

// The categories that the followed marker can reach at point k, best first, with their
// requirements (standards.md §1.3, §1.7). A category needs all its requirements.
std::vector<Level> Classifier::Levels(int k) const {
  const MarkerResults& r = At(k);
  const bool flc = a_.marker == ResponseMarker::kFlc;
  std::vector<Level> out;
  if (a_.marker == ResponseMarker::kBmpc) {
    // standards.md §1.3: only PR is defined when the marrow is the only measurable marker.
    Level pr{ResponseCategory::kPR, {Fall(*c_.Fall(ResponseCategory::kPR, "bmpc"), Subject::kBmpc, k)}};
    if (plasmacytoma_) pr.reqs.push_back(PlasmacytomaFall(ResponseCategory::kPR, k));
    return {pr};
  }

  // CR: negative immunofixation in serum and urine, <5 % marrow plasma cells, plasmacytoma gone;
  // for FLC-only disease also a normal ratio. Marrow and imaging need no repeat (§1.3, §1.6).
  Level cr{ResponseCategory::kCR, {}};
  auto ife = [&](const std::optional<Immunofixation>& v, const std::string& name) {
    Req q{v == Immunofixation::kNegative,
          name + " immunofixation " + (!v ? "not given" : (*v == Immunofixation::kNegative ? "negative" : "positive")),
          &c_.cr};
    return q;
  };
  cr.reqs.push_back(ife(r.serum_ife, "serum"));
  cr.reqs.push_back(ife(r.urine_ife, "urine"));
  const int m = Latest(Subject::kBmpc, k);
  if (m == 0) {
    cr.reqs.push_back(
        {false, "no marrow plasma-cell count since baseline (CR: <" + Pct(c_.cr_marrow_below) + ")", &c_.cr});
  } else {
    const double v = At(m).bmpc->value;
    cr.reqs.push_back({Below(v, c_.cr_marrow_below),
                       "marrow plasma cells " + Pct(v) + " on " + DateOf(m) + " (CR: <" + Pct(c_.cr_marrow_below) + ")",
                       &c_.cr});
  }
  if (plasmacytoma_) {
    const int j = Latest(Subject::kSpd, k);
    const bool gone = j > 0 && At(j).plasmacytoma_spd->value <= 0;
    cr.reqs.push_back({gone,
                       j == 0 ? std::string("plasmacytoma: no imaging since baseline (CR: gone)")
                              : "plasmacytoma SPD " + Amount(Subject::kSpd, At(j).plasmacytoma_spd->value) + " on " +
                                    DateOf(j) + (gone ? " (gone)" : " (CR: gone)"),
                       &c_.cr});
  }
  const auto ratio = Ratio(r);
  const std::string normal = FormatNumber(c_.ratio_normal_at_least) + "-" + FormatNumber(c_.ratio_normal_at_most);
  const Req ratio_req{ratio && c_.RatioNormal(*ratio),
                      ratio ? "FLC ratio " + RatioText(*ratio) +
                                  (c_.RatioNormal(*ratio) ? " (normal " : " (abnormal; normal ") + normal + ")"
                            : "FLC ratio not given (normal " + normal + " needed)",
                      &c_.ratio_cite};
  if (flc) cr.reqs.push_back(ratio_req);

  Level scr{ResponseCategory::kSCR, cr.reqs};
  if (!flc) scr.reqs.push_back(ratio_req);
  const int cl = [&] {
    for (int j = k; j >= 1; --j) {
      if (At(j).clonal_plasma_cells) return j;
    }
    return 0;
  }();
  scr.reqs.push_back({cl > 0 && !*At(cl).clonal_plasma_cells,
                      cl == 0
                          ? std::string("marrow clonality not given since baseline (sCR: no clonal plasma cells)")
                          : std::string("clonal plasma cells ") + (*At(cl).clonal_plasma_cells ? "present" : "absent") +
                                " in the marrow on " + DateOf(cl),
                      &c_.scr});
  out.push_back(scr);
  out.push_back(cr);

  Level vgpr{ResponseCategory::kVGPR, {}}, pr{ResponseCategory::kPR, {}}, mr{ResponseCategory::kMR, {}};
  if (flc) {
    vgpr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kVGPR, "flc"), Subject::kDflc, k));
    pr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kPR, "flc"), Subject::kDflc, k));
  } else {
    if (serum_) {
      vgpr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kVGPR, "serum-m"), Subject::kSerum, k));
      pr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kPR, "serum-m"), Subject::kSerum, k));
      mr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kMR, "serum-m"), Subject::kSerum, k));
    }
    // The urine parts of VGPR and PR state a urine value: without one they are not met (never
    // inferred). The MR urine part is a fall, which needs a measurable baseline.
    vgpr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kVGPR, "urine-m"), Subject::kUrine, k));
    pr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kPR, "urine-m"), Subject::kUrine, k));
    if (urine_) mr.reqs.push_back(Fall(*c_.Fall(ResponseCategory::kMR, "urine-m"), Subject::kUrine, k));
  }
  if (plasmacytoma_) {
    vgpr.reqs.push_back(PlasmacytomaFall(ResponseCategory::kPR, k));
    pr.reqs.push_back(PlasmacytomaFall(ResponseCategory::kPR, k));
    mr.reqs.push_back(PlasmacytomaFall(ResponseCategory::kMR, k));
  }
  out.push_back(vgpr);
  out.push_back(pr);
  if (!flc) out.push_back(mr);  // IMWG 2016: MR is not defined for FLC-only disease
  return out;
}

std::string Classifier::Rule(const ProgressionRule& p) const {
  const Subject s = p.marker == "serum-m"   ? Subject::kSerum
                    : p.marker == "urine-m" ? Subject::kUrine
                    : p.marker == "flc"     ? Subject::kDflc
                    : p.marker == "bmpc"    ? Subject::kBmpc
                                            : Subject::kSpd;
  std::vector<std::string> parts;
  if (p.nadir_at_least) parts.push_back("nadir >= " + Amount(s, *p.nadir_at_least));
  std::vector<std::string> rise;
  if (p.rise_percent) rise.push_back(">= " + Pct(*p.rise_percent));
  if (p.absolute_rise) rise.push_back((p.absolute_strictly ? "> " : ">= ") + Amount(s, *p.absolute_rise));
  if (!rise.empty()) parts.push_back("rise " + Join(rise, " and "));
  return p.cite.id + ": " + Join(parts, ", ");
}

std::vector<Req> Classifier::Progression(int k, bool& single, std::vector<std::string>& quiet,
                                         std::optional<std::string>& spd_growth) {
  std::vector<Req> found;
  const MarkerResults& r = At(k);
  single = false;
  const auto lesion_rules = c_.ProgressionFor("new-lesion");
  const bool appeared = s_.baseline->plasmacytoma_spd && s_.baseline->plasmacytoma_spd->value <= 0 &&
                        r.plasmacytoma_spd && r.plasmacytoma_spd->value > 0;
  if (r.new_lesion || appeared) {
    found.push_back({true,
                     std::string(r.new_lesion ? "a new bone lesion or plasmacytoma"
                                              : "a plasmacytoma where there was none at baseline") +
                         " (" + lesion_rules.front()->cite.id + ")",
                     &lesion_rules.front()->cite});
    single = single || c_.SingleObservation("new-lesion");
  }
  std::vector<Subject> subjects = Followed();
  if (plasmacytoma_ && r.plasmacytoma_spd) subjects.push_back(Subject::kSpd);
  for (Subject s : subjects) {
    const auto v = Value(s, k);
    const auto nadir = NadirBefore(s, k);
    if (!v || !nadir) continue;
    const double rise = *v - nadir->value;
    if (!Above(rise, 0)) continue;
    const bool nadir_baseline = nadir->confirmed == 0;
    std::string what =
        std::string(Info(s).name) + " " + Amount(s, *v) + " is " + Amount(s, rise) +
        (nadir->value > 0 ? " (" + Pct(rise / nadir->value * 100) + ")" : std::string()) + " above the nadir " +
        Amount(s, nadir->value) +
        (nadir_baseline ? " (the baseline)"
                        : " (reached " + DateOf(nadir->reached) + ", confirmed " + DateOf(nadir->confirmed) + ")");
    const ProgressionRule* met = nullptr;
    std::vector<std::string> missed;
    for (const ProgressionRule* p : c_.ProgressionFor(Info(s).id)) {
      bool ok = !p->nadir_at_least || AtLeast(nadir->value, *p->nadir_at_least);
      if (ok && p->rise_percent && nadir->value > 0) ok = AtLeast(rise / nadir->value * 100, *p->rise_percent);
      if (ok && p->absolute_rise)
        ok = p->absolute_strictly ? Above(rise, *p->absolute_rise) : AtLeast(rise, *p->absolute_rise);
      if (ok && !met) met = p;
      if (!ok) missed.push_back(Rule(*p));
    }
    if (met && s == Subject::kSpd) {
      // standards.md §1.4: the SPD rule is for more than one lesion; one lesion is judged by its
      // longest diameter. Neither the count nor the diameters are inputs.
      spd_growth = what + " (" + Rule(*met) + ")";
      continue;
    }
    if (met) {
      found.push_back({true, what + ": PD by " + Rule(*met), &met->cite});
      if (c_.SingleObservation(Info(s).id)) single = true;
    } else {
      quiet.push_back(what + ", not PD (" + Join(missed, "; ") + ")");
    }
  }
  return found;
}

bool Classifier::ClassifyAll() {
  single_.assign(static_cast<size_t>(Count()), false);
  for (int k = 1; k <= Count(); ++k) {
    AssessmentResponse out;
    out.date = At(k).date;
    bool single = false;
    std::vector<std::string> quiet;
    std::optional<std::string> spd_growth;
    std::vector<Req> pd = Progression(k, single, quiet, spd_growth);
    if (spd_growth && pd.empty()) {
      return CannotAssess(Where(k) + ".plasmacytoma_spd",
                          *spd_growth +
                              ": PD if more than one lesion grew (SPD) or, for one lesion, if its longest diameter "
                              "grew by the same (IMWG 2016); lesion count and diameters are not inputs, the "
                              "treating team must judge");
    }
    if (!pd.empty()) {
      out.category = ResponseCategory::kPD;
      std::vector<std::string> texts;
      for (const Req& q : pd) {
        texts.push_back(q.text);
        out.rules.push_back(*q.cite);
        Use(*q.cite);
      }
      out.reasoning = "PD: " + Join(texts, "; ");
    } else {
      const std::vector<Level> levels = Levels(k);
      size_t chosen = levels.size();
      for (size_t i = 0; i < levels.size(); ++i) {
        if (levels[i].Met()) {
          chosen = i;
          break;
        }
      }
      std::vector<std::string> parts;
      if (chosen < levels.size()) {
        out.category = levels[chosen].category;
        parts.push_back(std::string(ResponseCategoryId(out.category)) + ": " + levels[chosen].Texts(true));
        for (const Req& q : levels[chosen].reqs) {
          if (q.cite != nullptr) {
            out.rules.push_back(*q.cite);
            Use(*q.cite);
          }
        }
      } else {
        out.category = ResponseCategory::kSD;
        parts.push_back("SD: neither PD nor a response");
      }
      if (chosen > 0) {
        const Level& above = levels[chosen - 1];
        parts.push_back("not " + std::string(ResponseCategoryId(above.category)) + ": " + above.Texts(false));
      }
      if (!quiet.empty()) parts.push_back(Join(quiet, "; "));
      out.reasoning = Join(parts, "; ");
      single = c_.SingleObservation(Info(Followed().front()).id);
    }
    // Remove duplicate citations (one entry can decide several requirements).
    std::vector<Citation> unique;
    for (const Citation& cite : out.rules) {
      if (std::none_of(unique.begin(), unique.end(), [&](const Citation& u) { return u.id == cite.id; })) {
        unique.push_back(cite);
      }
    }
    out.rules = unique;
    single_[static_cast<size_t>(k - 1)] = single;
    a_.assessments.push_back(out);
  }
  return true;
}

// standards.md §1.6: a category is confirmed by the next assessment(s) at the same category or
// better (PD: PD again); marrow and imaging findings need no repeat.
void Classifier::Confirm() {
  const int n = Count();
  const int window = c_.consecutive_assessments;
  Use(c_.confirmation);
  auto& as = a_.assessments;
  for (int i = 0; i < n; ++i) {
    AssessmentResponse& x = as[static_cast<size_t>(i)];
    if (single_[static_cast<size_t>(i)]) {
      x.confirmed = true;
      x.confirmed_on = x.date;
      continue;
    }
    if (i + window - 1 >= n) {
      x.awaiting_confirmation = true;
      continue;
    }
    bool ok = true;
    for (int j = i + 1; j < i + window; ++j) {
      const ResponseCategory next = as[static_cast<size_t>(j)].category;
      ok = ok && (x.category == ResponseCategory::kPD ? next == ResponseCategory::kPD
                                                      : next != ResponseCategory::kPD && next >= x.category);
    }
    x.confirmed = ok;
    if (ok) x.confirmed_on = as[static_cast<size_t>(i + window - 1)].date;
  }
  for (int i = 0; i < n; ++i) {
    const AssessmentResponse& x = as[static_cast<size_t>(i)];
    std::string line = x.date.ToString() + ": " + std::string(ResponseCategoryId(x.category)) + " — " + x.reasoning;
    if (x.confirmed) {
      line += x.confirmed_on == x.date ? " [confirmed: needs no repeat]"
                                       : " [confirmed on " + x.confirmed_on->ToString() + "]";
    } else if (x.awaiting_confirmation) {
      line += " [awaiting confirmation]";
    } else {
      line += " [not confirmed by the next assessment]";
    }
    a_.steps.push_back(line + ".");
  }
}

void Classifier::Summarise() {
  const int n = Count();
  const int window = c_.consecutive_assessments;
  const auto& as = a_.assessments;
  int progression = -1;
  for (int i = 0; i < n; ++i) {
    if (as[static_cast<size_t>(i)].category == ResponseCategory::kPD && as[static_cast<size_t>(i)].confirmed) {
      progression = i;
      break;
    }
  }
  // The level each run of consecutive assessments confirms: the lowest category of the run.
  auto run_level = [&](int i) -> std::optional<ResponseCategory> {
    const AssessmentResponse& x = as[static_cast<size_t>(i)];
    if (x.category == ResponseCategory::kPD) return std::nullopt;
    if (single_[static_cast<size_t>(i)]) return x.category;
    if (i + window - 1 >= n) return std::nullopt;
    ResponseCategory level = x.category;
    for (int j = i + 1; j < i + window; ++j) {
      const ResponseCategory c = as[static_cast<size_t>(j)].category;
      if (c == ResponseCategory::kPD) return std::nullopt;
      level = std::min(level, c);
    }
    return level;
  };
  int best_at = -1;
  for (int i = 0; i < (progression < 0 ? n : progression); ++i) {
    auto level = run_level(i);
    if (level && (!a_.best_response || *level > *a_.best_response)) {
      a_.best_response = level;
      best_at = i;
    }
  }
  if (a_.best_response) {
    a_.steps.push_back("Best response (confirmed): " + std::string(ResponseCategoryId(*a_.best_response)) +
                       ", first confirmed from " + as[static_cast<size_t>(best_at)].date.ToString() + ".");
  } else {
    a_.steps.push_back("Best response: none confirmed yet (a category needs " + std::to_string(window) +
                       " consecutive assessments, " + c_.confirmation.id + ").");
  }
  if (progression >= 0) {
    const AssessmentResponse& p = as[static_cast<size_t>(progression)];
    a_.progression_first = p.date;
    a_.progression_date = p.confirmed_on;
    a_.current_response = ResponseCategory::kPD;
    a_.steps.push_back("Progression: PD first seen on " + p.date.ToString() + ", confirmed on " +
                       p.confirmed_on->ToString() +
                       ". Later assessments do not change the best response; a new line of therapy starts a new "
                       "series with its own baseline.");
    a_.steps.push_back("Current response: PD.");
  } else {
    a_.steps.push_back("Progression: none confirmed.");
    const int last = n - 1;
    const int from = single_[static_cast<size_t>(last)] ? last : n - window;
    std::optional<ResponseCategory> current = from >= 0 ? run_level(from) : std::nullopt;
    if (current) {
      a_.current_response = current;
      a_.steps.push_back(
          "Current response: " + std::string(ResponseCategoryId(*current)) + " (" +
          (from == last ? "the latest assessment" : "the latest " + std::to_string(window) + " assessments") + ").");
    } else if (as[static_cast<size_t>(last)].category == ResponseCategory::kPD) {
      a_.steps.push_back("Current response: not settled: the latest assessment (" +
                         as[static_cast<size_t>(last)].date.ToString() +
                         ") meets PD and needs confirmation at the next assessment.");
    } else {
      a_.steps.push_back("Current response: not settled: the latest assessments do not confirm one category yet.");
    }
  }
  std::vector<Subject> subjects = Followed();
  if (plasmacytoma_) subjects.push_back(Subject::kSpd);
  for (Subject s : subjects) {
    auto nadir = NadirBefore(s, n + 1);
    if (!nadir) continue;
    a_.nadirs.push_back(Nadir{std::string(Info(s).id), nadir->value, std::string(Info(s).unit), At(nadir->reached).date,
                              At(nadir->confirmed).date});
    a_.steps.push_back("Nadir of the " + std::string(Info(s).name) + ": " + Amount(s, nadir->value) +
                       (nadir->confirmed == 0
                            ? " (the baseline)"
                            : " (reached " + DateOf(nadir->reached) + ", confirmed " + DateOf(nadir->confirmed) + ")") +
                       ".");
  }
}

ResponseAnswer Classifier::Run() {
  a_.criteria = c_.version;
  a_.citation = c_.citation;
  Use(c_.cite);
  a_.steps.push_back("Criteria " + c_.version + ": " + c_.citation + ".");
  if (s_.criteria != c_.version) {
    CannotAssess("criteria", "the series names " + s_.criteria + " but the criteria loaded are " + c_.version);
    return a_;
  }
  if (!s_.baseline) {
    CannotAssess("baseline", "missing: responses are measured from the baseline before therapy (IMWG 2016)");
    return a_;
  }
  for (int k = 1; k <= Count(); ++k) {
    if (At(k).date <= At(k - 1).date) {
      CannotAssess(Where(k) + ".date", "dates must follow the baseline in ascending order, each once");
      return a_;
    }
  }
  if (!CheckUnits() || !ChooseMarker()) return a_;
  if (Count() == 0) {
    CannotAssess("assessments", "no assessment after the baseline");
    return a_;
  }
  if (!CheckNeeded() || !ClassifyAll()) return a_;
  a_.assessed = true;
  Confirm();
  Summarise();
  return a_;
}

}  // namespace

ResponseAnswer ClassifyResponse(const ResponseCriteria& criteria, const ResponseSeries& series) {
  return Classifier(criteria, series).Run();
}

}  // namespace lenacare
