// Aegis's application services: one function for each thing a user can do. HTTP handlers parse a
// request, call one of these and map the result; the CLI and the demo generator call them too.
// Every function takes the caller as a Principal, asks the Policy and leaves an audit record.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "domain/case_lifecycle.h"
#include "domain/major_case_rules.h"
#include "domain/model.h"
#include "domain/review_deadlines.h"
#include "services/audit.h"
#include "services/audit_chain.h"
#include "services/case_export.h"
#include "services/crypto.h"
#include "services/policy.h"
#include "services/victim_support.h"
#include "services/window_rate_limiter.h"
#include "storage/access_store.h"
#include "storage/store.h"

namespace aegis::services {

using domain::Id;

// ---- Inputs

struct VictimInput {
  domain::Sex sex = domain::Sex::kUnknown;
  std::optional<int> age;
  domain::Identity identity;  // raw as typed; validated and normalised by the service
};

struct ClueInput {
  domain::ClueSource source = domain::ClueSource::kWalkIn;
  std::optional<UnixSeconds> received_at;
  std::string summary;
  domain::ReviewTrack track = domain::ReviewTrack::kStandard;
  std::optional<Id> assigned_to;
  domain::OffenceFacts facts;
  std::optional<VictimInput> victim;
  std::string suspect_description;
  bool confirm_not_duplicate = false;
};

enum class ClueDecision { kFile, kDecline, kTransfer };

struct DecisionInput {
  ClueDecision decision = ClueDecision::kFile;
  std::string reason;
  std::optional<Id> to_unit_id;
  std::string title;
};

struct PersonInput {
  domain::PersonRole role = domain::PersonRole::kSuspect;
  domain::Sex sex = domain::Sex::kUnknown;
  std::optional<int> age_at_offence;
  domain::DutyOfCare duty_of_care = domain::DutyOfCare::kNone;
  std::string notes;
  domain::Identity identity;
};

struct TransitionInput {
  domain::CaseStage to = domain::CaseStage::kUnderInvestigation;
  std::string reason;
  std::optional<Id> procuratorate_unit_id;
};

struct ActionInput {
  std::string title;
  std::string description;
  std::optional<Id> owner_id;
  std::optional<UnixSeconds> due_at;
};

struct ActionPatch {
  std::optional<domain::ActionStatus> status;
  std::optional<std::string> result;
  std::optional<Id> owner_id;
  std::optional<UnixSeconds> due_at;
};

struct TeamInput {
  std::optional<Id> case_manager_id;
  std::optional<Id> lead_investigator_id;
  std::optional<Id> file_coordinator_id;
};

struct ClueListInput {
  std::optional<domain::ClueStatus> status;
  std::optional<domain::ReviewTrack> track;
  std::optional<domain::DeadlineState> deadline_state;  // on_time / due_soon / overdue (pending)
  std::optional<Id> unit_id;
  std::optional<Id> assigned_to;
  std::string text;
  storage::Page page;
};

struct CaseListInput {
  std::optional<domain::CaseStage> stage;
  std::optional<bool> major;
  std::optional<bool> historic;
  std::optional<Id> unit_id;
  std::optional<bool> overdue;
  std::string text;
  storage::Page page;
};

// ---- Views (what callers get back; never contain identities unless asked for and allowed)

struct DuplicateView {
  Id id = 0;
  std::string reference;
  std::string reason;
};

struct ClueView {
  domain::Clue clue;
  std::string unit_name;
  std::string assigned_to_name;
  domain::DeadlineState deadline_state = domain::DeadlineState::kOnTime;
  std::vector<DuplicateView> possible_duplicates;  // filled on single reads
};

struct CaseSummaryView {
  domain::Case c;
  std::string unit_name;
  std::string lead_investigator_name;
  std::optional<domain::DeadlineState> deadline_state;  // of stage_deadline, if any
  std::vector<std::string> victim_pseudonyms;
};

struct NamedRef {
  Id id = 0;
  std::string name;
  std::string name_en;
};

struct ChecklistView {
  domain::ChecklistItem item;
  std::string done_by_name;
};

struct EventView {
  domain::CaseEvent event;
  std::string actor_name;
};

struct ActionView {
  domain::Action action;
  std::string owner_name;
  bool overdue = false;
  std::string case_reference;
};

struct AssistanceView {
  domain::AssistanceRequest request;
  std::string from_unit_name, to_unit_name;
  std::string case_reference;
};

struct NextStageView {
  domain::CaseStage to;
  bool allowed = false;
  std::string why_not;
  bool requires_reason = false;
  bool requires_procuratorate = false;
};

struct CaseDetailView {
  CaseSummaryView summary;
  std::optional<NamedRef> case_manager, lead_investigator, file_coordinator;
  std::vector<domain::Person> persons;  // identity never filled here
  std::vector<bool> person_has_identity;
  std::vector<ChecklistView> checklist;
  std::vector<EventView> timeline;
  std::vector<ActionView> actions;
  std::vector<AssistanceView> assistance;
  std::vector<NamedRef> shared_with;
  std::vector<NextStageView> next_stages;
  bool can_reveal_identity = false;
  // Need-to-know: sections left out for this caller, whether it may change labels, whether the
  // case is read-only (sealed) and whether it is open to the caller only by break-glass.
  std::vector<domain::CaseSection> hidden_sections;
  bool can_label = false;
  bool read_only = false;
  bool via_break_glass = false;
  std::optional<UnixSeconds> break_glass_expires_at;
  bool can_export = false;  // may export the case for an audience outside the team
};

template <typename T>
struct ListView {
  std::vector<T> items;
  long long total = 0;
  bool total_capped = false;  // more than `total` match; the count stopped there
  int limit = 0;
  int offset = 0;
};

struct AlertView {
  storage::UserAlert alert;
  std::string case_reference;
};

struct WorklistView {
  std::vector<ClueView> clues;
  std::vector<CaseSummaryView> cases;
  std::vector<ActionView> actions;
  long long overdue = 0, due_soon = 0;
  std::vector<ReferralAlertView> referral_alerts;  // stalled referrals I made or my cases have
  std::vector<AlertView> alerts;                   // unread alerts (break-glass on my cases)
};

struct WorkloadView {
  Id user_id = 0;
  std::string display_name;
  long long open_actions = 0, overdue_actions = 0, open_cases = 0;
};

struct BoardView {
  std::vector<ClueView> pending_decisions;
  std::vector<CaseSummaryView> major_cases;
  std::vector<WorkloadView> workload;
  std::vector<AssistanceView> assistance_incoming;
  long long overdue_decisions = 0, due_soon_decisions = 0, open_major = 0;
};

struct DashboardView {
  std::optional<domain::Campaign> campaign;
  domain::Unit scope_unit;
  storage::CountFigures totals;
  std::vector<std::pair<domain::Unit, storage::CountFigures>> by_unit;
  std::vector<storage::MonthFigures> by_month;
};

struct LoginResult {
  std::string token;
  Principal principal;
  bool enrolment_only = false;  // the session may only enrol a second factor (see sign_in.cc)
};

// ---- Sign-in hardening (sign_in.cc)

struct LoginInput {
  std::string username, password;
  std::string totp;    // the one-time code, when the account has a second factor
  std::string remote;  // client address: rate limit and audit
};

// Why a sign-in was refused, beyond its Status: for the HTTP answer.
struct LoginRefusal {
  int retry_after_seconds = 0;  // ResourceExhausted: when to try again
  std::string code;             // "totp_required" or "totp_invalid" (Unauthenticated), else empty
};

struct SessionView {
  Id id = 0;
  UnixSeconds created_at = 0, last_seen = 0, expires_at = 0;
  std::string remote;
  bool current = false;
  bool enrolment_only = false;
};

struct TotpEnrolment {
  std::string secret;  // base32
  std::string uri;     // otpauth://totp/...
};

struct AccountSecurityView {
  bool totp_enabled = false;
  bool totp_required = false;   // the role must have a second factor
  bool totp_pending = false;    // an enrolment awaits confirmation
  bool enrolment_only = false;  // this session may only enrol
  std::optional<UnixSeconds> password_changed_at;
};

// Whether `role` must sign in with a second factor (administrators and supervisors).
bool RoleRequiresTotp(domain::Role role);

// One case record of an import (records migrated from another system, or a bulk load).
struct CaseImportRow {
  int line = 0;               // source line, for error messages
  domain::Case c;             // reference, title, stage, facts, dates; ids resolved by the service
  std::string unit_code;      // owning unit
  std::string lead_username;  // optional lead investigator
};

// Where Services::ImportCases reads its rows from, a batch at a time. Next is called from a thread
// of the import's own, never from two threads at once.
class CaseImportSource {
 public:
  virtual ~CaseImportSource() = default;
  // How many rows to expect (an estimate: it decides how the case indexes are maintained).
  virtual size_t ExpectedRows() const = 0;
  // Replaces `batch` with the next rows, at most `max_rows`; an empty batch is the end.
  virtual Status Next(std::vector<CaseImportRow>& batch, size_t max_rows) = 0;
};

struct ImportSummary {
  long long cases = 0, major = 0, historic = 0;
};

struct ServiceOptions {
  int session_hours = 12;
  int idle_minutes = 30;
  int lockout_failures = 5;            // consecutive failed sign-ins that lock the account
  int lockout_minutes = 15;            // how long the lock lasts
  int login_attempts_per_minute = 10;  // per client address (token bucket, burst of the same size)
  int enrolment_session_minutes = 30;  // lifetime of a session that may only enrol a second factor
  std::shared_ptr<const AuditSigner> audit_signer;  // seals the audit chain; null: no checkpoints
};

// Audit search (supervisors and privacy officers). See docs/api.md, GET /audit.
struct AuditSearchInput {
  std::optional<Id> user_id;
  std::string object_type;  // case, clue, person, assistance, user; empty = any
  std::optional<Id> object_id;
  std::string action;  // e.g. "case.read"; empty = any
  std::optional<bool> allowed;
  std::optional<UnixSeconds> since, until;
  bool outside_unit = false;  // accesses to objects owned outside the actor's own unit subtree
  storage::Page page;
};

struct AuditView {
  storage::AuditEntry entry;  // detail keeps only numbers and true/false unless the caller may
                              // see case content (Policy::MaySeeAuditDetail)
  std::string user_name;
  std::optional<Id> user_unit_id;
  std::string user_unit_name;
  std::optional<Id> object_unit_id;
  bool outside_unit = false;  // as storage::AuditHit::outside_unit
};

// ---- Need-to-know access (access_service.cc)
// A change of a case's sensitivity; unset fields stay as they are.
struct SensitivityInput {
  std::optional<bool> restricted;
  std::optional<bool> sealed;
  std::string seal_reference;  // the court order; required when sealing
  std::optional<std::vector<domain::CaseSection>> restricted_sections;
  std::string reason;  // required
};
// An emergency request to open a case: by id or by its reference.
struct BreakGlassInput {
  std::optional<Id> case_id;
  std::string reference;
  std::string reason;  // at least 10 characters: what the emergency is
};
struct BreakGlassView {
  storage::BreakGlassGrant grant;
  std::string case_reference;
  std::string user_name, user_unit_name;
  std::string reviewer_name;
};
// How long a break-glass grant lasts.
inline constexpr UnixSeconds kBreakGlassSeconds = 4 * 3600;

class RateLimiter;

class Services {
 public:
  // `store` must outlive the services. Rule sets default to the built-in ones.
  Services(storage::Store& store, Vault vault, ServiceOptions options = {});
  ~Services();

