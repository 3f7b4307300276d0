#include "knowledge/loader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>

#include "core/text.h"
#include "knowledge/knowledge_file.h"
#include "knowledge/load_safety.h"
#include "knowledge/response_criteria.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

Status LoadUnits(const std::string& root, Knowledge& k) {
  UnitTable none;
  auto f = KnowledgeFile::Open(root, "common/units.toml", Vocabulary{none, k.sources});
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "kind"}));
  LENACARE_TRY(f->ReadHeader());
  return f->Each("kind", {LENACARE_CITE_KEYS, "canonical", "units"}, true, [&](EntryReader& r) {
    UnitKindEntry e;
    e.id = r.id();
    if (!ParseKindId(e.id, e.kind)) return r.Fail("unknown kind of quantity");
    e.canonical = r.Str("canonical");
    r.Cite();
    if (const toml::array* arr = r.Array("units")) {
      for (const auto& item : *arr) {
        const toml::table* t = item.as_table();
        if (t == nullptr) return r.Fail("'units' must be a list of { unit = ... } tables");
        EntryReader u(*t, r.file(), "kind '" + e.id + "' unit", Vocabulary{none, k.sources},
                      {"unit", "factor", "divide_by", "offset"});
        UnitAlias a;
        a.unit = u.Str("unit");
        const double factor = (*t)["factor"].value<double>().value_or(1.0);
        const double divide_by = (*t)["divide_by"].value<double>().value_or(1.0);
        if (factor <= 0 || divide_by <= 0) u.Fail("factor and divide_by must be positive");
        a.factor = factor / divide_by;
        a.offset = (*t)["offset"].value<double>().value_or(0.0);
        if (!u.ok()) return r.Fail(u.error().message);
        e.aliases.push_back(a);
      }
    }
    if (std::none_of(e.aliases.begin(), e.aliases.end(),
                     [&](const UnitAlias& a) { return a.unit == e.canonical && a.factor == 1 && a.offset == 0; })) {
      return r.Fail("the canonical unit '" + e.canonical + "' must be listed with factor 1");
    }
    k.units.Add(std::move(e));
  });
}

Status LoadCommon(const std::string& root, Knowledge& k) {
  LENACARE_TRY(LoadUnits(root, k));
  for (QuantityKind kind : {QuantityKind::kCellCount, QuantityKind::kHemoglobin, QuantityKind::kCreatinine,
                            QuantityKind::kBodyWeight, QuantityKind::kTemperature, QuantityKind::kCreatinineClearance,
                            QuantityKind::kDose, QuantityKind::kDuration, QuantityKind::kAge, QuantityKind::kFraction,
                            QuantityKind::kHcg, QuantityKind::kBodyMassIndex, QuantityKind::kMProtein,
                            QuantityKind::kUrineMProtein, QuantityKind::kFreeLightChain, QuantityKind::kLesionArea}) {
    if (k.units.Find(kind) == nullptr) {
      return Error::BadInput("common/units.toml", "no units for " + std::string(KindName(kind)));
    }
  }

  auto inputs = KnowledgeFile::Open(root, "common/inputs.toml", k.vocab());
  if (!inputs.ok()) return inputs.error();
  LENACARE_TRY(inputs->CheckKeys({"file", "limit"}));
  LENACARE_TRY(inputs->ReadHeader());
  LENACARE_TRY(
      inputs->Each("limit", {LENACARE_CITE_KEYS, "subject", "above", "at_least", "at_most"}, true, [&](EntryReader& r) {
        static const struct {
          std::string_view subject;
          QuantityKind kind;
        } kSubjects[] = {{"age", QuantityKind::kAge},
                         {"weight", QuantityKind::kBodyWeight},
                         {"creatinine", QuantityKind::kCreatinine},
                         {"anc", QuantityKind::kCellCount},
                         {"platelets", QuantityKind::kCellCount},
                         {"wbc", QuantityKind::kCellCount},
                         {"hemoglobin", QuantityKind::kHemoglobin},
                         {"temperature", QuantityKind::kTemperature},
                         {"crcl", QuantityKind::kCreatinineClearance},
                         {"dose", QuantityKind::kDose},
                         {"bmi", QuantityKind::kBodyMassIndex},
                         {"dexamethasone_per_month", QuantityKind::kDose},
                         {"hcg", QuantityKind::kHcg}};
        PlausibleRange p;
        p.subject = r.Str("subject");
        const auto* s = std::find_if(std::begin(kSubjects), std::end(kSubjects),
                                     [&](const auto& x) { return x.subject == p.subject; });
        if (s == std::end(kSubjects)) return r.Fail("unknown subject '" + p.subject + "'");
        p.above = r.OptQty("above", s->kind);
        p.at_least = r.OptQty("at_least", s->kind);
        p.at_most = r.OptQty("at_most", s->kind);
        p.unit = k.units.Find(s->kind)->canonical;
        if (!p.at_most || (!p.above && !p.at_least)) r.Fail("needs a lower bound (above or at_least) and at_most");
        p.cite = r.Cite();
        k.limits.push_back(p);
      }));

  auto renal = KnowledgeFile::Open(root, "common/renal-function.toml", k.vocab());
  if (!renal.ok()) return renal.error();
  LENACARE_TRY(renal->CheckKeys({"file", "cockcroft_gault"}));
  LENACARE_TRY(renal->ReadHeader());
  return renal->One("cockcroft_gault", {LENACARE_CITE_KEYS, "age_offset", "divisor", "female_factor", "weight"},
                    [&](EntryReader& r) {
                      auto& cg = k.cockcroft_gault;
                      cg.age_offset = r.Num("age_offset");
                      cg.divisor = r.Num("divisor");
                      cg.female_factor = r.Num("female_factor");
                      if (r.Str("weight") != "actual") r.Fail("weight: only 'actual' body weight is supported");
                      if (cg.divisor <= 0 || cg.female_factor <= 0 || cg.age_offset <= 0)
                        r.Fail("constants must be positive");
                      cg.cite = r.Cite();
                    });
}

