// Reminders on the patient's phone (a private calendar subscription) and the dose diary kept from
// the patient's own page: the feed read back with libical, its alarms on pill days only at the
// chosen time, a hold and a revocation, and the doses marked taken as the clinician sees them.
#include "app/reminders.h"

#include <gtest/gtest.h>
#include <libical/ical.h>

#include <regex>
#include <set>

#include "app/patient_calendar.h"
#include "app/permissions.h"
#include "store/accounts.h"
#include "test_support.h"
#include "webapp_support.h"

namespace lenacare {
namespace {

using testing::Credentials;
using testing::TestSite;

constexpr const char* kRef = "REM-1";
constexpr const char* kUser = "rem-patient";
constexpr const char* kPassword = "a long enough password";

std::string Today() { return testing::TestClock().Today().ToString(); }

struct Parsed {
  struct Free {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
  };
  std::unique_ptr<icalcomponent, Free> cal;
  explicit Parsed(const std::string& text) : cal(icalparser_parse_string(text.c_str())) {}
};

struct FeedEvent {
  std::string summary, description;
  icaltimetype start;
  bool alarm = false;
  int alarm_offset_s = -1;
};

std::vector<FeedEvent> Events(const std::string& text) {
  Parsed p(text);
  EXPECT_NE(p.cal, nullptr) << text;
  std::vector<FeedEvent> out;
  if (!p.cal) return out;
  EXPECT_EQ(icalcomponent_isa(p.cal.get()), ICAL_VCALENDAR_COMPONENT);
  for (icalcomponent* e = icalcomponent_get_first_component(p.cal.get(), ICAL_VEVENT_COMPONENT); e != nullptr;
       e = icalcomponent_get_next_component(p.cal.get(), ICAL_VEVENT_COMPONENT)) {
    FeedEvent f;
    f.summary = icalcomponent_get_summary(e) ? icalcomponent_get_summary(e) : "";
    f.description = icalcomponent_get_description(e) ? icalcomponent_get_description(e) : "";
    f.start = icalcomponent_get_dtstart(e);
    if (icalcomponent* a = icalcomponent_get_first_component(e, ICAL_VALARM_COMPONENT)) {
      f.alarm = true;
      icalproperty* trigger = icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY);
      if (trigger != nullptr) f.alarm_offset_s = icaldurationtype_as_int(icalproperty_get_trigger(trigger).duration);
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::string DateOf(const icaltimetype& t) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
  return buf;
}

// The feed's path in the page that shows the link once.
std::string FeedPath(const std::string& html) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex("(/calendar/[0-9a-f]{64}\\.ics)"))) return "";
  return m[1];
}

class Reminders : public ::testing::Test {
 protected:
  void SetUp() override {
    store::PatientRecord p;
    p.ref = kRef;
    p.sex = "male";
    p.birth_date = "1950-01-01";
    ASSERT_TRUE(testing::AddPatient(site_.store(), p).ok());
    for (const char* lab : {R"("test":"anc","value":"2.0 10*9/L")", R"("test":"platelets","value":"150 10*9/L")",
                            R"("test":"creatinine","value":"0.9 mg/dL")"}) {
      auto r = testing::RecordEvent(site_.store(), kRef,
                                    std::string(R"({"type":"lab","date":")") + Today() + "\"," + lab + "}");
      ASSERT_TRUE(r.ok()) << r.error().Describe();
    }
    auto c = testing::StartCourse(site_.store(), kRef,
                                  std::string(R"({"indication":"mm","setting":"newly-diagnosed","start_date":")") +
                                      Today() + R"(","starting_dose_mg":25,"starting_days":"1-21"})");
    ASSERT_TRUE(c.ok()) << c.error().Describe();
    store::Accounts accounts(site_.store(), "tester");
    ASSERT_TRUE(accounts.AddUser(kUser, store::Role::kPatient, kPassword, kRef).ok());
    patient_ = site_.SignInAs(kUser, kPassword);
  }

  // The engine's pill days of the calendar the patient sees.
  std::set<std::string> PillDays() {
    auto ctx = testing::TestContext(&site_.store());
    auto cal = app::ReadPatientCalendar(ctx, kRef);
    EXPECT_TRUE(cal.ok()) << cal.error().Describe();
    std::set<std::string> out;
    if (!cal.ok()) return out;
    for (const CalendarDay& d : cal->days) {
      if (d.pill && d.date >= cal->today) out.insert(d.date.ToString());
    }
    return out;
  }

  std::string MakeLink(const std::string& time) {
    http::Response r = site_.PostForm("/me/reminders", {{"time", time}}, &patient_);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("webcal://"), std::string::npos);
    return FeedPath(r.body);
  }

  TestSite site_;
  Credentials patient_;
};

