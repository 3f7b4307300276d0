// FHIR import on real public data (issue 13): each defect shown with a resource of the HL7 R4
// examples or the US Core examples (tests/data/fhir, with their licenses), as published or changed
// in one place by the test to show the case (a lenalidomide code, a duration unit, a bad byte).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/import.h"
#include "course/evaluate.h"
#include "fhir/fhir_export.h"
#include "fhir/fhir_map.h"
#include "store/db.h"
#include "store_support.h"
#include "test_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::K;
using testing::TestClock;

std::string Sample(const std::string& name) {
  std::ifstream in(testing::TestDataDir() + "/data/fhir/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << name;
  return s.str();
}

json SampleJson(const std::string& name) { return json::parse(Sample(name)); }

std::vector<fhir::Record> Read(std::string text) {
  fhir::Reader reader(K(), TestClock().Today());
  std::vector<fhir::Record> out;
  reader.Read(text, out);
  return out;
}

fhir::Record ReadOne(const json& resource) {
  auto out = Read(resource.dump());
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? fhir::Record{} : out[0];
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

const std::string kPlatelets = "us-core-examples/observation-cbc-platelets.json";
const std::string kRxNormSystem = "http://www.nlm.nih.gov/research/umls/rxnorm";

// --- The JSON itself ---------------------------------------------------------------------------

TEST(FhirImportJson, TheRealSampleReadsAsAPlateletCount) {
  fhir::Record r = ReadOne(SampleJson(kPlatelets));
  ASSERT_EQ(r.kind, fhir::Record::Kind::kEvent) << r.reason;
  EXPECT_EQ(r.key, "Observation/cbc-platelets");
  EXPECT_EQ(r.ref, "example");
  EXPECT_EQ(r.event.test, "platelets");
  EXPECT_EQ(r.event.date, "2005-07-05");
}

TEST(FhirImportJson, AKeyGivenTwiceIsRefusedNamingTheField) {
  auto out =
      Read(Replace(Sample(kPlatelets), "\"status\": \"final\",", "\"status\": \"final\", \"status\": \"cancelled\","));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, fhir::Record::Kind::kInvalid);
  EXPECT_NE(out[0].reason.find("the key 'status' is given twice"), std::string::npos) << out[0].reason;
  // Nested: the field's path is named.
  out = Read(Replace(Sample(kPlatelets), "\"value\": 200,", "\"value\": 200, \"value\": 20,"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, fhir::Record::Kind::kInvalid);
  EXPECT_NE(out[0].reason.find("valueQuantity: the key 'value' is given twice"), std::string::npos) << out[0].reason;
}

TEST(FhirImportJson, InvalidUtf8IsRefused) {
  auto out = Read(Replace(Sample(kPlatelets), "Amy Shaw", "Amy \xff\xfe Shaw"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, fhir::Record::Kind::kInvalid);
  EXPECT_NE(out[0].reason.find("UTF-8"), std::string::npos) << out[0].reason;
}

TEST(FhirImportJson, ANumberBeyondADoubleIsRefused) {
  auto out = Read(Replace(Sample(kPlatelets), "\"value\": 200,", "\"value\": 1e999,"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, fhir::Record::Kind::kInvalid);
  EXPECT_NE(out[0].reason.find("not valid JSON"), std::string::npos) << out[0].reason;
}

TEST(FhirImportJson, AStringLongerThanTheLimitIsRefusedAndNotEchoed) {
  json r = SampleJson(kPlatelets);
  r["code"]["text"] = std::string(1024 * 1024 + 1, 'x');
  fhir::Record rec = ReadOne(r);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kInvalid);
  EXPECT_NE(rec.reason.find("code.text: a string of 1048577 bytes, longer than the limit of 1048576"),
            std::string::npos)
      << rec.reason.substr(0, 200);
  EXPECT_LT(rec.reason.size(), 300u);
  r["code"]["text"] = std::string(1024 * 1024, 'x');  // at the limit: read
  EXPECT_EQ(ReadOne(r).kind, fhir::Record::Kind::kEvent);
}

TEST(FhirImportJson, UnboundedValuesAreCutShortInMessages) {
  json r = SampleJson(kPlatelets);
  r["code"]["coding"][0]["code"] = std::string(10000, '7');
  fhir::Record rec = ReadOne(r);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kSkip);
  EXPECT_LT(rec.reason.size(), 200u) << rec.reason;
  EXPECT_NE(rec.reason.find("(10000 bytes)"), std::string::npos) << rec.reason;
  r = SampleJson(kPlatelets);
  r["id"] = std::string(5000, 'a');
  rec = ReadOne(r);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kInvalid);
  EXPECT_NE(rec.reason.find("is not an R4 id"), std::string::npos);
  EXPECT_LT(rec.reason.size() + rec.key.size(), 250u) << rec.reason;
  r = SampleJson(kPlatelets);
  r["status"] = std::string(5000, 's');
  rec = ReadOne(r);
  EXPECT_LT(rec.reason.size(), 250u) << rec.reason;
  r = SampleJson(kPlatelets);
  r["valueQuantity"]["code"] = std::string(5000, 'u');
  rec = ReadOne(r);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kInvalid);
  EXPECT_LT(rec.reason.size(), 250u) << rec.reason;
}

