#include "webapp/cds_jwt.h"

#include <cjose/jwk.h>
#include <cjose/jws.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "course/json_input.h"

namespace lenacare::webapp {
namespace {

using json_input::StringOr;

constexpr size_t kLongestToken = 16 * 1024;
constexpr size_t kLongestJti = 256;
constexpr size_t kMostRemembered = 500000;  // jti values kept at once (each until its exp)
constexpr int64_t kKeySetSeconds = 300;
constexpr size_t kMostKeys =
    256;  // imported public keys kept (cjose_jwk_import is not free)     // a fetched JWK Set is used this long

Error Refused(const std::string& why) { return Error::BadInput("authorization", "the CDS client's JWT " + why); }

// base64url without padding (RFC 7515 §2); nullopt for any other character.
std::optional<std::string> Base64Url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      v = ch - '0' + 52;
    } else if (ch == '-') {
      v = 62;
    } else if (ch == '_') {
      v = 63;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (in.size() % 4 == 1) return std::nullopt;
  return out;
}

// A header or payload: base64url of a JSON object, read by the checked reader (a key given twice,
// e.g. two "alg", is refused: which one would the signature library use?).
std::optional<nlohmann::json> JsonPart(std::string_view part) {
  auto text = Base64Url(part);
  if (!text) return std::nullopt;
  auto j = json_input::ParseObject(*text, "jwt");
  if (!j.ok()) return std::nullopt;
  return std::move(j).value();
}

bool Asymmetric(const std::string& alg, const char** kty) {
  static const std::vector<std::string> ec = {"ES256", "ES384", "ES512"};
  static const std::vector<std::string> rsa = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"};
  if (std::find(ec.begin(), ec.end(), alg) != ec.end()) {
    *kty = "EC";
    return true;
  }
  if (std::find(rsa.begin(), rsa.end(), alg) != rsa.end()) {
    *kty = "RSA";
    return true;
  }
  return false;
}

struct JwkFree {
  void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); }
};
struct JwsFree {
  void operator()(cjose_jws_t* j) const { cjose_jws_release(j); }
};

}  // namespace

JwtVerifier::JwtVerifier(std::vector<JwtClient> clients, FetchKeys fetch, Remember remember)
    : clients_(std::move(clients)), fetch_(std::move(fetch)), remember_(std::move(remember)) {}

