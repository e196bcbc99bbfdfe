// Key rotation, crash-safe at every instant (kill -9 or power loss):
//
//  1. The new keyring (old keys marked "retiring", the new key active) is written to a temporary
//     file, fsynced and renamed over the key file before any record changes. Killed before the
//     rename: nothing changed. After it: every record is still under a key of the keyring.
//  2. Records move in batches, one transaction each (re-wrapped data keys, or format-1 values
//     re-encrypted). Killed in between: each record is under either the old or the new key, and
//     both are in the keyring. Rerunning finds the retiring keys and finishes the same rotation.
//  3. Only when a fresh count finds no record under any other key are the retiring keys removed,
//     by another atomic replacement of the key file. The batches are durable by then: the caller
//     opens the store with synchronous=FULL, so no committed batch can be lost after the old key
//     is gone.
//
// The key file's lock (held exclusively here, shared by every process with an open vault) keeps
// servers from writing records under the old key while it is being retired.
#include "services/key_rotation.h"

#include <sodium.h>

#include <algorithm>
#include <string_view>

#include "services/keyring.h"
#include "services/sealed_columns.h"

namespace aegis::services {
namespace {

constexpr size_t kMaxListedFailures = 20;

std::string Where(storage::SealedColumn column, domain::Id row) {
  return std::string(storage::SealedColumnName(column)) + " row " + std::to_string(row);
}

StatusOr<long long> CountAll(storage::Store& store) {
  long long total = 0;
  AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
    for (auto column : storage::kAllSealedColumns) {
      AEGIS_ASSIGN_OR_RETURN(long long n, r.CountSealedCells(column));
      total += n;
    }
    return Status::Ok();
  }));
  return total;
}

// Calls `fn` with every value of every sealed column, one read snapshot per batch.
Status ForEachSealedValue(
    storage::Store& store, const SealProgress& progress,
    const std::function<void(storage::SealedColumn, const storage::SealedCell&)>& fn) {
  constexpr int kBatch = 2000;
  AEGIS_ASSIGN_OR_RETURN(const long long total, CountAll(store));
  long long done = 0;
  for (auto column : storage::kAllSealedColumns) {
    domain::Id after = 0;
    for (;;) {
      std::vector<storage::SealedCell> cells;
      AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
        AEGIS_ASSIGN_OR_RETURN(cells, r.ListSealedCells(column, after, kBatch));
        return Status::Ok();
      }));
      for (const auto& cell : cells) fn(column, cell);
      if (!cells.empty()) after = cells.back().row;
      done += static_cast<long long>(cells.size());
      if (progress) progress(std::min(done, total), std::max(done, total));
      if (cells.size() < static_cast<size_t>(kBatch)) break;
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<SealedValueCensus> CountSealedValues(storage::Store& store, const Vault& vault,
                                              const SealProgress& progress) {
  SealedValueCensus census;
  AEGIS_RETURN_IF_ERROR(ForEachSealedValue(
      store, progress, [&](storage::SealedColumn column, const storage::SealedCell& cell) {
        if (const auto key = vault.KeyIdOf(cell.cipher)) {
          ++census.by_key[*key];
        } else {
          ++census.other;
        }
        ++census.by_column[column];
        ++census.total;
      }));
  return census;
}

StatusOr<SealVerifyReport> VerifySealedValues(storage::Store& store, const Vault& vault,
                                              const SealProgress& progress) {
  SealVerifyReport report;
  AEGIS_RETURN_IF_ERROR(ForEachSealedValue(
      store, progress, [&](storage::SealedColumn column, const storage::SealedCell& cell) {
        auto plain = vault.Decrypt(cell.cipher, SealContextOf(column, cell));
        ++report.by_column[column];
        if (plain.ok()) {
          sodium_memzero(plain->data(), plain->size());
          ++report.opened;
          return;
        }
        ++report.failed;
        if (report.failures.size() < kMaxListedFailures)
          report.failures.push_back(Where(column, cell.row));
      }));
  return report;
}

