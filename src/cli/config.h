// The configuration file (`--config FILE`, else $LENACARE_CONFIG): the settings a server keeps in
// one place under /etc, in TOML (docs/configuration.md). Every setting has a command-line option
// or belongs to the file alone (the database password's file, the log format); an option given on
// the command line wins over the file, and the file wins over the environment variables and the
// defaults. Unknown keys are errors, so a misspelt setting is never silently ignored.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/result.h"

namespace lenacare::cli {

// One problem of a configuration file: the dotted key ("database.url"; "" for the file itself)
// and what is wrong with it.
struct ConfigProblem {
  std::string key, message;
};

// What a file sets, applied over an Options; `problems` is empty when the file is valid.
struct ConfigFile {
  std::string path;
  std::vector<ConfigProblem> problems;
  size_t settings = 0;  // how many settings the file gives
  // Sets every setting of the file on `o` whose command-line option is not among `given`
  // ("--listen", ...). Only for a file without problems.
  void ApplyTo(Options& o, const std::set<std::string>& given) const;
  // The problems, a line each ("  key: message"), as both `config check` and a command print them.
  std::string ProblemsText() const;

  struct Value;
  std::vector<Value> values;
};

struct ConfigFile::Value {
  size_t setting = 0;  // index in the settings table (config.cpp)
  std::string text;
  int64_t number = 0;
  bool flag = false;
  std::vector<std::string> list;
};

// A listen address, HOST:PORT (the port 0 to 65535; 0: any free port); `field` names it in errors.
struct Listen {
  std::string host;
  uint16_t port = 0;
};
Result<Listen> ParseListen(const std::string& value, const std::string& field);

// Reads and checks a configuration file: every problem at once, each naming its key.
ConfigFile ReadConfig(const std::string& path);

// The configuration file in use: --config, else $LENACARE_CONFIG, else none ("").
std::string ConfigPath(const std::string& option);

// Sets the process's time zone (TZ) to `name` if the system knows it; `field` names it in errors.
Status UseTimeZone(const std::string& name, const std::string& field);

// The PostgreSQL password from the file or the environment variable the configuration names
// (Options::db_password_file, db_password_env), handed to libpq (and to pg_dump) as PGPASSWORD.
Status UseDatabasePassword(const Options& o);

// `lenacare config check [FILE]`.
int RunConfigCheck(const Options& o);

}  // namespace lenacare::cli
