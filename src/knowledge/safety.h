// The safety knowledge, typed: pregnancy prevention (REMS), clot-prevention models, interactions,
// contraindications and warnings. Loaded and validated with the rest of the knowledge
// (load_safety.cpp); every entry carries its Citation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "knowledge/citation.h"

namespace lenacare {

// --- Pregnancy prevention (knowledge/us/rems.toml) ----------------------------------------------

struct RemsCategory {
  std::string id, sex, age_group;           // "female"/"male", "adult"/"child"
  std::optional<bool> can_become_pregnant;  // females only
  Citation cite;
};

struct ReproductivePotentialRule {
  bool hysterectomy_excludes = true;
  int natural_postmenopause_months_at_least = 0;
  Citation cite;
};

struct PretreatmentTest {
  int order = 0;
  int window_from_days = 0;  // the earliest day before the first prescription
  int window_to_days = 0;    // the latest day before it (0 = the same day)
  Citation cite;
};

struct TestScheduleRule {
  std::optional<int> phase_before_days, phase_from_days;
  std::string menses;  // "", "regular", "irregular"
  int interval_days = 0;
  Citation cite;
};

enum class ContraceptiveClass { kHighlyEffective, kAdditional, kAbstinence };

struct ContraceptiveMethod {
  std::string id;
  ContraceptiveClass method_class = ContraceptiveClass::kAdditional;
  Citation cite;
};

struct Obligation {
  std::string id, applies_to, text, requires_record;
  int starts_before_days = 0;
  bool through_interruptions = true;
  int ends_after_days = 0;
  Citation cite;
};

struct AuthorizationValidity {
  std::string applies_to, counted_from;
  int valid_days = 0;
  Citation cite;
};

struct CounselingItem {
  std::string id, by, text;
  std::string evidence;  // "counseling", "authorization", "each-dispense", "standing"
  Citation cite;
};

struct RemsKnowledge {
  std::vector<RemsCategory> categories;
  // The age from which a patient is enrolled in an adult category (a child below it); 0 = not in
  // the knowledge, and a category is then not checked against the age (the checklist says so).
  int adult_from_years = 0;
  Citation adult_age_cite;
  ReproductivePotentialRule reproductive_potential;
  std::vector<PretreatmentTest> pretreatment_tests;
  double detection_threshold_at_most = 0;  // m[IU]/mL
  Citation sensitivity_cite;
  std::vector<TestScheduleRule> test_schedule;
  Citation testing_during_interruption, missed_period, confirmation, telephone_prescription;
  std::vector<std::string> positive_test_actions;
  Citation positive_test;
  std::vector<ContraceptiveMethod> contraceptive_methods;
  std::vector<Obligation> obligations;
  int max_supply_days = 0;
  int refills = 0;
  std::vector<std::string> must_carry;
  Citation prescription;
  std::vector<AuthorizationValidity> authorization_validity;
  int confirmation_valid_hours = 0;
  Citation confirmation_validity;
  int next_fill_days_left_at_most = 0;
  Citation next_fill;
  std::vector<CounselingItem> counseling;

  const RemsCategory* FindCategory(std::string_view id) const;
  const ContraceptiveMethod* FindMethod(std::string_view id) const;
};

// --- Clot prevention (knowledge/common/vte.toml, knowledge/us/safety.toml) ---------------------

// The patient facts a VTE model item is read from: yes/no findings, two numbers (body-mass index
// in kg/m2, dexamethasone in mg per month) and the prophylaxis already given.
enum class VteFactKind { kYesNo, kNumber, kChoice };
bool FindVteFact(std::string_view id, VteFactKind& kind);
const std::vector<std::string_view>& VteYesNoFacts();
const std::vector<std::string_view>& VteProphylaxisChoices();

// "bmi at least 30 kg/m2", "prior_vte", "prophylaxis is aspirin or prophylactic-lmwh".
struct VteCriterion {
  std::string fact;                 // the fact, or the first of `any_of`
  std::vector<std::string> any_of;  // yes/no facts, any one of which meets the criterion
  std::optional<double> at_least, above, at_most;
  std::vector<std::string> equals;
};

struct ImwgFactor {
  std::string id, group, text;  // group: "individual", "myeloma", "therapy"
  VteCriterion when;
  Citation cite;
};

struct ImwgRecommendation {
  bool any_therapy_factor = false;
  int individual_or_myeloma_at_least = 0;
  std::string prophylaxis;
  // Recommendations of one kind give the same prophylaxis ("anticoagulant", "aspirin"): an answer
  // is decided when every value of the unknown findings leads to the same kind.
  std::string kind;
  Citation cite;
};

struct ImpedeItem {
  std::string id, text;
  int points = 0;
  VteCriterion when;
  Citation cite;
};

struct ImpedeBand {
  std::string band, six_month_incidence;
  std::optional<int> score_at_least, score_at_most;
  Citation cite;
};

struct VteKnowledge {
  std::string imwg_citation, impede_citation;
  Citation imwg, impede;
  std::vector<ImwgFactor> imwg_factors;
  std::vector<ImwgRecommendation> imwg_recommendations;  // first match applies
  std::vector<ImpedeItem> impede_items;
  std::vector<ImpedeBand> impede_bands;
  int impede_anticoagulant_at_least = 0;
  std::string impede_prophylaxis;
  Citation impede_prophylaxis_cite;
};

// --- Interactions (knowledge/us/interactions.toml) ---------------------------------------------

struct Interaction {
  std::string id, severity, effect, action;  // severity: avoid | caution | monitor
  std::vector<std::string> drugs, brands, rxnorm;
  Citation cite;
};

struct NoInteraction {
  std::string id, answer;
  // "none-expected": the sources say no interaction is expected; "none-described": a drug the
  // knowledge knows, with which the label describes no interaction.
  std::string severity = "none-expected";
  std::vector<std::string> drugs, brands, classes, rxnorm;
  Citation cite;
};

// --- Contraindications and warnings (knowledge/us/safety.toml) ---------------------------------

struct SafetyFlag {
  std::string id, finding, text, action;  // finding: the patient fact that raises it
  std::vector<std::string> indications;   // empty = every indication
  bool contraindication = false;
  Citation cite;
};

struct SafetyKnowledge {
  RemsKnowledge rems;
  VteKnowledge vte;
  std::vector<Interaction> interactions;
  std::vector<NoInteraction> no_interactions;
  std::vector<SafetyFlag> flags;
  std::string thromboprophylaxis;  // the label's own recommendation
  Citation thromboprophylaxis_cite;
};

}  // namespace lenacare
