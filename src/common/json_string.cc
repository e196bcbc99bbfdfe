#include "common/json_string.h"

#include <cstdint>
#include <cstring>

namespace aegis {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Non-zero when one of the eight bytes of `w` needs an escape: below 0x20, '"' or '\\'. Bytes
// of 0x80 and above (UTF-8) never do. Exact as a yes/no answer: each term is the classic "has a
// byte below n" test (n <= 0x80) on `w` itself or on `w` xor the character.
inline std::uint64_t NeedsEscape(std::uint64_t w) {
  const std::uint64_t quote = w ^ (kOnes * '"');
  const std::uint64_t backslash = w ^ (kOnes * '\\');
  return (((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) |
          ((backslash - kOnes) & ~backslash)) &
         kHighBits;
}

inline char* WriteEscaped(char* out, unsigned char c) {
  *out++ = '\\';
  switch (c) {
    case '"':
    case '\\':
      *out++ = static_cast<char>(c);
      return out;
    case '\n':
      *out++ = 'n';
      return out;
    case '\r':
      *out++ = 'r';
      return out;
    case '\t':
      *out++ = 't';
      return out;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char esc[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      std::memcpy(out, esc, sizeof esc);
      return out + sizeof esc;
    }
  }
}

}  // namespace

// Clean text is checked and copied eight bytes at a time: a case page is ~4 KB of mostly clean
// text, and the byte-at-a-time loop with std::string appends was 7 % of the server's CPU on
// case reads.
char* WriteJsonString(char* out, std::string_view s) {
  *out++ = '"';
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p < end) {
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if (NeedsEscape(word) != 0) break;
      std::memcpy(out, &word, sizeof word);
      out += 8;
      p += 8;
    }
    // Fewer than eight bytes left, or an escape within the next eight: byte by byte.
    for (const char* stop = end - p > 8 ? p + 8 : end; p < stop; ++p) {
      const auto c = static_cast<unsigned char>(*p);
      if (c >= 0x20 && c != '"' && c != '\\') {
        *out++ = static_cast<char>(c);
      } else {
        out = WriteEscaped(out, c);
      }
    }
  }
  *out++ = '"';
  return out;
}

void AppendJsonString(std::string& out, std::string_view s) {
  const size_t old = out.size();
  out.resize(old + MaxJsonStringSize(s.size()));
  char* const end = WriteJsonString(out.data() + old, s);
  out.resize(static_cast<size_t>(end - out.data()));
}

}  // namespace aegis
