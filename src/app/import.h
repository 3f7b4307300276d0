// FHIR R4 import (standards.md §7): single resources, Bundles and Bulk Data NDJSON, files or
// directories (every *.ndjson and *.json in a directory; Patient files first, since an export's
// order across files is not defined). fhir/fhir_map.h reads each resource into a record; this use
// case writes the records in batches, each batch one transaction with the audit entries of the
// patients it touched. A resource that does not validate is reported with its file and line and
// the import goes on; a database failure stops it.
//
// Idempotent: each resource is stored under its type and id ("Observation/123"), so importing
// the same export again writes nothing. After each commit `on_commit` says how far the import
// got, so a killed import loses only the batch in flight, and running it again completes it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/context.h"
#include "core/result.h"

namespace lenacare::app {

struct ImportRequest {
  std::vector<std::string> paths;
  int batch = 5000;  // resources per transaction
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

struct ImportAnswer {
  ImportSummary summary;
  Outcome outcome() const { return summary.invalid > 0 ? Outcome::kBadInput : Outcome::kAnswered; }
};

// Imports the files as ctx.actor, checking patients' facts against the clock's today.
Result<ImportAnswer> Import(const Context& ctx, const ImportRequest& r);

}  // namespace lenacare::app
