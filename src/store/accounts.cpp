#include "store/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "core/text.h"
#include "store/audit.h"
#include "store/hex.h"

namespace lenacare::store {
namespace {

// The columns UserFrom reads (0-4); a query's own columns follow from 5.
constexpr const char* kUserColumns =
    "users.id, users.username, users.role, coalesce(patients.ref, ''), "
    "CASE WHEN users.disabled_at IS NULL THEN 0 ELSE 1 END";
constexpr int kAfterUser = 5;
constexpr const char* kUsers = " FROM users LEFT JOIN patients ON patients.id = users.patient_id";

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
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
  u.disabled = r.Int(4) != 0;
  return u;
}

// Expiry times are UtcText (fixed width), so they compare as text in SQL.
std::string UtcAfter(const Clock& clock, std::chrono::seconds lifetime) { return UtcText(clock.Now() + lifetime); }

// The throttle row of one rule: a hash of what it counts (an account, an address or both), so
// every key has the same small size whatever was typed.
std::string ThrottleKey(std::string_view rule, std::string_view a, std::string_view b = {}) {
  std::string text;
  text.reserve(rule.size() + a.size() + b.size() + 2);
  text.append(rule).append(1, '\0').append(a).append(1, '\0').append(b);
  return SecretHash(text);
}

struct ThrottleRule {
  std::string key;
  int free_failures;
  std::chrono::seconds max_delay;
};

std::vector<ThrottleRule> RulesOf(const SignInAttempt& a) {
  return {{ThrottleKey("account+address", a.username, a.address), SignInPolicy::kFreePerAccountAndAddress,
           SignInPolicy::kMaxDelay},
          {ThrottleKey("address", a.address), SignInPolicy::kFreePerAddress, SignInPolicy::kMaxDelay},
          {ThrottleKey("account", a.username), SignInPolicy::kFreePerAccount, SignInPolicy::kMaxAccountDelay}};
}

int64_t Millis(std::chrono::seconds s) { return static_cast<int64_t>(s.count()) * 1000; }

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
    case Role::kCaregiver:
      return "caregiver";
  }
  return "patient";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kPrescriber, Role::kPharmacist, Role::kNurse, Role::kPatient, Role::kCaregiver}) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

std::string RoleNames() { return "admin, prescriber, pharmacist, nurse, patient or caregiver"; }

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
  if (Status p = CheckNewPassword(password); !p.ok()) return p.error();
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

Result<std::chrono::seconds> TokenLifetime(std::optional<int64_t> days, const TokenPolicy& policy) {
  const int64_t d = days.value_or(policy.default_days);
  if (d < 1 || d > policy.max_days) {
    return Error::BadInput(
        "days", "a token lives 1 to " + std::to_string(policy.max_days) + " days (got " + std::to_string(d) + ")");
  }
  return std::chrono::seconds(d * 24 * 3600);
}

std::chrono::seconds ThrottleDelay(int64_t failures, int free_failures, std::chrono::seconds max_delay) {
  if (failures < free_failures) return std::chrono::seconds(0);
  const int64_t doublings = std::min<int64_t>(failures - free_failures, 30);
  const auto delay = SignInPolicy::kFirstDelay * (int64_t{1} << doublings);
  return std::min<std::chrono::seconds>(delay, max_delay);
}

std::optional<std::string> NormalUsername(std::string_view typed) {
  // Checked for length first, so that a megabyte of "username" costs nothing more.
  while (!typed.empty() && (typed.front() == ' ' || typed.front() == '\t')) typed.remove_prefix(1);
  while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\t')) typed.remove_suffix(1);
  if (typed.empty() || typed.size() > AccountPolicy::kMaxUsernameLength) return std::nullopt;
  std::string name(typed);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!ValidUsername(name)) return std::nullopt;
  return name;
}

