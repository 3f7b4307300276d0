#include "app/course_checks.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/quantity.h"
#include "core/text.h"
#include "course/calendar.h"
#include "course/course_json.h"
#include "course/evaluate.h"
#include "course/response_json.h"
#include "knowledge/response_criteria.h"

namespace lenacare::app {
namespace {

struct CourseAsOf {
  Course course;
  Date as_of;
};

// The course file parsed, and the date (default today) checked against its events; with
// allow_before_start the date may precede the start (the REMS steps before it).
Result<CourseAsOf> ReadCourse(const Context& ctx, const CourseRequest& r, bool allow_before_start) {
  auto course = ParseCourseJson(ctx.k, r.course);
  if (!course.ok()) return course.error();
  auto as_of = AsOf(ctx, r.as_of);
  if (!as_of.ok()) return as_of.error();
  Status s = CheckEventsUpTo(*course, *as_of, allow_before_start);
  if (!s.ok()) return s.error();
  return CourseAsOf{std::move(course).value(), *as_of};
}

// Dexamethasone per 28-day cycle from the course's companion schedule, for the clot-risk models
// when the patient's facts do not give it.
std::optional<Note> DeriveDexamethasone(const Knowledge& k, const Course& c, Date as_of, VteFacts& f) {
  if (f.numbers.count("dexamethasone_per_month") > 0) return std::nullopt;
  const int cycle = as_of < c.start_date ? 1 : std::max(Evaluate(k, c, as_of).cycle, 1);
  CalendarRequest r{c.indication, c.start_date, cycle, c.starting, c.setting, std::nullopt, {}};
  if (c.patient.birth_date) r.age_years = c.start_date.YearsSince(*c.patient.birth_date);
  auto cal = BuildCalendar(k, r);
  if (!cal.ok()) return std::nullopt;
  if (!cal->companions_need.empty()) return std::nullopt;
  double mg = 0;
  for (const CalendarDay& d : cal->days) {
    if (d.cycle != cycle) continue;
    for (const CompanionOnDay& x : d.companions) {
      if (x.drug != "dexamethasone") continue;
      auto q = ParseQuantity(x.dose);
      if (q.ok() && q->unit == "mg") mg += q->value;
    }
  }
  const bool has_dex = std::any_of(k.companions.begin(), k.companions.end(), [&](const CompanionDose& x) {
    return x.indication == c.indication->id && x.drug == "dexamethasone";
  });
  if (!has_dex) mg = 0;
  f.numbers["dexamethasone_per_month"] = mg;
  return Note{"Dexamethasone per month taken as " + FormatNumber(mg) + " mg: the regimen's total in cycle " +
                  std::to_string(cycle) + " (28 days)",
              c.indication->cite.source, true};
}

}  // namespace

Result<EvaluateAnswer> Evaluate(const Context& ctx, const CourseRequest& r) {
  auto read = ReadCourse(ctx, r, /*allow_before_start=*/false);
  if (!read.ok()) return read.error();
  Assessment a = lenacare::Evaluate(ctx.k, read->course, read->as_of);
  return EvaluateAnswer{std::move(read).value().course, std::move(a)};
}

Result<RemsAnswer> Rems(const Context& ctx, const CourseRequest& r) {
  auto read = ReadCourse(ctx, r, /*allow_before_start=*/true);
  if (!read.ok()) return read.error();
  auto rems = BuildRemsChecklist(ctx.k, read->course, read->as_of);
  if (!rems.ok()) return rems.error();
  return RemsAnswer{std::move(rems).value()};
}

Outcome CheckAnswer::outcome() const {
  const bool cannot = (assessment && assessment->status == CourseStatus::kCannotAssess) ||
                      rems.may_dispense == DispenseAnswer::kCannotAssess;
  return cannot ? Outcome::kCannotAssess : Outcome::kAnswered;
}

Result<CheckAnswer> CheckAll(const Knowledge& k, const Course& course, Date as_of) {
  CheckAnswer out;
  out.indication = course.indication;
  out.start = course.start_date;
  out.as_of = as_of;
  if (as_of >= course.start_date) out.assessment = lenacare::Evaluate(k, course, as_of);
  auto rems = BuildRemsChecklist(k, course, as_of);
  if (!rems.ok()) return rems.error();
  out.rems = std::move(rems).value();
  out.readiness = AssessReadiness(k, course, out.rems);
  if (course.patient.has_vte) {
    VteFacts facts = course.patient.vte;
    std::vector<Note> notes;
    if (auto derived = DeriveDexamethasone(k, course, as_of, facts)) notes.push_back(*derived);
    out.vte = VteFromFacts(k, std::move(facts), std::move(notes));
  }
  for (size_t i = 0; i < course.patient.medications.size(); ++i) {
    const std::string& drug = course.patient.medications[i];
    auto a = LookUpInteraction(k, drug);
    if (a.ok()) {
      out.interactions.push_back(std::move(a).value());
    } else if (drug.find_first_not_of(" \t") == std::string::npos) {
      return a.error().Under("patient.medications[" + std::to_string(i) + "]");  // a blank name is bad input
    } else {
      out.unknown_medications.push_back({drug, a.error().message});
    }
  }
  return out;
}

Result<CheckAnswer> Check(const Context& ctx, const CourseRequest& r) {
  auto read = ReadCourse(ctx, r, /*allow_before_start=*/true);
  if (!read.ok()) return read.error();
  return CheckAll(ctx.k, read->course, read->as_of);
}

Result<ResponseResult> ClassifySeries(const Knowledge& k, const ResponseSeries& series) {
  // The criteria were loaded with the knowledge: a request's version never comes near a file.
  const ResponseCriteria* criteria = k.FindResponseCriteria(series.criteria);
  if (criteria == nullptr) {
    return Error::BadInput("criteria", "unknown criteria version " + Quoted(series.criteria) +
                                           " (known: " + k.ResponseCriteriaVersions() + ")");
  }
  return ResponseResult{ClassifyResponse(*criteria, series)};
}

Result<ResponseResult> Response(const Context& ctx, const ResponseRequest& r) {
  auto series = ParseResponseSeries(ctx.k.units, r.series);
  if (!series.ok()) return series.error();
  return ClassifySeries(ctx.k, *series);
}

Result<EvaluateAnswer> LowCount(const Context& ctx, const LowCountRequest& r) {
  using nlohmann::json;
  const Knowledge& k = ctx.k;
  if (r.indication.empty()) return Error::BadInput("indication", "missing");
  if (r.start.empty()) return Error::BadInput("start", "missing: the first day of therapy (YYYY-MM-DD)");
  if (r.date.empty()) return Error::BadInput("date", "missing: the date of the blood count (YYYY-MM-DD)");
  if (r.anc.empty() && r.platelets.empty())
    return Error::BadInput("anc", "missing: give the ANC, the platelet count or both");
  // The course the form describes, written as a course file so that the course-file reader
  // checks it (units, plausibility, dates); for each of its fields, the input it came from.
  std::map<std::string, std::string> input_of = {
      {"indication", "indication"}, {"start_date", "start"}, {"starting_dose_mg", "dose"}, {"as_of", "date"}};
  json course = {{"indication", r.indication}, {"start_date", r.start}};
  if (!r.dose.empty()) {
    double mg = 0;
    auto [end, ec] = std::from_chars(r.dose.data(), r.dose.data() + r.dose.size(), mg);
    if (ec != std::errc() || end != r.dose.data() + r.dose.size())
      return Error::BadInput("dose", Quoted(r.dose) + " is not a number of mg (e.g. 25)");
    course["starting_dose_mg"] = mg;
  } else if (const Indication* ind = k.FindIndication(r.indication)) {
    course["starting_dose_mg"] = ind->start.dose_mg;  // the label's starting dose, as the form says
  }
  json baseline = json::array(), events = json::array();
  const std::pair<const char*, const std::string*> tests[] = {{"anc", &r.anc}, {"platelets", &r.platelets}};
  const std::string* bases[] = {&r.baseline_anc, &r.baseline_platelets};
  for (size_t i = 0; i < 2; ++i) {
    const std::string test = tests[i].first;
    if (!bases[i]->empty()) {
      const std::string at = "baseline[" + std::to_string(baseline.size()) + "]";
      input_of[at + ".value"] = "baseline_" + test;
      input_of[at + ".date"] = "start";
      baseline.push_back({{"date", r.start}, {"test", test}, {"value", *bases[i]}});
    }
    if (!tests[i].second->empty()) {
      const std::string at = "events[" + std::to_string(events.size()) + "]";
      input_of[at + ".value"] = test;
      input_of[at + ".date"] = "date";
      events.push_back({{"date", r.date}, {"type", "lab"}, {"test", test}, {"value", *tests[i].second}});
    }
  }
  if (!baseline.empty()) course["baseline"] = baseline;
  course["events"] = events;
  auto answer = Evaluate(ctx, CourseRequest{course.dump(), r.date});
  if (!answer.ok()) {
    Error e = answer.error();
    auto it = input_of.find(e.field);
    if (it != input_of.end()) e.field = it->second;
    return e;
  }
  return answer;
}

}  // namespace lenacare::app
