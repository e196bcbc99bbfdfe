#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "storage/audit_chain_codec.h"
#include "storage/internal/sqlite_schema.h"
#include "storage/store.h"
#include "storage/testing_options.h"

namespace aegis::storage {
namespace {

using namespace aegis::domain;

int LatestSchemaVersion() { return internal::SqliteMigrations().back().version; }

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aegis_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = OpenSqliteStore((dir_ / "t.db").string(), TestOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_
                    ->Write([&](Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(province_, r.InsertUnit({0, "P", "省厅", "Province",
                                                                      UnitType::kProvince}));
                      Unit city{0, "P-C", "市局", "City", UnitType::kCity, province_};
                      AEGIS_ASSIGN_OR_RETURN(city_, r.InsertUnit(city));
                      Unit other{0, "P-D", "另一市局", "Other city", UnitType::kCity, province_};
                      AEGIS_ASSIGN_OR_RETURN(other_, r.InsertUnit(other));
                      UserRecord u{{0, "alice", "Alice", Role::kOfficer, city_, true, 1}, "hash"};
                      AEGIS_ASSIGN_OR_RETURN(user_, r.InsertUser(u));
                      return Status::Ok();
                    })
                    .ok());
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
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto units, r.ListUnits());
                    EXPECT_EQ(units.size(), 3u);
                    AEGIS_ASSIGN_OR_RETURN(auto city, r.GetUnit(city_));
                    EXPECT_EQ(city->path,
                              "/" + std::to_string(province_) + "/" + std::to_string(city_) + "/");
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, CaseRoundTripAndScope) {
  Id in_city = 0, in_other = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(in_city, r.InsertCase(MakeCase(city_, "AJ-1")));
                    AEGIS_ASSIGN_OR_RETURN(in_other, r.InsertCase(MakeCase(other_, "AJ-2")));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
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
                  })
                  .ok());
}

// The SQL of a scoped read is kept per thread for the last scope: alternating scopes, including
// ones that differ only in a label or a break-glass case, each get their own answer.
TEST_F(SqliteStoreTest, ScopedReadsFollowEachScopeWhenScopesAlternate) {
  Id city_case = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(city_case, r.InsertCase(MakeCase(city_, "ALT-1")));
                    return Status::Ok();
                  })
                  .ok());
  std::string city_path, other_path;
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto city, r.GetUnit(city_));
                    AEGIS_ASSIGN_OR_RETURN(auto other, r.GetUnit(other_));
                    city_path = city->path;
                    other_path = other->path;
                    return Status::Ok();
                  })
                  .ok());
  CaseScope city, other, all, granted, none;
  city.unit_path_prefixes = {city_path};
  other.unit_path_prefixes = {other_path};
  all.all = true;
  granted = other;
  granted.break_glass_cases = {city_case};
  const std::vector<std::pair<const CaseScope*, bool>> sequence = {
      {&city, true},    {&other, false}, {&city, true},  {&all, true}, {&other, false},
      {&granted, true}, {&other, false}, {&none, false}, {&city, true}};
  for (size_t i = 0; i < sequence.size(); ++i) {
    const auto& [scope, expected] = sequence[i];
    ASSERT_TRUE(store_
                    ->Read([&](Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCaseInScope(city_case, *scope));
                      EXPECT_EQ(c.has_value(), expected) << "step " << i;
                      AEGIS_ASSIGN_OR_RETURN(bool in, r.CaseInScope(city_case, *scope));
                      EXPECT_EQ(in, expected) << "step " << i;
                      return Status::Ok();
                    })
                    .ok());
  }
}

TEST_F(SqliteStoreTest, SharedCaseEntersScope) {
  Id other_case = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(other_case, r.InsertCase(MakeCase(other_, "AJ-3")));
                    return r.InsertShare(other_case, city_, user_, 5);
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    CaseScope scope;
                    scope.shared_units = {city_};
                    AEGIS_ASSIGN_OR_RETURN(bool visible, r.CaseInScope(other_case, scope));
                    EXPECT_TRUE(visible);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, FailedWriteRollsBack) {
  Status st = store_->Write([&](Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(r.InsertCase(MakeCase(city_, "AJ-9")).status());
    return Status::Internal("simulated failure after insert");
  });
  EXPECT_FALSE(st.ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    CaseQuery all;
                    all.scope.all = true;
                    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(all));
                    EXPECT_EQ(list.total, 0);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, DuplicateReferenceIsConflict) {
  Status st = store_->Write([&](Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(r.InsertCase(MakeCase(city_, "AJ-5")).status());
    return r.InsertCase(MakeCase(city_, "AJ-5")).status();
  });
  EXPECT_EQ(st.code(), StatusCode::kConflict);
}

