#include "domain/review_deadlines.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace aegis::domain {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::string kConfigPath = std::string(AEGIS_SOURCE_DIR) + "/config/deadline_rules.cn.json";

TEST(DeadlineRulesTest, EmbeddedCopyMatchesConfigFile) {
  EXPECT_EQ(DefaultDeadlineRulesJson(), ReadFile(kConfigPath))
      << "config/deadline_rules.cn.json and the copy in review_deadlines.cc differ; "
         "paste the file into kDefaultRulesJson";
}

TEST(DeadlineRulesTest, ConfigFileParses) {
  const auto rules = ParseDeadlineRules(ReadFile(kConfigPath));
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->version, DefaultDeadlineRules().version);
}

TEST(DeadlineRulesTest, DefaultFilingReviewTracks) {
  const DeadlineRules& rules = DefaultDeadlineRules();
  EXPECT_EQ(rules.jurisdiction, "CN-MPS");
  EXPECT_EQ(rules.version, "2020");
  EXPECT_EQ(rules.warn_before_hours, 24);
  ASSERT_EQ(rules.review_tracks.size(), 3u);

  const ReviewTrackRule* standard = rules.FindTrack(ReviewTrack::kStandard);
  const ReviewTrackRule* verification = rules.FindTrack(ReviewTrack::kVerification);
  const ReviewTrackRule* major = rules.FindTrack(ReviewTrack::kMajorComplex);
  ASSERT_TRUE(standard && verification && major);
  EXPECT_EQ(standard->days, 3);
  EXPECT_FALSE(standard->requires_approval);
  EXPECT_NE(standard->basis.find("不超过三日"), std::string::npos);
  EXPECT_EQ(verification->days, 7);
  EXPECT_FALSE(verification->requires_approval);
  EXPECT_NE(verification->basis.find("不超过七日"), std::string::npos);
  EXPECT_EQ(major->days, 30);
  EXPECT_TRUE(major->requires_approval);
  EXPECT_NE(major->basis.find("县级以上公安机关负责人批准"), std::string::npos);
  for (const auto& track : rules.review_tracks) {
    EXPECT_NE(track.basis.find("公安机关办理刑事案件程序规定"), std::string::npos);
    EXPECT_NE(track.basis_en.find("Procedures for Handling Criminal Cases"), std::string::npos);
  }
}

TEST(DeadlineRulesTest, DefaultStageDeadlines) {
  const DeadlineRules& rules = DefaultDeadlineRules();
  ASSERT_EQ(rules.stage_deadlines.size(), 2u);
  const StageDeadlineRule* detained = rules.FindStageDeadline(CaseStage::kSuspectDetained);
  ASSERT_NE(detained, nullptr);
  EXPECT_EQ(detained->days, 3);
  EXPECT_NE(detained->label.find("提请"), std::string::npos);
  EXPECT_NE(detained->basis.find("第九十一条"), std::string::npos);
  EXPECT_NE(detained->basis_en.find("Article 91"), std::string::npos);

  const StageDeadlineRule* transferred =
      rules.FindStageDeadline(CaseStage::kTransferredForProsecution);
  ASSERT_NE(transferred, nullptr);
  EXPECT_EQ(transferred->days, 30);
  EXPECT_NE(transferred->basis.find("第一百七十二条"), std::string::npos);
  EXPECT_NE(transferred->basis_en.find("Article 172"), std::string::npos);

  for (CaseStage stage : AllValues<CaseStage>()) {
    if (stage == CaseStage::kSuspectDetained || stage == CaseStage::kTransferredForProsecution) {
      continue;
    }
    EXPECT_EQ(rules.FindStageDeadline(stage), nullptr) << ToString(stage);
  }
}

TEST(DeadlineRulesTest, ReviewDeadlineAddsWholeDays) {
  const DeadlineRules& rules = DefaultDeadlineRules();
  const UnixSeconds received = 1'767'225'600 + 3 * 3600 + 17;  // odd time of day is kept
  EXPECT_EQ(*ReviewDeadline(rules, ReviewTrack::kStandard, received), received + 3 * 86400);
  EXPECT_EQ(*ReviewDeadline(rules, ReviewTrack::kVerification, received), received + 7 * 86400);
  EXPECT_EQ(*ReviewDeadline(rules, ReviewTrack::kMajorComplex, received), received + 30 * 86400);
}

