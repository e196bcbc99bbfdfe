// SQLite implementation of the storage interface: WAL, foreign keys, one writer connection and a
// pool of reader connections, prepared statements only.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>
#include <variant>

#include "common/json_string.h"
#include "common/time.h"
#include "storage/audit_chain_codec.h"
#include "storage/internal/sqlite_audit.h"
#include "storage/internal/sqlite_export_repo.h"
#include "storage/internal/sqlite_schema.h"
#include "storage/internal/sqlite_stmt.h"
#include "storage/internal/sqlite_victim_repo.h"
#include "storage/store.h"

namespace aegis::storage {
namespace {

using internal::Exec;
using internal::SqliteError;
using internal::Stmt;
using namespace aegis::domain;

template <typename E>
E ParseOr(const std::string& text, E fallback) {
  return domain::Parse<E>(text).value_or(fallback);
}

// ---- Offence facts: 13 columns in a fixed order shared by clues and cases.
constexpr const char* kFactColumns =
    "offence_time, place, latitude, longitude, youngest_victim_age, victim_count, "
    "offender_count, duty_of_care, weapon, serious_injury, online_dating, linked_series, "
    "repeat_offender";
constexpr int kFactCount = 13;

// Text is bound without copies: `f` must outlive the statement's run.
void BindFacts(Stmt& s, int first, const OffenceFacts& f) {
  s.Bind(first, f.offence_time)
      .BindUncopied(first + 1, f.place)
      .Bind(first + 2, f.latitude)
      .Bind(first + 3, f.longitude)
      .Bind(first + 4, f.youngest_victim_age)
      .Bind(first + 5, f.victim_count)
      .Bind(first + 6, f.offender_count)
      .BindUncopied(first + 7, ToString(f.duty_of_care))
      .Bind(first + 8, f.weapon)
      .Bind(first + 9, f.serious_injury)
      .Bind(first + 10, f.online_dating)
      .Bind(first + 11, f.linked_series)
      .Bind(first + 12, f.repeat_offender);
}

OffenceFacts ReadFacts(const Stmt& s, int first) {
  OffenceFacts f;
  f.offence_time = s.OptInt(first);
  f.place = s.Text(first + 1);
  f.latitude = s.OptDouble(first + 2);
  f.longitude = s.OptDouble(first + 3);
  if (auto age = s.OptInt(first + 4)) f.youngest_victim_age = static_cast<int>(*age);
  f.victim_count = static_cast<int>(s.Int(first + 5));
  f.offender_count = static_cast<int>(s.Int(first + 6));
  f.duty_of_care = ParseOr(s.Text(first + 7), DutyOfCare::kNone);
  f.weapon = s.Int(first + 8) != 0;
  f.serious_injury = s.Int(first + 9) != 0;
  f.online_dating = s.Int(first + 10) != 0;
  f.linked_series = s.Int(first + 11) != 0;
  f.repeat_offender = s.Int(first + 12) != 0;
  return f;
}

std::optional<Id> OptId(const Stmt& s, int col) { return s.OptInt(col); }

// The flags as a JSON array (members in nlohmann's order). Written by hand: bulk imports store a
// million of these, and building nlohmann values cost more than the row's INSERT.
std::string FlagsToJson(const std::vector<MajorFlag>& flags) {
  std::string out = "[";
  for (const auto& f : flags) {
    if (out.size() > 1) out += ',';
    out += "{\"label\":";
    AppendJsonString(out, f.label);
    out += ",\"label_en\":";
    AppendJsonString(out, f.label_en);
    out += ",\"priority\":";
    out += std::to_string(f.priority);
    out += ",\"rule_key\":";
    AppendJsonString(out, f.rule_key);
    out += '}';
  }
  out += ']';
  return out;
}

std::vector<MajorFlag> ParseFlags(const std::string& text) {
  std::vector<MajorFlag> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    out.push_back({e.value("rule_key", ""), e.value("label", ""), e.value("label_en", ""),
                   e.value("priority", 0)});
  }
  return out;
}

// The major-case flags stored as JSON. The rules produce few distinct flag lists, and every case
// read parsed one (4 % of a case page's CPU): parsed lists are kept, up to kMaxEntries texts.
std::vector<MajorFlag> FlagsFromJson(const std::string& text) {
  if (text.empty() || text == "[]") return {};
  static constexpr size_t kMaxEntries = 4096;
  static std::shared_mutex mu;
  static std::unordered_map<std::string, std::vector<MajorFlag>> parsed;
  {
    std::shared_lock lock(mu);
    if (auto it = parsed.find(text); it != parsed.end()) return it->second;
  }
  std::vector<MajorFlag> flags = ParseFlags(text);
  std::unique_lock lock(mu);
  if (parsed.size() >= kMaxEntries) parsed.clear();
  parsed.emplace(text, flags);
  return flags;
}

// Upper bound for a path-prefix range scan: "/1/4/" -> "/1/40" ('0' follows '/').
std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  return end;
}

// A WHERE clause assembled from fixed SQL fragments; values are always bound, never spliced.
class Where {
 public:
  using Value = std::variant<std::int64_t, double, std::string>;
  void Add(const std::string& fragment) { parts_.push_back(fragment); }
  void Param(Value v) { params_.push_back(std::move(v)); }
  std::string Sql() const {
    if (parts_.empty()) return "";
    std::string out = " WHERE ";
    for (size_t i = 0; i < parts_.size(); ++i) out += (i ? " AND " : "") + parts_[i];
    return out;
  }
  int BindAll(Stmt& s, int first = 1) const {
    int i = first;
    for (const auto& v : params_) {
      if (auto* p = std::get_if<std::int64_t>(&v))
        s.Bind(i, *p);
      else if (auto* d = std::get_if<double>(&v))
        s.Bind(i, *d);
      else
        s.Bind(i, std::get<std::string>(v));
      ++i;
    }
    return i;
  }

 private:
  std::vector<std::string> parts_;
  std::vector<Value> params_;
};

void AddPathPrefixes(Where& w, const std::string& column,
                     const std::vector<std::string>& prefixes) {
  std::string frag = "(";
  for (size_t i = 0; i < prefixes.size(); ++i) {
    frag += (i ? " OR " : "") + ("(" + column + " >= ? AND " + column + " < ?)");
    w.Param(prefixes[i]);
    w.Param(PrefixEnd(prefixes[i]));
  }
  w.Add(frag + ")");
}

constexpr const char* kPostTransferStages = "('transferred_for_prosecution','prosecuted','closed')";

// Adds "the case is in `scope`": owned by one of the unit subtrees, or one of a small set of extra
// cases (team member, joint team, accepted assistance, transferred to the procuratorate) gathered
// by uncorrelated subqueries. When `index_friendly` is false the unit-path terms are written as
// `+unit_path` so that SQLite will not pick a unit index for them; ListCases does that when many
// rows match, so the query walks the ORDER BY index and stops after one page instead of sorting
// every matching row. With hidden labels the ordinary routes (unit subtree, shared units) exclude
// labelled cases, and the privileged ones (team, procuratorate, cleared subtrees, grants) do not.
void AddScope(Where& w, const CaseScope& scope, const std::string& alias,
              bool index_friendly = true) {
  if (scope.all) return;
  if (scope.empty()) {
    w.Add("0");
    return;
  }
  // Each term is appended to the SQL in the order its parameters are pushed onto `w`.
  const std::string path = (index_friendly ? "" : "+") + alias + ".unit_path";
  auto path_terms = [&](const std::vector<std::string>& prefixes, std::vector<std::string>& out) {
    for (const auto& p : prefixes) {
      out.push_back("(" + path + " >= ? AND " + path + " < ?)");
      w.Param(p);
      w.Param(PrefixEnd(p));
    }
  };
  auto in_union = [&](const std::vector<std::string>& selects) {
    std::string in = alias + ".id IN (";
    for (size_t i = 0; i < selects.size(); ++i) in += (i ? " UNION ALL " : "") + selects[i];
    return in + ")";
  };
  // The team's and the procuratorate's cases, as subqueries of an IN.
  auto privileged_selects = [&](std::vector<std::string>& out) {
    if (scope.team_member) {
      for (const char* col : {"case_manager_id", "lead_investigator_id", "file_coordinator_id"}) {
        out.push_back(std::string("SELECT id FROM cases WHERE ") + col + " = ?");
        w.Param(*scope.team_member);
      }
    }
    if (scope.procuratorate_unit) {
      out.push_back(
          std::string("SELECT id FROM cases WHERE procuratorate_unit_id = ? AND stage IN ") +
          kPostTransferStages);
      w.Param(*scope.procuratorate_unit);
    }
  };
  const bool labels_matter = scope.hidden_labels != 0;
  // Ordinary routes: the unit subtree and the units the case is shared with. Without labels the
  // privileged subqueries join the shared ones in a single IN over a UNION ALL.
  auto ordinary_term = [&]() -> std::string {
    std::vector<std::string> ordinary, shared;
    path_terms(scope.unit_path_prefixes, ordinary);
    for (Id unit : scope.shared_units) {
      shared.push_back("SELECT case_id FROM case_shares WHERE unit_id = ?");
      w.Param(unit);
      shared.push_back(
          "SELECT case_id FROM assistance WHERE to_unit_id = ? AND status IN "
          "('accepted','completed')");
      w.Param(unit);
    }
    if (!labels_matter) privileged_selects(shared);
    if (!shared.empty()) ordinary.push_back(in_union(shared));
    if (ordinary.empty()) return "";
    std::string frag = "(";
    for (size_t i = 0; i < ordinary.size(); ++i) frag += (i ? " OR " : "") + ordinary[i];
    frag += ")";
    if (labels_matter) {
      frag = "(" + frag + " AND (" + alias + ".labels & ?) = 0)";
      w.Param(static_cast<std::int64_t>(scope.hidden_labels));
    }
    return frag;
  };
  std::vector<std::string> terms;
  if (!labels_matter) {
    if (std::string t = ordinary_term(); !t.empty()) terms.push_back(t);
  } else {
    // With labels, the terms that need no label come first: SQLite evaluates an OR from the left
    // and reads the table row (for `labels`) only when it gets that far, so a case in a cleared
    // subtree is decided from the index alone. A supervisor's count over 10,000 cases took 26 ms
    // with the label test first and 2 ms this way.
    path_terms(scope.label_cleared_prefixes, terms);
    std::vector<std::string> privileged;
    privileged_selects(privileged);
    if (!privileged.empty()) terms.push_back(in_union(privileged));
    if (std::string t = ordinary_term(); !t.empty()) terms.push_back(t);
  }
  if (!scope.break_glass_cases.empty()) {
    std::string in = "(" + alias + ".id IN (";
    for (size_t i = 0; i < scope.break_glass_cases.size(); ++i) {
      in += i ? ",?" : "?";
      w.Param(scope.break_glass_cases[i]);
    }
    in += ") AND (" + alias + ".labels & ?) = 0)";
    w.Param(static_cast<std::int64_t>(scope.grant_excluded_labels));
    terms.push_back(in);
  }
  std::string frag = "(";
  for (size_t i = 0; i < terms.size(); ++i) frag += (i ? " OR " : "") + terms[i];
  w.Add(frag + ")");
}

bool PathInPrefixes(const std::string& path, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes)
    if (path.compare(0, p.size(), p) == 0) return true;
  return false;
}

constexpr const char* kClueColumns =
    "id, reference, source, received_at, unit_id, recorded_by, assigned_to, summary, "
    "offence_time, place, latitude, longitude, youngest_victim_age, victim_count, "
    "offender_count, duty_of_care, weapon, serious_injury, online_dating, linked_series, "
    "repeat_offender, victim_pseudonym, victim_sex, victim_identity, victim_name_idx, "
    "victim_idnum_idx, victim_phone_idx, suspect_description, status, track, review_deadline, "
    "track_approved_by, decided_at, decided_by, decision_reason, case_id, transferred_to_unit, "
    "updated_at, unit_path";

ClueRecord ReadClue(const Stmt& s) {
  ClueRecord r;
  Clue& c = r.clue;
  c.id = s.Int(0);
  c.reference = s.Text(1);
  c.source = ParseOr(s.Text(2), ClueSource::kWalkIn);
  c.received_at = s.Int(3);
  c.unit_id = s.Int(4);
  c.recorded_by = s.Int(5);
  c.assigned_to = OptId(s, 6);
  c.summary = s.Text(7);
  c.facts = ReadFacts(s, 8);
  c.victim_pseudonym = s.Text(21);
  r.victim_sex = ParseOr(s.Text(22), Sex::kUnknown);
  r.victim_identity_cipher = s.Blob(23);
  r.victim_index = {s.Blob(24), s.Blob(25), s.Blob(26)};
  c.suspect_description = s.Text(27);
  c.status = ParseOr(s.Text(28), ClueStatus::kPendingReview);
  c.track = ParseOr(s.Text(29), ReviewTrack::kStandard);
  c.review_deadline = s.Int(30);
  c.track_approved_by = OptId(s, 31);
  c.decided_at = s.OptInt(32);
  c.decided_by = OptId(s, 33);
  c.decision_reason = s.Text(34);
  c.case_id = OptId(s, 35);
  c.transferred_to_unit = OptId(s, 36);
  c.updated_at = s.Int(37);
  r.unit_path = s.Text(38);
  return r;
}

