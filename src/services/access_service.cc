// Need-to-know access: break-glass grants with their alerts and review, and the alerts a user
// receives inside Aegis. Labels are changed in case_service.cc (they return the case page).
#include <algorithm>
#include <set>

#include "services/internal/service_util.h"
#include "services/services.h"

namespace aegis::services {

using internal::MakeAudit;
using internal::Names;
using json = nlohmann::json;
using namespace aegis::domain;

namespace {

bool UnderPath(const std::string& path, const std::string& prefix) {
  return path.compare(0, prefix.size(), prefix) == 0;
}

StatusOr<BreakGlassView> ViewOf(storage::Repo& r, Names& names, const storage::BreakGlassGrant& g) {
  BreakGlassView v;
  v.grant = g;
  AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(g.case_id));
  if (c) v.case_reference = c->reference;
  v.user_name = names.User(g.user_id);
  AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(g.user_id));
  if (user) v.user_unit_name = names.UnitName(user->unit_id);
  v.reviewer_name = names.User(g.reviewed_by);
  return v;
}

// Who hears of a break-glass on case `c`: its team and the supervisors of the owning unit (or,
// when it has none, of the nearest unit above that has).
StatusOr<std::vector<Id>> BreakGlassRecipients(storage::Repo& r, const Case& c, Id grantee) {
  std::set<Id> out;
  for (auto id : {c.case_manager_id, c.lead_investigator_id, c.file_coordinator_id})
    if (id) out.insert(*id);
  std::string path = c.unit_path;
  while (!path.empty()) {
    AEGIS_ASSIGN_OR_RETURN(auto users, r.ListUsers(path, Role::kSupervisor));
    bool found = false;
    for (const auto& u : users) {
      AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(u.unit_id));
      if (u.active && unit && unit->path == path) {
        out.insert(u.id);
        found = true;
      }
    }
    if (found) break;
    // One level up: "/1/4/17/" -> "/1/4/".
    const size_t cut = path.find_last_of('/', path.size() - 2);
    path = cut == std::string::npos || cut == 0 ? std::string() : path.substr(0, cut + 1);
  }
  out.erase(grantee);
  return std::vector<Id>(out.begin(), out.end());
}

}  // namespace

Status Services::StatePurpose(Principal& p, std::string_view name) {
  const std::optional<Purpose> purpose = Parse<Purpose>(name);
  if (!purpose || *purpose == Purpose::kEmergency) {
    std::string names;
    for (Purpose v : AllValues<Purpose>())
      if (v != Purpose::kEmergency) names += (names.empty() ? "" : ", ") + std::string(ToString(v));
    return Status::InvalidArgument("X-Aegis-Purpose", "must be one of: " + names);
  }
  if (!policy_.MayStatePurpose(p, *purpose)) {
    auditor_->Record(MakeAudit(p, Now(), "purpose.state", "user", p.user.id, false,
                               {{"purpose", ToString(*purpose)}}));
    return Status::PermissionDenied("your role may not work with the purpose " +
                                    std::string(ToString(*purpose)));
  }
  p.purpose = *purpose;
  return Status::Ok();
}

StatusOr<BreakGlassView> Services::BreakGlass(const Principal& p, const BreakGlassInput& in) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kBreakGlass)) {
    auditor_->Record(MakeAudit(p, now, "case.break_glass", "case", in.case_id, false));
    return Status::PermissionDenied("your role may not open cases by break-glass");
  }
  if (!in.case_id && in.reference.empty())
    return Status::InvalidArgument("reference", "give the case reference or case_id");
  AEGIS_RETURN_IF_ERROR(internal::CheckText("reference", in.reference, 0, 40));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("reason", in.reason, 10, 1000));
  BreakGlassView view;
  std::optional<Id> case_id = in.case_id;
  std::string refusal;
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    if (!case_id) {
      AEGIS_ASSIGN_OR_RETURN(case_id, r.Access().FindCaseByReference(in.reference));
    }
    // An unknown case runs the same statements as a sealed one (case 0 is never there), so that
    // the time of the answer does not tell that a sealed case exists either.
    AEGIS_ASSIGN_OR_RETURN(std::optional<Case> c, r.GetCase(case_id.value_or(0)));
    storage::CaseScope ordinary = policy_.CaseScopeFor(p);
    ordinary.break_glass_cases.clear();
    AEGIS_ASSIGN_OR_RETURN(bool open, r.CaseInScope(c ? c->id : 0, ordinary));
    if (!c) {
      refusal = "unknown";
      return Status::NotFound("case not found");
    }
    if (open) {
      refusal = "already_open";
      return Status::Conflict("you can already open this case; no emergency access is needed");
    }
    // A sealed case answers like an unknown one: a court order is not to be argued with here.
    if (!policy_.MayBreakGlass(p, *c)) {
      refusal = "sealed";
      return Status::NotFound("case not found");
    }
    AEGIS_ASSIGN_OR_RETURN(auto held, r.Access().ActiveBreakGlassGrant(p.user.id, c->id, now));
    if (held) {
      refusal = "already_granted";
      return Status::Conflict("you already hold emergency access to this case until " +
                              FormatIso8601(held->expires_at));
    }
    storage::BreakGlassGrant g;
    g.case_id = c->id;
    g.user_id = p.user.id;
    g.reason = in.reason;
    g.granted_at = now;
    g.expires_at = now + kBreakGlassSeconds;
    AEGIS_ASSIGN_OR_RETURN(g.id, r.Access().InsertBreakGlassGrant(g));
    AEGIS_ASSIGN_OR_RETURN(auto recipients, BreakGlassRecipients(r, *c, p.user.id));
    const std::string detail = json{
        {"by", p.user.display_name},
        {"reference", c->reference},
        {"reason", in.reason}}.dump();
    for (Id to : recipients) {
      storage::UserAlert a;
      a.user_id = to;
      a.kind = "break_glass";
      a.case_id = c->id;
      a.grant_id = g.id;
      a.detail = detail;
      a.created_at = now;
      AEGIS_RETURN_IF_ERROR(r.Access().InsertAlert(a).status());
    }
    AEGIS_RETURN_IF_ERROR(r.InsertEvent({0, c->id, now, p.user.id, "break_glass",
                                         json{{"grant", g.id}, {"reason", in.reason}}.dump()})
                              .status());
    storage::AuditRecord record =
        MakeAudit(p, now, "case.break_glass", "case", c->id, true,
                  {{"grant", g.id}, {"reason", in.reason}, {"alerted", recipients.size()}});
    record.purpose = std::string(ToString(Purpose::kEmergency));
    AEGIS_RETURN_IF_ERROR(r.AppendAudit({record}));
    Names names(r);
    AEGIS_ASSIGN_OR_RETURN(view, ViewOf(r, names, g));
    return Status::Ok();
  });
  if (!st.ok()) {
    auditor_->Record(MakeAudit(p, now, "case.break_glass", "case", case_id, false,
                               {{"refused", refusal.empty() ? "error" : refusal}}));
    return st;
  }
  // The grant widens the caller's scope: drop cached principals so the next request sees it.
  ForgetAllSessions();
  return view;
}

