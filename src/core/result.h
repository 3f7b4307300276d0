// Result<T>: a value or an Error, never both. Errors are values in lenacare; no exception crosses a
// module boundary. An Error names the input field it is about so that every adapter (CLI, web,
// API) can tell the user exactly what to fix.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lenacare {

// kBadInput: the caller gave something malformed or implausible (CLI exit code 2).
// kCannotAssess: the input is well formed but the sources do not cover it, or a fact the rule
// needs is missing (CLI exit code 1).
// kFailed: the input was fine but the operation failed (a database or file that cannot be used;
// CLI exit code 3).
// kForbidden: the caller's role may not do this act (HTTP 403; CLI exit code 2).
// kRefused: a write the rules forbid, whoever asks (HTTP 409; CLI exit code 2); `problems` says why.
// kNeedsConfirmation: a write the engine flags; stored only when confirmed with a reason (HTTP
// 409; CLI exit code 2); `problems` says what the user confirms.
enum class ErrorKind { kBadInput, kCannotAssess, kFailed, kForbidden, kRefused, kNeedsConfirmation };

// One reason a write is refused or needs confirmation: a stable code, a sentence, its source.
struct Problem {
  std::string code;     // e.g. "future-date", "not-dispensable", "check-dose"
  std::string message;  // one sentence a clinician would accept
  std::string source;   // the public source of the rule; "" for a rule of the records
};

struct Error {
  ErrorKind kind = ErrorKind::kBadInput;
  std::string field;              // e.g. "events[2].value"; may be empty
  std::string message;            // one line, no trailing period
  std::vector<Problem> problems;  // kRefused, kNeedsConfirmation: every problem found

  static Error BadInput(std::string field, std::string message) {
    return Error{ErrorKind::kBadInput, std::move(field), std::move(message), {}};
  }
  static Error CannotAssess(std::string field, std::string message) {
    return Error{ErrorKind::kCannotAssess, std::move(field), std::move(message), {}};
  }
  static Error Failed(std::string field, std::string message) {
    return Error{ErrorKind::kFailed, std::move(field), std::move(message), {}};
  }
  static Error Forbidden(std::string field, std::string message) {
    return Error{ErrorKind::kForbidden, std::move(field), std::move(message), {}};
  }
  // A refusal or a request for confirmation listing `problems` (at least one).
  static Error Problems(ErrorKind kind, std::string field, std::vector<Problem> problems) {
    std::string message = kind == ErrorKind::kRefused ? "not recorded: " : "confirm with a reason: ";
    for (size_t i = 0; i < problems.size(); ++i) message += (i == 0 ? "" : "; ") + problems[i].message;
    return Error{kind, std::move(field), std::move(message), std::move(problems)};
  }
  // "field: message", or the message alone when no field is named.
  std::string Describe() const { return field.empty() ? message : field + ": " + message; }
  // The same error, re-rooted under a parent field ("patient" + "weight" -> "patient.weight").
  Error Under(const std::string& parent) const {
    Error e = *this;
    e.field = field.empty() ? parent : (field.front() == '[' ? parent + field : parent + "." + field);
    return e;
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const Error& error() const { return std::get<Error>(v_); }
  const T* operator->() const { return &value(); }
  const T& operator*() const { return value(); }

 private:
  std::variant<T, Error> v_;
};

// Status: Result without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace lenacare
