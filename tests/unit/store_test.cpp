// The store's test suite, run against both databases: SQLite (a temporary file) and a real
// PostgreSQL server (scripts/test starts one on loopback and sets LENACARE_TEST_POSTGRES_URL).
// The same tests, the same expectations: one repository interface, two implementations.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "app/import.h"
#include "app/worklist.h"
#include "course/course_json.h"
#include "course/evaluate.h"
#include "course/response_json.h"
#include "fhir/fhir_export.h"
#include "store/schema.h"
#include "store_support.h"
#include "test_support.h"
#include "wire/json.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::AddPatient;
using testing::K;
using testing::LoadCourse;
using testing::RecordEvent;
using testing::StartCourse;
using testing::TestClock;
using testing::TestContext;
using testing::TestDatabase;

// The import as the tests run it: as "tester", on the test clock's today.
Result<app::ImportSummary> ImportFiles(store::Store& store, const std::vector<std::string>& paths) {
  app::ImportRequest r;
  r.paths = paths;
  auto imported = app::Import(TestContext(&store), r);
  if (!imported.ok()) return imported.error();
  return imported->summary;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam());
    if (!db_->available()) {
      if (testing::PostgresRequired()) FAIL() << "LENACARE_REQUIRE_POSTGRES=1 but no LENACARE_TEST_POSTGRES_URL";
      GTEST_SKIP() << "no PostgreSQL server (set LENACARE_TEST_POSTGRES_URL; scripts/test starts one)";
    }
    store_ = db_->Open();
    ASSERT_NE(store_, nullptr);
  }

  void Write(const std::string& name, const std::string& text) { std::ofstream(db_->dir() + "/" + name) << text; }
  std::string Path(const std::string& name) const { return db_->dir() + "/" + name; }

  // Adds patient `ref` with an mm course from 2026-01-05 at 25 mg.
  void AddMmPatient(const std::string& ref) {
    store::PatientRecord p;
    p.ref = ref;
    p.sex = "male";
    p.birth_date = "1955-04-02";
    ASSERT_TRUE(AddPatient(*store_, p).ok());
    auto c = StartCourse(*store_, ref, R"({"indication":"mm","start_date":"2026-01-05","starting_dose_mg":25})");
    ASSERT_TRUE(c.ok()) << c.error().Describe();
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// --- The connection -----------------------------------------------------------------------------

// A statement run Later (PostgreSQL sends it with the next one, in one round trip) fails the
// transaction it is in, wherever that is reported, and nothing of the transaction stays; the
// connection is usable at once. A transaction whose BEGIN was never sent ends cleanly.
TEST_P(StoreTest, AStatementRunLaterThatFailsFailsItsTransactionAndLeavesNothing) {
  store::Connection& db = store_->db();
  ASSERT_TRUE(db.ExecScript("CREATE TABLE later_t (id BIGINT PRIMARY KEY, note TEXT NOT NULL)").ok());
  auto count = [&] { return *store::QueryInt(db, "SELECT count(*) FROM later_t", {}); };
  // Reported by the next statement.
  ASSERT_TRUE(db.Begin().ok());
  ASSERT_TRUE(db.Run("INSERT INTO later_t (id, note) VALUES (1, 'a')", {}).ok());
  Status later = db.Later("INSERT INTO later_t (id, note) VALUES (1, 'again')", {});  // a duplicate key
  Status next = later;
  if (later.ok()) {
    auto run = db.Run("INSERT INTO later_t (id, note) VALUES (2, 'b')", {});
    if (!run.ok()) next = run.error();
  }
  EXPECT_FALSE(next.ok());
  ASSERT_TRUE(db.Rollback().ok());
  EXPECT_EQ(count(), 0);
  // Reported by the commit.
  ASSERT_TRUE(db.Begin().ok());
  ASSERT_TRUE(db.Run("INSERT INTO later_t (id, note) VALUES (1, 'a')", {}).ok());
  later = db.Later("INSERT INTO later_t (id, note) VALUES (?, ?)", {int64_t{3}, std::monostate{}});  // NOT NULL
  Status committed = later.ok() ? db.Commit() : later;
  EXPECT_FALSE(committed.ok());
  if (later.ok()) {
    EXPECT_NE(committed.error().message.find("not-null"), std::string::npos) << committed.error().Describe();
  } else {
    ASSERT_TRUE(db.Rollback().ok());  // SQLite ran it at once
  }
  EXPECT_EQ(count(), 0);
  // Statements that work are all there, in order.
  ASSERT_TRUE(db.Begin().ok());
  ASSERT_TRUE(db.Later("INSERT INTO later_t (id, note) VALUES (1, 'a')", {}).ok());
  ASSERT_TRUE(db.Later("UPDATE later_t SET note = 'b' WHERE id = 1", {}).ok());
  EXPECT_EQ(*store::QueryInt(db, "SELECT count(*) FROM later_t WHERE note = 'b'", {}), 1);
  ASSERT_TRUE(db.Later("UPDATE later_t SET note = 'c' WHERE id = 1", {}).ok());
  ASSERT_TRUE(db.Commit().ok());
  EXPECT_EQ(*store::QueryInt(db, "SELECT count(*) FROM later_t WHERE note = 'c'", {}), 1);
  // A transaction that sent nothing.
  ASSERT_TRUE(db.Begin().ok());
  ASSERT_TRUE(db.Commit().ok());
  ASSERT_TRUE(db.Begin().ok());
  ASSERT_TRUE(db.Rollback().ok());
  ASSERT_TRUE(db.BeginRead().ok());
  EXPECT_EQ(count(), 1);
  ASSERT_TRUE(db.Commit().ok());
}

// --- Schema and migrations --------------------------------------------------------------------

TEST_P(StoreTest, OpensAtTheLatestSchemaVersionAndReopensUnchanged) {
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, store::LatestSchemaVersion());
  EXPECT_GE(store::LatestSchemaVersion(), 2);
  const std::string before = testing::DumpTables(*store_);
  store_.reset();
  store_ = db_->Open();
  EXPECT_EQ(testing::DumpTables(*store_), before);
}

