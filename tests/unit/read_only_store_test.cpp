// A database that cannot be written — an archive copy, a read-only mount — can still be read and
// its audit log verified; the reads' audit entries are reported as not recorded, and a write is
// refused with a clear message and changes nothing. A full disk fails writes (nothing half
// written) and lets reads go on. (Issue 13, part 5.)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "app/records.h"
#include "store_support.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// lenacare with `args` as a user who may not write the copy: root may write any file, so the
// tests drop to "nobody" when they run as root (setpriv, util-linux).
testing::CommandResult RunAsReader(const std::string& dir, const std::string& args) {
  const std::string prefix = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  const std::string cmd = prefix + "env LENACARE_KNOWLEDGE='" + std::string(LENACARE_TEST_KNOWLEDGE_DIR) + "' '" +
                          std::string(LENACARE_BINARY) + "' " + args + " </dev/null >'" + dir + "/out' 2>'" + dir +
                          "/err'";
  const int status = std::system(cmd.c_str());
  testing::CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(dir + "/out");
  r.err = Slurp(dir + "/err");
  return r;
}

class ReadOnlyStore : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string db = "--db '" + data_.target() + "'";
    ASSERT_EQ(testing::RunLenacare("patient add P1 --sex female --birth-date 1955-03-01 " + db).exit_code, 0);
    ASSERT_EQ(testing::RunLenacare("course start P1 --indication mm --start 2026-01-05 --dose 25 " + db).exit_code, 0);
    ASSERT_EQ(
        testing::RunLenacare("record lab P1 --date 2026-01-12 --test platelets --value '24 K/uL' " + db).exit_code, 0);
    // The worklist's stored answers do not hold for the day the copy is read (as a copy archived
    // yesterday): they cannot be recomputed in it.
    {
      auto st = data_.Open();
      ASSERT_TRUE(st->db().Run("UPDATE course_status SET computed_on = '2000-01-01'", {}).ok());
    }
    // The archive: a copy of the file, readable by all, writable by none, in a directory the
    // reader can enter and write its output to.
    copy_dir_ = data_.dir() + "/archive";
    fs::create_directory(copy_dir_);
    copy_ = copy_dir_ + "/copy.db";
    fs::copy_file(data_.target(), copy_);
    chmod(copy_.c_str(), 0444);
    // The audit key and checkpoints archived with it (the key readable by the reader only).
    fs::copy_file(data_.target() + ".audit-checkpoints", copy_ + ".audit-checkpoints");
    chmod((copy_ + ".audit-checkpoints").c_str(), 0444);
    key_ = copy_dir_ + "/archive.key";
    fs::copy_file(data_.target() + ".audit-key", key_);
    chmod(key_.c_str(), 0600);
    if (geteuid() == 0) {
      ASSERT_EQ(chown(key_.c_str(), 65534, 65534), 0);
    }
    chmod(data_.dir().c_str(), 0755);
    chmod(copy_dir_.c_str(), 0777);
    before_ = Slurp(copy_);
  }

  testing::TestDatabase data_{"sqlite"};
  std::string copy_dir_, copy_, before_, key_;
};

