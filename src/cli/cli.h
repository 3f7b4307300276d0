// The `lenacare` command line: parses the arguments, runs the subcommand and returns the exit
// code (0 answered, 1 cannot assess, 2 bad input or usage, 3 failed). The composition root
// (programs/lenacare) hands it the clock and the `serve` command, so that this adapter knows
// nothing of the web application.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace lenacare::cli {

// `lenacare serve`'s options, as given.
struct ServeOptions {
  std::string knowledge_dir;                 // the knowledge directory in use
  std::string site_knowledge;                // the clinic's sign-offs ("" for none)
  std::string db;                            // the database target ("" for the default)
  std::string audit_key, audit_checkpoints;  // "" for the defaults (store/audit_key.h)
  std::string listen = "127.0.0.1:8080";
  std::string web_dir;
  bool demo = false, secure_cookies = false;
  int threads = 2;
  bool public_metrics = false;
  int max_connections = 1000;
  int db_connections = 0;            // 0: --threads plus the heavy-request threads
  int worklist_refresh_seconds = 1;  // how often the worklist's stale answers are recomputed (0: never)
  std::vector<std::string> trusted_proxies;
  int session_idle_minutes = 30;
  int token_days = 0, token_max_days = 0;  // 0: the policy's defaults
  std::string cds_config;                  // the CDS Hooks service's configuration file
  std::string log_file;                    // the access log's file ("" for standard error), reopened on SIGHUP
};

struct Program {
  const Clock& clock;
  std::function<int(const ServeOptions&)> serve;
};

int Main(int argc, char** argv, const Program& program);

}  // namespace lenacare::cli
