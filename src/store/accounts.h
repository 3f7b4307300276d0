// Accounts of the web application: users with one role each, sign-in sessions and API tokens, in
// the store's database (schema migration 4). Passwords are kept only as Argon2id hashes
// (libsodium crypto_pwhash); session and API-token secrets only as BLAKE2b hashes, so a copy of
// the database lets no one sign in. A patient account is tied to one patient record. Every
// account change, sign-in and failed sign-in is audited in the store's log.
//
// Not thread-safe: the caller serializes use, as for the Store it wraps.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace lenacare::store {

enum class Role { kAdmin, kPrescriber, kPharmacist, kNurse, kPatient };

const char* RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
// "admin, prescriber, pharmacist, nurse or patient"
std::string RoleNames();

struct User {
  int64_t id = 0;
  std::string username;
  Role role = Role::kPatient;
  std::string patient_ref;  // patient accounts: their own record's identifier; "" otherwise
};

// A signed-in session: the secret for the cookie (shown once, stored hashed) and the session's
// CSRF token for forms.
struct Session {
  User user;
  std::string token;
  std::string csrf;
};

// Account rules (policy, not clinical facts; listed in the README).
struct AccountPolicy {
  static constexpr size_t kMinPasswordLength = 12;
  static constexpr size_t kMaxPasswordLength = 256;
  static constexpr size_t kMaxUsernameLength = 64;
};

class Accounts {
 public:
  // `actor` is who the audit log names for this caller's account actions.
  Accounts(Store& store, std::string actor) : store_(store), actor_(std::move(actor)) {}

  // Creates an account. Usernames: 1-64 of a-z 0-9 . _ -; a patient account names an existing
  // patient record, other roles none.
  Result<User> AddUser(const std::string& username, Role role, const std::string& password,
                       const std::string& patient_ref);
  Result<int64_t> CountUsers();
  Result<std::vector<User>> ListUsers();

  // The user whose password this is. A wrong username or password gives the same error (and costs
  // the same time), so sign-in does not reveal which accounts exist.
  Result<User> CheckPassword(const std::string& username, const std::string& password);

  Result<Session> OpenSession(const User& user, std::chrono::seconds lifetime);
  // The session of a cookie secret, if it exists and has not expired.
  Result<std::optional<Session>> FindSession(const std::string& token);
  Status CloseSession(const std::string& token);

  // A new API token for a user (returned once; only its hash is kept).
  Result<std::string> AddToken(const std::string& username, const std::string& name);
  Result<std::optional<User>> FindToken(const std::string& token);

 private:
  Result<std::optional<User>> FindUserBy(std::string_view column, const Params& params);

  Store& store_;
  std::string actor_;
};

// A fresh random secret: 32 bytes as 64 hex characters.
std::string RandomSecret();
// Constant-time comparison of two secrets.
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace lenacare::store
