#include "domain/case_lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace aegis::domain {
namespace {

using S = CaseStage;

// The lifecycle as the brief states it, written out independently of the library's table.
struct Expected {
  S from;
  S to;
  std::set<Role> roles;
  bool reason = false;
  bool suspect = false;
  bool procuratorate = false;
  bool checklist = false;
};

const std::set<Role> kInvestigators = {Role::kOfficer, Role::kSupervisor};
const std::set<Role> kSupervisor = {Role::kSupervisor};
const std::set<Role> kProsecution = {Role::kProsecutor, Role::kSupervisor};

std::vector<Expected> ExpectedTransitions() {
  return {
      {S::kFiled, S::kUnderInvestigation, kInvestigators},
      {S::kUnderInvestigation, S::kSuspectIdentified, kInvestigators, false, true},
      {S::kSuspectIdentified, S::kSuspectDetained, kInvestigators},
      {S::kSuspectDetained, S::kSolved, kInvestigators},
      {S::kSuspectIdentified, S::kSolved, kInvestigators},
      {S::kSolved, S::kTransferredForProsecution, kSupervisor, false, false, true, true},
      {S::kTransferredForProsecution, S::kProsecuted, kProsecution},
      {S::kTransferredForProsecution, S::kSolved, kProsecution, true},
      {S::kProsecuted, S::kClosed, kProsecution},
      {S::kFiled, S::kSuspended, kSupervisor, true},
      {S::kUnderInvestigation, S::kSuspended, kSupervisor, true},
      {S::kSuspectIdentified, S::kSuspended, kSupervisor, true},
      {S::kReopened, S::kSuspended, kSupervisor, true},
      {S::kSuspended, S::kReopened, kSupervisor, true},
      {S::kReopened, S::kUnderInvestigation, kInvestigators},
      {S::kReopened, S::kSuspectIdentified, kInvestigators, false, true},
      {S::kFiled, S::kClosed, kSupervisor, true},
      {S::kUnderInvestigation, S::kClosed, kSupervisor, true},
      {S::kSuspectIdentified, S::kClosed, kSupervisor, true},
      {S::kSuspectDetained, S::kClosed, kSupervisor, true},
      {S::kReopened, S::kClosed, kSupervisor, true},
  };
}

const Expected* FindExpected(const std::vector<Expected>& all, S from, S to) {
  for (const auto& e : all) {
    if (e.from == from && e.to == to) return &e;
  }
  return nullptr;
}

std::vector<std::string> AllChecklistKeys() {
  std::vector<std::string> keys;
  for (const auto& item : StandardChecklist()) keys.push_back(item.key);
  return keys;
}

// A context that satisfies every precondition, so only the transition and role decide.
TransitionContext FullContext(Role role) {
  TransitionContext ctx;
  ctx.actor_role = role;
  ctx.suspect_count = 1;
  ctx.done_checklist_keys = AllChecklistKeys();
  ctx.has_procuratorate = true;
  ctx.reason = "no further leads";
  return ctx;
}

std::string Name(S from, S to) {
  return std::string(ToString(from)) + " -> " + std::string(ToString(to));
}

TEST(TransitionRulesTest, TableMatchesTheLifecycle) {
  const auto expected = ExpectedTransitions();
  ASSERT_EQ(TransitionRules().size(), expected.size());
  for (const auto& rule : TransitionRules()) {
    const Expected* e = FindExpected(expected, rule.from, rule.to);
    ASSERT_NE(e, nullptr) << "unexpected " << Name(rule.from, rule.to);
    EXPECT_EQ(std::set<Role>(rule.allowed_roles.begin(), rule.allowed_roles.end()), e->roles)
        << Name(rule.from, rule.to);
    EXPECT_EQ(rule.requires_reason, e->reason) << Name(rule.from, rule.to);
    EXPECT_EQ(rule.requires_suspect, e->suspect) << Name(rule.from, rule.to);
    EXPECT_EQ(rule.requires_procuratorate, e->procuratorate) << Name(rule.from, rule.to);
    EXPECT_EQ(rule.requires_prosecution_checklist, e->checklist) << Name(rule.from, rule.to);
  }
}

TEST(TransitionRulesTest, EveryStagePairAndRoleIsAllowedOrRefused) {
  const auto expected = ExpectedTransitions();
  for (S from : AllValues<CaseStage>()) {
    for (S to : AllValues<CaseStage>()) {
      const Expected* e = FindExpected(expected, from, to);
      for (Role role : AllValues<Role>()) {
        const Status status = CheckTransition(from, to, FullContext(role), StandardChecklist());
        if (e == nullptr) {
          EXPECT_EQ(status.code(), StatusCode::kConflict) << Name(from, to);
          EXPECT_EQ(status.message(), "no transition from " + std::string(ToString(from)) + " to " +
                                          std::string(ToString(to)));
        } else if (e->roles.count(role) > 0) {
          EXPECT_TRUE(status.ok())
              << Name(from, to) << " as " << ToString(role) << ": " << status.ToString();
        } else {
          EXPECT_EQ(status.code(), StatusCode::kPermissionDenied)
              << Name(from, to) << " as " << ToString(role);
        }
      }
    }
  }
}

TEST(TransitionRulesTest, NextStagesListsTargetsInTableOrder) {
  EXPECT_EQ(NextStages(S::kFiled),
            (std::vector<S>{S::kUnderInvestigation, S::kSuspended, S::kClosed}));
  EXPECT_EQ(NextStages(S::kSuspectIdentified),
            (std::vector<S>{S::kSuspectDetained, S::kSolved, S::kSuspended, S::kClosed}));
  EXPECT_EQ(NextStages(S::kTransferredForProsecution),
            (std::vector<S>{S::kProsecuted, S::kSolved}));
  EXPECT_EQ(NextStages(S::kSuspended), (std::vector<S>{S::kReopened}));
  EXPECT_TRUE(NextStages(S::kClosed).empty());
  const auto expected = ExpectedTransitions();
  for (S from : AllValues<CaseStage>()) {
    std::size_t count = 0;
    for (S to : NextStages(from)) {
      EXPECT_NE(FindExpected(expected, from, to), nullptr) << Name(from, to);
      ++count;
    }
    EXPECT_EQ(count, static_cast<std::size_t>(
                         std::count_if(expected.begin(), expected.end(),
                                       [from](const Expected& e) { return e.from == from; })))
        << ToString(from);
  }
}

TEST(CheckTransitionTest, PermissionDeniedNamesTheRolesThatMay) {
  Status s = CheckTransition(S::kSolved, S::kTransferredForProsecution, FullContext(Role::kOfficer),
                             StandardChecklist());
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "only supervisor may move a case from solved to transferred_for_prosecution");
  s = CheckTransition(S::kTransferredForProsecution, S::kProsecuted, FullContext(Role::kOfficer),
                      StandardChecklist());
  EXPECT_EQ(s.message(),
            "only prosecutor or supervisor may move a case from transferred_for_prosecution to "
            "prosecuted");
  s = CheckTransition(S::kFiled, S::kUnderInvestigation, FullContext(Role::kAnalyst),
                      StandardChecklist());
  EXPECT_EQ(s.message(),
            "only officer or supervisor may move a case from filed to "
            "under_investigation");
}

