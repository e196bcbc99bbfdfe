// Audit search: who may search, what each searcher sees, the "outside their unit" and "who viewed
// this victim's record" questions, and that searching is itself audited.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <tuple>

#include "services/services.h"
#include "services/testing_fixture.h"

namespace aegis::services {
namespace {

using namespace aegis::domain;
using testing::ResidentId;
using testing::World;

using testing::Must;

class AuditSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    privacy = w.AddUser("priv", "市局 隐私保护专员", Role::kPrivacyOfficer, w.city);
    privacy_station = w.AddUser("priv.s1", "一所 隐私专员", Role::kPrivacyOfficer, w.station1);

    // A case of station 1 with a child victim, shared with station 2 (a joint team).
    ClueInput in;
    in.source = ClueSource::kWalkIn;
    in.summary = "放学途中被陌生男子猥亵";
    VictimInput v;
    v.sex = Sex::kFemale;
    v.age = 10;
    v.identity.name = "张小红";
    v.identity.id_number = ResidentId("440103", "20150315", "002");
    in.victim = v;
    const Id clue = Must(s().CreateClue(Off1(), in, nullptr), "CreateClue").clue.id;
    DecisionInput file;
    file.decision = ClueDecision::kFile;
    case_id = Must(s().Decide(Sup1(), clue, file), "Decide").second->c.id;
    const CaseDetailView d = Must(s().ShareCase(Sup1(), case_id, w.station2), "ShareCase");
    for (const auto& p : d.persons)
      if (p.role == PersonRole::kVictim) victim_id = p.id;
    ASSERT_NE(victim_id, 0);

    ASSERT_TRUE(s().GetCase(Off1(), case_id).ok());   // inside the owner's unit
    ASSERT_TRUE(s().GetCase(Off2(), case_id).ok());   // another unit, through the joint team
    ASSERT_FALSE(s().GetCase(Sup2(), case_id).ok());  // another unit, not shared: denied
    ASSERT_TRUE(s().RevealIdentity(Sup1(), case_id, victim_id).ok());
    // Station 2's own work, which county 1 must not see.
    ClueInput other;
    other.source = ClueSource::kHospital;
    other.summary = "医院报告的线索";
    other_clue = Must(s().CreateClue(Off2(), other, nullptr), "CreateClue").clue.id;
    s().auditor().Flush();
  }

  Services& s() { return *w.services; }
  Principal Off1() { return w.As(w.officer1); }
  Principal Off2() { return w.As(w.officer2); }
  Principal Sup1() { return w.As(w.supervisor1); }
  Principal Sup2() { return w.As(w.supervisor2); }
  Principal Priv() { return w.As(privacy); }

  std::vector<AuditView> Search(const Principal& p, AuditSearchInput in = {}) {
    in.page.limit = 500;
    return Must(s().SearchAudit(p, in), "SearchAudit").items;
  }
  // (actor, action, object_type, object_id, allowed) of each hit, for readable comparisons.
  using Key = std::tuple<Id, std::string, std::string, Id, bool>;
  static std::multiset<Key> Keys(const std::vector<AuditView>& items) {
    std::multiset<Key> out;
    for (const auto& v : items) {
      const auto& r = v.entry.record;
      out.insert(
          {r.user_id.value_or(0), r.action, r.object_type, r.object_id.value_or(0), r.allowed});
    }
    return out;
  }
  static bool Has(const std::vector<AuditView>& items, Id user, const std::string& action) {
    return std::any_of(items.begin(), items.end(), [&](const AuditView& v) {
      return v.entry.record.user_id == user && v.entry.record.action == action;
    });
  }

  World w;
  Id privacy = 0, privacy_station = 0;
  Id case_id = 0, victim_id = 0, other_clue = 0;
};

