// Every column that holds vault ciphertext, and what each value is bound to (its SealContext):
// the column and the row's immutable key, so that a value copied to another column or row does
// not decrypt. The ids and references used here never change once a row exists; values that do
// move (a clue's victim becoming a case's person, a transferred clue, a confirmed TOTP secret) are
// re-sealed for their new place (Vault::Reseal).
#pragma once

#include <string_view>

#include "domain/model.h"
#include "domain/victim_support.h"
#include "services/crypto.h"
#include "storage/store.h"

namespace aegis::services {

// clues.victim_identity: bound to the clue's reference (known before the row id).
SealContext ClueIdentityContext(std::string_view clue_reference);
// persons.identity_cipher: bound to the case and the person's pseudonym (unique per case).
SealContext PersonIdentityContext(domain::Id case_id, std::string_view pseudonym);
// user_auth.totp_secret / totp_pending: bound to the user.
SealContext TotpSecretContext(domain::Id user_id);
SealContext TotpPendingContext(domain::Id user_id);
// contact_preferences.cipher: bound to the person.
SealContext ContactPreferencesContext(domain::Id person_id);
// notification_outbox.payload: bound to the case, the person, the kind and the creation time.
SealContext NotificationPayloadContext(domain::Id case_id, domain::Id person_id,
                                       domain::NotificationKind kind, UnixSeconds created_at);

// The context of a value found by a column scan (key rotation, verification); the same as the
// functions above give for that row.
SealContext SealContextOf(storage::SealedColumn column, const storage::SealedCell& cell);

}  // namespace aegis::services
