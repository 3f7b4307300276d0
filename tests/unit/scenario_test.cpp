// Data-driven scenario tests for Evaluate(): every *.json file under tests/scenarios/ is one test.
//
// A scenario file holds a plain-words "description" (with the section of the clinical facts each
// expected value comes from), a "course" in the course JSON format (course_json.h), and a list of
// "checks". Each check evaluates the course as of one date (events after that date are ignored, so
// one course tells a story step by step) and compares the assessment with "expect".
// tests/scenarios/README.md lists every field a check can expect.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/quantity.h"
#include "course/course_json.h"
#include "course/evaluate.h"
#include "test_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ScenarioDir() { return testing::TestDataDir() + "/scenarios"; }

// Every scenario file, as a path relative to the scenario directory, sorted.
std::vector<std::string> ScenarioFiles() { return testing::JsonFilesUnder(ScenarioDir()); }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

constexpr CourseStatus kStatuses[] = {CourseStatus::kTaking, CourseStatus::kRest, CourseStatus::kInterrupted,
                                      CourseStatus::kStopped, CourseStatus::kCannotAssess};
constexpr Action kActions[] = {Action::kTake,
                               Action::kRest,
                               Action::kInterrupt,
                               Action::kKeepHolding,
                               Action::kResume,
                               Action::kCheckBloodCount,
                               Action::kPrescriberDecides,
                               Action::kStop,
                               Action::kCheckDose,
                               Action::kNote,
                               Action::kCannotAssess};

bool KnownStatus(const std::string& id) {
  return std::any_of(std::begin(kStatuses), std::end(kStatuses),
                     [&](CourseStatus s) { return CourseStatusId(s) == id; });
}
bool KnownAction(const std::string& id) {
  return std::any_of(std::begin(kActions), std::end(kActions), [&](Action a) { return ActionId(a) == id; });
}
std::string KnownActionList() {
  std::string out;
  for (Action a : kActions) out += (out.empty() ? "" : ", ") + std::string(ActionId(a));
  return out;
}

// The whole assessment, one recommendation a line, for failure messages.
std::string Dump(const Assessment& a) {
  std::ostringstream out;
  out << "  status: " << CourseStatusId(a.status) << "\n"
      << "  dose: " << (a.dose ? a.dose->Describe() : std::string("none")) << "\n"
      << "  cycle " << a.cycle << ", day " << a.cycle_day << (a.pill_today ? " (pill day)" : "") << "\n"
      << "  verified: " << (a.verified() ? "true" : "false") << "\n";
  if (!a.cannot_assess.empty()) out << "  cannot_assess: " << a.cannot_assess << "\n";
  out << "  recommendations (" << a.recommendations.size() << "):\n";
  for (const Recommendation& r : a.recommendations) {
    out << "    [" << ActionId(r.action) << "]" << (r.verified ? "" : " (unverified)") << " " << r.reason;
    if (!r.source.empty()) out << "\n        source: " << r.source;
    out << "\n";
  }
  return out.str();
}

bool HasAction(const Assessment& a, const std::string& id) {
  return std::any_of(a.recommendations.begin(), a.recommendations.end(),
                     [&](const Recommendation& r) { return ActionId(r.action) == id; });
}

// Whether `text` (case-insensitive) appears in a recommendation's reason or in cannot_assess.
bool Mentions(const Assessment& a, const std::string& text) {
  const std::string needle = Lower(text);
  if (Lower(a.cannot_assess).find(needle) != std::string::npos) return true;
  return std::any_of(a.recommendations.begin(), a.recommendations.end(),
                     [&](const Recommendation& r) { return Lower(r.reason).find(needle) != std::string::npos; });
}

// A list of strings, or a problem.
std::vector<std::string> Strings(const json& v, const std::string& where, std::vector<std::string>& problems) {
  std::vector<std::string> out;
  if (!v.is_array()) {
    problems.push_back(where + ": must be a list of strings");
    return out;
  }
  for (const json& s : v) {
    if (!s.is_string()) {
      problems.push_back(where + ": must be a list of strings");
      return {};
    }
    out.push_back(s.get<std::string>());
  }
  return out;
}

