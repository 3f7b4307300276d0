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
    {EventType::kPregnancyTest, "pregnancy-test"},
    {EventType::kMissedPeriod, "missed-period"},
    {EventType::kContraception, "contraception"},
    {EventType::kCounseling, "counseling"},
    {EventType::kAuthorization, "authorization"},
    {EventType::kPrescription, "prescription"},
    {EventType::kConfirmation, "confirmation"},
    {EventType::kDispense, "dispense"},
};

}  // namespace

bool IsProgramEvent(EventType t) {
  switch (t) {
    case EventType::kPregnancyTest:
    case EventType::kMissedPeriod:
    case EventType::kContraception:
    case EventType::kCounseling:
    case EventType::kAuthorization:
    case EventType::kPrescription:
    case EventType::kConfirmation:
    case EventType::kDispense:
      return true;
    default:
      return false;
  }
}

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
