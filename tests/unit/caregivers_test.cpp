// Caregivers: a patient's one-time invitation, the caregiver's own account, the patient's pages
// read (and, if allowed, written) by the caregiver with "entered by caregiver NAME", the dose check
// at the time the patient chose, revocation by the patient and by the care team, and a caregiver
// who can never reach another patient, on every patient route.
#include "app/caregivers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "store/accounts.h"
#include "test_support.h"
#include "webapp_support.h"

namespace lenacare {
namespace {

using testing::Credentials;
using testing::TestSite;

constexpr const char* kRef = "CARE-1";
constexpr const char* kPatientUser = "care-patient";
constexpr const char* kPassword = "a long enough password";

std::string Today() { return testing::TestClock().Today().ToString(); }

std::string CodeIn(const std::string& html) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex("id=\"invite-code\">([A-Z0-9-]{19})<"))) return "";
  return m[1];
}

std::string Fill(const std::string& pattern, const std::string& ref) {
  std::string out = pattern;
  for (const char* param : {"{ref}", "{id}", "{file}"}) {
    const size_t at = out.find(param);
    if (at != std::string::npos) out.replace(at, std::string(param).size(), std::string(param) == "{ref}" ? ref : "1");
  }
  return out;
}

class Caregivers : public ::testing::Test {
 protected:
  void SetUp() override {
    store::PatientRecord p;
    p.ref = kRef;
    p.name = "Carla Example";
    p.sex = "male";
    p.birth_date = "1950-01-01";
    ASSERT_TRUE(testing::AddPatient(site_.store(), p).ok());
    auto c = testing::StartCourse(site_.store(), kRef,
                                  std::string(R"({"indication":"mm","setting":"newly-diagnosed","start_date":")") +
                                      Today() + R"(","starting_dose_mg":25,"starting_days":"1-21"})");
    ASSERT_TRUE(c.ok()) << c.error().Describe();
    store::Accounts accounts(site_.store(), "tester");
    ASSERT_TRUE(accounts.AddUser(kPatientUser, store::Role::kPatient, kPassword, kRef).ok());
    patient_ = site_.SignInAs(kPatientUser, kPassword);
  }

  std::string Invite(bool may_write, const std::string& remind_after = "") {
    std::map<std::string, std::string> fields = {{"remind_after", remind_after}};
    if (may_write) fields["may_write"] = "on";
    http::Response r = site_.PostForm("/me/caregivers/invite", fields, &patient_);
    EXPECT_EQ(r.status, 200) << r.body;
    return CodeIn(r.body);
  }

  // A new caregiver account from a code, signed in.
  Credentials Join(const std::string& code, const std::string& username, const std::string& name) {
    http::Response r =
        site_.PostForm("/care/join", {{"code", code}, {"name", name}, {"username", username}, {"password", kPassword}},
                       nullptr, false);
    EXPECT_EQ(r.status, 303) << r.body;
    return site_.SignInAs(username, kPassword);
  }

  TestSite site_;
  Credentials patient_;
};