bool VerifyPassword(const std::optional<StoredCredentials>& stored, const std::string& password) {
  if (!SodiumReady()) return false;
  // A hash to check against when the user does not exist, so both failures take as long.
  static const std::string dummy = [] {
    auto h = HashPassword(RandomSecret());
    return h.ok() ? *h : std::string();
  }();
  if (password.size() > AccountPolicy::kMaxPasswordLength) return false;
  const std::string& against = stored ? stored->password_hash : dummy;
  const bool match = crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0;
  return stored.has_value() && match;
}

Status CheckNewPassword(const std::string& password) {
  if (password.size() < AccountPolicy::kMinPasswordLength) {
    return Error::BadInput("password",
                           "too short: at least " + std::to_string(AccountPolicy::kMinPasswordLength) + " characters");
  }
  if (password.size() > AccountPolicy::kMaxPasswordLength) {
    return Error::BadInput("password",
                           "too long: at most " + std::to_string(AccountPolicy::kMaxPasswordLength) + " characters");
  }
  return Status::Ok();
}

Result<User> Accounts::CheckPassword(const std::string& username, const std::string& password) {
  if (!SodiumReady()) return Error::Failed("password", "libsodium could not start");
  const std::optional<std::string> name = NormalUsername(username);
  std::optional<StoredCredentials> stored;
  if (name) {
    auto found = CredentialsOf(*name);
    if (!found.ok()) return found.error();
    stored = std::move(found).value();
  }
  if (!VerifyPassword(stored, password)) {
    Status a = store_.Audit(actor_, "auth.failed", name ? *name : "(invalid username)", "");
    if (!a.ok()) return a.error();
    return Error::BadInput("password", "the username or the password is wrong");
  }
  if (stored->user.disabled) {
    return Error::Forbidden("username", "this account is disabled: ask an administrator to enable it");
  }
  return stored->user;
}

Result<std::optional<StoredCredentials>> Accounts::CredentialsOf(const std::string& username) {
  std::optional<StoredCredentials> out;
  Status s = store_.db().Query(
      std::string("SELECT ") + kUserColumns + ", users.password_hash" + kUsers + " WHERE users.username = ?",
      {std::string_view(username)}, [&](const Row& r) {
        StoredCredentials c;
        c.user = UserFrom(r);
        c.password_hash = std::string(r.Text(kAfterUser));
        out = std::move(c);
      });
  if (!s.ok()) return s.error();
  return out;
}

Result<int64_t> Accounts::SignInWait(const SignInAttempt& a, int64_t now_ms) {
  int64_t wait_ms = 0;
  for (const ThrottleRule& rule : RulesOf(a)) {
    Status s = store_.db().Query("SELECT failures, last_failure_ms FROM sign_in_throttle WHERE key = ?",
                                 {std::string_view(rule.key)}, [&](const Row& r) {
                                   const int64_t failures = r.Int(0), last = r.Int(1);
                                   if (now_ms - last >= Millis(SignInPolicy::kForgetAfter)) return;
                                   const int64_t until =
                                       last + Millis(ThrottleDelay(failures, rule.free_failures, rule.max_delay));
                                   wait_ms = std::max(wait_ms, until - now_ms);
                                 });
    if (!s.ok()) return s.error();
  }
  return (wait_ms + 999) / 1000;
}

Status Accounts::SignInFailed(const SignInAttempt& a, int64_t now_ms) {
  return store_.Transaction([&]() -> Status {
    // Rows nobody has failed on for the forget time go, so the table holds only live attacks.
    auto purged = store_.db().Run("DELETE FROM sign_in_throttle WHERE last_failure_ms <= ?",
                                  {now_ms - Millis(SignInPolicy::kForgetAfter)});
    if (!purged.ok()) return purged.error();
    for (const ThrottleRule& rule : RulesOf(a)) {
      auto n = store_.db().Run(
          "INSERT INTO sign_in_throttle (key, failures, last_failure_ms) VALUES (?, 1, ?) "
          "ON CONFLICT (key) DO UPDATE SET failures = sign_in_throttle.failures + 1, last_failure_ms = ?",
          {std::string_view(rule.key), now_ms, now_ms});
      if (!n.ok()) return n.error();
    }
    return store_.AppendAudit(actor_, "auth.failed", a.username.empty() ? "(invalid username)" : a.username,
                              "from " + a.address);
  });
}

