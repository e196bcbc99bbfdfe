#include "api/api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "api/json_io.h"
#include "common/url.h"
#include "services/testing_fixture.h"
#include "services/totp.h"

namespace aegis::api {
namespace {

using namespace aegis::domain;
using services::testing::ResidentId;
using services::testing::World;

const std::string kChildId = ResidentId("440103", "20150315", "002");

std::string Header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

class ApiTest : public ::testing::Test {
 protected:
  Response Call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = "", const std::string& purpose = "") {
    Request r;
    r.method = method;
    r.target = target.rfind("/api/", 0) == 0 ? target : "/api/v1" + target;
    r.body = body;
    if (!body.empty()) r.content_type = "application/json";
    if (!token.empty()) r.authorization = "Bearer " + token;
    r.remote = "127.0.0.1";
    r.purpose = purpose;  // the X-Aegis-Purpose header
    return api.Handle(r);
  }
  Response Post(const std::string& target, const Json& body, const std::string& token) {
    return Call("POST", target, body.dump(), token);
  }
  static Json J(const Response& r) {
    Json j = Json::parse(r.body, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("response is not JSON: " + r.body);
    return j;
  }
  // Signs in as a fixture user. Administrators and supervisors need a second factor: the first
  // sign-in enrols one through the API; later ones send a code, each from a step not used before
  // (a code is accepted once), moving the clock on when the window is used up.
  std::string Login(const std::string& username) {
    Json body = {{"username", username}, {"password", services::testing::kTestPassword}};
    if (auto key = totp_keys_.find(username); key != totp_keys_.end()) {
      long long& last = totp_steps_[username];
      const long long step = std::max(services::TotpStep(w.now) - 1, last + 1);
      while (step > services::TotpStep(w.now) + 1) w.Advance(services::kTotpStepSeconds);
      body["totp"] = services::HotpCode(key->second, static_cast<std::uint64_t>(step));
      last = step;
    }
    const Response r = Post("/auth/login", body, "");
    EXPECT_EQ(r.status, 200) << r.body;
    const Json j = J(r);
    const std::string token = j.value("token", "");
    if (j.value("totp_enrolment_required", false)) {
      const Json e = J(Post("/auth/totp/enroll",
                            {{"current_password", services::testing::kTestPassword}}, token));
      const std::string key = *services::Base32Decode(e.value("secret", ""));
      const Response confirm =
          Post("/auth/totp/confirm", {{"code", services::TotpCode(key, w.now)}}, token);
      EXPECT_EQ(confirm.status, 204) << confirm.body;
      totp_keys_[username] = key;
      totp_steps_[username] = services::TotpStep(w.now);
    }
    return token;
  }
  // Checks an RFC 9457 problem response.
  static void ExpectProblem(const Response& r, int status, const std::string& code,
                            const std::string& field = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json") << r.body;
    const Json j = J(r);
    EXPECT_EQ(j.value("status", 0), status) << r.body;
    EXPECT_EQ(j.value("code", ""), code) << r.body;
    // The type names the status's problem class; possible_duplicate is a kind of conflict
    // (documented so in openapi.json).
    static const std::map<std::string, std::string> kKindOf = {
        {"possible_duplicate", "conflict"},
        {"totp_required", "unauthenticated"},
        {"totp_invalid", "unauthenticated"},
        {"totp_enrolment_required", "permission_denied"}};
    const std::string type = kKindOf.count(code) ? kKindOf.at(code) : code;
    EXPECT_EQ(j.value("type", ""), "https://aegis.invalid/problems/" + type) << r.body;
    EXPECT_FALSE(j.value("title", "").empty()) << r.body;
    EXPECT_FALSE(j.value("detail", "").empty()) << r.body;
    if (!field.empty()) {
      EXPECT_EQ(j.value("field", ""), field) << r.body;
    }
  }

  // Records a clue as officer1 and files it as supervisor1 through the services; returns the case.
  Id NewCase(const std::string& summary, int victim_age = 30) {
    services::ClueInput in;
    in.summary = summary;
    services::VictimInput v;
    v.age = victim_age;
    in.victim = v;
    auto clue = w.services->CreateClue(w.As(w.officer1), in, nullptr);
    if (!clue.ok()) throw std::runtime_error(clue.status().ToString());
    services::DecisionInput d;
    auto r = w.services->Decide(w.As(w.supervisor1), clue->clue.id, d);
    if (!r.ok() || !r->second) throw std::runtime_error("filing failed");
    return r->second->c.id;
  }

  static Json ChildClueBody() {
    return {{"source", "walk_in"},
            {"summary", "放学途中被陌生男子猥亵"},
            {"facts", {{"place", "人民路口"}, {"youngest_victim_age", 10}}},
            {"victim",
             {{"sex", "female"},
              {"age", 10},
              {"identity",
               {{"name", "张小红"},
                {"id_number", kChildId},
                {"phone", "13812345678"},
                {"address", "示范省人民路 8 号"}}}}},
            {"suspect_description", "男，约四十岁"}};
  }

  World w;
  Api api{*w.services, "9.9.9-test"};
  std::map<std::string, std::string> totp_keys_;  // username -> TOTP key enrolled by Login()
  std::map<std::string, long long> totp_steps_;   // username -> last step used
};

// ---------------------------------------------------------------- health, sign-in

TEST_F(ApiTest, HealthNeedsNoAuth) {
  const Response r = Call("GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const Json j = J(r);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["version"], "9.9.9-test");
  EXPECT_EQ(j["store"], "sqlite");
}

TEST_F(ApiTest, LoginReturnsTokenAndSetsCookie) {
  const Response r = Post(
      "/auth/login", {{"username", "off1"}, {"password", services::testing::kTestPassword}}, "");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json j = J(r);
  const std::string token = j["token"];
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(j["user"]["username"], "off1");
  EXPECT_EQ(j["user"]["role"], "officer");
  EXPECT_EQ(j["user"]["unit"]["code"], "P-C-K1-S1");
  const std::string cookie = Header(r, "Set-Cookie");
  EXPECT_EQ(cookie.rfind("aegis_session=" + token + ";", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  // The password never comes back.
  EXPECT_EQ(r.body.find(services::testing::kTestPassword), std::string::npos);
}

TEST_F(ApiTest, BearerAndCookieBothAuthenticate) {
  const std::string token = Login("off1");
  const Response bearer = Call("GET", "/auth/me", "", token);
  ASSERT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_EQ(J(bearer)["username"], "off1");

  Request req;
  req.method = "GET";
  req.target = "/api/v1/auth/me";
  req.cookie = "theme=dark; aegis_session=" + token + "; lang=zh";
  const Response cookie = api.Handle(req);
  ASSERT_EQ(cookie.status, 200) << cookie.body;
  EXPECT_EQ(J(cookie)["username"], "off1");

  // A cookie whose name merely starts with the session cookie's name is not it.
  req.cookie = "aegis_session_old=" + token;
  ExpectProblem(api.Handle(req), 401, "unauthenticated");
  // Another scheme is not a bearer token.
  req.cookie.clear();
  req.authorization = "Basic " + token;
  ExpectProblem(api.Handle(req), 401, "unauthenticated");
}

TEST_F(ApiTest, MissingOrBadTokenIs401) {
  const Response none = Call("GET", "/cases");
  ExpectProblem(none, 401, "unauthenticated");
  EXPECT_EQ(Header(none, "WWW-Authenticate"), "Bearer");
  ExpectProblem(Call("GET", "/cases", "", "not-a-real-token"), 401, "unauthenticated");
  ExpectProblem(Call("GET", "/auth/me"), 401, "unauthenticated");
  ExpectProblem(Call("GET", "/meta"), 401, "unauthenticated");
}

TEST_F(ApiTest, LoginFailuresAndLogout) {
  ExpectProblem(Post("/auth/login", {{"username", "off1"}, {"password", "wrong password"}}, ""),
                401, "unauthenticated");
  ExpectProblem(Post("/auth/login", {{"username", "off1"}}, ""), 400, "invalid_argument",
                "password");
  ExpectProblem(Post("/auth/login", {{"username", 5}, {"password", "x"}}, ""), 400,
                "invalid_argument", "username");

  const std::string token = Login("off1");
  const Response out = Call("POST", "/auth/logout", "", token);
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(Header(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  ExpectProblem(Call("GET", "/auth/me", "", token), 401, "unauthenticated");
}

// ---------------------------------------------------------------- sign-in hardening

TEST_F(ApiTest, TooManySignInAttemptsFromOneAddressAre429WithRetryAfter) {
  for (int i = 0; i < 10; ++i) {
    // Unknown usernames: the limit is per address, whatever the account.
    ExpectProblem(
        Post("/auth/login",
             {{"username", "nobody" + std::to_string(i)}, {"password", "wrong password"}}, ""),
        401, "unauthenticated");
  }
  const Response r = Post(
      "/auth/login", {{"username", "off2"}, {"password", services::testing::kTestPassword}}, "");
  ExpectProblem(r, 429, "resource_exhausted");
  EXPECT_EQ(Header(r, "Retry-After"), "6");
  EXPECT_TRUE(Header(r, "Set-Cookie").empty());
  w.Advance(6);
  EXPECT_EQ(Post("/auth/login",
                 {{"username", "off2"}, {"password", services::testing::kTestPassword}}, "")
                .status,
            200);
}

TEST_F(ApiTest, ALockedAccountAnswersExactlyLikeAWrongPassword) {
  for (int i = 0; i < 5; ++i)
    (void)Post("/auth/login", {{"username", "off1"}, {"password", "wrong password"}}, "");
  const Response wrong =
      Post("/auth/login", {{"username", "off2"}, {"password", "wrong password"}}, "");
  const Response locked = Post(
      "/auth/login", {{"username", "off1"}, {"password", services::testing::kTestPassword}}, "");
  ExpectProblem(locked, 401, "unauthenticated");
  EXPECT_EQ(locked.body, wrong.body);
}

TEST_F(ApiTest, SignInWithTotpAsksForTheCodeWith401TotpRequired) {
  const std::string sup = Login("sup1");  // enrols a second factor
  const Json first = {{"username", "sup1"}, {"password", services::testing::kTestPassword}};
  const Response ask = Post("/auth/login", first, "");
  ExpectProblem(ask, 401, "totp_required", "totp");
  EXPECT_TRUE(Header(ask, "Set-Cookie").empty());
  Json with_code = first;
  with_code["totp"] = "000000";
  if (services::TotpCode(totp_keys_["sup1"], w.now) == "000000") with_code["totp"] = "111111";
  ExpectProblem(Post("/auth/login", with_code, ""), 401, "totp_invalid", "totp");
  // The code the enrolment was confirmed with is spent.
  with_code["totp"] = services::TotpCode(totp_keys_["sup1"], w.now);
  ExpectProblem(Post("/auth/login", with_code, ""), 401, "totp_invalid", "totp");
  with_code["totp"] = 123456;
  ExpectProblem(Post("/auth/login", with_code, ""), 400, "invalid_argument", "totp");
  EXPECT_EQ(J(Call("GET", "/auth/security", "", sup))["totp_enabled"], true);
  EXPECT_FALSE(Login("sup1").empty());  // with the next step's code
}

TEST_F(ApiTest, AnEnrolmentOnlySessionReachesOnlyTheEnrolmentRoutes) {
  const Response r = Post(
      "/auth/login", {{"username", "sup1"}, {"password", services::testing::kTestPassword}}, "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(J(r)["totp_enrolment_required"], true);
  const std::string token = J(r)["token"];
  for (const auto& target : {"/cases", "/board", "/meta", "/units", "/worklist", "/clues/1"})
    ExpectProblem(Call("GET", target, "", token), 403, "totp_enrolment_required");
  ExpectProblem(Post("/clues", ChildClueBody(), token), 403, "totp_enrolment_required");
  const Json me = J(Call("GET", "/auth/me", "", token));
  EXPECT_EQ(me["username"], "sup1");
  EXPECT_EQ(me["totp_enrolment_required"], true);
  const Json sec = J(Call("GET", "/auth/security", "", token));
  EXPECT_EQ(sec["totp_required"], true);
  EXPECT_EQ(sec["totp_enabled"], false);
  EXPECT_EQ(Call("GET", "/auth/sessions", "", token).status, 200);

  ExpectProblem(Post("/auth/totp/enroll", Json::object(), token), 400, "invalid_argument",
                "current_password");
  const Json e =
      J(Post("/auth/totp/enroll", {{"current_password", services::testing::kTestPassword}}, token));
  const std::string secret = e["secret"];
  EXPECT_EQ(e["otpauth_uri"], "otpauth://totp/Aegis:sup1?secret=" + secret +
                                  "&issuer=Aegis&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(e["digits"], 6);
  EXPECT_EQ(e["period"], 30);
  const std::string key = *services::Base32Decode(secret);
  ExpectProblem(Post("/auth/totp/confirm", {{"code", services::TotpCode(key, w.now + 600)}}, token),
                400, "invalid_argument", "code");
  EXPECT_EQ(Post("/auth/totp/confirm", {{"code", services::TotpCode(key, w.now)}}, token).status,
            204);
  // The same session is now a full one.
  EXPECT_EQ(Call("GET", "/board", "", token).status, 200);
  EXPECT_EQ(J(Call("GET", "/auth/me", "", token))["totp_enrolment_required"], false);
}

TEST_F(ApiTest, PasswordChangeValidatesAndEndsOtherSessions) {
  const std::string token = Login("off1");
  const std::string other = Login("off1");
  ExpectProblem(Post("/auth/password", {{"new_password", "Fresh-river-2031"}}, token), 400,
                "invalid_argument", "current_password");
  ExpectProblem(
      Post("/auth/password",
           {{"current_password", "wrong password"}, {"new_password", "Fresh-river-2031"}}, token),
      400, "invalid_argument", "current_password");
  ExpectProblem(Post("/auth/password",
                     {{"current_password", services::testing::kTestPassword},
                      {"new_password", "password1234"}},
                     token),
                400, "invalid_argument", "new_password");
  const Response ok = Post("/auth/password",
                           {{"current_password", services::testing::kTestPassword},
                            {"new_password", "Fresh-river-2031"}},
                           token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(J(ok)["sessions_ended"], 1);
  EXPECT_EQ(ok.body.find("Fresh-river-2031"), std::string::npos);
  EXPECT_EQ(Call("GET", "/auth/me", "", token).status, 200);
  ExpectProblem(Call("GET", "/auth/me", "", other), 401, "unauthenticated");
  EXPECT_NE(J(Call("GET", "/auth/security", "", token))["password_changed_at"], nullptr);
}

TEST_F(ApiTest, SessionsAreListedAndEndedByIdNotByToken) {
  const std::string first = Login("off1");
  const std::string mine = Login("off1");
  const std::string theirs = Login("off2");
  const Json list = J(Call("GET", "/auth/sessions", "", mine));
  ASSERT_EQ(list["items"].size(), 2u);
  const Json& current = list["items"][0];
  EXPECT_EQ(current["current"], true);
  EXPECT_EQ(current["remote"], "127.0.0.1");
  for (const char* k : {"id", "created_at", "last_seen", "expires_at"})
    EXPECT_TRUE(current.contains(k)) << k;
  // Nothing in the list is a token or a token hash.
  EXPECT_EQ(list.dump().find(first), std::string::npos);
  EXPECT_EQ(list.dump().find(mine), std::string::npos);
  const Id other_id = list["items"][1]["id"];
  const Id their_id = J(Call("GET", "/auth/sessions", "", theirs))["items"][0]["id"];

  ExpectProblem(Call("DELETE", "/auth/sessions/" + std::to_string(their_id), "", mine), 404,
                "not_found");
  EXPECT_EQ(Call("GET", "/auth/me", "", theirs).status, 200);
  const Response gone = Call("DELETE", "/auth/sessions/" + std::to_string(other_id), "", mine);
  EXPECT_EQ(gone.status, 204);
  EXPECT_TRUE(Header(gone, "Set-Cookie").empty()) << "ending another session keeps this one";
  ExpectProblem(Call("GET", "/auth/me", "", first), 401, "unauthenticated");
  const Id mine_id = current["id"];
  const Response self = Call("DELETE", "/auth/sessions/" + std::to_string(mine_id), "", mine);
  EXPECT_EQ(self.status, 204);
  EXPECT_NE(Header(self, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  ExpectProblem(Call("GET", "/auth/me", "", mine), 401, "unauthenticated");
}

TEST_F(ApiTest, SupervisorsEndSessionsInTheirSubtreeOnly) {
  const std::string officer = Login("off1");
  const std::string officer2 = Login("off2");
  const std::string sup = Login("sup1");
  ExpectProblem(Call("DELETE", "/users/" + std::to_string(w.officer1) + "/sessions", "", officer),
                403, "permission_denied");
  ExpectProblem(Call("DELETE", "/users/" + std::to_string(w.officer2) + "/sessions", "", sup), 404,
                "not_found");
  const Response r = Call("DELETE", "/users/" + std::to_string(w.officer1) + "/sessions", "", sup);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(J(r)["sessions_ended"], 1);
  ExpectProblem(Call("GET", "/auth/me", "", officer), 401, "unauthenticated");
  EXPECT_EQ(Call("GET", "/auth/me", "", officer2).status, 200);
}

// ---------------------------------------------------------------- 400

TEST_F(ApiTest, MalformedBodiesAre400WithField) {
  const std::string token = Login("off1");
  ExpectProblem(Call("POST", "/clues", "{\"source\": ", token), 400, "invalid_argument", "body");
  ExpectProblem(Call("POST", "/clues", "[1, 2]", token), 400, "invalid_argument", "body");
  ExpectProblem(Call("POST", "/clues", "\"text\"", token), 400, "invalid_argument", "body");
  ExpectProblem(Call("POST", "/clues", "", token), 400, "invalid_argument", "body");
  // Wrong types.
  ExpectProblem(Post("/clues", {{"source", "walk_in"}, {"summary", 5}}, token), 400,
                "invalid_argument", "summary");
  ExpectProblem(
      Post("/clues", {{"source", "walk_in"}, {"summary", "x"}, {"facts", {{"latitude", "north"}}}},
           token),
      400, "invalid_argument", "facts.latitude");
  ExpectProblem(
      Post("/clues", {{"source", "walk_in"}, {"summary", "x"}, {"facts", Json::array()}}, token),
      400, "invalid_argument", "facts");
  ExpectProblem(
      Post("/clues", {{"source", "walk_in"}, {"summary", "x"}, {"victim", {{"age", "ten"}}}},
           token),
      400, "invalid_argument", "victim.age");
  ExpectProblem(
      Post("/clues", {{"source", "walk_in"}, {"summary", "x"}, {"assigned_to", -3}}, token), 400,
      "invalid_argument", "assigned_to");
  ExpectProblem(
      Post("/clues", {{"source", "walk_in"}, {"summary", "x"}, {"facts", {{"weapon", "yes"}}}},
           token),
      400, "invalid_argument", "facts.weapon");
  ExpectProblem(
      Post("/clues",
           {{"source", "walk_in"}, {"summary", "x"}, {"facts", {{"offence_time", "last tuesday"}}}},
           token),
      400, "invalid_argument", "facts.offence_time");
  // Unknown enum values name the allowed ones.
  const Response bad_enum = Post("/clues", {{"source", "carrier_pigeon"}, {"summary", "x"}}, token);
  ExpectProblem(bad_enum, 400, "invalid_argument", "source");
  EXPECT_NE(J(bad_enum)["detail"].get<std::string>().find("walk_in"), std::string::npos);
  ExpectProblem(
      Post("/clues", {{"source", "walk_in"}, {"summary", "x"}, {"victim", {{"sex", "other"}}}},
           token),
      400, "invalid_argument", "victim.sex");
  ExpectProblem(Post("/clues", {{"summary", "x"}}, token), 400, "invalid_argument", "source");
  // Service-level validation comes back the same way.
  Json bad_id = ChildClueBody();
  bad_id["victim"]["identity"]["id_number"] = services::testing::WithWrongCheckCharacter(kChildId);
  ExpectProblem(Post("/clues", bad_id, token), 400, "invalid_argument",
                "victim.identity.id_number");
  // The wrong content type.
  Request req;
  req.method = "POST";
  req.target = "/api/v1/clues";
  req.body = R"({"source":"walk_in","summary":"x"})";
  req.content_type = "text/plain";
  req.authorization = "Bearer " + token;
  ExpectProblem(api.Handle(req), 400, "invalid_argument", "Content-Type");
  req.content_type = "application/json; charset=utf-8";
  EXPECT_EQ(api.Handle(req).status, 201);
}

TEST_F(ApiTest, OtherRoutesValidateTheirBodies) {
  const Id id = NewCase("校验");
  const std::string token = Login("off1");
  const std::string c = "/cases/" + std::to_string(id);
  ExpectProblem(Post(c + "/transitions", {{"to", "nowhere"}}, token), 400, "invalid_argument",
                "to");
  ExpectProblem(Post(c + "/transitions", Json::object(), token), 400, "invalid_argument", "to");
  ExpectProblem(Call("PUT", c + "/checklist/victim_interview", R"({"done":"yes"})", token), 400,
                "invalid_argument", "done");
  ExpectProblem(Post(c + "/persons", {{"role", "victim"}, {"age_at_offence", 200}}, token), 400,
                "invalid_argument", "age_at_offence");
  ExpectProblem(Post(c + "/actions", {{"title", "t"}, {"due_at", 5}}, token), 400,
                "invalid_argument", "due_at");
  ExpectProblem(Call("PATCH", c + "/actions/1", R"({"status":"done"})", token), 400,
                "invalid_argument", "status");
  ExpectProblem(Call("PUT", c + "/team", "{}", token), 400, "invalid_argument", "body");
  ExpectProblem(Post(c + "/assistance", {{"to_unit_id", "two"}}, token), 400, "invalid_argument",
                "to_unit_id");
  ExpectProblem(Post(c + "/shares", Json::object(), token), 400, "invalid_argument", "unit_id");
  ExpectProblem(Post("/clues/1/decision", {{"decision", "maybe"}}, token), 400, "invalid_argument",
                "decision");
  ExpectProblem(Post("/clues/1/track", {{"track", "fast"}}, token), 400, "invalid_argument",
                "track");
}

TEST_F(ApiTest, BadQueryParametersAre400WithField) {
  const std::string token = Login("off1");
  const std::map<std::string, std::string> cases = {
      {"/cases?limit=0", "limit"},
      {"/cases?limit=501", "limit"},
      {"/cases?limit=ten", "limit"},
      {"/cases?limit=5x", "limit"},
      {"/cases?offset=-1", "offset"},
      {"/cases?sort=bogus", "sort"},
      {"/cases?sort=title%3B%20DROP%20TABLE%20cases", "sort"},
      {"/cases?order=sideways", "order"},
      {"/cases?unit_id=abc", "unit_id"},
      {"/cases?unit_id=0", "unit_id"},
      {"/cases?stage=bogus", "stage"},
      {"/cases?major=maybe", "major"},
      {"/cases?q=" + std::string(201, 'a'), "q"},
      {"/clues?deadline_state=late", "deadline_state"},
      {"/clues?sort=priority", "sort"},
      {"/clues?status=open", "status"},
      {"/clues?assigned_to=me", "assigned_to"},
      {"/users?role=king", "role"},
      {"/dashboard?campaign_id=x", "campaign_id"},
  };
  for (const auto& [target, field] : cases) {
    SCOPED_TRACE(target);
    ExpectProblem(Call("GET", target, "", token), 400, "invalid_argument", field);
  }
  // Valid values pass.
  EXPECT_EQ(Call("GET", "/cases?limit=500&offset=0&sort=priority&order=asc&major=false", "", token)
                .status,
            200);
  EXPECT_EQ(Call("GET", "/cases?unit_id=" + std::to_string(w.station1), "", token).status, 200);
}

// ---------------------------------------------------------------- 404, 403, 409, 413, 405

TEST_F(ApiTest, UnknownAndOutOfScopeCasesLookTheSame) {
  const Id id = NewCase("只属于一所的案件");
  const std::string outsider = Login("off2");
  const Response hidden = Call("GET", "/cases/" + std::to_string(id), "", outsider);
  const Response unknown = Call("GET", "/cases/999999", "", outsider);
  ExpectProblem(hidden, 404, "not_found");
  ExpectProblem(unknown, 404, "not_found");
  EXPECT_EQ(hidden.body, unknown.body);
  EXPECT_EQ(hidden.headers, unknown.headers);

  // The same holds for sub-resources and for clues.
  const Response hidden_t = Post("/cases/" + std::to_string(id) + "/transitions",
                                 {{"to", "under_investigation"}}, outsider);
  const Response unknown_t =
      Post("/cases/999999/transitions", {{"to", "under_investigation"}}, outsider);
  EXPECT_EQ(hidden_t.status, 404);
  EXPECT_EQ(hidden_t.body, unknown_t.body);
  Id clue_id = 0;
  {
    auto c = w.services->GetCase(w.As(w.officer1), id);
    ASSERT_TRUE(c.ok());
    clue_id = *c->summary.c.clue_id;
  }
  const Response hidden_clue = Call("GET", "/clues/" + std::to_string(clue_id), "", outsider);
  const Response unknown_clue = Call("GET", "/clues/999999", "", outsider);
  EXPECT_EQ(hidden_clue.status, 404);
  EXPECT_EQ(hidden_clue.body, unknown_clue.body);

  // The owner sees it.
  const std::string owner = Login("off1");
  EXPECT_EQ(Call("GET", "/cases/" + std::to_string(id), "", owner).status, 200);
}

TEST_F(ApiTest, UnknownRoutesAre404) {
  const std::string token = Login("off1");
  for (const std::string target :
       {"/api/v1/nope", "/api/v1/cases/abc", "/api/v1/cases/0", "/api/v1/cases/-1",
        "/api/v2/health", "/api/v1health", "/health", "/api/v1/cases/1/unknown", "/"}) {
    SCOPED_TRACE(target);
    Request req;
    req.method = "GET";
    req.target = target;
    req.authorization = "Bearer " + token;
    ExpectProblem(api.Handle(req), 404, "not_found");
  }
}

TEST_F(ApiTest, OfficerDecidingAClueIs403) {
  const std::string token = Login("off1");
  const Response created = Post("/clues", {{"source", "walk_in"}, {"summary", "待审查"}}, token);
  ASSERT_EQ(created.status, 201) << created.body;
  const Id id = J(created)["id"];
  const std::string path = "/clues/" + std::to_string(id) + "/decision";
  ExpectProblem(Post(path, {{"decision", "file"}}, token), 403, "permission_denied");
  // The supervisor may; the answer carries the clue and the new case.
  const std::string sup = Login("sup1");
  const Response filed = Post(path, {{"decision", "file"}}, sup);
  ASSERT_EQ(filed.status, 200) << filed.body;
  const Json j = J(filed);
  EXPECT_EQ(j["clue"]["status"], "filed");
  EXPECT_EQ(j["case"]["stage"], "filed");
  EXPECT_EQ(j["clue"]["case_id"], j["case"]["id"]);
  // Deciding again conflicts.
  ExpectProblem(Post(path, {{"decision", "file"}}, sup), 409, "conflict");
}

TEST_F(ApiTest, WrongTransitionIs409) {
  const Id id = NewCase("跳阶段");
  const std::string token = Login("off1");
  const std::string path = "/cases/" + std::to_string(id) + "/transitions";
  const Response r = Post(path, {{"to", "solved"}}, token);
  ExpectProblem(r, 409, "conflict");
  EXPECT_NE(J(r)["detail"].get<std::string>().find("filed"), std::string::npos);
  // Missing suspect is a conflict as well, with the reason in the detail.
  ASSERT_EQ(Post(path, {{"to", "under_investigation"}}, token).status, 200);
  const Response no_suspect = Post(path, {{"to", "suspect_identified"}}, token);
  ExpectProblem(no_suspect, 409, "conflict");
  EXPECT_NE(J(no_suspect)["detail"].get<std::string>().find("suspect"), std::string::npos);
  // A role that may not is 403.
  ExpectProblem(Post(path, {{"to", "suspended"}, {"reason", "无线索"}}, token), 403,
                "permission_denied");
}

TEST_F(ApiTest, PossibleDuplicateIs409WithTheList) {
  const std::string token = Login("off1");
  const Response first = Post("/clues", ChildClueBody(), token);
  ASSERT_EQ(first.status, 201) << first.body;
  const Json first_clue = J(first);

  Json again = ChildClueBody();
  again["summary"] = "同一被害人再次报案";
  const Response dup = Post("/clues", again, token);
  ExpectProblem(dup, 409, "possible_duplicate");
  const Json j = J(dup);
  ASSERT_TRUE(j["duplicates"].is_array());
  ASSERT_EQ(j["duplicates"].size(), 1u);
  EXPECT_EQ(j["duplicates"][0]["id"], first_clue["id"]);
  EXPECT_EQ(j["duplicates"][0]["reference"], first_clue["reference"]);
  EXPECT_EQ(j["duplicates"][0]["reason"], "same_victim_id_number");

  const Response check = Post("/clues/check-duplicates", again, token);
  ASSERT_EQ(check.status, 200);
  EXPECT_EQ(J(check)["duplicates"].size(), 1u);

  again["confirm_not_duplicate"] = true;
  const Response saved = Post("/clues", again, token);
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_NE(J(saved)["id"], first_clue["id"]);
  EXPECT_EQ(J(Call("GET", "/clues", "", token))["total"], 2);
}

TEST_F(ApiTest, BodyOverOneMebibyteIs413) {
  const std::string token = Login("off1");
  const std::string big(kMaxBodyBytes + 1, ' ');
  ExpectProblem(Call("POST", "/clues", big, token), 413, "payload_too_large");
  // Refused before authentication, too.
  ExpectProblem(Call("POST", "/clues", big), 413, "payload_too_large");
  // Exactly the limit is read (and is not valid JSON here).
  ExpectProblem(Call("POST", "/clues", std::string(kMaxBodyBytes, ' '), token), 400,
                "invalid_argument", "body");
}

TEST_F(ApiTest, WrongMethodIs405) {
  const std::string token = Login("off1");
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"DELETE", "/cases"},
                                                        {"GET", "/auth/login"},
                                                        {"POST", "/health"},
                                                        {"PUT", "/cases/1"},
                                                        {"DELETE", "/cases/1/actions/2"}}) {
    SCOPED_TRACE(method + " " + target);
    const Response r = Call(method, target, "", token);
    EXPECT_EQ(r.status, 405) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(J(r)["status"], 405);
  }
  // Also without a token: the method is checked before authentication.
  EXPECT_EQ(Call("DELETE", "/cases").status, 405);
}

// ---------------------------------------------------------------- OpenAPI

// Every route the API serves, as (method, pattern).
const std::vector<std::pair<std::string, std::string>> kRoutes = {
    {"GET", "/health"},
    {"GET", "/openapi.json"},
    {"POST", "/auth/login"},
    {"POST", "/auth/logout"},
    {"GET", "/auth/me"},
    {"GET", "/auth/security"},
    {"POST", "/auth/password"},
    {"POST", "/auth/totp/enroll"},
    {"POST", "/auth/totp/confirm"},
    {"POST", "/auth/totp/disable"},
    {"GET", "/auth/sessions"},
    {"DELETE", "/auth/sessions/{id}"},
    {"DELETE", "/users/{id}/sessions"},
    {"GET", "/meta"},
    {"GET", "/units"},
    {"GET", "/users"},
    {"GET", "/campaigns"},
    {"GET", "/clues"},
    {"POST", "/clues"},
    {"POST", "/clues/check-duplicates"},
    {"GET", "/clues/{id}"},
    {"POST", "/clues/{id}/track"},
    {"POST", "/clues/{id}/decision"},
    {"GET", "/cases"},
    {"GET", "/cases/{id}"},
    {"POST", "/cases/{id}/transitions"},
    {"PUT", "/cases/{id}/checklist/{key}"},
    {"POST", "/cases/{id}/persons"},
    {"GET", "/cases/{id}/persons/{person_id}/identity"},
    {"POST", "/cases/{id}/actions"},
    {"PATCH", "/cases/{id}/actions/{action_id}"},
    {"PUT", "/cases/{id}/team"},
    {"POST", "/cases/{id}/assistance"},
    {"POST", "/assistance/{id}/answer"},
    {"POST", "/cases/{id}/shares"},
    {"GET", "/worklist"},
    {"GET", "/board"},
    {"GET", "/dashboard"},
    {"GET", "/audit"},
    // victim support
    {"GET", "/cases/{id}/victim-support"},
    {"POST", "/cases/{id}/interviews"},
    {"POST", "/cases/{id}/interview-approvals"},
    {"POST", "/cases/{id}/interview-approvals/{approval_id}/decision"},
    {"GET", "/cases/{id}/persons/{person_id}/contact-preferences"},
    {"PUT", "/cases/{id}/persons/{person_id}/contact-preferences"},
    {"POST", "/cases/{id}/consents"},
    {"POST", "/cases/{id}/consents/{consent_id}/withdraw"},
    {"POST", "/cases/{id}/referrals"},
    {"POST", "/cases/{id}/persons/{person_id}/survivor-code"},
    {"POST", "/cases/{id}/persons/{person_id}/survivor-code/revoke"},
    {"GET", "/referrals"},
    {"GET", "/referrals/{id}"},
    {"POST", "/referrals/{id}/status"},
    {"POST", "/survivor/status"},
    // need-to-know access
    {"POST", "/cases/{id}/sensitivity"},
    {"POST", "/break-glass"},
    {"GET", "/break-glass"},
    {"POST", "/break-glass/{id}/review"},
    {"GET", "/alerts"},
    {"POST", "/alerts/{id}/read"},
    // case exports
    {"POST", "/cases/{id}/exports/preview"},
    {"POST", "/cases/{id}/exports"},
    {"GET", "/cases/{id}/exports"},
    {"GET", "/exports/{id}"},
};

std::string NormalizePattern(const std::string& path) {
  return std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "{}");
}
std::string Concrete(const std::string& path) {
  return std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "1");
}
bool IsHttpMethod(const std::string& key) {
  static const std::set<std::string> kMethods = {"get",   "put",     "post", "delete",
                                                 "patch", "options", "head", "trace"};
  return kMethods.count(key) > 0;
}
std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(ApiTest, OpenApiDocumentIsValidAndListsEveryRoute) {
  const Response r = Call("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  const Json doc = J(r);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  ASSERT_TRUE(doc.contains("info"));
  ASSERT_TRUE(doc["paths"].is_object());
  std::set<std::string> documented;  // "METHOD {}-normalised path"
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!IsHttpMethod(method)) continue;
      documented.insert(Lower(method) + " " + NormalizePattern(path));
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  }
  std::set<std::string> served;
  for (const auto& [method, path] : kRoutes)
    served.insert(Lower(method) + " " + NormalizePattern(path));
  for (const auto& route : served)
    EXPECT_TRUE(documented.count(route)) << "undocumented: " << route;
  for (const auto& op : documented)
    EXPECT_TRUE(served.count(op)) << "documented, not listed: " << op;
}

TEST_F(ApiTest, EveryListedRouteIsServedAndEveryDocumentedOperationIsRoutable) {
  auto routable = [&](const std::string& method, const std::string& pattern) {
    // Unauthenticated and without a body: a served route answers 200, 400 or 401, never
    // "no such route" (404) or 405.
    const Response r = Call(method, Concrete(pattern));
    return r.status == 200 || r.status == 400 || r.status == 401;
  };
  for (const auto& [method, path] : kRoutes)
    EXPECT_TRUE(routable(method, path)) << method << " " << path;
  const Json doc = J(Call("GET", "/openapi.json"));
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!IsHttpMethod(method)) continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      EXPECT_TRUE(routable(upper, path)) << upper << " " << path;
    }
  }
}

// ---------------------------------------------------------------- lists

TEST_F(ApiTest, CaseListPaginatesAndSorts) {
  for (int i = 0; i < 5; ++i) NewCase("案件 " + std::to_string(i), i == 2 ? 10 : 30);
  const std::string token = Login("off1");

  const Json page1 = J(Call("GET", "/cases?limit=2", "", token));
  EXPECT_EQ(page1["total"], 5);
  EXPECT_EQ(page1["limit"], 2);
  EXPECT_EQ(page1["offset"], 0);
  EXPECT_EQ(page1["items"].size(), 2u);
  const Json last = J(Call("GET", "/cases?limit=2&offset=4", "", token));
  EXPECT_EQ(last["total"], 5);
  EXPECT_EQ(last["offset"], 4);
  EXPECT_EQ(last["items"].size(), 1u);
  const Json beyond = J(Call("GET", "/cases?offset=10", "", token));
  EXPECT_EQ(beyond["total"], 5);
  EXPECT_TRUE(beyond["items"].empty());

  auto references = [&](const std::string& target) {
    std::vector<std::string> out;
    const Json page = J(Call("GET", target, "", token));
    for (const auto& item : page["items"]) out.push_back(item["reference"]);
    return out;
  };
  const std::vector<std::string> asc = references("/cases?sort=reference&order=asc");
  const std::vector<std::string> desc = references("/cases?sort=reference&order=desc");
  std::vector<std::string> paged;
  for (int offset = 0; offset < 5; offset += 2) {
    for (const auto& ref :
         references("/cases?sort=reference&order=asc&limit=2&offset=" + std::to_string(offset)))
      paged.push_back(ref);
  }
  ASSERT_EQ(asc.size(), 5u);
  EXPECT_TRUE(std::is_sorted(asc.begin(), asc.end()));
  EXPECT_EQ(std::set<std::string>(asc.begin(), asc.end()).size(), 5u);
  std::vector<std::string> reversed(desc.rbegin(), desc.rend());
  EXPECT_EQ(reversed, asc);
  EXPECT_EQ(paged, asc);  // pages neither skip nor repeat
  EXPECT_EQ(asc.front(), "AJ-2026-000001");

  const Json by_priority = J(Call("GET", "/cases?sort=priority&order=desc", "", token));
  ASSERT_EQ(by_priority["items"].size(), 5u);
  EXPECT_EQ(by_priority["items"][0]["major"], true);  // the child victim's case
  for (size_t i = 1; i < 5; ++i)
    EXPECT_GE(by_priority["items"][i - 1]["priority"].get<int>(),
              by_priority["items"][i]["priority"].get<int>());

  // Filters.
  EXPECT_EQ(J(Call("GET", "/cases?major=true", "", token))["total"], 1);
  EXPECT_EQ(J(Call("GET", "/cases?major=false", "", token))["total"], 4);
  EXPECT_EQ(J(Call("GET", "/cases?stage=filed", "", token))["total"], 5);
  EXPECT_EQ(J(Call("GET", "/cases?stage=solved", "", token))["total"], 0);
  EXPECT_EQ(J(Call("GET", "/cases?q=" + PercentEncode("案件 3"), "", token))["total"], 1);
  EXPECT_EQ(J(Call("GET", "/cases?q=AJ-2026-000002", "", token))["total"], 1);
  EXPECT_EQ(J(Call("GET", "/cases?unit_id=" + std::to_string(w.station2), "", token))["total"], 0);
}

TEST_F(ApiTest, SqlInjectionTextIsJustText) {
  for (int i = 0; i < 3; ++i) NewCase("普通案件 " + std::to_string(i));
  const std::string token = Login("off1");
  for (const std::string q :
       {"' OR '1'='1", "' OR 1=1 --", "%'; DROP TABLE cases; --",
        "\") UNION SELECT * FROM users --", "%", "_", "\\", "'; DELETE FROM clues; --"}) {
    SCOPED_TRACE(q);
    for (const std::string list : {"/cases", "/clues"}) {
      const Response r = Call("GET", list + "?q=" + PercentEncode(q), "", token);
      ASSERT_EQ(r.status, 200) << r.body;
      const Json j = J(r);
      EXPECT_EQ(j["total"], 0);
      EXPECT_TRUE(j["items"].empty());
    }
  }
  // The tables are intact and searching still works.
  EXPECT_EQ(J(Call("GET", "/cases", "", token))["total"], 3);
  EXPECT_EQ(J(Call("GET", "/clues", "", token))["total"], 3);
  EXPECT_EQ(J(Call("GET", "/cases?q=" + PercentEncode("普通案件 1"), "", token))["total"], 1);
}

// ---------------------------------------------------------------- identity confidentiality

TEST_F(ApiTest, VictimIdentityAppearsOnlyOnTheIdentityRoute) {
  const std::string officer = Login("off1");
  const std::string sup = Login("sup1");
  const std::string analyst = Login("ana1");
  // Identity values as typed and as normalised.
  const std::vector<std::string> secrets = {"张小红",     kChildId, "13812345678", "人民路 8 号",
                                            "2015-03-15", "王大明", "13900001111"};
  std::vector<std::pair<std::string, Response>> seen;
  auto keep = [&](const std::string& what, Response r) {
    seen.push_back({what, r});
    return r;
  };

  const Response created = keep("POST /clues", Post("/clues", ChildClueBody(), officer));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string clue_id = std::to_string(J(created)["id"].get<Id>());
  keep("GET /clues", Call("GET", "/clues", "", officer));
  keep("GET /clues/{id}", Call("GET", "/clues/" + clue_id, "", officer));
  keep("POST check-duplicates", Post("/clues/check-duplicates", ChildClueBody(), officer));
  keep("POST /clues duplicate", Post("/clues", ChildClueBody(), officer));
  keep("GET /worklist (clue)", Call("GET", "/worklist", "", officer));
  keep("GET /board (clue)", Call("GET", "/board", "", sup));
  const Response filed =
      keep("POST decision", Post("/clues/" + clue_id + "/decision", {{"decision", "file"}}, sup));
  ASSERT_EQ(filed.status, 200) << filed.body;
  const std::string case_path = "/cases/" + std::to_string(J(filed)["case"]["id"].get<Id>());
  const Response added =
      keep("POST persons", Post(case_path + "/persons",
                                {{"role", "victim"},
                                 {"sex", "female"},
                                 {"age_at_offence", 12},
                                 {"identity", {{"name", "王大明"}, {"phone", "139 0000 1111"}}}},
                                officer));
  ASSERT_EQ(added.status, 201) << added.body;
  keep("POST transitions",
       Post(case_path + "/transitions", {{"to", "under_investigation"}}, officer));
  keep("GET /cases", Call("GET", "/cases", "", officer));
  keep("GET /cases (sup)", Call("GET", "/cases", "", sup));
  keep("GET /cases (analyst)", Call("GET", "/cases", "", analyst));
  const Response detail = keep("GET /cases/{id}", Call("GET", case_path, "", officer));
  keep("GET /cases/{id} (analyst)", Call("GET", case_path, "", analyst));
  keep("GET /worklist", Call("GET", "/worklist", "", officer));
  keep("GET /board", Call("GET", "/board", "", sup));
  keep("GET /dashboard", Call("GET", "/dashboard", "", sup));
  keep("PUT checklist",
       Call("PUT", case_path + "/checklist/victim_interview", R"({"done":true})", officer));

  // The identity route does return it, to an allowed user, and is not cached.
  Id victim1 = 0, victim2 = 0;
  const Json detail_json = J(detail);
  for (const auto& p : detail_json["persons"]) {
    if (p["pseudonym"] == "V1") victim1 = p["id"];
    if (p["pseudonym"] == "V2") victim2 = p["id"];
  }
  ASSERT_NE(victim1, 0);
  ASSERT_NE(victim2, 0);
  const Response revealed =
      Call("GET", case_path + "/persons/" + std::to_string(victim1) + "/identity", "", officer);
  ASSERT_EQ(revealed.status, 200) << revealed.body;
  EXPECT_EQ(Header(revealed, "Cache-Control"), "no-store");
  const Json identity = J(revealed);
  EXPECT_EQ(identity["name"], "张小红");
  EXPECT_EQ(identity["id_number"], kChildId);
  EXPECT_EQ(identity["phone"], "+8613812345678");
  EXPECT_EQ(identity["date_of_birth"], "2015-03-15");
  const Json second =
      J(Call("GET", case_path + "/persons/" + std::to_string(victim2) + "/identity", "", officer));
  EXPECT_EQ(second["name"], "王大明");
  ExpectProblem(
      Call("GET", case_path + "/persons/" + std::to_string(victim1) + "/identity", "", analyst),
      403, "permission_denied");

  // Reading the case again now shows the reveal on the timeline, still without the identity.
  keep("GET /cases/{id} after reveal", Call("GET", case_path, "", officer));

  ASSERT_GE(seen.size(), 20u);
  for (const auto& [what, r] : seen) {
    EXPECT_LT(r.status, 500) << what << ": " << r.body;
    for (const auto& secret : secrets)
      EXPECT_EQ(r.body.find(secret), std::string::npos) << what << " leaks " << secret;
  }
  // The officer's case page says that identities exist and may be revealed.
  const Json d = J(detail);
  EXPECT_TRUE(d["can_reveal_identity"].get<bool>());
  for (const auto& p : d["persons"]) {
    EXPECT_TRUE(p["has_identity"].get<bool>());
    EXPECT_FALSE(p.contains("identity"));
  }
}

// ---------------------------------------------------------------- the rest of the surface

TEST_F(ApiTest, ReferenceDataAndWorkRoutes) {
  const std::string token = Login("sup1");
  const Json meta = J(Call("GET", "/meta", "", token));
  EXPECT_EQ(meta["case_stages"].size(), AllValues<CaseStage>().size());
  EXPECT_EQ(meta["checklist"].size(), StandardChecklist().size());
  EXPECT_FALSE(meta["transitions"].empty());
  EXPECT_EQ(meta["warn_before_hours"], 24);
  EXPECT_EQ(J(Call("GET", "/units", "", token))["items"].size(), 9u);
  EXPECT_EQ(J(Call("GET", "/users", "", token))["items"].size(), 3u);
  EXPECT_EQ(J(Call("GET", "/users?role=officer", "", token))["items"].size(), 1u);
  EXPECT_TRUE(J(Call("GET", "/campaigns", "", token))["items"].empty());

  NewCase("看板", 10);
  const Json board = J(Call("GET", "/board", "", token));
  EXPECT_EQ(board["counts"]["open_major"], 1);
  EXPECT_EQ(board["major_cases"].size(), 1u);
  const Json dash = J(Call("GET", "/dashboard", "", token));
  EXPECT_EQ(dash["totals"]["cases_filed"], 1);
  EXPECT_EQ(dash["totals"]["minor_victim_cases"], 1);
  EXPECT_EQ(dash["scope_unit"]["id"], w.county1);
  const Json wl = J(Call("GET", "/worklist", "", token));
  EXPECT_EQ(wl["counts"]["open_cases"], 1);  // case manager of the major case

  const std::string officer = Login("off1");
  ExpectProblem(Call("GET", "/board", "", officer), 403, "permission_denied");
  const std::string prosecutor = Login("pro1");
  ExpectProblem(Call("GET", "/dashboard", "", prosecutor), 403, "permission_denied");
  ExpectProblem(Call("GET", "/dashboard?unit_id=" + std::to_string(w.station2), "", token), 404,
                "not_found");
}

TEST_F(ApiTest, CaseWorkThroughTheApi) {
  const Id id = NewCase("通过接口办案");
  const std::string token = Login("off1");
  const std::string c = "/cases/" + std::to_string(id);

  const Response action = Post(
      c + "/actions",
      {{"title", "调取监控"}, {"owner_id", w.officer1}, {"due_at", "2026-03-05T12:00:00Z"}}, token);
  ASSERT_EQ(action.status, 201) << action.body;
  const Id action_id = J(action)["actions"][0]["id"];
  const std::string a = c + "/actions/" + std::to_string(action_id);
  ExpectProblem(Call("PATCH", a, R"({"status":"reviewed"})", token), 409, "conflict", "status");
  ExpectProblem(Call("PATCH", a, R"({"status":"completed"})", token), 400, "invalid_argument",
                "result");
  const Response done = Call("PATCH", a, R"({"status":"completed","result":"已调取"})", token);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(J(done)["actions"][0]["status"], "completed");
  ExpectProblem(Call("PATCH", a, R"({"status":"reviewed"})", token), 403, "permission_denied");

  const Response ticked = Call("PUT", c + "/checklist/victim_interview", R"({"done":true})", token);
  ASSERT_EQ(ticked.status, 200);
  bool done_flag = false;
  const Json ticked_json = J(ticked);
  for (const auto& item : ticked_json["checklist"])
    if (item["key"] == "victim_interview") done_flag = !item["done_at"].is_null();
  EXPECT_TRUE(done_flag);
  ExpectProblem(Call("PUT", c + "/checklist/no_such_item", R"({"done":true})", token), 404,
                "not_found");

  const Response shared = Post(c + "/shares", {{"unit_id", w.station2}}, token);
  EXPECT_EQ(shared.status, 201) << shared.body;
  EXPECT_EQ(J(Call("GET", c, "", Login("off2")))["id"], id);

  const Response asked =
      Post(c + "/assistance", {{"to_unit_id", w.county2}, {"request", "请协查"}}, token);
  ASSERT_EQ(asked.status, 201) << asked.body;
  const Id assistance_id = J(asked)["assistance"][0]["id"];
  const std::string sup2 = Login("sup2");
  const Response answered = Post("/assistance/" + std::to_string(assistance_id) + "/answer",
                                 {{"accept", true}, {"response", "同意"}}, sup2);
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(J(answered)["status"], "accepted");
  EXPECT_EQ(Call("GET", c, "", sup2).status, 200);

  const Response team =
      Call("PUT", c + "/team", Json{{"lead_investigator_id", w.officer1}}.dump(), token);
  EXPECT_EQ(team.status, 200) << team.body;
}

// ---------------------------------------------------------------- audit

TEST_F(ApiTest, AuditSearchForSupervisorsAndPrivacyOfficersOnly) {
  w.AddUser("priv", "市局 隐私保护专员", Role::kPrivacyOfficer, w.city);
  const Id case_id = NewCase("审计查询案件");
  const std::string off1 = Login("off1");
  ASSERT_EQ(Call("GET", "/cases/" + std::to_string(case_id), "", off1).status, 200);
  w.services->auditor().Flush();

  for (const char* user : {"off1", "ana1", "pro1", "admin"}) {
    SCOPED_TRACE(user);
    ExpectProblem(Call("GET", "/audit", "", Login(user)), 403, "permission_denied");
  }
  ExpectProblem(Call("GET", "/audit"), 401, "unauthenticated");

  const std::string sup = Login("sup1");
  const Response r = Call("GET", "/audit?action=case.read&limit=10", "", sup);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Cache-Control"), "no-store");
  const Json page = J(r);
  EXPECT_EQ(page["limit"], 10);
  EXPECT_EQ(page["offset"], 0);
  ASSERT_EQ(page["items"].size(), 1u);
  const Json& hit = page["items"][0];
  EXPECT_EQ(hit["action"], "case.read");
  EXPECT_EQ(hit["object_type"], "case");
  EXPECT_EQ(hit["object_id"], case_id);
  EXPECT_EQ(hit["user_id"], w.officer1);
  EXPECT_EQ(hit["user_name"], "一所 王警官");
  EXPECT_EQ(hit["user_unit_id"], w.station1);
  EXPECT_EQ(hit["object_unit_id"], w.station1);
  EXPECT_EQ(hit["allowed"], true);
  EXPECT_EQ(hit["remote"], "127.0.0.1");
  EXPECT_TRUE(hit["detail"].is_object());
  EXPECT_EQ(hit["hash"].get<std::string>().size(), 64u);
  EXPECT_TRUE(ParseIso8601(hit["at"].get<std::string>()).has_value());
  for (const char* key : {"seq", "purpose", "user_unit_name"})
    EXPECT_TRUE(hit.contains(key)) << key;

  // A privacy officer gets the same list without detail text.
  const std::string priv = Login("priv");
  const Json mine = J(Call("GET", "/audit?action=clue.create", "", priv));
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_FALSE(mine["items"][0]["detail"].contains("source"));
  const Json sups = J(Call("GET", "/audit?action=clue.create", "", sup));
  EXPECT_EQ(sups["items"][0]["detail"].value("source", ""), "walk_in");
  // ... and cannot open the case itself.
  ExpectProblem(Call("GET", "/cases/" + std::to_string(case_id), "", priv), 404, "not_found");
}

TEST_F(ApiTest, AuditSearchParametersAreValidatedByName) {
  const std::string sup = Login("sup1");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"user_id=abc", "user_id"},
      {"object_id=0", "object_id"},
      {"object_id=5", "object_type"},
      {"object_type=" + PercentEncode("case' OR '1'='1"), "object_type"},
      {"object_type=" + PercentEncode("../../etc/passwd"), "object_type"},
      {"action=" + PercentEncode("case.read; DROP TABLE audit_log"), "action"},
      {"allowed=maybe", "allowed"},
      {"outside_unit=yes", "outside_unit"},
      {"since=yesterday", "since"},
      {"until=2026-13-01", "until"},
      {"since=2026-03-02&until=2026-03-01", "until"},
      {"limit=501", "limit"},
      {"offset=-1", "offset"},
      {"order=sideways", "order"},
  };
  for (const auto& [query, field] : bad) {
    SCOPED_TRACE(query);
    ExpectProblem(Call("GET", "/audit?" + query, "", sup), 400, "invalid_argument", field);
  }
  // Empty values count as not given; valid filters combine.
  const Response ok = Call("GET",
                           "/audit?user_id=&object_type=case&action=&allowed=true&since=2026-01-01"
                           "&until=2026-12-31T23:59:59Z&outside_unit=false&order=asc&offset=0",
                           "", sup);
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(ApiTest, WhoViewedThisVictimsRecordThroughTheApi) {
  const std::string off1 = Login("off1");
  const Response created = Post("/clues", ChildClueBody(), off1);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string sup = Login("sup1");
  const Response filed = Post("/clues/" + std::to_string(J(created)["id"].get<Id>()) + "/decision",
                              {{"decision", "file"}}, sup);
  ASSERT_EQ(filed.status, 200) << filed.body;
  const Id case_id = J(filed)["case"]["id"];
  const Json c = J(Call("GET", "/cases/" + std::to_string(case_id), "", sup));
  Id victim = 0;
  for (const auto& p : c["persons"])
    if (p["role"] == "victim") victim = p["id"];
  ASSERT_NE(victim, 0);
  ASSERT_EQ(
      Call("GET",
           "/cases/" + std::to_string(case_id) + "/persons/" + std::to_string(victim) + "/identity",
           "", sup)
          .status,
      200);
  w.services->auditor().Flush();
  const Response r =
      Call("GET", "/audit?object_type=person&object_id=" + std::to_string(victim), "", sup);
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> actions;
  const Json page = J(r);
  for (const auto& item : page["items"]) actions.insert(item["action"].get<std::string>());
  EXPECT_TRUE(actions.count("identity.reveal"));
  EXPECT_TRUE(actions.count("case.read"));
  // The audit answer never carries the identity it is about.
  EXPECT_EQ(r.body.find("张小红"), std::string::npos);
  EXPECT_EQ(r.body.find(kChildId), std::string::npos);
}

// ---------------------------------------------------------------- victim support (issue 3)

class VictimApiTest : public ApiTest {
 protected:
  VictimApiTest() {
    w.AddUser("wf1", "妇联 社工", Role::kPartner, w.partner);
    legal_aid = w.AddUnit("P-LA", "法律援助中心", UnitType::kPartner, w.province);
    w.AddUser("la1", "法援 律师", Role::kPartner, legal_aid);
  }
  // A child-victim case through the API; returns (case path, victim person id).
  std::pair<std::string, Id> ChildCase(const std::string& token) {
    const Response clue = Post("/clues", ChildClueBody(), token);
    EXPECT_EQ(clue.status, 201) << clue.body;
    const Response filed = Post("/clues/" + std::to_string(J(clue)["id"].get<Id>()) + "/decision",
                                {{"decision", "file"}}, Login("sup1"));
    EXPECT_EQ(filed.status, 200) << filed.body;
    const std::string c = "/cases/" + std::to_string(J(filed)["case"]["id"].get<Id>());
    const Json vs = J(Call("GET", c + "/victim-support", "", token));
    return {c, vs["victims"][0]["person_id"].get<Id>()};
  }
  Response Survivor(const std::string& reference, const std::string& code,
                    const std::string& remote = "198.51.100.1") {
    Request r;
    r.method = "POST";
    r.target = "/api/v1/survivor/status";
    r.body = Json{{"reference", reference}, {"code", code}}.dump();
    r.content_type = "application/json";
    r.remote = remote;
    return api.Handle(r);
  }
  Id legal_aid = 0;
};

TEST_F(VictimApiTest, InterviewsConsentReferralAndThePartnersNarrowView) {
  const std::string off = Login("off1");
  const auto [c, victim] = ChildCase(off);
  const std::string interview = Json{
      {"person_id", victim},
      {"started_at", "2026-03-02T08:00:00Z"},
      {"duration_minutes", 45},
      {"location", "one_stop_room"},
      {"present", {"guardian", "counsellor"}},
      {"recorded", true}}.dump();
  ExpectProblem(Call("POST", c + "/interviews", R"({"person_id":1})", off), 400, "invalid_argument",
                "started_at");
  ExpectProblem(Post(c + "/interviews",
                     {{"person_id", victim},
                      {"started_at", "2026-03-02T08:00:00Z"},
                      {"duration_minutes", 45},
                      {"location", "basement"}},
                     off),
                400, "invalid_argument", "location");
  const Response first = Call("POST", c + "/interviews", interview, off);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(J(first)["victims"][0]["interview_count"], 1);
  EXPECT_EQ(J(first)["victims"][0]["minor"], true);
  ExpectProblem(Call("POST", c + "/interviews", interview, off), 409, "conflict", "approval");
  const Response asked =
      Post(c + "/interview-approvals", {{"person_id", victim}, {"reason", "补充询问"}}, off);
  ASSERT_EQ(asked.status, 201) << asked.body;
  const Id approval = J(asked)["victims"][0]["approvals"][0]["id"];
  const std::string decide = c + "/interview-approvals/" + std::to_string(approval) + "/decision";
  ExpectProblem(Post(decide, {{"approve", true}}, off), 403, "permission_denied");
  ASSERT_EQ(Post(decide, {{"approve", true}}, Login("sup1")).status, 200);
  EXPECT_EQ(J(Call("POST", c + "/interviews", interview, off))["victims"][0]["interview_count"], 2);

  // Contact preferences: stored, read back like an identity (no-store), validated.
  const std::string prefs_path = c + "/persons/" + std::to_string(victim) + "/contact-preferences";
  ExpectProblem(Call("PUT", prefs_path, R"({"channels":["sms"]})", off), 400, "invalid_argument",
                "phone");
  ExpectProblem(Call("PUT", prefs_path,
                     R"({"channels":["sms"],"phone":"13900001111","window_start":"25:00"})", off),
                400, "invalid_argument", "window_start");
  const Response put = Call("PUT", prefs_path,
                            Json{{"channels", {"sms", "phone"}},
                                 {"phone", "13900001111"},
                                 {"window_start", "09:00"},
                                 {"window_end", "18:00"},
                                 {"days", {"mon", "tue", "wed", "thu", "fri"}},
                                 {"guardian_name", "张母"},
                                 {"guardian_phone", "13700002222"}}
                                .dump(),
                            off);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body.find("13900001111"), std::string::npos);  // the support view never shows it
  const Response prefs = Call("GET", prefs_path, "", off);
  ASSERT_EQ(prefs.status, 200) << prefs.body;
  EXPECT_EQ(Header(prefs, "Cache-Control"), "no-store");
  EXPECT_EQ(J(prefs)["phone"], "+8613900001111");
  EXPECT_EQ(J(prefs)["days"], Json({"mon", "tue", "wed", "thu", "fri"}));
  ExpectProblem(Call("GET", prefs_path, "", Login("ana1")), 403, "permission_denied");
  ExpectProblem(Call("GET", prefs_path, "", Login("off2")), 404, "not_found");

