// The SQLite VictimRepo, created by SqliteRepo on the same connection and statement cache.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "storage/internal/sqlite_stmt.h"
#include "storage/access_store.h"
#include "storage/victim_store.h"

namespace aegis::storage::internal {

// Prepared statements of one connection, keyed by SQL text (shared with SqliteRepo, so that
// statements are released before COMMIT in one place).
using StatementCache = std::unordered_map<std::string, std::unique_ptr<Stmt>>;

// The cached statement for `sql`, prepared on first use and reset on later ones; check
// prepared() before use.
Stmt& CachedStatement(sqlite3* db, StatementCache* cache, const std::string& sql);

// A VictimRepo on `db`; valid while the enclosing transaction's Repo is.
std::unique_ptr<VictimRepo> NewSqliteVictimRepo(sqlite3* db, StatementCache* cache);
// An AccessRepo on `db`; likewise.
std::unique_ptr<AccessRepo> NewSqliteAccessRepo(sqlite3* db, StatementCache* cache);

}  // namespace aegis::storage::internal
