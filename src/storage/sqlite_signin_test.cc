// Storage for sign-in hardening: sessions with public ids, the per-user sign-in record and the
// migration that adds them to an existing database.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "storage/internal/sqlite_schema.h"
#include "storage/store.h"
#include "storage/testing_options.h"

namespace aegis::storage {
namespace {

using namespace aegis::domain;

class SqliteSignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aegis_signin_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    auto store = OpenSqliteStore((dir_ / "t.db").string(), TestOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  Id AddUser(const std::string& name) {
    Id id = 0;
    EXPECT_TRUE(store_
                    ->Write([&](Repo& r) -> Status {
                      if (unit_ == 0) {
                        AEGIS_ASSIGN_OR_RETURN(
                            unit_, r.InsertUnit({0, "P", "省厅", "Province", UnitType::kProvince}));
                      }
                      AEGIS_ASSIGN_OR_RETURN(
                          id, r.InsertUser({{0, name, name, Role::kOfficer, unit_, true, 1}, "h"}));
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }
  static SessionRecord Session(const std::string& hash, Id user, UnixSeconds at,
                               const std::string& remote, bool enrolment_only = false) {
    SessionRecord s{hash, user, at, at + 43200, at};
    s.remote = remote;
    s.enrolment_only = enrolment_only;
    return s;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  Id unit_ = 0;
};

TEST_F(SqliteSignInTest, SessionsHavePublicIdsAndAreListedAndDeletedPerUser) {
  Open();
  const Id alice = AddUser("alice"), bob = AddUser("bob");
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_RETURN_IF_ERROR(
                        r.InsertSession(Session(std::string(32, 'a'), alice, 100, "10.0.0.1")));
                    AEGIS_RETURN_IF_ERROR(r.InsertSession(
                        Session(std::string(32, 'b'), alice, 200, "10.0.0.2", true)));
                    AEGIS_RETURN_IF_ERROR(
                        r.InsertSession(Session(std::string(32, 'c'), alice, 300, "10.0.0.3")));
                    return r.InsertSession(Session(std::string(32, 'd'), bob, 150, "10.0.0.4"));
                  })
                  .ok());
  std::vector<SessionRecord> list;
  SessionRecord bobs;
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(list, r.ListSessions(alice));
                    AEGIS_ASSIGN_OR_RETURN(auto b, r.FindSession(std::string(32, 'd')));
                    bobs = *b;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].created_at, 300);  // newest first
  EXPECT_EQ(list[1].remote, "10.0.0.2");
  EXPECT_TRUE(list[1].enrolment_only);
  EXPECT_FALSE(list[0].enrolment_only);
  EXPECT_EQ(list[2].token_hash, std::string(32, 'a'));
  EXPECT_GT(list[0].id, 0);
  EXPECT_NE(list[0].id, list[1].id);

  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    // Bob's session is not Alice's to delete.
                    AEGIS_ASSIGN_OR_RETURN(bool deleted, r.DeleteSessionById(alice, bobs.id));
                    EXPECT_FALSE(deleted);
                    AEGIS_ASSIGN_OR_RETURN(deleted, r.DeleteSessionById(alice, list[2].id));
                    EXPECT_TRUE(deleted);
                    AEGIS_RETURN_IF_ERROR(r.PromoteSession(list[1].id, 999));
                    AEGIS_ASSIGN_OR_RETURN(int n, r.DeleteSessionsOfUser(alice, list[1].id));
                    EXPECT_EQ(n, 1);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto left, r.ListSessions(alice));
                    EXPECT_EQ(left.size(), 1u);
                    if (!left.empty()) {
                      EXPECT_EQ(left[0].id, list[1].id);
                      EXPECT_FALSE(left[0].enrolment_only);
                      EXPECT_EQ(left[0].expires_at, 999);
                    }
                    AEGIS_ASSIGN_OR_RETURN(auto b, r.ListSessions(bob));
                    EXPECT_EQ(b.size(), 1u);
                    return Status::Ok();
                  })
                  .ok());

  // Stale sessions go: expired (expires_at <= now) or idle since before the limit.
  ASSERT_TRUE(
      store_
          ->Write([&](Repo& r) -> Status {
            AEGIS_RETURN_IF_ERROR(r.InsertSession(Session(std::string(32, 'e'), bob, 5000, "")));
            AEGIS_RETURN_IF_ERROR(r.DeleteStaleSessions(bob, 5000, 1000));  // 'd' idle since 150
            AEGIS_ASSIGN_OR_RETURN(auto b, r.ListSessions(bob));
            EXPECT_EQ(b.size(), 1u);
            AEGIS_RETURN_IF_ERROR(r.DeleteStaleSessions(bob, 5000 + 43200, 0));  // 'e' expired
            AEGIS_ASSIGN_OR_RETURN(b, r.ListSessions(bob));
            EXPECT_TRUE(b.empty());
            AEGIS_ASSIGN_OR_RETURN(int n, r.DeleteSessionsOfUser(alice, std::nullopt));
            EXPECT_EQ(n, 1);
            return Status::Ok();
          })
          .ok());
}

