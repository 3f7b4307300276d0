// The audit log anchored outside the database (issue 14, item 4): a keyed chain whose key is not
// in the database, checkpoints of its head in a file beside it, and the files created 0600. The
// attacks are made the way someone holding only the database file would: with plain SQLite.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/audit.h"
#include "store/audit_key.h"
#include "store/schema.h"
#include "store_support.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::TestClock;
using testing::TestDatabase;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  unlink(path.c_str());
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  chmod(path.c_str(), mode);  // whatever the umask
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}

// Plain SQLite on the database file, as someone who copied it would use it.
class RawSqlite {
 public:
  explicit RawSqlite(const std::string& path) { EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK); }
  ~RawSqlite() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << sql << ": " << (message ? message : "");
    sqlite3_free(message);
  }
  std::vector<store::AuditEntry> Entries() {
    std::vector<store::AuditEntry> out;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq",
                       -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      store::AuditEntry e;
      e.seq = sqlite3_column_int64(st, 0);
      auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c))); };
      e.at = text(1);
      e.actor = text(2);
      e.action = text(3);
      e.subject = text(4);
      e.detail = text(5);
      e.prev_hash = text(6);
      e.hash = text(7);
      out.push_back(e);
    }
    sqlite3_finalize(st);
    return out;
  }
  // Rewrites every entry's hash the unkeyed way (SHA-256, as before schema 7) and the head row.
  void RehashWithoutTheKey() {
    std::string prev;
    for (store::AuditEntry e : Entries()) {
      e.prev_hash = prev;
      e.hash = store::AuditHash(e);
      Exec("UPDATE audit SET prev_hash = '" + e.prev_hash + "', hash = '" + e.hash +
           "' WHERE seq = " + std::to_string(e.seq));
      prev = e.hash;
    }
    Exec("UPDATE audit_head SET hash = '" + prev + "' WHERE id = 1");
  }

 private:
  sqlite3* db_ = nullptr;
};

class AuditAnchor : public ::testing::Test {
 protected:
  void SetUp() override { WriteSomeEntries("P"); }

  // Two patients added and read, through the store; the store is closed afterwards (a checkpoint).
  void WriteSomeEntries(const std::string& prefix) {
    auto st = data_.Open();
    ASSERT_NE(st, nullptr);
    for (const std::string& ref : {prefix + "1", prefix + "2"}) {
      store::PatientRecord p;
      p.ref = ref;
      ASSERT_TRUE(testing::AddPatient(*st, p).ok());
      ASSERT_TRUE(st->ShowPatient("tester", ref).ok());
    }
  }
  Result<store::AuditCheck> Verify(const store::AuditFiles& files = {}) {
    auto st = store::Store::Open(db(), TestClock(), files);
    if (!st.ok()) return st.error();
    return (*st)->VerifyAudit();
  }
  std::string db() const { return data_.target(); }
  std::string key() const { return db() + ".audit-key"; }
  std::string checkpoints() const { return db() + ".audit-checkpoints"; }

  TestDatabase data_{"sqlite"};
};

TEST_F(AuditAnchor, TheLogIsKeyedAndCheckpointedBesideTheDatabase) {
  auto check = Verify();
  ASSERT_TRUE(check.ok()) << check.error().Describe();
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_EQ(check->entries, 4);
  EXPECT_EQ(check->keyed_from, 1);
  EXPECT_EQ(check->unverified, 0);
  EXPECT_EQ(check->checkpoints, 1);
  const auto lines = Lines(checkpoints());
  ASSERT_EQ(lines.size(), 1u);
  const json line = json::parse(lines[0]);
  EXPECT_EQ(line["seq"], 4);
  EXPECT_EQ(line["keyed_from"], 1);
  EXPECT_EQ(line["mac"].get<std::string>().size(), 64u);
  EXPECT_EQ(Slurp(key()).size(), 32u);
  EXPECT_EQ(Slurp(db()).find(Slurp(key())), std::string::npos) << "the key is in the database";
}

