// The storage interface: everything services need from a database, and nothing else.
// Implementations: SQLite (sqlite_store.cc, the embedded default); PostgreSQL is to follow behind
// the same interface. Storage never sees a victim's identity in the clear: services hand it
// ciphertext and keyed blind indexes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/model.h"

namespace aegis::storage {

using domain::Id;

class VictimRepo;  // victim support tables (storage/victim_store.h)
class AccessRepo;  // labels, break-glass grants, alerts (storage/access_store.h)
class ExportRepo;  // case exports (storage/export_store.h)

// Keyed hashes of normalised identity fields, so "same victim" can be found without decrypting.
struct BlindIndex {
  std::string name;  // empty when the field was not given
  std::string id_number;
  std::string phone;
};

struct UserRecord {
  domain::User user;
  std::string password_hash;  // argon2id encoded string
};

struct SessionRecord {
  std::string token_hash;  // BLAKE2b of the bearer token; the token itself is never stored
  Id user_id = 0;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;
  UnixSeconds last_seen = 0;
  Id id = 0;                    // public id, shown in session lists (never the token hash)
  std::string remote;           // client address the session was opened from
  bool enrolment_only = false;  // password only: may do nothing but enrol a second factor
};

// Per-account sign-in state: lockout counters and the TOTP second factor.
struct UserAuthRecord {
  Id user_id = 0;
  int failed_logins = 0;                    // consecutive failures since the last success or lock
  std::optional<UnixSeconds> locked_until;  // sign-in refused until then
  std::string totp_secret;                  // vault ciphertext of the active secret; empty: none
  std::string totp_pending;                 // vault ciphertext of a secret awaiting confirmation
  std::optional<UnixSeconds> totp_enabled_at;
  long long totp_last_step = 0;  // last accepted time step (replays are refused)
  std::optional<UnixSeconds> password_changed_at;
};

struct ClueRecord {
  domain::Clue clue;
  domain::Sex victim_sex = domain::Sex::kUnknown;
  std::string victim_identity_cipher;  // empty when no identity was recorded
  BlindIndex victim_index;
  std::string unit_path;  // filled by the store on reads
};

struct PersonRecord {
  domain::Person person;            // person.identity is always empty here
  std::string identity_cipher;      // encrypted Identity (protected persons)
  std::string identity_plain_json;  // Identity JSON for unprotected persons (suspects, ...)
  BlindIndex index;
  std::optional<UnixSeconds> detained_at;  // suspects: when detained or arrested
};

// The columns that hold vault ciphertext (services/sealed_columns.h says what each is bound to).
// Key rotation and verification walk them; nothing else reads a column through this list.
enum class SealedColumn {
  kClueVictimIdentity,   // clues.victim_identity; row: clue id
  kPersonIdentity,       // persons.identity_cipher; row: person id
  kTotpSecret,           // user_auth.totp_secret; row: user id
  kTotpPending,          // user_auth.totp_pending; row: user id
  kContactPreferences,   // contact_preferences.cipher; row: person id
  kNotificationPayload,  // notification_outbox.payload; row: notification id
};
inline constexpr SealedColumn kAllSealedColumns[] = {
    SealedColumn::kClueVictimIdentity, SealedColumn::kPersonIdentity,
    SealedColumn::kTotpSecret,         SealedColumn::kTotpPending,
    SealedColumn::kContactPreferences, SealedColumn::kNotificationPayload};
// "table.column", for messages and for the vault contexts.
std::string_view SealedColumnName(SealedColumn column);

// One stored ciphertext and the row's immutable facts that its vault context is made of; fields a
// column does not use stay empty.
struct SealedCell {
  Id row = 0;
  std::string cipher;
  std::string reference;       // clues: the clue reference
  Id case_id = 0;              // persons, contact preferences, notifications
  std::string pseudonym;       // persons
  Id person_id = 0;            // notifications
  std::string kind;            // notifications
  UnixSeconds created_at = 0;  // notifications
};

// Which cases a caller may see, expressed as storage filters. Built only by the policy point.
struct CaseScope {
  bool all = false;                             // no restriction
  std::vector<std::string> unit_path_prefixes;  // cases owned by these unit subtrees
  std::optional<Id> team_member;                // cases where this user is on the team
  std::vector<Id> shared_units;                 // cases shared with / assisted by these units
  std::optional<Id> procuratorate_unit;         // cases transferred to this procuratorate
  // Labelled cases (Case::stored_labels & hidden_labels) are in scope only through the team,
  // the procuratorate, `label_cleared_prefixes` or a break-glass grant, not through
  // unit_path_prefixes or shared_units.
  std::uint32_t hidden_labels = 0;
  std::vector<std::string> label_cleared_prefixes;
  // Cases opened by break-glass (never a case with one of `grant_excluded_labels`).
  std::vector<Id> break_glass_cases;
  std::uint32_t grant_excluded_labels = 0;
  bool empty() const {
    return !all && unit_path_prefixes.empty() && !team_member && shared_units.empty() &&
           !procuratorate_unit && label_cleared_prefixes.empty() && break_glass_cases.empty();
  }
  bool operator==(const CaseScope&) const = default;
};

struct Page {
  int limit = 50;
  int offset = 0;
  std::string sort;  // column key, validated by the caller against an allow-list
  bool descending = true;
  // Counting stops here: "10,000+ cases" is as useful to a person as the exact figure, and an exact
  // count over a million rows costs a full scan on every page view.
  long long count_limit = 10000;
};

struct ClueQuery {
  std::vector<std::string> unit_path_prefixes;  // empty = no unit restriction
  // Leaves out clues whose case carries one of these stored labels (restricted, sealed).
  std::uint32_t hidden_case_labels = 0;
  std::optional<domain::ClueStatus> status;
  std::optional<domain::ReviewTrack> track;
  std::optional<Id> unit_id;  // exact receiving unit
  std::optional<Id> assigned_to;
  std::optional<UnixSeconds> deadline_before;  // review_deadline < value (pending only)
  std::optional<UnixSeconds> deadline_after;
  std::string text;  // matches reference or summary
  Page page;
};

struct CaseQuery {
  CaseScope scope;
  std::optional<domain::CaseStage> stage;
  std::optional<bool> major;
  std::optional<bool> historic;
  std::optional<Id> unit_path_of;              // restrict to this unit's subtree
  std::optional<bool> open;                    // open stages only
  std::optional<UnixSeconds> deadline_before;  // stage_deadline < value
  std::optional<Id> team_member;               // additionally: on the team
  std::string text;                            // matches reference or title
  Page page;
};

template <typename T>
struct ListResult {
  std::vector<T> items;
  long long total = 0;        // exact up to the page's count_limit
  bool total_capped = false;  // true when more than count_limit rows match
};

struct DuplicateProbe {
  Id exclude_clue_id = 0;
  BlindIndex victim;
  std::string suspect_description;  // normalised (lower-case, single spaces)
  std::optional<UnixSeconds> offence_time;
  std::optional<double> latitude, longitude;
  double radius_m = 250;
  UnixSeconds time_window = 24 * 3600;
};

struct DuplicateHit {
  Id clue_id = 0;
  std::string reference;
  std::string reason;  // same_victim_id_number, same_victim_phone, same_victim_name, same_suspect,
                       // same_place_time
  std::optional<Id> case_id;
};

struct AuditRecord {
  UnixSeconds at = 0;
  std::optional<Id> user_id;
  std::string action;       // "case.read", "clue.create", "identity.reveal", "auth.login", ...
  std::string object_type;  // "case", "clue", "person", "user", ...
  std::optional<Id> object_id;
  bool allowed = true;
  std::string detail;   // short JSON; never identity fields
  std::string remote;   // client address
  std::string purpose;  // why the access happened (e.g. a break-glass reason); may be empty
};

// ---- The audit hash chain (see storage/audit_chain_codec.h and services/audit_chain.h).

// An audit record as stored: its position in the chain and its chain hash. `malformed` names a
// column whose stored value has the wrong type or an impossible value (only an edit of the file
// outside Aegis produces one); such a value cannot be encoded faithfully, so it is reported.
struct AuditEntry {
  long long seq = 0;
  AuditRecord record;
  std::string hash;       // BLAKE2b-256(previous hash || encoding); empty if missing
  std::string malformed;  // empty when every column is well-formed
};

// The last record of the chain: seq 0 and an empty hash when the log is empty.
struct AuditHead {
  long long seq = 0;
  std::string hash;
};

// A signed seal of the chain head: Ed25519 over (seq, hash, at), see services/audit_chain.h.
struct AuditCheckpoint {
  Id id = 0;
  long long seq = 0;
  std::string hash;
  UnixSeconds at = 0;
  std::string public_key;  // 32 bytes
  std::string signature;   // 64 bytes
  std::string malformed;   // as for AuditEntry
};

// Audit search: records by actors in, or about objects owned by, the scope's unit subtrees.
struct AuditQuery {
  bool all = false;                             // no unit restriction
  std::vector<std::string> unit_path_prefixes;  // empty (and not all): nothing matches
  std::optional<Id> user_id;                    // the actor
  std::string object_type;                      // exact; empty = any
  std::optional<Id> object_id;
  std::optional<Id> also_case_id;  // with object_id: also records about this case, when it is
                                   // owned inside the unit prefixes
  std::string action;              // exact; empty = any
  std::optional<bool> allowed;
  std::optional<UnixSeconds> since;  // at >= since
  std::optional<UnixSeconds> until;  // at < until
  // Only accesses to a case, clue, person or assistance request not owned by the actor's unit
  // subtree (ids of no object included: to the searcher they are alike).
  bool outside_unit = false;
  Page page;  // sorted by seq, newest first unless page.descending is false
};

// One search hit with what the store knows about the actor and the object's owning unit.
struct AuditHit {
  AuditEntry entry;
  std::optional<Id> actor_unit_id;
  // Owning unit of a case, clue, person or assistance request; only when inside the query's unit
  // prefixes (or the query is not restricted), so that another unit's object looks unknown.
  std::optional<Id> object_unit_id;
  // An access to a case, clue, person or assistance request outside the actor's unit subtree, or
  // to an id that names nothing (as AuditQuery::outside_unit).
  bool outside_unit = false;
};

struct ChecklistState {
  std::string key;
  std::optional<UnixSeconds> done_at;
  std::optional<Id> done_by;
};

struct CountFigures {
  long long clues_received = 0, cases_filed = 0, cases_solved = 0, historic_solved = 0,
            suspects_arrested = 0, overdue_decisions = 0, open_major = 0, minor_victim_cases = 0;
};

struct UnitFigures {
  Id unit_id = 0;
  CountFigures figures;
};

struct MonthFigures {
  std::string month;  // "2025-01"
  long long clues = 0, filed = 0, solved = 0;
};

struct DashboardQuery {
  CaseScope scope;                              // cases counted
  std::vector<std::string> clue_unit_prefixes;  // clues counted (empty with scope.all = all)
  // Clues whose case carries one of these labels are not counted (as in ClueQuery).
  std::uint32_t hidden_clue_case_labels = 0;
  std::string scope_unit_path;  // restrict everything to this subtree
  UnixSeconds since = 0;
  std::optional<UnixSeconds> until;
  UnixSeconds now = 0;
  std::vector<std::pair<Id, std::string>> group_units;  // (unit id, path): rows of by_unit
};

struct DashboardFigures {
  CountFigures totals;
  std::vector<UnitFigures> by_unit;
  std::vector<MonthFigures> by_month;
};

struct WorkloadRow {
  Id user_id = 0;
  long long open_actions = 0, overdue_actions = 0, open_cases = 0;
};

// A bulk load of cases in progress (Repo::StartCaseBulkLoad).
class CaseBulkLoad {
 public:
  // From this many expected rows on, indexes are rebuilt at the end instead of kept up to date.
  static constexpr size_t kRebuildThreshold = 50000;
  virtual ~CaseBulkLoad() = default;
  // Inserts `cases` and fills their ids. A duplicate reference is a Conflict naming it.
  virtual Status Add(std::vector<domain::Case>& cases) = 0;
  // Rebuilds what the load dropped (indexes, dashboard counters, planner statistics).
  virtual Status Finish() = 0;
};

// Operations on one connection inside one transaction. Not thread-safe; obtained from Store.
class Repo {
 public:
  virtual ~Repo() = default;