  // Consent for the women's federation with the phone only, then the referral.
  ExpectProblem(
      Post(c + "/consents",
           {{"person_id", victim}, {"given_by", "victim"}, {"agency_unit_ids", {w.partner}}}, off),
      400, "invalid_argument", "given_by");
  const Response consent = Post(c + "/consents",
                                {{"person_id", victim},
                                 {"given_by", "guardian"},
                                 {"giver_relationship", "母亲"},
                                 {"agency_unit_ids", {w.partner}},
                                 {"fields", {"phone"}}},
                                off);
  ASSERT_EQ(consent.status, 201) << consent.body;
  const Id consent_id = J(consent)["victims"][0]["consents"][0]["id"];
  ExpectProblem(Post(c + "/referrals",
                     {{"person_id", victim},
                      {"consent_id", consent_id},
                      {"partner_unit_id", legal_aid},
                      {"kind", "legal_aid"},
                      {"need", "法律援助"}},
                     off),
                400, "invalid_argument", "partner_unit_id");
  const Response referred = Post(c + "/referrals",
                                 {{"person_id", victim},
                                  {"consent_id", consent_id},
                                  {"partner_unit_id", w.partner},
                                  {"kind", "counselling"},
                                  {"need", "心理疏导，每周一次"}},
                                 off);
  ASSERT_EQ(referred.status, 201) << referred.body;
  const Id referral = J(referred)["victims"][0]["referrals"][0]["id"];
  EXPECT_EQ(J(referred)["victims"][0]["referrals"][0]["status"], "sent");

