#include "webapp/clinician_course.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "app/records.h"
#include "app/worklist.h"
#include "clinical/capsules.h"
#include "core/quantity.h"
#include "core/text.h"
#include "knowledge/lab_test.h"
#include "webapp/charts.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

constexpr std::string_view kUnverified = kUnverifiedSuffix;

using Sources = SourceList;

// A JSON value of a stored event as text for people.
std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return FormatNumber(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_array()) {
    std::string out;
    for (const json& x : v) out += (out.empty() ? "" : ", ") + Text(x);
    return out;
  }
  if (v.is_null()) return "";
  return v.dump();
}

const json& At(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Get(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it == j.end() ? "" : Text(*it);
}

std::string UnverifiedNote() { return " <span class=\"unverified\">(" + std::string(kUnverified) + ")</span>"; }

std::string SourceLine(const std::string& source, bool verified) {
  return "<br><span class=\"hint\">Source: " +
         (source.empty() ? std::string("lenacare's consistency check of the record") : Escape(source)) + "</span>" +
         (verified ? "" : UnverifiedNote());
}

std::string Humanize(std::string id) {
  for (char& c : id) c = c == '_' || c == '-' ? ' ' : c;
  return id;
}

std::string ActionLabel(const std::string& a) {
  static const std::map<std::string, std::string> labels = {{"take", "Take"},
                                                            {"rest", "Rest"},
                                                            {"interrupt", "Interrupt"},
                                                            {"keep-holding", "Keep holding"},
                                                            {"resume", "Resume"},
                                                            {"check-blood-count", "Blood count"},
                                                            {"pregnancy-test", "Pregnancy test"},
                                                            {"prescriber-decides", "Prescriber decides"},
                                                            {"stop", "Stop"},
                                                            {"check-dose", "Check dose"},
                                                            {"note", "Note"},
                                                            {"cannot-assess", "Cannot assess"}};
  auto it = labels.find(a);
  return it == labels.end() ? Humanize(a) : it->second;
}

std::string TestLabel(const std::string& t) {
  if (t == "cbc") return "Blood count";
  if (t == "pregnancy-test") return "Pregnancy test";
  LabTest lab;
  if (ParseLabTest(t, lab)) return std::string(LabTestName(lab));
  return Humanize(t);
}

// ---- Header -------------------------------------------------------------------------------------

std::string IndicationText(const Knowledge& k, const std::string& id) {
  const Indication* ind = k.FindIndication(id);
  return ind == nullptr ? id : ind->name + " (" + id + ")";
}

std::string Header(const Knowledge& k, const app::PatientView& show, const std::string& ref, const std::string& as_of) {
  std::string out = "<dl class=\"facts\"><dt>Record</dt><dd>" + Escape(ref) + "</dd>";
  auto fact = [&](const std::string& label, const std::string& value) {
    if (!value.empty()) out += "<dt>" + label + "</dt><dd>" + Escape(value) + "</dd>";
  };
  fact("Name", show.patient.name);
  fact("Sex", show.patient.sex);
  fact("Born", show.patient.birth_date);
  if (show.course) {
    // The course as it was entered: its header, a course file's fields.
    const json course = json::parse(show.course->header, nullptr, false);
    fact("Indication", IndicationText(k, show.course->indication));
    fact("Start", show.course->start_date);
    std::string dose = Get(course, "starting_dose_mg");
    if (!dose.empty()) {
      dose += " mg";
      if (course.contains("starting_frequency")) dose += " " + Humanize(Get(course, "starting_frequency"));
      if (course.contains("starting_days")) dose += ", days " + Get(course, "starting_days");
    }
    fact("Starting dose", dose);
    fact("Setting", Humanize(Get(course, "setting")));
  } else {
    out += "<dt>Course</dt><dd>No therapy course is stored.</dd>";
  }
  std::string diagnoses;
  for (const std::string& d : show.diagnoses) diagnoses += (diagnoses.empty() ? "" : ", ") + d;
  fact("Imported diagnoses", diagnoses);
  out += "</dl>";
  out += "<form class=\"as-of\" method=\"get\" action=\"/patients/" + PathSegment(ref) +
         "\"><label for=\"as-of\">Show the course as of</label> <input id=\"as-of\" name=\"as_of\" type=\"date\" "
         "value=\"" +
         Escape(as_of) + "\"> <button type=\"submit\">Show</button></form>";
  return out;
}

// ---- Status -------------------------------------------------------------------------------------

std::string ResolveForm(const Caller& caller, const std::string& ref, const std::string& finding, size_t n) {
  const std::string id = std::to_string(n);
  return "<details class=\"correct\"><summary>Resolve</summary><form id=\"form-resolve-" + id +
         "\" class=\"stack\" method=\"post\" action=\"/patients/" + PathSegment(ref) + "\">" + CsrfField(caller) +
         "<input type=\"hidden\" name=\"form\" value=\"resolve\"><input type=\"hidden\" name=\"finding\" value=\"" +
         Escape(finding) + "\"><div><label for=\"resolve-reason-" + id +
         "\">How was it resolved?</label><input id=\"resolve-reason-" + id +
         "\" name=\"reason\" type=\"text\" required maxlength=\"1000\"></div><div><button type=\"submit\">Resolve "
         "finding</button></div></form></details>";
}

std::string StatusSection(const Result<app::StatusAnswer>& st, const app::PatientView& show, const Caller& caller,
                          const std::vector<std::string>& resolved, Sources& src) {
  const std::string& ref = show.patient.ref;
  std::string out = "<section id=\"status\" aria-labelledby=\"status-h\"><h2 id=\"status-h\">Status";
  if (!st.ok()) {
    const bool cannot = st.error().kind == ErrorKind::kCannotAssess;
    out += "</h2><p class=\"headline\">Status: <strong>" + std::string(cannot ? "cannot assess" : "not available") +
           "</strong></p><p>" + (cannot ? "Cannot assess: " : "") + Escape(st.error().Describe()) + "</p>";
    if (caller.MayDo(app::Act::kPatientFacts)) {
      out += "<p><a href=\"#form-rems-facts\">Record the patient's REMS facts</a>";
      if (caller.MayDo(app::Act::kStartCourse)) out += " · <a href=\"#form-course\">Start a course</a>";
      out += "</p>";
    }
    return out + "</section>";
  }
  out += " on " + Escape(st->as_of.ToString()) + "</h2>";
  if (!st->check.assessment) {
    out += "<p class=\"headline\">Status: <strong>not started</strong></p><p>Therapy starts on " +
           Escape(show.course ? show.course->start_date : "") + ".</p>";
    return out + "</section>";
  }
  const Assessment& a = *st->check.assessment;
  const std::string status(CourseStatusId(a.status));
  out += "<p class=\"headline\">Status: <strong>" + Escape(status == "cannot-assess" ? "cannot assess" : status) +
         "</strong></p><dl class=\"facts\">";
  out += "<dt>Cycle</dt><dd>" + std::to_string(a.cycle) + ", day " + std::to_string(a.cycle_day) + "</dd>";
  std::string dose = "not known";
  if (a.dose) {
    dose = a.dose->Describe();
    if (a.status == CourseStatus::kInterrupted) dose += " (when resumed)";
  }
  out += "<dt>Dose</dt><dd>" + Escape(dose) + "</dd>";
  out += "<dt>Pill today</dt><dd>" + std::string(a.pill_today ? "yes" : "no") + "</dd></dl>";
  if (a.status == CourseStatus::kCannotAssess) {
    out += "<p><strong>Cannot assess:</strong> " + Escape(a.cannot_assess) + "</p>";
  }
  if (!a.verified()) {
    out += "<p class=\"unverified\">This answer rests on facts marked " + std::string(kUnverified) + ".</p>";
  }
  out += "<h3>Recommendations</h3>";
  if (a.recommendations.empty()) out += "<p>None.</p>";
  out += "<ol class=\"recommendations\">";
  for (size_t i = 0; i < a.recommendations.size(); ++i) {
    const Recommendation& r = a.recommendations[i];
    const std::string action(ActionId(r.action));
    out += "<li><span class=\"tag " + Escape(action) + "\">" + Escape(ActionLabel(action)) + "</span> " +
           Escape(r.reason) + (r.informational ? " <span class=\"hint\">(reminder)</span>" : "") +
           SourceLine(r.source, r.verified);
    if (r.action == Action::kCheckDose) {
      if (std::find(resolved.begin(), resolved.end(), r.reason) != resolved.end()) {
        out += " <span class=\"hint\">(resolved)</span>";
      } else if (caller.MayDo(app::Act::kResolveFinding)) {
        out += ResolveForm(caller, ref, r.reason, i);
      }
    }
    out += "</li>";
    src.Add(r.source, r.verified);
  }
  out += "</ol>";
  if (!a.tests_due.empty()) {
    out += "<h3>Tests due</h3><ul>";
    for (const DueTest& t : a.tests_due) {
      out += "<li><strong>" + Escape(TestLabel(t.test)) + "</strong> due " + Escape(t.due.ToString()) +
             (t.overdue ? " <span class=\"tag overdue\">overdue</span>" : "") + " — " + Escape(t.detail) +
             SourceLine(t.source, t.verified) + "</li>";
      src.Add(t.source, t.verified);
    }
    out += "</ul>";
  }
  return out + "</section>";
}

std::string ItemsTable(const std::vector<ChecklistItem>& items, const std::string& caption, Sources& src) {
  std::string out = "<table tabindex=\"0\"><caption>" + Escape(caption) +
                    "</caption><thead><tr><th scope=\"col\">Requirement</th><th scope=\"col\">Status</th>"
                    "<th scope=\"col\">Details</th><th scope=\"col\">Due</th><th scope=\"col\">Source</th></tr>"
                    "</thead><tbody>";
  for (const ChecklistItem& i : items) {
    const std::string status(ItemStatusId(i.status));
    out += "<tr><th scope=\"row\">" + Escape(i.text) + "</th><td><span class=\"tag " + Escape(status) + "\">" +
           Escape(status) + "</span>" +
           (i.blocks_dispensing ? " <span class=\"hint\">(blocks dispensing)</span>" : "") + "</td><td>" +
           Escape(i.detail) + "</td><td>" + Escape(i.due ? i.due->ToString() : "") + "</td><td>" + Escape(i.source) +
           (i.verified ? "" : UnverifiedNote()) + "</td></tr>";
    src.Add(i.source, i.verified);
  }
  return out + "</tbody></table>";
}

std::string RemsSection(const Result<app::StatusAnswer>& st, Sources& src) {
  std::string out =
      "<section id=\"rems\" aria-labelledby=\"rems-h\"><h2 id=\"rems-h\">Pregnancy prevention (REMS)</h2>";
  if (!st.ok()) {
    out += "<p>The REMS checklist is not available: " + Escape(st.error().Describe());
    return out + ".</p></section>";
  }
  const RemsChecklist& rems = st->check.rems;
  const std::string may(DispenseAnswerId(rems.may_dispense));
  out += "<p class=\"headline\">May be dispensed today: <strong>" +
         Escape(may == "cannot-assess" ? "cannot assess" : may) + "</strong></p>";
  if (!rems.reasons.empty()) {
    out += "<ul>";
    for (const std::string& r : rems.reasons) out += "<li>" + Escape(r) + "</li>";
    out += "</ul>";
  }
  if (rems.may_dispense == DispenseAnswer::kCannotAssess) {
    out += "<p><a href=\"#form-rems-facts\">Record the missing REMS facts</a></p>";
  }
  if (!rems.verified()) {
    out += "<p class=\"unverified\">Some items are " + std::string(kUnverified) + ".</p>";
  }
  out += "<p>Risk category: " + Escape(rems.category.empty() ? "not recorded" : rems.category) + "</p>";
  out += ItemsTable(rems.items, "REMS checklist as of " + rems.as_of.ToString(), src);
  return out + "</section>";
}

std::string ReadinessSection(const Result<app::StatusAnswer>& st, Sources& src) {
  if (!st.ok() || st->check.assessment) return "";
  const Readiness& r = st->check.readiness;
  const std::string may(DispenseAnswerId(r.may_start));
  std::string out =
      "<section id=\"readiness\" aria-labelledby=\"readiness-h\"><h2 id=\"readiness-h\">Readiness to "
      "start</h2><p class=\"headline\">May start: <strong>" +
      Escape(may == "cannot-assess" ? "cannot assess" : may) + "</strong></p>";
  if (!r.reasons.empty()) {
    out += "<ul>";
    for (const std::string& x : r.reasons) out += "<li>" + Escape(x) + "</li>";
    out += "</ul>";
  }
  return out + ItemsTable(r.items, "Readiness to start", src) + "</section>";
}

// ---- Charts -------------------------------------------------------------------------------------

struct DatedEvent {
  Date date;
  json body;
  std::string source;
  const store::EventRecord* row = nullptr;  // the stored row (the timeline's corrections), if any
};

std::string RuleConditions(const HoldRule& r) {
  std::vector<std::string> parts;
  if (r.fall == FallOrder::kFirst) parts.push_back("first fall");
  if (r.fall == FallOrder::kLater) parts.push_back("each later fall");
  if (r.for_starting_dose_mg) parts.push_back("course started at " + FormatNumber(*r.for_starting_dose_mg) + " mg");
  if (r.at_dose_mg) parts.push_back("while taking " + FormatNumber(*r.at_dose_mg) + " mg");
  if (r.phase_before_days) parts.push_back("in the first " + std::to_string(*r.phase_before_days) + " days");
  if (r.phase_from_days) parts.push_back("after the first " + std::to_string(*r.phase_from_days) + " days");
  if (r.baseline_at_least) parts.push_back("baseline at least " + FormatNumber(*r.baseline_at_least));
  if (r.baseline_below) parts.push_back("baseline below " + FormatNumber(*r.baseline_below));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string TriggerConditions(const HoldTrigger& t) {
  std::vector<std::string> parts;
  if (t.for_at_least_days > 0) parts.push_back("for at least " + std::to_string(t.for_at_least_days) + " days");
  if (t.with_fever_at_least)
    parts.push_back("with a temperature of at least " + FormatNumber(*t.with_fever_at_least) + " Cel");
  if (t.with_platelet_transfusion) parts.push_back("with platelet transfusions");
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

// The hold thresholds of the indication for a count, one line per value, each with the
// conditions and the sources of the rules that use it.
void HoldLines(const Knowledge& k, const std::string& indication, LabTest test, ChartSpec& chart,
               std::vector<std::string>& also, Sources& src) {
  struct Acc {
    std::vector<std::string> details, sources;
    bool verified = true;
  };
  std::map<double, Acc> hold, uncovered;
  auto add_unique = [](std::vector<std::string>& v, const std::string& s) {
    if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
  };
  for (const HoldRule& r : k.hold_rules) {
    if (r.test != test || !Contains(r.indications, indication)) continue;
    const std::string when = RuleConditions(r);
    for (const HoldTrigger& t : r.triggers) {
      const std::string trig = TriggerConditions(t);
      const std::string detail = trig.empty() ? when : when.empty() ? trig : trig + " (" + when + ")";
      if (!t.below) {
        if (t.at_most_fraction_of_baseline) {
          also.push_back("Not drawn (it depends on the baseline count): hold at a fall to " +
                         FormatNumber(*t.at_most_fraction_of_baseline * 100) + "% of the baseline or less" +
                         (when.empty() ? "" : " (" + when + ")") + ". Source: " + r.cite.source);
          src.Add(r.cite.source, r.cite.verified);
        }
        continue;
      }
      Acc& a = hold[*t.below];
      add_unique(a.details, detail.empty() ? "any fall" : detail);
      add_unique(a.sources, r.cite.source);
      a.verified = a.verified && r.cite.verified;
      src.Add(r.cite.source, r.cite.verified);
    }
  }
  for (const UncoveredRule& u : k.uncovered) {
    if (u.test != test || !Contains(u.indications, indication)) continue;
    Acc& a = uncovered[u.below];
    add_unique(a.details, u.reason);
    add_unique(a.sources, u.cite.source);
    a.verified = a.verified && u.cite.verified;
    src.Add(u.cite.source, u.cite.verified);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : "; ") + s;
    return out;
  };
  for (auto it = hold.rbegin(); it != hold.rend(); ++it) {
    chart.lines.push_back({it->first, "hold below " + FormatNumber(it->first), join(it->second.details),
                           join(it->second.sources), it->second.verified});
  }
  for (auto it = uncovered.rbegin(); it != uncovered.rend(); ++it) {
    chart.lines.push_back({it->first, "sources do not settle below " + FormatNumber(it->first),
                           join(it->second.details), join(it->second.sources), it->second.verified});
  }
}

// Hemoglobin has no hold rule; the line is where CTCAE grades it at the grade the label's
// "other grade 3/4 toxicity" rule acts on (the engine raises it for the prescriber).
void GradeLines(const Knowledge& k, LabTest test, ChartSpec& chart, Sources& src) {
  if (k.ctcae.empty()) return;
  const CtcaeVersion& v = k.ctcae.back();
  const CtcaeTerm* term = v.FindTerm(test);
  if (term == nullptr) return;
  for (const CtcaeBand& b : term->bands) {
    if (b.grade < k.other_toxicity.hold_at_grade || !b.below || b.below->ref != CtcaeBound::Ref::kAbsolute) continue;
    chart.lines.push_back({b.below->value,
                           "CTCAE grade " + std::to_string(b.grade) + " below " + FormatNumber(b.below->value),
                           "CTCAE v" + v.version + " " + term->name + " grade " + std::to_string(b.grade) +
                               "; if judged related to lenalidomide, the label's other grade 3/4 toxicity rule applies",
                           JoinSources(term->cite.source, k.other_toxicity.cite.source),
                           term->cite.verified && k.other_toxicity.cite.verified});
    src.Add(term->cite.source, term->cite.verified);
    src.Add(k.other_toxicity.cite.source, k.other_toxicity.cite.verified);
  }
}

}  // namespace

void AddThresholdLines(const Knowledge& k, const std::string& indication, LabTest test, ChartSpec& chart,
                       std::vector<std::string>& also, SourceList& src) {
  if (test == LabTest::kHemoglobin) {
    GradeLines(k, test, chart, src);
    chart.lines_note = "No hold rule uses hemoglobin.";
  } else {
    HoldLines(k, indication, test, chart, also, src);
    chart.lines_note = "No hold rule of this indication uses this count.";
  }
}

namespace {

std::string CountChart(const Knowledge& k, const std::vector<DatedEvent>& events, const std::string& indication,
                       LabTest test, const std::string& id, const std::string& title, Sources& src) {
  ChartSpec chart;
  chart.id = id;
  chart.title = title;
  const UnitKindEntry* unit = k.units.Find(LabTestKind(test));
  chart.unit = unit != nullptr ? unit->canonical : "";
  ChartSeries series;
  for (const DatedEvent& e : events) {
    if (Get(e.body, "type") != "lab" || Get(e.body, "test") != LabTestId(test)) continue;
    auto v = k.units.Parse(LabTestKind(test), Get(e.body, "value"));
    if (!v.ok()) continue;  // stored values were validated; an unreadable one is left out of the chart
    series.points.push_back({e.date, *v, Get(e.body, "value"), "", ""});
  }
  chart.series.push_back(std::move(series));
  std::vector<std::string> also;
  AddThresholdLines(k, indication, test, chart, also, src);
  if (indication.empty()) chart.lines_note = "No course: no hold thresholds to draw.";
  std::string out = "<h3>" + Escape(title) + "</h3>" + RenderChart(chart);
  for (const std::string& a : also) out += "<p class=\"hint\">" + Escape(a) + "</p>";
  return out;
}

std::string MarkerName(const std::string& field) {
  if (field == "serum_m_protein") return "Serum M-protein";
  if (field == "urine_m_protein") return "Urine M-protein";
  if (field == "kappa_flc") return "Kappa free light chain";
  if (field == "lambda_flc") return "Lambda free light chain";
  return Humanize(field);
}

// The engine's response of the stored markers (app::ReadPatientCourse), and the markers' charts.
std::string ResponseSection(const std::vector<DatedEvent>& events, const std::optional<store::CourseRecord>& course,
                            const std::optional<Result<app::ResponseResult>>& response, Sources& src) {
  std::string out =
      "<section id=\"response\" aria-labelledby=\"response-h\"><h2 id=\"response-h\">Myeloma response (IMWG)</h2>";
  std::vector<DatedEvent> markers;
  for (const DatedEvent& e : events) {
    if (Get(e.body, "type") == "marker") markers.push_back(e);
  }
  const std::string start = course ? course->start_date : "";
  const ResponseAnswer* answer = nullptr;
  std::map<std::string, std::pair<std::string, std::string>> category_on;  // date -> {"PR", "PR (confirmed)"}
  if (markers.empty()) {
    out += "<p>No response markers (M-protein, free light chains) are recorded.</p>";
  } else if (!course || !response) {
    out += "<p>No therapy course is stored: the response is measured from the start of a course.</p>";
  } else if (!response->ok()) {
    out += "<p><strong>Cannot assess:</strong> the stored markers do not make a series: " +
           Escape(response->error().Describe()) + "</p>";
  } else {
    answer = &(*response)->answer;
    const ResponseAnswer& a = *answer;
    src.Add(a.criteria + ": " + a.citation, a.verified);
    if (!a.assessed) {
      out += "<p class=\"headline\">Response: <strong>cannot assess</strong></p><p>" +
             Escape((a.reason_field.empty() ? "" : a.reason_field + ": ") + a.reason) + "</p>";
    } else {
      auto cat = [](const std::optional<ResponseCategory>& c) {
        return c ? std::string(ResponseCategoryId(*c)) : std::string("none confirmed yet");
      };
      std::string followed;
      for (ResponseMarker m : a.followed) followed += (followed.empty() ? "" : ", ") + std::string(ResponseMarkerId(m));
      out += "<p class=\"headline\">Current response: <strong>" + Escape(cat(a.current_response)) +
             "</strong></p><dl class=\"facts\"><dt>Best response</dt><dd>" + Escape(cat(a.best_response)) +
             "</dd><dt>Marker followed</dt><dd>" + Escape(followed) + "</dd><dt>Progression</dt><dd>" +
             Escape(!a.progression_date ? "none confirmed"
                                        : "confirmed on " + a.progression_date->ToString() + " (first seen " +
                                              (a.progression_first ? a.progression_first->ToString() : "") + ")") +
             "</dd>";
      if (!a.nadirs.empty()) {
        const Nadir& n = a.nadirs.front();
        out +=
            "<dt>Nadir</dt><dd>" +
            Escape(FormatNumber(n.value) + " " + n.unit + " (" + n.marker + "), confirmed " + n.confirmed.ToString()) +
            "</dd>";
      }
      out += "<dt>Criteria</dt><dd>" + Escape(a.criteria + " (" + a.citation + ")") + "</dd></dl>";
      if (!a.verified) out += "<p class=\"unverified\">" + std::string(kUnverified) + "</p>";
      if (!a.assessments.empty()) {
        out += "<ol class=\"assessments\">";
        for (const AssessmentResponse& x : a.assessments) {
          const std::string state = x.confirmed               ? "confirmed"
                                    : x.awaiting_confirmation ? "awaiting confirmation"
                                                              : "not confirmed";
          const std::string category(ResponseCategoryId(x.category));
          category_on[x.date.ToString()] = {category + (x.confirmed ? "" : "?"), category + " (" + state + ")"};
          out += "<li>" + Escape(x.date.ToString()) + ": <strong>" + Escape(category) + "</strong> (" + state + ") — " +
                 Escape(x.reasoning) + "</li>";
          for (const Citation& rule : x.rules) src.Add(rule.source, rule.verified);
        }
        out += "</ol>";
      }
    }
  }
  // The charts: one per unit as written (a chart never mixes units); the first is the marker the
  // classifier follows, with each assessment's category drawn above its value.
  static const std::map<std::string, std::string> kFollowedField = {
      {"serum-m", "serum_m_protein"}, {"urine-m", "urine_m_protein"}, {"flc", "kappa_flc"}};
  auto f =
      kFollowedField.find(answer != nullptr && answer->marker ? std::string(ResponseMarkerId(*answer->marker)) : "");
  const std::string followed = f == kFollowedField.end() ? "" : f->second;
  std::map<std::string, std::vector<ChartSeries>> by_unit;
  std::vector<std::string> unit_order;
  std::map<std::pair<std::string, std::string>, size_t> slot;
  std::string followed_unit;
  for (const DatedEvent& m : markers) {
    auto q = ParseQuantity(Get(m.body, "value"));
    if (!q.ok()) continue;
    const std::string field = Get(m.body, "marker");
    auto& groups = by_unit[q->unit];
    if (groups.empty()) unit_order.push_back(q->unit);
    auto key = std::make_pair(q->unit, field);
    if (!slot.count(key)) {
      slot[key] = groups.size();
      groups.push_back({MarkerName(field), {}});
    }
    ChartPoint point{m.date, q->value, Get(m.body, "value"), "", ""};
    if (field == followed) {
      followed_unit = q->unit;
      auto c = category_on.find(m.date.ToString());
      if (m.date.ToString() <= start) {
        point.annotation = "baseline";
      } else if (c != category_on.end()) {
        point.annotation = c->second.first;
        point.note = c->second.second;
      }
    }
    groups[slot[key]].points.push_back(std::move(point));
  }
  if (!followed_unit.empty()) {
    std::erase(unit_order, followed_unit);
    unit_order.insert(unit_order.begin(), followed_unit);
  }
  out += "<h3>Markers over time</h3>";
  if (unit_order.empty()) unit_order.push_back("");
  for (size_t i = 0; i < unit_order.size(); ++i) {
    ChartSpec chart;
    chart.id = i == 0 ? "chart-response" : "chart-response-" + std::to_string(i + 1);
    chart.unit = unit_order[i];
    chart.series = by_unit[unit_order[i]];
    std::string names;
    for (const ChartSeries& s : chart.series) names += (names.empty() ? "" : ", ") + s.name;
    chart.title = names.empty() ? "Response markers" : names;
    if (chart.series.size() == 1) chart.series.front().name.clear();
    if (!followed_unit.empty() && chart.unit == followed_unit && !category_on.empty()) {
      chart.note =
          "Above the followed marker: the IMWG category of each assessment (with ? while it awaits its "
          "confirming assessment).";
    }
    out += RenderChart(chart);
  }
  return out + "</section>";
}

// ---- Timeline -----------------------------------------------------------------------------------

std::string EventText(const Knowledge& k, const json& e) {
  static const std::map<std::string, std::string> labels = {{"lab", "Lab result"},
                                                            {"dose-taken", "Dose taken"},
                                                            {"dose-missed", "Dose missed"},
                                                            {"hold", "Therapy held by the prescriber"},
                                                            {"resume", "Therapy resumed"},
                                                            {"dose-change", "Dose changed"},
                                                            {"toxicity", "Toxicity"},
                                                            {"temperature", "Temperature"},
                                                            {"transfusion", "Transfusion"},
                                                            {"cycle-start", "New cycle started"},
                                                            {"stop", "Therapy stopped"},
                                                            {"pregnancy-test", "Pregnancy test"},
                                                            {"missed-period", "Missed period or abnormal bleeding"},
                                                            {"contraception", "Contraception"},
                                                            {"counseling", "REMS counselling"},
                                                            {"authorization", "REMS authorization"},
                                                            {"prescription", "Prescription"},
                                                            {"confirmation", "Pharmacy confirmation"},
                                                            {"dispense", "Dispensed"},
                                                            {"marker", "Response marker"}};
  const std::string type = Get(e, "type");
  auto l = labels.find(type);
  std::string out = "<strong>" + Escape(l == labels.end() ? Humanize(type) : l->second) + "</strong>";
  std::set<std::string> shown = {"date", "type"};
  if (type == "lab") {
    LabTest t;
    const std::string test = Get(e, "test");
    out += ": " + Escape(ParseLabTest(test, t) ? std::string(LabTestName(t)) : test) + " " + Escape(Get(e, "value"));
    shown.insert({"test", "value"});
  } else if (type == "marker") {
    out += ": " + Escape(MarkerName(Get(e, "marker"))) + " " + Escape(Get(e, "value"));
    shown.insert({"marker", "value"});
  } else if (type == "pregnancy-test" || type == "temperature") {
    out += ": " + Escape(Get(e, type == "temperature" ? "value" : "result"));
    shown.insert({"result", "value"});
  }
  if (e.contains("dose_mg")) {
    out += " at " + Escape(Get(e, "dose_mg")) + " mg";
    shown.insert("dose_mg");
  }
  std::string rest;
  for (auto it = e.begin(); it != e.end(); ++it) {
    if (shown.count(it.key())) continue;
    rest += (rest.empty() ? "" : "; ") + Humanize(it.key()) + ": " + Text(it.value());
  }
  (void)k;
  if (!rest.empty()) out += " — " + Escape(rest);
  return out;
}

// A row's corrections and confirmation, as the timeline shows them.
std::string RowNotes(const store::EventRecord& e) {
  std::string out;
  if (!e.warnings.empty()) {
    const json w = json::parse(e.warnings, nullptr, false);
    std::string list;
    if (w.is_array()) {
      for (const json& p : w) list += (list.empty() ? "" : "; ") + p.value("message", "");
    }
    out += "<br><span class=\"confirmed\">Recorded over the checks' warnings (" + Escape(list) +
           ") with the reason: " + Escape(e.reason) + "</span>";
  } else if (!e.reason.empty() && e.replaces != 0) {
    out += "<br><span class=\"hint\">Correction of event " + std::to_string(e.replaces) + ": " + Escape(e.reason) +
           "</span>";
  }
  if (!e.recorded_by.empty()) out += " <span class=\"hint\">— recorded by " + Escape(e.recorded_by) + "</span>";
  return out;
}

std::string CorrectionForm(const Caller& caller, const std::string& ref, const store::EventRecord& e) {
  const std::string id = std::to_string(e.id);
  return "<details class=\"correct\"><summary>Mark event " + id +
         " entered in error</summary><form id=\"form-entered-in-error-" + id +
         "\" class=\"stack\" method=\"post\" action=\"/patients/" + PathSegment(ref) + "\">" + CsrfField(caller) +
         "<input type=\"hidden\" name=\"form\" value=\"entered-in-error\"><input type=\"hidden\" name=\"event\" "
         "value=\"" +
         id + "\"><div><label for=\"eie-reason-" + id + "\">Why is it wrong?</label><input id=\"eie-reason-" + id +
         "\" name=\"reason\" type=\"text\" required maxlength=\"1000\"></div><div><button type=\"submit\">Mark "
         "entered in error</button></div></form></details>";
}

std::string TimelineSection(const Knowledge& k, const Caller& caller, const std::string& ref,
                            const std::vector<DatedEvent>& events, const json& course) {
  std::string out = "<section id=\"timeline\" aria-labelledby=\"timeline-h\"><h2 id=\"timeline-h\">Timeline</h2>";
  std::vector<DatedEvent> all = events;
  if (course.is_object()) {
    auto start = Date::Parse(Get(course, "start_date"));
    if (start.ok()) {
      json e = {{"type", "course-start"}, {"indication", Get(course, "indication")}};
      if (course.contains("starting_dose_mg")) e["dose_mg"] = At(course, "starting_dose_mg");
      // Before the events of the start date: the course starts, then the day's events happen.
      auto at = std::find_if(all.begin(), all.end(), [&](const DatedEvent& d) { return d.date >= *start; });
      all.insert(at, {*start, e, "", nullptr});
    }
  }
  if (all.empty()) return out + "<p>No events are recorded.</p></section>";
  out +=
      "<p class=\"hint\">Newest first; events of one day in the order they were recorded. Entries marked entered in "
      "error or amended stay, struck through; the course is assessed without them.</p><ol class=\"timeline\" "
      "reversed>";
  // Group by date, newest date first.
  size_t end = all.size();
  while (end > 0) {
    size_t begin = end - 1;
    while (begin > 0 && all[begin - 1].date == all[end - 1].date) --begin;
    const std::string d = all[begin].date.ToString();
    out += "<li><time datetime=\"" + d + "\">" + d + "</time><ul>";
    for (size_t i = begin; i < end; ++i) {
      const DatedEvent& e = all[i];
      const std::string type = Get(e.body, "type");
      std::string text;
      if (type == "course-start") {
        text = "<strong>Course started</strong>: " + Escape(IndicationText(k, Get(e.body, "indication"))) +
               (e.body.contains("dose_mg") ? ", " + Escape(Get(e.body, "dose_mg")) + " mg" : "");
      } else if (type == store::kEnteredInError) {
        text = "<strong>Entered in error</strong>: event " + Escape(Get(e.body, "event")) + " — " +
               Escape(e.row != nullptr ? e.row->reason : "");
      } else if (type == store::kFindingResolved) {
        text = "<strong>Finding resolved</strong>: " + Escape(Get(e.body, "finding")) + " — " +
               Escape(e.row != nullptr ? e.row->reason : "");
      } else {
        text = EventText(k, e.body);
      }
      if (!e.source.empty()) text += " <span class=\"hint\">(imported from " + Escape(e.source) + ")</span>";
      std::string item;
      if (e.row != nullptr) {
        const store::EventRecord& row = *e.row;
        const bool correctable = type != store::kEnteredInError && type != store::kFindingResolved;
        if (row.replaced_by != 0) {
          text = "<del>" + text + "</del> <span class=\"tag corrected\">corrected by event " +
                 std::to_string(row.replaced_by) + "</span>";
        }
        item = "<li id=\"event-" + std::to_string(row.id) + "\"><span class=\"hint\">#" + std::to_string(row.id) +
               "</span> " + text + RowNotes(row);
        auto act = app::ActOfRow(row);
        if (correctable && row.replaced_by == 0 && act.ok() && caller.MayDo(*act)) {
          item += CorrectionForm(caller, ref, row);
        }
      } else {
        item = "<li>" + text;
      }
      out += item + "</li>";
    }
    out += "</ul></li>";
    end = begin;
  }
  return out + "</ol></section>";
}

// The doses the patient (or the care team) marked taken or missed, against the engine's pill days
// of the last days (app/doses.h).
std::string AdherenceSection(const std::optional<app::DoseAdherence>& a) {
  std::string out = "<section id=\"adherence\" aria-labelledby=\"adherence-h\"><h2 id=\"adherence-h\">Doses taken</h2>";
  if (!a) return out + "<p>No course to count pill days in.</p></section>";
  if (a->pill_days == 0) {
    return out + "<p>No pill days from " + Escape(a->from.ToString()) + " to " + Escape(a->to.ToString()) +
           ".</p></section>";
  }
  auto days = [](int n) { return std::to_string(n) + (n == 1 ? " pill day" : " pill days"); };
  out += "<p class=\"headline\">" + std::to_string(a->taken) + " of " + days(a->pill_days) + " marked taken, " +
         std::to_string(a->missed) + " missed, " + std::to_string(a->unmarked) + " not marked (" +
         Escape(a->from.ToString()) + " to " + Escape(a->to.ToString()) + ").</p><ul class=\"doses\">";
  for (auto it = a->days.rbegin(); it != a->days.rend(); ++it) {
    const char* mark = it->mark == app::DoseMark::kTaken    ? "taken"
                       : it->mark == app::DoseMark::kMissed ? "missed"
                                                            : "not marked";
    out += "<li><time datetime=\"" + it->date.ToString() + "\">" + it->date.ToString() + "</time> " + mark +
           (it->recorded_by.empty() ? "" : " <span class=\"hint\">(marked by " + Escape(it->recorded_by) + ")</span>") +
           (it->note.empty() ? "" : " — " + Escape(it->note)) + "</li>";
  }
  return out + "</ul></section>";
}

// The patient's symptom diary, severe entries first marked; a clinician resolves a severe one.
std::string SymptomsSection(const Caller& caller, const std::string& ref, const std::vector<store::SymptomEntry>& diary,
                            const std::vector<std::string>& resolved) {
  std::string out = "<section id=\"symptoms\" aria-labelledby=\"symptoms-h\"><h2 id=\"symptoms-h\">Symptom diary</h2>";
  if (diary.empty()) return out + "<p>The patient has written no entries.</p></section>";
  out += "<p class=\"hint\">In the patient's own words, newest first.</p><ul class=\"diary\">";
  for (auto it = diary.rbegin(); it != diary.rend(); ++it) {
    const store::SymptomEntry& e = *it;
    const std::string finding = app::SymptomFinding(e);
    const bool done = std::find(resolved.begin(), resolved.end(), finding) != resolved.end();
    out += "<li><time datetime=\"" + Escape(e.date) + "\">" + Escape(e.date) + "</time> <span class=\"tag " +
           Escape(e.severity) + "\">" + Escape(e.severity) + "</span> " + Escape(e.symptom) +
           (e.note.empty() ? "" : " — " + Escape(e.note));
    if (e.severity == "severe") {
      if (done) {
        out += " <span class=\"hint\">(reviewed)</span>";
      } else if (caller.MayDo(app::Act::kResolveFinding)) {
        const std::string id = std::to_string(e.id);
        out += "<details class=\"correct\"><summary>Mark reviewed</summary><form id=\"form-resolve-symptom-" + id +
               "\" class=\"stack\" method=\"post\" action=\"/patients/" + PathSegment(ref) + "\">" + CsrfField(caller) +
               "<input type=\"hidden\" name=\"form\" value=\"resolve\"><input type=\"hidden\" name=\"finding\" "
               "value=\"" +
               Escape(finding) + "\"><div><label for=\"resolve-symptom-" + id +
               "\">What was done</label><input id=\"resolve-symptom-" + id +
               "\" name=\"reason\" type=\"text\" required maxlength=\"1000\"></div><div><button "
               "type=\"submit\">Mark reviewed</button></div></form></details>";
      }
    }
    out += "</li>";
  }
  return out + "</ul></section>";
}

// ---- Forms --------------------------------------------------------------------------------------

class FormWriter {
 public:
  FormWriter(std::string kind, const FailedForm* failed)
      : kind_(std::move(kind)), failed_(failed != nullptr && failed->kind == kind_ ? failed : nullptr) {}

  std::string Value(const std::string& name, const std::string& fallback) const {
    if (failed_ == nullptr) return fallback;
    auto it = failed_->values.find(name);
    return it == failed_->values.end() ? "" : it->second;
  }

  std::string Invalid(const std::string& name) const {
    if (failed_ == nullptr || failed_->field != name) return "";
    return " aria-invalid=\"true\" aria-describedby=\"form-" + kind_ + "-error\"";
  }

  std::string Label(const std::string& name, const std::string& label, const std::string& hint) const {
    return "<label for=\"" + kind_ + "-" + name + "\">" + label +
           (hint.empty() ? "" : " <span class=\"hint\">" + Escape(hint) + "</span>") + "</label>";
  }

  std::string Input(const std::string& name, const std::string& label, const std::string& type, const std::string& hint,
                    bool required, const std::string& fallback = "", const std::string& extra = "") const {
    return "<div>" + Label(name, label, hint) + "<input id=\"" + kind_ + "-" + name + "\" name=\"" + name +
           "\" type=\"" + type + "\" value=\"" + Escape(Value(name, fallback)) + "\"" + (required ? " required" : "") +
           extra + Invalid(name) + "></div>";
  }

  std::string Select(const std::string& name, const std::string& label,
                     const std::vector<std::pair<std::string, std::string>>& options, bool required,
                     const std::string& fallback = "", const std::string& hint = "") const {
    const std::string chosen = Value(name, fallback);
    std::string out = "<div>" + Label(name, label, hint) + "<select id=\"" + kind_ + "-" + name + "\" name=\"" + name +
                      "\"" + (required ? " required" : "") + Invalid(name) + ">";
    for (const auto& [value, text] : options) {
      out += "<option value=\"" + Escape(value) + "\"" + (value == chosen ? " selected" : "") + ">" + Escape(text) +
             "</option>";
    }
    return out + "</select></div>";
  }

  std::string Hidden(const std::string& name, const std::string& value) const {
    return "<input type=\"hidden\" name=\"" + Escape(name) + "\" value=\"" + Escape(value) + "\">";
  }

  std::string Open(const Caller& caller, const std::string& ref, const std::string& heading,
                   const std::string& intro) const {
    std::string out = "<section aria-labelledby=\"form-" + kind_ + "-h\"><h3 id=\"form-" + kind_ + "-h\">" +
                      Escape(heading) + "</h3>";
    if (!intro.empty()) out += "<p class=\"hint\">" + intro + "</p>";
    out += OpenForm(caller, ref);
    return out;
  }

  // The <form> alone (for the small forms of the timeline and the recommendations).
  std::string OpenForm(const Caller& caller, const std::string& ref, const std::string& id_suffix = "") const {
    std::string out = "<form id=\"form-" + kind_ + id_suffix +
                      "\" class=\"stack\" method=\"post\" action=\"/patients/" + PathSegment(ref) + "\">" +
                      CsrfField(caller) + Hidden("form", kind_);
    if (failed_ != nullptr && id_suffix.empty()) {
      const bool confirm = failed_->error == ErrorKind::kNeedsConfirmation;
      out += "<div class=\"error\" role=\"alert\" id=\"form-" + kind_ + "-error\"><p>" +
             (confirm ? std::string("Not recorded yet: check these warnings, then record it with a reason or change "
                                    "the entry.")
                      : "Not recorded: " + Escape(failed_->problems.empty() ? failed_->message : "")) +
             "</p>";
      if (!failed_->problems.empty()) {
        out += "<ul>";
        for (const Problem& p : failed_->problems) {
          out += "<li>" + Escape(p.message) +
                 (p.source.empty() ? "" : " <span class=\"hint\">(" + Escape(p.source) + ")</span>") + "</li>";
        }
        out += "</ul>";
      }
      out += "</div>";
    }
    return out;
  }

  std::string Close(const std::string& button) const {
    std::string out;
    if (failed_ != nullptr && failed_->error == ErrorKind::kNeedsConfirmation) {
      out += "<div>" + Label("confirm", "Reason to record it anyway", "(kept with the entry and in the audit log)") +
             "<textarea id=\"" + kind_ + "-confirm\" name=\"confirm\" required maxlength=\"1000\" rows=\"2\">" +
             "</textarea></div><div><button type=\"submit\">Record with this reason</button></div></form></section>";
      return out;
    }
    return "<div><button type=\"submit\">" + Escape(button) + "</button></div></form></section>";
  }

 private:
  std::string kind_;
  const FailedForm* failed_;
};

// The REMS risk categories of the knowledge as the options of a select, after `none`.
std::vector<std::pair<std::string, std::string>> RemsCategoryOptions(const Knowledge& k, const std::string& none) {
  std::vector<std::pair<std::string, std::string>> out = {{"", none}};
  for (const RemsCategory& c : k.safety.rems.categories) out.emplace_back(c.id, Humanize(c.id));
  return out;
}

// What the dispense form shows next to its button: the checklist's verdict and the capsule plan.
std::string DispenseAdvice(const Knowledge& k, const Result<app::StatusAnswer>& st, Sources& src) {
  if (!st.ok())
    return "<p class=\"hint\">The REMS checklist is not available: " + Escape(st.error().Describe()) + "</p>";
  const RemsChecklist& rems = st->check.rems;
  const std::string may(DispenseAnswerId(rems.may_dispense));
  std::string out = "<div class=\"dispense-advice\" id=\"dispense-advice\"><p>May be dispensed today: <strong>" +
                    Escape(may == "cannot-assess" ? "cannot assess" : may) + "</strong></p>";
  if (!rems.reasons.empty()) {
    out += "<ul>";
    for (const std::string& r : rems.reasons) out += "<li>" + Escape(r) + "</li>";
    out += "</ul>";
  }
  const std::optional<Assessment>& a = st->check.assessment;
  if (a && a->dose && st->check.indication != nullptr) {
    auto plan = PlanCapsules(k, *a->dose, st->check.indication->cycle_days);
    if (plan.ok()) {
      int total = 0;
      std::string capsules;
      for (const CapsuleCount& c : plan->capsules) {
        total += c.quantity;
        capsules += (capsules.empty() ? "" : " and ") + std::to_string(c.quantity) + " capsules of " +
                    FormatNumber(c.strength_mg) + " mg";
      }
      out += "<p>Capsule plan for " + Escape(a->dose->Describe()) + ": <strong>" + Escape(capsules) + "</strong> (" +
             std::to_string(total) + " capsules, " + std::to_string(plan->supply_days) + " days)" +
             SourceLine(plan->supply_cite.source, plan->supply_cite.verified) + "</p>";
      src.Add(plan->supply_cite.source, plan->supply_cite.verified);
    } else {
      out += "<p>Capsule plan: " + Escape(plan.error().Describe()) + "</p>";
    }
  }
  return out + "</div>";
}

// At the top of the page after a failed submission: every problem, each a link to its form or
// field; focused on load (autofocus) so that a screen reader reads it first.
std::string ErrorSummary(const FailedForm& f) {
  const bool confirm = f.error == ErrorKind::kNeedsConfirmation;
  std::string out =
      "<div class=\"error-summary\" id=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
      "aria-labelledby=\"error-summary-h\"><h2 id=\"error-summary-h\">" +
      std::string(confirm ? "Not recorded yet: confirm with a reason" : "Not recorded") + "</h2><ul>";
  const std::string target = f.field.empty() ? "#form-" + f.kind : "#" + f.kind + "-" + f.field;
  if (f.problems.empty()) {
    out += "<li><a href=\"" + Escape(target) + "\">" + Escape(f.message) + "</a></li>";
  }
  for (const Problem& p : f.problems) {
    out += "<li><a href=\"#form-" + Escape(f.kind) + "\">" + Escape(p.message) + "</a></li>";
  }
  return out + "</ul></div>";
}

// `facts`: the patient's stored facts, shown in the REMS-facts form so that saving it keeps them.
std::string FormsSection(const Knowledge& k, const Caller& caller, const std::string& ref, const json& facts,
                         const std::string& status, const Result<app::StatusAnswer>& st, bool has_course,
                         const FailedForm* failed, Date clock_today, Sources& src) {
  using app::Act;
  const std::string today = clock_today.ToString();
  std::string forms;
  if (caller.MayDo(Act::kLab)) {
    FormWriter f("lab", failed);
    forms += f.Open(caller, ref, "Lab result", "") + f.Input("date", "Date", "date", "", true, today) +
             f.Select("test", "Test",
                      {{"", "Choose a test"},
                       {"anc", "ANC (neutrophils)"},
                       {"platelets", "Platelets"},
                       {"wbc", "White cells (WBC)"},
                       {"hemoglobin", "Hemoglobin"},
                       {"creatinine", "Creatinine"}},
                      true) +
             f.Input("value", "Value", "text", "(number and unit, e.g. 0.8 10*9/L, 41000 /uL, 10.9 g/dL, 1.3 mg/dL)",
                     true, "", " autocomplete=\"off\"") +
             f.Input("lln", "Lower limit of normal", "text", "(optional, with its unit)", false) +
             f.Input("uln", "Upper limit of normal", "text", "(optional; needed to grade a creatinine)", false) +
             f.Close("Record lab result");
  }
  if (caller.MayDo(Act::kTherapy) && has_course) {
    FormWriter f("resume", failed);
    forms +=
        f.Open(caller, ref, "Resume or change the dose",
               "A resumption ends an interruption; a dose change sets a new dose without one (the course "
               "file's <code>resume</code> and <code>dose-change</code> events).") +
        f.Select(
            "change", "What",
            {{"resume", "Resume after an interruption"}, {"dose-change", "Change the dose without an interruption"}},
            true, status == "interrupted" || status.empty() ? "resume" : "dose-change") +
        f.Input("date", "Date", "date", "", true, today) +
        f.Input("dose", "Dose in mg", "number", "(on a resumption, leave empty for the dose the rules give)", false, "",
                " step=\"any\" min=\"0\" inputmode=\"decimal\"") +
        f.Select("frequency", "Frequency",
                 {{"", "The default (daily)"}, {"daily", "Daily"}, {"every-other-day", "Every other day"}}, false) +
        f.Input("days", "Pill days of each cycle", "text", "(optional, e.g. 1-21)", false) + f.Close("Record");
    FormWriter h("hold", failed);
    forms += h.Open(caller, ref, "Hold therapy", "The course stays interrupted until a resumption is recorded.") +
             h.Input("date", "Date", "date", "", true, today) +
             h.Input("reason", "Reason", "text", "(optional)", false) + h.Close("Record hold");
    FormWriter s("stop", failed);
    forms += s.Open(caller, ref, "Stop therapy", "Therapy ends for good; a new course is needed to start again.") +
             s.Input("date", "Date", "date", "", true, today) + s.Input("reason", "Reason", "text", "", true) +
             s.Close("Record stop");
  }
  if (caller.MayDo(Act::kToxicity) && has_course) {
    FormWriter f("toxicity", failed);
    forms +=
        f.Open(caller, ref, "Toxicity", "Another toxicity with its CTCAE grade (a later entry updates the grade).") +
        f.Input("date", "Date", "date", "", true, today) +
        f.Input("term", "CTCAE term", "text", "(e.g. rash, diarrhea)", true) +
        f.Select("grade", "Grade",
                 {{"", "Choose a grade"}, {"0", "0"}, {"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5"}},
                 true) +
        f.Close("Record toxicity");
  }
  if (caller.MayDo(Act::kPregnancyTest)) {
    FormWriter f("pregnancy-test", failed);
    forms += f.Open(caller, ref, "Pregnancy test", "") + f.Input("date", "Date", "date", "", true, today) +
             f.Select("result", "Result", {{"", "Choose a result"}, {"negative", "Negative"}, {"positive", "Positive"}},
                      true) +
             f.Input("sensitivity", "Sensitivity", "text",
                     "(the level the test detects, e.g. 25 mIU/mL; without it the REMS check cannot assess the test)",
                     false) +
             f.Close("Record pregnancy test");
  }
  if (caller.MayDo(Act::kMarker)) {
    FormWriter f("marker", failed);
    forms += f.Open(caller, ref, "Response marker", "Myeloma response (IMWG): M-protein and free light chains.") +
             f.Input("date", "Date", "date", "", true, today) +
             f.Select("marker", "Marker",
                      {{"", "Choose a marker"},
                       {"serum_m_protein", "Serum M-protein"},
                       {"urine_m_protein", "Urine M-protein (24 h)"},
                       {"kappa_flc", "Kappa free light chain"},
                       {"lambda_flc", "Lambda free light chain"}},
                      true) +
             f.Input("value", "Value", "text", "(number and unit, e.g. 1.2 g/dL, 250 mg/(24.h), 45 mg/L)", true, "",
                     " autocomplete=\"off\"") +
             f.Close("Record marker");
  }
  if (caller.MayDo(Act::kPatientFacts)) {
    FormWriter f("rems-facts", failed);
    const auto categories = RemsCategoryOptions(k, "Not recorded");
    forms += f.Open(caller, ref, "REMS facts",
                    "The patient's risk category and whether she can become pregnant decide the pregnancy-prevention "
                    "checks.") +
             f.Select("rems_category", "Risk category", categories, false, Get(facts, "rems_category")) +
             f.Select("can_become_pregnant", "Can become pregnant",
                      {{"", "Not recorded"}, {"yes", "Yes"}, {"no", "No"}}, false, Get(facts, "can_become_pregnant")) +
             f.Close("Save REMS facts");
  }
  if (caller.MayDo(Act::kPrescription)) {
    FormWriter f("authorization", failed);
    forms += f.Open(caller, ref, "REMS authorization", "The prescription authorization number from the REMS program.") +
             f.Input("date", "Date obtained", "date", "", true, today) +
             f.Input("number", "Authorization number", "text", "", true, "", " autocomplete=\"off\"") +
             f.Close("Record authorization");
    FormWriter p("prescription", failed);
    const auto categories = RemsCategoryOptions(k, "Choose a category");
    forms += p.Open(caller, ref, "Prescription", "") + p.Input("date", "Date written", "date", "", true, today) +
             p.Input("days_supply", "Days of supply", "number",
                     k.max_supply_days > 0 ? "(at most " + std::to_string(k.max_supply_days) + ")" : "", true, "",
                     " min=\"1\" step=\"1\"") +
             p.Input("refills", "Refills", "number", "(the REMS allows none)", true, "0", " min=\"0\" step=\"1\"") +
             p.Input("authorization_number", "Authorization number", "text", "", true, "", " autocomplete=\"off\"") +
             p.Select("risk_category", "Risk category", categories, true) + p.Close("Record prescription");
  }
  const bool counsels = caller.MayDo(Act::kCounselingPrescriber) || caller.MayDo(Act::kCounselingPharmacist);
  if (counsels) {
    FormWriter f("counseling", failed);
    const std::string by = caller.MayDo(Act::kCounselingPharmacist) ? "pharmacist" : "prescriber";
    forms += f.Open(caller, ref, "REMS counselling", "Counselling by the " + by + ", as the REMS asks.") +
             f.Hidden("by", by) + f.Input("date", "Date", "date", "", true, today) + f.Close("Record counselling");
  }
  if (caller.MayDo(Act::kConfirmation)) {
    FormWriter f("confirmation", failed);
    forms += f.Open(caller, ref, "REMS confirmation number",
                    "The pharmacy's confirmation number for this dispense, obtained today.") +
             f.Input("date", "Date obtained", "date", "", true, today) +
             f.Input("number", "Confirmation number", "text", "", true, "", " autocomplete=\"off\"") +
             f.Close("Record confirmation");
  }
  if (caller.MayDo(Act::kDispense) && has_course) {
    FormWriter f("dispense", failed);
    std::string hint;
    if (k.max_supply_days > 0) {
      hint = "(the label allows at most " + std::to_string(k.max_supply_days) + " days: " + k.supply_cite.source + ")";
      src.Add(k.supply_cite.source, k.supply_cite.verified);
    }
    forms += f.Open(caller, ref, "Dispense", "") + f.Input("date", "Date", "date", "", true, today) +
             f.Input("days_supply", "Days of supply", "number", hint, true, "", " min=\"1\" step=\"1\"") +
             f.Input("quantity", "Capsules", "number", "(the number handed over)", false, "", " min=\"1\" step=\"1\"") +
             DispenseAdvice(k, st, src) + f.Close("Record dispense");
  }
  if (caller.MayDo(Act::kStartCourse)) {
    FormWriter f("course", failed);
    std::vector<std::pair<std::string, std::string>> indications = {{"", "Choose an indication"}};
    for (const Indication& i : k.indications) indications.emplace_back(i.id, i.name);
    forms +=
        f.Open(caller, ref, has_course ? "Start a new course" : "Start a course",
               has_course ? "A new course replaces the current one (the old one stays in the record)." : "") +
        f.Select("indication", "Indication", indications, true) +
        f.Input("start", "Day 1 of cycle 1", "date", "", true, today) +
        f.Input("dose", "Starting dose in mg", "number", "", true, "",
                " step=\"any\" min=\"0\" inputmode=\"decimal\"") +
        f.Select("frequency", "Frequency",
                 {{"", "The default (daily)"}, {"daily", "Daily"}, {"every-other-day", "Every other day"}}, false) +
        f.Input("days", "Pill days of each cycle", "text", "(optional, e.g. 1-21)", false) +
        f.Select("setting", "Myeloma setting",
                 {{"", "Not myeloma, or not known"},
                  {"newly-diagnosed", "Newly diagnosed"},
                  {"previously-treated", "Previously treated"}},
                 false) +
        f.Close("Start course");
  }
  if (forms.empty()) return "";
  return "<section id=\"record\" aria-labelledby=\"record-h\"><h2 id=\"record-h\">Record</h2>" + forms + "</section>";
}

}  // namespace

std::string PathSegment(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

http::Response CoursePage(Site& site, const http::Request& req, const Caller& caller, const std::string& ref,
                          const std::string& as_of, int status, const std::string& flash, const FailedForm* failed) {
  const Knowledge& k = site.k();
  std::optional<Date> day;
  if (!as_of.empty()) {
    auto d = Date::Parse(as_of);
    if (!d.ok()) return Refuse(site, req, caller, 400, "as_of: " + d.error().message);
    day = *d;
  }
  Result<app::PatientCourseView> read = Error::Failed("", "");
  {
    Site::Db db = site.Connect(caller);
    read = app::ReadPatientCourse(db.ctx, ref, day ? day->ToString() : "");
  }
  if (!read.ok()) {
    if (read.error().kind == ErrorKind::kBadInput && read.error().field == "patient") {
      return Refuse(site, req, caller, 404, "There is no patient " + Quoted(ref) + ".");
    }
    return Refuse(site, req, caller, ErrorStatus(read.error()), read.error().Describe());
  }
  const app::PatientCourseView& view = *read;
  const app::PatientView& show = view.record;
  const Result<app::StatusAnswer>& st = view.status;
  day = view.as_of;
  // The events up to the date shown, by date (events of one date in the order recorded): every
  // row for the timeline, those in force (not corrected, not a correction) for the charts.
  std::vector<DatedEvent> timeline, events;
  for (const store::EventRecord& e : show.events) {
    auto d = Date::Parse(e.date);
    if (!d.ok() || *d > *day) continue;
    timeline.push_back({*d, json::parse(e.body, nullptr, false), e.source, &e});
    if (e.replaced_by == 0 && e.type != store::kEnteredInError && e.type != store::kFindingResolved) {
      events.push_back(timeline.back());
    }
  }
  auto by_date = [](const DatedEvent& a, const DatedEvent& b) { return a.date < b.date; };
  std::stable_sort(timeline.begin(), timeline.end(), by_date);
  std::stable_sort(events.begin(), events.end(), by_date);

  const json course = show.course ? json::parse(show.course->header, nullptr, false) : json();
  const std::string indication = show.course ? show.course->indication : "";
  std::string evaluate_status;
  if (st.ok() && st->check.assessment) evaluate_status = CourseStatusId(st->check.assessment->status);
  Sources src;
  PageSpec page;
  const std::string& name = show.patient.name;
  page.title = name.empty() ? "Patient " + ref : name + " (" + ref + ")";
  page.flash = flash;
  const std::string forms = FormsSection(k, caller, ref, json::parse(show.patient.facts, nullptr, false),
                                         evaluate_status, st, show.course.has_value(), failed, site.clock.Today(), src);
  std::string main =
      "<nav class=\"on-this-page\" aria-label=\"On this page\"><p>On this page: <a href=\"#status\">Status</a> · "
      "<a href=\"#adherence\">Doses</a> · <a href=\"#rems\">REMS</a> · <a href=\"#counts\">Blood counts</a> · <a "
      "href=\"#response\">Response</a> · "
      "<a href=\"#timeline\">Timeline</a> · <a href=\"#symptoms\">Symptoms</a>";
  if (!forms.empty()) main += " · <a href=\"#record\">Record</a>";
  main += "</p></nav>";
  if (failed != nullptr) main = ErrorSummary(*failed) + main;
  main += Header(k, show, ref, day->ToString());
  main += StatusSection(st, show, caller, view.resolved, src);
  main += AdherenceSection(view.adherence);
  main += RemsSection(st, src);
  main += ReadinessSection(st, src);
  main += "<section id=\"counts\" aria-labelledby=\"counts-h\"><h2 id=\"counts-h\">Blood counts</h2>";
  main += CountChart(k, events, indication, LabTest::kAnc, "chart-anc", "Neutrophils (ANC)", src);
  main += CountChart(k, events, indication, LabTest::kPlatelets, "chart-platelets", "Platelets", src);
  main += CountChart(k, events, indication, LabTest::kHemoglobin, "chart-hemoglobin", "Hemoglobin", src);
  main += "</section>";
  main += ResponseSection(events, show.course, view.response, src);
  main += TimelineSection(k, caller, ref, timeline, course);
  main += SymptomsSection(caller, ref, view.symptoms, view.resolved);
  main += AccessSection(site.msg, caller, ref, view);
  main += forms;
  page.main = std::move(main);
  page.sources = std::move(src.list);
  page.unverified = src.unverified;
  return Html(status, site.Page(caller, page));
}

}  // namespace lenacare::webapp
