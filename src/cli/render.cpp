#include "cli/render.h"

#include <cmath>
#include <sstream>

#include "core/quantity.h"

namespace lenacare::cli {

using nlohmann::json;

const char* const kDisclaimer =
    "lenacare supports, and never replaces, the judgement of the treating team and the official "
    "prescribing information.";

namespace {

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

json PillDays(const Regimen& r, int cycle_days) {
  json days = json::array();
  for (int d = 1; d <= cycle_days; ++d) {
    if (r.IsPillDay(d)) days.push_back(d);
  }
  return days;
}

std::string Wrap(const std::string& prefix, const std::string& text) { return prefix + text + "\n"; }

}  // namespace

// Built member by member: a braced initializer list would copy every value once more, and these
// objects are most of an API answer (bench/webapp_bench.cpp).
json CitationJson(const Citation& c) {
  json j = json::object();
  j["id"] = c.id;
  j["file"] = c.file;
  j["source"] = c.source;
  j["tag"] = c.tag;
  j["verified"] = c.verified;
  if (!c.note.empty()) j["note"] = c.note;
  return j;
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

json StartingDoseJson(const StartingDose& d, const std::optional<double>& crcl, const CapsulePlan* plan) {
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
  j["crcl_ml_min"] = crcl ? json(Round2(*crcl)) : json(nullptr);
  j["source"] = d.adjusted ? d.cites.back().source : ind.cite.source;
  j["sources"] = std::move(sources);
  j["notes"] = NotesJson(d.notes);
  j["escalations"] = NotesJson(d.escalations);
  j["verified"] = d.verified();
  if (!d.verified()) j["unverified"] = kUnverifiedSuffix;
  if (ind.max_cycles > 0) j["max_cycles"] = ind.max_cycles;
  if (plan != nullptr) j["capsules"] = CapsulePlanJson(*plan);
  return j;
}

json CalendarJson(const Calendar& c, const Indication& ind, const Regimen& r) {
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
  json j = {{"indication", ind.id}, {"regimen", RegimenJson(r, ind.cycle_days)},
            {"days", days},         {"notes", NotesJson(c.notes)},
            {"sources", sources},   {"verified", verified}};
  if (!verified) j["unverified"] = kUnverifiedSuffix;
  return j;
}

json MissedDoseJson(const MissedDoseAdvice& a) {
  static constexpr std::string_view kActions[] = {"not-yet-due", "take-now", "skip"};
  return {{"action", kActions[static_cast<int>(a.action)]},
          {"hours_late", Round2(a.hours_late)},
          {"window_hours", a.window_hours},
          {"advice", a.advice},
          {"source", a.cite.source},
          {"verified", a.cite.verified}};
}

std::string NotesText(const std::vector<Note>& notes) {
  std::string out;
  for (const Note& n : notes) {
    out += Wrap("  note: ",
                n.text + (n.verified ? "" : " (" + std::string(kUnverifiedSuffix) + ")") + " [" + n.source + "]");
  }
  return out;
}

std::string AssessmentText(const Assessment& a, const Indication& ind) {
  std::ostringstream out;
  out << ind.name << " — as of " << a.as_of.ToString() << "\n";
  out << "  status: " << CourseStatusId(a.status);
  if (a.cycle > 0) out << " (cycle " << a.cycle << ", day " << a.cycle_day << ")";
  out << "\n";
  if (a.dose) {
    out << "  dose: " << a.dose->Describe() << (a.status == CourseStatus::kInterrupted ? " (when resumed)" : "")
        << "\n";
  }
  if (a.status == CourseStatus::kCannotAssess) out << "  cannot assess: " << a.cannot_assess << "\n";
  for (const Recommendation& r : a.recommendations) {
    out << "  - " << ActionId(r.action) << ": " << r.reason << "\n";
    if (!r.source.empty()) out << "      source: " << r.source << "\n";
  }
  for (const DueTest& t : a.tests_due) {
    out << "  test due: " << t.test << " " << t.due.ToString() << (t.overdue ? " (overdue)" : "") << "\n";
  }
  return out.str();
}

std::string CapsulePlanText(const CapsulePlan& p) {
  std::ostringstream out;
  out << "  capsules per dose:";
  for (const CapsuleCount& c : p.capsules) out << " " << c.per_dose << " x " << FormatNumber(c.strength_mg) << " mg";
  out << "\n  quantity for " << p.pill_days << " pill days (" << p.supply_days << "-day supply):";
  for (const CapsuleCount& c : p.capsules) out << " " << c.quantity << " x " << FormatNumber(c.strength_mg) << " mg";
  out << "\n";
  return out.str();
}

std::string StartingDoseText(const StartingDose& d, const std::optional<double>& crcl, const CapsulePlan* plan) {
  std::ostringstream out;
  const Indication& ind = *d.indication;
  out << ind.name << "\n";
  if (crcl)
    out << "  creatinine clearance: " << FormatNumber(Round2(*crcl)) << " mL/min (renal band: " << d.band << ")\n";
  else
    out << "  renal band: " << d.band << "\n";
  out << "  starting dose: " << d.regimen.Describe() << " of each " << ind.cycle_days << "-day cycle"
      << (d.after_dialysis ? ", after dialysis on dialysis days" : "")
      << (d.verified() ? "" : " (" + std::string(kUnverifiedSuffix) + ")") << "\n";
  if (ind.max_cycles > 0) out << "  up to " << ind.max_cycles << " cycles\n";
  out << "  source: " << (d.adjusted ? d.cites.back().source : ind.cite.source) << "\n";
  if (plan != nullptr) out << CapsulePlanText(*plan);
  out << NotesText(d.notes) << NotesText(d.escalations);
  return out.str();
}

std::string CalendarText(const Calendar& c, const Indication& ind, const Regimen& r) {
  std::ostringstream out;
  out << ind.name << ": " << r.Describe() << " of each " << ind.cycle_days << "-day cycle\n";
  out << "  date        cycle/day  lenalidomide  companions                          labs\n";
  for (const CalendarDay& d : c.days) {
    std::string comps;
    for (const CompanionOnDay& x : d.companions) comps += (comps.empty() ? "" : ", ") + x.drug + " " + x.dose;
    std::string labs;
    for (const std::string& l : d.labs_due) labs += (labs.empty() ? "" : ", ") + l;
    char line[320];
    std::snprintf(line, sizeof line, "  %s  C%-2d D%-3d   %-12s  %-34s  %s\n", d.date.ToString().c_str(), d.cycle,
                  d.day, d.pill ? (FormatNumber(d.dose_mg) + " mg").c_str() : "rest", comps.c_str(), labs.c_str());
    out << line;
  }
  out << NotesText(c.notes);
  return out.str();
}

}  // namespace lenacare::cli
