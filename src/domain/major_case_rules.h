// Major-case mechanism: versioned, data-driven rules that flag a case as major and say why.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/model.h"

namespace aegis::domain {

// One condition on OffenceFacts. `fact` is one of: youngest_victim_age, victim_count,
// offender_count, duty_of_care, weapon, serious_injury, online_dating, linked_series,
// repeat_offender. `op` is one of lt, le, gt, ge, eq, ne, is_true. `value` is an integer
// (booleans: 1/0; duty_of_care: 0 none, 1 any duty). A missing age never satisfies a comparison.
struct MajorCaseCondition {
  std::string fact;
  std::string op;
  long value = 0;
};

struct MajorCaseRule {
  std::string key;    // stable identifier, e.g. "victim_under_14"
  std::string label;  // Chinese reason shown on the case
  std::string label_en;
  int priority = 1;                        // weight added to the case priority when it fires
  std::vector<MajorCaseCondition> all_of;  // every condition must hold
};

struct MajorCaseRuleSet {
  std::string version;      // e.g. "2026.1"
  int major_threshold = 1;  // total weight at or above which the case is major
  std::vector<MajorCaseRule> rules;
};

struct MajorCaseAssessment {
  bool major = false;
  int priority = 0;              // sum of fired rule weights
  std::vector<MajorFlag> flags;  // one per fired rule, in rule order
  std::string rules_version;
};

// The built-in rule set (minor victims, several victims/offenders, duty of care, weapon,
// serious injury, online dating, linked series, repeat offender).
const MajorCaseRuleSet& DefaultMajorCaseRules();
// The JSON text DefaultMajorCaseRules() is parsed from: a copy of config/major_case_rules.json.
std::string_view DefaultMajorCaseRulesJson();

// Parses a rule set from JSON (format in config/major_case_rules.json); validates facts and ops.
StatusOr<MajorCaseRuleSet> ParseMajorCaseRules(std::string_view json);

// Evaluates every rule against `facts`.
MajorCaseAssessment AssessMajorCase(const MajorCaseRuleSet& rules, const OffenceFacts& facts);

}  // namespace aegis::domain
