#include "api/export_routes.h"

#include "api/export_json.h"

namespace aegis::api {

using namespace aegis::services;

namespace {

Response JsonOk(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

// Parses the body of a preview or confirmation; the problem response on failure.
StatusOr<ExportRequest> RequestFrom(const RouteContext& ctx) {
  AEGIS_ASSIGN_OR_RETURN(Json body, ParseBody(ctx.req.body));
  return ParseExportRequest(body);
}

}  // namespace

std::vector<ExtraRoute> ExportRoutes() {
  std::vector<ExtraRoute> r;
  r.push_back(
      {"POST", "cases/{id}/exports/preview", true, [](Services& s, const RouteContext& ctx) {
         auto in = RequestFrom(ctx);
         if (!in.ok()) return ProblemResponse(in.status());
         auto preview = s.PreviewExport(ctx.principal, ctx.ids[0], *in);
         if (!preview.ok()) return ProblemResponse(preview.status());
         return JsonOk(200, ToJson(*preview));
       }});
  r.push_back({"POST", "cases/{id}/exports", true, [](Services& s, const RouteContext& ctx) {
                 auto in = RequestFrom(ctx);
                 if (!in.ok()) return ProblemResponse(in.status());
                 auto created = s.CreateExport(ctx.principal, ctx.ids[0], *in);
                 if (!created.ok()) return ProblemResponse(created.status());
                 return JsonOk(201, ToJson(*created, true));
               }});
  r.push_back({"GET", "cases/{id}/exports", true, [](Services& s, const RouteContext& ctx) {
                 auto list = s.ListExports(ctx.principal, ctx.ids[0]);
                 if (!list.ok()) return ProblemResponse(list.status());
                 Json items = Json::array();
                 for (const auto& v : *list) items.push_back(ToJson(v, false));
                 return JsonOk(200, {{"items", items}});
               }});
  r.push_back({"GET", "exports/{id}", true, [](Services& s, const RouteContext& ctx) {
                 auto view = s.GetExport(ctx.principal, ctx.ids[0]);
                 if (!view.ok()) return ProblemResponse(view.status());
                 return JsonOk(200, ToJson(*view, true));
               }});
  return r;
}

}  // namespace aegis::api
