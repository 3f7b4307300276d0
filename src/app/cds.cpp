#include "app/cds.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/records.h"
#include "app/transaction.h"
#include "app/worklist.h"
#include "core/quantity.h"
#include "core/text.h"
#include "course/course_json.h"
#include "course/evaluate.h"
#include "course/start_checks.h"
#include "fhir/fhir_names.h"

namespace lenacare::app {
namespace {

// A summary is one sentence under 140 characters (CDS Hooks 2.0, Card.summary).
constexpr size_t kSummaryLimit = 139;

std::string Summary(std::string s) {
  if (s.size() <= kSummaryLimit) return s;
  size_t cut = s.rfind(' ', kSummaryLimit - 4);  // at a space: never inside a UTF-8 character
  if (cut == std::string::npos || cut < kSummaryLimit / 2) cut = kSummaryLimit - 4;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ':' || s.back() == ';')) s.pop_back();
  return s + " ...";
}

Concern ConcernOf(Urgency u) {
  switch (u) {
    case Urgency::kOverdue:
    case Urgency::kNeedsHuman:
    case Urgency::kHold:
    case Urgency::kDueToday:
    case Urgency::kExpiring:
      return Concern::kWarning;
    default:
      return Concern::kInfo;
  }
}

// "platelets 20 10*9/L on 2026-12-01" of an event row's course-file body.
std::string Described(const store::EventRecord& e) {
  auto body = nlohmann::json::parse(e.body, nullptr, false);
  std::string what = e.type == "lab" ? e.test : e.type;
  if (body.is_object() && body.contains("value") && body["value"].is_string()) {
    what += " " + body["value"].get<std::string>();
  } else if (body.is_object() && body.contains("result") && body["result"].is_string()) {
    what += " " + body["result"].get<std::string>();
  }
  return what + " on " + e.date;
}

std::string WithDots(std::string s) {
  if (!s.empty() && s.back() != '.') s += '.';
  return s;
}

// The refs a chart's identifiers may be in lenacare.
std::vector<std::string> Candidates(const ChartRequest& r) {
  std::vector<std::string> out;
  for (const std::string& id : r.chart.identifiers) {
    const size_t bar = id.find('|');
    if (bar == std::string::npos) continue;
    const std::string system = id.substr(0, bar);
    if (system == fhir::kPatientRefSystem ||
        std::find(r.match_systems.begin(), r.match_systems.end(), system) != r.match_systems.end()) {
      out.push_back(id.substr(bar + 1));
    }
  }
  if (r.match_patient_id && !r.chart.patient_id.empty()) out.push_back(r.chart.patient_id);
  return out;
}

struct Stored {
  store::PatientRecord patient;
  std::optional<store::StoredCourse> course;
  std::vector<store::SymptomEntry> severe;
};

// The EHR's labs and pregnancy tests that the course lacks, added to it (lenacare's own records
// stay as they are); each one used is listed.
void AddChartResults(const Knowledge& k, const fhir::Chart& chart, Date today, Course& course,
                     std::vector<std::string>& used, std::vector<std::string>& problems) {
  std::vector<Event> added;
  for (const store::EventRecord& row : chart.events) {
    if (row.type != "lab" && row.type != "pregnancy-test") continue;
    auto e = ParseRecordedEventJson(k, row.body, row.source, course);
    if (!e.ok()) {
      problems.push_back(row.source + ": " + e.error().Describe());
      continue;
    }
    if (e->date > today) continue;
    const bool known = std::any_of(course.events.begin(), course.events.end(), [&](const Event& x) {
      return x.date == e->date && x.type == e->type && x.test == e->test && std::fabs(x.value - e->value) < 1e-9 &&
             x.positive == e->positive;
    });
    if (known) continue;
    added.push_back(*e);
    used.push_back("EHR: " + Described(row) + " (" + row.source + ")");
  }
  for (Event& e : added) course.events.push_back(std::move(e));
  std::stable_sort(course.events.begin(), course.events.end(),
                   [](const Event& a, const Event& b) { return a.date < b.date; });
}

// The EHR's other active medications, for the interaction check.
void AddMedications(const fhir::Chart& chart, Course& course, std::vector<std::string>& used) {
  for (size_t i = 0; i < chart.medications.size(); ++i) {
    course.patient.medications.push_back(chart.medications[i]);
    used.push_back("EHR: active medication " + chart.medication_names[i]);
  }
}

