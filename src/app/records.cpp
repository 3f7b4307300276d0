#include "app/records.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "app/event_checks.h"
#include "app/permissions.h"
#include "app/transaction.h"
#include "app/write_checks.h"
#include "core/text.h"
#include "course/course_json.h"
#include "course/json_input.h"
#include "course/response_json.h"
#include "fhir/fhir_export.h"

namespace lenacare::app {
namespace {

using nlohmann::json;

constexpr std::string_view kMarkerType = "marker";
// How far back the course page sets the doses marked against the pill days (a cycle's length at
// most; a presentation choice, not a clinical fact).
constexpr int kAdherenceDays = 28;

// The course-file event object a record request describes.
Result<json> EventObject(const RecordRequest& r) {
  if (r.kind == "event") {
    json e = json::parse(r.event, nullptr, false);
    if (e.is_discarded() || !e.is_object()) return Error::BadInput("json_event", "must be a JSON object");
    return e;
  }
  static const std::map<std::string, std::string> kTypes = {{"lab", "lab"},
                                                            {"dose", "dose-taken"},
                                                            {"missed", "dose-missed"},
                                                            {"hold", "hold"},
                                                            {"resume", "resume"},
                                                            {"toxicity", "toxicity"},
                                                            {"stop", "stop"},
                                                            {"pregnancy-test", "pregnancy-test"},
                                                            {"dispense", "dispense"}};
  auto type = kTypes.find(r.kind);
  if (type == kTypes.end()) return Error::BadInput("kind", "unknown kind " + Quoted(r.kind));
  json e = json::object();
  e["type"] = type->second;
  e["date"] = r.date;
  if (!r.test.empty()) e["test"] = r.test;
  if (!r.value.empty()) e["value"] = r.value;
  if (!r.lln.empty()) e["lln"] = r.lln;
  if (!r.uln.empty()) e["uln"] = r.uln;
  if (r.dose_mg) e["dose_mg"] = *r.dose_mg;
  if (!r.frequency.empty()) e["frequency"] = r.frequency;
  if (!r.days.empty()) e["days"] = r.days;
  if (!r.reason.empty()) e["reason"] = r.reason;
  if (!r.term.empty()) e["term"] = r.term;
  if (r.grade) e["grade"] = *r.grade;
  if (!r.result.empty()) e["result"] = r.result;
  if (!r.sensitivity.empty()) e["sensitivity"] = r.sensitivity;
  if (r.days_supply) e["days_supply"] = *r.days_supply;
  if (r.quantity) e["quantity"] = *r.quantity;
  return e;
}

// A reason a person gives (a confirmation, a correction, a resolution): 1 to 1000 characters.
Status CheckReason(const std::string& text, const std::string& field, const std::string& missing) {
  if (text.empty()) return Error::BadInput(field, "missing: " + missing);
  if (text.size() > 1000) return Error::BadInput(field, "at most 1000 characters");
  return Status::Ok();
}

// The "check dose" findings a confirmed write was stored over, resolved by that confirmation.
Status ResolveConfirmed(const Context& ctx, const store::PatientRecord& p, const store::EventRecord& row,
                        const WriteCheck& check) {
  for (const Problem& finding : check.confirm) {
    if (finding.code != "check-dose") continue;
    store::EventRecord r;
    r.date = ctx.clock.Today().ToString();
    r.type = std::string(store::kFindingResolved);
    r.body = json{{"type", store::kFindingResolved}, {"finding", finding.message}, {"event", row.id}}.dump();
    r.reason = row.reason;
    auto stored = ctx.store->RecordEvent(ctx.actor, p, std::move(r));
    if (!stored.ok()) return stored.error();
  }
  return Status::Ok();
}

// A stored row of the patient that may be amended or marked entered in error by this actor: a
// course event or marker, not yet replaced, that the actor's role may record.
Result<store::EventRecord> AmendableRow(const Context& ctx, const store::PatientRecord& p, int64_t id,
                                        const std::string& field) {
  auto events = ctx.store->EventsOf(p.id);
  if (!events.ok()) return events.error();
  for (const store::EventRecord& e : *events) {
    if (e.id != id) continue;
    if (e.type == store::kEnteredInError || e.type == store::kFindingResolved) {
      return Error::BadInput(field, "event " + std::to_string(id) + " is a correction, not an entry to correct");
    }
    if (e.replaced_by != 0) {
      return Error::BadInput(field, "event " + std::to_string(id) + " was already corrected by event " +
                                        std::to_string(e.replaced_by) + ": correct that one");
    }
    auto act = ActOfRow(e);
    if (!act.ok()) return act.error();
    if (Status allowed = AuthorizeFor(ctx, *act, p.ref, field); !allowed.ok()) return allowed.error();
    return e;
  }
  return Error::BadInput(field, Quoted(p.ref) + " has no event " + std::to_string(id));
}

}  // namespace

// An event checked against the patient's stored course (in the caller's transaction): the row
// to store, and what the write checks found. A lab before any course is a baseline result, REMS
// steps may come before the first course, and the course as a whole must still hold with the new
// event (no dispense before a prescription). `leave_out`: the row an amendment replaces.
Result<CheckedEvent> CheckEvent(const Context& ctx, const store::PatientRecord& p, const json& event,
                                int64_t leave_out) {
  const Knowledge& k = ctx.k;
  store::Store& st = *ctx.store;
  auto latest = st.LatestCourse(p.id);
  if (!latest.ok()) return latest.error();
  CheckedEvent out;
  store::EventRecord& row = out.row;
  row.patient_id = p.id;
  row.body = event.dump();
  auto type_text = json_input::Text(event, "event", "type", true);
  if (!type_text.ok()) return type_text.error();
  const std::string type = *type_text;
  auto act = ActOfEvent(type, event.contains("by") && event["by"].is_string() ? event["by"].get<std::string>() : "");
  if (!act.ok()) return act.error();
  if (Status allowed = AuthorizeFor(ctx, *act, p.ref); !allowed.ok()) return allowed.error();
  // The patient's facts, for the dates (a course may not exist yet).
  auto patient = ParsePatientJson(k, PatientObjectJson(p.facts, p.sex, p.birth_date), ctx.clock.Today());
  if (!patient.ok()) return patient.error().Under("patient");
  if (type == kMarkerType) {
    Status valid = CheckMarkerJson(k.units, row.body);
    if (!valid.ok()) return valid.error();
    row.date = event["date"].get<std::string>();
    row.type = type;
    row.test = event["marker"].get<std::string>();
    Event dated;
    dated.type = EventType::kLab;
    auto d = Date::Parse(row.date);
    if (!d.ok()) return d.error().Under("event.date");
    dated.date = *d;
    out.check = CheckWrite(k, nullptr, nullptr, dated, event, *patient, ctx.clock.Today());
    return out;
  }
  Event ev;
  if (!*latest) {
    EventType t;
    if (!ParseEventType(type, t) || (t != EventType::kLab && !IsProgramEvent(t))) {
      return Error::BadInput("patient",
                             Quoted(p.ref) + " has no therapy course: start one with `lenacare course start`");
    }
    Course none;
    none.start_date = Date::FromCivil(9999, 12, 31);
    auto e = ParseRecordedEventJson(k, row.body, "event", none);
    if (!e.ok()) return e.error();
    ev = std::move(e).value();
    out.check = CheckWrite(k, nullptr, nullptr, ev, event, *patient, ctx.clock.Today());
  } else {
    auto stored = st.RebuildCourse(k, p, **latest, Date::FromCivil(9999, 12, 31), leave_out);
    if (!stored.ok()) return stored.error();
    Course& c = stored.value().course;
    auto e = ParseRecordedEventJson(k, row.body, "event", c);
    if (!e.ok()) return e.error();
    ev = std::move(e).value();
    // Checked without the event, then with it added in place: after the events of its date.
    PendingWriteCheck pending = CheckBefore(k, &c, ev, event, c.patient, ctx.clock.Today());
    c.events.insert(
        std::upper_bound(c.events.begin(), c.events.end(), ev.date, [](Date d, const Event& x) { return d < x.date; }),
        ev);
    Status whole = lenacare::CheckCourse(k, c);
    if (!whole.ok()) {
      // "events[3].date" of the rebuilt course -> "event.date" of the event being recorded.
      Error err = whole.error();
      const size_t close = err.field.find(']');
      if (err.field.rfind("events[", 0) == 0 && close != std::string::npos) {
        err.field = "event" + err.field.substr(close + 1);
      }
      return err;
    }
    out.check = CheckAfter(k, std::move(pending), &c);
  }
  row.date = ev.date.ToString();
  row.type = EventTypeId(ev.type);
  if (ev.type == EventType::kLab) {
    row.test = LabTestId(ev.test);
    row.value = ev.value;
    row.lln = ev.lln;
    row.uln = ev.uln;
  }
  return out;
}

Status Gate(const WriteCheck& check, const std::string& reason, store::EventRecord& row) {
  if (!check.refused.empty()) return Error::Problems(ErrorKind::kRefused, "event", check.refused);
  if (check.confirm.empty()) {
    row.reason = reason;
    return Status::Ok();
  }
  if (reason.empty()) return Error::Problems(ErrorKind::kNeedsConfirmation, "confirm", check.confirm);
  if (Status s = CheckReason(reason, "confirm", "give the reason"); !s.ok()) return s.error();
  json warnings = json::array();
  for (const Problem& p : check.confirm) warnings.push_back({{"code", p.code}, {"message", p.message}});
  row.reason = reason;
  row.warnings = warnings.dump();
  return Status::Ok();
}

Result<store::PatientRecord> AddPatient(const Context& ctx, const AddPatientRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::PatientRecord p;
  p.ref = r.patient;
  p.name = r.name;
  p.sex = r.sex;
  p.birth_date = r.birth_date;
  if (Status allowed = Authorize(ctx, Act::kAddPatient); !allowed.ok()) return allowed.error();
  if (Status s = CheckPatientRef(p.ref, "patient"); !s.ok()) return s.error();
  if (p.name.size() > 200) return Error::BadInput("name", "longer than 200 characters");
  json facts = json::object();
  if (!r.facts.empty()) {
    facts = json::parse(r.facts, nullptr, false);
    if (facts.is_discarded() || !facts.is_object()) return Error::BadInput("facts", "must be a JSON object");
  }
  if (!r.weight.empty()) facts["weight"] = r.weight;
  for (const char* key : {"sex", "birth_date"}) {
    if (facts.contains(key)) return Error::BadInput(std::string("facts.") + key, "give it as its own option");
  }
  // The facts are checked as the course file holds them, with sex and birth date.
  auto valid = ParsePatientJson(ctx.k, PatientObjectJson(facts.dump(), p.sex, p.birth_date), ctx.clock.Today());
  if (!valid.ok()) return valid.error();
  p.facts = facts.dump();
  return ctx.store->AddPatient(ctx.actor, p);
}

Status CheckPatientRef(const std::string& ref, const std::string& field) {
  if (ref.empty()) return Error::BadInput(field, "missing (a record number or other identifier)");
  if (ref.size() > 64) return Error::BadInput(field, "longer than 64 characters");
  // The characters of a FHIR id, which every record number we have met fits.
  if (ref.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_") != std::string::npos) {
    return Error::BadInput(field, "use only letters, digits, '.', '-' and '_'");
  }
  return Status::Ok();
}

Result<store::PatientRecord> UpdatePatient(const Context& ctx, const UpdatePatientRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status allowed = Authorize(ctx, Act::kPatientFacts); !allowed.ok()) return allowed.error();
  json change = json::object();
  if (!r.facts.empty()) {
    change = json::parse(r.facts, nullptr, false);
    if (change.is_discarded() || !change.is_object()) return Error::BadInput("facts", "must be a JSON object");
  }
  for (const char* key : {"sex", "birth_date"}) {
    if (change.contains(key)) return Error::BadInput(std::string("facts.") + key, "give it as its own field");
  }
  if (r.name && r.name->size() > 200) return Error::BadInput("name", "longer than 200 characters");
  store::Store& st = *ctx.store;
  return InTransaction<store::PatientRecord>(st, [&]() -> Result<store::PatientRecord> {
    auto old = st.FindPatient(r.patient);
    if (!old.ok()) return old.error();
    store::PatientRecord p = *old;
    if (r.name) p.name = *r.name;
    if (r.sex) p.sex = *r.sex;
    if (r.birth_date) p.birth_date = *r.birth_date;
    json facts = json::parse(p.facts, nullptr, false);
    if (!facts.is_object()) facts = json::object();
    facts.merge_patch(change);
    p.facts = facts.dump();
    auto valid = ParsePatientJson(ctx.k, PatientObjectJson(p.facts, p.sex, p.birth_date), ctx.clock.Today());
    if (!valid.ok()) return valid.error().Under("facts");
    // The stored course must still read with the new facts (a REMS category that fits the sex).
    auto latest = st.LatestCourse(p.id);
    if (!latest.ok()) return latest.error();
    if (*latest) {
      auto c = ParseCourseJson(ctx.k, CourseFileJson((*latest)->header, p.facts, p.sex, p.birth_date));
      if (!c.ok()) return c.error();
    }
    bool changed = false;
    auto id = st.UpsertPatient(p, changed);
    if (!id.ok()) return id.error();
    auto describe = [](const store::PatientRecord& x) {
      return json{{"name", x.name},
                  {"sex", x.sex},
                  {"birth_date", x.birth_date},
                  {"facts", json::parse(x.facts, nullptr, false)}}
          .dump();
    };
    Status a = st.AppendAudit(ctx.actor, "patient.update", p.ref, "from " + describe(*old) + " to " + describe(p));
    if (!a.ok()) return a.error();
    return p;
  });
}

