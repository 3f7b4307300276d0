// The signed-in views of clinicians, pharmacists and administrators: the worklist, the list of
// patients, a patient's course page with its record forms (clinician_course.cpp) and the FHIR
// import. Every route needs a signed-in caller who may see patients (kViewPatients): anonymous
// callers get 401, patient accounts 403 (their own view is /me). Forms post with the session's
// CSRF token and record through the same code as the API (records.h).
#include <algorithm>
#include <cctype>
#include <set>

#include "app/worklist.h"
#include "core/text.h"
#include "webapp/app.h"
#include "webapp/clinician_course.h"
#include "webapp/commands.h"
#include "webapp/records.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

// 401 for anonymous callers, 403 for a role that may not see patients (patients: /me).
std::optional<http::Response> RequireClinician(const Site& site, const http::Request& req, const Caller& c) {
  if (!c.signed_in()) return Refuse(site, req, c, 401, "Sign in to see this page.");
  if (!c.May(Capability::kViewPatients)) {
    return Refuse(site, req, c, 403, "This page is for clinicians, pharmacists and administrators.");
  }
  return std::nullopt;
}

std::string ErrorAlert(const std::string& message) {
  return "<p class=\"error\" role=\"alert\">" + Escape(message) + "</p>";
}

std::string PatientLink(const std::string& ref, const std::string& name) {
  return "<a href=\"/patients/" + PathSegment(ref) + "\">" + Escape(name.empty() ? ref : name) + "</a>";
}

// ---- Worklist -----------------------------------------------------------------------------------

std::string UrgencyLabel(const std::string& u) {
  static const std::map<std::string, std::string> labels = {
      {"overdue", "Overdue"},         {"needs-human", "Needs review"}, {"hold", "On hold"},
      {"due-today", "Due today"},     {"expiring", "Expiring"},        {"due-soon", "Due soon"},
      {"fill-window", "Fill window"}, {"response", "Response"}};
  auto it = labels.find(u);
  return it == labels.end() ? u : it->second;
}

std::string WhatLabel(const std::string& w) {
  static const std::map<std::string, std::string> labels = {{"cbc", "Blood count"},
                                                            {"pregnancy-test", "Pregnancy test"},
                                                            {"authorization", "REMS authorization"},
                                                            {"next-fill", "Next fill"},
                                                            {"hold", "Therapy interrupted"},
                                                            {"response", "Response assessment"},
                                                            {"cannot-assess", "Cannot assess"},
                                                            {"check-dose", "Check dose"},
                                                            {"symptom", "Severe symptom"}};
  auto it = labels.find(w);
  return it == labels.end() ? w : it->second;
}

constexpr int kWorklistPage = 100;  // entries on a page of the worklist (the API's default is every entry)

std::string WorklistForm(const std::string& as_of, const std::string& days) {
  return "<form class=\"as-of\" method=\"get\" action=\"/worklist\"><div><label for=\"as-of\">As of</label> <input "
         "id=\"as-of\" name=\"as_of\" type=\"date\" value=\"" +
         Escape(as_of) +
         "\"></div><div><label for=\"look-ahead\">Days to look ahead</label> <input id=\"look-ahead\" "
         "name=\"look_ahead_days\" type=\"number\" min=\"0\" step=\"1\" value=\"" +
         Escape(days) + "\"></div><div><button type=\"submit\">Show</button></div></form>";
}

