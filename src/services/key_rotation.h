// Master-key rotation over every sealed column (`aegis keys rotate`), the census of values per
// master key (`aegis keys status`) and the proof that every value still opens (`aegis keys
// verify`). The crash-safety argument is at the top of key_rotation.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "services/crypto.h"
#include "storage/store.h"

namespace aegis::services {

// Called after each batch with the values walked so far and the number there are.
using SealProgress = std::function<void(long long done, long long total)>;

struct SealedValueCensus {
  std::map<std::uint32_t, long long> by_key;  // format-2 values per master key id
  // Values under no key of the keyring: format 1 (single-key files; open with the legacy key) or
  // values that no key opens.
  long long other = 0;
  std::map<storage::SealedColumn, long long> by_column;
  long long total = 0;
};
// Counts values per master key by authenticating each wrapped data key; nothing is decrypted.
StatusOr<SealedValueCensus> CountSealedValues(storage::Store& store, const Vault& vault,
                                              const SealProgress& progress = {});

struct SealVerifyReport {
  long long opened = 0;
  long long failed = 0;
  // Where the first failures are ("persons.identity_cipher row 12"): never any content.
  std::vector<std::string> failures;
  std::map<storage::SealedColumn, long long> by_column;
};
// Decrypts every value in its own context and discards the plaintext at once.
StatusOr<SealVerifyReport> VerifySealedValues(storage::Store& store, const Vault& vault,
                                              const SealProgress& progress = {});

struct KeyRotationOptions {
  bool keep_old = false;  // keep the replaced keys as decrypt-only ("retained") instead of retiring
  int batch_size = 1000;  // values per transaction
  SealProgress progress;
  // Told once the keyring with the new active key is on disk (or, resuming, found there).
  std::function<void(std::uint32_t active_key_id, bool resumed)> on_keyring_written;
  UnixSeconds now = 0;  // creation time of the new key; 0: the clock
};

struct KeyRotationReport {
  std::uint32_t active_key_id = 0;
  bool resumed = false;         // an interrupted rotation was finished instead of starting anew
  long long rewrapped = 0;      // format-2 values whose data key was re-wrapped
  long long reencrypted = 0;    // format-1 values re-encrypted into format 2
  long long already_moved = 0;  // values already under the active key
  std::vector<std::uint32_t> retired;   // removed from the keyring
  std::vector<std::uint32_t> retained;  // kept, decrypt-only (keep_old)
};

// Rotates the master key of `key_file` for the database behind `store`: adds a new active key
// (or, when the keyring still holds retiring keys, finishes that interrupted rotation), moves
// every sealed value under it in batches, and retires the replaced keys once no value uses them.
// Holds the key file's lock exclusively: fails with Unavailable while any process has a vault
// open on it. Open `store` with synchronous_full so that each batch is durable before the old
// keys leave the keyring. The blind-index key is never changed (see keyring.h).
StatusOr<KeyRotationReport> RotateMasterKey(storage::Store& store, const std::string& key_file,
                                            const KeyRotationOptions& options);

}  // namespace aegis::services
