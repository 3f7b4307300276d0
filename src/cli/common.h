// What every lenacare subcommand shares: loading the knowledge, opening the records, reading
// input files, printing an answer or an error, and the exit codes.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/context.h"
#include "cli/commands.h"
#include "core/result.h"
#include "knowledge/knowledge.h"

namespace lenacare::store {
class Store;
}

namespace lenacare::cli {

constexpr int kAnswered = 0;
constexpr int kCannotAssess = 1;
constexpr int kBadInput = 2;
constexpr int kFailed = 3;  // a database or file could not be used

// The exit code of an answer's outcome.
int ExitCode(app::Outcome outcome);

// Prints "lenacare: error: <field>: <problem>" (and the error as JSON with --json), the request
// field named as the option the user typed ("as_of" -> "--as-of"); returns the error's exit code.
int Fail(const Error& e, const Options& o);

// Prints the JSON or the text with the disclaimer; returns `code`.
int Emit(const Options& o, const nlohmann::json& j, const std::string& text, int code = kAnswered);

// A data directory: $env_var, else <prefix>/share/lenacare/<name> beside an installed binary, else
// the source tree's (`built_in`).
std::string DataDir(const char* env_var, const char* name, const std::string& built_in);
// The knowledge directory: --knowledge, else DataDir("LENACARE_KNOWLEDGE", "knowledge", ...).
std::string KnowledgeDir(const Options& o);
// The clinic's site pack of sign-offs (knowledge/site_pack.h): --site-knowledge, else
// $LENACARE_SITE_KNOWLEDGE, else <database>.site-knowledge beside a SQLite file; "" for none.
std::string SiteKnowledgeDir(const std::string& option, const std::string& db);

// The knowledge in use, loaded from disk once per directory and process.
Result<const Knowledge*> Load(const Options& o);
// A file's text, or standard input for "-".
Result<std::string> ReadInput(const std::string& path, const std::string& field);

// The knowledge, the records (for the record commands: --db, else the default) and the context
// of a use case run from the command line, acting as $LENACARE_ACTOR or $USER.
struct Session {
  const Knowledge& k;
  std::unique_ptr<store::Store> store;
  app::Context ctx;
  // Says on stderr when reads could not be written to the audit log (a read-only or full
  // database): the answer was given, its audit entry is missing.
  ~Session();
};
Result<std::unique_ptr<Session>> Start(const Options& o, bool with_store);
// Records in the audit log that the session's account was refused an act (a forbidden error),
// as the web application does for a 403: who tried what on which patient.
void AuditRefusal(const Session& session, const Options& o, const Error& e);

// Runs a use case (`call` with the session's context) and prints its answer: `json` and `text`
// render it (given the knowledge and the answer); an answer with an outcome() gives its exit code.
template <typename Answer, typename Call, typename ToJson, typename ToText>
int Show(const Options& o, bool with_store, Call call, ToJson json, ToText text) {
  auto session = Start(o, with_store);
  if (!session.ok()) return Fail(session.error(), o);
  const app::Context& ctx = (*session)->ctx;
  Result<Answer> a = call(ctx);
  if (!a.ok()) {
    AuditRefusal(**session, o, a.error());
    return Fail(a.error(), o);
  }
  int code = kAnswered;
  if constexpr (requires(const Answer& x) { x.outcome(); }) code = ExitCode(a->outcome());
  return Emit(o, json(ctx.k, *a), o.json ? std::string() : text(ctx.k, *a), code);
}

}  // namespace lenacare::cli
