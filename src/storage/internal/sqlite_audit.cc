#include "storage/internal/sqlite_audit.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "storage/audit_chain_codec.h"

namespace aegis::storage::internal {
namespace {

// Notes the first column whose stored type is not `want` (NULL allowed when `nullable`).
void Expect(const Stmt& s, int col, int want, bool nullable, const char* name,
            std::string* malformed) {
  const int type = s.Type(col);
  if (type == want || (nullable && type == SQLITE_NULL)) return;
  if (malformed->empty()) *malformed = name;
}

}  // namespace

AuditEntry ReadAuditEntry(const Stmt& s, int f) {
  AuditEntry e;
  Expect(s, f, SQLITE_INTEGER, false, "seq", &e.malformed);
  Expect(s, f + 1, SQLITE_INTEGER, false, "at", &e.malformed);
  Expect(s, f + 2, SQLITE_INTEGER, true, "user_id", &e.malformed);
  Expect(s, f + 3, SQLITE_TEXT, false, "action", &e.malformed);
  Expect(s, f + 4, SQLITE_TEXT, false, "object_type", &e.malformed);
  Expect(s, f + 5, SQLITE_INTEGER, true, "object_id", &e.malformed);
  Expect(s, f + 6, SQLITE_INTEGER, false, "allowed", &e.malformed);
  Expect(s, f + 7, SQLITE_TEXT, false, "detail", &e.malformed);
  Expect(s, f + 8, SQLITE_TEXT, false, "remote", &e.malformed);
  Expect(s, f + 9, SQLITE_TEXT, false, "purpose", &e.malformed);
  Expect(s, f + 10, SQLITE_BLOB, true, "hash", &e.malformed);
  e.seq = s.Int(f);
  AuditRecord& r = e.record;
  r.at = s.Int(f + 1);
  r.user_id = s.OptInt(f + 2);
  r.action = s.Text(f + 3);
  r.object_type = s.Text(f + 4);
  r.object_id = s.OptInt(f + 5);
  const std::int64_t allowed = s.Int(f + 6);
  // Only 0 and 1 are encodable; any other value would hash like one of them.
  if (allowed != 0 && allowed != 1 && e.malformed.empty()) e.malformed = "allowed";
  r.allowed = allowed != 0;
  r.detail = s.Text(f + 7);
  r.remote = s.Text(f + 8);
  r.purpose = s.Text(f + 9);
  e.hash = s.Blob(f + 10);
  return e;
}

AuditCheckpoint ReadAuditCheckpoint(const Stmt& s) {
  AuditCheckpoint c;
  Expect(s, 0, SQLITE_INTEGER, false, "id", &c.malformed);
  Expect(s, 1, SQLITE_INTEGER, false, "seq", &c.malformed);
  Expect(s, 2, SQLITE_BLOB, false, "hash", &c.malformed);
  Expect(s, 3, SQLITE_INTEGER, false, "at", &c.malformed);
  Expect(s, 4, SQLITE_BLOB, false, "public_key", &c.malformed);
  Expect(s, 5, SQLITE_BLOB, false, "signature", &c.malformed);
  c.id = s.Int(0);
  c.seq = s.Int(1);
  c.hash = s.Blob(2);
  c.at = s.Int(3);
  c.public_key = s.Blob(4);
  c.signature = s.Blob(5);
  return c;
}

StatusOr<std::string> ChainHash(const AuditHasher& hasher, std::string_view prev_hash,
                                long long seq, const AuditRecord& record) {
  if (!hasher) return Status::Internal("the store has no audit hasher");
  std::string hash = hasher(AuditChainInput(prev_hash, seq, record));
  if (hash.size() != kAuditHashBytes)
    return Status::Internal("the audit hasher must return " + std::to_string(kAuditHashBytes) +
                            " bytes");
  return hash;
}

Status ChainLegacyAudit(sqlite3* db, const MigrationContext& context) {
  AEGIS_RETURN_IF_ERROR(Exec(db, "DROP TRIGGER audit_no_update"));
  std::string prev = AuditGenesisHash();
  long long after = 0;
  Stmt update(db, "UPDATE audit_log SET hash = ? WHERE seq = ?");
  if (!update.prepared()) return update.status();
  // In batches, so that a long legacy log is never held in memory at once.
  for (;;) {
    std::vector<AuditEntry> batch;
    {
      Stmt s(db, std::string("SELECT ") + kAuditEntryColumns +
                     " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 10000");
      s.Bind(1, after);
      while (s.Step()) batch.push_back(ReadAuditEntry(s));
      AEGIS_RETURN_IF_ERROR(s.status());
    }
    if (batch.empty()) break;
    for (const AuditEntry& e : batch) {
      if (!e.malformed.empty())
        return Status::Internal("audit record " + std::to_string(e.seq) + " has a malformed " +
                                e.malformed + " column");
      AEGIS_ASSIGN_OR_RETURN(prev, ChainHash(context.audit_hasher, prev, e.seq, e.record));
      update.Reset();
      update.BindBlob(1, prev).Bind(2, e.seq);
      AEGIS_RETURN_IF_ERROR(update.Run());
      after = e.seq;
    }
  }
  return Exec(db,
              "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log "
              "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;");
}

namespace {

constexpr long long kBaseRunEntries = 4096;  // a level-0 run has fewer than 8 times this
constexpr int kRunFanIn = 8;                 // runs of one level merged into one of the next
constexpr int kMaxMergedLevel = 3;           // runs of this level (2M+ entries) are not merged

// The level of a run of `entries`: 0 below 8 × base, then one more for each factor of 8.
int RunLevel(long long entries) {
  int level = 0;
  for (long long bound = kBaseRunEntries * kRunFanIn; entries >= bound && level < 30;
       bound *= kRunFanIn)
    ++level;
  return level;
}

// The first column of the first row of `sql`, with `param` bound to its placeholder if given.
StatusOr<long long> ScalarInt(sqlite3* db, const std::string& sql,
                              std::optional<long long> param = std::nullopt) {
  Stmt s(db, sql);
  if (!s.prepared()) return s.status();
  if (param) s.Bind(1, *param);
  long long v = 0;
  if (s.Step()) v = s.Int(0);
  AEGIS_RETURN_IF_ERROR(s.status());
  return v;
}

// Merges the runs of `level` into one run of a higher level.
Status MergeRuns(sqlite3* db, int level) {
  AEGIS_ASSIGN_OR_RETURN(
      const long long merged,
      ScalarInt(db, "SELECT COALESCE(MAX(run), 0) + 1 FROM audit_object_run_list"));
  {
    Stmt copy(db,
              "INSERT INTO audit_object_runs(run, object_type, object_id, seq) "
              "SELECT ?, object_type, object_id, seq FROM audit_object_runs WHERE run IN "
              "(SELECT run FROM audit_object_run_list WHERE level = ?) ORDER BY 2, 3, 4");
    copy.Bind(1, merged).Bind(2, level);
    AEGIS_RETURN_IF_ERROR(copy.Run());
  }
  {
    Stmt add(db,
             "INSERT INTO audit_object_run_list(run, level, first_seq, last_seq, entries) "
             "SELECT ?, ?, MIN(first_seq), MAX(last_seq), SUM(entries) FROM audit_object_run_list "
             "WHERE level = ?");
    AEGIS_ASSIGN_OR_RETURN(
        const long long entries,
        ScalarInt(db, "SELECT SUM(entries) FROM audit_object_run_list WHERE level = ?", level));
    add.Bind(1, merged).Bind(2, std::max(level + 1, RunLevel(entries))).Bind(3, level);
    AEGIS_RETURN_IF_ERROR(add.Run());
  }
  Stmt drop(db,
            "DELETE FROM audit_object_runs WHERE run IN "
            "(SELECT run FROM audit_object_run_list WHERE level = ?1 AND run <> ?2)");
  drop.Bind(1, level).Bind(2, merged);
  AEGIS_RETURN_IF_ERROR(drop.Run());
  Stmt forget(db, "DELETE FROM audit_object_run_list WHERE level = ?1 AND run <> ?2");
  forget.Bind(1, level).Bind(2, merged);
  return forget.Run();
}

}  // namespace

std::string AuditObjectMatch(const std::string& alias) {
  return alias +
         ".seq IN (SELECT seq FROM audit_object_runs WHERE run IN (SELECT run FROM "
         "audit_object_run_list) AND object_type = ? AND object_id = ? UNION ALL SELECT seq FROM "
         "audit_log WHERE seq > (SELECT COALESCE(MAX(last_seq), 0) FROM audit_object_run_list) "
         "AND object_type = ? AND object_id = ?)";
}

StatusOr<long long> IndexAuditObjects(sqlite3* db) {
  AEGIS_ASSIGN_OR_RETURN(
      const long long indexed,
      ScalarInt(db, "SELECT COALESCE(MAX(last_seq), 0) FROM audit_object_run_list"));
  AEGIS_ASSIGN_OR_RETURN(const long long head,
                         ScalarInt(db, "SELECT COALESCE(MAX(seq), 0) FROM audit_log"));
  if (head <= indexed) return 0;
  AEGIS_ASSIGN_OR_RETURN(
      const long long run,
      ScalarInt(db, "SELECT COALESCE(MAX(run), 0) + 1 FROM audit_object_run_list"));
  {
    Stmt append(db,
                "INSERT INTO audit_object_runs(run, object_type, object_id, seq) "
                "SELECT ?, object_type, object_id, seq FROM audit_log "
                "WHERE seq > ? AND seq <= ? AND object_id IS NOT NULL ORDER BY 2, 3, 4");
    append.Bind(1, run).Bind(2, indexed).Bind(3, head);
    AEGIS_RETURN_IF_ERROR(append.Run());
  }
  const long long entries = sqlite3_changes64(db);
  {
    Stmt add(db,
             "INSERT INTO audit_object_run_list(run, level, first_seq, last_seq, entries) "
             "VALUES(?, ?, ?, ?, ?)");
    add.Bind(1, run).Bind(2, RunLevel(entries)).Bind(3, indexed + 1).Bind(4, head);
    add.Bind(5, entries);
    AEGIS_RETURN_IF_ERROR(add.Run());
  }
  for (;;) {
    AEGIS_ASSIGN_OR_RETURN(
        const long long full,
        ScalarInt(db,
                  "SELECT COALESCE(MIN(level), -1) FROM (SELECT level FROM audit_object_run_list "
                  "WHERE level < ? GROUP BY level HAVING COUNT(*) >= " +
                      std::to_string(kRunFanIn) + ")",
                  kMaxMergedLevel));
    if (full < 0) break;
    AEGIS_RETURN_IF_ERROR(MergeRuns(db, static_cast<int>(full)));
  }
  return head - indexed;
}

Status IndexExistingAuditObjects(sqlite3* db, const MigrationContext&) {
  return IndexAuditObjects(db).status();
}

}  // namespace aegis::storage::internal
