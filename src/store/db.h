// A database connection, as small as the store needs: statements with positional parameters
// ("?" in the SQL text; the PostgreSQL driver rewrites them to $1, $2 ...), rows streamed to a
// callback, transactions. Two drivers: SQLite (a file path) and PostgreSQL (a postgresql:// URL).
// Prepared statements are cached per SQL text, so a statement run a million times is parsed once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace lenacare::store {

// A parameter: NULL, an integer, a real or a text.
using Value = std::variant<std::monostate, int64_t, double, std::string_view>;
using Params = std::vector<Value>;

// One row of a result, valid only inside the callback.
class Row {
 public:
  virtual ~Row() = default;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Real(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;
};

enum class Dialect { kSqlite, kPostgres };

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one or more statements without parameters (schema changes).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Runs one statement; returns the number of rows it changed.
  virtual Result<int64_t> Run(std::string_view sql, const Params& params) = 0;
  // Runs one statement, inside a transaction, whose outcome nobody waits for (not its rows, not
  // its count): PostgreSQL sends it with the transaction's next statement or its Commit, in one
  // round trip, and a failure is reported there (the transaction fails either way). SQLite, and
  // PostgreSQL outside a transaction, run it now.
  virtual Status Later(std::string_view sql, const Params& params) {
    auto n = Run(sql, params);
    return n.ok() ? Status::Ok() : Status(n.error());
  }
  // Runs one query and calls `each` for every row, in order.
  virtual Status Query(std::string_view sql, const Params& params, const std::function<void(const Row&)>& each) = 0;
  // Query for results of any length, held one row at a time (PostgreSQL: libpq's single-row
  // mode; SQLite steps a statement anyway): memory does not grow with the result. `each` must not
  // run another statement on this connection, which is busy until the last row.
  virtual Status Stream(std::string_view sql, const Params& params, const std::function<void(const Row&)>& each) {
    return Query(sql, params, each);
  }
  // Begins a transaction (PostgreSQL sends BEGIN with the first statement: one round trip less).
  virtual Status Begin() = 0;
  // A transaction that only reads, from one snapshot, taking no write lock.
  virtual Status BeginRead() { return Begin(); }
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // One savepoint inside the transaction: Savepoint(), then ReleaseSavepoint() or
  // RollbackToSavepoint() (which undoes what was written since, keeping the transaction).
  virtual Status Savepoint() { return ExecScript("SAVEPOINT lenacare_sp"); }
  virtual Status ReleaseSavepoint() { return ExecScript("RELEASE SAVEPOINT lenacare_sp"); }
  virtual Status RollbackToSavepoint() { return ExecScript("ROLLBACK TO SAVEPOINT lenacare_sp"); }
  // Opened read-only (a file or mount that cannot be written): reads work, every write fails.
  virtual bool read_only() const { return false; }
  // The last failure was a full disk (or a database at its size limit): nothing was written.
  virtual bool disk_full() const { return false; }
};

// "postgresql://..." or "postgres://..." opens PostgreSQL; anything else is a SQLite file path
// (created if missing; WAL journal, foreign keys on). A SQLite file that exists but cannot be
// written (its permissions, a read-only mount) is opened read-only as an unchanging copy.
Result<std::unique_ptr<Connection>> Open(const std::string& target);
Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path);
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url);
bool IsPostgresUrl(std::string_view target);
// Checks a target without opening it: a file path, or a well-formed postgresql:// URL that holds
// no password (a configuration file names the password's file instead). `field` names it in errors.
Status CheckTarget(const std::string& target, const std::string& field);

// A query's first column of its first row as an integer (e.g. a count); `fallback` when no row.
Result<int64_t> QueryInt(Connection& db, std::string_view sql, const Params& params, int64_t fallback = 0);

// Runs `body` in a transaction: commits when it returns Ok, rolls back otherwise.
Status InTransaction(Connection& db, const std::function<Status()>& body);

}  // namespace lenacare::store
