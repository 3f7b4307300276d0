// The CDS Hooks service (webapp/cds_hooks.h) through the web application's handler, called the way
// an EHR calls it: hook requests built from public Synthea patients (tests/data/cds-hooks, from
// the AHRQ CQL Services examples) with lenalidomide orders, blood counts and creatinine added,
// each signed with a test key (ES384 or RS384) as a CDS client signs its JWT. Every answer is
// checked against the specification's card rules (CheckCards).
#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <cjose/util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <set>

#include "clinical/renal.h"
#include "core/clock.h"
#include "http/server.h"
#include "store_support.h"
#include "test_support.h"
#include "webapp/cds_jwt.h"
#include "webapp_support.h"

namespace lenacare::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kBase = "https://lenacare.test";
constexpr const char* kIssuer = "https://ehr.test";

struct Key {
  cjose_jwk_t* jwk = nullptr;
  std::string kid, alg;
  ~Key() {
    if (jwk) cjose_jwk_release(jwk);
  }
  json Public() const {
    char* text = cjose_jwk_to_json(jwk, false, nullptr);
    json j = json::parse(text);
    cjose_get_dealloc()(text);
    j["kid"] = kid;
    return j;
  }
};

std::unique_ptr<Key> EcKey(const std::string& kid) {
  auto k = std::make_unique<Key>();
  k->jwk = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_384, nullptr);
  k->kid = kid;
  k->alg = "ES384";
  return k;
}

std::unique_ptr<Key> RsaKey(const std::string& kid) {
  static const uint8_t e[] = {1, 0, 1};
  auto k = std::make_unique<Key>();
  k->jwk = cjose_jwk_create_RSA_random(2048, e, sizeof e, nullptr);
  k->kid = kid;
  k->alg = "RS384";
  return k;
}

// A compact JWS of `payload` signed with `key`, its header naming `kid` and `alg`.
std::string Sign(const Key& key, const json& payload, const std::string& kid = "", const std::string& alg = "") {
  cjose_header_t* h = cjose_header_new(nullptr);
  cjose_header_set(h, "alg", (alg.empty() ? key.alg : alg).c_str(), nullptr);
  cjose_header_set(h, "typ", "JWT", nullptr);
  cjose_header_set(h, "kid", (kid.empty() ? key.kid : kid).c_str(), nullptr);
  const std::string text = payload.dump();
  cjose_jws_t* jws = cjose_jws_sign(key.jwk, h, reinterpret_cast<const uint8_t*>(text.data()), text.size(), nullptr);
  const char* compact = nullptr;
  cjose_jws_export(jws, &compact, nullptr);
  std::string out = compact ? compact : "";
  cjose_jws_release(jws);
  cjose_header_release(h);
  return out;
}

