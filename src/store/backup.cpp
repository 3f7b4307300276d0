#include "store/backup.h"

#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/text.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/hex.h"
#include "store/store.h"

extern char** environ;

namespace lenacare::store {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "lenacare-backup 1\n";

Error Failed(const std::string& field, const std::string& message) { return Error::Failed(field, message); }

std::string Errno() { return std::strerror(errno); }

// A file descriptor closed when it goes out of scope.
struct File {
  int fd = -1;
  explicit File(int f) : fd(f) {}
  ~File() {
    if (fd >= 0) ::close(fd);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
};

// A file of the work in progress, removed when it goes out of scope with the files SQLite may
// have made beside it (a file published under another name has gone already).
struct Scratch {
  std::string path;
  ~Scratch() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
  }
};

Status WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Failed("to", "cannot write " + Quoted(path) + ": " + Errno());
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Makes a rename or link in `path`'s directory durable.
void SyncDirectory(const std::string& path) {
  const std::string dir = fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
  File d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd >= 0) (void)::fsync(d.fd);
}

// `file`'s name for a file written beside it before it is complete.
std::string Temporary(const std::string& file, const char* what) {
  return file + "." + what + "-" + std::to_string(::getpid());
}

// Links the complete temporary file to its name, refusing to replace a file, and removes the
// temporary name.
Status Publish(const std::string& temporary, const std::string& file, const std::string& field) {
  if (::link(temporary.c_str(), file.c_str()) != 0) {
    const std::string why = errno == EEXIST ? "it exists (a backup or database is never overwritten)" : Errno();
    ::unlink(temporary.c_str());
    return Failed(field, "cannot create " + Quoted(file) + ": " + why);
  }
  ::unlink(temporary.c_str());
  SyncDirectory(file);
  return Status::Ok();
}

