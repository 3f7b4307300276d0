// A printable document as a PDF with real (searchable, selectable) text: Debian's cairo for the
// pages and pango for the text (line breaking, any script the fonts cover), chosen over podofo
// because pango lays out paragraphs and cairo draws the charts with the same calls. A4 pages; a
// footer on each with the disclaimer, the date the document was made and the page number.
#pragma once

#include <string>
#include <vector>

#include "webapp/charts.h"

namespace lenacare::webapp {

struct PdfBlock {
  enum class Kind { kHeading, kText, kChart };
  Kind kind = Kind::kText;
  std::string text;  // heading or paragraph (plain text)
  ChartSpec chart;   // kChart
};

struct PdfDocument {
  std::string title;
  std::vector<std::string> intro;  // lines under the title
  std::vector<PdfBlock> blocks;
  std::string footer;  // the disclaimer and the date made
};

// The PDF's bytes.
std::string RenderPdf(const PdfDocument& doc);

}  // namespace lenacare::webapp
