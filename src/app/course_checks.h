// The checks of one therapy course, given as a course file (docs/course-format.md) or rebuilt
// from the records: where it stands (evaluate), the pregnancy-prevention checklist (REMS),
// everything at once (check: evaluate, REMS, readiness to start, clot risk, interactions), the
// myeloma response of a marker series, and the low-count calculator (one blood count on a course
// the form describes). "as_of" defaults to the clock's today.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/calculators.h"
#include "app/context.h"
#include "clinical/response.h"
#include "course/assessment.h"
#include "course/course.h"
#include "course/readiness.h"
#include "course/rems.h"

namespace lenacare::app {

// A course file's text and the date to assess it on ("" for today).
struct CourseRequest {
  std::string course;
  std::string as_of;
};

struct EvaluateAnswer {
  Course course;
  Assessment assessment;
  Outcome outcome() const {
    return assessment.status == CourseStatus::kCannotAssess ? Outcome::kCannotAssess : Outcome::kAnswered;
  }
};
Result<EvaluateAnswer> Evaluate(const Context& ctx, const CourseRequest& r);

struct RemsAnswer {
  RemsChecklist checklist;
  Outcome outcome() const {
    return checklist.may_dispense == DispenseAnswer::kCannotAssess ? Outcome::kCannotAssess : Outcome::kAnswered;
  }
};
Result<RemsAnswer> Rems(const Context& ctx, const CourseRequest& r);

// Everything lenacare checks for one course on one date.
struct CheckAnswer {
  const Indication* indication = nullptr;
  Date start, as_of;
  std::optional<Assessment> assessment;  // from the start of therapy on
  RemsChecklist rems;
  Readiness readiness;
  std::optional<VteAnswer> vte;                 // when the course has patient.vte facts
  std::vector<InteractionAnswer> interactions;  // of patient.medications the knowledge knows
  // The medications it does not know, each with why no answer is given; they do not stop the
  // other checks (lenacare cannot say that no interaction exists).
  struct UnknownMedication {
    std::string query, message;
  };
  std::vector<UnknownMedication> unknown_medications;
  Outcome outcome() const;
};
Result<CheckAnswer> Check(const Context& ctx, const CourseRequest& r);
// The same for a course already read (a stored course): the one composition of the checks.
Result<CheckAnswer> CheckAll(const Knowledge& k, const Course& course, Date as_of);

// A response series' text (docs/response-format.md).
struct ResponseRequest {
  std::string series;
};
struct ResponseResult {
  ResponseAnswer answer;
  Outcome outcome() const { return answer.assessed ? Outcome::kAnswered : Outcome::kCannotAssess; }
};
Result<ResponseResult> Response(const Context& ctx, const ResponseRequest& r);
// The classification of a series already read, with the criteria it names.
Result<ResponseResult> ClassifySeries(const Knowledge& k, const ResponseSeries& series);

// The low-count calculator: a course started on `start` at `dose` (default the indication's
// starting dose) on the label's schedule, counts before therapy taken on the first day, and one
// blood count on `date`. Errors name these fields, never the course file they become.
struct LowCountRequest {
  std::string indication, start, dose, date, anc, platelets, baseline_anc, baseline_platelets;
};
Result<EvaluateAnswer> LowCount(const Context& ctx, const LowCountRequest& r);

}  // namespace lenacare::app
