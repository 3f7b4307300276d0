// Charts of dated values as inline SVG for the server-rendered pages: no JavaScript, no external
// files, nothing the Content-Security-Policy forbids (presentation attributes only, no style
// attributes). Each chart is an <svg role="img"> with a title and a description that say what it
// shows, reference lines drawn and labelled in text (never by colour alone), a numbered legend
// naming each line's source, and the values as a table in a <details> element for people who do
// not see the chart.
//
// The chart draws what it is given: it knows no clinical number. Thresholds come from the caller,
// who takes them from the knowledge base with their citations.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"

namespace lenacare::webapp {

struct ChartPoint {
  Date date;
  double value = 0;
  std::string as_recorded;  // the value as entered ("41000 /uL"), shown in the table
  std::string annotation;   // a short label drawn above the point ("PR"), or ""
  std::string note;         // the table's words for it ("PR (confirmed)"); "" for the annotation
};

struct ChartSeries {
  std::string name;  // "Serum M-protein"; may be empty for a chart of one series
  std::vector<ChartPoint> points;
};

// A horizontal reference line (a hold threshold).
struct ChartLine {
  double value = 0;
  std::string label;   // "hold below 30"
  std::string detail;  // what the rule says ("first fall", "for 7 days or with fever")
  std::string source;  // the citation
  bool verified = true;
};

struct ChartSpec {
  std::string id;     // the <svg> element's id ("chart-anc")
  std::string title;  // "Neutrophils (ANC)"
  std::string unit;   // "10^9/L"
  std::vector<ChartSeries> series;
  std::vector<ChartLine> lines;
  std::string lines_note;  // said when there are no lines ("No hold rule of this indication uses hemoglobin.")
  std::string note;        // said under the chart and in its description, or ""
};

// The chart, its legend and its data table (HTML, every text escaped).
std::string RenderChart(const ChartSpec& chart);

}  // namespace lenacare::webapp
