// Victim support: one comprehensive interview for a minor, consent-scoped sharing with partner
// agencies, the referral flow and its stall alert, notifications that respect the victim's contact
// preferences, and the survivor status code.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include "domain/case_lifecycle.h"
#include "services/services.h"
#include "services/testing_fixture.h"

namespace aegis::services {
namespace {

using namespace aegis::domain;
using testing::ResidentId;
using testing::World;

constexpr UnixSeconds kHour = 3600;
constexpr UnixSeconds kDay = kSecondsPerDay;

using testing::Must;

using testing::ExpectStatus;

const std::string kChildId = ResidentId("440103", "20150315", "002");
const std::string kAdultId = ResidentId("440104", "19960701", "021");

class VictimSupportTest : public ::testing::Test {
 protected:
  VictimSupportTest() {
    legal_aid = w.AddUnit("P-LA", "法律援助中心", UnitType::kPartner, w.province);
    partner_wf = w.AddUser("wf1", "妇联 社工", Role::kPartner, w.partner);
    partner_la = w.AddUser("la1", "法援 律师", Role::kPartner, legal_aid);
  }

  Services& s() { return *w.services; }
  Principal Off1() { return w.As(w.officer1); }
  Principal Off2() { return w.As(w.officer2); }
  Principal Sup1() { return w.As(w.supervisor1); }
  Principal Ana1() { return w.As(w.analyst1); }
  Principal Wf() { return w.As(partner_wf); }
  Principal La() { return w.As(partner_la); }

  // A case filed from a clue about one victim of `age`, with a full identity; returns the case id.
  Id NewCase(int age, const std::string& id_number) {
    ClueInput in;
    in.source = ClueSource::kWalkIn;
    in.summary = "案情摘要（测试）";
    in.facts.place = "人民路";
    in.facts.youngest_victim_age = age;
    VictimInput v;
    v.sex = Sex::kFemale;
    v.age = age;
    v.identity.name = age < 18 ? "张小红" : "李芳";
    v.identity.id_number = id_number;
    v.identity.phone = "13812345678";
    v.identity.address = "示范省人民路 8 号";
    in.victim = v;
    in.confirm_not_duplicate = true;  // tests file several cases with the same phone number
    auto clue = Must(s().CreateClue(Off1(), in, nullptr), "clue");
    DecisionInput d;
    auto filed = Must(s().Decide(Sup1(), clue.clue.id, d), "file");
    return filed.second->c.id;
  }
  Id VictimOf(Id case_id, const std::string& pseudonym = "V1") {
    const auto view = Must(s().GetVictimSupport(Off1(), case_id));
    for (const auto& e : view.victims)
      if (e.person.pseudonym == pseudonym) return e.person.id;
    throw std::runtime_error("no victim " + pseudonym);
  }
  static const VictimSupportEntry& Entry(const VictimSupportView& v, Id person_id) {
    for (const auto& e : v.victims)
      if (e.person.id == person_id) return e;
    throw std::runtime_error("no entry");
  }
  InterviewInput Interview(Id person, std::vector<Attendee> present = {Attendee::kGuardian}) {
    InterviewInput in;
    in.person_id = person;
    in.started_at = w.now - 2 * kHour;
    in.duration_minutes = 50;
    in.location = InterviewLocation::kOneStopRoom;
    in.location_note = "一站式询问室 2 号";
    in.present = std::move(present);
    in.recorded = true;
    return in;
  }
  Id Consent(Id case_id, Id person, std::vector<Id> agencies, std::vector<ContactField> fields,
             ConsentGiver by = ConsentGiver::kGuardian) {
    ConsentInput in;
    in.person_id = person;
    in.given_by = by;
    in.giver_relationship = by == ConsentGiver::kVictim ? "" : "母亲";
    in.agency_unit_ids = std::move(agencies);
    in.fields = std::move(fields);
    const auto v = Must(s().RecordConsent(Off1(), case_id, in), "consent");
    return Entry(v, person).consents.back().consent.id;
  }
  Id Refer(Id case_id, Id person, Id consent, Id unit,
           ReferralKind kind = ReferralKind::kCounselling) {
    ReferralInput in;
    in.person_id = person;
    in.consent_id = consent;
    in.partner_unit_id = unit;
    in.kind = kind;
    in.need = "需要心理疏导，每周一次";
    const auto v = Must(s().CreateReferral(Off1(), case_id, in), "refer");
    return Entry(v, person).referrals.back().referral.id;
  }
  ContactPreferences SmsPrefs() {
    ContactPreferences p;
    p.channels = {ContactChannel::kSms};
    p.phone = "13900001111";
    p.window_start_minute = 9 * 60;
    p.window_end_minute = 18 * 60;
    p.guardian_name = "张母";
    p.guardian_phone = "13700002222";
    return p;
  }
  ReferralStatusInput To(ReferralStatus st, std::string contact = "", std::string reason = "") {
    ReferralStatusInput in;
    in.status = st;
    in.partner_contact = std::move(contact);
    in.reason = std::move(reason);
    return in;
  }
  std::string RandomRemote() { return "10.1.0." + std::to_string(++remote_seq_); }

