#include "domain/identity_check.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/time.h"

namespace aegis::domain {
namespace {

const std::int64_t kToday = DaysFromCivil(2026, 3, 15);

// Independent of the library's weight table: ISO 7064 MOD 11-2 weights are 2^(17-i) mod 11 and
// the check value is (12 - sum mod 11) mod 11, with 10 written as X.
char ExpectedCheck(const std::string& first17) {
  int sum = 0;
  int weight = 1;  // 2^0 for the check position itself
  for (int i = 16; i >= 0; --i) {
    weight = weight * 2 % 11;
    sum += (first17[i] - '0') * weight;
  }
  const int value = (12 - sum % 11) % 11;
  return value == 10 ? 'X' : static_cast<char>('0' + value);
}

std::string ValidId(const std::string& first17) { return first17 + ExpectedCheck(first17); }

// Status message must never contain the number (privacy); checks every error below.
void ExpectError(std::string_view id, std::string_view message_part, std::int64_t today = kToday) {
  const auto result = CheckResidentId(id, today);
  ASSERT_FALSE(result.ok()) << "accepted: " << id;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().field(), "id_number");
  EXPECT_NE(result.status().message().find(message_part), std::string::npos)
      << result.status().message();
  if (id.size() >= 17) {
    EXPECT_EQ(result.status().message().find(id.substr(0, 17)), std::string::npos)
        << "message leaks the ID number: " << result.status().message();
  }
}

TEST(ResidentIdTest, AcceptsKnownValidNumber) {
  const auto info = CheckResidentId("11010519491231002X", kToday);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->normalized, "11010519491231002X");
  EXPECT_EQ(info->date_of_birth, "1949-12-31");
  EXPECT_EQ(info->region_code, "110105");
  EXPECT_TRUE(info->female);  // 17th digit 2
}

TEST(ResidentIdTest, IndependentCheckAgreesOnKnownNumber) {
  EXPECT_EQ(ExpectedCheck("11010519491231002"), 'X');
}

TEST(ResidentIdTest, NormalisesLowerCaseXAndSurroundingSpace) {
  const auto info = CheckResidentId("  11010519491231002x\n", kToday);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->normalized, "11010519491231002X");
}

TEST(ResidentIdTest, OddSeventeenthDigitIsMale) {
  const std::string id = ValidId("44030619900101001");
  const auto info = CheckResidentId(id, kToday);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_FALSE(info->female);
  EXPECT_EQ(info->date_of_birth, "1990-01-01");
  EXPECT_EQ(info->region_code, "440306");
  EXPECT_EQ(info->normalized, id);
}

TEST(ResidentIdTest, AcceptsLeapDayAndBirthToday) {
  EXPECT_TRUE(CheckResidentId(ValidId("51010720000229004"), kToday).ok());
  EXPECT_TRUE(CheckResidentId(ValidId("51010720260315004"), kToday).ok());
  EXPECT_TRUE(CheckResidentId(ValidId("51010719000101004"), kToday).ok());
}

TEST(ResidentIdTest, CheckCharacterAgreesWithIndependentComputation) {
  std::mt19937 rng(11643);
  std::uniform_int_distribution<int> digit(0, 9);
  for (int n = 0; n < 2000; ++n) {
    std::string first17;
    for (int i = 0; i < 17; ++i) first17 += static_cast<char>('0' + digit(rng));
    ASSERT_EQ(ResidentIdCheckCharacter(first17), ExpectedCheck(first17)) << first17;
  }
}

TEST(ResidentIdTest, EverySingleDigitTypoIsCaught) {
  const std::string id = ValidId("32010219851123301");
  ASSERT_TRUE(CheckResidentId(id, kToday).ok());
  for (int pos = 0; pos < 17; ++pos) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == id[pos]) continue;
      std::string typo = id;
      typo[pos] = d;
      EXPECT_FALSE(CheckResidentId(typo, kToday).ok()) << "position " << pos << " digit " << d;
    }
  }
}