// Issue 14's attack: with the database file alone, drop the append-only triggers, rewrite an
// entry, recompute every hash the old (unkeyed) way and the head. Before the keyed chain, `audit
// verify` said "intact".
TEST_F(AuditAnchor, ALogRewrittenAndRehashedWithoutTheKeyIsDetected) {
  {
    RawSqlite raw(db());
    raw.Exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
    raw.Exec("UPDATE audit SET detail = 'nothing happened' WHERE seq = 2");
    raw.RehashWithoutTheKey();
  }
  auto check = Verify();
  ASSERT_TRUE(check.ok()) << check.error().Describe();
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->problem, "entry 1: its contents do not match its hash (edited)");
  const auto r = testing::RunLenacare("audit verify --db '" + db() + "'");
  EXPECT_EQ(r.exit_code, 3) << testing::Describe(r);
  EXPECT_NE(r.out.find("does NOT verify: entry 1"), std::string::npos) << testing::Describe(r);
}

// The same, and the mark of the first keyed entry moved past the end so that every entry passes
// for an old unkeyed one: the checkpoint outside the database still knows the real chain.
TEST_F(AuditAnchor, ALogPassedOffAsUnkeyedIsCaughtByItsCheckpoint) {
  {
    RawSqlite raw(db());
    raw.Exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
    raw.Exec("UPDATE audit SET detail = 'nothing happened' WHERE seq = 2");
    raw.RehashWithoutTheKey();
    raw.Exec("UPDATE audit_scheme SET keyed_from = 5, key_id = '', mac = ''");
  }
  // A writable open refuses to tie the key to a mark that is not just past the head ...
  auto opened = store::Store::Open(db(), TestClock());
  // ... which here it is (the head is 4): so the store opens, and the checkpoint catches it.
  ASSERT_TRUE(opened.ok()) << opened.error().Describe();
  auto check = (*opened)->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_NE(check->problem.find("checkpoint 1 (entry 4): the log's entry 4 has another hash"), std::string::npos)
      << check->problem;
}

TEST_F(AuditAnchor, AWrongKeyIsNamedAsSuchNotAsTampering) {
  const std::string other = data_.dir() + "/other.key";
  WriteFile(other, std::string(32, 'k'), 0600);
  auto check = Verify({other, ""});
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.error().message.find("the audit key does not match this database"), std::string::npos)
      << check.error().Describe();
  const auto r = testing::RunLenacare("audit verify --db '" + db() + "' --audit-key '" + other + "'");
  EXPECT_EQ(r.exit_code, 3) << testing::Describe(r);
  EXPECT_NE(r.err.find("the audit key does not match this database"), std::string::npos) << testing::Describe(r);
  EXPECT_EQ(r.out.find("does NOT verify"), std::string::npos) << testing::Describe(r);
}

TEST_F(AuditAnchor, AKeyFileOthersMayReadOrOfTheWrongSizeIsRefused) {
  chmod(key().c_str(), 0644);
  auto check = Verify();
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.error().message.find("may be read by others (mode 0644)"), std::string::npos)
      << check.error().Describe();
  const auto r = testing::RunLenacare("patient list --db '" + db() + "'");
  EXPECT_EQ(r.exit_code, 3) << testing::Describe(r);
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << testing::Describe(r);

  const std::string short_key = data_.dir() + "/short.key";
  WriteFile(short_key, std::string(16, 'k'), 0600);
  check = Verify({short_key, ""});
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.error().message.find("must hold exactly 32 bytes (it holds 16)"), std::string::npos)
      << check.error().Describe();
}

TEST_F(AuditAnchor, AMissingKeyFileIsNotReplacedByANewKey) {
  ASSERT_EQ(unlink(key().c_str()), 0);
  auto opened = store::Store::Open(db(), TestClock());
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("is missing"), std::string::npos) << opened.error().Describe();
  EXPECT_NE(opened.error().message.find("--audit-key"), std::string::npos) << opened.error().Describe();
  EXPECT_NE(access(key().c_str(), F_OK), 0) << "a new key was made for a keyed database";
}

TEST_F(AuditAnchor, AnEditedCheckpointIsDetected) {
  std::string text = Slurp(checkpoints());
  const size_t at = text.find("\"seq\":4");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 7, "\"seq\":3");
  WriteFile(checkpoints(), text, 0600);
  auto check = Verify();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->problem, "checkpoint 1 (entry 3) does not match its MAC (edited or forged)");
}

