#include "wire/json.h"

#include <cmath>
#include <map>

#include "core/quantity.h"

namespace lenacare::wire {

using nlohmann::json;

namespace {

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

json PillDays(const Regimen& r, int cycle_days) {
  json days = json::array();
  for (int d = 1; d <= cycle_days; ++d) {
    if (r.IsPillDay(d)) days.push_back(d);
  }
  return days;
}

json DateJson(const std::optional<Date>& d) { return d ? json(d->ToString()) : json(nullptr); }

}  // namespace

double CrClShown(const app::CrClAnswer& a) { return Round2(a.crcl_ml_min); }

std::string_view MissedDoseActionId(const MissedDoseAdvice& a) {
  static constexpr std::string_view kActions[] = {"not-yet-due", "take-now", "skip"};
  return kActions[static_cast<int>(a.action)];
}

const char* ErrorKindId(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadInput:
      return "bad-input";
    case ErrorKind::kCannotAssess:
      return "cannot-assess";
    case ErrorKind::kFailed:
      return "failed";
    case ErrorKind::kForbidden:
      return "forbidden";
    case ErrorKind::kRefused:
      return "refused";
    case ErrorKind::kNeedsConfirmation:
      return "needs-confirmation";
  }
  return "failed";
}

json ErrorJson(const Error& e) {
  json error = {{"kind", ErrorKindId(e.kind)}, {"field", e.field}, {"message", e.message}};
  if (e.kind == ErrorKind::kRefused || e.kind == ErrorKind::kNeedsConfirmation) {
    json problems = json::array();
    for (const Problem& p : e.problems) {
      problems.push_back({{"code", p.code}, {"message", p.message}, {"source", p.source}});
    }
    error["problems"] = std::move(problems);
  }
  return json{{"error", std::move(error)}};
}

// Built member by member: a braced initializer list would copy every value once more, and these
// objects are most of an API answer (bench/webapp_bench.cpp).
json CitationJson(const Citation& c) {
  json j = json::object();
  j["id"] = c.id;
  j["file"] = c.file;
  j["source"] = c.source;
  json cites = json::array();
  for (const CiteRef& r : c.refs) {
    json ref = json::object();
    ref["source"] = r.doc;
    ref["section"] = r.section;
    ref["text"] = r.text;
    if (!r.url.empty()) ref["url"] = r.url;
    cites.push_back(std::move(ref));
  }
  j["cites"] = std::move(cites);
  if (!c.confidence.empty()) {
    j["confidence"] = c.confidence;
    j["confidence_text"] = c.ConfidenceWords();
  }
  j["verified"] = c.verified;
  if (!c.note.empty()) j["note"] = c.note;
  return j;
}

json KnowledgeDiffJson(const KnowledgeDiff& d) {
  json entries = json::array();
  std::map<std::string, int> counts;
  for (const EntryChange& e : d.entries) {
    ++counts[e.change];
    json fields = json::array();
    for (const FieldChange& f : e.fields) {
      fields.push_back({{"field", f.field}, {"about", f.about}, {"before", f.before}, {"after", f.after}});
    }
    json entry = {{"file", e.file}, {"section", e.section}, {"id", e.id}, {"change", e.change}};
    if (e.change == "changed") entry["fields"] = std::move(fields);
    entries.push_back(std::move(entry));
  }
  auto side = [](const std::string& dir, const std::string& label, const std::string& problem) {
    json j = {{"dir", dir}, {"label", label}, {"loads", problem.empty()}};
    if (!problem.empty()) j["problem"] = problem;
    return j;
  };
  return {{"old", side(d.old_dir, d.old_label, d.old_problem)},
          {"new", side(d.new_dir, d.new_label, d.new_problem)},
          {"added", counts["added"]},
          {"removed", counts["removed"]},
          {"changed", counts["changed"]},
          {"entries", std::move(entries)}};
}

