// Benchmarks of the store, the two the records issue asks for. Plain main(): each runs once and
// prints its figures, then one JSON line with all of them. Run: bench/run store
//
// 1. FHIR import rate against a plain insert. A Bulk Data NDJSON file of N lab Observations
//    (ANC, platelets, hemoglobin; default 1,000,000) for 1,000 patients is imported with
//    app::Import into a fresh database. The same rows — the column values the importer wrote,
//    read back before timing — are then inserted into a second fresh database with the same
//    schema by one prepared sqlite3 INSERT, committed every 5,000 rows like the importer.
//    Target: import rate / plain rate >= 0.5.
// 2. The worklist over 10,000 patients, each with a course started about a year before the
//    as-of date and a year of events (weekly blood counts, dose diaries, holds and resumptions,
//    REMS prescriptions and dispenses for some). app::BuildWorklist is timed three times, its
//    audit entries (one per patient read) included. Target: under 2 s.
//
// Work files go in a temporary directory (under $TMPDIR or /tmp), removed at the end.
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/import.h"
#include "app/worklist.h"
#include "knowledge/loader.h"
#include "store/store.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int64_t kImportPatients = 1000;
constexpr int64_t kBatchRows = 5000;  // the importer's default batch, and the plain insert's commit interval
constexpr int kWorklistRuns = 3;
constexpr int kLookAheadDays = 7;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Deterministic pseudo-random numbers (SplitMix64 of the inputs): the same data on every run.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t Hash(uint64_t a, uint64_t b = 0, uint64_t c = 0) { return Mix(Mix(Mix(a) ^ b) ^ c); }
// A whole number in [low, high].
int Pick(uint64_t h, int low, int high) { return low + static_cast<int>(h % static_cast<uint64_t>(high - low + 1)); }

