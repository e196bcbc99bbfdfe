#include "services/services.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "domain/case_lifecycle.h"
#include "services/demo_data.h"
#include "services/sealed_columns.h"
#include "services/testing_fixture.h"
#include "services/totp.h"

namespace aegis::services {
namespace {

using namespace aegis::domain;
using testing::ResidentId;
using testing::World;

constexpr UnixSeconds kHour = 3600;
constexpr UnixSeconds kDay = kSecondsPerDay;

using testing::Must;

using testing::ExpectStatus;

bool HasEvent(const CaseDetailView& d, const std::string& kind) {
  return std::any_of(d.timeline.begin(), d.timeline.end(),
                     [&](const EventView& e) { return e.event.kind == kind; });
}
int CountEvents(const CaseDetailView& d, const std::string& kind) {
  return static_cast<int>(std::count_if(d.timeline.begin(), d.timeline.end(),
                                        [&](const EventView& e) { return e.event.kind == kind; }));
}
// Index of the person with `pseudonym` in a case page (persons are listed by role, then id).
size_t PersonIndex(const CaseDetailView& d, const std::string& pseudonym) {
  for (size_t i = 0; i < d.persons.size(); ++i)
    if (d.persons[i].pseudonym == pseudonym) return i;
  throw std::runtime_error("no person " + pseudonym);
}
const ChecklistView* FindItem(const CaseDetailView& d, const std::string& key) {
  for (const auto& c : d.checklist)
    if (c.item.key == key) return &c;
  return nullptr;
}

const std::string kChildId = ResidentId("440103", "20150315", "002");  // born 2015: age 10
const std::string kAdultId = ResidentId("440104", "19960701", "021");

class ServicesTest : public ::testing::Test {
 protected:
  Services& s() { return *w.services; }
  Principal Off1() { return w.As(w.officer1); }
  Principal Off2() { return w.As(w.officer2); }
  Principal Sup1() { return w.As(w.supervisor1); }
  Principal Sup2() { return w.As(w.supervisor2); }
  Principal Ana1() { return w.As(w.analyst1); }
  Principal Pro1() { return w.As(w.prosecutor1); }
  Principal Pro2() { return w.As(w.prosecutor2); }
  Principal Admin() { return w.As(w.admin); }

  static ClueInput Basic(const std::string& summary) {
    ClueInput in;
    in.source = ClueSource::kWalkIn;
    in.summary = summary;
    return in;
  }
  // A clue about a 10-year-old victim with a full identity.
  static ClueInput ChildClue(
      const std::string& summary = "放学途中被陌生男子猥亵\n详细经过见笔录") {
    ClueInput in = Basic(summary);
    VictimInput v;
    v.sex = Sex::kFemale;
    v.age = 10;
    v.identity.name = "张小红";
    v.identity.id_number = kChildId;
    v.identity.phone = "138 1234 5678";
    v.identity.address = "示范省人民路 8 号";
    in.victim = v;
    in.suspect_description = "男，约四十岁，戴眼镜";
    return in;
  }
  static ClueInput AdultClue(const std::string& summary, int age = 30) {
    ClueInput in = Basic(summary);
    VictimInput v;
    v.sex = Sex::kFemale;
    v.age = age;
    in.victim = v;
    return in;
  }

  ClueView Create(const Principal& p, const ClueInput& in) {
    std::vector<DuplicateView> dups;
    return Must(s().CreateClue(p, in, &dups), "CreateClue");
  }
  CaseSummaryView File(Id clue_id) {
    DecisionInput d;
    d.decision = ClueDecision::kFile;
    auto r = Must(s().Decide(Sup1(), clue_id, d), "Decide");
    if (!r.second) throw std::runtime_error("no case filed");
    return *r.second;
  }
  Id NewCase(const ClueInput& in) { return File(Create(Off1(), in).clue.id).c.id; }
  CaseDetailView Get(const Principal& p, Id case_id) {
    return Must(s().GetCase(p, case_id), "GetCase");
  }
  StatusOr<CaseDetailView> Move(const Principal& p, Id case_id, CaseStage to,
                                const std::string& reason = "",
                                std::optional<Id> procuratorate = std::nullopt) {
    TransitionInput t;
    t.to = to;
    t.reason = reason;
    t.procuratorate_unit_id = procuratorate;
    return s().Transition(p, case_id, t);
  }
  long long CaseTotal(const Principal& p, CaseListInput in = {}) {
    return Must(s().ListCases(p, in), "ListCases").total;
  }
  long long ClueTotal(const Principal& p, ClueListInput in = {}) {
    return Must(s().ListClues(p, in), "ListClues").total;
  }
  Id AddSuspect(Id case_id) {
    PersonInput person;
    person.role = PersonRole::kSuspect;
    person.sex = Sex::kMale;
    person.age_at_offence = 41;
    person.identity.name = "嫌疑人甲";
    auto d = Must(s().AddPerson(Off1(), case_id, person), "AddPerson");
    for (const auto& p : d.persons)
      if (p.role == PersonRole::kSuspect) return p.id;
    throw std::runtime_error("suspect not added");
  }

  World w;
};

// ---------------------------------------------------------------- intake validation

TEST_F(ServicesTest, CreateClueRejectsMissingSummary) {
  ClueInput in = Basic("");
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "summary");
}

TEST_F(ServicesTest, CreateClueRejectsBadResidentIdCheckDigit) {
  ClueInput in = ChildClue();
  in.victim->identity.id_number = testing::WithWrongCheckCharacter(kChildId);
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "victim.identity.id_number");
}

TEST_F(ServicesTest, CreateClueRejectsBadPhone) {
  ClueInput in = ChildClue();
  in.victim->identity.phone = "12345";
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "victim.identity.phone");
}

TEST_F(ServicesTest, CreateClueRejectsLatitudeWithoutLongitude) {
  ClueInput in = Basic("坐标不完整");
  in.facts.latitude = 37.7;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "facts.longitude");
  in.facts.latitude.reset();
  in.facts.longitude = -122.4;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "facts.latitude");
  in.facts.latitude = 91;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "facts.latitude");
}

TEST_F(ServicesTest, CreateClueRejectsFutureOffenceTime) {
  ClueInput in = Basic("时间在将来");
  in.facts.offence_time = w.now + 2 * kDay;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "facts.offence_time");
  // Also after the stated time of receipt.
  in.received_at = w.now - kDay;
  in.facts.offence_time = w.now - kHour;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "facts.offence_time");
  in.facts.offence_time.reset();
  in.received_at = w.now + kDay;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "received_at");
}

TEST_F(ServicesTest, CreateClueRejectsVictimAgeOutOfRange) {
  ClueInput in = AdultClue("年龄错误", 130);
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "victim.age");
  in.victim->age = -1;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "victim.age");
}

TEST_F(ServicesTest, RejectedCluesAreNotStored) {
  ClueInput bad = Basic("");
  EXPECT_FALSE(s().CreateClue(Off1(), bad, nullptr).ok());
  ClueInput bad_phone = ChildClue();
  bad_phone.victim->identity.phone = "abc";
  EXPECT_FALSE(s().CreateClue(Off1(), bad_phone, nullptr).ok());
  EXPECT_EQ(ClueTotal(Off1()), 0);
}

TEST_F(ServicesTest, CreateClueStoresNormalisedClue) {
  ClueInput in = ChildClue();
  in.assigned_to = w.officer1;
  const ClueView v = Create(Off1(), in);
  EXPECT_GT(v.clue.id, 0);
  EXPECT_EQ(v.clue.reference, "XS-2026-000001");
  EXPECT_EQ(v.clue.status, ClueStatus::kPendingReview);
  EXPECT_EQ(v.clue.unit_id, w.station1);
  EXPECT_EQ(v.clue.recorded_by, w.officer1);
  EXPECT_EQ(v.clue.received_at, w.now);
  EXPECT_EQ(v.clue.review_deadline, w.now + 3 * kDay);
  EXPECT_EQ(v.clue.victim_pseudonym, "V1");
  EXPECT_EQ(v.clue.facts.youngest_victim_age, 10);  // taken from the victim's age
  EXPECT_EQ(v.deadline_state, DeadlineState::kOnTime);
  EXPECT_EQ(v.assigned_to_name, "一所 王警官");
  // The second clue of the year gets the next number.
  EXPECT_EQ(Create(Off1(), Basic("另一条")).clue.reference, "XS-2026-000002");
}

TEST_F(ServicesTest, AssigneeMustBelongToTheRecordingUnit) {
  ClueInput in = Basic("指派到外单位");
  in.assigned_to = w.officer2;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "assigned_to");
  in.assigned_to = 999999;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kInvalidArgument,
               "assigned_to");
}

TEST_F(ServicesTest, OnlyOfficersAndSupervisorsRecordClues) {
  for (const Principal& p : {Ana1(), Pro1(), Admin()}) {
    ExpectStatus(s().CreateClue(p, Basic("无权录入"), nullptr).status(),
                 StatusCode::kPermissionDenied);
  }
  EXPECT_TRUE(s().CreateClue(Sup1(), Basic("督导录入"), nullptr).ok());
  const auto audit = w.Audit(std::nullopt, "clue");
  const long denied = std::count_if(audit.begin(), audit.end(), [](const auto& a) {
    return a.action == "clue.create" && !a.allowed;
  });
  EXPECT_EQ(denied, 3);
}

// ---------------------------------------------------------------- duplicates and tracks

TEST_F(ServicesTest, DuplicateVictimIdNumberWarnsThenConfirmSaves) {
  const ClueView first = Create(Off1(), ChildClue("第一次报案"));

  ClueInput again = Basic("同一被害人再次报案");
  VictimInput v;
  v.age = 10;
  v.identity.id_number = " " + kChildId + " ";  // spacing does not hide a duplicate
  again.victim = v;
  std::vector<DuplicateView> dups;
  auto r = s().CreateClue(Off1(), again, &dups);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_EQ(r.status().field(), "possible_duplicate");
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0].id, first.clue.id);
  EXPECT_EQ(dups[0].reference, first.clue.reference);
  EXPECT_EQ(dups[0].reason, "same_victim_id_number");
  EXPECT_EQ(ClueTotal(Off1()), 1);  // nothing saved

  auto checked = Must(s().CheckDuplicates(Off1(), again));
  ASSERT_EQ(checked.size(), 1u);
  EXPECT_EQ(checked[0].id, first.clue.id);

  again.confirm_not_duplicate = true;
  const ClueView second = Create(Off1(), again);
  EXPECT_NE(second.clue.id, first.clue.id);
  EXPECT_EQ(ClueTotal(Off1()), 2);

  // Reading either pending clue names the other as a possible duplicate.
  const ClueView read = Must(s().GetClue(Off1(), second.clue.id));
  ASSERT_EQ(read.possible_duplicates.size(), 1u);
  EXPECT_EQ(read.possible_duplicates[0].id, first.clue.id);
}

TEST_F(ServicesTest, DuplicatePhoneAndNameMatchAfterNormalisation) {
  Create(Off1(), ChildClue());
  ClueInput by_phone = Basic("电话相同");
  by_phone.victim = VictimInput{};
  by_phone.victim->identity.phone = "+86-138-1234-5678";
  std::vector<DuplicateView> dups;
  ExpectStatus(s().CreateClue(Off1(), by_phone, &dups).status(), StatusCode::kConflict,
               "possible_duplicate");
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0].reason, "same_victim_phone");

  ClueInput by_name = Basic("姓名相同");
  by_name.victim = VictimInput{};
  by_name.victim->identity.name = " 张 小红 ";
  dups.clear();
  ExpectStatus(s().CreateClue(Off1(), by_name, &dups).status(), StatusCode::kConflict,
               "possible_duplicate");
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0].reason, "same_victim_name");

  ClueInput unrelated = Basic("无关");
  unrelated.victim = VictimInput{};
  unrelated.victim->identity.id_number = kAdultId;
  EXPECT_TRUE(s().CreateClue(Off1(), unrelated, nullptr).ok());
}

