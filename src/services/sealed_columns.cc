#include "services/sealed_columns.h"

#include <string>

namespace aegis::services {
namespace {

// Format 1 bound values to their column only; these were its contexts.
constexpr const char* kLegacyIdentity = "aegis.identity.v1";
constexpr const char* kLegacyPreferences = "aegis.contact-preferences.v1";
constexpr const char* kLegacyNotification = "aegis.notification.v1";
std::string LegacyTotp(domain::Id user_id) { return "aegis.totp.v1:" + std::to_string(user_id); }

// "table.column|key|key...": ids are decimal and references and pseudonyms never contain '|'.
std::string Bound(storage::SealedColumn column, std::initializer_list<std::string_view> keys) {
  std::string out(storage::SealedColumnName(column));
  for (std::string_view k : keys) {
    out += '|';
    out += k;
  }
  return out;
}

SealContext Notification(domain::Id case_id, domain::Id person_id, std::string_view kind,
                         UnixSeconds created_at) {
  return {
      Bound(storage::SealedColumn::kNotificationPayload,
            {std::to_string(case_id), std::to_string(person_id), kind, std::to_string(created_at)}),
      kLegacyNotification};
}

}  // namespace

SealContext ClueIdentityContext(std::string_view clue_reference) {
  return {Bound(storage::SealedColumn::kClueVictimIdentity, {clue_reference}), kLegacyIdentity};
}

SealContext PersonIdentityContext(domain::Id case_id, std::string_view pseudonym) {
  return {Bound(storage::SealedColumn::kPersonIdentity, {std::to_string(case_id), pseudonym}),
          kLegacyIdentity};
}

SealContext TotpSecretContext(domain::Id user_id) {
  return {Bound(storage::SealedColumn::kTotpSecret, {std::to_string(user_id)}),
          LegacyTotp(user_id)};
}

SealContext TotpPendingContext(domain::Id user_id) {
  return {Bound(storage::SealedColumn::kTotpPending, {std::to_string(user_id)}),
          LegacyTotp(user_id)};
}

SealContext ContactPreferencesContext(domain::Id person_id) {
  return {Bound(storage::SealedColumn::kContactPreferences, {std::to_string(person_id)}),
          kLegacyPreferences};
}

SealContext NotificationPayloadContext(domain::Id case_id, domain::Id person_id,
                                       domain::NotificationKind kind, UnixSeconds created_at) {
  return Notification(case_id, person_id, domain::ToString(kind), created_at);
}

SealContext SealContextOf(storage::SealedColumn column, const storage::SealedCell& cell) {
  using storage::SealedColumn;
  switch (column) {
    case SealedColumn::kClueVictimIdentity:
      return ClueIdentityContext(cell.reference);
    case SealedColumn::kPersonIdentity:
      return PersonIdentityContext(cell.case_id, cell.pseudonym);
    case SealedColumn::kTotpSecret:
      return TotpSecretContext(cell.row);
    case SealedColumn::kTotpPending:
      return TotpPendingContext(cell.row);
    case SealedColumn::kContactPreferences:
      return ContactPreferencesContext(cell.row);
    case SealedColumn::kNotificationPayload:
      break;
  }
  // The kind as stored, which is its ToString name.
  return Notification(cell.case_id, cell.person_id, cell.kind, cell.created_at);
}

}  // namespace aegis::services