// Runs a program (found on PATH) with `args`, its standard output to `out` ("" for /dev/null);
// returns its first line of standard error as the error when it fails.
Status RunTool(const std::vector<std::string>& args, const std::string& field) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int err[2];
  if (::pipe2(err, O_CLOEXEC) != 0) return Failed(field, "cannot run " + args[0] + ": " + Errno());
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(err[1]);
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(err[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (text.size() < 64 * 1024) text.append(buffer, static_cast<size_t>(n));
  }
  ::close(err[0]);
  if (spawned != 0) {
    return Failed(field, "cannot run " + args[0] + ": " + std::strerror(spawned) +
                             (spawned == ENOENT ? " (install postgresql-client)" : ""));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  std::string line = text.substr(0, text.find('\n'));
  if (line.empty()) line = WIFSIGNALED(status) ? "killed by a signal" : "exit " + std::to_string(WEXITSTATUS(status));
  return Failed(field, args[0] + " failed: " + line);
}

// SHA-256 of `size` bytes of `path` from `offset` (hex); fewer bytes than that is an error.
Result<std::string> Sha256Of(const std::string& path, int64_t offset, int64_t size) {
  File f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) return Failed("file", "cannot read " + Quoted(path) + ": " + Errno());
  if (::lseek(f.fd, offset, SEEK_SET) != offset) return Failed("file", "cannot read " + Quoted(path) + ": " + Errno());
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<unsigned char> buffer(1 << 16);
  int64_t left = size;
  while (left > 0) {
    const ssize_t n = ::read(f.fd, buffer.data(), static_cast<size_t>(std::min<int64_t>(left, 1 << 16)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Failed("file", "cannot read " + Quoted(path) + ": " + Errno());
    if (n == 0) break;
    crypto_hash_sha256_update(&state, buffer.data(), static_cast<unsigned long long>(n));
    left -= n;
  }
  if (left > 0) return Error::BadInput("file", "the backup is cut short: " + std::to_string(left) + " bytes missing");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return Hex(digest, sizeof digest);
}

// Reads the header of a backup file; `payload_at` is where the payload starts.
Result<BackupHeader> ReadHeader(const std::string& path, int64_t& payload_at) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Failed("file", "cannot read " + Quoted(path));
  std::string magic(kMagic.size(), '\0');
  in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
  if (!in || magic != kMagic) {
    return Error::BadInput("file", Quoted(path) + " is not a lenacare backup (it does not begin with \"" +
                                       std::string(kMagic.substr(0, kMagic.size() - 1)) + "\")");
  }
  std::string line;
  if (!std::getline(in, line) || line.size() > (1 << 24)) {
    return Error::BadInput("file", "the backup's header is missing or cut short");
  }
  payload_at = static_cast<int64_t>(kMagic.size() + line.size() + 1);
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  BackupHeader h;
  try {
    if (!j.is_object()) throw std::runtime_error("not an object");
    h.format = j.at("format").get<int>();
    h.dialect = j.at("dialect").get<std::string>();
    h.created_at = j.at("created_at").get<std::string>();
    h.lenacare = j.at("lenacare").get<std::string>();
    h.knowledge = j.at("knowledge").get<std::string>();
    h.schema = j.at("schema").get<int64_t>();
    h.audit_seq = j.at("audit_head").at("seq").get<int64_t>();
    h.audit_hash = j.at("audit_head").at("hash").get<std::string>();
    h.rows = j.at("rows").get<std::map<std::string, int64_t>>();
    h.site_knowledge = j.at("site_knowledge").get<std::string>();
    h.checkpoints = j.at("checkpoints").get<std::string>();
    h.bytes = j.at("bytes").get<int64_t>();
    h.sha256 = j.at("sha256").get<std::string>();
  } catch (const std::exception&) {
    return Error::BadInput("file", "the backup's header is damaged (not the JSON a backup begins with)");
  }
  if (h.format != 1) return Error::BadInput("file", "backup format " + std::to_string(h.format) + " is not known");
  if (h.dialect != "sqlite" && h.dialect != "postgresql") {
    return Error::BadInput("file", "the backup's header names an unknown database (" + Quoted(h.dialect) + ")");
  }
  return h;
}

// Checks the payload's size and checksum against the header.
Status CheckPayload(const std::string& path, const BackupHeader& h, int64_t payload_at) {
  std::error_code ec;
  const auto size = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) return Failed("file", "cannot read " + Quoted(path) + ": " + ec.message());
  if (size - payload_at != h.bytes) {
    return Error::BadInput("file", "the backup holds " + std::to_string(size - payload_at) +
                                       " bytes of data but its header says " + std::to_string(h.bytes) +
                                       (size - payload_at < h.bytes ? " (cut short)" : " (bytes added)"));
  }
  auto sha = Sha256Of(path, payload_at, h.bytes);
  if (!sha.ok()) return sha.error();
  if (*sha != h.sha256) {
    return Error::BadInput("file", "the backup's data does not match its checksum (SHA-256 " + sha->substr(0, 16) +
                                       "..., the header says " + h.sha256.substr(0, 16) + "...): the file is damaged");
  }
  return Status::Ok();
}

