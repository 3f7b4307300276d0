// What lenacare shows and documents cites public documents, never the research notes its
// knowledge was compiled from (issue 17); the pages and answers the web tests produce are checked
// as they are made (TestSite), the documented CLI examples by the golden tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path RepoRoot() { return fs::path(testing::KnowledgeDir()).parent_path(); }

TEST(PlainLanguage, TheReadmeCitesNoResearchNotes) {
  const std::string readme = ReadAll(RepoRoot() / "README.md");
  ASSERT_FALSE(readme.empty());
  for (const std::string& ref : testing::ResearchReferences(readme)) ADD_FAILURE() << "README.md: " << ref;
}

TEST(PlainLanguage, NoKnowledgeFileCitesTheResearchNotes) {
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(testing::KnowledgeDir())) {
    if (!e.is_regular_file()) continue;
    ++files;
    for (const std::string& ref : testing::ResearchReferences(ReadAll(e.path()))) {
      ADD_FAILURE() << fs::relative(e.path(), RepoRoot()).string() << ": " << ref;
    }
  }
  EXPECT_GT(files, 30);
}

TEST(PlainLanguage, TheScanFindsWhatItLooksFor) {
  // The scan itself can fail: each kind of reference it exists to catch is caught.
  for (const char* text : {"see label-facts.md §7.1", "(standards.md §4.1)", "rated [UNV] here", "[SEC/V-old]",
                           "S18, S6, S23", "content-facts §1.7"}) {
    EXPECT_FALSE(testing::ResearchReferences(text).empty()) << text;
  }
  for (const char* text : {"give either --crcl or --age", "record patient.can_become_pregnant"}) {
    EXPECT_FALSE(testing::PlainLanguageProblems(text).empty()) << text;
    EXPECT_TRUE(testing::ResearchReferences(text).empty()) << text;
  }
  for (const char* text : {"REVLIMID US label 8/2023, §2.1 Table 1", "SWOG S0777", "ICD-10-CM C90.00", "10*9/L",
                           "a long dash -- in prose"}) {
    EXPECT_TRUE(testing::PlainLanguageProblems(text).empty()) << text;
  }
  EXPECT_EQ(testing::VisibleText("<p title=\"--x\">a &amp; b<!-- --y --></p><style>.a{--z:1}</style>"), " a & b   ");
}

}  // namespace
}  // namespace lenacare