Status LoadPackInfo(const std::string& dir, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(dir, pack + "/pack.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"pack"}));
  return f->One("pack", {"id", "drug", "jurisdiction", "document", "label_date", "label_date_note"},
                [&](EntryReader& r) {
                  PackInfo& p = k.pack;
                  p.id = r.Str("id");
                  p.drug = r.Str("drug");
                  p.jurisdiction = r.Str("jurisdiction");
                  p.document = r.Str("document");
                  p.label_date = r.Str("label_date");
                  p.label_date_note = r.OptStr("label_date_note").value_or("");
                  if (p.id != pack) r.Fail("id '" + p.id + "' does not match the folder '" + pack + "'");
                });
}

Result<ResumeAt> ParseResumeAt(const std::string& s) {
  if (s == "starting-dose") return ResumeAt::kStartingDose;
  if (s == "next-lower") return ResumeAt::kNextLower;
  if (s == "fixed") return ResumeAt::kFixed;
  return Error::BadInput("", Quoted(s) + " is not starting-dose, next-lower or fixed");
}

std::optional<ResumeAt> ReadResumeAt(EntryReader& r, std::string_view key, bool required) {
  auto s = required ? std::optional<std::string>(r.Str(key)) : r.OptStr(key);
  if (!s) return std::nullopt;
  auto v = ParseResumeAt(*s);
  if (!v.ok()) {
    r.Fail(std::string(key) + ": " + v.error().message);
    return std::nullopt;
  }
  return *v;
}

Frequency ReadFrequency(EntryReader& r, std::string_view key) {
  auto f = ParseFrequency(r.OptStr(key).value_or("daily"));
  if (!f.ok()) {
    r.Fail(std::string(key) + ": " + f.error().message);
    return Frequency::kDaily;
  }
  return *f;
}

LabTest ReadTest(EntryReader& r, std::string_view key) {
  LabTest t = LabTest::kAnc;
  const std::string s = r.Str(key);
  if (r.ok() && !ParseLabTest(s, t)) r.Fail("unknown test '" + s + "'");
  return t;
}

Status LoadProduct(const std::string& root, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, pack + "/product.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "capsules", "missed_dose", "administration", "supply"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->One("capsules", {LENACARE_CITE_KEYS, "strengths"}, [&](EntryReader& r) {
    for (const std::string& s : r.StrList("strengths")) {
      auto mg = k.units.Parse(QuantityKind::kDose, s);
      if (!mg.ok()) return r.Fail("strengths: " + mg.error().message);
      if (*mg <= 0) return r.Fail("strengths must be positive");
      k.capsule_strengths_mg.push_back(*mg);
    }
    if (!std::is_sorted(k.capsule_strengths_mg.begin(), k.capsule_strengths_mg.end())) {
      r.Fail("strengths must be listed from the smallest");
    }
    k.capsules_cite = r.Cite();
  }));
  LENACARE_TRY(f->One("missed_dose", {LENACARE_CITE_KEYS, "take_if_late_at_most"}, [&](EntryReader& r) {
    k.missed_dose_window_hours = r.Qty("take_if_late_at_most", QuantityKind::kDuration) * 24.0;
    k.missed_dose_cite = r.Cite();
  }));
  LENACARE_TRY(f->One("administration", {LENACARE_CITE_KEYS, "instructions"}, [&](EntryReader& r) {
    k.how_to_take = r.Str("instructions");
    if (r.ok() && k.how_to_take.empty()) r.Fail("instructions must not be empty");
    k.how_to_take_cite = r.Cite();
  }));
  return f->One("supply", {LENACARE_CITE_KEYS, "max_supply", "refills"}, [&](EntryReader& r) {
    k.max_supply_days = static_cast<int>(r.Qty("max_supply", QuantityKind::kDuration));
    k.refills = r.Int("refills");
    k.supply_cite = r.Cite();
  });
}