// The shortest text of a number, as the importer writes it ("2.4", "180").
std::string Number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string TwoDigits(int n) {
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

std::string Thousands(double v) {
  std::string digits = std::to_string(static_cast<int64_t>(v + 0.5));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
  return digits;
}

// `v` with `decimals` digits after the point.
std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A directory under $TMPDIR (or /tmp) that is removed with everything in it when destroyed.
class WorkDir {
 public:
  WorkDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/lenacare-store-bench-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  // LENACARE_BENCH_KEEP=1 keeps the databases for a closer look (e.g. `lenacare worklist --db`).
  ~WorkDir() {
    const char* keep = std::getenv("LENACARE_BENCH_KEEP");
    if (keep != nullptr && std::string(keep) == "1") {
      std::cerr << "kept " << path_.string() << "\n";
      return;
    }
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// Benchmark 1: FHIR import against a plain insert.

struct LabCode {
  const char* loinc;
  const char* display;
  const char* text;
  const char* unit;             // display text
  const char* ucum;             // UCUM code
  int tenths_low, tenths_high;  // plausible results, in tenths of the unit
  int ref_low, ref_high;        // the laboratory's normal range, in tenths
  bool whole;                   // results without decimals
};

constexpr std::array<LabCode, 3> kLabCodes = {{
    {"751-8", "Neutrophils [#/volume] in Blood by Automated count", "ANC", "10^9/L", "10*9/L", 5, 65, 18, 77, false},
    {"777-3", "Platelets [#/volume] in Blood by Automated count", "Platelets", "10^9/L", "10*9/L", 250, 4200, 1500,
     4000, true},
    {"718-7", "Hemoglobin [Mass/volume] in Blood", "Hemoglobin", "g/dL", "g/dL", 82, 158, 120, 175, false},
}};

std::string QuantityJson(double value, const LabCode& c) {
  return "{\"value\":" + Number(value) + ",\"unit\":\"" + c.unit + "\",\"system\":\"http://unitsofmeasure.org\"," +
         "\"code\":\"" + c.ucum + "\"}";
}

std::string PatientRefOf(int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "pt-%05lld", static_cast<long long>(n));
  return buf;
}

std::string PatientLine(int64_t n, int64_t) {
  const uint64_t h = Hash(7, static_cast<uint64_t>(n));
  const bool female = h % 2 == 0;
  const std::string birth = std::to_string(Pick(h >> 8, 1938, 1978)) + "-" + TwoDigits(Pick(h >> 16, 1, 12)) + "-" +
                            TwoDigits(Pick(h >> 24, 1, 28));
  return "{\"resourceType\":\"Patient\",\"id\":\"" + PatientRefOf(n) +
         "\",\"identifier\":[{\"system\":\"urn:oid:1.2.3.4.5\",\"value\":\"MRN" + std::to_string(100000 + n) +
         "\"}],\"name\":[{\"family\":\"Test" + std::to_string(n) + "\",\"given\":[\"" + (female ? "Anna" : "Paul") +
         "\"]}],\"gender\":\"" + (female ? "female" : "male") + "\",\"birthDate\":\"" + birth + "\"}\n";
}

// Observation `i` of `n`: patient i % 1000, tests in rotation, a patient's draws spread over a
// year from 2025-04-01, mornings, local time with the CET/CEST offset.
std::string ObservationLine(int64_t i, int64_t n) {
  const int64_t patient = i % kImportPatients;
  const int64_t seq = i / kImportPatients;  // the patient's result number
  const int64_t per_patient = (n + kImportPatients - 1) / kImportPatients;
  const int64_t draws = std::max<int64_t>(1, (per_patient + 2) / 3);
  const LabCode& c = kLabCodes[static_cast<size_t>(seq % 3)];
  const int day = static_cast<int>((seq / 3) * 365 / draws);
  const Date date = Date::FromCivil(2025, 4, 1).AddDays(day);
  const uint64_t h = Hash(static_cast<uint64_t>(patient), static_cast<uint64_t>(seq / 3), 11);
  const std::string hour = TwoDigits(Pick(h, 7, 11));
  const std::string minute = TwoDigits(Pick(h >> 8, 0, 11) * 5);
  const std::string offset = date.month() >= 4 && date.month() <= 10 ? "+02:00" : "+01:00";
  const std::string at = date.ToString() + "T" + hour + ":" + minute + ":00" + offset;
  const std::string issued = date.ToString() + "T" + TwoDigits(Pick(h >> 16, 12, 16)) + ":" + minute + ":00" + offset;
  const int tenths = Pick(Hash(static_cast<uint64_t>(i), 13), c.tenths_low, c.tenths_high);
  const double value = c.whole ? static_cast<double>(tenths / 10) : tenths / 10.0;
  char id[32];
  std::snprintf(id, sizeof id, "obs-%08lld", static_cast<long long>(i + 1));
  std::string line = std::string("{\"resourceType\":\"Observation\",\"id\":\"") + id +
                     "\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/"
                     "CodeSystem/observation-category\",\"code\":\"laboratory\",\"display\":\"Laboratory\"}]}],"
                     "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" +
                     c.loinc + "\",\"display\":\"" + c.display + "\"}],\"text\":\"" + c.text +
                     "\"},\"subject\":{\"reference\":\"Patient/" + PatientRefOf(patient) +
                     "\"},\"effectiveDateTime\":\"" + at + "\",\"issued\":\"" + issued +
                     "\",\"valueQuantity\":" + QuantityJson(value, c);
  if (h % 2 == 0) {  // one result in two carries the laboratory's range
    line += ",\"referenceRange\":[{\"low\":" + QuantityJson(c.ref_low / 10.0, c) +
            ",\"high\":" + QuantityJson(c.ref_high / 10.0, c) + "}]";
  }
  line += "}\n";
  return line;
}

Result<uint64_t> WriteLines(const std::string& path, int64_t count, std::string (*line)(int64_t, int64_t)) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Error::Failed(path, "cannot be written");
  std::string buffer;
  uint64_t bytes = 0;
  for (int64_t i = 0; i < count; ++i) {
    buffer += line(i, count);
    if (buffer.size() > (1U << 20) || i + 1 == count) {
      bytes += std::fwrite(buffer.data(), 1, buffer.size(), f);
      buffer.clear();
    }
  }
  if (std::fclose(f) != 0) return Error::Failed(path, "cannot be written");
  return bytes;
}

// One events row as the importer wrote it.
struct EventRow {
  int64_t patient_id = 0;
  std::string date, type;
  std::optional<std::string> test;
  std::optional<double> value, lln, uln;
  std::string body;
  std::optional<std::string> source;
  int64_t plain = 0;
};

Result<std::vector<EventRow>> ReadEvents(store::Connection& db) {
  std::vector<EventRow> rows;
  auto opt = [](const store::Row& r, int c) { return r.IsNull(c) ? std::nullopt : std::optional<double>(r.Real(c)); };
  auto text = [](const store::Row& r, int c) {
    return r.IsNull(c) ? std::nullopt : std::optional<std::string>(r.Text(c));
  };
  Status s =
      db.Query("SELECT patient_id, date, type, test, value, lln, uln, body, source, plain FROM events ORDER BY id", {},
               [&](const store::Row& r) {
                 rows.push_back({r.Int(0), std::string(r.Text(1)), std::string(r.Text(2)), text(r, 3), opt(r, 4),
                                 opt(r, 5), opt(r, 6), std::string(r.Text(7)), text(r, 8), r.Int(9)});
               });
  if (!s.ok()) return s.error();
  return rows;
}

// The plain insert: one prepared statement on its own connection, with the driver's settings
// (WAL, synchronous=NORMAL, foreign keys on), BEGIN IMMEDIATE like the importer, a commit every
// 5,000 rows. Returns the seconds spent in the insert loop.
Result<double> PlainInsert(const std::string& path, const std::vector<EventRow>& rows) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    return Error::Failed(path, "cannot be opened");
  }
  auto fail = [&](const char* step) {
    Error e = Error::Failed(path, std::string(step) + ": " + sqlite3_errmsg(db));
    return e;
  };
  auto exec = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; };
  if (!exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
            "PRAGMA mmap_size=1073741824;")) {
    Error e = fail("pragmas");
    sqlite3_close_v2(db);
    return e;
  }
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "INSERT INTO events (patient_id, date, type, test, value, lln, uln, body, source, plain) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    Error e = fail("prepare");
    sqlite3_close_v2(db);
    return e;
  }
  auto bind_text = [&](int at, const std::string& s) {
    sqlite3_bind_text(st, at, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  };
  auto bind_opt_text = [&](int at, const std::optional<std::string>& s) {
    if (s) {
      bind_text(at, *s);
    } else {
      sqlite3_bind_null(st, at);
    }
  };
  auto bind_opt = [&](int at, const std::optional<double>& v) {
    if (v) {
      sqlite3_bind_double(st, at, *v);
    } else {
      sqlite3_bind_null(st, at);
    }
  };
  std::optional<Error> error;
  const auto start = Clock::now();
  bool open = false;
  for (size_t i = 0; i < rows.size() && !error; ++i) {
    if (!open) {
      if (!exec("BEGIN IMMEDIATE")) {
        error = fail("begin");
        break;
      }
      open = true;
    }
    const EventRow& r = rows[i];
    sqlite3_bind_int64(st, 1, r.patient_id);
    bind_text(2, r.date);
    bind_text(3, r.type);
    bind_opt_text(4, r.test);
    bind_opt(5, r.value);
    bind_opt(6, r.lln);
    bind_opt(7, r.uln);
    bind_text(8, r.body);
    bind_opt_text(9, r.source);
    sqlite3_bind_int64(st, 10, r.plain);
    if (sqlite3_step(st) != SQLITE_DONE) error = fail("insert");
    sqlite3_reset(st);
    if ((static_cast<int64_t>(i) + 1) % kBatchRows == 0 || i + 1 == rows.size()) {
      if (!exec("COMMIT")) error = fail("commit");
      open = false;
    }
  }
  const double seconds = SecondsSince(start);
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  if (error) return *error;
  return seconds;
}

