#include "api/api.h"

#include <charconv>
#include <functional>
#include <map>

#include "api/audit_routes.h"
#include "api/export_routes.h"
#include "api/json_io.h"
#include "api/routing.h"
#include "api/victim_routes.h"

namespace aegis::api {

using namespace aegis::domain;
using namespace aegis::services;

namespace {

using namespace internal;

constexpr std::string_view kPrefix = "/api/v1";

int HttpStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kPayloadTooLarge:
      return 413;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

const char* Title(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return "Invalid input";
    case StatusCode::kUnauthenticated:
      return "Sign-in required";
    case StatusCode::kPermissionDenied:
      return "Not allowed";
    case StatusCode::kNotFound:
      return "Not found";
    case StatusCode::kConflict:
      return "Conflict with the current state";
    case StatusCode::kPayloadTooLarge:
      return "Request too large";
    case StatusCode::kResourceExhausted:
      return "Too many requests";
    case StatusCode::kUnavailable:
      return "Temporarily unavailable";
    default:
      return "Internal error";
  }
}

Query ParseQuery(std::string_view q) {
  Query out;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    const size_t eq = part.find('=');
    if (!part.empty()) {
      out[UrlDecode(part.substr(0, eq))] =
          eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

// Query-string readers: each error names the parameter.
class Params {
 public:
  explicit Params(const Query& q) : q_(q) {}
  const std::string* Get(const std::string& k) const {
    auto it = q_.find(k);
    return it == q_.end() || it->second.empty() ? nullptr : &it->second;
  }
  Status Int(const std::string& k, std::optional<long long>* out, long long min,
             long long max) const {
    const std::string* v = Get(k);
    if (!v) return Status::Ok();
    long long x = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    if (ec != std::errc() || p != v->data() + v->size())
      return Status::InvalidArgument(k, "must be a whole number");
    if (x < min || x > max) {
      return Status::InvalidArgument(
          k, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = x;
    return Status::Ok();
  }
  Status Bool(const std::string& k, std::optional<bool>* out) const {
    const std::string* v = Get(k);
    if (!v) return Status::Ok();
    if (*v == "true" || *v == "1")
      *out = true;
    else if (*v == "false" || *v == "0")
      *out = false;
    else
      return Status::InvalidArgument(k, "must be true or false");
    return Status::Ok();
  }
  template <typename E>
  Status Enum(const std::string& k, std::optional<E>* out) const {
    const std::string* v = Get(k);
    if (!v) return Status::Ok();
    auto e = domain::Parse<E>(*v);
    if (!e) {
      std::string allowed;
      for (E x : domain::AllValues<E>())
        allowed += (allowed.empty() ? "" : ", ") + std::string(ToString(x));
      return Status::InvalidArgument(k, "must be one of: " + allowed);
    }
    *out = e;
    return Status::Ok();
  }
  Status Page(storage::Page* page, std::initializer_list<const char*> sorts) const {
    std::optional<long long> limit, offset;
    AEGIS_RETURN_IF_ERROR(Int("limit", &limit, 1, 500));
    AEGIS_RETURN_IF_ERROR(Int("offset", &offset, 0, 100000000));
    page->limit = static_cast<int>(limit.value_or(50));
    page->offset = static_cast<int>(offset.value_or(0));
    if (const std::string* s = Get("sort")) {
      bool known = false;
      std::string allowed;
      for (const char* k : sorts) {
        known |= *s == k;
        allowed += (allowed.empty() ? "" : ", ") + std::string(k);
      }
      if (!known) return Status::InvalidArgument("sort", "must be one of: " + allowed);
      page->sort = *s;
    }
    if (const std::string* o = Get("order")) {
      if (*o != "asc" && *o != "desc")
        return Status::InvalidArgument("order", "must be asc or desc");
      page->descending = *o == "desc";
    }
    return Status::Ok();
  }
  Status Text(const std::string& k, std::string* out) const {
    const std::string* v = Get(k);
    if (!v) return Status::Ok();
    if (v->size() > 200) return Status::InvalidArgument(k, "must be at most 200 characters");
    *out = *v;
    return Status::Ok();
  }

 private:
  const Query& q_;
};

template <typename T>
Json ListJson(const ListView<T>& list, const std::function<Json(const T&)>& item) {
  Json items = Json::array();
  for (const auto& x : list.items) items.push_back(item(x));
  return {{"items", items},
          {"total", list.total},
          {"total_capped", list.total_capped},
          {"limit", list.limit},
          {"offset", list.offset}};
}

// Parses a positive id path segment.
std::optional<Id> ParseId(const std::string& s) {
  Id v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

template <typename T>
Response Map(const StatusOr<T>& r, const std::function<Json(const T&)>& render, int ok = 200) {
  if (!r.ok()) return ProblemResponse(r.status());
  return JsonResponse(ok, render(*r));
}

#define PARSE_BODY(var)                                          \
  auto var##_or = ParseBody(ctx.req.body);                       \
  if (!var##_or.ok()) return ProblemResponse(var##_or.status()); \
  const Json& var = *var##_or

#define PARSE_INPUT(type, var, fn, json)                         \
  auto var##_or = fn(json);                                      \
  if (!var##_or.ok()) return ProblemResponse(var##_or.status()); \
  const type& var = *var##_or

// Like Map, for results already serialised to JSON text.
template <typename T>
Response MapText(const StatusOr<T>& r, const std::function<std::string(const T&)>& render,
                 int ok = 200) {
  if (!r.ok()) return ProblemResponse(r.status());
  Response res;
  res.status = ok;
  res.body = render(*r);
  return res;
}

Response CaseResponse(const StatusOr<CaseDetailView>& r, int ok = 200) {
  return MapText<CaseDetailView>(
      r, [](const CaseDetailView& d) { return CaseDetailJson(d); }, ok);
}

std::vector<Route> BuildRoutes(const std::string& version) {
  std::vector<Route> r;
  auto add = [&](std::string method, std::string path, bool auth, Handler h) {
    r.push_back({std::move(method), Segments(path), auth, std::move(h)});
  };

  add("GET", "health", false, [version](Services& s, Context&) {
    return JsonResponse(200, {{"status", "ok"}, {"version", version}, {"store", s.store().Kind()}});
  });
  add("GET", "openapi.json", false, [](Services&, Context&) {
    Response res;
    res.body = OpenApiDocument();
    return res;
  });
  AddAuthRoutes(r);
  add("GET", "meta", true, [](Services& s, Context&) { return JsonResponse(200, MetaJson(s)); });
  add("GET", "units", true, [](Services& s, Context& ctx) {
    return Map<std::vector<Unit>>(s.ListUnits(ctx.principal), [](const auto& units) {
      Json items = Json::array();
      for (const auto& u : units) items.push_back(ToJson(u));
      return Json{{"items", items}};
    });
  });
  add("GET", "users", true, [](Services& s, Context& ctx) {
    Params p(ctx.query);
    std::optional<long long> unit_id;
    std::optional<Role> role;
    if (Status st = p.Int("unit_id", &unit_id, 1, INT64_MAX); !st.ok()) return ProblemResponse(st);
    if (Status st = p.Enum("role", &role); !st.ok()) return ProblemResponse(st);
    return Map<std::vector<User>>(s.ListUsers(ctx.principal, unit_id, role), [](const auto& users) {
      Json items = Json::array();
      for (const auto& u : users) {
        items.push_back({{"id", u.id},
                         {"username", u.username},
                         {"display_name", u.display_name},
                         {"role", ToString(u.role)},
                         {"unit_id", u.unit_id}});
      }
      return Json{{"items", items}};
    });
  });
  add("GET", "campaigns", true, [](Services& s, Context& ctx) {
    return Map<std::vector<Campaign>>(s.ListCampaigns(ctx.principal), [](const auto& list) {
      Json items = Json::array();
      for (const auto& c : list) items.push_back(ToJson(c));
      return Json{{"items", items}};
    });
  });

  // ---- clues
  add("GET", "clues", true, [](Services& s, Context& ctx) {
    Params p(ctx.query);
    ClueListInput in;
    std::optional<long long> unit_id, assigned_to;
    std::optional<DeadlineState> state;
    for (Status st : {p.Enum("status", &in.status), p.Enum("track", &in.track),
                      p.Int("unit_id", &unit_id, 1, INT64_MAX),
                      p.Int("assigned_to", &assigned_to, 1, INT64_MAX), p.Text("q", &in.text),
                      p.Page(&in.page, {"received_at", "review_deadline", "reference"})}) {
      if (!st.ok()) return ProblemResponse(st);
    }
    if (const std::string* d = p.Get("deadline_state")) {
      if (*d == "overdue")
        state = DeadlineState::kOverdue;
      else if (*d == "due_soon")
        state = DeadlineState::kDueSoon;
      else if (*d == "on_time")
        state = DeadlineState::kOnTime;
      else
        return ProblemResponse(Status::InvalidArgument(
            "deadline_state", "must be one of: on_time, due_soon, overdue"));
    }
    in.deadline_state = state;
    in.unit_id = unit_id;
    in.assigned_to = assigned_to;
    return Map<ListView<ClueView>>(s.ListClues(ctx.principal, in), [](const auto& list) {
      return ListJson<ClueView>(list, [](const ClueView& v) { return ToJson(v, false); });
    });
  });
  add("POST", "clues", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(ClueInput, in, ParseClueInput, body);
    std::vector<DuplicateView> dups;
    auto result = s.CreateClue(ctx.principal, in, &dups);
    if (!result.ok() && result.status().field() == "possible_duplicate") {
      Response res = ProblemResponse(Status::Conflict(result.status().message()));
      Json problem = Json::parse(res.body);
      problem["code"] = "possible_duplicate";
      Json list = Json::array();
      for (const auto& d : dups)
        list.push_back({{"id", d.id}, {"reference", d.reference}, {"reason", d.reason}});
      problem["duplicates"] = list;
      res.body = problem.dump();
      return res;
    }
    return Map<ClueView>(
        result, [](const ClueView& v) { return ToJson(v, true); }, 201);
  });
  add("POST", "clues/check-duplicates", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(ClueInput, in, ParseClueInput, body);
    return Map<std::vector<DuplicateView>>(s.CheckDuplicates(ctx.principal, in), [](const auto& d) {
      Json list = Json::array();
      for (const auto& x : d)
        list.push_back({{"id", x.id}, {"reference", x.reference}, {"reason", x.reason}});
      return Json{{"duplicates", list}};
    });
  });
  add("GET", "clues/{id}", true, [](Services& s, Context& ctx) {
    return Map<ClueView>(s.GetClue(ctx.principal, ctx.ids[0]),
                         [](const ClueView& v) { return ToJson(v, true); });
  });
  add("POST", "clues/{id}/track", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    std::optional<ReviewTrack> track;
    if (body.contains("track") && body["track"].is_string())
      track = domain::Parse<ReviewTrack>(body["track"].get<std::string>());
    if (!track)
      return ProblemResponse(Status::InvalidArgument(
          "track", "must be one of: standard, verification, major_complex"));
    std::string reason = body.contains("reason") && body["reason"].is_string()
                             ? body["reason"].get<std::string>()
                             : "";
    return Map<ClueView>(s.ChangeTrack(ctx.principal, ctx.ids[0], *track, reason),
                         [](const ClueView& v) { return ToJson(v, true); });
  });
  add("POST", "clues/{id}/decision", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(DecisionInput, in, ParseDecision, body);
    using Result = std::pair<ClueView, std::optional<CaseSummaryView>>;
    return Map<Result>(s.Decide(ctx.principal, ctx.ids[0], in), [](const Result& r) {
      Json j = {{"clue", ToJson(r.first, true)}};
      if (r.second) j["case"] = ToJson(*r.second);
      return j;
    });
  });

  // ---- cases
  add("GET", "cases", true, [](Services& s, Context& ctx) {
    Params p(ctx.query);
    CaseListInput in;
    std::optional<long long> unit_id;
    for (Status st : {p.Enum("stage", &in.stage), p.Bool("major", &in.major),
                      p.Bool("historic", &in.historic), p.Bool("overdue", &in.overdue),
                      p.Int("unit_id", &unit_id, 1, INT64_MAX), p.Text("q", &in.text),
                      p.Page(&in.page, {"filed_at", "priority", "updated_at", "reference",
                                        "stage_deadline"})}) {
      if (!st.ok()) return ProblemResponse(st);
    }
    in.unit_id = unit_id;
    return MapText<ListView<CaseSummaryView>>(
        s.ListCases(ctx.principal, in),
        [](const ListView<CaseSummaryView>& list) { return CaseListJson(list); });
  });
  add("GET", "cases/{id}", true,
      [](Services& s, Context& ctx) { return CaseResponse(s.GetCase(ctx.principal, ctx.ids[0])); });
  add("POST", "cases/{id}/transitions", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(TransitionInput, in, ParseTransition, body);
    return CaseResponse(s.Transition(ctx.principal, ctx.ids[0], in));
  });
  add("PUT", "cases/{id}/checklist/{key}", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    if (!body.contains("done") || !body["done"].is_boolean())
      return ProblemResponse(Status::InvalidArgument("done", "must be true or false"));
    return CaseResponse(
        s.SetChecklist(ctx.principal, ctx.ids[0], ctx.words[0], body["done"].get<bool>()));
  });
  add("POST", "cases/{id}/persons", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(PersonInput, in, ParsePersonInput, body);
    return CaseResponse(s.AddPerson(ctx.principal, ctx.ids[0], in), 201);
  });
  add("GET", "cases/{id}/persons/{id}/identity", true, [](Services& s, Context& ctx) {
    return Map<Identity>(s.RevealIdentity(ctx.principal, ctx.ids[0], ctx.ids[1]),
                         [](const Identity& i) { return ToJson(i); });
  });
  add("POST", "cases/{id}/actions", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(ActionInput, in, ParseActionInput, body);
    return CaseResponse(s.AddAction(ctx.principal, ctx.ids[0], in), 201);
  });
  add("PATCH", "cases/{id}/actions/{id}", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(ActionPatch, in, ParseActionPatch, body);
    return CaseResponse(s.UpdateAction(ctx.principal, ctx.ids[0], ctx.ids[1], in));
  });
  add("PUT", "cases/{id}/team", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    PARSE_INPUT(TeamInput, in, ParseTeam, body);
    return CaseResponse(s.SetTeam(ctx.principal, ctx.ids[0], in));
  });
  add("POST", "cases/{id}/assistance", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    if (!body.contains("to_unit_id") || !body["to_unit_id"].is_number_integer())
      return ProblemResponse(Status::InvalidArgument("to_unit_id", "is required"));
    std::string request = body.contains("request") && body["request"].is_string()
                              ? body["request"].get<std::string>()
                              : "";
    return CaseResponse(
        s.RequestAssistance(ctx.principal, ctx.ids[0], body["to_unit_id"].get<Id>(), request), 201);
  });
  add("POST", "assistance/{id}/answer", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    if (!body.contains("accept") || !body["accept"].is_boolean())
      return ProblemResponse(Status::InvalidArgument("accept", "must be true or false"));
    std::string response = body.contains("response") && body["response"].is_string()
                               ? body["response"].get<std::string>()
                               : "";
    return Map<AssistanceView>(
        s.AnswerAssistance(ctx.principal, ctx.ids[0], body["accept"].get<bool>(), response),
        [](const AssistanceView& v) { return ToJson(v); });
  });
  add("POST", "cases/{id}/shares", true, [](Services& s, Context& ctx) {
    PARSE_BODY(body);
    if (!body.contains("unit_id") || !body["unit_id"].is_number_integer())
      return ProblemResponse(Status::InvalidArgument("unit_id", "is required"));
    return CaseResponse(s.ShareCase(ctx.principal, ctx.ids[0], body["unit_id"].get<Id>()), 201);
  });

  // ---- work
  add("GET", "worklist", true, [](Services& s, Context& ctx) {
    return Map<WorklistView>(s.Worklist(ctx.principal),
                             [](const WorklistView& w) { return ToJson(w); });
  });
  add("GET", "board", true, [](Services& s, Context& ctx) {
    return Map<BoardView>(s.Board(ctx.principal), [](const BoardView& b) { return ToJson(b); });
  });
  add("GET", "dashboard", true, [](Services& s, Context& ctx) {
    Params p(ctx.query);
    std::optional<long long> campaign_id, unit_id;
    for (Status st : {p.Int("campaign_id", &campaign_id, 1, INT64_MAX),
                      p.Int("unit_id", &unit_id, 1, INT64_MAX)}) {
      if (!st.ok()) return ProblemResponse(st);
    }
    return Map<DashboardView>(s.Dashboard(ctx.principal, campaign_id, unit_id),
                              [](const DashboardView& d) { return ToJson(d); });
  });
  add("GET", "audit", true,
      [](Services& s, Context& ctx) { return HandleAuditSearch(s, ctx.principal, ctx.query); });

  // ---- need-to-know access (access_routes.cc)
  AddAccessRoutes(r);

  // ---- victim support (victim_routes.cc) and case exports (export_routes.cc)
  std::vector<ExtraRoute> extra = VictimSupportRoutes();
  for (auto& e : ExportRoutes()) extra.push_back(std::move(e));
  for (auto& v : extra) {
    add(v.method, v.path, v.needs_auth, [h = std::move(v.handler)](Services& s, Context& ctx) {
      return h(s, RouteContext{ctx.req, ctx.query, ctx.ids, ctx.principal});
    });
  }
  return r;
}