  World w;
  Id legal_aid = 0, partner_wf = 0, partner_la = 0;
  int remote_seq_ = 0;
};

// ---------------------------------------------------------------- interviews

TEST_F(VictimSupportTest, MinorGetsOneInterviewAndAFurtherOneOnlyWithApproval) {
  const Id c = NewCase(10, kChildId);
  const Id v1 = VictimOf(c);
  auto view = Must(s().RecordInterview(Off1(), c, Interview(v1)));
  const auto& e = Entry(view, v1);
  EXPECT_TRUE(e.minor);
  EXPECT_EQ(e.interview_count, 1);
  EXPECT_TRUE(e.next_interview_needs_approval);
  EXPECT_EQ(e.interviews[0].interview.location, InterviewLocation::kOneStopRoom);
  EXPECT_EQ(e.interviews[0].conducted_by_name, "一所 王警官");
  // The first interview ticks the checklist and lands on the timeline.
  const CaseDetailView detail = Must(s().GetCase(Off1(), c));
  bool ticked = false;
  for (const auto& item : detail.checklist)
    if (item.item.key == "victim_interview") ticked = item.item.done_at.has_value();
  EXPECT_TRUE(ticked);
  EXPECT_TRUE(std::any_of(detail.timeline.begin(), detail.timeline.end(), [](const EventView& ev) {
    return ev.event.kind == "interview_recorded";
  }));

  // A second interview is refused until a supervisor approves one.
  ExpectStatus(s().RecordInterview(Off1(), c, Interview(v1)).status(), StatusCode::kConflict,
               "approval");
  ExpectStatus(s().RequestFurtherInterview(Off1(), c, v1, "").status(),
               StatusCode::kInvalidArgument, "reason");
  view = Must(s().RequestFurtherInterview(Off1(), c, v1, "嫌疑人到案后需辨认核实"));
  const Id approval = Entry(view, v1).approvals.at(0).approval.id;
  ExpectStatus(s().RequestFurtherInterview(Off1(), c, v1, "再次申请").status(),
               StatusCode::kConflict);
  // Still refused while the request is only pending; officers cannot approve.
  ExpectStatus(s().RecordInterview(Off1(), c, Interview(v1)).status(), StatusCode::kConflict);
  ExpectStatus(s().DecideFurtherInterview(Off1(), c, approval, true, "").status(),
               StatusCode::kPermissionDenied);
  view = Must(s().DecideFurtherInterview(Sup1(), c, approval, true, "同意，一站式询问室进行"));
  EXPECT_TRUE(Entry(view, v1).has_unused_approval);
  ExpectStatus(s().DecideFurtherInterview(Sup1(), c, approval, false, "x").status(),
               StatusCode::kConflict);
  view = Must(s().RecordInterview(Off1(), c, Interview(v1)));
  EXPECT_EQ(Entry(view, v1).interview_count, 2);
  EXPECT_EQ(Entry(view, v1).interviews[1].interview.approval_id, approval);
  EXPECT_EQ(Entry(view, v1).interviews[1].number, 2);
  EXPECT_EQ(Entry(view, v1).approvals[0].approval.status, ApprovalStatus::kUsed);
  EXPECT_FALSE(Entry(view, v1).has_unused_approval);
  // The approval was for one interview only.
  ExpectStatus(s().RecordInterview(Off1(), c, Interview(v1)).status(), StatusCode::kConflict);
  // Audited.
  const auto audit = w.Audit(c, "case");
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [](const storage::AuditRecord& a) {
    return a.action == "interview.decide_further" && a.allowed;
  }));
}

TEST_F(VictimSupportTest, FurtherInterviewRefusalAndFourEyes) {
  const Id c = NewCase(15, ResidentId("440103", "20100315", "004"));
  const Id v1 = VictimOf(c);
  (void)Must(s().RecordInterview(Off1(), c, Interview(v1, {Attendee::kAppropriateAdult})));
  // A supervisor who asks does not approve their own request.
  auto view = Must(s().RequestFurtherInterview(Sup1(), c, v1, "补充询问"));
  const Id approval = Entry(view, v1).approvals.at(0).approval.id;
  ExpectStatus(s().DecideFurtherInterview(Sup1(), c, approval, true, "").status(),
               StatusCode::kPermissionDenied);
  const Id sup_b = w.AddUser("sup1b", "一区 副队长", Role::kSupervisor, w.county1);
  ExpectStatus(s().DecideFurtherInterview(w.As(sup_b), c, approval, false, "").status(),
               StatusCode::kInvalidArgument, "note");
  view = Must(s().DecideFurtherInterview(w.As(sup_b), c, approval, false,
                                         "已有同步录音录像，无需再次询问"));
  EXPECT_EQ(Entry(view, v1).approvals[0].approval.status, ApprovalStatus::kRefused);
  ExpectStatus(s().RecordInterview(Off1(), c, Interview(v1)).status(), StatusCode::kConflict);
  // A supervisor of another county does not see the case at all.
  ExpectStatus(s().DecideFurtherInterview(w.As(w.supervisor2), c, approval, true, "").status(),
               StatusCode::kNotFound);
}

