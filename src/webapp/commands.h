// The calculators as the REST API serves them (POST /api/v1/<name>) and the web calculators read
// them: for each, the table of its request's fields and the use case of src/app it runs, so the
// web page, the API and the CLI give the same engine's answer to the same inputs.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/calculators.h"
#include "app/context.h"
#include "app/course_checks.h"
#include "app/worklist.h"
#include "webapp/fields.h"

namespace lenacare::webapp {

struct CalculatorRoute {
  std::string name;  // the API path under /api/v1, and the CLI subcommand
  // The answer to a JSON body as the v1 JSON, or the error naming the body's field.
  std::function<Result<nlohmann::json>(const app::Context&, const nlohmann::json& body)> answer;
};

const std::vector<CalculatorRoute>& CalculatorRoutes();
const CalculatorRoute* FindCalculator(const std::string& name);

// The field tables the web pages share with the API.
const Fields<app::CrClRequest>& CrClFields();
const Fields<app::StartDoseRequest>& StartDoseFields();
const Fields<app::MissedDoseRequest>& MissedDoseFields();
const Fields<app::VteRequest>& VteFields();
const Fields<app::WorklistRequest>& WorklistFields();

}  // namespace lenacare::webapp