TEST(DeadlineRulesTest, ReviewDeadlineFailsForMissingTrack) {
  DeadlineRules rules = DefaultDeadlineRules();
  rules.review_tracks.erase(rules.review_tracks.begin() + 2);  // drop major_complex
  ASSERT_EQ(rules.FindTrack(ReviewTrack::kMajorComplex), nullptr);
  const auto deadline = ReviewDeadline(rules, ReviewTrack::kMajorComplex, 0);
  ASSERT_FALSE(deadline.ok());
  EXPECT_EQ(deadline.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(deadline.status().field(), "track");
  EXPECT_NE(deadline.status().message().find("major_complex"), std::string::npos);
  EXPECT_TRUE(ReviewDeadline(rules, ReviewTrack::kStandard, 0).ok());
}

TEST(ClassifyDeadlineTest, DecidedCasesAreMetOrMissed) {
  const DeadlineRules& rules = DefaultDeadlineRules();
  const UnixSeconds deadline = 1'000'000;
  EXPECT_EQ(ClassifyDeadline(rules, deadline, deadline + 999, deadline), DeadlineState::kMet);
  EXPECT_EQ(ClassifyDeadline(rules, deadline, deadline + 999, deadline - 5), DeadlineState::kMet);
  EXPECT_EQ(ClassifyDeadline(rules, deadline, deadline + 999, deadline + 1),
            DeadlineState::kMissed);
  // A decision settles it regardless of the clock.
  EXPECT_EQ(ClassifyDeadline(rules, deadline, 0, deadline + 1), DeadlineState::kMissed);
}

TEST(ClassifyDeadlineTest, OpenDeadlineBoundaries) {
  const DeadlineRules& rules = DefaultDeadlineRules();  // 24 h warning window
  const UnixSeconds deadline = 10'000'000;
  const UnixSeconds window = 24 * 3600;
  EXPECT_EQ(ClassifyDeadline(rules, deadline, deadline - window - 1, std::nullopt),
            DeadlineState::kOnTime);
  EXPECT_EQ(ClassifyDeadline(rules, deadline, deadline - window, std::nullopt),
            DeadlineState::kDueSoon);
  EXPECT_EQ(ClassifyDeadline(rules, deadline, deadline, std::nullopt), DeadlineState::kDueSoon);
  EXPECT_EQ(ClassifyDeadline(rules, deadline, deadline + 1, std::nullopt), DeadlineState::kOverdue);
}

TEST(ClassifyDeadlineTest, WarningWindowComesFromRules) {
  DeadlineRules rules = DefaultDeadlineRules();
  rules.warn_before_hours = 0;
  EXPECT_EQ(ClassifyDeadline(rules, 1000, 999, std::nullopt), DeadlineState::kOnTime);
  EXPECT_EQ(ClassifyDeadline(rules, 1000, 1000, std::nullopt), DeadlineState::kDueSoon);
  rules.warn_before_hours = 72;
  EXPECT_EQ(ClassifyDeadline(rules, 1000 + 72 * 3600, 1000, std::nullopt), DeadlineState::kDueSoon);
  EXPECT_EQ(ClassifyDeadline(rules, 1001 + 72 * 3600, 1000, std::nullopt), DeadlineState::kOnTime);
}

TEST(ClassifyDeadlineTest, StateNames) {
  EXPECT_EQ(ToString(DeadlineState::kOnTime), "on_time");
  EXPECT_EQ(ToString(DeadlineState::kDueSoon), "due_soon");
  EXPECT_EQ(ToString(DeadlineState::kOverdue), "overdue");
  EXPECT_EQ(ToString(DeadlineState::kMet), "met");
  EXPECT_EQ(ToString(DeadlineState::kMissed), "missed");
}

// ---- Parsing: each case edits a valid document and expects one error at one JSON path.

struct ParseErrorCase {
  std::string name;
  std::function<void(json&)> edit;
  std::string field;
  std::string message_part;
};

json ValidDocument() { return json::parse(DefaultDeadlineRulesJson()); }

TEST(ParseDeadlineRulesTest, ValidDocumentRoundTrips) {
  const auto rules = ParseDeadlineRules(ValidDocument().dump());
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  const DeadlineRules& d = DefaultDeadlineRules();
  ASSERT_EQ(rules->review_tracks.size(), d.review_tracks.size());
  for (std::size_t i = 0; i < d.review_tracks.size(); ++i) {
    EXPECT_EQ(rules->review_tracks[i].track, d.review_tracks[i].track);
    EXPECT_EQ(rules->review_tracks[i].days, d.review_tracks[i].days);
    EXPECT_EQ(rules->review_tracks[i].basis, d.review_tracks[i].basis);
  }
  ASSERT_EQ(rules->stage_deadlines.size(), d.stage_deadlines.size());
  EXPECT_EQ(rules->stage_deadlines[0].label_en, d.stage_deadlines[0].label_en);
}

TEST(ParseDeadlineRulesTest, OptionalPartsMayBeLeftOut) {
  json doc = ValidDocument();
  doc["review_tracks"][0].erase("requires_approval");
  doc["stage_deadlines"] = json::array();
  const auto rules = ParseDeadlineRules(doc.dump());
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_FALSE(rules->review_tracks[0].requires_approval);
  EXPECT_TRUE(rules->stage_deadlines.empty());
}

TEST(ParseDeadlineRulesTest, RejectsMalformedJson) {
  for (const char* text : {"", "{", "not json", "{\"version\": }"}) {
    const auto rules = ParseDeadlineRules(text);
    ASSERT_FALSE(rules.ok()) << text;
    EXPECT_EQ(rules.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(rules.status().message().rfind("not valid JSON: ", 0), 0u)
        << rules.status().message();
    EXPECT_EQ(rules.status().message().find("[json.exception"), std::string::npos);
  }
}

TEST(ParseDeadlineRulesTest, ReportsErrorsWithJsonPath) {
  const std::vector<ParseErrorCase> cases = {
      {"root not object", [](json& d) { d = json::array(); }, "", "must be a JSON object"},
      {"unknown root key", [](json& d) { d["jurisdicton"] = "x"; }, "jurisdicton",
       "is not a known key"},
      {"missing jurisdiction", [](json& d) { d.erase("jurisdiction"); }, "jurisdiction",
       "is required"},
      {"jurisdiction not string", [](json& d) { d["jurisdiction"] = 5; }, "jurisdiction",
       "must be a string"},
      {"empty version", [](json& d) { d["version"] = ""; }, "version", "must not be empty"},
      {"negative warning", [](json& d) { d["warn_before_hours"] = -1; }, "warn_before_hours",
       "must be between 0 and"},
      {"fractional warning", [](json& d) { d["warn_before_hours"] = 1.5; }, "warn_before_hours",
       "must be a whole number"},
      {"tracks not array", [](json& d) { d["review_tracks"] = json::object(); }, "review_tracks",
       "must be an array"},
      {"no tracks", [](json& d) { d["review_tracks"] = json::array(); }, "review_tracks",
       "must not be empty"},
      {"missing tracks", [](json& d) { d.erase("review_tracks"); }, "review_tracks", "is required"},
      {"track not object", [](json& d) { d["review_tracks"][0] = 3; }, "review_tracks[0]",
       "must be a JSON object"},
      {"missing days", [](json& d) { d["review_tracks"][1].erase("days"); },
       "review_tracks[1].days", "is required"},
      {"zero days", [](json& d) { d["review_tracks"][1]["days"] = 0; }, "review_tracks[1].days",
       "must be between 1 and 366"},
      {"too many days", [](json& d) { d["review_tracks"][2]["days"] = 367; },
       "review_tracks[2].days", "must be between 1 and 366"},
      {"huge unsigned days",
       [](json& d) { d["review_tracks"][2]["days"] = 18446744073709551615ull; },
       "review_tracks[2].days", "must be between 1 and 366"},
      {"days as string", [](json& d) { d["review_tracks"][0]["days"] = "3"; },
       "review_tracks[0].days", "must be a whole number"},
      {"unknown track", [](json& d) { d["review_tracks"][0]["track"] = "fast"; },
       "review_tracks[0].track",
       "unknown value \"fast\"; expected one of standard, verification, major_complex"},
      {"duplicate track", [](json& d) { d["review_tracks"][1]["track"] = "standard"; },
       "review_tracks[1].track", "track standard is listed more than once"},
      {"approval not bool", [](json& d) { d["review_tracks"][2]["requires_approval"] = "yes"; },
       "review_tracks[2].requires_approval", "must be true or false"},
      {"misspelt track key", [](json& d) { d["review_tracks"][0]["day"] = 3; },
       "review_tracks[0].day", "is not a known key"},
      {"missing basis", [](json& d) { d["review_tracks"][0].erase("basis"); },
       "review_tracks[0].basis", "is required"},
      {"missing English basis", [](json& d) { d["review_tracks"][0].erase("basis_en"); },
       "review_tracks[0].basis_en", "is required"},
      {"missing stage deadlines", [](json& d) { d.erase("stage_deadlines"); }, "stage_deadlines",
       "is required"},
      {"unknown stage", [](json& d) { d["stage_deadlines"][0]["stage"] = "arrested"; },
       "stage_deadlines[0].stage", "unknown value \"arrested\""},
      {"duplicate stage", [](json& d) { d["stage_deadlines"][1]["stage"] = "suspect_detained"; },
       "stage_deadlines[1].stage", "stage suspect_detained is listed more than once"},
      {"stage zero days", [](json& d) { d["stage_deadlines"][1]["days"] = 0; },
       "stage_deadlines[1].days", "must be between 1 and 366"},
      {"missing label", [](json& d) { d["stage_deadlines"][0].erase("label"); },
       "stage_deadlines[0].label", "is required"},
      {"missing English label", [](json& d) { d["stage_deadlines"][1].erase("label_en"); },
       "stage_deadlines[1].label_en", "is required"},
      {"unknown stage key", [](json& d) { d["stage_deadlines"][0]["hours"] = 72; },
       "stage_deadlines[0].hours", "is not a known key"},
  };
  for (const auto& c : cases) {
    json doc = ValidDocument();
    c.edit(doc);
    const auto rules = ParseDeadlineRules(doc.dump());
    ASSERT_FALSE(rules.ok()) << c.name;
    EXPECT_EQ(rules.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(rules.status().field(), c.field) << c.name;
    EXPECT_NE(rules.status().message().find(c.message_part), std::string::npos)
        << c.name << ": " << rules.status().message();
  }
}

}  // namespace
}  // namespace aegis::domain