TEST_F(ServicesTest, DuplicatesInOtherUnitsAreNotDisclosed) {
  Create(Off1(), ChildClue());
  // An officer of another county records the same victim: the first clue is outside their view,
  // so no warning names it and the clue is saved.
  std::vector<DuplicateView> dups;
  auto r = s().CreateClue(Off2(), ChildClue("外区报案"), &dups);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(dups.empty());
  // The supervisor above the first unit sees only its own clue as a duplicate of a new one.
  auto seen = Must(s().CheckDuplicates(Sup1(), ChildClue("再次")));
  EXPECT_EQ(seen.size(), 1u);
}

TEST_F(ServicesTest, MajorComplexTrackNeedsASupervisor) {
  ClueInput in = Basic("重大复杂");
  in.track = ReviewTrack::kMajorComplex;
  ExpectStatus(s().CreateClue(Off1(), in, nullptr).status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ClueTotal(Off1()), 0);

  const ClueView v = Create(Sup1(), in);
  EXPECT_EQ(v.clue.track, ReviewTrack::kMajorComplex);
  EXPECT_EQ(v.clue.track_approved_by, w.supervisor1);
  EXPECT_EQ(v.clue.review_deadline, w.now + 30 * kDay);

  // Changing the track: officers may move to verification but not to major_complex.
  const ClueView std_clue = Create(Off1(), Basic("普通"));
  ExpectStatus(
      s().ChangeTrack(Off1(), std_clue.clue.id, ReviewTrack::kMajorComplex, "复杂").status(),
      StatusCode::kPermissionDenied);
  ExpectStatus(s().ChangeTrack(Off1(), std_clue.clue.id, ReviewTrack::kVerification, "").status(),
               StatusCode::kInvalidArgument, "reason");
  const ClueView verified =
      Must(s().ChangeTrack(Off1(), std_clue.clue.id, ReviewTrack::kVerification, "需要查证"));
  EXPECT_EQ(verified.clue.review_deadline, std_clue.clue.received_at + 7 * kDay);
  EXPECT_FALSE(verified.clue.track_approved_by.has_value());
  const ClueView major =
      Must(s().ChangeTrack(Sup1(), std_clue.clue.id, ReviewTrack::kMajorComplex, "案情复杂"));
  EXPECT_EQ(major.clue.review_deadline, std_clue.clue.received_at + 30 * kDay);
  EXPECT_EQ(major.clue.track_approved_by, w.supervisor1);
}

// ---------------------------------------------------------------- filing decisions

TEST_F(ServicesTest, FilingCreatesMajorCaseWithVictimChecklistAndTimeline) {
  ClueInput in = ChildClue();
  const ClueView clue = Create(Off1(), in);
  w.Advance(2 * kHour);

  DecisionInput d;
  d.decision = ClueDecision::kFile;
  ExpectStatus(s().Decide(Off1(), clue.clue.id, d).status(), StatusCode::kPermissionDenied);

  auto decided = Must(s().Decide(Sup1(), clue.clue.id, d));
  EXPECT_EQ(decided.first.clue.status, ClueStatus::kFiled);
  EXPECT_EQ(decided.first.clue.decided_by, w.supervisor1);
  EXPECT_EQ(decided.first.clue.decided_at, w.now);
  EXPECT_EQ(decided.first.deadline_state, DeadlineState::kMet);
  ASSERT_TRUE(decided.second.has_value());
  const Case& c = decided.second->c;
  EXPECT_EQ(decided.first.clue.case_id, c.id);
  EXPECT_EQ(c.reference, "AJ-2026-000001");
  EXPECT_EQ(c.stage, CaseStage::kFiled);
  EXPECT_EQ(c.unit_id, w.station1);
  EXPECT_EQ(c.clue_id, clue.clue.id);
  EXPECT_EQ(c.title, "放学途中被陌生男子猥亵");  // first line of the summary
  EXPECT_EQ(c.filed_at, w.now);
  EXPECT_FALSE(c.historic);
  EXPECT_TRUE(c.major);
  EXPECT_GE(c.priority, 3);
  ASSERT_FALSE(c.major_flags.empty());
  EXPECT_EQ(c.major_flags[0].rule_key, "victim_under_14");
  EXPECT_EQ(c.supervising_unit_id, w.county1);  // the unit above the station
  EXPECT_EQ(c.case_manager_id, w.supervisor1);
  EXPECT_EQ(c.lead_investigator_id, w.officer1);
  EXPECT_EQ(decided.second->victim_pseudonyms, std::vector<std::string>{"V1"});

  const CaseDetailView detail = Get(Off1(), c.id);
  EXPECT_EQ(detail.summary.victim_pseudonyms, std::vector<std::string>{"V1"});
  ASSERT_EQ(detail.persons.size(), 1u);
  EXPECT_EQ(detail.persons[0].role, PersonRole::kVictim);
  EXPECT_EQ(detail.persons[0].pseudonym, "V1");
  EXPECT_EQ(detail.persons[0].sex, Sex::kFemale);
  EXPECT_EQ(detail.persons[0].age_at_offence, 10);
  EXPECT_TRUE(detail.persons[0].identity_protected);
  EXPECT_FALSE(detail.persons[0].identity.has_value());
  EXPECT_EQ(detail.person_has_identity, std::vector<bool>{true});
  ASSERT_EQ(detail.checklist.size(), StandardChecklist().size());
  const ChecklistView* report = FindItem(detail, "report_recorded");
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->item.done_at, clue.clue.received_at);
  EXPECT_EQ(report->item.done_by, w.officer1);
  EXPECT_EQ(report->done_by_name, "一所 王警官");
  for (const auto& item : detail.checklist)
    if (item.item.key != "report_recorded") {
      EXPECT_FALSE(item.item.done_at) << item.item.key;
    }
  ASSERT_EQ(detail.timeline.size(), 3u);
  EXPECT_EQ(detail.timeline[0].event.kind, "clue_received");
  EXPECT_EQ(detail.timeline[0].event.at, clue.clue.received_at);
  EXPECT_EQ(detail.timeline[1].event.kind, "filed");
  EXPECT_EQ(detail.timeline[2].event.kind, "major_flagged");
  EXPECT_NE(detail.timeline[2].event.detail.find("victim_under_14"), std::string::npos);
  EXPECT_TRUE(detail.can_reveal_identity);
  ASSERT_TRUE(detail.case_manager.has_value());
  EXPECT_EQ(detail.case_manager->name, "一区 陈队长");

  // The case page offers the next stages with their conditions.
  ASSERT_FALSE(detail.next_stages.empty());
  bool investigation_allowed = false;
  for (const auto& n : detail.next_stages) {
    if (n.to == CaseStage::kUnderInvestigation) investigation_allowed = n.allowed;
    if (n.to == CaseStage::kSuspended) {
      EXPECT_FALSE(n.allowed);  // officers may not suspend
      EXPECT_TRUE(n.requires_reason);
    }
  }
  EXPECT_TRUE(investigation_allowed);

  // Deciding again is a conflict.
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kConflict);
}

TEST_F(ServicesTest, AdultRecentCaseIsNeitherMajorNorHistoric) {
  const Id id = NewCase(AdultClue("成年人报案"));
  const CaseDetailView d = Get(Off1(), id);
  EXPECT_FALSE(d.summary.c.major);
  EXPECT_TRUE(d.summary.c.major_flags.empty());
  EXPECT_FALSE(d.summary.c.supervising_unit_id.has_value());
  EXPECT_FALSE(d.summary.c.case_manager_id.has_value());
  EXPECT_FALSE(d.summary.c.historic);
  EXPECT_FALSE(HasEvent(d, "major_flagged"));
}

TEST_F(ServicesTest, OldOffenceIsHistoricAndTitleCanBeGiven) {
  ClueInput in = AdultClue("多年前的旧案");
  in.facts.offence_time = w.now - 3 * 365 * kDay;
  const ClueView clue = Create(Off1(), in);
  DecisionInput d;
  d.decision = ClueDecision::kFile;
  d.title = "自定标题";
  auto r = Must(s().Decide(Sup1(), clue.clue.id, d));
  ASSERT_TRUE(r.second);
  EXPECT_TRUE(r.second->c.historic);
  EXPECT_EQ(r.second->c.title, "自定标题");
}

TEST_F(ServicesTest, DeclineNeedsAReason) {
  const ClueView clue = Create(Off1(), Basic("不构成犯罪"));
  DecisionInput d;
  d.decision = ClueDecision::kDecline;
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kInvalidArgument,
               "reason");
  d.reason = "经审查无犯罪事实";
  auto r = Must(s().Decide(Sup1(), clue.clue.id, d));
  EXPECT_EQ(r.first.clue.status, ClueStatus::kDeclined);
  EXPECT_EQ(r.first.clue.decision_reason, "经审查无犯罪事实");
  EXPECT_FALSE(r.first.clue.case_id.has_value());
  EXPECT_FALSE(r.second.has_value());
  EXPECT_EQ(CaseTotal(Sup1()), 0);
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kConflict);
}

TEST_F(ServicesTest, TransferCreatesAFreshClueAtTheTargetUnit) {
  const ClueView clue = Create(Off1(), ChildClue("辖区外发生"));
  w.Advance(2 * kDay);  // two of the three days have passed

  DecisionInput d;
  d.decision = ClueDecision::kTransfer;
  d.reason = "案发地属二区";
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kInvalidArgument,
               "to_unit_id");
  d.to_unit_id = w.station1;
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kInvalidArgument,
               "to_unit_id");
  d.to_unit_id = w.procuratorate1;
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kInvalidArgument,
               "to_unit_id");
  d.to_unit_id = 999999;
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kInvalidArgument,
               "to_unit_id");
  d.to_unit_id = w.station2;
  d.reason.clear();
  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kInvalidArgument,
               "reason");
  d.reason = "案发地属二区";
  EXPECT_EQ(ClueTotal(Off2()), 0);

  auto r = Must(s().Decide(Sup1(), clue.clue.id, d));
  EXPECT_EQ(r.first.clue.status, ClueStatus::kTransferred);
  EXPECT_EQ(r.first.clue.transferred_to_unit, w.station2);
  EXPECT_FALSE(r.second.has_value());

  auto theirs = Must(s().ListClues(Off2(), {}));
  ASSERT_EQ(theirs.total, 1);
  const Clue& copy = theirs.items[0].clue;
  EXPECT_NE(copy.id, clue.clue.id);
  EXPECT_NE(copy.reference, clue.clue.reference);
  EXPECT_EQ(copy.unit_id, w.station2);
  EXPECT_EQ(copy.source, ClueSource::kUnitTransfer);
  EXPECT_EQ(copy.status, ClueStatus::kPendingReview);
  EXPECT_EQ(copy.received_at, w.now);
  EXPECT_EQ(copy.review_deadline, w.now + 3 * kDay);  // a fresh clock, not the original's
  EXPECT_GT(copy.review_deadline, clue.clue.review_deadline);
  EXPECT_EQ(copy.track, ReviewTrack::kStandard);
  EXPECT_FALSE(copy.assigned_to.has_value());
  EXPECT_NE(copy.summary.find(clue.clue.reference), std::string::npos);
  EXPECT_NE(copy.summary.find("案发地属二区"), std::string::npos);
  EXPECT_EQ(theirs.items[0].deadline_state, DeadlineState::kOnTime);
  // The transferring supervisor's unit does not see the new clue.
  ExpectStatus(s().GetClue(Sup1(), copy.id).status(), StatusCode::kNotFound);
  // The original is still pending nowhere: its unit's pending list is empty.
  ClueListInput pending;
  pending.status = ClueStatus::kPendingReview;
  EXPECT_EQ(ClueTotal(Sup1(), pending), 0);

  ExpectStatus(s().Decide(Sup1(), clue.clue.id, d).status(), StatusCode::kConflict);
  // The receiving county's supervisor can file the new clue.
  DecisionInput file;
  auto filed = Must(s().Decide(Sup2(), copy.id, file));
  ASSERT_TRUE(filed.second);
  EXPECT_EQ(filed.second->c.unit_id, w.station2);
}