TEST_F(VictimSupportTest, InterviewAttendanceAndAdultVictims) {
  const Id child = NewCase(10, kChildId);
  const Id v1 = VictimOf(child);
  // A minor is interviewed with a guardian or an appropriate adult.
  ExpectStatus(s().RecordInterview(Off1(), child, Interview(v1, {Attendee::kCounsellor})).status(),
               StatusCode::kInvalidArgument, "present");
  InterviewInput in = Interview(v1, {Attendee::kGuardian});
  in.female_officer_requested = true;
  ExpectStatus(s().RecordInterview(Off1(), child, in).status(), StatusCode::kInvalidArgument,
               "present");
  in.present.push_back(Attendee::kFemaleOfficer);
  in.present.push_back(Attendee::kFemaleOfficer);
  ExpectStatus(s().RecordInterview(Off1(), child, in).status(), StatusCode::kInvalidArgument,
               "present");
  in.present.pop_back();
  in.duration_minutes = 0;
  ExpectStatus(s().RecordInterview(Off1(), child, in).status(), StatusCode::kInvalidArgument,
               "duration_minutes");
  in.duration_minutes = 40;
  in.started_at = w.now + kDay;
  ExpectStatus(s().RecordInterview(Off1(), child, in).status(), StatusCode::kInvalidArgument,
               "started_at");
  in.started_at = w.now - kHour;
  in.person_id = 999999;
  ExpectStatus(s().RecordInterview(Off1(), child, in).status(), StatusCode::kInvalidArgument,
               "person_id");
  in.person_id = v1;
  in.conducted_by = w.officer2;  // another county's officer
  ExpectStatus(s().RecordInterview(Off1(), child, in).status(), StatusCode::kInvalidArgument,
               "conducted_by");
  in.conducted_by = w.supervisor1;
  EXPECT_EQ(Entry(Must(s().RecordInterview(Off1(), child, in)), v1).interviews[0].conducted_by_name,
            "一区 陈队长");
  // Nothing was stored from the rejected attempts.
  EXPECT_EQ(Entry(Must(s().GetVictimSupport(Off1(), child)), v1).interview_count, 1);

  // Adults: interviews need no approval; asking for one is a conflict.
  const Id adult = NewCase(30, kAdultId);
  const Id a1 = VictimOf(adult);
  for (int i = 0; i < 3; ++i) (void)Must(s().RecordInterview(Off1(), adult, Interview(a1, {})));
  const auto view = Must(s().GetVictimSupport(Off1(), adult));
  EXPECT_EQ(Entry(view, a1).interview_count, 3);
  EXPECT_FALSE(Entry(view, a1).minor);
  ExpectStatus(s().RequestFurtherInterview(Off1(), adult, a1, "再次询问").status(),
               StatusCode::kConflict);
  // Outside the scope: unknown; wrong role: forbidden.
  ExpectStatus(s().RecordInterview(Off2(), adult, Interview(a1, {})).status(),
               StatusCode::kNotFound);
  ExpectStatus(s().RecordInterview(Ana1(), adult, Interview(a1, {})).status(),
               StatusCode::kPermissionDenied);
  ExpectStatus(s().GetVictimSupport(Off2(), adult).status(), StatusCode::kNotFound);
  ExpectStatus(s().GetVictimSupport(Wf(), adult).status(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------- consent and referrals

TEST_F(VictimSupportTest, PartnerSeesOnlyTheAgreedDetailsAndNothingAfterWithdrawal) {
  const Id c = NewCase(10, kChildId);
  const Id v1 = VictimOf(c);
  (void)Must(s().SetContactPreferences(Off1(), c, v1, SmsPrefs()));
  // A minor's consent comes from the guardian.
  ConsentInput bad;
  bad.person_id = v1;
  bad.given_by = ConsentGiver::kVictim;
  bad.agency_unit_ids = {w.partner};
  ExpectStatus(s().RecordConsent(Off1(), c, bad).status(), StatusCode::kInvalidArgument,
               "given_by");
  bad.given_by = ConsentGiver::kGuardian;
  ExpectStatus(s().RecordConsent(Off1(), c, bad).status(), StatusCode::kInvalidArgument,
               "giver_relationship");
  bad.giver_relationship = "母亲";
  bad.agency_unit_ids = {w.station1};
  ExpectStatus(s().RecordConsent(Off1(), c, bad).status(), StatusCode::kInvalidArgument,
               "agency_unit_ids");

  const Id consent =
      Consent(c, v1, {w.partner}, {ContactField::kPhone, ContactField::kGuardianContact});
  // Only to an agency the consent names.
  ReferralInput to_la;
  to_la.person_id = v1;
  to_la.consent_id = consent;
  to_la.partner_unit_id = legal_aid;
  to_la.kind = ReferralKind::kLegalAid;
  to_la.need = "法律援助";
  ExpectStatus(s().CreateReferral(Off1(), c, to_la).status(), StatusCode::kInvalidArgument,
               "partner_unit_id");
  const Id ref = Refer(c, v1, consent, w.partner);

  // The agency's list: pseudonym, need, due date; no contact on lists.
  const auto list = Must(s().ListPartnerReferrals(Wf(), {}));
  ASSERT_EQ(list.items.size(), 1u);
  EXPECT_EQ(list.items[0].pseudonym, "V1");
  EXPECT_FALSE(list.items[0].contact.has_value());
  EXPECT_TRUE(std::regex_match(list.items[0].referral.reference, std::regex("ZJ-2026-\\d{6}")));
  // The detail: exactly the agreed fields, decrypted for this read.
  const auto detail = Must(s().GetPartnerReferral(Wf(), ref));
  ASSERT_TRUE(detail.contact.has_value());
  EXPECT_EQ(detail.contact->phone, "+8613900001111");  // the number the victim asked us to use
  EXPECT_EQ(detail.contact->guardian_phone, "+8613700002222");
  EXPECT_EQ(detail.contact->guardian_name, "张母");
  EXPECT_EQ(detail.contact->name, "");
  EXPECT_EQ(detail.contact->address, "");
  EXPECT_FALSE(detail.contact->preferences.has_value());
  // Another agency sees nothing: not in its list, unknown on a direct read.
  EXPECT_TRUE(Must(s().ListPartnerReferrals(La(), {})).items.empty());
  ExpectStatus(s().GetPartnerReferral(La(), ref).status(), StatusCode::kNotFound);
  ExpectStatus(s().UpdateReferralStatus(La(), ref, To(ReferralStatus::kAccepted, "x")).status(),
               StatusCode::kNotFound);
  // Police roles do not use the agency's view; partners see no cases.
  ExpectStatus(s().ListPartnerReferrals(Off1(), {}).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().GetPartnerReferral(Off1(), ref).status(), StatusCode::kNotFound);
  CaseListInput all;
  EXPECT_EQ(Must(s().ListCases(Wf(), all)).total, 0);
  ExpectStatus(s().GetCase(Wf(), c).status(), StatusCode::kNotFound);
  // The read was audited with the fields shown.
  const auto audit = w.Audit(ref, "referral");
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [&](const storage::AuditRecord& a) {
    return a.action == "referral.read" && a.allowed && a.user_id == partner_wf &&
           a.detail.find("guardian_contact") != std::string::npos;
  }));
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [&](const storage::AuditRecord& a) {
    return a.action == "referral.read" && !a.allowed && a.user_id == partner_la;
  }));

  // Withdrawal: the referral ends, nothing more is shared, it is recorded.
  ExpectStatus(s().WithdrawConsent(Off2(), c, consent, "").status(), StatusCode::kNotFound);
  auto view = Must(s().WithdrawConsent(Off1(), c, consent, "监护人撤回同意"));
  const auto& e = Entry(view, v1);
  EXPECT_EQ(e.referrals[0].referral.status, ReferralStatus::kWithdrawn);
  EXPECT_FALSE(e.referrals[0].consent_active);
  EXPECT_TRUE(e.consents[0].consent.withdrawn_at.has_value());
  ExpectStatus(s().WithdrawConsent(Off1(), c, consent, "").status(), StatusCode::kConflict);
  const auto after = Must(s().GetPartnerReferral(Wf(), ref));
  EXPECT_FALSE(after.contact.has_value());
  EXPECT_TRUE(after.consent_withdrawn);
  EXPECT_EQ(after.referral.status, ReferralStatus::kWithdrawn);
  ExpectStatus(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kAccepted, "x")).status(),
               StatusCode::kConflict);
  // No new referral under the withdrawn consent.
  ReferralInput again;
  again.person_id = v1;
  again.consent_id = consent;
  again.partner_unit_id = w.partner;
  again.need = "再次转介";
  ExpectStatus(s().CreateReferral(Off1(), c, again).status(), StatusCode::kConflict, "consent_id");
  const CaseDetailView cd = Must(s().GetCase(Off1(), c));
  EXPECT_TRUE(std::any_of(cd.timeline.begin(), cd.timeline.end(), [](const EventView& ev) {
    return ev.event.kind == "consent_withdrawn";
  }));
}

