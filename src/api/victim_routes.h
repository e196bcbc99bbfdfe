// Routes of the victim-support API (issue 3: interviews, contact preferences, consented referrals,
// the partner agencies' view, the survivor status page). BuildRoutes (api.cc) adds them; each
// handler parses, calls one service function and maps the result, like every other route.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/api.h"

namespace aegis::api {

// What a victim-support handler gets from the dispatcher.
struct RouteContext {
  const Request& req;
  const std::map<std::string, std::string>& query;
  const std::vector<domain::Id>& ids;  // the {id} segments, in order
  const services::Principal& principal;
};

struct ExtraRoute {
  std::string method;
  std::string path;  // "cases/{id}/interviews"
  bool needs_auth = true;
  std::function<Response(services::Services&, const RouteContext&)> handler;
};

// The victim-support routes.
std::vector<ExtraRoute> VictimSupportRoutes();

}  // namespace aegis::api