Status LoadIndications(const std::string& root, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, pack + "/indications.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "indication", "companion", "start_criterion", "start_note", "escalation"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->Each("indication",
                       {LENACARE_CITE_KEYS, "name", "starting_dose", "frequency", "pill_days", "cycle_length",
                        "max_cycles", "duration", "renal_table"},
                       true, [&](EntryReader& r) {
                         Indication i;
                         i.id = r.id();
                         i.name = r.Str("name");
                         i.start.dose_mg = r.Qty("starting_dose", QuantityKind::kDose);
                         i.start.frequency = ReadFrequency(r, "frequency");
                         i.start.days = r.Days("pill_days");
                         i.cycle_days = static_cast<int>(r.Qty("cycle_length", QuantityKind::kDuration));
                         i.max_cycles = r.Int("max_cycles", 0);
                         i.duration = r.Str("duration");
                         if (!r.OptStr("renal_table")) return r.Fail("no renal table: every indication needs one");
                         i.renal_table = r.Str("renal_table");
                         i.cite = r.Cite();
                         if (i.start.days.Last() > i.cycle_days) r.Fail("pill days go past the cycle length");
                         k.indications.push_back(i);
                       }));
  LENACARE_TRY(f->Each("companion",
                       {LENACARE_CITE_KEYS, "indication", "drug", "setting", "age_above", "age_at_most", "dose",
                        "route", "cycles", "days"},
                       false, [&](EntryReader& r) {
                         CompanionDose c;
                         c.indication = r.Str("indication");
                         c.drug = r.Str("drug");
                         c.setting = r.OptStr("setting").value_or("");
                         if (auto a = r.OptQty("age_above", QuantityKind::kAge)) c.age_above = static_cast<int>(*a);
                         if (auto a = r.OptQty("age_at_most", QuantityKind::kAge)) c.age_at_most = static_cast<int>(*a);
                         c.dose_text = r.Str("dose");
                         if (auto q = ParseQuantity(c.dose_text); !q.ok() || (q->unit != "mg" && q->unit != "mg/m2")) {
                           r.Fail("dose must be in mg or mg/m2");
                         }
                         c.route = r.Str("route");
                         c.cycles = r.Cycles("cycles");
                         c.days = r.Days("days");
                         c.cite = r.Cite();
                         k.companions.push_back(c);
                       }));
  LENACARE_TRY(
      f->Each("start_criterion", {LENACARE_CITE_KEYS, "indication", "tests", "combine"}, false, [&](EntryReader& r) {
        StartCriterion s;
        s.indication = r.Str("indication");
        const std::string combine = r.Str("combine");
        if (combine == "all")
          s.combine = Combine::kAll;
        else if (combine == "any")
          s.combine = Combine::kAny;
        else if (combine == "disputed")
          s.combine = Combine::kDisputed;
        else
          r.Fail("combine must be all, any or disputed");
        if (const toml::array* arr = r.Array("tests")) {
          for (const auto& item : *arr) {
            if (!item.is_table()) return r.Fail("tests must be a list of { test, at_least } tables");
            EntryReader t(*item.as_table(), r.file(), "start_criterion '" + r.id() + "' test", k.vocab(),
                          {"test", "at_least"});
            CountThreshold c;
            c.test = ReadTest(t, "test");
            c.at_least = t.Qty("at_least", LabTestKind(c.test));
            if (!t.ok()) return r.Fail(t.error().message);
            s.tests.push_back(c);
          }
        }
        s.cite = r.Cite();
        k.start_criteria.push_back(s);
      }));
  LENACARE_TRY(
      f->Each("start_note", {LENACARE_CITE_KEYS, "indication", "text", "within_cycles"}, false, [&](EntryReader& r) {
        StartNote n;
        n.indication = r.Str("indication");
        n.text = r.Str("text");
        n.within_cycles = r.Int("within_cycles", 0);
        n.cite = r.Cite();
        k.start_notes.push_back(n);
      }));
  return f->Each(
      "escalation",
      {LENACARE_CITE_KEYS, "indications", "from_dose", "from_frequency", "to_dose", "after_cycles", "condition"}, false,
      [&](EntryReader& r) {
        Escalation e;
        e.indications = r.StrList("indications");
        e.from_dose_mg = r.Qty("from_dose", QuantityKind::kDose);
        if (r.OptStr("from_frequency")) e.from_frequency = ReadFrequency(r, "from_frequency");
        e.to_dose_mg = r.Qty("to_dose", QuantityKind::kDose);
        e.after_cycles = r.Int("after_cycles");
        e.condition = r.Str("condition");
        e.cite = r.Cite();
        k.escalations.push_back(e);
      });
}

