// Accounts and their credentials over time (issue 14): sign-in throttling that slows an attacker
// without locking the owner out, tokens that expire, are revoked and never act above the role
// they were made for, disabled accounts, idle sessions. On SQLite and on PostgreSQL, with a clock
// the test moves.
#include "store/accounts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "store_support.h"

namespace lenacare {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A clock the test moves forward.
class MovingClock final : public Clock {
 public:
  Date Today() const override { return *Date::Parse("2026-06-01"); }
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(std::chrono::hours(24 * Today().days() + 12)) + seconds(offset_);
  }
  int MinuteOfDay() const override { return 12 * 60; }
  void Advance(seconds by) { offset_ += by.count(); }
  int64_t NowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Now().time_since_epoch()).count();
  }

 private:
  std::atomic<int64_t> offset_{0};
};

class AccountsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) {
      if (testing::PostgresRequired()) FAIL() << "PostgreSQL is required";
      GTEST_SKIP() << "no PostgreSQL";
    }
    store_ = db_.Open(clock_);
    ASSERT_NE(store_, nullptr);
    accounts_ = std::make_unique<store::Accounts>(*store_, "admin-tester");
    auto u = accounts_->AddUser("nurse.one", store::Role::kNurse, kPassword, "");
    ASSERT_TRUE(u.ok()) << u.error().Describe();
  }
  int64_t Rows(const std::string& table) { return *store::QueryInt(store_->db(), "SELECT count(*) FROM " + table, {}); }
  bool TokenWorks(const std::string& token) {
    auto u = accounts_->FindToken(token);
    return u.ok() && u->has_value();
  }
  bool SessionWorks(const std::string& token, seconds idle = minutes(30)) {
    auto s = accounts_->FindSession(token, idle);
    return s.ok() && s->has_value();
  }

  static constexpr const char* kPassword = "correct horse battery";
  testing::TestDatabase db_{GetParam()};
  MovingClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Accounts> accounts_;
};

// Regression: five failures for a username from anywhere made the right password from another
// address get 429 for 15 minutes, renewable forever.
TEST_P(AccountsTest, FailuresFromOneAddressDoNotLockTheOwnerOutOfAnother) {
  const store::SignInAttempt attacker{"nurse.one", "203.0.113.9"}, owner{"nurse.one", "198.51.100.7"};
  for (int i = 0; i < 19; ++i) ASSERT_TRUE(accounts_->SignInFailed(attacker, clock_.NowMs()).ok());
  EXPECT_GT(*accounts_->SignInWait(attacker, clock_.NowMs()), 0);  // the attacker is slowed
  EXPECT_EQ(*accounts_->SignInWait(owner, clock_.NowMs()), 0);     // the owner is not
  // Failures from many addresses slow the account everywhere, but never past the account rule's
  // longest delay (30 s): the owner waits at most that, never 15 minutes.
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(accounts_->SignInFailed({"nurse.one", "192.0.2." + std::to_string(i)}, clock_.NowMs()).ok());
  }
  const int64_t wait = *accounts_->SignInWait(owner, clock_.NowMs());
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, store::SignInPolicy::kMaxAccountDelay.count());
  clock_.Advance(store::SignInPolicy::kMaxAccountDelay);
  EXPECT_EQ(*accounts_->SignInWait(owner, clock_.NowMs()), 0);
}

TEST_P(AccountsTest, DelaysGrowWithEachFailureAndAreForgottenAfterTheForgetTime) {
  const store::SignInAttempt a{"nurse.one", "203.0.113.9"};
  for (int i = 0; i < store::SignInPolicy::kFreePerAccountAndAddress; ++i) {
    EXPECT_EQ(*accounts_->SignInWait(a, clock_.NowMs()), 0) << i;
    ASSERT_TRUE(accounts_->SignInFailed(a, clock_.NowMs()).ok());
  }
  EXPECT_EQ(*accounts_->SignInWait(a, clock_.NowMs()), 1);
  ASSERT_TRUE(accounts_->SignInFailed(a, clock_.NowMs()).ok());
  EXPECT_EQ(*accounts_->SignInWait(a, clock_.NowMs()), 2);
  ASSERT_TRUE(accounts_->SignInFailed(a, clock_.NowMs()).ok());
  EXPECT_EQ(*accounts_->SignInWait(a, clock_.NowMs()), 4);
  clock_.Advance(store::SignInPolicy::kForgetAfter);
  EXPECT_EQ(*accounts_->SignInWait(a, clock_.NowMs()), 0);
  // The next failure purges the forgotten rows: the table holds only live counts.
  ASSERT_TRUE(accounts_->SignInFailed({"someone.else", "198.51.100.1"}, clock_.NowMs()).ok());
  EXPECT_EQ(Rows("sign_in_throttle"), 3);
}

