// The visit report: its PDF read back as text with poppler's pdftotext (Debian's poppler-utils)
// holds the period's doses, holds, blood counts with their thresholds, symptoms, pregnancy tests
// and questions, the disclaimer and the date it was made; the page and the PDF refuse a bad
// period in plain words; and only the patient, their caregivers and the care team may read it.
#include "app/visit_report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "store/accounts.h"
#include "test_support.h"
#include "webapp_support.h"
#include "wire/text.h"

namespace lenacare {
namespace {

using testing::Credentials;
using testing::TestSite;

constexpr const char* kRef = "REP-1";
constexpr const char* kPassword = "a long enough password";

std::string Day(int offset) { return testing::TestClock().Today().AddDays(offset).ToString(); }

// The text of a PDF, as pdftotext reads it ("" when it cannot).
std::string PdfText(const std::string& pdf, const std::string& dir) {
  const std::string path = dir + "/report.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  std::string out;
  FILE* p = popen(("pdftotext -layout " + path + " - 2>/dev/null").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

class VisitReport : public ::testing::Test {
 protected:
  void SetUp() override {
    store::PatientRecord p;
    p.ref = kRef;
    p.name = "Rhea Porter";
    p.sex = "male";
    p.birth_date = "1949-09-09";
    ASSERT_TRUE(testing::AddPatient(site_.store(), p).ok());
    auto c = testing::StartCourse(site_.store(), kRef,
                                  R"({"indication":"mm","setting":"newly-diagnosed","start_date":")" + Day(-10) +
                                      R"(","starting_dose_mg":25,"starting_days":"1-21"})");
    ASSERT_TRUE(c.ok()) << c.error().Describe();
    for (const std::string& e :
         {R"({"type":"lab","date":")" + Day(-10) + R"(","test":"platelets","value":"180 10*9/L"})",
          R"({"type":"dose-taken","date":")" + Day(-10) + R"("})",
          R"({"type":"dose-missed","date":")" + Day(-9) + R"(","reason":"forgot the morning dose"})",
          R"({"type":"lab","date":")" + Day(-3) + R"(","test":"anc","value":"1.7 10*9/L"})",
          R"({"type":"toxicity","date":")" + Day(-2) + R"(","term":"rash maculo-papular","grade":2})",
          R"({"type":"hold","date":")" + Day(-1) + R"(","reason":"infection, by the prescriber"})"}) {
      auto r = testing::RecordEvent(site_.store(), kRef, e);
      ASSERT_TRUE(r.ok()) << e << ": " << r.error().Describe();
    }
    ASSERT_TRUE(
        store::Accounts(site_.store(), "t").AddUser("rep-patient", store::Role::kPatient, kPassword, kRef).ok());
    patient_ = site_.SignInAs("rep-patient", kPassword);
    ASSERT_EQ(site_
                  .PostForm("/me/symptoms", {{"date", Day(-4)}, {"symptom", "itchy skin"}, {"severity", "moderate"}},
                            &patient_)
                  .status,
              303);
    ASSERT_EQ(site_.PostForm("/me/questions", {{"question", "Can I get the flu vaccine?"}}, &patient_).status, 303);
  }

  TestSite site_;
  Credentials patient_;
  testing::TestDatabase scratch_{"sqlite"};
};

TEST_F(VisitReport, ThePdfHasRealTextWithThePeriodsDosesLabsSymptomsAndQuestions) {
  http::Response r = site_.Get("/me/report.pdf?from=" + Day(-13) + "&to=" + Day(0), &patient_);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.content_type, "application/pdf");
  ASSERT_EQ(r.body.rfind("%PDF-", 0), 0u);
  const std::string text = PdfText(r.body, scratch_.dir());
  ASSERT_FALSE(text.empty()) << "pdftotext read nothing";
  for (const std::string& want :
       {std::string("Visit report: Rhea Porter (REP-1)"), std::string("pill days marked taken"),
        Day(-9) + ": missed (forgot the morning dose)",
        std::string("therapy put on hold (infection, by the prescriber)"), Day(-10) + " 180 10*9/L",
        Day(-3) + " 1.7 10*9/L", std::string("hold below"), std::string("itchy skin (moderate)"),
        std::string("rash maculo-papular, CTCAE grade 2"), std::string("Can I get the flu vaccine?"),
        "Made on " + Day(0)}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing '" << want << "' in:\n" << text;
  }
  // The disclaimer, on every page (its first words survive any line break).
  const std::string disclaimer(wire::kDisclaimer);
  EXPECT_NE(text.find(disclaimer.substr(0, 30)), std::string::npos) << text;
  // Before the period: not in it.
  http::Response later = site_.Get("/me/report.pdf?from=" + Day(-2) + "&to=" + Day(0), &patient_);
  const std::string later_text = PdfText(later.body, scratch_.dir());
  EXPECT_EQ(later_text.find("180 10*9/L"), std::string::npos);
  EXPECT_NE(later_text.find("rash maculo-papular"), std::string::npos);
}

TEST_F(VisitReport, TheHtmlPageMatchesAndABadPeriodIsRefusedInPlainWords) {
  http::Response page = site_.Get("/me/report?from=" + Day(-13) + "&to=" + Day(0), &patient_);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Can I get the flu vaccine?"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"report-pdf\""), std::string::npos);
  EXPECT_NE(page.body.find("<svg"), std::string::npos) << "the count charts";
  for (const std::string& bad :
       {std::string("/me/report?from=2026-13-01"), "/me/report?to=" + Day(5),
        "/me/report?from=" + Day(0) + "&to=" + Day(-3), std::string("/me/report?from=2000-01-01")}) {
    http::Response r = site_.Get(bad, &patient_);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(r.body.find("From: ") != std::string::npos || r.body.find("To: ") != std::string::npos) << bad;
  }
}

TEST_F(VisitReport, OnlyThePatientTheirCaregiversAndTheCareTeamReadIt) {
  const Credentials nurse = site_.SignIn("nurse"), other = site_.SignIn("patient");
  EXPECT_EQ(site_.Get("/patients/REP-1/report.pdf", &nurse).status, 200);
  EXPECT_EQ(site_.Get("/patients/REP-1/report", &other).status, 403);
  EXPECT_EQ(site_.Get("/patients/REP-1/report.pdf").status, 401);
  // By the use case: another patient's record is forbidden.
  auto ctx = testing::TestContext(&site_.store(), "demo-patient");
  ctx.authority = app::Authority{app::Authority::Kind::kUser, store::Role::kPatient, "DEMO-1001", {}};
  auto r = app::ReadVisitReport(ctx, {kRef, "", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kForbidden);
}

}  // namespace
}  // namespace lenacare
