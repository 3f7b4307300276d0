// The JWT a CDS client (an EHR) sends with every CDS Hooks call (`Authorization: Bearer`),
// verified as CDS Hooks 2.0 ("Trusting CDS Clients") asks: a JWS in compact form, `typ` JWT, an
// asymmetric algorithm (ES256/384/512, RS256/384/512, PS256/384/512; never `none` nor HMAC), a
// `kid` found in the client's JWK Set — configured, or fetched from a `jku` that the client's entry
// allow-lists — a signature that verifies (cjose), `iss` of a configured client, `aud` equal to the
// URL called, `exp` in the future, `iat` not in the future, and a `jti` never seen before within
// its lifetime. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

struct _cjose_jwk_int;
namespace lenacare::webapp {

struct JwtClient {
  std::string iss;
  std::string jwks;              // a configured JWK Set (JSON text); may be empty when `jku` is used
  std::vector<std::string> jku;  // the JWK Set URLs this client may name in its tokens
};

struct JwtClaims {
  std::string iss, jti, tenant, kid, alg;
  int64_t iat = 0, exp = 0;
};

class JwtVerifier {
 public:
  // Fetches a JWK Set from an allow-listed URL (the adapter's HTTP client).
  using FetchKeys = std::function<Result<std::string>(const std::string& url)>;
  // Tokens may live at most this long ahead of now (bounds the replay cache), in seconds: twice
  // the five minutes the specification's examples use.
  static constexpr int64_t kLongestLifetime = 600;
  static constexpr int64_t kLeeway = 60;  // clock skew allowed for exp and iat, in seconds

  // Whether a token id is used for the first time (remembered until `exp`), shared by every
  // server on one database (store::Accounts::FirstUseOfJti); without it, this process remembers.
  using Remember =
      std::function<Result<bool>(const std::string& iss, const std::string& jti, int64_t exp, int64_t now)>;

  JwtVerifier(std::vector<JwtClient> clients, FetchKeys fetch, Remember remember = nullptr);

  // The token's claims, or why it is refused (bad input: the caller answers 401 with it; failed:
  // the replay check could not be made).
  // `audiences`: the URLs the call may be addressed to (the endpoint called).
  Result<JwtClaims> Verify(std::string_view token, const std::vector<std::string>& audiences, int64_t now);

 private:
  Result<std::string> KeySet(const JwtClient& client, const std::string& jku, int64_t now);
  // The public key of a JWK's JSON text, imported once (cjose); nullptr if it is not one.
  std::shared_ptr<_cjose_jwk_int> KeyOf(const std::string& jwk_json);
  Result<bool> RememberHere(const std::string& iss, const std::string& jti, int64_t exp, int64_t now);

  std::vector<JwtClient> clients_;
  FetchKeys fetch_;
  Remember remember_;
  std::mutex mu_;
  std::unordered_map<std::string, int64_t> seen_;  // iss "\n" jti -> exp
  struct Fetched {
    std::string jwks;
    int64_t at = 0;
  };
  std::map<std::string, Fetched> fetched_;                       // jku -> its JWK Set, kept for a few minutes
  std::map<std::string, std::shared_ptr<_cjose_jwk_int>> keys_;  // a JWK's JSON -> its imported key
};

}  // namespace lenacare::webapp
