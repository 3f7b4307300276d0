// Reading a therapy course from JSON (the format in docs/course-format.md). Strict: an unknown
// field, a value without its unit, a unit that does not fit the test, an implausible value, an
// event before the start date: each is a bad-input error naming the field
// ("events[3].value: unit 'mg/dL' is a creatinine unit and does not fit a cell count ...").
#pragma once

#include <string_view>

#include "core/result.h"
#include "course/course.h"
#include "knowledge/knowledge.h"

namespace lenacare {

// Parses and validates; events come back sorted by date (same-day events in input order).
Result<Course> ParseCourseJson(const Knowledge& k, std::string_view json_text);

// Bad input if any event is dated after `as_of` (the CLI refuses to evaluate a course "as of" a
// date that its own events contradict).
// With allow_before_start, `as_of` may precede the start (the REMS steps before a first
// prescription); otherwise that is bad input too.
Status CheckEventsUpTo(const Course& course, Date as_of, bool allow_before_start = false);

}  // namespace lenacare