Result<std::vector<store::PatientRecord>> ListPatients(const Context& ctx) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  return ctx.store->ListPatients(ctx.actor);
}

Result<PatientPage> ListPatientsPage(const Context& ctx, int limit, const std::string& after) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (limit < 1 || limit > kLongestListPage) {
    return Error::BadInput("limit",
                           "must be a whole number of patients per page from 1 to " + std::to_string(kLongestListPage));
  }
  auto list = ctx.store->ListPatients(ctx.actor, limit + 1, after);  // one more: is there a next page?
  if (!list.ok()) return list.error();
  PatientPage page{std::move(list).value(), ""};
  if (page.patients.size() > static_cast<size_t>(limit)) {
    page.patients.resize(static_cast<size_t>(limit));
    page.next = page.patients.back().ref;
  }
  return page;
}

namespace {

// The record of a patient, read in the caller's transaction (not audited).
Result<PatientView> ReadRecord(store::Store& st, const std::string& ref) {
  auto p = st.FindPatient(ref);
  if (!p.ok()) return p.error();
  PatientView v;
  v.patient = std::move(p).value();
  auto events = st.EventsOf(v.patient.id);
  if (!events.ok()) return events.error();
  v.events = std::move(events).value();
  auto course = st.LatestCourse(v.patient.id);
  if (!course.ok()) return course.error();
  v.course = std::move(course).value();
  auto diagnoses = st.ConditionIndications(v.patient.id);
  if (!diagnoses.ok()) return diagnoses.error();
  v.diagnoses = std::move(diagnoses).value();
  return v;
}

}  // namespace