http::Response WorklistPage(Site& site, const http::Request& req, const Caller& c) {
  PageSpec page;
  page.title = "Worklist";
  app::WorklistRequest request;
  Status s = WorklistFields().FromForm(req.query, request);
  // A page at a time: a clinic's whole list would be a page of megabytes.
  if (request.limit == 0) request.limit = kWorklistPage;
  Result<app::Worklist> r = s.ok() ? Result<app::Worklist>(Error::Failed("", "")) : Result<app::Worklist>(s.error());
  if (s.ok()) {
    Site::Db db = site.Connect(c);
    r = app::BuildWorklist(db.ctx, request);
  }
  if (!r.ok()) {
    page.main = WorklistForm(req.Query("as_of"), req.Query("look_ahead_days")) + ErrorAlert(r.error().Describe());
    return Html(ErrorStatus(r.error()), site.Page(c, page));
  }
  const app::Worklist& w = *r;
  const std::string as_of = w.as_of.ToString(), days = std::to_string(w.look_ahead_days);
  std::string main = WorklistForm(as_of, days);
  const bool first_page = request.after.empty();
  if (first_page && w.next.empty()) {
    main += "<p>As of " + Escape(as_of) + ": " + std::to_string(w.entries.size()) + " of " +
            std::to_string(w.patients) + " patients with a course have something to do (looking " + Escape(days) +
            " days ahead), most urgent first.</p>";
  } else {
    main += "<p>As of " + Escape(as_of) + ", of " + std::to_string(w.patients) +
            " patients with a course, those with something to do (looking " + Escape(days) +
            " days ahead), most urgent first, " + std::to_string(request.limit) + " to a page" +
            (first_page ? "" : " (a later page)") + ".</p>";
  }
  if (w.entries.empty()) main += first_page ? "<p>Nothing to do.</p>" : "<p>Nothing more to do.</p>";
  main += "<ol class=\"worklist\">";
  SourceList src;
  for (const app::WorkEntry& e : w.entries) {
    const std::string& ref = e.patient.ref;
    const Indication* ind = site.k().FindIndication(e.indication);
    main += "<li><h2>" + PatientLink(ref, e.patient.name) + " <span class=\"hint\">" + Escape(ref) +
            (ind != nullptr ? " · " + Escape(ind->name) : "") + "</span></h2><ul>";
    for (const app::WorkItem& i : e.items) {
      const std::string urgency(app::UrgencyId(i.urgency));
      const std::string due = i.due ? i.due->ToString() : "";
      main += "<li><span class=\"tag " + Escape(urgency) + "\">" + Escape(UrgencyLabel(urgency)) + "</span> <strong>" +
              Escape(WhatLabel(i.what)) + "</strong>" + (due.empty() ? "" : " due " + Escape(due)) +
              (i.detail.empty() ? "" : " — " + Escape(i.detail));
      if (!i.source.empty()) main += "<br><span class=\"hint\">Source: " + Escape(i.source) + "</span>";
      if (!i.finding.empty()) {
        main += " <a href=\"/patients/" + PathSegment(ref) + (i.what == "symptom" ? "#symptoms" : "#status") +
                "\">Review and resolve</a>";
      }
      if (!i.verified) main += " <span class=\"unverified\">(unverified: confirm against the current label)</span>";
      main += "</li>";
      src.Add(i.source, i.verified);
    }
    main += "</ul></li>";
  }
  main += "</ol>";
  const std::string here = "/worklist?as_of=" + PathSegment(as_of) + "&look_ahead_days=" + PathSegment(days) +
                           "&limit=" + std::to_string(request.limit);
  if (!first_page || !w.next.empty()) {
    main += "<nav class=\"pages\" aria-label=\"Worklist pages\">";
    if (!first_page) main += "<a href=\"" + Escape(here) + "\">First page</a> ";
    if (!w.next.empty())
      main += "<a rel=\"next\" href=\"" + Escape(here + "&after=" + PathSegment(w.next)) + "\">Next page</a>";
    main += "</nav>";
  }
  page.main = std::move(main);
  page.sources = std::move(src.list);
  page.unverified = src.unverified;
  return Html(200, site.Page(c, page));
}

// ---- Patients -----------------------------------------------------------------------------------

