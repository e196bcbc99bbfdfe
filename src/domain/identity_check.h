// Checks and normalises identity fields: Chinese resident ID numbers and phone numbers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace aegis::domain {

struct ResidentIdInfo {
  std::string normalized;     // 18 characters, check character upper-case 'X'
  std::string date_of_birth;  // "YYYY-MM-DD"
  bool female = false;        // 17th digit even
  std::string region_code;    // first 6 digits
};

// Validates an 18-character resident ID (GB 11643-1999): region digits, a real birth date not in
// the future relative to `today_days` (days since epoch), and the ISO 7064 MOD 11-2 check
// character. Errors are InvalidArgument on `field` with a reason a user can act on.
StatusOr<ResidentIdInfo> CheckResidentId(std::string_view text, std::int64_t today_days,
                                         std::string_view field = "id_number");

// Computes the check character ('0'-'9' or 'X') for the first 17 digits of `first17` (a full
// 18-character ID may be passed). Returns '?' when fewer than 17 leading digits are present.
char ResidentIdCheckCharacter(std::string_view first17);

// Normalises a phone number to E.164. Accepts Chinese mobiles ("138 1234 5678", "+86-138...",
// "0086 138..."), Chinese landlines with area code ("010-12345678", "0755 1234567") and other
// numbers given with "+" and a country code. Spaces, dashes, dots and parentheses are ignored.
StatusOr<std::string> NormalizePhone(std::string_view text, std::string_view field = "phone");

}  // namespace aegis::domain
