// Caregivers: a patient invites someone (a one-time code, shown once, valid 7 days) to see their
// own pages and, if the patient allows, to mark doses and write in the symptom diary, recorded
// under the caregiver's account; the patient and the care team revoke a caregiver at any time. A
// caregiver's access is checked per act and per patient (permissions.h AuthorizeFor and
// AuthorizeView with the caregiver's live links), so a caregiver never sees another patient.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "core/result.h"
#include "store/accounts.h"

namespace lenacare::app {

struct InviteRequest {
  std::string patient;
  bool may_write = false;
  std::string remind_after;  // "HH:MM" or "": when a dose not marked taken is shown to the caregiver
};
// The code, to be shown once (patients only, for their own record).
Result<std::string> InviteCaregiver(const Context& ctx, const InviteRequest& r);

// Who has access to a patient's pages: the caregivers (revoked ones too) and the pending
// invitations (the patient, and the care team).
struct CareAccess {
  std::vector<store::CaregiverLink> caregivers;
  std::vector<store::CaregiverInvite> invites;
  std::optional<store::CalendarFeed> calendar;
};
Result<CareAccess> ReadCareAccess(const Context& ctx, const std::string& ref);
// Revoked by the patient or the care team; false when there was no such live link or invitation.
Result<bool> RevokeCaregiver(const Context& ctx, const std::string& ref, int64_t link);
Result<bool> RevokeInvite(const Context& ctx, const std::string& ref, int64_t invite);

// A caregiver accepts an invitation: `user_id` is the signed-in caregiver's account, or 0 for a
// new caregiver account (`username`, `password`). `name` is how the patient will see them.
struct JoinRequest {
  std::string code, name, username, password;
  int64_t user_id = 0;
};
Result<store::CaregiverLink> JoinAsCaregiver(const Context& ctx, const JoinRequest& r);

// "caregiver Anna (anna-k)" when `account` is one of the patient's caregivers, else "".
std::string CaregiverLabel(const std::vector<store::CaregiverLink>& links, const std::string& account);

}  // namespace lenacare::app
