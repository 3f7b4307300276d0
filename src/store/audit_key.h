// The secret the audit chain is keyed with, and the files that anchor the chain outside the
// database. Whoever holds the database file alone can rewrite the log and recompute unkeyed
// hashes; without this key they cannot recompute the HMACs, and the checkpoint file (append-only,
// outside the database, each line MACed) catches a chain rebuilt or cut behind its back.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "core/result.h"

namespace lenacare::store {

// Where the key and the checkpoints are, as the user gave them ("" when not given).
struct AuditFiles {
  std::string key_file;     // --audit-key FILE, else $LENACARE_AUDIT_KEY_FILE, else <db>.audit-key
  std::string checkpoints;  // --audit-checkpoints FILE, else $LENACARE_AUDIT_CHECKPOINTS, else <db>.audit-checkpoints
};

// 32 secret bytes. The fingerprint (hex of the first 8 bytes of the key's SHA-256) names the key
// in the database and in checkpoints without revealing it.
class AuditKey {
 public:
  static constexpr size_t kBytes = 32;
  explicit AuditKey(const std::array<unsigned char, kBytes>& bytes);
  const unsigned char* data() const { return bytes_.data(); }
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::array<unsigned char, kBytes> bytes_;
  std::string fingerprint_;
};

// Reads a key file: it must hold exactly 32 bytes and be readable by its owner only.
Result<AuditKey> ReadAuditKey(const std::string& path);
// Creates a key file of 32 random bytes, mode 0600 from its first instant (O_CREAT|O_EXCL), and
// returns the key; if another process created it first, reads that one.
Result<AuditKey> CreateAuditKey(const std::string& path);

// How a store finds its files. `sqlite_path` is the database file ("" for PostgreSQL or an
// in-memory database): the defaults live beside it.
struct AuditPaths {
  std::string key_file;  // "" when none is known
  bool key_is_default = false;
  std::string checkpoints;  // "" when none is known
};
AuditPaths ResolveAuditPaths(const AuditFiles& given, const std::string& sqlite_path);

// The message that says how to give a key, for errors.
std::string HowToGiveAnAuditKey();

// Appends one line to the checkpoint file (created 0600, opened O_APPEND, flushed to disk).
Status AppendLine(const std::string& path, const std::string& line);

}  // namespace lenacare::store
