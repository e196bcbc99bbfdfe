// Routes of case exports (issue 3, redaction): preview, confirm, list, download. BuildRoutes
// (api.cc) adds them like the victim-support routes; each handler parses, calls one service
// function and maps the result.
#pragma once

#include <vector>

#include "api/victim_routes.h"

namespace aegis::api {

std::vector<ExtraRoute> ExportRoutes();

}  // namespace aegis::api