TEST_F(SqliteStoreTest, TextSearchTreatsWildcardsLiterally) {
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_RETURN_IF_ERROR(r.InsertCase(MakeCase(city_, "AJ-100")).status());
                    return r.InsertCase(MakeCase(city_, "AJ-1%0")).status();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
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
                  })
                  .ok());
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
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_RETURN_IF_ERROR(r.InsertClue(make("XS-1", "idx-a", 31.0)).status());
                    return r.InsertClue(make("XS-2", "idx-b", 32.0)).status();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
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
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, AuditLogIsAppendOnly) {
  ASSERT_TRUE(
      store_
          ->Write([&](Repo& r) {
            return r.AppendAudit({{1, user_, "case.read", "case", 7, true, "{}", "127.0.0.1"}});
          })
          .ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").string().c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET allowed = 0", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, SequencesIncrease) {
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto a, r.NextSequence("case-2026"));
                    AEGIS_ASSIGN_OR_RETURN(auto b, r.NextSequence("case-2026"));
                    AEGIS_ASSIGN_OR_RETURN(auto c, r.NextSequence("clue-2026"));
                    EXPECT_EQ(a, 1);
                    EXPECT_EQ(b, 2);
                    EXPECT_EQ(c, 1);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, ReopenKeepsDataAndSchema) {
  ASSERT_TRUE(
      store_->Write([&](Repo& r) { return r.InsertCase(MakeCase(city_, "AJ-7")).status(); }).ok());
  const int version = store_->SchemaVersion();  // the newest migration compiled in
  EXPECT_GE(version, 1);
  store_.reset();
  auto again = OpenSqliteStore((dir_ / "t.db").string(), TestOptions());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->SchemaVersion(), version);
  store_ = std::move(again).value();
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    CaseQuery all;
                    all.scope.all = true;
                    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(all));
                    EXPECT_EQ(list.total, 1);
                    return Status::Ok();
                  })
                  .ok());
}

// ---- The audit hash chain

std::vector<AuditEntry> Chain(Store& store) {
  std::vector<AuditEntry> out;
  EXPECT_TRUE(store
                  .Read([&](Repo& r) {
                    return r.ScanAuditChain([&](const AuditEntry& e) {
                      out.push_back(e);
                      return Status::Ok();
                    });
                  })
                  .ok());
  return out;
}

// Recomputes the expected hashes of `chain` with TestHash.
void ExpectChained(const std::vector<AuditEntry>& chain) {
  std::string prev = AuditGenesisHash();
  for (size_t i = 0; i < chain.size(); ++i) {
    SCOPED_TRACE("seq " + std::to_string(chain[i].seq));
    EXPECT_EQ(chain[i].seq, static_cast<long long>(i + 1));
    EXPECT_TRUE(chain[i].malformed.empty()) << chain[i].malformed;
    const std::string want = TestHash(prev + EncodeAuditRecord(chain[i].seq, chain[i].record));
    EXPECT_EQ(chain[i].hash, want);
    prev = want;
  }
}

TEST(SqliteStoreOpen, RefusesToOpenWithoutAnAuditHasher) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("aegis_store_nohash_" + std::to_string(::getpid()) + ".db");
  auto store = OpenSqliteStore(path.string());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.status().field(), "audit_hasher");
  std::filesystem::remove(path);
}

TEST_F(SqliteStoreTest, AppendAuditChainsEveryRecordAcrossTransactions) {
  AuditRecord a{10, user_, "case.read", "case", 7, true, "{}", "127.0.0.1", ""};
  AuditRecord b{11,   std::nullopt, "demo.generate", "store",    std::nullopt,
                true, "{\"n\":1}",  "cli",           "bulk load"};
  AuditRecord c{12, user_, "identity.reveal", "person", 3, false, "{}", "10.0.0.2", "court order"};
  ASSERT_TRUE(store_->Write([&](Repo& r) { return r.AppendAudit({a, b}); }).ok());
  ASSERT_TRUE(store_->Write([&](Repo& r) { return r.AppendAudit({c}); }).ok());
  // A rolled-back append leaves no trace and does not disturb the next seq.
  EXPECT_FALSE(store_
                   ->Write([&](Repo& r) -> Status {
                     AEGIS_RETURN_IF_ERROR(r.AppendAudit({a}));
                     return Status::Conflict("rolled back");
                   })
                   .ok());
  const auto chain = Chain(*store_);
  ASSERT_EQ(chain.size(), 3u);
  ExpectChained(chain);
  EXPECT_EQ(chain[1].record.purpose, "bulk load");
  EXPECT_FALSE(chain[1].record.user_id.has_value());
  EXPECT_EQ(chain[2].record.action, "identity.reveal");
  EXPECT_FALSE(chain[2].record.allowed);
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(AuditHead head, r.GetAuditHead());
                    EXPECT_EQ(head.seq, 3);
                    EXPECT_EQ(head.hash, chain[2].hash);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, EncodingCoversEveryFieldAndTheSeq) {
  const AuditRecord base{10, user_, "case.read", "case", 7, true, "{}", "127.0.0.1", "p"};
  const std::string enc = EncodeAuditRecord(1, base);
  std::vector<AuditRecord> variants(10, base);
  variants[0].at = 11;
  variants[1].user_id = std::nullopt;
  variants[2].action = "case.reaD";
  variants[3].object_type = "cas";
  variants[4].object_id = std::nullopt;
  variants[5].allowed = false;
  variants[6].detail = "{ }";
  variants[7].remote = "127.0.0.2";
  variants[8].purpose = "";
  variants[9].object_id = 8;
  for (size_t i = 0; i < variants.size(); ++i)
    EXPECT_NE(EncodeAuditRecord(1, variants[i]), enc) << "variant " << i;
  EXPECT_NE(EncodeAuditRecord(2, base), enc);
  // Length prefixes keep field boundaries: moving a character between fields changes the bytes.
  AuditRecord shifted = base;
  shifted.action = "case.rea";
  shifted.object_type = "dcase";
  EXPECT_NE(EncodeAuditRecord(1, shifted), enc);
}

