#include "app/doses.h"

#include <nlohmann/json.hpp>

#include "course/evaluate.h"

namespace lenacare::app {

std::vector<const store::EventRecord*> DoseRowsOn(const std::vector<store::EventRecord>& rows, Date date) {
  const std::string day = date.ToString();
  std::vector<const store::EventRecord*> out;
  for (const store::EventRecord& r : rows) {
    if (r.replaced_by != 0 || r.date != day) continue;
    if (r.type == "dose-taken" || r.type == "dose-missed") out.push_back(&r);
  }
  return out;
}

DoseAdherence Adherence(const Knowledge& k, const Course& course, const std::vector<store::EventRecord>& rows, Date to,
                        int days) {
  DoseAdherence out;
  out.to = to;
  out.from = to.AddDays(1 - days);
  if (out.from < course.start_date) out.from = course.start_date;
  for (Date d = out.from; d <= to; d = d.AddDays(1)) {
    // A day counts when a dose was due (the engine's "taking") or one was marked (a dose taken on
    // the morning of a hold recorded later that day still counts).
    if (Evaluate(k, course, d).status != CourseStatus::kTaking && DoseRowsOn(rows, d).empty()) continue;
    DoseDay day{d, DoseMark::kUnmarked, "", ""};
    for (const store::EventRecord* r : DoseRowsOn(rows, d)) {
      day.mark = r->type == "dose-taken" ? DoseMark::kTaken : DoseMark::kMissed;
      day.recorded_by = r->recorded_by;
      const nlohmann::json body = nlohmann::json::parse(r->body, nullptr, false);
      day.note = body.is_object() && body.contains("reason") && body["reason"].is_string()
                     ? body["reason"].get<std::string>()
                     : "";
    }
    ++out.pill_days;
    (day.mark == DoseMark::kTaken ? out.taken : day.mark == DoseMark::kMissed ? out.missed : out.unmarked) += 1;
    out.days.push_back(std::move(day));
  }
  return out;
}

}  // namespace lenacare::app
