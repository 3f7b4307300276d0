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
std::string EventLine(const store::EventRecord& e) {
  const json b = json::parse(e.body, nullptr, false);
  const std::string why = Str(b, "reason").empty() ? Str(b, "note") : Str(b, "reason");
  const std::string because = why.empty() ? "" : " (" + why + ")";
  if (e.type == "hold") return e.date + ": therapy put on hold" + because;
  if (e.type == "stop") return e.date + ": therapy stopped" + because;
  if (e.type == "resume") {
    return e.date + ": therapy resumed" + (Str(b, "dose_mg").empty() ? "" : " at " + Str(b, "dose_mg") + " mg") +
           because;
  }
  if (e.type == "dose-change") return e.date + ": dose changed to " + Str(b, "dose_mg") + " mg" + because;
  if (e.type == "cycle-start") return e.date + ": a new cycle started" + because;
  if (e.type == "toxicity") return e.date + ": " + Str(b, "term") + ", CTCAE grade " + Str(b, "grade");
  if (e.type == "pregnancy-test") return e.date + ": pregnancy test " + Str(b, "result");
  return "";
}

PdfDocument BuildDocument(const Knowledge& k, const app::VisitReport& r, SourceList& src) {
  PdfDocument d;
  const std::string who = r.patient.name.empty() ? r.patient.ref : r.patient.name + " (" + r.patient.ref + ")";
  d.title = "Visit report: " + who;
  d.intro = {"Period: " + LongDate(r.from) + " to " + LongDate(r.to),
             "Made on " + LongDate(r.made_on) + " by lenacare."};
  d.footer = Disclaimer() + " Made on " + r.made_on.ToString() + ".";
  auto heading = [&](const std::string& t) { d.blocks.push_back({PdfBlock::Kind::kHeading, t, {}}); };
  auto text = [&](const std::string& t) { d.blocks.push_back({PdfBlock::Kind::kText, t, {}}); };

  heading("Doses");
  if (!r.doses) {
    text("No therapy course is recorded.");
  } else if (r.doses->pill_days == 0) {
    text("No pill days in this period.");
  } else {
    const app::DoseAdherence& a = *r.doses;
    text(std::to_string(a.taken) + " of " + std::to_string(a.pill_days) + " pill days marked taken, " +
         std::to_string(a.missed) + " missed, " + std::to_string(a.unmarked) + " not marked.");
    for (const app::DoseDay& day : a.days) {
      if (day.mark == app::DoseMark::kTaken) continue;
      const std::string by = app::CaregiverLabel(r.caregivers, day.recorded_by);
      text(day.date.ToString() + ": " + (day.mark == app::DoseMark::kMissed ? "missed" : "not marked") +
           (day.note.empty() ? "" : " (" + day.note + ")") + (by.empty() ? "" : ", entered by " + by));
    }
  }

  heading("Holds and dose changes");
  bool any = false;
  for (const store::EventRecord& e : r.events) {
    if (e.type != "hold" && e.type != "resume" && e.type != "dose-change" && e.type != "stop" &&
        e.type != "cycle-start") {
      continue;
    }
    text(EventLine(e));
    any = true;
  }
  if (!any) text("None in this period.");

  heading("Blood counts");
  const std::string indication = r.course ? r.course->indication : "";
  const std::pair<LabTest, const char*> kCounts[] = {
      {LabTest::kAnc, "Neutrophils (ANC)"}, {LabTest::kPlatelets, "Platelets"}, {LabTest::kHemoglobin, "Hemoglobin"}};
  for (const auto& [t, title] : kCounts) {
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
    text(std::string(title) + ": " + (values.empty() ? "no results in this period" : values) + "." +
         (lines.empty() ? "" : " Thresholds: " + lines + "."));
  }

  heading("Symptoms");
  any = false;
  for (const store::SymptomEntry& s : r.symptoms) {
    const std::string by = app::CaregiverLabel(r.caregivers, s.entered_by);
    text(s.date + ": " + s.symptom + " (" + s.severity + ")" + (s.note.empty() ? "" : ": " + s.note) +
         (by.empty() ? "" : ", entered by " + by));
    any = true;
  }
  for (const store::EventRecord& e : r.events) {
    if (e.type != "toxicity") continue;
    text(EventLine(e));
    any = true;
  }
  if (!any) text("None written down in this period.");

  heading("Pregnancy tests (REMS)");
  any = false;
  for (const store::EventRecord& e : r.events) {
    if (e.type != "pregnancy-test") continue;
    text(EventLine(e));
    any = true;
  }
  if (!any) text("None in this period.");

  heading("Questions for the visit");
  for (const store::VisitQuestion& q : r.questions) {
    const std::string by = app::CaregiverLabel(r.caregivers, q.entered_by);
    text("- " + q.text + (by.empty() ? "" : " (" + by + ")"));
  }
  if (r.questions.empty()) text("No questions written down.");
  return d;
}

std::string ReportHtml(const PdfDocument& d, const std::string& base, const std::string& from, const std::string& to) {
  std::string out;
  for (const std::string& line : d.intro) out += "<p>" + Escape(line) + "</p>";
  out += "<form class=\"stack no-print\" method=\"get\" action=\"" + base +
         "/report\"><div><label for=\"report-from\">From</label><input id=\"report-from\" name=\"from\" "
         "type=\"date\" value=\"" +
         Escape(from) +
         "\"></div><div><label for=\"report-to\">To</label><input id=\"report-to\" name=\"to\" "
         "type=\"date\" value=\"" +
         Escape(to) + "\"></div><div><button type=\"submit\">Show this period</button></div></form>";
  out += "<p class=\"no-print\"><a id=\"report-pdf\" href=\"" + base + "/report.pdf?from=" + Escape(from) +
         "&amp;to=" + Escape(to) + "\">Download as PDF</a> · print this page to take it with you</p>";
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
    static const std::map<std::string, std::string> kLabels = {{"from", "From"}, {"to", "To"}};
    const auto label = kLabels.find(e.field);
    return Refuse(site, req, caller, ErrorStatus(e),
                  (label == kLabels.end() ? "" : label->second + ": ") + PlainError(e) + ".");
  }
  SourceList src;
  const PdfDocument doc = BuildDocument(site.k, *report, src);
  if (pdf) {
    http::Response r;
    r.content_type = "application/pdf";
    r.body = RenderPdf(doc);
    r.Header("Content-Disposition", "attachment; filename=\"lenacare-visit-report-" + report->to.ToString() + ".pdf\"");
    return r;
  }
  PageSpec page;
  page.title = doc.title;
  page.description = "A report of the doses, blood counts, symptoms and questions of a period, to take to the clinic.";
  page.main = ReportHtml(doc, base, report->from.ToString(), report->to.ToString());
  page.sources = src.list;
  page.unverified = src.unverified;
  return Html(200, site.Page(caller, page));
}

void AddReportPages(Site& site, Router& router) {
  for (const bool pdf : {false, true}) {
    router.Add("GET", std::string("/patients/{ref}/report") + (pdf ? ".pdf" : ""),
               [&site, pdf](const http::Request& req, const RouteParams& p, const Caller& c) {
                 if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in first.");
                 if (!c.May(Capability::kViewPatients)) return Refuse(site, req, c, 403, "This is for the care team.");
                 const std::string ref = p.at("ref");
                 return VisitReportResponse(site, req, c, ref, "/patients/" + PathSegment(ref), pdf);
               });
  }
}

}  // namespace lenacare::webapp
