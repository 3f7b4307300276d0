#include "webapp/app.h"

namespace lenacare::webapp {

void AddPatientViews(Site& site, Router& router) {
  (void)site;
  (void)router;
}

}  // namespace lenacare::webapp
