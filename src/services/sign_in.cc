// Sign-in: sessions, the per-address rate limit, the per-account lockout, password changes and
// the TOTP second factor.
//
// Second-factor enrolment for roles that require it (administrators, supervisors): such a user
// who has no confirmed TOTP yet still signs in with the password, but the session is
// "enrolment-only": the HTTP layer lets it reach only /auth/me, /auth/logout, /auth/security,
// /auth/password, /auth/sessions and /auth/totp/*, and the policy point grants it no capability and
// no case scope (defence in depth). It lives at most `enrolment_session_minutes`. Enrolment needs
// the password again (a stolen session alone cannot bind the account to an attacker's device);
// confirming it with a code from the new secret turns the factor on, makes this session a full
// one (absolute expiry counted from sign-in) and ends the user's other sessions, which were opened
// without the second factor. Until a privileged user has enrolled, whoever knows the password can
// enrol first: that window is unavoidable without an out-of-band channel; it is audited
// (auth.totp.enrol / auth.totp.enabled) and closed by enrolling promptly (the demo pre-enrols).
#include <sodium.h>

#include <algorithm>

#include "domain/password_rules.h"
#include "services/internal/service_util.h"
#include "services/rate_limiter.h"
#include "services/sealed_columns.h"
#include "services/services.h"
#include "services/totp.h"
#include "storage/access_store.h"