TEST_P(StoreTest, UpgradesAVersionOneDatabaseInPlace) {
  TestDatabase fresh(GetParam());
  auto old = store::Store::OpenUnmigrated(fresh.target(), TestClock(), fresh.audit());
  ASSERT_TRUE(old.ok()) << old.error().Describe();
  ASSERT_TRUE((*old)->Migrate(1).ok());
  EXPECT_EQ(*(*old)->SchemaVersion(), 1);
  // Data written by version 1 ...
  ASSERT_TRUE(
      (*old)
          ->Transaction([&]() -> Status {
            bool changed = false;
            auto id = (*old)->UpsertPatient({0, "OLD-1", "Old Patient", "female", "1950-01-01", "{}"}, changed);
            if (!id.ok()) return id.error();
            // A course and events as version 1 stored them (no "plain" column yet).
            auto c = (*old)->db().Run(
                "INSERT INTO courses (patient_id, indication, start_date, header) VALUES (?, 'mm', "
                "'2026-01-05', '{\"indication\":\"mm\",\"start_date\":\"2026-01-05\",\"starting_dose_mg\":25}')",
                {*id});
            if (!c.ok()) return c.error();
            const char* rows[][4] = {
                {"2026-01-12", "lab", "anc", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.8 10*9/L"})"},
                {"2026-01-12", "lab", "platelets",
                 R"({"date":"2026-01-12","type":"lab","test":"platelets","value":"150 10*9/L","note":"x"})"},
                {"2026-01-13", "dose-missed", nullptr,
                 R"({"date":"2026-01-13","type":"dose-missed","reason":"nausea"})"}};
            const double values[] = {0.8, 150, 0};
            for (int i = 0; i < 3; ++i) {
              auto e = (*old)->db().Run(
                  "INSERT INTO events (patient_id, date, type, test, value, body) VALUES (?, ?, ?, ?, ?, ?)",
                  {*id, std::string_view(rows[i][0]), std::string_view(rows[i][1]),
                   rows[i][2] ? store::Value(std::string_view(rows[i][2])) : store::Value(std::monostate{}),
                   rows[i][2] ? store::Value(values[i]) : store::Value(std::monostate{}),
                   std::string_view(rows[i][3])});
              if (!e.ok()) return e.error();
            }
            return Status::Ok();
          })
          .ok());
  // ... is there after the upgrade, and version 2's append-only rule holds.
  auto upgraded = store::Store::Open(fresh.target(), TestClock(), fresh.audit());
  ASSERT_TRUE(upgraded.ok()) << upgraded.error().Describe();
  EXPECT_EQ(*(*upgraded)->SchemaVersion(), store::LatestSchemaVersion());
  auto p = (*upgraded)->ShowPatient("tester", "OLD-1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "Old Patient");
  // Only the row whose text says nothing beyond its columns is marked plain, and the course the
  // version-1 rows make is the same as before.
  EXPECT_EQ(*store::QueryInt((*upgraded)->db(), "SELECT count(*) FROM events WHERE plain = 1", {}), 1);
  auto course = LoadCourse(**upgraded, "OLD-1", Date::FromCivil(2026, 1, 14));
  ASSERT_TRUE(course.ok()) << course.error().Describe();
  ASSERT_EQ(course->course.events.size(), 3u);
  // Migration 9 gives the course a stored worklist answer, stale until it is computed.
  EXPECT_EQ(*store::QueryInt((*upgraded)->db(), "SELECT count(*) FROM course_status WHERE computed_on IS NULL", {}), 1);
  auto w = app::BuildWorklist(TestContext(upgraded->get()), {"", 366, 0, ""});
  ASSERT_TRUE(w.ok()) << w.error().Describe();
  ASSERT_EQ(w->entries.size(), 1u);
  EXPECT_EQ(w->entries[0].patient.ref, "OLD-1");
  // The worklist computed it in its read (writing nothing); a refresh stores it.
  ASSERT_TRUE(app::RefreshWorklist(K(), **upgraded, TestClock().Today()).ok());
  EXPECT_EQ(*store::QueryInt((*upgraded)->db(), "SELECT count(*) FROM course_status WHERE computed_on IS NULL", {}), 0);
  EXPECT_EQ(course->course.events[1].note, "x");
  EXPECT_EQ(course->course.events[2].note, "nausea");
  EXPECT_EQ(Evaluate(K(), course->course, Date::FromCivil(2026, 1, 14)).status, CourseStatus::kInterrupted);
  auto edit = (*upgraded)->db().Run("UPDATE audit SET actor = 'x'", {});
  ASSERT_TRUE(edit.ok() || edit.error().message.find("append-only") != std::string::npos);
  auto del = (*upgraded)->db().Run("DELETE FROM audit", {});
  ASSERT_FALSE(del.ok());
  EXPECT_NE(del.error().message.find("append-only"), std::string::npos) << del.error().message;
}

// --- Patients, courses, events ----------------------------------------------------------------

TEST_P(StoreTest, AddsListsAndShowsPatients) {
  AddMmPatient("MRN-2");
  store::PatientRecord p;
  p.ref = "MRN-1";
  p.name = "Ada Example";
  p.sex = "female";
  p.facts = R"({"weight":"58 kg","rems_category":"adult-female-can-become-pregnant"})";
  ASSERT_TRUE(AddPatient(*store_, p).ok());
  auto list = store_->ListPatients("tester");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].ref, "MRN-1");
  EXPECT_EQ((*list)[0].name, "Ada Example");
  EXPECT_EQ(json::parse((*list)[0].facts)["weight"], "58 kg");
  EXPECT_EQ((*list)[1].ref, "MRN-2");
}

