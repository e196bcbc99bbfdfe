// Sign-in hardening: lockout, rate limit, session expiry, password rules and changes, the TOTP
// second factor (enrolment, replay, window), enrolment-only sessions and session revocation.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "services/rate_limiter.h"
#include "services/sealed_columns.h"
#include "services/services.h"
#include "services/testing_fixture.h"
#include "services/totp.h"

namespace aegis::services {
namespace {

using namespace aegis::domain;
using testing::kTestPassword;
using testing::World;

using testing::Must;

using testing::ExpectStatus;

class SignInTest : public ::testing::Test {
 protected:
  Services& s() { return *w.services; }

  StatusOr<LoginResult> Login(const std::string& user, const std::string& password,
                              const std::string& totp = "", LoginRefusal* refusal = nullptr,
                              const std::string& remote = "10.1.1.1") {
    return s().Login(LoginInput{user, password, totp, remote}, refusal);
  }
  Principal SignedIn(const std::string& user, const std::string& totp = "") {
    const LoginResult r = Must(Login(user, kTestPassword, totp), user.c_str());
    return Must(s().Authenticate(r.token, "10.1.1.1"));
  }
  // Enrols and confirms TOTP for the caller; returns the raw secret.
  std::string EnrolAndConfirm(const Principal& p) {
    const TotpEnrolment e = Must(s().EnrolTotp(p, kTestPassword), "enrol");
    const std::string key = Must(Base32Decode(e.secret));
    const Status st = s().ConfirmTotp(p, TotpCode(key, w.now));
    EXPECT_TRUE(st.ok()) << st.ToString();
    return key;
  }
  int CountAudit(Id user_id, const std::string& action, bool allowed) {
    int n = 0;
    for (const auto& a : w.Audit(user_id, "user"))
      if (a.action == action && a.allowed == allowed) ++n;
    return n;
  }

