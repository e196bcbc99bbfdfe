// Test-only fixture of the authorization matrix and the bad-input tests (never linked into the
// application): the World of services/testing_fixture.h with one user per role, sessions minted
// directly in the store (no password hashing per request), and a set of cases, clues, referrals
// and assistance requests in and out of each user's scope, all created through the API.
//
//   province [P]                              admin
//   ├─ city [P-C]
//   │  ├─ county bureau [P-C-K1]              supervisor1, privacy1, sup_enrol (no 2nd factor)
//   │  │  └─ station [P-C-K1-S1]              officer1, analyst1, forensic1, bystander1
//   │  ├─ county bureau [P-C-K2]              supervisor2
//   │  │  ├─ station [P-C-K2-S1]              officer2, bystander2
//   │  │  └─ station [P-C-K2-S2]              (nobody: the target of shares in the matrix)
//   │  ├─ procuratorate [P-C-PRO]             prosecutor1
//   │  └─ procuratorate [P-C-PRO2]            prosecutor2
//   ├─ partner [P-WF]                         partner1
//   └─ partner [P-LA]                         partner2
//
// Cases A to T2 have a minor victim V1 (15, identity on file; the case is labelled minor_victim),
// an adult victim, a second minor, an action, interviews, a pending further-interview request,
// contact preferences, two consents and a referral. A0, RS and SL have adult victims only (no
// second minor, no further-interview request). officer1 leads every case of station 1.
//   A   owned by station 1 (officer1's own unit)
//   B   owned by station 2 (another branch of the hierarchy)
//   S   owned by station 2, shared with station 1 and county 1 (joint team)
//   M   owned by station 2, officer1 on its team (file coordinator)
//   X   owned by station 2, assistance by county 1 accepted
//   Y   owned by station 2, assistance requested from county 1, not answered yet (AS1)
//   T   owned by station 2, transferred for prosecution to procuratorate 1
//   T2  owned by station 2, transferred for prosecution to procuratorate 2
//   A0  owned by station 1, adult victims only (no minor_victim label)
//   RS  owned by station 1, adult victims, labelled restricted
//   SL  owned by station 1, adult victims, sealed by court order
// Clues CA (station 1) and CB (station 2), pending review. Referrals R1 (case A, to P-WF) and R2
// (case B, to P-LA). Assistance requests AS1 (case Y to county 1) and AS2 (case A to county 2).
// Break-glass grants G1 (bystander2 on case A: county 1 reviews it) and G2 (prosecutor2 on case B);
// their alerts AL1 (to officer1, A's lead) and AL2 (to officer2, B's lead). Redacted exports EX1
// (case A) and EX2 (case B).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/api.h"
#include "api/json_io.h"
#include "services/crypto.h"
#include "services/testing_fixture.h"

namespace aegis::api::testing {

using domain::Id;
using services::testing::ResidentId;
using services::testing::World;

// The callers of the matrix: one per role, an enrolment-only session and no session at all.
enum class Actor {
  kOfficer,
  kSupervisor,
  kAnalyst,
  kForensic,
  kProsecutor,
  kPartner,
  kAdministrator,
  kPrivacyOfficer,
  kEnrolmentOnly,
  kNoSession,
};
inline constexpr Actor kActors[] = {
    Actor::kOfficer,       Actor::kSupervisor, Actor::kAnalyst,       Actor::kForensic,
    Actor::kProsecutor,    Actor::kPartner,    Actor::kAdministrator, Actor::kPrivacyOfficer,
    Actor::kEnrolmentOnly, Actor::kNoSession};

inline const char* Name(Actor a) {
  switch (a) {
    case Actor::kOfficer:
      return "officer";
    case Actor::kSupervisor:
      return "supervisor";
    case Actor::kAnalyst:
      return "analyst";
    case Actor::kForensic:
      return "forensic";
    case Actor::kProsecutor:
      return "prosecutor";
    case Actor::kPartner:
      return "partner";
    case Actor::kAdministrator:
      return "administrator";
    case Actor::kPrivacyOfficer:
      return "privacy_officer";
    case Actor::kEnrolmentOnly:
      return "enrolment_only";
    case Actor::kNoSession:
      return "no_session";
  }
  return "?";
}

// Records the SQL text of the statements run on one thread (the test's), through the store's
// statement observer. The auditor's background thread is ignored.
class StatementLog {
 public:
  static StatementLog& Get() {
    static StatementLog log;
    return log;
  }
  void Observe(std::string_view sql) {
    std::lock_guard lock(mu_);
    if (thread_ && *thread_ == std::this_thread::get_id()) sql_.emplace_back(sql);
  }
  void Start() {
    std::lock_guard lock(mu_);
    thread_ = std::this_thread::get_id();
    sql_.clear();
  }
  std::vector<std::string> Stop() {
    std::lock_guard lock(mu_);
    thread_.reset();
    return std::move(sql_);
  }

