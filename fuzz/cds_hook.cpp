// A CDS Hooks request body as an EHR sends it: read as the service reads it (the checked JSON
// reader), its prefetch values into a chart, its draft lenalidomide orders, and the chart assessed
// for each order (and without one, as patient-view) by the use case, with no store.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/cds.h"
#include "course/json_input.h"
#include "fhir/chart.h"
#include "support.h"

using namespace lenacare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = json_input::ParseObject(std::string_view(reinterpret_cast<const char*>(data), size), "body");
  if (!body.ok()) return 0;
  const app::Context ctx = fuzz::TheContext();
  app::ChartRequest r;
  if (body->contains("context") && (*body)["context"].is_object()) {
    const nlohmann::json& c = (*body)["context"];
    if (c.contains("patientId") && c["patientId"].is_string()) r.chart.patient_id = c["patientId"];
  }
  fhir::ChartReader reader(ctx.k, ctx.clock.Today());
  if (body->contains("prefetch") && (*body)["prefetch"].is_object()) {
    for (const auto& [key, value] : (*body)["prefetch"].items()) reader.Add(value, r.chart);
  }
  (void)app::AssessChart(ctx, r);
  if (body->contains("context") && (*body)["context"].is_object() && (*body)["context"].contains("draftOrders")) {
    for (const fhir::DraftOrder& o : fhir::LenalidomideOrders(ctx.k, (*body)["context"]["draftOrders"])) {
      app::ChartRequest one = r;
      one.order = o;
      (void)app::AssessChart(ctx, one);
    }
  }
  return 0;
}
