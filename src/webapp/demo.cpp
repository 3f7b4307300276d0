#include "webapp/demo.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

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

Result<std::vector<DemoAccount>> SeedDemo(const Knowledge& k, store::Store& store, const std::string& demo_dir,
                                          Date today) {
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
    store::PatientRecord p;
    p.ref = entry["ref"].get<std::string>();
    p.name = entry["name"].get<std::string>();
    p.sex = facts.value("sex", "");
    p.birth_date = facts.value("birth_date", "");
    facts.erase("sex");
    facts.erase("birth_date");
    p.facts = facts.dump();
    auto added = store.AddPatient(k, p);
    if (!added.ok()) return added.error().Under("demo " + p.ref);
    for (const json& lab : course->value("baseline", json::array())) {
      json e = lab;
      e["type"] = "lab";
      auto r = store.RecordEvent(k, p.ref, e.dump());
      if (!r.ok()) return r.error().Under("demo " + p.ref);
    }
    json header = *course;
    for (const char* key : {"patient", "baseline", "events"}) header.erase(key);
    auto started = store.StartCourse(k, p.ref, header.dump());
    if (!started.ok()) return started.error().Under("demo " + p.ref);
    for (const json& e : course->value("events", json::array())) {
      auto r = store.RecordEvent(k, p.ref, e.dump());
      if (!r.ok()) return r.error().Under("demo " + p.ref);
    }
  }
  std::vector<DemoAccount> accounts;
  store::Accounts users(store);
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
