#include "webapp/app.h"

namespace lenacare::webapp {

void AddClinicianViews(Site& site, Router& router) {
  (void)site;
  (void)router;
}

}  // namespace lenacare::webapp
