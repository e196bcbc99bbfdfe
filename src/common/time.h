// Time in Aegis: UTC seconds since the epoch (int64) everywhere inside; ISO 8601 at the edges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aegis {

using UnixSeconds = std::int64_t;
inline constexpr UnixSeconds kSecondsPerDay = 86400;

// Current wall-clock time.
UnixSeconds NowSeconds();

// Formats as "2026-11-29T17:26:49Z".
std::string FormatIso8601(UnixSeconds t);
// Formats the UTC date part only: "2026-11-29".
std::string FormatDate(UnixSeconds t);

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]" or with a space instead of 'T'.
// Returns nullopt on any malformed or out-of-range component.
std::optional<UnixSeconds> ParseIso8601(std::string_view text);

// Days since 1970-01-01 for a civil date (proleptic Gregorian); valid for any year.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day);
// True when year/month/day names a real calendar date.
bool IsValidCivilDate(int year, int month, int day);

}  // namespace aegis