  // Most tests sign in many times at one fixed instant: the address limit has its own test.
  static ServiceOptions Options() {
    ServiceOptions o;
    o.login_attempts_per_minute = 100000;
    return o;
  }
  World w{Options()};
};

// ---------------------------------------------------------------- lockout

TEST_F(SignInTest, FiveFailuresLockTheAccountAndALockedAccountAnswersLikeAWrongPassword) {
  for (int i = 0; i < 4; ++i)
    ExpectStatus(Login("off1", "wrong password!").status(), StatusCode::kUnauthenticated);
  // Still open after four: the right password works and resets the count.
  ASSERT_TRUE(Login("off1", kTestPassword).ok());
  for (int i = 0; i < 4; ++i)
    ExpectStatus(Login("off1", "wrong password!").status(), StatusCode::kUnauthenticated);
  ASSERT_TRUE(Login("off1", kTestPassword).ok()) << "success resets the consecutive count";

  for (int i = 0; i < 5; ++i)
    ExpectStatus(Login("off1", "wrong password!").status(), StatusCode::kUnauthenticated);
  // Locked: the right password gets exactly the answer a wrong one gets.
  const Status wrong = Login("off1", "wrong password!").status();
  const Status locked = Login("off1", kTestPassword).status();
  EXPECT_EQ(locked.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(locked.message(), wrong.message());
  EXPECT_EQ(locked.field(), wrong.field());
  EXPECT_EQ(CountAudit(w.officer1, "auth.locked", false), 2);
  // The lock is per account: another officer signs in.
  EXPECT_TRUE(Login("off2", kTestPassword).ok());

  // The lock lasts 15 minutes, measured from the fifth failure.
  w.Advance(15 * 60 - 1);
  ExpectStatus(Login("off1", kTestPassword).status(), StatusCode::kUnauthenticated);
  w.Advance(1);
  EXPECT_TRUE(Login("off1", kTestPassword).ok());
  // After the lock the count starts again from zero.
  for (int i = 0; i < 4; ++i) (void)Login("off1", "wrong password!");
  EXPECT_TRUE(Login("off1", kTestPassword).ok());
}

TEST_F(SignInTest, LockoutLengthAndThresholdAreOptions) {
  ServiceOptions o;
  o.lockout_failures = 2;
  o.lockout_minutes = 1;
  World small(o);
  auto login = [&](const std::string& pw) {
    return small.services->Login(LoginInput{"off1", pw, "", "10.0.0.1"});
  };
  (void)login("wrong password!");
  (void)login("wrong password!");
  EXPECT_FALSE(login(kTestPassword).ok());
  small.Advance(60);
  EXPECT_TRUE(login(kTestPassword).ok());
}

TEST_F(SignInTest, UnknownUsersAreNotCountedAndAnswerLikeWrongPasswords) {
  const Status unknown = Login("nobody", kTestPassword).status();
  const Status wrong = Login("off1", "wrong password!").status();
  EXPECT_EQ(unknown.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.message(), wrong.message());
}

// ---------------------------------------------------------------- rate limit

TEST(SignInRateLimitTest, TenAttemptsAMinutePerAddressThenTooManyRequestsWithRetryAfter) {
  World w;  // default options: 10 attempts a minute
  auto Login = [&](const std::string& user, const std::string& password, const std::string& totp,
                   LoginRefusal* refusal, const std::string& remote) {
    return w.services->Login(LoginInput{user, password, totp, remote}, refusal);
  };
  for (int i = 0; i < 10; ++i) {
    // Different unknown users: the limit is per address, not per account.
    ExpectStatus(
        Login("nobody" + std::to_string(i), "x-password-1", "", nullptr, "203.0.113.7").status(),
        StatusCode::kUnauthenticated);
  }
  LoginRefusal why;
  ExpectStatus(Login("off1", kTestPassword, "", &why, "203.0.113.7").status(),
               StatusCode::kResourceExhausted);
  EXPECT_EQ(why.retry_after_seconds, 6);  // 10 a minute: one token every 6 seconds
  // Another address is not affected.
  EXPECT_TRUE(Login("off1", kTestPassword, "", nullptr, "198.51.100.1").ok());
  w.Advance(5);
  ExpectStatus(Login("off1", kTestPassword, "", &why, "203.0.113.7").status(),
               StatusCode::kResourceExhausted);
  EXPECT_EQ(why.retry_after_seconds, 1);
  w.Advance(1);
  EXPECT_TRUE(Login("off1", kTestPassword, "", nullptr, "203.0.113.7").ok());
  // Refused attempts are audited (without a user).
  w.services->auditor().Flush();
  int limited = 0;
  (void)w.store->Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto all, r.ListAudit(std::nullopt, "user", 1000));
    for (const auto& a : all)
      if (a.action == "auth.rate_limited" && a.remote == "203.0.113.7" && !a.allowed) ++limited;
    return Status::Ok();
  });
  EXPECT_EQ(limited, 2);
}

TEST(RateLimiterTest, TokenBucketRefillsAndKeysAreIndependent) {
  RateLimiter limiter(10, 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Take("a", 1000), 0) << i;
  EXPECT_EQ(limiter.Take("a", 1000), 6);
  EXPECT_EQ(limiter.Take("b", 1000), 0);
  EXPECT_EQ(limiter.Take("a", 1003), 3);
  EXPECT_EQ(limiter.Take("a", 1006), 0);
  EXPECT_EQ(limiter.Take("a", 1006), 6);
  // A minute later the bucket is full again, but never fuller than the burst.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Take("a", 2000), 0) << i;
  EXPECT_GT(limiter.Take("a", 2000), 0);
}

// ---------------------------------------------------------------- session expiry