namespace aegis::services {

using internal::MakeAudit;
using namespace aegis::domain;

namespace {

constexpr const char* kBadCredentials = "wrong username or password";
constexpr const char* kTotpIssuer = "Aegis";

bool Locked(const std::optional<storage::UserAuthRecord>& auth, UnixSeconds now) {
  return auth && auth->locked_until && *auth->locked_until > now;
}

bool TotpOn(const std::optional<storage::UserAuthRecord>& auth) {
  return auth && !auth->totp_secret.empty();
}

// Secrets are wiped from memory as soon as they have been used.
void Wipe(std::string& secret) { sodium_memzero(secret.data(), secret.size()); }

}  // namespace

bool RoleRequiresTotp(Role role) {
  return role == Role::kAdministrator || role == Role::kSupervisor;
}

StatusOr<LoginResult> Services::Login(const std::string& username, const std::string& password,
                                      const std::string& remote) {
  LoginInput in;
  in.username = username;
  in.password = password;
  in.remote = remote;
  return Login(in);
}

// Counts a failed attempt on an existing account inside the caller's transaction; the attempt
// that reaches the limit locks the account and starts the count again.
static Status CountFailure(storage::Repo& r, const ServiceOptions& options, Id user_id,
                           std::optional<storage::UserAuthRecord>& auth, UnixSeconds now,
                           bool* locked_now) {
  if (!auth) {
    auth.emplace();
    auth->user_id = user_id;
  }
  *locked_now = false;
  if (++auth->failed_logins >= options.lockout_failures) {
    auth->locked_until = now + options.lockout_minutes * 60;
    auth->failed_logins = 0;
    *locked_now = true;
  }
  return r.PutUserAuth(*auth);
}

StatusOr<LoginResult> Services::Login(const LoginInput& in, LoginRefusal* refusal) {
  LoginRefusal scratch;
  LoginRefusal& why = refusal ? *refusal : scratch;
  why = {};
  if (in.username.empty()) return Status::InvalidArgument("username", "is required");
  if (in.password.empty()) return Status::InvalidArgument("password", "is required");
  if (in.username.size() > 64) return Status::InvalidArgument("username", "is too long");
  if (in.password.size() > kMaxPasswordBytes)
    return Status::InvalidArgument("password", "is too long");
  if (in.totp.size() > 16) return Status::InvalidArgument("totp", "is too long");
  const UnixSeconds now = Now();
  Principal who;
  who.remote = in.remote;

  // The address limit comes first: it also caps the argon2id work (tens of milliseconds and
  // 64 MiB each) that one client can make the server do.
  if (const int wait = login_limiter_->Take(in.remote, now); wait > 0) {
    why.retry_after_seconds = wait;
    auditor_->Record(MakeAudit(who, now, "auth.rate_limited", "user", std::nullopt, false));
    return Status(StatusCode::kResourceExhausted,
                  "too many sign-in attempts from this address; try again in " +
                      std::to_string(wait) + " seconds");
  }

  std::optional<storage::UserRecord> record;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(record, r.FindUserByUsername(in.username));
    return Status::Ok();
  }));
  // Verify even for unknown and locked accounts, so the response time does not reveal which
  // usernames exist or are locked.
  static const std::string kDummyHash = HashPassword("aegis-timing-equaliser").value();
  const bool password_ok =
      VerifyPassword(record ? record->password_hash : kDummyHash, in.password) && record &&
      record->user.active;
  if (!record) {
    auditor_->Record(MakeAudit(who, now, "auth.login", "user", std::nullopt, false,
                               {{"reason", "bad credentials"}}));
    return Status::Unauthenticated(kBadCredentials);
  }
  who.user = record->user;
  const Id uid = record->user.id;

  enum class Outcome { kOk, kLocked, kBadPassword, kTotpMissing, kTotpWrong, kTotpReplayed };
  Outcome outcome = Outcome::kOk;
  LoginResult result;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    // Re-read inside the write transaction: concurrent attempts are counted one by one and a code
    // is accepted at most once.
    AEGIS_ASSIGN_OR_RETURN(auto auth, r.GetUserAuth(uid));
    bool locked_now = false;
    if (Locked(auth, now)) {
      outcome = Outcome::kLocked;
      return r.AppendAudit({MakeAudit(who, now, "auth.locked", "user", uid, false,
                                      {{"until", FormatIso8601(*auth->locked_until)}})});
    }
    if (!password_ok) {
      outcome = Outcome::kBadPassword;
      AEGIS_RETURN_IF_ERROR(CountFailure(r, options_, uid, auth, now, &locked_now));
      return r.AppendAudit({MakeAudit(who, now, "auth.login", "user", uid, false,
                                      {{"reason", "bad credentials"}, {"locked", locked_now}})});
    }
    const bool totp_on = TotpOn(auth);
    if (totp_on) {
      if (in.totp.empty()) {
        // Not a failure: the form asks for the code after the password. Not a success either, so
        // the failure count stays as it is.
        outcome = Outcome::kTotpMissing;
        return r.AppendAudit({MakeAudit(who, now, "auth.login", "user", uid, false,
                                        {{"reason", "second factor required"}})});
      }
      AEGIS_ASSIGN_OR_RETURN(std::string secret,
                             vault_.Decrypt(auth->totp_secret, TotpSecretContext(uid)));
      const std::optional<long long> step = MatchTotp(secret, in.totp, now);
      Wipe(secret);
      if (!step || *step <= auth->totp_last_step) {
        outcome = step ? Outcome::kTotpReplayed : Outcome::kTotpWrong;
        AEGIS_RETURN_IF_ERROR(CountFailure(r, options_, uid, auth, now, &locked_now));
        return r.AppendAudit(
            {MakeAudit(who, now, "auth.login", "user", uid, false,
                       {{"reason", step ? "one-time code already used" : "wrong one-time code"},
                        {"locked", locked_now}})});
      }
      auth->totp_last_step = *step;
    }
    if (auth) {
      auth->failed_logins = 0;
      auth->locked_until.reset();
      AEGIS_RETURN_IF_ERROR(r.PutUserAuth(*auth));
    }
    AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(record->user.unit_id));
    if (!unit) return Status::Internal("user's unit is missing");
    who.unit = *unit;
    who.purpose = AllowedPurposes(record->user.role).front();
    result.enrolment_only = RoleRequiresTotp(record->user.role) && !totp_on;
    result.token = NewToken();
    storage::SessionRecord s;
    s.token_hash = HashToken(result.token);
    s.user_id = uid;
    s.created_at = now;
    s.last_seen = now;
    s.expires_at = now + (result.enrolment_only ? std::min(options_.enrolment_session_minutes * 60,
                                                           options_.session_hours * 3600)
                                                : options_.session_hours * 3600);
    s.remote = in.remote.substr(0, 64);
    s.enrolment_only = result.enrolment_only;
    // Sessions that ended by time are removed when their owner signs in again.
    AEGIS_RETURN_IF_ERROR(r.DeleteStaleSessions(uid, now, now - options_.idle_minutes * 60));
    AEGIS_RETURN_IF_ERROR(r.InsertSession(s));
    AEGIS_ASSIGN_OR_RETURN(auto stored, r.FindSession(s.token_hash));
    if (stored) who.session_id = stored->id;
    who.enrolment_only = result.enrolment_only;
    return r.AppendAudit({MakeAudit(who, now, "auth.login", "user", uid, true,
                                    {{"second_factor", totp_on ? "totp" : "none"},
                                     {"enrolment_only", result.enrolment_only}})});
  }));
  switch (outcome) {
    case Outcome::kOk:
      result.principal = who;
      return result;
    case Outcome::kLocked:
    case Outcome::kBadPassword:
      // A locked account answers exactly like a wrong password: nothing tells an attacker which.
      return Status::Unauthenticated(kBadCredentials);
    case Outcome::kTotpMissing:
      why.code = "totp_required";
      return Status(StatusCode::kUnauthenticated,
                    "enter the one-time code from your authenticator app", "totp");
    case Outcome::kTotpWrong:
    case Outcome::kTotpReplayed:
      why.code = "totp_invalid";
      return Status(StatusCode::kUnauthenticated,
                    "the one-time code is wrong, expired or already used; wait for the next one",
                    "totp");
  }
  return Status::Internal("unreachable");
}

