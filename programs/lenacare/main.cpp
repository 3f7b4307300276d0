// The composition root of the `lenacare` program: the one place that sees every layer. It builds
// the clock, hands the command line its `serve` command (the web application over the HTTP
// server), and runs the command line.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/cli.h"
#include "programs/lenacare/serve.h"
#include "programs/lenacare/system_clock.h"

namespace lenacare::programs {

Status UseClinicTimeZone() {
  const char* zone = std::getenv("LENACARE_TIME_ZONE");
  if (zone == nullptr || *zone == '\0') return Status::Ok();
  const std::string name = zone;
  const bool shape =
      name.find("..") == std::string::npos && name.front() != '/' &&
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") == std::string::npos;
  std::error_code ec;
  if (!shape || !std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / name, ec)) {
    return Error::BadInput("LENACARE_TIME_ZONE",
                           "'" + name + "' is not a time zone this system knows (e.g. Europe/Berlin, America/Chicago)");
  }
  setenv("TZ", name.c_str(), 1);
  tzset();
  return Status::Ok();
}

}  // namespace lenacare::programs

int main(int argc, char** argv) {
  using namespace lenacare;
  // Every file lenacare creates (the database and its -wal and -shm files, the audit key and
  // checkpoints, the demo accounts' passwords, exports) holds patient data or secrets: readable
  // by its owner only. The files that matter are also created 0600 explicitly.
  umask(077);
  Status zone = programs::UseClinicTimeZone();
  if (!zone.ok()) {
    std::cerr << "lenacare: error: " << zone.error().Describe() << "\n";
    return 2;
  }
  static const programs::SystemClock clock;
  const cli::Program program{clock, [](const cli::ServeOptions& o) { return programs::RunServe(o, clock); }};
  return cli::Main(argc, argv, program);
}
