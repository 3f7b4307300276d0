// Who is asking: nobody (public pages), a signed-in user (session cookie) or a script (API
// token), and what each role may do. Every patient-scoped handler asks MaySeePatient().
#pragma once

#include <optional>
#include <string>

#include "app/permissions.h"
#include "store/accounts.h"

namespace lenacare::webapp {

// What a role may see and administer. What it may record is decided per act by the use cases
// (app/permissions.h); MayDo() asks the same table to show a form only to those who may use it.
enum class Capability {
  kViewPatients,  // worklist, patients' courses, status, export
  kManageUsers,   // accounts and the audit log
};

struct Caller {
  std::optional<store::User> user;
  std::string session_token;  // the session cookie's secret ("" for anonymous and API tokens)
  std::string csrf;           // the session's CSRF token
  bool by_token = false;      // signed in by an API token (no cookies: no CSRF check)

  bool signed_in() const { return user.has_value(); }
  bool Is(store::Role r) const { return user && user->role == r; }
  bool May(Capability c) const;
  bool MayDo(app::Act a) const { return user && app::RoleMay(user->role, a); }
  // Clinicians and admins (kViewPatients) see every patient; a patient only their own record.
  bool MaySeePatient(const std::string& ref) const;
  std::string name() const { return user ? user->username : "anonymous"; }
};

}  // namespace lenacare::webapp
