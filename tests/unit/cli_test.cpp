// The `lenacare` command as users and scripts see it: the real binary, run with arguments and
// standard input. The JSON field names checked here are a contract that outside acceptance tests
// rely on; the bad-input table checks that no malformed or implausible input ever yields a dose.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/date.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::RunLenacare;

constexpr const char* kNeverReplaces = "never replaces";

// The last non-empty line of a text.
std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

// A myeloma course: 25 mg from 2026-01-05, platelets fall below 30 x10^9/L on 2026-01-19 and
// recover on 2026-01-26. Events up to `last_event_date` are kept, so that the course can be
// evaluated as it stood on an earlier date.
std::string MyelomaCourse(const std::string& last_event_date) {
  const std::vector<std::pair<std::string, std::string>> events = {
      {"2026-01-12", R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "95 10*9/L"})"},
      {"2026-01-19", R"({"date": "2026-01-19", "type": "lab", "test": "platelets", "value": "24 10*9/L"})"},
      {"2026-01-26", R"({"date": "2026-01-26", "type": "lab", "test": "platelets", "value": "41000 /uL"})"},
  };
  std::string list;
  for (const auto& [date, text] : events) {
    if (date > last_event_date) break;
    list += (list.empty() ? "\n    " : ",\n    ") + text;
  }
  return R"({
  "indication": "mm",
  "start_date": "2026-01-05",
  "starting_dose_mg": 25,
  "patient": {"sex": "female", "birth_date": "1954-03-10", "weight": "70 kg"},
  "baseline": [
    {"date": "2026-01-02", "test": "creatinine", "value": "0.8 mg/dL"},
    {"date": "2026-01-02", "test": "platelets", "value": "180 10*9/L"}
  ],
  "events": [)" +
         list + "\n  ]\n}\n";
}

// --- crcl -------------------------------------------------------------------------------------

TEST(CliContract, CrclGivesTheCockcroftGaultClearanceAsANumber) {
  // standards.md §3.1: (140 - 72) * 58 / (72 * 1.3) * 0.85 = 35.82 mL/min.
  const CommandResult r = RunLenacare(R"(crcl --age 72 --sex female --weight "58 kg" --creatinine "1.3 mg/dL" --json)");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  ASSERT_TRUE(j.contains("crcl_ml_min")) << r.out;
  ASSERT_TRUE(j["crcl_ml_min"].is_number()) << r.out;
  EXPECT_NEAR(j["crcl_ml_min"].get<double>(), 35.82, 0.005);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliContract, CrclAcceptsPoundsAndMicromolesPerLitre) {
  // 127.87 lb = 58 kg; 114.92 umol/L = 1.3 mg/dL.
  const CommandResult r =
      RunLenacare(R"(crcl --age 72 --sex female --weight "127.87 lb" --creatinine "114.92 umol/L" --json)");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NEAR(ParseOut(r)["crcl_ml_min"].get<double>(), 35.82, 0.02);
}

// --- start-dose -------------------------------------------------------------------------------

