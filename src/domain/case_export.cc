#include "domain/case_export.h"

#include <array>
#include <utility>

namespace aegis::domain {
namespace {

// Stored and sent over the wire: never rename one, only add.
constexpr std::array<std::pair<ExportAudience, std::string_view>, 5> kAudienceNames{{
    {ExportAudience::kPartnerAgency, "partner_agency"},
    {ExportAudience::kJointTeam, "joint_team"},
    {ExportAudience::kProsecution, "prosecution"},
    {ExportAudience::kCourt, "court"},
    {ExportAudience::kOther, "other"},
}};

}  // namespace

std::string_view ToString(ExportAudience v) {
  for (const auto& [value, name] : kAudienceNames)
    if (value == v) return name;
  return "unknown";
}

template <>
std::optional<ExportAudience> Parse<ExportAudience>(std::string_view name) {
  for (const auto& [value, n] : kAudienceNames)
    if (n == name) return value;
  return std::nullopt;
}

template <>
const std::vector<ExportAudience>& AllValues<ExportAudience>() {
  static const std::vector<ExportAudience> kAll = [] {
    std::vector<ExportAudience> out;
    for (const auto& entry : kAudienceNames) out.push_back(entry.first);
    return out;
  }();
  return kAll;
}

}  // namespace aegis::domain
