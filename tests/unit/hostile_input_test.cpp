// Hostile input to the course reader through the real binary (issue 13's first crashes): every one
// is exit 2 with a message naming the field or the problem, never a crash or a silent wrong
// answer, and `--json` errors are valid UTF-8 JSON.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "course/json_input.h"
#include "http/server.h"
#include "store_support.h"
#include "test_support.h"
#include "webapp_support.h"

namespace lenacare {
namespace {

using nlohmann::json;

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

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

// A response series (the documented example) with its criteria replaced, through the binary.
testing::CommandResult ResponseWithCriteria(const std::string& criteria) {
  json series = ReadJson(std::string(LENACARE_TEST_DATA_DIR) + "/../docs/examples/response-progression.json");
  series["criteria"] = criteria;
  static testing::TestDatabase dir{"sqlite"};
  static int n = 0;
  const std::string file = dir.dir() + "/series-" + std::to_string(++n) + ".json";
  std::ofstream(file, std::ios::binary) << series.dump();
  return testing::RunLenacare("response '" + file + "' --json");
}

TEST(HostileInput, ALongCriteriaNameIsAnUnknownVersionNotACrash) {
  // 255 bytes and more made std::filesystem::exists throw "File name too long" (exit 134; HTTP 500).
  for (const size_t n : {size_t{255}, size_t{4096}}) {
    SCOPED_TRACE(n);
    const testing::CommandResult r = ResponseWithCriteria(std::string(n, 'I'));
    ExpectRefused(r, "unknown criteria version");
    EXPECT_LT(r.err.size(), 400u) << "the message must not echo the whole name: " << r.err;
  }
  json series = ReadJson(std::string(LENACARE_TEST_DATA_DIR) + "/../docs/examples/response-progression.json");
  series["criteria"] = std::string(255, 'I');
  testing::TestSite site(testing::TestSite::Seed::kEmpty);
  const http::Response r = site.PostJson("/api/v1/response", {{"series", series}}, nullptr);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["field"], "criteria") << r.body;
}

TEST(HostileInput, AMessageNeverEchoesUnboundedInput) {
  // An unknown test name of 100,000 bytes is named by its first 80 and its length.
  const testing::CommandResult r = EvaluateWith(R"({"date": "2026-01-15", "type": "lab", "test": ")" +
                                                std::string(3000, 'x') + R"(", "value": "1 10*9/L"})");
  EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 300);
  EXPECT_LT(r.err.size(), 400u) << r.err.substr(0, 600);
  EXPECT_NE(r.err.find("(3000 bytes)"), std::string::npos) << r.err.substr(0, 600);
}

TEST(HostileInput, ATextLongerThanTheLimitIsBadInput) {
  ExpectRefused(
      EvaluateWith(R"({"date": "2026-01-15", "type": "dose-missed", "reason": ")" + std::string(5000, 'x') + R"("})"),
      "longer than 4096 bytes");
}

TEST(HostileInput, TheApiReadsABodyWithTheCourseReadersRules) {
  // A key twice (which counts?), deep nesting, a number beyond a double: 400 naming the body.
  testing::TestSite site(testing::TestSite::Seed::kEmpty);
  for (const std::string& body :
       {std::string(R"({"indication": "mm", "indication": "mds", "crcl": "45 mL/min"})"),
        std::string(R"({"indication": "mm", "crcl": )") + std::string(64, '[') + std::string(64, ']') + "}",
        std::string(R"({"indication": "mm", "crcl": 1e309})")}) {
    SCOPED_TRACE(body);
    const http::Response r = site.Send("POST", "/api/v1/start-dose", body, "application/json");
    EXPECT_EQ(r.status, 400) << r.body;
    const json j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.body;
    EXPECT_EQ(j["error"]["field"], "body") << r.body;
  }
}

TEST(HostileInput, AFileNameThatIsNotUtf8KeepsImportJsonValid) {
  // `import --json` aborted writing its summary when the file name (quoted in a problem) was not UTF-8.
  testing::TestDatabase data("sqlite");
  const std::string file = data.dir() + "/bad-\xff\xfe.ndjson";
  std::ofstream(file, std::ios::binary) << "not json\n";
  const testing::CommandResult r = testing::RunLenacare("import '" + file + "' --json --db '" + data.target() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const json out = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(out.is_discarded()) << "not JSON: " << r.out.substr(0, 300);
  EXPECT_EQ(out["invalid"], 1) << r.out;
}

TEST(HostileInput, TheRequestParserAnswersBadRequestsWithTheirStatus) {
  const auto ok = http::ParseRequestBytes(
      "POST /api/v1/crcl?as_of=2026-01-02 HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2\r\n"
      "Content-Length: 2\r\n\r\n{}",
      1024);
  ASSERT_EQ(ok.status, 0) << ok.message;
  EXPECT_EQ(ok.request.path, "/api/v1/crcl");
  EXPECT_EQ(ok.request.Query("as_of"), "2026-01-02");
  EXPECT_EQ(ok.request.Cookie("b"), "2");
  EXPECT_EQ(ok.request.body, "{}");
  EXPECT_EQ(http::ParseRequestBytes("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 1024).status, 400);
  EXPECT_EQ(http::ParseRequestBytes("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 1024).status, 400);
  EXPECT_EQ(http::ParseRequestBytes("GET / HTTP/1.1\r\nHost: x\r\n", 1024).message, "incomplete request");
  EXPECT_EQ(http::ParseRequestBytes("GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n", 1024).status, 431);
  EXPECT_EQ(
      http::ParseRequestBytes("POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n" + std::string(2000, 'a'), 1024).status,
      413);
  EXPECT_EQ(http::ParseRequestBytes("G\x01T / HTTP/1.1\r\n\r\n", 1024).status, 400);
}

// Stored event bodies are read without the per-key checks of typed input (the store wrote them
// as dumps of checked objects), but a body altered in the database still cannot nest deep enough
// to exhaust the stack, and anything wrong is reported as the checked reader reports it.
TEST(HostileInput, AWrittenObjectIsReadAsTheCheckedReaderReadsItAndDeepNestingIsStillRefused) {
  using json_input::ParseObject;
  using json_input::ParseWrittenObject;
  const std::string body =
      R"({"type":"hold","date":"2026-01-12","note":"a \"[[[[\" and {{ in a text","n":[1,{"x":2}]})";
  auto written = ParseWrittenObject(body, "event 7");
  auto checked = ParseObject(body, "event 7");
  ASSERT_TRUE(written.ok()) << written.error().Describe();
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(*written, *checked);
  const std::string brackets_in_text = R"({"note":")" + std::string(100, '[') + R"("})";
  EXPECT_TRUE(ParseWrittenObject(brackets_in_text, "event 7").ok());
  const int depth = json_input::kMaxDepth;
  for (const std::string& bad : {R"({"a":)" + std::string(depth, '[') + std::string(depth, ']') + "}",
                                 R"({"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}",
                                 std::string(R"({"a": 1)"), std::string("[1]"), std::string(R"({"a": 1e309})")}) {
    auto w = ParseWrittenObject(bad, "event 7");
    auto c = ParseObject(bad, "event 7");
    ASSERT_FALSE(w.ok()) << bad.substr(0, 40);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(w.error().Describe(), c.error().Describe());
  }
  const std::string just_deep_enough = R"({"a":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  EXPECT_TRUE(ParseWrittenObject(just_deep_enough, "event 7").ok());
  EXPECT_TRUE(ParseObject(just_deep_enough, "event 7").ok());
}

}  // namespace
}  // namespace lenacare
