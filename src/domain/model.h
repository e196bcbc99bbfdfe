// Aegis's domain vocabulary: the plain value types every layer above shares. No I/O here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace aegis::domain {

using Id = std::int64_t;

// ---- Enumerations. Each has ToString (stable wire/storage name) and Parse (nullopt if unknown).

enum class UnitType { kMinistry, kProvince, kCity, kCounty, kStation, kProcuratorate, kPartner };
enum class Role {
  kOfficer,
  kSupervisor,
  kAnalyst,
  kForensic,
  kProsecutor,
  kPartner,
  kAdministrator,
  kPrivacyOfficer,  // oversees who accessed what (audit search); sees no case content
};

// Where a clue came from.
enum class ClueSource {
  kEmergencyCall,  // 110 call
  kWalkIn,         // report in person at a station
  kHospital,
  kSchool,
  kOnlinePlatform,  // report from an online platform (dating app, social network)
  kPartnerAgency,   // women's federation, civil affairs, procuratorate, ...
  kAnonymousTip,
  kUnitTransfer,  // handed over by another police unit
};

enum class ClueStatus { kPendingReview, kFiled, kDeclined, kTransferred };

// The filing-review clock track: decides the legal time limit for the filing decision.
enum class ReviewTrack { kStandard, kVerification, kMajorComplex };

enum class CaseStage {
  kFiled,
  kUnderInvestigation,
  kSuspectIdentified,
  kSuspectDetained,
  kSolved,
  kTransferredForProsecution,
  kProsecuted,
  kClosed,
  kSuspended,
  kReopened,
};

enum class PersonRole { kVictim, kSuspect, kWitness, kReporter };
enum class Sex { kUnknown, kFemale, kMale };

// A relationship that puts the offender in a position of trust over the victim.
enum class DutyOfCare { kNone, kTeacher, kGuardian, kDoctor, kCoach, kOtherCarer };

enum class ActionStatus { kAllocated, kInProgress, kCompleted, kReviewed, kCancelled };
enum class AssistanceStatus { kRequested, kAccepted, kDeclined, kCompleted };

// Sensitivity labels on a case (issue 3). A minor victim is derived from the facts; restricted and
// sealed are set by a supervisor. See services/policy.h for what each one changes.
enum class CaseLabel {
  kMinorVictim,  // a victim under 18: persons and victim support only for the owning unit chain
  kRestricted,   // only the case team and the supervisors over the owning unit
  kSealed,       // sealed by court order: as restricted, read-only, no break-glass
};
// Sections of a case that can be restricted to the case team on their own.
enum class CaseSection { kPersons, kVictimSupport, kActions, kTimeline };
// Why a user is looking (sent with each request, recorded in the audit). The policy allows each
// role a few purposes and grants less for some (analysis never shows persons or identities).
enum class Purpose {
  kInvestigation,
  kSupervision,
  kAnalysis,
  kForensicExamination,
  kProsecution,
  kVictimSupport,
  kAuditReview,
  kAdministration,
  kEmergency,  // break-glass access (set by the service, never chosen)
};

std::string_view ToString(UnitType v);
std::string_view ToString(Role v);
std::string_view ToString(ClueSource v);
std::string_view ToString(ClueStatus v);
std::string_view ToString(ReviewTrack v);
std::string_view ToString(CaseStage v);
std::string_view ToString(PersonRole v);
std::string_view ToString(Sex v);
std::string_view ToString(DutyOfCare v);
std::string_view ToString(ActionStatus v);
std::string_view ToString(AssistanceStatus v);
std::string_view ToString(CaseLabel v);
std::string_view ToString(CaseSection v);
std::string_view ToString(Purpose v);

// Bit of a label or section in a stored mask.
constexpr std::uint32_t Bit(CaseLabel v) { return 1u << static_cast<unsigned>(v); }
constexpr std::uint32_t Bit(CaseSection v) { return 1u << static_cast<unsigned>(v); }

template <typename E>
std::optional<E> Parse(std::string_view name);

// All values of an enumeration, in declaration order (for validation messages and UI lists).
template <typename E>
const std::vector<E>& AllValues();

