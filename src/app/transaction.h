// One use case's reads and writes as one store transaction (store::Store::Transaction), with the
// value the body produced: Result<T> InTransaction<T>(store, body).
#pragma once

#include <optional>
#include <utility>

#include "core/result.h"
#include "store/store.h"

namespace lenacare::app {

// Runs `body` (returning Result<T>) in one transaction: its error rolls the transaction back and
// is returned; its value is returned once the transaction has committed.
template <typename T, typename F>
Result<T> InTransaction(store::Store& st, F&& body) {
  std::optional<T> out;
  Status s = st.Transaction([&]() -> Status {
    Result<T> r = body();
    if (!r.ok()) return r.error();
    out = std::move(r).value();
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return std::move(*out);
}

}  // namespace lenacare::app
