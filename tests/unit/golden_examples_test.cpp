// Golden examples: the JSON of every documented example, frozen byte for byte.
//
// tests/golden/examples.json lists the examples of README.md, docs/course-format.md and
// docs/response-format.md (with the files under docs/examples/): each entry's "args" are the
// arguments after `lenacare`, "stdin" an optional file for standard input, "exit" the expected
// exit code, "doc" where the example is documented, and "api" (for a calculator) the same inputs
// as POST /api/v1/<route> (fields as in web/openapi.json; "files" puts a course or series file
// into a field). tests/golden/<name>.json is the standard output of the command,
// tests/golden/api-<name>.json the body the web app answered (compact JSON; the CLI's is indented).
//
// The commands run with the repository root as working directory and LENACARE_KNOWLEDGE=knowledge
// (no other LENACARE_* variable), so paths in the manifest and in the answers are relative.
// "@TMP@" in an argument is a temporary directory of the record-keeping examples (fresh SQLite
// files): they run in the manifest's order, and a test run alone replays the earlier ones first.
// `audit log` is left out (times and hashes).
//
// The golden files are the contract: a refactoring of the CLI or web layers must leave every
// byte as it is. A golden file may change only in a commit that says which documented contract
// changed and why. To change them: edit the manifest if needed, run scripts/golden-update
// (LENACARE_GOLDEN_UPDATE=1 makes these tests write the files instead of comparing), review the
// diff.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "store_support.h"
#include "test_support.h"
#include "webapp/app.h"

extern char** environ;

namespace lenacare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kTmp = "@TMP@";

fs::path RepoRoot() { return (fs::path(testing::TestDataDir()) / "..").lexically_normal(); }
fs::path GoldenDir() { return RepoRoot() / "tests" / "golden"; }

bool Updating() {
  const char* v = std::getenv("LENACARE_GOLDEN_UPDATE");
  return v != nullptr && std::string(v) == "1";
}

bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

struct Example {
  std::string name;
  std::vector<std::string> args;
  std::string stdin_file;  // relative to the repository root; empty: /dev/null
  int exit_code = 0;
  json api;  // null when the command has no API route (or the example is a CLI-only form)
};

// The manifest, read once; a problem empties it and is reported by GoldenManifest.IsWellFormed.
struct Manifest {
  std::vector<Example> examples;
  std::vector<std::string> problems;
};

void CheckApi(const std::string& where, const json& api, std::vector<std::string>& problems) {
  if (!api.is_object()) {
    problems.push_back(where + ".api: must be an object");
    return;
  }
  testing::CheckKeys(api, {"route", "body", "files", "status"}, where + ".api", problems);
  if (!api.contains("route") || !api["route"].is_string()) problems.push_back(where + ".api.route: a string");
  if (!api.contains("body") || !api["body"].is_object()) problems.push_back(where + ".api.body: an object");
  if (!api.contains("status") || !api["status"].is_number_integer()) {
    problems.push_back(where + ".api.status: an integer");
  }
  if (api.contains("files")) {
    if (!api["files"].is_object()) {
      problems.push_back(where + ".api.files: an object");
    } else {
      for (const auto& [field, file] : api["files"].items()) {
        if (!file.is_string() || !fs::is_regular_file(RepoRoot() / file.get<std::string>())) {
          problems.push_back(where + ".api.files." + field + ": not a file of the repository");
        }
      }
    }
  }
}

