// The `aegis` command: serve, demo, migrate, user add.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/api.h"
#include "api/case_import.h"
#include "app/http_server.h"
#include "services/demo_data.h"
#include "services/services.h"
#include "storage/store.h"

namespace {

using namespace aegis;

constexpr const char* kVersion = AEGIS_VERSION;

int Fail(const Status& st) {
  std::cerr << "aegis: " << st.ToString() << "\n";
  return st.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

std::string DefaultKeyFile(const std::string& db) { return db + ".key"; }

StatusOr<std::unique_ptr<storage::Store>> OpenStore(const std::string& db) {
  const auto dir = std::filesystem::path(db).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  return storage::OpenSqliteStore(db);
}

std::string FindWebRoot(const std::string& given) {
  if (!given.empty()) return given;
  for (const std::string& candidate : {std::string("web/dist"), std::string(AEGIS_SOURCE_DIR) + "/web/dist"}) {
    if (std::filesystem::exists(candidate + "/index.html")) return candidate;
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Aegis: investigation platform for sexual-assault crimes"};
  app.set_version_flag("--version", std::string("aegis ") + kVersion);
  app.require_subcommand(1);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S%z %^%l%$ %v");

  std::string db = "data/aegis.db", key_file;
  auto add_db = [&](CLI::App* cmd) {
    cmd->add_option("--db", db, "SQLite database file")->capture_default_str();
    cmd->add_option("--key-file", key_file, "master key file (default: <db>.key, created if absent)");
  };

  auto* serve = app.add_subcommand("serve", "serve the API and the web UI");
  add_db(serve);
  app::ServerOptions server;
  serve->add_option("--host", server.host, "address to listen on")->capture_default_str();
  serve->add_option("--port", server.port, "port")->capture_default_str()->check(CLI::Range(1, 65535));
  serve->add_option("--web", server.web_root, "directory of the built web UI (default: web/dist)");
  serve->add_option("--threads", server.threads, "network threads")->capture_default_str()->check(CLI::Range(1, 64));

  auto* demo = app.add_subcommand("demo", "create a realistic synthetic data set in a new database");
  add_db(demo);
  services::DemoOptions demo_opt;
  std::string incidents = std::string(AEGIS_SOURCE_DIR) + "/data/fixtures/sf_sex_offenses_2003_2015.csv";
  demo->add_option("--cases", demo_opt.cases, "number of clues to generate (most become cases)")
      ->capture_default_str()->check(CLI::Range(1, 10000000));
  demo->add_option("--seed", demo_opt.seed, "random seed")->capture_default_str();
  demo->add_option("--incidents", incidents, "public incident CSV that seeds places and times")->capture_default_str();

  auto* import = app.add_subcommand("import", "bulk-import case records (JSON lines) into the database");
  add_db(import);
  std::string import_file;
  import->add_option("--cases", import_file, "file with one JSON case record per line")->required();

  auto* migrate = app.add_subcommand("migrate", "create or upgrade the database schema");
  add_db(migrate);

  auto* user = app.add_subcommand("user", "manage user accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a user; the password is read from standard input");
  add_db(user_add);
  std::string username, display_name, role_name, unit_code;
  user_add->add_option("--username", username, "login name")->required();
  user_add->add_option("--role", role_name, "officer, supervisor, analyst, forensic, prosecutor, partner or administrator")->required();
  user_add->add_option("--unit", unit_code, "code of the user's unit")->required();
  user_add->add_option("--name", display_name, "display name");

  CLI11_PARSE(app, argc, argv);
  if (key_file.empty()) key_file = DefaultKeyFile(db);

  if (migrate->parsed()) {
    auto store = OpenStore(db);
    if (!store.ok()) return Fail(store.status());
    std::cout << "schema is at version " << (*store)->SchemaVersion() << " in " << db << "\n";
    return 0;
  }

  auto store_or = OpenStore(db);
  if (!store_or.ok()) return Fail(store_or.status());
  std::unique_ptr<storage::Store> store = std::move(store_or).value();
  auto vault = services::Vault::OpenOrCreate(key_file);
  if (!vault.ok()) return Fail(vault.status());

  if (demo->parsed()) {
    std::ifstream in(incidents, std::ios::binary);
    if (!in) return Fail(Status::InvalidArgument("--incidents", "cannot read " + incidents));
    std::stringstream ss;
    ss << in.rdbuf();
    int skipped = 0;
    auto seeds = services::ParseIncidentCsv(ss.str(), &skipped);
    if (!seeds.ok()) return Fail(seeds.status());
    std::cerr << "seeding from " << seeds->size() << " public incident records (" << skipped
              << " rejected: outside the city or malformed)\n";
    const bool tty = ::isatty(STDERR_FILENO);
    long long last_pct = -1;
    demo_opt.progress = [&](long long done, long long total) {
      if (total <= 1) {
        std::cerr << (tty ? "." : "") << std::flush;
        return;
      }
      const long long pct = done * 100 / total;
      if (pct == last_pct) return;
      last_pct = pct;
      if (tty) std::cerr << "\rgenerating clues and cases: " << pct << "% (" << done << "/" << total << ")" << std::flush;
      else if (pct % 10 == 0) std::cerr << "generating clues and cases: " << pct << "%\n";
    };
    const auto started = std::chrono::steady_clock::now();
    auto summary = services::GenerateDemoData(*store, *vault, *seeds, demo_opt);
    if (tty) std::cerr << "\n";
    if (!summary.ok()) return Fail(summary.status());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "demo data in " << db << ": " << summary->units << " units, " << summary->users
              << " users, " << summary->clues << " clues, " << summary->cases << " cases, "
              << summary->persons << " persons, " << summary->actions << " actions ("
              << static_cast<long long>(summary->clues / std::max(secs, 1e-3)) << " clues/s)\n";
    if (!summary->survivor_code.empty()) {
      std::cout << "survivor status page (#/status): reference " << summary->survivor_reference
                << ", code " << summary->survivor_code << "\n";
    }
    std::cout << "accounts (password \"" << demo_opt.password << "\"):";
    for (const auto& [name, role] : summary->accounts) {
      if (name.rfind("off.", 0) == 0 || name.rfind("sup.", 0) == 0) continue;
      std::cout << " " << name << " (" << role << ")";
    }
    std::cout << "\n";
    return 0;
  }

  services::Services svc(*store, std::move(vault).value());

  if (import->parsed()) {
    std::ifstream in(import_file, std::ios::binary);
    if (!in) return Fail(Status::InvalidArgument("--cases", "cannot read " + import_file));
    std::stringstream ss;
    ss << in.rdbuf();
    const auto started = std::chrono::steady_clock::now();
    auto rows = api::ParseCaseNdjson(ss.str());
    if (!rows.ok()) return Fail(rows.status());
    const double parsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cerr << "parsed " << rows->size() << " records in " << parsed << " s; loading...\n";
    auto summary = svc.ImportCases(*rows);
    if (!summary.ok()) return Fail(summary.status());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "imported " << summary->cases << " cases (" << summary->major << " major, "
              << summary->historic << " historic) in " << secs << " s: "
              << static_cast<long long>(summary->cases / std::max(secs, 1e-6)) << " cases/s\n";
    return 0;
  }

  if (user_add->parsed()) {
    auto role = domain::Parse<domain::Role>(role_name);
    if (!role) return Fail(Status::InvalidArgument("--role", "unknown role " + role_name));
    std::string password;
    std::getline(std::cin, password);
    auto created = svc.AddUser(username, display_name, *role, unit_code, password);
    if (!created.ok()) return Fail(created.status());
    std::cout << "added user " << created->username << " (" << role_name << ") with id " << created->id << "\n";
    return 0;
  }

  if (serve->parsed()) {
    server.web_root = FindWebRoot(server.web_root);
    if (server.web_root.empty())
      spdlog::warn("no built web UI found (web/dist); serving the API only");
    api::Api api(svc, kVersion);
    Status st = app::RunServer(api, server);
    if (!st.ok()) return Fail(st);
    return 0;
  }
  return 0;
}