TEST_F(AuditAnchor, ACheckpointFileCutShortIsDetected) {
  WriteSomeEntries("Q");  // a second checkpoint
  const std::string text = Slurp(checkpoints());
  ASSERT_EQ(Lines(checkpoints()).size(), 2u);
  WriteFile(checkpoints(), text.substr(0, text.size() - 10), 0600);  // the last line cut
  auto check = Verify();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_NE(check->problem.find("checkpoint 2 of"), std::string::npos) << check->problem;
  EXPECT_NE(check->problem.find("not a whole checkpoint line"), std::string::npos) << check->problem;
  WriteFile(checkpoints(), text.substr(0, text.find('\n') + 1), 0600);  // the last line removed
  check = Verify();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_NE(check->problem.find("has 1 checkpoints but 2 were written (lines removed)"), std::string::npos)
      << check->problem;
}

// The tail deleted and the head set back to the last remaining entry: consistent inside the
// database, behind the checkpoint outside it.
TEST_F(AuditAnchor, ALogCutBehindItsCheckpointIsDetected) {
  {
    RawSqlite raw(db());
    raw.Exec("DROP TRIGGER audit_no_delete");
    const std::string hash = raw.Entries()[1].hash;
    raw.Exec("DELETE FROM audit WHERE seq > 2");
    raw.Exec("UPDATE audit_head SET seq = 2, hash = '" + hash + "' WHERE id = 1");
  }
  auto check = Verify();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->problem, "checkpoint 1 (entry 4): the log ends at entry 2 (entries deleted, or the log rebuilt)");
  const auto r = testing::RunLenacare("audit verify --json --db '" + db() + "'");
  EXPECT_EQ(r.exit_code, 3) << testing::Describe(r);
}

TEST_F(AuditAnchor, ALongRunningStoreWritesCheckpointsWhileItAppends) {
  auto st = data_.Open();
  ASSERT_NE(st, nullptr);
  st->set_checkpoint_policy({5, std::chrono::hours(1)});
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(st->Audit("tester", "test.write", "P1", std::to_string(i)).ok());
  // Still open: 1 checkpoint from SetUp, 2 written on the way (after the 5th and the 10th).
  EXPECT_EQ(Lines(checkpoints()).size(), 3u);
  auto check = st->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_EQ(check->checkpoints, 3);
  EXPECT_EQ(json::parse(Lines(checkpoints()).back())["seq"], 14);
  ASSERT_TRUE(st->Checkpoint().ok());
  EXPECT_EQ(json::parse(Lines(checkpoints()).back())["seq"], 16);
}

TEST_F(AuditAnchor, AKeyKeptElsewhereIsGivenWithAuditKey) {
  const std::string moved = data_.dir() + "/elsewhere.key";
  ASSERT_EQ(rename(key().c_str(), moved.c_str()), 0);
  const auto r = testing::RunLenacare("audit verify --json --db '" + db() + "' --audit-key '" + moved + "'");
  EXPECT_EQ(r.exit_code, 0) << testing::Describe(r);
  EXPECT_EQ(testing::ParseOut(r)["checkpoints"], 1);
}

// A database from before schema 7: its entries keep their SHA-256 and verify as before; the
// entries written after the upgrade are keyed.
TEST(AuditUpgrade, OldUnkeyedEntriesStayAndNewOnesAreKeyed) {
  TestDatabase data("sqlite");
  {
    auto old = store::Store::OpenUnmigrated(data.target(), TestClock());
    ASSERT_TRUE(old.ok()) << old.error().Describe();
    ASSERT_TRUE((*old)->Migrate(6).ok());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*old)->Audit("old", "test.write", "", std::to_string(i)).ok());
  }
  auto st = data.Open();
  ASSERT_NE(st, nullptr);
  ASSERT_TRUE(st->Audit("new", "test.write", "", "after").ok());
  auto check = st->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_EQ(check->entries, 4);
  EXPECT_EQ(check->keyed_from, 4);
  auto log = st->AuditLog(10);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)[0].hash, store::AuditHash((*log)[0]));
  EXPECT_NE((*log)[3].hash, store::AuditHash((*log)[3]));
}

