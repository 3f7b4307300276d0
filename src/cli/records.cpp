// The record subcommands: patients, courses and events in the store, the status of a stored
// course, FHIR import and export, the worklist, the audit log and the web application's accounts.
#include "app/records.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/worklist.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"
#include "store/store.h"
#include "wire/json.h"
#include "wire/text.h"

namespace lenacare::cli {
namespace {

// A JSON object from a file, from standard input ("-") or written inline ("{...}"), as text.
Result<std::string> JsonArgument(const std::string& text, const std::string& field) {
  if (!text.empty() && text.front() != '{') return ReadInput(text, field);
  return text;
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

int RunPatientAdd(const Options& o) {
  app::AddPatientRequest r{o.patient, o.name, o.sex, o.birth_date, o.weight, ""};
  if (!o.facts.empty()) {
    auto facts = JsonArgument(o.facts, "facts");
    if (!facts.ok()) return Fail(facts.error(), o);
    r.facts = *facts;
  }
  return Show<store::PatientRecord>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::AddPatient(c, r); },
      [](const Knowledge&, const store::PatientRecord& p) { return wire::PatientJson(p); },
      [](const Knowledge&, const store::PatientRecord& p) { return wire::PatientAddedText(p); });
}

int RunPatientList(const Options& o) {
  if (o.page > 0 || !o.after.empty()) {
    return Show<app::PatientPage>(
        o, /*with_store=*/true, [&](const app::Context& c) { return app::ListPatientsPage(c, o.page, o.after); },
        [](const Knowledge&, const app::PatientPage& p) { return wire::PatientPageJson(p); },
        [](const Knowledge&, const app::PatientPage& p) {
          return wire::PatientListText(p.patients) +
                 (p.next.empty() ? "\nThis is the last page." : "\nThe next page: --after " + p.next);
        });
  }
  using List = std::vector<store::PatientRecord>;
  return Show<List>(
      o, /*with_store=*/true, [](const app::Context& c) { return app::ListPatients(c); },
      [](const Knowledge&, const List& l) { return wire::PatientListJson(l); },
      [](const Knowledge&, const List& l) { return wire::PatientListText(l); });
}

int RunPatientShow(const Options& o) {
  return Show<app::PatientView>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::ShowPatient(c, o.patient); },
      [](const Knowledge&, const app::PatientView& v) { return wire::PatientViewJson(v); },
      [](const Knowledge&, const app::PatientView& v) { return wire::PatientViewText(v); });
}

int RunCourseStart(const Options& o) {
  const app::StartCourseRequest r{o.patient, o.indication, o.start, o.dose_mg, o.frequency, o.days, o.setting};
  return Show<store::CourseRecord>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::StartCourse(c, r); },
      [&](const Knowledge&, const store::CourseRecord& c) { return wire::CourseStartedJson(c, o.patient); },
      [&](const Knowledge&, const store::CourseRecord& c) { return wire::CourseStartedText(c, o.patient); });
}

int RunRecord(const Options& o, const std::string& kind) {
  app::RecordRequest r;
  r.patient = o.patient;
  r.kind = kind;
  r.date = o.date;
  r.test = o.test;
  r.value = o.value;
  r.lln = o.lln;
  r.uln = o.uln;
  r.frequency = o.frequency;
  r.days = o.days;
  r.reason = o.reason;
  r.term = o.term;
  r.result = o.result;
  r.sensitivity = o.sensitivity;
  r.dose_mg = o.dose_mg;
  r.grade = o.grade_number;
  r.days_supply = o.days_supply;
  r.quantity = o.quantity;
  r.confirm = o.confirm;
  r.replaces = o.replaces;
  r.correction = o.correction;
  if (kind == "event") {
    auto event = JsonArgument(o.event_json, "json_event");
    if (!event.ok()) return Fail(event.error(), o);
    r.event = *event;
  }
  return Show<store::EventRecord>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::RecordEvent(c, r); },
      [&](const Knowledge&, const store::EventRecord& e) { return wire::RecordedJson(e, o.patient); },
      [&](const Knowledge&, const store::EventRecord& e) { return wire::RecordedText(e, o.patient); });
}

int RunEnteredInError(const Options& o) {
  const app::CorrectionRequest r{o.patient, o.event_id, o.reason};
  return Show<store::EventRecord>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::MarkEnteredInError(c, r); },
      [&](const Knowledge&, const store::EventRecord& e) { return wire::RecordedJson(e, o.patient); },
      [&](const Knowledge&, const store::EventRecord& e) { return wire::RecordedText(e, o.patient); });
}

int RunResolve(const Options& o) {
  const app::ResolveRequest r{o.patient, o.finding, o.reason};
  return Show<store::EventRecord>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::ResolveFinding(c, r); },
      [&](const Knowledge&, const store::EventRecord& e) { return wire::RecordedJson(e, o.patient); },
      [&](const Knowledge&, const store::EventRecord& e) { return wire::RecordedText(e, o.patient); });
}

