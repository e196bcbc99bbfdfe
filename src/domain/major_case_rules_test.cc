#include "domain/major_case_rules.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

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

const std::string kConfigPath = std::string(AEGIS_SOURCE_DIR) + "/config/major_case_rules.json";

std::vector<std::string> FlagKeys(const MajorCaseAssessment& a) {
  std::vector<std::string> keys;
  for (const auto& f : a.flags) keys.push_back(f.rule_key);
  return keys;
}

TEST(MajorCaseRulesTest, EmbeddedCopyMatchesConfigFile) {
  EXPECT_EQ(DefaultMajorCaseRulesJson(), ReadFile(kConfigPath))
      << "config/major_case_rules.json and the copy in major_case_rules.cc differ; "
         "paste the file into kDefaultRulesJson";
}

TEST(MajorCaseRulesTest, ConfigFileParses) {
  const auto rules = ParseMajorCaseRules(ReadFile(kConfigPath));
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->rules.size(), DefaultMajorCaseRules().rules.size());
}

TEST(MajorCaseRulesTest, DefaultRuleSet) {
  const MajorCaseRuleSet& set = DefaultMajorCaseRules();
  EXPECT_EQ(set.version, "2026.1");
  EXPECT_EQ(set.major_threshold, 1);
  const std::vector<std::pair<std::string, int>> expected = {
      {"victim_under_14", 3},    {"victim_under_18", 2}, {"multiple_victims", 2},
      {"multiple_offenders", 2}, {"duty_of_care", 2},    {"weapon", 1},
      {"serious_injury", 2},     {"online_dating", 1},   {"linked_series", 2},
      {"repeat_offender", 2},
  };
  ASSERT_EQ(set.rules.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(set.rules[i].key, expected[i].first);
    EXPECT_EQ(set.rules[i].priority, expected[i].second) << expected[i].first;
    EXPECT_FALSE(set.rules[i].label.empty());
    EXPECT_FALSE(set.rules[i].label_en.empty());
  }
  EXPECT_EQ(set.rules[0].label, "被害人未满十四周岁");
  EXPECT_EQ(set.rules[0].label_en, "Victim under 14");
  EXPECT_EQ(set.rules[4].label, "负有特殊职责的人员（教师、监护人、医生等）");
  EXPECT_EQ(set.rules[7].label, "网络交友型");
}

TEST(AssessMajorCaseTest, RoutineCaseIsNotMajor) {
  const auto a = AssessMajorCase(DefaultMajorCaseRules(), OffenceFacts{});
  EXPECT_FALSE(a.major);
  EXPECT_EQ(a.priority, 0);
  EXPECT_TRUE(a.flags.empty());
  EXPECT_EQ(a.rules_version, "2026.1");
}

TEST(AssessMajorCaseTest, VictimAgeBands) {
  const auto assess_age = [](std::optional<int> age) {
    OffenceFacts facts;
    facts.youngest_victim_age = age;
    return AssessMajorCase(DefaultMajorCaseRules(), facts);
  };
  for (int age : {0, 6, 13}) {
    const auto a = assess_age(age);
    EXPECT_EQ(FlagKeys(a), std::vector<std::string>{"victim_under_14"}) << age;
    EXPECT_EQ(a.priority, 3);
    EXPECT_TRUE(a.major);
  }
  for (int age : {14, 17}) {
    const auto a = assess_age(age);
    EXPECT_EQ(FlagKeys(a), std::vector<std::string>{"victim_under_18"}) << age;
    EXPECT_EQ(a.priority, 2);
    EXPECT_TRUE(a.major);
  }
  for (std::optional<int> age :
       {std::optional<int>(18), std::optional<int>(40), std::optional<int>()}) {
    const auto a = assess_age(age);
    EXPECT_TRUE(a.flags.empty()) << age.value_or(-1);
    EXPECT_FALSE(a.major);
  }
}

