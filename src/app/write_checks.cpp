#include "app/write_checks.h"

#include <algorithm>
#include <set>
#include <string>

#include "clinical/capsules.h"
#include "core/quantity.h"
#include "course/evaluate.h"
#include "course/rems.h"

namespace lenacare::app {
namespace {

// The dose and pill days a therapy event sets, against the label's limits (refused beyond them).
void CheckRegimen(const Knowledge& k, const Indication& ind, std::optional<double> dose_mg,
                  const std::optional<DaySet>& days, const std::string& what, std::vector<Problem>& out) {
  if (dose_mg) {
    const MaximumDose max = MaximumDoseFor(k, ind);
    if (max.dose_mg > 0 && *dose_mg > max.dose_mg) {
      out.push_back({"above-maximum-dose", what + " of " + AboveMaximumText(ind, *dose_mg, max),
                     max.cite != nullptr ? max.cite->source : ind.cite.source});
    }
  }
  if (days && (days->First() < 1 || days->Last() > ind.cycle_days)) {
    out.push_back(
        {"days-outside-cycle",
         "pill days " + days->text() + " go beyond the " + std::to_string(ind.cycle_days) + "-day cycle of " + ind.name,
         ind.cite.source});
  }
}

// The "check dose" findings of an assessment (their sentences name the event's date and dose).
std::multiset<std::string> DoseFindings(const Assessment& a) {
  std::multiset<std::string> out;
  for (const Recommendation& r : a.recommendations) {
    if (r.action == Action::kCheckDose) out.insert(r.reason);
  }
  return out;
}

void CheckDispense(const Knowledge& k, const Course& before, const Event& e, const nlohmann::json& body,
                   WriteCheck& out) {
  if (k.max_supply_days > 0 && e.days_supply > k.max_supply_days) {
    out.refused.push_back({"supply-over-limit",
                           std::to_string(e.days_supply) + " days of supply is more than the " +
                               std::to_string(k.max_supply_days) + " days a dispense may cover",
                           k.supply_cite.source});
  }
  // The REMS checklist of the course without this dispense, on the dispense's date.
  auto rems = BuildRemsChecklist(k, before, e.date);
  if (!rems.ok()) {
    out.refused.push_back({"not-dispensable", "the REMS checklist cannot be built: " + rems.error().Describe(), ""});
  } else if (rems->may_dispense != DispenseAnswer::kYes) {
    const size_t found = out.refused.size();
    for (const ChecklistItem& item : rems->items) {
      const bool open = item.status == ItemStatus::kBlocking || item.status == ItemStatus::kOverdue ||
                        item.status == ItemStatus::kDue || item.status == ItemStatus::kUnknown;
      if (!item.blocks_dispensing || !open) continue;
      out.refused.push_back({"rems-" + item.id, item.text + ": " + item.detail, item.source});
    }
    if (out.refused.size() == found) {
      for (const std::string& reason : rems->reasons) {
        out.refused.push_back({"not-dispensable", "the REMS checklist says it may not be dispensed: " + reason, ""});
      }
    }
  }
  // What the engine says about the day: a dispense while therapy is on hold, and the capsules.
  const Assessment a = Evaluate(k, before, e.date);
  if (a.status == CourseStatus::kInterrupted) {
    out.confirm.push_back({"dispense-while-held", "therapy is on hold on " + e.date.ToString(), ""});
  }
  if (a.status == CourseStatus::kStopped) {
    out.refused.push_back({"therapy-stopped", "therapy was stopped; nothing may be dispensed", ""});
  }
  if (body.contains("quantity") && body["quantity"].is_number_integer() && a.dose && before.indication != nullptr) {
    auto plan = PlanCapsules(k, *a.dose, before.indication->cycle_days);
    if (plan.ok()) {
      int planned = 0;
      std::string capsules;
      for (const CapsuleCount& c : plan->capsules) {
        planned += c.quantity;
        capsules +=
            (capsules.empty() ? "" : " + ") + std::to_string(c.quantity) + " x " + FormatNumber(c.strength_mg) + " mg";
      }
      const int64_t given = body["quantity"].get<int64_t>();
      if (given != planned) {
        out.confirm.push_back({"dispense-quantity",
                               std::to_string(given) + " capsules differ from the capsule plan for " +
                                   a.dose->Describe() + " (" + capsules + ")",
                               plan->supply_cite.source});
      }
    }
  }
}

}  // namespace

std::vector<Problem> CheckCourseStart(const Knowledge& k, const Course& course) {
  std::vector<Problem> out;
  if (course.indication == nullptr) return out;
  CheckRegimen(k, *course.indication, course.starting.dose_mg, course.starting.days, "a starting dose", out);
  return out;
}

WriteCheck CheckWrite(const Knowledge& k, const Course* before, const Course* after, const Event& e,
                      const nlohmann::json& body, const Patient& patient, Date today) {
  return CheckAfter(k, CheckBefore(k, before, e, body, patient, today), after);
}

PendingWriteCheck CheckBefore(const Knowledge& k, const Course* before, const Event& e, const nlohmann::json& body,
                              const Patient& patient, Date today) {
  PendingWriteCheck pending;
  WriteCheck& out = pending.check;
  if (e.date > today) {
    out.refused.push_back({"future-date",
                           "the date " + e.date.ToString() + " is after today (" + today.ToString() + ", clinic time)",
                           ""});
  }
  if (patient.birth_date && e.date < *patient.birth_date) {
    out.refused.push_back({"before-birth",
                           "the date " + e.date.ToString() + " is before the patient's birth date (" +
                               patient.birth_date->ToString() + ")",
                           ""});
  }
  if (before == nullptr) {
    if (e.type == EventType::kDispense) {
      out.refused.push_back({"no-course", "the patient has no therapy course to dispense for", ""});
    }
    return pending;
  }
  const Indication* ind = before->indication;
  if ((e.type == EventType::kResume || e.type == EventType::kDoseChange) && ind != nullptr) {
    CheckRegimen(k, *ind, e.dose_mg, e.days, e.type == EventType::kResume ? "a resumption" : "a dose change",
                 out.refused);
    // A new dose that is none of the label's dose levels for this course.
    if (e.type == EventType::kDoseChange && e.dose_mg && *e.dose_mg != before->starting.dose_mg) {
      const Ladder* ladder = k.FindLadder(ind->id, before->starting.dose_mg);
      bool on_ladder = ladder == nullptr;
      if (ladder != nullptr) {
        for (const DoseLevel& level : ladder->levels) on_ladder = on_ladder || level.dose_mg == *e.dose_mg;
      }
      for (const Escalation& x : k.escalations) {
        on_ladder = on_ladder || (Contains(x.indications, ind->id) && x.to_dose_mg == *e.dose_mg);
      }
      if (!on_ladder) {
        out.confirm.push_back({"dose-not-on-ladder",
                               FormatNumber(*e.dose_mg) +
                                   " mg is not one of the label's dose levels for a course "
                                   "that started at " +
                                   before->starting.Describe(),
                               ladder->cite.source});
      }
    }
  }
  if (e.type == EventType::kPrescription) {
    if (k.max_supply_days > 0 && e.days_supply > k.max_supply_days) {
      out.refused.push_back({"supply-over-limit",
                             "a prescription for " + std::to_string(e.days_supply) + " days is more than the " +
                                 std::to_string(k.max_supply_days) + " days allowed",
                             k.supply_cite.source});
    }
    if (e.refills > k.refills) {
      out.refused.push_back({"refills-not-allowed",
                             std::to_string(e.refills) + " refills: the REMS allows " + std::to_string(k.refills),
                             k.supply_cite.source});
    }
  }
  if (e.type == EventType::kDispense) CheckDispense(k, *before, e, body, out);
  // What the engine flags once the event is part of the course: a resumption before the counts
  // recovered or above the rule's dose, a resumption while not on hold, a dose raised without a
  // rule, a dose taken on a rest day... Evaluated as of the later of today and the event.
  pending.course = true;
  pending.as_of = std::max(today, e.date);
  pending.had = DoseFindings(Evaluate(k, *before, pending.as_of));
  return pending;
}

WriteCheck CheckAfter(const Knowledge& k, PendingWriteCheck pending, const Course* after) {
  WriteCheck out = std::move(pending.check);
  if (!pending.course || after == nullptr) return out;
  for (const Recommendation& r : Evaluate(k, *after, pending.as_of).recommendations) {
    if (r.action != Action::kCheckDose) continue;
    if (pending.had.count(r.reason) > 0) continue;
    out.confirm.push_back({"check-dose", r.reason, r.source});
  }
  return out;
}

}  // namespace lenacare::app