TEST(CheckTransitionTest, ReasonIsRequiredWhereTheRuleSaysSo) {
  for (const auto& e : ExpectedTransitions()) {
    TransitionContext ctx = FullContext(*e.roles.begin());
    for (const char* blank : {"", "   ", "\t\n"}) {
      ctx.reason = blank;
      const Status s = CheckTransition(e.from, e.to, ctx, StandardChecklist());
      if (e.reason) {
        EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << Name(e.from, e.to);
        EXPECT_EQ(s.field(), "reason") << Name(e.from, e.to);
      } else {
        EXPECT_TRUE(s.ok()) << Name(e.from, e.to) << ": " << s.ToString();
      }
    }
  }
}

TEST(CheckTransitionTest, SuspectIsRequiredToIdentifyOne) {
  for (S from : {S::kUnderInvestigation, S::kReopened}) {
    TransitionContext ctx = FullContext(Role::kOfficer);
    ctx.suspect_count = 0;
    const Status s = CheckTransition(from, S::kSuspectIdentified, ctx, StandardChecklist());
    EXPECT_EQ(s.code(), StatusCode::kConflict) << ToString(from);
    EXPECT_NE(s.message().find("suspect"), std::string::npos);
    ctx.suspect_count = 2;
    EXPECT_TRUE(CheckTransition(from, S::kSuspectIdentified, ctx, StandardChecklist()).ok());
  }
  // Other transitions do not care about suspects.
  TransitionContext ctx = FullContext(Role::kOfficer);
  ctx.suspect_count = 0;
  EXPECT_TRUE(CheckTransition(S::kFiled, S::kUnderInvestigation, ctx, StandardChecklist()).ok());
}

