// What every lenacare subcommand shares: loading the knowledge, reading input, dates, printing
// an answer or an error, and the exit codes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "core/date.h"
#include "core/result.h"
#include "course/course.h"
#include "knowledge/knowledge.h"

namespace lenacare::cli {

constexpr int kAnswered = 0;
constexpr int kCannotAssess = 1;
constexpr int kBadInput = 2;
constexpr int kFailed = 3;  // a database or file could not be used

// A command's answer when it runs for the web server (Options::reply): the exit code, the JSON
// (the answer, or {"error": {...}}), the text for people, and the error if there was one.
struct Reply {
  int code = 0;
  nlohmann::json json;
  std::string text;
  std::optional<Error> error;
};
// The JSON form of an error: {"error": {"kind", "field", "message"}}.
nlohmann::json ErrorJson(const Error& e);

// Prints "lenacare: error: <field>: <problem>" (and the error as JSON with --json); returns the
// exit code for the error's kind.
int Fail(const Error& e, const Options& o);
// Whether the caller will show the text answer (the CLI without --json, the web pages); the API
// wants only the JSON, so commands may skip building the text.
inline bool WantText(const Options& o) { return o.reply != nullptr ? o.want_text : !o.json; }

// Prints the JSON or the text with the disclaimer (or fills Options::reply); returns `code`, the
// exit code of an answer (kAnswered, or kCannotAssess for an answer that cannot assess).
int Emit(const Options& o, nlohmann::json j, std::string text, int code = kAnswered);

// A data directory: $env_var, else <prefix>/share/lenacare/<name> beside an installed binary, else
// the source tree's (`built_in`).
std::string DataDir(const char* env_var, const char* name, const std::string& built_in);
// The knowledge directory: --knowledge, else DataDir("LENACARE_KNOWLEDGE", "knowledge", ...).
std::string KnowledgeDir(const Options& o);

// The knowledge in use: the server's (Options::knowledge), else loaded from disk once per process.
Result<const Knowledge*> Load(const Options& o);
Result<Date> Today();
Result<Date> DateOption(const std::string& text, const std::string& option);
// A file's text, or standard input for "-"; for the web server only "-" (the request's JSON).
Result<std::string> ReadInput(const Options& o, const std::string& path);

// The course file of `o.course_file` parsed, and `--as-of` (default today) checked against its
// events; with allow_before_start the date may precede the start (the REMS steps before it).
struct CourseAsOf {
  Course course;
  Date as_of;
};
Result<CourseAsOf> ReadCourse(const Knowledge& k, const Options& o, bool allow_before_start);

// Everything `check` answers for a course as of a date (status, REMS, readiness, clot risk,
// interactions), printed with `head` (JSON fields to put first) and the exit code returned.
int CheckAll(const Knowledge& k, const Course& course, Date as_of, const Options& o, nlohmann::json head);

}  // namespace lenacare::cli