std::string NormalizeSuspect(const std::string& text) {
  std::string out;
  bool space = false;
  for (unsigned char ch : text) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(ch));
  }
  return out;
}

constexpr const char* kCaseColumns =
    "id, reference, clue_id, unit_id, title, summary, stage, "
    "offence_time, place, latitude, longitude, youngest_victim_age, victim_count, "
    "offender_count, duty_of_care, weapon, serious_injury, online_dating, linked_series, "
    "repeat_offender, filed_at, historic, reopened, major, priority, major_flags, rules_version, "
    "supervising_unit_id, case_manager_id, lead_investigator_id, file_coordinator_id, "
    "procuratorate_unit_id, solved_at, closed_at, stage_deadline, stage_deadline_label, "
    "updated_at, "
    "labels, restricted_sections, seal_reference, unit_path";

// kCaseColumns qualified with the alias "c" (built once).
const std::string& CaseColumnsC() {
  static const std::string columns = [] {
    std::string out = "c.";
    for (const char* ch = kCaseColumns; *ch != '\0'; ++ch) {
      out += *ch;
      if (*ch == ' ' && ch != kCaseColumns && ch[-1] == ',') out += "c.";
    }
    return out;
  }();
  return columns;
}

Case ReadCase(const Stmt& s) {
  Case c;
  c.id = s.Int(0);
  c.reference = s.Text(1);
  c.clue_id = OptId(s, 2);
  c.unit_id = s.Int(3);
  c.title = s.Text(4);
  c.summary = s.Text(5);
  c.stage = ParseOr(s.Text(6), CaseStage::kFiled);
  c.facts = ReadFacts(s, 7);
  c.filed_at = s.Int(20);
  c.historic = s.Int(21) != 0;
  c.reopened = s.Int(22) != 0;
  c.major = s.Int(23) != 0;
  c.priority = static_cast<int>(s.Int(24));
  c.major_flags = FlagsFromJson(s.Text(25));
  c.rules_version = s.Text(26);
  c.supervising_unit_id = OptId(s, 27);
  c.case_manager_id = OptId(s, 28);
  c.lead_investigator_id = OptId(s, 29);
  c.file_coordinator_id = OptId(s, 30);
  c.procuratorate_unit_id = OptId(s, 31);
  c.solved_at = s.OptInt(32);
  c.closed_at = s.OptInt(33);
  c.stage_deadline = s.OptInt(34);
  c.stage_deadline_label = s.Text(35);
  c.updated_at = s.Int(36);
  c.stored_labels = static_cast<std::uint32_t>(s.Int(37));
  c.restricted_sections = static_cast<std::uint32_t>(s.Int(38));
  c.seal_reference = s.Text(39);
  c.unit_path = s.Text(40);
  return c;
}