TEST(AuditKeys, PostgresIsOpenedOnlyWithAKey) {
  TestDatabase data("postgres");
  if (!data.available()) {
    if (testing::PostgresRequired()) FAIL() << "LENACARE_REQUIRE_POSTGRES=1 but no LENACARE_TEST_POSTGRES_URL";
    GTEST_SKIP() << "no PostgreSQL server (set LENACARE_TEST_POSTGRES_URL; scripts/test starts one)";
  }
  auto opened = store::Store::Open(data.target(), TestClock());
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("--audit-key FILE"), std::string::npos) << opened.error().Describe();
  EXPECT_NE(opened.error().message.find("LENACARE_AUDIT_KEY_FILE"), std::string::npos) << opened.error().Describe();
  auto keyed = store::Store::Open(data.target(), TestClock(), data.audit());
  ASSERT_TRUE(keyed.ok()) << keyed.error().Describe();
  // Nor is there a default checkpoint file: verify says the log was not compared with any.
  keyed.value().reset();
  auto without_checkpoints = store::Store::Open(data.target(), TestClock(), {data.audit().key_file, ""});
  ASSERT_TRUE(without_checkpoints.ok()) << without_checkpoints.error().Describe();
  auto check = (*without_checkpoints)->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_NE(check->note.find("no checkpoint file was given"), std::string::npos) << check->note;
}

// The command line's refused act (a web account's role may not) is audited as the web's 403 is.
TEST(AuditRefusals, AnActTheAccountMayNotDoFromTheCommandLineIsAudited) {
  TestDatabase data("sqlite");
  const std::string db = " --db '" + data.target() + "'";
  ASSERT_EQ(testing::RunLenacare("user add nurse1 --role nurse" + db, "a-long-password-123\n").exit_code, 0);
  ASSERT_EQ(testing::RunLenacare("patient add P1 --sex male --birth-date 1950-01-01" + db).exit_code, 0);
  const std::string day = TestClock().Today().AddDays(-1).ToString();
  const auto refused = testing::RunLenacare("record hold P1 --date " + day + " --reason rash --as nurse1" + db);
  ASSERT_EQ(refused.exit_code, 2) << testing::Describe(refused);
  const auto log = testing::RunLenacare("audit log --limit 1 --json" + db);
  const json last = testing::ParseOut(log)["entries"][0];
  EXPECT_EQ(last["action"], "access.refused") << last.dump();
  EXPECT_EQ(last["actor"], "nurse1") << last.dump();
  EXPECT_EQ(last["subject"], "P1") << last.dump();
  EXPECT_NE(last["detail"].get<std::string>().find("the nurse role may not"), std::string::npos) << last.dump();
  EXPECT_EQ(testing::RunLenacare("audit verify" + db).exit_code, 0);
}

// --- Files created 0600 (issue 14, item 5) ----------------------------------------------------

TEST(PrivateFiles, TheDatabaseItsWalAndShmTheKeyAndTheCheckpointsAre0600) {
  const mode_t before = umask(022);  // the usual umask, not the program's 077
  TestDatabase data("sqlite");
  {
    auto st = data.Open();
    ASSERT_NE(st, nullptr);
    ASSERT_TRUE(st->Audit("tester", "test.write", "", "").ok());
    for (const char* suffix : {"", "-wal", "-shm", ".audit-key"}) {
      EXPECT_EQ(Mode(data.target() + suffix), 0600u) << suffix;
    }
  }
  EXPECT_EQ(Mode(data.target() + ".audit-checkpoints"), 0600u);
  umask(before);
}

TEST(PrivateFiles, TheDemoAccountsFileIs0600) {
  TestDatabase data("sqlite");
  const std::string db = data.dir() + "/demo.db";
  const std::string pid_file = data.dir() + "/pid";
  const std::string cmd =
      "cd '" + data.dir() + "' && (env LENACARE_KNOWLEDGE='" + std::string(LENACARE_TEST_KNOWLEDGE_DIR) +
      "' LENACARE_WEB='" + std::string(LENACARE_TEST_WEB_DIR) + "' '" + std::string(LENACARE_BINARY) +
      "' serve --demo --listen 127.0.0.1:0 --db '" + db + "' >out 2>err </dev/null & echo $! > '" + pid_file + "')";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string accounts = db + ".demo-accounts.json";
  for (int i = 0; i < 600 && Slurp(data.dir() + "/out").find("serving on") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const pid_t pid = static_cast<pid_t>(std::stol("0" + Slurp(pid_file)));
  ASSERT_GT(pid, 0);
  EXPECT_EQ(Mode(accounts), 0600u) << Slurp(data.dir() + "/err");
  for (const char* suffix : {"", "-wal", "-shm", ".audit-key"}) EXPECT_EQ(Mode(db + suffix), 0600u) << suffix;
  kill(pid, SIGTERM);
  for (int i = 0; i < 200 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Mode(db + ".audit-checkpoints"), 0600u) << Slurp(data.dir() + "/err");
}

}  // namespace
}  // namespace lenacare
