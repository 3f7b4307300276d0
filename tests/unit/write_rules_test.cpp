// The safe-records write path through every door: who may record what (the act decides, whether
// the write comes from the REST API, `lenacare ... --as`, a FHIR upload or a course-page form),
// what the engine refuses or stores only with a reason, corrections (FHIR versions, entered in
// error), the worklist items a write leaves, and the patient identifiers an import accepts.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/import.h"
#include "fhir/fhir_names.h"
#include "store_support.h"
#include "test_support.h"
#include "webapp_support.h"
#include "wire/json.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::Credentials;
using testing::TestSite;

const std::vector<std::string> kRoles = {"admin", "prescriber", "pharmacist", "nurse", "patient"};
using Roles = std::set<std::string>;

// A date `offset` days from the test's today.
std::string Day(int offset) { return testing::TestClock().Today().AddDays(offset).ToString(); }

// ---- Patients the tests write for -----------------------------------------------------------------

json Patient(const std::string& sex, const std::string& birth_date) {
  return {{"sex", sex}, {"birth_date", birth_date}, {"weight", "70 kg"}};
}

// Newly diagnosed myeloma at 25 mg daily, days 1-21, from `start`, with no events yet.
json MyelomaCourse(int start = -10) {
  return {{"indication", "mm"},
          {"start_date", Day(start)},
          {"starting_dose_mg", 25},
          {"setting", "newly-diagnosed"},
          {"patient", Patient("male", "1950-01-01")},
          {"events", json::array()}};
}

// A first prescription for a woman who can become pregnant, on authorization A1.
json Prescription(const std::string& date) {
  return {{"date", date}, {"type", "prescription"},       {"days_supply", 28},
          {"refills", 0}, {"authorization_number", "A1"}, {"risk_category", "adult-female-can-become-pregnant"}};
}

// A woman who can become pregnant, starting myeloma therapy yesterday, with the REMS steps before a
// first dispense done up to the authorization; the prescription and the pharmacy's confirmation
// number when asked.
json RemsCourse(bool prescribed, bool confirmed) {
  json patient = Patient("female", "1985-04-10");
  patient["crcl"] = "95 mL/min";
  patient["rems_category"] = "adult-female-can-become-pregnant";
  patient["menses"] = "regular";
  json events = json::array(
      {{{"date", Day(-40)}, {"type", "contraception"}, {"methods", {"iud", "male-condom"}}},
       {{"date", Day(-20)}, {"type", "counseling"}, {"by", "prescriber"}},
       {{"date", Day(-14)}, {"type", "pregnancy-test"}, {"result", "negative"}, {"sensitivity", "25 mIU/mL"}},
       {{"date", Day(-2)}, {"type", "pregnancy-test"}, {"result", "negative"}, {"sensitivity", "25 mIU/mL"}},
       {{"date", Day(-2)}, {"type", "authorization"}, {"number", "A1"}}});
  if (prescribed) events.push_back(Prescription(Day(-1)));
  if (confirmed) events.push_back({{"date", Day(-1)}, {"type", "confirmation"}, {"number", "C1"}});
  return {{"indication", "mm"},           {"start_date", Day(-1)}, {"starting_dose_mg", 25},
          {"setting", "newly-diagnosed"}, {"patient", patient},    {"events", events}};
}

// The patients of the role tests, stored by the operator: a myeloma course (WR-MM), a REMS patient
// ready for her prescription (WR-RX), one prescribed and awaiting the pharmacy (WR-FRP), and a
// patient without a course (WR-NOCOURSE).
void AddRolePatients(store::Store& s) {
  ASSERT_TRUE(testing::StoreCourseFile(s, "WR-MM", MyelomaCourse()));
  ASSERT_TRUE(testing::StoreCourseFile(s, "WR-RX", RemsCourse(false, false)));
  ASSERT_TRUE(testing::StoreCourseFile(s, "WR-FRP", RemsCourse(true, false)));
  store::PatientRecord none;
  none.ref = "WR-NOCOURSE";
  none.sex = "male";
  none.birth_date = "1950-01-01";
  auto added = testing::AddPatient(s, none);
  ASSERT_TRUE(added.ok()) << added.error().Describe();
}

// Every row a write could leave in the records (not the audit log, which reads append to).
std::string Records(store::Store& s) {
  static const std::pair<const char*, int> kQueries[] = {
      {"SELECT id, ref, name, sex, birth_date, facts FROM patients ORDER BY id", 6},
      {"SELECT id, patient_id, indication, start_date, header, source FROM courses ORDER BY id", 6},
      {"SELECT id, patient_id, date, type, body, source, replaces, reason, warnings FROM events ORDER BY id", 9},
      {"SELECT id, patient_id, date, symptom, severity, note FROM symptoms ORDER BY id", 6}};
  std::string out;
  for (const auto& [sql, columns] : kQueries) {
    Status st = s.db().Query(sql, {}, [&, n = columns](const store::Row& r) {
      for (int c = 0; c < n; ++c) out += (r.IsNull(c) ? "NULL" : std::string(r.Text(c))) + "|";
      out += "\n";
    });
    EXPECT_TRUE(st.ok()) << st.error().Describe();
  }
  return out;
}

std::string Records(const std::string& db_file) {
  auto s = store::Store::Open(db_file, testing::TestClock());
  if (!s.ok()) {
    ADD_FAILURE() << s.error().Describe();
    return "";
  }
  return Records(**s);
}

// The codes of an API error's problems.
std::vector<std::string> Codes(const json& error) {
  std::vector<std::string> codes;
  for (const json& p : error.value("problems", json::array())) codes.push_back(p.value("code", ""));
  return codes;
}

// A row's field of an event list ("id", "replaces", "replaced_by"), 0 when it has none.
int64_t IdOf(const json& row, const char* field) { return row.value(field, int64_t{0}); }

// The code of the first warning a row was stored over, "" when none.
std::string ConfirmedOver(const json& row) {
  const json warnings = row.value("confirmed_over", json::array());
  return warnings.empty() ? "" : warnings[0].value("code", "");
}

bool Has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// ---- FHIR resources ---------------------------------------------------------------------------

// An Observation carrying a lenacare course-file event, as fhir_export writes one.
json EventResource(const std::string& id, const std::string& ref, const json& event) {
  return {{"resourceType", "Observation"},
          {"id", id},
          {"status", "final"},
          {"subject", {{"reference", "Patient/" + ref}}},
          {"extension", json::array({{{"url", std::string(fhir::kEventExtension)}, {"valueString", event.dump()}}})}};
}

