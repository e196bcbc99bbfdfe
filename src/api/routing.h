// Route plumbing shared by the files that add API routes: api.cc (the route table and dispatch)
// and the *_routes.cc files, each of which adds one area's routes.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/api.h"
#include "api/json_io.h"

namespace aegis::api::internal {

inline constexpr std::string_view kCookieName = "aegis_session";

using Query = std::map<std::string, std::string>;

// What a handler gets: the request, its query, the {id} and {key} path segments and the caller.
struct Context {
  const Request& req;
  const Query& query;
  std::vector<domain::Id> ids;     // the {id} segments, in order
  std::vector<std::string> words;  // the {key} segments, in order
  services::Principal principal;
};

using Handler = std::function<Response(services::Services&, Context&)>;

// A route: method, pattern segments ("{id}" matches a positive integer, "{key}" a word), handler.
struct Route {
  std::string method;
  std::vector<std::string> pattern;
  bool needs_auth;
  Handler handler;
  // Reachable with an enrolment-only session (a second factor is required but not enrolled yet).
  bool enrolment_ok = false;
};

// A JSON response with `status`.
Response JsonResponse(int status, const Json& body);
// A problem response for `status` whose `code` member is `code` (a more specific kind of the
// status's problem, e.g. "totp_required" for a 401).
Response ProblemWithCode(const Status& status, std::string_view code);
// Percent-decoding of a URL component ('+' is a space).
std::string UrlDecode(std::string_view s);
// The session token from "Authorization: Bearer" or the session cookie; empty when none.
std::string TokenFrom(const Request& req);
// Path segments, decoded; empty segments are skipped.
std::vector<std::string> Segments(std::string_view path);

// Adds the sign-in and account-security routes (auth_routes.cc).
void AddAuthRoutes(std::vector<Route>& routes);
// Adds the need-to-know routes: sensitivity, break-glass, alerts (access_routes.cc).
void AddAccessRoutes(std::vector<Route>& routes);

}  // namespace aegis::api::internal
