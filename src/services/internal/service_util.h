// Helpers shared by the service implementation files. Not part of the services' public API.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "services/services.h"

namespace aegis::services::internal {

// Validates a free-text field: valid UTF-8, no control characters except newlines and tabs,
// between `min_chars` and `max_chars` code points.
Status CheckText(const std::string& field, const std::string& text, size_t min_chars,
                 size_t max_chars);

// Validates offence facts (ranges, coordinates, dates); `prefix` is "facts".
Status CheckFacts(const domain::OffenceFacts& facts, UnixSeconds now, const std::string& prefix);

// Validates and normalises an identity (resident ID, phone, birth date, lengths).
StatusOr<domain::Identity> NormalizeIdentity(const domain::Identity& identity, UnixSeconds now,
                                             const std::string& prefix);

// Looks up display names once per request.
class Names {
 public:
  explicit Names(storage::Repo& repo) : repo_(repo) {}
  std::string User(std::optional<Id> id);
  const domain::Unit* Unit(Id id);
  std::string UnitName(Id id) {
    const domain::Unit* u = Unit(id);
    return u ? u->name : std::string();
  }

 private:
  storage::Repo& repo_;
  std::map<Id, std::string> users_;
  std::map<Id, std::optional<domain::Unit>> units_;
};

storage::AuditRecord MakeAudit(const Principal& p, UnixSeconds now, std::string action,
                               std::string object_type, std::optional<Id> object_id, bool allowed,
                               const nlohmann::json& detail = nlohmann::json::object());

// A case the caller may open, and how.
struct LoadedCase {
  domain::Case c;
  bool via_break_glass = false;  // open to the caller only through a break-glass grant
};

// Loads a case the caller may open. Cases outside the caller's scope are reported exactly like
// unknown ids (NotFound, same message, same queries), so a response never reveals that one exists.
StatusOr<LoadedCase> LoadCaseFor(storage::Repo& r, const Policy& policy, const Principal& p, Id id);

// Formats "XS-2026-000123" from a prefix, year and number.
std::string FormatReference(const std::string& prefix, UnixSeconds at, long long number);

}  // namespace aegis::services::internal
