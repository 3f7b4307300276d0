// Demo data for `lenacare serve --demo`: the patients and courses of web/demo (made-up people on
// the example courses, every date moved so that the latest event was yesterday) and one account
// per role with a random password. Seeded only into a store without accounts.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/result.h"
#include "knowledge/knowledge.h"
#include "store/store.h"

namespace lenacare::webapp {

struct DemoAccount {
  std::string username, role, password, patient;
};

Result<std::vector<DemoAccount>> SeedDemo(const Knowledge& k, store::Store& store, const Clock& clock,
                                          const std::string& demo_dir);

}  // namespace lenacare::webapp