TEST_P(StoreTest, RefusesBadPatientsWithTheFieldNamed) {
  AddMmPatient("MRN-1");
  struct Case {
    store::PatientRecord p;
    std::string field, message;
  } cases[] = {
      {{0, "MRN-1", "", "", "", "{}"}, "patient", "already exists"},
      {{0, "", "", "", "", "{}"}, "patient", "missing"},
      {{0, "X", "", "woman", "", "{}"}, "patient.sex", ""},
      {{0, "X", "", "", "2999-01-01", "{}"}, "patient.birth_date", "after"},
      {{0, "X", "", "", "", R"({"weight":"58"})"}, "patient.weight", "unit"},
      {{0, "X", "", "", "", R"({"height":"1 m"})"}, "patient.height", "unknown field"},
      {{0, "X", "", "", "", R"({"sex":"male"})"}, "facts.sex", "own option"},
      {{0, "X", "", "male", "", R"({"rems_category":"adult-female-can-become-pregnant"})"},
       "patient.rems_category",
       "contradicts"},
      {{0, "X", "", "", "", "[1]"}, "facts", "object"},
  };
  for (const Case& c : cases) {
    auto r = AddPatient(*store_, c.p);
    ASSERT_FALSE(r.ok()) << c.p.ref << " " << c.p.facts;
    EXPECT_EQ(r.error().kind, ErrorKind::kBadInput);
    EXPECT_EQ(r.error().field, c.field) << r.error().Describe();
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().Describe();
  }
  auto list = store_->ListPatients("tester");
  EXPECT_EQ(list->size(), 1u);  // nothing stored by the refused ones
}