// ---------------------------------------------------------------- visibility

TEST_F(ServicesTest, CaseOfAnotherUnitIsNotFoundAndNotCounted) {
  const Id id = NewCase(ChildClue());
  const Id clue_id = *Get(Off1(), id).summary.c.clue_id;

  auto hidden = s().GetCase(Off2(), id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  auto unknown = s().GetCase(Off2(), 999999);
  ASSERT_FALSE(unknown.ok());
  // Indistinguishable from an id that does not exist.
  EXPECT_EQ(hidden.status().code(), unknown.status().code());
  EXPECT_EQ(hidden.status().message(), unknown.status().message());
  EXPECT_EQ(hidden.status().field(), unknown.status().field());

  // Writes too are NotFound, never PermissionDenied.
  ExpectStatus(Move(Off2(), id, CaseStage::kUnderInvestigation).status(), StatusCode::kNotFound);
  ExpectStatus(s().SetChecklist(Off2(), id, "victim_interview", true).status(),
               StatusCode::kNotFound);
  ExpectStatus(s().RevealIdentity(Off2(), id, 1).status(), StatusCode::kNotFound);
  ExpectStatus(s().GetClue(Off2(), clue_id).status(), StatusCode::kNotFound);

  CaseListInput page;
  page.page.limit = 7;
  page.page.offset = 0;
  const auto listed = Must(s().ListCases(Off1(), page));
  EXPECT_EQ(listed.limit, 7);
  EXPECT_EQ(listed.offset, 0);
  EXPECT_FALSE(listed.total_capped);
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].victim_pseudonyms, std::vector<std::string>{"V1"});
  EXPECT_EQ(CaseTotal(Off1()), 1);
  EXPECT_EQ(CaseTotal(Sup1()), 1);
  EXPECT_EQ(CaseTotal(Ana1()), 1);
  EXPECT_EQ(CaseTotal(Off2()), 0);
  EXPECT_EQ(CaseTotal(Sup2()), 0);
  EXPECT_EQ(CaseTotal(Pro1()), 0);  // not yet transferred
  EXPECT_EQ(CaseTotal(Admin()), 0);
  EXPECT_EQ(ClueTotal(Off2()), 0);
  EXPECT_EQ(ClueTotal(Admin()), 0);

  // Denied reads are audited as such.
  const auto audit = w.Audit(id, "case");
  bool denied_read = false, allowed_read = false;
  for (const auto& a : audit) {
    if (a.action != "case.read") continue;
    if (!a.allowed && a.user_id == w.officer2) denied_read = true;
    if (a.allowed && a.user_id == w.officer1) allowed_read = true;
    EXPECT_EQ(a.remote, "127.0.0.1");
  }
  EXPECT_TRUE(denied_read);
  EXPECT_TRUE(allowed_read);
}

