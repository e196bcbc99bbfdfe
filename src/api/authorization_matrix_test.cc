// The authorization matrix: every API route × every role (plus an enrolment-only session and no
// session) × objects in and out of the caller's scope, against Api::Handle without a server.
//
// The rows (testing_authorization_spec.h) are the access spec, written down independently of
// services/policy.cc: when a row and the code disagree, the test fails and one of them is wrong.
// The test enumerates the route table (Api::RouteTable) and fails for a route without a row, so a
// new route cannot be added without deciding who may use it. To add a role, add it to
// testing_matrix.h (Actor) and to the spec's tables; to add an object class (e.g. another label),
// add it to the fixture, to Objects() and as a key to the tables it concerns.
//
// Beyond the statuses, every answer for an object outside the caller's scope must be
// indistinguishable from the answer for an id that does not exist: same status, body and headers,
// and the same SQL statements run (same number, same text), so neither the response nor its
// timing tells the two apart.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/testing_authorization_spec.h"

namespace aegis::api::testing {
namespace {

// ---------------------------------------------------------------- tests

TEST(AuthorizationMatrix, EveryRouteHasExactlyOneRow) {
  MatrixWorld m;
  std::map<std::string, int> rows;
  for (const Row& row : Rows()) ++rows[RowKey(row.method, RoutePattern(row.target))];
  std::set<std::string> routes;
  for (const RouteInfo& r : m.api.RouteTable()) {
    const std::string key = RowKey(r.method, r.path);
    routes.insert(key);
    EXPECT_EQ(rows[key], 1) << "route " << key
                            << " needs exactly one row in the authorization matrix: decide who "
                               "may use it (authorization_matrix_test.cc, Rows())";
  }
  for (const auto& [key, n] : rows)
    EXPECT_TRUE(routes.count(key)) << "matrix row " << key << " names no registered route";
  // The spec's public and enrolment-only flags agree with the route table's.
  for (const Row& row : Rows()) {
    for (const RouteInfo& r : m.api.RouteTable()) {
      if (RowKey(r.method, r.path) != RowKey(row.method, RoutePattern(row.target))) continue;
      EXPECT_EQ(r.needs_auth, !row.is_public) << r.method << " " << r.path;
      EXPECT_EQ(r.enrolment_ok, row.enrolment) << r.method << " " << r.path;
    }
  }
}

TEST(AuthorizationMatrix, EveryRouteRoleAndScope) {
  MatrixWorld m;
  Matrix matrix(m);
  std::vector<Row> rows = Rows();
  for (Row& row : rows) {
    if (row.target == "survivor/status") {
      const std::string reference = m.cases.at("B").reference, code = m.survivor_code;
      row.body = [reference, code](const Ids&, const std::string&) -> std::optional<Json> {
        return Json{{"reference", reference}, {"code", code}};
      };
    }
  }
  // Rows that widen or narrow access (break-glass, labels) run after all the others.
  std::stable_partition(rows.begin(), rows.end(), [](const Row& r) { return !r.last; });
  int cells = 0, leak_checks = 0;
  std::set<std::string> routes_allowed;  // rows with at least one allowed (2xx) answer
  for (const Row& row : rows) {
    const std::string route = RowKey(row.method, RoutePattern(row.target));
    std::set<std::string> succeeded;  // objects of a one-shot row already changed
    for (Actor actor : kActors) {
      std::map<std::string, Answer> answers;
      std::map<std::string, Out> expected;
      for (const std::string& object : Objects().at(row.kind)) {
        if (row.skip.count(object)) continue;
        Out want;
        if (actor == Actor::kNoSession && !row.is_public)
          want = Out::k401;
        else if (actor == Actor::kEnrolmentOnly && !row.is_public && !row.enrolment)
          want = Out::k403;
        else
          want = row.expect(actor, object);
        const Answer a = matrix.Run(row, actor, object);
        ++cells;
        expected[object] = want;
        const std::string where = route + " as " + Name(actor) + " on " + object;
        int want_status = 0;
        switch (want) {
          case Out::kOk:
            want_status = row.one_shot && succeeded.count(object) ? 409 : row.ok;
            break;
          case Out::k401:
            want_status = 401;
            break;
          case Out::k403:
            want_status = 403;
            break;
          case Out::k404:
            want_status = 404;
            break;
          case Out::k409:
            want_status = 409;
            break;
        }
        EXPECT_EQ(a.status, want_status)
            << where << ": expected " << Name(want) << " (" << want_status << "), got " << a.status
            << " " << Short(a.body);
        if (want == Out::kOk && a.status == row.ok) {
          succeeded.insert(object);
          routes_allowed.insert(route);
        }
        if (want == Out::k403 && actor == Actor::kEnrolmentOnly) {
          EXPECT_NE(a.body.find("totp_enrolment_required"), std::string::npos) << where;
        }
        answers[object] = a;
      }
      // Out of scope must look exactly like missing: body, headers and the statements run.
      if (!answers.count("missing")) continue;
      const Answer& missing = answers.at("missing");
      for (const auto& [object, a] : answers) {
        if (object == "missing" || expected.at(object) != Out::k404 || a.status != 404) continue;
        ++leak_checks;
        const std::string where = route + " as " + Name(actor) + ": " + object + " vs missing";
        EXPECT_EQ(a.body, missing.body) << where;
        EXPECT_EQ(a.content_type, missing.content_type) << where;
        EXPECT_EQ(a.headers, missing.headers) << where;
        // Sessions, users and break-glass grants are not case data; the existence of their ids is
        // not hidden from timing (see the report). Nor is an export's from someone who can open
        // its case (but may not export it).
        if (row.kind == Kind::kSession || row.kind == Kind::kUser || row.kind == Kind::kGrant)
          continue;
        if (row.kind == Kind::kExport && In(kCaseReaders, kExportCase.at(object), actor)) continue;
        EXPECT_EQ(a.sql, missing.sql)
            << where << ": an object outside the caller's scope must take the same path through "
            << "the database as an unknown id (apply the scope in the query)\n    out of scope:"
            << JoinSql(a.sql) << "\n    missing:" << JoinSql(missing.sql);
      }
    }
  }
  for (const Row& row : rows) {
    const std::string route = RowKey(row.method, RoutePattern(row.target));
    EXPECT_TRUE(routes_allowed.count(route))
        << route << ": no caller was ever allowed; the row's success path is not exercised";
  }
  // Every cell above is one request.
  std::cout << "authorization matrix: " << rows.size() << " routes, " << cells << " requests, "
            << leak_checks << " out-of-scope answers compared with unknown ids\n";
}

// ---------------------------------------------------------------- counts, lists, search, audit

// The cases of the fixture, by name.
const std::vector<std::string> kCaseNames = {"A", "B",  "S",  "M",  "X", "Y",
                                             "T", "T2", "A0", "RS", "SL"};
// The cases owned by branch 1 (station 1).
const std::set<std::string> kOwnedByStation1 = {"A", "A0", "RS", "SL"};

Json Parse(const Response& r) {
  Json j = Json::parse(r.body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("not JSON: " + r.body);
  return j;
}

std::set<Id> IdsOf(const Json& items, const char* key = "id") {
  std::set<Id> out;
  for (const auto& x : items) out.insert(x[key].get<Id>());
  return out;
}

TEST(NonLeak, ListsFiguresAndSearchCountOnlyWhatTheCallerMayOpen) {
  MatrixWorld m;
  const Id station2 = m.w.station2;
  for (Actor actor : kEveryRole) {
    SCOPED_TRACE(Name(actor));
    const std::string token = m.Token(actor);
    // Ground truth: the cases this caller can open, by trying each one.
    std::set<Id> openable, owned_below;  // owned_below: openable and owned in the caller's subtree
    std::set<Id> open_major_openable;
    for (const std::string& name : kCaseNames) {
      const Id id = m.cases.at(name).ids.at("case");
      const Response r = m.Get("/cases/" + std::to_string(id), token);
      ASSERT_TRUE(r.status == 200 || r.status == 404) << name << ": " << r.body;
      EXPECT_EQ(r.status == 200, In(kCaseReaders, name, actor)) << name;
      if (r.status != 200) continue;
      openable.insert(id);
      const Json c = Parse(r);
      if (kOwnedByStation1.count(name)) owned_below.insert(id);
      if (c["major"].get<bool>()) open_major_openable.insert(id);
    }
    // The case list and its total.
    const Response list = m.Get("/cases?limit=500", token);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(IdsOf(Parse(list)["items"]), openable);
    EXPECT_EQ(Parse(list)["total"].get<long long>(), static_cast<long long>(openable.size()));
    // Searching for another unit's case by its exact reference finds nothing.
    for (const std::string& name : kCaseNames) {
      const std::string ref = m.cases.at(name).reference;
      const Json found = Parse(m.Get("/cases?q=" + ref, token));
      EXPECT_EQ(found["total"].get<long long>(),
                openable.count(m.cases.at(name).ids.at("case")) ? 1 : 0)
          << name << " " << ref;
    }
    // Filtering by the other branch's unit counts only its cases the caller may open.
    const Json by_unit =
        Parse(m.Get("/cases?limit=500&unit_id=" + std::to_string(station2), token));
    EXPECT_EQ(by_unit["total"].get<long long>(),
              static_cast<long long>(openable.size() - owned_below.size()));
    // Clues: every listed clue opens, the other branch's clue does not, the total is the list.
    const Json clues = Parse(m.Get("/clues?limit=500", token));
    const std::set<Id> clue_ids = IdsOf(clues["items"]);
    EXPECT_EQ(clues["total"].get<long long>(), static_cast<long long>(clue_ids.size()));
    for (Id id : clue_ids) EXPECT_EQ(m.Get("/clues/" + std::to_string(id), token).status, 200);
    EXPECT_EQ(clue_ids.count(m.clues.at("CA")) > 0, In(kClueReaders, "CA", actor));
    EXPECT_EQ(clue_ids.count(m.clues.at("CB")), 0u);
    // Campaign figures: only cases the caller may open, owned below the caller's unit.
    const Response dash = m.Get("/dashboard", token);
    if (dash.status == 200) {
      const Json t = Parse(dash)["totals"];
      // (Restricted cases the caller opens as a team member are not counted: figures are by
      // owning unit, through the unit's ordinary scope.)
      EXPECT_LE(t["cases_filed"].get<long long>(), static_cast<long long>(owned_below.size()));
      EXPECT_EQ(t["clues_received"].get<long long>(), static_cast<long long>(clue_ids.size()));
      EXPECT_LE(t["open_major"].get<long long>(), static_cast<long long>(owned_below.size()));
      EXPECT_LE(t["minor_victim_cases"].get<long long>(),
                static_cast<long long>(owned_below.size()));
      long long by_unit_filed = 0;
      const Json figures = Parse(dash);
      for (const auto& u : figures["by_unit"]) by_unit_filed += u["cases_filed"].get<long long>();
      EXPECT_LE(by_unit_filed, t["cases_filed"].get<long long>());
      // Another branch's unit is unknown to the dashboard, exactly like a unit that does not
      // exist.
      const Response other = m.Get("/dashboard?unit_id=" + std::to_string(station2), token);
      const Response none = m.Get("/dashboard?unit_id=" + std::to_string(kMissingId), token);
      EXPECT_EQ(other.status, 404);
      EXPECT_EQ(other.body, none.body);
    }
    // The supervisor board.
    const Response board = m.Get("/board", token);
    if (board.status == 200) {
      const Json b = Parse(board);
      EXPECT_EQ(b["counts"]["open_major"].get<long long>(),
                static_cast<long long>(open_major_openable.size()));
      for (Id id : IdsOf(b["major_cases"])) EXPECT_TRUE(openable.count(id)) << id;
      for (Id id : IdsOf(b["pending_decisions"])) EXPECT_TRUE(clue_ids.count(id)) << id;
    }
    // The work list.
    const Json work = Parse(m.Get("/worklist", token));
    for (Id id : IdsOf(work["cases"])) EXPECT_TRUE(openable.count(id)) << id;
    for (Id id : IdsOf(work["clues"])) EXPECT_TRUE(clue_ids.count(id)) << id;
    for (Id id : IdsOf(work["actions"], "case_id")) EXPECT_TRUE(openable.count(id)) << id;
    for (Id id : IdsOf(work["referral_alerts"], "case_id")) EXPECT_TRUE(openable.count(id)) << id;
  }
}

TEST(NonLeak, ActionsAreNeverGivenToSomeoneWhoCannotOpenTheCase) {
  MatrixWorld m;
  // County 1's supervisor works on case X through an accepted assistance request; officer1 of a
  // station below cannot open X. An action for officer1 on X would put the case's reference and
  // the action on officer1's work list.
  const std::string x = "/cases/" + std::to_string(m.cases.at("X").ids.at("case"));
  const Response r =
      m.Post(x + "/actions", {{"title", "走访"}, {"owner_id", m.w.officer1}}, m.sup1);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"owner_id\""), std::string::npos) << r.body;
  const Json work = Parse(m.Get("/worklist", m.Token(Actor::kOfficer)));
  for (const auto& a : work["actions"])
    EXPECT_NE(a["case_id"].get<Id>(), m.cases.at("X").ids.at("case")) << a.dump();
  // Someone who can open the case may get it.
  const Response ok =
      m.Post(x + "/actions", {{"title", "走访"}, {"owner_id", m.w.supervisor1}}, m.sup1);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

// Break-glass opens a case read-only for an emergency: it hands nothing out. An officer of the
// owning unit who is not on a restricted case's team may open it by break-glass, but not export it.
TEST(NonLeak, NoExportThroughBreakGlass) {
  MatrixWorld m;
  const std::string rs = "/cases/" + std::to_string(m.cases.at("RS").ids.at("case"));
  const std::string by1 = m.MintSession(m.bystander1);
  EXPECT_EQ(m.Get(rs, by1).status, 404);
  const Response grant = m.Post(
      "/break-glass",
      {{"case_id", m.cases.at("RS").ids.at("case")}, {"reason", "紧急：受害人失联，需要联系方式"}},
      by1);
  ASSERT_EQ(grant.status, 201) << grant.body;
  EXPECT_EQ(m.Get(rs, by1).status, 200);
  const Json body = {{"audience", "court"}, {"purpose", "紧急移交"}};
  const Response preview = m.Post(rs + "/exports/preview", body, by1);
  EXPECT_EQ(preview.status, 403) << preview.body;
  EXPECT_EQ(m.Get(rs + "/exports", by1).status, 403);
}

TEST(NonLeak, DuplicateWarningsNameOnlyCluesTheCallerMaySee) {
  MatrixWorld m;
  // Case B's victim (another branch) recorded again by officer1: no warning, nothing named.
  const Json identity = {{"name", "矩阵受害人B"},
                         {"id_number", ResidentId("440103", "20100315", "002")},
                         {"phone", "13900000002"}};
  const Json body = {{"source", "walk_in"},
                     {"summary", "同一被害人再次报案"},
                     {"victim", {{"sex", "female"}, {"age", 15}, {"identity", identity}}}};
  const Response check = m.Post("/clues/check-duplicates", body, m.off1);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_TRUE(Parse(check)["duplicates"].empty()) << check.body;
  // The same victim as case A (officer1's own unit) is named: the check works.
  Json own = body;
  own["victim"]["identity"] = {{"id_number", ResidentId("440103", "20100315", "001")}};
  EXPECT_FALSE(Parse(m.Post("/clues/check-duplicates", own, m.off1))["duplicates"].empty());
}

// Normalises an audit page for comparison: what differs between two accesses by construction
// (sequence, hash, time, the id asked for) is removed.
Json Normalised(Json page) {
  for (auto& item : page["items"]) {
    for (const char* k : {"seq", "hash", "at", "object_id"}) item.erase(k);
    if (item.contains("detail") && item["detail"].is_object()) {
      for (const char* k : {"case_id"}) item["detail"].erase(k);
    }
  }
  return page;
}

TEST(NonLeak, AuditSearchTreatsOtherUnitsObjectsLikeUnknownIds) {
  MatrixWorld m;
  const CaseObject& a = m.cases.at("A");
  const CaseObject& b = m.cases.at("B");
  const std::string off = m.Token(Actor::kOfficer);
  // officer1 probes another unit's case, clue and victim, and ids that do not exist.
  for (const std::string& path :
       {"/cases/" + std::to_string(b.ids.at("case")), "/cases/" + std::to_string(kMissingId),
        "/clues/" + std::to_string(m.clues.at("CB")), "/clues/" + std::to_string(kMissingId),
        "/cases/" + std::to_string(a.ids.at("case")) + "/persons/" +
            std::to_string(b.ids.at("victim")) + "/identity",
        "/cases/" + std::to_string(a.ids.at("case")) + "/persons/" + std::to_string(kMissingId) +
            "/identity"}) {
    EXPECT_EQ(m.Get(path, off).status, 404) << path;
  }
  m.w.services->auditor().Flush();
  const std::vector<std::pair<std::string, std::pair<Id, Id>>> probes = {
      {"case", {b.ids.at("case"), kMissingId}},
      {"clue", {m.clues.at("CB"), kMissingId}},
      {"person", {b.ids.at("victim"), kMissingId}},
  };
  for (Actor searcher : {Actor::kSupervisor, Actor::kPrivacyOfficer}) {
    const std::string token = m.Token(searcher);
    (void)m.w.services->Authenticate(token, "127.0.0.1");  // cached: no session reads below
    for (const auto& [type, ids] : probes) {
      SCOPED_TRACE(std::string(Name(searcher)) + " " + type);
      const std::string q = "/audit?limit=500&object_type=" + type + "&object_id=";
      StatementLog::Get().Start();
      const Response other = m.Get(q + std::to_string(ids.first), token);
      const std::vector<std::string> other_sql = StatementLog::Get().Stop();
      StatementLog::Get().Start();
      const Response missing = m.Get(q + std::to_string(ids.second), token);
      const std::vector<std::string> missing_sql = StatementLog::Get().Stop();
      ASSERT_EQ(other.status, 200) << other.body;
      ASSERT_EQ(missing.status, 200) << missing.body;
      EXPECT_GT(Parse(other)["total"].get<long long>(), 0) << "officer1's probe is audited";
      EXPECT_EQ(Normalised(Parse(other)), Normalised(Parse(missing)))
          << "\n  other unit's: " << Short(other.body, 600)
          << "\n  unknown:      " << Short(missing.body, 600);
      EXPECT_EQ(other_sql, missing_sql) << JoinSql(other_sql) << "\n vs" << JoinSql(missing_sql);
      const Json other_page = Parse(other);
      for (const auto& item : other_page["items"])
        EXPECT_TRUE(item["object_unit_id"].is_null()) << item.dump();
    }
    // "Accesses outside the unit": the probe of another unit's object and of an unknown id are
    // both listed, or neither.
    const Json outside = Parse(
        m.Get("/audit?limit=500&outside_unit=true&user_id=" + std::to_string(m.w.officer1), token));
    std::set<std::pair<std::string, Id>> listed;
    for (const auto& item : outside["items"]) {
      if (item["object_id"].is_number())
        listed.insert({item["object_type"].get<std::string>(), item["object_id"].get<Id>()});
      EXPECT_TRUE(item["object_unit_id"].is_null() ||
                  item["object_unit_id"].get<Id>() == m.w.station1 ||
                  item["object_unit_id"].get<Id>() == m.w.county1)
          << item.dump();
    }
    for (const auto& [type, ids] : probes) {
      EXPECT_EQ(listed.count({type, ids.first}), listed.count({type, ids.second}))
          << Name(searcher) << " outside_unit " << type;
    }
  }
}

TEST(NonLeak, AnotherCasesPersonsAndRecordsLookLikeUnknownIds) {
  MatrixWorld m;
  const CaseObject& a = m.cases.at("A");
  const CaseObject& b = m.cases.at("B");
  const std::string c = "/cases/" + std::to_string(a.ids.at("case"));
  struct Probe {
    std::string method, path;  // "{x}" is replaced by B's id or an unknown one
    std::string key;           // which of B's ids
    std::string body;          // may contain {x} too
    std::string token;
  };
  const std::string off = m.off1, sup = m.sup1;
  const std::vector<Probe> probes = {
      {"GET", c + "/persons/{x}/identity", "victim", "", off},
      {"GET", c + "/persons/{x}/contact-preferences", "victim", "", off},
      {"PUT", c + "/persons/{x}/contact-preferences", "victim",
       MatrixWorld::PreferencesBody().dump(), off},
      {"POST", c + "/persons/{x}/survivor-code", "victim", "", off},
      {"POST", c + "/persons/{x}/survivor-code/revoke", "victim", "", off},
      {"PATCH", c + "/actions/{x}", "action", R"({"result":"x"})", off},
      {"POST", c + "/interview-approvals/{x}/decision", "approval", R"({"approve":true})", sup},
      {"POST", c + "/consents/{x}/withdraw", "consent_w", "", off},
      {"POST", c + "/interviews", "adult",
       R"({"person_id":{x},"started_at":"2026-03-01T15:00:00Z","duration_minutes":30,)"
       R"("location":"home","present":[]})",
       off},
      {"POST", c + "/interview-approvals", "minor2", R"({"person_id":{x},"reason":"r"})", off},
      {"POST", c + "/consents", "victim",
       R"({"person_id":{x},"given_by":"guardian","giver_relationship":"mother",)"
       R"("agency_unit_ids":[)" +
           std::to_string(m.w.partner) + R"(],"fields":["phone"]})",
       off},
      {"POST", c + "/referrals", "consent_r",
       R"({"person_id":)" + std::to_string(a.ids.at("victim")) +
           R"(,"consent_id":{x},"partner_unit_id":)" + std::to_string(m.w.partner) +
           R"(,"kind":"medical_care","need":"n"})",
       off},
  };
  auto fill = [](std::string s, Id id) {
    for (size_t p; (p = s.find("{x}")) != std::string::npos;) s.replace(p, 3, std::to_string(id));
    return s;
  };
  for (const Probe& p : probes) {
    SCOPED_TRACE(p.method + " " + p.path);
    (void)m.w.services->Authenticate(p.token, "127.0.0.1");
    StatementLog::Get().Start();
    const Response other =
        m.Call(p.method, fill(p.path, b.ids.at(p.key)), fill(p.body, b.ids.at(p.key)), p.token);
    const std::vector<std::string> other_sql = StatementLog::Get().Stop();
    StatementLog::Get().Start();
    const Response missing =
        m.Call(p.method, fill(p.path, kMissingId), fill(p.body, kMissingId), p.token);
    const std::vector<std::string> missing_sql = StatementLog::Get().Stop();
    EXPECT_GE(other.status, 400) << other.body;
    EXPECT_EQ(other.status, missing.status) << other.body << " vs " << missing.body;
    EXPECT_EQ(other.body, missing.body);
    EXPECT_EQ(other_sql, missing_sql) << JoinSql(other_sql) << "\n vs" << JoinSql(missing_sql);
  }
}

}  // namespace
}  // namespace aegis::api::testing
