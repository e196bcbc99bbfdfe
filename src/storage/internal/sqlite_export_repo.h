// The SQLite ExportRepo, created by SqliteRepo on the same connection and statement cache.
#pragma once

#include <memory>

#include "storage/export_store.h"
#include "storage/internal/sqlite_victim_repo.h"

namespace aegis::storage::internal {

// An ExportRepo on `db`; valid while the enclosing transaction's Repo is.
std::unique_ptr<ExportRepo> NewSqliteExportRepo(sqlite3* db, StatementCache* cache);

}  // namespace aegis::storage::internal
