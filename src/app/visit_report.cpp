#include "app/visit_report.h"

#include <algorithm>

#include "app/permissions.h"
#include "core/text.h"

namespace lenacare::app {

Result<VisitReport> ReadVisitReport(const Context& ctx, const VisitReportRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeView(ctx, r.patient); !s.ok()) return s.error();
  const Date today = ctx.clock.Today();
  VisitReport out;
  out.made_on = today;
  auto to = r.to.empty() ? Result<Date>(today) : Date::Parse(r.to);
  if (!to.ok()) return Error::BadInput("to", "give the last day as YYYY-MM-DD");
  auto from = r.from.empty() ? Result<Date>(to->AddDays(-27)) : Date::Parse(r.from);
  if (!from.ok()) return Error::BadInput("from", "give the first day as YYYY-MM-DD");
  if (*to > today) return Error::BadInput("to", "the last day is after today");
  if (*from > *to) return Error::BadInput("from", "the first day is after the last");
  if (to->DaysSince(*from) >= kLongestReportDays) {
    return Error::BadInput("from", "a report covers at most " + std::to_string(kLongestReportDays) + " days");
  }
  out.from = *from;
  out.to = *to;
  store::Store& st = *ctx.store;
  return InRead<VisitReport>(st, [&]() -> Result<VisitReport> {
    auto p = st.FindPatient(r.patient);
    if (!p.ok()) return p.error();
    out.patient = *p;
    auto events = st.EventsOf(p->id);
    if (!events.ok()) return events.error();
    auto latest = st.LatestCourse(p->id);
    if (!latest.ok()) return latest.error();
    out.course = *latest;
    if (*latest) {
      auto c = st.RebuildCourse(ctx.k, *p, **latest, out.to);
      if (c.ok()) out.doses = Adherence(ctx.k, c->course, *events, out.to, out.to.DaysSince(out.from) + 1);
    }
    const std::string first = out.from.ToString(), last = out.to.ToString();
    for (const store::EventRecord& e : *events) {
      if (e.replaced_by != 0 || e.type == store::kEnteredInError || e.type == store::kFindingResolved) continue;
      if (e.date < first || e.date > last) continue;
      out.events.push_back(e);
    }
    std::stable_sort(out.events.begin(), out.events.end(),
                     [](const store::EventRecord& a, const store::EventRecord& b) { return a.date < b.date; });
    auto symptoms = st.SymptomsOf(p->id);
    if (!symptoms.ok()) return symptoms.error();
    for (const store::SymptomEntry& s : *symptoms) {
      if (s.date >= first && s.date <= last) out.symptoms.push_back(s);
    }
    auto questions = st.QuestionsOf(p->id);
    if (!questions.ok()) return questions.error();
    out.questions = std::move(questions).value();
    auto caregivers = store::Accounts(st, ctx.actor).CaregiversOf(r.patient);
    if (!caregivers.ok()) return caregivers.error();
    out.caregivers = std::move(caregivers).value();
    Status a = st.AppendAudit(ctx.actor, "patient.read", r.patient, "visit report " + first + " to " + last);
    if (!a.ok()) return a.error();
    return out;
  });
}

Result<store::VisitQuestion> AddQuestion(const Context& ctx, const std::string& ref, const std::string& text) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kSymptom, ref); !s.ok()) return s.error();
  const std::string q(Trim(text));
  if (q.empty() || q.size() > 500) return Error::BadInput("question", "write 1 to 500 characters");
  return ctx.store->AddQuestion(ctx.actor, ref, q);
}

}  // namespace lenacare::app
