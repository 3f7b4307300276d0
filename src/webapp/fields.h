// The inputs of a `lenacare` command as named fields, the same names for API JSON bodies, web
// forms and query strings: each CLI option without its dashes, '-' written '_' ("--as-of" is
// "as_of"). A command accepts only its own fields; an unknown, mistyped or missing field is bad
// input that names it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/result.h"

namespace lenacare::webapp {

struct FieldSet {
  std::vector<std::string> accepted;
  std::vector<std::string> required;
};

// From a JSON object (numbers may be given for text fields, arrays for lists).
Status OptionsFromJson(const nlohmann::json& body, const FieldSet& fields, cli::Options& o);
// From form or query fields (text only; lists comma-separated; a checkbox is "on"). Empty
// fields count as not given.
Status OptionsFromForm(const std::multimap<std::string, std::string>& form, const FieldSet& fields, cli::Options& o,
                       const std::vector<std::string>& ignore = {"csrf"});

}  // namespace lenacare::webapp
