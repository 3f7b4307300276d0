#include "clinical/inputs.h"

#include "core/quantity.h"

namespace lenacare {

Status CheckPlausible(const Knowledge& k, std::string_view subject, double value, const std::string& field) {
  const PlausibleRange* r = k.FindLimit(subject);
  if (r == nullptr) return Status::Ok();
  const std::string shown = FormatNumber(value) + " " + r->unit;
  if (value < 0) return Error::BadInput(field, "must not be negative (got " + shown + ")");
  if (r->above && value <= *r->above) {
    return Error::BadInput(field, "must be above " + FormatNumber(*r->above) + " " + r->unit + " (got " + shown + ")");
  }
  if (r->at_least && value < *r->at_least) {
    return Error::BadInput(field,
                           "must be at least " + FormatNumber(*r->at_least) + " " + r->unit + " (got " + shown + ")");
  }
  if (r->at_most && value > *r->at_most) {
    return Error::BadInput(field, "implausible value " + shown + " (above " + FormatNumber(*r->at_most) + " " +
                                      r->unit + "); check the number and its unit");
  }
  return Status::Ok();
}

Result<double> ParseMeasurement(const Knowledge& k, std::string_view subject, QuantityKind kind, std::string_view text,
                                const std::string& field) {
  auto v = k.units.Parse(kind, text);
  if (!v.ok()) return v.error().Under(field);
  Status s = CheckPlausible(k, subject, *v, field);
  if (!s.ok()) return s.error();
  return *v;
}

}  // namespace lenacare
