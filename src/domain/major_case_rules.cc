#include "domain/major_case_rules.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "domain/json_fields.h"

namespace aegis::domain {
namespace {

namespace jf = json_fields;

// A byte-for-byte copy of config/major_case_rules.json (major_case_rules_test checks they
// match), so the binary works without a config directory while the file stays the editable,
// reviewable statement of the rules.
constexpr std::string_view kDefaultRulesJson = R"json({
  "version": "2026.1",
  "major_threshold": 1,
  "rules": [
    {
      "key": "victim_under_14",
      "label": "被害人未满十四周岁",
      "label_en": "Victim under 14",
      "priority": 3,
      "all_of": [
        { "fact": "youngest_victim_age", "op": "lt", "value": 14 }
      ]
    },
    {
      "key": "victim_under_18",
      "label": "被害人已满十四周岁未满十八周岁",
      "label_en": "Victim aged 14 to 17",
      "priority": 2,
      "all_of": [
        { "fact": "youngest_victim_age", "op": "ge", "value": 14 },
        { "fact": "youngest_victim_age", "op": "lt", "value": 18 }
      ]
    },
    {
      "key": "multiple_victims",
      "label": "被害人两人以上",
      "label_en": "Two or more victims",
      "priority": 2,
      "all_of": [
        { "fact": "victim_count", "op": "ge", "value": 2 }
      ]
    },
    {
      "key": "multiple_offenders",
      "label": "作案人两人以上",
      "label_en": "Two or more offenders",
      "priority": 2,
      "all_of": [
        { "fact": "offender_count", "op": "ge", "value": 2 }
      ]
    },
    {
      "key": "duty_of_care",
      "label": "负有特殊职责的人员（教师、监护人、医生等）",
      "label_en": "Offender in a position of trust (teacher, guardian, doctor, ...)",
      "priority": 2,
      "all_of": [
        { "fact": "duty_of_care", "op": "ne", "value": 0 }
      ]
    },
    {
      "key": "weapon",
      "label": "持凶器作案",
      "label_en": "Weapon used",
      "priority": 1,
      "all_of": [
        { "fact": "weapon", "op": "is_true" }
      ]
    },
    {
      "key": "serious_injury",
      "label": "致被害人重伤",
      "label_en": "Victim seriously injured",
      "priority": 2,
      "all_of": [
        { "fact": "serious_injury", "op": "is_true" }
      ]
    },
    {
      "key": "online_dating",
      "label": "网络交友型",
      "label_en": "Offender met the victim online (dating app or social network)",
      "priority": 1,
      "all_of": [
        { "fact": "online_dating", "op": "is_true" }
      ]
    },
    {
      "key": "linked_series",
      "label": "系列案件（已串并）",
      "label_en": "Linked to other cases in a series",
      "priority": 2,
      "all_of": [
        { "fact": "linked_series", "op": "is_true" }
      ]
    },
    {
      "key": "repeat_offender",
      "label": "嫌疑人有性犯罪前科",
      "label_en": "Suspect has a prior sexual-offence record",
      "priority": 2,
      "all_of": [
        { "fact": "repeat_offender", "op": "is_true" }
      ]
    }
  ]
}
)json";

constexpr std::array<std::string_view, 9> kFacts = {
    "youngest_victim_age", "victim_count",  "offender_count", "duty_of_care",    "weapon",
    "serious_injury",      "online_dating", "linked_series",  "repeat_offender",
};
constexpr std::array<std::string_view, 7> kOps = {"lt", "le", "gt", "ge", "eq", "ne", "is_true"};

// Rule sets are written by people; bounds catch typos without limiting any sensible rule.
constexpr std::int64_t kMaxPriority = 100;
constexpr std::int64_t kMaxThreshold = 10000;
constexpr std::int64_t kMaxConditionValue = 1000000;

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

