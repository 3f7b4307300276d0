// The `lenacare` subcommands: each turns its options into a typed request of src/app, runs the
// use case and prints the answer as text (with the disclaimer) or, with --json, as the v1 JSON of
// src/wire. Each returns the process exit code: 0 answered, 1 cannot assess, 2 bad input or
// usage, 3 failed (a database or file that cannot be used).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lenacare {
class Clock;
}

namespace lenacare::cli {

struct Options {
  const Clock* clock = nullptr;  // set by cli::Main from the Program
  std::string knowledge_dir;     // --knowledge (else $LENACARE_KNOWLEDGE, else the built-in default)
  bool json = false;
  // The long options of the subcommand that runs ("--as-of", ...): an error about the request
  // field "as_of" is shown as about "--as-of".
  std::vector<std::string> option_names;

  // Patient facts for creatinine clearance.
  std::optional<int> age;
  std::string sex, weight, creatinine;

  std::string indication;
  std::string crcl;  // "45" or "45 mL/min"
  bool dialysis = false;

  // calendar
  std::string start;
  int cycles = 1;
  std::optional<double> dose_mg;
  std::string frequency, days, setting, birth_date, pregnancy_tests;

  // evaluate, rems, check, response
  std::string course_file, as_of;

  // missed-dose
  std::string scheduled, now;

  // knowledge check
  std::string check_dir, pack = "us";
  std::string diff_old, diff_new;  // knowledge diff
  bool review_all = false;         // knowledge review --all
  // --site-knowledge: the clinic's sign-offs over the knowledge (else $LENACARE_SITE_KNOWLEDGE,
  // else <db>.site-knowledge beside a SQLite database).
  std::string site_knowledge;

  // vte
  std::string bmi, dexamethasone, prophylaxis;
  std::vector<std::string> present, unknown;

  // interactions
  std::vector<std::string> drugs;

  // grade
  std::string grade_test, grade_value, lln, uln, baseline, temperature, ctcae = "5.0";
  bool sustained = false;

  // records (store, FHIR, worklist, audit)
  std::string db;                            // --db PATH|URL (else $LENACARE_DB, else lenacare.db)
  std::string as_user;                       // --as USER: act with a web account's role (else the operator: every act)
  std::string audit_key, audit_checkpoints;  // --audit-key FILE, --audit-checkpoints FILE (store/audit_key.h)
  std::string confirm, correction, finding;
  int64_t replaces = 0, event_id = 0;
  std::string patient, name, facts, date, test, value, reason, term, result, sensitivity, event_json, output;
  std::optional<int> grade_number, days_supply, quantity;
  std::vector<std::string> import_paths;
  std::string import_source;
  bool import_source_per_file = false;  // ids namespaced by it ("" = each path's name)
  std::string progress = "auto";        // import: auto, bar, lines, none
  int batch = 5000;
  int look_ahead_days = 7;
  int limit = 20;
  int page = 0;        // worklist --limit (0: every entry)
  std::string after;   // worklist --after, patient list --after
  int64_t before = 0;  // audit log --before

  // serve, user, token
  std::string listen = "127.0.0.1:8080", web_dir, username, role, token_name;
  bool demo = false, secure_cookies = false, public_metrics = false;
  int threads = 2;
  int max_connections = 1000;
  int db_connections = 0;  // 0: --threads plus the heavy-request threads
  int worklist_refresh_seconds = 1;
  std::vector<std::string> trusted_proxies;
  int session_idle_minutes = 30;
  int token_days = 0, token_max_days = 0;  // 0: the policy's default (store::TokenPolicy)
  std::string cds_config;                  // serve --cds-config
  int64_t token_id = 0;
  std::string log_file;             // serve --log-file: the access log's file (else standard error)
  std::string log_format = "json";  // the access log's format (the configuration file's log.format)

  // The configuration file (cli/config.h) and what it alone can set.
  std::string config_file;                        // --config FILE (else $LENACARE_CONFIG)
  std::string config_check_file;                  // config check FILE
  std::string time_zone;                          // the clinic's time zone (else $LENACARE_TIME_ZONE)
  std::string db_password_file, db_password_env;  // PostgreSQL's password: its file, or its variable

  // backup, restore
  std::string backup_to, backup_file;
  int backup_keep = 0;  // backup --keep N: the N newest backups of the directory are kept (0: all)
};

int RunCrCl(const Options& o);
int RunStartDose(const Options& o);
int RunCalendar(const Options& o);
int RunEvaluate(const Options& o);
int RunMissedDose(const Options& o);
int RunCapsules(const Options& o);
int RunKnowledgeCheck(const Options& o);
int RunKnowledgeDiff(const Options& o);
int RunKnowledgeSources(const Options& o);
int RunKnowledgeReview(const Options& o);
int RunDemo(const Options& o);
int RunRems(const Options& o);
int RunVte(const Options& o);
int RunInteractions(const Options& o);
int RunCheck(const Options& o);
int RunGrade(const Options& o);
int RunResponse(const Options& o);

int RunPatientAdd(const Options& o);
int RunPatientList(const Options& o);
int RunPatientShow(const Options& o);
int RunCourseStart(const Options& o);
// `record KIND`: lab, dose, missed, hold, resume, toxicity, pregnancy-test, dispense, event.
int RunRecord(const Options& o, const std::string& kind);
int RunEnteredInError(const Options& o);
int RunResolve(const Options& o);
int RunPatientUpdate(const Options& o);
int RunStatus(const Options& o);
int RunImport(const Options& o);
int RunExport(const Options& o);
int RunWorklist(const Options& o);
int RunWorklistRefresh(const Options& o);
int RunAuditVerify(const Options& o);
int RunAuditLog(const Options& o);
int RunUserAdd(const Options& o);
int RunTokenAdd(const Options& o);
int RunTokenList(const Options& o);
int RunTokenRevoke(const Options& o);
int RunUserDisable(const Options& o, bool disabled);
int RunUserPassword(const Options& o);
int RunBackup(const Options& o);
int RunBackupVerify(const Options& o);
int RunRestore(const Options& o);

}  // namespace lenacare::cli
