#include "cli/config.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common.h"
#include "core/text.h"
#include "store/db.h"

namespace lenacare::cli {
namespace {

namespace fs = std::filesystem;

enum class Kind { kText, kNumber, kFlag, kList };

// A setting: its dotted key, the command-line option that overrides it ("" for a file-only
// setting), its kind, where it goes, and a check of its value ("" when it is fine).
struct Setting {
  const char* key;
  const char* option;
  Kind kind;
  std::string Options::*text = nullptr;
  int Options::*number = nullptr;
  bool Options::*flag = nullptr;
  std::vector<std::string> Options::*list = nullptr;
  int64_t min = 0, max = 0;  // a number's range
  std::string (*check)(const std::string&) = nullptr;
};

std::string CheckListen(const std::string& value) {
  auto listen = ParseListen(value, "listen");
  return listen.ok() ? "" : listen.error().message;
}

std::string CheckDatabase(const std::string& value) {
  Status s = store::CheckTarget(value, "");
  return s.ok() ? "" : s.error().message;
}

bool KnownTimeZone(const std::string& name) {
  const bool shape =
      !name.empty() && name.find("..") == std::string::npos && name.front() != '/' &&
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") == std::string::npos;
  std::error_code ec;
  return shape && fs::is_regular_file(fs::path("/usr/share/zoneinfo") / name, ec);
}

std::string CheckTimeZone(const std::string& value) {
  return KnownTimeZone(value) ? ""
                              : "'" + value +
                                    "' is not a time zone this system knows (e.g. Europe/Berlin, "
                                    "America/Chicago)";
}

std::string CheckPasswordFile(const std::string& value) {
  struct stat st {};
  if (value.empty() || ::stat(value.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return "'" + value + "' is not a file";
  }
  if ((st.st_mode & S_IROTH) != 0) return "'" + value + "' is readable by every user: chmod o-r it";
  return "";
}

std::string CheckEnvName(const std::string& value) {
  if (value.empty() ||
      value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    return "'" + value + "' is not an environment variable's name (letters, digits and _)";
  }
  return "";
}

std::string CheckLogFormat(const std::string& value) {
  return value == "json" ? "" : "'" + value + "' is not a log format (the one format is \"json\": an object per line)";
}

std::string CheckNotEmpty(const std::string& value) { return value.empty() ? "empty" : ""; }

Setting Text(const char* key, const char* option, std::string Options::*field,
             std::string (*check)(const std::string&) = CheckNotEmpty) {
  Setting s{key, option, Kind::kText};
  s.text = field;
  s.check = check;
  return s;
}
Setting Number(const char* key, const char* option, int Options::*field, int64_t min, int64_t max) {
  Setting s{key, option, Kind::kNumber};
  s.number = field;
  s.min = min;
  s.max = max;
  return s;
}
Setting Flag(const char* key, const char* option, bool Options::*field) {
  Setting s{key, option, Kind::kFlag};
  s.flag = field;
  return s;
}
Setting List(const char* key, const char* option, std::vector<std::string> Options::*field) {
  Setting s{key, option, Kind::kList};
  s.list = field;
  return s;
}

// Every setting the file may hold (docs/configuration.md lists them with their meaning).
const std::vector<Setting>& Settings() {
  static const std::vector<Setting> settings = {
      Text("listen", "--listen", &Options::listen, CheckListen),
      Number("threads", "--threads", &Options::threads, 1, 64),
      Number("max_connections", "--max-connections", &Options::max_connections, 1, 1000000),
      Text("time_zone", "", &Options::time_zone, CheckTimeZone),
      Text("database.url", "--db", &Options::db, CheckDatabase),
      Text("database.password_file", "", &Options::db_password_file, CheckPasswordFile),
      Text("database.password_env", "", &Options::db_password_env, CheckEnvName),
      Number("database.connections", "--db-connections", &Options::db_connections, 0, 1024),
      Text("audit.key_file", "--audit-key", &Options::audit_key),
      Text("audit.checkpoints", "--audit-checkpoints", &Options::audit_checkpoints),
      Text("knowledge.dir", "--knowledge", &Options::knowledge_dir),
      Text("knowledge.site", "--site-knowledge", &Options::site_knowledge),
      Text("web.dir", "--web", &Options::web_dir),
      Flag("web.public_metrics", "--public-metrics", &Options::public_metrics),
      Number("web.worklist_refresh_seconds", "--worklist-refresh", &Options::worklist_refresh_seconds, 0, 86400),
      Flag("proxy.secure_cookies", "--secure-cookies", &Options::secure_cookies),
      List("proxy.trusted", "--trusted-proxy", &Options::trusted_proxies),
      Number("sessions.idle_minutes", "--session-idle", &Options::session_idle_minutes, 1, 1440),
      Number("tokens.default_days", "--token-days", &Options::token_days, 1, 3650),
      Number("tokens.max_days", "--token-max-days", &Options::token_max_days, 1, 3650),
      Text("cds_hooks.config", "--cds-config", &Options::cds_config),
      Text("log.file", "--log-file", &Options::log_file),
      Text("log.format", "", &Options::log_format, CheckLogFormat),
  };
  return settings;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kText:
      return "text in quotes";
    case Kind::kNumber:
      return "a whole number";
    case Kind::kFlag:
      return "true or false";
    case Kind::kList:
      return "a list of text, e.g. [\"127.0.0.1\"]";
  }
  return "";
}

const char* TomlTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "a list";
    case toml::node_type::string:
      return "text";
    case toml::node_type::integer:
      return "a whole number";
    case toml::node_type::floating_point:
      return "a decimal number";
    case toml::node_type::boolean:
      return "true or false";
    default:
      return "a date or time";
  }
}

