// Cryptography for Aegis, all from libsodium: identity encryption at rest (XChaCha20-Poly1305),
// keyed blind indexes (BLAKE2b), password hashing (argon2id) and session tokens.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/model.h"
#include "storage/store.h"

namespace aegis::services {

// Initialises libsodium; safe to call more than once. Returns Internal on failure.
Status InitCrypto();

// Holds the master key. The key file holds 32 random bytes; it is created (mode 0600) when absent.
class Vault {
 public:
  // Loads `key_file`, creating it when it does not exist.
  static StatusOr<Vault> OpenOrCreate(const std::string& key_file);
  // A vault with a given key (tests).
  static Vault FromKey(const std::array<unsigned char, 32>& key);

  // Encrypts `plaintext` bound to `context` (associated data, e.g. "person-identity").
  std::string Encrypt(std::string_view plaintext, std::string_view context) const;
  // Decrypts; fails with Internal if the ciphertext or context was tampered with.
  StatusOr<std::string> Decrypt(std::string_view ciphertext, std::string_view context) const;

  // Serialises an identity to JSON and encrypts it.
  std::string EncryptIdentity(const domain::Identity& identity) const;
  StatusOr<domain::Identity> DecryptIdentity(std::string_view ciphertext) const;

  // Keyed hashes of normalised name, ID number and phone, for duplicate search without decrypting.
  storage::BlindIndex Index(const domain::Identity& identity) const;
  // Keyed BLAKE2b-256 of `data` under the blind-index key, separated by `context`: a secret (such
  // as a survivor status code) stored this way cannot be guessed offline without the key file.
  std::string KeyedHash(std::string_view context, std::string_view data) const;

 private:
  std::array<unsigned char, 32> key_{};        // encryption key, derived from the master key
  std::array<unsigned char, 32> index_key_{};  // blind-index key, derived separately
};

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