  // The agency: its list and the referral, nothing of the case.
  const std::string wf = Login("wf1");
  const Json list = J(Call("GET", "/referrals?status=open", "", wf));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["pseudonym"], "V1");
  EXPECT_TRUE(list["items"][0]["contact"].is_null());
  const std::string rpath = "/referrals/" + std::to_string(referral);
  const Response detail = Call("GET", rpath, "", wf);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const Json dj = J(detail);
  EXPECT_EQ(dj["contact"]["phone"], "+8613900001111");
  EXPECT_FALSE(dj["contact"].contains("name"));
  EXPECT_FALSE(dj["contact"].contains("address"));
  for (const char* absent : {"case_id", "person_id", "consent_id", "case_reference"})
    EXPECT_FALSE(dj.contains(absent)) << absent;
  for (const char* secret : {"张小红", "人民路", "猥亵", "男，约四十岁", "13812345678"})
    EXPECT_EQ(detail.body.find(secret), std::string::npos) << secret;
  EXPECT_EQ(Header(detail, "Cache-Control"), "no-store");
  // Another agency and the police get nothing of the agency's view.
  const std::string la = Login("la1");
  ExpectProblem(Call("GET", rpath, "", la), 404, "not_found");
  EXPECT_EQ(J(Call("GET", "/referrals", "", la))["items"].size(), 0u);
  ExpectProblem(Call("GET", "/referrals", "", off), 403, "permission_denied");
  ExpectProblem(Call("GET", c, "", wf), 404, "not_found");
  ExpectProblem(Call("GET", c + "/victim-support", "", wf), 404, "not_found");
  EXPECT_EQ(J(Call("GET", "/cases", "", wf))["total"], 0);

