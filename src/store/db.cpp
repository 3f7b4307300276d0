#include "store/db.h"

namespace lenacare::store {

bool IsPostgresUrl(std::string_view target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Connection>> Open(const std::string& target) {
  if (target.empty()) return Error::BadInput("--db", "missing (a SQLite file path or a postgresql:// URL)");
  if (IsPostgresUrl(target)) return OpenPostgres(target);
  return OpenSqlite(target);
}

Result<int64_t> QueryInt(Connection& db, std::string_view sql, const Params& params, int64_t fallback) {
  int64_t value = fallback;
  bool first = true;
  Status s = db.Query(sql, params, [&](const Row& row) {
    if (first && !row.IsNull(0)) value = row.Int(0);
    first = false;
  });
  if (!s.ok()) return s.error();
  return value;
}

Status InTransaction(Connection& db, const std::function<Status()>& body) {
  Status s = db.Begin();
  if (!s.ok()) return s;
  s = body();
  if (!s.ok()) {
    (void)db.Rollback();
    return s;
  }
  return db.Commit();
}

}  // namespace lenacare::store
