// Benchmark of evaluate() on a year-long myeloma course: 13 cycles of 28 days with a weekly
// blood count (ANC, platelets, hemoglobin), two platelet falls with their holds and
// resumptions, and (in the second case) a dose diary entry for every pill day.
// Reported as evaluations per second (items_per_second). Run: bench/run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "course/course_json.h"
#include "course/evaluate.h"
#include "knowledge/loader.h"

namespace lenacare {
namespace {

const Knowledge& K() {
  static const Knowledge k = [] {
    auto loaded = LoadKnowledge(LENACARE_BENCH_KNOWLEDGE_DIR);
    if (!loaded.ok()) {
      std::cerr << loaded.error().Describe() << "\n";
      std::exit(2);
    }
    return std::move(loaded).value();
  }();
  return k;
}

std::string Lab(const Date& d, const char* test, const std::string& value) {
  return R"({"date":")" + d.ToString() + R"(","type":"lab","test":")" + test + R"(","value":")" + value + "\"},";
}

std::string YearCourse(bool dose_diary) {
  const Date start = Date::FromCivil(2026, 1, 5);
  std::string events;
  for (int week = 0; week < 52; ++week) {
    const Date d = start.AddDays(week * 7);
    // Platelets fall below 30 x10^9/L in weeks 10 and 30 and recover a week later.
    const bool low = week == 10 || week == 30;
    events += Lab(d, "anc", "1.8 10*9/L") + Lab(d, "platelets", low ? "24 10*9/L" : "160 10*9/L") +
              Lab(d, "hemoglobin", "11.2 g/dL");
    if (week == 11 || week == 31) events += R"({"date":")" + d.ToString() + R"(","type":"resume"},)";
  }
  if (dose_diary) {
    for (int day = 0; day < 13 * 28; ++day) {
      if (day % 28 < 21) events += R"({"date":")" + start.AddDays(day).ToString() + R"(","type":"dose-taken"},)";
    }
  }
  events.pop_back();
  return R"({"indication":"mm","start_date":"2026-01-05","starting_dose_mg":25,"setting":"newly-diagnosed",
    "patient":{"sex":"male","birth_date":"1950-06-01","weight":"80 kg","crcl":"75 mL/min"},"events":[)" +
         events + "]}";
}

void EvaluateYear(benchmark::State& state, bool dose_diary) {
  auto course = ParseCourseJson(K(), YearCourse(dose_diary));
  if (!course.ok()) {
    state.SkipWithError(course.error().Describe().c_str());
    return;
  }
  const Date as_of = Date::FromCivil(2027, 1, 3);  // the last day of cycle 13
  for (auto _ : state) {
    Assessment a = Evaluate(K(), *course, as_of);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["events"] = static_cast<double>(course->events.size());
}

void BM_EvaluateYearWeeklyCounts(benchmark::State& state) { EvaluateYear(state, false); }
void BM_EvaluateYearWithDoseDiary(benchmark::State& state) { EvaluateYear(state, true); }
BENCHMARK(BM_EvaluateYearWeeklyCounts);
BENCHMARK(BM_EvaluateYearWithDoseDiary);

}  // namespace
}  // namespace lenacare

BENCHMARK_MAIN();
