#include "webapp/fields.h"

#include <algorithm>
#include <charconv>
#include <functional>

#include "core/text.h"
#include "course/json_input.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;
using Kind = FieldKind;

const char* KindText(Kind k) {
  switch (k) {
    case Kind::kInt:
      return "a whole number";
    case Kind::kReal:
      return "a number";
    case Kind::kBool:
      return "true or false";
    case Kind::kList:
      return "a list of texts";
    case Kind::kObject:
    case Kind::kDocument:
      return "a JSON object";
    case Kind::kText:
      break;
  }
  return "a text";
}

// Input-size limits (policy, README "Limits"): no field of a command is longer.
constexpr size_t kMaxText = 1000;
constexpr size_t kMaxListItems = 50;

// The value in the slot's type, or an error naming the field.
Result<json> Typed(const std::string& name, Kind kind, const json& v) {
  const Error wrong = Error::BadInput(name, std::string("must be ") + KindText(kind));
  const Error too_long = Error::BadInput(name, "too long: at most " + std::to_string(kMaxText) + " characters");
  switch (kind) {
    case Kind::kText:
      if (v.is_string()) return v.get_ref<const std::string&>().size() > kMaxText ? Result<json>(too_long) : v;
      if (v.is_number()) return json(v.dump());
      return wrong;
    case Kind::kInt:
      if (v.is_number_integer()) {
        const auto n = v.get<int64_t>();
        if (n < -1000000000 || n > 1000000000) return Error::BadInput(name, "out of range");
        return v;
      }
      return wrong;
    case Kind::kReal:
      if (v.is_number()) return v;
      return wrong;
    case Kind::kBool:
      if (v.is_boolean()) return v;
      return wrong;
    case Kind::kList:
      if (v.is_string() && v.get_ref<const std::string&>().size() > kMaxText) return too_long;
      if (v.is_string()) return json::array({v});
      if (v.is_array() && v.size() > kMaxListItems) {
        return Error::BadInput(name, "too many: at most " + std::to_string(kMaxListItems) + " items");
      }
      if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) {
            return x.is_string() && x.get_ref<const std::string&>().size() <= kMaxText;
          })) {
        return v;
      }
      return wrong;
    case Kind::kObject:
      if (v.is_object()) return v.dump().size() > 16 * kMaxText ? Result<json>(too_long) : v;
      return wrong;
    case Kind::kDocument:
      if (v.is_object()) return v;
      return wrong;
  }
  return wrong;
}

// A form's text in the slot's type.
Result<json> FromText(const std::string& name, Kind kind, const std::string& text) {
  switch (kind) {
    case Kind::kText:
      return json(text);
    case Kind::kInt: {
      int n = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Error::BadInput(name, Quoted(text) + " is not a whole number");
      }
      return json(n);
    }
    case Kind::kReal: {
      double d = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Error::BadInput(name, Quoted(text) + " is not a number");
      }
      return json(d);
    }
    case Kind::kBool:
      if (text == "on" || text == "true" || text == "1") return json(true);
      if (text == "off" || text == "false" || text == "0") return json(false);
      return Error::BadInput(name, Quoted(text) + " is not true or false");
    case Kind::kList: {
      json list = json::array();
      size_t at = 0;
      while (at <= text.size()) {
        size_t comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(at, comma - at);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) list.push_back(item);
        at = comma + 1;
      }
      return list;
    }
    case Kind::kObject:
    case Kind::kDocument: {
      return json_input::ParseObject(text, name);
    }
  }
  return Error::BadInput(name, "cannot be read");
}

}  // namespace

Result<json> TypedValue(const std::string& name, FieldKind kind, const json& v) { return Typed(name, kind, v); }

Result<json> FormValue(const std::string& name, FieldKind kind, const std::string& text) {
  return FromText(name, kind, text);
}

}  // namespace lenacare::webapp
