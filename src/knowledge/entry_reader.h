// EntryReader: typed, validated access to one TOML table of a knowledge file. It remembers the
// first problem (unknown field, missing field, wrong type, bad quantity) with the file and entry
// it belongs to, so loader code reads as a list of fields rather than a list of checks.
#pragma once

#include <toml++/toml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "core/quantity.h"
#include "core/result.h"
#include "knowledge/knowledge.h"
#include "knowledge/schedule.h"
#include "knowledge/sources.h"

namespace lenacare {

class EntryReader {
 public:
  // `what` names the entry in messages: "ladder 'mm'". `allowed` lists every key it may have.
  EntryReader(const toml::table& table, std::string file, std::string what, const Vocabulary& vocab,
              std::initializer_list<std::string_view> allowed);

  std::string Str(std::string_view key);  // required
  std::optional<std::string> OptStr(std::string_view key);
  bool Bool(std::string_view key, std::optional<bool> fallback = std::nullopt);
  int Int(std::string_view key, std::optional<int> fallback = std::nullopt);
  std::optional<int> OptInt(std::string_view key);
  double Num(std::string_view key);                        // a plain number (formula constant)
  std::vector<std::string> StrList(std::string_view key);  // required, non-empty
  // A quantity written "30 10*9/L", converted to the canonical unit of `kind`. A bare number is
  // rejected: every threshold carries its unit.
  double Qty(std::string_view key, QuantityKind kind);
  std::optional<double> OptQty(std::string_view key, QuantityKind kind);
  DaySet Days(std::string_view key);
  std::optional<DaySet> OptDays(std::string_view key);
  CycleRange Cycles(std::string_view key);
  const toml::array* Array(std::string_view key, bool required = true);
  // cite, confidence, verified (+ optional note) of an entry with an id, checked against the
  // register and each other.
  Citation Cite();
  // The same fields of a table without an id (a ladder level); `inherit` is used where it has none.
  Citation CiteOr(const Citation& inherit);
  // cite = "ID section" or a list of them, each checked against the register.
  std::vector<CiteRef> CiteRefs();
  // Records a problem found by the caller.
  void Fail(const std::string& problem);

  const std::string& id() const { return id_; }
  const std::string& file() const { return file_; }
  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  const toml::node* Get(std::string_view key, bool required);
  std::optional<double> QtyFrom(const toml::node* node, std::string_view key, QuantityKind kind);

  const toml::table& table_;
  std::string file_, what_, id_;
  const UnitTable& units_;
  const SourceRegister& sources_;
  std::optional<Error> error_;
};

}  // namespace lenacare
