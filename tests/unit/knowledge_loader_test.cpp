// LoadKnowledge() refuses a broken knowledge base with a message that names the file, the entry and
// the problem. Each test copies the repository's knowledge/ to a temporary directory, breaks one
// thing, and loads the copy.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "knowledge/loader.h"
#include "test_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

class KnowledgeLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        fs::temp_directory_path() / ("lenacare-kb-" + std::to_string(static_cast<long>(getpid())) + "-" + info->name());
    fs::remove_all(dir_);
    fs::copy(testing::KnowledgeDir(), dir_, fs::copy_options::recursive);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Read(const std::string& rel) const {
    std::ifstream in(dir_ / rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void Write(const std::string& rel, const std::string& text) const {
    std::ofstream out(dir_ / rel, std::ios::trunc);
    out << text;
  }

  // Position of `anchor` in the file (fails the test if it is not there exactly once).
  size_t Find(const std::string& text, const std::string& anchor) const {
    const size_t at = text.find(anchor);
    EXPECT_NE(at, std::string::npos) << "anchor not found: " << anchor;
    if (at != std::string::npos) {
      EXPECT_EQ(text.find(anchor, at + 1), std::string::npos) << "anchor not unique: " << anchor;
    }
    return at;
  }

  // Replaces the first `from` after `anchor` with `to`.
  void ReplaceAfter(const std::string& rel, const std::string& anchor, const std::string& from, const std::string& to) {
    std::string text = Read(rel);
    const size_t at = Find(text, anchor);
    ASSERT_NE(at, std::string::npos);
    const size_t pos = text.find(from, at);
    ASSERT_NE(pos, std::string::npos) << "'" << from << "' not found after " << anchor;
    text.replace(pos, from.size(), to);
    Write(rel, text);
  }

  // Inserts `line` after the line that contains `anchor`.
  void InsertLineAfter(const std::string& rel, const std::string& anchor, const std::string& line) {
    std::string text = Read(rel);
    const size_t at = Find(text, anchor);
    ASSERT_NE(at, std::string::npos);
    const size_t eol = text.find('\n', at);
    ASSERT_NE(eol, std::string::npos);
    text.insert(eol + 1, line + "\n");
    Write(rel, text);
  }

  // Removes the first line starting with `prefix` after `anchor`.
  void RemoveLineAfter(const std::string& rel, const std::string& anchor, const std::string& prefix) {
    std::string text = Read(rel);
    const size_t at = Find(text, anchor);
    ASSERT_NE(at, std::string::npos);
    const size_t start = text.find("\n" + prefix, at);
    ASSERT_NE(start, std::string::npos) << "no line '" << prefix << "' after " << anchor;
    const size_t end = text.find('\n', start + 1);
    text.erase(start, end == std::string::npos ? std::string::npos : end - start);
    Write(rel, text);
  }

  // Removes the whole [[header]] entry whose body contains `anchor`.
  void RemoveEntry(const std::string& rel, const std::string& header, const std::string& anchor) {
    std::string text = Read(rel);
    const size_t at = Find(text, anchor);
    ASSERT_NE(at, std::string::npos);
    const size_t begin = text.rfind(header, at);
    ASSERT_NE(begin, std::string::npos);
    size_t end = text.find("\n[", at);
    const size_t comment = text.find("\n#", at);
    if (comment < end) end = comment;
    text.erase(begin, end == std::string::npos ? std::string::npos : end + 1 - begin);
    Write(rel, text);
  }

  Result<Knowledge> Load() const { return LoadKnowledge(dir_.string()); }

  // Loads the broken copy and checks that the message names every part.
  void ExpectRejected(const std::vector<std::string>& parts) const {
    auto k = Load();
    ASSERT_FALSE(k.ok()) << "the broken knowledge base loaded";
    const std::string message = k.error().Describe();
    for (const std::string& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' missing from: " << message;
    }
  }

  fs::path dir_;
};

TEST_F(KnowledgeLoader, TheUnmodifiedCopyLoads) {
  auto k = Load();
  ASSERT_TRUE(k.ok()) << k.error().Describe();
  EXPECT_EQ(k->indications.size(), testing::K().indications.size());
  EXPECT_EQ(k->hold_rules.size(), testing::K().hold_rules.size());
  EXPECT_EQ(k->renal_rows.size(), testing::K().renal_rows.size());
}

TEST_F(KnowledgeLoader, AnUnknownFieldInAnEntryIsNamed) {
  ASSERT_NO_FATAL_FAILURE(InsertLineAfter("us/renal.toml", "id = \"mm-mcl-moderate\"", "colour = \"red\""));
  ExpectRejected({"us/renal.toml", "row 'mm-mcl-moderate'", "unknown field 'colour'"});
}

TEST_F(KnowledgeLoader, AnEntryWithoutACitationIsRejected) {
  ASSERT_NO_FATAL_FAILURE(RemoveLineAfter("us/dose-levels.toml", "id = \"mcl-floor\"", "cite = "));
  ExpectRejected({"us/dose-levels.toml", "floor 'mcl-floor'", "no cite"});
}

TEST_F(KnowledgeLoader, ACitationOfADocumentNotInTheRegisterIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/dose-levels.toml", "id = \"mcl-floor\"", "\"USPI §2.3\"", "\"label-facts §3.5\""));
  ExpectRejected({"us/dose-levels.toml", "floor 'mcl-floor'", "'label-facts' is not in the sources register"});
}

