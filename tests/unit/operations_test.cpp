// Operations a hospital's IT runs (issue 18): the configuration file (`--config`, `config check`)
// and backups that restore (`backup`, `backup verify`, `restore`), on SQLite and on the test
// PostgreSQL server, with the `lenacare` binary as an operator would run it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/db.h"
#include "store_support.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::Describe;
using testing::RunLenacare;
namespace fs = std::filesystem;

std::string Q(const std::string& s) { return "'" + s + "'"; }

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Scratch {
 public:
  Scratch() {
    char tmpl[] = "/tmp/lenacare-ops-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string operator/(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// --- The configuration file ---------------------------------------------------------------------

// `config check FILE --json`: the problems' keys.
std::set<std::string> ProblemKeys(const std::string& file, int& exit_code) {
  const testing::CommandResult r = RunLenacare("config check --json " + Q(file));
  exit_code = r.exit_code;
  std::set<std::string> keys;
  const json j = testing::ParseOut(r);
  for (const json& p : j["problems"]) keys.insert(p["key"].get<std::string>());
  return keys;
}

TEST(ConfigFile, TheShippedFileIsValid) {
  const testing::CommandResult r =
      RunLenacare("config check --json " + Q(std::string(LENACARE_TEST_DATA_DIR) + "/../packaging/lenacare.toml"));
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = testing::ParseOut(r);
  EXPECT_TRUE(j["valid"].get<bool>());
  EXPECT_GE(j["settings"].get<int>(), 2);
}

TEST(ConfigFile, AnUnknownKeyIsNamed) {
  Scratch dir;
  Write(dir / "c.toml", "listen = \"127.0.0.1:8080\"\n[database]\nurl = \"x.db\"\npasword_file = \"/etc/pw\"\n");
  int code = 0;
  EXPECT_EQ(ProblemKeys(dir / "c.toml", code), std::set<std::string>{"database.pasword_file"});
  EXPECT_EQ(code, 2);
  // The text names the key and says what is wrong with it.
  const testing::CommandResult r = RunLenacare("config check " + Q(dir / "c.toml"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("database.pasword_file: unknown key"), std::string::npos) << Describe(r);
  // A section that is not one, at the top: unknown too.
  Write(dir / "d.toml", "[databse]\nurl = \"x.db\"\n");
  EXPECT_EQ(ProblemKeys(dir / "d.toml", code), std::set<std::string>{"databse"});
}

TEST(ConfigFile, AWrongTypeIsNamed) {
  Scratch dir;
  Write(
      dir / "c.toml",
      "threads = \"2\"\n[proxy]\nsecure_cookies = \"yes\"\ntrusted = \"127.0.0.1\"\n[sessions]\nidle_minutes = 2.5\n");
  int code = 0;
  EXPECT_EQ(ProblemKeys(dir / "c.toml", code),
            (std::set<std::string>{"threads", "proxy.secure_cookies", "proxy.trusted", "sessions.idle_minutes"}));
  EXPECT_EQ(code, 2);
  const testing::CommandResult r = RunLenacare("config check " + Q(dir / "c.toml"));
  EXPECT_NE(r.err.find("threads: must be a whole number, not text"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("proxy.secure_cookies: must be true or false, not text"), std::string::npos) << Describe(r);
  // Out of range, and a section given as a value.
  Write(dir / "e.toml", "threads = 0\naudit = \"x\"\n");
  EXPECT_EQ(ProblemKeys(dir / "e.toml", code), (std::set<std::string>{"threads", "audit"}));
}

TEST(ConfigFile, ABadDatabaseUrlIsNamed) {
  Scratch dir;
  int code = 0;
  for (const std::string url :
       {"mysql://db.example.org/lenacare", "postgresql://[::1/lenacare", "postgresql://lenacare:s3cret@db/lenacare",
        "postgresql://db/lenacare?password=s3cret", ""}) {
    Write(dir / "c.toml", "[database]\nurl = \"" + url + "\"\n");
    EXPECT_EQ(ProblemKeys(dir / "c.toml", code), std::set<std::string>{"database.url"}) << url;
    EXPECT_EQ(code, 2) << url;
    // A password is never echoed.
    const testing::CommandResult r = RunLenacare("config check " + Q(dir / "c.toml"));
    EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << Describe(r);
  }
  Write(dir / "ok.toml", "[database]\nurl = \"postgresql://lenacare@db.example.org:5433/lenacare\"\n");
  EXPECT_TRUE(ProblemKeys(dir / "ok.toml", code).empty());
  EXPECT_EQ(code, 0);
}

TEST(ConfigFile, NotTomlAndMissingFilesAreSaid) {
  Scratch dir;
  Write(dir / "c.toml", "listen = \n");
  const testing::CommandResult r = RunLenacare("config check " + Q(dir / "c.toml"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not valid TOML at line 1"), std::string::npos) << Describe(r);
  const testing::CommandResult missing = RunLenacare("config check " + Q(dir / "none.toml"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << Describe(missing);
}

TEST(ConfigFile, TheCommandLineWinsOverTheFile) {
  Scratch dir;
  Write(dir / "c.toml", "[database]\nurl = \"" + (dir / "from-file.db") + "\"\n");
  const std::string config = "--config " + Q(dir / "c.toml") + " ";
  // The option on the command line: the file's database is not touched.
  testing::CommandResult r = RunLenacare(config + "patient add P1 --db " + Q(dir / "from-cli.db"));
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(fs::exists(dir / "from-cli.db"));
  EXPECT_FALSE(fs::exists(dir / "from-file.db"));
  // Without it, the file's.
  r = RunLenacare(config + "patient add P2");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = RunLenacare(config + "patient list --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("\"P2\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"P1\""), std::string::npos) << r.out;
  r = RunLenacare(config + "patient list --json --db " + Q(dir / "from-cli.db"));
  EXPECT_NE(r.out.find("\"P1\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"P2\""), std::string::npos) << r.out;
  // $LENACARE_CONFIG names the file too.
  setenv("LENACARE_CONFIG", (dir / "c.toml").c_str(), 1);
  r = RunLenacare("patient list --json");
  unsetenv("LENACARE_CONFIG");
  EXPECT_NE(r.out.find("\"P2\""), std::string::npos) << Describe(r);
}

TEST(ConfigFile, AnInvalidFileRunsNothing) {
  Scratch dir;
  Write(dir / "c.toml", "[database]\nurl = \"" + (dir / "x.db") + "\"\nlisten_port = 80\n");
  const testing::CommandResult r = RunLenacare("--config " + Q(dir / "c.toml") + " patient add P1");
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("database.listen_port: unknown key"), std::string::npos) << Describe(r);
  EXPECT_FALSE(fs::exists(dir / "x.db"));
}

TEST(ConfigFile, ThePasswordComesFromAFileOthersCannotRead) {
  Scratch dir;
  Write(dir / "pw", "s3cret\n");
  chmod((dir / "pw").c_str(), 0644);
  Write(dir / "c.toml",
        "[database]\nurl = \"postgresql://lenacare@127.0.0.1:1/none\"\npassword_file = \"" + (dir / "pw") + "\"\n");
  int code = 0;
  EXPECT_EQ(ProblemKeys(dir / "c.toml", code), std::set<std::string>{"database.password_file"});
  chmod((dir / "pw").c_str(), 0600);
  EXPECT_TRUE(ProblemKeys(dir / "c.toml", code).empty());
  // Both a file and a variable: which one is meant is not guessed.
  Write(dir / "d.toml", "[database]\nurl = \"postgresql://lenacare@db/x\"\npassword_file = \"" + (dir / "pw") +
                            "\"\npassword_env = \"PGPW\"\n");
  EXPECT_EQ(ProblemKeys(dir / "d.toml", code), std::set<std::string>{"database.password_env"});
}

// --- The access log ----------------------------------------------------------------------------

// Lines of a file that parse as JSON objects with the path.
int LogLines(const std::string& path, const std::string& request_path) {
  std::istringstream in(Slurp(path));
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("path", "") == request_path) ++n;
  }
  return n;
}

template <typename Ready>
bool WaitFor(Ready ready) {
  for (int i = 0; i < 300; ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ready();
}

TEST(AccessLog, GoesToTheConfiguredFileAndIsReopenedOnSighup) {
  Scratch dir;
  // The file's listen address is taken (port 1 is not ours to bind as a user): the command line's wins.
  Write(dir / "c.toml", "listen = \"127.0.0.1:1\"\n[database]\nurl = \"" + (dir / "s.db") +
                            "\"\n[log]\nformat = \"json\"\nfile = \"" + (dir / "access.log") + "\"\n");
  const std::string cmd = "cd " + Q(dir / "") + " && (env LENACARE_KNOWLEDGE=" + Q(LENACARE_TEST_KNOWLEDGE_DIR) +
                          " LENACARE_WEB=" + Q(LENACARE_TEST_WEB_DIR) + " " + Q(LENACARE_BINARY) + " --config " +
                          Q(dir / "c.toml") + " serve --listen 127.0.0.1:0 >out 2>err </dev/null & echo $! > pid)";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string port;
  ASSERT_TRUE(WaitFor([&] {
    const std::string out = Slurp(dir / "out");
    const size_t at = out.find("http://127.0.0.1:");
    if (at == std::string::npos) return false;
    port = out.substr(at + 17, out.find('/', at + 17) - at - 17);
    return true;
  })) << Slurp(dir / "err");
  const pid_t pid = static_cast<pid_t>(std::stol("0" + Slurp(dir / "pid")));
  ASSERT_GT(pid, 0);
  auto get = [&](const std::string& path) {
    const std::string curl = "curl -s -o /dev/null -w '%{http_code}' --max-time 10 http://127.0.0.1:" + port + path +
                             " > " + Q(dir / "code");
    return std::system(curl.c_str()) == 0 ? Slurp(dir / "code") : std::string("curl failed");
  };
  EXPECT_EQ(get("/healthz"), "200");
  EXPECT_TRUE(WaitFor([&] { return LogLines(dir / "access.log", "/healthz") == 1; })) << Slurp(dir / "access.log");
  // logrotate moves the file away, then signals the server.
  fs::rename(dir / "access.log", dir / "access.log.1");
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  EXPECT_TRUE(WaitFor([&] { return fs::exists(dir / "access.log"); }));
  EXPECT_EQ(get("/about"), "200");
  EXPECT_TRUE(WaitFor([&] { return LogLines(dir / "access.log", "/about") == 1; })) << Slurp(dir / "access.log");
  EXPECT_EQ(LogLines(dir / "access.log.1", "/about"), 0);
  EXPECT_EQ(LogLines(dir / "access.log.1", "/healthz"), 1);
  // Still serving; SIGTERM stops it gracefully.
  EXPECT_EQ(kill(pid, 0), 0);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_TRUE(WaitFor([&] { return Slurp(dir / "out").find("lenacare stopped.") != std::string::npos; }))
      << Slurp(dir / "err");
}

// --- Backups that restore -----------------------------------------------------------------------

// A database for the backup tests: a SQLite file, or a database of its own on the test
// PostgreSQL server (pg_dump backs up a whole database).
class BackupDatabase {
 public:
  BackupDatabase(const std::string& backend, const std::string& dir, const std::string& name) {
    audit_.key_file = dir + "/" + name + ".key";
    audit_.checkpoints = dir + "/" + name + ".checkpoints";
    if (backend == "sqlite") {
      target_ = dir + "/" + name + ".db";
      return;
    }
    const char* url = std::getenv("LENACARE_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') return;
    base_ = url;
    database_ = "lenacare_" + name + "_" + std::to_string(getpid());
    auto db = store::Open(base_);
    if (!db.ok() || !(*db)->ExecScript("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)").ok() ||
        !(*db)->ExecScript("CREATE DATABASE " + database_).ok()) {
      ADD_FAILURE() << "cannot create the PostgreSQL database " << database_;
      return;
    }
    const size_t slash = base_.find('/', base_.find("://") + 3);
    const size_t query = base_.find('?');
    target_ = base_.substr(0, slash + 1) + database_ + (query == std::string::npos ? "" : base_.substr(query));
  }
  ~BackupDatabase() {
    if (database_.empty()) return;
    auto db = store::Open(base_);
    if (db.ok()) (void)(*db)->ExecScript("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  }
  bool available() const { return !target_.empty(); }
  const std::string& target() const { return target_; }
  const store::AuditFiles& audit() const { return audit_; }
  // The options that name it, with its audit files.
  std::string Options() const {
    return "--db " + Q(target_) + " --audit-key " + Q(audit_.key_file) + " --audit-checkpoints " +
           Q(audit_.checkpoints);
  }

 private:
  std::string target_, base_, database_;
  store::AuditFiles audit_;
};

class Backup : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && std::getenv("LENACARE_TEST_POSTGRES_URL") == nullptr) {
      if (testing::PostgresRequired()) FAIL() << "LENACARE_TEST_POSTGRES_URL is not set";
      GTEST_SKIP() << "no test PostgreSQL server (LENACARE_TEST_POSTGRES_URL)";
    }
    live_ = std::make_unique<BackupDatabase>(GetParam(), dir_ / "", "live");
    ASSERT_TRUE(live_->available());
    ASSERT_TRUE(store::CreateAuditKey(live_->audit().key_file).ok());
  }

  std::unique_ptr<store::Store> OpenLive() {
    auto st = store::Store::Open(live_->target(), testing::TestClock(), live_->audit());
    EXPECT_TRUE(st.ok()) << st.error().Describe();
    return st.ok() ? std::move(st).value() : nullptr;
  }

  // A patient with a course and `n` lab results; returns the events' ids.
  std::vector<int64_t> Seed(int n) {
    auto st = OpenLive();
    std::vector<int64_t> ids;
    if (st == nullptr) return ids;
    EXPECT_TRUE(testing::AddPatient(*st, {0, "P1", "Ada", "female", "1950-02-03", "{}"}).ok());
    EXPECT_TRUE(
        testing::StartCourse(*st, "P1", R"({"indication":"mm","start_date":"2026-01-05","starting_dose_mg":25})").ok());
    for (int i = 0; i < n; ++i) {
      auto e =
          testing::RecordEvent(*st, "P1", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"1.6 10*9/L"})");
      EXPECT_TRUE(e.ok()) << e.error().Describe();
      if (e.ok()) ids.push_back(e->id);
    }
    return ids;
  }

  Scratch dir_;
  std::unique_ptr<BackupDatabase> live_;
};

std::set<int64_t> EventIds(const std::string& target, const store::AuditFiles& audit) {
  std::set<int64_t> ids;
  auto st = store::Store::Open(target, testing::TestClock(), audit);
  EXPECT_TRUE(st.ok()) << st.error().Describe();
  if (!st.ok()) return ids;
  auto p = (*st)->FindPatient("P1");
  EXPECT_TRUE(p.ok());
  if (!p.ok()) return ids;
  auto events = (*st)->EventsOf(p->id);
  EXPECT_TRUE(events.ok());
  if (events.ok()) {
    for (const auto& e : *events) ids.insert(e.id);
  }
  return ids;
}

TEST_P(Backup, TakenWhileAWriterRecordsEventsRestoresEveryEventCommittedBeforeIt) {
  Seed(3);
  // The writer: lab results, one transaction each, from a connection of its own, until told to stop.
  std::mutex mu;
  std::vector<int64_t> committed;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    auto st = store::Store::Open(live_->target(), testing::TestClock(), live_->audit());
    if (!st.ok()) {
      ++failures;
      return;
    }
    while (!stop) {
      auto e = testing::RecordEvent(**st, "P1",
                                    R"({"date":"2026-01-19","type":"lab","test":"platelets","value":"140 K/uL"})");
      if (!e.ok()) {
        ++failures;
        continue;
      }
      const std::lock_guard lock(mu);
      committed.push_back(e->id);
    }
  });
  auto count = [&] {
    const std::lock_guard lock(mu);
    return committed.size();
  };
  while (count() < 20 && failures == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<int64_t> before;
  {
    const std::lock_guard lock(mu);
    before = committed;
  }
  const std::string file = dir_ / "live.lcbak";
  const testing::CommandResult taken = RunLenacare("backup --json --to " + Q(file) + " " + live_->Options());
  const size_t during = count();
  // A few more after the backup: they are not in it.
  while (count() < during + 5 && failures == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  writer.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_EQ(taken.exit_code, 0) << Describe(taken);
  const json header = testing::ParseOut(taken);
  EXPECT_EQ(header["dialect"], GetParam() == "sqlite" ? "sqlite" : "postgresql");
  EXPECT_GT(header["audit_head"]["seq"].get<int64_t>(), 20);
  EXPECT_GE(header["rows"]["events"].get<int64_t>(), static_cast<int64_t>(3 + before.size()));
  EXPECT_NE(header["knowledge"].get<std::string>().find("fingerprint"), std::string::npos);

  const testing::CommandResult verified = RunLenacare("backup verify --json " + Q(file));
  ASSERT_EQ(verified.exit_code, 0) << Describe(verified);
  EXPECT_EQ(testing::ParseOut(verified)["sha256"], header["sha256"]);

  BackupDatabase restored(GetParam(), dir_ / "", "restored");
  ASSERT_TRUE(restored.available());
  // Restored with the live database's key, into a new database with a checkpoint file of its own.
  const std::string into = "--db " + Q(restored.target()) + " --audit-key " + Q(live_->audit().key_file) +
                           " --audit-checkpoints " + Q(restored.audit().checkpoints);
  const testing::CommandResult r = RunLenacare("restore --json " + Q(file) + " " + into);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json report = testing::ParseOut(r);
  EXPECT_EQ(report["audit_entries_verified"], header["audit_head"]["seq"]);

  // Every event committed before the backup began is there; the rows are the backup's.
  store::AuditFiles restored_audit{live_->audit().key_file, restored.audit().checkpoints};
  const std::set<int64_t> ids = EventIds(restored.target(), restored_audit);
  for (int64_t id : before) EXPECT_EQ(ids.count(id), 1u) << "event " << id << " committed before the backup";
  EXPECT_EQ(static_cast<int64_t>(ids.size()), header["rows"]["events"].get<int64_t>());
  // The audit chain verifies in the restored database, checkpoints included.
  const testing::CommandResult audit = RunLenacare("audit verify --json " + into);
  EXPECT_EQ(audit.exit_code, 0) << Describe(audit);

  // A restore goes only into an empty database: the same one again is refused, and left as it was.
  const testing::CommandResult again = RunLenacare("restore " + Q(file) + " " + into);
  EXPECT_EQ(again.exit_code, 2) << Describe(again);
  EXPECT_EQ(EventIds(restored.target(), restored_audit), ids);
}

TEST_P(Backup, ADamagedBackupFailsVerificationNamingTheProblemAndRestoresNothing) {
  Seed(5);
  const std::string file = dir_ / "live.lcbak";
  ASSERT_EQ(RunLenacare("backup --to " + Q(file) + " " + live_->Options()).exit_code, 0);
  const std::string whole = Slurp(file);
  const size_t payload = whole.find('\n', whole.find('\n') + 1) + 1;
  ASSERT_LT(payload + 100, whole.size());

  struct Damage {
    std::string name, text, says;
  };
  std::string flipped = whole;
  flipped[payload + (whole.size() - payload) / 2] ^= 0x01;
  std::string header = whole;
  header.replace(header.find("\"audit_head\""), 12, "\"audit_hexd\"");
  const std::vector<Damage> damages = {
      {"one bit flipped in the data", flipped, "does not match its checksum"},
      {"cut short", whole.substr(0, whole.size() - 1000), "cut short"},
      {"bytes added", whole + "x", "bytes added"},
      {"header edited", header, "header is damaged"},
      {"not a backup", "SQLite format 3", "is not a lenacare backup"},
  };
  for (const Damage& d : damages) {
    Write(dir_ / "damaged.lcbak", d.text);
    const testing::CommandResult r = RunLenacare("backup verify " + Q(dir_ / "damaged.lcbak"));
    EXPECT_EQ(r.exit_code, 2) << d.name << ": " << Describe(r);
    EXPECT_NE(r.err.find(d.says), std::string::npos) << d.name << ": " << Describe(r);
    BackupDatabase restored(GetParam(), dir_ / "", "restored");
    const testing::CommandResult rr =
        RunLenacare("restore " + Q(dir_ / "damaged.lcbak") + " --db " + Q(restored.target()) + " --audit-key " +
                    Q(live_->audit().key_file) + " --audit-checkpoints " + Q(restored.audit().checkpoints));
    EXPECT_EQ(rr.exit_code, 2) << d.name << ": " << Describe(rr);
    EXPECT_NE(rr.err.find(d.says), std::string::npos) << d.name << ": " << Describe(rr);
    EXPECT_FALSE(fs::exists(restored.audit().checkpoints)) << d.name;
    if (GetParam() == "sqlite") {
      EXPECT_FALSE(fs::exists(restored.target())) << d.name;
    } else {
      auto db = store::Open(restored.target());
      ASSERT_TRUE(db.ok());
      auto tables =
          store::QueryInt(**db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", {});
      ASSERT_TRUE(tables.ok());
      EXPECT_EQ(*tables, 0) << d.name;
    }
  }
  // The undamaged file still verifies.
  EXPECT_EQ(RunLenacare("backup verify " + Q(file)).exit_code, 0);
}

TEST_P(Backup, ARestoreNeedsTheAuditKeyAndAFreshCheckpointFile) {
  Seed(2);
  const std::string file = dir_ / "live.lcbak";
  ASSERT_EQ(RunLenacare("backup --to " + Q(file) + " " + live_->Options()).exit_code, 0);
  // A backup is never overwritten.
  const testing::CommandResult twice = RunLenacare("backup --to " + Q(file) + " " + live_->Options());
  EXPECT_EQ(twice.exit_code, 3) << Describe(twice);
  EXPECT_NE(twice.err.find("never overwritten"), std::string::npos) << Describe(twice);
  BackupDatabase restored(GetParam(), dir_ / "", "restored");
  // No key: said before anything is written.
  testing::CommandResult r =
      RunLenacare("restore " + Q(file) + " --db " + Q(restored.target()) + " --audit-key " + Q(dir_ / "missing.key") +
                  " --audit-checkpoints " + Q(restored.audit().checkpoints));
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("audit key"), std::string::npos) << Describe(r);
  // The live database's checkpoint file: its later lines would report the restore as a rollback.
  r = RunLenacare("restore " + Q(file) + " --db " + Q(restored.target()) + " --audit-key " +
                  Q(live_->audit().key_file) + " --audit-checkpoints " + Q(live_->audit().checkpoints));
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_NE(r.err.find("move it aside"), std::string::npos) << Describe(r);
  if (GetParam() == "sqlite") {
    EXPECT_FALSE(fs::exists(restored.target()));
  }
}

TEST_P(Backup, KeepLeavesTheNewestBackupsOfTheDirectory) {
  Seed(1);
  const std::string dir = dir_ / "backups";
  fs::create_directory(dir);
  ASSERT_EQ(RunLenacare("backup --to " + Q(dir) + " " + live_->Options()).exit_code, 0);
  const std::string first = fs::directory_iterator(dir)->path().string();
  // Two older backups (copies, named as backup names them) and a file that is not one.
  fs::copy_file(first, dir + "/lenacare-20200101T000000Z.lcbak");
  fs::copy_file(first, dir + "/lenacare-20210101T000000Z.lcbak");
  Write(dir + "/notes.txt", "kept\n");
  // --keep only with a directory, and not 0 or less.
  EXPECT_EQ(RunLenacare("backup --keep 2 --to " + Q(dir_ / "x.lcbak") + " " + live_->Options()).exit_code, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a new name (it has the second)
  const testing::CommandResult r = RunLenacare("backup --json --keep 2 --to " + Q(dir) + " " + live_->Options());
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(testing::ParseOut(r)["removed"].size(), 2u);
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.insert(e.path().filename().string());
  EXPECT_EQ(left.size(), 3u);
  EXPECT_EQ(left.count("notes.txt"), 1u);
  EXPECT_EQ(left.count(fs::path(first).filename().string()), 1u);
  EXPECT_EQ(left.count(fs::path(testing::ParseOut(r)["file"].get<std::string>()).filename().string()), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, Backup, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace lenacare
