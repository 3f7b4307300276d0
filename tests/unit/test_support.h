// Shared helpers for the unit tests: the repository's knowledge base, loaded once, and small
// builders for courses.
#pragma once

#include <string>

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

}  // namespace lenacare::testing
