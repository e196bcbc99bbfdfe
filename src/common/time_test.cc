#include "common/time.h"

#include <gtest/gtest.h>

namespace aegis {
namespace {

TEST(TimeTest, RoundTripsIso8601) {
  auto t = ParseIso8601("2026-11-29T17:26:49Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatIso8601(*t), "2026-11-29T17:26:49Z");
}

TEST(TimeTest, AppliesOffset) {
  auto beijing = ParseIso8601("2026-01-01T08:00:00+08:00");
  auto utc = ParseIso8601("2026-01-01T00:00:00Z");
  ASSERT_TRUE(beijing && utc);
  EXPECT_EQ(*beijing, *utc);
}

TEST(TimeTest, AcceptsDateOnlyAndSpaceSeparator) {
  EXPECT_EQ(ParseIso8601("1970-01-02"), std::optional<UnixSeconds>(86400));
  EXPECT_EQ(ParseIso8601("2003-03-23 00:01:00"), ParseIso8601("2003-03-23T00:01:00Z"));
}

TEST(TimeTest, RejectsMalformed) {
  for (const char* bad :
       {"", "2026-13-01", "2026-02-30", "2026-1-01", "20260101", "2026-01-01T25:00",
        "2026-01-01T10:00:00+99:00", "2026-01-01Tx", "abcd-ef-gh"}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << bad;
  }
}

TEST(TimeTest, LeapYears) {
  EXPECT_TRUE(IsValidCivilDate(2024, 2, 29));
  EXPECT_FALSE(IsValidCivilDate(2023, 2, 29));
  EXPECT_FALSE(IsValidCivilDate(1900, 2, 29));
  EXPECT_TRUE(IsValidCivilDate(2000, 2, 29));
}

}  // namespace
}  // namespace aegis
