#include "knowledge/entry_reader.h"

#include <algorithm>

#include "core/text.h"
#include "knowledge/loader.h"

namespace lenacare {

EntryReader::EntryReader(const toml::table& table, std::string file, std::string what, const Vocabulary& vocab,
                         std::initializer_list<std::string_view> allowed)
    : table_(table), file_(std::move(file)), what_(std::move(what)), units_(vocab.units), sources_(vocab.sources) {
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

std::vector<CiteRef> EntryReader::CiteRefs() {
  std::vector<CiteRef> refs;
  const toml::node* node = table_.get("cite");
  if (node == nullptr) {
    Fail("no cite: every entry cites the sources register, e.g. cite = [\"USPI §2.1\"]");
    return refs;
  }
  std::vector<std::string> texts;
  if (node->is_string()) {
    texts.push_back(*node->value<std::string>());
  } else if (const toml::array* arr = node->as_array()) {
    for (const auto& item : *arr) {
      if (!item.is_string()) {
        Fail("field 'cite' must be text or a list of texts");
        return refs;
      }
      texts.push_back(*item.value<std::string>());
    }
  } else {
    Fail("field 'cite' must be text or a list of texts");
    return refs;
  }
  if (texts.empty()) Fail("field 'cite' is empty");
  for (const std::string& t : texts) {
    auto ref = sources_.Parse(t);
    if (!ref.ok()) {
      Fail(ref.error().message);
      return refs;
    }
    refs.push_back(std::move(ref).value());
  }
  return refs;
}

Citation EntryReader::Cite() {
  if (id_.empty()) Fail("missing field 'id'");
  Citation c = CiteOr({});
  c.note = OptStr("note").value_or("");
  return c;
}

Citation EntryReader::CiteOr(const Citation& inherit) {
  const bool own = table_.get("cite") || table_.get("confidence") || table_.get("verified");
  if (!own && !inherit.refs.empty()) return inherit;
  Citation c = inherit;
  c.file = file_;
  if (!id_.empty()) c.id = id_;
  c.refs = CiteRefs();
  c.source.clear();
  for (const CiteRef& r : c.refs) c.source += (c.source.empty() ? "" : "; ") + r.text;
  c.confidence = OptStr("confidence").value_or("");
  c.verified = Bool("verified");
  if (const toml::table* local = table_["signed_off"].as_table()) {
    // Set by a sign-off of the site pack (site_pack.h), which also set confidence = "local".
    c.local = (*local)["words"].value_or(std::string());
    c.source += (c.source.empty() ? "" : "; ") + c.local;
  } else if (c.confidence == "local") {
    Fail("confidence 'local' is given only by a sign-off of the clinic's site pack");
  }
  if (c.confidence.empty()) return c;
  const Confidence* conf = FindConfidence(c.confidence);
  if (conf == nullptr) {
    std::string known;
    for (const Confidence& k : Confidences()) known += (known.empty() ? "" : ", ") + std::string(k.key);
    Fail("unknown confidence '" + c.confidence + "' (known: " + known + ")");
  } else if (c.verified != conf->verified) {
    Fail("confidence '" + c.confidence + "' " + (conf->verified ? "is" : "is not") +
         " a verified confidence, but verified = " + (c.verified ? "true" : "false"));
  }
  return c;
}

}  // namespace lenacare
