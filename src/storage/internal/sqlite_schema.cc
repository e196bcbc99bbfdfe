#include "storage/internal/sqlite_schema.h"

#include "storage/internal/sqlite_audit.h"

namespace aegis::storage::internal {
namespace {

// Offence facts are columns (not JSON) because duplicate search, rules and dashboards filter on
// them.
constexpr std::string_view kV1 = R"SQL(
CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  parent_id INTEGER REFERENCES units(id),
  path TEXT NOT NULL DEFAULT ''
);
CREATE INDEX units_path ON units(path);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE clues (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  unit_path TEXT NOT NULL,
  recorded_by INTEGER NOT NULL REFERENCES users(id),
  assigned_to INTEGER REFERENCES users(id),
  summary TEXT NOT NULL,
  offence_time INTEGER, place TEXT NOT NULL DEFAULT '', latitude REAL, longitude REAL,
  youngest_victim_age INTEGER, victim_count INTEGER NOT NULL DEFAULT 1,
  offender_count INTEGER NOT NULL DEFAULT 1, duty_of_care TEXT NOT NULL DEFAULT 'none',
  weapon INTEGER NOT NULL DEFAULT 0, serious_injury INTEGER NOT NULL DEFAULT 0,
  online_dating INTEGER NOT NULL DEFAULT 0, linked_series INTEGER NOT NULL DEFAULT 0,
  repeat_offender INTEGER NOT NULL DEFAULT 0,
  victim_pseudonym TEXT NOT NULL DEFAULT '',
  victim_sex TEXT NOT NULL DEFAULT 'unknown',
  victim_identity BLOB,
  victim_name_idx BLOB, victim_idnum_idx BLOB, victim_phone_idx BLOB,
  suspect_description TEXT NOT NULL DEFAULT '',
  suspect_norm TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  track TEXT NOT NULL,
  review_deadline INTEGER NOT NULL,
  track_approved_by INTEGER REFERENCES users(id),
  decided_at INTEGER, decided_by INTEGER REFERENCES users(id),
  decision_reason TEXT NOT NULL DEFAULT '',
  case_id INTEGER,
  transferred_to_unit INTEGER REFERENCES units(id),
  updated_at INTEGER NOT NULL
);
CREATE INDEX clues_unit_received ON clues(unit_path, received_at);
CREATE INDEX clues_received ON clues(received_at);
CREATE INDEX clues_pending ON clues(status, review_deadline);
CREATE INDEX clues_assigned ON clues(assigned_to, status);
CREATE INDEX clues_idnum ON clues(victim_idnum_idx) WHERE victim_idnum_idx IS NOT NULL;
CREATE INDEX clues_phone ON clues(victim_phone_idx) WHERE victim_phone_idx IS NOT NULL;
CREATE INDEX clues_name ON clues(victim_name_idx) WHERE victim_name_idx IS NOT NULL;
CREATE INDEX clues_suspect ON clues(suspect_norm) WHERE suspect_norm <> '';
CREATE INDEX clues_offence_time ON clues(offence_time) WHERE offence_time IS NOT NULL;

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  clue_id INTEGER REFERENCES clues(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  unit_path TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  stage TEXT NOT NULL,
  offence_time INTEGER, place TEXT NOT NULL DEFAULT '', latitude REAL, longitude REAL,
  youngest_victim_age INTEGER, victim_count INTEGER NOT NULL DEFAULT 1,
  offender_count INTEGER NOT NULL DEFAULT 1, duty_of_care TEXT NOT NULL DEFAULT 'none',
  weapon INTEGER NOT NULL DEFAULT 0, serious_injury INTEGER NOT NULL DEFAULT 0,
  online_dating INTEGER NOT NULL DEFAULT 0, linked_series INTEGER NOT NULL DEFAULT 0,
  repeat_offender INTEGER NOT NULL DEFAULT 0,
  filed_at INTEGER NOT NULL,
  historic INTEGER NOT NULL DEFAULT 0,
  reopened INTEGER NOT NULL DEFAULT 0,
  major INTEGER NOT NULL DEFAULT 0,
  priority INTEGER NOT NULL DEFAULT 0,
  major_flags TEXT NOT NULL DEFAULT '[]',
  rules_version TEXT NOT NULL DEFAULT '',
  supervising_unit_id INTEGER REFERENCES units(id),
  case_manager_id INTEGER REFERENCES users(id),
  lead_investigator_id INTEGER REFERENCES users(id),
  file_coordinator_id INTEGER REFERENCES users(id),
  procuratorate_unit_id INTEGER REFERENCES units(id),
  solved_at INTEGER,
  closed_at INTEGER,
  stage_deadline INTEGER,
  stage_deadline_label TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
CREATE INDEX cases_unit_filed ON cases(unit_path, filed_at);
CREATE INDEX cases_filed ON cases(filed_at);
CREATE INDEX cases_stage ON cases(stage, filed_at);
CREATE INDEX cases_major ON cases(major, stage) WHERE major = 1;
CREATE INDEX cases_lead ON cases(lead_investigator_id);
CREATE INDEX cases_manager ON cases(case_manager_id);
CREATE INDEX cases_procuratorate ON cases(procuratorate_unit_id) WHERE procuratorate_unit_id IS NOT NULL;

CREATE TABLE persons (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  role TEXT NOT NULL,
  pseudonym TEXT NOT NULL,
  sex TEXT NOT NULL DEFAULT 'unknown',
  age_at_offence INTEGER,
  duty_of_care TEXT NOT NULL DEFAULT 'none',
  notes TEXT NOT NULL DEFAULT '',
  identity_protected INTEGER NOT NULL DEFAULT 0,
  identity_cipher BLOB,
  identity_plain TEXT NOT NULL DEFAULT '',
  name_idx BLOB, idnum_idx BLOB, phone_idx BLOB,
  detained_at INTEGER,
  UNIQUE (case_id, pseudonym)
);
CREATE INDEX persons_case ON persons(case_id);
CREATE INDEX persons_idnum ON persons(idnum_idx) WHERE idnum_idx IS NOT NULL;
CREATE INDEX persons_detained ON persons(detained_at) WHERE detained_at IS NOT NULL;

CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  at INTEGER NOT NULL,
  actor_id INTEGER REFERENCES users(id),
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events(case_id, at);
CREATE INDEX case_events_kind ON case_events(kind, at);

CREATE TABLE checklist (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  key TEXT NOT NULL,
  done_at INTEGER,
  done_by INTEGER REFERENCES users(id),
  PRIMARY KEY (case_id, key)
) WITHOUT ROWID;

CREATE TABLE actions (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  owner_id INTEGER REFERENCES users(id),
  status TEXT NOT NULL,
  due_at INTEGER,
  result TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX actions_case ON actions(case_id);
CREATE INDEX actions_owner ON actions(owner_id, status);

CREATE TABLE assistance (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  from_unit_id INTEGER NOT NULL REFERENCES units(id),
  to_unit_id INTEGER NOT NULL REFERENCES units(id),
  request TEXT NOT NULL,
  status TEXT NOT NULL,
  response TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX assistance_case ON assistance(case_id);
CREATE INDEX assistance_to ON assistance(to_unit_id, status);

CREATE TABLE case_shares (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  shared_by INTEGER NOT NULL REFERENCES users(id),
  shared_at INTEGER NOT NULL,
  PRIMARY KEY (case_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX case_shares_unit ON case_shares(unit_id);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  starts_at INTEGER NOT NULL,
  ends_at INTEGER,
  scope_unit_id INTEGER NOT NULL REFERENCES units(id)
);

-- Append-only: the triggers refuse updates and deletes.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id INTEGER,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL DEFAULT '',
  object_id INTEGER,
  allowed INTEGER NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  remote TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE INDEX audit_user ON audit_log(user_id, at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)SQL";

// Indexes for case lists at a million rows: counts answered from covering indexes (stage and unit
// path; major cases by unit path), team lookups for the scope subquery, and the major-case board
// walked in priority order. ANALYZE gives the planner the statistics to choose among them.
constexpr std::string_view kV2 = R"SQL(
CREATE INDEX cases_stage_unit ON cases(stage, unit_path);
CREATE INDEX cases_coordinator ON cases(file_coordinator_id);
CREATE INDEX cases_major_priority ON cases(priority) WHERE major = 1;
CREATE INDEX cases_major_unit ON cases(unit_path, stage) WHERE major = 1;
DROP INDEX cases_major;

-- Daily counters behind the campaign dashboard, kept by triggers in the same transaction as the
-- change, so that the figures for a million cases are a small range read instead of table scans.
-- Metrics: clues (received), filed, minor_filed (filed with a victim under 18), solved,
-- historic_solved, arrested (suspects detained). Days are UTC days since 1970-01-01.
CREATE TABLE daily_stats (
  unit_path TEXT NOT NULL,
  metric TEXT NOT NULL,
  day INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (unit_path, metric, day)
) WITHOUT ROWID;
CREATE INDEX daily_stats_day ON daily_stats(day);

CREATE TRIGGER stats_clue_insert AFTER INSERT ON clues BEGIN
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'clues', NEW.received_at / 86400, 1 WHERE 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER stats_case_insert AFTER INSERT ON cases BEGIN
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'filed', NEW.filed_at / 86400, 1 WHERE 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'minor_filed', NEW.filed_at / 86400, 1 WHERE NEW.youngest_victim_age < 18
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'solved', NEW.solved_at / 86400, 1 WHERE NEW.solved_at IS NOT NULL
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'historic_solved', NEW.solved_at / 86400, 1 WHERE NEW.solved_at IS NOT NULL AND NEW.historic = 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER stats_case_update AFTER UPDATE OF unit_path, filed_at, solved_at, historic,
  youngest_victim_age ON cases BEGIN
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT OLD.unit_path, 'filed', OLD.filed_at / 86400, -1 WHERE 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT OLD.unit_path, 'minor_filed', OLD.filed_at / 86400, -1 WHERE OLD.youngest_victim_age < 18
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT OLD.unit_path, 'solved', OLD.solved_at / 86400, -1 WHERE OLD.solved_at IS NOT NULL
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT OLD.unit_path, 'historic_solved', OLD.solved_at / 86400, -1 WHERE OLD.solved_at IS NOT NULL AND OLD.historic = 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'filed', NEW.filed_at / 86400, 1 WHERE 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'minor_filed', NEW.filed_at / 86400, 1 WHERE NEW.youngest_victim_age < 18
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'solved', NEW.solved_at / 86400, 1 WHERE NEW.solved_at IS NOT NULL
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT NEW.unit_path, 'historic_solved', NEW.solved_at / 86400, 1 WHERE NEW.solved_at IS NOT NULL AND NEW.historic = 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER stats_person_insert AFTER INSERT ON persons WHEN NEW.detained_at IS NOT NULL BEGIN
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT (SELECT unit_path FROM cases WHERE id = NEW.case_id), 'arrested', NEW.detained_at / 86400, 1
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER stats_person_update AFTER UPDATE OF detained_at ON persons BEGIN
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT (SELECT unit_path FROM cases WHERE id = OLD.case_id), 'arrested', OLD.detained_at / 86400, -1 WHERE OLD.detained_at IS NOT NULL
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO daily_stats(unit_path, metric, day, n) SELECT (SELECT unit_path FROM cases WHERE id = NEW.case_id), 'arrested', NEW.detained_at / 86400, 1 WHERE NEW.detained_at IS NOT NULL
    ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n;
END;

-- Counters for data that existed before this migration.
INSERT INTO daily_stats(unit_path, metric, day, n)
  SELECT unit_path, 'clues', received_at / 86400, COUNT(*) FROM clues GROUP BY 1, 3;
INSERT INTO daily_stats(unit_path, metric, day, n)
  SELECT unit_path, 'filed', filed_at / 86400, COUNT(*) FROM cases GROUP BY 1, 3;
INSERT INTO daily_stats(unit_path, metric, day, n)
  SELECT unit_path, 'minor_filed', filed_at / 86400, COUNT(*) FROM cases
  WHERE youngest_victim_age < 18 GROUP BY 1, 3;
INSERT INTO daily_stats(unit_path, metric, day, n)
  SELECT unit_path, 'solved', solved_at / 86400, COUNT(*) FROM cases
  WHERE solved_at IS NOT NULL GROUP BY 1, 3;
INSERT INTO daily_stats(unit_path, metric, day, n)
  SELECT unit_path, 'historic_solved', solved_at / 86400, COUNT(*) FROM cases
  WHERE solved_at IS NOT NULL AND historic = 1 GROUP BY 1, 3;
INSERT INTO daily_stats(unit_path, metric, day, n)
  SELECT c.unit_path, 'arrested', p.detained_at / 86400, COUNT(*) FROM persons p
  JOIN cases c ON c.id = p.case_id WHERE p.detained_at IS NOT NULL GROUP BY 1, 3;
ANALYZE;
)SQL";

// Sign-in hardening: sessions get a public id (the token hash never leaves the server), the address
// they were opened from and a flag for sessions limited to enrolling a second factor; user_auth
// holds lockout counters and the TOTP secret (encrypted by the vault, bound to the user id).
constexpr std::string_view kV4SignIn = R"SQL(
CREATE TABLE sessions_v4 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash BLOB NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  remote TEXT NOT NULL DEFAULT '',
  enrolment_only INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sessions_v4(token_hash, user_id, created_at, expires_at, last_seen)
  SELECT token_hash, user_id, created_at, expires_at, last_seen FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_v4 RENAME TO sessions;
CREATE INDEX sessions_user ON sessions(user_id, last_seen);

CREATE TABLE user_auth (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  totp_secret BLOB,
  totp_pending BLOB,
  totp_enabled_at INTEGER,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  password_changed_at INTEGER
);
)SQL";

// Tamper-evident audit: every record carries its chain hash, and signed checkpoints seal the chain
// head. Records written before this migration are chained by its code step (ChainLegacyAudit).
constexpr std::string_view kV3 = R"SQL(
ALTER TABLE audit_log ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash BLOB;
CREATE INDEX audit_at ON audit_log(at);
CREATE TRIGGER audit_needs_hash BEFORE INSERT ON audit_log
  WHEN NEW.hash IS NULL OR length(NEW.hash) <> 32
  BEGIN SELECT RAISE(ABORT, 'audit_log records need their chain hash'); END;

CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  at INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  signature BLOB NOT NULL
);
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints(seq);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
)SQL";

// Need-to-know access (issue 3): sensitivity labels on cases, break-glass grants and in-app alerts.
constexpr std::string_view kV6Access = R"SQL(
ALTER TABLE cases ADD COLUMN labels INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN restricted_sections INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN seal_reference TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_labelled ON cases(labels) WHERE labels <> 0;
-- Team members are named on few cases (imports and most routine cases name none): partial indexes
-- cost a bulk load only a scan. "col = ?" implies "col IS NOT NULL", so lookups still use them.
DROP INDEX cases_lead;
DROP INDEX cases_manager;
DROP INDEX cases_coordinator;
CREATE INDEX cases_lead ON cases(lead_investigator_id) WHERE lead_investigator_id IS NOT NULL;
CREATE INDEX cases_manager ON cases(case_manager_id) WHERE case_manager_id IS NOT NULL;
CREATE INDEX cases_coordinator ON cases(file_coordinator_id) WHERE file_coordinator_id IS NOT NULL;

CREATE TABLE break_glass_grants (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  reviewed_by INTEGER REFERENCES users(id),
  reviewed_at INTEGER,
  justified INTEGER,
  review_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX break_glass_user ON break_glass_grants(user_id, expires_at);
CREATE INDEX break_glass_case ON break_glass_grants(case_id);
CREATE INDEX break_glass_unreviewed ON break_glass_grants(id) WHERE reviewed_at IS NULL;

CREATE TABLE user_alerts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  case_id INTEGER REFERENCES cases(id),
  grant_id INTEGER REFERENCES break_glass_grants(id),
  detail TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  read_at INTEGER
);
CREATE INDEX user_alerts_user ON user_alerts(user_id, id);
)SQL";

