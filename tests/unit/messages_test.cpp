// The message catalog (web/messages/en.toml, webapp/messages.h): every key the web code asks
// for is in it, every message in it is asked for, and filling a message works as documented.
#include "webapp/messages.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "store_support.h"
#include "test_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

fs::path Repo() { return fs::path(testing::KnowledgeDir()).parent_path(); }

webapp::Messages Catalog() {
  auto m = webapp::Messages::Load((Repo() / "web" / "messages" / "en.toml").string());
  EXPECT_TRUE(m.ok()) << m.error().Describe();
  return m.ok() ? std::move(m).value() : webapp::Messages();
}

// Every key a source file of the web application names: msg("a.b" or msg.Html("a.b".
std::set<std::string> KeysInCode() {
  std::set<std::string> keys;
  static const std::regex call(R"re(msg(\.Html)?\(\s*"([a-z0-9_]+\.[a-z0-9_.]+)")re");
  for (const auto& e : fs::directory_iterator(Repo() / "src" / "webapp")) {
    if (e.path().extension() != ".cpp" && e.path().extension() != ".h") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
      keys.insert((*it)[2]);
    }
  }
  return keys;
}

TEST(Messages, EveryKeyTheCodeAsksForIsInTheCatalog) {
  const webapp::Messages m = Catalog();
  const std::set<std::string> used = KeysInCode();
  EXPECT_GT(used.size(), 50u);
  for (const std::string& k : used) EXPECT_TRUE(m.Has(k)) << k << " is not in web/messages/en.toml";
}

TEST(Messages, EveryMessageInTheCatalogIsUsed) {
  const std::set<std::string> used = KeysInCode();
  const webapp::Messages m = Catalog();
  for (const auto& [k, text] : m.all()) {
    EXPECT_TRUE(used.count(k) != 0) << k << " (\"" << text << "\") is not used by the code";
  }
}

TEST(Messages, FillsNamedValuesAndEscapesOnlyItsOwnTextAsHtml) {
  testing::TestDatabase dir("sqlite");
  const std::string file = dir.dir() + "/m.toml";
  std::ofstream(file) << "[a]\ntake = \"Take {dose} <today> & {missing}\"\n";
  auto m = webapp::Messages::Load(file);
  ASSERT_TRUE(m.ok()) << m.error().Describe();
  EXPECT_EQ((*m)("a.take", {{"dose", "10 mg"}}), "Take 10 mg <today> & {missing}");
  EXPECT_EQ(m->Html("a.take", {{"dose", "<b>10 mg</b>"}}), "Take <b>10 mg</b> &lt;today&gt; &amp; {missing}");
  EXPECT_EQ((*m)("a.nope"), "[a.nope]");
}

TEST(Messages, ABrokenCatalogIsRefusedNamingTheKey) {
  testing::TestDatabase dir("sqlite");
  for (const auto& [text, problem] :
       std::vector<std::pair<std::string, std::string>>{{"[a]\nx = 3\n", "'a.x' must be text"},
                                                        {"[a]\nx = \"Take {dose today\"\n", "'a.x': unbalanced braces"},
                                                        {"top = \"no section\"\n", "'top' must be a [section]"}}) {
    const std::string file = dir.dir() + "/m.toml";
    std::ofstream(file, std::ios::trunc) << text;
    auto m = webapp::Messages::Load(file);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_NE(m.error().Describe().find(problem), std::string::npos) << m.error().Describe();
  }
}

}  // namespace
}  // namespace lenacare
