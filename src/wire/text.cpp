#include "wire/text.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/quantity.h"

namespace lenacare::wire {

const char* const kDisclaimer =
    "lenacare supports, and never replaces, the judgement of the treating team and the official "
    "prescribing information.";

namespace {

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

std::string Wrap(const std::string& prefix, const std::string& text) { return prefix + text + "\n"; }

std::string ItemsText(const std::vector<ChecklistItem>& items) {
  std::ostringstream out;
  for (const ChecklistItem& i : items) {
    out << "  [" << ItemStatusId(i.status) << "] " << i.text;
    if (!i.detail.empty()) out << " — " << i.detail;
    out << "\n      source: " << i.source << "\n";
  }
  return out.str();
}

std::string InteractionText(const InteractionAnswer& a) {
  std::ostringstream out;
  if (a.interaction != nullptr) {
    const Interaction& x = *a.interaction;
    out << a.query << ": " << x.severity << " — " << x.effect << ". " << x.action << "."
        << (x.cite.verified ? "" : " (" + std::string(kUnverifiedSuffix) + ")") << "\n  source: " << x.cite.source
        << "\n";
  } else {
    const NoInteraction& x = *a.no_interaction;
    out << a.query
        << (x.severity == "none-described" ? ": the label describes no interaction — " : ": no interaction expected — ")
        << x.answer << (x.cite.verified ? "" : " (" + std::string(kUnverifiedSuffix) + ")")
        << "\n  source: " << x.cite.source << "\n";
  }
  return out.str();
}

std::string PatientLine(const store::PatientRecord& p) {
  return p.ref + (p.name.empty() ? "" : "  " + p.name) + (p.sex.empty() ? "" : "  " + p.sex) +
         (p.birth_date.empty() ? "" : "  born " + p.birth_date);
}

}  // namespace

std::string NotesText(const std::vector<Note>& notes) {
  std::string out;
  for (const Note& n : notes) {
    out += Wrap("  note: ",
                n.text + (n.verified ? "" : " (" + std::string(kUnverifiedSuffix) + ")") + " [" + n.source + "]");
  }
  return out;
}

std::string CrClText(const app::CrClAnswer& a) {
  std::ostringstream text;
  text << "Creatinine clearance (Cockcroft-Gault, actual body weight): " << FormatNumber(Round2(a.crcl_ml_min))
       << " mL/min\n  from age " << a.age_years << ", " << a.sex << ", " << FormatNumber(Round2(a.weight_kg))
       << " kg, creatinine " << FormatNumber(std::round(a.creatinine_mg_dl * 1000) / 1000)
       << " mg/dL\n  source: " << a.cite.source << "\n";
  return text.str();
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

std::string CapsulesText(const app::CapsulesAnswer& a) {
  std::string out = a.regimen.Describe() + "\n" + CapsulePlanText(a.plan);
  for (const std::string& w : a.warnings) out += "warning: " + w + "\n";
  return out;
}

std::string StartDoseText(const app::StartDoseAnswer& a) {
  const StartingDose& d = a.dose;
  const std::optional<double>& crcl = a.crcl_ml_min;
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
  if (a.capsules) out << CapsulePlanText(*a.capsules);
  out << NotesText(d.notes) << NotesText(d.escalations);
  return out.str();
}

std::string CalendarText(const app::CycleCalendarAnswer& a) {
  const Calendar& c = a.calendar;
  const Indication& ind = *a.indication;
  std::ostringstream out;
  out << ind.name << ": " << a.regimen.Describe() << " of each " << ind.cycle_days << "-day cycle\n";
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

std::string MissedDoseText(const MissedDoseAdvice& a) {
  std::ostringstream text;
  text << a.advice << "\n  hours since the usual time: " << FormatNumber(Round2(a.hours_late))
       << "\n  source: " << a.cite.source << "\n";
  return text.str();
}

std::string GradeText(const app::GradeAnswer& a) {
  const GradeResult& g = a.grade;
  const std::string name = g.term != nullptr ? g.term->name : "Febrile neutropenia";
  std::ostringstream text;
  text << name << ": CTCAE v" << g.version << " grade " << g.grade << " (" << g.band << ")\n";
  if (!g.note.empty()) text << "  note: " << g.note << "\n";
  text << "  source: " << g.cite.source << "\n";
  return text.str();
}

std::string VteText(const Knowledge& k, const app::VteAnswer& a) {
  const ImwgResult& imwg = a.imwg;
  const ImpedeResult& impede = a.impede;
  std::ostringstream out;
  out << "IMWG 2008 risk-assessment model (" << k.safety.vte.imwg_citation << ")\n";
  if (!imwg.complete) {
    out << "  insufficient data: give";
    for (const auto& m : imwg.missing) out << " " << m;
    out << "\n  could change the answer:";
    for (const auto& m : imwg.could_change) out << " " << m;
    out << "\n";
  } else {
    out << "  factors: " << imwg.individual << " individual, " << imwg.myeloma << " myeloma-related, " << imwg.therapy
        << " therapy-related\n";
    for (const ImwgFactor* f : imwg.present) out << "    - " << f->text << " (" << f->group << ")\n";
    out << "  prophylaxis: " << imwg.recommendation->prophylaxis << "\n";
    if (imwg.decided_from_known) {
      out << "  decided from the known findings; not known, and unable to change it:";
      for (const auto& m : imwg.missing) out << " " << m;
      out << "\n";
    }
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
  out << NotesText(a.notes);
  return out.str();
}

std::string InteractionsText(const app::InteractionsAnswer& a) {
  std::string text;
  for (const InteractionAnswer& x : a.answers) text += InteractionText(x);
  return text;
}

std::string KnowledgeText(const app::KnowledgeSummary& s) {
  const Knowledge& k = *s.k;
  std::ostringstream text;
  text << "knowledge OK: " << k.root << "\n  pack " << k.pack.id << " (" << k.pack.jurisdiction << ", label "
       << k.pack.label_date << "): " << k.indications.size() << " indications, " << s.entries << " cited entries, "
       << s.unverified << " of them unverified (answers that use them say so)\n";
  return text.str();
}

std::string KnowledgeDiffText(const KnowledgeDiff& d) {
  std::ostringstream out;
  out << "knowledge diff\n  old: " << d.old_dir << " (" << d.old_label << ")"
      << (d.old_problem.empty() ? "" : "\n    does not load: " + d.old_problem) << "\n  new: " << d.new_dir << " ("
      << d.new_label << ")" << (d.new_problem.empty() ? "" : "\n    does not load: " + d.new_problem) << "\n";
  int added = 0, removed = 0, changed = 0;
  for (const EntryChange& e : d.entries) {
    (e.change == "added" ? added : e.change == "removed" ? removed : changed) += 1;
    out << "  " << e.change << " " << e.file << " " << e.section << (e.id.empty() ? "" : " '" + e.id + "'") << "\n";
    for (const FieldChange& f : e.fields) {
      out << "    " << f.about << " " << f.field << ": " << (f.before.empty() ? "(none)" : f.before) << " -> "
          << (f.after.empty() ? "(none)" : f.after) << "\n";
    }
  }
  out << added << " added, " << removed << " removed, " << changed << " changed\n";
  return out.str();
}

std::string ReviewText(const Review& r) {
  std::ostringstream out;
  out << "Knowledge review: " << r.unverified << " not verified, " << r.signed_off << " signed off locally, "
      << r.back_in_review << " back in review\n";
  std::string topic;
  for (const ReviewItem& i : r.items) {
    if (i.topic != topic) {
      topic = i.topic;
      out << "\n" << topic << "\n";
    }
    out << "\n  " << i.entry.Describe() << ": " << i.status_text << "\n";
    if (!i.value.empty()) {
      std::istringstream lines(i.value);
      for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
    }
    if (!i.corrected.empty()) {
      out << "    corrected to:\n";
      std::istringstream lines(i.corrected);
      for (std::string line; std::getline(lines, line);) out << "      " << line << "\n";
    }
    if (!i.cites.empty()) {
      out << "    sources:";
      for (const std::string& c : i.cites) out << " " << c << ";";
      out << "\n";
    }
    if (!i.note.empty()) out << "    note: " << i.note << "\n";
    if (!i.check.empty()) out << "    to check: " << i.check << "\n";
  }
  return out.str();
}

std::string SourcesText(const SourceRegister& r) {
  std::ostringstream out;
  out << "Sources register (" << r.docs().size() << " documents)\n";
  for (const SourceDoc& d : r.docs()) {
    out << "  " << d.id << ": " << d.Label() << " (" << d.kind << ", checked " << d.accessed << ")\n    " << d.title
        << "\n";
    for (const std::string& u : d.urls) out << "    " << u << "\n";
  }
  out << "How sure a fact is:\n";
  for (const Confidence& c : Confidences()) out << "  " << c.key << ": " << c.words << "\n";
  return out.str();
}

std::string DemoText(const app::DemoAnswer& a) {
  std::ostringstream text;
  text << "lenacare demo — an example patient: 72-year-old woman, 58 kg, serum creatinine 1.3 mg/dL,\n"
       << "newly diagnosed multiple myeloma, lenalidomide with dexamethasone from 2026-01-05.\n\n"
       << StartDoseText(a.start) << "\nFirst cycle:\n"
       << CalendarText(a.calendar);
  return text.str();
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

std::string RemsText(const RemsChecklist& r) {
  std::ostringstream out;
  out << "Pregnancy prevention (Lenalidomide REMS) — as of " << r.as_of.ToString() << "\n  category: " << r.category
      << "\n  may be dispensed today: " << DispenseAnswerId(r.may_dispense)
      << (r.verified() ? "" : " (rests on items marked " + std::string(kUnverifiedSuffix) + ")") << "\n";
  for (const std::string& reason : r.reasons) out << "    - " << reason << "\n";
  return out.str() + ItemsText(r.items);
}

std::string CheckText(const Knowledge& k, const app::CheckAnswer& a) {
  std::ostringstream out;
  if (a.assessment) {
    out << AssessmentText(*a.assessment, *a.indication) << "\n";
  } else {
    out << "Therapy starts on " << a.start.ToString() << ".\n\n";
  }
  out << RemsText(a.rems) << "\n";
  out << "Readiness to start — may start: " << DispenseAnswerId(a.readiness.may_start) << "\n"
      << ItemsText(a.readiness.items) << "\n";
  if (a.vte) {
    out << VteText(k, *a.vte) << "\n";
  } else {
    out << "Clot prevention: no patient.vte facts recorded. The label: " << k.safety.thromboprophylaxis << "\n\n";
  }
  for (const InteractionAnswer& x : a.interactions) out << InteractionText(x);
  for (const auto& x : a.unknown_medications) out << x.query << ": not known — " << x.message << "\n";
  return out.str();
}

std::string ResponseText(const ResponseAnswer& a) {
  std::ostringstream out;
  out << "Myeloma response, " << a.criteria << " (" << a.citation << ")\n";
  if (!a.assessed) {
    out << "  cannot assess: " << (a.reason_field.empty() ? "" : a.reason_field + ": ") << a.reason << "\n";
  } else {
    auto cat = [](const std::optional<ResponseCategory>& c) {
      return c ? std::string(ResponseCategoryId(*c)) : std::string("not confirmed yet");
    };
    out << "  marker followed: " << ResponseMarkerName(*a.marker);
    if (a.followed.size() > 1) out << " and " << ResponseMarkerName(a.followed[1]);
    out << "\n  best response (confirmed): " << cat(a.best_response)
        << "\n  current response: " << cat(a.current_response) << "\n  progression: ";
    if (a.progression_date) {
      out << "confirmed on " << a.progression_date->ToString() << " (first seen " << a.progression_first->ToString()
          << ")\n";
    } else {
      out << "none confirmed\n";
    }
    for (const Nadir& n : a.nadirs) {
      out << "  nadir (" << n.marker << "): " << FormatNumber(n.value) << " " << n.unit << ", confirmed "
          << n.confirmed.ToString() << "\n";
    }
    out << "Assessments:\n";
    for (const AssessmentResponse& x : a.assessments) {
      out << "  " << x.date.ToString() << "  " << ResponseCategoryId(x.category) << "  "
          << (x.confirmed               ? "confirmed"
              : x.awaiting_confirmation ? "awaiting confirmation"
                                        : "not confirmed")
          << "\n      " << x.reasoning << "\n";
    }
  }
  out << "Steps:\n";
  int i = 1;
  for (const std::string& s : a.steps) out << "  " << i++ << ". " << s << "\n";
  if (!a.verified) out << "(" << kUnverifiedSuffix << ")\n";
  return out.str();
}

std::string PatientAddedText(const store::PatientRecord& p) { return "Added patient " + PatientLine(p) + "."; }

std::string PatientListText(const std::vector<store::PatientRecord>& list) {
  std::string text = std::to_string(list.size()) + " patients\n";
  for (const auto& p : list) text += "  " + PatientLine(p) + "\n";
  return text;
}

std::string PatientViewText(const app::PatientView& v) {
  std::ostringstream out;
  out << "Patient " << PatientLine(v.patient) << "\nFacts: " << v.patient.facts << "\n";
  if (!v.diagnoses.empty()) {
    out << "Imported diagnoses (indications):";
    for (const auto& d : v.diagnoses) out << " " << d;
    out << "\n";
  }
  out << "Course: " << (v.course ? v.course->header : std::string("none")) << "\n" << v.events.size() << " events\n";
  for (const auto& e : v.events) out << "  " << e.body << (e.source.empty() ? "" : "  [" + e.source + "]") << "\n";
  return out.str();
}

std::string CourseStartedText(const store::CourseRecord& c, const std::string& ref) {
  return "Started a " + c.indication + " course for " + ref + " on " + c.start_date + ".";
}

std::string RecordedText(const store::EventRecord& e, const std::string& ref) {
  return "Recorded for " + ref + ": " + e.body;
}

std::string StatusText(const Knowledge& k, const app::StatusAnswer& a) {
  std::ostringstream out;
  out << "Patient " << a.patient.ref << ", course " << a.check.indication->id << " from " << a.check.start.ToString()
      << ", as of " << a.as_of.ToString() << "\n\n";
  return out.str() + CheckText(k, a.check);
}

std::string ImportText(const app::ImportSummary& s) {
  std::ostringstream out;
  out << "Imported " << s.files << " files, " << s.resources << " resources: " << s.written << " written, "
      << s.unchanged << " already stored, " << s.skipped << " not used, " << s.invalid << " invalid.\n";
  for (const auto& [reason, n] : s.skipped_by_reason) out << "  not used: " << n << " " << reason << "\n";
  for (const auto& p : s.problems) out << "  invalid: " << p << "\n";
  if (s.invalid > static_cast<int64_t>(s.problems.size())) {
    out << "  (" << s.invalid - static_cast<int64_t>(s.problems.size()) << " more invalid resources not listed)\n";
  }
  return out.str();
}

std::string WorklistText(const app::Worklist& w) {
  std::ostringstream out;
  out << "Worklist as of " << w.as_of.ToString() << " (looking " << w.look_ahead_days << " days ahead): ";
  if (w.paged) {
    out << "a page of " << w.entries.size() << " patients who need something, of " << w.patients
        << " patients with a course.\n";
  } else {
    out << w.entries.size() << " of " << w.patients << " patients with a course need something.\n";
  }
  for (const app::WorkEntry& e : w.entries) {
    out << "\n"
        << e.patient.ref << (e.patient.name.empty() ? "" : " (" + e.patient.name + ")") << " — " << e.indication
        << "\n";
    for (const app::WorkItem& i : e.items) {
      out << "  " << app::UrgencyId(i.urgency) << "  " << i.what << (i.due ? " " + i.due->ToString() : "") << ": "
          << i.detail << (i.verified ? "" : " (unverified: confirm against the current label)") << "\n";
    }
  }
  if (w.paged) out << (w.next.empty() ? "\nThis is the last page.\n" : "\nThe next page: --after " + w.next + "\n");
  return out.str();
}

std::string AuditCheckText(const store::AuditCheck& c) {
  if (!c.ok) return "The audit log does NOT verify: " + c.problem + ".";
  const std::string checkpoints = std::to_string(c.checkpoints) + (c.checkpoints == 1 ? " checkpoint" : " checkpoints");
  if (c.unverified > 0) {
    return "The audit log could NOT be fully verified: " + std::to_string(c.entries - c.unverified) + " of " +
           std::to_string(c.entries) + " entries and " + checkpoints + " match, but " + c.note + ".";
  }
  return "The audit log verifies: " + std::to_string(c.entries) + " entries, hash chain intact, " + checkpoints +
         " match" + (c.note.empty() ? "" : " (" + c.note + ")") + ".";
}

std::string AuditLogText(const std::vector<store::AuditEntry>& log) {
  std::ostringstream out;
  for (const auto& e : log) {
    out << e.seq << "  " << e.at << "  " << e.actor << "  " << e.action << "  " << e.subject
        << (e.detail.empty() ? "" : "  " + e.detail) << "\n";
  }
  return out.str();
}

}  // namespace lenacare::wire
