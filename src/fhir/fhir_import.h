// FHIR R4 import: single resources, Bundles and Bulk Data NDJSON (standards.md §7) into the
// store. What lenacare uses — Patient, Observation with the LOINC codes of common/codes.toml,
// lenalidomide MedicationRequest and MedicationDispense (RxNorm), Condition for the indication,
// and lenacare's own exported course and events — is validated with the course-file rules and
// written; everything else is counted and skipped. A resource that does not validate is reported
// with its file and line and the import goes on.
//
// Idempotent: each resource is stored under its type and id ("Observation/123"), so importing the
// same export again writes nothing. Resources are committed in batches; after each commit
// `on_commit` reports how far the import got, so a killed import loses only the batch in flight,
// and running it again completes it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "knowledge/knowledge.h"
#include "store/store.h"

namespace lenacare::fhir {

struct ImportOptions {
  std::string actor;          // who the audit log names
  Date today;                 // the clinic's today, for checking a patient's facts (birth date)
  int64_t batch_size = 5000;  // resources per transaction
  // After each commit: the file, its last line (NDJSON) or resource number committed.
  std::function<void(const std::string& file, int64_t line)> on_commit;
  // Now and then while reading: bytes read of the file so far, and its size.
  std::function<void(const std::string& file, uint64_t done, uint64_t total)> on_progress;
};

struct ImportSummary {
  int64_t files = 0;
  int64_t resources = 0;  // resources read
  int64_t written = 0;    // resources that changed the database
  int64_t unchanged = 0;  // used, but already stored
  int64_t skipped = 0;    // not used by lenacare
  int64_t invalid = 0;    // reported in `problems`
  std::map<std::string, int64_t> skipped_by_reason;
  std::vector<std::string> problems;  // "file:line: Observation/12: value: ..." (the first 100)
};

// Imports files and directories (every *.ndjson and *.json in a directory; Patient files first,
// since an export's order across files is not defined). A database failure stops the import;
// a bad resource does not.
Result<ImportSummary> Import(store::Store& store, const Knowledge& k, const std::vector<std::string>& paths,
                             const ImportOptions& options);

}  // namespace lenacare::fhir
