// Use-case cases as data: every tests/cases/<use-case>/<name>.json is one test. A case is the
// request of one use case (a calculator route of the REST API, e.g. "grade", "start-dose") and the
// part of the answer that matters: {"description", "request", "expect", optional "status"}.
// tests/cases/README.md describes the format and the comparison.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store_support.h"
#include "test_support.h"
#include "webapp/commands.h"
#include "webapp/site.h"
#include "wire/json.h"

namespace lenacare {
namespace {

using nlohmann::json;

// --- The one place a case's request is executed -------------------------------------------------
// In-process, through the calculator table the REST API serves (webapp/commands.h): the request
// body is read into the use case's typed request, the use case of src/app runs on the knowledge
// and the test clock, and the answer (or the error) is the v1 JSON of src/wire, with the HTTP
// status the API would send.

struct Answered {
  int status = 0;
  json body;  // the answer's JSON (a string holding the raw body when it is not JSON)
};

Answered Answer(const std::string& use_case, const json& request) {
  const webapp::CalculatorRoute* route = webapp::FindCalculator(use_case);
  if (route == nullptr) return {404, json("no use case " + use_case)};
  auto answer = route->answer(testing::TestContext(nullptr), request);
  if (!answer.ok()) return {webapp::ErrorStatus(answer.error()), wire::ErrorJson(answer.error())};
  return {200, *answer};
}

// The use cases a case folder may name.
std::vector<std::string> UseCases() {
  std::vector<std::string> names;
  for (const webapp::CalculatorRoute& c : webapp::CalculatorRoutes()) names.push_back(c.name);
  return names;
}

// --- Comparison: `expect` is a subset of the answer ---------------------------------------------

constexpr double kTolerance = 1e-9;

std::string Show(const json& v) {
  std::string s = v.dump();
  return s.size() > 300 ? s.substr(0, 300) + "..." : s;
}

std::string Keys(const json& obj) {
  std::string out;
  for (const auto& [key, value] : obj.items()) out += (out.empty() ? "" : ", ") + key;
  return out.empty() ? "none" : out;
}

// {"contains": [...]}: each listed element matches some element of the answer's array.
bool IsContains(const json& expected) {
  return expected.is_object() && expected.size() == 1 && expected.contains("contains") &&
         expected["contains"].is_array();
}

// Appends one line per difference between `expected` and `actual` at `path`.
void Compare(const json& expected, const json& actual, const std::string& path, std::vector<std::string>& bad);

bool Matches(const json& expected, const json& actual) {
  std::vector<std::string> bad;
  Compare(expected, actual, "", bad);
  return bad.empty();
}

void Compare(const json& expected, const json& actual, const std::string& path, std::vector<std::string>& bad) {
  const std::string at = path.empty() ? "(the answer)" : path;
  if (IsContains(expected)) {
    if (!actual.is_array()) {
      bad.push_back(at + ": expected a list containing " + Show(expected["contains"]) + ", got " + Show(actual));
      return;
    }
    for (size_t i = 0; i < expected["contains"].size(); ++i) {
      const json& want = expected["contains"][i];
      const bool found = std::any_of(actual.begin(), actual.end(), [&](const json& a) { return Matches(want, a); });
      if (!found) bad.push_back(at + ": expected an element matching " + Show(want) + ", got " + Show(actual));
    }
    return;
  }
  if (expected.is_object()) {
    if (!actual.is_object()) {
      bad.push_back(at + ": expected an object, got " + Show(actual));
      return;
    }
    for (const auto& [key, want] : expected.items()) {
      const std::string sub = path.empty() ? key : path + "." + key;
      if (!actual.contains(key)) {
        bad.push_back(sub + ": expected " + Show(want) + ", got no such key (the answer has: " + Keys(actual) + ")");
      } else {
        Compare(want, actual[key], sub, bad);
      }
    }
    return;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) {
      bad.push_back(at + ": expected a list, got " + Show(actual));
      return;
    }
    if (actual.size() != expected.size()) {
      bad.push_back(at + ": expected " + std::to_string(expected.size()) + " elements, got " +
                    std::to_string(actual.size()) + ": " + Show(actual));
      return;
    }
    for (size_t i = 0; i < expected.size(); ++i)
      Compare(expected[i], actual[i], path + "[" + std::to_string(i) + "]", bad);
    return;
  }
  if (expected.is_number()) {
    if (!actual.is_number() || std::fabs(expected.get<double>() - actual.get<double>()) > kTolerance) {
      bad.push_back(at + ": expected " + Show(expected) + ", got " + Show(actual));
    }
    return;
  }
  if (expected != actual) bad.push_back(at + ": expected " + Show(expected) + ", got " + Show(actual));
}

// --- The case files -----------------------------------------------------------------------------

std::string CaseDir() { return testing::TestDataDir() + "/cases"; }

std::vector<std::string> CaseFiles() { return testing::JsonFilesUnder(CaseDir()); }

// Reads and checks a case file; every problem is added to `problems`.
json ReadCase(const std::string& file, std::string& use_case, std::vector<std::string>& problems) {
  const size_t slash = file.find('/');
  use_case = slash == std::string::npos ? "" : file.substr(0, slash);
  const std::vector<std::string> known = UseCases();
  if (std::find(known.begin(), known.end(), use_case) == known.end()) {
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    problems.push_back("the folder must be a use case (tests/cases/<use-case>/NAME.json), one of: " + list);
  }
  std::ifstream in(CaseDir() + "/" + file);
  if (!in) {
    problems.push_back("cannot be opened");
    return json();
  }
  json root = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    problems.push_back("must be one JSON object");
    return json();
  }
  testing::CheckKeys(root, {"description", "request", "expect", "status"},
                     "the case (keys: description, request, expect, status)", problems);
  if (!root.contains("description") || !root["description"].is_string() ||
      root["description"].get<std::string>().empty()) {
    problems.push_back("needs a \"description\": one sentence in plain words with the label section it follows");
  }
  if (!root.contains("request") || !root["request"].is_object()) {
    problems.push_back("needs a \"request\": the request body of the use case, a JSON object");
  }
  if (!root.contains("expect") || !root["expect"].is_object() || root["expect"].empty()) {
    problems.push_back("needs a non-empty \"expect\" object (a case that checks nothing is a failure)");
  }
  if (root.contains("status") && !root["status"].is_number_integer()) {
    problems.push_back("\"status\" must be an HTTP status such as 400");
  }
  return root;
}

