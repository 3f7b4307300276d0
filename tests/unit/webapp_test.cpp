// The web application through its Handler: the OpenAPI document against the routes, sign-in and
// roles, CSRF, API tokens and patient scoping, bad and hostile inputs in every field, and the API
// giving the CLI's answers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "store/audit.h"
#include "test_support.h"
#include "webapp/content.h"
#include "webapp/json_writer.h"
#include "webapp_support.h"
#include "wire/json.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::Credentials;
using testing::TestSite;

// One seeded store for the suites (Argon2id is slow on purpose), removed with its directory when
// the tests end.
TestSite* shared_site = nullptr;

class SharedSiteCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    delete shared_site;
    shared_site = nullptr;
  }
};
[[maybe_unused]] ::testing::Environment* const shared_site_cleanup =
    ::testing::AddGlobalTestEnvironment(new SharedSiteCleanup);

TestSite& Site() {
  if (shared_site == nullptr) shared_site = new TestSite();
  return *shared_site;
}

json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string Today() { return testing::TestClock().Today().ToString(); }

// Known-good bodies of every JSON POST route of the API, for the hostile-input tests.
std::map<std::string, json> GoodBodies() {
  const std::string examples = std::string(LENACARE_TEST_DATA_DIR) + "/../docs/examples/";
  return {
      {"/api/v1/crcl", {{"age", 72}, {"sex", "female"}, {"weight", "58 kg"}, {"creatinine", "1.3 mg/dL"}}},
      {"/api/v1/start-dose", {{"indication", "mm"}, {"crcl", "80"}}},
      {"/api/v1/calendar",
       {{"indication", "mm"}, {"start", "2026-01-05"}, {"setting", "newly-diagnosed"}, {"age", 70}}},
      {"/api/v1/missed-dose", {{"scheduled", "08:00"}, {"now", "10:00"}}},
      {"/api/v1/capsules", {{"indication", "mm"}, {"dose", 25}}},
      {"/api/v1/vte", {{"bmi", "31 kg/m2"}, {"prophylaxis", "aspirin"}, {"present", {"prior_vte"}}}},
      {"/api/v1/interactions", {{"drugs", {"digoxin"}}}},
      {"/api/v1/grade", {{"test", "anc"}, {"value", "0.8 10*9/L"}}},
      {"/api/v1/evaluate", {{"course", ReadJsonFile(examples + "myeloma-platelets.json")}, {"as_of", "2026-01-20"}}},
      {"/api/v1/rems", {{"course", ReadJsonFile(examples + "rems-frp.json")}, {"as_of", "2026-03-02"}}},
      {"/api/v1/check", {{"course", ReadJsonFile(examples + "myeloma-platelets.json")}, {"as_of", "2026-01-20"}}},
      {"/api/v1/response", {{"series", ReadJsonFile(examples + "response-vgpr-then-cr.json")}}},
      {"/api/v1/patients", {{"patient", "T-1"}, {"name", "Test Person"}, {"sex", "female"}}},
      {"/api/v1/patients/{ref}/courses", {{"indication", "mm"}, {"start", Today()}, {"dose", 25}}},
      {"/api/v1/patients/{ref}/events",
       {{"kind", "lab"}, {"date", Today()}, {"test", "platelets"}, {"value", "150 10*9/L"}}},
      {"/api/v1/patients/{ref}/symptoms", {{"date", Today()}, {"symptom", "tired"}, {"severity", "mild"}}},
      {"/api/v1/tokens", {{"name", "script"}}},
  };
}

// Fields whose text is the user's own words: stored verbatim (as parameters, never as SQL).
const std::set<std::string> kFreeText = {"name", "reason", "note", "symptom"};

std::string Fill(const std::string& pattern, const std::string& ref) {
  std::string out = pattern;
  const size_t at = out.find("{ref}");
  if (at != std::string::npos) out.replace(at, 5, ref);
  return out;
}

TEST(WebApi, TheOpenApiDocumentDescribesExactlyTheApiRoutes) {
  const json doc = ReadJsonFile(std::string(LENACARE_TEST_WEB_DIR) + "/openapi.json");
  ASSERT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented, routed;
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    for (auto op = p.value().begin(); op != p.value().end(); ++op) {
      if (op.key() == "parameters") continue;
      std::string method = op.key();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + p.key());
      EXPECT_TRUE(op.value().contains("responses")) << method << " " << p.key();
    }
  }
  for (const auto& r : Site().app().router().routes()) {
    if (r.pattern.rfind("/api/v1/", 0) == 0) routed.insert(r.method + " " + r.pattern);
  }
  for (const auto& d : documented) EXPECT_TRUE(routed.count(d)) << "documented but not served: " << d;
  for (const auto& r : routed) EXPECT_TRUE(documented.count(r)) << "served but not documented: " << r;
  EXPECT_GE(routed.size(), 25u);
  // And the server serves that very document.
  const http::Response served = Site().Get("/api/v1/openapi.json");
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(json::parse(served.body), doc);
}

TEST(WebAuth, EachRoleSignsInAndLandsOnItsHome) {
  const std::map<std::string, std::string> home = {{"admin", "/admin/users"},
                                                   {"prescriber", "/worklist"},
                                                   {"pharmacist", "/worklist"},
                                                   {"nurse", "/worklist"},
                                                   {"patient", "/me"}};
  for (const auto& [role, path] : home) {
    const Credentials c = Site().SignIn(role);
    ASSERT_FALSE(c.session.empty()) << role;
    const http::Response r = Site().Get("/sign-in", &c);
    EXPECT_EQ(r.status, 303) << role;
    EXPECT_EQ(r.headers.front().second, path) << role;
  }
}

TEST(WebAuth, SessionCookiesAreHttpOnlyAndSameSiteStrict) {
  http::Response form = Site().Get("/sign-in");
  bool found = false;
  for (const auto& [k, v] : form.headers) {
    if (k != "Set-Cookie") continue;
    found = true;
    EXPECT_NE(v.find("HttpOnly"), std::string::npos);
    EXPECT_NE(v.find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(v.find("Secure"), std::string::npos);  // not behind TLS in this test
  }
  EXPECT_TRUE(found);
}

TEST(WebAuth, AWrongPasswordIsRefusedWithoutSayingWhichPartWasWrong) {
  for (const std::string& user : {Site().Username("nurse"), std::string("nobody-here")}) {
    http::Response form = Site().Get("/sign-in");
    const std::string body =
        "username=" + testing::UrlEncode(user) + "&password=wrong-password-123&csrf=" + testing::CsrfOf(form.body);
    http::Response r = Site().Send("POST", "/sign-in", body, "application/x-www-form-urlencoded", nullptr,
                                   {{"cookie", "lenacare_login=" + testing::SetCookie(form, "lenacare_login")}});
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.body.find("the username or the password is wrong"), std::string::npos);
  }
}

