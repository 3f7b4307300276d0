// The visit report: what a patient brings to the clinic (and the clinician prints) for a period —
// the doses marked against the engine's pill days, the holds and dose changes with their reasons,
// the blood counts, the symptoms (the diary and the graded toxicities), the REMS pregnancy tests,
// and the questions the patient wrote down. One audited read; the patient, their caregivers and
// the care team may read it (permissions.h AuthorizeView).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/doses.h"
#include "core/result.h"
#include "store/accounts.h"
#include "store/store.h"

namespace lenacare::app {

struct VisitReportRequest {
  std::string patient;
  std::string from, to;  // YYYY-MM-DD; "" for the 28 days up to today
};

struct VisitReport {
  store::PatientRecord patient;
  std::optional<store::CourseRecord> course;
  Date from, to, made_on;
  std::optional<DoseAdherence> doses;         // when a course is stored
  std::vector<store::EventRecord> events;     // rows in force dated in the period, by date
  std::vector<store::SymptomEntry> symptoms;  // diary entries in the period
  std::vector<store::VisitQuestion> questions;
  std::vector<store::CaregiverLink> caregivers;  // who "entered by" names
};

// The longest period a report covers (a presentation limit, not a clinical fact).
inline constexpr int kLongestReportDays = 366;

Result<VisitReport> ReadVisitReport(const Context& ctx, const VisitReportRequest& r);

// A question for the next visit, by the patient or a caregiver who may write (1-500 characters).
Result<store::VisitQuestion> AddQuestion(const Context& ctx, const std::string& ref, const std::string& text);

}  // namespace lenacare::app
