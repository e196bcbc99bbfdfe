// The master key file: a keyring of versioned master keys (key-encryption keys that wrap each
// record's data key) and the blind-index key. Format and rotation rules: src/services/README.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace aegis::services {

inline constexpr size_t kKeyBytes = 32;
using KeyBytes = std::array<unsigned char, kKeyBytes>;

// kActive encrypts new records (exactly one key); kRetiring still decrypts while a rotation moves
// its records and is removed when none is left; kRetained decrypts only, kept by `--keep-old`.
enum class MasterKeyState { kActive, kRetiring, kRetained };
std::string_view ToString(MasterKeyState state);

struct MasterKey {
  std::uint32_t id = 0;
  MasterKeyState state = MasterKeyState::kActive;
  // Came from a single-key (32-byte) file: it also opens that format's ciphertexts, which were
  // encrypted directly under a key derived from it.
  bool legacy = false;
  UnixSeconds created_at = 0;
  KeyBytes key{};
};

// Zeroes its key material when destroyed.
struct Keyring {
  Keyring() = default;
  Keyring(const Keyring&) = default;
  Keyring& operator=(const Keyring&) = default;
  ~Keyring();

  // Keyed hashes (blind indexes, survivor codes) use this key. It never rotates with the master
  // keys: the survivor codes behind those hashes exist nowhere else, so they could not be redone.
  KeyBytes index_key{};
  std::vector<MasterKey> keys;
  bool single_key_file = false;  // read from a 32-byte file (LegacyKeyring), not yet rewritten

  const MasterKey* Active() const;
  const MasterKey* Find(std::uint32_t id) const;
};

// A fresh keyring: a random index key and master key 1, active.
Keyring NewKeyring(UnixSeconds now);
// What a single-key file means: its key as master key 1 (legacy, active) and the blind-index key
// derived from it as before, so existing indexes and survivor codes keep matching.
Keyring LegacyKeyring(const KeyBytes& master);

// The text form (mode 0600 on disk). Parsing checks the trailing BLAKE2b checksum, that ids are
// unique and that exactly one key is active.
std::string SerializeKeyring(const Keyring& keyring);
StatusOr<Keyring> ParseKeyring(std::string_view text);

// Reads a keyring file, or a single-key file (exactly 32 bytes) through LegacyKeyring; the file is
// not rewritten. NotFound when it does not exist.
StatusOr<Keyring> ReadKeyFile(const std::string& path);
// Writes the keyring crash-safely: a new file (0600) is written and fsynced, then renamed over
// `path` (or, with `create_only`, linked to it, failing with Conflict if `path` exists), and the
// directory is fsynced. Afterwards `path` holds either the old or the new keyring, never a mix.
Status WriteKeyFile(const std::string& path, const Keyring& keyring, bool create_only);
// Removes temporary files that a WriteKeyFile killed before its rename left beside `path`: they
// may hold keys that a rotation has since retired. Call only while holding the lock exclusively.
Status RemoveStaleKeyFileTemps(const std::string& path);

// An advisory lock (flock) on "<key file>.lock". Processes that encrypt with the keyring (serve,
// demo, import, user add) hold it shared for as long as their vault lives; key rotation holds it
// exclusively, so it never runs while a process could still write records under a key that the
// rotation is about to retire. The kernel drops it when the process dies (kill -9 included).
class KeyFileLock {
 public:
  enum class Mode { kShared, kExclusive };
  static StatusOr<KeyFileLock> Acquire(const std::string& key_file, Mode mode);

  KeyFileLock(KeyFileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  KeyFileLock& operator=(KeyFileLock&& other) noexcept;
  KeyFileLock(const KeyFileLock&) = delete;
  KeyFileLock& operator=(const KeyFileLock&) = delete;
  ~KeyFileLock();

 private:
  explicit KeyFileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace aegis::services
