// The public calculators: creatinine clearance, starting dose, what to do after a low blood count,
// clot risk and a missed dose. Each is a GET form that submits to its own URL (a result can be
// bookmarked; nothing is stored, so no CSRF token), reads the query into the typed request of the
// use case (src/app) with the same field table as the API (webapp/commands.h), and shows the
// engine's typed answer with its sources. No clinical number is computed here.
//
// For browser tests, the main figure of an answer is the element with id="answer"; its
// data-value holds the JSON text of the value the engine returned (crcl_ml_min, dose_mg,
// impede_vte.score, action, status), the same as `lenacare <command> --json` gives.
#include <algorithm>
#include <charconv>

#include "core/quantity.h"
#include "core/text.h"
#include "knowledge/citation.h"
#include "knowledge/safety.h"
#include "webapp/app.h"
#include "webapp/commands.h"
#include "wire/json.h"
#include "wire/text.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;
using Query = std::multimap<std::string, std::string>;

// --- Forms ---------------------------------------------------------------------------------------

struct Input {
  enum class Kind { kText, kWholeNumber, kNumber, kDate, kSelect, kCheckbox };
  std::string name, label, hint;
  Kind kind = Kind::kText;
  std::vector<std::pair<std::string, std::string>> choices;  // select: value, label
  bool required = false;
};

constexpr const char* kErrorId = "calc-error";

bool Checked(const std::string& v) { return v == "on" || v == "true" || v == "1"; }

// One labelled input, its value kept from the query; marked invalid when the error names it.
std::string InputHtml(const Input& in, const Query& q, const std::string& invalid) {
  const std::string id = "in-" + in.name;
  const std::string value = Field(q, in.name);
  const bool bad = invalid == in.name;
  std::string described = in.hint.empty() ? "" : id + "-hint";
  if (bad) described += std::string(described.empty() ? "" : " ") + kErrorId;
  std::string attrs = " id=\"" + id + "\" name=\"" + Escape(in.name) + "\"";
  if (!described.empty()) attrs += " aria-describedby=\"" + described + "\"";
  if (bad) attrs += " aria-invalid=\"true\"";
  if (in.required) attrs += " aria-required=\"true\"";
  const std::string hint =
      in.hint.empty() ? "" : "<span class=\"hint\" id=\"" + id + "-hint\">" + Escape(in.hint) + "</span>";
  const std::string label = Escape(in.label) + (in.required ? " (required)" : "");
  switch (in.kind) {
    case Input::Kind::kCheckbox:
      return "<p><label><input type=\"checkbox\" value=\"on\"" + attrs + (Checked(value) ? " checked" : "") + "> " +
             label + "</label>" + hint + "</p>";
    case Input::Kind::kSelect: {
      std::string options;
      for (const auto& [v, text] : in.choices) {
        options +=
            "<option value=\"" + Escape(v) + "\"" + (v == value ? " selected" : "") + ">" + Escape(text) + "</option>";
      }
      return "<p><label for=\"" + id + "\">" + label + "</label>" + hint + "<select" + attrs + ">" + options +
             "</select></p>";
    }
    case Input::Kind::kWholeNumber:
      attrs += " inputmode=\"numeric\"";
      break;
    case Input::Kind::kNumber:
      attrs += " inputmode=\"decimal\"";
      break;
    case Input::Kind::kDate:
      attrs += " type=\"date\"";
      break;
    case Input::Kind::kText:
      break;
  }
  if (in.kind != Input::Kind::kDate) attrs += " type=\"text\"";
  return "<p><label for=\"" + id + "\">" + label + "</label>" + hint + "<input" + attrs + " value=\"" + Escape(value) +
         "\" autocomplete=\"off\"></p>";
}

std::string Inputs(const std::vector<Input>& inputs, const Query& q, const std::string& invalid) {
  std::string out;
  for (const Input& in : inputs) out += InputHtml(in, q, invalid);
  return out;
}

