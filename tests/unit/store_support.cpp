#include "store_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "course/evaluate.h"
#include "course/rems.h"
#include "test_support.h"

namespace lenacare::testing {

using nlohmann::json;

bool PostgresRequired() {
  const char* env = std::getenv("LENACARE_REQUIRE_POSTGRES");
  return env != nullptr && std::string(env) == "1";
}

TestDatabase::TestDatabase(const std::string& backend) : backend_(backend) {
  char tmpl[] = "/tmp/lenacare-store-XXXXXX";
  const char* d = mkdtemp(tmpl);
  if (d != nullptr) dir_ = d;
  if (backend == "sqlite") {
    target_ = dir_ + "/test.db";
    return;
  }
  const char* url = std::getenv("LENACARE_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return;
  static std::atomic<int> counter{0};
  schema_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  base_url_ = url;
  auto db = store::Open(base_url_);
  if (!db.ok()) {
    ADD_FAILURE() << "PostgreSQL: " << db.error().Describe();
    return;
  }
  Status s = (*db)->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
  if (!s.ok()) {
    ADD_FAILURE() << s.error().Describe();
    return;
  }
  target_ = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
  audit_.key_file = dir_ + "/audit-key";
  audit_.checkpoints = dir_ + "/audit-checkpoints";
  auto key = store::CreateAuditKey(audit_.key_file);
  if (!key.ok()) ADD_FAILURE() << key.error().Describe();
}

TestDatabase::~TestDatabase() {
  if (!schema_.empty()) {
    auto db = store::Open(base_url_);
    if (db.ok()) (void)(*db)->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::unique_ptr<store::Store> TestDatabase::Open() { return Open(TestClock()); }

std::unique_ptr<store::Store> TestDatabase::Open(const Clock& clock) {
  auto s = store::Store::Open(target_, clock, audit_);
  if (!s.ok()) {
    ADD_FAILURE() << "cannot open the test store: " << s.error().Describe();
    return nullptr;
  }
  return std::move(s).value();
}

std::string EngineSummary(const Course& course, Date as_of) {
  std::ostringstream out;
  if (as_of >= course.start_date) {
    const Assessment a = Evaluate(K(), course, as_of);
    out << "status " << CourseStatusId(a.status) << " cycle " << a.cycle << " day " << a.cycle_day << " pill "
        << a.pill_today << " dose " << (a.dose ? a.dose->Describe() : "none") << "\n";
    if (!a.cannot_assess.empty()) out << "cannot " << a.cannot_assess << "\n";
    for (const Recommendation& r : a.recommendations) {
      out << ActionId(r.action) << ": " << r.reason << " [" << r.source << "]\n";
    }
    for (const DueTest& t : a.tests_due) {
      out << "due " << t.test << " " << t.due.ToString() << (t.overdue ? " overdue" : "") << "\n";
    }
  }
  auto rems = BuildRemsChecklist(K(), course, as_of);
  if (!rems.ok()) {
    out << "rems error " << rems.error().Describe() << "\n";
  } else {
    out << "rems " << static_cast<int>(rems->may_dispense) << " " << rems->category << "\n";
    for (const ChecklistItem& i : rems->items) {
      out << "  " << i.id << " " << ItemStatusId(i.status) << " " << (i.due ? i.due->ToString() : "") << " " << i.detail
          << "\n";
    }
  }
  return out.str();
}

const Clock& TestClock() {
  static const FixedClock clock = [] {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return FixedClock(
        Date::FromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday)));
  }();
  return clock;
}

app::Context TestContext(store::Store* store, const std::string& actor) {
  return app::Context{K(), TestClock(), store, actor, app::Authority::Operator()};
}

Result<store::PatientRecord> AddPatient(store::Store& s, const store::PatientRecord& p) {
  return app::AddPatient(TestContext(&s), {p.ref, p.name, p.sex, p.birth_date, "", p.facts});
}

Result<store::CourseRecord> StartCourse(store::Store& s, const std::string& ref, const std::string& header) {
  return app::StartCourseFromHeader(TestContext(&s), ref, header);
}

Result<store::EventRecord> RecordEvent(store::Store& s, const std::string& ref, const std::string& event_json) {
  app::RecordRequest r;
  r.patient = ref;
  r.kind = "event";
  r.event = event_json;
  auto recorded = app::RecordEvent(TestContext(&s), r);
  if (!recorded.ok() && recorded.error().field == "json_event") return Error::BadInput("event", "is not a JSON object");
  return recorded;
}

Result<store::StoredCourse> LoadCourse(store::Store& s, const std::string& ref, Date as_of) {
  return s.LoadCourse("tester", K(), ref, as_of);
}

bool StoreCourseFile(store::Store& s, const std::string& ref, const json& file) {
  store::PatientRecord p;
  p.ref = ref;
  json facts = file.value("patient", json::object());
  p.sex = facts.value("sex", "");
  p.birth_date = facts.value("birth_date", "");
  facts.erase("sex");
  facts.erase("birth_date");
  p.facts = facts.dump();
  auto added = AddPatient(s, p);
  if (!added.ok()) {
    ADD_FAILURE() << ref << ": patient: " << added.error().Describe();
    return false;
  }
  json header = file;
  for (const char* key : {"patient", "baseline", "events"}) header.erase(key);
  auto course = StartCourse(s, ref, header.dump());
  if (!course.ok()) {
    ADD_FAILURE() << ref << ": course: " << course.error().Describe();
    return false;
  }
  std::vector<json> events;
  for (json b : file.value("baseline", json::array())) {
    b["type"] = "lab";
    events.push_back(b);
  }
  for (const json& e : file.value("events", json::array())) events.push_back(e);
  for (const json& e : events) {
    auto r = RecordEvent(s, ref, e.dump());
    if (!r.ok() && r.error().kind == ErrorKind::kNeedsConfirmation) {
      // The file's history as it happened: a flagged event is stored with a reason.
      app::RecordRequest confirmed;
      confirmed.patient = ref;
      confirmed.kind = "event";
      confirmed.event = e.dump();
      confirmed.confirm = "recorded from the course file";
      r = app::RecordEvent(TestContext(&s), confirmed);
    }
    if (!r.ok()) {
      ADD_FAILURE() << ref << ": event " << e.dump() << ": " << r.error().Describe();
      return false;
    }
  }
  return true;
}

std::string DumpTables(store::Store& s) {
  std::ostringstream out;
  const char* queries[] = {
      "SELECT id, ref, name, sex, birth_date, facts FROM patients ORDER BY id",
      "SELECT id, patient_id, indication, start_date, header, source FROM courses ORDER BY id",
      "SELECT id, patient_id, indication, onset, source FROM conditions ORDER BY id",
      "SELECT id, patient_id, date, type, test, value, lln, uln, body, source FROM events ORDER BY id",
      "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq",
      "SELECT id, seq, hash FROM audit_head",
      "SELECT version FROM schema_migrations ORDER BY version"};
  int columns[] = {6, 6, 5, 10, 8, 3, 1};
  for (size_t q = 0; q < std::size(queries); ++q) {
    out << "# " << queries[q] << "\n";
    Status st = s.db().Query(queries[q], {}, [&](const store::Row& r) {
      for (int c = 0; c < columns[q]; ++c) out << (r.IsNull(c) ? "NULL" : std::string(r.Text(c))) << "|";
      out << "\n";
    });
    if (!st.ok()) ADD_FAILURE() << st.error().Describe();
  }
  return out.str();
}

}  // namespace lenacare::testing