TEST_P(StoreTest, RefusesBadEventsWithTheFieldNamedAndStoresNothing) {
  AddMmPatient("P1");
  store::PatientRecord bare;
  bare.ref = "P2";
  ASSERT_TRUE(AddPatient(*store_, bare).ok());
  struct Case {
    std::string ref, event, field, message;
  } cases[] = {
      {"P1", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.8 mg/dL"})", "event.value",
       "creatinine unit"},
      {"P1", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.8"})", "event.value", "unit"},
      {"P1", R"({"date":"2026-01-12","type":"lab","test":"sodium","value":"140 mmol/L"})", "event.test",
       "unknown test"},
      {"P1", R"({"date":"2026-01-02","type":"hold"})", "event.date", "before the start date"},
      {"P1", R"({"date":"2026-01-12","type":"nap"})", "event.type", "unknown event type"},
      {"P1", R"({"date":"2026-01-12","type":"dispense","days_supply":28})", "event.date", "before any prescription"},
      {"P1", R"({"date":"2026-13-12","type":"dose-taken"})", "event.date", ""},
      {"P1", R"({"date":"2026-01-12","type":"toxicity","term":"rash","grade":7})", "event.grade", "CTCAE grade"},
      {"P1", R"({"date":"2026-01-12","type":"resume","dose_mg":7})", "event.dose_mg", ""},
      {"P1", "{\"date\":\"2026-01-12\",\"type\":\"hold\",\"reason\":\"x'); DROP TABLE events; --\",\"x\":1}", "event.x",
       "unknown field"},
      {"P1", "not json", "event", "JSON"},
      {"P1", R"({"date":"2026-01-12","type":5})", "event.type", ""},
      {"P1", R"({"date":"2026-01-12"})", "event.type", "missing"},
      {"P2", R"({"date":"2026-01-12","type":"hold"})", "patient", "no therapy course"},
      {"P9", R"({"date":"2026-01-12","type":"hold"})", "patient", "no patient 'P9'"},
  };
  for (const Case& c : cases) {
    auto r = RecordEvent(*store_, c.ref, c.event);
    ASSERT_FALSE(r.ok()) << c.event;
    EXPECT_EQ(r.error().field, c.field) << c.event << " -> " << r.error().Describe();
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << c.event << " -> " << r.error().Describe();
  }
  auto events = store_->ListEvents("tester", "P1");
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  // A name with SQL in it is data, not SQL.
  auto ok = RecordEvent(*store_, "P1", R"({"date":"2026-01-12","type":"hold","reason":"x'); DROP TABLE events; --"})");
  ASSERT_TRUE(ok.ok()) << ok.error().Describe();
  EXPECT_EQ(store_->ListEvents("tester", "P1")->size(), 1u);
}

TEST_P(StoreTest, ALabBeforeTheStartIsABaselineResultAndLaterEventsWaitForTheirDate) {
  AddMmPatient("P1");
  ASSERT_TRUE(
      RecordEvent(*store_, "P1", R"({"date":"2026-01-02","type":"lab","test":"platelets","value":"140 K/uL"})").ok());
  ASSERT_TRUE(
      RecordEvent(*store_, "P1", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.8 10*9/L"})").ok());
  auto early = LoadCourse(*store_, "P1", Date::FromCivil(2026, 1, 10));
  ASSERT_TRUE(early.ok()) << early.error().Describe();
  ASSERT_EQ(early->course.events.size(), 1u);
  EXPECT_LT(early->course.events[0].index, 0);  // baseline
  EXPECT_DOUBLE_EQ(early->course.events[0].value, 140);
  auto later = LoadCourse(*store_, "P1", Date::FromCivil(2026, 1, 13));
  ASSERT_EQ(later->course.events.size(), 2u);
  EXPECT_EQ(Evaluate(K(), later->course, Date::FromCivil(2026, 1, 13)).status, CourseStatus::kInterrupted);
  EXPECT_EQ(Evaluate(K(), early->course, Date::FromCivil(2026, 1, 10)).status, CourseStatus::kTaking);
}

TEST_P(StoreTest, APatientWithoutACourseCannotBeAssessed) {
  store::PatientRecord p;
  p.ref = "P1";
  ASSERT_TRUE(AddPatient(*store_, p).ok());
  auto c = LoadCourse(*store_, "P1", Date::FromCivil(2026, 1, 10));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kCannotAssess);
  // A lab with no course yet is kept as a baseline result.
  EXPECT_TRUE(RecordEvent(*store_, "P1", R"({"date":"2026-01-02","type":"lab","test":"anc","value":"2 10*9/L"})").ok());
}

// Every scenario course of tests/scenarios and tests/rems-scenarios, stored event by event and
// rebuilt, gets the same answers from the engine as its course file at each of its check dates.
TEST_P(StoreTest, AStoredCourseGetsTheSameAnswersAsItsCourseFile) {
  int compared = 0, n = 0;
  for (const std::string dir : {"scenarios", "rems-scenarios"}) {
    const std::string root = testing::TestDataDir() + "/" + dir;
    for (const std::string& file : testing::JsonFilesUnder(root)) {
      std::ifstream in(root + "/" + file);
      const json scenario = json::parse(in);
      const json& course_file = scenario["course"];
      auto from_file = ParseCourseJson(K(), course_file.dump());
      ASSERT_TRUE(from_file.ok()) << file;
      const std::string ref = "S" + std::to_string(n++);
      ASSERT_TRUE(testing::StoreCourseFile(*store_, ref, course_file)) << file;
      for (const json& check : scenario["checks"]) {
        auto as_of = Date::Parse(check["as_of"].get<std::string>());
        ASSERT_TRUE(as_of.ok());
        // The file's course with the events up to the date, as the scenario runner evaluates it.
        Course expected = *from_file;
        std::erase_if(expected.events, [&](const Event& e) { return e.date > *as_of; });
        auto stored = LoadCourse(*store_, ref, *as_of);
        ASSERT_TRUE(stored.ok()) << file << ": " << stored.error().Describe();
        EXPECT_EQ(testing::EngineSummary(stored->course, *as_of), testing::EngineSummary(expected, *as_of))
            << file << " as of " << as_of->ToString();
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 50);
}

// --- Audit ------------------------------------------------------------------------------------

TEST_P(StoreTest, EveryReadAndWriteIsAuditedAndTheChainVerifies) {
  AddMmPatient("P1");
  ASSERT_TRUE(RecordEvent(*store_, "P1", R"({"date":"2026-01-12","type":"dose-taken"})").ok());
  ASSERT_TRUE(LoadCourse(*store_, "P1", Date::FromCivil(2026, 1, 12)).ok());
  ASSERT_TRUE(store_->ShowPatient("tester", "P1").ok());
  auto log = store_->AuditLog(100);
  ASSERT_TRUE(log.ok());
  std::vector<std::string> actions;
  for (const auto& e : *log) {
    actions.push_back(e.action + " " + e.subject);
    EXPECT_EQ(e.actor, "tester");
    EXPECT_EQ(e.at.size(), 24u) << e.at;
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"patient.add P1", "course.start P1", "event.record P1", "course.read P1",
                                               "patient.read P1"}));
  auto check = store_->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_EQ(check->entries, 5);
}

