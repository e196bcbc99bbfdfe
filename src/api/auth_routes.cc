// Sign-in and account-security routes: /auth/login, /auth/logout, /auth/me, /auth/security,
// /auth/password, /auth/totp/*, /auth/sessions and /users/{id}/sessions.
#include "api/routing.h"
#include "common/time.h"
#include "services/totp.h"

namespace aegis::api::internal {

using namespace aegis::services;

namespace {

// A string member of a JSON body: "" when absent and not required; InvalidArgument naming the
// member when it is required but missing, or not a string.
StatusOr<std::string> StringMember(const Json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) return Status::InvalidArgument(name, "is required");
    return std::string();
  }
  if (!body[name].is_string()) return Status::InvalidArgument(name, "must be a string");
  std::string v = body[name].get<std::string>();
  if (required && v.empty()) return Status::InvalidArgument(name, "is required");
  return v;
}

Json OptTime(const std::optional<UnixSeconds>& t) {
  return t ? Json(FormatIso8601(*t)) : Json(nullptr);
}

std::string SessionCookie(const std::string& token) {
  return std::string(kCookieName) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
}

std::string ClearedSessionCookie() {
  return std::string(kCookieName) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
}

Response NoContent() {
  Response res;
  res.status = 204;
  return res;
}

}  // namespace

