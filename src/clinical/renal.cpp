#include "clinical/renal.h"

#include "core/quantity.h"
#include "core/text.h"

namespace lenacare {

Result<Sex> ParseSex(std::string_view text) {
  if (text == "male" || text == "m" || text == "M") return Sex::kMale;
  if (text == "female" || text == "f" || text == "F") return Sex::kFemale;
  return Error::BadInput("", Quoted(text) + " is not a sex (male or female)");
}

Result<CreatinineClearance> CockcroftGaultCrCl(const Knowledge& k, const CrClInputs& in) {
  const CockcroftGault& cg = k.cockcroft_gault;
  if (in.age_years >= cg.age_offset) {
    return Error::CannotAssess("age", "Cockcroft-Gault is not defined at this age");
  }
  if (in.creatinine_mg_dl <= 0 || in.weight_kg <= 0) {
    return Error::BadInput(in.creatinine_mg_dl <= 0 ? "creatinine" : "weight", "must be above 0");
  }
  // standards.md §3.1: (140 - age) x weight / (72 x SCr), x 0.85 if female.
  double crcl = (cg.age_offset - in.age_years) * in.weight_kg / (cg.divisor * in.creatinine_mg_dl);
  if (in.sex == Sex::kFemale) crcl *= cg.female_factor;
  return CreatinineClearance{crcl, "Cockcroft-Gault, actual body weight", cg.cite};
}

Result<const RenalBand*> RenalBandFor(const Knowledge& k, const RenalFunction& renal) {
  if (!renal.dialysis && !renal.crcl_ml_min) {
    return Error::BadInput("crcl", "give a creatinine clearance or dialysis");
  }
  for (const RenalBand& b : k.renal_bands) {
    if (b.dialysis != renal.dialysis) continue;
    if (!renal.crcl_ml_min) return &b;  // dialysis without a CrCl: the dialysis band
    const double c = *renal.crcl_ml_min;
    if ((!b.crcl_at_least || c >= *b.crcl_at_least) && (!b.crcl_below || c < *b.crcl_below)) return &b;
  }
  return Error::CannotAssess("crcl", "the label's renal table has no row for " +
                                         (renal.crcl_ml_min ? "CrCl " + FormatNumber(*renal.crcl_ml_min) + " mL/min"
                                                            : std::string("this renal function")) +
                                         (renal.dialysis ? " on dialysis" : ""));
}

bool StartingDose::verified() const {
  for (const Citation* c : {&indication->cite}) {
    if (!c->verified) return false;
  }
  for (const Citation& c : cites) {
    if (!c.verified) return false;
  }
  return true;
}

Result<StartingDose> StartingDoseFor(const Knowledge& k, const std::string& indication, const RenalFunction& renal) {
  const Indication* ind = k.FindIndication(indication);
  if (ind == nullptr) {
    return Error::BadInput("indication",
                           "unknown indication " + Quoted(indication) + " (known: " + k.IndicationIds() + ")");
  }
  auto band = RenalBandFor(k, renal);
  if (!band.ok()) return band.error();
  const RenalBand& b = **band;
  const RenalRow* row = k.FindRenalRow(ind->renal_table, b.id);
  if (row == nullptr) return Error::CannotAssess("indication", "no renal row for " + indication);

  StartingDose d;
  d.indication = ind;
  d.band = b.id;
  d.regimen = ind->start;
  d.cites = {b.cite, row->cite};
  if (row->adjust) {
    d.adjusted = true;
    d.regimen.dose_mg = row->dose_mg;
    d.regimen.frequency = row->frequency;
    d.after_dialysis = row->after_dialysis;
  }
  if (b.review_at && renal.crcl_ml_min && *renal.crcl_ml_min == *b.review_at) {
    d.notes.push_back(
        {"CrCl is exactly " + FormatNumber(*b.review_at) +
             " mL/min, the edge of the renal bands: lenacare gives no adjustment (the label adjusts below " +
             FormatNumber(*b.review_at) + "); confirm against the current label",
         b.cite.source, b.cite.verified});
  }
  if (b.not_studied_below && renal.crcl_ml_min && *renal.crcl_ml_min < *b.not_studied_below) {
    d.notes.push_back({"CrCl below " + FormatNumber(*b.not_studied_below) + " mL/min" +
                           (b.dialysis ? " on dialysis" : " without dialysis") +
                           " was not studied: the prescriber decides whether this dose applies",
                       b.cite.source, b.cite.verified});
  }
  if (d.after_dialysis) {
    d.notes.push_back({"On dialysis days, give the dose after dialysis", row->cite.source, row->cite.verified});
  }
  for (const Escalation& e : k.escalations) {
    if (Contains(e.indications, indication) && e.from_dose_mg == d.regimen.dose_mg && d.adjusted &&
        (!e.from_frequency || *e.from_frequency == d.regimen.frequency)) {
      d.escalations.push_back({"May increase to " + FormatNumber(e.to_dose_mg) + " mg daily" +
                                   (e.after_cycles > 0 ? " after " + std::to_string(e.after_cycles) + " cycles" : "") +
                                   " " + e.condition,
                               e.cite.source, e.cite.verified});
    }
  }
  return d;
}

}  // namespace lenacare
