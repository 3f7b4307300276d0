// `lenacare serve`: the web application (src/webapp) over the HTTP server (src/http), on the
// knowledge and the store, with the program's clock.
#pragma once

#include "cli/cli.h"
#include "core/clock.h"

namespace lenacare::programs {

int RunServe(const cli::ServeOptions& o, const Clock& clock);

}  // namespace lenacare::programs
