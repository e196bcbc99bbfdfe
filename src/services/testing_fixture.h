// Test-only helpers shared by services_test and api_test: a throw-away SQLite database with a small
// unit tree, users, a fixed clock and a vault with a fixed key. Header-only; never linked into the
// application.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "domain/identity_check.h"
#include "services/audit_chain.h"
#include "services/crypto.h"
#include "services/services.h"
#include "storage/store.h"

namespace aegis::services::testing {

using domain::Id;

// The password of every fixture account.
inline constexpr const char* kTestPassword = "correct-horse-42";

// A fixed 32-byte master key; `salt` gives a different, equally fixed key.
inline std::array<unsigned char, 32> TestKey(unsigned char salt = 0) {
  std::array<unsigned char, 32> key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 3 + salt);
  return key;
}

// The audit checkpoint key of every fixture (a fixed seed).
inline AuditSigner TestSigner(unsigned char salt = 0) {
  std::array<unsigned char, 32> seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(i * 13 + 1 + salt);
  return AuditSigner::FromSeed(seed);
}

// "Today" of every fixture: a Monday morning, UTC.
inline UnixSeconds FixedNow() { return *ParseIso8601("2026-03-02T10:00:00Z"); }

// argon2id is deliberately slow; the fixture hashes the shared password once per process.
inline const std::string& TestPasswordHash() {
  static const std::string hash = [] {
    auto h = HashPassword(kTestPassword);
    if (!h.ok()) std::abort();
    return *h;
  }();
  return hash;
}

// A valid 18-character resident ID for `region` (6 digits), `birth` (YYYYMMDD) and `seq` (3
// digits).
inline std::string ResidentId(const std::string& region, const std::string& birth,
                              const std::string& seq) {
  const std::string first17 = region + birth + seq;
  return first17 + domain::ResidentIdCheckCharacter(first17);
}

// The same ID with a wrong check character.
inline std::string WithWrongCheckCharacter(const std::string& id) {
  std::string out = id;
  out[17] = out[17] == '1' ? '2' : '1';
  return out;
}

// Unwraps a StatusOr or fails the test (GoogleTest reports the exception as a failure).
template <typename T>
T Must(StatusOr<T> r, const char* what = "") {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}

// Expects `st` to have `code` (and, when given, to name `field`).
inline void ExpectStatus(const Status& st, StatusCode code, const std::string& field = {}) {
  EXPECT_EQ(st.code(), code) << st.ToString();
  if (!field.empty()) {
    EXPECT_EQ(st.field(), field) << st.ToString();
  }
}

