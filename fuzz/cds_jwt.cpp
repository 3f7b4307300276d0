// The Authorization header's JWT of a CDS Hooks call: any text, verified against a client with the
// specification's example key set (its ES384 example token is a seed), at the time that token was
// valid. Nothing is fetched.
#include "webapp/cds_jwt.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string jwks =
      R"({"keys":[{"kty":"EC","use":"sig","crv":"P-384","kid":"example-kid",)"
      R"("x":"46SDH7Znh821wblCBglA61sNE9ZrHYKKt3qRtRTmSXyOI_FIGBLWrWa0GPUkDCEk",)"
      R"("y":"XMcRuuoGW7CXjQdy-F5i3FeBE0x9hPLdeFdSoDd3ELmx404tLX0VRRcqzAsPhXcI","alg":"ES384"}]})";
  // A fresh verifier each time: the example token's jti is then never "used before".
  webapp::JwtVerifier v({{"https://fhir-ehr.example.com/", jwks, {"https://fhir-ehr.example.com/jwk_uri"}}},
                        [](const std::string&) { return Result<std::string>(jwks); });
  (void)v.Verify(std::string_view(reinterpret_cast<const char*>(data), size),
                 {"https://cds.example.org/cds-services/some-service"}, 1422568860 - 100);
  return 0;
}