// A consent lets a partner agency receive the victim's name, phone or address, and a referral
// sends them: only someone who may see the identity gives it away. A joint team works under the
// pseudonym.
TEST_F(VictimSupportTest, OnlySomeoneWhoMaySeeTheIdentityGivesItToAnAgency) {
  // An adult victim: a minor's victim support is closed to the joint team altogether.
  const Id c = NewCase(30, ResidentId("440104", "19950101", "033"));
  const Id v = VictimOf(c);
  Must(s().ShareCase(Sup1(), c, w.station2), "share");
  ConsentInput in;
  in.person_id = v;
  in.given_by = ConsentGiver::kVictim;
  in.agency_unit_ids = {w.partner};
  in.fields = {ContactField::kName, ContactField::kPhone};
  EXPECT_EQ(s().RecordConsent(Off2(), c, in).status().code(), StatusCode::kPermissionDenied);
  const Id consent = Consent(c, v, {w.partner}, {ContactField::kName}, ConsentGiver::kVictim);
  ReferralInput refer;
  refer.person_id = v;
  refer.consent_id = consent;
  refer.partner_unit_id = w.partner;
  refer.kind = ReferralKind::kCounselling;
  refer.need = "心理疏导";
  EXPECT_EQ(s().CreateReferral(Off2(), c, refer).status().code(), StatusCode::kPermissionDenied);
  const auto view = Must(s().GetVictimSupport(Off1(), c));
  EXPECT_EQ(Entry(view, v).consents.size(), 1u);
  EXPECT_TRUE(Entry(view, v).referrals.empty());
  // The joint team may still do what shares nothing: interviews, and withdrawing the consent.
  EXPECT_TRUE(s().RecordInterview(Off2(), c, Interview(v, {})).ok());
  EXPECT_TRUE(s().CreateReferral(Off1(), c, refer).ok());
  EXPECT_TRUE(s().WithdrawConsent(Off2(), c, consent, "本人撤回").ok());
}

TEST_F(VictimSupportTest, ContactFieldsFollowTheConsentAndClosedReferralsShareNothing) {
  const Id c = NewCase(30, kAdultId);
  const Id v1 = VictimOf(c);
  const Id consent = Consent(c, v1, {w.partner, legal_aid},
                             {ContactField::kName, ContactField::kAddress, ContactField::kPhone,
                              ContactField::kContactPreferences},
                             ConsentGiver::kVictim);
  const Id ref = Refer(c, v1, consent, legal_aid, ReferralKind::kLegalAid);
  // No preferences recorded: the phone comes from the identity; no "how to contact".
  auto d = Must(s().GetPartnerReferral(La(), ref));
  ASSERT_TRUE(d.contact);
  EXPECT_EQ(d.contact->name, "李芳");
  EXPECT_EQ(d.contact->address, "示范省人民路 8 号");
  EXPECT_EQ(d.contact->phone, "+8613812345678");
  EXPECT_FALSE(d.contact->preferences.has_value());
  ContactPreferences prefs = SmsPrefs();
  prefs.language = "en";
  (void)Must(s().SetContactPreferences(Off1(), c, v1, prefs));
  d = Must(s().GetPartnerReferral(La(), ref));
  ASSERT_TRUE(d.contact->preferences.has_value());
  EXPECT_EQ(d.contact->preferences->language, "en");
  EXPECT_EQ(d.contact->preferences->phone, "");  // numbers only under their own field
  EXPECT_EQ(d.contact->preferences->guardian_phone, "");
  EXPECT_EQ(d.contact->guardian_phone, "");  // guardian contact was not agreed
  // Education support is for minors.
  ReferralInput edu;
  edu.person_id = v1;
  edu.consent_id = consent;
  edu.partner_unit_id = w.partner;
  edu.kind = ReferralKind::kEducationSupport;
  edu.need = "复学支持";
  ExpectStatus(s().CreateReferral(Off1(), c, edu).status(), StatusCode::kInvalidArgument, "kind");
  // One open referral per agency and kind.
  ReferralInput dup = edu;
  dup.partner_unit_id = legal_aid;
  dup.kind = ReferralKind::kLegalAid;
  ExpectStatus(s().CreateReferral(Off1(), c, dup).status(), StatusCode::kConflict);
  // Once closed, the agency keeps its record but no longer sees the victim's details.
  (void)Must(
      s().UpdateReferralStatus(La(), ref, To(ReferralStatus::kAccepted, "律师 赵 020-88880000")));
  (void)Must(s().UpdateReferralStatus(La(), ref, To(ReferralStatus::kInProgress)));
  EXPECT_TRUE(Must(s().GetPartnerReferral(La(), ref)).contact.has_value());
  d = Must(s().UpdateReferralStatus(La(), ref, To(ReferralStatus::kClosed)));
  EXPECT_EQ(d.referral.status, ReferralStatus::kClosed);
  EXPECT_FALSE(d.contact.has_value());
}