TEST_F(Caregivers, AnInvitedCaregiverReadsWritesAsThemselvesAndIsToldOfADoseNotMarked) {
  const std::string code = Invite(true, "09:00");
  ASSERT_EQ(code.size(), 19u);
  const Credentials anna = Join(code, "anna-k", "Anna, my daughter");
  http::Response list = site_.Get("/care", &anna);
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("/care/CARE-1"), std::string::npos);

  // The test clock is at noon: today's pill-day dose is not marked taken by 09:00.
  http::Response page = site_.Get("/care/CARE-1", &anna);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Carla Example"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"dose-alert\""), std::string::npos);
  EXPECT_NE(page.body.find("not marked taken by 09:00"), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"reminders\""), std::string::npos) << "the patient's own reminders";

  // A symptom and a dose, as the caregiver.
  ASSERT_EQ(site_
                .PostForm("/care/CARE-1/symptoms",
                          {{"date", Today()}, {"symptom", "rash on the arms"}, {"severity", "mild"}}, &anna)
                .status,
            303);
  ASSERT_EQ(site_.PostForm("/care/CARE-1/dose", {{"date", Today()}, {"what", "taken"}}, &anna).status, 303);
  page = site_.Get("/care/CARE-1", &anna);
  EXPECT_EQ(page.body.find("id=\"dose-alert\""), std::string::npos);
  // The patient sees who wrote it; the clinician sees who marked the dose.
  http::Response me = site_.Get("/me", &patient_);
  EXPECT_NE(me.body.find("entered by caregiver Anna, my daughter (anna-k)"), std::string::npos);
  EXPECT_NE(me.body.find("rash on the arms"), std::string::npos);
  const Credentials nurse = site_.SignIn("nurse");
  http::Response course = site_.Get("/patients/CARE-1", &nurse);
  EXPECT_NE(course.body.find("marked by anna-k"), std::string::npos);
  EXPECT_NE(course.body.find("Anna, my daughter"), std::string::npos) << "the access section";

  // The patient removes her: every caregiver route answers 403 and nothing more is stored.
  auto links = store::Accounts(site_.store(), "t").CaregiversOf(kRef);
  ASSERT_TRUE(links.ok());
  ASSERT_EQ(links->size(), 1u);
  ASSERT_EQ(site_.PostForm("/me/caregivers/" + std::to_string(links->front().id) + "/revoke", {}, &patient_).status,
            303);
  const std::string before = site_.Rows();
  EXPECT_EQ(site_.Get("/care/CARE-1", &anna).status, 403);
  EXPECT_EQ(site_.Get("/care/CARE-1/calendar", &anna).status, 403);
  EXPECT_EQ(site_.PostForm("/care/CARE-1/symptoms", {{"date", Today()}, {"symptom", "x"}, {"severity", "mild"}}, &anna)
                .status,
            403);
  EXPECT_EQ(site_.Rows(), before);
}

TEST_F(Caregivers, AReadOnlyCaregiverCannotWriteAndSeesNoForms) {
  const Credentials ben = Join(Invite(false), "ben-r", "Ben");
  http::Response page = site_.Get("/care/CARE-1", &ben);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("id=\"form-symptom\""), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"dose-taken\""), std::string::npos);
  const std::string before = site_.Rows();
  EXPECT_EQ(
      site_.PostForm("/care/CARE-1/symptoms", {{"date", Today()}, {"symptom", "x"}, {"severity", "mild"}}, &ben).status,
      403);
  EXPECT_EQ(site_.PostForm("/care/CARE-1/dose", {{"date", Today()}, {"what", "taken"}}, &ben).status, 403);
  EXPECT_EQ(site_.Rows(), before);
}

TEST_F(Caregivers, ACodeWorksOnceInAnyCaseAndACancelledOrWrongOneNotAtAll) {
  // The sign-up page is the invitation's, not a patient called "join" (regression: /care/{ref}
  // once answered it with "sign in").
  http::Response form = site_.Get("/care/join?code=ABCD");
  EXPECT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("id=\"form-join\""), std::string::npos);
  const std::string code = Invite(false);
  std::string typed = code;
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  Join(typed, "first-carer", "First");
  const int64_t users = site_.Count("users");
  http::Response again = site_.PostForm(
      "/care/join", {{"code", code}, {"name", "Second"}, {"username", "second-carer"}, {"password", kPassword}},
      nullptr, false);
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.body.find("this code does not work"), std::string::npos);
  EXPECT_EQ(site_.Count("users"), users) << "no account from a used code";

  const std::string cancelled = Invite(true);
  auto invites = store::Accounts(site_.store(), "t").InvitesOf(kRef);
  ASSERT_TRUE(invites.ok());
  ASSERT_EQ(invites->size(), 1u);
  ASSERT_EQ(
      site_.PostForm("/me/caregivers/invites/" + std::to_string(invites->front().id) + "/revoke", {}, &patient_).status,
      303);
  for (const std::string& bad : {cancelled, std::string("AAAA-BBBB-CCCC-DDDD"), std::string("x")}) {
    http::Response r = site_.PostForm(
        "/care/join", {{"code", bad}, {"name", "N"}, {"username", "third-carer"}, {"password", kPassword}}, nullptr,
        false);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.body.find("Invitation code: this code does not work"), std::string::npos) << "the form's own label";
  }
  EXPECT_EQ(site_.Count("users"), users);
  // Only a patient invites, and only for their own record.
  const Credentials nurse = site_.SignIn("nurse");
  EXPECT_EQ(site_.PostForm("/me/caregivers/invite", {}, &nurse).status, 403);
  auto ctx = testing::TestContext(&site_.store(), "someone");
  ctx.authority = app::Authority{app::Authority::Kind::kUser, store::Role::kPatient, "DEMO-1001", {}};
  EXPECT_EQ(app::InviteCaregiver(ctx, {kRef, true, ""}).error().kind, ErrorKind::kForbidden);
}

