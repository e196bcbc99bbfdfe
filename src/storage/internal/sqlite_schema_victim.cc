// Migration 5: victim support (issue 3). Kept in its own file so the migration list stays a list.
#include "storage/internal/sqlite_schema.h"

namespace aegis::storage::internal {

std::string_view VictimSupportMigrationSql() {
  static constexpr std::string_view kSql = R"SQL(
CREATE TABLE interview_approvals (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  requested_by INTEGER NOT NULL REFERENCES users(id),
  requested_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decision_note TEXT NOT NULL DEFAULT '',
  used_by_interview INTEGER
);
CREATE INDEX interview_approvals_case ON interview_approvals(case_id, person_id);

CREATE TABLE victim_interviews (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  started_at INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL,
  location TEXT NOT NULL,
  location_note TEXT NOT NULL DEFAULT '',
  conducted_by INTEGER NOT NULL REFERENCES users(id),
  present TEXT NOT NULL DEFAULT '',
  female_officer_requested INTEGER NOT NULL DEFAULT 0,
  recorded INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT '',
  approval_id INTEGER REFERENCES interview_approvals(id),
  recorded_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX victim_interviews_case ON victim_interviews(case_id, person_id);

-- Encrypted (XChaCha20-Poly1305): the preferences hold phone numbers.
CREATE TABLE contact_preferences (
  person_id INTEGER PRIMARY KEY REFERENCES persons(id),
  case_id INTEGER NOT NULL REFERENCES cases(id),
  cipher BLOB NOT NULL,
  updated_by INTEGER NOT NULL REFERENCES users(id),
  updated_at INTEGER NOT NULL
);
CREATE INDEX contact_preferences_case ON contact_preferences(case_id);

CREATE TABLE referral_consents (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  given_by TEXT NOT NULL,
  giver_relationship TEXT NOT NULL DEFAULT '',
  given_at INTEGER NOT NULL,
  recorded_by INTEGER NOT NULL REFERENCES users(id),
  agencies TEXT NOT NULL DEFAULT '',
  fields TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  withdrawn_at INTEGER,
  withdrawn_by INTEGER REFERENCES users(id),
  withdrawal_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX referral_consents_case ON referral_consents(case_id, person_id);

CREATE TABLE referrals (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  consent_id INTEGER NOT NULL REFERENCES referral_consents(id),
  partner_unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  need TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL DEFAULT '',
  partner_contact TEXT NOT NULL DEFAULT '',
  partner_note TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES users(id)
);
CREATE INDEX referrals_case ON referrals(case_id);
CREATE INDEX referrals_consent ON referrals(consent_id);
CREATE INDEX referrals_partner ON referrals(partner_unit_id, status, due_at);
CREATE INDEX referrals_open ON referrals(status, due_at)
  WHERE status IN ('sent', 'accepted', 'in_progress');

CREATE TABLE referral_updates (
  id INTEGER PRIMARY KEY,
  referral_id INTEGER NOT NULL REFERENCES referrals(id),
  at INTEGER NOT NULL,
  actor_id INTEGER REFERENCES users(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX referral_updates_referral ON referral_updates(referral_id, at);

-- Codes are stored only as keyed hashes.
CREATE TABLE survivor_codes (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  code_hash BLOB NOT NULL UNIQUE,
  issued_by INTEGER NOT NULL REFERENCES users(id),
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  uses_left INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX survivor_codes_person ON survivor_codes(person_id);
CREATE INDEX survivor_codes_case ON survivor_codes(case_id);

CREATE TABLE notification_outbox (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL REFERENCES persons(id),
  referral_id INTEGER REFERENCES referrals(id),
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  channel TEXT,
  who TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT '',
  not_before INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  payload BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX notification_outbox_case ON notification_outbox(case_id, created_at);
CREATE INDEX notification_outbox_due ON notification_outbox(status, not_before);
CREATE INDEX notification_outbox_referral ON notification_outbox(referral_id)
  WHERE referral_id IS NOT NULL;
)SQL";
  return kSql;
}

}  // namespace aegis::storage::internal