  // Status flow.
  ExpectProblem(Post(rpath + "/status", {{"status", "accepted"}}, wf), 400, "invalid_argument",
                "partner_contact");
  ExpectProblem(Post(rpath + "/status", {{"status", "closed"}}, wf), 409, "conflict", "status");
  ExpectProblem(Post(rpath + "/status", {{"status", "accepted"}, {"partner_contact", "x"}}, la),
                404, "not_found");
  const Response accepted =
      Post(rpath + "/status",
           {{"status", "accepted"}, {"partner_contact", "社工 许慧 020-12345678"}}, wf);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(J(accepted)["status"], "accepted");
  EXPECT_EQ(J(accepted)["history"].size(), 2u);
  EXPECT_EQ(J(accepted)["history"][0]["actor_name"], "");  // the referring officer is not named
  EXPECT_EQ(J(accepted)["history"][1]["actor_name"], "妇联 社工");

  // Withdrawal: the agency sees the referral as withdrawn, without contact details.
  const Response withdrawn =
      Call("POST", c + "/consents/" + std::to_string(consent_id) + "/withdraw", "", off);
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  const Json after = J(Call("GET", rpath, "", wf));
  EXPECT_EQ(after["status"], "withdrawn");
  EXPECT_TRUE(after["contact"].is_null());
  EXPECT_EQ(after["consent_withdrawn"], true);
  ExpectProblem(Post(rpath + "/status", {{"status", "in_progress"}}, wf), 409, "conflict");
}

