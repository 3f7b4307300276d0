#include "webapp_support.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "store/accounts.h"
#include "store/audit.h"
#include "test_support.h"

namespace lenacare::testing {

using nlohmann::json;

TestSite::TestSite(Seed seed, const std::string& cds_config, const Knowledge* k) {
  const Knowledge& knowledge = k != nullptr ? *k : K();
  store_ = db_.Open();
  if (seed == Seed::kDemo) {
    auto seeded = webapp::SeedDemo(knowledge, *store_, TestClock(), std::string(LENACARE_TEST_WEB_DIR) + "/demo");
    if (!seeded.ok()) {
      ADD_FAILURE() << seeded.error().Describe();
      return;
    }
    accounts_ = *seeded;
  }
  webapp::SiteOptions o;
  o.web_dir = LENACARE_TEST_WEB_DIR;
  o.pages_dir = std::string(LENACARE_TEST_KNOWLEDGE_DIR) + "/pages";
  o.cds_config = cds_config;
  auto app = webapp::WebApp::Create(knowledge, *store_, TestClock(), o);
  if (!app.ok()) {
    ADD_FAILURE() << app.error().Describe();
    return;
  }
  app_ = std::move(app).value();
}

http::Response TestSite::Send(const std::string& method, const std::string& target, const std::string& body,
                              const std::string& content_type, const Credentials* who,
                              const std::map<std::string, std::string>& headers) {
  http::Request req;
  req.method = method;
  req.target = target;
  const size_t q = target.find('?');
  http::PercentDecode(target.substr(0, q), req.path, false);
  if (q != std::string::npos) req.query = http::ParseQuery(target.substr(q + 1));
  req.body = body;
  req.remote = "127.0.0.1";
  req.headers["host"] = "lenacare.test";  // every HTTP/1.1 request names its host
  if (!content_type.empty()) req.headers["content-type"] = content_type;
  if (who != nullptr && !who->session.empty()) req.headers["cookie"] = "lenacare_session=" + who->session;
  if (who != nullptr && !who->token.empty()) req.headers["authorization"] = "Bearer " + who->token;
  for (const auto& [k, v] : headers) {
    if (k == ":remote") {
      req.remote = v;  // the peer's address, as the server would set it
    } else {
      req.headers[k] = v;
    }
  }
  http::Response resp = app_->Handle(req);
  CheckPlainLanguage(req, resp);
  return resp;
}

void TestSite::CheckPlainLanguage(const http::Request& req, const http::Response& resp) {
  // Every page and every answer the tests produce speaks the user's language (issues 16 and 17).
  // What the request itself sent is not the site's own words: a value echoed back into a form
  // may say anything.
  const std::string& type = resp.content_type;
  const bool html = type.starts_with("text/html");
  if (!html && !type.starts_with("application/json") && !type.starts_with("text/plain") &&
      !type.starts_with("text/calendar")) {
    return;
  }
  std::string text = html ? VisibleText(resp.body) : resp.body;
  if (type.starts_with("application/json")) {
    // An API answer's words are its string values; identifiers (an error's field path, an audit
    // action such as "patient.read", a rule id) are the contract scripts read, not prose.
    json doc = json::parse(resp.body, nullptr, false);
    if (!doc.is_discarded()) {
      text.clear();
      std::function<void(const json&, const std::string&)> walk = [&](const json& j, const std::string& key) {
        static const std::set<std::string> ids = {"field", "action", "code", "rule", "id", "kind", "ref", "$ref"};
        if (j.is_string()) {
          if (ids.count(key) == 0) text += j.get<std::string>() + "\n";
        } else if (j.is_object()) {
          for (const auto& [k, v] : j.items()) walk(v, k);
        } else if (j.is_array()) {
          for (const json& v : j) walk(v, key);
        }
      };
      walk(doc, "");
    }
  }
  for (const std::string& problem : PlainLanguageProblems(text)) {
    const std::string found = problem.substr(0, problem.find("  in  "));
    const std::string token = found.substr(found.find_first_not_of(" \t\n(\"'`"));
    if (req.body.find(token) != std::string::npos || req.target.find(token) != std::string::npos) continue;
    ADD_FAILURE() << req.method << " " << req.target << " -> " << resp.status << ": " << problem;
  }
}

http::Response TestSite::PostForm(const std::string& target, const std::map<std::string, std::string>& fields,
                                  const Credentials* who, bool with_csrf) {
  std::string body;
  for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
  if (with_csrf && who != nullptr) body += (body.empty() ? "" : "&") + std::string("csrf=") + UrlEncode(who->csrf);
  return Send("POST", target, body, "application/x-www-form-urlencoded", who);
}

http::Response TestSite::PostJson(const std::string& target, const json& body, const Credentials* who, bool with_csrf) {
  std::map<std::string, std::string> headers;
  if (with_csrf && who != nullptr && who->token.empty()) headers["x-csrf-token"] = who->csrf;
  return Send("POST", target, body.dump(), "application/json", who, headers);
}

std::string TestSite::Username(const std::string& role) const {
  for (const auto& a : accounts_) {
    if (a.role == role) return a.username;
  }
  return "";
}

std::string TestSite::Password(const std::string& role) const {
  for (const auto& a : accounts_) {
    if (a.role == role) return a.password;
  }
  return "";
}

Credentials TestSite::SignIn(const std::string& role) {
  for (const auto& a : accounts_) {
    if (a.role == role) return SignInAs(a.username, a.password);
  }
  ADD_FAILURE() << "no demo account for role " << role;
  return {};
}

Credentials TestSite::SignInAs(const std::string& username, const std::string& password) {
  http::Response form = Get("/sign-in");
  const std::string pre = SetCookie(form, "lenacare_login");
  const std::string body =
      "username=" + UrlEncode(username) + "&password=" + UrlEncode(password) + "&csrf=" + UrlEncode(CsrfOf(form.body));
  http::Response r = Send("POST", "/sign-in", body, "application/x-www-form-urlencoded", nullptr,
                          {{"cookie", "lenacare_login=" + pre}});
  EXPECT_EQ(r.status, 303) << r.body;
  Credentials c;
  c.session = SetCookie(r, "lenacare_session");
  http::Response page = Get("/", &c);
  c.csrf = CsrfOf(page.body);
  EXPECT_FALSE(c.csrf.empty());
  return c;
}

Credentials TestSite::TokenFor(const std::string& role) {
  store::Accounts accounts(*store_, "tester");
  auto token = accounts.AddToken(Username(role), "test " + role, std::chrono::hours(24));
  EXPECT_TRUE(token.ok()) << (token.ok() ? "" : token.error().Describe());
  Credentials c;
  c.token = token.ok() ? *token : "";
  return c;
}

int64_t TestSite::Count(const std::string& table) {
  auto n = store::QueryInt(store_->db(), "SELECT count(*) FROM " + table, {});
  EXPECT_TRUE(n.ok());
  return n.ok() ? *n : -1;
}

std::string TestSite::Rows() {
  std::string out;
  for (const char* t : {"patients", "courses", "events", "symptoms", "users", "sessions", "api_tokens"}) {
    out += std::string(t) + "=" + std::to_string(Count(t)) + " ";
  }
  return out;
}

std::string UrlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string SetCookie(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0)
      return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
  }
  return "";
}

std::string CsrfOf(const std::string& html) {
  const std::string key = "name=\"csrf\" value=\"";
  const size_t at = html.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  return html.substr(start, html.find('"', start) - start);
}

}  // namespace lenacare::testing
