// Rules for new passwords (account creation and password change). Existing passwords are not
// re-checked: the rules apply when a password is set.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace aegis::domain {

inline constexpr size_t kMinPasswordChars = 12;
inline constexpr size_t kMaxPasswordBytes = 256;  // the sign-in form's limit

// OK when `password` may be set for `username`: at least 12 characters, at most 256 bytes of valid
// UTF-8 without control characters, characters of at least two classes (lower case, upper case,
// digits, others), not containing the username, and not a common password (nor a common word
// dressed up with digits, symbols or look-alike characters). Errors name the field `field`.
Status CheckNewPassword(std::string_view password, std::string_view username,
                        const std::string& field = "password");

}  // namespace aegis::domain