TEST(CheckTransitionTest, TransferNeedsAProcuratorate) {
  TransitionContext ctx = FullContext(Role::kSupervisor);
  ctx.has_procuratorate = false;
  const Status s =
      CheckTransition(S::kSolved, S::kTransferredForProsecution, ctx, StandardChecklist());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "procuratorate_unit_id");
}

TEST(CheckTransitionTest, TransferNeedsEveryRequiredChecklistItem) {
  TransitionContext ctx = FullContext(Role::kSupervisor);
  ctx.done_checklist_keys = {"report_recorded", "victim_interview", "digital_evidence"};
  Status s = CheckTransition(S::kSolved, S::kTransferredForProsecution, ctx, StandardChecklist());
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_EQ(s.message(),
            "checklist items required for prosecution are not done: scene_examination, "
            "medical_examination, evidence_kit_collected, suspect_interview, "
            "suspect_identification");

  // Only the required items matter.
  ctx.done_checklist_keys.clear();
  for (const auto& item : StandardChecklist()) {
    if (item.required_for_prosecution) ctx.done_checklist_keys.push_back(item.key);
  }
  EXPECT_TRUE(
      CheckTransition(S::kSolved, S::kTransferredForProsecution, ctx, StandardChecklist()).ok());

  // The template passed in decides what is required.
  ChecklistItem extra;
  extra.key = "psychological_assessment";
  extra.required_for_prosecution = true;
  std::vector<ChecklistItem> custom = StandardChecklist();
  custom.push_back(extra);
  s = CheckTransition(S::kSolved, S::kTransferredForProsecution, ctx, custom);
  EXPECT_EQ(s.message(),
            "checklist items required for prosecution are not done: psychological_assessment");
  EXPECT_TRUE(CheckTransition(S::kSolved, S::kTransferredForProsecution, ctx, {}).ok());
}

