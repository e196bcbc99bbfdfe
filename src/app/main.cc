// The `aegis` command: serve, demo, import, migrate, user add, audit verify, audit public-key,
// keys rotate, keys status, keys verify.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/api.h"
#include "api/case_import.h"
#include "app/http_server.h"
#include "domain/major_case_rules.h"
#include "domain/review_deadlines.h"
#include "services/audit_chain.h"
#include "services/demo_data.h"
#include "services/key_rotation.h"
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

StatusOr<std::unique_ptr<storage::Store>> OpenStore(const std::string& db,
                                                    storage::StoreOptions options = {}) {
  const auto dir = std::filesystem::path(db).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  return services::OpenStore(db, std::move(options));
}

// `aegis audit verify`: recomputes the chain and checks every checkpoint against the trusted keys.
// Exit status 0 when intact, 3 when a problem was found, 1 or 2 when the check could not run.
int VerifyAudit(const std::string& db, const std::string& audit_key_file,
                const std::vector<std::string>& public_keys_hex, const std::string& expect_head) {
  if (!std::filesystem::exists(db))
    return Fail(Status::InvalidArgument("--db", "no database at " + db));
  services::AuditVerifyOptions options;
  if (!expect_head.empty()) {
    // "SEQ:HASH", as printed by an earlier verify.
    const size_t colon = expect_head.find(':');
    long long seq = 0;
    const auto [end, ec] = std::from_chars(expect_head.data(), expect_head.data() + colon, seq);
    auto hash =
        colon == std::string::npos
            ? StatusOr<std::string>(Status::InvalidArgument("--expect-head", "must be SEQ:HASH"))
            : services::FromHex(expect_head.substr(colon + 1), "--expect-head");
    if (!hash.ok()) return Fail(hash.status());
    if (ec != std::errc() || end != expect_head.data() + colon || seq < 1 || hash->size() != 32)
      return Fail(
          Status::InvalidArgument("--expect-head", "must be SEQ:HASH with 64 hexadecimal digits"));
    options.expected_head = storage::AuditHead{seq, *hash};
  }
  for (const auto& hex : public_keys_hex) {
    auto key = services::FromHex(hex, "--public-key");
    if (!key.ok()) return Fail(key.status());
    if (key->size() != 32)
      return Fail(Status::InvalidArgument("--public-key", "must be 64 hexadecimal digits"));
    options.trusted_public_keys.push_back(*key);
  }
  if (options.trusted_public_keys.empty()) {
    auto key = services::ReadAuditPublicKey(audit_key_file);
    if (key.ok()) {
      options.trusted_public_keys.push_back(*key);
    } else if (key.status().code() != StatusCode::kNotFound) {
      return Fail(key.status());
    }
  }
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status());
  auto report = services::VerifyAuditChain(**store, options);
  if (!report.ok()) return Fail(report.status());
  for (const auto& k : options.trusted_public_keys)
    std::cout << "trusted checkpoint key (Ed25519): " << services::ToHex(k) << "\n";
  if (!report->ok()) {
    std::cout << "audit chain FAILED at seq " << report->seq << " ("
              << services::ToString(report->problem) << "): " << report->message << "\n";
    std::cout << report->records << " records verified before the problem, " << report->checkpoints
              << " checkpoints read\n";
    return 3;
  }
  std::cout << "audit chain OK: " << report->records << " records (seq 1 to " << report->head_seq
            << "), " << report->checkpoints << " checkpoints";
  if (report->last_checkpoint) {
    std::cout << ", last sealed seq " << report->last_checkpoint->seq << " at "
              << FormatIso8601(report->last_checkpoint->at) << "; "
              << report->head_seq - report->last_checkpoint->seq << " records after it";
  }
  if (report->records > 0 && !report->last_checkpoint) {
    std::cout << "\nwarning: no checkpoint seals these records; Aegis seals the chain whenever it "
                 "runs, so checkpoints may have been removed";
  }
  std::cout << "\nhead " << report->head_seq << ":" << services::ToHex(report->head_hash)
            << " (keep it elsewhere; a later verify --expect-head with it catches truncation)\n";
  return 0;
}

