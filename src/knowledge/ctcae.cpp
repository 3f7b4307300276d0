#include "knowledge/ctcae.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/text.h"
#include "knowledge/knowledge_file.h"

namespace lenacare {

std::optional<double> CtcaeBound::Resolve(std::optional<double> lln, std::optional<double> uln,
                                          std::optional<double> baseline) const {
  switch (ref) {
    case Ref::kAbsolute:
      return value;
    case Ref::kLln:
      return lln ? std::optional<double>(value * *lln) : std::nullopt;
    case Ref::kUln:
      return uln ? std::optional<double>(value * *uln) : std::nullopt;
    case Ref::kBaseline:
      return baseline ? std::optional<double>(value * *baseline) : std::nullopt;
  }
  return std::nullopt;
}

std::string CtcaeBound::Describe(std::string_view unit) const {
  const std::string v = FormatNumber(value);
  switch (ref) {
    case Ref::kAbsolute:
      return v + " " + std::string(unit);
    case Ref::kLln:
      return value == 1 ? "LLN" : v + " x LLN";
    case Ref::kUln:
      return value == 1 ? "ULN" : v + " x ULN";
    case Ref::kBaseline:
      return v + " x baseline";
  }
  return v;
}

const CtcaeTerm* CtcaeVersion::FindTerm(LabTest test) const {
  for (const auto& t : terms) {
    if (t.test == test) return &t;
  }
  return nullptr;
}

namespace {

// "lln", "uln", "1.5 x uln", "3.0 x baseline" or a quantity of the test's kind.
std::optional<CtcaeBound> ReadBound(EntryReader& r, const toml::table& t, std::string_view key, QuantityKind kind,
                                    const UnitTable& units) {
  auto text = t[key].value<std::string>();
  if (!text) {
    if (t.contains(key)) r.Fail(std::string(key) + " must be text: a quantity with its unit, or \"1.5 x uln\"");
    return std::nullopt;
  }
  CtcaeBound b;
  std::string s = *text;
  const size_t x = s.find(" x ");
  std::string ref = s;
  if (x != std::string::npos) {
    ref = s.substr(x + 3);
    const std::string num = s.substr(0, x);
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), b.value);
    if (ec != std::errc() || p != num.data() + num.size() || b.value <= 0) {
      r.Fail(std::string(key) + ": " + Quoted(s) + " is not \"<number> x lln|uln|baseline\"");
      return std::nullopt;
    }
  } else {
    b.value = 1;
  }
  if (ref == "lln") {
    b.ref = CtcaeBound::Ref::kLln;
  } else if (ref == "uln") {
    b.ref = CtcaeBound::Ref::kUln;
  } else if (ref == "baseline") {
    b.ref = CtcaeBound::Ref::kBaseline;
  } else if (x != std::string::npos) {
    r.Fail(std::string(key) + ": unknown reference " + Quoted(ref) + " (lln, uln or baseline)");
    return std::nullopt;
  } else {
    auto v = units.Parse(kind, s);
    if (!v.ok()) {
      r.Fail(std::string(key) + ": " + v.error().message);
      return std::nullopt;
    }
    b.ref = CtcaeBound::Ref::kAbsolute;
    b.value = *v;
  }
  return b;
}

void ReadBands(EntryReader& r, const toml::array& arr, const CtcaeTerm& t, const Vocabulary& vocab,
               std::vector<CtcaeBand>& out) {
  for (const auto& item : arr) {
    if (!item.is_table()) return r.Fail("bands must be a list of tables");
    const toml::table& bt = *item.as_table();
    EntryReader br(bt, r.file(), "term '" + t.id + "' band", vocab, {"grade", "at_least", "below", "above", "at_most"});
    CtcaeBand b;
    b.grade = br.Int("grade");
    const QuantityKind kind = LabTestKind(t.test);
    b.at_least = ReadBound(br, bt, "at_least", kind, vocab.units);
    b.below = ReadBound(br, bt, "below", kind, vocab.units);
    b.above = ReadBound(br, bt, "above", kind, vocab.units);
    b.at_most = ReadBound(br, bt, "at_most", kind, vocab.units);
    if (b.grade < 1 || b.grade > 5) br.Fail("grade must be 1 to 5");
    if (t.increased ? (b.at_least || b.below || !b.above) : (b.above || b.at_most || !b.below)) {
      br.Fail(t.increased ? "an increased term's band is 'above' [and 'at_most']"
                          : "a decreased term's band is 'below' [and 'at_least']");
    }
    if (!br.ok()) return r.Fail(br.error().message);
    out.push_back(b);
  }
}

