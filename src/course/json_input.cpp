#include "course/json_input.h"

#include <algorithm>

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
  if (it->get<std::string>().empty()) return Error::BadInput(field, "is empty");
  return it->get<std::string>();
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

Result<json> ParseObject(std::string_view text, const std::string& what) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const std::string message = e.what();
    const size_t colon = message.rfind(": ");
    return Error::BadInput(what, "malformed JSON at " + Position(text, e.byte) +
                                     (colon == std::string::npos ? "" : " (" + message.substr(colon + 2) + ")"));
  }
  if (!root.is_object()) return Error::BadInput(what, "must be a JSON object");
  return root;
}

}  // namespace lenacare::json_input
