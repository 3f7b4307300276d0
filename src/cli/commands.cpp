#include "cli/commands.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/common.h"
#include "cli/render.h"
#include "clinical/capsules.h"
#include "clinical/inputs.h"
#include "clinical/missed_dose.h"
#include "clinical/renal.h"
#include "core/quantity.h"
#include "core/text.h"
#include "course/calendar.h"
#include "course/course_json.h"
#include "course/evaluate.h"
#include "knowledge/loader.h"

namespace lenacare::cli {
namespace {

using nlohmann::json;

// CrCl from --crcl, or from the four Cockcroft-Gault inputs when any of them is given.
Result<std::optional<double>> CrClFromOptions(const Knowledge& k, const Options& o, bool required) {
  const bool any_cg = o.age || !o.sex.empty() || !o.weight.empty() || !o.creatinine.empty();
  if (!o.crcl.empty()) {
    if (any_cg) return Error::BadInput("--crcl", "give either --crcl or --age/--sex/--weight/--creatinine, not both");
    std::string text = o.crcl;
    if (text.find_first_not_of("0123456789.-+ ") == std::string::npos) text += " mL/min";
    auto v = ParseMeasurement(k, "crcl", QuantityKind::kCreatinineClearance, text, "--crcl");
    if (!v.ok()) return v.error();
    return std::optional<double>(*v);
  }
  if (!any_cg) {
    if (required) return Error::BadInput("--crcl", "missing: give --crcl or --age, --sex, --weight and --creatinine");
    return std::optional<double>();
  }
  if (!o.age) return Error::BadInput("--age", "missing (needed with --sex, --weight and --creatinine)");
  if (o.sex.empty()) return Error::BadInput("--sex", "missing (male or female)");
  if (o.weight.empty()) return Error::BadInput("--weight", "missing (e.g. \"70 kg\")");
  if (o.creatinine.empty()) return Error::BadInput("--creatinine", "missing (e.g. \"1.1 mg/dL\")");
  Status s = CheckPlausible(k, "age", *o.age, "--age");
  if (!s.ok()) return s.error();
  auto sex = ParseSex(o.sex);
  if (!sex.ok()) return sex.error().Under("--sex");
  auto w = ParseMeasurement(k, "weight", QuantityKind::kBodyWeight, o.weight, "--weight");
  if (!w.ok()) return w.error();
  auto scr = ParseMeasurement(k, "creatinine", QuantityKind::kCreatinine, o.creatinine, "--creatinine");
  if (!scr.ok()) return scr.error();
  auto cg = CockcroftGaultCrCl(k, {*o.age, *sex, *w, *scr});
  if (!cg.ok()) return cg.error();
  return std::optional<double>(cg->ml_min);
}

// "08:00" -> minutes of a day; "2026-01-05T08:00" -> minutes since 1970.
Result<long> ParseTime(const std::string& text, const std::string& option, bool& dated) {
  std::string clock = text;
  long base = 0;
  dated = false;
  if (text.size() == 16 && text[10] == 'T') {
    auto d = Date::Parse(text.substr(0, 10));
    if (!d.ok()) return d.error().Under(option);
    base = static_cast<long>(d->days()) * 24 * 60;
    clock = text.substr(11);
    dated = true;
  }
  const bool shape = clock.size() == 5 && clock[2] == ':' && std::isdigit(static_cast<unsigned char>(clock[0])) &&
                     std::isdigit(static_cast<unsigned char>(clock[1])) &&
                     std::isdigit(static_cast<unsigned char>(clock[3])) &&
                     std::isdigit(static_cast<unsigned char>(clock[4]));
  if (!shape) return Error::BadInput(option, Quoted(text) + " is not a time (HH:MM or YYYY-MM-DDTHH:MM)");
  const int h = std::stoi(clock.substr(0, 2)), m = std::stoi(clock.substr(3, 2));
  if (h > 23 || m > 59) return Error::BadInput(option, Quoted(text) + " is not a real time of day");
  return base + h * 60 + m;
}

}  // namespace

int RunCrCl(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  if (!o.crcl.empty()) return Fail(Error::BadInput("--crcl", "not an input of this command"), o);
  auto crcl = CrClFromOptions(k, o, false);
  if (!crcl.ok()) return Fail(crcl.error(), o);
  if (!crcl->has_value())
    return Fail(Error::BadInput("--age", "missing: give --age, --sex, --weight and --creatinine"), o);
  const double v = **crcl;
  const Citation& cite = k.cockcroft_gault.cite;
  const double weight = *k.units.Parse(QuantityKind::kBodyWeight, o.weight);
  const double scr = *k.units.Parse(QuantityKind::kCreatinine, o.creatinine);
  json j = {{"crcl_ml_min", std::round(v * 100) / 100},
            {"formula", "Cockcroft-Gault"},
            {"weight_used", "actual body weight"},
            {"age_years", *o.age},
            {"sex", o.sex},
            {"weight_kg", std::round(weight * 100) / 100},
            {"creatinine_mg_dl", std::round(scr * 1000) / 1000},
            {"source", cite.source},
            {"verified", cite.verified}};
  std::ostringstream text;
  text << "Creatinine clearance (Cockcroft-Gault, actual body weight): " << FormatNumber(std::round(v * 100) / 100)
       << " mL/min\n  from age " << *o.age << ", " << o.sex << ", " << FormatNumber(std::round(weight * 100) / 100)
       << " kg, creatinine " << FormatNumber(std::round(scr * 1000) / 1000) << " mg/dL\n  source: " << cite.source
       << "\n";
  return Emit(o, j, text.str());
}

int RunStartDose(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  if (k.FindIndication(o.indication) == nullptr) {
    return Fail(
        Error::BadInput("--indication", "unknown indication '" + o.indication + "' (known: " + k.IndicationIds() + ")"),
        o);
  }
  auto crcl = CrClFromOptions(k, o, !o.dialysis);
  if (!crcl.ok()) return Fail(crcl.error(), o);
  auto dose = StartingDoseFor(k, o.indication, RenalFunction{*crcl, o.dialysis});
  if (!dose.ok()) return Fail(dose.error(), o);
  auto plan = PlanCapsules(k, dose->regimen, dose->indication->cycle_days);
  const CapsulePlan* p = plan.ok() ? &plan.value() : nullptr;
  return Emit(o, StartingDoseJson(*dose, *crcl, p), WantText(o) ? StartingDoseText(*dose, *crcl, p) : "");
}

int RunCalendar(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  CalendarRequest r;
  r.indication = k.FindIndication(o.indication);
  if (r.indication == nullptr) {
    return Fail(
        Error::BadInput("--indication", "unknown indication '" + o.indication + "' (known: " + k.IndicationIds() + ")"),
        o);
  }
  auto start = DateOption(o.start, "--start");
  if (!start.ok()) return Fail(start.error(), o);
  r.start = *start;
  if (o.cycles < 1 || o.cycles > 60) return Fail(Error::BadInput("--cycles", "must be 1 to 60"), o);
  r.cycles = o.cycles;
  r.regimen = r.indication->start;
  if (o.dose_mg) {
    Status s = CheckPlausible(k, "dose", *o.dose_mg, "--dose");
    if (s.ok()) s = CheckCapsuleDose(k, *o.dose_mg, "--dose");
    if (!s.ok()) return Fail(s.error(), o);
    r.regimen.dose_mg = *o.dose_mg;
  }
  if (!o.frequency.empty()) {
    auto f = ParseFrequency(o.frequency);
    if (!f.ok()) return Fail(f.error().Under("--frequency"), o);
    r.regimen.frequency = *f;
  }
  if (!o.days.empty()) {
    auto d = DaySet::Parse(o.days);
    if (!d.ok()) return Fail(d.error().Under("--days"), o);
    if (d->Last() > r.indication->cycle_days) return Fail(Error::BadInput("--days", "goes past the cycle length"), o);
    r.regimen.days = *d;
  }
  if (o.setting == "newly-diagnosed") {
    r.setting = MmSetting::kNewlyDiagnosed;
  } else if (o.setting == "previously-treated") {
    r.setting = MmSetting::kPreviouslyTreated;
  } else if (!o.setting.empty()) {
    return Fail(Error::BadInput("--setting", Quoted(o.setting) + " is not newly-diagnosed or previously-treated"), o);
  }
  if (o.age && !o.birth_date.empty()) return Fail(Error::BadInput("--age", "give --age or --birth-date, not both"), o);
  if (o.age) {
    Status s = CheckPlausible(k, "age", *o.age, "--age");
    if (!s.ok()) return Fail(s.error(), o);
    r.age_years = *o.age;
  } else if (!o.birth_date.empty()) {
    auto b = DateOption(o.birth_date, "--birth-date");
    if (!b.ok()) return Fail(b.error(), o);
    if (*b > r.start) return Fail(Error::BadInput("--birth-date", "is after --start"), o);
    r.age_years = r.start.YearsSince(*b);
    Status s = CheckPlausible(k, "age", *r.age_years, "--birth-date");
    if (!s.ok()) return Fail(s.error(), o);
  }
  if (!o.pregnancy_tests.empty() && o.pregnancy_tests != "regular" && o.pregnancy_tests != "irregular") {
    return Fail(Error::BadInput("--pregnancy-tests", Quoted(o.pregnancy_tests) + " is not regular or irregular"), o);
  }
  r.pregnancy_tests = o.pregnancy_tests;
  auto cal = BuildCalendar(k, r);
  if (!cal.ok()) return Fail(cal.error(), o);
  return Emit(o, CalendarJson(*cal, *r.indication, r.regimen), CalendarText(*cal, *r.indication, r.regimen));
}

int RunEvaluate(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  auto read = ReadCourse(k, o, /*allow_before_start=*/false);
  if (!read.ok()) return Fail(read.error(), o);
  const Course* course = &read->course;
  const Date* as_of = &read->as_of;
  const Assessment a = Evaluate(k, *course, *as_of);
  return Emit(o, AssessmentJson(k, a, *course->indication), AssessmentText(a, *course->indication),
              a.status == CourseStatus::kCannotAssess ? kCannotAssess : kAnswered);
}

int RunMissedDose(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  bool scheduled_dated = false, now_dated = false;
  auto scheduled = ParseTime(o.scheduled, "--scheduled", scheduled_dated);
  if (!scheduled.ok()) return Fail(scheduled.error(), o);
  auto now = ParseTime(o.now, "--now", now_dated);
  if (!now.ok()) return Fail(now.error(), o);
  if (scheduled_dated != now_dated) {
    return Fail(Error::BadInput("--now", "give both times as HH:MM, or both as YYYY-MM-DDTHH:MM"), o);
  }
  if (!scheduled_dated && *now < *scheduled) {
    return Fail(Error::BadInput("--now",
                                "is earlier than --scheduled: if the dose was due on an earlier day, give both as "
                                "YYYY-MM-DDTHH:MM"),
                o);
  }
  const MissedDoseAdvice a = AdviseMissedDose(k, *scheduled, *now);
  std::ostringstream text;
  text << a.advice << "\n  hours since the usual time: " << FormatNumber(std::round(a.hours_late * 100) / 100)
       << "\n  source: " << a.cite.source << "\n";
  return Emit(o, MissedDoseJson(a), text.str());
}

int RunCapsules(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  const Indication* ind = k.FindIndication(o.indication);
  if (ind == nullptr) {
    return Fail(
        Error::BadInput("--indication", "unknown indication '" + o.indication + "' (known: " + k.IndicationIds() + ")"),
        o);
  }
  Regimen r = ind->start;
  if (!o.dose_mg) return Fail(Error::BadInput("--dose", "missing"), o);
  Status s = CheckPlausible(k, "dose", *o.dose_mg, "--dose");
  if (!s.ok()) return Fail(s.error(), o);
  r.dose_mg = *o.dose_mg;
  if (!o.frequency.empty()) {
    auto f = ParseFrequency(o.frequency);
    if (!f.ok()) return Fail(f.error().Under("--frequency"), o);
    r.frequency = *f;
  }
  if (!o.days.empty()) {
    auto d = DaySet::Parse(o.days);
    if (!d.ok()) return Fail(d.error().Under("--days"), o);
    r.days = *d;
  }
  auto plan = PlanCapsules(k, r, ind->cycle_days);
  if (!plan.ok()) return Fail(plan.error().Under("--dose"), o);
  return Emit(o, CapsulePlanJson(*plan), r.Describe() + "\n" + CapsulePlanText(*plan));
}

int RunKnowledgeCheck(const Options& o) {
  Options with_dir = o;
  if (!o.check_dir.empty()) with_dir.knowledge_dir = o.check_dir;
  if (o.knowledge != nullptr) return Fail(Error::BadInput("dir", "not available here"), o);
  auto loaded = Load(with_dir);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  size_t entries = 0, unverified = 0;
  auto count = [&](const Citation& c) {
    ++entries;
    unverified += c.verified ? 0 : 1;
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
        &sk.rems.prescription, &sk.rems.confirmation_validity, &sk.rems.next_fill, &sk.vte.imwg, &sk.vte.impede,
        &sk.vte.impede_prophylaxis_cite, &sk.thromboprophylaxis_cite}) {
    count(*c);
  }
  for (const Citation* c : {&k.capsules_cite, &k.missed_dose_cite, &k.supply_cite, &k.other_toxicity.cite,
                            &k.lab_terms_cite, &k.cbc_while_held_cite, &k.cockcroft_gault.cite}) {
    count(*c);
  }
  json j = {{"ok", true},
            {"directory", k.root},
            {"knowledge", PackJson(k)},
            {"indications", k.indications.size()},
            {"entries", entries},
            {"unverified_entries", unverified}};
  std::ostringstream text;
  text << "knowledge OK: " << k.root << "\n  pack " << k.pack.id << " (" << k.pack.jurisdiction << ", label "
       << k.pack.label_date << "): " << k.indications.size() << " indications, " << entries << " cited entries, "
       << unverified << " of them unverified (answers that use them say so)\n";
  return Emit(o, j, text.str());
}

