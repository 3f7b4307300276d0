#include "app/calculators.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "clinical/inputs.h"
#include "clinical/maximum_dose.h"
#include "core/quantity.h"
#include "core/text.h"
#include "course/evaluate.h"

namespace lenacare::app {
namespace {

Error UnknownIndication(const Knowledge& k, const std::string& id) {
  return Error::BadInput("indication", "unknown indication " + Quoted(id) + " (known: " + k.IndicationIds() + ")");
}

bool AnyCockcroftGault(const CrClRequest& r) {
  return r.age || !r.sex.empty() || !r.weight.empty() || !r.creatinine.empty();
}

struct CockcroftGaultResult {
  double ml_min = 0, weight_kg = 0, creatinine_mg_dl = 0;
};

Result<CockcroftGaultResult> FromCockcroftGault(const Knowledge& k, const CrClRequest& r) {
  if (!r.age) return Error::BadInput("age", "missing (needed with the sex, weight and creatinine)");
  if (r.sex.empty()) return Error::BadInput("sex", "missing (male or female)");
  if (r.weight.empty()) return Error::BadInput("weight", "missing (e.g. \"70 kg\")");
  if (r.creatinine.empty()) return Error::BadInput("creatinine", "missing (e.g. \"1.1 mg/dL\")");
  Status s = CheckPlausible(k, "age", *r.age, "age");
  if (!s.ok()) return s.error();
  auto sex = ParseSex(r.sex);
  if (!sex.ok()) return sex.error().Under("sex");
  auto w = ParseMeasurement(k, "weight", QuantityKind::kBodyWeight, r.weight, "weight");
  if (!w.ok()) return w.error();
  auto scr = ParseMeasurement(k, "creatinine", QuantityKind::kCreatinine, r.creatinine, "creatinine");
  if (!scr.ok()) return scr.error();
  auto cg = CockcroftGaultCrCl(k, {*r.age, *sex, *w, *scr});
  if (!cg.ok()) return cg.error();
  return CockcroftGaultResult{cg->ml_min, *w, *scr};
}

// The clearance of a start-dose request: given, or from the four Cockcroft-Gault inputs.
Result<std::optional<double>> ClearanceOf(const Knowledge& k, const StartDoseRequest& r, bool required) {
  const bool any_cg = AnyCockcroftGault(r);
  if (!r.crcl.empty()) {
    if (any_cg)
      return Error::BadInput("crcl",
                             "give either the creatinine clearance or the age, sex, weight and creatinine, not both");
    std::string text = r.crcl;
    if (text.find_first_not_of("0123456789.-+ ") == std::string::npos) text += " mL/min";
    auto v = ParseMeasurement(k, "crcl", QuantityKind::kCreatinineClearance, text, "crcl");
    if (!v.ok()) return v.error();
    return std::optional<double>(*v);
  }
  if (!any_cg) {
    if (required)
      return Error::BadInput("crcl", "missing: give the creatinine clearance, or the age, sex, weight and creatinine");
    return std::optional<double>();
  }
  auto cg = FromCockcroftGault(k, r);
  if (!cg.ok()) return cg.error();
  return std::optional<double>(cg->ml_min);
}

// "08:00" -> minutes of a day; "2026-01-05T08:00" -> minutes since 1970.
Result<long> ParseTime(const std::string& text, const std::string& field, bool& dated) {
  std::string clock = text;
  long base = 0;
  dated = false;
  if (text.size() == 16 && text[10] == 'T') {
    auto d = Date::Parse(text.substr(0, 10));
    if (!d.ok()) return d.error().Under(field);
    base = static_cast<long>(d->days()) * 24 * 60;
    clock = text.substr(11);
    dated = true;
  }
  const bool shape = clock.size() == 5 && clock[2] == ':' && std::isdigit(static_cast<unsigned char>(clock[0])) &&
                     std::isdigit(static_cast<unsigned char>(clock[1])) &&
                     std::isdigit(static_cast<unsigned char>(clock[3])) &&
                     std::isdigit(static_cast<unsigned char>(clock[4]));
  if (!shape) return Error::BadInput(field, Quoted(text) + " is not a time (HH:MM or YYYY-MM-DDTHH:MM)");
  const int h = std::stoi(clock.substr(0, 2)), m = std::stoi(clock.substr(3, 2));
  if (h > 23 || m > 59) return Error::BadInput(field, Quoted(text) + " is not a real time of day");
  return base + h * 60 + m;
}

Result<Date> DateField(const std::string& text, const std::string& field) {
  auto d = Date::Parse(text);
  if (!d.ok()) return d.error().Under(field);
  return d;
}

// "31" -> "31 kg/m2": a plain number takes the field's unit.
std::string WithUnit(const std::string& text, const char* unit) {
  return text.find_first_not_of("0123456789.-+ ") == std::string::npos ? text + " " + unit : text;
}

Result<VteFacts> VteFactsOf(const Knowledge& k, const VteRequest& r) {
  VteFacts f;
  for (const std::string& name : r.present) {
    VteFactKind kind;
    if (!FindVteFact(name, kind) || kind != VteFactKind::kYesNo) {
      std::string known;
      for (auto x : VteYesNoFacts()) known += (known.empty() ? "" : ", ") + std::string(x);
      return Error::BadInput("present", "unknown finding " + Quoted(name) + " (known: " + known + ")");
    }
    f.yes_no[name] = true;
  }
  for (const std::string& name : r.unknown) {
    VteFactKind kind;
    if (!FindVteFact(name, kind)) return Error::BadInput("unknown", "unknown fact " + Quoted(name));
    if (f.yes_no.count(name) > 0) return Error::BadInput("unknown", Quoted(name) + " is also listed as present");
  }
  // The form is complete: every yes/no finding not listed as present or unknown is absent.
  for (auto name : VteYesNoFacts()) {
    const std::string n(name);
    if (f.yes_no.count(n) == 0 && std::find(r.unknown.begin(), r.unknown.end(), n) == r.unknown.end())
      f.yes_no[n] = false;
  }
  if (!r.bmi.empty()) {
    auto v = k.units.Parse(QuantityKind::kBodyMassIndex, WithUnit(r.bmi, "kg/m2"));
    if (!v.ok()) return v.error().Under("bmi");
    f.numbers["bmi"] = *v;
  }
  if (!r.dexamethasone.empty()) {
    auto v = k.units.Parse(QuantityKind::kDose, WithUnit(r.dexamethasone, "mg"));
    if (!v.ok()) return v.error().Under("dexamethasone");
    f.numbers["dexamethasone_per_month"] = *v;
  }
  if (!r.prophylaxis.empty()) f.prophylaxis = r.prophylaxis;
  f.yes_no["imid"] = true;
  Status s = CheckVteFacts(k, f);
  if (!s.ok()) {
    Error e = s.error();
    if (e.field == "dexamethasone_per_month") e.field = "dexamethasone";
    return e;
  }
  return f;
}

}  // namespace

Result<CrClAnswer> CrCl(const Context& ctx, const CrClRequest& r) {
  if (!AnyCockcroftGault(r)) return Error::BadInput("age", "missing: give the age, sex, weight and creatinine");
  auto cg = FromCockcroftGault(ctx.k, r);
  if (!cg.ok()) return cg.error();
  return CrClAnswer{cg->ml_min, *r.age, r.sex, cg->weight_kg, cg->creatinine_mg_dl, ctx.k.cockcroft_gault.cite};
}

Result<StartDoseAnswer> StartDose(const Context& ctx, const StartDoseRequest& r) {
  const Knowledge& k = ctx.k;
  if (k.FindIndication(r.indication) == nullptr) return UnknownIndication(k, r.indication);
  auto crcl = ClearanceOf(k, r, !r.dialysis);
  if (!crcl.ok()) return crcl.error();
  auto dose = StartingDoseFor(k, r.indication, RenalFunction{*crcl, r.dialysis});
  if (!dose.ok()) return dose.error();
  StartDoseAnswer a{std::move(dose).value(), *crcl, std::nullopt};
  auto plan = PlanCapsules(k, a.dose.regimen, a.dose.indication->cycle_days);
  if (plan.ok()) a.capsules = std::move(plan).value();
  return a;
}

Result<CycleCalendarAnswer> CycleCalendar(const Context& ctx, const CycleCalendarRequest& in) {
  const Knowledge& k = ctx.k;
  CalendarRequest r;
  r.indication = k.FindIndication(in.indication);
  if (r.indication == nullptr) return UnknownIndication(k, in.indication);
  auto start = DateField(in.start, "start");
  if (!start.ok()) return start.error();
  r.start = *start;
  if (in.cycles < 1 || in.cycles > 60) return Error::BadInput("cycles", "must be 1 to 60");
  r.cycles = in.cycles;
  r.regimen = r.indication->start;
  if (in.dose_mg) {
    Status s = CheckPlausible(k, "dose", *in.dose_mg, "dose");
    if (s.ok()) s = CheckCapsuleDose(k, *in.dose_mg, "dose");
    if (!s.ok()) return s.error();
    r.regimen.dose_mg = *in.dose_mg;
  }
  if (!in.frequency.empty()) {
    auto f = ParseFrequency(in.frequency);
    if (!f.ok()) return f.error().Under("frequency");
    r.regimen.frequency = *f;
  }
  if (!in.days.empty()) {
    auto d = DaySet::Parse(in.days);
    if (!d.ok()) return d.error().Under("days");
    if (d->Last() > r.indication->cycle_days) return Error::BadInput("days", "goes past the cycle length");
    r.regimen.days = *d;
  }
  if (in.setting == "newly-diagnosed") {
    r.setting = MmSetting::kNewlyDiagnosed;
  } else if (in.setting == "previously-treated") {
    r.setting = MmSetting::kPreviouslyTreated;
  } else if (!in.setting.empty()) {
    return Error::BadInput("setting", Quoted(in.setting) + " is not newly-diagnosed or previously-treated");
  }
  if (in.age && !in.birth_date.empty()) return Error::BadInput("age", "give the age or the birth date, not both");
  if (in.age) {
    Status s = CheckPlausible(k, "age", *in.age, "age");
    if (!s.ok()) return s.error();
    r.age_years = *in.age;
  } else if (!in.birth_date.empty()) {
    auto b = DateField(in.birth_date, "birth_date");
    if (!b.ok()) return b.error();
    if (*b > r.start) return Error::BadInput("birth_date", "is after the start date");
    r.age_years = r.start.YearsSince(*b);
    Status s = CheckPlausible(k, "age", *r.age_years, "birth_date");
    if (!s.ok()) return s.error();
  }
  if (!in.pregnancy_tests.empty() && in.pregnancy_tests != "regular" && in.pregnancy_tests != "irregular") {
    return Error::BadInput("pregnancy_tests", Quoted(in.pregnancy_tests) + " is not regular or irregular");
  }
  r.pregnancy_tests = in.pregnancy_tests;
  auto cal = BuildCalendar(k, r);
  if (!cal.ok()) return cal.error();
  return CycleCalendarAnswer{std::move(cal).value(), r.indication, r.regimen};
}

Result<MissedDoseAdvice> MissedDose(const Context& ctx, const MissedDoseRequest& r) {
  bool scheduled_dated = false, now_dated = false;
  auto scheduled = ParseTime(r.scheduled, "scheduled", scheduled_dated);
  if (!scheduled.ok()) return scheduled.error();
  auto now = ParseTime(r.now, "now", now_dated);
  if (!now.ok()) return now.error();
  if (scheduled_dated != now_dated) {
    return Error::BadInput("now", "give both times as HH:MM, or both as YYYY-MM-DDTHH:MM");
  }
  if (!scheduled_dated && *now < *scheduled) {
    return Error::BadInput("now",
                           "is earlier than the scheduled time: if the dose was due on an earlier day, give both as "
                           "YYYY-MM-DDTHH:MM");
  }
  return AdviseMissedDose(ctx.k, *scheduled, *now);
}

Result<CapsulesAnswer> Capsules(const Context& ctx, const CapsulesRequest& in) {
  const Knowledge& k = ctx.k;
  const Indication* ind = k.FindIndication(in.indication);
  if (ind == nullptr) return UnknownIndication(k, in.indication);
  Regimen r = ind->start;
  if (!in.dose_mg) return Error::BadInput("dose", "missing");
  Status s = CheckPlausible(k, "dose", *in.dose_mg, "dose");
  if (!s.ok()) return s.error();
  r.dose_mg = *in.dose_mg;
  if (!in.frequency.empty()) {
    auto f = ParseFrequency(in.frequency);
    if (!f.ok()) return f.error().Under("frequency");
    r.frequency = *f;
  }
  if (!in.days.empty()) {
    auto d = DaySet::Parse(in.days);
    if (!d.ok()) return d.error().Under("days");
    r.days = *d;
  }
  // The dispensing helper checks the dose against the label (clinical/maximum_dose.h): above the
  // indication's highest dose, no plan; a dose that is none of the label's doses, a warning.
  const MaximumDose max = MaximumDoseFor(k, *ind);
  if (r.dose_mg > max.dose_mg) {
    return Error::CannotAssess("dose", AboveMaximumText(*ind, r.dose_mg, max) +
                                           ": no capsule plan is given; the prescriber must confirm the dose (" +
                                           (max.cite != nullptr ? max.cite->source : ind->cite.source) + ")");
  }
  auto plan = PlanCapsules(k, r, ind->cycle_days);
  if (!plan.ok()) {
    Error e = plan.error();
    e.field = "dose";
    return e;
  }
  CapsulesAnswer out{r, std::move(plan).value(), max.dose_mg, {}};
  if (!IsLabelDose(k, *ind, r.dose_mg)) {
    out.warnings.push_back(
        FormatNumber(r.dose_mg) + " mg is not one of the doses the label gives for " + ind->name +
        " (its starting dose, dose levels, escalations and renal starting doses): check the prescription");
  }
  return out;
}

namespace {

Result<std::optional<double>> Limit(const Knowledge& k, const std::string& text, LabTest test,
                                    const std::string& field) {
  if (text.empty()) return std::optional<double>();
  auto v = k.units.Parse(LabTestKind(test), text);
  if (!v.ok()) return v.error().Under(field);
  if (*v <= 0) return Error::BadInput(field, "must be above 0");
  return std::optional<double>(*v);
}

// The grading's own field names ("version") as the request names them ("ctcae").
Error RequestField(Error e) {
  if (e.field == "version") e.field = "ctcae";
  return e;
}

}  // namespace

Result<GradeAnswer> Grade(const Context& ctx, const GradeRequest& r) {
  const Knowledge& k = ctx.k;
  if (r.test == "febrile-neutropenia") {
    auto anc = ParseMeasurement(k, "anc", QuantityKind::kCellCount, r.value, "value");
    if (!anc.ok()) return anc.error();
    if (r.temperature.empty()) return Error::BadInput("temperature", "missing (febrile neutropenia needs it)");
    auto t = ParseMeasurement(k, "temperature", QuantityKind::kTemperature, r.temperature, "temperature");
    if (!t.ok()) return t.error();
    auto g = GradeFebrileNeutropenia(k, r.ctcae, {*anc, *t, r.sustained});
    if (!g.ok()) {
      return g.error().kind == ErrorKind::kBadInput && g.error().field == "version"
                 ? Error::BadInput("ctcae", g.error().message)
                 : g.error();
    }
    return GradeAnswer{r.test, r.value, std::move(g).value()};
  }
  LabTest test;
  if (!ParseLabTest(r.test, test)) {
    return Error::BadInput("test", "unknown test " + Quoted(r.test) +
                                       " (anc, platelets, wbc, hemoglobin, creatinine or febrile-neutropenia)");
  }
  if (r.sustained || !r.temperature.empty()) return Error::BadInput("temperature", "only for febrile-neutropenia");
  auto value = ParseMeasurement(k, LabTestId(test), LabTestKind(test), r.value, "value");
  if (!value.ok()) return value.error();
  GradeInput in{test, *value, {}, {}, {}, {}};
  if (auto raw = ParseQuantity(r.value); raw.ok()) in.unit = raw->unit;
  auto lln = Limit(k, r.lln, test, "lln");
  if (!lln.ok()) return lln.error();
  auto uln = Limit(k, r.uln, test, "uln");
  if (!uln.ok()) return uln.error();
  auto base = Limit(k, r.baseline, test, "baseline");
  if (!base.ok()) return base.error();
  in.lln = *lln;
  in.uln = *uln;
  in.baseline = *base;
  if (in.lln && in.uln && *in.lln >= *in.uln) return Error::BadInput("lln", "must be below the upper limit of normal");
  auto g = GradeLab(k, r.ctcae, in);
  if (!g.ok()) return RequestField(g.error());
  return GradeAnswer{r.test, r.value, std::move(g).value()};
}

VteAnswer VteFromFacts(const Knowledge& k, VteFacts facts, std::vector<Note> extra_notes) {
  facts.yes_no["imid"] = true;  // the patient takes lenalidomide
  VteAnswer a;
  a.notes = {{"IMPEDE's immunomodulatory-drug item is counted: the patient takes lenalidomide",
              k.safety.vte.impede.source, true}};
  for (Note& n : extra_notes) a.notes.push_back(std::move(n));
  a.imwg = AssessImwg(k.safety.vte, facts);
  a.impede = ScoreImpede(k.safety.vte, facts);
  return a;
}

Result<VteAnswer> Vte(const Context& ctx, const VteRequest& r) {
  auto facts = VteFactsOf(ctx.k, r);
  if (!facts.ok()) return facts.error();
  return VteFromFacts(ctx.k, std::move(facts).value());
}

Result<InteractionsAnswer> Interactions(const Context& ctx, const InteractionsRequest& r) {
  InteractionsAnswer out;
  for (size_t i = 0; i < r.drugs.size(); ++i) {
    auto a = LookUpInteraction(ctx.k, r.drugs[i]);
    if (!a.ok()) {
      Error e = a.error();
      e.field = r.drugs.size() > 1 ? "drugs[" + std::to_string(i) + "]" : "drug";
      return e;
    }
    out.answers.push_back(std::move(a).value());
  }
  return out;
}

KnowledgeSummary SummarizeKnowledge(const Knowledge& k) {
  KnowledgeSummary out;
  out.k = &k;
  auto count = [&](const Citation& c) {
    ++out.entries;
    out.unverified += c.verified ? 0 : 1;
  };
  for (const auto& x : k.indications) count(x.cite);
  for (const auto& x : k.companions) count(x.cite);
  for (const auto& x : k.start_criteria) count(x.cite);
  for (const auto& x : k.start_notes) count(x.cite);
  for (const auto& x : k.escalations) count(x.cite);
  for (const auto& x : k.renal_bands) count(x.cite);
  for (const auto& x : k.renal_rows) count(x.cite);
  for (const auto& x : k.ladders) count(x.cite);
  for (const auto& x : k.floors) count(x.cite);
  for (const auto& x : k.hold_rules) count(x.cite);
  for (const auto& x : k.uncovered) count(x.cite);
  for (const auto& x : k.discontinue) count(x.cite);
  for (const auto& x : k.cbc_schedules) count(x.cite);
  for (const auto& x : k.lab_schedules) count(x.cite);
  const SafetyKnowledge& sk = k.safety;
  for (const auto& x : sk.rems.categories) count(x.cite);
  for (const auto& x : sk.rems.pretreatment_tests) count(x.cite);
  for (const auto& x : sk.rems.test_schedule) count(x.cite);
  for (const auto& x : sk.rems.contraceptive_methods) count(x.cite);
  for (const auto& x : sk.rems.obligations) count(x.cite);
  for (const auto& x : sk.rems.authorization_validity) count(x.cite);
  for (const auto& x : sk.rems.counseling) count(x.cite);
  for (const auto& x : sk.vte.imwg_factors) count(x.cite);
  for (const auto& x : sk.vte.imwg_recommendations) count(x.cite);
  for (const auto& x : sk.vte.impede_items) count(x.cite);
  for (const auto& x : sk.vte.impede_bands) count(x.cite);
  for (const auto& x : sk.interactions) count(x.cite);
  for (const auto& x : sk.no_interactions) count(x.cite);
  for (const auto& x : sk.flags) count(x.cite);
  for (const Citation* c :
       {&sk.rems.reproductive_potential.cite, &sk.rems.sensitivity_cite, &sk.rems.testing_during_interruption,
        &sk.rems.missed_period, &sk.rems.confirmation, &sk.rems.telephone_prescription, &sk.rems.positive_test,
        &sk.rems.prescription, &sk.rems.confirmation_validity, &sk.rems.next_fill, &sk.rems.adult_age_cite,
        &sk.vte.imwg, &sk.vte.impede, &sk.vte.impede_prophylaxis_cite, &sk.thromboprophylaxis_cite}) {
    count(*c);
  }
  for (const Citation* c : {&k.capsules_cite, &k.missed_dose_cite, &k.supply_cite, &k.other_toxicity.cite,
                            &k.lab_terms_cite, &k.cbc_while_held_cite, &k.cockcroft_gault.cite}) {
    count(*c);
  }
  return out;
}

Result<DemoAnswer> Demo(const Context& ctx) {
  StartDoseRequest patient;
  patient.indication = "mm";
  patient.age = 72;
  patient.sex = "female";
  patient.weight = "58 kg";
  patient.creatinine = "1.3 mg/dL";
  auto start = StartDose(ctx, patient);
  if (!start.ok()) return start.error();
  if (!start->capsules) {
    auto plan = PlanCapsules(ctx.k, start->dose.regimen, start->dose.indication->cycle_days);
    return plan.error();
  }
  CalendarRequest r{
      start->dose.indication, Date::FromCivil(2026, 1, 5), 1, start->dose.regimen, MmSetting::kNewlyDiagnosed, 72, {}};
  auto cal = BuildCalendar(ctx.k, r);
  if (!cal.ok()) return cal.error();
  DemoAnswer out{std::move(start).value(), {std::move(cal).value(), r.indication, r.regimen}};
  return out;
}

}  // namespace lenacare::app
