#include "course/rems.h"

#include <algorithm>
#include <set>

#include "core/quantity.h"
#include "core/text.h"
#include "course/evaluate.h"

namespace lenacare {

std::string_view ItemStatusId(ItemStatus s) {
  switch (s) {
    case ItemStatus::kMet:
      return "met";
    case ItemStatus::kDue:
      return "due";
    case ItemStatus::kOverdue:
      return "overdue";
    case ItemStatus::kBlocking:
      return "blocking";
    case ItemStatus::kUnknown:
      return "unknown";
    case ItemStatus::kInfo:
      return "info";
  }
  return "info";
}

std::string_view DispenseAnswerId(DispenseAnswer a) {
  switch (a) {
    case DispenseAnswer::kYes:
      return "yes";
    case DispenseAnswer::kNo:
      return "no";
    case DispenseAnswer::kCannotAssess:
      return "cannot-assess";
  }
  return "cannot-assess";
}

bool RemsChecklist::verified() const {
  return std::all_of(items.begin(), items.end(), [](const ChecklistItem& i) { return i.verified; });
}

namespace {

class Builder {
 public:
  Builder(const Knowledge& k, const Course& c, Date as_of) : k_(k), rems_(k.safety.rems), c_(c), as_of_(as_of) {
    for (const Event& e : c.events) {
      if (e.date > as_of) break;
      events_.push_back(&e);
    }
  }

  Result<RemsChecklist> Build();

 private:
  void Item(const std::string& id, const std::string& text, ItemStatus status, const std::string& detail,
            std::optional<Date> due, bool blocks, const Citation& cite);
  bool Category();
  void CategoryAge();
  void PretreatmentTests();
  void Contraception();
  void TestsDuringTherapy();
  void PositiveTestAndMissedPeriod();
  void Obligations();
  void Program();
  void Answer();

  const Event* Latest(EventType t) const {
    const Event* last = nullptr;
    for (const Event* e : events_) {
      if (e->type == t) last = e;
    }
    return last;
  }
  // The last negative test that counts (not known to be too insensitive), up to `until`.
  const Event* LastNegativeTest(std::optional<Date> until = std::nullopt) const {
    const Event* last = nullptr;
    for (const Event* e : events_) {
      if (until && e->date > *until) break;
      if (e->type == EventType::kPregnancyTest && !e->positive &&
          (!e->sensitivity || *e->sensitivity <= rems_.detection_threshold_at_most)) {
        last = e;
      }
    }
    return last;
  }
  bool SensitiveEnough(const Event& test) const {
    return test.sensitivity && *test.sensitivity <= rems_.detection_threshold_at_most;
  }
  std::string Threshold() const { return FormatNumber(rems_.detection_threshold_at_most) + " mIU/mL"; }

