// The clinic's review of the knowledge (knowledge/site_pack.h, knowledge/review.h,
// /knowledge/review): a sign-off of the site pack confirms or corrects an entry over the base
// pack, the answers then say who confirmed it; a base pack that changes the entry puts it back
// into review; the loader's checks run on corrected values; every sign-off is audited.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/calculators.h"
#include "knowledge/loader.h"
#include "knowledge/review.h"
#include "store_support.h"
#include "test_support.h"
#include "webapp_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

const EntryKey kMcl{"us/monitoring.toml", "cbc_schedule", "mcl-cbc"};

std::string BaseDigest(const Knowledge& k, const EntryKey& e) {
  auto item = ReviewEntry(k, e);
  EXPECT_TRUE(item.ok()) << item.error().Describe();
  return item.ok() ? item->base : "";
}

Signoff Confirm(const std::string& base) {
  Signoff s;
  s.entry = kMcl;
  s.action = "confirm";
  s.label = "REVLIMID US label 3/2027";
  s.by = "pat (pharmacist)";
  s.on = "2026-12-04";
  s.base = base;
  return s;
}

class SitePackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lenacare-site-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Site() const { return (dir_ / "site").string(); }
  void Save(std::vector<Signoff> signoffs) {
    SitePack p;
    p.dir = Site();
    p.signoffs = std::move(signoffs);
    ASSERT_TRUE(SaveSitePack(p).ok());
  }
  Result<Knowledge> Load(const std::string& root = testing::KnowledgeDir()) {
    return LoadKnowledge(root, "us", Site());
  }
  // A copy of the base pack, to change as a label update would.
  std::string CopyOfBase() {
    const fs::path root = dir_ / "knowledge";
    fs::copy(testing::KnowledgeDir(), root, fs::copy_options::recursive);
    return root.string();
  }
  static void Replace(const std::string& file, const std::string& from, const std::string& to) {
    testing::ReplaceInFile(file, from, to);
  }
  fs::path dir_;
};

TEST_F(SitePackTest, AConfirmationMakesTheEntryLocallyConfirmedWithWhoAndWhen) {
  ASSERT_FALSE(testing::K().FindCbcSchedule("mcl")->cite.verified);
  Save({Confirm(BaseDigest(testing::K(), kMcl))});
  auto k = Load();
  ASSERT_TRUE(k.ok()) << k.error().Describe();
  const Citation& c = k->FindCbcSchedule("mcl")->cite;
  EXPECT_TRUE(c.verified);
  EXPECT_EQ(c.confidence, "local");
  EXPECT_EQ(c.local, "confirmed locally by pat (pharmacist) on 2026-12-04 against REVLIMID US label 3/2027");
  EXPECT_NE(c.source.find(c.local), std::string::npos) << c.source;
  // The schedule itself is the base pack's.
  EXPECT_EQ(k->FindCbcSchedule("mcl")->phases.size(), testing::K().FindCbcSchedule("mcl")->phases.size());
  // Other entries are untouched, and the stored answers no longer hold (a new fingerprint).
  EXPECT_FALSE(k->FindCbcSchedule("mm")->cite.verified);
  EXPECT_NE(k->fingerprint, testing::K().fingerprint);

  auto review = ReviewKnowledge(*k, false);
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->signed_off, 1);
  bool found = false;
  for (const ReviewItem& i : review->items) {
    if (!(i.entry == kMcl)) continue;
    found = true;
    EXPECT_EQ(i.status, "confirmed");
    EXPECT_NE(i.status_text.find("confirmed locally by pat"), std::string::npos);
  }
  EXPECT_TRUE(found);
}

TEST_F(SitePackTest, ACorrectionChangesTheEngineAndIsCheckedByTheLoader) {
  Signoff s = Confirm(BaseDigest(testing::K(), kMcl));
  s.action = "correct";
  s.set = "phases = [ { cycles = \"1-4\", days = \"1,8,15,22\" }, { cycles = \"5-\", days = \"1\" } ]\n";
  Save({s});
  auto k = Load();
  ASSERT_TRUE(k.ok()) << k.error().Describe();
  const CbcSchedule* mcl = k->FindCbcSchedule("mcl");
  ASSERT_EQ(mcl->phases.size(), 2u);
  EXPECT_EQ(mcl->cite.local.rfind("corrected locally by pat", 0), 0u) << mcl->cite.local;
  EXPECT_TRUE(mcl->cite.verified);

  // A value the loader refuses stops the program, naming the entry, as in the base pack.
  s.set = "phases = [ { cycles = \"1\", days = \"weekly\" } ]\n";
  Save({s});
  auto refused = Load();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().Describe().find("mcl-cbc"), std::string::npos) << refused.error().Describe();
  // A key the entry does not have, or its citation, is not a correction.
  s.set = "cite = [\"USPI §1\"]\n";
  Save({s});
  EXPECT_FALSE(LoadSitePack(Site()).ok());
  s.set = "frequency = \"weekly\"\n";
  Save({s});
  auto unknown = Load();
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().Describe().find("frequency"), std::string::npos) << unknown.error().Describe();
}