// Large batches go in several rows per INSERT: every record keeps its own fields, seq and hash.
TEST_F(SqliteStoreTest, AppendAuditOfALargeBatchKeepsOrderFieldsAndChain) {
  std::vector<AuditRecord> batch;
  for (int i = 0; i < 75; ++i) {  // two multi-row statements and 11 single rows
    batch.push_back({100 + i, i % 3 ? std::optional<Id>(user_) : std::nullopt, "case.read", "case",
                     i % 5 ? std::optional<Id>(i) : std::nullopt, i % 2 == 0,
                     "{\"i\":" + std::to_string(i) + "}", "10.0.0." + std::to_string(i), "p"});
  }
  ASSERT_TRUE(store_->Write([&](Repo& r) { return r.AppendAudit(batch); }).ok());
  const auto chain = Chain(*store_);
  ASSERT_EQ(chain.size(), batch.size());
  ExpectChained(chain);
  for (size_t i = 0; i < batch.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(chain[i].record.at, batch[i].at);
    EXPECT_EQ(chain[i].record.user_id, batch[i].user_id);
    EXPECT_EQ(chain[i].record.object_id, batch[i].object_id);
    EXPECT_EQ(chain[i].record.allowed, batch[i].allowed);
    EXPECT_EQ(chain[i].record.detail, batch[i].detail);
    EXPECT_EQ(chain[i].record.remote, batch[i].remote);
  }
}

TEST_F(SqliteStoreTest, AuditLogRefusesRecordsWithoutTheirChainHash) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").string().c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "INSERT INTO audit_log(seq, at, action, allowed) VALUES(1, 1, 'x', 1)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db,
                         "INSERT INTO audit_log(seq, at, action, allowed, hash) "
                         "VALUES(1, 1, 'x', 1, x'00')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, CheckpointsAreAppendOnlyAndListedInSeqOrder) {
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto none, r.LastAuditCheckpoint());
                    EXPECT_FALSE(none.has_value());
                    AEGIS_RETURN_IF_ERROR(
                        r.InsertAuditCheckpoint({0, 5, std::string(32, 'a'), 100,
                                                 std::string(32, 'k'), std::string(64, 's')})
                            .status());
                    return r
                        .InsertAuditCheckpoint({0, 2, std::string(32, 'b'), 90,
                                                std::string(32, 'k'), std::string(64, 't')})
                        .status();
                  })
                  .ok());
  std::vector<long long> seqs;
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_RETURN_IF_ERROR(r.ScanAuditCheckpoints([&](const AuditCheckpoint& c) {
                      seqs.push_back(c.seq);
                      EXPECT_TRUE(c.malformed.empty());
                      return Status::Ok();
                    }));
                    AEGIS_ASSIGN_OR_RETURN(auto last, r.LastAuditCheckpoint());
                    EXPECT_TRUE(last.has_value());
                    if (last) {
                      EXPECT_EQ(last->seq, 5);
                      EXPECT_EQ(last->hash, std::string(32, 'a'));
                      EXPECT_EQ(last->signature, std::string(64, 's'));
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(seqs, (std::vector<long long>{2, 5}));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").string().c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_checkpoints", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_checkpoints SET seq = 9", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ScanMarksValuesOfTheWrongTypeAsMalformed) {
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) {
                    return r.AppendAudit(
                        {{1, user_, "case.read", "case", 7, true, "{}", "127.0.0.1", ""},
                         {2, user_, "case.read", "case", 7, true, "{}", "127.0.0.1", ""}});
                  })
                  .ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").string().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER audit_no_update; "
                         "UPDATE audit_log SET at = 1.5 WHERE seq = 1; "
                         "UPDATE audit_log SET allowed = 2 WHERE seq = 2;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const auto chain = Chain(*store_);
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].malformed, "at");
  EXPECT_EQ(chain[1].malformed, "allowed");
}

