// Internal to aegis_domain (needs nlohmann_json, which is a private dependency): typed reads of
// JSON rule files whose errors name the JSON path, e.g. "review_tracks[1].days: is required".
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/model.h"

namespace aegis::domain::json_fields {

using Json = nlohmann::json;

inline std::string Member(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

inline std::string Element(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

inline StatusOr<Json> ParseDocument(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ..."; the
    // bracketed id means nothing to whoever edits the file.
    std::string detail = e.what();
    if (const auto end = detail.find("] "); detail.rfind("[json.", 0) == 0 && end != detail.npos) {
      detail.erase(0, end + 2);
    }
    return Status::InvalidArgument("", "not valid JSON: " + detail);
  }
}

// Checks that `value` is an object with only `allowed` keys, so a misspelt key is reported
// instead of silently falling back to a default.
inline Status ExpectObject(const Json& value, const std::string& path,
                           std::initializer_list<std::string_view> allowed) {
  if (!value.is_object()) return Status::InvalidArgument(path, "must be a JSON object");
  for (const auto& item : value.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || item.key() == a;
    if (!known) return Status::InvalidArgument(Member(path, item.key()), "is not a known key");
  }
  return Status::Ok();
}

inline StatusOr<const Json*> Required(const Json& object, const std::string& path,
                                      std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) return Status::InvalidArgument(Member(path, key), "is required");
  return &*it;
}

inline StatusOr<std::string> GetString(const Json& object, const std::string& path,
                                       std::string_view key) {
  AEGIS_ASSIGN_OR_RETURN(const Json* value, Required(object, path, key));
  if (!value->is_string()) return Status::InvalidArgument(Member(path, key), "must be a string");
  std::string s = value->get<std::string>();
  if (s.empty()) return Status::InvalidArgument(Member(path, key), "must not be empty");
  return s;
}

inline StatusOr<std::int64_t> GetInteger(const Json& object, const std::string& path,
                                         std::string_view key, std::int64_t min, std::int64_t max) {
  AEGIS_ASSIGN_OR_RETURN(const Json* value, Required(object, path, key));
  const std::string field = Member(path, key);
  const std::string range = "between " + std::to_string(min) + " and " + std::to_string(max);
  if (!value->is_number_integer()) {
    return Status::InvalidArgument(field, "must be a whole number " + range);
  }
  // Unsigned values beyond int64 would wrap on conversion; they are out of range anyway.
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    return Status::InvalidArgument(field, "must be " + range);
  }
  const std::int64_t n = value->get<std::int64_t>();
  if (n < min || n > max) return Status::InvalidArgument(field, "must be " + range);
  return n;
}

inline StatusOr<bool> GetOptionalBool(const Json& object, const std::string& path,
                                      std::string_view key, bool fallback) {
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!it->is_boolean()) return Status::InvalidArgument(Member(path, key), "must be true or false");
  return it->get<bool>();
}

inline StatusOr<const Json*> GetArray(const Json& object, const std::string& path,
                                      std::string_view key) {
  AEGIS_ASSIGN_OR_RETURN(const Json* value, Required(object, path, key));
  if (!value->is_array()) return Status::InvalidArgument(Member(path, key), "must be an array");
  return value;
}

// Reads an enumeration by its stable name; the error lists the accepted names.
template <typename E>
StatusOr<E> GetEnum(const Json& object, const std::string& path, std::string_view key) {
  AEGIS_ASSIGN_OR_RETURN(std::string name, GetString(object, path, key));
  if (auto v = Parse<E>(name)) return *v;
  std::string names;
  for (E v : AllValues<E>()) {
    if (!names.empty()) names += ", ";
    names += ToString(v);
  }
  return Status::InvalidArgument(Member(path, key),
                                 "unknown value \"" + name + "\"; expected one of " + names);
}

}  // namespace aegis::domain::json_fields
