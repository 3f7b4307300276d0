// The plain-text form of lenacare's answers, for people: what `lenacare <command>` prints without
// --json and what the web calculators show "in full". The same typed results as wire/json.h;
// no clinical logic here.
#pragma once

#include <string>
#include <vector>

#include "app/calculators.h"
#include "app/course_checks.h"
#include "app/records.h"
#include "app/worklist.h"
#include "knowledge/diff.h"
#include "knowledge/review.h"

namespace lenacare::wire {

// Printed under every text answer and in --help; shown on every page.
extern const char* const kDisclaimer;

std::string NotesText(const std::vector<Note>& notes);
std::string CrClText(const app::CrClAnswer& a);
std::string StartDoseText(const app::StartDoseAnswer& a);
std::string CalendarText(const app::CycleCalendarAnswer& a);
std::string MissedDoseText(const MissedDoseAdvice& a);
std::string CapsulePlanText(const CapsulePlan& p);
std::string CapsulesText(const app::CapsulesAnswer& a);
std::string GradeText(const app::GradeAnswer& a);
std::string VteText(const Knowledge& k, const app::VteAnswer& a);
std::string InteractionsText(const app::InteractionsAnswer& a);
std::string KnowledgeText(const app::KnowledgeSummary& s);
std::string KnowledgeDiffText(const KnowledgeDiff& d);
std::string SourcesText(const SourceRegister& r);
// The knowledge review as a packet to print: grouped by topic, each entry with what to check.
std::string ReviewText(const Review& r);
std::string DemoText(const app::DemoAnswer& a);

std::string AssessmentText(const Assessment& a, const Indication& ind);
std::string RemsText(const RemsChecklist& r);
std::string CheckText(const Knowledge& k, const app::CheckAnswer& a);
std::string ResponseText(const ResponseAnswer& a);

std::string PatientAddedText(const store::PatientRecord& p);
std::string PatientListText(const std::vector<store::PatientRecord>& list);
std::string PatientViewText(const app::PatientView& v);
std::string CourseStartedText(const store::CourseRecord& c, const std::string& ref);
std::string RecordedText(const store::EventRecord& e, const std::string& ref);
std::string StatusText(const Knowledge& k, const app::StatusAnswer& a);
std::string ImportText(const app::ImportSummary& s);
std::string WorklistText(const app::Worklist& w);
std::string AuditCheckText(const store::AuditCheck& c);
std::string AuditLogText(const std::vector<store::AuditEntry>& log);

}  // namespace lenacare::wire