// The new-patient form of the patients page (for the roles that add patients).
std::string NewPatientForm(const Caller& c, const Form* values, const std::string& error) {
  auto value = [&](const std::string& name) { return values == nullptr ? "" : Escape(Field(*values, name)); };
  auto input = [&](const std::string& name, const std::string& label, const std::string& type, const std::string& hint,
                   bool required) {
    return "<div><label for=\"patient-" + name + "\">" + label +
           (hint.empty() ? "" : " <span class=\"hint\">" + hint + "</span>") + "</label><input id=\"patient-" + name +
           "\" name=\"" + name + "\" type=\"" + type + "\" value=\"" + value(name) + "\"" +
           (required ? " required" : "") + "></div>";
  };
  const std::string sex = values == nullptr ? "" : Field(*values, "sex");
  std::string out = "<section aria-labelledby=\"form-patient-h\"><h2 id=\"form-patient-h\">Add a patient</h2>";
  out += "<form id=\"form-patient\" class=\"stack\" method=\"post\" action=\"/patients\">" + CsrfField(c);
  if (!error.empty()) out += "<p class=\"error\" role=\"alert\" id=\"form-patient-error\">" + Escape(error) + "</p>";
  out += input("patient", "Record number", "text", "(letters, digits, '.', '-' and '_')", true) +
         input("name", "Name", "text", "", false) +
         "<div><label for=\"patient-sex\">Sex</label><select id=\"patient-sex\" name=\"sex\"><option value=\"\"" +
         (sex.empty() ? " selected" : "") + ">Not recorded</option><option value=\"female\"" +
         (sex == "female" ? " selected" : "") + ">Female</option><option value=\"male\"" +
         (sex == "male" ? " selected" : "") + ">Male</option></select></div>" +
         input("birth_date", "Birth date", "date", "", false) +
         input("weight", "Weight", "text", "(with its unit, e.g. 70 kg)", false) +
         "<div><button type=\"submit\">Add patient</button></div></form></section>";
  return out;
}

http::Response PatientsPage(Site& site, const Caller& c, int status = 200, const Form* values = nullptr,
                            const std::string& error = "") {
  PageSpec page;
  page.title = "Patients";
  Result<std::vector<store::PatientRecord>> r = Error::Failed("", "");
  {
    Site::Db db = site.Connect(c);
    r = app::ListPatients(db.ctx);
  }
  if (!r.ok()) {
    page.main = ErrorAlert(r.error().Describe());
    return Html(ErrorStatus(r.error()), site.Page(c, page));
  }
  const std::vector<store::PatientRecord>& list = *r;
  std::string main = "<p>" + std::to_string(list.size()) + " patients.</p>";
  if (!list.empty()) {
    main +=
        "<table tabindex=\"0\"><caption class=\"visually-hidden\">Patients</caption><thead><tr><th "
        "scope=\"col\">Record</th><th "
        "scope=\"col\">Name</th><th scope=\"col\">Sex</th><th scope=\"col\">Born</th></tr></thead><tbody>";
    for (const store::PatientRecord& p : list) {
      main += "<tr><th scope=\"row\">" + PatientLink(p.ref, p.ref) + "</th><td>" + Escape(p.name) + "</td><td>" +
              Escape(p.sex) + "</td><td>" + Escape(p.birth_date) + "</td></tr>";
    }
    main += "</tbody></table>";
  }
  if (c.MayDo(app::Act::kAddPatient)) main += NewPatientForm(c, values, error);
  if (!error.empty()) {
    main =
        "<div class=\"error-summary\" id=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus><h2>Not "
        "added</h2><ul><li><a href=\"#form-patient\">" +
        Escape(error) + "</a></li></ul></div>" + main;
  }
  page.main = std::move(main);
  return Html(status, site.Page(c, page));
}

// ---- Recording ----------------------------------------------------------------------------------

