// Audit search for supervisors and privacy officers: who accessed what, when, from where and why.
#include <nlohmann/json.hpp>

#include "services/internal/service_util.h"
#include "services/services.h"

namespace aegis::services {

using internal::MakeAudit;
using internal::Names;
using namespace aegis::domain;

namespace {

constexpr const char* kObjectTypes[] = {"case", "clue",  "person", "assistance",
                                        "user", "store", "audit"};

Status CheckObjectType(const std::string& type) {
  for (const char* t : kObjectTypes)
    if (type == t) return Status::Ok();
  return Status::InvalidArgument(
      "object_type", "must be one of: case, clue, person, assistance, user, store, audit");
}

// Audit action names are dotted lower-case words ("case.read").
Status CheckAction(const std::string& action) {
  if (action.size() > 64) return Status::InvalidArgument("action", "must be at most 64 characters");
  for (char c : action) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
      return Status::InvalidArgument("action", "may contain only a-z, 0-9, '.' and '_'");
  }
  return Status::Ok();
}

// Keeps the numbers and true/false values of an audit detail and drops text, which may quote case
// content (a reason, a summary) that the caller may not see.
std::string WithoutText(const std::string& detail) {
  auto j = nlohmann::json::parse(detail, nullptr, false);
  nlohmann::json out = nlohmann::json::object();
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it->is_number() || it->is_boolean()) out[it.key()] = *it;
  }
  return out.dump();
}

}  // namespace

StatusOr<ListView<AuditView>> Services::SearchAudit(const Principal& p,
                                                    const AuditSearchInput& in) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kQueryAudit)) {
    auditor_->Record(MakeAudit(p, now, "audit.search", "audit", std::nullopt, false));
    return Status::PermissionDenied("only supervisors and privacy officers may search the audit");
  }
  if (!in.object_type.empty()) AEGIS_RETURN_IF_ERROR(CheckObjectType(in.object_type));
  if (in.object_id && in.object_type.empty())
    return Status::InvalidArgument("object_type", "is required with object_id");
  AEGIS_RETURN_IF_ERROR(CheckAction(in.action));
  if (in.since && in.until && *in.until <= *in.since)
    return Status::InvalidArgument("until", "must be after since");

  storage::AuditQuery q;
  q.unit_path_prefixes = policy_.AuditUnitPrefixes(p);
  q.user_id = in.user_id;
  q.object_type = in.object_type;
  q.object_id = in.object_id;
  q.action = in.action;
  q.allowed = in.allowed;
  q.since = in.since;
  q.until = in.until;
  q.outside_unit = in.outside_unit;
  q.page = in.page;
  q.page.sort.clear();
  const bool detail_visible = policy_.MaySeeAuditDetail(p);
  ListView<AuditView> out;
  out.limit = in.page.limit;
  out.offset = in.page.offset;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    // A victim's record is seen on their case's page too (under a pseudonym): "who viewed this
    // victim's record" includes the accesses to that case.
    // An unknown person searches case 0 (none): the query is the same either way, and storage
    // adds the case only when it is inside the caller's scope.
    if (in.object_type == "person" && in.object_id) {
      AEGIS_ASSIGN_OR_RETURN(auto person, r.GetPerson(*in.object_id));
      q.also_case_id = person ? person->person.case_id : 0;
    }
    AEGIS_ASSIGN_OR_RETURN(auto list, r.SearchAudit(q));
    Names names(r);
    out.total = list.total;
    out.total_capped = list.total_capped;
    for (auto& hit : list.items) {
      AuditView v;
      v.entry = std::move(hit.entry);
      if (!detail_visible) v.entry.record.detail = WithoutText(v.entry.record.detail);
      v.user_name = names.User(v.entry.record.user_id);
      v.user_unit_id = hit.actor_unit_id;
      if (hit.actor_unit_id) v.user_unit_name = names.UnitName(*hit.actor_unit_id);
      v.object_unit_id = hit.object_unit_id;
      v.outside_unit = hit.outside_unit;
      out.items.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  // Reading the audit is itself audited, with the filters (ids and flags, never free text).
  nlohmann::json detail = {{"returned", out.items.size()}, {"outside_unit", in.outside_unit}};
  if (in.user_id) detail["user_id"] = *in.user_id;
  if (!in.object_type.empty()) detail["object_type"] = in.object_type;
  if (in.object_id) detail["object_id"] = *in.object_id;
  if (!in.action.empty()) detail["action"] = in.action;
  auditor_->Record(MakeAudit(p, now, "audit.search", "audit", std::nullopt, true, detail));
  return out;
}

}  // namespace aegis::services
