#include "services/internal/victim_notify.h"

#include <sodium.h>

#include <cctype>

namespace aegis::services::internal {

using json = nlohmann::json;
using namespace aegis::domain;

namespace {

// The text a victim receives. Deliberately discreet: a phone may be shared or seen by others, so
// it names neither the police case nor the agency; the detail is for the person delivering a task
// and for the status page, which needs the survivor's code.
std::string MessageText(NotificationKind kind, const std::string& language) {
  const bool en = language.rfind("en", 0) == 0;
  if (kind == NotificationKind::kReferralUpdate) {
    return en ? "There is news about the support you asked for. You can check it with your code, "
                "or wait for us to contact you."
              : "您申请的帮助服务有新进展。可凭查询码查看，或等待工作人员联系您。";
  }
  return en ? "There is an update on the matter you follow. You can check it with your code, or "
              "wait for us to contact you."
            : "您关注的事项有新进展。可凭查询码查看，或等待工作人员联系您。";
}

json ChannelsJson(const std::vector<ContactChannel>& channels) {
  json out = json::array();
  for (auto c : channels) out.push_back(ToString(c));
  return out;
}

}  // namespace

std::string EncryptPreferences(const Vault& vault, const ContactPreferences& p, Id person_id) {
  const json j = {{"channels", ChannelsJson(p.channels)},
                  {"phone", p.phone},
                  {"window_start_minute", p.window_start_minute},
                  {"window_end_minute", p.window_end_minute},
                  {"days_mask", p.days_mask},
                  {"utc_offset_minutes", p.utc_offset_minutes},
                  {"who_may_contact", ToString(p.who_may_contact)},
                  {"language", p.language},
                  {"notify_referrals", p.notify_referrals},
                  {"notify_case_progress", p.notify_case_progress},
                  {"guardian_name", p.guardian_name},
                  {"guardian_phone", p.guardian_phone},
                  {"notes", p.notes}};
  std::string text = j.dump();
  std::string out = vault.Encrypt(text, ContactPreferencesContext(person_id));
  sodium_memzero(text.data(), text.size());
  return out;
}

StatusOr<ContactPreferences> DecryptPreferences(const Vault& vault,
                                                const storage::ContactPreferencesRecord& record) {
  AEGIS_ASSIGN_OR_RETURN(std::string text,
                         vault.Decrypt(record.cipher, ContactPreferencesContext(record.person_id)));
  const json j = json::parse(text, nullptr, false);
  sodium_memzero(text.data(), text.size());
  if (!j.is_object()) return Status::Internal("contact preferences are not valid JSON");
  ContactPreferences p;
  if (j.contains("channels") && j["channels"].is_array()) {
    for (const auto& c : j["channels"]) {
      if (!c.is_string()) continue;
      if (auto v = Parse<ContactChannel>(c.get<std::string>())) p.channels.push_back(*v);
    }
  }
  p.phone = j.value("phone", "");
  p.window_start_minute = j.value("window_start_minute", p.window_start_minute);
  p.window_end_minute = j.value("window_end_minute", p.window_end_minute);
  p.days_mask = j.value("days_mask", p.days_mask);
  p.utc_offset_minutes = j.value("utc_offset_minutes", p.utc_offset_minutes);
  p.who_may_contact =
      Parse<WhoMayContact>(j.value("who_may_contact", "")).value_or(WhoMayContact::kCaseTeamOnly);
  p.language = j.value("language", "zh");
  p.notify_referrals = j.value("notify_referrals", true);
  p.notify_case_progress = j.value("notify_case_progress", true);
  p.guardian_name = j.value("guardian_name", "");
  p.guardian_phone = j.value("guardian_phone", "");
  p.notes = j.value("notes", "");
  return p;
}

Status QueueNotification(storage::Repo& r, const Vault& vault, Id case_id, Id person_id,
                         std::optional<Id> referral_id, NotificationKind kind, const json& detail,
                         UnixSeconds now) {
  std::optional<ContactPreferences> prefs;
  AEGIS_ASSIGN_OR_RETURN(auto record, r.Victims().GetContactPreferences(person_id));
  if (record) {
    AEGIS_ASSIGN_OR_RETURN(prefs, DecryptPreferences(vault, *record));
  }
  const DeliveryDecision d = DecideDelivery(prefs, kind, now);
  storage::NotificationRecord n;
  n.case_id = case_id;
  n.person_id = person_id;
  n.referral_id = referral_id;
  n.kind = kind;
  n.status = d.status;
  n.channel = d.channel;
  n.who = d.who;
  n.language = d.language;
  n.not_before = d.not_before;
  n.reason = d.reason;
  n.created_at = n.updated_at = now;
  const json payload = {
      {"event", ToString(kind)}, {"detail", detail}, {"text", MessageText(kind, d.language)}};
  n.payload_cipher = vault.Encrypt(
      payload.dump(), NotificationPayloadContext(case_id, person_id, kind, n.created_at));
  return r.Victims().InsertNotification(n).status();
}

namespace {

Status NotifyVictims(storage::Repo& r, const Vault& vault, const Case& c, const json& detail,
                     UnixSeconds now) {
  AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(c.id));
  for (const auto& pr : persons) {
    if (pr.person.role != PersonRole::kVictim) continue;
    AEGIS_RETURN_IF_ERROR(QueueNotification(r, vault, c.id, pr.person.id, std::nullopt,
                                            NotificationKind::kCaseProgress, detail, now));
  }
  return Status::Ok();
}

}  // namespace

Status NotifyStageChange(storage::Repo& r, const Vault& vault, const Case& c, CaseStage from,
                         CaseStage to, UnixSeconds now) {
  // Internal steps a survivor does not see (a suspect identified, detained) send nothing.
  if (SurvivorStageOf(from) == SurvivorStageOf(to)) return Status::Ok();
  return NotifyVictims(r, vault, c, {{"stage", ToString(SurvivorStageOf(to))}}, now);
}

Status NotifyChecklistChange(storage::Repo& r, const Vault& vault, const Case& c,
                             const std::string& key, bool done, UnixSeconds now) {
  if (!done || (key != "evidence_kit_collected" && key != "evidence_kit_examined"))
    return Status::Ok();
  AEGIS_ASSIGN_OR_RETURN(auto states, r.ListChecklist(c.id));
  for (const auto& st : states)
    if (st.key == key && st.done_at) return Status::Ok();  // already done: nothing new to tell
  return NotifyVictims(
      r, vault, c, {{"evidence_kit", key == "evidence_kit_collected" ? "collected" : "examined"}},
      now);
}

std::string NormalizeSurvivorCode(std::string_view typed) {
  std::string out;
  for (unsigned char ch : typed) {
    if (ch == '-' || ch == ' ') continue;
    char c = static_cast<char>(std::toupper(ch));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    out += c;
  }
  return out;
}

std::string SurvivorCodeHash(const Vault& vault, Id case_id, const std::string& normalized) {
  return vault.KeyedHash("aegis.survivor-code.v1", std::to_string(case_id) + ":" + normalized);
}

}  // namespace aegis::services::internal
