// Who is asking: nobody (public pages), a signed-in user (session cookie) or a script (API
// token), and what each role may do. Every patient-scoped handler asks MaySeePatient().
#pragma once

#include <optional>
#include <string>

#include "store/accounts.h"

namespace lenacare::webapp {

enum class Capability {
  kViewPatients,         // worklist, patients' courses, status, export
  kRecordLab,            // blood counts and other labs
  kRecordPregnancyTest,  // REMS pregnancy tests
  kChangeTherapy,        // dose change, hold, resume, stop; new patients and courses
  kDispense,             // dispense records
  kImport,               // FHIR import
  kManageUsers,          // accounts and the audit log
};

struct Caller {
  std::optional<store::User> user;
  std::string session_token;  // the session cookie's secret ("" for anonymous and API tokens)
  std::string csrf;           // the session's CSRF token
  bool by_token = false;      // signed in by an API token (no cookies: no CSRF check)

  bool signed_in() const { return user.has_value(); }
  bool Is(store::Role r) const { return user && user->role == r; }
  bool May(Capability c) const;
  // Clinicians and admins (kViewPatients) see every patient; a patient only their own record.
  bool MaySeePatient(const std::string& ref) const;
  std::string name() const { return user ? user->username : "anonymous"; }
};

}  // namespace lenacare::webapp