TEST(WebAuth, SignInWithoutTheFormTokenIsRefused) {
  const std::string body = "username=" + Site().Username("admin") + "&password=x";
  EXPECT_EQ(Site().Send("POST", "/sign-in", body, "application/x-www-form-urlencoded").status, 403);
  EXPECT_EQ(Site()
                .Send("POST", "/sign-in", body + "&csrf=abc", "application/x-www-form-urlencoded", nullptr,
                      {{"cookie", "lenacare_login=def"}})
                .status,
            403);
}

TEST(WebAuth, RepeatedFailedSignInsAreRateLimited) {
  const std::string user = "rate-limited-user";
  int last = 0;
  for (int i = 0; i < store::SignInPolicy::kFreePerAccountAndAddress + 1; ++i) {
    http::Response form = Site().Get("/sign-in");
    const std::string body = "username=" + user + "&password=wrong-password-123&csrf=" + testing::CsrfOf(form.body);
    http::Response r = Site().Send("POST", "/sign-in", body, "application/x-www-form-urlencoded", nullptr,
                                   {{"cookie", "lenacare_login=" + testing::SetCookie(form, "lenacare_login")}});
    last = r.status;
    if (i < store::SignInPolicy::kFreePerAccountAndAddress) {
      EXPECT_EQ(r.status, 401) << i;
    } else {
      const std::pair<std::string, std::string> retry{"Retry-After", "1"};  // the first delay after the free ones
      EXPECT_NE(std::find(r.headers.begin(), r.headers.end(), retry), r.headers.end());
    }
  }
  EXPECT_EQ(last, 429);
}

// A sign-in through the form from `address`; the response.
http::Response SignInFrom(testing::TestSite& site, const std::string& user, const std::string& password,
                          const std::string& address) {
  http::Response form = site.Get("/sign-in");
  const std::string body = "username=" + testing::UrlEncode(user) + "&password=" + testing::UrlEncode(password) +
                           "&csrf=" + testing::CsrfOf(form.body);
  return site.Send("POST", "/sign-in", body, "application/x-www-form-urlencoded", nullptr,
                   {{"cookie", "lenacare_login=" + testing::SetCookie(form, "lenacare_login")}, {":remote", address}});
}

// Regression (issue 14): five wrong passwords from any address made the right one from another
// address get 429 for 15 minutes.
TEST(WebAuth, FailedSignInsFromOneAddressDoNotLockTheOwnerOutOfAnother) {
  testing::TestSite site;  // its own store: the fixed clock never lets these failures age
  const std::string nurse = site.Username("nurse");
  for (int i = 0; i < store::SignInPolicy::kFreePerAccountAndAddress; ++i) {
    EXPECT_EQ(SignInFrom(site, nurse, "wrong-password-123", "203.0.113.9").status, 401) << i;
  }
  EXPECT_EQ(SignInFrom(site, nurse, "wrong-password-123", "203.0.113.9").status, 429);
  const http::Response owner = SignInFrom(site, nurse, site.Password("nurse"), "198.51.100.7");
  EXPECT_EQ(owner.status, 303);
  EXPECT_FALSE(testing::SetCookie(owner, "lenacare_session").empty());
}

TEST(WebAuth, AUsernameNoAccountCanHaveCostsNoPasswordCheckAndLeavesNoRowOfItsOwn) {
  testing::TestSite site(testing::TestSite::Seed::kEmpty);
  for (int i = 0; i < 1000; ++i) {
    const int status =
        SignInFrom(site, std::string(2000, 'a') + std::to_string(i), "wrong-password-123", "203.0.113.10").status;
    EXPECT_EQ(status, i < store::SignInPolicy::kFreePerAccountAndAddress ? 401 : 429) << i;
  }
  // One row per rule for "no valid username" from that address, whatever was typed.
  EXPECT_EQ(site.Count("sign_in_throttle"), 3);
}

// Issue 14: long lists come in pages. The pages of the worklist, each resuming after the last
// entry of the one before, make the whole list; the worklist page shows one page and links the next.
TEST(WebApi, TheWorklistComesInPagesThatMakeTheWholeList) {
  const Credentials nurse = Site().TokenFor("nurse");
  const http::Response whole = Site().Get("/api/v1/worklist?look_ahead_days=366", &nurse);
  ASSERT_EQ(whole.status, 200) << whole.body;
  const json all = json::parse(whole.body);
  ASSERT_GE(all["entries"].size(), 3u);
  EXPECT_FALSE(all.contains("next"));  // the answer without a limit is as it was
  json pages = json::array();
  std::string after;
  int requests = 0;
  for (; requests < 100; ++requests) {
    const http::Response r =
        Site().Get("/api/v1/worklist?look_ahead_days=366&limit=2" + (after.empty() ? "" : "&after=" + after), &nurse);
    ASSERT_EQ(r.status, 200) << r.body;
    const json page = json::parse(r.body);
    EXPECT_LE(page["entries"].size(), 2u);
    for (const json& e : page["entries"]) pages.push_back(e);
    if (page["next"].is_null()) break;
    after = page["next"].get<std::string>();
  }
  EXPECT_EQ(pages, all["entries"]);
  EXPECT_EQ(requests + 1, static_cast<int>((all["entries"].size() + 1) / 2));
  for (const std::string bad : {"limit=0x10", "limit=1001", "limit=-1", "limit=2&after=not-a-cursor"}) {
    const http::Response r = Site().Get("/api/v1/worklist?" + bad, &nurse);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  const Credentials session = Site().SignIn("nurse");
  const http::Response html = Site().Get("/worklist?look_ahead_days=366&limit=1", &session);
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("rel=\"next\" href=\"/worklist?as_of="), std::string::npos) << html.body;
  EXPECT_NE(html.body.find("&amp;after="), std::string::npos);
}

