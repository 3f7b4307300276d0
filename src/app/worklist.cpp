#include "app/worklist.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "app/records.h"
#include "core/text.h"
#include "course/assessment.h"
#include "course/evaluate.h"
#include "course/rems.h"

namespace lenacare::app {

std::string_view UrgencyId(Urgency u) {
  switch (u) {
    case Urgency::kOverdue:
      return "overdue";
    case Urgency::kNeedsHuman:
      return "needs-human";
    case Urgency::kHold:
      return "hold";
    case Urgency::kDueToday:
      return "due-today";
    case Urgency::kExpiring:
      return "expiring";
    case Urgency::kDueSoon:
      return "due-soon";
    case Urgency::kFillWindow:
      return "fill-window";
    case Urgency::kResponse:
      return "response";
  }
  return "";
}

namespace {

bool HasProgramEvents(const Course& c) {
  return std::any_of(c.events.begin(), c.events.end(), [](const Event& e) { return IsProgramEvent(e.type); });
}

void AddDue(std::vector<WorkItem>& items, const std::string& what, Date due, bool overdue, Date as_of, int ahead,
            const std::string& detail, const std::string& source, bool verified) {
  Urgency u;
  if (overdue || due < as_of) {
    u = Urgency::kOverdue;
  } else if (due == as_of) {
    u = Urgency::kDueToday;
  } else if (due.DaysSince(as_of) <= ahead) {
    u = Urgency::kDueSoon;
  } else {
    return;
  }
  for (const WorkItem& i : items) {
    if (i.what == what && i.due == due) return;  // the same test from evaluate and the checklist
  }
  items.push_back({u, what, due, detail, source, verified, ""});
}

// An item when the latest response category of a myeloma course's stored markers awaits its
// confirming assessment, or when the markers do not make a series.
void AddResponseItem(const Knowledge& k, const ResponseCriteria& criteria, const store::StoredCourse& stored,
                     std::vector<WorkItem>& items) {
  const std::string start = stored.course.start_date.ToString();
  const bool baseline = std::any_of(stored.markers.begin(), stored.markers.end(),
                                    [&](const store::EventRecord& m) { return m.date <= start; });
  const bool assessed = std::any_of(stored.markers.begin(), stored.markers.end(),
                                    [&](const store::EventRecord& m) { return m.date > start; });
  if (!baseline || !assessed) return;
  auto parsed = MarkerSeries(k, stored.markers, stored.course.start_date, criteria.version);
  if (!parsed.ok()) {
    items.push_back({Urgency::kNeedsHuman, "cannot-assess", std::nullopt,
                     "the stored response markers do not make a series: " + parsed.error().Describe(),
                     criteria.confirmation.source, true, ""});
    return;
  }
  const ResponseAnswer answer = ClassifyResponse(criteria, *parsed);
  if (!answer.assessed || answer.assessments.empty()) return;
  const AssessmentResponse& last = answer.assessments.back();
  // Only a change needs the next assessment: a category the latest confirmed response already is
  // (the usual state of a stable patient) is not an item.
  if (!last.awaiting_confirmation || answer.current_response == last.category) return;
  items.push_back({Urgency::kResponse, "response", std::nullopt,
                   std::string(ResponseCategoryId(last.category)) + " on " + last.date.ToString() +
                       " awaits a confirming assessment of the same marker",
                   criteria.confirmation.source, criteria.confirmation.verified, ""});
}

}  // namespace

std::string SymptomFinding(const store::SymptomEntry& e) { return "symptom:" + std::to_string(e.id); }

std::vector<WorkItem> ItemsFor(const Knowledge& k, const ResponseCriteria* criteria,
                               const Result<store::StoredCourse>& stored, Date as_of, int ahead,
                               const std::vector<store::SymptomEntry>& severe) {
  std::vector<WorkItem> items;
  const std::vector<std::string> none;
  const std::vector<std::string>& resolved = stored.ok() ? stored->resolved : none;
  auto is_resolved = [&](const std::string& finding) {
    return std::find(resolved.begin(), resolved.end(), finding) != resolved.end();
  };
  for (const store::SymptomEntry& e : severe) {
    const std::string finding = SymptomFinding(e);
    if (is_resolved(finding)) continue;
    auto date = Date::Parse(e.date);
    items.push_back({Urgency::kNeedsHuman, "symptom", date.ok() ? std::optional<Date>(*date) : std::nullopt,
                     "the patient rated \"" + e.symptom + "\" severe" + (e.note.empty() ? "" : ": " + e.note), "", true,
                     finding});
  }
  if (!stored.ok()) {
    items.push_back({Urgency::kNeedsHuman, "cannot-assess", std::nullopt,
                     "the stored course does not read: " + stored.error().Describe(), "", true, ""});
    return items;
  }
  const Course& c = stored->course;
  if (as_of >= c.start_date) {
    const Assessment a = Evaluate(k, c, as_of);
    if (a.status == CourseStatus::kCannotAssess) {
      items.push_back({Urgency::kNeedsHuman, "cannot-assess", std::nullopt, a.cannot_assess, "", true, ""});
    }
    for (const Recommendation& r : a.recommendations) {
      if (r.action != Action::kCheckDose || is_resolved(r.reason)) continue;
      items.push_back({Urgency::kNeedsHuman, "check-dose", std::nullopt, r.reason, r.source, r.verified, r.reason});
    }
    if (a.status == CourseStatus::kInterrupted) {
      std::string detail = "therapy interrupted";
      for (const DueTest& t : a.tests_due) {
        if (t.test == "cbc") detail += "; next blood count " + t.due.ToString();
      }
      items.push_back({Urgency::kHold, "hold", std::nullopt, detail + ": waiting for a recovery count", "", true, ""});
    }
    for (const DueTest& t : a.tests_due)
      AddDue(items, t.test, t.due, t.overdue, as_of, ahead, t.detail, t.source, t.verified);
  }
  if (HasProgramEvents(c)) {
    auto rems = BuildRemsChecklist(k, c, as_of);
    if (!rems.ok()) {
      items.push_back(
          {Urgency::kNeedsHuman, "cannot-assess", std::nullopt, "REMS: " + rems.error().Describe(), "", true, ""});
    } else {
      for (const ChecklistItem& i : rems->items) {
        if (i.id.rfind("pregnancy-tests", 0) == 0 && i.due &&
            (i.status == ItemStatus::kDue || i.status == ItemStatus::kOverdue)) {
          AddDue(items, "pregnancy-test", *i.due, i.status == ItemStatus::kOverdue, as_of, ahead, i.detail, i.source,
                 i.verified);
        } else if (i.id == "authorization" && i.due && i.due->DaysSince(as_of) <= ahead) {
          items.push_back({Urgency::kExpiring, "authorization", i.due, i.detail, i.source, i.verified, ""});
        } else if (i.id == "next-fill" && i.due && i.due->DaysSince(as_of) <= ahead && *i.due >= as_of) {
          items.push_back({Urgency::kFillWindow, "next-fill", i.due, i.detail, i.source, i.verified, ""});
        }
      }
    }
  }
  if (criteria != nullptr && !stored->markers.empty() && c.indication->id.rfind("mm", 0) == 0) {
    AddResponseItem(k, *criteria, *stored, items);
  }
  std::stable_sort(items.begin(), items.end(), [](const WorkItem& a, const WorkItem& b) {
    if (a.urgency != b.urgency) return a.urgency < b.urgency;
    return a.due.value_or(Date::FromDays(0)) < b.due.value_or(Date::FromDays(0));
  });
  return items;
}

namespace {

// ---- An entry's place in the list ----------------------------------------------------------------
// (urgency, due date or "", patient reference): the order of the worklist, and of its pages. The
// stored worklist's query (Store::StoredWorklist) orders by the same key.
using Key = std::tuple<int64_t, std::string, std::string>;

bool DependsOnLookAhead(Urgency u) {
  return u == Urgency::kExpiring || u == Urgency::kDueSoon || u == Urgency::kFillWindow;
}

// The items of the longest look-ahead that a shorter one keeps (those due by its last day).
std::vector<WorkItem> WithinLookAhead(std::vector<WorkItem> items, Date until) {
  items.erase(
      std::remove_if(items.begin(), items.end(),
                     [&](const WorkItem& i) { return DependsOnLookAhead(i.urgency) && i.due && *i.due > until; }),
      items.end());
  return items;
}

Key EntryKey(const std::vector<WorkItem>& items, const std::string& ref) {
  const WorkItem& first = items.front();
  return {static_cast<int64_t>(first.urgency), first.due ? first.due->ToString() : "", ref};
}

// A page's `next`: the key of its last entry, as hex text (opaque to the caller).
std::string Cursor(const Key& k) {
  const std::string plain = std::to_string(std::get<0>(k)) + '\x1f' + std::get<1>(k) + '\x1f' + std::get<2>(k);
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : plain) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return hex;
}

Result<std::optional<Key>> ParseCursor(const std::string& text) {
  if (text.empty()) return std::optional<Key>();
  const Error bad = Error::BadInput("after", "is not a page's \"next\" value: ask for the first page again");
  if (text.size() % 2 != 0 || text.size() > 4096) return bad;
  std::string plain;
  for (size_t i = 0; i < text.size(); i += 2) {
    int v = 0;
    for (char c : text.substr(i, 2)) {
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return bad;
      v = v * 16 + d;
    }
    plain += static_cast<char>(v);
  }
  const size_t a = plain.find('\x1f');
  const size_t b = a == std::string::npos ? a : plain.find('\x1f', a + 1);
  if (b == std::string::npos || a != 1 || plain[0] < '0' || plain[0] > '7') return bad;
  const std::string due = plain.substr(a + 1, b - a - 1);
  if (!due.empty() && !Date::Parse(due).ok()) return bad;
  return std::optional<Key>(Key{plain[0] - '0', due, plain.substr(b + 1)});
}

// A patient's severe symptom-diary entries, from Store::SevereSymptoms (none: empty).
const std::vector<store::SymptomEntry>& SevereOf(const std::map<int64_t, std::vector<store::SymptomEntry>>& severe,
                                                 int64_t patient_id) {
  static const std::vector<store::SymptomEntry> none;
  auto found = severe.find(patient_id);
  return found == severe.end() ? none : found->second;
}

// Entries in the worklist's order (urgency, due date, patient reference).
bool ByKey(const WorkEntry& a, const WorkEntry& b) {
  return EntryKey(a.items, a.patient.ref) < EntryKey(b.items, b.patient.ref);
}

// ---- The stored items --------------------------------------------------------------------------

std::string ItemsText(const std::vector<WorkItem>& items) {
  nlohmann::json a = nlohmann::json::array();
  for (const WorkItem& i : items) {
    a.push_back({{"u", static_cast<int>(i.urgency)},
                 {"w", i.what},
                 {"d", i.due ? nlohmann::json(i.due->ToString()) : nlohmann::json(nullptr)},
                 {"t", i.detail},
                 {"s", i.source},
                 {"v", i.verified},
                 {"f", i.finding}});
  }
  return a.dump();
}

Result<std::vector<WorkItem>> ItemsFrom(const std::string& text) {
  std::vector<WorkItem> items;
  try {
    for (const nlohmann::json& j : nlohmann::json::parse(text)) {
      WorkItem i;
      const int u = j.at("u").get<int>();
      if (u < 0 || u > static_cast<int>(Urgency::kResponse)) throw std::out_of_range("urgency");
      i.urgency = static_cast<Urgency>(u);
      i.what = j.at("w").get<std::string>();
      if (!j.at("d").is_null()) {
        auto d = Date::Parse(j.at("d").get<std::string>());
        if (!d.ok()) throw std::out_of_range("due");
        i.due = *d;
      }
      i.detail = j.at("t").get<std::string>();
      i.source = j.at("s").get<std::string>();
      i.verified = j.at("v").get<bool>();
      i.finding = j.at("f").get<std::string>();
      items.push_back(std::move(i));
    }
  } catch (const std::exception& e) {
    return Error::Failed("worklist", std::string("a stored worklist answer does not read (") + e.what() +
                                         "): run `lenacare worklist refresh`");
  }
  return items;
}

// The stored answer of one course for `day`.
store::CourseStatus StatusOf(const Knowledge& k, const ResponseCriteria* criteria, const store::PatientRecord& p,
                             const Result<store::StoredCourse>& course, const std::vector<store::SymptomEntry>& severe,
                             Date day, int64_t version) {
  const std::vector<WorkItem> items = ItemsFor(k, criteria, course, day, kLongestLookAheadDays, severe);
  store::CourseStatus s;
  s.patient_id = p.id;
  s.version = version;
  s.computed_on = day.ToString();
  s.knowledge = k.fingerprint;
  s.ref = p.ref;
  s.indication = course.ok() ? course->record.indication : "";
  for (const WorkItem& i : items) {  // most urgent first: the first of each kind is its earliest
    const std::string due = i.due ? i.due->ToString() : "";
    if (i.urgency == Urgency::kExpiring) {
      if (s.expiring_due.empty()) s.expiring_due = due;
    } else if (i.urgency == Urgency::kDueSoon) {
      if (s.soon_due.empty()) s.soon_due = due;
    } else if (i.urgency == Urgency::kFillWindow) {
      if (s.fill_due.empty()) s.fill_due = due;
    } else if (i.urgency == Urgency::kResponse) {
      s.response = true;
    } else if (!s.fixed_rank) {
      s.fixed_rank = static_cast<int64_t>(i.urgency);
      s.fixed_due = due;
    }
  }
  const std::vector<WorkItem> shown = WithinLookAhead(items, day.AddDays(kDefaultLookAheadDays));
  if (!shown.empty()) {
    const Key key = EntryKey(shown, p.ref);
    s.key_rank = std::get<0>(key);
    s.key_due = std::get<1>(key);
  }
  s.items = ItemsText(items);
  return s;
}

// Recomputes the stored answers of `rows` (by patient id) for `day`, in the caller's transaction;
// the number written (an answer whose row changed since its version was read is not). `in_write`:
// the transaction changed these patients, which locked their rows (Store::KeepStatus).
Result<int64_t> RecomputeStatuses(const Knowledge& k, store::Store& st, Date day,
                                  const std::vector<store::StatusVersion>& rows, bool in_write) {
  if (rows.empty()) return int64_t{0};
  std::map<int64_t, int64_t> version;
  for (const store::StatusVersion& r : rows) version[r.patient_id] = r.version;
  std::vector<int64_t> ids;
  for (const auto& [id, v] : version) ids.push_back(id);
  const ResponseCriteria* criteria = k.FindResponseCriteria("IMWG-2016");
  auto severe = st.SevereSymptoms(day, ids.front(), ids.back());
  if (!severe.ok()) return severe.error();
  std::vector<store::CourseStatus> computed;  // written once the courses' rows (streamed) are read
  Status s = st.CoursesOf(k, day, ids, [&](const store::PatientRecord& p, const Result<store::StoredCourse>& c) {
    auto wanted = version.find(p.id);
    if (wanted == version.end()) return;
    computed.push_back(StatusOf(k, criteria, p, c, SevereOf(*severe, p.id), day, wanted->second));
  });
  if (!s.ok()) return s.error();
  int64_t written = 0;
  for (const store::CourseStatus& status : computed) {
    if (in_write) {
      if (Status kept = st.KeepStatus(status); !kept.ok()) return kept.error();
      ++written;
      continue;
    }
    auto put = st.PutStatus(status);  // false: changed since it was read; it stays stale
    if (!put.ok()) return put.error();
    written += *put ? 1 : 0;
  }
  return written;
}

// Audits the entries shown: one entry per thousand patients, naming them.
Status AuditShown(store::Store& st, const std::string& actor, const Worklist& w) {
  for (size_t at = 0; at < w.entries.size(); at += 1000) {
    std::string refs;
    for (size_t i = at; i < w.entries.size() && i < at + 1000; ++i)
      refs += (refs.empty() ? "" : " ") + w.entries[i].patient.ref;
    Status s =
        st.Audit(actor, "worklist.read", "*",
                 "as of " + w.as_of.ToString() + ", " + std::to_string(w.look_ahead_days) + " days ahead: " + refs);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// A page of the entries (sorted by key): those after `after`, up to `limit` (0: all).
void Page(std::vector<WorkEntry>& entries, const std::optional<Key>& after, int limit, Worklist& w) {
  auto key = [](const WorkEntry& e) { return EntryKey(e.items, e.patient.ref); };
  auto from = entries.begin();
  if (after) from = std::find_if(entries.begin(), entries.end(), [&](const WorkEntry& e) { return key(e) > *after; });
  entries.erase(entries.begin(), from);
  if (limit > 0 && entries.size() > static_cast<size_t>(limit)) {
    entries.resize(static_cast<size_t>(limit));
    w.next = Cursor(key(entries.back()));
  }
  w.entries = std::move(entries);
}

// Another day's worklist: every course replayed as of that day.
Status ReplayWorklist(const Context& ctx, const std::optional<Key>& after, int limit, Worklist& w) {
  const Knowledge& k = ctx.k;
  const ResponseCriteria* criteria = k.FindResponseCriteria("IMWG-2016");  // the loader requires it
  return ctx.store->Read([&]() -> Status {
    auto severe = ctx.store->SevereSymptoms(w.as_of);
    if (!severe.ok()) return severe.error();
    std::vector<WorkEntry> entries;
    Status s = ctx.store->CoursesBetween(k, w.as_of, 0, std::numeric_limits<int64_t>::max(),
                                         [&](const store::PatientRecord& p, const Result<store::StoredCourse>& c) {
                                           ++w.patients;
                                           std::vector<WorkItem> items = ItemsFor(
                                               k, criteria, c, w.as_of, w.look_ahead_days, SevereOf(*severe, p.id));
                                           if (items.empty()) return;
                                           entries.push_back({p, c.ok() ? c->record.indication : "", std::move(items)});
                                         });
    if (!s.ok()) return s;
    std::sort(entries.begin(), entries.end(), ByKey);
    Page(entries, after, limit, w);
    return AuditShown(*ctx.store, ctx.actor, w);
  });
}

// The courses whose stored answer is stale in the snapshot, computed there (not stored: a read
// writes nothing): those with something to do, sorted by key.
Result<std::vector<WorkEntry>> StaleEntries(const Context& ctx, const std::vector<store::StatusVersion>& stale,
                                            const Worklist& w) {
  std::vector<WorkEntry> entries;
  if (stale.empty()) return entries;
  std::vector<int64_t> ids;
  for (const store::StatusVersion& v : stale) ids.push_back(v.patient_id);
  auto severe = ctx.store->SevereSymptoms(w.as_of, ids.front(), ids.back());
  if (!severe.ok()) return severe.error();
  const ResponseCriteria* criteria = ctx.k.FindResponseCriteria("IMWG-2016");
  Status s = ctx.store->CoursesOf(
      ctx.k, w.as_of, ids, [&](const store::PatientRecord& p, const Result<store::StoredCourse>& c) {
        std::vector<WorkItem> items = ItemsFor(ctx.k, criteria, c, w.as_of, w.look_ahead_days, SevereOf(*severe, p.id));
        if (!items.empty()) entries.push_back({p, c.ok() ? c->record.indication : "", std::move(items)});
      });
  if (!s.ok()) return s.error();
  std::sort(entries.begin(), entries.end(), ByKey);
  return entries;
}

// Today's worklist from the stored answers, in one snapshot. The few answers that are stale in it
// (written after the refresh by a server that leaves them to its housekeeping) are computed there
// and merged in by key. `complete` false (more than a batch is stale) asks the caller to refresh
// and read again.
Status StoredWorklist(const Context& ctx, const std::optional<Key>& after, int limit, Worklist& w, bool& complete) {
  constexpr int64_t kMergedAtMost = 500;
  const Knowledge& k = ctx.k;
  store::Store& st = *ctx.store;
  return st.Read([&]() -> Status {
    const std::string day = w.as_of.ToString();
    auto stale = st.StaleStatuses(day, k.fingerprint, kMergedAtMost + 1);
    if (!stale.ok()) return stale.error();
    complete = static_cast<int64_t>(stale->size()) <= kMergedAtMost;
    if (!complete) return Status::Ok();
    auto fresh = StaleEntries(ctx, *stale, w);
    if (!fresh.ok()) return fresh.error();
    std::vector<WorkEntry> merged_in = std::move(fresh).value();
    if (after) std::erase_if(merged_in, [&](const WorkEntry& e) { return EntryKey(e.items, e.patient.ref) <= *after; });
    auto count = st.CountStatuses();
    if (!count.ok()) return count.error();
    w.patients = static_cast<int>(*count);
    store::StatusQuery q;
    q.day = day;
    q.knowledge = k.fingerprint;
    q.default_key = w.look_ahead_days == kDefaultLookAheadDays;
    const Date until = w.as_of.AddDays(w.look_ahead_days);
    q.until = until.ToString();
    q.after = after;
    q.limit = limit > 0 ? limit + 1 : 0;  // one more says whether there is a next page
    Status bad = Status::Ok();
    std::vector<WorkEntry> entries;
    Status s = st.StoredWorklist(q, [&](store::StatusRow&& row) {
      if (!bad.ok()) return;
      auto items = ItemsFrom(row.items);
      if (!items.ok()) {
        bad = items.error();
        return;
      }
      std::vector<WorkItem> shown = WithinLookAhead(std::move(*items), until);
      if (shown.empty()) {
        bad = Error::Failed("worklist", "the stored answer of " + Quoted(row.patient.ref) +
                                            " does not match its key: run `lenacare worklist refresh`");
        return;
      }
      entries.push_back({std::move(row.patient), std::move(row.indication), std::move(shown)});
    });
    if (!s.ok()) return s;
    if (!bad.ok()) return bad;
    if (!merged_in.empty()) {
      std::vector<WorkEntry> both;
      both.reserve(entries.size() + merged_in.size());
      std::merge(std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()),
                 std::make_move_iterator(merged_in.begin()), std::make_move_iterator(merged_in.end()),
                 std::back_inserter(both), ByKey);
      entries = std::move(both);
    }
    Page(entries, std::nullopt, limit, w);
    return AuditShown(st, ctx.actor, w);
  });
}

}  // namespace

void KeepWorklist(store::Store& store, const Knowledge& k) {
  KeepWorklist(store, [&k]() -> const Knowledge& { return k; });
}

void KeepWorklist(store::Store& store, std::function<const Knowledge&()> current) {
  store.set_status_keeper([current](store::Store& st, const std::vector<int64_t>& patients) -> Status {
    std::vector<store::StatusVersion> rows;  // no versions: the write holds the rows (KeepStatus)
    for (int64_t id : patients) rows.push_back({id, 0});
    auto n = RecomputeStatuses(current(), st, st.clock().Today(), rows, true);
    return n.ok() ? Status::Ok() : Status(n.error());
  });
}

Result<int64_t> RefreshWorklist(const Knowledge& k, store::Store& st, Date day, int64_t batch,
                                const std::function<bool()>& go_on) {
  int64_t done = 0;
  for (;;) {
    if (go_on && !go_on()) return done;
    auto stale = st.StaleStatuses(day.ToString(), k.fingerprint, batch);
    if (!stale.ok()) return stale.error();
    if (stale->empty()) return done;
    int64_t written = 0;
    Status s = st.Transaction([&]() -> Status {
      auto n = RecomputeStatuses(k, st, day, *stale, false);
      if (!n.ok()) return n.error();
      written = *n;
      return Status::Ok();
    });
    if (!s.ok()) return s.error();
    done += written;
    // None written: every one changed meanwhile (writes faster than this); the next refresh, or
    // the worklist, takes them up.
    if (written == 0) return done;
  }
}

Result<Worklist> BuildWorklist(const Context& ctx, const WorklistRequest& r) {
  if (Status s = NeedStore(ctx); !s.ok()) return s.error();
  auto day = AsOf(ctx, r.as_of);
  if (!day.ok()) return day.error();
  if (r.look_ahead_days < 0 || r.look_ahead_days > kLongestLookAheadDays) {
    return Error::BadInput("days", "must be a whole number from 0 to " + std::to_string(kLongestLookAheadDays));
  }
  if (r.limit < 0 || r.limit > kLongestPage) {
    return Error::BadInput("limit", "must be a whole number of entries per page from 1 to " +
                                        std::to_string(kLongestPage) + " (leave it out for every entry)");
  }
  auto after = ParseCursor(r.after);
  if (!after.ok()) return after.error();
  Worklist w;
  w.as_of = *day;
  w.look_ahead_days = r.look_ahead_days;
  w.paged = r.limit > 0;
  // Another day, or a store that cannot store answers (a read-only archive copy): the replay.
  if (*day != ctx.clock.Today() || ctx.store->read_only()) {
    if (Status s = ReplayWorklist(ctx, *after, r.limit, w); !s.ok()) return s.error();
    return w;
  }
  // Today: the stored answers, in a read when few are stale (those are computed in it). When many
  // are (a new day), they are recomputed and stored first, and it reads again; if writes keep
  // outpacing that, the replay.
  for (int round = 0; round < 3; ++round) {
    bool complete = false;
    Worklist page = w;
    if (Status s = StoredWorklist(ctx, *after, r.limit, page, complete); !s.ok()) return s.error();
    if (complete) return page;
    auto refreshed = RefreshWorklist(ctx.k, *ctx.store, *day);
    if (!refreshed.ok()) {
      if (!ctx.store->db().disk_full()) return refreshed.error();
      break;  // a full disk stores no answer: the replay still reads
    }
  }
  if (Status s = ReplayWorklist(ctx, *after, r.limit, w); !s.ok()) return s.error();
  return w;
}

}  // namespace lenacare::app