TEST(FhirImportJson, AGradeBeyondThirtyTwoBitsIsRefusedNotNarrowed) {
  // lenacare's own exported event, as an extension of the sample's Observation.
  json r = SampleJson(kPlatelets);
  r["extension"] =
      json::array({{{"url", "https://lenacare.org/fhir/StructureDefinition/event"},
                    {"valueString", R"({"date":"2005-07-05","type":"toxicity","term":"rash","grade":4294967299})"}}});
  fhir::Record rec = ReadOne(r);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kInvalid) << rec.event.body;
  EXPECT_NE(rec.reason.find("grade"), std::string::npos) << rec.reason;
}

TEST(FhirImportJson, RefillsThatDoNotFitAreRefusedBeforeNarrowing) {
  json r = SampleJson("us-core-examples/medicationrequest-contained-oral-axid.json");
  r["contained"][0]["code"]["coding"][0]["code"] = "342369";
  r["dispenseRequest"]["numberOfRepeatsAllowed"] = 4294967296LL;  // 2^32: would narrow to 0
  fhir::Record rec = ReadOne(r);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kInvalid);
  EXPECT_NE(rec.reason.find("numberOfRepeatsAllowed must be a whole number from 0 to 2147483647"), std::string::npos)
      << rec.reason;
}

// --- Medications and durations ------------------------------------------------------------------

TEST(FhirImportMedication, AnotherDrugThroughAMedicationReferenceIsSkipped) {
  fhir::Record rec = ReadOne(SampleJson("us-core-examples/medicationrequest-contained-oral-axid.json"));
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kSkip);
  EXPECT_EQ(rec.reason, "MedicationRequest of another drug (not used)");
}

TEST(FhirImportMedication, LenalidomideThroughAContainedMedicationIsRecognised) {
  json r = SampleJson("us-core-examples/medicationrequest-contained-oral-axid.json");
  r["contained"][0]["code"]["coding"][0]["code"] = "342369";
  fhir::Record rec = ReadOne(r);
  ASSERT_EQ(rec.kind, fhir::Record::Kind::kEvent) << rec.reason;
  EXPECT_EQ(json::parse(rec.event.body),
            json::parse(R"({"date":"2008-04-05","type":"prescription","days_supply":30,"refills":1})"));
}