TEST_F(AuditSearchTest, OnlySupervisorsAndPrivacyOfficersMaySearchAndRefusalsAreAudited) {
  for (Id user : {w.officer1, w.analyst1, w.prosecutor1, w.admin}) {
    const auto r = s().SearchAudit(w.As(user), {});
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << user;
  }
  EXPECT_TRUE(s().SearchAudit(Sup1(), {}).ok());
  EXPECT_TRUE(s().SearchAudit(Priv(), {}).ok());
  const auto denied = w.Audit(std::nullopt, "audit");
  for (Id user : {w.officer1, w.analyst1, w.prosecutor1, w.admin}) {
    EXPECT_TRUE(std::any_of(denied.begin(), denied.end(), [&](const storage::AuditRecord& r) {
      return r.user_id == user && r.action == "audit.search" && !r.allowed;
    })) << user;
  }
}

TEST_F(AuditSearchTest, SupervisorSeesTheirSubtreesUsersAndRecordsOnly) {
  const auto items = Search(Sup1());
  // Accesses to the county's case by anyone, including station 2's officer and supervisor.
  EXPECT_TRUE(Has(items, w.officer2, "case.read"));
  EXPECT_TRUE(Has(items, w.supervisor2, "case.read"));
  EXPECT_TRUE(Has(items, w.officer1, "clue.create"));
  EXPECT_TRUE(Has(items, w.supervisor1, "identity.reveal"));
  // Station 2's own clue is not the county's business.
  for (const auto& v : items) {
    EXPECT_FALSE(v.entry.record.object_type == "clue" && v.entry.record.object_id == other_clue)
        << v.entry.record.action;
  }
  // County 2's supervisor sees their officer's and their own accesses, but not county 1's own.
  const auto other = Search(Sup2());
  EXPECT_TRUE(Has(other, w.officer2, "case.read"));
  EXPECT_TRUE(Has(other, w.officer2, "clue.create"));
  EXPECT_TRUE(Has(other, w.supervisor2, "case.read"));
  EXPECT_FALSE(Has(other, w.officer1, "case.read"));
  EXPECT_FALSE(Has(other, w.supervisor1, "identity.reveal"));
}

TEST_F(AuditSearchTest, OutsideUnitFindsAccessesToCasesOwnedElsewhere) {
  AuditSearchInput in;
  in.outside_unit = true;
  const auto items = Search(Sup1(), in);
  const std::multiset<Key> want = {{w.officer2, "case.read", "case", case_id, true},
                                   {w.supervisor2, "case.read", "case", case_id, false}};
  EXPECT_EQ(Keys(items), want);
  for (const auto& v : items) {
    EXPECT_EQ(v.object_unit_id, w.station1);
    EXPECT_NE(v.user_unit_id, w.station1);
  }
  EXPECT_EQ(Keys(Search(Sup2(), in)), want);  // the same reads, seen from the readers' side
  in.allowed = false;
  EXPECT_EQ(Keys(Search(Sup1(), in)),
            (std::multiset<Key>{{w.supervisor2, "case.read", "case", case_id, false}}));
}

TEST_F(AuditSearchTest, WhoViewedThisVictimsRecordIncludesTheirCase) {
  AuditSearchInput in;
  in.object_type = "person";
  in.object_id = victim_id;
  const auto items = Search(Priv(), in);
  EXPECT_TRUE(Has(items, w.supervisor1, "identity.reveal"));
  EXPECT_TRUE(Has(items, w.officer1, "case.read"));
  EXPECT_TRUE(Has(items, w.officer2, "case.read"));
  for (const auto& v : items) {
    const auto& r = v.entry.record;
    EXPECT_TRUE((r.object_type == "person" && r.object_id == victim_id) ||
                (r.object_type == "case" && r.object_id == case_id))
        << r.object_type << " " << r.object_id.value_or(0);
  }
  // A person of another subtree, or no such person: an empty list, like any other filter.
  in.object_id = 999999;
  EXPECT_TRUE(Search(Priv(), in).empty());
}

