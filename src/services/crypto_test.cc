#include "services/crypto.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "services/keyring.h"
#include "services/sealed_columns.h"
#include "services/testing_fixture.h"

namespace aegis::services {
namespace {

using testing::TempDir;
using testing::TestKey;

template <typename T>
T Must(StatusOr<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  Vault vault_ = Vault::FromKey(TestKey());
};

TEST_F(CryptoTest, InitCryptoIsIdempotent) {
  EXPECT_TRUE(InitCrypto().ok());
  EXPECT_TRUE(InitCrypto().ok());
}

const SealContext kCtx{"ctx", ""};

TEST_F(CryptoTest, EncryptDecryptRoundTrip) {
  const std::string plain = "被害人 张小红, 440103201503150021, +8613812345678";
  const std::string cipher = vault_.Encrypt(plain, {"ctx-a", ""});
  EXPECT_EQ(cipher.find(plain), std::string::npos);
  EXPECT_EQ(cipher.find("张小红"), std::string::npos);
  EXPECT_EQ(cipher.size(), plain.size() + kSealOverhead);
  auto back = vault_.Decrypt(cipher, {"ctx-a", ""});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, plain);
}

TEST_F(CryptoTest, EnvelopeIsSelfDescribing) {
  // Format byte, then the id of the master key that wrapped the data key (big-endian).
  const std::string cipher = vault_.Encrypt("secret", kCtx);
  ASSERT_EQ(cipher.size(), 6 + kSealOverhead);
  EXPECT_EQ(static_cast<unsigned char>(cipher[0]), 0x02);
  EXPECT_EQ(cipher.substr(1, 4), std::string("\0\0\0\1", 4));
  EXPECT_EQ(vault_.KeyIdOf(cipher), 1u);
  EXPECT_EQ(vault_.active_key_id(), 1u);
}

TEST_F(CryptoTest, EmptyPlaintextRoundTrips) {
  const std::string cipher = vault_.Encrypt("", kCtx);
  auto back = vault_.Decrypt(cipher, kCtx);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "");
}

TEST_F(CryptoTest, AnotherVaultWithTheSameKeyDecrypts) {
  const std::string cipher = vault_.Encrypt("secret", kCtx);
  Vault same = Vault::FromKey(TestKey());
  auto back = same.Decrypt(cipher, kCtx);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "secret");
}

// Every byte of the envelope is authenticated: format byte and key id (as the data key's wrapping
// associated data), wrap nonce, wrapped data key, nonce, ciphertext and tag. Checked for a vault
// that also opens format 1 (which a changed envelope falls back to) and for one that does not.
TEST_F(CryptoTest, TamperingWithAnyByteOfTheEnvelopeFails) {
  const Vault fresh = Must(Vault::FromKeyring(NewKeyring(1000)));
  for (const Vault* v : {static_cast<const Vault*>(&vault_), &fresh}) {
    const std::string cipher = v->Encrypt("secret identity", kCtx);
    for (size_t i = 0; i < cipher.size(); ++i) {
      for (unsigned char flip : {0x01, 0x80}) {
        std::string bad = cipher;
        bad[i] = static_cast<char>(bad[i] ^ flip);
        auto r = v->Decrypt(bad, {"ctx", "ctx"});
        ASSERT_FALSE(r.ok()) << "byte " << i;
        EXPECT_EQ(r.status().code(), StatusCode::kInternal);
        if (i < 77) {
          EXPECT_FALSE(v->Rewrap(bad).ok()) << "byte " << i;
        }
      }
    }
    // Truncated and appended ciphertexts fail too.
    EXPECT_FALSE(v->Decrypt(cipher.substr(0, cipher.size() - 1), kCtx).ok());
    EXPECT_FALSE(v->Decrypt(cipher + "x", kCtx).ok());
    EXPECT_FALSE(v->Decrypt(cipher.substr(0, kSealOverhead - 1), kCtx).ok());
  }
}

