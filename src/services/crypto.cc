#include "services/crypto.h"

#include <sodium.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/time.h"

namespace aegis::services {

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kNonceBytes == 24 && kTagBytes == 16 &&
              crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);

// Key material derived from the keyring once, when the vault is made. The secrets sit in one
// block locked in memory (kept out of swap where the limit allows) and wiped on destruction.
struct Vault::Keys {
  struct WrapKey {
    std::uint32_t id;
    KeyBytes key;
  };
  struct Secrets {
    KeyBytes index_key;
    KeyBytes legacy_encryption_key;  // format 1; valid when has_legacy
    WrapKey wrap[64];                // master keys, as key-encryption subkeys
  };
  Secrets secrets{};
  size_t wrap_count = 0;
  bool has_legacy = false;
  std::uint32_t active_id = 0;
  std::optional<KeyFileLock> lock;

  Keys() { (void)sodium_mlock(&secrets, sizeof secrets); }
  ~Keys() { sodium_munlock(&secrets, sizeof secrets); }  // also zeroes
  Keys(const Keys&) = delete;
  Keys& operator=(const Keys&) = delete;

  const KeyBytes* WrapKeyOf(std::uint32_t id) const {
    for (size_t i = 0; i < wrap_count; ++i)
      if (secrets.wrap[i].id == id) return &secrets.wrap[i].key;
    return nullptr;
  }
};

namespace {

constexpr unsigned char kFormat2 = 0x02;
constexpr size_t kHeaderBytes = 5;  // format byte, key id
constexpr size_t kWrapNonceAt = kHeaderBytes;
constexpr size_t kWrappedKeyAt = kWrapNonceAt + kNonceBytes;
constexpr size_t kWrappedKeyBytes = kKeyBytes + kTagBytes;
constexpr size_t kDataNonceAt = kWrappedKeyAt + kWrappedKeyBytes;
constexpr size_t kDataAt = kDataNonceAt + kNonceBytes;
static_assert(kDataAt + kTagBytes == kSealOverhead);
constexpr size_t kMaxMasterKeys = sizeof(Vault::Keys::Secrets::wrap) / sizeof(Vault::Keys::WrapKey);

void DeriveSubkey(const KeyBytes& master, std::uint64_t id, const char ctx[8], KeyBytes* out) {
  crypto_kdf_derive_from_key(out->data(), out->size(), id, ctx, master.data());
}

std::string NormalizeForIndex(std::string_view text) {
  std::string out;
  for (unsigned char ch : text) {
    if (std::isspace(ch)) continue;
    out += static_cast<char>(std::tolower(ch));
  }
  return out;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::uint32_t ReadKeyId(std::string_view envelope) {
  const unsigned char* p = Bytes(envelope) + 1;
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

void WriteHeader(std::string& out, std::uint32_t key_id) {
  out[0] = static_cast<char>(kFormat2);
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((key_id >> (24 - 8 * i)) & 0xff);
}

bool LooksLikeFormat2(std::string_view ciphertext) {
  return ciphertext.size() >= kSealOverhead && Bytes(ciphertext)[0] == kFormat2;
}

// The value's associated data: the format byte, then the context.
std::string DataAd(std::string_view context) {
  std::string ad(1, static_cast<char>(kFormat2));
  ad += context;
  return ad;
}

// Wraps `dek` into out[kWrappedKeyAt, kDataNonceAt) under `kek` with the wrap nonce already in
// `out`, authenticating the header.
void WrapDek(const KeyBytes& dek, const KeyBytes& kek, std::string& out) {
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(Bytes(out) + kWrappedKeyAt, &len, dek.data(),
                                             dek.size(), Bytes(out), kHeaderBytes, nullptr,
                                             Bytes(out) + kWrapNonceAt, kek.data());
}

Status SealFailure() {
  return Status::Internal(
      "an encrypted record failed authentication (tampered, moved, or under another key)");
}

}  // namespace

Status InitCrypto() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

StatusOr<Vault> Vault::FromKeyring(const Keyring& keyring) { return Make(keyring, std::nullopt); }

StatusOr<Vault> Vault::Make(const Keyring& keyring, std::optional<KeyFileLock> lock) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  const MasterKey* active = keyring.Active();
  if (!active) return Status::Internal("the keyring has no active master key");
  if (keyring.keys.size() > kMaxMasterKeys)
    return Status::Internal("the keyring holds more than " + std::to_string(kMaxMasterKeys) +
                            " master keys; remove retained ones it no longer needs");
  auto keys = std::make_shared<Keys>();
  keys->lock = std::move(lock);
  keys->secrets.index_key = keyring.index_key;
  keys->active_id = active->id;
  for (const auto& k : keyring.keys) {
    // Subkey 3 wraps data keys; subkeys 1 and 2 were the single-key format's encryption and
    // blind-index keys, so a legacy master key never serves two purposes.
    Keys::WrapKey& w = keys->secrets.wrap[keys->wrap_count++];
    w.id = k.id;
    DeriveSubkey(k.key, 3, "aegiswrp", &w.key);
    if (k.legacy) {
      DeriveSubkey(k.key, 1, "aegisenc", &keys->secrets.legacy_encryption_key);
      keys->has_legacy = true;
    }
  }
  return Vault(std::move(keys));
}

Vault Vault::FromKey(const std::array<unsigned char, 32>& key) {
  if (!InitCrypto().ok()) std::abort();
  auto vault = FromKeyring(LegacyKeyring(key));
  if (!vault.ok()) std::abort();  // a one-key keyring is always valid
  return std::move(vault).value();
}

StatusOr<Vault> Vault::OpenFile(const std::string& key_file, bool create) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  // Locked before reading, so that no rotation can change the file between reading it and using
  // it; held as long as the vault lives.
  AEGIS_ASSIGN_OR_RETURN(KeyFileLock lock,
                         KeyFileLock::Acquire(key_file, KeyFileLock::Mode::kShared));
  StatusOr<Keyring> keyring = ReadKeyFile(key_file);
  if (create && keyring.status().code() == StatusCode::kNotFound) {
    Keyring fresh = NewKeyring(NowSeconds());
    Status written = WriteKeyFile(key_file, fresh, /*create_only=*/true);
    // Another process may have created it a moment ago: then its keyring is the one to use.
    keyring = written.ok()                              ? StatusOr<Keyring>(std::move(fresh))
              : written.code() == StatusCode::kConflict ? ReadKeyFile(key_file)
                                                        : StatusOr<Keyring>(written);
  }
  AEGIS_RETURN_IF_ERROR(keyring.status());
  return Make(*keyring, std::move(lock));
}