TEST(SqliteStoreMigration, Version3ChainsRecordsWrittenBeforeTheChainExisted) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("aegis_store_legacy_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "legacy.db").string();
  {
    // A database as version 1 left it, with audit records and no chain.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string v1(internal::SqliteMigrations().front().sql);
    ASSERT_EQ(sqlite3_exec(
                  db,
                  ("BEGIN; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT "
                   "NOT NULL, applied_at INTEGER NOT NULL);" +
                   v1 +
                   "INSERT INTO schema_migrations VALUES(1, 'initial schema', 0);"
                   "INSERT INTO audit_log(at, user_id, action, object_type, object_id, "
                   "allowed, detail, remote) VALUES"
                   "(100, NULL, 'demo.generate', 'store', NULL, 1, '{\"cases\":3}', 'cli'),"
                   "(101, 4, 'case.read', 'case', 2, 1, '{}', '127.0.0.1'),"
                   "(102, 5, 'case.read', 'case', 9, 0, '{}', '10.1.1.1'); COMMIT;")
                      .c_str(),
                  nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  {
    auto store = OpenSqliteStore(path, TestOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
    auto chain = Chain(**store);
    ASSERT_EQ(chain.size(), 3u);
    ExpectChained(chain);
    EXPECT_EQ(chain[2].record.remote, "10.1.1.1");
    // New records continue the legacy chain.
    ASSERT_TRUE(
        (*store)
            ->Write([&](Repo& r) {
              return r.AppendAudit({{103, 4, "case.read", "case", 2, true, "{}", "127.0.0.1", ""}});
            })
            .ok());
    chain = Chain(**store);
    ASSERT_EQ(chain.size(), 4u);
    ExpectChained(chain);
  }
  // The append-only trigger is back after the migration.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_NE(
      sqlite3_exec(db, "UPDATE audit_log SET hash = NULL WHERE seq = 1", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}

TEST_F(SqliteStoreTest, AuditSearchScopesByActorOrOwnerAndFindsOutsideAccesses) {
  Id case_city = 0, case_other = 0, other_user = 0;
  ASSERT_TRUE(
      store_
          ->Write([&](Repo& r) -> Status {
            AEGIS_ASSIGN_OR_RETURN(case_city, r.InsertCase(MakeCase(city_, "AJ-C")));
            AEGIS_ASSIGN_OR_RETURN(case_other, r.InsertCase(MakeCase(other_, "AJ-O")));
            UserRecord u{{0, "bob", "Bob", Role::kOfficer, other_, true, 1}, "hash"};
            AEGIS_ASSIGN_OR_RETURN(other_user, r.InsertUser(u));
            return r.AppendAudit({
                {1, user_, "case.read", "case", case_city, true, "{}", "a", ""},       // 1 inside
                {2, user_, "case.read", "case", case_other, true, "{}", "a", ""},      // 2 outside
                {3, other_user, "case.read", "case", case_city, true, "{}", "b", ""},  // 3 outside
                {4, other_user, "case.read", "case", case_other, false, "{}", "b", ""},  // 4 inside
                {5, std::nullopt, "demo.generate", "store", std::nullopt, true, "{}", "cli", ""},
            });
          })
          .ok());
  auto seqs = [&](AuditQuery q) {
    std::vector<long long> out;
    EXPECT_TRUE(store_
                    ->Read([&](Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(auto list, r.SearchAudit(q));
                      for (const auto& h : list.items) out.push_back(h.entry.seq);
                      // A first page that is not full holds every match.
                      if (q.page.offset == 0 && static_cast<int>(out.size()) < q.page.limit) {
                        EXPECT_EQ(list.total, static_cast<long long>(out.size()));
                      }
                      return Status::Ok();
                    })
                    .ok());
    return out;
  };
  AuditQuery all;
  all.all = true;
  EXPECT_EQ(seqs(all), (std::vector<long long>{5, 4, 3, 2, 1}));
  all.page.descending = false;
  all.page.limit = 2;
  all.page.offset = 1;
  EXPECT_EQ(seqs(all), (std::vector<long long>{2, 3}));
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto list, r.SearchAudit(all));
                    EXPECT_EQ(list.total, 5);
                    EXPECT_FALSE(list.total_capped);
                    return Status::Ok();
                  })
                  .ok());

  AuditQuery city;  // the city's users, or the city's cases
  city.unit_path_prefixes = {"/1/2/"};
  EXPECT_EQ(seqs(city), (std::vector<long long>{3, 2, 1}));
  AuditQuery none;  // no prefixes and not all: nothing
  EXPECT_TRUE(seqs(none).empty());

  AuditQuery outside;
  outside.all = true;
  outside.outside_unit = true;
  EXPECT_EQ(seqs(outside), (std::vector<long long>{3, 2}));

  AuditQuery filtered;
  filtered.all = true;
  filtered.user_id = other_user;
  filtered.allowed = false;
  EXPECT_EQ(seqs(filtered), (std::vector<long long>{4}));
  AuditQuery object;
  object.all = true;
  object.object_type = "case";
  object.object_id = case_city;
  object.since = 2;
  object.until = 4;
  EXPECT_EQ(seqs(object), (std::vector<long long>{3}));
  AuditQuery action;
  action.all = true;
  action.action = "demo.generate";
  EXPECT_EQ(seqs(action), (std::vector<long long>{5}));

  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto list, r.SearchAudit(outside));
                    EXPECT_EQ(list.items.at(0).actor_unit_id, other_);
                    EXPECT_EQ(list.items.at(0).object_unit_id, city_);
                    return Status::Ok();
                  })
                  .ok());
  // Each hit carries the same answer as the filter: 2 and 3 outside, 1 (own unit) not.
  AuditQuery every;
  every.all = true;
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto list, r.SearchAudit(every));
                    for (const auto& hit : list.items) {
                      const long long seq = hit.entry.seq;
                      EXPECT_EQ(hit.outside_unit, seq == 2 || seq == 3) << seq;
                    }
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace aegis::storage