void AddAuthRoutes(std::vector<Route>& r) {
  // `enrolment_ok`: reachable by a session that may only enrol a second factor.
  auto add = [&](std::string method, std::string path, bool auth, bool enrolment_ok, Handler h) {
    r.push_back({std::move(method), Segments(path), auth, std::move(h), enrolment_ok});
  };
  // Parse a JSON body or a string member of it, or answer with the problem.
#define AUTH_PARSE_BODY(var)                                     \
  auto var##_or = ParseBody(ctx.req.body);                       \
  if (!var##_or.ok()) return ProblemResponse(var##_or.status()); \
  const Json& var = *var##_or
#define AUTH_MEMBER(var, body, name, required)                   \
  auto var##_or = StringMember(body, name, required);            \
  if (!var##_or.ok()) return ProblemResponse(var##_or.status()); \
  const std::string& var = *var##_or

  add("POST", "auth/login", false, false, [](Services& s, Context& ctx) {
    AUTH_PARSE_BODY(body);
    AUTH_MEMBER(username, body, "username", true);
    AUTH_MEMBER(password, body, "password", true);
    AUTH_MEMBER(totp, body, "totp", false);
    LoginInput in{username, password, totp, ctx.req.remote};
    LoginRefusal refusal;
    auto result = s.Login(in, &refusal);
    if (!result.ok()) {
      Response res = refusal.code.empty() ? ProblemResponse(result.status())
                                          : ProblemWithCode(result.status(), refusal.code);
      if (refusal.retry_after_seconds > 0)
        res.headers.push_back({"Retry-After", std::to_string(refusal.retry_after_seconds)});
      return res;
    }
    Response res =
        JsonResponse(200, {{"token", result->token},
                           {"user", ToJson(result->principal.user, result->principal.unit)},
                           {"totp_enrolment_required", result->enrolment_only}});
    res.headers.push_back({"Set-Cookie", SessionCookie(result->token)});
    return res;
  });
  add("POST", "auth/logout", true, true, [](Services& s, Context& ctx) {
    Status st = s.Logout(TokenFrom(ctx.req));
    if (!st.ok()) return ProblemResponse(st);
    Response res = NoContent();
    res.headers.push_back({"Set-Cookie", ClearedSessionCookie()});
    return res;
  });
  add("GET", "auth/me", true, true, [](Services&, Context& ctx) {
    Json me = ToJson(ctx.principal.user, ctx.principal.unit);
    me["totp_enrolment_required"] = ctx.principal.enrolment_only;
    // The purposes this user may state (X-Aegis-Purpose), the default first, and the current one.
    Json purposes = Json::array();
    for (domain::Purpose p : AllowedPurposes(ctx.principal.user.role))
      purposes.push_back(domain::ToString(p));
    me["purposes"] = purposes;
    me["purpose"] = domain::ToString(ctx.principal.purpose);
    return JsonResponse(200, me);
  });
  add("GET", "auth/security", true, true, [](Services& s, Context& ctx) {
    auto v = s.AccountSecurity(ctx.principal);
    if (!v.ok()) return ProblemResponse(v.status());
    return JsonResponse(200, {{"totp_enabled", v->totp_enabled},
                              {"totp_required", v->totp_required},
                              {"totp_pending", v->totp_pending},
                              {"totp_enrolment_required", v->enrolment_only},
                              {"password_changed_at", OptTime(v->password_changed_at)}});
  });
  add("POST", "auth/password", true, true, [](Services& s, Context& ctx) {
    AUTH_PARSE_BODY(body);
    AUTH_MEMBER(current, body, "current_password", true);
    AUTH_MEMBER(next, body, "new_password", true);
    auto ended = s.ChangePassword(ctx.principal, current, next);
    if (!ended.ok()) return ProblemResponse(ended.status());
    return JsonResponse(200, {{"sessions_ended", *ended}});
  });
  add("POST", "auth/totp/enroll", true, true, [](Services& s, Context& ctx) {
    AUTH_PARSE_BODY(body);
    AUTH_MEMBER(current, body, "current_password", true);
    auto e = s.EnrolTotp(ctx.principal, current);
    if (!e.ok()) return ProblemResponse(e.status());
    return JsonResponse(200, {{"secret", e->secret},
                              {"otpauth_uri", e->uri},
                              {"algorithm", "SHA1"},
                              {"digits", kTotpDigits},
                              {"period", kTotpStepSeconds}});
  });
  add("POST", "auth/totp/confirm", true, true, [](Services& s, Context& ctx) {
    AUTH_PARSE_BODY(body);
    AUTH_MEMBER(code, body, "code", true);
    Status st = s.ConfirmTotp(ctx.principal, code);
    return st.ok() ? NoContent() : ProblemResponse(st);
  });
  add("POST", "auth/totp/disable", true, false, [](Services& s, Context& ctx) {
    AUTH_PARSE_BODY(body);
    AUTH_MEMBER(current, body, "current_password", true);
    AUTH_MEMBER(code, body, "code", true);
    Status st = s.DisableTotp(ctx.principal, current, code);
    return st.ok() ? NoContent() : ProblemResponse(st);
  });
  add("GET", "auth/sessions", true, true, [](Services& s, Context& ctx) {
    auto list = s.ListSessions(ctx.principal);
    if (!list.ok()) return ProblemResponse(list.status());
    Json items = Json::array();
    for (const SessionView& v : *list) {
      items.push_back({{"id", v.id},
                       {"created_at", FormatIso8601(v.created_at)},
                       {"last_seen", FormatIso8601(v.last_seen)},
                       {"expires_at", FormatIso8601(v.expires_at)},
                       {"remote", v.remote},
                       {"current", v.current},
                       {"totp_enrolment_only", v.enrolment_only}});
    }
    return JsonResponse(200, {{"items", items}});
  });
  add("DELETE", "auth/sessions/{id}", true, true, [](Services& s, Context& ctx) {
    Status st = s.RevokeSession(ctx.principal, ctx.ids[0]);
    if (!st.ok()) return ProblemResponse(st);
    Response res = NoContent();
    // Ending the session this request came with signs this browser out too.
    if (ctx.ids[0] == ctx.principal.session_id)
      res.headers.push_back({"Set-Cookie", ClearedSessionCookie()});
    return res;
  });
  add("DELETE", "users/{id}/sessions", true, false, [](Services& s, Context& ctx) {
    auto ended = s.RevokeUserSessions(ctx.principal, ctx.ids[0]);
    if (!ended.ok()) return ProblemResponse(ended.status());
    return JsonResponse(200, {{"sessions_ended", *ended}});
  });
#undef AUTH_PARSE_BODY
#undef AUTH_MEMBER
}

}  // namespace aegis::api::internal
