// The audit routes, kept apart from api.cc so that the audit feature stays in its own files.
#pragma once

#include <map>
#include <string>

#include "api/api.h"

namespace aegis::api {

// GET /api/v1/audit: parses the query (errors name the parameter), calls Services::SearchAudit and
// renders the page of audit records.
Response HandleAuditSearch(services::Services& s, const services::Principal& p,
                           const std::map<std::string, std::string>& query);

}  // namespace aegis::api