// The database refuses UPDATE and DELETE on the log; someone who removes that rule and edits a
// row by hand is caught by the hash chain.
TEST_P(StoreTest, EditingOneAuditRowByHandMakesVerifyFail) {
  AddMmPatient("P1");
  AddMmPatient("P2");
  auto refused = store_->db().Run("UPDATE audit SET actor = 'mallory' WHERE seq = 2", {});
  ASSERT_FALSE(refused.ok());
  const char* drop = store_->db().dialect() == store::Dialect::kPostgres ? "DROP TRIGGER audit_no_update ON audit"
                                                                         : "DROP TRIGGER audit_no_update";
  ASSERT_TRUE(store_->db().ExecScript(drop).ok());
  ASSERT_TRUE(store_->VerifyAudit()->ok);
  auto edited = store_->db().Run("UPDATE audit SET subject = 'P9' WHERE seq = 2", {});
  ASSERT_TRUE(edited.ok()) << edited.error().Describe();
  ASSERT_EQ(*edited, 1);
  auto check = store_->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->problem, "entry 2: its contents do not match its hash (edited)");
}

TEST_P(StoreTest, DeletingAuditRowsMakesVerifyFail) {
  AddMmPatient("P1");
  AddMmPatient("P2");
  const char* drop = store_->db().dialect() == store::Dialect::kPostgres ? "DROP TRIGGER audit_no_update ON audit"
                                                                         : "DROP TRIGGER audit_no_delete";
  ASSERT_TRUE(store_->db().ExecScript(drop).ok());
  ASSERT_TRUE(store_->db().Run("DELETE FROM audit WHERE seq = 4", {}).ok());  // the last entry
  EXPECT_NE(store_->VerifyAudit()->problem.find("entries deleted or head edited"), std::string::npos);
  ASSERT_TRUE(store_->db().Run("DELETE FROM audit WHERE seq = 2", {}).ok());  // one in the middle
  EXPECT_EQ(store_->VerifyAudit()->problem, "entry 2 is missing (deleted)");
}

// --- FHIR import and export -------------------------------------------------------------------

int64_t Skipped(const app::ImportSummary& s, const std::string& reason) {
  auto it = s.skipped_by_reason.find(reason);
  return it == s.skipped_by_reason.end() ? 0 : it->second;
}

std::string SyntheaDir() { return testing::TestDataDir() + "/data/synthea-10-patients"; }

int64_t Count(store::Store& s, const std::string& sql) {
  auto n = store::QueryInt(s.db(), sql, {}, -1);
  EXPECT_TRUE(n.ok());
  return n.ok() ? *n : -1;
}

// Public sample data no one on the team wrote: ten Synthea patients with 2,485 resources of
// types lenacare mostly does not use. Everything is read, the patients are stored, the rest is
// counted and skipped, nothing stops the import.
TEST_P(StoreTest, ImportsAPublicSyntheaBulkExport) {
  auto sum = ImportFiles(*store_, {SyntheaDir()});
  ASSERT_TRUE(sum.ok()) << sum.error().Describe();
  EXPECT_EQ(sum->files, 5);
  EXPECT_EQ(sum->resources, 2485);
  EXPECT_EQ(sum->resources, sum->written + sum->unchanged + sum->skipped + sum->invalid);
  EXPECT_EQ(Skipped(*sum, "Immunization (not used)"), 161);
  EXPECT_EQ(Skipped(*sum, "AllergyIntolerance (not used)"), 11);
  EXPECT_EQ(Skipped(*sum, "MedicationRequest of another drug (not used)"), 1745);
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM patients"), 13);
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM patients WHERE sex = '' OR birth_date = ''"), 0);
  EXPECT_EQ(sum->invalid, 0) << (sum->problems.empty() ? "" : sum->problems[0]);
  EXPECT_TRUE(store_->VerifyAudit()->ok);
}

TEST_P(StoreTest, ImportingTheSameDataTwiceLeavesTheDatabaseUnchanged) {
  Write(
      "Observation.000.ndjson",
      R"({"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"751-8"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-01-12T08:00:00Z","valueQuantity":{"value":0.8,"unit":"10^9/L","system":"http://unitsofmeasure.org","code":"10*9/L"}})"
      "\n"
      R"({"resourceType":"Observation","id":"o2","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"777-3"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-01-12","valueQuantity":{"value":45,"unit":"K/uL"}})"
      "\n");
  auto first = ImportFiles(*store_, {SyntheaDir(), Path("Observation.000.ndjson")});
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  EXPECT_GT(first->written, 10);
  const std::string before = testing::DumpTables(*store_);
  auto second = ImportFiles(*store_, {SyntheaDir(), Path("Observation.000.ndjson")});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->written, 0);
  EXPECT_EQ(second->unchanged, first->written);
  EXPECT_EQ(testing::DumpTables(*store_), before);
}

