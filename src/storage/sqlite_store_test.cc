#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "storage/internal/sqlite_schema.h"
#include "storage/store.h"

namespace aegis::storage {
namespace {

using namespace aegis::domain;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aegis_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = OpenSqliteStore((dir_ / "t.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Write([&](Repo& r) -> Status {
      AEGIS_ASSIGN_OR_RETURN(province_, r.InsertUnit({0, "P", "省厅", "Province", UnitType::kProvince}));
      Unit city{0, "P-C", "市局", "City", UnitType::kCity, province_};
      AEGIS_ASSIGN_OR_RETURN(city_, r.InsertUnit(city));
      Unit other{0, "P-D", "另一市局", "Other city", UnitType::kCity, province_};
      AEGIS_ASSIGN_OR_RETURN(other_, r.InsertUnit(other));
      UserRecord u{{0, "alice", "Alice", Role::kOfficer, city_, true, 1}, "hash"};
      AEGIS_ASSIGN_OR_RETURN(user_, r.InsertUser(u));
      return Status::Ok();
    }).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Case MakeCase(Id unit, const std::string& ref) {
    Case c;
    c.reference = ref;
    c.unit_id = unit;
    c.title = "title " + ref;
    c.filed_at = 1000;
    c.updated_at = 1000;
    c.facts.youngest_victim_age = 12;
    c.major = true;
    c.major_flags = {{"victim_under_14", "被害人未满十四周岁", "Victim under 14", 3}};
    return c;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  Id province_ = 0, city_ = 0, other_ = 0, user_ = 0;
};

TEST_F(SqliteStoreTest, UnitPathsFollowHierarchy) {
  ASSERT_TRUE(store_->Read([&](Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto units, r.ListUnits());
    EXPECT_EQ(units.size(), 3u);
    AEGIS_ASSIGN_OR_RETURN(auto city, r.GetUnit(city_));
    EXPECT_EQ(city->path, "/" + std::to_string(province_) + "/" + std::to_string(city_) + "/");
    return Status::Ok();
  }).ok());
}

TEST_F(SqliteStoreTest, CaseRoundTripAndScope) {
  Id in_city = 0, in_other = 0;
  ASSERT_TRUE(store_->Write([&](Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(in_city, r.InsertCase(MakeCase(city_, "AJ-1")));
    AEGIS_ASSIGN_OR_RETURN(in_other, r.InsertCase(MakeCase(other_, "AJ-2")));
    return Status::Ok();
  }).ok());
  ASSERT_TRUE(store_->Read([&](Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(in_city));
    EXPECT_TRUE(c.has_value());
    EXPECT_EQ(c->reference, "AJ-1");
    EXPECT_EQ(c->facts.youngest_victim_age, 12);
    EXPECT_EQ(c->major_flags.size(), 1u);
    EXPECT_EQ(c->major_flags[0].label_en, "Victim under 14");

    AEGIS_ASSIGN_OR_RETURN(auto city, r.GetUnit(city_));
    CaseQuery q;
    q.scope.unit_path_prefixes = {city->path};
    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(q));
    EXPECT_EQ(list.total, 1);
    EXPECT_EQ(list.items.at(0).id, in_city);
    AEGIS_ASSIGN_OR_RETURN(bool visible, r.CaseInScope(in_other, q.scope));
    EXPECT_FALSE(visible);

    CaseQuery none;  // an empty scope sees nothing
    AEGIS_ASSIGN_OR_RETURN(auto empty, r.ListCases(none));
    EXPECT_EQ(empty.total, 0);
    CaseQuery all;
    all.scope.all = true;
    AEGIS_ASSIGN_OR_RETURN(auto everything, r.ListCases(all));
    EXPECT_EQ(everything.total, 2);
    return Status::Ok();
  }).ok());
}

TEST_F(SqliteStoreTest, SharedCaseEntersScope) {
  Id other_case = 0;
  ASSERT_TRUE(store_->Write([&](Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(other_case, r.InsertCase(MakeCase(other_, "AJ-3")));
    return r.InsertShare(other_case, city_, user_, 5);
  }).ok());
  ASSERT_TRUE(store_->Read([&](Repo& r) -> Status {
    CaseScope scope;
    scope.shared_units = {city_};
    AEGIS_ASSIGN_OR_RETURN(bool visible, r.CaseInScope(other_case, scope));
    EXPECT_TRUE(visible);
    return Status::Ok();
  }).ok());
}

TEST_F(SqliteStoreTest, FailedWriteRollsBack) {
  Status st = store_->Write([&](Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(r.InsertCase(MakeCase(city_, "AJ-9")).status());
    return Status::Internal("simulated failure after insert");
  });
  EXPECT_FALSE(st.ok());
  ASSERT_TRUE(store_->Read([&](Repo& r) -> Status {
    CaseQuery all;
    all.scope.all = true;
    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(all));
    EXPECT_EQ(list.total, 0);
    return Status::Ok();
  }).ok());
}

