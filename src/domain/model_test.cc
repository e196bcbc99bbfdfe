#include "domain/model.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace aegis::domain {
namespace {

// The last enumerator of each enumeration: AllValues must reach it with no gaps.
template <typename E>
struct LastValue;
template <>
struct LastValue<UnitType> {
  static constexpr auto value = UnitType::kPartner;
};
template <>
struct LastValue<Role> {
  static constexpr auto value = Role::kPrivacyOfficer;
};
template <>
struct LastValue<ClueSource> {
  static constexpr auto value = ClueSource::kUnitTransfer;
};
template <>
struct LastValue<ClueStatus> {
  static constexpr auto value = ClueStatus::kTransferred;
};
template <>
struct LastValue<ReviewTrack> {
  static constexpr auto value = ReviewTrack::kMajorComplex;
};
template <>
struct LastValue<CaseStage> {
  static constexpr auto value = CaseStage::kReopened;
};
template <>
struct LastValue<PersonRole> {
  static constexpr auto value = PersonRole::kReporter;
};
template <>
struct LastValue<Sex> {
  static constexpr auto value = Sex::kMale;
};
template <>
struct LastValue<DutyOfCare> {
  static constexpr auto value = DutyOfCare::kOtherCarer;
};
template <>
struct LastValue<ActionStatus> {
  static constexpr auto value = ActionStatus::kCancelled;
};
template <>
struct LastValue<AssistanceStatus> {
  static constexpr auto value = AssistanceStatus::kCompleted;
};

template <typename E>
class EnumNamesTest : public ::testing::Test {};

using AllEnums = ::testing::Types<UnitType, Role, ClueSource, ClueStatus, ReviewTrack, CaseStage,
                                  PersonRole, Sex, DutyOfCare, ActionStatus, AssistanceStatus>;
TYPED_TEST_SUITE(EnumNamesTest, AllEnums);

TYPED_TEST(EnumNamesTest, AllValuesListsEveryEnumeratorInDeclarationOrder) {
  const auto& values = AllValues<TypeParam>();
  ASSERT_EQ(values.size(), static_cast<std::size_t>(LastValue<TypeParam>::value) + 1);
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(values[i]), i);
  }
}

TYPED_TEST(EnumNamesTest, NamesAreUniqueSnakeCaseAndRoundTrip) {
  std::set<std::string> seen;
  for (TypeParam v : AllValues<TypeParam>()) {
    const std::string name(ToString(v));
    EXPECT_TRUE(seen.insert(name).second) << "duplicate name " << name;
    ASSERT_FALSE(name.empty());
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    EXPECT_EQ(Parse<TypeParam>(name), std::optional<TypeParam>(v)) << name;
  }
}

TYPED_TEST(EnumNamesTest, ParseRejectsUnknownNames) {
  EXPECT_FALSE(Parse<TypeParam>("").has_value());
  EXPECT_FALSE(Parse<TypeParam>("no_such_value").has_value());
  // Names are exact: no case folding, no surrounding spaces.
  const std::string first(ToString(AllValues<TypeParam>().front()));
  std::string upper = first;
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  EXPECT_FALSE(Parse<TypeParam>(upper).has_value());
  EXPECT_FALSE(Parse<TypeParam>(" " + first).has_value());
}

TEST(EnumNamesTest, StableWireNames) {
  EXPECT_EQ(ToString(UnitType::kProcuratorate), "procuratorate");
  EXPECT_EQ(ToString(UnitType::kMinistry), "ministry");
  EXPECT_EQ(ToString(Role::kAdministrator), "administrator");
  EXPECT_EQ(ToString(Role::kProsecutor), "prosecutor");
  EXPECT_EQ(ToString(Role::kPrivacyOfficer), "privacy_officer");
  EXPECT_EQ(ToString(ClueSource::kEmergencyCall), "emergency_call");
  EXPECT_EQ(ToString(ClueSource::kWalkIn), "walk_in");
  EXPECT_EQ(ToString(ClueSource::kOnlinePlatform), "online_platform");
  EXPECT_EQ(ToString(ClueStatus::kPendingReview), "pending_review");
  EXPECT_EQ(ToString(ReviewTrack::kMajorComplex), "major_complex");
  EXPECT_EQ(ToString(CaseStage::kTransferredForProsecution), "transferred_for_prosecution");
  EXPECT_EQ(ToString(CaseStage::kUnderInvestigation), "under_investigation");
  EXPECT_EQ(ToString(PersonRole::kWitness), "witness");
  EXPECT_EQ(ToString(Sex::kFemale), "female");
  EXPECT_EQ(ToString(DutyOfCare::kOtherCarer), "other_carer");
  EXPECT_EQ(ToString(ActionStatus::kInProgress), "in_progress");
  EXPECT_EQ(ToString(AssistanceStatus::kAccepted), "accepted");
  EXPECT_EQ(Parse<CaseStage>("suspect_detained"), CaseStage::kSuspectDetained);
  EXPECT_EQ(Parse<Role>("officer"), Role::kOfficer);
}

TEST(EnumNamesTest, OutOfRangeValueIsUnknown) {
  EXPECT_EQ(ToString(static_cast<CaseStage>(99)), "unknown");
}

TEST(IdentityTest, EmptyOnlyWhenEveryFieldIsEmpty) {
  Identity id;
  EXPECT_TRUE(id.empty());
  id.address = "x";
  EXPECT_FALSE(id.empty());
}

}  // namespace
}  // namespace aegis::domain
