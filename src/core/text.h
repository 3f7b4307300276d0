// Small text helpers for messages.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace lenacare {

// The most of a user's input a message quotes (bytes): a message never echoes unbounded input.
inline constexpr size_t kQuoteLimit = 80;

// Where to cut `text` to at most `limit` bytes without splitting a UTF-8 character.
inline size_t CutPoint(std::string_view text, size_t limit) {
  size_t cut = std::min(limit, text.size());
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

// 'text' with single quotes, for naming a user's input in a message; beyond `limit` bytes it is
// cut at a character boundary and "...' (N bytes)" says how long it was. (Built by appending:
// "'" + std::string(x) trips a false -Wrestrict in g++ 12 at -O2.)
inline std::string Quoted(std::string_view text, size_t limit = kQuoteLimit) {
  std::string out;
  out.reserve(std::min(text.size(), limit) + 24);
  out.push_back('\'');
  out.append(text.substr(0, CutPoint(text, limit)));
  if (text.size() <= limit) {
    out.push_back('\'');
    return out;
  }
  out.append("...' (");
  out.append(std::to_string(text.size()));
  out.append(" bytes)");
  return out;
}

// `text` cut the same way without quotes ("abc... (N bytes)"), for a message or a key.
inline std::string Shortened(std::string_view text, size_t limit = kQuoteLimit) {
  if (text.size() <= limit) return std::string(text);
  std::string out(text.substr(0, CutPoint(text, limit)));
  out.append("... (");
  out.append(std::to_string(text.size()));
  out.append(" bytes)");
  return out;
}

// `s` without the spaces and tabs around it.
inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// FNV-1a, 64 bits: a digest of bytes that tells whether they changed (not for security).
class Fnv1a64 {
 public:
  void Mix(std::string_view bytes) {
    for (unsigned char c : bytes) {
      h_ ^= c;
      h_ *= 1099511628211ull;
    }
  }
  std::string Hex() const {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h_));
    return hex;
  }

 private:
  uint64_t h_ = 14695981039346656037ull;
};

}  // namespace lenacare
