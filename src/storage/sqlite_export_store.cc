// SQLite implementation of ExportRepo: prepared statements only, every value bound.
#include "storage/internal/sqlite_export_repo.h"

namespace aegis::storage::internal {
namespace {

constexpr const char* kSummaryColumns =
    "id, case_id, created_by, created_at, audience, recipient, purpose, language, document_hash, "
    "masked_spans, unmasked_spans, added_terms";

CaseExportRecord ReadSummary(const Stmt& s) {
  CaseExportRecord e;
  e.id = s.Int(0);
  e.case_id = s.Int(1);
  e.created_by = s.Int(2);
  e.created_at = s.Int(3);
  e.audience =
      domain::Parse<domain::ExportAudience>(s.Text(4)).value_or(domain::ExportAudience::kOther);
  e.recipient = s.Text(5);
  e.purpose = s.Text(6);
  e.language = s.Text(7);
  e.document_hash = s.Blob(8);
  e.masked_spans = static_cast<int>(s.Int(9));
  e.unmasked_spans = static_cast<int>(s.Int(10));
  e.added_terms = static_cast<int>(s.Int(11));
  return e;
}

class SqliteExportRepo final : public ExportRepo {
 public:
  SqliteExportRepo(sqlite3* db, StatementCache* cache) : db_(db), cache_(cache) {}

  StatusOr<Id> InsertExport(const CaseExportRecord& e) override {
    Stmt& s = Prepared(
        "INSERT INTO case_exports(case_id, created_by, created_at, audience, recipient, purpose, "
        "language, document, document_hash, masked_spans, unmasked_spans, added_terms) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.prepared()) return s.status();
    s.Bind(1, e.case_id).Bind(2, e.created_by).Bind(3, e.created_at);
    s.Bind(4, domain::ToString(e.audience)).Bind(5, e.recipient).Bind(6, e.purpose);
    s.Bind(7, e.language).Bind(8, e.document).BindBlob(9, e.document_hash);
    s.Bind(10, e.masked_spans).Bind(11, e.unmasked_spans).Bind(12, e.added_terms);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::optional<CaseExportRecord>> GetExport(Id id) override {
    Stmt& s = Prepared(std::string("SELECT ") + kSummaryColumns +
                       ", document FROM case_exports WHERE id = ?");
    if (!s.prepared()) return s.status();
    s.Bind(1, id);
    std::optional<CaseExportRecord> out;
    if (s.Step()) {
      out = ReadSummary(s);
      out->document = s.Text(12);
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<std::vector<CaseExportRecord>> ListExports(Id case_id) override {
    Stmt& s = Prepared(std::string("SELECT ") + kSummaryColumns +
                       " FROM case_exports WHERE case_id = ? ORDER BY created_at DESC, id DESC");
    if (!s.prepared()) return s.status();
    s.Bind(1, case_id);
    std::vector<CaseExportRecord> out;
    while (s.Step()) out.push_back(ReadSummary(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

 private:
  // The cached statement for `sql`, reset and with bindings cleared (as SqliteRepo::Prepared).
  Stmt& Prepared(const std::string& sql) {
    auto it = cache_->find(sql);
    if (it == cache_->end() || !it->second->prepared()) {
      it = cache_->insert_or_assign(sql, std::make_unique<Stmt>(db_, sql)).first;
    } else {
      it->second->Reset();
    }
    return *it->second;
  }

  sqlite3* db_;
  StatementCache* cache_;
};

}  // namespace

std::unique_ptr<ExportRepo> NewSqliteExportRepo(sqlite3* db, StatementCache* cache) {
  return std::make_unique<SqliteExportRepo>(db, cache);
}

std::string_view ExportMigrationSql() {
  // Append-only, like the audit: an export is the record of a disclosure.
  static constexpr std::string_view kSql = R"SQL(
CREATE TABLE case_exports (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  audience TEXT NOT NULL,
  recipient TEXT NOT NULL DEFAULT '',
  purpose TEXT NOT NULL,
  language TEXT NOT NULL,
  document TEXT NOT NULL,
  document_hash BLOB NOT NULL,
  masked_spans INTEGER NOT NULL,
  unmasked_spans INTEGER NOT NULL,
  added_terms INTEGER NOT NULL
);
CREATE INDEX case_exports_case ON case_exports(case_id, created_at);
CREATE TRIGGER case_exports_no_update BEFORE UPDATE ON case_exports
  BEGIN SELECT RAISE(ABORT, 'case_exports is append-only'); END;
CREATE TRIGGER case_exports_no_delete BEFORE DELETE ON case_exports
  BEGIN SELECT RAISE(ABORT, 'case_exports is append-only'); END;
)SQL";
  return kSql;
}

}  // namespace aegis::storage::internal
