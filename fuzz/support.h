// What every fuzz target shares: the knowledge base of this source tree, loaded once, and a
// context for the use cases (a fixed day, no store, the operator). libFuzzer calls the target
// once per input from one thread, so these statics are never raced.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/context.h"
#include "core/clock.h"
#include "knowledge/loader.h"

namespace lenacare::fuzz {

inline const Knowledge& TheKnowledge() {
  static const Knowledge k = [] {
    const char* env = std::getenv("LENACARE_KNOWLEDGE");
    auto loaded = LoadKnowledge(env != nullptr ? env : LENACARE_FUZZ_KNOWLEDGE_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "fuzz: cannot load the knowledge base: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return k;
}

inline app::Context TheContext() {
  static const FixedClock clock(*Date::Parse("2026-06-01"));
  return app::Context{TheKnowledge(), clock, nullptr, "fuzz", app::Authority::Operator()};
}

}  // namespace lenacare::fuzz
