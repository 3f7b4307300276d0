#include "knowledge/response_criteria.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "core/text.h"
#include "knowledge/knowledge_file.h"

namespace lenacare {
namespace {

constexpr ResponseMarker kMarkers[] = {ResponseMarker::kSerumM, ResponseMarker::kUrineM, ResponseMarker::kFlc,
                                       ResponseMarker::kBmpc};

// The rules of §1.3 the classifier needs, and the only ones a file may give: MR is not defined
// when only the free light chains or the marrow are measurable (§1.3, §1.7).
constexpr struct {
  ResponseCategory category;
  std::string_view marker;
} kFallSlots[] = {
    {ResponseCategory::kVGPR, "serum-m"},    {ResponseCategory::kVGPR, "urine-m"},
    {ResponseCategory::kPR, "serum-m"},      {ResponseCategory::kPR, "urine-m"},
    {ResponseCategory::kMR, "serum-m"},      {ResponseCategory::kMR, "urine-m"},
    {ResponseCategory::kVGPR, "flc"},        {ResponseCategory::kPR, "flc"},
    {ResponseCategory::kPR, "bmpc"},         {ResponseCategory::kPR, "plasmacytoma"},
    {ResponseCategory::kMR, "plasmacytoma"},
};

constexpr std::string_view kProgressionMarkers[] = {"serum-m", "urine-m", "flc", "bmpc", "plasmacytoma", "new-lesion"};

// The kind of a marker's values; relative changes are always in % (kFraction).
QuantityKind KindOf(std::string_view marker) {
  if (marker == "serum-m") return QuantityKind::kMProtein;
  if (marker == "urine-m") return QuantityKind::kUrineMProtein;
  if (marker == "flc") return QuantityKind::kFreeLightChain;
  if (marker == "plasmacytoma") return QuantityKind::kLesionArea;
  return QuantityKind::kFraction;  // bmpc
}

bool ParseMarker(std::string_view id, ResponseMarker& out) {
  for (ResponseMarker m : kMarkers) {
    if (ResponseMarkerId(m) == id) {
      out = m;
      return true;
    }
  }
  return false;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// The versions of the files common/imwg-*.toml ("IMWG-2016").
std::set<std::string> VersionsIn(const std::string& root) {
  namespace fs = std::filesystem;
  std::set<std::string> versions;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(root) / "common", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("imwg-", 0) == 0 && it->path().extension() == ".toml") {
      versions.insert(Upper(it->path().stem().string()));
    }
  }
  return versions;
}

// "IMWG-2016, ..."
std::string KnownVersions(const std::string& root) {
  const std::set<std::string> versions = VersionsIn(root);
  std::string out;
  for (const auto& v : versions) out += (out.empty() ? "" : ", ") + v;
  return out.empty() ? "none" : out;
}

// A relative threshold in %: above 0 and at most 100 (nullopt when the key is absent).
std::optional<double> OptPercent(EntryReader& r, std::string_view key) {
  auto p = r.OptQty(key, QuantityKind::kFraction);
  if (p && (*p <= 0 || *p > 100)) r.Fail(Quoted(key) + " must be above 0 % and at most 100 %");
  return p;
}

void ReadFall(EntryReader& r, ResponseCriteria& c) {
  FallRule f;
  const std::string category = r.Str("category");
  if (category == "VGPR") {
    f.category = ResponseCategory::kVGPR;
  } else if (category == "PR") {
    f.category = ResponseCategory::kPR;
  } else if (category == "MR") {
    f.category = ResponseCategory::kMR;
  } else if (!category.empty()) {
    r.Fail("category must be VGPR, PR or MR (CR and sCR have their own sections), got " + Quoted(category));
  }
  f.marker = r.Str("marker");
  const bool known = std::any_of(std::begin(kFallSlots), std::end(kFallSlots),
                                 [&](const auto& s) { return s.category == f.category && s.marker == f.marker; });
  if (r.ok() && !known) {
    r.Fail("the criteria define no " + category + " rule for " + Quoted(f.marker) +
           " (known: VGPR/PR/MR for serum-m and urine-m, VGPR/PR for flc, PR for bmpc, PR/MR for plasmacytoma)");
  }
  const QuantityKind kind = KindOf(f.marker);
  const auto at_least = OptPercent(r, "fall_at_least");
  const auto above = OptPercent(r, "fall_above");
  const auto below = r.OptQty("below", kind);
  const auto or_below = r.OptQty("or_below", kind);
  if (at_least && above) r.Fail("give fall_at_least or fall_above, not both");
  f.fall_percent = at_least ? at_least : above;
  f.fall_strictly = above.has_value();
  if (below && f.fall_percent) r.Fail("a rule with a fall takes or_below, not below");
  if (or_below && !f.fall_percent) r.Fail("or_below needs fall_at_least or fall_above");
  f.below = below ? below : or_below;
  if (r.ok() && !f.fall_percent && !f.below) r.Fail("needs fall_at_least, fall_above or below");
  if (f.below && (f.marker == "bmpc" || f.marker == "plasmacytoma"))
    r.Fail("a " + f.marker + " rule takes a fall only");
  f.cite = r.Cite();
  c.falls.push_back(f);
}

void ReadProgression(EntryReader& r, ResponseCriteria& c) {
  ProgressionRule p;
  p.marker = r.Str("marker");
  if (r.ok() && std::find(std::begin(kProgressionMarkers), std::end(kProgressionMarkers), p.marker) ==
                    std::end(kProgressionMarkers)) {
    r.Fail("unknown marker " + Quoted(p.marker) + " (known: serum-m, urine-m, flc, bmpc, plasmacytoma, new-lesion)");
  }
  const QuantityKind kind = KindOf(p.marker);
  p.rise_percent = r.OptQty("rise_at_least", QuantityKind::kFraction);
  const auto at_least = r.OptQty("absolute_rise_at_least", kind);
  const auto above = r.OptQty("absolute_rise_above", kind);
  if (at_least && above) r.Fail("give absolute_rise_at_least or absolute_rise_above, not both");
  p.absolute_rise = at_least ? at_least : above;
  p.absolute_strictly = above.has_value();
  p.nadir_at_least = r.OptQty("nadir_at_least", kind);
  if (p.marker == "new-lesion") {
    if (p.rise_percent || p.absolute_rise || p.nadir_at_least) r.Fail("a new lesion is PD by itself: no thresholds");
  } else if (r.ok() && !p.rise_percent && !p.absolute_rise) {
    r.Fail("needs rise_at_least or an absolute rise");
  }
  if (p.rise_percent && *p.rise_percent <= 0) r.Fail("rise_at_least must be above 0 %");
  if (p.absolute_rise && *p.absolute_rise <= 0) r.Fail("the absolute rise must be above 0");
  p.cite = r.Cite();
  c.progression.push_back(p);
}

Status CheckComplete(const std::string& rel, const ResponseCriteria& c) {
  for (ResponseMarker m : kMarkers) {
    const auto n =
        std::count_if(c.measurable.begin(), c.measurable.end(), [&](const MeasurableRule& x) { return x.marker == m; });
    if (n != 1) {
      return Error::BadInput(rel, std::string(n == 0 ? "no" : "more than one") + " measurable entry for marker " +
                                      Quoted(ResponseMarkerId(m)));
    }
  }
  for (const auto& slot : kFallSlots) {
    const auto n = std::count_if(c.falls.begin(), c.falls.end(), [&](const FallRule& f) {
      return f.category == slot.category && f.marker == slot.marker;
    });
    if (n != 1) {
      return Error::BadInput(rel, std::string(n == 0 ? "no" : "more than one") + " category rule for " +
                                      std::string(ResponseCategoryId(slot.category)) + " " + Quoted(slot.marker));
    }
  }
  for (std::string_view m : kProgressionMarkers) {
    if (c.ProgressionFor(m).empty()) return Error::BadInput(rel, "no progression rule for " + Quoted(m));
  }
  if (c.ratio_normal_at_least <= 0 || c.ratio_normal_at_least >= c.ratio_normal_at_most) {
    return Error::BadInput(rel + ": flc_ratio", "normal_at_least must be above 0 and below normal_at_most");
  }
  return Status::Ok();
}

}  // namespace

