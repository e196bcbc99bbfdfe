// Need-to-know access routes: case sensitivity labels, break-glass and its review, user alerts.
#include "api/routing.h"
#include "common/time.h"

namespace aegis::api::internal {

using namespace aegis::domain;
using namespace aegis::services;

namespace {

Json OptTime(const std::optional<UnixSeconds>& t) {
  return t ? Json(FormatIso8601(*t)) : Json(nullptr);
}

Json OptId(const std::optional<Id>& id) { return id ? Json(*id) : Json(nullptr); }

Json GrantJson(const BreakGlassView& v) {
  const storage::BreakGlassGrant& g = v.grant;
  return {{"id", g.id},
          {"case_id", g.case_id},
          {"case_reference", v.case_reference},
          {"user_id", g.user_id},
          {"user_name", v.user_name},
          {"user_unit_name", v.user_unit_name},
          {"reason", g.reason},
          {"granted_at", FormatIso8601(g.granted_at)},
          {"expires_at", FormatIso8601(g.expires_at)},
          {"reviewed_by", OptId(g.reviewed_by)},
          {"reviewer_name", v.reviewer_name},
          {"reviewed_at", OptTime(g.reviewed_at)},
          {"justified", g.justified ? Json(*g.justified) : Json(nullptr)},
          {"review_note", g.review_note}};
}

// Members of a JSON body: absent (or null) leaves the output untouched; a wrong type names the
// member.
Status ReadString(const Json& body, const char* name, std::string* out) {
  if (!body.contains(name) || body[name].is_null()) return Status::Ok();
  if (!body[name].is_string()) return Status::InvalidArgument(name, "must be a string");
  *out = body[name].get<std::string>();
  return Status::Ok();
}

Status ReadBool(const Json& body, const char* name, std::optional<bool>* out) {
  if (!body.contains(name) || body[name].is_null()) return Status::Ok();
  if (!body[name].is_boolean()) return Status::InvalidArgument(name, "must be true or false");
  *out = body[name].get<bool>();
  return Status::Ok();
}

Status ReadId(const Json& body, const char* name, std::optional<Id>* out) {
  if (!body.contains(name) || body[name].is_null()) return Status::Ok();
  if (!body[name].is_number_integer() || body[name].get<long long>() < 1)
    return Status::InvalidArgument(name, "must be a positive whole number");
  *out = body[name].get<long long>();
  return Status::Ok();
}

Status CheckMembers(const Json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const char* a : allowed) known |= key == a;
    if (!known) return Status::InvalidArgument(key.substr(0, 64), "is not a known member");
  }
  return Status::Ok();
}

StatusOr<SensitivityInput> ParseSensitivity(const Json& body) {
  SensitivityInput in;
  AEGIS_RETURN_IF_ERROR(CheckMembers(
      body, {"restricted", "sealed", "seal_reference", "restricted_sections", "reason"}));
  AEGIS_RETURN_IF_ERROR(ReadBool(body, "restricted", &in.restricted));
  AEGIS_RETURN_IF_ERROR(ReadBool(body, "sealed", &in.sealed));
  AEGIS_RETURN_IF_ERROR(ReadString(body, "seal_reference", &in.seal_reference));
  AEGIS_RETURN_IF_ERROR(ReadString(body, "reason", &in.reason));
  if (body.contains("restricted_sections") && !body["restricted_sections"].is_null()) {
    const Json& list = body["restricted_sections"];
    if (!list.is_array())
      return Status::InvalidArgument("restricted_sections", "must be an array of section names");
    std::vector<CaseSection> sections;
    for (const Json& item : list) {
      std::optional<CaseSection> s;
      if (item.is_string()) s = Parse<CaseSection>(item.get<std::string>());
      if (!s)
        return Status::InvalidArgument(
            "restricted_sections",
            "must name sections: persons, victim_support, actions, timeline");
      sections.push_back(*s);
    }
    in.restricted_sections = std::move(sections);
  }
  if (in.reason.empty()) return Status::InvalidArgument("reason", "is required");
  return in;
}