// What both databases must agree on: the number of event rows and a digest of their columns.
struct EventDigest {
  int64_t rows = 0, body_bytes = 0, sources = 0;
  double values = 0;
  bool operator==(const EventDigest&) const = default;
};

Result<EventDigest> DigestEvents(store::Connection& db) {
  EventDigest d;
  Status s = db.Query(
      "SELECT count(*), sum(length(body)) + sum(length(date)) + sum(length(test)) + sum(patient_id) + sum(plain), "
      "count(DISTINCT source), total(value) + total(lln) + total(uln) FROM events",
      {}, [&](const store::Row& r) {
        d.rows = r.Int(0);
        d.body_bytes = r.Int(1);
        d.sources = r.Int(2);
        d.values = r.Real(3);
      });
  if (!s.ok()) return s.error();
  return d;
}

struct ImportFigures {
  int64_t observations = 0;
  uint64_t ndjson_bytes = 0;
  double import_seconds = 0, plain_seconds = 0;
  int64_t rows = 0, audit_entries = 0;
  double import_rate() const { return static_cast<double>(observations) / import_seconds; }
  double plain_rate() const { return static_cast<double>(rows) / plain_seconds; }
  double ratio() const { return import_rate() / plain_rate(); }
};

// The benchmark's day and its clock (audit timestamps, the patients' facts checked on it).
const FixedClock& BenchClock() {
  static const FixedClock clock(Date::FromCivil(2026, 11, 23));
  return clock;
}

// The import use case as the benchmark runs it (as "bench", on the benchmark's day).
Result<app::ImportSummary> ImportFiles(store::Store& store, const Knowledge& k, const std::vector<std::string>& paths,
                                       int batch = 5000) {
  app::ImportRequest r;
  r.paths = paths;
  r.batch = batch;
  auto imported = app::Import(app::Context{k, BenchClock(), &store, "bench", app::Authority::Operator()}, r);
  if (!imported.ok()) return imported.error();
  return imported->summary;
}