TEST_F(SitePackTest, ABasePackThatChangesTheEntryPutsItBackIntoReview) {
  Save({Confirm(BaseDigest(testing::K(), kMcl))});
  const std::string root = CopyOfBase();
  Replace(root + "/us/monitoring.toml",
          "{ cycles = \"2-4\", days = \"1,15\" }, { cycles = \"5-\", days = \"1\" } ]\ncite = [\"USPI §5.3\"]",
          "{ cycles = \"2-3\", days = \"1,15\" }, { cycles = \"4-\", days = \"1\" } ]\ncite = [\"USPI §5.3\"]");
  auto k = Load(root);
  ASSERT_TRUE(k.ok()) << k.error().Describe();
  EXPECT_FALSE(k->FindCbcSchedule("mcl")->cite.verified);
  EXPECT_TRUE(k->FindCbcSchedule("mcl")->cite.local.empty());
  auto review = ReviewKnowledge(*k, false);
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->back_in_review, 1);
  EXPECT_EQ(review->signed_off, 0);
  for (const ReviewItem& i : review->items) {
    if (i.entry == kMcl) {
      EXPECT_EQ(i.status, "back-in-review");
      EXPECT_NE(i.status_text.find("the base pack changed this entry"), std::string::npos) << i.status_text;
    }
  }
  // The unchanged copy keeps the sign-off.
  auto same = Load();
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->FindCbcSchedule("mcl")->cite.verified);
}

TEST_F(SitePackTest, OnlyTheSitePackSignsOff) {
  const std::string root = CopyOfBase();
  Replace(root + "/us/monitoring.toml", "id = \"mcl-cbc\"", "id = \"mcl-cbc\"\nsigned_off = { words = \"confirmed\" }");
  auto k = LoadKnowledge(root, "us");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().Describe().find("only a sign-off of the site pack"), std::string::npos) << k.error().Describe();

  const std::string root2 = (dir_ / "knowledge2").string();
  fs::copy(testing::KnowledgeDir(), root2, fs::copy_options::recursive);
  Replace(root2 + "/us/monitoring.toml",
          "days = \"1,8,15,22\" }, { cycles = \"2-4\", days = \"1,15\" }, { cycles = \"5-\", days = \"1\" } ]\n"
          "cite = [\"USPI §5.3\"]\nconfidence = \"unconfirmed\"\nverified = false",
          "days = \"1,8,15,22\" }, { cycles = \"2-4\", days = \"1,15\" }, { cycles = \"5-\", days = \"1\" } ]\n"
          "cite = [\"USPI §5.3\"]\nconfidence = \"local\"\nverified = true");
  auto k2 = LoadKnowledge(root2, "us");
  ASSERT_FALSE(k2.ok());
  EXPECT_NE(k2.error().Describe().find("only a sign-off of the site pack"), std::string::npos) << k2.error().Describe();
}

