// The audit log's hash chain. Entry n stores a hash of entry n-1's hash and its own fields, so
// editing or deleting any entry breaks every hash after it; the head row (the last sequence
// number and hash) catches a deleted tail. Verification recomputes the chain from the start.
//
// Entries written since schema 7 are keyed: their hash is an HMAC-SHA-256 under the audit key
// (store/audit_key.h), which is kept outside the database, so that whoever holds only the
// database cannot recompute them. Older entries keep their unkeyed SHA-256 and are verified as
// before; the `audit_scheme` row says from which entry on the log is keyed (and is MACed itself).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/date.h"
#include "core/result.h"

namespace lenacare::store {

struct AuditEntry;
class AuditKey;

// Hex SHA-256 of the entry's previous hash and fields (everything but `hash`): entries before
// the log became keyed.
std::string AuditHash(const AuditEntry& e);
// Hex HMAC-SHA-256 under `key` of the same fields: entries from the keyed-from mark on.
std::string AuditMac(const AuditEntry& e, const AuditKey& key);

// Hex HMAC-SHA-256 under `key` of a list of text fields (length-prefixed): the scheme marker's
// and a checkpoint line's MAC.
std::string FieldsMac(std::initializer_list<std::string_view> fields, const AuditKey& key);

// An instant as an ISO 8601 UTC timestamp with milliseconds ("2026-11-22T09:15:02.123Z"): fixed
// width, so timestamps compare as text.
std::string UtcText(std::chrono::system_clock::time_point t);

}  // namespace lenacare::store