namespace aegis::storage {
namespace {

long long Scalar(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open(db.string().c_str(), &h);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  long long v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

// Records are found by object through sorted runs appended in bulk plus a scan of the newest,
// unindexed records: a lookup gives every record, newest first, however many passes have run,
// and full levels of runs are merged so that lookups seek a bounded number of runs.
TEST_F(SqliteStoreTest, AuditObjectLookupsAreCompleteBeforeAndAfterBulkIndexing) {
  std::map<std::pair<std::string, Id>, long long> expected;  // (type, id) -> records
  std::map<std::pair<std::string, Id>, UnixSeconds> newest;
  long long at = 1000;
  auto lookup = [&](const std::string& type, Id id) {
    std::vector<AuditRecord> list;
    long long total = -1;
    EXPECT_TRUE(store_
                    ->Read([&](Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(list, r.ListAudit(id, type, 1000000));
                      AuditQuery q;
                      q.all = true;
                      q.object_type = type;
                      q.object_id = id;
                      q.page.count_limit = 1000000;
                      AEGIS_ASSIGN_OR_RETURN(auto hits, r.SearchAudit(q));
                      total = hits.total;
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(total, static_cast<long long>(list.size())) << type << " " << id;
    for (size_t i = 1; i < list.size(); ++i) EXPECT_GT(list[i - 1].at, list[i].at);
    if (!list.empty()) {
      EXPECT_EQ(list.front().at, (newest[{type, id}]));
    }
    for (const auto& rec : list) EXPECT_TRUE(rec.object_type == type && rec.object_id == id);
    return static_cast<long long>(list.size());
  };
  for (int pass = 0; pass < 18; ++pass) {
    std::vector<AuditRecord> batch;
    for (int i = 0; i < 3000; ++i) {
      const bool clue = i % 5 == 0;
      const Id id = (pass * 7 + i) % 41;
      AuditRecord rec{++at,
                      user_,
                      "read",
                      clue ? "clue" : "case",
                      i % 11 ? std::optional<Id>(id) : std::nullopt,
                      true,
                      "{}",
                      "t",
                      ""};
      if (rec.object_id) {
        ++expected[{rec.object_type, id}];
        newest[{rec.object_type, id}] = rec.at;
      }
      batch.push_back(rec);
    }
    ASSERT_TRUE(store_->Write([&](Repo& r) { return r.AppendAudit(batch); }).ok());
    // Every third pass leaves its records unindexed for a while: the tail scan must find them.
    if (pass % 3 != 2) {
      ASSERT_TRUE(store_->Write([&](Repo& r) { return r.IndexAuditObjects().status(); }).ok());
    }
    for (Id id : {0, 1, 17, 40}) {
      EXPECT_EQ(lookup("case", id), (expected[{"case", id}])) << "pass " << pass;
      EXPECT_EQ(lookup("clue", id), (expected[{"clue", id}])) << "pass " << pass;
    }
    EXPECT_EQ(lookup("case", 41), 0);
    EXPECT_EQ(lookup("person", 1), 0);
  }
  // A last pass covers the final, unindexed records: 13 level-0 runs in all, of which eight
  // were merged into one run of level 1.
  ASSERT_TRUE(store_->Write([&](Repo& r) { return r.IndexAuditObjects().status(); }).ok());
  EXPECT_EQ(lookup("case", 17), (expected[{"case", 17}]));
  const auto db = dir_ / "t.db";
  long long with_object = 0;
  for (const auto& [key, n] : expected) with_object += n;
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM audit_object_run_list WHERE level = 0"), 5);
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM audit_object_run_list WHERE level = 1"), 1);
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM audit_object_runs"), with_object);
  EXPECT_EQ(Scalar(db, "SELECT SUM(entries) FROM audit_object_run_list"), with_object);
  EXPECT_EQ(Scalar(db,
                   "SELECT COUNT(*) FROM (SELECT seq FROM audit_object_runs GROUP BY seq "
                   "HAVING COUNT(*) > 1)"),
            0);
}

// Major flags are stored as JSON written by hand; any label text must come back unchanged.
TEST_F(SqliteStoreTest, MajorFlagLabelsRoundTripWhateverTheyContain) {
  Case c = MakeCase(city_, "FLAGS-1");
  const std::string odd = std::string("引号\"反斜杠\\换行\n制表\t回车\r控制\x01\x1f结束");
  c.major_flags = {{"rule\"key", odd, "quote \" and \\ back", -2}, {"second", "", "", 0}};
  std::optional<Case> back;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(Id id, r.InsertCase(c));
                    AEGIS_ASSIGN_OR_RETURN(back, r.GetCase(id));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->major_flags.size(), 2u);
  EXPECT_EQ(back->major_flags[0].rule_key, "rule\"key");
  EXPECT_EQ(back->major_flags[0].label, odd);
  EXPECT_EQ(back->major_flags[0].label_en, "quote \" and \\ back");
  EXPECT_EQ(back->major_flags[0].priority, -2);
  EXPECT_EQ(back->major_flags[1].rule_key, "second");
}

// A bulk load fed in several batches counts every batch, and keeps the partial indexes over
// optional columns in place while the others are rebuilt.
TEST_F(SqliteStoreTest, BulkLoadInBatchesCountsEveryBatch) {
  std::vector<std::vector<Case>> batches(3);
  for (int i = 0; i < 60000; ++i) {
    Case c = MakeCase(i % 2 ? city_ : other_, "BATCH-" + std::to_string(i));
    c.filed_at = -86400 * 3 + i * 600;  // some before 1970: days truncate as SQLite's do
    if (i % 4 == 0) c.solved_at = c.filed_at + 86400;
    c.historic = i % 8 == 0;
    batches[i % 3].push_back(c);
  }
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto load, r.StartCaseBulkLoad(60000));
                    for (auto& b : batches) AEGIS_RETURN_IF_ERROR(load->Add(b));
                    return load->Finish();
                  })
                  .ok());
  const auto db = dir_ / "t.db";
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM cases"), 60000);
  EXPECT_EQ(Scalar(db, "SELECT SUM(n) FROM daily_stats WHERE metric = 'filed'"), 60000);
  EXPECT_EQ(Scalar(db, "SELECT SUM(n) FROM daily_stats WHERE metric = 'historic_solved'"),
            Scalar(db, "SELECT COUNT(*) FROM cases WHERE solved_at IS NOT NULL AND historic = 1"));
  EXPECT_EQ(
      Scalar(db,
             "SELECT COUNT(*) FROM (SELECT unit_path, solved_at / 86400 d, COUNT(*) n FROM cases "
             "WHERE solved_at IS NOT NULL GROUP BY 1, 2 EXCEPT SELECT unit_path, day, n FROM "
             "daily_stats WHERE metric = 'solved')"),
      0);
  for (const char* index : {"cases_unit_filed", "cases_stage", "cases_major_unit", "cases_lead"})
    EXPECT_EQ(
        Scalar(db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE name = '") + index + "'"),
        1)
        << index;
}

// The file format's journal mode (header bytes 18 and 19): 1 for a rollback journal, 2 for WAL.
int HeaderJournalVersion(const std::filesystem::path& db) {
  std::ifstream in(db, std::ios::binary);
  char header[20] = {};
  in.read(header, sizeof header);
  return header[18] == header[19] ? header[18] : -1;
}

// A store opened for a bulk load writes through a rollback journal while it alone has the
// database open, and gives it back in WAL mode when closed.
TEST_F(SqliteStoreTest, BulkLoadStoreWritesThroughARollbackJournalAndRestoresWal) {
  const auto db = dir_ / "t.db";
  EXPECT_EQ(HeaderJournalVersion(db), 2);
  store_.reset();
  StoreOptions options = TestOptions();
  options.bulk_load = true;
  {
    auto bulk = OpenSqliteStore(db.string(), options);
    ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
    EXPECT_TRUE((*bulk)->BulkLoadJournal());
    EXPECT_EQ(HeaderJournalVersion(db), 1);
    ASSERT_TRUE(
        (*bulk)
            ->Write([&](Repo& r) { return r.InsertCase(MakeCase(city_, "BULK-1")).status(); })
            .ok());
    EXPECT_FALSE(std::filesystem::exists(dir_ / "t.db-wal"));
  }
  EXPECT_EQ(HeaderJournalVersion(db), 2);
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM cases WHERE reference = 'BULK-1'"), 1);
}

// While another connection has the database open, leaving WAL mode is impossible: the bulk-load
// store answers at once (no busy wait) and writes through the WAL as any store does.
TEST_F(SqliteStoreTest, BulkLoadStoreStaysInWalWhileTheDatabaseIsInUse) {
  const auto db = dir_ / "t.db";
  StoreOptions options = TestOptions();
  options.bulk_load = true;
  auto bulk = OpenSqliteStore(db.string(), options);  // store_ is still open
  ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
  EXPECT_FALSE((*bulk)->BulkLoadJournal());
  EXPECT_EQ(HeaderJournalVersion(db), 2);
  ASSERT_TRUE((*bulk)
                  ->Write([&](Repo& r) { return r.InsertCase(MakeCase(city_, "WAL-1")).status(); })
                  .ok());
  bulk->reset();
  EXPECT_EQ(HeaderJournalVersion(db), 2);
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM cases WHERE reference = 'WAL-1'"), 1);
}

// A bulk load that dies after its index builds have spilled pages into the database file (the
// writer's cache is 1 MiB then) leaves a hot journal; the next open rolls it back: no case of
// the load, the dropped indexes back, an intact file in WAL mode.
TEST_F(SqliteStoreTest, BulkLoadKilledBeforeCommitIsRolledBackAtTheNextOpen) {
  const auto db = dir_ / "t.db";
  store_.reset();
  std::vector<Case> cases;
  for (int i = 0; i < 60000; ++i) cases.push_back(MakeCase(city_, "DIES-" + std::to_string(i)));
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    StoreOptions options = TestOptions();
    options.bulk_load = true;
    auto bulk = OpenSqliteStore(db.string(), options);
    if (!bulk.ok() || !(*bulk)->BulkLoadJournal()) _exit(2);
    (void)(*bulk)->Write([&](Repo& r) -> Status {
      auto load = r.StartCaseBulkLoad(cases.size());
      if (!load.ok() || !(*load)->Add(cases).ok() || !(*load)->Finish().ok()) _exit(3);
      _exit(0);  // dies inside the transaction, as a kill would
    });
    _exit(4);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  ASSERT_EQ(WEXITSTATUS(wstatus), 0);
  ASSERT_TRUE(std::filesystem::exists(dir_ / "t.db-journal"));
  EXPECT_EQ(HeaderJournalVersion(db), 1);

  auto reopened = OpenSqliteStore(db.string(), TestOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(HeaderJournalVersion(db), 2);
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM cases"), 0);
  EXPECT_EQ(Scalar(db,
                   "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('cases_unit_filed', "
                   "'cases_stage', 'cases_filed', 'cases_stage_unit')"),
            4);
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"),
            0);
  ASSERT_TRUE(
      (*reopened)
          ->Write([&](Repo& r) { return r.InsertCase(MakeCase(city_, "AFTER-1")).status(); })
          .ok());
  EXPECT_EQ(Scalar(db, "SELECT COUNT(*) FROM cases"), 1);
}

// The dashboard counters must equal what a full count says, whether rows came one by one (through
// the triggers), in a bulk import (added up per batch), or changed afterwards.
TEST_F(SqliteStoreTest, DailyCountersMatchTheRows) {
  std::vector<Case> bulk;
  for (int i = 0; i < 60000; ++i) {
    Case c = MakeCase(i % 2 ? city_ : other_, "BULK-" + std::to_string(i));
    c.filed_at = 1700000000 + i * 600;
    c.facts.youngest_victim_age = i % 3 ? 30 : 12;
    if (i % 4 == 0) c.solved_at = c.filed_at + 86400;
    c.historic = i % 8 == 0;
    bulk.push_back(c);
  }
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_RETURN_IF_ERROR(r.BulkInsertCases(bulk));
                    // One more, through the per-row trigger, and then solved by an update.
                    AEGIS_ASSIGN_OR_RETURN(Id one, r.InsertCase(MakeCase(city_, "ONE")));
                    AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(one));
                    c->solved_at = 1800000000;
                    return r.UpdateCase(*c);
                  })
                  .ok());
  const auto db = dir_ / "t.db";
  auto counter = [&](const std::string& metric) {
    return Scalar(db, "SELECT SUM(n) FROM daily_stats WHERE metric = '" + metric + "'");
  };
  EXPECT_EQ(counter("filed"), Scalar(db, "SELECT COUNT(*) FROM cases"));
  EXPECT_EQ(counter("filed"), 60001);
  EXPECT_EQ(counter("minor_filed"),
            Scalar(db, "SELECT COUNT(*) FROM cases WHERE youngest_victim_age < 18"));
  EXPECT_EQ(counter("solved"),
            Scalar(db, "SELECT COUNT(*) FROM cases WHERE solved_at IS NOT NULL"));
  EXPECT_EQ(counter("historic_solved"),
            Scalar(db, "SELECT COUNT(*) FROM cases WHERE solved_at IS NOT NULL AND historic = 1"));
  // Per unit and day, not only in total.
  EXPECT_EQ(
      Scalar(
          db,
          "SELECT COUNT(*) FROM (SELECT unit_path, filed_at / 86400 d, COUNT(*) n FROM cases "
          "GROUP BY 1, 2 EXCEPT SELECT unit_path, day, n FROM daily_stats WHERE metric = 'filed')"),
      0);
  // The bulk path put the trigger back.
  EXPECT_EQ(Scalar(db,
                   "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = "
                   "'stats_case_insert'"),
            1);
}

