// Several connections to one database (issue 14: no global lock). A read holds up no writer and
// no other read: it runs on a snapshot and appends its audit entry after it; a write inside a read
// is refused; the pool lends each connection to one holder at a time. On SQLite (WAL) and on
// PostgreSQL.
#include "store/pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "store_support.h"

namespace lenacare {
namespace {

using std::chrono::seconds;

class PoolTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) {
      if (testing::PostgresRequired()) FAIL() << "PostgreSQL is required";
      GTEST_SKIP() << "no PostgreSQL";
    }
    auto pool = store::StorePool::Open(db_.target(), testing::TestClock(), db_.audit(), 2);
    ASSERT_TRUE(pool.ok()) << pool.error().Describe();
    pool_ = std::move(pool).value();
  }
  static store::PatientRecord Patient(const std::string& ref) {
    store::PatientRecord p;
    p.ref = ref;
    return p;
  }
  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<store::StorePool> pool_;
};

// Regression: one mutex guarded the whole store, and on SQLite every transaction took the write
// lock (BEGIN IMMEDIATE), so a long read (the worklist) held up every other request.
TEST_P(PoolTest, AReadInProgressHoldsUpNoWriteAndNoOtherRead) {
  {
    store::StorePool::Lease lease = pool_->Acquire();
    ASSERT_TRUE(testing::AddPatient(lease.store(), Patient("P-1")).ok());
  }
  store::StorePool::Lease reader = pool_->Acquire();
  store::Store& st = reader.store();
  std::future<std::string> other;
  Status s = st.Read([&]() -> Status {
    auto seen = st.ShowPatient("reader", "P-1");  // inside the read: its entry waits for the end
    if (!seen.ok()) return seen.error();
    // Meanwhile, on the other connection: a write (with its audit entry) and a read.
    other = std::async(std::launch::async, [this]() -> std::string {
      store::StorePool::Lease lease = pool_->Acquire();
      auto added = testing::AddPatient(lease.store(), Patient("P-2"));
      if (!added.ok()) return added.error().Describe();
      auto list = lease.store().ListPatients("other");
      if (!list.ok()) return list.error().Describe();
      return std::to_string(list->size()) + " patients";
    });
    // A generous bound that only a lock would reach (the work takes milliseconds).
    if (other.wait_for(seconds(30)) != std::future_status::ready) {
      return Error::Failed("test", "the other connection waited for the read");
    }
    // The read's snapshot does not see the patient added after it began.
    auto count = store::QueryInt(st.db(), "SELECT count(*) FROM patients", {});
    if (!count.ok()) return count.error();
    return *count == 1 ? Status::Ok() : Error::Failed("test", "the read saw a later write");
  });
  ASSERT_TRUE(s.ok()) << s.error().Describe();
  EXPECT_EQ(other.get(), "2 patients");
  // The read's entry came after it, behind the other connection's entries, and the chain holds.
  auto log = st.AuditLog(10);
  ASSERT_TRUE(log.ok());
  ASSERT_FALSE(log->empty());
  EXPECT_EQ(log->back().actor, "reader");
  EXPECT_EQ(log->back().action, "patient.read");
  auto check = st.VerifyAudit();
  ASSERT_TRUE(check.ok()) << check.error().Describe();
  EXPECT_TRUE(check->ok) << check->problem;
}

TEST_P(PoolTest, AWriteInsideAReadIsRefusedAndStoresNothing) {
  store::StorePool::Lease lease = pool_->Acquire();
  store::Store& st = lease.store();
  Status s = st.Read([&]() -> Status {
    auto added = st.AddPatient("tester", Patient("P-9"));
    return added.ok() ? Status::Ok() : Status(added.error());
  });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().Describe().find("inside a read"), std::string::npos) << s.error().Describe();
  EXPECT_EQ(*store::QueryInt(st.db(), "SELECT count(*) FROM patients", {}), 0);
  EXPECT_EQ(*store::QueryInt(st.db(), "SELECT count(*) FROM audit WHERE action = 'patient.add'", {}), 0);
}

TEST_P(PoolTest, EachConnectionIsLentToOneHolderAtATime) {
  std::optional<store::StorePool::Lease> a(pool_->Acquire());
  std::optional<store::StorePool::Lease> b(pool_->Acquire());
  EXPECT_NE(&a->store(), &b->store());
  std::promise<void> acquired;
  std::future<void> third = acquired.get_future();
  std::thread waiter([&] {
    store::StorePool::Lease c = pool_->Acquire();
    acquired.set_value();
  });
  // Both connections are lent: the third holder waits (a wrong pool answers at once).
  EXPECT_EQ(third.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  b.reset();
  EXPECT_EQ(third.wait_for(seconds(30)), std::future_status::ready);
  waiter.join();
  a.reset();  // ForEach waits for every connection to come back
  EXPECT_EQ(pool_->ForEach([](store::Store& st) { return st.Checkpoint(); }).ok(), true);
}

TEST(PoolOpen, RefusesAnImpossibleSize) {
  testing::TestDatabase db("sqlite");
  auto pool = store::StorePool::Open(db.target(), testing::TestClock(), db.audit(), 0);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.error().field, "db-connections");
}

// Long lists are streamed (PostgreSQL: single-row mode): every row arrives, in order; a query
// that fails after some rows says so; and the connection is ready for the next statement.
TEST_P(PoolTest, AStreamedQueryPassesEveryRowAndLeavesTheConnectionReady) {
  store::StorePool::Lease lease = pool_->Acquire();
  store::Connection& db = lease.store().db();
  const std::string series = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) ";
  int64_t rows = 0, last = 0;
  bool ordered = true;
  Status s = db.Stream(series + "SELECT i FROM n", {}, [&](const store::Row& r) {
    ++rows;
    ordered = ordered && r.Int(0) == last + 1;
    last = r.Int(0);
  });
  ASSERT_TRUE(s.ok()) << s.error().Describe();
  EXPECT_EQ(rows, 100000);
  EXPECT_TRUE(ordered);
  if (db.dialect() == store::Dialect::kPostgres) {
    rows = 0;
    s = db.Stream(series + "SELECT 1 / (i - 50000) FROM n", {}, [&](const store::Row&) { ++rows; });
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("division by zero"), std::string::npos) << s.error().Describe();
    EXPECT_EQ(rows, 49999);
  }
  auto one = store::QueryInt(db, "SELECT 1", {});
  ASSERT_TRUE(one.ok()) << one.error().Describe();
  EXPECT_EQ(*one, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, PoolTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace lenacare