Status BoolQuery(const Query& q, const char* name, bool* out) {
  auto it = q.find(name);
  if (it == q.end()) return Status::Ok();
  if (it->second == "true" || it->second == "1") {
    *out = true;
  } else if (it->second == "false" || it->second == "0") {
    *out = false;
  } else {
    return Status::InvalidArgument(name, "must be true or false");
  }
  return Status::Ok();
}

Response NoContent() {
  Response res;
  res.status = 204;
  return res;
}

#define ACCESS_BODY(var)                                         \
  auto var##_or = ParseBody(ctx.req.body);                       \
  if (!var##_or.ok()) return ProblemResponse(var##_or.status()); \
  const Json& var = *var##_or

}  // namespace

void AddAccessRoutes(std::vector<Route>& r) {
  auto add = [&](std::string method, std::string path, Handler h) {
    r.push_back({std::move(method), Segments(path), true, std::move(h)});
  };
  add("POST", "cases/{id}/sensitivity", [](Services& s, Context& ctx) {
    ACCESS_BODY(body);
    auto in = ParseSensitivity(body);
    if (!in.ok()) return ProblemResponse(in.status());
    auto d = s.SetCaseSensitivity(ctx.principal, ctx.ids[0], *in);
    if (!d.ok()) return ProblemResponse(d.status());
    Response res;
    res.body = CaseDetailJson(*d);
    return res;
  });
  add("POST", "break-glass", [](Services& s, Context& ctx) {
    ACCESS_BODY(body);
    BreakGlassInput in;
    for (Status st :
         {CheckMembers(body, {"case_id", "reference", "reason"}),
          ReadId(body, "case_id", &in.case_id), ReadString(body, "reference", &in.reference),
          ReadString(body, "reason", &in.reason)}) {
      if (!st.ok()) return ProblemResponse(st);
    }
    auto v = s.BreakGlass(ctx.principal, in);
    if (!v.ok()) return ProblemResponse(v.status());
    return JsonResponse(201, GrantJson(*v));
  });
  add("GET", "break-glass", [](Services& s, Context& ctx) {
    bool unreviewed = false;
    if (Status st = BoolQuery(ctx.query, "unreviewed", &unreviewed); !st.ok())
      return ProblemResponse(st);
    auto list = s.ListBreakGlass(ctx.principal, unreviewed);
    if (!list.ok()) return ProblemResponse(list.status());
    Json items = Json::array();
    for (const auto& v : *list) items.push_back(GrantJson(v));
    return JsonResponse(200, {{"items", items}});
  });
  add("POST", "break-glass/{id}/review", [](Services& s, Context& ctx) {
    ACCESS_BODY(body);
    std::optional<bool> justified;
    std::string note;
    for (Status st : {CheckMembers(body, {"justified", "note"}),
                      ReadBool(body, "justified", &justified), ReadString(body, "note", &note)}) {
      if (!st.ok()) return ProblemResponse(st);
    }
    if (!justified) return ProblemResponse(Status::InvalidArgument("justified", "is required"));
    auto v = s.ReviewBreakGlass(ctx.principal, ctx.ids[0], *justified, note);
    if (!v.ok()) return ProblemResponse(v.status());
    return JsonResponse(200, GrantJson(*v));
  });
  add("GET", "alerts", [](Services& s, Context& ctx) {
    bool unread = false;
    if (Status st = BoolQuery(ctx.query, "unread", &unread); !st.ok()) return ProblemResponse(st);
    auto list = s.ListAlerts(ctx.principal, unread);
    if (!list.ok()) return ProblemResponse(list.status());
    Json items = Json::array();
    for (const auto& v : *list) items.push_back(ToJson(v));
    return JsonResponse(200, {{"items", items}});
  });
  add("POST", "alerts/{id}/read", [](Services& s, Context& ctx) {
    Status st = s.MarkAlertRead(ctx.principal, ctx.ids[0]);
    if (!st.ok()) return ProblemResponse(st);
    return NoContent();
  });
}

#undef ACCESS_BODY

}  // namespace aegis::api::internal
