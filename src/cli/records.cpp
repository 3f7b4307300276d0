// The record commands: patients, courses and events in the store, status of a stored course,
// FHIR import and export, the worklist and the audit log.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/worklist.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "fhir/fhir_export.h"
#include "fhir/fhir_import.h"
#include "store/store.h"

namespace lenacare::cli {
namespace {

using nlohmann::json;

// The knowledge and the store (the server's, or opened for this command).
struct Session {
  const Knowledge& k;
  store::Store* store;
  std::unique_ptr<store::Store> owned;
};
Result<Session> Start(const Options& o) {
  auto k = Load(o);
  if (!k.ok()) return k.error();
  if (o.store != nullptr) {
    if (!o.actor.empty()) o.store->set_actor(o.actor);
    return Session{**k, o.store, nullptr};
  }
  auto s = store::Store::Open(o.db.empty() ? store::DefaultTarget() : o.db, store::DefaultActor());
  if (!s.ok()) return s.error();
  store::Store* raw = s->get();
  return Session{**k, raw, std::move(s).value()};
}

json PatientJson(const store::PatientRecord& p) {
  return {{"ref", p.ref},
          {"name", p.name},
          {"sex", p.sex.empty() ? json(nullptr) : json(p.sex)},
          {"birth_date", p.birth_date.empty() ? json(nullptr) : json(p.birth_date)},
          {"facts", json::parse(p.facts)}};
}

std::string PatientLine(const store::PatientRecord& p) {
  return p.ref + (p.name.empty() ? "" : "  " + p.name) + (p.sex.empty() ? "" : "  " + p.sex) +
         (p.birth_date.empty() ? "" : "  born " + p.birth_date);
}

// A JSON object from a file, from standard input ("-") or written inline ("{...}").
Result<json> JsonArgument(const Options& o, const std::string& text, const std::string& option) {
  std::string body = text;
  if (!text.empty() && text.front() != '{') {
    auto read = ReadInput(o, text);
    if (!read.ok()) return read.error().Under(option);
    body = *read;
  }
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::BadInput(option, "must be a JSON object");
  return j;
}

}  // namespace

int RunPatientAdd(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  store::PatientRecord p;
  p.ref = o.patient;
  p.name = o.name;
  p.sex = o.sex;
  p.birth_date = o.birth_date;
  json facts = json::object();
  if (!o.facts.empty()) {
    auto f = JsonArgument(o, o.facts, "--facts");
    if (!f.ok()) return Fail(f.error(), o);
    facts = *f;
  }
  if (!o.weight.empty()) facts["weight"] = o.weight;
  p.facts = facts.dump();
  auto added = s->store->AddPatient(s->k, p);
  if (!added.ok()) return Fail(added.error(), o);
  return Emit(o, PatientJson(*added), "Added patient " + PatientLine(*added) + ".");
}

int RunPatientList(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  auto list = s->store->ListPatients();
  if (!list.ok()) return Fail(list.error(), o);
  json j = json::array();
  std::string text = std::to_string(list->size()) + " patients\n";
  for (const auto& p : *list) {
    j.push_back(PatientJson(p));
    text += "  " + PatientLine(p) + "\n";
  }
  return Emit(o, {{"patients", j}}, text);
}

int RunPatientShow(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  auto p = s->store->ShowPatient(o.patient);
  if (!p.ok()) return Fail(p.error(), o);
  auto events = s->store->ListEvents(o.patient);
  if (!events.ok()) return Fail(events.error(), o);
  auto course = s->store->LatestCourse(p->id);
  if (!course.ok()) return Fail(course.error(), o);
  auto diagnoses = s->store->ConditionIndications(p->id);
  if (!diagnoses.ok()) return Fail(diagnoses.error(), o);
  json j = PatientJson(*p);
  j["course"] = *course ? json::parse((*course)->header) : json(nullptr);
  j["diagnoses"] = *diagnoses;
  j["events"] = json::array();
  std::ostringstream out;
  out << "Patient " << PatientLine(*p) << "\nFacts: " << p->facts << "\n";
  if (!diagnoses->empty()) {
    out << "Imported diagnoses (indications):";
    for (const auto& d : *diagnoses) out << " " << d;
    out << "\n";
  }
  out << "Course: " << (*course ? (*course)->header : std::string("none")) << "\n" << events->size() << " events\n";
  for (const auto& e : *events) {
    j["events"].push_back({{"id", e.id}, {"event", json::parse(e.body)}, {"source", e.source}});
    out << "  " << e.body << (e.source.empty() ? "" : "  [" + e.source + "]") << "\n";
  }
  return Emit(o, j, out.str());
}

int RunCourseStart(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  json h = json::object();
  std::string indication = o.indication;
  if (indication.empty()) {
    // One imported diagnosis that lenacare maps to an indication: use it; otherwise ask.
    auto p = s->store->FindPatient(o.patient);
    if (!p.ok()) return Fail(p.error(), o);
    auto d = s->store->ConditionIndications(p->id);
    if (!d.ok()) return Fail(d.error(), o);
    if (d->size() != 1) {
      return Fail(Error::BadInput("--indication", d->empty() ? "missing (no imported diagnosis maps to one)"
                                                             : "missing (the imported diagnoses map to several)"),
                  o);
    }
    indication = d->front();
  }
  h["indication"] = indication;
  h["start_date"] = o.start;
  if (o.dose_mg) h["starting_dose_mg"] = *o.dose_mg;
  if (!o.frequency.empty()) h["starting_frequency"] = o.frequency;
  if (!o.days.empty()) h["starting_days"] = o.days;
  if (!o.setting.empty()) h["setting"] = o.setting;
  auto c = s->store->StartCourse(s->k, o.patient, h.dump());
  if (!c.ok()) return Fail(c.error(), o);
  return Emit(o, {{"patient", o.patient}, {"course", json::parse(c->header)}},
              "Started a " + c->indication + " course for " + o.patient + " on " + c->start_date + ".");
}

int RunRecord(const Options& o, const std::string& kind) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  json e = json::object();
  if (kind == "event") {
    auto j = JsonArgument(o, o.event_json, "--json-event");
    if (!j.ok()) return Fail(j.error(), o);
    e = *j;
  } else {
    static const std::map<std::string, std::string> kTypes = {{"lab", "lab"},
                                                              {"dose", "dose-taken"},
                                                              {"missed", "dose-missed"},
                                                              {"hold", "hold"},
                                                              {"resume", "resume"},
                                                              {"toxicity", "toxicity"},
                                                              {"stop", "stop"},
                                                              {"pregnancy-test", "pregnancy-test"},
                                                              {"dispense", "dispense"}};
    e["type"] = kTypes.at(kind);
    e["date"] = o.date;
    if (!o.test.empty()) e["test"] = o.test;
    if (!o.value.empty()) e["value"] = o.value;
    if (!o.lln.empty()) e["lln"] = o.lln;
    if (!o.uln.empty()) e["uln"] = o.uln;
    if (o.dose_mg) e["dose_mg"] = *o.dose_mg;
    if (!o.frequency.empty()) e["frequency"] = o.frequency;
    if (!o.days.empty()) e["days"] = o.days;
    if (!o.reason.empty()) e["reason"] = o.reason;
    if (!o.term.empty()) e["term"] = o.term;
    if (o.grade_number) e["grade"] = *o.grade_number;
    if (!o.result.empty()) e["result"] = o.result;
    if (!o.sensitivity.empty()) e["sensitivity"] = o.sensitivity;
    if (o.days_supply) e["days_supply"] = *o.days_supply;
    if (o.quantity) e["quantity"] = *o.quantity;
  }
  auto r = s->store->RecordEvent(s->k, o.patient, e.dump());
  if (!r.ok()) {
    Error err = r.error();
    // "event.value" -> "--value": name the option the user typed.
    if (kind != "event" && err.field.rfind("event.", 0) == 0) {
      std::string f = err.field.substr(6);
      for (char& c : f) c = c == '_' ? '-' : c;
      err.field = "--" + f;
    }
    return Fail(err, o);
  }
  return Emit(o, {{"patient", o.patient}, {"id", r->id}, {"event", json::parse(r->body)}},
              "Recorded for " + o.patient + ": " + r->body);
}

