// The `lenacare` command: a thin adapter from the command line to the use cases of src/app.
// Exit codes: 0 answered, 1 cannot-assess, 2 bad input or usage, 3 failed (database, file).
#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config.h"
#include "core/text.h"
#include "wire/text.h"

namespace lenacare::cli {
namespace {

std::string Footer() {
  return std::string("\n") + wire::kDisclaimer +
         "\nExit codes: 0 answered, 1 cannot assess, 2 bad input, 3 failed (database or file).";
}

CLI::App* Sub(CLI::App& app, const std::string& name, const std::string& help, Options& o) {
  CLI::App* sub = app.add_subcommand(name, help);
  sub->footer(Footer());
  sub->add_flag("--json", o.json, "Print JSON (the stable contract for scripts) instead of text");
  return sub;
}

void CrClOptions(CLI::App* sub, Options& o) {
  sub->add_option("--age", o.age, "Age in whole years");
  sub->add_option("--sex", o.sex, "male or female");
  sub->add_option("--weight", o.weight, "Body weight with unit, e.g. \"58 kg\" or \"128 lb\"");
  sub->add_option("--creatinine", o.creatinine, "Serum creatinine with unit, e.g. \"1.3 mg/dL\" or \"115 umol/L\"");
}

// CLI11's messages, reworded as "<field>: <problem>" like every other error.
std::string UsageMessage(const CLI::ParseError& e) {
  const std::string what = e.what();
  const std::string required = " is required";
  if (e.get_name() == "RequiredError" && what.size() > required.size() &&
      what.compare(what.size() - required.size(), required.size(), required) == 0) {
    return what.substr(0, what.size() - required.size()) + ": missing";
  }
  const std::string convert = "Could not convert: ";
  if (e.get_name() == "ConversionError" && what.rfind(convert, 0) == 0) {
    const std::string rest = what.substr(convert.size());  // "--age = abc"
    const size_t eq = rest.find(" = ");
    if (eq != std::string::npos)
      return rest.substr(0, eq) + ": " + Quoted(rest.substr(eq + 3)) + " is not a valid value";
  }
  return what;
}

// Applies the configuration file (if one is in use) under the options given on the command line;
// returns kAnswered, or the exit code of a file that is not valid.
int UseConfig(Options& o, const std::set<std::string>& given) {
  const std::string path = ConfigPath(o.config_file);
  if (path.empty()) return kAnswered;
  const ConfigFile config = ReadConfig(path);
  if (!config.problems.empty()) {
    std::cerr << "lenacare: error: " << path << " is not a valid configuration (lenacare config check " << path
              << "):\n";
    std::cerr << config.ProblemsText();
    return kBadInput;
  }
  config.ApplyTo(o, given);
  if (Status zone = UseTimeZone(o.time_zone, "time_zone"); !zone.ok()) return Fail(zone.error(), o);
  if (Status password = UseDatabasePassword(o); !password.ok()) return Fail(password.error(), o);
  return kAnswered;
}

// Runs `run` as the subcommand's action, with the subcommand's long option names known to the
// error messages, after the configuration file (unless `configured` is false: `config check`).
void Bind(CLI::App* sub, Options& o, int& code, std::function<int()> run, bool configured = true) {
  sub->callback([sub, &o, &code, run = std::move(run), configured] {
    for (const CLI::App* child : sub->get_subcommands()) {
      if (child->parsed()) return;  // the subcommand ran (`backup verify`, `worklist refresh`)
    }
    std::set<std::string> given;
    for (const CLI::App* app = sub; app != nullptr; app = app->get_parent()) {
      for (const CLI::Option* opt : app->get_options()) {
        for (const std::string& name : opt->get_lnames()) {
          if (app == sub) o.option_names.push_back("--" + name);
          if (opt->count() > 0) given.insert("--" + name);
        }
      }
    }
    if (configured) {
      code = UseConfig(o, given);
      if (code != kAnswered) return;
    }
    code = run();
  });
}

}  // namespace

int Main(int argc, char** argv, const Program& program) {
  Options o;
  o.clock = &program.clock;
  int code = 0;
  CLI::App app{"lenacare — therapy companion and decision support for lenalidomide (Revlimid)"};
  app.footer(Footer());
  app.require_subcommand(1);
  app.add_option("--knowledge", o.knowledge_dir,
                 "Knowledge directory (default: $LENACARE_KNOWLEDGE or the built-in one)");
  app.add_option("--site-knowledge", o.site_knowledge,
                 "The clinic's sign-offs of the knowledge, applied over it (default: $LENACARE_SITE_KNOWLEDGE, "
                 "else <db>.site-knowledge beside a SQLite database)");
  app.add_option("--config", o.config_file,
                 "Configuration file (TOML, docs/configuration.md; default: $LENACARE_CONFIG): the options given "
                 "here win over it");
  app.set_version_flag("--version", LENACARE_VERSION);

  CLI::App* config = app.add_subcommand("config", "The configuration file");
  config->footer(Footer());
  config->require_subcommand(1);
  CLI::App* config_check =
      Sub(*config, "check", "Validate a configuration file: every unknown key, wrong type and bad value, by key", o);
  config_check->add_option("file", o.config_check_file, "The file (default: --config or $LENACARE_CONFIG)");
  Bind(
      config_check, o, code, [&] { return RunConfigCheck(o); }, false);

  CLI::App* crcl = Sub(app, "crcl", "Creatinine clearance by Cockcroft-Gault", o);
  CrClOptions(crcl, o);
  Bind(crcl, o, code, [&] { return RunCrCl(o); });

  CLI::App* start = Sub(app, "start-dose", "Starting dose for an indication and a renal function", o);
  start->add_option("--indication", o.indication, "mm, mm-maintenance, mds, mcl, fl or mzl")->required();
  start->add_option("--crcl", o.crcl, "Creatinine clearance in mL/min (or give the four Cockcroft-Gault inputs)");
  start->add_flag("--dialysis", o.dialysis, "The patient is on dialysis");
  CrClOptions(start, o);
  Bind(start, o, code, [&] { return RunStartDose(o); });

  CLI::App* cal = Sub(app, "calendar", "Cycle calendar: pill and rest days, companion drugs, blood-count days", o);
  cal->add_option("--indication", o.indication, "mm, mm-maintenance, mds, mcl, fl or mzl")->required();
  cal->add_option("--start", o.start, "Day 1 of cycle 1 (YYYY-MM-DD)")->required();
  cal->add_option("--cycles", o.cycles, "Number of cycles to show (default 1)");
  cal->add_option("--dose", o.dose_mg, "Lenalidomide dose in mg (default: the indication's starting dose)");
  cal->add_option("--frequency", o.frequency, "daily or every-other-day");
  cal->add_option("--days", o.days, "Pill days of the cycle, e.g. 1-21");
  cal->add_option("--setting", o.setting, "Myeloma: newly-diagnosed or previously-treated (sets dexamethasone)");
  cal->add_option("--age", o.age, "Age in years at the start (some companion doses depend on it)");
  cal->add_option("--birth-date", o.birth_date, "Birth date (YYYY-MM-DD), instead of --age");
  cal->add_option("--pregnancy-tests", o.pregnancy_tests,
                  "For a patient who can become pregnant: regular or irregular menstrual cycles (adds the REMS tests)");
  Bind(cal, o, code, [&] { return RunCalendar(o); });

  CLI::App* eval = Sub(app, "evaluate", "Where a therapy course stands on a date, with recommendations", o);
  eval->add_option("course", o.course_file, "Course file (JSON, see docs/course-format.md), or - for standard input")
      ->required();
  eval->add_option("--as-of", o.as_of, "The date to assess (YYYY-MM-DD; default today)");
  Bind(eval, o, code, [&] { return RunEvaluate(o); });

  CLI::App* missed = Sub(app, "missed-dose", "What to do about a missed dose (the 12-hour rule)", o);
  missed->add_option("--scheduled", o.scheduled, "The usual time (HH:MM or YYYY-MM-DDTHH:MM)")->required();
  missed->add_option("--now", o.now, "The time now (same form as --scheduled)")->required();
  Bind(missed, o, code, [&] { return RunMissedDose(o); });

  CLI::App* caps = Sub(app, "capsules", "Capsules that make a dose and the quantity for one cycle", o);
  caps->add_option("--indication", o.indication, "The indication (sets the pill days)")->required();
  caps->add_option("--dose", o.dose_mg, "Dose in mg")->required();
  caps->add_option("--frequency", o.frequency, "daily or every-other-day");
  caps->add_option("--days", o.days, "Pill days of the cycle, e.g. 1-21");
  Bind(caps, o, code, [&] { return RunCapsules(o); });

  CLI::App* knowledge = app.add_subcommand("knowledge", "Inspect the clinical knowledge base");
  knowledge->footer(Footer());
  knowledge->require_subcommand(1);
  CLI::App* check = Sub(*knowledge, "check", "Validate a knowledge directory", o);
  check->add_option("dir", o.check_dir, "Knowledge directory (default: the one in use)");
  check->add_option("--pack", o.pack, "Knowledge pack (default us)");
  Bind(check, o, code, [&] { return RunKnowledgeCheck(o); });
  CLI::App* diff = Sub(*knowledge, "diff",
                       "Entries added, removed and changed between two knowledge directories (a label update "
                       "reviewed before it is installed): value, citation and verification",
                       o);
  diff->add_option("old", o.diff_old, "The knowledge directory in use")->required();
  diff->add_option("new", o.diff_new, "The knowledge directory to compare with it")->required();
  diff->add_option("--pack", o.pack, "Knowledge pack (default us)");
  Bind(diff, o, code, [&] { return RunKnowledgeDiff(o); });
  CLI::App* sources = Sub(*knowledge, "sources",
                          "The sources register: every document the knowledge cites, with its public addresses", o);
  Bind(sources, o, code, [&] { return RunKnowledgeSources(o); });
  CLI::App* review = Sub(*knowledge, "review",
                         "The review packet: every entry not verified against the label (--all: every entry), "
                         "grouped by topic, with its value, its sources, what to check and its local sign-off",
                         o);
  review->add_flag("--all", o.review_all, "Every cited entry, verified or not");
  review->add_option("--db", o.db, "The database whose site knowledge (sign-offs) to apply");
  Bind(review, o, code, [&] { return RunKnowledgeReview(o); });

  CLI::App* rems = Sub(
      app, "rems", "Pregnancy-prevention (REMS) checklist: met, due, overdue, blocking; may it be dispensed today", o);
  rems->add_option("course", o.course_file, "Course file (JSON), or - for standard input")->required();
  rems->add_option("--as-of", o.as_of, "The date to assess (YYYY-MM-DD; default today)");
  Bind(rems, o, code, [&] { return RunRems(o); });

  CLI::App* vte = Sub(app, "vte", "Clot-prevention risk: IMWG 2008 model and IMPEDE VTE score, beside the label", o);
  vte->add_option("--bmi", o.bmi, "Body-mass index, e.g. \"31 kg/m2\"");
  vte->add_option("--dexamethasone", o.dexamethasone, "Dexamethasone per month, e.g. \"160 mg\"");
  vte->add_option("--prophylaxis", o.prophylaxis, "none, aspirin, prophylactic-lmwh, therapeutic-lmwh or warfarin");
  vte->add_option("--present", o.present, "Findings present (comma-separated); every other finding is taken as absent")
      ->delimiter(',');
  vte->add_option("--unknown", o.unknown, "Findings not known (comma-separated)")->delimiter(',');
  Bind(vte, o, code, [&] { return RunVte(o); });

  CLI::App* inter = Sub(app, "interactions", "What the label says about other drugs taken with lenalidomide", o);
  inter->add_option("drugs", o.drugs, "Generic names, brands or RxNorm codes")->required();
  Bind(inter, o, code, [&] { return RunInteractions(o); });

  CLI::App* chk = Sub(app, "check", "All checks for one course: status, REMS, readiness, clot risk, interactions", o);
  chk->add_option("course", o.course_file, "Course file (JSON), or - for standard input")->required();
  chk->add_option("--as-of", o.as_of, "The date to assess (YYYY-MM-DD; default today)");
  Bind(chk, o, code, [&] { return RunCheck(o); });

  CLI::App* grade = Sub(app, "grade", "CTCAE grade of a laboratory value (or of febrile neutropenia)", o);
  grade->add_option("test", o.grade_test, "anc, platelets, wbc, hemoglobin, creatinine or febrile-neutropenia")
      ->required();
  grade
      ->add_option("value", o.grade_value,
                   "The value with its unit, e.g. \"0.8 10*9/L\" (for febrile-neutropenia: the ANC)")
      ->required();
  grade->add_option("--lln", o.lln, "The laboratory's lower limit of normal (decides grade 0 or 1 of a low count)");
  grade->add_option("--uln", o.uln, "The laboratory's upper limit of normal (required for creatinine)");
  grade->add_option("--baseline", o.baseline, "The patient's baseline value (creatinine)");
  grade->add_option("--temperature", o.temperature, "Body temperature, for febrile-neutropenia, e.g. \"38.5 Cel\"");
  grade->add_flag("--sustained", o.sustained, "The temperature was sustained for more than 1 hour");
  grade->add_option("--ctcae", o.ctcae, "CTCAE version (default 5.0)");
  Bind(grade, o, code, [&] { return RunGrade(o); });

  CLI::App* resp =
      Sub(app, "response", "IMWG myeloma response from a series of dated M-protein and light-chain results", o);
  resp->add_option("series", o.course_file, "Series file (JSON, see docs/response-format.md), or - for standard input")
      ->required();
  Bind(resp, o, code, [&] { return RunResponse(o); });

  // Records: the store, FHIR, the worklist and the audit log.
  auto db = [&](CLI::App* sub) {
    sub->add_option("--db", o.db, "SQLite file or postgresql:// URL (default: $LENACARE_DB, else ./lenacare.db)");
    sub->add_option("--audit-key", o.audit_key,
                    "The audit log's key: 32 random bytes, readable by its owner only (default: "
                    "$LENACARE_AUDIT_KEY_FILE, else <db>.audit-key beside a SQLite file, created on first use; "
                    "required for PostgreSQL)");
    sub->add_option("--audit-checkpoints", o.audit_checkpoints,
                    "Append-only file the audit log's head is checkpointed to (default: $LENACARE_AUDIT_CHECKPOINTS, "
                    "else <db>.audit-checkpoints beside a SQLite file)");
    sub->add_option("--as", o.as_user,
                    "Act as this web account: its role decides what may be recorded (default: the operator, "
                    "who holds the database and may record everything)");
    return sub;
  };
  auto patient_arg = [&](CLI::App* sub) {
    sub->add_option("patient", o.patient, "The patient's identifier (record number or FHIR Patient id)")->required();
  };
  CLI::App* patient = app.add_subcommand("patient", "Patients in the store: add, list, show");
  patient->footer(Footer());
  patient->require_subcommand(1);
  CLI::App* padd = db(Sub(*patient, "add", "Add a patient", o));
  patient_arg(padd);
  padd->add_option("--name", o.name, "Name");
  padd->add_option("--sex", o.sex, "male or female");
  padd->add_option("--birth-date", o.birth_date, "Birth date (YYYY-MM-DD)");
  padd->add_option("--weight", o.weight, "Body weight with unit, e.g. \"70 kg\"");
  padd->add_option("--facts", o.facts,
                   "Other facts as the course file's \"patient\" object: a JSON file, - or inline {...}");
  Bind(padd, o, code, [&] { return RunPatientAdd(o); });
  CLI::App* plist = db(Sub(*patient, "list", "List the patients", o));
  plist->add_option("--limit", o.page, "Patients per page, 1-1000 (default: every patient)");
  plist->add_option("--after", o.after, "Where the page starts: the page before's \"next\" (a reference)");
  Bind(plist, o, code, [&] { return RunPatientList(o); });
  CLI::App* pshow = db(Sub(*patient, "show", "A patient's facts, course and events", o));
  patient_arg(pshow);
  Bind(pshow, o, code, [&] { return RunPatientShow(o); });
  CLI::App* pupdate = db(Sub(*patient, "update", "Change a patient's details (audited with the old values)", o));
  patient_arg(pupdate);
  pupdate->add_option("--name", o.name, "Name");
  pupdate->add_option("--sex", o.sex, "male or female");
  pupdate->add_option("--birth-date", o.birth_date, "Birth date (YYYY-MM-DD)");
  pupdate->add_option("--facts", o.facts,
                      "Facts to change, as a JSON object merged into the stored ones (null removes one), "
                      "e.g. {\"rems_category\": \"female-rp\"}");
  Bind(pupdate, o, code, [&] { return RunPatientUpdate(o); });

  CLI::App* course = app.add_subcommand("course", "Therapy courses in the store");
  course->footer(Footer());
  course->require_subcommand(1);
  CLI::App* cstart = db(Sub(*course, "start", "Start a therapy course for a patient", o));
  patient_arg(cstart);
  cstart->add_option("--indication", o.indication,
                     "mm, mm-maintenance, mds, mcl, fl or mzl (default: the one imported diagnosis)");
  cstart->add_option("--start", o.start, "Day 1 of cycle 1 (YYYY-MM-DD)")->required();
  cstart->add_option("--dose", o.dose_mg, "Starting dose in mg")->required();
  cstart->add_option("--frequency", o.frequency, "daily or every-other-day");
  cstart->add_option("--days", o.days, "Pill days of the cycle, e.g. 1-21");
  cstart->add_option("--setting", o.setting, "Myeloma: newly-diagnosed or previously-treated");
  Bind(cstart, o, code, [&] { return RunCourseStart(o); });

  CLI::App* record = app.add_subcommand("record", "Record an event for a patient's course");
  record->footer(Footer());
  record->require_subcommand(1);
  struct RecordKind {
    const char* name;
    const char* help;
  };
  static const RecordKind kKinds[] = {
      {"lab", "A lab result: --test and --value (with its unit)"},
      {"dose", "The day's dose taken"},
      {"missed", "The day's dose missed"},
      {"hold", "Therapy interrupted (--reason)"},
      {"resume", "Therapy resumed (--dose, --frequency, --days)"},
      {"toxicity", "Another toxicity: --term and --grade (CTCAE)"},
      {"stop", "Therapy stopped for good (--reason)"},
      {"pregnancy-test", "A pregnancy test: --result negative|positive (--sensitivity)"},
      {"dispense", "Capsules dispensed: --days-supply (--quantity)"},
      {"event", "Any course-file event as JSON (--json-event), e.g. a prescription or dose change"}};
  for (const RecordKind& kind : kKinds) {
    CLI::App* r = db(Sub(*record, kind.name, kind.help, o));
    patient_arg(r);
    const std::string name = kind.name;
    if (name == "event") {
      r->add_option("--json-event", o.event_json, "The event: a JSON file, - or inline {...}")->required();
    } else {
      r->add_option("--date", o.date, "The date (YYYY-MM-DD)")->required();
    }
    if (name == "lab") {
      r->add_option("--test", o.test, "anc, platelets, wbc, hemoglobin or creatinine")->required();
      r->add_option("--value", o.value, "The value with its unit, e.g. \"0.8 10*9/L\"")->required();
      r->add_option("--lln", o.lln, "The laboratory's lower limit of normal, with unit");
      r->add_option("--uln", o.uln, "The laboratory's upper limit of normal, with unit");
    }
    if (name == "resume") {
      r->add_option("--dose", o.dose_mg, "The dose to resume at, in mg");
      r->add_option("--frequency", o.frequency, "daily or every-other-day");
      r->add_option("--days", o.days, "Pill days of the cycle, e.g. 1-21");
    }
    if (name == "hold" || name == "stop") r->add_option("--reason", o.reason, "Why");
    if (name == "toxicity") {
      r->add_option("--term", o.term, "The CTCAE term, e.g. rash")->required();
      r->add_option("--grade", o.grade_number, "The CTCAE grade, 0 to 5")->required();
    }
    if (name == "pregnancy-test") {
      r->add_option("--result", o.result, "negative or positive")->required();
      r->add_option("--sensitivity", o.sensitivity, "The test's detection threshold, e.g. \"25 m[IU]/mL\"");
    }
    if (name == "dispense") {
      r->add_option("--days-supply", o.days_supply, "Days of therapy dispensed")->required();
      r->add_option("--quantity", o.quantity, "Capsules dispensed");
    }
    r->add_option("--confirm", o.confirm, "The reason to record it although the checks flag it");
    r->add_option("--replaces", o.replaces, "Amend: the event (id) this entry replaces");
    r->add_option("--correction", o.correction, "Amend: why the earlier entry is replaced");
    Bind(r, o, code, [&o, name] { return RunRecord(o, name); });
  }

  CLI::App* eie = db(Sub(*record, "entered-in-error", "Mark an event entered in error (it stays, struck through)", o));
  patient_arg(eie);
  eie->add_option("--event", o.event_id, "The event's id (patient show)")->required();
  eie->add_option("--reason", o.reason, "Why the entry is wrong")->required();
  Bind(eie, o, code, [&] { return RunEnteredInError(o); });
  CLI::App* resolve = db(Sub(*record, "resolve", "Resolve a \"check dose\" finding or a severe symptom entry", o));
  patient_arg(resolve);
  resolve->add_option("--finding", o.finding, "The finding as the worklist shows it")->required();
  resolve->add_option("--reason", o.reason, "How it was resolved")->required();
  Bind(resolve, o, code, [&] { return RunResolve(o); });

  CLI::App* status = db(Sub(app, "status", "All checks for a stored patient's course as of a date", o));
  patient_arg(status);
  status->add_option("--as-of", o.as_of, "The date to assess (YYYY-MM-DD; default today)");
  Bind(status, o, code, [&] { return RunStatus(o); });

  CLI::App* import =
      db(Sub(app, "import", "Import FHIR R4: resources, Bundles, Bulk Data NDJSON files or directories", o));
  import->add_option("paths", o.import_paths, "Files (.json, .ndjson), directories, or - (standard input)")->required();
  import->add_option("--source", o.import_source,
                     "Where the data comes from (a FHIR server's base URL or a name): resource ids are "
                     "namespaced by it (default: the name of the folder the data came in, - for standard input)");
  import->add_flag("--source-per-file", o.import_source_per_file,
                   "Each file is a source of its own (a folder of independent examples)");
  import->add_option("--progress", o.progress, "auto (a bar on a terminal), bar, lines (each commit) or none");
  import->add_option("--batch", o.batch, "Resources per transaction (default 5000)");
  Bind(import, o, code, [&] { return RunImport(o); });

  CLI::App* exp = db(app.add_subcommand("export", "A patient's records as a FHIR R4 Bundle (on standard output)"));
  exp->footer(Footer());
  patient_arg(exp);
  Bind(exp, o, code, [&] { return RunExport(o); });

  CLI::App* work = db(Sub(app, "worklist", "Every patient with something to do, most urgent first", o));
  work->add_option("--as-of", o.as_of, "The date (YYYY-MM-DD; default today)");
  work->add_option("--days", o.look_ahead_days, "How many days ahead \"due soon\" reaches (default 7)");
  work->add_option("--limit", o.page, "Entries per page, 1-1000 (default: every entry)");
  work->add_option("--after", o.after, "Where the page starts: the page before's \"next\"");
  CLI::App* refresh = db(Sub(*work, "refresh",
                             "Recompute the stored worklist answers that do not hold for today (run it after "
                             "midnight, or after upgrading the knowledge)",
                             o));
  Bind(refresh, o, code, [&] { return RunWorklistRefresh(o); });
  Bind(work, o, code, [&] { return RunWorklist(o); });

  CLI::App* audit = app.add_subcommand("audit", "The audit log of every read and change of patient data");
  audit->footer(Footer());
  audit->require_subcommand(1);
  CLI::App* verify =
      db(Sub(*audit, "verify",
             "Check the log's keyed hash chain and its checkpoints: exit 3 if an entry was edited or deleted, "
             "exit 1 if keyed entries could not be checked (no key)",
             o));
  Bind(verify, o, code, [&] { return RunAuditVerify(o); });
  CLI::App* log = db(Sub(*audit, "log", "The latest entries", o));
  log->add_option("--limit", o.limit, "How many, 1-1000 (default 20)");
  log->add_option("--before", o.before, "Entries before this one (the lowest seq of the page before)");
  Bind(log, o, code, [&] { return RunAuditLog(o); });

  // Backups that restore (store/backup.h).
  CLI::App* backup = db(Sub(app, "backup",
                            "Back up the database while it is in use (SQLite's online backup; PostgreSQL: pg_dump), "
                            "with the audit head, the rows per table and a checksum in the file",
                            o));
  backup->add_option("--to", o.backup_to,
                     "The new backup file, or a directory to write lenacare-<UTC time>.lcbak into (never overwritten)");
  backup->add_option("--keep", o.backup_keep,
                     "With --to DIR: after a backup that verified, remove the oldest lenacare-*.lcbak files of DIR "
                     "so that this many remain (default: keep every one)");
  CLI::App* backup_verify =
      Sub(*backup, "verify", "Check a backup without restoring it: checksum, database integrity, rows, audit head", o);
  backup_verify->add_option("file", o.backup_file, "The backup file")->required();
  Bind(backup_verify, o, code, [&] { return RunBackupVerify(o); });
  Bind(backup, o, code, [&] { return RunBackup(o); });
  CLI::App* restore = db(Sub(app, "restore",
                             "Restore a backup into a new, empty database and verify it: integrity, rows, audit "
                             "head and the audit chain (needs the audit key the database was written with)",
                             o));
  restore->add_option("file", o.backup_file, "The backup file")->required();
  Bind(restore, o, code, [&] { return RunRestore(o); });

  // The web application and its accounts.
  CLI::App* serve = db(app.add_subcommand(
      "serve", "The web application: pages, calculators, patient and clinician views, REST API (/api/v1)"));
  serve->footer(Footer());
  serve->add_option("--listen", o.listen, "Address and port (default 127.0.0.1:8080; port 0: any free port)");
  serve->add_flag("--demo", o.demo, "On first run, add demo patients and one account per role (passwords printed)");
  serve->add_option("--threads", o.threads, "I/O threads (default 2)");
  serve->add_option("--web", o.web_dir, "Web files directory (default: $LENACARE_WEB or the built-in one)");
  serve->add_flag("--secure-cookies", o.secure_cookies,
                  "Behind a TLS proxy: cookies get the Secure attribute and the __Host- prefix");
  serve->add_option("--trusted-proxy", o.trusted_proxies,
                    "The address of a TLS proxy in front: its X-Forwarded-For gives the client's address "
                    "(repeat for several)");
  serve->add_flag("--public-metrics", o.public_metrics,
                  "Serve /metrics without sign-in (default: administrators only)");
  serve->add_option("--max-connections", o.max_connections, "Open connections past this get 503 (default 1000)");
  serve->add_option("--worklist-refresh", o.worklist_refresh_seconds,
                    "Seconds between recomputations of the worklist's answers that writes made stale (default 1; 0: "
                    "only when a worklist is asked for)");
  serve->add_option("--db-connections", o.db_connections,
                    "Database connections, each serving one request at a time (default: the I/O threads plus 2)");
  serve->add_option("--session-idle", o.session_idle_minutes,
                    "Minutes a session may go unused before it ends (default 30)");
  serve->add_option("--token-days", o.token_days, "Default lifetime of a new API token in days (default 90)");
  serve->add_option("--token-max-days", o.token_max_days, "Longest lifetime of an API token in days (default 365)");
  serve->add_option("--cds-config", o.cds_config,
                    "The CDS Hooks service's configuration: its URL and the EHRs it trusts (docs/cds-hooks.md)");
  serve->add_option("--log-file", o.log_file,
                    "Write the access log (JSON, an object per line) to this file instead of standard error; "
                    "SIGHUP reopens it (logrotate)");
  Bind(serve, o, code, [&] {
    ServeOptions so;
    so.knowledge_dir = KnowledgeDir(o);
    so.site_knowledge = SiteKnowledgeDir(o.site_knowledge, o.db);
    so.db = o.db;
    so.audit_key = o.audit_key;
    so.audit_checkpoints = o.audit_checkpoints;
    so.listen = o.listen;
    so.web_dir = o.web_dir;
    so.demo = o.demo;
    so.secure_cookies = o.secure_cookies;
    so.threads = o.threads;
    so.public_metrics = o.public_metrics;
    so.max_connections = o.max_connections;
    so.db_connections = o.db_connections;
    so.worklist_refresh_seconds = o.worklist_refresh_seconds;
    so.trusted_proxies = o.trusted_proxies;
    so.session_idle_minutes = o.session_idle_minutes;
    so.token_days = o.token_days;
    so.token_max_days = o.token_max_days;
    so.cds_config = o.cds_config;
    so.log_file = o.log_file;
    return program.serve(so);
  });

  CLI::App* user = app.add_subcommand("user", "Accounts of the web application");
  user->footer(Footer());
  user->require_subcommand(1);
  CLI::App* uadd = db(Sub(*user, "add", "Create an account; the password is read from standard input", o));
  uadd->add_option("username", o.username, "a-z, 0-9, '.', '_' and '-'")->required();
  uadd->add_option("--role", o.role, "admin, prescriber, pharmacist, nurse or patient")->required();
  uadd->add_option("--patient", o.patient, "For a patient account: their patient record's identifier");
  Bind(uadd, o, code, [&] { return RunUserAdd(o); });
  CLI::App* udisable =
      db(Sub(*user, "disable", "Disable an account: its sessions end, its API tokens stop at once", o));
  udisable->add_option("username", o.username, "The account")->required();
  Bind(udisable, o, code, [&] { return RunUserDisable(o, true); });
  CLI::App* uenable = db(Sub(*user, "enable", "Enable a disabled account again", o));
  uenable->add_option("username", o.username, "The account")->required();
  Bind(uenable, o, code, [&] { return RunUserDisable(o, false); });
  CLI::App* upassword =
      db(Sub(*user, "password", "Set a new password for an account (read from standard input); its sessions end", o));
  upassword->add_option("username", o.username, "The account")->required();
  Bind(upassword, o, code, [&] { return RunUserPassword(o); });

  CLI::App* token = app.add_subcommand("token", "API tokens for scripts (Authorization: Bearer ...)");
  token->footer(Footer());
  token->require_subcommand(1);
  CLI::App* tadd = db(Sub(*token, "add", "Create an API token for an account (printed once)", o));
  tadd->add_option("username", o.username, "The account")->required();
  tadd->add_option("--name", o.token_name, "What the token is for")->required();
  tadd->add_option("--days", o.token_days, "How long it works (default 90 days)");
  tadd->add_option("--max-days", o.token_max_days, "The longest lifetime allowed (default 365 days)");
  Bind(tadd, o, code, [&] { return RunTokenAdd(o); });
  CLI::App* tlist =
      db(Sub(*token, "list", "The API tokens (of one account, or of all): active, expired or revoked", o));
  tlist->add_option("username", o.username, "Only this account's tokens");
  Bind(tlist, o, code, [&] { return RunTokenList(o); });
  CLI::App* trevoke = db(Sub(*token, "revoke", "Revoke an API token at once (its number from `token list`)", o));
  trevoke->add_option("id", o.token_id, "The token's number")->required();
  Bind(trevoke, o, code, [&] { return RunTokenRevoke(o); });

  CLI::App* demo = Sub(app, "demo", "An example patient's starting dose and first cycle", o);
  Bind(demo, o, code, [&] { return RunDemo(o); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "lenacare: error: " << UsageMessage(e) << " (see lenacare --help)\n";
    return 2;
  }
  return code;
}

}  // namespace lenacare::cli
