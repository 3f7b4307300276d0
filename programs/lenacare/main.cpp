// The composition root of the `lenacare` program: the one place that sees every layer. It builds
// the clock, hands the command line its `serve` command (the web application over the HTTP
// server), and runs the command line.
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "cli/cli.h"
#include "cli/config.h"
#include "programs/lenacare/serve.h"
#include "programs/lenacare/system_clock.h"

int main(int argc, char** argv) {
  using namespace lenacare;
  // Every file lenacare creates (the database and its -wal and -shm files, the audit key and
  // checkpoints, the demo accounts' passwords, exports) holds patient data or secrets: readable
  // by its owner only. The files that matter are also created 0600 explicitly.
  umask(077);
  const char* zone_name = std::getenv("LENACARE_TIME_ZONE");
  Status zone = cli::UseTimeZone(zone_name == nullptr ? "" : zone_name, "LENACARE_TIME_ZONE");
  if (!zone.ok()) {
    std::cerr << "lenacare: error: " << zone.error().Describe() << "\n";
    return 2;
  }
  static const programs::SystemClock clock;
  const cli::Program program{clock, [](const cli::ServeOptions& o) { return programs::RunServe(o, clock); }};
  return cli::Main(argc, argv, program);
}
