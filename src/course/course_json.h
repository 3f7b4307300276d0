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

// One event object of a course file (the "events" list), validated against `course` (its start
// date, indication and knowledge); `where` names it in messages. The store records events one
// at a time through this function and rebuilds stored courses with it.
Result<Event> ParseEventJson(const Knowledge& k, std::string_view json_text, const std::string& where,
                             const Course& course);
// A recorded event (the store and the importer): a lab dated before the course's start is read
// as a baseline result (its "type": "lab" allowed), every other event as ParseEventJson reads it.
Result<Event> ParseRecordedEventJson(const Knowledge& k, std::string_view json_text, const std::string& where,
                                     const Course& course);
// ParseRecordedEventJson of a body the store holds, which was written by this program
// (json_input::ParseWrittenObject): rebuilding a course reads many.
Result<Event> ParseStoredEventJson(const Knowledge& k, std::string_view json_text, const std::string& where,
                                   const Course& course);
// The checks a course gets as a whole once all its events are read: the REMS category against
// the patient's facts, and program events in order (no dispense before a prescription).
Status CheckCourse(const Knowledge& k, const Course& course);

// A course file's "patient" object on its own, validated as of `on` (a birth date must not be
// after it).
Result<Patient> ParsePatientJson(const Knowledge& k, std::string_view json_text, Date on);

// A stored patient's facts — the "patient" object without sex and birth date, which are kept as
// their own fields ("" for unknown) — as the course file holds them.
std::string PatientObjectJson(std::string_view facts_json, const std::string& sex, const std::string& birth_date);
// A stored course header with the patient's facts: the course file without its events.
std::string CourseFileJson(std::string_view header_json, std::string_view facts_json, const std::string& sex,
                           const std::string& birth_date);

// Bad input if any event is dated after `as_of` (the CLI refuses to evaluate a course "as of" a
// date that its own events contradict).
// With allow_before_start, `as_of` may precede the start (the REMS steps before a first
// prescription); otherwise that is bad input too.
Status CheckEventsUpTo(const Course& course, Date as_of, bool allow_before_start = false);

}  // namespace lenacare