std::string_view ResponseMarkerId(ResponseMarker m) {
  switch (m) {
    case ResponseMarker::kSerumM:
      return "serum-m";
    case ResponseMarker::kUrineM:
      return "urine-m";
    case ResponseMarker::kFlc:
      return "flc";
    case ResponseMarker::kBmpc:
      return "bmpc";
  }
  return "?";
}

std::string_view ResponseMarkerName(ResponseMarker m) {
  switch (m) {
    case ResponseMarker::kSerumM:
      return "serum M-protein";
    case ResponseMarker::kUrineM:
      return "24-hour urine M-protein";
    case ResponseMarker::kFlc:
      return "serum free light chains";
    case ResponseMarker::kBmpc:
      return "bone-marrow plasma cells";
  }
  return "?";
}

std::string_view ResponseCategoryId(ResponseCategory c) {
  switch (c) {
    case ResponseCategory::kPD:
      return "PD";
    case ResponseCategory::kSD:
      return "SD";
    case ResponseCategory::kMR:
      return "MR";
    case ResponseCategory::kPR:
      return "PR";
    case ResponseCategory::kVGPR:
      return "VGPR";
    case ResponseCategory::kCR:
      return "CR";
    case ResponseCategory::kSCR:
      return "sCR";
  }
  return "?";
}

