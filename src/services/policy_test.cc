#include "services/policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace aegis::services {
namespace {

using domain::Role;

// Units: /1/ province, /1/2/ city, /1/2/3/ station, /1/2/30/ a sibling whose path shares the
// "/1/2/3" text prefix, /1/9/ procuratorate.
domain::Unit MakeUnit(domain::Id id, const std::string& path,
                      domain::UnitType type = domain::UnitType::kStation) {
  domain::Unit u;
  u.id = id;
  u.code = "U" + std::to_string(id);
  u.type = type;
  u.path = path;
  return u;
}

Principal Who(Role role, domain::Id user_id = 100, domain::Unit unit = MakeUnit(3, "/1/2/3/"),
              bool active = true) {
  Principal p;
  p.user.id = user_id;
  p.user.username = "u" + std::to_string(user_id);
  p.user.role = role;
  p.user.unit_id = unit.id;
  p.user.active = active;
  p.unit = unit;
  return p;
}

const std::vector<Role> kAllRoles = {Role::kOfficer,       Role::kSupervisor,    Role::kAnalyst,
                                     Role::kForensic,      Role::kProsecutor,    Role::kPartner,
                                     Role::kAdministrator, Role::kPrivacyOfficer};

TEST(PolicyRoles, TestListCoversEveryRole) { EXPECT_EQ(kAllRoles, domain::AllValues<Role>()); }

TEST(PolicyCaseScope, OfficerAndSupervisorGetSubtreeTeamAndShared) {
  Policy policy;
  for (Role role : {Role::kOfficer, Role::kSupervisor}) {
    const auto scope = policy.CaseScopeFor(Who(role, 42));
    EXPECT_FALSE(scope.all);
    ASSERT_EQ(scope.unit_path_prefixes.size(), 1u);
    EXPECT_EQ(scope.unit_path_prefixes[0], "/1/2/3/");
    ASSERT_TRUE(scope.team_member.has_value());
    EXPECT_EQ(*scope.team_member, 42);
    EXPECT_EQ(scope.shared_units, std::vector<domain::Id>{3});
    EXPECT_FALSE(scope.procuratorate_unit.has_value());
    EXPECT_FALSE(scope.empty());
  }
}

TEST(PolicyCaseScope, AnalystAndForensicGetSubtreeAndSharedButNotTeam) {
  Policy policy;
  for (Role role : {Role::kAnalyst, Role::kForensic}) {
    const auto scope = policy.CaseScopeFor(Who(role, 7));
    EXPECT_FALSE(scope.all);
    EXPECT_EQ(scope.unit_path_prefixes, std::vector<std::string>{"/1/2/3/"});
    EXPECT_FALSE(scope.team_member.has_value());
    EXPECT_EQ(scope.shared_units, std::vector<domain::Id>{3});
    EXPECT_FALSE(scope.procuratorate_unit.has_value());
  }
}

TEST(PolicyCaseScope, ProsecutorSeesOnlyItsProcuratorate) {
  Policy policy;
  const auto scope = policy.CaseScopeFor(
      Who(Role::kProsecutor, 8, MakeUnit(9, "/1/9/", domain::UnitType::kProcuratorate)));
  EXPECT_FALSE(scope.all);
  EXPECT_TRUE(scope.unit_path_prefixes.empty());
  EXPECT_FALSE(scope.team_member.has_value());
  EXPECT_TRUE(scope.shared_units.empty());
  ASSERT_TRUE(scope.procuratorate_unit.has_value());
  EXPECT_EQ(*scope.procuratorate_unit, 9);
}

TEST(PolicyCaseScope, PartnerAndAdministratorSeeNoCases) {
  Policy policy;
  for (Role role : {Role::kPartner, Role::kAdministrator, Role::kPrivacyOfficer}) {
    const auto scope =
        policy.CaseScopeFor(Who(role, 1, MakeUnit(1, "/1/", domain::UnitType::kProvince)));
    EXPECT_TRUE(scope.empty()) << ToString(role);
    EXPECT_FALSE(scope.all);
  }
}

TEST(PolicyCaseScope, InactiveUsersSeeNothing) {
  Policy policy;
  for (Role role : kAllRoles) {
    const auto scope = policy.CaseScopeFor(Who(role, 5, MakeUnit(3, "/1/2/3/"), false));
    EXPECT_TRUE(scope.empty()) << ToString(role);
  }
}

TEST(PolicyCaseScope, NoRoleGetsEverything) {
  Policy policy;
  for (Role role : kAllRoles) EXPECT_FALSE(policy.CaseScopeFor(Who(role)).all) << ToString(role);
}

TEST(PolicyAllows, CapabilityRoleMatrix) {
  Policy policy;
  using C = Capability;
  // The expected matrix, written out in full: capability -> roles granted.
  const std::map<C, std::vector<Role>> granted = {
      {C::kIntakeClue, {Role::kOfficer, Role::kSupervisor}},
      {C::kReviewClue, {Role::kOfficer, Role::kSupervisor}},
      {C::kDecideClue, {Role::kSupervisor}},
      {C::kApproveLongTrack, {Role::kSupervisor}},
      {C::kEditCase, {Role::kOfficer, Role::kSupervisor}},
      {C::kTransitionCase, {Role::kOfficer, Role::kSupervisor, Role::kProsecutor}},
      {C::kViewBoard, {Role::kSupervisor}},
      {C::kViewDashboard, {Role::kOfficer, Role::kSupervisor, Role::kAnalyst}},
      {C::kManageUsers, {Role::kAdministrator}},
      {C::kQueryAudit, {Role::kSupervisor, Role::kPrivacyOfficer}},
  };
  for (const auto& [cap, roles] : granted) {
    for (Role role : kAllRoles) {
      const bool expected = std::find(roles.begin(), roles.end(), role) != roles.end();
      EXPECT_EQ(policy.Allows(Who(role), cap), expected)
          << "capability " << static_cast<int>(cap) << " role " << ToString(role);
      // Deactivated accounts are granted nothing.
      EXPECT_FALSE(policy.Allows(Who(role, 100, MakeUnit(3, "/1/2/3/"), false), cap))
          << "inactive, capability " << static_cast<int>(cap) << " role " << ToString(role);
    }
  }
  EXPECT_EQ(granted.size(), 10u);  // every capability is covered
}

TEST(PolicyClues, PrefixesPerRole) {
  Policy policy;
  for (Role role : {Role::kOfficer, Role::kSupervisor, Role::kAnalyst})
    EXPECT_EQ(policy.ClueUnitPrefixes(Who(role)), std::vector<std::string>{"/1/2/3/"});
  for (Role role : {Role::kForensic, Role::kProsecutor, Role::kPartner, Role::kAdministrator})
    EXPECT_TRUE(policy.ClueUnitPrefixes(Who(role)).empty()) << ToString(role);
  EXPECT_TRUE(
      policy.ClueUnitPrefixes(Who(Role::kOfficer, 1, MakeUnit(3, "/1/2/3/"), false)).empty());
}

TEST(PolicyClues, MaySeeClueOnlyInOwnSubtree) {
  Policy policy;
  const Principal officer = Who(Role::kOfficer);
  EXPECT_TRUE(policy.MaySeeClue(officer, "/1/2/3/"));
  EXPECT_TRUE(policy.MaySeeClue(officer, "/1/2/3/17/"));
  EXPECT_FALSE(policy.MaySeeClue(officer, "/1/2/"));     // parent
  EXPECT_FALSE(policy.MaySeeClue(officer, "/1/2/4/"));   // sibling
  EXPECT_FALSE(policy.MaySeeClue(officer, "/1/2/30/"));  // text prefix but another unit
  EXPECT_FALSE(policy.MaySeeClue(officer, ""));

  const Principal city_sup =
      Who(Role::kSupervisor, 5, MakeUnit(2, "/1/2/", domain::UnitType::kCity));
  EXPECT_TRUE(policy.MaySeeClue(city_sup, "/1/2/3/"));
  EXPECT_TRUE(policy.MaySeeClue(city_sup, "/1/2/30/"));
  EXPECT_FALSE(policy.MaySeeClue(city_sup, "/1/"));

  EXPECT_FALSE(policy.MaySeeClue(Who(Role::kProsecutor), "/1/2/3/"));
  EXPECT_FALSE(policy.MaySeeClue(Who(Role::kAdministrator), "/1/2/3/"));
}

domain::Case MakeCase(domain::Id unit_id) {
  domain::Case c;
  c.id = 1;
  c.unit_id = unit_id;
  return c;
}

TEST(PolicyReveal, SupervisorMayRevealInScope) {
  Policy policy;
  const Principal supervisor = Who(Role::kSupervisor, 100, MakeUnit(2, "/1/2/"));
  EXPECT_TRUE(policy.MayRevealIdentity(supervisor, MakeCase(3), "/1/2/3/"));
  EXPECT_TRUE(policy.MayRevealIdentity(supervisor, MakeCase(2), "/1/2/"));
  // A case of another city shared with this supervisor's unit: its identities stay there.
  EXPECT_FALSE(policy.MayRevealIdentity(supervisor, MakeCase(77), "/1/7/77/"));
  domain::Case on_team = MakeCase(77);
  on_team.case_manager_id = 100;
  EXPECT_TRUE(policy.MayRevealIdentity(supervisor, on_team, "/1/7/77/"));
}

TEST(PolicyReveal, OfficerOfOwningUnitOrOnTheTeam) {
  Policy policy;
  const Principal officer = Who(Role::kOfficer, 100);
  EXPECT_TRUE(policy.MayRevealIdentity(officer, MakeCase(3), "/1/2/3/"));
  domain::Case other = MakeCase(4);
  EXPECT_FALSE(policy.MayRevealIdentity(officer, other, "/1/2/4/"));
  other.lead_investigator_id = 100;
  EXPECT_TRUE(policy.MayRevealIdentity(officer, other, "/1/2/4/"));
  other.lead_investigator_id.reset();
  other.case_manager_id = 100;
  EXPECT_TRUE(policy.MayRevealIdentity(officer, other, "/1/2/4/"));
  other.case_manager_id.reset();
  other.file_coordinator_id = 100;
  EXPECT_TRUE(policy.MayRevealIdentity(officer, other, "/1/2/4/"));
  other.file_coordinator_id = 101;
  EXPECT_FALSE(policy.MayRevealIdentity(officer, other, "/1/2/4/"));
}

TEST(PolicyReveal, ProsecutorOnlyForItsProcuratorate) {
  Policy policy;
  const Principal prosecutor =
      Who(Role::kProsecutor, 8, MakeUnit(9, "/1/9/", domain::UnitType::kProcuratorate));
  domain::Case c = MakeCase(3);
  EXPECT_FALSE(policy.MayRevealIdentity(prosecutor, c, "/1/2/3/"));
  c.procuratorate_unit_id = 10;
  EXPECT_FALSE(policy.MayRevealIdentity(prosecutor, c, "/1/2/3/"));
  c.procuratorate_unit_id = 9;
  EXPECT_TRUE(policy.MayRevealIdentity(prosecutor, c, "/1/2/3/"));
}

TEST(PolicyReveal, OtherRolesNever) {
  Policy policy;
  domain::Case c = MakeCase(3);
  c.lead_investigator_id = 100;
  c.procuratorate_unit_id = 3;
  for (Role role : {Role::kAnalyst, Role::kForensic, Role::kPartner, Role::kAdministrator})
    EXPECT_FALSE(policy.MayRevealIdentity(Who(role, 100), c, "/1/2/3/")) << ToString(role);
}

TEST(PolicyReveal, InactiveNever) {
  Policy policy;
  domain::Case c = MakeCase(3);
  c.procuratorate_unit_id = 3;
  for (Role role : kAllRoles)
    EXPECT_FALSE(
        policy.MayRevealIdentity(Who(role, 100, MakeUnit(3, "/1/2/3/"), false), c, "/1/2/3/"))
        << ToString(role);
}

TEST(PolicyAudit, SupervisorsAndPrivacyOfficersSearchTheirSubtreeOnly) {
  Policy policy;
  for (Role role : kAllRoles) {
    const auto prefixes = policy.AuditUnitPrefixes(Who(role, 100, MakeUnit(2, "/1/2/")));
    if (role == Role::kSupervisor || role == Role::kPrivacyOfficer) {
      EXPECT_EQ(prefixes, std::vector<std::string>{"/1/2/"}) << ToString(role);
    } else {
      EXPECT_TRUE(prefixes.empty()) << ToString(role);
    }
    EXPECT_TRUE(policy.AuditUnitPrefixes(Who(role, 100, MakeUnit(2, "/1/2/"), false)).empty())
        << "inactive " << ToString(role);
  }
}

TEST(PolicyAudit, OnlySupervisorsSeeAuditDetailText) {
  Policy policy;
  for (Role role : kAllRoles)
    EXPECT_EQ(policy.MaySeeAuditDetail(Who(role)), role == Role::kSupervisor) << ToString(role);
  EXPECT_FALSE(
      policy.MaySeeAuditDetail(Who(Role::kSupervisor, 100, MakeUnit(3, "/1/2/3/"), false)));
}

TEST(PolicyAudit, PrivacyOfficersGetNoCaseContent) {
  Policy policy;
  const Principal po =
      Who(Role::kPrivacyOfficer, 100, MakeUnit(1, "/1/", domain::UnitType::kProvince));
  EXPECT_TRUE(policy.CaseScopeFor(po).empty());
  EXPECT_TRUE(policy.ClueUnitPrefixes(po).empty());
  EXPECT_FALSE(policy.MaySeeClue(po, "/1/2/3/"));
  domain::Case c;
  c.unit_id = 3;
  EXPECT_FALSE(policy.MayRevealIdentity(po, c, "/1/2/3/"));
}

}  // namespace
}  // namespace aegis::services