TEST(ResidentIdTest, CheckCharacterFunctionEdgeCases) {
  EXPECT_EQ(ResidentIdCheckCharacter("11010519491231002X"), 'X');  // full ID accepted
  EXPECT_EQ(ResidentIdCheckCharacter("1101051949123100"), '?');    // 16 digits
  EXPECT_EQ(ResidentIdCheckCharacter("1101051949123100A"), '?');
  EXPECT_EQ(ResidentIdCheckCharacter(""), '?');
}

TEST(ResidentIdTest, RejectsEmpty) {
  ExpectError("", "must not be empty");
  ExpectError("   ", "must not be empty");
}

TEST(ResidentIdTest, RejectsWrongLength) {
  ExpectError("1101051949123100", "must be 18 characters, got 16");
  ExpectError("11010519491231002X1", "must be 18 characters, got 19");
  ExpectError("110105491231002", "must be 18 characters, got 15");  // old 15-digit format
}

TEST(ResidentIdTest, RejectsNonDigitBody) {
  ExpectError("1101A519491231002X", "character 5 must be a digit");
  ExpectError("X10105194912310021", "character 1 must be a digit");
  ExpectError("1101051949123100XX", "character 17 must be a digit");
}

TEST(ResidentIdTest, RejectsBadLastCharacter) {
  ExpectError("11010519491231002Y", "last character must be a digit or X");
  ExpectError("11010519491231002-", "last character must be a digit or X");
}

TEST(ResidentIdTest, RejectsRegionStartingWithZero) {
  ExpectError(ValidId("01010519491231002"), "region code must not start with 0");
}

TEST(ResidentIdTest, RejectsImpossibleBirthDates) {
  ExpectError(ValidId("11010519991332002"), "birth date 19991332 is not a real date");
  ExpectError(ValidId("11010519990230002"), "birth date 19990230 is not a real date");
  ExpectError(ValidId("11010519000229002"), "birth date 19000229 is not a real date");
  ExpectError(ValidId("11010519990100002"), "birth date 19990100 is not a real date");
  ExpectError(ValidId("11010519990001002"), "birth date 19990001 is not a real date");
}

TEST(ResidentIdTest, RejectsBirthYearBefore1900) {
  ExpectError(ValidId("11010518991231002"), "birth year 1899 is before 1900");
}

TEST(ResidentIdTest, RejectsBirthDateInTheFuture) {
  ExpectError(ValidId("11010520260316002"), "birth date 2026-03-16 is in the future");
  // The same number is fine once that day has come.
  EXPECT_TRUE(CheckResidentId(ValidId("11010520260316002"), kToday + 1).ok());
}

TEST(ResidentIdTest, RejectsWrongCheckCharacter) {
  ExpectError("110105194912310023", "check character should be X, not 3");
  const std::string good = ValidId("44030619900101001");
  std::string bad = good;
  bad[17] = good[17] == '0' ? '1' : '0';
  ExpectError(bad, std::string("check character should be ") + good[17] + ", not " + bad[17]);
}

TEST(ResidentIdTest, ReportsTheGivenField) {
  const auto result = CheckResidentId("123", kToday, "victim.id_number");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().field(), "victim.id_number");
}

// ---- Phone numbers.

void ExpectPhone(std::string_view input, std::string_view expected) {
  const auto result = NormalizePhone(input);
  ASSERT_TRUE(result.ok()) << input << ": " << result.status().ToString();
  EXPECT_EQ(*result, expected) << input;
}

void ExpectPhoneError(std::string_view input, std::string_view message_part) {
  const auto result = NormalizePhone(input);
  ASSERT_FALSE(result.ok()) << "accepted: " << input << " as " << *result;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().field(), "phone");
  EXPECT_NE(result.status().message().find(message_part), std::string::npos)
      << input << ": " << result.status().message();
}

TEST(PhoneTest, ChineseMobileInEveryCommonWriting) {
  for (const char* input :
       {"13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+86-13812345678",
        "+8613812345678", "0086 138 1234 5678", "(+86) 138.1234.5678", "8613812345678"}) {
    ExpectPhone(input, "+8613812345678");
  }
  ExpectPhone("19912345678", "+8619912345678");
}