// A platelet count (LOINC 777-3) in 10^9/L.
json PlateletResource(const std::string& id, const std::string& ref, const std::string& status, double value) {
  return {{"resourceType", "Observation"},
          {"id", id},
          {"status", status},
          {"code", {{"coding", json::array({{{"system", "http://loinc.org"}, {"code", "777-3"}}})}}},
          {"subject", {{"reference", "Patient/" + ref}}},
          {"effectiveDateTime", Day(0)},
          {"valueQuantity",
           {{"value", value}, {"unit", "10*9/L"}, {"system", "http://unitsofmeasure.org"}, {"code", "10*9/L"}}}};
}

json PatientResource(const std::string& id, const std::string& name) {
  return {{"resourceType", "Patient"},
          {"id", id},
          {"gender", "female"},
          {"birthDate", "1954-03-10"},
          {"name", json::array({{{"text", name}}})}};
}

json CourseResource(const std::string& id, const std::string& ref) {
  const json header = {
      {"indication", "mm"}, {"start_date", Day(0)}, {"starting_dose_mg", 25}, {"setting", "newly-diagnosed"}};
  return {{"resourceType", "Basic"},
          {"id", id},
          {"subject", {{"reference", "Patient/" + ref}}},
          {"extension", json::array({{{"url", std::string(fhir::kCourseExtension)}, {"valueString", header.dump()}}})}};
}

json Bundle(const std::vector<json>& resources) {
  json entries = json::array();
  for (const json& r : resources) entries.push_back({{"resource", r}});
  return {{"resourceType", "Bundle"}, {"type", "collection"}, {"entry", entries}};
}

// ---- The site -------------------------------------------------------------------------------------

// A fresh demo site per test (DEMO-1001..1004 and an account per role, each with an API token),
// so that the writes of one test never meet another's.
class WriteRulesSite : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& role : kRoles) tokens_[role] = site_.TokenFor(role);
  }

  const Credentials& As(const std::string& role) { return tokens_.at(role); }
  http::Response Post(const std::string& role, const std::string& path, const json& body) {
    return site_.PostJson(path, body, &As(role));
  }
  http::Response Import(const std::string& role, const json& resource) {
    return site_.Send("POST", "/api/v1/import", resource.dump(), "application/fhir+json", &As(role));
  }
  json GetJson(const std::string& path, const std::string& role = "prescriber") {
    const http::Response r = site_.Get(path, &As(role));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }
  std::string Snapshot() { return site_.Rows() + "\n" + Records(site_.store()); }

  std::string StatusOf(const std::string& ref) {
    return GetJson("/api/v1/patients/" + ref + "/status")["evaluate"].value("status", "");
  }
  json EventsOf(const std::string& ref) { return GetJson("/api/v1/patients/" + ref)["events"]; }
  // The worklist items of a patient.
  json WorkItems(const std::string& ref) {
    const json worklist = GetJson("/api/v1/worklist");
    for (const json& e : worklist["entries"]) {
      if (e["patient"] == ref) return e["items"];
    }
    return json::array();
  }
  json ItemsAbout(const std::string& ref, const std::string& what) {
    json out = json::array();
    for (const json& i : WorkItems(ref)) {
      if (i["what"] == what) out.push_back(i);
    }
    return out;
  }

  // A write the engine does not store as it is: 409 with the error's kind, nothing stored; the
  // problems' codes.
  std::vector<std::string> ExpectNotStored(const std::string& role, const std::string& ref, const json& body,
                                           const std::string& kind) {
    const std::string before = Snapshot();
    const http::Response r = Post(role, "/api/v1/patients/" + ref + "/events", body);
    EXPECT_EQ(r.status, 409) << body.dump() << ": " << r.body;
    const json answer = json::parse(r.body, nullptr, false);
    const json error = answer.is_object() ? answer.value("error", json::object()) : json::object();
    EXPECT_EQ(error.value("kind", ""), kind) << r.body;
    EXPECT_EQ(Snapshot(), before) << body.dump();
    return Codes(error);
  }

  TestSite site_;
  std::map<std::string, Credentials> tokens_;
};

// ---- 1. The role matrix ---------------------------------------------------------------------------

class WriteRulesRoles : public WriteRulesSite {};

// One act through the API: its route, a body that succeeds for an allowed role, and those roles.
struct ApiAct {
  std::string name, path;
  json body;
  Roles allowed;
};

TEST_F(WriteRulesRoles, TheApiLetsOnlyTheActsRolesWrite) {
  ASSERT_NO_FATAL_FAILURE(AddRolePatients(site_.store()));
  const std::string today = Day(0);
  auto event = [](const json& e) { return json{{"kind", "event"}, {"event", e}}; };
  const Roles clinicians = {"prescriber", "nurse"};
  const std::vector<ApiAct> acts = {
      {"lab",
       "/api/v1/patients/DEMO-1001/events",
       {{"kind", "lab"}, {"date", today}, {"test", "platelets"}, {"value", "150 10*9/L"}},
       clinicians},
      {"toxicity",
       "/api/v1/patients/DEMO-1001/events",
       {{"kind", "toxicity"}, {"date", today}, {"term", "rash"}, {"grade", 1}},
       clinicians},
      {"pregnancy-test",
       "/api/v1/patients/WR-RX/events",
       {{"kind", "pregnancy-test"}, {"date", today}, {"result", "negative"}, {"sensitivity", "25 mIU/mL"}},
       clinicians},
      {"marker", "/api/v1/patients/DEMO-1001/events",
       event({{"type", "marker"}, {"date", today}, {"marker", "serum_m_protein"}, {"value", "1.2 g/dL"}}), clinicians},
      {"authorization",
       "/api/v1/patients/DEMO-1004/events",
       event({{"type", "authorization"}, {"date", today}, {"number", "A2"}}),
       {"prescriber"}},
      {"prescription", "/api/v1/patients/WR-RX/events", event(Prescription(today)), {"prescriber"}},
      {"confirmation",
       "/api/v1/patients/WR-FRP/events",
       event({{"type", "confirmation"}, {"date", today}, {"number", "C1"}}),
       {"pharmacist"}},
      {"dispense",
       "/api/v1/patients/WR-FRP/events",
       {{"kind", "dispense"}, {"date", today}, {"days_supply", 28}},
       {"pharmacist"}},
      {"hold",
       "/api/v1/patients/DEMO-1001/events",
       {{"kind", "hold"}, {"date", today}, {"reason", "rash"}},
       {"prescriber"}},
      {"symptom",
       "/api/v1/patients/DEMO-1001/symptoms",
       {{"date", today}, {"symptom", "tired"}, {"severity", "mild"}},
       {"patient"}},
      {"new patient",
       "/api/v1/patients",
       {{"patient", "WR-NEW"}, {"name", "New Person"}, {"sex", "female"}},
       {"prescriber"}},
      {"patient details", "/api/v1/patients/DEMO-1001/details", {{"name", "Margaret Changed"}}, {"prescriber"}},
      {"start course",
       "/api/v1/patients/WR-NOCOURSE/courses",
       {{"indication", "mm"}, {"start", today}, {"dose", 25}, {"setting", "newly-diagnosed"}},
       {"prescriber"}},
  };
  for (const ApiAct& act : acts) {
    for (const std::string& role : kRoles) {
      SCOPED_TRACE(act.name + " as " + role);
      const std::string before = Snapshot();
      const http::Response r = Post(role, act.path, act.body);
      if (act.allowed.count(role)) {
        EXPECT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
        EXPECT_NE(Snapshot(), before);
        continue;
      }
      EXPECT_EQ(r.status, 403) << r.body;
      EXPECT_NE(r.body.find("may not"), std::string::npos) << r.body;
      // A patient is turned away from other patients' records before the act is asked about.
      if (role != "patient") {
        EXPECT_EQ(json::parse(r.body)["error"]["kind"], "forbidden") << r.body;
      }
      EXPECT_EQ(Snapshot(), before);
    }
  }
}