std::string RecordedFlash(const std::string& kind, const std::string& as) {
  static const std::map<std::string, std::string> flashes = {{"lab", "Recorded the lab result."},
                                                             {"hold", "Recorded the hold."},
                                                             {"stop", "Recorded the stop."},
                                                             {"toxicity", "Recorded the toxicity."},
                                                             {"pregnancy-test", "Recorded the pregnancy test."},
                                                             {"marker", "Recorded the response marker."},
                                                             {"prescription", "Recorded the prescription."},
                                                             {"authorization", "Recorded the REMS authorization."},
                                                             {"counseling", "Recorded the counselling."},
                                                             {"confirmation", "Recorded the confirmation number."},
                                                             {"dispense", "Recorded the dispense."},
                                                             {"rems-facts", "Saved the REMS facts."},
                                                             {"course", "Started the course."},
                                                             {"entered-in-error", "Marked the entry entered in error."},
                                                             {"resolve", "Resolved the finding."},
                                                             {"patient", "Added the patient."}};
  if (kind == "resume") return as == "dose-change" ? "Recorded the dose change." : "Recorded the resumption.";
  auto it = flashes.find(kind);
  return it == flashes.end() ? "" : it->second;
}

// The field an error names, as the form spells it ("event.days_supply" is "days_supply"; a dose
// change's "event.dose_mg" is the form's "dose").
std::string FormField(std::string field) {
  if (field.rfind("event.", 0) == 0) field = field.substr(6);
  return field == "dose_mg" ? "dose" : field;
}

using Form = std::multimap<std::string, std::string>;

// The fields a form must have, each reported when missing (all of them, not only the first).
const std::vector<std::string>& RequiredFields(const std::string& kind) {
  static const std::map<std::string, std::vector<std::string>> required = {
      {"lab", {"date", "test", "value"}},
      {"resume", {"date"}},
      {"hold", {"date"}},
      {"stop", {"date", "reason"}},
      {"toxicity", {"date", "term", "grade"}},
      {"pregnancy-test", {"date", "result"}},
      {"marker", {"date", "marker", "value"}},
      {"prescription", {"date", "days_supply", "refills", "authorization_number", "risk_category"}},
      {"authorization", {"date", "number"}},
      {"counseling", {"date", "by"}},
      {"confirmation", {"date", "number"}},
      {"dispense", {"date", "days_supply"}},
      {"course", {"indication", "start", "dose"}},
      {"entered-in-error", {"event", "reason"}},
      {"resolve", {"finding", "reason"}},
      {"patient", {"patient"}}};
  static const std::vector<std::string> none;
  auto it = required.find(kind);
  return it == required.end() ? none : it->second;
}

// A course-file event of `type` from a form's fields: whole numbers as numbers, the rest as text.
Status EventFromForm(const std::string& type, const Form& form, app::RecordRequest& r) {
  static const std::set<std::string> kWhole = {"days_supply", "refills", "quantity", "grade"};
  static const std::set<std::string> kSkip = {"csrf", "form", "confirm", "change"};
  json e = {{"type", type}};
  for (const auto& [name, value] : form) {
    if (kSkip.count(name) || value.empty()) continue;
    if (name == "dose") {
      double mg = 0;
      size_t used = 0;
      try {
        mg = std::stod(value, &used);
      } catch (...) {
        used = 0;
      }
      if (used == 0 || used != value.size()) return Error::BadInput("dose", Quoted(value) + " is not a number");
      e["dose_mg"] = mg;
    } else if (kWhole.count(name)) {
      if (value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos) {
        return Error::BadInput(name, Quoted(value) + " is not a whole number");
      }
      e[name] = std::stoi(value);
    } else {
      e[name] = value;
    }
  }
  r.kind = "event";
  r.event = e.dump();
  return Status::Ok();
}

// The result of one form's write: a redirect to the page, or the page with the form's problems.
struct Outcome {
  Status status = Status::Ok();
  std::string flash_as;  // "dose-change" for the flash of a dose change
};