// Progress on standard error: a moving percentage on a terminal, a line per 10% otherwise.
services::SealProgress PercentProgress(const std::string& what) {
  const bool tty = ::isatty(STDERR_FILENO);
  auto last_pct = std::make_shared<long long>(-1);
  return [what, tty, last_pct](long long done, long long total) {
    const long long pct = total > 0 ? done * 100 / total : 100;
    if (pct == *last_pct || (!tty && pct % 10 != 0)) return;
    *last_pct = pct;
    std::cerr << (tty ? "\r" : "") << what << ": " << pct << "% (" << done << "/" << total << ")"
              << (tty && pct < 100 ? "" : "\n") << std::flush;
  };
}

// The `aegis keys` commands need an existing database and key file; nothing is created.
StatusOr<std::unique_ptr<storage::Store>> OpenExistingStore(const std::string& db,
                                                            bool synchronous_full) {
  if (!std::filesystem::exists(db)) return Status::InvalidArgument("--db", "no database at " + db);
  storage::StoreOptions options;
  options.synchronous_full = synchronous_full;
  return services::OpenStore(db, options);
}

int RotateKeys(const std::string& db, const std::string& key_file,
               services::KeyRotationOptions options) {
  auto store = OpenExistingStore(db, /*synchronous_full=*/true);
  if (!store.ok()) return Fail(store.status());
  options.on_keyring_written = [&](std::uint32_t id, bool resumed) {
    std::cerr << (resumed ? "resuming the interrupted rotation to master key " : "new master key ")
              << id << (resumed ? "" : " is active") << " (" << key_file << ")\n";
  };
  options.progress = PercentProgress("moving encrypted records to the new key");
  const auto started = std::chrono::steady_clock::now();
  auto report = services::RotateMasterKey(**store, key_file, options);
  if (!report.ok()) return Fail(report.status());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "master key " << report->active_key_id << " is active: " << report->rewrapped
            << " data keys re-wrapped, " << report->reencrypted
            << " old-format records re-encrypted, " << report->already_moved
            << " already under it (" << secs << " s)\n";
  auto list = [](const std::vector<std::uint32_t>& ids) {
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
    return out;
  };
  if (!report->retired.empty())
    std::cout << "retired master key(s) " << list(report->retired)
              << "; backups made before this rotation need a copy of the old key file\n";
  if (!report->retained.empty())
    std::cout << "kept master key(s) " << list(report->retained) << " for reading only\n";
  return 0;
}

int KeyStatus(const std::string& db, const std::string& key_file) {
  auto keyring = services::ReadKeyFile(key_file);
  if (!keyring.ok()) return Fail(keyring.status());
  auto vault = services::Vault::FromKeyring(*keyring);
  if (!vault.ok()) return Fail(vault.status());
  auto store = OpenExistingStore(db, false);
  if (!store.ok()) return Fail(store.status());
  auto census = services::CountSealedValues(**store, *vault, PercentProgress("counting"));
  if (!census.ok()) return Fail(census.status());
  std::cout << "key file " << key_file << ": "
            << (keyring->single_key_file
                    ? "single-key file (from before keyrings; `aegis keys rotate` converts it)"
                    : "keyring")
            << "\n";
  for (const auto& k : keyring->keys) {
    const auto n = census->by_key.find(k.id);
    std::cout << "master key " << k.id << "  " << services::ToString(k.state) << "  "
              << (k.legacy ? "legacy (also opens old-format records), " : "")
              << (k.created_at ? "created " + FormatIso8601(k.created_at)
                               : std::string("created before keyrings"))
              << "  " << (n == census->by_key.end() ? 0 : n->second) << " records\n";
  }
  std::cout << "old-format records, or records under no key of this keyring: " << census->other
            << "\n";
  std::cout << census->total << " encrypted records:";
  for (const auto& [column, n] : census->by_column)
    std::cout << " " << storage::SealedColumnName(column) << " " << n << ";";
  std::cout << "\nthe blind-index key (duplicate search, survivor codes) does not rotate\n";
  return 0;
}

