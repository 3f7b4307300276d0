// Bytes as lower-case hex text (libsodium's constant-time encoder): hashes, MACs, secrets.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <string>

namespace lenacare::store {

inline std::string Hex(const unsigned char* bytes, size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.pop_back();
  return hex;
}

}  // namespace lenacare::store
