#include "webapp/visit_report.h"

#include <nlohmann/json.hpp>

#include "app/caregivers.h"
#include "app/visit_report.h"
#include "knowledge/lab_test.h"
#include "webapp/app.h"
#include "webapp/clinician_course.h"
#include "webapp/patient_calendar.h"
#include "webapp/report_pdf.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "";
  const json& v = j[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// One stored event as a line of the report, in plain words.
std::string EventLine(const Messages& msg, const store::EventRecord& e) {
  const json b = json::parse(e.body, nullptr, false);
  const std::string why = Str(b, "reason").empty() ? Str(b, "note") : Str(b, "reason");
  const std::string because = why.empty() ? "" : " (" + why + ")";
  const std::string& date = e.date;
  if (e.type == "hold") return msg("report.hold", {{"date", date}}) + because;
  if (e.type == "stop") return msg("report.stop", {{"date", date}}) + because;
  if (e.type == "resume") {
    return (Str(b, "dose_mg").empty() ? msg("report.resume", {{"date", date}})
                                      : msg("report.resume_at", {{"date", date}, {"dose", Str(b, "dose_mg")}})) +
           because;
  }
  if (e.type == "dose-change") {
    return msg("report.dose_change", {{"date", date}, {"dose", Str(b, "dose_mg")}}) + because;
  }
  if (e.type == "cycle-start") return msg("report.cycle_start", {{"date", date}}) + because;
  if (e.type == "toxicity") {
    return msg("report.toxicity", {{"date", date}, {"term", Str(b, "term")}, {"grade", Str(b, "grade")}});
  }
  if (e.type == "pregnancy-test") return msg("report.pregnancy_test", {{"date", date}, {"result", Str(b, "result")}});
  return "";
}

PdfDocument BuildDocument(const Messages& msg, const Knowledge& k, const app::VisitReport& r, SourceList& src) {
  PdfDocument d;
  const std::string who = r.patient.name.empty() ? r.patient.ref : r.patient.name + " (" + r.patient.ref + ")";
  d.title = msg("report.title", {{"who", who}});
  d.intro = {msg("report.period", {{"from", LongDate(r.from)}, {"to", LongDate(r.to)}}),
             msg("report.made_on", {{"date", LongDate(r.made_on)}})};
  d.footer = Disclaimer() + " " + msg("report.footer_made_on", {{"date", r.made_on.ToString()}});
  auto heading = [&](const std::string& t) { d.blocks.push_back({PdfBlock::Kind::kHeading, t, {}}); };
  auto text = [&](const std::string& t) { d.blocks.push_back({PdfBlock::Kind::kText, t, {}}); };
  auto entered_by = [&](const std::string& by) {
    return by.empty() ? std::string() : ", " + msg("diary.entered_by", {{"name", by}});
  };

  heading(msg("report.doses"));
  if (!r.doses) {
    text(msg("report.no_course"));
  } else if (r.doses->pill_days == 0) {
    text(msg("report.no_pill_days"));
  } else {
    const app::DoseAdherence& a = *r.doses;
    text(msg("report.adherence", {{"taken", std::to_string(a.taken)},
                                  {"pill_days", std::to_string(a.pill_days)},
                                  {"missed", std::to_string(a.missed)},
                                  {"unmarked", std::to_string(a.unmarked)}}));
    for (const app::DoseDay& day : a.days) {
      if (day.mark == app::DoseMark::kTaken) continue;
      const std::string by = app::CaregiverLabel(r.caregivers, day.recorded_by);
      const std::string date = day.date.ToString();
      text((day.mark == app::DoseMark::kMissed ? msg("report.day_missed", {{"date", date}})
                                               : msg("report.day_not_marked", {{"date", date}})) +
           (day.note.empty() ? "" : " (" + day.note + ")") + entered_by(by));
    }
  }

  heading(msg("report.holds"));
  bool any = false;
  for (const store::EventRecord& e : r.events) {
    if (e.type != "hold" && e.type != "resume" && e.type != "dose-change" && e.type != "stop" &&
        e.type != "cycle-start") {
      continue;
    }
    text(EventLine(msg, e));
    any = true;
  }
  if (!any) text(msg("report.none"));

  heading(msg("report.counts"));
  const std::string indication = r.course ? r.course->indication : "";
  const std::pair<LabTest, std::string> counts[] = {{LabTest::kAnc, msg("report.anc")},
                                                    {LabTest::kPlatelets, msg("report.platelets")},
                                                    {LabTest::kHemoglobin, msg("report.hemoglobin")}};
  for (const auto& [t, title] : counts) {
    ChartSpec chart;
    chart.id = std::string("report-") + std::string(LabTestId(t));
    chart.title = title;
    const UnitKindEntry* unit = k.units.Find(LabTestKind(t));
    chart.unit = unit != nullptr ? unit->canonical : "";
    ChartSeries series;
    std::string values;
    for (const store::EventRecord& e : r.events) {
      if (e.type != "lab" || e.test != LabTestId(t) || !e.value) continue;
      auto date = Date::Parse(e.date);
      if (!date.ok()) continue;
      const json b = json::parse(e.body, nullptr, false);
      series.points.push_back({*date, *e.value, Str(b, "value"), "", ""});
      values += (values.empty() ? "" : "; ") + e.date + " " + Str(b, "value");
    }
    chart.series.push_back(std::move(series));
    std::vector<std::string> also;
    if (!indication.empty()) AddThresholdLines(k, indication, t, chart, also, src);
    d.blocks.push_back({PdfBlock::Kind::kChart, "", chart});
    std::string lines;
    for (const ChartLine& l : chart.lines) lines += (lines.empty() ? "" : "; ") + l.label;
    text(title + ": " + (values.empty() ? msg("report.no_results") : values) + "." +
         (lines.empty() ? "" : " " + msg("report.thresholds", {{"lines", lines}})));
  }

  heading(msg("report.symptoms"));
  any = false;
  for (const store::SymptomEntry& s : r.symptoms) {
    const std::string by = app::CaregiverLabel(r.caregivers, s.entered_by);
    text(s.date + ": " + s.symptom + " (" + s.severity + ")" + (s.note.empty() ? "" : ": " + s.note) + entered_by(by));
    any = true;
  }
  for (const store::EventRecord& e : r.events) {
    if (e.type != "toxicity") continue;
    text(EventLine(msg, e));
    any = true;
  }
  if (!any) text(msg("report.none_written"));

  heading(msg("report.pregnancy_tests"));
  any = false;
  for (const store::EventRecord& e : r.events) {
    if (e.type != "pregnancy-test") continue;
    text(EventLine(msg, e));
    any = true;
  }
  if (!any) text(msg("report.none"));

  heading(msg("report.questions"));
  for (const store::VisitQuestion& q : r.questions) {
    const std::string by = app::CaregiverLabel(r.caregivers, q.entered_by);
    text("- " + q.text + (by.empty() ? "" : " (" + by + ")"));
  }
  if (r.questions.empty()) text(msg("report.no_questions"));
  return d;
}

std::string ReportHtml(const Messages& msg, const PdfDocument& d, const std::string& base, const std::string& from,
                       const std::string& to) {
  std::string out;
  for (const std::string& line : d.intro) out += "<p>" + Escape(line) + "</p>";
  out += "<form class=\"stack no-print\" method=\"get\" action=\"" + base +
         "/report\"><div><label for=\"report-from\">" + msg.Html("report.from") +
         "</label><input id=\"report-from\" name=\"from\" "
         "type=\"date\" value=\"" +
         Escape(from) + "\"></div><div><label for=\"report-to\">" + msg.Html("report.to") +
         "</label><input id=\"report-to\" name=\"to\" "
         "type=\"date\" value=\"" +
         Escape(to) + "\"></div><div><button type=\"submit\">" + msg.Html("report.show") + "</button></div></form>";
  out += "<p class=\"no-print\"><a id=\"report-pdf\" href=\"" + base + "/report.pdf?from=" + Escape(from) +
         "&amp;to=" + Escape(to) + "\">" + msg.Html("report.download") + "</a> · " + msg.Html("report.print") + "</p>";
  int n = 0;
  bool open = false;
  for (const PdfBlock& b : d.blocks) {
    switch (b.kind) {
      case PdfBlock::Kind::kHeading:
        if (open) out += "</section>";
        ++n;
        out += "<section aria-labelledby=\"report-" + std::to_string(n) + "\"><h2 id=\"report-" + std::to_string(n) +
               "\">" + Escape(b.text) + "</h2>";
        open = true;
        break;
      case PdfBlock::Kind::kText:
        out += "<p>" + Escape(b.text) + "</p>";
        break;
      case PdfBlock::Kind::kChart:
        out += "<h3>" + Escape(b.chart.title) + "</h3>" + RenderChart(b.chart);
        break;
    }
  }
  if (open) out += "</section>";
  return out;
}

}  // namespace