TEST(ReminderTime, CommonSpellingsAreReadAndOthersRefusedInPlainWords) {
  EXPECT_EQ(*app::ParseTimeOfDay("7:05", "time"), "07:05");
  EXPECT_EQ(*app::ParseTimeOfDay(" 21:30 ", "time"), "21:30");
  EXPECT_EQ(*app::ParseTimeOfDay("08:15:00", "time"), "08:15");
  for (const char* bad : {"", "24:00", "7", "12:60", "ab:cd", "7:5", "-1:00", "123:00"}) {
    auto r = app::ParseTimeOfDay(bad, "time");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "time");
    EXPECT_EQ(r.error().message.find("--"), std::string::npos);
  }
}

TEST(ReminderKnowledge, TheLabelsInstructionsAreLoadedVerifiedAndCited) {
  const Knowledge& k = testing::K();
  EXPECT_NE(k.how_to_take.find("with or without food"), std::string::npos);
  EXPECT_NE(k.how_to_take.find("whole"), std::string::npos);
  EXPECT_TRUE(k.how_to_take_cite.verified);
  EXPECT_FALSE(k.how_to_take_cite.source.empty());
}

TEST_F(Reminders, TheFeedHasAlarmsAtTheChosenTimeOnPillDaysOnlyWithTheLabelsInstructions) {
  const std::string path = MakeLink("08:30");
  ASSERT_FALSE(path.empty());
  http::Response feed = site_.Get(path);  // no session: a phone's calendar has none
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.content_type.rfind("text/calendar", 0), 0u);
  EXPECT_EQ(feed.body.find(kRef), std::string::npos) << "the feed names the patient's record";
  const std::set<std::string> pill_days = PillDays();
  ASSERT_FALSE(pill_days.empty());
  std::set<std::string> alarmed;
  for (const FeedEvent& e : Events(feed.body)) {
    if (!e.alarm) continue;
    alarmed.insert(DateOf(e.start));
    EXPECT_EQ(e.start.hour, 8);
    EXPECT_EQ(e.start.minute, 30);
    EXPECT_EQ(e.alarm_offset_s, 0);
    EXPECT_NE(e.summary.find("25 mg"), std::string::npos) << e.summary;
    EXPECT_NE(e.description.find(testing::K().how_to_take), std::string::npos) << e.description;
    EXPECT_NE(e.description.find(FormatNumber(testing::K().missed_dose_window_hours) + " hours"), std::string::npos);
  }
  EXPECT_EQ(alarmed, pill_days);

  // A new time changes the alarms; the link stays the same.
  ASSERT_EQ(site_.PostForm("/me/reminders/time", {{"time", "21:05"}}, &patient_).status, 303);
  for (const FeedEvent& e : Events(site_.Get(path).body)) {
    if (e.alarm) {
      EXPECT_EQ(e.start.hour * 60 + e.start.minute, 21 * 60 + 5);
    }
  }
}

TEST_F(Reminders, AHoldRemovesTheDoseEventsAndARevokedOrReplacedLinkAnswers404) {
  const std::string path = MakeLink("09:00");
  int before = 0;
  for (const FeedEvent& e : Events(site_.Get(path).body)) before += e.alarm ? 1 : 0;
  EXPECT_GT(before, 0);
  auto held = testing::RecordEvent(site_.store(), kRef,
                                   std::string(R"({"type":"hold","date":")") + Today() + R"(","reason":"test"})");
  ASSERT_TRUE(held.ok()) << held.error().Describe();
  http::Response after = site_.Get(path);
  ASSERT_EQ(after.status, 200);
  const std::vector<FeedEvent> events = Events(after.body);
  for (const FeedEvent& e : events) EXPECT_FALSE(e.alarm) << e.summary;
  ASSERT_FALSE(events.empty());
  EXPECT_NE(after.body.find("No lenalidomide reminders for now"), std::string::npos);

  const std::string second = MakeLink("09:00");  // a new link replaces the first
  EXPECT_NE(second, path);
  EXPECT_EQ(site_.Get(path).status, 404);
  EXPECT_EQ(site_.Get(second).status, 200);
  ASSERT_EQ(site_.PostForm("/me/reminders/revoke", {}, &patient_).status, 303);
  EXPECT_EQ(site_.Get(second).status, 404);
  EXPECT_EQ(site_.Get("/calendar/" + std::string(64, '0') + ".ics").status, 404);
  EXPECT_EQ(site_.Get("/calendar/nonsense").status, 404);
}

TEST_F(Reminders, LinksAreMadeOnlyByThePatientWithTheFormsTokenAndABadTimeIsRefusedStoringNothing) {
  const int64_t before = site_.Count("calendar_feeds");
  EXPECT_EQ(site_.PostForm("/me/reminders", {{"time", "08:00"}}, &patient_, false).status, 403);
  http::Response bad = site_.PostForm("/me/reminders", {{"time", "25:00"}}, &patient_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("hours and minutes"), std::string::npos);
  Credentials nurse = site_.SignIn("nurse");
  EXPECT_EQ(site_.PostForm("/me/reminders", {{"time", "08:00"}}, &nurse).status, 403);
  EXPECT_EQ(site_.Count("calendar_feeds"), before);
  // Another patient's link, by the use case: forbidden.
  auto ctx = testing::TestContext(&site_.store(), kUser);
  ctx.authority = app::Authority{app::Authority::Kind::kUser, store::Role::kPatient, "DEMO-1001", {}};
  auto other = app::MakeCalendarLink(ctx, kRef, "08:00");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kForbidden);
  EXPECT_EQ(site_.Count("calendar_feeds"), before);
}