// Whole lists run on the heavy pool (off the I/O threads, at a lower priority); pages do not.
TEST(WebApi, WholeListsAreHeavyRequestsAndPagesAreNot) {
  auto get = [](const std::string& path, std::multimap<std::string, std::string> query = {}) {
    http::Request r;
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    return r;
  };
  EXPECT_TRUE(webapp::WebApp::IsHeavy(get("/api/v1/worklist")));
  EXPECT_TRUE(webapp::WebApp::IsHeavy(get("/api/v1/patients")));
  EXPECT_TRUE(webapp::WebApp::IsHeavy(get("/api/v1/worklist", {{"limit", "1000"}})));
  EXPECT_TRUE(webapp::WebApp::IsHeavy(get("/worklist", {{"limit", "500"}})));
  EXPECT_TRUE(webapp::WebApp::IsHeavy(get("/api/v1/worklist", {{"limit", "x"}})));
  EXPECT_FALSE(webapp::WebApp::IsHeavy(get("/api/v1/worklist", {{"limit", "50"}})));
  EXPECT_FALSE(webapp::WebApp::IsHeavy(get("/worklist")));
  EXPECT_FALSE(webapp::WebApp::IsHeavy(get("/api/v1/patients/DEMO-1001/status")));
  http::Request sign_in = get("/sign-in");
  sign_in.method = "POST";
  EXPECT_TRUE(webapp::WebApp::IsHeavy(sign_in));
}

// The patient list and the audit log page too: by reference after `after`, and back from `before`.
TEST(WebApi, ThePatientListAndTheAuditLogComeInPages) {
  const Credentials nurse = Site().TokenFor("nurse");
  const json all = json::parse(Site().Get("/api/v1/patients", &nurse).body);
  ASSERT_GE(all["patients"].size(), 3u);
  EXPECT_FALSE(all.contains("next"));
  json pages = json::array();
  std::string after;
  for (int i = 0; i < 100; ++i) {
    const http::Response r =
        Site().Get("/api/v1/patients?limit=2" + (after.empty() ? "" : "&after=" + testing::UrlEncode(after)), &nurse);
    ASSERT_EQ(r.status, 200) << r.body;
    const json page = json::parse(r.body);
    for (const json& p : page["patients"]) pages.push_back(p);
    if (page["next"].is_null()) break;
    after = page["next"].get<std::string>();
  }
  EXPECT_EQ(pages, all["patients"]);
  EXPECT_EQ(Site().Get("/api/v1/patients?limit=1001", &nurse).status, 400);
  EXPECT_EQ(Site().Get("/api/v1/patients?limit=0", &nurse).status, 400);

  const Credentials admin = Site().TokenFor("admin");
  const http::Response log = Site().Get("/api/v1/audit/log?limit=3", &admin);
  ASSERT_EQ(log.status, 200) << log.body;
  const json latest = json::parse(log.body)["entries"];
  ASSERT_EQ(latest.size(), 3u);
  const int64_t lowest = latest[0]["seq"].get<int64_t>();
  const json earlier =
      json::parse(Site().Get("/api/v1/audit/log?limit=3&before=" + std::to_string(lowest), &admin).body)["entries"];
  ASSERT_EQ(earlier.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(earlier[i]["seq"].get<int64_t>(), lowest - 3 + i);
  EXPECT_EQ(Site().Get("/api/v1/audit/log?limit=1001", &admin).status, 400);
  EXPECT_EQ(Site().Get("/api/v1/audit/log?before=-1", &admin).status, 400);
}

TEST(WebApi, ATokenCannotMakeTokensAndAPersonLists) {
  const Credentials token = Site().TokenFor("nurse");
  http::Response r = Site().PostJson("/api/v1/tokens", {{"name", "minted"}}, &token);
  EXPECT_EQ(r.status, 403);
  const Credentials session = Site().SignIn("nurse");
  r = Site().PostJson("/api/v1/tokens", {{"name", "made by a person"}, {"days", 7}}, &session);
  ASSERT_EQ(r.status, 201) << r.body;
  r = Site().Get("/api/v1/tokens", &session);
  ASSERT_EQ(r.status, 200);
  const json list = json::parse(r.body)["tokens"];
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0]["name"], "made by a person");
  EXPECT_EQ(list[0]["state"], "active");
  EXPECT_EQ(list[0].count("token"), 0u);  // the secret is never listed
  EXPECT_EQ(Site().PostJson("/api/v1/tokens", {{"name", "too long"}, {"days", 366}}, &session).status, 400);
  EXPECT_EQ(Site().Get("/api/v1/tokens?all=1", &session).status, 403);
}

TEST(WebApi, ADisabledAccountsTokenStopsAtOnceAndARevokedOneToo) {
  testing::TestSite site;
  const Credentials admin = site.TokenFor("admin"), nurse = site.TokenFor("nurse");
  EXPECT_EQ(site.Get("/api/v1/me", &nurse).status, 200);
  EXPECT_EQ(site.PostJson("/api/v1/users/" + site.Username("nurse") + "/disable", json::object(), &nurse).status, 403);
  EXPECT_EQ(site.PostJson("/api/v1/users/" + site.Username("nurse") + "/disable", json::object(), &admin).status, 200);
  EXPECT_EQ(site.Get("/api/v1/me", &nurse).status, 401);
  EXPECT_EQ(site.PostJson("/api/v1/users/" + site.Username("nurse") + "/enable", json::object(), &admin).status, 200);
  EXPECT_EQ(site.Get("/api/v1/me", &nurse).status, 200);
  const json all = json::parse(site.Get("/api/v1/tokens?all=1", &admin).body)["tokens"];
  int64_t nurse_token = 0;
  for (const json& t : all) {
    if (t["username"] == site.Username("nurse")) nurse_token = t["id"].get<int64_t>();
  }
  ASSERT_NE(nurse_token, 0);
  EXPECT_EQ(site.PostJson("/api/v1/tokens/" + std::to_string(nurse_token) + "/revoke", json::object(), &admin).status,
            200);
  EXPECT_EQ(site.Get("/api/v1/me", &nurse).status, 401);
}

// Regression (issue 14): /metrics needed no sign-in and showed failed sign-in counts.
TEST(WebSecurity, MetricsAreForAdministratorsOnly) {
  EXPECT_EQ(Site().Get("/metrics").status, 401);
  const Credentials nurse = Site().TokenFor("nurse"), admin = Site().TokenFor("admin");
  EXPECT_EQ(Site().Get("/metrics", &nurse).status, 403);
  EXPECT_EQ(Site().Get("/metrics", &admin).status, 200);
  EXPECT_EQ(Site().Get("/healthz").status, 200);
}

