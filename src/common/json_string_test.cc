#include "common/json_string.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace aegis {
namespace {

std::string Quoted(std::string_view s) {
  std::string out = "x";
  AppendJsonString(out, s);
  return out;
}

TEST(AppendJsonString, EscapesQuotesBackslashesAndControlCharactersOnly) {
  EXPECT_EQ(Quoted(""), "x\"\"");
  EXPECT_EQ(Quoted("被害人未满十四周岁"), "x\"被害人未满十四周岁\"");
  EXPECT_EQ(Quoted("a\"b\\c"), "x\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quoted("\n\r\t"), "x\"\\n\\r\\t\"");
  EXPECT_EQ(Quoted(std::string("\x01\x1f\x7f", 3)), "x\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Quoted(std::string("a\0b", 3)), "x\"a\\u0000b\"");
}

// The escaper skips clean text eight bytes at a time: every special byte is found wherever it
// falls in a word, in strings of every length around the word size, next to UTF-8 and 0x7f.
TEST(AppendJsonString, FindsEverySpecialByteAtEveryPositionAndLength) {
  auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  const std::string specials("\"\\\n\r\t\x00\x01\x1f", 8);
  const std::string plain("a \x7f\x20\x21\x5b\x5d\x80\xe4\xbd\xa0\xff", 12);
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (char special : specials) {
        std::string s;
        for (size_t i = 0; i < len; ++i) s += plain[(i * 7 + len) % plain.size()];
        s[at] = special;
        std::string out;
        AppendJsonString(out, s);
        ASSERT_EQ(out, reference(s)) << "length " << len << ", special byte at " << at;
      }
    }
  }
  // The worst case fills exactly the room WriteJsonString asks for.
  const std::string controls(100, '\x01');
  std::string room(MaxJsonStringSize(controls.size()), '?');
  EXPECT_EQ(WriteJsonString(room.data(), controls), room.data() + room.size());
  EXPECT_EQ(room, reference(controls));
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 100, ' ');
    for (char& c : s) c = static_cast<char>(rng() % 4 == 0 ? rng() % 0x28 : 0x20 + rng() % 0xe0);
    std::string out = "prefix";
    AppendJsonString(out, s);
    ASSERT_EQ(out, "prefix" + reference(s)) << "round " << round;
  }
}

}  // namespace
}  // namespace aegis