Status LoadRenal(const std::string& root, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, pack + "/renal.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "band", "table", "row"}));
  LENACARE_TRY(f->ReadHeader());
  constexpr auto kCrCl = QuantityKind::kCreatinineClearance;
  LENACARE_TRY(
      f->Each("band", {LENACARE_CITE_KEYS, "crcl_at_least", "crcl_below", "dialysis", "not_studied_below", "review_at"},
              true, [&](EntryReader& r) {
                RenalBand b;
                b.id = r.id();
                b.crcl_at_least = r.OptQty("crcl_at_least", kCrCl);
                b.crcl_below = r.OptQty("crcl_below", kCrCl);
                b.dialysis = r.Bool("dialysis");
                b.not_studied_below = r.OptQty("not_studied_below", kCrCl);
                b.review_at = r.OptQty("review_at", kCrCl);
                if (!b.crcl_at_least && !b.crcl_below) r.Fail("a band needs crcl_at_least or crcl_below");
                if (b.crcl_at_least && b.crcl_below && *b.crcl_at_least >= *b.crcl_below) {
                  r.Fail("crcl_at_least must be below crcl_below");
                }
                b.cite = r.Cite();
                k.renal_bands.push_back(b);
              }));
  LENACARE_TRY(f->Each("table", {LENACARE_CITE_KEYS, "title"}, true, [&](EntryReader& r) {
    RenalTable t;
    t.id = r.id();
    t.title = r.Str("title");
    t.cite = r.Cite();
    k.renal_tables.push_back(t);
  }));
  return f->Each("row", {LENACARE_CITE_KEYS, "table", "band", "adjust", "dose", "frequency", "after_dialysis"}, true,
                 [&](EntryReader& r) {
                   RenalRow row;
                   row.table = r.Str("table");
                   row.band = r.Str("band");
                   row.adjust = r.Bool("adjust", true);
                   if (row.adjust) {
                     row.dose_mg = r.Qty("dose", QuantityKind::kDose);
                     row.frequency = ReadFrequency(r, "frequency");
                   } else if (r.OptStr("dose")) {
                     r.Fail("a row with adjust = false takes the indication's starting dose; remove 'dose'");
                   }
                   row.after_dialysis = r.Bool("after_dialysis", false);
                   row.cite = r.Cite();
                   k.renal_rows.push_back(row);
                 });
}

Status LoadDoseLevels(const std::string& root, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, pack + "/dose-levels.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "ladder", "floor"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(
      f->Each("ladder", {LENACARE_CITE_KEYS, "indications", "for_starting_dose", "levels"}, true, [&](EntryReader& r) {
        Ladder l;
        l.indications = r.StrList("indications");
        l.for_starting_dose_mg = r.OptQty("for_starting_dose", QuantityKind::kDose);
        l.cite = r.Cite();
        if (const toml::array* arr = r.Array("levels")) {
          for (const auto& item : *arr) {
            if (!item.is_table()) return r.Fail("levels must be a list of { dose = ... } tables");
            const toml::table& t = *item.as_table();
            EntryReader lv(t, r.file(), "ladder '" + r.id() + "' level", k.vocab(),
                           {"dose", "days", "cite", "confidence", "verified"});
            DoseLevel level;
            level.dose_mg = lv.Qty("dose", QuantityKind::kDose);
            level.days = lv.OptDays("days");
            level.cite = lv.CiteOr(l.cite);
            if (!lv.ok()) return r.Fail(lv.error().message);
            l.levels.push_back(level);
          }
        }
        if (l.levels.empty()) r.Fail("a ladder needs at least one level");
        k.ladders.push_back(l);
      }));
  return f->Each("floor", {LENACARE_CITE_KEYS, "indications", "for_starting_dose", "dose", "days"}, true,
                 [&](EntryReader& r) {
                   Floor fl;
                   fl.indications = r.StrList("indications");
                   fl.for_starting_dose_mg = r.OptQty("for_starting_dose", QuantityKind::kDose);
                   fl.dose_mg = r.Qty("dose", QuantityKind::kDose);
                   fl.days = r.OptDays("days");
                   fl.cite = r.Cite();
                   k.floors.push_back(fl);
                 });
}

