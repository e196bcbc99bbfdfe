#include "domain/victim_support.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "domain/identity_check.h"

namespace aegis::domain {
namespace {

// One table per enumeration (declaration order) feeds ToString, Parse and AllValues, as in
// model.cc. The names are stored and sent over the wire: never rename one, only add.
template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

template <typename E, std::size_t N>
std::string_view NameOf(const Names<E, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> ValueOf(const Names<E, N>& table, std::string_view name) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  return std::nullopt;
}

template <typename E, std::size_t N>
std::vector<E> ValuesOf(const Names<E, N>& table) {
  std::vector<E> out;
  for (const auto& entry : table) out.push_back(entry.first);
  return out;
}

constexpr Names<InterviewLocation, 6> kLocationNames{{
    {InterviewLocation::kOneStopRoom, "one_stop_room"},
    {InterviewLocation::kPoliceInterviewRoom, "police_interview_room"},
    {InterviewLocation::kHospital, "hospital"},
    {InterviewLocation::kHome, "home"},
    {InterviewLocation::kSchool, "school"},
    {InterviewLocation::kOther, "other"},
}};

constexpr Names<Attendee, 7> kAttendeeNames{{
    {Attendee::kGuardian, "guardian"},
    {Attendee::kAppropriateAdult, "appropriate_adult"},
    {Attendee::kFemaleOfficer, "female_officer"},
    {Attendee::kCounsellor, "counsellor"},
    {Attendee::kInterpreter, "interpreter"},
    {Attendee::kSocialWorker, "social_worker"},
    {Attendee::kLawyer, "lawyer"},
}};

constexpr Names<ApprovalStatus, 4> kApprovalNames{{
    {ApprovalStatus::kRequested, "requested"},
    {ApprovalStatus::kApproved, "approved"},
    {ApprovalStatus::kRefused, "refused"},
    {ApprovalStatus::kUsed, "used"},
}};

constexpr Names<ContactChannel, 4> kChannelNames{{
    {ContactChannel::kSms, "sms"},
    {ContactChannel::kPhone, "phone"},
    {ContactChannel::kInPerson, "in_person"},
    {ContactChannel::kThroughGuardian, "through_guardian"},
}};

constexpr Names<WhoMayContact, 3> kWhoNames{{
    {WhoMayContact::kAnyOfficer, "any_officer"},
    {WhoMayContact::kCaseTeamOnly, "case_team_only"},
    {WhoMayContact::kFemaleOfficerOnly, "female_officer_only"},
}};

constexpr Names<ConsentGiver, 3> kGiverNames{{
    {ConsentGiver::kVictim, "victim"},
    {ConsentGiver::kGuardian, "guardian"},
    {ConsentGiver::kVictimAndGuardian, "victim_and_guardian"},
}};

constexpr Names<ContactField, 5> kFieldNames{{
    {ContactField::kName, "name"},
    {ContactField::kPhone, "phone"},
    {ContactField::kAddress, "address"},
    {ContactField::kGuardianContact, "guardian_contact"},
    {ContactField::kContactPreferences, "contact_preferences"},
}};

constexpr Names<ReferralKind, 6> kKindNames{{
    {ReferralKind::kLegalAid, "legal_aid"},
    {ReferralKind::kCounselling, "counselling"},
    {ReferralKind::kMedicalCare, "medical_care"},
    {ReferralKind::kEducationSupport, "education_support"},
    {ReferralKind::kCivilAffairs, "civil_affairs"},
    {ReferralKind::kWomensFederation, "womens_federation"},
}};

constexpr Names<ReferralStatus, 6> kReferralStatusNames{{
    {ReferralStatus::kSent, "sent"},
    {ReferralStatus::kAccepted, "accepted"},
    {ReferralStatus::kInProgress, "in_progress"},
    {ReferralStatus::kClosed, "closed"},
    {ReferralStatus::kDeclined, "declined"},
    {ReferralStatus::kWithdrawn, "withdrawn"},
}};

constexpr Names<NotificationKind, 2> kNotificationKindNames{{
    {NotificationKind::kReferralUpdate, "referral_update"},
    {NotificationKind::kCaseProgress, "case_progress"},
}};

constexpr Names<NotificationStatus, 5> kNotificationStatusNames{{
    {NotificationStatus::kQueued, "queued"},
    {NotificationStatus::kTask, "task"},
    {NotificationStatus::kHeld, "held"},
    {NotificationStatus::kSuppressed, "suppressed"},
    {NotificationStatus::kCancelled, "cancelled"},
}};

constexpr Names<SurvivorStage, 7> kSurvivorStageNames{{
    {SurvivorStage::kRegistered, "registered"},
    {SurvivorStage::kInvestigating, "investigating"},
    {SurvivorStage::kPaused, "paused"},
    {SurvivorStage::kInvestigationConcluded, "investigation_concluded"},
    {SurvivorStage::kWithProsecutor, "with_prosecutor"},
    {SurvivorStage::kInCourt, "in_court"},
    {SurvivorStage::kClosed, "closed"},
}};

bool Has(const std::vector<Attendee>& v, Attendee a) {
  return std::find(v.begin(), v.end(), a) != v.end();
}

bool HasChannel(const std::vector<ContactChannel>& v, ContactChannel c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}

// Floor division, so that times before 1970 still fall on the right local day.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

#define AEGIS_DEFINE_VICTIM_ENUM_(E, table)                   \
  std::string_view ToString(E v) { return NameOf(table, v); } \
  template <>                                                 \
  std::optional<E> Parse<E>(std::string_view name) {          \
    return ValueOf(table, name);                              \
  }                                                           \
  template <>                                                 \
  const std::vector<E>& AllValues<E>() {                      \
    static const std::vector<E> values = ValuesOf(table);     \
    return values;                                            \
  }

AEGIS_DEFINE_VICTIM_ENUM_(InterviewLocation, kLocationNames)
AEGIS_DEFINE_VICTIM_ENUM_(Attendee, kAttendeeNames)
AEGIS_DEFINE_VICTIM_ENUM_(ApprovalStatus, kApprovalNames)
AEGIS_DEFINE_VICTIM_ENUM_(ContactChannel, kChannelNames)
AEGIS_DEFINE_VICTIM_ENUM_(WhoMayContact, kWhoNames)
AEGIS_DEFINE_VICTIM_ENUM_(ConsentGiver, kGiverNames)
AEGIS_DEFINE_VICTIM_ENUM_(ContactField, kFieldNames)
AEGIS_DEFINE_VICTIM_ENUM_(ReferralKind, kKindNames)
AEGIS_DEFINE_VICTIM_ENUM_(ReferralStatus, kReferralStatusNames)
AEGIS_DEFINE_VICTIM_ENUM_(NotificationKind, kNotificationKindNames)
AEGIS_DEFINE_VICTIM_ENUM_(NotificationStatus, kNotificationStatusNames)
AEGIS_DEFINE_VICTIM_ENUM_(SurvivorStage, kSurvivorStageNames)

#undef AEGIS_DEFINE_VICTIM_ENUM_

bool IsMinorVictim(std::optional<int> age_at_offence, std::optional<int> case_youngest_age) {
  if (age_at_offence) return *age_at_offence < 18;
  return case_youngest_age && *case_youngest_age < 18;
}

Status CheckInterviewAttendance(bool minor, bool female_officer_requested,
                                const std::vector<Attendee>& present) {
  // Criminal Procedure Law art. 281: a minor is questioned with the legal representative present,
  // or, when that is impossible or inappropriate, another suitable adult.
  if (minor && !Has(present, Attendee::kGuardian) && !Has(present, Attendee::kAppropriateAdult)) {
    return Status::InvalidArgument(
        "present", "a minor is interviewed with a guardian or an appropriate adult present");
  }
  if (female_officer_requested && !Has(present, Attendee::kFemaleOfficer)) {
    return Status::InvalidArgument("present",
                                   "the victim asked for a female officer, who must be present");
  }
  return Status::Ok();
}

bool FurtherInterviewNeedsApproval(bool minor, int interviews_so_far) {
  return minor && interviews_so_far >= 1;
}

bool IsOpenReferral(ReferralStatus s) {
  return s == ReferralStatus::kSent || s == ReferralStatus::kAccepted ||
         s == ReferralStatus::kInProgress;
}

Status CheckReferralTransition(ReferralStatus from, ReferralStatus to, const std::string& reason,
                               const std::string& partner_contact) {
  using S = ReferralStatus;
  static const std::pair<S, S> kFlow[] = {
      {S::kSent, S::kAccepted},     {S::kSent, S::kDeclined},   {S::kAccepted, S::kInProgress},
      {S::kAccepted, S::kDeclined}, {S::kAccepted, S::kClosed}, {S::kInProgress, S::kClosed},
  };
  const bool known = std::any_of(std::begin(kFlow), std::end(kFlow),
                                 [&](const auto& f) { return f.first == from && f.second == to; });
  // Progress notes while in progress are updates without a change of status.
  if (!known && !(from == to && from == S::kInProgress)) {
    return Status::Conflict("a referral cannot go from " + std::string(ToString(from)) + " to " +
                                std::string(ToString(to)),
                            "status");
  }
  if (to == S::kDeclined && reason.empty())
    return Status::InvalidArgument("reason", "is required to decline a referral");
  if (to == S::kAccepted && partner_contact.empty())
    return Status::InvalidArgument("partner_contact",
                                   "is required: the survivor needs a contact at the agency");
  return Status::Ok();
}

ReferralStall ClassifyReferral(const Referral& r, UnixSeconds now) {
  if (r.status == ReferralStatus::kSent || r.status == ReferralStatus::kAccepted)
    return now > r.due_at ? ReferralStall::kNotStarted : ReferralStall::kNone;
  if (r.status == ReferralStatus::kInProgress &&
      now - r.updated_at > static_cast<UnixSeconds>(kReferralQuietDays) * kSecondsPerDay)
    return ReferralStall::kNoProgress;
  return ReferralStall::kNone;
}

std::string_view ToString(ReferralStall v) {
  switch (v) {
    case ReferralStall::kNone:
      return "none";
    case ReferralStall::kNotStarted:
      return "not_started";
    case ReferralStall::kNoProgress:
      return "no_progress";
  }
  return "none";
}

int DefaultReferralDays(ReferralKind kind) {
  switch (kind) {
    case ReferralKind::kMedicalCare:
      return 2;
    case ReferralKind::kCounselling:
    case ReferralKind::kCivilAffairs:
      return 5;
    default:
      return 7;
  }
}

StatusOr<ContactPreferences> NormalizeContactPreferences(const ContactPreferences& in) {
  ContactPreferences out = in;
  for (size_t i = 0; i < in.channels.size(); ++i) {
    for (size_t j = 0; j < i; ++j)
      if (in.channels[i] == in.channels[j])
        return Status::InvalidArgument("channels", "lists a channel twice");
  }
  if (in.window_start_minute < 0 || in.window_start_minute >= 24 * 60)
    return Status::InvalidArgument("window_start_minute", "must be between 0 and 1439");
  if (in.window_end_minute <= 0 || in.window_end_minute > 24 * 60)
    return Status::InvalidArgument("window_end_minute", "must be between 1 and 1440");
  // Overnight windows are not offered: a call at night is exactly what the window prevents.
  if (in.window_end_minute <= in.window_start_minute)
    return Status::InvalidArgument("window_end_minute", "must be after the window's start");
  if (in.days_mask > 0x7f) return Status::InvalidArgument("days", "unknown day");
  if (!in.channels.empty() && in.days_mask == 0)
    return Status::InvalidArgument("days", "name at least one day on which contact is allowed");
  if (in.utc_offset_minutes < -12 * 60 || in.utc_offset_minutes > 14 * 60)
    return Status::InvalidArgument("utc_offset_minutes", "must be between -720 and 840");
  if (in.language.empty() || in.language.size() > 16)
    return Status::InvalidArgument("language", "must be a language tag such as zh or en");
  for (char c : in.language) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-'))
      return Status::InvalidArgument("language", "must be a language tag such as zh or en");
  }
  if (!in.phone.empty()) {
    AEGIS_ASSIGN_OR_RETURN(out.phone, NormalizePhone(in.phone, "phone"));
  }
  if (!in.guardian_phone.empty()) {
    AEGIS_ASSIGN_OR_RETURN(out.guardian_phone, NormalizePhone(in.guardian_phone, "guardian_phone"));
  }
  if ((HasChannel(in.channels, ContactChannel::kSms) ||
       HasChannel(in.channels, ContactChannel::kPhone)) &&
      out.phone.empty())
    return Status::InvalidArgument("phone", "is required for SMS or phone contact");
  if (HasChannel(in.channels, ContactChannel::kThroughGuardian) && out.guardian_phone.empty())
    return Status::InvalidArgument("guardian_phone",
                                   "is required for contact through the guardian");
  return out;
}

std::optional<UnixSeconds> NextAllowedTime(const ContactPreferences& prefs, UnixSeconds now) {
  const UnixSeconds offset = static_cast<UnixSeconds>(prefs.utc_offset_minutes) * 60;
  const std::int64_t today = FloorDiv(now + offset, kSecondsPerDay);
  for (std::int64_t day = today; day <= today + 7; ++day) {
    // 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) mod 7.
    const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);
    if (!(prefs.days_mask & (1u << weekday))) continue;
    const UnixSeconds day_start = day * kSecondsPerDay - offset;  // local midnight, in UTC
    const UnixSeconds open = day_start + prefs.window_start_minute * 60;
    const UnixSeconds close = day_start + prefs.window_end_minute * 60;
    if (now < close) return std::max(now, open);
  }
  return std::nullopt;
}