 private:
  std::mutex mu_;
  std::optional<std::thread::id> thread_;
  std::vector<std::string> sql_;
};

inline storage::StoreOptions ObservedStoreOptions() {
  storage::StoreOptions o;
  o.statement_observer = [](std::string_view sql) { StatementLog::Get().Observe(sql); };
  return o;
}

// The ids a request path or body can name, by placeholder: "case", "victim", "adult", "minor2",
// "action", "approval", "consent_w", "consent_r", "referral", "clue", "assistance", "session",
// "user".
using Ids = std::map<std::string, Id>;

struct CaseObject {
  Ids ids;  // case, victim (V1, minor, identity on file), adult, minor2, action, approval (of V1,
            // pending), consent_w, consent_r (naming partner_unit), referral (under consent_r)
  std::string reference;
};

inline constexpr Id kMissingId = 987654;

class MatrixWorld {
 public:
  MatrixWorld() : w({}, ObservedStoreOptions()), api(*w.services, "matrix") {
    station3 = w.AddUnit("P-C-K2-S2", "二区第二派出所", domain::UnitType::kStation, w.county2);
    partner2 = w.AddUnit("P-LA", "法律援助中心", domain::UnitType::kPartner, w.province);
    forensic1 = w.AddUser("for1", "一所 法医", domain::Role::kForensic, w.station1);
    partner1 = w.AddUser("wf1", "妇联 社工", domain::Role::kPartner, w.partner);
    partner2_user = w.AddUser("la1", "法援 律师", domain::Role::kPartner, partner2);
    privacy1 = w.AddUser("priv1", "一区 隐私专员", domain::Role::kPrivacyOfficer, w.county1);
    sup_enrol = w.AddUser("supnew", "一区 新队长", domain::Role::kSupervisor, w.county1);
    bystander1 = w.AddUser("by1", "一所 旁人", domain::Role::kOfficer, w.station1);
    bystander2 = w.AddUser("by2", "二所 旁人", domain::Role::kOfficer, w.station2);
    actor_user = {{Actor::kOfficer, w.officer1},       {Actor::kSupervisor, w.supervisor1},
                  {Actor::kAnalyst, w.analyst1},       {Actor::kForensic, forensic1},
                  {Actor::kProsecutor, w.prosecutor1}, {Actor::kPartner, partner1},
                  {Actor::kAdministrator, w.admin},    {Actor::kPrivacyOfficer, privacy1},
                  {Actor::kEnrolmentOnly, sup_enrol}};
    off1 = MintSession(w.officer1);
    sup1 = MintSession(w.supervisor1);
    off2 = MintSession(w.officer2);
    sup2 = MintSession(w.supervisor2);

    cases["A"] = MakeCase("A", off1, sup1, w.partner, 1);
    cases["B"] = MakeCase("B", off2, sup2, partner2, 2);
    for (const char* name : {"S", "M", "X", "Y", "T", "T2"})
      cases[name] = MakeCase(name, off2, sup2, w.partner, static_cast<int>(cases.size()) + 1);
    for (const char* name : {"A0", "RS", "SL"}) {
      cases[name] =
          MakeCase(name, off1, sup1, w.partner, static_cast<int>(cases.size()) + 1, /*adult=*/true);
    }
    const std::string rs = "/cases/" + std::to_string(cases["RS"].ids["case"]);
    Must(Post(rs + "/sensitivity", {{"restricted", true}, {"reason", "涉及公众人物"}}, sup1), 200);
    const std::string sl = "/cases/" + std::to_string(cases["SL"].ids["case"]);
    Must(Post(sl + "/sensitivity",
              {{"sealed", true},
               {"seal_reference", "(2026)示法封字第1号"},
               {"reason", "法院裁定封存"}},
              sup1),
         200);
    const Id s = cases["S"].ids["case"];
    Must(Post("/cases/" + std::to_string(s) + "/shares", {{"unit_id", w.station1}}, sup2), 201);
    Must(Post("/cases/" + std::to_string(s) + "/shares", {{"unit_id", w.county1}}, sup2), 201);
    EditCase(cases["M"].ids["case"], [&](domain::Case& c) { c.file_coordinator_id = w.officer1; });
    const Json x = Must(Post("/cases/" + std::to_string(cases["X"].ids["case"]) + "/assistance",
                             {{"to_unit_id", w.county1}, {"request", "协助调取监控"}}, off2),
                        201);
    Must(Post("/assistance/" + std::to_string(x["assistance"].back()["id"].get<Id>()) + "/answer",
              {{"accept", true}, {"response", "同意"}}, sup1),
         200);
    const Json y = Must(Post("/cases/" + std::to_string(cases["Y"].ids["case"]) + "/assistance",
                             {{"to_unit_id", w.county1}, {"request", "协助走访"}}, off2),
                        201);
    assistance["AS1"] = y["assistance"].back()["id"].get<Id>();
    const Json a = Must(Post("/cases/" + std::to_string(cases["A"].ids["case"]) + "/assistance",
                             {{"to_unit_id", w.county2}, {"request", "协助询问"}}, off1),
                        201);
    assistance["AS2"] = a["assistance"].back()["id"].get<Id>();
    EditCase(cases["T"].ids["case"], [&](domain::Case& c) {
      c.stage = domain::CaseStage::kTransferredForProsecution;
      c.procuratorate_unit_id = w.procuratorate1;
    });
    EditCase(cases["T2"].ids["case"], [&](domain::Case& c) {
      c.stage = domain::CaseStage::kTransferredForProsecution;
      c.procuratorate_unit_id = w.procuratorate2;
    });
    clues["CA"] = MakeClue("CA", off1);
    clues["CB"] = MakeClue("CB", off2);
    referrals["R1"] = cases["A"].ids["referral"];
    referrals["R2"] = cases["B"].ids["referral"];
    users["U1"] = bystander1;
    users["U2"] = bystander2;
    // A survivor code for case B's first victim (the public status route).
    const CaseObject& b = cases["B"];
    const Json code = Must(Post("/cases/" + std::to_string(b.ids.at("case")) + "/persons/" +
                                    std::to_string(b.ids.at("victim")) + "/survivor-code",
                                Json::object(), off2),
                           201);
    survivor_code = code["code"];
    MintSession(partner2_user);
    other_session = LastSessionId(partner2_user);
    // Break-glass: station 2's bystander opens case A (county 1 reviews it; A's lead, officer1, is
    // alerted), procuratorate 2 opens case B (nothing of county 1's).
    const std::string reason = "紧急：受害人报告再次受到威胁";
    grants["G1"] =
        Must(Post("/break-glass", {{"case_id", cases["A"].ids["case"]}, {"reason", reason}},
                  MintSession(bystander2)),
             201)["id"];
    grants["G2"] =
        Must(Post("/break-glass", {{"case_id", cases["B"].ids["case"]}, {"reason", reason}},
                  MintSession(w.prosecutor2)),
             201)["id"];
    alerts["AL1"] = AlertOf(off1, grants["G1"]);
    alerts["AL2"] = AlertOf(off2, grants["G2"]);
    // Redacted exports: EX1 of case A by officer1, EX2 of case B by officer2.
    exports["EX1"] = MakeExport(cases["A"].ids["case"], off1);
    exports["EX2"] = MakeExport(cases["B"].ids["case"], off2);
    w.services->auditor().Flush();
  }

