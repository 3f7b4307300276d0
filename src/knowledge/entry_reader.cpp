#include "knowledge/entry_reader.h"

#include <algorithm>

#include "core/text.h"
#include "knowledge/loader.h"

namespace lenacare {

EntryReader::EntryReader(const toml::table& table, std::string file, std::string what, const UnitTable& units,
                         std::initializer_list<std::string_view> allowed)
    : table_(table), file_(std::move(file)), what_(std::move(what)), units_(units) {
  if (auto id = table_["id"].value<std::string>()) {
    id_ = *id;
    what_ += " '" + id_ + "'";
  }
  for (const auto& [key, node] : table_) {
    const std::string_view k = key.str();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      Fail("unknown field '" + std::string(k) + "'");
      return;
    }
  }
}

void EntryReader::Fail(const std::string& problem) {
  if (!error_) error_ = Error::BadInput(file_ + ": " + what_, problem);
}

const toml::node* EntryReader::Get(std::string_view key, bool required) {
  const toml::node* node = table_.get(key);
  if (node == nullptr && required) Fail("missing field '" + std::string(key) + "'");
  return node;
}

std::string EntryReader::Str(std::string_view key) {
  auto s = OptStr(key);
  if (!s) {
    if (table_.get(key) == nullptr) Fail("missing field '" + std::string(key) + "'");
    return {};
  }
  if (s->empty()) Fail("field '" + std::string(key) + "' is empty");
  return *s;
}

std::optional<std::string> EntryReader::OptStr(std::string_view key) {
  const toml::node* node = Get(key, false);
  if (node == nullptr) return std::nullopt;
  if (!node->is_string()) {
    Fail("field '" + std::string(key) + "' must be text");
    return std::nullopt;
  }
  return node->value<std::string>();
}

bool EntryReader::Bool(std::string_view key, std::optional<bool> fallback) {
  const toml::node* node = Get(key, !fallback.has_value());
  if (node == nullptr) return fallback.value_or(false);
  if (!node->is_boolean()) {
    Fail("field '" + std::string(key) + "' must be true or false");
    return false;
  }
  return *node->value<bool>();
}

std::optional<int> EntryReader::OptInt(std::string_view key) {
  const toml::node* node = Get(key, false);
  if (node == nullptr) return std::nullopt;
  if (!node->is_integer()) {
    Fail("field '" + std::string(key) + "' must be a whole number");
    return std::nullopt;
  }
  return static_cast<int>(*node->value<int64_t>());
}

int EntryReader::Int(std::string_view key, std::optional<int> fallback) {
  if (!fallback && table_.get(key) == nullptr) {
    Fail("missing field '" + std::string(key) + "'");
    return 0;
  }
  return OptInt(key).value_or(fallback.value_or(0));
}

double EntryReader::Num(std::string_view key) {
  const toml::node* node = Get(key, true);
  if (node == nullptr) return 0;
  if (!node->is_number()) {
    Fail("field '" + std::string(key) + "' must be a number");
    return 0;
  }
  return *node->value<double>();
}

std::vector<std::string> EntryReader::StrList(std::string_view key) {
  std::vector<std::string> out;
  const toml::array* arr = Array(key);
  if (arr == nullptr) return out;
  for (const auto& item : *arr) {
    auto s = item.value<std::string>();
    if (!s || s->empty()) {
      Fail("field '" + std::string(key) + "' must be a list of text");
      return out;
    }
    out.push_back(*s);
  }
  if (out.empty()) Fail("field '" + std::string(key) + "' is empty");
  return out;
}

const toml::array* EntryReader::Array(std::string_view key, bool required) {
  const toml::node* node = Get(key, required);
  if (node == nullptr) return nullptr;
  if (!node->is_array()) {
    Fail("field '" + std::string(key) + "' must be a list");
    return nullptr;
  }
  return node->as_array();
}

std::optional<double> EntryReader::QtyFrom(const toml::node* node, std::string_view key, QuantityKind kind) {
  if (node->is_number()) {
    Fail(Quoted(key) + " has no unit (write it as text with its unit, e.g. \"" + units_.Find(kind)->canonical + "\")");
    return std::nullopt;
  }
  if (!node->is_string()) {
    Fail(Quoted(key) + " must be a quantity with a unit");
    return std::nullopt;
  }
  auto v = units_.Parse(kind, *node->value<std::string>());
  if (!v.ok()) {
    Fail(Quoted(key) + ": " + v.error().message);
    return std::nullopt;
  }
  return *v;
}

double EntryReader::Qty(std::string_view key, QuantityKind kind) {
  const toml::node* node = Get(key, true);
  if (node == nullptr) return 0;
  return QtyFrom(node, key, kind).value_or(0);
}

std::optional<double> EntryReader::OptQty(std::string_view key, QuantityKind kind) {
  const toml::node* node = Get(key, false);
  if (node == nullptr) return std::nullopt;
  return QtyFrom(node, key, kind);
}

DaySet EntryReader::Days(std::string_view key) {
  auto d = OptDays(key);
  if (!d) {
    if (table_.get(key) == nullptr) Fail("missing field '" + std::string(key) + "'");
    return DaySet::Parse("1").value();
  }
  return *d;
}

std::optional<DaySet> EntryReader::OptDays(std::string_view key) {
  auto s = OptStr(key);
  if (!s) return std::nullopt;
  auto d = DaySet::Parse(*s);
  if (!d.ok()) {
    Fail(Quoted(key) + ": " + d.error().message);
    return std::nullopt;
  }
  return *d;
}

CycleRange EntryReader::Cycles(std::string_view key) {
  auto c = CycleRange::Parse(Str(key));
  if (!c.ok()) {
    Fail(Quoted(key) + ": " + c.error().message);
    return {};
  }
  return *c;
}

Citation EntryReader::Cite() {
  Citation c;
  c.file = file_;
  c.id = id_;
  if (id_.empty()) Fail("missing field 'id'");
  if (table_.get("source") == nullptr) {
    Fail("no source: every entry must cite where its fact comes from");
    return c;
  }
  c.source = Str("source");
  c.tag = Str("tag");
  c.verified = Bool("verified");
  c.note = OptStr("note").value_or("");
  if (!c.tag.empty() && !IsKnownTag(c.tag)) {
    Fail("unknown tag '" + c.tag + "'");
  } else if (!c.tag.empty() && c.verified != IsVerifiedTag(c.tag)) {
    Fail("tag '" + c.tag + "' " + (IsVerifiedTag(c.tag) ? "is" : "is not") +
         " a verified tag, but verified = " + (c.verified ? "true" : "false"));
  }
  return c;
}

}  // namespace lenacare