  virtual StatusOr<Id> InsertUnit(const domain::Unit& unit) = 0;  // computes unit.path
  virtual StatusOr<std::vector<domain::Unit>> ListUnits() = 0;
  virtual StatusOr<std::optional<domain::Unit>> GetUnit(Id id) = 0;

  virtual StatusOr<Id> InsertUser(const UserRecord& user) = 0;
  virtual StatusOr<std::optional<UserRecord>> FindUserByUsername(const std::string& username) = 0;
  virtual StatusOr<std::optional<domain::User>> GetUser(Id id) = 0;
  // Users of units under `unit_path_prefix` (all when empty), optionally one role.
  virtual StatusOr<std::vector<domain::User>> ListUsers(const std::string& unit_path_prefix,
                                                        std::optional<domain::Role> role) = 0;
  virtual Status SetPasswordHash(Id user_id, const std::string& hash) = 0;

  virtual Status InsertSession(const SessionRecord& session) = 0;
  virtual StatusOr<std::optional<SessionRecord>> FindSession(const std::string& token_hash) = 0;
  virtual Status TouchSession(const std::string& token_hash, UnixSeconds now) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // ---- sign-in hardening: sessions by public id, lockout and second factor
  // The user's sessions, newest first (expired ones included until pruned).
  virtual StatusOr<std::vector<SessionRecord>> ListSessions(Id user_id) = 0;
  // Deletes one session of `user_id`; false when it is not theirs or does not exist.
  virtual StatusOr<bool> DeleteSessionById(Id user_id, Id session_id) = 0;
  // Deletes the user's sessions except `keep` (if given); returns how many.
  virtual StatusOr<int> DeleteSessionsOfUser(Id user_id, std::optional<Id> keep) = 0;
  // Deletes the user's sessions that expired or were idle since before `idle_before`.
  virtual Status DeleteStaleSessions(Id user_id, UnixSeconds now, UnixSeconds idle_before) = 0;
  // Lifts a session's enrolment-only limit and sets its absolute expiry.
  virtual Status PromoteSession(Id session_id, UnixSeconds expires_at) = 0;
  virtual StatusOr<std::optional<UserAuthRecord>> GetUserAuth(Id user_id) = 0;
  // Inserts or replaces the record.
  virtual Status PutUserAuth(const UserAuthRecord& record) = 0;

