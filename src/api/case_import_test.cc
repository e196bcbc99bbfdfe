// The NDJSON case import parser: records, the errors it names, and inputs the fuzzer found
// (fuzz/case_import_fuzz.cc) that once crashed it.
#include "api/case_import.h"

#include <gtest/gtest.h>

#include <string>

namespace aegis::api {
namespace {

TEST(CaseImport, ReadsRecordsLineByLine) {
  auto rows = ParseCaseNdjson(
      R"({"reference":"AJ-2019-000001","unit_code":"GD","title":"t","filed_at":"2019-05-01",)"
      R"("youngest_victim_age":15,"latitude":23.1,"longitude":113.2,"offence_time":null})"
      "\n"
      R"({"reference":"AJ-2019-000002","unit_code":"GD","filed_at":"2019-05-02","weapon":true})"
      "\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].line, 1);
  EXPECT_EQ((*rows)[0].c.reference, "AJ-2019-000001");
  EXPECT_EQ((*rows)[0].c.facts.youngest_victim_age, 15);
  EXPECT_FALSE((*rows)[0].c.facts.offence_time.has_value());
  EXPECT_TRUE((*rows)[1].c.facts.weapon);
}

TEST(CaseImport, ErrorsNameTheLineAndTheMember) {
  auto missing = ParseCaseNdjson(R"({"reference":"x","unit_code":"y"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().field(), "line 1: filed_at");
  auto wrong = ParseCaseNdjson(
      "{\"reference\":\"x\",\"unit_code\":\"y\",\"filed_at\":\"2019-01-01\"}\n{\"reference\":1}\n");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().field(), "line 2: reference");
}

// Found by case_import_fuzz: a malformed null ("nully") made simdjson throw out of the parser,
// which would have ended `aegis import` with std::terminate instead of naming the line.
TEST(CaseImport, MalformedNullAtomIsAnErrorNotACrash) {
  for (const char* key : {"filed_at", "offence_time", "youngest_victim_age", "latitude"}) {
    const std::string text = std::string(R"({"reference":"1x","unit_code":"y",")") + key +
                             R"(":nully})" + "\n" + R"({"reference":1})" + "\n";
    auto rows = ParseCaseNdjson(text);
    ASSERT_FALSE(rows.ok()) << key;
    EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(rows.status().field(), std::string("line 1: ") + key);
  }
}

// The reader hands out batches; line numbers run on across them, and the first error ends it.
TEST(CaseImport, ReaderCountsLinesAcrossBatchesAndStopsAtTheFirstError) {
  std::string text;
  for (int i = 1; i <= 10000; ++i) {
    text += R"({"reference":"R-)" + std::to_string(i) + R"(","unit_code":"GD","filed_at":)";
    text += i == 9000 ? "\"yesterday\"}\n" : "\"2019-05-01\"}\n";
  }
  CaseNdjsonReader reader(text);
  EXPECT_EQ(reader.ExpectedRows(), 10000u);
  std::vector<services::CaseImportRow> batch;
  int rows = 0;
  Status st;
  for (;;) {
    st = reader.Next(batch, 1000);
    if (!st.ok() || batch.empty()) break;
    EXPECT_EQ(batch.front().line, rows + 1);
    EXPECT_EQ(batch.front().c.reference, "R-" + std::to_string(rows + 1));
    rows += static_cast<int>(batch.size());
  }
  EXPECT_EQ(rows, 8000);  // the batch holding line 9000 is not handed out
  EXPECT_EQ(st.field(), "line 9000: filed_at");
  EXPECT_EQ(reader.Next(batch, 1000).field(), "line 9000: filed_at");  // and stays failed
  EXPECT_TRUE(batch.empty());
}

TEST(CaseImport, ExpectedRowsCountsALastLineWithoutNewline) {
  EXPECT_EQ(CaseNdjsonReader("").ExpectedRows(), 0u);
  EXPECT_EQ(CaseNdjsonReader("{}").ExpectedRows(), 1u);
  EXPECT_EQ(CaseNdjsonReader("{}\n{}").ExpectedRows(), 2u);
  EXPECT_EQ(CaseNdjsonReader("{}\n{}\n").ExpectedRows(), 2u);
}

TEST(CaseImport, MissingFileIsAnErrorNamingTheOption) {
  auto reader = CaseNdjsonReader::Open("/nonexistent/aegis/cases.ndjson");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().field(), "--cases");
}

}  // namespace
}  // namespace aegis::api
