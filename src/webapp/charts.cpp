#include "webapp/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "core/quantity.h"
#include "webapp/site.h"

namespace lenacare::webapp {
namespace {

// Drawing geometry in SVG user units (the viewBox scales to the page width).
constexpr double kWidth = 640, kHeight = 280;
constexpr double kLeft = 56, kRight = 16, kTop = 28, kBottom = 40;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
constexpr double kInset = 10;       // keeps the first and last points off the axes
constexpr double kLabelGap = 14;    // reference-line labels closer than this alternate sides
constexpr int kMaxDateLabels = 5;   // dates written under the x axis
constexpr double kHeadroom = 1.12;  // the y axis reaches a little above the highest value or line
constexpr const char* kInk = "#1b1f24";
constexpr const char* kGrid = "#c9d1db";
constexpr const char* kLineColour = "#a4161a";
constexpr const char* kFont = "system-ui, sans-serif";

struct SeriesStyle {
  const char* colour;
  const char* dash;  // "" for a solid line
  const char* marker;
};
// Series differ in dash pattern and marker shape as well as colour.
constexpr SeriesStyle kStyles[] = {{"#0b5cad", "", "circle"},
                                   {"#1d6b34", "6 3", "square"},
                                   {"#6b2fa3", "2 3", "triangle"},
                                   {"#8a4b00", "8 3 2 3", "diamond"}};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Attr(const std::string& name, const std::string& value) { return " " + name + "=\"" + value + "\""; }

// A step of 1, 2, 2.5 or 5 times a power of ten that cuts `range` into about five parts.
double NiceStep(double range) {
  const double raw = range / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return step * mag;
}

std::string MarkerShape(const SeriesStyle& s, double x, double y, const std::string& title) {
  std::string shape;
  const std::string fill = Attr("fill", s.colour) + Attr("stroke", "#ffffff") + Attr("stroke-width", "1");
  if (std::string(s.marker) == "circle") {
    shape = "<circle" + Attr("cx", Num(x)) + Attr("cy", Num(y)) + Attr("r", "4") + fill + ">";
    return shape + "<title>" + Escape(title) + "</title></circle>";
  }
  std::string points;
  if (std::string(s.marker) == "square") {
    points = Num(x - 4) + "," + Num(y - 4) + " " + Num(x + 4) + "," + Num(y - 4) + " " + Num(x + 4) + "," + Num(y + 4) +
             " " + Num(x - 4) + "," + Num(y + 4);
  } else if (std::string(s.marker) == "triangle") {
    points = Num(x) + "," + Num(y - 5) + " " + Num(x + 5) + "," + Num(y + 4) + " " + Num(x - 5) + "," + Num(y + 4);
  } else {
    points = Num(x) + "," + Num(y - 5) + " " + Num(x + 5) + "," + Num(y) + " " + Num(x) + "," + Num(y + 5) + " " +
             Num(x - 5) + "," + Num(y);
  }
  return "<polygon" + Attr("points", points) + fill + "><title>" + Escape(title) + "</title></polygon>";
}

std::string LineRef(size_t i) { return "[" + std::to_string(i + 1) + "]"; }

std::string Describe(const ChartSpec& c, size_t total) {
  std::string d = c.title + (c.unit.empty() ? "" : " in " + c.unit) + ": ";
  if (total == 0) {
    d += "no results recorded. ";
  } else {
    for (const ChartSeries& s : c.series) {
      if (s.points.empty()) continue;
      const ChartPoint& last = s.points.back();
      d += (s.name.empty() ? "" : s.name + ", ") + std::to_string(s.points.size()) + " result" +
           (s.points.size() == 1 ? "" : "s") + " from " + s.points.front().date.ToString() + " to " +
           last.date.ToString() + ", latest " + FormatNumber(last.value) + " on " + last.date.ToString() + ". ";
    }
  }
  if (!c.lines.empty()) {
    d += "Reference lines:";
    for (size_t i = 0; i < c.lines.size(); ++i) {
      d += " " + LineRef(i) + " " + c.lines[i].label + (i + 1 < c.lines.size() ? ";" : ".");
    }
  } else if (!c.lines_note.empty()) {
    d += c.lines_note;
  }
  if (!c.note.empty()) d += (d.empty() || d.back() == ' ' ? "" : " ") + c.note;
  while (!d.empty() && d.back() == ' ') d.pop_back();
  return d;
}

std::string Legend(const ChartSpec& c) {
  std::string out;
  if (!c.note.empty()) out += "<p class=\"hint\">" + Escape(c.note) + "</p>";
  if (c.series.size() > 1) {
    out += "<ul class=\"chart-legend\">";
    for (size_t i = 0; i < c.series.size(); ++i) {
      const SeriesStyle& s = kStyles[i % std::size(kStyles)];
      out += "<li>" + Escape(c.series[i].name) + ": " + (std::string(s.dash).empty() ? "solid" : "dashed") + " line, " +
             s.marker + " markers</li>";
    }
    out += "</ul>";
  }
  if (c.lines.empty()) {
    if (!c.lines_note.empty()) out += "<p class=\"hint\">" + Escape(c.lines_note) + "</p>";
    return out;
  }
  out += "<ul class=\"chart-lines\">";
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const ChartLine& l = c.lines[i];
    out += "<li>Line " + LineRef(i) + " (dashed): " + Escape(l.label) + " " + Escape(c.unit) +
           (l.detail.empty() ? "" : " — " + Escape(l.detail)) + ". Source: " + Escape(l.source);
    if (!l.verified) out += " <span class=\"unverified\">(unverified: confirm against the current label)</span>";
    out += "</li>";
  }
  return out + "</ul>";
}

std::string Table(const ChartSpec& c, size_t total) {
  bool annotated = false;
  for (const ChartSeries& s : c.series) {
    for (const ChartPoint& p : s.points) annotated = annotated || !p.annotation.empty() || !p.note.empty();
  }
  struct Row {
    const ChartPoint* p;
    const std::string* series;
  };
  std::vector<Row> rows;
  for (const ChartSeries& s : c.series) {
    for (const ChartPoint& p : s.points) rows.push_back({&p, &s.name});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.p->date < b.p->date; });
  const bool several = c.series.size() > 1;
  std::string out =
      "<details><summary>" + Escape(c.title) + ": the values as a table (" + std::to_string(total) + ")</summary>";
  if (rows.empty()) return out + "<p>No results recorded.</p></details>";
  out += "<table tabindex=\"0\"><caption>" + Escape(c.title) + "</caption><thead><tr><th scope=\"col\">Date</th>";
  if (several) out += "<th scope=\"col\">Marker</th>";
  out += "<th scope=\"col\">Value (" + Escape(c.unit) + ")</th><th scope=\"col\">As recorded</th>";
  if (annotated) out += "<th scope=\"col\">Category</th>";
  out += "</tr></thead><tbody>";
  for (const Row& r : rows) {
    out += "<tr><th scope=\"row\">" + r.p->date.ToString() + "</th>";
    if (several) out += "<td>" + Escape(*r.series) + "</td>";
    out += "<td>" + FormatNumber(r.p->value) + "</td><td>" + Escape(r.p->as_recorded) + "</td>";
    if (annotated) out += "<td>" + Escape(r.p->note.empty() ? r.p->annotation : r.p->note) + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table></details>";
}

}  // namespace

