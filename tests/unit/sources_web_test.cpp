// Citations people can use on the web (issue 17): the register page, the API's register, links
// from a page's Sources to the public documents, and the knowledge pack named on every page and
// every answer.
#include <gtest/gtest.h>

#include "test_support.h"
#include "webapp_support.h"

namespace lenacare {
namespace {

using nlohmann::json;
using testing::TestSite;

// A URL as an HTML attribute writes it.
std::string Attr(std::string s) {
  for (size_t at = s.find('&'); at != std::string::npos; at = s.find('&', at + 5)) s.replace(at, 1, "&amp;");
  return s;
}

std::string HeaderOf(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(SourcesWeb, TheRegisterPageListsEveryDocumentWithItsPublicAddresses) {
  TestSite site(TestSite::Seed::kEmpty);
  const http::Response r = site.Get("/sources");
  ASSERT_EQ(r.status, 200) << r.body;
  for (const SourceDoc& d : testing::K().sources.docs()) {
    EXPECT_NE(r.body.find("id=\"" + d.id + "\""), std::string::npos) << d.id;
    for (const std::string& u : d.urls) EXPECT_NE(r.body.find("href=\"" + Attr(u)), std::string::npos) << u;
  }
  const std::string text = testing::VisibleText(r.body);
  for (const Confidence& c : Confidences()) EXPECT_NE(text.find(std::string(c.words)), std::string::npos) << c.key;
}

TEST(SourcesWeb, APagesCitationsLinkToThePublicDocumentAndToTheRegister) {
  TestSite site(TestSite::Seed::kEmpty);
  const http::Response r = site.Get("/info/dosing");
  ASSERT_EQ(r.status, 200);
  const SourceDoc* uspi = testing::K().sources.Find("USPI");
  ASSERT_NE(uspi, nullptr);
  const size_t sources = r.body.find("class=\"sources\"");
  ASSERT_NE(sources, std::string::npos);
  const std::string foot = r.body.substr(sources);
  EXPECT_NE(foot.find("<a href=\"" + Attr(uspi->Url())), std::string::npos) << foot.substr(0, 2000);
  EXPECT_NE(foot.find("href=\"/sources#USPI\""), std::string::npos);
  EXPECT_NE(foot.find(uspi->Label() + ", §2.1"), std::string::npos);
}

TEST(SourcesWeb, EveryPageAndAnswerNamesTheKnowledgePackAndItsLabelDate) {
  TestSite site(TestSite::Seed::kEmpty);
  const Knowledge& k = testing::K();
  const http::Response page = site.Get("/");
  EXPECT_NE(page.body.find("label of " + k.pack.label_date), std::string::npos);
  for (const char* target : {"/", "/api/v1/knowledge", "/api/v1/sources", "/nowhere"}) {
    const http::Response r = site.Get(target);
    EXPECT_EQ(HeaderOf(r, "Lenacare-Knowledge"), k.pack.id + "; label=" + k.pack.label_date) << target;
  }
  const json api = json::parse(site.Get("/api/v1/sources").body);
  EXPECT_EQ(api["sources"].size(), k.sources.docs().size());
}

}  // namespace
}  // namespace lenacare
