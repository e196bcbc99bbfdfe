// JSON string literals, for the hand-written JSON of hot paths (api::JsonWriter, storage's
// major-flag column): one escaper for both.
#pragma once

#include <string>
#include <string_view>

namespace aegis {

// Appends `s` to `out` as a JSON string: quotes, backslashes and control characters escaped,
// every other byte (UTF-8 included) copied as it is.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace aegis