TEST(SignInThrottle, DelaysGrowFromOneSecondAndStopAtTheRulesLongest) {
  using std::chrono::seconds;
  EXPECT_EQ(store::ThrottleDelay(4, 5, seconds(900)), seconds(0));
  EXPECT_EQ(store::ThrottleDelay(5, 5, seconds(900)), seconds(1));
  EXPECT_EQ(store::ThrottleDelay(6, 5, seconds(900)), seconds(2));
  EXPECT_EQ(store::ThrottleDelay(9, 5, seconds(900)), seconds(16));
  EXPECT_EQ(store::ThrottleDelay(15, 5, seconds(900)), seconds(900));
  EXPECT_EQ(store::ThrottleDelay(1000000, 5, seconds(900)), seconds(900));  // no overflow
  EXPECT_EQ(store::ThrottleDelay(40, 20, seconds(30)), seconds(30));        // one account from anywhere
}

// Every form post of the site (every POST route outside the API), sent without its CSRF token by
// every role, is refused and stores nothing.
TEST(WebSecurity, FormPostsWithoutTheCsrfTokenAreRefusedAndStoreNothing) {
  std::map<std::string, Credentials> who;
  for (const char* role : {"admin", "prescriber", "pharmacist", "nurse", "patient"}) who[role] = Site().SignIn(role);
  const std::map<std::string, std::string> fields = {
      {"date", Today()},     {"test", "platelets"},       {"value", "20 10*9/L"}, {"result", "negative"},
      {"days_supply", "28"}, {"reason", "test"},          {"dose", "10"},         {"symptom", "tired"},
      {"severity", "mild"},  {"username", "csrf-victim"}, {"role", "admin"},      {"password", "a-long-password-1"}};
  int checked = 0;
  for (const auto& r : Site().app().router().routes()) {
    if (r.method != "POST" || r.pattern.rfind("/api/", 0) == 0 || r.pattern == "/sign-in") continue;
    for (const auto& [role, c] : who) {
      const std::string before = Site().Rows();
      const http::Response res = Site().PostForm(Fill(r.pattern, "DEMO-1001"), fields, &c, /*with_csrf=*/false);
      if (r.pattern == "/sign-out") {
        EXPECT_EQ(res.status, 403) << role;
      } else {
        EXPECT_TRUE(res.status == 403 || res.status == 401) << r.pattern << " as " << role << ": " << res.status;
      }
      EXPECT_EQ(Site().Rows(), before) << r.pattern << " as " << role;
      ++checked;
    }
  }
  EXPECT_GE(checked, 5 * 4);  // sign-out, admin users, import and the patient forms at least
}

TEST(WebSecurity, BrowserSessionWritesToTheApiNeedTheCsrfHeader) {
  const Credentials c = Site().SignIn("prescriber");
  const std::string before = Site().Rows();
  const auto body = GoodBodies().at("/api/v1/patients/{ref}/events");
  EXPECT_EQ(Site().PostJson("/api/v1/patients/DEMO-1003/events", body, &c, /*with_csrf=*/false).status, 403);
  EXPECT_EQ(Site().Rows(), before);
  EXPECT_EQ(Site().PostJson("/api/v1/patients/DEMO-1003/events", body, &c).status, 201);
}

// A patient's API token reaches their own record and no other, on every patient-scoped route.
TEST(WebSecurity, APatientsTokenCannotReachAnotherPatient) {
  const Credentials token = Site().TokenFor("patient");
  int routes = 0;
  for (const auto& r : Site().app().router().routes()) {
    if (r.pattern.find("{ref}") == std::string::npos || r.pattern.rfind("/api/v1/", 0) != 0) continue;
    ++routes;
    const std::string before = Site().Rows();
    http::Response other =
        r.method == "GET"
            ? Site().Get(Fill(r.pattern, "DEMO-1002"), &token)
            : Site().PostJson(Fill(r.pattern, "DEMO-1002"),
                              GoodBodies().count(r.pattern) ? GoodBodies().at(r.pattern) : json::object(), &token);
    EXPECT_EQ(other.status, 403) << r.method << " " << r.pattern;
    EXPECT_EQ(Site().Rows(), before) << r.pattern;
    EXPECT_EQ(other.body.find("DEMO-1002\""), std::string::npos) << "leaks the other record: " << r.pattern;
    if (r.method == "GET") {
      EXPECT_EQ(Site().Get(Fill(r.pattern, "DEMO-1001"), &token).status, 200) << "own record: " << r.pattern;
    }
  }
  EXPECT_GE(routes, 6);
  // And the clinicians' lists are closed to a patient.
  EXPECT_EQ(Site().Get("/api/v1/patients", &token).status, 403);
  EXPECT_EQ(Site().Get("/api/v1/worklist", &token).status, 403);
}

TEST(WebSecurity, APatientCannotOpenAnotherPatientsPages) {
  const Credentials c = Site().SignIn("patient");
  for (const char* path : {"/patients/DEMO-1002", "/patients", "/worklist", "/admin/users", "/import"}) {
    const int status = Site().Get(path, &c).status;
    EXPECT_TRUE(status == 403 || status == 404) << path << ": " << status;
  }
}

TEST(WebSecurity, AnInvalidTokenIsRefusedNotTreatedAsAnonymous) {
  Credentials bad;
  bad.token = "lct_" + std::string(64, '0');
  EXPECT_EQ(Site().Get("/api/v1/me", &bad).status, 401);
  EXPECT_EQ(Site().Get("/", &bad).status, 401);
}

TEST(WebSecurity, RolesMayRecordOnlyTheirOwnKindOfEvent) {
  const auto lab = GoodBodies().at("/api/v1/patients/{ref}/events");
  const json dispense = {{"kind", "dispense"}, {"date", Today()}, {"days_supply", 28}};
  const json hold = {{"kind", "hold"}, {"date", Today()}, {"reason", "test"}};
  const Credentials pharmacist = Site().TokenFor("pharmacist"), nurse = Site().TokenFor("nurse"),
                    admin = Site().TokenFor("admin");
  const std::string before = Site().Rows();
  EXPECT_EQ(Site().PostJson("/api/v1/patients/DEMO-1003/events", lab, &pharmacist).status, 403);
  EXPECT_EQ(Site().PostJson("/api/v1/patients/DEMO-1003/events", dispense, &nurse).status, 403);
  EXPECT_EQ(Site().PostJson("/api/v1/patients/DEMO-1003/events", hold, &nurse).status, 403);
  EXPECT_EQ(Site().PostJson("/api/v1/patients/DEMO-1003/events", lab, &admin).status, 403);
  EXPECT_EQ(Site().Get("/api/v1/patients").status, 401);
  EXPECT_EQ(Site().Rows(), before);
}