// Regression: the in-memory limiter kept every username it saw, of any length (900 KB usernames
// grew the server by tens of megabytes).
TEST_P(AccountsTest, ThrottleRowsHaveOneSizeWhateverTheUsernameAndLongNamesAreRefusedFirst) {
  EXPECT_FALSE(store::NormalUsername(std::string(100000, 'a')).has_value());
  EXPECT_FALSE(store::NormalUsername("nurse one").has_value());
  EXPECT_EQ(store::NormalUsername("  Nurse.One "), "nurse.one");
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(accounts_->SignInFailed({"user" + std::to_string(i), "203.0.113.9"}, clock_.NowMs()).ok());
  }
  EXPECT_EQ(Rows("sign_in_throttle"), 50 * 2 + 1);  // account+address and account per name; one address
  EXPECT_EQ(*store::QueryInt(store_->db(), "SELECT max(length(key)) FROM sign_in_throttle", {}), 64);
}

TEST_P(AccountsTest, ATokenStopsWhenItExpiresIsRevokedOrItsAccountIsDisabled) {
  auto expiring = accounts_->AddToken("nurse.one", "lab robot", hours(24));
  auto revoked = accounts_->AddToken("nurse.one", "old script", hours(240));
  ASSERT_TRUE(expiring.ok() && revoked.ok());
  EXPECT_TRUE(TokenWorks(*expiring));
  clock_.Advance(hours(25));
  EXPECT_FALSE(TokenWorks(*expiring));
  EXPECT_TRUE(TokenWorks(*revoked));
  auto list = accounts_->ListTokens("nurse.one");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].state, "expired");
  EXPECT_EQ((*list)[1].scope, "nurse");
  EXPECT_FALSE(accounts_->RevokeToken((*list)[0].id, "someone.else").ok());  // not theirs
  EXPECT_TRUE(TokenWorks(*revoked));
  ASSERT_TRUE(accounts_->RevokeToken((*list)[0].id, "nurse.one").ok());
  EXPECT_FALSE(TokenWorks(*revoked));
  EXPECT_EQ((*accounts_->ListTokens(""))[0].state, "revoked");

  auto fresh = accounts_->AddToken("nurse.one", "new script", hours(240));
  ASSERT_TRUE(fresh.ok());
  auto session = accounts_->OpenSession((*accounts_->CredentialsOf("nurse.one"))->user, hours(12));
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(accounts_->SetDisabled("nurse.one", true).ok());
  EXPECT_FALSE(TokenWorks(*fresh));
  EXPECT_FALSE(SessionWorks(session->token));
  EXPECT_EQ(accounts_->CheckPassword("nurse.one", kPassword).error().kind, ErrorKind::kForbidden);
  ASSERT_TRUE(accounts_->SetDisabled("nurse.one", false).ok());
  EXPECT_TRUE(TokenWorks(*fresh));  // tokens come back with the account; sessions do not
  EXPECT_FALSE(SessionWorks(session->token));
}

TEST_P(AccountsTest, ATokenNeverActsAboveTheRoleItWasMadeFor) {
  auto token = accounts_->AddToken("nurse.one", "script", hours(24));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(store_->db().Run("UPDATE users SET role = 'admin' WHERE username = 'nurse.one'", {}).ok());
  EXPECT_FALSE(TokenWorks(*token));
}

TEST_P(AccountsTest, ASessionEndsWhenIdleAndIsPurged) {
  auto session = accounts_->OpenSession((*accounts_->CredentialsOf("nurse.one"))->user, hours(12));
  ASSERT_TRUE(session.ok());
  clock_.Advance(minutes(20));
  EXPECT_TRUE(SessionWorks(session->token));  // used: the idle time starts again
  clock_.Advance(minutes(20));
  EXPECT_TRUE(SessionWorks(session->token));
  clock_.Advance(minutes(31));
  EXPECT_FALSE(SessionWorks(session->token));
  EXPECT_EQ(*accounts_->PurgeSessions(minutes(30)), 1);
  EXPECT_EQ(Rows("sessions"), 0);
}

TEST_P(AccountsTest, ANewPasswordEndsTheOtherSessionsAndTheOldPasswordStopsWorking) {
  auto user = accounts_->CheckPassword("nurse.one", kPassword);
  ASSERT_TRUE(user.ok());
  auto mine = accounts_->OpenSession(*user, hours(12)), other = accounts_->OpenSession(*user, hours(12));
  ASSERT_TRUE(mine.ok() && other.ok());
  EXPECT_FALSE(accounts_->ChangePassword("nurse.one", "short", mine->token).ok());
  ASSERT_TRUE(accounts_->ChangePassword("nurse.one", "a new long passphrase", mine->token).ok());
  EXPECT_TRUE(SessionWorks(mine->token));
  EXPECT_FALSE(SessionWorks(other->token));
  EXPECT_FALSE(accounts_->CheckPassword("nurse.one", kPassword).ok());
  EXPECT_TRUE(accounts_->CheckPassword("nurse.one", "a new long passphrase").ok());
  ASSERT_TRUE(accounts_->ResetPassword("nurse.one", "the administrator's choice").ok());
  EXPECT_FALSE(SessionWorks(mine->token));
  EXPECT_EQ(*store::QueryInt(store_->db(), "SELECT count(*) FROM audit WHERE action LIKE 'user.password-%'", {}), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace lenacare