TEST(FhirImportMedication, LenalidomideThroughABundledMedicationIsRecognised) {
  json med = SampleJson("us-core-examples/uscore-med2.json");
  json request = SampleJson("us-core-examples/medicationrequest-referenced-oral-axid.json");
  json bundle = {
      {"resourceType", "Bundle"},
      {"type", "collection"},
      {"entry", json::array({{{"fullUrl", "https://example.org/fhir/Medication/uscore-med2"}, {"resource", med}},
                             {{"resource", request}}})}};
  auto out = Read(bundle.dump());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].reason, "MedicationRequest of another drug (not used)");  // nizatidine, as published
  bundle["entry"][0]["resource"]["code"]["coding"][0] = {{"system", kRxNormSystem}, {"code", "342369"}};
  out = Read(bundle.dump());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].kind, fhir::Record::Kind::kEvent) << out[1].reason;
  // The same through an absolute reference to the Medication's fullUrl.
  bundle["entry"][1]["resource"]["medicationReference"]["reference"] =
      "https://example.org/fhir/Medication/uscore-med2";
  out = Read(bundle.dump());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].kind, fhir::Record::Kind::kEvent) << out[1].reason;
}

// The supply duration of the sample's request in other units: converted with its unit, refused
// when it is not a whole number of days.
TEST(FhirImportMedication, SupplyDurationsAreConvertedWithTheirUnits) {
  json r = SampleJson("us-core-examples/medicationrequest-contained-oral-axid.json");
  r["contained"][0]["code"]["coding"][0]["code"] = "342369";
  auto days = [&](const json& duration) -> std::string {
    r["dispenseRequest"]["expectedSupplyDuration"] = duration;
    fhir::Record rec = ReadOne(r);
    if (rec.kind != fhir::Record::Kind::kEvent) return "invalid: " + rec.reason;
    return std::to_string(json::parse(rec.event.body)["days_supply"].get<int>());
  };
  const std::string ucum = "http://unitsofmeasure.org";
  EXPECT_EQ(days({{"value", 30}, {"unit", "days"}, {"system", ucum}, {"code", "d"}}), "30");
  EXPECT_EQ(days({{"value", 4}, {"unit", "weeks"}, {"system", ucum}, {"code", "wk"}}), "28");
  EXPECT_EQ(days({{"value", 3}, {"unit", "week"}}), "21");
  EXPECT_EQ(days({{"value", 21}, {"unit", "day(s)"}}), "21");
  EXPECT_EQ(days({{"value", 2}, {"unit", "week(s)"}, {"system", ucum}}), "14");
  EXPECT_EQ(days({{"value", 21}, {"unit", "pills"}}),
            "invalid: dispenseRequest.expectedSupplyDuration: unit "
            "'pills' is not a duration in days (d) or weeks (wk)");
  EXPECT_EQ(days({{"value", 28}, {"unit", "Days"}, {"system", ucum}}), "28");
  const std::string month = days({{"value", 1}, {"unit", "month"}, {"system", ucum}, {"code", "mo"}});
  EXPECT_EQ(month.rfind("invalid: dispenseRequest.expectedSupplyDuration: 1 'mo' is not a whole number of days", 0), 0u)
      << month;
  EXPECT_EQ(days({{"value", 1}, {"unit", "months"}}).rfind("invalid:", 0), 0u);
  EXPECT_EQ(days({{"value", 1}, {"code", "a"}, {"system", ucum}}).rfind("invalid:", 0), 0u);
  EXPECT_EQ(days({{"value", 1.5}, {"code", "d"}, {"system", ucum}}).rfind("invalid:", 0), 0u);
  EXPECT_EQ(days({{"value", 28}, {"code", "258703001"}, {"system", "http://snomed.info/sct"}}).rfind("invalid:", 0),
            0u);
}

TEST(FhirImportMedication, DaysSupplyOfADispenseIsConvertedWithItsUnit) {
  json d = {{"resourceType", "MedicationDispense"},
            {"id", "d1"},
            {"status", "completed"},
            {"medicationCodeableConcept", {{"coding", json::array({{{"system", kRxNormSystem}, {"code", "342369"}}})}}},
            {"subject", {{"reference", "Patient/example"}}},
            {"whenHandedOver", "2008-04-05"},
            {"daysSupply", {{"value", 4}, {"unit", "wk"}, {"system", "http://unitsofmeasure.org"}, {"code", "wk"}}}};
  fhir::Record rec = ReadOne(d);
  ASSERT_EQ(rec.kind, fhir::Record::Kind::kEvent) << rec.reason;
  EXPECT_EQ(json::parse(rec.event.body)["days_supply"], 28);
  d["daysSupply"] = {{"value", 1}, {"unit", "month"}};
  EXPECT_EQ(ReadOne(d).kind, fhir::Record::Kind::kInvalid);
}

