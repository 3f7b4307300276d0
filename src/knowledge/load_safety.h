// Loading the safety part of the knowledge base (see safety.h). Called by LoadKnowledge().
#pragma once

#include <string>

#include "core/quantity.h"
#include "core/result.h"
#include "knowledge/safety.h"
#include "knowledge/sources.h"

namespace lenacare {

Status LoadSafety(const std::string& root, const std::string& pack, const Vocabulary& vocab, SafetyKnowledge& out);

}  // namespace lenacare