  // ---- sessions, minted in the store like sign_in.cc does after a successful sign-in

  std::string MintSession(Id user_id, bool enrolment_only = false) {
    const std::string token = services::NewToken();
    storage::SessionRecord s;
    s.token_hash = services::HashToken(token);
    s.user_id = user_id;
    s.created_at = s.last_seen = w.now;
    s.expires_at = w.now + (enrolment_only ? 1800 : 12 * 3600);
    s.remote = "127.0.0.1";
    s.enrolment_only = enrolment_only;
    Status st = w.store->Write([&](storage::Repo& r) { return r.InsertSession(s); });
    if (!st.ok()) throw std::runtime_error(st.ToString());
    return token;
  }

  Id LastSessionId(Id user_id) {
    Id id = 0;
    Status st = w.store->Read([&](storage::Repo& r) -> Status {
      AEGIS_ASSIGN_OR_RETURN(auto list, r.ListSessions(user_id));
      for (const auto& s : list) id = std::max(id, s.id);
      return Status::Ok();
    });
    if (!st.ok() || id == 0) throw std::runtime_error("no session");
    return id;
  }

  // The actor's session token (minted once; empty for no session).
  std::string Token(Actor a) {
    if (a == Actor::kNoSession) return {};
    auto it = tokens_.find(a);
    if (it == tokens_.end())
      it = tokens_.emplace(a, MintSession(actor_user.at(a), a == Actor::kEnrolmentOnly)).first;
    return it->second;
  }

