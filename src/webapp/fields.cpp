#include "webapp/fields.h"

#include <algorithm>
#include <charconv>
#include <functional>

namespace lenacare::webapp {
namespace {

using nlohmann::json;

enum class Kind { kText, kInt, kReal, kBool, kList, kObject };

struct Slot {
  Kind kind;
  std::function<void(cli::Options&, const json&)> set;
};

template <typename M>
Slot Text(M cli::Options::*m) {
  return {Kind::kText, [m](cli::Options& o, const json& v) { o.*m = v.get<std::string>(); }};
}

const std::map<std::string, Slot>& Slots() {
  using O = cli::Options;
  static const std::map<std::string, Slot> slots = {
      {"age", {Kind::kInt, [](O& o, const json& v) { o.age = v.get<int>(); }}},
      {"sex", Text(&O::sex)},
      {"weight", Text(&O::weight)},
      {"creatinine", Text(&O::creatinine)},
      {"indication", Text(&O::indication)},
      {"crcl", Text(&O::crcl)},
      {"dialysis", {Kind::kBool, [](O& o, const json& v) { o.dialysis = v.get<bool>(); }}},
      {"start", Text(&O::start)},
      {"cycles", {Kind::kInt, [](O& o, const json& v) { o.cycles = v.get<int>(); }}},
      {"dose", {Kind::kReal, [](O& o, const json& v) { o.dose_mg = v.get<double>(); }}},
      {"frequency", Text(&O::frequency)},
      {"days", Text(&O::days)},
      {"setting", Text(&O::setting)},
      {"birth_date", Text(&O::birth_date)},
      {"pregnancy_tests", Text(&O::pregnancy_tests)},
      {"as_of", Text(&O::as_of)},
      {"scheduled", Text(&O::scheduled)},
      {"now", Text(&O::now)},
      {"bmi", Text(&O::bmi)},
      {"dexamethasone", Text(&O::dexamethasone)},
      {"prophylaxis", Text(&O::prophylaxis)},
      {"present", {Kind::kList, [](O& o, const json& v) { o.present = v.get<std::vector<std::string>>(); }}},
      {"unknown", {Kind::kList, [](O& o, const json& v) { o.unknown = v.get<std::vector<std::string>>(); }}},
      {"drugs", {Kind::kList, [](O& o, const json& v) { o.drugs = v.get<std::vector<std::string>>(); }}},
      {"lln", Text(&O::lln)},
      {"uln", Text(&O::uln)},
      {"baseline", Text(&O::baseline)},
      {"temperature", Text(&O::temperature)},
      {"sustained", {Kind::kBool, [](O& o, const json& v) { o.sustained = v.get<bool>(); }}},
      {"ctcae", Text(&O::ctcae)},
      {"patient", Text(&O::patient)},
      {"name", Text(&O::name)},
      {"facts", {Kind::kObject, [](O& o, const json& v) { o.facts = v.dump(); }}},
      {"date", Text(&O::date)},
      {"test", Text(&O::test)},
      {"value", Text(&O::value)},
      {"reason", Text(&O::reason)},
      {"term", Text(&O::term)},
      {"result", Text(&O::result)},
      {"sensitivity", Text(&O::sensitivity)},
      {"grade", {Kind::kInt, [](O& o, const json& v) { o.grade_number = v.get<int>(); }}},
      {"days_supply", {Kind::kInt, [](O& o, const json& v) { o.days_supply = v.get<int>(); }}},
      {"quantity", {Kind::kInt, [](O& o, const json& v) { o.quantity = v.get<int>(); }}},
      {"look_ahead_days", {Kind::kInt, [](O& o, const json& v) { o.look_ahead_days = v.get<int>(); }}},
      {"limit", {Kind::kInt, [](O& o, const json& v) { o.limit = v.get<int>(); }}},
      {"event", {Kind::kObject, [](O& o, const json& v) { o.event_json = v.dump(); }}},
  };
  return slots;
}

bool Accepted(const FieldSet& f, const std::string& name) {
  return std::find(f.accepted.begin(), f.accepted.end(), name) != f.accepted.end();
}

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
        return Error::BadInput(name, "'" + text + "' is not a whole number");
      }
      return json(n);
    }
    case Kind::kReal: {
      double d = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Error::BadInput(name, "'" + text + "' is not a number");
      }
      return json(d);
    }
    case Kind::kBool:
      if (text == "on" || text == "true" || text == "1") return json(true);
      if (text == "off" || text == "false" || text == "0") return json(false);
      return Error::BadInput(name, "'" + text + "' is not true or false");
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
    case Kind::kObject: {
      json j = json::parse(text, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return Error::BadInput(name, "must be a JSON object");
      return j;
    }
  }
  return Error::BadInput(name, "cannot be read");
}

Status Apply(const std::string& name, const json& value, cli::Options& o) {
  const Slot& slot = Slots().at(name);
  auto typed = Typed(name, slot.kind, value);
  if (!typed.ok()) return typed.error();
  slot.set(o, *typed);
  return Status::Ok();
}

Status CheckRequired(const FieldSet& fields, const std::vector<std::string>& given) {
  for (const std::string& r : fields.required) {
    if (std::find(given.begin(), given.end(), r) == given.end()) return Error::BadInput(r, "missing");
  }
  return Status::Ok();
}

}  // namespace

Status OptionsFromJson(const json& body, const FieldSet& fields, cli::Options& o) {
  if (!body.is_object()) return Error::BadInput("body", "must be a JSON object");
  std::vector<std::string> given;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!Accepted(fields, it.key()) || Slots().count(it.key()) == 0) {
      return Error::BadInput(it.key(), "not an input of this request");
    }
    if (it.value().is_null()) continue;
    Status s = Apply(it.key(), it.value(), o);
    if (!s.ok()) return s;
    given.push_back(it.key());
  }
  return CheckRequired(fields, given);
}

Status OptionsFromForm(const std::multimap<std::string, std::string>& form, const FieldSet& fields, cli::Options& o,
                       const std::vector<std::string>& ignore) {
  std::vector<std::string> given;
  std::map<std::string, std::string> lists;
  for (const auto& [name, text] : form) {
    if (std::find(ignore.begin(), ignore.end(), name) != ignore.end()) continue;
    if (!Accepted(fields, name) || Slots().count(name) == 0) return Error::BadInput(name, "not an input of this form");
    if (text.empty()) continue;
    const Kind kind = Slots().at(name).kind;
    if (kind == Kind::kList) {  // several checkboxes of one name, or one comma-separated field
      lists[name] += (lists[name].empty() ? "" : ",") + text;
      continue;
    }
    auto value = FromText(name, kind, text);
    if (!value.ok()) return value.error();
    Status s = Apply(name, *value, o);
    if (!s.ok()) return s;
    given.push_back(name);
  }
  for (const auto& [name, text] : lists) {
    auto value = FromText(name, Kind::kList, text);
    if (!value.ok()) return value.error();
    Status s = Apply(name, *value, o);
    if (!s.ok()) return s;
    given.push_back(name);
  }
  return CheckRequired(fields, given);
}

}  // namespace lenacare::webapp
