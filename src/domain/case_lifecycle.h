// The standard case lifecycle: which transitions exist, who may make them, what must be present.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/model.h"

namespace aegis::domain {

// What a transition needs to know about the case beyond its stage.
struct TransitionContext {
  Role actor_role = Role::kOfficer;
  int suspect_count = 0;  // persons with role suspect
  std::vector<std::string> done_checklist_keys;
  bool has_procuratorate = false;  // a target procuratorate is named (for transfer)
  std::string reason;              // free text; required by some transitions
};

struct TransitionRule {
  CaseStage from;
  CaseStage to;
  std::vector<Role> allowed_roles;
  bool requires_reason = false;
  bool requires_suspect = false;
  bool requires_procuratorate = false;
  bool requires_prosecution_checklist = false;  // every required_for_prosecution item done
};

// All permitted transitions.
const std::vector<TransitionRule>& TransitionRules();

// Stages reachable from `from` (for the UI's transition buttons).
std::vector<CaseStage> NextStages(CaseStage from);

// Checks a transition. Returns OK, PermissionDenied (role not allowed), or Conflict naming the
// reason (no such transition from this stage, missing suspect, checklist items missing, ...),
// or InvalidArgument("reason") when a reason is required and empty.
Status CheckTransition(CaseStage from, CaseStage to, const TransitionContext& ctx,
                       const std::vector<ChecklistItem>& checklist_template);

// True for stages in which the case is still open for investigation work.
bool IsOpenStage(CaseStage stage);
// True for stages that count as "solved" in campaign figures.
bool CountsAsSolved(CaseStage stage);

// The standard checklist every case starts with (victim interview, scene, medical exam and kit,
// ...).
const std::vector<ChecklistItem>& StandardChecklist();

// True when the offence happened long enough before filing for the case to count as historic.
bool IsHistoric(std::optional<UnixSeconds> offence_time, UnixSeconds filed_at);
inline constexpr int kHistoricYears = 1;

}  // namespace aegis::domain