Result<bool> Accounts::FirstUseOfJti(const std::string& issuer, const std::string& jti, int64_t expires,
                                     int64_t forget_before) {
  return InTransaction<bool>(store_, [&]() -> Result<bool> {
    auto purged = store_.db().Run("DELETE FROM cds_jti WHERE expires < ?", {forget_before});
    if (!purged.ok()) return purged.error();
    auto n = store_.db().Run("INSERT INTO cds_jti (issuer, jti, expires) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                             {std::string_view(issuer), std::string_view(jti), expires});
    if (!n.ok()) return n.error();
    return *n == 1;
  });
}

Status Accounts::SignInSucceeded(const SignInAttempt& a) {
  auto n = store_.db().Run("DELETE FROM sign_in_throttle WHERE key = ?", {std::string_view(RulesOf(a).front().key)});
  return n.ok() ? Status::Ok() : Status(n.error());
}

Result<Session> Accounts::OpenSession(const User& user, std::chrono::seconds lifetime) {
  Session session{user, RandomSecret(), RandomSecret()};
  const std::string hash = SecretHash(session.token), expires = UtcAfter(store_.clock(), lifetime), now = store_.Now();
  Status s = store_.Transaction([&]() -> Status {
    auto n = store_.db().Run(
        "INSERT INTO sessions (token_hash, user_id, csrf, expires_at, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, "
        "?)",
        {std::string_view(hash), user.id, std::string_view(session.csrf), std::string_view(expires),
         std::string_view(now), std::string_view(now)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "auth.sign-in", user.username, std::string("role ") + RoleName(user.role));
  });
  if (!s.ok()) return s.error();
  return session;
}

Result<std::optional<Session>> Accounts::FindSession(const std::string& token, std::chrono::seconds idle) {
  if (token.size() != 64) return std::optional<Session>();
  std::optional<Session> found;
  std::string last_seen;
  const auto now_time = store_.clock().Now();
  const std::string now = UtcText(now_time), idle_since = UtcText(now_time - idle), hash = SecretHash(token);
  Status s = store_.db().Query(
      std::string("SELECT ") + kUserColumns +
          ", sessions.csrf, sessions.last_seen_at FROM sessions JOIN users ON users.id = sessions.user_id LEFT JOIN "
          "patients ON patients.id = users.patient_id WHERE sessions.token_hash = ? AND sessions.expires_at > ? AND "
          "sessions.last_seen_at > ? AND users.disabled_at IS NULL",
      {std::string_view(hash), std::string_view(now), std::string_view(idle_since)}, [&](const Row& r) {
        found = Session{UserFrom(r), token, std::string(r.Text(kAfterUser))};
        last_seen = std::string(r.Text(kAfterUser + 1));
      });
  if (!s.ok()) return s.error();
  // The idle clock restarts with use; written at most once a minute, not on every request.
  if (found && last_seen < UtcText(now_time - std::chrono::minutes(1)) && !store_.read_only()) {
    auto n = store_.db().Run("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                             {std::string_view(now), std::string_view(hash)});
    if (!n.ok()) return n.error();
  }
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

Result<int64_t> Accounts::PurgeSessions(std::chrono::seconds idle) {
  const auto now_time = store_.clock().Now();
  const std::string now = UtcText(now_time), idle_since = UtcText(now_time - idle);
  return store_.db().Run("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                         {std::string_view(now), std::string_view(idle_since)});
}

Result<User> Accounts::ExistingUser(const std::string& username) {
  auto user = FindUserBy("users.username", {std::string_view(username)});
  if (!user.ok()) return user.error();
  if (!user->has_value()) return Error::BadInput("username", "no account " + Quoted(username));
  return **user;
}

Status Accounts::SetPassword(const User& user, const std::string& new_password, const std::string& keep_session,
                             const std::string& action) {
  if (Status p = CheckNewPassword(new_password); !p.ok()) return p;
  auto hash = HashPassword(new_password);
  if (!hash.ok()) return hash.error();
  const std::string keep = keep_session.empty() ? "" : SecretHash(keep_session);
  return store_.Transaction([&]() -> Status {
    auto n = store_.db().Run("UPDATE users SET password_hash = ? WHERE id = ?", {std::string_view(*hash), user.id});
    if (!n.ok()) return n.error();
    auto ended = store_.db().Run("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
                                 {user.id, std::string_view(keep)});
    if (!ended.ok()) return ended.error();
    return store_.AppendAudit(actor_, action, user.username, std::to_string(*ended) + " other session(s) ended");
  });
}

Status Accounts::ChangePassword(const std::string& username, const std::string& new_password,
                                const std::string& keep_session) {
  auto user = ExistingUser(username);
  if (!user.ok()) return user.error();
  return SetPassword(*user, new_password, keep_session, "user.password-change");
}

Status Accounts::ResetPassword(const std::string& username, const std::string& new_password) {
  auto user = ExistingUser(username);
  if (!user.ok()) return user.error();
  return SetPassword(*user, new_password, "", "user.password-reset");
}

Status Accounts::SetDisabled(const std::string& username, bool disabled) {
  auto user = ExistingUser(username);
  if (!user.ok()) return user.error();
  const std::string now = store_.Now();
  return store_.Transaction([&]() -> Status {
    Value at = disabled ? Value(std::string_view(now)) : Value(std::monostate{});
    auto n = store_.db().Run("UPDATE users SET disabled_at = ? WHERE id = ?", {at, user->id});
    if (!n.ok()) return n.error();
    if (disabled) {
      auto ended = store_.db().Run("DELETE FROM sessions WHERE user_id = ?", {user->id});
      if (!ended.ok()) return ended.error();
    }
    return store_.AppendAudit(actor_, disabled ? "user.disable" : "user.enable", username, "");
  });
}

Result<std::string> Accounts::AddToken(const std::string& username, const std::string& name,
                                       std::chrono::seconds lifetime) {
  auto user = ExistingUser(username);
  if (!user.ok()) return user.error();
  if (user->disabled) return Error::BadInput("username", Quoted(username) + " is disabled");
  if (name.empty() || name.size() > AccountPolicy::kMaxTokenNameLength) {
    return Error::BadInput(
        "name", "give the token a name of 1 to " + std::to_string(AccountPolicy::kMaxTokenNameLength) + " characters");
  }
  if (lifetime.count() <= 0) return Error::BadInput("expires", "a token's lifetime must be at least one day");
  const std::string token = "lct_" + RandomSecret(), hash = SecretHash(token), now = store_.Now(),
                    expires = UtcAfter(store_.clock(), lifetime);
  Status s = store_.Transaction([&]() -> Status {
    auto n = store_.db().Run(
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, scope, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {std::string_view(hash), user->id, std::string_view(name), std::string_view(now), std::string_view(expires),
         std::string_view(RoleName(user->role)), std::string_view(actor_)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "token.add", username, name + ", expires " + expires.substr(0, 10));
  });
  if (!s.ok()) return s.error();
  return token;
}

Result<std::optional<User>> Accounts::FindToken(const std::string& token) {
  if (token.size() != 68 || token.rfind("lct_", 0) != 0) return std::optional<User>();
  const std::string hash = SecretHash(token), now = store_.Now();
  std::optional<User> found;
  // A token acts with the role it was made for and no other: after a role change it stops.
  Status s = store_.db().Query(
      std::string("SELECT ") + kUserColumns + kUsers +
          " JOIN api_tokens ON api_tokens.user_id = users.id WHERE api_tokens.token_hash = ? AND "
          "api_tokens.revoked_at IS NULL AND api_tokens.expires_at > ? AND api_tokens.scope = users.role AND "
          "users.disabled_at IS NULL",
      {std::string_view(hash), std::string_view(now)}, [&](const Row& r) { found = UserFrom(r); });
  if (!s.ok()) return s.error();
  return found;
}

Result<std::vector<TokenInfo>> Accounts::ListTokens(const std::string& username) {
  std::vector<TokenInfo> out;
  const std::string now = store_.Now();
  std::string sql =
      "SELECT api_tokens.id, users.username, api_tokens.name, api_tokens.scope, api_tokens.created_at, "
      "api_tokens.created_by, api_tokens.expires_at, coalesce(api_tokens.revoked_at, '') FROM api_tokens JOIN users "
      "ON users.id = api_tokens.user_id";
  Params params;
  if (!username.empty()) {
    sql += " WHERE users.username = ?";
    params.emplace_back(std::string_view(username));
  }
  sql += " ORDER BY api_tokens.id DESC";
  Status s = store_.db().Query(sql, params, [&](const Row& r) {
    TokenInfo t;
    t.id = r.Int(0);
    t.username = std::string(r.Text(1));
    t.name = std::string(r.Text(2));
    t.scope = std::string(r.Text(3));
    t.created_at = std::string(r.Text(4));
    t.created_by = std::string(r.Text(5));
    t.expires_at = std::string(r.Text(6));
    t.revoked_at = std::string(r.Text(7));
    t.state = !t.revoked_at.empty() ? "revoked" : t.expires_at > now ? "active" : "expired";
    out.push_back(std::move(t));
  });
  if (!s.ok()) return s.error();
  return out;
}

Status Accounts::RevokeToken(int64_t id, const std::string& owner) {
  std::optional<std::string> username;
  Status s = store_.db().Query(
      "SELECT users.username FROM api_tokens JOIN users ON users.id = api_tokens.user_id WHERE api_tokens.id = ?", {id},
      [&](const Row& r) { username = std::string(r.Text(0)); });
  if (!s.ok()) return s;
  // Someone else's token is "not found" to its non-owner, as if it did not exist.
  if (!username || (!owner.empty() && *username != owner)) {
    return Error::BadInput("token", "no token " + std::to_string(id) + (owner.empty() ? "" : " of " + owner));
  }
  const std::string now = store_.Now();
  return store_.Transaction([&]() -> Status {
    auto n = store_.db().Run("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                             {std::string_view(now), id});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "token.revoke", *username, "token " + std::to_string(id));
  });
}

// --- calendar subscriptions ---------------------------------------------------------------------

namespace {
constexpr const char* kFeedColumns =
    "SELECT calendar_feeds.id, patients.ref, calendar_feeds.dose_time, calendar_feeds.created_at, "
    "calendar_feeds.created_by FROM calendar_feeds JOIN patients ON patients.id = calendar_feeds.patient_id ";

CalendarFeed FeedFrom(const Row& r) {
  return {r.Int(0), std::string(r.Text(1)), std::string(r.Text(2)), std::string(r.Text(3)), std::string(r.Text(4))};
}
}  // namespace

Result<std::string> Accounts::AddCalendarFeed(const std::string& ref, const std::string& dose_time) {
  const std::string secret = RandomSecret(), hash = SecretHash(secret), now = store_.Now();
  Status s = store_.Transaction([&]() -> Status {
    auto p = store_.FindPatient(ref);
    if (!p.ok()) return p.error();
    auto revoked =
        store_.db().Run("UPDATE calendar_feeds SET revoked_at = ? WHERE patient_id = ? AND revoked_at IS NULL",
                        {std::string_view(now), p->id});
    if (!revoked.ok()) return revoked.error();
    auto n = store_.db().Run(
        "INSERT INTO calendar_feeds (patient_id, secret_hash, dose_time, created_at, created_by) VALUES (?, ?, ?, ?, "
        "?)",
        {p->id, std::string_view(hash), std::string_view(dose_time), std::string_view(now), std::string_view(actor_)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "calendar-link.add", ref,
                              "reminders at " + dose_time + (*revoked > 0 ? "; the earlier link revoked" : ""));
  });
  if (!s.ok()) return s.error();
  return secret;
}

Result<std::optional<CalendarFeed>> Accounts::FindCalendarFeed(const std::string& secret) {
  std::optional<CalendarFeed> out;
  if (secret.size() != 64) return out;
  Status s = store_.db().Query(
      std::string(kFeedColumns) + "WHERE calendar_feeds.secret_hash = ? AND calendar_feeds.revoked_at IS NULL",
      {std::string_view(SecretHash(secret))}, [&](const Row& r) { out = FeedFrom(r); });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::optional<CalendarFeed>> Accounts::CalendarFeedOf(const std::string& ref) {
  std::optional<CalendarFeed> out;
  Status s =
      store_.db().Query(std::string(kFeedColumns) + "WHERE patients.ref = ? AND calendar_feeds.revoked_at IS NULL",
                        {std::string_view(ref)}, [&](const Row& r) { out = FeedFrom(r); });
  if (!s.ok()) return s.error();
  return out;
}

Result<bool> Accounts::SetCalendarFeedTime(const std::string& ref, const std::string& dose_time) {
  return InTransaction<bool>(store_, [&]() -> Result<bool> {
    auto n = store_.db().Run(
        "UPDATE calendar_feeds SET dose_time = ? WHERE revoked_at IS NULL AND patient_id = (SELECT id FROM patients "
        "WHERE ref = ?)",
        {std::string_view(dose_time), std::string_view(ref)});
    if (!n.ok()) return n.error();
    if (*n == 0) return false;
    Status s = store_.AppendAudit(actor_, "calendar-link.time", ref, "reminders at " + dose_time);
    if (!s.ok()) return s.error();
    return true;
  });
}

Result<bool> Accounts::RevokeCalendarFeed(const std::string& ref) {
  const std::string now = store_.Now();
  return InTransaction<bool>(store_, [&]() -> Result<bool> {
    auto n = store_.db().Run(
        "UPDATE calendar_feeds SET revoked_at = ? WHERE revoked_at IS NULL AND patient_id = (SELECT id FROM patients "
        "WHERE ref = ?)",
        {std::string_view(now), std::string_view(ref)});
    if (!n.ok()) return n.error();
    if (*n == 0) return false;
    Status s = store_.AppendAudit(actor_, "calendar-link.revoke", ref, "");
    if (!s.ok()) return s.error();
    return true;
  });
}

// --- caregivers ----------------------------------------------------------------------------------

namespace {
// Letters and digits that cannot be mistaken for each other when read aloud or copied by hand.
constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr size_t kCodeLength = 16;

constexpr const char* kLinkColumns =
    "SELECT caregiver_links.id, caregiver_links.user_id, users.username, caregiver_links.name, patients.ref, "
    "caregiver_links.may_write, caregiver_links.remind_after, caregiver_links.created_at, "
    "COALESCE(caregiver_links.revoked_at, ''), COALESCE(caregiver_links.revoked_by, '') FROM caregiver_links JOIN "
    "users ON users.id = caregiver_links.user_id JOIN patients ON patients.id = caregiver_links.patient_id ";

CaregiverLink LinkFrom(const Row& r) {
  return {r.Int(0),
          r.Int(1),
          std::string(r.Text(2)),
          std::string(r.Text(3)),
          std::string(r.Text(4)),
          r.Int(5) != 0,
          std::string(r.Text(6)),
          std::string(r.Text(7)),
          std::string(r.Text(8)),
          std::string(r.Text(9))};
}
}  // namespace

std::optional<std::string> NormalInviteCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kCodeAlphabet.find(c) == std::string_view::npos || out.size() == kCodeLength) return std::nullopt;
    out += c;
  }
  if (out.size() != kCodeLength) return std::nullopt;
  return out;
}

Result<std::string> Accounts::AddCaregiverInvite(const std::string& ref, bool may_write,
                                                 const std::string& remind_after) {
  SodiumReady();
  std::string code;
  for (size_t i = 0; i < kCodeLength; ++i) {
    code += kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(kCodeAlphabet.size()))];
  }
  const std::string now = store_.Now(), expires = UtcAfter(store_.clock(), CaregiverPolicy::kInviteLifetime);
  Status s = store_.Transaction([&]() -> Status {
    auto p = store_.FindPatient(ref);
    if (!p.ok()) return p.error();
    auto n = store_.db().Run(
        "INSERT INTO caregiver_invites (patient_id, code_hash, may_write, remind_after, created_at, created_by, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {p->id, std::string_view(SecretHash(code)), int64_t{may_write ? 1 : 0}, std::string_view(remind_after),
         std::string_view(now), std::string_view(actor_), std::string_view(expires)});
    if (!n.ok()) return n.error();
    return store_.AppendAudit(actor_, "caregiver.invite", ref,
                              std::string(may_write ? "read and write" : "read only") +
                                  (remind_after.empty() ? "" : ", dose check at " + remind_after));
  });
  if (!s.ok()) return s.error();
  std::string shown;
  for (size_t i = 0; i < code.size(); ++i) shown += (i > 0 && i % 4 == 0 ? "-" : "") + std::string(1, code[i]);
  return shown;
}

Result<std::vector<CaregiverInvite>> Accounts::InvitesOf(const std::string& ref) {
  std::vector<CaregiverInvite> out;
  const std::string now = store_.Now();
  Status s = store_.db().Query(
      "SELECT caregiver_invites.id, patients.ref, caregiver_invites.may_write, caregiver_invites.remind_after, "
      "caregiver_invites.created_at, caregiver_invites.expires_at FROM caregiver_invites JOIN patients ON patients.id "
      "= caregiver_invites.patient_id WHERE patients.ref = ? AND used_at IS NULL AND revoked_at IS NULL AND "
      "expires_at > ? ORDER BY caregiver_invites.id",
      {std::string_view(ref), std::string_view(now)}, [&](const Row& r) {
        out.push_back({r.Int(0), std::string(r.Text(1)), r.Int(2) != 0, std::string(r.Text(3)), std::string(r.Text(4)),
                       std::string(r.Text(5))});
      });
  if (!s.ok()) return s.error();
  return out;
}

Result<bool> Accounts::RevokeInvite(const std::string& ref, int64_t id) {
  const std::string now = store_.Now();
  return InTransaction<bool>(store_, [&]() -> Result<bool> {
    auto n = store_.db().Run(
        "UPDATE caregiver_invites SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND "
        "patient_id = (SELECT id FROM patients WHERE ref = ?)",
        {std::string_view(now), id, std::string_view(ref)});
    if (!n.ok()) return n.error();
    if (*n == 0) return false;
    Status a = store_.AppendAudit(actor_, "caregiver.invite-revoke", ref, "invitation " + std::to_string(id));
    if (!a.ok()) return a.error();
    return true;
  });
}

Result<CaregiverLink> Accounts::AcceptInvite(const std::string& code, const std::string& name, int64_t user_id,
                                             const std::string& username, const std::string& password) {
  const Error unknown = Error::BadInput(
      "code",
      "this code does not work: it may be mistyped, used already, stopped or more than 7 days old. Ask for a "
      "new one");
  const std::optional<std::string> normal = NormalInviteCode(code);
  if (!normal) return unknown;
  if (user_id == 0) {  // the new account is checked before the code is used
    if (!ValidUsername(username)) {
      return Error::BadInput("username", "use 1 to " + std::to_string(AccountPolicy::kMaxUsernameLength) +
                                             " of a-z, 0-9, '.', '_' and '-'");
    }
    if (Status p = CheckNewPassword(password); !p.ok()) return p.error();
  }
  const std::string hash = SecretHash(*normal), now = store_.Now();
  return InTransaction<CaregiverLink>(store_, [&]() -> Result<CaregiverLink> {
    struct Invite {
      int64_t id = 0, patient_id = 0, may_write = 0;
      std::string remind_after, ref;
    };
    std::optional<Invite> invite;
    Status q = store_.db().Query(
        "SELECT caregiver_invites.id, caregiver_invites.patient_id, caregiver_invites.may_write, "
        "caregiver_invites.remind_after, patients.ref FROM caregiver_invites JOIN patients ON patients.id = "
        "caregiver_invites.patient_id WHERE code_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > "
        "?",
        {std::string_view(hash), std::string_view(now)}, [&](const Row& r) {
          invite = Invite{r.Int(0), r.Int(1), r.Int(2), std::string(r.Text(3)), std::string(r.Text(4))};
        });
    if (!q.ok()) return q.error();
    if (!invite) return unknown;
    int64_t uid = user_id;
    if (uid == 0) {
      auto added = AddUser(username, Role::kCaregiver, password, "");
      if (!added.ok()) return added.error();
      uid = added->id;
    } else {
      // The same caregiver twice for one patient: the earlier live link is replaced.
      auto old = store_.db().Run(
          "UPDATE caregiver_links SET revoked_at = ?, revoked_by = ? WHERE user_id = ? AND patient_id = ? AND "
          "revoked_at IS NULL",
          {std::string_view(now), std::string_view("a new invitation"), uid, invite->patient_id});
      if (!old.ok()) return old.error();
    }
    auto used = store_.db().Run("UPDATE caregiver_invites SET used_at = ? WHERE id = ? AND used_at IS NULL",
                                {std::string_view(now), invite->id});
    if (!used.ok()) return used.error();
    if (*used != 1) return unknown;
    auto n = store_.db().Run(
        "INSERT INTO caregiver_links (user_id, patient_id, name, may_write, remind_after, invite_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {uid, invite->patient_id, std::string_view(name), invite->may_write, std::string_view(invite->remind_after),
         invite->id, std::string_view(now)});
    if (!n.ok()) return n.error();
    Status a = store_.AppendAudit(actor_, "caregiver.link", invite->ref,
                                  "caregiver account " + std::to_string(uid) + " (" + Shortened(name, 40) + ")");
    if (!a.ok()) return a.error();
    std::optional<CaregiverLink> link;
    Status r = store_.db().Query(std::string(kLinkColumns) + "WHERE caregiver_links.invite_id = ?", {invite->id},
                                 [&](const Row& row) { link = LinkFrom(row); });
    if (!r.ok()) return r.error();
    if (!link) return Error::Failed("code", "the new caregiver link could not be read back");
    return *link;
  });
}

Result<std::vector<CaregiverLink>> Accounts::LinksOfCaregiver(int64_t user_id) {
  std::vector<CaregiverLink> out;
  Status s = store_.db().Query(std::string(kLinkColumns) +
                                   "WHERE caregiver_links.user_id = ? AND caregiver_links.revoked_at IS NULL ORDER BY "
                                   "patients.ref",
                               {user_id}, [&](const Row& r) { out.push_back(LinkFrom(r)); });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::vector<CaregiverLink>> Accounts::CaregiversOf(const std::string& ref) {
  std::vector<CaregiverLink> out;
  Status s = store_.db().Query(std::string(kLinkColumns) + "WHERE patients.ref = ? ORDER BY caregiver_links.id",
                               {std::string_view(ref)}, [&](const Row& r) { out.push_back(LinkFrom(r)); });
  if (!s.ok()) return s.error();
  return out;
}

Result<bool> Accounts::RevokeCaregiver(const std::string& ref, int64_t id) {
  const std::string now = store_.Now();
  return InTransaction<bool>(store_, [&]() -> Result<bool> {
    auto n = store_.db().Run(
        "UPDATE caregiver_links SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL AND "
        "patient_id = (SELECT id FROM patients WHERE ref = ?)",
        {std::string_view(now), std::string_view(actor_), id, std::string_view(ref)});
    if (!n.ok()) return n.error();
    if (*n == 0) return false;
    Status a = store_.AppendAudit(actor_, "caregiver.revoke", ref, "link " + std::to_string(id));
    if (!a.ok()) return a.error();
    return true;
  });
}

}  // namespace lenacare::store
