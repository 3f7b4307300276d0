#include "test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "knowledge/loader.h"

namespace lenacare::testing {

const Knowledge& K() {
  static const Knowledge* k = [] {
    auto loaded = LoadKnowledge(KnowledgeDir());
    if (!loaded.ok()) {
      ADD_FAILURE() << "knowledge failed to load: " << loaded.error().Describe();
      std::abort();
    }
    return new Knowledge(std::move(loaded).value());
  }();
  return *k;
}

std::string TestDataDir() { return LENACARE_TEST_DATA_DIR; }
std::string KnowledgeDir() { return LENACARE_TEST_KNOWLEDGE_DIR; }
std::string LenacareBinary() { return LENACARE_BINARY; }

namespace {
std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

CommandResult RunLenacare(const std::string& args, const std::string& stdin_text) {
  char dir_template[] = "/tmp/lenacare-test-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  CommandResult r;
  if (dir == nullptr) return r;
  const std::string d = dir;
  {
    std::ofstream in(d + "/stdin");
    in << stdin_text;
  }
  const std::string cmd = "LENACARE_KNOWLEDGE='" + KnowledgeDir() + "' '" + LenacareBinary() + "' " + args + " <" + d +
                          "/stdin >" + d + "/stdout 2>" + d + "/stderr";
  const int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(d + "/stdout");
  r.err = Slurp(d + "/stderr");
  std::remove((d + "/stdin").c_str());
  std::remove((d + "/stdout").c_str());
  std::remove((d + "/stderr").c_str());
  rmdir(dir);
  return r;
}

}  // namespace lenacare::testing
