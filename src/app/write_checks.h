// The checks a clinical write gets before it is stored: the course is evaluated with the new
// event, and what the engine finds decides whether the write is refused (no override), needs a
// reason (the user confirms; the reason is kept with the event), or is stored as it is. Pure: a
// function of the knowledge, the course before and after the event, and the clinic's today.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clinical/maximum_dose.h"
#include "core/date.h"
#include "core/result.h"
#include "course/course.h"
#include "knowledge/knowledge.h"

namespace lenacare::app {

struct WriteCheck {
  std::vector<Problem> refused;  // not stored, whoever asks
  std::vector<Problem> confirm;  // stored only with a reason
};

// `before` is the stored course (nullptr when the patient has none yet), `after` the same with
// `event` added (equal to nothing when there is no course), `body` the event as entered (for the
// fields the engine does not keep, such as a dispense's quantity).
WriteCheck CheckWrite(const Knowledge& k, const Course* before, const Course* after, const Event& event,
                      const nlohmann::json& body, const Patient& patient, Date today);

// CheckWrite in two steps, for a caller that adds the event to the course in place rather than
// copying the course: CheckBefore with the course without the event, then CheckAfter with it.
struct PendingWriteCheck {
  WriteCheck check;
  bool course = false;             // there was a course to evaluate
  std::multiset<std::string> had;  // the engine's dose findings before the event
  Date as_of;                      // the later of today and the event's date
};
PendingWriteCheck CheckBefore(const Knowledge& k, const Course* before, const Event& event, const nlohmann::json& body,
                              const Patient& patient, Date today);
WriteCheck CheckAfter(const Knowledge& k, PendingWriteCheck pending, const Course* after);

// Checks of a course header before it is stored: the starting dose and pill days against the
// label's limits for the indication.
std::vector<Problem> CheckCourseStart(const Knowledge& k, const Course& course);

// The highest daily dose the label gives for an indication: one definition, the engine's
// (clinical/maximum_dose.h).
using lenacare::MaximumDose;
using lenacare::MaximumDoseFor;

}  // namespace lenacare::app
