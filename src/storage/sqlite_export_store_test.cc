// The case-export table: round trip with the document, the list without documents (newest first,
// one case only), and the append-only triggers.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "storage/export_store.h"
#include "storage/store.h"
#include "storage/testing_options.h"

namespace aegis::storage {
namespace {

using namespace aegis::domain;

class ExportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aegis_export_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = OpenSqliteStore(db_path(), TestOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_
                    ->Write([&](Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(
                          Id unit, r.InsertUnit({0, "S", "派出所", "Station", UnitType::kStation}));
                      AEGIS_ASSIGN_OR_RETURN(
                          officer_,
                          r.InsertUser({{0, "off", "Off", Role::kOfficer, unit, true, 1}, "h"}));
                      for (Id* id : {&case_, &other_case_}) {
                        Case c;
                        c.reference = "AJ-2026-00000" + std::to_string(id == &case_ ? 1 : 2);
                        c.unit_id = unit;
                        c.title = "t";
                        c.filed_at = c.updated_at = 1000;
                        AEGIS_ASSIGN_OR_RETURN(*id, r.InsertCase(c));
                      }
                      return Status::Ok();
                    })
                    .ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string db_path() const { return (dir_ / "t.db").string(); }

  CaseExportRecord Record(Id case_id, UnixSeconds at, const std::string& purpose) {
    CaseExportRecord e;
    e.case_id = case_id;
    e.created_by = officer_;
    e.created_at = at;
    e.audience = ExportAudience::kProsecution;
    e.recipient = "示范市人民检察院";
    e.purpose = purpose;
    e.language = "zh";
    e.document = R"({"format":"aegis.case_export.v1","sections":[]})";
    e.document_hash = std::string(32, '\x07');
    e.masked_spans = 5;
    e.unmasked_spans = 1;
    e.added_terms = 2;
    return e;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  Id officer_ = 0, case_ = 0, other_case_ = 0;
};

TEST_F(ExportStoreTest, RoundTripAndListNewestFirstWithoutDocuments) {
  Id first = 0, second = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(
                        first, r.Exports().InsertExport(Record(case_, 2000, "移送审查起诉")));
                    AEGIS_ASSIGN_OR_RETURN(
                        second, r.Exports().InsertExport(Record(case_, 3000, "法律援助")));
                    return r.Exports().InsertExport(Record(other_case_, 4000, "x")).status();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto got, r.Exports().GetExport(first));
                    EXPECT_TRUE(got.has_value());
                    if (!got) return Status::Ok();
                    const CaseExportRecord want = Record(case_, 2000, "移送审查起诉");
                    EXPECT_EQ(got->id, first);
                    EXPECT_EQ(got->case_id, case_);
                    EXPECT_EQ(got->created_by, officer_);
                    EXPECT_EQ(got->audience, ExportAudience::kProsecution);
                    EXPECT_EQ(got->recipient, want.recipient);
                    EXPECT_EQ(got->purpose, want.purpose);
                    EXPECT_EQ(got->language, "zh");
                    EXPECT_EQ(got->document, want.document);
                    EXPECT_EQ(got->document_hash, want.document_hash);
                    EXPECT_EQ(got->masked_spans, 5);
                    EXPECT_EQ(got->unmasked_spans, 1);
                    EXPECT_EQ(got->added_terms, 2);

                    AEGIS_ASSIGN_OR_RETURN(auto list, r.Exports().ListExports(case_));
                    EXPECT_EQ(list.size(), 2u);
                    if (list.size() == 2) {
                      EXPECT_EQ(list[0].id, second);
                      EXPECT_EQ(list[1].id, first);
                      EXPECT_TRUE(list[0].document.empty());
                      EXPECT_EQ(list[0].purpose, "法律援助");
                    }
                    AEGIS_ASSIGN_OR_RETURN(auto none, r.Exports().GetExport(9999));
                    EXPECT_FALSE(none.has_value());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(ExportStoreTest, ExportsCannotBeChangedOrDeleted) {
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    return r.Exports().InsertExport(Record(case_, 2000, "p")).status();
                  })
                  .ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  for (const char* sql : {"UPDATE case_exports SET document = '{}'", "DELETE FROM case_exports"}) {
    char* error = nullptr;
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << sql;
    EXPECT_NE(std::string(error ? error : "").find("append-only"), std::string::npos);
    sqlite3_free(error);
  }
  sqlite3_close(db);
}

}  // namespace
}  // namespace aegis::storage