  void SetDeadlineRules(domain::DeadlineRules rules) { deadline_rules_ = std::move(rules); }
  void SetMajorCaseRules(domain::MajorCaseRuleSet rules) { major_rules_ = std::move(rules); }
  const domain::DeadlineRules& deadline_rules() const { return deadline_rules_; }
  const domain::MajorCaseRuleSet& major_rules() const { return major_rules_; }
  const Policy& policy() const { return policy_; }
  storage::Store& store() { return store_; }
  Auditor& auditor() { return *auditor_; }
  // Tests move time; production uses the wall clock.
  void SetClock(std::function<UnixSeconds()> clock) { clock_ = std::move(clock); }
  UnixSeconds Now() const { return clock_(); }

  // ---- Sign-in
  StatusOr<LoginResult> Login(const std::string& username, const std::string& password,
                              const std::string& remote);
  Status Logout(const std::string& token);
  // Resolves a bearer token to the caller; Unauthenticated when missing, unknown or expired.
  StatusOr<Principal> Authenticate(const std::string& token, const std::string& remote);
  // Signs in with the rate limit, lockout and second factor; `refusal` says more on failure.
  StatusOr<LoginResult> Login(const LoginInput& in, LoginRefusal* refusal = nullptr);
  // Sets a new password (rules of domain/password_rules.h) and signs out the caller's other
  // sessions; returns how many were ended.
  StatusOr<int> ChangePassword(const Principal& p, const std::string& current_password,
                               const std::string& new_password);
  // Starts (or restarts) TOTP enrolment: a new secret awaiting confirmation. Needs the password.
  StatusOr<TotpEnrolment> EnrolTotp(const Principal& p, const std::string& current_password);
  // Confirms the pending secret with a code from it: the second factor is then on, this session
  // becomes a full one and the caller's other sessions are ended.
  Status ConfirmTotp(const Principal& p, const std::string& code);
  // Turns the second factor off (only for roles that do not require it).
  Status DisableTotp(const Principal& p, const std::string& current_password,
                     const std::string& code);
  StatusOr<AccountSecurityView> AccountSecurity(const Principal& p);
  // The caller's live sessions, newest first.
  StatusOr<std::vector<SessionView>> ListSessions(const Principal& p);
  // Ends one of the caller's sessions; NotFound when it is not theirs.
  Status RevokeSession(const Principal& p, Id session_id);
  // Ends every session of a user in the caller's unit subtree (supervisors, administrators).
  StatusOr<int> RevokeUserSessions(const Principal& p, Id user_id);

