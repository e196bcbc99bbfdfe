// The authorization matrix: every API route × every role (plus an enrolment-only session and no
// session) × objects in and out of the caller's scope, against Api::Handle without a server.
//
// The rows below are the access spec, written down independently of services/policy.cc: when a
// row and the code disagree, the test fails and one of them is wrong. The test enumerates the
// route table (Api::RouteTable) and fails for a route without a row, so a new route cannot be
// added without deciding who may use it. To add a role, add it to testing_matrix.h (Actor) and
// to the tables below; to add an object class (e.g. a sealed case), add it to the fixture and a
// column (a key) to the readers' tables it concerns.
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

#include "api/testing_matrix.h"

namespace aegis::api::testing {
namespace {

// ---------------------------------------------------------------- the spec

// What a request's object is.
enum class Kind { kNone, kCase, kClue, kReferral, kAssistance, kSession, kUser, kGrant, kAlert };

// The objects of each kind (testing_matrix.h describes them; "missing" is an id that does not
// exist, with valid ids of case A for the other path segments).
const std::map<Kind, std::vector<std::string>>& Objects() {
  static const std::map<Kind, std::vector<std::string>> kObjects = {
      {Kind::kNone, {"-"}},
      {Kind::kCase, {"A", "B", "S", "M", "X", "T", "T2", "A0", "RS", "SL", "missing"}},
      {Kind::kClue, {"CA", "CB", "missing"}},
      {Kind::kReferral, {"R1", "R2", "missing"}},
      {Kind::kAssistance, {"AS1", "AS2", "missing"}},
      {Kind::kSession, {"own", "other", "missing"}},
      {Kind::kUser, {"U1", "U2", "missing"}},
      {Kind::kGrant, {"G1", "G2", "missing"}},
      {Kind::kAlert, {"AL1", "AL2", "missing"}},
  };
  return kObjects;
}
// Cases with adult victims only: routes about a minor's further interview do not apply.
const std::set<std::string> kAdultCases = {"A0", "RS", "SL"};
// Cases sealed by court order: open to read for those cleared, every change answers 409.
const std::set<std::string> kSealedCases = {"SL"};

using Actors = std::set<Actor>;
// Object -> the actors a rule lets through; objects not listed: nobody.
using Table = std::map<std::string, Actors>;

constexpr Actor kOff = Actor::kOfficer, kSup = Actor::kSupervisor, kAna = Actor::kAnalyst,
                kFor = Actor::kForensic, kPro = Actor::kProsecutor, kPar = Actor::kPartner,
                kAdm = Actor::kAdministrator, kPriv = Actor::kPrivacyOfficer,
                kEnrol = Actor::kEnrolmentOnly;

const Actors kEditors = {kOff, kSup};  // record clues, edit cases, victim support
const Actors kEveryRole = {kOff, kSup, kAna, kFor, kPro, kPar, kAdm, kPriv};
const Actors kBreakGlassRoles = {kOff, kSup, kAna, kFor, kPro};

// Who may open each case: police of the owning unit's subtree (officers and supervisors; analysts
// and forensic staff of it too), the case team, units the case is shared with, units whose
// assistance was accepted (exactly that unit), and the procuratorate the case was transferred to.
// A restricted or sealed case only to its team, the supervisors over the owning unit and the
// procuratorate. Partners, administrators and privacy officers open no case.
const Table kCaseReaders = {
    {"A", {kOff, kSup, kAna, kFor}},   // own unit (station 1; county 1 above it)
    {"S", {kOff, kSup, kAna, kFor}},   // shared with station 1 and county 1
    {"M", {kOff}},                     // officer1 on the team
    {"X", {kSup}},                     // county 1's assistance accepted
    {"T", {kPro}},                     // transferred to procuratorate 1
    {"A0", {kOff, kSup, kAna, kFor}},  // own unit, adults only
    {"RS", {kOff, kSup}},              // restricted: the team (officer1) and county 1
    {"SL", {kOff, kSup}},              // sealed: likewise
};
// Who may see the persons and the victim support of a case they can open. A minor's: the owning
// unit chain's officers and supervisors, the team and the procuratorate (not joint teams, assisting
// units, analysts or forensic staff). Analysis (an analyst's only purpose) never shows people.
const Table kPeopleReaders = {
    {"A", {kOff, kSup}},        {"M", {kOff}},        {"T", {kPro}},
    {"A0", {kOff, kSup, kFor}}, {"RS", {kOff, kSup}}, {"SL", {kOff, kSup}},
};
// Who may see a victim's identity (and contact preferences): officers of the owning unit (a
// minor's: the team only) or on the team, supervisors above the owning unit, the procuratorate
// after transfer; a sealed case's only the team and the procuratorate. Joint teams and assisting
// units work under pseudonyms. This is also who may give the identity away: record a consent to
// share it and refer the victim to an agency.
const Table kIdentityReaders = {
    {"A", {kOff, kSup}},  {"M", {kOff}},        {"T", {kPro}},
    {"A0", {kOff, kSup}}, {"RS", {kOff, kSup}}, {"SL", {kOff}},
};
// Who may open a case to more people (share it, ask another unit for assistance, change the team):
// the owning unit's officers and the supervisors above it, not those it was opened to.
const Table kAccessGranters = {{"A", {kOff, kSup}}, {"A0", {kOff, kSup}}, {"RS", {kOff, kSup}}};
// Who may change a case's sensitivity labels: the supervisors over the owning unit.
const Table kLabellers = {{"A", {kSup}}, {"A0", {kSup}}, {"RS", {kSup}}, {"SL", {kSup}}};
// Clues: officers, supervisors and analysts of the receiving unit's subtree.
const Table kClueReaders = {{"CA", {kOff, kSup, kAna}}};
// Referrals (the partner's view): only the agency it was sent to.
const Table kReferralReaders = {{"R1", {kPar}}};
// Assistance requests are answered by a supervisor of the unit asked.
const Table kAssistanceAnswerers = {{"AS1", {kSup}}};
// Sessions: one's own.
const Table kSessionOwners = {{"own", {kOff, kSup, kAna, kFor, kPro, kPar, kAdm, kPriv, kEnrol}}};
// Ending another user's sessions: supervisors and administrators, within their unit subtree.
const Table kUserManagers = {{"U1", {kSup, kAdm}}, {"U2", {kAdm}}};
// Break-glass grants are reviewed by supervisors and privacy officers over the case's owning unit
// or the grantee's unit.
const Table kGrantReviewers = {{"G1", {kSup, kPriv}}};
// Alerts: one's own.
const Table kAlertOwners = {{"AL1", {kOff}}};

bool In(const Table& t, const std::string& object, Actor a) {
  auto it = t.find(object);
  return it != t.end() && it->second.count(a) > 0;
}

enum class Out { kOk, k401, k403, k404, k409 };
const char* Name(Out o) {
  switch (o) {
    case Out::kOk:
      return "ok";
    case Out::k401:
      return "401";
    case Out::k403:
      return "403";
    case Out::k404:
      return "404";
    case Out::k409:
      return "409";
  }
  return "?";
}

using Expect = std::function<Out(Actor, const std::string& object)>;

// Any signed-in caller.
Expect Anyone() {
  return [](Actor, const std::string&) { return Out::kOk; };
}
// Only these roles (403 for the others).
Expect Only(Actors roles) {
  return [roles](Actor a, const std::string&) { return roles.count(a) ? Out::kOk : Out::k403; };
}
// Whoever may see the object; the others get 404, exactly as for an unknown id.
Expect Reads(const Table& readers) {
  return [&readers](Actor a, const std::string& o) {
    return In(readers, o, a) ? Out::kOk : Out::k404;
  };
}
// The object's scope first (404), then a rule on the object (403).
Expect ReadsThen(const Table& readers, const Table& rule) {
  return [&readers, &rule](Actor a, const std::string& o) {
    if (!In(readers, o, a)) return Out::k404;
    return In(rule, o, a) ? Out::kOk : Out::k403;
  };
}
// Roles with the capability (403 for the others, whatever the object), then the object's scope.
Expect Acts(Actors roles, const Table& readers) {
  return [roles, &readers](Actor a, const std::string& o) {
    if (!roles.count(a)) return Out::k403;
    return In(readers, o, a) ? Out::kOk : Out::k404;
  };
}
// A change to a case: the capability (403), the case's scope (404), a rule checked before the
// seal (403; e.g. who may see the section), the seal (409), a rule of the change itself (403).
Expect Changes(Actors roles, const Table& readers, const Table* before_seal = nullptr,
               const Table* after_seal = nullptr) {
  return [roles, &readers, before_seal, after_seal](Actor a, const std::string& o) {
    if (!roles.count(a)) return Out::k403;
    if (!In(readers, o, a)) return Out::k404;
    if (before_seal && !In(*before_seal, o, a)) return Out::k403;
    if (kSealedCases.count(o)) return Out::k409;
    if (after_seal && !In(*after_seal, o, a)) return Out::k403;
    return Out::kOk;
  };
}
// Break-glass: roles that may (403), not for unknown or sealed cases (404, alike), not when the
// case is already open to the caller (409).
Expect BreakGlass() {
  return [](Actor a, const std::string& o) {
    if (!kBreakGlassRoles.count(a)) return Out::k403;
    if (o == "missing" || kSealedCases.count(o)) return Out::k404;
    if (In(kCaseReaders, o, a)) return Out::k409;
    return Out::kOk;
  };
}

using Body = std::function<std::optional<Json>(const Ids& ids, const std::string& object)>;
Body Fixed(Json j) {
  return [j](const Ids&, const std::string&) { return j; };
}

struct Row {
  std::string method;
  // The request target below /api/v1: "{name}" segments take the object's ids (an {id} of the
  // route), "[word]" segments are that word (a {key} of the route).
  std::string target;
  Kind kind;
  Expect expect;
  int ok = 200;  // the status of an allowed request (a 4xx when the body is refused on purpose)
  Body body = nullptr;
  bool is_public = false;           // served without a session
  bool enrolment = false;           // reachable with an enrolment-only session
  bool one_shot = false;            // a second allowed request on the same object answers 409
  bool ends_session = false;        // the request ends the session it came with
  bool last = false;                // widens or narrows access: run after every other row
  std::set<std::string> skip = {};  // objects the route does not apply to
};

std::vector<Row> Rows() {
  const Body kClue = Fixed({{"source", "walk_in"},
                            {"summary", "矩阵新线索：被害人报称在公园被尾随"},
                            {"confirm_not_duplicate", true}});
  return {
      // ---- public
      {"GET", "health", Kind::kNone, Anyone(), 200, nullptr, true},
      {"GET", "openapi.json", Kind::kNone, Anyone(), 200, nullptr, true},
      {"POST", "auth/login", Kind::kNone, Anyone(), 200,
       Fixed({{"username", "by1"}, {"password", services::testing::kTestPassword}}), true},
      {"POST", "survivor/status", Kind::kNone, Anyone(), 200, nullptr /* set by the test */, true},
      // ---- one's own account (an enrolment-only session reaches these)
      {"POST", "auth/logout", Kind::kNone, Anyone(), 204, nullptr, false, true, false, true},
      {"GET", "auth/me", Kind::kNone, Anyone(), 200, nullptr, false, true},
      {"GET", "auth/security", Kind::kNone, Anyone(), 200, nullptr, false, true},
      // A weak new password is refused after the session was accepted: 400 is the "allowed" answer.
      {"POST", "auth/password", Kind::kNone, Anyone(), 400,
       Fixed({{"current_password", "x"}, {"new_password", "short"}}), false, true},
      {"POST", "auth/totp/enroll", Kind::kNone, Anyone(), 400, Fixed(Json::object()), false, true},
      {"POST", "auth/totp/confirm", Kind::kNone, Anyone(), 409, Fixed({{"code", "123456"}}), false,
       true},
      // Supervisors and administrators must keep a second factor (403); the others reach the
      // password check (an overlong password: 400 without hashing).
      {"POST", "auth/totp/disable", Kind::kNone, Only({kOff, kAna, kFor, kPro, kPar, kPriv}), 400,
       Fixed({{"current_password", std::string(300, 'x')}, {"code", "123456"}})},
      {"GET", "auth/sessions", Kind::kNone, Anyone(), 200, nullptr, false, true},
      {"DELETE", "auth/sessions/{session}", Kind::kSession, Reads(kSessionOwners), 204, nullptr,
       false, true},
      {"DELETE", "users/{user}/sessions", Kind::kUser, Acts({kSup, kAdm}, kUserManagers)},
      // ---- reference data
      {"GET", "meta", Kind::kNone, Anyone()},
      {"GET", "units", Kind::kNone, Anyone()},
      {"GET", "users", Kind::kNone, Anyone()},
      {"GET", "campaigns", Kind::kNone, Anyone()},
      // ---- clues
      {"GET", "clues", Kind::kNone, Anyone()},
      {"POST", "clues", Kind::kNone, Only(kEditors), 201, kClue},
      {"POST", "clues/check-duplicates", Kind::kNone, Only(kEditors), 200, kClue},
      {"GET", "clues/{clue}", Kind::kClue, Reads(kClueReaders)},
      {"POST", "clues/{clue}/track", Kind::kClue, Acts(kEditors, kClueReaders), 200,
       Fixed({{"track", "verification"}, {"reason", "需核实报案人身份"}})},
      {"POST", "clues/{clue}/decision", Kind::kClue, Acts({kSup}, kClueReaders), 200,
       Fixed({{"decision", "decline"}, {"reason", "不构成犯罪"}}), false, false, true},
      // ---- cases
      {"GET", "cases", Kind::kNone, Anyone()},
      {"GET", "cases/{case}", Kind::kCase, Reads(kCaseReaders)},
      {"POST", "cases/{case}/transitions", Kind::kCase, Changes({kOff, kSup, kPro}, kCaseReaders),
       200,
       [](const Ids&, const std::string& o) -> std::optional<Json> {
         if (o == "T" || o == "T2") return Json{{"to", "prosecuted"}};
         return Json{{"to", "under_investigation"}};
       },
       false, false, true},
      {"PUT", "cases/{case}/checklist/[scene_examination]", Kind::kCase,
       Changes(kEditors, kCaseReaders), 200, Fixed({{"done", true}})},
      {"POST", "cases/{case}/persons", Kind::kCase, Changes(kEditors, kCaseReaders), 201,
       Fixed({{"role", "witness"}, {"sex", "female"}, {"age_at_offence", 40}})},
      {"GET", "cases/{case}/persons/{victim}/identity", Kind::kCase,
       ReadsThen(kCaseReaders, kIdentityReaders)},
      {"POST", "cases/{case}/actions", Kind::kCase, Changes(kEditors, kCaseReaders), 201,
       Fixed({{"title", "走访目击者"}})},
      {"PATCH", "cases/{case}/actions/{action}", Kind::kCase, Changes(kEditors, kCaseReaders), 200,
       Fixed({{"result", "已调取监控"}})},
      {"PUT", "cases/{case}/team", Kind::kCase,
       Changes(kEditors, kCaseReaders, nullptr, &kAccessGranters), 200,
       [](const Ids& ids, const std::string&) -> std::optional<Json> {
         return Json{{"lead_investigator_id", ids.at("officer1")}};
       }},
      {"POST", "cases/{case}/assistance", Kind::kCase,
       Changes(kEditors, kCaseReaders, nullptr, &kAccessGranters), 201,
       [](const Ids& ids, const std::string&) -> std::optional<Json> {
         return Json{{"to_unit_id", ids.at("county2")}, {"request", "协助调查"}};
       }},
      {"POST", "assistance/{assistance}/answer", Kind::kAssistance,
       Acts({kSup}, kAssistanceAnswerers), 200, Fixed({{"accept", true}, {"response", "同意"}}),
       false, false, true},
      {"POST", "cases/{case}/shares", Kind::kCase,
       Changes(kEditors, kCaseReaders, nullptr, &kAccessGranters), 201,
       [](const Ids& ids, const std::string&) -> std::optional<Json> {
         return Json{{"unit_id", ids.at("station3")}};
       }},
      // ---- work
      {"GET", "worklist", Kind::kNone, Anyone()},
      {"GET", "board", Kind::kNone, Only({kSup})},
      {"GET", "dashboard", Kind::kNone, Only({kOff, kSup, kAna})},
      {"GET", "audit", Kind::kNone, Only({kSup, kPriv})},
      // ---- need-to-know: labels, break-glass, alerts
      {"POST", "cases/{case}/sensitivity", Kind::kCase, ReadsThen(kCaseReaders, kLabellers), 200,
       Fixed({{"restricted_sections", {"timeline"}}, {"reason", "矩阵复核"}}), false, false, true,
       false, true},
      // Break-glass opens cases: it runs last. 201 (a grant) where the case is closed to the
      // caller, 409 where it is open anyway.
      {"POST", "break-glass", Kind::kCase, BreakGlass(), 201,
       [](const Ids& ids, const std::string&) -> std::optional<Json> {
         return Json{{"case_id", ids.at("case")}, {"reason", "紧急：嫌疑人可能再次作案"}};
       },
       false, false, false, false, true},
      {"GET", "break-glass", Kind::kNone, Only({kSup, kPriv})},
      {"POST", "break-glass/{grant}/review", Kind::kGrant, Acts({kSup, kPriv}, kGrantReviewers),
       200, Fixed({{"justified", true}}), false, false, true},
      {"GET", "alerts", Kind::kNone, Anyone()},
      {"POST", "alerts/{alert}/read", Kind::kAlert, Reads(kAlertOwners), 204},
      // ---- victim support
      {"GET", "cases/{case}/victim-support", Kind::kCase, ReadsThen(kCaseReaders, kPeopleReaders)},
      {"POST", "cases/{case}/interviews", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders), 201,
       [](const Ids& ids, const std::string&) -> std::optional<Json> {
         return Json{{"person_id", ids.at("adult")},
                     {"started_at", "2026-03-01T15:00:00Z"},
                     {"duration_minutes", 30},
                     {"location", "police_interview_room"},
                     {"present", Json::array()}};
       }},
      {"POST", "cases/{case}/interview-approvals", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders), 201,
       [](const Ids& ids, const std::string&) -> std::optional<Json> {
         return Json{{"person_id", ids.at("minor2")}, {"reason", "需补充询问"}};
       },
       false, false, true, false, false, kAdultCases},
      {"POST", "cases/{case}/interview-approvals/{approval}/decision", Kind::kCase,
       Changes({kSup}, kCaseReaders, &kPeopleReaders), 200, Fixed({{"approve", true}}), false,
       false, true, false, false, kAdultCases},
      {"GET", "cases/{case}/persons/{victim}/contact-preferences", Kind::kCase,
       ReadsThen(kCaseReaders, kIdentityReaders)},
      {"PUT", "cases/{case}/persons/{victim}/contact-preferences", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders), 200,
       Fixed(MatrixWorld::PreferencesBody())},
      {"POST", "cases/{case}/consents", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders, &kIdentityReaders), 201,
       [](const Ids& ids, const std::string& o) -> std::optional<Json> {
         Json j = {{"person_id", ids.at("victim")},
                   {"given_by", kAdultCases.count(o) ? "victim" : "guardian"},
                   {"agency_unit_ids", {ids.at("partner_unit")}},
                   {"fields", {"phone"}}};
         if (!kAdultCases.count(o)) j["giver_relationship"] = "father";
         return j;
       }},
      {"POST", "cases/{case}/consents/{consent_w}/withdraw", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders), 200, Fixed({{"note", "撤回同意"}}), false,
       false, true},
      {"POST", "cases/{case}/referrals", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders, &kIdentityReaders), 201,
       [](const Ids& ids, const std::string&) -> std::optional<Json> {
         return Json{{"person_id", ids.at("victim")},
                     {"consent_id", ids.at("consent_r")},
                     {"partner_unit_id", ids.at("partner_unit")},
                     {"kind", "legal_aid"},
                     {"need", "法律咨询"}};
       },
       false, false, true},
      {"POST", "cases/{case}/persons/{victim}/survivor-code", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders), 201},
      {"POST", "cases/{case}/persons/{victim}/survivor-code/revoke", Kind::kCase,
       Changes(kEditors, kCaseReaders, &kPeopleReaders)},
      {"GET", "referrals", Kind::kNone, Only({kPar})},
      {"GET", "referrals/{referral}", Kind::kReferral, Reads(kReferralReaders)},
      {"POST", "referrals/{referral}/status", Kind::kReferral, Acts({kPar}, kReferralReaders), 200,
       Fixed({{"status", "accepted"}, {"partner_contact", "妇联热线 12338"}}), false, false, true},
  };
}