Status ImportPatients(store::Store& store, const Knowledge& k, const std::string& file) {
  auto summary = ImportFiles(store, k, {file});
  if (!summary.ok()) return summary.error().Under("patients import");
  if (summary->written != kImportPatients) return Error::Failed("patients import", "not every patient was written");
  return Status::Ok();
}

Result<ImportFigures> RunImportBenchmark(const Knowledge& k, const WorkDir& dir, int64_t observations) {
  ImportFigures f;
  f.observations = observations;
  const std::string patients = dir.File("Patient.000.ndjson");
  const std::string labs = dir.File("Observation.000.ndjson");
  std::cout << "Benchmark 1: FHIR import against a plain insert\n";
  auto pb = WriteLines(patients, kImportPatients, PatientLine);
  if (!pb.ok()) return pb.error();
  auto t = Clock::now();
  auto ob = WriteLines(labs, observations, ObservationLine);
  if (!ob.ok()) return ob.error();
  f.ndjson_bytes = *ob;
  std::cout << "  generated " << Thousands(static_cast<double>(observations)) << " Observations for " << kImportPatients
            << " patients: " << Thousands(static_cast<double>(f.ndjson_bytes)) << " bytes ("
            << f.ndjson_bytes / static_cast<uint64_t>(observations) << " bytes a line) in " << Fixed(SecondsSince(t), 1)
            << " s\n";

  // The import, into a fresh database holding the patients.
  auto imported = store::Store::Open(dir.File("import.db"), BenchClock());
  if (!imported.ok()) return imported.error();
  store::Store& store = **imported;
  Status s = ImportPatients(store, k, patients);
  if (!s.ok()) return s.error();

  t = Clock::now();
  auto summary = ImportFiles(store, k, {labs}, static_cast<int>(kBatchRows));
  f.import_seconds = SecondsSince(t);
  if (!summary.ok()) return summary.error().Under("import");
  if (summary->resources != observations || summary->written != observations || summary->invalid != 0 ||
      summary->skipped != 0) {
    std::string first = summary->problems.empty() ? "" : "; first problem: " + summary->problems.front();
    return Error::Failed("import",
                         "read " + std::to_string(summary->resources) + ", wrote " + std::to_string(summary->written) +
                             ", skipped " + std::to_string(summary->skipped) + ", invalid " +
                             std::to_string(summary->invalid) + " of " + std::to_string(observations) + first);
  }
  auto audit = store::QueryInt(store.db(), "SELECT count(*) FROM audit", {});
  if (!audit.ok()) return audit.error();
  f.audit_entries = *audit;

  // The same rows, read back before timing the plain insert.
  auto rows = ReadEvents(store.db());
  if (!rows.ok()) return rows.error();
  f.rows = static_cast<int64_t>(rows->size());
  {
    auto plain = store::Store::Open(dir.File("plain.db"), BenchClock());
    if (!plain.ok()) return plain.error();
    s = ImportPatients(**plain, k, patients);
    if (!s.ok()) return s.error();
  }
  auto seconds = PlainInsert(dir.File("plain.db"), *rows);
  if (!seconds.ok()) return seconds.error();
  f.plain_seconds = *seconds;

  // Both databases must hold the same events.
  auto plain = store::Store::Open(dir.File("plain.db"), BenchClock());
  if (!plain.ok()) return plain.error();
  auto a = DigestEvents(store.db());
  auto b = DigestEvents((*plain)->db());
  if (!a.ok()) return a.error();
  if (!b.ok()) return b.error();
  if (a->rows != observations || b->rows != observations || a->sources != observations) {
    return Error::Failed("verify", "the imported database holds " + std::to_string(a->rows) +
                                       " events, the plain one " + std::to_string(b->rows) + ", expected " +
                                       std::to_string(observations) + " with distinct sources");
  }
  if (!(*a == *b)) return Error::Failed("verify", "the two databases hold different event rows");
  const double mb = static_cast<double>(f.ndjson_bytes) / 1e6;
  std::cout << "  import:       " << Thousands(f.import_rate()) << " resources/s (" << Fixed(f.import_seconds, 2)
            << " s, " << Fixed(mb / f.import_seconds, 1) << " MB/s of NDJSON, " << f.audit_entries
            << " audit entries)\n"
            << "  plain insert: " << Thousands(f.plain_rate()) << " rows/s (" << Fixed(f.plain_seconds, 2) << " s)\n"
            << "  ratio import/plain: " << Fixed(f.ratio(), 3)
            << " (target >= 0.5: " << (f.ratio() >= 0.5 ? "met" : "NOT MET") << ")\n"
            << "  both databases hold the same " << Thousands(static_cast<double>(a->rows)) << " event rows\n";
  return f;
}

// ---------------------------------------------------------------------------------------------
// Benchmark 2: the worklist.