TEST(CliContract, StartDoseForMyelomaAtCrcl45IsTenMgDailyOnDays1To21) {
  const CommandResult r = RunLenacare("start-dose --indication mm --crcl 45 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  ASSERT_TRUE(j["dose_mg"].is_number()) << r.out;
  EXPECT_EQ(j["dose_mg"].get<double>(), 10.0);
  EXPECT_EQ(j["frequency"], "daily");
  EXPECT_EQ(j["after_dialysis"], false);
  EXPECT_EQ(j["days"], "1-21");
  EXPECT_EQ(j["cycle_days"], 28);
  ASSERT_TRUE(j["source"].is_string()) << r.out;
  EXPECT_FALSE(j["source"].get<std::string>().empty());
}

TEST(CliContract, StartDoseOnDialysisIsFiveMgAfterDialysis) {
  const CommandResult r = RunLenacare("start-dose --indication mm --dialysis --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["dose_mg"].get<double>(), 5.0);
  EXPECT_EQ(j["after_dialysis"], true);
  EXPECT_EQ(j["frequency"], "daily");
  EXPECT_FALSE(j["source"].get<std::string>().empty());
}

TEST(CliContract, StartDoseAtCrcl20IsFifteenMgEveryOtherDay) {
  const CommandResult r = RunLenacare("start-dose --indication mm --crcl 20 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["dose_mg"].get<double>(), 15.0);
  EXPECT_EQ(j["frequency"], "every-other-day");
  EXPECT_EQ(j["after_dialysis"], false);
}

TEST(CliContract, StartDoseAtNormalRenalFunctionIsTheLabelStartingDose) {
  const CommandResult r = RunLenacare("start-dose --indication mm --crcl 80 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["dose_mg"].get<double>(), 25.0);
  EXPECT_EQ(j["frequency"], "daily");
  EXPECT_EQ(j["days"], "1-21");
}

TEST(CliContract, StartDoseComputesTheClearanceFromTheFourCockcroftGaultInputs) {
  const CommandResult r = RunLenacare(
      R"(start-dose --indication mm --age 72 --sex female --weight "58 kg" --creatinine "1.3 mg/dL" --json)");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_NEAR(j["crcl_ml_min"].get<double>(), 35.82, 0.005);
  EXPECT_EQ(j["dose_mg"].get<double>(), 10.0);  // 30 to < 60 mL/min
  EXPECT_EQ(j["frequency"], "daily");
  EXPECT_EQ(j["after_dialysis"], false);
  EXPECT_FALSE(j["source"].get<std::string>().empty());
}

TEST(CliContract, StartDoseOnDialysisWithACrclOf45CannotBeAssessed) {
  const CommandResult r = RunLenacare("start-dose --indication mm --crcl 45 --dialysis --json");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_EQ(r.out.find("\"dose_mg\":"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("crcl"), std::string::npos) << r.err;
}

// --- calendar ---------------------------------------------------------------------------------

TEST(CliContract, CalendarListsEveryDayOfTwoCyclesWithPillAndRestDays) {
  const CommandResult r = RunLenacare("calendar --indication mm --start 2026-01-05 --cycles 2 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  ASSERT_TRUE(j["days"].is_array()) << r.out;
  ASSERT_EQ(j["days"].size(), 56u);
  const json& first = j["days"][0];
  EXPECT_EQ(first["date"], "2026-01-05");
  EXPECT_EQ(first["cycle"], 1);
  EXPECT_EQ(first["day"], 1);
  EXPECT_EQ(first["pill"], true);
  EXPECT_EQ(first["lenalidomide_mg"].get<double>(), 25.0);
  const json& day22 = j["days"][21];
  EXPECT_EQ(day22["date"], "2026-01-26");
  EXPECT_EQ(day22["pill"], false);
  const json& cycle2 = j["days"][28];
  EXPECT_EQ(cycle2["date"], "2026-02-02");
  EXPECT_EQ(cycle2["cycle"], 2);
  EXPECT_EQ(cycle2["day"], 1);
  EXPECT_EQ(cycle2["pill"], true);
  EXPECT_EQ(j["days"][55]["date"], "2026-03-01");
  EXPECT_EQ(j["regimen"]["dose_mg"].get<double>(), 25.0);
}

// --- evaluate ---------------------------------------------------------------------------------

TEST(CliContract, EvaluateReadsACourseFileAndReportsStatusDoseCycleAndRecommendations) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("lenacare-cli-test-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(file);
    out << MyelomaCourse("2026-01-19");
  }
  const CommandResult r = RunLenacare("evaluate '" + file.string() + "' --as-of 2026-01-20 --json");
  std::filesystem::remove(file);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["status"], "interrupted");
  EXPECT_EQ(j["cycle"], 1);
  EXPECT_EQ(j["cycle_day"], 16);
  ASSERT_TRUE(j["dose_mg"].is_number()) << r.out;  // the dose to resume at
  EXPECT_EQ(j["dose_mg"].get<double>(), 20.0);
  ASSERT_TRUE(j["recommendations"].is_array()) << r.out;
  ASSERT_FALSE(j["recommendations"].empty()) << r.out;
  bool interrupt = false;
  for (const json& rec : j["recommendations"]) {
    ASSERT_TRUE(rec["action"].is_string()) << rec;
    ASSERT_TRUE(rec["reason"].is_string()) << rec;
    ASSERT_TRUE(rec["source"].is_string()) << rec;
    if (rec["action"] == "interrupt") {
      interrupt = true;
      EXPECT_FALSE(rec["source"].get<std::string>().empty()) << rec;
    }
  }
  EXPECT_TRUE(interrupt) << r.out;
}

TEST(CliContract, EvaluateReadsTheCourseFromStandardInputWhenGivenADash) {
  const CommandResult r = RunLenacare("evaluate - --as-of 2026-01-27 --json", MyelomaCourse("2026-01-26"));
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["status"], "interrupted");
  EXPECT_EQ(j["cycle"], 1);
  EXPECT_EQ(j["cycle_day"], 23);
  EXPECT_EQ(j["dose_mg"].get<double>(), 20.0);
  bool resume = false;
  for (const json& rec : j["recommendations"]) resume = resume || rec["action"] == "resume";
  EXPECT_TRUE(resume) << r.out;
}

TEST(CliContract, EvaluateOnAPillDayBeforeAnyEventSaysTakeTheStartingDose) {
  const CommandResult r = RunLenacare("evaluate - --as-of 2026-01-06 --json", MyelomaCourse("2026-01-05"));
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["status"], "taking");
  EXPECT_EQ(j["cycle"], 1);
  EXPECT_EQ(j["cycle_day"], 2);
  EXPECT_EQ(j["dose_mg"].get<double>(), 25.0);
  bool take = false;
  for (const json& rec : j["recommendations"]) take = take || rec["action"] == "take";
  EXPECT_TRUE(take) << r.out;
}

TEST(CliContract, EvaluateOfADialysisCourseWithACrclOf45CannotBeAssessedAndGivesNoDose) {
  const CommandResult r = RunLenacare("evaluate - --as-of 2026-01-10 --json", R"({
    "indication": "mm", "start_date": "2026-01-05", "starting_dose_mg": 25,
    "patient": {"crcl": "45 mL/min", "dialysis": true}})");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["status"], "cannot-assess");
  EXPECT_TRUE(j["dose_mg"].is_null()) << r.out;
}

TEST(CliContract, APrescribersHoldAndResumeIsNotReportedAsAnEarlyResumption) {
  // A hold for a reason outside the label's tables ends when the prescriber resumes: there is
  // no count recovery to wait for, so nothing should be flagged.
  const CommandResult r = RunLenacare("evaluate - --as-of 2026-01-13 --json", R"({
    "indication": "mm", "start_date": "2026-01-05", "starting_dose_mg": 25,
    "patient": {"crcl": "80 mL/min"},
    "events": [
      {"date": "2026-01-08", "type": "hold", "reason": "infection"},
      {"date": "2026-01-12", "type": "resume"}
    ]})");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["status"], "taking");
  for (const json& rec : j["recommendations"]) EXPECT_NE(rec["action"], "check-dose") << rec;
}

