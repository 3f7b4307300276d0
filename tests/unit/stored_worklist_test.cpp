// The worklist kept up to date (issue 14, item 7): each course's answer is stored for the day it
// holds for (course_status), recomputed by the write that changes the course and, for every other
// course, once a day; today's worklist reads those answers in one indexed query. These tests hold
// it to the replay of every course (the worklist of another day, and of the code before): the same
// entries, items and order, for every look-ahead and every page. On SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "app/records.h"
#include "app/worklist.h"
#include "store_support.h"
#include "test_support.h"
#include "wire/json.h"

namespace lenacare {
namespace {

using nlohmann::json;

class StoredWorklistTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) {
      if (testing::PostgresRequired()) FAIL() << "PostgreSQL is required";
      GTEST_SKIP() << "no PostgreSQL";
    }
  }
  // A store whose clock says `today`.
  std::unique_ptr<store::Store> Open(const FixedClock& today) { return db_.Open(today); }
  static app::Context Ctx(store::Store& st, const Clock& clock) {
    return app::Context{testing::K(), clock, &st, "tester", app::Authority::Operator()};
  }
  // The worklist as JSON: `as_of` on a store whose clock says `today`.
  static json Worklist(store::Store& st, const Clock& clock, Date as_of, int ahead, int limit = 0,
                       const std::string& after = "") {
    auto w = app::BuildWorklist(Ctx(st, clock), {as_of.ToString(), ahead, limit, after});
    EXPECT_TRUE(w.ok()) << w.error().Describe();
    return w.ok() ? wire::WorklistJson(*w) : json();
  }
  // The replay of every course as of `day` (what the worklist of another day does).
  json Replay(store::Store& st, Date day, int ahead) {
    const FixedClock elsewhere(day.AddDays(1000));
    return Worklist(st, elsewhere, day, ahead);
  }
  // Every scenario course of tests/scenarios and tests/rems-scenarios, stored through the use
  // cases; the dates their checks name.
  std::set<std::string> StoreScenarios(store::Store& st, int max_files = 1000) {
    std::set<std::string> days;
    int n = 0;
    for (const std::string dir : {"scenarios", "rems-scenarios"}) {
      const std::string root = testing::TestDataDir() + "/" + dir;
      for (const std::string& file : testing::JsonFilesUnder(root)) {
        if (n >= max_files) return days;
        std::ifstream in(root + "/" + file);
        const json scenario = json::parse(in);
        EXPECT_TRUE(testing::StoreCourseFile(st, "S" + std::to_string(n++), scenario["course"])) << file;
        for (const json& check : scenario["checks"]) days.insert(check["as_of"].get<std::string>());
      }
    }
    return days;
  }
  // A man with a myeloma course from 2026-01-05 at 25 mg.
  static void AddMmPatient(store::Store& st, const std::string& ref) {
    store::PatientRecord p;
    p.ref = ref;
    p.sex = "male";
    p.birth_date = "1955-04-02";
    ASSERT_TRUE(testing::AddPatient(st, p).ok());
    ASSERT_TRUE(
        testing::StartCourse(st, ref, R"({"indication":"mm","start_date":"2026-01-05","starting_dose_mg":25})").ok());
  }
  // An answer with no items for patient `ref`, computed from `read` for `day`.
  static store::CourseStatus AnswerOf(const store::StatusVersion& read, Date day, const std::string& ref) {
    store::CourseStatus answer;
    answer.patient_id = read.patient_id;
    answer.version = read.version;
    answer.computed_on = day.ToString();
    answer.knowledge = testing::K().fingerprint;
    answer.ref = ref;
    answer.items = "[]";
    return answer;
  }
  static int64_t Count(store::Store& st, const std::string& sql) {
    auto n = store::QueryInt(st.db(), sql, {});
    EXPECT_TRUE(n.ok()) << n.error().Describe();
    return n.ok() ? *n : -1;
  }

  testing::TestDatabase db_{GetParam()};
};

