#include "services/crypto.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "services/testing_fixture.h"

namespace aegis::services {
namespace {

using testing::TempDir;
using testing::TestKey;

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  Vault vault_ = Vault::FromKey(TestKey());
};

TEST_F(CryptoTest, InitCryptoIsIdempotent) {
  EXPECT_TRUE(InitCrypto().ok());
  EXPECT_TRUE(InitCrypto().ok());
}

TEST_F(CryptoTest, EncryptDecryptRoundTrip) {
  const std::string plain = "被害人 张小红, 440103201503150021, +8613812345678";
  const std::string cipher = vault_.Encrypt(plain, "ctx-a");
  EXPECT_EQ(cipher.find(plain), std::string::npos);
  EXPECT_EQ(cipher.find("张小红"), std::string::npos);
  // nonce (24) + plaintext + tag (16)
  EXPECT_EQ(cipher.size(), plain.size() + 24 + 16);
  auto back = vault_.Decrypt(cipher, "ctx-a");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, plain);
}

TEST_F(CryptoTest, EmptyPlaintextRoundTrips) {
  const std::string cipher = vault_.Encrypt("", "ctx");
  auto back = vault_.Decrypt(cipher, "ctx");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "");
}

TEST_F(CryptoTest, AnotherVaultWithTheSameKeyDecrypts) {
  const std::string cipher = vault_.Encrypt("secret", "ctx");
  Vault same = Vault::FromKey(TestKey());
  auto back = same.Decrypt(cipher, "ctx");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "secret");
}

TEST_F(CryptoTest, TamperedCiphertextFails) {
  const std::string cipher = vault_.Encrypt("secret identity", "ctx");
  // Flip one bit in every position in turn: nonce, body and tag are all authenticated.
  for (size_t i = 0; i < cipher.size(); ++i) {
    std::string bad = cipher;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto r = vault_.Decrypt(bad, "ctx");
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  }
  // Truncated and appended ciphertexts fail too.
  EXPECT_FALSE(vault_.Decrypt(cipher.substr(0, cipher.size() - 1), "ctx").ok());
  EXPECT_FALSE(vault_.Decrypt(cipher + "x", "ctx").ok());
}

TEST_F(CryptoTest, TooShortCiphertextFails) {
  auto r = vault_.Decrypt("short", "ctx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(vault_.Decrypt("", "ctx").ok());
}

TEST_F(CryptoTest, WrongContextFails) {
  const std::string cipher = vault_.Encrypt("secret", "person-identity");
  auto r = vault_.Decrypt(cipher, "clue-identity");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(vault_.Decrypt(cipher, "").ok());
}

TEST_F(CryptoTest, WrongKeyFails) {
  const std::string cipher = vault_.Encrypt("secret", "ctx");
  Vault other = Vault::FromKey(TestKey(1));
  EXPECT_FALSE(other.Decrypt(cipher, "ctx").ok());
}

TEST_F(CryptoTest, EachEncryptionUsesAFreshNonce) {
  std::set<std::string> ciphers, nonces;
  for (int i = 0; i < 20; ++i) {
    const std::string c = vault_.Encrypt("same text", "ctx");
    ciphers.insert(c);
    nonces.insert(c.substr(0, 24));
  }
  EXPECT_EQ(ciphers.size(), 20u);
  EXPECT_EQ(nonces.size(), 20u);
}

TEST_F(CryptoTest, IdentityRoundTripThroughVault) {
  domain::Identity id{"张小红", "440103201503150021", "+8613812345678", "人民路 1 号",
                      "2015-03-15"};
  const std::string cipher = vault_.EncryptIdentity(id);
  EXPECT_EQ(cipher.find("440103201503150021"), std::string::npos);
  auto back = vault_.DecryptIdentity(cipher);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->name, id.name);
  EXPECT_EQ(back->id_number, id.id_number);
  EXPECT_EQ(back->phone, id.phone);
  EXPECT_EQ(back->address, id.address);
  EXPECT_EQ(back->date_of_birth, id.date_of_birth);
  // The identity context is fixed: a ciphertext made for another context is refused.
  EXPECT_FALSE(vault_.DecryptIdentity(vault_.Encrypt(IdentityToJson(id), "other")).ok());
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

TEST_F(CryptoTest, KeyFileCreatedWithMode0600AndReused) {
  TempDir dir;
  const std::string path = (dir.path() / "master.key").string();
  ASSERT_FALSE(std::filesystem::exists(path));
  auto v1 = Vault::OpenOrCreate(path);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  std::string bytes_before;
  {
    std::ifstream in(path, std::ios::binary);
    bytes_before.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string cipher = v1->Encrypt("kept across restarts", "ctx");
  auto v2 = Vault::OpenOrCreate(path);
  ASSERT_TRUE(v2.ok());
  std::string bytes_after;
  {
    std::ifstream in(path, std::ios::binary);
    bytes_after.assign(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_EQ(bytes_before, bytes_after);
  auto back = v2->Decrypt(cipher, "ctx");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "kept across restarts");
  domain::Identity id;
  id.name = "x";
  EXPECT_EQ(v1->Index(id).name, v2->Index(id).name);

  // A second, new key file gives a different key.
  auto v3 = Vault::OpenOrCreate((dir.path() / "other.key").string());
  ASSERT_TRUE(v3.ok());
  EXPECT_FALSE(v3->Decrypt(cipher, "ctx").ok());
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
