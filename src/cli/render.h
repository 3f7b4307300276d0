// How answers are shown: JSON (the stable contract for scripts and acceptance tests) and plain
// text for people. No clinical logic here.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "clinical/capsules.h"
#include "clinical/missed_dose.h"
#include "clinical/renal.h"
#include "course/assessment.h"
#include "course/calendar.h"
#include "knowledge/knowledge.h"

namespace lenacare::cli {

nlohmann::json CitationJson(const Citation& c);
nlohmann::json NotesJson(const std::vector<Note>& notes);
nlohmann::json RegimenJson(const Regimen& r, int cycle_days);
nlohmann::json AssessmentJson(const Knowledge& k, const Assessment& a, const Indication& ind);
nlohmann::json StartingDoseJson(const StartingDose& d, const std::optional<double>& crcl, const CapsulePlan* plan);
nlohmann::json CalendarJson(const Calendar& c, const Indication& ind, const Regimen& r);
nlohmann::json CapsulePlanJson(const CapsulePlan& p);
nlohmann::json MissedDoseJson(const MissedDoseAdvice& a);
nlohmann::json PackJson(const Knowledge& k);

std::string AssessmentText(const Assessment& a, const Indication& ind);
std::string StartingDoseText(const StartingDose& d, const std::optional<double>& crcl, const CapsulePlan* plan);
std::string CalendarText(const Calendar& c, const Indication& ind, const Regimen& r);
std::string CapsulePlanText(const CapsulePlan& p);
std::string NotesText(const std::vector<Note>& notes);

extern const char* const kDisclaimer;

}  // namespace lenacare::cli
