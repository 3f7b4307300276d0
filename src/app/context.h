// What every use case is given: the knowledge (read-only), the clock that says what day it is
// for the clinic, the records (null where a use case needs none) and who is acting, for the
// audit log. Built by the composition root (programs/lenacare) for the command line, and per
// request by the web application; a use case never reaches for a global.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "knowledge/knowledge.h"
#include "store/accounts.h"

namespace lenacare::app {

// What the actor may record (app/permissions.h): nothing, every act (the command line's operator,
// who holds the database file and so could change it anyway), or what a signed-in user's role
// allows. The default is nothing: a context must be given its authority.
struct Authority {
  enum class Kind { kNobody, kOperator, kUser };
  Kind kind = Kind::kNobody;
  store::Role role = store::Role::kPatient;  // kUser
  std::string own_patient;                   // kUser with the patient role: their own record
  // kUser with the caregiver role: the patients whose pages they may see, and whether each lets
  // them write (mark doses, the symptom diary); the adapter fills it from the live links.
  struct Care {
    std::string patient;
    bool may_write = false;
  };
  std::vector<Care> care = {};

  static Authority Operator() { return Authority{Kind::kOperator, store::Role::kAdmin, ""}; }
  static Authority Of(const store::User& u) { return Authority{Kind::kUser, u.role, u.patient_ref}; }
  // "the nurse", "the command line's operator", "an anonymous caller", for messages.
  std::string Describe() const;
};

struct Context {
  const Knowledge& k;
  const Clock& clock;
  store::Store* store = nullptr;  // the caller serialises its use (store.h)
  std::string actor;              // who the audit log names: a user, "web:anonymous", $USER
  Authority authority = {};
};

// How an answer ends, for the adapters that map it (an exit code, an HTTP status): an answer, an
// answer that says it cannot assess, an answer that reports bad input it skipped (an import with
// invalid resources), or an answer that reports a failure (an audit log that does not verify).
enum class Outcome { kAnswered, kCannotAssess, kBadInput, kFailed };

// The date a request names as "as_of" ("" for the clock's today); bad input naming "as_of".
Result<Date> AsOf(const Context& ctx, const std::string& text);
// Failed, naming "db", when the context has no store.
Status NeedStore(const Context& ctx);

}  // namespace lenacare::app