// The route pattern a row's target stands for: "{name}" -> "{id}", "[word]" -> "{key}".
std::string RoutePattern(const std::string& target) {
  std::string out;
  std::stringstream ss(target);
  for (std::string seg; std::getline(ss, seg, '/');) {
    if (!out.empty()) out += '/';
    if (!seg.empty() && seg.front() == '{')
      out += "{id}";
    else if (!seg.empty() && seg.front() == '[')
      out += "{key}";
    else
      out += seg;
  }
  return out;
}

std::string RowKey(const std::string& method, const std::string& pattern) {
  return method + " " + pattern;
}

// ---------------------------------------------------------------- running the matrix

struct Answer {
  int status = 0;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> sql;  // statements run for the request, in order
};

class Matrix {
 public:
  explicit Matrix(MatrixWorld& m) : m_(m) {}

  // The ids an object stands for, for `actor`.
  Ids Resolve(Kind kind, const std::string& object, Actor actor) {
    Ids ids = m_.cases.at("A").ids;  // the other segments of a request on a missing id
    ids["county2"] = m_.w.county2;
    ids["station3"] = m_.station3;
    ids["officer1"] = m_.w.officer1;
    const bool missing = object == "missing";
    switch (kind) {
      case Kind::kNone:
        break;
      case Kind::kCase:
        if (missing) {
          ids["case"] = kMissingId;
        } else {
          for (const auto& [k, v] : m_.cases.at(object).ids) ids[k] = v;
        }
        break;
      case Kind::kClue:
        ids["clue"] = missing ? kMissingId : m_.clues.at(object);
        break;
      case Kind::kReferral:
        ids["referral"] = missing ? kMissingId : m_.referrals.at(object);
        break;
      case Kind::kAssistance:
        ids["assistance"] = missing ? kMissingId : m_.assistance.at(object);
        break;
      case Kind::kUser:
        ids["user"] = missing ? kMissingId : m_.users.at(object);
        break;
      case Kind::kGrant:
        ids["grant"] = missing ? kMissingId : m_.grants.at(object);
        break;
      case Kind::kAlert:
        ids["alert"] = missing ? kMissingId : m_.alerts.at(object);
        break;
      case Kind::kSession:
        if (object == "own" && actor != Actor::kNoSession) {
          m_.MintSession(m_.actor_user.at(actor), actor == Actor::kEnrolmentOnly);
          ids["session"] = m_.LastSessionId(m_.actor_user.at(actor));
        } else {
          ids["session"] = object == "other" ? m_.other_session : kMissingId;
        }
        break;
    }
    return ids;
  }

