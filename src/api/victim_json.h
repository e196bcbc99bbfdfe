// JSON <-> victim-support service types. Parsing errors are InvalidArgument naming the JSON field.
#pragma once

#include "api/json_io.h"

namespace aegis::api {

StatusOr<services::InterviewInput> ParseInterviewInput(const Json& j);
StatusOr<services::ConsentInput> ParseConsentInput(const Json& j);
StatusOr<services::ReferralInput> ParseReferralInput(const Json& j);
StatusOr<services::ReferralStatusInput> ParseReferralStatusInput(const Json& j);
StatusOr<domain::ContactPreferences> ParseContactPreferences(const Json& j);

Json ToJson(const services::VictimSupportView& v);
Json ToJson(const domain::ContactPreferences& p);
// A referral as its agency sees it: no case, person or consent ids; contact only when present.
Json ToJson(const services::PartnerReferralView& v, bool with_history);
Json ToJson(const services::SurvivorStatusView& v);
Json ToJson(const services::SurvivorCodeIssued& c);

}  // namespace aegis::api