  // Next value of a named counter (reference numbers), starting at 1.
  virtual StatusOr<long long> NextSequence(const std::string& name) = 0;

  virtual StatusOr<Id> InsertClue(const ClueRecord& clue) = 0;
  virtual StatusOr<std::optional<ClueRecord>> GetClue(Id id) = 0;
  virtual Status UpdateClue(const ClueRecord& clue) = 0;  // decision, track, assignment fields
  virtual StatusOr<ListResult<ClueRecord>> ListClues(const ClueQuery& query) = 0;
  virtual StatusOr<std::vector<DuplicateHit>> FindDuplicates(const DuplicateProbe& probe) = 0;

  virtual StatusOr<Id> InsertCase(const domain::Case& c) = 0;
  // Starts loading many cases in this transaction (imports). With `expected_rows` at or above
  // CaseBulkLoad::kRebuildThreshold the case indexes are dropped now and rebuilt once by Finish,
  // several times faster than updating them row by row. Finish must run before the transaction
  // commits; no other case statement may run on this Repo until it has.
  virtual StatusOr<std::unique_ptr<CaseBulkLoad>> StartCaseBulkLoad(size_t expected_rows) = 0;
  // Inserts `cases` (filling each id) through one bulk load.
  Status BulkInsertCases(std::vector<domain::Case>& cases);
  virtual StatusOr<std::optional<domain::Case>> GetCase(Id id) = 0;
  virtual Status UpdateCase(const domain::Case& c) = 0;
  virtual StatusOr<ListResult<domain::Case>> ListCases(const CaseQuery& query) = 0;
  // True when the case is inside `scope` (same rules as ListCases).
  virtual StatusOr<bool> CaseInScope(Id case_id, const CaseScope& scope) = 0;
  // Case `id` when it is in `scope`; nothing when it is unknown or out of scope (one statement,
  // the same for both).
  virtual StatusOr<std::optional<domain::Case>> GetCaseInScope(Id id, const CaseScope& scope) = 0;

