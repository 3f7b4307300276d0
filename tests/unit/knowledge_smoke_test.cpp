#include <gtest/gtest.h>

#include "test_support.h"

namespace lenacare {
namespace {

TEST(KnowledgeBase, TheRepositoryKnowledgeLoadsWithEveryUsIndication) {
  const Knowledge& k = testing::K();
  EXPECT_EQ(k.pack.jurisdiction, "US");
  for (const char* id : {"mm", "mm-maintenance", "mds", "mcl", "fl", "mzl"}) {
    EXPECT_NE(k.FindIndication(id), nullptr) << id;
  }
}

}  // namespace
}  // namespace lenacare