Outcome RunForm(Site& site, const Caller& c, const std::string& ref, const std::string& kind, const Form& form) {
  Outcome out;
  const std::string confirm = Field(form, "confirm");
  if (kind == "rems-facts") {
    app::UpdatePatientRequest r;
    r.patient = ref;
    json facts = json::object();
    const std::string category = Field(form, "rems_category"), can = Field(form, "can_become_pregnant");
    facts["rems_category"] = category.empty() ? json(nullptr) : json(category);
    facts["can_become_pregnant"] = can.empty() ? json(nullptr) : json(can == "yes");
    if (!can.empty() && can != "yes" && can != "no") {
      out.status = Error::BadInput("can_become_pregnant", "yes, no or not recorded");
      return out;
    }
    r.facts = facts.dump();
    Site::Db db = site.Connect(c);
    auto updated = app::UpdatePatient(db.ctx, r);
    if (!updated.ok()) out.status = updated.error();
    return out;
  }
  if (kind == "course") {
    app::StartCourseRequest r;
    Status read = CourseFields().FromForm(form, r, {"csrf", "form"});
    if (!read.ok()) {
      out.status = read;
      return out;
    }
    r.patient = ref;
    Site::Db db = site.Connect(c);
    auto started = app::StartCourse(db.ctx, r);
    if (!started.ok()) out.status = started.error();
    return out;
  }
  if (kind == "entered-in-error") {
    app::CorrectionRequest r;
    r.patient = ref;
    const std::string id = Field(form, "event");
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
      out.status = Error::BadInput("event", Quoted(id) + " is not an event id");
      return out;
    }
    r.event = std::stoll(id);
    r.reason = Field(form, "reason");
    Site::Db db = site.Connect(c);
    auto marked = app::MarkEnteredInError(db.ctx, r);
    if (!marked.ok()) out.status = marked.error();
    return out;
  }
  if (kind == "resolve") {
    Site::Db db = site.Connect(c);
    auto resolved = app::ResolveFinding(db.ctx, {ref, Field(form, "finding"), Field(form, "reason")});
    if (!resolved.ok()) out.status = resolved.error();
    return out;
  }
  app::RecordRequest request;
  request.patient = ref;
  request.kind = kind;
  Status read = Status::Ok();
  static const std::set<std::string> kEvents = {"marker", "prescription", "authorization", "counseling",
                                                "confirmation"};
  if (kind == "resume" && Field(form, "change") == "dose-change") {
    out.flash_as = "dose-change";
    read = EventFromForm("dose-change", form, request);
    if (read.ok() && json::parse(request.event).count("dose_mg") == 0) {
      read = Error::BadInput("dose", "missing: a dose change needs the new dose");
    }
  } else if (kEvents.count(kind)) {
    read = EventFromForm(kind, form, request);
  } else {
    read = RecordFields(kind).FromForm(form, request, {"csrf", "form", "confirm", "change"});
  }
  if (!read.ok()) {
    out.status = read;
    return out;
  }
  request.confirm = confirm;
  Result<store::EventRecord> r = Record(site, c, request);
  if (!r.ok()) out.status = r.error();
  return out;
}

http::Response RecordPost(Site& site, const http::Request& req, const Caller& c, const std::string& ref,
                          const std::string& kind) {
  if (auto refuse = RequireClinician(site, req, c)) return *refuse;
  const Form form = FormFields(req);
  if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site: reload the page.");
  FailedForm failed;
  failed.kind = kind;
  failed.values = form;
  // Every required field that is missing, at once.
  std::vector<std::string> missing;
  for (const std::string& name : RequiredFields(kind)) {
    if (Field(form, name).empty()) missing.push_back(name);
  }
  Outcome outcome;
  if (missing.empty()) {
    outcome = RunForm(site, c, ref, kind, form);
  } else {
    std::vector<Problem> problems;
    for (std::string name : missing) {
      std::replace(name.begin(), name.end(), '_', ' ');
      problems.push_back({"missing", name + ": missing", ""});
    }
    failed.field = missing.front();
    failed.message = failed.field + ": missing";
    if (missing.size() > 1) failed.problems = std::move(problems);
    return CoursePage(site, req, c, ref, "", 400, "", &failed);
  }
  if (outcome.status.ok()) {
    return Redirect("/patients/" + PathSegment(ref) + "?recorded=" + kind +
                    (outcome.flash_as.empty() ? "" : "&as=" + outcome.flash_as) + "#record");
  }
  const Error& e = outcome.status.error();
  if (e.kind == ErrorKind::kBadInput && e.field == "patient" && e.message.rfind("no patient", 0) == 0) {
    return Refuse(site, req, c, 404, "There is no patient " + Quoted(ref) + ".");
  }
  if (e.kind == ErrorKind::kForbidden) return Refuse(site, req, c, 403, "Not recorded: " + e.message + ".");
  failed.field = FormField(e.field);
  failed.error = e.kind;
  failed.problems = e.problems;
  Error named = e;
  named.field = failed.field;
  failed.message = named.Describe();
  return CoursePage(site, req, c, ref, "", ErrorStatus(e), "", &failed);
}

