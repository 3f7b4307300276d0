#include "store/pool.h"

namespace lenacare::store {

Result<std::unique_ptr<StorePool>> StorePool::Open(const std::string& target, const Clock& clock,
                                                   const AuditFiles& audit, int size) {
  if (size < 1 || size > 256) return Error::BadInput("db-connections", "must be a whole number from 1 to 256");
  std::unique_ptr<StorePool> pool(new StorePool());
  for (int i = 0; i < size; ++i) {
    auto st = Store::Open(target, clock, audit);
    if (!st.ok()) return st.error();
    pool->stores_.push_back(st->get());
    pool->owned_.push_back(std::move(st).value());
    pool->busy_.push_back(false);
  }
  return pool;
}

StorePool::StorePool(Store& only) : stores_{&only}, busy_{false} {}

StorePool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(index_);
}

StorePool::Lease StorePool::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    for (size_t i = 0; i < busy_.size(); ++i) {
      if (!busy_[i]) {
        busy_[i] = true;
        return Lease(this, i);
      }
    }
    freed_.wait(lock);
  }
}

void StorePool::Release(size_t index) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_[index] = false;
  }
  freed_.notify_all();
}

Status StorePool::ForEach(const std::function<Status(Store&)>& each) {
  Status first = Status::Ok();
  for (size_t i = 0; i < stores_.size(); ++i) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      freed_.wait(lock, [&] { return !busy_[i]; });
      busy_[i] = true;
    }
    Lease lease(this, i);
    Status s = each(*stores_[i]);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

}  // namespace lenacare::store
