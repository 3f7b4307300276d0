#include "fhir/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/text.h"
#include "course/json_input.h"
#include "fhir/fhir_map.h"
#include "fhir/fhir_names.h"

namespace lenacare::fhir {
namespace {

using json_input::StringOr;

using nlohmann::json;

const json* Find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// The codings of a CodeableConcept.
std::vector<const json*> Codings(const json* concept_value) {
  std::vector<const json*> out;
  const json* codings = concept_value ? Find(*concept_value, "coding") : nullptr;
  if (codings == nullptr || !codings->is_array()) return out;
  for (const json& c : *codings) {
    if (c.is_object()) out.push_back(&c);
  }
  return out;
}

// Whether an Observation is coded (LOINC, common/codes.toml) as a body weight.
bool IsBodyWeight(const Knowledge& k, const json& resource) {
  for (const json* c : Codings(Find(resource, "code"))) {
    if (StringOr(*c, "system") != kLoinc) continue;
    const CodeMap::Loinc* code = k.codes.FindLoinc(StringOr(*c, "code"));
    if (code != nullptr) return code->test == kBodyWeightTest;
  }
  return false;
}

// The medication concept of a MedicationRequest: medicationCodeableConcept, or a contained
// Medication's code.
const json* MedicationConcept(const json& r) {
  if (const json* c = Find(r, "medicationCodeableConcept")) return c;
  const json* ref = Find(r, "medicationReference");
  const std::string reference = ref ? StringOr(*ref, "reference") : std::string();
  const json* contained = Find(r, "contained");
  if (reference.size() < 2 || reference[0] != '#' || contained == nullptr || !contained->is_array()) return nullptr;
  for (const json& m : *contained) {
    if (StringOr(m, "resourceType") == "Medication" && StringOr(m, "id") == reference.substr(1)) return Find(m, "code");
  }
  return nullptr;
}

// The strength in mg a medication's name gives ("lenalidomide 10 MG Oral Capsule").
std::optional<double> StrengthOf(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const size_t mg = lower.find(" mg");
  if (mg == std::string::npos || mg == 0) return std::nullopt;
  size_t from = mg;
  while (from > 0 && (std::isdigit(static_cast<unsigned char>(lower[from - 1])) || lower[from - 1] == '.')) --from;
  if (from == mg) return std::nullopt;
  const double v = std::strtod(lower.c_str() + from, nullptr);
  if (!(v > 0)) return std::nullopt;
  return v;
}

// The name of a medication concept: its text, else its first display.
std::string NameOf(const json* concept_value) {
  if (concept_value == nullptr) return {};
  std::string name = StringOr(*concept_value, "text");
  for (const json* c : Codings(concept_value)) {
    if (!name.empty()) break;
    name = StringOr(*c, "display");
  }
  return name;
}

// Whole days of a Duration ("d", "wk"); nullopt when it is not one.
std::optional<int> DaysOf(const json* d) {
  if (d == nullptr || !d->is_object()) return std::nullopt;
  const json* v = Find(*d, "value");
  if (v == nullptr || !v->is_number()) return std::nullopt;
  std::string unit = StringOr(*d, "code");
  if (unit.empty()) unit = StringOr(*d, "unit");
  const double per = unit == "d" || unit == "day" || unit == "days" ? 1 : unit == "wk" || unit == "week" ? 7 : 0;
  const double days = v->get<double>() * per;
  if (per == 0 || days < 0 || days > 100000 || days != std::floor(days)) return std::nullopt;
  return static_cast<int>(days);
}

std::string Shown(const std::string& s) { return Shortened(s, 64); }

}  // namespace

bool IsLenalidomide(const Knowledge& k, const json& resource) {
  for (const json* c : Codings(MedicationConcept(resource))) {
    if (StringOr(*c, "system") == kRxNorm && k.codes.IsLenalidomide(StringOr(*c, "code"))) return true;
  }
  return false;
}

struct ChartReader::Impl {
  Impl(const Knowledge& knowledge, Date today) : k(knowledge), reader(knowledge, today) {}
  const Knowledge& k;
  Reader reader;
  std::vector<Record> records;