TEST_P(StoredWorklistTest, TodaysWorklistEqualsTheReplayOfEveryCourseForEveryLookAheadAndPage) {
  const FixedClock first(Date::FromCivil(2026, 1, 5));
  auto setup = Open(first);
  const std::set<std::string> days = StoreScenarios(*setup);
  ASSERT_GE(days.size(), 10u);
  // A severe symptom and a resolved one: items of their own.
  ASSERT_TRUE(setup->AddSymptom("tester", "S0", {0, "2026-01-20", "rash", "severe", ""}).ok());
  setup.reset();
  int compared = 0, stale_days = 0;
  size_t i = 0;
  for (const std::string& text : days) {
    if (i++ % 3 != 0) continue;  // a third of the days keeps the test quick; they span the scenarios
    const Date day = *Date::Parse(text);
    const FixedClock today(day);
    auto st = Open(today);
    // The day turned: no stored answer holds for it until the worklist (or a refresh) recomputes.
    if (Count(*st, "SELECT count(*) FROM course_status WHERE computed_on = '" + text + "'") == 0) ++stale_days;
    // Fewer than a batch are stale: the worklist computes them in its read and merges them in.
    for (int ahead : {0, 7, 30}) {
      ASSERT_EQ(Worklist(*st, today, day, ahead), Replay(*st, day, ahead)) << text << ", merged, " << ahead;
    }
    // Then from the stored answers alone.
    ASSERT_TRUE(app::RefreshWorklist(testing::K(), *st, day).ok());
    for (int ahead : {0, 1, 3, 7, 10, 30, 366}) {
      const json stored = Worklist(*st, today, day, ahead);
      const json replayed = Replay(*st, day, ahead);
      ASSERT_EQ(stored, replayed) << text << ", " << ahead << " days ahead";
      // Pages of 4 make the same list, each resuming after the last entry of the one before.
      json pages = json::array();
      std::string after;
      for (int page = 0; page < 1000; ++page) {
        const json p = Worklist(*st, today, day, ahead, 4, after);
        for (const json& e : p["entries"]) pages.push_back(e);
        EXPECT_LE(p["entries"].size(), 4u);
        if (p["next"].is_null()) break;
        after = p["next"].get<std::string>();
      }
      EXPECT_EQ(pages, stored["entries"]) << text << ", " << ahead << " days ahead";
      ++compared;
    }
  }
  EXPECT_GE(compared, 20);
  EXPECT_GE(stale_days, 3);
}

// Regression for the replay: the worklist of 10,000 patients rebuilt every course (1.3 s), and of
// 100,000 took minutes; now a write stores its course's answer, in its own transaction.
TEST_P(StoredWorklistTest, AWriteStoresItsCoursesAnswerAndTheWorklistReadsIt) {
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto st = Open(today);
  app::KeepWorklist(*st, testing::K());
  AddMmPatient(*st, "HOLD");
  ASSERT_TRUE(
      testing::RecordEvent(*st, "HOLD", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.8 10*9/L"})")
          .ok());
  // Stored for today by the writes themselves: nothing is stale.
  auto stale = st->StaleStatuses(day.ToString(), testing::K().fingerprint, 10);
  ASSERT_TRUE(stale.ok());
  EXPECT_TRUE(stale->empty());
  EXPECT_EQ(Count(*st, "SELECT count(*) FROM course_status WHERE key_rank = 2"), 1);  // a hold
  const int64_t transactions = st->transactions();
  const json w = Worklist(*st, today, day, 7);
  // The worklist recomputed nothing: one read and its audit entry.
  EXPECT_EQ(st->transactions() - transactions, 2);
  ASSERT_EQ(w["entries"].size(), 1u);
  EXPECT_EQ(w["entries"][0]["items"][0]["urgency"], "hold");
  EXPECT_EQ(w, Replay(*st, day, 7));

  // A write by a writer that does not keep the answers (another version, or SQL by hand) leaves
  // the answer stale, marked by the database: the worklist recomputes it before it reads.
  ASSERT_TRUE(st->db()
                  .Run("INSERT INTO events (patient_id, date, type, test, value, body) SELECT id, '2026-01-13', "
                       "'lab', 'anc', 1.6, '{\"date\":\"2026-01-13\",\"type\":\"lab\",\"test\":\"anc\",\"value\":"
                       "\"1.6 10*9/L\"}' FROM patients WHERE ref = 'HOLD'",
                       {})
                  .ok());
  EXPECT_EQ(Count(*st, "SELECT count(*) FROM course_status WHERE computed_on IS NULL"), 1);
  const json after = Worklist(*st, today, day, 7);  // computed in the read, merged in
  EXPECT_EQ(after, Replay(*st, day, 7));
  EXPECT_NE(after, w);  // the recovery count changed the answer
  EXPECT_EQ(Count(*st, "SELECT count(*) FROM course_status WHERE computed_on IS NULL"), 1);  // a read wrote nothing
}