#undef PARSE_BODY
#undef PARSE_INPUT

}  // namespace

Response ProblemResponse(const Status& status) {
  const int code = HttpStatus(status.code());
  Json body = {
      {"type", "https://aegis.invalid/problems/" + std::string(StatusCodeName(status.code()))},
      {"title", Title(status.code())},
      {"status", code},
      {"code", StatusCodeName(status.code())}};
  // Internal errors are not described to the client (they may carry storage details).
  body["detail"] = status.code() == StatusCode::kInternal
                       ? "an internal error occurred; it has been logged"
                       : status.message();
  if (!status.field().empty() && status.code() != StatusCode::kInternal)
    body["field"] = status.field();
  Response r = JsonResponse(code, body);
  r.content_type = "application/problem+json";
  if (code == 401) r.headers.push_back({"WWW-Authenticate", "Bearer"});
  return r;
}

struct Api::Routes {
  std::vector<Route> list;
};

Api::Api(Services& services, std::string version)
    : services_(services),
      version_(std::move(version)),
      routes_(std::make_unique<Routes>(Routes{BuildRoutes(version_)})) {}

Api::~Api() = default;

std::vector<RouteInfo> Api::RouteTable() const {
  std::vector<RouteInfo> out;
  for (const Route& route : routes_->list) {
    std::string path;
    for (const std::string& seg : route.pattern) path += (path.empty() ? "" : "/") + seg;
    out.push_back({route.method, path, route.needs_auth, route.enrolment_ok});
  }
  return out;
}