  static std::string Target(const std::string& tmpl, const Ids& ids) {
    std::string out = "/api/v1";
    std::stringstream ss(tmpl);
    for (std::string seg; std::getline(ss, seg, '/');) {
      out += '/';
      if (!seg.empty() && seg.front() == '{')
        out += std::to_string(ids.at(seg.substr(1, seg.size() - 2)));
      else if (!seg.empty() && seg.front() == '[')
        out += seg.substr(1, seg.size() - 2);
      else
        out += seg;
    }
    return out;
  }

  Answer Run(const Row& row, Actor actor, const std::string& object) {
    const Ids ids = Resolve(row.kind, object, actor);
    std::string token;
    if (actor != Actor::kNoSession) {
      token = row.ends_session
                  ? m_.MintSession(m_.actor_user.at(actor), actor == Actor::kEnrolmentOnly)
                  : m_.Token(actor);
    }
    // Each request from its own address: the sign-in and survivor-page limits are per address.
    const int n = ++remote_;
    const std::string remote =
        "10.9." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
    // The session is resolved (and cached) before the statements are counted, so that every cell
    // counts only what its route does.
    if (!token.empty()) (void)m_.w.services->Authenticate(token, remote);
    Request req;
    req.method = row.method;
    req.target = Target(row.target, ids);
    if (row.body) {
      if (auto b = row.body(ids, object)) req.body = b->dump();
    }
    if (!req.body.empty()) req.content_type = "application/json";
    if (!token.empty()) req.authorization = "Bearer " + token;
    req.remote = remote;
    StatementLog::Get().Start();
    Response res = m_.api.Handle(req);
    Answer a;
    a.sql = StatementLog::Get().Stop();
    a.status = res.status;
    a.body = res.body;
    a.content_type = res.content_type;
    a.headers = res.headers;
    return a;
  }

 private:
  MatrixWorld& m_;
  int remote_ = 0;
};

std::string Short(const std::string& s, size_t n = 240) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

std::string JoinSql(const std::vector<std::string>& sql) {
  std::string out;
  for (const auto& s : sql) out += "\n      " + Short(s, 160);
  return out;
}

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
        // not hidden from timing (see the report).
        if (row.kind == Kind::kSession || row.kind == Kind::kUser || row.kind == Kind::kGrant)
          continue;
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