json ReviewJson(const Review& r) {
  json items = json::array();
  for (const ReviewItem& i : r.items) {
    items.push_back({{"file", i.entry.file},
                     {"section", i.entry.section},
                     {"id", i.entry.id},
                     {"topic", i.topic},
                     {"value", i.value},
                     {"corrected", i.corrected},
                     {"sources", i.cites},
                     {"confidence", i.confidence},
                     {"confidence_text", i.confidence_words},
                     {"verified", i.verified},
                     {"check", i.check},
                     {"note", i.note},
                     {"status", i.status},
                     {"status_text", i.status_text},
                     {"base", i.base}});
  }
  return {{"unverified", r.unverified},
          {"signed_off", r.signed_off},
          {"back_in_review", r.back_in_review},
          {"entries", std::move(items)}};
}

json SourcesJson(const SourceRegister& r) {
  json docs = json::array();
  for (const SourceDoc& d : r.docs()) {
    docs.push_back({{"id", d.id},
                    {"short", d.short_name},
                    {"version", d.version},
                    {"label", d.Label()},
                    {"title", d.title},
                    {"publisher", d.publisher},
                    {"kind", d.kind},
                    {"urls", d.urls},
                    {"accessed", d.accessed},
                    {"note", d.note}});
  }
  json confidence = json::array();
  for (const Confidence& c : Confidences()) {
    confidence.push_back({{"confidence", c.key}, {"verified", c.verified}, {"text", c.words}});
  }
  return {{"sources", std::move(docs)}, {"confidence", std::move(confidence)}};
}

json NotesJson(const std::vector<Note>& notes) {
  json arr = json::array();
  for (const Note& n : notes) {
    std::string text = n.text;
    if (!n.verified) text += " (" + std::string(kUnverifiedSuffix) + ")";
    json note = json::object();
    note["text"] = std::move(text);
    note["source"] = n.source;
    note["verified"] = n.verified;
    arr.push_back(std::move(note));
  }
  return arr;
}

json RegimenJson(const Regimen& r, int cycle_days) {
  return {{"dose_mg", r.dose_mg},     {"frequency", FrequencyName(r.frequency)},
          {"days", r.days.text()},    {"pill_days", PillDays(r, cycle_days)},
          {"cycle_days", cycle_days}, {"description", r.Describe()}};
}

json PackJson(const Knowledge& k) {
  return {{"pack", k.pack.id},
          {"jurisdiction", k.pack.jurisdiction},
          {"label_date", k.pack.label_date},
          {"document", k.pack.document}};
}

json CrClJson(const app::CrClAnswer& a) {
  return {{"crcl_ml_min", CrClShown(a)},
          {"formula", "Cockcroft-Gault"},
          {"weight_used", "actual body weight"},
          {"age_years", a.age_years},
          {"sex", a.sex},
          {"weight_kg", Round2(a.weight_kg)},
          {"creatinine_mg_dl", std::round(a.creatinine_mg_dl * 1000) / 1000},
          {"source", a.cite.source},
          {"verified", a.cite.verified}};
}

json CapsulesJson(const app::CapsulesAnswer& a) {
  json j = CapsulePlanJson(a.plan);
  j["maximum_dose_mg"] = a.maximum_dose_mg;
  j["warnings"] = a.warnings;
  return j;
}

json CapsulePlanJson(const CapsulePlan& p) {
  json caps = json::array();
  for (const CapsuleCount& c : p.capsules) {
    caps.push_back({{"strength_mg", c.strength_mg}, {"per_dose", c.per_dose}, {"quantity", c.quantity}});
  }
  json j = json::object();
  j["dose_mg"] = p.dose_mg;
  j["capsules"] = std::move(caps);
  j["pill_days"] = p.pill_days;
  j["supply_days"] = p.supply_days;
  json sources = json::array();
  sources.push_back(CitationJson(p.strengths_cite));
  sources.push_back(CitationJson(p.supply_cite));
  j["sources"] = std::move(sources);
  return j;
}