TEST_F(VictimApiTest, SurvivorStatusPageAnswersFailuresAlikeAndIsRateLimited) {
  const std::string off = Login("off1");
  const auto [c, victim] = ChildCase(off);
  const std::string reference = J(Call("GET", c, "", off))["reference"];
  const Response issued =
      Call("POST", c + "/persons/" + std::to_string(victim) + "/survivor-code", "", off);
  ASSERT_EQ(issued.status, 201) << issued.body;
  EXPECT_EQ(Header(issued, "Cache-Control"), "no-store");
  const std::string code = J(issued)["code"];
  ExpectProblem(
      Call("POST", c + "/persons/" + std::to_string(victim) + "/survivor-code", "", Login("ana1")),
      403, "permission_denied");

  // No sign-in needed; the page says nothing of the investigation.
  const Response ok = Survivor(reference, code, "198.51.100.7");
  ASSERT_EQ(ok.status, 200) << ok.body;
  const Json status = J(ok);
  EXPECT_EQ(status["stage"], "registered");
  EXPECT_EQ(status["evidence_kit"]["collected"], false);
  EXPECT_EQ(status["code"]["uses_left"], 9);
  for (const char* secret : {"张小红", "人民路", "猥亵", "男，约四十岁", "title", "summary", "V1"})
    EXPECT_EQ(ok.body.find(secret), std::string::npos) << secret;

  // Wrong code and wrong reference: the same status and the same body.
  const std::string wrong = code.substr(0, 11) + (code.back() == 'A' ? "B" : "A");
  const Response bad_code = Survivor(reference, wrong, "198.51.100.8");
  const Response bad_ref = Survivor("AJ-2026-999999", code, "198.51.100.9");
  ExpectProblem(bad_code, 404, "not_found");
  EXPECT_EQ(bad_code.body, bad_ref.body);
  EXPECT_EQ(bad_code.status, bad_ref.status);
  ExpectProblem(Survivor("", code, "198.51.100.10"), 400, "invalid_argument", "reference");
  ExpectProblem(Call("POST", "/survivor/status", R"({"reference":"x"})"), 400, "invalid_argument",
                "code");

  // Rate limit per address: 429 with Retry-After; another address still answers.
  for (int i = 0; i < 10; ++i) (void)Survivor(reference, wrong, "203.0.113.5");
  const Response limited = Survivor(reference, code, "203.0.113.5");
  ExpectProblem(limited, 429, "resource_exhausted");
  EXPECT_FALSE(Header(limited, "Retry-After").empty());
  EXPECT_EQ(Survivor(reference, code, "203.0.113.6").status, 200);

  // The officer sees the code's state (never the code), and the work list has the new field.
  const Response support = Call("GET", c + "/victim-support", "", off);
  EXPECT_EQ(J(support)["victims"][0]["survivor_code"]["uses_left"], 8);
  EXPECT_EQ(support.body.find(code), std::string::npos);
  const Json wl = J(Call("GET", "/worklist", "", off));
  ASSERT_TRUE(wl.contains("referral_alerts"));
  EXPECT_TRUE(wl["referral_alerts"].is_array());
  EXPECT_TRUE(wl.contains("counts"));  // existing members unchanged
}

