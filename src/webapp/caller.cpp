#include "webapp/caller.h"

namespace lenacare::webapp {

using store::Role;

// The access matrix (README "Accounts and roles"). Admins run the system (accounts, audit,
// imports) and may read records; only clinicians record clinical events, each the kind their
// work produces.
bool Caller::May(Capability c) const {
  if (!user) return false;
  const Role r = user->role;
  switch (c) {
    case Capability::kViewPatients:
      return r != Role::kPatient && r != Role::kCaregiver;
    case Capability::kManageUsers:
      return r == Role::kAdmin;
  }
  return false;
}

bool Caller::MaySeePatient(const std::string& ref) const {
  if (!user) return false;
  if (May(Capability::kViewPatients)) return true;
  // A caregiver's patients are reached only through /care/{ref}, which asks the use cases
  // (app::AuthorizeView with the caregiver's live links), never through the staff routes.
  return user->role == Role::kPatient && !user->patient_ref.empty() && user->patient_ref == ref;
}

}  // namespace lenacare::webapp