// Copies the payload out of a backup into a new file only its owner may read.
Status Extract(const std::string& path, int64_t payload_at, int64_t bytes, const std::string& to) {
  File in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd < 0) return Failed("file", "cannot read " + Quoted(path) + ": " + Errno());
  File out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (out.fd < 0) return Failed("db", "cannot create " + Quoted(to) + ": " + Errno());
  if (::lseek(in.fd, payload_at, SEEK_SET) != payload_at) return Failed("file", "cannot read " + Quoted(path));
  std::vector<char> buffer(1 << 16);
  int64_t left = bytes;
  while (left > 0) {
    const ssize_t n = ::read(in.fd, buffer.data(), static_cast<size_t>(std::min<int64_t>(left, 1 << 16)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Failed("file", "cannot read " + Quoted(path));
    Status w = WriteAll(out.fd, buffer.data(), static_cast<size_t>(n), to);
    if (!w.ok()) return w;
    left -= n;
  }
  if (::fsync(out.fd) != 0) return Failed("db", "cannot write " + Quoted(to) + ": " + Errno());
  return Status::Ok();
}

// The tables of the database (not SQLite's own).
Result<std::vector<std::string>> Tables(Connection& db) {
  std::vector<std::string> names;
  const char* sql =
      db.dialect() == Dialect::kSqlite
          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
          : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY table_name";
  Status s = db.Query(sql, {}, [&](const Row& r) { names.emplace_back(r.Text(0)); });
  if (!s.ok()) return s.error();
  return names;
}

// Rows per table, the audit head and the schema version, as the database has them now (inside
// the caller's transaction, if any).
Status Measure(Connection& db, BackupHeader& h) {
  auto tables = Tables(db);
  if (!tables.ok()) return tables.error();
  h.rows.clear();
  for (const std::string& t : *tables) {
    auto n = QueryInt(db, "SELECT count(*) FROM \"" + t + "\"", {});
    if (!n.ok()) return n.error();
    h.rows[t] = *n;
  }
  if (h.rows.count("audit_head") == 0 || h.rows.count("schema_migrations") == 0) {
    return Error::BadInput("db", "not a lenacare database (it has no audit log)");
  }
  auto schema = QueryInt(db, "SELECT max(version) FROM schema_migrations", {});
  if (!schema.ok()) return schema.error();
  h.schema = *schema;
  h.audit_seq = 0;
  h.audit_hash.clear();
  return db.Query("SELECT seq, hash FROM audit_head WHERE id = 1", {}, [&](const Row& r) {
    h.audit_seq = r.Int(0);
    h.audit_hash = r.Text(1);
  });
}

// Compares what a database holds with what the header says it held.
Status Compare(const BackupHeader& found, const BackupHeader& header) {
  if (found.rows != header.rows) {
    for (const auto& [table, n] : header.rows) {
      auto it = found.rows.find(table);
      const int64_t have = it == found.rows.end() ? -1 : it->second;
      if (have != n) {
        return Error::BadInput("file", "table " + table + " holds " + (have < 0 ? "nothing" : std::to_string(have)) +
                                           " rows but the backup's header says " + std::to_string(n));
      }
    }
    return Error::BadInput("file", "the database holds tables the backup's header does not name");
  }
  if (found.audit_seq != header.audit_seq || found.audit_hash != header.audit_hash) {
    return Error::BadInput("file", "the audit log's head is entry " + std::to_string(found.audit_seq) +
                                       " but the backup's header says " + std::to_string(header.audit_seq));
  }
  if (found.schema != header.schema) {
    return Error::BadInput("file", "the database's schema is version " + std::to_string(found.schema) +
                                       " but the backup's header says " + std::to_string(header.schema));
  }
  return Status::Ok();
}

// Opens a SQLite file of a backup (read-only, nothing of it changed) and checks it as a database.
Status CheckSqlite(const std::string& path, const BackupHeader* header, BackupHeader& found) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return Error::BadInput("file", "the backup's database cannot be opened");
  std::string integrity;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check(1)", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    integrity = text == nullptr ? "" : reinterpret_cast<const char*>(text);
  } else {
    integrity = sqlite3_errmsg(db.get());
  }
  sqlite3_finalize(stmt);
  if (integrity != "ok")
    return Error::BadInput("file", "the backup's database fails its integrity check: " + integrity);
  db.reset();
  auto conn = OpenSqlite(path);
  if (!conn.ok()) return conn.error();
  Status m = Measure(**conn, found);
  if (!m.ok()) return m;
  return header == nullptr ? Status::Ok() : Compare(found, *header);
}