// The same acts through the command line, each run `--as` a web account of the role.
TEST(WriteRulesRolesCli, TheCommandLineActsAsTheAccountsRole) {
  testing::TestDatabase db("sqlite");
  const std::string file = db.target();
  {
    auto s = db.Open();
    ASSERT_NE(s, nullptr);
    ASSERT_NO_FATAL_FAILURE(AddRolePatients(*s));
  }
  auto run = [&](const std::string& args, const std::string& stdin_text = "") {
    return testing::RunLenacare(args + " --db '" + file + "'", stdin_text);
  };
  for (const std::string& role : kRoles) {
    const auto added = run("user add wr-" + role + " --role " + role + (role == "patient" ? " --patient WR-MM" : ""),
                           "a-long-password-123\n");
    ASSERT_EQ(added.exit_code, 0) << added.err;
  }
  // The command line's clock is the machine's: yesterday is in the past whenever the test runs.
  const std::string day = Day(-1);
  auto event = [](const json& e) { return "--json-event '" + e.dump() + "'"; };
  struct CliAct {
    std::string name, args;
    Roles allowed;
  };
  const Roles clinicians = {"prescriber", "nurse"};
  const std::vector<CliAct> acts = {
      {"lab", "record lab WR-MM --date " + day + " --test platelets --value '150 10*9/L'", clinicians},
      {"toxicity", "record toxicity WR-MM --date " + day + " --term rash --grade 1", clinicians},
      {"pregnancy-test", "record pregnancy-test WR-RX --date " + day + " --result negative", clinicians},
      {"marker",
       "record event WR-MM " +
           event({{"type", "marker"}, {"date", day}, {"marker", "serum_m_protein"}, {"value", "1.2 g/dL"}}),
       clinicians},
      {"authorization",
       "record event WR-RX " + event({{"type", "authorization"}, {"date", day}, {"number", "A2"}}),
       {"prescriber"}},
      {"prescription", "record event WR-RX " + event(Prescription(day)), {"prescriber"}},
      {"confirmation",
       "record event WR-FRP " + event({{"type", "confirmation"}, {"date", day}, {"number", "C1"}}),
       {"pharmacist"}},
      {"hold", "record hold WR-MM --date " + day + " --reason rash", {"prescriber"}},
      {"new patient", "patient add WR-NEW --sex female", {"prescriber"}},
      {"patient details", "patient update WR-MM --name 'Changed Name'", {"prescriber"}},
      {"start course",
       "course start WR-NOCOURSE --indication mm --start " + day + " --dose 25 --setting newly-diagnosed",
       {"prescriber"}},
  };
  for (const CliAct& act : acts) {
    for (const std::string& role : kRoles) {
      SCOPED_TRACE(act.name + " as " + role);
      const std::string before = Records(file);
      const auto r = run(act.args + " --as wr-" + role);
      if (act.allowed.count(role)) {
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(Records(file), before);
        continue;
      }
      EXPECT_EQ(r.exit_code, 2) << r.out;
      EXPECT_NE(r.err.find("the " + role + " role may not"), std::string::npos) << r.err;
      EXPECT_EQ(Records(file), before);
    }
  }
}

// A FHIR upload: the door is for the roles that import; each resource is then checked by its act,
// and a refused one is a problem naming the role, with nothing stored.
TEST_F(WriteRulesRoles, AnImportChecksEachResourceByItsAct) {
  ASSERT_NO_FATAL_FAILURE(AddRolePatients(site_.store()));
  const std::string today = Day(0);
  // Administrators and patients import nothing.
  for (const std::string role : {"admin", "patient"}) {
    const std::string before = Snapshot();
    const http::Response r = Import(role, PlateletResource("wr-door-" + role, "DEMO-1001", "final", 150));
    EXPECT_EQ(r.status, 403) << role << ": " << r.body;
    EXPECT_EQ(Snapshot(), before) << role;
  }
  struct ImportAct {
    std::string name;
    std::function<json(const std::string& role)> resource;
    Roles allowed;
  };
  auto ext = [](const std::string& name, const std::string& ref, const json& e) {
    return [name, ref, e](const std::string& role) { return EventResource("wr-" + name + "-" + role, ref, e); };
  };
  const Roles clinicians = {"prescriber", "nurse"};
  const std::vector<ImportAct> acts = {
      {"lab", [](const std::string& role) { return PlateletResource("wr-lab-" + role, "DEMO-1001", "final", 150); },
       clinicians},
      {"toxicity", ext("tox", "DEMO-1001", {{"type", "toxicity"}, {"date", today}, {"term", "rash"}, {"grade", 1}}),
       clinicians},
      {"pregnancy-test", ext("preg", "WR-RX", {{"type", "pregnancy-test"}, {"date", today}, {"result", "negative"}}),
       clinicians},
      {"marker",
       ext("marker", "DEMO-1001",
           {{"type", "marker"}, {"date", today}, {"marker", "serum_m_protein"}, {"value", "1.2 g/dL"}}),
       clinicians},
      {"authorization",
       ext("auth", "DEMO-1004", {{"type", "authorization"}, {"date", today}, {"number", "A2"}}),
       {"prescriber"}},
      {"prescription", ext("rx", "WR-RX", Prescription(today)), {"prescriber"}},
      {"confirmation",
       ext("conf", "WR-FRP", {{"type", "confirmation"}, {"date", today}, {"number", "C1"}}),
       {"pharmacist"}},
      {"dispense", ext("disp", "WR-FRP", {{"type", "dispense"}, {"date", today}, {"days_supply", 28}}), {"pharmacist"}},
      {"hold", ext("hold", "DEMO-1001", {{"type", "hold"}, {"date", today}, {"reason", "rash"}}), {"prescriber"}},
      {"new patient",
       [](const std::string& role) { return PatientResource("WR-IMPORTED-" + role, "New Person"); },
       {"prescriber"}},
      {"patient details",
       [](const std::string& role) { return PatientResource("DEMO-1001", "Margaret " + role); },
       {"prescriber"}},
      {"start course",
       [](const std::string& role) { return CourseResource("wr-course-" + role, "WR-NOCOURSE"); },
       {"prescriber"}},
  };
  for (const ImportAct& act : acts) {
    for (const std::string role : {"prescriber", "pharmacist", "nurse"}) {
      SCOPED_TRACE(act.name + " imported as " + role);
      const std::string before = Snapshot();
      const http::Response r = Import(role, act.resource(role));
      const json answer = json::parse(r.body, nullptr, false);
      if (act.allowed.count(role)) {
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(answer.value("written", -1), 1) << r.body;
        continue;
      }
      EXPECT_EQ(r.status, 400) << r.body;
      const json problems = answer.value("problems", json::array());
      ASSERT_EQ(problems.size(), 1u) << r.body;
      EXPECT_NE(problems[0].get<std::string>().find("the " + role + " role may not"), std::string::npos) << r.body;
      EXPECT_EQ(Snapshot(), before);
    }
  }
}

