// One use case's reads and writes as one store transaction (store::Store::Transaction), or its
// reads as one snapshot (store::Store::Read), with the value the body produced:
// Result<T> InTransaction<T>(store, body), Result<T> InRead<T>(store, body).
#pragma once

#include "store/store.h"

namespace lenacare::app {

using store::InRead;
using store::InTransaction;

}  // namespace lenacare::app