// County 2 may not open station 1's case. Its officer's attempts on station 1's clue and victim
// must read, in county 2's audit search, exactly like attempts on ids that do not exist: no owning
// unit, no records about the victim's case, the same "outside the unit" answer.
TEST_F(AuditSearchTest, AnotherUnitsObjectsLookLikeUnknownIds) {
  const Id clue = *Must(s().GetCase(Off1(), case_id), "GetCase").summary.c.clue_id;
  ASSERT_FALSE(s().GetClue(Off2(), clue).ok());
  ASSERT_FALSE(s().GetClue(Off2(), 999999).ok());
  ASSERT_FALSE(s().RevealIdentity(Off2(), case_id, victim_id).ok());  // joint team: pseudonyms
  ASSERT_FALSE(s().RevealIdentity(Off2(), case_id, 999999).ok());
  s().auditor().Flush();
  using Shape = std::tuple<Id, std::string, std::string, bool, bool>;
  auto shapes = [&](const Principal& p, const std::string& type, Id id) {
    AuditSearchInput in;
    in.object_type = type;
    in.object_id = id;
    std::multiset<Shape> out;
    for (const auto& v : Search(p, in)) {
      const auto& r = v.entry.record;
      out.insert({r.user_id.value_or(0), r.action, r.object_type, r.allowed,
                  v.object_unit_id.has_value()});
    }
    return out;
  };
  EXPECT_FALSE(shapes(Sup2(), "clue", clue).empty());
  EXPECT_EQ(shapes(Sup2(), "clue", clue), shapes(Sup2(), "clue", 999999));
  EXPECT_FALSE(shapes(Sup2(), "person", victim_id).empty());
  EXPECT_EQ(shapes(Sup2(), "person", victim_id), shapes(Sup2(), "person", 999999));
  AuditSearchInput outside;
  outside.outside_unit = true;
  outside.user_id = w.officer2;
  std::set<std::pair<std::string, Id>> listed;
  for (const auto& v : Search(Sup2(), outside)) {
    listed.insert({v.entry.record.object_type, v.entry.record.object_id.value_or(0)});
    EXPECT_FALSE(v.object_unit_id.has_value()) << v.entry.record.action;
  }
  EXPECT_EQ(listed.count({"clue", clue}), listed.count({"clue", 999999}));
  EXPECT_EQ(listed.count({"person", victim_id}), listed.count({"person", 999999}));
  // Station 1's own supervisor still sees who owns them.
  AuditSearchInput own;
  own.object_type = "clue";
  own.object_id = clue;
  for (const auto& v : Search(Sup1(), own)) EXPECT_EQ(v.object_unit_id, w.station1);
}