// The course page's forms: a signed-in browser posts form=<kind> to /patients/{ref}.
TEST_F(WriteRulesRoles, TheCoursePageFormsLetOnlyTheActsRolesWrite) {
  ASSERT_NO_FATAL_FAILURE(AddRolePatients(site_.store()));
  std::map<std::string, Credentials> browsers;
  for (const std::string& role : kRoles) browsers[role] = site_.SignIn(role);
  struct FormAct {
    std::string name, ref;
    std::map<std::string, std::string> fields;
    Roles allowed;
  };
  const std::string today = Day(0);
  const std::vector<FormAct> acts = {
      {"lab",
       "DEMO-1001",
       {{"form", "lab"}, {"date", today}, {"test", "platelets"}, {"value", "150 10*9/L"}},
       {"prescriber", "nurse"}},
      {"confirmation", "WR-FRP", {{"form", "confirmation"}, {"date", today}, {"number", "C1"}}, {"pharmacist"}},
      {"toxicity",
       "WR-MM",
       {{"form", "toxicity"}, {"date", today}, {"term", "rash"}, {"grade", "1"}},
       {"prescriber", "nurse"}},
      {"pregnancy-test",
       "WR-FRP",
       {{"form", "pregnancy-test"}, {"date", today}, {"result", "negative"}, {"sensitivity", "25 m[IU]/mL"}},
       {"prescriber", "nurse"}},
      {"marker",
       "WR-MM",
       {{"form", "marker"}, {"date", today}, {"marker", "serum_m_protein"}, {"value", "1.2 g/dL"}},
       {"prescriber", "nurse"}},
      {"authorization", "WR-RX", {{"form", "authorization"}, {"date", today}, {"number", "A-9"}}, {"prescriber"}},
      {"counseling (prescriber)",
       "WR-RX",
       {{"form", "counseling"}, {"date", today}, {"by", "prescriber"}},
       {"prescriber"}},
      {"counseling (pharmacist)",
       "WR-RX",
       {{"form", "counseling"}, {"date", today}, {"by", "pharmacist"}},
       {"pharmacist"}},
      {"rems-facts", "WR-NOCOURSE", {{"form", "rems-facts"}, {"rems_category", "adult-male"}}, {"prescriber"}},
      {"course",
       "WR-NOCOURSE",
       {{"form", "course"}, {"indication", "mm"}, {"start", today}, {"dose", "25"}, {"setting", "newly-diagnosed"}},
       {"prescriber"}},
      {"hold", "DEMO-1003", {{"form", "hold"}, {"date", today}, {"reason", "rash"}}, {"prescriber"}},
      {"stop", "DEMO-1002", {{"form", "stop"}, {"date", today}, {"reason", "progression"}}, {"prescriber"}},
      // The patients page's form (no ref: posted to /patients).
      {"new patient",
       "",
       {{"patient", "WR-FORM-NEW"}, {"sex", "female"}, {"birth_date", "1961-05-02"}},
       {"prescriber"}},
  };
  for (const FormAct& act : acts) {
    for (const std::string& role : kRoles) {
      SCOPED_TRACE(act.name + " form as " + role);
      const std::string before = Snapshot();
      const http::Response r =
          site_.PostForm(act.ref.empty() ? "/patients" : "/patients/" + act.ref, act.fields, &browsers[role]);
      if (act.allowed.count(role)) {
        EXPECT_EQ(r.status, 303) << r.body.substr(0, 2000);
        EXPECT_NE(Snapshot(), before);
        continue;
      }
      EXPECT_EQ(r.status, 403);
      EXPECT_EQ(Snapshot(), before);
    }
  }
}

// ---- 2. Refused, or stored only with a reason -----------------------------------------------------

class WriteRulesChecks : public WriteRulesSite {};

TEST_F(WriteRulesChecks, ALabDatedTomorrowIsRefusedEvenWithAReason) {
  json lab = {{"kind", "lab"}, {"date", Day(1)}, {"test", "platelets"}, {"value", "150 10*9/L"}};
  auto codes = ExpectNotStored("nurse", "DEMO-1001", lab, "refused");
  EXPECT_TRUE(Has(codes, "future-date")) << ::testing::PrintToString(codes);
  // A refusal has no override.
  lab["confirm"] = {{"reason", "the result came in early"}};
  codes = ExpectNotStored("nurse", "DEMO-1001", lab, "refused");
  EXPECT_TRUE(Has(codes, "future-date")) << ::testing::PrintToString(codes);
}

// The course page's form gets the same answer: the page again, with 409 and nothing stored.
TEST_F(WriteRulesChecks, TheCoursePageFormRefusesALabDatedTomorrow) {
  const Credentials nurse = site_.SignIn("nurse");
  const std::string before = Snapshot();
  const http::Response r =
      site_.PostForm("/patients/DEMO-1001",
                     {{"form", "lab"}, {"date", Day(1)}, {"test", "platelets"}, {"value", "150 10*9/L"}}, &nurse);
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("after today"), std::string::npos);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(WriteRulesChecks, ADoseAboveTheLabelsHighestIsRefused) {
  const json change = {{"kind", "event"}, {"event", {{"type", "dose-change"}, {"date", Day(0)}, {"dose_mg", 30}}}};
  const auto codes = ExpectNotStored("prescriber", "DEMO-1001", change, "refused");
  EXPECT_TRUE(Has(codes, "above-maximum-dose")) << ::testing::PrintToString(codes);
}

