#include "store/accounts.h"

#include <sodium.h>

#include <array>

#include "core/text.h"
#include "store/audit.h"

namespace lenacare::store {
namespace {

constexpr const char* kUserColumns = "users.id, users.username, users.role, coalesce(patients.ref, '')";
constexpr const char* kUsers = " FROM users LEFT JOIN patients ON patients.id = users.patient_id";

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

// The stored form of a session or API-token secret.
std::string SecretHash(const std::string& secret) {
  std::array<unsigned char, crypto_generichash_BYTES> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr,
                     0);
  return Hex(h.data(), h.size());
}

Result<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Failed("password", "could not hash the password (out of memory)");
  }
  return std::string(out);
}

bool ValidUsername(const std::string& name) {
  if (name.empty() || name.size() > AccountPolicy::kMaxUsernameLength) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

User UserFrom(const Row& r) {
  User u;
  u.id = r.Int(0);
  u.username = std::string(r.Text(1));
  u.role = ParseRole(r.Text(2)).value_or(Role::kPatient);
  u.patient_ref = std::string(r.Text(3));
  return u;
}

std::string UtcAfter(const Clock& clock, std::chrono::seconds lifetime) {
  // UtcText() is fixed-width ISO text, so expiry times compare as text.
  const auto t = std::chrono::system_clock::to_time_t(clock.Now() + lifetime);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

const char* RoleName(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kPrescriber:
      return "prescriber";
    case Role::kPharmacist:
      return "pharmacist";
    case Role::kNurse:
      return "nurse";
    case Role::kPatient:
      return "patient";
  }
  return "patient";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kPrescriber, Role::kPharmacist, Role::kNurse, Role::kPatient}) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

std::string RoleNames() { return "admin, prescriber, pharmacist, nurse or patient"; }

