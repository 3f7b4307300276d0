// Helpers for the store tests: a fresh database per test on SQLite (a temporary file) or on the
// real PostgreSQL server that scripts/test starts (a schema of its own per test, so tests running
// in parallel do not meet), and a summary of what the engine answers for a course, to compare a
// stored course with its course file.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/context.h"
#include "app/records.h"
#include "core/clock.h"
#include "course/course.h"
#include "store/store.h"

namespace lenacare::testing {

class TestDatabase {
 public:
  // backend: "sqlite" or "postgres". For postgres without LENACARE_TEST_POSTGRES_URL, available()
  // is false (the test skips, or fails when LENACARE_REQUIRE_POSTGRES=1).
  explicit TestDatabase(const std::string& backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  bool available() const { return !target_.empty(); }
  const std::string& target() const { return target_; }
  const std::string& dir() const { return dir_; }  // a temporary directory for files
  // The audit key and checkpoint files: for SQLite the defaults beside the file (created on
  // first open); for PostgreSQL, which has no default, a key and a checkpoint file in dir().
  const store::AuditFiles& audit() const { return audit_; }
  std::unique_ptr<store::Store> Open();
  std::unique_ptr<store::Store> Open(const Clock& clock);  // with another clock than TestClock()

 private:
  std::string backend_, target_, dir_, schema_, base_url_;
  store::AuditFiles audit_;
};

// Is the PostgreSQL server required (CI) rather than optional (a developer's machine)?
bool PostgresRequired();

// Everything Evaluate and the REMS checklist say for a course as of a date, as text.
std::string EngineSummary(const Course& course, Date as_of);

// The clock of the in-process tests: fixed at the day the test run started (UTC), so that a test
// never sees the date change under it.
const Clock& TestClock();
// A use case's context on `store` (may be null), acting as `actor`.
app::Context TestContext(store::Store* store, const std::string& actor = "tester");

// The use cases a test writes and reads records with, acting as "tester" (the knowledge of this
// source tree, the test clock).
Result<store::PatientRecord> AddPatient(store::Store& s, const store::PatientRecord& p);
Result<store::CourseRecord> StartCourse(store::Store& s, const std::string& ref, const std::string& header);
Result<store::EventRecord> RecordEvent(store::Store& s, const std::string& ref, const std::string& event_json);
Result<store::StoredCourse> LoadCourse(store::Store& s, const std::string& ref, Date as_of);

// Stores a course file (the docs/course-format.md JSON) for patient `ref` through the store's
// use cases' validating writes: the patient, the course, the baseline and each event. Fails the test on
// any error and returns false.
bool StoreCourseFile(store::Store& s, const std::string& ref, const nlohmann::json& course_file);

// Every row of the store's tables, as text, to compare a database before and after.
std::string DumpTables(store::Store& s);

}  // namespace lenacare::testing
