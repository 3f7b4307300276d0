// The laboratory tests lenacare reads.
#pragma once

#include <string_view>

#include "core/quantity.h"

namespace lenacare {

enum class LabTest { kAnc, kPlatelets, kWbc, kHemoglobin, kCreatinine };
std::string_view LabTestId(LabTest t);    // "anc"
std::string_view LabTestName(LabTest t);  // "ANC"
bool ParseLabTest(std::string_view id, LabTest& out);
QuantityKind LabTestKind(LabTest t);

}  // namespace lenacare
