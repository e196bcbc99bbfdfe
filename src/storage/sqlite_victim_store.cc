// SQLite implementation of VictimRepo: prepared statements only, every value bound.
#include <map>
#include <sstream>

#include "storage/internal/sqlite_victim_repo.h"

namespace aegis::storage::internal {
namespace {

using namespace aegis::domain;

template <typename E>
E ParseOr(const std::string& text, E fallback) {
  return domain::Parse<E>(text).value_or(fallback);
}

// Lists are stored as comma-separated stable names (or ids): small, fixed vocabularies that are
// only ever read whole, never queried by element.
template <typename E>
std::string JoinNames(const std::vector<E>& values) {
  std::string out;
  for (const E& v : values) out += (out.empty() ? "" : ",") + std::string(ToString(v));
  return out;
}

template <typename E>
std::vector<E> SplitNames(const std::string& text) {
  std::vector<E> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (auto v = domain::Parse<E>(item)) out.push_back(*v);
  }
  return out;
}

std::string JoinIds(const std::vector<Id>& ids) {
  std::string out;
  for (Id id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

std::vector<Id> SplitIds(const std::string& text) {
  std::vector<Id> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(std::stoll(item));
  }
  return out;
}

std::optional<Id> OptId(const Stmt& s, int col) { return s.OptInt(col); }

constexpr const char* kInterviewColumns =
    "id, case_id, person_id, started_at, duration_minutes, location, location_note, conducted_by, "
    "present, female_officer_requested, recorded, notes, approval_id, recorded_by, created_at";

Interview ReadInterview(const Stmt& s) {
  Interview i;
  i.id = s.Int(0);
  i.case_id = s.Int(1);
  i.person_id = s.Int(2);
  i.started_at = s.Int(3);
  i.duration_minutes = static_cast<int>(s.Int(4));
  i.location = ParseOr(s.Text(5), InterviewLocation::kOther);
  i.location_note = s.Text(6);
  i.conducted_by = s.Int(7);
  i.present = SplitNames<Attendee>(s.Text(8));
  i.female_officer_requested = s.Int(9) != 0;
  i.recorded = s.Int(10) != 0;
  i.notes = s.Text(11);
  i.approval_id = OptId(s, 12);
  i.recorded_by = s.Int(13);
  i.created_at = s.Int(14);
  return i;
}

constexpr const char* kApprovalColumns =
    "id, case_id, person_id, requested_by, requested_at, reason, status, decided_by, decided_at, "
    "decision_note, used_by_interview";

InterviewApproval ReadApproval(const Stmt& s) {
  InterviewApproval a;
  a.id = s.Int(0);
  a.case_id = s.Int(1);
  a.person_id = s.Int(2);
  a.requested_by = s.Int(3);
  a.requested_at = s.Int(4);
  a.reason = s.Text(5);
  a.status = ParseOr(s.Text(6), ApprovalStatus::kRequested);
  a.decided_by = OptId(s, 7);
  a.decided_at = s.OptInt(8);
  a.decision_note = s.Text(9);
  a.used_by_interview = OptId(s, 10);
  return a;
}

constexpr const char* kConsentColumns =
    "id, case_id, person_id, given_by, giver_relationship, given_at, recorded_by, agencies, "
    "fields, notes, withdrawn_at, withdrawn_by, withdrawal_note";

ReferralConsent ReadConsent(const Stmt& s) {
  ReferralConsent c;
  c.id = s.Int(0);
  c.case_id = s.Int(1);
  c.person_id = s.Int(2);
  c.given_by = ParseOr(s.Text(3), ConsentGiver::kVictim);
  c.giver_relationship = s.Text(4);
  c.given_at = s.Int(5);
  c.recorded_by = s.Int(6);
  c.agency_unit_ids = SplitIds(s.Text(7));
  c.fields = SplitNames<ContactField>(s.Text(8));
  c.notes = s.Text(9);
  c.withdrawn_at = s.OptInt(10);
  c.withdrawn_by = OptId(s, 11);
  c.withdrawal_note = s.Text(12);
  return c;
}

constexpr const char* kReferralColumns =
    "id, reference, case_id, person_id, consent_id, partner_unit_id, kind, need, due_at, status, "
    "status_reason, partner_contact, partner_note, created_by, created_at, updated_at, updated_by";

// The same columns qualified for joins.
constexpr const char* kReferralColumnsR =
    "r.id, r.reference, r.case_id, r.person_id, r.consent_id, r.partner_unit_id, r.kind, r.need, "
    "r.due_at, r.status, r.status_reason, r.partner_contact, r.partner_note, r.created_by, "
    "r.created_at, r.updated_at, r.updated_by";

Referral ReadReferral(const Stmt& s) {
  Referral r;
  r.id = s.Int(0);
  r.reference = s.Text(1);
  r.case_id = s.Int(2);
  r.person_id = s.Int(3);
  r.consent_id = s.Int(4);
  r.partner_unit_id = s.Int(5);
  r.kind = ParseOr(s.Text(6), ReferralKind::kCounselling);
  r.need = s.Text(7);
  r.due_at = s.Int(8);
  r.status = ParseOr(s.Text(9), ReferralStatus::kSent);
  r.status_reason = s.Text(10);
  r.partner_contact = s.Text(11);
  r.partner_note = s.Text(12);
  r.created_by = s.Int(13);
  r.created_at = s.Int(14);
  r.updated_at = s.Int(15);
  r.updated_by = OptId(s, 16);
  return r;
}

constexpr const char* kCodeColumns =
    "id, case_id, person_id, code_hash, issued_by, issued_at, expires_at, uses_left, "
    "last_used_at, revoked_at";

SurvivorCodeRecord ReadCode(const Stmt& s) {
  SurvivorCodeRecord c;
  c.id = s.Int(0);
  c.case_id = s.Int(1);
  c.person_id = s.Int(2);
  c.code_hash = s.Blob(3);
  c.issued_by = s.Int(4);
  c.issued_at = s.Int(5);
  c.expires_at = s.Int(6);
  c.uses_left = static_cast<int>(s.Int(7));
  c.last_used_at = s.OptInt(8);
  c.revoked_at = s.OptInt(9);
  return c;
}

constexpr const char* kNotificationColumns =
    "id, case_id, person_id, referral_id, kind, status, channel, who, language, not_before, "
    "reason, payload, created_at, updated_at";

NotificationRecord ReadNotification(const Stmt& s) {
  NotificationRecord n;
  n.id = s.Int(0);
  n.case_id = s.Int(1);
  n.person_id = s.Int(2);
  n.referral_id = OptId(s, 3);
  n.kind = ParseOr(s.Text(4), NotificationKind::kReferralUpdate);
  n.status = ParseOr(s.Text(5), NotificationStatus::kHeld);
  if (!s.IsNull(6)) n.channel = domain::Parse<ContactChannel>(s.Text(6));
  n.who = ParseOr(s.Text(7), WhoMayContact::kCaseTeamOnly);
  n.language = s.Text(8);
  n.not_before = s.Int(9);
  n.reason = s.Text(10);
  n.payload_cipher = s.Blob(11);
  n.created_at = s.Int(12);
  n.updated_at = s.Int(13);
  return n;
}

#define PREPARE(var, sql)    \
  Stmt& var = Prepared(sql); \
  if (!var.prepared()) return var.status()

class SqliteVictimRepo final : public VictimRepo {
 public:
  SqliteVictimRepo(sqlite3* db, StatementCache* cache) : db_(db), cache_(cache) {}

  // ---- interviews
  StatusOr<Id> InsertInterview(const Interview& i) override {
    PREPARE(s,
            "INSERT INTO victim_interviews(case_id, person_id, started_at, duration_minutes, "
            "location, location_note, conducted_by, present, female_officer_requested, recorded, "
            "notes, approval_id, recorded_by, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.Bind(1, i.case_id).Bind(2, i.person_id).Bind(3, i.started_at).Bind(4, i.duration_minutes);
    s.Bind(5, ToString(i.location)).Bind(6, i.location_note).Bind(7, i.conducted_by);
    s.Bind(8, JoinNames(i.present)).Bind(9, i.female_officer_requested).Bind(10, i.recorded);
    s.Bind(11, i.notes).Bind(12, i.approval_id).Bind(13, i.recorded_by).Bind(14, i.created_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::vector<Interview>> ListInterviews(Id case_id) override {
    PREPARE(s, std::string("SELECT ") + kInterviewColumns +
                   " FROM victim_interviews WHERE case_id = ? ORDER BY started_at, id");
    s.Bind(1, case_id);
    std::vector<Interview> out;
    while (s.Step()) out.push_back(ReadInterview(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- further-interview approvals
  StatusOr<Id> InsertInterviewApproval(const InterviewApproval& a) override {
    PREPARE(s,
            "INSERT INTO interview_approvals(case_id, person_id, requested_by, requested_at, "
            "reason, status, decided_by, decided_at, decision_note, used_by_interview) "
            "VALUES(?,?,?,?,?,?,?,?,?,?)");
    s.Bind(1, a.case_id).Bind(2, a.person_id).Bind(3, a.requested_by).Bind(4, a.requested_at);
    s.Bind(5, a.reason).Bind(6, ToString(a.status)).Bind(7, a.decided_by).Bind(8, a.decided_at);
    s.Bind(9, a.decision_note).Bind(10, a.used_by_interview);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateInterviewApproval(const InterviewApproval& a) override {
    PREPARE(s,
            "UPDATE interview_approvals SET status = ?, decided_by = ?, decided_at = ?, "
            "decision_note = ?, used_by_interview = ? WHERE id = ?");
    s.Bind(1, ToString(a.status)).Bind(2, a.decided_by).Bind(3, a.decided_at);
    s.Bind(4, a.decision_note).Bind(5, a.used_by_interview).Bind(6, a.id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::NotFound("approval not found");
    return Status::Ok();
  }

  StatusOr<std::optional<InterviewApproval>> GetInterviewApproval(Id id) override {
    PREPARE(s,
            std::string("SELECT ") + kApprovalColumns + " FROM interview_approvals WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<InterviewApproval>(ReadApproval(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<InterviewApproval>();
  }

  StatusOr<std::vector<InterviewApproval>> ListInterviewApprovals(Id case_id) override {
    PREPARE(s, std::string("SELECT ") + kApprovalColumns +
                   " FROM interview_approvals WHERE case_id = ? ORDER BY requested_at, id");
    s.Bind(1, case_id);
    std::vector<InterviewApproval> out;
    while (s.Step()) out.push_back(ReadApproval(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- contact preferences
  Status PutContactPreferences(const ContactPreferencesRecord& r) override {
    PREPARE(s,
            "INSERT INTO contact_preferences(person_id, case_id, cipher, updated_by, updated_at) "
            "VALUES(?,?,?,?,?) ON CONFLICT(person_id) DO UPDATE SET cipher = excluded.cipher, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at");
    s.Bind(1, r.person_id).Bind(2, r.case_id).BindBlob(3, r.cipher).Bind(4, r.updated_by);
    s.Bind(5, r.updated_at);
    return s.Run();
  }

  StatusOr<std::optional<ContactPreferencesRecord>> GetContactPreferences(Id person_id) override {
    PREPARE(s,
            "SELECT person_id, case_id, cipher, updated_by, updated_at FROM contact_preferences "
            "WHERE person_id = ?");
    s.Bind(1, person_id);
    if (s.Step()) {
      return std::optional<ContactPreferencesRecord>(
          ContactPreferencesRecord{s.Int(0), s.Int(1), s.Blob(2), s.Int(3), s.Int(4)});
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<ContactPreferencesRecord>();
  }

  StatusOr<std::vector<ContactPreferencesRecord>> ListContactPreferences(Id case_id) override {
    PREPARE(s,
            "SELECT person_id, case_id, cipher, updated_by, updated_at FROM contact_preferences "
            "WHERE case_id = ? ORDER BY person_id");
    s.Bind(1, case_id);
    std::vector<ContactPreferencesRecord> out;
    while (s.Step()) out.push_back({s.Int(0), s.Int(1), s.Blob(2), s.Int(3), s.Int(4)});
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- consents
  StatusOr<Id> InsertConsent(const ReferralConsent& c) override {
    PREPARE(s,
            "INSERT INTO referral_consents(case_id, person_id, given_by, giver_relationship, "
            "given_at, recorded_by, agencies, fields, notes, withdrawn_at, withdrawn_by, "
            "withdrawal_note) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    s.Bind(1, c.case_id).Bind(2, c.person_id).Bind(3, ToString(c.given_by));
    s.Bind(4, c.giver_relationship).Bind(5, c.given_at).Bind(6, c.recorded_by);
    s.Bind(7, JoinIds(c.agency_unit_ids)).Bind(8, JoinNames(c.fields)).Bind(9, c.notes);
    s.Bind(10, c.withdrawn_at).Bind(11, c.withdrawn_by).Bind(12, c.withdrawal_note);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateConsent(const ReferralConsent& c) override {
    PREPARE(s,
            "UPDATE referral_consents SET withdrawn_at = ?, withdrawn_by = ?, withdrawal_note = ? "
            "WHERE id = ?");
    s.Bind(1, c.withdrawn_at).Bind(2, c.withdrawn_by).Bind(3, c.withdrawal_note).Bind(4, c.id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::NotFound("consent not found");
    return Status::Ok();
  }

  StatusOr<std::optional<ReferralConsent>> GetConsent(Id id) override {
    PREPARE(s, std::string("SELECT ") + kConsentColumns + " FROM referral_consents WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<ReferralConsent>(ReadConsent(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<ReferralConsent>();
  }

  StatusOr<std::vector<ReferralConsent>> ListConsents(Id case_id) override {
    PREPARE(s, std::string("SELECT ") + kConsentColumns +
                   " FROM referral_consents WHERE case_id = ? ORDER BY given_at, id");
    s.Bind(1, case_id);
    std::vector<ReferralConsent> out;
    while (s.Step()) out.push_back(ReadConsent(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- referrals
  StatusOr<Id> InsertReferral(const Referral& r) override {
    PREPARE(s,
            "INSERT INTO referrals(reference, case_id, person_id, consent_id, partner_unit_id, "
            "kind, need, due_at, status, status_reason, partner_contact, partner_note, created_by, "
            "created_at, updated_at, updated_by) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.Bind(1, r.reference).Bind(2, r.case_id).Bind(3, r.person_id).Bind(4, r.consent_id);
    s.Bind(5, r.partner_unit_id).Bind(6, ToString(r.kind)).Bind(7, r.need).Bind(8, r.due_at);
    s.Bind(9, ToString(r.status)).Bind(10, r.status_reason).Bind(11, r.partner_contact);
    s.Bind(12, r.partner_note).Bind(13, r.created_by).Bind(14, r.created_at);
    s.Bind(15, r.updated_at).Bind(16, r.updated_by);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateReferral(const Referral& r) override {
    PREPARE(s,
            "UPDATE referrals SET status = ?, status_reason = ?, partner_contact = ?, "
            "partner_note = ?, updated_at = ?, updated_by = ? WHERE id = ?");
    s.Bind(1, ToString(r.status)).Bind(2, r.status_reason).Bind(3, r.partner_contact);
    s.Bind(4, r.partner_note).Bind(5, r.updated_at).Bind(6, r.updated_by).Bind(7, r.id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::NotFound("referral not found");
    return Status::Ok();
  }

  StatusOr<std::optional<Referral>> GetReferral(Id id) override {
    PREPARE(s, std::string("SELECT ") + kReferralColumns + " FROM referrals WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<Referral>(ReadReferral(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<Referral>();
  }

  StatusOr<std::vector<Referral>> ListReferralsForCase(Id case_id) override {
    PREPARE(s, std::string("SELECT ") + kReferralColumns +
                   " FROM referrals WHERE case_id = ? ORDER BY created_at, id");
    s.Bind(1, case_id);
    return Collect(s);
  }

  StatusOr<std::vector<Referral>> ListReferralsForConsent(Id consent_id) override {
    PREPARE(s, std::string("SELECT ") + kReferralColumns +
                   " FROM referrals WHERE consent_id = ? ORDER BY id");
    s.Bind(1, consent_id);
    return Collect(s);
  }

  StatusOr<ListResult<Referral>> ListReferralsForPartner(const PartnerReferralQuery& q) override {
    static const std::map<std::string, std::string> kSort = {{"", "due_at"},
                                                             {"due_at", "due_at"},
                                                             {"created_at", "created_at"},
                                                             {"updated_at", "updated_at"}};
    auto sort = kSort.find(q.page.sort);
    if (sort == kSort.end()) return Status::InvalidArgument("sort", "unknown sort key");
    // ?2 and ?3 are optional filters: NULL means "any".
    const std::string where =
        " FROM referrals WHERE partner_unit_id = ?1 AND (?2 IS NULL OR status = ?2) AND "
        "(?3 = 0 OR status IN ('sent','accepted','in_progress'))";
    auto bind = [&](Stmt& s) {
      s.Bind(1, q.partner_unit_id);
      if (q.status)
        s.Bind(2, ToString(*q.status));
      else
        s.BindNull(2);
      s.Bind(3, q.open_only);
    };
    ListResult<Referral> out;
    {
      PREPARE(c, "SELECT COUNT(*) FROM (SELECT 1" + where + " LIMIT ?4)");
      bind(c);
      c.Bind(4, q.page.count_limit + 1);
      if (c.Step()) out.total = c.Int(0);
      AEGIS_RETURN_IF_ERROR(c.status());
      out.total_capped = out.total > q.page.count_limit;
      if (out.total_capped) out.total = q.page.count_limit;
    }
    const char* dir = q.page.descending ? " DESC" : " ASC";
    PREPARE(s, std::string("SELECT ") + kReferralColumns + where + " ORDER BY " + sort->second +
                   dir + ", id" + dir + " LIMIT ?4 OFFSET ?5");
    bind(s);
    s.Bind(4, q.page.limit).Bind(5, q.page.offset);
    AEGIS_ASSIGN_OR_RETURN(out.items, Collect(s));
    return out;
  }

  StatusOr<std::vector<Referral>> ListStalledReferrals(Id user_id, UnixSeconds now,
                                                       UnixSeconds quiet_since,
                                                       int limit) override {
    PREPARE(s, std::string("SELECT ") + kReferralColumnsR +
                   " FROM referrals r JOIN cases c ON c.id = r.case_id WHERE "
                   "((r.status IN ('sent','accepted') AND r.due_at < ?1) OR "
                   "(r.status = 'in_progress' AND r.updated_at < ?2)) AND "
                   "(r.created_by = ?3 OR c.lead_investigator_id = ?3 OR c.case_manager_id = ?3 "
                   "OR c.file_coordinator_id = ?3) ORDER BY r.due_at, r.id LIMIT ?4");
    s.Bind(1, now).Bind(2, quiet_since).Bind(3, user_id).Bind(4, limit);
    return Collect(s);
  }

  StatusOr<Id> InsertReferralUpdate(const ReferralUpdate& u) override {
    PREPARE(s,
            "INSERT INTO referral_updates(referral_id, at, actor_id, from_status, to_status, note) "
            "VALUES(?,?,?,?,?,?)");
    s.Bind(1, u.referral_id).Bind(2, u.at).Bind(3, u.actor_id);
    if (u.from)
      s.Bind(4, ToString(*u.from));
    else
      s.BindNull(4);
    s.Bind(5, ToString(u.to)).Bind(6, u.note);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::vector<ReferralUpdate>> ListReferralUpdates(Id referral_id) override {
    PREPARE(s,
            "SELECT id, referral_id, at, actor_id, from_status, to_status, note FROM "
            "referral_updates WHERE referral_id = ? ORDER BY at, id");
    s.Bind(1, referral_id);
    std::vector<ReferralUpdate> out;
    while (s.Step()) {
      ReferralUpdate u;
      u.id = s.Int(0);
      u.referral_id = s.Int(1);
      u.at = s.Int(2);
      u.actor_id = OptId(s, 3);
      if (!s.IsNull(4)) u.from = domain::Parse<ReferralStatus>(s.Text(4));
      u.to = ParseOr(s.Text(5), ReferralStatus::kSent);
      u.note = s.Text(6);
      out.push_back(std::move(u));
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- survivor codes
  StatusOr<Id> InsertSurvivorCode(const SurvivorCodeRecord& c) override {
    PREPARE(s,
            "INSERT INTO survivor_codes(case_id, person_id, code_hash, issued_by, issued_at, "
            "expires_at, uses_left, last_used_at, revoked_at) VALUES(?,?,?,?,?,?,?,?,?)");
    s.Bind(1, c.case_id).Bind(2, c.person_id).BindBlob(3, c.code_hash).Bind(4, c.issued_by);
    s.Bind(5, c.issued_at).Bind(6, c.expires_at).Bind(7, c.uses_left).Bind(8, c.last_used_at);
    s.Bind(9, c.revoked_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  Status RevokeSurvivorCodes(Id person_id, UnixSeconds at) override {
    PREPARE(s,
            "UPDATE survivor_codes SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL");
    s.Bind(1, at).Bind(2, person_id);
    return s.Run();
  }

  StatusOr<std::optional<SurvivorCodeRecord>> FindSurvivorCode(
      Id case_id, const std::string& code_hash) override {
    PREPARE(s, std::string("SELECT ") + kCodeColumns +
                   " FROM survivor_codes WHERE code_hash = ? AND case_id = ?");
    s.BindBlob(1, code_hash).Bind(2, case_id);
    if (s.Step()) return std::optional<SurvivorCodeRecord>(ReadCode(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<SurvivorCodeRecord>();
  }

  Status UseSurvivorCode(Id id, UnixSeconds at) override {
    PREPARE(s,
            "UPDATE survivor_codes SET uses_left = uses_left - 1, last_used_at = ? "
            "WHERE id = ? AND uses_left > 0");
    s.Bind(1, at).Bind(2, id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::Conflict("the code has no uses left");
    return Status::Ok();
  }

  StatusOr<std::vector<SurvivorCodeRecord>> ListSurvivorCodes(Id case_id) override {
    PREPARE(s, std::string("SELECT ") + kCodeColumns +
                   " FROM survivor_codes WHERE case_id = ? ORDER BY issued_at, id");
    s.Bind(1, case_id);
    std::vector<SurvivorCodeRecord> out;
    while (s.Step()) out.push_back(ReadCode(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<std::optional<Id>> FindCaseIdByReference(const std::string& reference) override {
    PREPARE(s, "SELECT id FROM cases WHERE reference = ?");
    s.Bind(1, reference);
    if (s.Step()) return std::optional<Id>(s.Int(0));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<Id>();
  }

  // ---- outbox
  StatusOr<Id> InsertNotification(const NotificationRecord& n) override {
    PREPARE(s,
            "INSERT INTO notification_outbox(case_id, person_id, referral_id, kind, status, "
            "channel, who, language, not_before, reason, payload, created_at, updated_at) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.Bind(1, n.case_id).Bind(2, n.person_id).Bind(3, n.referral_id).Bind(4, ToString(n.kind));
    s.Bind(5, ToString(n.status));
    if (n.channel)
      s.Bind(6, ToString(*n.channel));
    else
      s.BindNull(6);
    s.Bind(7, ToString(n.who)).Bind(8, n.language).Bind(9, n.not_before).Bind(10, n.reason);
    s.BindBlob(11, n.payload_cipher).Bind(12, n.created_at).Bind(13, n.updated_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  Status CancelReferralNotifications(Id referral_id, UnixSeconds at) override {
    PREPARE(s,
            "UPDATE notification_outbox SET status = 'cancelled', reason = 'consent_withdrawn', "
            "updated_at = ? WHERE referral_id = ? AND status IN ('queued','task','held')");
    s.Bind(1, at).Bind(2, referral_id);
    return s.Run();
  }

  StatusOr<std::vector<NotificationRecord>> ListNotifications(Id case_id, int limit) override {
    PREPARE(s, std::string("SELECT ") + kNotificationColumns +
                   " FROM notification_outbox WHERE case_id = ? ORDER BY created_at DESC, id DESC "
                   "LIMIT ?");
    s.Bind(1, case_id).Bind(2, limit);
    std::vector<NotificationRecord> out;
    while (s.Step()) out.push_back(ReadNotification(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

 private:
  StatusOr<std::vector<Referral>> Collect(Stmt& s) {
    std::vector<Referral> out;
    while (s.Step()) out.push_back(ReadReferral(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // The cached statement for `sql`, reset and with bindings cleared (as SqliteRepo::Prepared).
  Stmt& Prepared(const std::string& sql) { return CachedStatement(db_, cache_, sql); }

  sqlite3* db_;
  StatementCache* cache_;
};

#undef PREPARE

}  // namespace

Stmt& CachedStatement(sqlite3* db, StatementCache* cache, const std::string& sql) {
  auto it = cache->find(sql);
  if (it == cache->end() || !it->second->prepared()) {
    it = cache->insert_or_assign(sql, std::make_unique<Stmt>(db, sql)).first;
  } else {
    it->second->Reset();
  }
  return *it->second;
}

std::unique_ptr<VictimRepo> NewSqliteVictimRepo(sqlite3* db, StatementCache* cache) {
  return std::make_unique<SqliteVictimRepo>(db, cache);
}

}  // namespace aegis::storage::internal
