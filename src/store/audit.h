// The audit log's hash chain. Entry n stores the SHA-256 of entry n-1's hash and its own fields,
// so editing or deleting any entry breaks every hash after it; the head row (the last sequence
// number and hash) catches a deleted tail. Verification recomputes the chain from the start.
#pragma once

#include <chrono>
#include <string>

#include "core/date.h"
#include "core/result.h"

namespace lenacare::store {

struct AuditEntry;

// Hex SHA-256 of the entry's previous hash and fields (everything but `hash`).
std::string AuditHash(const AuditEntry& e);
// An instant as an ISO 8601 UTC timestamp with milliseconds ("2026-11-22T09:15:02.123Z"): fixed
// width, so timestamps compare as text.
std::string UtcText(std::chrono::system_clock::time_point t);

}  // namespace lenacare::store
