#include "common/json_string.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace aegis