// ---------------------------------------------------------------- need-to-know access

TEST_F(ApiTest, PurposeHeaderIsCheckedAndReportedByAuthMe) {
  const std::string off = Login("off1");
  const Json me = J(Call("GET", "/auth/me", "", off));
  EXPECT_EQ(me["purposes"], Json::array({"investigation", "victim_support"}));
  EXPECT_EQ(me["purpose"], "investigation");  // the role's default when none is stated
  const Response stated = Call("GET", "/auth/me", "", off, "victim_support");
  ASSERT_EQ(stated.status, 200) << stated.body;
  EXPECT_EQ(J(stated)["purpose"], "victim_support");

  // Unknown names and "emergency" (set by break-glass only) are 400 naming the header; a purpose
  // the role may not state is 403 and is audited.
  for (const char* bad : {"curiosity", "emergency", "Investigation", "investigation; analysis"}) {
    SCOPED_TRACE(bad);
    ExpectProblem(Call("GET", "/auth/me", "", off, bad), 400, "invalid_argument",
                  "X-Aegis-Purpose");
  }
  ExpectProblem(Call("GET", "/cases", "", off, "audit_review"), 403, "permission_denied");
  ExpectProblem(Call("GET", "/worklist", "", Login("ana1"), "investigation"), 403,
                "permission_denied");
  const auto refused = w.Audit(w.officer1, "user");
  EXPECT_TRUE(std::any_of(refused.begin(), refused.end(), [](const storage::AuditRecord& a) {
    return a.action == "purpose.state" && !a.allowed;
  }));
  // Without a session the header changes nothing: 401 first.
  ExpectProblem(Call("GET", "/auth/me", "", "", "investigation"), 401, "unauthenticated");

  // The stated purpose is recorded with the read, and analysis shows no persons.
  const Id id = NewCase("目的记录案件");
  const std::string sup = Login("sup1");
  const Response analysed = Call("GET", "/cases/" + std::to_string(id), "", sup, "analysis");
  ASSERT_EQ(analysed.status, 200) << analysed.body;
  const Json c = J(analysed);
  EXPECT_TRUE(c["persons"].empty());
  EXPECT_NE(std::find(c["hidden_sections"].begin(), c["hidden_sections"].end(), "persons"),
            c["hidden_sections"].end());
  EXPECT_FALSE(c["can_reveal_identity"].get<bool>());
  const auto reads = w.Audit(id, "case");
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads.front().action, "case.read");
  EXPECT_EQ(reads.front().purpose, "analysis");
}

