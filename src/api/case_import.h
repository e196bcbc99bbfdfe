// Reads case records for bulk import from newline-delimited JSON (one object per line), with
// simdjson: imports of millions of historic records must not be bound by JSON parsing.
#pragma once

#include <string_view>
#include <vector>

#include "services/services.h"

namespace aegis::api {

// Parses NDJSON case records. Members: reference, unit_code, title, summary, stage, filed_at,
// offence_time, place, latitude, longitude, youngest_victim_age, victim_count, offender_count,
// duty_of_care, weapon, serious_injury, online_dating, linked_series, repeat_offender, solved_at,
// closed_at, lead_investigator (username), historic, reopened. Errors name the line and member.
StatusOr<std::vector<services::CaseImportRow>> ParseCaseNdjson(std::string_view text);

}  // namespace aegis::api