// SQL metacharacters in every field of every JSON input: refused with a 4xx, or — the user's own
// words — stored exactly as typed; the tables are intact either way.
TEST(WebSecurity, SqlMetacharactersInEveryInputAreRefusedOrStoredVerbatim) {
  const Credentials prescriber = Site().TokenFor("prescriber"), patient = Site().TokenFor("patient");
  const std::string payload = "x'); DROP TABLE patients; --\"";
  int cases = 0;
  for (const auto& [pattern, good] : GoodBodies()) {
    const Credentials& who = pattern.find("symptoms") != std::string::npos ? patient : prescriber;
    const std::string target = Fill(pattern, "DEMO-1001");
    std::vector<std::pair<std::string, json>> variants;
    for (auto it = good.begin(); it != good.end(); ++it) {
      json bad = good;
      bad[it.key()] = it.value().is_array() ? json::array({payload}) : json(payload);
      variants.emplace_back(it.key(), bad);
    }
    json extra = good;
    extra[payload] = "1";  // a hostile field name
    variants.emplace_back("(name)", extra);
    for (const auto& [field, body] : variants) {
      const std::string before = Site().Rows();
      const http::Response r = Site().PostJson(target, body, &who);
      ++cases;
      ASSERT_GT(Site().Count("patients"), 0) << "the patients table is gone after " << target << " " << field;
      if (kFreeText.count(field) && r.status < 300) {
        EXPECT_NE(json::parse(r.body).dump().find(json(payload).dump().substr(1, 10)), std::string::npos)
            << target << " " << field;
        continue;
      }
      if (pattern == "/api/v1/interactions" && r.status == 200) {
        // A drug name is looked up, never stored: an unknown name is answered as unknown.
        EXPECT_EQ(Site().Rows(), before);
        continue;
      }
      EXPECT_GE(r.status, 400) << target << " " << field << ": " << r.body;
      EXPECT_LT(r.status, 500) << target << " " << field << ": " << r.body;
      EXPECT_EQ(Site().Rows(), before) << target << " " << field;
      const json err = json::parse(r.body);
      EXPECT_FALSE(err["error"]["message"].get<std::string>().empty());
    }
  }
  // Query strings and path segments too.
  for (const std::string& target : {"/api/v1/patients/DEMO-1001/status?as_of=" + testing::UrlEncode(payload),
                                    "/api/v1/worklist?look_ahead_days=" + testing::UrlEncode(payload),
                                    "/api/v1/patients/" + testing::UrlEncode(payload)}) {
    const http::Response r = Site().Get(target, &prescriber);
    EXPECT_GE(r.status, 400) << target;
    EXPECT_LT(r.status, 500) << target;
  }
  EXPECT_GE(cases, 50);
}

// An oversized value in every field: refused with a 4xx naming it, nothing stored.
TEST(WebSecurity, OversizedInputsAreRefusedAndNothingIsStored) {
  const Credentials prescriber = Site().TokenFor("prescriber"), patient = Site().TokenFor("patient");
  const std::string huge(200000, 'A');
  for (const auto& [pattern, good] : GoodBodies()) {
    const Credentials& who = pattern.find("symptoms") != std::string::npos ? patient : prescriber;
    for (auto it = good.begin(); it != good.end(); ++it) {
      json bad = good;
      bad[it.key()] = it.value().is_array() ? json::array({huge}) : json(huge);
      const std::string before = Site().Rows();
      const http::Response r = Site().PostJson(Fill(pattern, "DEMO-1001"), bad, &who);
      EXPECT_GE(r.status, 400) << pattern << " " << it.key();
      EXPECT_LT(r.status, 500) << pattern << " " << it.key();
      EXPECT_EQ(Site().Rows(), before) << pattern << " " << it.key();
    }
  }
  const Credentials c = Site().SignIn("patient");
  const std::string before = Site().Rows();
  EXPECT_EQ(Site().PostForm("/me/symptoms", {{"date", Today()}, {"symptom", huge}, {"severity", "mild"}}, &c).status,
            400);
  EXPECT_EQ(Site().Rows(), before);
}

json With(json base, const std::string& key, const json& value) {
  base[key] = value;
  return base;
}