TEST_P(StoreTest, InvalidResourcesAreReportedWithFileAndLineAndTheRestIsImported) {
  const std::string obs =
      R"({"resourceType":"Observation","id":"ID","status":"STATUS","code":{"coding":[{"system":"http://loinc.org","code":"CODE"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-01-12",VALUE})";
  auto make = [&](const std::string& id, const std::string& status, const std::string& code, const std::string& value) {
    std::string s = obs;
    s.replace(s.find("ID"), 2, id);
    s.replace(s.find("STATUS"), 6, status);
    s.replace(s.find("CODE"), 4, code);
    s.replace(s.find("VALUE"), 5, value);
    return s + "\n";
  };
  Write("labs.ndjson",
        make("a", "final", "751-8", R"("valueQuantity":{"value":1.2,"unit":"10*9/L"})") +     // 1 ok
            "{not json\n" +                                                                   // 2
            make("b", "final", "751-8", R"("valueQuantity":{"value":1.2,"unit":"mg/dL"})") +  // 3
            make("c", "final", "751-8", R"("valueQuantity":{"value":0.1,"comparator":"<","unit":"10*9/L"})") +
            make("d", "preliminary", "751-8", R"("valueQuantity":{"value":1,"unit":"10*9/L"})") +  // 5
            make("e", "final", "8302-2", R"("valueQuantity":{"value":170,"unit":"cm"})") +         // 6
            make("f", "final", "777-3", R"("valueQuantity":{"value":-3,"unit":"10*9/L"})") +       // 7
            "\n" +                                                                                 // 8
            make("g", "final", "718-7", R"("valueQuantity":{"value":9.5,"unit":"g/dL"})"));        // 9 ok
  auto sum = ImportFiles(*store_, {Path("labs.ndjson")});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->resources, 8);
  EXPECT_EQ(sum->written, 2);
  EXPECT_EQ(sum->skipped, 2);
  ASSERT_EQ(sum->invalid, 4);
  const std::string f = Path("labs.ndjson");
  EXPECT_EQ(sum->problems[0].rfind(f + ":2: not valid JSON", 0), 0u) << sum->problems[0];
  EXPECT_EQ(sum->problems[1].rfind(f + ":3: Observation/b: value: unit 'mg/dL'", 0), 0u) << sum->problems[1];
  EXPECT_EQ(sum->problems[2].rfind(f + ":4: Observation/c: valueQuantity has a comparator", 0), 0u) << sum->problems[2];
  EXPECT_EQ(sum->problems[3].rfind(f + ":7: Observation/f: value:", 0), 0u) << sum->problems[3];
  EXPECT_EQ(Skipped(*sum, "Observation with status 'preliminary' (only final results are used)"), 1);
  EXPECT_EQ(Skipped(*sum, "Observation LOINC 8302-2 (not used)"), 1);
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM events"), 2);
  // Both labs say nothing beyond their columns: courses read them from the index.
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM events WHERE plain = 1"), 2);
}

TEST_P(StoreTest, ImportsLenalidomideOrdersDispensesAndDiagnosesAndSkipsOtherDrugs) {
  Write("b.json", R"({"resourceType":"Bundle","type":"collection","entry":[
    {"fullUrl":"urn:uuid:p7","resource":{"resourceType":"Patient","id":"p7","gender":"female","birthDate":"1958-02-03","name":[{"given":["Eva"],"family":"Lind"}]}},
    {"resource":{"resourceType":"Condition","id":"c1","code":{"coding":[{"system":"http://snomed.info/sct","code":"109989006"}]},"subject":{"reference":"urn:uuid:p7"},"onsetDateTime":"2025-12-01"}},
    {"resource":{"resourceType":"Condition","id":"c2","verificationStatus":{"coding":[{"code":"refuted"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"443487006"}]},"subject":{"reference":"Patient/p7"}}},
    {"resource":{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"342369"}]},"subject":{"reference":"Patient/p7"},"authoredOn":"2026-01-02","dispenseRequest":{"numberOfRepeatsAllowed":0,"expectedSupplyDuration":{"value":28,"unit":"days"}}}},
    {"resource":{"resourceType":"MedicationRequest","id":"m2","status":"active","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"342369"}]},"subject":{"reference":"Patient/p7"},"authoredOn":"2026-01-02"}},
    {"resource":{"resourceType":"MedicationRequest","id":"m3","status":"active","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1191"}]},"subject":{"reference":"Patient/p7"}}},
    {"resource":{"resourceType":"MedicationDispense","id":"d1","status":"completed","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"342369"}]},"subject":{"reference":"Patient/p7"},"whenHandedOver":"2026-01-03T10:00:00Z","daysSupply":{"value":28}}}
  ]})");
  auto sum = ImportFiles(*store_, {Path("b.json")});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->written, 3);  // patient, condition, prescription
  EXPECT_EQ(sum->invalid, 2);  // m2: no supply duration; d1: refused (no course, REMS checklist not met)
  EXPECT_NE(sum->problems[0].find("MedicationRequest/m2: dispenseRequest.expectedSupplyDuration missing"),
            std::string::npos);
  EXPECT_NE(sum->problems[1].find("MedicationDispense/d1: event: not recorded: the patient has no therapy course"),
            std::string::npos)
      << sum->problems[1];
  EXPECT_EQ(Skipped(*sum, "Condition refuted"), 1);
  EXPECT_EQ(Skipped(*sum, "MedicationRequest of another drug (not used)"), 1);
  auto p = store_->ShowPatient("tester", "p7");
  EXPECT_EQ(p->name, "Eva Lind");
  EXPECT_EQ(*store_->ConditionIndications(p->id), std::vector<std::string>{"mm"});
  auto events = store_->ListEvents("tester", "p7");
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(json::parse((*events)[0].body),
            json::parse(R"({"date":"2026-01-02","type":"prescription","days_supply":28,"refills":0})"));
}

