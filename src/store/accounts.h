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

// A caregiver sees (and, if the patient allows, writes in) the pages of the patients who invited
// them, and nothing else (caregiver links below).
enum class Role { kAdmin, kPrescriber, kPharmacist, kNurse, kPatient, kCaregiver };

const char* RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
// "admin, prescriber, pharmacist, nurse, patient or caregiver"
std::string RoleNames();

struct User {
  int64_t id = 0;
  std::string username;
  Role role = Role::kPatient;
  std::string patient_ref;  // patient accounts: their own record's identifier; "" otherwise
  bool disabled = false;    // an administrator disabled the account: it cannot sign in or use tokens
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
  static constexpr size_t kMaxTokenNameLength = 100;
};

// How long API tokens live (configurable per server; README "Limits"). Policy, not clinical facts.
struct TokenPolicy {
  int default_days = 90;
  int max_days = 365;
};

// The lifetime of a new token: `days` if given (1 to the policy's maximum), else the default.
Result<std::chrono::seconds> TokenLifetime(std::optional<int64_t> days, const TokenPolicy& policy);

// Failed sign-ins slow further attempts with growing delays: after the free failures of a rule,
// the next attempt waits 1 s, then 2, 4, 8 ... up to the rule's longest delay; a rule's count is
// forgotten once no attempt has failed for kForgetAfter. The three rules (README "Limits"):
//  - one account from one address: 5 free, then up to 15 minutes (a guesser at one account);
//  - one address, any account: 20 free, then up to 15 minutes (a guesser at many accounts);
//  - one account, from anywhere: 20 free, then at most 30 seconds, so that failures sent from
//    elsewhere slow the account's owner a little but never lock them out.
// The counts are kept in the database (every server shares them), keyed by a hash of the
// normalised username and of the address, one fixed-size row per key: memory and rows do not
// grow with what attackers type. Policy, not clinical facts.
struct SignInPolicy {
  static constexpr int kFreePerAccountAndAddress = 5;
  static constexpr int kFreePerAddress = 20;
  static constexpr int kFreePerAccount = 20;
  static constexpr std::chrono::seconds kFirstDelay{1};
  static constexpr std::chrono::seconds kMaxDelay{15 * 60};
  static constexpr std::chrono::seconds kMaxAccountDelay{30};
  static constexpr std::chrono::seconds kForgetAfter{15 * 60};
};

// The delay before the next attempt after `failures` failures under a rule with `free_failures`
// free ones and a longest delay of `max_delay`.
std::chrono::seconds ThrottleDelay(int64_t failures, int free_failures, std::chrono::seconds max_delay);

// A username as typed, normalised (surrounding spaces removed, lower case), or nothing when it
// cannot be any account's name (too long, other characters): refused before any other work.
std::optional<std::string> NormalUsername(std::string_view typed);

// One sign-in attempt: the normalised username and the client's address.
struct SignInAttempt {
  std::string username;
  std::string address;
};

// A user's stored credentials, read for a sign-in; the password is checked outside the store's
// lock (VerifyPassword), since Argon2id takes a tenth of a second.
struct StoredCredentials {
  User user;
  std::string password_hash;
};

// Whether `password` matches; for no account, a dummy hash is checked, so both take as long.
bool VerifyPassword(const std::optional<StoredCredentials>& stored, const std::string& password);
// Bad input unless the password follows AccountPolicy.
Status CheckNewPassword(const std::string& password);

// An API token as listed (its secret is never kept).
struct TokenInfo {
  int64_t id = 0;
  std::string username, name, scope, created_at, created_by, expires_at, last_used_at, revoked_at;
  // "active", "expired" or "revoked", as of the time the list was made.
  std::string state;
};

// A patient's private calendar subscription (its secret is never kept, only its hash).
struct CalendarFeed {
  int64_t id = 0;
  std::string patient_ref;
  std::string dose_time;  // "HH:MM": when the patient takes the dose, and so the reminders' time
  std::string created_at, created_by;
};

// A patient's invitation to a caregiver (its one-time code is never kept, only its hash).
struct CaregiverInvite {
  int64_t id = 0;
  std::string patient_ref;
  bool may_write = false;    // the caregiver may mark doses and write in the symptom diary
  std::string remind_after;  // "HH:MM": the caregiver is shown a dose not marked taken by then; ""
  std::string created_at, expires_at;
};

// A caregiver's access to one patient.
struct CaregiverLink {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string username;  // the caregiver's account
  std::string name;      // the name the caregiver gave ("Anna, my daughter")
  std::string patient_ref;
  bool may_write = false;
  std::string remind_after;
  std::string created_at, revoked_at, revoked_by;  // revoked_at "" while the link is live
};

// Invitations: how long a code works, and its form. Policy, not clinical facts.
struct CaregiverPolicy {
  static constexpr std::chrono::hours kInviteLifetime{7 * 24};
  static constexpr size_t kMaxNameLength = 100;
};