// The page's own form posts (/patients/{ref} with form=<kind>).
http::Response PagePost(Site& site, const http::Request& req, const Caller& c, const std::string& ref) {
  if (auto refuse = RequireClinician(site, req, c)) return *refuse;
  const Form form = FormFields(req);
  if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site: reload the page.");
  const std::string kind = Field(form, "form");
  for (const char* k : kRecordKinds) {
    if (kind == k) return RecordPost(site, req, c, ref, kind);
  }
  return Refuse(site, req, c, 400, "form: " + Quoted(kind) + " is not a form of this page.");
}

// ---- FHIR import --------------------------------------------------------------------------------

struct Part {
  std::string name, filename, content_type, content;
};

// The parts of a multipart/form-data body (RFC 7578), or an error naming what is wrong.
Result<std::vector<Part>> MultipartParts(const http::Request& req) {
  const std::string type = req.Header("content-type");
  if (type.rfind("multipart/form-data", 0) != 0) {
    return Error::BadInput("content-type", "send the file from the import form (multipart/form-data)");
  }
  size_t at = type.find("boundary=");
  if (at == std::string::npos) return Error::BadInput("content-type", "no boundary");
  std::string boundary = type.substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
    boundary = boundary.substr(1, boundary.size() - 2);
  }
  if (boundary.empty() || boundary.size() > 200) return Error::BadInput("content-type", "bad boundary");
  const std::string delimiter = "--" + boundary;
  const std::string& body = req.body;
  size_t pos = body.find(delimiter);
  if (pos == std::string::npos) return Error::BadInput("body", "no form parts");
  std::vector<Part> parts;
  while (true) {
    pos += delimiter.size();
    if (body.compare(pos, 2, "--") == 0) break;  // the closing delimiter
    if (body.compare(pos, 2, "\r\n") != 0) return Error::BadInput("body", "malformed form part");
    pos += 2;
    const size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string::npos) return Error::BadInput("body", "malformed form part headers");
    Part part;
    size_t line = pos;
    while (line < headers_end) {
      size_t eol = body.find("\r\n", line);
      if (eol == std::string::npos || eol > headers_end) eol = headers_end;
      const std::string header = body.substr(line, eol - line);
      std::string lower = header;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (lower.rfind("content-disposition:", 0) == 0) {
        auto param = [&](const std::string& key) -> std::string {
          const size_t k = lower.find("; " + key + "=\"");
          if (k == std::string::npos) return "";
          const size_t begin = k + key.size() + 4;
          const size_t end = header.find('"', begin);
          return end == std::string::npos ? "" : header.substr(begin, end - begin);
        };
        part.name = param("name");
        part.filename = param("filename");
      } else if (lower.rfind("content-type:", 0) == 0) {
        part.content_type = lower.substr(13);
        part.content_type.erase(0, part.content_type.find_first_not_of(' '));
      }
      line = eol + 2;
    }
    const size_t content = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, content);
    if (next == std::string::npos) return Error::BadInput("body", "the form part is not closed");
    part.content = body.substr(content, next - content);
    parts.push_back(std::move(part));
    pos = next + 2;
  }
  return parts;
}

