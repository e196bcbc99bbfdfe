// Sign-in, administration and reference data.
#include "services/services.h"

#include "services/internal/service_util.h"

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
      auditor_(std::make_unique<Auditor>(store, AuditorOptions{options.audit_signer})) {}

Services::~Services() = default;

StatusOr<LoginResult> Services::Login(const std::string& username, const std::string& password,
                                      const std::string& remote) {
  if (username.empty()) return Status::InvalidArgument("username", "is required");
  if (password.empty()) return Status::InvalidArgument("password", "is required");
  if (username.size() > 64) return Status::InvalidArgument("username", "is too long");
  if (password.size() > 256) return Status::InvalidArgument("password", "is too long");
  std::optional<storage::UserRecord> record;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(record, r.FindUserByUsername(username));
    return Status::Ok();
  }));
  const UnixSeconds now = Now();
  // Verify even for unknown users, so the response time does not reveal which usernames exist.
  static const std::string kDummyHash = HashPassword("aegis-timing-equaliser").value();
  const bool ok = VerifyPassword(record ? record->password_hash : kDummyHash, password) &&
                  record && record->user.active;
  Principal who;
  who.remote = remote;
  if (record) who.user = record->user;
  if (!ok) {
    auditor_->Record(MakeAudit(who, now, "auth.login", "user",
                               record ? std::optional<Id>(record->user.id) : std::nullopt, false,
                               {{"reason", "bad credentials"}}));
    return Status::Unauthenticated("wrong username or password");
  }
  LoginResult result;
  result.token = NewToken();
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(record->user.unit_id));
    if (!unit) return Status::Internal("user's unit is missing");
    who.unit = *unit;
    storage::SessionRecord s{HashToken(result.token), record->user.id, now,
                             now + options_.session_hours * 3600, now};
    AEGIS_RETURN_IF_ERROR(r.InsertSession(s));
    return r.AppendAudit({MakeAudit(who, now, "auth.login", "user", record->user.id, true)});
  }));
  result.principal = who;
  return result;
}

Status Services::Logout(const std::string& token) {
  return store_.Write([&](storage::Repo& r) { return r.DeleteSession(HashToken(token)); });
}

StatusOr<Principal> Services::Authenticate(const std::string& token, const std::string& remote) {
  if (token.empty() || token.size() > 128) return Status::Unauthenticated("sign-in required");
  const std::string hash = HashToken(token);
  const UnixSeconds now = Now();
  Principal p;
  p.remote = remote;
  bool touch = false;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto s, r.FindSession(hash));
    if (!s || s->expires_at <= now || now - s->last_seen > options_.idle_minutes * 60)
      return Status::Unauthenticated("session expired or unknown; sign in again");
    AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(s->user_id));
    if (!user || !user->active) return Status::Unauthenticated("account is disabled");
    AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(user->unit_id));
    if (!unit) return Status::Internal("user's unit is missing");
    p.user = *user;
    p.unit = *unit;
    // Refresh the idle timer at most once a minute to keep reads free of writes.
    touch = now - s->last_seen >= 60;
    return Status::Ok();
  }));
  if (touch) (void)store_.Write([&](storage::Repo& r) { return r.TouchSession(hash, now); });
  return p;
}

StatusOr<User> Services::AddUser(const std::string& username, const std::string& display_name,
                                 Role role, const std::string& unit_code,
                                 const std::string& password) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("username", username, 3, 64));
  for (char c : username) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return Status::InvalidArgument("username", "may contain only letters, digits, . _ -");
  }
  AEGIS_RETURN_IF_ERROR(internal::CheckText("display_name", display_name, 0, 100));
  if (password.size() < 10)
    return Status::InvalidArgument("password", "must be at least 10 characters");
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
