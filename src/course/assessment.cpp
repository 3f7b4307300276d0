#include "course/assessment.h"

namespace lenacare {

std::string_view CourseStatusId(CourseStatus s) {
  switch (s) {
    case CourseStatus::kTaking:
      return "taking";
    case CourseStatus::kRest:
      return "rest";
    case CourseStatus::kInterrupted:
      return "interrupted";
    case CourseStatus::kStopped:
      return "stopped";
    case CourseStatus::kCannotAssess:
      return "cannot-assess";
  }
  return "cannot-assess";
}

std::string_view ActionId(Action a) {
  switch (a) {
    case Action::kTake:
      return "take";
    case Action::kRest:
      return "rest";
    case Action::kInterrupt:
      return "interrupt";
    case Action::kKeepHolding:
      return "keep-holding";
    case Action::kResume:
      return "resume";
    case Action::kCheckBloodCount:
      return "check-blood-count";
    case Action::kPrescriberDecides:
      return "prescriber-decides";
    case Action::kStop:
      return "stop";
    case Action::kCheckDose:
      return "check-dose";
    case Action::kNote:
      return "note";
    case Action::kCannotAssess:
      return "cannot-assess";
    case Action::kPregnancyTest:
      return "pregnancy-test";
  }
  return "note";
}

bool Assessment::verified() const {
  for (const auto& r : recommendations) {
    if (!r.verified && !r.informational) return false;
  }
  return true;
}

}  // namespace lenacare
