#include "webapp/commands.h"

namespace lenacare::webapp {

const std::vector<CommandRoute>& CalculatorCommands() {
  static const std::vector<CommandRoute> all = {
      {"crcl", cli::RunCrCl, {{"age", "sex", "weight", "creatinine"}, {"age", "sex", "weight", "creatinine"}}, ""},
      {"start-dose",
       cli::RunStartDose,
       {{"indication", "crcl", "dialysis", "age", "sex", "weight", "creatinine"}, {"indication"}},
       ""},
      {"calendar",
       cli::RunCalendar,
       {{"indication", "start", "cycles", "dose", "frequency", "days", "setting", "age", "birth_date",
         "pregnancy_tests"},
        {"indication", "start"}},
       ""},
      {"missed-dose", cli::RunMissedDose, {{"scheduled", "now"}, {"scheduled", "now"}}, ""},
      {"capsules", cli::RunCapsules, {{"indication", "dose", "frequency", "days"}, {"indication", "dose"}}, ""},
      {"vte", cli::RunVte, {{"bmi", "dexamethasone", "prophylaxis", "present", "unknown"}, {}}, ""},
      {"interactions", cli::RunInteractions, {{"drugs"}, {"drugs"}}, ""},
      {"grade",
       cli::RunGrade,
       {{"test", "value", "lln", "uln", "baseline", "temperature", "sustained", "ctcae"}, {"test", "value"}},
       ""},
      {"evaluate", cli::RunEvaluate, {{"course", "as_of"}, {"course"}}, "course"},
      {"rems", cli::RunRems, {{"course", "as_of"}, {"course"}}, "course"},
      {"check", cli::RunCheck, {{"course", "as_of"}, {"course"}}, "course"},
      {"response", cli::RunResponse, {{"series"}, {"series"}}, "series"},
  };
  return all;
}

const CommandRoute* FindCommand(const std::string& name) {
  for (const CommandRoute& c : CalculatorCommands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

void Normalize(const CommandRoute& c, cli::Options& o) {
  if (c.name == "grade") {
    o.grade_test = o.test;
    o.grade_value = o.value;
  }
  if (!c.document.empty()) o.course_file = "-";
}

}  // namespace lenacare::webapp