Result<PatientView> ShowPatient(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  return InRead<PatientView>(st, [&]() -> Result<PatientView> {
    auto v = ReadRecord(st, ref);
    if (!v.ok()) return v;
    Status a = st.AppendAudit(ctx.actor, "patient.read", ref, std::to_string(v->events.size()) + " events");
    if (!a.ok()) return a.error();
    return v;
  });
}

namespace {

// Stores a course header for the patient `p` after checking it with the patient's facts, in the
// caller's transaction.
Result<store::CourseRecord> StoreCourse(const Context& ctx, const store::PatientRecord& p, const std::string& header) {
  if (Status allowed = Authorize(ctx, Act::kStartCourse); !allowed.ok()) return allowed.error();
  json h = json::parse(header, nullptr, false);
  if (h.is_discarded() || !h.is_object()) return Error::BadInput("course", "is not valid JSON");
  for (const char* key : {"patient", "baseline", "events"}) {
    if (h.contains(key)) return Error::BadInput(std::string("course.") + key, "is not part of a course header");
  }
  store::CourseRecord c;
  c.header = h.dump();
  auto parsed = ParseCourseJson(ctx.k, CourseFileJson(c.header, p.facts, p.sex, p.birth_date));
  if (!parsed.ok()) return parsed.error();
  if (auto refused = CheckCourseStart(ctx.k, *parsed); !refused.empty()) {
    return Error::Problems(ErrorKind::kRefused, "course", std::move(refused));
  }
  c.indication = parsed->indication->id;
  c.start_date = parsed->start_date.ToString();
  return ctx.store->StartCourse(ctx.actor, p.ref, c);
}

}  // namespace