  // ---- Administration (also used by the CLI with a system principal)
  StatusOr<domain::User> AddUser(const std::string& username, const std::string& display_name,
                                 domain::Role role, const std::string& unit_code,
                                 const std::string& password);

  // Imports cases (CLI, run by an administrator on the server), all or nothing: one transaction,
  // and the first invalid row (in source order) ends it with an error naming the row's line.
  // Major-case rules and the historic mark are applied as on filing. Rows are read and validated
  // on a second thread while the previous batch is written.
  StatusOr<ImportSummary> ImportCases(CaseImportSource& source);
  StatusOr<ImportSummary> ImportCases(std::vector<CaseImportRow>& rows);

  // ---- Reference data
  StatusOr<std::vector<domain::Unit>> ListUnits(const Principal& p);
  StatusOr<std::vector<domain::User>> ListUsers(const Principal& p, std::optional<Id> unit_id,
                                                std::optional<domain::Role> role);
  StatusOr<std::vector<domain::Campaign>> ListCampaigns(const Principal& p);

  // ---- Clues
  StatusOr<std::vector<DuplicateView>> CheckDuplicates(const Principal& p, const ClueInput& in);
  // Creates a clue; Conflict("possible_duplicate") with `duplicates` filled when not confirmed.
  StatusOr<ClueView> CreateClue(const Principal& p, const ClueInput& in,
                                std::vector<DuplicateView>* duplicates);
  StatusOr<ClueView> GetClue(const Principal& p, Id id);
  StatusOr<ListView<ClueView>> ListClues(const Principal& p, const ClueListInput& in);
  StatusOr<ClueView> ChangeTrack(const Principal& p, Id id, domain::ReviewTrack track,
                                 const std::string& reason);
  // Returns the clue and, when filed, the new case.
  StatusOr<std::pair<ClueView, std::optional<CaseSummaryView>>> Decide(const Principal& p, Id id,
                                                                       const DecisionInput& in);