TEST_F(WriteRulesChecks, PillDaysBeyondTheCycleAreRefused) {
  const json change = {{"kind", "event"},
                       {"event", {{"type", "dose-change"}, {"date", Day(0)}, {"dose_mg", 20}, {"days", "1-35"}}}};
  const auto codes = ExpectNotStored("prescriber", "DEMO-1001", change, "refused");
  EXPECT_TRUE(Has(codes, "days-outside-cycle")) << ::testing::PrintToString(codes);
}

TEST_F(WriteRulesChecks, AResumptionWhileNotOnHoldNeedsAReason) {
  ASSERT_EQ(StatusOf("DEMO-1003"), "taking");
  const json resume = {{"kind", "resume"}, {"date", Day(0)}, {"dose", 15}};
  const auto codes = ExpectNotStored("prescriber", "DEMO-1003", resume, "needs-confirmation");
  EXPECT_EQ(codes, std::vector<std::string>{"check-dose"});
}

TEST_F(WriteRulesChecks, PrescriptionsBeyondTheSupplyLimitOrWithRefillsAreRefused) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-RX", RemsCourse(false, false)));
  json rx = Prescription(Day(0));
  rx["days_supply"] = 35;
  rx["refills"] = 2;
  const auto codes = ExpectNotStored("prescriber", "WR-RX", {{"kind", "event"}, {"event", rx}}, "refused");
  EXPECT_TRUE(Has(codes, "supply-over-limit")) << ::testing::PrintToString(codes);
  EXPECT_TRUE(Has(codes, "refills-not-allowed")) << ::testing::PrintToString(codes);
}

// The REMS checklist decides a dispense: refused while the confirmation number is missing, refused
// beyond the supply limit, stored once the missing piece is recorded.
TEST_F(WriteRulesChecks, ADispenseWaitsForTheRemsChecklist) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-FRP", RemsCourse(true, false)));
  const json dispense = {{"kind", "dispense"}, {"date", Day(0)}, {"days_supply", 28}};
  auto codes = ExpectNotStored("pharmacist", "WR-FRP", dispense, "refused");
  EXPECT_TRUE(Has(codes, "rems-confirmation")) << ::testing::PrintToString(codes);
  for (const std::string& code : codes) EXPECT_EQ(code.rfind("rems-", 0), 0u) << code;

  const json confirmation = {{"kind", "event"},
                             {"event", {{"type", "confirmation"}, {"date", Day(0)}, {"number", "C1"}}}};
  const http::Response confirmed = Post("pharmacist", "/api/v1/patients/WR-FRP/events", confirmation);
  ASSERT_EQ(confirmed.status, 201) << confirmed.body;

  json too_long = dispense;
  too_long["days_supply"] = 35;
  codes = ExpectNotStored("pharmacist", "WR-FRP", too_long, "refused");
  EXPECT_EQ(codes, std::vector<std::string>{"supply-over-limit"});

  const http::Response r = Post("pharmacist", "/api/v1/patients/WR-FRP/events", dispense);
  EXPECT_EQ(r.status, 201) << r.body;
}

// The other codes of the write rules: a date before the patient's birth, a dispense without a
// course, a dose that is none of the label's levels, capsules other than the plan, a dispense
// while on hold (stored once confirmed, with its reason) and after therapy was stopped.
TEST_F(WriteRulesChecks, TheRemainingRefusalsAndReasonsHaveTheirCodes) {
  ASSERT_NO_FATAL_FAILURE(AddRolePatients(site_.store()));
  const json ancient = {{"kind", "lab"}, {"date", "1900-01-02"}, {"test", "platelets"}, {"value", "150 10*9/L"}};
  EXPECT_TRUE(Has(ExpectNotStored("nurse", "WR-MM", ancient, "refused"), "before-birth"));
  const json dispense = {{"kind", "dispense"}, {"date", Day(0)}, {"days_supply", 28}};
  EXPECT_TRUE(Has(ExpectNotStored("pharmacist", "WR-NOCOURSE", dispense, "refused"), "no-course"));
  const json off_ladder = {{"kind", "event"}, {"event", {{"type", "dose-change"}, {"date", Day(0)}, {"dose_mg", 7.5}}}};
  EXPECT_TRUE(Has(ExpectNotStored("prescriber", "WR-MM", off_ladder, "needs-confirmation"), "dose-not-on-ladder"));

  // WR-FRP has every REMS step but today's confirmation number.
  const json confirmation = {{"kind", "event"},
                             {"event", {{"type", "confirmation"}, {"date", Day(0)}, {"number", "C2"}}}};
  ASSERT_EQ(Post("pharmacist", "/api/v1/patients/WR-FRP/events", confirmation).status, 201);
  json odd = dispense;
  odd["quantity"] = 30;
  EXPECT_EQ(ExpectNotStored("pharmacist", "WR-FRP", odd, "needs-confirmation"),
            std::vector<std::string>{"dispense-quantity"});
  const json hold = {{"kind", "hold"}, {"date", Day(0)}, {"reason", "infection"}};
  ASSERT_EQ(Post("prescriber", "/api/v1/patients/WR-FRP/events", hold).status, 201);
  json planned = dispense;
  planned["quantity"] = 21;  // 25 mg on days 1-21: 21 capsules of 25 mg
  EXPECT_EQ(ExpectNotStored("pharmacist", "WR-FRP", planned, "needs-confirmation"),
            std::vector<std::string>{"dispense-while-held"});
  planned["confirm"] = {{"reason", "the hold is for one dose; the prescriber said to dispense"}};
  const http::Response held = Post("pharmacist", "/api/v1/patients/WR-FRP/events", planned);
  ASSERT_EQ(held.status, 201) << held.body;
  EXPECT_EQ(ConfirmedOver(json::parse(held.body)), "dispense-while-held");

  const json stop = {{"kind", "stop"}, {"date", Day(0)}, {"reason", "progression"}};
  ASSERT_EQ(Post("prescriber", "/api/v1/patients/WR-FRP/events", stop).status, 201);
  EXPECT_TRUE(Has(ExpectNotStored("pharmacist", "WR-FRP", dispense, "refused"), "therapy-stopped"));
}