class UseCaseCase : public ::testing::TestWithParam<std::string> {};

TEST_P(UseCaseCase, AnswersAsExpected) {
  const std::string file = GetParam();
  const std::string where = "tests/cases/" + file;
  std::string use_case;
  std::vector<std::string> problems;
  const json root = ReadCase(file, use_case, problems);
  if (!problems.empty()) {
    std::string msg = where + ": not a valid case file:\n";
    for (const std::string& p : problems) msg += "  - " + p + "\n";
    ADD_FAILURE() << msg;
    return;
  }
  const Answered answer = Answer(use_case, root["request"]);
  std::vector<std::string> bad;
  const int status = root.value("status", 200);
  if (answer.status != status) {
    bad.push_back("status: expected " + std::to_string(status) + ", got " + std::to_string(answer.status));
  }
  Compare(root["expect"], answer.body, "", bad);
  if (bad.empty()) return;
  std::string msg = where + " (" + root["description"].get<std::string>() + ")\nmismatches:\n";
  for (const std::string& m : bad) msg += "  - " + m + "\n";
  std::string dump = answer.body.dump(2);
  if (dump.size() > 6000) dump = dump.substr(0, 6000) + "\n...";
  ADD_FAILURE() << msg << "the answer (HTTP " << answer.status << "):\n" << dump;
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& param) { return testing::TestNameFor(param.param); }

INSTANTIATE_TEST_SUITE_P(UseCases, UseCaseCase, ::testing::ValuesIn(CaseFiles()), ParamName);

TEST(UseCaseCaseFiles, TheCaseDirectoryHoldsCasesWithDistinctNames) {
  const std::vector<std::string> files = CaseFiles();
  EXPECT_FALSE(files.empty()) << "no *.json case under " << CaseDir();
  std::vector<std::string> names;
  for (const std::string& f : files) names.push_back(testing::TestNameFor(f));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end())
      << "two case files map to the same test name; rename one";
}

// The comparison itself: a wrong or missing value fails, naming the key path.
TEST(UseCaseCaseFiles, TheComparisonIsASubsetWithListsElementByElement) {
  const json answer = json::parse(R"({"grade": 3, "band": "x", "items": [{"id": "a", "points": 4}, {"id": "b"}],
                                      "score": 0.1})");
  std::vector<std::string> bad;
  Compare(json::parse(R"({"grade": 3, "items": [{"id": "a"}, {}], "score": 0.1000000000001})"), answer, "", bad);
  EXPECT_TRUE(bad.empty()) << bad.front();
  Compare(json::parse(R"({"items": {"contains": [{"points": 4}]}})"), answer, "", bad);
  EXPECT_TRUE(bad.empty()) << bad.front();

  Compare(json::parse(R"({"grade": 2})"), answer, "", bad);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0], "grade: expected 2, got 3");
  bad.clear();
  Compare(json::parse(R"({"items": [{"id": "a", "points": 5}, {}]})"), answer, "", bad);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0], "items[0].points: expected 5, got 4");
  bad.clear();
  Compare(json::parse(R"({"items": [{"id": "a"}]})"), answer, "", bad);
  EXPECT_EQ(bad.size(), 1u) << "a list is compared with its length";
  bad.clear();
  Compare(json::parse(R"({"items": {"contains": [{"id": "c"}]}})"), answer, "", bad);
  EXPECT_EQ(bad.size(), 1u);
  bad.clear();
  Compare(json::parse(R"({"term": "Anemia"})"), answer, "", bad);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("term: expected \"Anemia\", got no such key"), std::string::npos) << bad[0];
  bad.clear();
  Compare(json::parse(R"({"grade": "3"})"), answer, "", bad);
  EXPECT_EQ(bad.size(), 1u) << "a number is not a text";
}

}  // namespace
}  // namespace lenacare