Status LoadHematologic(const std::string& root, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, pack + "/hematologic.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "hold_rule", "uncovered"}));
  LENACARE_TRY(f->ReadHeader());
  constexpr auto kCount = QuantityKind::kCellCount;
  LENACARE_TRY(
      f->Each("hold_rule",
              {LENACARE_CITE_KEYS, "indications", "test", "fall", "for_starting_dose", "at_dose", "phase_before",
               "phase_from", "baseline_at_least", "baseline_below", "triggers", "resume_at_least",
               "disputed_resume_from", "resume_at", "resume_at_if_other_toxicity", "resume_dose", "cbc_weekly"},
              true, [&](EntryReader& r) {
                HoldRule h;
                h.indications = r.StrList("indications");
                h.test = ReadTest(r, "test");
                const std::string fall = r.Str("fall");
                if (fall == "any")
                  h.fall = FallOrder::kAny;
                else if (fall == "first")
                  h.fall = FallOrder::kFirst;
                else if (fall == "later")
                  h.fall = FallOrder::kLater;
                else
                  r.Fail("fall must be any, first or later");
                h.for_starting_dose_mg = r.OptQty("for_starting_dose", QuantityKind::kDose);
                h.at_dose_mg = r.OptQty("at_dose", QuantityKind::kDose);
                if (auto d = r.OptQty("phase_before", QuantityKind::kDuration))
                  h.phase_before_days = static_cast<int>(*d);
                if (auto d = r.OptQty("phase_from", QuantityKind::kDuration)) h.phase_from_days = static_cast<int>(*d);
                h.baseline_at_least = r.OptQty("baseline_at_least", kCount);
                h.baseline_below = r.OptQty("baseline_below", kCount);
                if (const toml::array* arr = r.Array("triggers")) {
                  for (const auto& item : *arr) {
                    if (!item.is_table()) return r.Fail("triggers must be a list of tables");
                    EntryReader t(*item.as_table(), r.file(), "hold_rule '" + r.id() + "' trigger", k.vocab(),
                                  {"below", "at_most_fraction_of_baseline", "for_at_least", "with_fever_at_least",
                                   "with_platelet_transfusion"});
                    HoldTrigger trig;
                    trig.below = t.OptQty("below", kCount);
                    if (auto p = t.OptQty("at_most_fraction_of_baseline", QuantityKind::kFraction)) {
                      trig.at_most_fraction_of_baseline = *p / 100.0;
                      if (!h.baseline_below && !h.baseline_at_least)
                        t.Fail("a fraction of baseline needs a baseline condition");
                    }
                    if (auto d = t.OptQty("for_at_least", QuantityKind::kDuration))
                      trig.for_at_least_days = static_cast<int>(*d);
                    trig.with_fever_at_least = t.OptQty("with_fever_at_least", QuantityKind::kTemperature);
                    trig.with_platelet_transfusion = t.Bool("with_platelet_transfusion", false);
                    if (!trig.below && !trig.at_most_fraction_of_baseline)
                      t.Fail("a trigger needs 'below' or a fraction of baseline");
                    if (!t.ok()) return r.Fail(t.error().message);
                    h.triggers.push_back(trig);
                  }
                }
                if (h.triggers.empty()) r.Fail("a hold rule needs at least one trigger");
                h.resume_at_least = r.Qty("resume_at_least", kCount);
                h.disputed_resume_from = r.OptQty("disputed_resume_from", kCount);
                if (auto v = ReadResumeAt(r, "resume_at", true)) h.resume_at = *v;
                h.resume_at_if_other_toxicity = ReadResumeAt(r, "resume_at_if_other_toxicity", false);
                if (h.resume_at == ResumeAt::kFixed) h.resume_dose_mg = r.Qty("resume_dose", QuantityKind::kDose);
                h.cbc_weekly = r.Bool("cbc_weekly", false);
                h.cite = r.Cite();
                if (h.disputed_resume_from && *h.disputed_resume_from >= h.resume_at_least) {
                  r.Fail("disputed_resume_from must be below resume_at_least");
                }
                k.hold_rules.push_back(h);
              }));
  return f->Each("uncovered", {LENACARE_CITE_KEYS, "indications", "test", "below", "reason"}, false,
                 [&](EntryReader& r) {
                   UncoveredRule u;
                   u.indications = r.StrList("indications");
                   u.test = ReadTest(r, "test");
                   u.below = r.Qty("below", LabTestKind(u.test));
                   u.reason = r.Str("reason");
                   u.cite = r.Cite();
                   k.uncovered.push_back(u);
                 });
}