  void Resource(const json& r, Chart& chart) {
    const std::string type = StringOr(r, "resourceType");
    const std::string key = type + "/" + Shown(StringOr(r, "id"));
    if (type == "OperationOutcome") {
      chart.problems.push_back("the EHR sent an OperationOutcome instead of data");
      return;
    }
    if (type == "Observation" && IsBodyWeight(k, r)) return Weight(r, key, chart);
    if (type == "MedicationRequest" && !IsLenalidomide(k, r)) return OtherMedication(r, chart);
    std::string text = r.dump();
    reader.Read(text, records);
    for (Record& rec : records) {
      if (rec.kind == Record::Kind::kPatient && !chart.patient && rec.ref != chart.patient_id) {
        chart.patient_alias = rec.ref;
      }
      if (!rec.ref.empty() && !chart.patient_id.empty() && rec.ref != chart.patient_id &&
          rec.ref != chart.patient_alias) {
        chart.problems.push_back(rec.key + ": about another patient (" + Shown(rec.ref) + "), not used");
        continue;
      }
      switch (rec.kind) {
        case Record::Kind::kPatient:
          chart.patient = std::move(rec.patient);
          Identifiers(r, chart);
          break;
        case Record::Kind::kEvent:
          if (rec.event.type == "marker") break;  // response markers are read from lenacare's records
          chart.events.push_back(std::move(rec.event));
          break;
        case Record::Kind::kCondition:
          if (std::find(chart.indications.begin(), chart.indications.end(), rec.indication) ==
              chart.indications.end()) {
            chart.indications.push_back(rec.indication);
          }
          break;
        case Record::Kind::kInvalid:
          chart.problems.push_back(rec.key + ": " + rec.reason);
          break;
        default:
          break;  // not used by lenacare (another test, a course of lenacare's own export...)
      }
    }
  }

  static void Identifiers(const json& r, Chart& chart) {
    const json* ids = Find(r, "identifier");
    if (ids == nullptr || !ids->is_array()) return;
    for (const json& i : *ids) {
      const std::string value = StringOr(i, "value");
      if (!value.empty()) chart.identifiers.push_back(StringOr(i, "system") + "|" + value);
    }
  }

  void Weight(const json& r, const std::string& key, Chart& chart) {
    const std::string status = StringOr(r, "status");
    if (status != "final" && status != "amended" && status != "corrected") return;
    std::string date = StringOr(r, "effectiveDateTime");
    if (date.empty()) date = StringOr(r, "issued");
    const json* q = Find(r, "valueQuantity");
    const json* v = q ? Find(*q, "value") : nullptr;
    std::string unit = q ? StringOr(*q, "code") : std::string();
    if (unit.empty() && q) unit = StringOr(*q, "unit");
    if (date.size() < 10 || v == nullptr || !v->is_number() || unit.empty() || unit.size() > 16) {
      chart.problems.push_back(key + ": a body weight without a date, a value or a unit, not used");
      return;
    }
    date = date.substr(0, 10);
    if (!chart.weight_date.empty() && date < chart.weight_date) return;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v->get<double>());
    chart.weight = std::string(buf) + " " + unit;
    chart.weight_date = date;
  }

  static void OtherMedication(const json& r, Chart& chart) {
    if (StringOr(r, "status") != "active") return;
    const json* concept_value = MedicationConcept(r);
    std::string query;
    for (const json* c : Codings(concept_value)) {
      if (StringOr(*c, "system") == kRxNorm && !StringOr(*c, "code").empty()) {
        query = StringOr(*c, "code");
        break;
      }
    }
    const std::string name = NameOf(concept_value);
    if (query.empty()) query = name;
    if (query.empty()) return;
    chart.medications.push_back(Shown(query));
    chart.medication_names.push_back(Shown(name.empty() ? "RxNorm " + query : name));
  }
};

ChartReader::ChartReader(const Knowledge& k, Date today) : impl_(std::make_unique<Impl>(k, today)) {}
ChartReader::~ChartReader() = default;