// One patient's course and what happens in it; the events of a day follow from it.
struct CoursePlan {
  int64_t patient_id = 0;
  const Indication* indication = nullptr;
  double lower_mg = 0;  // the next lower dose level, for a resumption after a fall
  Date start;
  bool diary = false;  // a dose-taken entry for every pill day
  bool rems = false;   // an authorization, prescription and dispense at each cycle start
  int fall_week = -1;  // platelets fall in this week; resumed at the lower dose a week later
  int hold_week = -1;  // the prescriber holds therapy (an infection) for a week
};

struct EventInsert {
  const char* type;
  const char* test = nullptr;
  double value = 0;
  std::string body;
};

std::string LabBody(const std::string& date, const char* test, const std::string& value) {
  // Keys in the importer's order (nlohmann's dump() sorts them).
  return "{\"date\":\"" + date + "\",\"test\":\"" + test + "\",\"type\":\"lab\",\"value\":\"" + value + "\"}";
}

// The events of course `c` on day `d` (days from the start; -3 is the baseline draw).
std::vector<EventInsert> EventsOn(const CoursePlan& c, int d, const std::string& date, uint64_t seed) {
  std::vector<EventInsert> out;
  const int week = d / 7;
  if (d == -3 || (d > 0 && d % 7 == 0)) {
    const uint64_t h = Hash(seed, static_cast<uint64_t>(d + 10), 3);
    const double anc = Pick(h, 14, 52) / 10.0;
    double platelets = Pick(h >> 16, 110, 320);
    if (week == c.fall_week && d > 0) platelets = 22;
    const double hemoglobin = Pick(h >> 32, 92, 141) / 10.0;
    out.push_back({"lab", "anc", anc, LabBody(date, "anc", Number(anc) + " 10*9/L")});
    out.push_back({"lab", "platelets", platelets, LabBody(date, "platelets", Number(platelets) + " 10*9/L")});
    out.push_back({"lab", "hemoglobin", hemoglobin, LabBody(date, "hemoglobin", Number(hemoglobin) + " g/dL")});
  }
  if (c.rems && d >= 0 && d % c.indication->cycle_days == 0) {
    const std::string number = "RA" + std::to_string(100000 + c.patient_id) + "-" + std::to_string(d);
    out.push_back({"authorization", nullptr, 0,
                   "{\"date\":\"" + date + "\",\"number\":\"" + number + "\",\"type\":\"authorization\"}"});
    out.push_back({"prescription", nullptr, 0,
                   "{\"authorization_number\":\"" + number + "\",\"date\":\"" + date +
                       "\",\"days_supply\":28,\"refills\":0,\"type\":\"prescription\"}"});
    out.push_back({"dispense", nullptr, 0, "{\"date\":\"" + date + "\",\"days_supply\":28,\"type\":\"dispense\"}"});
  }
  const int fall_day = c.fall_week * 7, fall_resume = fall_day + 8;
  const int hold_day = c.hold_week * 7 + 2, hold_resume = hold_day + 7;
  if (c.fall_week >= 0 && d == fall_resume) {
    out.push_back({"resume", nullptr, 0,
                   "{\"date\":\"" + date + "\",\"dose_mg\":" + Number(c.lower_mg) +
                       ",\"note\":\"platelets recovered; resumed at the next lower dose\",\"type\":\"resume\"}"});
  }
  if (c.hold_week >= 0 && d == hold_day) {
    out.push_back({"hold", nullptr, 0, "{\"date\":\"" + date + "\",\"reason\":\"pneumonia\",\"type\":\"hold\"}"});
  }
  if (c.hold_week >= 0 && d == hold_resume) {
    out.push_back({"resume", nullptr, 0, "{\"date\":\"" + date + "\",\"type\":\"resume\"}"});
  }
  const bool held =
      (c.fall_week >= 0 && d >= fall_day && d < fall_resume) || (c.hold_week >= 0 && d >= hold_day && d < hold_resume);
  const int cycle_day = d >= 0 ? d % c.indication->cycle_days + 1 : 0;
  if (c.diary && d >= 0 && !held && c.indication->start.IsPillDay(cycle_day)) {
    out.push_back({"dose-taken", nullptr, 0, "{\"date\":\"" + date + "\",\"type\":\"dose-taken\"}"});
  }
  return out;
}

struct WorklistData {
  int64_t patients = 0, events = 0;
  std::map<std::string, int64_t> courses_by_indication;
};

