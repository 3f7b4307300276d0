#include "webapp/demo.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "app/records.h"
#include "store/accounts.h"

namespace lenacare::webapp {
namespace {

using nlohmann::json;

Result<json> ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) return Error::Failed("demo", "cannot read '" + p.string() + "'");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) return Error::Failed("demo", "'" + p.string() + "' is not valid JSON");
  return j;
}

bool IsDate(const json& v) {
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  return v.is_string() && std::regex_match(v.get<std::string>(), date);
}

void Latest(const json& j, std::string& latest) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "birth_date" || it.key() == "patient") continue;
      if (IsDate(it.value())) latest = std::max(latest, it.value().get<std::string>());
      Latest(it.value(), latest);
    }
  } else if (j.is_array()) {
    for (const json& x : j) Latest(x, latest);
  }
}

void Shift(json& j, int days) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "birth_date" || it.key() == "patient") continue;
      if (IsDate(it.value())) {
        auto d = Date::Parse(it.value().get<std::string>());
        if (d.ok()) it.value() = d->AddDays(days).ToString();
      } else {
        Shift(it.value(), days);
      }
    }
  } else if (j.is_array()) {
    for (json& x : j) Shift(x, days);
  }
}

}  // namespace

Result<std::vector<DemoAccount>> SeedDemo(const Knowledge& k, store::Store& store, const Clock& clock,
                                          const std::string& demo_dir) {
  const app::Context ctx{k, clock, &store, "lenacare-demo", app::Authority::Operator()};
  const Date today = clock.Today();
  namespace fs = std::filesystem;
  auto index = ReadJson(fs::path(demo_dir) / "patients.json");
  if (!index.ok()) return index.error();
  for (const json& entry : (*index)["patients"]) {
    auto course = ReadJson(fs::path(demo_dir) / entry["course"].get<std::string>());
    if (!course.ok()) return course.error();
    std::string latest;
    Latest(*course, latest);
    auto last = Date::Parse(latest);
    if (!last.ok()) return Error::Failed("demo", "no dates in " + entry["course"].get<std::string>());
    Shift(course.value(), today.days() - 1 - last->days());

    json facts = (*course)["patient"];
    app::AddPatientRequest p;
    p.patient = entry["ref"].get<std::string>();
    p.name = entry["name"].get<std::string>();
    p.sex = facts.value("sex", "");
    p.birth_date = facts.value("birth_date", "");
    facts.erase("sex");
    facts.erase("birth_date");
    p.facts = facts.dump();
    auto added = app::AddPatient(ctx, p);
    if (!added.ok()) return added.error().Under("demo " + p.patient);
    auto record = [&](json e) -> Status {
      app::RecordRequest r;
      r.patient = p.patient;
      r.kind = "event";
      r.event = e.dump();
      auto recorded = app::RecordEvent(ctx, r);
      if (!recorded.ok()) return recorded.error().Under("demo " + p.patient);
      return Status::Ok();
    };
    for (const json& lab : course->value("baseline", json::array())) {
      json e = lab;
      e["type"] = "lab";
      if (Status s = record(e); !s.ok()) return s.error();
    }
    json header = *course;
    for (const char* key : {"patient", "baseline", "events"}) header.erase(key);
    auto started = app::StartCourseFromHeader(ctx, p.patient, header.dump());
    if (!started.ok()) return started.error().Under("demo " + p.patient);
    for (const json& e : course->value("events", json::array())) {
      if (Status s = record(e); !s.ok()) return s.error();
    }
  }
  std::vector<DemoAccount> accounts;
  store::Accounts users(store, ctx.actor);
  for (const json& a : (*index)["accounts"]) {
    DemoAccount d{a["username"].get<std::string>(), a["role"].get<std::string>(), store::RandomSecret().substr(0, 20),
                  a.value("patient", "")};
    auto added = users.AddUser(d.username, *store::ParseRole(d.role), d.password, d.patient);
    if (!added.ok()) return added.error().Under("demo " + d.username);
    accounts.push_back(d);
  }
  return accounts;
}

}  // namespace lenacare::webapp
