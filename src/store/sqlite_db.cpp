// The SQLite driver: one file, WAL journal (readers do not block the writer, and a crash loses
// at most the transaction in flight), foreign keys on, a busy timeout instead of "database is
// locked" failures when two lenacare processes share the file.
#include <sqlite3.h>

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
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
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
      Error e = Error::Failed("", std::string("SQLite: ") + (message ? message : sqlite3_errmsg(db_)));
      sqlite3_free(message);
      return e;
    }
    return Status::Ok();
  }

  Result<int64_t> Run(std::string_view sql, const Params& params) override {
    auto st = Prepare(sql, params);
    if (!st.ok()) return st.error();
    const int rc = sqlite3_step(*st);
    sqlite3_reset(*st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Failure();
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

  Status Begin() override { return ExecScript("BEGIN IMMEDIATE"); }
  Status Commit() override { return ExecScript("COMMIT"); }
  Status Rollback() override { return ExecScript("ROLLBACK"); }

 private:
  Error Failure() const { return Error::Failed("", std::string("SQLite: ") + sqlite3_errmsg(db_)); }

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
  // Looked up by string_view: no string is built for a statement run a million times.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error::Failed("--db", "cannot open SQLite database '" + path + "': " + message);
  }
  sqlite3_busy_timeout(db, 10000);
  auto conn = std::make_unique<SqliteConnection>(db);
  // synchronous=NORMAL in WAL mode keeps the database consistent on a crash; a power cut may lose
  // the last transactions, a killed process does not.
  // A 64 MiB page cache and memory-mapped reads: the worklist reads every course's events.
  Status s = conn->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
      "PRAGMA mmap_size=1073741824;");
  if (!s.ok()) {
    Error e = s.error();
    e.field = "--db";
    e.message = "cannot use SQLite database '" + path + "': " + e.message;
    return e;
  }
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace lenacare::store