TEST(AssessMajorCaseTest, EachFactFiresItsOwnRule) {
  struct Case {
    std::function<void(OffenceFacts&)> set;
    std::string key;
    int priority;
  };
  const std::vector<Case> cases = {
      {[](OffenceFacts& f) { f.victim_count = 2; }, "multiple_victims", 2},
      {[](OffenceFacts& f) { f.offender_count = 3; }, "multiple_offenders", 2},
      {[](OffenceFacts& f) { f.duty_of_care = DutyOfCare::kTeacher; }, "duty_of_care", 2},
      {[](OffenceFacts& f) { f.weapon = true; }, "weapon", 1},
      {[](OffenceFacts& f) { f.serious_injury = true; }, "serious_injury", 2},
      {[](OffenceFacts& f) { f.online_dating = true; }, "online_dating", 1},
      {[](OffenceFacts& f) { f.linked_series = true; }, "linked_series", 2},
      {[](OffenceFacts& f) { f.repeat_offender = true; }, "repeat_offender", 2},
  };
  for (const auto& c : cases) {
    OffenceFacts facts;
    c.set(facts);
    const auto a = AssessMajorCase(DefaultMajorCaseRules(), facts);
    EXPECT_EQ(FlagKeys(a), std::vector<std::string>{c.key});
    EXPECT_EQ(a.priority, c.priority) << c.key;
    EXPECT_TRUE(a.major) << c.key;
    ASSERT_EQ(a.flags.size(), 1u);
    EXPECT_EQ(a.flags[0].priority, c.priority);
    EXPECT_FALSE(a.flags[0].label.empty());
    EXPECT_FALSE(a.flags[0].label_en.empty());
  }
}

TEST(AssessMajorCaseTest, EveryDutyOfCareCounts) {
  for (DutyOfCare duty : AllValues<DutyOfCare>()) {
    OffenceFacts facts;
    facts.duty_of_care = duty;
    const auto a = AssessMajorCase(DefaultMajorCaseRules(), facts);
    EXPECT_EQ(a.major, duty != DutyOfCare::kNone) << ToString(duty);
  }
}

TEST(AssessMajorCaseTest, SingleVictimAndOffenderDoNotFire) {
  OffenceFacts facts;
  facts.victim_count = 1;
  facts.offender_count = 1;
  EXPECT_TRUE(AssessMajorCase(DefaultMajorCaseRules(), facts).flags.empty());
}

TEST(AssessMajorCaseTest, WeightsAddUpInRuleOrder) {
  OffenceFacts facts;
  facts.online_dating = true;
  facts.duty_of_care = DutyOfCare::kCoach;
  facts.youngest_victim_age = 12;
  const auto a = AssessMajorCase(DefaultMajorCaseRules(), facts);
  EXPECT_EQ(FlagKeys(a),
            (std::vector<std::string>{"victim_under_14", "duty_of_care", "online_dating"}));
  EXPECT_EQ(a.priority, 6);
  EXPECT_TRUE(a.major);
  EXPECT_EQ(a.flags[1].label, "负有特殊职责的人员（教师、监护人、医生等）");
}

MajorCaseRule Rule(std::string key, int priority, std::vector<MajorCaseCondition> all_of) {
  MajorCaseRule r;
  r.key = std::move(key);
  r.label = r.key;
  r.label_en = r.key;
  r.priority = priority;
  r.all_of = std::move(all_of);
  return r;
}

TEST(AssessMajorCaseTest, ThresholdDecidesMajor) {
  MajorCaseRuleSet set;
  set.version = "test";
  set.major_threshold = 3;
  set.rules = {Rule("weapon", 1, {{"weapon", "is_true", 0}}),
               Rule("injury", 2, {{"serious_injury", "is_true", 0}})};
  OffenceFacts facts;
  facts.weapon = true;
  auto a = AssessMajorCase(set, facts);
  EXPECT_EQ(a.priority, 1);
  EXPECT_FALSE(a.major);  // flagged, but below the threshold
  EXPECT_EQ(a.flags.size(), 1u);
  facts.serious_injury = true;
  a = AssessMajorCase(set, facts);
  EXPECT_EQ(a.priority, 3);
  EXPECT_TRUE(a.major);
  EXPECT_EQ(a.rules_version, "test");
}

TEST(AssessMajorCaseTest, ZeroThresholdStillNeedsAFiredRule) {
  MajorCaseRuleSet set;
  set.major_threshold = 0;
  set.rules = {Rule("weapon", 0, {{"weapon", "is_true", 0}})};
  EXPECT_FALSE(AssessMajorCase(set, OffenceFacts{}).major);
  OffenceFacts facts;
  facts.weapon = true;
  EXPECT_TRUE(AssessMajorCase(set, facts).major);
}