TEST_F(ApiTest, SensitivityRouteValidatesByNameAndOnlySupervisorsOverTheUnitLabel) {
  // A second officer of the station: not on the case's team (officer1 recorded the clue and leads).
  w.AddUser("off1b", "一所 李警官", Role::kOfficer, w.station1);
  const Id id = NewCase("待限制的案件");
  const std::string path = "/cases/" + std::to_string(id) + "/sensitivity";
  const std::string colleague = Login("off1b");
  ASSERT_EQ(Call("GET", "/cases/" + std::to_string(id), "", colleague).status, 200);
  const std::string sup = Login("sup1");
  const std::vector<std::pair<Json, std::string>> bad = {
      {{{"restricted", "yes"}, {"reason", "r1"}}, "restricted"},
      {{{"sealed", 1}, {"reason", "r1"}}, "sealed"},
      {{{"seal_reference", 7}, {"reason", "r1"}}, "seal_reference"},
      {{{"restricted_sections", "persons"}, {"reason", "r1"}}, "restricted_sections"},
      {{{"restricted_sections", {"persons", "diary"}}, {"reason", "r1"}}, "restricted_sections"},
      {{{"restricted", true}, {"colour", "red"}, {"reason", "r1"}}, "colour"},
      {{{"restricted", true}}, "reason"},
      {{{"restricted", true}, {"reason", "x"}}, "reason"},
      {{{"sealed", true}, {"reason", "法院判决"}}, "seal_reference"},
  };
  for (const auto& [body, field] : bad) {
    SCOPED_TRACE(body.dump());
    ExpectProblem(Post(path, body, sup), 400, "invalid_argument", field);
  }
  ExpectProblem(Call("POST", path, "[1]", sup), 400, "invalid_argument", "body");
  const Json restrict = {{"restricted", true}, {"reason", "涉及公众人物"}};
  ExpectProblem(Post(path, restrict, ""), 401, "unauthenticated");
  ExpectProblem(Post(path, restrict, Login("off1")), 403, "permission_denied");
  // A supervisor of another county cannot see the case at all: 404 like an unknown id.
  const Response other = Post(path, restrict, Login("sup2"));
  const Response unknown = Post("/cases/999999/sensitivity", restrict, sup);
  ExpectProblem(other, 404, "not_found");
  EXPECT_EQ(other.body, unknown.body);

  const Response ok = Post(path,
                           {{"restricted", true},
                            {"restricted_sections", {"victim_support", "timeline"}},
                            {"reason", "涉及公众人物"}},
                           sup);
  ASSERT_EQ(ok.status, 200) << ok.body;
  const Json c = J(ok);
  EXPECT_EQ(c["labels"], Json::array({"restricted"}));
  EXPECT_EQ(c["restricted_sections"], Json::array({"victim_support", "timeline"}));
  EXPECT_TRUE(c["hidden_sections"].empty());  // the supervisor sees every section
  EXPECT_TRUE(c["can_label"].get<bool>());
  EXPECT_FALSE(c["read_only"].get<bool>());
  EXPECT_FALSE(c["via_break_glass"].get<bool>());
  EXPECT_TRUE(c["break_glass_expires_at"].is_null());
  EXPECT_EQ(c["seal_reference"], "");
  ExpectProblem(Post(path, restrict, sup), 409, "conflict");  // nothing to change

  // The list carries the label; the colleague of the station, not on the team, no longer opens
  // the case (404 like an unknown id) nor finds it in lists, while the lead still does.
  const Json list = J(Call("GET", "/cases?limit=50", "", sup));
  bool listed = false;
  for (const auto& item : list["items"])
    if (item["id"] == id) listed = item["labels"] == Json::array({"restricted"});
  EXPECT_TRUE(listed);
  ExpectProblem(Call("GET", "/cases/" + std::to_string(id), "", colleague), 404, "not_found");
  // The parsed list is kept: a range-for over a member of a temporary would dangle (C++20).
  const Json colleague_list = J(Call("GET", "/cases?limit=50", "", colleague));
  for (const auto& item : colleague_list["items"]) EXPECT_NE(item["id"], id);
  EXPECT_EQ(Call("GET", "/cases/" + std::to_string(id), "", Login("off1")).status, 200);

  // Sealing needs the court order; the sealed case is read-only for everyone, its supervisor too.
  const Response sealed = Post(
      path, {{"sealed", true}, {"seal_reference", "（2026）示01刑初9号"}, {"reason", "判决"}}, sup);
  ASSERT_EQ(sealed.status, 200) << sealed.body;
  EXPECT_EQ(J(sealed)["labels"], Json::array({"restricted", "sealed"}));
  EXPECT_EQ(J(sealed)["seal_reference"], "（2026）示01刑初9号");
  EXPECT_TRUE(J(sealed)["read_only"].get<bool>());
  ExpectProblem(Post("/cases/" + std::to_string(id) + "/actions", {{"title", "调取监控"}}, sup),
                409, "conflict");
  const Response unsealed = Post(path, {{"sealed", false}, {"reason", "撤销封存"}}, sup);
  ASSERT_EQ(unsealed.status, 200) << unsealed.body;
  EXPECT_EQ(J(unsealed)["seal_reference"], "");
  EXPECT_FALSE(J(unsealed)["read_only"].get<bool>());
}