TEST_F(SqliteStoreTest, DuplicateReferenceIsConflict) {
  Status st = store_->Write([&](Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(r.InsertCase(MakeCase(city_, "AJ-5")).status());
    return r.InsertCase(MakeCase(city_, "AJ-5")).status();
  });
  EXPECT_EQ(st.code(), StatusCode::kConflict);
}

TEST_F(SqliteStoreTest, TextSearchTreatsWildcardsLiterally) {
  ASSERT_TRUE(store_->Write([&](Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(r.InsertCase(MakeCase(city_, "AJ-100")).status());
    return r.InsertCase(MakeCase(city_, "AJ-1%0")).status();
  }).ok());
  ASSERT_TRUE(store_->Read([&](Repo& r) -> Status {
    CaseQuery q;
    q.scope.all = true;
    q.text = "1%0";
    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(q));
    EXPECT_EQ(list.total, 1);
    q.text = "'; DROP TABLE cases; --";
    AEGIS_ASSIGN_OR_RETURN(auto none, r.ListCases(q));
    EXPECT_EQ(none.total, 0);
    q.text = "";
    q.page.sort = "title; DROP TABLE cases";
    EXPECT_EQ(r.ListCases(q).status().code(), StatusCode::kInvalidArgument);
    return Status::Ok();
  }).ok());
}

TEST_F(SqliteStoreTest, FindsDuplicateCluesByBlindIndexAndPlaceTime) {
  auto make = [&](const std::string& ref, const std::string& idx, double lat) {
    ClueRecord r;
    r.clue.reference = ref;
    r.clue.unit_id = city_;
    r.clue.recorded_by = user_;
    r.clue.summary = "s";
    r.clue.received_at = 100;
    r.clue.review_deadline = 100 + 3 * 86400;
    r.clue.facts.offence_time = 5000;
    r.clue.facts.latitude = lat;
    r.clue.facts.longitude = 121.0;
    r.victim_index.id_number = idx;
    return r;
  };
  ASSERT_TRUE(store_->Write([&](Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(r.InsertClue(make("XS-1", "idx-a", 31.0)).status());
    return r.InsertClue(make("XS-2", "idx-b", 32.0)).status();
  }).ok());
  ASSERT_TRUE(store_->Read([&](Repo& r) -> Status {
    DuplicateProbe p;
    p.victim.id_number = "idx-a";
    AEGIS_ASSIGN_OR_RETURN(auto hits, r.FindDuplicates(p));
    EXPECT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits.at(0).reason, "same_victim_id_number");
    DuplicateProbe place;
    place.offence_time = 5000 + 3600;
    place.latitude = 32.001;
    place.longitude = 121.0005;
    AEGIS_ASSIGN_OR_RETURN(auto near, r.FindDuplicates(place));
    EXPECT_EQ(near.size(), 1u);
    EXPECT_EQ(near.at(0).reference, "XS-2");
    return Status::Ok();
  }).ok());
}

TEST_F(SqliteStoreTest, AuditLogIsAppendOnly) {
  ASSERT_TRUE(store_->Write([&](Repo& r) {
    return r.AppendAudit({{1, user_, "case.read", "case", 7, true, "{}", "127.0.0.1"}});
  }).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").string().c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET allowed = 0", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, SequencesIncrease) {
  ASSERT_TRUE(store_->Write([&](Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto a, r.NextSequence("case-2026"));
    AEGIS_ASSIGN_OR_RETURN(auto b, r.NextSequence("case-2026"));
    AEGIS_ASSIGN_OR_RETURN(auto c, r.NextSequence("clue-2026"));
    EXPECT_EQ(a, 1);
    EXPECT_EQ(b, 2);
    EXPECT_EQ(c, 1);
    return Status::Ok();
  }).ok());
}

TEST_F(SqliteStoreTest, ReopenKeepsDataAndSchema) {
  ASSERT_TRUE(store_->Write([&](Repo& r) { return r.InsertCase(MakeCase(city_, "AJ-7")).status(); }).ok());
  store_.reset();
  auto again = OpenSqliteStore((dir_ / "t.db").string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->SchemaVersion(), internal::SqliteMigrations().back().version);
  store_ = std::move(again).value();
  ASSERT_TRUE(store_->Read([&](Repo& r) -> Status {
    CaseQuery all;
    all.scope.all = true;
    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(all));
    EXPECT_EQ(list.total, 1);
    return Status::Ok();
  }).ok());
}

}  // namespace
}  // namespace aegis::storage