TEST(CheckTransitionTest, ChecksRunInTheDocumentedOrder) {
  // Nothing satisfied: the role is reported first ...
  TransitionContext ctx;
  ctx.actor_role = Role::kOfficer;
  EXPECT_EQ(CheckTransition(S::kFiled, S::kSuspended, ctx, StandardChecklist()).code(),
            StatusCode::kPermissionDenied);
  // ... but an unknown transition comes before the role.
  EXPECT_EQ(CheckTransition(S::kFiled, S::kProsecuted, ctx, StandardChecklist()).code(),
            StatusCode::kConflict);
  // Supervisor returning a transferred case for supplementary work: reason first.
  ctx.actor_role = Role::kSupervisor;
  Status s = CheckTransition(S::kTransferredForProsecution, S::kSolved, ctx, StandardChecklist());
  EXPECT_EQ(s.field(), "reason");
  // Transfer with no procuratorate and no checklist: procuratorate before checklist.
  s = CheckTransition(S::kSolved, S::kTransferredForProsecution, ctx, StandardChecklist());
  EXPECT_EQ(s.field(), "procuratorate_unit_id");
  ctx.has_procuratorate = true;
  s = CheckTransition(S::kSolved, S::kTransferredForProsecution, ctx, StandardChecklist());
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_NE(s.message().find("victim_interview"), std::string::npos);
  // Suspect check comes before anything later in the list.
  ctx.actor_role = Role::kOfficer;
  s = CheckTransition(S::kUnderInvestigation, S::kSuspectIdentified, ctx, StandardChecklist());
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_NE(s.message().find("suspect"), std::string::npos);
}

TEST(StageTest, OpenStages) {
  const std::set<S> open = {S::kFiled, S::kUnderInvestigation, S::kSuspectIdentified,
                            S::kSuspectDetained, S::kReopened};
  for (S stage : AllValues<CaseStage>()) {
    EXPECT_EQ(IsOpenStage(stage), open.count(stage) > 0) << ToString(stage);
  }
}

TEST(StageTest, SolvedStages) {
  const std::set<S> solved = {S::kSolved, S::kTransferredForProsecution, S::kProsecuted};
  for (S stage : AllValues<CaseStage>()) {
    EXPECT_EQ(CountsAsSolved(stage), solved.count(stage) > 0) << ToString(stage);
  }
  EXPECT_FALSE(CountsAsSolved(S::kClosed));  // withdrawn cases close without being solved
}

TEST(ChecklistTest, StandardItems) {
  struct Item {
    std::string key;
    S stage;
    bool required;
  };
  const std::vector<Item> expected = {
      {"report_recorded", S::kFiled, false},
      {"victim_interview", S::kUnderInvestigation, true},
      {"scene_examination", S::kUnderInvestigation, true},
      {"medical_examination", S::kUnderInvestigation, true},
      {"evidence_kit_collected", S::kUnderInvestigation, true},
      {"digital_evidence", S::kUnderInvestigation, false},
      {"witness_statements", S::kUnderInvestigation, false},
      {"suspect_interview", S::kSuspectIdentified, true},
      {"suspect_identification", S::kSuspectIdentified, true},
      {"victim_support_referral", S::kFiled, false},
      {"evidence_kit_examined", S::kUnderInvestigation, false},
  };
  const auto& items = StandardChecklist();
  ASSERT_EQ(items.size(), expected.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].key, expected[i].key);
    EXPECT_EQ(items[i].stage, expected[i].stage) << items[i].key;
    EXPECT_EQ(items[i].required_for_prosecution, expected[i].required) << items[i].key;
    EXPECT_FALSE(items[i].label.empty()) << items[i].key;
    EXPECT_FALSE(items[i].label_en.empty()) << items[i].key;
    EXPECT_FALSE(items[i].done_at.has_value());
    EXPECT_FALSE(items[i].done_by.has_value());
  }
  EXPECT_EQ(items[1].label, "被害人询问笔录");
}

TEST(HistoricTest, OneYearBoundary) {
  const UnixSeconds filed = 2'000'000'000;
  const UnixSeconds year = 365 * kSecondsPerDay;
  EXPECT_FALSE(IsHistoric(std::nullopt, filed));
  EXPECT_TRUE(IsHistoric(filed - year, filed));
  EXPECT_FALSE(IsHistoric(filed - year + 1, filed));
  EXPECT_TRUE(IsHistoric(filed - 20 * year, filed));
  EXPECT_FALSE(IsHistoric(filed, filed));
  EXPECT_FALSE(IsHistoric(filed + year, filed));  // offence after filing: bad data, not historic
}

}  // namespace
}  // namespace aegis::domain