Status Services::Logout(const std::string& token) {
  const std::string hash = HashToken(token);
  ForgetSession(hash);
  return store_.Write([&](storage::Repo& r) { return r.DeleteSession(hash); });
}

void Services::ForgetSession(const std::string& token_hash) {
  std::lock_guard lock(session_mu_);
  session_cache_.erase(token_hash);
}

void Services::ForgetAllSessions() {
  std::lock_guard lock(session_mu_);
  session_cache_.clear();
}

StatusOr<Principal> Services::Authenticate(const std::string& token, const std::string& remote) {
  if (token.empty() || token.size() > 128) return Status::Unauthenticated("sign-in required");
  const std::string hash = HashToken(token);
  const UnixSeconds now = Now();
  // Absolute expiry (12 hours) and idle expiry (30 minutes without a request).
  auto usable = [&](UnixSeconds expires_at, UnixSeconds last_seen) {
    return expires_at > now && now - last_seen <= options_.idle_minutes * 60;
  };
  {
    std::lock_guard lock(session_mu_);
    auto it = session_cache_.find(hash);
    if (it != session_cache_.end()) {
      const CachedSession& c = it->second;
      if (now - c.checked_at < kSessionCacheSeconds && now >= c.checked_at &&
          usable(c.expires_at, c.last_seen) && now - c.last_seen < 60) {
        Principal p = c.principal;
        p.remote = remote;
        return p;
      }
      session_cache_.erase(it);
    }
  }
  Principal p;
  p.remote = remote;
  UnixSeconds expires_at = 0, last_seen = 0;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto s, r.FindSession(hash));
    if (!s || !usable(s->expires_at, s->last_seen))
      return Status::Unauthenticated("session expired or unknown; sign in again");
    AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(s->user_id));
    if (!user || !user->active) return Status::Unauthenticated("account is disabled");
    AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(user->unit_id));
    if (!unit) return Status::Internal("user's unit is missing");
    p.user = *user;
    p.unit = *unit;
    p.session_id = s->id;
    p.enrolment_only = s->enrolment_only;
    p.purpose = AllowedPurposes(user->role).front();
    AEGIS_ASSIGN_OR_RETURN(p.break_glass_cases, r.Access().ActiveBreakGlassCases(user->id, now));
    expires_at = s->expires_at;
    last_seen = s->last_seen;
    return Status::Ok();
  }));
  // Refresh the idle timer at most once a minute to keep reads free of writes.
  if (now - last_seen >= 60) {
    (void)store_.Write([&](storage::Repo& r) { return r.TouchSession(hash, now); });
    last_seen = now;
  }
  std::lock_guard lock(session_mu_);
  if (session_cache_.size() > 10000) session_cache_.clear();  // bounded; refilled on demand
  session_cache_[hash] = {p, expires_at, last_seen, now};
  return p;
}

