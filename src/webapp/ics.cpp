#include "webapp/records.h"

namespace lenacare::webapp {

http::Response CalendarIcs(Site& site, const Caller& caller, const std::string& ref) {
  (void)site;
  (void)caller;
  (void)ref;
  return JsonError(501, "calendar", "not yet");
}

}  // namespace lenacare::webapp
