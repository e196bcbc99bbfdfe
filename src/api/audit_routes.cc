#include "api/audit_routes.h"

#include <charconv>

#include "api/json_io.h"
#include "services/audit_chain.h"

namespace aegis::api {
namespace {

using Query = std::map<std::string, std::string>;

// An empty value counts as not given, as for every other list route.
const std::string* Get(const Query& q, const std::string& k) {
  auto it = q.find(k);
  return it == q.end() || it->second.empty() ? nullptr : &it->second;
}

Status Int(const Query& q, const std::string& k, std::optional<long long>* out, long long min,
           long long max) {
  const std::string* v = Get(q, k);
  if (!v) return Status::Ok();
  long long x = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || p != v->data() + v->size())
    return Status::InvalidArgument(k, "must be a whole number");
  if (x < min || x > max)
    return Status::InvalidArgument(
        k, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  *out = x;
  return Status::Ok();
}

Status Bool(const Query& q, const std::string& k, std::optional<bool>* out) {
  const std::string* v = Get(q, k);
  if (!v) return Status::Ok();
  if (*v == "true" || *v == "1")
    *out = true;
  else if (*v == "false" || *v == "0")
    *out = false;
  else
    return Status::InvalidArgument(k, "must be true or false");
  return Status::Ok();
}

Status Time(const Query& q, const std::string& k, std::optional<UnixSeconds>* out) {
  const std::string* v = Get(q, k);
  if (!v) return Status::Ok();
  auto t = v->size() <= 40 ? ParseIso8601(*v) : std::nullopt;
  if (!t) return Status::InvalidArgument(k, "must be an ISO 8601 date or time");
  *out = t;
  return Status::Ok();
}

Status Word(const Query& q, const std::string& k, std::string* out) {
  const std::string* v = Get(q, k);
  if (!v) return Status::Ok();
  if (v->size() > 64) return Status::InvalidArgument(k, "must be at most 64 characters");
  *out = *v;
  return Status::Ok();
}

Json AuditJson(const services::AuditView& v) {
  const storage::AuditRecord& r = v.entry.record;
  Json detail = Json::parse(r.detail, nullptr, false);
  if (detail.is_discarded()) detail = Json::object();
  auto opt = [](const std::optional<domain::Id>& id) { return id ? Json(*id) : Json(nullptr); };
  return {{"seq", v.entry.seq},
          {"at", FormatIso8601(r.at)},
          {"user_id", opt(r.user_id)},
          {"user_name", v.user_name},
          {"user_unit_id", opt(v.user_unit_id)},
          {"user_unit_name", v.user_unit_name},
          {"action", r.action},
          {"object_type", r.object_type},
          {"object_id", opt(r.object_id)},
          {"object_unit_id", opt(v.object_unit_id)},
          {"outside_unit", v.outside_unit},
          {"allowed", r.allowed},
          {"purpose", r.purpose},
          {"remote", r.remote},
          {"detail", detail},
          {"hash", services::ToHex(v.entry.hash)}};
}

}  // namespace

Response HandleAuditSearch(services::Services& s, const services::Principal& p,
                           const Query& query) {
  services::AuditSearchInput in;
  std::optional<long long> user_id, object_id, limit, offset;
  std::optional<bool> outside;
  for (Status st :
       {Int(query, "user_id", &user_id, 1, INT64_MAX), Word(query, "object_type", &in.object_type),
        Int(query, "object_id", &object_id, 1, INT64_MAX), Word(query, "action", &in.action),
        Bool(query, "allowed", &in.allowed), Time(query, "since", &in.since),
        Time(query, "until", &in.until), Bool(query, "outside_unit", &outside),
        Int(query, "limit", &limit, 1, 500), Int(query, "offset", &offset, 0, 100000000)}) {
    if (!st.ok()) return ProblemResponse(st);
  }
  if (const std::string* o = Get(query, "order")) {
    if (*o != "asc" && *o != "desc")
      return ProblemResponse(Status::InvalidArgument("order", "must be asc or desc"));
    in.page.descending = *o == "desc";
  }
  in.user_id = user_id;
  in.object_id = object_id;
  in.outside_unit = outside.value_or(false);
  in.page.limit = static_cast<int>(limit.value_or(50));
  in.page.offset = static_cast<int>(offset.value_or(0));
  auto result = s.SearchAudit(p, in);
  if (!result.ok()) return ProblemResponse(result.status());
  Json items = Json::array();
  for (const auto& v : result->items) items.push_back(AuditJson(v));
  Response res;
  res.body = Json{{"items", items},
                  {"total", result->total},
                  {"total_capped", result->total_capped},
                  {"limit", result->limit},
                  {"offset", result->offset}}
                 .dump(-1, ' ', false, Json::error_handler_t::replace);
  return res;
}

}  // namespace aegis::api