// --- References, ids, dates ----------------------------------------------------------------------

// The HL7 example of every reference form: its glucose Observations made platelet counts with a
// value and a date, so that lenacare reads them.
TEST(FhirImportReferences, EveryR4FormOfAReferenceFindsThePatient) {
  json b = SampleJson("hl7-r4-examples/bundle-references.json");
  for (json& e : b["entry"]) {
    json& r = e["resource"];
    if (r["resourceType"] != "Observation") continue;
    r["code"]["coding"][0] = {{"system", "http://loinc.org"}, {"code", "777-3"}};
    r["effectiveDateTime"] = "2020-01-02";
    r["valueQuantity"] = {{"value", 200}, {"unit", "10*3/uL"}};
  }
  std::map<std::string, std::string> refs;
  for (const fhir::Record& r : Read(b.dump())) {
    if (r.kind == fhir::Record::Kind::kEvent) refs[r.key + " " + r.event.date] = r.ref;
    if (r.kind == fhir::Record::Kind::kPatient) refs[r.key] = r.ref;
    if (r.kind == fhir::Record::Kind::kInvalid) refs[r.key] = "invalid: " + r.reason;
    if (r.kind == fhir::Record::Kind::kSkip) refs[r.key] = "skipped: " + r.reason;
  }
  EXPECT_EQ(refs["Patient/23"], "23");
  EXPECT_EQ(refs["Patient/04121321-4af5-424c-a0e1-ed3aab1c349d"], "04121321-4af5-424c-a0e1-ed3aab1c349d");
  EXPECT_EQ(refs["Observation/123 2020-01-02"], "23");                                   // Patient/23
  EXPECT_EQ(refs["Observation/124 2020-01-02"], "23");                                   // absolute
  EXPECT_EQ(refs["Observation/12 2020-01-02"], "04121321-4af5-424c-a0e1-ed3aab1c349d");  // urn:uuid
  EXPECT_EQ(refs["Observation/47 2020-01-02"], "45");                                    // Patient/45/_history/2
  // An identifier only (a logical reference): valid R4, but no Patient to record it for.
  EXPECT_EQ(refs["Observation/48"], "skipped: no reference to a Patient (not used)");
  for (const auto& [key, ref] : refs) EXPECT_EQ(ref.find("_history"), std::string::npos) << key;
}

TEST(FhirImportReferences, TransactionEntriesWithoutAnIdTakeTheirFullUrl) {
  std::vector<std::string> patients;
  for (const fhir::Record& r : Read(Sample("hl7-r4-examples/bundle-transaction.json"))) {
    if (r.kind == fhir::Record::Kind::kPatient) patients.push_back(r.ref);
    EXPECT_NE(r.kind, fhir::Record::Kind::kInvalid) << r.key << ": " << r.reason;
  }
  EXPECT_EQ(patients,
            (std::vector<std::string>{"61ebe359-bfdc-4613-8bf2-c5e300945f0a", "88f151c0-a954-468a-88bd-5ae15c08e059",
                                      "123", "74891afc-ed52-42a2-bcd7-f13d9b60f096", "123a"}));
}

