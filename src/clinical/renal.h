// Renal function and the renal starting dose (USPI 2.6). Pure functions of the knowledge base and
// their inputs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

enum class Sex { kMale, kFemale };
Result<Sex> ParseSex(std::string_view text);

struct CrClInputs {
  int age_years = 0;
  Sex sex = Sex::kMale;
  double weight_kg = 0;
  double creatinine_mg_dl = 0;
};

struct CreatinineClearance {
  double ml_min = 0;
  std::string formula;  // "Cockcroft-Gault, actual body weight"
  Citation cite;
};

// Cockcroft-Gault (knowledge/common/renal-function.toml). Inputs must already be plausible; an
// age at or above the formula's age offset gives cannot-assess.
Result<CreatinineClearance> CockcroftGaultCrCl(const Knowledge& k, const CrClInputs& in);

struct RenalFunction {
  std::optional<double> crcl_ml_min;  // nullopt only with dialysis
  bool dialysis = false;
};

// One line of advice with its source. Used by every answer lenacare gives.
struct Note {
  std::string text;
  std::string source;
  bool verified = true;
};

struct StartingDose {
  const Indication* indication = nullptr;
  Regimen regimen;  // dose, frequency and pill days
  bool after_dialysis = false;
  bool adjusted = false;  // false: the indication's usual starting dose
  std::string band;       // "normal", "moderate", "severe", "dialysis"
  std::vector<Citation> cites;
  std::vector<Note> notes;        // band edge, not studied, after dialysis; each says if it is verified
  std::vector<Note> escalations;  // increases the label allows later from this starting dose
  // The dose itself rests on verified entries (the indication, the band and the row).
  bool verified() const;
};

// The starting dose for an indication and a renal function. Cannot-assess when the renal
// function falls outside every band (e.g. dialysis with CrCl >= 30 mL/min).
Result<StartingDose> StartingDoseFor(const Knowledge& k, const std::string& indication, const RenalFunction& renal);

// The band a renal function falls in.
Result<const RenalBand*> RenalBandFor(const Knowledge& k, const RenalFunction& renal);

}  // namespace lenacare