std::string B64Url(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t val = 0;  // only the bits not yet written are kept: no overflow
  int bits = -6;
  for (unsigned char c : in) {
    val = ((val & 0xFFFFu) << 8) | c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(t[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(t[(((val & 0xFFFFu) << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

int64_t Now() { return std::chrono::duration_cast<std::chrono::seconds>(TestClock().Now().time_since_epoch()).count(); }

int jti_counter = 0;

json Claims(const std::string& aud) {
  const int64_t now = Now();
  return {{"iss", kIssuer},
          {"aud", aud},
          {"iat", now},
          {"exp", now + 300},
          {"jti", "jti-" + std::to_string(getpid()) + "-" + std::to_string(++jti_counter)}};
}

std::string Url(const std::string& service) { return std::string(kBase) + "/cds-services/" + service; }

std::string DaysAgo(int n) { return TestClock().Today().AddDays(-n).ToString(); }

// The specification's rules for a CDS Hooks 2.0 response (Card, Suggestion, Action, Link,
// Coding); the list of what breaks them.
std::vector<std::string> CheckCards(const json& response) {
  std::vector<std::string> bad;
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  if (!response.is_object() || !response.contains("cards") || !response["cards"].is_array()) {
    return {"no cards array"};
  }
  std::set<std::string> uuids;
  auto need_string = [&](const json& o, const char* key, const std::string& at) {
    if (!o.contains(key) || !o[key].is_string() || o[key].get<std::string>().empty()) {
      bad.push_back(at + "." + key + " missing or not a non-empty string");
      return false;
    }
    return true;
  };
  for (size_t i = 0; i < response["cards"].size(); ++i) {
    const json& c = response["cards"][i];
    const std::string at = "cards[" + std::to_string(i) + "]";
    if (need_string(c, "summary", at) && c["summary"].get<std::string>().size() >= 140) {
      bad.push_back(at + ".summary is 140 characters or more");
    }
    if (need_string(c, "indicator", at)) {
      const std::string ind = c["indicator"];
      if (ind != "info" && ind != "warning" && ind != "critical") bad.push_back(at + ".indicator " + ind);
    }
    if (!c.contains("source") || !c["source"].is_object()) {
      bad.push_back(at + ".source missing");
    } else {
      need_string(c["source"], "label", at + ".source");
      if (c["source"].contains("url") && c["source"]["url"].get<std::string>().rfind("https://", 0) != 0) {
        bad.push_back(at + ".source.url is not absolute");
      }
    }
    if (c.contains("uuid")) {
      if (!std::regex_match(c["uuid"].get<std::string>(), uuid)) bad.push_back(at + ".uuid is not a UUID");
      if (!uuids.insert(c["uuid"]).second) bad.push_back(at + ".uuid repeated");
    }
    if (c.contains("detail") && !c["detail"].is_string()) bad.push_back(at + ".detail not a string");
    for (const char* empty : {"suggestions", "links", "overrideReasons"}) {
      if (c.contains(empty) && (!c[empty].is_array() || c[empty].empty())) bad.push_back(at + "." + empty + " empty");
    }
    if (c.contains("suggestions")) {
      if (!c.contains("selectionBehavior") ||
          (c["selectionBehavior"] != "at-most-one" && c["selectionBehavior"] != "any")) {
        bad.push_back(at + ".selectionBehavior missing with suggestions");
      }
      for (size_t s = 0; s < c["suggestions"].size(); ++s) {
        const json& sg = c["suggestions"][s];
        const std::string sat = at + ".suggestions[" + std::to_string(s) + "]";
        need_string(sg, "label", sat);
        if (sg.contains("uuid") && !std::regex_match(sg["uuid"].get<std::string>(), uuid)) {
          bad.push_back(sat + ".uuid is not a UUID");
        }
        if (sg.contains("actions")) {
          for (const json& a : sg["actions"]) {
            const std::string type = a.value("type", "");
            if (type != "create" && type != "update" && type != "delete") bad.push_back(sat + " action type " + type);
            need_string(a, "description", sat + ".action");
            if ((type == "create" || type == "update") &&
                (!a.contains("resource") || !a["resource"].contains("resourceType"))) {
              bad.push_back(sat + " action without its resource");
            }
          }
        }
      }
    }
    if (c.contains("overrideReasons")) {
      for (const json& o : c["overrideReasons"]) {
        for (const char* key : {"code", "system", "display"}) need_string(o, key, at + ".overrideReasons");
      }
    }
    if (c.contains("links")) {
      for (const json& l : c["links"]) {
        need_string(l, "label", at + ".links");
        need_string(l, "url", at + ".links");
        if (l.value("type", "") != "absolute" && l.value("type", "") != "smart") bad.push_back(at + ".links.type");
      }
    }
    for (auto it = c.begin(); it != c.end(); ++it) {
      if (it->is_null()) bad.push_back(at + "." + it.key() + " is null (leave it out)");
    }
  }
  return bad;
}

json Observation(const std::string& id, const std::string& loinc, double value, const std::string& unit,
                 const std::string& date, const std::string& patient) {
  return {
      {"resourceType", "Observation"},
      {"id", id},
      {"status", "final"},
      {"code", {{"coding", json::array({{{"system", "http://loinc.org"}, {"code", loinc}}})}}},
      {"subject", {{"reference", "Patient/" + patient}}},
      {"effectiveDateTime", date},
      {"valueQuantity", {{"value", value}, {"unit", unit}, {"system", "http://unitsofmeasure.org"}, {"code", unit}}}};
}

json Searchset(const std::vector<json>& resources) {
  json b = {{"resourceType", "Bundle"}, {"type", "searchset"}, {"entry", json::array()}};
  for (const json& r : resources) b["entry"].push_back({{"resource", r}});
  b["total"] = resources.size();
  return b;
}

// A draft lenalidomide order: `dose_mg` daily, `days` supply, `refills`.
json Order(const std::string& id, const std::string& patient, double dose_mg, int days, int refills) {
  return {{"resourceType", "MedicationRequest"},
          {"id", id},
          {"status", "draft"},
          {"intent", "order"},
          {"subject", {{"reference", "Patient/" + patient}}},
          {"medicationCodeableConcept",
           {{"coding", json::array({{{"system", "http://www.nlm.nih.gov/research/umls/rxnorm"},
                                     {"code", "342369"},
                                     {"display", "lenalidomide"}}})}}},
          {"dosageInstruction",
           json::array({{{"text", "daily on days 1-21 of each 28-day cycle"},
                         {"timing", {{"repeat", {{"frequency", 1}, {"period", 1}, {"periodUnit", "d"}}}}},
                         {"doseAndRate", json::array({{{"doseQuantity",
                                                        {{"value", dose_mg},
                                                         {"unit", "mg"},
                                                         {"system", "http://unitsofmeasure.org"},
                                                         {"code", "mg"}}}}})}}})},
          {"dispenseRequest",
           {{"numberOfRepeatsAllowed", refills},
            {"expectedSupplyDuration",
             {{"value", days}, {"unit", "days"}, {"system", "http://unitsofmeasure.org"}, {"code", "d"}}}}}};
}

class CdsHooksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("lenacare-cds-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    ec_ = EcKey("ec-1").release();
    rsa_ = RsaKey("rsa-1").release();
    json set = {{"keys", json::array({ec_->Public(), rsa_->Public()})}};
    std::ofstream(dir_ / "ehr-jwks.json") << set.dump();
    std::ofstream(dir_ / "cds.toml") << "base_url = \"" << kBase << "\"\n[[client]]\niss = \"" << kIssuer
                                     << "\"\njwks_file = \"ehr-jwks.json\"\n"
                                        "patient_identifier_systems = [\"http://hospital.smarthealthit.org\"]\n";
  }
  static void TearDownTestSuite() {
    delete ec_;
    delete rsa_;
    fs::remove_all(dir_);
  }

  CdsHooksTest() : site_(TestSite::Seed::kEmpty, (dir_ / "cds.toml").string()) {}

  http::Response Call(const std::string& service, const json& body, const std::string& jwt) {
    return site_.Send("POST", "/cds-services/" + service, body.dump(), "application/json", nullptr,
                      {{"authorization", "Bearer " + jwt}});
  }
  http::Response Call(const std::string& service, const json& body) {
    return Call(service, body, Sign(*ec_, Claims(Url(service))));
  }

  // A Synthea patient's request (tests/data/cds-hooks), its prefetch under lenacare's keys, with
  // `labs` added, a myeloma diagnosis, and the hook's context.
  json Request(const std::string& hook, const std::vector<json>& labs, const json& draft = json()) {
    std::ifstream in(std::string(LENACARE_TEST_DATA_DIR) + "/data/cds-hooks/Cher186_Crooks415.json");
    json synthea = json::parse(in);
    const std::string pid = synthea["context"]["patientId"];
    json conditions = synthea["prefetch"]["Condition"];
    conditions["entry"].push_back({{"resource",
                                    {{"resourceType", "Condition"},
                                     {"id", "mm-1"},
                                     {"clinicalStatus",
                                      {{"coding", json::array({{{"system",
                                                                 "http://terminology.hl7.org/CodeSystem/"
                                                                 "condition-clinical"},
                                                                {"code", "active"}}})}}},
                                     {"code",
                                      {{"coding", json::array({{{"system", "http://snomed.info/sct"},
                                                                {"code", "109989006"},
                                                                {"display", "Multiple myeloma"}}})}}},
                                     {"subject", {{"reference", "Patient/" + pid}}}}}});
    json prefetch = {{"patient", synthea["prefetch"]["Patient"]},
                     {"conditions", conditions},
                     {"medications", synthea["prefetch"]["MedicationRequest"]}};
    std::map<std::string, std::vector<json>> by_key;
    for (const json& l : labs) by_key[l["_key"]].push_back(l);
    for (const char* key : {"anc", "platelets", "hemoglobin", "wbc", "creatinine", "weight", "pregnancyTests"}) {
      std::vector<json> resources;
      for (json r : by_key[key]) {
        r.erase("_key");
        resources.push_back(r);
      }
      prefetch[key] = Searchset(resources);
    }
    json body = {{"hook", hook},
                 {"hookInstance", "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"},
                 {"context", {{"userId", "Practitioner/example"}, {"patientId", pid}}},
                 {"prefetch", prefetch}};
    if (!draft.is_null()) {
      body["context"]["draftOrders"] = {{"resourceType", "Bundle"}, {"entry", json::array({{{"resource", draft}}})}};
      if (hook == "order-select")
        body["context"]["selections"] = json::array({"MedicationRequest/" + draft["id"].get<std::string>()});
    }
    return body;
  }
  static json Lab(const std::string& key, const std::string& loinc, double value, const std::string& unit,
                  const std::string& date) {
    json o = Observation(key + "-" + date, loinc, value, unit, date, "2-1");
    o["_key"] = key;
    return o;
  }

  // The cards of a 200 answer, checked against the card rules.
  json Cards(const http::Response& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    json body = json::parse(r.body, nullptr, false);
    const std::vector<std::string> bad = CheckCards(body);
    for (const std::string& b : bad) ADD_FAILURE() << b << " in " << r.body.substr(0, 2000);
    return body.is_object() && body.contains("cards") ? body["cards"] : json::array();
  }

  static const json* CardWith(const json& cards, const std::string& words) {
    for (const json& c : cards) {
      if (c["summary"].get<std::string>().find(words) != std::string::npos) return &c;
    }
    return nullptr;
  }

  static fs::path dir_;
  static Key* ec_;
  static Key* rsa_;
  TestSite site_;
};

fs::path CdsHooksTest::dir_;
Key* CdsHooksTest::ec_ = nullptr;
Key* CdsHooksTest::rsa_ = nullptr;

TEST_F(CdsHooksTest, DiscoveryListsTheThreeHooksWithPrefetchByTheKnowledgesLoincCodes) {
  http::Response r = site_.Get("/cds-services");
  ASSERT_EQ(r.status, 200);
  json d = json::parse(r.body);
  std::set<std::string> hooks;
  for (const json& s : d["services"]) {
    hooks.insert(s["hook"].get<std::string>());
    for (const char* key : {"hook", "id", "description"}) EXPECT_TRUE(s[key].is_string()) << key;
    EXPECT_EQ(s["prefetch"]["patient"], "Patient/{{context.patientId}}");
    // Every LOINC code of a platelet count in the knowledge is asked for.
    for (const CodeMap::Loinc& l : K().codes.loinc) {
      if (l.test != "platelets") continue;
      EXPECT_NE(s["prefetch"]["platelets"].get<std::string>().find("http://loinc.org|" + l.code), std::string::npos);
    }
  }
  EXPECT_EQ(hooks, (std::set<std::string>{"patient-view", "order-select", "order-sign"}));
}

TEST_F(CdsHooksTest, ADraftOf25MgForMyelomaWithAClearanceOf40GetsAnUpdateToTheLabelsRenalDose) {
  // Female, 60 kg, creatinine 2.1 mg/dL: Cockcroft-Gault ~40 mL/min at the Synthea patient's age.
  std::vector<json> labs = {
      Lab("creatinine", "2160-0", 2.1, "mg/dL", DaysAgo(2)), Lab("weight", "29463-7", 60, "kg", DaysAgo(2)),
      Lab("platelets", "777-3", 210, "10*9/L", DaysAgo(2)), Lab("anc", "751-8", 3.1, "10*9/L", DaysAgo(2))};
  json cards = Cards(Call("lenacare-order-sign", Request("order-sign", labs, Order("rx-1", "2-1", 25, 28, 0))));
  const Date today = TestClock().Today();
  const int age = today.YearsSince(*Date::Parse("2005-02-17"));
  auto cg = CockcroftGaultCrCl(K(), {age, Sex::kFemale, 60, 2.1});  // the knowledge's formula
  ASSERT_TRUE(cg.ok());
  const double crcl = cg->ml_min;
  ASSERT_GT(crcl, 35);
  ASSERT_LT(crcl, 45);
  auto label = StartingDoseFor(K(), "mm", RenalFunction{crcl, false});
  ASSERT_TRUE(label.ok());
  ASSERT_LT(label->regimen.dose_mg, 25);
  const json* card = CardWith(cards, "Ordered 25 mg");
  ASSERT_NE(card, nullptr) << cards.dump(1);
  EXPECT_EQ((*card)["indicator"], "warning");
  EXPECT_NE((*card)["detail"].get<std::string>().find(label->cites.back().source), std::string::npos);
  EXPECT_NE((*card)["detail"].get<std::string>().find("creatinine"), std::string::npos);  // the data it used
  const json& action = (*card)["suggestions"][0]["actions"][0];
  EXPECT_EQ(action["type"], "update");
  const json& dose = action["resource"]["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"];
  EXPECT_EQ(dose["value"].get<double>(), label->regimen.dose_mg);
  EXPECT_EQ(dose["code"], "mg");
  EXPECT_EQ(action["resource"]["id"], "rx-1");
  // order-select gets the same check.
  json early = Cards(Call("lenacare-order-select", Request("order-select", labs, Order("rx-1", "2-1", 25, 28, 0))));
  EXPECT_NE(CardWith(early, "Ordered 25 mg"), nullptr);
}

TEST_F(CdsHooksTest, ADraftWhileTheLatestPlateletsAreBelowTheHoldThresholdIsCritical) {
  double below = 0;
  for (const HoldRule& h : K().hold_rules) {
    if (h.test != LabTest::kPlatelets ||
        std::find(h.indications.begin(), h.indications.end(), "mm") == h.indications.end())
      continue;
    for (const HoldTrigger& t : h.triggers) {
      if (t.below) below = std::max(below, *t.below);
    }
  }
  ASSERT_GT(below, 0);
  std::vector<json> labs = {Lab("platelets", "777-3", below - 5, "10*9/L", DaysAgo(1)),
                            Lab("creatinine", "2160-0", 0.8, "mg/dL", DaysAgo(1)),
                            Lab("weight", "29463-7", 60, "kg", DaysAgo(1))};
  json cards = Cards(Call("lenacare-order-sign", Request("order-sign", labs, Order("rx-2", "2-1", 25, 28, 0))));
  ASSERT_FALSE(cards.empty());
  EXPECT_EQ(cards[0]["indicator"], "critical") << cards.dump(1);  // most urgent first
  EXPECT_NE(cards[0]["summary"].get<std::string>().find("platelets"), std::string::npos);
  // The same chart opened (patient-view) says it too.
  json view = Cards(Call("lenacare-patient-view", Request("patient-view", labs)));
  ASSERT_FALSE(view.empty());
  EXPECT_EQ(view[0]["indicator"], "critical");
}

TEST_F(CdsHooksTest, RefillsAndA35DaySupplyGetSuggestionsToTheRemsLimits) {
  std::vector<json> labs = {Lab("creatinine", "2160-0", 0.8, "mg/dL", DaysAgo(1)),
                            Lab("weight", "29463-7", 60, "kg", DaysAgo(1))};
  json cards = Cards(Call("lenacare-order-sign", Request("order-sign", labs, Order("rx-3", "2-1", 25, 35, 2))));
  const json* supply = CardWith(cards, "35-day supply");
  ASSERT_NE(supply, nullptr) << cards.dump(1);
  EXPECT_EQ((*supply)["suggestions"][0]["actions"][0]["resource"]["dispenseRequest"]["expectedSupplyDuration"]["value"],
            K().max_supply_days);
  const json* refills = CardWith(cards, "2 refills");
  ASSERT_NE(refills, nullptr) << cards.dump(1);
  EXPECT_EQ((*refills)["suggestions"][0]["actions"][0]["resource"]["dispenseRequest"]["numberOfRepeatsAllowed"],
            K().refills);
  // Within the limits: neither card.
  json ok = Cards(Call("lenacare-order-sign",
                       Request("order-sign", labs, Order("rx-4", "2-1", 25, K().max_supply_days, K().refills))));
  EXPECT_EQ(CardWith(ok, "supply"), nullptr);
  EXPECT_EQ(CardWith(ok, "refill"), nullptr);
}

TEST_F(CdsHooksTest, AnRs384TokenIsAcceptedToo) {
  json body = Request("patient-view", {});
  EXPECT_EQ(Call("lenacare-patient-view", body, Sign(*rsa_, Claims(Url("lenacare-patient-view")))).status, 200);
}

// Each bad token is its own test: refused with 401, and the call leaves nothing in the audit log.
class CdsBadJwtTest : public CdsHooksTest, public ::testing::WithParamInterface<const char*> {
 protected:
  std::string Token(const std::string& what) {
    const std::string service = "lenacare-patient-view";
    json claims = Claims(Url(service));
    if (what == "wrong-signature") return Sign(*EcKey("ec-1"), claims);  // the right kid, another key
    if (what == "unknown-iss") claims["iss"] = "https://intruder.test";
    if (what == "wrong-aud") claims["aud"] = Url("lenacare-order-sign");
    if (what == "expired") {
      claims["exp"] = Now() - 3600;
      claims["iat"] = Now() - 3900;
    }
    if (what == "no-jti") claims.erase("jti");
    if (what == "lives-too-long") claims["exp"] = Now() + 7200;
    if (what == "alg-none") {
      return B64Url(json{{"alg", "none"}, {"typ", "JWT"}, {"kid", "ec-1"}}.dump()) + "." + B64Url(claims.dump()) + ".";
    }
    if (what == "alg-hs256") {
      return B64Url(json{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "ec-1"}}.dump()) + "." + B64Url(claims.dump()) +
             ".c2lnbmF0dXJl";
    }
    if (what == "unknown-kid") return Sign(*ec_, claims, "nope");
    if (what == "alg-not-the-keys") return Sign(*ec_, claims, "ec-1", "RS384");
    if (what == "garbage") return "not-a-jwt";
    return Sign(*ec_, claims);
  }
};

TEST_P(CdsBadJwtTest, IsRefusedWith401AndNothingIsAudited) {
  json body = Request("patient-view", {});
  const int64_t audit_before = site_.Count("audit");
  http::Response r = Call("lenacare-patient-view", body, Token(GetParam()));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.body.find("JWT"), std::string::npos) << r.body;  // says why
  EXPECT_EQ(site_.Count("audit"), audit_before);
}

INSTANTIATE_TEST_SUITE_P(EachBadToken, CdsBadJwtTest,
                         ::testing::Values("wrong-signature", "unknown-iss", "wrong-aud", "expired", "no-jti",
                                           "lives-too-long", "alg-none", "alg-hs256", "unknown-kid", "alg-not-the-keys",
                                           "garbage"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           std::string name = i.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_F(CdsHooksTest, ACallWithoutATokenOrWithOneUsedBeforeIsRefused) {
  json body = Request("patient-view", {});
  const std::string service = "lenacare-patient-view";
  EXPECT_EQ(site_.Send("POST", "/cds-services/" + service, body.dump(), "application/json").status, 401);
  const std::string once = Sign(*ec_, Claims(Url(service)));
  EXPECT_EQ(Call(service, body, once).status, 200);
  http::Response again = Call(service, body, once);
  EXPECT_EQ(again.status, 401);
  EXPECT_NE(again.body.find("used before"), std::string::npos);
}

TEST_F(CdsHooksTest, AMissingPrefetchWithoutAFhirServerIs412) {
  json body = Request("patient-view", {});
  body["prefetch"].erase("platelets");
  http::Response r = Call("lenacare-patient-view", body);
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_NE(r.body.find("platelets"), std::string::npos);
  // An OperationOutcome in its place is the same.
  body["prefetch"]["platelets"] = {{"resourceType", "OperationOutcome"},
                                   {"issue", json::array({{{"severity", "error"}, {"code", "processing"}}})}};
  EXPECT_EQ(Call("lenacare-patient-view", body).status, 412);
  // A key present as null is "no data": answered.
  body["prefetch"]["platelets"] = nullptr;
  EXPECT_EQ(Call("lenacare-patient-view", body).status, 200);
}

TEST_F(CdsHooksTest, EveryPublicSyntheaPatientViewAnswersByTheCardRules) {
  for (const char* name : {"Cher186_Crooks415.json", "Adrian111_Wunsch504.json"}) {
    std::ifstream in(std::string(LENACARE_TEST_DATA_DIR) + "/data/cds-hooks/" + name);
    json synthea = json::parse(in);
    json body = {{"hook", "patient-view"},
                 {"hookInstance", synthea["hookInstance"]},
                 {"context", synthea["context"]},
                 {"prefetch",
                  {{"patient", synthea["prefetch"]["Patient"]},
                   {"conditions", synthea["prefetch"]["Condition"]},
                   {"medications", synthea["prefetch"]["MedicationRequest"]}}}};
    for (const char* key : {"anc", "platelets", "hemoglobin", "wbc", "creatinine", "weight", "pregnancyTests"}) {
      body["prefetch"][key] = Searchset({});
    }
    Cards(Call("lenacare-patient-view", body));
  }
}

TEST_F(CdsHooksTest, FeedbackIsStoredInTheAuditLogAndABadOneIsRefused) {
  const std::string service = "lenacare-order-sign";
  json fb = {{"feedback", json::array({{{"card", "9368d37b-283f-44a0-93ea-547cebab93ed"},
                                        {"outcome", "overridden"},
                                        {"overrideReason",
                                         {{"reason",
                                           {{"code", "patient-specific"},
                                            {"system", "https://lenacare.org/fhir/CodeSystem/cds-override-reason"},
                                            {"display", "Clinically appropriate"}}},
                                          {"userComment", "dose agreed with nephrology"}}},
                                        {"outcomeTimestamp", "2026-12-02T10:05:31Z"}}})}};
  const int64_t before = site_.Count("audit");
  http::Response r =
      site_.Send("POST", "/cds-services/" + service + "/feedback", fb.dump(), "application/json", nullptr,
                 {{"authorization", "Bearer " + Sign(*ec_, Claims(Url(service) + "/feedback"))}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(site_.Count("audit"), before + 1);
  json bad = fb;
  bad["feedback"][0]["outcome"] = "ignored";
  r = site_.Send("POST", "/cds-services/" + service + "/feedback", bad.dump(), "application/json", nullptr,
                 {{"authorization", "Bearer " + Sign(*ec_, Claims(Url(service) + "/feedback"))}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(site_.Count("audit"), before + 1);
}

}  // namespace
}  // namespace lenacare::testing

namespace lenacare::testing {
namespace {

// A second lenacare, served on a loopback port: the EHR's FHIR server for the CDS service's
// fetches (its FHIR read API, /fhir), a real HTTP server and not a fake.
class FhirServer {
 public:
  FhirServer() : site_(TestSite::Seed::kDemo) {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    o.handle_signals = false;
    auto started = http::Server::Start(o, [this](const http::Request& r) { return site_.app().Handle(r); });
    if (!started.ok()) throw std::runtime_error(started.error().Describe());
    server_ = std::move(started).value();
    running_ = std::async(std::launch::async, [s = server_.get()] { s->Run(); });
  }
  ~FhirServer() {
    server_->Stop();
    running_.wait();
  }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/fhir"; }
  TestSite& site() { return site_; }

 private:
  TestSite site_;
  std::unique_ptr<http::Server> server_;
  std::future<void> running_;
};

TEST(FhirReadApi, SearchesByPatientCodeAndDateWithTheSiteRoleRules) {
  TestSite site;
  Credentials nurse = site.TokenFor("nurse");
  http::Response r = site.Get("/fhir/metadata");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["resourceType"], "CapabilityStatement");
  EXPECT_EQ(site.Get("/fhir/Patient/DEMO-1001").status, 401);
  r = site.Get("/fhir/Patient/DEMO-1001", &nurse);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["id"], "DEMO-1001");
  // Platelet counts, by the knowledge's LOINC code, newest first, two of them.
  std::string code;
  for (const CodeMap::Loinc& l : K().codes.loinc) {
    if (l.test == "platelets") code += (code.empty() ? "" : ",") + std::string("http://loinc.org|") + l.code;
  }
  r = site.Get("/fhir/Observation?patient=DEMO-1001&code=" + UrlEncode(code) + "&_sort=-date&_count=2", &nurse);
  ASSERT_EQ(r.status, 200) << r.body;
  json b = json::parse(r.body);
  EXPECT_EQ(b["type"], "searchset");
  ASSERT_EQ(b["entry"].size(), 2u) << r.body;
  const std::string newest = b["entry"][0]["resource"]["effectiveDateTime"];
  const std::string older = b["entry"][1]["resource"]["effectiveDateTime"];
  EXPECT_GE(newest, older);
  r = site.Get("/fhir/Observation?patient=DEMO-1001&code=" + UrlEncode(code) + "&date=gt" + newest, &nurse);
  EXPECT_EQ(json::parse(r.body)["entry"].size(), 0u);
  // Unknown parameters and a search without a patient are refused with an OperationOutcome.
  r = site.Get("/fhir/Observation?patient=DEMO-1001&color=red", &nurse);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["resourceType"], "OperationOutcome");
  EXPECT_EQ(site.Get("/fhir/Condition", &nurse).status, 400);
  EXPECT_EQ(site.Get("/fhir/Patient/NOBODY-1", &nurse).status, 404);
  // A patient reads only their own record.
  Credentials patient = site.TokenFor("patient");
  int own = 0, refused = 0;
  for (const char* ref : {"DEMO-1001", "DEMO-1002", "DEMO-1003", "DEMO-1004"}) {
    const int status = site.Get(std::string("/fhir/MedicationRequest?patient=") + ref, &patient).status;
    own += status == 200;
    refused += status == 403;
  }
  EXPECT_EQ(own, 1);
  EXPECT_GE(refused, 2);
}

class CdsFetchTest : public CdsHooksTest {};

TEST_F(CdsFetchTest, AMissingPrefetchIsFetchedFromTheEhrsFhirServerASecondLenacare) {
  FhirServer ehr;
  Credentials token = ehr.site().TokenFor("nurse");
  json body = {{"hook", "patient-view"},
               {"hookInstance", "0d7b7ba5-6d0b-4c1a-9a39-5b3c2a1e8f10"},
               {"fhirServer", ehr.Base()},
               {"fhirAuthorization",
                {{"access_token", token.token},
                 {"token_type", "Bearer"},
                 {"expires_in", 300},
                 {"scope", "patient/*.read"},
                 {"subject", "lenacare"}}},
               {"context", {{"userId", "Practitioner/1"}, {"patientId", "DEMO-1001"}}}};
  http::Response r = Call("lenacare-patient-view", body);
  json cards = Cards(r);
  ASSERT_FALSE(cards.empty()) << r.body;
  // The platelets it fetched are among the data the cards say they used.
  EXPECT_NE(r.body.find("EHR: platelets"), std::string::npos) << r.body.substr(0, 3000);
  // A token the FHIR server refuses: nothing can be fetched, 412.
  body["fhirAuthorization"]["access_token"] = "not-a-token";
  r = Call("lenacare-patient-view", body);
  EXPECT_EQ(r.status, 412) << r.body;
}

TEST_F(CdsHooksTest, APatientMatchedByIdentifierGetsTheStoredCoursesAnswerAndALinkToIt) {
  TestSite seeded(TestSite::Seed::kDemo, (dir_ / "cds.toml").string());
  json body = Request("patient-view", {});
  body["prefetch"]["patient"]["identifier"].push_back(
      {{"system", "https://lenacare.org/fhir/patient-ref"}, {"value", "DEMO-1001"}});
  http::Response r =
      seeded.Send("POST", "/cds-services/lenacare-patient-view", body.dump(), "application/json", nullptr,
                  {{"authorization", "Bearer " + Sign(*ec_, Claims(Url("lenacare-patient-view")))}});
  json cards = Cards(r);
  bool status = false, link = false;
  for (const json& c : cards) {
    status = status || c["summary"].get<std::string>().rfind("Cycle ", 0) == 0;
    link = link || (c.contains("links") && c["links"][0]["url"] == std::string(kBase) + "/patients/DEMO-1001");
  }
  EXPECT_TRUE(status) << r.body.substr(0, 3000);
  EXPECT_TRUE(link);
  EXPECT_NE(r.body.find("lenacare: the course of"), std::string::npos);
}

}  // namespace
}  // namespace lenacare::testing

namespace lenacare::testing {
namespace {

// The specification's own example (CDS Hooks 2.0, "Trusting CDS Clients"): its ES384 JWT, signed
// with its example key, verified with its JWK Set at a time the token was valid.
TEST(CdsJwt, TheSpecificationsExampleTokenVerifiesWithItsKeySetAndNotOnceTampered) {
  const std::string jwks = R"({"keys":[{"kty":"EC","use":"sig","crv":"P-384","kid":"example-kid",)"
                           R"("x":"46SDH7Znh821wblCBglA61sNE9ZrHYKKt3qRtRTmSXyOI_FIGBLWrWa0GPUkDCEk",)"
                           R"("y":"XMcRuuoGW7CXjQdy-F5i3FeBE0x9hPLdeFdSoDd3ELmx404tLX0VRRcqzAsPhXcI","alg":"ES384"}]})";
  const std::string token =
      "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCIsImtpZCI6ImV4YW1wbGUta2lkIiwiamt1IjoiaHR0cHM6Ly9maGlyLWVoci5leGFtcGxlLmNvbS9"
      "qd2tfdXJpIn0.eyJpc3MiOiJodHRwczovL2ZoaXItZWhyLmV4YW1wbGUuY29tLyIsImF1ZCI6Imh0dHBzOi8vY2RzLmV4YW1wbGUub3JnL2Nkcy1"
      "zZXJ2aWNlcy9zb21lLXNlcnZpY2UiLCJleHAiOjE0MjI1Njg4NjAsImlhdCI6MTMxMTI4MDk3MCwianRpIjoiZWUyMmIwMjEtZTFiNy00NjExLW"
      "JhNWItOGVlYzZhMzNhYzFlIiwidGVuYW50IjoiMmRkZDZjM2EtOGU5YS00NGM2LWEzMDUtNTIxMTFhZDMwMmEyIn0."
      "d1WfLjGRKlcWB94l9do4cM8"
      "REXeYJLL6SGUBO8VHZhfM8mwKYP70EMxJ67War4TQblEpaQrp11wx5p7oPFm2ETYgCicS84vXWEIYTdjooZdooCSDf2L8-i4awdoUwiEb";
  const std::string jku = "https://fhir-ehr.example.com/jwk_uri";
  int fetched = 0;
  auto verifier = [&] {
    return webapp::JwtVerifier({{"https://fhir-ehr.example.com/", "", {jku}}}, [&](const std::string& url) {
      ++fetched;
      EXPECT_EQ(url, jku);
      return Result<std::string>(jwks);
    });
  };
  const std::vector<std::string> aud = {"https://cds.example.org/cds-services/some-service"};
  const int64_t exp = 1422568860;
  auto v = verifier();
  auto ok = v.Verify(token, aud, exp - 100);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->kid, "example-kid");
  EXPECT_EQ(ok->tenant, "2ddd6c3a-8e9a-44c6-a305-52111ad302a2");
  EXPECT_EQ(fetched, 1);
  EXPECT_FALSE(v.Verify(token, aud, exp - 90).ok());  // its jti again
  auto fresh = verifier();
  EXPECT_FALSE(fresh.Verify(token, aud, exp + 3600).ok());                             // expired
  EXPECT_FALSE(fresh.Verify(token, {"https://other.example.org/x"}, exp - 100).ok());  // another audience
  std::string tampered = token;
  tampered[tampered.rfind('.') + 5] = tampered[tampered.rfind('.') + 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifier().Verify(tampered, aud, exp - 100).ok());
  // The key set may only come from the jku the issuer's entry allows.
  webapp::JwtVerifier no_jku({{"https://fhir-ehr.example.com/", "", {}}},
                             [&](const std::string&) { return Result<std::string>(jwks); });
  EXPECT_FALSE(no_jku.Verify(token, aud, exp - 100).ok());
}

TEST_F(CdsHooksTest, ATokenUsedOnOneServerIsRefusedByAnotherOnTheSameDatabase) {
  webapp::SiteOptions o;
  o.web_dir = LENACARE_TEST_WEB_DIR;
  o.pages_dir = std::string(LENACARE_TEST_KNOWLEDGE_DIR) + "/pages";
  o.cds_config = (dir_ / "cds.toml").string();
  auto second = webapp::WebApp::Create(K(), site_.store(), TestClock(), o);
  ASSERT_TRUE(second.ok());
  json body = Request("patient-view", {});
  const std::string jwt = Sign(*ec_, Claims(Url("lenacare-patient-view")));
  EXPECT_EQ(Call("lenacare-patient-view", body, jwt).status, 200);
  http::Request req;
  req.method = "POST";
  req.target = req.path = "/cds-services/lenacare-patient-view";
  req.body = body.dump();
  req.headers = {{"content-type", "application/json"}, {"authorization", "Bearer " + jwt}, {"host", "lenacare.test"}};
  EXPECT_EQ((*second)->Handle(req).status, 401);
}

TEST_F(CdsHooksTest, AFhirServerTheClientMayNotNameIsNeverSentItsToken) {
  const fs::path config = dir_ / "cds-servers.toml";
  std::ofstream(config) << "base_url = \"" << kBase
                        << "\"\nallowed_origins = [\"https://ehr.test\"]\n[[client]]\niss = \"" << kIssuer
                        << "\"\njwks_file = \"ehr-jwks.json\"\nfhir_servers = [\"https://ehr.test/fhir\"]\n";
  TestSite restricted(TestSite::Seed::kEmpty, config.string());
  FhirServer elsewhere;
  json body = {
      {"hook", "patient-view"},
      {"hookInstance", "0d7b7ba5-6d0b-4c1a-9a39-5b3c2a1e8f11"},
      {"fhirServer", elsewhere.Base()},
      {"fhirAuthorization", {{"access_token", elsewhere.site().TokenFor("nurse").token}, {"token_type", "Bearer"}}},
      {"context", {{"userId", "Practitioner/1"}, {"patientId", "DEMO-1001"}}}};
  const int64_t reads_before = elsewhere.site().Count("audit");
  http::Response r =
      restricted.Send("POST", "/cds-services/lenacare-patient-view", body.dump(), "application/json", nullptr,
                      {{"authorization", "Bearer " + Sign(*ec_, Claims(Url("lenacare-patient-view")))},
                       {"origin", "https://ehr.test"}});
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_NE(r.body.find("fhirServer is not one"), std::string::npos);
  EXPECT_EQ(elsewhere.site().Count("audit"), reads_before);  // nothing was asked of it
  // The allowed origin is answered with CORS headers; a preflight too.
  bool cors = false;
  for (const auto& [name, value] : r.headers)
    cors = cors || (name == "Access-Control-Allow-Origin" && value == "https://ehr.test");
  EXPECT_TRUE(cors);
  http::Response pre = restricted.Send("OPTIONS", "/cds-services/lenacare-patient-view", "", "", nullptr,
                                       {{"origin", "https://ehr.test"}});
  EXPECT_EQ(pre.status, 204);
  http::Response other = restricted.Send("OPTIONS", "/cds-services/lenacare-patient-view", "", "", nullptr,
                                         {{"origin", "https://intruder.test"}});
  for (const auto& [name, value] : other.headers) EXPECT_NE(name, "Access-Control-Allow-Origin");
}

}  // namespace
}  // namespace lenacare::testing

namespace lenacare::testing {
namespace {

TEST_F(CdsHooksTest, AnOrderWithAnInteractingActiveMedicationGetsTheKnowledgesInteractionCard) {
  const Interaction* digoxin = nullptr;
  for (const Interaction& i : K().safety.interactions) {
    if (std::find(i.rxnorm.begin(), i.rxnorm.end(), "3407") != i.rxnorm.end()) digoxin = &i;
  }
  ASSERT_NE(digoxin, nullptr);
  std::vector<json> labs = {Lab("creatinine", "2160-0", 0.8, "mg/dL", DaysAgo(1)),
                            Lab("weight", "29463-7", 60, "kg", DaysAgo(1))};
  json body = Request("order-sign", labs, Order("rx-5", "2-1", 25, 28, 0));
  body["prefetch"]["medications"]["entry"].push_back(
      {{"resource",
        {{"resourceType", "MedicationRequest"},
         {"id", "digoxin-1"},
         {"status", "active"},
         {"intent", "order"},
         {"subject", {{"reference", "Patient/2-1"}}},
         {"medicationCodeableConcept",
          {{"coding", json::array({{{"system", "http://www.nlm.nih.gov/research/umls/rxnorm"},
                                    {"code", "3407"},
                                    {"display", "digoxin"}}})}}}}}});
  json cards = Cards(Call("lenacare-order-sign", body));
  const json* card = CardWith(cards, "Interaction with digoxin");
  ASSERT_NE(card, nullptr) << cards.dump(1);
  EXPECT_NE((*card)["detail"].get<std::string>().find(digoxin->action), std::string::npos);
  EXPECT_NE((*card)["detail"].get<std::string>().find(digoxin->cite.source), std::string::npos);
  // The dose fits (normal clearance, the label's starting dose): the schedule card says the pill days.
  const json* schedule = CardWith(cards, "Pill days: ");
  ASSERT_NE(schedule, nullptr) << cards.dump(1);
  EXPECT_EQ((*schedule)["indicator"], "info");
  EXPECT_EQ(CardWith(cards, "Ordered 25 mg"), nullptr);
}

}  // namespace
}  // namespace lenacare::testing

namespace lenacare::testing {
namespace {

TEST_F(CdsHooksTest, AFhirNarrativeLongerThanACourseFilesTextIsReadAndAKeyGivenTwiceIsRefused) {
  json body = Request("patient-view", {});
  body["prefetch"]["patient"]["text"] = {
      {"status", "generated"},
      {"div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + std::string(20000, 'x') + "</div>"}};
  EXPECT_EQ(Call("lenacare-patient-view", body).status, 200);
  std::string twice = body.dump();
  twice.insert(twice.find("\"hook\""), "\"hook\":\"order-sign\",");
  http::Response r = Call("lenacare-patient-view", json(), Sign(*ec_, Claims(Url("lenacare-patient-view"))));
  EXPECT_EQ(r.status, 400);  // null: not an object
  r = site_.Send("POST", "/cds-services/lenacare-patient-view", twice, "application/json", nullptr,
                 {{"authorization", "Bearer " + Sign(*ec_, Claims(Url("lenacare-patient-view")))}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("given twice"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace lenacare::testing

namespace lenacare::testing {
namespace {

TEST(FhirReadApi, ACountThatIsNotASmallNumberIsRefused) {
  TestSite site;
  Credentials nurse = site.TokenFor("nurse");
  for (const char* bad : {"0", "1001", "99999999999999999999", "5x", "-1", ""}) {
    http::Response r = site.Get(std::string("/fhir/Observation?patient=DEMO-1001&_count=") + bad, &nurse);
    EXPECT_EQ(r.status, 400) << bad;
  }
  EXPECT_EQ(site.Get("/fhir/Observation?patient=DEMO-1001&_count=3", &nurse).status, 200);
}

}  // namespace
}  // namespace lenacare::testing

namespace lenacare::testing {
namespace {

// Regression (fuzz/regressions/cds_jwt): a token whose signature holds '=' made cjose's base64
// decoder assert and abort the server. It is refused before cjose sees it; and so is a header
// naming "alg" twice.
TEST(CdsJwt, ATokenWithACharacterOutsideBase64UrlOrAKeyTwiceIsRefusedNotACrash) {
  std::ifstream in(std::string(LENACARE_TEST_DATA_DIR) +
                   "/../fuzz/regressions/cds_jwt/crash-0bcc8b6facfc7b5fc33283c615cb90623b9c1b6c");
  std::string crash((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(crash.empty());
  const std::string jwks = R"({"keys":[{"kty":"EC","crv":"P-384","kid":"example-kid",)"
                           R"("x":"46SDH7Znh821wblCBglA61sNE9ZrHYKKt3qRtRTmSXyOI_FIGBLWrWa0GPUkDCEk",)"
                           R"("y":"XMcRuuoGW7CXjQdy-F5i3FeBE0x9hPLdeFdSoDd3ELmx404tLX0VRRcqzAsPhXcI"}]})";
  webapp::JwtVerifier v({{"https://fhir-ehr.example.com/", jwks, {"https://fhir-ehr.example.com/jwk_uri"}}},
                        [&](const std::string&) { return Result<std::string>(jwks); });
  const std::vector<std::string> aud = {"https://cds.example.org/cds-services/some-service"};
  auto r = v.Verify(crash, aud, 1422568860 - 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kBadInput);
  const std::string twice = B64Url(R"({"alg":"ES384","alg":"none","typ":"JWT","kid":"example-kid"})") + "." +
                            B64Url(R"({"iss":"https://fhir-ehr.example.com/"})") + ".c2ln";
  EXPECT_FALSE(v.Verify(twice, aud, 1422568860 - 100).ok());
}

}  // namespace
}  // namespace lenacare::testing
