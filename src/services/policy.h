// The single policy point: every decision about who may see or do what in Aegis is made here.
// Services ask it; storage only applies the scopes it produces. Issue 3 deepens it (labels, purpose,
// break-glass) without changing its callers.
#pragma once

#include <string>
#include <vector>

#include "domain/model.h"
#include "storage/store.h"

namespace aegis::services {

// The authenticated caller.
struct Principal {
  domain::User user;
  domain::Unit unit;  // the user's unit, with its materialised path
  std::string remote;  // client address, for the audit
  domain::Id session_id = 0;  // the session the request came with (0: none, e.g. the CLI)
  // Signed in with the password only while a second factor is required but not yet enrolled: the
  // session may enrol one and nothing else (no capability, no case scope).
  bool enrolment_only = false;
};

enum class Capability {
  kIntakeClue,        // record clues
  kReviewClue,        // change review track, assign
  kDecideClue,        // file / decline / transfer
  kApproveLongTrack,  // approve the 30-day major/complex review track
  kEditCase,          // persons, checklist, actions, team, assistance, shares
  kTransitionCase,    // stage transitions (the lifecycle decides which)
  kViewBoard,         // supervisor board and workload
  kViewDashboard,     // campaign figures (only cases in scope are counted)
  kManageUsers,
  kQueryAudit,  // search the audit trail of the own unit subtree
};

class Policy {
 public:
  // Whether `p`'s role grants `capability` at all (scope is checked separately).
  bool Allows(const Principal& p, Capability capability) const;

  // The cases `p` may open: lists, counts and single reads all go through this scope.
  storage::CaseScope CaseScopeFor(const Principal& p) const;

  // Unit subtrees whose clues `p` may see (empty: none).
  std::vector<std::string> ClueUnitPrefixes(const Principal& p) const;

  // Whether `p` may see the clue received by a unit with path `unit_path`.
  bool MaySeeClue(const Principal& p, const std::string& unit_path) const;

  // Whether `p` may see victims' identities in a case it can already open; `case_unit_path` is the
  // path of the case's owning unit. Sharing a case (joint team, assistance) does not share identities.
  bool MayRevealIdentity(const Principal& p, const domain::Case& c,
                         const std::string& case_unit_path) const;

  // Unit subtrees whose audit trail `p` may search (records by their users or about records they
  // own); empty: none.
  std::vector<std::string> AuditUnitPrefixes(const Principal& p) const;

  // Whether `p` may read the free-text detail of audit records, which can quote case content
  // (reasons, sources). Privacy officers oversee access, not cases: they see who, what and when only.
  bool MaySeeAuditDetail(const Principal& p) const;
};

}  // namespace aegis::services