Status LoadToxicity(const std::string& root, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, pack + "/toxicity.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "other_toxicity", "discontinue", "lab_terms"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->One("other_toxicity", {LENACARE_CITE_KEYS, "hold_at_grade", "resume_at_grade", "resume_at"},
                      [&](EntryReader& r) {
                        k.other_toxicity.hold_at_grade = r.Int("hold_at_grade");
                        k.other_toxicity.resume_at_grade = r.Int("resume_at_grade");
                        if (auto v = ReadResumeAt(r, "resume_at", true)) k.other_toxicity.resume_at = *v;
                        if (k.other_toxicity.resume_at_grade >= k.other_toxicity.hold_at_grade) {
                          r.Fail("resume_at_grade must be below hold_at_grade");
                        }
                        k.other_toxicity.cite = r.Cite();
                      }));
  LENACARE_TRY(f->Each("discontinue", {LENACARE_CITE_KEYS, "terms", "grade_at_least"}, true, [&](EntryReader& r) {
    DiscontinueRule d;
    d.terms = r.StrList("terms");
    d.grade_at_least = r.Int("grade_at_least");
    if (d.grade_at_least < 1 || d.grade_at_least > 5) r.Fail("grade_at_least must be 1 to 5");
    d.cite = r.Cite();
    k.discontinue.push_back(d);
  }));
  return f->One("lab_terms", {LENACARE_CITE_KEYS, "terms"}, [&](EntryReader& r) {
    k.lab_terms = r.StrList("terms");
    k.lab_terms_cite = r.Cite();
  });
}

Status LoadMonitoring(const std::string& root, const std::string& pack, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, pack + "/monitoring.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "cbc_schedule", "cbc_while_held", "lab_schedule"}));
  LENACARE_TRY(
      f->Each("lab_schedule", {LENACARE_CITE_KEYS, "test", "before_start", "during"}, false, [&](EntryReader& r) {
        LabSchedule l;
        l.test = r.Str("test");
        if (l.test != "creatinine" && l.test != "liver" && l.test != "thyroid")
          r.Fail("test must be creatinine, liver or thyroid");
        l.before_start = r.Bool("before_start");
        l.during = r.Str("during");
        l.cite = r.Cite();
        k.lab_schedules.push_back(l);
      }));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->Each("cbc_schedule", {LENACARE_CITE_KEYS, "indications", "phases"}, true, [&](EntryReader& r) {
    CbcSchedule s;
    s.indications = r.StrList("indications");
    if (const toml::array* arr = r.Array("phases")) {
      for (const auto& item : *arr) {
        if (!item.is_table()) return r.Fail("phases must be a list of { cycles, days } tables");
        EntryReader p(*item.as_table(), r.file(), "cbc_schedule '" + r.id() + "' phase", k.vocab(), {"cycles", "days"});
        CbcPhase phase{p.Cycles("cycles"), p.Days("days")};
        if (!p.ok()) return r.Fail(p.error().message);
        s.phases.push_back(phase);
      }
    }
    s.cite = r.Cite();
    k.cbc_schedules.push_back(s);
  }));
  return f->One("cbc_while_held", {LENACARE_CITE_KEYS, "interval"}, [&](EntryReader& r) {
    k.cbc_while_held_days = static_cast<int>(r.Qty("interval", QuantityKind::kDuration));
    k.cbc_while_held_cite = r.Cite();
  });
}

