// Several connections to one database, each a Store, lent to one request at a time: requests on
// different connections run side by side, and the database (SQLite's WAL, PostgreSQL's MVCC)
// keeps them apart. There is no lock around the records in the process; a request waits only
// for a free connection, or for the rows another transaction is writing.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace lenacare::store {

class StorePool {
 public:
  // `size` connections to `target` (store::Store::Open), opened one after the other: the first
  // migrates the schema and, for a new SQLite database, creates the audit key the others then read.
  static Result<std::unique_ptr<StorePool>> Open(const std::string& target, const Clock& clock, const AuditFiles& audit,
                                                 int size);
  // A pool of the one store the caller keeps (tests, tools): one request at a time.
  explicit StorePool(Store& only);
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  // One connection, the caller's until the lease ends.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), index_(other.index_) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Store& store() const { return *pool_->stores_[index_]; }

   private:
    friend class StorePool;
    Lease(StorePool* pool, size_t index) : pool_(pool), index_(index) {}
    StorePool* pool_;
    size_t index_;
  };
  // Waits for a free connection.
  Lease Acquire();
  // Runs `each` on every connection in turn, each while it is lent to nobody else (the audit
  // checkpoints); the first failure is returned after all have run.
  Status ForEach(const std::function<Status(Store&)>& each);
  size_t size() const { return stores_.size(); }

 private:
  StorePool() = default;
  void Release(size_t index);

  std::vector<std::unique_ptr<Store>> owned_;
  std::vector<Store*> stores_;
  std::vector<bool> busy_;
  std::mutex mutex_;
  std::condition_variable freed_;
};

}  // namespace lenacare::store
