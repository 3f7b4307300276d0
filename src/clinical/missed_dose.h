// Missed-dose advice: the 12-hour rule (knowledge/us/product.toml).
#pragma once

#include <string>

#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare {

enum class MissedDoseAction { kNotYetDue, kTakeNow, kSkip };

struct MissedDoseAdvice {
  MissedDoseAction action = MissedDoseAction::kTakeNow;
  double hours_late = 0;
  double window_hours = 0;
  std::string advice;  // plain-language sentence
  Citation cite;
};

// Times are minutes since an arbitrary common origin (the caller resolves dates and clock times).
MissedDoseAdvice AdviseMissedDose(const Knowledge& k, long scheduled_minute, long now_minute);

}  // namespace lenacare
