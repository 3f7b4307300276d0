// The safety subcommands: rems, vte, interactions and check (all checks for one course).
#include <algorithm>
#include <sstream>

#include "cli/common.h"
#include "cli/render.h"
#include "clinical/interactions.h"
#include "clinical/vte.h"
#include "core/quantity.h"
#include "core/text.h"
#include "course/calendar.h"
#include "course/course_json.h"
#include "course/evaluate.h"
#include "course/readiness.h"
#include "course/rems.h"

namespace lenacare::cli {
namespace {

using nlohmann::json;

json ItemsJson(const std::vector<ChecklistItem>& items) {
  json arr = json::array();
  for (const ChecklistItem& i : items) {
    arr.push_back({{"id", i.id},
                   {"text", i.text},
                   {"status", ItemStatusId(i.status)},
                   {"detail", i.detail},
                   {"due", i.due ? json(i.due->ToString()) : json(nullptr)},
                   {"blocks_dispensing", i.blocks_dispensing},
                   {"source", i.source},
                   {"verified", i.verified}});
  }
  return arr;
}

std::string ItemsText(const std::vector<ChecklistItem>& items) {
  std::ostringstream out;
  for (const ChecklistItem& i : items) {
    out << "  [" << ItemStatusId(i.status) << "] " << i.text;
    if (!i.detail.empty()) out << " — " << i.detail;
    out << "\n      source: " << i.source << "\n";
  }
  return out.str();
}

json RemsJson(const RemsChecklist& r) {
  json j = {{"as_of", r.as_of.ToString()},
            {"category", r.category},
            {"can_become_pregnant", r.can_become_pregnant},
            {"may_dispense", DispenseAnswerId(r.may_dispense)},
            {"reasons", r.reasons},
            {"items", ItemsJson(r.items)},
            {"verified", r.verified()}};
  if (!r.verified()) j["unverified"] = kUnverifiedSuffix;
  return j;
}

std::string RemsText(const RemsChecklist& r) {
  std::ostringstream out;
  out << "Pregnancy prevention (Lenalidomide REMS) — as of " << r.as_of.ToString() << "\n  category: " << r.category
      << "\n  may be dispensed today: " << DispenseAnswerId(r.may_dispense)
      << (r.verified() ? "" : " (rests on items marked " + std::string(kUnverifiedSuffix) + ")") << "\n";
  for (const std::string& reason : r.reasons) out << "    - " << reason << "\n";
  return out.str() + ItemsText(r.items);
}

json ReadinessJson(const Readiness& r) {
  return {{"may_start", DispenseAnswerId(r.may_start)}, {"reasons", r.reasons}, {"items", ItemsJson(r.items)}};
}

json VteJson(const Knowledge& k, const ImwgResult& imwg, const ImpedeResult& impede, const std::vector<Note>& notes) {
  const VteKnowledge& v = k.safety.vte;
  json factors = json::array();
  for (const ImwgFactor* f : imwg.present) {
    factors.push_back({{"id", f->id}, {"group", f->group}, {"text", f->text}, {"verified", f->cite.verified}});
  }
  json imwg_j = {{"model", "IMWG 2008"},
                 {"citation", v.imwg_citation},
                 {"status", imwg.complete ? "assessed" : "insufficient-data"},
                 {"missing", imwg.missing},
                 {"factors", factors},
                 {"counts", {{"individual", imwg.individual}, {"myeloma", imwg.myeloma}, {"therapy", imwg.therapy}}},
                 {"source", v.imwg.source}};
  if (imwg.recommendation != nullptr) {
    imwg_j["prophylaxis"] = imwg.recommendation->prophylaxis;
    imwg_j["rule"] = imwg.recommendation->cite.id;
  }
  json items = json::array();
  for (const ImpedeItem* i : impede.items) {
    items.push_back({{"id", i->id}, {"points", i->points}, {"text", i->text}, {"verified", i->cite.verified}});
  }
  json impede_j = {{"model", "IMPEDE VTE"},
                   {"citation", v.impede_citation},
                   {"status", impede.complete ? "scored" : "insufficient-data"},
                   {"missing", impede.missing},
                   {"items", items},
                   {"source", v.impede.source},
                   {"verified", impede.verified()}};
  if (impede.complete) {
    impede_j["score"] = impede.score;
    impede_j["band"] = impede.band != nullptr ? json(impede.band->band) : json(nullptr);
    if (impede.band != nullptr) impede_j["six_month_incidence"] = impede.band->six_month_incidence;
    impede_j["anticoagulant_suggested"] = impede.anticoagulant_suggested;
    if (impede.anticoagulant_suggested) {
      impede_j["prophylaxis"] = v.impede_prophylaxis;
      impede_j["prophylaxis_source"] = v.impede_prophylaxis_cite.source;
    }
  }
  if (!impede.verified()) impede_j["unverified"] = kUnverifiedSuffix;
  return {{"imwg_2008", imwg_j},
          {"impede_vte", impede_j},
          {"label", {{"text", k.safety.thromboprophylaxis}, {"source", k.safety.thromboprophylaxis_cite.source}}},
          {"notes", NotesJson(notes)}};
}

std::string VteText(const Knowledge& k, const ImwgResult& imwg, const ImpedeResult& impede,
                    const std::vector<Note>& notes) {
  std::ostringstream out;
  out << "IMWG 2008 risk-assessment model (" << k.safety.vte.imwg_citation << ")\n";
  if (!imwg.complete) {
    out << "  insufficient data: give";
    for (const auto& m : imwg.missing) out << " " << m;
    out << "\n";
  } else {
    out << "  factors: " << imwg.individual << " individual, " << imwg.myeloma << " myeloma-related, " << imwg.therapy
        << " therapy-related\n";
    for (const ImwgFactor* f : imwg.present) out << "    - " << f->text << " (" << f->group << ")\n";
    out << "  prophylaxis: " << imwg.recommendation->prophylaxis << "\n";
  }
  out << "IMPEDE VTE score (" << k.safety.vte.impede_citation << ")\n";
  if (!impede.complete) {
    out << "  insufficient data: give";
    for (const auto& m : impede.missing) out << " " << m;
    out << "\n";
  } else {
    for (const ImpedeItem* i : impede.items)
      out << "    " << (i->points > 0 ? "+" : "") << i->points << "  " << i->text << "\n";
    out << "  score " << impede.score << ": " << (impede.band ? impede.band->band : "?") << " risk ("
        << (impede.band ? impede.band->six_month_incidence : "") << " at 6 months)\n";
    if (impede.anticoagulant_suggested) out << "  " << k.safety.vte.impede_prophylaxis << "\n";
    if (!impede.verified()) out << "  (" << kUnverifiedSuffix << ")\n";
  }
  out << "The label: " << k.safety.thromboprophylaxis << "\n  source: " << k.safety.thromboprophylaxis_cite.source
      << "\n";
  out << NotesText(notes);
  return out.str();
}

json InteractionJson(const InteractionAnswer& a) {
  if (a.interaction != nullptr) {
    const Interaction& x = *a.interaction;
    json j = {{"query", a.query},   {"id", x.id},         {"matched_by", a.matched_by}, {"severity", x.severity},
              {"effect", x.effect}, {"action", x.action}, {"source", x.cite.source},    {"verified", x.cite.verified}};
    if (!x.cite.verified) j["unverified"] = kUnverifiedSuffix;
    return j;
  }
  const NoInteraction& x = *a.no_interaction;
  return {{"query", a.query},           {"id", x.id},
          {"matched_by", a.matched_by}, {"severity", "none-expected"},
          {"answer", x.answer},         {"source", x.cite.source},
          {"verified", x.cite.verified}};
}

std::string InteractionText(const InteractionAnswer& a) {
  std::ostringstream out;
  if (a.interaction != nullptr) {
    const Interaction& x = *a.interaction;
    out << a.query << ": " << x.severity << " — " << x.effect << ". " << x.action << "."
        << (x.cite.verified ? "" : " (" + std::string(kUnverifiedSuffix) + ")") << "\n  source: " << x.cite.source
        << "\n";
  } else {
    out << a.query << ": no interaction expected — " << a.no_interaction->answer
        << "\n  source: " << a.no_interaction->cite.source << "\n";
  }
  return out.str();
}

// "31" -> "31 kg/m2": a plain number on the command line takes the option's unit.
std::string WithUnit(const std::string& text, const char* unit) {
  return text.find_first_not_of("0123456789.-+ ") == std::string::npos ? text + " " + unit : text;
}

Result<VteFacts> VteFactsFromOptions(const Knowledge& k, const Options& o) {
  VteFacts f;
  for (const std::string& name : o.present) {
    VteFactKind kind;
    if (!FindVteFact(name, kind) || kind != VteFactKind::kYesNo) {
      std::string known;
      for (auto x : VteYesNoFacts()) known += (known.empty() ? "" : ", ") + std::string(x);
      return Error::BadInput("--present", "unknown finding " + Quoted(name) + " (known: " + known + ")");
    }
    f.yes_no[name] = true;
  }
  for (const std::string& name : o.unknown) {
    VteFactKind kind;
    if (!FindVteFact(name, kind)) return Error::BadInput("--unknown", "unknown fact " + Quoted(name));
    if (f.yes_no.count(name) > 0) return Error::BadInput("--unknown", Quoted(name) + " is also listed in --present");
  }
  // The form is complete: every yes/no finding not listed as present or unknown is absent.
  for (auto name : VteYesNoFacts()) {
    const std::string n(name);
    if (f.yes_no.count(n) == 0 && std::find(o.unknown.begin(), o.unknown.end(), n) == o.unknown.end())
      f.yes_no[n] = false;
  }
  f.yes_no["imid"] = true;  // the patient takes lenalidomide
  if (!o.bmi.empty()) {
    auto v = k.units.Parse(QuantityKind::kBodyMassIndex, WithUnit(o.bmi, "kg/m2"));
    if (!v.ok()) return v.error().Under("--bmi");
    f.numbers["bmi"] = *v;
  }
  if (!o.dexamethasone.empty()) {
    auto v = k.units.Parse(QuantityKind::kDose, WithUnit(o.dexamethasone, "mg"));
    if (!v.ok()) return v.error().Under("--dexamethasone");
    f.numbers["dexamethasone_per_month"] = *v;
  }
  if (!o.prophylaxis.empty()) f.prophylaxis = o.prophylaxis;
  Status s = CheckVteFacts(k, f);
  if (!s.ok()) {
    Error e = s.error();
    e.field = e.field == "bmi" ? "--bmi" : e.field == "dexamethasone_per_month" ? "--dexamethasone" : "--" + e.field;
    return e;
  }
  return f;
}

// Dexamethasone per 28-day cycle from the course's companion schedule, for the VTE models.
std::optional<Note> DeriveDexamethasone(const Knowledge& k, const Course& c, Date as_of, VteFacts& f) {
  if (f.numbers.count("dexamethasone_per_month") > 0) return std::nullopt;
  const int cycle = as_of < c.start_date ? 1 : std::max(Evaluate(k, c, as_of).cycle, 1);
  CalendarRequest r{c.indication, c.start_date, cycle, c.starting, c.setting, std::nullopt, {}};
  if (c.patient.birth_date) r.age_years = c.start_date.YearsSince(*c.patient.birth_date);
  auto cal = BuildCalendar(k, r);
  if (!cal.ok()) return std::nullopt;
  if (!cal->companions_need.empty()) return std::nullopt;
  double mg = 0;
  for (const CalendarDay& d : cal->days) {
    if (d.cycle != cycle) continue;
    for (const CompanionOnDay& x : d.companions) {
      if (x.drug != "dexamethasone") continue;
      auto q = ParseQuantity(x.dose);
      if (q.ok() && q->unit == "mg") mg += q->value;
    }
  }
  const bool has_dex = std::any_of(k.companions.begin(), k.companions.end(), [&](const CompanionDose& x) {
    return x.indication == c.indication->id && x.drug == "dexamethasone";
  });
  if (!has_dex) mg = 0;
  f.numbers["dexamethasone_per_month"] = mg;
  return Note{"Dexamethasone per month taken as " + FormatNumber(mg) + " mg: the regimen's total in cycle " +
                  std::to_string(cycle) + " (28 days)",
              c.indication->cite.source, true};
}

int WorstExit(int a, int b) { return std::max(a, b); }

}  // namespace

int RunRems(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  auto read = ReadCourse(k, o, /*allow_before_start=*/true);
  if (!read.ok()) return Fail(read.error(), o);
  const Course* course = &read->course;
  const Date* as_of = &read->as_of;
  auto rems = BuildRemsChecklist(k, *course, *as_of);
  if (!rems.ok()) return Fail(rems.error(), o);
  return Emit(o, RemsJson(*rems), RemsText(*rems),
              rems->may_dispense == DispenseAnswer::kCannotAssess ? kCannotAssess : kAnswered);
}

int RunVte(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  auto facts = VteFactsFromOptions(k, o);
  if (!facts.ok()) return Fail(facts.error(), o);
  const ImwgResult imwg = AssessImwg(k.safety.vte, *facts);
  const ImpedeResult impede = ScoreImpede(k.safety.vte, *facts);
  const std::vector<Note> notes = {{"IMPEDE's immunomodulatory-drug item is counted: the patient takes lenalidomide",
                                    k.safety.vte.impede.source, true}};
  return Emit(o, VteJson(k, imwg, impede, notes), VteText(k, imwg, impede, notes),
              imwg.complete && impede.complete ? kAnswered : kCannotAssess);
}

int RunInteractions(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  json answers = json::array();
  std::string text;
  for (size_t i = 0; i < o.drugs.size(); ++i) {
    auto a = LookUpInteraction(k, o.drugs[i]);
    if (!a.ok()) {
      Error e = a.error();
      e.field = o.drugs.size() > 1 ? "drugs[" + std::to_string(i) + "]" : "drug";
      return Fail(e, o);
    }
    answers.push_back(InteractionJson(*a));
    text += InteractionText(*a);
  }
  return Emit(o, {{"interactions", answers}}, text);
}

int RunCheck(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  auto read = ReadCourse(k, o, /*allow_before_start=*/true);
  if (!read.ok()) return Fail(read.error(), o);
  return CheckAll(k, read->course, read->as_of, o, {});
}

int CheckAll(const Knowledge& kb, const Course& c, Date day, const Options& o, nlohmann::json j) {
  const Knowledge& k = kb;
  const Course* course = &c;
  const Date* as_of = &day;
  const Indication& ind = *course->indication;
  int exit = kAnswered;
  std::ostringstream out;
  if (j.contains("patient")) {
    out << "Patient " << j["patient"].value("ref", "") << ", course " << ind.id << " from "
        << course->start_date.ToString() << ", as of " << as_of->ToString() << "\n\n";
  }
  // Where the course stands (only from the start of therapy on).
  if (*as_of >= course->start_date) {
    const Assessment a = Evaluate(k, *course, *as_of);
    j["evaluate"] = AssessmentJson(k, a, ind);
    out << AssessmentText(a, ind) << "\n";
    if (a.status == CourseStatus::kCannotAssess) exit = kCannotAssess;
  } else {
    j["evaluate"] = nullptr;
    out << "Therapy starts on " << course->start_date.ToString() << ".\n\n";
  }
  auto rems = BuildRemsChecklist(k, *course, *as_of);
  if (!rems.ok()) return Fail(rems.error(), o);
  j["rems"] = RemsJson(*rems);
  out << RemsText(*rems) << "\n";
  if (rems->may_dispense == DispenseAnswer::kCannotAssess) exit = WorstExit(exit, kCannotAssess);
  const Readiness ready = AssessReadiness(k, *course, *rems);
  j["readiness"] = ReadinessJson(ready);
  out << "Readiness to start — may start: " << DispenseAnswerId(ready.may_start) << "\n"
      << ItemsText(ready.items) << "\n";
  if (course->patient.has_vte) {
    VteFacts facts = course->patient.vte;
    facts.yes_no["imid"] = true;
    std::vector<Note> notes = {{"IMPEDE's immunomodulatory-drug item is counted: the patient takes lenalidomide",
                                k.safety.vte.impede.source, true}};
    if (auto derived = DeriveDexamethasone(k, *course, *as_of, facts)) notes.push_back(*derived);
    const ImwgResult imwg = AssessImwg(k.safety.vte, facts);
    const ImpedeResult impede = ScoreImpede(k.safety.vte, facts);
    j["vte"] = VteJson(k, imwg, impede, notes);
    out << VteText(k, imwg, impede, notes) << "\n";
  } else {
    j["vte"] = nullptr;
    out << "Clot prevention: no patient.vte facts recorded. The label: " << k.safety.thromboprophylaxis << "\n\n";
  }
  json interactions = json::array();
  for (size_t i = 0; i < course->patient.medications.size(); ++i) {
    auto a = LookUpInteraction(k, course->patient.medications[i]);
    if (!a.ok()) return Fail(a.error().Under("patient.medications[" + std::to_string(i) + "]"), o);
    interactions.push_back(InteractionJson(*a));
    out << InteractionText(*a);
  }
  j["interactions"] = interactions;
  return Emit(o, j, out.str(), exit);
}

}  // namespace lenacare::cli
