// Filing-review time limits and stage deadlines as configurable rules with their legal basis.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/model.h"

namespace aegis::domain {

struct ReviewTrackRule {
  ReviewTrack track = ReviewTrack::kStandard;
  int days = 3;
  bool requires_approval = false;  // e.g. a supervisor must approve the 30-day track
  std::string basis;               // legal basis, Chinese
  std::string basis_en;
};

// A deadline that a stage transition starts (e.g. detention -> arrest request within 3 days).
struct StageDeadlineRule {
  CaseStage stage = CaseStage::kSuspectDetained;  // entering this stage starts the clock
  int days = 3;
  std::string label;
  std::string label_en;
  std::string basis;
  std::string basis_en;
};

struct DeadlineRules {
  std::string jurisdiction;    // "CN-MPS"
  std::string version;         // "2020"
  int warn_before_hours = 24;  // "nearly due" window
  std::vector<ReviewTrackRule> review_tracks;
  std::vector<StageDeadlineRule> stage_deadlines;

  // Returns the rule for `track`, or nullptr when the rule set has none.
  const ReviewTrackRule* FindTrack(ReviewTrack track) const;
  // Returns the deadline rule started by entering `stage`, or nullptr.
  const StageDeadlineRule* FindStageDeadline(CaseStage stage) const;
};

// The built-in rule set: PRC Public Security Organs' filing-review limits (3 / 7 / 30 days) and
// Criminal Procedure Law custody deadlines.
const DeadlineRules& DefaultDeadlineRules();
// The JSON text DefaultDeadlineRules() is parsed from: a copy of config/deadline_rules.cn.json.
std::string_view DefaultDeadlineRulesJson();

// Parses a rule set from JSON (format in config/deadline_rules.cn.json). Errors name the JSON path.
StatusOr<DeadlineRules> ParseDeadlineRules(std::string_view json);

enum class DeadlineState { kOnTime, kDueSoon, kOverdue, kMet, kMissed };
std::string_view ToString(DeadlineState v);

// Computes the review deadline of a clue received at `received_at` on `track`.
StatusOr<UnixSeconds> ReviewDeadline(const DeadlineRules& rules, ReviewTrack track,
                                     UnixSeconds received_at);

// Classifies a deadline: met/missed once `decided_at` is set, else on time / due soon / overdue.
DeadlineState ClassifyDeadline(const DeadlineRules& rules, UnixSeconds deadline, UnixSeconds now,
                               std::optional<UnixSeconds> decided_at);

}  // namespace aegis::domain
