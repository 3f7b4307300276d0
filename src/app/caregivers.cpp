#include "app/caregivers.h"

#include "app/permissions.h"
#include "app/reminders.h"
#include "core/text.h"

namespace lenacare::app {

Result<std::string> InviteCaregiver(const Context& ctx, const InviteRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kInviteCaregiver, r.patient); !s.ok()) return s.error();
  std::string remind_after;
  if (!Trim(r.remind_after).empty()) {
    auto t = ParseTimeOfDay(r.remind_after, "remind_after");
    if (!t.ok()) return t.error();
    remind_after = *t;
  }
  return store::Accounts(*ctx.store, ctx.actor).AddCaregiverInvite(r.patient, r.may_write, remind_after);
}

Result<CareAccess> ReadCareAccess(const Context& ctx, const std::string& ref) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kRevokeAccess, ref); !s.ok()) return s.error();
  store::Store& st = *ctx.store;
  store::Accounts accounts(st, ctx.actor);
  return InRead<CareAccess>(st, [&]() -> Result<CareAccess> {
    auto p = st.FindPatient(ref);
    if (!p.ok()) return p.error();
    CareAccess out;
    auto links = accounts.CaregiversOf(ref);
    if (!links.ok()) return links.error();
    out.caregivers = std::move(links).value();
    auto invites = accounts.InvitesOf(ref);
    if (!invites.ok()) return invites.error();
    out.invites = std::move(invites).value();
    auto feed = accounts.CalendarFeedOf(ref);
    if (!feed.ok()) return feed.error();
    out.calendar = *feed;
    Status a = st.AppendAudit(ctx.actor, "patient.read", ref, "caregivers and calendar link");
    if (!a.ok()) return a.error();
    return out;
  });
}

Result<bool> RevokeCaregiver(const Context& ctx, const std::string& ref, int64_t link) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kRevokeAccess, ref); !s.ok()) return s.error();
  return store::Accounts(*ctx.store, ctx.actor).RevokeCaregiver(ref, link);
}

Result<bool> RevokeInvite(const Context& ctx, const std::string& ref, int64_t invite) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  if (Status s = AuthorizeFor(ctx, Act::kRevokeAccess, ref); !s.ok()) return s.error();
  return store::Accounts(*ctx.store, ctx.actor).RevokeInvite(ref, invite);
}

Result<store::CaregiverLink> JoinAsCaregiver(const Context& ctx, const JoinRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  const std::string name(Trim(r.name));
  if (name.empty()) return Error::BadInput("name", "missing: give the name the patient knows you by");
  if (name.size() > store::CaregiverPolicy::kMaxNameLength) {
    return Error::BadInput("name", "at most " + std::to_string(store::CaregiverPolicy::kMaxNameLength) + " characters");
  }
  if (r.user_id != 0 &&
      !(ctx.authority.kind == Authority::Kind::kUser && ctx.authority.role == store::Role::kCaregiver)) {
    return Error::Forbidden("code", "only a caregiver account accepts an invitation");
  }
  return store::Accounts(*ctx.store, ctx.actor).AcceptInvite(r.code, name, r.user_id, r.username, r.password);
}

std::string CaregiverLabel(const std::vector<store::CaregiverLink>& links, const std::string& account) {
  for (const store::CaregiverLink& l : links) {
    if (!account.empty() && l.username == account) return "caregiver " + l.name + " (" + l.username + ")";
  }
  return "";
}

}  // namespace lenacare::app
