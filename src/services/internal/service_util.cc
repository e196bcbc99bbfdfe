#include "services/internal/service_util.h"

#include <algorithm>
#include <cstdio>

#include "domain/identity_check.h"

namespace aegis::services::internal {

Status CheckText(const std::string& field, const std::string& text, size_t min_chars,
                 size_t max_chars) {
  size_t count = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > text.size())
      return Status::InvalidArgument(field, "is not valid UTF-8 text");
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
        return Status::InvalidArgument(field, "is not valid UTF-8 text");
    }
    if (len == 1 && c < 0x20 && c != '\n' && c != '\t' && c != '\r')
      return Status::InvalidArgument(field, "contains control characters");
    i += len;
    ++count;
  }
  if (count < min_chars) {
    return Status::InvalidArgument(
        field, min_chars == 1 ? "is required"
                              : "must be at least " + std::to_string(min_chars) + " characters");
  }
  if (count > max_chars)
    return Status::InvalidArgument(field,
                                   "must be at most " + std::to_string(max_chars) + " characters");
  return Status::Ok();
}

Status CheckFacts(const domain::OffenceFacts& f, UnixSeconds now, const std::string& prefix) {
  const std::string p = prefix.empty() ? "" : prefix + ".";
  if (f.offence_time) {
    if (*f.offence_time > now + 86400)
      return Status::InvalidArgument(p + "offence_time", "must not be in the future");
    if (*f.offence_time < -2208988800LL)  // 1900-01-01
      return Status::InvalidArgument(p + "offence_time", "must be after 1900");
  }
  AEGIS_RETURN_IF_ERROR(CheckText(p + "place", f.place, 0, 300));
  if (f.latitude.has_value() != f.longitude.has_value())
    return Status::InvalidArgument(f.latitude ? p + "longitude" : p + "latitude",
                                   "latitude and longitude must be given together");
  if (f.latitude && !(*f.latitude >= -90 && *f.latitude <= 90))
    return Status::InvalidArgument(p + "latitude", "must be between -90 and 90");
  if (f.longitude && !(*f.longitude >= -180 && *f.longitude <= 180))
    return Status::InvalidArgument(p + "longitude", "must be between -180 and 180");
  if (f.youngest_victim_age && (*f.youngest_victim_age < 0 || *f.youngest_victim_age > 120))
    return Status::InvalidArgument(p + "youngest_victim_age", "must be between 0 and 120");
  if (f.victim_count < 1 || f.victim_count > 1000)
    return Status::InvalidArgument(p + "victim_count", "must be between 1 and 1000");
  if (f.offender_count < 0 || f.offender_count > 1000)
    return Status::InvalidArgument(p + "offender_count", "must be between 0 and 1000");
  return Status::Ok();
}

StatusOr<domain::Identity> NormalizeIdentity(const domain::Identity& in, UnixSeconds now,
                                             const std::string& prefix) {
  const std::string p = prefix + ".";
  domain::Identity out = in;
  AEGIS_RETURN_IF_ERROR(CheckText(p + "name", in.name, 0, 100));
  AEGIS_RETURN_IF_ERROR(CheckText(p + "address", in.address, 0, 300));
  if (!in.id_number.empty()) {
    AEGIS_ASSIGN_OR_RETURN(
        auto info, domain::CheckResidentId(in.id_number, now / kSecondsPerDay, p + "id_number"));
    out.id_number = info.normalized;
    if (!in.date_of_birth.empty() && in.date_of_birth != info.date_of_birth)
      return Status::InvalidArgument(p + "date_of_birth",
                                     "does not match the birth date in the resident ID number");
    out.date_of_birth = info.date_of_birth;
  }
  if (!in.phone.empty()) {
    AEGIS_ASSIGN_OR_RETURN(out.phone, domain::NormalizePhone(in.phone, p + "phone"));
  }
  if (!out.date_of_birth.empty()) {
    auto t = ParseIso8601(out.date_of_birth);
    if (!t || out.date_of_birth.size() != 10)
      return Status::InvalidArgument(p + "date_of_birth", "must be a date YYYY-MM-DD");
    if (*t > now) return Status::InvalidArgument(p + "date_of_birth", "must not be in the future");
  }
  return out;
}

std::string Names::User(std::optional<Id> id) {
  if (!id) return {};
  auto it = users_.find(*id);
  if (it != users_.end()) return it->second;
  auto u = repo_.GetUser(*id);
  std::string name = (u.ok() && u->has_value()) ? (*u)->display_name : std::string();
  users_[*id] = name;
  return name;
}

const domain::Unit* Names::Unit(Id id) {
  auto it = units_.find(id);
  if (it == units_.end()) {
    auto u = repo_.GetUnit(id);
    it = units_.emplace(id, u.ok() ? *u : std::nullopt).first;
  }
  return it->second ? &*it->second : nullptr;
}

storage::AuditRecord MakeAudit(const Principal& p, UnixSeconds now, std::string action,
                               std::string object_type, std::optional<Id> object_id, bool allowed,
                               const nlohmann::json& detail) {
  storage::AuditRecord r;
  r.at = now;
  if (p.user.id) r.user_id = p.user.id;
  r.action = std::move(action);
  r.object_type = std::move(object_type);
  r.object_id = object_id;
  r.allowed = allowed;
  r.detail = detail.dump();
  r.remote = p.remote;
  // System principals (CLI, demo) have no user and state no purpose.
  if (p.user.id) r.purpose = std::string(domain::ToString(p.purpose));
  return r;
}

StatusOr<LoadedCase> LoadCaseFor(storage::Repo& r, const Policy& policy, const Principal& p,
                                 Id id) {
  // The case is read with the scope in the same statement: an unknown id and a case out of scope
  // run the same SQL and give the same answer, so neither the body nor the time tells them apart.
  storage::CaseScope scope = policy.CaseScopeFor(p);
  AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCaseInScope(id, scope));
  if (!c) return Status::NotFound("case not found");
  LoadedCase out;
  out.c = std::move(*c);
  if (std::find(scope.break_glass_cases.begin(), scope.break_glass_cases.end(), id) !=
      scope.break_glass_cases.end()) {
    scope.break_glass_cases.clear();
    AEGIS_ASSIGN_OR_RETURN(bool ordinary, r.CaseInScope(id, scope));
    out.via_break_glass = !ordinary;
  }
  return out;
}

std::string FormatReference(const std::string& prefix, UnixSeconds at, long long number) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%s-%06lld", prefix.c_str(),
                FormatDate(at).substr(0, 4).c_str(), number);
  return buf;
}

}  // namespace aegis::services::internal