  // ---- Cases
  StatusOr<ListView<CaseSummaryView>> ListCases(const Principal& p, const CaseListInput& in);
  StatusOr<CaseDetailView> GetCase(const Principal& p, Id id);
  StatusOr<CaseDetailView> Transition(const Principal& p, Id id, const TransitionInput& in);
  StatusOr<CaseDetailView> SetChecklist(const Principal& p, Id id, const std::string& key,
                                        bool done);
  StatusOr<CaseDetailView> AddPerson(const Principal& p, Id id, const PersonInput& in);
  StatusOr<domain::Identity> RevealIdentity(const Principal& p, Id case_id, Id person_id);
  StatusOr<CaseDetailView> AddAction(const Principal& p, Id id, const ActionInput& in);
  StatusOr<CaseDetailView> UpdateAction(const Principal& p, Id id, Id action_id,
                                        const ActionPatch& in);
  StatusOr<CaseDetailView> SetTeam(const Principal& p, Id id, const TeamInput& in);
  StatusOr<CaseDetailView> RequestAssistance(const Principal& p, Id id, Id to_unit,
                                             const std::string& request);
  StatusOr<AssistanceView> AnswerAssistance(const Principal& p, Id assistance_id, bool accept,
                                            const std::string& response);
  StatusOr<CaseDetailView> ShareCase(const Principal& p, Id id, Id unit_id);

