// `lenacare knowledge diff OLD NEW` (a label update reviewed before it is installed) and
// `lenacare knowledge sources` (the register), through the real binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "test_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ParseOut;
using testing::RunLenacare;

class KnowledgeDiffCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lenacare-diff-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy(testing::KnowledgeDir(), dir_ / "new", fs::copy_options::recursive);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void Replace(const std::string& rel, const std::string& from, const std::string& to) {
    testing::ReplaceInFile((dir_ / "new" / rel).string(), from, to);
  }
  json Diff() {
    auto r = RunLenacare("knowledge diff " + testing::KnowledgeDir() + " " + (dir_ / "new").string() + " --json");
    EXPECT_EQ(r.exit_code, 0) << testing::Describe(r);
    return ParseOut(r);
  }
  fs::path dir_;
};

TEST_F(KnowledgeDiffCli, TheSamePackHasNoDifferences) {
  const json d = Diff();
  EXPECT_EQ(d["added"], 0);
  EXPECT_EQ(d["removed"], 0);
  EXPECT_EQ(d["changed"], 0);
  EXPECT_TRUE(d["new"]["loads"].get<bool>());
}

TEST_F(KnowledgeDiffCli, ALabelUpdateListsTheValueCitationAndVerificationChanged) {
  // The MCL blood-count schedule confirmed against a newer label, with another schedule.
  Replace("us/monitoring.toml",
          "phases = [ { cycles = \"1\", days = \"1,8,15,22\" }, { cycles = \"2-4\", days = \"1,15\" }, { cycles = "
          "\"5-\", days = \"1\" } ]\ncite = [\"USPI §5.3\"]\nconfidence = \"unconfirmed\"\nverified = false",
          "phases = [ { cycles = \"1\", days = \"1,8,15\" }, { cycles = \"2-\", days = \"1\" } ]\n"
          "cite = [\"USPI §5.3 Table 4\"]\nconfidence = \"label\"\nverified = true");
  // An interaction removed and a register entry added.
  Replace("sources/labels.toml", "[[source]]\nid = \"MedGuide\"",
          "[[source]]\nid = \"USPI-2026\"\nshort = \"REVLIMID US label\"\ntitle = \"t\"\npublisher = \"p\"\n"
          "version = \"2026\"\nkind = \"label\"\nurls = [\"https://example.org/label\"]\naccessed = \"2026-12\"\n\n"
          "[[source]]\nid = \"MedGuide\"");
  const json d = Diff();
  EXPECT_EQ(d["added"], 1) << d.dump(2);
  EXPECT_EQ(d["changed"], 1) << d.dump(2);
  bool mcl = false, added = false;
  for (const json& e : d["entries"]) {
    if (e["file"] == "us/monitoring.toml" && e["id"] == "mcl-cbc") {
      mcl = true;
      EXPECT_EQ(e["change"], "changed");
      std::set<std::string> about;
      for (const json& f : e["fields"])
        about.insert(f["about"].get<std::string>() + ":" + f["field"].get<std::string>());
      EXPECT_EQ(about, (std::set<std::string>{"value:phases", "source:cite", "verification:confidence",
                                              "verification:verified"}));
    }
    if (e["file"] == "sources/labels.toml" && e["id"] == "USPI-2026") added = e["change"] == "added";
  }
  EXPECT_TRUE(mcl) << d.dump(2);
  EXPECT_TRUE(added) << d.dump(2);
  // The text answer says the same.
  auto text = RunLenacare("knowledge diff " + testing::KnowledgeDir() + " " + (dir_ / "new").string());
  EXPECT_NE(text.out.find("changed us/monitoring.toml cbc_schedule 'mcl-cbc'"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("verification verified: false -> true"), std::string::npos) << text.out;
}

TEST_F(KnowledgeDiffCli, TwoChangedEntriesAreReportedAndNothingElse) {
  Replace("us/monitoring.toml", "{ cycles = \"1\", days = \"1,8,15\" }, { cycles = \"2-4\", days = \"1,15\" }",
          "{ cycles = \"1\", days = \"1,8,15,22\" }, { cycles = \"2-4\", days = \"1,15\" }");
  Replace("us/monitoring.toml",
          "id = \"mcl-cbc\"\nindications = [\"mcl\"]\nphases = [ { cycles = \"1\", days = \"1,8,15,22\" }",
          "id = \"mcl-cbc\"\nindications = [\"mcl\"]\nphases = [ { cycles = \"1\", days = \"1,8,15\" }");
  const json d = Diff();
  EXPECT_EQ(d["added"], 0) << d.dump(2);
  EXPECT_EQ(d["removed"], 0) << d.dump(2);
  EXPECT_EQ(d["changed"], 2) << d.dump(2);
  std::set<std::string> changed;
  for (const json& e : d["entries"]) changed.insert(e["file"].get<std::string>() + " " + e["id"].get<std::string>());
  EXPECT_EQ(changed, (std::set<std::string>{"us/monitoring.toml fl-mzl-cbc", "us/monitoring.toml mcl-cbc"}));
}

TEST_F(KnowledgeDiffCli, ANewPackThatDoesNotLoadSaysWhy) {
  Replace("us/monitoring.toml", "cite = [\"USPI §5.3\"]", "cite = [\"USPI\"]");
  const json d = Diff();
  EXPECT_FALSE(d["new"]["loads"].get<bool>());
  EXPECT_NE(d["new"]["problem"].get<std::string>().find("no section"), std::string::npos) << d.dump(2);
}

TEST(KnowledgeSourcesCli, ListsEveryRegisterEntryWithItsPublicAddress) {
  auto r = RunLenacare("knowledge sources --json");
  ASSERT_EQ(r.exit_code, 0) << testing::Describe(r);
  const json j = ParseOut(r);
  ASSERT_EQ(j["sources"].size(), testing::K().sources.docs().size());
  for (const json& s : j["sources"]) {
    if (s["kind"] != "policy") {
      EXPECT_FALSE(s["urls"].empty()) << s.dump();
    }
    for (const json& u : s["urls"]) EXPECT_EQ(u.get<std::string>().rfind("http", 0), 0u) << s.dump();
  }
  EXPECT_GE(j["confidence"].size(), 8u);
}

}  // namespace
}  // namespace lenacare
