// Decision support inside the EHR (CDS Hooks): what needs attention for a patient whose chart is
// open, and the checks of a draft lenalidomide order, from the EHR's data (fhir/chart.h) and,
// when the patient is matched to lenacare's records, from the stored course too. The answers are
// the engine's and the worklist's own (CheckAll, ItemsFor, CheckRenalStart): the web page, the
// worklist and the EHR card for one patient cannot disagree. The adapter (webapp/cds_hooks.cpp)
// renders the findings as cards.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/course_checks.h"
#include "fhir/chart.h"

namespace lenacare::app {

// How much a finding asks of the clinician, least first (a card's indicator).
enum class Concern { kInfo, kWarning, kCritical };
std::string_view ConcernId(Concern c);  // "info", "warning", "critical"

// A change to the draft order that resolves a finding.
struct OrderChange {
  std::string label;               // "Order 10 mg daily, days 1-21"
  std::optional<Regimen> regimen;  // the dose and schedule the order should have
  std::optional<int> days_supply;
  std::optional<int> refills;
};

struct Finding {
  Concern concern = Concern::kInfo;
  std::string id;       // "status", "interrupt", "hold", "renal-dose", "dose", "supply", "refills", ...
  std::string summary;  // one sentence, under 140 characters
  std::string detail;   // the reason, with the values and dates it used
  std::string source;   // the knowledge's citation
  bool verified = true;
  std::vector<OrderChange> changes;  // alternatives: at most one is applied
};

struct ChartRequest {
  fhir::Chart chart;
  // Identifier systems whose values are lenacare patient identifiers (lenacare's own system is
  // always one); and whether the EHR's Patient id is one.
  std::vector<std::string> match_systems;
  bool match_patient_id = false;
  std::optional<fhir::DraftOrder> order;  // order-select / order-sign: the lenalidomide order checked
  bool order_complete = true;             // order-sign: the order is complete (a missing dose is a problem)
};

struct ChartAnswer {
  std::string matched;         // lenacare's patient identifier, "" when the patient is not matched
  bool stored_course = false;  // the answer rests on lenacare's stored course
  std::optional<CheckAnswer> check;
  std::vector<Finding> findings;  // most urgent first
  std::vector<std::string> used;  // the data the answer rests on, with their dates and origin
};

// Reads the stored course as ctx.actor when the patient is matched (audited as "patient.read");
// with no store, or no match, the answer rests on the EHR's data alone.
Result<ChartAnswer> AssessChart(const Context& ctx, const ChartRequest& r);

}  // namespace lenacare::app
