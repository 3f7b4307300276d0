#include "course/course_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "clinical/capsules.h"
#include "clinical/inputs.h"
#include "core/quantity.h"
#include "core/text.h"
#include "course/json_input.h"

namespace lenacare {
namespace {

using json_input::CheckKeys;
using json_input::Join;
using json_input::Text;
using nlohmann::json;
using Keys = std::initializer_list<std::string_view>;

Result<Date> DateField(const json& obj, const std::string& where, std::string_view key) {
  auto s = Text(obj, where, key, true);
  if (!s.ok()) return s.error();
  auto d = Date::Parse(*s);
  if (!d.ok()) return d.error().Under(Join(where, key));
  return *d;
}

Result<double> DoseField(const Knowledge& k, const json& obj, const std::string& where, std::string_view key) {
  const std::string field = Join(where, key);
  auto it = obj.find(key);
  if (it == obj.end()) return Error::BadInput(field, "missing");
  if (!it->is_number()) return Error::BadInput(field, "must be a number of milligrams");
  const double mg = it->get<double>();
  Status s = CheckPlausible(k, "dose", mg, field);
  if (!s.ok()) return s.error();
  s = CheckCapsuleDose(k, mg, field);
  if (!s.ok()) return s.error();
  return mg;
}

Result<double> Measurement(const Knowledge& k, const json& obj, const std::string& where, std::string_view key,
                           std::string_view subject, QuantityKind kind) {
  const std::string field = Join(where, key);
  auto it = obj.find(key);
  if (it == obj.end()) return Error::BadInput(field, "missing");
  if (it->is_number()) {
    return Error::BadInput(
        field, "a unit is required: write it as text with its unit, e.g. \"" + k.units.Find(kind)->canonical + "\"");
  }
  if (!it->is_string()) return Error::BadInput(field, "must be text with a unit");
  return ParseMeasurement(k, subject, kind, it->get<std::string>(), field);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Status ParseRegimenChange(const Knowledge& k, const json& e, const std::string& where, Event& ev, bool dose_required) {
  if (e.contains("dose_mg") || dose_required) {
    auto mg = DoseField(k, e, where, "dose_mg");
    if (!mg.ok()) return mg.error();
    ev.dose_mg = *mg;
  }
  auto freq = Text(e, where, "frequency", false);
  if (!freq.ok()) return freq.error();
  if (!freq->empty()) {
    auto f = ParseFrequency(*freq);
    if (!f.ok()) return f.error().Under(Join(where, "frequency"));
    ev.frequency = *f;
  }
  auto days = Text(e, where, "days", false);
  if (!days.ok()) return days.error();
  if (!days->empty()) {
    auto d = DaySet::Parse(*days);
    if (!d.ok()) return d.error().Under(Join(where, "days"));
    ev.days = *d;
  }
  if ((ev.frequency || ev.days) && !ev.dose_mg) return Error::BadInput(Join(where, "dose_mg"), "missing");
  return Status::Ok();
}

Result<Event> ParseLab(const Knowledge& k, const json& e, const std::string& where) {
  Event ev;
  ev.type = EventType::kLab;
  auto test = Text(e, where, "test", true);
  if (!test.ok()) return test.error();
  if (!ParseLabTest(*test, ev.test)) {
    return Error::BadInput(Join(where, "test"),
                           "unknown test " + Quoted(*test) + " (known: anc, platelets, wbc, hemoglobin, creatinine)");
  }
  auto v = Measurement(k, e, where, "value", LabTestId(ev.test), LabTestKind(ev.test));
  if (!v.ok()) return v.error();
  ev.value = *v;
  for (const char* key : {"lln", "uln"}) {
    if (!e.contains(key)) continue;
    auto limit = Measurement(k, e, where, key, LabTestId(ev.test), LabTestKind(ev.test));
    if (!limit.ok()) return limit.error();
    if (*limit <= 0) return Error::BadInput(Join(where, key), "must be above 0");
    (std::string(key) == "lln" ? ev.lln : ev.uln) = *limit;
  }
  if (ev.lln && ev.uln && *ev.lln >= *ev.uln) return Error::BadInput(Join(where, "lln"), "must be below uln");
  return ev;
}

Result<int> WholeNumber(const json& e, const std::string& where, std::string_view key, int min, bool required) {
  auto it = e.find(key);
  if (it == e.end()) {
    if (required) return Error::BadInput(Join(where, key), "missing");
    return min;
  }
  const bool in_range = it->is_number_unsigned() ? it->get<uint64_t>() <= 100000 &&
                                                       it->get<uint64_t>() >= static_cast<uint64_t>(std::max(min, 0))
                        : it->is_number_integer() ? it->get<int64_t>() >= min && it->get<int64_t>() <= 100000
                                                  : false;
  if (!in_range) {
    return Error::BadInput(Join(where, key), "must be a whole number, at least " + std::to_string(min));
  }
  return static_cast<int>(it->get<long long>());
}

Result<bool> Flag(const json& e, const std::string& where, std::string_view key) {
  auto it = e.find(key);
  if (it == e.end()) return false;
  if (!it->is_boolean()) return Error::BadInput(Join(where, key), "must be true or false");
  return it->get<bool>();
}

Status ParseProgramEvent(const Knowledge& k, const json& e, const std::string& where, EventType type, Event& ev) {
  const RemsKnowledge& rems = k.safety.rems;
  Status s;
  switch (type) {
    case EventType::kPregnancyTest: {
      s = CheckKeys(e, where, {"date", "type", "result", "sensitivity", "note"});
      if (!s.ok()) return s;
      auto result = Text(e, where, "result", true);
      if (!result.ok()) return result.error();
      if (*result != "negative" && *result != "positive") {
        return Error::BadInput(Join(where, "result"), Quoted(*result) + " is not negative or positive");
      }
      ev.positive = *result == "positive";
      if (e.contains("sensitivity")) {
        auto v = Measurement(k, e, where, "sensitivity", "hcg", QuantityKind::kHcg);
        if (!v.ok()) return v.error();
        ev.sensitivity = *v;
      }
      return Status::Ok();
    }
    case EventType::kMissedPeriod:
      return CheckKeys(e, where, {"date", "type", "note"});
    case EventType::kContraception: {
      s = CheckKeys(e, where, {"date", "type", "methods", "note"});
      if (!s.ok()) return s;
      auto it = e.find("methods");
      if (it == e.end() || !it->is_array() || it->empty()) {
        return Error::BadInput(Join(where, "methods"),
                               "must be a non-empty list (e.g. [\"iud\", \"male-condom\"] or [\"abstinence\"])");
      }
      for (const json& m : *it) {
        if (!m.is_string() || rems.FindMethod(m.get<std::string>()) == nullptr) {
          std::string known;
          for (const auto& x : rems.contraceptive_methods) known += (known.empty() ? "" : ", ") + x.id;
          return Error::BadInput(Join(where, "methods"), "unknown method " +
                                                             (m.is_string() ? Quoted(m.get<std::string>()) : m.dump()) +
                                                             " (known: " + known + ")");
        }
        ev.methods.push_back(m.get<std::string>());
      }
      return Status::Ok();
    }
    case EventType::kCounseling: {
      s = CheckKeys(e, where, {"date", "type", "by", "note"});
      if (!s.ok()) return s;
      auto by = Text(e, where, "by", true);
      if (!by.ok()) return by.error();
      if (*by != "prescriber" && *by != "pharmacist") {
        return Error::BadInput(Join(where, "by"), Quoted(*by) + " is not prescriber or pharmacist");
      }
      ev.by = *by;
      return Status::Ok();
    }
    case EventType::kAuthorization:
    case EventType::kConfirmation: {
      s = CheckKeys(e, where, {"date", "type", "number", "note"});
      if (!s.ok()) return s;
      auto number = Text(e, where, "number", true);
      if (!number.ok()) return number.error();
      ev.number = *number;
      return Status::Ok();
    }
    case EventType::kPrescription: {
      s = CheckKeys(
          e, where,
          {"date", "type", "days_supply", "refills", "authorization_number", "risk_category", "telephone", "note"});
      if (!s.ok()) return s;
      auto days = WholeNumber(e, where, "days_supply", 1, true);
      if (!days.ok()) return days.error();
      ev.days_supply = *days;
      auto refills = WholeNumber(e, where, "refills", 0, true);
      if (!refills.ok()) return refills.error();
      ev.refills = *refills;
      auto number = Text(e, where, "authorization_number", false);
      if (!number.ok()) return number.error();
      ev.number = *number;
      auto category = Text(e, where, "risk_category", false);
      if (!category.ok()) return category.error();
      if (!category->empty() && rems.FindCategory(*category) == nullptr) {
        return Error::BadInput(Join(where, "risk_category"), "unknown REMS risk category " + Quoted(*category));
      }
      ev.risk_category = *category;
      auto phone = Flag(e, where, "telephone");
      if (!phone.ok()) return phone.error();
      ev.telephone = *phone;
      return Status::Ok();
    }
    case EventType::kDispense: {
      s = CheckKeys(e, where, {"date", "type", "days_supply", "quantity", "note"});
      if (!s.ok()) return s;
      auto days = WholeNumber(e, where, "days_supply", 1, true);
      if (!days.ok()) return days.error();
      ev.days_supply = *days;
      auto quantity = WholeNumber(e, where, "quantity", 1, false);
      if (!quantity.ok()) return quantity.error();
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

Result<Event> ParseEvent(const Knowledge& k, const json& e, const std::string& where, const Course& course) {
  if (!e.is_object()) return Error::BadInput(where, "must be an object");
  auto type_text = Text(e, where, "type", true);
  if (!type_text.ok()) return type_text.error();
  EventType type;
  if (!ParseEventType(*type_text, type)) {
    return Error::BadInput(Join(where, "type"), "unknown event type " + Quoted(*type_text) +
                                                    " (known: lab, dose-taken, dose-missed, hold, resume, dose-change, "
                                                    "toxicity, temperature, transfusion, cycle-start, stop)");
  }
  auto date = DateField(e, where, "date");
  if (!date.ok()) return date.error();
  if (*date < course.start_date && !IsProgramEvent(type)) {
    return Error::BadInput(Join(where, "date"), date->ToString() + " is before the start date " +
                                                    course.start_date.ToString() +
                                                    " (put pre-treatment labs in 'baseline')");
  }
  Event ev;
  Status s;
  switch (type) {
    case EventType::kLab: {
      s = CheckKeys(e, where, {"date", "type", "test", "value", "lln", "uln", "note"});
      if (!s.ok()) return s.error();
      auto lab = ParseLab(k, e, where);
      if (!lab.ok()) return lab.error();
      ev = *lab;
      break;
    }
    case EventType::kToxicity: {
      s = CheckKeys(e, where, {"date", "type", "term", "grade", "note"});
      if (!s.ok()) return s.error();
      auto term = Text(e, where, "term", true);
      if (!term.ok()) return term.error();
      ev.term = Lower(*term);
      if (Contains(k.lab_terms, ev.term)) {
        return Error::BadInput(
            Join(where, "term"),
            Quoted(ev.term) + " is decided from the blood count: record it as a lab event with its value");
      }
      auto g = e.find("grade");
      if (g == e.end()) return Error::BadInput(Join(where, "grade"), "missing");
      // Checked as the 64-bit number it is, before narrowing (4294967299 is not grade 3).
      const bool in_range = g->is_number_unsigned()  ? g->get<uint64_t>() <= 5
                            : g->is_number_integer() ? g->get<int64_t>() >= 0 && g->get<int64_t>() <= 5
                                                     : false;
      if (!in_range) {
        return Error::BadInput(Join(where, "grade"), "must be a CTCAE grade, a whole number from 0 to 5");
      }
      ev.grade = static_cast<int>(g->get<int64_t>());
      break;
    }
    case EventType::kTemperature: {
      s = CheckKeys(e, where, {"date", "type", "value", "note"});
      if (!s.ok()) return s.error();
      auto v = Measurement(k, e, where, "value", "temperature", QuantityKind::kTemperature);
      if (!v.ok()) return v.error();
      ev.value = *v;
      break;
    }
    case EventType::kTransfusion: {
      s = CheckKeys(e, where, {"date", "type", "product", "note"});
      if (!s.ok()) return s.error();
      auto product = Text(e, where, "product", true);
      if (!product.ok()) return product.error();
      if (*product != "platelets") {
        return Error::BadInput(Join(where, "product"),
                               "only platelet transfusions are used by the rules ('platelets')");
      }
      break;
    }
    case EventType::kResume:
    case EventType::kDoseChange: {
      s = CheckKeys(e, where, {"date", "type", "dose_mg", "frequency", "days", "note"});
      if (!s.ok()) return s.error();
      s = ParseRegimenChange(k, e, where, ev, type == EventType::kDoseChange);
      if (!s.ok()) return s.error();
      break;
    }
    case EventType::kPregnancyTest:
    case EventType::kMissedPeriod:
    case EventType::kContraception:
    case EventType::kCounseling:
    case EventType::kAuthorization:
    case EventType::kPrescription:
    case EventType::kConfirmation:
    case EventType::kDispense:
      s = ParseProgramEvent(k, e, where, type, ev);
      if (!s.ok()) return s.error();
      break;
    case EventType::kHold:
    case EventType::kStop:
    case EventType::kDoseTaken:
    case EventType::kDoseMissed:
    case EventType::kCycleStart: {
      s = CheckKeys(e, where, {"date", "type", "note", "reason"});
      if (!s.ok()) return s.error();
      auto reason = Text(e, where, "reason", false);
      if (!reason.ok()) return reason.error();
      ev.note = *reason;
      break;
    }
  }
  auto note = Text(e, where, "note", false);
  if (!note.ok()) return note.error();
  if (ev.note.empty()) ev.note = *note;
  ev.type = type;
  ev.date = *date;
  return ev;
}

Result<Event> ParseBaseline(const Knowledge& k, const json& b, const std::string& where, Date start_date) {
  if (!b.is_object()) return Error::BadInput(where, "must be an object");
  // "type" may say "lab" (a stored lab row carries its type); nothing else.
  Status s = CheckKeys(b, where, {"date", "type", "test", "value", "lln", "uln", "note"});
  if (!s.ok()) return s.error();
  if (b.contains("type") && b["type"] != "lab") return Error::BadInput(where + ".type", "a baseline result is a lab");
  auto date = DateField(b, where, "date");
  if (!date.ok()) return date.error();
  if (*date > start_date) {
    return Error::BadInput(where + ".date", date->ToString() + " is after the start date: record it as a lab event");
  }
  auto lab = ParseLab(k, b, where);
  if (!lab.ok()) return lab.error();
  lab.value().date = *date;
  return lab;
}

Status ParseVteFacts(const Knowledge& k, const json& v, VteFacts& facts) {
  const std::string where = "patient.vte";
  if (!v.is_object()) return Error::BadInput(where, "must be an object");
  for (const auto& [key, value] : v.items()) {
    const std::string field = where + "." + key;
    VteFactKind kind;
    if (!FindVteFact(key, kind)) return Error::BadInput(field, "unknown fact");
    if (kind == VteFactKind::kYesNo) {
      if (!value.is_boolean()) return Error::BadInput(field, "must be true or false");
      facts.yes_no[key] = value.get<bool>();
    } else if (kind == VteFactKind::kNumber) {
      const QuantityKind q = key == "bmi" ? QuantityKind::kBodyMassIndex : QuantityKind::kDose;
      auto n = Measurement(k, v, where, key, key, q);
      if (!n.ok()) return n.error();
      facts.numbers[key] = *n;
    } else {
      if (!value.is_string()) return Error::BadInput(field, "must be text");
      facts.prophylaxis = value.get<std::string>();
    }
  }
  Status s = CheckVteFacts(k, facts);
  return s.ok() ? s : s.error().Under(where);
}

Status ParsePatientSafety(const Knowledge& k, const json& p, Patient& patient) {
  const std::string where = "patient";
  auto category = Text(p, where, "rems_category", false);
  if (!category.ok()) return category.error();
  if (!category->empty() && k.safety.rems.FindCategory(*category) == nullptr) {
    std::string known;
    for (const auto& c : k.safety.rems.categories) known += (known.empty() ? "" : ", ") + c.id;
    return Error::BadInput("patient.rems_category",
                           "unknown category " + Quoted(*category) + " (known: " + known + ")");
  }
  patient.rems_category = *category;
  for (const char* key : {"can_become_pregnant", "hysterectomy"}) {
    if (!p.contains(key)) continue;
    if (!p[key].is_boolean()) return Error::BadInput(Join(where, key), "must be true or false");
    (std::string(key) == "hysterectomy" ? patient.hysterectomy : patient.can_become_pregnant) = p[key].get<bool>();
  }
  if (p.contains("natural_postmenopause_months")) {
    auto months = WholeNumber(p, where, "natural_postmenopause_months", 0, true);
    if (!months.ok()) return months.error();
    patient.natural_postmenopause_months = *months;
  }
  auto menses = Text(p, where, "menses", false);
  if (!menses.ok()) return menses.error();
  if (!menses->empty() && *menses != "regular" && *menses != "irregular") {
    return Error::BadInput("patient.menses", Quoted(*menses) + " is not regular or irregular");
  }
  patient.menses = *menses;
  if (p.contains("findings")) {
    const json& f = p["findings"];
    if (!f.is_object()) return Error::BadInput("patient.findings", "must be an object of true/false findings");
    for (auto it = f.begin(); it != f.end(); ++it) {
      const std::string& key = it.key();
      const json& value = it.value();
      const bool known = std::any_of(k.safety.flags.begin(), k.safety.flags.end(),
                                     [&](const SafetyFlag& x) { return x.finding == key; });
      if (!known) return Error::BadInput("patient.findings." + key, "unknown finding");
      if (!value.is_boolean()) return Error::BadInput("patient.findings." + key, "must be true or false");
      patient.findings[key] = value.get<bool>();
    }
  }
  if (p.contains("vte")) {
    Status s = ParseVteFacts(k, p["vte"], patient.vte);
    if (!s.ok()) return s;
    patient.has_vte = true;
  }
  if (p.contains("medications")) {
    const json& m = p["medications"];
    if (!m.is_array()) return Error::BadInput("patient.medications", "must be a list of drug names");
    for (size_t i = 0; i < m.size(); ++i) {
      if (!m[i].is_string() || m[i].get<std::string>().empty()) {
        return Error::BadInput("patient.medications[" + std::to_string(i) + "]", "must be a drug name");
      }
      patient.medications.push_back(m[i].get<std::string>());
    }
  }
  return Status::Ok();
}

// A declared REMS category must not contradict the facts that define it (label-facts.md §7.1,
// §7.5). Only the unsafe direction is refused for the reproductive-potential facts: a category
// "cannot become pregnant" for a woman whose facts say she can.
Status CheckCategory(const Knowledge& k, const Patient& p) {
  if (p.rems_category.empty()) return Status::Ok();
  const RemsCategory* c = k.safety.rems.FindCategory(p.rems_category);
  const std::string field = "patient.rems_category";
  if (p.sex) {
    const std::string sex = *p.sex == Sex::kFemale ? "female" : "male";
    if (c->sex != sex) return Error::BadInput(field, Quoted(c->id) + " contradicts patient.sex " + Quoted(sex));
  }
  if (c->can_become_pregnant && p.can_become_pregnant && *c->can_become_pregnant != *p.can_become_pregnant) {
    return Error::BadInput(field, Quoted(c->id) + " contradicts patient.can_become_pregnant");
  }
  if (c->can_become_pregnant && !*c->can_become_pregnant) {
    const auto& rule = k.safety.rems.reproductive_potential;
    const bool facts_say_can = p.hysterectomy && !*p.hysterectomy && p.natural_postmenopause_months &&
                               *p.natural_postmenopause_months < rule.natural_postmenopause_months_at_least;
    if (facts_say_can) {
      return Error::BadInput(field, Quoted(c->id) +
                                        " contradicts the facts: no hysterectomy and menses within the last " +
                                        std::to_string(rule.natural_postmenopause_months_at_least) + " months");
    }
  }
  return Status::Ok();
}

// Program events that name an earlier one must come after it ("dates out of order").
Status CheckProgramOrder(const Course& c) {
  bool prescribed = false;
  for (const Event& e : c.events) {
    if (e.type == EventType::kPrescription) prescribed = true;
    if (e.type == EventType::kDispense && !prescribed) {
      return Error::BadInput(
          "events[" + std::to_string(e.index) + "].date",
          "a dispense on " + e.date.ToString() + " comes before any prescription (dates out of order)");
    }
  }
  return Status::Ok();
}

Status ParsePatient(const Knowledge& k, const json& p, Course& c) {
  const std::string where = "patient";
  if (!p.is_object()) return Error::BadInput(where, "must be an object");
  Status s = CheckKeys(p, where,
                       {"sex", "birth_date", "weight", "crcl", "dialysis", "rems_category", "can_become_pregnant",
                        "hysterectomy", "natural_postmenopause_months", "menses", "findings", "vte", "medications"});
  if (!s.ok()) return s;
  s = ParsePatientSafety(k, p, c.patient);
  if (!s.ok()) return s;
  auto sex = Text(p, where, "sex", false);
  if (!sex.ok()) return sex.error();
  if (!sex->empty()) {
    auto parsed = ParseSex(*sex);
    if (!parsed.ok()) return parsed.error().Under("patient.sex");
    c.patient.sex = *parsed;
  }
  if (p.contains("birth_date")) {
    auto b = DateField(p, where, "birth_date");
    if (!b.ok()) return b.error();
    if (*b > c.start_date)
      return Error::BadInput("patient.birth_date", "is after the start date " + c.start_date.ToString());
    s = CheckPlausible(k, "age", c.start_date.YearsSince(*b), "patient.birth_date");
    if (!s.ok()) return s;
    c.patient.birth_date = *b;
  }
  if (p.contains("weight")) {
    auto w = Measurement(k, p, where, "weight", "weight", QuantityKind::kBodyWeight);
    if (!w.ok()) return w.error();
    c.patient.weight_kg = *w;
  }
  if (p.contains("crcl")) {
    auto v = Measurement(k, p, where, "crcl", "crcl", QuantityKind::kCreatinineClearance);
    if (!v.ok()) return v.error();
    c.patient.crcl_ml_min = *v;
  }
  if (p.contains("dialysis")) {
    if (!p["dialysis"].is_boolean()) return Error::BadInput("patient.dialysis", "must be true or false");
    c.patient.dialysis = p["dialysis"].get<bool>();
  }
  return Status::Ok();
}

}  // namespace

Result<Course> ParseCourseJson(const Knowledge& k, std::string_view text) {
  auto parsed = json_input::ParseObject(text, "course");
  if (!parsed.ok()) return parsed.error();
  const json& root = *parsed;
  Status s = CheckKeys(root, "",
                       {"indication", "start_date", "starting_dose_mg", "starting_frequency", "starting_days",
                        "setting", "patient", "baseline", "events", "note"});
  if (!s.ok()) return s.error();

  Course c;
  auto ind = Text(root, "", "indication", true);
  if (!ind.ok()) return ind.error();
  c.indication = k.FindIndication(*ind);
  if (c.indication == nullptr) {
    return Error::BadInput("indication", "unknown indication " + Quoted(*ind) + " (known: " + k.IndicationIds() + ")");
  }
  auto start = DateField(root, "", "start_date");
  if (!start.ok()) return start.error();
  c.start_date = *start;

  c.starting = c.indication->start;
  if (root.contains("starting_dose_mg")) {
    auto mg = DoseField(k, root, "", "starting_dose_mg");
    if (!mg.ok()) return mg.error();
    c.starting.dose_mg = *mg;
  } else {
    return Error::BadInput("starting_dose_mg", "missing");
  }
  auto freq = Text(root, "", "starting_frequency", false);
  if (!freq.ok()) return freq.error();
  if (!freq->empty()) {
    auto f = ParseFrequency(*freq);
    if (!f.ok()) return f.error().Under("starting_frequency");
    c.starting.frequency = *f;
  }
  auto days = Text(root, "", "starting_days", false);
  if (!days.ok()) return days.error();
  if (!days->empty()) {
    auto d = DaySet::Parse(*days);
    if (!d.ok()) return d.error().Under("starting_days");
    if (d->Last() > c.indication->cycle_days) return Error::BadInput("starting_days", "goes past the cycle length");
    c.starting.days = *d;
  }
  auto setting = Text(root, "", "setting", false);
  if (!setting.ok()) return setting.error();
  if (*setting == "newly-diagnosed") {
    c.setting = MmSetting::kNewlyDiagnosed;
  } else if (*setting == "previously-treated") {
    c.setting = MmSetting::kPreviouslyTreated;
  } else if (!setting->empty()) {
    return Error::BadInput("setting", Quoted(*setting) + " is not newly-diagnosed or previously-treated");
  }
  if (root.contains("patient")) {
    s = ParsePatient(k, root["patient"], c);
    if (!s.ok()) return s.error();
  }
  if (root.contains("baseline")) {
    const json& base = root["baseline"];
    if (!base.is_array()) return Error::BadInput("baseline", "must be a list of lab results");
    for (size_t i = 0; i < base.size(); ++i) {
      auto lab = ParseBaseline(k, base[i], "baseline[" + std::to_string(i) + "]", c.start_date);
      if (!lab.ok()) return lab.error();
      lab.value().index = -1 - static_cast<int>(i);
      c.events.push_back(*lab);
    }
  }
  if (root.contains("events")) {
    const json& events = root["events"];
    if (!events.is_array()) return Error::BadInput("events", "must be a list");
    for (size_t i = 0; i < events.size(); ++i) {
      auto ev = ParseEvent(k, events[i], "events[" + std::to_string(i) + "]", c);
      if (!ev.ok()) return ev.error();
      ev.value().index = static_cast<int>(i);
      c.events.push_back(*ev);
    }
  }
  std::stable_sort(c.events.begin(), c.events.end(), [](const Event& a, const Event& b) { return a.date < b.date; });
  s = CheckCourse(k, c);
  if (!s.ok()) return s.error();
  return c;
}

Result<Event> ParseEventJson(const Knowledge& k, std::string_view json_text, const std::string& where,
                             const Course& course) {
  auto parsed = json_input::ParseObject(json_text, where);
  if (!parsed.ok()) return parsed.error();
  return ParseEvent(k, *parsed, where, course);
}

namespace {

Result<Event> RecordedEvent(const Knowledge& k, const json& e, const std::string& where, const Course& course) {
  if (e.contains("type") && e["type"] == "lab" && e.contains("date") && e["date"].is_string()) {
    auto date = Date::Parse(e["date"].get<std::string>());
    if (date.ok() && *date < course.start_date) return ParseBaseline(k, e, where, course.start_date);
  }
  return ParseEvent(k, e, where, course);
}

}  // namespace

Result<Event> ParseRecordedEventJson(const Knowledge& k, std::string_view json_text, const std::string& where,
                                     const Course& course) {
  auto parsed = json_input::ParseObject(json_text, where);
  if (!parsed.ok()) return parsed.error();
  return RecordedEvent(k, *parsed, where, course);
}

Result<Event> ParseStoredEventJson(const Knowledge& k, std::string_view json_text, const std::string& where,
                                   const Course& course) {
  auto parsed = json_input::ParseWrittenObject(json_text, where);
  if (!parsed.ok()) return parsed.error();
  return RecordedEvent(k, *parsed, where, course);
}

Result<Patient> ParsePatientJson(const Knowledge& k, std::string_view json_text, Date on) {
  auto parsed = json_input::ParseObject(json_text, "patient");
  if (!parsed.ok()) return parsed.error();
  Course c;
  c.start_date = on;
  Status s = ParsePatient(k, *parsed, c);
  if (!s.ok()) return s.error();
  s = CheckCategory(k, c.patient);
  if (!s.ok()) return s.error();
  return c.patient;
}

namespace {

nlohmann::json PatientObject(std::string_view facts_json, const std::string& sex, const std::string& birth_date) {
  nlohmann::json patient = nlohmann::json::parse(facts_json, nullptr, false);
  if (!patient.is_object()) patient = nlohmann::json::object();
  if (!sex.empty()) patient["sex"] = sex;
  if (!birth_date.empty()) patient["birth_date"] = birth_date;
  return patient;
}

}  // namespace

std::string PatientObjectJson(std::string_view facts_json, const std::string& sex, const std::string& birth_date) {
  return PatientObject(facts_json, sex, birth_date).dump();
}

std::string CourseFileJson(std::string_view header_json, std::string_view facts_json, const std::string& sex,
                           const std::string& birth_date) {
  nlohmann::json file = nlohmann::json::parse(header_json, nullptr, false);
  if (!file.is_object()) file = nlohmann::json::object();
  file["patient"] = PatientObject(facts_json, sex, birth_date);
  return file.dump();
}

Status CheckCourse(const Knowledge& k, const Course& course) {
  Status s = CheckCategory(k, course.patient);
  if (!s.ok()) return s;
  return CheckProgramOrder(course);
}

Status CheckEventsUpTo(const Course& course, Date as_of, bool allow_before_start) {
  if (as_of < course.start_date && !allow_before_start) {
    return Error::BadInput("--as-of", as_of.ToString() + " is before the start date " + course.start_date.ToString());
  }
  for (const Event& e : course.events) {
    if (e.index >= 0 && e.date > as_of) {
      return Error::BadInput("events[" + std::to_string(e.index) + "].date",
                             e.date.ToString() + " is after the as-of date " + as_of.ToString());
    }
  }
  return Status::Ok();
}

}  // namespace lenacare
