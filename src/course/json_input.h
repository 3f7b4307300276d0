// Strict reading of JSON input (course files, response series): one place for the field paths
// in messages ("events[2].value"), unknown-field checks and syntax errors with line and column.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lenacare::json_input {

// "patient" + "weight" -> "patient.weight"; "" + "indication" -> "indication".
std::string Join(const std::string& where, std::string_view key);

// Bad input naming the first field of `obj` that `allowed` does not list.
Status CheckKeys(const nlohmann::json& obj, const std::string& where, std::initializer_list<std::string_view> allowed);

// The string member `key` of `obj`; "" when `obj` is not an object, or the member is absent or not
// a string. For reading other systems' JSON (FHIR, CDS Hooks) where such a member is optional.
std::string StringOr(const nlohmann::json& obj, std::string_view key);

// A non-empty text field; "" when it is absent and not required.
Result<std::string> Text(const nlohmann::json& obj, const std::string& where, std::string_view key, bool required);

// The deepest nesting of objects and arrays a course file or series may have (documented limit;
// a course file needs 4).
inline constexpr int kMaxDepth = 32;
// The longest text (a key or a string value) it may hold, in bytes (documented limit; the longest
// a course file needs is a note).
inline constexpr size_t kMaxText = 4096;

// Parses `text` as a JSON object; a syntax error is bad input on `what` naming the line and column.
// Also bad input: a key given twice in one object, nesting deeper than kMaxDepth, a text longer
// than kMaxText, a number out of the range of a double, invalid UTF-8.
Result<nlohmann::json> ParseObject(std::string_view text, const std::string& what);

// ParseObject for a text this program wrote (a JSON dump of an object ParseObject accepted, as
// the store keeps event bodies): without its per-key checks, which the text passed when it was
// written and a dump cannot break (a dump has no key twice). Still refused: nesting deeper than
// kMaxDepth, so that an altered row cannot exhaust the stack. Any problem is reported as
// ParseObject reports it.
Result<nlohmann::json> ParseWrittenObject(std::string_view text, const std::string& what);

}  // namespace lenacare::json_input