Manifest ReadManifest() {
  Manifest m;
  std::string text;
  if (!ReadFile(GoldenDir() / "examples.json", text)) {
    m.problems.push_back("tests/golden/examples.json: cannot be read");
    return m;
  }
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_array()) {
    m.problems.push_back("tests/golden/examples.json: must be a JSON array");
    return m;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < root.size(); ++i) {
    const json& e = root[i];
    std::string where = "examples[" + std::to_string(i) + "]";
    if (!e.is_object()) {
      m.problems.push_back(where + ": must be an object");
      continue;
    }
    testing::CheckKeys(e, {"name", "doc", "args", "stdin", "exit", "api"}, where, m.problems);
    Example x;
    if (e.contains("name") && e["name"].is_string()) x.name = e["name"].get<std::string>();
    if (x.name.empty() || x.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      m.problems.push_back(where + ".name: lower-case letters, digits and '-'");
    }
    where += " (" + x.name + ")";
    if (!names.insert(x.name).second) m.problems.push_back(where + ".name: used twice");
    if (!e.contains("doc") || !e["doc"].is_string()) m.problems.push_back(where + ".doc: where it is documented");
    if (!e.contains("args") || !e["args"].is_array() || e["args"].empty()) {
      m.problems.push_back(where + ".args: a list of strings");
    } else {
      for (const json& a : e["args"]) {
        if (!a.is_string()) {
          m.problems.push_back(where + ".args: a list of strings");
          break;
        }
        x.args.push_back(a.get<std::string>());
        if (!x.args.back().empty() && x.args.back()[0] == '/') {
          m.problems.push_back(where + ".args: '" + x.args.back() + "' is absolute (relative to the repository)");
        }
      }
    }
    if (e.contains("stdin")) {
      if (e["stdin"].is_string()) x.stdin_file = e["stdin"].get<std::string>();
      if (x.stdin_file.empty() || x.stdin_file[0] == '/' || !fs::is_regular_file(RepoRoot() / x.stdin_file)) {
        m.problems.push_back(where + ".stdin: a file of the repository, relative to its root");
      }
    }
    if (!e.contains("exit") || !e["exit"].is_number_integer()) {
      m.problems.push_back(where + ".exit: the expected exit code");
    } else {
      x.exit_code = e["exit"].get<int>();
    }
    if (e.contains("api")) {
      CheckApi(where, e["api"], m.problems);
      x.api = e["api"];
    }
    m.examples.push_back(std::move(x));
  }
  if (!m.problems.empty()) m.examples.clear();
  return m;
}

const Manifest& TheManifest() {
  static const Manifest* m = new Manifest(ReadManifest());
  return *m;
}

const Example& At(size_t i) { return TheManifest().examples.at(i); }

bool UsesTmp(const Example& e) {
  for (const std::string& a : e.args) {
    if (a.find(kTmp) != std::string::npos) return true;
  }
  return false;
}

// --- Running the command line --------------------------------------------------------------------

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

fs::path MakeTempDir() {
  std::string templ = (fs::temp_directory_path() / "lenacare-golden-XXXXXX").string();
  const char* made = mkdtemp(templ.data());
  return made == nullptr ? fs::path() : fs::path(made);
}

// The command as a person would type it in the repository root (for failure messages).
std::string CommandLine(const Example& e) {
  std::string s = "LENACARE_KNOWLEDGE=knowledge lenacare";
  for (const std::string& a : e.args) {
    s += a.find_first_of(" *'\"$,") == std::string::npos ? " " + a : " '" + a + "'";
  }
  if (!e.stdin_file.empty()) s += " < " + e.stdin_file;
  return s;
}

// Runs `lenacare <args>` (no shell) in the repository root with @TMP@ replaced by `tmp`.
CliRun RunCli(const Example& e, const fs::path& tmp) {
  CliRun r;
  const fs::path io = MakeTempDir();
  if (io.empty()) return r;
  std::vector<std::string> argv_s = {testing::LenacareBinary()};
  for (std::string a : e.args) {
    for (size_t at = a.find(kTmp); at != std::string::npos; at = a.find(kTmp, at)) {
      a.replace(at, std::strlen(kTmp), tmp.string());
      at += tmp.string().size();
    }
    argv_s.push_back(a);
  }
  std::vector<std::string> env_s;
  for (char** v = environ; *v != nullptr; ++v) {
    if (std::strncmp(*v, "LENACARE_", 9) != 0) env_s.emplace_back(*v);
  }
  env_s.emplace_back("LENACARE_KNOWLEDGE=knowledge");
  std::vector<char*> argv, envp;
  for (std::string& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (std::string& s : env_s) envp.push_back(s.data());
  envp.push_back(nullptr);
  const std::string root = RepoRoot().string(), in = e.stdin_file.empty() ? "/dev/null" : e.stdin_file;
  const std::string out = (io / "stdout").string(), err = (io / "stderr").string();

  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(root.c_str()) != 0) _exit(126);
    const int fd_in = open(in.c_str(), O_RDONLY);
    const int fd_out = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int fd_err = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd_in < 0 || fd_out < 0 || fd_err < 0) _exit(126);
    dup2(fd_in, 0);
    dup2(fd_out, 1);
    dup2(fd_err, 2);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  ReadFile(out, r.out);
  ReadFile(err, r.err);
  std::error_code ec;
  fs::remove_all(io, ec);
  return r;
}

