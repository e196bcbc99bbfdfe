// The survivor status page: a survivor (or guardian) looks up, with the case reference and a code
// issued by the officer, the stage of the case in plain words, the evidence kit and the contacts of
// their referrals. No sign-in; rate-limited per address; every attempt audited; every failure
// answered identically.
#include <algorithm>

#include "domain/victim_support.h"
#include "services/internal/service_util.h"
#include "services/internal/victim_notify.h"
#include "services/services.h"

namespace aegis::services {

using internal::MakeAudit;
using internal::Names;
using json = nlohmann::json;
using namespace aegis::domain;

namespace {

constexpr const char* kNoMatch =
    "no status was found for this reference and code; the code may have expired or been used up";

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool PlausibleReference(const std::string& ref) {
  if (ref.empty() || ref.size() > 32) return false;
  return std::all_of(ref.begin(), ref.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

}  // namespace

StatusOr<SurvivorStatusView> Services::SurvivorStatus(const std::string& reference_in,
                                                      const std::string& code_in,
                                                      const std::string& remote,
                                                      UnixSeconds* retry_after) {
  const UnixSeconds now = Now();
  Principal anonymous;  // no user: the audit records the address
  anonymous.remote = remote;
  if (!survivor_limiter_.Allow(remote, now, retry_after)) {
    auditor_->Record(MakeAudit(anonymous, now, "survivor.status", "case", std::nullopt, false,
                               {{"reason", "rate_limited"}}));
    return Status(StatusCode::kResourceExhausted,
                  "too many attempts from this address; please wait and try again");
  }
  if (code_in.size() > 64) return Status::InvalidArgument("code", "is too long");
  if (reference_in.size() > 64) return Status::InvalidArgument("reference", "is too long");
  const std::string reference = Upper(Trimmed(reference_in));
  const std::string code = internal::NormalizeSurvivorCode(code_in);
  if (reference.empty()) return Status::InvalidArgument("reference", "is required");
  if (code.empty()) return Status::InvalidArgument("code", "is required");

  // Look up the case and the code the same way whether or not the reference exists, so that the
  // answer (and its time) does not tell a wrong reference from a wrong code.
  std::optional<Id> case_id;
  std::optional<storage::SurvivorCodeRecord> rec;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    if (PlausibleReference(reference)) {
      AEGIS_ASSIGN_OR_RETURN(case_id, r.Victims().FindCaseIdByReference(reference));
    }
    const Id key = case_id.value_or(0);
    const std::string hash = internal::SurvivorCodeHash(vault_, key, code);
    AEGIS_ASSIGN_OR_RETURN(rec, r.Victims().FindSurvivorCode(key, hash));
    return Status::Ok();
  }));
  std::string why;
  if (!case_id)
    why = "unknown_reference";
  else if (!rec)
    why = "wrong_code";
  else if (rec->revoked_at)
    why = "revoked";
  else if (rec->expires_at <= now)
    why = "expired";
  else if (rec->uses_left <= 0)
    why = "used_up";
  // The reference is logged only when it names a case: whatever else was typed (a survivor may
  // type their resident ID or phone number) never reaches the append-only audit trail.
  const json reference_log = case_id ? json(reference) : json(nullptr);
  if (!why.empty()) {
    auditor_->Record(MakeAudit(anonymous, now, "survivor.status", "case", case_id, false,
                               {{"reason", why}, {"reference", reference_log}}));
    return Status::NotFound(kNoMatch);
  }

  SurvivorStatusView view;
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    storage::VictimRepo& vr = r.Victims();
    // Counted inside the write: two look-ups racing for the last use cannot both succeed.
    Status used = vr.UseSurvivorCode(rec->id, now);
    if (used.code() == StatusCode::kConflict) return Status::NotFound(kNoMatch);
    AEGIS_RETURN_IF_ERROR(used);
    AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(*case_id));
    if (!c) return Status::NotFound(kNoMatch);
    view.reference = c->reference;
    view.stage = SurvivorStageOf(c->stage);
    AEGIS_ASSIGN_OR_RETURN(auto checklist, r.ListChecklist(c->id));
    for (const auto& item : checklist) {
      if (!item.done_at) continue;
      if (item.key == "evidence_kit_collected") {
        view.kit_collected = true;
        view.kit_collected_at = item.done_at;
      } else if (item.key == "evidence_kit_examined") {
        view.kit_examined = true;
        view.kit_examined_at = item.done_at;
      }
    }
    Names names(r);
    AEGIS_ASSIGN_OR_RETURN(auto referrals, vr.ListReferralsForCase(c->id));
    for (const auto& rf : referrals) {
      // Only this survivor's own referrals, and none ended by a withdrawn consent.
      if (rf.person_id != rec->person_id || rf.status == ReferralStatus::kWithdrawn) continue;
      SurvivorReferralView sv;
      sv.kind = rf.kind;
      sv.agency.id = rf.partner_unit_id;
      if (const Unit* u = names.Unit(rf.partner_unit_id)) {
        sv.agency.name = u->name;
        sv.agency.name_en = u->name_en;
      }
      sv.status = rf.status;
      if (rf.status == ReferralStatus::kAccepted || rf.status == ReferralStatus::kInProgress)
        sv.contact = rf.partner_contact;
      view.referrals.push_back(std::move(sv));
    }
    view.uses_left = rec->uses_left - 1;
    view.code_expires_at = rec->expires_at;
    return r.AppendAudit({MakeAudit(anonymous, now, "survivor.status", "case", c->id, true,
                                    {{"person_id", rec->person_id}, {"code_id", rec->id}})});
  });
  if (!st.ok()) {
    auditor_->Record(
        MakeAudit(anonymous, now, "survivor.status", "case", case_id, false,
                  {{"reason", st.code() == StatusCode::kNotFound ? "used_up" : "error"},
                   {"reference", reference_log}}));
  }
  AEGIS_RETURN_IF_ERROR(st);
  return view;
}

}  // namespace aegis::services