TEST_F(AuditSearchTest, PrivacyOfficersSeeWhoAndWhenButNoCaseContent) {
  const auto items = Search(Priv());
  ASSERT_FALSE(items.empty());
  bool saw_clue_create = false;
  for (const auto& v : items) {
    const auto j = nlohmann::json::parse(v.entry.record.detail);
    for (auto it = j.begin(); it != j.end(); ++it)
      EXPECT_FALSE(it->is_string()) << v.entry.record.action << " " << it.key();
    if (v.entry.record.action == "clue.create" && v.entry.record.user_id == w.officer1) {
      saw_clue_create = true;
      EXPECT_FALSE(j.contains("source"));
      EXPECT_TRUE(j.contains("confirmed_not_duplicate"));
    }
  }
  EXPECT_TRUE(saw_clue_create);
  // A supervisor sees the detail as recorded.
  AuditSearchInput in;
  in.action = "clue.create";
  in.user_id = w.officer1;
  const auto sup = Search(Sup1(), in);
  ASSERT_EQ(sup.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(sup[0].entry.record.detail).value("source", ""), "walk_in");

  // And privacy officers open no case, clue or figures.
  EXPECT_EQ(s().GetCase(Priv(), case_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Must(s().ListCases(Priv(), {})).total, 0);
  EXPECT_EQ(s().GetClue(Priv(), other_clue).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Must(s().ListClues(Priv(), {})).total, 0);
  EXPECT_EQ(s().RevealIdentity(Priv(), case_id, victim_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s().Dashboard(Priv(), std::nullopt, std::nullopt).status().code(),
            StatusCode::kPermissionDenied);
  const auto work = Must(s().Worklist(Priv()));
  EXPECT_TRUE(work.clues.empty() && work.cases.empty() && work.actions.empty());
}

TEST_F(AuditSearchTest, PrivacyOfficerOfAStationSeesOnlyTheirStation) {
  const auto items = Search(w.As(privacy_station));
  EXPECT_TRUE(Has(items, w.officer1, "clue.create"));
  EXPECT_TRUE(Has(items, w.officer2, "case.read"));  // a read of their station's case
  EXPECT_FALSE(Has(items, w.officer2, "clue.create"));
}

TEST_F(AuditSearchTest, HitsCarryNamesUnitsAndFilterAndPage) {
  AuditSearchInput in;
  in.action = "case.read";
  const auto reads = Search(Sup1(), in);
  ASSERT_EQ(reads.size(), 3u);
  for (const auto& v : reads) {
    EXPECT_EQ(v.entry.record.action, "case.read");
    EXPECT_FALSE(v.user_name.empty());
    EXPECT_FALSE(v.user_unit_name.empty());
    EXPECT_EQ(v.entry.hash.size(), 32u);
  }
  EXPECT_TRUE(std::is_sorted(reads.begin(), reads.end(), [](const auto& a, const auto& b) {
    return a.entry.seq > b.entry.seq;  // newest first
  }));
  EXPECT_EQ(reads.back().user_name, "一所 王警官");

  AuditSearchInput page = in;
  page.page.limit = 2;
  page.page.offset = 2;
  const auto second = Must(s().SearchAudit(Sup1(), page));
  EXPECT_EQ(second.total, 3);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].entry.seq, reads[2].entry.seq);

  AuditSearchInput window;
  window.since = w.now + 1;
  EXPECT_TRUE(Search(Sup1(), window).empty());  // everything happened at w.now
  window.since = w.now;
  window.until = w.now + 1;
  EXPECT_FALSE(Search(Sup1(), window).empty());
}

TEST_F(AuditSearchTest, SearchingIsItselfAudited) {
  AuditSearchInput in;
  in.object_type = "person";
  in.object_id = victim_id;
  const auto items = Search(Priv(), in);
  const auto audit = w.Audit(std::nullopt, "audit");
  const auto it = std::find_if(audit.begin(), audit.end(), [&](const storage::AuditRecord& r) {
    return r.user_id == privacy && r.action == "audit.search";
  });
  ASSERT_NE(it, audit.end());
  EXPECT_TRUE(it->allowed);
  const auto detail = nlohmann::json::parse(it->detail);
  EXPECT_EQ(detail.value("object_type", ""), "person");
  EXPECT_EQ(detail.value("object_id", Id{0}), victim_id);
  EXPECT_EQ(detail.value("returned", 0u), items.size());
}

TEST_F(AuditSearchTest, BadFiltersNameTheField) {
  auto field = [&](AuditSearchInput in) { return s().SearchAudit(Sup1(), in).status().field(); };
  AuditSearchInput in;
  in.object_type = "cases; DROP TABLE audit_log";
  EXPECT_EQ(field(in), "object_type");
  in = {};
  in.object_id = 5;
  EXPECT_EQ(field(in), "object_type");
  in = {};
  in.action = "case.read' OR 1=1 --";
  EXPECT_EQ(field(in), "action");
  in = {};
  in.since = 100;
  in.until = 100;
  EXPECT_EQ(field(in), "until");
  // The audit is intact after all of it.
  s().auditor().Flush();
  AuditVerifyOptions options;
  options.trusted_public_keys = {testing::TestSigner().public_key()};
  ASSERT_TRUE(s().auditor().Checkpoint().ok());
  auto report = VerifyAuditChain(*w.store, options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->message;
}

}  // namespace
}  // namespace aegis::services
