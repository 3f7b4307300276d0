// `lenacare grade TEST VALUE`: the CTCAE grade of a laboratory value (or of febrile neutropenia).
#include <sstream>

#include "cli/common.h"
#include "clinical/grading.h"
#include "clinical/inputs.h"
#include "core/text.h"

namespace lenacare::cli {
namespace {

using nlohmann::json;

Result<std::optional<double>> Limit(const Knowledge& k, const std::string& text, LabTest test,
                                    const std::string& option) {
  if (text.empty()) return std::optional<double>();
  auto v = k.units.Parse(LabTestKind(test), text);
  if (!v.ok()) return v.error().Under(option);
  if (*v <= 0) return Error::BadInput(option, "must be above 0");
  return std::optional<double>(*v);
}

int Print(const Options& o, const std::string& test, const std::string& value, const GradeResult& g) {
  const std::string name = g.term != nullptr ? g.term->name : "Febrile neutropenia";
  json j = {{"test", test},
            {"value", value},
            {"term", name},
            {"grade", g.grade},
            {"band", g.band},
            {"ctcae_version", g.version},
            {"source", g.cite.source},
            {"verified", g.cite.verified}};
  if (!g.note.empty()) j["note"] = g.note;
  std::ostringstream text;
  text << name << ": CTCAE v" << g.version << " grade " << g.grade << " (" << g.band << ")\n";
  if (!g.note.empty()) text << "  note: " << g.note << "\n";
  text << "  source: " << g.cite.source << "\n";
  return Emit(o, j, text.str());
}

}  // namespace

int RunGrade(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  if (o.grade_test == "febrile-neutropenia") {
    auto anc = ParseMeasurement(k, "anc", QuantityKind::kCellCount, o.grade_value, "value");
    if (!anc.ok()) return Fail(anc.error(), o);
    if (o.temperature.empty())
      return Fail(Error::BadInput("--temperature", "missing (febrile neutropenia needs it)"), o);
    auto t = ParseMeasurement(k, "temperature", QuantityKind::kTemperature, o.temperature, "--temperature");
    if (!t.ok()) return Fail(t.error(), o);
    auto g = GradeFebrileNeutropenia(k, o.ctcae, {*anc, *t, o.sustained});
    if (!g.ok())
      return Fail(g.error().kind == ErrorKind::kBadInput && g.error().field == "version"
                      ? Error::BadInput("--ctcae", g.error().message)
                      : g.error(),
                  o);
    return Print(o, o.grade_test, o.grade_value, *g);
  }
  LabTest test;
  if (!ParseLabTest(o.grade_test, test)) {
    return Fail(Error::BadInput("test", "unknown test " + Quoted(o.grade_test) +
                                            " (anc, platelets, wbc, hemoglobin, creatinine or febrile-neutropenia)"),
                o);
  }
  if (o.sustained || !o.temperature.empty()) {
    return Fail(Error::BadInput("--temperature", "only for febrile-neutropenia"), o);
  }
  auto value = ParseMeasurement(k, LabTestId(test), LabTestKind(test), o.grade_value, "value");
  if (!value.ok()) return Fail(value.error(), o);
  GradeInput in{test, *value, {}, {}, {}, {}};
  if (auto raw = ParseQuantity(o.grade_value); raw.ok()) in.unit = raw->unit;
  auto lln = Limit(k, o.lln, test, "--lln");
  if (!lln.ok()) return Fail(lln.error(), o);
  auto uln = Limit(k, o.uln, test, "--uln");
  if (!uln.ok()) return Fail(uln.error(), o);
  auto base = Limit(k, o.baseline, test, "--baseline");
  if (!base.ok()) return Fail(base.error(), o);
  in.lln = *lln;
  in.uln = *uln;
  in.baseline = *base;
  if (in.lln && in.uln && *in.lln >= *in.uln) return Fail(Error::BadInput("--lln", "must be below --uln"), o);
  auto g = GradeLab(k, o.ctcae, in);
  if (!g.ok()) {
    Error e = g.error();
    if (e.field == "version") e.field = "--ctcae";
    if (e.field == "uln" || e.field == "lln") e.field = "--" + e.field;
    return Fail(e, o);
  }
  return Print(o, o.grade_test, o.grade_value, *g);
}

}  // namespace lenacare::cli