// Checks the signed-in caller's password for a sensitive change. Wrong passwords count towards
// the lockout like failed sign-ins, so a stolen session cannot be used to guess the password.
static Status CheckCurrentPassword(storage::Store& store, Auditor& auditor,
                                   const ServiceOptions& options, const Principal& p,
                                   const std::string& password, UnixSeconds now,
                                   const std::string& action) {
  if (password.empty()) return Status::InvalidArgument("current_password", "is required");
  if (password.size() > kMaxPasswordBytes)
    return Status::InvalidArgument("current_password", "is not correct");
  std::optional<storage::UserRecord> record;
  std::optional<storage::UserAuthRecord> auth;
  AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(record, r.FindUserByUsername(p.user.username));
    AEGIS_ASSIGN_OR_RETURN(auth, r.GetUserAuth(p.user.id));
    return Status::Ok();
  }));
  if (!record) return Status::Unauthenticated("account is gone");
  const bool ok = VerifyPassword(record->password_hash, password);
  if (Locked(auth, now)) {
    auditor.Record(MakeAudit(p, now, "auth.locked", "user", p.user.id, false, {{"for", action}}));
    return Status::PermissionDenied(
        "the account is locked after too many wrong passwords; try again later");
  }
  if (ok) return Status::Ok();
  AEGIS_RETURN_IF_ERROR(store.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto fresh, r.GetUserAuth(p.user.id));
    bool locked_now = false;
    AEGIS_RETURN_IF_ERROR(CountFailure(r, options, p.user.id, fresh, now, &locked_now));
    return r.AppendAudit(
        {MakeAudit(p, now, action, "user", p.user.id, false,
                   {{"reason", "wrong current password"}, {"locked", locked_now}})});
  }));
  return Status::InvalidArgument("current_password", "is not correct");
}

StatusOr<int> Services::ChangePassword(const Principal& p, const std::string& current_password,
                                       const std::string& new_password) {
  AEGIS_RETURN_IF_ERROR(CheckNewPassword(new_password, p.user.username, "new_password"));
  if (new_password == current_password)
    return Status::InvalidArgument("new_password", "must differ from the current password");
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(CheckCurrentPassword(store_, *auditor_, options_, p, current_password, now,
                                             "auth.password_change"));
  AEGIS_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  int ended = 0;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(r.SetPasswordHash(p.user.id, hash));
    AEGIS_ASSIGN_OR_RETURN(auto auth, r.GetUserAuth(p.user.id));
    if (!auth) {
      auth.emplace();
      auth->user_id = p.user.id;
    }
    auth->password_changed_at = now;
    auth->failed_logins = 0;
    AEGIS_RETURN_IF_ERROR(r.PutUserAuth(*auth));
    // Whoever else held a session (perhaps the reason for the change) is signed out.
    AEGIS_ASSIGN_OR_RETURN(
        ended, r.DeleteSessionsOfUser(
                   p.user.id, p.session_id ? std::optional<Id>(p.session_id) : std::nullopt));
    return r.AppendAudit({MakeAudit(p, now, "auth.password_change", "user", p.user.id, true,
                                    {{"sessions_ended", ended}})});
  }));
  ForgetAllSessions();  // sessions ended above must not live on in the cache
  return ended;
}

