// The backend-independent parts of the storage interface.
#include "storage/store.h"

namespace aegis::storage {

std::string_view SealedColumnName(SealedColumn column) {
  switch (column) {
    case SealedColumn::kClueVictimIdentity:
      return "clues.victim_identity";
    case SealedColumn::kPersonIdentity:
      return "persons.identity_cipher";
    case SealedColumn::kTotpSecret:
      return "user_auth.totp_secret";
    case SealedColumn::kTotpPending:
      return "user_auth.totp_pending";
    case SealedColumn::kContactPreferences:
      return "contact_preferences.cipher";
    case SealedColumn::kNotificationPayload:
      break;
  }
  return "notification_outbox.payload";
}

Status Repo::BulkInsertCases(std::vector<domain::Case>& cases) {
  AEGIS_ASSIGN_OR_RETURN(auto load, StartCaseBulkLoad(cases.size()));
  AEGIS_RETURN_IF_ERROR(load->Add(cases));
  return load->Finish();
}

}  // namespace aegis::storage
