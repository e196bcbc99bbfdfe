#include "domain/model.h"

#include <array>
#include <utility>

namespace aegis::domain {
namespace {

// One table per enumeration, in declaration order, is the single source for ToString, Parse and
// AllValues, so the three can never disagree. The names are stored in the database and sent over
// the wire: never rename one, only add.
template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

template <typename E, std::size_t N>
std::string_view NameOf(const NameTable<E, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> ValueOf(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::vector<E> ValuesOf(const NameTable<E, N>& table) {
  std::vector<E> out;
  out.reserve(N);
  for (const auto& entry : table) out.push_back(entry.first);
  return out;
}

constexpr NameTable<UnitType, 7> kUnitTypeNames{{
    {UnitType::kMinistry, "ministry"},
    {UnitType::kProvince, "province"},
    {UnitType::kCity, "city"},
    {UnitType::kCounty, "county"},
    {UnitType::kStation, "station"},
    {UnitType::kProcuratorate, "procuratorate"},
    {UnitType::kPartner, "partner"},
}};

constexpr NameTable<Role, 8> kRoleNames{{
    {Role::kOfficer, "officer"},
    {Role::kSupervisor, "supervisor"},
    {Role::kAnalyst, "analyst"},
    {Role::kForensic, "forensic"},
    {Role::kProsecutor, "prosecutor"},
    {Role::kPartner, "partner"},
    {Role::kAdministrator, "administrator"},
    {Role::kPrivacyOfficer, "privacy_officer"},
}};

constexpr NameTable<ClueSource, 8> kClueSourceNames{{
    {ClueSource::kEmergencyCall, "emergency_call"},
    {ClueSource::kWalkIn, "walk_in"},
    {ClueSource::kHospital, "hospital"},
    {ClueSource::kSchool, "school"},
    {ClueSource::kOnlinePlatform, "online_platform"},
    {ClueSource::kPartnerAgency, "partner_agency"},
    {ClueSource::kAnonymousTip, "anonymous_tip"},
    {ClueSource::kUnitTransfer, "unit_transfer"},
}};

constexpr NameTable<ClueStatus, 4> kClueStatusNames{{
    {ClueStatus::kPendingReview, "pending_review"},
    {ClueStatus::kFiled, "filed"},
    {ClueStatus::kDeclined, "declined"},
    {ClueStatus::kTransferred, "transferred"},
}};

constexpr NameTable<ReviewTrack, 3> kReviewTrackNames{{
    {ReviewTrack::kStandard, "standard"},
    {ReviewTrack::kVerification, "verification"},
    {ReviewTrack::kMajorComplex, "major_complex"},
}};

constexpr NameTable<CaseStage, 10> kCaseStageNames{{
    {CaseStage::kFiled, "filed"},
    {CaseStage::kUnderInvestigation, "under_investigation"},
    {CaseStage::kSuspectIdentified, "suspect_identified"},
    {CaseStage::kSuspectDetained, "suspect_detained"},
    {CaseStage::kSolved, "solved"},
    {CaseStage::kTransferredForProsecution, "transferred_for_prosecution"},
    {CaseStage::kProsecuted, "prosecuted"},
    {CaseStage::kClosed, "closed"},
    {CaseStage::kSuspended, "suspended"},
    {CaseStage::kReopened, "reopened"},
}};

constexpr NameTable<PersonRole, 4> kPersonRoleNames{{
    {PersonRole::kVictim, "victim"},
    {PersonRole::kSuspect, "suspect"},
    {PersonRole::kWitness, "witness"},
    {PersonRole::kReporter, "reporter"},
}};

constexpr NameTable<Sex, 3> kSexNames{{
    {Sex::kUnknown, "unknown"},
    {Sex::kFemale, "female"},
    {Sex::kMale, "male"},
}};

constexpr NameTable<DutyOfCare, 6> kDutyOfCareNames{{
    {DutyOfCare::kNone, "none"},
    {DutyOfCare::kTeacher, "teacher"},
    {DutyOfCare::kGuardian, "guardian"},
    {DutyOfCare::kDoctor, "doctor"},
    {DutyOfCare::kCoach, "coach"},
    {DutyOfCare::kOtherCarer, "other_carer"},
}};

constexpr NameTable<ActionStatus, 5> kActionStatusNames{{
    {ActionStatus::kAllocated, "allocated"},
    {ActionStatus::kInProgress, "in_progress"},
    {ActionStatus::kCompleted, "completed"},
    {ActionStatus::kReviewed, "reviewed"},
    {ActionStatus::kCancelled, "cancelled"},
}};

constexpr NameTable<AssistanceStatus, 4> kAssistanceStatusNames{{
    {AssistanceStatus::kRequested, "requested"},
    {AssistanceStatus::kAccepted, "accepted"},
    {AssistanceStatus::kDeclined, "declined"},
    {AssistanceStatus::kCompleted, "completed"},
}};

}  // namespace

#define AEGIS_DEFINE_ENUM_NAMES_(E, table)                    \
  std::string_view ToString(E v) { return NameOf(table, v); } \
  template <>                                                 \
  std::optional<E> Parse<E>(std::string_view name) {          \
    return ValueOf(table, name);                              \
  }                                                           \
  template <>                                                 \
  const std::vector<E>& AllValues<E>() {                      \
    static const std::vector<E> values = ValuesOf(table);     \
    return values;                                            \
  }

constexpr NameTable<CaseLabel, 3> kCaseLabelNames{{
    {CaseLabel::kMinorVictim, "minor_victim"},
    {CaseLabel::kRestricted, "restricted"},
    {CaseLabel::kSealed, "sealed"},
}};
constexpr NameTable<CaseSection, 4> kCaseSectionNames{{
    {CaseSection::kPersons, "persons"},
    {CaseSection::kVictimSupport, "victim_support"},
    {CaseSection::kActions, "actions"},
    {CaseSection::kTimeline, "timeline"},
}};
constexpr NameTable<Purpose, 9> kPurposeNames{{
    {Purpose::kInvestigation, "investigation"},
    {Purpose::kSupervision, "supervision"},
    {Purpose::kAnalysis, "analysis"},
    {Purpose::kForensicExamination, "forensic_examination"},
    {Purpose::kProsecution, "prosecution"},
    {Purpose::kVictimSupport, "victim_support"},
    {Purpose::kAuditReview, "audit_review"},
    {Purpose::kAdministration, "administration"},
    {Purpose::kEmergency, "emergency"},
}};

AEGIS_DEFINE_ENUM_NAMES_(UnitType, kUnitTypeNames)
AEGIS_DEFINE_ENUM_NAMES_(Role, kRoleNames)
AEGIS_DEFINE_ENUM_NAMES_(ClueSource, kClueSourceNames)
AEGIS_DEFINE_ENUM_NAMES_(ClueStatus, kClueStatusNames)
AEGIS_DEFINE_ENUM_NAMES_(ReviewTrack, kReviewTrackNames)
AEGIS_DEFINE_ENUM_NAMES_(CaseStage, kCaseStageNames)
AEGIS_DEFINE_ENUM_NAMES_(PersonRole, kPersonRoleNames)
AEGIS_DEFINE_ENUM_NAMES_(Sex, kSexNames)
AEGIS_DEFINE_ENUM_NAMES_(DutyOfCare, kDutyOfCareNames)
AEGIS_DEFINE_ENUM_NAMES_(ActionStatus, kActionStatusNames)
AEGIS_DEFINE_ENUM_NAMES_(AssistanceStatus, kAssistanceStatusNames)
AEGIS_DEFINE_ENUM_NAMES_(CaseLabel, kCaseLabelNames)
AEGIS_DEFINE_ENUM_NAMES_(CaseSection, kCaseSectionNames)
AEGIS_DEFINE_ENUM_NAMES_(Purpose, kPurposeNames)

#undef AEGIS_DEFINE_ENUM_NAMES_

}  // namespace aegis::domain