// A write stores its course's answer from the rows it rebuilt the course from for its own checks,
// kept current by the rows it inserts (Store::CourseRows), not read again. Regression: that answer
// must equal the one recomputed from the database, after labs, a confirmed dose and the finding it
// resolved, an amendment, a baseline count and an entry marked in error.
TEST_P(StoredWorklistTest, TheAnswerAWriteStoresEqualsTheOneRecomputedFromTheDatabase) {
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto st = Open(today);
  app::KeepWorklist(*st, testing::K());
  AddMmPatient(*st, "W");
  AddMmPatient(*st, "OTHER");
  const app::Context ctx = Ctx(*st, today);
  auto row = [&](const std::string& ref) {
    std::string out;
    EXPECT_TRUE(st->db()
                    .Query("SELECT computed_on, knowledge, ref, indication, fixed_rank, fixed_due, expiring_due, "
                           "soon_due, fill_due, response, key_rank, key_due, items FROM course_status WHERE ref = ?",
                           {std::string_view(ref)},
                           [&](const store::Row& r) {
                             for (int c = 0; c < 13; ++c) out += (r.IsNull(c) ? "NULL" : std::string(r.Text(c))) + "|";
                           })
                    .ok());
    return out;
  };
  auto same_as_recomputed = [&](const std::string& what) {
    const std::string stored = row("W");
    EXPECT_NE(stored.find(day.ToString()), std::string::npos) << what << ": not stored by the write: " << stored;
    ASSERT_TRUE(st->db().Run("UPDATE course_status SET computed_on = NULL, version = version + 1", {}).ok());
    ASSERT_TRUE(app::RefreshWorklist(testing::K(), *st, day).ok());
    EXPECT_EQ(stored, row("W")) << what;
  };
  auto request = [](const std::string& kind, const std::string& date, const std::string& test = "",
                    const std::string& value = "") {
    app::RecordRequest r;
    r.patient = "W";
    r.kind = kind;
    r.date = date;
    r.test = test;
    r.value = value;
    return r;
  };
  auto record = [&](const app::RecordRequest& r) {
    auto stored = app::RecordEvent(ctx, r);
    EXPECT_TRUE(stored.ok()) << stored.error().Describe();
    return stored.ok() ? stored->id : 0;
  };
  app::RecordRequest lab = request("lab", "2026-01-12", "platelets", "24 K/uL");
  const int64_t low = record(lab);
  same_as_recomputed("a low count (a hold)");
  app::RecordRequest dose = request("dose", "2026-01-12");
  EXPECT_FALSE(app::RecordEvent(ctx, dose).ok());  // taken during the hold: needs a reason
  dose.confirm = "taken in the morning, before the count came back";
  const int64_t taken = record(dose);
  EXPECT_EQ(Count(*st, "SELECT count(*) FROM events WHERE type = 'finding-resolved'"), 1);
  same_as_recomputed("a confirmed dose and the finding it resolved");
  lab.date = "2026-01-11";  // the day before: the count of the 12th is gone, and with it the hold
  lab.value = "84 K/uL";
  lab.replaces = low;
  lab.correction = "the count of another patient, on another day, was typed";
  const int64_t amended = record(lab);
  same_as_recomputed("an amended count");
  lab.value = "94 K/uL";  // the amendment amended: neither the first count nor the second is in force
  lab.replaces = amended;
  lab.correction = "the second digit was misread";
  record(lab);
  same_as_recomputed("an amended count amended again");
  record(request("lab", "2026-01-02", "anc", "2.1 10*9/L"));
  same_as_recomputed("a count before the course (a baseline)");
  app::RecordRequest hold = request("hold", "2026-01-13");  // a row read from its text, not its columns
  hold.reason = "grade 3 rash";
  record(hold);
  same_as_recomputed("a hold");
  auto wrong = app::MarkEnteredInError(ctx, {"W", taken, "recorded for the wrong day"});
  ASSERT_TRUE(wrong.ok()) << wrong.error().Describe();
  same_as_recomputed("a dose marked entered in error");
  record(request("lab", "2026-01-13", "anc", "0.4 10*9/L"));
  same_as_recomputed("another low count");
  EXPECT_NE(row("W"), row("OTHER"));
}