// A resumption before the platelets recovered: refused without a reason; with one, stored with it,
// shown with the warnings it was recorded over, written in the audit log, and its finding resolved
// so that the worklist does not ask again.
TEST_F(WriteRulesChecks, AResumptionBeforeRecoveryIsStoredWithItsReason) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse()));
  const json low = {{"kind", "lab"}, {"date", Day(-1)}, {"test", "platelets"}, {"value", "20 10*9/L"}};
  ASSERT_EQ(Post("nurse", "/api/v1/patients/WR-MM/events", low).status, 201);
  ASSERT_EQ(StatusOf("WR-MM"), "interrupted");

  json resume = {{"kind", "resume"}, {"date", Day(0)}, {"dose", 20}};
  EXPECT_EQ(ExpectNotStored("prescriber", "WR-MM", resume, "needs-confirmation"),
            std::vector<std::string>{"check-dose"});

  const std::string reason = "haematologist reviewed the count by phone";
  resume["confirm"] = {{"reason", reason}};
  const http::Response r = Post("prescriber", "/api/v1/patients/WR-MM/events", resume);
  ASSERT_EQ(r.status, 201) << r.body;
  const json recorded = json::parse(r.body);
  EXPECT_EQ(recorded.value("reason", ""), reason);
  EXPECT_EQ(ConfirmedOver(recorded), "check-dose");

  bool shown = false, resolved = false;
  for (const json& e : EventsOf("WR-MM")) {
    if (e["event"]["type"] == "resume") {
      shown = true;
      EXPECT_EQ(IdOf(e, "id"), IdOf(recorded, "id"));
      EXPECT_EQ(e.value("reason", ""), reason);
      EXPECT_EQ(ConfirmedOver(e), "check-dose");
    }
    if (e["event"]["type"] == "finding-resolved") resolved = e.value("reason", "") == reason;
  }
  EXPECT_TRUE(shown);
  EXPECT_TRUE(resolved) << EventsOf("WR-MM").dump(1);

  bool audited = false;
  const json log = GetJson("/api/v1/audit/log?limit=200", "admin");
  for (const json& entry : log["entries"]) {
    audited = audited || (entry["action"] == "event.record" && entry["subject"] == "WR-MM" &&
                          entry["detail"].get<std::string>().find("reason: " + reason) != std::string::npos);
  }
  EXPECT_TRUE(audited);

  // 5. Confirmed over the finding: no "check dose" item waits on the worklist.
  EXPECT_EQ(ItemsAbout("WR-MM", "check-dose"), json::array()) << WorkItems("WR-MM").dump(1);
  EXPECT_EQ(StatusOf("WR-MM"), "taking");
}

// ---- 3. and 4. Corrections ------------------------------------------------------------------------

class WriteRulesCorrections : public WriteRulesSite {};

TEST_F(WriteRulesCorrections, AFhirCorrectionReplacesTheResultAndEnteredInErrorRetractsIt) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  auto import = [&](const std::string& status, double value) {
    const http::Response r = Import("nurse", PlateletResource("plt-1", "WR-MM", status, value));
    EXPECT_EQ(r.status, 200) << status << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  };
  EXPECT_EQ(import("final", 250)["written"], 1);
  EXPECT_EQ(StatusOf("WR-MM"), "taking");

  EXPECT_EQ(import("corrected", 20)["written"], 1);
  EXPECT_EQ(StatusOf("WR-MM"), "interrupted");
  const json events = EventsOf("WR-MM");
  ASSERT_EQ(events.size(), 2u) << events.dump(1);
  EXPECT_EQ(events[0]["event"]["value"], "250 10*9/L");
  EXPECT_EQ(IdOf(events[0], "replaced_by"), IdOf(events[1], "id"));
  EXPECT_EQ(events[1]["event"]["value"], "20 10*9/L");
  EXPECT_EQ(IdOf(events[1], "replaces"), IdOf(events[0], "id"));
  EXPECT_EQ(events[1]["source"], "upload|Patient/WR-MM|Observation/plt-1@2");  // source, patient, id

  EXPECT_EQ(import("entered-in-error", 20)["written"], 1);
  EXPECT_EQ(StatusOf("WR-MM"), "taking");
  EXPECT_EQ(EventsOf("WR-MM").size(), 3u);  // nothing deleted: the retraction is a row of its own
}

TEST_F(WriteRulesCorrections, AChangedFinalResultIsRefused) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  ASSERT_EQ(Import("nurse", PlateletResource("plt-2", "WR-MM", "final", 250)).status, 200);
  const std::string before = Snapshot();
  const http::Response r = Import("nurse", PlateletResource("plt-2", "WR-MM", "final", 20));
  EXPECT_EQ(r.status, 400) << r.body;
  const json answer = json::parse(r.body);
  ASSERT_EQ(answer["problems"].size(), 1u) << r.body;
  EXPECT_NE(answer["problems"][0].get<std::string>().find("corrected or amended"), std::string::npos) << r.body;
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(StatusOf("WR-MM"), "taking");
}

TEST_F(WriteRulesCorrections, ALabEnteredInErrorThroughTheApiNoLongerCounts) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  const json low = {{"kind", "lab"}, {"date", Day(0)}, {"test", "platelets"}, {"value", "20 10*9/L"}};
  const http::Response lab = Post("nurse", "/api/v1/patients/WR-MM/events", low);
  ASSERT_EQ(lab.status, 201) << lab.body;
  ASSERT_EQ(StatusOf("WR-MM"), "interrupted");
  const std::string path = "/api/v1/patients/WR-MM/events/" +
                           std::to_string(json::parse(lab.body)["id"].get<int64_t>()) + "/entered-in-error";
  const json body = {{"reason", "the sample was clotted"}};

  // A pharmacist does not record labs, so cannot retract one.
  const std::string before = Snapshot();
  const http::Response refused = Post("pharmacist", path, body);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(StatusOf("WR-MM"), "interrupted");

  const http::Response r = Post("nurse", path, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(StatusOf("WR-MM"), "taking");
  const json events = EventsOf("WR-MM");
  ASSERT_EQ(events.size(), 2u) << events.dump(1);
  EXPECT_EQ(IdOf(events[0], "replaced_by"), IdOf(events[1], "id"));
  EXPECT_EQ(events[1].value("reason", ""), "the sample was clotted");
}

TEST_F(WriteRulesCorrections, AFhirRetractionNeedsTheRoleThatRecordsTheEntry) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  ASSERT_EQ(Import("nurse", PlateletResource("plt-3", "WR-MM", "final", 20)).status, 200);
  ASSERT_EQ(StatusOf("WR-MM"), "interrupted");
  const std::string before = Snapshot();
  const http::Response r = Import("pharmacist", PlateletResource("plt-3", "WR-MM", "entered-in-error", 20));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("the pharmacist role may not record lab results"), std::string::npos) << r.body;
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(StatusOf("WR-MM"), "interrupted");
}