Result<store::CourseRecord> StartCourseFromHeader(const Context& ctx, const std::string& ref,
                                                  const std::string& header) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  return InTransaction<store::CourseRecord>(st, [&]() -> Result<store::CourseRecord> {
    auto p = st.FindPatient(ref);
    if (!p.ok()) return p.error();
    return StoreCourse(ctx, *p, header);
  });
}

Result<store::CourseRecord> StartCourse(const Context& ctx, const StartCourseRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  return InTransaction<store::CourseRecord>(st, [&]() -> Result<store::CourseRecord> {
    auto p = st.FindPatient(r.patient);
    if (!p.ok()) return p.error();
    std::string indication = r.indication;
    if (indication.empty()) {
      // One imported diagnosis that lenacare maps to an indication: use it; otherwise ask.
      auto d = st.ConditionIndications(p->id);
      if (!d.ok()) return d.error();
      if (d->size() != 1) {
        return Error::BadInput("indication", d->empty() ? "missing (no imported diagnosis maps to one)"
                                                        : "missing (the imported diagnoses map to several)");
      }
      indication = d->front();
    }
    json h = json::object();
    h["indication"] = indication;
    h["start_date"] = r.start;
    if (r.dose_mg) h["starting_dose_mg"] = *r.dose_mg;
    if (!r.frequency.empty()) h["starting_frequency"] = r.frequency;
    if (!r.days.empty()) h["starting_days"] = r.days;
    if (!r.setting.empty()) h["setting"] = r.setting;
    return StoreCourse(ctx, *p, h.dump());
  });
}

