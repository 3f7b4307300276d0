// Data-driven scenario tests for the pregnancy-prevention (Lenalidomide REMS) checklist: every *.json
// file under tests/rems-scenarios/ is one test (RemsScenarios/RemsScenarioTest.MatchesTheFacts/<file>).
//
// A scenario file holds a plain-words "description" citing the section of the clinical facts it
// follows (label-facts.md §7...), a "course" in the course JSON format (course_json.h) and a list of
// "checks". Each check builds the checklist as of one date (events after that date are ignored, so one
// course tells a story step by step) and compares it with "expect". tests/rems-scenarios/README.md
// lists the fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "course/course_json.h"
#include "course/rems.h"
#include "test_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string RemsScenarioDir() { return testing::TestDataDir() + "/rems-scenarios"; }

std::vector<std::string> RemsScenarioFiles() { return testing::JsonFilesUnder(RemsScenarioDir()); }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

constexpr ItemStatus kItemStatuses[] = {ItemStatus::kMet,      ItemStatus::kDue,     ItemStatus::kOverdue,
                                        ItemStatus::kBlocking, ItemStatus::kUnknown, ItemStatus::kInfo};
constexpr DispenseAnswer kAnswers[] = {DispenseAnswer::kYes, DispenseAnswer::kNo, DispenseAnswer::kCannotAssess};

bool KnownItemStatus(const std::string& id) {
  return id == "absent" || std::any_of(std::begin(kItemStatuses), std::end(kItemStatuses),
                                       [&](ItemStatus s) { return ItemStatusId(s) == id; });
}
bool KnownAnswer(const std::string& id) {
  return std::any_of(std::begin(kAnswers), std::end(kAnswers),
                     [&](DispenseAnswer a) { return DispenseAnswerId(a) == id; });
}

const ChecklistItem* FindItem(const RemsChecklist& r, const std::string& id) {
  for (const ChecklistItem& i : r.items) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

std::string Dump(const RemsChecklist& r) {
  std::ostringstream out;
  out << "  category: " << r.category << "\n  may_dispense: " << DispenseAnswerId(r.may_dispense)
      << "\n  verified: " << (r.verified() ? "true" : "false") << "\n";
  for (const std::string& reason : r.reasons) out << "  reason: " << reason << "\n";
  out << "  items (" << r.items.size() << "):\n";
  for (const ChecklistItem& i : r.items) {
    out << "    [" << ItemStatusId(i.status) << "] " << i.id << (i.blocks_dispensing ? " (blocks)" : "")
        << (i.verified ? "" : " (unverified)") << (i.due ? " due " + i.due->ToString() : std::string()) << ": "
        << i.detail << "\n";
  }
  return out.str();
}

// Compares one checklist with one "expect" object; returns the mismatches (empty: all good).
std::vector<std::string> Compare(const RemsChecklist& r, const json& expect) {
  std::vector<std::string> bad;
  if (!expect.is_object()) return {"\"expect\" must be an object"};
  testing::CheckKeys(expect, {"may_dispense", "items", "due", "reasons_contain", "verified"}, "expect", bad);

  if (auto it = expect.find("may_dispense"); it == expect.end()) {
    bad.push_back("expect.may_dispense is required");
  } else if (!it->is_string() || !KnownAnswer(it->get<std::string>())) {
    bad.push_back("expect.may_dispense must be yes, no or cannot-assess");
  } else if (DispenseAnswerId(r.may_dispense) != it->get<std::string>()) {
    bad.push_back("may_dispense: expected " + it->get<std::string>() + ", got " +
                  std::string(DispenseAnswerId(r.may_dispense)));
  }
  if (auto it = expect.find("items"); it != expect.end()) {
    if (!it->is_object()) {
      bad.push_back("expect.items must be an object {\"<item id>\": \"<status>\"}");
    } else {
      for (const auto& [id, status] : it->items()) {
        if (!status.is_string() || !KnownItemStatus(status.get<std::string>())) {
          bad.push_back("expect.items." + id + " must be met, due, overdue, blocking, unknown, info or absent");
          continue;
        }
        const ChecklistItem* i = FindItem(r, id);
        const std::string got = i == nullptr ? "absent" : std::string(ItemStatusId(i->status));
        if (got != status.get<std::string>()) {
          bad.push_back("items." + id + ": expected " + status.get<std::string>() + ", got " + got);
        }
      }
    }
  }
  if (auto it = expect.find("due"); it != expect.end()) {
    if (!it->is_object()) {
      bad.push_back("expect.due must be an object {\"<item id>\": \"YYYY-MM-DD\"}");
    } else {
      for (const auto& [id, date] : it->items()) {
        const ChecklistItem* i = FindItem(r, id);
        if (!date.is_string() || !Date::Parse(date.get<std::string>()).ok()) {
          bad.push_back("expect.due." + id + " must be a date YYYY-MM-DD");
        } else if (i == nullptr) {
          bad.push_back("due." + id + ": expected " + date.get<std::string>() + ", but the item is absent");
        } else if (!i->due || i->due->ToString() != date.get<std::string>()) {
          bad.push_back("due." + id + ": expected " + date.get<std::string>() + ", got " +
                        (i->due ? i->due->ToString() : std::string("none")));
        }
      }
    }
  }
  if (auto it = expect.find("reasons_contain"); it != expect.end()) {
    if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](const json& s) { return s.is_string(); })) {
      bad.push_back("expect.reasons_contain must be a list of strings");
    } else {
      for (const json& text : *it) {
        const std::string needle = Lower(text.get<std::string>());
        const bool found = std::any_of(r.reasons.begin(), r.reasons.end(), [&](const std::string& reason) {
          return Lower(reason).find(needle) != std::string::npos;
        });
        if (!found) bad.push_back("reasons_contain: no reason mentions \"" + text.get<std::string>() + "\"");
      }
    }
  }
  if (auto it = expect.find("verified"); it != expect.end()) {
    if (!it->is_boolean()) {
      bad.push_back("expect.verified must be true or false");
    } else if (r.verified() != it->get<bool>()) {
      bad.push_back(std::string("verified: expected ") + (it->get<bool>() ? "true" : "false") + ", got " +
                    (r.verified() ? "true" : "false"));
    }
  }
  return bad;
}

class RemsScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RemsScenarioTest, MatchesTheFacts) {
  const std::string file = GetParam();
  json root;
  if (!testing::ReadScenarioFile(RemsScenarioDir() + "/" + file, file, "label-facts.md \u00a77.1", root)) return;

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
    std::optional<RemsChecklist> list;
    if (as_of && check.contains("expect")) {
      auto r = BuildRemsChecklist(testing::K(), *course, *as_of);
      if (!r.ok()) {
        bad.push_back("no checklist: " + r.error().Describe());
      } else {
        list = *r;
        for (std::string& m : Compare(*list, check["expect"])) bad.push_back(std::move(m));
      }
    }
    if (bad.empty()) continue;
    std::ostringstream msg;
    msg << "REMS scenario " << file << ", check " << i << ", as_of " << (as_of ? as_of->ToString() : std::string("?"))
        << "\n";
    if (check.contains("why") && check["why"].is_string()) msg << "  why: " << check["why"].get<std::string>() << "\n";
    msg << "mismatches:\n";
    for (const std::string& m : bad) msg << "  - " << m << "\n";
    if (list) msg << "checklist:\n" << Dump(*list);
    ADD_FAILURE() << msg.str();
  }
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& param) { return testing::TestNameFor(param.param); }

INSTANTIATE_TEST_SUITE_P(RemsScenarios, RemsScenarioTest, ::testing::ValuesIn(RemsScenarioFiles()), ParamName);

TEST(RemsScenarioFiles, TheDirectoryHoldsTheScenariosTheIssueAsksFor) {
  const std::vector<std::string> files = RemsScenarioFiles();
  EXPECT_FALSE(files.empty()) << "no *.json scenario under " << RemsScenarioDir();
  std::vector<std::string> names;
  for (const std::string& f : files) names.push_back(testing::TestNameFor(f));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end())
      << "two scenario files map to the same test name; rename one";
  // Every patient group of label-facts.md §7.1-§7.3 has its story.
  for (const char* category :
       {"adult-female-can-become-pregnant", "adult-female-cannot-become-pregnant", "adult-male"}) {
    bool found = false;
    for (const std::string& f : files) {
      std::ifstream in(RemsScenarioDir() + "/" + f);
      const json root = json::parse(in, nullptr, false);
      if (root.is_object() && root.contains("course") && root["course"].is_object() &&
          root["course"].value("patient", json::object()).value("rems_category", "") == category) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << "no scenario for the category " << category;
  }
}

// The `lenacare rems --json` command gives the same answer as the library for the last check of every
// scenario (the CLI refuses a course with events after --as-of, so only the last date is comparable
// when it is on or after the last event).
TEST(RemsScenarioFiles, TheRemsCommandAgreesWithTheLibrary) {
  int compared = 0;
  for (const std::string& f : RemsScenarioFiles()) {
    std::ifstream in(RemsScenarioDir() + "/" + f);
    const json root = json::parse(in, nullptr, false);
    if (!root.is_object() || !root.contains("course") || !root.contains("checks") || !root["checks"].is_array() ||
        root["checks"].empty()) {
      continue;
    }
    auto course = ParseCourseJson(testing::K(), root["course"].dump());
    if (!course.ok()) continue;
    const std::string as_of_text = root["checks"].back().value("as_of", "");
    auto as_of = Date::Parse(as_of_text);
    if (!as_of.ok() || !CheckEventsUpTo(*course, *as_of, true).ok()) continue;
    auto lib = BuildRemsChecklist(testing::K(), *course, *as_of);
    if (!lib.ok()) continue;
    const testing::CommandResult r =
        testing::RunLenacare("rems - --as-of " + as_of_text + " --json", root["course"].dump());
    SCOPED_TRACE(f + " as of " + as_of_text + "\nstdout: " + r.out + "\nstderr: " + r.err);
    const json out = json::parse(r.out, nullptr, false);
    ASSERT_TRUE(out.is_object());
    EXPECT_EQ(out.value("may_dispense", ""), DispenseAnswerId(lib->may_dispense));
    EXPECT_EQ(out.value("verified", true), lib->verified());
    ++compared;
  }
  EXPECT_GT(compared, 0) << "no scenario's last check could be compared with the command";
}

}  // namespace
}  // namespace lenacare