// An exported Bundle imports into another database as the same course: the same engine answers,
// and exporting it again gives the same Bundle.
TEST_P(StoreTest, AnExportedBundleImportsBackToTheSameCourse) {
  const std::string root = testing::TestDataDir() + "/rems-scenarios";
  std::ifstream in(root + "/female-can-become-pregnant-first-month.json");
  const json scenario = json::parse(in);
  ASSERT_TRUE(testing::StoreCourseFile(*store_, "F1", scenario["course"]));
  ASSERT_TRUE(
      RecordEvent(
          *store_, "F1",
          R"({"date":"2025-03-10","type":"lab","test":"anc","value":"1.1 10*9/L","lln":"1.8 10*9/L","note":"weekly"})")
          .ok());
  auto bundle = fhir::ExportPatient(*store_, K(), "F1", "tester");
  ASSERT_TRUE(bundle.ok()) << bundle.error().Describe();
  std::set<std::string> types;
  for (const json& e : (*bundle)["entry"]) types.insert(e["resource"]["resourceType"].get<std::string>());
  // Standard R4 resources only (no Basic): the course a CarePlan, counselling a Procedure, the REMS
  // numbers Tasks, contraception and pregnancy tests Observations.
  EXPECT_EQ(types,
            (std::set<std::string>{"Patient", "CarePlan", "Procedure", "Task", "Observation", "MedicationRequest"}));
  Write("bundle.json", bundle->dump());

  TestDatabase other(GetParam());
  auto copy = other.Open();
  ASSERT_NE(copy, nullptr);
  auto sum = ImportFiles(*copy, {Path("bundle.json")});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->invalid, 0) << (sum->problems.empty() ? "" : sum->problems[0]);
  for (const json& check : scenario["checks"]) {
    const Date as_of = *Date::Parse(check["as_of"].get<std::string>());
    auto a = LoadCourse(*store_, "F1", as_of);
    auto b = LoadCourse(*copy, "F1", as_of);
    ASSERT_TRUE(a.ok() && b.ok()) << (b.ok() ? "" : b.error().Describe());
    EXPECT_EQ(testing::EngineSummary(b->course, as_of), testing::EngineSummary(a->course, as_of));
  }
  auto again = fhir::ExportPatient(*copy, K(), "F1", "tester");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->dump(2), bundle->dump(2));
}

