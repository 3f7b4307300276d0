// The worklist: every patient with a stored course who has something to do, most urgent first.
// Built from the engine's own answers for each course as of a date — `Evaluate` (status, tests
// due or overdue, holds) and the REMS checklist (pregnancy tests, authorization, next fill) —
// so the worklist never has rules of its own. Only the look-ahead is a setting: how many days
// ahead "due soon" reaches (workflow policy, not a clinical fact).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/context.h"
#include "core/date.h"
#include "core/result.h"
#include "knowledge/knowledge.h"
#include "knowledge/response_criteria.h"
#include "store/store.h"

namespace lenacare::app {

// In order of urgency.
enum class Urgency {
  kOverdue,     // a test or step whose date has passed
  kNeedsHuman,  // the course cannot be assessed: a person must look
  kHold,        // therapy interrupted, waiting for a recovery count
  kDueToday,    // due on the date
  kExpiring,    // an authorization that runs out within the look-ahead (or has run out)
  kDueSoon,     // due within the look-ahead
  kFillWindow,  // the next fill window opens within the look-ahead
  kResponse,    // a myeloma response category awaits its confirming assessment
};
// A "check dose" finding and a severe symptom-diary entry are kNeedsHuman items until someone
// resolves them with a reason (ResolveFinding, naming the item's `finding`).
std::string_view UrgencyId(Urgency u);

struct WorkItem {
  Urgency urgency = Urgency::kDueSoon;
  // "cbc", "pregnancy-test", "authorization", "next-fill", "hold", "response", "cannot-assess",
  // "check-dose", "symptom"
  std::string what;
  std::optional<Date> due;
  std::string detail;
  std::string source;
  bool verified = true;
  std::string finding;  // what resolves the item (ResolveFinding); "" for items that resolve themselves
};

struct WorkEntry {
  store::PatientRecord patient;
  std::string indication;
  std::vector<WorkItem> items;  // most urgent first
};

struct Worklist {
  Date as_of;
  int look_ahead_days = 0;
  int patients = 0;  // patients with a course
  std::vector<WorkEntry> entries;
  bool paged = false;  // the request asked for a page (a limit)
  std::string next;    // paged: where the next page starts (WorklistRequest::after); "" after the last
};

// The items of one course (a course that does not rebuild is one "cannot-assess" item).
// `criteria` (the IMWG response criteria) decides the response item of a myeloma course with
// stored markers; nullptr leaves it out.
// `severe`: the patient's severe symptom-diary entries up to the date.
std::vector<WorkItem> ItemsFor(const Knowledge& k, const ResponseCriteria* criteria,
                               const Result<store::StoredCourse>& course, Date as_of, int look_ahead_days,
                               const std::vector<store::SymptomEntry>& severe = {});
// The finding that resolves a symptom entry's item ("symptom:12").
std::string SymptomFinding(const store::SymptomEntry& e);
inline constexpr int kDefaultLookAheadDays = 7;
inline constexpr int kLongestLookAheadDays = 366;
inline constexpr int kLongestPage = 1000;

struct WorklistRequest {
  std::string as_of;  // "" for today
  int look_ahead_days = kDefaultLookAheadDays;
  int limit = 0;      // entries per page, 1 to kLongestPage; 0: every entry
  std::string after;  // a page's `next`: start after its last entry
};
// The worklist, or a page of it (entries in a stable order: urgency, due date, patient
// reference; a page resumes after the last entry of the page before, however the list changed).
// Today's worklist reads the answers stored for each course (course_status): up to 500 that do
// not hold for today it computes in its read and merges in; more, it recomputes and stores first
// (RefreshWorklist). Another day's, or a read-only store's, replays every course. The entries
// shown are audited ("worklist.read", their references).
Result<Worklist> BuildWorklist(const Context& ctx, const WorklistRequest& r);

// ---- The stored answers (course_status) -------------------------------------------------------
// The stored answer of each course holds for one day and one knowledge pack: written when the
// course changes (the keeper below, in the write's own transaction) and for every course whose
// answer does not hold for `day` (RefreshWorklist: at the first worklist of the day, or ahead of
// it by `lenacare worklist refresh` and `serve`'s daily refresh).

// Makes every write transaction of `store` recompute the answers of the courses it changed (for
// the store clock's today). `k` must outlive the store.
void KeepWorklist(store::Store& store, const Knowledge& k);
// The same with the knowledge in use at each write (the web site's, which a sign-off replaces).
void KeepWorklist(store::Store& store, std::function<const Knowledge&()> current);
// Recomputes, in transactions of up to `batch` courses, every answer that does not hold for `day`
// and `k`; the number recomputed. `go_on`, if given, is asked before each batch (false stops).
Result<int64_t> RefreshWorklist(const Knowledge& k, store::Store& store, Date day, int64_t batch = 500,
                                const std::function<bool()>& go_on = nullptr);

}  // namespace lenacare::app
