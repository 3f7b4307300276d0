// Crash safety of the import: `lenacare import` is killed with SIGKILL at random points of a
// large NDJSON import, 20 times. Each time the SQLite database must be consistent (integrity and
// foreign-key checks, the audit chain), every resource the importer reported committed must be
// there, and running the import again must complete it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "store/store.h"
#include "store_support.h"
#include "test_support.h"

extern char** environ;

namespace lenacare {
namespace {

using Clock = std::chrono::steady_clock;

// The sanitizer build (Debug, ASan + UBSan) imports about 25 times slower: a smaller file with
// smaller batches keeps the same number of kills and batches per import within CI's time.
#ifdef LENACARE_SANITIZED
constexpr int kObservations = 6000;
constexpr int kBatch = 200;
#else
constexpr int kObservations = 30000;
constexpr int kBatch = 1000;
#endif

void WriteObservations(const std::string& path) {
  std::ofstream out(path);
  const char* codes[] = {"751-8", "777-3", "718-7"};
  const char* units[] = {"10*9/L", "10*9/L", "g/dL"};
  const double values[] = {1.9, 180, 11.2};
  for (int i = 1; i <= kObservations; ++i) {
    const int kind = i % 3;
    out << R"({"resourceType":"Observation","id":"o)" << i
        << R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")" << codes[kind]
        << R"("}]},"subject":{"reference":"Patient/p)" << i % 100 << R"("},"effectiveDateTime":"2026-0)" << 1 + i % 9
        << "-1" << i % 10 << R"(T08:00:00Z","valueQuantity":{"value":)" << values[kind] << R"(,"unit":")" << units[kind]
        << R"(","system":"http://unitsofmeasure.org"}})"
        << "\n";
  }
}

// Starts `lenacare import` with stderr to `err_path`; returns its pid.
pid_t StartImport(const std::string& db, const std::string& file, const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string binary = testing::LenacareBinary();
  const std::string batch = std::to_string(kBatch);
  std::vector<std::string> args = {binary, "import", file, "--db", db, "--progress", "lines", "--batch", batch};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string knowledge = "LENACARE_KNOWLEDGE=" + testing::KnowledgeDir();
  std::vector<char*> env = {knowledge.data()};
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  env.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// The last line the importer reported committed ("committed FILE:LINE"), 0 if none.
int64_t LastCommitted(const std::string& err_path) {
  std::ifstream in(err_path);
  std::string line;
  int64_t last = 0;
  while (std::getline(in, line)) {
    if (line.rfind("committed ", 0) != 0) continue;
    last = std::stoll(line.substr(line.rfind(':') + 1));
  }
  return last;
}

int64_t Count(store::Store& s, const std::string& sql) {
  auto n = store::QueryInt(s.db(), sql, {}, -1);
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().Describe());
  return n.ok() ? *n : -1;
}

void ExpectConsistent(store::Store& s, int64_t committed, const std::string& what) {
  std::string integrity;
  ASSERT_TRUE(s.db().Query("PRAGMA integrity_check", {}, [&](const store::Row& r) { integrity += r.Text(0); }).ok());
  EXPECT_EQ(integrity, "ok") << what;
  int64_t orphans = 0;
  ASSERT_TRUE(s.db().Query("PRAGMA foreign_key_check", {}, [&](const store::Row&) { ++orphans; }).ok());
  EXPECT_EQ(orphans, 0) << what;
  const int64_t events = Count(s, "SELECT count(*) FROM events");
  // Whole batches only, and at least every one reported committed.
  EXPECT_TRUE(events % kBatch == 0 || events == kObservations) << what << ": " << events << " events";
  EXPECT_GE(events, committed) << what;
  // The reported lines are exactly the first `committed` observations.
  EXPECT_EQ(
      Count(s,
            "SELECT count(*) FROM events WHERE CAST(substr(source, instr(source, '|Observation/o') + 14) AS INTEGER) "
            "<= " +
                std::to_string(committed)),
      committed)
      << what;
  auto audit = s.VerifyAudit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << what << ": " << audit->problem;
}

TEST(ImportCrashTest, KilledAtRandomPointsTheDatabaseStaysConsistentAndTheImportCompletesOnRerun) {
  testing::TestDatabase dir("sqlite");
  const std::string file = dir.dir() + "/Observation.000.ndjson";
  WriteObservations(file);

  // How long a whole import takes in this build, so that the kills fall inside it.
  const std::string full_db = dir.dir() + "/full.db";
  const auto t0 = Clock::now();
  const pid_t full = StartImport(full_db, file, dir.dir() + "/full.err");
  ASSERT_GT(full, 0);
  int status = 0;
  waitpid(full, &status, 0);
  const auto duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the uninterrupted import failed";
  ASSERT_EQ(LastCommitted(dir.dir() + "/full.err"), kObservations);

  const unsigned seed = 20261122;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> when(0, duration.count());
  int killed_mid_import = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string db = dir.dir() + "/crash" + std::to_string(i) + ".db";
    const std::string err = dir.dir() + "/crash" + std::to_string(i) + ".err";
    const pid_t pid = StartImport(db, file, err);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::microseconds(when(rng)));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    const bool was_killed = WIFSIGNALED(status);
    const int64_t committed = LastCommitted(err);
    if (was_killed && committed < kObservations) ++killed_mid_import;
    const std::string what = "kill " + std::to_string(i) + " (seed " + std::to_string(seed) + "), " +
                             std::to_string(committed) + " lines reported committed";
    {
      auto s = store::Store::Open(db, testing::TestClock());
      ASSERT_TRUE(s.ok()) << what << ": " << s.error().Describe();
      ExpectConsistent(**s, committed, what);
    }
    // Running it again completes the import.
    const pid_t again = StartImport(db, file, err + ".rerun");
    ASSERT_GT(again, 0);
    waitpid(again, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << what << ": the rerun failed";
    auto s = store::Store::Open(db, testing::TestClock());
    ASSERT_TRUE(s.ok());
    ExpectConsistent(**s, kObservations, what + ", after the rerun");
    EXPECT_EQ(Count(**s, "SELECT count(*) FROM events"), kObservations) << what;
  }
  // The kills must really have hit imports in progress, not only finished ones.
  EXPECT_GE(killed_mid_import, 10);
}

}  // namespace
}  // namespace lenacare