std::string ImportForm(const Caller& c) {
  return "<form id=\"form-import\" class=\"stack\" method=\"post\" action=\"/import\" "
         "enctype=\"multipart/form-data\">" +
         CsrfField(c) +
         "<div><label for=\"import-file\">FHIR file <span class=\"hint\">(a resource or Bundle as JSON, or Bulk "
         "Data NDJSON: .ndjson)</span></label><input id=\"import-file\" name=\"file\" type=\"file\" required "
         "accept=\".json,.ndjson,application/json,application/fhir+json,application/x-ndjson\"></div>"
         "<div><button type=\"submit\">Import</button></div></form>";
}

http::Response ImportPage(Site& site, const Caller& c, int status, const std::string& result) {
  PageSpec page;
  page.title = "Import FHIR records";
  page.main =
      "<p>Patients, diagnoses, lab results (Observation with LOINC codes), lenalidomide prescriptions and "
      "dispenses (MedicationRequest, MedicationDispense with RxNorm codes). Records already stored are not "
      "written twice.</p>" +
      result + ImportForm(c);
  return Html(status, site.Page(c, page));
}

// An importer problem names the upload ("upload.ndjson:3: ..."): name the file as the user chose it.
std::string ProblemText(const std::string& problem, const std::string& filename) {
  const std::string name = filename.empty() ? "the file" : filename;
  std::string out = problem;
  for (const std::string temp : {"upload.ndjson", "upload.json"}) {
    for (size_t at = out.find(temp); at != std::string::npos; at = out.find(temp, at)) {
      if (at > 0 && std::isalnum(static_cast<unsigned char>(out[at - 1]))) {
        at += temp.size();
        continue;
      }
      out.replace(at, temp.size(), name);
      at += name.size();
    }
  }
  return out;
}

std::string ImportSummary(const app::ImportSummary& sum, const std::string& filename) {
  std::string out =
      "<section id=\"import-summary\" aria-labelledby=\"import-h\"><h2 id=\"import-h\">Import "
      "summary</h2><table tabindex=\"0\"><caption class=\"visually-hidden\">Import summary</caption><tbody>";
  const std::pair<const char*, int64_t> rows[] = {{"Files", sum.files},      {"Resources read", sum.resources},
                                                  {"Written", sum.written},  {"Already stored", sum.unchanged},
                                                  {"Not used", sum.skipped}, {"Invalid", sum.invalid}};
  for (const auto& [label, n] : rows) {
    out += "<tr><th scope=\"row\">" + std::string(label) + "</th><td>" + std::to_string(n) + "</td></tr>";
  }
  out += "</tbody></table>";
  if (!sum.skipped_by_reason.empty()) {
    out += "<h3>Not used</h3><ul>";
    for (const auto& [reason, n] : sum.skipped_by_reason) {
      out += "<li>" + std::to_string(n) + " " + Escape(reason) + "</li>";
    }
    out += "</ul>";
  }
  if (!sum.problems.empty()) {
    out += "<h3>Invalid</h3><ul>";
    for (const std::string& p : sum.problems) out += "<li>" + Escape(ProblemText(p, filename)) + "</li>";
    out += "</ul>";
  }
  return out + "</section>";
}

bool IsNdjson(const Part& p) {
  const std::string& f = p.filename;
  return p.content_type.find("ndjson") != std::string::npos ||
         (f.size() >= 7 && f.compare(f.size() - 7, 7, ".ndjson") == 0);
}

