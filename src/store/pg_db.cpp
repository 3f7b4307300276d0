// The PostgreSQL driver of db.h, on libpq. Parameters travel as text and the server infers their
// types from the statement; where it cannot (e.g. "? IS NULL" alone), write CAST(? AS BIGINT),
// which SQLite accepts too. A result is read whole before `each` runs, so `each` may run other
// statements on the same connection.
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/db.h"

namespace lenacare::store {
namespace {

constexpr Oid kBoolOid = 16;  // pg_type.oid of boolean (catalog/pg_type_d.h, stable since 1996)

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// libpq messages end in a newline and may continue with DETAIL/HINT lines; an Error is one line.
std::string FirstLine(const char* message) {
  std::string line = message == nullptr ? "" : message;
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
  return line.empty() ? "unknown error" : line;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned byte = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, byte, 16).ptr == text.data() + i + 3) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The passwords a URL carries: "postgresql://user:SECRET@host/db?password=SECRET", as written and
// percent-decoded. libpq echoes parts of a malformed URL (even all of it) in its messages.
std::vector<std::string> PasswordsIn(const std::string& url) {
  std::vector<std::string> secrets;
  const size_t scheme_end = url.find("://");
  const size_t query = url.find('?');
  const size_t authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t at = url.rfind('@', query == std::string::npos ? std::string::npos : query);
  if (scheme_end != std::string::npos && at != std::string::npos && at > authority) {
    const size_t colon = url.find(':', authority);
    if (colon < at) secrets.push_back(url.substr(colon + 1, at - colon - 1));
  }
  for (size_t key = url.find("password=", query == std::string::npos ? url.size() : query); key != std::string::npos;
       key = url.find("password=", key + 1)) {
    const size_t start = key + 9;
    secrets.push_back(url.substr(start, url.find('&', start) - start));
  }
  const size_t written = secrets.size();
  for (size_t i = 0; i < written; ++i) secrets.push_back(PercentDecoded(secrets[i]));
  return secrets;
}

std::string Redacted(std::string message, const std::string& url) {
  for (const std::string& secret : PasswordsIn(url)) ReplaceAll(message, secret, "***");
  return message;
}

// "?" -> "$1", "$2" ..., except inside '...' literals and "..." identifiers (a doubled quote
// inside either closes and reopens it, which leaves the state right).
std::string Numbered(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  count = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++count);
    } else {
      out += c;
    }
  }
  return out;
}

std::string DoubleText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

class PostgresRow : public Row {
 public:
  PostgresRow(const PGresult* result, int row) : result_(result), row_(row) {}

  bool IsNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }

  int64_t Int(int column) const override {
    const char* text = PQgetvalue(result_, row_, column);
    if (text == nullptr) return 0;
    if (PQftype(result_, column) == kBoolOid) return text[0] == 't' ? 1 : 0;  // SQLite has 1 and 0
    int64_t value = 0;
    std::from_chars(text, text + PQgetlength(result_, row_, column), value);  // not a number: 0
    return value;
  }

  double Real(int column) const override {
    const char* text = PQgetvalue(result_, row_, column);
    if (text == nullptr) return 0.0;
    double value = 0;
    const char* end = text + PQgetlength(result_, row_, column);
    // "NaN", "Infinity", "-Infinity" as PostgreSQL writes them are read by from_chars too.
    if (std::from_chars(text, end, value).ec != std::errc()) return std::strtod(text, nullptr);
    return value;
  }

  std::string_view Text(int column) const override {
    const char* text = PQgetvalue(result_, row_, column);
    if (text == nullptr) return {};
    return std::string_view(text, static_cast<size_t>(PQgetlength(result_, row_, column)));
  }

 private:
  const PGresult* result_;
  int row_;
};

