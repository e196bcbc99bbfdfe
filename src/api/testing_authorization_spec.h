// The access spec of the authorization matrix and its runner, shared by the matrix test and the
// bad-input test (which sends its payloads as callers the spec allows). Test-only; see
// authorization_matrix_test.cc for what the rows mean.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/testing_matrix.h"

namespace aegis::api::testing {

// ---------------------------------------------------------------- the spec

// What a request's object is.
enum class Kind {
  kNone,
  kCase,
  kClue,
  kReferral,
  kAssistance,
  kSession,
  kUser,
  kGrant,
  kAlert,
  kExport
};

// The objects of each kind (testing_matrix.h describes them; "missing" is an id that does not
// exist, with valid ids of case A for the other path segments).
inline const std::map<Kind, std::vector<std::string>>& Objects() {
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
      {Kind::kExport, {"EX1", "EX2", "missing"}},
  };
  return kObjects;
}
// Cases with adult victims only: routes about a minor's further interview do not apply.
inline const std::set<std::string> kAdultCases = {"A0", "RS", "SL"};
// Cases sealed by court order: open to read for those cleared, every change answers 409.
inline const std::set<std::string> kSealedCases = {"SL"};

using Actors = std::set<Actor>;
// Object -> the actors a rule lets through; objects not listed: nobody.
using Table = std::map<std::string, Actors>;

inline constexpr Actor kOff = Actor::kOfficer, kSup = Actor::kSupervisor, kAna = Actor::kAnalyst,
                       kFor = Actor::kForensic, kPro = Actor::kProsecutor, kPar = Actor::kPartner,
                       kAdm = Actor::kAdministrator, kPriv = Actor::kPrivacyOfficer,
                       kEnrol = Actor::kEnrolmentOnly;

inline const Actors kEditors = {kOff, kSup};  // record clues, edit cases, victim support
inline const Actors kEveryRole = {kOff, kSup, kAna, kFor, kPro, kPar, kAdm, kPriv};
inline const Actors kBreakGlassRoles = {kOff, kSup, kAna, kFor, kPro};

