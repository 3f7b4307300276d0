// evaluate(): replays a therapy course up to a date and says where the patient stands.
//
// Pure: no clock, no files, no database; the same inputs always give the same assessment. The
// course's events must be sorted by date (course_json.h does this); events after `as_of` are
// ignored. Never throws. Thread-safe for concurrent calls on shared const inputs.
#pragma once

#include "course/assessment.h"
#include "course/course.h"
#include "knowledge/knowledge.h"

namespace lenacare {

Assessment Evaluate(const Knowledge& k, const Course& course, Date as_of);

}  // namespace lenacare