StatusOr<TotpEnrolment> Services::EnrolTotp(const Principal& p,
                                            const std::string& current_password) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(CheckCurrentPassword(store_, *auditor_, options_, p, current_password, now,
                                             "auth.totp.enrol"));
  std::string secret = NewTotpSecret();
  TotpEnrolment out;
  out.secret = Base32Encode(secret);
  out.uri = OtpauthUri(kTotpIssuer, p.user.username, out.secret);
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto auth, r.GetUserAuth(p.user.id));
    if (TotpOn(auth)) {
      return Status::Conflict(
          "a second factor is already on; turn it off first to enrol a new device");
    }
    if (!auth) {
      auth.emplace();
      auth->user_id = p.user.id;
    }
    auth->totp_pending = vault_.Encrypt(secret, TotpPendingContext(p.user.id));
    AEGIS_RETURN_IF_ERROR(r.PutUserAuth(*auth));
    return r.AppendAudit({MakeAudit(p, now, "auth.totp.enrol", "user", p.user.id, true)});
  }));
  Wipe(secret);
  return out;
}

Status Services::ConfirmTotp(const Principal& p, const std::string& code) {
  if (code.empty()) return Status::InvalidArgument("code", "is required");
  const UnixSeconds now = Now();
  bool mismatch = false;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto auth, r.GetUserAuth(p.user.id));
    if (!auth || auth->totp_pending.empty())
      return Status::Conflict("no enrolment is waiting for confirmation; start one first");
    AEGIS_ASSIGN_OR_RETURN(std::string secret,
                           vault_.Decrypt(auth->totp_pending, TotpPendingContext(p.user.id)));
    const std::optional<long long> step = MatchTotp(secret, code, now);
    if (!step) {
      Wipe(secret);
      mismatch = true;
      return r.AppendAudit({MakeAudit(p, now, "auth.totp.confirm", "user", p.user.id, false)});
    }
    // Sealed anew for the column it moves to: a pending value does not open as an active one.
    auth->totp_secret = vault_.Encrypt(secret, TotpSecretContext(p.user.id));
    Wipe(secret);
    auth->totp_pending.clear();
    auth->totp_enabled_at = now;
    auth->totp_last_step = *step;  // the confirming code cannot be replayed to sign in
    AEGIS_RETURN_IF_ERROR(r.PutUserAuth(*auth));
    std::optional<Id> keep;
    if (p.session_id) {
      keep = p.session_id;
      AEGIS_ASSIGN_OR_RETURN(auto sessions, r.ListSessions(p.user.id));
      for (const auto& s : sessions) {
        if (s.id == p.session_id && s.enrolment_only)
          AEGIS_RETURN_IF_ERROR(
              r.PromoteSession(s.id, s.created_at + options_.session_hours * 3600));
      }
    }
    AEGIS_ASSIGN_OR_RETURN(int ended, r.DeleteSessionsOfUser(p.user.id, keep));
    return r.AppendAudit({MakeAudit(p, now, "auth.totp.enabled", "user", p.user.id, true,
                                    {{"sessions_ended", ended}})});
  }));
  ForgetAllSessions();  // promoted and ended sessions
  if (mismatch) {
    return Status::InvalidArgument(
        "code",
        "does not match; check that the device's clock is right and enter the current code");
  }
  return Status::Ok();
}