int RunPatientUpdate(const Options& o) {
  app::UpdatePatientRequest r;
  r.patient = o.patient;
  if (!o.name.empty()) r.name = o.name;
  if (!o.sex.empty()) r.sex = o.sex;
  if (!o.birth_date.empty()) r.birth_date = o.birth_date;
  if (!o.facts.empty()) {
    auto facts = JsonArgument(o.facts, "facts");
    if (!facts.ok()) return Fail(facts.error(), o);
    r.facts = *facts;
  }
  return Show<store::PatientRecord>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::UpdatePatient(c, r); },
      [](const Knowledge&, const store::PatientRecord& p) { return wire::PatientJson(p); },
      [](const Knowledge&, const store::PatientRecord& p) { return "Updated " + p.ref + "."; });
}

int RunStatus(const Options& o) {
  return Show<app::StatusAnswer>(
      o, /*with_store=*/true,
      [&](const app::Context& c) {
        return app::PatientStatus(c, {o.patient, o.as_of});
      },
      [](const Knowledge& k, const app::StatusAnswer& a) { return wire::StatusJson(k, a); },
      [](const Knowledge& k, const app::StatusAnswer& a) { return wire::StatusText(k, a); });
}

int RunImport(const Options& o) {
  app::ImportRequest r;
  r.paths = o.import_paths;
  r.source = o.import_source;
  r.source_per_file = o.import_source_per_file;
  r.batch = o.batch;
  std::string mode = o.progress;
  if (mode == "auto") mode = isatty(STDERR_FILENO) ? "bar" : "none";
  if (mode != "bar" && mode != "lines" && mode != "none") {
    return Fail(Error::BadInput("progress", Quoted(o.progress) + " is not auto, bar, lines or none"), o);
  }
  if (mode == "lines") {
    r.on_commit = [](const std::string& file, int64_t line) {
      std::fprintf(stderr, "committed %s:%lld\n", file.c_str(), static_cast<long long>(line));
      std::fflush(stderr);
    };
  } else if (mode == "bar") {
    r.on_progress = [](const std::string& file, uint64_t done, uint64_t total) {
      const int pct = total == 0 ? 100 : static_cast<int>(done * 100 / total);
      const int filled = pct / 5;
      const std::string name = std::filesystem::path(file).filename().string();
      std::fprintf(stderr, "\r%-32.32s [%.*s%*s] %3d%%", name.c_str(), filled, "####################", 20 - filled, "",
                   pct);
      if (done >= total) std::fprintf(stderr, "\n");
      std::fflush(stderr);
    };
  }
  return Show<app::ImportAnswer>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::Import(c, r); },
      [](const Knowledge&, const app::ImportAnswer& a) { return wire::ImportJson(a.summary); },
      [](const Knowledge&, const app::ImportAnswer& a) { return wire::ImportText(a.summary); });
}

int RunExport(const Options& o) {
  auto session = Start(o, /*with_store=*/true);
  if (!session.ok()) return Fail(session.error(), o);
  auto bundle = app::Export((*session)->ctx, o.patient);
  if (!bundle.ok()) return Fail(bundle.error(), o);
  // The Bundle is the output (no disclaimer inside a FHIR document).
  std::cout << bundle->dump(2) << "\n";
  return kAnswered;
}

int RunWorklist(const Options& o) {
  return Show<app::Worklist>(
      o, /*with_store=*/true,
      [&](const app::Context& c) {
        return app::BuildWorklist(c, {o.as_of, o.look_ahead_days, o.page, o.after});
      },
      [](const Knowledge&, const app::Worklist& w) { return wire::WorklistJson(w); },
      [](const Knowledge&, const app::Worklist& w) { return wire::WorklistText(w); });
}

int RunWorklistRefresh(const Options& o) {
  struct Refreshed {
    Date day;
    int64_t recomputed = 0;
  };
  return Show<Refreshed>(
      o, /*with_store=*/true,
      [&](const app::Context& c) -> Result<Refreshed> {
        if (Status s = app::NeedStore(c); !s.ok()) return s.error();
        const Date today = c.clock.Today();
        auto n = app::RefreshWorklist(c.k, *c.store, today);
        if (!n.ok()) return n.error();
        return Refreshed{today, *n};
      },
      [](const Knowledge&, const Refreshed& r) {
        return nlohmann::json{{"day", r.day.ToString()}, {"recomputed", r.recomputed}};
      },
      [](const Knowledge&, const Refreshed& r) {
        return "Recomputed " + std::to_string(r.recomputed) + " stored worklist " +
               (r.recomputed == 1 ? "answer" : "answers") + " for " + r.day.ToString() + ".";
      });
}