// Who may open each case: police of the owning unit's subtree (officers and supervisors; analysts
// and forensic staff of it too), the case team, units the case is shared with, units whose
// assistance was accepted (exactly that unit), and the procuratorate the case was transferred to.
// A restricted or sealed case only to its team, the supervisors over the owning unit and the
// procuratorate. Partners, administrators and privacy officers open no case.
inline const Table kCaseReaders = {
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
inline const Table kPeopleReaders = {
    {"A", {kOff, kSup}},        {"M", {kOff}},        {"T", {kPro}},
    {"A0", {kOff, kSup, kFor}}, {"RS", {kOff, kSup}}, {"SL", {kOff, kSup}},
};
// Who may see a victim's identity (and contact preferences): officers of the owning unit (a
// minor's: the team only) or on the team, supervisors above the owning unit, the procuratorate
// after transfer; a sealed case's only the team and the procuratorate. Joint teams and assisting
// units work under pseudonyms. This is also who may give the identity away: record a consent to
// share it and refer the victim to an agency.
inline const Table kIdentityReaders = {
    {"A", {kOff, kSup}},  {"M", {kOff}},        {"T", {kPro}},
    {"A0", {kOff, kSup}}, {"RS", {kOff, kSup}}, {"SL", {kOff}},
};
// Who may open a case to more people (share it, ask another unit for assistance, change the team):
// the owning unit's officers and the supervisors above it, not those it was opened to.
inline const Table kAccessGranters = {
    {"A", {kOff, kSup}}, {"A0", {kOff, kSup}}, {"RS", {kOff, kSup}}};
// Who may change a case's sensitivity labels: the supervisors over the owning unit.
inline const Table kLabellers = {{"A", {kSup}}, {"A0", {kSup}}, {"RS", {kSup}}, {"SL", {kSup}}};
// Clues: officers, supervisors and analysts of the receiving unit's subtree.
inline const Table kClueReaders = {{"CA", {kOff, kSup, kAna}}};
// Referrals (the partner's view): only the agency it was sent to.
inline const Table kReferralReaders = {{"R1", {kPar}}};
// Assistance requests are answered by a supervisor of the unit asked.
inline const Table kAssistanceAnswerers = {{"AS1", {kSup}}};
// Sessions: one's own.
inline const Table kSessionOwners = {
    {"own", {kOff, kSup, kAna, kFor, kPro, kPar, kAdm, kPriv, kEnrol}}};
// Ending another user's sessions: supervisors and administrators, within their unit subtree.
inline const Table kUserManagers = {{"U1", {kSup, kAdm}}, {"U2", {kAdm}}};
// Break-glass grants are reviewed by supervisors and privacy officers over the case's owning unit
// or the grantee's unit.
inline const Table kGrantReviewers = {{"G1", {kSup, kPriv}}};
// Who may export a case (redacted, outside the team): the team, officers of the owning unit,
// supervisors above it; not a joint team, an assisting unit, a prosecutor or a break-glass grant.
// Nobody exports a sealed case (SL): the court's seal forbids passing it on.
inline const Table kExporters = {
    {"A", {kOff, kSup}},
    {"M", {kOff}},
    {"A0", {kOff, kSup}},
    {"RS", {kOff, kSup}},
};
// A stored export is read by those who may export its case (EX1: case A).
inline const Table kExportReaders = {{"EX1", {kOff, kSup}}};
// The case of each export object (an export of a case the caller can open is no secret from them).
inline const std::map<std::string, std::string> kExportCase = {{"EX1", "A"}, {"EX2", "B"}};
// Alerts: one's own.
inline const Table kAlertOwners = {{"AL1", {kOff}}};

inline bool In(const Table& t, const std::string& object, Actor a) {
  auto it = t.find(object);
  return it != t.end() && it->second.count(a) > 0;
}

enum class Out { kOk, k401, k403, k404, k409 };
inline const char* Name(Out o) {
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
inline Expect Anyone() {
  return [](Actor, const std::string&) { return Out::kOk; };
}
// Only these roles (403 for the others).
inline Expect Only(Actors roles) {
  return [roles](Actor a, const std::string&) { return roles.count(a) ? Out::kOk : Out::k403; };
}
// Whoever may see the object; the others get 404, exactly as for an unknown id.
inline Expect Reads(const Table& readers) {
  return [&readers](Actor a, const std::string& o) {
    return In(readers, o, a) ? Out::kOk : Out::k404;
  };
}
// The object's scope first (404), then a rule on the object (403).
inline Expect ReadsThen(const Table& readers, const Table& rule) {
  return [&readers, &rule](Actor a, const std::string& o) {
    if (!In(readers, o, a)) return Out::k404;
    return In(rule, o, a) ? Out::kOk : Out::k403;
  };
}
// Roles with the capability (403 for the others, whatever the object), then the object's scope.
inline Expect Acts(Actors roles, const Table& readers) {
  return [roles, &readers](Actor a, const std::string& o) {
    if (!roles.count(a)) return Out::k403;
    return In(readers, o, a) ? Out::kOk : Out::k404;
  };
}
// A change to a case: the capability (403), the case's scope (404), a rule checked before the
// seal (403; e.g. who may see the section), the seal (409), a rule of the change itself (403).
inline Expect Changes(Actors roles, const Table& readers, const Table* before_seal = nullptr,
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
// Break-glass: roles that may (403), not when the case is already open to the caller (409, sealed
// or not), not for unknown or sealed cases (404, alike).
inline Expect BreakGlass() {
  return [](Actor a, const std::string& o) {
    if (!kBreakGlassRoles.count(a)) return Out::k403;
    if (In(kCaseReaders, o, a)) return Out::k409;
    if (o == "missing" || kSealedCases.count(o)) return Out::k404;
    return Out::kOk;
  };
}

using Body = std::function<std::optional<Json>(const Ids& ids, const std::string& object)>;
inline Body Fixed(Json j) {
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
  // A body that needs requests of its own first (the caller's token), instead of `body`.
  std::function<std::optional<Json>(MatrixWorld&, const std::string& token, const Ids&)>
      dynamic_body = nullptr;
};

inline std::vector<Row> Rows() {
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
      // ---- redacted exports
      {"POST", "cases/{case}/exports/preview", Kind::kCase, ReadsThen(kCaseReaders, kExporters),
       200, Fixed({{"audience", "prosecution"}, {"purpose", "移送审查起诉"}})},
      // Confirmed with the hash of the caller's own preview (a wrong hash would be a 409).
      {"POST",
       "cases/{case}/exports",
       Kind::kCase,
       ReadsThen(kCaseReaders, kExporters),
       201,
       nullptr,
       false,
       false,
       false,
       false,
       false,
       {},
       [](MatrixWorld& m, const std::string& token, const Ids& ids) -> std::optional<Json> {
         return m.ExportBody(ids.at("case"), token);
       }},
      {"GET", "cases/{case}/exports", Kind::kCase, ReadsThen(kCaseReaders, kExporters)},
      {"GET", "exports/{export}", Kind::kExport, Reads(kExportReaders)},
      {"GET", "referrals", Kind::kNone, Only({kPar})},
      {"GET", "referrals/{referral}", Kind::kReferral, Reads(kReferralReaders)},
      {"POST", "referrals/{referral}/status", Kind::kReferral, Acts({kPar}, kReferralReaders), 200,
       Fixed({{"status", "accepted"}, {"partner_contact", "妇联热线 12338"}}), false, false, true},
  };
}

// The route pattern a row's target stands for: "{name}" -> "{id}", "[word]" -> "{key}".
inline std::string RoutePattern(const std::string& target) {
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

inline std::string RowKey(const std::string& method, const std::string& pattern) {
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
      case Kind::kExport:
        ids["export"] = missing ? kMissingId : m_.exports.at(object);
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
    if (row.dynamic_body) {
      if (auto b = row.dynamic_body(m_, token, ids)) req.body = b->dump();
    } else if (row.body) {
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

inline std::string Short(const std::string& s, size_t n = 240) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

inline std::string JoinSql(const std::vector<std::string>& sql) {
  std::string out;
  for (const auto& s : sql) out += "\n      " + Short(s, 160);
  return out;
}

}  // namespace aegis::api::testing
