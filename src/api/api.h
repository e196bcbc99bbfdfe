// The HTTP API as plain functions: a Request in, a Response out, no server involved. The RESTinio
// adapter in src/app feeds it; tests call it directly.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "services/services.h"

namespace aegis::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as received, e.g. "/api/v1/cases?stage=filed"
  std::string body;
  std::string content_type;
  std::string authorization;  // "Bearer ..." header value
  std::string cookie;         // Cookie header value
  std::string remote;         // client address
  std::string purpose;        // X-Aegis-Purpose header value (why the user is looking)
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

inline constexpr size_t kMaxBodyBytes = 1 << 20;  // 1 MiB; larger requests get 413

// One registered route, as the route table holds it (tests enumerate these; see
// authorization_matrix_test.cc, which must decide the access of every route).
struct RouteInfo {
  std::string method;  // "GET", "POST", ...
  std::string path;    // below /api/v1, e.g. "cases/{id}/persons/{id}/identity"
  bool needs_auth = true;
  bool enrolment_ok = false;  // reachable with an enrolment-only session
};

class Api {
 public:
  explicit Api(services::Services& services, std::string version = "0.0.0");
  ~Api();
  // Handles one request under /api/v1. Never throws.
  Response Handle(const Request& request);
  // Every registered route, in the order they are matched.
  std::vector<RouteInfo> RouteTable() const;

 private:
  struct Routes;
  Response Dispatch(const Request& request);
  services::Services& services_;
  std::string version_;
  std::unique_ptr<Routes> routes_;
};

// Maps a non-OK Status to an RFC 9457 problem+json response (the one place this happens).
Response ProblemResponse(const Status& status);

// The OpenAPI 3.1 description served at /api/v1/openapi.json.
const std::string& OpenApiDocument();

}  // namespace aegis::api
