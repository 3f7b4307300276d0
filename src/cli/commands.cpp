// The calculator and course-check subcommands: options -> app request -> wire JSON or text.
#include "cli/commands.h"

#include <filesystem>

#include "app/calculators.h"
#include "app/course_checks.h"
#include "cli/common.h"
#include "wire/json.h"
#include "wire/text.h"

namespace lenacare::cli {
namespace {

app::CrClRequest CrClOf(const Options& o) { return {o.age, o.sex, o.weight, o.creatinine}; }

// A course file (or "-") and the date for evaluate, rems and check.
Result<app::CourseRequest> CourseOf(const Options& o) {
  auto text = ReadInput(o.course_file, "course");
  if (!text.ok()) return text.error();
  return app::CourseRequest{std::move(text).value(), o.as_of};
}

}  // namespace

int RunCrCl(const Options& o) {
  return Show<app::CrClAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::CrCl(c, CrClOf(o)); },
      [](const Knowledge&, const app::CrClAnswer& a) { return wire::CrClJson(a); },
      [](const Knowledge&, const app::CrClAnswer& a) { return wire::CrClText(a); });
}

int RunStartDose(const Options& o) {
  app::StartDoseRequest r;
  static_cast<app::CrClRequest&>(r) = CrClOf(o);
  r.indication = o.indication;
  r.crcl = o.crcl;
  r.dialysis = o.dialysis;
  return Show<app::StartDoseAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::StartDose(c, r); },
      [](const Knowledge&, const app::StartDoseAnswer& a) { return wire::StartDoseJson(a); },
      [](const Knowledge&, const app::StartDoseAnswer& a) { return wire::StartDoseText(a); });
}

int RunCalendar(const Options& o) {
  const app::CycleCalendarRequest r{o.indication, o.start,   o.cycles, o.dose_mg,    o.frequency,
                                    o.days,       o.setting, o.age,    o.birth_date, o.pregnancy_tests};
  return Show<app::CycleCalendarAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::CycleCalendar(c, r); },
      [](const Knowledge&, const app::CycleCalendarAnswer& a) { return wire::CalendarJson(a); },
      [](const Knowledge&, const app::CycleCalendarAnswer& a) { return wire::CalendarText(a); });
}

int RunMissedDose(const Options& o) {
  return Show<MissedDoseAdvice>(
      o, /*with_store=*/false,
      [&](const app::Context& c) {
        return app::MissedDose(c, {o.scheduled, o.now});
      },
      [](const Knowledge&, const MissedDoseAdvice& a) { return wire::MissedDoseJson(a); },
      [](const Knowledge&, const MissedDoseAdvice& a) { return wire::MissedDoseText(a); });
}

int RunCapsules(const Options& o) {
  return Show<app::CapsulesAnswer>(
      o, /*with_store=*/false,
      [&](const app::Context& c) {
        return app::Capsules(c, {o.indication, o.dose_mg, o.frequency, o.days});
      },
      [](const Knowledge&, const app::CapsulesAnswer& a) { return wire::CapsulesJson(a); },
      [](const Knowledge&, const app::CapsulesAnswer& a) { return wire::CapsulesText(a); });
}

int RunGrade(const Options& o) {
  app::GradeRequest r;
  r.test = o.grade_test;
  r.value = o.grade_value;
  r.lln = o.lln;
  r.uln = o.uln;
  r.baseline = o.baseline;
  r.temperature = o.temperature;
  r.ctcae = o.ctcae;
  r.sustained = o.sustained;
  return Show<app::GradeAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::Grade(c, r); },
      [](const Knowledge&, const app::GradeAnswer& a) { return wire::GradeJson(a); },
      [](const Knowledge&, const app::GradeAnswer& a) { return wire::GradeText(a); });
}

int RunVte(const Options& o) {
  const app::VteRequest r{o.bmi, o.dexamethasone, o.prophylaxis, o.present, o.unknown};
  return Show<app::VteAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::Vte(c, r); },
      [](const Knowledge& k, const app::VteAnswer& a) { return wire::VteJson(k, a); },
      [](const Knowledge& k, const app::VteAnswer& a) { return wire::VteText(k, a); });
}

int RunInteractions(const Options& o) {
  return Show<app::InteractionsAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::Interactions(c, {o.drugs}); },
      [](const Knowledge&, const app::InteractionsAnswer& a) { return wire::InteractionsJson(a); },
      [](const Knowledge&, const app::InteractionsAnswer& a) { return wire::InteractionsText(a); });
}

