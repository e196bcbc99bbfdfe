#include "storage/internal/sqlite_audit.h"

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

}  // namespace aegis::storage::internal
