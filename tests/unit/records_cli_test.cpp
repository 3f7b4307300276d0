// The record commands end to end through the lenacare binary: patients, courses, events, status,
// import, export, worklist and audit, each with the errors a user can cause.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "store/store.h"
#include "store_support.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::RunLenacare;

class RecordsCliTest : public ::testing::Test {
 protected:
  std::string Db() const { return "--db '" + dir_.dir() + "/cli.db'"; }
  testing::CommandResult Run(const std::string& args) { return RunLenacare(args + " " + Db()); }
  testing::TestDatabase dir_{"sqlite"};
};

TEST_F(RecordsCliTest, APatientFromAdmissionToStatus) {
  auto r =
      Run("patient add MRN-7 --name 'Ann Example' --sex female --birth-date 1961-05-02 --weight '64 kg' "
          "--facts '{\"can_become_pregnant\": false, \"crcl\": \"75 mL/min\"}'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Added patient MRN-7"), std::string::npos);
  EXPECT_NE(r.out.find("never replaces"), std::string::npos);  // the disclaimer
  r = Run("course start MRN-7 --indication mm --start 2026-01-05 --dose 25 --setting newly-diagnosed");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run("record lab MRN-7 --date 2026-01-12 --test platelets --value '24 K/uL'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The dose of the same day, taken while the count says hold: flagged, stored only with a reason.
  r = Run("record dose MRN-7 --date 2026-01-12");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("while therapy was interrupted [check-dose]"), std::string::npos) << r.err;
  r = Run("record dose MRN-7 --date 2026-01-12 --confirm 'taken in the morning, before the count came back'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run("status MRN-7 --as-of 2026-01-13 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["patient"]["ref"], "MRN-7");
  EXPECT_EQ(j["evaluate"]["status"], "interrupted");  // platelets < 30: the engine's rule
  r = Run("patient show MRN-7 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The lab, the dose (with its reason) and the finding that reason resolved.
  const json events = json::parse(r.out)["events"];
  ASSERT_EQ(events.size(), 3u) << r.out;
  EXPECT_EQ(events[1]["reason"], "taken in the morning, before the count came back");
  EXPECT_EQ(events[1]["confirmed_over"][0]["code"], "check-dose");
  EXPECT_EQ(events[2]["event"]["type"], "finding-resolved");
  r = Run("patient list");
  EXPECT_NE(r.out.find("MRN-7  Ann Example  female  born 1961-05-02"), std::string::npos) << r.out;
  r = Run("audit log --limit 3 --json");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(json::parse(r.out)["entries"].size(), 3u);
  r = Run("audit verify");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("verifies"), std::string::npos);
}

