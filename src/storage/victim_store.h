// Storage for victim support (issue 3): interviews and further-interview approvals, encrypted
// contact preferences, referral consents, referrals and their history, survivor status codes and
// the notification outbox. A sub-interface of Repo (Repo::Victims()) so that the main interface
// stays readable; same transaction, same connection. Contact preferences and notification payloads
// arrive here already encrypted; survivor codes only as keyed hashes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/victim_support.h"
#include "storage/store.h"

namespace aegis::storage {

struct ContactPreferencesRecord {
  Id person_id = 0;
  Id case_id = 0;
  std::string cipher;  // encrypted domain::ContactPreferences
  Id updated_by = 0;
  UnixSeconds updated_at = 0;
};

struct SurvivorCodeRecord {
  Id id = 0;
  Id case_id = 0;
  Id person_id = 0;
  std::string code_hash;  // keyed BLAKE2b of the normalised code; the code itself is never stored
  Id issued_by = 0;
  UnixSeconds issued_at = 0;
  UnixSeconds expires_at = 0;
  int uses_left = 0;
  std::optional<UnixSeconds> last_used_at;
  std::optional<UnixSeconds> revoked_at;
};

struct NotificationRecord {
  Id id = 0;
  Id case_id = 0;
  Id person_id = 0;
  std::optional<Id> referral_id;
  domain::NotificationKind kind = domain::NotificationKind::kReferralUpdate;
  domain::NotificationStatus status = domain::NotificationStatus::kHeld;
  std::optional<domain::ContactChannel> channel;
  domain::WhoMayContact who = domain::WhoMayContact::kCaseTeamOnly;
  std::string language;
  UnixSeconds not_before = 0;
  std::string reason;
  std::string payload_cipher;  // encrypted message (what happened, in the victim's language)
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};

struct PartnerReferralQuery {
  Id partner_unit_id = 0;
  std::optional<domain::ReferralStatus> status;
  bool open_only = false;
  Page page;  // sort: "due_at" (default), "created_at", "updated_at"
};

class VictimRepo {
 public:
  virtual ~VictimRepo() = default;

  virtual StatusOr<Id> InsertInterview(const domain::Interview& interview) = 0;
  virtual StatusOr<std::vector<domain::Interview>> ListInterviews(Id case_id) = 0;

  virtual StatusOr<Id> InsertInterviewApproval(const domain::InterviewApproval& approval) = 0;
  virtual Status UpdateInterviewApproval(const domain::InterviewApproval& approval) = 0;
  virtual StatusOr<std::optional<domain::InterviewApproval>> GetInterviewApproval(Id id) = 0;
  virtual StatusOr<std::vector<domain::InterviewApproval>> ListInterviewApprovals(Id case_id) = 0;

  // Inserts or replaces the preferences of one person.
  virtual Status PutContactPreferences(const ContactPreferencesRecord& record) = 0;
  virtual StatusOr<std::optional<ContactPreferencesRecord>> GetContactPreferences(Id person_id) = 0;
  virtual StatusOr<std::vector<ContactPreferencesRecord>> ListContactPreferences(Id case_id) = 0;

  virtual StatusOr<Id> InsertConsent(const domain::ReferralConsent& consent) = 0;
  virtual Status UpdateConsent(const domain::ReferralConsent& consent) = 0;  // withdrawal fields
  virtual StatusOr<std::optional<domain::ReferralConsent>> GetConsent(Id id) = 0;
  virtual StatusOr<std::vector<domain::ReferralConsent>> ListConsents(Id case_id) = 0;

  virtual StatusOr<Id> InsertReferral(const domain::Referral& referral) = 0;
  virtual Status UpdateReferral(const domain::Referral& referral) = 0;  // status and notes
  virtual StatusOr<std::optional<domain::Referral>> GetReferral(Id id) = 0;
  virtual StatusOr<std::vector<domain::Referral>> ListReferralsForCase(Id case_id) = 0;
  virtual StatusOr<std::vector<domain::Referral>> ListReferralsForConsent(Id consent_id) = 0;
  virtual StatusOr<ListResult<domain::Referral>> ListReferralsForPartner(
      const PartnerReferralQuery& query) = 0;
  // Open referrals of cases where `user_id` made the referral or is on the case team that are
  // past their due date (sent or accepted) or in progress without an update since `quiet_since`.
  virtual StatusOr<std::vector<domain::Referral>> ListStalledReferrals(Id user_id, UnixSeconds now,
                                                                       UnixSeconds quiet_since,
                                                                       int limit) = 0;
  virtual StatusOr<Id> InsertReferralUpdate(const domain::ReferralUpdate& update) = 0;
  virtual StatusOr<std::vector<domain::ReferralUpdate>> ListReferralUpdates(Id referral_id) = 0;

  virtual StatusOr<Id> InsertSurvivorCode(const SurvivorCodeRecord& code) = 0;
  // Revokes every unrevoked code of a person (a new code replaces the old one).
  virtual Status RevokeSurvivorCodes(Id person_id, UnixSeconds at) = 0;
  virtual StatusOr<std::optional<SurvivorCodeRecord>> FindSurvivorCode(
      Id case_id, const std::string& code_hash) = 0;
  // Counts one use: uses_left - 1, last_used_at = at.
  virtual Status UseSurvivorCode(Id id, UnixSeconds at) = 0;
  virtual StatusOr<std::vector<SurvivorCodeRecord>> ListSurvivorCodes(Id case_id) = 0;
  virtual StatusOr<std::optional<Id>> FindCaseIdByReference(const std::string& reference) = 0;

  virtual StatusOr<Id> InsertNotification(const NotificationRecord& n) = 0;
  // Cancels the not yet delivered notifications about a referral (consent withdrawn).
  virtual Status CancelReferralNotifications(Id referral_id, UnixSeconds at) = 0;
  virtual StatusOr<std::vector<NotificationRecord>> ListNotifications(Id case_id, int limit) = 0;
};

}  // namespace aegis::storage