TEST_F(SitePackTest, AMalformedSignoffIsRefusedNamingIt) {
  fs::create_directories(Site());
  for (const auto& [text, problem] : std::vector<std::pair<std::string, std::string>>{
           {"[[signoff]]\nfile = \"us/monitoring.toml\"\nsection = \"cbc_schedule\"\nid = \"mcl-cbc\"\naction = "
            "\"approve\"\n"
            "label = \"L\"\nby = \"b\"\non = \"2026-12-04\"\nbase = \"x\"\n",
            "action must be"},
           {"[[signoff]]\nfile = \"us/monitoring.toml\"\nsection = \"cbc_schedule\"\nid = \"mcl-cbc\"\naction = "
            "\"confirm\"\n"
            "label = \"\"\nby = \"b\"\non = \"2026-12-04\"\nbase = \"x\"\n",
            "'label' must not be empty"},
           {"[[signoff]]\nfile = \"us/monitoring.toml\"\nsection = \"cbc_schedule\"\nid = \"mcl-cbc\"\naction = "
            "\"confirm\"\n"
            "label = \"L\"\nby = \"b\"\non = \"4 Dec\"\nbase = \"x\"\n",
            "must be a date"},
           {"[[signoff]]\nfile = \"us/monitoring.toml\"\nsection = \"cbc_schedule\"\nid = \"mcl-cbc\"\naction = "
            "\"confirm\"\n"
            "label = \"L\"\nby = \"b\"\non = \"2026-12-04\"\nbase = \"x\"\nwho = \"me\"\n",
            "unknown field 'who'"},
           {"[[signoff]]\nfile = \"f\"\nsection = \"s\"\naction = \"confirm\"\nlabel = \"L\"\nby = \"b\"\non = "
            "\"2026-12-04\"\n"
            "base = \"x\"\n[[signoff]]\nfile = \"f\"\nsection = \"s\"\naction = \"confirm\"\nlabel = \"L\"\nby = "
            "\"b\"\n"
            "on = \"2026-12-04\"\nbase = \"x\"\n",
            "signed off twice"}}) {
    std::ofstream(Site() + "/signoffs.toml", std::ios::trunc) << text;
    auto k = Load();
    ASSERT_FALSE(k.ok()) << text;
    EXPECT_NE(k.error().Describe().find(problem), std::string::npos) << k.error().Describe();
  }
}

TEST_F(SitePackTest, TheReviewListsEveryUnverifiedEntryWithWhatToCheck) {
  auto review = ReviewKnowledge(testing::K(), false);
  ASSERT_TRUE(review.ok());
  // Every unverified citation of the loaded knowledge is one entry of the review.
  int unverified = 0;
  for (const CbcSchedule& s : testing::K().cbc_schedules) unverified += s.cite.verified ? 0 : 1;
  int listed_cbc = 0;
  for (const ReviewItem& i : review->items) {
    EXPECT_EQ(i.status, "unverified") << i.entry.Describe();
    EXPECT_FALSE(i.value.empty() && i.note.empty()) << i.entry.Describe();
    EXPECT_FALSE(i.cites.empty()) << i.entry.Describe();
    EXPECT_NE(i.check.find("Check these values against"), std::string::npos);
    if (i.entry.section == "cbc_schedule") ++listed_cbc;
  }
  EXPECT_EQ(listed_cbc, unverified);
  EXPECT_EQ(review->unverified, static_cast<int>(review->items.size()));
  EXPECT_GE(review->unverified, 30);
  // `knowledge check` counts the same unverified entries (it once left out the lab schedules).
  EXPECT_EQ(static_cast<size_t>(review->unverified), app::SummarizeKnowledge(testing::K()).unverified);
  auto all = ReviewKnowledge(testing::K(), true);
  ASSERT_TRUE(all.ok());
  EXPECT_GT(all->items.size(), review->items.size());
}

// The web: a pharmacist signs off; the course page then says who confirmed the schedule.
class ReviewWeb : public SitePackTest {
 protected:
  void SetUp() override {
    SitePackTest::SetUp();
    fs::create_directories(Site());
    auto k = Load();
    ASSERT_TRUE(k.ok()) << k.error().Describe();
    k_ = std::make_unique<Knowledge>(std::move(k).value());
    site_ = std::make_unique<testing::TestSite>(testing::TestSite::Seed::kDemo, "", k_.get());
  }
  std::map<std::string, std::string> Form(const std::string& action) {
    return {{"file", kMcl.file},
            {"section", kMcl.section},
            {"id", kMcl.id},
            {"base", BaseDigest(testing::K(), kMcl)},
            {"action", action},
            {"label", "REVLIMID US label 3/2027"},
            {"note", "checked against the printed label"}};
  }
  int64_t Audited(const std::string& action) {
    auto log = site_->store().AuditLog(1000);
    int64_t n = 0;
    if (log.ok()) {
      for (const auto& e : *log) n += e.action == action ? 1 : 0;
    }
    return n;
  }
  std::unique_ptr<Knowledge> k_;
  std::unique_ptr<testing::TestSite> site_;
};