// Writes the backup file: the magic line, the header, the payload; flushed, then linked to `file`.
Status WriteBackup(const std::string& payload, BackupHeader& h, const std::string& file) {
  std::error_code ec;
  h.bytes = static_cast<int64_t>(fs::file_size(payload, ec));
  if (ec) return Failed("to", "cannot read " + Quoted(payload) + ": " + ec.message());
  auto sha = Sha256Of(payload, 0, h.bytes);
  if (!sha.ok()) return sha.error();
  h.sha256 = *sha;
  const std::string temporary = Temporary(file, "writing");
  File out(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (out.fd < 0) return Failed("to", "cannot create " + Quoted(temporary) + ": " + Errno());
  const std::string head = std::string(kMagic) + BackupHeaderJson(h).dump() + "\n";
  Status s = WriteAll(out.fd, head.data(), head.size(), temporary);
  File in(::open(payload.c_str(), O_RDONLY | O_CLOEXEC));
  if (s.ok() && in.fd < 0) s = Failed("to", "cannot read " + Quoted(payload) + ": " + Errno());
  std::vector<char> buffer(1 << 16);
  while (s.ok()) {
    const ssize_t n = ::read(in.fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) s = Failed("to", "cannot read " + Quoted(payload) + ": " + Errno());
    if (n <= 0) break;
    s = WriteAll(out.fd, buffer.data(), static_cast<size_t>(n), temporary);
  }
  if (s.ok() && ::fsync(out.fd) != 0) s = Failed("to", "cannot write " + Quoted(temporary) + ": " + Errno());
  if (!s.ok()) {
    ::unlink(temporary.c_str());
    return s;
  }
  return Publish(temporary, file, "to");
}

Status SnapshotSqlite(const std::string& source, const std::string& copy) {
  sqlite3* src_raw = nullptr;
  int rc = sqlite3_open_v2(source.c_str(), &src_raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> src(src_raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return Failed("db", "cannot open " + Quoted(source) + ": " + sqlite3_errmsg(src.get()));
  sqlite3_busy_timeout(src.get(), 10000);
  File created(::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (created.fd < 0) return Failed("to", "cannot create " + Quoted(copy) + ": " + Errno());
  sqlite3* dst_raw = nullptr;
  rc = sqlite3_open_v2(copy.c_str(), &dst_raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> dst(dst_raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return Failed("to", "cannot open " + Quoted(copy) + ": " + sqlite3_errmsg(dst.get()));
  // Every page in one step: one read transaction on the source, so one snapshot of it, however
  // many commits the server makes meanwhile (WAL mode lets them go on).
  sqlite3_backup* backup = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
  if (backup == nullptr) return Failed("to", std::string("cannot back up: ") + sqlite3_errmsg(dst.get()));
  for (int tries = 0;; ++tries) {
    rc = sqlite3_backup_step(backup, -1);
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < 100) {
      sqlite3_sleep(100);
      continue;
    }
    break;
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return Failed("db", std::string("cannot back up: ") + sqlite3_errstr(rc));
  // The copy stands alone: no write-ahead log beside it.
  char* message = nullptr;
  if (sqlite3_exec(dst.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message == nullptr ? "" : message;
    sqlite3_free(message);
    return Failed("to", "cannot finish the copy: " + why);
  }
  return Status::Ok();
}

std::string Now() { return UtcText(std::chrono::system_clock::now()); }

// The checkpoint file's lines that anchor entries up to `seq` (the later ones anchor entries the
// backup does not hold).
std::string CheckpointsUpTo(const std::string& path, int64_t seq) {
  std::ifstream in(path, std::ios::binary);
  std::string out, line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("seq") && j["seq"].is_number_integer() && j["seq"].get<int64_t>() <= seq) {
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace

nlohmann::json BackupHeaderJson(const BackupHeader& h) {
  return {{"format", h.format},
          {"dialect", h.dialect},
          {"created_at", h.created_at},
          {"lenacare", h.lenacare},
          {"knowledge", h.knowledge},
          {"schema", h.schema},
          {"audit_head", {{"seq", h.audit_seq}, {"hash", h.audit_hash}}},
          {"rows", h.rows},
          {"site_knowledge", h.site_knowledge},
          {"checkpoints", h.checkpoints},
          {"bytes", h.bytes},
          {"sha256", h.sha256}};
}

Result<BackupHeader> TakeBackup(const std::string& target, const std::string& file, BackupHeader about,
                                const AuditFiles& audit) {
  if (sodium_init() < 0) return Failed("", "libsodium could not be initialised");
  std::error_code ec;
  if (fs::exists(file, ec)) return Failed("to", Quoted(file) + " exists (a backup is never overwritten)");
  BackupHeader h = std::move(about);
  h.format = 1;
  h.created_at = Now();
  const std::string payload = Temporary(file, "data");
  const Scratch remove_payload{payload};
  if (!IsPostgresUrl(target)) {
    h.dialect = "sqlite";
    if (!fs::is_regular_file(target, ec)) return Failed("db", Quoted(target) + " is not a database file");
    Status s = SnapshotSqlite(target, payload);
    if (!s.ok()) return s.error();
    BackupHeader found;
    s = CheckSqlite(payload, nullptr, found);
    if (!s.ok()) return Failed("db", "the copy does not check out: " + s.error().message);
    h.rows = found.rows;
    h.schema = found.schema;
    h.audit_seq = found.audit_seq;
    h.audit_hash = found.audit_hash;
  } else {
    h.dialect = "postgresql";
    auto db = OpenPostgres(target);
    if (!db.ok()) return db.error();
    Connection& c = **db;
    // The header is read in the snapshot pg_dump then dumps: they describe the same database.
    Status s = c.ExecScript("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (!s.ok()) return s.error();
    std::string snapshot;
    s = c.Query("SELECT pg_export_snapshot()", {}, [&](const Row& r) { snapshot = r.Text(0); });
    if (s.ok()) s = Measure(c, h);
    if (s.ok()) {
      s = RunTool({"pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapshot,
                   "--file=" + payload, "--dbname=" + target},
                  "db");
    }
    (void)c.ExecScript("COMMIT");
    if (!s.ok()) return s.error();
  }
  const AuditPaths paths = ResolveAuditPaths(audit, IsPostgresUrl(target) ? "" : target);
  if (!paths.checkpoints.empty()) h.checkpoints = CheckpointsUpTo(paths.checkpoints, h.audit_seq);
  Status w = WriteBackup(payload, h, file);
  if (!w.ok()) return w.error();
  return h;
}

Result<BackupHeader> VerifyBackup(const std::string& file) {
  if (sodium_init() < 0) return Failed("", "libsodium could not be initialised");
  int64_t payload_at = 0;
  auto header = ReadHeader(file, payload_at);
  if (!header.ok()) return header;
  Status s = CheckPayload(file, *header, payload_at);
  if (!s.ok()) return s.error();
  const std::string scratch = (fs::temp_directory_path() / ("lenacare-verify-" + std::to_string(::getpid()))).string();
  const Scratch remove_scratch{scratch};
  s = Extract(file, payload_at, header->bytes, scratch);
  if (!s.ok()) return s.error();
  if (header->dialect == "sqlite") {
    BackupHeader found;
    s = CheckSqlite(scratch, &*header, found);
  } else {
    // pg_restore reads the whole archive (every table's data) and writes it nowhere.
    s = RunTool({"pg_restore", "--file=/dev/null", scratch}, "file");
  }
  if (!s.ok()) return s.error();
  return header;
}

Result<RestoreReport> RestoreBackup(const std::string& file, const std::string& target, const Clock& clock,
                                    const AuditFiles& audit) {
  if (sodium_init() < 0) return Failed("", "libsodium could not be initialised");
  int64_t payload_at = 0;
  auto header = ReadHeader(file, payload_at);
  if (!header.ok()) return header.error();
  const bool postgres = IsPostgresUrl(target);
  if (postgres != (header->dialect == "postgresql")) {
    return Error::BadInput("db", "the backup is of a " + std::string(postgres ? "SQLite" : "PostgreSQL") +
                                     " database; restore it into a " +
                                     (postgres ? "SQLite file" : "postgresql:// database"));
  }
  // Before anything is written: the target is empty, and the key is there.
  std::error_code ec;
  const AuditPaths paths = ResolveAuditPaths(audit, postgres ? "" : target);
  if (!postgres) {
    for (const std::string& f : {target, target + "-wal", target + "-journal"}) {
      if (fs::exists(f, ec)) {
        return Error::BadInput("db", Quoted(f) + " exists: a backup is restored only into a new database");
      }
    }
  }
  if (!paths.checkpoints.empty() && fs::exists(paths.checkpoints, ec) && fs::file_size(paths.checkpoints, ec) > 0) {
    return Error::BadInput("audit-checkpoints",
                           Quoted(paths.checkpoints) +
                               " holds the checkpoints of another log (a restore goes back in time, which they would "
                               "report): move it aside and keep it, or name a new file (--audit-checkpoints)");
  }
  if (paths.key_file.empty() || !fs::exists(paths.key_file, ec)) {
    return Error::BadInput("audit-key",
                           "give the audit key the database was written with (--audit-key FILE): a "
                           "backup holds no key, so keep a copy of the key apart from the backups");
  }
  if (!header->checkpoints.empty() && paths.checkpoints.empty()) {
    return Error::BadInput("audit-checkpoints", "give the file the restored log's checkpoints are written to");
  }
  Status s = CheckPayload(file, *header, payload_at);
  if (!s.ok()) return s.error();

  RestoreReport report;
  report.header = *header;
  const std::string scratch =
      postgres ? (fs::temp_directory_path() / ("lenacare-restore-" + std::to_string(::getpid()))).string()
               : Temporary(target, "restoring");
  const Scratch remove_scratch{scratch};
  s = Extract(file, payload_at, header->bytes, scratch);
  if (!s.ok()) return s.error();
  if (!postgres) {
    BackupHeader found;
    s = CheckSqlite(scratch, &*header, found);
    if (!s.ok()) return s.error();
    s = Publish(scratch, target, "db");
    if (!s.ok()) return s.error();
  } else {
    auto db = OpenPostgres(target);
    if (!db.ok()) return db.error();
    auto tables = Tables(**db);
    if (!tables.ok()) return tables.error();
    if (!tables->empty()) {
      return Error::BadInput("db", "the database has tables (" + (*tables)[0] +
                                       ", ...): a backup is restored only into an empty database");
    }
    s = RunTool({"pg_restore", "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
                 "--dbname=" + target, scratch},
                "db");
    if (!s.ok()) return s.error();
    BackupHeader found;
    s = Measure(**db, found);
    if (s.ok()) s = Compare(found, *header);
    if (!s.ok()) return Failed("db", "the restored database does not match the backup: " + s.error().message);
  }
  // The restored log, verified with the key and the checkpoints it had.
  auto verify = [&]() -> Status {
    if (!header->checkpoints.empty()) {
      ::unlink(paths.checkpoints.c_str());  // empty, or not there
      File out(::open(paths.checkpoints.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
      if (out.fd < 0) return Failed("audit-checkpoints", "cannot create " + Quoted(paths.checkpoints) + ": " + Errno());
      Status w = WriteAll(out.fd, header->checkpoints.data(), header->checkpoints.size(), paths.checkpoints);
      if (!w.ok()) return w;
      if (::fsync(out.fd) != 0) return Failed("audit-checkpoints", "cannot write " + Quoted(paths.checkpoints));
    }
    auto st = Store::Open(target, clock, audit);
    if (!st.ok()) return st.error();
    auto check = (*st)->VerifyAudit();
    if (!check.ok()) return check.error();
    if (!check->ok) return Failed("db", "the restored audit log does not verify: " + check->problem);
    report.audit_entries = check->entries;
    report.checkpoints = check->checkpoints;
    report.note = check->note;
    if (check->unverified > 0) return Failed("audit-key", "keyed entries were not checked: " + check->note);
    return Status::Ok();
  }();
  if (!verify.ok()) {
    if (!postgres) {
      for (const std::string& f : {target, target + "-wal", target + "-shm"}) ::unlink(f.c_str());
    }
    if (!header->checkpoints.empty()) ::unlink(paths.checkpoints.c_str());
    return verify.error();
  }
  return report;
}

}  // namespace lenacare::store
