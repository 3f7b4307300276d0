#include "app/permissions.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/text.h"

namespace lenacare::app {
namespace {

using store::Role;

struct Rule {
  Act act;
  std::string_view text;
  std::array<bool, 6> roles;  // admin, prescriber, pharmacist, nurse, patient, caregiver
};

// clang-format off
constexpr std::array<Rule, 24> kRules = {{
    //                                                      admin  prescr pharm  nurse  patient caregiver
    {Act::kAddPatient,           "add patients",              {false, true,  false, false, false, false}},
    {Act::kPatientFacts,         "change a patient's details", {false, true,  false, false, false, false}},
    {Act::kStartCourse,          "start therapy courses",     {false, true,  false, false, false, false}},
    {Act::kLab,                  "record lab results",        {false, true,  false, true,  false, false}},
    {Act::kDoseDiary,            "record doses taken or missed", {false, true, false, true, true, true}},
    {Act::kTherapy,              "hold, resume, change or stop therapy", {false, true, false, false, false, false}},
    {Act::kToxicity,             "record toxicities",         {false, true,  false, true,  false, false}},
    {Act::kVitals,               "record temperatures and transfusions", {false, true, false, true, false, false}},
    {Act::kPregnancyTest,        "record pregnancy tests",    {false, true,  false, true,  false, false}},
    {Act::kReproductiveHistory,  "record contraception and missed periods", {false, true, false, true, false, false}},
    {Act::kPrescription,         "record prescriptions",      {false, true,  false, false, false, false}},
    {Act::kAuthorization,        "record REMS authorization numbers", {false, true, false, false, false, false}},
    {Act::kCounselingPrescriber, "record the prescriber's counselling", {false, true, false, false, false, false}},
    {Act::kCounselingPharmacist, "record the pharmacist's counselling", {false, false, true, false, false, false}},
    {Act::kConfirmation,         "record REMS confirmation numbers", {false, false, true, false, false, false}},
    {Act::kDispense,             "record dispenses",          {false, false, true,  false, false, false}},
    {Act::kMarker,               "record response markers",   {false, true,  false, true,  false, false}},
    {Act::kSymptom,              "write in a patient's symptom diary", {false, false, false, false, true, true}},
    {Act::kResolveFinding,       "resolve dose findings",     {false, true,  false, false, false, false}},
    {Act::kImport,               "import records",            {false, true,  true,  true,  false, false}},
    {Act::kCalendarLink,         "make calendar reminders",   {false, false, false, false, true, false}},
    {Act::kRevokeAccess,         "revoke a patient's calendar link or caregivers", {false, true, true, true, true, false}},
    {Act::kInviteCaregiver,      "invite caregivers",         {false, false, false, false, true, false}},
    {Act::kReviewKnowledge,      "sign off the knowledge",    {false, false, true,  false, false, false}},
}};
// clang-format on

const Rule& RuleOf(Act a) {
  for (const Rule& r : kRules) {
    if (r.act == a) return r;
  }
  return kRules.front();  // unreachable: every act has a rule (tested)
}

size_t Column(Role r) {
  switch (r) {
    case Role::kAdmin:
      return 0;
    case Role::kPrescriber:
      return 1;
    case Role::kPharmacist:
      return 2;
    case Role::kNurse:
      return 3;
    case Role::kPatient:
      return 4;
    case Role::kCaregiver:
      return 5;
  }
  return 4;
}

}  // namespace

std::string_view ActText(Act a) { return RuleOf(a).text; }

bool RoleMay(Role role, Act a) { return RuleOf(a).roles[Column(role)]; }

Status Authorize(const Context& ctx, Act a, const std::string& field) {
  const Authority& who = ctx.authority;
  switch (who.kind) {
    case Authority::Kind::kOperator:
      return Status::Ok();
    case Authority::Kind::kUser:
      if (RoleMay(who.role, a)) return Status::Ok();
      break;
    case Authority::Kind::kNobody:
      break;
  }
  return Error::Forbidden(field, who.Describe() + " may not " + std::string(ActText(a)));
}

Status AuthorizeFor(const Context& ctx, Act a, const std::string& ref, const std::string& field) {
  if (Status s = Authorize(ctx, a, field); !s.ok()) return s;
  const Authority& who = ctx.authority;
  const std::string f = field.empty() ? "patient" : field;
  if (who.kind == Authority::Kind::kUser && who.role == Role::kPatient && who.own_patient != ref) {
    return Error::Forbidden(f, "a patient may " + std::string(ActText(a)) + " only for their own record");
  }
  if (who.kind == Authority::Kind::kUser && who.role == Role::kCaregiver) {
    for (const Authority::Care& c : who.care) {
      if (c.patient != ref) continue;
      if (c.may_write) return Status::Ok();
      return Error::Forbidden(f, "the patient lets you read their pages, not write in them");
    }
    return Error::Forbidden(f, "a caregiver may act only for the patients who invited them");
  }
  return Status::Ok();
}

Status AuthorizeView(const Context& ctx, const std::string& ref) {
  const Authority& who = ctx.authority;
  switch (who.kind) {
    case Authority::Kind::kOperator:
      return Status::Ok();
    case Authority::Kind::kNobody:
      return Error::Forbidden("patient", "sign in to see a patient's pages");
    case Authority::Kind::kUser:
      break;
  }
  if (who.role == Role::kPatient) {
    if (who.own_patient == ref) return Status::Ok();
    return Error::Forbidden("patient", "a patient sees only their own record");
  }
  if (who.role == Role::kCaregiver) {
    for (const Authority::Care& c : who.care) {
      if (c.patient == ref) return Status::Ok();
    }
    return Error::Forbidden("patient", "a caregiver sees only the patients who invited them");
  }
  return Status::Ok();
}

Result<Act> ActOfEvent(std::string_view type, std::string_view by) {
  static const std::array<std::pair<std::string_view, Act>, 18> kByType = {{
      {"lab", Act::kLab},
      {"dose-taken", Act::kDoseDiary},
      {"dose-missed", Act::kDoseDiary},
      {"hold", Act::kTherapy},
      {"resume", Act::kTherapy},
      {"dose-change", Act::kTherapy},
      {"cycle-start", Act::kTherapy},
      {"stop", Act::kTherapy},
      {"toxicity", Act::kToxicity},
      {"temperature", Act::kVitals},
      {"transfusion", Act::kVitals},
      {"pregnancy-test", Act::kPregnancyTest},
      {"missed-period", Act::kReproductiveHistory},
      {"contraception", Act::kReproductiveHistory},
      {"authorization", Act::kAuthorization},
      {"prescription", Act::kPrescription},
      {"confirmation", Act::kConfirmation},
      {"dispense", Act::kDispense},
  }};
  if (type == "counseling") return by == "pharmacist" ? Act::kCounselingPharmacist : Act::kCounselingPrescriber;
  if (type == "marker") return Act::kMarker;
  for (const auto& [id, act] : kByType) {
    if (id == type) return act;
  }
  return Error::BadInput("event.type", "unknown event type " + Quoted(std::string(type)));
}

Result<Act> ActOfRow(const store::EventRecord& row) {
  std::string by;
  if (row.type == "counseling") {
    const nlohmann::json body = nlohmann::json::parse(row.body, nullptr, false);
    if (body.is_object()) by = body.value("by", "");
  }
  return ActOfEvent(row.type, by);
}

}  // namespace lenacare::app