Result<WorklistData> BuildWorklistData(store::Store& store, const Knowledge& k, int64_t patients, Date as_of) {
  store::Connection& db = store.db();
  const std::array<const char*, 10> indications = {"mm", "mm", "mm", "mm", "mm", "mds", "mds", "mcl", "mcl", "fl"};
  std::vector<CoursePlan> plans;
  WorklistData data;
  data.patients = patients;
  Status s = db.Begin();
  if (!s.ok()) return s.error();
  for (int64_t p = 0; p < patients; ++p) {
    const uint64_t h = Hash(static_cast<uint64_t>(p), 99);
    CoursePlan c;
    c.indication = k.FindIndication(indications[static_cast<size_t>(p % 10)]);
    if (c.indication == nullptr) return Error::Failed("worklist data", "unknown indication");
    const Regimen& start = c.indication->start;
    const Ladder* ladder = k.FindLadder(c.indication->id, start.dose_mg);
    if (ladder == nullptr || ladder->levels.size() < 2) return Error::Failed("worklist data", "no dose ladder");
    c.lower_mg = ladder->levels[1].dose_mg;
    // About a year before the as-of date; a course limited in cycles is still within them.
    const int days = c.indication->max_cycles > 0 ? (c.indication->max_cycles - 1) * c.indication->cycle_days + 10
                                                  : 365 - Pick(h, 0, 20);
    c.start = as_of.AddDays(-days);
    c.diary = h % 10 < 3;
    c.rems = (h >> 8) % 10 < 2;
    if ((h >> 16) % 10 == 0) c.fall_week = Pick(h >> 24, 4, 40);
    if ((h >> 32) % 20 == 0) c.hold_week = Pick(h >> 40, 44, 48);
    const bool known_sex = c.rems || (h >> 48) % 10 < 7;
    const bool female = (h >> 52) % 2 == 0;
    const std::string sex = known_sex ? (female ? "female" : "male") : "";
    const std::string birth = known_sex ? std::to_string(Pick(h >> 20, 1940, 1975)) + "-" +
                                              TwoDigits(Pick(h >> 28, 1, 12)) + "-" + TwoDigits(Pick(h >> 36, 1, 28))
                                        : "";
    nlohmann::json facts = nlohmann::json::object();
    if ((h >> 56) % 2 == 0) {
      facts["weight"] = std::to_string(Pick(h >> 4, 52, 105)) + " kg";
      facts["crcl"] = std::to_string(Pick(h >> 12, 62, 118)) + " mL/min";
    }
    if (c.rems) {
      facts["rems_category"] = female ? "adult-female-cannot-become-pregnant" : "adult-male";
      if (female) facts["hysterectomy"] = true;
    }
    const std::string ref = "W" + std::to_string(100000 + p);
    const std::string name = "Patient " + std::to_string(p);
    const std::string facts_text = facts.dump();
    auto row = db.Run("INSERT INTO patients (ref, name, sex, birth_date, facts) VALUES (?, ?, ?, ?, ?)",
                      {std::string_view(ref), std::string_view(name), std::string_view(sex), std::string_view(birth),
                       std::string_view(facts_text)});
    if (!row.ok()) return row.error();
    auto id = store::QueryInt(db, "SELECT last_insert_rowid()", {});
    if (!id.ok()) return id.error();
    c.patient_id = *id;
    std::string header = "{\"indication\":\"" + c.indication->id + "\",\"start_date\":\"" + c.start.ToString() +
                         "\",\"starting_dose_mg\":" + Number(start.dose_mg) + ",\"starting_frequency\":\"" +
                         std::string(FrequencyName(start.frequency)) + "\",\"starting_days\":\"" + start.days.text() +
                         "\"";
    if (c.indication->id == "mm")
      header += (h >> 44) % 2 == 0 ? ",\"setting\":\"newly-diagnosed\"" : ",\"setting\":\"previously-treated\"";
    header += "}";
    const std::string start_text = c.start.ToString();
    auto course = db.Run(
        "INSERT INTO courses (patient_id, indication, start_date, header) VALUES (?, ?, ?, ?)",
        {c.patient_id, std::string_view(c.indication->id), std::string_view(start_text), std::string_view(header)});
    if (!course.ok()) return course.error();
    ++data.courses_by_indication[c.indication->id];
    plans.push_back(c);
  }
  s = db.Commit();
  if (!s.ok()) return s.error();

  // The events day by day across all patients, as a clinic records them.
  Date first = as_of;
  for (const CoursePlan& c : plans) first = std::min(first, c.start.AddDays(-3));
  for (Date day = first; day <= as_of; day = day.AddDays(1)) {
    s = db.Begin();
    if (!s.ok()) return s.error();
    const std::string date = day.ToString();
    for (const CoursePlan& c : plans) {
      const int d = day.DaysSince(c.start);
      if (d < -3) continue;
      for (const EventInsert& e : EventsOn(c, d, date, static_cast<uint64_t>(c.patient_id))) {
        // Through the store's own row writer (it sets the columns courses are rebuilt from).
        store::EventRecord row;
        row.patient_id = c.patient_id;
        row.date = date;
        row.type = e.type;
        if (e.test != nullptr) {
          row.test = e.test;
          row.value = e.value;
        }
        row.body = e.body;
        auto n = store.InsertEvent(row);
        if (!n.ok()) return n.error();
        ++data.events;
      }
    }
    s = db.Commit();
    if (!s.ok()) return s.error();
  }
  return data;
}