namespace aegis::services {
namespace {

// Exports hand a case file outside the case team: only those responsible for the case may, never
// a unit that reads the case through a joint team or assistance, nor a role without the capability.
TEST(PolicyExport, CaseTeamOwningUnitOfficersAndSupervisorsAbove) {
  Policy policy;
  domain::Case own;
  own.id = 1;
  own.unit_id = 3;
  EXPECT_TRUE(policy.MayExportCase(Who(Role::kOfficer, 100), own, "/1/2/3/"));
  const Principal city_supervisor = Who(Role::kSupervisor, 200, MakeUnit(2, "/1/2/"));
  EXPECT_TRUE(policy.MayExportCase(city_supervisor, own, "/1/2/3/"));
  domain::Case elsewhere = own;
  elsewhere.unit_id = 77;
  EXPECT_FALSE(policy.MayExportCase(Who(Role::kOfficer, 100), elsewhere, "/1/7/77/"));
  EXPECT_FALSE(policy.MayExportCase(city_supervisor, elsewhere, "/1/7/77/"));
  // The sibling unit /1/2/30/ shares the text "/1/2/3" but is not below /1/2/3/.
  EXPECT_FALSE(policy.MayExportCase(Who(Role::kSupervisor, 300), elsewhere, "/1/2/30/"));
  elsewhere.file_coordinator_id = 100;
  EXPECT_TRUE(policy.MayExportCase(Who(Role::kOfficer, 100), elsewhere, "/1/7/77/"));
  for (Role role : {Role::kAnalyst, Role::kForensic, Role::kProsecutor, Role::kPartner,
                    Role::kAdministrator, Role::kPrivacyOfficer}) {
    domain::Case c = own;
    c.lead_investigator_id = 100;
    c.procuratorate_unit_id = 3;
    EXPECT_FALSE(policy.MayExportCase(Who(role, 100), c, "/1/2/3/")) << ToString(role);
    EXPECT_FALSE(policy.Allows(Who(role, 100), Capability::kExportCase)) << ToString(role);
  }
  EXPECT_FALSE(policy.MayExportCase(Who(Role::kOfficer, 100, MakeUnit(3, "/1/2/3/"), false), own,
                                    "/1/2/3/"));
  // A sealed case is not passed on, even by its team; nor is any case for analysis.
  domain::Case sealed = own;
  sealed.lead_investigator_id = 100;
  sealed.stored_labels = domain::Bit(domain::CaseLabel::kSealed);
  EXPECT_FALSE(policy.MayExportCase(Who(Role::kOfficer, 100), sealed, "/1/2/3/"));
  EXPECT_FALSE(policy.MayExportCase(city_supervisor, sealed, "/1/2/3/"));
  Principal analysing = city_supervisor;
  analysing.purpose = domain::Purpose::kAnalysis;
  EXPECT_FALSE(policy.MayExportCase(analysing, own, "/1/2/3/"));
}

}  // namespace
}  // namespace aegis::services