class PostgresConnection : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status ExecScript(std::string_view sql) override {
    auto sent = Flush(nullptr);
    if (!sent.ok()) return sent.error();
    auto result = Exec(std::string(sql));
    if (!result.ok()) return result.error();
    return Status::Ok();
  }

  Status Later(std::string_view sql, const Params& params) override {
    if (queued_.empty() && PQtransactionStatus(conn_) == PQTRANS_IDLE) return Connection::Later(sql, params);
    auto bound = Bind(sql, params);
    if (!bound.ok()) return bound.error();
    queued_.push_back(std::move(bound).value());
    return Status::Ok();
  }

  Result<int64_t> Run(std::string_view sql, const Params& params) override {
    auto result = Execute(sql, params);
    if (!result.ok()) return result.error();
    const char* tuples = PQcmdTuples(result.value().get());
    int64_t count = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), count);  // "" (no count) leaves 0
    return count;
  }

  Status Query(std::string_view sql, const Params& params, const std::function<void(const Row&)>& each) override {
    auto result = Execute(sql, params);
    if (!result.ok()) return result.error();
    const PGresult* rows = result.value().get();
    const int n = PQntuples(rows);
    for (int i = 0; i < n; ++i) each(PostgresRow(rows, i));
    return Status::Ok();
  }

  Status Stream(std::string_view sql, const Params& params, const std::function<void(const Row&)>& each) override {
    auto sent = Flush(nullptr);  // single-row mode is not for pipelines
    if (!sent.ok()) return sent.error();
    auto bound = Bind(sql, params);
    if (!bound.ok()) return bound.error();
    const std::vector<const char*> values = bound->Values();
    if (PQsendQueryPrepared(conn_, bound->name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                            nullptr, 0) == 0) {
      return Failure(nullptr);
    }
    if (PQsetSingleRowMode(conn_) == 0) {
      Drain();
      return Error::Failed("", "PostgreSQL: cannot read the rows one at a time");
    }
    Status s = Status::Ok();
    try {
      while (PGresult* raw = PQgetResult(conn_)) {
        ResultPtr result(raw);
        const ExecStatusType status = PQresultStatus(raw);
        if (status == PGRES_SINGLE_TUPLE) {
          if (s.ok()) each(PostgresRow(raw, 0));
        } else if (status != PGRES_TUPLES_OK && s.ok()) {
          s = Failure(raw);  // the rows so far were passed; the query ends with this error
        }
      }
    } catch (...) {
      Drain();  // the connection must be idle again before anyone uses it
      throw;
    }
    return s;
  }

  Status Begin() override { return QueueBegin("BEGIN"); }
  Status BeginRead() override { return QueueBegin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

  Status Commit() override {
    if (begin_queued_ && queued_.size() == 1) {  // nothing was sent: there is no transaction to end
      queued_.clear();
      begin_queued_ = false;
      return Status::Ok();
    }
    const Bound commit{"", "COMMIT", {}};
    auto result = Flush(&commit);
    if (!result.ok()) {
      // A statement sent with the COMMIT failed, which leaves the transaction open and failed.
      if (PQtransactionStatus(conn_) != PQTRANS_IDLE) (void)Exec("ROLLBACK");
      return result.error();
    }
    // COMMIT of a transaction in which a statement failed succeeds, as "ROLLBACK": say so.
    if (std::strcmp(PQcmdStatus(result.value().get()), "ROLLBACK") == 0) {
      return Error::Failed("", "PostgreSQL: the transaction was rolled back because a statement in it failed");
    }
    return Status::Ok();
  }

  Status Rollback() override {
    const bool begun = !begin_queued_;  // else the BEGIN and what followed it were never sent
    queued_.clear();
    begin_queued_ = false;
    return begun ? ExecScript("ROLLBACK") : Status::Ok();
  }

 private:
  Error Failure(const PGresult* result) const {
    const char* primary = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    if (primary != nullptr) return Error::Failed("", "PostgreSQL: " + FirstLine(primary));
    const char* message = result == nullptr ? "" : PQresultErrorMessage(result);
    if (message[0] == '\0') message = PQerrorMessage(conn_);
    return Error::Failed("", "PostgreSQL: " + FirstLine(message));
  }

  Result<ResultPtr> Checked(PGresult* raw) const {
    ResultPtr result(raw);
    const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Failure(result.get());
    return result;
  }

  Result<ResultPtr> Exec(const std::string& sql) { return Checked(PQexec(conn_, sql.c_str())); }

  // The name of the prepared statement for `sql`, preparing it on first use.
  Result<std::string> Prepared(std::string_view sql, size_t param_count) {
    std::string key(sql);
    if (auto found = statements_.find(key); found != statements_.end()) return found->second;
    int placeholders = 0;
    const std::string numbered = Numbered(sql, placeholders);
    if (static_cast<size_t>(placeholders) != param_count) {
      return Error::Failed("", "PostgreSQL: the statement has " + std::to_string(placeholders) + " placeholders but " +
                                   std::to_string(param_count) + " parameters were given");
    }
    std::string name = "s" + std::to_string(statements_.size() + 1);
    auto prepared = Checked(PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr));
    if (!prepared.ok()) return prepared.error();
    statements_.emplace(std::move(key), name);
    return name;
  }

  // A prepared statement and its parameters as text. Text-format parameters are read as C
  // strings (libpq ignores their lengths), so each is copied with its terminating NUL; PostgreSQL
  // text cannot hold a NUL byte anyway. NULL parameters have no text.
  struct Bound {
    std::string name;  // empty: `sql`, a statement without parameters, is sent as it is
    std::string sql;
    std::vector<std::optional<std::string>> texts;
    // The parameters for libpq: valid while this lives.
    std::vector<const char*> Values() const {
      std::vector<const char*> values;
      for (const auto& t : texts) values.push_back(t ? t->c_str() : nullptr);
      return values;
    }
  };

  Result<Bound> Bind(std::string_view sql, const Params& params) {
    auto name = Prepared(sql, params.size());
    if (!name.ok()) return name.error();
    Bound bound{std::move(name).value(), "", std::vector<std::optional<std::string>>(params.size())};
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& param = params[i];
      if (std::holds_alternative<std::monostate>(param)) continue;
      if (const auto* integer = std::get_if<int64_t>(&param)) {
        bound.texts[i] = std::to_string(*integer);
      } else if (const auto* real = std::get_if<double>(&param)) {
        bound.texts[i] = DoubleText(*real);
      } else {
        const std::string_view text = std::get<std::string_view>(param);
        if (text.find('\0') != std::string_view::npos) {
          return Error::Failed("", "PostgreSQL: parameter " + std::to_string(i + 1) +
                                       " contains a NUL byte, which PostgreSQL text cannot store");
        }
        bound.texts[i] = std::string(text);
      }
    }
    return bound;
  }

  Result<ResultPtr> Execute(std::string_view sql, const Params& params) {
    auto bound = Bind(sql, params);
    if (!bound.ok()) return bound.error();
    return Flush(&*bound);
  }

  Status QueueBegin(const char* sql) {
    if (!queued_.empty() || PQtransactionStatus(conn_) != PQTRANS_IDLE) return ExecScript(sql);
    queued_.push_back(Bound{"", sql, {}});
    begin_queued_ = true;
    return Status::Ok();
  }

  bool Send(const Bound& b) {
    if (b.name.empty()) return PQsendQueryParams(conn_, b.sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    const std::vector<const char*> values = b.Values();
    return PQsendQueryPrepared(conn_, b.name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                               0) == 1;
  }

  // Runs the queued statements (Begin, Later) and then `last`, if given, in one pipeline: one
  // round trip. The first failure, else `last`'s result (none without `last`).
  Result<ResultPtr> Flush(const Bound* last) {
    std::vector<Bound> batch = std::move(queued_);
    queued_.clear();
    begin_queued_ = false;
    if (batch.empty()) {
      if (last == nullptr) return ResultPtr();
      if (last->name.empty()) return Exec(last->sql);
      const std::vector<const char*> values = last->Values();
      return Checked(PQexecPrepared(conn_, last->name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                    nullptr, 0));
    }
    if (last != nullptr) batch.push_back(*last);
    if (PQenterPipelineMode(conn_) == 0) return Failure(nullptr);
    std::optional<Error> failure;
    size_t sent = 0;
    while (sent < batch.size() && Send(batch[sent])) ++sent;
    if (sent < batch.size()) failure = Failure(nullptr);
    ResultPtr kept;
    if (PQpipelineSync(conn_) == 1) {
      for (size_t i = 0; i < sent; ++i) {
        while (PGresult* raw = PQgetResult(conn_)) {  // each statement's results end with a null
          ResultPtr result(raw);
          const ExecStatusType status = PQresultStatus(raw);
          if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            if (last != nullptr && i + 1 == batch.size()) kept = std::move(result);
          } else if (status != PGRES_PIPELINE_ABORTED && !failure) {
            failure = Failure(raw);  // the statements after it are skipped ("aborted")
          }
        }
      }
      while (PGresult* raw = PQgetResult(conn_)) {  // the synchronisation point
        const bool sync = PQresultStatus(raw) == PGRES_PIPELINE_SYNC;
        PQclear(raw);
        if (sync) break;
      }
    } else if (!failure) {
      failure = Failure(nullptr);
    }
    if (PQexitPipelineMode(conn_) == 0 && !failure) failure = Failure(nullptr);
    if (failure) return *failure;
    return kept;
  }

  // Reads and drops what is left of a result being received.
  void Drain() {
    while (PGresult* raw = PQgetResult(conn_)) PQclear(raw);
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared statement name
  std::vector<Bound> queued_;                                // to go with the next statement (Begin, Later)
  bool begin_queued_ = false;  // queued_ starts with a BEGIN: the transaction is not open yet
};

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