  const Knowledge& k_;
  const RemsKnowledge& rems_;
  const Course& c_;
  Date as_of_;
  std::vector<const Event*> events_;  // up to as_of
  RemsChecklist out_;
  std::string sex_;          // "female" / "male"
  std::optional<bool> can_;  // can become pregnant
  const RemsCategory* category_ = nullptr;
  Date first_prescription_;  // the first prescription, or the start date if none yet
  bool prescribed_ = false;
  std::optional<Date> stopped_on_;
  bool stopped_ = false;
  bool interrupted_ = false;
};

void Builder::Item(const std::string& id, const std::string& text, ItemStatus status, const std::string& detail,
                   std::optional<Date> due, bool blocks, const Citation& cite) {
  ChecklistItem i;
  i.id = id;
  i.text = text;
  i.status = status;
  i.detail = detail;
  i.due = due;
  i.blocks_dispensing = blocks || status == ItemStatus::kBlocking || status == ItemStatus::kOverdue;
  i.source = cite.source;
  i.verified = cite.verified;
  static const std::set<std::string> kCareTeam = {"risk-category", "risk-category-age",     "reproductive-potential",
                                                  "authorization", "confirmation",          "prescription",
                                                  "next-fill",     "telephone-prescription"};
  i.care_team = kCareTeam.count(id) > 0;
  for (const CounselingItem& ci : rems_.counseling) i.care_team = i.care_team || ci.id == id;
  if (!cite.verified)
    i.detail += (i.detail.empty() ? "" : " ") + std::string("(") + std::string(kUnverifiedSuffix) + ")";
  out_.items.push_back(std::move(i));
}

// The declared category's age group against the patient's age on the date: a child enrolled as
// an adult (or an adult as a child) must be enrolled again before a dispense.
void Builder::CategoryAge() {
  const Patient& p = c_.patient;
  if (!p.birth_date) return;
  const std::string text = "The patient's REMS risk category matches the age";
  if (rems_.adult_from_years <= 0) {
    Item("risk-category-age", text, ItemStatus::kUnknown,
         "the age that separates the adult and child categories is not in the knowledge base", std::nullopt, true,
         category_->cite);
    return;
  }
  const int age = as_of_.YearsSince(*p.birth_date);
  const bool adult = age >= rems_.adult_from_years;
  if ((category_->age_group == "adult") == adult) return;
  Item("risk-category-age", text, ItemStatus::kBlocking,
       category_->id + " is " + (adult ? "a child" : "an adult") + " category, but the patient is " +
           std::to_string(age) + " on " + as_of_.ToString() + " (adult categories from " +
           std::to_string(rems_.adult_from_years) + "); enroll the patient in the matching category",
       std::nullopt, true, rems_.adult_age_cite);
}

// Who the patient is for the REMS (label-facts.md §7.1, §7.5).
bool Builder::Category() {
  const Patient& p = c_.patient;
  if (!p.rems_category.empty()) {
    category_ = rems_.FindCategory(p.rems_category);
    sex_ = category_->sex;
    can_ = sex_ == "female" ? *category_->can_become_pregnant : false;
    out_.category = category_->id;
    CategoryAge();
    return true;
  }
  const Citation& cats = rems_.categories.front().cite;
  if (!p.sex) {
    Item("risk-category", "The patient's REMS risk category", ItemStatus::kUnknown,
         "record the patient's REMS category, or at least the patient's sex", std::nullopt, true, cats);
    return false;
  }
  sex_ = *p.sex == Sex::kFemale ? "female" : "male";
  if (sex_ == "male") {
    can_ = false;
    out_.category = "male (adult or child: not recorded)";
    return true;
  }
  const PregnancyPotential potential = FindPregnancyPotential(k_, p);
  can_ = potential.can;
  if (potential.derived) {
    Item("reproductive-potential", "Whether the patient can become pregnant", ItemStatus::kInfo,
         std::string("derived from the older label's definition: ") + (*can_ ? "can" : "cannot") + " become pregnant",
         std::nullopt, false, rems_.reproductive_potential.cite);
  } else if (!can_) {
    Item("reproductive-potential", "Whether the patient can become pregnant", ItemStatus::kUnknown,
         "record whether the patient can become pregnant, or the patient's REMS category", std::nullopt, true, cats);
    return false;
  }
  out_.category =
      std::string("female who ") + (*can_ ? "can" : "cannot") + " become pregnant (adult or child: not recorded)";
  return true;
}

void Builder::PretreatmentTests() {
  for (const PretreatmentTest& rule : rems_.pretreatment_tests) {
    const Date from = first_prescription_.AddDays(-rule.window_from_days);
    const Date to = first_prescription_.AddDays(-rule.window_to_days);
    const std::string window = "between " + from.ToString() + " and " + to.ToString() + " (the first prescription " +
                               (prescribed_ ? "was written on " : "is planned for ") + first_prescription_.ToString() +
                               ")";
    const std::string id = rule.cite.id;
    const std::string text = rule.order == 1
                                 ? "First negative pregnancy test, 10 to 14 days before the first prescription"
                                 : "Second negative pregnancy test, within 24 hours before the first prescription";
    const Event* met = nullptr;
    const Event* unknown = nullptr;
    const Event* weak = nullptr;
    for (const Event* e : events_) {
      if (e->type != EventType::kPregnancyTest || e->positive || e->date < from || e->date > to) continue;
      if (SensitiveEnough(*e)) {
        met = e;
      } else if (!e->sensitivity) {
        unknown = e;
      } else {
        weak = e;
      }
    }
    if (met != nullptr) {
      Item(id, text, ItemStatus::kMet, "negative on " + met->date.ToString(), std::nullopt, false, rule.cite);
    } else if (unknown != nullptr) {
      Item(id, text, ItemStatus::kUnknown,
           "the test of " + unknown->date.ToString() + " has no recorded sensitivity (it must detect " + Threshold() +
               ")",
           std::nullopt, true, rems_.sensitivity_cite);
    } else if (prescribed_) {
      Item(id, text, ItemStatus::kBlocking,
           "no qualifying negative test " + window +
               (weak != nullptr ? "; the test of " + weak->date.ToString() + " was not sensitive enough" : ""),
           std::nullopt, true, rule.cite);
    } else if (as_of_ <= to) {
      Item(id, text, ItemStatus::kDue, window, to, true, rule.cite);
    } else {
      Item(id, text, ItemStatus::kOverdue,
           "the window " + window + " has passed: the first prescription must wait for a new test schedule", to, true,
           rule.cite);
    }
  }
}

void Builder::Contraception() {
  const Obligation* o = nullptr;
  for (const Obligation& x : rems_.obligations) {
    if (x.requires_record == "contraception") o = &x;
  }
  if (o == nullptr) return;
  const Date needed_by = c_.start_date.AddDays(-o->starts_before_days);
  const std::string text = "Contraception (or abstinence) from at least " + std::to_string(o->starts_before_days / 7) +
                           " weeks before the start";
  const Event* valid = nullptr;
  const Event* invalid = nullptr;
  for (const Event* e : events_) {
    if (e->type != EventType::kContraception) continue;
    bool abstinence = false;
    int highly_effective = 0;
    for (const std::string& m : e->methods) {
      const ContraceptiveMethod* method = rems_.FindMethod(m);
      abstinence |= method->method_class == ContraceptiveClass::kAbstinence;
      highly_effective += method->method_class == ContraceptiveClass::kHighlyEffective ? 1 : 0;
    }
    const bool ok = abstinence || (e->methods.size() >= 2 && highly_effective >= 1);
    if (ok && (valid == nullptr || e->date <= needed_by)) {
      if (valid == nullptr || valid->date > needed_by) valid = e;
    } else if (!ok) {
      invalid = e;
    }
  }
  if (valid != nullptr && valid->date <= needed_by) {
    Item(o->id + "-before-start", text, ItemStatus::kMet, "recorded on " + valid->date.ToString(), std::nullopt, false,
         o->cite);
  } else if (valid != nullptr) {
    Item(o->id + "-before-start", text, ItemStatus::kBlocking,
         "recorded from " + valid->date.ToString() + ", less than " + std::to_string(o->starts_before_days / 7) +
             " weeks before the start on " + c_.start_date.ToString() + ": start no earlier than " +
             valid->date.AddDays(o->starts_before_days).ToString(),
         std::nullopt, true, o->cite);
  } else if (invalid != nullptr) {
    Item(o->id + "-before-start", text, ItemStatus::kBlocking,
         "the methods recorded on " + invalid->date.ToString() +
             " are not abstinence or two methods with at least one highly effective",
         std::nullopt, true, o->cite);
  } else if (as_of_ <= needed_by) {
    Item(o->id + "-before-start", text, ItemStatus::kDue, "to begin by " + needed_by.ToString(), needed_by, true,
         o->cite);
  } else {
    Item(o->id + "-before-start", text, ItemStatus::kUnknown, "no contraception is recorded", std::nullopt, true,
         o->cite);
  }
}

void Builder::TestsDuringTherapy() {
  if (as_of_ < c_.start_date || stopped_) return;
  const std::string text =
      "Negative pregnancy tests during therapy (weekly for 4 weeks, then every 4 weeks, or every 2 "
      "weeks if menstrual cycles are irregular)";
  const Event* last = LastNegativeTest();
  const Citation& first = rems_.test_schedule.front().cite;
  if (last == nullptr) {
    Item("pregnancy-tests-during-therapy", text, ItemStatus::kOverdue, "no negative test is recorded", as_of_, true,
         first);
    return;
  }
  const NextPregnancyTest next_test = FindNextPregnancyTest(k_, c_, as_of_);
  const TestScheduleRule* rule = next_test.rule;
  const bool needs_menses = next_test.needs_menses;
  if (rule == nullptr) {
    Item("pregnancy-tests-during-therapy", text, ItemStatus::kUnknown,
         needs_menses ? "record patient.menses (regular or irregular): it sets the interval after the first 4 weeks"
                      : "no testing rule applies",
         std::nullopt, true, first);
    return;
  }
  const Date next = *next_test.due;
  std::string detail = "last negative test " + last->date.ToString() + "; next due " + next.ToString();
  if (!last->sensitivity) {
    Item("pregnancy-tests-during-therapy", text, ItemStatus::kUnknown,
         "the last test (" + last->date.ToString() + ") has no recorded sensitivity", std::nullopt, true,
         rems_.sensitivity_cite);
    return;
  }
  const Citation& cite = interrupted_ ? rems_.testing_during_interruption : rule->cite;
  if (interrupted_) detail += "; testing continues while therapy is interrupted";
  if (as_of_ > next) {
    Item("pregnancy-tests-during-therapy", text, ItemStatus::kOverdue, detail, next, true, cite);
  } else {
    Item("pregnancy-tests-during-therapy", text, ItemStatus::kDue, detail, next, false, cite);
  }
}

void Builder::PositiveTestAndMissedPeriod() {
  for (const Event* e : events_) {
    if (e->type == EventType::kPregnancyTest && e->positive) {
      std::string actions;
      for (const std::string& a : rems_.positive_test_actions) actions += (actions.empty() ? "" : "; ") + a;
      Item("positive-pregnancy-test", "No positive pregnancy test", ItemStatus::kBlocking,
           "positive on " + e->date.ToString() + ": " + actions, std::nullopt, true, rems_.positive_test);
      return;
    }
  }
  const Event* missed = Latest(EventType::kMissedPeriod);
  if (missed == nullptr) return;
  const Event* test = LastNegativeTest();
  if (test != nullptr && test->date >= missed->date) {
    Item("missed-period", "A missed period is evaluated", ItemStatus::kMet,
         "missed period " + missed->date.ToString() + "; negative test " + test->date.ToString(), std::nullopt, false,
         rems_.missed_period);
  } else {
    Item("missed-period", "A missed period is evaluated", ItemStatus::kBlocking,
         "missed period or abnormal bleeding reported on " + missed->date.ToString() +
             ": hold lenalidomide, test for pregnancy and counsel",
         std::nullopt, true, rems_.missed_period);
  }
}

void Builder::Obligations() {
  for (const Obligation& o : rems_.obligations) {
    const bool applies = o.applies_to == "all" || (o.applies_to == "male" && sex_ == "male") ||
                         (o.applies_to == "female" && sex_ == "female") ||
                         (o.applies_to == "can-become-pregnant" && can_.value_or(false));
    if (!applies) continue;
    const std::string weeks = std::to_string(o.ends_after_days / 7);
    if (stopped_on_) {
      const Date until = stopped_on_->AddDays(o.ends_after_days);
      if (as_of_ > until) {
        Item(o.id, o.text, ItemStatus::kMet, "ended on " + until.ToString(), std::nullopt, false, o.cite);
      } else {
        Item(o.id, o.text, ItemStatus::kInfo, "until " + until.ToString(), until, false, o.cite);
      }
    } else {
      Item(o.id, o.text, ItemStatus::kInfo,
           "during therapy" + std::string(o.through_interruptions ? ", through interruptions" : "") +
               (o.ends_after_days > 0 ? ", and for " + weeks + " weeks after it ends" : ""),
           std::nullopt, false, o.cite);
    }
  }
}

void Builder::Program() {
  const bool frp = can_.value_or(false);
  // Authorization number (its validity is [SEC]: the REMS system's own expiry controls).
  const Event* auth = Latest(EventType::kAuthorization);
  const AuthorizationValidity* validity = nullptr;
  for (const AuthorizationValidity& v : rems_.authorization_validity) {
    if ((v.applies_to == "can-become-pregnant") == frp) validity = &v;
  }
  const std::string auth_text = "A current REMS prescription authorization number";
  if (auth == nullptr) {
    Item("authorization", auth_text, ItemStatus::kBlocking, "no authorization number is recorded", std::nullopt, true,
         rems_.prescription);
  } else if (validity != nullptr) {
    // Counted from the test the authorization was issued on: the last one on or before its date.
    const Event* test = LastNegativeTest(auth->date);
    const Date from = validity->counted_from == "issue" ? auth->date : (test != nullptr ? test->date : auth->date);
    const Date until = from.AddDays(validity->valid_days);
    const std::string detail = "number " + auth->number + " of " + auth->date.ToString() + ", valid " +
                               std::to_string(validity->valid_days) + " days from the " + validity->counted_from +
                               " (" + from.ToString() + "), until " + until.ToString();
    Item("authorization", auth_text, as_of_ > until ? ItemStatus::kBlocking : ItemStatus::kMet,
         as_of_ > until ? detail + ": expired" : detail, until, as_of_ > until, validity->cite);
  }
  // The prescription.
  const Event* rx = Latest(EventType::kPrescription);
  const std::string rx_text = "A prescription for at most " + std::to_string(rems_.max_supply_days) +
                              " days, no refills, with the authorization number and the risk category";
  if (rx == nullptr) {
    Item("prescription", rx_text, ItemStatus::kBlocking, "no prescription is recorded", std::nullopt, true,
         rems_.prescription);
  } else {
    std::vector<std::string> problems;
    if (rx->days_supply > rems_.max_supply_days) {
      problems.push_back(std::to_string(rx->days_supply) + "-day supply (more than " +
                         std::to_string(rems_.max_supply_days) + ")");
    }
    if (rx->refills > rems_.refills) problems.push_back(std::to_string(rx->refills) + " refills (none are allowed)");
    if (rx->number.empty()) problems.push_back("no authorization number");
    if (!rx->number.empty() && auth != nullptr && rx->number != auth->number) {
      problems.push_back("authorization number " + rx->number + " is not the current one (" + auth->number + ")");
    }
    if (rx->risk_category.empty()) {
      problems.push_back("no risk category");
    } else {
      const RemsCategory* written = rems_.FindCategory(rx->risk_category);
      const bool differs =
          category_ != nullptr
              ? written != category_
              : (written->sex != sex_ || written->can_become_pregnant.value_or(false) != can_.value_or(false));
      if (differs) problems.push_back("risk category " + rx->risk_category + " does not match the patient");
    }
    std::string detail = "written " + rx->date.ToString();
    for (const std::string& p : problems) detail += "; " + p;
    Item("prescription", rx_text, problems.empty() ? ItemStatus::kMet : ItemStatus::kBlocking, detail, std::nullopt,
         !problems.empty(), rems_.prescription);
    if (rx->telephone) {
      Item("telephone-prescription", "A prescription called in by telephone", ItemStatus::kInfo,
           "the sources conflict on telephone prescriptions; check the current REMS rules", std::nullopt, false,
           rems_.telephone_prescription);
    }
  }
  // The pharmacy's confirmation number, today.
  const Event* conf = Latest(EventType::kConfirmation);
  const std::string conf_text = "The pharmacy's REMS confirmation number, obtained before dispensing";
  if (conf != nullptr && conf->date == as_of_) {
    Item("confirmation", conf_text, ItemStatus::kMet,
         "number " + conf->number + " obtained today (valid " + std::to_string(rems_.confirmation_valid_hours) +
             " hours)",
         std::nullopt, false, rems_.confirmation_validity);
  } else {
    Item("confirmation", conf_text, ItemStatus::kDue,
         conf != nullptr ? "the confirmation of " + conf->date.ToString() + " is not from today: obtain a new one"
                         : "obtain it before dispensing",
         as_of_, true, rems_.confirmation);
  }
  // When the next fill may be dispensed ([SEC]).
  const Event* last = Latest(EventType::kDispense);
  if (last != nullptr) {
    const Date runs_out = last->date.AddDays(last->days_supply);
    const Date opens = runs_out.AddDays(-rems_.next_fill_days_left_at_most);
    const int left = runs_out.DaysSince(as_of_);
    Item("next-fill",
         "The next fill only when " + std::to_string(rems_.next_fill_days_left_at_most) +
             " days of therapy or fewer are left",
         as_of_ < opens ? ItemStatus::kBlocking : ItemStatus::kMet,
         "last dispense " + last->date.ToString() + " (" + std::to_string(last->days_supply) +
             " days): " + std::to_string(std::max(left, 0)) + " days left; the next fill opens on " + opens.ToString(),
         opens, as_of_ < opens, rems_.next_fill);
  }
  // Counselling.
  for (const CounselingItem& ci : rems_.counseling) {
    if (ci.evidence == "each-dispense") {
      Item(ci.id, ci.text, ItemStatus::kDue, "at this dispense", as_of_, false, ci.cite);
    } else if (ci.evidence == "standing") {
      Item(ci.id, ci.text, ItemStatus::kInfo, "", std::nullopt, false, ci.cite);
    } else if (ci.evidence == "authorization") {
      Item(ci.id, ci.text, auth != nullptr ? ItemStatus::kMet : ItemStatus::kBlocking,
           auth != nullptr ? "authorization number " + auth->number + " obtained"
                           : "no authorization number is recorded",
           std::nullopt, auth == nullptr, ci.cite);
    } else {
      const Event* done = nullptr;
      for (const Event* e : events_) {
        if (e->type == EventType::kCounseling && e->by == ci.by) done = e;
      }
      Item(ci.id, ci.text, done != nullptr ? ItemStatus::kMet : ItemStatus::kUnknown,
           done != nullptr ? "recorded on " + done->date.ToString() : "no counselling by the " + ci.by + " is recorded",
           std::nullopt, done == nullptr, ci.cite);
    }
  }
}

void Builder::Answer() {
  if (stopped_) {
    out_.may_dispense = DispenseAnswer::kNo;
    out_.reasons.push_back("therapy has stopped");
    for (const ChecklistItem& i : out_.items) {
      if (i.status == ItemStatus::kBlocking) out_.reasons.push_back(i.text + ": " + i.detail);
    }
    return;
  }
  std::vector<std::string> unknown;
  for (const ChecklistItem& i : out_.items) {
    if (!i.blocks_dispensing) continue;
    const std::string line = i.text + ": " + i.detail;
    if (i.status == ItemStatus::kUnknown) {
      unknown.push_back(line);
    } else {
      out_.reasons.push_back(line);
    }
  }
  if (!out_.reasons.empty()) {
    out_.may_dispense = DispenseAnswer::kNo;
  } else if (!unknown.empty()) {
    out_.may_dispense = DispenseAnswer::kCannotAssess;
    out_.reasons = unknown;
  } else {
    out_.may_dispense = DispenseAnswer::kYes;
  }
}

Result<RemsChecklist> Builder::Build() {
  out_.as_of = as_of_;
  for (const Event* e : events_) {
    if (e->type == EventType::kPrescription && !prescribed_) {
      prescribed_ = true;
      first_prescription_ = e->date;
    }
    if (e->type == EventType::kStop && !stopped_on_) stopped_on_ = e->date;
    if (e->type == EventType::kPregnancyTest && e->positive && !stopped_on_) stopped_on_ = e->date;
  }
  if (!prescribed_) first_prescription_ = c_.start_date;
  if (as_of_ >= c_.start_date) {
    const Assessment a = Evaluate(k_, c_, as_of_);
    stopped_ = a.status == CourseStatus::kStopped;
    interrupted_ = a.status == CourseStatus::kInterrupted;
    if (stopped_ && !stopped_on_) stopped_on_ = as_of_;
  }
  stopped_ = stopped_ || stopped_on_.has_value();
  if (Category()) {
    out_.can_become_pregnant = can_.value_or(false);
    if (out_.can_become_pregnant) {
      PretreatmentTests();
      Contraception();
      TestsDuringTherapy();
    }
    if (sex_ == "female") PositiveTestAndMissedPeriod();
    Obligations();
    Program();
  }
  Answer();
  return out_;
}

}  // namespace

PregnancyPotential FindPregnancyPotential(const Knowledge& k, const Patient& p) {
  PregnancyPotential out;
  if (!p.rems_category.empty()) {
    const RemsCategory* c = k.safety.rems.FindCategory(p.rems_category);
    if (c != nullptr) out.can = c->can_become_pregnant.value_or(false);
    return out;
  }
  if (!p.sex) return out;
  if (*p.sex == Sex::kMale) {
    out.can = false;
    return out;
  }
  if (p.can_become_pregnant) {
    out.can = *p.can_become_pregnant;
    return out;
  }
  // label-facts.md §7.1 [V2-old]: no hysterectomy and menses within the last 24 months.
  const ReproductivePotentialRule& rule = k.safety.rems.reproductive_potential;
  if (p.hysterectomy && *p.hysterectomy && rule.hysterectomy_excludes) {
    out.can = false;
  } else if (p.natural_postmenopause_months) {
    out.can = *p.natural_postmenopause_months < rule.natural_postmenopause_months_at_least;
  }
  out.derived = out.can.has_value();
  return out;
}

NextPregnancyTest FindNextPregnancyTest(const Knowledge& k, const Course& c, Date as_of) {
  NextPregnancyTest out;
  const double threshold = k.safety.rems.detection_threshold_at_most;
  for (const Event& e : c.events) {
    if (e.date > as_of) break;
    // A test known to be too insensitive does not count (label-facts.md §7.1: >= 50 mIU/mL).
    if (e.type == EventType::kPregnancyTest && !e.positive && (!e.sensitivity || *e.sensitivity <= threshold)) {
      out.last = &e;
    }
  }
  if (out.last == nullptr) return out;
  const int since_start = out.last->date.DaysSince(c.start_date);
  for (const TestScheduleRule& r : k.safety.rems.test_schedule) {
    if (r.phase_before_days && since_start >= *r.phase_before_days) continue;
    if (r.phase_from_days && since_start < *r.phase_from_days) continue;
    if (!r.menses.empty()) {
      if (c.patient.menses.empty()) {
        out.needs_menses = true;
        continue;
      }
      if (r.menses != c.patient.menses) continue;
    }
    out.rule = &r;
    out.due = out.last->date.AddDays(r.interval_days);
    break;
  }
  return out;
}

Result<RemsChecklist> BuildRemsChecklist(const Knowledge& k, const Course& course, Date as_of) {
  if (course.indication == nullptr) return Error::BadInput("indication", "missing");
  return Builder(k, course, as_of).Build();
}

}  // namespace lenacare