std::string RandomSecret() {
  SodiumReady();
  std::array<unsigned char, 32> b{};
  randombytes_buf(b.data(), b.size());
  return Hex(b.data(), b.size());
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<User> Accounts::AddUser(const std::string& username, Role role, const std::string& password,
                               const std::string& patient_ref) {
  if (!SodiumReady()) return Error::Failed("password", "libsodium could not start");
  if (!ValidUsername(username)) {
    return Error::BadInput(
        "username", "use 1 to " + std::to_string(AccountPolicy::kMaxUsernameLength) + " of a-z, 0-9, '.', '_' and '-'");
  }
  if (password.size() < AccountPolicy::kMinPasswordLength) {
    return Error::BadInput("password",
                           "too short: at least " + std::to_string(AccountPolicy::kMinPasswordLength) + " characters");
  }
  if (password.size() > AccountPolicy::kMaxPasswordLength) {
    return Error::BadInput("password",
                           "too long: at most " + std::to_string(AccountPolicy::kMaxPasswordLength) + " characters");
  }
  std::optional<int64_t> patient_id;
  if (role == Role::kPatient) {
    if (patient_ref.empty()) return Error::BadInput("patient", "missing: a patient account names its patient record");
    auto p = store_.FindPatient(patient_ref);
    if (!p.ok()) return p.error();
    patient_id = p->id;
  } else if (!patient_ref.empty()) {
    return Error::BadInput("patient", "only a patient account names a patient record");
  }
  auto existing = FindUserBy("users.username", {std::string_view(username)});
  if (!existing.ok()) return existing.error();
  if (existing->has_value()) return Error::BadInput("username", Quoted(username) + " is taken");
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.error();
  const std::string now = store_.Now();
  Status s = store_.Transaction([&]() -> Status {
    Value patient = patient_id ? Value(*patient_id) : Value(std::monostate{});
    auto n = store_.db().Run(
        "INSERT INTO users (username, role, password_hash, patient_id, created_at) VALUES (?, ?, ?, ?, ?)",
        {std::string_view(username), std::string_view(RoleName(role)), std::string_view(*hash), patient,
         std::string_view(now)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(
        actor_, "user.add", username,
        std::string("role ") + RoleName(role) + (patient_ref.empty() ? "" : ", patient " + patient_ref));
  });
  if (!s.ok()) return s.error();
  auto added = FindUserBy("users.username", {std::string_view(username)});
  if (!added.ok()) return added.error();
  return **added;
}

Result<int64_t> Accounts::CountUsers() { return QueryInt(store_.db(), "SELECT count(*) FROM users", {}); }

Result<std::vector<User>> Accounts::ListUsers() {
  std::vector<User> users;
  Status s = store_.db().Query(std::string("SELECT ") + kUserColumns + kUsers + " ORDER BY users.username", {},
                               [&](const Row& r) { users.push_back(UserFrom(r)); });
  if (!s.ok()) return s.error();
  return users;
}

Result<std::optional<User>> Accounts::FindUserBy(std::string_view column, const Params& params) {
  std::optional<User> u;
  Status s =
      store_.db().Query(std::string("SELECT ") + kUserColumns + kUsers + " WHERE " + std::string(column) + " = ?",
                        params, [&](const Row& r) { u = UserFrom(r); });
  if (!s.ok()) return s.error();
  return u;
}

Result<User> Accounts::CheckPassword(const std::string& username, const std::string& password) {
  if (!SodiumReady()) return Error::Failed("password", "libsodium could not start");
  // A hash to check against when the user does not exist, so both failures take as long.
  static const std::string dummy = [] {
    auto h = HashPassword(RandomSecret());
    return h.ok() ? *h : std::string();
  }();
  std::string stored;
  std::optional<User> user;
  if (password.size() <= AccountPolicy::kMaxPasswordLength) {
    Status s = store_.db().Query(
        std::string("SELECT ") + kUserColumns + ", users.password_hash" + kUsers + " WHERE users.username = ?",
        {std::string_view(username)}, [&](const Row& r) {
          user = UserFrom(r);
          stored = std::string(r.Text(4));
        });
    if (!s.ok()) return s.error();
  }
  const std::string& against = user ? stored : dummy;
  const bool match = crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0;
  if (!user || !match) {
    Status a = store_.Audit(actor_, "auth.failed", ValidUsername(username) ? username : "(invalid username)", "");
    if (!a.ok()) return a.error();
    return Error::BadInput("password", "the username or the password is wrong");
  }
  return *user;
}

Result<Session> Accounts::OpenSession(const User& user, std::chrono::seconds lifetime) {
  Session session{user, RandomSecret(), RandomSecret()};
  const std::string hash = SecretHash(session.token), expires = UtcAfter(store_.clock(), lifetime);
  Status s = store_.Transaction([&]() -> Status {
    auto n =
        store_.db().Run("INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)",
                        {std::string_view(hash), user.id, std::string_view(session.csrf), std::string_view(expires)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "auth.sign-in", user.username, std::string("role ") + RoleName(user.role));
  });
  if (!s.ok()) return s.error();
  return session;
}

Result<std::optional<Session>> Accounts::FindSession(const std::string& token) {
  if (token.size() != 64) return std::optional<Session>();
  std::optional<Session> found;
  const std::string now = store_.Now(), hash = SecretHash(token);
  Status s = store_.db().Query(
      std::string("SELECT ") + kUserColumns +
          ", sessions.csrf FROM sessions JOIN users ON users.id = sessions.user_id LEFT JOIN patients ON patients.id "
          "= users.patient_id WHERE sessions.token_hash = ? AND sessions.expires_at > ?",
      {std::string_view(hash), std::string_view(now)}, [&](const Row& r) {
        found = Session{UserFrom(r), token, std::string(r.Text(4))};
      });
  if (!s.ok()) return s.error();
  return found;
}

Status Accounts::CloseSession(const std::string& token) {
  const std::string hash = SecretHash(token);
  return store_.Transaction([&]() -> Status {
    auto n = store_.db().Run("DELETE FROM sessions WHERE token_hash = ?", {std::string_view(hash)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "auth.sign-out", actor_, "");
  });
}

Result<std::string> Accounts::AddToken(const std::string& username, const std::string& name) {
  auto user = FindUserBy("users.username", {std::string_view(username)});
  if (!user.ok()) return user.error();
  if (!user->has_value()) return Error::BadInput("username", "no account " + Quoted(username));
  if (name.empty() || name.size() > 100) return Error::BadInput("name", "give the token a name of 1 to 100 characters");
  const std::string token = "lct_" + RandomSecret(), hash = SecretHash(token), now = store_.Now();
  Status s = store_.Transaction([&]() -> Status {
    auto n = store_.db().Run("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)",
                             {std::string_view(hash), (*user)->id, std::string_view(name), std::string_view(now)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "token.add", username, name);
  });
  if (!s.ok()) return s.error();
  return token;
}

Result<std::optional<User>> Accounts::FindToken(const std::string& token) {
  if (token.size() != 68 || token.rfind("lct_", 0) != 0) return std::optional<User>();
  const std::string hash = SecretHash(token);
  std::optional<User> found;
  Status s = store_.db().Query(std::string("SELECT ") + kUserColumns + kUsers +
                                   " JOIN api_tokens ON api_tokens.user_id = users.id WHERE api_tokens.token_hash = ?",
                               {std::string_view(hash)}, [&](const Row& r) { found = UserFrom(r); });
  if (!s.ok()) return s.error();
  return found;
}

}  // namespace lenacare::store
