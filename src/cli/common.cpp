#include "cli/common.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

#include "app/worklist.h"
#include "core/text.h"
#include "knowledge/loader.h"
#include "store/db.h"
#include "store/store.h"
#include "wire/json.h"
#include "wire/text.h"

namespace lenacare::cli {

int ExitCode(app::Outcome outcome) {
  switch (outcome) {
    case app::Outcome::kAnswered:
      return kAnswered;
    case app::Outcome::kCannotAssess:
      return kCannotAssess;
    case app::Outcome::kBadInput:
      return kBadInput;
    case app::Outcome::kFailed:
      return kFailed;
  }
  return kFailed;
}

namespace {

// "as_of" -> "--as-of" when the subcommand has that option; other fields as they are.
std::string OptionName(const std::string& field, const Options& o) {
  if (field.empty() || field.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) return field;
  std::string option = "--" + field;
  for (char& c : option) c = c == '_' ? '-' : c;
  for (const std::string& name : o.option_names) {
    if (name == option) return option;
  }
  return field;
}

}  // namespace

int Fail(const Error& error, const Options& o) {
  Error e = error;
  e.field = OptionName(e.field, o);
  int code = kBadInput;  // also forbidden, refused and needs-confirmation
  if (e.kind == ErrorKind::kCannotAssess) code = kCannotAssess;
  if (e.kind == ErrorKind::kFailed) code = kFailed;
  if (e.problems.empty()) {
    std::cerr << "lenacare: " << (e.kind == ErrorKind::kCannotAssess ? "cannot assess: " : "error: ") << e.Describe()
              << "\n";
  } else {
    std::cerr << "lenacare: "
              << (e.kind == ErrorKind::kRefused ? "not recorded:" : "not recorded without a reason (--confirm REASON):")
              << "\n";
    for (const Problem& p : e.problems) {
      std::cerr << "  - " << p.message << " [" << p.code << "]" << (p.source.empty() ? "" : " (" + p.source + ")")
                << "\n";
    }
  }
  // Valid UTF-8 whatever the input was: an invalid byte the message quotes is replaced (U+FFFD).
  if (o.json) std::cout << wire::ErrorJson(e).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return code;
}

int Emit(const Options& o, const nlohmann::json& j, const std::string& text, int code) {
  if (o.json) {
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << text << "\n" << wire::kDisclaimer << "\n";
  }
  return code;
}

std::string DataDir(const char* env_var, const char* name, const std::string& built_in) {
  if (const char* env = std::getenv(env_var); env != nullptr && *env != '\0') return env;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "lenacare" / name;
    if (fs::is_directory(installed)) return installed.string();
  }
  return built_in;
}

std::string KnowledgeDir(const Options& o) {
  if (!o.knowledge_dir.empty()) return o.knowledge_dir;
  return DataDir("LENACARE_KNOWLEDGE", "knowledge", LENACARE_DEFAULT_KNOWLEDGE);
}

std::string SiteKnowledgeDir(const std::string& option, const std::string& db) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("LENACARE_SITE_KNOWLEDGE"); env != nullptr && *env != '\0') return env;
  const std::string target = db.empty() ? store::DefaultTarget() : db;
  if (store::IsPostgresUrl(target)) return "";
  return target + ".site-knowledge";
}

Result<const Knowledge*> Load(const Options& o) {
  // The command line runs one command per process; `knowledge check` may load a second directory.
  static std::map<std::string, std::unique_ptr<Knowledge>> loaded;
  const std::string dir = KnowledgeDir(o);
  const std::string site = SiteKnowledgeDir(o.site_knowledge, o.db);
  auto& slot = loaded[dir + "\n" + o.pack + "\n" + site];
  if (slot) return static_cast<const Knowledge*>(slot.get());
  auto k = LoadKnowledge(dir, o.pack, site);
  if (!k.ok()) {
    Error e = k.error();
    e.message = "knowledge base refused: " + e.message;
    return e;
  }
  slot = std::make_unique<Knowledge>(std::move(k).value());
  return static_cast<const Knowledge*>(slot.get());
}

Result<std::string> ReadInput(const std::string& path, const std::string& field) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path);
  if (!in) return Error::BadInput(field, "cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Session::~Session() {
  if (store == nullptr) return;
  // The last checkpoint of the audit log, now rather than in the store's destructor, to say so
  // when it cannot be written.
  if (Status cp = store->Checkpoint(); !cp.ok()) {
    std::cerr << "lenacare: warning: the audit log's checkpoint was not written: " << cp.error().Describe() << "\n";
  }
  if (store->unrecorded_reads() == 0) return;
  std::cerr << "note: " << store->unrecorded_reads() << (store->unrecorded_reads() == 1 ? " read was" : " reads were")
            << " not recorded in the audit log: "
            << (store->read_only() ? "the database is read-only" : "the disk is full") << "\n";
}

Result<std::unique_ptr<Session>> Start(const Options& o, bool with_store) {
  auto k = Load(o);
  if (!k.ok()) return k.error();
  std::unique_ptr<store::Store> st;
  if (with_store) {
    auto opened = store::Store::Open(o.db.empty() ? store::DefaultTarget() : o.db, *o.clock,
                                     store::AuditFiles{o.audit_key, o.audit_checkpoints});
    if (!opened.ok()) return opened.error();
    st = std::move(opened).value();
    app::KeepWorklist(*st, **k);
  }
  store::Store* raw = st.get();
  app::Context ctx{**k, *o.clock, raw, store::DefaultActor(), app::Authority::Operator()};
  if (!o.as_user.empty() && raw != nullptr) {
    // --as USER: the account's role decides, and the audit log names the account.
    store::Accounts accounts(*raw, ctx.actor);
    auto users = accounts.ListUsers();
    if (!users.ok()) return users.error();
    const store::User* found = nullptr;
    for (const store::User& u : *users) {
      if (u.username == o.as_user) found = &u;
    }
    if (found == nullptr) return Error::BadInput("as", "no account " + Quoted(o.as_user));
    ctx.authority = app::Authority::Of(*found);
    ctx.actor = found->username;
  }
  return std::unique_ptr<Session>(new Session{**k, std::move(st), std::move(ctx)});
}

void AuditRefusal(const Session& session, const Options& o, const Error& e) {
  if (e.kind != ErrorKind::kForbidden || session.store == nullptr) return;
  const std::string subject = o.patient.empty() ? "*" : o.patient;
  // Best effort: the refusal is what the user hears; a failed entry must not hide it.
  (void)session.store->Audit(session.ctx.actor, "access.refused", subject, "refused: " + e.Describe());
}

}  // namespace lenacare::cli