// A course starting today at `dose_mg` on the indication's schedule, from the EHR's data: what
// lenacare can say of a patient it holds no course for.
Result<Course> Provisional(const Knowledge& k, const fhir::Chart& chart, const Indication& ind, double dose_mg,
                           Date today, std::vector<std::string>& used, std::vector<std::string>& problems) {
  nlohmann::json header = {{"indication", ind.id}, {"start_date", today.ToString()}, {"starting_dose_mg", dose_mg}};
  nlohmann::json facts = nlohmann::json::object();
  if (!chart.weight.empty()) facts["weight"] = chart.weight;
  const std::string sex = chart.patient ? chart.patient->sex : "";
  const std::string birth = chart.patient ? chart.patient->birth_date : "";
  auto course = ParseCourseJson(k, CourseFileJson(header.dump(), facts.dump(), sex, birth));
  if (!course.ok() && !chart.weight.empty()) {
    problems.push_back("body weight " + chart.weight + " of " + chart.weight_date + ": " + course.error().Describe());
    course = ParseCourseJson(k, CourseFileJson(header.dump(), "{}", sex, birth));
  } else if (!chart.weight.empty()) {
    used.push_back("EHR: body weight " + chart.weight + " on " + chart.weight_date);
  }
  if (!course.ok()) return course.error();
  if (!sex.empty()) used.push_back("EHR: sex " + sex);
  if (!birth.empty()) used.push_back("EHR: birth date " + birth);
  Course c = std::move(course).value();
  AddChartResults(k, chart, today, c, used, problems);
  AddMedications(chart, c, used);
  return c;
}

// The findings of the engine's assessment on the day: a new hold (critical) and the status.
void AssessmentFindings(const Assessment& a, bool stored, std::vector<Finding>& out) {
  for (const Recommendation& rec : a.recommendations) {
    if (rec.action == Action::kInterrupt || rec.action == Action::kStop) {
      Finding f{Concern::kCritical,
                rec.action == Action::kStop ? "stop" : "interrupt",
                "",
                rec.reason,
                rec.source,
                rec.verified,
                {}};
      f.summary = Summary(rec.action == Action::kStop ? "Stop lenalidomide: " + rec.reason
                                                      : "Hold lenalidomide: " + rec.reason);
      out.push_back(std::move(f));
    }
  }
  if (!stored) return;
  Finding s;
  s.id = "status";
  if (a.status == CourseStatus::kCannotAssess) {
    s.concern = Concern::kWarning;
    s.summary = Summary("lenacare cannot assess this course: " + a.cannot_assess);
    s.detail = a.cannot_assess;
  } else {
    std::string where = "Cycle " + std::to_string(a.cycle) + ", day " + std::to_string(a.cycle_day) + ": ";
    if (a.status == CourseStatus::kTaking) {
      where += a.dose ? "take " + a.dose->Describe() + " (a pill day)" : "a pill day";
    } else if (a.status == CourseStatus::kRest) {
      where += "rest day, no lenalidomide";
    } else if (a.status == CourseStatus::kInterrupted) {
      s.concern = Concern::kWarning;
      where += "lenalidomide on hold";
      if (a.dose) where += ", to resume at " + a.dose->Describe();
    } else {
      where += "therapy stopped";
    }
    s.summary = Summary(where);
    for (const Recommendation& rec : a.recommendations) {
      if (rec.action == Action::kTake || rec.action == Action::kRest || rec.action == Action::kKeepHolding) {
        s.detail += (s.detail.empty() ? "" : "\n") + WithDots(rec.reason);
        if (s.source.empty()) s.source = rec.source;
        s.verified = s.verified && rec.verified;
      }
    }
  }
  out.push_back(std::move(s));
}