TEST_F(VictimSupportTest, ReferralStatusFlowHistoryAndStallAlert) {
  const Id c = NewCase(30, kAdultId);
  const Id v1 = VictimOf(c);
  const Id consent = Consent(c, v1, {w.partner}, {ContactField::kPhone}, ConsentGiver::kVictim);
  const Id ref = Refer(c, v1, consent, w.partner);  // counselling: 5 days to begin
  // The referral ticks the support checklist item.
  const CaseDetailView cd = Must(s().GetCase(Off1(), c));
  for (const auto& item : cd.checklist) {
    if (item.item.key == "victim_support_referral") {
      EXPECT_TRUE(item.item.done_at.has_value());
    }
  }

  auto alerts = [&](const Principal& p) { return Must(s().Worklist(p)).referral_alerts; };
  EXPECT_TRUE(alerts(Off1()).empty());
  w.Advance(6 * kDay);
  auto a = alerts(Off1());
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].referral.id, ref);
  EXPECT_EQ(a[0].stall, ReferralStall::kNotStarted);
  EXPECT_EQ(a[0].pseudonym, "V1");
  EXPECT_EQ(a[0].case_reference, cd.summary.c.reference);
  EXPECT_EQ(a[0].partner.name, "妇联");
  EXPECT_TRUE(alerts(Off2()).empty());  // not their case
  EXPECT_TRUE(alerts(Wf()).empty());

  // Invalid steps and missing reasons.
  ExpectStatus(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kInProgress)).status(),
               StatusCode::kConflict, "status");
  ExpectStatus(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kAccepted)).status(),
               StatusCode::kInvalidArgument, "partner_contact");
  ExpectStatus(s().UpdateReferralStatus(Off1(), ref, To(ReferralStatus::kAccepted, "x")).status(),
               StatusCode::kPermissionDenied);
  (void)Must(
      s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kAccepted, "社工 许慧 020-12345678")));
  EXPECT_EQ(alerts(Off1()).size(), 1u);  // accepted but not begun: still past due
  auto v = Must(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kInProgress)));
  EXPECT_TRUE(alerts(Off1()).empty());
  ASSERT_EQ(v.history.size(), 3u);
  EXPECT_EQ(v.history[0].update.to, ReferralStatus::kSent);
  EXPECT_EQ(v.history[2].update.from, ReferralStatus::kAccepted);
  EXPECT_EQ(v.history[2].actor_name, "妇联 社工");
  // Silence while in progress is a stall too.
  w.Advance(31 * kDay);
  a = alerts(Off1());
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].stall, ReferralStall::kNoProgress);
  ReferralStatusInput note = To(ReferralStatus::kInProgress);
  note.note = "已完成 4 次咨询";
  v = Must(s().UpdateReferralStatus(Wf(), ref, note));
  EXPECT_EQ(v.referral.partner_note, "已完成 4 次咨询");
  EXPECT_TRUE(alerts(Off1()).empty());
  v = Must(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kClosed)));
  ExpectStatus(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kInProgress)).status(),
               StatusCode::kConflict);
  // The officer sees the same history on the case, and the timeline names the steps.
  const auto support = Must(s().GetVictimSupport(Off1(), c));
  EXPECT_EQ(Entry(support, v1).referrals[0].referral.status, ReferralStatus::kClosed);
  EXPECT_EQ(Entry(support, v1).referrals[0].referral.partner_contact, "社工 许慧 020-12345678");
  const CaseDetailView later = Must(s().GetCase(Off1(), c));
  EXPECT_EQ(std::count_if(later.timeline.begin(), later.timeline.end(),
                          [](const EventView& ev) { return ev.event.kind == "referral_updated"; }),
            4);

  // Declining needs a reason.
  const Id consent2 = Consent(c, v1, {legal_aid}, {}, ConsentGiver::kVictim);
  const Id ref2 = Refer(c, v1, consent2, legal_aid, ReferralKind::kLegalAid);
  ExpectStatus(s().UpdateReferralStatus(La(), ref2, To(ReferralStatus::kDeclined)).status(),
               StatusCode::kInvalidArgument, "reason");
  v = Must(s().UpdateReferralStatus(La(), ref2, To(ReferralStatus::kDeclined, "", "不在服务区域")));
  EXPECT_EQ(v.referral.status_reason, "不在服务区域");
  EXPECT_FALSE(v.contact.has_value());  // no contact fields were agreed in the first place
}

// ---------------------------------------------------------------- notifications

TEST_F(VictimSupportTest, NotificationsFollowTheContactPreferences) {
  const Id c = NewCase(30, kAdultId);
  const Id v1 = VictimOf(c);
  const Id consent = Consent(c, v1, {w.partner}, {ContactField::kPhone}, ConsentGiver::kVictim);
  const Id ref = Refer(c, v1, consent, w.partner);
  auto outbox = [&] { return Entry(Must(s().GetVictimSupport(Off1(), c)), v1).notifications; };
  // No preferences yet: nothing goes out by itself; the officer decides.
  (void)Must(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kAccepted, "社工 许慧")));
  auto n = outbox();
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].record.status, NotificationStatus::kHeld);
  EXPECT_EQ(n[0].record.reason, "no_preferences");
  EXPECT_EQ(n[0].record.kind, NotificationKind::kReferralUpdate);
  // The message is discreet: it names neither the police nor the agency.
  EXPECT_EQ(n[0].message.find("妇联"), std::string::npos);
  EXPECT_EQ(n[0].message.find("公安"), std::string::npos);

  // SMS, 09:00-18:00 Beijing time. The fixture's clock says 18:00 Beijing: after the window.
  ContactPreferences prefs = SmsPrefs();
  (void)Must(s().SetContactPreferences(Off1(), c, v1, prefs));
  (void)Must(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kInProgress)));
  n = outbox();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].record.status, NotificationStatus::kQueued);
  EXPECT_EQ(n[0].record.channel, ContactChannel::kSms);
  EXPECT_EQ(n[0].record.not_before, *ParseIso8601("2026-03-03T01:00:00Z"));  // 09:00 next day
  EXPECT_EQ(n[0].record.language, "zh");

  // Case progress the survivor can see goes out; internal steps do not.
  TransitionInput t;
  t.to = CaseStage::kUnderInvestigation;
  (void)Must(s().Transition(Off1(), c, t));
  EXPECT_EQ(outbox().size(), 3u);
  EXPECT_EQ(outbox()[0].record.kind, NotificationKind::kCaseProgress);
  (void)Must(s().SetChecklist(Off1(), c, "evidence_kit_collected", true));
  EXPECT_EQ(outbox().size(), 4u);
  (void)Must(s().SetChecklist(Off1(), c, "evidence_kit_collected", true));  // again: nothing new
  (void)Must(s().SetChecklist(Off1(), c, "scene_examination", true));       // not for the survivor
  EXPECT_EQ(outbox().size(), 4u);

  // A victim who wants calls from a female officer only, no news about the case's progress.
  prefs.channels = {ContactChannel::kPhone};
  prefs.who_may_contact = WhoMayContact::kFemaleOfficerOnly;
  prefs.notify_case_progress = false;
  prefs.language = "en";
  (void)Must(s().SetContactPreferences(Off1(), c, v1, prefs));
  PersonInput suspect;
  suspect.role = PersonRole::kSuspect;
  (void)Must(s().AddPerson(Off1(), c, suspect));
  t.to = CaseStage::kSuspectIdentified;
  (void)Must(s().Transition(Off1(), c, t));  // the survivor's stage stays "investigating"
  EXPECT_EQ(outbox().size(), 4u);
  w.Advance(2 * kDay);
  TransitionInput suspend;
  suspend.to = CaseStage::kSuspended;
  suspend.reason = "暂无进展";
  (void)Must(s().Transition(Sup1(), c, suspend));
  n = outbox();
  ASSERT_EQ(n.size(), 5u);
  EXPECT_EQ(n[0].record.status, NotificationStatus::kSuppressed);
  EXPECT_EQ(n[0].record.reason, "not_wanted");
  (void)Must(s().UpdateReferralStatus(Wf(), ref, To(ReferralStatus::kClosed)));
  n = outbox();
  ASSERT_EQ(n.size(), 6u);
  EXPECT_EQ(n[0].record.status, NotificationStatus::kTask);
  EXPECT_EQ(n[0].record.channel, ContactChannel::kPhone);
  EXPECT_EQ(n[0].record.who, WhoMayContact::kFemaleOfficerOnly);
  EXPECT_EQ(n[0].record.language, "en");
  EXPECT_NE(n[0].message.find("support"), std::string::npos);  // in English

  // Withdrawing consent cancels what is still waiting about the referral.
  const Id consent2 = Consent(c, v1, {legal_aid}, {}, ConsentGiver::kVictim);
  prefs.channels = {ContactChannel::kSms};
  (void)Must(s().SetContactPreferences(Off1(), c, v1, prefs));
  const Id ref2 = Refer(c, v1, consent2, legal_aid, ReferralKind::kLegalAid);
  (void)Must(s().UpdateReferralStatus(La(), ref2, To(ReferralStatus::kAccepted, "律师 赵")));
  EXPECT_EQ(outbox()[0].record.status, NotificationStatus::kQueued);
  (void)Must(s().WithdrawConsent(Off1(), c, consent2, "不再需要"));
  EXPECT_EQ(outbox()[0].record.status, NotificationStatus::kCancelled);
  EXPECT_EQ(outbox()[0].record.reason, "consent_withdrawn");
}

