#include "test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
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

std::string Describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

nlohmann::json ParseOut(const CommandResult& r) {
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << Describe(r);
  return j;
}

bool Mentions(const std::string& text, const std::string& what) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  return lower(text).find(lower(what)) != std::string::npos;
}

std::vector<std::string> JsonFilesUnder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  const fs::path root = dir;
  if (!fs::is_directory(root, ec)) return files;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".json") {
      files.push_back(fs::relative(it->path(), root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TestNameFor(const std::string& file) {
  std::string name = file.substr(0, file.size() - std::string_view(".json").size());
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

void CheckKeys(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed, const std::string& where,
               std::vector<std::string>& problems) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      problems.push_back(where + ": unknown field '" + key + "'");
    }
  }
}

bool ReadScenarioFile(const std::string& path, const std::string& file, const std::string& example_section,
                      nlohmann::json& root) {
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << file << ": cannot be opened";
    return false;
  }
  try {
    root = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << file << ": not valid JSON: " << e.what();
    return false;
  }
  if (!root.is_object()) {
    ADD_FAILURE() << file << ": must be a JSON object";
    return false;
  }
  std::vector<std::string> problems;
  CheckKeys(root, {"description", "course", "checks"}, file, problems);
  if (!root.contains("description") || !root["description"].is_string() ||
      root["description"].get<std::string>().empty()) {
    problems.push_back(file + ": needs a \"description\" in plain words");
  } else if (root["description"].get<std::string>().find("\u00a7") == std::string::npos) {
    problems.push_back(file + ": the description must cite the section of the facts it follows (e.g. \"" +
                       example_section + "\")");
  }
  if (!root.contains("course")) problems.push_back(file + ": needs a \"course\"");
  if (!root.contains("checks") || !root["checks"].is_array() || root["checks"].empty()) {
    problems.push_back(file + ": needs a non-empty list of \"checks\" (a scenario that checks nothing is a failure)");
  }
  for (const std::string& p : problems) ADD_FAILURE() << p;
  return problems.empty();
}

namespace {

std::vector<std::string> Matches(std::string_view text, const std::regex& re) {
  std::vector<std::string> out;
  const std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it) {
    const size_t at = static_cast<size_t>(it->position());
    const size_t from = at < 40 ? 0 : at - 40;
    out.push_back(it->str() + "  in  ..." + s.substr(from, 100) + "...");
  }
  return out;
}

}  // namespace

std::vector<std::string> ResearchReferences(std::string_view text) {
  static const std::regex re(
      R"(label-facts|content-facts|standards\.md|standards §|shared/clinical|)"
      R"(\[(UNV|SEC|V-old|V2-old|V1|V2|V1-primary|C1|C2|R|!|CONFLICT|DISCREPANCY)[\]/ ;,]|\bS[0-9]{1,2}\b)");
  return Matches(text, re);
}

std::vector<std::string> PlainLanguageProblems(std::string_view text, bool interface) {
  std::vector<std::string> out = ResearchReferences(text);
  if (interface) {
    static const std::regex re(R"((^|[\s("'`])--[a-z][a-z0-9-]+|\bpatient\.[a-z_]+)");
    for (std::string& m : Matches(text, re)) out.push_back(std::move(m));
  }
  return out;
}

bool ReplaceInFile(const std::string& file, const std::string& from, const std::string& to) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const size_t at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << file << " does not hold: " << from;
    return false;
  }
  text.replace(at, from.size(), to);
  std::ofstream(file, std::ios::trunc) << text;
  return true;
}

std::string VisibleText(std::string_view html) {
  std::string s(html);
  static const std::regex hidden(R"(<script[\s\S]*?</script>|<style[\s\S]*?</style>|<!--[\s\S]*?-->)",
                                 std::regex::icase);
  s = std::regex_replace(s, hidden, " ");
  static const std::regex tag(R"(<[^>]*>)");
  s = std::regex_replace(s, tag, " ");
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  }
  return s;
}

}  // namespace lenacare::testing
