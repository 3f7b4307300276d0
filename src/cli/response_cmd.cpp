// `lenacare response SERIES.json`: the IMWG response of a myeloma from a series of dated results
// (docs/response-format.md). Exit 0 answered, 1 cannot-assess, 2 bad input.
#include <sstream>

#include "cli/common.h"
#include "clinical/response.h"
#include "core/quantity.h"
#include "course/response_json.h"
#include "knowledge/response_criteria.h"

namespace lenacare::cli {
namespace {

using nlohmann::json;

json Category(const std::optional<ResponseCategory>& c) {
  return c ? json(std::string(ResponseCategoryId(*c))) : json(nullptr);
}

json DateJson(const std::optional<Date>& d) { return d ? json(d->ToString()) : json(nullptr); }

json NadirJson(const Nadir& n) {
  return {{"marker", n.marker},
          {"value", n.value},
          {"unit", n.unit},
          {"reached", n.reached.ToString()},
          {"confirmed", n.confirmed.ToString()}};
}

json ResponseJson(const ResponseAnswer& a) {
  json assessments = json::array();
  for (const AssessmentResponse& x : a.assessments) {
    json rules = json::array();
    for (const Citation& c : x.rules) rules.push_back({{"id", c.id}, {"source", c.source}, {"verified", c.verified}});
    assessments.push_back({{"date", x.date.ToString()},
                           {"category", ResponseCategoryId(x.category)},
                           {"confirmed", x.confirmed},
                           {"awaiting_confirmation", x.awaiting_confirmation},
                           {"confirmed_on", DateJson(x.confirmed_on)},
                           {"reasoning", x.reasoning},
                           {"rules", rules}});
  }
  json followed = json::array();
  for (ResponseMarker m : a.followed) followed.push_back(ResponseMarkerId(m));
  json nadirs = json::array();
  for (const Nadir& n : a.nadirs) nadirs.push_back(NadirJson(n));
  json j = {{"criteria", a.criteria},
            {"citation", a.citation},
            {"status", a.assessed ? "assessed" : "cannot-assess"},
            {"marker", a.marker ? json(std::string(ResponseMarkerId(*a.marker))) : json(nullptr)},
            {"followed", followed},
            {"best_response", Category(a.best_response)},
            {"current_response", Category(a.current_response)},
            {"progression_date", DateJson(a.progression_date)},
            {"progression_first_date", DateJson(a.progression_first)},
            {"nadir", a.nadirs.empty() ? json(nullptr) : NadirJson(a.nadirs.front())},
            {"nadirs", nadirs},
            {"assessments", assessments},
            {"steps", a.steps},
            {"verified", a.verified}};
  if (!a.assessed) {
    j["reason"] = a.reason;
    j["field"] = a.reason_field;
  }
  if (!a.verified) j["unverified"] = kUnverifiedSuffix;
  return j;
}

std::string ResponseText(const ResponseAnswer& a) {
  std::ostringstream out;
  out << "Myeloma response, " << a.criteria << " (" << a.citation << ")\n";
  if (!a.assessed) {
    out << "  cannot assess: " << (a.reason_field.empty() ? "" : a.reason_field + ": ") << a.reason << "\n";
  } else {
    auto cat = [](const std::optional<ResponseCategory>& c) {
      return c ? std::string(ResponseCategoryId(*c)) : std::string("not confirmed yet");
    };
    out << "  marker followed: " << ResponseMarkerName(*a.marker);
    if (a.followed.size() > 1) out << " and " << ResponseMarkerName(a.followed[1]);
    out << "\n  best response (confirmed): " << cat(a.best_response)
        << "\n  current response: " << cat(a.current_response) << "\n  progression: ";
    if (a.progression_date) {
      out << "confirmed on " << a.progression_date->ToString() << " (first seen " << a.progression_first->ToString()
          << ")\n";
    } else {
      out << "none confirmed\n";
    }
    for (const Nadir& n : a.nadirs) {
      out << "  nadir (" << n.marker << "): " << FormatNumber(n.value) << " " << n.unit << ", confirmed "
          << n.confirmed.ToString() << "\n";
    }
    out << "Assessments:\n";
    for (const AssessmentResponse& x : a.assessments) {
      out << "  " << x.date.ToString() << "  " << ResponseCategoryId(x.category) << "  "
          << (x.confirmed               ? "confirmed"
              : x.awaiting_confirmation ? "awaiting confirmation"
                                        : "not confirmed")
          << "\n      " << x.reasoning << "\n";
    }
  }
  out << "Steps:\n";
  int i = 1;
  for (const std::string& s : a.steps) out << "  " << i++ << ". " << s << "\n";
  if (!a.verified) out << "(" << kUnverifiedSuffix << ")\n";
  return out.str();
}

}  // namespace

int RunResponse(const Options& o) {
  auto loaded = Load(o);
  if (!loaded.ok()) return Fail(loaded.error(), o);
  const Knowledge& k = **loaded;
  auto text = ReadInput(o, o.course_file);
  if (!text.ok()) {
    Error e = text.error();
    e.field = "series";
    return Fail(e, o);
  }
  auto series = ParseResponseSeries(k.units, *text);
  if (!series.ok()) return Fail(series.error(), o);
  auto criteria = LoadResponseCriteria(k.root, series->criteria, k.units);
  if (!criteria.ok()) {
    Error e = criteria.error();
    if (e.field != "criteria") e.message = "knowledge base refused: " + e.message;
    return Fail(e, o);
  }
  const ResponseAnswer a = ClassifyResponse(*criteria, *series);
  return Emit(o, ResponseJson(a), ResponseText(a), a.assessed ? kAnswered : kCannotAssess);
}

}  // namespace lenacare::cli