// A result retracted by the laboratory and then issued again with a new value: the new value is
// stored (and decides the answer), never counted as "unchanged" and dropped; the retracted value
// sent again stays retracted. (Regression: the new value was counted unchanged and lost.)
TEST_F(WriteRulesCorrections, AResultIssuedAgainAfterItsRetractionIsNotSilentlyDropped) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  ASSERT_EQ(Import("nurse", PlateletResource("plt-4", "WR-MM", "final", 250)).status, 200);
  ASSERT_EQ(Import("nurse", PlateletResource("plt-4", "WR-MM", "entered-in-error", 250)).status, 200);
  ASSERT_EQ(StatusOf("WR-MM"), "taking");
  const http::Response r = Import("nurse", PlateletResource("plt-4", "WR-MM", "corrected", 20));
  const json answer = json::parse(r.body);
  EXPECT_EQ(answer["unchanged"], 0) << r.body;
  EXPECT_EQ(answer["written"], 1) << r.body;
  EXPECT_EQ(StatusOf("WR-MM"), "interrupted");
  // The retracted value, sent again as it was: it stays retracted.
  const json again = json::parse(Import("nurse", PlateletResource("plt-4", "WR-MM", "final", 250)).body);
  EXPECT_EQ(again["written"], 0) << again.dump();
  EXPECT_EQ(StatusOf("WR-MM"), "interrupted");
}

// An amendment through the API (replaces + correction) by a role that records the entry.
TEST_F(WriteRulesCorrections, AnAmendedLabReplacesTheEntry) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  const json low = {{"kind", "lab"}, {"date", Day(0)}, {"test", "platelets"}, {"value", "20 10*9/L"}};
  const http::Response lab = Post("nurse", "/api/v1/patients/WR-MM/events", low);
  ASSERT_EQ(lab.status, 201) << lab.body;
  const int64_t id = json::parse(lab.body)["id"].get<int64_t>();
  ASSERT_EQ(StatusOf("WR-MM"), "interrupted");
  json amended = low;
  amended["value"] = "200 10*9/L";
  amended["replaces"] = id;
  amended["correction"] = "transcription error: 200, not 20";

  const std::string before = Snapshot();
  EXPECT_EQ(Post("pharmacist", "/api/v1/patients/WR-MM/events", amended).status, 403);
  EXPECT_EQ(Snapshot(), before);

  const http::Response r = Post("nurse", "/api/v1/patients/WR-MM/events", amended);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(StatusOf("WR-MM"), "taking");
  const json events = EventsOf("WR-MM");
  ASSERT_EQ(events.size(), 2u) << events.dump(1);
  EXPECT_EQ(IdOf(events[0], "replaced_by"), IdOf(events[1], "id"));
  EXPECT_EQ(IdOf(events[1], "replaces"), id);
  EXPECT_NE(events[1].value("reason", "").find("transcription error"), std::string::npos) << events.dump(1);
}

// ---- 5. The worklist ------------------------------------------------------------------------------

class WriteRulesWorklist : public WriteRulesSite {};

// A dose diary entry is not checked when imported: the "check dose" finding it raises waits on the
// worklist until a prescriber resolves it with a reason.
TEST_F(WriteRulesWorklist, AnUncheckedFindingWaitsUntilResolved) {
  json course = MyelomaCourse(-5);
  course["events"].push_back({{"date", Day(-1)}, {"type", "lab"}, {"test", "platelets"}, {"value", "20 10*9/L"}});
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", course));
  const http::Response imported =
      Import("nurse", EventResource("dose-1", "WR-MM", {{"type", "dose-taken"}, {"date", Day(0)}}));
  ASSERT_EQ(imported.status, 200) << imported.body;

  const json items = ItemsAbout("WR-MM", "check-dose");
  ASSERT_EQ(items.size(), 1u) << WorkItems("WR-MM").dump(1);
  const std::string finding = items[0].value("finding", "");
  EXPECT_FALSE(finding.empty());
  const json resolve = {{"finding", finding}, {"reason", "the patient took it before the call"}};

  const std::string before = Snapshot();
  EXPECT_EQ(Post("nurse", "/api/v1/patients/WR-MM/findings/resolve", resolve).status, 403);
  EXPECT_EQ(Snapshot(), before);

  const http::Response r = Post("prescriber", "/api/v1/patients/WR-MM/findings/resolve", resolve);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(ItemsAbout("WR-MM", "check-dose"), json::array()) << WorkItems("WR-MM").dump(1);
}

TEST_F(WriteRulesWorklist, ASevereSymptomFromThePatientWaitsUntilResolved) {
  const json entry = {{"date", Day(0)}, {"symptom", "fever and chills"}, {"severity", "severe"}};
  const http::Response r = Post("patient", "/api/v1/patients/DEMO-1001/symptoms", entry);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string finding = "symptom:" + std::to_string(json::parse(r.body)["id"].get<int64_t>());

  const json items = ItemsAbout("DEMO-1001", "symptom");
  ASSERT_EQ(items.size(), 1u) << WorkItems("DEMO-1001").dump(1);
  EXPECT_EQ(items[0].value("finding", ""), finding);
  EXPECT_EQ(items[0]["urgency"], "needs-human");

  const http::Response resolved = Post("prescriber", "/api/v1/patients/DEMO-1001/findings/resolve",
                                       {{"finding", finding}, {"reason", "called her: seen in clinic today"}});
  EXPECT_EQ(resolved.status, 201) << resolved.body;
  EXPECT_EQ(ItemsAbout("DEMO-1001", "symptom"), json::array());
}

TEST_F(WriteRulesWorklist, OnlyThePatientWritesTheirDiaryAndNeverAhead) {
  const json entry = {{"date", Day(0)}, {"symptom", "tired"}, {"severity", "mild"}};
  const int64_t before = site_.Count("symptoms");
  const http::Response nurse = Post("nurse", "/api/v1/patients/DEMO-1001/symptoms", entry);
  EXPECT_EQ(nurse.status, 403) << nurse.body;
  json ahead = entry;
  ahead["date"] = Day(1);
  const http::Response future = Post("patient", "/api/v1/patients/DEMO-1001/symptoms", ahead);
  EXPECT_EQ(future.status, 400) << future.body;
  EXPECT_EQ(json::parse(future.body)["error"]["field"], "date");
  EXPECT_EQ(site_.Count("symptoms"), before);
}

// ---- 6. Import identifiers ------------------------------------------------------------------------

class WriteRulesImport : public WriteRulesSite {};