// The record-keeping examples share one temporary directory per process.
struct Scratch {
  fs::path dir;
  size_t next = 0;  // the first manifest index not yet run in `dir`
  ~Scratch() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

// Runs the record-keeping examples before `index` that `s` has not seen, starting afresh if an
// example was run out of order.
bool ReplayBefore(Scratch& s, size_t index) {
  if (s.dir.empty() || s.next > index) {
    std::error_code ec;
    if (!s.dir.empty()) fs::remove_all(s.dir, ec);
    s.dir = MakeTempDir();
    s.next = 0;
    if (s.dir.empty()) {
      ADD_FAILURE() << "cannot make a temporary directory";
      return false;
    }
  }
  for (; s.next < index; ++s.next) {
    const Example& e = At(s.next);
    if (!UsesTmp(e)) continue;
    const CliRun r = RunCli(e, s.dir);
    if (r.exit_code != e.exit_code) {
      ADD_FAILURE() << "earlier step " << e.name << " (" << CommandLine(e) << ") exited " << r.exit_code << ", not "
                    << e.exit_code << ": " << r.err;
      return false;
    }
  }
  return true;
}

// --- Comparing -----------------------------------------------------------------------------------

// The line of `text` that holds byte `at` (whose line starts at `line_start`), around `at`.
std::string Excerpt(const std::string& text, size_t line_start, size_t at) {
  if (at >= text.size()) return "(ends here)";
  const size_t line_end = std::min(text.find('\n', at), text.size());
  const size_t from = std::max(line_start, at > 60 ? at - 60 : 0), to = std::min(line_end, from + 160);
  return (from > line_start ? "..." : "") + text.substr(from, to - from) + (to < line_end ? "..." : "");
}

// Where two texts first differ: line and column, with that line of each around the spot (the API's
// compact JSON is one long line).
std::string FirstDifference(const std::string& golden, const std::string& actual) {
  const size_t n = std::min(golden.size(), actual.size());
  size_t at = 0;
  while (at < n && golden[at] == actual[at]) ++at;
  const size_t line = 1 + static_cast<size_t>(std::count(golden.begin(), golden.begin() + at, '\n'));
  const size_t line_start = at == 0 ? 0 : golden.rfind('\n', at - 1) + 1;  // npos + 1 == 0
  return "first difference at line " + std::to_string(line) + ", column " + std::to_string(at - line_start + 1) +
         "\n  golden: " + Excerpt(golden, line_start, at) + "\n  actual: " + Excerpt(actual, line_start, at);
}

// Compares `actual` with tests/golden/<file>, or writes it there when updating.
void CheckGolden(const std::string& file, const std::string& actual, const std::vector<std::string>& machine_paths) {
  // The documented examples' answers cite public documents only (issue 17).
  for (const std::string& ref : testing::ResearchReferences(actual)) {
    ADD_FAILURE() << file << ": the answer refers to the research notes: " << ref;
  }
  for (const std::string& p : machine_paths) {
    if (actual.find(p) != std::string::npos) {
      ADD_FAILURE() << file << ": the answer names " << p << " (a path of this machine), which a golden file must not";
      return;
    }
  }
  const fs::path path = GoldenDir() / file;
  if (Updating()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    EXPECT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::string golden;
  if (!ReadFile(path, golden)) {
    ADD_FAILURE() << "tests/golden/" << file << " is missing (scripts/golden-update writes it)";
    return;
  }
  if (golden != actual) {
    ADD_FAILURE() << "tests/golden/" << file << " differs (" << golden.size() << " bytes golden, " << actual.size()
                  << " actual): " << FirstDifference(golden, actual);
  }
}

// --- The tests -----------------------------------------------------------------------------------

std::vector<size_t> Indices(bool api_only) {
  std::vector<size_t> out;
  for (size_t i = 0; i < TheManifest().examples.size(); ++i) {
    if (!api_only || !At(i).api.is_null()) out.push_back(i);
  }
  return out;
}

std::string ParamName(const ::testing::TestParamInfo<size_t>& info) {
  std::string name = At(info.param).name;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

TEST(GoldenManifest, IsWellFormed) {
  for (const std::string& p : TheManifest().problems) ADD_FAILURE() << p;
  EXPECT_FALSE(TheManifest().examples.empty());
}

TEST(GoldenManifest, EveryGoldenFileBelongsToAnExample) {
  std::set<std::string> expected = {"examples.json"};
  for (const Example& e : TheManifest().examples) {
    expected.insert(e.name + ".json");
    if (!e.api.is_null()) expected.insert("api-" + e.name + ".json");
  }
  for (const auto& entry : fs::directory_iterator(GoldenDir())) {
    const std::string file = entry.path().filename().string();
    EXPECT_TRUE(expected.count(file)) << "tests/golden/" << file << ": no example in examples.json";
  }
}

class GoldenCli : public ::testing::TestWithParam<size_t> {};

TEST_P(GoldenCli, PrintsTheFrozenJson) {
  const Example& e = At(GetParam());
  SCOPED_TRACE(CommandLine(e));
  static Scratch scratch;
  fs::path tmp;
  std::vector<std::string> machine_paths = {RepoRoot().string()};
  if (UsesTmp(e)) {
    if (!ReplayBefore(scratch, GetParam())) return;
    tmp = scratch.dir;
    scratch.next = GetParam() + 1;
    machine_paths.push_back(tmp.string());
  }
  const CliRun r = RunCli(e, tmp);
  EXPECT_EQ(r.exit_code, e.exit_code) << r.err;
  CheckGolden(e.name + ".json", r.out, machine_paths);
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenCli, ::testing::ValuesIn(Indices(false)), ParamName);

// The web application without accounts: the calculator routes need none.
class GoldenSite {
 public:
  GoldenSite() {
    store_ = db_.Open();
    webapp::SiteOptions o;
    o.web_dir = LENACARE_TEST_WEB_DIR;
    o.pages_dir = testing::KnowledgeDir() + "/pages";
    auto app = webapp::WebApp::Create(testing::K(), *store_, testing::TestClock(), o);
    if (!app.ok()) {
      ADD_FAILURE() << app.error().Describe();
      return;
    }
    app_ = std::move(app).value();
  }
  webapp::WebApp* app() { return app_.get(); }

 private:
  testing::TestDatabase db_{"sqlite"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<webapp::WebApp> app_;
};

class GoldenApi : public ::testing::TestWithParam<size_t> {};

TEST_P(GoldenApi, AnswersTheFrozenJson) {
  const Example& e = At(GetParam());
  static GoldenSite site;  // destroyed at exit, with its temporary database
  ASSERT_NE(site.app(), nullptr);
  json body = e.api["body"];
  const json files = e.api.value("files", json::object());
  for (const auto& [field, file] : files.items()) {
    std::string text;
    ASSERT_TRUE(ReadFile(RepoRoot() / file.get<std::string>(), text)) << file;
    body[field] = json::parse(text);
  }
  http::Request req;
  req.method = "POST";
  req.target = req.path = "/api/v1/" + e.api["route"].get<std::string>();
  req.body = body.dump();
  req.remote = "127.0.0.1";
  req.headers["content-type"] = "application/json";
  SCOPED_TRACE("POST " + req.path + " " + req.body.substr(0, 200));
  const http::Response r = site.app()->Handle(req);
  EXPECT_EQ(r.status, e.api["status"].get<int>()) << r.body;
  CheckGolden("api-" + e.name + ".json", r.body, {RepoRoot().string()});
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenApi, ::testing::ValuesIn(Indices(true)), ParamName);

}  // namespace
}  // namespace lenacare
