// Benchmarks of the paths every user hits: a case by id (storage, service, whole API handler),
// filtered case lists, the dashboard, and bulk import. The store is built once per run:
// AEGIS_BENCH_DB names an existing database (scripts/bench.sh makes one with 1M cases); otherwise
// a temporary one with AEGIS_BENCH_CASES imported cases (default 100,000) is created.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "api/api.h"
#include "services/demo_data.h"
#include "services/sealed_columns.h"
#include "services/services.h"
#include "services/totp.h"
#include "storage/store.h"

namespace aegis {
namespace {

using services::Principal;

std::vector<services::CaseImportRow> SyntheticCases(long long n, long long first, unsigned seed) {
  static const char* kStations[] = {"DEMO-E-CENTRAL-S1", "DEMO-E-MISSION-S1", "DEMO-W-PARK-S1",
                                    "DEMO-W-RICHMOND-S1", "DEMO-E-SOUTHERN-S1"};
  static const domain::CaseStage kStages[] = {domain::CaseStage::kFiled,
                                              domain::CaseStage::kUnderInvestigation,
                                              domain::CaseStage::kSuspectIdentified,
                                              domain::CaseStage::kSolved,
                                              domain::CaseStage::kClosed,
                                              domain::CaseStage::kSuspended};
  std::mt19937_64 rng(seed);
  const UnixSeconds now = NowSeconds();
  std::vector<services::CaseImportRow> rows(n);
  for (long long i = 0; i < n; ++i) {
    auto& r = rows[i];
    r.line = static_cast<int>(i + 1);
    r.unit_code = kStations[rng() % 5];
    r.c.reference = "BENCH-" + std::to_string(first + i);
    r.c.title = "基准测试案件 " + std::to_string(first + i);
    r.c.stage = kStages[rng() % 6];
    r.c.filed_at = now - static_cast<UnixSeconds>(rng() % (3650 * 86400ULL)) - 86400;
    r.c.facts.offence_time = r.c.filed_at - static_cast<UnixSeconds>(rng() % (400 * 86400ULL));
    r.c.facts.place = "100 Block of BENCH ST";
    r.c.facts.youngest_victim_age = static_cast<int>(4 + rng() % 50);
    r.c.facts.latitude = 37.7 + (rng() % 1000) / 10000.0;
    r.c.facts.longitude = -122.5 + (rng() % 1000) / 10000.0;
  }
  return rows;
}

// The demo's supervisors sign in with a one-time code from the documented demo secret. Each time
// step is accepted once per account, and an earlier run on the same database may have used the
// current one: then the next step is tried, and failing that the next step is waited for.
services::LoginResult SignInProvinceSupervisor(services::Services& s) {
  const std::string key = services::Base32Decode(services::kDemoTotpSecret).value();
  for (int round = 0; round < 3; ++round) {
    for (int ahead = 0; ahead <= 1; ++ahead) {
      auto r =
          s.Login(services::LoginInput{"sup.province", "Aegis-demo-2026!",
                                       services::TotpCode(key, s.Now() + 30 * ahead), "bench"});
      if (r.ok()) return std::move(r).value();
      std::fprintf(stderr, "bench: sign-in: %s\n", r.status().ToString().c_str());
    }
    std::this_thread::sleep_for(std::chrono::seconds(31 - s.Now() % 30));
  }
  std::fprintf(stderr, "bench: cannot sign in as sup.province\n");
  std::abort();
}

struct Fixture {
  std::string path;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<services::Services> services;
  std::unique_ptr<api::Api> api;
  Principal supervisor;  // province-level supervisor: sees every case
  std::string token;
  long long max_case_id = 0;
  domain::Id station_unit = 0;

