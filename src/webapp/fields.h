// The inputs of a request as named fields, the same names for API JSON bodies, web forms and
// query strings: each CLI option without its dashes, '-' written '_' ("--as-of" is "as_of").
// A table per request type binds each name to a member of the typed request of src/app; a
// request accepts only its own fields, and an unknown, mistyped, too long or missing field is
// bad input that names it.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace lenacare::webapp {

// kDocument: a JSON object of any size within the request's (a course file, a response series).
enum class FieldKind { kText, kInt, kReal, kBool, kList, kObject, kDocument };

using Form = std::multimap<std::string, std::string>;

// A JSON value in the field's type (numbers may be given for text fields, a text for a list).
Result<nlohmann::json> TypedValue(const std::string& name, FieldKind kind, const nlohmann::json& v);
// A form's text in the field's type (lists comma-separated; a checkbox is "on").
Result<nlohmann::json> FormValue(const std::string& name, FieldKind kind, const std::string& text);

template <typename R>
class Fields {
 public:
  Fields& Text(std::string name, std::string R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kText, required, [m](R& r, const nlohmann::json& v) { r.*m = v; });
  }
  Fields& Int(std::string name, std::optional<int> R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kInt, required, [m](R& r, const nlohmann::json& v) { r.*m = v.get<int>(); });
  }
  Fields& Int(std::string name, int R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kInt, required, [m](R& r, const nlohmann::json& v) { r.*m = v.get<int>(); });
  }
  Fields& Real(std::string name, std::optional<double> R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kReal, required,
               [m](R& r, const nlohmann::json& v) { r.*m = v.get<double>(); });
  }
  Fields& Bool(std::string name, bool R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kBool, required,
               [m](R& r, const nlohmann::json& v) { r.*m = v.get<bool>(); });
  }
  Fields& List(std::string name, std::vector<std::string> R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kList, required,
               [m](R& r, const nlohmann::json& v) { r.*m = v.get<std::vector<std::string>>(); });
  }
  // A JSON object, kept as its text (a course file's "patient" facts, an event).
  Fields& Object(std::string name, std::string R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kObject, required, [m](R& r, const nlohmann::json& v) { r.*m = v.dump(); });
  }

  Fields& Document(std::string name, std::string R::*m, bool required = false) {
    return Add(std::move(name), FieldKind::kDocument, required,
               [m](R& r, const nlohmann::json& v) { r.*m = v.dump(); });
  }

  // From a JSON object (a null member counts as not given).
  Status FromJson(const nlohmann::json& body, R& out) const {
    if (!body.is_object()) return Error::BadInput("body", "must be a JSON object");
    std::vector<std::string> given;
    for (auto it = body.begin(); it != body.end(); ++it) {
      const Slot* slot = Find(it.key());
      if (slot == nullptr) return Error::BadInput(it.key(), "not an input of this request");
      if (it.value().is_null()) continue;
      auto typed = TypedValue(it.key(), slot->kind, it.value());
      if (!typed.ok()) return typed.error();
      slot->set(out, *typed);
      given.push_back(it.key());
    }
    return Required(given);
  }

  // From form or query fields; empty fields count as not given, `ignore` names fields that are
  // not the request's (the CSRF token).
  Status FromForm(const Form& form, R& out, const std::vector<std::string>& ignore = {"csrf"}) const {
    std::vector<std::string> given;
    std::map<std::string, std::string> lists;
    for (const auto& [name, text] : form) {
      if (std::find(ignore.begin(), ignore.end(), name) != ignore.end()) continue;
      const Slot* slot = Find(name);
      if (slot == nullptr) return Error::BadInput(name, "not an input of this form");
      if (text.empty()) continue;
      if (slot->kind == FieldKind::kList) {  // several checkboxes of one name, or one comma-separated field
        lists[name] += (lists[name].empty() ? "" : ",") + text;
        continue;
      }
      auto value = FormValue(name, slot->kind, text);
      if (!value.ok()) return value.error();
      auto typed = TypedValue(name, slot->kind, *value);
      if (!typed.ok()) return typed.error();
      slot->set(out, *typed);
      given.push_back(name);
    }
    for (const auto& [name, text] : lists) {
      auto value = FormValue(name, FieldKind::kList, text);
      if (!value.ok()) return value.error();
      auto typed = TypedValue(name, FieldKind::kList, *value);
      if (!typed.ok()) return typed.error();
      Find(name)->set(out, *typed);
      given.push_back(name);
    }
    return Required(given);
  }

  bool Has(const std::string& name) const { return Find(name) != nullptr; }

 private:
  struct Slot {
    std::string name;
    FieldKind kind;
    bool required;
    std::function<void(R&, const nlohmann::json&)> set;
  };

  Fields& Add(std::string name, FieldKind kind, bool required, std::function<void(R&, const nlohmann::json&)> set) {
    slots_.push_back({std::move(name), kind, required, std::move(set)});
    return *this;
  }
  const Slot* Find(const std::string& name) const {
    for (const Slot& s : slots_) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
  Status Required(const std::vector<std::string>& given) const {
    for (const Slot& s : slots_) {
      if (s.required && std::find(given.begin(), given.end(), s.name) == given.end()) {
        return Error::BadInput(s.name, "missing");
      }
    }
    return Status::Ok();
  }

  std::vector<Slot> slots_;
};

}  // namespace lenacare::webapp
