// SQLite helpers for the audit hash chain shared by the store and the schema migration.
#pragma once

#include <sqlite3.h>

#include "storage/internal/sqlite_schema.h"
#include "storage/internal/sqlite_stmt.h"
#include "storage/store.h"

namespace aegis::storage::internal {

// The columns ReadAuditEntry expects, in order (11 columns).
inline constexpr const char* kAuditEntryColumns =
    "seq, at, user_id, action, object_type, object_id, allowed, detail, remote, purpose, hash";
inline constexpr int kAuditEntryColumnCount = 11;

// Reads an audit row starting at column `first`, checking each column's type (see AuditEntry).
AuditEntry ReadAuditEntry(const Stmt& s, int first = 0);

// The columns ReadAuditCheckpoint expects, in order.
inline constexpr const char* kAuditCheckpointColumns = "id, seq, hash, at, public_key, signature";
AuditCheckpoint ReadAuditCheckpoint(const Stmt& s);

// Hashes `prev_hash || encoding` with `hasher`; Internal if it does not give 32 bytes.
StatusOr<std::string> ChainHash(const AuditHasher& hasher, std::string_view prev_hash,
                                long long seq, const AuditRecord& record);

// Migration 3's code step: chains the records written before the chain existed, in seq order. The
// append-only trigger is lifted for exactly this update and restored in the same transaction.
Status ChainLegacyAudit(sqlite3* db, const MigrationContext& context);

}  // namespace aegis::storage::internal