  // ---- Work and figures
  StatusOr<WorklistView> Worklist(const Principal& p);
  StatusOr<BoardView> Board(const Principal& p);
  StatusOr<DashboardView> Dashboard(const Principal& p, std::optional<Id> campaign_id,
                                    std::optional<Id> unit_id);

  // ---- Need-to-know access (access_service.cc)
  // Sets the purpose the caller states for this request (X-Aegis-Purpose). InvalidArgument for an
  // unknown name; PermissionDenied (audited) for one the role may not state.
  Status StatePurpose(Principal& p, std::string_view purpose);
  // Restricts, seals or unseals a case, or restricts some of its sections (supervisors over the
  // owning unit). Recorded on the timeline and in the audit.
  StatusOr<CaseDetailView> SetCaseSensitivity(const Principal& p, Id id,
                                              const SensitivityInput& in);
  // Opens a case the caller may not otherwise open, for kBreakGlassSeconds, read-only. The case
  // team and the owning unit's supervisors are alerted; every look under the grant is marked in
  // the audit. An unknown or sealed case answers NotFound; Conflict when already open to the
  // caller.
  StatusOr<BreakGlassView> BreakGlass(const Principal& p, const BreakGlassInput& in);
  // Break-glass grants on cases of, or by users of, the caller's unit subtree (for review).
  StatusOr<std::vector<BreakGlassView>> ListBreakGlass(const Principal& p, bool unreviewed_only);
  // Records the review of a grant: justified or not (a note is then required).
  StatusOr<BreakGlassView> ReviewBreakGlass(const Principal& p, Id grant_id, bool justified,
                                            const std::string& note);
  StatusOr<std::vector<AlertView>> ListAlerts(const Principal& p, bool unread_only);
  Status MarkAlertRead(const Principal& p, Id alert_id);