// Explicit specializations, defined in model.cc; declared here so every translation unit links
// against the single definition instead of instantiating the undefined primary template.
#define AEGIS_DECLARE_ENUM_NAMES_(E)                \
  template <>                                       \
  std::optional<E> Parse<E>(std::string_view name); \
  template <>                                       \
  const std::vector<E>& AllValues<E>()
AEGIS_DECLARE_ENUM_NAMES_(UnitType);
AEGIS_DECLARE_ENUM_NAMES_(Role);
AEGIS_DECLARE_ENUM_NAMES_(ClueSource);
AEGIS_DECLARE_ENUM_NAMES_(ClueStatus);
AEGIS_DECLARE_ENUM_NAMES_(ReviewTrack);
AEGIS_DECLARE_ENUM_NAMES_(CaseStage);
AEGIS_DECLARE_ENUM_NAMES_(PersonRole);
AEGIS_DECLARE_ENUM_NAMES_(Sex);
AEGIS_DECLARE_ENUM_NAMES_(DutyOfCare);
AEGIS_DECLARE_ENUM_NAMES_(ActionStatus);
AEGIS_DECLARE_ENUM_NAMES_(AssistanceStatus);
AEGIS_DECLARE_ENUM_NAMES_(CaseLabel);
AEGIS_DECLARE_ENUM_NAMES_(CaseSection);
AEGIS_DECLARE_ENUM_NAMES_(Purpose);
#undef AEGIS_DECLARE_ENUM_NAMES_

// ---- Entities.

struct Unit {
  Id id = 0;
  std::string code;  // stable external code, e.g. "GD-GZ-TH" (province-city-county)
  std::string name;  // Chinese name
  std::string name_en;
  UnitType type = UnitType::kStation;
  std::optional<Id> parent_id;
  std::string path;  // materialised ancestry "/1/4/17/" (ids, root first, own id last)
};

struct User {
  Id id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kOfficer;
  Id unit_id = 0;
  bool active = true;
  UnixSeconds created_at = 0;
};

// Facts about a clue's alleged offence that intake collects and rules read.
struct OffenceFacts {
  std::optional<UnixSeconds> offence_time;  // when it happened (may be long ago)
  std::string place;                        // free-text place (block-level address)
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<int> youngest_victim_age;  // at the time of the offence
  int victim_count = 1;
  int offender_count = 1;
  DutyOfCare duty_of_care = DutyOfCare::kNone;
  bool weapon = false;
  bool serious_injury = false;
  bool online_dating = false;    // met through a dating app / online contact
  bool linked_series = false;    // linked to other cases (analyst confirmed)
  bool repeat_offender = false;  // suspect has prior sexual-offence record
};

struct Clue {
  Id id = 0;
  std::string reference;  // "XS-2026-000123"
  ClueSource source = ClueSource::kWalkIn;
  UnixSeconds received_at = 0;
  Id unit_id = 0;                 // receiving unit
  Id recorded_by = 0;             // user
  std::optional<Id> assigned_to;  // officer responsible for review
  std::string summary;
  OffenceFacts facts;
  std::string victim_pseudonym;  // shown everywhere instead of identity
  std::string suspect_description;
  ClueStatus status = ClueStatus::kPendingReview;
  ReviewTrack track = ReviewTrack::kStandard;
  UnixSeconds review_deadline = 0;
  std::optional<Id> track_approved_by;  // required for kMajorComplex
  std::optional<UnixSeconds> decided_at;
  std::optional<Id> decided_by;
  std::string decision_reason;
  std::optional<Id> case_id;  // when filed
  std::optional<Id> transferred_to_unit;
  UnixSeconds updated_at = 0;
};

struct MajorFlag {
  std::string rule_key;  // e.g. "victim_under_14"
  std::string label;     // human-readable reason (Chinese)
  std::string label_en;
  int priority = 0;  // weight contributed
};