// Audit records by object through sorted runs instead of a per-record index (sqlite_audit.h).
constexpr std::string_view kV8AuditObjectRuns = R"SQL(
DROP INDEX audit_object;
CREATE TABLE audit_object_runs (
  run INTEGER NOT NULL,
  object_type TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (run, object_type, object_id, seq)
) WITHOUT ROWID;
CREATE TABLE audit_object_run_list (
  run INTEGER PRIMARY KEY,
  level INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  entries INTEGER NOT NULL
);
)SQL";

}  // namespace

const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", kV1},
      {2, "case list indexes and dashboard counters", kV2},
      {3, "audit hash chain and checkpoints", kV3, ChainLegacyAudit},
      {4, "sign-in hardening: session ids, lockout, TOTP", kV4SignIn},
      {5, "victim support: interviews, consents, referrals, survivor codes, outbox",
       VictimSupportMigrationSql()},
      {6, "need-to-know access: sensitivity labels, break-glass grants, alerts", kV6Access},
      {7, "case exports: redacted case files handed outside the case team", ExportMigrationSql()},
      {8, "audit records by object: sorted runs appended in bulk", kV8AuditObjectRuns,
       IndexExistingAuditObjects},
  };
  return kMigrations;
}

}  // namespace aegis::storage::internal