// "?,?,…,?" with `n` placeholders.
std::string Placeholders(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

// The columns BindCase binds, in its order (37 of them).
const std::string& CaseWriteColumns() {
  static const std::string kColumns =
      std::string("reference, clue_id, unit_id, unit_path, title, summary, stage, ") +
      kFactColumns +
      ", filed_at, historic, reopened, major, priority, major_flags, rules_version, "
      "supervising_unit_id, case_manager_id, lead_investigator_id, file_coordinator_id, "
      "procuratorate_unit_id, solved_at, closed_at, stage_deadline, stage_deadline_label, "
      "updated_at";
  return kColumns;
}

// One case row, bound by BindCase.
const std::string& CaseInsertSql() {
  static const std::string kInsert =
      "INSERT INTO cases(" + CaseWriteColumns() + ") VALUES(" + Placeholders(37) + ")";
  return kInsert;
}

// Binds the case's columns from `reference` on; returns the next parameter index. Text is bound
// without copies: `c` and `unit_path` must outlive the statement's run.
int BindCase(Stmt& s, const Case& c, const std::string& unit_path) {
  s.BindUncopied(1, c.reference)
      .Bind(2, c.clue_id)
      .Bind(3, c.unit_id)
      .BindUncopied(4, unit_path)
      .BindUncopied(5, c.title)
      .BindUncopied(6, c.summary)
      .BindUncopied(7, ToString(c.stage));
  BindFacts(s, 8, c.facts);
  s.Bind(21, c.filed_at)
      .Bind(22, c.historic)
      .Bind(23, c.reopened)
      .Bind(24, c.major)
      .Bind(25, c.priority)
      .Bind(26, FlagsToJson(c.major_flags))
      .BindUncopied(27, c.rules_version)
      .Bind(28, c.supervising_unit_id)
      .Bind(29, c.case_manager_id)
      .Bind(30, c.lead_investigator_id)
      .Bind(31, c.file_coordinator_id)
      .Bind(32, c.procuratorate_unit_id)
      .Bind(33, c.solved_at)
      .Bind(34, c.closed_at)
      .Bind(35, c.stage_deadline)
      .BindUncopied(36, c.stage_deadline_label)
      .Bind(37, c.updated_at);
  return 38;
}

constexpr const char* kActionColumns =
    "id, case_id, title, description, owner_id, status, due_at, result, created_by, created_at, "
    "updated_at";

Action ReadAction(const Stmt& s) {
  Action a;
  a.id = s.Int(0);
  a.case_id = s.Int(1);
  a.title = s.Text(2);
  a.description = s.Text(3);
  a.owner_id = OptId(s, 4);
  a.status = ParseOr(s.Text(5), ActionStatus::kAllocated);
  a.due_at = s.OptInt(6);
  a.result = s.Text(7);
  a.created_by = s.Int(8);
  a.created_at = s.Int(9);
  a.updated_at = s.Int(10);
  return a;
}

constexpr const char* kAssistanceColumns =
    "id, case_id, from_unit_id, to_unit_id, request, status, response, created_at, updated_at";

AssistanceRequest ReadAssistance(const Stmt& s) {
  AssistanceRequest a;
  a.id = s.Int(0);
  a.case_id = s.Int(1);
  a.from_unit_id = s.Int(2);
  a.to_unit_id = s.Int(3);
  a.request = s.Text(4);
  a.status = ParseOr(s.Text(5), AssistanceStatus::kRequested);
  a.response = s.Text(6);
  a.created_at = s.Int(7);
  a.updated_at = s.Int(8);
  return a;
}

User ReadUser(const Stmt& s) {
  User u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  u.display_name = s.Text(2);
  u.role = ParseOr(s.Text(3), Role::kOfficer);
  u.unit_id = s.Int(4);
  u.active = s.Int(5) != 0;
  u.created_at = s.Int(6);
  return u;
}
constexpr const char* kUserColumns =
    "id, username, display_name, role, unit_id, active, created_at, password_hash";

Unit ReadUnit(const Stmt& s) {
  Unit u;
  u.id = s.Int(0);
  u.code = s.Text(1);
  u.name = s.Text(2);
  u.name_en = s.Text(3);
  u.type = ParseOr(s.Text(4), UnitType::kStation);
  u.parent_id = OptId(s, 5);
  u.path = s.Text(6);
  return u;
}
constexpr const char* kUnitColumns = "id, code, name, name_en, type, parent_id, path";

SessionRecord ReadSession(const Stmt& s) {
  SessionRecord r;
  r.token_hash = s.Blob(0);
  r.user_id = s.Int(1);
  r.created_at = s.Int(2);
  r.expires_at = s.Int(3);
  r.last_seen = s.Int(4);
  r.id = s.Int(5);
  r.remote = s.Text(6);
  r.enrolment_only = s.Int(7) != 0;
  return r;
}
constexpr const char* kSessionColumns =
    "token_hash, user_id, created_at, expires_at, last_seen, id, remote, enrolment_only";

// ---- Sealed (vault-encrypted) columns, for key rotation. Each query returns the row key, the
// ciphertext and the row's binding facts in the order of SealedCell: reference, case_id,
// pseudonym, person_id, kind, created_at. Fixed SQL per column; only values are bound.
struct SealedColumnSql {
  const char* list;
  const char* count;
  const char* update;
};

const SealedColumnSql& SqlFor(SealedColumn column) {
  static const SealedColumnSql kClue{
      "SELECT id, victim_identity, reference, 0, '', 0, '', 0 FROM clues "
      "WHERE id > ? AND victim_identity IS NOT NULL ORDER BY id LIMIT ?",
      "SELECT COUNT(*) FROM clues WHERE victim_identity IS NOT NULL",
      "UPDATE clues SET victim_identity = ? WHERE id = ?"};
  static const SealedColumnSql kPerson{
      "SELECT id, identity_cipher, '', case_id, pseudonym, 0, '', 0 FROM persons "
      "WHERE id > ? AND identity_cipher IS NOT NULL ORDER BY id LIMIT ?",
      "SELECT COUNT(*) FROM persons WHERE identity_cipher IS NOT NULL",
      "UPDATE persons SET identity_cipher = ? WHERE id = ?"};
  static const SealedColumnSql kTotpSecret{
      "SELECT user_id, totp_secret, '', 0, '', 0, '', 0 FROM user_auth "
      "WHERE user_id > ? AND totp_secret IS NOT NULL ORDER BY user_id LIMIT ?",
      "SELECT COUNT(*) FROM user_auth WHERE totp_secret IS NOT NULL",
      "UPDATE user_auth SET totp_secret = ? WHERE user_id = ?"};
  static const SealedColumnSql kTotpPending{
      "SELECT user_id, totp_pending, '', 0, '', 0, '', 0 FROM user_auth "
      "WHERE user_id > ? AND totp_pending IS NOT NULL ORDER BY user_id LIMIT ?",
      "SELECT COUNT(*) FROM user_auth WHERE totp_pending IS NOT NULL",
      "UPDATE user_auth SET totp_pending = ? WHERE user_id = ?"};
  static const SealedColumnSql kPreferences{
      "SELECT person_id, cipher, '', case_id, '', 0, '', 0 FROM contact_preferences "
      "WHERE person_id > ? ORDER BY person_id LIMIT ?",
      "SELECT COUNT(*) FROM contact_preferences",
      "UPDATE contact_preferences SET cipher = ? WHERE person_id = ?"};
  static const SealedColumnSql kNotification{
      "SELECT id, payload, '', case_id, '', person_id, kind, created_at FROM notification_outbox "
      "WHERE id > ? ORDER BY id LIMIT ?",
      "SELECT COUNT(*) FROM notification_outbox",
      "UPDATE notification_outbox SET payload = ? WHERE id = ?"};
  switch (column) {
    case SealedColumn::kClueVictimIdentity:
      return kClue;
    case SealedColumn::kPersonIdentity:
      return kPerson;
    case SealedColumn::kTotpSecret:
      return kTotpSecret;
    case SealedColumn::kTotpPending:
      return kTotpPending;
    case SealedColumn::kContactPreferences:
      return kPreferences;
    case SealedColumn::kNotificationPayload:
      break;
  }
  return kNotification;
}

// Prepared statements are cached per connection: preparing costs more than running a point query.
using StmtCache = std::unordered_map<std::string, std::unique_ptr<Stmt>>;

// The statement for `sql` from `cache` (prepared on first use), reset and unbound.
Stmt& CachedStatement(sqlite3* db, StmtCache& cache, const std::string& sql) {
  auto it = cache.find(sql);
  if (it == cache.end() || !it->second->prepared())
    it = cache.insert_or_assign(sql, std::make_unique<Stmt>(db, sql)).first;
  else
    it->second->Reset();
  return *it->second;
}

#define PREPARE(var, sql)    \
  Stmt& var = Prepared(sql); \
  if (!var.prepared()) return var.status()

// Units and users are only ever inserted, never changed afterwards (a unit's path is set in the
// inserting transaction), so a row once read from a committed snapshot stays true. Every case page
// and list names a few of them; keeping them here saves several queries per request. Only read
// transactions fill it (a write may still roll back). A future UPDATE of users or units must clear
// it.
struct RowCache {
  std::shared_mutex mu;
  std::unordered_map<Id, Unit> units;
  std::unordered_map<Id, User> users;
  static constexpr size_t kMaxEntries = 100000;
};

class SqliteRepo final : public Repo {
 public:
  SqliteRepo(sqlite3* db, StmtCache* cache, const AuditHasher* audit_hasher, RowCache* rows,
             bool fill_rows)
      : db_(db), cache_(cache), audit_hasher_(audit_hasher), rows_(rows), fill_rows_(fill_rows) {}

  // ---- units
  StatusOr<Id> InsertUnit(const Unit& unit) override {
    std::string parent_path = "/";
    if (unit.parent_id) {
      AEGIS_ASSIGN_OR_RETURN(auto parent, GetUnit(*unit.parent_id));
      if (!parent) return Status::InvalidArgument("parent_id", "no such unit");
      parent_path = parent->path;
    }
    PREPARE(s,
            "INSERT INTO units(code, name, name_en, type, parent_id, path) VALUES(?,?,?,?,?,'')");
    s.Bind(1, unit.code).Bind(2, unit.name).Bind(3, unit.name_en).Bind(4, ToString(unit.type));
    s.Bind(5, unit.parent_id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    const Id id = sqlite3_last_insert_rowid(db_);
    PREPARE(u, "UPDATE units SET path = ? WHERE id = ?");
    u.Bind(1, parent_path + std::to_string(id) + "/").Bind(2, id);
    AEGIS_RETURN_IF_ERROR(u.Run());
    return id;
  }

  StatusOr<std::vector<Unit>> ListUnits() override {
    PREPARE(s, std::string("SELECT ") + kUnitColumns + " FROM units ORDER BY path");
    std::vector<Unit> out;
    while (s.Step()) out.push_back(ReadUnit(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<std::optional<Unit>> GetUnit(Id id) override {
    {
      std::shared_lock lock(rows_->mu);
      auto it = rows_->units.find(id);
      if (it != rows_->units.end()) return std::optional<Unit>(it->second);
    }
    PREPARE(s, std::string("SELECT ") + kUnitColumns + " FROM units WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) {
      Unit u = ReadUnit(s);
      if (fill_rows_ && !u.path.empty()) {
        std::unique_lock lock(rows_->mu);
        if (rows_->units.size() >= RowCache::kMaxEntries) rows_->units.clear();
        rows_->units.emplace(id, u);
      }
      return std::optional<Unit>(std::move(u));
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<Unit>();
  }

  // ---- users
  StatusOr<Id> InsertUser(const UserRecord& r) override {
    PREPARE(s,
            "INSERT INTO users(username, display_name, role, unit_id, password_hash, active, "
            "created_at) VALUES(?,?,?,?,?,?,?)");
    s.Bind(1, r.user.username).Bind(2, r.user.display_name).Bind(3, ToString(r.user.role));
    s.Bind(4, r.user.unit_id).Bind(5, r.password_hash).Bind(6, r.user.active);
    s.Bind(7, r.user.created_at);
    if (Status st = s.Run(); !st.ok()) {
      if (st.code() == StatusCode::kConflict)
        return Status::Conflict("username is already taken", "username");
      return st;
    }
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::optional<UserRecord>> FindUserByUsername(const std::string& username) override {
    PREPARE(s, std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?");
    s.Bind(1, username);
    if (s.Step()) return std::optional<UserRecord>(UserRecord{ReadUser(s), s.Text(7)});
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<UserRecord>();
  }

  StatusOr<std::optional<User>> GetUser(Id id) override {
    {
      std::shared_lock lock(rows_->mu);
      auto it = rows_->users.find(id);
      if (it != rows_->users.end()) return std::optional<User>(it->second);
    }
    PREPARE(s, std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) {
      User u = ReadUser(s);
      if (fill_rows_) {
        std::unique_lock lock(rows_->mu);
        if (rows_->users.size() >= RowCache::kMaxEntries) rows_->users.clear();
        rows_->users.emplace(id, u);
      }
      return std::optional<User>(std::move(u));
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<User>();
  }

  StatusOr<std::vector<User>> ListUsers(const std::string& prefix,
                                        std::optional<Role> role) override {
    std::string sql =
        "SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.active, "
        "u.created_at FROM users u JOIN units n ON n.id = u.unit_id WHERE 1";
    if (!prefix.empty()) sql += " AND n.path >= ?1 AND n.path < ?2";
    if (role) sql += " AND u.role = ?3";
    sql += " ORDER BY u.display_name";
    PREPARE(s, sql);
    if (!prefix.empty()) s.Bind(1, prefix).Bind(2, PrefixEnd(prefix));
    if (role) s.Bind(3, ToString(*role));
    std::vector<User> out;
    while (s.Step()) out.push_back(ReadUser(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status SetPasswordHash(Id user_id, const std::string& hash) override {
    PREPARE(s, "UPDATE users SET password_hash = ? WHERE id = ?");
    s.Bind(1, hash).Bind(2, user_id);
    return s.Run();
  }

  // ---- sessions
  Status InsertSession(const SessionRecord& r) override {
    PREPARE(s,
            "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, last_seen, remote, "
            "enrolment_only) VALUES(?,?,?,?,?,?,?)");
    s.BindBlob(1, r.token_hash).Bind(2, r.user_id).Bind(3, r.created_at).Bind(4, r.expires_at);
    s.Bind(5, r.last_seen).Bind(6, r.remote).Bind(7, r.enrolment_only);
    return s.Run();
  }

  StatusOr<std::optional<SessionRecord>> FindSession(const std::string& token_hash) override {
    PREPARE(s, std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE token_hash = ?");
    s.BindBlob(1, token_hash);
    if (s.Step()) return std::optional<SessionRecord>(ReadSession(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<SessionRecord>();
  }

  Status TouchSession(const std::string& token_hash, UnixSeconds now) override {
    PREPARE(s, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
    s.Bind(1, now).BindBlob(2, token_hash);
    return s.Run();
  }

  Status DeleteSession(const std::string& token_hash) override {
    PREPARE(s, "DELETE FROM sessions WHERE token_hash = ?");
    s.BindBlob(1, token_hash);
    return s.Run();
  }

  // ---- sign-in hardening
  StatusOr<std::vector<SessionRecord>> ListSessions(Id user_id) override {
    PREPARE(s, std::string("SELECT ") + kSessionColumns +
                   " FROM sessions WHERE user_id = ? ORDER BY created_at DESC, id DESC");
    s.Bind(1, user_id);
    std::vector<SessionRecord> out;
    while (s.Step()) out.push_back(ReadSession(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<bool> DeleteSessionById(Id user_id, Id session_id) override {
    PREPARE(s, "DELETE FROM sessions WHERE id = ? AND user_id = ?");
    s.Bind(1, session_id).Bind(2, user_id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_changes(db_) > 0;
  }

  StatusOr<int> DeleteSessionsOfUser(Id user_id, std::optional<Id> keep) override {
    PREPARE(s, "DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR id <> ?2)");
    s.Bind(1, user_id).Bind(2, keep);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_changes(db_);
  }

  Status DeleteStaleSessions(Id user_id, UnixSeconds now, UnixSeconds idle_before) override {
    PREPARE(s, "DELETE FROM sessions WHERE user_id = ? AND (expires_at <= ? OR last_seen < ?)");
    s.Bind(1, user_id).Bind(2, now).Bind(3, idle_before);
    return s.Run();
  }

  Status PromoteSession(Id session_id, UnixSeconds expires_at) override {
    PREPARE(s, "UPDATE sessions SET enrolment_only = 0, expires_at = ? WHERE id = ?");
    s.Bind(1, expires_at).Bind(2, session_id);
    return s.Run();
  }

  StatusOr<std::optional<UserAuthRecord>> GetUserAuth(Id user_id) override {
    PREPARE(s,
            "SELECT failed_logins, locked_until, totp_secret, totp_pending, totp_enabled_at, "
            "totp_last_step, password_changed_at FROM user_auth WHERE user_id = ?");
    s.Bind(1, user_id);
    if (s.Step()) {
      UserAuthRecord r;
      r.user_id = user_id;
      r.failed_logins = static_cast<int>(s.Int(0));
      r.locked_until = s.OptInt(1);
      r.totp_secret = s.Blob(2);
      r.totp_pending = s.Blob(3);
      r.totp_enabled_at = s.OptInt(4);
      r.totp_last_step = s.Int(5);
      r.password_changed_at = s.OptInt(6);
      return std::optional<UserAuthRecord>(std::move(r));
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<UserAuthRecord>();
  }

  Status PutUserAuth(const UserAuthRecord& r) override {
    PREPARE(s,
            "INSERT OR REPLACE INTO user_auth(user_id, failed_logins, locked_until, totp_secret, "
            "totp_pending, totp_enabled_at, totp_last_step, password_changed_at) "
            "VALUES(?,?,?,?,?,?,?,?)");
    s.Bind(1, r.user_id).Bind(2, r.failed_logins).Bind(3, r.locked_until);
    s.BindBlob(4, r.totp_secret).BindBlob(5, r.totp_pending);  // empty binds NULL
    s.Bind(6, r.totp_enabled_at).Bind(7, r.totp_last_step).Bind(8, r.password_changed_at);
    return s.Run();
  }

  StatusOr<long long> NextSequence(const std::string& name) override {
    PREPARE(s,
            "INSERT INTO sequences(name, value) VALUES(?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value");
    s.Bind(1, name);
    if (s.Step()) return static_cast<long long>(s.Int(0));
    AEGIS_RETURN_IF_ERROR(s.status());
    return Status::Internal("sequence did not return a value");
  }

  // ---- clues
  StatusOr<Id> InsertClue(const ClueRecord& r) override {
    AEGIS_ASSIGN_OR_RETURN(auto unit, GetUnit(r.clue.unit_id));
    if (!unit) return Status::InvalidArgument("unit_id", "no such unit");
    PREPARE(s,
            std::string("INSERT INTO clues(reference, source, received_at, unit_id, recorded_by, "
                        "assigned_to, summary, ") +
                kFactColumns +
                ", victim_pseudonym, victim_sex, victim_identity, victim_name_idx, "
                "victim_idnum_idx, victim_phone_idx, suspect_description, suspect_norm, status, "
                "track, review_deadline, track_approved_by, decided_at, decided_by, "
                "decision_reason, case_id, transferred_to_unit, updated_at, unit_path) VALUES(" +
                Placeholders(7 + kFactCount + 19) + ")");
    const Clue& c = r.clue;
    s.Bind(1, c.reference).Bind(2, ToString(c.source)).Bind(3, c.received_at).Bind(4, c.unit_id);
    s.Bind(5, c.recorded_by).Bind(6, c.assigned_to).Bind(7, c.summary);
    BindFacts(s, 8, c.facts);
    int i = 8 + kFactCount;
    s.Bind(i++, c.victim_pseudonym);
    s.Bind(i++, ToString(r.victim_sex));
    s.BindBlob(i++, r.victim_identity_cipher);
    s.BindBlob(i++, r.victim_index.name);
    s.BindBlob(i++, r.victim_index.id_number);
    s.BindBlob(i++, r.victim_index.phone);
    s.Bind(i++, c.suspect_description);
    s.Bind(i++, NormalizeSuspect(c.suspect_description));
    s.Bind(i++, ToString(c.status));
    s.Bind(i++, ToString(c.track));
    s.Bind(i++, c.review_deadline);
    s.Bind(i++, c.track_approved_by);
    s.Bind(i++, c.decided_at);
    s.Bind(i++, c.decided_by);
    s.Bind(i++, c.decision_reason);
    s.Bind(i++, c.case_id);
    s.Bind(i++, c.transferred_to_unit);
    s.Bind(i++, c.updated_at);
    s.Bind(i++, unit->path);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::optional<ClueRecord>> GetClue(Id id) override {
    PREPARE(s, std::string("SELECT ") + kClueColumns + " FROM clues WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<ClueRecord>(ReadClue(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<ClueRecord>();
  }

  Status UpdateClue(const ClueRecord& r) override {
    PREPARE(s,
            "UPDATE clues SET assigned_to=?, status=?, track=?, review_deadline=?, "
            "track_approved_by=?, decided_at=?, decided_by=?, decision_reason=?, case_id=?, "
            "transferred_to_unit=?, updated_at=? WHERE id=?");
    const Clue& c = r.clue;
    s.Bind(1, c.assigned_to).Bind(2, ToString(c.status)).Bind(3, ToString(c.track));
    s.Bind(4, c.review_deadline).Bind(5, c.track_approved_by).Bind(6, c.decided_at);
    s.Bind(7, c.decided_by).Bind(8, c.decision_reason).Bind(9, c.case_id);
    s.Bind(10, c.transferred_to_unit).Bind(11, c.updated_at).Bind(12, c.id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::NotFound("clue not found");
    return Status::Ok();
  }

  StatusOr<ListResult<ClueRecord>> ListClues(const ClueQuery& q) override {
    Where w;
    if (!q.unit_path_prefixes.empty()) AddPathPrefixes(w, "unit_path", q.unit_path_prefixes);
    if (q.hidden_case_labels) {
      // Few cases carry labels (partial index cases_labelled): a short NOT IN list.
      w.Add(
          "(case_id IS NULL OR case_id NOT IN (SELECT id FROM cases WHERE labels <> 0 AND "
          "(labels & ?) <> 0))");
      w.Param(static_cast<std::int64_t>(q.hidden_case_labels));
    }
    if (q.status) {
      w.Add("status = ?");
      w.Param(std::string(ToString(*q.status)));
    }
    if (q.track) {
      w.Add("track = ?");
      w.Param(std::string(ToString(*q.track)));
    }
    if (q.unit_id) {
      w.Add("unit_id = ?");
      w.Param(*q.unit_id);
    }
    if (q.assigned_to) {
      w.Add("assigned_to = ?");
      w.Param(*q.assigned_to);
    }
    if (q.deadline_before) {
      w.Add("review_deadline < ?");
      w.Param(*q.deadline_before);
    }
    if (q.deadline_after) {
      w.Add("review_deadline >= ?");
      w.Param(*q.deadline_after);
    }
    if (!q.text.empty()) {
      w.Add("(reference LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\')");
      w.Param(LikePattern(q.text));
      w.Param(LikePattern(q.text));
    }
    static const std::map<std::string, std::string> kSort = {{"received_at", "received_at"},
                                                             {"review_deadline", "review_deadline"},
                                                             {"reference", "reference"},
                                                             {"", "received_at"}};
    auto it = kSort.find(q.page.sort);
    if (it == kSort.end()) return Status::InvalidArgument("sort", "unknown sort key");
    ListResult<ClueRecord> out;
    {
      PREPARE(c, "SELECT COUNT(*) FROM (SELECT 1 FROM clues" + w.Sql() + " LIMIT ?)");
      const int next = w.BindAll(c);
      c.Bind(next, q.page.count_limit + 1);
      if (c.Step()) out.total = c.Int(0);
      AEGIS_RETURN_IF_ERROR(c.status());
      out.total_capped = out.total > q.page.count_limit;
      if (out.total_capped) out.total = q.page.count_limit;
    }
    PREPARE(s, std::string("SELECT ") + kClueColumns + " FROM clues" + w.Sql() + " ORDER BY " +
                   it->second + (q.page.descending ? " DESC" : " ASC") + ", id" +
                   (q.page.descending ? " DESC" : " ASC") + " LIMIT ? OFFSET ?");
    int next = w.BindAll(s);
    s.Bind(next, q.page.limit).Bind(next + 1, q.page.offset);
    while (s.Step()) out.items.push_back(ReadClue(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<std::vector<DuplicateHit>> FindDuplicates(const DuplicateProbe& p) override {
    std::vector<DuplicateHit> hits;
    auto run = [&](const std::string& sql, auto bind, const char* reason) -> Status {
      PREPARE(s, sql);
      bind(s);
      while (s.Step()) {
        const Id id = s.Int(0);
        if (id == p.exclude_clue_id) continue;
        if (std::any_of(hits.begin(), hits.end(), [&](auto& h) { return h.clue_id == id; }))
          continue;
        hits.push_back({id, s.Text(1), reason, OptId(s, 2)});
      }
      return s.status();
    };
    constexpr const char* kSel = "SELECT id, reference, case_id FROM clues WHERE ";
    if (!p.victim.id_number.empty()) {
      AEGIS_RETURN_IF_ERROR(run(
          std::string(kSel) + "victim_idnum_idx = ? LIMIT 20",
          [&](Stmt& s) { s.BindBlob(1, p.victim.id_number); }, "same_victim_id_number"));
    }
    if (!p.victim.phone.empty()) {
      AEGIS_RETURN_IF_ERROR(run(
          std::string(kSel) + "victim_phone_idx = ? LIMIT 20",
          [&](Stmt& s) { s.BindBlob(1, p.victim.phone); }, "same_victim_phone"));
    }
    if (!p.victim.name.empty()) {
      AEGIS_RETURN_IF_ERROR(run(
          std::string(kSel) + "victim_name_idx = ? LIMIT 20",
          [&](Stmt& s) { s.BindBlob(1, p.victim.name); }, "same_victim_name"));
    }
    const std::string suspect = NormalizeSuspect(p.suspect_description);
    if (suspect.size() >= 6) {
      AEGIS_RETURN_IF_ERROR(run(
          std::string(kSel) + "suspect_norm = ? LIMIT 20", [&](Stmt& s) { s.Bind(1, suspect); },
          "same_suspect"));
    }
    if (p.offence_time && p.latitude && p.longitude) {
      // A bounding box in degrees around the point (1 degree latitude ~ 111 km).
      const double dlat = p.radius_m / 111000.0;
      const double dlon = dlat / std::max(0.1, std::cos(*p.latitude * 3.14159265358979 / 180.0));
      AEGIS_RETURN_IF_ERROR(run(
          std::string(kSel) +
              "offence_time BETWEEN ? AND ? AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? "
              "AND ? LIMIT 20",
          [&](Stmt& s) {
            s.Bind(1, *p.offence_time - p.time_window).Bind(2, *p.offence_time + p.time_window);
            s.Bind(3, *p.latitude - dlat).Bind(4, *p.latitude + dlat);
            s.Bind(5, *p.longitude - dlon).Bind(6, *p.longitude + dlon);
          },
          "same_place_time"));
    }
    return hits;
  }

  // ---- cases
  StatusOr<Id> InsertCase(const Case& c) override {
    AEGIS_ASSIGN_OR_RETURN(auto unit, GetUnit(c.unit_id));
    if (!unit) return Status::InvalidArgument("unit_id", "no such unit");
    PREPARE(s, CaseInsertSql());
    BindCase(s, c, unit->path);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::unique_ptr<CaseBulkLoad>> StartCaseBulkLoad(size_t expected_rows) override {
    auto load = std::make_unique<SqliteCaseBulkLoad>(this);
    if (expected_rows >= CaseBulkLoad::kRebuildThreshold)
      AEGIS_RETURN_IF_ERROR(load->DropIndexes());
    return std::unique_ptr<CaseBulkLoad>(std::move(load));
  }

  StatusOr<std::optional<Case>> GetCase(Id id) override {
    PREPARE(s, std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<Case>(ReadCase(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<Case>();
  }

  Status UpdateCase(const Case& c) override {
    AEGIS_ASSIGN_OR_RETURN(auto unit, GetUnit(c.unit_id));
    if (!unit) return Status::InvalidArgument("unit_id", "no such unit");
    static const std::string kUpdate =
        "UPDATE cases SET (" + CaseWriteColumns() + ") = (" + Placeholders(37) + ") WHERE id = ?";
    PREPARE(s, kUpdate);
    const int next = BindCase(s, c, unit->path);
    s.Bind(next, c.id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::NotFound("case not found");
    return Status::Ok();
  }

  // The WHERE clause of a case list (see AddScope for `index_friendly`).
  StatusOr<Where> CaseWhere(const CaseQuery& q, bool index_friendly) {
    Where w;
    AddScope(w, q.scope, "c", index_friendly);
    if (q.stage) {
      w.Add("c.stage = ?");
      w.Param(std::string(ToString(*q.stage)));
    }
    if (q.major) {
      w.Add(*q.major ? "c.major = 1" : "c.major = 0");
    }
    if (q.historic) {
      w.Add(*q.historic ? "c.historic = 1" : "c.historic = 0");
    }
    if (q.unit_path_of) {
      AEGIS_ASSIGN_OR_RETURN(auto unit, GetUnit(*q.unit_path_of));
      if (!unit) return Status::InvalidArgument("unit_id", "no such unit");
      AddPathPrefixes(w, index_friendly ? "c.unit_path" : "+c.unit_path", {unit->path});
    }
    if (q.open) {
      w.Add(*q.open ? "c.stage IN ('filed','under_investigation','suspect_identified',"
                      "'suspect_detained','reopened')"
                    : "c.stage NOT IN ('filed','under_investigation','suspect_identified',"
                      "'suspect_detained','reopened')");
    }
    if (q.deadline_before) {
      w.Add("c.stage_deadline < ?");
      w.Param(*q.deadline_before);
    }
    if (q.team_member) {
      w.Add("(c.case_manager_id = ? OR c.lead_investigator_id = ? OR c.file_coordinator_id = ?)");
      for (int i = 0; i < 3; ++i) w.Param(*q.team_member);
    }
    if (!q.text.empty()) {
      w.Add("(c.reference LIKE ? ESCAPE '\\' OR c.title LIKE ? ESCAPE '\\')");
      w.Param(LikePattern(q.text));
      w.Param(LikePattern(q.text));
    }
    return w;
  }

  StatusOr<ListResult<Case>> ListCases(const CaseQuery& q) override {
    AEGIS_ASSIGN_OR_RETURN(Where w, CaseWhere(q, true));
    static const std::map<std::string, std::string> kSort = {{"filed_at", "c.filed_at"},
                                                             {"priority", "c.priority"},
                                                             {"updated_at", "c.updated_at"},
                                                             {"reference", "c.reference"},
                                                             {"stage_deadline", "c.stage_deadline"},
                                                             {"", "c.filed_at"}};
    auto it = kSort.find(q.page.sort);
    if (it == kSort.end()) return Status::InvalidArgument("sort", "unknown sort key");
    ListResult<Case> out;
    {
      PREPARE(c, "SELECT COUNT(*) FROM (SELECT 1 FROM cases c" + w.Sql() + " LIMIT ?)");
      const int next = w.BindAll(c);
      c.Bind(next, q.page.count_limit + 1);
      if (c.Step()) out.total = c.Int(0);
      AEGIS_RETURN_IF_ERROR(c.status());
      out.total_capped = out.total > q.page.count_limit;
      if (out.total_capped) out.total = q.page.count_limit;
    }
    // Few matches: let SQLite use the scope's indexes and sort them. Many: walk the sort order.
    if (out.total > 2000) {
      AEGIS_ASSIGN_OR_RETURN(w, CaseWhere(q, false));
    }
    const char* dir = q.page.descending ? " DESC" : " ASC";
    PREPARE(s, "SELECT " + CaseColumnsC() + " FROM cases c" + w.Sql() + " ORDER BY " + it->second +
                   dir + ", c.id" + dir + " LIMIT ? OFFSET ?");
    int next = w.BindAll(s);
    s.Bind(next, q.page.limit).Bind(next + 1, q.page.offset);
    while (s.Step()) out.items.push_back(ReadCase(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // "SELECT <what> FROM cases c WHERE c.id = ? AND <scope>", built once per scope and thread:
  // a user's requests repeat one scope, and assembling its SQL cost 3 % of a case read's CPU.
  // The memo holds only text and values derived from the scope, never data read.
  struct ScopedCaseSql {
    bool built = false;
    CaseScope scope;
    std::string sql;
    Where scope_params;  // bound from parameter 2 on; the case id is parameter 1
  };
  static const ScopedCaseSql& CaseByIdSql(ScopedCaseSql& memo, const std::string& what,
                                          const CaseScope& scope) {
    if (!memo.built || !(memo.scope == scope)) {
      Where w;
      w.Add("c.id = ?");
      AddScope(w, scope, "c");
      memo.sql = "SELECT " + what + " FROM cases c" + w.Sql();
      memo.scope_params = std::move(w);
      memo.scope = scope;
      memo.built = true;
    }
    return memo;
  }

  StatusOr<std::optional<Case>> GetCaseInScope(Id id, const CaseScope& scope) override {
    static thread_local ScopedCaseSql memo;
    const ScopedCaseSql& q = CaseByIdSql(memo, CaseColumnsC(), scope);
    PREPARE(s, q.sql);
    s.Bind(1, id);
    q.scope_params.BindAll(s, 2);
    if (s.Step()) return std::optional<Case>(ReadCase(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<Case>();
  }

  StatusOr<bool> CaseInScope(Id case_id, const CaseScope& scope) override {
    static thread_local ScopedCaseSql memo;
    const ScopedCaseSql& q = CaseByIdSql(memo, "1", scope);
    PREPARE(s, q.sql);
    s.Bind(1, case_id);
    q.scope_params.BindAll(s, 2);
    const bool found = s.Step();
    AEGIS_RETURN_IF_ERROR(s.status());
    return found;
  }

  // ---- persons
  StatusOr<Id> InsertPerson(const PersonRecord& r) override {
    PREPARE(s,
            "INSERT INTO persons(case_id, role, pseudonym, sex, age_at_offence, duty_of_care, "
            "notes, identity_protected, identity_cipher, identity_plain, name_idx, idnum_idx, "
            "phone_idx, detained_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    const Person& p = r.person;
    s.Bind(1, p.case_id).Bind(2, ToString(p.role)).Bind(3, p.pseudonym).Bind(4, ToString(p.sex));
    s.Bind(5, p.age_at_offence).Bind(6, ToString(p.duty_of_care)).Bind(7, p.notes);
    s.Bind(8, p.identity_protected).BindBlob(9, r.identity_cipher).Bind(10, r.identity_plain_json);
    s.BindBlob(11, r.index.name).BindBlob(12, r.index.id_number).BindBlob(13, r.index.phone);
    s.Bind(14, r.detained_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  static PersonRecord ReadPerson(const Stmt& s) {
    PersonRecord r;
    Person& p = r.person;
    p.id = s.Int(0);
    p.case_id = s.Int(1);
    p.role = ParseOr(s.Text(2), PersonRole::kWitness);
    p.pseudonym = s.Text(3);
    p.sex = ParseOr(s.Text(4), Sex::kUnknown);
    if (auto a = s.OptInt(5)) p.age_at_offence = static_cast<int>(*a);
    p.duty_of_care = ParseOr(s.Text(6), DutyOfCare::kNone);
    p.notes = s.Text(7);
    p.identity_protected = s.Int(8) != 0;
    r.identity_cipher = s.Blob(9);
    r.identity_plain_json = s.Text(10);
    r.index = {s.Blob(11), s.Blob(12), s.Blob(13)};
    r.detained_at = s.OptInt(14);
    return r;
  }
  static constexpr const char* kPersonColumns =
      "id, case_id, role, pseudonym, sex, age_at_offence, duty_of_care, notes, "
      "identity_protected, identity_cipher, identity_plain, name_idx, idnum_idx, phone_idx, "
      "detained_at";

  StatusOr<std::vector<PersonRecord>> ListPersons(Id case_id) override {
    // Sorted here (role, then id, as ORDER BY role, id would): a case has a handful of rows, and
    // SQLite's sorter costs more to set up than the sort (four of a case page's queries had one).
    PREPARE(s, std::string("SELECT ") + kPersonColumns + " FROM persons WHERE case_id = ?");
    s.Bind(1, case_id);
    std::vector<PersonRecord> out;
    while (s.Step()) out.push_back(ReadPerson(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    std::sort(out.begin(), out.end(), [](const PersonRecord& a, const PersonRecord& b) {
      const std::string_view ra = ToString(a.person.role), rb = ToString(b.person.role);
      return ra != rb ? ra < rb : a.person.id < b.person.id;
    });
    return out;
  }

  StatusOr<std::optional<PersonRecord>> GetPerson(Id id) override {
    PREPARE(s, std::string("SELECT ") + kPersonColumns + " FROM persons WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<PersonRecord>(ReadPerson(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<PersonRecord>();
  }

  Status MarkSuspectsDetained(Id case_id, UnixSeconds at) override {
    PREPARE(s,
            "UPDATE persons SET detained_at = ? WHERE case_id = ? AND role = 'suspect' AND "
            "detained_at IS NULL");
    s.Bind(1, at).Bind(2, case_id);
    return s.Run();
  }

  // ---- events
  StatusOr<Id> InsertEvent(const CaseEvent& e) override {
    PREPARE(s, "INSERT INTO case_events(case_id, at, actor_id, kind, detail) VALUES(?,?,?,?,?)");
    s.Bind(1, e.case_id).Bind(2, e.at).Bind(3, e.actor_id).Bind(4, e.kind);
    s.Bind(5, e.detail.empty() ? std::string("{}") : e.detail);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::vector<CaseEvent>> ListEvents(Id case_id) override {
    PREPARE(s,
            "SELECT id, case_id, at, actor_id, kind, detail FROM case_events WHERE case_id = ? "
            "ORDER BY at, id");
    s.Bind(1, case_id);
    std::vector<CaseEvent> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Int(2), OptId(s, 3), s.Text(4), s.Text(5)});
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- checklist
  Status SetChecklist(Id case_id, const std::string& key, std::optional<UnixSeconds> done_at,
                      std::optional<Id> done_by) override {
    PREPARE(s,
            "INSERT INTO checklist(case_id, key, done_at, done_by) VALUES(?,?,?,?) "
            "ON CONFLICT(case_id, key) DO UPDATE SET done_at = excluded.done_at, "
            "done_by = excluded.done_by");
    s.Bind(1, case_id).Bind(2, key).Bind(3, done_at).Bind(4, done_by);
    return s.Run();
  }

  StatusOr<std::vector<ChecklistState>> ListChecklist(Id case_id) override {
    PREPARE(s, "SELECT key, done_at, done_by FROM checklist WHERE case_id = ?");
    s.Bind(1, case_id);
    std::vector<ChecklistState> out;
    while (s.Step()) out.push_back({s.Text(0), s.OptInt(1), OptId(s, 2)});
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- actions
  StatusOr<Id> InsertAction(const Action& a) override {
    PREPARE(s,
            "INSERT INTO actions(case_id, title, description, owner_id, status, due_at, result, "
            "created_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?)");
    s.Bind(1, a.case_id).Bind(2, a.title).Bind(3, a.description).Bind(4, a.owner_id);
    s.Bind(5, ToString(a.status)).Bind(6, a.due_at).Bind(7, a.result).Bind(8, a.created_by);
    s.Bind(9, a.created_at).Bind(10, a.updated_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateAction(const Action& a) override {
    PREPARE(s,
            "UPDATE actions SET title=?, description=?, owner_id=?, status=?, due_at=?, result=?, "
            "updated_at=? WHERE id=?");
    s.Bind(1, a.title).Bind(2, a.description).Bind(3, a.owner_id).Bind(4, ToString(a.status));
    s.Bind(5, a.due_at).Bind(6, a.result).Bind(7, a.updated_at).Bind(8, a.id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1) return Status::NotFound("action not found");
    return Status::Ok();
  }

  StatusOr<std::optional<Action>> GetAction(Id id) override {
    PREPARE(s, std::string("SELECT ") + kActionColumns + " FROM actions WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<Action>(ReadAction(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<Action>();
  }

  StatusOr<std::vector<Action>> ListActions(Id case_id) override {
    PREPARE(s, std::string("SELECT ") + kActionColumns + " FROM actions WHERE case_id = ?");
    s.Bind(1, case_id);
    std::vector<Action> out;
    while (s.Step()) out.push_back(ReadAction(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    std::sort(out.begin(), out.end(), [](const Action& a, const Action& b) {
      return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
    });
    return out;
  }

  StatusOr<std::vector<Action>> ListOpenActionsOf(Id owner_id, int limit) override {
    PREPARE(s, std::string("SELECT ") + kActionColumns +
                   " FROM actions WHERE owner_id = ? AND status IN ('allocated','in_progress') "
                   "ORDER BY due_at IS NULL, due_at, id LIMIT ?");
    s.Bind(1, owner_id).Bind(2, limit);
    std::vector<Action> out;
    while (s.Step()) out.push_back(ReadAction(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<std::vector<WorkloadRow>> Workload(const std::string& prefix, UnixSeconds now) override {
    PREPARE(s,
            "SELECT u.id, "
            " (SELECT COUNT(*) FROM actions a WHERE a.owner_id = u.id AND a.status IN "
            "   ('allocated','in_progress')), "
            " (SELECT COUNT(*) FROM actions a WHERE a.owner_id = u.id AND a.status IN "
            "   ('allocated','in_progress') AND a.due_at < ?3), "
            " (SELECT COUNT(*) FROM cases c WHERE c.lead_investigator_id = u.id AND c.stage IN "
            "   ('filed','under_investigation','suspect_identified','suspect_detained','reopened'))"
            " FROM users u JOIN units n ON n.id = u.unit_id "
            "WHERE n.path >= ?1 AND n.path < ?2 AND u.role IN ('officer','supervisor') "
            "AND u.active = 1 ORDER BY u.display_name");
    s.Bind(1, prefix).Bind(2, PrefixEnd(prefix)).Bind(3, now);
    std::vector<WorkloadRow> out;
    while (s.Step()) out.push_back({s.Int(0), s.Int(1), s.Int(2), s.Int(3)});
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- assistance and shares
  StatusOr<Id> InsertAssistance(const AssistanceRequest& a) override {
    PREPARE(s,
            "INSERT INTO assistance(case_id, from_unit_id, to_unit_id, request, status, response, "
            "created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)");
    s.Bind(1, a.case_id).Bind(2, a.from_unit_id).Bind(3, a.to_unit_id).Bind(4, a.request);
    s.Bind(5, ToString(a.status)).Bind(6, a.response).Bind(7, a.created_at).Bind(8, a.updated_at);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateAssistance(const AssistanceRequest& a) override {
    PREPARE(s, "UPDATE assistance SET status=?, response=?, updated_at=? WHERE id=?");
    s.Bind(1, ToString(a.status)).Bind(2, a.response).Bind(3, a.updated_at).Bind(4, a.id);
    return s.Run();
  }

  StatusOr<std::optional<AssistanceRequest>> GetAssistance(Id id) override {
    PREPARE(s, std::string("SELECT ") + kAssistanceColumns + " FROM assistance WHERE id = ?");
    s.Bind(1, id);
    if (s.Step()) return std::optional<AssistanceRequest>(ReadAssistance(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return std::optional<AssistanceRequest>();
  }

  StatusOr<std::vector<AssistanceRequest>> ListAssistanceForCase(Id case_id) override {
    PREPARE(s, std::string("SELECT ") + kAssistanceColumns + " FROM assistance WHERE case_id = ?");
    s.Bind(1, case_id);
    std::vector<AssistanceRequest> out;
    while (s.Step()) out.push_back(ReadAssistance(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    std::sort(out.begin(), out.end(), [](const AssistanceRequest& a, const AssistanceRequest& b) {
      return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
    });
    return out;
  }

  StatusOr<std::vector<AssistanceRequest>> ListAssistanceTo(Id unit_id, bool open_only) override {
    PREPARE(s, std::string("SELECT ") + kAssistanceColumns +
                   " FROM assistance WHERE to_unit_id = ?" +
                   (open_only ? " AND status = 'requested'" : "") +
                   " ORDER BY created_at DESC LIMIT 200");
    s.Bind(1, unit_id);
    std::vector<AssistanceRequest> out;
    while (s.Step()) out.push_back(ReadAssistance(s));
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status InsertShare(Id case_id, Id unit_id, Id by_user, UnixSeconds at) override {
    PREPARE(s,
            "INSERT INTO case_shares(case_id, unit_id, shared_by, shared_at) VALUES(?,?,?,?) "
            "ON CONFLICT DO NOTHING");
    s.Bind(1, case_id).Bind(2, unit_id).Bind(3, by_user).Bind(4, at);
    return s.Run();
  }

  StatusOr<std::vector<Id>> ListShares(Id case_id) override {
    PREPARE(s, "SELECT shared_at, unit_id FROM case_shares WHERE case_id = ?");
    s.Bind(1, case_id);
    std::vector<std::pair<std::int64_t, Id>> rows;  // in the order shared
    while (s.Step()) rows.emplace_back(s.Int(0), s.Int(1));
    AEGIS_RETURN_IF_ERROR(s.status());
    std::sort(rows.begin(), rows.end());
    std::vector<Id> out;
    for (const auto& [at, unit] : rows) out.push_back(unit);
    return out;
  }

  // ---- campaigns
  StatusOr<Id> InsertCampaign(const Campaign& c) override {
    PREPARE(s,
            "INSERT INTO campaigns(name, name_en, starts_at, ends_at, scope_unit_id) "
            "VALUES(?,?,?,?,?)");
    s.Bind(1, c.name).Bind(2, c.name_en).Bind(3, c.starts_at).Bind(4, c.ends_at);
    s.Bind(5, c.scope_unit_id);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::vector<Campaign>> ListCampaigns() override {
    PREPARE(s,
            "SELECT id, name, name_en, starts_at, ends_at, scope_unit_id FROM campaigns "
            "ORDER BY starts_at DESC");
    std::vector<Campaign> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.OptInt(4), s.Int(5)});
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- audit
  Status AppendAudit(const std::vector<AuditRecord>& records) override {
    if (records.empty()) return Status::Ok();
    AEGIS_ASSIGN_OR_RETURN(AuditHead head, GetAuditHead());
    if (head.seq > 0 && head.hash.size() != kAuditHashBytes)
      return Status::Internal("the audit chain head (seq " + std::to_string(head.seq) +
                              ") has no hash");
    std::string prev = head.seq > 0 ? head.hash : AuditGenesisHash();
    long long seq = head.seq;
    // The seq is given explicitly: it is part of what the hash covers. Read audits arrive in
    // batches of hundreds: rows go in kAuditRowsPerInsert at a time, which saves most of the
    // per-statement cost (the append-only triggers make each statement open a savepoint).
    static constexpr size_t kAuditRowsPerInsert = 32;
    static const std::string kInsert =
        "INSERT INTO audit_log(seq, at, user_id, action, object_type, object_id, allowed, "
        "detail, remote, purpose, hash) VALUES";
    static const std::string kRow = "(?,?,?,?,?,?,?,?,?,?,?)";
    static const std::string kManyRows = [] {
      std::string sql = kInsert;
      for (size_t i = 0; i < kAuditRowsPerInsert; ++i) sql += (i ? "," : "") + kRow;
      return sql;
    }();
    static const std::string kOneRow = kInsert + kRow;
    for (size_t begin = 0; begin < records.size();) {
      const size_t rows = records.size() - begin >= kAuditRowsPerInsert ? kAuditRowsPerInsert : 1;
      PREPARE(s, rows == 1 ? kOneRow : kManyRows);
      int at = 1;
      for (size_t i = begin; i < begin + rows; ++i) {
        const AuditRecord& r = records[i];
        ++seq;
        AEGIS_ASSIGN_OR_RETURN(prev, internal::ChainHash(*audit_hasher_, prev, seq, r));
        s.Bind(at, seq).Bind(at + 1, r.at).Bind(at + 2, r.user_id).Bind(at + 3, r.action);
        s.Bind(at + 4, r.object_type).Bind(at + 5, r.object_id).Bind(at + 6, r.allowed);
        s.Bind(at + 7, r.detail).Bind(at + 8, r.remote).Bind(at + 9, r.purpose);
        s.BindBlob(at + 10, prev);
        at += 11;
      }
      AEGIS_RETURN_IF_ERROR(s.Run());
      begin += rows;
    }
    return Status::Ok();
  }

  StatusOr<std::vector<AuditRecord>> ListAudit(std::optional<Id> object_id,
                                               const std::string& object_type, int limit) override {
    // An object (type and id) is found through the object runs; anything else by a scan.
    const bool by_object = object_id && !object_type.empty();
    PREPARE(s,
            "SELECT at, user_id, action, object_type, object_id, allowed, detail, remote, purpose "
            "FROM audit_log a WHERE " +
                (by_object ? internal::AuditObjectMatch("a")
                           : "(?1 = '' OR object_type = ?1) AND (?2 IS NULL OR object_id = ?2)") +
                " ORDER BY seq DESC LIMIT ?");
    if (by_object) {
      s.Bind(1, object_type).Bind(2, *object_id).Bind(3, object_type).Bind(4, *object_id);
      s.Bind(5, limit);
    } else {
      s.Bind(1, object_type).Bind(2, object_id).Bind(3, limit);
    }
    std::vector<AuditRecord> out;
    while (s.Step()) {
      out.push_back({s.Int(0), OptId(s, 1), s.Text(2), s.Text(3), OptId(s, 4), s.Int(5) != 0,
                     s.Text(6), s.Text(7), s.Text(8)});
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<AuditHead> GetAuditHead() override {
    PREPARE(s, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    AuditHead head;
    if (s.Step()) head = {s.Int(0), s.Blob(1)};
    AEGIS_RETURN_IF_ERROR(s.status());
    return head;
  }

  Status ScanAuditChain(const std::function<Status(const AuditEntry&)>& fn) override {
    PREPARE(s,
            std::string("SELECT ") + internal::kAuditEntryColumns + " FROM audit_log ORDER BY seq");
    while (s.Step()) AEGIS_RETURN_IF_ERROR(fn(internal::ReadAuditEntry(s)));
    return s.status();
  }

  StatusOr<Id> InsertAuditCheckpoint(const AuditCheckpoint& c) override {
    PREPARE(s,
            "INSERT INTO audit_checkpoints(seq, hash, at, public_key, signature) "
            "VALUES(?,?,?,?,?)");
    s.Bind(1, c.seq).BindBlob(2, c.hash).Bind(3, c.at).BindBlob(4, c.public_key);
    s.BindBlob(5, c.signature);
    AEGIS_RETURN_IF_ERROR(s.Run());
    return sqlite3_last_insert_rowid(db_);
  }

  StatusOr<std::optional<AuditCheckpoint>> LastAuditCheckpoint() override {
    PREPARE(s, std::string("SELECT ") + internal::kAuditCheckpointColumns +
                   " FROM audit_checkpoints ORDER BY seq DESC, id DESC LIMIT 1");
    std::optional<AuditCheckpoint> out;
    if (s.Step()) out = internal::ReadAuditCheckpoint(s);
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status ScanAuditCheckpoints(const std::function<Status(const AuditCheckpoint&)>& fn) override {
    PREPARE(s, std::string("SELECT ") + internal::kAuditCheckpointColumns +
                   " FROM audit_checkpoints ORDER BY seq, id");
    while (s.Step()) AEGIS_RETURN_IF_ERROR(fn(internal::ReadAuditCheckpoint(s)));
    return s.status();
  }

  StatusOr<long long> IndexAuditObjects() override { return internal::IndexAuditObjects(db_); }

  StatusOr<ListResult<AuditHit>> SearchAudit(const AuditQuery& q) override {
    // The owning unit of the record's object: a case, a clue, a person (through its case) or an
    // assistance request (through its case). Point lookups by primary key.
    static constexpr const char* kFrom =
        " FROM audit_log a"
        " LEFT JOIN users u ON u.id = a.user_id"
        " LEFT JOIN units au ON au.id = u.unit_id"
        " LEFT JOIN cases oc ON a.object_type = 'case' AND oc.id = a.object_id"
        " LEFT JOIN clues ol ON a.object_type = 'clue' AND ol.id = a.object_id"
        " LEFT JOIN persons op ON a.object_type = 'person' AND op.id = a.object_id"
        " LEFT JOIN cases opc ON opc.id = op.case_id"
        " LEFT JOIN assistance oa ON a.object_type = 'assistance' AND oa.id = a.object_id"
        " LEFT JOIN cases oac ON oac.id = oa.case_id";
    static const std::string kOwnerPath =
        "COALESCE(oc.unit_path, ol.unit_path, opc.unit_path, oac.unit_path)";
    static const std::string kOwnerUnit =
        "COALESCE(oc.unit_id, ol.unit_id, opc.unit_id, oac.unit_id)";
    // "`column` is inside the scope's unit subtrees", with its parameters added to `params`.
    auto within = [&q](Where& params, const std::string& column) {
      std::string frag = "(";
      for (size_t i = 0; i < q.unit_path_prefixes.size(); ++i) {
        frag += std::string(i ? " OR " : "") + "(" + column + " >= ? AND " + column + " < ?)";
        params.Param(q.unit_path_prefixes[i]);
        params.Param(PrefixEnd(q.unit_path_prefixes[i]));
      }
      return frag + ")";
    };
    const bool scoped = !q.all && !q.unit_path_prefixes.empty();
    Where w;
    if (!q.all) {
      if (q.unit_path_prefixes.empty()) {
        w.Add("0");
      } else {
        const std::string actor = within(w, "au.path");
        w.Add("(" + actor + " OR " + within(w, kOwnerPath) + ")");
      }
    }
    if (q.user_id) {
      w.Add("a.user_id = ?");
      w.Param(*q.user_id);
    }
    if (!q.object_type.empty()) {
      if (q.object_id && q.also_case_id) {
        // The object's case too, but only a case owned inside the scope: records about another
        // unit's case would tell that the object belongs to it.
        // AuditObjectMatch binds type, id, type, id; the object's, then its case's.
        for (int i = 0; i < 2; ++i) {
          w.Param(q.object_type);
          w.Param(*q.object_id);
        }
        for (int i = 0; i < 2; ++i) {
          w.Param(std::string("case"));
          w.Param(*q.also_case_id);
        }
        w.Add("(" + internal::AuditObjectMatch("a") + " OR (" + internal::AuditObjectMatch("a") +
              (scoped ? " AND " + within(w, "oc.unit_path") : std::string()) + "))");
      } else if (q.object_id) {
        w.Add(internal::AuditObjectMatch("a"));
        for (int i = 0; i < 2; ++i) {
          w.Param(q.object_type);
          w.Param(*q.object_id);
        }
      } else {
        w.Add("a.object_type = ?");
        w.Param(q.object_type);
      }
    } else if (q.object_id) {
      w.Add("a.object_id = ?");
      w.Param(*q.object_id);
    }
    if (!q.action.empty()) {
      w.Add("a.action = ?");
      w.Param(q.action);
    }
    if (q.allowed) w.Add(*q.allowed ? "a.allowed = 1" : "a.allowed = 0");
    if (q.since) {
      w.Add("a.at >= ?");
      w.Param(*q.since);
    }
    if (q.until) {
      w.Add("a.at < ?");
      w.Param(*q.until);
    }
    // An access to a case, clue, person or assistance request that the actor's unit subtree
    // does not own, including ids that name nothing (probing): an unknown id and another unit's
    // object are alike to the searcher. Both the filter and each hit's flag use it.
    const std::string outside_unit =
        "(a.object_type IN ('case','clue','person','assistance') AND a.object_id IS NOT NULL "
        "AND au.path IS NOT NULL AND (" +
        kOwnerPath + " IS NULL OR substr(" + kOwnerPath + ", 1, length(au.path)) <> au.path))";
    if (q.outside_unit) w.Add(outside_unit);
    ListResult<AuditHit> out;
    {
      PREPARE(c, std::string("SELECT COUNT(*) FROM (SELECT 1") + kFrom + w.Sql() + " LIMIT ?)");
      const int next = w.BindAll(c);
      c.Bind(next, q.page.count_limit + 1);
      if (c.Step()) out.total = c.Int(0);
      AEGIS_RETURN_IF_ERROR(c.status());
      out.total_capped = out.total > q.page.count_limit;
      if (out.total_capped) out.total = q.page.count_limit;
    }
    std::string cols;
    for (std::string col : Split(internal::kAuditEntryColumns))
      cols += (cols.empty() ? "a." : ", a.") + col;
    // The owning unit is named only when it is inside the scope: another unit's object is
    // reported like an unknown one (no owner), so a search never tells who owns it.
    Where owner;
    const std::string owner_unit =
        scoped ? "CASE WHEN " + within(owner, kOwnerPath) + " THEN " + kOwnerUnit + " END"
               : kOwnerUnit;
    const char* dir = q.page.descending ? " DESC" : " ASC";
    PREPARE(s, "SELECT " + cols + ", u.unit_id, " + owner_unit + ", " + outside_unit + kFrom +
                   w.Sql() + " ORDER BY a.seq" + dir + " LIMIT ? OFFSET ?");
    const int next = w.BindAll(s, owner.BindAll(s));
    s.Bind(next, q.page.limit).Bind(next + 1, q.page.offset);
    while (s.Step()) {
      AuditHit hit;
      hit.entry = internal::ReadAuditEntry(s);
      hit.actor_unit_id = OptId(s, internal::kAuditEntryColumnCount);
      hit.object_unit_id = OptId(s, internal::kAuditEntryColumnCount + 1);
      hit.outside_unit = s.Int(internal::kAuditEntryColumnCount + 2) != 0;
      out.items.push_back(std::move(hit));
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  // ---- dashboard: daily counters (kept by triggers, see the schema) plus two live figures that
  // depend on "now" (overdue decisions, open major cases), folded into scope and groups here.
  StatusOr<DashboardFigures> Dashboard(const DashboardQuery& q) override {
    DashboardFigures out;
    std::map<std::string, MonthFigures> months;
    std::vector<CountFigures> groups(q.group_units.size());
    const std::vector<std::string>& case_prefixes = q.scope.unit_path_prefixes;
    auto in_scope = [&](const std::string& path, bool clue) {
      if (!q.scope_unit_path.empty() &&
          path.compare(0, q.scope_unit_path.size(), q.scope_unit_path) != 0)
        return false;
      if (q.scope.all) return true;
      return PathInPrefixes(path, clue ? q.clue_unit_prefixes : case_prefixes);
    };
    auto add = [&](const std::string& path, long long CountFigures::*member, long long n) {
      out.totals.*member += n;
      for (size_t g = 0; g < q.group_units.size(); ++g) {
        const std::string& gp = q.group_units[g].second;
        if (path.compare(0, gp.size(), gp) == 0) groups[g].*member += n;
      }
    };
    struct Metric {
      long long CountFigures::*member;
      long long MonthFigures::*month_member;  // nullptr: not charted by month
      bool clue;
    };
    static const std::map<std::string, Metric> kMetrics = {
        {"clues", {&CountFigures::clues_received, &MonthFigures::clues, true}},
        {"filed", {&CountFigures::cases_filed, &MonthFigures::filed, false}},
        {"solved", {&CountFigures::cases_solved, &MonthFigures::solved, false}},
        {"historic_solved", {&CountFigures::historic_solved, nullptr, false}},
        {"arrested", {&CountFigures::suspects_arrested, nullptr, false}},
        {"minor_filed", {&CountFigures::minor_victim_cases, nullptr, false}},
    };
    // Whole UTC days: a window starting mid-day counts that whole day.
    const std::int64_t since_day =
        q.since >= 0 ? q.since / kSecondsPerDay : (q.since - kSecondsPerDay + 1) / kSecondsPerDay;
    const std::int64_t until_day = q.until ? (*q.until + kSecondsPerDay - 1) / kSecondsPerDay
                                           : std::numeric_limits<std::int64_t>::max();
    {
      PREPARE(s,
              "SELECT unit_path, metric, day, n FROM daily_stats WHERE day >= ? AND day < ? AND n "
              "<> 0");
      s.Bind(1, since_day).Bind(2, until_day);
      std::string last_path;
      bool last_in[2] = {false, false};
      while (s.Step()) {
        const std::string path = s.Text(0);
        auto m = kMetrics.find(s.Text(1));
        if (m == kMetrics.end()) continue;
        if (path != last_path) {
          last_path = path;
          last_in[0] = in_scope(path, false);
          last_in[1] = in_scope(path, true);
        }
        if (!last_in[m->second.clue ? 1 : 0]) continue;
        const long long n = s.Int(3);
        add(path, m->second.member, n);
        if (m->second.month_member) {
          const std::string month = FormatDate(s.Int(2) * kSecondsPerDay).substr(0, 7);
          auto& mf = months[month];
          mf.month = month;
          mf.*(m->second.month_member) += n;
        }
      }
      AEGIS_RETURN_IF_ERROR(s.status());
    }
    const UnixSeconds until = q.until.value_or(std::numeric_limits<UnixSeconds>::max());
    {
      PREPARE(s,
              "SELECT unit_path, COUNT(*) FROM clues WHERE status = 'pending_review' AND "
              "review_deadline < ? AND received_at >= ? AND received_at < ? GROUP BY 1");
      s.Bind(1, q.now).Bind(2, q.since).Bind(3, until);
      while (s.Step()) {
        const std::string path = s.Text(0);
        if (in_scope(path, true)) add(path, &CountFigures::overdue_decisions, s.Int(1));
      }
      AEGIS_RETURN_IF_ERROR(s.status());
    }
    {
      PREPARE(s,
              "SELECT unit_path, COUNT(*) FROM cases WHERE major = 1 AND stage IN "
              "('filed','under_investigation','suspect_identified','suspect_detained','reopened') "
              "GROUP BY 1");
      while (s.Step()) {
        const std::string path = s.Text(0);
        if (in_scope(path, false)) add(path, &CountFigures::open_major, s.Int(1));
      }
      AEGIS_RETURN_IF_ERROR(s.status());
    }
    if (q.scope.hidden_labels != 0 && !q.scope.all) {
      // The counters include every case; take back the labelled cases this caller may not open,
      // so that no figure reveals one (they are few: partial index cases_labelled).
      Where scope;
      AddScope(scope, q.scope, "c");
      const std::string scope_sql = scope.Sql().substr(std::string(" WHERE ").size());
      PREPARE(s,
              "SELECT c.unit_path, c.filed_at, c.solved_at, c.historic, c.youngest_victim_age, "
              "c.major, c.stage, (SELECT COUNT(*) FROM persons p WHERE p.case_id = c.id AND "
              "p.detained_at / 86400 >= ?1 AND p.detained_at / 86400 < ?2) FROM cases c WHERE "
              "c.labels <> 0 AND (c.labels & ?3) <> 0 AND NOT " +
                  scope_sql);
      s.Bind(1, since_day).Bind(2, until_day);
      s.Bind(3, static_cast<std::int64_t>(q.scope.hidden_labels));
      scope.BindAll(s, 4);
      auto in_days = [&](std::int64_t at) {
        const std::int64_t day = at >= 0 ? at / kSecondsPerDay : -1;
        return day >= since_day && day < until_day;
      };
      auto month_of = [&](std::int64_t at) -> MonthFigures& {
        const std::string month = FormatDate(at).substr(0, 7);
        auto& mf = months[month];
        mf.month = month;
        return mf;
      };
      while (s.Step()) {
        const std::string path = s.Text(0);
        if (!in_scope(path, false)) continue;
        const std::int64_t filed_at = s.Int(1);
        const auto solved_at = s.OptInt(2);
        if (in_days(filed_at)) {
          add(path, &CountFigures::cases_filed, -1);
          month_of(filed_at).filed -= 1;
          if (auto age = s.OptInt(4); age && *age < 18)
            add(path, &CountFigures::minor_victim_cases, -1);
        }
        if (solved_at && in_days(*solved_at)) {
          add(path, &CountFigures::cases_solved, -1);
          month_of(*solved_at).solved -= 1;
          if (s.Int(3) != 0) add(path, &CountFigures::historic_solved, -1);
        }
        const std::string stage = s.Text(6);
        if (s.Int(5) != 0 &&
            (stage == "filed" || stage == "under_investigation" || stage == "suspect_identified" ||
             stage == "suspect_detained" || stage == "reopened"))
          add(path, &CountFigures::open_major, -1);
        if (const long long arrested = s.Int(7))
          add(path, &CountFigures::suspects_arrested, -arrested);
      }
      AEGIS_RETURN_IF_ERROR(s.status());
    }
    if (q.hidden_clue_case_labels != 0 && !q.scope.all) {
      // Likewise the clues of labelled cases that the caller's clue lists leave out: a count of
      // clues received must not reveal them either.
      PREPARE(s,
              "SELECT l.unit_path, l.received_at FROM cases c JOIN clues l ON l.id = c.clue_id "
              "WHERE c.labels <> 0 AND (c.labels & ?) <> 0");
      s.Bind(1, static_cast<std::int64_t>(q.hidden_clue_case_labels));
      while (s.Step()) {
        const std::string path = s.Text(0);
        const std::int64_t received_at = s.Int(1);
        const std::int64_t day = received_at >= 0 ? received_at / kSecondsPerDay : -1;
        if (!in_scope(path, true) || day < since_day || day >= until_day) continue;
        add(path, &CountFigures::clues_received, -1);
        const std::string month = FormatDate(received_at).substr(0, 7);
        auto& mf = months[month];
        mf.month = month;
        mf.clues -= 1;
      }
      AEGIS_RETURN_IF_ERROR(s.status());
    }
    for (size_t g = 0; g < q.group_units.size(); ++g)
      out.by_unit.push_back({q.group_units[g].first, groups[g]});
    for (auto& [k, v] : months) out.by_month.push_back(v);
    return out;
  }

  // ---- sealed columns (key rotation)
  StatusOr<std::vector<SealedCell>> ListSealedCells(SealedColumn column, Id after_row,
                                                    int limit) override {
    PREPARE(s, SqlFor(column).list);
    s.Bind(1, after_row).Bind(2, limit);
    std::vector<SealedCell> out;
    while (s.Step()) {
      SealedCell c;
      c.row = s.Int(0);
      c.cipher = s.Blob(1);
      c.reference = s.Text(2);
      c.case_id = s.Int(3);
      c.pseudonym = s.Text(4);
      c.person_id = s.Int(5);
      c.kind = s.Text(6);
      c.created_at = s.Int(7);
      out.push_back(std::move(c));
    }
    AEGIS_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<long long> CountSealedCells(SealedColumn column) override {
    PREPARE(s, SqlFor(column).count);
    const long long n = s.Step() ? s.Int(0) : 0;
    AEGIS_RETURN_IF_ERROR(s.status());
    return n;
  }

  Status UpdateSealedCell(SealedColumn column, Id row, const std::string& cipher) override {
    if (cipher.empty()) return Status::InvalidArgument("cipher", "must not be empty");
    PREPARE(s, SqlFor(column).update);
    s.BindBlob(1, cipher).Bind(2, row);
    AEGIS_RETURN_IF_ERROR(s.Run());
    if (sqlite3_changes(db_) != 1)
      return Status::NotFound(std::string(SealedColumnName(column)) + " row " +
                              std::to_string(row) + " not found");
    return Status::Ok();
  }

  VictimRepo& Victims() override {
    if (!victims_) victims_ = internal::NewSqliteVictimRepo(db_, cache_);
    return *victims_;
  }

  AccessRepo& Access() override {
    if (!access_) access_ = internal::NewSqliteAccessRepo(db_, cache_);
    return *access_;
  }

  ExportRepo& Exports() override {
    if (!exports_) exports_ = internal::NewSqliteExportRepo(db_, cache_);
    return *exports_;
  }

 private:
  static std::string LikePattern(const std::string& text) {
    std::string out = "%";
    for (char ch : text) {
      if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
      out += ch;
    }
    return out + "%";
  }
  static std::vector<std::string> Split(const char* cols) {
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = cols; *p; ++p) {
      if (*p == ',') {
        out.push_back(cur);
        cur.clear();
      } else if (*p != ' ') {
        cur += *p;
      }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
  }

  // A bulk load of cases on this repo's connection (see Repo::StartCaseBulkLoad).
  class SqliteCaseBulkLoad final : public CaseBulkLoad {
   public:
    explicit SqliteCaseBulkLoad(SqliteRepo* repo) : repo_(repo) {}

    // Drops the secondary case indexes and the per-row counter trigger, remembering their SQL.
    // The unique index on reference stays: it is what finds duplicates. So do the partial indexes
    // over optional columns (WHERE x IS NOT NULL, labels <> 0): they cover few imported rows, and
    // rebuilding each would cost a scan of the whole table (0.19 s per million cases).
    Status DropIndexes() {
      sqlite3* db = repo_->db_;
      std::vector<std::string> names;
      {
        Stmt& q = repo_->Prepared(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' "
            "AND sql IS NOT NULL AND sql NOT LIKE '% IS NOT NULL' AND sql NOT LIKE '% <> 0'");
        if (!q.prepared()) return q.status();
        while (q.Step()) {
          names.push_back(q.Text(0));
          index_sql_.push_back(q.Text(1));
        }
        AEGIS_RETURN_IF_ERROR(q.status());
        Stmt& t = repo_->Prepared(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'stats_case_insert'");
        if (!t.prepared()) return t.status();
        if (t.Step()) trigger_sql_ = t.Text(0);
        AEGIS_RETURN_IF_ERROR(t.status());
      }
      // No statement may be mid-step on this connection while the schema changes.
      for (auto& [sql, stmt] : *repo_->cache_) stmt->Release();
      for (const auto& name : names) {
        // Index names come from the schema itself, never from input.
        AEGIS_RETURN_IF_ERROR(Exec(db, "DROP INDEX \"" + name + "\""));
      }
      if (!trigger_sql_.empty()) AEGIS_RETURN_IF_ERROR(Exec(db, "DROP TRIGGER stats_case_insert"));
      rebuild_ = true;
      return Status::Ok();
    }

    Status Add(std::vector<Case>& cases) override {
      if (finished_) return Status::Internal("bulk load already finished");
      Stmt& s = repo_->Prepared(CaseInsertSql());
      if (!s.prepared()) return s.status();
      for (Case& c : cases) {
        AEGIS_ASSIGN_OR_RETURN(const int unit, UnitIndex(c.unit_id));
        s.Reset();
        BindCase(s, c, paths_[unit]);
        if (Status st = s.Run(); !st.ok()) {
          if (st.code() == StatusCode::kConflict)
            return Status::Conflict("reference " + c.reference + " already exists", "reference");
          return st;
        }
        c.id = sqlite3_last_insert_rowid(repo_->db_);
        if (!trigger_sql_.empty()) Count(unit, c);
      }
      return Status::Ok();
    }

    Status Finish() override {
      if (finished_) return Status::Ok();
      finished_ = true;
      if (!rebuild_) return Status::Ok();
      sqlite3* db = repo_->db_;
      if (!trigger_sql_.empty()) {
        AEGIS_RETURN_IF_ERROR(Exec(db, trigger_sql_));
        AEGIS_RETURN_IF_ERROR(WriteCounters());
      }
      // SQLite sorts index keys in runs of cache_size; with the smallest runs (1 MiB) they stay
      // in the CPU cache and worker threads sort them while the table is read: the six large
      // indexes of a million cases take 3.2 s instead of 8.4 s. The cache size is put back after.
      long long cache_size = 0;
      {
        Stmt& q = repo_->Prepared("PRAGMA cache_size");
        if (!q.prepared()) return q.status();
        while (q.Step()) cache_size = q.Int(0);  // to the end: nothing mid-step during DDL
        AEGIS_RETURN_IF_ERROR(q.status());
      }
      AEGIS_RETURN_IF_ERROR(Exec(db, "PRAGMA cache_size=-1024"));
      Status built = Status::Ok();
      for (const auto& sql : index_sql_) {
        built = Exec(db, sql);
        if (!built.ok()) break;
      }
      AEGIS_RETURN_IF_ERROR(Exec(db, "PRAGMA cache_size=" + std::to_string(cache_size)));
      AEGIS_RETURN_IF_ERROR(built);
      // Fresh statistics let the planner choose between scope and sort-order indexes. A full pass
      // (about 0.4 s per million cases): a 2,000-row sample estimated 2,001 cases per stage out
      // of a million, and the dashboard's open-major count then read the table by stage (819 ms
      // instead of 46 ms).
      return Exec(db, "PRAGMA analysis_limit=0; ANALYZE cases");
    }

   private:
    // The dashboard counters the dropped trigger would have added: one packed key (unit index,
    // metric, day) per count, summed at the end by sorting (cheaper than a hash map per row).
    enum Metric : std::uint64_t { kFiled, kMinorFiled, kSolved, kHistoricSolved };
    static constexpr int kDayBits = 44;  // days since 1970, offset to be positive
    static constexpr std::int64_t kDayOffset = std::int64_t{1} << (kDayBits - 1);
    static std::uint64_t CounterKey(int unit, Metric metric, UnixSeconds at) {
      return (static_cast<std::uint64_t>(unit) << (kDayBits + 2)) | (metric << kDayBits) |
             static_cast<std::uint64_t>(at / 86400 + kDayOffset);
    }

    // Index of the case's unit in paths_ (looked up once per unit, not once per row).
    StatusOr<int> UnitIndex(Id unit_id) {
      if (unit_id == last_unit_id_) return last_unit_;
      auto it = unit_index_.find(unit_id);
      if (it == unit_index_.end()) {
        AEGIS_ASSIGN_OR_RETURN(auto unit, repo_->GetUnit(unit_id));
        if (!unit)
          return Status::InvalidArgument("unit_id", "no such unit " + std::to_string(unit_id));
        paths_.push_back(unit->path);
        it = unit_index_.emplace(unit_id, static_cast<int>(paths_.size() - 1)).first;
      }
      last_unit_id_ = unit_id;
      last_unit_ = it->second;
      return it->second;
    }

    // Same rules as the stats_case_insert trigger (SQLite's integer division truncates, as C++'s
    // does; an unknown age is not a minor).
    void Count(int unit, const Case& c) {
      counters_.push_back(CounterKey(unit, kFiled, c.filed_at));
      if (c.facts.youngest_victim_age && *c.facts.youngest_victim_age < 18)
        counters_.push_back(CounterKey(unit, kMinorFiled, c.filed_at));
      if (c.solved_at) {
        counters_.push_back(CounterKey(unit, kSolved, *c.solved_at));
        if (c.historic) counters_.push_back(CounterKey(unit, kHistoricSolved, *c.solved_at));
      }
    }

    // Adds the counters grouped by unit, metric and day, in that order (so the table's pages are
    // written in sequence).
    Status WriteCounters() {
      static constexpr const char* kNames[] = {"filed", "minor_filed", "solved", "historic_solved"};
      std::sort(counters_.begin(), counters_.end());
      Stmt& add = repo_->Prepared(
          "INSERT INTO daily_stats(unit_path, metric, day, n) VALUES(?, ?, ?, ?) "
          "ON CONFLICT(unit_path, metric, day) DO UPDATE SET n = n + excluded.n");
      if (!add.prepared()) return add.status();
      constexpr std::uint64_t kDayMask = (std::uint64_t{1} << kDayBits) - 1;
      for (size_t i = 0; i < counters_.size();) {
        const std::uint64_t key = counters_[i];
        size_t j = i;
        while (j < counters_.size() && counters_[j] == key) ++j;
        add.Reset();
        add.Bind(1, paths_[key >> (kDayBits + 2)])
            .Bind(2, kNames[(key >> kDayBits) & 3])
            .Bind(3, static_cast<std::int64_t>(key & kDayMask) - kDayOffset)
            .Bind(4, static_cast<std::int64_t>(j - i));
        AEGIS_RETURN_IF_ERROR(add.Run());
        i = j;
      }
      counters_.clear();
      return Status::Ok();
    }

    SqliteRepo* repo_;
    bool rebuild_ = false, finished_ = false;
    std::vector<std::string> index_sql_;
    std::string trigger_sql_;
    std::vector<std::string> paths_;
    std::unordered_map<Id, int> unit_index_;
    Id last_unit_id_ = -1;
    int last_unit_ = 0;
    std::vector<std::uint64_t> counters_;
  };

  // Returns the cached statement for `sql`, reset and with bindings cleared.
  Stmt& Prepared(const std::string& sql) { return CachedStatement(db_, *cache_, sql); }

  sqlite3* db_;
  StmtCache* cache_;
  const AuditHasher* audit_hasher_;
  RowCache* rows_;
  bool fill_rows_;
  std::unique_ptr<VictimRepo> victims_;  // created on first use
  std::unique_ptr<AccessRepo> access_;   // likewise
  std::unique_ptr<ExportRepo> exports_;  // created on first use
};

#undef PREPARE

// How long a connection waits for another's lock before answering "busy".
constexpr int kBusyTimeoutMs = 10000;

sqlite3* OpenConnection(const std::string& path, bool readonly, Status* status) {
  sqlite3* db = nullptr;
  const int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    *status = Status(StatusCode::kUnavailable,
                     "cannot open database " + path + ": " + (db ? sqlite3_errmsg(db) : "?"));
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return db;
}

// Reports each statement's SQL text to the store's observer (SQLITE_TRACE_STMT: when a statement
// starts to run; trigger bodies arrive as "-- ..." comments).
int TraceStatement(unsigned type, void* context, void* /*stmt*/, void* sql) {
  if (type == SQLITE_TRACE_STMT && context != nullptr && sql != nullptr)
    (*static_cast<const StatementObserver*>(context))(static_cast<const char*>(sql));
  return 0;
}

class SqliteStore final : public Store {
 public:
  ~SqliteStore() override {
    caches_.clear();  // finalize statements before closing their connections
    for (sqlite3* db : readers_) sqlite3_close(db);
    // Back to WAL after a bulk load. Should this fail, the next open sets it (Init).
    if (bulk_load_journal_) (void)Exec(writer_, "PRAGMA journal_mode=WAL");
    sqlite3_close(writer_);
  }

  Status Init(const std::string& path, const StoreOptions& options) {
    if (!options.audit_hasher)
      return Status::InvalidArgument(
          "audit_hasher", "is required to keep the audit chain (use services::OpenStore)");
    audit_hasher_ = options.audit_hasher;
    statement_observer_ = options.statement_observer;
    Status st;
    writer_ = OpenConnection(path, false, &st);
    if (!writer_) return st;
    Observe(writer_);
    // A large page cache for the writer keeps index pages of bulk loads in memory. Checkpoints
    // every 8,000 WAL pages (32 MB) instead of 1,000: a page written by several audit batches is
    // copied back once, and a batch of 1,000 read-audit records cost 40 % less CPU. Temporary
    // storage stays in files (SQLite's default): with it in memory SQLite gives its sorter no
    // worker threads, and index builds of bulk loads sort on one core.
    AEGIS_RETURN_IF_ERROR(Exec(writer_,
                               "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA "
                               "cache_size=-262144; PRAGMA temp_store=FILE; PRAGMA threads=2; "
                               "PRAGMA wal_autocheckpoint=8000;"));
    AEGIS_RETURN_IF_ERROR(Exec(writer_, options.synchronous_full ? "PRAGMA synchronous=FULL;"
                                                                 : "PRAGMA synchronous=NORMAL;"));
    AEGIS_RETURN_IF_ERROR(Migrate());
    if (options.bulk_load) AEGIS_RETURN_IF_ERROR(EnterBulkLoadJournal());
    caches_[writer_];
    for (int i = 0; i < std::max(1, options.read_connections); ++i) {
      sqlite3* db = OpenConnection(path, true, &st);
      if (!db) return st;
      Observe(db);
      // No memory map (mmap_size): a reader drops its cache whenever the WAL changed, which the
      // audit writer does many times a second, and with a map that meant munmap and page faults
      // on every page again; pread was faster (wrk case reads 15,700 -> 17,500 req/s).
      AEGIS_RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys=ON;"));
      readers_.push_back(db);
      free_readers_.push_back(db);
      caches_[db];
    }
    return Status::Ok();
  }

  Status Read(const std::function<Status(Repo&)>& fn) override {
    sqlite3* db;
    {
      std::unique_lock lock(reader_mu_);
      reader_cv_.wait(lock, [&] { return !free_readers_.empty(); });
      db = free_readers_.back();
      free_readers_.pop_back();
    }
    StmtCache& cache = caches_.at(db);
    Status st = RunCached(db, cache, "BEGIN");
    if (st.ok()) {
      SqliteRepo repo(db, &cache, &audit_hasher_, &rows_, true);
      st = fn(repo);
      ReleaseStatements(db);
      Status end = RunCached(db, cache, "COMMIT");
      if (st.ok()) st = end;
    }
    {
      std::lock_guard lock(reader_mu_);
      free_readers_.push_back(db);
    }
    reader_cv_.notify_one();
    return st;
  }

  Status Write(const std::function<Status(Repo&)>& fn) override {
    std::lock_guard lock(writer_mu_);
    AEGIS_RETURN_IF_ERROR(Exec(writer_, "BEGIN IMMEDIATE"));
    SqliteRepo repo(writer_, &caches_.at(writer_), &audit_hasher_, &rows_, false);
    Status st = fn(repo);
    ReleaseStatements(writer_);
    if (st.ok()) {
      st = Exec(writer_, "COMMIT");
      if (st.ok()) return st;
    }
    (void)Exec(writer_, "ROLLBACK");
    return st;
  }

  std::string Kind() const override { return "sqlite"; }
  int SchemaVersion() const override { return schema_version_; }
  bool BulkLoadJournal() const override { return bulk_load_journal_; }

 private:
  // Switches the database to a rollback journal (StoreOptions::bulk_load). Leaving WAL mode needs
  // every other connection closed; when another process has the database open, SQLite answers
  // "busy" at once (no busy wait here) and the store stays in WAL mode. A rollback journal is
  // synced before the database file is written, so the load stays all or nothing; FULL sync
  // keeps the journal's header ordered on power loss too.
  Status EnterBulkLoadJournal() {
    sqlite3_busy_timeout(writer_, 0);
    std::string mode;
    {
      Stmt q(writer_, "PRAGMA journal_mode=DELETE");
      while (q.Step()) mode = q.Text(0);
      if (!q.status().ok() && q.status().code() != StatusCode::kUnavailable) return q.status();
    }
    sqlite3_busy_timeout(writer_, kBusyTimeoutMs);
    if (mode != "delete") return Status::Ok();
    bulk_load_journal_ = true;
    return Exec(writer_, "PRAGMA synchronous=FULL");
  }

  void Observe(sqlite3* db) {
    if (statement_observer_)
      sqlite3_trace_v2(db, SQLITE_TRACE_STMT, TraceStatement, &statement_observer_);
  }

  // Resets every statement of `db` left mid-step, so that none holds the snapshot past COMMIT.
  // Walks SQLite's own list: most of the cached statements were not used by this transaction.
  static void ReleaseStatements(sqlite3* db) {
    for (sqlite3_stmt* stmt = sqlite3_next_stmt(db, nullptr); stmt != nullptr;
         stmt = sqlite3_next_stmt(db, stmt)) {
      if (sqlite3_stmt_busy(stmt)) sqlite3_reset(stmt);
    }
  }

  // Runs a statement without results (BEGIN, COMMIT) from the connection's cache: sqlite3_exec
  // would parse it again on every request.
  static Status RunCached(sqlite3* db, StmtCache& cache, const char* sql) {
    return CachedStatement(db, cache, sql).Run();
  }

  Status Migrate() {
    AEGIS_RETURN_IF_ERROR(Exec(writer_,
                               "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER "
                               "PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    {
      Stmt s(writer_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      if (s.Step()) schema_version_ = static_cast<int>(s.Int(0));
      AEGIS_RETURN_IF_ERROR(s.status());
    }
    for (const auto& m : internal::SqliteMigrations()) {
      if (m.version <= schema_version_) continue;
      AEGIS_RETURN_IF_ERROR(Exec(writer_, "BEGIN IMMEDIATE"));
      Status st = Exec(writer_, m.sql);
      if (st.ok() && m.code) st = m.code(writer_, internal::MigrationContext{audit_hasher_});
      if (st.ok()) {
        Stmt s(writer_,
               "INSERT INTO schema_migrations(version, name, applied_at) VALUES(?, ?, "
               "strftime('%s','now'))");
        s.Bind(1, m.version).Bind(2, m.name);
        st = s.Run();
      }
      if (!st.ok()) {
        (void)Exec(writer_, "ROLLBACK");
        return Status::Internal("migration " + std::to_string(m.version) +
                                " failed: " + st.message());
      }
      AEGIS_RETURN_IF_ERROR(Exec(writer_, "COMMIT"));
      schema_version_ = m.version;
    }
    return Status::Ok();
  }

  sqlite3* writer_ = nullptr;
  std::mutex writer_mu_;
  std::vector<sqlite3*> readers_;
  std::vector<sqlite3*> free_readers_;
  std::mutex reader_mu_;
  std::condition_variable reader_cv_;
  int schema_version_ = 0;
  bool bulk_load_journal_ = false;
  AuditHasher audit_hasher_;
  RowCache rows_;
  StatementObserver statement_observer_;  // outlives the connections that point to it
  // One statement cache per connection; the map itself is filled before any concurrent use.
  std::map<sqlite3*, StmtCache> caches_;
};

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                 const StoreOptions& options) {
  // SQLite's memory statistics take one process-wide mutex on every allocation and free: the
  // readers and the audit writer contended on it (a profile of case reads showed sqlite3_free
  // waiting). Nothing reads the statistics. Only possible before SQLite initialises; if something
  // else initialised it first the call is refused and the default stays.
  static std::once_flag memstatus_off;
  std::call_once(memstatus_off, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto store = std::make_unique<SqliteStore>();
  AEGIS_RETURN_IF_ERROR(store->Init(path, options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace aegis::storage