TEST_F(VictimSupportTest, ContactPreferencesAreValidatedEncryptedAndReadLikeAnIdentity) {
  const Id c = NewCase(30, kAdultId);
  const Id v1 = VictimOf(c);
  ContactPreferences bad = SmsPrefs();
  bad.phone = "";
  ExpectStatus(s().SetContactPreferences(Off1(), c, v1, bad).status(), StatusCode::kInvalidArgument,
               "phone");
  bad = SmsPrefs();
  bad.window_end_minute = 8 * 60;
  ExpectStatus(s().SetContactPreferences(Off1(), c, v1, bad).status(), StatusCode::kInvalidArgument,
               "window_end_minute");
  ExpectStatus(s().GetContactPreferences(Off1(), c, v1).status(), StatusCode::kNotFound);
  const auto view = Must(s().SetContactPreferences(Off1(), c, v1, SmsPrefs()));
  EXPECT_EQ(Entry(view, v1).preferences_updated_at, w.now);
  const ContactPreferences back = Must(s().GetContactPreferences(Off1(), c, v1));
  EXPECT_EQ(back.phone, "+8613900001111");
  EXPECT_EQ(back.channels, std::vector<ContactChannel>{ContactChannel::kSms});
  ExpectStatus(s().GetContactPreferences(Ana1(), c, v1).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().GetContactPreferences(Off2(), c, v1).status(), StatusCode::kNotFound);
  ExpectStatus(s().SetContactPreferences(Ana1(), c, v1, SmsPrefs()).status(),
               StatusCode::kPermissionDenied);
  // Stored only encrypted: the phone number is nowhere in the database file in clear.
  w.services->auditor().Flush();
  sqlite3* db = nullptr;
  ASSERT_EQ(
      sqlite3_open_v2((w.dir.path() / "aegis.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
      SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT COUNT(*) FROM contact_preferences WHERE "
                               "instr(cipher, '13900001111') > 0",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM contact_preferences", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%13900001111%'", -1,
                         &st, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// ---------------------------------------------------------------- survivor status

TEST_F(VictimSupportTest, SurvivorCodeRightWrongExpiredReusedAllFailIdentically) {
  const Id c = NewCase(10, kChildId);
  const Id v1 = VictimOf(c);
  const std::string reference = Must(s().GetCase(Off1(), c)).summary.c.reference;
  ExpectStatus(s().IssueSurvivorCode(Ana1(), c, v1).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().IssueSurvivorCode(Off2(), c, v1).status(), StatusCode::kNotFound);
  const SurvivorCodeIssued issued = Must(s().IssueSurvivorCode(Off1(), c, v1));
  EXPECT_TRUE(std::regex_match(
      issued.code, std::regex("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}")))
      << issued.code;
  EXPECT_EQ(issued.expires_at, w.now + 30 * kDay);
  EXPECT_EQ(issued.uses_left, 10);
  // Only its hash is stored: the code itself is in no table.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(
        sqlite3_open_v2((w.dir.path() / "aegis.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    std::string plain = issued.code;
    plain.erase(std::remove(plain.begin(), plain.end(), '-'), plain.end());
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM survivor_codes WHERE instr(code_hash, ?) > 0",
                           -1, &st, nullptr),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, plain.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  (void)Must(s().SetChecklist(Off1(), c, "evidence_kit_collected", true));

  UnixSeconds retry = 0;
  // Right: lower case and without dashes is accepted too.
  std::string typed = issued.code;
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const SurvivorStatusView ok =
      Must(s().SurvivorStatus(" " + reference + " ", typed, RandomRemote(), &retry));
  EXPECT_EQ(ok.reference, reference);
  EXPECT_EQ(ok.stage, SurvivorStage::kRegistered);
  EXPECT_TRUE(ok.kit_collected);
  EXPECT_FALSE(ok.kit_examined);
  EXPECT_EQ(ok.uses_left, 9);
  EXPECT_TRUE(ok.referrals.empty());

  // Wrong code, wrong reference, both wrong, malformed: one and the same answer.
  const std::string wrong_code =
      issued.code.substr(0, 11) + (issued.code.back() == 'A' ? "B" : "A");
  std::vector<Status> failures = {
      s().SurvivorStatus(reference, wrong_code, RandomRemote(), &retry).status(),
      s().SurvivorStatus("AJ-2026-999999", issued.code, RandomRemote(), &retry).status(),
      s().SurvivorStatus("AJ-1999-000001", wrong_code, RandomRemote(), &retry).status(),
      s().SurvivorStatus("'; DROP TABLE cases; --", issued.code, RandomRemote(), &retry).status(),
  };
  for (const Status& f : failures) {
    EXPECT_EQ(f.code(), StatusCode::kNotFound) << f.ToString();
    EXPECT_EQ(f.message(), failures[0].message());
    EXPECT_EQ(f.field(), "");
  }
  ExpectStatus(s().SurvivorStatus(reference, "", RandomRemote(), &retry).status(),
               StatusCode::kInvalidArgument, "code");
  // Reused: ten look-ups in all, then the code is spent.
  for (int i = 0; i < 9; ++i)
    (void)Must(s().SurvivorStatus(reference, issued.code, RandomRemote(), &retry));
  const Status spent = s().SurvivorStatus(reference, issued.code, RandomRemote(), &retry).status();
  EXPECT_EQ(spent.code(), StatusCode::kNotFound);
  EXPECT_EQ(spent.message(), failures[0].message());
  // A new code replaces the old one; it expires after 30 days.
  const SurvivorCodeIssued second = Must(s().IssueSurvivorCode(Off1(), c, v1));
  const SurvivorCodeIssued third = Must(s().IssueSurvivorCode(Off1(), c, v1));
  EXPECT_EQ(s().SurvivorStatus(reference, second.code, RandomRemote(), &retry).status().message(),
            failures[0].message());
  (void)Must(s().SurvivorStatus(reference, third.code, RandomRemote(), &retry));
  w.Advance(30 * kDay + 1);
  const Status expired = s().SurvivorStatus(reference, third.code, RandomRemote(), &retry).status();
  EXPECT_EQ(expired.code(), StatusCode::kNotFound);
  EXPECT_EQ(expired.message(), failures[0].message());
  // Revoked by the officer.
  const SurvivorCodeIssued fourth = Must(s().IssueSurvivorCode(Off1(), c, v1));
  EXPECT_TRUE(Entry(Must(s().GetVictimSupport(Off1(), c)), v1).survivor_code.has_value());
  const auto revoked = Must(s().RevokeSurvivorCode(Off1(), c, v1));
  EXPECT_FALSE(Entry(revoked, v1).survivor_code.has_value());
  EXPECT_EQ(s().SurvivorStatus(reference, fourth.code, RandomRemote(), &retry).status().message(),
            failures[0].message());

  // Every attempt is audited, the failures with their reason; the code never appears.
  const auto audit = w.Audit(std::nullopt, "case");
  int allowed = 0, denied = 0;
  std::set<std::string> reasons;
  for (const auto& a : audit) {
    if (a.action != "survivor.status") continue;
    (a.allowed ? allowed : denied)++;
    EXPECT_EQ(a.detail.find(issued.code.substr(0, 4)), std::string::npos) << a.detail;
    EXPECT_FALSE(a.remote.empty());
    if (!a.allowed) {
      std::smatch m;
      if (std::regex_search(a.detail, m, std::regex(R"re("reason":"([a-z_]+)")re")))
        reasons.insert(m[1]);
    }
  }
  EXPECT_EQ(allowed, 11);
  EXPECT_GE(denied, 8);
  for (const char* r : {"wrong_code", "unknown_reference", "used_up", "revoked", "expired"})
    EXPECT_TRUE(reasons.count(r)) << r;
}

// A survivor may type their resident ID number or phone number where the case reference goes.
// The failed look-up is audited (append-only), but what was typed is recorded only when it names
// a case.
TEST_F(VictimSupportTest, FailedLookUpsNeverRecordWhatWasTypedUnlessItNamesACase) {
  const Id c = NewCase(15, kChildId);
  const std::string reference = Must(s().GetCase(Off1(), c)).summary.c.reference;
  UnixSeconds retry = 0;
  const std::string typed_id = ResidentId("440106", "20110923", "107");
  for (const std::string& typed : {typed_id, std::string("13987654321"), std::string("AJ-1999-1")})
    EXPECT_FALSE(s().SurvivorStatus(typed, "AAAA-BBBB-CC", RandomRemote(), &retry).ok());
  EXPECT_FALSE(s().SurvivorStatus(reference, "AAAA-BBBB-CC", RandomRemote(), &retry).ok());
  bool named = false;
  for (const auto& a : w.Audit(std::nullopt, "case")) {
    if (a.action != "survivor.status") continue;
    for (const std::string& typed :
         {typed_id, std::string("13987654321"), std::string("AJ-1999-1")})
      EXPECT_EQ(a.detail.find(typed), std::string::npos) << a.detail;
    named |= a.detail.find(reference) != std::string::npos;
  }
  EXPECT_TRUE(named) << "a wrong code for a real case still names the case's reference";
}

TEST_F(VictimSupportTest, SurvivorSeesOnlyOwnReferralsAndPlainStage) {
  const Id c = NewCase(30, kAdultId);
  const Id v1 = VictimOf(c);
  PersonInput second;
  second.role = PersonRole::kVictim;
  second.sex = Sex::kFemale;
  second.age_at_offence = 25;
  (void)Must(s().AddPerson(Off1(), c, second));
  const Id v2 = VictimOf(c, "V2");
  const Id c1 =
      Consent(c, v1, {w.partner, legal_aid}, {ContactField::kPhone}, ConsentGiver::kVictim);
  const Id c2 = Consent(c, v2, {w.partner}, {ContactField::kPhone}, ConsentGiver::kVictim);
  const Id r1 = Refer(c, v1, c1, w.partner);
  (void)Refer(c, v1, c1, legal_aid, ReferralKind::kLegalAid);
  const Id r3 = Refer(c, v2, c2, w.partner, ReferralKind::kMedicalCare);
  (void)Must(
      s().UpdateReferralStatus(Wf(), r1, To(ReferralStatus::kAccepted, "社工 许慧 020-12345678")));
  (void)Must(s().UpdateReferralStatus(Wf(), r3, To(ReferralStatus::kAccepted, "医生 王 020-0000")));
  // The suspect's detention is not the survivor's stage to be told on a web page.
  TransitionInput t;
  t.to = CaseStage::kUnderInvestigation;
  (void)Must(s().Transition(Off1(), c, t));
  PersonInput suspect;
  suspect.role = PersonRole::kSuspect;
  (void)Must(s().AddPerson(Off1(), c, suspect));
  t.to = CaseStage::kSuspectIdentified;
  (void)Must(s().Transition(Off1(), c, t));
  t.to = CaseStage::kSuspectDetained;
  (void)Must(s().Transition(Off1(), c, t));
  (void)Must(s().SetChecklist(Off1(), c, "evidence_kit_collected", true));
  (void)Must(s().SetChecklist(Off1(), c, "evidence_kit_examined", true));

  const std::string reference = Must(s().GetCase(Off1(), c)).summary.c.reference;
  const SurvivorCodeIssued code = Must(s().IssueSurvivorCode(Off1(), c, v1));
  UnixSeconds retry = 0;
  const SurvivorStatusView view =
      Must(s().SurvivorStatus(reference, code.code, "10.9.9.9", &retry));
  EXPECT_EQ(view.stage, SurvivorStage::kInvestigating);
  EXPECT_TRUE(view.kit_collected);
  EXPECT_TRUE(view.kit_examined);
  ASSERT_EQ(view.referrals.size(), 2u);  // V1's two, not V2's
  EXPECT_EQ(view.referrals[0].agency.name, "妇联");
  EXPECT_EQ(view.referrals[0].status, ReferralStatus::kAccepted);
  EXPECT_EQ(view.referrals[0].contact, "社工 许慧 020-12345678");
  EXPECT_EQ(view.referrals[1].kind, ReferralKind::kLegalAid);
  EXPECT_EQ(view.referrals[1].contact, "");  // not accepted yet: no contact to give
  // A withdrawn consent's referrals disappear from the page.
  (void)Must(s().WithdrawConsent(Off1(), c, c1, ""));
  EXPECT_TRUE(Must(s().SurvivorStatus(reference, code.code, "10.9.9.9", &retry)).referrals.empty());
}

TEST_F(VictimSupportTest, SurvivorLookupsAreRateLimitedPerAddress) {
  UnixSeconds retry = 0;
  for (int i = 0; i < kSurvivorLookupsPerWindow; ++i) {
    EXPECT_EQ(
        s().SurvivorStatus("AJ-2026-000001", "AAAA-BBBB-CC", "192.0.2.7", &retry).status().code(),
        StatusCode::kNotFound);
  }
  const Status limited =
      s().SurvivorStatus("AJ-2026-000001", "AAAA-BBBB-CC", "192.0.2.7", &retry).status();
  EXPECT_EQ(limited.code(), StatusCode::kResourceExhausted);
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, kSurvivorLookupWindow);
  // Even a right code waits; another address does not.
  EXPECT_EQ(
      s().SurvivorStatus("AJ-2026-000001", "AAAA-BBBB-CC", "192.0.2.8", &retry).status().code(),
      StatusCode::kNotFound);
  w.Advance(kSurvivorLookupWindow);
  EXPECT_EQ(
      s().SurvivorStatus("AJ-2026-000001", "AAAA-BBBB-CC", "192.0.2.7", &retry).status().code(),
      StatusCode::kNotFound);
  const auto audit = w.Audit(std::nullopt, "case");
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [](const storage::AuditRecord& a) {
    return a.action == "survivor.status" && !a.allowed &&
           a.detail.find("rate_limited") != std::string::npos && a.remote == "192.0.2.7";
  }));
}

TEST(VictimPolicyTest, CapabilitiesAndSharedContactFields) {
  Policy policy;
  auto who = [](Role role, Id unit, UnitType type) {
    Principal p;
    p.user.id = 7;
    p.user.role = role;
    p.user.unit_id = unit;
    p.unit.id = unit;
    p.unit.type = type;
    p.unit.path = "/1/" + std::to_string(unit) + "/";
    return p;
  };
  const Principal officer = who(Role::kOfficer, 3, UnitType::kStation);
  const Principal supervisor = who(Role::kSupervisor, 2, UnitType::kCounty);
  const Principal analyst = who(Role::kAnalyst, 3, UnitType::kStation);
  const Principal partner = who(Role::kPartner, 9, UnitType::kPartner);
  const Principal other_partner = who(Role::kPartner, 10, UnitType::kPartner);
  EXPECT_TRUE(policy.Allows(officer, Capability::kRecordInterview));
  EXPECT_TRUE(policy.Allows(officer, Capability::kManageVictimSupport));
  EXPECT_FALSE(policy.Allows(officer, Capability::kApproveFurtherInterview));
  EXPECT_TRUE(policy.Allows(supervisor, Capability::kApproveFurtherInterview));
  EXPECT_FALSE(policy.Allows(analyst, Capability::kManageVictimSupport));
  EXPECT_FALSE(policy.Allows(partner, Capability::kManageVictimSupport));
  EXPECT_TRUE(policy.Allows(partner, Capability::kWorkReferrals));
  EXPECT_FALSE(policy.Allows(officer, Capability::kWorkReferrals));
  EXPECT_TRUE(policy.CaseScopeFor(partner).empty());

  ReferralConsent consent;
  consent.id = 5;
  consent.agency_unit_ids = {9};
  consent.fields = {ContactField::kPhone, ContactField::kGuardianContact};
  Referral r;
  r.consent_id = 5;
  r.partner_unit_id = 9;
  r.status = ReferralStatus::kAccepted;
  EXPECT_EQ(policy.SharedContactFields(partner, r, consent), consent.fields);
  EXPECT_TRUE(policy.SharedContactFields(other_partner, r, consent).empty());
  EXPECT_TRUE(policy.SharedContactFields(officer, r, consent).empty());  // not through this view
  Principal disabled = partner;
  disabled.user.active = false;
  EXPECT_TRUE(policy.SharedContactFields(disabled, r, consent).empty());
  // A partner user whose unit is not a partner agency (misconfiguration) sees nothing.
  Principal odd = partner;
  odd.unit.type = UnitType::kStation;
  EXPECT_FALSE(policy.MaySeeReferral(odd, r));
  for (ReferralStatus ended :
       {ReferralStatus::kClosed, ReferralStatus::kDeclined, ReferralStatus::kWithdrawn}) {
    Referral x = r;
    x.status = ended;
    EXPECT_TRUE(policy.SharedContactFields(partner, x, consent).empty()) << ToString(ended);
    EXPECT_TRUE(
        policy.MaySeeReferral(partner, x));  // the record stays visible, the contact does not
  }
  ReferralConsent withdrawn = consent;
  withdrawn.withdrawn_at = 100;
  EXPECT_TRUE(policy.SharedContactFields(partner, r, withdrawn).empty());
  ReferralConsent other_consent = consent;
  other_consent.id = 6;
  EXPECT_TRUE(policy.SharedContactFields(partner, r, other_consent).empty());
  ReferralConsent not_named = consent;
  not_named.agency_unit_ids = {10};
  EXPECT_TRUE(policy.SharedContactFields(partner, r, not_named).empty());
}

TEST(WindowRateLimiterTest, SlidingWindow) {
  WindowRateLimiter limiter(3, 60);
  UnixSeconds retry = -1;
  EXPECT_TRUE(limiter.Allow("a", 100, &retry));
  EXPECT_EQ(retry, 0);
  EXPECT_TRUE(limiter.Allow("a", 110, &retry));
  EXPECT_TRUE(limiter.Allow("a", 120, &retry));
  EXPECT_FALSE(limiter.Allow("a", 130, &retry));
  EXPECT_EQ(retry, 30);  // the first hit leaves the window at 160
  EXPECT_TRUE(limiter.Allow("b", 130, &retry));
  EXPECT_TRUE(limiter.Allow("a", 160, &retry));
  EXPECT_FALSE(limiter.Allow("a", 161, &retry));
  EXPECT_EQ(retry, 9);
}

}  // namespace
}  // namespace aegis::services