TEST(PhoneTest, ChineseLandlines) {
  ExpectPhone("010-12345678", "+861012345678");
  ExpectPhone("(010) 1234 5678", "+861012345678");
  ExpectPhone("021.1234.5678", "+862112345678");
  ExpectPhone("0755 1234567", "+867551234567");
  ExpectPhone("0755-12345678", "+8675512345678");
  ExpectPhone("+86 10 1234 5678", "+861012345678");
  ExpectPhone("+86 (0)10 12345678", "+861012345678");
  ExpectPhone("+86 755 1234567", "+867551234567");
  ExpectPhone("0086 20 12345678", "+862012345678");
}

TEST(PhoneTest, OtherCountriesKeepTheirDigits) {
  ExpectPhone("+44 20 7946 0958", "+442079460958");
  ExpectPhone("+1 (415) 555-2671", "+14155552671");
  ExpectPhone("001 415 555 2671", "+14155552671");
  ExpectPhone("+852 9123 4567", "+85291234567");
  ExpectPhone("+12345678", "+12345678");                // 8 digits: shortest allowed
  ExpectPhone("+123456789012345", "+123456789012345");  // 15 digits: E.164 maximum
}

TEST(PhoneTest, RejectsEmptyAndLetters) {
  ExpectPhoneError("", "must not be empty");
  ExpectPhoneError(" - ", "must not be empty");
  ExpectPhoneError("138abc45678", "may contain only digits");
  ExpectPhoneError("tel:13812345678", "may contain only digits");
  ExpectPhoneError("138 1234 5678 ext 2", "may contain only digits");
}

TEST(PhoneTest, RejectsMisplacedPlus) {
  ExpectPhoneError("138+12345678", "'+' may only appear once");
  ExpectPhoneError("++8613812345678", "'+' may only appear once");
}

TEST(PhoneTest, RejectsTooLongInput) { ExpectPhoneError(std::string(41, '1'), "too long"); }

TEST(PhoneTest, RejectsBadMobiles) {
  ExpectPhoneError("1381234567", "mobile number must be 11 digits, got 10");
  ExpectPhoneError("138123456789", "mobile number must be 11 digits, got 12");
  ExpectPhoneError("12812345678", "mobile numbers start with 13 to 19");
  ExpectPhoneError("11012345678", "mobile numbers start with 13 to 19");
  ExpectPhoneError("+86 1381234567", "mobile number must be 11 digits, got 10");
  ExpectPhoneError("+86 1", "mobile number must be 11 digits, got 1");
  ExpectPhoneError("+86 12812345678", "mobile numbers start with 13 to 19");
}

TEST(PhoneTest, RejectsBadLandlines) {
  ExpectPhoneError("010-123456", "must be 7 or 8 digits, got 6");
  ExpectPhoneError("0755-123456789", "must be 7 or 8 digits, got 9");
  ExpectPhoneError("011-12345678", "area code 011 does not exist");
  ExpectPhoneError("0755", "missing the 7-8 digit subscriber number");
  ExpectPhoneError("01", "too short");
  ExpectPhoneError("+86 0012345678", "area code must not start with 00");
  ExpectPhoneError("+86", "number is missing after +86");
}

TEST(PhoneTest, RejectsLocalNumberWithoutAreaCode) {
  ExpectPhoneError("8765 4321", "need an area code");
  ExpectPhoneError("88888888", "need an area code");
}

TEST(PhoneTest, RejectsBadInternationalNumbers) {
  ExpectPhoneError("+44 1234", "8 to 15 digits including the country code, got 6");
  ExpectPhoneError("+1234567890123456", "got 16");
  ExpectPhoneError("+0 123 4567 8901", "country code must not start with 0");
}

TEST(PhoneTest, ReportsTheGivenField) {
  const auto result = NormalizePhone("x", "reporter.phone");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().field(), "reporter.phone");
}

}  // namespace
}  // namespace aegis::domain
