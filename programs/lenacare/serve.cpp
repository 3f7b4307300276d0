#include "programs/lenacare/serve.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/worklist.h"
#include "cli/common.h"
#include "cli/config.h"
#include "core/text.h"
#include "http/server.h"
#include "knowledge/loader.h"
#include "store/accounts.h"
#include "store/pool.h"
#include "webapp/app.h"
#include "webapp/demo.h"
#include "wire/text.h"

namespace lenacare::programs {
namespace {

namespace fs = std::filesystem;

// Prints the error as the command line does and returns its exit code.
int Fail(const Error& e) {
  cli::Options o;
  o.option_names = {"--listen",
                    "--threads",
                    "--db",
                    "--web",
                    "--demo",
                    "--max-connections",
                    "--session-idle",
                    "--token-days",
                    "--token-max-days",
                    "--audit-key",
                    "--audit-checkpoints",
                    "--log-file"};
  return cli::Fail(e, o);
}

Result<http::ServerOptions> ListenOptions(const cli::ServeOptions& o) {
  http::ServerOptions s;
  auto listen = cli::ParseListen(o.listen, "listen");
  if (!listen.ok()) return listen.error();
  s.host = listen->host;
  s.port = listen->port;
  if (o.threads < 1 || o.threads > 64) return Error::BadInput("threads", "must be 1 to 64");
  if (o.worklist_refresh_seconds < 0 || o.worklist_refresh_seconds > 86400) {
    return Error::BadInput("worklist-refresh", "must be 0 to 86400 seconds");
  }
  s.threads = o.threads;
  if (o.max_connections < 1) return Error::BadInput("max-connections", "must be at least 1");
  s.max_connections = static_cast<size_t>(o.max_connections);
  s.heavy = [](const http::Request& req) { return webapp::WebApp::IsHeavy(req); };
  s.access_log = &std::cerr;
  return s;
}

// Writes `text` to a file only its owner may read, from its first instant: a new file is created
// 0600 (O_EXCL, so no file another user planted is written through); an old one is replaced by a
// new one.
Status WritePrivateFile(const std::string& path, const std::string& text) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error::Failed("db", "cannot replace " + path + ": " + std::strerror(errno));
  }
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Error::Failed("db", "cannot write " + path + ": " + std::strerror(errno));
  size_t put = 0;
  while (put < text.size()) {
    const ssize_t n = write(fd, text.data() + put, text.size() - put);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    put += static_cast<size_t>(n);
  }
  const bool ok = put == text.size() && close(fd) == 0;
  if (!ok) return Error::Failed("db", "cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

// The demo accounts' passwords, kept beside the database so that a restart prints them again; for
// a PostgreSQL database (no file to be beside, and its URL is no file name) in the working
// directory, named after the database.
std::string DemoFile(const std::string& target) {
  if (!store::IsPostgresUrl(target)) return target + ".demo-accounts.json";
  std::string name = target.substr(target.rfind('/') + 1);
  name = name.substr(0, name.find('?'));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return "lenacare-" + (name.empty() ? std::string("postgres") : name) + ".demo-accounts.json";
}

Status PrintDemoAccounts(const std::string& target, const std::vector<webapp::DemoAccount>* fresh) {
  nlohmann::json accounts = nlohmann::json::array();
  if (fresh != nullptr) {
    for (const auto& a : *fresh) {
      accounts.push_back(
          {{"username", a.username}, {"role", a.role}, {"password", a.password}, {"patient", a.patient}});
    }
    Status written = WritePrivateFile(DemoFile(target), accounts.dump(2) + "\n");
    if (!written.ok()) return written;
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

// The server's housekeeping, on a thread of its own while it runs, idle or not:
// - the worklist's stored answers that do not hold (a new day; a new knowledge pack; writes by a
//   server or a tool that does not keep them) are recomputed every second, many courses to a
//   transaction (this server's writes store their courses' answers themselves);
// - the audit log is checkpointed every policy interval: a commit checkpoints by the policy too,
//   but the entries of a last burst before a quiet night would stay unanchored until the next
//   write. Each connection of the pool anchors what it committed, while no request holds it.
class Housekeeping {
 public:
  // `refresh_every` 0: the worklist recomputes them itself when asked for (and at start).
  // `k`: the knowledge in use (the web site's, which a sign-off replaces).
  Housekeeping(store::StorePool& pool, std::function<const Knowledge&()> k, const Clock& clock,
               std::chrono::seconds refresh_every)
      : thread_([this, &pool, k, &clock, refresh_every] {
          // Background work: it yields the CPU to the requests (nice 10, this thread only).
          (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
          std::unique_lock<std::mutex> lock(mutex_);
          const auto checkpoint_every = store::CheckpointPolicy{}.interval;
          auto last_checkpoint = std::chrono::steady_clock::now();
          auto last_refresh = std::chrono::steady_clock::time_point{};
          for (;;) {
            lock.unlock();
            const auto now = std::chrono::steady_clock::now();
            if (last_refresh == std::chrono::steady_clock::time_point{} ||
                (refresh_every.count() > 0 && now - last_refresh >= refresh_every)) {
              RefreshWorklist(pool, k(), clock);
              last_refresh = std::chrono::steady_clock::now();
            }
            if (std::chrono::steady_clock::now() - last_checkpoint >= checkpoint_every) {
              // A failure is tried again at the next interval and at shutdown.
              (void)pool.ForEach([](store::Store& st) { return st.Checkpoint(); });
              last_checkpoint = std::chrono::steady_clock::now();
            }
            lock.lock();
            if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
          }
        }) {}
  ~Housekeeping() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  Housekeeping(const Housekeeping&) = delete;
  Housekeeping& operator=(const Housekeeping&) = delete;

 private:
  void RefreshWorklist(store::StorePool& pool, const Knowledge& k, const Clock& clock) {
    store::StorePool::Lease lease = pool.Acquire();
    auto n = app::RefreshWorklist(k, lease.store(), clock.Today(), 500, [this] {
      std::lock_guard<std::mutex> lock(mutex_);
      return !stop_;
    });
    if (!n.ok()) {
      // Said once a minute at most while it goes on failing.
      const auto now = std::chrono::steady_clock::now();
      if (now - last_warning_ < std::chrono::minutes(1)) return;
      last_warning_ = now;
      std::cerr << "lenacare: warning: the worklist's stored answers were not refreshed (the worklist recomputes "
                   "them when it is asked for): "
                << n.error().Describe() << "\n";
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::chrono::steady_clock::time_point last_warning_{};
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace

int RunServe(const cli::ServeOptions& o, const Clock& clock) {
  auto loaded = LoadKnowledge(o.knowledge_dir, "us", o.site_knowledge);
  if (!loaded.ok()) {
    Error e = loaded.error();
    e.message = "knowledge base refused: " + e.message;
    return Fail(e);
  }
  const Knowledge& k = *loaded;
  auto listened = ListenOptions(o);
  if (!listened.ok()) return Fail(listened.error());
  http::ServerOptions server_options = *listened;
  http::ServerOptions* listen = &server_options;
  // The access log: standard error (the journal, under systemd), or a file reopened on SIGHUP.
  std::ofstream log_file;
  if (!o.log_file.empty()) {
    log_file.open(o.log_file, std::ios::app);
    if (!log_file) return Fail(Error::Failed("log-file", "cannot write " + Quoted(o.log_file)));
    listen->access_log = &log_file;
    listen->reopen_log = [&log_file, path = o.log_file] {
      log_file.close();
      log_file.clear();
      log_file.open(path, std::ios::app);
      if (!log_file) std::cerr << "lenacare: warning: cannot reopen the log file " << Quoted(path) << "\n";
    };
  }
  const std::string target = o.db.empty() ? store::DefaultTarget() : o.db;
  const int connections = o.db_connections > 0 ? o.db_connections : listen->threads + listen->heavy_threads;
  auto opened = store::StorePool::Open(target, clock, store::AuditFiles{o.audit_key, o.audit_checkpoints}, connections);
  if (!opened.ok()) return Fail(opened.error());
  store::StorePool& pool = **opened;

  webapp::SiteOptions site;
  site.web_dir = o.web_dir.empty() ? cli::DataDir("LENACARE_WEB", "web", LENACARE_DEFAULT_WEB) : o.web_dir;
  site.pages_dir = (fs::path(o.knowledge_dir) / "pages").string();
  site.secure_cookies = o.secure_cookies;
  site.public_metrics = o.public_metrics;
  site.trusted_proxies = o.trusted_proxies;
  site.cds_config = o.cds_config;
  if (o.session_idle_minutes < 1) return Fail(Error::BadInput("session-idle", "must be at least 1 minute"));
  site.session_idle = std::chrono::minutes(o.session_idle_minutes);
  if (o.token_max_days > 0) site.tokens.max_days = o.token_max_days;
  if (o.token_days > 0) site.tokens.default_days = o.token_days;
  if (site.tokens.default_days > site.tokens.max_days) {
    return Fail(Error::BadInput("token-days", "the default lifetime is longer than --token-max-days"));
  }

  if (o.demo) {
    store::StorePool::Lease lease = pool.Acquire();
    store::Store& st = lease.store();
    store::Accounts accounts(st, "lenacare-serve");
    auto count = accounts.CountUsers();
    if (!count.ok()) return Fail(count.error());
    if (*count == 0) {
      auto seeded = webapp::SeedDemo(k, st, clock, (fs::path(site.web_dir) / "demo").string());
      if (!seeded.ok()) return Fail(seeded.error());
      Status s = PrintDemoAccounts(target, &*seeded);
      if (!s.ok()) return Fail(s.error());
    } else {
      Status s = PrintDemoAccounts(target, nullptr);
      if (!s.ok()) return Fail(s.error());
    }
  }

  auto app = webapp::WebApp::Create(k, pool, clock, site);
  if (!app.ok()) return Fail(app.error());
  webapp::WebApp& web = **app;
  auto server = http::Server::Start(*listen, [&web](const http::Request& req) { return web.Handle(req); });
  if (!server.ok()) return Fail(server.error());
  http::Server& srv = **server;
  web.set_metrics([&srv] { return srv.MetricsText(); });
  std::cout << "lenacare is serving on http://" << listen->host << ":" << srv.port() << "/ (database " << target
            << "; Ctrl-C stops it)\n"
            << wire::kDisclaimer << "\n"
            << std::flush;
  {
    Housekeeping housekeeping(
        pool, [&web]() -> const Knowledge& { return web.site().k(); }, clock,
        std::chrono::seconds(o.worklist_refresh_seconds));
    srv.Run();
  }
  if (Status cp = pool.ForEach([](store::Store& st) { return st.Checkpoint(); }); !cp.ok()) {
    std::cerr << "lenacare: warning: the audit log's checkpoint was not written: " << cp.error().Describe() << "\n";
  }
  std::cout << "lenacare stopped.\n";
  return cli::kAnswered;
}

}  // namespace lenacare::programs
