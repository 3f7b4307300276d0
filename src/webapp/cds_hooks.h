// lenacare as a CDS Hooks 2.0 service (https://cds-hooks.hl7.org/2.0/): discovery
// (GET /cds-services), patient-view, order-select and order-sign
// (POST /cds-services/{id}), and feedback (POST /cds-services/{id}/feedback). Cards are rendered
// from the findings of app::AssessChart (app/cds.h); the EHR's data come from the prefetch, or,
// for a prefetch key missing or answered by an OperationOutcome, from its FHIR server
// (`fhirServer` with `fhirAuthorization`). Every call is verified by the client's JWT
// (cds_jwt.h) and audited with the client, the user and the patient.
//
// The service's configuration is one TOML file (docs/cds-hooks.md):
//   base_url = "https://lenacare.example.org"  # the URL the EHR calls (the JWT's aud)
//   [[client]]
//   iss = "https://ehr.example.org"           # the JWT's issuer
//   jwks_file = "ehr-jwks.json"               # its public keys (relative to this file), and/or
//   jku = ["https://ehr.example.org/jwks"]    # the key-set URLs its tokens may name
//   patient_identifier_systems = ["urn:oid:1.2.3"]  # identifiers that are lenacare patient ids
//   patient_id_is_ref = false                 # the EHR's Patient id is the lenacare id
//   fhir_servers = ["https://ehr.example.org/fhir"]  # where its fhirServer may point (default: anywhere)
// and, at the top, allowed_origins = ["https://ehr.example.org"] for browser-based EHRs (CORS).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "webapp/router.h"
#include "webapp/site.h"

namespace lenacare::webapp {

struct CdsClient {
  std::string iss;
  std::string jwks;  // JWK Set text from jwks_file
  std::vector<std::string> jku;
  std::vector<std::string> patient_identifier_systems;
  bool patient_id_is_ref = false;
  // The FHIR servers (base URLs) its calls may name as fhirServer; empty: any. The access token
  // the EHR sends is only ever sent to one of them.
  std::vector<std::string> fhir_servers;
};

struct CdsConfig {
  std::string base_url;  // without a trailing slash
  // Browser-based EHRs (their origins, "https://ehr.example.org") that may call the service: CORS.
  std::vector<std::string> allowed_origins;
  std::vector<CdsClient> clients;
};

// Reads and checks the file: unknown keys, a missing base_url or iss, a client without keys, an
// unreadable key file are bad input naming the key.
Result<CdsConfig> LoadCdsConfig(const std::string& path);

// Registers the routes. Without a configuration, discovery answers and every call is refused
// (401: no client is trusted).
void AddCdsHooks(Site& site, Router& router, std::shared_ptr<const CdsConfig> config);

}  // namespace lenacare::webapp