TEST_F(WriteRulesImport, PatientIdentifiersOutsideTheFhirIdCharactersAreNotStored) {
  const std::vector<std::string> bad = {"a b", std::string(65, 'a'), "evil\u202Egnp.exe", "../admin", ""};
  std::vector<json> resources;
  for (const std::string& id : bad) resources.push_back(PatientResource(id, "Bad Id"));
  resources.push_back(PlateletResource("wr-bad-subject", "a b", "final", 150));
  resources.push_back(PatientResource("WR-GOOD.1_a", "Good Id"));  // the control: stored
  const int64_t patients = site_.Count("patients");
  const int64_t events = site_.Count("events");

  const http::Response r = Import("prescriber", Bundle(resources));
  EXPECT_EQ(r.status, 400) << r.body;
  const json answer = json::parse(r.body);
  EXPECT_EQ(answer["written"], 1) << r.body;
  // A Patient without an id is valid R4: skipped (nothing could refer to it), not invalid.
  EXPECT_EQ(answer["invalid"], static_cast<int>(bad.size())) << r.body;
  EXPECT_EQ(answer["skipped_by_reason"]["Patient without an id (not used: nothing could refer to it)"], 1) << r.body;
  std::string problems;
  for (const json& p : answer["problems"]) problems += p.get<std::string>() + "\n";
  for (const std::string& id : bad) {
    if (!id.empty()) {
      EXPECT_NE(problems.find("Patient/" + id.substr(0, 8)), std::string::npos) << id;
    }
  }
  EXPECT_NE(problems.find("Observation/wr-bad-subject"), std::string::npos) << problems;
  EXPECT_EQ(site_.Count("patients"), patients + 1);
  EXPECT_EQ(site_.Count("events"), events);
  EXPECT_EQ(site_.Get("/api/v1/patients/WR-GOOD.1_a", &As("prescriber")).status, 200);
}

// A write the engine would store only with a reason cannot be confirmed in a file: it is reported.
TEST_F(WriteRulesImport, AWriteThatNeedsAReasonIsReportedNotStored) {
  ASSERT_EQ(StatusOf("DEMO-1003"), "taking");
  const std::string before = Snapshot();
  const http::Response r = Import(
      "prescriber", EventResource("wr-resume", "DEMO-1003", {{"type", "resume"}, {"date", Day(0)}, {"dose_mg", 15}}));
  EXPECT_EQ(r.status, 400) << r.body;
  const json answer = json::parse(r.body);
  ASSERT_EQ(answer["problems"].size(), 1u) << r.body;
  const std::string problem = answer["problems"][0];
  EXPECT_NE(problem.find("Observation/wr-resume"), std::string::npos) << problem;
  EXPECT_NE(problem.find("confirm with a reason"), std::string::npos) << problem;
  EXPECT_EQ(Snapshot(), before);
}

// The export of a corrected record is the record as it stands: a lab marked entered in error and
// a FHIR result corrected to a new value import into another database as the same course, with
// the same answer (the retracted and replaced rows and the correction rows stay behind).
TEST_F(WriteRulesCorrections, AnExportOfACorrectedRecordImportsToTheSameAnswer) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  const json low = {{"kind", "lab"}, {"date", Day(0)}, {"test", "platelets"}, {"value", "5 10*9/L"}};
  const http::Response lab = Post("nurse", "/api/v1/patients/WR-MM/events", low);
  ASSERT_EQ(lab.status, 201) << lab.body;
  const std::string id = std::to_string(json::parse(lab.body)["id"].get<int64_t>());
  ASSERT_EQ(
      Post("nurse", "/api/v1/patients/WR-MM/events/" + id + "/entered-in-error", {{"reason", "wrong patient"}}).status,
      201);
  ASSERT_EQ(Import("nurse", PlateletResource("plt-x", "WR-MM", "final", 250)).status, 200);
  ASSERT_EQ(Import("nurse", PlateletResource("plt-x", "WR-MM", "corrected", 20)).status, 200);
  ASSERT_EQ(StatusOf("WR-MM"), "interrupted");
  const json bundle = GetJson("/api/v1/patients/WR-MM/export");
  const std::string text = bundle.dump();
  EXPECT_EQ(text.find("entered-in-error"), std::string::npos) << "a correction row was exported";
  EXPECT_EQ(text.find("5 10*9/L"), std::string::npos) << "the retracted lab was exported";
  EXPECT_EQ(text.find("\"id\":\"plt-x@"), std::string::npos) << "a version suffix is not a FHIR id";

  testing::TestDatabase other_db{"sqlite"};
  auto other = store::Store::Open(other_db.target(), testing::TestClock(), other_db.audit());
  ASSERT_TRUE(other.ok()) << other.error().Describe();
  const std::string file = other_db.dir() + "/export.json";
  std::ofstream(file) << text;
  app::ImportRequest r;
  r.paths = {file};
  auto imported = app::Import(testing::TestContext(other->get()), r);
  ASSERT_TRUE(imported.ok()) << imported.error().Describe();
  EXPECT_EQ(imported->summary.invalid, 0) << wire::ImportJson(imported->summary).dump();
  const Date today = testing::TestClock().Today();
  auto mine = testing::LoadCourse(site_.store(), "WR-MM", today);
  auto theirs = testing::LoadCourse(**other, "WR-MM", today);
  ASSERT_TRUE(mine.ok() && theirs.ok());
  EXPECT_EQ(testing::EngineSummary(theirs->course, today), testing::EngineSummary(mine->course, today));
}

// lenacare's own exported Observation (the event in its extension), retracted by the system that
// received it: status entered-in-error retracts it here too. (Regression: the extension was read
// whatever the status, and the retraction stored the event again.)
TEST_F(WriteRulesCorrections, AnExportedObservationEnteredInErrorRetractsTheEvent) {
  ASSERT_TRUE(testing::StoreCourseFile(site_.store(), "WR-MM", MyelomaCourse(-3)));
  json obs = PlateletResource("plt-ext", "WR-MM", "final", 20);
  const json event = {{"date", Day(0)}, {"type", "lab"}, {"test", "platelets"}, {"value", "20 10*9/L"}};
  obs["extension"] = json::array({{{"url", std::string(fhir::kEventExtension)}, {"valueString", event.dump()}}});
  ASSERT_EQ(Import("nurse", obs).status, 200);
  ASSERT_EQ(StatusOf("WR-MM"), "interrupted");
  obs["status"] = "entered-in-error";
  const http::Response r = Import("nurse", obs);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["written"], 1) << r.body;
  EXPECT_EQ(StatusOf("WR-MM"), "taking");
}

// The REMS-facts form shows the stored facts, so that saving one of them keeps the other.
// (Regression: both selects started at "not recorded", and saving the form erased the category.)
TEST_F(WriteRulesRoles, TheRemsFactsFormShowsAndKeepsTheStoredFacts) {
  ASSERT_NO_FATAL_FAILURE(AddRolePatients(site_.store()));
  ASSERT_EQ(
      Post("prescriber", "/api/v1/patients/WR-NOCOURSE/details", {{"facts", {{"rems_category", "adult-male"}}}}).status,
      200);
  const Credentials prescriber = site_.SignIn("prescriber");
  const http::Response page = site_.Get("/patients/WR-NOCOURSE", &prescriber);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<option value=\"adult-male\" selected>"), std::string::npos);
}

}  // namespace
}  // namespace lenacare