  // ---- requests

  Response Call(const std::string& method, const std::string& target, const std::string& body,
                const std::string& token, const std::string& remote = "127.0.0.1") {
    Request r;
    r.method = method;
    r.target = target.rfind("/api/", 0) == 0 ? target : "/api/v1" + target;
    r.body = body;
    if (!body.empty()) r.content_type = "application/json";
    if (!token.empty()) r.authorization = "Bearer " + token;
    r.remote = remote;
    return api.Handle(r);
  }
  Response Post(const std::string& target, const Json& body, const std::string& token) {
    return Call("POST", target, body.dump(), token);
  }
  Response Get(const std::string& target, const std::string& token) {
    return Call("GET", target, "", token);
  }
  static Json Must(const Response& r, int status) {
    if (r.status != status)
      throw std::runtime_error("fixture request answered " + std::to_string(r.status) + ": " +
                               r.body);
    return r.body.empty() ? Json() : Json::parse(r.body);
  }

  World w;
  Api api;
  Id station3 = 0, partner2 = 0;
  Id forensic1 = 0, partner1 = 0, partner2_user = 0, privacy1 = 0, sup_enrol = 0, bystander1 = 0,
     bystander2 = 0;
  std::map<Actor, Id> actor_user;
  std::string off1, sup1, off2, sup2;  // fixture sessions (officers and supervisors of both sides)
  std::map<std::string, CaseObject> cases;
  std::map<std::string, Id> clues, referrals, assistance, users, grants, alerts, exports;
  std::string survivor_code;  // case B, victim V1
  Id other_session = 0;       // a session of partner2's user

 private:
  // A victim identity unique to `tag` and `n` (1..999).
  static Json Identity(const std::string& tag, int n) {
    char seq[8];
    std::snprintf(seq, sizeof seq, "%03d", n);
    return {{"name", "矩阵受害人" + tag},
            {"id_number", ResidentId("440103", "20100315", seq)},
            {"phone", std::string("13900000") + seq}};
  }

 public:
  // The body of an export of case `case_id` after previewing it as the holder of `token` (with the
  // preview's hash, as the UI confirms it); with a hash of zeros when the preview is refused.
  Json ExportBody(Id case_id, const std::string& token) {
    Json body = {{"audience", "prosecution"}, {"purpose", "移送审查起诉"}};
    const Response preview =
        Post("/cases/" + std::to_string(case_id) + "/exports/preview", body, token);
    body["preview_hash"] = preview.status == 200 ? Json::parse(preview.body)["preview_hash"]
                                                 : Json(std::string(64, '0'));
    return body;
  }

 private:
  Id MakeExport(Id case_id, const std::string& token) {
    return Must(
        Post("/cases/" + std::to_string(case_id) + "/exports", ExportBody(case_id, token), token),
        201)["id"];
  }

  // The alert about grant `grant` on the alert list of the holder of `token`.
  Id AlertOf(const std::string& token, Id grant) {
    const Json list = Must(Get("/alerts", token), 200);
    for (const auto& a : list["items"])
      if (a["grant_id"] == grant) return a["id"];
    throw std::runtime_error("no alert for grant " + std::to_string(grant));
  }

