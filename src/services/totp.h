// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) with HMAC-SHA1, 30-second steps and
// 6 digits: the defaults every authenticator app implements. HMAC-SHA1 comes from OpenSSL's
// libcrypto (libsodium has no SHA-1); SHA-1's collision weakness does not affect HMAC-SHA1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/time.h"

namespace aegis::services {

inline constexpr int kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr int kTotpWindowSteps = 1;      // codes of the previous and next step also count
inline constexpr size_t kTotpSecretBytes = 20;  // 160 bits, as RFC 4226 recommends

// RFC 4648 base32 without padding ("GEZDGNBV...").
std::string Base32Encode(std::string_view bytes);
// Decodes base32; accepts lower case, spaces, hyphens and '=' padding. InvalidArgument("secret").
StatusOr<std::string> Base32Decode(std::string_view text);

// HOTP value of `counter` under `key` (RFC 4226), `digits` long with leading zeros.
std::string HotpCode(std::string_view key, std::uint64_t counter, int digits = kTotpDigits);
// The time step containing `t`.
inline long long TotpStep(UnixSeconds t) { return t / kTotpStepSeconds; }
// The TOTP code at time `t` (RFC 6238).
std::string TotpCode(std::string_view key, UnixSeconds t, int digits = kTotpDigits);

// The step within ±kTotpWindowSteps of `now` whose code equals `code` (compared in constant time),
// or nullopt. Does not know about replays: the caller refuses steps it has already accepted.
std::optional<long long> MatchTotp(std::string_view key, std::string_view code, UnixSeconds now);

// A new random secret of kTotpSecretBytes bytes.
std::string NewTotpSecret();

// The otpauth:// URI authenticator apps read (Key Uri Format): issuer, account, base32 secret.
std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret_base32);

}  // namespace aegis::services