// The input limits of the README's "Limits" table, each on both sides of its edge.
TEST(WebLimits, EachLimitHoldsOnBothSidesOfItsEdge) {
  const Credentials prescriber = Site().TokenFor("prescriber"), patient = Site().TokenFor("patient");
  const auto post = [](const std::string& path, const json& body, const Credentials& who) {
    return Site().PostJson(path, body, &who).status;
  };
  // A text field of any command: 1,000 characters.
  const json hold = {{"kind", "hold"}, {"date", Today()}};
  EXPECT_EQ(post("/api/v1/patients/DEMO-1004/events", With(hold, "reason", std::string(1000, 'r')), prescriber), 201);
  EXPECT_EQ(post("/api/v1/patients/DEMO-1004/events", With(hold, "reason", std::string(1001, 'r')), prescriber), 400);
  // Lists: 50 items.
  const auto too_many = [](const http::Response& r) { return r.body.find("too many") != std::string::npos; };
  EXPECT_FALSE(
      too_many(Site().PostJson("/api/v1/interactions", {{"drugs", std::vector<std::string>(50, "x")}}, nullptr)));
  EXPECT_TRUE(
      too_many(Site().PostJson("/api/v1/interactions", {{"drugs", std::vector<std::string>(51, "x")}}, nullptr)));
  // Patient identifier: 1-64 of letters, digits, '.', '-', '_'; name: 200 characters.
  EXPECT_EQ(post("/api/v1/patients", {{"patient", std::string(64, 'p')}}, prescriber), 201);
  EXPECT_EQ(post("/api/v1/patients", {{"patient", std::string(65, 'p')}}, prescriber), 400);
  EXPECT_EQ(post("/api/v1/patients", {{"patient", "a b"}}, prescriber), 400);
  EXPECT_EQ(post("/api/v1/patients", {{"patient", "NAME-200"}, {"name", std::string(200, 'n')}}, prescriber), 201);
  EXPECT_EQ(post("/api/v1/patients", {{"patient", "NAME-201"}, {"name", std::string(201, 'n')}}, prescriber), 400);
  // Symptom: 1-200 characters; note: 1,000.
  const json entry = {{"date", Today()}, {"severity", "mild"}};
  const std::string mine = "/api/v1/patients/DEMO-1001/symptoms";
  EXPECT_EQ(post(mine, With(entry, "symptom", std::string(200, 's')), patient), 201);
  EXPECT_EQ(post(mine, With(entry, "symptom", std::string(201, 's')), patient), 400);
  EXPECT_EQ(post(mine, With(entry, "symptom", ""), patient), 400);
  EXPECT_EQ(post(mine, With(With(entry, "symptom", "x"), "note", std::string(1000, 'n')), patient), 201);
  EXPECT_EQ(post(mine, With(With(entry, "symptom", "x"), "note", std::string(1001, 'n')), patient), 400);
  // Username: 1-64 of a-z 0-9 . _ -; password: 12-256 characters.
  store::Accounts accounts(Site().store(), "tester");
  EXPECT_TRUE(accounts.AddUser(std::string(64, 'u'), store::Role::kNurse, std::string(12, 'w'), "").ok());
  EXPECT_FALSE(accounts.AddUser(std::string(65, 'u'), store::Role::kNurse, std::string(12, 'w'), "").ok());
  EXPECT_FALSE(accounts.AddUser("Upper", store::Role::kNurse, std::string(12, 'w'), "").ok());
  EXPECT_FALSE(accounts.AddUser("short-pass", store::Role::kNurse, std::string(11, 'w'), "").ok());
  EXPECT_TRUE(accounts.AddUser("long-pass", store::Role::kNurse, std::string(256, 'w'), "").ok());
  EXPECT_FALSE(accounts.AddUser("too-long-pass", store::Role::kNurse, std::string(257, 'w'), "").ok());
}

TEST(WebApi, ErrorsAreJsonNamingTheField) {
  const http::Response r = Site().PostJson("/api/v1/crcl", {{"age", "abc"}, {"sex", "female"}}, nullptr);
  EXPECT_EQ(r.status, 400);
  const json e = json::parse(r.body)["error"];
  EXPECT_EQ(e["field"], "age");
  EXPECT_EQ(e["kind"], "bad-input");
  const http::Response missing = Site().PostJson("/api/v1/start-dose", json::object(), nullptr);
  EXPECT_EQ(json::parse(missing.body)["error"]["field"], "indication");
  const http::Response not_json = Site().Send("POST", "/api/v1/crcl", "age=1", "application/x-www-form-urlencoded");
  EXPECT_EQ(json::parse(not_json.body)["error"]["field"], "content-type");
  const http::Response unknown = Site().PostJson("/api/v1/crcl", {{"agee", 70}}, nullptr);
  EXPECT_EQ(json::parse(unknown.body)["error"]["field"], "agee");
  const http::Response engine = Site().PostJson(
      "/api/v1/crcl", {{"age", 72}, {"sex", "female"}, {"weight", "600 kg"}, {"creatinine", "1.3 mg/dL"}}, nullptr);
  EXPECT_EQ(engine.status, 400);
  EXPECT_EQ(json::parse(engine.body)["error"]["field"], "weight");
}

// The API answers with the very JSON the CLI prints for the same inputs.
TEST(WebApi, CalculatorsGiveTheCommandLinesAnswers) {
  const std::map<std::string, std::string> cli = {
      {"/api/v1/crcl", "crcl --age 72 --sex female --weight '58 kg' --creatinine '1.3 mg/dL'"},
      {"/api/v1/start-dose", "start-dose --indication mm --crcl 80"},
      {"/api/v1/missed-dose", "missed-dose --scheduled 08:00 --now 10:00"},
      {"/api/v1/capsules", "capsules --indication mm --dose 25"},
      {"/api/v1/vte", "vte --bmi '31 kg/m2' --prophylaxis aspirin --present prior_vte"},
      {"/api/v1/interactions", "interactions digoxin"},
      {"/api/v1/grade", "grade anc '0.8 10*9/L'"},
  };
  for (const auto& [path, args] : cli) {
    const http::Response r = Site().PostJson(path, GoodBodies().at(path), nullptr);
    const auto run = testing::RunLenacare(args + " --json");
    EXPECT_EQ(r.status, 200) << path << r.body;
    EXPECT_EQ(json::parse(r.body), json::parse(run.out)) << path;
  }
  // Course documents too.
  const std::string file = std::string(LENACARE_TEST_DATA_DIR) + "/../docs/examples/myeloma-platelets.json";
  const http::Response r = Site().PostJson("/api/v1/evaluate", GoodBodies().at("/api/v1/evaluate"), nullptr);
  EXPECT_EQ(json::parse(r.body),
            json::parse(testing::RunLenacare("evaluate '" + file + "' --as-of 2026-01-20 --json").out));
}

TEST(WebApi, AFhirUploadIsImportedAndItsProblemsNameTheUpload) {
  const Credentials admin = Site().TokenFor("prescriber");
  const json patient = {
      {"resourceType", "Patient"}, {"id", "fhir-upload-1"}, {"gender", "female"}, {"birthDate", "1960-04-02"}};
  http::Response r = Site().Send("POST", "/api/v1/import", patient.dump(), "application/fhir+json", &admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Site().Get("/api/v1/patients/fhir-upload-1", &admin).status, 200);
  // A platelet count in a unit no platelet count has.
  const json bad = {{"resourceType", "Observation"},
                    {"id", "fhir-upload-obs"},
                    {"status", "final"},
                    {"code", {{"coding", {{{"system", "http://loinc.org"}, {"code", "777-3"}}}}}},
                    {"subject", {{"reference", "Patient/fhir-upload-1"}}},
                    {"effectiveDateTime", "2026-01-05"},
                    {"valueQuantity", {{"value", 150}, {"unit", "furlongs"}, {"code", "furlongs"}}}};
  r = Site().Send("POST", "/api/v1/import", bad.dump(), "application/fhir+json", &admin);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("upload.json:1"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("/tmp"), std::string::npos) << r.body;
  // The act decides, not the route: an administrator uploads nothing; a pharmacist may upload but
  // not a lab result (refused, named, nothing stored).
  const Credentials administrator = Site().TokenFor("admin");
  EXPECT_EQ(Site().Send("POST", "/api/v1/import", bad.dump(), "application/fhir+json", &administrator).status, 403);
  const Credentials pharmacist = Site().TokenFor("pharmacist");
  json lab = bad;
  lab["id"] = "fhir-upload-lab";
  lab["valueQuantity"] = {{"value", 150}, {"unit", "10*9/L"}, {"code", "10*9/L"}};
  r = Site().Send("POST", "/api/v1/import", lab.dump(), "application/fhir+json", &pharmacist);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("the pharmacist role may not record lab results"), std::string::npos) << r.body;
  EXPECT_EQ(json::parse(Site().Get("/api/v1/patients/fhir-upload-1", &admin).body)["events"].size(), 0u);
}

