#include "services/policy.h"

namespace aegis::services {

using domain::Role;

bool Policy::Allows(const Principal& p, Capability c) const {
  const Role r = p.user.role;
  if (!p.user.active || p.enrolment_only) return false;
  switch (c) {
    case Capability::kIntakeClue:
    case Capability::kReviewClue:
    case Capability::kEditCase:
      return r == Role::kOfficer || r == Role::kSupervisor;
    case Capability::kDecideClue:
    case Capability::kApproveLongTrack:
    case Capability::kViewBoard:
      return r == Role::kSupervisor;
    case Capability::kTransitionCase:
      return r == Role::kOfficer || r == Role::kSupervisor || r == Role::kProsecutor;
    case Capability::kViewDashboard:
      return r == Role::kOfficer || r == Role::kSupervisor || r == Role::kAnalyst;
    case Capability::kManageUsers:
      return r == Role::kAdministrator;
    case Capability::kQueryAudit:
      return r == Role::kSupervisor || r == Role::kPrivacyOfficer;
    case Capability::kRecordInterview:
    case Capability::kManageVictimSupport:
      return r == Role::kOfficer || r == Role::kSupervisor;
    case Capability::kApproveFurtherInterview:
      return r == Role::kSupervisor;
    case Capability::kWorkReferrals:
      return r == Role::kPartner;
    case Capability::kExportCase:
      return r == Role::kOfficer || r == Role::kSupervisor;
  }
  return false;
}

storage::CaseScope Policy::CaseScopeFor(const Principal& p) const {
  storage::CaseScope scope;
  if (!p.user.active || p.enrolment_only) return scope;
  switch (p.user.role) {
    case Role::kOfficer:
    case Role::kSupervisor:
      scope.unit_path_prefixes = {p.unit.path};
      scope.team_member = p.user.id;
      scope.shared_units = {p.unit.id};
      break;
    case Role::kAnalyst:
    case Role::kForensic:
      scope.unit_path_prefixes = {p.unit.path};
      scope.shared_units = {p.unit.id};
      break;
    case Role::kProsecutor:
      // Prosecutors see a case once it has been transferred to their procuratorate.
      scope.procuratorate_unit = p.unit.id;
      break;
    case Role::kPartner:         // partner agencies see referrals only (issue 3), never cases
    case Role::kAdministrator:   // administrators manage accounts, not case content
    case Role::kPrivacyOfficer:  // privacy officers audit access, they never see case content
      break;
  }
  return scope;
}

std::vector<std::string> Policy::ClueUnitPrefixes(const Principal& p) const {
  if (!p.user.active || p.enrolment_only) return {};
  switch (p.user.role) {
    case Role::kOfficer:
    case Role::kSupervisor:
    case Role::kAnalyst:
      return {p.unit.path};
    default:
      return {};
  }
}

bool Policy::MaySeeClue(const Principal& p, const std::string& unit_path) const {
  for (const auto& prefix : ClueUnitPrefixes(p))
    if (unit_path.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

bool Policy::MayRevealIdentity(const Principal& p, const domain::Case& c,
                               const std::string& case_unit_path) const {
  if (!p.user.active || p.enrolment_only) return false;
  const bool on_team = c.case_manager_id == p.user.id || c.lead_investigator_id == p.user.id ||
                       c.file_coordinator_id == p.user.id;
  switch (p.user.role) {
    case Role::kSupervisor:
      // The supervisors above the owning unit, or on the case team.
      return on_team || case_unit_path.compare(0, p.unit.path.size(), p.unit.path) == 0;
    case Role::kOfficer:
      return on_team || c.unit_id == p.unit.id;
    case Role::kProsecutor:
      return c.procuratorate_unit_id == p.unit.id;
    default:
      return false;
  }
}

bool Policy::MayExportCase(const Principal& p, const domain::Case& c,
                           const std::string& case_unit_path) const {
  if (!Allows(p, Capability::kExportCase)) return false;
  const bool on_team = c.case_manager_id == p.user.id || c.lead_investigator_id == p.user.id ||
                       c.file_coordinator_id == p.user.id;
  if (on_team) return true;
  if (p.user.role == Role::kOfficer) return c.unit_id == p.unit.id;
  // Supervisors: the owning unit or a unit below theirs.
  return !p.unit.path.empty() && case_unit_path.compare(0, p.unit.path.size(), p.unit.path) == 0;
}

std::vector<std::string> Policy::AuditUnitPrefixes(const Principal& p) const {
  if (!Allows(p, Capability::kQueryAudit)) return {};
  return {p.unit.path};
}

bool Policy::MaySeeAuditDetail(const Principal& p) const {
  return p.user.active && p.user.role == Role::kSupervisor;
}

bool Policy::MaySeeReferral(const Principal& p, const domain::Referral& r) const {
  return Allows(p, Capability::kWorkReferrals) && p.unit.type == domain::UnitType::kPartner &&
         p.unit.id == r.partner_unit_id;
}

std::vector<domain::ContactField> Policy::SharedContactFields(
    const Principal& p, const domain::Referral& r, const domain::ReferralConsent& consent) const {
  if (!MaySeeReferral(p, r)) return {};
  if (!consent.active() || consent.id != r.consent_id) return {};
  if (!domain::IsOpenReferral(r.status)) return {};
  // The consent must still name this agency (it always does for referrals made under it; the
  // check keeps the rule in one place).
  bool named = false;
  for (domain::Id unit : consent.agency_unit_ids) named |= unit == r.partner_unit_id;
  if (!named) return {};
  return consent.fields;
}

}  // namespace aegis::services
