// Reading a myeloma response series from JSON (the format in docs/response-format.md). Strict:
// malformed JSON, an unknown field, a value without its unit or with a unit of another marker,
// a negative value, dates out of order or repeated: each is a bad-input error naming the field
// ("assessments[2].serum_m_protein: unit 'mg/dL' does not fit a serum M-protein: it is a free
// light chain unit (use g/dL or g/L)"). A missing baseline is not bad input: the classifier
// answers cannot-assess for it.
#pragma once

#include <string_view>

#include "clinical/response.h"
#include "core/quantity.h"
#include "core/result.h"

namespace lenacare {

// `units` is the knowledge base's unit table (knowledge/common/units.toml lists the response units).
Result<ResponseSeries> ParseResponseSeries(const UnitTable& units, std::string_view json_text);

// One stored marker result, {"date", "type": "marker", "marker": a measured series field
// (serum_m_protein, urine_m_protein, kappa_flc, lambda_flc), "value" with its unit, "note"},
// checked by the series reader; errors name "event.<field>".
Status CheckMarkerJson(const UnitTable& units, std::string_view json_text);

}  // namespace lenacare