template <std::size_t N>
std::string JoinNames(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

bool IsRuleKey(std::string_view key) {
  if (key.empty() || key[0] < 'a' || key[0] > 'z') return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// The value of a fact as an integer, or nullopt when unknown (only the victim's age can be).
std::optional<long> FactValue(const OffenceFacts& facts, std::string_view fact) {
  if (fact == "youngest_victim_age") {
    if (!facts.youngest_victim_age) return std::nullopt;
    return *facts.youngest_victim_age;
  }
  if (fact == "victim_count") return facts.victim_count;
  if (fact == "offender_count") return facts.offender_count;
  // Rules speak of "any duty of care"; the kind of relationship is shown on the person record.
  if (fact == "duty_of_care") return facts.duty_of_care == DutyOfCare::kNone ? 0 : 1;
  if (fact == "weapon") return facts.weapon ? 1 : 0;
  if (fact == "serious_injury") return facts.serious_injury ? 1 : 0;
  if (fact == "online_dating") return facts.online_dating ? 1 : 0;
  if (fact == "linked_series") return facts.linked_series ? 1 : 0;
  if (fact == "repeat_offender") return facts.repeat_offender ? 1 : 0;
  return std::nullopt;  // unreachable for parsed rule sets: facts are validated
}

bool Holds(const MajorCaseCondition& c, const OffenceFacts& facts) {
  const std::optional<long> v = FactValue(facts, c.fact);
  if (!v) return false;
  if (c.op == "lt") return *v < c.value;
  if (c.op == "le") return *v <= c.value;
  if (c.op == "gt") return *v > c.value;
  if (c.op == "ge") return *v >= c.value;
  if (c.op == "eq") return *v == c.value;
  if (c.op == "ne") return *v != c.value;
  if (c.op == "is_true") return *v != 0;
  return false;
}

StatusOr<MajorCaseCondition> ParseCondition(const jf::Json& j, const std::string& path) {
  AEGIS_RETURN_IF_ERROR(jf::ExpectObject(j, path, {"fact", "op", "value"}));
  MajorCaseCondition c;
  AEGIS_ASSIGN_OR_RETURN(c.fact, jf::GetString(j, path, "fact"));
  if (!Contains(kFacts, c.fact)) {
    return Status::InvalidArgument(
        jf::Member(path, "fact"),
        "unknown fact \"" + c.fact + "\"; expected one of " + JoinNames(kFacts));
  }
  AEGIS_ASSIGN_OR_RETURN(c.op, jf::GetString(j, path, "op"));
  if (!Contains(kOps, c.op)) {
    return Status::InvalidArgument(
        jf::Member(path, "op"), "unknown op \"" + c.op + "\"; expected one of " + JoinNames(kOps));
  }
  if (c.op == "is_true") {
    // A value next to is_true would suggest it matters; reject it rather than ignore it.
    if (j.contains("value")) {
      return Status::InvalidArgument(jf::Member(path, "value"), "must be omitted with op is_true");
    }
    return c;
  }
  AEGIS_ASSIGN_OR_RETURN(const std::int64_t value,
                         jf::GetInteger(j, path, "value", -kMaxConditionValue, kMaxConditionValue));
  c.value = static_cast<long>(value);
  return c;
}

StatusOr<MajorCaseRule> ParseRule(const jf::Json& j, const std::string& path) {
  AEGIS_RETURN_IF_ERROR(
      jf::ExpectObject(j, path, {"key", "label", "label_en", "priority", "all_of"}));
  MajorCaseRule rule;
  AEGIS_ASSIGN_OR_RETURN(rule.key, jf::GetString(j, path, "key"));
  if (!IsRuleKey(rule.key)) {
    return Status::InvalidArgument(
        jf::Member(path, "key"), "must be lower_snake_case (a-z, 0-9, _), starting with a letter");
  }
  AEGIS_ASSIGN_OR_RETURN(rule.label, jf::GetString(j, path, "label"));
  AEGIS_ASSIGN_OR_RETURN(rule.label_en, jf::GetString(j, path, "label_en"));
  AEGIS_ASSIGN_OR_RETURN(const std::int64_t priority,
                         jf::GetInteger(j, path, "priority", 0, kMaxPriority));
  rule.priority = static_cast<int>(priority);
  const std::string conditions_path = jf::Member(path, "all_of");
  AEGIS_ASSIGN_OR_RETURN(const jf::Json* conditions, jf::GetArray(j, path, "all_of"));
  // An empty all_of would hold for every case and flag everything as major.
  if (conditions->empty()) return Status::InvalidArgument(conditions_path, "must not be empty");
  for (std::size_t i = 0; i < conditions->size(); ++i) {
    AEGIS_ASSIGN_OR_RETURN(MajorCaseCondition c,
                           ParseCondition((*conditions)[i], jf::Element(conditions_path, i)));
    rule.all_of.push_back(std::move(c));
  }
  return rule;
}

}  // namespace

std::string_view DefaultMajorCaseRulesJson() { return kDefaultRulesJson; }

const MajorCaseRuleSet& DefaultMajorCaseRules() {
  static const MajorCaseRuleSet rules = [] {
    auto parsed = ParseMajorCaseRules(kDefaultRulesJson);
    if (!parsed.ok()) {
      // The embedded text is fixed at build time and covered by tests; failing here is a bug.
      std::fprintf(stderr, "built-in major-case rules are invalid: %s\n",
                   parsed.status().ToString().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return rules;
}

StatusOr<MajorCaseRuleSet> ParseMajorCaseRules(std::string_view json) {
  AEGIS_ASSIGN_OR_RETURN(const jf::Json root, jf::ParseDocument(json));
  AEGIS_RETURN_IF_ERROR(jf::ExpectObject(root, "", {"version", "major_threshold", "rules"}));
  MajorCaseRuleSet set;
  AEGIS_ASSIGN_OR_RETURN(set.version, jf::GetString(root, "", "version"));
  AEGIS_ASSIGN_OR_RETURN(const std::int64_t threshold,
                         jf::GetInteger(root, "", "major_threshold", 0, kMaxThreshold));
  set.major_threshold = static_cast<int>(threshold);
  AEGIS_ASSIGN_OR_RETURN(const jf::Json* rules, jf::GetArray(root, "", "rules"));
  if (rules->empty()) return Status::InvalidArgument("rules", "must not be empty");
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const std::string path = jf::Element("rules", i);
    AEGIS_ASSIGN_OR_RETURN(MajorCaseRule rule, ParseRule((*rules)[i], path));
    for (const auto& earlier : set.rules) {
      // Keys are stored on cases as the reason for the flag, so they must identify one rule.
      if (earlier.key == rule.key) {
        return Status::InvalidArgument(jf::Member(path, "key"),
                                       "\"" + rule.key + "\" is used by an earlier rule");
      }
    }
    set.rules.push_back(std::move(rule));
  }
  return set;
}

MajorCaseAssessment AssessMajorCase(const MajorCaseRuleSet& rules, const OffenceFacts& facts) {
  MajorCaseAssessment out;
  out.rules_version = rules.version;
  for (const auto& rule : rules.rules) {
    bool fires = true;
    for (const auto& c : rule.all_of) fires = fires && Holds(c, facts);
    if (!fires) continue;
    out.priority += rule.priority;
    out.flags.push_back(MajorFlag{rule.key, rule.label, rule.label_en, rule.priority});
  }
  out.major = !out.flags.empty() && out.priority >= rules.major_threshold;
  return out;
}

}  // namespace aegis::domain