json StartDoseJson(const app::StartDoseAnswer& a) {
  const StartingDose& d = a.dose;
  const Indication& ind = *d.indication;
  json sources = json::array();
  sources.push_back(CitationJson(ind.cite));
  for (const Citation& c : d.cites) sources.push_back(CitationJson(c));
  json j = json::object();
  j["indication"] = ind.id;
  j["dose_mg"] = d.regimen.dose_mg;
  j["frequency"] = FrequencyName(d.regimen.frequency);
  j["after_dialysis"] = d.after_dialysis;
  j["days"] = d.regimen.days.text();
  j["pill_days"] = PillDays(d.regimen, ind.cycle_days);
  j["cycle_days"] = ind.cycle_days;
  j["renal_band"] = d.band;
  j["adjusted_for_renal_function"] = d.adjusted;
  j["crcl_ml_min"] = a.crcl_ml_min ? json(Round2(*a.crcl_ml_min)) : json(nullptr);
  j["source"] = d.adjusted ? d.cites.back().source : ind.cite.source;
  j["sources"] = std::move(sources);
  j["notes"] = NotesJson(d.notes);
  j["escalations"] = NotesJson(d.escalations);
  j["verified"] = d.verified();
  if (!d.verified()) j["unverified"] = kUnverifiedSuffix;
  if (ind.max_cycles > 0) j["max_cycles"] = ind.max_cycles;
  if (a.capsules) j["capsules"] = CapsulePlanJson(*a.capsules);
  return j;
}

json CalendarJson(const app::CycleCalendarAnswer& a) {
  const Calendar& c = a.calendar;
  const Indication& ind = *a.indication;
  json days = json::array();
  const bool verified = c.verified;
  for (const CalendarDay& d : c.days) {
    json comps = json::array();
    for (const CompanionOnDay& x : d.companions)
      comps.push_back({{"drug", x.drug}, {"dose", x.dose}, {"route", x.route}});
    json labs = d.labs_due;
    days.push_back({{"date", d.date.ToString()},
                    {"cycle", d.cycle},
                    {"day", d.day},
                    {"pill", d.pill},
                    {"lenalidomide_mg", d.dose_mg},
                    {"companions", comps},
                    {"labs_due", labs}});
  }
  json sources = json::array();
  for (const Citation* cite : c.cites) sources.push_back(CitationJson(*cite));
  json j = {{"indication", ind.id}, {"regimen", RegimenJson(a.regimen, ind.cycle_days)},
            {"days", days},         {"notes", NotesJson(c.notes)},
            {"sources", sources},   {"verified", verified}};
  if (!verified) j["unverified"] = kUnverifiedSuffix;
  return j;
}

json MissedDoseJson(const MissedDoseAdvice& a) {
  return {{"action", MissedDoseActionId(a)}, {"hours_late", Round2(a.hours_late)},
          {"window_hours", a.window_hours},  {"advice", a.advice},
          {"source", a.cite.source},         {"verified", a.cite.verified}};
}

json GradeJson(const app::GradeAnswer& a) {
  const GradeResult& g = a.grade;
  const std::string name = g.term != nullptr ? g.term->name : "Febrile neutropenia";
  json j = {{"test", a.test},
            {"value", a.value},
            {"term", name},
            {"grade", g.grade},
            {"band", g.band},
            {"ctcae_version", g.version},
            {"source", g.cite.source},
            {"verified", g.cite.verified}};
  if (!g.note.empty()) j["note"] = g.note;
  return j;
}

json VteJson(const Knowledge& k, const app::VteAnswer& a) {
  const ImwgResult& imwg = a.imwg;
  const ImpedeResult& impede = a.impede;
  const VteKnowledge& v = k.safety.vte;
  json factors = json::array();
  for (const ImwgFactor* f : imwg.present) {
    factors.push_back({{"id", f->id}, {"group", f->group}, {"text", f->text}, {"verified", f->cite.verified}});
  }
  json imwg_j = {{"model", "IMWG 2008"},
                 {"citation", v.imwg_citation},
                 {"status", imwg.complete ? "assessed" : "insufficient-data"},
                 {"missing", imwg.missing},
                 {"decided_from_known", imwg.decided_from_known},
                 {"could_change", imwg.could_change},
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
          {"notes", NotesJson(a.notes)}};
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
  json j = {{"query", a.query},           {"id", x.id},         {"matched_by", a.matched_by},
            {"severity", x.severity},     {"answer", x.answer}, {"source", x.cite.source},
            {"verified", x.cite.verified}};
  if (!x.cite.verified) j["unverified"] = kUnverifiedSuffix;
  return j;
}

