#include "course/readiness.h"

#include <algorithm>

#include "core/quantity.h"
#include "course/start_checks.h"

namespace lenacare {
namespace {

void Add(Readiness& r, const std::string& id, const std::string& text, ItemStatus status, const std::string& detail,
         const Citation& cite) {
  ChecklistItem i;
  i.id = id;
  i.text = text;
  i.status = status;
  i.detail = detail;
  i.blocks_dispensing = status == ItemStatus::kBlocking || status == ItemStatus::kUnknown;
  i.source = cite.source;
  i.verified = cite.verified;
  if (!cite.verified)
    i.detail += (i.detail.empty() ? "" : " ") + std::string("(") + std::string(kUnverifiedSuffix) + ")";
  r.items.push_back(std::move(i));
}

const ChecklistItem* FindItem(const RemsChecklist& rems, const std::string& id) {
  for (const ChecklistItem& i : rems.items) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

// Pregnancy: a recorded pregnancy is a contraindication; a man or a woman who cannot become
// pregnant is not at risk; for a woman who can, only the two negative pretreatment tests of the
// REMS exclude it (label-facts.md §7.1, §6 W&P 5.1) — a recorded "not pregnant" does not.
ItemStatus Pregnancy(const Course& c, const RemsChecklist& rems, std::string& detail) {
  auto f = c.patient.findings.find("pregnant");
  if (f != c.patient.findings.end() && f->second) {
    detail = "recorded as pregnant";
    return ItemStatus::kBlocking;
  }
  if (const ChecklistItem* positive = FindItem(rems, "positive-pregnancy-test")) {
    detail = positive->detail;
    return ItemStatus::kBlocking;
  }
  if (!rems.can_become_pregnant && !rems.category.empty()) {
    detail = "not applicable (" + rems.category + ")";
    return ItemStatus::kMet;
  }
  const ChecklistItem* first = FindItem(rems, "first-test-10-to-14-days-before");
  const ChecklistItem* second = FindItem(rems, "second-test-within-24-hours-before");
  if (first != nullptr && second != nullptr && first->status == ItemStatus::kMet &&
      second->status == ItemStatus::kMet) {
    detail = "excluded by the two pretreatment tests (" + first->detail + "; " + second->detail + ")";
    return ItemStatus::kMet;
  }
  detail = "not yet excluded: both REMS pretreatment pregnancy tests are needed";
  return ItemStatus::kUnknown;
}

}  // namespace

Readiness AssessReadiness(const Knowledge& k, const Course& c, const RemsChecklist& rems) {
  Readiness r;
  const std::string& ind = c.indication->id;
  for (const SafetyFlag& flag : k.safety.flags) {
    if (!flag.indications.empty() && !Contains(flag.indications, ind)) continue;
    if (flag.contraindication) {
      std::string detail;
      ItemStatus status;
      if (flag.finding == "pregnant") {
        status = Pregnancy(c, rems, detail);
      } else {
        auto f = c.patient.findings.find(flag.finding);
        status = f == c.patient.findings.end() ? ItemStatus::kUnknown
                 : f->second                   ? ItemStatus::kBlocking
                                               : ItemStatus::kMet;
        detail = f == c.patient.findings.end() ? "not recorded yet: record whether it applies"
                 : f->second                   ? flag.action
                                               : "recorded as absent";
      }
      Add(r, flag.id, "Contraindication: " + flag.text, status, detail, flag.cite);
      continue;
    }
    if (flag.finding.empty()) {
      Add(r, flag.id, flag.text, ItemStatus::kInfo, flag.action, flag.cite);
      continue;
    }
    auto f = c.patient.findings.find(flag.finding);
    if (f == c.patient.findings.end()) {
      Add(r, flag.id, flag.text, ItemStatus::kInfo, "ask: not recorded yet; if present: " + flag.action, flag.cite);
    } else if (f->second) {
      Add(r, flag.id, flag.text, ItemStatus::kInfo, flag.action, flag.cite);
    }
  }
  for (const StartCriterionFinding& f : CheckStartCriteria(k, c)) {
    const Citation& cite = f.criterion->cite;
    switch (f.result) {
      case StartFindingResult::kMet:
        Add(r, cite.id, "Start criteria", ItemStatus::kMet, f.detail, cite);
        break;
      case StartFindingResult::kNotMet:
        Add(r, cite.id, "Start criteria", ItemStatus::kBlocking, "not met: " + f.detail, cite);
        break;
      case StartFindingResult::kPartlyMetDisputed:
        Add(r, cite.id, "Start criteria", ItemStatus::kUnknown,
            "partly met (" + f.detail +
                "); the sources disagree whether both counts are required: the prescriber decides",
            cite);
        break;
      case StartFindingResult::kUnknown:
        Add(r, cite.id, "Start criteria", ItemStatus::kUnknown,
            "baseline counts on or before the start date are needed", cite);
        break;
    }
  }
  for (const StartNote& n : k.start_notes) {
    if (n.indication == ind) Add(r, n.cite.id, "Before starting", ItemStatus::kInfo, n.text, n.cite);
  }
  const RenalStartFinding renal = CheckRenalStart(k, c);
  const Indication& i = *c.indication;
  switch (renal.result) {
    case RenalStartResult::kUnknown:
      Add(r, "renal-starting-dose", "Starting dose fits the renal function", ItemStatus::kUnknown,
          "record the creatinine clearance or dialysis, or the sex, birth date, weight and a baseline creatinine",
          i.cite);
      break;
    case RenalStartResult::kCannotAssess:
      Add(r, "renal-starting-dose", "Starting dose fits the renal function", ItemStatus::kUnknown, renal.problem,
          i.cite);
      break;
    case RenalStartResult::kAboveLabel:
    case RenalStartResult::kFits: {
      const Citation& cite = renal.label->cites.back();
      const std::string detail =
          "starting " + c.starting.Describe() + "; the label gives " + renal.label->regimen.Describe() +
          (renal.crcl_ml_min ? " for CrCl " + FormatNumber(*renal.crcl_ml_min) + " mL/min" : " on dialysis") +
          renal.crcl_from;
      Add(r, "renal-starting-dose", "Starting dose fits the renal function",
          renal.result == RenalStartResult::kFits ? ItemStatus::kMet : ItemStatus::kBlocking, detail, cite);
      break;
    }
  }
  Add(r, "thromboprophylaxis", "Thromboprophylaxis", ItemStatus::kInfo, k.safety.thromboprophylaxis,
      k.safety.thromboprophylaxis_cite);

  std::vector<std::string> unknown;
  for (const ChecklistItem& item : r.items) {
    if (item.status == ItemStatus::kBlocking) r.reasons.push_back(item.text + ": " + item.detail);
    if (item.status == ItemStatus::kUnknown) unknown.push_back(item.text + ": " + item.detail);
  }
  if (!r.reasons.empty()) {
    r.may_start = DispenseAnswer::kNo;
  } else if (!unknown.empty()) {
    r.may_start = DispenseAnswer::kCannotAssess;
    r.reasons = unknown;
  } else {
    r.may_start = DispenseAnswer::kYes;
  }
  return r;
}

}  // namespace lenacare