// The worklist's items for the course: holds, tests due or overdue, REMS steps, findings to
// resolve, a response awaiting confirmation.
void WorkItemFindings(const std::vector<WorkItem>& items, std::vector<Finding>& out) {
  for (const WorkItem& i : items) {
    if (i.what == "hold") continue;  // the status finding says it, with the resume dose
    Finding f{ConcernOf(i.urgency), i.what, "", i.detail, i.source, i.verified, {}};
    std::string when =
        i.due ? " (" + std::string(i.urgency == Urgency::kOverdue ? "overdue since " : "due ") + i.due->ToString() + ")"
              : "";
    if (i.what == "cbc") {
      f.summary = "Blood count" + when;
    } else if (i.what == "pregnancy-test") {
      f.summary = "Pregnancy test" + when;
    } else if (i.what == "authorization") {
      f.summary = "REMS authorization expires" + when;
    } else if (i.what == "next-fill") {
      f.summary = "Next fill window opens" + when;
    } else if (i.what == "response") {
      f.summary = "Myeloma response awaits confirmation: " + i.detail;
    } else if (i.what == "check-dose") {
      f.summary = "Check the dose: " + i.detail;
    } else if (i.what == "symptom") {
      f.summary = "Severe symptom reported: " + i.detail;
    } else if (i.what == "cannot-assess") {
      f.summary = "lenacare cannot assess: " + i.detail;
    } else {
      f.summary = i.what + when + ": " + i.detail;
    }
    f.summary = Summary(f.summary);
    out.push_back(std::move(f));
  }
}

std::string RegimenText(const Regimen& r, const Indication* ind) {
  return r.Describe() + (ind ? " of each " + std::to_string(ind->cycle_days) + "-day cycle" : "");
}

// The draft order's dose and schedule against the one expected.
void DoseFinding(const fhir::DraftOrder& o, const Regimen& expected, const Indication* ind, const std::string& why,
                 const std::string& source, bool verified, std::vector<Finding>& out) {
  if (!o.dose_mg) return;
  const bool dose_differs = std::fabs(*o.dose_mg - expected.dose_mg) > 1e-9;
  const std::string expected_frequency = expected.frequency == Frequency::kDaily ? "daily" : "every-other-day";
  const bool frequency_differs = !o.frequency.empty() && o.frequency != expected_frequency;
  if (!dose_differs && !frequency_differs) {
    // The dose is right: the card says on which days of the cycle it is taken.
    out.push_back({Concern::kInfo,
                   "schedule",
                   Summary("Pill days: " + RegimenText(expected, ind)),
                   "The order's dose is the one expected (" + why + " " + expected.Describe() + "). Give it as " +
                       RegimenText(expected, ind) + "; the other days are rest days." +
                       (o.text.empty() ? "" : " The order's instructions read: \"" + Shortened(o.text, 200) + "\"."),
                   source,
                   verified,
                   {}});
    return;
  }
  Finding f;
  f.concern = Concern::kWarning;
  f.id = "dose";
  f.summary = Summary("Ordered " + FormatNumber(*o.dose_mg) + " mg" + (o.frequency.empty() ? "" : " " + o.frequency) +
                      "; " + why + ": " + expected.Describe());
  f.detail = "The order gives " + FormatNumber(*o.dose_mg) + " mg" + (o.frequency.empty() ? "" : " " + o.frequency) +
             "; " + why + ": " + RegimenText(expected, ind) + ".";
  f.source = source;
  f.verified = verified;
  f.changes.push_back({"Order " + expected.Describe(), expected, std::nullopt, std::nullopt});
  out.push_back(std::move(f));
}

// Supply and refills against the REMS limits.
void SupplyFindings(const Knowledge& k, const fhir::DraftOrder& o, bool complete, std::vector<Finding>& out) {
  if (o.days_supply && k.max_supply_days > 0 && *o.days_supply > k.max_supply_days) {
    Finding f{Concern::kWarning, "supply", "", "", k.supply_cite.source, k.supply_cite.verified, {}};
    f.summary = Summary("A " + std::to_string(*o.days_supply) + "-day supply is more than the " +
                        std::to_string(k.max_supply_days) + " days the REMS allows");
    f.detail = "The order's expected supply is " + std::to_string(*o.days_supply) +
               " days; a lenalidomide prescription may be for at most " + std::to_string(k.max_supply_days) + " days.";
    f.changes.push_back({"Set the supply to " + std::to_string(k.max_supply_days) + " days", std::nullopt,
                         k.max_supply_days, std::nullopt});
    out.push_back(std::move(f));
  } else if (!o.days_supply && complete) {
    Finding f{Concern::kInfo, "supply", "", "", k.supply_cite.source, k.supply_cite.verified, {}};
    f.summary = Summary("The order gives no supply duration: at most " + std::to_string(k.max_supply_days) + " days");
    f.detail = "dispenseRequest.expectedSupplyDuration is missing; a lenalidomide prescription may be for at most " +
               std::to_string(k.max_supply_days) + " days.";
    f.changes.push_back({"Set the supply to " + std::to_string(k.max_supply_days) + " days", std::nullopt,
                         k.max_supply_days, std::nullopt});
    out.push_back(std::move(f));
  }
  if (o.refills && *o.refills > k.refills) {
    Finding f{Concern::kWarning, "refills", "", "", k.supply_cite.source, k.supply_cite.verified, {}};
    f.summary = Summary(std::to_string(*o.refills) + (*o.refills == 1 ? " refill" : " refills") + ": the REMS allows " +
                        (k.refills == 0 ? "none" : std::to_string(k.refills)));
    f.detail = "The order allows " + std::to_string(*o.refills) + " refills (dispenseRequest.numberOfRepeatsAllowed).";
    f.changes.push_back({k.refills == 0 ? std::string("Remove the refills") : "Allow " + std::to_string(k.refills),
                         std::nullopt, std::nullopt, k.refills});
    out.push_back(std::move(f));
  }
}