const std::vector<std::string>& RecordKinds() {
  static const std::vector<std::string> kinds = {"lab",      "dose", "missed",         "hold",     "resume",
                                                 "toxicity", "stop", "pregnancy-test", "dispense", "event"};
  return kinds;
}

Result<store::EventRecord> RecordEvent(const Context& ctx, const RecordRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  auto event = EventObject(r);
  if (!event.ok()) return event.error();
  auto recorded = InTransaction<store::EventRecord>(st, [&]() -> Result<store::EventRecord> {
    auto p = st.FindPatient(r.patient);
    if (!p.ok()) return p.error();
    if (r.replaces != 0) {
      auto target = AmendableRow(ctx, *p, r.replaces, "replaces");
      if (!target.ok()) return target.error();
      const std::string type = (*event).value("type", "");
      if (target->type != type) {
        return Error::BadInput("replaces", "event " + std::to_string(r.replaces) + " is a " + target->type +
                                               ", not a " + type + ": mark it entered in error instead");
      }
      if (Status s = CheckReason(r.correction, "correction", "say why the entry is corrected"); !s.ok()) {
        return s.error();
      }
    }
    auto checked = CheckEvent(ctx, *p, *event, r.replaces);
    if (!checked.ok()) return checked.error();
    store::EventRecord row = std::move(checked->row);
    if (Status gate = Gate(checked->check, r.confirm, row); !gate.ok()) return gate.error();
    if (r.replaces != 0) {
      row.replaces = r.replaces;
      row.reason = row.reason.empty() ? r.correction : r.correction + "; " + row.reason;
    }
    auto stored = st.RecordEvent(ctx.actor, *p, std::move(row));
    if (!stored.ok()) return stored;
    if (Status s = ResolveConfirmed(ctx, *p, *stored, checked->check); !s.ok()) return s.error();
    return stored;
  });
  if (!recorded.ok() && r.kind != "event") {
    // "event.value" -> "value": name the request's field (the event's dose_mg is the request's dose).
    Error err = recorded.error();
    if (err.field.rfind("event.", 0) == 0) err.field = err.field.substr(6);
    if (err.field == "dose_mg") err.field = "dose";
    return err;
  }
  return recorded;
}