// --- missed-dose ------------------------------------------------------------------------------

TEST(CliContract, AMissedDoseWithinTwelveHoursIsTakenNow) {
  const CommandResult r = RunLenacare("missed-dose --scheduled 08:00 --now 19:30 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["action"], "take-now");
  EXPECT_NEAR(j["hours_late"].get<double>(), 11.5, 1e-9);
  EXPECT_FALSE(j["source"].get<std::string>().empty());
}

TEST(CliContract, AMissedDoseAfterMoreThanTwelveHoursIsSkipped) {
  const CommandResult r = RunLenacare("missed-dose --scheduled 08:00 --now 20:30 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["action"], "skip");
  EXPECT_NEAR(j["hours_late"].get<double>(), 12.5, 1e-9);
}

TEST(CliContract, AMissedDoseAcrossMidnightNeedsDatedTimes) {
  const CommandResult r = RunLenacare("missed-dose --scheduled 2026-01-05T20:00 --now 2026-01-06T07:00 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(ParseOut(r)["action"], "take-now");
}

// --- knowledge check --------------------------------------------------------------------------

TEST(CliContract, KnowledgeCheckAcceptsTheRepositoryKnowledge) {
  const CommandResult r = RunLenacare("knowledge check");
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliContract, KnowledgeCheckOfAMissingDirectoryIsBadInput) {
  const CommandResult r = RunLenacare("knowledge check /nonexistent");
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_EQ(r.err.rfind("lenacare: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("/nonexistent"), std::string::npos) << r.err;
}

// --- help and the disclaimer ------------------------------------------------------------------

class CliHelp : public ::testing::TestWithParam<std::string> {};

TEST_P(CliHelp, ShowsTheDisclaimerAndExitsZero) {
  const CommandResult r = RunLenacare(GetParam());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find(kNeverReplaces), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Cli, CliHelp,
                         ::testing::Values("--help", "crcl --help", "start-dose --help", "calendar --help",
                                           "evaluate --help", "missed-dose --help", "capsules --help",
                                           "knowledge --help", "knowledge check --help", "demo --help"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name;
                           for (char c : param_info.param) {
                             if (std::isalnum(static_cast<unsigned char>(c)))
                               name += c;
                             else if (c == ' ' && !name.empty())
                               name += '_';
                           }
                           return name;
                         });

struct HumanCase {
  const char* name;
  std::string args;
  std::string stdin_text;
};

class CliHumanOutput : public ::testing::TestWithParam<HumanCase> {};

TEST_P(CliHumanOutput, EndsWithTheDisclaimer) {
  const CommandResult r = RunLenacare(GetParam().args, GetParam().stdin_text);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(LastLine(r.out).find(kNeverReplaces), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Cli, CliHumanOutput,
    ::testing::Values(HumanCase{"crcl", R"(crcl --age 72 --sex female --weight "58 kg" --creatinine "1.3 mg/dL")", ""},
                      HumanCase{"start_dose", "start-dose --indication mm --crcl 45", ""},
                      HumanCase{"calendar", "calendar --indication mm --start 2026-01-05", ""},
                      HumanCase{"evaluate", "evaluate - --as-of 2026-01-20", MyelomaCourse("2026-01-19")},
                      HumanCase{"missed_dose", "missed-dose --scheduled 08:00 --now 19:30", ""},
                      HumanCase{"capsules", "capsules --indication mm --dose 15", ""},
                      HumanCase{"knowledge_check", "knowledge check", ""}, HumanCase{"demo", "demo", ""}),
    [](const ::testing::TestParamInfo<HumanCase>& param_info) { return std::string(param_info.param.name); });

TEST(CliContract, JsonOutputCarriesNoDisclaimerTextOutsideTheJson) {
  const CommandResult r = RunLenacare("start-dose --indication mm --crcl 45 --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out.find(kNeverReplaces), std::string::npos) << r.out;
  ParseOut(r);
}

// --- documented examples ----------------------------------------------------------------------

struct ExampleCase {
  const char* file;
  const char* as_of;
  const char* status;
  double dose_mg;
};

class CliDocumentedExample : public ::testing::TestWithParam<ExampleCase> {};

TEST_P(CliDocumentedExample, RunsAsTheCourseFormatGuideShows) {
  const ExampleCase& c = GetParam();
  const std::string path = testing::TestDataDir() + "/../docs/examples/" + c.file;
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const CommandResult r = RunLenacare("evaluate '" + path + "' --as-of " + c.as_of + " --json");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const json j = ParseOut(r);
  EXPECT_EQ(j["status"], c.status) << r.out;
  EXPECT_EQ(j["dose_mg"].get<double>(), c.dose_mg) << r.out;
  for (const json& rec : j["recommendations"]) {
    EXPECT_NE(rec["action"], "check-dose") << rec;
    EXPECT_NE(rec["action"], "cannot-assess") << rec;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cli, CliDocumentedExample,
    ::testing::Values(ExampleCase{"myeloma-platelets.json", "2026-02-02", "taking", 20},
                      ExampleCase{"myeloma-platelets-2026-01-20.json", "2026-01-20", "interrupted", 20},
                      ExampleCase{"mds-del5q.json", "2026-03-30", "taking", 5},
                      ExampleCase{"follicular-lymphoma.json", "2026-03-12", "taking", 15},
                      ExampleCase{"follicular-lymphoma-2026-02-21.json", "2026-02-21", "interrupted", 15}),
    [](const ::testing::TestParamInfo<ExampleCase>& param_info) {
      std::string name;
      for (const char* p = param_info.param.file; *p != '\0' && *p != '.'; ++p)
        name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      return name;
    });

// --- bad input never yields a dose ------------------------------------------------------------

struct BadInputCase {
  const char* name;        // the test's name
  std::string args;        // shell-quoted arguments
  std::string stdin_text;  // standard input (a course for `evaluate -`)
  int exit_code;           // 2 bad input, 1 cannot assess
  std::string in_stderr;   // the field the message must name (and, where useful, the problem)
};

void PrintTo(const BadInputCase& c, std::ostream* os) { *os << c.name << ": lenacare " << c.args; }

// A valid course whose last member is replaced by `rest` (e.g. a patient object or events).
std::string CourseWith(const std::string& rest) {
  return R"({"indication": "mm", "start_date": "2026-01-05", "starting_dose_mg": 25)" +
         (rest.empty() ? std::string() : ", " + rest) + "}";
}

std::string CourseWithEvent(const std::string& event) { return CourseWith(R"("events": [)" + event + "]"); }

const char* const kEvaluate = "evaluate - --as-of 2026-01-20 --json";

std::vector<BadInputCase> BadInputs() {
  return {
      // Unknown indication.
      {"UnknownIndicationForStartDose", "start-dose --indication xyz --crcl 45 --json", "", 2, "--indication"},
      {"UnknownIndicationForCalendar", "calendar --indication xyz --start 2026-01-05 --json", "", 2, "--indication"},
      {"UnknownIndicationInACourse", kEvaluate,
       R"({"indication": "xyz", "start_date": "2026-01-05", "starting_dose_mg": 25})", 2, "indication"},
      // Missing unit.
      {"LabValueWithoutUnit", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "25"})"), 2,
       "events[0].value"},
      {"LabValueAsABareNumber", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": 25})"), 2,
       "events[0].value"},
      {"PatientWeightWithoutUnit", kEvaluate, CourseWith(R"("patient": {"weight": "58"})"), 2, "patient.weight"},
      {"PatientCrclWithoutUnit", kEvaluate, CourseWith(R"("patient": {"crcl": "45"})"), 2, "patient.crcl"},
      {"WeightOptionWithoutUnit", R"(crcl --age 72 --sex female --weight 58 --creatinine "1.3 mg/dL" --json)", "", 2,
       "--weight"},
      {"CreatinineOptionWithoutUnit",
       R"(start-dose --indication mm --age 72 --sex female --weight "58 kg" --creatinine 1.3 --json)", "", 2,
       "--creatinine"},
      {"TemperatureWithoutUnit", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "temperature", "value": "38.5"})"), 2, "events[0].value"},
      // Unknown unit, and a unit of another kind of quantity.
      {"UnknownUnitInACourse", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "25 bananas"})"), 2,
       "events[0].value"},
      {"UnknownWeightUnit", R"(crcl --age 72 --sex female --weight "58 stone" --creatinine "1.3 mg/dL" --json)", "", 2,
       "--weight"},
      // Another case is read only where unambiguous: "G/L" is giga per litre (a count), not g/L.
      {"ACaseThatSpellsAnotherKindsUnit",
       R"(crcl --age 72 --sex female --weight "58 kg" --creatinine "1.3 G/L" --json)", "", 2, "--creatinine"},
      {"PlateletsInACreatinineUnit", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "25 mg/dL"})"), 2,
       "events[0].value"},
      {"HemoglobinInACellCountUnit", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "hemoglobin", "value": "9 10*9/L"})"), 2,
       "events[0].value"},
      {"CreatinineInAHemoglobinUnit", R"(crcl --age 72 --sex female --weight "58 kg" --creatinine "1.3 g/dL" --json)",
       "", 2, "--creatinine"},
      {"CrclInMilligrams", R"(start-dose --indication mm --crcl "45 mg" --json)", "", 2, "--crcl"},
      {"NumberWithThousandsSeparator", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "25,000 /uL"})"), 2,
       "events[0].value"},
      {"NumberWithExponent", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "1e3 /uL"})"), 2,
       "events[0].value"},
      // Negative values.
      {"NegativePlatelets", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "-3 10*9/L"})"), 2,
       "events[0].value"},
      {"NegativeWeightOption", R"(crcl --age 72 --sex female --weight "-5 kg" --creatinine "1.3 mg/dL" --json)", "", 2,
       "--weight"},
      {"NegativePatientWeight", kEvaluate, CourseWith(R"("patient": {"weight": "-5 kg"})"), 2, "patient.weight"},
      {"NegativeCrcl", "start-dose --indication mm --crcl -5 --json", "", 2, "--crcl"},
      {"NegativeResumeDose", kEvaluate, CourseWithEvent(R"({"date": "2026-01-12", "type": "resume", "dose_mg": -5})"),
       2, "events[0].dose_mg"},
      // Implausible values.
      {"WeightOf600Kg",
       R"(start-dose --indication mm --age 72 --sex female --weight "600 kg" --creatinine "1.3 mg/dL" --json)", "", 2,
       "--weight"},
      {"CreatinineOfZero",
       R"(start-dose --indication mm --age 72 --sex female --weight "58 kg" --creatinine "0 mg/dL" --json)", "", 2,
       "--creatinine"},
      {"CreatinineOf30", R"(crcl --age 72 --sex female --weight "58 kg" --creatinine "30 mg/dL" --json)", "", 2,
       "--creatinine"},
      {"AgeOf200",
       R"(start-dose --indication mm --age 200 --sex female --weight "58 kg" --creatinine "1.3 mg/dL" --json)", "", 2,
       "--age"},
      {"AgeOf200ForCrcl", R"(crcl --age 200 --sex female --weight "58 kg" --creatinine "1.3 mg/dL" --json)", "", 2,
       "--age"},
      {"AgeOf200ForCalendar", "calendar --indication mm --start 2026-01-05 --age 200 --json", "", 2, "--age"},
      {"AgeOf200FromABirthDate", "evaluate - --as-of 2100-01-10 --json",
       R"({"indication": "mm", "start_date": "2100-01-05", "starting_dose_mg": 25, "patient": {"birth_date": "1900-01-01"}})",
       2, "patient.birth_date"},
      {"BirthDateAfterTheStart", kEvaluate, CourseWith(R"("patient": {"birth_date": "2027-01-01"})"), 2,
       "patient.birth_date"},
      {"CrclOf400", "start-dose --indication mm --crcl 400 --json", "", 2, "--crcl"},
      {"TemperatureOf101Celsius", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "temperature", "value": "101.3 Cel"})"), 2, "events[0].value"},
      {"StartingDoseOfZero", kEvaluate, R"({"indication": "mm", "start_date": "2026-01-05", "starting_dose_mg": 0})", 2,
       "starting_dose_mg"},
      {"StartingDoseAsText", kEvaluate,
       R"({"indication": "mm", "start_date": "2026-01-05", "starting_dose_mg": "25 mg"})", 2, "starting_dose_mg"},
      // Dates out of order.
      {"EventBeforeTheStartDate", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-01", "type": "lab", "test": "platelets", "value": "25 10*9/L"})"), 2,
       "events[0].date"},
      {"EventAfterAsOf", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-25", "type": "lab", "test": "platelets", "value": "25 10*9/L"})"), 2,
       "events[0].date"},
      {"LaterEventAfterAsOfIsNamedByItsPosition", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-25", "type": "dose-taken"}, {"date": "2026-01-12", "type": "dose-taken"})"),
       2, "events[0].date"},
      {"BaselineAfterTheStartDate", kEvaluate,
       CourseWith(R"("baseline": [{"date": "2026-01-06", "test": "anc", "value": "2 10*9/L"}])"), 2,
       "baseline[0].date"},
      {"AsOfBeforeTheStartDate", "evaluate - --as-of 2026-01-01 --json", CourseWith(""), 2, "as-of"},
      // Malformed JSON and unknown names.
      {"MalformedJson", kEvaluate, "{\n  \"indication\": \"mm\",\n  \"start_date\": \"2026-01-05\",,\n}\n", 2,
       "course: malformed JSON at line 3, column"},
      {"EmptyInput", kEvaluate, "", 2, "course: malformed JSON at line 1, column 1"},
      {"CourseThatIsNotAnObject", kEvaluate, "[]", 2, "course"},
      {"MisspeltTopLevelField", kEvaluate, CourseWith(R"("wieght": "58 kg")"), 2, "wieght: unknown field"},
      {"MisspeltPatientField", kEvaluate, CourseWith(R"("patient": {"wieght": "58 kg"})"), 2,
       "patient.wieght: unknown field"},
      {"FieldOfAnotherEventType", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "anc", "value": "2 10*9/L", "dose_mg": 5})"), 2,
       "events[0].dose_mg: unknown field"},
      {"UnknownEventType", kEvaluate, CourseWithEvent(R"({"date": "2026-01-12", "type": "pill"})"), 2,
       "events[0].type"},
      {"UnknownLabTest", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelet", "value": "25 10*9/L"})"), 2,
       "events[0].test"},
      {"ToxicityGrade7", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "toxicity", "term": "rash", "grade": 7})"), 2,
       "events[0].grade"},
      {"ToxicityGradeWithAFraction", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "toxicity", "term": "rash", "grade": 2.5})"), 2,
       "events[0].grade"},
      {"NeutropeniaAsAToxicity", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "toxicity", "term": "neutropenia", "grade": 3})"), 2,
       "events[0].term"},
      {"ThrombocytopeniaInCapitalsAsAToxicity", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "toxicity", "term": "Thrombocytopenia", "grade": 4})"), 2,
       "events[0].term"},
      {"TransfusionOfRedCells", kEvaluate,
       CourseWithEvent(R"({"date": "2026-01-12", "type": "transfusion", "product": "red cells"})"), 2,
       "events[0].product"},
      {"DoseChangeWithoutADose", kEvaluate, CourseWithEvent(R"({"date": "2026-01-12", "type": "dose-change"})"), 2,
       "events[0].dose_mg"},
      {"UnknownFrequency", kEvaluate, CourseWith(R"("starting_frequency": "twice-daily")"), 2, "starting_frequency"},
      {"PillDaysPastTheCycle", kEvaluate, CourseWith(R"("starting_days": "1-30")"), 2, "starting_days"},
      {"DialysisAsText", kEvaluate, CourseWith(R"("patient": {"dialysis": "yes"})"), 2, "patient.dialysis"},
      // Bad dates.
      {"EventOnFebruary30", kEvaluate, CourseWithEvent(R"({"date": "2026-02-30", "type": "dose-taken"})"), 2,
       "events[0].date"},
      {"StartOnFebruary30", kEvaluate, R"({"indication": "mm", "start_date": "2026-02-30", "starting_dose_mg": 25})", 2,
       "start_date"},
      {"AsOfOnFebruary30", "evaluate - --as-of 2026-02-30 --json", CourseWith(""), 2, "--as-of"},
      {"CalendarStartOnFebruary30", "calendar --indication mm --start 2026-02-30 --json", "", 2, "--start"},
      {"DateInAnotherFormat", kEvaluate, R"({"indication": "mm", "start_date": "05/01/2026", "starting_dose_mg": 25})",
       2, "start_date"},
      // Conflicting or missing options.
      {"CrclTogetherWithAge", "start-dose --indication mm --crcl 45 --age 72 --json", "", 2, "--crcl"},
      {"CrclTogetherWithWeight", R"(start-dose --indication mm --crcl 45 --weight "58 kg" --json)", "", 2, "--crcl"},
      {"MissedDoseNowBeforeScheduled", "missed-dose --scheduled 20:00 --now 08:00 --json", "", 2, "--now"},
      {"MissedDoseWithMixedTimeForms", "missed-dose --scheduled 2026-01-05T20:00 --now 08:00 --json", "", 2, "--now"},
      {"MissedDoseAt2400", "missed-dose --scheduled 24:00 --now 08:00 --json", "", 2, "--scheduled"},
      {"UnknownSexOption", R"(crcl --age 72 --sex x --weight "58 kg" --creatinine "1.3 mg/dL" --json)", "", 2, "--sex"},
      {"UnknownSexInACourse", kEvaluate, CourseWith(R"("patient": {"sex": "x"})"), 2, "patient.sex"},
      {"MissingIndicationOption", "start-dose --crcl 45 --json", "", 2, "--indication"},
      {"MissingRenalFunction", "start-dose --indication mm --json", "", 2, "--crcl"},
      {"MissingCreatinineOption", R"(crcl --age 72 --sex female --weight "58 kg" --json)", "", 2, "--creatinine"},
      {"MissingNowOption", "missed-dose --scheduled 08:00 --json", "", 2, "--now"},
      {"MissingStartOption", "calendar --indication mm --json", "", 2, "--start"},
      {"MissingCourseArgument", "evaluate --as-of 2026-01-20 --json", "", 2, "course"},
      {"MissingStartingDose", kEvaluate, R"({"indication": "mm", "start_date": "2026-01-05"})", 2, "starting_dose_mg"},
      {"MissingStartDate", kEvaluate, R"({"indication": "mm", "starting_dose_mg": 25})", 2, "start_date"},
      {"UnreadableCourseFile", "evaluate /nonexistent/course.json --as-of 2026-01-20 --json", "", 2, "course"},
      {"AgeThatIsNotANumber", R"(crcl --age abc --sex female --weight "58 kg" --creatinine "1.3 mg/dL" --json)", "", 2,
       "--age"},
      // Well-formed, but outside what the label covers: cannot assess, still no dose.
      {"DialysisWithACrclOf45", "start-dose --indication mm --crcl 45 --dialysis --json", "", 1, "crcl"},
  };
}