// The REMS steps that must be done before this prescription (lenacare's records).
void RemsFindings(const RemsChecklist& rems, std::vector<Finding>& out) {
  for (const ChecklistItem& i : rems.items) {
    if (i.status != ItemStatus::kBlocking && i.status != ItemStatus::kOverdue) continue;
    if (i.id == "prescription" || i.id == "confirmation" || i.id == "next-fill")
      continue;  // this order; the pharmacy's
    Finding f{Concern::kWarning, "rems-" + i.id, Summary("REMS: " + i.text), i.detail, i.source, i.verified, {}};
    out.push_back(std::move(f));
  }
}

// The renal starting dose a new course's order is checked against, or why it cannot be.
void RenalDoseFindings(const Knowledge& k, const fhir::DraftOrder& order, const Course& course, const Indication* ind,
                       std::vector<Finding>& out) {
  const RenalStartFinding renal = CheckRenalStart(k, course);
  const Citation* cite = renal.label && !renal.label->cites.empty() ? &renal.label->cites.back() : nullptr;
  if (renal.result == RenalStartResult::kAboveLabel || renal.result == RenalStartResult::kFits) {
    const std::string why = "the label's starting dose for CrCl " + FormatNumber(std::round(*renal.crcl_ml_min)) +
                            " mL/min" + renal.crcl_from + " is";
    DoseFinding(order, renal.label->regimen, ind, why, cite ? cite->source : "", renal.label->verified(), out);
    return;
  }
  if (renal.result == RenalStartResult::kCannotAssess) {
    out.push_back({Concern::kWarning,
                   "renal-dose",
                   Summary("The renal starting dose cannot be assessed: " + renal.problem),
                   renal.problem,
                   "",
                   true,
                   {}});
    return;
  }
  std::vector<std::string> missing;
  if (!course.patient.sex) missing.push_back("sex");
  if (!course.patient.birth_date) missing.push_back("birth date");
  if (!course.patient.weight_kg) missing.push_back("body weight");
  const bool creatinine = std::any_of(course.events.begin(), course.events.end(),
                                      [](const Event& e) { return e.test == LabTest::kCreatinine; });
  if (!creatinine) missing.push_back("serum creatinine");
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
  out.push_back(
      {Concern::kWarning,
       "renal-dose",
       Summary("Creatinine clearance unknown (missing: " + list + "): the renal starting dose cannot be checked"),
       "Cockcroft-Gault needs sex, age, body weight and a serum creatinine; the EHR sent no " + list + ".",
       "",
       true,
       {}});
}

// The indications of the knowledge, named, for a message.
std::string IndicationNames(const Knowledge& k) {
  std::string names;
  for (const Indication& i : k.indications) names += (names.empty() ? "" : "; ") + i.name;
  return names;
}