json InteractionsJson(const app::InteractionsAnswer& a) {
  json answers = json::array();
  for (const InteractionAnswer& x : a.answers) answers.push_back(InteractionJson(x));
  return {{"interactions", answers}};
}

json KnowledgeJson(const app::KnowledgeSummary& s) {
  const Knowledge& k = *s.k;
  return {{"ok", true},
          {"directory", k.root},
          {"knowledge", PackJson(k)},
          {"indications", k.indications.size()},
          {"entries", s.entries},
          {"unverified_entries", s.unverified}};
}

json DemoJson(const app::DemoAnswer& a) {
  return {{"patient",
           {{"age_years", 72},
            {"sex", "female"},
            {"weight", "58 kg"},
            {"creatinine", "1.3 mg/dL"},
            {"setting", "newly-diagnosed"}}},
          {"start_dose", StartDoseJson(a.start)},
          {"calendar", CalendarJson(a.calendar)}};
}

json AssessmentJson(const Knowledge& k, const Assessment& a, const Indication& ind) {
  json recs = json::array();
  for (const Recommendation& r : a.recommendations) {
    recs.push_back({{"action", ActionId(r.action)},
                    {"reason", r.reason},
                    {"source", r.source},
                    {"rule", r.rule},
                    {"verified", r.verified},
                    {"informational", r.informational}});
  }
  json j = {{"as_of", a.as_of.ToString()},
            {"indication", ind.id},
            {"status", CourseStatusId(a.status)},
            {"cycle", a.cycle},
            {"cycle_day", a.cycle_day},
            {"pill_today", a.pill_today},
            {"dose_mg", a.dose ? json(a.dose->dose_mg) : json(nullptr)},
            {"regimen", a.dose ? RegimenJson(*a.dose, ind.cycle_days) : json(nullptr)},
            {"recommendations", recs},
            {"verified", a.verified()},
            {"knowledge", PackJson(k)}};
  json due = json::array();
  for (const DueTest& t : a.tests_due) {
    due.push_back({{"test", t.test},
                   {"due", t.due.ToString()},
                   {"overdue", t.overdue},
                   {"detail", t.detail},
                   {"source", t.source},
                   {"verified", t.verified}});
  }
  j["tests_due"] = due;
  if (!a.verified()) j["unverified"] = kUnverifiedSuffix;
  if (a.status == CourseStatus::kCannotAssess) j["cannot_assess"] = a.cannot_assess;
  return j;
}

namespace {

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

}  // namespace

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

json ReadinessJson(const Readiness& r) {
  return {{"may_start", DispenseAnswerId(r.may_start)}, {"reasons", r.reasons}, {"items", ItemsJson(r.items)}};
}

json CheckJson(const Knowledge& k, const app::CheckAnswer& a) {
  json j = json::object();
  j["evaluate"] = a.assessment ? AssessmentJson(k, *a.assessment, *a.indication) : json(nullptr);
  j["rems"] = RemsJson(a.rems);
  j["readiness"] = ReadinessJson(a.readiness);
  j["vte"] = a.vte ? VteJson(k, *a.vte) : json(nullptr);
  json interactions = json::array();
  for (const InteractionAnswer& x : a.interactions) interactions.push_back(InteractionJson(x));
  j["interactions"] = interactions;
  json unknown = json::array();
  for (const auto& x : a.unknown_medications) unknown.push_back({{"query", x.query}, {"message", x.message}});
  j["unknown_medications"] = unknown;
  return j;
}