TEST_F(ReviewWeb, APharmacistConfirmsAndTheCoursePageSaysWhoConfirmed) {
  testing::Credentials pharm = site_->SignIn("pharmacist");
  http::Response page = site_->Get("/knowledge/review", &pharm);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("id=\"review-us-monitoring-cbc_schedule-mcl-cbc\""), std::string::npos);

  http::Response r = site_->PostForm("/knowledge/review", Form("confirm"), &pharm);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(Audited("knowledge.confirm"), 1);
  const Citation& now = site_->app().site().k().FindCbcSchedule("mcl")->cite;
  EXPECT_TRUE(now.verified);
  EXPECT_NE(now.local.find("confirmed locally by " + site_->Username("pharmacist") + " (pharmacist) on "),
            std::string::npos)
      << now.local;
  // Kept in the site pack: a new process loads it.
  auto again = Load();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->FindCbcSchedule("mcl")->cite.verified);

  page = site_->Get("/knowledge/review", &pharm);
  EXPECT_NE(page.body.find("data-status=\"confirmed\""), std::string::npos);
}

TEST_F(ReviewWeb, OnlyAPharmacistSignsOffAndABadFormStoresNothing) {
  for (const char* role : {"nurse", "prescriber", "admin"}) {
    testing::Credentials who = site_->SignIn(role);
    http::Response r = site_->PostForm("/knowledge/review", Form("confirm"), &who);
    EXPECT_EQ(r.status, 403) << role;
  }
  testing::Credentials nurse = site_->SignIn("nurse");
  EXPECT_EQ(site_->Get("/knowledge/review", &nurse).status, 403);
  testing::Credentials pharm = site_->SignIn("pharmacist");
  auto form = Form("correct");
  form["label"] = "";
  form["value"] = "phases = [ { cycles = \"1\"";
  http::Response r = site_->PostForm("/knowledge/review", form, &pharm);
  EXPECT_EQ(r.status, 400);
  const std::string text = testing::VisibleText(r.body);
  EXPECT_NE(text.find("Give the label you checked against"), std::string::npos) << text;
  EXPECT_NE(text.find("The corrected values could not be read"), std::string::npos) << text;
  // A correction the loader refuses: its reason, and nothing kept.
  form = Form("correct");
  form["value"] = "phases = [ { cycles = \"1\", days = \"weekly\" } ]";
  r = site_->PostForm("/knowledge/review", form, &pharm);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(testing::VisibleText(r.body).find("The knowledge base refuses this correction"), std::string::npos);
  // A stale page (the base changed since it was shown).
  form = Form("confirm");
  form["base"] = "0000000000000000";
  EXPECT_EQ(site_->PostForm("/knowledge/review", form, &pharm).status, 400);
  // Without the CSRF token.
  EXPECT_EQ(site_->PostForm("/knowledge/review", Form("confirm"), &pharm, false).status, 403);
  EXPECT_FALSE(fs::exists(Site() + "/signoffs.toml"));
  EXPECT_EQ(Audited("knowledge.confirm") + Audited("knowledge.correct"), 0);
  EXPECT_FALSE(site_->app().site().k().FindCbcSchedule("mcl")->cite.verified);
}

TEST_F(ReviewWeb, ACorrectionChangesTheAnswerAndIsAudited) {
  testing::Credentials pharm = site_->SignIn("pharmacist");
  auto form = Form("correct");
  form["value"] = "phases = [ { cycles = \"1-4\", days = \"1,8,15,22\" }, { cycles = \"5-\", days = \"1\" } ]";
  http::Response r = site_->PostForm("/knowledge/review", form, &pharm);
  const std::string shown = testing::VisibleText(r.body);
  ASSERT_EQ(r.status, 303) << shown.substr(0, std::min<size_t>(shown.size(), 1500));
  EXPECT_EQ(Audited("knowledge.correct"), 1);
  EXPECT_EQ(site_->app().site().k().FindCbcSchedule("mcl")->phases.size(), 2u);
}

TEST(KnowledgeReviewCli, ListsTheUnverifiedEntriesAsJsonAndText) {
  auto r = testing::RunLenacare("--site-knowledge /nonexistent-site knowledge review --json");
  ASSERT_EQ(r.exit_code, 0) << testing::Describe(r);
  const nlohmann::json j = testing::ParseOut(r);
  EXPECT_GE(j["unverified"].get<int>(), 30);
  EXPECT_EQ(j["entries"].size(), j["unverified"].get<size_t>());
  bool mcl = false;
  for (const auto& e : j["entries"]) mcl = mcl || e["id"] == "mcl-cbc";
  EXPECT_TRUE(mcl);
  auto text = testing::RunLenacare("--site-knowledge /nonexistent-site knowledge review");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("Blood-count monitoring"), std::string::npos);
  EXPECT_NE(text.out.find("to check: Check these values against REVLIMID US label"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace lenacare
