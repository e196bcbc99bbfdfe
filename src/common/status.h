// Errors as values: Status and StatusOr<T> cross every module boundary in Aegis.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace aegis {

// Canonical error kinds. The API layer maps each to one HTTP status in one place.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // 400: bad input; `field` names the offending field
  kUnauthenticated,    // 401: no valid session or token
  kPermissionDenied,   // 403: authenticated but not allowed
  kNotFound,           // 404
  kConflict,           // 409: state does not allow it (wrong transition, duplicate)
  kPayloadTooLarge,    // 413
  kResourceExhausted,  // 429
  kInternal,           // 500
  kUnavailable,        // 503
};

// Returns a stable lower-case name for `code` ("invalid_argument", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string field, std::string message) {
    return {StatusCode::kInvalidArgument, std::move(message), std::move(field)};
  }
  static Status Unauthenticated(std::string message) {
    return {StatusCode::kUnauthenticated, std::move(message)};
  }
  static Status PermissionDenied(std::string message) {
    return {StatusCode::kPermissionDenied, std::move(message)};
  }
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status Conflict(std::string message, std::string field = {}) {
    return {StatusCode::kConflict, std::move(message), std::move(field)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field the error is about ("victim.id_number"), empty when not field-specific.
  const std::string& field() const { return field_; }
  // "invalid_argument: victim.age: must be between 0 and 130"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : value_(std::move(status)) { assert(!std::get<Status>(value_).ok()); }
  StatusOr(T value) : value_(std::move(value)) {}

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T& value() & { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> value_;
};

}  // namespace aegis

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define AEGIS_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::aegis::Status aegis_status_ = (expr);        \
    if (!aegis_status_.ok()) return aegis_status_; \
  } while (0)

#define AEGIS_CONCAT_INNER_(a, b) a##b
#define AEGIS_CONCAT_(a, b) AEGIS_CONCAT_INNER_(a, b)
// Declares `lhs` from a StatusOr expression, returning its Status on error.
#define AEGIS_ASSIGN_OR_RETURN(lhs, expr) \
  AEGIS_ASSIGN_OR_RETURN_IMPL_(AEGIS_CONCAT_(aegis_or_, __LINE__), lhs, expr)
#define AEGIS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
