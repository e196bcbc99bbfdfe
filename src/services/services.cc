// Administration and reference data (sign-in lives in sign_in.cc).
#include "services/services.h"

#include "domain/password_rules.h"
#include "services/internal/service_util.h"
#include "services/rate_limiter.h"

namespace aegis::services {

using internal::MakeAudit;
using namespace aegis::domain;

Services::Services(storage::Store& store, Vault vault, ServiceOptions options)
    : store_(store),
      vault_(std::move(vault)),
      options_(options),
      deadline_rules_(DefaultDeadlineRules()),
      major_rules_(DefaultMajorCaseRules()),
      clock_(NowSeconds),
      // Checkpoints carry the wall-clock time they were signed at, not the services' clock.
      auditor_(std::make_unique<Auditor>(store, AuditorOptions{options.audit_signer})),
      login_limiter_(std::make_unique<RateLimiter>(options_.login_attempts_per_minute,
                                                   options_.login_attempts_per_minute)) {}

Services::~Services() = default;

StatusOr<User> Services::AddUser(const std::string& username, const std::string& display_name,
                                 Role role, const std::string& unit_code,
                                 const std::string& password) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("username", username, 3, 64));
  for (char c : username) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return Status::InvalidArgument("username", "may contain only letters, digits, . _ -");
  }
  AEGIS_RETURN_IF_ERROR(internal::CheckText("display_name", display_name, 0, 100));
  AEGIS_RETURN_IF_ERROR(CheckNewPassword(password, username));
  AEGIS_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  User user;
  user.username = username;
  user.display_name = display_name.empty() ? username : display_name;
  user.role = role;
  user.created_at = Now();
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto units, r.ListUnits());
    const Unit* unit = nullptr;
    for (const auto& u : units)
      if (u.code == unit_code) unit = &u;
    if (!unit) return Status::InvalidArgument("unit", "no unit with code " + unit_code);
    user.unit_id = unit->id;
    AEGIS_ASSIGN_OR_RETURN(user.id, r.InsertUser({user, hash}));
    Principal system;
    system.remote = "cli";
    return r.AppendAudit({MakeAudit(system, user.created_at, "user.create", "user", user.id, true,
                                    {{"role", ToString(role)}})});
  }));
  return user;
}

StatusOr<std::vector<Unit>> Services::ListUnits(const Principal&) {
  std::vector<Unit> out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(out, r.ListUnits());
    return Status::Ok();
  }));
  return out;
}

StatusOr<std::vector<User>> Services::ListUsers(const Principal& p, std::optional<Id> unit_id,
                                                std::optional<Role> role) {
  std::vector<User> out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    std::string prefix = p.unit.path;
    if (unit_id) {
      AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(*unit_id));
      if (!unit) return Status::InvalidArgument("unit_id", "no such unit");
      // Only within the caller's own subtree.
      if (unit->path.compare(0, prefix.size(), prefix) != 0) return Status::Ok();
      prefix = unit->path;
    }
    AEGIS_ASSIGN_OR_RETURN(out, r.ListUsers(prefix, role));
    return Status::Ok();
  }));
  return out;
}

StatusOr<std::vector<Campaign>> Services::ListCampaigns(const Principal&) {
  std::vector<Campaign> out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(out, r.ListCampaigns());
    return Status::Ok();
  }));
  return out;
}

}  // namespace aegis::services