// Checks that need the whole pack: references, coverage, ladder order.
Status CrossCheck(const Knowledge& k, const std::string& pack) {
  const std::string p = pack + "/";
  auto known = [&](const std::string& id) { return k.FindIndication(id) != nullptr; };
  auto unknown_ref = [&](const std::string& file, const std::string& what, const Citation& c, const std::string& id) {
    return Error::BadInput(p + file + ": " + what + " '" + c.id + "'",
                           "unknown indication '" + id + "' (known: " + k.IndicationIds() + ")");
  };
  for (const Indication& i : k.indications) {
    const std::string where = p + "indications.toml: indication '" + i.id + "'";
    if (std::none_of(k.renal_tables.begin(), k.renal_tables.end(),
                     [&](const RenalTable& t) { return t.id == i.renal_table; })) {
      return Error::BadInput(where, "renal table '" + i.renal_table + "' is not in renal.toml");
    }
    if (k.FindLadder(i.id, i.start.dose_mg) == nullptr) {
      return Error::BadInput(where, "no dose-level ladder for its starting dose in dose-levels.toml");
    }
    if (k.FindCbcSchedule(i.id) == nullptr) return Error::BadInput(where, "no CBC schedule in monitoring.toml");
    const bool has_start = std::any_of(k.start_criteria.begin(), k.start_criteria.end(),
                                       [&](const StartCriterion& s) { return s.indication == i.id; }) ||
                           std::any_of(k.start_notes.begin(), k.start_notes.end(),
                                       [&](const StartNote& s) { return s.indication == i.id; });
    if (!has_start) return Error::BadInput(where, "no start criterion or start note");
  }
  for (const RenalTable& t : k.renal_tables) {
    for (const RenalBand& b : k.renal_bands) {
      if (k.FindRenalRow(t.id, b.id) == nullptr) {
        return Error::BadInput(p + "renal.toml: table '" + t.id + "'", "no row for band '" + b.id + "'");
      }
    }
  }
  for (const RenalRow& r : k.renal_rows) {
    if (std::none_of(k.renal_tables.begin(), k.renal_tables.end(),
                     [&](const RenalTable& t) { return t.id == r.table; })) {
      return Error::BadInput(p + "renal.toml: row '" + r.cite.id + "'", "unknown table '" + r.table + "'");
    }
    if (std::none_of(k.renal_bands.begin(), k.renal_bands.end(), [&](const RenalBand& b) { return b.id == r.band; })) {
      return Error::BadInput(p + "renal.toml: row '" + r.cite.id + "'", "unknown band '" + r.band + "'");
    }
  }
  for (const CompanionDose& c : k.companions) {
    if (!known(c.indication)) return unknown_ref("indications.toml", "companion", c.cite, c.indication);
  }
  for (const StartCriterion& s : k.start_criteria) {
    if (!known(s.indication)) return unknown_ref("indications.toml", "start_criterion", s.cite, s.indication);
  }
  for (const StartNote& s : k.start_notes) {
    if (!known(s.indication)) return unknown_ref("indications.toml", "start_note", s.cite, s.indication);
  }
  for (const Escalation& e : k.escalations) {
    for (const auto& id : e.indications) {
      if (!known(id)) return unknown_ref("indications.toml", "escalation", e.cite, id);
    }
  }
  for (const Ladder& l : k.ladders) {
    const std::string where = p + "dose-levels.toml: ladder '" + l.cite.id + "'";
    for (const auto& id : l.indications) {
      if (!known(id)) return unknown_ref("dose-levels.toml", "ladder", l.cite, id);
      const Indication* ind = k.FindIndication(id);
      double previous = 0;
      for (size_t n = 0; n < l.levels.size(); ++n) {
        Regimen level{l.levels[n].dose_mg, Frequency::kDaily, l.levels[n].days.value_or(ind->start.days)};
        const double intensity = level.MgPerCycle();
        if (l.levels[n].dose_mg <= 0) return Error::BadInput(where, "dose levels must be positive");
        if (n > 0 && intensity >= previous) {
          return Error::BadInput(where, "levels are not strictly descending (" + level.Describe() +
                                            " does not lower the dose after the level before it)");
        }
        previous = intensity;
      }
    }
    const Floor* floor = nullptr;
    for (const auto& id : l.indications) {
      floor = k.FindFloor(id, l.for_starting_dose_mg.value_or(k.FindIndication(id)->start.dose_mg));
      if (floor == nullptr) return Error::BadInput(where, "no floor for indication '" + id + "'");
      const DoseLevel& last = l.levels.back();
      if (floor->dose_mg != last.dose_mg || floor->days.has_value() != last.days.has_value() ||
          (floor->days && !(*floor->days == *last.days))) {
        return Error::BadInput(where, "the floor '" + floor->cite.id + "' is not the last level of the ladder");
      }
    }
  }
  for (const Floor& f : k.floors) {
    for (const auto& id : f.indications) {
      if (!known(id)) return unknown_ref("dose-levels.toml", "floor", f.cite, id);
    }
  }
  for (const HoldRule& h : k.hold_rules) {
    for (const auto& id : h.indications) {
      if (!known(id)) return unknown_ref("hematologic.toml", "hold_rule", h.cite, id);
    }
    if (h.test != LabTest::kAnc && h.test != LabTest::kPlatelets) {
      return Error::BadInput(p + "hematologic.toml: hold_rule '" + h.cite.id + "'",
                             "only anc and platelets have hold rules");
    }
  }
  for (const UncoveredRule& u : k.uncovered) {
    for (const auto& id : u.indications) {
      if (!known(id)) return unknown_ref("hematologic.toml", "uncovered", u.cite, id);
    }
  }
  for (const SafetyFlag& f : k.safety.flags) {
    for (const auto& id : f.indications) {
      if (!known(id)) return unknown_ref("safety.toml", "flag", f.cite, id);
    }
  }
  for (const CbcSchedule& s : k.cbc_schedules) {
    for (const auto& id : s.indications) {
      if (!known(id)) return unknown_ref("monitoring.toml", "cbc_schedule", s.cite, id);
    }
  }
  return Status::Ok();
}

}  // namespace