// Reads one value of the kind its setting wants; a problem when it is another.
std::string ReadValue(const Setting& s, const toml::node& node, ConfigFile::Value& v) {
  const std::string wrong = std::string("must be ") + KindName(s.kind) + ", not " + TomlTypeName(node);
  switch (s.kind) {
    case Kind::kText: {
      auto text = node.value_exact<std::string>();
      if (!text) return wrong;
      v.text = *text;
      return s.check == nullptr ? "" : s.check(v.text);
    }
    case Kind::kNumber: {
      auto number = node.value_exact<int64_t>();
      if (!number) return wrong;
      if (*number < s.min || *number > s.max) {
        return std::to_string(*number) + " is out of range (" + std::to_string(s.min) + " to " + std::to_string(s.max) +
               ")";
      }
      v.number = *number;
      return "";
    }
    case Kind::kFlag: {
      auto flag = node.value_exact<bool>();
      if (!flag) return wrong;
      v.flag = *flag;
      return "";
    }
    case Kind::kList: {
      const toml::array* array = node.as_array();
      if (array == nullptr) return wrong;
      for (const toml::node& item : *array) {
        auto text = item.value_exact<std::string>();
        if (!text || text->empty()) return wrong;
        v.list.push_back(*text);
      }
      return "";
    }
  }
  return "";
}

void Walk(const toml::table& table, const std::string& prefix, ConfigFile& out) {
  for (const auto& [name, node] : table) {
    const std::string key = prefix + std::string(name.str());
    const auto& settings = Settings();
    size_t index = settings.size();
    bool section = false;
    for (size_t i = 0; i < settings.size(); ++i) {
      const std::string known = settings[i].key;
      if (known == key) index = i;
      if (known.rfind(key + ".", 0) == 0) section = true;
    }
    if (section) {
      if (const toml::table* sub = node.as_table()) {
        Walk(*sub, key + ".", out);
      } else {
        out.problems.push_back({key, std::string("must be a table ([") + key + "]), not " + TomlTypeName(node)});
      }
      continue;
    }
    if (index == settings.size()) {
      out.problems.push_back({key, "unknown key (docs/configuration.md lists the settings)"});
      continue;
    }
    ConfigFile::Value v;
    v.setting = index;
    std::string problem = ReadValue(settings[index], node, v);
    if (!problem.empty()) {
      out.problems.push_back({key, problem});
      continue;
    }
    out.values.push_back(std::move(v));
  }
}

}  // namespace

Result<Listen> ParseListen(const std::string& value, const std::string& field) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) return Error::BadInput(field, "give HOST:PORT, e.g. 127.0.0.1:8080");
  unsigned port = 0;
  const char* first = value.data() + colon + 1;
  const char* last = value.data() + value.size();
  auto [end, ec] = std::from_chars(first, last, port);
  if (first == last || ec != std::errc() || end != last || port > 65535) {
    return Error::BadInput(field, "'" + value.substr(colon + 1) + "' is not a port (0 to 65535)");
  }
  return Listen{value.substr(0, colon), static_cast<uint16_t>(port)};
}

std::string ConfigFile::ProblemsText() const {
  std::string text;
  for (const ConfigProblem& p : problems) text += "  " + (p.key.empty() ? path : p.key) + ": " + p.message + "\n";
  return text;
}