int RunStatus(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  auto as_of = o.as_of.empty() ? Today() : DateOption(o.as_of, "--as-of");
  if (!as_of.ok()) return Fail(as_of.error(), o);
  auto c = s->store->LoadCourse(s->k, o.patient, *as_of);
  if (!c.ok()) return Fail(c.error(), o);
  json head = {{"patient", {{"ref", c->patient.ref}, {"name", c->patient.name}}},
               {"as_of", as_of->ToString()},
               {"ignored_events", c->ignored_events}};
  return CheckAll(s->k, c->course, *as_of, o, head);
}

int RunImport(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  if (o.batch < 1 || o.batch > 1000000) return Fail(Error::BadInput("--batch", "must be from 1 to 1000000"), o);
  std::string mode = o.progress;
  if (mode == "auto") mode = isatty(STDERR_FILENO) ? "bar" : "none";
  if (mode != "bar" && mode != "lines" && mode != "none") {
    return Fail(Error::BadInput("--progress", "'" + o.progress + "' is not auto, bar, lines or none"), o);
  }
  fhir::ImportOptions options;
  options.batch_size = o.batch;
  if (mode == "lines") {
    options.on_commit = [](const std::string& file, int64_t line) {
      std::fprintf(stderr, "committed %s:%lld\n", file.c_str(), static_cast<long long>(line));
      std::fflush(stderr);
    };
  } else if (mode == "bar") {
    options.on_progress = [](const std::string& file, uint64_t done, uint64_t total) {
      const int pct = total == 0 ? 100 : static_cast<int>(done * 100 / total);
      const int filled = pct / 5;
      const std::string name = std::filesystem::path(file).filename().string();
      std::fprintf(stderr, "\r%-32.32s [%.*s%*s] %3d%%", name.c_str(), filled, "####################", 20 - filled, "",
                   pct);
      if (done >= total) std::fprintf(stderr, "\n");
      std::fflush(stderr);
    };
  }
  auto sum = fhir::Import(*s->store, s->k, o.import_paths, options);
  if (!sum.ok()) return Fail(sum.error(), o);
  json skipped = json::object();
  for (const auto& [reason, n] : sum->skipped_by_reason) skipped[reason] = n;
  json j = {{"files", sum->files},          {"resources", sum->resources}, {"written", sum->written},
            {"unchanged", sum->unchanged},  {"skipped", sum->skipped},     {"invalid", sum->invalid},
            {"skipped_by_reason", skipped}, {"problems", sum->problems}};
  std::ostringstream out;
  out << "Imported " << sum->files << " files, " << sum->resources << " resources: " << sum->written << " written, "
      << sum->unchanged << " already stored, " << sum->skipped << " not used, " << sum->invalid << " invalid.\n";
  for (const auto& [reason, n] : sum->skipped_by_reason) out << "  not used: " << n << " " << reason << "\n";
  for (const auto& p : sum->problems) out << "  invalid: " << p << "\n";
  if (sum->invalid > static_cast<int64_t>(sum->problems.size())) {
    out << "  (" << sum->invalid - static_cast<int64_t>(sum->problems.size())
        << " more invalid resources not listed)\n";
  }
  return Emit(o, j, out.str(), sum->invalid > 0 ? kBadInput : kAnswered);
}

