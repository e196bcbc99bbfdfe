#include "domain/case_lifecycle.h"

#include <algorithm>

namespace aegis::domain {
namespace {

using S = CaseStage;

std::vector<TransitionRule> BuildTransitionRules() {
  const std::vector<Role> investigators = {Role::kOfficer, Role::kSupervisor};
  const std::vector<Role> supervisor = {Role::kSupervisor};
  // Once a case is with the procuratorate, the prosecutor records what happens to it; the
  // supervisor can record it too when the prosecutor has no account.
  const std::vector<Role> prosecution = {Role::kProsecutor, Role::kSupervisor};

  std::vector<TransitionRule> rules = {
      {.from = S::kFiled, .to = S::kUnderInvestigation, .allowed_roles = investigators},
      {.from = S::kUnderInvestigation,
       .to = S::kSuspectIdentified,
       .allowed_roles = investigators,
       .requires_suspect = true},
      {.from = S::kSuspectIdentified, .to = S::kSuspectDetained, .allowed_roles = investigators},
      {.from = S::kSuspectDetained, .to = S::kSolved, .allowed_roles = investigators},
      // A suspect may be summoned or released on bail pending trial rather than detained.
      {.from = S::kSuspectIdentified, .to = S::kSolved, .allowed_roles = investigators},
      {.from = S::kSolved,
       .to = S::kTransferredForProsecution,
       .allowed_roles = supervisor,
       .requires_procuratorate = true,
       .requires_prosecution_checklist = true},
      {.from = S::kTransferredForProsecution, .to = S::kProsecuted, .allowed_roles = prosecution},
      // Returned for supplementary investigation (退回补充侦查): the reason says what is missing.
      {.from = S::kTransferredForProsecution,
       .to = S::kSolved,
       .allowed_roles = prosecution,
       .requires_reason = true},
      {.from = S::kProsecuted, .to = S::kClosed, .allowed_roles = prosecution},
  };
  // Suspending parks a case that cannot progress (e.g. no leads); a supervisor must say why.
  for (S from : {S::kFiled, S::kUnderInvestigation, S::kSuspectIdentified, S::kReopened}) {
    rules.push_back(
        {.from = from, .to = S::kSuspended, .allowed_roles = supervisor, .requires_reason = true});
  }
  rules.push_back({.from = S::kSuspended,
                   .to = S::kReopened,
                   .allowed_roles = supervisor,
                   .requires_reason = true});
  rules.push_back(
      {.from = S::kReopened, .to = S::kUnderInvestigation, .allowed_roles = investigators});
  rules.push_back({.from = S::kReopened,
                   .to = S::kSuspectIdentified,
                   .allowed_roles = investigators,
                   .requires_suspect = true});
  // Withdrawing an open case (撤销案件) closes it without a prosecution; always with a reason.
  for (S from : AllValues<CaseStage>()) {
    if (IsOpenStage(from)) {
      rules.push_back(
          {.from = from, .to = S::kClosed, .allowed_roles = supervisor, .requires_reason = true});
    }
  }
  return rules;
}

const TransitionRule* FindRule(CaseStage from, CaseStage to) {
  for (const auto& rule : TransitionRules()) {
    if (rule.from == from && rule.to == to) return &rule;
  }
  return nullptr;
}

std::string RoleList(const std::vector<Role>& roles) {
  std::string out;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out += i + 1 == roles.size() ? " or " : ", ";
    out += ToString(roles[i]);
  }
  return out;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

const std::vector<TransitionRule>& TransitionRules() {
  static const std::vector<TransitionRule> rules = BuildTransitionRules();
  return rules;
}

std::vector<CaseStage> NextStages(CaseStage from) {
  std::vector<CaseStage> out;
  for (const auto& rule : TransitionRules()) {
    if (rule.from == from) out.push_back(rule.to);
  }
  return out;
}

Status CheckTransition(CaseStage from, CaseStage to, const TransitionContext& ctx,
                       const std::vector<ChecklistItem>& checklist_template) {
  const std::string move =
      "from " + std::string(ToString(from)) + " to " + std::string(ToString(to));
  const TransitionRule* rule = FindRule(from, to);
  if (rule == nullptr) return Status::Conflict("no transition " + move);

  if (std::find(rule->allowed_roles.begin(), rule->allowed_roles.end(), ctx.actor_role) ==
      rule->allowed_roles.end()) {
    return Status::PermissionDenied("only " + RoleList(rule->allowed_roles) + " may move a case " +
                                    move);
  }
  if (rule->requires_reason && IsBlank(ctx.reason)) {
    return Status::InvalidArgument("reason", "a reason is required to move a case " + move);
  }
  if (rule->requires_suspect && ctx.suspect_count <= 0) {
    return Status::Conflict("record at least one suspect before moving the case " + move);
  }
  if (rule->requires_procuratorate && !ctx.has_procuratorate) {
    return Status::InvalidArgument("procuratorate_unit_id",
                                   "name the procuratorate the case is transferred to");
  }
  if (rule->requires_prosecution_checklist) {
    std::string missing;
    for (const auto& item : checklist_template) {
      if (!item.required_for_prosecution) continue;
      const auto& done = ctx.done_checklist_keys;
      if (std::find(done.begin(), done.end(), item.key) != done.end()) continue;
      if (!missing.empty()) missing += ", ";
      missing += item.key;
    }
    if (!missing.empty()) {
      return Status::Conflict("checklist items required for prosecution are not done: " + missing);
    }
  }
  return Status::Ok();
}

bool IsOpenStage(CaseStage stage) {
  switch (stage) {
    case S::kFiled:
    case S::kUnderInvestigation:
    case S::kSuspectIdentified:
    case S::kSuspectDetained:
    case S::kReopened:
      return true;
    default:
      return false;
  }
}

// Closed is not counted: a case can be closed by withdrawal (撤销案件) without being solved.
bool CountsAsSolved(CaseStage stage) {
  return stage == S::kSolved || stage == S::kTransferredForProsecution || stage == S::kProsecuted;
}

const std::vector<ChecklistItem>& StandardChecklist() {
  static const std::vector<ChecklistItem> items = [] {
    const auto item = [](std::string key, std::string label, std::string label_en, CaseStage stage,
                         bool required) {
      ChecklistItem i;
      i.key = std::move(key);
      i.label = std::move(label);
      i.label_en = std::move(label_en);
      i.stage = stage;
      i.required_for_prosecution = required;
      return i;
    };
    return std::vector<ChecklistItem>{
        item("report_recorded", "报案登记（受案登记、报案笔录）", "Report recorded", S::kFiled,
             false),
        item("victim_interview", "被害人询问笔录", "Victim interview", S::kUnderInvestigation,
             true),
        item("scene_examination", "现场勘验检查", "Scene examination", S::kUnderInvestigation,
             true),
        item("medical_examination", "被害人人身检查（法医检验）",
             "Medical examination of the victim", S::kUnderInvestigation, true),
        item("evidence_kit_collected", "生物物证提取（性侵害案件物证提取）",
             "Forensic evidence kit collected", S::kUnderInvestigation, true),
        item("digital_evidence", "电子数据提取", "Digital evidence collected",
             S::kUnderInvestigation, false),
        item("witness_statements", "证人询问笔录", "Witness statements", S::kUnderInvestigation,
             false),
        item("suspect_interview", "犯罪嫌疑人讯问笔录", "Suspect interview", S::kSuspectIdentified,
             true),
        item("suspect_identification", "组织辨认（被害人辨认犯罪嫌疑人）",
             "Suspect identification by the victim", S::kSuspectIdentified, true),
        // Filed-stage item: referral to support services should not wait for the investigation.
        item("victim_support_referral", "被害人救助转介", "Victim support referral", S::kFiled,
             false),
        // The kit's laboratory examination: the survivor status page reports it (issue 3).
        item("evidence_kit_examined", "生物物证检验鉴定（已出具检验结果）",
             "Forensic evidence kit examined (results received)", S::kUnderInvestigation, false),
    };
  }();
  return items;
}

bool IsHistoric(std::optional<UnixSeconds> offence_time, UnixSeconds filed_at) {
  if (!offence_time) return false;
  return filed_at - *offence_time >=
         static_cast<UnixSeconds>(kHistoricYears) * 365 * kSecondsPerDay;
}

}  // namespace aegis::domain
