// Work lists, the supervisor board and campaign figures.
#include <algorithm>

#include "services/internal/service_util.h"
#include "services/services.h"

namespace aegis::services {

using internal::MakeAudit;
using internal::Names;
using namespace aegis::domain;

StatusOr<WorklistView> Services::Worklist(const Principal& p) {
  const UnixSeconds now = Now();
  WorklistView out;
  ClueListInput clues;
  clues.status = ClueStatus::kPendingReview;
  clues.page.sort = "review_deadline";
  clues.page.descending = false;
  clues.page.limit = 100;
  // Officers see the clues they must review; supervisors every pending clue of their unit tree.
  if (p.user.role != Role::kSupervisor) clues.assigned_to = p.user.id;
  if (!policy_.ClueUnitPrefixes(p).empty()) {
    AEGIS_ASSIGN_OR_RETURN(auto list, ListClues(p, clues));
    out.clues = std::move(list.items);
  }
  for (const auto& c : out.clues) {
    if (c.deadline_state == DeadlineState::kOverdue) ++out.overdue;
    if (c.deadline_state == DeadlineState::kDueSoon) ++out.due_soon;
  }
  storage::CaseQuery q;
  q.scope = policy_.CaseScopeFor(p);
  q.team_member = p.user.id;
  q.open = true;
  q.page.sort = "priority";
  q.page.limit = 100;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    Names names(r);
    AEGIS_ASSIGN_OR_RETURN(auto cases, r.ListCases(q));
    for (const auto& c : cases.items) {
      CaseSummaryView v;
      v.c = c;
      v.unit_name = names.UnitName(c.unit_id);
      v.lead_investigator_name = names.User(c.lead_investigator_id);
      if (c.stage_deadline) {
        v.deadline_state = ClassifyDeadline(deadline_rules_, *c.stage_deadline, now, std::nullopt);
        if (*v.deadline_state == DeadlineState::kOverdue) ++out.overdue;
        if (*v.deadline_state == DeadlineState::kDueSoon) ++out.due_soon;
      }
      out.cases.push_back(std::move(v));
    }
    AEGIS_ASSIGN_OR_RETURN(auto actions, r.ListOpenActionsOf(p.user.id, 100));
    for (auto& a : actions) {
      // An action on a case the caller cannot open (any more: moved to another unit, say) stays
      // off the list, with its case's reference.
      AEGIS_ASSIGN_OR_RETURN(bool visible, r.CaseInScope(a.case_id, q.scope));
      if (!visible) continue;
      AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(a.case_id));
      const bool overdue = a.due_at && *a.due_at < now;
      if (overdue) ++out.overdue;
      out.actions.push_back({a, names.User(a.owner_id), overdue, c ? c->reference : ""});
    }
    return Status::Ok();
  }));
  AEGIS_ASSIGN_OR_RETURN(out.referral_alerts, StalledReferrals(p));
  AEGIS_ASSIGN_OR_RETURN(out.alerts, ListAlerts(p, true));
  auditor_->Record(MakeAudit(p, now, "worklist.read", "user", p.user.id, true));
  return out;
}