ConfigFile ReadConfig(const std::string& path) {
  ConfigFile out;
  out.path = path;
  std::ifstream in(path);
  if (!in) {
    out.problems.push_back({"", "cannot read '" + path + "'"});
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  toml::table doc;
  try {
    doc = toml::parse(text.str(), path);
  } catch (const toml::parse_error& e) {
    out.problems.push_back({"", "not valid TOML at line " + std::to_string(e.source().begin.line) + ", column " +
                                    std::to_string(e.source().begin.column) + ": " + std::string(e.description())});
    return out;
  }
  Walk(doc, "", out);
  out.settings = out.values.size();
  // Settings that are fine alone but not together.
  std::string password_file, password_env, url;
  int64_t token_days = 0, token_max_days = 0;
  for (const ConfigFile::Value& v : out.values) {
    const std::string key = Settings()[v.setting].key;
    if (key == "database.password_file") password_file = v.text;
    if (key == "database.password_env") password_env = v.text;
    if (key == "database.url") url = v.text;
    if (key == "tokens.default_days") token_days = v.number;
    if (key == "tokens.max_days") token_max_days = v.number;
  }
  if (!password_file.empty() && !password_env.empty()) {
    out.problems.push_back({"database.password_env", "give the password in a file or in the environment, not both"});
  }
  if ((!password_file.empty() || !password_env.empty()) && !url.empty() && !store::IsPostgresUrl(url)) {
    out.problems.push_back({password_file.empty() ? "database.password_env" : "database.password_file",
                            "the database is a SQLite file, which has no password"});
  }
  if (token_days > 0 && token_max_days > 0 && token_days > token_max_days) {
    out.problems.push_back({"tokens.default_days", "longer than tokens.max_days"});
  }
  return out;
}

void ConfigFile::ApplyTo(Options& o, const std::set<std::string>& given) const {
  for (const Value& v : values) {
    const Setting& s = Settings()[v.setting];
    if (*s.option != '\0' && given.count(s.option) > 0) continue;
    switch (s.kind) {
      case Kind::kText:
        o.*s.text = v.text;
        break;
      case Kind::kNumber:
        o.*s.number = static_cast<int>(v.number);
        break;
      case Kind::kFlag:
        o.*s.flag = v.flag;
        break;
      case Kind::kList:
        o.*s.list = v.list;
        break;
    }
  }
}

std::string ConfigPath(const std::string& option) {
  if (!option.empty()) return option;
  const char* env = std::getenv("LENACARE_CONFIG");
  return env == nullptr ? "" : env;
}

Status UseTimeZone(const std::string& name, const std::string& field) {
  if (name.empty()) return Status::Ok();
  if (std::string problem = CheckTimeZone(name); !problem.empty()) return Error::BadInput(field, problem);
  setenv("TZ", name.c_str(), 1);
  tzset();
  return Status::Ok();
}

Status UseDatabasePassword(const Options& o) {
  std::string password;
  if (!o.db_password_file.empty()) {
    if (std::string problem = CheckPasswordFile(o.db_password_file); !problem.empty()) {
      return Error::BadInput("database.password_file", problem);
    }
    std::ifstream in(o.db_password_file);
    std::getline(in, password);  // the first line; a trailing newline is not part of it
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (!in && !in.eof()) return Error::Failed("database.password_file", "cannot read '" + o.db_password_file + "'");
    if (password.empty()) return Error::BadInput("database.password_file", "'" + o.db_password_file + "' is empty");
  } else if (!o.db_password_env.empty()) {
    const char* env = std::getenv(o.db_password_env.c_str());
    if (env == nullptr || *env == '\0') {
      return Error::BadInput("database.password_env", "the environment variable " + o.db_password_env + " is not set");
    }
    password = env;
  } else {
    return Status::Ok();
  }
  setenv("PGPASSWORD", password.c_str(), 1);
  return Status::Ok();
}

int RunConfigCheck(const Options& o) {
  const std::string path = o.config_check_file.empty() ? ConfigPath(o.config_file) : o.config_check_file;
  if (path.empty()) {
    return Fail(Error::BadInput("file", "give the configuration file (or --config FILE, or $LENACARE_CONFIG)"), o);
  }
  const ConfigFile config = ReadConfig(path);
  nlohmann::json problems = nlohmann::json::array();
  for (const ConfigProblem& p : config.problems) problems.push_back({{"key", p.key}, {"message", p.message}});
  const bool valid = config.problems.empty();
  const nlohmann::json j = {{"file", path}, {"valid", valid}, {"settings", config.settings}, {"problems", problems}};
  if (valid) {
    return Emit(o, j, path + ": valid (" + std::to_string(config.settings) + " settings)", kAnswered);
  }
  if (!o.json) std::cerr << "lenacare: error: " << path << " is not a valid configuration:\n" << config.ProblemsText();
  return Emit(
      o, j,
      path + ": " + std::to_string(config.problems.size()) + (config.problems.size() == 1 ? " problem" : " problems"),
      kBadInput);
}

}  // namespace lenacare::cli