// Compares one assessment with one "expect" object; returns the mismatches (empty: all good).
std::vector<std::string> Compare(const Assessment& a, const json& expect) {
  std::vector<std::string> bad;
  if (!expect.is_object()) return {"\"expect\" must be an object"};
  testing::CheckKeys(expect,
                     {"status", "dose_mg", "frequency", "days", "cycle", "cycle_day", "verified", "actions",
                      "no_actions", "reason_contains", "reason_not_contains"},
                     "expect", bad);
  if (!expect.contains("status")) bad.push_back("expect.status is required");

  if (auto it = expect.find("status"); it != expect.end()) {
    if (!it->is_string() || !KnownStatus(it->get<std::string>())) {
      bad.push_back("expect.status must be one of taking, rest, interrupted, stopped, cannot-assess");
    } else if (CourseStatusId(a.status) != it->get<std::string>()) {
      bad.push_back("status: expected " + it->get<std::string>() + ", got " + std::string(CourseStatusId(a.status)));
    }
  }
  if (auto it = expect.find("dose_mg"); it != expect.end()) {
    if (it->is_null()) {
      if (a.dose) bad.push_back("dose_mg: expected none, got " + a.dose->Describe());
    } else if (!it->is_number()) {
      bad.push_back("expect.dose_mg must be a number or null");
    } else if (!a.dose) {
      bad.push_back("dose_mg: expected " + FormatNumber(it->get<double>()) + ", got none");
    } else if (std::fabs(a.dose->dose_mg - it->get<double>()) > 1e-9) {
      bad.push_back("dose_mg: expected " + FormatNumber(it->get<double>()) + ", got " + a.dose->Describe());
    }
  }
  if (auto it = expect.find("frequency"); it != expect.end()) {
    if (!it->is_string()) {
      bad.push_back("expect.frequency must be \"daily\" or \"every-other-day\"");
    } else if (!a.dose) {
      bad.push_back("frequency: expected " + it->get<std::string>() + ", got no dose");
    } else if (FrequencyName(a.dose->frequency) != it->get<std::string>()) {
      bad.push_back("frequency: expected " + it->get<std::string>() + ", got " +
                    std::string(FrequencyName(a.dose->frequency)));
    }
  }
  if (auto it = expect.find("days"); it != expect.end()) {
    if (!it->is_string()) {
      bad.push_back("expect.days must be a day set such as \"1-21\"");
    } else if (!a.dose) {
      bad.push_back("days: expected " + it->get<std::string>() + ", got no dose");
    } else if (a.dose->days.text() != it->get<std::string>()) {
      bad.push_back("days: expected " + it->get<std::string>() + ", got " + a.dose->days.text());
    }
  }
  if (auto it = expect.find("cycle"); it != expect.end()) {
    if (!it->is_number_integer()) {
      bad.push_back("expect.cycle must be a whole number");
    } else if (a.cycle != it->get<int>()) {
      bad.push_back("cycle: expected " + std::to_string(it->get<int>()) + ", got " + std::to_string(a.cycle));
    }
  }
  if (auto it = expect.find("cycle_day"); it != expect.end()) {
    if (!it->is_number_integer()) {
      bad.push_back("expect.cycle_day must be a whole number");
    } else if (a.cycle_day != it->get<int>()) {
      bad.push_back("cycle_day: expected " + std::to_string(it->get<int>()) + ", got " + std::to_string(a.cycle_day));
    }
  }
  if (auto it = expect.find("verified"); it != expect.end()) {
    if (!it->is_boolean()) {
      bad.push_back("expect.verified must be true or false");
    } else if (a.verified() != it->get<bool>()) {
      bad.push_back(std::string("verified: expected ") + (it->get<bool>() ? "true" : "false") + ", got " +
                    (a.verified() ? "true" : "false"));
    }
  }
  if (auto it = expect.find("actions"); it != expect.end()) {
    for (const std::string& id : Strings(*it, "expect.actions", bad)) {
      if (!KnownAction(id)) {
        bad.push_back("expect.actions: unknown action '" + id + "' (known: " + KnownActionList() + ")");
      } else if (!HasAction(a, id)) {
        bad.push_back("actions: expected a '" + id + "' recommendation, found none");
      }
    }
  }
  if (auto it = expect.find("no_actions"); it != expect.end()) {
    for (const std::string& id : Strings(*it, "expect.no_actions", bad)) {
      if (!KnownAction(id)) {
        bad.push_back("expect.no_actions: unknown action '" + id + "' (known: " + KnownActionList() + ")");
      } else if (HasAction(a, id)) {
        bad.push_back("no_actions: expected no '" + id + "' recommendation, found one");
      }
    }
  }
  if (auto it = expect.find("reason_contains"); it != expect.end()) {
    for (const std::string& text : Strings(*it, "expect.reason_contains", bad)) {
      if (!Mentions(a, text)) bad.push_back("reason_contains: no reason or cannot_assess mentions \"" + text + "\"");
    }
  }
  if (auto it = expect.find("reason_not_contains"); it != expect.end()) {
    for (const std::string& text : Strings(*it, "expect.reason_not_contains", bad)) {
      if (Mentions(a, text)) bad.push_back("reason_not_contains: a reason or cannot_assess mentions \"" + text + "\"");
    }
  }
  return bad;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, MatchesTheFacts) {
  const std::string file = GetParam();
  const std::string path = ScenarioDir() + "/" + file;
  json root;
  if (!testing::ReadScenarioFile(path, file, "label-facts.md \u00a73.2", root)) return;

  auto course = ParseCourseJson(testing::K(), root["course"].dump());
  ASSERT_TRUE(course.ok()) << file << ": the course does not parse: " << course.error().Describe();

  const json& checks = root["checks"];
  for (size_t i = 0; i < checks.size(); ++i) {
    const json& check = checks[i];
    const std::string where = file + ", checks[" + std::to_string(i) + "]";
    if (!check.is_object()) {
      ADD_FAILURE() << where << ": must be an object";
      continue;
    }
    std::vector<std::string> bad;
    testing::CheckKeys(check, {"as_of", "why", "expect"}, "check", bad);
    if (!check.contains("expect")) bad.push_back("check: needs \"expect\"");
    std::optional<Date> as_of;
    if (!check.contains("as_of") || !check["as_of"].is_string()) {
      bad.push_back("check: needs \"as_of\" (YYYY-MM-DD)");
    } else if (auto d = Date::Parse(check["as_of"].get<std::string>()); !d.ok()) {
      bad.push_back("as_of: " + d.error().Describe());
    } else {
      as_of = *d;
    }
    std::optional<Assessment> a;
    if (as_of && check.contains("expect")) {
      a = Evaluate(testing::K(), *course, *as_of);
      for (std::string& m : Compare(*a, check["expect"])) bad.push_back(std::move(m));
    }
    if (bad.empty()) continue;
    std::ostringstream msg;
    msg << "scenario " << file << ", check " << i << ", as_of " << (as_of ? as_of->ToString() : std::string("?"))
        << "\n";
    if (check.contains("why") && check["why"].is_string()) msg << "  why: " << check["why"].get<std::string>() << "\n";
    msg << "mismatches:\n";
    for (const std::string& m : bad) msg << "  - " << m << "\n";
    if (a) msg << "assessment:\n" << Dump(*a);
    ADD_FAILURE() << msg.str();
  }
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& param) { return testing::TestNameFor(param.param); }

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()), ParamName);

TEST(ScenarioFiles, TheScenarioDirectoryHoldsScenarios) {
  const std::vector<std::string> files = ScenarioFiles();
  EXPECT_FALSE(files.empty()) << "no *.json scenario under " << ScenarioDir();
  std::vector<std::string> names;
  for (const std::string& f : files) names.push_back(testing::TestNameFor(f));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end())
      << "two scenario files map to the same test name; rename one";
}

}  // namespace
}  // namespace lenacare
