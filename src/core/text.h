// Small text helpers for messages.
#pragma once

#include <string>
#include <string_view>

namespace lenacare {

// 'text' with single quotes, for naming a user's input in a message. (Built by appending:
// "'" + std::string(x) trips a false -Wrestrict in g++ 12 at -O2.)
inline std::string Quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  out.append(text);
  out.push_back('\'');
  return out;
}

}  // namespace lenacare