  Fixture() {
    const char* given = std::getenv("AEGIS_BENCH_DB");
    path = given ? given
                 : (std::filesystem::temp_directory_path() /
                    ("aegis_bench_" + std::to_string(::getpid()) + ".db"))
                       .string();
    const bool fresh = !given;
    store = std::move(services::OpenStore(path)).value();
    auto vault = services::Vault::OpenOrCreate(path + ".key").value();
    if (fresh) {
      std::ifstream in(std::string(AEGIS_SOURCE_DIR) +
                       "/data/fixtures/sf_sex_offenses_2003_2015.csv");
      std::stringstream ss;
      ss << in.rdbuf();
      auto seeds = services::ParseIncidentCsv(ss.str(), nullptr).value();
      services::DemoOptions opt;
      opt.cases = 200;
      (void)services::GenerateDemoData(*store, vault, seeds, opt).value();
    }
    services = std::make_unique<services::Services>(*store, std::move(vault));
    if (fresh) {
      const char* n = std::getenv("AEGIS_BENCH_CASES");
      auto rows = SyntheticCases(n ? std::atoll(n) : 100000, 1, 42);
      (void)services->ImportCases(rows).value();
    }
    api = std::make_unique<api::Api>(*services, "bench");
    auto login = SignInProvinceSupervisor(*services);
    supervisor = login.principal;
    token = login.token;
    (void)store->Read([&](storage::Repo& r) -> Status {
      storage::CaseQuery q;
      q.scope.all = true;
      q.page.sort = "reference";
      q.page.limit = 1;
      auto list = r.ListCases(q).value();
      max_case_id = list.total + 300;  // demo cases come first; ids are dense
      const std::vector<domain::Unit> units = r.ListUnits().value();
      for (const auto& u : units)
        if (u.code == "DEMO-E-MISSION-S1") station_unit = u.id;
      return Status::Ok();
    });
  }
  ~Fixture() {
    services.reset();
    store.reset();
    if (!std::getenv("AEGIS_BENCH_DB")) {
      std::filesystem::remove(path);
      std::filesystem::remove(path + "-wal");
      std::filesystem::remove(path + "-shm");
      std::filesystem::remove(path + ".key");
    }
  }
};

Fixture& Get() {
  static Fixture f;
  return f;
}

void BM_RepoGetCaseById(benchmark::State& state) {
  Fixture& f = Get();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    const domain::Id id = 1 + static_cast<domain::Id>(rng() % f.max_case_id);
    Status st = f.store->Read([&](storage::Repo& r) -> Status {
      auto c = r.GetCase(id);
      benchmark::DoNotOptimize(c);
      return Status::Ok();
    });
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RepoGetCaseById)->ThreadRange(1, 2)->UseRealTime();

// Writing a batch of 1,000 read-audit records (what the Auditor's thread does every ~50 ms under
// load): chain hashes, the append-only triggers and three indexes.
void BM_AppendAuditBatch(benchmark::State& state) {
  Fixture& f = Get();
  std::vector<storage::AuditRecord> batch(1000);
  for (size_t i = 0; i < batch.size(); ++i) {
    auto& r = batch[i];
    r.at = NowSeconds();
    r.user_id = f.supervisor.user.id;
    r.action = "case.read";
    r.object_type = "case";
    r.object_id = static_cast<domain::Id>(1 + i * 7919 % f.max_case_id);
    r.allowed = true;
    r.detail = "{}";
    r.remote = "127.0.0.1";
    r.purpose = "supervision";
  }
  for (auto _ : state) {
    Status st = f.store->Write([&](storage::Repo& r) { return r.AppendAudit(batch); });
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long long>(batch.size()));
}
BENCHMARK(BM_AppendAuditBatch)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ServiceGetCase(benchmark::State& state) {
  Fixture& f = Get();
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    auto c = f.services->GetCase(f.supervisor, 1 + static_cast<domain::Id>(rng() % f.max_case_id));
    if (!c.ok()) state.SkipWithError(c.status().ToString().c_str());
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ServiceGetCase)->ThreadRange(1, 2)->UseRealTime();

void BM_ApiGetCase(benchmark::State& state) {
  Fixture& f = Get();
  std::mt19937_64 rng(3);
  api::Request req;
  req.method = "GET";
  req.authorization = "Bearer " + f.token;
  for (auto _ : state) {
    req.target = "/api/v1/cases/" + std::to_string(1 + rng() % f.max_case_id);
    auto res = f.api->Handle(req);
    if (res.status != 200) state.SkipWithError(res.body.c_str());
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApiGetCase)->ThreadRange(1, 2)->UseRealTime();

void BM_ListCasesByStage(benchmark::State& state) {
  Fixture& f = Get();
  services::CaseListInput in;
  in.stage = domain::CaseStage::kUnderInvestigation;
  in.page.limit = 50;
  for (auto _ : state) {
    auto list = f.services->ListCases(f.supervisor, in);
    if (!list.ok()) state.SkipWithError(list.status().ToString().c_str());
    benchmark::DoNotOptimize(list);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListCasesByStage)->UseRealTime();

void BM_ListCasesOfStationMajor(benchmark::State& state) {
  Fixture& f = Get();
  services::CaseListInput in;
  in.unit_id = f.station_unit;
  in.major = true;
  in.page.limit = 50;
  in.page.sort = "priority";
  for (auto _ : state) {
    auto list = f.services->ListCases(f.supervisor, in);
    if (!list.ok()) state.SkipWithError(list.status().ToString().c_str());
    benchmark::DoNotOptimize(list);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListCasesOfStationMajor)->UseRealTime();

void BM_DashboardProvince(benchmark::State& state) {
  Fixture& f = Get();
  for (auto _ : state) {
    auto d = f.services->Dashboard(f.supervisor, std::nullopt, std::nullopt);
    if (!d.ok()) state.SkipWithError(d.status().ToString().c_str());
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DashboardProvince)->Unit(benchmark::kMillisecond)->UseRealTime();

// Bulk import into an empty store: state.range(0) cases per run.
void BM_ImportCases(benchmark::State& state) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("aegis_bench_import_" + std::to_string(::getpid()));
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    storage::StoreOptions options;
    options.bulk_load = true;  // as `aegis import` opens it
    auto store = std::move(services::OpenStore((dir / "i.db").string(), options)).value();
    (void)store->Write([](storage::Repo& r) -> Status {
      const domain::Unit root{0, "DEMO", "示范省公安厅", "Demo", domain::UnitType::kProvince};
      auto id = r.InsertUnit(root).value();
      for (const char* code : {"DEMO-E-CENTRAL-S1", "DEMO-E-MISSION-S1", "DEMO-W-PARK-S1",
                               "DEMO-W-RICHMOND-S1", "DEMO-E-SOUTHERN-S1"}) {
        (void)r.InsertUnit({0, code, code, code, domain::UnitType::kStation, id}).value();
      }
      return Status::Ok();
    });
    services::Services svc(*store, services::Vault::FromKey({}));
    auto rows = SyntheticCases(state.range(0), 1, 7);
    state.ResumeTiming();
    auto summary = svc.ImportCases(rows);
    benchmark::DoNotOptimize(summary);
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ImportCases)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// Envelope encryption of one victim identity: a fresh data key wrapped by the master key, the
// identity (as JSON) encrypted with it. No store needed.
domain::Identity SampleIdentity() {
  return {"张小红", "440103201503150021", "+8613812345678", "示范省人民路 88 号", "2015-03-15"};
}

void BM_VaultEncryptIdentity(benchmark::State& state) {
  const auto vault = services::Vault::FromKey({});
  const auto identity = SampleIdentity();
  const auto context = services::PersonIdentityContext(12345, "V1");
  for (auto _ : state) benchmark::DoNotOptimize(vault.EncryptIdentity(identity, context));
}
BENCHMARK(BM_VaultEncryptIdentity);

void BM_VaultDecryptIdentity(benchmark::State& state) {
  const auto vault = services::Vault::FromKey({});
  const auto context = services::PersonIdentityContext(12345, "V1");
  const std::string cipher = vault.EncryptIdentity(SampleIdentity(), context);
  for (auto _ : state) benchmark::DoNotOptimize(vault.DecryptIdentity(cipher, context));
}
BENCHMARK(BM_VaultDecryptIdentity);

}  // namespace
}  // namespace aegis

BENCHMARK_MAIN();