TEST(WebApi, RecordingALabChangesTheStatus) {
  const Credentials nurse = Site().TokenFor("nurse");
  const http::Response before = Site().Get("/api/v1/patients/DEMO-1003/status", &nurse);
  ASSERT_EQ(before.status, 200) << before.body;
  // A platelet count well below every hold threshold of the knowledge base.
  const json lab = {{"kind", "lab"}, {"date", Today()}, {"test", "platelets"}, {"value", "5 10*9/L"}};
  ASSERT_EQ(Site().PostJson("/api/v1/patients/DEMO-1003/events", lab, &nurse).status, 201);
  const http::Response after = Site().Get("/api/v1/patients/DEMO-1003/status", &nurse);
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(json::parse(before.body)["evaluate"], json::parse(after.body)["evaluate"]);
}

// The API's JSON writer writes exactly what nlohmann's dump() writes, for every calculator answer
// and for awkward values, and replaces invalid UTF-8 instead of failing.
TEST(WebJson, TheWriterMatchesNlohmannByteForByte) {
  std::vector<json> samples;
  for (const auto& [path, body] : GoodBodies()) {
    if (path.find("{ref}") != std::string::npos || path == "/api/v1/patients" || path == "/api/v1/tokens") continue;
    const http::Response r = Site().PostJson(path, body, nullptr);
    samples.push_back(json::parse(r.body));
  }
  samples.push_back({{"a", 0.1},
                     {"b", 25.0},
                     {"c", -3},
                     {"d", 1e300},
                     {"e", 1e-7},
                     {"f", "q\"\\\n\t\u0001é§"},
                     {"g", json::array()},
                     {"h", nullptr},
                     {"i", true},
                     {"j", 18446744073709551615u},
                     {"k", 2.5}});
  for (const json& j : samples) {
    std::string out;
    webapp::WriteJson(j, out);
    EXPECT_EQ(out, j.dump());
  }
  std::string out;
  webapp::WriteJson(json(std::string("a\xff\xc3") + "b"), out);
  EXPECT_EQ(out, json(std::string("a\xff\xc3") + "b").dump(-1, ' ', false, json::error_handler_t::replace));
}

// The worklist is written as it is walked, not through a JSON tree: the same text, for whole lists
// and pages, items with and without a due date, findings and unverified sources, and text that
// needs escaping (a name with quotes, a backslash, a control character and invalid UTF-8).
TEST(WebJson, TheWorklistWrittenDirectlyIsTheTreesText) {
  app::Worklist w;
  w.as_of = Date::FromCivil(2026, 3, 2);
  w.look_ahead_days = 7;
  w.patients = 3;
  app::WorkEntry a;
  a.patient.ref = "MRN-1";
  a.patient.name = std::string("Ann \"Nan\" O\\Brien\x01 \xff é");
  a.indication = "mm";
  app::WorkItem hold;
  hold.urgency = app::Urgency::kHold;
  hold.what = "hold";
  hold.detail = "therapy interrupted; next blood count 2026-03-09";
  hold.source = "USPI 2.2";
  app::WorkItem cbc = hold;
  cbc.urgency = app::Urgency::kDueSoon;
  cbc.what = "cbc";
  cbc.due = Date::FromCivil(2026, 3, 9);
  cbc.verified = false;
  cbc.finding = "check-dose: a dose during the hold";
  a.items = {hold, cbc};
  app::WorkEntry b;
  b.patient.ref = "MRN-2";
  b.indication = "mds";
  w.entries = {a, b};
  for (bool paged : {false, true}) {
    for (const std::string& next : {std::string(), std::string("4d524e2d32")}) {
      w.paged = paged;
      w.next = next;
      std::string tree, direct;
      webapp::WriteJson(wire::WorklistJson(w), tree);
      webapp::WriteWorklistJson(w, direct);
      EXPECT_EQ(direct, tree);
    }
  }
  // And through the API, the demo's worklist whole and in pages.
  const Credentials nurse = Site().SignIn("nurse");
  for (const std::string target :
       {"/api/v1/worklist", "/api/v1/worklist?limit=2", "/api/v1/worklist?look_ahead_days=366"}) {
    const http::Response r = Site().Get(target, &nurse);
    ASSERT_EQ(r.status, 200) << target << ": " << r.body;
    const json parsed = json::parse(r.body);
    EXPECT_FALSE(parsed["entries"].empty()) << target;
    std::string tree;
    webapp::WriteJson(parsed, tree);
    EXPECT_EQ(r.body, tree + "\n") << target;
  }
}

TEST(WebPages, EveryTextPageRendersWithItsSourcesAndTheDisclaimer) {
  int pages = 0;
  for (const auto& p : Site().app().site().content.pages) {
    const http::Response r = Site().Get(webapp::SectionPath(p.section) + "/" + p.slug);
    EXPECT_EQ(r.status, 200) << p.slug;
    EXPECT_NE(r.body.find("never replaces"), std::string::npos) << p.slug;
    EXPECT_NE(r.body.find("<h2>Sources</h2>"), std::string::npos) << p.slug;
    EXPECT_NE(r.body.find(webapp::Escape(p.sources.front())), std::string::npos) << p.slug;
    ++pages;
  }
  EXPECT_GE(pages, 17);
  EXPECT_EQ(Site().Get("/info/no-such-page").status, 404);
}

