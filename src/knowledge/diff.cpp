#include "knowledge/diff.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "knowledge/loader.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

using Tables = std::map<std::tuple<std::string, std::string, std::string>, const toml::table*>;

std::string About(std::string_view field) {
  if (field == "cite" || field == "source") return "source";
  if (field == "confidence" || field == "verified" || field == "tag") return "verification";
  if (field == "note") return "note";
  return "value";
}

std::string Text(const toml::node* n) {
  if (n == nullptr) return "";
  std::ostringstream out;
  n->visit([&](const auto& v) { out << toml::toml_formatter(v, toml::format_flags::none); });
  return out.str();
}

// Every .toml file under `dir`, parsed; a file that does not parse is left out (the load check
// names it).
std::map<std::string, toml::table> Files(const std::string& dir) {
  std::map<std::string, toml::table> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".toml") continue;
    try {
      out.emplace(fs::relative(e.path(), dir).generic_string(), toml::parse_file(e.path().string()));
    } catch (const toml::parse_error&) {
    }
  }
  return out;
}

Tables Entries(const std::map<std::string, toml::table>& files) {
  Tables out;
  for (const auto& [file, doc] : files) {
    for (const auto& [key, node] : doc) {
      const std::string section(key.str());
      if (const toml::table* t = node.as_table()) {
        out[{file, section, ""}] = t;
      } else if (const toml::array* arr = node.as_array(); arr && arr->is_array_of_tables()) {
        for (const auto& item : *arr) {
          const toml::table* row = item.as_table();
          out[{file, section, row->get("id") ? (*row)["id"].value_or(std::string()) : ""}] = row;
        }
      }
    }
  }
  return out;
}

std::string Label(const std::string& dir, const std::string& pack, std::string& problem) {
  auto k = LoadKnowledge(dir, pack);
  if (!k.ok()) {
    problem = k.error().Describe();
    return dir;
  }
  return k->pack.id + " pack, label " + k->pack.label_date;
}

}  // namespace

KnowledgeDiff DiffKnowledge(const std::string& old_dir, const std::string& new_dir, const std::string& pack) {
  KnowledgeDiff d;
  d.old_dir = old_dir;
  d.new_dir = new_dir;
  d.old_label = Label(old_dir, pack, d.old_problem);
  d.new_label = Label(new_dir, pack, d.new_problem);
  const auto old_files = Files(old_dir), new_files = Files(new_dir);
  const Tables before = Entries(old_files), after = Entries(new_files);
  for (const auto& [key, t] : before) {
    if (after.count(key) == 0)
      d.entries.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), "removed", {}});
  }
  for (const auto& [key, t] : after) {
    auto old = before.find(key);
    EntryChange e{std::get<0>(key), std::get<1>(key), std::get<2>(key), "added", {}};
    if (old == before.end()) {
      d.entries.push_back(std::move(e));
      continue;
    }
    e.change = "changed";
    std::vector<std::string> fields;
    for (const auto& [k, v] : *old->second) fields.emplace_back(k.str());
    for (const auto& [k, v] : *t) {
      if (std::find(fields.begin(), fields.end(), k.str()) == fields.end()) fields.emplace_back(k.str());
    }
    for (const std::string& f : fields) {
      const std::string a = Text(old->second->get(f)), b = Text(t->get(f));
      if (a != b) e.fields.push_back({f, About(f), a, b});
    }
    if (!e.fields.empty()) d.entries.push_back(std::move(e));
  }
  std::sort(d.entries.begin(), d.entries.end(), [](const EntryChange& a, const EntryChange& b) {
    return std::tie(a.file, a.section, a.id) < std::tie(b.file, b.section, b.id);
  });
  return d;
}

}  // namespace lenacare
