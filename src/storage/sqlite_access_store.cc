// SQLite implementation of AccessRepo: prepared statements only, every value bound.
#include "storage/internal/sqlite_victim_repo.h"

namespace aegis::storage::internal {
namespace {

#define PREPARE(var, sql)                          \
  Stmt& var = CachedStatement(db_, cache_, (sql)); \
  if (!var.prepared()) return var.status()

constexpr const char* kGrantColumns =
    "g.id, g.case_id, g.user_id, g.reason, g.granted_at, g.expires_at, g.reviewed_by, "
    "g.reviewed_at, g.justified, g.review_note";

BreakGlassGrant ReadGrant(const Stmt& s) {
  BreakGlassGrant g;
  g.id = s.Int(0);
  g.case_id = s.Int(1);
  g.user_id = s.Int(2);
  g.reason = s.Text(3);
  g.granted_at = s.Int(4);
  g.expires_at = s.Int(5);
  g.reviewed_by = s.OptInt(6);
  g.reviewed_at = s.OptInt(7);
  if (auto j = s.OptInt(8)) g.justified = *j != 0;
  g.review_note = s.Text(9);
  return g;
}

constexpr const char* kAlertColumns =
    "id, user_id, kind, case_id, grant_id, detail, created_at, read_at";

UserAlert ReadAlert(const Stmt& s) {
  UserAlert a;
  a.id = s.Int(0);
  a.user_id = s.Int(1);
  a.kind = s.Text(2);
  a.case_id = s.OptInt(3);
  a.grant_id = s.OptInt(4);
  a.detail = s.Text(5);
  a.created_at = s.Int(6);
  a.read_at = s.OptInt(7);
  return a;
}

std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);
  return end;
}

class SqliteAccessRepo final : public AccessRepo {
 public:
  SqliteAccessRepo(sqlite3* db, StatementCache* cache) : db_(db), cache_(cache) {}

