// Percent-encoding of URL components (RFC 3986).
#pragma once

#include <string>
#include <string_view>

namespace aegis {

// `s` with every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - _ . ~) written as %XX.
std::string PercentEncode(std::string_view s);

}  // namespace aegis