TEST(FhirImportDates, EveryEffectiveFormGivesTheDate) {
  json r = SampleJson(kPlatelets);
  r.erase("effectiveDateTime");
  auto date = [&](const json& fields) {
    json x = r;
    x.update(fields);
    fhir::Record rec = ReadOne(x);
    return rec.kind == fhir::Record::Kind::kEvent ? rec.event.date : "invalid: " + rec.reason;
  };
  EXPECT_EQ(date({{"effectiveDateTime", "2005-07-05T08:30:00+11:00"}}), "2005-07-05");
  EXPECT_EQ(date({{"effectiveInstant", "2005-07-06T08:30:00.000Z"}}), "2005-07-06");
  EXPECT_EQ(date({{"effectivePeriod", {{"start", "2005-07-07"}, {"end", "2005-07-08"}}}}), "2005-07-07");
  EXPECT_EQ(date({{"effectivePeriod", {{"end", "2005-07-08"}}}}), "2005-07-08");
  EXPECT_EQ(date({{"effectiveTiming", {{"event", json::array({"2005-07-09T10:00:00Z"})}}}}), "2005-07-09");
  const std::string none = date(json::object());
  EXPECT_EQ(none,
            "invalid: no date: effectiveDateTime, effectiveInstant, effectivePeriod (start or end), effectiveTiming "
            "(one event) or issued, or a DiagnosticReport in the Bundle with its date");
}

// Found by the fhir_ndjson fuzz target: a date whose 10th byte begins a two-byte character was cut
// inside it, and writing the event's JSON aborted the import. Now it is an invalid record.
TEST(FhirImportDates, ADateCutInsideACharacterIsInvalidNotACrash) {
  json r = SampleJson(kPlatelets);
  r["effectiveDateTime"] = "2013-04-0\u02f310:30:10+01:00";
  const fhir::Record rec = ReadOne(r);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kInvalid) << rec.reason;
}

// The HL7 example report: its results carry no date of their own; they take the report's.
TEST(FhirImportDates, ResultsOfADiagnosticReportTakeTheReportsDate) {
  std::map<std::string, fhir::Record> by_key;
  for (fhir::Record& r : Read(Sample("hl7-r4-examples/diagnosticreport-example.json"))) by_key[r.key] = r;
  ASSERT_TRUE(by_key.count("Observation/r1"));
  const fhir::Record& hb = by_key["Observation/r1"];
  ASSERT_EQ(hb.kind, fhir::Record::Kind::kEvent) << hb.reason;
  EXPECT_EQ(hb.event.test, "hemoglobin");
  EXPECT_EQ(hb.event.date, "2011-03-04");
  EXPECT_EQ(hb.ref, "pat2");
  for (const auto& [key, r] : by_key) EXPECT_NE(r.kind, fhir::Record::Kind::kInvalid) << key << ": " << r.reason;
}

TEST(FhirImportConditions, IcdTenCmCodesMatchWithOrWithoutTheDot) {
  json c = SampleJson("us-core-examples/condition-encounter-diagnosis-example1.json");
  EXPECT_EQ(ReadOne(c).kind, fhir::Record::Kind::kSkip);  // a burn of the ear, as published
  for (const char* code : {"C90.00", "C9000"}) {
    c["code"]["coding"][1]["code"] = code;
    fhir::Record rec = ReadOne(c);
    ASSERT_EQ(rec.kind, fhir::Record::Kind::kCondition) << code << ": " << rec.reason;
    EXPECT_EQ(rec.indication, "mm");
  }
  c["code"]["coding"][1]["code"] = "C900";  // not a code of the table, however the dot is placed
  EXPECT_EQ(ReadOne(c).kind, fhir::Record::Kind::kSkip);
}

TEST(FhirImportPatients, ABirthDateAfterTodayIsRefused) {
  json p = SampleJson("us-core-examples/patient-example.json");
  EXPECT_EQ(ReadOne(p).kind, fhir::Record::Kind::kPatient);
  const std::string tomorrow = TestClock().Today().AddDays(1).ToString();
  p["birthDate"] = tomorrow;
  fhir::Record rec = ReadOne(p);
  EXPECT_EQ(rec.kind, fhir::Record::Kind::kInvalid);
  EXPECT_EQ(rec.reason, "birthDate '" + tomorrow + "' is after today (" + TestClock().Today().ToString() + ")");
  p["birthDate"] = TestClock().Today().ToString();
  EXPECT_EQ(ReadOne(p).kind, fhir::Record::Kind::kPatient);
}