TEST_F(KnowledgeLoader, ACitationWithoutASectionIsRejected) {
  ASSERT_NO_FATAL_FAILURE(ReplaceAfter("us/dose-levels.toml", "id = \"mcl-floor\"", "\"USPI §2.3\"", "\"USPI\""));
  ExpectRejected({"us/dose-levels.toml", "floor 'mcl-floor'", "no section"});
}

TEST_F(KnowledgeLoader, TheOldFreeTextSourceFieldIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      InsertLineAfter("us/dose-levels.toml", "id = \"mcl-floor\"", "source = \"USPI 2.3 (research notes)\""));
  ExpectRejected({"us/dose-levels.toml", "floor 'mcl-floor'", "unknown field 'source'"});
}

TEST_F(KnowledgeLoader, ARegisterEntryWithoutAPublicAddressIsRejected) {
  ASSERT_NO_FATAL_FAILURE(ReplaceAfter("sources/labels.toml", "id = \"MedGuide\"",
                                       "urls = [\"http://www.rxlist.com/revlimid-drug/medication-guide.htm\"]",
                                       "urls = []"));
  ExpectRejected({"sources/labels.toml", "source 'MedGuide'", "at least one public address"});
}

TEST_F(KnowledgeLoader, ARegisterIdGivenTwiceIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("sources/labels.toml", "id = \"MedGuide\"", "id = \"MedGuide\"", "id = \"USPI\""));
  ExpectRejected({"sources/labels.toml", "source 'USPI'", "duplicate id"});
}

TEST_F(KnowledgeLoader, EveryEntryRendersItsCitationsFromTheRegister) {
  auto k = Load();
  ASSERT_TRUE(k.ok()) << k.error().Describe();
  const Ladder* mcl = nullptr;
  for (const Ladder& l : k->ladders) {
    if (l.cite.id == "mcl") mcl = &l;
  }
  ASSERT_NE(mcl, nullptr);
  ASSERT_FALSE(mcl->cite.refs.empty());
  const SourceDoc* uspi = k->sources.Find("USPI");
  ASSERT_NE(uspi, nullptr);
  EXPECT_EQ(mcl->cite.refs.front().doc, "USPI");
  EXPECT_EQ(mcl->cite.refs.front().url, uspi->Url());
  EXPECT_EQ(mcl->cite.source.rfind(uspi->Label() + ", §2.3", 0), 0u) << mcl->cite.source;
  EXPECT_EQ(k->sources.DocOfRendered(mcl->cite.refs.front().text), uspi);
}

TEST_F(KnowledgeLoader, ALadderThatIsNotStrictlyDescendingIsRejected) {
  // MCL 25, 20, 25, 10, 5: the third level does not lower the dose.
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/dose-levels.toml", "id = \"mcl\"\n", "{ dose = \"15 mg\" }", "{ dose = \"25 mg\" }"));
  ExpectRejected({"us/dose-levels.toml", "ladder 'mcl'", "not strictly descending"});
}

TEST_F(KnowledgeLoader, ALadderWithARepeatedLevelIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/dose-levels.toml", "id = \"mcl\"\n", "{ dose = \"15 mg\" }", "{ dose = \"20 mg\" }"));
  ExpectRejected({"us/dose-levels.toml", "ladder 'mcl'", "not strictly descending"});
}

TEST_F(KnowledgeLoader, ATriggerThresholdWithoutAUnitIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/hematologic.toml", "id = \"mm-platelets\"", "below = \"30 10*9/L\"", "below = 30"));
  ExpectRejected({"us/hematologic.toml", "hold_rule 'mm-platelets'", "'below' has no unit"});
}

TEST_F(KnowledgeLoader, AResumeThresholdWithoutAUnitIsRejected) {
  ASSERT_NO_FATAL_FAILURE(ReplaceAfter("us/hematologic.toml", "id = \"mcl-platelets\"",
                                       "resume_at_least = \"50 10*9/L\"", "resume_at_least = 50"));
  ExpectRejected({"us/hematologic.toml", "hold_rule 'mcl-platelets'", "'resume_at_least' has no unit"});
}