// A patient lenacare holds no course for: a course starting today, from the EHR's data, for the
// one indication its Conditions name.
Status ProvisionalChart(const Knowledge& k, const ChartRequest& r, bool has_record, Date today, ChartAnswer& out,
                        std::vector<std::string>& problems) {
  const fhir::DraftOrder* order = r.order ? &*r.order : nullptr;
  out.used.push_back(has_record ? "lenacare: the patient's record (no therapy course)"
                                : "lenacare holds no record of this patient: the EHR's data only");
  const Indication* ind = r.chart.indications.size() == 1 ? k.FindIndication(r.chart.indications.front()) : nullptr;
  if (r.chart.indications.size() > 1) {
    out.findings.push_back({Concern::kWarning,
                            "indication",
                            "Several conditions lenalidomide is used for: the dose cannot be checked",
                            "The EHR lists " + std::to_string(r.chart.indications.size()) +
                                " conditions lenalidomide is indicated for; lenacare does not choose one.",
                            "",
                            true,
                            {}});
  } else if (ind == nullptr && (order || !r.chart.events.empty())) {
    out.findings.push_back({Concern::kWarning,
                            "indication",
                            "No condition lenalidomide is indicated for: the dose cannot be checked",
                            "No Condition of the EHR names an indication of lenalidomide (" + IndicationNames(k) + ").",
                            "",
                            true,
                            {}});
  }
  if (ind == nullptr) {
    for (const store::EventRecord& e : r.chart.events)
      out.used.push_back("EHR: " + Described(e) + " (" + e.source + ")");
    return Status::Ok();
  }
  out.used.push_back("EHR: condition " + ind->name);
  const double dose = order && order->dose_mg ? *order->dose_mg : ind->start.dose_mg;
  auto course = Provisional(k, r.chart, *ind, dose, today, out.used, problems);
  if (!course.ok()) {
    out.findings.push_back({Concern::kWarning,
                            "cannot-assess",
                            Summary("lenacare cannot assess the EHR's data: " + course.error().Describe()),
                            course.error().Describe(),
                            "",
                            true,
                            {}});
    return Status::Ok();
  }
  auto check = CheckAll(k, *course, today);
  if (!check.ok()) return check.error();
  if (check->assessment) AssessmentFindings(*check->assessment, false, out.findings);
  const bool hold = std::any_of(out.findings.begin(), out.findings.end(),
                                [](const Finding& f) { return f.concern == Concern::kCritical; });
  if (!order && !hold) {
    out.findings.push_back({Concern::kInfo,
                            "ehr-only",
                            "The EHR's latest counts meet no hold rule; lenacare holds no course for this patient",
                            "lenacare has no therapy course for this patient, so the cycle, the day and earlier "
                            "holds are unknown; the EHR's latest blood counts were checked against the hold rules "
                            "of " +
                                ind->name + ".",
                            "",
                            true,
                            {}});
  }
  if (order) {
    RenalDoseFindings(k, *order, *course, ind, out.findings);
    out.findings.push_back({Concern::kInfo,
                            "rems",
                            "REMS: confirm the authorization and the patient's steps before signing",
                            "lenacare holds no REMS record of this patient: confirm in the REMS system the "
                            "prescription authorization number and the risk category (and, for a patient who can "
                            "become pregnant, the negative pregnancy tests).",
                            check->rems.items.empty() ? "" : check->rems.items.front().source,
                            true,
                            {}});
  }
  out.check = std::move(check).value();
  return Status::Ok();
}

}  // namespace

std::string_view ConcernId(Concern c) {
  switch (c) {
    case Concern::kInfo:
      return "info";
    case Concern::kWarning:
      return "warning";
    case Concern::kCritical:
      return "critical";
  }
  return "info";
}

