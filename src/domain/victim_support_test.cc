#include "domain/victim_support.h"

#include <gtest/gtest.h>

namespace aegis::domain {
namespace {

UnixSeconds At(const char* iso) { return *ParseIso8601(iso); }

ContactPreferences SmsPrefs() {
  ContactPreferences p;
  p.channels = {ContactChannel::kSms, ContactChannel::kPhone};
  p.phone = "+8613812345678";
  p.window_start_minute = 9 * 60;
  p.window_end_minute = 18 * 60;
  p.utc_offset_minutes = 8 * 60;  // Beijing time
  return p;
}

TEST(VictimSupportNames, RoundTripEveryEnumeration) {
  auto round_trip = [](auto values) {
    for (auto v : values) {
      using E = decltype(v);
      const auto name = ToString(v);
      EXPECT_NE(name, "unknown");
      EXPECT_EQ(Parse<E>(name), v) << name;
    }
  };
  round_trip(AllValues<InterviewLocation>());
  round_trip(AllValues<Attendee>());
  round_trip(AllValues<ApprovalStatus>());
  round_trip(AllValues<ContactChannel>());
  round_trip(AllValues<WhoMayContact>());
  round_trip(AllValues<ConsentGiver>());
  round_trip(AllValues<ContactField>());
  round_trip(AllValues<ReferralKind>());
  round_trip(AllValues<ReferralStatus>());
  round_trip(AllValues<NotificationKind>());
  round_trip(AllValues<NotificationStatus>());
  round_trip(AllValues<SurvivorStage>());
  EXPECT_EQ(AllValues<ReferralKind>().size(), 6u);
  EXPECT_FALSE(Parse<ReferralKind>("Legal_Aid").has_value());
  EXPECT_FALSE(Parse<ContactChannel>("").has_value());
}

TEST(VictimSupportRules, MinorByAgeOrCaseWhenUnknown) {
  EXPECT_TRUE(IsMinorVictim(17, 30));
  EXPECT_FALSE(IsMinorVictim(18, 10));  // the person's own age wins
  EXPECT_TRUE(IsMinorVictim(std::nullopt, 12));
  EXPECT_FALSE(IsMinorVictim(std::nullopt, 18));
  EXPECT_FALSE(IsMinorVictim(std::nullopt, std::nullopt));
}

TEST(VictimSupportRules, InterviewAttendance) {
  EXPECT_EQ(CheckInterviewAttendance(true, false, {}).field(), "present");
  EXPECT_EQ(CheckInterviewAttendance(true, false, {Attendee::kCounsellor}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckInterviewAttendance(true, false, {Attendee::kGuardian}).ok());
  EXPECT_TRUE(CheckInterviewAttendance(true, false, {Attendee::kAppropriateAdult}).ok());
  EXPECT_TRUE(CheckInterviewAttendance(false, false, {}).ok());
  const Status no_female = CheckInterviewAttendance(false, true, {Attendee::kCounsellor});
  EXPECT_EQ(no_female.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_female.message().find("female"), std::string::npos);
  EXPECT_TRUE(CheckInterviewAttendance(false, true, {Attendee::kFemaleOfficer}).ok());
  EXPECT_FALSE(CheckInterviewAttendance(true, true, {Attendee::kFemaleOfficer}).ok());
}

TEST(VictimSupportRules, OneComprehensiveInterviewForAMinor) {
  EXPECT_FALSE(FurtherInterviewNeedsApproval(true, 0));
  EXPECT_TRUE(FurtherInterviewNeedsApproval(true, 1));
  EXPECT_TRUE(FurtherInterviewNeedsApproval(true, 3));
  EXPECT_FALSE(FurtherInterviewNeedsApproval(false, 1));
  EXPECT_FALSE(FurtherInterviewNeedsApproval(false, 5));
}

TEST(VictimSupportRules, ReferralFlow) {
  using S = ReferralStatus;
  EXPECT_TRUE(CheckReferralTransition(S::kSent, S::kAccepted, "", "社工 许慧 020-1234").ok());
  EXPECT_EQ(CheckReferralTransition(S::kSent, S::kAccepted, "", "").field(), "partner_contact");
  EXPECT_TRUE(CheckReferralTransition(S::kAccepted, S::kInProgress, "", "").ok());
  EXPECT_TRUE(CheckReferralTransition(S::kInProgress, S::kClosed, "", "").ok());
  EXPECT_TRUE(CheckReferralTransition(S::kInProgress, S::kInProgress, "", "").ok());
  EXPECT_TRUE(CheckReferralTransition(S::kSent, S::kDeclined, "超出服务范围", "").ok());
  EXPECT_EQ(CheckReferralTransition(S::kSent, S::kDeclined, "", "").field(), "reason");
  for (auto [from, to] : std::vector<std::pair<S, S>>{{S::kSent, S::kInProgress},
                                                      {S::kSent, S::kClosed},
                                                      {S::kClosed, S::kInProgress},
                                                      {S::kDeclined, S::kAccepted},
                                                      {S::kWithdrawn, S::kAccepted},
                                                      {S::kSent, S::kWithdrawn},
                                                      {S::kSent, S::kSent},
                                                      {S::kInProgress, S::kDeclined}}) {
    const Status st = CheckReferralTransition(from, to, "reason", "contact");
    EXPECT_EQ(st.code(), StatusCode::kConflict) << ToString(from) << " -> " << ToString(to);
  }
  EXPECT_TRUE(IsOpenReferral(S::kInProgress));
  EXPECT_FALSE(IsOpenReferral(S::kWithdrawn));
  EXPECT_FALSE(IsOpenReferral(S::kClosed));
}

TEST(VictimSupportRules, StalledReferrals) {
  Referral r;
  r.status = ReferralStatus::kSent;
  r.due_at = 1000;
  r.updated_at = 0;
  EXPECT_EQ(ClassifyReferral(r, 1000), ReferralStall::kNone);
  EXPECT_EQ(ClassifyReferral(r, 1001), ReferralStall::kNotStarted);
  r.status = ReferralStatus::kAccepted;
  EXPECT_EQ(ClassifyReferral(r, 1001), ReferralStall::kNotStarted);
  // Once work has begun the due date is met; silence for 30 days is the stall.
  r.status = ReferralStatus::kInProgress;
  r.updated_at = 500;
  EXPECT_EQ(ClassifyReferral(r, 500 + 30 * kSecondsPerDay), ReferralStall::kNone);
  EXPECT_EQ(ClassifyReferral(r, 501 + 30 * kSecondsPerDay), ReferralStall::kNoProgress);
  r.status = ReferralStatus::kClosed;
  EXPECT_EQ(ClassifyReferral(r, 1000 * kSecondsPerDay), ReferralStall::kNone);
  r.status = ReferralStatus::kWithdrawn;
  EXPECT_EQ(ClassifyReferral(r, 1000 * kSecondsPerDay), ReferralStall::kNone);
  EXPECT_LT(DefaultReferralDays(ReferralKind::kMedicalCare),
            DefaultReferralDays(ReferralKind::kLegalAid));
}

TEST(ContactPreferencesTest, NormalisesAndValidates) {
  ContactPreferences p = SmsPrefs();
  p.phone = "138 1234 5678";
  auto ok = NormalizeContactPreferences(p);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->phone, "+8613812345678");

  auto field_of = [](ContactPreferences q) {
    return NormalizeContactPreferences(q).status().field();
  };
  ContactPreferences q = SmsPrefs();
  q.phone.clear();
  EXPECT_EQ(field_of(q), "phone");
  q = SmsPrefs();
  q.phone = "12";
  EXPECT_EQ(field_of(q), "phone");
  q = SmsPrefs();
  q.channels = {ContactChannel::kThroughGuardian};
  EXPECT_EQ(field_of(q), "guardian_phone");
  q.guardian_phone = "0755 1234567";
  EXPECT_TRUE(NormalizeContactPreferences(q).ok());
  q = SmsPrefs();
  q.window_start_minute = 20 * 60;
  q.window_end_minute = 8 * 60;  // overnight
  EXPECT_EQ(field_of(q), "window_end_minute");
  q = SmsPrefs();
  q.window_start_minute = -1;
  EXPECT_EQ(field_of(q), "window_start_minute");
  q = SmsPrefs();
  q.window_end_minute = 24 * 60 + 1;
  EXPECT_EQ(field_of(q), "window_end_minute");
  q = SmsPrefs();
  q.days_mask = 0;
  EXPECT_EQ(field_of(q), "days");
  q = SmsPrefs();
  q.days_mask = 0x80;
  EXPECT_EQ(field_of(q), "days");
  q = SmsPrefs();
  q.language = "zh'; DROP";
  EXPECT_EQ(field_of(q), "language");
  q = SmsPrefs();
  q.language = "";
  EXPECT_EQ(field_of(q), "language");
  q = SmsPrefs();
  q.utc_offset_minutes = 15 * 60;
  EXPECT_EQ(field_of(q), "utc_offset_minutes");
  q = SmsPrefs();
  q.channels = {ContactChannel::kSms, ContactChannel::kSms};
  EXPECT_EQ(field_of(q), "channels");
  // "Do not contact" needs no number and no day.
  q = ContactPreferences();
  q.channels.clear();
  q.days_mask = 0;
  EXPECT_TRUE(NormalizeContactPreferences(q).ok());
}

TEST(ContactPreferencesTest, NextAllowedTimeHonoursWindowDaysAndZone) {
  const ContactPreferences p = SmsPrefs();  // 09:00-18:00 Beijing, every day
  // 2026-03-02 is a Monday. 10:00 UTC = 18:00 Beijing: the window has just closed.
  EXPECT_EQ(NextAllowedTime(p, At("2026-03-02T10:00:00Z")), At("2026-03-03T01:00:00Z"));
  // 02:30 UTC = 10:30 Beijing: inside, now.
  EXPECT_EQ(NextAllowedTime(p, At("2026-03-02T02:30:00Z")), At("2026-03-02T02:30:00Z"));
  // 20:00 UTC Sunday = 04:00 Beijing Monday: wait until 09:00 Beijing.
  EXPECT_EQ(NextAllowedTime(p, At("2026-03-01T20:00:00Z")), At("2026-03-02T01:00:00Z"));
  // Weekdays only (Mon-Fri); Friday 19:00 Beijing -> Monday 09:00 Beijing.
  ContactPreferences weekdays = p;
  weekdays.days_mask = 0x1f;
  EXPECT_EQ(NextAllowedTime(weekdays, At("2026-03-06T11:00:00Z")), At("2026-03-09T01:00:00Z"));
  // Saturday only.
  ContactPreferences saturday = p;
  saturday.days_mask = 1u << 5;
  EXPECT_EQ(NextAllowedTime(saturday, At("2026-03-02T02:30:00Z")), At("2026-03-07T01:00:00Z"));
  // Another time zone: UTC-5, 17:00-19:00 local.
  ContactPreferences ny = p;
  ny.utc_offset_minutes = -5 * 60;
  ny.window_start_minute = 17 * 60;
  ny.window_end_minute = 19 * 60;
  EXPECT_EQ(NextAllowedTime(ny, At("2026-03-02T10:00:00Z")), At("2026-03-02T22:00:00Z"));
  ContactPreferences none = p;
  none.days_mask = 0;
  EXPECT_FALSE(NextAllowedTime(none, At("2026-03-02T10:00:00Z")).has_value());
}

TEST(DeliveryDecisionTest, NothingAutomaticWithoutPreferences) {
  const DeliveryDecision d =
      DecideDelivery(std::nullopt, NotificationKind::kReferralUpdate, At("2026-03-02T02:00:00Z"));
  EXPECT_EQ(d.status, NotificationStatus::kHeld);
  EXPECT_EQ(d.reason, "no_preferences");
  EXPECT_FALSE(d.channel.has_value());
}

TEST(DeliveryDecisionTest, SmsInsideTheWindowIsQueuedForTheNextAllowedMoment) {
  ContactPreferences p = SmsPrefs();
  p.language = "en";
  const DeliveryDecision now =
      DecideDelivery(p, NotificationKind::kReferralUpdate, At("2026-03-02T02:00:00Z"));
  EXPECT_EQ(now.status, NotificationStatus::kQueued);
  EXPECT_EQ(now.channel, ContactChannel::kSms);
  EXPECT_EQ(now.not_before, At("2026-03-02T02:00:00Z"));
  EXPECT_EQ(now.language, "en");
  EXPECT_EQ(now.reason, "");
  const DeliveryDecision late =
      DecideDelivery(p, NotificationKind::kCaseProgress, At("2026-03-02T14:00:00Z"));  // 22:00
  EXPECT_EQ(late.status, NotificationStatus::kQueued);
  EXPECT_EQ(late.not_before, At("2026-03-03T01:00:00Z"));
}

TEST(DeliveryDecisionTest, OtherChannelsBecomeTasksForAPerson) {
  for (ContactChannel c :
       {ContactChannel::kPhone, ContactChannel::kInPerson, ContactChannel::kThroughGuardian}) {
    ContactPreferences p = SmsPrefs();
    p.channels = {c, ContactChannel::kSms};
    p.who_may_contact = WhoMayContact::kFemaleOfficerOnly;
    const DeliveryDecision d =
        DecideDelivery(p, NotificationKind::kReferralUpdate, At("2026-03-02T02:00:00Z"));
    EXPECT_EQ(d.status, NotificationStatus::kTask) << ToString(c);
    EXPECT_EQ(d.channel, c);
    EXPECT_EQ(d.who, WhoMayContact::kFemaleOfficerOnly);
  }
}

TEST(DeliveryDecisionTest, UnwantedKindsAndNoContactAreSuppressed) {
  ContactPreferences p = SmsPrefs();
  p.notify_case_progress = false;
  EXPECT_EQ(DecideDelivery(p, NotificationKind::kCaseProgress, 0).status,
            NotificationStatus::kSuppressed);
  EXPECT_EQ(DecideDelivery(p, NotificationKind::kCaseProgress, 0).reason, "not_wanted");
  EXPECT_EQ(DecideDelivery(p, NotificationKind::kReferralUpdate, At("2026-03-02T02:00:00Z")).status,
            NotificationStatus::kQueued);
  p = SmsPrefs();
  p.notify_referrals = false;
  EXPECT_EQ(DecideDelivery(p, NotificationKind::kReferralUpdate, 0).reason, "not_wanted");
  p = SmsPrefs();
  p.channels.clear();
  const DeliveryDecision none = DecideDelivery(p, NotificationKind::kReferralUpdate, 0);
  EXPECT_EQ(none.status, NotificationStatus::kSuppressed);
  EXPECT_EQ(none.reason, "no_contact");
  p = SmsPrefs();
  p.days_mask = 0;
  EXPECT_EQ(DecideDelivery(p, NotificationKind::kReferralUpdate, 0).reason, "no_contact");
}

TEST(SurvivorStageTest, PlainWordsWithoutInvestigationDetail) {
  EXPECT_EQ(SurvivorStageOf(CaseStage::kFiled), SurvivorStage::kRegistered);
  // Whether a suspect is known or held is not said.
  EXPECT_EQ(SurvivorStageOf(CaseStage::kUnderInvestigation), SurvivorStage::kInvestigating);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kSuspectIdentified), SurvivorStage::kInvestigating);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kSuspectDetained), SurvivorStage::kInvestigating);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kReopened), SurvivorStage::kInvestigating);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kSuspended), SurvivorStage::kPaused);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kSolved), SurvivorStage::kInvestigationConcluded);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kTransferredForProsecution), SurvivorStage::kWithProsecutor);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kProsecuted), SurvivorStage::kInCourt);
  EXPECT_EQ(SurvivorStageOf(CaseStage::kClosed), SurvivorStage::kClosed);
  for (CaseStage s : AllValues<CaseStage>()) EXPECT_NE(ToString(SurvivorStageOf(s)), "unknown");
}

}  // namespace
}  // namespace aegis::domain
