// Shared helpers for the unit tests: the repository's knowledge base, loaded once, and small
// builders for courses.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "knowledge/knowledge.h"

namespace lenacare::testing {

// The knowledge base of this source tree (knowledge/), loaded once; a load failure fails the
// calling test with the loader's message.
const Knowledge& K();

// The source directory of the tests (tests/), for data files.
std::string TestDataDir();
std::string KnowledgeDir();
std::string LenacareBinary();

// Runs the lenacare binary with `args` (a shell-quoted string) and optional standard input;
// returns the exit code and captures stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunLenacare(const std::string& args, const std::string& stdin_text = "");
// "exit N", stdout and stderr, for a failure message.
std::string Describe(const CommandResult& r);
// Stdout parsed as JSON; text that does not parse fails the calling test, with Describe(r).
nlohmann::json ParseOut(const CommandResult& r);
// Whether `text` contains `what`, ignoring case.
bool Mentions(const std::string& text, const std::string& what);

// What the people reading lenacare's answers must never meet (issues 16 and 17): references to
// the research notes the knowledge was compiled from ("label-facts", "standards.md §4", "[UNV]",
// "S18") and, with `interface` set, the command line's option names ("--crcl") and internal field
// paths ("patient.rems_category"). Returns each offending piece found, with some context.
std::vector<std::string> ResearchReferences(std::string_view text);
std::vector<std::string> PlainLanguageProblems(std::string_view text, bool interface = true);
// An HTML page's visible text: no tags, scripts, styles or comments; entities &amp; &lt; &gt;
// &quot; &#39; decoded.
std::string VisibleText(std::string_view html);
// Replaces the first `from` in the file with `to` (a copy of the knowledge changed as a label
// update would); false, with a test failure, when the file does not hold `from`.
bool ReplaceInFile(const std::string& file, const std::string& from, const std::string& to);

// --- Scenario files (tests/scenarios, tests/rems-scenarios) --------------------------------------

// Every *.json under `dir`, as paths relative to it, sorted.
std::vector<std::string> JsonFilesUnder(const std::string& dir);
// "mm/platelets-two-falls.json" -> "mm_platelets_two_falls" (gtest names allow [A-Za-z0-9_]).
std::string TestNameFor(const std::string& file);
// Adds "<where>: unknown field 'x'" to `problems` for each key of `obj` not in `allowed`.
void CheckKeys(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed, const std::string& where,
               std::vector<std::string>& problems);
// Reads a scenario file {"description" citing a § of the facts, "course", "checks": [...]} into
// `root`; every problem is a test failure and the result is false.
bool ReadScenarioFile(const std::string& path, const std::string& file, const std::string& example_section,
                      nlohmann::json& root);

}  // namespace lenacare::testing
