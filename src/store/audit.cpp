#include "store/audit.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "store/audit_key.h"
#include "store/hex.h"
#include "store/store.h"

namespace lenacare::store {
namespace {

// Feeds length-prefixed fields to `update`: no two different lists give the same text.
template <typename Update>
void AddFields(std::initializer_list<std::string_view> fields, Update update) {
  for (std::string_view field : fields) {
    const std::string length = std::to_string(field.size()) + ":";
    update(reinterpret_cast<const unsigned char*>(length.data()), length.size());
    update(reinterpret_cast<const unsigned char*>(field.data()), field.size());
  }
}

}  // namespace

std::string AuditHash(const AuditEntry& e) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  const std::string seq = std::to_string(e.seq);
  AddFields({e.prev_hash, seq, e.at, e.actor, e.action, e.subject, e.detail},
            [&](const unsigned char* p, size_t n) { crypto_hash_sha256_update(&state, p, n); });
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return Hex(digest, sizeof digest);
}

std::string FieldsMac(std::initializer_list<std::string_view> fields, const AuditKey& key) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), AuditKey::kBytes);
  AddFields(fields, [&](const unsigned char* p, size_t n) { crypto_auth_hmacsha256_update(&state, p, n); });
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return Hex(mac, sizeof mac);
}

std::string AuditMac(const AuditEntry& e, const AuditKey& key) {
  const std::string seq = std::to_string(e.seq);
  return FieldsMac({e.prev_hash, seq, e.at, e.actor, e.action, e.subject, e.detail}, key);
}

std::string UtcText(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace lenacare::store
