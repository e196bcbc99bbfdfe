// JSON <-> service types for the API. Parsing errors are InvalidArgument naming the JSON field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "services/services.h"

namespace aegis::api {

using Json = nlohmann::json;

// Parses a request body that must be a JSON object.
StatusOr<Json> ParseBody(const std::string& body);

StatusOr<services::ClueInput> ParseClueInput(const Json& j);
StatusOr<services::DecisionInput> ParseDecision(const Json& j);
StatusOr<services::PersonInput> ParsePersonInput(const Json& j);
StatusOr<services::TransitionInput> ParseTransition(const Json& j);
StatusOr<services::ActionInput> ParseActionInput(const Json& j);
StatusOr<services::ActionPatch> ParseActionPatch(const Json& j);
StatusOr<services::TeamInput> ParseTeam(const Json& j);

// Serialised directly (the hot read paths).
std::string CaseSummaryJson(const services::CaseSummaryView& v);
std::string CaseDetailJson(const services::CaseDetailView& v);
std::string CaseListJson(const services::ListView<services::CaseSummaryView>& list);

Json ToJson(const domain::User& u, const domain::Unit& unit);
Json ToJson(const domain::Unit& u);
Json ToJson(const services::ClueView& v, bool full);
Json ToJson(const services::CaseSummaryView& v);
Json ToJson(const services::CaseDetailView& v);
Json ToJson(const services::ActionView& v);
Json ToJson(const services::AssistanceView& v);
Json ToJson(const services::WorklistView& v);
Json ToJson(const services::BoardView& v);
Json ToJson(const services::DashboardView& v);
Json ToJson(const domain::Identity& i);
Json ToJson(const domain::Campaign& c);
Json ToJson(const storage::CountFigures& f);
Json FactsToJson(const domain::OffenceFacts& f);
Json MetaJson(const services::Services& s);
// Stalled referrals for the work list (victim_json.cc).
Json ReferralAlertsJson(const std::vector<services::ReferralAlertView>& alerts);
// A user alert, as listed by GET /alerts and on the work list.
Json ToJson(const services::AlertView& v);

}  // namespace aegis::api
