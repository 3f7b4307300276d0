#include "course/json_input.h"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "core/text.h"

namespace lenacare::json_input {

using nlohmann::json;

std::string Join(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : where + "." + std::string(key);
}

Status CheckKeys(const json& obj, const std::string& where, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Error::BadInput(Join(where, key), "unknown field");
    }
  }
  return Status::Ok();
}

Result<std::string> Text(const json& obj, const std::string& where, std::string_view key, bool required) {
  const std::string field = Join(where, key);
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) return Error::BadInput(field, "missing");
    return std::string();
  }
  if (!it->is_string()) return Error::BadInput(field, "must be text");
  const std::string& text = it->get_ref<const std::string&>();
  if (text.empty()) return Error::BadInput(field, "is empty");
  return text;
}

namespace {

std::string Position(std::string_view text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace

std::string StringOr(const json& obj, std::string_view key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<json> ParseObject(std::string_view text, const std::string& what) {
  // While parsing: a key given twice in one object (which value would count?) and nesting deeper
  // than kMaxDepth (kept out of the tree, so that nothing later recurses that deep) are refused.
  std::vector<std::unordered_set<std::string>> keys;  // the keys of each open object
  std::string duplicate;
  bool too_deep = false;
  bool too_long = false;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxDepth) {
          too_deep = true;
          return false;
        }
        if (event == json::parse_event_t::object_start) keys.emplace_back();
        return true;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        return true;
      case json::parse_event_t::key:
        if (parsed.is_string() && parsed.get_ref<const std::string&>().size() > kMaxText) too_long = true;
        if (!keys.empty() && parsed.is_string() && !keys.back().insert(parsed.get_ref<const std::string&>()).second &&
            duplicate.empty()) {
          duplicate = parsed.get_ref<const std::string&>();
        }
        return true;
      case json::parse_event_t::value:
        if (parsed.is_string() && parsed.get_ref<const std::string&>().size() > kMaxText) {
          too_long = true;
          parsed = nullptr;  // not kept: the whole text is refused
        }
        return true;
      default:
        return true;
    }
  };
  json root;
  try {
    root = json::parse(text.begin(), text.end(), callback);
  } catch (const json::parse_error& e) {
    const std::string message = e.what();
    const size_t colon = message.rfind(": ");
    return Error::BadInput(what, "malformed JSON at " + Position(text, e.byte) +
                                     (colon == std::string::npos ? "" : " (" + message.substr(colon + 2) + ")"));
  } catch (const json::exception&) {
    // A number too large for a double (1e309): nlohmann reports it as out of range.
    return Error::BadInput(what, "a number is out of range");
  }
  if (too_deep) return Error::BadInput(what, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
  if (too_long) return Error::BadInput(what, "a text is longer than " + std::to_string(kMaxText) + " bytes");
  if (!duplicate.empty()) {
    return Error::BadInput(what, "the key " + Quoted(duplicate) + " is given twice in one object");
  }
  if (!root.is_object()) return Error::BadInput(what, "must be a JSON object");
  return root;
}

Result<json> ParseWrittenObject(std::string_view text, const std::string& what) {
  int depth = 0;
  bool in_text = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_text) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the text
      } else if (c == '"') {
        in_text = false;
      }
    } else if (c == '"') {
      in_text = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return ParseObject(text, what);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  json root = json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) return ParseObject(text, what);
  return root;
}

}  // namespace lenacare::json_input
