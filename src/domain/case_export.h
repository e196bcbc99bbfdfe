// Exports of a case file for readers outside the case team (issue 3, redaction): who it is for.
// The redaction itself is the redaction engine's (src/engines/redaction); the flow (preview,
// confirmation, storage, audit) is the services'.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "domain/model.h"

namespace aegis::domain {

// The audience an export is made for. Stable wire/storage names via ToString / Parse / AllValues.
enum class ExportAudience {
  kPartnerAgency,  // legal aid, counselling, women's federation, ...
  kJointTeam,      // another police unit working with the case team
  kProsecution,    // the procuratorate
  kCourt,
  kOther,
};

std::string_view ToString(ExportAudience v);
template <>
std::optional<ExportAudience> Parse<ExportAudience>(std::string_view name);
template <>
const std::vector<ExportAudience>& AllValues<ExportAudience>();

}  // namespace aegis::domain