namespace {

json Category(const std::optional<ResponseCategory>& c) {
  return c ? json(std::string(ResponseCategoryId(*c))) : json(nullptr);
}

json NadirJson(const Nadir& n) {
  return {{"marker", n.marker},
          {"value", n.value},
          {"unit", n.unit},
          {"reached", n.reached.ToString()},
          {"confirmed", n.confirmed.ToString()}};
}

}  // namespace

json ResponseJson(const ResponseAnswer& a) {
  json assessments = json::array();
  for (const AssessmentResponse& x : a.assessments) {
    json rules = json::array();
    for (const Citation& c : x.rules) rules.push_back({{"id", c.id}, {"source", c.source}, {"verified", c.verified}});
    assessments.push_back({{"date", x.date.ToString()},
                           {"category", ResponseCategoryId(x.category)},
                           {"confirmed", x.confirmed},
                           {"awaiting_confirmation", x.awaiting_confirmation},
                           {"confirmed_on", DateJson(x.confirmed_on)},
                           {"reasoning", x.reasoning},
                           {"rules", rules}});
  }
  json followed = json::array();
  for (ResponseMarker m : a.followed) followed.push_back(ResponseMarkerId(m));
  json nadirs = json::array();
  for (const Nadir& n : a.nadirs) nadirs.push_back(NadirJson(n));
  json j = {{"criteria", a.criteria},
            {"citation", a.citation},
            {"status", a.assessed ? "assessed" : "cannot-assess"},
            {"marker", a.marker ? json(std::string(ResponseMarkerId(*a.marker))) : json(nullptr)},
            {"followed", followed},
            {"best_response", Category(a.best_response)},
            {"current_response", Category(a.current_response)},
            {"progression_date", DateJson(a.progression_date)},
            {"progression_first_date", DateJson(a.progression_first)},
            {"nadir", a.nadirs.empty() ? json(nullptr) : NadirJson(a.nadirs.front())},
            {"nadirs", nadirs},
            {"assessments", assessments},
            {"steps", a.steps},
            {"verified", a.verified}};
  if (!a.assessed) {
    j["reason"] = a.reason;
    j["field"] = a.reason_field;
  }
  if (!a.verified) j["unverified"] = kUnverifiedSuffix;
  return j;
}

json PatientJson(const store::PatientRecord& p) {
  return {{"ref", p.ref},
          {"name", p.name},
          {"sex", p.sex.empty() ? json(nullptr) : json(p.sex)},
          {"birth_date", p.birth_date.empty() ? json(nullptr) : json(p.birth_date)},
          {"facts", json::parse(p.facts)}};
}

json PatientListJson(const std::vector<store::PatientRecord>& list) {
  json j = json::array();
  for (const auto& p : list) j.push_back(PatientJson(p));
  return {{"patients", j}};
}

json PatientPageJson(const app::PatientPage& page) {
  json j = PatientListJson(page.patients);
  j["next"] = page.next.empty() ? json(nullptr) : json(page.next);
  return j;
}

namespace {

// The correction and confirmation columns of a row, where set.
void AddRowFacts(json& j, const store::EventRecord& e) {
  if (e.replaces != 0) j["replaces"] = e.replaces;
  if (e.replaced_by != 0) j["replaced_by"] = e.replaced_by;
  if (!e.reason.empty()) j["reason"] = e.reason;
  if (!e.warnings.empty()) j["confirmed_over"] = json::parse(e.warnings, nullptr, false);
}

}  // namespace

json PatientViewJson(const app::PatientView& v) {
  json j = PatientJson(v.patient);
  j["course"] = v.course ? json::parse(v.course->header) : json(nullptr);
  j["diagnoses"] = v.diagnoses;
  j["events"] = json::array();
  for (const auto& e : v.events) {
    json row = {{"id", e.id}, {"event", json::parse(e.body)}, {"source", e.source}};
    AddRowFacts(row, e);
    j["events"].push_back(std::move(row));
  }
  return j;
}