StatusOr<BoardView> Services::Board(const Principal& p) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kViewBoard)) {
    auditor_->Record(MakeAudit(p, now, "board.read", "unit", p.unit.id, false));
    return Status::PermissionDenied("the board is for supervisors");
  }
  BoardView out;
  ClueListInput pending;
  pending.status = ClueStatus::kPendingReview;
  pending.page.sort = "review_deadline";
  pending.page.descending = false;
  pending.page.limit = 100;
  AEGIS_ASSIGN_OR_RETURN(auto list, ListClues(p, pending));
  out.pending_decisions = std::move(list.items);
  ClueListInput count = pending;
  count.page.limit = 1;
  count.deadline_state = DeadlineState::kOverdue;
  AEGIS_ASSIGN_OR_RETURN(auto overdue, ListClues(p, count));
  out.overdue_decisions = overdue.total;
  count.deadline_state = DeadlineState::kDueSoon;
  AEGIS_ASSIGN_OR_RETURN(auto due_soon, ListClues(p, count));
  out.due_soon_decisions = due_soon.total;

  storage::CaseQuery q;
  q.scope = policy_.CaseScopeFor(p);
  q.major = true;
  q.open = true;
  q.page.sort = "priority";
  q.page.limit = 50;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    Names names(r);
    AEGIS_ASSIGN_OR_RETURN(auto cases, r.ListCases(q));
    out.open_major = cases.total;
    for (const auto& c : cases.items) {
      CaseSummaryView v;
      v.c = c;
      v.unit_name = names.UnitName(c.unit_id);
      v.lead_investigator_name = names.User(c.lead_investigator_id);
      if (c.stage_deadline)
        v.deadline_state = ClassifyDeadline(deadline_rules_, *c.stage_deadline, now, std::nullopt);
      out.major_cases.push_back(std::move(v));
    }
    AEGIS_ASSIGN_OR_RETURN(auto rows, r.Workload(p.unit.path, now));
    for (const auto& w : rows) {
      out.workload.push_back(
          {w.user_id, names.User(w.user_id), w.open_actions, w.overdue_actions, w.open_cases});
    }
    AEGIS_ASSIGN_OR_RETURN(auto incoming, r.ListAssistanceTo(p.unit.id, true));
    for (auto& a : incoming) {
      AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(a.case_id));
      out.assistance_incoming.push_back(
          {a, names.UnitName(a.from_unit_id), names.UnitName(a.to_unit_id), c ? c->reference : ""});
    }
    return Status::Ok();
  }));
  auditor_->Record(MakeAudit(p, now, "board.read", "unit", p.unit.id, true));
  return out;
}

StatusOr<DashboardView> Services::Dashboard(const Principal& p, std::optional<Id> campaign_id,
                                            std::optional<Id> unit_id) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kViewDashboard)) {
    auditor_->Record(MakeAudit(p, now, "dashboard.read", "unit", p.unit.id, false));
    return Status::PermissionDenied("your role has no campaign dashboard");
  }
  DashboardView out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto campaigns, r.ListCampaigns());
    if (campaign_id) {
      for (const auto& c : campaigns)
        if (c.id == *campaign_id) out.campaign = c;
      if (!out.campaign) return Status::NotFound("campaign not found");
    } else if (!campaigns.empty()) {
      out.campaign = campaigns.front();  // the most recent
    }
    // The figures cover the requested unit, never more than the caller's own subtree.
    Unit scope = p.unit;
    if (unit_id) {
      AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(*unit_id));
      if (!unit || unit->path.compare(0, p.unit.path.size(), p.unit.path) != 0)
        return Status::NotFound("unit not found");
      scope = *unit;
    } else if (out.campaign) {
      AEGIS_ASSIGN_OR_RETURN(auto cu, r.GetUnit(out.campaign->scope_unit_id));
      // A caller above the campaign's scope sees the campaign's scope unit.
      if (cu && cu->path.compare(0, p.unit.path.size(), p.unit.path) == 0) scope = *cu;
    }
    out.scope_unit = scope;
    storage::DashboardQuery q;
    q.scope = policy_.CaseScopeFor(p);
    // Dashboards count by owning unit only: team and shared cases of other units stay out, so a
    // figure never includes a case that the unit's own view would not.
    q.scope.team_member.reset();
    q.scope.shared_units.clear();
    q.scope.break_glass_cases.clear();
    q.clue_unit_prefixes = policy_.ClueUnitPrefixes(p);
    q.hidden_clue_case_labels = policy_.HiddenClueCaseLabels(p);
    q.scope_unit_path = scope.path;
    q.since = out.campaign ? out.campaign->starts_at : 0;
    q.until = out.campaign ? out.campaign->ends_at : std::nullopt;
    q.now = now;
    AEGIS_ASSIGN_OR_RETURN(auto units, r.ListUnits());
    std::vector<Unit> children;
    for (const auto& u : units)
      if (u.parent_id == scope.id) children.push_back(u);
    for (const auto& u : children) q.group_units.push_back({u.id, u.path});
    AEGIS_ASSIGN_OR_RETURN(auto figures, r.Dashboard(q));
    out.totals = figures.totals;
    for (size_t i = 0; i < children.size(); ++i)
      out.by_unit.push_back({children[i], figures.by_unit[i].figures});
    out.by_month = figures.by_month;
    return Status::Ok();
  }));
  auditor_->Record(MakeAudit(p, now, "dashboard.read", "unit", out.scope_unit.id, true));
  return out;
}

}  // namespace aegis::services
