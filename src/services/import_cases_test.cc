// Services::ImportCases: rows are read and checked on a second thread while earlier batches are
// written, and the import stays all or nothing, with errors naming the first bad row's line.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "services/services.h"
#include "services/testing_fixture.h"

namespace aegis::services {
namespace {

using domain::CaseStage;
using namespace testing;  // World, Must, ExpectStatus, FixedNow

long long Count(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* conn = nullptr;
  long long n = -1;
  if (sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(conn, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(conn);
  return n;
}

// `n` valid rows, lines 1..n, spread over two stations and two years.
std::vector<CaseImportRow> Rows(int n) {
  std::vector<CaseImportRow> rows(n);
  for (int i = 0; i < n; ++i) {
    CaseImportRow& row = rows[i];
    row.line = i + 1;
    row.unit_code = i % 3 ? "P-C-K1-S1" : "P-C-K2-S1";
    row.c.reference = "IMP-" + std::to_string(i + 1);
    row.c.title = "历史案件 " + std::to_string(i + 1);
    row.c.stage = i % 5 ? CaseStage::kUnderInvestigation : CaseStage::kSolved;
    row.c.filed_at = FixedNow() - 86400 * 700 + i * 600;
    if (row.c.stage == CaseStage::kSolved) row.c.solved_at = row.c.filed_at + 86400 * 30;
    row.c.facts.youngest_victim_age = i % 4 ? 30 : 12;  // every fourth victim a child: major
    row.c.facts.offence_time = row.c.filed_at - (i % 7 ? 3600 : 86400 * 365 * 3);
  }
  return rows;
}

// Hands out rows like the NDJSON reader, failing at one batch when told to.
class FailingSource final : public CaseImportSource {
 public:
  FailingSource(std::vector<CaseImportRow> rows, size_t fail_at_row)
      : rows_(std::move(rows)), fail_at_row_(fail_at_row) {}
  size_t ExpectedRows() const override { return rows_.size(); }
  Status Next(std::vector<CaseImportRow>& batch, size_t max_rows) override {
    batch.clear();
    if (next_ >= fail_at_row_) return Status::InvalidArgument("line 99999: record", "bad JSON");
    for (; next_ < rows_.size() && batch.size() < max_rows; ++next_) batch.push_back(rows_[next_]);
    return Status::Ok();
  }

 private:
  std::vector<CaseImportRow> rows_;
  size_t fail_at_row_;
  size_t next_ = 0;
};

class ImportCasesTest : public ::testing::Test {
 protected:
  std::filesystem::path Db() { return w.dir.path() / "aegis.db"; }
  long long Cases() { return Count(Db(), "SELECT COUNT(*) FROM cases"); }
  World w;
};

// Large enough to take the bulk path (indexes rebuilt once) and to span many batches.
TEST_F(ImportCasesTest, LargeImportStoresEveryRowWithRulesCountersAndIndexes) {
  const long long indexes = Count(Db(), "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'");
  auto rows = Rows(60000);
  rows[41000].lead_username = "off1";
  const ImportSummary summary = Must(w.services->ImportCases(rows), "ImportCases");
  EXPECT_EQ(summary.cases, 60000);
  EXPECT_EQ(summary.major, 15000);
  EXPECT_EQ(Cases(), 60000);
  EXPECT_EQ(Count(Db(), "SELECT COUNT(*) FROM cases WHERE major = 1"), 15000);
  EXPECT_EQ(Count(Db(), "SELECT COUNT(*) FROM cases WHERE historic = 1"), summary.historic);
  EXPECT_GT(summary.historic, 0);
  EXPECT_EQ(Count(Db(),
                  "SELECT COUNT(*) FROM cases WHERE reference = 'IMP-41001' AND "
                  "lead_investigator_id = " +
                      std::to_string(w.officer1)),
            1);
  // Every index is back, and the dashboard counters agree with the rows.
  EXPECT_EQ(Count(Db(), "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"), indexes);
  EXPECT_EQ(Count(Db(), "SELECT SUM(n) FROM daily_stats WHERE metric = 'filed'"), 60000);
  EXPECT_EQ(Count(Db(), "SELECT SUM(n) FROM daily_stats WHERE metric = 'solved'"), 12000);
  EXPECT_EQ(Count(Db(), "SELECT SUM(n) FROM daily_stats WHERE metric = 'minor_filed'"), 15000);
  EXPECT_EQ(Count(Db(), "SELECT SUM(n) FROM daily_stats WHERE metric = 'historic_solved'"),
            Count(Db(), "SELECT COUNT(*) FROM cases WHERE solved_at IS NOT NULL AND historic = 1"));
  // One audit record for the import.
  EXPECT_EQ(Count(Db(), "SELECT COUNT(*) FROM audit_log WHERE action = 'case.import'"), 1);
}

TEST_F(ImportCasesTest, FirstBadRowInALaterBatchNamesItsLineAndNothingIsStored) {
  auto rows = Rows(20000);
  rows[17000].unit_code = "NO-SUCH-UNIT";
  rows[18000].c.title.clear();
  auto result = w.services->ImportCases(rows);
  ASSERT_FALSE(result.ok());
  ExpectStatus(result.status(), StatusCode::kInvalidArgument, "line 17001: unit_code");
  EXPECT_EQ(Cases(), 0);
}

TEST_F(ImportCasesTest, UnknownLeadInvestigatorIsFoundByTheWriterAndNamed) {
  auto rows = Rows(9000);
  rows[8500].lead_username = "nobody";
  auto result = w.services->ImportCases(rows);
  ASSERT_FALSE(result.ok());
  ExpectStatus(result.status(), StatusCode::kInvalidArgument, "line 8501: lead_investigator");
  EXPECT_EQ(Cases(), 0);
}

TEST_F(ImportCasesTest, DuplicateReferenceIsAConflictAndRollsBack) {
  auto rows = Rows(70000);
  rows[65000].c.reference = rows[10].c.reference;
  auto result = w.services->ImportCases(rows);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kConflict);
  EXPECT_EQ(Cases(), 0);
  // The rolled-back bulk path left the schema as it was: a later small import keeps indexes.
  auto small = Rows(10);
  EXPECT_EQ(Must(w.services->ImportCases(small), "ImportCases").cases, 10);
  EXPECT_EQ(Count(Db(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases_unit_filed'"), 1);
}

TEST_F(ImportCasesTest, SourceFailureMidwayEndsTheImportWithItsError) {
  FailingSource source(Rows(30000), 12288);
  auto result = w.services->ImportCases(source);
  ASSERT_FALSE(result.ok());
  ExpectStatus(result.status(), StatusCode::kInvalidArgument, "line 99999: record");
  EXPECT_EQ(Cases(), 0);
}

TEST_F(ImportCasesTest, EmptySourceImportsNothing) {
  std::vector<CaseImportRow> none;
  const ImportSummary summary = Must(w.services->ImportCases(none), "ImportCases");
  EXPECT_EQ(summary.cases, 0);
  EXPECT_EQ(Cases(), 0);
}

}  // namespace
}  // namespace aegis::services