  // ---- Audit (audit_service.cc)
  // Audit records by users of, or about records owned by, the caller's unit subtree; newest first.
  // object_type "person" with an object_id also returns the accesses to that person's case.
  StatusOr<ListView<AuditView>> SearchAudit(const Principal& p, const AuditSearchInput& in);
  // ---- Victim support (victim_support_service.cc, survivor_status.cc)
  // Interviews, consents, referrals, codes and notifications of every victim of a case.
  StatusOr<VictimSupportView> GetVictimSupport(const Principal& p, Id case_id);
  // Records an interview; a further interview of a minor consumes a supervisor's approval (Conflict
  // without one). The first interview ticks the checklist item victim_interview.
  StatusOr<VictimSupportView> RecordInterview(const Principal& p, Id case_id,
                                              const InterviewInput& in);
  StatusOr<VictimSupportView> RequestFurtherInterview(const Principal& p, Id case_id, Id person_id,
                                                      const std::string& reason);
  // A supervisor other than the requester approves or refuses (a refusal needs a note).
  StatusOr<VictimSupportView> DecideFurtherInterview(const Principal& p, Id case_id, Id approval_id,
                                                     bool approve, const std::string& note);
  // Decrypts a victim's contact preferences (audited; allowed like an identity reveal).
  StatusOr<domain::ContactPreferences> GetContactPreferences(const Principal& p, Id case_id,
                                                             Id person_id);
  StatusOr<VictimSupportView> SetContactPreferences(const Principal& p, Id case_id, Id person_id,
                                                    const domain::ContactPreferences& prefs);
  StatusOr<VictimSupportView> RecordConsent(const Principal& p, Id case_id, const ConsentInput& in);
  // Withdraws a consent: its open referrals become withdrawn and nothing more is shared.
  StatusOr<VictimSupportView> WithdrawConsent(const Principal& p, Id case_id, Id consent_id,
                                              const std::string& note);
  StatusOr<VictimSupportView> CreateReferral(const Principal& p, Id case_id,
                                             const ReferralInput& in);
  // A new survivor status code for a victim (shown once; replaces any earlier code).
  StatusOr<SurvivorCodeIssued> IssueSurvivorCode(const Principal& p, Id case_id, Id person_id);
  StatusOr<VictimSupportView> RevokeSurvivorCode(const Principal& p, Id case_id, Id person_id);
  // A partner agency's own referrals; anything else answers as unknown.
  StatusOr<ListView<PartnerReferralView>> ListPartnerReferrals(const Principal& p,
                                                               const PartnerReferralListInput& in);
  // One referral with the contact details the victim agreed to share (decrypted for this read).
  StatusOr<PartnerReferralView> GetPartnerReferral(const Principal& p, Id referral_id);
  StatusOr<PartnerReferralView> UpdateReferralStatus(const Principal& p, Id referral_id,
                                                     const ReferralStatusInput& in);
  // Stalled referrals for `p`'s work list (made by `p` or on cases where `p` is on the team).
  StatusOr<std::vector<ReferralAlertView>> StalledReferrals(const Principal& p);
  // ---- Case exports (export_service.cc; the flow is described in services/case_export.h)
  // The redacted export document of a case, as it would be handed out, with every masked span.
  StatusOr<ExportPreview> PreviewExport(const Principal& p, Id case_id, const ExportRequest& in);
  // Stores the export previewed with `in.preview_hash` (Conflict when the case changed since).
  StatusOr<ExportView> CreateExport(const Principal& p, Id case_id, const ExportRequest& in);
  // A case's exports, newest first (without documents).
  StatusOr<std::vector<ExportView>> ListExports(const Principal& p, Id case_id);
  // One export with its document; other cases' exports answer as unknown.
  StatusOr<ExportView> GetExport(const Principal& p, Id export_id);

  // The survivor status page (no sign-in). Every failure to match answers NotFound with the same
  // message; ResourceExhausted (with `*retry_after` seconds) over the per-address limit.
  StatusOr<SurvivorStatusView> SurvivorStatus(const std::string& reference, const std::string& code,
                                              const std::string& remote, UnixSeconds* retry_after);

 private:
  // Recently validated sessions, so that a burst of requests does not re-read the session, user and
  // unit rows each time. Entries live a few seconds; logout removes them at once.
  struct CachedSession {
    Principal principal;
    UnixSeconds expires_at = 0;
    UnixSeconds last_seen = 0;  // as stored
    UnixSeconds checked_at = 0;
  };
  static constexpr UnixSeconds kSessionCacheSeconds = 5;
  std::mutex session_mu_;
  std::unordered_map<std::string, CachedSession> session_cache_;
  void ForgetSession(const std::string& token_hash);
  void ForgetAllSessions();  // after sessions were ended or changed in the store

  storage::Store& store_;
  Vault vault_;
  ServiceOptions options_;
  Policy policy_;
  domain::DeadlineRules deadline_rules_;
  domain::MajorCaseRuleSet major_rules_;
  std::function<UnixSeconds()> clock_;
  std::unique_ptr<Auditor> auditor_;
  std::unique_ptr<RateLimiter> login_limiter_;
  WindowRateLimiter survivor_limiter_{kSurvivorLookupsPerWindow, kSurvivorLookupWindow};
};

}  // namespace aegis::services
