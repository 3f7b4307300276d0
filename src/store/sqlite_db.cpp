// The SQLite driver: one file, WAL journal (readers do not block the writer, and a crash loses
// at most the transaction in flight), foreign keys on, a busy timeout instead of "database is
// locked" failures when two lenacare processes share the file.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <unordered_map>

#include "store/db.h"

namespace lenacare::store {
namespace {

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* st) : st_(st) {}
  bool IsNull(int c) const override { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  int64_t Int(int c) const override { return sqlite3_column_int64(st_, c); }
  double Real(int c) const override { return sqlite3_column_double(st_, c); }
  std::string_view Text(int c) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
    if (p == nullptr) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(st_, c))};
  }

 private:
  sqlite3_stmt* st_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, bool read_only) : db_(db), read_only_(read_only) {}
  ~SqliteConnection() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status ExecScript(std::string_view sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      sqlite3_free(message);
      return Failure();
    }
    return Status::Ok();
  }

  Result<int64_t> Run(std::string_view sql, const Params& params) override {
    // A transaction SQLite rolled back (a full disk) takes no more writes: outside it they would
    // each commit on their own.
    if (Lost()) return Failure(SQLITE_FULL);
    auto st = Prepare(sql, params);
    if (!st.ok()) return st.error();
    const int rc = sqlite3_step(*st);
    sqlite3_reset(*st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Failure();
    ++writes_;
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Status Query(std::string_view sql, const Params& params, const std::function<void(const Row&)>& each) override {
    auto st = Prepare(sql, params);
    if (!st.ok()) return st.error();
    SqliteRow row(*st);
    int rc;
    while ((rc = sqlite3_step(*st)) == SQLITE_ROW) each(row);
    sqlite3_reset(*st);
    if (rc != SQLITE_DONE) return Failure();
    return Status::Ok();
  }

  // A read-only file cannot take the write lock of BEGIN IMMEDIATE; its transactions only read.
  Status Begin() override {
    Status s = ExecScript(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE");
    in_tx_ = s.ok();
    writes_ = 0;
    return s;
  }
  // Deferred: in WAL mode a reader waits for no writer and holds none up.
  Status BeginRead() override {
    Status s = ExecScript("BEGIN");
    in_tx_ = s.ok();
    writes_ = 0;
    return s;
  }
  Status Commit() override {
    if (Lost()) {
      // SQLite rolled the whole transaction back (a full disk may): fine if it had written nothing
      // that counts (only a read's audit entry, given up under a savepoint); otherwise the caller
      // must hear that its writes are gone.
      in_tx_ = false;
      return writes_ == 0 ? Status::Ok() : Status(Failure(SQLITE_FULL));
    }
    in_tx_ = false;
    return ExecScript("COMMIT");
  }
  Status Rollback() override {
    const bool lost = Lost();
    in_tx_ = false;
    return lost ? Status::Ok() : ExecScript("ROLLBACK");
  }
  Status Savepoint() override {
    writes_at_savepoint_ = writes_;
    return ExecScript("SAVEPOINT lenacare_sp");
  }
  Status ReleaseSavepoint() override { return Lost() ? Status::Ok() : ExecScript("RELEASE SAVEPOINT lenacare_sp"); }
  Status RollbackToSavepoint() override {
    writes_ = writes_at_savepoint_;
    return Lost() ? Status::Ok() : ExecScript("ROLLBACK TO SAVEPOINT lenacare_sp");
  }
  bool read_only() const override { return read_only_; }
  bool disk_full() const override { return disk_full_; }

 private:
  // The last error, in words a user can act on for the two a user can fix.
  Error Failure(int code = 0) const {
    if (code == 0) code = sqlite3_errcode(db_);
    disk_full_ = code == SQLITE_FULL;
    if (code == SQLITE_FULL) {
      return Error::Failed("db",
                           "the disk is full (or the database reached its size limit): nothing was written; "
                           "free some space and try again");
    }
    if (code == SQLITE_READONLY || (read_only_ && code == SQLITE_CANTOPEN)) {
      return Error::Failed("db", "the database is read-only (its file or disk cannot be written): nothing was written");
    }
    return Error::Failed("", std::string("SQLite: ") + sqlite3_errmsg(db_));
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql, const Params& params) {
    sqlite3_stmt* st = nullptr;
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      st = it->second;
    } else {
      if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
          SQLITE_OK) {
        return Failure();
      }
      cache_.emplace(std::string(sql), st);
    }
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(st, at, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(st, at, *d);
      } else if (const auto* s = std::get_if<std::string_view>(&v)) {
        rc = sqlite3_bind_text(st, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(st, at);
      }
      if (rc != SQLITE_OK) return Failure();
    }
    return st;
  }

  sqlite3* db_;
  bool read_only_;
  mutable bool disk_full_ = false;
  bool in_tx_ = false;                            // between Begin() and Commit()/Rollback()
  int64_t writes_ = 0, writes_at_savepoint_ = 0;  // write statements run in the transaction
  bool Lost() const { return in_tx_ && sqlite3_get_autocommit(db_) != 0; }
  // Looked up by string_view: no string is built for a statement run a million times.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

}  // namespace

namespace {

// "file:" URI of a path (RFC 3986 escapes for the characters SQLite's URI parser reads).
std::string FileUri(const std::string& path) {
  std::string out = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

namespace {

// Creates a missing database file empty, mode 0600: SQLite would create it 0644 (less the umask),
// and it gives the -wal and -shm files the database file's mode, so all three hold patient data
// readable by their owner only from the first instant.
void CreatePrivately(const std::string& path) {
  if (path.empty() || path == ":memory:") return;
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) close(fd);  // EEXIST and other failures: SQLite's own open reports what matters
}

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path) {
  CreatePrivately(path);
  sqlite3* db = nullptr;
  // A file that exists but cannot be written (permissions, EROFS): opened read-only and immutable
  // (an archive copy or a read-only mount is not written by anyone, so SQLite needs no lock or
  // WAL index, which it could not create there).
  const bool read_only = !path.empty() && path != ":memory:" && access(path.c_str(), F_OK) == 0 &&
                         access(path.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM);
  const int rc = read_only ? sqlite3_open_v2((FileUri(path) + "?mode=ro&immutable=1").c_str(), &db,
                                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr)
                           : sqlite3_open_v2(path.c_str(), &db,
                                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error::Failed("--db", "cannot open SQLite database '" + path + "': " + message);
  }
  sqlite3_busy_timeout(db, 10000);
  auto conn = std::make_unique<SqliteConnection>(db, read_only);
  // synchronous=NORMAL in WAL mode keeps the database consistent on a crash; a power cut may lose
  // the last transactions, a killed process does not.
  // A 64 MiB page cache and memory-mapped reads: the worklist reads every course's events.
  Status s = conn->ExecScript(read_only ? "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
                                        : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
                                          "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;");
  if (!s.ok()) {
    Error e = s.error();
    e.field = "--db";
    e.message = "cannot use SQLite database '" + path + "': " + e.message;
    return e;
  }
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace lenacare::store
