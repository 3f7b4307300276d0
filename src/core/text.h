// Small text helpers for messages.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace lenacare {

// The most of a user's input a message quotes (bytes): a message never echoes unbounded input.
inline constexpr size_t kQuoteLimit = 80;

// 'text' with single quotes, for naming a user's input in a message; beyond kQuoteLimit bytes
// it is cut at a character boundary and "...' (N bytes)" says how long it was. (Built by
// appending: "'" + std::string(x) trips a false -Wrestrict in g++ 12 at -O2.)
inline std::string Quoted(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kQuoteLimit) + 24);
  out.push_back('\'');
  if (text.size() <= kQuoteLimit) {
    out.append(text);
    out.push_back('\'');
    return out;
  }
  size_t cut = kQuoteLimit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  out.append(text.substr(0, cut));
  out.append("...' (");
  out.append(std::to_string(text.size()));
  out.append(" bytes)");
  return out;
}

}  // namespace lenacare