int RunKnowledgeCheck(const Options& o) {
  Options with_dir = o;
  if (!o.check_dir.empty()) with_dir.knowledge_dir = o.check_dir;
  return Show<app::KnowledgeSummary>(
      with_dir, /*with_store=*/false,
      [](const app::Context& c) { return Result<app::KnowledgeSummary>(app::SummarizeKnowledge(c.k)); },
      [](const Knowledge&, const app::KnowledgeSummary& s) { return wire::KnowledgeJson(s); },
      [](const Knowledge&, const app::KnowledgeSummary& s) { return wire::KnowledgeText(s); });
}

int RunKnowledgeDiff(const Options& o) {
  for (const std::string& dir : {o.diff_old, o.diff_new}) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return Fail(Error::BadInput(dir, "not a knowledge directory"), o);
  }
  const KnowledgeDiff d = DiffKnowledge(o.diff_old, o.diff_new, o.pack);
  return Emit(o, wire::KnowledgeDiffJson(d), o.json ? std::string() : wire::KnowledgeDiffText(d), kAnswered);
}

int RunKnowledgeSources(const Options& o) {
  return Show<app::KnowledgeSummary>(
      o, /*with_store=*/false,
      [](const app::Context& c) { return Result<app::KnowledgeSummary>(app::SummarizeKnowledge(c.k)); },
      [](const Knowledge& k, const app::KnowledgeSummary&) { return wire::SourcesJson(k.sources); },
      [](const Knowledge& k, const app::KnowledgeSummary&) { return wire::SourcesText(k.sources); });
}

int RunKnowledgeReview(const Options& o) {
  return Show<Review>(
      o, /*with_store=*/false, [&o](const app::Context& c) { return ReviewKnowledge(c.k, o.review_all); },
      [](const Knowledge&, const Review& r) { return wire::ReviewJson(r); },
      [](const Knowledge&, const Review& r) { return wire::ReviewText(r); });
}

int RunDemo(const Options& o) {
  return Show<app::DemoAnswer>(
      o, /*with_store=*/false, [](const app::Context& c) { return app::Demo(c); },
      [](const Knowledge&, const app::DemoAnswer& a) { return wire::DemoJson(a); },
      [](const Knowledge&, const app::DemoAnswer& a) { return wire::DemoText(a); });
}

int RunEvaluate(const Options& o) {
  auto r = CourseOf(o);
  if (!r.ok()) return Fail(r.error(), o);
  return Show<app::EvaluateAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::Evaluate(c, *r); },
      [](const Knowledge& k, const app::EvaluateAnswer& a) {
        return wire::AssessmentJson(k, a.assessment, *a.course.indication);
      },
      [](const Knowledge&, const app::EvaluateAnswer& a) {
        return wire::AssessmentText(a.assessment, *a.course.indication);
      });
}

int RunRems(const Options& o) {
  auto r = CourseOf(o);
  if (!r.ok()) return Fail(r.error(), o);
  return Show<app::RemsAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::Rems(c, *r); },
      [](const Knowledge&, const app::RemsAnswer& a) { return wire::RemsJson(a.checklist); },
      [](const Knowledge&, const app::RemsAnswer& a) { return wire::RemsText(a.checklist); });
}

int RunCheck(const Options& o) {
  auto r = CourseOf(o);
  if (!r.ok()) return Fail(r.error(), o);
  return Show<app::CheckAnswer>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::Check(c, *r); },
      [](const Knowledge& k, const app::CheckAnswer& a) { return wire::CheckJson(k, a); },
      [](const Knowledge& k, const app::CheckAnswer& a) { return wire::CheckText(k, a); });
}

int RunResponse(const Options& o) {
  auto text = ReadInput(o.course_file, "series");
  if (!text.ok()) return Fail(text.error(), o);
  return Show<app::ResponseResult>(
      o, /*with_store=*/false, [&](const app::Context& c) { return app::Response(c, {*text}); },
      [](const Knowledge&, const app::ResponseResult& a) { return wire::ResponseJson(a.answer); },
      [](const Knowledge&, const app::ResponseResult& a) { return wire::ResponseText(a.answer); });
}

}  // namespace lenacare::cli
