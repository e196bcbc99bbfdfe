// Victim support without secondary harm: interviews as events (one comprehensive interview for a
// minor), contact preferences that every notification must respect, consented referrals to partner
// agencies, and the plain-words case stage a survivor may look up. Plain value types and pure
// rules; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/model.h"

namespace aegis::domain {

// ---- Enumerations (stable wire/storage names via ToString / Parse / AllValues, as in model.h).

// Where a victim was interviewed.
enum class InterviewLocation {
  kOneStopRoom,          // child-friendly "one-stop" interview room (一站式询问室)
  kPoliceInterviewRoom,  // an ordinary interview room of a station
  kHospital,
  kHome,
  kSchool,
  kOther,
};

// Who was present at an interview besides the interviewing officer.
enum class Attendee {
  kGuardian,          // parent or other legal guardian
  kAppropriateAdult,  // another suitable adult when the guardian cannot or must not attend
  kFemaleOfficer,
  kCounsellor,
  kInterpreter,
  kSocialWorker,
  kLawyer,
};

enum class ApprovalStatus { kRequested, kApproved, kRefused, kUsed };

// How the victim wants to be contacted, in order of preference.
enum class ContactChannel { kSms, kPhone, kInPerson, kThroughGuardian };

// Who may call or visit the victim.
enum class WhoMayContact { kAnyOfficer, kCaseTeamOnly, kFemaleOfficerOnly };

enum class ConsentGiver { kVictim, kGuardian, kVictimAndGuardian };

// Contact details a consent may allow to be shared with a partner agency.
enum class ContactField {
  kName,
  kPhone,
  kAddress,
  kGuardianContact,     // guardian's name and phone (from the contact preferences)
  kContactPreferences,  // channels, times and language: how to reach the victim
};

enum class ReferralKind {
  kLegalAid,
  kCounselling,  // psychological counselling
  kMedicalCare,
  kEducationSupport,  // school support for a minor
  kCivilAffairs,      // shelter and assistance (民政)
  kWomensFederation,  // 妇联
};

enum class ReferralStatus { kSent, kAccepted, kInProgress, kClosed, kDeclined, kWithdrawn };

enum class NotificationKind { kReferralUpdate, kCaseProgress };

// What became of a notification: queued for the system to send (SMS), a task for a person (call,
// visit, message through the guardian), held for the officer to decide (no preferences known), or
// suppressed because the victim does not want it.
enum class NotificationStatus { kQueued, kTask, kHeld, kSuppressed, kCancelled };

// The stage of a case in words a survivor can use; no investigation detail (a detained suspect is
// "investigating" here, like an unidentified one).
enum class SurvivorStage {
  kRegistered,
  kInvestigating,
  kPaused,
  kInvestigationConcluded,
  kWithProsecutor,
  kInCourt,
  kClosed,
};

std::string_view ToString(InterviewLocation v);
std::string_view ToString(Attendee v);
std::string_view ToString(ApprovalStatus v);
std::string_view ToString(ContactChannel v);
std::string_view ToString(WhoMayContact v);
std::string_view ToString(ConsentGiver v);
std::string_view ToString(ContactField v);
std::string_view ToString(ReferralKind v);
std::string_view ToString(ReferralStatus v);
std::string_view ToString(NotificationKind v);
std::string_view ToString(NotificationStatus v);
std::string_view ToString(SurvivorStage v);

#define AEGIS_DECLARE_VICTIM_ENUM_(E)               \
  template <>                                       \
  std::optional<E> Parse<E>(std::string_view name); \
  template <>                                       \
  const std::vector<E>& AllValues<E>()
AEGIS_DECLARE_VICTIM_ENUM_(InterviewLocation);
AEGIS_DECLARE_VICTIM_ENUM_(Attendee);
AEGIS_DECLARE_VICTIM_ENUM_(ApprovalStatus);
AEGIS_DECLARE_VICTIM_ENUM_(ContactChannel);
AEGIS_DECLARE_VICTIM_ENUM_(WhoMayContact);
AEGIS_DECLARE_VICTIM_ENUM_(ConsentGiver);
AEGIS_DECLARE_VICTIM_ENUM_(ContactField);
AEGIS_DECLARE_VICTIM_ENUM_(ReferralKind);
AEGIS_DECLARE_VICTIM_ENUM_(ReferralStatus);
AEGIS_DECLARE_VICTIM_ENUM_(NotificationKind);
AEGIS_DECLARE_VICTIM_ENUM_(NotificationStatus);
AEGIS_DECLARE_VICTIM_ENUM_(SurvivorStage);
#undef AEGIS_DECLARE_VICTIM_ENUM_

// ---- Entities.

struct Interview {
  Id id = 0;
  Id case_id = 0;
  Id person_id = 0;  // the victim interviewed
  UnixSeconds started_at = 0;
  int duration_minutes = 0;
  InterviewLocation location = InterviewLocation::kOneStopRoom;
  std::string location_note;  // e.g. the room's name; never an address of the victim
  Id conducted_by = 0;        // the interviewing officer
  std::vector<Attendee> present;
  bool female_officer_requested = false;
  bool recorded = false;  // audio-visual recording made (so that it need not be repeated)
  std::string notes;
  std::optional<Id> approval_id;  // the approval a further interview of a minor used
  Id recorded_by = 0;
  UnixSeconds created_at = 0;
};

// A request to interview a minor again, decided by a supervisor.
struct InterviewApproval {
  Id id = 0;
  Id case_id = 0;
  Id person_id = 0;
  Id requested_by = 0;
  UnixSeconds requested_at = 0;
  std::string reason;
  ApprovalStatus status = ApprovalStatus::kRequested;
  std::optional<Id> decided_by;
  std::optional<UnixSeconds> decided_at;
  std::string decision_note;
  std::optional<Id> used_by_interview;
};

// The victim's wishes about being contacted. Stored only encrypted (it holds phone numbers).
struct ContactPreferences {
  std::vector<ContactChannel> channels;  // in order of preference; empty = do not contact
  std::string phone;                     // the number to use (may differ from the identity's)
  int window_start_minute = 9 * 60;      // allowed local time of day [start, end)
  int window_end_minute = 20 * 60;
  unsigned days_mask = 0x7f;        // bit 0 = Monday … bit 6 = Sunday
  int utc_offset_minutes = 8 * 60;  // the victim's time zone (China: UTC+8)
  WhoMayContact who_may_contact = WhoMayContact::kCaseTeamOnly;
  std::string language = "zh";       // BCP 47 tag, e.g. "zh", "en", "yue", "ug"
  bool notify_referrals = true;      // wants news about referrals
  bool notify_case_progress = true;  // wants news when the case moves on
  std::string guardian_name;
  std::string guardian_phone;
  std::string notes;  // e.g. "no voicemail", "never call at work"
};

struct ReferralConsent {
  Id id = 0;
  Id case_id = 0;
  Id person_id = 0;
  ConsentGiver given_by = ConsentGiver::kVictim;
  std::string giver_relationship;  // for a guardian: "mother", "father", ...; never a name
  UnixSeconds given_at = 0;
  Id recorded_by = 0;
  std::vector<Id> agency_unit_ids;   // partner agencies the victim agreed to be referred to
  std::vector<ContactField> fields;  // contact details those agencies may see
  std::string notes;
  std::optional<UnixSeconds> withdrawn_at;
  std::optional<Id> withdrawn_by;
  std::string withdrawal_note;
  bool active() const { return !withdrawn_at.has_value(); }
};

struct Referral {
  Id id = 0;
  std::string reference;  // "ZJ-2026-000012": the partner's handle; not the case reference
  Id case_id = 0;
  Id person_id = 0;
  Id consent_id = 0;
  Id partner_unit_id = 0;
  ReferralKind kind = ReferralKind::kCounselling;
  std::string need;  // what the victim needs, in the officer's words (no investigation detail)
  UnixSeconds due_at = 0;  // by when the agency should have begun helping (in progress)
  ReferralStatus status = ReferralStatus::kSent;
  std::string status_reason;    // why declined / withdrawn
  std::string partner_contact;  // the agency's contact for the survivor (worker, phone, hours)
  std::string partner_note;     // the agency's short progress note
  Id created_by = 0;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
  std::optional<Id> updated_by;
};

// One status change of a referral (its history, shown to the officer and the agency).
struct ReferralUpdate {
  Id id = 0;
  Id referral_id = 0;
  UnixSeconds at = 0;
  std::optional<Id> actor_id;
  std::optional<ReferralStatus> from;
  ReferralStatus to = ReferralStatus::kSent;
  std::string note;
};

// ---- Rules.

// True when the victim counts as a minor: under 18 at the offence. When the person's age is not
// recorded, the case's youngest victim decides (the protective reading).
bool IsMinorVictim(std::optional<int> age_at_offence, std::optional<int> case_youngest_age);

// Checks who was present at an interview: a minor needs a guardian or an appropriate adult; a
// requested female officer must have been present. InvalidArgument("present") otherwise.
Status CheckInterviewAttendance(bool minor, bool female_officer_requested,
                                const std::vector<Attendee>& present);

// Whether recording one more interview needs a supervisor's approval: a minor gets one
// comprehensive interview; any further one is approved first.
bool FurtherInterviewNeedsApproval(bool minor, int interviews_so_far);

// Checks a referral status change by the agency. Conflict when the flow does not allow it;
// InvalidArgument("reason") for a decline without a reason, ("partner_contact") for an acceptance
// without a contact for the survivor.
Status CheckReferralTransition(ReferralStatus from, ReferralStatus to, const std::string& reason,
                               const std::string& partner_contact);

// True for referrals the agency is still working on (sent, accepted, in progress).
bool IsOpenReferral(ReferralStatus status);

// Why an open referral is stalled, if it is: not begun by its due date, or no progress reported
// for `kReferralQuietDays` while in progress.
enum class ReferralStall { kNone, kNotStarted, kNoProgress };
inline constexpr int kReferralQuietDays = 30;
ReferralStall ClassifyReferral(const Referral& r, UnixSeconds now);
std::string_view ToString(ReferralStall v);

// Default time the agency has to begin helping, by kind (medical care is urgent).
int DefaultReferralDays(ReferralKind kind);

// Checks contact preferences (window, days, time zone, language, a number for each chosen channel
// that needs one) and returns them with phone numbers normalised to E.164. InvalidArgument naming
// the field ("channels", "phone", "window_start_minute", ...).
StatusOr<ContactPreferences> NormalizeContactPreferences(const ContactPreferences& prefs);

// The decision on one notification: whether, when and how it may reach the victim.
struct DeliveryDecision {
  NotificationStatus status = NotificationStatus::kHeld;
  std::optional<ContactChannel> channel;
  UnixSeconds not_before = 0;  // earliest moment inside the victim's allowed window
  std::string language;        // the language to write or speak in
  WhoMayContact who = WhoMayContact::kCaseTeamOnly;  // for tasks: who may call or visit
  std::string reason;  // "no_preferences", "not_wanted", "no_contact", "" when it may go ahead
};

// Decides how a notification of `kind` created at `now` may be delivered. Without recorded
// preferences nothing is sent automatically (held for the officer): a message to a shared phone can
// itself do harm. The victim's first channel is used; only SMS is sent by the system, every other
// channel becomes a task for a person. The time is the next moment inside the allowed window.
DeliveryDecision DecideDelivery(const std::optional<ContactPreferences>& prefs,
                                NotificationKind kind, UnixSeconds now);

// The next moment at or after `now` inside the allowed window and days; nullopt when none exists
// (no allowed day).
std::optional<UnixSeconds> NextAllowedTime(const ContactPreferences& prefs, UnixSeconds now);

// The survivor-facing stage of a case stage.
SurvivorStage SurvivorStageOf(CaseStage stage);

}  // namespace aegis::domain