http::Response ImportPost(Site& site, const http::Request& req, const Caller& c) {
  if (auto refuse = RequireClinician(site, req, c)) return *refuse;
  if (!c.MayDo(app::Act::kImport)) return Refuse(site, req, c, 403, "Your role may not import records.");
  if (req.body.size() > site.options.import_limit) {
    return ImportPage(site, c, 413,
                      ErrorAlert("file: larger than the import limit of " +
                                 std::to_string(site.options.import_limit >> 20) + " MiB"));
  }
  auto parts = MultipartParts(req);
  std::multimap<std::string, std::string> fields;
  const Part* file = nullptr;
  if (parts.ok()) {
    for (const Part& p : *parts) {
      if (p.name == "csrf") fields.emplace("csrf", p.content);
      if (p.name == "file" && file == nullptr) file = &p;
    }
  }
  // The CSRF check comes first: a request from another site learns nothing of the parser.
  if (!CsrfOk(c, fields)) return Refuse(site, req, c, 403, "The form was not sent from this site: reload the page.");
  if (!parts.ok()) return ImportPage(site, c, 400, ErrorAlert(parts.error().Describe()));
  if (file == nullptr || file->content.empty()) {
    return ImportPage(site, c, 400, ErrorAlert("file: missing: choose a FHIR file to import"));
  }
  auto imported = ImportUpload(site, c, file->content, IsNdjson(*file));
  if (!imported.ok()) {
    const Error& e = imported.error();
    return ImportPage(site, c, ErrorStatus(e),
                      ErrorAlert((e.field.empty() ? "" : e.field + ": ") + ProblemText(e.message, file->filename)));
  }
  const bool clean = imported->outcome() == app::Outcome::kAnswered;
  std::string result;
  if (!clean) result = ErrorAlert("Some resources are invalid and were not imported: see the list below.");
  return ImportPage(site, c, clean ? 200 : 400, result + ImportSummary(imported->summary, file->filename));
}

}  // namespace

void AddClinicianViews(Site& site, Router& router) {
  router.Add("GET", "/worklist", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequireClinician(site, req, c)) return *refuse;
    return WorklistPage(site, req, c);
  });

  router.Add("GET", "/patients", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequireClinician(site, req, c)) return *refuse;
    return PatientsPage(site, c);
  });

  router.Add("GET", "/patients/{ref}", [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
    if (auto refuse = RequireClinician(site, req, c)) return *refuse;
    return CoursePage(site, req, c, p.at("ref"), req.Query("as_of"), 200,
                      RecordedFlash(req.Query("recorded"), req.Query("as")), nullptr);
  });

  router.Add("POST", "/patients", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequireClinician(site, req, c)) return *refuse;
    const Form form = FormFields(req);
    if (!CsrfOk(c, form)) return Refuse(site, req, c, 403, "The form was not sent from this site: reload the page.");
    app::AddPatientRequest r;
    Status read = PatientFields().FromForm(form, r);
    Result<store::PatientRecord> added =
        read.ok() ? Result<store::PatientRecord>(Error::Failed("", "")) : Result<store::PatientRecord>(read.error());
    if (read.ok()) {
      Site::Db db = site.Connect(c);
      added = app::AddPatient(db.ctx, r);
    }
    if (added.ok()) return Redirect("/patients/" + PathSegment(added->ref) + "?recorded=patient");
    if (added.error().kind == ErrorKind::kForbidden) {
      return Refuse(site, req, c, 403, "Not added: " + added.error().message + ".");
    }
    return PatientsPage(site, c, ErrorStatus(added.error()), &form, added.error().Describe());
  });

  router.Add("POST", "/patients/{ref}", [&site](const http::Request& req, const RouteParams& p, const Caller& c) {
    return PagePost(site, req, c, p.at("ref"));
  });

  for (const char* kind : kRecordKinds) {
    const std::string k = kind;
    router.Add("POST", "/patients/{ref}/" + k,
               [&site, k](const http::Request& req, const RouteParams& p, const Caller& c) {
                 return RecordPost(site, req, c, p.at("ref"), k);
               });
  }

  router.Add("GET", "/import", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    if (auto refuse = RequireClinician(site, req, c)) return *refuse;
    if (!c.MayDo(app::Act::kImport)) return Refuse(site, req, c, 403, "Your role may not import records.");
    return ImportPage(site, c, 200, "");
  });

  router.Add("POST", "/import", [&site](const http::Request& req, const RouteParams&, const Caller& c) {
    return ImportPost(site, req, c);
  });
}

}  // namespace lenacare::webapp
