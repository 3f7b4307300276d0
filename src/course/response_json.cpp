#include "course/response_json.h"

#include <algorithm>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "course/json_input.h"
#include "knowledge/knowledge.h"

namespace lenacare {
namespace {

using json_input::CheckKeys;
using json_input::Join;
using json_input::Text;
using nlohmann::json;

// The response quantities: what each is called in messages and a well-formed example.
struct Kind {
  QuantityKind kind;
  std::string_view what, example;
};

constexpr Kind kKinds[] = {
    {QuantityKind::kMProtein, "a serum M-protein", "3.2 g/dL"},
    {QuantityKind::kUrineMProtein, "a 24-hour urine M-protein", "450 mg/24h"},
    {QuantityKind::kFreeLightChain, "a free light chain", "120 mg/L"},
    {QuantityKind::kFraction, "a marrow plasma-cell percentage", "40 %"},
    {QuantityKind::kLesionArea, "a plasmacytoma size (SPD)", "6 cm2"},
};

const Kind& KindInfo(QuantityKind kind) {
  return *std::find_if(std::begin(kKinds), std::end(kKinds), [&](const Kind& k) { return k.kind == kind; });
}

std::string UnitList(const UnitKindEntry& entry) {
  std::string out;
  for (const auto& a : entry.aliases) out += (out.empty() ? "" : ", ") + a.unit;
  return out;
}

// "3.2 g/dL" -> 3.2 g/dL; "32 g/L" -> 3.2 g/dL with the unit "g/L". The unit is recorded as the
// first spelling of the same conversion ("mg/(24.h)" -> "mg/24h") so that spellings of one unit
// never count as mixed units.
Result<Measured> Quantity(const UnitTable& units, const json& obj, const std::string& where, std::string_view key,
                          QuantityKind kind) {
  const std::string field = Join(where, key);
  const Kind& info = KindInfo(kind);
  const UnitKindEntry* entry = units.Find(kind);
  const json& node = obj.at(std::string(key));
  if (node.is_number()) {
    return Error::BadInput(
        field, "a unit is required: write it as text with its unit, e.g. \"" + std::string(info.example) + "\"");
  }
  if (!node.is_string())
    return Error::BadInput(field, "must be text with a unit, e.g. \"" + std::string(info.example) + "\"");
  auto raw = ParseQuantity(node.get<std::string>(), info.example);
  if (!raw.ok()) return raw.error().Under(field);
  const auto alias = std::find_if(entry->aliases.begin(), entry->aliases.end(),
                                  [&](const UnitAlias& a) { return a.unit == raw->unit; });
  if (alias == entry->aliases.end()) {
    for (const Kind& other : kKinds) {
      const UnitKindEntry* e = units.Find(other.kind);
      if (other.kind == kind || e == nullptr) continue;
      if (std::any_of(e->aliases.begin(), e->aliases.end(), [&](const UnitAlias& a) { return a.unit == raw->unit; })) {
        return Error::BadInput(field, "unit " + Quoted(raw->unit) + " does not fit " + std::string(info.what) +
                                          ": it is " + std::string(other.what) + " unit (use " + UnitList(*entry) +
                                          ")");
      }
    }
    return Error::BadInput(field, "unknown unit " + Quoted(raw->unit) + " for " + std::string(info.what) + " (use " +
                                      UnitList(*entry) + ")");
  }
  Measured m;
  m.value = (raw->value + alias->offset) * alias->factor;
  m.unit = std::find_if(entry->aliases.begin(), entry->aliases.end(), [&](const UnitAlias& a) {
             return a.factor == alias->factor && a.offset == alias->offset;
           })->unit;
  if (m.value < 0) return Error::BadInput(field, "must not be negative");
  if (kind == QuantityKind::kFraction && m.value > 100) return Error::BadInput(field, "cannot be above 100 %");
  return m;
}

Result<std::optional<Immunofixation>> Ife(const json& obj, const std::string& where, std::string_view key) {
  auto t = Text(obj, where, key, false);
  if (!t.ok()) return t.error();
  if (t->empty()) return std::optional<Immunofixation>();
  if (*t == "negative") return std::optional<Immunofixation>(Immunofixation::kNegative);
  if (*t == "positive") return std::optional<Immunofixation>(Immunofixation::kPositive);
  return Error::BadInput(Join(where, key), Quoted(*t) + " is not positive or negative");
}

Result<MarkerResults> Results(const UnitTable& units, const json& obj, const std::string& where, bool baseline) {
  if (!obj.is_object()) return Error::BadInput(where, "must be an object");
  Status s = baseline
                 ? CheckKeys(obj, where,
                             {"date", "serum_m_protein", "urine_m_protein", "kappa_flc", "lambda_flc", "serum_ife",
                              "urine_ife", "bmpc", "clonal_plasma_cells", "plasmacytoma_spd", "note"})
                 : CheckKeys(obj, where,
                             {"date", "serum_m_protein", "urine_m_protein", "kappa_flc", "lambda_flc", "serum_ife",
                              "urine_ife", "bmpc", "clonal_plasma_cells", "plasmacytoma_spd", "new_lesion", "note"});
  if (!s.ok()) return s.error();
  MarkerResults r;
  auto date_text = Text(obj, where, "date", true);
  if (!date_text.ok()) return date_text.error();
  auto date = Date::Parse(*date_text);
  if (!date.ok()) return date.error().Under(Join(where, "date"));
  r.date = *date;
  const struct {
    std::string_view key;
    QuantityKind kind;
    std::optional<Measured> MarkerResults::*member;
  } quantities[] = {
      {"serum_m_protein", QuantityKind::kMProtein, &MarkerResults::serum_m},
      {"urine_m_protein", QuantityKind::kUrineMProtein, &MarkerResults::urine_m},
      {"kappa_flc", QuantityKind::kFreeLightChain, &MarkerResults::kappa},
      {"lambda_flc", QuantityKind::kFreeLightChain, &MarkerResults::lambda},
      {"bmpc", QuantityKind::kFraction, &MarkerResults::bmpc},
      {"plasmacytoma_spd", QuantityKind::kLesionArea, &MarkerResults::plasmacytoma_spd},
  };
  for (const auto& q : quantities) {
    if (!obj.contains(q.key)) continue;
    auto m = Quantity(units, obj, where, q.key, q.kind);
    if (!m.ok()) return m.error();
    r.*q.member = *m;
  }
  auto serum_ife = Ife(obj, where, "serum_ife");
  if (!serum_ife.ok()) return serum_ife.error();
  r.serum_ife = *serum_ife;
  auto urine_ife = Ife(obj, where, "urine_ife");
  if (!urine_ife.ok()) return urine_ife.error();
  r.urine_ife = *urine_ife;
  auto clonal = Text(obj, where, "clonal_plasma_cells", false);
  if (!clonal.ok()) return clonal.error();
  if (!clonal->empty()) {
    if (*clonal != "present" && *clonal != "absent") {
      return Error::BadInput(Join(where, "clonal_plasma_cells"), Quoted(*clonal) + " is not present or absent");
    }
    r.clonal_plasma_cells = *clonal == "present";
  }
  if (auto it = obj.find("new_lesion"); it != obj.end()) {
    if (!it->is_boolean()) return Error::BadInput(Join(where, "new_lesion"), "must be true or false");
    r.new_lesion = it->get<bool>();
  }
  auto note = Text(obj, where, "note", false);
  if (!note.ok()) return note.error();
  return r;
}

}  // namespace

Result<ResponseSeries> ParseResponseSeries(const UnitTable& units, std::string_view text) {
  auto parsed = json_input::ParseObject(text, "series");
  if (!parsed.ok()) return parsed.error();
  const json& root = *parsed;
  Status s = CheckKeys(root, "", {"criteria", "baseline", "assessments", "note"});
  if (!s.ok()) return s.error();
  ResponseSeries series;
  auto criteria = Text(root, "", "criteria", true);
  if (!criteria.ok()) {
    Error e = criteria.error();
    if (e.message == "missing") e.message = "missing (the criteria version, e.g. \"IMWG-2016\")";
    return e;
  }
  series.criteria = *criteria;
  auto note = Text(root, "", "note", false);
  if (!note.ok()) return note.error();
  if (root.contains("baseline")) {
    auto b = Results(units, root["baseline"], "baseline", true);
    if (!b.ok()) return b.error();
    series.baseline = *b;
  }
  auto it = root.find("assessments");
  if (it == root.end()) return Error::BadInput("assessments", "missing (a list of dated results after the baseline)");
  if (!it->is_array()) return Error::BadInput("assessments", "must be a list");
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string where = "assessments[" + std::to_string(i) + "]";
    auto a = Results(units, (*it)[i], where, false);
    if (!a.ok()) return a.error();
    if (series.baseline && a->date <= series.baseline->date) {
      return Error::BadInput(
          where + ".date", a->date.ToString() + " is not after the baseline date " + series.baseline->date.ToString());
    }
    if (!series.assessments.empty()) {
      const Date previous = series.assessments.back().date;
      if (a->date == previous) {
        return Error::BadInput(where + ".date", a->date.ToString() + " is the date of assessments[" +
                                                    std::to_string(i - 1) + "] too: one assessment per date");
      }
      if (a->date < previous) {
        return Error::BadInput(where + ".date", a->date.ToString() + " is before assessments[" + std::to_string(i - 1) +
                                                    "] (" + previous.ToString() +
                                                    "): list the assessments in date order");
      }
    }
    series.assessments.push_back(*a);
  }
  return series;
}

