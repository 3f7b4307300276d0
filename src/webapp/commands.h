// The `lenacare` calculator commands as the API and the web calculators run them: one table, so
// the web page, the API and the CLI give the same engine's answer to the same inputs.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"
#include "webapp/fields.h"

namespace lenacare::webapp {

struct CommandRoute {
  std::string name;  // the CLI subcommand and the API path under /api/v1
  int (*run)(const cli::Options&);
  FieldSet fields;
  std::string document;  // a JSON-object field the command reads as its "-" input ("course", "series"), or ""
};

const std::vector<CommandRoute>& CalculatorCommands();
const CommandRoute* FindCommand(const std::string& name);
// After the fields are read: the options a command spells differently (grade's test and value).
void Normalize(const CommandRoute& c, cli::Options& o);

}  // namespace lenacare::webapp