Result<store::EventRecord> MarkEnteredInError(const Context& ctx, const CorrectionRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = CheckReason(r.reason, "reason", "say why the entry is wrong"); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  return InTransaction<store::EventRecord>(st, [&]() -> Result<store::EventRecord> {
    auto p = st.FindPatient(r.patient);
    if (!p.ok()) return p.error();
    auto target = AmendableRow(ctx, *p, r.event, "event");
    if (!target.ok()) return target.error();
    // The course must still hold without the row (a prescription a dispense rests on cannot go).
    auto latest = st.LatestCourse(p->id);
    if (!latest.ok()) return latest.error();
    if (*latest) {
      auto without = st.RebuildCourse(ctx.k, *p, **latest, Date::FromCivil(9999, 12, 31), r.event);
      if (!without.ok()) {
        return Error::Problems(ErrorKind::kRefused, "event",
                               {{"correction-breaks-course",
                                 "the course does not hold without event " + std::to_string(r.event) + ": " +
                                     without.error().Describe() + "; correct the later entries first",
                                 ""}});
      }
    }
    store::EventRecord row;
    row.date = ctx.clock.Today().ToString();
    row.type = std::string(store::kEnteredInError);
    row.body = json{{"type", store::kEnteredInError}, {"event", r.event}}.dump();
    row.replaces = r.event;
    row.reason = r.reason;
    return st.RecordEvent(ctx.actor, *p, std::move(row));
  });
}

Result<store::EventRecord> ResolveFinding(const Context& ctx, const ResolveRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status allowed = Authorize(ctx, Act::kResolveFinding); !allowed.ok()) return allowed.error();
  if (r.finding.empty() || r.finding.size() > 1000)
    return Error::BadInput("finding", "give the finding (1 to 1000 characters)");
  if (Status s = CheckReason(r.reason, "reason", "say how the finding was resolved"); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  return InTransaction<store::EventRecord>(st, [&]() -> Result<store::EventRecord> {
    auto p = st.FindPatient(r.patient);
    if (!p.ok()) return p.error();
    store::EventRecord row;
    row.date = ctx.clock.Today().ToString();
    row.type = std::string(store::kFindingResolved);
    row.body = json{{"type", store::kFindingResolved}, {"finding", r.finding}}.dump();
    row.reason = r.reason;
    return st.RecordEvent(ctx.actor, *p, std::move(row));
  });
}

