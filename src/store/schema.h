// Versioned migrations of the store's schema (schema.cpp).
#pragma once

#include <string>

#include "core/result.h"
#include "store/db.h"

namespace lenacare::store {

int LatestSchemaVersion();
// The version of an open database (0: empty).
Result<int> SchemaVersionOf(Connection& db);
// Applies the migrations after the current version up to `up_to`, each in its own transaction.
Status MigrateTo(Connection& db, int up_to, const std::string& now);

}  // namespace lenacare::store