const MeasurableRule& ResponseCriteria::Measurable(ResponseMarker m) const {
  // The loader guarantees exactly one entry per marker.
  return *std::find_if(measurable.begin(), measurable.end(), [&](const MeasurableRule& x) { return x.marker == m; });
}

const FallRule* ResponseCriteria::Fall(ResponseCategory c, std::string_view marker) const {
  for (const FallRule& f : falls) {
    if (f.category == c && f.marker == marker) return &f;
  }
  return nullptr;
}

std::vector<const ProgressionRule*> ResponseCriteria::ProgressionFor(std::string_view marker) const {
  std::vector<const ProgressionRule*> out;
  for (const ProgressionRule& p : progression) {
    if (p.marker == marker) out.push_back(&p);
  }
  return out;
}

bool ResponseCriteria::SingleObservation(std::string_view marker) const {
  return std::find(single_observation.begin(), single_observation.end(), marker) != single_observation.end();
}

Result<ResponseCriteria> LoadResponseCriteria(const std::string& knowledge_root, const std::string& version,
                                              const Vocabulary& vocab) {
  // A version names a knowledge file, so it is a short plain name before it comes near the file
  // system (a 255-byte name made std::filesystem::exists throw "File name too long").
  constexpr size_t kMaxVersion = 32;
  const bool plain = !version.empty() && version.size() <= kMaxVersion &&
                     std::all_of(version.begin(), version.end(),
                                 [](unsigned char ch) { return std::isalnum(ch) || ch == '-' || ch == '.'; });
  const std::string rel = "common/" + Lower(version) + ".toml";
  std::error_code ec;
  if (!plain || version.front() == '.' ||
      !std::filesystem::is_regular_file(std::filesystem::path(knowledge_root) / rel, ec)) {
    return Error::BadInput(
        "criteria", "unknown criteria version " + Quoted(version) + " (known: " + KnownVersions(knowledge_root) + ")");
  }
  ResponseCriteria c;
  c.units = vocab.units;
  auto f = KnowledgeFile::Open(knowledge_root, rel, Vocabulary{c.units, vocab.sources});
  if (!f.ok()) return f.error();
  LENACARE_TRY(
      f->CheckKeys({"file", "criteria", "measurable", "both_m_proteins", "flc_ratio", "stringent_complete_response",
                    "complete_response", "category", "progression", "confirmation"}));
  LENACARE_TRY(f->ReadHeader());
  LENACARE_TRY(f->One("criteria", {LENACARE_CITE_KEYS, "version", "citation", "nadir"}, [&](EntryReader& r) {
    c.version = r.Str("version");
    if (r.ok() && c.version != version) r.Fail("names version " + Quoted(c.version) + ", not " + Quoted(version));
    c.citation = r.Str("citation");
    const std::string nadir = r.Str("nadir");
    if (nadir == "lowest-confirmed") {
      c.nadir = NadirRule::kLowestConfirmed;
    } else if (nadir == "lowest") {
      c.nadir = NadirRule::kLowest;
    } else if (!nadir.empty()) {
      r.Fail("nadir must be lowest-confirmed or lowest, got " + Quoted(nadir));
    }
    c.cite = r.Cite();
  }));
  LENACARE_TRY(f->Each("measurable", {LENACARE_CITE_KEYS, "marker", "at_least"}, true, [&](EntryReader& r) {
    MeasurableRule m;
    const std::string marker = r.Str("marker");
    if (r.ok() && !ParseMarker(marker, m.marker)) {
      r.Fail("unknown marker " + Quoted(marker) + " (known: serum-m, urine-m, flc, bmpc)");
      return;
    }
    m.at_least = r.Qty("at_least", KindOf(marker));
    m.cite = r.Cite();
    c.measurable.push_back(m);
  }));
  LENACARE_TRY(f->One("both_m_proteins", {LENACARE_CITE_KEYS}, [&](EntryReader& r) { c.both_m_proteins = r.Cite(); }));
  LENACARE_TRY(f->One("flc_ratio", {LENACARE_CITE_KEYS, "normal_at_least", "normal_at_most"}, [&](EntryReader& r) {
    c.ratio_normal_at_least = r.Num("normal_at_least");
    c.ratio_normal_at_most = r.Num("normal_at_most");
    c.ratio_cite = r.Cite();
  }));
  LENACARE_TRY(f->One("stringent_complete_response", {LENACARE_CITE_KEYS}, [&](EntryReader& r) { c.scr = r.Cite(); }));
  LENACARE_TRY(f->One("complete_response", {LENACARE_CITE_KEYS, "marrow_plasma_cells_below"}, [&](EntryReader& r) {
    c.cr_marrow_below = r.Qty("marrow_plasma_cells_below", QuantityKind::kFraction);
    c.cr = r.Cite();
  }));
  LENACARE_TRY(f->Each("category",
                       {LENACARE_CITE_KEYS, "category", "marker", "fall_at_least", "fall_above", "below", "or_below"},
                       true, [&](EntryReader& r) { ReadFall(r, c); }));
  LENACARE_TRY(f->Each("progression",
                       {LENACARE_CITE_KEYS, "marker", "rise_at_least", "absolute_rise_at_least", "absolute_rise_above",
                        "nadir_at_least"},
                       true, [&](EntryReader& r) { ReadProgression(r, c); }));
  LENACARE_TRY(f->One(
      "confirmation", {LENACARE_CITE_KEYS, "consecutive_assessments", "single_observation"}, [&](EntryReader& r) {
        c.consecutive_assessments = r.Int("consecutive_assessments");
        if (r.ok() && c.consecutive_assessments < 1) r.Fail("consecutive_assessments must be at least 1");
        c.single_observation = r.StrList("single_observation");
        for (const auto& s : c.single_observation) {
          if (r.ok() && s != "bmpc" && s != "new-lesion" && s != "plasmacytoma") {
            r.Fail("single_observation: unknown finding " + Quoted(s) + " (known: bmpc, new-lesion, plasmacytoma)");
          }
        }
        c.confirmation = r.Cite();
      }));
  LENACARE_TRY(CheckComplete(rel, c));
  return c;
}

Result<std::vector<ResponseCriteria>> LoadAllResponseCriteria(const std::string& knowledge_root,
                                                              const Vocabulary& vocab) {
  std::vector<ResponseCriteria> all;
  for (const std::string& version : VersionsIn(knowledge_root)) {
    auto c = LoadResponseCriteria(knowledge_root, version, vocab);
    if (!c.ok()) return c.error();
    all.push_back(std::move(c).value());
  }
  return all;
}

}  // namespace lenacare