StatusOr<KeyRotationReport> RotateMasterKey(storage::Store& store, const std::string& key_file,
                                            const KeyRotationOptions& options) {
  if (options.batch_size < 1) return Status::InvalidArgument("batch_size", "must be at least 1");
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  AEGIS_ASSIGN_OR_RETURN(KeyFileLock lock,
                         KeyFileLock::Acquire(key_file, KeyFileLock::Mode::kExclusive));
  AEGIS_ASSIGN_OR_RETURN(Keyring keyring, ReadKeyFile(key_file));
  AEGIS_RETURN_IF_ERROR(RemoveStaleKeyFileTemps(key_file));
  KeyRotationReport report;

  // ---- 1. the new active key, on disk before any record moves
  report.resumed = std::any_of(keyring.keys.begin(), keyring.keys.end(), [](const MasterKey& k) {
    return k.state == MasterKeyState::kRetiring;
  });
  if (!report.resumed) {
    std::uint32_t next_id = 1;
    for (auto& k : keyring.keys) {
      next_id = std::max(next_id, k.id + 1);
      // Retained keys retire too: a plain rotation leaves only the new key behind.
      k.state = MasterKeyState::kRetiring;
    }
    MasterKey fresh;
    fresh.id = next_id;
    fresh.created_at = options.now ? options.now : NowSeconds();
    randombytes_buf(fresh.key.data(), fresh.key.size());
    keyring.keys.push_back(fresh);
    sodium_memzero(fresh.key.data(), fresh.key.size());
  }
  // Made before the file is written, so that a keyring the vault refuses never reaches the disk.
  AEGIS_ASSIGN_OR_RETURN(const Vault vault, Vault::FromKeyring(keyring));
  if (!report.resumed) AEGIS_RETURN_IF_ERROR(WriteKeyFile(key_file, keyring, false));
  report.active_key_id = vault.active_key_id();
  if (options.on_keyring_written) options.on_keyring_written(report.active_key_id, report.resumed);

  // ---- 2. every value under the active key, one transaction per batch
  AEGIS_ASSIGN_OR_RETURN(const long long total, CountAll(store));
  long long done = 0, unmovable = 0;
  std::vector<std::string> unmovable_at;
  for (auto column : storage::kAllSealedColumns) {
    domain::Id after = 0;
    for (;;) {
      size_t walked = 0;
      AEGIS_RETURN_IF_ERROR(store.Write([&](storage::Repo& r) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto cells, r.ListSealedCells(column, after, options.batch_size));
        walked = cells.size();
        for (const auto& cell : cells) {
          after = cell.row;
          const auto key = vault.KeyIdOf(cell.cipher);
          if (key == report.active_key_id) {
            ++report.already_moved;
            continue;
          }
          StatusOr<std::string> moved = Status::Internal("");
          if (key) {
            moved = vault.Rewrap(cell.cipher);
          } else {
            const SealContext context = SealContextOf(column, cell);
            moved = vault.Reseal(cell.cipher, context, context);
          }
          if (!moved.ok()) {
            ++unmovable;
            if (unmovable_at.size() < kMaxListedFailures)
              unmovable_at.push_back(Where(column, cell.row));
            continue;
          }
          AEGIS_RETURN_IF_ERROR(r.UpdateSealedCell(column, cell.row, *moved));
          ++(key ? report.rewrapped : report.reencrypted);
        }
        return Status::Ok();
      }));
      done += static_cast<long long>(walked);
      if (options.progress) options.progress(std::min(done, total), std::max(done, total));
      if (walked < static_cast<size_t>(options.batch_size)) break;
    }
  }

  // ---- 3. retire the replaced keys once nothing uses them
  AEGIS_ASSIGN_OR_RETURN(const SealedValueCensus census, CountSealedValues(store, vault));
  const long long elsewhere =
      census.total -
      (census.by_key.count(report.active_key_id) ? census.by_key.at(report.active_key_id) : 0);
  if (unmovable > 0 || elsewhere > 0) {
    std::string where;
    for (const auto& w : unmovable_at) where += (where.empty() ? "" : ", ") + w;
    return Status::Internal(
        std::to_string(std::max(unmovable, elsewhere)) +
        " encrypted values could not be moved to master key " +
        std::to_string(report.active_key_id) + (where.empty() ? "" : " (" + where + ")") +
        "; the old keys stay in the keyring. `aegis keys verify` lists the values that do not "
        "open; rerun the rotation after repairing them");
  }
  bool changed = false;
  for (auto it = keyring.keys.begin(); it != keyring.keys.end();) {
    if (it->state != MasterKeyState::kRetiring) {
      ++it;
      continue;
    }
    changed = true;
    if (options.keep_old) {
      it->state = MasterKeyState::kRetained;
      report.retained.push_back(it->id);
      ++it;
    } else {
      report.retired.push_back(it->id);
      sodium_memzero(it->key.data(), it->key.size());
      it = keyring.keys.erase(it);
    }
  }
  if (changed) AEGIS_RETURN_IF_ERROR(WriteKeyFile(key_file, keyring, false));
  return report;  // WriteKeyFile leaves no temporary file behind when it succeeds
}

}  // namespace aegis::services