StatusOr<Vault> Vault::OpenOrCreate(const std::string& key_file) {
  return OpenFile(key_file, true);
}

StatusOr<Vault> Vault::Open(const std::string& key_file) { return OpenFile(key_file, false); }

std::uint32_t Vault::active_key_id() const { return keys_->active_id; }

std::string Vault::Encrypt(std::string_view plaintext, const SealContext& context) const {
  std::string out(kSealOverhead + plaintext.size(), '\0');
  WriteHeader(out, keys_->active_id);
  // One draw for the data key and both nonces: each draw is a system call.
  unsigned char random[kKeyBytes + 2 * kNonceBytes];
  randombytes_buf(random, sizeof random);
  KeyBytes dek;
  std::memcpy(dek.data(), random, kKeyBytes);
  std::memcpy(Bytes(out) + kWrapNonceAt, random + kKeyBytes, kNonceBytes);
  std::memcpy(Bytes(out) + kDataNonceAt, random + kKeyBytes + kNonceBytes, kNonceBytes);
  sodium_memzero(random, sizeof random);
  WrapDek(dek, *keys_->WrapKeyOf(keys_->active_id), out);
  const std::string ad = DataAd(context.bound);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(Bytes(out) + kDataAt, &len, Bytes(plaintext),
                                             plaintext.size(), Bytes(ad), ad.size(), nullptr,
                                             Bytes(out) + kDataNonceAt, dek.data());
  sodium_memzero(dek.data(), dek.size());
  return out;
}

namespace {

// Unwraps the DEK of a format-2 value; false if no key of the keyring authenticates it.
bool UnwrapDek(const Vault::Keys& keys, std::string_view envelope, KeyBytes* dek) {
  if (!LooksLikeFormat2(envelope)) return false;
  const KeyBytes* kek = keys.WrapKeyOf(ReadKeyId(envelope));
  if (!kek) return false;
  unsigned long long len = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             dek->data(), &len, nullptr, Bytes(envelope) + kWrappedKeyAt, kWrappedKeyBytes,
             Bytes(envelope), kHeaderBytes, Bytes(envelope) + kWrapNonceAt, kek->data()) == 0 &&
         len == kKeyBytes;
}

StatusOr<std::string> OpenFormat2(const Vault::Keys& keys, std::string_view envelope,
                                  std::string_view context) {
  KeyBytes dek;
  if (!UnwrapDek(keys, envelope, &dek)) {
    if (LooksLikeFormat2(envelope) && !keys.WrapKeyOf(ReadKeyId(envelope)))
      return Status::Internal("an encrypted record is under master key " +
                              std::to_string(ReadKeyId(envelope)) +
                              ", which is not in the keyring");
    return SealFailure();
  }
  const std::string ad = DataAd(context);
  std::string out(envelope.size() - kSealOverhead, '\0');
  unsigned long long len = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      Bytes(out), &len, nullptr, Bytes(envelope) + kDataAt, envelope.size() - kDataAt, Bytes(ad),
      ad.size(), Bytes(envelope) + kDataNonceAt, dek.data());
  sodium_memzero(dek.data(), dek.size());
  if (rc != 0) return SealFailure();
  out.resize(len);
  return out;
}

