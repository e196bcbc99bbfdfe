#include "domain/password_rules.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace aegis::domain {
namespace {

// Whole passwords that appear near the top of every breached-password list and pass the length and
// class rules (compared case-insensitively).
constexpr std::array<std::string_view, 40> kCommonPasswords = {
    "1q2w3e4r5t6y",  "1q2w3e4r5t6y7u", "1qaz2wsx3edc",  "1qaz2wsx3edc4rfv", "qazwsxedcrfv",
    "zaq12wsxcde3",  "zaq1zaq1zaq1",   "q1w2e3r4t5y6",  "a1b2c3d4e5f6",     "abc123abc123",
    "abcd1234abcd",  "qwerty123456",   "qwertyuiop123", "qwerty12345678",   "123456qwerty",
    "123qweasdzxc",  "1234qwerasdf",   "qweasdzxc123",  "asdfghjkl123",     "zxcvbnm12345",
    "password1234",  "password12345",  "passw0rd1234",  "iloveyou1234",     "woaini131452",
    "woaini1314520", "aa123456789a",   "a123456789012", "123456789abc",     "1234567890ab",
    "1234567890qwe", "welcome12345",   "changeme1234",  "administrator",    "administrator1",
    "11111111aaaa",  "123456abcdef",   "abcdef123456",  "admin1234567",     "admin@123456",
};

// Words that make a weak password however many digits or symbols surround them (compared after
// lower-casing, undoing look-alike substitutions and removing leading and trailing digits and
// symbols).
constexpr std::array<std::string_view, 36> kCommonWords = {
    "password", "passwort",  "passw",         "pass",    "qwerty",   "qwertyuiop",
    "asdfgh",   "asdfghjkl", "zxcvbn",        "zxcvbnm", "abc",      "abcdef",
    "abcdefg",  "admin",     "administrator", "root",    "welcome",  "letmein",
    "iloveyou", "woaini",    "monkey",        "dragon",  "sunshine", "princess",
    "football", "baseball",  "master",        "shadow",  "superman", "changeme",
    "default",  "secret",    "login",         "aegis",   "police",   "gongan",
};

// Lower case, with common look-alike substitutions undone ("p@ssw0rd" -> "password").
std::string Unleet(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '@':
      case '4':
        out += 'a';
        break;
      case '0':
        out += 'o';
        break;
      case '1':
      case '!':
        out += 'i';
        break;
      case '3':
        out += 'e';
        break;
      case '$':
      case '5':
        out += 's';
        break;
      case '7':
        out += 't';
        break;
      default:
        out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The password without leading and trailing digits and symbols.
std::string_view Core(std::string_view s) {
  while (!s.empty() && !std::isalpha(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && !std::isalpha(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Status CheckNewPassword(std::string_view password, std::string_view username,
                        const std::string& field) {
  if (password.size() > kMaxPasswordBytes)
    return Status::InvalidArgument(field, "must be at most 256 bytes");
  // Count code points and character classes; reject broken UTF-8 and control characters.
  size_t chars = 0;
  bool lower = false, upper = false, digit = false, other = false;
  for (size_t i = 0; i < password.size();) {
    const unsigned char c = static_cast<unsigned char>(password[i]);
    const size_t len = c < 0x80           ? 1
                       : (c >> 5) == 0x6  ? 2
                       : (c >> 4) == 0xe  ? 3
                       : (c >> 3) == 0x1e ? 4
                                          : 0;
    if (len == 0 || i + len > password.size())
      return Status::InvalidArgument(field, "is not valid UTF-8 text");
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(password[i + k]) & 0xc0) != 0x80)
        return Status::InvalidArgument(field, "is not valid UTF-8 text");
    }
    if (len == 1 && (c < 0x20 || c == 0x7f))
      return Status::InvalidArgument(field, "must not contain control characters");
    if (len == 1 && std::islower(c))
      lower = true;
    else if (len == 1 && std::isupper(c))
      upper = true;
    else if (len == 1 && std::isdigit(c))
      digit = true;
    else
      other = true;  // punctuation, spaces and every non-ASCII character
    i += len;
    ++chars;
  }
  if (chars < kMinPasswordChars)
    return Status::InvalidArgument(field, "must be at least 12 characters");
  if (int(lower) + int(upper) + int(digit) + int(other) < 2) {
    return Status::InvalidArgument(
        field,
        "must mix at least two kinds of characters (lower case, upper case, digits, symbols)");
  }
  const std::string lowered = Lower(password);
  if (!username.empty() && lowered.find(Lower(username)) != std::string::npos)
    return Status::InvalidArgument(field, "must not contain the username");
  const std::string core = Unleet(Core(password));
  auto in = [](const auto& list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
  };
  // A password made of one common word repeated ("qwertyqwerty") is as weak as the word.
  auto repeated_word = [&](std::string_view s) {
    for (size_t n = 1; n <= s.size() / 2; ++n) {
      if (s.size() % n != 0) continue;
      bool same = true;
      for (size_t i = n; i < s.size() && same; ++i) same = s[i] == s[i % n];
      if (same) return true;
    }
    return false;
  };
  if (in(kCommonPasswords, lowered) || in(kCommonWords, core) ||
      (!core.empty() && repeated_word(core)) || repeated_word(lowered)) {
    return Status::InvalidArgument(field, "is too common; choose a less predictable password");
  }
  return Status::Ok();
}

}  // namespace aegis::domain