// Exit status 0 when every encrypted record opens, 3 when some do not, 1 or 2 when the check
// could not run.
int VerifyKeys(const std::string& db, const std::string& key_file) {
  auto keyring = services::ReadKeyFile(key_file);
  if (!keyring.ok()) return Fail(keyring.status());
  auto vault = services::Vault::FromKeyring(*keyring);
  if (!vault.ok()) return Fail(vault.status());
  auto store = OpenExistingStore(db, false);
  if (!store.ok()) return Fail(store.status());
  auto report = services::VerifySealedValues(**store, *vault, PercentProgress("opening"));
  if (!report.ok()) return Fail(report.status());
  if (report->failed > 0) {
    std::cout << "FAILED: " << report->failed << " of " << report->failed + report->opened
              << " encrypted records do not open:";
    for (const auto& where : report->failures) std::cout << " " << where << ";";
    std::cout << "\n";
    return 3;
  }
  std::cout << "OK: all " << report->opened << " encrypted records open with " << key_file << "\n";
  return 0;
}

std::string FindWebRoot(const std::string& given) {
  if (!given.empty()) return given;
  for (const std::string& candidate :
       {std::string("web/dist"), std::string(AEGIS_SOURCE_DIR) + "/web/dist"}) {
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
    cmd->add_option("--key-file", key_file,
                    "master key file (default: <db>.key, created if absent)");
  };

  auto* serve = app.add_subcommand("serve", "serve the API and the web UI");
  add_db(serve);
  app::ServerOptions server;
  serve->add_option("--host", server.host, "address to listen on")->capture_default_str();
  serve->add_option("--port", server.port, "port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  serve->add_option("--web", server.web_root, "directory of the built web UI (default: web/dist)");
  serve->add_option("--threads", server.threads, "network threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  std::string deadline_rules_file, major_rules_file;
  serve
      ->add_option(
          "--deadline-rules", deadline_rules_file,
          "JSON file of filing-review and stage time limits (default: built-in CN-MPS rules)")
      ->check(CLI::ExistingFile);
  serve
      ->add_option("--major-rules", major_rules_file,
                   "JSON file of major-case rules (default: built-in rule set)")
      ->check(CLI::ExistingFile);
  services::ServiceOptions service_opt;
  serve
      ->add_option("--login-attempts-per-minute", service_opt.login_attempts_per_minute,
                   "sign-in attempts allowed per client address and minute")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));

  auto* demo =
      app.add_subcommand("demo", "create a realistic synthetic data set in a new database");
  add_db(demo);
  services::DemoOptions demo_opt;
  std::string incidents =
      std::string(AEGIS_SOURCE_DIR) + "/data/fixtures/sf_sex_offenses_2003_2015.csv";
  demo->add_option("--cases", demo_opt.cases, "number of clues to generate (most become cases)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  demo->add_option("--seed", demo_opt.seed, "random seed")->capture_default_str();
  demo->add_option("--incidents", incidents, "public incident CSV that seeds places and times")
      ->capture_default_str();

  auto* import =
      app.add_subcommand("import", "bulk-import case records (JSON lines) into the database");
  add_db(import);
  std::string import_file;
  import->add_option("--cases", import_file, "file with one JSON case record per line")->required();

  auto* migrate = app.add_subcommand("migrate", "create or upgrade the database schema");
  add_db(migrate);

  auto* audit = app.add_subcommand("audit", "the tamper-evident audit trail");
  audit->require_subcommand(1);
  std::string audit_key_file;
  std::vector<std::string> public_keys;
  auto* audit_verify = audit->add_subcommand(
      "verify", "recompute the audit hash chain and check every signed checkpoint");
  audit_verify->add_option("--db", db, "SQLite database file")->capture_default_str();
  audit_verify->add_option(
      "--audit-key-file", audit_key_file,
      "checkpoint signing key whose public key is trusted (default: <db>.audit.key)");
  audit_verify->add_option("--public-key", public_keys,
                           "trusted Ed25519 public key in hex (repeatable; replaces the key file)");
  std::string expect_head;
  audit_verify->add_option("--expect-head", expect_head,
                           "SEQ:HASH printed by an earlier verify; the chain must still hold it");
  auto* audit_key =
      audit->add_subcommand("public-key", "print the checkpoint signing key's public key");
  audit_key->add_option("--db", db, "SQLite database file")->capture_default_str();
  audit_key->add_option("--audit-key-file", audit_key_file, "default: <db>.audit.key");

  auto* user = app.add_subcommand("user", "manage user accounts");
  user->require_subcommand(1);
  auto* user_add =
      user->add_subcommand("add", "add a user; the password is read from standard input");
  add_db(user_add);
  std::string username, display_name, role_name, unit_code;
  user_add->add_option("--username", username, "login name")->required();
  user_add
      ->add_option("--role", role_name,
                   "officer, supervisor, analyst, forensic, prosecutor, partner, administrator or "
                   "privacy_officer")
      ->required();
  user_add->add_option("--unit", unit_code, "code of the user's unit")->required();
  user_add->add_option("--name", display_name, "display name");

  auto* keys = app.add_subcommand(
      "keys", "the master keys that protect victim identities and other encrypted records");
  keys->require_subcommand(1);
  auto add_keys_db = [&](CLI::App* cmd) {
    cmd->add_option("--db", db, "SQLite database file")->capture_default_str();
    cmd->add_option("--key-file", key_file, "master key file (default: <db>.key)");
  };
  services::KeyRotationOptions rotation;
  auto* keys_rotate = keys->add_subcommand(
      "rotate",
      "add a new master key, move every encrypted record under it and retire the old key "
      "(stop aegis serve first; rerun after an interruption to finish)");
  add_keys_db(keys_rotate);
  keys_rotate->add_flag("--keep-old", rotation.keep_old,
                        "keep the replaced keys for reading only instead of retiring them");
  keys_rotate->add_option("--batch-size", rotation.batch_size, "records per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  auto* keys_status = keys->add_subcommand(
      "status", "list the master keys and how many encrypted records use each");
  add_keys_db(keys_status);
  auto* keys_verify =
      keys->add_subcommand("verify", "decrypt every encrypted record to prove that all open");
  add_keys_db(keys_verify);

  for (CLI::App* cmd : {serve, demo, import, user_add}) {
    cmd->add_option("--audit-key-file", audit_key_file,
                    "audit checkpoint signing key (default: <db>.audit.key, created if absent)");
  }

  CLI11_PARSE(app, argc, argv);
  if (key_file.empty()) key_file = DefaultKeyFile(db);
  if (audit_key_file.empty()) audit_key_file = services::DefaultAuditKeyFile(db);

  if (audit_verify->parsed()) return VerifyAudit(db, audit_key_file, public_keys, expect_head);
  if (audit_key->parsed()) {
    auto key = services::ReadAuditPublicKey(audit_key_file);
    if (!key.ok()) return Fail(key.status());
    std::cout << services::ToHex(*key) << "\n";
    return 0;
  }

  if (keys_rotate->parsed()) return RotateKeys(db, key_file, rotation);
  if (keys_status->parsed()) return KeyStatus(db, key_file);
  if (keys_verify->parsed()) return VerifyKeys(db, key_file);

  if (migrate->parsed()) {
    auto store = OpenStore(db);
    if (!store.ok()) return Fail(store.status());
    std::cout << "schema is at version " << (*store)->SchemaVersion() << " in " << db << "\n";
    return 0;
  }

  storage::StoreOptions store_options;
  store_options.bulk_load = import->parsed();
  auto store_or = OpenStore(db, store_options);
  if (!store_or.ok()) return Fail(store_or.status());
  std::unique_ptr<storage::Store> store = std::move(store_or).value();
  auto vault = services::Vault::OpenOrCreate(key_file);
  if (!vault.ok()) return Fail(vault.status());
  auto signer = services::AuditSigner::OpenOrCreate(audit_key_file);
  if (!signer.ok()) return Fail(signer.status());
  auto audit_signer = std::make_shared<const services::AuditSigner>(std::move(signer).value());

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
      if (tty)
        std::cerr << "\rgenerating clues and cases: " << pct << "% (" << done << "/" << total << ")"
                  << std::flush;
      else if (pct % 10 == 0)
        std::cerr << "generating clues and cases: " << pct << "%\n";
    };
    const auto started = std::chrono::steady_clock::now();
    auto summary = services::GenerateDemoData(*store, *vault, *seeds, demo_opt);
    if (tty) std::cerr << "\n";
    if (!summary.ok()) return Fail(summary.status());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "demo data in " << db << ": " << summary->units << " units, " << summary->users
              << " users, " << summary->clues << " clues, " << summary->cases << " cases, "
              << summary->persons << " persons, " << summary->actions << " actions ("
              << static_cast<long long>(summary->clues / std::max(secs, 1e-3)) << " clues/s)\n";
    if (!summary->survivor_code.empty()) {
      std::cout << "survivor status page (#/status): reference " << summary->survivor_reference
                << ", code " << summary->survivor_code << "\n";
    }
    if (summary->labelled_cases || summary->break_glass_grants) {
      std::cout << "need-to-know: " << summary->labelled_cases
                << " cases restricted, sealed or with team-only sections (by 'supervisor'), "
                << summary->break_glass_grants
                << " break-glass access (by off.central.1) awaiting review\n";
    }
    std::cout << "accounts (password \"" << demo_opt.password << "\"):";
    for (const auto& [name, role] : summary->accounts) {
      if (name.rfind("off.", 0) == 0 || name.rfind("sup.", 0) == 0) continue;
      std::cout << " " << name << " (" << role << ")";
    }
    std::cout << "\n";
    if (!demo_opt.totp_secret.empty()) {
      std::cout << "administrators and supervisors also need a one-time code from the demo TOTP "
                   "secret "
                << demo_opt.totp_secret << " (any authenticator app, or oathtool --totp -b "
                << demo_opt.totp_secret << ")\n";
    }
    auto sealed = services::SealAuditChain(*store, *audit_signer, NowSeconds());
    if (!sealed.ok()) return Fail(sealed.status());
    std::cout << "audit checkpoint key (Ed25519, keep a copy to verify with): "
              << services::ToHex(audit_signer->public_key()) << "\n";
    return 0;
  }

  service_opt.audit_signer = audit_signer;
  services::Services svc(*store, std::move(vault).value(), service_opt);

  if (import->parsed()) {
    const auto started = std::chrono::steady_clock::now();
    auto reader = api::CaseNdjsonReader::Open(import_file);
    if (!reader.ok()) return Fail(reader.status());
    std::cerr << "read " << (*reader)->ExpectedRows() << " lines; loading "
              << (store->BulkLoadJournal()
                      ? "with a rollback journal (the database is held until done)...\n"
                      : "through the WAL (another process has the database open)...\n");
    auto summary = svc.ImportCases(**reader);
    if (!summary.ok()) return Fail(summary.status());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "imported " << summary->cases << " cases (" << summary->major << " major, "
              << summary->historic << " historic) in " << secs
              << " s: " << static_cast<long long>(summary->cases / std::max(secs, 1e-6))
              << " cases/s\n";
    return 0;
  }

  if (user_add->parsed()) {
    auto role = domain::Parse<domain::Role>(role_name);
    if (!role) return Fail(Status::InvalidArgument("--role", "unknown role " + role_name));
    std::string password;
    std::getline(std::cin, password);
    auto created = svc.AddUser(username, display_name, *role, unit_code, password);
    if (!created.ok()) return Fail(created.status());
    std::cout << "added user " << created->username << " (" << role_name << ") with id "
              << created->id << "\n";
    return 0;
  }

  if (serve->parsed()) {
    // Another jurisdiction loads its own limits and rules; a bad file stops the start-up.
    auto read_file = [](const std::string& path) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    if (!deadline_rules_file.empty()) {
      auto rules = domain::ParseDeadlineRules(read_file(deadline_rules_file));
      if (!rules.ok())
        return Fail(Status::InvalidArgument(deadline_rules_file, rules.status().ToString()));
      spdlog::info("deadline rules {} {} from {}", rules->jurisdiction, rules->version,
                   deadline_rules_file);
      svc.SetDeadlineRules(std::move(rules).value());
    }
    if (!major_rules_file.empty()) {
      auto rules = domain::ParseMajorCaseRules(read_file(major_rules_file));
      if (!rules.ok())
        return Fail(Status::InvalidArgument(major_rules_file, rules.status().ToString()));
      spdlog::info("major-case rules {} from {}", rules->version, major_rules_file);
      svc.SetMajorCaseRules(std::move(rules).value());
    }
    server.web_root = FindWebRoot(server.web_root);
    if (server.web_root.empty())
      spdlog::warn("no built web UI found (web/dist); serving the API only");
    spdlog::info("audit checkpoints are signed with Ed25519 public key {} ({})",
                 services::ToHex(audit_signer->public_key()), audit_key_file);
    api::Api api(svc, kVersion);
    Status st = app::RunServer(api, server);
    if (!st.ok()) return Fail(st);
    return 0;
  }
  return 0;
}