// Two servers write to one patient at once (PostgreSQL; SQLite's writes take turns by its write
// lock). The second write must wait for the first and then see it: its checks and the answer it
// keeps are those of the course with both events. Before the patient's row was locked, the second
// read the course without the first (not yet committed), and stored an answer without its hold.
TEST_P(StoredWorklistTest, TwoWritesToOnePatientTakeTurnsAndTheSecondKeepsTheAnswerWithBoth) {
  if (GetParam() != "postgres") GTEST_SKIP() << "SQLite's writes take turns by its write lock";
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto a = Open(today), b = Open(today), holder = Open(today), watcher = Open(today);
  app::KeepWorklist(*a, testing::K());
  app::KeepWorklist(*b, testing::K());
  AddMmPatient(*a, "P");
  auto pid = [](store::Store& st) { return store::QueryInt(st.db(), "SELECT pg_backend_pid()", {}).value(); };
  const std::string ab = std::to_string(pid(*a)) + ", " + std::to_string(pid(*b));
  // Waits until `n` of the two writers wait for a lock.
  auto waiting = [&](int64_t n) {
    for (int i = 0; i < 3000; ++i) {
      auto w = store::QueryInt(
          watcher->db(), "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid IN (" + ab + ")",
          {});
      if (w.ok() && *w >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  // The audit head held: the first write stops at its end, with its event inserted.
  ASSERT_TRUE(holder->db().Begin().ok());
  ASSERT_TRUE(store::QueryInt(holder->db(), "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE", {}).ok());
  app::RecordRequest low;
  low.patient = "P";
  low.kind = "lab";
  low.date = day.ToString();
  low.test = "anc";
  low.value = "0.4 10*9/L";
  Result<store::EventRecord> first = Error::Failed("", "not run"), second = Error::Failed("", "not run");
  std::thread one([&] { first = app::RecordEvent(Ctx(*a, today), low); });
  const bool first_waits = waiting(1);
  app::RecordRequest normal = low;
  normal.test = "platelets";
  normal.value = "210 K/uL";
  std::thread two([&] { second = app::RecordEvent(Ctx(*b, today), normal); });
  const bool second_waits = waiting(2);
  ASSERT_TRUE(holder->db().Rollback().ok());
  one.join();
  two.join();
  ASSERT_TRUE(first_waits && second_waits);
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  auto stored = [&] {
    std::string items;
    EXPECT_TRUE(watcher->db()
                    .Query("SELECT computed_on, items FROM course_status WHERE ref = 'P'", {},
                           [&](const store::Row& r) { items = std::string(r.Text(0)) + " " + std::string(r.Text(1)); })
                    .ok());
    return items;
  };
  const std::string kept = stored();
  EXPECT_NE(kept.find(day.ToString()), std::string::npos) << kept;
  ASSERT_TRUE(watcher->db().Run("UPDATE course_status SET computed_on = NULL, version = version + 1", {}).ok());
  ASSERT_TRUE(app::RefreshWorklist(testing::K(), *watcher, day).ok());
  EXPECT_EQ(kept, stored());
}

TEST_P(StoredWorklistTest, AnAnswerComputedBeforeAChangeIsNeverWrittenOverIt) {
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto st = Open(today);
  AddMmPatient(*st, "P");
  auto before = st->StaleStatuses(day.ToString(), testing::K().fingerprint, 10);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 1u);
  // Another server records a lab after this one read the version ...
  ASSERT_TRUE(
      testing::RecordEvent(*st, "P", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.8 10*9/L"})").ok());
  // ... so the answer computed from the version before is not written.
  auto written = st->PutStatus(AnswerOf(before->front(), day, "P"));
  ASSERT_TRUE(written.ok());
  EXPECT_FALSE(*written);
  EXPECT_EQ(Count(*st, "SELECT count(*) FROM course_status WHERE computed_on IS NULL"), 1);
}

// The same when the write keeps the answer itself (a server): the database's triggers leave the
// row to it (schema 10), and its answer still bumps the version.
TEST_P(StoredWorklistTest, AnAnswerComputedBeforeAWriteThatKeepsItsAnswerIsNeverWrittenOverIt) {
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto refresher = Open(today), server = Open(today);
  app::KeepWorklist(*server, testing::K());
  AddMmPatient(*server, "P");
  ASSERT_TRUE(app::RefreshWorklist(testing::K(), *refresher, day).ok());
  // The refresher reads the version, as a refresh of another day would ...
  ASSERT_TRUE(refresher->db().Run("UPDATE course_status SET computed_on = NULL, version = version + 1", {}).ok());
  auto before = refresher->StaleStatuses(day.ToString(), testing::K().fingerprint, 10);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 1u);
  // ... the server records a low count and keeps its answer (a hold) ...
  ASSERT_TRUE(
      testing::RecordEvent(*server, "P", R"({"date":"2026-01-12","type":"lab","test":"anc","value":"0.4 10*9/L"})")
          .ok());
  const int64_t fresh = Count(*server, "SELECT count(*) FROM course_status WHERE computed_on = '2026-01-14'");
  EXPECT_EQ(fresh, 1);
  // ... and the refresher's answer, computed before, is not written over it.
  auto written = refresher->PutStatus(AnswerOf(before->front(), day, "P"));
  ASSERT_TRUE(written.ok());
  EXPECT_FALSE(*written);
  EXPECT_EQ(Count(*server, "SELECT count(*) FROM course_status WHERE items LIKE '%hold%'"), 1);
}

TEST_P(StoredWorklistTest, AnotherKnowledgePackMakesEveryAnswerStale) {
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto st = Open(today);
  StoreScenarios(*st, 5);
  auto n = app::RefreshWorklist(testing::K(), *st, day);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 5);
  auto again = app::RefreshWorklist(testing::K(), *st, day);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);  // every answer holds
  Knowledge other = testing::K();
  other.fingerprint += "-changed";
  auto redone = app::RefreshWorklist(other, *st, day);
  ASSERT_TRUE(redone.ok());
  EXPECT_EQ(*redone, 5);
  // The fingerprint is the files': loading the same files twice gives the same one.
  EXPECT_EQ(testing::K().fingerprint.rfind(testing::K().pack.id + ":", 0), 0u) << testing::K().fingerprint;
  EXPECT_EQ(testing::K().fingerprint.size(), testing::K().pack.id.size() + 17);
}