TEST_F(CryptoTest, TooShortCiphertextFails) {
  auto r = vault_.Decrypt("short", {"ctx", "ctx"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(vault_.Decrypt("", {"ctx", "ctx"}).ok());
}

TEST_F(CryptoTest, WrongContextFails) {
  const std::string cipher = vault_.Encrypt("secret", {"persons.identity_cipher|7|V1", ""});
  for (const char* other : {"persons.identity_cipher|7|V2", "persons.identity_cipher|8|V1",
                            "clues.victim_identity|XS-1", ""}) {
    auto r = vault_.Decrypt(cipher, {other, "aegis.identity.v1"});
    ASSERT_FALSE(r.ok()) << other;
    EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  }
}

TEST_F(CryptoTest, WrongKeyFails) {
  const std::string cipher = vault_.Encrypt("secret", kCtx);
  Vault other = Vault::FromKey(TestKey(1));
  EXPECT_FALSE(other.Decrypt(cipher, kCtx).ok());
  EXPECT_FALSE(other.KeyIdOf(cipher).has_value());
}

TEST_F(CryptoTest, EachEncryptionUsesAFreshDataKeyAndNonces) {
  std::set<std::string> ciphers, wrapped_keys, nonces;
  for (int i = 0; i < 20; ++i) {
    const std::string c = vault_.Encrypt("same text", kCtx);
    ciphers.insert(c);
    wrapped_keys.insert(c.substr(29, 48));
    nonces.insert(c.substr(77, 24));
  }
  EXPECT_EQ(ciphers.size(), 20u);
  EXPECT_EQ(wrapped_keys.size(), 20u);
  EXPECT_EQ(nonces.size(), 20u);
}

// A ciphertext of the single-key format (before keyrings): nonce | ciphertext + tag under subkey 1
// of the master key, bound to the column's context.
std::string Format1Seal(const std::array<unsigned char, 32>& master, std::string_view plain,
                        std::string_view context, int first_nonce_byte = -1) {
  std::array<unsigned char, 32> key{};
  crypto_kdf_derive_from_key(key.data(), key.size(), 1, "aegisenc", master.data());
  std::string out(24 + plain.size() + 16, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, 24);
  if (first_nonce_byte >= 0) nonce[0] = static_cast<unsigned char>(first_nonce_byte);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + 24, &len, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, nonce,
      key.data());
  return out;
}

TEST_F(CryptoTest, OldFormatCiphertextsStillOpenInTheirColumnContext) {
  const SealContext person = PersonIdentityContext(12, "V1");
  const std::string old = Format1Seal(TestKey(), "旧格式", "aegis.identity.v1");
  EXPECT_EQ(Must(vault_.Decrypt(old, person)), "旧格式");
  EXPECT_FALSE(vault_.KeyIdOf(old).has_value());
  // One old ciphertext in 256 starts with the format-2 byte: it still opens.
  const std::string lookalike =
      Format1Seal(TestKey(), std::string(200, 'x'), "aegis.identity.v1", 2);
  EXPECT_EQ(Must(vault_.Decrypt(lookalike, person)), std::string(200, 'x'));
  // Its column's context still binds it.
  EXPECT_FALSE(vault_.Decrypt(old, ContactPreferencesContext(12)).ok());
  EXPECT_FALSE(vault_.Decrypt(old, {person.bound, ""}).ok());
  // Format 1 opens only with the legacy key: not with another keyring, nor once it is retired.
  EXPECT_FALSE(Vault::FromKey(TestKey(1)).Decrypt(old, person).ok());
  EXPECT_FALSE(Must(Vault::FromKeyring(NewKeyring(1))).Decrypt(old, person).ok());
  // Re-sealing turns it into format 2 bound to its row.
  const std::string moved = Must(vault_.Reseal(old, person, person));
  EXPECT_EQ(vault_.KeyIdOf(moved), 1u);
  EXPECT_EQ(Must(vault_.Decrypt(moved, person)), "旧格式");
  EXPECT_FALSE(vault_.Decrypt(moved, PersonIdentityContext(12, "V2")).ok());
}

TEST_F(CryptoTest, RewrapMovesTheDataKeyToTheActiveKeyAndLeavesTheValue) {
  Keyring one = NewKeyring(100);
  const Vault before = Must(Vault::FromKeyring(one));
  const std::string cipher = before.Encrypt("被害人身份", kCtx);

  Keyring two = one;
  two.keys[0].state = MasterKeyState::kRetiring;
  MasterKey k2;
  k2.id = 2;
  randombytes_buf(k2.key.data(), k2.key.size());
  two.keys.push_back(k2);
  const Vault during = Must(Vault::FromKeyring(two));
  EXPECT_EQ(during.active_key_id(), 2u);
  EXPECT_EQ(during.KeyIdOf(cipher), 1u);
  const std::string moved = Must(during.Rewrap(cipher));
  EXPECT_EQ(during.KeyIdOf(moved), 2u);
  EXPECT_EQ(moved.size(), cipher.size());
  EXPECT_EQ(moved.substr(77), cipher.substr(77));  // nonce and ciphertext untouched
  EXPECT_NE(moved.substr(5, 72), cipher.substr(5, 72));
  EXPECT_EQ(Must(during.Decrypt(moved, kCtx)), "被害人身份");
  EXPECT_EQ(Must(during.Decrypt(cipher, kCtx)), "被害人身份");
  // New values go under the active key.
  EXPECT_EQ(during.KeyIdOf(during.Encrypt("x", kCtx)), 2u);

  Keyring after = two;
  after.keys.erase(after.keys.begin());
  const Vault retired = Must(Vault::FromKeyring(after));
  EXPECT_EQ(Must(retired.Decrypt(moved, kCtx)), "被害人身份");
  auto gone = retired.Decrypt(cipher, kCtx);
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("master key 1"), std::string::npos)
      << gone.status().message();
  EXPECT_FALSE(retired.Rewrap(cipher).ok());
  // Re-wrapping needs no context, and the context still binds the value afterwards.
  EXPECT_FALSE(during.Decrypt(moved, {"other", ""}).ok());
}

