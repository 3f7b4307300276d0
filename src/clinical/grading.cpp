#include "clinical/grading.h"

#include <algorithm>
#include <cmath>

#include "core/band_edge.h"
#include "core/text.h"

namespace lenacare {
namespace {

using band_edge::Above;
using band_edge::AtLeast;
using band_edge::AtMost;
using band_edge::Below;

Result<const CtcaeVersion*> Version(const Knowledge& k, const std::string& version) {
  const CtcaeVersion* v = k.FindCtcae(version);
  if (v == nullptr) {
    std::string known;
    for (const auto& x : k.ctcae) known += (known.empty() ? "" : ", ") + x.version;
    return Error::BadInput("version",
                           "CTCAE version " + Quoted(version) + " is not in the knowledge base (known: " + known + ")");
  }
  return v;
}

std::string Unit(const Knowledge& k, LabTest t) { return k.units.Find(LabTestKind(t))->canonical; }

}  // namespace

Result<GradeResult> GradeLab(const Knowledge& k, const std::string& version, const GradeInput& in) {
  auto v = Version(k, version);
  if (!v.ok()) return v.error();
  const CtcaeTerm* term = (*v)->FindTerm(in.test);
  if (term == nullptr) {
    return Error::BadInput("test",
                           "CTCAE " + version + " has no laboratory grade for " + std::string(LabTestId(in.test)));
  }
  GradeResult r;
  r.term = term;
  r.version = (*v)->version;
  r.cite = term->cite;
  r.note = term->clinical_grades;
  const std::string unit = Unit(k, in.test);
  if (term->increased) {
    if (!in.uln)
      return Error::BadInput("uln", "the laboratory's upper limit of normal is needed to grade " + term->name);
    // standards.md §2.1: grade 0 at or below the ULN; above it, the worse of the ULN-based and
    // baseline-based criteria.
    r.band = "value <= ULN";
    if (AtMost(in.value, *in.uln)) return r;
    for (const CtcaeBand& b : term->bands) {
      const auto lo = b.above->Resolve(in.lln, in.uln, in.baseline);
      if (!lo) continue;  // a baseline criterion without a baseline
      const auto hi = b.at_most ? b.at_most->Resolve(in.lln, in.uln, in.baseline) : std::nullopt;
      if (Above(in.value, *lo) && (!b.at_most || AtMost(in.value, *hi)) && b.grade > r.grade) {
        r.grade = b.grade;
        r.band = b.above->Describe(unit) + " < value" + (b.at_most ? " <= " + b.at_most->Describe(unit) : "");
      }
    }
    if (!in.baseline && r.grade < 3) {
      r.note += std::string(r.note.empty() ? "" : "; ") + "no baseline given: the baseline criteria were not applied";
    }
    return r;
  }
  if (in.lln && AtLeast(in.value, *in.lln)) {
    r.band = "value >= LLN";
    return r;
  }
  const std::vector<CtcaeBand>* bands = &term->bands;
  for (const auto& [unit_name, unit_bands] : term->bands_by_unit) {
    if (unit_name == in.unit) bands = &unit_bands;
  }
  for (const CtcaeBand& b : *bands) {
    const auto hi = b.below->Resolve(in.lln, in.uln, in.baseline);
    const auto lo = b.at_least ? b.at_least->Resolve(in.lln, in.uln, in.baseline) : std::nullopt;
    if (b.at_least && Below(in.value, *lo)) continue;
    if (!hi) {
      return Error::CannotAssess("lln", FormatNumber(in.value) + " " + unit + " is grade 0 or " +
                                            std::to_string(b.grade) +
                                            ": the laboratory's lower limit of normal decides");
    }
    if (Below(in.value, *hi)) {
      r.grade = b.grade;
      r.band =
          (b.at_least ? b.at_least->Describe(unit) + " <= " : std::string()) + "value < " + b.below->Describe(unit);
      return r;
    }
  }
  r.band = "value >= LLN";
  return r;
}

Result<GradeResult> GradeFebrileNeutropenia(const Knowledge& k, const std::string& version,
                                            const FebrileNeutropeniaInput& in) {
  auto v = Version(k, version);
  if (!v.ok()) return v.error();
  const FebrileNeutropeniaRule& fn = (*v)->febrile_neutropenia;
  GradeResult r;
  r.version = (*v)->version;
  r.cite = fn.cite;
  r.note = fn.clinical_grades;
  const bool neutropenic = in.anc < fn.anc_below;
  const bool fever = in.temperature > fn.single_temperature_above ||
                     (in.sustained && in.temperature >= fn.sustained_temperature_at_least);
  r.band = "ANC < " + FormatNumber(fn.anc_below) + " 10*9/L with a single temperature > " +
           FormatNumber(fn.single_temperature_above) + " C or >= " + FormatNumber(fn.sustained_temperature_at_least) +
           " C sustained for more than " + FormatNumber(fn.sustained_hours) + " h";
  r.grade = neutropenic && fever ? fn.grade : 0;
  return r;
}

}  // namespace lenacare