Status Services::DisableTotp(const Principal& p, const std::string& current_password,
                             const std::string& code) {
  if (RoleRequiresTotp(p.user.role))
    return Status::PermissionDenied("administrators and supervisors must keep a second factor");
  if (code.empty()) return Status::InvalidArgument("code", "is required");
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(CheckCurrentPassword(store_, *auditor_, options_, p, current_password, now,
                                             "auth.totp.disable"));
  bool mismatch = false;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto auth, r.GetUserAuth(p.user.id));
    if (!TotpOn(auth)) return Status::Conflict("no second factor is on");
    AEGIS_ASSIGN_OR_RETURN(std::string secret,
                           vault_.Decrypt(auth->totp_secret, TotpSecretContext(p.user.id)));
    const std::optional<long long> step = MatchTotp(secret, code, now);
    Wipe(secret);
    if (!step || *step <= auth->totp_last_step) {
      mismatch = true;
      return r.AppendAudit({MakeAudit(p, now, "auth.totp.disable", "user", p.user.id, false,
                                      {{"reason", "wrong one-time code"}})});
    }
    auth->totp_secret.clear();
    auth->totp_pending.clear();
    auth->totp_enabled_at.reset();
    auth->totp_last_step = *step;
    AEGIS_RETURN_IF_ERROR(r.PutUserAuth(*auth));
    return r.AppendAudit({MakeAudit(p, now, "auth.totp.disable", "user", p.user.id, true)});
  }));
  if (mismatch) return Status::InvalidArgument("code", "is wrong, expired or already used");
  return Status::Ok();
}

StatusOr<AccountSecurityView> Services::AccountSecurity(const Principal& p) {
  AccountSecurityView v;
  v.totp_required = RoleRequiresTotp(p.user.role);
  v.enrolment_only = p.enrolment_only;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto auth, r.GetUserAuth(p.user.id));
    if (auth) {
      v.totp_enabled = !auth->totp_secret.empty();
      v.totp_pending = !auth->totp_pending.empty();
      v.password_changed_at = auth->password_changed_at;
    }
    return Status::Ok();
  }));
  return v;
}

StatusOr<std::vector<SessionView>> Services::ListSessions(const Principal& p) {
  const UnixSeconds now = Now();
  std::vector<SessionView> out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto sessions, r.ListSessions(p.user.id));
    for (const auto& s : sessions) {
      if (s.expires_at <= now || now - s.last_seen > options_.idle_minutes * 60) continue;
      out.push_back({s.id, s.created_at, s.last_seen, s.expires_at, s.remote, s.id == p.session_id,
                     s.enrolment_only});
    }
    return Status::Ok();
  }));
  return out;
}

Status Services::RevokeSession(const Principal& p, Id session_id) {
  const UnixSeconds now = Now();
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(bool deleted, r.DeleteSessionById(p.user.id, session_id));
    // Another user's session answers like an unknown one.
    if (!deleted) return Status::NotFound("no such session");
    return r.AppendAudit({MakeAudit(p, now, "auth.session.revoke", "session", session_id, true,
                                    {{"current", session_id == p.session_id}})});
  });
  ForgetAllSessions();
  return st;
}

StatusOr<int> Services::RevokeUserSessions(const Principal& p, Id user_id) {
  const UnixSeconds now = Now();
  if (p.enrolment_only ||
      (p.user.role != Role::kSupervisor && p.user.role != Role::kAdministrator)) {
    auditor_->Record(MakeAudit(p, now, "auth.session.revoke_user", "user", user_id, false));
    return Status::PermissionDenied("only supervisors and administrators may end others' sessions");
  }
  int ended = 0;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(user_id));
    std::optional<Unit> unit;
    if (user) {
      AEGIS_ASSIGN_OR_RETURN(unit, r.GetUnit(user->unit_id));
    }
    // Users outside the caller's unit subtree answer like unknown ones.
    if (!user || !unit || unit->path.compare(0, p.unit.path.size(), p.unit.path) != 0)
      return Status::NotFound("no such user");
    // Supervisors manage their officers' sessions, not the administrators' above them.
    if (user->role == Role::kAdministrator && p.user.role != Role::kAdministrator)
      return Status::PermissionDenied("only administrators may end an administrator's sessions");
    AEGIS_ASSIGN_OR_RETURN(ended, r.DeleteSessionsOfUser(user_id, std::nullopt));
    return r.AppendAudit({MakeAudit(p, now, "auth.session.revoke_user", "user", user_id, true,
                                    {{"sessions_ended", ended}})});
  }));
  ForgetAllSessions();
  return ended;
}

}  // namespace aegis::services