TEST_F(ApiTest, BreakGlassOpensARestrictedCaseReadOnlyAlertsAndIsReviewed) {
  w.AddUser("priv", "市局 隐私保护专员", Role::kPrivacyOfficer, w.city);
  const Id id = NewCase("限制访问的案件");
  const std::string sid = std::to_string(id);
  const std::string sup = Login("sup1");
  ASSERT_EQ(
      Post("/cases/" + sid + "/sensitivity", {{"restricted", true}, {"reason", "限定知悉"}}, sup)
          .status,
      200);
  std::string reference;
  {
    auto c = w.services->GetCase(w.As(w.supervisor1), id);
    ASSERT_TRUE(c.ok());
    reference = c->summary.c.reference;
  }

  const std::string off2 = Login("off2");
  ExpectProblem(Call("GET", "/cases/" + sid, "", off2), 404, "not_found");
  const std::string reason = "被害人家属称嫌疑人在其住处附近，办案组无法联系";
  // Parse and validation errors name the member.
  const std::vector<std::pair<Json, std::string>> bad = {
      {{{"case_id", "abc"}, {"reason", reason}}, "case_id"},
      {{{"case_id", 0}, {"reason", reason}}, "case_id"},
      {{{"reference", 12}, {"reason", reason}}, "reference"},
      {{{"reason", reason}}, "reference"},
      {{{"case_id", id}}, "reason"},
      {{{"case_id", id}, {"reason", "太短的理由"}}, "reason"},
      {{{"case_id", id}, {"reason", reason}, {"urgent", true}}, "urgent"},
  };
  for (const auto& [body, field] : bad) {
    SCOPED_TRACE(body.dump());
    ExpectProblem(Post("/break-glass", body, off2), 400, "invalid_argument", field);
  }
  ExpectProblem(Post("/break-glass", {{"case_id", id}, {"reason", reason}}, ""), 401,
                "unauthenticated");
  // Roles without break-glass (administrators, privacy officers) are refused.
  ExpectProblem(Post("/break-glass", {{"case_id", id}, {"reason", reason}}, Login("admin")), 403,
                "permission_denied");
  ExpectProblem(Post("/break-glass", {{"case_id", id}, {"reason", reason}}, Login("priv")), 403,
                "permission_denied");
  // Unknown cases answer 404; a case the caller can already open answers 409.
  ExpectProblem(Post("/break-glass", {{"case_id", 999999}, {"reason", reason}}, off2), 404,
                "not_found");
  ExpectProblem(Post("/break-glass", {{"reference", "AJ-1999-000001"}, {"reason", reason}}, off2),
                404, "not_found");
  const Id own = NewCase("二所看得到的案件");
  ExpectProblem(Post("/break-glass", {{"case_id", own}, {"reason", reason}}, Login("off1")), 409,
                "conflict");

  // By reference: a grant of four hours, then the case opens read-only with the banner data.
  const Response granted =
      Post("/break-glass", {{"reference", reference}, {"reason", reason}}, off2);
  ASSERT_EQ(granted.status, 201) << granted.body;
  const Json g = J(granted);
  EXPECT_EQ(g["case_id"], id);
  EXPECT_EQ(g["case_reference"], reference);
  EXPECT_EQ(g["user_id"], w.officer2);
  EXPECT_EQ(g["reason"], reason);
  EXPECT_TRUE(g["reviewed_at"].is_null());
  EXPECT_TRUE(g["justified"].is_null());
  EXPECT_EQ(*ParseIso8601(g["expires_at"].get<std::string>()) -
                *ParseIso8601(g["granted_at"].get<std::string>()),
            4 * 3600);
  const Response opened = Call("GET", "/cases/" + sid, "", off2);
  ASSERT_EQ(opened.status, 200) << opened.body;
  const Json c = J(opened);
  EXPECT_TRUE(c["via_break_glass"].get<bool>());
  EXPECT_EQ(c["break_glass_expires_at"], g["expires_at"]);
  EXPECT_FALSE(c["can_label"].get<bool>());
  EXPECT_FALSE(c["can_reveal_identity"].get<bool>());
  // Every look under the grant is marked in the audit.
  const auto reads = w.Audit(id, "case");
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads.front().action, "case.read");
  EXPECT_EQ(reads.front().purpose, "emergency");
  EXPECT_NE(reads.front().detail.find("break_glass_grant"), std::string::npos);
  ExpectProblem(Post("/cases/" + sid + "/actions", {{"title", "调取监控"}}, off2), 403,
                "permission_denied");

  // The supervisor over the owning unit is alerted: on /alerts and on the work list.
  const Response alerts = Call("GET", "/alerts?unread=true", "", sup);
  ASSERT_EQ(alerts.status, 200) << alerts.body;
  ASSERT_EQ(J(alerts)["items"].size(), 1u);
  const Json a = J(alerts)["items"][0];
  EXPECT_EQ(a["kind"], "break_glass");
  EXPECT_EQ(a["case_id"], id);
  EXPECT_EQ(a["case_reference"], reference);
  EXPECT_EQ(a["grant_id"], g["id"]);
  EXPECT_EQ(a["detail"]["by"], "二所 赵警官");
  EXPECT_EQ(a["detail"]["reason"], reason);
  EXPECT_TRUE(a["read_at"].is_null());
  const Json wl = J(Call("GET", "/worklist", "", sup));
  ASSERT_EQ(wl["alerts"].size(), 1u);
  EXPECT_EQ(wl["alerts"][0]["id"], a["id"]);
  ExpectProblem(Call("GET", "/alerts?unread=maybe", "", sup), 400, "invalid_argument", "unread");
  // Only the recipient marks it read.
  const std::string read_path = "/alerts/" + std::to_string(a["id"].get<Id>()) + "/read";
  ExpectProblem(Call("POST", read_path, "", off2), 404, "not_found");
  EXPECT_EQ(Call("POST", read_path, "", sup).status, 204);
  EXPECT_TRUE(J(Call("GET", "/alerts?unread=true", "", sup))["items"].empty());
  EXPECT_EQ(J(Call("GET", "/alerts", "", sup))["items"].size(), 1u);
  EXPECT_TRUE(J(Call("GET", "/worklist", "", sup))["alerts"].empty());

  // Review: supervisors and privacy officers list the grants; privacy officers without the reason.
  ExpectProblem(Call("GET", "/break-glass", "", off2), 403, "permission_denied");
  ExpectProblem(Call("GET", "/break-glass?unreviewed=soon", "", sup), 400, "invalid_argument",
                "unreviewed");
  const Json pending = J(Call("GET", "/break-glass?unreviewed=true", "", sup));
  ASSERT_EQ(pending["items"].size(), 1u);
  EXPECT_EQ(pending["items"][0]["reason"], reason);
  EXPECT_EQ(pending["items"][0]["user_name"], "二所 赵警官");
  const std::string priv = Login("priv");
  const Json seen = J(Call("GET", "/break-glass", "", priv));
  ASSERT_EQ(seen["items"].size(), 1u);
  EXPECT_EQ(seen["items"][0]["reason"], "");
  const std::string review = "/break-glass/" + std::to_string(g["id"].get<Id>()) + "/review";
  ExpectProblem(Post(review, Json::object(), sup), 400, "invalid_argument", "justified");
  ExpectProblem(Post(review, {{"justified", "no"}}, sup), 400, "invalid_argument", "justified");
  ExpectProblem(Post(review, {{"justified", false}}, sup), 400, "invalid_argument", "note");
  ExpectProblem(Post(review, {{"justified", false}, {"note", 5}}, sup), 400, "invalid_argument",
                "note");
  ExpectProblem(Post(review, {{"justified", true}, {"verdict", "ok"}}, sup), 400,
                "invalid_argument", "verdict");
  ExpectProblem(Post(review, {{"justified", true}}, off2), 403, "permission_denied");
  ExpectProblem(Post("/break-glass/999999/review", {{"justified", true}}, sup), 404, "not_found");
  const Response done =
      Post(review, {{"justified", false}, {"note", "办案组当时可以联系，不属紧急情况"}}, sup);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(J(done)["justified"], false);
  EXPECT_EQ(J(done)["reviewed_by"], w.supervisor1);
  EXPECT_EQ(J(done)["reviewer_name"], "一区 陈队长");
  ExpectProblem(Post(review, {{"justified", true}}, priv), 409, "conflict");  // reviewed once
  EXPECT_TRUE(J(Call("GET", "/break-glass?unreviewed=true", "", sup))["items"].empty());

  // The grant ends after four hours.
  w.Advance(4 * 3600 + 60);
  ExpectProblem(Call("GET", "/cases/" + sid, "", Login("off2")), 404, "not_found");

  // A sealed case cannot be opened by break-glass: 404 exactly like an unknown one.
  ASSERT_EQ(Post("/cases/" + sid + "/sensitivity",
                 {{"sealed", true}, {"seal_reference", "（2026）示01刑初9号"}, {"reason", "判决"}},
                 Login("sup1"))
                .status,
            200);
  // (Its team can open it anyway and is told so; anyone else learns nothing.)
  ExpectProblem(Post("/break-glass", {{"case_id", id}, {"reason", reason}}, Login("off1")), 409,
                "conflict");
  const std::string off2_again = Login("off2");
  const Response sealed = Post("/break-glass", {{"case_id", id}, {"reason", reason}}, off2_again);
  const Response nothing =
      Post("/break-glass", {{"case_id", 999999}, {"reason", reason}}, off2_again);
  ExpectProblem(sealed, 404, "not_found");
  EXPECT_EQ(sealed.body, nothing.body);
}

}  // namespace
}  // namespace aegis::api