struct WorklistFigures {
  int64_t patients = 0, events = 0;
  std::vector<double> seconds;
  double best = 0, rebuild_seconds = 0;
  std::vector<double> replay_seconds, page_seconds;
  double replay_best = 0, page_best = 0, first_of_day_seconds = 0;
  size_t entries = 0;
  int rebuild_failures = 0;
  std::map<std::string, int64_t> items_by_what;
};

Result<WorklistFigures> RunWorklistBenchmark(const Knowledge& k, const WorkDir& dir, int64_t patients) {
  std::cout << "Benchmark 2: worklist over " << Thousands(static_cast<double>(patients))
            << " patients with a year of events each\n";
  const Date as_of = Date::FromCivil(2026, 11, 23);
  auto t = Clock::now();
  Result<WorklistData> data = Error::Failed("worklist data", "not built");
  {
    // Untimed: a larger page cache for the setup only; the timed runs use a new connection.
    auto setup = store::Store::Open(dir.File("worklist.db"), BenchClock());
    if (!setup.ok()) return setup.error();
    Status s = (*setup)->db().ExecScript("PRAGMA cache_size=-262144");
    if (!s.ok()) return s.error();
    data = BuildWorklistData(**setup, k, patients, as_of);
    if (!data.ok()) return data.error();
  }
  auto opened = store::Store::Open(dir.File("worklist.db"), BenchClock());
  if (!opened.ok()) return opened.error();
  store::Store& store = **opened;
  WorklistFigures f;
  f.patients = data->patients;
  f.events = data->events;
  std::cout << "  stored " << Thousands(static_cast<double>(f.events)) << " events ("
            << Number(static_cast<double>(f.events / f.patients)) << " a patient; courses:";
  for (const auto& [id, n] : data->courses_by_indication) std::cout << " " << id << " " << n;
  std::cout << ") in " << Fixed(SecondsSince(t), 1) << " s; as of " << as_of.ToString() << ", look-ahead "
            << kLookAheadDays << " days\n";

  const app::Context today{k, BenchClock(), &store, "bench", app::Authority::Operator()};
  // The reference, measured in the same run: every course replayed (the worklist of another day,
  // and of every day before the stored answers). A clock a day later makes the bench day "another".
  const FixedClock next_day(as_of.AddDays(1));
  const app::Context replaying{k, next_day, &store, "bench", app::Authority::Operator()};
  auto timed = [&](const app::Context& ctx, int limit, double& seconds) -> Result<app::Worklist> {
    t = Clock::now();
    auto w = app::BuildWorklist(ctx, {as_of.ToString(), kLookAheadDays, limit, ""});
    seconds = SecondsSince(t);
    if (!w.ok()) return w.error().Under("worklist");
    return w;
  };
  for (int run = 0; run < kWorklistRuns; ++run) {
    double seconds = 0;
    auto w = timed(replaying, 0, seconds);
    if (!w.ok()) return w.error();
    f.replay_seconds.push_back(seconds);
    std::cout << "  replay of every course, run " << run + 1 << ": " << Fixed(seconds, 3) << " s (" << w->entries.size()
              << " entries, " << w->patients << " patients)\n";
    if (run > 0) continue;
    if (w->patients != patients) return Error::Failed("worklist", "not every course was read");
    f.entries = w->entries.size();
    for (const app::WorkEntry& e : w->entries) {
      for (const app::WorkItem& i : e.items) {
        ++f.items_by_what[i.what];
        if (i.what == "cannot-assess" && i.detail.rfind("the stored course does not read", 0) == 0) {
          if (f.rebuild_failures++ == 0) std::cout << "  first course that does not rebuild: " << i.detail << "\n";
        }
      }
    }
  }
  f.replay_best = *std::min_element(f.replay_seconds.begin(), f.replay_seconds.end());
  // The first worklist of the day recomputes every stored answer (the data were stored without
  // them: as after midnight); the next ones read them.
  {
    auto w = timed(today, 0, f.first_of_day_seconds);
    if (!w.ok()) return w.error();
    if (w->entries.size() != f.entries) return Error::Failed("worklist", "the stored worklist differs from the replay");
  }
  for (int run = 0; run < kWorklistRuns; ++run) {
    double seconds = 0;
    auto w = timed(today, 0, seconds);
    if (!w.ok()) return w.error();
    f.seconds.push_back(seconds);
    auto page = timed(today, 50, seconds);
    if (!page.ok()) return page.error();
    f.page_seconds.push_back(seconds);
  }
  f.best = *std::min_element(f.seconds.begin(), f.seconds.end());
  f.page_best = *std::min_element(f.page_seconds.begin(), f.page_seconds.end());

  // A split of the replay's cost: the store's part alone (reading and rebuilding every course),
  // without the evaluation.
  t = Clock::now();
  Status s = store.CoursesBetween(k, as_of, 0, std::numeric_limits<int64_t>::max(),
                                  [](const store::PatientRecord&, const Result<store::StoredCourse>&) {});
  f.rebuild_seconds = SecondsSince(t);
  if (!s.ok()) return s.error();

  std::cout << "  replay: best of " << kWorklistRuns << " " << Fixed(f.replay_best, 3)
            << " s, of which the store (reading and rebuilding the courses) " << Fixed(f.rebuild_seconds, 3)
            << " s, timed once more on its own\n"
            << "  stored answers: the day's first worklist (recomputing every answer) "
            << Fixed(f.first_of_day_seconds, 3) << " s; then the full worklist, best of " << kWorklistRuns << " "
            << Fixed(f.best, 3) << " s (target < 2 s: " << (f.best < 2 ? "met" : "NOT MET") << "; "
            << Fixed(f.replay_best / f.best, 1) << " times faster than the replay); its first page of 50 "
            << Fixed(f.page_best * 1000, 1) << " ms (target < 200 ms: " << (f.page_best < 0.2 ? "met" : "NOT MET")
            << ")\n  " << f.entries << " entries; items:";
  for (const auto& [what, n] : f.items_by_what) std::cout << " " << what << " " << n;
  std::cout << "\n  courses that do not rebuild: " << f.rebuild_failures << "\n";
  if (f.rebuild_failures != 0) return Error::Failed("worklist data", "some generated courses do not rebuild");
  return f;
}