  virtual StatusOr<Id> InsertPerson(const PersonRecord& person) = 0;
  virtual StatusOr<std::vector<PersonRecord>> ListPersons(Id case_id) = 0;
  virtual StatusOr<std::optional<PersonRecord>> GetPerson(Id person_id) = 0;
  virtual Status MarkSuspectsDetained(Id case_id, UnixSeconds at) = 0;

  virtual StatusOr<Id> InsertEvent(const domain::CaseEvent& event) = 0;
  virtual StatusOr<std::vector<domain::CaseEvent>> ListEvents(Id case_id) = 0;

  virtual Status SetChecklist(Id case_id, const std::string& key,
                              std::optional<UnixSeconds> done_at, std::optional<Id> done_by) = 0;
  virtual StatusOr<std::vector<ChecklistState>> ListChecklist(Id case_id) = 0;

  virtual StatusOr<Id> InsertAction(const domain::Action& action) = 0;
  virtual Status UpdateAction(const domain::Action& action) = 0;
  virtual StatusOr<std::optional<domain::Action>> GetAction(Id id) = 0;
  virtual StatusOr<std::vector<domain::Action>> ListActions(Id case_id) = 0;
  virtual StatusOr<std::vector<domain::Action>> ListOpenActionsOf(Id owner_id, int limit) = 0;
  virtual StatusOr<std::vector<WorkloadRow>> Workload(const std::string& unit_path_prefix,
                                                      UnixSeconds now) = 0;