struct Case {
  Id id = 0;
  std::string reference;  // "AJ-2026-000045"
  std::optional<Id> clue_id;
  Id unit_id = 0;         // owning unit
  std::string unit_path;  // the owning unit's path (filled on reads; the store keeps it)
  std::string title;
  std::string summary;
  CaseStage stage = CaseStage::kFiled;
  OffenceFacts facts;
  UnixSeconds filed_at = 0;
  bool historic = false;  // offence long before filing, or reopened cold case
  bool reopened = false;
  bool major = false;
  int priority = 0;  // 0 routine .. higher is more urgent
  std::vector<MajorFlag> major_flags;
  std::string rules_version;              // major-case rule set that produced the flags
  std::optional<Id> supervising_unit_id;  // unit above, for major cases
  std::optional<Id> case_manager_id;
  std::optional<Id> lead_investigator_id;
  std::optional<Id> file_coordinator_id;
  std::optional<Id> procuratorate_unit_id;  // set on transfer for prosecution
  std::optional<UnixSeconds> solved_at;
  std::optional<UnixSeconds> closed_at;
  std::optional<UnixSeconds> stage_deadline;  // deadline started by the last transition
  std::string stage_deadline_label;
  UnixSeconds updated_at = 0;
  // Stored sensitivity: Bit(kRestricted) | Bit(kSealed); the minor-victim label is derived (see
  // Labels()). `restricted_sections` holds Bit(CaseSection) values.
  std::uint32_t stored_labels = 0;
  std::uint32_t restricted_sections = 0;
  std::string seal_reference;  // the court order behind a seal
  // Every label of the case, stored and derived.
  std::uint32_t Labels() const {
    std::uint32_t l = stored_labels;
    if (facts.youngest_victim_age && *facts.youngest_victim_age < 18)
      l |= Bit(CaseLabel::kMinorVictim);
    return l;
  }
  bool Has(CaseLabel label) const { return (Labels() & Bit(label)) != 0; }
  bool SectionRestricted(CaseSection s) const { return (restricted_sections & Bit(s)) != 0; }
};

// Identity fields of a person. For victims these live only encrypted at rest.
struct Identity {
  std::string name;
  std::string id_number;  // Chinese resident ID (18 chars), validated
  std::string phone;      // normalised E.164, e.g. "+8613812345678"
  std::string address;
  std::string date_of_birth;  // "YYYY-MM-DD"
  bool empty() const {
    return name.empty() && id_number.empty() && phone.empty() && address.empty() &&
           date_of_birth.empty();
  }
};

struct Person {
  Id id = 0;
  Id case_id = 0;
  PersonRole role = PersonRole::kVictim;
  std::string pseudonym;  // "V1", "S1", "W2" ... unique within a case
  Sex sex = Sex::kUnknown;
  std::optional<int> age_at_offence;
  DutyOfCare duty_of_care = DutyOfCare::kNone;  // for suspects: relation to the victim
  std::string notes;
  // Identity in the clear: filled only when the caller is allowed to see it.
  std::optional<Identity> identity;
  bool identity_protected = false;  // true when stored encrypted (victims, minor witnesses)
};

struct CaseEvent {
  Id id = 0;
  Id case_id = 0;
  UnixSeconds at = 0;
  std::optional<Id> actor_id;
  std::string kind;    // "filed", "transition", "action_completed", "person_added", ...
  std::string detail;  // JSON object with the event's particulars
};

struct ChecklistItem {
  std::string key;  // "victim_interview", ...
  std::string label;
  std::string label_en;
  CaseStage stage = CaseStage::kUnderInvestigation;  // stage it belongs to
  bool required_for_prosecution = false;
  std::optional<UnixSeconds> done_at;
  std::optional<Id> done_by;
};

struct Action {
  Id id = 0;
  Id case_id = 0;
  std::string title;
  std::string description;
  std::optional<Id> owner_id;
  ActionStatus status = ActionStatus::kAllocated;
  std::optional<UnixSeconds> due_at;
  std::string result;
  Id created_by = 0;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};

struct AssistanceRequest {
  Id id = 0;
  Id case_id = 0;
  Id from_unit_id = 0;
  Id to_unit_id = 0;
  std::string request;
  AssistanceStatus status = AssistanceStatus::kRequested;
  std::string response;
  UnixSeconds created_at = 0;
  UnixSeconds updated_at = 0;
};

struct Campaign {
  Id id = 0;
  std::string name;
  std::string name_en;
  UnixSeconds starts_at = 0;
  std::optional<UnixSeconds> ends_at;
  Id scope_unit_id = 0;  // the campaign covers this unit and everything below it
};

}  // namespace aegis::domain