TEST_F(Reminders, ThePatientMarksTodaysDoseTakenAndTheClinicianSeesIt) {
  http::Response me = site_.Get("/me", &patient_);
  ASSERT_NE(me.body.find("id=\"dose-taken\""), std::string::npos);
  http::Response r = site_.PostForm("/me/dose", {{"date", Today()}, {"what", "taken"}}, &patient_);
  ASSERT_EQ(r.status, 303) << r.body;
  me = site_.Get("/me?saved=taken", &patient_);
  EXPECT_NE(testing::VisibleText(me.body).find("You marked today's dose as taken"), std::string::npos);
  EXPECT_EQ(me.body.find("id=\"dose-taken\""), std::string::npos);

  Credentials nurse = site_.SignIn("nurse");
  http::Response page = site_.Get(std::string("/patients/") + kRef, &nurse);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("id=\"adherence\""), std::string::npos);
  EXPECT_NE(page.body.find("1 of 1 pill day marked taken"), std::string::npos) << page.body.substr(0, 200);
  EXPECT_NE(page.body.find(kUser), std::string::npos) << "who marked it";
}

TEST_F(Reminders, APatientCannotMarkADoseForAnotherPatientNorOnADayThatIsNoPillDay) {
  const int64_t before = site_.Count("events");
  auto ctx = testing::TestContext(&site_.store(), kUser);
  ctx.authority = app::Authority{app::Authority::Kind::kUser, store::Role::kPatient, kRef, {}};
  app::RecordRequest r;
  r.patient = "DEMO-1001";
  r.kind = "dose";
  r.date = Today();
  auto other = app::RecordEvent(ctx, r);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kForbidden);
  // Through the page: a date in the future is refused in plain words.
  http::Response late = site_.PostForm(
      "/me/dose", {{"date", testing::TestClock().Today().AddDays(3).ToString()}, {"what", "taken"}}, &patient_);
  EXPECT_GE(late.status, 400);
  EXPECT_NE(late.body.find("could not be recorded"), std::string::npos);
  EXPECT_EQ(site_.Count("events"), before);
}

}  // namespace
}  // namespace lenacare

namespace lenacare {
namespace {

// The patient's REMS list holds the patient's own tasks; the prescriber's and the pharmacy's
// (authorization, confirmation, counselling, the category to record) are on the course page.
TEST(PatientRems, ThePatientsListShowsOnlyThePatientsOwnTasks) {
  TestSite site;
  const Credentials patient = site.SignIn("patient"), nurse = site.SignIn("nurse");
  const std::string me = site.Get("/me", &patient).body;
  const size_t rems = me.find("id=\"rems\"");
  ASSERT_NE(rems, std::string::npos);
  const std::string section = me.substr(rems, me.find("</section>", rems) - rems);
  for (const char* team : {"authorization number", "confirmation number", "counsel", "can become pregnant"}) {
    EXPECT_EQ(section.find(team), std::string::npos) << team << " on the patient's REMS list:\n" << section;
  }
  const std::string course = site.Get("/patients/DEMO-1001", &nurse).body;
  EXPECT_NE(course.find("Whether the patient can become pregnant"), std::string::npos) << "the care team's task";
  EXPECT_NE(course.find("record whether the patient can become pregnant"), std::string::npos);
  EXPECT_EQ(course.find("patient.can_become_pregnant"), std::string::npos) << "an internal field name";
}

}  // namespace
}  // namespace lenacare
