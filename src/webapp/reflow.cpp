#include "webapp/reflow.h"

#include <vector>

namespace lenacare::webapp {
namespace {

// The text of an HTML fragment without its tags, spaces folded; quotes escaped for an attribute.
std::string AttributeText(std::string_view html) {
  std::string out;
  bool in_tag = false, space = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) {
      if (c == ' ' || c == '\n' || c == '\t') {
        space = !out.empty();
      } else {
        if (space) out += ' ';
        space = false;
        out += c == '"' ? std::string("&quot;") : std::string(1, c);
      }
    }
    if (c == '>') in_tag = false;
  }
  return out;
}

// Whether `html` at `at` opens element `name` ("<td>" or "<td ...>").
bool Opens(std::string_view html, size_t at, std::string_view name) {
  if (html.compare(at, name.size() + 1, std::string("<").append(name)) != 0) return false;
  const size_t after = at + name.size() + 1;
  return after < html.size() && (html[after] == '>' || html[after] == ' ');
}

// The header texts of the first row of the table's <thead>.
std::vector<std::string> Headers(std::string_view table) {
  std::vector<std::string> out;
  const size_t head = table.find("<thead");
  if (head == std::string_view::npos) return out;
  const size_t end = table.find("</tr>", head);
  if (end == std::string_view::npos) return out;
  for (size_t at = table.find("<th", head); at != std::string_view::npos && at < end; at = table.find("<th", at + 3)) {
    if (!Opens(table, at, "th")) continue;
    const size_t open_end = table.find('>', at);
    const size_t close = table.find("</th>", open_end);
    if (open_end == std::string_view::npos || close == std::string_view::npos) break;
    out.push_back(AttributeText(table.substr(open_end + 1, close - open_end - 1)));
  }
  return out;
}

std::string Reflow(std::string_view table) {
  const std::vector<std::string> headers = Headers(table);
  if (headers.empty()) return std::string(table);
  std::string out;
  out.reserve(table.size() + table.size() / 4);
  // The table tag with the class.
  const size_t tag_end = table.find('>');
  std::string_view tag = table.substr(0, tag_end);
  const size_t cls = tag.find("class=\"");
  if (cls != std::string_view::npos) {
    out.append(tag.substr(0, cls + 7)).append("reflow ").append(tag.substr(cls + 7));
  } else {
    out.append(tag).append(" class=\"reflow\"");
  }
  const size_t body = table.find("<tbody");
  size_t at = tag_end;
  if (body == std::string_view::npos) {
    out.append(table.substr(at));
    return out;
  }
  out.append(table.substr(at, body - at));
  at = body;
  size_t column = 0;
  while (at < table.size()) {
    const size_t next = table.find('<', at + 1);
    const size_t stop = next == std::string_view::npos ? table.size() : next;
    if (Opens(table, at, "tr")) column = 0;
    if (Opens(table, at, "td") || Opens(table, at, "th")) {
      out.append(table.substr(at, 3));
      if (column < headers.size() && !headers[column].empty()) {
        out.append(" data-label=\"").append(headers[column]).append("\"");
      }
      ++column;
      out.append(table.substr(at + 3, stop - at - 3));
    } else {
      out.append(table.substr(at, stop - at));
    }
    at = stop;
  }
  return out;
}

}  // namespace

std::string ReflowTables(std::string_view html) {
  std::string out;
  out.reserve(html.size() + html.size() / 8);
  size_t at = 0;
  while (true) {
    size_t open = html.find("<table", at);
    while (open != std::string_view::npos && !Opens(html, open, "table")) open = html.find("<table", open + 6);
    if (open == std::string_view::npos) break;
    const size_t close = html.find("</table>", open);
    if (close == std::string_view::npos) break;
    out.append(html.substr(at, open - at));
    out.append(Reflow(html.substr(open, close - open)));
    at = close;
  }
  out.append(html.substr(at));
  return out;
}

}  // namespace lenacare::webapp