TEST(AssessMajorCaseTest, EveryOperator) {
  struct Case {
    std::string op;
    long value;
    bool at_one, at_two, at_three;  // result for victim_count 1, 2, 3
  };
  const std::vector<Case> cases = {
      {"lt", 2, true, false, false},    {"le", 2, true, true, false},
      {"gt", 2, false, false, true},    {"ge", 2, false, true, true},
      {"eq", 2, false, true, false},    {"ne", 2, true, false, true},
      {"is_true", 0, true, true, true},
  };
  for (const auto& c : cases) {
    MajorCaseRuleSet set;
    set.rules = {Rule("r", 1, {{"victim_count", c.op, c.value}})};
    const bool expected[] = {c.at_one, c.at_two, c.at_three};
    for (int count = 1; count <= 3; ++count) {
      OffenceFacts facts;
      facts.victim_count = count;
      EXPECT_EQ(AssessMajorCase(set, facts).major, expected[count - 1])
          << c.op << " " << c.value << " with victim_count " << count;
    }
  }
  MajorCaseRuleSet set;
  set.rules = {Rule("r", 1, {{"victim_count", "is_true", 0}})};
  OffenceFacts facts;
  facts.victim_count = 0;
  EXPECT_FALSE(AssessMajorCase(set, facts).major);
}

TEST(AssessMajorCaseTest, MissingAgeSatisfiesNoComparison) {
  for (const char* op : {"lt", "le", "gt", "ge", "eq", "ne", "is_true"}) {
    MajorCaseRuleSet set;
    set.rules = {Rule("r", 1, {{"youngest_victim_age", op, 14}})};
    EXPECT_FALSE(AssessMajorCase(set, OffenceFacts{}).major) << op;
  }
}

TEST(AssessMajorCaseTest, AllConditionsMustHold) {
  MajorCaseRuleSet set;
  set.rules = {Rule("young_and_online", 2,
                    {{"youngest_victim_age", "lt", 16}, {"online_dating", "is_true", 0}})};
  OffenceFacts facts;
  facts.youngest_victim_age = 15;
  EXPECT_FALSE(AssessMajorCase(set, facts).major);
  facts.online_dating = true;
  EXPECT_TRUE(AssessMajorCase(set, facts).major);
  facts.youngest_victim_age = 16;
  EXPECT_FALSE(AssessMajorCase(set, facts).major);
}

// ---- Parsing.

json ValidDocument() { return json::parse(DefaultMajorCaseRulesJson()); }

TEST(ParseMajorCaseRulesTest, ParsesConditions) {
  const auto set = ParseMajorCaseRules(ValidDocument().dump());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const MajorCaseRule& under18 = set->rules[1];
  ASSERT_EQ(under18.all_of.size(), 2u);
  EXPECT_EQ(under18.all_of[0].fact, "youngest_victim_age");
  EXPECT_EQ(under18.all_of[0].op, "ge");
  EXPECT_EQ(under18.all_of[0].value, 14);
  EXPECT_EQ(under18.all_of[1].op, "lt");
  EXPECT_EQ(under18.all_of[1].value, 18);
  EXPECT_EQ(set->rules[5].all_of[0].op, "is_true");
}

TEST(ParseMajorCaseRulesTest, RejectsMalformedJson) {
  const auto set = ParseMajorCaseRules("{\"version\": \"1\",");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(set.status().message().rfind("not valid JSON: ", 0), 0u);
}

