#include "knowledge/sources.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>

#include "core/text.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kKinds[] = {"label", "rems",        "reference",           "guideline",
                                       "paper", "terminology", "patient-information", "policy"};
constexpr std::string_view kDocKeys[] = {"id",   "short", "title",    "publisher", "version",
                                         "kind", "urls",  "accessed", "note"};

// An id is what citations write before the section: no spaces, nothing a reader could take for
// prose, and not too long to read.
bool PlainId(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; });
}

bool PublicUrl(std::string_view url) { return url.starts_with("https://") || url.starts_with("http://"); }

Result<SourceDoc> ReadDoc(const toml::table& t, const std::string& file) {
  SourceDoc d;
  d.file = file;
  d.id = t["id"].value_or(std::string());
  const std::string where = file + ": source " + Quoted(d.id);
  for (const auto& [key, node] : t) {
    if (std::find(std::begin(kDocKeys), std::end(kDocKeys), key.str()) == std::end(kDocKeys)) {
      return Error::BadInput(where, "unknown field " + Quoted(key.str()));
    }
  }
  if (!PlainId(d.id)) return Error::BadInput(where, "an id is letters, digits, '-' or '.', at most 40");
  auto text = [&](std::string_view key, bool required, std::string& out) -> Status {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) return Error::BadInput(where, "missing field " + Quoted(key));
      return Status::Ok();
    }
    if (!n->is_string()) return Error::BadInput(where, "field " + Quoted(key) + " must be text");
    out = *n->value<std::string>();
    if (required && Trim(out).empty()) return Error::BadInput(where, "field " + Quoted(key) + " is empty");
    return Status::Ok();
  };
  for (auto [key, out] : {std::pair<std::string_view, std::string*>{"short", &d.short_name},
                          {"title", &d.title},
                          {"publisher", &d.publisher},
                          {"kind", &d.kind},
                          {"accessed", &d.accessed}}) {
    if (Status s = text(key, true, *out); !s.ok()) return s.error();
  }
  if (t.get("version") == nullptr)
    return Error::BadInput(where, "missing field 'version' (\"\" when the title says it)");
  if (Status s = text("version", false, d.version); !s.ok()) return s.error();
  if (Status s = text("note", false, d.note); !s.ok()) return s.error();
  if (std::find(std::begin(kKinds), std::end(kKinds), d.kind) == std::end(kKinds)) {
    return Error::BadInput(where, "unknown kind " + Quoted(d.kind));
  }
  const toml::array* urls = t["urls"].as_array();
  if (urls == nullptr) return Error::BadInput(where, "missing field 'urls' (a list of public addresses)");
  for (const auto& u : *urls) {
    auto s = u.value<std::string>();
    if (!s || !PublicUrl(*s)) return Error::BadInput(where, "every url is an http(s) address");
    d.urls.push_back(*s);
  }
  if (d.urls.empty() && d.kind != "policy") {
    return Error::BadInput(where, "a public document needs at least one public address");
  }
  return d;
}

}  // namespace

std::string SourceDoc::Label() const { return version.empty() ? short_name : short_name + " " + version; }

std::string SourceDoc::Url() const { return urls.empty() ? "" : urls.front(); }

Result<SourceRegister> SourceRegister::Load(const std::string& root) {
  const fs::path dir = fs::path(root) / "sources";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error::BadInput("sources", "the sources register is missing in " + root);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".toml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  SourceRegister reg;
  for (const fs::path& p : files) {
    const std::string rel = "sources/" + p.filename().string();
    toml::table doc;
    try {
      doc = toml::parse_file(p.string());
    } catch (const toml::parse_error& e) {
      return Error::BadInput(rel + ":" + std::to_string(e.source().begin.line), std::string(e.description()));
    }
    for (const auto& [key, node] : doc) {
      if (key.str() != "file" && key.str() != "source")
        return Error::BadInput(rel, "unknown section " + Quoted(key.str()));
    }
    if (doc["file"]["title"].value<std::string>().value_or("").empty()) {
      return Error::BadInput(rel, "missing [file] title");
    }
    const toml::array* arr = doc["source"].as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) return Error::BadInput(rel, "no [[source]] entries");
    for (const auto& item : *arr) {
      auto d = ReadDoc(*item.as_table(), rel);
      if (!d.ok()) return d.error();
      if (reg.by_id_.count(d->id) != 0) {
        return Error::BadInput(rel + ": source " + Quoted(d->id),
                               "duplicate id (also in " + reg.docs_[reg.by_id_.find(d->id)->second].file + ")");
      }
      reg.by_id_.emplace(d->id, reg.docs_.size());
      reg.docs_.push_back(std::move(d).value());
    }
  }
  if (reg.docs_.empty()) return Error::BadInput("sources", "the sources register is empty");
  return reg;
}

const SourceDoc* SourceRegister::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &docs_[it->second];
}

Result<CiteRef> SourceRegister::Parse(std::string_view text) const {
  text = Trim(text);
  const size_t space = text.find(' ');
  const std::string_view id = text.substr(0, space);
  if (Find(id) == nullptr) {
    return Error::BadInput("cite", Quoted(text) + ": " + Quoted(id) + " is not in the sources register");
  }
  const std::string_view section = space == std::string_view::npos ? std::string_view() : Trim(text.substr(space));
  if (section.empty()) {
    return Error::BadInput(
        "cite", Quoted(text) + ": no section (write where in the document, e.g. \"" + std::string(id) + " §2.1\")");
  }
  CiteRef ref{std::string(id), std::string(section), "", Find(id)->Url()};
  ref.text = Render(ref);
  return ref;
}

std::string SourceRegister::Render(const CiteRef& ref) const {
  const SourceDoc* d = Find(ref.doc);
  return (d == nullptr ? ref.doc : d->Label()) + ", " + ref.section;
}

const SourceDoc* SourceRegister::DocOfRendered(std::string_view rendered) const {
  const SourceDoc* best = nullptr;
  for (const SourceDoc& d : docs_) {
    const std::string label = d.Label() + ", ";
    if (rendered.starts_with(label) && (best == nullptr || label.size() > best->Label().size() + 2)) best = &d;
  }
  return best;
}

std::string JoinSources(std::string_view a, std::string_view b) {
  std::vector<std::string_view> parts;
  for (std::string_view s : {a, b}) {
    size_t from = 0;
    while (from < s.size()) {
      size_t semi = s.find("; ", from);
      if (semi == std::string_view::npos) semi = s.size();
      const std::string_view part = s.substr(from, semi - from);
      if (!part.empty() && std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(part);
      from = semi + 2;
    }
  }
  std::string out;
  for (std::string_view p : parts) out += (out.empty() ? "" : "; ") + std::string(p);
  return out;
}

const std::vector<Confidence>& Confidences() {
  static const std::vector<Confidence> all = {
      {"label", true, "checked against the label"},
      {"standard", true, "checked against the published source"},
      {"lenacare", true, "lenacare's own rule, not clinical guidance"},
      {"local", true, "confirmed locally: your clinic's reviewer checked it against the label they hold"},
      {"earlier-label", false, "from an earlier label, not yet checked against the current one"},
      {"secondary", false, "from drug references, not yet checked against the label"},
      {"unconfirmed", false, "not confirmed in the sources lenacare holds: to be checked against the current label"},
      {"conflict", false, "sources disagree: the prescriber decides"},
      {"convention", false, "a common practice, not a label rule: the prescriber decides"},
  };
  return all;
}

const Confidence* FindConfidence(std::string_view key) {
  for (const Confidence& c : Confidences()) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

}  // namespace lenacare