TEST_F(RecordsCliTest, BadInputNamesTheOptionAndStoresNothing) {
  ASSERT_EQ(Run("patient add P1").exit_code, 0);
  ASSERT_EQ(Run("course start P1 --indication mm --start 2026-01-05 --dose 25").exit_code, 0);
  struct Case {
    std::string args, message;
    int exit_code;
  } cases[] = {
      {"record lab P1 --date 2026-01-12 --test anc --value '0.8 mg/dL'", "--value: unit 'mg/dL'", 2},
      {"record lab P1 --date 2026-01-12 --test anc --value 0.8", "--value: '0.8' has no unit", 2},
      {"record lab P1 --date 12/01/2026 --test anc --value '0.8 10*9/L'", "--date", 2},
      {"record toxicity P1 --date 2026-01-12 --term rash --grade 9", "--grade", 2},
      // The option the user typed (an earlier version named a "--dose-mg" that does not exist).
      {"record resume P1 --date 2026-01-12 --dose 7", "--dose: 7 mg cannot be made", 2},
      {"record hold P9 --date 2026-01-12", "no patient 'P9'", 2},
      {"record event P1 --json-event '{\"date\":\"2026-01-12\",\"type\":\"nap\"}'", "unknown event type", 2},
      {"record dispense P1 --date 2026-01-12 --days-supply 28", "before any prescription", 2},
      {"course start P1 --start 2026-01-05 --dose 25", "--indication: missing", 2},
      {"course start P1 --indication xx --start 2026-01-05 --dose 25", "unknown indication", 2},
      {"patient add P1", "already exists", 2},
      {"patient add P2 --sex woman", "patient.sex", 2},
      {"patient show P9", "no patient 'P9'", 2},
      {"status P9", "no patient 'P9'", 2},
      {"status P1 --as-of tomorrow", "--as-of", 2},
      {"import /nonexistent/x.ndjson", "no such file", 2},
      {"import . --progress loud", "--progress", 2},
      {"import . --batch 0", "--batch", 2},
      {"worklist --days 999", "--days", 2},
      {"export P9", "no patient 'P9'", 2},
  };
  for (const Case& c : cases) {
    auto r = Run(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
  }
  auto show = Run("patient show P1 --json");
  EXPECT_EQ(json::parse(show.out)["events"].size(), 0u);
}

TEST_F(RecordsCliTest, ADatabaseThatCannotBeUsedIsAFailureNotBadInput) {
  auto r = RunLenacare("patient list --db /nonexistent-dir/x.db");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot open SQLite database"), std::string::npos) << r.err;
  r = RunLenacare("patient list --db 'postgresql://nobody@127.0.0.1:1/none?connect_timeout=2'");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot connect to PostgreSQL"), std::string::npos) << r.err;
  r = RunLenacare("patient list --db 'postgresql://%zz'");
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(RecordsCliTest, ImportSummarisesAndExportWritesABundle) {
  auto r = Run("import '" + testing::TestDataDir() + "/data/synthea-10-patients' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json sum = json::parse(r.out);
  EXPECT_EQ(sum["resources"], 2485);
  EXPECT_EQ(sum["invalid"], 0);
  r = Run("import '" + testing::TestDataDir() + "/data/synthea-10-patients'");
  EXPECT_NE(r.out.find(" 0 written"), std::string::npos) << r.out;
  std::ofstream(dir_.dir() + "/bad.ndjson") << "{oops\n";
  r = Run("import '" + dir_.dir() + "/bad.ndjson'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("bad.ndjson:1: not valid JSON"), std::string::npos) << r.out;
  r = Run("patient list --json");
  const std::string ref = json::parse(r.out)["patients"][0]["ref"];
  r = Run("export " + ref);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json bundle = json::parse(r.out);
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["entry"][0]["resource"]["id"], ref);
}

TEST_F(RecordsCliTest, WorklistListsWhoNeedsSomething) {
  ASSERT_EQ(Run("patient add P1").exit_code, 0);
  ASSERT_EQ(Run("course start P1 --indication mm --start 2026-01-05 --dose 25").exit_code, 0);
  auto r = Run("worklist --as-of 2026-01-14 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json w = json::parse(r.out);
  ASSERT_EQ(w["entries"].size(), 1u);
  EXPECT_EQ(w["entries"][0]["patient"], "P1");
  EXPECT_EQ(w["entries"][0]["items"][0]["urgency"], "overdue");
  r = Run("worklist --as-of 2026-01-14");
  EXPECT_NE(r.out.find("P1"), std::string::npos);
  EXPECT_NE(r.out.find("never replaces"), std::string::npos);
}

// The stored answers: a write through the command line stores its course's; one by another
// writer leaves it stale until `worklist refresh` (or the next worklist) recomputes it.
TEST_F(RecordsCliTest, WorklistRefreshRecomputesTheStaleAnswersAndPagesResume) {
  ASSERT_EQ(Run("patient add P1").exit_code, 0);
  ASSERT_EQ(Run("course start P1 --indication mm --start 2026-01-05 --dose 25").exit_code, 0);
  ASSERT_EQ(Run("patient add P2").exit_code, 0);
  ASSERT_EQ(Run("course start P2 --indication mm --start 2026-01-05 --dose 25").exit_code, 0);
  auto r = Run("worklist refresh --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["recomputed"], 0);  // the writes stored them
  {
    auto s = store::Store::Open(dir_.dir() + "/cli.db", testing::TestClock());
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->db().Run("UPDATE patients SET facts = '{\"weight\":\"70 kg\"}' WHERE ref = 'P1'", {}).ok());
  }
  r = Run("worklist refresh");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Recomputed 1 stored worklist answer for "), std::string::npos) << r.out;
  r = Run("worklist --limit 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json first = json::parse(r.out);
  ASSERT_EQ(first["entries"].size(), 1u);
  ASSERT_TRUE(first["next"].is_string());
  r = Run("worklist --limit 1 --json --after " + first["next"].get<std::string>());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json second = json::parse(r.out);
  ASSERT_EQ(second["entries"].size(), 1u);
  EXPECT_NE(second["entries"][0]["patient"], first["entries"][0]["patient"]);
  EXPECT_TRUE(second["next"].is_null());
  r = Run("worklist --limit 1 --after zz");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--after"), std::string::npos) << r.err;
}

TEST_F(RecordsCliTest, AuditVerifyFailsAfterAnEditByHand) {
  ASSERT_EQ(Run("patient add P1").exit_code, 0);
  ASSERT_EQ(Run("patient show P1").exit_code, 0);
  {
    auto s = store::Store::Open(dir_.dir() + "/cli.db", testing::TestClock());
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->db().ExecScript("DROP TRIGGER audit_no_update").ok());
    ASSERT_TRUE((*s)->db().Run("UPDATE audit SET actor = 'someone else' WHERE seq = 1", {}).ok());
  }
  auto r = Run("audit verify");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("does NOT verify: entry 1: its contents do not match its hash (edited)"), std::string::npos)
      << r.out;
}

TEST_F(RecordsCliTest, TokensAreListedAndRevokedAndADisabledAccountsTokensStop) {
  const std::string password = "a long enough password\n";
  ASSERT_EQ(RunLenacare("user add ops.nurse --role nurse " + Db(), password).exit_code, 0);
  auto r = Run("token add ops.nurse --name 'lab robot' --days 400");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("1 to 365 days"), std::string::npos) << r.err;
  r = Run("token add ops.nurse --name 'lab robot' --days 30 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run("token list ops.nurse --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json listed = json::parse(r.out)["tokens"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["state"], "active");
  EXPECT_EQ(listed[0]["scope"], "nurse");
  EXPECT_EQ(Run("user disable ops.nurse").exit_code, 0);
  EXPECT_EQ(Run("user enable ops.nurse").exit_code, 0);
  r = Run("token revoke " + std::to_string(listed[0]["id"].get<int64_t>()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Run("token list").out.find("revoked"), std::string::npos);
  EXPECT_EQ(Run("token revoke 999").exit_code, 2);
  r = Run("audit log --json --limit 5");
  EXPECT_NE(r.out.find("token.revoke"), std::string::npos);
  EXPECT_NE(r.out.find("user.disable"), std::string::npos);
}

}  // namespace
}  // namespace lenacare
