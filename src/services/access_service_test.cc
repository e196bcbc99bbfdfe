// Need-to-know access: sensitivity labels (restricted, sealed, minor victim), restricted sections,
// purposes, and break-glass with its alerts, audit marks and review.
#include <gtest/gtest.h>

#include <algorithm>

#include "services/services.h"
#include "services/testing_fixture.h"

namespace aegis::services {
namespace {

using namespace aegis::domain;
using testing::ExpectStatus;
using testing::Must;
using testing::ResidentId;
using testing::World;

class AccessTest : public ::testing::Test {
 protected:
  AccessTest() {
    colleague = w.AddUser("off1b", "一所 刘警官", Role::kOfficer, w.station1);
    forensic1 = w.AddUser("for1", "一所 技术员", Role::kForensic, w.station1);
    privacy = w.AddUser("priv", "隐私官", Role::kPrivacyOfficer, w.province);
  }
  Services& s() { return *w.services; }
  Principal As(Id user) { return w.As(user); }

  // A case of station 1 (officer1 leads it) about one victim of `age`.
  Id NewCase(int age) {
    ClueInput in;
    in.source = ClueSource::kWalkIn;
    in.summary = "案情摘要（测试）";
    in.facts.place = "人民路";
    in.facts.youngest_victim_age = age;
    VictimInput v;
    v.sex = Sex::kFemale;
    v.age = age;
    v.identity.name = "李芳";
    v.identity.id_number = ResidentId("440104", age < 18 ? "20150315" : "19960701", "021");
    in.victim = v;
    in.confirm_not_duplicate = true;
    auto clue = Must(s().CreateClue(As(w.officer1), in, nullptr), "clue");
    auto filed = Must(s().Decide(As(w.supervisor1), clue.clue.id, DecisionInput{}), "file");
    return filed.second->c.id;
  }
  CaseDetailView Label(Id id, std::optional<bool> restricted, std::optional<bool> sealed = {},
                       std::string order = "") {
    SensitivityInput in;
    in.restricted = restricted;
    in.sealed = sealed;
    in.seal_reference = std::move(order);
    in.reason = "依法决定（测试）";
    return Must(s().SetCaseSensitivity(As(w.supervisor1), id, in), "label");
  }
  bool Opens(const Principal& p, Id id) { return s().GetCase(p, id).ok(); }
  long long Listed(const Principal& p) {
    return Must(s().ListCases(p, CaseListInput{}), "list").total;
  }
  static bool Hidden(const CaseDetailView& d, CaseSection section) {
    return std::find(d.hidden_sections.begin(), d.hidden_sections.end(), section) !=
           d.hidden_sections.end();
  }
  Principal WithGrants(Id user) {
    Principal p = As(user);
    Status st = w.store->Read([&](storage::Repo& r) -> Status {
      AEGIS_ASSIGN_OR_RETURN(p.break_glass_cases, r.Access().ActiveBreakGlassCases(user, w.now));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return p;
  }
  BreakGlassInput Emergency(Id id) {
    BreakGlassInput in;
    in.case_id = id;
    in.reason = "嫌疑人正在本辖区作案，需要立即核对案件信息 suspect at large";
    return in;
  }

  World w;
  Id colleague = 0, forensic1 = 0, privacy = 0;
};

TEST_F(AccessTest, RestrictedCaseIsOpenOnlyToTeamAndSupervisorsAndCountsFollow) {
  const Id id = NewCase(30);
  const long long colleague_before = Listed(As(colleague));
  const long long analyst_before = Listed(As(w.analyst1));
  ASSERT_TRUE(Opens(As(colleague), id));
  const CaseDetailView d = Label(id, true);
  EXPECT_TRUE(d.summary.c.Has(CaseLabel::kRestricted));
  // The lead investigator (team) and the supervisors over the unit keep it; colleagues of the
  // same station, analysts and other units lose it, and their counts drop with it.
  EXPECT_TRUE(Opens(As(w.officer1), id));
  EXPECT_TRUE(Opens(As(w.supervisor1), id));
  ExpectStatus(s().GetCase(As(colleague), id).status(), StatusCode::kNotFound);
  ExpectStatus(s().GetCase(As(w.analyst1), id).status(), StatusCode::kNotFound);
  ExpectStatus(s().GetCase(As(w.officer2), id).status(), StatusCode::kNotFound);
  EXPECT_EQ(Listed(As(colleague)), colleague_before - 1);
  EXPECT_EQ(Listed(As(w.analyst1)), analyst_before - 1);
  // The clue that became the case disappears from their clue lists as well.
  auto clues = Must(s().ListClues(As(w.analyst1), ClueListInput{}));
  for (const auto& c : clues.items) EXPECT_NE(c.clue.case_id, std::optional<Id>(id));
  // Unrestricting gives it back.
  Label(id, false);
  EXPECT_TRUE(Opens(As(colleague), id));
}

TEST_F(AccessTest, DashboardNeverCountsACaseTheCallerCannotOpen) {
  NewCase(30);
  const Id restricted = NewCase(12);
  auto before = Must(s().Dashboard(As(w.analyst1), std::nullopt, std::nullopt));
  auto sup_before = Must(s().Dashboard(As(w.supervisor1), std::nullopt, std::nullopt));
  Label(restricted, true);
  auto after = Must(s().Dashboard(As(w.analyst1), std::nullopt, std::nullopt));
  auto sup_after = Must(s().Dashboard(As(w.supervisor1), std::nullopt, std::nullopt));
  EXPECT_EQ(after.totals.cases_filed, before.totals.cases_filed - 1);
  EXPECT_EQ(after.totals.minor_victim_cases, before.totals.minor_victim_cases - 1);
  // The supervisor over the unit may open it: their figures do not change.
  EXPECT_EQ(sup_after.totals.cases_filed, sup_before.totals.cases_filed);
  EXPECT_EQ(sup_after.totals.minor_victim_cases, sup_before.totals.minor_victim_cases);
}

// A read-only look (sealed case, break-glass): no next stage is allowed, with the reason, and the
// victim-support page offers no interview, approval or change.
void ExpectNothingOffered(const CaseDetailView& c, const VictimSupportView& support) {
  ASSERT_FALSE(c.next_stages.empty());
  for (const auto& n : c.next_stages) {
    EXPECT_FALSE(n.allowed) << ToString(n.to);
    EXPECT_FALSE(n.why_not.empty());
  }
  EXPECT_FALSE(support.can_record_interview);
  EXPECT_FALSE(support.can_approve);
  EXPECT_FALSE(support.can_manage);
}

TEST_F(AccessTest, SealedCaseIsReadOnlyAndClosedToBreakGlass) {
  const Id id = NewCase(30);
  SensitivityInput no_order;
  no_order.sealed = true;
  no_order.reason = "法院裁定封存";
  ExpectStatus(s().SetCaseSensitivity(As(w.supervisor1), id, no_order).status(),
               StatusCode::kInvalidArgument, "seal_reference");
  SensitivityInput stray = no_order;
  stray.sealed.reset();
  stray.seal_reference = "(2026)粤0104刑初1号";
  ExpectStatus(s().SetCaseSensitivity(As(w.supervisor1), id, stray).status(),
               StatusCode::kInvalidArgument, "seal_reference");
  const CaseDetailView d = Label(id, std::nullopt, true, "(2026)粤0104刑初123号");
  EXPECT_TRUE(d.read_only);
  EXPECT_EQ(d.summary.c.seal_reference, "(2026)粤0104刑初123号");
  TransitionInput t;
  t.to = CaseStage::kUnderInvestigation;
  ExpectStatus(s().Transition(As(w.officer1), id, t).status(), StatusCode::kConflict);
  // The pages offer nothing the server would refuse.
  ExpectNothingOffered(Must(s().GetCase(As(w.officer1), id)),
                       Must(s().GetVictimSupport(As(w.officer1), id)));
  // Break-glass on a sealed case answers exactly like an unknown case.
  // The team can open it anyway: no emergency access needed (not a 404).
  ExpectStatus(s().BreakGlass(As(w.officer1), Emergency(id)).status(), StatusCode::kConflict);
  auto sealed = s().BreakGlass(As(w.officer2), Emergency(id));
  auto unknown = s().BreakGlass(As(w.officer2), Emergency(999999));
  ExpectStatus(sealed.status(), StatusCode::kNotFound);
  EXPECT_EQ(sealed.status().ToString(), unknown.status().ToString());
  // Only a supervisor over the unit may change labels; unsealing restores edits.
  SensitivityInput unseal;
  unseal.sealed = false;
  unseal.reason = "封存期满";
  ExpectStatus(s().SetCaseSensitivity(As(w.officer1), id, unseal).status(),
               StatusCode::kPermissionDenied);
  ExpectStatus(s().SetCaseSensitivity(As(w.supervisor2), id, unseal).status(),
               StatusCode::kNotFound);
  Must(s().SetCaseSensitivity(As(w.supervisor1), id, unseal));
  EXPECT_TRUE(s().Transition(As(w.officer1), id, t).ok());
}

TEST_F(AccessTest, MinorVictimSectionsAndIdentityNeedTheOwningUnitChain) {
  const Id minor = NewCase(12);
  const Id adult = NewCase(30);
  // An analyst of the same station opens the case but not its people or victim support.
  const CaseDetailView a = Must(s().GetCase(As(w.analyst1), minor));
  EXPECT_TRUE(Hidden(a, CaseSection::kPersons));
  EXPECT_TRUE(Hidden(a, CaseSection::kVictimSupport));
  EXPECT_TRUE(a.persons.empty());
  EXPECT_TRUE(a.summary.victim_pseudonyms.empty());
  ExpectStatus(s().GetVictimSupport(As(w.analyst1), minor).status(), StatusCode::kPermissionDenied);
  const CaseDetailView f = Must(s().GetCase(As(forensic1), minor));
  EXPECT_TRUE(Hidden(f, CaseSection::kPersons));
  // An adult victim's case shows persons (pseudonyms) to the analyst.
  EXPECT_FALSE(Hidden(Must(s().GetCase(As(forensic1), adult)), CaseSection::kPersons));
  // A colleague of the owning station sees the minor's pseudonym but not the identity.
  const CaseDetailView c = Must(s().GetCase(As(colleague), minor));
  EXPECT_FALSE(Hidden(c, CaseSection::kPersons));
  EXPECT_FALSE(c.can_reveal_identity);
  ASSERT_FALSE(c.persons.empty());
  ExpectStatus(s().RevealIdentity(As(colleague), minor, c.persons[0].id).status(),
               StatusCode::kPermissionDenied);
  EXPECT_TRUE(Must(s().GetCase(As(colleague), adult)).can_reveal_identity);
  // The lead investigator and the supervisor may reveal it.
  EXPECT_EQ(Must(s().RevealIdentity(As(w.officer1), minor, c.persons[0].id)).name, "李芳");
  EXPECT_TRUE(Must(s().GetCase(As(w.supervisor1), minor)).can_reveal_identity);
}

TEST_F(AccessTest, PurposeNarrowsWhatIsShownAndIsAudited) {
  const Id id = NewCase(30);
  Principal sup = As(w.supervisor1);
  ExpectStatus(s().StatePurpose(sup, "gossip"), StatusCode::kInvalidArgument, "X-Aegis-Purpose");
  ExpectStatus(s().StatePurpose(sup, "emergency"), StatusCode::kInvalidArgument);
  Principal analyst = As(w.analyst1);
  ExpectStatus(s().StatePurpose(analyst, "investigation"), StatusCode::kPermissionDenied);
  ASSERT_TRUE(s().StatePurpose(sup, "analysis").ok());
  const CaseDetailView d = Must(s().GetCase(sup, id));
  EXPECT_TRUE(Hidden(d, CaseSection::kPersons));
  EXPECT_FALSE(d.can_reveal_identity);
  bool recorded = false;
  for (const auto& r : w.Audit(id, "case"))
    recorded |= r.action == "case.read" && r.purpose == "analysis";
  EXPECT_TRUE(recorded);
}

TEST_F(AccessTest, RestrictedSectionsAreLeftOutForThoseOffTheTeam) {
  const Id id = NewCase(30);
  SensitivityInput in;
  in.restricted_sections = std::vector<CaseSection>{CaseSection::kActions, CaseSection::kTimeline};
  in.reason = "行动部署保密";
  Must(s().SetCaseSensitivity(As(w.supervisor1), id, in));
  const CaseDetailView c = Must(s().GetCase(As(colleague), id));
  EXPECT_TRUE(Hidden(c, CaseSection::kActions));
  EXPECT_TRUE(Hidden(c, CaseSection::kTimeline));
  EXPECT_TRUE(c.timeline.empty());
  const CaseDetailView lead = Must(s().GetCase(As(w.officer1), id));
  EXPECT_TRUE(lead.hidden_sections.empty());
  EXPECT_FALSE(lead.timeline.empty());
}

TEST_F(AccessTest, BreakGlassOpensReadOnlyAlertsTheTeamAndIsReviewed) {
  const Id id = NewCase(30);
  ExpectStatus(s().GetCase(As(w.officer2), id).status(), StatusCode::kNotFound);
  BreakGlassInput short_reason = Emergency(id);
  short_reason.reason = "急";
  ExpectStatus(s().BreakGlass(As(w.officer2), short_reason).status(), StatusCode::kInvalidArgument,
               "reason");
  ExpectStatus(s().BreakGlass(As(privacy), Emergency(id)).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().BreakGlass(As(w.officer1), Emergency(id)).status(), StatusCode::kConflict);
  const BreakGlassView g = Must(s().BreakGlass(As(w.officer2), Emergency(id)));
  EXPECT_EQ(g.grant.expires_at, w.now + kBreakGlassSeconds);
  // A second request while the grant runs neither grants nor alerts again.
  ExpectStatus(s().BreakGlass(As(w.officer2), Emergency(id)).status(), StatusCode::kConflict);
  // Opened, marked, read-only.
  const Principal officer2 = WithGrants(w.officer2);
  const CaseDetailView d = Must(s().GetCase(officer2, id));
  EXPECT_TRUE(d.via_break_glass);
  EXPECT_FALSE(d.can_reveal_identity);
  TransitionInput t;
  t.to = CaseStage::kUnderInvestigation;
  ExpectStatus(s().Transition(officer2, id, t).status(), StatusCode::kPermissionDenied);
  ExpectNothingOffered(d, Must(s().GetVictimSupport(officer2, id)));
  bool marked = false;
  for (const auto& r : w.Audit(id, "case"))
    marked |= r.action == "case.read" && r.purpose == "emergency" &&
              r.detail.find("break_glass_grant") != std::string::npos;
  EXPECT_TRUE(marked);
  // The team (lead officer1, case manager supervisor1) hears of it; the grantee does not.
  auto alerts = Must(s().ListAlerts(As(w.officer1), true));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert.kind, "break_glass");
  EXPECT_EQ(alerts[0].alert.case_id, std::optional<Id>(id));
  EXPECT_EQ(Must(s().ListAlerts(As(w.supervisor1), true)).size(), 1u);
  EXPECT_TRUE(Must(s().ListAlerts(As(w.officer2), true)).empty());
  EXPECT_FALSE(Must(s().Worklist(As(w.officer1))).alerts.empty());
  ASSERT_TRUE(s().MarkAlertRead(As(w.officer1), alerts[0].alert.id).ok());
  EXPECT_TRUE(Must(s().ListAlerts(As(w.officer1), true)).empty());
  ExpectStatus(s().MarkAlertRead(As(w.officer2), alerts[0].alert.id), StatusCode::kNotFound);
  // Review: supervisors over either unit and privacy officers; nobody reviews themselves.
  auto pending = Must(s().ListBreakGlass(As(w.supervisor1), true));
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_FALSE(pending[0].grant.reason.empty());
  auto for_privacy = Must(s().ListBreakGlass(As(privacy), true));
  ASSERT_EQ(for_privacy.size(), 1u);
  EXPECT_TRUE(for_privacy[0].grant.reason.empty());  // who and when, not the case content
  ExpectStatus(s().ListBreakGlass(As(w.officer1), true).status(), StatusCode::kPermissionDenied);
  ExpectStatus(s().ReviewBreakGlass(As(w.supervisor1), g.grant.id, false, "").status(),
               StatusCode::kInvalidArgument, "note");
  auto reviewed = Must(s().ReviewBreakGlass(As(w.supervisor1), g.grant.id, true, ""));
  EXPECT_EQ(reviewed.grant.justified, std::optional<bool>(true));
  ExpectStatus(s().ReviewBreakGlass(As(privacy), g.grant.id, true, "").status(),
               StatusCode::kConflict);
  EXPECT_TRUE(Must(s().ListBreakGlass(As(w.supervisor1), true)).empty());
  // The grant ends after kBreakGlassSeconds.
  w.Advance(kBreakGlassSeconds + 1);
  ExpectStatus(s().GetCase(WithGrants(w.officer2), id).status(), StatusCode::kNotFound);
}

TEST_F(AccessTest, BreakGlassByReferenceAndRestrictedCases) {
  const Id id = NewCase(30);
  Label(id, true);
  const std::string reference = Must(s().GetCase(As(w.officer1), id)).summary.c.reference;
  BreakGlassInput in = Emergency(0);
  in.case_id.reset();
  in.reference = reference;
  const BreakGlassView g = Must(s().BreakGlass(As(colleague), in));
  EXPECT_EQ(g.grant.case_id, id);
  EXPECT_TRUE(Must(s().GetCase(WithGrants(colleague), id)).via_break_glass);
  in.reference = "AJ-0000-000000";
  ExpectStatus(s().BreakGlass(As(colleague), in).status(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace aegis::services