Result<JwtClaims> JwtVerifier::Verify(std::string_view token, const std::vector<std::string>& audiences, int64_t now) {
  if (token.empty()) return Refused("is missing (Authorization: Bearer <JWT>)");
  if (token.size() > kLongestToken) return Refused("is too long");
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Refused("is not a signed JWT in compact form (three parts)");
  }
  auto header = JsonPart(token.substr(0, dot1));
  auto payload = JsonPart(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!header || !payload) return Refused("does not decode (base64url JSON objects)");
  // The signature is checked as strictly before the token goes to cjose: its base64 decoder
  // asserts (aborting the server) on a character outside the alphabet, such as '='.
  const auto signature = Base64Url(token.substr(dot2 + 1));
  if (!signature || signature->empty()) return Refused("signature is not base64url");
  JwtClaims c;
  c.alg = StringOr(*header, "alg");
  c.kid = StringOr(*header, "kid");
  const char* kty = nullptr;
  if (!Asymmetric(c.alg, &kty)) {
    return Refused("uses the algorithm " + (c.alg.empty() ? std::string("(none given)") : "'" + c.alg + "'") +
                   ": only asymmetric signatures (ES384, RS384, ...) are accepted");
  }
  if (StringOr(*header, "typ") != "JWT") return Refused("header's typ is not 'JWT'");
  if (c.kid.empty()) return Refused("header has no kid");
  c.iss = StringOr(*payload, "iss");
  const JwtClient* client = nullptr;
  for (const JwtClient& cl : clients_) {
    if (!c.iss.empty() && cl.iss == c.iss) client = &cl;
  }
  if (client == nullptr) return Refused("names an issuer (iss) this service does not trust");

  // The key, and the signature.
  const std::string jku = StringOr(*header, "jku");
  if (!jku.empty() && std::find(client->jku.begin(), client->jku.end(), jku) == client->jku.end()) {
    return Refused("names a key set (jku) that is not allowed for its issuer");
  }
  auto set_text = KeySet(*client, jku, now);
  if (!set_text.ok()) return set_text.error();
  auto set = nlohmann::json::parse(*set_text, nullptr, false);
  const nlohmann::json* key = nullptr;
  if (set.is_object() && set.contains("keys") && set["keys"].is_array()) {
    for (const nlohmann::json& k : set["keys"]) {
      if (k.is_object() && StringOr(k, "kid") == c.kid) key = &k;
    }
  }
  if (key == nullptr) return Refused("names a key (kid) its issuer's key set does not have");
  if (StringOr(*key, "kty") != kty || (!StringOr(*key, "alg").empty() && StringOr(*key, "alg") != c.alg)) {
    return Refused("is signed with " + c.alg + ", which its key (kid) is not for");
  }
  auto jwk = KeyOf(key->dump());
  if (!jwk) return Refused("names a key (kid) that is not a valid public key");
  std::unique_ptr<cjose_jws_t, JwsFree> jws(cjose_jws_import(token.data(), token.size(), nullptr));
  if (!jws || !cjose_jws_verify(jws.get(), jwk.get(), nullptr)) return Refused("signature does not verify");

  // The claims.
  bool aud_ok = false;
  const auto aud = payload->find("aud");
  if (aud != payload->end()) {
    auto match = [&](const nlohmann::json& a) {
      return a.is_string() && std::find(audiences.begin(), audiences.end(), a.get<std::string>()) != audiences.end();
    };
    if (aud->is_array()) {
      aud_ok = std::any_of(aud->begin(), aud->end(), match);
    } else {
      aud_ok = match(*aud);
    }
  }
  if (!aud_ok) return Refused("is addressed (aud) to another service than " + audiences.front());
  const auto exp = payload->find("exp");
  const auto iat = payload->find("iat");
  if (exp == payload->end() || !exp->is_number_integer()) return Refused("has no exp");
  if (iat == payload->end() || !iat->is_number_integer()) return Refused("has no iat");
  c.exp = exp->get<int64_t>();
  c.iat = iat->get<int64_t>();
  if (c.exp + kLeeway < now) return Refused("has expired");
  if (c.iat > now + kLeeway) return Refused("was issued in the future (iat)");
  if (c.exp > now + kLongestLifetime) return Refused("lives too long (exp more than 10 minutes ahead)");
  c.jti = StringOr(*payload, "jti");
  if (c.jti.empty() || c.jti.size() > kLongestJti) return Refused("has no jti (or one over 256 characters)");
  c.tenant = StringOr(*payload, "tenant");
  if (remember_) {
    auto first = remember_(c.iss, c.jti, c.exp, now);
    if (!first.ok())
      return Error::Failed("authorization", "the token's id could not be checked: " + first.error().message);
    if (!*first) return Refused("was used before (jti)");
  } else {
    auto first = RememberHere(c.iss, c.jti, c.exp, now);
    if (!first.ok()) return first.error();
    if (!*first) return Refused("was used before (jti)");
  }
  return c;
}

std::shared_ptr<cjose_jwk_t> JwtVerifier::KeyOf(const std::string& jwk_json) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(jwk_json);
  if (it != keys_.end()) return it->second;
  std::shared_ptr<cjose_jwk_t> key(cjose_jwk_import(jwk_json.c_str(), jwk_json.size(), nullptr), JwkFree());
  if (!key) return nullptr;
  if (keys_.size() >= kMostKeys) keys_.clear();  // key sets that rotate: start again
  keys_.emplace(jwk_json, key);
  return key;
}

Result<std::string> JwtVerifier::KeySet(const JwtClient& client, const std::string& jku, int64_t now) {
  if (jku.empty()) {
    if (client.jwks.empty()) return Refused("names no key set (jku) and none is configured for its issuer");
    return client.jwks;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = fetched_.find(jku);
    if (it != fetched_.end() && now - it->second.at < kKeySetSeconds) return it->second.jwks;
  }
  if (!fetch_) return Refused("names a key set (jku) this service cannot fetch");
  auto text = fetch_(jku);
  if (!text.ok()) return Refused("names a key set (jku) that could not be fetched: " + text.error().message);
  std::lock_guard<std::mutex> lock(mu_);
  fetched_[jku] = {*text, now};
  return *text;
}

Result<bool> JwtVerifier::RememberHere(const std::string& iss, const std::string& jti, int64_t exp, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (seen_.size() >= kMostRemembered) {
    for (auto it = seen_.begin(); it != seen_.end();) {
      it = it->second + kLeeway < now ? seen_.erase(it) : std::next(it);
    }
    if (seen_.size() >= kMostRemembered) {  // refused rather than forgotten
      return Error::Failed("authorization", "too many tokens are in use at once: try again shortly");
    }
  }
  return seen_.emplace(iss + "\n" + jti, exp).second;
}

}  // namespace lenacare::webapp