TEST_F(SignInTest, IdleLockAfterThirtyMinutesAndAbsoluteExpiryAfterTwelveHours) {
  const std::string token = Must(Login("off1", kTestPassword)).token;
  w.Advance(30 * 60);
  EXPECT_TRUE(s().Authenticate(token, "").ok()) << "exactly 30 idle minutes still count";
  w.Advance(30 * 60 + 1);
  ExpectStatus(s().Authenticate(token, "").status(), StatusCode::kUnauthenticated);

  // Activity keeps a session alive only up to 12 hours after sign-in.
  const std::string busy = Must(Login("off1", kTestPassword)).token;
  for (int minutes = 25; minutes < 12 * 60; minutes += 25) {
    w.Advance(25 * 60);
    ASSERT_TRUE(s().Authenticate(busy, "").ok()) << minutes;
  }
  w.Advance(12 * 3600 - (12 * 60 / 25) * 25 * 60);
  ExpectStatus(s().Authenticate(busy, "").status(), StatusCode::kUnauthenticated);
}

// ---------------------------------------------------------------- passwords

TEST_F(SignInTest, AddUserAppliesThePasswordRules) {
  ExpectStatus(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "Short-1").status(),
               StatusCode::kInvalidArgument, "password");
  ExpectStatus(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "abcdefghijklmnop").status(),
               StatusCode::kInvalidArgument, "password");
  ExpectStatus(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "Newbie-2026-x").status(),
               StatusCode::kInvalidArgument, "password");
  ExpectStatus(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "P@ssword2026").status(),
               StatusCode::kInvalidArgument, "password");
  EXPECT_TRUE(s().AddUser("newbie", "", Role::kOfficer, "P-C-K1-S1", "Aegis-demo-2026!").ok());
  EXPECT_TRUE(Login("newbie", "Aegis-demo-2026!").ok());
}