// A directory under the system temp dir, unique per process, test and instance; removed on exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "_" + info->name() : "global";
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    path_ = std::filesystem::temp_directory_path() / ("aegis_test_" + std::to_string(::getpid()) +
                                                      "_" + name + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A fresh store and services with this unit tree (codes in brackets):
//
//   province [P]                    admin
//   └─ city [P-C]
//      ├─ county bureau [P-C-K1]    supervisor1
//      │  └─ station [P-C-K1-S1]    officer1, analyst1
//      ├─ county bureau [P-C-K2]    supervisor2
//      │  └─ station [P-C-K2-S1]    officer2
//      ├─ procuratorate [P-C-PRO]   prosecutor1
//      └─ procuratorate [P-C-PRO2]  prosecutor2
//   partner [P-WF] (under the province)
//
// Users are inserted directly with one shared password hash (see TestPasswordHash); the clock
// is fixed at FixedNow() and moves only through Advance().
class World {
 public:
  // `store_options` reach the SQLite store (e.g. a statement observer); the audit hasher is
  // always the real one.
  explicit World(ServiceOptions options = {}, storage::StoreOptions store_options = {})
      : now(FixedNow()) {
    if (!InitCrypto().ok()) std::abort();
    auto opened = OpenStore((dir.path() / "aegis.db").string(), std::move(store_options));
    if (!opened.ok()) {
      ADD_FAILURE() << opened.status().ToString();
      std::abort();
    }
    store = std::move(opened).value();
    // Every fixture seals its audit chain, so checkpoints are exercised by every service test.
    if (!options.audit_signer) options.audit_signer = std::make_shared<AuditSigner>(TestSigner());
    services = std::make_unique<Services>(*store, Vault::FromKey(TestKey()), options);
    services->SetClock([this] { return now; });

    province = AddUnit("P", "示范省公安厅", domain::UnitType::kProvince, std::nullopt);
    city = AddUnit("P-C", "示范市公安局", domain::UnitType::kCity, province);
    county1 = AddUnit("P-C-K1", "一区分局", domain::UnitType::kCounty, city);
    station1 = AddUnit("P-C-K1-S1", "一区派出所", domain::UnitType::kStation, county1);
    county2 = AddUnit("P-C-K2", "二区分局", domain::UnitType::kCounty, city);
    station2 = AddUnit("P-C-K2-S1", "二区派出所", domain::UnitType::kStation, county2);
    procuratorate1 = AddUnit("P-C-PRO", "示范市人民检察院", domain::UnitType::kProcuratorate, city);
    procuratorate2 =
        AddUnit("P-C-PRO2", "示范市第二检察院", domain::UnitType::kProcuratorate, city);
    partner = AddUnit("P-WF", "妇联", domain::UnitType::kPartner, province);

    admin = AddUser("admin", "管理员", domain::Role::kAdministrator, province);
    supervisor1 = AddUser("sup1", "一区 陈队长", domain::Role::kSupervisor, county1);
    officer1 = AddUser("off1", "一所 王警官", domain::Role::kOfficer, station1);
    analyst1 = AddUser("ana1", "一所 分析员", domain::Role::kAnalyst, station1);
    supervisor2 = AddUser("sup2", "二区 李队长", domain::Role::kSupervisor, county2);
    officer2 = AddUser("off2", "二所 赵警官", domain::Role::kOfficer, station2);
    prosecutor1 = AddUser("pro1", "检察官 何", domain::Role::kProsecutor, procuratorate1);
    prosecutor2 = AddUser("pro2", "检察官 孙", domain::Role::kProsecutor, procuratorate2);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Id AddUnit(const std::string& code, const std::string& name, domain::UnitType type,
             std::optional<Id> parent) {
    Id id = 0;
    Status st = store->Write([&](storage::Repo& r) -> Status {
      domain::Unit u;
      u.code = code;
      u.name = name;
      u.name_en = code;
      u.type = type;
      u.parent_id = parent;
      AEGIS_ASSIGN_OR_RETURN(id, r.InsertUnit(u));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }

  Id AddUser(const std::string& username, const std::string& display, domain::Role role, Id unit_id,
             bool active = true) {
    Id id = 0;
    Status st = store->Write([&](storage::Repo& r) -> Status {
      domain::User u;
      u.username = username;
      u.display_name = display;
      u.role = role;
      u.unit_id = unit_id;
      u.active = active;
      u.created_at = now;
      AEGIS_ASSIGN_OR_RETURN(id, r.InsertUser({u, TestPasswordHash()}));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }

  // The caller `user_id` as services see it after authentication.
  Principal As(Id user_id) {
    Principal p;
    p.remote = "127.0.0.1";
    Status st = store->Read([&](storage::Repo& r) -> Status {
      AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(user_id));
      if (!user) return Status::NotFound("no user");
      AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(user->unit_id));
      if (!unit) return Status::NotFound("no unit");
      p.user = *user;
      p.unit = *unit;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return p;
  }

  domain::Unit Unit(Id id) {
    domain::Unit out;
    Status st = store->Read([&](storage::Repo& r) -> Status {
      AEGIS_ASSIGN_OR_RETURN(auto u, r.GetUnit(id));
      if (!u) return Status::NotFound("no unit");
      out = *u;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  // Audit records about one object, newest first, after writing what is queued.
  std::vector<storage::AuditRecord> Audit(std::optional<Id> object_id,
                                          const std::string& object_type) {
    services->auditor().Flush();
    std::vector<storage::AuditRecord> out;
    Status st = store->Read([&](storage::Repo& r) -> Status {
      AEGIS_ASSIGN_OR_RETURN(out, r.ListAudit(object_id, object_type, 1000));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  void Advance(UnixSeconds seconds) { now += seconds; }

  TempDir dir;
  UnixSeconds now;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<Services> services;

  Id province = 0, city = 0, county1 = 0, station1 = 0, county2 = 0, station2 = 0,
     procuratorate1 = 0, procuratorate2 = 0, partner = 0;
  Id admin = 0, supervisor1 = 0, officer1 = 0, analyst1 = 0, supervisor2 = 0, officer2 = 0,
     prosecutor1 = 0, prosecutor2 = 0;
};

}  // namespace aegis::services::testing
