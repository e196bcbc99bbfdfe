// JsonWriter: what it writes is valid JSON that reads back as the values given.
#include "api/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace aegis::api {
namespace {

TEST(JsonWriter, EscapesWhatJsonRequiresAndKeepsUtf8) {
  std::string all_bytes;
  for (int c = 1; c < 0x80; ++c) all_bytes += static_cast<char>(c);
  const std::string text = "被害人\"引号\"\\反斜杠\n换行\t制表" + all_bytes + "终";
  JsonWriter w;
  w.BeginObject().Field("text", text).Field("empty", "").EndObject();
  const auto parsed = nlohmann::json::parse(w.str());
  EXPECT_EQ(parsed["text"].get<std::string>(), text);
  EXPECT_EQ(parsed["empty"].get<std::string>(), "");
  EXPECT_NE(w.str().find("\\u0001"), std::string::npos);
  EXPECT_NE(w.str().find("被害人"), std::string::npos);  // UTF-8 is written as is
}

TEST(JsonWriter, NumbersReadBackExactly) {
  const std::vector<std::int64_t> ints = {0, -1, 42, std::numeric_limits<std::int64_t>::min(),
                                          std::numeric_limits<std::int64_t>::max()};
  const std::vector<double> doubles = {
      0.0, -0.5, 37.7749295, -122.4194155, 1e-300, 1.7976931348623157e308, 0.1 + 0.2};
  JsonWriter w;
  w.BeginObject().Key("ints").BeginArray();
  for (auto v : ints) w.Int(v);
  w.EndArray().Key("doubles").BeginArray();
  for (auto v : doubles) w.Double(v);
  w.EndArray().Key("odd").BeginArray();
  w.Double(std::nan("")).Double(std::numeric_limits<double>::infinity());
  w.EndArray().EndObject();
  const auto parsed = nlohmann::json::parse(w.str());
  for (size_t i = 0; i < ints.size(); ++i)
    EXPECT_EQ(parsed["ints"][i].get<std::int64_t>(), ints[i]);
  for (size_t i = 0; i < doubles.size(); ++i)
    EXPECT_EQ(parsed["doubles"][i].get<double>(), doubles[i]) << i;
  EXPECT_TRUE(parsed["odd"][0].is_null());  // not JSON numbers
  EXPECT_TRUE(parsed["odd"][1].is_null());
  EXPECT_NE(w.str().find("37.7749295,"), std::string::npos);  // shortest form, not 17 digits
}

TEST(JsonWriter, CommasBetweenMembersAndElementsOnly) {
  JsonWriter w;
  w.BeginArray().BeginObject().EndObject().BeginArray().EndArray().Null().Bool(true);
  w.BeginObject().Key("a").Optional(std::optional<int>()).Key("b").Optional(std::optional<long>(3));
  w.EndObject().EndArray();
  EXPECT_EQ(w.str(), R"([{},[],null,true,{"a":null,"b":3}])");
}

}  // namespace
}  // namespace aegis::api
