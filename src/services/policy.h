// The single policy point: every decision about who may see or do what in Aegis is made here.
// Services ask it; storage only applies the scopes it produces. It decides from the role, the unit
// and its place in the hierarchy, the case team and joint teams, the sensitivity labels of a case
// and of its sections, the stage (prosecutors), the stated purpose and break-glass grants.
//
// Labels (domain::CaseLabel):
//   minor_victim  persons and victim support are shown only to the owning unit (and the units
//                 above it), the case team and the procuratorate; identities of a minor only to the
//                 case team, supervisors over the owning unit and the procuratorate.
//   restricted    the case is open only to the case team, the supervisors over the owning unit
//                 and the procuratorate (and to a break-glass grant).
//   sealed        as restricted, read-only, and no break-glass (a court order).
// Restricted sections (domain::CaseSection) are shown only to the case team, the supervisors over
// the owning unit and the procuratorate.
// Purposes: each role may state some (AllowedPurposes); analysis never shows persons, victim
// support or identities, and an identity is revealed only for investigation, prosecution or
// victim support.
#pragma once

#include <string>
#include <vector>

#include "domain/model.h"
#include "domain/victim_support.h"
#include "storage/store.h"

namespace aegis::services {

// The authenticated caller.
struct Principal {
  domain::User user;
  domain::Unit unit;          // the user's unit, with its materialised path
  std::string remote;         // client address, for the audit
  domain::Id session_id = 0;  // the session the request came with (0: none, e.g. the CLI)
  // Signed in with the password only while a second factor is required but not yet enrolled: the
  // session may enrol one and nothing else (no capability, no case scope).
  bool enrolment_only = false;
  // Why the caller is looking (X-Aegis-Purpose; the role's default when not stated).
  domain::Purpose purpose = domain::Purpose::kInvestigation;
  // Cases the caller holds an unexpired break-glass grant for.
  std::vector<domain::Id> break_glass_cases;
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
  // Victim support (issue 3).
  kRecordInterview,          // record victim interviews, ask for a further interview of a minor
  kApproveFurtherInterview,  // approve or refuse a further interview of a minor
  kManageVictimSupport,      // contact preferences, consents, referrals, survivor status codes
  kWorkReferrals,            // a partner agency's own referrals (and nothing else)
  // Need-to-know access (issue 3).
  kBreakGlass,        // open a case outside one's scope in an emergency, stating a reason
  kReviewBreakGlass,  // review break-glass accesses (supervisors of the unit, privacy officers)
  kExportCase,        // export a redacted case file for an audience outside the team
};

// The purposes `role` may state; the first is its default.
const std::vector<domain::Purpose>& AllowedPurposes(domain::Role role);

class Policy {
 public:
  // Whether `p` may state `purpose` (kEmergency is never stated, the service sets it).
  bool MayStatePurpose(const Principal& p, domain::Purpose purpose) const;

  // Whether `p`'s role grants `capability` at all (scope is checked separately).
  bool Allows(const Principal& p, Capability capability) const;

  // The cases `p` may open: lists, counts and single reads all go through this scope.
  storage::CaseScope CaseScopeFor(const Principal& p) const;

  // Unit subtrees whose clues `p` may see (empty: none).
  std::vector<std::string> ClueUnitPrefixes(const Principal& p) const;
  // Stored case labels whose clues `p` may not see in clue lists (see ClueQuery).
  std::uint32_t HiddenClueCaseLabels(const Principal& p) const;

  // Whether `p` may see the clue received by a unit with path `unit_path`.
  bool MaySeeClue(const Principal& p, const std::string& unit_path) const;

  // Whether `p` may see `section` of case `c` it can already open (`case_unit_path`: the owning
  // unit's path). Hidden sections are left out of the case page and their routes answer 403.
  bool MaySeeSection(const Principal& p, const domain::Case& c, const std::string& case_unit_path,
                     domain::CaseSection section) const;

  // Whether `p` may change the labels and restricted sections of case `c` (supervisors over the
  // owning unit).
  bool MayLabelCase(const Principal& p, const domain::Case& c,
                    const std::string& case_unit_path) const;

  // Whether `p` may change case `c` at all (a sealed case is read-only for everyone).
  bool MayModifyCase(const domain::Case& c) const;

  // Whether `p` may open case `c` by break-glass (role, full session, case not sealed).
  bool MayBreakGlass(const Principal& p, const domain::Case& c) const;

  // Whether `p` may see victims' identities in a case it can already open; `case_unit_path` is the
  // path of the case's owning unit. Sharing a case (joint team, assistance) does not share
  // identities, and neither does break-glass.
  bool MayRevealIdentity(const Principal& p, const domain::Case& c,
                         const std::string& case_unit_path) const;

  // Whether `p` may export case `c` (owned by the unit at `case_unit_path`) for an audience
  // outside the case team, and see its earlier exports. An export discloses the case beyond the
  // people who may open it, so it is for those responsible for the case: its team, an officer of
  // the owning unit, a supervisor above it. A unit that can read the case through a joint team,
  // assistance or break-glass cannot pass it on; a sealed case is not exported, and not for
  // analysis. What the export contains is still limited to the sections `p` may see.
  bool MayExportCase(const Principal& p, const domain::Case& c,
                     const std::string& case_unit_path) const;

  // Unit subtrees whose audit trail `p` may search (records by their users or about records they
  // own); empty: none.
  std::vector<std::string> AuditUnitPrefixes(const Principal& p) const;

  // Whether `p` may read the free-text detail of audit records, which can quote case content
  // (reasons, sources). Privacy officers oversee access, not cases: they see who, what and when
  // only.
  bool MaySeeAuditDetail(const Principal& p) const;
  // Whether `p` may see referral `r` at all: only users of the partner agency it was sent to.
  // Police users see referrals through the case they belong to (CaseScopeFor).
  bool MaySeeReferral(const Principal& p, const domain::Referral& r) const;

  // The victim's contact details `p` may see on referral `r` under `consent`: the fields the
  // consent names, only while the consent stands and the referral is open, only for the agency.
  // Empty otherwise (withdrawn consent, closed or declined referral, anyone else).
  std::vector<domain::ContactField> SharedContactFields(
      const Principal& p, const domain::Referral& r, const domain::ReferralConsent& consent) const;

  // Whether `p` may open case `c` (which `p` can already open) to more people: share it with
  // another unit, ask another unit for assistance, change its team. The owning unit's officers and
  // the supervisors above it decide who works on a case; the units and people it was opened to
  // (joint teams, assisting units, team members from elsewhere) do not pass it on.
  // `case_unit_path` is the path of the case's owning unit.
  bool MayGrantCaseAccess(const Principal& p, const domain::Case& c,
                          const std::string& case_unit_path) const;
};

}  // namespace aegis::services
