// Hostile input to the course reader through the real binary (issue 13's first crashes): every one
// is exit 2 with a message naming the field or the problem, never a crash or a silent wrong
// answer, and `--json` errors are valid UTF-8 JSON.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "store_support.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;

// The documented example course with `event_text` (raw JSON text) appended to its events, written
// to a file of its own; `lenacare evaluate FILE --as-of 2026-01-20 --json`.
testing::CommandResult EvaluateWith(const std::string& event_text) {
  std::ifstream in(std::string(LENACARE_TEST_DATA_DIR) + "/../docs/examples/myeloma-platelets.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t events = text.find("\"events\"");
  const size_t open = text.find('[', events);
  text.insert(open + 1, event_text + ",");
  static testing::TestDatabase dir{"sqlite"};
  static int n = 0;
  const std::string file = dir.dir() + "/hostile-" + std::to_string(++n) + ".json";
  std::ofstream(file, std::ios::binary) << text;
  return testing::RunLenacare("evaluate '" + file + "' --as-of 2026-01-20 --json");
}

void ExpectRefused(const testing::CommandResult& r, const std::string& says) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
  const json out = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(out.is_discarded()) << "not JSON: " << r.out.substr(0, 300);
  EXPECT_EQ(out["error"]["kind"], "bad-input");
}

TEST(HostileInput, ANumberTooLargeForADoubleIsBadInput) {
  ExpectRefused(EvaluateWith(R"({"date": "2026-01-15", "type": "dose-change", "dose_mg": 1e309})"), "out of range");
  ExpectRefused(
      EvaluateWith(R"({"date": "2026-01-15", "type": "dose-change", "dose_mg": )" + std::string(400, '9') + "}"),
      "out of range");
}

TEST(HostileInput, AGradeIsCheckedBeforeItIsNarrowed) {
  // 4294967299 = 2^32 + 3: read as 32 bits it was grade 3.
  for (const char* grade : {"4294967299", "4294967298", "18446744073709551615", "-1", "6"}) {
    SCOPED_TRACE(grade);
    ExpectRefused(EvaluateWith(std::string(R"({"date": "2026-01-15", "type": "toxicity", "term": "rash", "grade": )") +
                               grade + "}"),
                  "grade");
  }
}

TEST(HostileInput, AKeyGivenTwiceIsBadInput) {
  // Which one would count? 24 is a hold, 240 is not.
  ExpectRefused(
      EvaluateWith(
          R"({"date": "2026-01-15", "type": "lab", "test": "platelets", "value": "24 10*9/L", "value": "240 10*9/L"})"),
      "given twice");
}

TEST(HostileInput, DeepNestingIsBadInputNotAStackOverflow) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ExpectRefused(EvaluateWith(R"({"date": "2026-01-15", "type": "lab", "test": )" + deep + "}"), "nested deeper");
}

TEST(HostileInput, InvalidUtf8InAnErrorIsStillValidJson) {
  // An unknown test name with bytes that are not UTF-8: the message quotes it, the JSON stays valid.
  const testing::CommandResult r =
      EvaluateWith("{\"date\": \"2026-01-15\", \"type\": \"lab\", \"test\": \"pl\xff\xfe\", \"value\": \"1 10*9/L\"}");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(json::parse(r.out, nullptr, false).is_discarded()) << r.out.substr(0, 300);
}

}  // namespace
}  // namespace lenacare