Result<ChartAnswer> AssessChart(const Context& ctx, const ChartRequest& r) {
  const Knowledge& k = ctx.k;
  const Date today = ctx.clock.Today();
  ChartAnswer out;
  std::vector<std::string> problems = r.chart.problems;

  // lenacare's records of the patient, when matched.
  std::optional<Stored> stored;
  const std::vector<std::string> candidates = Candidates(r);
  if (ctx.store != nullptr && !candidates.empty()) {
    store::Store& st = *ctx.store;
    auto read = InRead<std::optional<Stored>>(st, [&]() -> Result<std::optional<Stored>> {
      for (const std::string& ref : candidates) {
        if (!CheckPatientRef(ref, "patient").ok()) continue;
        auto p = st.FindPatient(ref);
        if (!p.ok()) {
          if (p.error().kind == ErrorKind::kBadInput) continue;  // not a patient of lenacare
          return p.error();
        }
        Stored s{*p, std::nullopt, {}};
        auto course = st.LatestCourse(p->id);
        if (!course.ok()) return course.error();
        if (*course) {
          auto c = st.RebuildCourse(k, *p, **course, today);
          if (!c.ok()) return c.error();
          s.course = std::move(c).value();
          auto symptoms = st.SymptomsOf(p->id);
          if (!symptoms.ok()) return symptoms.error();
          for (const store::SymptomEntry& e : *symptoms) {
            if (e.severity == "severe" && e.date <= today.ToString()) s.severe.push_back(e);
          }
        }
        Status a =
            st.AppendAudit(ctx.actor, "patient.read", ref, "CDS Hooks: record and course as of " + today.ToString());
        if (!a.ok()) return a.error();
        return std::optional<Stored>(std::move(s));
      }
      return std::optional<Stored>();
    });
    if (!read.ok()) return read.error();
    stored = std::move(read).value();
  }

  const fhir::DraftOrder* order = r.order ? &*r.order : nullptr;
  if (order && !order->dose_mg && r.order_complete) {
    out.findings.push_back({Concern::kWarning,
                            "dose-unread",
                            Summary("The order's dose cannot be checked: " + order->dose_problem),
                            order->dose_problem + ".",
                            "",
                            true,
                            {}});
  }

  if (stored) out.matched = stored->patient.ref;
  if (stored && stored->course) {
    // The stored course, with the EHR's newer results.
    out.stored_course = true;
    store::StoredCourse& sc = *stored->course;
    const Indication* ind = sc.course.indication;
    out.used.push_back("lenacare: the course of " + sc.record.start_date + " (" + (ind ? ind->name : "") +
                       ") and its records");
    AddChartResults(k, r.chart, today, sc.course, out.used, problems);
    AddMedications(r.chart, sc.course, out.used);
    auto check = CheckAll(k, sc.course, today);
    if (!check.ok()) return check.error();
    if (check->assessment) AssessmentFindings(*check->assessment, true, out.findings);
    const ResponseCriteria* criteria = k.FindResponseCriteria("IMWG-2016");
    WorkItemFindings(ItemsFor(k, criteria, sc, today, kDefaultLookAheadDays, stored->severe), out.findings);
    if (order) {
      const Assessment* a = check->assessment ? &*check->assessment : nullptr;
      if (a && a->status == CourseStatus::kInterrupted) {
        Finding f{Concern::kCritical,
                  "on-hold",
                  Summary("Lenalidomide is on hold: do not start a new supply until the counts recover"),
                  "The course is interrupted as of " + today.ToString() + "." +
                      (a->dose ? " It resumes at " + a->dose->Describe() + " when the counts recover." : ""),
                  "",
                  true,
                  {}};
        out.findings.push_back(std::move(f));
      } else if (a && a->dose && a->status != CourseStatus::kCannotAssess) {
        DoseFinding(*order, *a->dose, ind, "the course's current dose is", "", a->verified(), out.findings);
      }
      RemsFindings(check->rems, out.findings);
    }
    out.check = std::move(check).value();
  } else {
    if (Status s = ProvisionalChart(k, r, stored.has_value(), today, out, problems); !s.ok()) return s.error();
  }

  if (order) {
    SupplyFindings(k, *order, r.order_complete, out.findings);
    if (out.check) {
      for (const InteractionAnswer& i : out.check->interactions) {
        if (i.interaction == nullptr) continue;
        Finding f;
        f.concern = i.interaction->severity == "avoid" ? Concern::kWarning : Concern::kInfo;
        f.id = "interaction-" + i.interaction->id;
        std::string name = i.query;
        for (size_t m = 0; m < r.chart.medications.size(); ++m) {
          if (r.chart.medications[m] == i.query) name = r.chart.medication_names[m];
        }
        f.summary = Summary("Interaction with " + name + ": " + i.interaction->effect);
        f.detail = WithDots(i.interaction->effect) + " " + WithDots(i.interaction->action);
        f.source = i.interaction->cite.source;
        f.verified = i.interaction->cite.verified;
        out.findings.push_back(std::move(f));
      }
    }
  }
  if (!problems.empty()) {
    Finding f{Concern::kInfo,
              "data-not-used",
              Summary(std::to_string(problems.size()) + " of the EHR's data could not be used"),
              "",
              "",
              true,
              {}};
    for (size_t i = 0; i < problems.size() && i < 20; ++i) f.detail += "- " + problems[i] + "\n";
    out.findings.push_back(std::move(f));
  }
  std::stable_sort(out.findings.begin(), out.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.concern > b.concern; });
  return out;
}

}  // namespace lenacare::app