Status LoadCodes(const std::string& root, Knowledge& k) {
  auto f = KnowledgeFile::Open(root, "common/codes.toml", k.vocab());
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "loinc", "lenalidomide", "condition"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->Each("loinc", {LENACARE_CITE_KEYS, "test"}, true, [&](EntryReader& r) {
    CodeMap::Loinc l;
    l.code = r.id();
    l.test = r.Str("test");
    LabTest t;
    const bool marker = IsResponseMarkerField(l.test);
    if (l.test != "pregnancy-test" && l.test != kBodyWeightTest && !marker && !ParseLabTest(l.test, t)) {
      return r.Fail("unknown test '" + l.test + "'");
    }
    l.cite = r.Cite();
    k.codes.loinc.push_back(l);
  }));
  LENACARE_TRY(f->One("lenalidomide", {LENACARE_CITE_KEYS, "rxnorm"}, [&](EntryReader& r) {
    k.codes.lenalidomide_rxnorm = r.StrList("rxnorm");
    k.codes.lenalidomide_cite = r.Cite();
  }));
  return f->Each("condition", {LENACARE_CITE_KEYS, "system", "code", "indication"}, true, [&](EntryReader& r) {
    CodeMap::Condition c;
    c.system = r.Str("system");
    c.code = r.Str("code");
    c.indication = r.Str("indication");
    if (r.ok() && k.FindIndication(c.indication) == nullptr) return r.Fail("unknown indication '" + c.indication + "'");
    c.cite = r.Cite();
    k.codes.conditions.push_back(c);
  });
}

namespace {

std::string Fingerprint(const std::string& root, const std::string& pack, const SitePack& site) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  Fnv1a64 h;
  auto mix = [&h](std::string_view bytes) {
    h.Mix(bytes);
    h.Mix("\xff");  // a separator, so that moving bytes between two parts changes the digest
  };
  mix(pack);
  for (const fs::path& f : files) {
    mix(fs::relative(f, root, ec).generic_string());
    std::ifstream in(f, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    mix(content);
  }
  if (!site.signoffs.empty()) mix(SitePackText(site));  // the stored answers then hold for these sign-offs
  return pack + ":" + h.Hex();
}

}  // namespace

Result<Knowledge> LoadKnowledge(const std::string& root, const std::string& pack, const std::string& site_dir) {
  if (!fs::is_directory(root)) return Error::BadInput(root, "knowledge directory not found");
  Knowledge k;
  k.root = root;
  auto site = LoadSitePack(site_dir);
  if (!site.ok()) return site.error();
  k.site = std::move(site).value();
  auto sources = SourceRegister::Load(root);
  if (!sources.ok()) return sources.error();
  k.sources = std::move(sources).value();
  LENACARE_TRY(LoadCommon(root, k));
  LENACARE_TRY(LoadPackInfo(root, pack, k));
  LENACARE_TRY(LoadProduct(root, pack, k));
  LENACARE_TRY(LoadIndications(root, pack, k));
  LENACARE_TRY(LoadRenal(root, pack, k));
  LENACARE_TRY(LoadDoseLevels(root, pack, k));
  LENACARE_TRY(LoadHematologic(root, pack, k));
  LENACARE_TRY(LoadToxicity(root, pack, k));
  LENACARE_TRY(LoadMonitoring(root, pack, k));
  LENACARE_TRY(LoadSafety(root, pack, k.vocab(), k.safety));
  LENACARE_TRY(LoadCtcae(root, k.vocab(), k.ctcae));
  LENACARE_TRY(LoadCodes(root, k));
  // The myeloma response criteria, every version, once (IMWG-2016 is the one the records use).
  auto criteria = LoadAllResponseCriteria(root, k.vocab());
  if (!criteria.ok()) return criteria.error();
  k.response_criteria = std::move(criteria).value();
  if (k.FindResponseCriteria("IMWG-2016") == nullptr) {
    return Error::BadInput("common/imwg-2016.toml", "the IMWG-2016 response criteria are missing");
  }
  LENACARE_TRY(CrossCheck(k, pack));
  k.fingerprint = Fingerprint(root, pack, k.site);
  return k;
}

}  // namespace lenacare