// A one-time invitation code as typed: 16 letters and digits in groups of four ("K7MQ-3PZX-...");
// spaces, dashes and case are ignored when it is read back. Nothing when it cannot be a code.
std::optional<std::string> NormalInviteCode(std::string_view typed);

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

  // The user whose password this is (the whole sign-in check in one call, for the command line
  // and tests; the web app runs the steps below itself). A wrong username or password gives the
  // same error (and costs the same time), so sign-in does not reveal which accounts exist.
  Result<User> CheckPassword(const std::string& username, const std::string& password);

  // Sign-in throttling (SignInPolicy): how many seconds the attempt must wait (0: go ahead),
  // recording a failure (audited as auth.failed), forgetting the account's failures from that
  // address after a success. `now_ms`: milliseconds since the epoch.
  Result<int64_t> SignInWait(const SignInAttempt& a, int64_t now_ms);
  Status SignInFailed(const SignInAttempt& a, int64_t now_ms);
  Status SignInSucceeded(const SignInAttempt& a);
  // A CDS client's JWT id: true the first time `jti` of `issuer` is seen (remembered until
  // `expires`, seconds since the epoch); false when a token with it was accepted before. Ids whose
  // tokens expired before `forget_before` are forgotten.
  Result<bool> FirstUseOfJti(const std::string& issuer, const std::string& jti, int64_t expires, int64_t forget_before);
  // The stored credentials of a normalised username, if such an account exists.
  Result<std::optional<StoredCredentials>> CredentialsOf(const std::string& username);

  Result<Session> OpenSession(const User& user, std::chrono::seconds lifetime);
  // The session of a cookie secret, if it exists, has not expired, has been used within `idle`
  // and its account is enabled; its last use is then moved to now (at most once a minute).
  Result<std::optional<Session>> FindSession(const std::string& token, std::chrono::seconds idle);
  Status CloseSession(const std::string& token);
  // Deletes the sessions that have expired or been idle longer than `idle`; returns how many.
  Result<int64_t> PurgeSessions(std::chrono::seconds idle);

  // Credentials: a new password for the account (the caller has checked the current one), which
  // ends the account's other sessions (`keep_session`: the cookie secret of the one making the
  // change, or ""); an administrator's reset, which ends every session; disabling an account
  // ends its sessions, and its tokens stop working at once.
  Status ChangePassword(const std::string& username, const std::string& new_password, const std::string& keep_session);
  Status ResetPassword(const std::string& username, const std::string& new_password);
  Status SetDisabled(const std::string& username, bool disabled);

  // A new API token for a user (returned once; only its hash is kept), valid for `lifetime`, with
  // the scope of the user's role: it acts as that role and no more, and stops working if the
  // account's role changes, it expires, it is revoked or the account is disabled.
  Result<std::string> AddToken(const std::string& username, const std::string& name, std::chrono::seconds lifetime);
  Result<std::optional<User>> FindToken(const std::string& token);
  // The tokens of `username` ("" for every account's), newest first.
  Result<std::vector<TokenInfo>> ListTokens(const std::string& username);
  // Revokes token `id`; with `owner` not "", only if it is that user's.
  Status RevokeToken(int64_t id, const std::string& owner);

  // Calendar subscriptions. A new link for patient `ref` (the secret, returned once) revokes the
  // patient's earlier one; the time is kept as given (the caller checks "HH:MM").
  Result<std::string> AddCalendarFeed(const std::string& ref, const std::string& dose_time);
  // The live link of a secret; nothing for an unknown or revoked one.
  Result<std::optional<CalendarFeed>> FindCalendarFeed(const std::string& secret);
  // The patient's live link, if any.
  Result<std::optional<CalendarFeed>> CalendarFeedOf(const std::string& ref);
  // A new reminder time for the patient's live link (false: there is none).
  Result<bool> SetCalendarFeedTime(const std::string& ref, const std::string& dose_time);
  // Revokes the patient's live link (false: there was none).
  Result<bool> RevokeCalendarFeed(const std::string& ref);

  // Caregivers. A new invitation of patient `ref` (the code, returned once, as typed).
  Result<std::string> AddCaregiverInvite(const std::string& ref, bool may_write, const std::string& remind_after);
  // The patient's invitations not yet used, revoked or expired.
  Result<std::vector<CaregiverInvite>> InvitesOf(const std::string& ref);
  // Revokes invitation `id` of the patient (false: no such pending invitation).
  Result<bool> RevokeInvite(const std::string& ref, int64_t id);
  // Uses an invitation: links the caregiver account `user_id` (or, when 0, a new caregiver account
  // `username` with `password`) to the invitation's patient under `name`, in one transaction; the
  // code then no longer works. Bad input naming "code" for an unknown, used, revoked or expired
  // code (one message for all, so a guesser learns nothing).
  Result<CaregiverLink> AcceptInvite(const std::string& code, const std::string& name, int64_t user_id,
                                     const std::string& username, const std::string& password);
  // The live links of a caregiver account.
  Result<std::vector<CaregiverLink>> LinksOfCaregiver(int64_t user_id);
  // Every link of a patient, revoked ones too (their names still say who entered what).
  Result<std::vector<CaregiverLink>> CaregiversOf(const std::string& ref);
  // Revokes link `id` of the patient (false: no such live link).
  Result<bool> RevokeCaregiver(const std::string& ref, int64_t id);

 private:
  Result<std::optional<User>> FindUserBy(std::string_view column, const Params& params);
  Result<User> ExistingUser(const std::string& username);
  Status SetPassword(const User& user, const std::string& new_password, const std::string& keep_session,
                     const std::string& action);

  Store& store_;
  std::string actor_;
};

// A fresh random secret: 32 bytes as 64 hex characters.
std::string RandomSecret();
// Constant-time comparison of two secrets.
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace lenacare::store
