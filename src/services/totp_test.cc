#include "services/totp.h"

#include <gtest/gtest.h>

#include <set>

#include "services/crypto.h"
#include "services/demo_data.h"

namespace aegis::services {
namespace {

TEST(TotpTest, Base32MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "MY"},
                                                         {"fo", "MZXQ"},
                                                         {"foo", "MZXW6"},
                                                         {"foob", "MZXW6YQ"},
                                                         {"fooba", "MZXW6YTB"},
                                                         {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(plain), encoded);
    auto back = Base32Decode(encoded);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, plain);
  }
  // People type secrets in groups, in lower case, with padding.
  EXPECT_EQ(*Base32Decode("mzxw 6ytb-oi======"), "foobar");
  EXPECT_EQ(Base32Decode("MZXW1").status().field(), "secret");  // 1 is not base32
}

// RFC 4226 Appendix D: HOTP values for the ASCII secret "12345678901234567890".
TEST(TotpTest, HotpMatchesRfc4226Vectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (int counter = 0; counter < 10; ++counter)
    EXPECT_EQ(HotpCode("12345678901234567890", counter), expected[counter]) << counter;
}

// RFC 6238 Appendix B, the SHA-1 rows (8 digits, 30-second steps).
TEST(TotpTest, TotpMatchesRfc6238AppendixBForSha1) {
  const std::pair<UnixSeconds, const char*> rows[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [t, code] : rows) EXPECT_EQ(TotpCode("12345678901234567890", t, 8), code) << t;
  // Six digits are the last six of the same value.
  EXPECT_EQ(TotpCode("12345678901234567890", 59), "287082");
  EXPECT_EQ(TotpCode("12345678901234567890", 1111111109), "081804");
}

TEST(TotpTest, MatchAcceptsOneStepEachWayAndNothingElse) {
  const std::string key = "12345678901234567890";
  const UnixSeconds now = 1111111111;  // step 37037037
  const long long step = TotpStep(now);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now), now), step);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now - 30), now), step - 1);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now + 30), now), step + 1);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now - 60), now), std::nullopt);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now + 60), now), std::nullopt);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now, 8), now), std::nullopt);  // wrong length
  EXPECT_EQ(MatchTotp(key, "", now), std::nullopt);
  EXPECT_EQ(MatchTotp("another key 12345678", TotpCode(key, now), now), std::nullopt);
}

TEST(TotpTest, SecretsAreRandomAndUrisFollowTheKeyUriFormat) {
  ASSERT_TRUE(InitCrypto().ok());
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const std::string s = NewTotpSecret();
    EXPECT_EQ(s.size(), kTotpSecretBytes);
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 20u);
  EXPECT_EQ(OtpauthUri("Aegis", "sup.east", "GEZDGNBV"),
            "otpauth://totp/Aegis:sup.east?secret=GEZDGNBV&issuer=Aegis&algorithm=SHA1&digits=6"
            "&period=30");
  EXPECT_EQ(OtpauthUri("Aegis Test", "a b", "GE"),
            "otpauth://totp/Aegis%20Test:a%20b?secret=GE&issuer=Aegis%20Test&algorithm=SHA1"
            "&digits=6&period=30");
}

TEST(TotpTest, TheDocumentedDemoSecretIsA160BitKey) {
  auto key = Base32Decode(kDemoTotpSecret);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 20u);
  EXPECT_EQ(Base32Encode(*key), kDemoTotpSecret);
}

}  // namespace
}  // namespace aegis::services
