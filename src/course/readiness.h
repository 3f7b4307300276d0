// Readiness to start lenalidomide: contraindications, start criteria, the renal starting dose,
// warnings worth a flag and the label's thromboprophylaxis recommendation, as checklist items.
// "May start" is never yes while a contraindication is present or not excluded.
#pragma once

#include "core/date.h"
#include "core/result.h"
#include "course/course.h"
#include "course/rems.h"
#include "knowledge/knowledge.h"

namespace lenacare {

struct Readiness {
  std::vector<ChecklistItem> items;
  DispenseAnswer may_start = DispenseAnswer::kCannotAssess;  // yes / no / cannot-assess
  std::vector<std::string> reasons;
};

// `rems` is the course's REMS checklist on the same date (pregnancy is excluded by its tests).
Readiness AssessReadiness(const Knowledge& k, const Course& course, const RemsChecklist& rems);

}  // namespace lenacare