TEST_F(KnowledgeLoader, AThresholdInTheWrongUnitIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/hematologic.toml", "id = \"mm-platelets\"", "below = \"30 10*9/L\"", "below = \"30 mg/dL\""));
  ExpectRejected({"us/hematologic.toml", "hold_rule 'mm-platelets'", "'below'", "creatinine"});
}

TEST_F(KnowledgeLoader, AnIndicationWithoutARenalTableIsRejected) {
  ASSERT_NO_FATAL_FAILURE(RemoveLineAfter("us/indications.toml", "id = \"mcl\"\n", "renal_table = "));
  ExpectRejected({"us/indications.toml", "indication 'mcl'", "no renal table"});
}

TEST_F(KnowledgeLoader, AnIndicationPointingToAnUnknownRenalTableIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/indications.toml", "id = \"mcl\"\n", "renal_table = \"mm-mcl\"", "renal_table = \"nope\""));
  ExpectRejected({"us/indications.toml", "indication 'mcl'", "renal table 'nope'"});
}

TEST_F(KnowledgeLoader, ARenalTableMissingABandRowIsRejected) {
  ASSERT_NO_FATAL_FAILURE(RemoveEntry("us/renal.toml", "[[row]]", "id = \"fl-mzl-severe\""));
  ExpectRejected({"us/renal.toml", "table 'fl-mzl'", "no row for band 'severe'"});
}

TEST_F(KnowledgeLoader, AnUnverifiedConfidenceMarkedVerifiedIsRejected) {
  ASSERT_NO_FATAL_FAILURE(ReplaceAfter("us/renal.toml", "id = \"mm-mcl-moderate\"", "confidence = \"label\"",
                                       "confidence = \"unconfirmed\""));
  ExpectRejected({"us/renal.toml", "row 'mm-mcl-moderate'", "confidence 'unconfirmed'", "verified = true"});
}

TEST_F(KnowledgeLoader, AVerifiedConfidenceMarkedUnverifiedIsRejected) {
  ASSERT_NO_FATAL_FAILURE(ReplaceAfter("us/renal.toml", "id = \"fl-mzl-severe\"", "confidence = \"unconfirmed\"",
                                       "confidence = \"label\""));
  ExpectRejected({"us/renal.toml", "row 'fl-mzl-severe'", "confidence 'label'", "verified = false"});
}

TEST_F(KnowledgeLoader, AnUnknownConfidenceIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/renal.toml", "id = \"mm-mcl-moderate\"", "confidence = \"label\"", "confidence = \"V2\""));
  ExpectRejected({"us/renal.toml", "row 'mm-mcl-moderate'", "unknown confidence 'V2'"});
}

TEST_F(KnowledgeLoader, AReferenceToAnUnknownIndicationIsRejected) {
  ASSERT_NO_FATAL_FAILURE(ReplaceAfter("us/hematologic.toml", "id = \"mcl-platelets\"", "indications = [\"mcl\"]",
                                       "indications = [\"mcl\", \"cll\"]"));
  ExpectRejected({"us/hematologic.toml", "hold_rule 'mcl-platelets'", "unknown indication 'cll'"});
}

TEST_F(KnowledgeLoader, AFloorThatIsNotTheLastLevelOfItsLadderIsRejected) {
  ASSERT_NO_FATAL_FAILURE(
      ReplaceAfter("us/dose-levels.toml", "id = \"mcl-floor\"", "dose = \"5 mg\"", "dose = \"10 mg\""));
  ExpectRejected({"us/dose-levels.toml", "ladder 'mcl'", "mcl-floor", "not the last level"});
}

TEST_F(KnowledgeLoader, MalformedTomlIsReportedWithTheFileAndLine) {
  std::string text = Read("us/product.toml");
  const size_t at = Find(text, "refills = 0");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("refills = 0").size(), "refills = = 0");
  const long line =
      1 + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  Write("us/product.toml", text);
  ExpectRejected({"us/product.toml:" + std::to_string(line)});
}

TEST_F(KnowledgeLoader, AMissingFileIsNamed) {
  fs::remove(dir_ / "us" / "monitoring.toml");
  ExpectRejected({"us/monitoring.toml", "not found"});
}

TEST_F(KnowledgeLoader, AMissingDirectoryIsRejected) {
  auto k = LoadKnowledge((dir_ / "does-not-exist").string());
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().Describe().find("does-not-exist"), std::string::npos) << k.error().Describe();
}

}  // namespace
}  // namespace lenacare