// As for patients: every route that names a patient refuses a caregiver for anyone else's record,
// whether or not it exists, stores nothing and shows nothing of it.
TEST_F(Caregivers, ACaregiverCanNeverReachAnotherPatientOnAnyRoute) {
  const Credentials anna = Join(Invite(true), "anna-k", "Anna");
  int routes = 0;
  for (const auto& r : site_.app().router().routes()) {
    const bool patient_route = r.pattern.find("{ref}") != std::string::npos ||
                               (r.pattern.rfind("/fhir/", 0) == 0 && r.pattern != "/fhir/metadata");
    if (!patient_route) continue;
    for (const char* other : {"DEMO-1002", "NO-SUCH-PATIENT"}) {
      ++routes;
      const std::string before = site_.Rows();
      const std::string path = Fill(r.pattern, other);
      http::Response resp =
          r.method == "GET" ? site_.Get(path + (r.pattern.rfind("/fhir/", 0) == 0 ? "?patient=DEMO-1002" : ""), &anna)
                            : site_.PostForm(path, {{"date", Today()}, {"what", "taken"}}, &anna);
      EXPECT_TRUE(resp.status == 403 || resp.status == 404 || resp.status == 401)
          << r.method << " " << path << ": " << resp.status;
      EXPECT_EQ(site_.Rows(), before) << r.method << " " << path;
      EXPECT_EQ(resp.body.find("Henry Example"), std::string::npos) << "leaks DEMO-1002: " << path;
    }
  }
  EXPECT_GE(routes, 40);
  for (const char* path :
       {"/patients", "/worklist", "/me", "/import", "/admin/users", "/api/v1/patients", "/api/v1/worklist"}) {
    const int status = site_.Get(path, &anna).status;
    EXPECT_TRUE(status == 403 || status == 404) << path << ": " << status;
  }
  EXPECT_EQ(site_.Get("/care/CARE-1", &anna).status, 200);
}

TEST_F(Caregivers, TheCareTeamSeesAndRevokesAccessAndEveryStepIsAudited) {
  const Credentials anna = Join(Invite(true), "anna-k", "Anna");
  auto links = store::Accounts(site_.store(), "t").CaregiversOf(kRef);
  ASSERT_TRUE(links.ok() && links->size() == 1u);
  const Credentials pharmacist = site_.SignIn("pharmacist");
  http::Response r =
      site_.PostForm("/patients/CARE-1/caregivers/" + std::to_string(links->front().id) + "/revoke", {}, &pharmacist);
  EXPECT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(site_.Get("/care/CARE-1", &anna).status, 403);
  auto audit = site_.store().AuditLog(50);
  ASSERT_TRUE(audit.ok());
  std::set<std::string> actions;
  for (const auto& e : *audit) actions.insert(e.action);
  for (const char* a : {"caregiver.invite", "caregiver.link", "caregiver.revoke"}) EXPECT_TRUE(actions.count(a)) << a;
}

}  // namespace
}  // namespace lenacare
