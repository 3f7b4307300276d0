#include "core/quantity.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/text.h"

namespace lenacare {
namespace {

constexpr struct {
  QuantityKind kind;
  std::string_view id;
  std::string_view name;
} kKinds[] = {
    {QuantityKind::kCellCount, "cell-count", "cell count"},
    {QuantityKind::kHemoglobin, "hemoglobin", "hemoglobin"},
    {QuantityKind::kCreatinine, "creatinine", "creatinine"},
    {QuantityKind::kBodyWeight, "body-weight", "body weight"},
    {QuantityKind::kTemperature, "temperature", "temperature"},
    {QuantityKind::kCreatinineClearance, "creatinine-clearance", "creatinine clearance"},
    {QuantityKind::kDose, "dose", "dose"},
    {QuantityKind::kDuration, "duration", "duration"},
    {QuantityKind::kAge, "age", "age"},
    {QuantityKind::kFraction, "fraction", "fraction"},
    {QuantityKind::kHcg, "hcg", "hCG level"},
    {QuantityKind::kBodyMassIndex, "body-mass-index", "body-mass index"},
    {QuantityKind::kMProtein, "m-protein", "serum M-protein"},
    {QuantityKind::kUrineMProtein, "urine-m-protein", "24-hour urine M-protein"},
    {QuantityKind::kFreeLightChain, "free-light-chain", "free light chain"},
    {QuantityKind::kLesionArea, "lesion-area", "plasmacytoma size"},
};

}  // namespace

std::string_view KindName(QuantityKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "quantity";
}

bool ParseKindId(std::string_view id, QuantityKind& out) {
  for (const auto& k : kKinds) {
    if (k.id == id) {
      out = k.kind;
      return true;
    }
  }
  return false;
}

Result<RawQuantity> ParseQuantity(std::string_view text, std::string_view example) {
  const std::string_view s = Trim(text);
  std::string quoted(1, '\'');
  quoted.append(text).push_back('\'');
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const size_t digits_start = i;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == digits_start) {
    return Error::BadInput("", quoted + " has no number (expected e.g. \"" + std::string(example) + "\")");
  }
  if (i < s.size() && s[i] == ',') {
    return Error::BadInput("", quoted + ": write the number without separators (e.g. 25000 /uL or 25 10*9/L)");
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E') && i + 1 < s.size() &&
      (s[i + 1] == '-' || s[i + 1] == '+' || (s[i + 1] >= '0' && s[i + 1] <= '9'))) {
    return Error::BadInput("", quoted + ": exponents are not accepted; write the unit (e.g. 10*9/L)");
  }
  RawQuantity q;
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  auto [p, ec] = std::from_chars(begin, s.data() + i, q.value);
  if (ec != std::errc() || p != s.data() + i || !std::isfinite(q.value)) {
    return Error::BadInput("", quoted + " has no valid number");
  }
  q.unit = std::string(Trim(s.substr(i)));
  if (q.unit.empty()) {
    return Error::BadInput("", quoted + " has no unit (write it with its unit, e.g. \"" + std::string(example) + "\")");
  }
  return q;
}

std::string FormatNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", value);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

namespace {

// ASCII letters compared without case; every other byte (µ, digits, '/') as it is.
bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

const UnitKindEntry* UnitTable::Find(QuantityKind kind) const {
  for (const auto& k : kinds_) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

Result<double> UnitTable::ToCanonical(QuantityKind kind, const RawQuantity& q) const {
  const UnitKindEntry* entry = Find(kind);
  if (entry == nullptr) {
    return Error::BadInput("", "no units are known for " + std::string(KindName(kind)));
  }
  for (const auto& a : entry->aliases) {
    if (a.unit == q.unit) return (q.value + a.offset) * a.factor;
  }
  // Any case, where that is unambiguous: the spelling is no other kind's unit as typed, and every
  // unit of this kind it matches without case converts the same way ("mg/dl", "KG", "k/uL").
  bool exact_elsewhere = false;
  for (const auto& other : kinds_) {
    for (const auto& a : other.aliases) exact_elsewhere = exact_elsewhere || a.unit == q.unit;
  }
  const UnitAlias* folded = nullptr;
  bool ambiguous = false;
  for (const auto& a : entry->aliases) {
    if (!SameIgnoringCase(a.unit, q.unit)) continue;
    if (folded != nullptr && (folded->factor != a.factor || folded->offset != a.offset)) ambiguous = true;
    folded = &a;
  }
  if (folded != nullptr && !ambiguous && !exact_elsewhere) return (q.value + folded->offset) * folded->factor;
  if (folded != nullptr && !exact_elsewhere) {
    return Error::BadInput("", "unit " + Quoted(q.unit) + " is ambiguous for a " + std::string(KindName(kind)) +
                                   ": write it with its exact case (e.g. " + entry->canonical + ")");
  }
  for (const auto& other : kinds_) {
    for (const auto& a : other.aliases) {
      if (a.unit == q.unit) {
        return Error::BadInput("", "unit " + Quoted(q.unit) + " is a " + std::string(KindName(other.kind)) +
                                       " unit and does not fit a " + std::string(KindName(kind)) + " (expected e.g. " +
                                       entry->canonical + ")");
      }
    }
  }
  return Error::BadInput("", "unknown unit " + Quoted(q.unit) + " for a " + std::string(KindName(kind)) +
                                 " (expected e.g. " + entry->canonical + ")");
}

Result<double> UnitTable::Parse(QuantityKind kind, std::string_view text) const {
  const UnitKindEntry* entry = Find(kind);
  std::string example = "1 ";
  if (entry != nullptr) example += entry->canonical;
  auto raw = ParseQuantity(text, entry != nullptr ? std::string_view(example) : std::string_view("1.3 mg/dL"));
  if (!raw.ok()) return raw.error();
  return ToCanonical(kind, *raw);
}

}  // namespace lenacare