TEST(WebPages, ResponsesCarryTheSecurityHeaders) {
  const http::Response r = Site().Get("/");
  std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  EXPECT_NE(h["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(h["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(h["Cache-Control"], "no-store");
}

TEST(WebContent, MarkdownCannotCarryRawHtml) {
  const std::string html = webapp::MarkdownToHtml("Hi <script>alert(1)</script> [x](javascript:alert(1))\n");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
}

TEST(WebContent, APageWithoutSourcesIsRefused) {
  testing::TestDatabase dir("sqlite");
  std::ofstream(dir.dir() + "/x.md") << "+++\nslug = \"x\"\nsection = \"drug\"\ntitle = \"X\"\nsummary = \"s\"\n"
                                        "sources = []\n+++\nText\n";
  auto content = webapp::LoadContent(dir.dir(), testing::K().sources);
  ASSERT_FALSE(content.ok());
  EXPECT_NE(content.error().message.find("sources"), std::string::npos);
}

// A page's sources are citations of the register: an unknown document or a citation without a
// section stops the site, naming the page and what is wrong.
TEST(WebContent, APageCitingOutsideTheRegisterIsRefused) {
  for (const auto& [source, problem] : std::vector<std::pair<std::string, std::string>>{
           {"label-facts §7.1", "not in the sources register"}, {"USPI", "no section"}}) {
    testing::TestDatabase dir("sqlite");
    std::ofstream(dir.dir() + "/x.md") << "+++\nslug = \"x\"\nsection = \"drug\"\ntitle = \"X\"\nsummary = \"s\"\n"
                                          "sources = [\"" +
                                              source + "\"]\n+++\nText\n";
    auto content = webapp::LoadContent(dir.dir(), testing::K().sources);
    ASSERT_FALSE(content.ok()) << source;
    EXPECT_NE(content.error().message.find(problem), std::string::npos) << content.error().message;
    EXPECT_NE(content.error().Describe().find("x.md"), std::string::npos) << content.error().Describe();
  }
}

}  // namespace
}  // namespace lenacare

namespace lenacare {
namespace {

// The audit entries a request appended: their actions, in order.
std::vector<std::string> AuditActionsAfter(int64_t seq) {
  std::vector<std::string> out;
  Status s = Site().store().db().Query(
      "SELECT action, subject FROM audit WHERE seq > ? ORDER BY seq", {seq},
      [&](const store::Row& r) { out.push_back(std::string(r.Text(0)) + " " + std::string(r.Text(1))); });
  EXPECT_TRUE(s.ok());
  return out;
}

int64_t LastAuditSeq() {
  int64_t seq = 0;
  Status s = Site().store().db().Query("SELECT seq FROM audit_head WHERE id = 1", {},
                                       [&](const store::Row& r) { seq = r.Int(0); });
  EXPECT_TRUE(s.ok());
  return seq;
}

// One page, one snapshot: the course page and the patient's own page read everything they show
// in one transaction and write one audit entry for the one patient they read (the course page
// once ran `patient show` and `status`, three audit entries in three transactions; /me loaded the
// course twice under three locks).
TEST(WebReads, TheCoursePageAndMyTherapyReadOnceAndAuditOnce) {
  const Credentials nurse = Site().SignIn("nurse");
  const Credentials patient = Site().SignIn("patient");
  struct Case {
    std::string path;
    const Credentials* who;
    std::string audited;
  } cases[] = {
      {"/patients/DEMO-1001", &nurse, "patient.read DEMO-1001"},
      {"/patients/DEMO-1001?as_of=2026-01-20", &nurse, "patient.read DEMO-1001"},
      {"/me", &patient, "patient.read DEMO-1001"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    const int64_t seq = LastAuditSeq();
    const int64_t transactions = Site().store().transactions();
    const http::Response r = Site().Get(c.path, c.who);
    EXPECT_EQ(r.status, 200);
    // One read from one snapshot, then its audit entry in a short write transaction of its own
    // (Store::Read), so that the read held no write lock.
    EXPECT_EQ(Site().store().transactions() - transactions, 2);
    EXPECT_EQ(AuditActionsAfter(seq), std::vector<std::string>{c.audited});
  }
}

// A request refused on patients' data leaves an audit entry, whichever route refused it and
// however (a page or the API, 401 or 403): who tried, on what, and why they were refused. (Issue
// 14, item 4.)
TEST(WebReads, ARefusedAccessToPatientsDataIsAudited) {
  const Credentials patient = Site().TokenFor("patient");
  const Credentials nurse = Site().TokenFor("nurse");
  const Credentials patient_session = Site().SignIn("patient");
  const json hold = {{"kind", "hold"}, {"date", Today()}, {"reason", "test"}};
  struct Case {
    std::string method, path;
    const Credentials* who;
    int status;
    std::string actor, subject, detail;
  } cases[] = {
      {"GET", "/api/v1/patients/DEMO-1002/status", &patient, 403, Site().Username("patient"), "DEMO-1002",
       "403 GET /api/v1/patients/DEMO-1002/status: "},
      {"POST", "/api/v1/patients/DEMO-1003/events", &nurse, 403, Site().Username("nurse"), "DEMO-1003",
       "403 POST /api/v1/patients/DEMO-1003/events: "},
      {"GET", "/patients/DEMO-1002", &patient_session, 403, Site().Username("patient"), "DEMO-1002",
       "403 GET /patients/DEMO-1002: "},
      {"GET", "/api/v1/worklist", nullptr, 401, "web:anonymous", "/api/v1/worklist", "401 GET /api/v1/worklist"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    const int64_t seq = LastAuditSeq();
    const http::Response r = c.method == "GET" ? Site().Get(c.path, c.who) : Site().PostJson(c.path, hold, c.who);
    EXPECT_EQ(r.status, c.status);
    std::vector<std::string> entries;
    Status s =
        Site().store().db().Query("SELECT actor, action, subject, detail FROM audit WHERE seq > ? ORDER BY seq", {seq},
                                  [&](const store::Row& row) {
                                    entries.push_back(std::string(row.Text(0)) + "|" + std::string(row.Text(1)) + "|" +
                                                      std::string(row.Text(2)) + "|" + std::string(row.Text(3)));
                                  });
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].rfind(c.actor + "|access.refused|" + c.subject + "|" + c.detail, 0), 0u) << entries[0];
  }
  // A refusal that is not about patients' data (a public page's wrong method) is not an access attempt.
  const int64_t seq = LastAuditSeq();
  EXPECT_EQ(Site().Send("POST", "/calculators").status, 405);
  EXPECT_EQ(LastAuditSeq(), seq);
  EXPECT_TRUE(Site().store().VerifyAudit()->ok);
}

}  // namespace
}  // namespace lenacare