StatusOr<std::string> OpenFormat1(const Vault::Keys& keys, std::string_view ciphertext,
                                  std::string_view context) {
  if (ciphertext.size() < kNonceBytes + kTagBytes) return SealFailure();
  std::string out(ciphertext.size() - kNonceBytes - kTagBytes, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          Bytes(out), &len, nullptr, Bytes(ciphertext) + kNonceBytes,
          ciphertext.size() - kNonceBytes, Bytes(context), context.size(), Bytes(ciphertext),
          keys.secrets.legacy_encryption_key.data()) != 0)
    return SealFailure();
  out.resize(len);
  return out;
}

}  // namespace

StatusOr<std::string> Vault::Decrypt(std::string_view ciphertext,
                                     const SealContext& context) const {
  const bool format1_possible = keys_->has_legacy && !context.legacy.empty();
  if (LooksLikeFormat2(ciphertext)) {
    auto opened = OpenFormat2(*keys_, ciphertext, context.bound);
    // A format-1 value starts with a random nonce byte, which is 0x02 one time in 256.
    if (opened.ok() || !format1_possible) return opened;
  }
  if (format1_possible) return OpenFormat1(*keys_, ciphertext, context.legacy);
  return SealFailure();
}

StatusOr<std::string> Vault::Reseal(std::string_view ciphertext, const SealContext& from,
                                    const SealContext& to) const {
  AEGIS_ASSIGN_OR_RETURN(std::string plain, Decrypt(ciphertext, from));
  std::string out = Encrypt(plain, to);
  sodium_memzero(plain.data(), plain.size());
  return out;
}

std::optional<std::uint32_t> Vault::KeyIdOf(std::string_view ciphertext) const {
  KeyBytes dek;
  const bool ok = UnwrapDek(*keys_, ciphertext, &dek);
  sodium_memzero(dek.data(), dek.size());
  if (!ok) return std::nullopt;
  return ReadKeyId(ciphertext);
}

StatusOr<std::string> Vault::Rewrap(std::string_view ciphertext) const {
  KeyBytes dek;
  if (!UnwrapDek(*keys_, ciphertext, &dek)) return SealFailure();
  std::string out(ciphertext);
  WriteHeader(out, keys_->active_id);
  randombytes_buf(Bytes(out) + kWrapNonceAt, kNonceBytes);
  WrapDek(dek, *keys_->WrapKeyOf(keys_->active_id), out);
  sodium_memzero(dek.data(), dek.size());
  return out;
}

std::string Vault::EncryptIdentity(const domain::Identity& identity,
                                   const SealContext& context) const {
  std::string json = IdentityToJson(identity);
  std::string out = Encrypt(json, context);
  sodium_memzero(json.data(), json.size());
  return out;
}

StatusOr<domain::Identity> Vault::DecryptIdentity(std::string_view ciphertext,
                                                  const SealContext& context) const {
  AEGIS_ASSIGN_OR_RETURN(std::string json, Decrypt(ciphertext, context));
  auto identity = IdentityFromJson(json);
  sodium_memzero(json.data(), json.size());
  return identity;
}

storage::BlindIndex Vault::Index(const domain::Identity& identity) const {
  auto keyed = [&](std::string_view field, std::string_view value) -> std::string {
    const std::string norm = NormalizeForIndex(value);
    if (norm.empty()) return {};
    std::string input = std::string(field) + ":" + norm;
    std::string out(16, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       keys_->secrets.index_key.data(), keys_->secrets.index_key.size());
    return out;
  };
  return {keyed("name", identity.name), keyed("id", identity.id_number),
          keyed("phone", identity.phone)};
}

std::string Vault::KeyedHash(std::string_view context, std::string_view data) const {
  std::string input = std::string(context);
  input += '\0';
  input += data;
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     keys_->secrets.index_key.data(), keys_->secrets.index_key.size());
  return out;
}

StatusOr<std::string> HashPassword(std::string_view password) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  const std::string hash(encoded_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string NewToken() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string HashToken(std::string_view token) {
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return out;
}

std::string IdentityToJson(const domain::Identity& i) {
  return nlohmann::json{{"name", i.name},
                        {"id_number", i.id_number},
                        {"phone", i.phone},
                        {"address", i.address},
                        {"date_of_birth", i.date_of_birth}}
      .dump();
}

StatusOr<domain::Identity> IdentityFromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return Status::Internal("identity record is not valid JSON");
  domain::Identity i;
  i.name = j.value("name", "");
  i.id_number = j.value("id_number", "");
  i.phone = j.value("phone", "");
  i.address = j.value("address", "");
  i.date_of_birth = j.value("date_of_birth", "");
  return i;
}

}  // namespace aegis::services