Status CheckMarkerJson(const UnitTable& units, std::string_view text) {
  auto parsed = json_input::ParseObject(text, "event");
  if (!parsed.ok()) return parsed.error();
  const json& e = *parsed;
  Status s = CheckKeys(e, "event", {"date", "type", "marker", "value", "note"});
  if (!s.ok()) return s;
  auto marker = Text(e, "event", "marker", true);
  if (!marker.ok()) return marker.error();
  if (!IsResponseMarkerField(*marker)) {
    return Error::BadInput("event.marker",
                           Quoted(*marker) + " is not serum_m_protein, urine_m_protein, kappa_flc or lambda_flc");
  }
  auto date = Text(e, "event", "date", true);
  if (!date.ok()) return date.error();
  auto value = Text(e, "event", "value", true);
  if (!value.ok()) return value.error();
  const json series = {{"criteria", "IMWG-2016"}, {"assessments", json::array({{{"date", *date}, {*marker, *value}}})}};
  auto checked = ParseResponseSeries(units, series.dump());
  if (!checked.ok()) {
    Error err = checked.error();
    const std::string prefix = "assessments[0].";
    if (err.field.rfind(prefix, 0) == 0) {
      const std::string field = err.field.substr(prefix.size());
      err.field = field == "date" ? "event.date" : "event.value";
    }
    return err;
  }
  return Status::Ok();
}

}  // namespace lenacare