TEST_F(CryptoTest, ResealMovesAValueToAnotherRow) {
  const std::string clue = vault_.Encrypt("身份", ClueIdentityContext("XS-2026-000001"));
  const std::string person = Must(
      vault_.Reseal(clue, ClueIdentityContext("XS-2026-000001"), PersonIdentityContext(3, "V1")));
  EXPECT_EQ(Must(vault_.Decrypt(person, PersonIdentityContext(3, "V1"))), "身份");
  EXPECT_FALSE(vault_.Decrypt(person, ClueIdentityContext("XS-2026-000001")).ok());
  EXPECT_FALSE(vault_.Decrypt(clue, PersonIdentityContext(3, "V1")).ok());
  EXPECT_FALSE(vault_.Reseal(clue, ClueIdentityContext("XS-2026-000002"), kCtx).ok());
}

TEST_F(CryptoTest, IdentityRoundTripThroughVault) {
  domain::Identity id{"张小红", "440103201503150021", "+8613812345678", "人民路 1 号",
                      "2015-03-15"};
  const SealContext ctx = PersonIdentityContext(5, "V1");
  const std::string cipher = vault_.EncryptIdentity(id, ctx);
  EXPECT_EQ(cipher.find("440103201503150021"), std::string::npos);
  auto back = vault_.DecryptIdentity(cipher, ctx);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->name, id.name);
  EXPECT_EQ(back->id_number, id.id_number);
  EXPECT_EQ(back->phone, id.phone);
  EXPECT_EQ(back->address, id.address);
  EXPECT_EQ(back->date_of_birth, id.date_of_birth);
  // Another row's context is refused, and the message carries nothing of the identity.
  auto wrong = vault_.DecryptIdentity(cipher, PersonIdentityContext(6, "V1"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message().find("张小红"), std::string::npos);
}

TEST_F(CryptoTest, IdentityJsonRoundTripAndErrors) {
  domain::Identity id{"Li \"Na\"", "x", "y", "z\n", "2000-01-01"};
  auto back = IdentityFromJson(IdentityToJson(id));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->name, id.name);
  EXPECT_EQ(back->address, id.address);
  EXPECT_EQ(IdentityFromJson("not json").status().code(), StatusCode::kInternal);
  EXPECT_EQ(IdentityFromJson("[1,2]").status().code(), StatusCode::kInternal);
  // Missing members default to empty.
  auto partial = IdentityFromJson(R"({"name":"A"})");
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->name, "A");
  EXPECT_EQ(partial->phone, "");
}

TEST_F(CryptoTest, BlindIndexEqualForSameNormalisedValue) {
  domain::Identity a, b;
  a.name = "Zhang Xiao Hong";
  b.name = "  zhang  xiaohong\t";
  a.id_number = "44010320150315002X";
  b.id_number = "44010320150315002x";
  a.phone = "+86 138 1234 5678";
  b.phone = "+8613812345678";
  const auto ia = vault_.Index(a), ib = vault_.Index(b);
  EXPECT_FALSE(ia.name.empty());
  EXPECT_EQ(ia.name.size(), 16u);
  EXPECT_EQ(ia.name, ib.name);
  EXPECT_EQ(ia.id_number, ib.id_number);
  EXPECT_EQ(ia.phone, ib.phone);
  // Deterministic across vaults with the same key.
  EXPECT_EQ(Vault::FromKey(TestKey()).Index(a).name, ia.name);
}