Status CheckTarget(const std::string& target, const std::string& field) {
  if (target.empty()) return Error::BadInput(field, "empty: give a SQLite file path or a postgresql:// URL");
  if (!IsPostgresUrl(target)) {
    if (target.find("://") != std::string::npos) {
      return Error::BadInput(field, "'" + Redacted(target, target) +
                                        "' is not a postgresql:// URL (the databases are SQLite, by file path, and "
                                        "PostgreSQL, by postgresql://USER@HOST/DATABASE)");
    }
    return Status::Ok();
  }
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(target.c_str(), &parse_error);
  if (options == nullptr) {
    std::string message = parse_error == nullptr ? "out of memory" : Redacted(FirstLine(parse_error), target);
    PQfreemem(parse_error);
    return Error::BadInput(field, "malformed PostgreSQL URL: " + message);
  }
  bool has_password = false;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr && *o->val != '\0') has_password = true;
  }
  PQconninfoFree(options);
  if (has_password) {
    return Error::BadInput(field,
                           "the URL holds a password: give it in a file (database.password_file) or the "
                           "environment (database.password_env), never in the configuration");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    std::string message = parse_error == nullptr ? "out of memory" : Redacted(FirstLine(parse_error), url);
    PQfreemem(parse_error);
    return Error::BadInput("--db", "malformed PostgreSQL URL: " + message);
  }
  PQconninfoFree(options);

  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return Error::Failed("--db", "cannot connect to PostgreSQL: out of memory");
  auto connection = std::make_unique<PostgresConnection>(conn);  // owns conn from here on
  if (PQstatus(conn) != CONNECTION_OK) {
    return Error::Failed("--db", "cannot connect to PostgreSQL: " + Redacted(FirstLine(PQerrorMessage(conn)), url));
  }
  // NOTICEs ("relation already exists, skipping") would otherwise go to stderr.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    return Error::Failed("--db", "cannot connect to PostgreSQL: " + Redacted(FirstLine(PQerrorMessage(conn)), url));
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace lenacare::store