std::string RenderChart(const ChartSpec& c) {
  size_t total = 0;
  double top = 0;
  std::optional<Date> first, last;
  for (const ChartSeries& s : c.series) {
    for (const ChartPoint& p : s.points) {
      ++total;
      top = std::max(top, p.value);
      if (!first || p.date < *first) first = p.date;
      if (!last || p.date > *last) last = p.date;
    }
  }
  for (const ChartLine& l : c.lines) top = std::max(top, l.value);
  if (top <= 0) top = 1;
  const double step = NiceStep(top * kHeadroom);
  const double ymax = std::ceil(top * kHeadroom / step) * step;
  auto y_of = [&](double v) { return kTop + kPlotH - v / ymax * kPlotH; };
  const int span = first ? last->DaysSince(*first) : 0;
  auto x_of = [&](Date d) {
    if (span == 0) return kLeft + kPlotW / 2;
    return kLeft + kInset + static_cast<double>(d.DaysSince(*first)) / span * (kPlotW - 2 * kInset);
  };

  const std::string title_id = c.id + "-title", desc_id = c.id + "-desc";
  std::string svg = "<svg" + Attr("id", c.id) + Attr("class", "chart") + Attr("viewBox", "0 0 640 280") +
                    Attr("role", "img") + Attr("aria-labelledby", title_id) + Attr("aria-describedby", desc_id) +
                    Attr("focusable", "false") + Attr("font-family", kFont) + Attr("font-size", "12") + ">";
  svg += "<title" + Attr("id", title_id) + ">" + Escape(c.unit.empty() ? c.title : c.title + " (" + c.unit + ")") +
         "</title>";
  svg += "<desc" + Attr("id", desc_id) + ">" + Escape(Describe(c, total)) + "</desc>";
  svg += "<rect" + Attr("x", "0") + Attr("y", "0") + Attr("width", "640") + Attr("height", "280") +
         Attr("fill", "#ffffff") + "/>";
  svg += "<text" + Attr("x", Num(kLeft)) + Attr("y", "16") + Attr("fill", kInk) + ">" + Escape(c.unit) + "</text>";
  // Grid and y axis.
  for (double v = 0; v <= ymax + step / 2; v += step) {
    const double y = y_of(v);
    svg += "<line" + Attr("x1", Num(kLeft)) + Attr("x2", Num(kLeft + kPlotW)) + Attr("y1", Num(y)) +
           Attr("y2", Num(y)) + Attr("stroke", kGrid) + Attr("stroke-width", "1") + "/>";
    svg += "<text" + Attr("x", Num(kLeft - 6)) + Attr("y", Num(y + 4)) + Attr("text-anchor", "end") +
           Attr("fill", kInk) + ">" + FormatNumber(std::round(v * 1000) / 1000) + "</text>";
  }
  svg += "<line" + Attr("x1", Num(kLeft)) + Attr("x2", Num(kLeft)) + Attr("y1", Num(kTop)) +
         Attr("y2", Num(kTop + kPlotH)) + Attr("stroke", kInk) + Attr("stroke-width", "1") + "/>";
  // Dates under the x axis: the first, the last and a few evenly between.
  if (first) {
    std::vector<Date> ticks = {*first};
    const int n = std::min(kMaxDateLabels - 1, span / 7);
    for (int i = 1; i < n; ++i) ticks.push_back(first->AddDays(span * i / n));
    if (span > 0) ticks.push_back(*last);
    for (size_t i = 0; i < ticks.size(); ++i) {
      const double x = x_of(ticks[i]);
      const char* anchor = ticks.size() == 1 ? "middle" : i == 0 ? "start" : i + 1 == ticks.size() ? "end" : "middle";
      svg += "<line" + Attr("x1", Num(x)) + Attr("x2", Num(x)) + Attr("y1", Num(kTop + kPlotH)) +
             Attr("y2", Num(kTop + kPlotH + 5)) + Attr("stroke", kInk) + "/>";
      svg += "<text" + Attr("x", Num(x)) + Attr("y", Num(kTop + kPlotH + 20)) + Attr("text-anchor", anchor) +
             Attr("fill", kInk) + ">" + ticks[i].ToString() + "</text>";
    }
  } else {
    svg += "<text" + Attr("x", Num(kLeft + kPlotW / 2)) + Attr("y", Num(kTop + kPlotH / 2)) +
           Attr("text-anchor", "middle") + Attr("fill", kInk) + ">No results recorded</text>";
  }
  svg += "<line" + Attr("x1", Num(kLeft)) + Attr("x2", Num(kLeft + kPlotW)) + Attr("y1", Num(kTop + kPlotH)) +
         Attr("y2", Num(kTop + kPlotH)) + Attr("stroke", kInk) + Attr("stroke-width", "1") + "/>";
  // Reference lines, dashed, each labelled with its number and value; labels that would touch
  // the previous one go to the other side.
  std::vector<size_t> order(c.lines.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return c.lines[a].value > c.lines[b].value; });
  double previous_y = -100;
  bool right = true;
  for (size_t i : order) {
    const ChartLine& l = c.lines[i];
    const double y = y_of(l.value);
    if (y - previous_y < kLabelGap) right = !right;
    previous_y = y;
    svg += "<line" + Attr("x1", Num(kLeft)) + Attr("x2", Num(kLeft + kPlotW)) + Attr("y1", Num(y)) +
           Attr("y2", Num(y)) + Attr("stroke", kLineColour) + Attr("stroke-width", "1.5") +
           Attr("stroke-dasharray", "6 4") + "/>";
    svg += "<text" + Attr("x", Num(right ? kLeft + kPlotW - 4 : kLeft + 4)) + Attr("y", Num(y - 4)) +
           Attr("text-anchor", right ? "end" : "start") + Attr("fill", kLineColour) + ">" +
           Escape(LineRef(i) + " " + l.label) + "</text>";
  }
  // The series.
  for (size_t si = 0; si < c.series.size(); ++si) {
    const ChartSeries& s = c.series[si];
    const SeriesStyle& style = kStyles[si % std::size(kStyles)];
    if (s.points.size() > 1) {
      std::string pts;
      for (const ChartPoint& p : s.points) pts += Num(x_of(p.date)) + "," + Num(y_of(p.value)) + " ";
      pts.pop_back();
      svg += "<polyline" + Attr("points", pts) + Attr("fill", "none") + Attr("stroke", style.colour) +
             Attr("stroke-width", "2") + (std::string(style.dash).empty() ? "" : Attr("stroke-dasharray", style.dash)) +
             "/>";
    }
    for (const ChartPoint& p : s.points) {
      const double x = x_of(p.date), y = y_of(p.value);
      svg += MarkerShape(style, x, y,
                         (s.name.empty() ? "" : s.name + ": ") + p.date.ToString() + ": " + p.as_recorded +
                             (p.annotation.empty() ? "" : " (" + p.annotation + ")"));
      if (!p.annotation.empty()) {
        // Kept inside the plot: labels near an edge are anchored on that side.
        const char* anchor = x < kLeft + 30 ? "start" : x > kLeft + kPlotW - 30 ? "end" : "middle";
        svg += "<text" + Attr("x", Num(x)) + Attr("y", Num(std::max(kTop - 4, y - 9))) + Attr("text-anchor", anchor) +
               Attr("fill", kInk) + Attr("font-weight", "600") + ">" + Escape(p.annotation) + "</text>";
      }
    }
  }
  svg += "</svg>";
  return svg + Legend(c) + Table(c, total);
}

}  // namespace lenacare::webapp