int RunDemo(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  // An example patient: a 72-year-old woman with newly diagnosed myeloma, 58 kg, creatinine
  // 1.3 mg/dL, starting lenalidomide with dexamethasone on Monday 2026-01-05.
  Options demo = o;
  demo.indication = "mm";
  demo.age = 72;
  demo.sex = "female";
  demo.weight = "58 kg";
  demo.creatinine = "1.3 mg/dL";
  auto crcl = CrClFromOptions(k, demo, true);
  if (!crcl.ok()) return Fail(crcl.error(), o);
  auto dose = StartingDoseFor(k, "mm", RenalFunction{*crcl, false});
  if (!dose.ok()) return Fail(dose.error(), o);
  auto plan = PlanCapsules(k, dose->regimen, dose->indication->cycle_days);
  CalendarRequest r{
      dose->indication, Date::FromCivil(2026, 1, 5), 1, dose->regimen, MmSetting::kNewlyDiagnosed, 72, {}};
  auto cal = BuildCalendar(k, r);
  if (!cal.ok() || !plan.ok()) return Fail(cal.ok() ? plan.error() : cal.error(), o);
  json j = {{"patient",
             {{"age_years", 72},
              {"sex", "female"},
              {"weight", "58 kg"},
              {"creatinine", "1.3 mg/dL"},
              {"setting", "newly-diagnosed"}}},
            {"start_dose", StartingDoseJson(*dose, *crcl, &plan.value())},
            {"calendar", CalendarJson(*cal, *r.indication, r.regimen)}};
  std::ostringstream text;
  text << "lenacare demo — an example patient: 72-year-old woman, 58 kg, serum creatinine 1.3 mg/dL,\n"
       << "newly diagnosed multiple myeloma, lenalidomide with dexamethasone from 2026-01-05.\n\n"
       << StartingDoseText(*dose, *crcl, &plan.value()) << "\nFirst cycle:\n"
       << CalendarText(*cal, *r.indication, r.regimen);
  return Emit(o, j, text.str());
}

}  // namespace lenacare::cli
