// Storage for need-to-know access (issue 3): sensitivity labels on cases, break-glass grants and
// the alerts they raise. A sub-interface of Repo (Repo::Access()), same transaction and connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"
#include "storage/store.h"

namespace aegis::storage {

// An emergency access to a case the user could not otherwise open.
struct BreakGlassGrant {
  Id id = 0;
  Id case_id = 0;
  Id user_id = 0;
  std::string reason;
  UnixSeconds granted_at = 0;
  UnixSeconds expires_at = 0;
  std::optional<Id> reviewed_by;
  std::optional<UnixSeconds> reviewed_at;
  std::optional<bool> justified;  // the reviewer's finding
  std::string review_note;
};

struct BreakGlassQuery {
  // Grants on cases owned in, or by users of, one of these unit subtrees (empty: none).
  std::vector<std::string> unit_path_prefixes;
  std::optional<Id> user_id;
  bool unreviewed_only = false;
  int limit = 100;
};

// A message to one user inside Aegis (work list), e.g. "your case was opened by break-glass".
struct UserAlert {
  Id id = 0;
  Id user_id = 0;
  std::string kind;  // "break_glass", ...
  std::optional<Id> case_id;
  std::optional<Id> grant_id;
  std::string detail;  // short JSON, never identity fields
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> read_at;
};

class AccessRepo {
 public:
  virtual ~AccessRepo() = default;

  // Stores a case's labels (restricted, sealed; the minor-victim label is derived), its restricted
  // sections and the court order of a seal. NotFound for an unknown case.
  virtual Status SetCaseSensitivity(Id case_id, std::uint32_t stored_labels,
                                    std::uint32_t restricted_sections,
                                    const std::string& seal_reference, UnixSeconds now) = 0;
  // The case with this reference, whatever the caller's scope (break-glass looks cases up by the
  // reference a colleague gave).
  virtual StatusOr<std::optional<Id>> FindCaseByReference(const std::string& reference) = 0;

  virtual StatusOr<Id> InsertBreakGlassGrant(const BreakGlassGrant& grant) = 0;
  virtual StatusOr<std::optional<BreakGlassGrant>> GetBreakGlassGrant(Id id) = 0;
  // Cases `user_id` holds an unexpired grant for.
  virtual StatusOr<std::vector<Id>> ActiveBreakGlassCases(Id user_id, UnixSeconds now) = 0;
  // The newest grant of `user_id` on `case_id` that is still valid, if any.
  virtual StatusOr<std::optional<BreakGlassGrant>> ActiveBreakGlassGrant(Id user_id, Id case_id,
                                                                         UnixSeconds now) = 0;
  // Newest first.
  virtual StatusOr<std::vector<BreakGlassGrant>> ListBreakGlassGrants(
      const BreakGlassQuery& query) = 0;
  virtual Status ReviewBreakGlassGrant(Id id, Id reviewer, UnixSeconds at, bool justified,
                                       const std::string& note) = 0;

  virtual StatusOr<Id> InsertAlert(const UserAlert& alert) = 0;
  // Newest first; `unread_only` skips alerts already read.
  virtual StatusOr<std::vector<UserAlert>> ListAlerts(Id user_id, bool unread_only, int limit) = 0;
  // Marks one of `user_id`'s alerts read; false when it is not theirs.
  virtual StatusOr<bool> MarkAlertRead(Id alert_id, Id user_id, UnixSeconds at) = 0;
};

}  // namespace aegis::storage