// --- Writing: versions, namespaces, the round trip -------------------------------------------------

class FhirImportStore : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = db_.Open();
    ASSERT_NE(store_, nullptr);
  }
  std::string Write(const std::string& name, const json& resource) {
    const std::string path = db_.dir() + "/" + name;
    std::ofstream(path) << resource.dump();
    return path;
  }
  app::ImportSummary Import(const std::vector<std::string>& paths, const std::string& source = "",
                            bool per_file = false) {
    app::ImportRequest r;
    r.paths = paths;
    r.source = source;
    r.source_per_file = per_file;
    auto imported = app::Import(testing::TestContext(store_.get()), r);
    EXPECT_TRUE(imported.ok()) << imported.error().Describe();
    return imported.ok() ? imported->summary : app::ImportSummary{};
  }
  int64_t Count(const std::string& sql) { return *store::QueryInt(store_->db(), sql, {}, -1); }
  std::string Status(const std::string& ref, const std::string& as_of) {
    const Date d = *Date::Parse(as_of);
    auto c = testing::LoadCourse(*store_, ref, d);
    if (!c.ok()) return c.error().Describe();
    const Assessment a = Evaluate(K(), c->course, d);
    std::string dose = a.dose ? " " + std::to_string(static_cast<int>(a.dose->dose_mg)) + " mg" : "";
    return std::string(CourseStatusId(a.status)) + dose;
  }

  testing::TestDatabase db_{"sqlite"};
  std::unique_ptr<store::Store> store_;
};

// The US Core platelet count, sent as 250 and then corrected to 20 by the same server: the
// correction replaces the first value, and the course is on hold; entered in error, it is gone.
TEST_F(FhirImportStore, ACorrectedPlateletCountReplacesTheFirstAndHoldsTherapy) {
  store::PatientRecord p;
  p.ref = "example";
  p.sex = "male";
  p.birth_date = "1950-01-01";
  ASSERT_TRUE(testing::AddPatient(*store_, p).ok());
  ASSERT_TRUE(
      testing::StartCourse(*store_, "example", R"({"indication":"mm","start_date":"2005-06-20","starting_dose_mg":25})")
          .ok());
  json obs = SampleJson(kPlatelets);
  obs["valueQuantity"]["value"] = 250;
  auto sum = Import({Write("first.json", obs)}, "https://example.org/fhir");
  EXPECT_EQ(sum.written, 1) << (sum.problems.empty() ? "" : sum.problems[0]);
  EXPECT_EQ(Status("example", "2005-07-06"), "taking 25 mg");
  obs["status"] = "corrected";
  obs["valueQuantity"]["value"] = 20;
  sum = Import({Write("second.json", obs)}, "https://example.org/fhir");
  EXPECT_EQ(sum.written, 1) << (sum.problems.empty() ? "" : sum.problems[0]);
  EXPECT_EQ(Status("example", "2005-07-06").rfind("interrupted", 0), 0u) << Status("example", "2005-07-06");
  EXPECT_EQ(Count("SELECT count(*) FROM events WHERE replaces IS NOT NULL"), 1);  // the second version
  // A plain repeat of the correction writes nothing; a `final` with another value is refused.
  EXPECT_EQ(Import({Write("second.json", obs)}, "https://example.org/fhir").written, 0);
  obs["status"] = "final";
  obs["valueQuantity"]["value"] = 90;
  sum = Import({Write("third.json", obs)}, "https://example.org/fhir");
  EXPECT_EQ(sum.invalid, 1);
  obs["status"] = "entered-in-error";
  sum = Import({Write("fourth.json", obs)}, "https://example.org/fhir");
  EXPECT_EQ(sum.written, 1) << (sum.problems.empty() ? "" : sum.problems[0]);
  EXPECT_EQ(Status("example", "2005-07-06"), "taking 25 mg");
}