// Myeloma response markers: imported from LOINC-coded Observations, checked by the response
// series reader, kept out of the course, and turned into a worklist item when the latest
// category is a change that awaits its confirming assessment (IMWG: two consecutive).
TEST_P(StoreTest, ResponseMarkersMakeAResponseItemUntilTheChangeIsConfirmed) {
  AddMmPatient("M1");
  auto marker = [&](const std::string& id, const std::string& date, double value) {
    return R"({"resourceType":"Observation","id":")" + id +
           R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"33358-3"}]},"subject":{"reference":"Patient/M1"},"effectiveDateTime":")" +
           date + R"(","valueQuantity":{"value":)" + std::to_string(value) +
           R"(,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}})" + "\n";
  };
  Write(
      "m.ndjson",
      marker("m0", "2026-01-05", 3.0) + marker("m1", "2026-02-02", 1.2) +
          R"({"resourceType":"Observation","id":"bad","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"33358-3"}]},"subject":{"reference":"Patient/M1"},"effectiveDateTime":"2026-02-02","valueQuantity":{"value":1,"unit":"mg/L"}})"
          "\n");
  auto sum = ImportFiles(*store_, {Path("m.ndjson")});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->written, 2);
  ASSERT_EQ(sum->invalid, 1);
  EXPECT_NE(sum->problems[0].find("Observation/bad: event.value"), std::string::npos) << sum->problems[0];
  auto c = LoadCourse(*store_, "M1", Date::FromCivil(2026, 2, 3));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->markers.size(), 2u);
  EXPECT_TRUE(c->course.events.empty());  // markers are not course events

  auto response_items = [&](Date as_of) {
    std::vector<std::string> out;
    auto w = app::BuildWorklist(TestContext(store_.get()), {as_of.ToString(), 0, 0, ""});
    EXPECT_TRUE(w.ok());
    for (const auto& e : w->entries) {
      for (const auto& i : e.items) {
        if (i.what == "response") out.push_back(i.detail);
      }
    }
    return out;
  };
  // The category is the classifier's for the same series, written as a series file.
  auto criteria = LoadResponseCriteria(K().root, "IMWG-2016", K().vocab());
  ASSERT_TRUE(criteria.ok());
  auto series = ParseResponseSeries(K().units, R"({"criteria":"IMWG-2016",
      "baseline":{"date":"2026-01-05","serum_m_protein":"3 g/dL"},
      "assessments":[{"date":"2026-02-02","serum_m_protein":"1.2 g/dL"}]})");
  ASSERT_TRUE(series.ok());
  const ResponseAnswer expected = ClassifyResponse(*criteria, *series);
  ASSERT_EQ(expected.assessments.size(), 1u);
  EXPECT_NE(expected.assessments[0].category, ResponseCategory::kSD);
  EXPECT_EQ(response_items(Date::FromCivil(2026, 2, 3)),
            std::vector<std::string>{std::string(ResponseCategoryId(expected.assessments[0].category)) +
                                     " on 2026-02-02 awaits a confirming assessment of the same marker"});
  auto r = RecordEvent(*store_, "M1",
                       R"({"date":"2026-03-02","type":"marker","marker":"serum_m_protein","value":"1.1 g/dL"})");
  ASSERT_TRUE(r.ok()) << r.error().Describe();
  EXPECT_TRUE(response_items(Date::FromCivil(2026, 3, 3)).empty());
  auto bad = RecordEvent(*store_, "M1", R"({"date":"2026-03-02","type":"marker","marker":"igg","value":"1 g/dL"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "event.marker");
}

// --- Worklist ---------------------------------------------------------------------------------

TEST_P(StoreTest, TheWorklistPutsTheMostUrgentFirstAndLeavesOutWhoNeedsNothing) {
  const Date as_of = Date::FromCivil(2026, 1, 14);
  // HOLD: ANC 0.8 on day 8 interrupts; a recovery count is due.
  AddMmPatient("HOLD");
  ASSERT_TRUE(
      RecordEvent(*store_, "HOLD", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.8 10*9/L"})").ok());
  // LATE: no blood count since the start: the weekly count of cycle 1 is overdue.
  AddMmPatient("LATE");
  // OK: counts on time.
  AddMmPatient("OK");
  ASSERT_TRUE(
      RecordEvent(*store_, "OK", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"2.1 10*9/L"})").ok());
  ASSERT_TRUE(
      RecordEvent(*store_, "OK", R"({"date":"2026-01-12","type":"lab","test":"platelets","value":"210 10*9/L"})").ok());
  // None: a patient without a course is not on the worklist.
  store::PatientRecord none;
  none.ref = "NONE";
  ASSERT_TRUE(AddPatient(*store_, none).ok());

  auto w = app::BuildWorklist(TestContext(store_.get()), {as_of.ToString(), 3, 0, ""});
  ASSERT_TRUE(w.ok()) << w.error().Describe();
  EXPECT_EQ(w->patients, 3);
  std::vector<std::string> order;
  for (const auto& e : w->entries)
    order.push_back(e.patient.ref + ":" + std::string(app::UrgencyId(e.items[0].urgency)));
  // Each entry's first item is compared with the engine's own answer for that course.
  for (const auto& e : w->entries) {
    auto c = LoadCourse(*store_, e.patient.ref, as_of);
    const Assessment a = Evaluate(K(), c->course, as_of);
    if (e.items[0].urgency == app::Urgency::kHold) {
      EXPECT_EQ(a.status, CourseStatus::kInterrupted);
    }
    if (e.items[0].urgency == app::Urgency::kOverdue) {
      ASSERT_FALSE(a.tests_due.empty());
      EXPECT_TRUE(a.tests_due[0].overdue);
    }
  }
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.front(), "LATE:overdue");
  EXPECT_NE(std::find(order.begin(), order.end(), "HOLD:hold"), order.end());
  for (const std::string absent : {"NONE", "OK"}) {
    EXPECT_EQ(
        std::count_if(order.begin(), order.end(), [&](const std::string& s) { return s.rfind(absent + ":", 0) == 0; }),
        0)
        << absent;
  }
  auto j = wire::WorklistJson(*w);
  EXPECT_EQ(j["entries"][0]["patient"], "LATE");
  EXPECT_EQ(j["entries"][0]["items"][0]["what"], "cbc");
}

}  // namespace
}  // namespace lenacare
