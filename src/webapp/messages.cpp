#include "webapp/messages.h"

#include <toml++/toml.h>

#include <algorithm>

#include "core/text.h"
#include "webapp/site.h"

namespace lenacare::webapp {

Result<Messages> Messages::Load(const std::string& file) {
  toml::table doc;
  try {
    doc = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    return Error::Failed(file + ":" + std::to_string(e.source().begin.line), std::string(e.description()));
  }
  Messages m;
  for (const auto& [section, node] : doc) {
    const toml::table* t = node.as_table();
    if (t == nullptr) return Error::Failed(file, Quoted(section.str()) + " must be a [section] of messages");
    for (const auto& [name, value] : *t) {
      const std::string key = std::string(section.str()) + "." + std::string(name.str());
      auto text = value.value<std::string>();
      if (!value.is_string() || !text) return Error::Failed(file, Quoted(key) + " must be text");
      int depth = 0;
      for (char c : *text) {
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        if (depth < 0 || depth > 1) break;
      }
      if (depth != 0) return Error::Failed(file, Quoted(key) + ": unbalanced braces");
      m.text_.emplace(key, std::move(*text));
    }
  }
  if (m.text_.empty()) return Error::Failed(file, "no messages");
  return m;
}

std::string Messages::operator()(std::string_view key, Args args) const { return Fill(key, args, false); }

std::string Messages::Html(std::string_view key, Args args) const { return Fill(key, args, true); }

std::string Messages::Fill(std::string_view key, Args args, bool html) const {
  auto it = text_.find(key);
  if (it == text_.end()) return "[" + std::string(key) + "]";
  auto own = [html](std::string_view s) { return html ? Escape(s) : std::string(s); };
  std::string out;
  const std::string& t = it->second;
  size_t from = 0;
  while (from < t.size()) {
    const size_t open = t.find('{', from);
    if (open == std::string::npos) break;
    const size_t close = t.find('}', open);
    out += own(std::string_view(t).substr(from, open - from));
    const std::string_view name(t.data() + open + 1, close - open - 1);
    bool filled = false;
    for (const auto& [n, v] : args) {
      if (n == name) {
        out += v;
        filled = true;
        break;
      }
    }
    if (!filled) out += own(std::string_view(t).substr(open, close - open + 1));
    from = close + 1;
  }
  out += own(std::string_view(t).substr(std::min(from, t.size())));
  return out;
}

}  // namespace lenacare::webapp
