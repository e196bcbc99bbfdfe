// The notification outbox: every message Aegis means to send a victim goes through here, and here
// the victim's contact preferences decide whether, when and how (domain::DecideDelivery).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "services/crypto.h"
#include "services/sealed_columns.h"
#include "storage/victim_store.h"

namespace aegis::services::internal {

// Queues one notification to victim `person_id` of case `case_id` as their preferences allow.
// `detail` says what happened (stored encrypted with the message text).
Status QueueNotification(storage::Repo& r, const Vault& vault, domain::Id case_id,
                         domain::Id person_id, std::optional<domain::Id> referral_id,
                         domain::NotificationKind kind, const nlohmann::json& detail,
                         UnixSeconds now);

// After a stage transition: tells every victim of the case when the stage they can see changed.
Status NotifyStageChange(storage::Repo& r, const Vault& vault, const domain::Case& c,
                         domain::CaseStage from, domain::CaseStage to, UnixSeconds now);

// Before a checklist change: tells every victim when their evidence kit becomes collected or
// examined (not again when an item already done is ticked again).
Status NotifyChecklistChange(storage::Repo& r, const Vault& vault, const domain::Case& c,
                             const std::string& key, bool done, UnixSeconds now);

// Contact preferences to and from their encrypted JSON form, sealed for the person's row.
std::string EncryptPreferences(const Vault& vault, const domain::ContactPreferences& prefs,
                               domain::Id person_id);
StatusOr<domain::ContactPreferences> DecryptPreferences(
    const Vault& vault, const storage::ContactPreferencesRecord& record);

// Survivor status codes: typed codes are normalised (case, dashes, spaces; O read as 0, I and L as
// 1) and stored only as a keyed hash bound to the case.
std::string NormalizeSurvivorCode(std::string_view typed);
std::string SurvivorCodeHash(const Vault& vault, domain::Id case_id, const std::string& normalized);

}  // namespace aegis::services::internal