Result<StatusAnswer> PatientStatus(const Context& ctx, const StatusRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  auto as_of = AsOf(ctx, r.as_of);
  if (!as_of.ok()) return as_of.error();
  store::Store& st = *ctx.store;
  return InRead<StatusAnswer>(st, [&]() -> Result<StatusAnswer> {
    auto c = st.LoadCourse(ctx.actor, ctx.k, r.patient, *as_of);
    if (!c.ok()) return c.error();
    auto check = CheckAll(ctx.k, c->course, *as_of);
    if (!check.ok()) return check.error();
    return StatusAnswer{c->patient, *as_of, c->ignored_events, std::move(check).value()};
  });
}

Result<ResponseSeries> MarkerSeries(const Knowledge& k, const std::vector<store::EventRecord>& markers, Date start,
                                    const std::string& criteria) {
  std::map<std::string, json> by_date;
  for (const store::EventRecord& m : markers) {
    json& results = by_date[m.date];
    results["date"] = m.date;
    json body = json::parse(m.body, nullptr, false);
    results[m.test] = body.is_object() ? body.value("value", "") : "";
  }
  const std::string first = start.ToString();
  json series = {{"criteria", criteria}, {"assessments", json::array()}};
  for (const auto& [date, results] : by_date) {
    if (date <= first) {
      series["baseline"] = results;
    } else {
      series["assessments"].push_back(results);
    }
  }
  return ParseResponseSeries(k.units, series.dump());
}

Result<PatientCourseView> ReadPatientCourse(const Context& ctx, const std::string& ref, const std::string& as_of) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  auto day = AsOf(ctx, as_of);
  if (!day.ok()) return day.error();
  store::Store& st = *ctx.store;
  return InRead<PatientCourseView>(st, [&]() -> Result<PatientCourseView> {
    auto record = ReadRecord(st, ref);
    if (!record.ok()) return record.error();
    PatientCourseView v;
    v.record = std::move(record).value();
    v.as_of = *day;
    if (!v.record.course) {
      v.status = Error::CannotAssess("patient", Quoted(ref) + " has no therapy course");
    } else {
      auto c = st.RebuildCourse(ctx.k, v.record.patient, *v.record.course, *day);
      if (!c.ok()) {
        v.status = c.error();
      } else {
        auto check = CheckAll(ctx.k, c->course, *day);
        if (check.ok()) {
          v.status = StatusAnswer{c->patient, *day, c->ignored_events, std::move(check).value()};
        } else {
          v.status = check.error();
        }
        v.markers = c->markers;
        v.resolved = c->resolved;
        v.adherence = Adherence(ctx.k, c->course, v.record.events, *day, kAdherenceDays);
      }
    }
    auto symptoms = st.SymptomsOf(v.record.patient.id);
    if (!symptoms.ok()) return symptoms.error();
    v.symptoms = std::move(symptoms).value();
    store::Accounts accounts(st, ctx.actor);
    auto caregivers = accounts.CaregiversOf(ref);
    if (!caregivers.ok()) return caregivers.error();
    v.caregivers = std::move(caregivers).value();
    auto invites = accounts.InvitesOf(ref);
    if (!invites.ok()) return invites.error();
    v.invites = std::move(invites).value();
    auto feed = accounts.CalendarFeedOf(ref);
    if (!feed.ok()) return feed.error();
    v.calendar_link = *feed;
    if (!v.markers.empty()) {
      auto start = Date::Parse(v.record.course->start_date);
      auto series = MarkerSeries(ctx.k, v.markers, start.ok() ? *start : *day, "IMWG-2016");
      if (series.ok()) {
        v.response = ClassifySeries(ctx.k, *series);
      } else {
        v.response = Result<ResponseResult>(series.error());
      }
    }
    Status a = st.AppendAudit(ctx.actor, "patient.read", ref, "record and course as of " + day->ToString());
    if (!a.ok()) return a.error();
    return v;
  });
}

