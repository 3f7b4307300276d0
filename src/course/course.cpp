#include "course/course.h"

namespace lenacare {
namespace {

constexpr struct {
  EventType type;
  std::string_view id;
} kEventTypes[] = {
    {EventType::kLab, "lab"},
    {EventType::kDoseTaken, "dose-taken"},
    {EventType::kDoseMissed, "dose-missed"},
    {EventType::kHold, "hold"},
    {EventType::kResume, "resume"},
    {EventType::kDoseChange, "dose-change"},
    {EventType::kToxicity, "toxicity"},
    {EventType::kTemperature, "temperature"},
    {EventType::kTransfusion, "transfusion"},
    {EventType::kCycleStart, "cycle-start"},
    {EventType::kStop, "stop"},
};

}  // namespace

std::string_view EventTypeId(EventType t) {
  for (const auto& e : kEventTypes) {
    if (e.type == t) return e.id;
  }
  return "?";
}

bool ParseEventType(std::string_view id, EventType& out) {
  for (const auto& e : kEventTypes) {
    if (e.id == id) {
      out = e.type;
      return true;
    }
  }
  return false;
}

}  // namespace lenacare