json CourseStartedJson(const store::CourseRecord& c, const std::string& ref) {
  return {{"patient", ref}, {"course", json::parse(c.header)}};
}

json RecordedJson(const store::EventRecord& e, const std::string& ref) {
  json j = {{"patient", ref}, {"id", e.id}, {"event", json::parse(e.body)}};
  AddRowFacts(j, e);
  return j;
}

json StatusJson(const Knowledge& k, const app::StatusAnswer& a) {
  json j = CheckJson(k, a.check);
  j["patient"] = {{"ref", a.patient.ref}, {"name", a.patient.name}};
  j["as_of"] = a.as_of.ToString();
  j["ignored_events"] = a.ignored_events;
  return j;
}

json ImportJson(const app::ImportSummary& s) {
  json skipped = json::object();
  for (const auto& [reason, n] : s.skipped_by_reason) skipped[reason] = n;
  return {
      {"files", s.files},     {"resources", s.resources}, {"written", s.written},         {"unchanged", s.unchanged},
      {"skipped", s.skipped}, {"invalid", s.invalid},     {"skipped_by_reason", skipped}, {"problems", s.problems}};
}

json WorklistJson(const app::Worklist& w) {
  json entries = json::array();
  for (const app::WorkEntry& e : w.entries) {
    json items = json::array();
    for (const app::WorkItem& i : e.items) {
      json item = {{"urgency", app::UrgencyId(i.urgency)},
                   {"what", i.what},
                   {"due", i.due ? json(i.due->ToString()) : json(nullptr)},
                   {"detail", i.detail},
                   {"source", i.source},
                   {"verified", i.verified}};
      if (!i.finding.empty()) item["finding"] = i.finding;
      items.push_back(std::move(item));
    }
    entries.push_back(
        {{"patient", e.patient.ref}, {"name", e.patient.name}, {"indication", e.indication}, {"items", items}});
  }
  json out = {{"as_of", w.as_of.ToString()},
              {"look_ahead_days", w.look_ahead_days},
              {"patients_with_a_course", w.patients},
              {"entries", entries}};
  if (w.paged) out["next"] = w.next.empty() ? json(nullptr) : json(w.next);
  return out;
}

json AuditCheckJson(const store::AuditCheck& c) {
  return {{"ok", c.ok},
          {"entries", c.entries},
          {"problem", c.problem},
          {"keyed_from", c.keyed_from},
          {"unverified", c.unverified},
          {"checkpoints", c.checkpoints},
          {"note", c.note}};
}

json AuditLogJson(const std::vector<store::AuditEntry>& log) {
  json j = json::array();
  for (const auto& e : log) {
    j.push_back({{"seq", e.seq},
                 {"at", e.at},
                 {"actor", e.actor},
                 {"action", e.action},
                 {"subject", e.subject},
                 {"detail", e.detail},
                 {"hash", e.hash}});
  }
  return {{"entries", j}};
}

json TokensJson(const std::vector<store::TokenInfo>& tokens) {
  json j = json::array();
  for (const store::TokenInfo& t : tokens) {
    j.push_back({{"id", t.id},
                 {"username", t.username},
                 {"name", t.name},
                 {"scope", t.scope},
                 {"state", t.state},
                 {"created_at", t.created_at},
                 {"created_by", t.created_by},
                 {"expires_at", t.expires_at},
                 {"revoked_at", t.revoked_at.empty() ? json(nullptr) : json(t.revoked_at)}});
  }
  return {{"tokens", j}};
}

json SymptomJson(const store::SymptomEntry& e) {
  return {{"id", e.id}, {"date", e.date}, {"symptom", e.symptom}, {"severity", e.severity}, {"note", e.note}};
}

json SymptomsJson(const std::string& ref, const std::vector<store::SymptomEntry>& list) {
  json out = json::array();
  for (const store::SymptomEntry& e : list) out.push_back(SymptomJson(e));
  return {{"patient", ref}, {"symptoms", out}};
}

}  // namespace lenacare::wire
