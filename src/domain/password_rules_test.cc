#include "domain/password_rules.h"

#include <gtest/gtest.h>

namespace aegis::domain {
namespace {

void ExpectRefused(const std::string& password, const std::string& username,
                   const std::string& why) {
  const Status st = CheckNewPassword(password, username);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << password;
  EXPECT_EQ(st.field(), "password") << password;
  EXPECT_NE(st.message().find(why), std::string::npos) << password << ": " << st.message();
}

TEST(PasswordRules, AcceptsTheDemoAndFixturePasswords) {
  // The demo accounts' password must stay valid under the rules (16 characters, 4 classes).
  EXPECT_TRUE(CheckNewPassword("Aegis-demo-2026!", "officer").ok());
  EXPECT_TRUE(CheckNewPassword("Aegis-demo-2026!", "sup.mission").ok());
  EXPECT_TRUE(CheckNewPassword("correct-horse-42", "off1").ok());
  EXPECT_TRUE(CheckNewPassword("long enough pw", "newbie").ok());     // lower case and spaces
  ExpectRefused("我的密码是蓝色的海洋很长", "officer", "two kinds");  // one class: "others"
  EXPECT_TRUE(CheckNewPassword("我的密码是蓝色的海洋2026", "officer").ok());
  EXPECT_TRUE(CheckNewPassword(std::string(200, 'x') + "Y9", "officer").ok());
}

TEST(PasswordRules, NeedsTwelveCharactersCountedAsCodePoints) {
  ExpectRefused("Short-pw-1", "officer", "at least 12 characters");
  ExpectRefused("Abcdefgh-12", "officer", "at least 12 characters");  // 11
  EXPECT_TRUE(CheckNewPassword("Abcdefgh-123", "officer").ok());      // 12
  // Six Chinese characters are 18 bytes but 6 characters.
  ExpectRefused("蓝色海洋天空1", "officer", "at least 12 characters");
  ExpectRefused(std::string(257, 'a'), "officer", "at most 256 bytes");
}

TEST(PasswordRules, NeedsTwoClassesOfCharacters) {
  ExpectRefused("abcdefghijklmnop", "officer", "two kinds");
  ExpectRefused("ABCDEFGHIJKLMNOP", "officer", "two kinds");
  ExpectRefused("918273645546372819", "officer", "two kinds");
  ExpectRefused("!@#$%^&*()_+-=", "officer", "two kinds");
  EXPECT_TRUE(CheckNewPassword("riverstone 918273", "officer").ok());
}

TEST(PasswordRules, RefusesTheUsernameInsideThePassword) {
  ExpectRefused("Officer-2026-spring", "officer", "username");
  ExpectRefused("my.sup.mission.key", "sup.mission", "username");
  EXPECT_TRUE(CheckNewPassword("Spring-rain-2026", "officer").ok());
}

TEST(PasswordRules, RefusesCommonPasswordsAndDressedUpCommonWords) {
  ExpectRefused("1qaz2wsx3edc", "officer", "too common");
  ExpectRefused("QWERTY123456", "officer", "too common");
  ExpectRefused("Password1234", "officer", "too common");
  ExpectRefused("P@ssw0rd2026!", "officer", "too common");  // look-alike characters
  ExpectRefused("!!Welcome2026##", "officer", "too common");
  ExpectRefused("woaini1314520", "officer", "too common");
  ExpectRefused("Aegis2026!!!!", "officer", "too common");
  ExpectRefused("qwertyqwertyqwerty", "officer", "two kinds");  // one class anyway
  ExpectRefused("Abc1Abc1Abc1Abc1", "officer", "too common");   // one short pattern repeated
  EXPECT_TRUE(CheckNewPassword("Harbour-lights-77", "officer").ok());
}

TEST(PasswordRules, RefusesBrokenTextAndControlCharacters) {
  ExpectRefused(std::string("Abcdefgh-123\x01", 13), "officer", "control characters");
  ExpectRefused("Abcdefgh-123\xff", "officer", "UTF-8");
  ExpectRefused("Abcdefgh-123\xe4\xb8", "officer", "UTF-8");
}

TEST(PasswordRules, NamesTheFieldItWasAskedFor) {
  EXPECT_EQ(CheckNewPassword("short", "officer", "new_password").field(), "new_password");
}

}  // namespace
}  // namespace aegis::domain