Status LoadVersion(const std::string& root, const std::string& rel, const Vocabulary& vocab, CtcaeVersion& v) {
  auto f = KnowledgeFile::Open(root, rel, vocab);
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "version", "term", "febrile_neutropenia"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->One("version", {LENACARE_CITE_KEYS, "version", "published"}, [&](EntryReader& r) {
    v.version = r.Str("version");
    v.published = r.Str("published");
    v.cite = r.Cite();
  }));
  LENACARE_TRY(f->Each(
      "term",
      {LENACARE_CITE_KEYS, "name", "test", "direction", "bands", "bands_by_unit", "clinical_grades", "worse_of"}, true,
      [&](EntryReader& r) {
        CtcaeTerm t;
        t.id = r.id();
        t.name = r.Str("name");
        const std::string test = r.Str("test");
        if (!ParseLabTest(test, t.test)) return r.Fail("unknown test " + Quoted(test));
        const std::string dir = r.Str("direction");
        if (dir != "decreased" && dir != "increased") return r.Fail("direction must be decreased or increased");
        t.increased = dir == "increased";
        t.clinical_grades = r.OptStr("clinical_grades").value_or("");
        r.OptStr("worse_of");
        if (const toml::array* arr = r.Array("bands")) ReadBands(r, *arr, t, vocab, t.bands);
        if (const toml::array* alt = r.Array("bands_by_unit", false)) {
          for (const auto& item : *alt) {
            const toml::table* at = item.as_table();
            auto unit = at != nullptr ? (*at)["unit"].value<std::string>() : std::nullopt;
            const toml::array* ab = at != nullptr ? (*at)["bands"].as_array() : nullptr;
            if (!unit || ab == nullptr) return r.Fail("bands_by_unit must be a list of { unit, bands }");
            t.bands_by_unit.emplace_back(*unit, std::vector<CtcaeBand>{});
            ReadBands(r, *ab, t, vocab, t.bands_by_unit.back().second);
          }
        }
        t.cite = r.Cite();
        v.terms.push_back(t);
      }));
  return f->One("febrile_neutropenia",
                {LENACARE_CITE_KEYS, "name", "grade", "anc_below", "single_temperature_above",
                 "sustained_temperature_at_least", "sustained_for_more_than", "clinical_grades"},
                [&](EntryReader& r) {
                  FebrileNeutropeniaRule& fn = v.febrile_neutropenia;
                  fn.name = r.Str("name");
                  fn.grade = r.Int("grade");
                  fn.anc_below = r.Qty("anc_below", QuantityKind::kCellCount);
                  fn.single_temperature_above = r.Qty("single_temperature_above", QuantityKind::kTemperature);
                  fn.sustained_temperature_at_least =
                      r.Qty("sustained_temperature_at_least", QuantityKind::kTemperature);
                  fn.sustained_hours = r.Qty("sustained_for_more_than", QuantityKind::kDuration) * 24;
                  fn.clinical_grades = r.OptStr("clinical_grades").value_or("");
                  fn.cite = r.Cite();
                });
}

}  // namespace

Status LoadCtcae(const std::string& root, const Vocabulary& vocab, std::vector<CtcaeVersion>& out) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(root) / "common", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("ctcae-", 0) == 0 && entry.path().extension() == ".toml") files.push_back("common/" + name);
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) return Error::BadInput("common/", "no CTCAE grading file (common/ctcae-<version>.toml)");
  for (const std::string& rel : files) {
    CtcaeVersion v;
    LENACARE_TRY(LoadVersion(root, rel, vocab, v));
    if ("common/ctcae-" + v.version + ".toml" != rel) {
      return Error::BadInput(rel, "version " + Quoted(v.version) + " does not match the file name");
    }
    out.push_back(std::move(v));
  }
  return Status::Ok();
}

}  // namespace lenacare
