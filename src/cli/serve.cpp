// `lenacare serve`, `user add` and `token add`: the web application and its accounts.
#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/render.h"
#include "http/server.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "webapp/app.h"
#include "webapp/demo.h"

namespace lenacare::cli {
namespace {

namespace fs = std::filesystem;

Result<http::ServerOptions> ListenOptions(const Options& o) {
  http::ServerOptions s;
  const size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Error::BadInput("--listen", "give HOST:PORT, e.g. 127.0.0.1:8080");
  s.host = o.listen.substr(0, colon);
  const std::string port = o.listen.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return Error::BadInput("--listen", "'" + port + "' is not a port (0 to 65535)");
  }
  s.port = static_cast<uint16_t>(value);
  if (o.threads < 1 || o.threads > 64) return Error::BadInput("--threads", "must be 1 to 64");
  s.threads = o.threads;
  s.access_log = &std::cerr;
  return s;
}

// The demo accounts' passwords, kept beside the database so that a restart prints them again.
std::string DemoFile(const std::string& target) { return target + ".demo-accounts.json"; }

Status PrintDemoAccounts(const std::string& target, const std::vector<webapp::DemoAccount>* fresh) {
  nlohmann::json accounts = nlohmann::json::array();
  if (fresh != nullptr) {
    for (const auto& a : *fresh) {
      accounts.push_back(
          {{"username", a.username}, {"role", a.role}, {"password", a.password}, {"patient", a.patient}});
    }
    std::ofstream out(DemoFile(target));
    if (!out) return Error::Failed("--db", "cannot write " + DemoFile(target));
    out << accounts.dump(2) << "\n";
    out.close();
    fs::permissions(DemoFile(target), fs::perms::owner_read | fs::perms::owner_write);
  } else {
    std::ifstream in(DemoFile(target));
    if (!in) return Status::Ok();  // accounts made by hand: nothing to print
    accounts = nlohmann::json::parse(in, nullptr, false);
    if (!accounts.is_array()) return Status::Ok();
  }
  std::cout << "Demo accounts (passwords also in " << DemoFile(target) << "):\n";
  for (const auto& a : accounts) {
    std::cout << "  " << a["role"].get<std::string>() << std::string(12 - a["role"].get<std::string>().size(), ' ')
              << a["username"].get<std::string>() << "  password " << a["password"].get<std::string>()
              << (a["patient"].get<std::string>().empty() ? "" : "  (patient " + a["patient"].get<std::string>() + ")")
              << "\n";
  }
  return Status::Ok();
}

Result<std::string> ReadPassword() {
  std::string password;
  termios saved{};
  const bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    std::cerr << "Password: " << std::flush;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::getline(std::cin, password);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) return Error::BadInput("password", "missing: give it on standard input");
  return password;
}

}  // namespace

int RunServe(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  auto listen = ListenOptions(o);
  if (!listen.ok()) return Fail(listen.error(), o);
  const std::string target = o.db.empty() ? store::DefaultTarget() : o.db;
  auto opened = store::Store::Open(target, "lenacare-serve");
  if (!opened.ok()) return Fail(opened.error(), o);
  store::Store& st = **opened;

  webapp::SiteOptions site;
  site.web_dir = o.web_dir.empty() ? DataDir("LENACARE_WEB", "web", LENACARE_DEFAULT_WEB) : o.web_dir;
  site.pages_dir = (fs::path(KnowledgeDir(o)) / "pages").string();
  site.secure_cookies = o.secure_cookies;

  if (o.demo) {
    store::Accounts accounts(st);
    auto count = accounts.CountUsers();
    if (!count.ok()) return Fail(count.error(), o);
    if (*count == 0) {
      auto today = Today();
      auto seeded = webapp::SeedDemo(k, st, (fs::path(site.web_dir) / "demo").string(), *today);
      if (!seeded.ok()) return Fail(seeded.error(), o);
      Status s = PrintDemoAccounts(target, &*seeded);
      if (!s.ok()) return Fail(s.error(), o);
    } else {
      Status s = PrintDemoAccounts(target, nullptr);
      if (!s.ok()) return Fail(s.error(), o);
    }
  }

  auto app = webapp::WebApp::Create(k, st, site);
  if (!app.ok()) return Fail(app.error(), o);
  webapp::WebApp& web = **app;
  auto server = http::Server::Start(*listen, [&web](const http::Request& req) { return web.Handle(req); });
  if (!server.ok()) return Fail(server.error(), o);
  http::Server& srv = **server;
  web.set_metrics([&srv] { return srv.MetricsText(); });
  std::cout << "lenacare is serving on http://" << listen->host << ":" << srv.port() << "/ (database " << target
            << "; Ctrl-C stops it)\n"
            << kDisclaimer << "\n"
            << std::flush;
  srv.Run();
  std::cout << "lenacare stopped.\n";
  return kAnswered;
}

int RunUserAdd(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  auto role = store::ParseRole(o.role);
  if (!role) return Fail(Error::BadInput("--role", "must be " + store::RoleNames()), o);
  auto password = ReadPassword();
  if (!password.ok()) return Fail(password.error(), o);
  auto opened = store::Store::Open(o.db.empty() ? store::DefaultTarget() : o.db, store::DefaultActor());
  if (!opened.ok()) return Fail(opened.error(), o);
  store::Accounts accounts(**opened);
  auto user = accounts.AddUser(o.username, *role, *password, o.patient);
  if (!user.ok()) return Fail(user.error(), o);
  return Emit(o, {{"username", user->username}, {"role", store::RoleName(user->role)}, {"patient", user->patient_ref}},
              "Added " + std::string(store::RoleName(user->role)) + " account " + user->username + ".");
}

int RunTokenAdd(const Options& o) {
  auto opened = store::Store::Open(o.db.empty() ? store::DefaultTarget() : o.db, store::DefaultActor());
  if (!opened.ok()) return Fail(opened.error(), o);
  store::Accounts accounts(**opened);
  auto token = accounts.AddToken(o.username, o.token_name);
  if (!token.ok()) return Fail(token.error(), o);
  return Emit(
      o, {{"username", o.username}, {"name", o.token_name}, {"token", *token}},
      "API token for " + o.username + " (shown once; send it as \"Authorization: Bearer <token>\"):\n" + *token);
}

}  // namespace lenacare::cli