StatusOr<std::vector<BreakGlassView>> Services::ListBreakGlass(const Principal& p,
                                                               bool unreviewed_only) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kReviewBreakGlass)) {
    auditor_->Record(MakeAudit(p, now, "break_glass.list", "break_glass", std::nullopt, false));
    return Status::PermissionDenied("your role may not review break-glass access");
  }
  std::vector<BreakGlassView> out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    storage::BreakGlassQuery q;
    q.unit_path_prefixes = {p.unit.path};
    q.unreviewed_only = unreviewed_only;
    AEGIS_ASSIGN_OR_RETURN(auto grants, r.Access().ListBreakGlassGrants(q));
    Names names(r);
    for (const auto& g : grants) {
      AEGIS_ASSIGN_OR_RETURN(auto v, ViewOf(r, names, g));
      // Privacy officers see who, when and which case reference, not the stated reason (case
      // content); supervisors see it all.
      if (!policy_.MaySeeAuditDetail(p)) {
        v.grant.reason.clear();
        v.grant.review_note.clear();
      }
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  auditor_->Record(MakeAudit(p, now, "break_glass.list", "break_glass", std::nullopt, true,
                             {{"returned", out.size()}}));
  return out;
}

StatusOr<BreakGlassView> Services::ReviewBreakGlass(const Principal& p, Id grant_id, bool justified,
                                                    const std::string& note) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kReviewBreakGlass)) {
    auditor_->Record(MakeAudit(p, now, "break_glass.review", "break_glass", grant_id, false));
    return Status::PermissionDenied("your role may not review break-glass access");
  }
  AEGIS_RETURN_IF_ERROR(internal::CheckText("note", note, justified ? 0 : 5, 1000));
  BreakGlassView view;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto g, r.Access().GetBreakGlassGrant(grant_id));
    if (!g) return Status::NotFound("grant not found");
    AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(g->case_id));
    AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(g->user_id));
    Names names(r);
    const Unit* user_unit = user ? names.Unit(user->unit_id) : nullptr;
    const bool in_scope = (c && UnderPath(c->unit_path, p.unit.path)) ||
                          (user_unit && UnderPath(user_unit->path, p.unit.path));
    if (!in_scope) return Status::NotFound("grant not found");
    if (g->user_id == p.user.id)
      return Status::PermissionDenied("nobody reviews their own break-glass access");
    AEGIS_RETURN_IF_ERROR(
        r.Access().ReviewBreakGlassGrant(grant_id, p.user.id, now, justified, note));
    AEGIS_RETURN_IF_ERROR(r.AppendAudit({MakeAudit(p, now, "break_glass.review", "break_glass",
                                                   grant_id, true, {{"justified", justified}})}));
    AEGIS_ASSIGN_OR_RETURN(auto fresh, r.Access().GetBreakGlassGrant(grant_id));
    AEGIS_ASSIGN_OR_RETURN(view, ViewOf(r, names, *fresh));
    return Status::Ok();
  }));
  return view;
}

StatusOr<std::vector<AlertView>> Services::ListAlerts(const Principal& p, bool unread_only) {
  std::vector<AlertView> out;
  if (!p.user.id || p.enrolment_only) return out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto alerts, r.Access().ListAlerts(p.user.id, unread_only, 50));
    for (auto& a : alerts) {
      AlertView v;
      v.alert = std::move(a);
      if (v.alert.case_id) {
        AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(*v.alert.case_id));
        if (c) v.case_reference = c->reference;
      }
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Status Services::MarkAlertRead(const Principal& p, Id alert_id) {
  bool found = false;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(found, r.Access().MarkAlertRead(alert_id, p.user.id, Now()));
    return Status::Ok();
  }));
  if (!found) return Status::NotFound("alert not found");
  return Status::Ok();
}

}  // namespace aegis::services