// Key rotation walks each encrypted column in row order, in batches, and replaces values one by
// one; nothing else of the row changes.
TEST_F(SqliteStoreTest, SealedCellsAreListedInBatchesCountedAndReplaced) {
  Id case_id = 0;
  std::vector<Id> persons;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(case_id, r.InsertCase(MakeCase(city_, "AJ-1")));
                    for (const char* pseudonym : {"V1", "S1", "V2", "W1"}) {
                      PersonRecord p;
                      p.person.case_id = case_id;
                      p.person.pseudonym = pseudonym;
                      p.person.role = PersonRole::kVictim;
                      // S1 has no identity: it is not a sealed cell.
                      if (pseudonym[0] != 'S')
                        p.identity_cipher = std::string("cipher-") + pseudonym;
                      p.index.name = std::string("idx-") + pseudonym;
                      AEGIS_ASSIGN_OR_RETURN(Id id, r.InsertPerson(p));
                      persons.push_back(id);
                    }
                    ClueRecord c;
                    c.clue.reference = "XS-9";
                    c.clue.unit_id = city_;
                    c.clue.recorded_by = user_;
                    c.clue.summary = "s";
                    c.victim_identity_cipher = "clue-cipher";
                    AEGIS_RETURN_IF_ERROR(r.InsertClue(c).status());
                    UserAuthRecord a;
                    a.user_id = user_;
                    a.totp_pending = "pending-cipher";
                    return r.PutUserAuth(a);
                  })
                  .ok());
  ASSERT_TRUE(
      store_
          ->Write([&](Repo& r) -> Status {
            const auto column = SealedColumn::kPersonIdentity;
            AEGIS_ASSIGN_OR_RETURN(long long n, r.CountSealedCells(column));
            EXPECT_EQ(n, 3);
            AEGIS_ASSIGN_OR_RETURN(auto first, r.ListSealedCells(column, 0, 2));
            EXPECT_EQ(first.size(), 2u);
            AEGIS_ASSIGN_OR_RETURN(auto rest, r.ListSealedCells(column, first.back().row, 2));
            EXPECT_EQ(rest.size(), 1u);
            if (first.size() != 2 || rest.size() != 1) return Status::Internal("wrong batches");
            EXPECT_EQ(first[0].row, persons[0]);
            EXPECT_EQ(first[0].cipher, "cipher-V1");
            EXPECT_EQ(first[0].case_id, case_id);
            EXPECT_EQ(first[0].pseudonym, "V1");
            EXPECT_EQ(first[1].pseudonym, "V2");
            EXPECT_EQ(rest[0].pseudonym, "W1");
            AEGIS_RETURN_IF_ERROR(r.UpdateSealedCell(column, persons[2], "rewrapped"));
            EXPECT_EQ(r.UpdateSealedCell(column, 999999, "x").code(), StatusCode::kNotFound);
            EXPECT_EQ(r.UpdateSealedCell(column, persons[0], "").code(),
                      StatusCode::kInvalidArgument);

            AEGIS_ASSIGN_OR_RETURN(auto clues,
                                   r.ListSealedCells(SealedColumn::kClueVictimIdentity, 0, 10));
            EXPECT_EQ(clues.size(), 1u);
            if (!clues.empty()) {
              EXPECT_EQ(clues[0].reference, "XS-9");
            }
            AEGIS_ASSIGN_OR_RETURN(auto secrets,
                                   r.ListSealedCells(SealedColumn::kTotpSecret, 0, 10));
            EXPECT_TRUE(secrets.empty());
            AEGIS_ASSIGN_OR_RETURN(auto pending,
                                   r.ListSealedCells(SealedColumn::kTotpPending, 0, 10));
            EXPECT_EQ(pending.size(), 1u);
            if (!pending.empty()) {
              EXPECT_EQ(pending[0].row, user_);
            }
            for (auto col :
                 {SealedColumn::kContactPreferences, SealedColumn::kNotificationPayload}) {
              AEGIS_ASSIGN_OR_RETURN(long long none, r.CountSealedCells(col));
              EXPECT_EQ(none, 0);
            }
            return Status::Ok();
          })
          .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto p, r.GetPerson(persons[2]));
                    EXPECT_EQ(p->identity_cipher, "rewrapped");
                    EXPECT_EQ(p->index.name, "idx-V2");
                    EXPECT_EQ(p->person.pseudonym, "V2");
                    AEGIS_ASSIGN_OR_RETURN(auto other, r.GetPerson(persons[0]));
                    EXPECT_EQ(other->identity_cipher, "cipher-V1");
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace aegis::storage
