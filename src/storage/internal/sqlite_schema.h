// The SQLite schema as an ordered list of migrations compiled into the binary.
#pragma once

#include <string_view>
#include <vector>

namespace aegis::storage::internal {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Migrations in ascending version order; each is applied once, in its own transaction.
const std::vector<Migration>& SqliteMigrations();

// Migration 5 (victim support), defined in sqlite_schema_victim.cc.
std::string_view VictimSupportMigrationSql();

}  // namespace aegis::storage::internal
