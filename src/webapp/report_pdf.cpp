#include "webapp/report_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/quantity.h"

namespace lenacare::webapp {
namespace {

constexpr double kWidth = 595.28, kHeight = 841.89;  // A4 in points
constexpr double kMargin = 50, kFooter = 40;
constexpr double kContent = kWidth - 2 * kMargin;

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct LayoutFree {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
struct FontFree {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};

class Writer {
 public:
  Writer(cairo_t* cr, std::string footer) : cr_(cr), footer_(std::move(footer)) {}

  // Lays out `text` in `font` within `width`; its height in points.
  double Measure(const std::string& text, const char* font, double width = kContent) {
    auto l = Layout(text, font, width);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(l.get(), &w, &h);
    return h;
  }

  void Text(const std::string& text, const char* font, double gap_after = 4) {
    const double h = Measure(text, font);
    Need(h);
    auto l = Layout(text, font, kContent);
    cairo_move_to(cr_, kMargin, y_);
    pango_cairo_show_layout(cr_, l.get());
    y_ += h + gap_after;
  }

  void Chart(const ChartSpec& c) {
    const double height = 150;
    Need(height + 40);
    Text(c.title + (c.unit.empty() ? "" : " (" + c.unit + ")"), "DejaVu Sans Bold 10", 2);
    const double x0 = kMargin + 40, x1 = kMargin + kContent - 10, y0 = y_ + height, y1 = y_;
    std::vector<const ChartPoint*> points;
    for (const ChartSeries& s : c.series) {
      for (const ChartPoint& p : s.points) points.push_back(&p);
    }
    double top = 0;
    for (const ChartPoint* p : points) top = std::max(top, p->value);
    for (const ChartLine& l : c.lines) top = std::max(top, l.value);
    top = top <= 0 ? 1 : top * 1.15;
    int first = 0, last = 1;
    if (!points.empty()) {
      first = last = points.front()->date.days();
      for (const ChartPoint* p : points) {
        first = std::min(first, p->date.days());
        last = std::max(last, p->date.days());
      }
      if (last == first) last = first + 1;
    }
    auto X = [&](int day) { return x0 + (x1 - x0) * (day - first) / static_cast<double>(last - first); };
    auto Y = [&](double v) { return y0 - (y0 - y1) * v / top; };
    cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr_, 0.8);
    cairo_rectangle(cr_, x0, y1, x1 - x0, y0 - y1);
    cairo_stroke(cr_);
    Small("0", kMargin, y0 - 6);
    Small(FormatNumber(std::round(top * 10) / 10), kMargin, y1 - 2);
    // Thresholds: dashed, labelled in words.
    const double dash[] = {4, 3};
    for (const ChartLine& l : c.lines) {
      cairo_set_source_rgb(cr_, 0.64, 0.09, 0.1);
      cairo_set_dash(cr_, dash, 2, 0);
      cairo_move_to(cr_, x0, Y(l.value));
      cairo_line_to(cr_, x1, Y(l.value));
      cairo_stroke(cr_);
      cairo_set_dash(cr_, nullptr, 0, 0);
      Small(l.label, x0 + 4, Y(l.value) - 11);
    }
    cairo_set_source_rgb(cr_, 0.04, 0.36, 0.68);
    cairo_set_line_width(cr_, 1.5);
    for (size_t i = 0; i < points.size(); ++i) {
      const double px = X(points[i]->date.days()), py = Y(points[i]->value);
      if (i == 0) {
        cairo_move_to(cr_, px, py);
      } else {
        cairo_line_to(cr_, px, py);
      }
    }
    cairo_stroke(cr_);
    for (const ChartPoint* p : points) {
      cairo_arc(cr_, X(p->date.days()), Y(p->value), 2.5, 0, 6.2832);
      cairo_fill(cr_);
    }
    cairo_set_source_rgb(cr_, 0, 0, 0);
    if (!points.empty()) {
      Small(Date::FromDays(first).ToString(), x0, y0 + 2);
      Small(Date::FromDays(last).ToString(), x1 - 60, y0 + 2);
    } else {
      Small("No results in this period.", x0 + 10, y0 - 30);
    }
    y_ = y0 + 18;
  }

  void Finish() { Footer(); }

 private:
  std::unique_ptr<PangoLayout, LayoutFree> Layout(const std::string& text, const char* font, double width) {
    std::unique_ptr<PangoLayout, LayoutFree> l(pango_cairo_create_layout(cr_));
    std::unique_ptr<PangoFontDescription, FontFree> f(pango_font_description_from_string(font));
    pango_layout_set_font_description(l.get(), f.get());
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l.get(), text.c_str(), static_cast<int>(text.size()));
    return l;
  }

  void Small(const std::string& text, double x, double y) {
    auto l = Layout(text, "DejaVu Sans 7", 200);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l.get());
  }

  void Need(double h) {
    if (y_ + h <= kHeight - kMargin - kFooter) return;
    Footer();
    cairo_show_page(cr_);
    y_ = kMargin;
  }

  void Footer() {
    cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
    auto l = Layout(footer_ + " Page " + std::to_string(page_++) + ".", "DejaVu Sans 7", kContent);
    cairo_move_to(cr_, kMargin, kHeight - kMargin - kFooter + 8);
    pango_cairo_show_layout(cr_, l.get());
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }

  cairo_t* cr_;
  std::string footer_;
  double y_ = kMargin;
  int page_ = 1;
};

}  // namespace

std::string RenderPdf(const PdfDocument& doc) {
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out, kWidth, kHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "lenacare");
  cairo_t* cr = cairo_create(surface);
  {
    Writer w(cr, doc.footer);
    w.Text(doc.title, "DejaVu Sans Bold 16", 8);
    for (const std::string& line : doc.intro) w.Text(line, "DejaVu Sans 10", 2);
    for (const PdfBlock& b : doc.blocks) {
      switch (b.kind) {
        case PdfBlock::Kind::kHeading:
          w.Text(" ", "DejaVu Sans 6", 0);
          w.Text(b.text, "DejaVu Sans Bold 12", 4);
          break;
        case PdfBlock::Kind::kText:
          w.Text(b.text, "DejaVu Sans 10", 3);
          break;
        case PdfBlock::Kind::kChart:
          w.Chart(b.chart);
          break;
      }
    }
    w.Finish();
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace lenacare::webapp
