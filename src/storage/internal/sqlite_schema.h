// The SQLite schema as an ordered list of migrations compiled into the binary.
#pragma once

#include <sqlite3.h>

#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace aegis::storage::internal {

// What a migration's code step may use besides the connection.
struct MigrationContext {
  const AuditHasher& audit_hasher;
};

// A step that SQL alone cannot do; runs after the migration's SQL, in the same transaction.
using MigrationCode = Status (*)(sqlite3* db, const MigrationContext& context);

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
  MigrationCode code = nullptr;
};

// Migrations in ascending version order; each is applied once, in its own transaction.
const std::vector<Migration>& SqliteMigrations();

// Migration 5 (victim support), defined in sqlite_schema_victim.cc.
std::string_view VictimSupportMigrationSql();

// Migration 7 (case exports), defined in sqlite_export_store.cc.
std::string_view ExportMigrationSql();

}  // namespace aegis::storage::internal
