#include "services/policy.h"

#include <algorithm>

namespace aegis::services {

using domain::CaseLabel;
using domain::CaseSection;
using domain::Purpose;
using domain::Role;

namespace {

bool UnderPath(const std::string& path, const std::string& prefix) {
  return !prefix.empty() && path.compare(0, prefix.size(), prefix) == 0;
}

bool OnTeam(const Principal& p, const domain::Case& c) {
  return c.case_manager_id == p.user.id || c.lead_investigator_id == p.user.id ||
         c.file_coordinator_id == p.user.id;
}

bool ProsecutorOf(const Principal& p, const domain::Case& c) {
  return p.user.role == Role::kProsecutor && c.procuratorate_unit_id == p.unit.id;
}

// Team, supervisors over the owning unit and the procuratorate: they see every section.
bool Privileged(const Principal& p, const domain::Case& c, const std::string& case_unit_path) {
  return OnTeam(p, c) || ProsecutorOf(p, c) ||
         (p.user.role == Role::kSupervisor && UnderPath(case_unit_path, p.unit.path));
}

constexpr std::uint32_t kHiddenLabels =
    domain::Bit(CaseLabel::kRestricted) | domain::Bit(CaseLabel::kSealed);

}  // namespace

const std::vector<Purpose>& AllowedPurposes(Role role) {
  static const std::vector<Purpose> kOfficer = {Purpose::kInvestigation, Purpose::kVictimSupport};
  static const std::vector<Purpose> kSupervisor = {Purpose::kInvestigation, Purpose::kSupervision,
                                                   Purpose::kVictimSupport, Purpose::kAnalysis,
                                                   Purpose::kAuditReview};
  static const std::vector<Purpose> kAnalyst = {Purpose::kAnalysis};
  static const std::vector<Purpose> kForensic = {Purpose::kForensicExamination};
  static const std::vector<Purpose> kProsecutor = {Purpose::kProsecution};
  static const std::vector<Purpose> kPartner = {Purpose::kVictimSupport};
  static const std::vector<Purpose> kAdministrator = {Purpose::kAdministration};
  static const std::vector<Purpose> kPrivacy = {Purpose::kAuditReview};
  switch (role) {
    case Role::kOfficer:
      return kOfficer;
    case Role::kSupervisor:
      return kSupervisor;
    case Role::kAnalyst:
      return kAnalyst;
    case Role::kForensic:
      return kForensic;
    case Role::kProsecutor:
      return kProsecutor;
    case Role::kPartner:
      return kPartner;
    case Role::kAdministrator:
      return kAdministrator;
    case Role::kPrivacyOfficer:
      return kPrivacy;
  }
  return kOfficer;
}

bool Policy::MayStatePurpose(const Principal& p, Purpose purpose) const {
  const auto& allowed = AllowedPurposes(p.user.role);
  return std::find(allowed.begin(), allowed.end(), purpose) != allowed.end();
}

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
    case Capability::kBreakGlass:
      return r == Role::kOfficer || r == Role::kSupervisor || r == Role::kAnalyst ||
             r == Role::kForensic || r == Role::kProsecutor;
    case Capability::kReviewBreakGlass:
      return r == Role::kSupervisor || r == Role::kPrivacyOfficer;
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
      scope.unit_path_prefixes = {p.unit.path};
      scope.team_member = p.user.id;
      scope.shared_units = {p.unit.id};
      break;
    case Role::kSupervisor:
      scope.unit_path_prefixes = {p.unit.path};
      scope.team_member = p.user.id;
      scope.shared_units = {p.unit.id};
      // Restricted and sealed cases stay open to the supervisors over their owning unit.
      scope.label_cleared_prefixes = {p.unit.path};
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
    case Role::kPartner:         // partner agencies see referrals only, never cases
    case Role::kAdministrator:   // administrators manage accounts, not case content
    case Role::kPrivacyOfficer:  // privacy officers audit access, they never see case content
      return scope;
  }
  scope.hidden_labels = kHiddenLabels;
  if (Allows(p, Capability::kBreakGlass)) {
    scope.break_glass_cases = p.break_glass_cases;
    scope.grant_excluded_labels = domain::Bit(CaseLabel::kSealed);
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

std::uint32_t Policy::HiddenClueCaseLabels(const Principal& p) const {
  // Supervisors are cleared for labelled cases in their subtree, which is where their clues come
  // from; everyone else does not see the clue of a restricted or sealed case.
  return p.user.role == Role::kSupervisor ? 0 : kHiddenLabels;
}

bool Policy::MaySeeSection(const Principal& p, const domain::Case& c,
                           const std::string& case_unit_path, CaseSection section) const {
  if (!p.user.active || p.enrolment_only) return false;
  const bool about_people =
      section == CaseSection::kPersons || section == CaseSection::kVictimSupport;
  // Analysis works on cases, not on people, whoever states it.
  if (about_people && p.purpose == Purpose::kAnalysis && !OnTeam(p, c)) return false;
  if (Privileged(p, c, case_unit_path)) return true;
  if (c.SectionRestricted(section)) return false;
  if (about_people && c.Has(CaseLabel::kMinorVictim)) {
    // A minor's persons and support: the owning unit chain's investigators only.
    const bool investigator = p.user.role == Role::kOfficer || p.user.role == Role::kSupervisor;
    return investigator && UnderPath(case_unit_path, p.unit.path);
  }
  return true;
}

bool Policy::MayLabelCase(const Principal& p, const domain::Case& c,
                          const std::string& case_unit_path) const {
  (void)c;
  return Allows(p, Capability::kViewBoard) && UnderPath(case_unit_path, p.unit.path);
}

bool Policy::MayModifyCase(const domain::Case& c) const { return !c.Has(CaseLabel::kSealed); }

bool Policy::MayBreakGlass(const Principal& p, const domain::Case& c) const {
  return Allows(p, Capability::kBreakGlass) && !c.Has(CaseLabel::kSealed);
}

bool Policy::MaySeeClue(const Principal& p, const std::string& unit_path) const {
  for (const auto& prefix : ClueUnitPrefixes(p))
    if (unit_path.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

bool Policy::MayRevealIdentity(const Principal& p, const domain::Case& c,
                               const std::string& case_unit_path) const {
  if (!p.user.active || p.enrolment_only) return false;
  if (p.purpose != Purpose::kInvestigation && p.purpose != Purpose::kProsecution &&
      p.purpose != Purpose::kVictimSupport)
    return false;
  const bool on_team = OnTeam(p, c);
  if (c.Has(CaseLabel::kSealed)) return on_team || ProsecutorOf(p, c);
  switch (p.user.role) {
    case Role::kSupervisor:
      // The supervisors above the owning unit, or on the case team.
      return on_team || UnderPath(case_unit_path, p.unit.path);
    case Role::kOfficer:
      // A minor's identity: the case team only.
      if (c.Has(CaseLabel::kMinorVictim)) return on_team;
      return on_team || c.unit_id == p.unit.id;
    case Role::kProsecutor:
      return ProsecutorOf(p, c);
    default:
      return false;
  }
}

bool Policy::MayExportCase(const Principal& p, const domain::Case& c,
                           const std::string& case_unit_path) const {
  if (!Allows(p, Capability::kExportCase)) return false;
  // A court's seal forbids passing the case on; analysis works on figures, not case files.
  if (c.Has(CaseLabel::kSealed) || p.purpose == Purpose::kAnalysis) return false;
  if (OnTeam(p, c)) return true;
  if (p.user.role == Role::kOfficer) return c.unit_id == p.unit.id;
  // Supervisors: the owning unit or a unit below theirs. A break-glass grant is none of these.
  return UnderPath(case_unit_path, p.unit.path);
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

bool Policy::MayGrantCaseAccess(const Principal& p, const domain::Case& c,
                                const std::string& case_unit_path) const {
  if (!Allows(p, Capability::kEditCase) || c.unit_id == 0 || case_unit_path.empty()) return false;
  return case_unit_path.compare(0, p.unit.path.size(), p.unit.path) == 0;
}

}  // namespace aegis::services
