// One patient's chart as an EHR sends it (a CDS Hooks prefetch, or the answers of FHIR searches),
// read for the engine: the Patient's facts and identifiers, blood counts, creatinine, pregnancy
// tests and lenalidomide orders as course-file events (fhir_map.h reads each resource, with the
// import's rules), the indications of the Conditions, the latest body weight, and the patient's
// other active medications. And the lenalidomide orders of a CDS Hooks `draftOrders` Bundle.
// Pure: no store, no clock (the caller gives today).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "knowledge/knowledge.h"
#include "store/store.h"

namespace lenacare::fhir {

struct Chart {
  std::string patient_id;  // the EHR's Patient id
  // The id of the Patient resource the EHR sent for it (its prefetch of Patient/{patientId} may
  // carry another id): data about it are the patient's too.
  std::string patient_alias;
  // The Patient's identifiers ("system|value"), by which lenacare's records are matched.
  std::vector<std::string> identifiers;
  std::optional<store::PatientRecord> patient;  // sex, birth date, name ("" unknown)
  std::vector<store::EventRecord> events;       // labs, pregnancy tests, lenalidomide prescriptions and dispenses
  std::vector<std::string> indications;         // indication ids of the Conditions, each once
  std::string weight, weight_date;              // the latest body weight ("70 kg") and its date
  // The other active medications: an RxNorm code (the interaction lookup knows them) or the name.
  std::vector<std::string> medications;
  std::vector<std::string> medication_names;  // as the EHR shows them, for the cards
  std::vector<std::string> problems;          // "Observation/12: ..." data that could not be used
};

// Reads prefetch values and search results into a chart. Not thread-safe.
class ChartReader {
 public:
  ChartReader(const Knowledge& k, Date today);
  ~ChartReader();
  ChartReader(const ChartReader&) = delete;
  ChartReader& operator=(const ChartReader&) = delete;

  // Adds one resource, or each resource of a Bundle, for the patient `chart.patient_id`; other
  // patients' resources are left out (a problem each). The first Patient added is the patient's
  // (add the prefetch of Patient/{patientId} first). A null value adds nothing.
  void Add(const nlohmann::json& value, Chart& chart);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A lenalidomide MedicationRequest of `draftOrders`, as far as it can be read.
struct DraftOrder {
  std::string key;  // "MedicationRequest/abc"
  nlohmann::json resource;
  std::optional<double> dose_mg;      // one dose, in mg
  std::string dose_problem;           // why the dose could not be read (no dose yet, a unit that is not mg...)
  std::optional<double> strength_mg;  // the capsule's strength, when the medication names it
  std::optional<int> days_supply;     // dispenseRequest.expectedSupplyDuration, in days
  std::optional<int> refills;         // dispenseRequest.numberOfRepeatsAllowed
  // dosageInstruction[0].timing.repeat, when it says daily (1 per 1 d) or every other day (1 per 2 d).
  std::string frequency;  // "daily", "every-other-day" or ""
  std::string text;       // dosageInstruction[0].text
};

// The lenalidomide MedicationRequests of a Bundle (or a single resource); those of other drugs
// are not returned.
std::vector<DraftOrder> LenalidomideOrders(const Knowledge& k, const nlohmann::json& orders);

// Whether `resource` is a lenalidomide MedicationRequest or MedicationDispense (RxNorm).
bool IsLenalidomide(const Knowledge& k, const nlohmann::json& resource);

}  // namespace lenacare::fhir
