// Myeloma response by the IMWG 2016 criteria (standards.md §1). Every expected category, edge and
// date comes from the standards file: measurable disease (§1.2), categories (§1.3, §1.7),
// progression from the confirmed nadir (§1.4), confirmation (§1.6). The knowledge file
// (knowledge/common/imwg-2016.toml), its loader, the series parser and the classifier are what is
// under test.
#include "clinical/response.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "course/response_json.h"
#include "knowledge/response_criteria.h"
#include "test_support.h"

namespace lenacare {
namespace {

namespace fs = std::filesystem;

const ResponseCriteria& C() {
  static const ResponseCriteria* c = [] {
    auto loaded = LoadResponseCriteria(testing::KnowledgeDir(), "IMWG-2016", testing::K().vocab());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.error().Describe();
      std::abort();
    }
    return new ResponseCriteria(std::move(loaded).value());
  }();
  return *c;
}

// One date's results, in the canonical units (g/dL, mg/24h, mg/dL, %, cm2). Without a date the
// series builder dates it: the baseline 2026-01-01, then every 28 days.
struct P {
  std::optional<double> serum = {}, urine = {}, kappa = {}, lambda = {}, bmpc = {}, spd = {};
  std::optional<std::string> sife = {}, uife = {}, clonal = {};
  bool new_lesion = false;
};

std::optional<Measured> M(std::optional<double> v, const char* unit) {
  if (!v) return std::nullopt;
  return Measured{*v, unit};
}

MarkerResults Results(const P& p, int index) {
  MarkerResults r;
  r.date = Date::FromCivil(2026, 1, 1).AddDays(28 * index);
  r.serum_m = M(p.serum, "g/dL");
  r.urine_m = M(p.urine, "mg/24h");
  r.kappa = M(p.kappa, "mg/dL");
  r.lambda = M(p.lambda, "mg/dL");
  r.bmpc = M(p.bmpc, "%");
  r.plasmacytoma_spd = M(p.spd, "cm2");
  auto ife = [](const std::optional<std::string>& s) -> std::optional<Immunofixation> {
    if (!s) return std::nullopt;
    return *s == "negative" ? Immunofixation::kNegative : Immunofixation::kPositive;
  };
  r.serum_ife = ife(p.sife);
  r.urine_ife = ife(p.uife);
  if (p.clonal) r.clonal_plasma_cells = *p.clonal == "present";
  r.new_lesion = p.new_lesion;
  return r;
}

ResponseSeries Series(const P& baseline, const std::vector<P>& assessments) {
  ResponseSeries s;
  s.criteria = "IMWG-2016";
  s.baseline = Results(baseline, 0);
  for (size_t i = 0; i < assessments.size(); ++i)
    s.assessments.push_back(Results(assessments[i], static_cast<int>(i + 1)));
  return s;
}

ResponseAnswer Classify(const P& baseline, const std::vector<P>& assessments) {
  return ClassifyResponse(C(), Series(baseline, assessments));
}

std::string Cat(ResponseCategory c) { return std::string(ResponseCategoryId(c)); }
std::string Cat(const std::optional<ResponseCategory>& c) { return c ? Cat(*c) : "none"; }

std::string Categories(const ResponseAnswer& a) {
  std::string out;
  for (const auto& x : a.assessments) out += (out.empty() ? "" : " ") + Cat(x.category);
  return out;
}

std::string Dump(const ResponseAnswer& a) {
  std::ostringstream out;
  out << (a.assessed ? "assessed" : "cannot-assess: " + a.reason_field + ": " + a.reason) << "\n";
  for (const auto& s : a.steps) out << "  " << s << "\n";
  return out.str();
}

Date Day(int index) { return Date::FromCivil(2026, 1, 1).AddDays(28 * index); }

// ---------------------------------------------------------------------------------------------
// The knowledge file

TEST(ResponseCriteria, LoadsTheImwg2016FileWithItsNumbers) {
  const ResponseCriteria& c = C();
  EXPECT_EQ(c.version, "IMWG-2016");
  EXPECT_EQ(c.nadir, NadirRule::kLowestConfirmed);
  EXPECT_DOUBLE_EQ(c.Measurable(ResponseMarker::kSerumM).at_least, 1.0);  // §1.2 1.0 g/dL
  EXPECT_DOUBLE_EQ(c.Measurable(ResponseMarker::kUrineM).at_least, 200);  // §1.2 200 mg/24h
  EXPECT_DOUBLE_EQ(c.Measurable(ResponseMarker::kFlc).at_least, 10);      // §1.2 10 mg/dL
  EXPECT_DOUBLE_EQ(c.Measurable(ResponseMarker::kBmpc).at_least, 30);     // §1.2 30 %
  EXPECT_DOUBLE_EQ(c.ratio_normal_at_least, 0.26);                        // §1.2
  EXPECT_DOUBLE_EQ(c.ratio_normal_at_most, 1.65);                         // §1.2
  EXPECT_DOUBLE_EQ(c.cr_marrow_below, 5);                                 // §1.3 <5 %
  EXPECT_DOUBLE_EQ(*c.Fall(ResponseCategory::kVGPR, "serum-m")->fall_percent, 90);
  EXPECT_DOUBLE_EQ(*c.Fall(ResponseCategory::kVGPR, "urine-m")->below, 100);
  EXPECT_DOUBLE_EQ(*c.Fall(ResponseCategory::kPR, "urine-m")->fall_percent, 90);
  EXPECT_DOUBLE_EQ(*c.Fall(ResponseCategory::kPR, "urine-m")->below, 200);
  EXPECT_TRUE(c.Fall(ResponseCategory::kVGPR, "flc")->fall_strictly);  // §1.7 >90 %
  EXPECT_EQ(c.Fall(ResponseCategory::kMR, "flc"), nullptr);            // §1.7 MR not defined
  EXPECT_EQ(c.consecutive_assessments, 2);                             // §1.6
  for (const auto& f : c.falls) EXPECT_TRUE(f.cite.verified) << f.cite.id;
  for (const auto& p : c.progression) EXPECT_FALSE(p.cite.source.empty()) << p.cite.id;
}

TEST(ResponseCriteria, UnknownVersionIsBadInputOnTheCriteriaField) {
  for (const char* v : {"IMWG-2011", "../units", ""}) {
    auto c = LoadResponseCriteria(testing::KnowledgeDir(), v, testing::K().vocab());
    ASSERT_FALSE(c.ok()) << v;
    EXPECT_EQ(c.error().field, "criteria");
    EXPECT_NE(c.error().message.find("IMWG-2016"), std::string::npos) << c.error().message;
  }
}

// A copy of the knowledge file with one text replaced, loaded from a scratch directory.
Result<ResponseCriteria> LoadEdited(const std::string& from, const std::string& to) {
  const fs::path dir = fs::temp_directory_path() / ("lenacare-response-" + std::to_string(::getpid()));
  fs::create_directories(dir / "common");
  std::ifstream in(testing::KnowledgeDir() + "/common/imwg-2016.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  std::ofstream(dir / "common" / "imwg-2016.toml") << text;
  auto c = LoadResponseCriteria(dir.string(), "IMWG-2016", testing::K().vocab());
  fs::remove_all(dir);
  return c;
}

TEST(ResponseCriteria, RefusesABrokenFileNamingFileEntryAndProblem) {
  struct Case {
    std::string from, to, expect_field, expect_message;
  } cases[] = {
      {"at_least = \"1.0 g/dL\"", "at_least = 1.0", "common/imwg-2016.toml: measurable 'serum-m'", "has no unit"},
      {"at_least = \"1.0 g/dL\"", "at_least = \"1.0 mg/dL\"", "common/imwg-2016.toml: measurable 'serum-m'",
       "does not fit"},
      {"fall_at_least = \"90 %\"", "fall_at_least = \"90 %\"\nthreshold = 3",
       "common/imwg-2016.toml: category 'vgpr-serum-m'", "unknown field 'threshold'"},
      {"id = \"pd-urine-m\"\nmarker = \"urine-m\"\nrise_at_least = \"25 %\"\nabsolute_rise_at_least = \"200 mg/24h\"\n"
       "cite = [\"IMWG-2016 response criteria: progressive disease\"]",
       "id = \"pd-urine-m\"\nmarker = \"urine-m\"\nrise_at_least = \"25 %\"\nabsolute_rise_at_least = \"200 mg/24h\"",
       "common/imwg-2016.toml: progression 'pd-urine-m'", "no cite"},
      {"id = \"pr-flc\"\ncategory = \"PR\"\nmarker = \"flc\"\nfall_at_least = \"50 %\"\n"
       "cite = [\"IMWG-2016 response criteria: partial response\"]\nconfidence = \"standard\"",
       "id = \"pr-flc\"\ncategory = \"PR\"\nmarker = \"flc\"\nfall_at_least = \"50 %\"\n"
       "cite = [\"IMWG-2016 response criteria: partial response\"]\nconfidence = \"unconfirmed\"",
       "common/imwg-2016.toml: category 'pr-flc'", "confidence 'unconfirmed' is not a verified confidence"},
      {"version = \"IMWG-2016\"", "version = \"IMWG-2011\"", "common/imwg-2016.toml: criteria 'imwg-2016'",
       "names version"},
      {"category = \"MR\"\nmarker = \"serum-m\"", "category = \"MR\"\nmarker = \"flc\"",
       "common/imwg-2016.toml: category 'mr-serum-m'", "no MR rule for 'flc'"},
      {"absolute_rise_above = \"10 mg/dL\"", "absolute_rise_above = \"10 mg/dL\"\nabsolute_rise_at_least = \"1 mg/dL\"",
       "common/imwg-2016.toml: progression 'pd-flc'", "not both"},
      {"[[progression]]\nid = \"pd-bmpc\"", "[[unused]]\nid = \"pd-bmpc\"", "common/imwg-2016.toml", "unknown section"},
  };
  for (const Case& c : cases) {
    auto loaded = LoadEdited(c.from, c.to);
    ASSERT_FALSE(loaded.ok()) << c.to;
    EXPECT_EQ(loaded.error().field, c.expect_field) << loaded.error().Describe();
    EXPECT_NE(loaded.error().message.find(c.expect_message), std::string::npos) << loaded.error().Describe();
  }
}

TEST(ResponseCriteria, AMissingRuleIsRefused) {
  auto loaded = LoadEdited("[[category]]\nid = \"pr-bmpc\"", "[[category]]\nid = \"pr-bmpc-x\"");
  ASSERT_TRUE(loaded.ok());  // renaming alone is fine
  loaded = LoadEdited("category = \"PR\"\nmarker = \"bmpc\"", "category = \"PR\"\nmarker = \"flc\"");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("more than one category rule for PR 'flc'"), std::string::npos)
      << loaded.error().Describe();
}

// ---------------------------------------------------------------------------------------------
// §1.2 Measurable disease at baseline: each threshold on both sides of its edge.

struct MeasurableCase {
  std::string name;
  P baseline;
  std::optional<ResponseMarker> marker;  // nullopt: not measurable (cannot-assess)
};

TEST(ResponseMeasurable, EachMarkerOnBothSidesOfItsThreshold) {
  const MeasurableCase cases[] = {
      {"serum 1.0 g/dL", {.serum = 1.0}, ResponseMarker::kSerumM},
      {"serum 0.99 g/dL", {.serum = 0.99}, std::nullopt},
      {"urine 200 mg/24h", {.serum = 0.5, .urine = 200}, ResponseMarker::kUrineM},
      {"urine 199 mg/24h", {.serum = 0.5, .urine = 199}, std::nullopt},
      {"serum before urine", {.serum = 1.0, .urine = 500}, ResponseMarker::kSerumM},
      {"kappa 10 mg/dL, ratio 10", {.serum = 0.5, .urine = 100, .kappa = 10, .lambda = 1}, ResponseMarker::kFlc},
      {"kappa 9.9 mg/dL, ratio 9.9", {.serum = 0.5, .urine = 100, .kappa = 9.9, .lambda = 1}, std::nullopt},
      {"ratio 1.65 is normal", {.kappa = 16.5, .lambda = 10}, std::nullopt},
      {"ratio 1.66 is abnormal", {.kappa = 16.6, .lambda = 10}, ResponseMarker::kFlc},
      {"ratio 0.26 is normal", {.kappa = 2.6, .lambda = 10}, std::nullopt},
      {"ratio 0.25, lambda 10 involved", {.kappa = 2.5, .lambda = 10}, ResponseMarker::kFlc},
      {"M-protein measurable: FLC not used", {.serum = 1.2, .kappa = 100, .lambda = 1}, ResponseMarker::kSerumM},
      {"bmpc 30 %", {.serum = 0.2, .bmpc = 30}, ResponseMarker::kBmpc},
      {"bmpc 29 %", {.serum = 0.2, .bmpc = 29}, std::nullopt},
      {"FLC before bmpc", {.kappa = 20, .lambda = 1, .bmpc = 60}, ResponseMarker::kFlc},
  };
  for (const auto& c : cases) {
    // One later assessment with every marker, so that only the baseline decides.
    const ResponseAnswer a = Classify(c.baseline, {{.serum = 0.5, .urine = 100, .kappa = 10, .lambda = 1, .bmpc = 30}});
    if (c.marker) {
      ASSERT_TRUE(a.assessed) << c.name << Dump(a);
      EXPECT_EQ(a.marker, c.marker) << c.name;
    } else {
      EXPECT_FALSE(a.assessed) << c.name;
      EXPECT_EQ(a.reason_field, "baseline") << c.name;
      EXPECT_NE(a.reason.find("no measurable disease"), std::string::npos) << c.name;
    }
  }
}

TEST(ResponseMeasurable, BothMProteinsMeasurableAreBothFollowed) {
  const ResponseAnswer a = Classify({.serum = 2.0, .urine = 1000}, {{.serum = 0.8, .urine = 400}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  ASSERT_EQ(a.followed.size(), 2u);
  EXPECT_EQ(a.followed[1], ResponseMarker::kUrineM);
  // Serum fell 60 % (PR) but urine only 60 % and still >= 200 mg/24h: both must meet PR, so MR.
  EXPECT_EQ(Cat(a.assessments[0].category), "MR") << a.assessments[0].reasoning;
  EXPECT_NE(a.assessments[0].reasoning.find("not PR"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// §1.3 Categories: each threshold on both sides of its edge (one assessment, its own category).

struct CategoryCase {
  std::string name;
  P baseline, at;
  std::string expected;
};

TEST(ResponseCategories, EachThresholdOnBothSidesOfItsEdge) {
  // Serum-measurable disease; urine given and low (not measurable) so it never blocks.
  const P serum{.serum = 2.0, .urine = 50};
  // Urine-only disease.
  const P urine1000{.serum = 0.5, .urine = 1000}, urine3000{.serum = 0.5, .urine = 3000};
  // FLC-only disease: dFLC 100 mg/dL.
  const P flc{.kappa = 101, .lambda = 1};
  const CategoryCase cases[] = {
      {"serum 24 % fall", serum, {.serum = 1.52, .urine = 50}, "SD"},
      {"serum 25 % fall", serum, {.serum = 1.5, .urine = 50}, "MR"},
      {"serum 49 % fall", serum, {.serum = 1.02, .urine = 50}, "MR"},
      {"serum 50 % fall", serum, {.serum = 1.0, .urine = 50}, "PR"},
      {"serum 89 % fall", serum, {.serum = 0.22, .urine = 50}, "PR"},
      {"serum 90 % fall", serum, {.serum = 0.2, .urine = 50}, "VGPR"},
      {"serum 90 % fall, urine 100 mg/24h", serum, {.serum = 0.2, .urine = 100}, "PR"},
      {"serum 90 % fall, urine 99 mg/24h", serum, {.serum = 0.2, .urine = 99}, "VGPR"},
      {"serum 90 % fall, urine not given: not inferred", serum, {.serum = 0.2}, "MR"},
      {"urine 49 % fall", urine1000, {.serum = 0.5, .urine = 510}, "SD"},
      {"urine 50 % fall", urine1000, {.serum = 0.5, .urine = 500}, "MR"},
      {"urine 200 mg/24h (80 % fall)", urine1000, {.serum = 0.5, .urine = 200}, "MR"},
      {"urine 199 mg/24h", urine1000, {.serum = 0.5, .urine = 199}, "PR"},
      {"urine 89 % fall, 330 mg/24h", urine3000, {.serum = 0.5, .urine = 330}, "MR"},
      {"urine 90 % fall, 300 mg/24h", urine3000, {.serum = 0.5, .urine = 300}, "PR"},
      {"urine 100 mg/24h", urine1000, {.serum = 0.5, .urine = 100}, "PR"},
      {"urine 99 mg/24h", urine1000, {.serum = 0.5, .urine = 99}, "VGPR"},
      {"dFLC 49.9 % fall", flc, {.kappa = 51.1, .lambda = 1}, "SD"},
      {"dFLC 50 % fall", flc, {.kappa = 51, .lambda = 1}, "PR"},
      {"dFLC 90 % fall is not > 90 %", flc, {.kappa = 11, .lambda = 1}, "PR"},
      {"dFLC 90.1 % fall", flc, {.kappa = 10.9, .lambda = 1}, "VGPR"},
      {"dFLC 30 % fall: no MR for FLC", flc, {.kappa = 71, .lambda = 1}, "SD"},
      {"bmpc 49 % fall", {.bmpc = 40}, {.bmpc = 20.4}, "SD"},
      {"bmpc 50 % fall", {.bmpc = 40}, {.bmpc = 20}, "PR"},
      {"bmpc 100 % fall: only PR is defined", {.bmpc = 40}, {.bmpc = 0}, "PR"},
  };
  for (const auto& c : cases) {
    const ResponseAnswer a = Classify(c.baseline, {c.at});
    ASSERT_TRUE(a.assessed) << c.name << Dump(a);
    EXPECT_EQ(Cat(a.assessments[0].category), c.expected) << c.name << ": " << a.assessments[0].reasoning;
  }
}

TEST(ResponseCategories, CompleteAndStringentCompleteResponse) {
  const P base{.serum = 2.0, .urine = 300, .kappa = 50, .lambda = 1, .sife = "positive", .uife = "positive"};
  const P cr{.serum = 0, .urine = 0, .kappa = 1.65, .lambda = 1, .bmpc = 4.9, .sife = "negative", .uife = "negative"};
  auto with = [](P p, auto change) {
    change(p);
    return p;
  };
  const CategoryCase cases[] = {
      {"CR: negative IFE, marrow 4.9 %", base, cr, "CR"},
      {"marrow 5 %: not CR", base, with(cr, [](P& p) { p.bmpc = 5; }), "VGPR"},
      {"no marrow since baseline: not CR", base, with(cr, [](P& p) { p.bmpc.reset(); }), "VGPR"},
      {"urine IFE positive: not CR", base, with(cr, [](P& p) { p.uife = "positive"; }), "VGPR"},
      {"serum IFE not given: not CR", base, with(cr, [](P& p) { p.sife.reset(); }), "VGPR"},
      {"sCR: ratio 1.65 normal, no clonal cells", base, with(cr, [](P& p) { p.clonal = "absent"; }), "sCR"},
      {"ratio 1.66: CR, not sCR", base,
       with(cr,
            [](P& p) {
              p.clonal = "absent";
              p.kappa = 1.66;
            }),
       "CR"},
      {"ratio 0.26 normal: sCR", base,
       with(cr,
            [](P& p) {
              p.clonal = "absent";
              p.kappa = 0.26;
            }),
       "sCR"},
      {"ratio 0.25: CR", base,
       with(cr,
            [](P& p) {
              p.clonal = "absent";
              p.kappa = 0.25;
            }),
       "CR"},
      {"clonal cells present: CR", base, with(cr, [](P& p) { p.clonal = "present"; }), "CR"},
      {"FLC-only disease: CR needs a normal ratio", P{.kappa = 50, .lambda = 1}, with(cr, [](P& p) { p.kappa = 1.7; }),
       "VGPR"},
      {"FLC-only disease: CR", P{.kappa = 50, .lambda = 1}, cr, "CR"},
  };
  for (const auto& c : cases) {
    const ResponseAnswer a = Classify(c.baseline, {c.at});
    ASSERT_TRUE(a.assessed) << c.name << Dump(a);
    EXPECT_EQ(Cat(a.assessments[0].category), c.expected) << c.name << ": " << a.assessments[0].reasoning;
  }
}

TEST(ResponseCategories, PlasmacytomaMustShrinkForPrAndMrAndBeGoneForCr) {
  const P base{.serum = 2.0, .urine = 50, .spd = 10};
  const CategoryCase cases[] = {
      {"serum PR, SPD 50 % smaller", base, {.serum = 1.0, .urine = 50, .spd = 5}, "PR"},
      {"serum PR, SPD 49 % smaller: MR", base, {.serum = 1.0, .urine = 50, .spd = 5.1}, "MR"},
      {"serum PR, SPD 25 % smaller: MR", base, {.serum = 1.0, .urine = 50, .spd = 7.5}, "MR"},
      {"serum PR, SPD 24 % smaller: SD", base, {.serum = 1.0, .urine = 50, .spd = 7.6}, "SD"},
      {"serum PR, no imaging since baseline: SD", base, {.serum = 1.0, .urine = 50}, "SD"},
      {"CR needs the plasmacytoma gone",
       base,
       {.serum = 0, .urine = 0, .bmpc = 1, .spd = 1, .sife = "negative", .uife = "negative"},
       "VGPR"},
      {"CR with the plasmacytoma gone",
       base,
       {.serum = 0, .urine = 0, .bmpc = 1, .spd = 0, .sife = "negative", .uife = "negative"},
       "CR"},
  };
  for (const auto& c : cases) {
    const ResponseAnswer a = Classify(c.baseline, {c.at});
    ASSERT_TRUE(a.assessed) << c.name << Dump(a);
    EXPECT_EQ(Cat(a.assessments[0].category), c.expected) << c.name << ": " << a.assessments[0].reasoning;
  }
}

// ---------------------------------------------------------------------------------------------
// §1.4 Progression from the confirmed nadir: each rule on both sides of its edge. The nadir is
// set by two equal assessments; the third assessment is judged.

struct ProgressionCase {
  std::string name;
  P baseline, nadir, at;
  bool pd;
};

TEST(ResponseProgression, EachRuleOnBothSidesOfItsEdge) {
  const P serum8{.serum = 8.0, .urine = 50};
  const P urine{.serum = 0.5, .urine = 2000};
  const P flc{.kappa = 101, .lambda = 1};
  auto s = [](double v) { return P{.serum = v, .urine = 50}; };
  auto u = [](double v) { return P{.serum = 0.5, .urine = v}; };
  auto f = [](double dflc) { return P{.kappa = dflc + 1, .lambda = 1}; };
  const ProgressionCase cases[] = {
      // serum: >= 25 % and >= 0.5 g/dL
      {"serum +24 % (0.576 g/dL) from 2.4", serum8, s(2.4), s(2.976), false},
      {"serum +25 % (0.6 g/dL) from 2.4", serum8, s(2.4), s(3.0), true},
      {"serum +0.49 g/dL (49 %) from 1.0", serum8, s(1.0), s(1.49), false},
      {"serum +0.5 g/dL (50 %) from 1.0", serum8, s(1.0), s(1.5), true},
      {"serum from a nadir of 0: +0.5 g/dL", serum8, s(0), s(0.5), true},
      {"serum from a nadir of 0: +0.49 g/dL", serum8, s(0), s(0.49), false},
      // high nadir: >= 5 g/dL, then +1 g/dL suffices
      {"nadir 5.0 g/dL, +1.0 g/dL (20 %)", serum8, s(5.0), s(6.0), true},
      {"nadir 5.0 g/dL, +0.99 g/dL", serum8, s(5.0), s(5.99), false},
      {"nadir 4.9 g/dL, +1.0 g/dL (20.4 %)", serum8, s(4.9), s(5.9), false},
      // urine: >= 25 % and >= 200 mg/24h
      {"urine +24.9 % (199 mg/24h) from 800", urine, u(800), u(999), false},
      {"urine +25 % (200 mg/24h) from 800", urine, u(800), u(1000), true},
      {"urine +199 mg/24h (49.8 %) from 400", urine, u(400), u(599), false},
      {"urine +200 mg/24h (50 %) from 400", urine, u(400), u(600), true},
      // dFLC: >= 25 % and > 10 mg/dL
      {"dFLC +10 mg/dL (50 %) from 20: not > 10", flc, f(20), f(30), false},
      {"dFLC +10.1 mg/dL from 20", flc, f(20), f(30.1), true},
      {"dFLC +24.8 % (11.9 mg/dL) from 48", flc, f(48), f(59.9), false},
      {"dFLC +25 % (12 mg/dL) from 48", flc, f(48), f(60), true},
  };
  for (const auto& c : cases) {
    const ResponseAnswer a = Classify(c.baseline, {c.nadir, c.nadir, c.at});
    ASSERT_TRUE(a.assessed) << c.name << Dump(a);
    EXPECT_EQ(a.assessments[2].category == ResponseCategory::kPD, c.pd) << c.name << ": " << a.assessments[2].reasoning;
  }
}

TEST(ResponseProgression, MarrowPlasmaCellsAreASingleObservation) {
  // BMPC-only disease: >= 25 % and an absolute rise >= 10 percentage points; marrow needs no repeat.
  const ProgressionCase cases[] = {
      {"bmpc 10 -> 19.9 %", {.bmpc = 40}, {.bmpc = 10}, {.bmpc = 19.9}, false},
      {"bmpc 10 -> 20 %", {.bmpc = 40}, {.bmpc = 10}, {.bmpc = 20}, true},
      {"bmpc 50 -> 62.4 % (+24.8 %)", {.bmpc = 60}, {.bmpc = 50}, {.bmpc = 62.4}, false},
      {"bmpc 50 -> 62.5 % (+25 %)", {.bmpc = 60}, {.bmpc = 50}, {.bmpc = 62.5}, true},
  };
  for (const auto& c : cases) {
    const ResponseAnswer a = Classify(c.baseline, {c.nadir, c.at});
    ASSERT_TRUE(a.assessed) << c.name << Dump(a);
    EXPECT_EQ(a.assessments[1].category == ResponseCategory::kPD, c.pd) << c.name << ": " << a.assessments[1].reasoning;
    if (c.pd) {
      EXPECT_TRUE(a.assessments[1].confirmed) << c.name;
      EXPECT_EQ(a.progression_date, Day(2)) << c.name;
    }
  }
}

TEST(ResponseProgression, TheNadirIsTheLowestConfirmedValueNotASingleLowOne) {
  // 4.0 -> 2.0, 1.0 (alone), 2.0, 2.4: the confirmed nadir is 2.0 (held on two consecutive
  // assessments), so +0.4 g/dL is not PD. The 2006/2011 "lowest value" (1.0) would have called it.
  const ResponseAnswer a = Classify({.serum = 4.0, .urine = 50}, {{.serum = 2.0, .urine = 50},
                                                                  {.serum = 1.0, .urine = 50},
                                                                  {.serum = 2.0, .urine = 50},
                                                                  {.serum = 2.4, .urine = 50}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_NE(a.assessments[3].category, ResponseCategory::kPD) << a.assessments[3].reasoning;
  EXPECT_NE(a.assessments[3].reasoning.find("above the nadir 2 g/dL"), std::string::npos) << a.assessments[3].reasoning;
  ASSERT_FALSE(a.nadirs.empty());
  EXPECT_DOUBLE_EQ(a.nadirs[0].value, 2.0);
}

TEST(ResponseProgression, ANewLesionIsPdWithoutRepeat) {
  const ResponseAnswer a = Classify({.serum = 3.0, .urine = 50},
                                    {{.serum = 1.0, .urine = 50}, {.serum = 1.0, .urine = 50, .new_lesion = true}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Cat(a.assessments[1].category), "PD");
  EXPECT_TRUE(a.assessments[1].confirmed);
  EXPECT_EQ(a.progression_first, Day(2));
  EXPECT_EQ(a.progression_date, Day(2));
}

// ---------------------------------------------------------------------------------------------
// §1.6 Confirmation and the scenarios

TEST(ResponseScenario, SteadyFallToVgprThenCr) {
  const ResponseAnswer a =
      Classify({.serum = 3.2, .urine = 450, .sife = "positive", .uife = "positive"},
               {{.serum = 1.4, .urine = 120},
                {.serum = 0.9, .urine = 60},
                {.serum = 0.3, .urine = 40},
                {.serum = 0.2, .urine = 20},
                {.serum = 0,
                 .urine = 0,
                 .kappa = 1.4,
                 .lambda = 1.1,
                 .bmpc = 2,
                 .sife = "negative",
                 .uife = "negative",
                 .clonal = "present"},
                {.serum = 0, .urine = 0, .kappa = 1.3, .lambda = 1.2, .sife = "negative", .uife = "negative"}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Categories(a), "PR PR VGPR VGPR CR CR");
  for (size_t i = 0; i + 1 < a.assessments.size(); ++i) EXPECT_TRUE(a.assessments[i].confirmed) << i;
  EXPECT_FALSE(a.assessments.back().confirmed);
  EXPECT_TRUE(a.assessments.back().awaiting_confirmation);
  EXPECT_EQ(Cat(a.best_response), "CR");
  EXPECT_EQ(Cat(a.current_response), "CR");
  EXPECT_FALSE(a.progression_date);
  EXPECT_TRUE(a.verified);
}

TEST(ResponseScenario, AResponseSeenOnceIsNotConfirmed) {
  // VGPR once, then PR: the PR level is confirmed, VGPR is not.
  const ResponseAnswer a =
      Classify({.serum = 2.0, .urine = 50}, {{.serum = 0.2, .urine = 50}, {.serum = 0.8, .urine = 50}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Categories(a), "VGPR PR");
  EXPECT_FALSE(a.assessments[0].confirmed);
  EXPECT_EQ(Cat(a.best_response), "PR");
  EXPECT_EQ(Cat(a.current_response), "PR");
}

TEST(ResponseScenario, OneAssessmentConfirmsNothingYet) {
  const ResponseAnswer a = Classify({.serum = 2.0, .urine = 50}, {{.serum = 0.8, .urine = 50}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Cat(a.best_response), "none");
  EXPECT_EQ(Cat(a.current_response), "none");
  EXPECT_TRUE(a.assessments[0].awaiting_confirmation);
}

TEST(ResponseScenario, ASingleHighValueIsNotConfirmedPd) {
  // Nadir 1.0 g/dL (confirmed), one value at 2.0 (PD by itself), then back to 1.1: no progression.
  const ResponseAnswer a = Classify({.serum = 4.0, .urine = 50}, {{.serum = 1.0, .urine = 50},
                                                                  {.serum = 1.0, .urine = 50},
                                                                  {.serum = 2.0, .urine = 50},
                                                                  {.serum = 1.1, .urine = 50},
                                                                  {.serum = 1.1, .urine = 50}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Categories(a), "PR PR PD PR PR");
  EXPECT_FALSE(a.assessments[2].confirmed);
  EXPECT_FALSE(a.progression_date);
  EXPECT_EQ(Cat(a.best_response), "PR");
  EXPECT_EQ(Cat(a.current_response), "PR");
}

TEST(ResponseScenario, UnconfirmedPdAtTheEndLeavesTheCurrentResponseOpen) {
  const ResponseAnswer a =
      Classify({.serum = 4.0, .urine = 50},
               {{.serum = 1.0, .urine = 50}, {.serum = 1.0, .urine = 50}, {.serum = 2.0, .urine = 50}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Cat(a.current_response), "none");
  EXPECT_EQ(Cat(a.best_response), "PR");
  EXPECT_TRUE(std::any_of(a.steps.begin(), a.steps.end(), [](const std::string& step) {
    return step.find("meets PD") != std::string::npos;
  })) << Dump(a);
}

TEST(ResponseScenario, ConfirmedPdWhereTheRelativeRuleDecidesFirst) {
  // Nadir 2.4 g/dL: 2.976 is +0.576 g/dL but only +24 % (no PD); 3.0 is +25 % (PD), 3.1 confirms.
  const ResponseAnswer a = Classify({.serum = 6.0, .urine = 50}, {{.serum = 2.4, .urine = 50},
                                                                  {.serum = 2.4, .urine = 50},
                                                                  {.serum = 2.976, .urine = 50},
                                                                  {.serum = 3.0, .urine = 50},
                                                                  {.serum = 3.1, .urine = 50}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Categories(a), "PR PR PR PD PD");
  EXPECT_NE(a.assessments[2].reasoning.find("not PD"), std::string::npos) << a.assessments[2].reasoning;
  EXPECT_EQ(a.progression_first, Day(4));
  EXPECT_EQ(a.progression_date, Day(5));
  EXPECT_EQ(Cat(a.current_response), "PD");
  EXPECT_EQ(Cat(a.best_response), "PR");
}

TEST(ResponseScenario, ConfirmedPdWhereTheAbsoluteRuleDecidesFirst) {
  // Nadir 1.0 g/dL: 1.49 is +49 % but only +0.49 g/dL (no PD); 1.5 is +0.5 g/dL (PD), 1.6 confirms.
  const ResponseAnswer a = Classify({.serum = 4.0, .urine = 50}, {{.serum = 1.0, .urine = 50},
                                                                  {.serum = 1.0, .urine = 50},
                                                                  {.serum = 1.49, .urine = 50},
                                                                  {.serum = 1.5, .urine = 50},
                                                                  {.serum = 1.6, .urine = 50}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Categories(a), "PR PR PR PD PD");
  EXPECT_EQ(a.progression_first, Day(4));
  EXPECT_EQ(a.progression_date, Day(5));
  // Later assessments do not change the best response.
  EXPECT_EQ(Cat(a.best_response), "PR");
}

TEST(ResponseScenario, HighNadirProgressesByOneGramPerDecilitre) {
  // Nadir 5.0 g/dL (MR from 8.0): 6.0 and 6.1 are +1 g/dL, +20-22 %: PD by the high-nadir rule.
  const ResponseAnswer pd = Classify({.serum = 8.0, .urine = 50}, {{.serum = 5.0, .urine = 50},
                                                                   {.serum = 5.0, .urine = 50},
                                                                   {.serum = 6.0, .urine = 50},
                                                                   {.serum = 6.1, .urine = 50}});
  ASSERT_TRUE(pd.assessed) << Dump(pd);
  EXPECT_EQ(Categories(pd), "MR MR PD PD");
  EXPECT_EQ(pd.progression_date, Day(4));
  ASSERT_FALSE(pd.assessments[2].rules.empty());
  EXPECT_EQ(pd.assessments[2].rules[0].id, "pd-serum-m-high-nadir");
  // The same rise from 4.9 g/dL is not PD.
  const ResponseAnswer no = Classify({.serum = 8.0, .urine = 50}, {{.serum = 4.9, .urine = 50},
                                                                   {.serum = 4.9, .urine = 50},
                                                                   {.serum = 5.9, .urine = 50},
                                                                   {.serum = 6.0, .urine = 50}});
  ASSERT_TRUE(no.assessed) << Dump(no);
  EXPECT_EQ(Categories(no), "MR MR MR MR");
  EXPECT_FALSE(no.progression_date);
}

TEST(ResponseScenario, LightChainOnlyDiseaseFollowedByFreeLightChains) {
  // Lambda light-chain myeloma: no measurable M-protein; lambda 80 mg/dL, kappa 1 mg/dL (ratio
  // 0.0125): dFLC 79 mg/dL. PR, VGPR, then CR with negative IFE and a normal ratio.
  const ResponseAnswer a = Classify(
      {.serum = 0, .urine = 150, .kappa = 1, .lambda = 80},
      {{.serum = 0, .urine = 60, .kappa = 1, .lambda = 30},
       {.serum = 0, .urine = 40, .kappa = 1, .lambda = 20},
       {.serum = 0, .urine = 10, .kappa = 1, .lambda = 5},
       {.serum = 0, .urine = 0, .kappa = 1, .lambda = 4},
       {.serum = 0, .urine = 0, .kappa = 1.2, .lambda = 1.5, .bmpc = 1, .sife = "negative", .uife = "negative"},
       {.serum = 0, .urine = 0, .kappa = 1.2, .lambda = 1.4, .sife = "negative", .uife = "negative"}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(a.marker, ResponseMarker::kFlc);
  EXPECT_EQ(Categories(a), "PR PR VGPR VGPR CR CR");
  EXPECT_EQ(Cat(a.best_response), "CR");
  ASSERT_FALSE(a.nadirs.empty());
  EXPECT_EQ(a.nadirs[0].marker, "flc");
}

TEST(ResponseScenario, LightChainOnlyProgression) {
  const ResponseAnswer a = Classify(
      {.kappa = 81, .lambda = 1},
      {{.kappa = 21, .lambda = 1}, {.kappa = 21, .lambda = 1}, {.kappa = 35, .lambda = 1}, {.kappa = 40, .lambda = 1}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(Categories(a), "PR PR PD PD");
  EXPECT_EQ(a.progression_date, Day(4));
}

TEST(ResponseScenario, UrineOnlyDisease) {
  const ResponseAnswer a = Classify({.serum = 0.4, .urine = 1200}, {{.serum = 0.4, .urine = 500},
                                                                    {.serum = 0.3, .urine = 150},
                                                                    {.serum = 0.2, .urine = 80},
                                                                    {.serum = 0.2, .urine = 90},
                                                                    {.serum = 0.2, .urine = 400},
                                                                    {.serum = 0.2, .urine = 500}});
  ASSERT_TRUE(a.assessed) << Dump(a);
  EXPECT_EQ(a.marker, ResponseMarker::kUrineM);
  EXPECT_EQ(Categories(a), "MR PR VGPR VGPR PD PD");
  EXPECT_EQ(Cat(a.best_response), "VGPR");
  // Nadir 90 mg/24h (80 then 90 confirmed): +310 mg/24h is PD.
  EXPECT_EQ(a.progression_first, Day(5));
  EXPECT_EQ(a.progression_date, Day(6));
}

// ---------------------------------------------------------------------------------------------
// Cannot-assess

TEST(ResponseCannotAssess, MissingBaseline) {
  ResponseSeries s = Series({.serum = 2.0}, {{.serum = 1.0}});
  s.baseline.reset();
  const ResponseAnswer a = ClassifyResponse(C(), s);
  EXPECT_FALSE(a.assessed);
  EXPECT_EQ(a.reason_field, "baseline");
  EXPECT_TRUE(a.assessments.empty());
}

TEST(ResponseCannotAssess, NoAssessmentAfterTheBaseline) {
  const ResponseAnswer a = Classify({.serum = 2.0}, {});
  EXPECT_FALSE(a.assessed);
  EXPECT_EQ(a.reason_field, "assessments");
}

TEST(ResponseCannotAssess, AFollowedMarkerMissingLaterIsNotInferred) {
  struct Case {
    std::string name;
    P baseline;
    std::vector<P> later;
    std::string field;
  } cases[] = {
      {"serum missing", {.serum = 2.0}, {{.serum = 1.0}, {.urine = 20}}, "assessments[1].serum_m_protein"},
      {"urine followed and missing", {.serum = 2.0, .urine = 400}, {{.serum = 1.0}}, "assessments[0].urine_m_protein"},
      {"lambda missing", {.kappa = 50, .lambda = 1}, {{.kappa = 20}}, "assessments[0].lambda_flc"},
      {"bmpc missing", {.bmpc = 50}, {{.bmpc = 20}, {.serum = 0.1}}, "assessments[1].bmpc"},
  };
  for (const auto& c : cases) {
    const ResponseAnswer a = Classify(c.baseline, c.later);
    EXPECT_FALSE(a.assessed) << c.name;
    EXPECT_EQ(a.reason_field, c.field) << c.name << ": " << a.reason;
    EXPECT_NE(a.reason.find("not inferred"), std::string::npos) << a.reason;
  }
}

TEST(ResponseCannotAssess, OneMarkerInTwoUnits) {
  ResponseSeries s = Series({.serum = 2.0}, {{.serum = 1.0}, {.serum = 0.9}});
  s.assessments[1].serum_m->unit = "g/L";
  ResponseAnswer a = ClassifyResponse(C(), s);
  EXPECT_FALSE(a.assessed);
  EXPECT_EQ(a.reason_field, "assessments[1].serum_m_protein");
  EXPECT_NE(a.reason.find("g/L"), std::string::npos) << a.reason;
  // Kappa and lambda are one marker.
  s = Series({.kappa = 50, .lambda = 1}, {{.kappa = 20, .lambda = 1}});
  s.assessments[0].lambda->unit = "mg/L";
  a = ClassifyResponse(C(), s);
  EXPECT_FALSE(a.assessed);
  EXPECT_EQ(a.reason_field, "assessments[0].lambda_flc");
}

TEST(ResponseCannotAssess, PlasmacytomaGrowthTheInputsCannotSettle) {
  const ResponseAnswer a = Classify({.serum = 2.0, .urine = 50, .spd = 10},
                                    {{.serum = 1.0, .urine = 50, .spd = 4}, {.serum = 1.0, .urine = 50, .spd = 6}});
  EXPECT_FALSE(a.assessed);
  EXPECT_EQ(a.reason_field, "assessments[1].plasmacytoma_spd");
  // +49 % from the nadir of 4 cm2 is below the 50 % of the rule: answered.
  const ResponseAnswer below =
      Classify({.serum = 2.0, .urine = 50, .spd = 10},
               {{.serum = 1.0, .urine = 50, .spd = 4}, {.serum = 1.0, .urine = 50, .spd = 5.96}});
  EXPECT_TRUE(below.assessed) << Dump(below);
  // A plasmacytoma where there was none at baseline is a new lesion: PD.
  const ResponseAnswer b = Classify({.serum = 2.0, .urine = 50, .spd = 0}, {{.serum = 1.0, .urine = 50, .spd = 3}});
  ASSERT_TRUE(b.assessed) << Dump(b);
  EXPECT_EQ(Cat(b.assessments[0].category), "PD");
}

// ---------------------------------------------------------------------------------------------
// The series JSON

Result<ResponseSeries> Parse(const std::string& text) { return ParseResponseSeries(testing::K().units, text); }

std::string WithAssessment(const std::string& assessment) {
  return R"({"criteria": "IMWG-2016", "baseline": {"date": "2026-01-05", "serum_m_protein": "3.2 g/dL"},
             "assessments": [)" +
         assessment + "]}";
}

TEST(ResponseJson, ReadsEveryFieldInCanonicalUnits) {
  auto s = Parse(R"j({
    "criteria": "IMWG-2016", "note": "x",
    "baseline": {"date": "2026-01-05", "serum_m_protein": "32 g/L", "urine_m_protein": "0.45 g/24h",
                 "kappa_flc": "120 mg/L", "lambda_flc": "8 mg/L", "serum_ife": "positive", "urine_ife": "positive",
                 "bmpc": "40 %", "clonal_plasma_cells": "present", "plasmacytoma_spd": "600 mm2"},
    "assessments": [{"date": "2026-02-02", "serum_m_protein": "14 g/L", "urine_m_protein": "450 mg/(24.h)",
                     "new_lesion": true, "serum_ife": "negative"}]})j");
  ASSERT_TRUE(s.ok()) << s.error().Describe();
  const MarkerResults& b = *s->baseline;
  EXPECT_DOUBLE_EQ(b.serum_m->value, 3.2);  // standards.md §0.3: g/dL x 10 = g/L
  EXPECT_EQ(b.serum_m->unit, "g/L");
  EXPECT_DOUBLE_EQ(b.urine_m->value, 450);
  EXPECT_DOUBLE_EQ(b.kappa->value, 12);  // standards.md §0.3: mg/dL x 10 = mg/L
  EXPECT_DOUBLE_EQ(b.lambda->value, 0.8);
  EXPECT_DOUBLE_EQ(b.plasmacytoma_spd->value, 6);
  EXPECT_EQ(b.clonal_plasma_cells, true);
  EXPECT_EQ(s->assessments[0].urine_m->unit, "mg/24h");  // one unit, two spellings
  EXPECT_TRUE(s->assessments[0].new_lesion);
  EXPECT_EQ(s->assessments[0].serum_ife, Immunofixation::kNegative);
}

TEST(ResponseJson, UrineSpellingsAreOneUnitButGramsAreAnother) {
  auto s = Parse(R"j({"criteria": "IMWG-2016",
    "baseline": {"date": "2026-01-05", "urine_m_protein": "450 mg/24h"},
    "assessments": [{"date": "2026-02-02", "urine_m_protein": "300 mg/24hr"},
                    {"date": "2026-03-02", "urine_m_protein": "200 mg/(24.h)"},
                    {"date": "2026-03-30", "urine_m_protein": "0.1 g/24h"}]})j");
  ASSERT_TRUE(s.ok()) << s.error().Describe();
  EXPECT_EQ(s->assessments[1].urine_m->unit, "mg/24h");
  EXPECT_DOUBLE_EQ(s->assessments[2].urine_m->value, 100);
  const ResponseAnswer a = ClassifyResponse(C(), *s);
  EXPECT_FALSE(a.assessed);
  EXPECT_EQ(a.reason_field, "assessments[2].urine_m_protein");
}

TEST(ResponseJson, BadInputNamesTheField) {
  struct Case {
    std::string json, field, message;
  } cases[] = {
      {WithAssessment(R"({"date": "2026-02-02", "serum_m_protein": "1.2 mg/dL"})"), "assessments[0].serum_m_protein",
       "unit 'mg/dL' does not fit a serum M-protein: it is a free light chain unit"},
      {WithAssessment(R"({"date": "2026-02-02", "serum_m_protein": 1.2})"), "assessments[0].serum_m_protein",
       "a unit is required"},
      {WithAssessment(R"({"date": "2026-02-02", "serum_m_protein": "1.2"})"), "assessments[0].serum_m_protein",
       "has no unit"},
      {WithAssessment(R"({"date": "2026-02-02", "kappa_flc": "12 furlongs"})"), "assessments[0].kappa_flc",
       "unknown unit 'furlongs'"},
      {WithAssessment(R"({"date": "2026-02-02", "serum_m_protein": "-1 g/dL"})"), "assessments[0].serum_m_protein",
       "negative"},
      {WithAssessment(R"({"date": "2026-02-02", "bmpc": "120 %"})"), "assessments[0].bmpc", "above 100"},
      {WithAssessment(R"({"date": "2026-02-02", "serum_m": "1 g/dL"})"), "assessments[0].serum_m", "unknown field"},
      {WithAssessment(R"({"date": "2026-02-02", "serum_ife": "weak"})"), "assessments[0].serum_ife",
       "not positive or negative"},
      {WithAssessment(R"({"date": "2026-02-02", "new_lesion": "yes"})"), "assessments[0].new_lesion", "true or false"},
      {WithAssessment(R"({"date": "2026-02-30"})"), "assessments[0].date", ""},
      {WithAssessment(R"({"date": "2026-01-05"})"), "assessments[0].date", "not after the baseline"},
      {WithAssessment(R"({"date": "2026-02-02"}, {"date": "2026-02-02"})"), "assessments[1].date",
       "one assessment per date"},
      {WithAssessment(R"({"date": "2026-03-02"}, {"date": "2026-02-02"})"), "assessments[1].date", "date order"},
      {R"({"baseline": {"date": "2026-01-05"}, "assessments": []})", "criteria", "IMWG-2016"},
      {R"({"criteria": "IMWG-2016", "baseline": {"date": "2026-01-05"}})", "assessments", "missing"},
      {R"({"criteria": "IMWG-2016", "baseline": {"date": "2026-01-05", "new_lesion": true}, "assessments": []})",
       "baseline.new_lesion", "unknown field"},
      {R"({"criteria": "IMWG-2016", "extra": 1, "assessments": []})", "extra", "unknown field"},
      {R"({"criteria": "IMWG-2016", "assessments": [})", "series", "malformed JSON"},
      {"[]", "series", "JSON object"},
  };
  for (const auto& c : cases) {
    auto s = Parse(c.json);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_EQ(s.error().kind, ErrorKind::kBadInput);
    EXPECT_EQ(s.error().field, c.field) << s.error().Describe();
    EXPECT_NE(s.error().message.find(c.message), std::string::npos) << s.error().Describe();
  }
}

TEST(ResponseJson, AMissingBaselineIsCannotAssessNotBadInput) {
  auto s = Parse(R"({"criteria": "IMWG-2016", "assessments": [{"date": "2026-02-02", "serum_m_protein": "1 g/dL"}]})");
  ASSERT_TRUE(s.ok()) << s.error().Describe();
  const ResponseAnswer a = ClassifyResponse(C(), *s);
  EXPECT_FALSE(a.assessed);
  EXPECT_EQ(a.reason_field, "baseline");
}

TEST(ResponseJson, TheDocumentedExamplesRun) {
  struct Case {
    std::string file, best, current, progression;
  } cases[] = {
      {"response-vgpr-then-cr.json", "CR", "CR", ""},
      {"response-progression.json", "PR", "PD", "2026-07-06"},
      {"response-light-chain.json", "VGPR", "VGPR", ""},
  };
  for (const auto& c : cases) {
    std::ifstream in(testing::TestDataDir() + "/../docs/examples/" + c.file);
    ASSERT_TRUE(in) << c.file;
    std::stringstream ss;
    ss << in.rdbuf();
    auto s = Parse(ss.str());
    ASSERT_TRUE(s.ok()) << c.file << ": " << s.error().Describe();
    const ResponseAnswer a = ClassifyResponse(C(), *s);
    ASSERT_TRUE(a.assessed) << c.file << Dump(a);
    EXPECT_EQ(Cat(a.best_response), c.best) << c.file;
    EXPECT_EQ(Cat(a.current_response), c.current) << c.file;
    EXPECT_EQ(a.progression_date ? a.progression_date->ToString() : "", c.progression) << c.file;
  }
}

// ---------------------------------------------------------------------------------------------
// The command (`lenacare response SERIES.json`): exit codes and the JSON contract.

TEST(ResponseCli, AnswersCannotAssessAndBadInputWithTheirExitCodes) {
  const std::string examples = testing::TestDataDir() + "/../docs/examples/";
  auto ok = testing::RunLenacare("response --json '" + examples + "response-progression.json'");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const auto j = nlohmann::json::parse(ok.out);
  for (const char* key : {"criteria", "status", "marker", "best_response", "current_response", "progression_date",
                          "nadir", "assessments", "steps"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["status"], "assessed");
  EXPECT_EQ(j["progression_date"], "2026-07-06");
  EXPECT_EQ(j["assessments"][0]["category"], "PR");

  auto cannot = testing::RunLenacare(
      "response --json -",
      R"({"criteria": "IMWG-2016", "baseline": {"date": "2026-01-05", "serum_m_protein": "0.4 g/dL"},
                               "assessments": [{"date": "2026-02-02", "serum_m_protein": "0.3 g/dL"}]})");
  EXPECT_EQ(cannot.exit_code, 1) << cannot.err;
  EXPECT_EQ(nlohmann::json::parse(cannot.out)["status"], "cannot-assess");

  auto bad = testing::RunLenacare("response -", R"({"criteria": "IMWG-2011", "assessments": []})");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("criteria: unknown criteria version 'IMWG-2011'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace lenacare
