// Cryptography for Aegis, all from libsodium: envelope encryption at rest (XChaCha20-Poly1305 with
// per-record data keys), keyed blind indexes (BLAKE2b), password hashing (argon2id) and session
// tokens.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/model.h"
#include "services/keyring.h"
#include "storage/store.h"

namespace aegis::services {

// Initialises libsodium; safe to call more than once. Returns Internal on failure.
Status InitCrypto();

// Where a sealed value lives, as associated data: a value copied to another column or row does
// not open. Services build them with services/sealed_columns.h.
struct SealContext {
  std::string bound;   // format 2: the column and the row's immutable key
  std::string legacy;  // format 1 (single-key files): the column's context; empty: none existed
};

// Envelope encryption of records at rest. Each value gets its own random data key (DEK); the
// value is encrypted with it (XChaCha20-Poly1305, bound to its SealContext) and the DEK is stored
// wrapped by the active master key of the keyring (services/keyring.h). Format 2:
//
//   0x02 | key id (4, big-endian) | wrap nonce (24) | wrapped DEK (32 + 16) | nonce (24) |
//   ciphertext + tag (16)
//
// The DEK is wrapped with the first five bytes as associated data, the value with the format byte
// and the context. Rotation re-wraps DEKs (Rewrap) without touching, or needing the context of,
// the value. Format 1, written before keyrings existed, is nonce (24) | ciphertext + tag under a
// key derived from the single master key; it still opens while that (legacy) key is in the
// keyring, and rotation re-encrypts it into format 2. The vault is cheap to copy (shared keys).
class Vault {
 public:
  // Loads `key_file` (a keyring or a single-key file), creating a new keyring (mode 0600) when it
  // does not exist, and holds the key file's lock shared while any copy of the vault lives.
  static StatusOr<Vault> OpenOrCreate(const std::string& key_file);
  // Loads an existing key file (NotFound when absent), holding its lock shared as above.
  static StatusOr<Vault> Open(const std::string& key_file);
  // A vault over a keyring, without any lock (key rotation, tests).
  static StatusOr<Vault> FromKeyring(const Keyring& keyring);
  // A vault as a single-key file with this key opens it (tests).
  static Vault FromKey(const std::array<unsigned char, 32>& key);

  // Encrypts `plaintext` under a fresh data key wrapped by the active master key.
  std::string Encrypt(std::string_view plaintext, const SealContext& context) const;
  // Opens a format-2 or format-1 value; Internal if it is tampered with, in the wrong place or
  // under a master key that is not in the keyring. Messages never contain the value.
  StatusOr<std::string> Decrypt(std::string_view ciphertext, const SealContext& context) const;
  // Decrypts for `from` and encrypts for `to` (a value that moves to another row, e.g. a clue's
  // victim becoming the case's first person).
  StatusOr<std::string> Reseal(std::string_view ciphertext, const SealContext& from,
                               const SealContext& to) const;

  // ---- key rotation
  // The master key whose wrapped DEK in `ciphertext` authenticates; nullopt for a format-1 value
  // or anything this keyring cannot unwrap.
  std::optional<std::uint32_t> KeyIdOf(std::string_view ciphertext) const;
  // The same format-2 value with its DEK re-wrapped by the active master key.
  StatusOr<std::string> Rewrap(std::string_view ciphertext) const;
  std::uint32_t active_key_id() const;

  // Serialises an identity to JSON and encrypts it.
  std::string EncryptIdentity(const domain::Identity& identity, const SealContext& context) const;
  StatusOr<domain::Identity> DecryptIdentity(std::string_view ciphertext,
                                             const SealContext& context) const;

  // Keyed hashes of normalised name, ID number and phone, for duplicate search without decrypting.
  storage::BlindIndex Index(const domain::Identity& identity) const;
  // Keyed BLAKE2b-256 of `data` under the blind-index key, separated by `context`: a secret (such
  // as a survivor status code) stored this way cannot be guessed offline without the key file.
  std::string KeyedHash(std::string_view context, std::string_view data) const;

  struct Keys;  // derived keys, locked in memory (crypto.cc)

 private:
  explicit Vault(std::shared_ptr<const Keys> keys) : keys_(std::move(keys)) {}
  static StatusOr<Vault> Make(const Keyring& keyring, std::optional<KeyFileLock> lock);
  static StatusOr<Vault> OpenFile(const std::string& key_file, bool create);
  std::shared_ptr<const Keys> keys_;
};

// Bytes a format-2 value adds to its plaintext.
inline constexpr size_t kSealOverhead = 1 + 4 + 24 + 32 + 16 + 24 + 16;

// argon2id password hash in libsodium's encoded form.
StatusOr<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// A new random bearer token (43 characters, URL-safe base64 of 32 bytes).
std::string NewToken();
// BLAKE2b-256 of a token, as stored in the sessions table.
std::string HashToken(std::string_view token);

std::string IdentityToJson(const domain::Identity& identity);
StatusOr<domain::Identity> IdentityFromJson(std::string_view json);

}  // namespace aegis::services