  virtual StatusOr<Id> InsertAssistance(const domain::AssistanceRequest& request) = 0;
  virtual Status UpdateAssistance(const domain::AssistanceRequest& request) = 0;
  virtual StatusOr<std::optional<domain::AssistanceRequest>> GetAssistance(Id id) = 0;
  virtual StatusOr<std::vector<domain::AssistanceRequest>> ListAssistanceForCase(Id case_id) = 0;
  virtual StatusOr<std::vector<domain::AssistanceRequest>> ListAssistanceTo(Id unit_id,
                                                                            bool open_only) = 0;

  virtual Status InsertShare(Id case_id, Id unit_id, Id by_user, UnixSeconds at) = 0;
  virtual StatusOr<std::vector<Id>> ListShares(Id case_id) = 0;

  virtual StatusOr<Id> InsertCampaign(const domain::Campaign& campaign) = 0;
  virtual StatusOr<std::vector<domain::Campaign>> ListCampaigns() = 0;

  // Appends records to the audit chain: each gets the next seq and its chain hash, computed with
  // the store's audit hasher inside this transaction (so a record and its hash commit together).
  virtual Status AppendAudit(const std::vector<AuditRecord>& records) = 0;
  virtual StatusOr<std::vector<AuditRecord>> ListAudit(std::optional<Id> object_id,
                                                       const std::string& object_type,
                                                       int limit) = 0;
  // The newest record of the chain.
  virtual StatusOr<AuditHead> GetAuditHead() = 0;
  // Calls `fn` for every audit record in ascending seq order (one snapshot); stops at an error.
  virtual Status ScanAuditChain(const std::function<Status(const AuditEntry&)>& fn) = 0;
  virtual StatusOr<Id> InsertAuditCheckpoint(const AuditCheckpoint& checkpoint) = 0;
  virtual StatusOr<std::optional<AuditCheckpoint>> LastAuditCheckpoint() = 0;
  // Calls `fn` for every checkpoint in ascending (seq, id) order.
  virtual Status ScanAuditCheckpoints(const std::function<Status(const AuditCheckpoint&)>& fn) = 0;
  virtual StatusOr<ListResult<AuditHit>> SearchAudit(const AuditQuery& query) = 0;
  // Indexes the newest audit records by object in bulk (run now and then by the auditor, not per
  // record); returns how many records it covered. Lookups by object are complete either way.
  virtual StatusOr<long long> IndexAuditObjects() = 0;

