#include "clinical/missed_dose.h"

#include "core/quantity.h"

namespace lenacare {

MissedDoseAdvice AdviseMissedDose(const Knowledge& k, long scheduled_minute, long now_minute) {
  MissedDoseAdvice a;
  a.window_hours = k.missed_dose_window_hours;
  a.cite = k.missed_dose_cite;
  a.hours_late = static_cast<double>(now_minute - scheduled_minute) / 60.0;
  const std::string window = FormatNumber(a.window_hours);
  if (now_minute < scheduled_minute) {
    a.action = MissedDoseAction::kNotYetDue;
    a.hours_late = 0;
    a.advice = "The dose is not late yet: take it at the usual time.";
  } else if (a.hours_late <= a.window_hours) {
    a.action = MissedDoseAction::kTakeNow;
    a.advice = "Take the missed dose now: no more than " + window +
               " hours have passed since the usual time. Take the next dose at the usual time.";
  } else {
    a.action = MissedDoseAction::kSkip;
    a.advice = "Skip the missed dose: more than " + window +
               " hours have passed. Take the next dose at the usual time; never take two doses to make up.";
  }
  return a;
}

}  // namespace lenacare
