// Loads the safety knowledge: us/rems.toml, common/vte.toml, us/interactions.toml, us/safety.toml.
#include "knowledge/load_safety.h"

#include <algorithm>
#include <set>

#include "core/text.h"
#include "knowledge/knowledge_file.h"

namespace lenacare {
namespace {

int Days(EntryReader& r, std::string_view key) { return static_cast<int>(r.Qty(key, QuantityKind::kDuration) + 1e-9); }

// Durations given in hours are kept in whole days, rounded up (24 h = 1 day).
int DaysRoundedUp(EntryReader& r, std::string_view key) {
  const double d = r.Qty(key, QuantityKind::kDuration);
  return static_cast<int>(d + 1.0 - 1e-9);
}

void RequireOneOf(EntryReader& r, const std::string& field, const std::string& value,
                  std::initializer_list<std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  r.Fail(field + " must be one of " + list + " (got " + Quoted(value) + ")");
}

Status LoadRems(const std::string& root, const std::string& pack, const Vocabulary& vocab, RemsKnowledge& rems) {
  auto f = KnowledgeFile::Open(root, pack + "/rems.toml", vocab);
  if (!f.ok()) return f.error();
  LENACARE_TRY(
      f->CheckKeys({"file", "category", "reproductive_potential", "pretreatment_test", "test_sensitivity",
                    "test_schedule", "testing_during_interruption", "missed_period", "positive_test", "obligation",
                    "prescription", "telephone_prescription", "authorization_validity", "confirmation",
                    "confirmation_validity", "next_fill", "counseling", "contraceptive_method", "adult_age"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(
      f->Each("category", {LENACARE_CITE_KEYS, "sex", "age_group", "can_become_pregnant"}, true, [&](EntryReader& r) {
        RemsCategory c;
        c.id = r.id();
        c.sex = r.Str("sex");
        RequireOneOf(r, "sex", c.sex, {"female", "male"});
        c.age_group = r.Str("age_group");
        RequireOneOf(r, "age_group", c.age_group, {"adult", "child"});
        if (c.sex == "female") c.can_become_pregnant = r.Bool("can_become_pregnant");
        c.cite = r.Cite();
        rems.categories.push_back(c);
      }));
  LENACARE_TRY(f->One(
      "reproductive_potential",
      {LENACARE_CITE_KEYS, "hysterectomy_excludes", "natural_postmenopause_months_at_least", "infertility_excludes"},
      [&](EntryReader& r) {
        auto& p = rems.reproductive_potential;
        p.hysterectomy_excludes = r.Bool("hysterectomy_excludes");
        p.natural_postmenopause_months_at_least = r.Int("natural_postmenopause_months_at_least");
        if (r.Bool("infertility_excludes")) r.Fail("infertility never exempts (USPI-earlier §5.1)");
        p.cite = r.Cite();
      }));
  LENACARE_TRY(f->One("adult_age", {LENACARE_CITE_KEYS, "adult_from_years"}, [&](EntryReader& r) {
    rems.adult_from_years = r.Int("adult_from_years");
    if (rems.adult_from_years <= 0) r.Fail("adult_from_years must be a positive number of years");
    rems.adult_age_cite = r.Cite();
  }));
  LENACARE_TRY(f->Each("pretreatment_test", {LENACARE_CITE_KEYS, "order", "window_from", "window_to", "relative_to"},
                       true, [&](EntryReader& r) {
                         PretreatmentTest t;
                         t.order = r.Int("order");
                         t.window_from_days = DaysRoundedUp(r, "window_from");
                         t.window_to_days = Days(r, "window_to");
                         if (r.Str("relative_to") != "first prescription")
                           r.Fail("relative_to must be 'first prescription'");
                         if (t.window_to_days > t.window_from_days) r.Fail("window_to must not be before window_from");
                         t.cite = r.Cite();
                         rems.pretreatment_tests.push_back(t);
                       }));
  std::sort(rems.pretreatment_tests.begin(), rems.pretreatment_tests.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  LENACARE_TRY(f->One("test_sensitivity", {LENACARE_CITE_KEYS, "detection_threshold_at_most"}, [&](EntryReader& r) {
    rems.detection_threshold_at_most = r.Qty("detection_threshold_at_most", QuantityKind::kHcg);
    rems.sensitivity_cite = r.Cite();
  }));
  LENACARE_TRY(f->Each("test_schedule", {LENACARE_CITE_KEYS, "phase_before", "phase_from", "menses", "interval"}, true,
                       [&](EntryReader& r) {
                         TestScheduleRule t;
                         if (r.OptStr("phase_before")) t.phase_before_days = Days(r, "phase_before");
                         if (r.OptStr("phase_from")) t.phase_from_days = Days(r, "phase_from");
                         t.menses = r.OptStr("menses").value_or("");
                         if (!t.menses.empty()) RequireOneOf(r, "menses", t.menses, {"regular", "irregular"});
                         t.interval_days = Days(r, "interval");
                         if (t.interval_days <= 0) r.Fail("interval must be positive");
                         t.cite = r.Cite();
                         rems.test_schedule.push_back(t);
                       }));
  auto cite_only = [&](std::string_view key, Citation& out) {
    return f->One(key, {LENACARE_CITE_KEYS}, [&](EntryReader& r) { out = r.Cite(); });
  };
  LENACARE_TRY(cite_only("testing_during_interruption", rems.testing_during_interruption));
  LENACARE_TRY(cite_only("missed_period", rems.missed_period));
  LENACARE_TRY(cite_only("confirmation", rems.confirmation));
  LENACARE_TRY(cite_only("telephone_prescription", rems.telephone_prescription));
  LENACARE_TRY(f->One("positive_test", {LENACARE_CITE_KEYS, "actions"}, [&](EntryReader& r) {
    rems.positive_test_actions = r.StrList("actions");
    rems.positive_test = r.Cite();
  }));
  LENACARE_TRY(f->Each("contraceptive_method", {LENACARE_CITE_KEYS, "class"}, true, [&](EntryReader& r) {
    ContraceptiveMethod m;
    m.id = r.id();
    const std::string c = r.Str("class");
    RequireOneOf(r, "class", c, {"highly-effective", "additional", "abstinence"});
    m.method_class = c == "highly-effective" ? ContraceptiveClass::kHighlyEffective
                     : c == "abstinence"     ? ContraceptiveClass::kAbstinence
                                             : ContraceptiveClass::kAdditional;
    m.cite = r.Cite();
    rems.contraceptive_methods.push_back(m);
  }));
  LENACARE_TRY(f->Each("obligation",
                       {LENACARE_CITE_KEYS, "applies_to", "text", "starts_before_therapy", "through_interruptions",
                        "ends_after_therapy", "requires_record"},
                       true, [&](EntryReader& r) {
                         Obligation o;
                         o.id = r.id();
                         o.applies_to = r.Str("applies_to");
                         RequireOneOf(r, "applies_to", o.applies_to, {"can-become-pregnant", "male", "female", "all"});
                         o.text = r.Str("text");
                         o.starts_before_days = Days(r, "starts_before_therapy");
                         o.through_interruptions = r.Bool("through_interruptions");
                         o.ends_after_days = Days(r, "ends_after_therapy");
                         o.requires_record = r.OptStr("requires_record").value_or("");
                         o.cite = r.Cite();
                         rems.obligations.push_back(o);
                       }));
  LENACARE_TRY(f->One("prescription", {LENACARE_CITE_KEYS, "max_supply", "refills", "must_carry"}, [&](EntryReader& r) {
    rems.max_supply_days = Days(r, "max_supply");
    rems.refills = r.Int("refills");
    rems.must_carry = r.StrList("must_carry");
    rems.prescription = r.Cite();
  }));
  LENACARE_TRY(
      f->Each("authorization_validity", {LENACARE_CITE_KEYS, "applies_to", "valid_for", "counted_from"}, true,
              [&](EntryReader& r) {
                AuthorizationValidity a;
                a.applies_to = r.Str("applies_to");
                RequireOneOf(r, "applies_to", a.applies_to, {"can-become-pregnant", "cannot-become-pregnant-or-male"});
                a.valid_days = Days(r, "valid_for");
                a.counted_from = r.Str("counted_from");
                RequireOneOf(r, "counted_from", a.counted_from, {"last pregnancy test", "issue"});
                a.cite = r.Cite();
                rems.authorization_validity.push_back(a);
              }));
  LENACARE_TRY(f->One("confirmation_validity", {LENACARE_CITE_KEYS, "valid_for"}, [&](EntryReader& r) {
    rems.confirmation_valid_hours = static_cast<int>(r.Qty("valid_for", QuantityKind::kDuration) * 24 + 0.5);
    rems.confirmation_validity = r.Cite();
  }));
  LENACARE_TRY(f->One("next_fill", {LENACARE_CITE_KEYS, "when_days_left_at_most"}, [&](EntryReader& r) {
    rems.next_fill_days_left_at_most = Days(r, "when_days_left_at_most");
    rems.next_fill = r.Cite();
  }));
  LENACARE_TRY(f->Each("counseling", {LENACARE_CITE_KEYS, "by", "text", "evidence"}, true, [&](EntryReader& r) {
    CounselingItem c;
    c.id = r.id();
    c.by = r.Str("by");
    RequireOneOf(r, "by", c.by, {"prescriber", "pharmacist"});
    c.evidence = r.Str("evidence");
    RequireOneOf(r, "evidence", c.evidence, {"counseling", "authorization", "each-dispense", "standing"});
    c.text = r.Str("text");
    c.cite = r.Cite();
    rems.counseling.push_back(c);
  }));
  // Every category the REMS names must be there, and the two authorization rules.
  for (const char* id :
       {"adult-female-can-become-pregnant", "adult-female-cannot-become-pregnant", "female-child-can-become-pregnant",
        "female-child-cannot-become-pregnant", "adult-male", "male-child"}) {
    if (rems.FindCategory(id) == nullptr) return Error::BadInput(f->rel(), "missing category " + Quoted(id));
  }
  if (rems.pretreatment_tests.size() != 2)
    return Error::BadInput(f->rel(), "the label asks for two pretreatment tests");
  return Status::Ok();
}

constexpr std::string_view kYesNoFacts[] = {"imid",
                                            "prior_vte",
                                            "central_venous_catheter_or_pacemaker",
                                            "tunnelled_line_or_central_venous_catheter",
                                            "pelvic_hip_femur_fracture",
                                            "esa",
                                            "doxorubicin",
                                            "multi_agent_chemotherapy",
                                            "asian_or_pacific_islander",
                                            "surgery",
                                            "cardiac_disease",
                                            "chronic_renal_disease",
                                            "diabetes",
                                            "acute_infection",
                                            "immobilisation",
                                            "thrombophilia",
                                            "active_myeloma",
                                            "hyperviscosity"};

VteCriterion ReadCriterion(EntryReader& r) {
  VteCriterion c;
  if (r.Array("any_of", false) != nullptr) {
    c.any_of = r.StrList("any_of");
    for (const auto& f : c.any_of) {
      VteFactKind kind;
      if (!FindVteFact(f, kind) || kind != VteFactKind::kYesNo)
        r.Fail("any_of: " + Quoted(f) + " is not a yes/no fact");
    }
    if (!c.any_of.empty()) c.fact = c.any_of.front();
    return c;
  }
  c.fact = r.Str("fact");
  VteFactKind kind;
  if (!FindVteFact(c.fact, kind)) {
    r.Fail("unknown fact " + Quoted(c.fact));
    return c;
  }
  if (kind == VteFactKind::kNumber) {
    const QuantityKind q = c.fact == "bmi" ? QuantityKind::kBodyMassIndex : QuantityKind::kDose;
    c.at_least = r.OptQty("at_least", q);
    c.above = r.OptQty("above", q);
    c.at_most = r.OptQty("at_most", q);
    if (!c.at_least && !c.above && !c.at_most) r.Fail("a number fact needs at_least, above or at_most");
  } else if (kind == VteFactKind::kChoice) {
    c.equals = r.StrList("equals");
    for (const auto& e : c.equals) {
      const auto& choices = VteProphylaxisChoices();
      if (std::find(choices.begin(), choices.end(), e) == choices.end()) r.Fail("unknown prophylaxis " + Quoted(e));
    }
  } else if (r.OptStr("at_least") || r.OptStr("above") || r.OptStr("at_most")) {
    r.Fail(Quoted(c.fact) + " is a yes/no fact and takes no threshold");
  }
  return c;
}

Status LoadVte(const std::string& root, const Vocabulary& vocab, VteKnowledge& vte) {
  auto f = KnowledgeFile::Open(root, "common/vte.toml", vocab);
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "imwg_2008", "imwg_factor", "imwg_recommendation", "impede", "impede_item",
                             "impede_band", "impede_prophylaxis"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->One("imwg_2008", {LENACARE_CITE_KEYS, "citation"}, [&](EntryReader& r) {
    vte.imwg_citation = r.Str("citation");
    vte.imwg = r.Cite();
  }));
  LENACARE_TRY(f->Each(
      "imwg_factor", {LENACARE_CITE_KEYS, "group", "text", "fact", "any_of", "at_least", "above", "at_most", "equals"},
      true, [&](EntryReader& r) {
        ImwgFactor x;
        x.id = r.id();
        x.when = ReadCriterion(r);
        x.group = r.Str("group");
        RequireOneOf(r, "group", x.group, {"individual", "myeloma", "therapy"});
        x.text = r.Str("text");
        x.cite = r.Cite();
        vte.imwg_factors.push_back(x);
      }));
  LENACARE_TRY(
      f->Each("imwg_recommendation",
              {LENACARE_CITE_KEYS, "any_therapy_factor", "individual_or_myeloma_at_least", "prophylaxis", "kind"}, true,
              [&](EntryReader& r) {
                ImwgRecommendation x;
                x.any_therapy_factor = r.Bool("any_therapy_factor", false);
                x.individual_or_myeloma_at_least = r.Int("individual_or_myeloma_at_least", 0);
                x.prophylaxis = r.Str("prophylaxis");
                x.kind = r.Str("kind");
                x.cite = r.Cite();
                vte.imwg_recommendations.push_back(x);
              }));
  if (vte.imwg_recommendations.empty() || vte.imwg_recommendations.back().any_therapy_factor ||
      vte.imwg_recommendations.back().individual_or_myeloma_at_least != 0) {
    return Error::BadInput(f->rel(), "the last imwg_recommendation must apply to everyone (at least 0 factors)");
  }
  LENACARE_TRY(f->One("impede", {LENACARE_CITE_KEYS, "citation"}, [&](EntryReader& r) {
    vte.impede_citation = r.Str("citation");
    vte.impede = r.Cite();
  }));
  LENACARE_TRY(f->Each("impede_item",
                       {LENACARE_CITE_KEYS, "text", "points", "fact", "at_least", "above", "at_most", "equals"}, true,
                       [&](EntryReader& r) {
                         ImpedeItem x;
                         x.id = r.id();
                         x.text = r.Str("text");
                         x.points = r.Int("points");
                         x.when = ReadCriterion(r);
                         x.cite = r.Cite();
                         vte.impede_items.push_back(x);
                       }));
  LENACARE_TRY(f->Each("impede_band",
                       {LENACARE_CITE_KEYS, "band", "score_at_least", "score_at_most", "six_month_incidence"}, true,
                       [&](EntryReader& r) {
                         ImpedeBand b;
                         b.band = r.Str("band");
                         b.score_at_least = r.OptInt("score_at_least");
                         b.score_at_most = r.OptInt("score_at_most");
                         b.six_month_incidence = r.Str("six_month_incidence");
                         if (!b.score_at_least && !b.score_at_most)
                           r.Fail("a band needs score_at_least or score_at_most");
                         b.cite = r.Cite();
                         vte.impede_bands.push_back(b);
                       }));
  // Bands must tile the integers with no gap or overlap.
  for (size_t i = 1; i < vte.impede_bands.size(); ++i) {
    const auto& prev = vte.impede_bands[i - 1];
    const auto& cur = vte.impede_bands[i];
    if (!prev.score_at_most || !cur.score_at_least || *cur.score_at_least != *prev.score_at_most + 1) {
      return Error::BadInput(f->rel() + ": impede_band " + Quoted(cur.cite.id),
                             "bands must follow each other without gap or overlap");
    }
  }
  return f->One("impede_prophylaxis", {LENACARE_CITE_KEYS, "score_at_least", "prophylaxis"}, [&](EntryReader& r) {
    vte.impede_anticoagulant_at_least = r.Int("score_at_least");
    vte.impede_prophylaxis = r.Str("prophylaxis");
    vte.impede_prophylaxis_cite = r.Cite();
  });
}

Status LoadInteractions(const std::string& root, const std::string& pack, const Vocabulary& vocab, SafetyKnowledge& s) {
  auto f = KnowledgeFile::Open(root, pack + "/interactions.toml", vocab);
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "interaction", "no_interaction"}));
  LENACARE_TRY(f->ReadHeader());
  auto names = [](EntryReader& r, std::string_view key) {
    std::vector<std::string> out;
    if (const toml::array* arr = r.Array(key)) {
      for (const auto& item : *arr) {
        auto v = item.value<std::string>();
        if (!v || v->empty()) {
          r.Fail(std::string(key) + " must be a list of text");
          return out;
        }
        out.push_back(*v);
      }
    }
    return out;
  };
  LENACARE_TRY(f->Each("interaction", {LENACARE_CITE_KEYS, "drugs", "brands", "rxnorm", "severity", "effect", "action"},
                       true, [&](EntryReader& r) {
                         Interaction x;
                         x.id = r.id();
                         x.drugs = r.StrList("drugs");
                         x.brands = names(r, "brands");
                         x.rxnorm = names(r, "rxnorm");
                         x.severity = r.Str("severity");
                         RequireOneOf(r, "severity", x.severity, {"avoid", "caution", "monitor"});
                         x.effect = r.Str("effect");
                         x.action = r.Str("action");
                         x.cite = r.Cite();
                         s.interactions.push_back(x);
                       }));
  LENACARE_TRY(f->Each("no_interaction",
                       {LENACARE_CITE_KEYS, "drugs", "brands", "classes", "rxnorm", "answer", "severity"}, true,
                       [&](EntryReader& r) {
                         NoInteraction x;
                         x.id = r.id();
                         x.drugs = r.StrList("drugs");
                         x.brands = names(r, "brands");
                         x.classes = names(r, "classes");
                         if (r.Array("rxnorm", false) != nullptr) x.rxnorm = names(r, "rxnorm");
                         x.answer = r.Str("answer");
                         x.severity = r.OptStr("severity").value_or("none-expected");
                         RequireOneOf(r, "severity", x.severity, {"none-expected", "none-described"});
                         x.cite = r.Cite();
                         s.no_interactions.push_back(x);
                       }));
  // A name may stand in one entry only, or a look-up would have two answers.
  std::set<std::string> seen;
  auto claim = [&](const std::string& name, const Citation& c) -> Status {
    if (!seen.insert(name).second) {
      return Error::BadInput(f->rel() + ": " + Quoted(c.id), "the name " + Quoted(name) + " appears in two entries");
    }
    return Status::Ok();
  };
  for (const auto& x : s.interactions) {
    for (const auto* list : {&x.drugs, &x.brands, &x.rxnorm}) {
      for (const auto& n : *list) LENACARE_TRY(claim(n, x.cite));
    }
  }
  for (const auto& x : s.no_interactions) {
    for (const auto* list : {&x.drugs, &x.brands, &x.classes, &x.rxnorm}) {
      for (const auto& n : *list) LENACARE_TRY(claim(n, x.cite));
    }
  }
  return Status::Ok();
}

Status LoadFlags(const std::string& root, const std::string& pack, const Vocabulary& vocab, SafetyKnowledge& s) {
  auto f = KnowledgeFile::Open(root, pack + "/safety.toml", vocab);
  if (!f.ok()) return f.error();
  LENACARE_TRY(f->CheckKeys({"file", "thromboprophylaxis", "flag"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->One("thromboprophylaxis", {LENACARE_CITE_KEYS, "text"}, [&](EntryReader& r) {
    s.thromboprophylaxis = r.Str("text");
    s.thromboprophylaxis_cite = r.Cite();
  }));
  return f->Each("flag", {LENACARE_CITE_KEYS, "finding", "indications", "contraindication", "text", "action"}, true,
                 [&](EntryReader& r) {
                   SafetyFlag x;
                   x.id = r.id();
                   x.finding = r.OptStr("finding").value_or("");
                   RequireOneOf(r, "finding", x.finding,
                                {"", "pregnant", "prior_severe_hypersensitivity", "cll", "high_tumor_burden",
                                 "hepatic_enzymes_elevated", "transplant_candidate"});
                   if (r.Array("indications", false) != nullptr) x.indications = r.StrList("indications");
                   x.contraindication = r.Bool("contraindication", false);
                   x.text = r.Str("text");
                   x.action = r.Str("action");
                   x.cite = r.Cite();
                   if (x.finding.empty() && x.indications.empty()) r.Fail("a flag needs a finding or indications");
                   s.flags.push_back(x);
                 });
}

}  // namespace

bool FindVteFact(std::string_view id, VteFactKind& kind) {
  if (id == "bmi" || id == "dexamethasone_per_month") {
    kind = VteFactKind::kNumber;
    return true;
  }
  if (id == "prophylaxis") {
    kind = VteFactKind::kChoice;
    return true;
  }
  kind = VteFactKind::kYesNo;
  return std::find(std::begin(kYesNoFacts), std::end(kYesNoFacts), id) != std::end(kYesNoFacts);
}

const std::vector<std::string_view>& VteYesNoFacts() {
  static const std::vector<std::string_view> facts(std::begin(kYesNoFacts), std::end(kYesNoFacts));
  return facts;
}

const std::vector<std::string_view>& VteProphylaxisChoices() {
  static const std::vector<std::string_view> choices = {"none", "aspirin", "prophylactic-lmwh", "therapeutic-lmwh",
                                                        "warfarin"};
  return choices;
}

const RemsCategory* RemsKnowledge::FindCategory(std::string_view id) const {
  for (const auto& c : categories) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const ContraceptiveMethod* RemsKnowledge::FindMethod(std::string_view id) const {
  for (const auto& m : contraceptive_methods) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

Status LoadSafety(const std::string& root, const std::string& pack, const Vocabulary& vocab, SafetyKnowledge& out) {
  LENACARE_TRY(LoadRems(root, pack, vocab, out.rems));
  LENACARE_TRY(LoadVte(root, vocab, out.vte));
  LENACARE_TRY(LoadInteractions(root, pack, vocab, out));
  return LoadFlags(root, pack, vocab, out);
}

}  // namespace lenacare