DeliveryDecision DecideDelivery(const std::optional<ContactPreferences>& prefs,
                                NotificationKind kind, UnixSeconds now) {
  DeliveryDecision d;
  d.not_before = now;
  if (!prefs) {
    d.status = NotificationStatus::kHeld;
    d.reason = "no_preferences";
    d.language = "zh";
    return d;
  }
  d.language = prefs->language;
  d.who = prefs->who_may_contact;
  const bool wanted = kind == NotificationKind::kReferralUpdate ? prefs->notify_referrals
                                                                : prefs->notify_case_progress;
  if (!wanted) {
    d.status = NotificationStatus::kSuppressed;
    d.reason = "not_wanted";
    return d;
  }
  if (prefs->channels.empty()) {
    d.status = NotificationStatus::kSuppressed;
    d.reason = "no_contact";
    return d;
  }
  const std::optional<UnixSeconds> when = NextAllowedTime(*prefs, now);
  if (!when) {
    d.status = NotificationStatus::kSuppressed;
    d.reason = "no_contact";
    return d;
  }
  d.channel = prefs->channels.front();
  d.not_before = *when;
  // Only an SMS goes out unattended; a call, a visit or a message through the guardian needs a
  // person who can judge the moment.
  d.status =
      *d.channel == ContactChannel::kSms ? NotificationStatus::kQueued : NotificationStatus::kTask;
  return d;
}

SurvivorStage SurvivorStageOf(CaseStage stage) {
  switch (stage) {
    case CaseStage::kFiled:
      return SurvivorStage::kRegistered;
    case CaseStage::kUnderInvestigation:
    case CaseStage::kSuspectIdentified:
    case CaseStage::kSuspectDetained:
    case CaseStage::kReopened:
      return SurvivorStage::kInvestigating;
    case CaseStage::kSuspended:
      return SurvivorStage::kPaused;
    case CaseStage::kSolved:
      return SurvivorStage::kInvestigationConcluded;
    case CaseStage::kTransferredForProsecution:
      return SurvivorStage::kWithProsecutor;
    case CaseStage::kProsecuted:
      return SurvivorStage::kInCourt;
    case CaseStage::kClosed:
      return SurvivorStage::kClosed;
  }
  return SurvivorStage::kInvestigating;
}

}  // namespace aegis::domain