TEST_F(CryptoTest, BlindIndexDiffersAcrossFieldsValuesAndKeys) {
  domain::Identity a;
  a.name = "13812345678";
  a.id_number = "13812345678";
  a.phone = "13812345678";
  const auto ia = vault_.Index(a);
  EXPECT_NE(ia.name, ia.id_number);
  EXPECT_NE(ia.name, ia.phone);
  EXPECT_NE(ia.id_number, ia.phone);

  domain::Identity b = a;
  b.name = "13812345679";
  EXPECT_NE(vault_.Index(b).name, ia.name);

  const auto other = Vault::FromKey(TestKey(9)).Index(a);
  EXPECT_NE(other.name, ia.name);
  EXPECT_NE(other.phone, ia.phone);
  // The index is not the plain value.
  EXPECT_EQ(ia.phone.find("13812345678"), std::string::npos);
}

TEST_F(CryptoTest, BlindIndexEmptyForMissingFields) {
  domain::Identity a;
  a.name = "   ";
  const auto ia = vault_.Index(a);
  EXPECT_TRUE(ia.name.empty());
  EXPECT_TRUE(ia.id_number.empty());
  EXPECT_TRUE(ia.phone.empty());
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(CryptoTest, KeyFileCreatedAsKeyringWithMode0600AndReused) {
  TempDir dir;
  const std::string path = (dir.path() / "master.key").string();
  ASSERT_FALSE(std::filesystem::exists(path));
  std::string cipher;
  domain::Identity id;
  id.name = "x";
  std::string index_name;
  {
    auto v1 = Vault::OpenOrCreate(path);
    ASSERT_TRUE(v1.ok()) << v1.status().ToString();
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    EXPECT_EQ(ReadAll(path).rfind("aegis-keyring 1\n", 0), 0u);
    cipher = v1->Encrypt("kept across restarts", kCtx);
    index_name = v1->Index(id).name;
  }
  const std::string bytes_before = ReadAll(path);
  auto v2 = Vault::OpenOrCreate(path);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(bytes_before, ReadAll(path));
  EXPECT_EQ(Must(v2->Decrypt(cipher, kCtx)), "kept across restarts");
  EXPECT_EQ(v2->Index(id).name, index_name);

  // A second, new key file gives different keys.
  auto v3 = Vault::OpenOrCreate((dir.path() / "other.key").string());
  ASSERT_TRUE(v3.ok());
  EXPECT_FALSE(v3->Decrypt(cipher, kCtx).ok());
  EXPECT_NE(v3->Index(id).name, index_name);
  // Open never creates.
  EXPECT_EQ(Vault::Open((dir.path() / "absent.key").string()).status().code(),
            StatusCode::kNotFound);
}

TEST_F(CryptoTest, SingleKeyFileOfOlderDatabasesStillOpensUnchanged) {
  TempDir dir;
  const std::string path = (dir.path() / "old.key").string();
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(TestKey().data()), 32);
  }
  const std::string bytes_before = ReadAll(path);
  auto v = Vault::OpenOrCreate(path);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(ReadAll(path), bytes_before);  // not rewritten by merely opening it
  // Old ciphertexts open, and blind indexes are those computed before keyrings.
  const std::string old = Format1Seal(TestKey(), "旧", "aegis.identity.v1");
  EXPECT_EQ(Must(v->Decrypt(old, ClueIdentityContext("XS-1"))), "旧");
  domain::Identity id;
  id.id_number = "440103201503150021";
  EXPECT_EQ(v->Index(id).id_number, vault_.Index(id).id_number);
  EXPECT_EQ(v->KeyedHash("c", "d"), vault_.KeyedHash("c", "d"));
  EXPECT_TRUE(Must(ReadKeyFile(path)).single_key_file);
}

TEST_F(CryptoTest, KeyFileOfWrongSizeIsRefused) {
  TempDir dir;
  const std::string path = (dir.path() / "short.key").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "only sixteen byt";
  }
  auto v = Vault::OpenOrCreate(path);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInternal);
}

TEST_F(CryptoTest, KeyFileInMissingDirectoryFails) {
  TempDir dir;
  auto v = Vault::OpenOrCreate((dir.path() / "no" / "such" / "dir" / "k.key").string());
  EXPECT_FALSE(v.ok());
}