  virtual StatusOr<DashboardFigures> Dashboard(const DashboardQuery& query) = 0;

  // ---- key rotation: the ciphertext columns, walked in row order
  // Up to `limit` non-empty cells of `column` with row > `after_row`, ascending.
  virtual StatusOr<std::vector<SealedCell>> ListSealedCells(SealedColumn column, Id after_row,
                                                            int limit) = 0;
  virtual StatusOr<long long> CountSealedCells(SealedColumn column) = 0;
  // Replaces one cell's ciphertext (the same value under another key); NotFound if the row is gone.
  virtual Status UpdateSealedCell(SealedColumn column, Id row, const std::string& cipher) = 0;

  // Interviews, consents, referrals, survivor codes and the outbox, in this same transaction.
  virtual VictimRepo& Victims() = 0;
  // Sensitivity labels, break-glass grants and alerts, in this same transaction.
  virtual AccessRepo& Access() = 0;

  // Case exports, in this same transaction.
  virtual ExportRepo& Exports() = 0;
};

// Hashes `data` to 32 bytes. The audit chain's hash function, injected by services (BLAKE2b-256 via
// libsodium, see services::OpenStore) so that storage needs no cryptography library of its own.
using AuditHasher = std::function<std::string(std::string_view data)>;

// Sees the text of every SQL statement as it starts to run (with `?` placeholders, never the
// bound values), on the thread that runs it. For tests that prove two requests take the same path
// through the database (e.g. an id outside the caller's scope and an unknown id).
using StatementObserver = std::function<void(std::string_view sql)>;

struct StoreOptions {
  int read_connections = 4;
  bool synchronous_full = false;  // NORMAL with WAL by default: durable except on power loss
  // For an offline bulk load (`aegis import`): the writer uses a rollback journal instead of the
  // WAL, so loaded pages reach the database file once instead of going to the WAL and again at
  // checkpoint (a million imported cases: 10.2 s -> 8.5 s). It needs the database to itself: if
  // another process has it open, the store stays in WAL mode (see Store::BulkLoadJournal). WAL
  // mode comes back when the store is closed, or at the next open after a crash, which first
  // rolls back an unfinished load from its journal.
  bool bulk_load = false;
  AuditHasher audit_hasher;              // required: opening fails without it
  StatementObserver statement_observer;  // tests only; null in production
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `fn` on a read-only snapshot.
  virtual Status Read(const std::function<Status(Repo&)>& fn) = 0;
  // Runs `fn` in one write transaction; commits when it returns OK, rolls back otherwise.
  virtual Status Write(const std::function<Status(Repo&)>& fn) = 0;
  // "sqlite" or "postgresql".
  virtual std::string Kind() const = 0;
  // Schema version after migrations.
  virtual int SchemaVersion() const = 0;
  // Whether writes go through a rollback journal for a bulk load (StoreOptions::bulk_load granted).
  virtual bool BulkLoadJournal() const = 0;
};

// Opens (creating if needed) an SQLite database and applies pending migrations. Services open it
// through services::OpenStore, which supplies the audit hasher.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                 const StoreOptions& options = {});

}  // namespace aegis::storage