int Usage() {
  std::cerr << "usage: lenacare_store_bench [--observations N] [--worklist-patients N]\n";
  return 2;
}

int Main(int argc, char** argv) {
  int64_t observations = 1'000'000;
  int64_t worklist_patients = 10'000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--observations" || arg == "--worklist-patients") && i + 1 < argc) {
      const std::string_view v = argv[++i];
      int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n < 1) return Usage();
      (arg == "--observations" ? observations : worklist_patients) = n;
    } else {
      return Usage();
    }
  }
  auto k = LoadKnowledge(LENACARE_BENCH_KNOWLEDGE_DIR);
  if (!k.ok()) {
    std::cerr << "lenacare_store_bench: " << k.error().Describe() << "\n";
    return 2;
  }
  WorkDir dir;
  if (!dir.ok()) {
    std::cerr << "lenacare_store_bench: cannot create a temporary directory\n";
    return 2;
  }
  std::cout << "SQLite " << sqlite3_libversion() << "\n";
  auto import = RunImportBenchmark(*k, dir, observations);
  if (!import.ok()) {
    std::cerr << "lenacare_store_bench: FAILED: " << import.error().Describe() << "\n";
    return 1;
  }
  auto worklist = RunWorklistBenchmark(*k, dir, worklist_patients);
  if (!worklist.ok()) {
    std::cerr << "lenacare_store_bench: FAILED: " << worklist.error().Describe() << "\n";
    return 1;
  }
  const ImportFigures& i = *import;
  const WorklistFigures& w = *worklist;
  nlohmann::json out = {
      {"observations", i.observations},
      {"ndjson_bytes", i.ndjson_bytes},
      {"import_seconds", i.import_seconds},
      {"import_resources_per_s", i.import_rate()},
      {"import_mb_per_s", static_cast<double>(i.ndjson_bytes) / 1e6 / i.import_seconds},
      {"plain_rows_per_s", i.plain_rate()},
      {"import_plain_ratio", i.ratio()},
      {"worklist_patients", w.patients},
      {"worklist_events", w.events},
      {"worklist_seconds", w.seconds},
      {"worklist_best_seconds", w.best},
      {"worklist_first_page_best_seconds", w.page_best},
      {"worklist_first_of_day_seconds", w.first_of_day_seconds},
      {"worklist_replay_seconds", w.replay_seconds},
      {"worklist_replay_best_seconds", w.replay_best},
      {"worklist_rebuild_seconds", w.rebuild_seconds},
      {"worklist_entries", w.entries},
      {"worklist_rebuild_failures", w.rebuild_failures},
  };
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace
}  // namespace lenacare

int main(int argc, char** argv) { return lenacare::Main(argc, argv); }
