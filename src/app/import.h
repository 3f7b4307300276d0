// FHIR R4 import (standards.md §7): single resources, Bundles and Bulk Data NDJSON, files or
// directories (every *.ndjson and *.json in a directory; Patient files first, since an export's
// order across files is not defined). fhir/fhir_map.h reads each resource into a record; this use
// case writes the records in batches, each batch one transaction with the audit entries of the
// patients it touched. A resource that does not validate is reported with its file and line and
// the import goes on; a database failure stops it.
//
// Idempotent: each resource is stored under its source, its patient and its type and id
// ("labs.ndjson|Patient/p1|Observation/123"), so importing the same export again writes nothing,
// and two patients' Observations with the same id, or two sources' Patients with the same id
// (different people), stay apart. A source's Patient keeps its id as lenacare's patient identifier
// unless a patient of another source holds it already; then it is "<id>-<8 hex digits of the
// source>". lenacare's own export imports back onto the rows it came from. After each commit `on_commit` says how far
// the import got, so a killed import loses only the batch in flight, and running it again completes it.
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
  std::vector<std::string> paths;  // files, directories, or "-" (standard input: one resource or Bundle)
  // The origin that resource ids are namespaced by: a FHIR server's base URL, or any name. Empty:
  // the name of the folder the data came in (a directory's own name, a file's directory's name;
  // "-" for standard input), so that the files of one export are one source.
  std::string source;
  // Each file is a source of its own ("<directory>/<file>"): for a folder of independent examples
  // (the HL7 R4 examples reuse ids for different people and results across files).
  bool source_per_file = false;
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