TEST_F(FhirImportStore, AnotherPatientsObservationWithTheSameIdIsStoredToo) {
  json obs = SampleJson(kPlatelets);
  const std::string first = Write("a.json", obs);
  obs["subject"]["reference"] = "Patient/other";
  const std::string second = Write("b.json", obs);
  auto sum = Import({first, second}, "https://example.org/fhir");
  EXPECT_EQ(sum.written, 2) << (sum.problems.empty() ? "" : sum.problems[0]);
  EXPECT_EQ(sum.unchanged, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM events"), 2);
  EXPECT_EQ(Import({first, second}, "https://example.org/fhir").written, 0);
}

// The HL7 example Patient and the US Core one: two people with the id "example".
TEST_F(FhirImportStore, TwoSourcesPatientsWithTheSameIdStayTwoPatients) {
  const std::string dir = testing::TestDataDir() + "/data/fhir/";
  auto sum = Import({dir + "hl7-r4-examples/patient-example.json", dir + "us-core-examples/patient-example.json"});
  EXPECT_EQ(sum.written, 2) << (sum.problems.empty() ? "" : sum.problems[0]);
  EXPECT_EQ(Count("SELECT count(*) FROM patients"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM patients WHERE birth_date = '1974-12-25'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM patients WHERE birth_date = '1987-02-20'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM patients WHERE ref = 'example'"), 1);
  // The US Core platelet count goes to the US Core patient, who is not "example".
  sum = Import({dir + "us-core-examples/observation-cbc-platelets.json"});
  EXPECT_EQ(sum.written, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM events e JOIN patients p ON p.id = e.patient_id WHERE p.birth_date = "
                  "'1987-02-20'"),
            1);
  // A second import of the same set writes nothing.
  const std::string before = testing::DumpTables(*store_);
  sum = Import({dir + "hl7-r4-examples/patient-example.json", dir + "us-core-examples/patient-example.json"});
  EXPECT_EQ(sum.written, 0);
  EXPECT_EQ(sum.unchanged, 2);
  EXPECT_EQ(testing::DumpTables(*store_), before);
}

TEST_F(FhirImportStore, TheSampleSetImportedTwiceWritesNothingTheSecondTime) {
  const std::string dir = testing::TestDataDir() + "/data/fhir/";
  auto first = Import({dir + "hl7-r4-examples", dir + "us-core-examples"});
  EXPECT_GT(first.written, 10);
  EXPECT_EQ(first.invalid, 0) << (first.problems.empty() ? "" : first.problems[0]);
  const std::string before = testing::DumpTables(*store_);
  auto second = Import({dir + "hl7-r4-examples", dir + "us-core-examples"});
  EXPECT_EQ(second.written, 0);
  EXPECT_EQ(second.unchanged, first.written);
  EXPECT_EQ(testing::DumpTables(*store_), before);
}

TEST_F(FhirImportStore, APatientBornAfterTodayIsRefusedAndNothingIsStored) {
  json p = SampleJson("us-core-examples/patient-example.json");
  p["birthDate"] = TestClock().Today().AddDays(30).ToString();
  auto sum = Import({Write("p.json", p)});
  EXPECT_EQ(sum.invalid, 1);
  ASSERT_EQ(sum.problems.size(), 1u);
  EXPECT_NE(sum.problems[0].find("Patient/example: birthDate"), std::string::npos) << sum.problems[0];
  EXPECT_EQ(Count("SELECT count(*) FROM patients"), 0);
}

// The whole HL7 R4 example set (2,459 files, not in the repository): read from the shared sample
// folder beside the repository when it is there (`../shared/data/fhir-samples/hl7-r4-examples`,
// relative to the repository's root); skipped, saying so, when it is not. Nothing that is valid
// R4 is reported invalid; what is not used is counted by reason.
TEST_F(FhirImportStore, TheWholeHl7R4ExampleSetImportsWithNothingInvalid) {
  const std::string dir = testing::TestDataDir() + "/../../shared/data/fhir-samples/hl7-r4-examples";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "the HL7 R4 example set is not at " << dir
                 << " (it is not in the repository; see tests/data/fhir/README.md)";
  }
  // Each file an example of its own: the set reuses ids (Patient/123, Observation/r1 of pat2) for
  // different people and results across files.
  auto sum = Import({dir}, "", /*per_file=*/true);
  for (const std::string& p : sum.problems) {
    // Not valid R4: an id longer than 64 characters.
    if (p.find("SearchParameter/questionnaireresponse-extensions-QuestionnaireResponse-item-subj... (67 bytes): id "
               "'questionnaireresponse") != std::string::npos) {
      continue;
    }
    ADD_FAILURE() << p;
  }
  EXPECT_EQ(sum.invalid, 1);  // the SearchParameter above
  std::ostringstream reasons;
  for (const auto& [reason, n] : sum.skipped_by_reason) reasons << n << " " << reason << "\n";
  RecordProperty("skipped", reasons.str());
  EXPECT_EQ(sum.files, 2459);
  EXPECT_EQ(sum.resources, 4539);
  EXPECT_EQ(sum.written, 300) << reasons.str();
  EXPECT_EQ(sum.unchanged, 1);  // a Patient given twice, unchanged
  EXPECT_EQ(sum.skipped, 4237);
  EXPECT_EQ(sum.resources, sum.written + sum.unchanged + sum.skipped + sum.invalid);
  auto skipped = [&](const std::string& reason) {
    auto it = sum.skipped_by_reason.find(reason);
    return it == sum.skipped_by_reason.end() ? 0 : it->second;
  };
  // The skips that are lenacare's choices (the other 4,079 are resource types and LOINC codes
  // lenacare does not use, each counted under its own reason).
  EXPECT_EQ(skipped("MedicationRequest of another drug (not used)"), 42);
  EXPECT_EQ(skipped("MedicationDispense of another drug (not used)"), 31);
  EXPECT_EQ(skipped("Condition not treated with lenalidomide (not used)"), 16);
  EXPECT_EQ(skipped("Observation without a LOINC code"), 57);
  EXPECT_EQ(skipped("Observation with status 'unknown' (only final results are used)"), 4);
  EXPECT_EQ(skipped("Observation with status 'cancelled' (only final results are used)"), 2);
  EXPECT_EQ(skipped("Observation with status 'preliminary' (only final results are used)"), 1);
  EXPECT_EQ(skipped("no reference to a Patient (not used)"), 2);
  EXPECT_EQ(skipped("Patient without an id (not used: nothing could refer to it)"), 1);
  EXPECT_EQ(skipped("an earlier version of a Patient later in the same Bundle (not used)"), 1);
  EXPECT_EQ(skipped("Patient (not used)"), 0);
  // Again: nothing written.
  auto again = Import({dir}, "", /*per_file=*/true);
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(again.unchanged, sum.written + sum.unchanged);
}

// `lenacare export P | lenacare import -` through the real binary: nothing written.
TEST(FhirImportCli, AnExportImportedBackIntoTheSameDatabaseWritesNothing) {
  testing::TestDatabase dir("sqlite");
  const std::string db = " --db '" + dir.dir() + "/cli.db'";
  const std::string samples = testing::TestDataDir() + "/data/fhir/";
  auto r = testing::RunLenacare("import '" + samples + "us-core-examples' --json" + db);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = testing::RunLenacare("patient add MRN-9 --sex female --birth-date 1961-05-02" + db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunLenacare("course start MRN-9 --indication mm --start 2026-01-05 --dose 25" + db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunLenacare("record lab MRN-9 --date 2026-01-12 --test platelets --value '24 K/uL'" + db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string ref : {"example", "MRN-9"}) {
    auto exported = testing::RunLenacare("export " + ref + db);
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    r = testing::RunLenacare("import - --json" + db, exported.out);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const json sum = json::parse(r.out);
    EXPECT_EQ(sum["written"], 0) << ref << ": " << r.out;
    EXPECT_EQ(sum["invalid"], 0) << ref << ": " << r.out;
    EXPECT_GT(sum["unchanged"].get<int>(), 0) << ref;
  }
}

}  // namespace
}  // namespace lenacare