  CaseObject MakeCase(const std::string& tag, const std::string& recorder,
                      const std::string& decider, Id partner_unit, int n, bool adult = false) {
    CaseObject out;
    const int age = adult ? 30 : 15;
    Json facts = {{"place", "测试地点 " + tag}};
    if (!adult) facts["youngest_victim_age"] = age;
    const Json clue =
        Must(Post("/clues",
                  {{"source", "walk_in"},
                   {"summary", "矩阵案件 " + tag},
                   {"facts", facts},
                   {"victim", {{"sex", "female"}, {"age", age}, {"identity", Identity(tag, n)}}},
                   {"confirm_not_duplicate", true}},
                  recorder),
             201);
    const Json filed = Must(Post("/clues/" + std::to_string(clue["id"].get<Id>()) + "/decision",
                                 {{"decision", "file"}, {"title", "矩阵案件 " + tag}}, decider),
                            200);
    const Id id = filed["case"]["id"];
    const std::string c = "/cases/" + std::to_string(id);
    out.reference = filed["case"]["reference"];
    out.ids["case"] = id;
    out.ids["partner_unit"] = partner_unit;
    Json page = Must(Get(c, recorder), 200);
    out.ids["victim"] = page["persons"][0]["id"];
    page = Must(Post(c + "/persons",
                     {{"role", "victim"}, {"sex", "female"}, {"age_at_offence", 30}}, recorder),
                201);
    out.ids["adult"] = page["persons"].back()["id"];
    if (!adult) {
      page = Must(Post(c + "/persons",
                       {{"role", "victim"}, {"sex", "male"}, {"age_at_offence", 12}}, recorder),
                  201);
      out.ids["minor2"] = page["persons"].back()["id"];
    }
    page = Must(Post(c + "/actions", {{"title", "调取监控 " + tag}}, recorder), 201);
    out.ids["action"] = page["actions"].back()["id"];
    for (const char* who : {"victim", "minor2"}) {
      if (!out.ids.count(who)) continue;
      Must(Post(c + "/interviews",
                {{"person_id", out.ids[who]},
                 {"started_at", "2026-03-01T09:00:00Z"},
                 {"duration_minutes", 40},
                 {"location", "one_stop_room"},
                 {"present", {"guardian", "counsellor"}}},
                recorder),
           201);
    }
    Json support;
    if (!adult) {
      support =
          Must(Post(c + "/interview-approvals",
                    {{"person_id", out.ids["victim"]}, {"reason", "需补充询问细节"}}, recorder),
               201);
      out.ids["approval"] = support["victims"][0]["approvals"].back()["id"];
    }
    Must(Call("PUT", c + "/persons/" + std::to_string(out.ids["victim"]) + "/contact-preferences",
              PreferencesBody().dump(), recorder),
         200);
    for (const char* key : {"consent_w", "consent_r"}) {
      Json consent = {{"person_id", out.ids["victim"]},
                      {"given_by", adult ? "victim" : "guardian"},
                      {"agency_unit_ids", {partner_unit}},
                      {"fields", {"name", "phone"}}};
      if (!adult) consent["giver_relationship"] = "mother";
      support = Must(Post(c + "/consents", consent, recorder), 201);
      out.ids[key] = support["victims"][0]["consents"].back()["id"];
    }
    support = Must(Post(c + "/referrals",
                        {{"person_id", out.ids["victim"]},
                         {"consent_id", out.ids["consent_r"]},
                         {"partner_unit_id", partner_unit},
                         {"kind", "counselling"},
                         {"need", "心理疏导"}},
                        recorder),
                   201);
    out.ids["referral"] = support["victims"][0]["referrals"].back()["id"];
    return out;
  }

 public:
  static Json PreferencesBody() {
    return {{"channels", {"phone"}},
            {"phone", "13900002222"},
            {"window_start", "09:00"},
            {"window_end", "20:00"},
            {"days", {"mon", "tue", "wed"}},
            {"utc_offset_minutes", 480},
            {"who_may_contact", "any_officer"},
            {"language", "zh"},
            {"notify_referrals", true},
            {"notify_case_progress", false}};
  }

 private:
  Id MakeClue(const std::string& tag, const std::string& token) {
    const Json clue = Must(Post("/clues",
                                {{"source", "hospital"},
                                 {"summary", "矩阵线索 " + tag},
                                 {"confirm_not_duplicate", true}},
                                token),
                           201);
    return clue["id"];
  }

  template <typename Fn>
  void EditCase(Id id, Fn edit) {
    Status st = w.store->Write([&](storage::Repo& r) -> Status {
      AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(id));
      if (!c) return Status::NotFound("case");
      edit(*c);
      return r.UpdateCase(*c);
    });
    if (!st.ok()) throw std::runtime_error(st.ToString());
  }

  std::map<Actor, std::string> tokens_;
};

}  // namespace aegis::api::testing