TEST_F(SignInTest, ChangingThePasswordChecksBothAndEndsTheOtherSessions) {
  const Principal me = SignedIn("off1");
  const std::string other1 = Must(Login("off1", kTestPassword)).token;
  const std::string other2 = Must(Login("off1", kTestPassword)).token;
  const std::string colleague = Must(Login("off2", kTestPassword)).token;

  ExpectStatus(s().ChangePassword(me, "not my password", "Fresh-river-2031").status(),
               StatusCode::kInvalidArgument, "current_password");
  ExpectStatus(s().ChangePassword(me, kTestPassword, "short-1").status(),
               StatusCode::kInvalidArgument, "new_password");
  ExpectStatus(s().ChangePassword(me, kTestPassword, "off1-is-my-name").status(),
               StatusCode::kInvalidArgument, "new_password");
  ExpectStatus(s().ChangePassword(me, kTestPassword, kTestPassword).status(),
               StatusCode::kInvalidArgument, "new_password");
  // Nothing changed so far.
  EXPECT_TRUE(s().Authenticate(other1, "").ok());

  EXPECT_EQ(Must(s().ChangePassword(me, kTestPassword, "Fresh-river-2031")), 2);
  EXPECT_TRUE(s().Authenticate(Must(Login("off1", "Fresh-river-2031")).token, "").ok());
  ExpectStatus(Login("off1", kTestPassword).status(), StatusCode::kUnauthenticated);
  ExpectStatus(s().Authenticate(other1, "").status(), StatusCode::kUnauthenticated);
  ExpectStatus(s().Authenticate(other2, "").status(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(s().Authenticate(colleague, "").ok()) << "other users keep their sessions";
  EXPECT_EQ(Must(s().Authenticate(Must(Login("off1", "Fresh-river-2031")).token, "")).user.id,
            w.officer1);
  EXPECT_EQ(CountAudit(w.officer1, "auth.password_change", true), 1);
  EXPECT_TRUE(Must(s().AccountSecurity(me)).password_changed_at.has_value());
}

TEST_F(SignInTest, WrongCurrentPasswordsCountTowardsTheLockout) {
  const Principal me = SignedIn("off1");
  for (int i = 0; i < 5; ++i) {
    ExpectStatus(s().ChangePassword(me, "not my password", "Fresh-river-2031").status(),
                 StatusCode::kInvalidArgument, "current_password");
  }
  // Now locked: the right password neither changes it nor signs in.
  ExpectStatus(s().ChangePassword(me, kTestPassword, "Fresh-river-2031").status(),
               StatusCode::kPermissionDenied);
  ExpectStatus(Login("off1", kTestPassword).status(), StatusCode::kUnauthenticated);
}

// ---------------------------------------------------------------- TOTP

TEST_F(SignInTest, OptionalTotpEnrolmentFlowForAnOfficer) {
  const Principal me = SignedIn("off1");
  EXPECT_FALSE(Must(s().AccountSecurity(me)).totp_required);
  ExpectStatus(s().EnrolTotp(me, "not my password").status(), StatusCode::kInvalidArgument,
               "current_password");
  ExpectStatus(s().ConfirmTotp(me, "123456"), StatusCode::kConflict);  // nothing pending

  const TotpEnrolment e = Must(s().EnrolTotp(me, kTestPassword));
  EXPECT_EQ(e.secret.size(), 32u);  // 20 bytes in base32
  EXPECT_EQ(e.uri, "otpauth://totp/Aegis:off1?secret=" + e.secret +
                       "&issuer=Aegis&algorithm=SHA1&digits=6&period=30");
  AccountSecurityView sec = Must(s().AccountSecurity(me));
  EXPECT_TRUE(sec.totp_pending);
  EXPECT_FALSE(sec.totp_enabled);
  // Pending is not on: signing in still needs the password only.
  EXPECT_TRUE(Login("off1", kTestPassword).ok());

  const std::string key = Must(Base32Decode(e.secret));
  const std::string wrong = TotpCode(key, w.now + 300);
  ExpectStatus(s().ConfirmTotp(me, wrong), StatusCode::kInvalidArgument, "code");
  const std::string other_session = Must(Login("off1", kTestPassword)).token;
  ASSERT_TRUE(s().ConfirmTotp(me, TotpCode(key, w.now)).ok());
  sec = Must(s().AccountSecurity(me));
  EXPECT_TRUE(sec.totp_enabled);
  EXPECT_FALSE(sec.totp_pending);
  EXPECT_TRUE(
      s().Authenticate(Must(Login("off1", kTestPassword, TotpCode(key, w.now + 30))).token, "")
          .ok());
  // Sessions opened with the password alone end when the second factor is turned on.
  ExpectStatus(s().Authenticate(other_session, "").status(), StatusCode::kUnauthenticated);
  ExpectStatus(s().EnrolTotp(me, kTestPassword).status(), StatusCode::kConflict);
  EXPECT_EQ(CountAudit(w.officer1, "auth.totp.enabled", true), 1);
}

TEST_F(SignInTest, SignInWithTotpNeedsTheCodeRefusesReplaysAndAcceptsOneStepEachWay) {
  const std::string key = EnrolAndConfirm(SignedIn("off1"));
  const UnixSeconds t0 = w.now;  // the confirming code's step is spent

  LoginRefusal why;
  ExpectStatus(Login("off1", kTestPassword, "", &why).status(), StatusCode::kUnauthenticated,
               "totp");
  EXPECT_EQ(why.code, "totp_required");
  // Asking for the code is not a failure, and a wrong password never reveals that a code exists.
  ExpectStatus(Login("off1", "wrong password!", "", &why).status(), StatusCode::kUnauthenticated);
  EXPECT_EQ(why.code, "");
  ExpectStatus(Login("off1", kTestPassword, TotpCode(key, t0), &why).status(),
               StatusCode::kUnauthenticated, "totp");
  EXPECT_EQ(why.code, "totp_invalid") << "the confirming code cannot be replayed";

  w.Advance(30);
  const std::string code = TotpCode(key, w.now);
  ASSERT_TRUE(Login("off1", kTestPassword, code, &why).ok());
  ExpectStatus(Login("off1", kTestPassword, code, &why).status(), StatusCode::kUnauthenticated);
  EXPECT_EQ(why.code, "totp_invalid") << "a code is accepted once";

  // The next step's code is accepted early (a device clock up to 30 s fast) ...
  EXPECT_TRUE(Login("off1", kTestPassword, TotpCode(key, w.now + 30)).ok());
  // ... two steps ahead is not.
  ExpectStatus(Login("off1", kTestPassword, TotpCode(key, w.now + 60), &why).status(),
               StatusCode::kUnauthenticated);
  // The previous step's code is accepted late, unless a later step was already used.
  w.Advance(90);
  EXPECT_TRUE(Login("off1", kTestPassword, TotpCode(key, w.now - 30)).ok());
  ExpectStatus(Login("off1", kTestPassword, TotpCode(key, w.now - 60)).status(),
               StatusCode::kUnauthenticated);
  ExpectStatus(Login("off1", kTestPassword, "12345").status(), StatusCode::kUnauthenticated);
  ExpectStatus(Login("off1", kTestPassword, "abcdef").status(), StatusCode::kUnauthenticated);
}

TEST_F(SignInTest, WrongCodesCountTowardsTheLockout) {
  const std::string key = EnrolAndConfirm(SignedIn("off1"));
  w.Advance(30);
  const std::string bad = TotpCode(key, w.now + 3600);
  for (int i = 0; i < 5; ++i) (void)Login("off1", kTestPassword, bad);
  LoginRefusal why;
  ExpectStatus(Login("off1", kTestPassword, TotpCode(key, w.now), &why).status(),
               StatusCode::kUnauthenticated);
  EXPECT_EQ(why.code, "") << "a locked account says nothing about the code";
}

TEST_F(SignInTest, TotpSecretsAreEncryptedAtRestAndBoundToTheirUser) {
  const Principal me = SignedIn("off1");
  const TotpEnrolment e = Must(s().EnrolTotp(me, kTestPassword));
  const std::string key = Must(Base32Decode(e.secret));
  ASSERT_TRUE(s().ConfirmTotp(me, TotpCode(key, w.now)).ok());
  storage::UserAuthRecord stored;
  ASSERT_TRUE(w.store
                  ->Read([&](storage::Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto a, r.GetUserAuth(w.officer1));
                    if (!a) return Status::NotFound("no record");
                    stored = *a;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(stored.totp_secret.find(key), std::string::npos);
  EXPECT_EQ(stored.totp_secret.find(e.secret), std::string::npos);
  EXPECT_GT(stored.totp_secret.size(), key.size());
  const Vault vault = Vault::FromKey(testing::TestKey());
  EXPECT_EQ(Must(vault.Decrypt(stored.totp_secret, TotpSecretContext(w.officer1))), key);
  EXPECT_FALSE(vault.Decrypt(stored.totp_secret, TotpSecretContext(w.officer2)).ok());
  // Confirming re-sealed it for the active column: it no longer opens as a pending secret.
  EXPECT_FALSE(vault.Decrypt(stored.totp_secret, TotpPendingContext(w.officer1)).ok());
}

TEST_F(SignInTest, OfficersMayTurnTheirSecondFactorOffSupervisorsMayNot) {
  const Principal me = SignedIn("off1");
  const std::string key = EnrolAndConfirm(me);
  w.Advance(30);
  ExpectStatus(s().DisableTotp(me, kTestPassword, "000000"), StatusCode::kInvalidArgument, "code");
  ExpectStatus(s().DisableTotp(me, "not my password", TotpCode(key, w.now)),
               StatusCode::kInvalidArgument, "current_password");
  ASSERT_TRUE(s().DisableTotp(me, kTestPassword, TotpCode(key, w.now)).ok());
  EXPECT_TRUE(Login("off1", kTestPassword).ok());
  EXPECT_FALSE(Must(s().AccountSecurity(me)).totp_enabled);

  const LoginResult sup = Must(Login("sup1", kTestPassword));
  const Principal sp = Must(s().Authenticate(sup.token, ""));
  const std::string skey = EnrolAndConfirm(sp);
  w.Advance(30);
  ExpectStatus(s().DisableTotp(sp, kTestPassword, TotpCode(skey, w.now)),
               StatusCode::kPermissionDenied);
}

// ---------------------------------------------------------------- enrolment-only sessions

TEST_F(SignInTest, PrivilegedUsersWithoutTotpGetAnEnrolmentOnlySession) {
  const LoginResult login = Must(Login("sup1", kTestPassword));
  EXPECT_TRUE(login.enrolment_only);
  const Principal p = Must(s().Authenticate(login.token, ""));
  EXPECT_TRUE(p.enrolment_only);
  EXPECT_TRUE(Must(s().AccountSecurity(p)).totp_required);
  // The policy point grants nothing: no capability, no case scope, no clues.
  EXPECT_FALSE(s().policy().Allows(p, Capability::kViewBoard));
  EXPECT_FALSE(s().policy().Allows(p, Capability::kDecideClue));
  EXPECT_TRUE(s().policy().CaseScopeFor(p).empty());
  EXPECT_TRUE(s().policy().ClueUnitPrefixes(p).empty());
  EXPECT_FALSE(s().Board(p).ok());
  EXPECT_TRUE(Must(s().ListCases(p, {})).items.empty());
  // The same user with a full session would see the board.
  Principal full = p;
  full.enrolment_only = false;
  EXPECT_TRUE(s().Board(full).ok());

  // It lasts 30 minutes at most, however active.
  const std::string second = Must(Login("sup1", kTestPassword)).token;
  for (int i = 0; i < 2; ++i) {
    w.Advance(10 * 60);
    ASSERT_TRUE(s().Authenticate(second, "").ok()) << i;
  }
  w.Advance(10 * 60);
  ExpectStatus(s().Authenticate(second, "").status(), StatusCode::kUnauthenticated);
  ExpectStatus(s().Authenticate(login.token, "").status(), StatusCode::kUnauthenticated);
}

TEST_F(SignInTest, ConfirmingTotpPromotesTheSessionAndEndsTheOthers) {
  const LoginResult first = Must(Login("sup1", kTestPassword));
  const LoginResult mine = Must(Login("sup1", kTestPassword));
  const Principal p = Must(s().Authenticate(mine.token, ""));
  const std::string key = EnrolAndConfirm(p);
  const Principal promoted = Must(s().Authenticate(mine.token, ""));
  EXPECT_FALSE(promoted.enrolment_only);
  EXPECT_TRUE(s().Board(promoted).ok());
  ExpectStatus(s().Authenticate(first.token, "").status(), StatusCode::kUnauthenticated);
  // A promoted session keeps the absolute limit counted from sign-in.
  for (int minutes = 20; minutes < 12 * 60; minutes += 20) {
    w.Advance(20 * 60);
    ASSERT_TRUE(s().Authenticate(mine.token, "").ok()) << minutes;
  }
  w.Advance(20 * 60);
  ExpectStatus(s().Authenticate(mine.token, "").status(), StatusCode::kUnauthenticated);
  // From now on sup1 signs in with a code and gets a full session.
  const LoginResult next = Must(Login("sup1", kTestPassword, TotpCode(key, w.now)));
  EXPECT_FALSE(next.enrolment_only);
  EXPECT_FALSE(Must(s().Authenticate(next.token, "")).enrolment_only);
}

// ---------------------------------------------------------------- sessions

TEST_F(SignInTest, UsersListAndEndTheirOwnSessionsOnly) {
  const LoginResult a = Must(Login("off1", kTestPassword, "", nullptr, "10.0.0.1"));
  w.Advance(120);
  const LoginResult b = Must(Login("off1", kTestPassword, "", nullptr, "10.0.0.2"));
  const LoginResult theirs = Must(Login("off2", kTestPassword));
  const Principal pb = Must(s().Authenticate(b.token, "10.0.0.2"));

  std::vector<SessionView> list = Must(s().ListSessions(pb));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, pb.session_id);  // newest first
  EXPECT_TRUE(list[0].current);
  EXPECT_EQ(list[0].remote, "10.0.0.2");
  EXPECT_FALSE(list[1].current);
  EXPECT_EQ(list[1].remote, "10.0.0.1");
  EXPECT_EQ(list[1].created_at, w.now - 120);
  EXPECT_EQ(list[1].expires_at, w.now - 120 + 12 * 3600);

  // Another user's session answers like an unknown one.
  const Principal po = Must(s().Authenticate(theirs.token, ""));
  ExpectStatus(s().RevokeSession(pb, po.session_id), StatusCode::kNotFound);
  ExpectStatus(s().RevokeSession(pb, 999999), StatusCode::kNotFound);
  EXPECT_TRUE(s().Authenticate(theirs.token, "").ok());

  ASSERT_TRUE(s().RevokeSession(pb, list[1].id).ok());
  ExpectStatus(s().Authenticate(a.token, "").status(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Must(s().ListSessions(pb)).size(), 1u);
  // Idle sessions drop out of the list.
  w.Advance(31 * 60);
  EXPECT_TRUE(Must(s().ListSessions(pb)).empty());
  EXPECT_EQ(CountAudit(w.officer1, "auth.login", true), 2);
}

TEST_F(SignInTest, SupervisorsEndTheSessionsOfUsersInTheirSubtree) {
  const LoginResult login = Must(Login("sup1", kTestPassword));
  const Principal enrolling = Must(s().Authenticate(login.token, ""));
  ExpectStatus(s().RevokeUserSessions(enrolling, w.officer1).status(),
               StatusCode::kPermissionDenied);
  EnrolAndConfirm(enrolling);
  const Principal sup = Must(s().Authenticate(login.token, ""));
  const std::string o1a = Must(Login("off1", kTestPassword)).token;
  const std::string o1b = Must(Login("off1", kTestPassword)).token;
  const std::string o2 = Must(Login("off2", kTestPassword)).token;

  EXPECT_EQ(Must(s().RevokeUserSessions(sup, w.officer1)), 2);
  ExpectStatus(s().Authenticate(o1a, "").status(), StatusCode::kUnauthenticated);
  ExpectStatus(s().Authenticate(o1b, "").status(), StatusCode::kUnauthenticated);
  // Outside the supervisor's subtree: answered like an unknown user, nothing ended.
  ExpectStatus(s().RevokeUserSessions(sup, w.officer2).status(), StatusCode::kNotFound);
  ExpectStatus(s().RevokeUserSessions(sup, 999999).status(), StatusCode::kNotFound);
  EXPECT_TRUE(s().Authenticate(o2, "").ok());
  // Officers may not.
  ExpectStatus(s().RevokeUserSessions(SignedIn("off1"), w.officer1).status(),
               StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit(w.officer1, "auth.session.revoke_user", true), 1);

  // A province-level supervisor reaches the administrator's unit, but not the administrator.
  const Id top = w.AddUser("suptop", "省厅督导", Role::kSupervisor, w.province);
  const Principal province_sup = w.As(top);
  ExpectStatus(s().RevokeUserSessions(province_sup, w.admin).status(),
               StatusCode::kPermissionDenied);
  EXPECT_EQ(Must(s().RevokeUserSessions(province_sup, w.officer2)), 1);
  ExpectStatus(s().Authenticate(o2, "").status(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Must(s().RevokeUserSessions(w.As(w.admin), w.supervisor1)), 1);
}

}  // namespace
}  // namespace aegis::services