TEST_F(SqliteSignInTest, UserAuthRecordsRoundTripAndReplace) {
  Open();
  const Id alice = AddUser("alice");
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto none, r.GetUserAuth(alice));
                    EXPECT_FALSE(none.has_value());
                    UserAuthRecord a;
                    a.user_id = alice;
                    a.failed_logins = 3;
                    a.locked_until = 1234;
                    a.totp_secret = std::string("\0\x01secret", 8);  // binary ciphertext
                    a.totp_last_step = 42;
                    AEGIS_RETURN_IF_ERROR(r.PutUserAuth(a));
                    AEGIS_ASSIGN_OR_RETURN(auto back, r.GetUserAuth(alice));
                    EXPECT_TRUE(back.has_value());
                    EXPECT_EQ(back->failed_logins, 3);
                    EXPECT_EQ(back->locked_until, 1234);
                    EXPECT_EQ(back->totp_secret, std::string("\0\x01secret", 8));
                    EXPECT_TRUE(back->totp_pending.empty());
                    EXPECT_EQ(back->totp_last_step, 42);
                    EXPECT_FALSE(back->totp_enabled_at.has_value());
                    a.failed_logins = 0;
                    a.locked_until.reset();
                    a.totp_secret.clear();
                    a.totp_pending = "pending";
                    a.password_changed_at = 77;
                    AEGIS_RETURN_IF_ERROR(r.PutUserAuth(a));
                    AEGIS_ASSIGN_OR_RETURN(back, r.GetUserAuth(alice));
                    EXPECT_EQ(back->failed_logins, 0);
                    EXPECT_FALSE(back->locked_until.has_value());
                    EXPECT_TRUE(back->totp_secret.empty());
                    EXPECT_EQ(back->totp_pending, "pending");
                    EXPECT_EQ(back->password_changed_at, 77);
                    return Status::Ok();
                  })
                  .ok());
}

// A database created before sign-in hardening keeps its users' sessions through the migration.
TEST_F(SqliteSignInTest, MigrationKeepsExistingSessions) {
  const std::string path = (dir_ / "t.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const auto& migrations = internal::SqliteMigrations();
  ASSERT_EQ(migrations.front().version, 1);
  const std::string v1(migrations.front().sql);
  const std::string setup =
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at INTEGER NOT NULL);" +
      v1 +
      "INSERT INTO schema_migrations VALUES(1, 'initial schema', 0);"
      "INSERT INTO units(id, code, name, type, path) VALUES(1, 'P', 'P', 'province', '/1/');"
      "INSERT INTO users(id, username, display_name, role, unit_id, password_hash, created_at) "
      "VALUES(1, 'alice', 'Alice', 'officer', 1, 'h', 0);"
      "INSERT INTO sessions VALUES(x'0102', 1, 10, 43210, 20);";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);

  Open();
  EXPECT_EQ(store_->SchemaVersion(), migrations.back().version);
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto s, r.FindSession(std::string("\x01\x02", 2)));
                    EXPECT_TRUE(s.has_value());
                    if (s) {
                      EXPECT_EQ(s->user_id, 1);
                      EXPECT_EQ(s->created_at, 10);
                      EXPECT_EQ(s->expires_at, 43210);
                      EXPECT_EQ(s->last_seen, 20);
                      EXPECT_GT(s->id, 0);
                      EXPECT_FALSE(s->enrolment_only);
                      EXPECT_EQ(s->remote, "");
                    }
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace aegis::storage