class CliBadInput : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(CliBadInput, IsRefusedWithOneLineNamingTheFieldAndNoDose) {
  const BadInputCase& c = GetParam();
  const CommandResult r = RunLenacare(c.args, c.stdin_text);
  EXPECT_EQ(r.exit_code, c.exit_code) << Describe(r);
  const std::string prefix = c.exit_code == 1 ? "lenacare: cannot assess: " : "lenacare: error: ";
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "stderr should start with '" << prefix << "':\n" << r.err;
  EXPECT_NE(r.err.find(c.in_stderr), std::string::npos) << "stderr should name '" << c.in_stderr << "':\n" << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.back(), '\n') << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "stderr should be one line:\n" << r.err;
  EXPECT_EQ(r.out.find("\"dose_mg\":"), std::string::npos) << "no dose on stdout:\n" << r.out;
  if (!r.out.empty()) {
    // With --json, the error is also on stdout as JSON, and nothing else is.
    const json j = ParseOut(r);
    ASSERT_TRUE(j.contains("error")) << r.out;
    EXPECT_EQ(j["error"]["kind"], c.exit_code == 1 ? "cannot-assess" : "bad-input") << r.out;
    EXPECT_EQ(j.size(), 1u) << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Cli, CliBadInput, ::testing::ValuesIn(BadInputs()),
                         [](const ::testing::TestParamInfo<BadInputCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(CliBadInputMessage, AValueWithoutAUnitIsShownAnExampleUnitOfItsOwnKind) {
  // "58" as a weight should be answered with a weight unit, not a creatinine unit.
  const CommandResult weight = RunLenacare(R"(crcl --age 72 --sex female --weight 58 --creatinine "1.3 mg/dL")");
  EXPECT_EQ(weight.exit_code, 2) << Describe(weight);
  EXPECT_NE(weight.err.find("kg"), std::string::npos) << weight.err;
  EXPECT_EQ(weight.err.find("mg/dL"), std::string::npos) << weight.err;
  const CommandResult count = RunLenacare(
      kEvaluate, CourseWithEvent(R"({"date": "2026-01-12", "type": "lab", "test": "platelets", "value": "25"})"));
  EXPECT_EQ(count.exit_code, 2) << Describe(count);
  EXPECT_NE(count.err.find("10*9/L"), std::string::npos) << count.err;
}

// The clinic's time zone ($LENACARE_TIME_ZONE): "today", the date a course is assessed on without
// --as-of, is the zone's. UTC+14 and UTC-12 are 26 hours apart, so at any instant their calendar
// days differ; an unknown zone is refused before anything runs.
TEST(CliClock, TodayIsTheClinicTimeZonesDay) {
  auto today_in = [](const char* zone) {
    setenv("LENACARE_TIME_ZONE", zone, 1);
    CommandResult r =
        RunLenacare("evaluate '" + testing::TestDataDir() + "/../docs/examples/myeloma-platelets.json' --json");
    unsetenv("LENACARE_TIME_ZONE");
    return r;
  };
  const CommandResult east = today_in("Pacific/Kiritimati"), west = today_in("Etc/GMT+12");
  const CommandResult bad = today_in("Nowhere/Atlantis");
  ASSERT_EQ(east.exit_code, 0) << east.err;
  ASSERT_EQ(west.exit_code, 0) << west.err;
  auto east_day = Date::Parse(ParseOut(east).at("as_of").get<std::string>());
  auto west_day = Date::Parse(ParseOut(west).at("as_of").get<std::string>());
  ASSERT_TRUE(east_day.ok() && west_day.ok());
  const int ahead = east_day->DaysSince(*west_day);
  EXPECT_TRUE(ahead == 1 || ahead == 2) << east_day->ToString() << " vs " << west_day->ToString();
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("LENACARE_TIME_ZONE: 'Nowhere/Atlantis' is not a time zone"), std::string::npos) << bad.err;
  EXPECT_TRUE(bad.out.empty());
}

}  // namespace
}  // namespace lenacare