TEST_P(StoredWorklistTest, BadPagesAreRefusedNamingTheFieldAndNothingIsWritten) {
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto st = Open(today);
  StoreScenarios(*st, 3);
  const std::string before = testing::DumpTables(*st);
  struct Case {
    int limit;
    std::string after, field;
  };
  for (const Case& c :
       {Case{-1, "", "limit"}, Case{1001, "", "limit"}, Case{5, "zz", "after"}, Case{5, "abc", "after"},
        Case{5, "3031", "after"}, Case{5, "381f1f58", "after"}, Case{5, "331f323032362d31332d34301f58", "after"}}) {
    auto w = app::BuildWorklist(Ctx(*st, today), {day.ToString(), 7, c.limit, c.after});
    ASSERT_FALSE(w.ok()) << c.limit << " " << c.after;
    EXPECT_EQ(w.error().kind, ErrorKind::kBadInput);
    EXPECT_EQ(w.error().field, c.field) << w.error().Describe();
  }
  EXPECT_EQ(testing::DumpTables(*st), before);
}

TEST_P(StoredWorklistTest, ThePatientsShownAreAuditedAndNoOthers) {
  const Date day = Date::FromCivil(2026, 1, 14);
  const FixedClock today(day);
  auto st = Open(today);
  StoreScenarios(*st, 12);
  const json page = Worklist(*st, today, day, 366, 2);
  ASSERT_EQ(page["entries"].size(), 2u);
  auto log = st->AuditLog(1);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  const store::AuditEntry& e = log->front();
  EXPECT_EQ(e.action, "worklist.read");
  EXPECT_EQ(e.detail, "as of 2026-01-14, 366 days ahead: " + page["entries"][0]["patient"].get<std::string>() + " " +
                          page["entries"][1]["patient"].get<std::string>());
  auto check = st->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem;
}

INSTANTIATE_TEST_SUITE_P(Backends, StoredWorklistTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace lenacare
