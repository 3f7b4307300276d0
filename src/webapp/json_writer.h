// A JSON writer for API answers: the same compact text as nlohmann::json::dump() (numbers in the
// same shortest round-trip form, floats keeping their ".0"), about four times faster on answers
// full of cited sources (bench/webapp_bench.cpp), and never throwing: invalid UTF-8 in a string
// is written as U+FFFD, as dump() does with its `replace` error handler.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/worklist.h"

namespace lenacare::webapp {

void WriteJson(const nlohmann::json& j, std::string& out);

// The worklist answer written as it is walked: the same text as WriteJson(wire::WorklistJson(w)),
// without the tree (a worklist of 68,590 entries is 44 MB of JSON; building the tree first cost
// most of its time in allocation).
void WriteWorklistJson(const app::Worklist& w, std::string& out);

}  // namespace lenacare::webapp
