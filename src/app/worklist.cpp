#include "app/worklist.h"

#include <algorithm>
#include <map>

#include "app/records.h"
#include "course/assessment.h"
#include "course/evaluate.h"
#include "course/rems.h"

namespace lenacare::app {

std::string_view UrgencyId(Urgency u) {
  switch (u) {
    case Urgency::kOverdue:
      return "overdue";
    case Urgency::kNeedsHuman:
      return "needs-human";
    case Urgency::kHold:
      return "hold";
    case Urgency::kDueToday:
      return "due-today";
    case Urgency::kExpiring:
      return "expiring";
    case Urgency::kDueSoon:
      return "due-soon";
    case Urgency::kFillWindow:
      return "fill-window";
    case Urgency::kResponse:
      return "response";
  }
  return "";
}

namespace {

bool HasProgramEvents(const Course& c) {
  return std::any_of(c.events.begin(), c.events.end(), [](const Event& e) { return IsProgramEvent(e.type); });
}

void AddDue(std::vector<WorkItem>& items, const std::string& what, Date due, bool overdue, Date as_of, int ahead,
            const std::string& detail, const std::string& source, bool verified) {
  Urgency u;
  if (overdue || due < as_of) {
    u = Urgency::kOverdue;
  } else if (due == as_of) {
    u = Urgency::kDueToday;
  } else if (due.DaysSince(as_of) <= ahead) {
    u = Urgency::kDueSoon;
  } else {
    return;
  }
  for (const WorkItem& i : items) {
    if (i.what == what && i.due == due) return;  // the same test from evaluate and the checklist
  }
  items.push_back({u, what, due, detail, source, verified, ""});
}

// An item when the latest response category of a myeloma course's stored markers awaits its
// confirming assessment, or when the markers do not make a series.
void AddResponseItem(const Knowledge& k, const ResponseCriteria& criteria, const store::StoredCourse& stored,
                     std::vector<WorkItem>& items) {
  const std::string start = stored.course.start_date.ToString();
  const bool baseline = std::any_of(stored.markers.begin(), stored.markers.end(),
                                    [&](const store::EventRecord& m) { return m.date <= start; });
  const bool assessed = std::any_of(stored.markers.begin(), stored.markers.end(),
                                    [&](const store::EventRecord& m) { return m.date > start; });
  if (!baseline || !assessed) return;
  auto parsed = MarkerSeries(k, stored.markers, stored.course.start_date, criteria.version);
  if (!parsed.ok()) {
    items.push_back({Urgency::kNeedsHuman, "cannot-assess", std::nullopt,
                     "the stored response markers do not make a series: " + parsed.error().Describe(),
                     criteria.confirmation.source, true, ""});
    return;
  }
  const ResponseAnswer answer = ClassifyResponse(criteria, *parsed);
  if (!answer.assessed || answer.assessments.empty()) return;
  const AssessmentResponse& last = answer.assessments.back();
  // Only a change needs the next assessment: a category the latest confirmed response already is
  // (the usual state of a stable patient) is not an item.
  if (!last.awaiting_confirmation || answer.current_response == last.category) return;
  items.push_back({Urgency::kResponse, "response", std::nullopt,
                   std::string(ResponseCategoryId(last.category)) + " on " + last.date.ToString() +
                       " awaits a confirming assessment of the same marker",
                   criteria.confirmation.source, criteria.confirmation.verified, ""});
}

}  // namespace

std::string SymptomFinding(const store::SymptomEntry& e) { return "symptom:" + std::to_string(e.id); }

std::vector<WorkItem> ItemsFor(const Knowledge& k, const ResponseCriteria* criteria,
                               const Result<store::StoredCourse>& stored, Date as_of, int ahead,
                               const std::vector<store::SymptomEntry>& severe) {
  std::vector<WorkItem> items;
  const std::vector<std::string> none;
  const std::vector<std::string>& resolved = stored.ok() ? stored->resolved : none;
  auto is_resolved = [&](const std::string& finding) {
    return std::find(resolved.begin(), resolved.end(), finding) != resolved.end();
  };
  for (const store::SymptomEntry& e : severe) {
    const std::string finding = SymptomFinding(e);
    if (is_resolved(finding)) continue;
    auto date = Date::Parse(e.date);
    items.push_back({Urgency::kNeedsHuman, "symptom", date.ok() ? std::optional<Date>(*date) : std::nullopt,
                     "the patient rated \"" + e.symptom + "\" severe" + (e.note.empty() ? "" : ": " + e.note), "", true,
                     finding});
  }
  if (!stored.ok()) {
    items.push_back({Urgency::kNeedsHuman, "cannot-assess", std::nullopt,
                     "the stored course does not read: " + stored.error().Describe(), "", true, ""});
    return items;
  }
  const Course& c = stored->course;
  if (as_of >= c.start_date) {
    const Assessment a = Evaluate(k, c, as_of);
    if (a.status == CourseStatus::kCannotAssess) {
      items.push_back({Urgency::kNeedsHuman, "cannot-assess", std::nullopt, a.cannot_assess, "", true, ""});
    }
    for (const Recommendation& r : a.recommendations) {
      if (r.action != Action::kCheckDose || is_resolved(r.reason)) continue;
      items.push_back({Urgency::kNeedsHuman, "check-dose", std::nullopt, r.reason, r.source, r.verified, r.reason});
    }
    if (a.status == CourseStatus::kInterrupted) {
      std::string detail = "therapy interrupted";
      for (const DueTest& t : a.tests_due) {
        if (t.test == "cbc") detail += "; next blood count " + t.due.ToString();
      }
      items.push_back({Urgency::kHold, "hold", std::nullopt, detail + ": waiting for a recovery count", "", true, ""});
    }
    for (const DueTest& t : a.tests_due)
      AddDue(items, t.test, t.due, t.overdue, as_of, ahead, t.detail, t.source, t.verified);
  }
  if (HasProgramEvents(c)) {
    auto rems = BuildRemsChecklist(k, c, as_of);
    if (!rems.ok()) {
      items.push_back(
          {Urgency::kNeedsHuman, "cannot-assess", std::nullopt, "REMS: " + rems.error().Describe(), "", true, ""});
    } else {
      for (const ChecklistItem& i : rems->items) {
        if (i.id.rfind("pregnancy-tests", 0) == 0 && i.due &&
            (i.status == ItemStatus::kDue || i.status == ItemStatus::kOverdue)) {
          AddDue(items, "pregnancy-test", *i.due, i.status == ItemStatus::kOverdue, as_of, ahead, i.detail, i.source,
                 i.verified);
        } else if (i.id == "authorization" && i.due && i.due->DaysSince(as_of) <= ahead) {
          items.push_back({Urgency::kExpiring, "authorization", i.due, i.detail, i.source, i.verified, ""});
        } else if (i.id == "next-fill" && i.due && i.due->DaysSince(as_of) <= ahead && *i.due >= as_of) {
          items.push_back({Urgency::kFillWindow, "next-fill", i.due, i.detail, i.source, i.verified, ""});
        }
      }
    }
  }
  if (criteria != nullptr && !stored->markers.empty() && c.indication->id.rfind("mm", 0) == 0) {
    AddResponseItem(k, *criteria, *stored, items);
  }
  std::stable_sort(items.begin(), items.end(), [](const WorkItem& a, const WorkItem& b) {
    if (a.urgency != b.urgency) return a.urgency < b.urgency;
    return a.due.value_or(Date::FromDays(0)) < b.due.value_or(Date::FromDays(0));
  });
  return items;
}

Result<Worklist> BuildWorklist(const Context& ctx, const WorklistRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  const Knowledge& k = ctx.k;
  const int ahead = r.look_ahead_days;
  auto day = AsOf(ctx, r.as_of);
  if (!day.ok()) return day.error();
  const Date as_of = *day;
  if (ahead < 0 || ahead > 366) return Error::BadInput("days", "must be a whole number from 0 to 366");
  const ResponseCriteria* criteria = k.FindResponseCriteria("IMWG-2016");  // the loader requires it
  auto severe = ctx.store->SevereSymptoms(as_of);
  if (!severe.ok()) return severe.error();
  Worklist w;
  w.as_of = as_of;
  w.look_ahead_days = ahead;
  Status s = ctx.store->ForEachCourse(
      ctx.actor, k, as_of, [&](const store::PatientRecord& p, const Result<store::StoredCourse>& c) {
        ++w.patients;
        auto reported = severe->find(p.id);
        std::vector<WorkItem> items =
            ItemsFor(k, criteria, c, as_of, ahead,
                     reported == severe->end() ? std::vector<store::SymptomEntry>{} : reported->second);
        if (items.empty()) return;
        w.entries.push_back({p, c.ok() ? c->record.indication : "", std::move(items)});
      });
  if (!s.ok()) return s.error();
  std::stable_sort(w.entries.begin(), w.entries.end(), [](const WorkEntry& a, const WorkEntry& b) {
    const WorkItem& x = a.items.front();
    const WorkItem& y = b.items.front();
    if (x.urgency != y.urgency) return x.urgency < y.urgency;
    const Date dx = x.due.value_or(Date::FromDays(0)), dy = y.due.value_or(Date::FromDays(0));
    if (dx != dy) return dx < dy;
    return a.patient.ref < b.patient.ref;
  });
  return w;
}

}  // namespace lenacare::app
