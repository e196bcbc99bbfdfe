// JSON string literals, for the hand-written JSON of hot paths (api::JsonWriter, storage's
// major-flag column): one escaper for both.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aegis {

// The most bytes WriteJsonString writes for `size` input bytes: every byte may become "\u00XX".
constexpr std::size_t MaxJsonStringSize(std::size_t size) { return 6 * size + 2; }

// Writes `s` at `out` as a JSON string: quotes, backslashes and control characters escaped, every
// other byte (UTF-8 included) copied as it is. `out` must have MaxJsonStringSize(s.size()) bytes
// of room; returns the end of what was written.
char* WriteJsonString(char* out, std::string_view s);

// Appends `s` to `out` as a JSON string (as WriteJsonString).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace aegis