void ChartReader::Add(const json& value, Chart& chart) {
  if (!value.is_object()) return;
  if (StringOr(value, "resourceType") != "Bundle") return impl_->Resource(value, chart);
  const json* entries = Find(value, "entry");
  if (entries == nullptr || !entries->is_array()) return;
  for (const json& e : *entries) {
    const json* r = Find(e, "resource");
    if (r != nullptr && r->is_object()) impl_->Resource(*r, chart);
  }
}

std::vector<DraftOrder> LenalidomideOrders(const Knowledge& k, const json& orders) {
  std::vector<const json*> resources;
  if (StringOr(orders, "resourceType") == "Bundle") {
    const json* entries = Find(orders, "entry");
    if (entries != nullptr && entries->is_array()) {
      for (const json& e : *entries) {
        if (const json* r = Find(e, "resource"); r != nullptr && r->is_object()) resources.push_back(r);
      }
    }
  } else if (orders.is_object()) {
    resources.push_back(&orders);
  }
  std::vector<DraftOrder> out;
  for (const json* r : resources) {
    if (StringOr(*r, "resourceType") != "MedicationRequest" || !IsLenalidomide(k, *r)) continue;
    DraftOrder o;
    o.key = "MedicationRequest/" + Shown(StringOr(*r, "id"));
    o.resource = *r;
    const json* concept_value = MedicationConcept(*r);
    for (const json* c : Codings(concept_value)) {
      if (!o.strength_mg) o.strength_mg = StrengthOf(StringOr(*c, "display"));
    }
    if (!o.strength_mg) o.strength_mg = StrengthOf(StringOr(concept_value ? *concept_value : json(), "text"));
    const json* dosage = Find(*r, "dosageInstruction");
    const json* first = dosage && dosage->is_array() && !dosage->empty() ? &(*dosage)[0] : nullptr;
    o.text = first ? StringOr(*first, "text") : std::string();
    const json* rate = first ? Find(*first, "doseAndRate") : nullptr;
    const json* dose = rate && rate->is_array() && !rate->empty() ? Find((*rate)[0], "doseQuantity") : nullptr;
    const json* value = dose ? Find(*dose, "value") : nullptr;
    std::string unit = dose ? StringOr(*dose, "code") : std::string();
    if (unit.empty() && dose) unit = StringOr(*dose, "unit");
    std::string lower = unit;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (value == nullptr || !value->is_number() || !(value->get<double>() > 0)) {
      o.dose_problem = "the order gives no dose (dosageInstruction[0].doseAndRate[0].doseQuantity)";
    } else if (lower == "mg") {
      o.dose_mg = value->get<double>();
    } else if (lower == "{capsule}" || lower == "capsule" || lower == "capsules" || lower == "cap" ||
               lower == "{capsules}") {
      if (o.strength_mg) {
        o.dose_mg = value->get<double>() * *o.strength_mg;
      } else {
        o.dose_problem = "the dose is in capsules and the medication does not name its strength in mg";
      }
    } else {
      o.dose_problem = "the dose's unit " + Quoted(unit, 16) + " is neither mg nor capsules";
    }
    const json* timing = first ? Find(*first, "timing") : nullptr;
    const json* repeat = timing ? Find(*timing, "repeat") : nullptr;
    if (repeat != nullptr) {
      const json* freq = Find(*repeat, "frequency");
      const json* period = Find(*repeat, "period");
      const std::string period_unit = StringOr(*repeat, "periodUnit");
      if (freq && period && freq->is_number() && period->is_number() && period_unit == "d" &&
          freq->get<double>() == 1) {
        if (period->get<double>() == 1) o.frequency = "daily";
        if (period->get<double>() == 2) o.frequency = "every-other-day";
      }
    }
    const json* dispense = Find(*r, "dispenseRequest");
    if (dispense != nullptr) {
      o.days_supply = DaysOf(Find(*dispense, "expectedSupplyDuration"));
      const json* repeats = Find(*dispense, "numberOfRepeatsAllowed");
      if (repeats != nullptr && repeats->is_number_integer() && repeats->get<int64_t>() >= 0 &&
          repeats->get<int64_t>() <= 1000000) {
        o.refills = static_cast<int>(repeats->get<int64_t>());
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace lenacare::fhir