TEST_F(ServicesTest, SupervisorAboveTheUnitSeesIt) {
  const Id id = NewCase(AdultClue("成年人"));
  // A supervisor at the city above both counties sees everything in both.
  const Id city_sup = w.AddUser("citysup", "市局督导", Role::kSupervisor, w.city);
  EXPECT_TRUE(s().GetCase(w.As(city_sup), id).ok());
  EXPECT_EQ(CaseTotal(w.As(city_sup)), 1);
  // A deactivated officer of the same unit sees nothing.
  const Id gone = w.AddUser("gone", "离职", Role::kOfficer, w.station1, false);
  ExpectStatus(s().GetCase(w.As(gone), id).status(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------- lifecycle

TEST_F(ServicesTest, LifecycleFromFilingToProsecution) {
  const Id id = NewCase(ChildClue());

  EXPECT_EQ(Must(Move(Off1(), id, CaseStage::kUnderInvestigation)).summary.c.stage,
            CaseStage::kUnderInvestigation);
  // No suspect yet.
  ExpectStatus(Move(Off1(), id, CaseStage::kSuspectIdentified).status(), StatusCode::kConflict);
  // Jumping stages is not a transition.
  ExpectStatus(Move(Off1(), id, CaseStage::kSolved).status(), StatusCode::kConflict);

  const Id suspect = AddSuspect(id);
  {
    const CaseDetailView d = Get(Off1(), id);
    ASSERT_EQ(d.persons.size(), 2u);
    const size_t s1 = PersonIndex(d, "S1");
    EXPECT_EQ(d.persons[s1].id, suspect);
    EXPECT_EQ(d.persons[s1].role, PersonRole::kSuspect);
    EXPECT_FALSE(d.persons[s1].identity_protected);
    EXPECT_TRUE(d.persons[PersonIndex(d, "V1")].identity_protected);
    EXPECT_TRUE(HasEvent(d, "person_added"));
  }
  EXPECT_TRUE(Move(Off1(), id, CaseStage::kSuspectIdentified).ok());

  w.Advance(kHour);
  const CaseDetailView detained = Must(Move(Off1(), id, CaseStage::kSuspectDetained));
  EXPECT_EQ(detained.summary.c.stage, CaseStage::kSuspectDetained);
  ASSERT_TRUE(detained.summary.c.stage_deadline.has_value());
  EXPECT_EQ(*detained.summary.c.stage_deadline, w.now + 3 * kDay);
  EXPECT_FALSE(detained.summary.c.stage_deadline_label.empty());
  EXPECT_EQ(detained.summary.deadline_state, DeadlineState::kOnTime);
  {
    auto dash = Must(s().Dashboard(Sup1(), std::nullopt, std::nullopt));
    EXPECT_EQ(dash.totals.suspects_arrested, 1);
    EXPECT_EQ(dash.scope_unit.id, w.county1);
    auto other = Must(s().Dashboard(Off2(), std::nullopt, std::nullopt));
    EXPECT_EQ(other.totals.suspects_arrested, 0);
    // The overdue filter finds the case once its deadline has passed.
    CaseListInput overdue;
    overdue.overdue = true;
    EXPECT_EQ(CaseTotal(Off1(), overdue), 0);
    w.Advance(3 * kDay + 1);
    EXPECT_EQ(CaseTotal(Off1(), overdue), 1);
    EXPECT_EQ(Get(Off1(), id).summary.deadline_state, DeadlineState::kOverdue);
  }

  const CaseDetailView solved = Must(Move(Off1(), id, CaseStage::kSolved));
  EXPECT_EQ(solved.summary.c.solved_at, w.now);
  EXPECT_FALSE(solved.summary.c.stage_deadline.has_value());

  // Transfer for prosecution: supervisor only, a procuratorate, and the checklist.
  ExpectStatus(
      Move(Off1(), id, CaseStage::kTransferredForProsecution, "", w.procuratorate1).status(),
      StatusCode::kPermissionDenied);
  ExpectStatus(Move(Sup1(), id, CaseStage::kTransferredForProsecution).status(),
               StatusCode::kInvalidArgument, "procuratorate_unit_id");
  ExpectStatus(Move(Sup1(), id, CaseStage::kTransferredForProsecution, "", w.station2).status(),
               StatusCode::kInvalidArgument, "procuratorate_unit_id");
  auto missing = Move(Sup1(), id, CaseStage::kTransferredForProsecution, "", w.procuratorate1);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kConflict);
  for (const char* key : {"victim_interview", "scene_examination", "medical_examination",
                          "evidence_kit_collected", "suspect_interview", "suspect_identification"})
    EXPECT_NE(missing.status().message().find(key), std::string::npos) << key;
  for (const char* key :
       {"report_recorded", "digital_evidence", "witness_statements", "victim_support_referral"})
    EXPECT_EQ(missing.status().message().find(key), std::string::npos) << key;

  ExpectStatus(s().SetChecklist(Off1(), id, "no_such_item", true).status(), StatusCode::kNotFound);
  for (const char* key : {"victim_interview", "scene_examination", "medical_examination",
                          "evidence_kit_collected", "suspect_interview"})
    ASSERT_TRUE(s().SetChecklist(Off1(), id, key, true).ok()) << key;
  auto one_left = Move(Sup1(), id, CaseStage::kTransferredForProsecution, "", w.procuratorate1);
  ASSERT_FALSE(one_left.ok());
  EXPECT_EQ(one_left.status().code(), StatusCode::kConflict);
  EXPECT_NE(one_left.status().message().find("suspect_identification"), std::string::npos);
  EXPECT_EQ(one_left.status().message().find("victim_interview"), std::string::npos);
  // Unticking an item makes it missing again.
  ASSERT_TRUE(s().SetChecklist(Off1(), id, "suspect_identification", true).ok());
  ASSERT_TRUE(s().SetChecklist(Off1(), id, "scene_examination", false).ok());
  EXPECT_EQ(
      Move(Sup1(), id, CaseStage::kTransferredForProsecution, "", w.procuratorate1).status().code(),
      StatusCode::kConflict);
  const CaseDetailView ticked = Must(s().SetChecklist(Off1(), id, "scene_examination", true));
  EXPECT_EQ(FindItem(ticked, "scene_examination")->item.done_at, w.now);
  EXPECT_EQ(CountEvents(ticked, "checklist"), 8);

  // Before the transfer no prosecutor sees the case.
  ExpectStatus(s().GetCase(Pro1(), id).status(), StatusCode::kNotFound);
  const CaseDetailView transferred =
      Must(Move(Sup1(), id, CaseStage::kTransferredForProsecution, "", w.procuratorate1));
  EXPECT_EQ(transferred.summary.c.stage, CaseStage::kTransferredForProsecution);
  EXPECT_EQ(transferred.summary.c.procuratorate_unit_id, w.procuratorate1);
  EXPECT_EQ(transferred.summary.c.stage_deadline, w.now + 30 * kDay);

  // The prosecutor of that procuratorate now sees it; another prosecutor does not.
  EXPECT_TRUE(s().GetCase(Pro1(), id).ok());
  EXPECT_EQ(CaseTotal(Pro1()), 1);
  ExpectStatus(s().GetCase(Pro2(), id).status(), StatusCode::kNotFound);
  EXPECT_EQ(CaseTotal(Pro2()), 0);
  EXPECT_TRUE(Get(Pro1(), id).can_reveal_identity);

  // The prosecutor records the outcome; officers may not.
  ExpectStatus(Move(Off1(), id, CaseStage::kProsecuted).status(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Move(Pro1(), id, CaseStage::kProsecuted).ok());
  const CaseDetailView closed = Must(Move(Pro1(), id, CaseStage::kClosed));
  EXPECT_EQ(closed.summary.c.closed_at, w.now);
  EXPECT_TRUE(closed.next_stages.empty());
  EXPECT_EQ(CaseTotal(Pro1()), 1);  // still visible once closed

  const CaseDetailView final_view = Get(Sup1(), id);
  EXPECT_EQ(CountEvents(final_view, "transition"), 7);
  // The prosecutor edits nothing else.
  ExpectStatus(s().SetChecklist(Pro1(), id, "digital_evidence", true).status(),
               StatusCode::kPermissionDenied);
}

TEST_F(ServicesTest, SuspendNeedsReasonAndReopeningMarksHistoric) {
  const Id id = NewCase(AdultClue("线索中断"));
  ASSERT_TRUE(Move(Off1(), id, CaseStage::kUnderInvestigation).ok());
  ExpectStatus(Move(Off1(), id, CaseStage::kSuspended, "无线索").status(),
               StatusCode::kPermissionDenied);
  ExpectStatus(Move(Sup1(), id, CaseStage::kSuspended).status(), StatusCode::kInvalidArgument,
               "reason");
  ExpectStatus(Move(Sup1(), id, CaseStage::kSuspended, "  \n ").status(),
               StatusCode::kInvalidArgument, "reason");
  const CaseDetailView suspended = Must(Move(Sup1(), id, CaseStage::kSuspended, "穷尽侦查措施"));
  EXPECT_EQ(suspended.summary.c.stage, CaseStage::kSuspended);
  EXPECT_FALSE(suspended.summary.c.historic);
  // A suspended case takes no new actions.
  ActionInput action;
  action.title = "走访";
  ExpectStatus(s().AddAction(Off1(), id, action).status(), StatusCode::kConflict);

  ExpectStatus(Move(Sup1(), id, CaseStage::kReopened).status(), StatusCode::kInvalidArgument,
               "reason");
  const CaseDetailView reopened = Must(Move(Sup1(), id, CaseStage::kReopened, "发现新证据"));
  EXPECT_EQ(reopened.summary.c.stage, CaseStage::kReopened);
  EXPECT_TRUE(reopened.summary.c.historic);
  EXPECT_TRUE(reopened.summary.c.reopened);
  CaseListInput historic;
  historic.historic = true;
  EXPECT_EQ(CaseTotal(Off1(), historic), 1);
  EXPECT_TRUE(Move(Off1(), id, CaseStage::kUnderInvestigation).ok());
  // The reasons are on the timeline.
  const CaseDetailView d = Get(Off1(), id);
  int with_reason = 0;
  for (const auto& e : d.timeline)
    if (e.event.kind == "transition" && e.event.detail.find("reason") != std::string::npos)
      ++with_reason;
  EXPECT_EQ(with_reason, 2);
}

TEST_F(ServicesTest, ProcuratorateIsRecordedOnlyByTheTransferForProsecution) {
  // A procuratorate sent along with another transition must not stick to the case: a withdrawn
  // (closed) case would otherwise open to that procuratorate's prosecutors without any transfer.
  const Id id = NewCase(AdultClue("未移送的案件"));
  const CaseDetailView moved =
      Must(Move(Off1(), id, CaseStage::kUnderInvestigation, "", w.procuratorate1));
  EXPECT_FALSE(moved.summary.c.procuratorate_unit_id.has_value());
  const CaseDetailView closed =
      Must(Move(Sup1(), id, CaseStage::kClosed, "撤销案件", w.procuratorate1));
  EXPECT_FALSE(closed.summary.c.procuratorate_unit_id.has_value());
  ExpectStatus(s().GetCase(Pro1(), id).status(), StatusCode::kNotFound);
  EXPECT_EQ(CaseTotal(Pro1()), 0);
}

TEST_F(ServicesTest, WithdrawalClosesAnOpenCaseWithAReason) {
  const Id id = NewCase(AdultClue("撤案"));
  ExpectStatus(Move(Sup1(), id, CaseStage::kClosed).status(), StatusCode::kInvalidArgument,
               "reason");
  const CaseDetailView closed = Must(Move(Sup1(), id, CaseStage::kClosed, "撤销案件"));
  EXPECT_EQ(closed.summary.c.stage, CaseStage::kClosed);
  EXPECT_FALSE(closed.summary.c.solved_at.has_value());
}

// ---------------------------------------------------------------- identities

TEST_F(ServicesTest, RevealIdentityForAllowedUsersOnlyAndAudited) {
  const Id id = NewCase(ChildClue());
  const CaseDetailView d = Get(Off1(), id);
  ASSERT_EQ(d.persons.size(), 1u);
  const Id victim = d.persons[0].id;

  const Identity identity = Must(s().RevealIdentity(Off1(), id, victim));
  EXPECT_EQ(identity.name, "张小红");
  EXPECT_EQ(identity.id_number, kChildId);
  EXPECT_EQ(identity.phone, "+8613812345678");      // normalised
  EXPECT_EQ(identity.date_of_birth, "2015-03-15");  // from the ID number
  EXPECT_EQ(identity.address, "示范省人民路 8 号");

  // An analyst of the same unit opens the case but not the identity.
  EXPECT_TRUE(s().GetCase(Ana1(), id).ok());
  EXPECT_FALSE(Get(Ana1(), id).can_reveal_identity);
  ExpectStatus(s().RevealIdentity(Ana1(), id, victim).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().RevealIdentity(Off1(), id, 999999).status(), StatusCode::kNotFound);
  EXPECT_TRUE(s().RevealIdentity(Sup1(), id, victim).ok());

  const CaseDetailView after = Get(Off1(), id);
  EXPECT_EQ(CountEvents(after, "identity_revealed"), 2);

  const auto audit = w.Audit(victim, "person");
  int allowed = 0, denied = 0;
  for (const auto& a : audit) {
    ASSERT_EQ(a.action, "identity.reveal");
    if (a.allowed)
      ++allowed;
    else
      ++denied;
    if (!a.allowed) {
      EXPECT_EQ(a.user_id, w.analyst1);
    }
    // The audit never carries the identity itself.
    EXPECT_EQ(a.detail.find("张小红"), std::string::npos);
    EXPECT_EQ(a.detail.find(kChildId), std::string::npos);
  }
  EXPECT_EQ(allowed, 2);
  EXPECT_EQ(denied, 1);
}

TEST_F(ServicesTest, PersonsAddedLaterAreProtectedByRole) {
  const Id id = NewCase(AdultClue("补充人员", 25));
  PersonInput witness;
  witness.role = PersonRole::kWitness;
  witness.age_at_offence = 12;
  witness.identity.name = "未成年证人";
  PersonInput adult_witness;
  adult_witness.role = PersonRole::kWitness;
  adult_witness.age_at_offence = 40;
  adult_witness.identity.name = "成年证人";
  PersonInput bad;
  bad.role = PersonRole::kVictim;
  bad.identity.id_number = "123";
  ExpectStatus(s().AddPerson(Off1(), id, bad).status(), StatusCode::kInvalidArgument,
               "identity.id_number");
  bad.identity.id_number.clear();
  bad.age_at_offence = 121;
  ExpectStatus(s().AddPerson(Off1(), id, bad).status(), StatusCode::kInvalidArgument,
               "age_at_offence");
  ASSERT_TRUE(s().AddPerson(Off1(), id, witness).ok());
  const CaseDetailView d = Must(s().AddPerson(Off1(), id, adult_witness));
  ASSERT_EQ(d.persons.size(), 3u);
  const Person& minor = d.persons[PersonIndex(d, "W1")];
  const Person& grown = d.persons[PersonIndex(d, "W2")];
  EXPECT_TRUE(minor.identity_protected);
  EXPECT_FALSE(grown.identity_protected);
  // An analyst may read an unprotected identity, and that is not a "revealed" event.
  const Identity adult = Must(s().RevealIdentity(Ana1(), id, grown.id));
  EXPECT_EQ(adult.name, "成年证人");
  ExpectStatus(s().RevealIdentity(Ana1(), id, minor.id).status(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CountEvents(Get(Off1(), id), "identity_revealed"), 0);
  // A person without identity has nothing to reveal.
  PersonInput anonymous;
  anonymous.role = PersonRole::kReporter;
  const CaseDetailView d2 = Must(s().AddPerson(Off1(), id, anonymous));
  const size_t r1 = PersonIndex(d2, "R1");
  EXPECT_FALSE(d2.person_has_identity[r1]);
  EXPECT_TRUE(d2.person_has_identity[PersonIndex(d2, "W2")]);
  ExpectStatus(s().RevealIdentity(Off1(), id, d2.persons[r1].id).status(), StatusCode::kNotFound);
}

TEST_F(ServicesTest, AddingAMinorVictimMakesTheCaseMajor) {
  const Id id = NewCase(AdultClue("成年被害人", 25));
  ASSERT_FALSE(Get(Off1(), id).summary.c.major);
  PersonInput victim;
  victim.role = PersonRole::kVictim;
  victim.sex = Sex::kFemale;
  victim.age_at_offence = 15;
  const CaseDetailView d = Must(s().AddPerson(Off1(), id, victim));
  EXPECT_TRUE(d.summary.c.major);
  EXPECT_EQ(d.summary.c.facts.victim_count, 2);
  EXPECT_EQ(d.summary.c.facts.youngest_victim_age, 15);
  EXPECT_EQ(d.summary.c.supervising_unit_id, w.county1);
  EXPECT_EQ(d.summary.victim_pseudonyms, (std::vector<std::string>{"V1", "V2"}));
  EXPECT_EQ(CountEvents(d, "major_flagged"), 1);
  bool has_flag = false;
  for (const auto& f : d.summary.c.major_flags) has_flag |= f.rule_key == "victim_under_18";
  EXPECT_TRUE(has_flag);
}

// ---------------------------------------------------------------- actions and team

TEST_F(ServicesTest, ActionFlowWithValidation) {
  const Id id = NewCase(AdultClue("行动"));
  ActionInput in;
  ExpectStatus(s().AddAction(Off1(), id, in).status(), StatusCode::kInvalidArgument, "title");
  in.title = "调取监控";
  in.owner_id = w.prosecutor1;
  ExpectStatus(s().AddAction(Off1(), id, in).status(), StatusCode::kInvalidArgument, "owner_id");
  in.owner_id = w.officer1;
  in.due_at = w.now + 2 * kDay;
  ExpectStatus(s().AddAction(Ana1(), id, in).status(), StatusCode::kPermissionDenied);
  const CaseDetailView d = Must(s().AddAction(Off1(), id, in));
  ASSERT_EQ(d.actions.size(), 1u);
  const Id action = d.actions[0].action.id;
  EXPECT_EQ(d.actions[0].action.status, ActionStatus::kAllocated);
  EXPECT_EQ(d.actions[0].owner_name, "一所 王警官");
  EXPECT_FALSE(d.actions[0].overdue);
  EXPECT_TRUE(HasEvent(d, "action_created"));

  ActionPatch jump;
  jump.status = ActionStatus::kReviewed;
  auto r = s().UpdateAction(Off1(), id, action, jump);
  ExpectStatus(r.status(), StatusCode::kConflict, "status");

  ActionPatch complete;
  complete.status = ActionStatus::kCompleted;
  ExpectStatus(s().UpdateAction(Off1(), id, action, complete).status(),
               StatusCode::kInvalidArgument, "result");
  complete.result = "";
  ExpectStatus(s().UpdateAction(Off1(), id, action, complete).status(),
               StatusCode::kInvalidArgument, "result");

  ActionPatch start;
  start.status = ActionStatus::kInProgress;
  EXPECT_EQ(Must(s().UpdateAction(Off1(), id, action, start)).actions[0].action.status,
            ActionStatus::kInProgress);
  complete.result = "已调取，见附件";
  EXPECT_EQ(Must(s().UpdateAction(Off1(), id, action, complete)).actions[0].action.status,
            ActionStatus::kCompleted);

  ActionPatch review;
  review.status = ActionStatus::kReviewed;
  ExpectStatus(s().UpdateAction(Off1(), id, action, review).status(),
               StatusCode::kPermissionDenied);
  const CaseDetailView reviewed = Must(s().UpdateAction(Sup1(), id, action, review));
  EXPECT_EQ(reviewed.actions[0].action.status, ActionStatus::kReviewed);
  EXPECT_EQ(reviewed.actions[0].action.result, "已调取，见附件");
  ActionPatch cancel;
  cancel.status = ActionStatus::kCancelled;
  ExpectStatus(s().UpdateAction(Sup1(), id, action, cancel).status(), StatusCode::kConflict);

  // An action id of another case is unknown here.
  const Id other = NewCase(AdultClue("另一案件"));
  ExpectStatus(s().UpdateAction(Off1(), other, action, start).status(), StatusCode::kNotFound);
  ExpectStatus(s().UpdateAction(Off1(), id, 999999, start).status(), StatusCode::kNotFound);
}

TEST_F(ServicesTest, TeamMembershipGivesAccessAcrossUnits) {
  const Id id = NewCase(AdultClue("跨区办案"));
  ExpectStatus(s().GetCase(Off2(), id).status(), StatusCode::kNotFound);
  TeamInput team;
  team.file_coordinator_id = w.prosecutor1;
  ExpectStatus(s().SetTeam(Off1(), id, team).status(), StatusCode::kInvalidArgument,
               "file_coordinator_id");
  // An officer of a unit not working on the case cannot be put on its team (that would open it)...
  team.file_coordinator_id = w.officer2;
  ExpectStatus(s().SetTeam(Sup1(), id, team).status(), StatusCode::kInvalidArgument,
               "file_coordinator_id");
  // ...until the case is shared with that officer's unit as a joint team.
  Must(s().ShareCase(Sup1(), id, w.station2));
  const CaseDetailView d = Must(s().SetTeam(Sup1(), id, team));
  ASSERT_TRUE(d.file_coordinator.has_value());
  EXPECT_EQ(d.file_coordinator->id, w.officer2);
  EXPECT_TRUE(HasEvent(d, "team_assigned"));
  EXPECT_TRUE(s().GetCase(Off2(), id).ok());
  EXPECT_EQ(CaseTotal(Off2()), 1);
  // On the team, the officer of another unit may also reveal identities (sharing alone does not).
  EXPECT_TRUE(Get(Off2(), id).can_reveal_identity);
  // But the other county's supervisor still does not see the case.
  ExpectStatus(s().GetCase(Sup2(), id).status(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------- joint work

TEST_F(ServicesTest, AcceptedAssistanceMakesTheCaseVisibleToTheHelpingUnit) {
  const Id id = NewCase(AdultClue("协查"));
  ExpectStatus(s().RequestAssistance(Off1(), id, w.county2, "").status(),
               StatusCode::kInvalidArgument, "request");
  ExpectStatus(s().RequestAssistance(Off1(), id, w.station1, "请协查").status(),
               StatusCode::kInvalidArgument, "to_unit_id");
  ExpectStatus(s().RequestAssistance(Off1(), id, w.procuratorate1, "请协查").status(),
               StatusCode::kInvalidArgument, "to_unit_id");
  const CaseDetailView d = Must(s().RequestAssistance(Off1(), id, w.county2, "请协查嫌疑人落脚点"));
  ASSERT_EQ(d.assistance.size(), 1u);
  const Id request = d.assistance[0].request.id;
  EXPECT_EQ(d.assistance[0].request.status, AssistanceStatus::kRequested);
  EXPECT_EQ(d.assistance[0].from_unit_name, "一区派出所");
  EXPECT_EQ(d.assistance[0].to_unit_name, "二区分局");

  // Requested is not yet enough to see the case.
  ExpectStatus(s().GetCase(Sup2(), id).status(), StatusCode::kNotFound);
  EXPECT_EQ(CaseTotal(Sup2()), 0);
  auto board = Must(s().Board(Sup2()));
  ASSERT_EQ(board.assistance_incoming.size(), 1u);
  EXPECT_EQ(board.assistance_incoming[0].request.id, request);
  EXPECT_EQ(board.assistance_incoming[0].case_reference, d.summary.c.reference);

  // Only a supervisor of the asked unit answers.
  ExpectStatus(s().AnswerAssistance(Off2(), request, true, "").status(),
               StatusCode::kPermissionDenied);
  ExpectStatus(s().AnswerAssistance(Sup1(), request, true, "").status(), StatusCode::kNotFound);
  ExpectStatus(s().AnswerAssistance(Sup2(), request, false, "").status(),
               StatusCode::kInvalidArgument, "response");
  const AssistanceView answered = Must(s().AnswerAssistance(Sup2(), request, true, "同意协查"));
  EXPECT_EQ(answered.request.status, AssistanceStatus::kAccepted);
  EXPECT_EQ(answered.case_reference, d.summary.c.reference);
  ExpectStatus(s().AnswerAssistance(Sup2(), request, true, "").status(), StatusCode::kConflict);

  EXPECT_TRUE(s().GetCase(Sup2(), id).ok());
  EXPECT_EQ(CaseTotal(Sup2()), 1);
  EXPECT_TRUE(Must(s().Board(Sup2())).assistance_incoming.empty());
  // Visibility is per unit: the station below the helping county is not included.
  ExpectStatus(s().GetCase(Off2(), id).status(), StatusCode::kNotFound);
  EXPECT_TRUE(HasEvent(Get(Off1(), id), "assistance_answered"));
}

TEST_F(ServicesTest, DeclinedAssistanceKeepsTheCaseHidden) {
  const Id id = NewCase(AdultClue("协查被拒"));
  const CaseDetailView d = Must(s().RequestAssistance(Off1(), id, w.county2, "请协查"));
  ASSERT_TRUE(s().AnswerAssistance(Sup2(), d.assistance[0].request.id, false, "警力不足").ok());
  ExpectStatus(s().GetCase(Sup2(), id).status(), StatusCode::kNotFound);
}

TEST_F(ServicesTest, SharingMakesTheCaseVisible) {
  const Id id = NewCase(AdultClue("联合专案"));
  ExpectStatus(s().ShareCase(Off1(), id, w.procuratorate1).status(), StatusCode::kInvalidArgument,
               "unit_id");
  ExpectStatus(s().ShareCase(Off1(), id, w.partner).status(), StatusCode::kInvalidArgument,
               "unit_id");
  ExpectStatus(s().ShareCase(Off1(), id, w.station1).status(), StatusCode::kInvalidArgument,
               "unit_id");
  ExpectStatus(s().ShareCase(Off1(), id, 999999).status(), StatusCode::kInvalidArgument, "unit_id");
  ExpectStatus(s().ShareCase(Off2(), id, w.station2).status(), StatusCode::kNotFound);
  EXPECT_EQ(CaseTotal(Off2()), 0);
  const CaseDetailView d = Must(s().ShareCase(Off1(), id, w.station2));
  ASSERT_EQ(d.shared_with.size(), 1u);
  EXPECT_EQ(d.shared_with[0].id, w.station2);
  // Sharing twice is harmless.
  EXPECT_EQ(Must(s().ShareCase(Off1(), id, w.station2)).shared_with.size(), 1u);
  EXPECT_TRUE(s().GetCase(Off2(), id).ok());
  EXPECT_EQ(CaseTotal(Off2()), 1);
  // Shared is not owned: the other unit's officer is not allowed to reveal identities.
  EXPECT_FALSE(Get(Off2(), id).can_reveal_identity);
  // Dashboards count by owning unit only.
  EXPECT_EQ(Must(s().Dashboard(Off2(), std::nullopt, std::nullopt)).totals.cases_filed, 0);
}

// A restricted case's clue is left out of the clue lists of everyone but the supervisors over
// its unit; the count of clues received on the dashboard must leave it out as well.
TEST_F(ServicesTest, DashboardCountsOnlyTheCluesTheCallerMayList) {
  NewCase(AdultClue("普通案件"));
  const Id hidden = NewCase(AdultClue("受限案件"));
  SensitivityInput label;
  label.restricted = true;
  label.reason = "涉及公众人物";
  Must(s().SetCaseSensitivity(Sup1(), hidden, label));
  EXPECT_EQ(ClueTotal(Ana1()), 1);
  EXPECT_EQ(ClueTotal(Sup1()), 2);
  for (const Principal& p : {Off1(), Ana1(), Sup1()}) {
    const DashboardView d = Must(s().Dashboard(p, std::nullopt, std::nullopt));
    EXPECT_EQ(d.totals.clues_received, ClueTotal(p)) << p.user.username;
    long long by_month = 0;
    for (const auto& m : d.by_month) by_month += m.clues;
    EXPECT_EQ(by_month, ClueTotal(p)) << p.user.username;
  }
}

TEST_F(ServicesTest, OnlyTheOwningUnitOpensACaseToOthers) {
  const Id id = NewCase(AdultClue("联合专案"));
  Must(s().ShareCase(Off1(), id, w.station2));
  // The joint team works on the case but does not pass it on: no further shares, assistance
  // requests or team changes (each would open the case to more people).
  ExpectStatus(s().ShareCase(Off2(), id, w.county2).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().RequestAssistance(Off2(), id, w.county2, "请协查").status(),
               StatusCode::kPermissionDenied);
  TeamInput team;
  team.lead_investigator_id = w.officer2;
  ExpectStatus(s().SetTeam(Off2(), id, team).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().GetCase(Sup2(), id).status(), StatusCode::kNotFound);
  EXPECT_EQ(Get(Off1(), id).shared_with.size(), 1u);
  // The owning unit and the supervisors above it decide.
  EXPECT_TRUE(s().SetTeam(Sup1(), id, team).ok());
  EXPECT_TRUE(s().RequestAssistance(Off1(), id, w.county2, "请协查").ok());
  EXPECT_TRUE(s().ShareCase(Sup1(), id, w.county2).ok());
  // On the team now, station 2's officer still does not own the case.
  ExpectStatus(s().ShareCase(Off2(), id, w.province).status(), StatusCode::kPermissionDenied);
}

TEST_F(ServicesTest, ActionsGoOnlyToPeopleWhoCanOpenTheCase) {
  // Station 2's case, shared with county 1: county 1's supervisor works on it, station 1's
  // officer (below county 1) cannot open it.
  DecisionInput file;
  const Id id =
      Must(s().Decide(Sup2(), Create(Off2(), AdultClue("二所案件")).clue.id, file)).second->c.id;
  Must(s().ShareCase(Off2(), id, w.county1));
  ActionInput in;
  in.title = "走访";
  in.owner_id = w.officer1;
  ExpectStatus(s().AddAction(Sup1(), id, in).status(), StatusCode::kInvalidArgument, "owner_id");
  in.owner_id = w.supervisor1;
  const Id action = Must(s().AddAction(Sup1(), id, in)).actions.back().action.id;
  ActionPatch patch;
  patch.owner_id = w.officer1;
  ExpectStatus(s().UpdateAction(Sup1(), id, action, patch).status(), StatusCode::kInvalidArgument,
               "owner_id");
  // An action that reached someone anyway (written before this check, or its owner moved to
  // another unit) stays off their work list.
  domain::Action stray;
  stray.case_id = id;
  stray.title = "旧任务";
  stray.owner_id = w.officer1;
  stray.status = ActionStatus::kAllocated;
  stray.created_by = w.supervisor1;
  stray.created_at = stray.updated_at = w.now;
  ASSERT_TRUE(
      w.store->Write([&](storage::Repo& r) { return r.InsertAction(stray).status(); }).ok());
  for (const auto& a : Must(s().Worklist(Off1())).actions) EXPECT_NE(a.action.case_id, id);
  EXPECT_EQ(Must(s().Worklist(Sup1())).actions.size(), 1u);
}

// Flush() returns only once every record queued before it is written, even while the background
// thread is writing a batch it took from the queue (tests read the audit right after a Flush).
TEST(AuditorTest, FlushWaitsForABatchInFlight) {
  World w;
  for (int i = 1; i <= 900; ++i) {  // (w.Audit lists at most 1000)
    storage::AuditRecord r;
    r.at = w.now;
    r.action = "test.flush";
    r.object_type = "flushtest";
    r.detail = "{}";
    r.remote = "127.0.0.1";
    w.services->auditor().Record(r);
    if (i % 2) std::this_thread::sleep_for(std::chrono::microseconds(300));
    ASSERT_EQ(w.Audit(std::nullopt, "flushtest").size(), static_cast<size_t>(i));
  }
}

// The scope is applied in the query that finds a case, so a case outside the caller's scope and
// an id that does not exist run the same statements (and take the same time), reads and writes.
TEST(ScopeInQueryTest, CaseOutsideTheScopeRunsTheSameStatementsAsAnUnknownId) {
  std::mutex mu;
  std::vector<std::string> sql;
  bool recording = false;
  const std::thread::id me = std::this_thread::get_id();
  storage::StoreOptions options;
  options.statement_observer = [&](std::string_view s) {
    std::lock_guard lock(mu);
    if (recording && std::this_thread::get_id() == me) sql.emplace_back(s);
  };
  World w({}, options);
  ClueInput in;
  in.summary = "一所的案件";
  const Id clue = Must(w.services->CreateClue(w.As(w.officer1), in, nullptr)).clue.id;
  const Id id = Must(w.services->Decide(w.As(w.supervisor1), clue, {})).second->c.id;
  const Principal other = w.As(w.officer2);
  auto statements = [&](const std::function<Status(Id)>& op, Id case_id) {
    {
      std::lock_guard lock(mu);
      sql.clear();
      recording = true;
    }
    const Status st = op(case_id);
    std::lock_guard lock(mu);
    recording = false;
    EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
    return sql;
  };
  const std::vector<std::function<Status(Id)>> ops = {
      [&](Id c) { return w.services->GetCase(other, c).status(); },
      [&](Id c) { return w.services->SetChecklist(other, c, "victim_interview", true).status(); },
      [&](Id c) { return w.services->GetVictimSupport(other, c).status(); },
      [&](Id c) { return w.services->RevealIdentity(other, c, 1).status(); },
  };
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto hidden = statements(ops[i], id);
    EXPECT_FALSE(hidden.empty()) << i;
    EXPECT_EQ(hidden, statements(ops[i], 999999)) << i;
  }
}

// ---------------------------------------------------------------- work lists and figures

class FiguresTest : public ServicesTest {
 protected:
  void SetUp() override {
    // Now is 2026-03-02T10:00Z.
    ClueInput a = Basic("A 今天收到");
    a.received_at = w.now - kHour;  // due in 71 h: on time
    a.assigned_to = w.officer1;
    a_ = Create(Off1(), a).clue.id;
    ClueInput b = Basic("B 快到期");
    b.received_at = w.now - 60 * kHour;  // 2026-02-27, due in 12 h
    b.assigned_to = w.officer1;
    b_ = Create(Off1(), b).clue.id;
    ClueInput c = Basic("C 已超期");
    c.received_at = w.now - 4 * kDay;  // 2026-02-26, a day overdue, nobody assigned
    c_ = Create(Off1(), c).clue.id;

    ClueInput d = ChildClue("D 儿童被害");
    d.received_at = w.now - 2 * kHour;
    d.assigned_to = w.officer1;
    major_case_ = File(Create(Off1(), d).clue.id).c.id;
    ClueInput e = AdultClue("E 成年被害", 25);
    non_major_case_ = File(Create(Off1(), e).clue.id).c.id;
    if (!Move(Off1(), non_major_case_, CaseStage::kUnderInvestigation).ok())
      throw std::runtime_error("transition");
    DecisionInput decline;
    decline.decision = ClueDecision::kDecline;
    decline.reason = "无犯罪事实";
    Must(s().Decide(Sup1(), Create(Off1(), Basic("F 不立案")).clue.id, decline));
    // Another county: never in the first county's figures.
    Create(Off2(), Basic("G 二区线索"));

    ActionInput late;
    late.title = "已逾期的行动";
    late.owner_id = w.officer1;
    late.due_at = w.now - kHour;
    Must(s().AddAction(Off1(), major_case_, late));
    ActionInput later;
    later.title = "下周的行动";
    later.owner_id = w.officer1;
    later.due_at = w.now + 5 * kDay;
    Must(s().AddAction(Off1(), major_case_, later));
    ActionInput done;
    done.title = "已完成的行动";
    done.owner_id = w.officer1;
    const CaseDetailView with_done = Must(s().AddAction(Off1(), non_major_case_, done));
    ActionPatch complete;
    complete.status = ActionStatus::kCompleted;
    complete.result = "完成";
    Must(s().UpdateAction(Off1(), non_major_case_, with_done.actions[0].action.id, complete));
  }

  Id a_ = 0, b_ = 0, c_ = 0, major_case_ = 0, non_major_case_ = 0;
};

TEST_F(FiguresTest, OfficerWorklist) {
  const WorklistView wl = Must(s().Worklist(Off1()));
  // Pending clues assigned to me, by deadline: B then A (C is unassigned).
  ASSERT_EQ(wl.clues.size(), 2u);
  EXPECT_EQ(wl.clues[0].clue.id, b_);
  EXPECT_EQ(wl.clues[0].deadline_state, DeadlineState::kDueSoon);
  EXPECT_EQ(wl.clues[1].clue.id, a_);
  EXPECT_EQ(wl.clues[1].deadline_state, DeadlineState::kOnTime);
  // Open cases where I lead.
  ASSERT_EQ(wl.cases.size(), 2u);
  // Open actions I own, soonest first; the completed one is gone.
  ASSERT_EQ(wl.actions.size(), 2u);
  EXPECT_EQ(wl.actions[0].action.title, "已逾期的行动");
  EXPECT_TRUE(wl.actions[0].overdue);
  EXPECT_FALSE(wl.actions[1].overdue);
  EXPECT_FALSE(wl.actions[0].case_reference.empty());
  EXPECT_EQ(wl.overdue, 1);
  EXPECT_EQ(wl.due_soon, 1);
}

TEST_F(FiguresTest, SupervisorWorklistAndBoard) {
  const WorklistView wl = Must(s().Worklist(Sup1()));
  ASSERT_EQ(wl.clues.size(), 3u);  // every pending clue of the county
  ASSERT_EQ(wl.cases.size(), 1u);  // case manager of the major case
  EXPECT_EQ(wl.cases[0].c.id, major_case_);
  EXPECT_TRUE(wl.actions.empty());
  EXPECT_EQ(wl.overdue, 1);
  EXPECT_EQ(wl.due_soon, 1);

  const BoardView board = Must(s().Board(Sup1()));
  ASSERT_EQ(board.pending_decisions.size(), 3u);
  EXPECT_EQ(board.pending_decisions[0].clue.id, c_);
  EXPECT_EQ(board.pending_decisions[0].deadline_state, DeadlineState::kOverdue);
  EXPECT_EQ(board.pending_decisions[1].clue.id, b_);
  EXPECT_EQ(board.pending_decisions[2].clue.id, a_);
  EXPECT_EQ(board.overdue_decisions, 1);
  EXPECT_EQ(board.due_soon_decisions, 1);
  EXPECT_EQ(board.open_major, 1);
  ASSERT_EQ(board.major_cases.size(), 1u);
  EXPECT_EQ(board.major_cases[0].c.id, major_case_);
  EXPECT_TRUE(board.assistance_incoming.empty());
  // Workload: the county's officers and supervisors (not the analyst).
  ASSERT_EQ(board.workload.size(), 2u);
  for (const auto& row : board.workload) {
    if (row.user_id == w.officer1) {
      EXPECT_EQ(row.open_actions, 2);
      EXPECT_EQ(row.overdue_actions, 1);
      EXPECT_EQ(row.open_cases, 2);
    } else {
      EXPECT_EQ(row.user_id, w.supervisor1);
      EXPECT_EQ(row.open_actions, 0);
      EXPECT_EQ(row.open_cases, 0);
    }
  }
  ExpectStatus(s().Board(Off1()).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().Board(Ana1()).status(), StatusCode::kPermissionDenied);

  // The other county's board shows only its own clue.
  const BoardView other = Must(s().Board(Sup2()));
  EXPECT_EQ(other.pending_decisions.size(), 1u);
  EXPECT_EQ(other.open_major, 0);

  // Deadline filters on the clue list agree with the board.
  ClueListInput overdue;
  overdue.deadline_state = DeadlineState::kOverdue;
  EXPECT_EQ(ClueTotal(Sup1(), overdue), 1);
  ClueListInput soon;
  soon.deadline_state = DeadlineState::kDueSoon;
  EXPECT_EQ(ClueTotal(Sup1(), soon), 1);
  ClueListInput on_time;
  on_time.deadline_state = DeadlineState::kOnTime;
  EXPECT_EQ(ClueTotal(Sup1(), on_time), 1);
  ClueListInput met;
  met.deadline_state = DeadlineState::kMet;
  ExpectStatus(s().ListClues(Sup1(), met).status(), StatusCode::kInvalidArgument, "deadline_state");
}

TEST_F(FiguresTest, Dashboard) {
  const DashboardView d = Must(s().Dashboard(Sup1(), std::nullopt, std::nullopt));
  EXPECT_FALSE(d.campaign.has_value());
  EXPECT_EQ(d.scope_unit.id, w.county1);
  EXPECT_EQ(d.totals.clues_received, 6);  // A-F
  EXPECT_EQ(d.totals.cases_filed, 2);
  EXPECT_EQ(d.totals.cases_solved, 0);
  EXPECT_EQ(d.totals.historic_solved, 0);
  EXPECT_EQ(d.totals.suspects_arrested, 0);
  EXPECT_EQ(d.totals.overdue_decisions, 1);
  EXPECT_EQ(d.totals.open_major, 1);
  EXPECT_EQ(d.totals.minor_victim_cases, 1);
  ASSERT_EQ(d.by_unit.size(), 1u);
  EXPECT_EQ(d.by_unit[0].first.id, w.station1);
  EXPECT_EQ(d.by_unit[0].second.clues_received, 6);
  EXPECT_EQ(d.by_unit[0].second.cases_filed, 2);
  ASSERT_EQ(d.by_month.size(), 2u);
  EXPECT_EQ(d.by_month[0].month, "2026-02");
  EXPECT_EQ(d.by_month[0].clues, 2);
  EXPECT_EQ(d.by_month[0].filed, 0);
  EXPECT_EQ(d.by_month[1].month, "2026-03");
  EXPECT_EQ(d.by_month[1].clues, 4);
  EXPECT_EQ(d.by_month[1].filed, 2);

  const DashboardView mine = Must(s().Dashboard(Off1(), std::nullopt, std::nullopt));
  EXPECT_EQ(mine.scope_unit.id, w.station1);
  EXPECT_EQ(mine.totals.clues_received, 6);
  EXPECT_EQ(mine.totals.cases_filed, 2);
  EXPECT_TRUE(mine.by_unit.empty());  // a station has no child units

  const DashboardView analyst = Must(s().Dashboard(Ana1(), std::nullopt, std::nullopt));
  EXPECT_EQ(analyst.totals.cases_filed, 2);

  const DashboardView other = Must(s().Dashboard(Sup2(), std::nullopt, std::nullopt));
  EXPECT_EQ(other.totals.clues_received, 1);
  EXPECT_EQ(other.totals.cases_filed, 0);

  // Narrowing to a unit below is fine; a unit outside the caller's subtree is not found.
  EXPECT_EQ(Must(s().Dashboard(Sup1(), std::nullopt, w.station1)).totals.clues_received, 6);
  ExpectStatus(s().Dashboard(Sup1(), std::nullopt, w.station2).status(), StatusCode::kNotFound);
  ExpectStatus(s().Dashboard(Sup1(), 12345, std::nullopt).status(), StatusCode::kNotFound);
  ExpectStatus(s().Dashboard(Pro1(), std::nullopt, std::nullopt).status(),
               StatusCode::kPermissionDenied);
  ExpectStatus(s().Dashboard(Admin(), std::nullopt, std::nullopt).status(),
               StatusCode::kPermissionDenied);
}

TEST_F(FiguresTest, DashboardFollowsTheCampaignWindow) {
  Id campaign = 0;
  ASSERT_TRUE(w.store
                  ->Write([&](storage::Repo& r) -> Status {
                    // Starts on 2026-03-01: the February clues fall outside.
                    Campaign c{
                        0,     "专项行动", "Campaign", *ParseIso8601("2026-03-01"), std::nullopt,
                        w.city};
                    AEGIS_ASSIGN_OR_RETURN(campaign, r.InsertCampaign(c));
                    return Status::Ok();
                  })
                  .ok());
  const DashboardView d = Must(s().Dashboard(Sup1(), campaign, std::nullopt));
  ASSERT_TRUE(d.campaign.has_value());
  EXPECT_EQ(d.campaign->id, campaign);
  // The campaign covers the whole city, but a county supervisor sees only the county.
  EXPECT_EQ(d.scope_unit.id, w.county1);
  EXPECT_EQ(d.totals.clues_received, 4);
  EXPECT_EQ(d.totals.cases_filed, 2);
  EXPECT_EQ(d.totals.overdue_decisions, 0);  // C was received before the campaign
  // Without an explicit id the most recent campaign is used.
  EXPECT_EQ(Must(s().Dashboard(Sup1(), std::nullopt, std::nullopt)).totals.clues_received, 4);
  // A city supervisor sees the campaign's whole scope, per county.
  const Id city_sup = w.AddUser("citysup", "市局督导", Role::kSupervisor, w.city);
  const DashboardView city = Must(s().Dashboard(w.As(city_sup), std::nullopt, std::nullopt));
  EXPECT_EQ(city.scope_unit.id, w.city);
  EXPECT_EQ(city.totals.clues_received, 5);  // A, D, E, F and G
  long long per_unit = 0;
  for (const auto& [unit, figures] : city.by_unit) per_unit += figures.clues_received;
  EXPECT_EQ(per_unit, 5);
}

// ---------------------------------------------------------------- sign-in

TEST_F(ServicesTest, AddUserValidatesAndLoginWorks) {
  ExpectStatus(s().AddUser("x", "", Role::kOfficer, "P-C-K1-S1", "long enough pw").status(),
               StatusCode::kInvalidArgument, "username");
  ExpectStatus(s().AddUser("bad name", "", Role::kOfficer, "P-C-K1-S1", "long enough pw").status(),
               StatusCode::kInvalidArgument, "username");
  ExpectStatus(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "short").status(),
               StatusCode::kInvalidArgument, "password");
  ExpectStatus(s().AddUser("newbie", "", Role::kOfficer, "NO-SUCH", "long enough pw").status(),
               StatusCode::kInvalidArgument, "unit");
  const User u = Must(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "long enough pw"));
  EXPECT_EQ(u.display_name, "newbie");
  EXPECT_EQ(u.unit_id, w.station1);
  // Usernames are unique.
  EXPECT_FALSE(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "long enough pw").ok());

  const LoginResult login = Must(s().Login("newbie", "long enough pw", "10.0.0.1"));
  EXPECT_EQ(login.token.size(), 43u);
  EXPECT_EQ(login.principal.user.id, u.id);
  EXPECT_EQ(login.principal.unit.id, w.station1);
  const Principal p = Must(s().Authenticate(login.token, "10.0.0.1"));
  EXPECT_EQ(p.user.id, u.id);
  EXPECT_EQ(p.unit.path, w.Unit(w.station1).path);
  EXPECT_EQ(p.remote, "10.0.0.1");
}

int CountSessions(const std::filesystem::path& db) {
  sqlite3* conn = nullptr;
  int n = -1;
  if (sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(conn, "SELECT COUNT(*) FROM sessions", -1, &stmt, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(conn);
  return n;
}

TEST_F(ServicesTest, LoginWithWrongPasswordCreatesNoSession) {
  ExpectStatus(s().Login("off1", "wrong password!", "1.2.3.4").status(),
               StatusCode::kUnauthenticated);
  ExpectStatus(s().Login("nobody", testing::kTestPassword, "1.2.3.4").status(),
               StatusCode::kUnauthenticated);
  ExpectStatus(s().Login("", "x", "").status(), StatusCode::kInvalidArgument, "username");
  ExpectStatus(s().Login("off1", "", "").status(), StatusCode::kInvalidArgument, "password");
  EXPECT_EQ(CountSessions(w.dir.path() / "aegis.db"), 0);
  // Deactivated accounts cannot sign in even with the right password.
  w.AddUser("inactive", "停用", Role::kOfficer, w.station1, false);
  ExpectStatus(s().Login("inactive", testing::kTestPassword, "").status(),
               StatusCode::kUnauthenticated);
  EXPECT_EQ(CountSessions(w.dir.path() / "aegis.db"), 0);

  const auto audit = w.Audit(w.officer1, "user");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].action, "auth.login");
  EXPECT_FALSE(audit[0].allowed);

  ASSERT_TRUE(s().Login("off1", testing::kTestPassword, "1.2.3.4").ok());
  EXPECT_EQ(CountSessions(w.dir.path() / "aegis.db"), 1);
}

TEST_F(ServicesTest, AuthenticateRefusesUnknownExpiredAndIdleTokens) {
  ExpectStatus(s().Authenticate("", "").status(), StatusCode::kUnauthenticated);
  ExpectStatus(s().Authenticate("no-such-token", "").status(), StatusCode::kUnauthenticated);
  ExpectStatus(s().Authenticate(std::string(200, 'a'), "").status(), StatusCode::kUnauthenticated);

  // Idle: 30 minutes without a request.
  const std::string idle = Must(s().Login("off1", testing::kTestPassword, "")).token;
  w.Advance(29 * 60);
  EXPECT_TRUE(s().Authenticate(idle, "").ok());  // refreshes the idle timer
  w.Advance(29 * 60);
  EXPECT_TRUE(s().Authenticate(idle, "").ok());
  w.Advance(31 * 60);
  ExpectStatus(s().Authenticate(idle, "").status(), StatusCode::kUnauthenticated);

  // Expired: 12 hours after sign-in, however active the session.
  const std::string busy = Must(s().Login("off1", testing::kTestPassword, "")).token;
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    w.Advance(20 * 60);
    ASSERT_TRUE(s().Authenticate(busy, "").ok()) << i;
  }
  w.Advance(20 * 60);  // exactly 12 h
  ExpectStatus(s().Authenticate(busy, "").status(), StatusCode::kUnauthenticated);

  // Logged out.
  const std::string gone = Must(s().Login("off1", testing::kTestPassword, "")).token;
  EXPECT_TRUE(s().Authenticate(gone, "").ok());
  EXPECT_TRUE(s().Logout(gone).ok());
  ExpectStatus(s().Authenticate(gone, "").status(), StatusCode::kUnauthenticated);
}

TEST_F(ServicesTest, ReferenceDataLists) {
  EXPECT_EQ(Must(s().ListUnits(Off1())).size(), 9u);
  const auto users = Must(s().ListUsers(Sup1(), std::nullopt, std::nullopt));
  EXPECT_EQ(users.size(), 3u);  // supervisor1, officer1, analyst1
  const auto officers = Must(s().ListUsers(Sup1(), std::nullopt, Role::kOfficer));
  ASSERT_EQ(officers.size(), 1u);
  EXPECT_EQ(officers[0].id, w.officer1);
  EXPECT_TRUE(Must(s().ListUsers(Sup1(), w.station2, std::nullopt)).empty());
  ExpectStatus(s().ListUsers(Sup1(), 999999, std::nullopt).status(), StatusCode::kInvalidArgument,
               "unit_id");
}

// ---------------------------------------------------------------- demo data

constexpr const char* kIncidentCsv =
    "Dates,Category,Descript,DayOfWeek,PdDistrict,Resolution,Address,X,Y\n"
    "2015-05-13 23:53:00,SEX OFFENSES FORCIBLE,\"RAPE, BODILY FORCE\",Wednesday,MISSION,NONE,"
    "200 Block of VALENCIA ST,-122.421,37.768\n"
    "2014-02-01 10:00:00,SEX OFFENSES FORCIBLE,CHILD ABUSE SEXUAL,Saturday,BAYVIEW,NONE,"
    "1500 Block of OAKDALE AV,-122.389,37.733\r\n"
    "2013-07-04 18:30:00,SEX OFFENSES FORCIBLE,SEXUAL BATTERY,Thursday,NOWHERE,NONE,"
    "0 Block of MARKET ST,-122.401,37.790\n"
    "2012-01-01 01:00:00,SEX OFFENSES FORCIBLE,INDECENT EXPOSURE,Sunday,PARK,NONE,"
    "400 Block of BAD GEOCODE,-120.5,90\n"
    "not a date,SEX OFFENSES FORCIBLE,ORAL COPULATION,Monday,PARK,NONE,X,-122.45,37.77\n"
    "too,few,fields\n";

TEST(IncidentCsvTest, ParsesRowsAndSkipsTheBadGeocode) {
  int skipped = -1;
  auto rows = ParseIncidentCsv(kIncidentCsv, &skipped);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(skipped, 3);  // Y = 90, the unparseable date and the short row
  EXPECT_EQ((*rows)[0].district, "MISSION");
  EXPECT_EQ((*rows)[0].description, "RAPE, BODILY FORCE");  // quoted comma kept
  EXPECT_EQ((*rows)[0].address, "200 Block of VALENCIA ST");
  EXPECT_DOUBLE_EQ((*rows)[0].latitude, 37.768);
  EXPECT_DOUBLE_EQ((*rows)[0].longitude, -122.421);
  EXPECT_EQ((*rows)[0].time, *ParseIso8601("2015-05-13T23:53:00Z"));
  EXPECT_DOUBLE_EQ((*rows)[1].latitude, 37.733);  // CRLF line ending handled
  for (const auto& r : *rows) {
    EXPECT_LT(r.latitude, 38.0);
  }
}

TEST(IncidentCsvTest, RejectsMissingHeaderAndEmptyResult) {
  ExpectStatus(ParseIncidentCsv("a,b,c\n1,2,3\n", nullptr).status(), StatusCode::kInvalidArgument,
               "csv");
  int skipped = 0;
  ExpectStatus(
      ParseIncidentCsv("Dates,Category,Descript,DayOfWeek,PdDistrict,Resolution,Address,X,Y\n"
                       "2012-01-01 01:00:00,X,Y,Sunday,PARK,NONE,A,-120.5,90\n",
                       &skipped)
          .status(),
      StatusCode::kInvalidArgument, "csv");
}

TEST(DemoDataTest, SmallDataSetIsConsistent) {
  testing::TempDir dir;
  ASSERT_TRUE(InitCrypto().ok());
  auto opened = OpenStore((dir.path() / "demo.db").string());
  ASSERT_TRUE(opened.ok());
  auto store = std::move(opened).value();
  const Vault vault = Vault::FromKey(testing::TestKey());
  auto incidents = ParseIncidentCsv(kIncidentCsv, nullptr);
  ASSERT_TRUE(incidents.ok());

  DemoOptions opt;
  opt.cases = 200;
  opt.seed = 7;
  opt.now = testing::FixedNow();
  opt.password = "demo-password-1";
  auto summary = GenerateDemoData(*store, vault, *incidents, opt);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->clues, 200);
  EXPECT_GT(summary->cases, 100);
  EXPECT_LE(summary->cases, 200);
  EXPECT_GE(summary->persons, summary->cases);
  EXPECT_GT(summary->users, 10);
  EXPECT_EQ(static_cast<int>(summary->accounts.size()), summary->users);

  std::vector<storage::ClueRecord> clues;
  std::vector<Case> cases;
  ASSERT_TRUE(store
                  ->Read([&](storage::Repo& r) -> Status {
                    storage::ClueQuery cq;
                    cq.page.limit = 500;
                    AEGIS_ASSIGN_OR_RETURN(auto cl, r.ListClues(cq));
                    clues = cl.items;
                    storage::CaseQuery q;
                    q.scope.all = true;
                    q.page.limit = 500;
                    AEGIS_ASSIGN_OR_RETURN(auto cs, r.ListCases(q));
                    cases = cs.items;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(static_cast<long long>(clues.size()), summary->clues);
  ASSERT_EQ(static_cast<long long>(cases.size()), summary->cases);

  // The demo's access history is chained like any audit, in time order, before its own record.
  auto chain = VerifyAuditChain(*store, {});
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok()) << chain->message;
  EXPECT_GT(chain->records, summary->cases);
  std::vector<storage::AuditEntry> audit;
  ASSERT_TRUE(store
                  ->Read([&](storage::Repo& r) {
                    return r.ScanAuditChain([&](const storage::AuditEntry& e) {
                      audit.push_back(e);
                      return Status::Ok();
                    });
                  })
                  .ok());
  EXPECT_EQ(audit.back().record.action, "demo.generate");
  for (size_t i = 1; i < audit.size(); ++i) {
    EXPECT_LE(audit[i - 1].record.at, audit[i].record.at);
    EXPECT_LT(audit[i - 1].record.at, opt.now);
  }

  std::map<Id, const Case*> by_id;
  for (const auto& c : cases) by_id[c.id] = &c;
  long long filed = 0, majors = 0;
  for (const auto& rec : clues) {
    const Clue& c = rec.clue;
    EXPECT_LE(c.received_at, opt.now);
    if (c.status == ClueStatus::kFiled) {
      ++filed;
      ASSERT_TRUE(c.case_id.has_value()) << c.reference;
      ASSERT_TRUE(by_id.count(*c.case_id)) << c.reference;
      EXPECT_EQ(by_id[*c.case_id]->clue_id, c.id);
      EXPECT_TRUE(c.decided_at.has_value());
    } else {
      EXPECT_FALSE(c.case_id.has_value()) << c.reference;
    }
    if (c.status == ClueStatus::kPendingReview) {
      EXPECT_FALSE(c.decided_at.has_value());
    }
    if (c.status == ClueStatus::kDeclined) {
      EXPECT_FALSE(c.decision_reason.empty());
    }
    if (c.status == ClueStatus::kTransferred) {
      EXPECT_TRUE(c.transferred_to_unit.has_value());
    }
    // Identities are stored only encrypted and decrypt with the vault's key.
    ASSERT_FALSE(rec.victim_identity_cipher.empty());
    auto identity =
        vault.DecryptIdentity(rec.victim_identity_cipher, ClueIdentityContext(c.reference));
    ASSERT_TRUE(identity.ok());
    EXPECT_EQ(identity->id_number.size(), 18u);
  }
  EXPECT_EQ(filed, summary->cases);

  const auto& all_stages = AllValues<CaseStage>();
  for (const Case& c : cases) {
    EXPECT_NE(std::find(all_stages.begin(), all_stages.end(), c.stage), all_stages.end());
    EXPECT_LE(c.filed_at, opt.now);
    EXPECT_LE(c.updated_at, opt.now);
    if (c.major) {
      ++majors;
      EXPECT_FALSE(c.major_flags.empty()) << c.reference;
      EXPECT_GT(c.priority, 0) << c.reference;
      EXPECT_TRUE(c.supervising_unit_id.has_value()) << c.reference;
    } else {
      EXPECT_TRUE(c.major_flags.empty()) << c.reference;
    }
    // The assessment agrees with the built-in rules.
    EXPECT_EQ(c.major, AssessMajorCase(DefaultMajorCaseRules(), c.facts).major) << c.reference;
    if (CountsAsSolved(c.stage)) {
      EXPECT_TRUE(c.solved_at.has_value()) << c.reference;
    }
    const bool at_procuratorate =
        c.stage == CaseStage::kTransferredForProsecution || c.stage == CaseStage::kProsecuted;
    if (at_procuratorate) {
      EXPECT_TRUE(c.procuratorate_unit_id.has_value()) << c.reference;
    }
    if (c.procuratorate_unit_id) {
      EXPECT_NE(*c.procuratorate_unit_id, 0) << c.reference;
    }
    if (c.stage == CaseStage::kClosed) {
      EXPECT_TRUE(c.closed_at.has_value()) << c.reference;
    }
    if (c.stage == CaseStage::kSuspectDetained ||
        c.stage == CaseStage::kTransferredForProsecution) {
      EXPECT_TRUE(c.stage_deadline.has_value()) << c.reference;
    }
    if (c.reopened) {
      EXPECT_TRUE(c.historic) << c.reference;
    }
  }
  EXPECT_GT(majors, 0);

  // Need-to-know access, set through the services: restricted cases, a sealed one with its court
  // order, and one break-glass grant that waits for review and alerted the Mission supervisor.
  EXPECT_GE(summary->labelled_cases, 3);
  EXPECT_EQ(summary->break_glass_grants, 1);
  int restricted = 0, sealed = 0, team_only_sections = 0;
  for (const Case& c : cases) {
    restricted += c.Has(CaseLabel::kRestricted) ? 1 : 0;
    team_only_sections += c.restricted_sections != 0 ? 1 : 0;
    if (c.Has(CaseLabel::kSealed)) {
      ++sealed;
      EXPECT_FALSE(c.seal_reference.empty()) << c.reference;
      EXPECT_EQ(c.stage, CaseStage::kClosed) << c.reference;
    }
  }
  EXPECT_EQ(restricted, 3);
  EXPECT_EQ(sealed, 1);
  EXPECT_EQ(team_only_sections, 1);
  ASSERT_TRUE(store
                  ->Read([&](storage::Repo& r) -> Status {
                    storage::BreakGlassQuery q;
                    q.unit_path_prefixes = {"/"};
                    q.unreviewed_only = true;
                    AEGIS_ASSIGN_OR_RETURN(auto grants, r.Access().ListBreakGlassGrants(q));
                    EXPECT_EQ(grants.size(), 1u);
                    if (grants.empty()) return Status::Ok();
                    AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(grants[0].case_id));
                    EXPECT_TRUE(c && c->Has(CaseLabel::kRestricted));
                    EXPECT_LT(grants[0].granted_at, opt.now);
                    AEGIS_ASSIGN_OR_RETURN(auto sup, r.FindUserByUsername("supervisor"));
                    EXPECT_TRUE(sup.has_value());
                    if (!sup) return Status::Ok();
                    AEGIS_ASSIGN_OR_RETURN(auto alerts,
                                           r.Access().ListAlerts(sup->user.id, true, 10));
                    EXPECT_TRUE(std::any_of(alerts.begin(), alerts.end(), [&](const auto& a) {
                      return a.kind == "break_glass" && a.grant_id == grants[0].id;
                    }));
                    return Status::Ok();
                  })
                  .ok());

  // Every case has its victim, its timeline and a recorded report; stages past identification
  // have a suspect.
  ASSERT_TRUE(store
                  ->Read([&](storage::Repo& r) -> Status {
                    for (const Case& c : cases) {
                      AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(c.id));
                      const long victims = std::count_if(
                          persons.begin(), persons.end(),
                          [](auto& p) { return p.person.role == PersonRole::kVictim; });
                      EXPECT_EQ(victims, 1) << c.reference;
                      const bool suspect = std::any_of(persons.begin(), persons.end(), [](auto& p) {
                        return p.person.role == PersonRole::kSuspect;
                      });
                      if (c.stage == CaseStage::kSuspectIdentified ||
                          c.stage == CaseStage::kSuspectDetained || CountsAsSolved(c.stage)) {
                        EXPECT_TRUE(suspect) << c.reference;
                      }
                      AEGIS_ASSIGN_OR_RETURN(auto events, r.ListEvents(c.id));
                      EXPECT_GE(events.size(), 2u) << c.reference;
                      if (events.size() < 2) continue;
                      EXPECT_EQ(events[0].kind, "clue_received");
                      EXPECT_EQ(events[1].kind, "filed");
                      AEGIS_ASSIGN_OR_RETURN(auto checklist, r.ListChecklist(c.id));
                      EXPECT_TRUE(std::any_of(checklist.begin(), checklist.end(), [](auto& s) {
                        return s.key == "report_recorded" && s.done_at;
                      })) << c.reference;
                    }
                    return Status::Ok();
                  })
                  .ok());

  // The demo accounts sign in with the demo password.
  Services services(*store, vault);
  services.SetClock([&] { return opt.now; });
  auto login = services.Login("officer", "demo-password-1", "");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->principal.user.role, Role::kOfficer);
  EXPECT_FALSE(login->enrolment_only);
  // Supervisors and the administrator are pre-enrolled with the documented demo TOTP secret.
  const std::string demo_key = *Base32Decode(kDemoTotpSecret);
  for (const char* privileged : {"supervisor", "admin", "sup.east"}) {
    LoginRefusal why;
    EXPECT_FALSE(services.Login(LoginInput{privileged, "demo-password-1", "", ""}, &why).ok());
    EXPECT_EQ(why.code, "totp_required") << privileged;
    auto full =
        services.Login(LoginInput{privileged, "demo-password-1", TotpCode(demo_key, opt.now), ""});
    ASSERT_TRUE(full.ok()) << privileged << ": " << full.status().ToString();
    EXPECT_FALSE(full->enrolment_only) << privileged;
  }
}

}  // namespace
}  // namespace aegis::services