TEST_F(ReadOnlyStore, StatusAndAuditVerifyWorkAndSayTheReadIsNotRecorded) {
  auto r = RunAsReader(copy_dir_, "status P1 --as-of 2026-01-13 --json --db '" + copy_ + "'");
  ASSERT_LE(r.exit_code, 1) << r.err << r.out;  // answered (1: the REMS part cannot be assessed)
  EXPECT_EQ(json::parse(r.out)["evaluate"]["status"], "interrupted") << r.out;
  EXPECT_NE(r.err.find("not recorded in the audit log: the database is read-only"), std::string::npos) << r.err;

  r = RunAsReader(copy_dir_, "audit verify --json --db '" + copy_ + "' --audit-key '" + key_ + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(json::parse(r.out)["ok"], true) << r.out;
  EXPECT_EQ(json::parse(r.out)["checkpoints"], 3) << r.out;

  r = RunAsReader(copy_dir_, "patient show P1 --json --db '" + copy_ + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Today's worklist cannot store its answers in the copy: it replays the course instead.
  r = RunAsReader(copy_dir_, "worklist --days 366 --json --db '" + copy_ + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(json::parse(r.out)["patients_with_a_course"], 1) << r.out;
  EXPECT_EQ(Slurp(copy_), before_) << "a read changed the read-only copy";
}

// Without its key, a read-only copy's keyed entries cannot be checked: verify says so plainly
// (exit 1, cannot assess), checks what it can (the chain's links, the checkpoints' hashes), and
// neither creates a key nor writes a checkpoint beside the copy.
TEST_F(ReadOnlyStore, AuditVerifyWithoutTheKeySaysWhatItCouldNotCheck) {
  auto r = RunAsReader(copy_dir_, "audit verify --json --db '" + copy_ + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  const json check = json::parse(r.out);
  EXPECT_EQ(check["ok"], true) << r.out;
  EXPECT_EQ(check["unverified"], 3) << r.out;
  EXPECT_NE(check["note"].get<std::string>().find("no audit key was given"), std::string::npos) << r.out;
  r = RunAsReader(copy_dir_, "audit verify --db '" + copy_ + "'");
  EXPECT_NE(r.out.find("could NOT be fully verified"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(copy_ + ".audit-key"));
  EXPECT_EQ(Slurp(copy_ + ".audit-checkpoints"), Slurp(data_.target() + ".audit-checkpoints"));
  EXPECT_EQ(Slurp(copy_), before_);
}

TEST_F(ReadOnlyStore, AWriteIsRefusedClearlyAndChangesNothing) {
  const auto r =
      RunAsReader(copy_dir_, "record lab P1 --date 2026-01-19 --test platelets --value '80 K/uL' --db '" + copy_ + "'");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("read-only"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
  EXPECT_EQ(Slurp(copy_), before_);
}

TEST(FullDisk, AWriteFailsWithNothingWrittenAndReadsGoOn) {
  testing::TestDatabase data("sqlite");
  auto st = data.Open();
  store::PatientRecord p;
  p.ref = "P1";
  p.sex = "female";
  p.birth_date = "1955-03-01";
  ASSERT_TRUE(testing::AddPatient(*st, p).ok());
  ASSERT_TRUE(testing::StartCourse(*st, "P1", R"({"indication": "mm", "start_date": "2026-01-05",
      "starting_dose_mg": 25, "setting": "newly-diagnosed"})")
                  .ok());
  // The database may not grow by a page: SQLite's own "database or disk is full" (SQLITE_FULL).
  int64_t pages = 0;
  ASSERT_TRUE(st->db().Query("PRAGMA page_count", {}, [&](const store::Row& r) { pages = r.Int(0); }).ok());
  ASSERT_TRUE(st->db().ExecScript("PRAGMA max_page_count = " + std::to_string(pages)).ok());
  std::string note(3000, 'x');
  Status failed = Status::Ok();
  size_t written = 0;
  for (int i = 0; i < 50 && failed.ok(); ++i) {
    auto w = testing::RecordEvent(*st, "P1",
                                  R"({"date": "2026-01-12", "type": "lab", "test": "platelets",
        "value": "180 10*9/L", "note": ")" +
                                      note + R"("})");
    if (w.ok()) {
      ++written;
    } else {
      failed = w.error();
    }
  }
  ASSERT_FALSE(failed.ok()) << "the database never filled up";
  EXPECT_EQ(failed.error().kind, ErrorKind::kFailed);
  EXPECT_NE(failed.error().message.find("the disk is full"), std::string::npos) << failed.error().Describe();
  // The last free bytes taken by audit entries smaller than a read's, so that the read's cannot fit.
  for (int i = 0; i < 10000 && st->Audit("t", "x.write", "", "").ok(); ++i) {
  }
  const int64_t unrecorded = st->unrecorded_reads();
  const auto shown = app::ShowPatient(testing::TestContext(st.get()), "P1");
  ASSERT_TRUE(shown.ok()) << shown.error().Describe();
  EXPECT_EQ(shown->patient.ref, "P1");
  EXPECT_EQ(shown->events.size(), written) << "the failed write left a row";
  EXPECT_EQ(st->unrecorded_reads(), unrecorded + 1);
}

}  // namespace
}  // namespace lenacare
