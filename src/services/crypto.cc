#include "services/crypto.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

namespace aegis::services {
namespace {

void DeriveSubkey(const std::array<unsigned char, 32>& master, std::uint64_t id, const char ctx[8],
                  std::array<unsigned char, 32>* out) {
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

}  // namespace

Status InitCrypto() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

Vault Vault::FromKey(const std::array<unsigned char, 32>& key) {
  Vault v;
  DeriveSubkey(key, 1, "aegisenc", &v.key_);
  DeriveSubkey(key, 2, "aegisidx", &v.index_key_);
  return v;
}

StatusOr<Vault> Vault::OpenOrCreate(const std::string& key_file) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  std::array<unsigned char, 32> key{};
  std::ifstream in(key_file, std::ios::binary);
  if (in) {
    in.read(reinterpret_cast<char*>(key.data()), key.size());
    if (in.gcount() != static_cast<std::streamsize>(key.size()))
      return Status::Internal("key file " + key_file + " is not 32 bytes");
  } else {
    randombytes_buf(key.data(), key.size());
    const mode_t old = ::umask(077);
    std::ofstream out(key_file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(key.data()), key.size());
    out.close();
    ::umask(old);
    if (!out) return Status::Internal("cannot write key file " + key_file);
    ::chmod(key_file.c_str(), 0600);
  }
  Vault v = FromKey(key);
  sodium_memzero(key.data(), key.size());
  return v;
}

std::string Vault::Encrypt(std::string_view plaintext, std::string_view context) const {
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, nonce,
      key_.data());
  return out;
}

StatusOr<std::string> Vault::Decrypt(std::string_view ciphertext, std::string_view context) const {
  constexpr size_t kOverhead =
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (ciphertext.size() < kOverhead) return Status::Internal("ciphertext too short");
  const auto* nonce = reinterpret_cast<const unsigned char*>(ciphertext.data());
  std::string out(ciphertext.size() - kOverhead, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(context.data()), context.size(), nonce,
          key_.data()) != 0) {
    return Status::Internal("identity record failed authentication (wrong key or tampered)");
  }
  out.resize(mlen);
  return out;
}

std::string Vault::EncryptIdentity(const domain::Identity& identity) const {
  return Encrypt(IdentityToJson(identity), "aegis.identity.v1");
}

StatusOr<domain::Identity> Vault::DecryptIdentity(std::string_view ciphertext) const {
  AEGIS_ASSIGN_OR_RETURN(std::string json, Decrypt(ciphertext, "aegis.identity.v1"));
  return IdentityFromJson(json);
}

storage::BlindIndex Vault::Index(const domain::Identity& identity) const {
  auto keyed = [&](std::string_view field, std::string_view value) -> std::string {
    const std::string norm = NormalizeForIndex(value);
    if (norm.empty()) return {};
    std::string input = std::string(field) + ":" + norm;
    std::string out(16, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       index_key_.data(), index_key_.size());
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
                     index_key_.data(), index_key_.size());
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
