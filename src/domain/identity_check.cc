#include "domain/identity_check.h"

#include <string>

#include "common/time.h"

namespace aegis::domain {
namespace {

// GB 11643-1999 / ISO 7064 MOD 11-2: weight of position i is 2^(17-i) mod 11.
constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheckChars = "10X98765432";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int DigitsToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

std::string_view TrimAsciiSpace(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

char ResidentIdCheckCharacter(std::string_view first17) {
  if (first17.size() < 17) return '?';
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (!IsDigit(first17[i])) return '?';
    sum += (first17[i] - '0') * kIdWeights[i];
  }
  return kIdCheckChars[sum % 11];
}

// Messages name positions and parts, never the full number: ID numbers are personal data and
// error messages end up in logs and on screens.
StatusOr<ResidentIdInfo> CheckResidentId(std::string_view text, std::int64_t today_days,
                                         std::string_view field) {
  const std::string f(field);
  const std::string_view id = TrimAsciiSpace(text);
  if (id.empty()) return Status::InvalidArgument(f, "must not be empty");
  if (id.size() != 18) {
    return Status::InvalidArgument(f, "must be 18 characters, got " + std::to_string(id.size()));
  }
  for (int i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) {
      return Status::InvalidArgument(
          f, "character " + std::to_string(i + 1) + " must be a digit; only the last may be X");
    }
  }
  char check = id[17];
  if (check == 'x') check = 'X';
  if (!IsDigit(check) && check != 'X') {
    return Status::InvalidArgument(f, "last character must be a digit or X");
  }
  if (id[0] == '0') return Status::InvalidArgument(f, "region code must not start with 0");

  const std::string_view birth = id.substr(6, 8);
  const int year = DigitsToInt(birth.substr(0, 4));
  const int month = DigitsToInt(birth.substr(4, 2));
  const int day = DigitsToInt(birth.substr(6, 2));
  if (!IsValidCivilDate(year, month, day)) {
    return Status::InvalidArgument(f, "birth date " + std::string(birth) + " is not a real date");
  }
  if (year < 1900) {
    return Status::InvalidArgument(f, "birth year " + std::to_string(year) + " is before 1900");
  }
  const std::string date_of_birth = std::string(birth.substr(0, 4)) + "-" +
                                    std::string(birth.substr(4, 2)) + "-" +
                                    std::string(birth.substr(6, 2));
  if (DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) > today_days) {
    return Status::InvalidArgument(f, "birth date " + date_of_birth + " is in the future");
  }

  const char expected = ResidentIdCheckCharacter(id);
  if (check != expected) {
    return Status::InvalidArgument(f, std::string("check character should be ") + expected +
                                          ", not " + check + "; a digit may be mistyped");
  }

  ResidentIdInfo info;
  info.normalized = std::string(id.substr(0, 17)) + check;
  info.date_of_birth = date_of_birth;
  info.female = (id[16] - '0') % 2 == 0;
  info.region_code = std::string(id.substr(0, 6));
  return info;
}

