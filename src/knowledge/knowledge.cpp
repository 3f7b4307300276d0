#include "knowledge/knowledge.h"

#include <algorithm>

namespace lenacare {
namespace {

constexpr struct {
  LabTest test;
  std::string_view id;
  std::string_view name;
  QuantityKind kind;
} kTests[] = {
    {LabTest::kAnc, "anc", "ANC", QuantityKind::kCellCount},
    {LabTest::kPlatelets, "platelets", "platelets", QuantityKind::kCellCount},
    {LabTest::kWbc, "wbc", "white cells", QuantityKind::kCellCount},
    {LabTest::kHemoglobin, "hemoglobin", "hemoglobin", QuantityKind::kHemoglobin},
    {LabTest::kCreatinine, "creatinine", "creatinine", QuantityKind::kCreatinine},
};

bool StartingDoseFits(const std::optional<double>& for_dose, double starting_dose_mg) {
  return !for_dose || *for_dose == starting_dose_mg;
}

}  // namespace

std::string_view LabTestId(LabTest t) {
  for (const auto& x : kTests) {
    if (x.test == t) return x.id;
  }
  return "?";
}

std::string_view LabTestName(LabTest t) {
  for (const auto& x : kTests) {
    if (x.test == t) return x.name;
  }
  return "?";
}

QuantityKind LabTestKind(LabTest t) {
  for (const auto& x : kTests) {
    if (x.test == t) return x.kind;
  }
  return QuantityKind::kCellCount;
}

bool ParseLabTest(std::string_view id, LabTest& out) {
  for (const auto& x : kTests) {
    if (x.id == id) {
      out = x.test;
      return true;
    }
  }
  return false;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

double HoldRule::Scope() const {
  double scope = 0;
  for (const HoldTrigger& t : triggers) {
    if (t.below) scope = std::max(scope, *t.below);
    if (t.at_most_fraction_of_baseline && baseline_below) {
      scope = std::max(scope, *t.at_most_fraction_of_baseline * *baseline_below);
    }
  }
  return scope;
}

const Indication* Knowledge::FindIndication(std::string_view id) const {
  for (const auto& i : indications) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

const PlausibleRange* Knowledge::FindLimit(std::string_view subject) const {
  for (const auto& l : limits) {
    if (l.subject == subject) return &l;
  }
  return nullptr;
}

const RenalRow* Knowledge::FindRenalRow(std::string_view table, std::string_view band) const {
  for (const auto& r : renal_rows) {
    if (r.table == table && r.band == band) return &r;
  }
  return nullptr;
}

const Ladder* Knowledge::FindLadder(std::string_view indication, double starting_dose_mg) const {
  for (const auto& l : ladders) {
    if (Contains(l.indications, indication) && StartingDoseFits(l.for_starting_dose_mg, starting_dose_mg)) {
      return &l;
    }
  }
  return nullptr;
}

const ResponseCriteria* Knowledge::FindResponseCriteria(std::string_view version) const {
  for (const ResponseCriteria& c : response_criteria) {
    if (c.version == version) return &c;
  }
  return nullptr;
}

std::string Knowledge::ResponseCriteriaVersions() const {
  std::string out;
  for (const ResponseCriteria& c : response_criteria) out += (out.empty() ? "" : ", ") + c.version;
  return out.empty() ? "none" : out;
}

const Floor* Knowledge::FindFloor(std::string_view indication, double starting_dose_mg) const {
  for (const auto& f : floors) {
    if (Contains(f.indications, indication) && StartingDoseFits(f.for_starting_dose_mg, starting_dose_mg)) {
      return &f;
    }
  }
  return nullptr;
}

const CtcaeVersion* Knowledge::FindCtcae(std::string_view version) const {
  for (const auto& v : ctcae) {
    if (v.version == version) return &v;
  }
  return nullptr;
}

const CbcSchedule* Knowledge::FindCbcSchedule(std::string_view indication) const {
  for (const auto& s : cbc_schedules) {
    if (Contains(s.indications, indication)) return &s;
  }
  return nullptr;
}

std::string Knowledge::IndicationIds() const {
  std::string out;
  for (const auto& i : indications) out += (out.empty() ? "" : ", ") + i.id;
  return out;
}

bool IsResponseMarkerField(std::string_view field) {
  return field == "serum_m_protein" || field == "urine_m_protein" || field == "kappa_flc" || field == "lambda_flc";
}

const CodeMap::Loinc* CodeMap::FindLoinc(std::string_view code) const {
  for (const Loinc& l : loinc) {
    if (l.code == code) return &l;
  }
  return nullptr;
}

const CodeMap::Condition* CodeMap::FindCondition(std::string_view system, std::string_view code) const {
  for (const Condition& c : conditions) {
    if (c.system == system && c.code == code) return &c;
  }
  return nullptr;
}

bool CodeMap::IsLenalidomide(std::string_view rxnorm) const {
  return std::find(lenalidomide_rxnorm.begin(), lenalidomide_rxnorm.end(), rxnorm) != lenalidomide_rxnorm.end();
}

}  // namespace lenacare
