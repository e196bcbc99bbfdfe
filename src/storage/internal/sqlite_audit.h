// SQLite helpers for the audit hash chain shared by the store and the schema migration.
#pragma once

#include <sqlite3.h>

#include <string>

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

// ---- Finding an object's audit records
//
// Read audits arrive at thousands a second for random cases. A B-tree index on (object_type,
// object_id) put each record on a random page, so every record meant a 4 KiB page written to the
// WAL and copied back at checkpoint: a quarter of the server's CPU under wrk. Instead, records are
// indexed in bulk: each IndexAuditObjects pass appends the records since the last pass as one run,
// sorted by object, at the end of audit_object_runs (keyed by run first, so a run's pages are
// written once, in order). Eight runs of a level are merged into one of the next level, up to
// kMaxMergedLevel, so a lookup seeks a bounded number of runs. Records newer than the last run
// (audit_object_run_list's highest last_seq) are found by scanning that tail of the log, so a
// lookup is complete whenever passes run.

// An SQL condition on audit_log alias `alias`: "the record is about object (?, ?)". It has four
// placeholders, to be bound to the object's type, id, type, id in that order.
std::string AuditObjectMatch(const std::string& alias);

// Appends the records not yet indexed as one run and merges full levels; returns how many
// records the new run covers (0 when there were none). Call inside a write transaction.
StatusOr<long long> IndexAuditObjects(sqlite3* db);

// Migration 8's code step: indexes the existing log (one run).
Status IndexExistingAuditObjects(sqlite3* db, const MigrationContext& context);

}  // namespace aegis::storage::internal