std::string Fieldset(const std::string& legend, const std::string& intro, const std::string& inputs) {
  return "<fieldset><legend>" + Escape(legend) + "</legend>" + (intro.empty() ? "" : "<p>" + Escape(intro) + "</p>") +
         inputs + "</fieldset>";
}

std::string Form(const std::string& path, const std::string& inputs) {
  return "<h2>Inputs</h2><form class=\"stack\" method=\"get\" action=\"" + path + "\">" + inputs +
         "<p><button type=\"submit\">Calculate</button></p></form>";
}

// --- Answers -------------------------------------------------------------------------------------

void AddSource(std::vector<std::string>& sources, const std::string& s) {
  if (!s.empty() && std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
}

// What a calculator page shows above its form: nothing, the engine's answer or an error.
struct Outcome {
  int status = 200;
  std::string html;
  std::string invalid;  // the input the error names
  std::vector<std::string> sources;
  bool unverified = false;
  bool answered = false;
};

Outcome ErrorOutcome(const Error& e, const std::string& field) {
  Outcome out;
  out.status = e.kind == ErrorKind::kBadInput ? 400 : e.kind == ErrorKind::kCannotAssess ? 422 : 500;
  out.invalid = field;
  const char* heading = e.kind == ErrorKind::kBadInput       ? "Check the input"
                        : e.kind == ErrorKind::kCannotAssess ? "Cannot assess"
                                                             : "The calculator failed";
  out.html = "<section aria-labelledby=\"answer-heading\"><h2 id=\"answer-heading\">" + std::string(heading) +
             "</h2><div class=\"error\" role=\"alert\" id=\"" + kErrorId + "\"><p>" +
             (field.empty() ? "" : "<strong>" + Escape(field) + "</strong>: ") + Escape(e.message) +
             "</p></div></section>";
  return out;
}

// The engine's answer: the headline with the main figure (id="answer", data-value = its JSON,
// as `lenacare <command> --json` gives it), further lines, the answer's text, its sources.
Outcome AnswerOutcome(const SourceList& sources, const std::string& text, const std::string& headline,
                      const json& value, const std::vector<std::string>& more = {}) {
  Outcome out;
  out.answered = true;
  out.sources = sources.list;
  out.unverified = sources.unverified;
  out.html = "<section class=\"answer\" aria-labelledby=\"answer-heading\"><h2 id=\"answer-heading\">Answer</h2>" +
             std::string("<p class=\"headline\" id=\"answer\" data-value=\"") + Escape(value.dump()) + "\">" +
             Escape(headline) + "</p>";
  for (const std::string& line : more) out.html += "<p>" + Escape(line) + "</p>";
  if (out.unverified) {
    out.html += "<p class=\"unverified\">Part of this answer rests on a fact marked " + std::string(kUnverifiedSuffix) +
                ".</p>";
  }
  out.html += "<h3>In full</h3>" + TextBlock(text) + "</section>";
  return out;
}

// A calculator's request read from the query with the API's field table, then its use case run.
template <typename Request, typename Call>
auto Calculate(Site& site, const Caller& caller, const Fields<Request>& fields, const Query& q, Call call)
    -> decltype(call(site.Calculate(caller), std::declval<const Request&>())) {
  Request r;
  Status s = fields.FromForm(q, r);
  if (!s.ok()) return s.error();
  return call(site.Calculate(caller), r);
}

void AddNotes(SourceList& src, const std::vector<Note>& notes) {
  for (const Note& n : notes) src.Add(n.source, n.verified);
}

// --- Pages ---------------------------------------------------------------------------------------

struct Calculator {
  const char* slug;
  const char* title;
  const char* summary;
};

const Calculator kCalculators[] = {
    {"crcl", "Creatinine clearance",
     "Cockcroft-Gault creatinine clearance from age, sex, weight and serum creatinine (kg or lb, mg/dL or "
     "umol/L)."},
    {"start-dose", "Starting dose",
     "The label's starting dose and schedule for an indication and a kidney function (or dialysis), with the "
     "capsules for one cycle."},
    {"low-count", "After a low blood count",
     "What the label says to do when the neutrophils (ANC) or platelets fall: hold, keep going, or resume, and at "
     "which dose."},
    {"vte", "Clot risk",
     "The IMPEDE VTE score and the IMWG 2008 risk model, beside the label's thromboprophylaxis recommendation."},
    {"missed-dose", "Missed dose", "The 12-hour rule: take a late dose now, or skip it and take the next as usual."},
};

std::string CalculatorPath(const std::string& slug) { return "/calculators/" + slug; }

http::Response Render(Site& site, const Caller& caller, const std::string& title, const std::string& description,
                      const std::string& main, const Outcome& out, const std::vector<std::string>& default_sources,
                      bool default_unverified) {
  PageSpec page;
  page.title = title;
  page.description = description;
  page.main = main;
  if (out.answered) {
    page.sources = out.sources;
    page.unverified = out.unverified;
  }
  if (page.sources.empty()) {
    page.sources = default_sources;
    page.unverified = default_unverified;
  }
  return Html(out.status, site.Page(caller, page));
}

std::vector<std::pair<std::string, std::string>> IndicationChoices(const Knowledge& k) {
  std::vector<std::pair<std::string, std::string>> out = {{"", "Choose an indication"}};
  for (const Indication& ind : k.indications) out.emplace_back(ind.id, ind.name + " (" + ind.id + ")");
  return out;
}

const std::vector<std::pair<std::string, std::string>> kSexChoices = {
    {"", "Choose"}, {"female", "Female"}, {"male", "Male"}};

std::vector<Input> CockcroftGaultInputs(bool required) {
  return {
      {"age", "Age", "Years, a whole number, e.g. 72.", Input::Kind::kWholeNumber, {}, required},
      {"sex", "Sex", "", Input::Kind::kSelect, kSexChoices, required},
      {"weight",
       "Weight",
       "Actual body weight with its unit, kg or lb: e.g. 58 kg or 128 lb.",
       Input::Kind::kText,
       {},
       required},
      {"creatinine",
       "Serum creatinine",
       "With its unit, mg/dL or umol/L: e.g. 1.3 mg/dL or 115 umol/L.",
       Input::Kind::kText,
       {},
       required},
  };
}

// --- Creatinine clearance ------------------------------------------------------------------------

http::Response CrClPage(Site& site, const http::Request& req, const Caller& caller) {
  const Query& q = req.query;
  Outcome out;
  if (!q.empty()) {
    auto r = Calculate(site, caller, CrClFields(), q, app::CrCl);
    if (!r.ok()) {
      out = ErrorOutcome(r.error(), r.error().field);
    } else {
      const json v = wire::CrClShown(*r);
      SourceList src;
      src.Add(r->cite.source, r->cite.verified);
      out = AnswerOutcome(src, wire::CrClText(*r), "Creatinine clearance: " + FormatNumber(v.get<double>()) + " mL/min",
                          v);
    }
  }
  std::string main =
      "<p>Cockcroft-Gault creatinine clearance with actual body weight, as <code>lenacare crcl</code> computes "
      "it. Use it for the <a href=\"/calculators/start-dose\">starting dose</a>.</p>" +
      out.html + Form("/calculators/crcl", Inputs(CockcroftGaultInputs(true), q, out.invalid));
  const Citation& cite = site.k().cockcroft_gault.cite;
  return Render(site, caller, "Creatinine clearance", "Cockcroft-Gault creatinine clearance calculator.", main, out,
                {cite.source}, !cite.verified);
}

// --- Starting dose -------------------------------------------------------------------------------

http::Response StartDosePage(Site& site, const http::Request& req, const Caller& caller) {
  const Query& q = req.query;
  const Knowledge& k = site.k();
  Outcome out;
  if (!q.empty()) {
    auto r = Calculate(site, caller, StartDoseFields(), q, app::StartDose);
    if (!r.ok()) {
      out = ErrorOutcome(r.error(), r.error().field);
    } else {
      const StartingDose& d = r->dose;
      const std::string frequency(FrequencyName(d.regimen.frequency));
      std::string headline = "Starting dose: " + FormatNumber(d.regimen.dose_mg) + " mg";
      if (!frequency.empty()) headline += " " + frequency;
      if (!d.regimen.days.text().empty()) headline += ", days " + d.regimen.days.text();
      headline += " of each " + std::to_string(d.indication->cycle_days) + "-day cycle";
      SourceList src;
      src.Add(d.adjusted ? d.cites.back().source : d.indication->cite.source, d.verified());
      src.Add(d.indication->cite.source, d.indication->cite.verified);
      for (const Citation& c : d.cites) src.Add(c.source, c.verified);
      AddNotes(src, d.notes);
      AddNotes(src, d.escalations);
      if (r->capsules) {
        src.Add(r->capsules->strengths_cite.source, r->capsules->strengths_cite.verified);
        src.Add(r->capsules->supply_cite.source, r->capsules->supply_cite.verified);
      }
      if (!d.verified()) src.unverified = true;
      out = AnswerOutcome(src, wire::StartDoseText(*r), headline, json(d.regimen.dose_mg));
    }
  }
  std::vector<Input> kidney = {{"crcl", "Creatinine clearance", "mL/min, e.g. 45.", Input::Kind::kNumber, {}, false}};
  std::string cg;
  for (const Input& in : CockcroftGaultInputs(false)) cg += InputHtml(in, q, out.invalid);
  const std::string inputs =
      InputHtml({"indication", "Indication", "", Input::Kind::kSelect, IndicationChoices(k), true}, q, out.invalid) +
      Fieldset("Kidney function",
               "Give the creatinine clearance, or the four values it is calculated from (Cockcroft-Gault), not both. "
               "On dialysis the clearance may be left out.",
               Inputs(kidney, q, out.invalid) + Fieldset("Or calculate it from", "", cg) +
                   InputHtml({"dialysis", "On dialysis", "", Input::Kind::kCheckbox, {}, false}, q, out.invalid));
  std::string main =
      "<p>The label's starting dose for an indication and a kidney function, with the capsules for one cycle, as "
      "<code>lenacare start-dose</code> answers it.</p>" +
      out.html + Form("/calculators/start-dose", inputs);
  std::vector<std::string> sources;
  bool unverified = false;
  for (const Indication& ind : k.indications) {
    AddSource(sources, ind.cite.source);
    unverified = unverified || !ind.cite.verified;
  }
  return Render(site, caller, "Starting dose", "Lenalidomide starting dose by indication and kidney function.", main,
                out, sources, unverified);
}

// --- Missed dose ---------------------------------------------------------------------------------

http::Response MissedDosePage(Site& site, const http::Request& req, const Caller& caller) {
  const Query& q = req.query;
  Outcome out;
  if (!q.empty()) {
    auto r = Calculate(site, caller, MissedDoseFields(), q, app::MissedDose);
    if (!r.ok()) {
      out = ErrorOutcome(r.error(), r.error().field);
    } else {
      SourceList src;
      src.Add(r->cite.source, r->cite.verified);
      out = AnswerOutcome(src, wire::MissedDoseText(*r), r->advice, json(wire::MissedDoseActionId(*r)));
    }
  }
  const std::vector<Input> inputs = {
      {"scheduled",
       "Usual time of the dose",
       "HH:MM on a 24-hour clock, e.g. 08:00; or YYYY-MM-DDTHH:MM when the dose was due on an earlier day.",
       Input::Kind::kText,
       {},
       true},
      {"now",
       "Time now",
       "HH:MM, e.g. 19:30; or YYYY-MM-DDTHH:MM if the usual time was given with a date.",
       Input::Kind::kText,
       {},
       true},
  };
  std::string main =
      "<p>A dose not taken at the usual time: whether to take it now or skip it, as <code>lenacare missed-dose</code> "
      "answers it.</p>" +
      out.html + Form("/calculators/missed-dose", Inputs(inputs, q, out.invalid));
  const Citation& cite = site.k().missed_dose_cite;
  return Render(site, caller, "Missed dose", "What to do after a missed or late lenalidomide dose.", main, out,
                {cite.source}, !cite.verified);
}

// --- Clot risk -----------------------------------------------------------------------------------

// The yes/no findings the form asks for: all of the models' findings but the drug itself, which
// `lenacare vte` always counts.
std::vector<std::string> VteFindings() {
  std::vector<std::string> out;
  for (std::string_view f : VteYesNoFacts()) {
    if (f != "imid") out.emplace_back(f);
  }
  return out;
}

// A finding's label from the model items that read it, and which models read it.
std::pair<std::string, std::string> VteFindingLabel(const VteKnowledge& vte, const std::string& fact) {
  std::string label, models;
  auto reads = [&](const VteCriterion& c, bool direct) {
    return direct ? c.fact == fact : std::find(c.any_of.begin(), c.any_of.end(), fact) != c.any_of.end();
  };
  for (bool direct : {true, false}) {
    for (const ImwgFactor& f : vte.imwg_factors) {
      if (label.empty() && reads(f.when, direct)) label = f.text;
    }
    for (const ImpedeItem& i : vte.impede_items) {
      if (label.empty() && reads(i.when, direct)) label = i.text;
    }
  }
  const bool imwg = std::any_of(vte.imwg_factors.begin(), vte.imwg_factors.end(),
                                [&](const ImwgFactor& f) { return reads(f.when, true) || reads(f.when, false); });
  const bool impede = std::any_of(vte.impede_items.begin(), vte.impede_items.end(),
                                  [&](const ImpedeItem& i) { return reads(i.when, true) || reads(i.when, false); });
  if (imwg) models = "IMWG 2008";
  if (impede) models += std::string(models.empty() ? "" : ", ") + "IMPEDE VTE";
  if (label.empty()) {
    label = fact;
    std::replace(label.begin(), label.end(), '_', ' ');
  }
  return {label, models.empty() ? "" : "Counts in: " + models + "."};
}

std::string ProphylaxisLabel(std::string_view id) {
  if (id == "none") return "None";
  if (id == "aspirin") return "Aspirin";
  if (id == "prophylactic-lmwh") return "LMWH, prophylactic dose";
  if (id == "therapeutic-lmwh") return "LMWH, therapeutic dose";
  if (id == "warfarin") return "Warfarin";
  return std::string(id);
}

// The form's per-finding choices as the command's present and unknown lists.
Result<Query> VteQuery(const Query& q) {
  const std::vector<std::string> findings = VteFindings();
  Query out;
  for (const auto& [name, value] : q) {
    if (std::find(findings.begin(), findings.end(), name) == findings.end()) {
      out.emplace(name, value);
    } else if (value == "present" || value == "unknown") {
      out.emplace(value, name);
    } else if (value != "absent" && !value.empty()) {
      return Error::BadInput(name, Quoted(value) + " is not present, absent or unknown");
    }
  }
  return out;
}

http::Response VtePage(Site& site, const http::Request& req, const Caller& caller) {
  const Query& q = req.query;
  const VteKnowledge& vte = site.k().safety.vte;
  Outcome out;
  if (!q.empty()) {
    auto command_query = VteQuery(q);
    auto r = command_query.ok() ? Calculate(site, caller, VteFields(), *command_query, app::Vte)
                                : Result<app::VteAnswer>(command_query.error());
    if (!r.ok()) {
      out = ErrorOutcome(r.error(), r.error().field);
    } else {
      const ImwgResult& imwg = r->imwg;
      const ImpedeResult& impede = r->impede;
      // The facts a model misses, named as the form names them.
      auto missing = [&vte](const std::vector<std::string>& items) {
        std::string list;
        for (const std::string& id : items) {
          const std::string name = id == "bmi"                       ? "body-mass index"
                                   : id == "dexamethasone_per_month" ? "dexamethasone per month"
                                   : id == "prophylaxis"             ? "thromboprophylaxis"
                                                                     : VteFindingLabel(vte, id).first;
          list += (list.empty() ? "" : "; ") + name;
        }
        return list;
      };
      std::string headline;
      json score = nullptr;
      if (impede.complete) {
        score = impede.score;
        headline = "IMPEDE VTE score: " + std::to_string(impede.score);
        if (impede.band != nullptr && !impede.band->band.empty()) headline += ", " + impede.band->band + " risk";
        if (impede.band != nullptr && !impede.band->six_month_incidence.empty())
          headline += " (six-month incidence " + impede.band->six_month_incidence + ")";
      } else {
        headline = "IMPEDE VTE: insufficient data, missing " + missing(impede.missing);
      }
      std::vector<std::string> more;
      if (impede.complete && impede.anticoagulant_suggested)
        more.push_back("IMPEDE VTE: " + vte.impede_prophylaxis + ".");
      if (imwg.complete && imwg.recommendation != nullptr) {
        more.push_back("IMWG 2008: " + imwg.recommendation->prophylaxis + ".");
      } else {
        more.push_back("IMWG 2008: insufficient data, missing " + missing(imwg.missing) + ".");
      }
      SourceList src;
      src.Add(vte.imwg.source, vte.imwg.verified);
      src.Add(vte.impede.source, impede.verified());
      if (impede.complete && impede.anticoagulant_suggested)
        src.Add(vte.impede_prophylaxis_cite.source, vte.impede_prophylaxis_cite.verified);
      src.Add(site.k().safety.thromboprophylaxis_cite.source, site.k().safety.thromboprophylaxis_cite.verified);
      for (const ImwgFactor* f : imwg.present) src.Add("", f->cite.verified);
      for (const ImpedeItem* i : impede.items) src.Add("", i->cite.verified);
      AddNotes(src, r->notes);
      out = AnswerOutcome(src, wire::VteText(site.k(), *r), headline, score, more);
    }
  }
  std::vector<std::pair<std::string, std::string>> prophylaxis = {{"", "Not known"}};
  for (std::string_view p : VteProphylaxisChoices()) prophylaxis.emplace_back(std::string(p), ProphylaxisLabel(p));
  const std::vector<Input> numbers = {
      {"bmi", "Body-mass index", "kg/m2, e.g. 31. Leave empty if not known.", Input::Kind::kNumber, {}, false},
      {"dexamethasone",
       "Dexamethasone per month",
       "mg in 28 days, e.g. 160 mg; 0 if none. Leave empty if not known.",
       Input::Kind::kText,
       {},
       false},
      {"prophylaxis", "Thromboprophylaxis already taken", "", Input::Kind::kSelect, prophylaxis, false},
  };
  std::string findings;
  const std::vector<std::pair<std::string, std::string>> choices = {
      {"absent", "Absent"}, {"present", "Present"}, {"unknown", "Unknown"}};
  for (const std::string& f : VteFindings()) {
    auto [label, hint] = VteFindingLabel(vte, f);
    // An unchosen finding shows "absent", as `lenacare vte` takes an unlisted finding as absent.
    Query shown = q;
    if (Field(q, f).empty()) shown.emplace(f, "absent");
    findings += InputHtml({f, label, hint, Input::Kind::kSelect, choices, false}, shown, out.invalid);
  }
  const std::string inputs =
      Inputs(numbers, q, out.invalid) +
      Fieldset("Findings",
               "For each finding choose Present, Absent (the patient does not have it) or Unknown (not known). An "
               "unknown finding is not counted as absent: a model that needs it answers \"insufficient data\". "
               "Lenalidomide itself is always counted.",
               findings);
  std::string main =
      "<p>Clot risk of a patient on lenalidomide: the IMPEDE VTE score and the IMWG 2008 risk model, as <code>lenacare "
      "vte</code> answers them. A missing number gives \"insufficient data\", not a risk band.</p>" +
      out.html + Form("/calculators/vte", inputs);
  return Render(site, caller, "Clot risk", "IMPEDE VTE score and IMWG 2008 clot-risk model for lenalidomide.", main,
                out, {vte.imwg_citation, vte.imwg.source, vte.impede_citation, vte.impede.source},
                !vte.imwg.verified || !vte.impede.verified);
}

// --- After a low blood count ---------------------------------------------------------------------

// As for the other calculators' fields (webapp/fields.cpp).
constexpr size_t kMaxFieldChars = 1000;

const Fields<app::LowCountRequest>& LowCountFields() {
  using R = app::LowCountRequest;
  static const Fields<R> f = Fields<R>()
                                 .Text("indication", &R::indication)
                                 .Text("start", &R::start)
                                 .Text("dose", &R::dose)
                                 .Text("date", &R::date)
                                 .Text("anc", &R::anc)
                                 .Text("platelets", &R::platelets)
                                 .Text("baseline_anc", &R::baseline_anc)
                                 .Text("baseline_platelets", &R::baseline_platelets);
  return f;
}

Result<app::LowCountRequest> LowCountOf(const Query& q) {
  for (const auto& [name, value] : q) {
    if (!LowCountFields().Has(name)) return Error::BadInput(name, "not an input of this form");
    if (value.size() > kMaxFieldChars)
      return Error::BadInput(name, "too long: at most " + std::to_string(kMaxFieldChars) + " characters");
  }
  app::LowCountRequest r;
  Status s = LowCountFields().FromForm(q, r);
  if (!s.ok()) return s.error();
  return r;
}

http::Response LowCountPage(Site& site, const http::Request& req, const Caller& caller) {
  const Query& q = req.query;
  const Knowledge& k = site.k();
  Outcome out;
  if (!q.empty()) {
    auto request = LowCountOf(q);
    auto r =
        request.ok() ? app::LowCount(site.Calculate(caller), *request) : Result<app::EvaluateAnswer>(request.error());
    if (!r.ok()) {
      out = ErrorOutcome(r.error(), r.error().field);
    } else {
      const Assessment& a = r->assessment;
      const std::string status(CourseStatusId(a.status));
      std::string headline = "Status on " + a.as_of.ToString() + ": " + status;
      headline += " (cycle " + std::to_string(a.cycle) + ", day " + std::to_string(a.cycle_day) + ")";
      std::vector<std::string> more;
      if (a.status == CourseStatus::kCannotAssess && !a.cannot_assess.empty())
        more.push_back("Cannot assess: " + a.cannot_assess);
      if (a.dose) {
        more.push_back((a.status == CourseStatus::kInterrupted ? "Dose when resumed: " : "Dose: ") +
                       FormatNumber(a.dose->dose_mg) + " mg");
      }
      SourceList src;
      for (const Recommendation& rec : a.recommendations) src.Add(rec.source, rec.verified);
      for (const DueTest& t : a.tests_due) src.Add(t.source, t.verified);
      out = AnswerOutcome(src, wire::AssessmentText(a, *r->course.indication), headline, json(status), more);
    }
  }
  const std::vector<Input> therapy = {
      {"indication", "Indication", "", Input::Kind::kSelect, IndicationChoices(k), true},
      {"start", "First day of therapy", "Cycle 1, day 1 (YYYY-MM-DD).", Input::Kind::kDate, {}, true},
      {"dose",
       "Dose taken now",
       "mg, e.g. 25. Leave empty for the label's starting dose of the indication. The course is taken to have "
       "started at this dose.",
       Input::Kind::kNumber,
       {},
       false},
  };
  const std::vector<Input> count = {
      {"date",
       "Date of the blood count",
       "YYYY-MM-DD, on or after the first day of therapy.",
       Input::Kind::kDate,
       {},
       true},
      {"anc",
       "ANC (absolute neutrophil count)",
       "With its unit: e.g. 0.8 10*9/L, 800 /uL or 0.8 K/uL. Leave empty if not measured.",
       Input::Kind::kText,
       {},
       false},
      {"platelets",
       "Platelets",
       "With its unit: e.g. 24 10*9/L, 24000 /uL or 24 K/uL. Leave empty if not measured.",
       Input::Kind::kText,
       {},
       false},
  };
  const std::vector<Input> baseline = {
      {"baseline_anc", "ANC before therapy", "With its unit, e.g. 1.4 10*9/L.", Input::Kind::kText, {}, false},
      {"baseline_platelets",
       "Platelets before therapy",
       "With its unit, e.g. 142 10*9/L.",
       Input::Kind::kText,
       {},
       false},
  };
  const std::string inputs =
      Fieldset("Therapy", "", Inputs(therapy, q, out.invalid)) +
      Fieldset("The low count", "Give the ANC, the platelet count or both.", Inputs(count, q, out.invalid)) +
      Fieldset("Counts before therapy (optional)",
               "Used by the MDS rules, which depend on the counts before the start.", Inputs(baseline, q, out.invalid));
  std::string main =
      "<p>What the label says to do when the neutrophils (ANC) or the platelets fall during lenalidomide therapy, "
      "answered by the same engine as <code>lenacare evaluate</code> on the date of the count.</p>" +
      out.html + Form("/calculators/low-count", inputs) +
      "<h2>What this calculator assumes</h2><ul>"
      "<li>Therapy started on the first day you give, at the dose you give, on the indication's label schedule.</li>"
      "<li>This blood count is the first fall since the start: no earlier low counts, holds, dose changes, fevers "
      "or other toxicities. After an earlier fall the label may give a lower dose or another action.</li>"
      "<li>The counts before therapy are taken as measured on the first day of therapy.</li>"
      "<li>Kidney function is not asked here, so the renal starting dose is not checked.</li>"
      "<li>Every threshold and dose comes from the engine's reviewed knowledge; this page computes none.</li>"
      "</ul><p>The full answer for a patient is their own course in lenacare, with every count, hold and dose "
      "recorded: clinicians see it when <a href=\"/sign-in\">signed in</a>.</p>";
  std::vector<std::string> sources;
  bool unverified = false;
  for (const HoldRule& rule : k.hold_rules) {
    AddSource(sources, rule.cite.source);
    unverified = unverified || !rule.cite.verified;
  }
  return Render(site, caller, "After a low blood count",
                "What to do when neutrophils or platelets fall on lenalidomide, by the label's rules.", main, out,
                sources, unverified);
}

// --- Index ---------------------------------------------------------------------------------------

http::Response IndexPage(Site& site, const Caller& caller) {
  PageSpec page;
  page.title = "Calculators";
  page.description =
      "Lenalidomide calculators: creatinine clearance, starting dose, low blood counts, clot risk, "
      "missed dose.";
  page.main =
      "<p>Each calculator runs the same engine as the <code>lenacare</code> command line and shows its answer with "
      "its sources. Nothing you enter is stored; the address of a result can be bookmarked.</p><ul class=\"cards\">";
  for (const Calculator& c : kCalculators) {
    page.main += "<li><a href=\"" + CalculatorPath(c.slug) + "\">" + Escape(c.title) + "</a><p>" + Escape(c.summary) +
                 "</p></li>";
  }
  page.main += "</ul>";
  page.sources = {"Each calculator lists its own sources."};
  return Html(200, site.Page(caller, page));
}

}  // namespace

void AddCalculators(Site& site, Router& router) {
  router.Add("GET", "/calculators",
             [&site](const http::Request&, const RouteParams&, const Caller& c) { return IndexPage(site, c); });
  using Handler = http::Response (*)(Site&, const http::Request&, const Caller&);
  const std::pair<const char*, Handler> pages[] = {{"crcl", CrClPage},
                                                   {"start-dose", StartDosePage},
                                                   {"low-count", LowCountPage},
                                                   {"vte", VtePage},
                                                   {"missed-dose", MissedDosePage}};
  for (const auto& [slug, handler] : pages) {
    router.Add("GET", CalculatorPath(slug),
               [&site, handler = handler](const http::Request& req, const RouteParams&, const Caller& c) {
                 return handler(site, req, c);
               });
  }
}

}  // namespace lenacare::webapp