  Status SetCaseSensitivity(Id case_id, std::uint32_t stored_labels,
                            std::uint32_t restricted_sections, const std::string& seal_reference,
                            UnixSeconds now) override {
    PREPARE(s,
            "UPDATE cases SET labels = ?, restricted_sections = ?, seal_reference = ?, "
            "updated_at = ? WHERE id = ?");
    s.Bind(1, static_cast<std::int64_t>(stored_labels))
        .Bind(2, static_cast<std::int64_t>(restricted_sections))
        .Bind(3, seal_reference)
        .Bind(4, now)
        .Bind(5, case_id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::NotFound("case not found");
    return Status::Ok();
  }

  StatusOr<std::optional<Id>> FindCaseByReference(const std::string& reference) override {
    PREPARE(s, "SELECT id FROM cases WHERE reference = ?");
    s.Bind(1, reference);
    std::optional<Id> out;
    if (s.Step()) out = s.Int(0);
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<Id> InsertBreakGlassGrant(const BreakGlassGrant& g) override {
    PREPARE(s,
            "INSERT INTO break_glass_grants(case_id, user_id, reason, granted_at, expires_at) "
            "VALUES(?,?,?,?,?)");
    s.Bind(1, g.case_id).Bind(2, g.user_id).Bind(3, g.reason).Bind(4, g.granted_at);
    s.Bind(5, g.expires_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::optional<BreakGlassGrant>> GetBreakGlassGrant(Id id) override {
    PREPARE(s, std::string("SELECT ") + kGrantColumns + " FROM break_glass_grants g WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<BreakGlassGrant>(ReadGrant(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<BreakGlassGrant>();
  }

  StatusOr<std::vector<Id>> ActiveBreakGlassCases(Id user_id, UnixSeconds now) override {
    PREPARE(s,
            "SELECT DISTINCT case_id FROM break_glass_grants WHERE user_id = ? AND expires_at > ? "
            "ORDER BY case_id");
    s.Bind(1, user_id).Bind(2, now);
    std::vector<Id> out;
    while (s.Step()) out.push_back(s.Int(0));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<std::optional<BreakGlassGrant>> ActiveBreakGlassGrant(Id user_id, Id case_id,
                                                                 UnixSeconds now) override {
    PREPARE(s, std::string("SELECT ") + kGrantColumns +
                   " FROM break_glass_grants g WHERE user_id = ? AND case_id = ? AND "
                   "expires_at > ? ORDER BY id DESC LIMIT 1");
    s.Bind(1, user_id).Bind(2, case_id).Bind(3, now);
    if (s.Step()) return std::optional<BreakGlassGrant>(ReadGrant(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<BreakGlassGrant>();
  }

  StatusOr<std::vector<BreakGlassGrant>> ListBreakGlassGrants(const BreakGlassQuery& q) override {
    std::vector<BreakGlassGrant> out;
    if (q.unit_path_prefixes.empty()) return out;
    std::string sql = std::string("SELECT ") + kGrantColumns +
                      " FROM break_glass_grants g JOIN cases c ON c.id = g.case_id JOIN users u "
                      "ON u.id = g.user_id JOIN units uu ON uu.id = u.unit_id WHERE (";
    std::vector<std::string> params;
    for (size_t i = 0; i < q.unit_path_prefixes.size(); ++i) {
      sql += std::string(i ? " OR " : "") +
             "(c.unit_path >= ? AND c.unit_path < ?) OR (uu.path >= ? AND uu.path < ?)";
      for (int k = 0; k < 2; ++k) {
        params.push_back(q.unit_path_prefixes[i]);
        params.push_back(PrefixEnd(q.unit_path_prefixes[i]));
      }
    }
    sql += ")";
    if (q.user_id) sql += " AND g.user_id = ?";
    if (q.unreviewed_only) sql += " AND g.reviewed_at IS NULL";
    sql += " ORDER BY g.id DESC LIMIT ?";
    PREPARE(s, sql);
    int i = 1;
    for (const auto& p : params) s.Bind(i++, p);
    if (q.user_id) s.Bind(i++, *q.user_id);
    s.Bind(i, q.limit);
    while (s.Step()) out.push_back(ReadGrant(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status ReviewBreakGlassGrant(Id id, Id reviewer, UnixSeconds at, bool justified,
                               const std::string& note) override {
    PREPARE(s,
            "UPDATE break_glass_grants SET reviewed_by = ?, reviewed_at = ?, justified = ?, "
            "review_note = ? WHERE id = ? AND reviewed_at IS NULL");
    s.Bind(1, reviewer).Bind(2, at).Bind(3, justified).Bind(4, note).Bind(5, id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::Conflict("already reviewed");
    return Status::Ok();
  }

  StatusOr<Id> InsertAlert(const UserAlert& a) override {
    PREPARE(s,
            "INSERT INTO user_alerts(user_id, kind, case_id, grant_id, detail, created_at) "
            "VALUES(?,?,?,?,?,?)");
    s.Bind(1, a.user_id).Bind(2, a.kind).Bind(3, a.case_id).Bind(4, a.grant_id);
    s.Bind(5, a.detail).Bind(6, a.created_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::vector<UserAlert>> ListAlerts(Id user_id, bool unread_only, int limit) override {
    PREPARE(s, std::string("SELECT ") + kAlertColumns +
                   " FROM user_alerts WHERE user_id = ? AND (? = 0 OR read_at IS NULL) ORDER BY "
                   "id DESC LIMIT ?");
    s.Bind(1, user_id).Bind(2, unread_only).Bind(3, limit);
    std::vector<UserAlert> out;
    while (s.Step()) out.push_back(ReadAlert(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<bool> MarkAlertRead(Id alert_id, Id user_id, UnixSeconds at) override {
    PREPARE(s,
            "UPDATE user_alerts SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?");
    s.Bind(1, at).Bind(2, alert_id).Bind(3, user_id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_changes(db_) == 1;
  }

 private:
  sqlite3* db_;
  StatementCache* cache_;
};

#undef PREPARE

}  // namespace

std::unique_ptr<AccessRepo> NewSqliteAccessRepo(sqlite3* db, StatementCache* cache) {
  return std::make_unique<SqliteAccessRepo>(db, cache);
}

}  // namespace aegis::storage::internal