Result<nlohmann::json> Export(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  return InTransaction<nlohmann::json>(
      st, [&]() -> Result<nlohmann::json> { return fhir::ExportPatient(st, ctx.k, ref, ctx.actor); });
}

Result<AuditVerifyAnswer> VerifyAudit(const Context& ctx) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  auto check = ctx.store->VerifyAudit();
  if (!check.ok()) return check.error();
  return AuditVerifyAnswer{std::move(check).value()};
}

Result<std::vector<store::AuditEntry>> AuditLog(const Context& ctx, int limit, int64_t before) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (limit < 1 || limit > kLongestListPage) {
    return Error::BadInput("limit", "must be a whole number of entries from 1 to " + std::to_string(kLongestListPage) +
                                        " (page back with `before`: the lowest seq shown)");
  }
  if (before < 0) return Error::BadInput("before", "must be an entry's seq (1 or more)");
  return ctx.store->AuditLog(limit, before);
}

Result<store::SymptomEntry> AddSymptom(const Context& ctx, const std::string& ref, store::SymptomEntry e) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status allowed = AuthorizeFor(ctx, Act::kSymptom, ref); !allowed.ok()) return allowed.error();
  auto date = Date::Parse(e.date);
  if (!date.ok()) return date.error().Under("date");
  if (*date > ctx.clock.Today()) {
    return Error::BadInput("date", "is after today (" + ctx.clock.Today().ToString() + ")");
  }
  if (e.symptom.empty() || e.symptom.size() > 200) return Error::BadInput("symptom", "write 1 to 200 characters");
  if (e.severity != "mild" && e.severity != "moderate" && e.severity != "severe") {
    return Error::BadInput("severity", "mild, moderate or severe");
  }
  if (e.note.size() > 1000) return Error::BadInput("note", "at most 1000 characters");
  return ctx.store->AddSymptom(ctx.actor, ref, std::move(e));
}

Result<std::vector<store::SymptomEntry>> Symptoms(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  return ctx.store->Symptoms(ctx.actor, ref);
}

Result<store::User> AddUser(const Context& ctx, const std::string& username, const std::string& role,
                            const std::string& password, const std::string& patient) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  auto r = store::ParseRole(role);
  if (!r) return Error::BadInput("role", "must be " + store::RoleNames());
  store::Accounts accounts(*ctx.store, ctx.actor);
  return accounts.AddUser(username, *r, password, patient);
}

Result<std::string> AddToken(const Context& ctx, const std::string& username, const std::string& name,
                             std::optional<int64_t> days, const store::TokenPolicy& policy) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  auto lifetime = store::TokenLifetime(days, policy);
  if (!lifetime.ok()) return lifetime.error();
  store::Accounts accounts(*ctx.store, ctx.actor);
  return accounts.AddToken(username, name, *lifetime);
}

Result<std::vector<store::TokenInfo>> ListTokens(const Context& ctx, const std::string& username) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  return store::Accounts(*ctx.store, ctx.actor).ListTokens(username);
}

Status RevokeToken(const Context& ctx, int64_t id, const std::string& owner) {
  if (Status s = NeedStore(ctx); !s.ok()) return s;
  return store::Accounts(*ctx.store, ctx.actor).RevokeToken(id, owner);
}

Status SetUserDisabled(const Context& ctx, const std::string& username, bool disabled) {
  if (Status s = NeedStore(ctx); !s.ok()) return s;
  return store::Accounts(*ctx.store, ctx.actor).SetDisabled(username, disabled);
}

Status ResetPassword(const Context& ctx, const std::string& username, const std::string& password) {
  if (Status s = NeedStore(ctx); !s.ok()) return s;
  return store::Accounts(*ctx.store, ctx.actor).ResetPassword(username, password);
}

}  // namespace lenacare::app