int RunAuditVerify(const Options& o) {
  return Show<app::AuditVerifyAnswer>(
      o, /*with_store=*/true, [](const app::Context& c) { return app::VerifyAudit(c); },
      [](const Knowledge&, const app::AuditVerifyAnswer& a) { return wire::AuditCheckJson(a.check); },
      [](const Knowledge&, const app::AuditVerifyAnswer& a) { return wire::AuditCheckText(a.check); });
}

int RunAuditLog(const Options& o) {
  using Log = std::vector<store::AuditEntry>;
  return Show<Log>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::AuditLog(c, o.limit, o.before); },
      [](const Knowledge&, const Log& l) { return wire::AuditLogJson(l); },
      [](const Knowledge&, const Log& l) { return wire::AuditLogText(l); });
}

int RunUserAdd(const Options& o) {
  if (!store::ParseRole(o.role)) return Fail(Error::BadInput("role", "must be " + store::RoleNames()), o);
  auto password = ReadPassword();
  if (!password.ok()) return Fail(password.error(), o);
  return Show<store::User>(
      o, /*with_store=*/true,
      [&](const app::Context& c) { return app::AddUser(c, o.username, o.role, *password, o.patient); },
      [](const Knowledge&, const store::User& u) {
        return nlohmann::json{{"username", u.username}, {"role", store::RoleName(u.role)}, {"patient", u.patient_ref}};
      },
      [](const Knowledge&, const store::User& u) {
        return "Added " + std::string(store::RoleName(u.role)) + " account " + u.username + ".";
      });
}

namespace {

// A change that answers nothing but its success, as a one-line confirmation.
Result<std::string> Done(Status s, std::string what) {
  if (!s.ok()) return s.error();
  return what;
}

int ShowDone(const Options& o, const std::function<Result<std::string>(const app::Context&)>& act) {
  return Show<std::string>(
      o, /*with_store=*/true, act,
      [](const Knowledge&, const std::string& done) {
        return nlohmann::json{{"done", done}};
      },
      [](const Knowledge&, const std::string& done) { return done; });
}

}  // namespace

int RunTokenAdd(const Options& o) {
  store::TokenPolicy policy;
  if (o.token_max_days > 0) policy.max_days = o.token_max_days;
  const std::optional<int64_t> days = o.token_days != 0 ? std::optional<int64_t>(o.token_days) : std::nullopt;
  return Show<std::string>(
      o, /*with_store=*/true,
      [&](const app::Context& c) { return app::AddToken(c, o.username, o.token_name, days, policy); },
      [&](const Knowledge&, const std::string& token) {
        return nlohmann::json{{"username", o.username}, {"name", o.token_name}, {"token", token}};
      },
      [&](const Knowledge&, const std::string& token) {
        return "API token for " + o.username + " (shown once; send it as \"Authorization: Bearer <token>\"):\n" + token;
      });
}

int RunTokenList(const Options& o) {
  using Tokens = std::vector<store::TokenInfo>;
  return Show<Tokens>(
      o, /*with_store=*/true, [&](const app::Context& c) { return app::ListTokens(c, o.username); },
      [](const Knowledge&, const Tokens& tokens) { return wire::TokensJson(tokens); },
      [](const Knowledge&, const Tokens& tokens) {
        if (tokens.empty()) return std::string("No API tokens.");
        std::string out;
        for (const store::TokenInfo& t : tokens) {
          out += std::to_string(t.id) + "  " + t.username + "  " + t.name + "  " + t.state + "  (made " +
                 t.created_at.substr(0, 10) + " by " + t.created_by + "; expires " + t.expires_at.substr(0, 10) +
                 (t.revoked_at.empty() ? "" : "; revoked " + t.revoked_at.substr(0, 10)) + ")\n";
        }
        out.pop_back();
        return out;
      });
}

int RunTokenRevoke(const Options& o) {
  return ShowDone(o, [&](const app::Context& c) {
    return Done(app::RevokeToken(c, o.token_id, ""), "Revoked API token " + std::to_string(o.token_id) + ".");
  });
}

int RunUserDisable(const Options& o, bool disabled) {
  return ShowDone(o, [&](const app::Context& c) {
    return Done(app::SetUserDisabled(c, o.username, disabled),
                (disabled ? "Disabled " : "Enabled ") + o.username +
                    (disabled ? ": its sessions ended and its API tokens stopped working." : "."));
  });
}

int RunUserPassword(const Options& o) {
  auto password = ReadPassword();
  if (!password.ok()) return Fail(password.error(), o);
  return ShowDone(o, [&](const app::Context& c) {
    return Done(app::ResetPassword(c, o.username, *password),
                "Set a new password for " + o.username + "; every session of the account ended.");
  });
}

}  // namespace lenacare::cli
