// Inputs and views of the victim-support services (issue 3, items 6-8): interviews, contact
// preferences, consented referrals, the partner agencies' view and the survivor status page.
// Included by services.h; the functions are members of Services.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"
#include "domain/victim_support.h"
#include "storage/victim_store.h"

namespace aegis::services {

// A survivor status code is valid this long and for this many look-ups. Limited rather than single
// use: a survivor should be able to look again next week without asking the police for a new code
// each time (itself a burden), while a code that was seen by someone else stops working soon.
inline constexpr int kSurvivorCodeDays = 30;
inline constexpr int kSurvivorCodeUses = 10;
// Survivor status look-ups allowed per client address and window (all attempts count).
inline constexpr int kSurvivorLookupsPerWindow = 10;
inline constexpr UnixSeconds kSurvivorLookupWindow = 15 * 60;

// ---- Inputs

struct InterviewInput {
  domain::Id person_id = 0;
  UnixSeconds started_at = 0;
  int duration_minutes = 0;
  domain::InterviewLocation location = domain::InterviewLocation::kOneStopRoom;
  std::string location_note;
  std::optional<domain::Id> conducted_by;  // default: the caller
  std::vector<domain::Attendee> present;
  bool female_officer_requested = false;
  bool recorded = false;
  std::string notes;
};

struct ConsentInput {
  domain::Id person_id = 0;
  domain::ConsentGiver given_by = domain::ConsentGiver::kVictim;
  std::string giver_relationship;
  std::optional<UnixSeconds> given_at;  // default: now
  std::vector<domain::Id> agency_unit_ids;
  std::vector<domain::ContactField> fields;
  std::string notes;
};

struct ReferralInput {
  domain::Id person_id = 0;
  domain::Id consent_id = 0;
  domain::Id partner_unit_id = 0;
  domain::ReferralKind kind = domain::ReferralKind::kCounselling;
  std::string need;
  std::optional<UnixSeconds> due_at;  // default: by kind (DefaultReferralDays)
};

struct ReferralStatusInput {
  domain::ReferralStatus status = domain::ReferralStatus::kAccepted;
  std::string reason;           // required to decline
  std::string partner_contact;  // required to accept: the survivor's contact at the agency
  std::string note;             // short progress note
};

struct PartnerReferralListInput {
  std::optional<domain::ReferralStatus> status;
  bool open_only = false;
  storage::Page page;
};

// ---- Views

struct UnitName {
  domain::Id id = 0;
  std::string name, name_en;
};

struct InterviewView {
  domain::Interview interview;
  std::string conducted_by_name;
  int number = 0;  // 1 for the first interview of this victim, ...
};

struct ApprovalView {
  domain::InterviewApproval approval;
  std::string requested_by_name, decided_by_name;
};

struct ConsentView {
  domain::ReferralConsent consent;
  std::vector<UnitName> agencies;
  std::string recorded_by_name;
};

struct ReferralUpdateView {
  domain::ReferralUpdate update;
  std::string actor_name;  // the officer or agency worker; "" for the system
  bool by_agency = false;  // made by a user of the agency the referral went to
};

struct ReferralView {
  domain::Referral referral;
  UnitName partner;
  std::string created_by_name;
  domain::ReferralStall stall = domain::ReferralStall::kNone;
  bool consent_active = true;
  std::vector<ReferralUpdateView> history;
};

struct NotificationView {
  storage::NotificationRecord record;  // payload_cipher cleared
  std::string message;                 // the text, in the victim's language
  std::string event;                   // "referral_update", "case_progress"
};

struct SurvivorCodeStatus {
  UnixSeconds issued_at = 0, expires_at = 0;
  int uses_left = 0;
  std::optional<UnixSeconds> last_used_at;
  std::string issued_by_name;
};

// One victim of a case and everything the support services hold about them (never identity).
struct VictimSupportEntry {
  domain::Person person;
  bool minor = false;
  int interview_count = 0;
  bool next_interview_needs_approval = false;
  bool has_unused_approval = false;
  std::vector<InterviewView> interviews;
  std::vector<ApprovalView> approvals;
  std::optional<UnixSeconds> preferences_updated_at;
  std::vector<ConsentView> consents;
  std::vector<ReferralView> referrals;
  std::optional<SurvivorCodeStatus> survivor_code;  // the active code, if any
  std::vector<NotificationView> notifications;
};

struct VictimSupportView {
  domain::Id case_id = 0;
  std::string case_reference;
  std::vector<VictimSupportEntry> victims;
  bool can_record_interview = false;
  bool can_approve = false;
  bool can_manage = false;
  bool can_read_preferences = false;
};

// Shown once: the code itself is never stored.
struct SurvivorCodeIssued {
  std::string code;  // "K7QM-4TZP-9C"
  UnixSeconds expires_at = 0;
  int uses_left = 0;
};

// The victim's contact details a partner agency may see, only the fields the consent names.
struct SharedContact {
  std::vector<domain::ContactField> fields;
  std::string name, phone, address, guardian_name, guardian_phone;
  std::optional<domain::ContactPreferences> preferences;  // channels, times, language, who
};

// A referral as its partner agency sees it: nothing of the investigation.
struct PartnerReferralView {
  domain::Referral referral;  // rendered without case, person and consent ids
  std::string pseudonym;
  UnitName partner;
  bool consent_withdrawn = false;
  domain::ReferralStall stall = domain::ReferralStall::kNone;
  std::optional<SharedContact> contact;  // single reads only, while consent and referral stand
  std::vector<ReferralUpdateView> history;
};

// A stalled referral on the officer's work list.
struct ReferralAlertView {
  domain::Referral referral;
  std::string case_reference;
  std::string pseudonym;
  UnitName partner;
  domain::ReferralStall stall = domain::ReferralStall::kNone;
};

struct SurvivorReferralView {
  domain::ReferralKind kind = domain::ReferralKind::kCounselling;
  UnitName agency;
  domain::ReferralStatus status = domain::ReferralStatus::kSent;
  std::string contact;  // the agency's contact for the survivor, once it accepted
};

// What a survivor sees: the stage in plain words, the evidence kit, the referrals' contacts.
struct SurvivorStatusView {
  std::string reference;
  domain::SurvivorStage stage = domain::SurvivorStage::kRegistered;
  bool kit_collected = false;
  std::optional<UnixSeconds> kit_collected_at;
  bool kit_examined = false;
  std::optional<UnixSeconds> kit_examined_at;
  std::vector<SurvivorReferralView> referrals;
  int uses_left = 0;
  UnixSeconds code_expires_at = 0;
};

}  // namespace aegis::services