int RunExport(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  auto bundle = fhir::ExportPatient(*s->store, s->k, o.patient);
  if (!bundle.ok()) return Fail(bundle.error(), o);
  // The Bundle is the output (no disclaimer inside a FHIR document).
  if (o.reply != nullptr) return Emit(o, *bundle, bundle->dump(2));
  std::cout << bundle->dump(2) << "\n";
  return kAnswered;
}

int RunWorklist(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  auto as_of = o.as_of.empty() ? Today() : DateOption(o.as_of, "--as-of");
  if (!as_of.ok()) return Fail(as_of.error(), o);
  auto w = app::BuildWorklist(*s->store, s->k, *as_of, o.look_ahead_days);
  if (!w.ok()) return Fail(w.error(), o);
  return Emit(o, app::WorklistJson(*w), app::WorklistText(*w));
}

int RunAuditVerify(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  auto check = s->store->VerifyAudit();
  if (!check.ok()) return Fail(check.error(), o);
  json j = {{"ok", check->ok}, {"entries", check->entries}, {"problem", check->problem}};
  if (!check->ok) {
    return Emit(o, j, "The audit log does NOT verify: " + check->problem + ".", kFailed);
  }
  return Emit(o, j, "The audit log verifies: " + std::to_string(check->entries) + " entries, hash chain intact.");
}

int RunAuditLog(const Options& o) {
  auto s = Start(o);
  if (!s.ok()) return Fail(s.error(), o);
  if (o.limit < 1) return Fail(Error::BadInput("--limit", "must be at least 1"), o);
  auto log = s->store->AuditLog(o.limit);
  if (!log.ok()) return Fail(log.error(), o);
  json j = json::array();
  std::ostringstream out;
  for (const auto& e : *log) {
    j.push_back({{"seq", e.seq},
                 {"at", e.at},
                 {"actor", e.actor},
                 {"action", e.action},
                 {"subject", e.subject},
                 {"detail", e.detail},
                 {"hash", e.hash}});
    out << e.seq << "  " << e.at << "  " << e.actor << "  " << e.action << "  " << e.subject
        << (e.detail.empty() ? "" : "  " + e.detail) << "\n";
  }
  return Emit(o, {{"entries", j}}, out.str());
}

}  // namespace lenacare::cli