namespace {

// Chinese long-distance area codes: 010 and 02x have two digits after the trunk 0, all others
// three; subscriber numbers are 7 or 8 digits.
StatusOr<std::string> NormalizeChineseLandline(std::string_view with_trunk0, const std::string& f) {
  if (with_trunk0.size() < 3) {
    return Status::InvalidArgument(f,
                                   "landline number is too short; expected area code + 7-8 digits");
  }
  if (with_trunk0[1] == '0') {
    return Status::InvalidArgument(f, "area code must not start with 00");
  }
  if (with_trunk0[1] == '1' && with_trunk0[2] != '0') {
    return Status::InvalidArgument(f, "area code " + std::string(with_trunk0.substr(0, 3)) +
                                          " does not exist; did you mean 010?");
  }
  const std::size_t area_len = (with_trunk0[1] == '1' || with_trunk0[1] == '2') ? 3 : 4;
  if (with_trunk0.size() <= area_len) {
    return Status::InvalidArgument(f, "landline number is missing the 7-8 digit subscriber number");
  }
  const std::size_t subscriber_len = with_trunk0.size() - area_len;
  if (subscriber_len < 7 || subscriber_len > 8) {
    return Status::InvalidArgument(f, "landline subscriber number after area code " +
                                          std::string(with_trunk0.substr(0, area_len)) +
                                          " must be 7 or 8 digits, got " +
                                          std::to_string(subscriber_len));
  }
  return "+86" + std::string(with_trunk0.substr(1));
}

StatusOr<std::string> NormalizeChineseMobile(std::string_view digits, const std::string& f) {
  if (digits.size() != 11) {
    return Status::InvalidArgument(
        f, "mobile number must be 11 digits, got " + std::to_string(digits.size()));
  }
  if (digits[1] < '3') {
    return Status::InvalidArgument(f, "mobile numbers start with 13 to 19");
  }
  return "+86" + std::string(digits);
}

// `national` is a Chinese number without country code, with or without the trunk 0.
StatusOr<std::string> NormalizeChineseNational(std::string_view national, const std::string& f) {
  if (national.empty()) return Status::InvalidArgument(f, "number is missing after +86");
  if (national[0] == '0') return NormalizeChineseLandline(national, f);
  // After +86 the trunk 0 is dropped, so "10..." is Beijing's area code; any other leading 1 is
  // a mobile number (possibly mistyped, which the mobile check then explains).
  if (national[0] == '1' && !(national.size() >= 2 && national[1] == '0')) {
    return NormalizeChineseMobile(national, f);
  }
  return NormalizeChineseLandline("0" + std::string(national), f);
}

}  // namespace

StatusOr<std::string> NormalizePhone(std::string_view text, std::string_view field) {
  const std::string f(field);
  // Long enough for any formatting of a 15-digit number; longer input is not a phone number.
  if (text.size() > 40) return Status::InvalidArgument(f, "is too long for a phone number");
  std::string digits;
  bool plus = false;
  for (char c : text) {
    if (IsDigit(c)) {
      digits += c;
    } else if (c == '+') {
      if (plus || !digits.empty()) {
        return Status::InvalidArgument(f, "'+' may only appear once, before the country code");
      }
      plus = true;
    } else if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')') {
      // Separators people type between groups; they carry no meaning.
    } else {
      return Status::InvalidArgument(
          f, "may contain only digits, spaces, dashes, dots, parentheses and a leading +");
    }
  }
  if (digits.empty()) return Status::InvalidArgument(f, "must not be empty");

  // "00" is China's international dialling prefix, so "0086 138..." means "+86 138...".
  if (!plus && digits.size() > 2 && digits[0] == '0' && digits[1] == '0') {
    plus = true;
    digits.erase(0, 2);
  }
  if (plus) {
    if (digits[0] == '0') return Status::InvalidArgument(f, "country code must not start with 0");
    if (digits.rfind("86", 0) == 0) return NormalizeChineseNational(digits.substr(2), f);
    // E.164: country code plus subscriber number, at most 15 digits.
    if (digits.size() < 8 || digits.size() > 15) {
      return Status::InvalidArgument(f,
                                     "international number must have 8 to 15 digits including "
                                     "the country code, got " +
                                         std::to_string(digits.size()));
    }
    return "+" + digits;
  }
  if (digits[0] == '0') return NormalizeChineseLandline(digits, f);
  if (digits[0] == '1') return NormalizeChineseMobile(digits, f);
  // Written without the "+", e.g. copied from a contact card: 86 then an 11-digit mobile.
  if (digits.size() == 13 && digits.rfind("861", 0) == 0 && digits[3] >= '3') {
    return "+" + digits;
  }
  return Status::InvalidArgument(f,
                                 "landline numbers need an area code starting with 0; numbers "
                                 "outside China need + and a country code");
}

}  // namespace aegis::domain
