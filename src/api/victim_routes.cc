// Victim-support routes: parse, call one service function, map the result.
#include "api/victim_routes.h"

#include <charconv>

#include "api/victim_json.h"

namespace aegis::api {

using namespace aegis::domain;
using namespace aegis::services;

namespace {

Response JsonOk(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

template <typename T, typename Render>
Response Map(const StatusOr<T>& r, Render render, int ok = 200) {
  if (!r.ok()) return ProblemResponse(r.status());
  return JsonOk(ok, render(*r));
}

Json RenderSupport(const VictimSupportView& v) { return ToJson(v); }

// An optional body: absent or empty means {}.
StatusOr<Json> OptionalBody(const Request& req) {
  if (req.body.empty()) return Json::object();
  return ParseBody(req.body);
}

StatusOr<std::string> OptionalString(const Json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::string();
  if (!j.at(key).is_string()) return Status::InvalidArgument(key, "must be a string");
  return j.at(key).get<std::string>();
}

// Reads an integer query parameter within [min, max].
Status QueryInt(const std::map<std::string, std::string>& q, const char* key, int* out, int min,
                int max) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return Status::Ok();
  int v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max)
    return Status::InvalidArgument(key, "must be a whole number between " + std::to_string(min) +
                                            " and " + std::to_string(max));
  *out = v;
  return Status::Ok();
}

#define BODY_OR_PROBLEM(var, expr)                               \
  auto var##_or = (expr);                                        \
  if (!var##_or.ok()) return ProblemResponse(var##_or.status()); \
  const auto& var = *var##_or

}  // namespace

std::vector<ExtraRoute> VictimSupportRoutes() {
  std::vector<ExtraRoute> r;
  auto add = [&](std::string method, std::string path, bool auth,
                 std::function<Response(Services&, const RouteContext&)> h) {
    r.push_back({std::move(method), std::move(path), auth, std::move(h)});
  };

  // ---- the case page: interviews, preferences, consents, referrals, survivor codes
  add("GET", "cases/{id}/victim-support", true, [](Services& s, const RouteContext& ctx) {
    return Map(s.GetVictimSupport(ctx.principal, ctx.ids[0]), RenderSupport);
  });
  add("POST", "cases/{id}/interviews", true, [](Services& s, const RouteContext& ctx) {
    BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
    BODY_OR_PROBLEM(in, ParseInterviewInput(body));
    return Map(s.RecordInterview(ctx.principal, ctx.ids[0], in), RenderSupport, 201);
  });
  add("POST", "cases/{id}/interview-approvals", true, [](Services& s, const RouteContext& ctx) {
    BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
    if (!body.contains("person_id") || !body["person_id"].is_number_integer())
      return ProblemResponse(Status::InvalidArgument("person_id", "is required"));
    BODY_OR_PROBLEM(reason, OptionalString(body, "reason"));
    return Map(
        s.RequestFurtherInterview(ctx.principal, ctx.ids[0], body["person_id"].get<Id>(), reason),
        RenderSupport, 201);
  });
  add("POST", "cases/{id}/interview-approvals/{id}/decision", true,
      [](Services& s, const RouteContext& ctx) {
        BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
        if (!body.contains("approve") || !body["approve"].is_boolean())
          return ProblemResponse(Status::InvalidArgument("approve", "must be true or false"));
        BODY_OR_PROBLEM(note, OptionalString(body, "note"));
        return Map(s.DecideFurtherInterview(ctx.principal, ctx.ids[0], ctx.ids[1],
                                            body["approve"].get<bool>(), note),
                   RenderSupport);
      });
  add("GET", "cases/{id}/persons/{id}/contact-preferences", true,
      [](Services& s, const RouteContext& ctx) {
        return Map(s.GetContactPreferences(ctx.principal, ctx.ids[0], ctx.ids[1]),
                   [](const ContactPreferences& p) { return ToJson(p); });
      });
  add("PUT", "cases/{id}/persons/{id}/contact-preferences", true,
      [](Services& s, const RouteContext& ctx) {
        BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
        BODY_OR_PROBLEM(prefs, ParseContactPreferences(body));
        return Map(s.SetContactPreferences(ctx.principal, ctx.ids[0], ctx.ids[1], prefs),
                   RenderSupport);
      });
  add("POST", "cases/{id}/consents", true, [](Services& s, const RouteContext& ctx) {
    BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
    BODY_OR_PROBLEM(in, ParseConsentInput(body));
    return Map(s.RecordConsent(ctx.principal, ctx.ids[0], in), RenderSupport, 201);
  });
  add("POST", "cases/{id}/consents/{id}/withdraw", true, [](Services& s, const RouteContext& ctx) {
    BODY_OR_PROBLEM(body, OptionalBody(ctx.req));
    BODY_OR_PROBLEM(note, OptionalString(body, "note"));
    return Map(s.WithdrawConsent(ctx.principal, ctx.ids[0], ctx.ids[1], note), RenderSupport);
  });
  add("POST", "cases/{id}/referrals", true, [](Services& s, const RouteContext& ctx) {
    BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
    BODY_OR_PROBLEM(in, ParseReferralInput(body));
    return Map(s.CreateReferral(ctx.principal, ctx.ids[0], in), RenderSupport, 201);
  });
  add("POST", "cases/{id}/persons/{id}/survivor-code", true,
      [](Services& s, const RouteContext& ctx) {
        return Map(
            s.IssueSurvivorCode(ctx.principal, ctx.ids[0], ctx.ids[1]),
            [](const SurvivorCodeIssued& c) { return ToJson(c); }, 201);
      });
  add("POST", "cases/{id}/persons/{id}/survivor-code/revoke", true,
      [](Services& s, const RouteContext& ctx) {
        return Map(s.RevokeSurvivorCode(ctx.principal, ctx.ids[0], ctx.ids[1]), RenderSupport);
      });

  // ---- partner agencies
  add("GET", "referrals", true, [](Services& s, const RouteContext& ctx) {
    PartnerReferralListInput in;
    auto status = ctx.query.find("status");
    if (status != ctx.query.end() && !status->second.empty()) {
      if (status->second == "open") {
        in.open_only = true;
      } else {
        in.status = domain::Parse<ReferralStatus>(status->second);
        if (!in.status) {
          return ProblemResponse(Status::InvalidArgument(
              "status",
              "must be open, sent, accepted, in_progress, closed, declined or withdrawn"));
        }
      }
    }
    auto sort = ctx.query.find("sort");
    if (sort != ctx.query.end() && !sort->second.empty()) {
      if (sort->second != "due_at" && sort->second != "created_at" && sort->second != "updated_at")
        return ProblemResponse(
            Status::InvalidArgument("sort", "must be one of: due_at, created_at, updated_at"));
      in.page.sort = sort->second;
    }
    in.page.descending = false;
    auto order = ctx.query.find("order");
    if (order != ctx.query.end() && !order->second.empty()) {
      if (order->second != "asc" && order->second != "desc")
        return ProblemResponse(Status::InvalidArgument("order", "must be asc or desc"));
      in.page.descending = order->second == "desc";
    }
    for (Status st : {QueryInt(ctx.query, "limit", &in.page.limit, 1, 500),
                      QueryInt(ctx.query, "offset", &in.page.offset, 0, 100000000)}) {
      if (!st.ok()) return ProblemResponse(st);
    }
    return Map(s.ListPartnerReferrals(ctx.principal, in),
               [](const ListView<PartnerReferralView>& list) {
                 Json items = Json::array();
                 for (const auto& v : list.items) items.push_back(ToJson(v, false));
                 return Json{{"items", items},
                             {"total", list.total},
                             {"total_capped", list.total_capped},
                             {"limit", list.limit},
                             {"offset", list.offset}};
               });
  });
  add("GET", "referrals/{id}", true, [](Services& s, const RouteContext& ctx) {
    return Map(s.GetPartnerReferral(ctx.principal, ctx.ids[0]),
               [](const PartnerReferralView& v) { return ToJson(v, true); });
  });
  add("POST", "referrals/{id}/status", true, [](Services& s, const RouteContext& ctx) {
    BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
    BODY_OR_PROBLEM(in, ParseReferralStatusInput(body));
    return Map(s.UpdateReferralStatus(ctx.principal, ctx.ids[0], in),
               [](const PartnerReferralView& v) { return ToJson(v, true); });
  });

  // ---- the survivor status page (no sign-in)
  add("POST", "survivor/status", false, [](Services& s, const RouteContext& ctx) {
    BODY_OR_PROBLEM(body, ParseBody(ctx.req.body));
    for (const char* k : {"reference", "code"}) {
      if (!body.contains(k) || !body[k].is_string())
        return ProblemResponse(Status::InvalidArgument(k, "is required"));
    }
    UnixSeconds retry_after = 0;
    auto result = s.SurvivorStatus(body["reference"].get<std::string>(),
                                   body["code"].get<std::string>(), ctx.req.remote, &retry_after);
    if (!result.ok()) {
      Response res = ProblemResponse(result.status());
      if (result.status().code() == StatusCode::kResourceExhausted)
        res.headers.push_back({"Retry-After", std::to_string(retry_after)});
      return res;
    }
    return JsonOk(200, ToJson(*result));
  });
  return r;
}

#undef BODY_OR_PROBLEM

}  // namespace aegis::api