http::Response VisitReportResponse(Site& site, const http::Request& req, const Caller& caller, const std::string& ref,
                                   const std::string& base, bool pdf) {
  Result<app::VisitReport> report = Error::Failed("", "");
  {
    Site::Db db = site.Connect(caller);
    report = app::ReadVisitReport(db.ctx, {ref, req.Query("from"), req.Query("to")});
  }
  if (!report.ok()) {
    const Error& e = report.error();
    const std::map<std::string, std::string> labels = {{"from", site.msg("report.from")},
                                                       {"to", site.msg("report.to")}};
    const auto label = labels.find(e.field);
    return Refuse(site, req, caller, ErrorStatus(e),
                  (label == labels.end() ? "" : label->second + ": ") + PlainError(e) + ".");
  }
  SourceList src;
  const PdfDocument doc = BuildDocument(site.msg, site.k(), *report, src);
  if (pdf) {
    http::Response r;
    r.content_type = "application/pdf";
    r.body = RenderPdf(doc);
    r.Header("Content-Disposition", "attachment; filename=\"lenacare-visit-report-" + report->to.ToString() + ".pdf\"");
    return r;
  }
  PageSpec page;
  page.title = doc.title;
  page.description = site.msg("report.description");
  page.main = ReportHtml(site.msg, doc, base, report->from.ToString(), report->to.ToString());
  page.sources = src.list;
  page.unverified = src.unverified;
  return Html(200, site.Page(caller, page));
}

void AddReportPages(Site& site, Router& router) {
  for (const bool pdf : {false, true}) {
    router.Add("GET", std::string("/patients/{ref}/report") + (pdf ? ".pdf" : ""),
               [&site, pdf](const http::Request& req, const RouteParams& p, const Caller& c) {
                 if (!c.signed_in()) return Refuse(site, req, c, 401, site.msg("errors.sign_in_first"));
                 if (!c.May(Capability::kViewPatients)) {
                   return Refuse(site, req, c, 403, site.msg("errors.care_team_only"));
                 }
                 const std::string ref = p.at("ref");
                 return VisitReportResponse(site, req, c, ref, "/patients/" + PathSegment(ref), pdf);
               });
  }
}

}  // namespace lenacare::webapp