Response Api::Handle(const Request& req) {
  Response res = Dispatch(req);
  // Case data must never sit in a browser or proxy cache.
  res.headers.push_back({"Cache-Control", "no-store"});
  return res;
}

Response Api::Dispatch(const Request& req) {
  const std::vector<Route>& kRoutes = routes_->list;
  try {
    if (req.body.size() > kMaxBodyBytes)
      return ProblemResponse(Status(StatusCode::kPayloadTooLarge, "request body exceeds 1 MiB"));
    std::string_view target = req.target;
    const size_t qpos = target.find('?');
    std::string_view path = target.substr(0, qpos);
    const Query query = ParseQuery(qpos == std::string_view::npos ? "" : target.substr(qpos + 1));
    if (path.substr(0, kPrefix.size()) != kPrefix ||
        (path.size() > kPrefix.size() && path[kPrefix.size()] != '/'))
      return ProblemResponse(Status::NotFound("no such API route"));
    const std::vector<std::string> segs = Segments(path.substr(kPrefix.size()));
    bool path_matched = false;
    for (const Route& route : kRoutes) {
      if (route.pattern.size() != segs.size()) continue;
      Context ctx{req, query, {}, {}, {}};
      bool match = true;
      for (size_t i = 0; i < segs.size() && match; ++i) {
        const std::string& pat = route.pattern[i];
        if (pat == "{id}") {
          auto id = ParseId(segs[i]);
          if (!id)
            match = false;
          else
            ctx.ids.push_back(*id);
        } else if (pat == "{key}") {
          if (segs[i].empty() || segs[i].size() > 64)
            match = false;
          else
            ctx.words.push_back(segs[i]);
        } else if (pat != segs[i]) {
          match = false;
        }
      }
      if (!match) continue;
      path_matched = true;
      if (route.method != req.method) continue;
      if (route.needs_auth) {
        auto principal = services_.Authenticate(TokenFrom(req), req.remote);
        if (!principal.ok()) return ProblemResponse(principal.status());
        ctx.principal = std::move(principal).value();
        if (ctx.principal.enrolment_only && !route.enrolment_ok) {
          return ProblemWithCode(
              Status::PermissionDenied("set up the second factor (TOTP) before anything else"),
              "totp_enrolment_required");
        }
        if (!req.purpose.empty()) {
          if (Status st = services_.StatePurpose(ctx.principal, req.purpose); !st.ok())
            return ProblemResponse(st);
        }
      }
      if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
          !req.body.empty() && req.content_type.rfind("application/json", 0) != 0) {
        return ProblemResponse(Status::InvalidArgument("Content-Type", "must be application/json"));
      }
      return route.handler(services_, ctx);
    }
    if (path_matched) {
      Json problem = {{"type", "https://aegis.invalid/problems/method_not_allowed"},
                      {"title", "Method not allowed"},
                      {"status", 405},
                      {"code", "method_not_allowed"},
                      {"detail", req.method.substr(0, 16) + " is not allowed on this route"}};
      Response r = JsonResponse(405, problem);
      r.content_type = "application/problem+json";
      return r;
    }
    return ProblemResponse(Status::NotFound("no such API route"));
  } catch (const std::exception& e) {
    return ProblemResponse(Status::Internal(e.what()));
  }
}

}  // namespace aegis::api