TEST(ParseMajorCaseRulesTest, ReportsErrorsWithJsonPath) {
  struct ErrorCase {
    std::string name;
    std::function<void(json&)> edit;
    std::string field;
    std::string message_part;
  };
  const std::vector<ErrorCase> cases = {
      {"root not object", [](json& d) { d = "rules"; }, "", "must be a JSON object"},
      {"unknown root key", [](json& d) { d["threshold"] = 2; }, "threshold", "is not a known key"},
      {"missing version", [](json& d) { d.erase("version"); }, "version", "is required"},
      {"empty version", [](json& d) { d["version"] = ""; }, "version", "must not be empty"},
      {"missing threshold", [](json& d) { d.erase("major_threshold"); }, "major_threshold",
       "is required"},
      {"negative threshold", [](json& d) { d["major_threshold"] = -1; }, "major_threshold",
       "must be between 0 and"},
      {"rules not array", [](json& d) { d["rules"] = 1; }, "rules", "must be an array"},
      {"no rules", [](json& d) { d["rules"] = json::array(); }, "rules", "must not be empty"},
      {"rule not object", [](json& d) { d["rules"][2] = "x"; }, "rules[2]",
       "must be a JSON object"},
      {"missing key", [](json& d) { d["rules"][3].erase("key"); }, "rules[3].key", "is required"},
      {"bad key", [](json& d) { d["rules"][0]["key"] = "Victim-14"; }, "rules[0].key",
       "must be lower_snake_case"},
      {"key starts with digit", [](json& d) { d["rules"][0]["key"] = "14_victim"; }, "rules[0].key",
       "must be lower_snake_case"},
      {"duplicate key", [](json& d) { d["rules"][9]["key"] = "weapon"; }, "rules[9].key",
       "\"weapon\" is used by an earlier rule"},
      {"missing label", [](json& d) { d["rules"][1].erase("label"); }, "rules[1].label",
       "is required"},
      {"missing English label", [](json& d) { d["rules"][1].erase("label_en"); },
       "rules[1].label_en", "is required"},
      {"negative priority", [](json& d) { d["rules"][1]["priority"] = -2; }, "rules[1].priority",
       "must be between 0 and 100"},
      {"priority as string", [](json& d) { d["rules"][1]["priority"] = "high"; },
       "rules[1].priority", "must be a whole number"},
      {"unknown rule key", [](json& d) { d["rules"][1]["any_of"] = json::array(); },
       "rules[1].any_of", "is not a known key"},
      {"missing conditions", [](json& d) { d["rules"][4].erase("all_of"); }, "rules[4].all_of",
       "is required"},
      {"empty conditions", [](json& d) { d["rules"][4]["all_of"] = json::array(); },
       "rules[4].all_of", "must not be empty"},
      {"condition not object", [](json& d) { d["rules"][1]["all_of"][1] = 18; },
       "rules[1].all_of[1]", "must be a JSON object"},
      {"unknown fact", [](json& d) { d["rules"][1]["all_of"][1]["fact"] = "victim_age"; },
       "rules[1].all_of[1].fact",
       "unknown fact \"victim_age\"; expected one of youngest_victim_age"},
      {"missing fact", [](json& d) { d["rules"][1]["all_of"][1].erase("fact"); },
       "rules[1].all_of[1].fact", "is required"},
      {"unknown op", [](json& d) { d["rules"][0]["all_of"][0]["op"] = "<"; },
       "rules[0].all_of[0].op",
       "unknown op \"<\"; expected one of lt, le, gt, ge, eq, ne, is_true"},
      {"missing op", [](json& d) { d["rules"][0]["all_of"][0].erase("op"); },
       "rules[0].all_of[0].op", "is required"},
      {"missing value", [](json& d) { d["rules"][0]["all_of"][0].erase("value"); },
       "rules[0].all_of[0].value", "is required"},
      {"value not integer", [](json& d) { d["rules"][0]["all_of"][0]["value"] = 13.5; },
       "rules[0].all_of[0].value", "must be a whole number"},
      {"value as bool", [](json& d) { d["rules"][0]["all_of"][0]["value"] = true; },
       "rules[0].all_of[0].value", "must be a whole number"},
      {"value with is_true", [](json& d) { d["rules"][5]["all_of"][0]["value"] = 1; },
       "rules[5].all_of[0].value", "must be omitted with op is_true"},
      {"unknown condition key", [](json& d) { d["rules"][5]["all_of"][0]["negate"] = true; },
       "rules[5].all_of[0].negate", "is not a known key"},
  };
  for (const auto& c : cases) {
    json doc = ValidDocument();
    c.edit(doc);
    const auto set = ParseMajorCaseRules(doc.dump());
    ASSERT_FALSE(set.ok()) << c.name;
    EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(set.status().field(), c.field) << c.name;
    EXPECT_NE(set.status().message().find(c.message_part), std::string::npos)
        << c.name << ": " << set.status().message();
  }
}

}  // namespace
}  // namespace aegis::domain
