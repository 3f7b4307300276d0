#include "webapp/commands.h"

#include "wire/json.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

// A route that reads the body with `fields`, runs `call` and writes the answer with `write`.
template <typename Request, typename Call, typename Write>
CalculatorRoute Route(std::string name, const Fields<Request>& fields, Call call, Write write) {
  return {std::move(name), [&fields, call, write](const app::Context& ctx, const json& body) -> Result<json> {
            Request r;
            Status s = fields.FromJson(body, r);
            if (!s.ok()) return s.error();
            auto answer = call(ctx, r);
            if (!answer.ok()) return answer.error();
            return write(ctx.k, *answer);
          }};
}

const Fields<app::CycleCalendarRequest>& CalendarFields() {
  using R = app::CycleCalendarRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("indication", &R::indication, true)
                                 .Text("start", &R::start, true)
                                 .Int("cycles", &R::cycles)
                                 .Real("dose", &R::dose_mg)
                                 .Text("frequency", &R::frequency)
                                 .Text("days", &R::days)
                                 .Text("setting", &R::setting)
                                 .Int("age", &R::age)
                                 .Text("birth_date", &R::birth_date)
                                 .Text("pregnancy_tests", &R::pregnancy_tests);
  return f;
}

const Fields<app::CapsulesRequest>& CapsulesFields() {
  using R = app::CapsulesRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("indication", &R::indication, true)
                                 .Real("dose", &R::dose_mg, true)
                                 .Text("frequency", &R::frequency)
                                 .Text("days", &R::days);
  return f;
}

const Fields<app::InteractionsRequest>& InteractionsFields() {
  using R = app::InteractionsRequest;
  static const Fields<R> f = Fields<R>().List("drugs", &R::drugs, true);
  return f;
}

const Fields<app::GradeRequest>& GradeFields() {
  using R = app::GradeRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("test", &R::test, true)
                                 .Text("value", &R::value, true)
                                 .Text("lln", &R::lln)
                                 .Text("uln", &R::uln)
                                 .Text("baseline", &R::baseline)
                                 .Text("temperature", &R::temperature)
                                 .Bool("sustained", &R::sustained)
                                 .Text("ctcae", &R::ctcae);
  return f;
}

const Fields<app::CourseRequest>& CourseFields() {
  using R = app::CourseRequest;
  static const Fields<R> f = Fields<R>().Document("course", &R::course, true).Text("as_of", &R::as_of);
  return f;
}

const Fields<app::ResponseRequest>& SeriesFields() {
  using R = app::ResponseRequest;
  static const Fields<R> f = Fields<R>().Document("series", &R::series, true);
  return f;
}

}  // namespace

const Fields<app::CrClRequest>& CrClFields() {
  using R = app::CrClRequest;
  static const Fields<R> f = Fields<R>()
                                 .Int("age", &R::age, true)
                                 .Text("sex", &R::sex, true)
                                 .Text("weight", &R::weight, true)
                                 .Text("creatinine", &R::creatinine, true);
  return f;
}

const Fields<app::StartDoseRequest>& StartDoseFields() {
  using R = app::StartDoseRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("indication", &R::indication, true)
                                 .Text("crcl", &R::crcl)
                                 .Bool("dialysis", &R::dialysis)
                                 .Int("age", &R::age)
                                 .Text("sex", &R::sex)
                                 .Text("weight", &R::weight)
                                 .Text("creatinine", &R::creatinine);
  return f;
}

const Fields<app::MissedDoseRequest>& MissedDoseFields() {
  using R = app::MissedDoseRequest;
  static const Fields<R> f = Fields<R>().Text("scheduled", &R::scheduled, true).Text("now", &R::now, true);
  return f;
}

const Fields<app::VteRequest>& VteFields() {
  using R = app::VteRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("bmi", &R::bmi)
                                 .Text("dexamethasone", &R::dexamethasone)
                                 .Text("prophylaxis", &R::prophylaxis)
                                 .List("present", &R::present)
                                 .List("unknown", &R::unknown);
  return f;
}

const Fields<app::WorklistRequest>& WorklistFields() {
  using R = app::WorklistRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("as_of", &R::as_of)
                                 .Int("look_ahead_days", &R::look_ahead_days)
                                 .Int("limit", &R::limit)
                                 .Text("after", &R::after);
  return f;
}

const std::vector<CalculatorRoute>& CalculatorRoutes() {
  static const std::vector<CalculatorRoute> all = {
      Route("crcl", CrClFields(), app::CrCl,
            [](const Knowledge&, const app::CrClAnswer& a) { return wire::CrClJson(a); }),
      Route("start-dose", StartDoseFields(), app::StartDose,
            [](const Knowledge&, const app::StartDoseAnswer& a) { return wire::StartDoseJson(a); }),
      Route("calendar", CalendarFields(), app::CycleCalendar,
            [](const Knowledge&, const app::CycleCalendarAnswer& a) { return wire::CalendarJson(a); }),
      Route("missed-dose", MissedDoseFields(), app::MissedDose,
            [](const Knowledge&, const MissedDoseAdvice& a) { return wire::MissedDoseJson(a); }),
      Route("capsules", CapsulesFields(), app::Capsules,
            [](const Knowledge&, const app::CapsulesAnswer& a) { return wire::CapsulesJson(a); }),
      Route("vte", VteFields(), app::Vte,
            [](const Knowledge& k, const app::VteAnswer& a) { return wire::VteJson(k, a); }),
      Route("interactions", InteractionsFields(), app::Interactions,
            [](const Knowledge&, const app::InteractionsAnswer& a) { return wire::InteractionsJson(a); }),
      Route("grade", GradeFields(), app::Grade,
            [](const Knowledge&, const app::GradeAnswer& a) { return wire::GradeJson(a); }),
      Route("evaluate", CourseFields(), app::Evaluate,
            [](const Knowledge& k, const app::EvaluateAnswer& a) {
              return wire::AssessmentJson(k, a.assessment, *a.course.indication);
            }),
      Route("rems", CourseFields(), app::Rems,
            [](const Knowledge&, const app::RemsAnswer& a) { return wire::RemsJson(a.checklist); }),
      Route("check", CourseFields(), app::Check,
            [](const Knowledge& k, const app::CheckAnswer& a) { return wire::CheckJson(k, a); }),
      Route("response", SeriesFields(), app::Response,
            [](const Knowledge&, const app::ResponseResult& a) { return wire::ResponseJson(a.answer); }),
  };
  return all;
}

const CalculatorRoute* FindCalculator(const std::string& name) {
  for (const CalculatorRoute& c : CalculatorRoutes()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace lenacare::webapp