TEST_F(CryptoTest, KeyringTextRoundTripsAndRefusesAnyEdit) {
  Keyring kr = NewKeyring(1700000000);
  kr.keys[0].state = MasterKeyState::kRetiring;
  kr.keys[0].legacy = true;
  MasterKey k2;
  k2.id = 7;
  k2.created_at = 1800000000;
  randombytes_buf(k2.key.data(), k2.key.size());
  kr.keys.push_back(k2);
  MasterKey k3 = k2;
  k3.id = 8;
  k3.state = MasterKeyState::kRetained;
  kr.keys.back().state = MasterKeyState::kActive;
  kr.keys.push_back(k3);
  const std::string text = SerializeKeyring(kr);
  const Keyring back = Must(ParseKeyring(text));
  EXPECT_EQ(back.index_key, kr.index_key);
  ASSERT_EQ(back.keys.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.keys[i].id, kr.keys[i].id);
    EXPECT_EQ(back.keys[i].state, kr.keys[i].state);
    EXPECT_EQ(back.keys[i].legacy, kr.keys[i].legacy);
    EXPECT_EQ(back.keys[i].created_at, kr.keys[i].created_at);
    EXPECT_EQ(back.keys[i].key, kr.keys[i].key);
  }
  EXPECT_EQ(back.Active()->id, 7u);
  // Any changed character, comments included, and any truncation is caught by the checksum.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') continue;
    std::string bad = text;
    bad[i] = bad[i] == '0' ? '1' : '0';
    EXPECT_FALSE(ParseKeyring(bad).ok()) << "character " << i;
  }
  EXPECT_FALSE(ParseKeyring(text.substr(0, text.size() / 2)).ok());
  // Exactly one active key.
  Keyring two_active = kr;
  two_active.keys[2].state = MasterKeyState::kActive;
  EXPECT_FALSE(ParseKeyring(SerializeKeyring(two_active)).ok());
  Keyring none_active = kr;
  none_active.keys[1].state = MasterKeyState::kRetained;
  EXPECT_FALSE(ParseKeyring(SerializeKeyring(none_active)).ok());
}

TEST_F(CryptoTest, WriteKeyFileReplacesAtomicallyOrCreatesOnlyOnce) {
  TempDir dir;
  const std::string path = (dir.path() / "k.key").string();
  const Keyring a = NewKeyring(1), b = NewKeyring(2);
  ASSERT_TRUE(WriteKeyFile(path, a, /*create_only=*/true).ok());
  EXPECT_EQ(WriteKeyFile(path, b, true).code(), StatusCode::kConflict);
  EXPECT_EQ(Must(ReadKeyFile(path)).index_key, a.index_key);
  ASSERT_TRUE(WriteKeyFile(path, b, false).ok());
  EXPECT_EQ(Must(ReadKeyFile(path)).index_key, b.index_key);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(CryptoTest, AnOpenVaultKeepsKeyRotationOut) {
  TempDir dir;
  const std::string path = (dir.path() / "k.key").string();
  {
    auto serving = Vault::OpenOrCreate(path);
    ASSERT_TRUE(serving.ok());
    const Vault copy = *serving;      // copies share the lock
    auto second = Vault::Open(path);  // another reader is fine
    ASSERT_TRUE(second.ok());
    auto rotation = KeyFileLock::Acquire(path, KeyFileLock::Mode::kExclusive);
    ASSERT_FALSE(rotation.ok());
    EXPECT_EQ(rotation.status().code(), StatusCode::kUnavailable);
  }
  auto rotation = KeyFileLock::Acquire(path, KeyFileLock::Mode::kExclusive);
  ASSERT_TRUE(rotation.ok()) << rotation.status().ToString();
  auto serving = Vault::Open(path);
  ASSERT_FALSE(serving.ok());
  EXPECT_EQ(serving.status().code(), StatusCode::kUnavailable);
}

TEST_F(CryptoTest, PasswordHashVerifiesAndRefuses) {
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(*hash, "Correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword("", ""));
  // Salted: the same password hashes differently each time, and both verify.
  auto again = HashPassword("correct horse battery staple");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*hash, *again);
  EXPECT_TRUE(VerifyPassword(*again, "correct horse battery staple"));
}

TEST_F(CryptoTest, NewTokenIsUrlSafeAndUnique) {
  std::set<std::string> tokens;
  for (int i = 0; i < 50; ++i) {
    const std::string t = NewToken();
    ASSERT_EQ(t.size(), 43u) << t;
    for (char c : t) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << t;
    }
    tokens.insert(t);
  }
  EXPECT_EQ(tokens.size(), 50u);
}

TEST_F(CryptoTest, TokenHashIsDeterministicAndDistinct) {
  const std::string t = NewToken();
  const std::string h = HashToken(t);
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h, HashToken(t));
  EXPECT_NE(h, HashToken(NewToken()));
  EXPECT_NE(h, HashToken(t + "x"));
  EXPECT_EQ(h.find(t), std::string::npos);
  EXPECT_NE(HashToken(""), HashToken(" "));
}

}  // namespace
}  // namespace aegis::services
