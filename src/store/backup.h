// Backups that restore. A backup is one file: a first line "lenacare-backup 1", a second line
// with the header (JSON: what was backed up, the database's audit head and rows per table, the
// payload's size and SHA-256), then the payload:
// - SQLite: a copy of the database made with SQLite's online backup API (one consistent snapshot,
//   while the server goes on writing);
// - PostgreSQL: a pg_dump archive in custom format, taken from the snapshot the header was read
//   in (pg_export_snapshot), so the header and the archive agree.
// Verification checks the checksum first (a damaged byte anywhere fails it), then reads the
// payload back as a database (SQLite's integrity check, the rows and the audit head; PostgreSQL:
// pg_restore reads the whole archive). A restore goes only into an empty database and is checked
// the same way, and its audit chain verified, before it is left in place.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/audit_key.h"

namespace lenacare::store {

struct BackupHeader {
  int format = 1;
  std::string dialect;     // "sqlite" or "postgresql"
  std::string created_at;  // UTC
  std::string lenacare;    // the version of lenacare that took it
  std::string knowledge;   // the knowledge pack in use: id, label date and fingerprint
  int64_t schema = 0;      // the database's schema version
  int64_t audit_seq = 0;   // the audit head: the last entry of the log in the backup
  std::string audit_hash;
  std::map<std::string, int64_t> rows;  // rows per table
  std::string site_knowledge;           // the clinic's sign-offs (signoffs.toml), "" when none
  // The audit checkpoint file's lines up to the audit head (the database counts them, so the
  // restored log comes with them).
  std::string checkpoints;
  int64_t bytes = 0;   // the payload's size
  std::string sha256;  // the payload's SHA-256 (hex)
};

// The header as it is written in the file (JSON).
nlohmann::json BackupHeaderJson(const BackupHeader& h);

// Takes a backup of the database `target` into the new file `file` (refused if it exists; written
// to a temporary file, flushed to disk and then linked to its name). `about` gives the fields the
// caller knows (lenacare, knowledge, site_knowledge); the rest are measured.
// `audit` names the checkpoint file (store/audit_key.h).
Result<BackupHeader> TakeBackup(const std::string& target, const std::string& file, BackupHeader about,
                                const AuditFiles& audit);

// Checks a backup without restoring it; an error names the problem.
Result<BackupHeader> VerifyBackup(const std::string& file);

struct RestoreReport {
  BackupHeader header;
  int64_t audit_entries = 0;  // in the restored log, all verified
  int64_t checkpoints = 0;    // checkpoint lines checked
  std::string note;           // what the verification could not check, if anything
};

// Restores a backup into `target`, which must be empty: a SQLite file that does not exist yet, or
// a PostgreSQL database without tables. The audit key must be the one the database was written
// with (the backup does not hold it); the backup's checkpoint lines are written to the target's
// checkpoint file, which must not exist yet. SQLite: the file appears under its name only once it has
// passed every check, and a failure removes what was written. PostgreSQL: pg_restore runs in one
// transaction (a failed restore leaves nothing); a restore that then fails verification is
// reported as failed.
Result<RestoreReport> RestoreBackup(const std::string& file, const std::string& target, const Clock& clock,
                                    const AuditFiles& audit);

}  // namespace lenacare::store
