// The victim-support tables: round trips, the partner's list (scoped to one agency, filtered,
// paged), the stalled-referral query, survivor codes that cannot be used below zero, and the
// rollback of a failed transaction.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "storage/store.h"
#include "storage/testing_options.h"
#include "storage/victim_store.h"

namespace aegis::storage {
namespace {

using namespace aegis::domain;

class VictimStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aegis_victim_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = OpenSqliteStore((dir_ / "t.db").string(), TestOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(
        store_
            ->Write([&](Repo& r) -> Status {
              AEGIS_ASSIGN_OR_RETURN(
                  Id province, r.InsertUnit({0, "P", "省厅", "Province", UnitType::kProvince}));
              Unit station{0, "P-S", "派出所", "Station", UnitType::kStation, province};
              AEGIS_ASSIGN_OR_RETURN(station_, r.InsertUnit(station));
              Unit wf{0, "P-WF", "妇联", "Women's Federation", UnitType::kPartner, province};
              AEGIS_ASSIGN_OR_RETURN(wf_, r.InsertUnit(wf));
              Unit la{0, "P-LA", "法援", "Legal aid", UnitType::kPartner, province};
              AEGIS_ASSIGN_OR_RETURN(la_, r.InsertUnit(la));
              AEGIS_ASSIGN_OR_RETURN(
                  officer_,
                  r.InsertUser({{0, "off", "Off", Role::kOfficer, station_, true, 1}, "h"}));
              AEGIS_ASSIGN_OR_RETURN(
                  other_,
                  r.InsertUser({{0, "oth", "Oth", Role::kOfficer, station_, true, 1}, "h"}));
              Case c;
              c.reference = "AJ-2026-000001";
              c.unit_id = station_;
              c.title = "t";
              c.filed_at = c.updated_at = 1000;
              c.lead_investigator_id = officer_;
              AEGIS_ASSIGN_OR_RETURN(case_, r.InsertCase(c));
              PersonRecord v;
              v.person = {0,
                          case_,
                          PersonRole::kVictim,
                          "V1",
                          Sex::kFemale,
                          12,
                          DutyOfCare::kNone,
                          "",
                          std::nullopt,
                          true};
              AEGIS_ASSIGN_OR_RETURN(person_, r.InsertPerson(v));
              ReferralConsent cs;
              cs.case_id = case_;
              cs.person_id = person_;
              cs.given_by = ConsentGiver::kGuardian;
              cs.giver_relationship = "母亲";
              cs.given_at = 1000;
              cs.recorded_by = officer_;
              cs.agency_unit_ids = {wf_, la_};
              cs.fields = {ContactField::kPhone, ContactField::kGuardianContact};
              AEGIS_ASSIGN_OR_RETURN(consent_, r.Victims().InsertConsent(cs));
              return Status::Ok();
            })
            .ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Referral MakeReferral(Id unit, int n, ReferralStatus status, UnixSeconds due, Id by) {
    Referral rf;
    rf.reference = "ZJ-2026-" + std::to_string(100000 + n);
    rf.case_id = case_;
    rf.person_id = person_;
    rf.consent_id = consent_;
    rf.partner_unit_id = unit;
    rf.kind = ReferralKind::kCounselling;
    rf.need = "need " + std::to_string(n);
    rf.due_at = due;
    rf.status = status;
    rf.created_by = by;
    rf.created_at = rf.updated_at = 1000 + n;
    return rf;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  Id station_ = 0, wf_ = 0, la_ = 0, officer_ = 0, other_ = 0, case_ = 0, person_ = 0, consent_ = 0;
};

TEST_F(VictimStoreTest, RoundTrips) {
  ASSERT_TRUE(
      store_
          ->Write([&](Repo& r) -> Status {
            VictimRepo& v = r.Victims();
            Interview iv;
            iv.case_id = case_;
            iv.person_id = person_;
            iv.started_at = 5000;
            iv.duration_minutes = 45;
            iv.location = InterviewLocation::kOneStopRoom;
            iv.location_note = "二号室";
            iv.conducted_by = iv.recorded_by = officer_;
            iv.present = {Attendee::kGuardian, Attendee::kCounsellor, Attendee::kFemaleOfficer};
            iv.female_officer_requested = true;
            iv.recorded = true;
            iv.created_at = 5000;
            AEGIS_RETURN_IF_ERROR(v.InsertInterview(iv).status());
            ContactPreferencesRecord pr{person_, case_, std::string("\x01\x00\x02", 3), officer_,
                                        6000};
            AEGIS_RETURN_IF_ERROR(v.PutContactPreferences(pr));
            pr.cipher = "second";
            pr.updated_at = 7000;
            return v.PutContactPreferences(pr);  // replaces
          })
          .ok());
  ASSERT_TRUE(
      store_
          ->Read([&](Repo& r) -> Status {
            VictimRepo& v = r.Victims();
            AEGIS_ASSIGN_OR_RETURN(auto list, v.ListInterviews(case_));
            EXPECT_EQ(list.size(), 1u);
            EXPECT_EQ(list[0].present,
                      (std::vector<Attendee>{Attendee::kGuardian, Attendee::kCounsellor,
                                             Attendee::kFemaleOfficer}));
            EXPECT_EQ(list[0].location_note, "二号室");
            EXPECT_TRUE(list[0].female_officer_requested);
            AEGIS_ASSIGN_OR_RETURN(auto consent, v.GetConsent(consent_));
            if (!consent) return Status::NotFound("consent");
            EXPECT_EQ(consent->agency_unit_ids, (std::vector<Id>{wf_, la_}));
            EXPECT_EQ(consent->fields, (std::vector<ContactField>{ContactField::kPhone,
                                                                  ContactField::kGuardianContact}));
            EXPECT_TRUE(consent->active());
            AEGIS_ASSIGN_OR_RETURN(auto prefs, v.GetContactPreferences(person_));
            if (!prefs) return Status::NotFound("prefs");
            EXPECT_EQ(prefs->cipher, "second");
            EXPECT_EQ(prefs->updated_at, 7000);
            AEGIS_ASSIGN_OR_RETURN(auto all, v.ListContactPreferences(case_));
            EXPECT_EQ(all.size(), 1u);
            AEGIS_ASSIGN_OR_RETURN(auto id, v.FindCaseIdByReference("AJ-2026-000001"));
            EXPECT_EQ(id, case_);
            AEGIS_ASSIGN_OR_RETURN(auto none, v.FindCaseIdByReference("AJ-2026-000001' OR '1'='1"));
            EXPECT_FALSE(none.has_value());
            return Status::Ok();
          })
          .ok());
}

TEST_F(VictimStoreTest, PartnerListIsOneAgencyFilteredAndPaged) {
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    for (int i = 0; i < 7; ++i) {
                      AEGIS_RETURN_IF_ERROR(
                          r.Victims()
                              .InsertReferral(MakeReferral(
                                  wf_, i, i < 5 ? ReferralStatus::kSent : ReferralStatus::kClosed,
                                  10000 - i, officer_))
                              .status());
                    }
                    return r.Victims()
                        .InsertReferral(MakeReferral(la_, 50, ReferralStatus::kSent, 1, officer_))
                        .status();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    PartnerReferralQuery q;
                    q.partner_unit_id = wf_;
                    q.page.limit = 3;
                    q.page.descending = false;
                    AEGIS_ASSIGN_OR_RETURN(auto page1, r.Victims().ListReferralsForPartner(q));
                    EXPECT_EQ(page1.total, 7);
                    EXPECT_EQ(page1.items.size(), 3u);
                    if (page1.items.empty()) return Status::Internal("empty page");
                    EXPECT_EQ(page1.items[0].due_at, 10000 - 6);  // soonest due first
                    for (const auto& x : page1.items) EXPECT_EQ(x.partner_unit_id, wf_);
                    q.open_only = true;
                    q.page.limit = 50;
                    AEGIS_ASSIGN_OR_RETURN(auto open, r.Victims().ListReferralsForPartner(q));
                    EXPECT_EQ(open.total, 5);
                    q.open_only = false;
                    q.status = ReferralStatus::kClosed;
                    AEGIS_ASSIGN_OR_RETURN(auto closed, r.Victims().ListReferralsForPartner(q));
                    EXPECT_EQ(closed.total, 2);
                    q.page.sort = "reference; DROP TABLE referrals";
                    EXPECT_EQ(r.Victims().ListReferralsForPartner(q).status().code(),
                              StatusCode::kInvalidArgument);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(VictimStoreTest, StalledReferralsForCreatorOrTeam) {
  Id a = 0, b = 0, c = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(a, r.Victims().InsertReferral(MakeReferral(
                                                  wf_, 1, ReferralStatus::kSent, 100, other_)));
                    AEGIS_ASSIGN_OR_RETURN(b, r.Victims().InsertReferral(MakeReferral(
                                                  wf_, 2, ReferralStatus::kSent, 99999, other_)));
                    Referral quiet = MakeReferral(la_, 3, ReferralStatus::kInProgress, 100, other_);
                    quiet.updated_at = 50;
                    AEGIS_ASSIGN_OR_RETURN(c, r.Victims().InsertReferral(quiet));
                    return r.Victims()
                        .InsertReferral(MakeReferral(la_, 4, ReferralStatus::kClosed, 100, other_))
                        .status();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    // officer_ leads the case; other_ made the referrals: both see them.
                    for (Id user : {officer_, other_}) {
                      AEGIS_ASSIGN_OR_RETURN(auto stalled,
                                             r.Victims().ListStalledReferrals(user, 1000, 60, 10));
                      std::vector<Id> ids;
                      for (const auto& x : stalled) ids.push_back(x.id);
                      std::sort(ids.begin(), ids.end());
                      EXPECT_EQ(ids, (std::vector<Id>{a, c}));
                    }
                    AEGIS_ASSIGN_OR_RETURN(auto none,
                                           r.Victims().ListStalledReferrals(999, 1000, 60, 10));
                    EXPECT_TRUE(none.empty());
                    (void)b;
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(VictimStoreTest, SurvivorCodeUsesStopAtZeroAndRevocationIsPerPerson) {
  Id code = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Repo& r) -> Status {
                    SurvivorCodeRecord rec;
                    rec.case_id = case_;
                    rec.person_id = person_;
                    rec.code_hash = "hash-1";
                    rec.issued_by = officer_;
                    rec.issued_at = 1;
                    rec.expires_at = 100;
                    rec.uses_left = 2;
                    AEGIS_ASSIGN_OR_RETURN(code, r.Victims().InsertSurvivorCode(rec));
                    rec.code_hash = "hash-1";  // the same hash twice is refused
                    EXPECT_EQ(r.Victims().InsertSurvivorCode(rec).status().code(),
                              StatusCode::kConflict);
                    return Status::Ok();
                  })
                  .ok());
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(
        store_->Write([&](Repo& r) { return r.Victims().UseSurvivorCode(code, 10 + i); }).ok());
  EXPECT_EQ(store_->Write([&](Repo& r) { return r.Victims().UseSurvivorCode(code, 20); }).code(),
            StatusCode::kConflict);
  ASSERT_TRUE(
      store_->Write([&](Repo& r) { return r.Victims().RevokeSurvivorCodes(person_, 30); }).ok());
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto found,
                                           r.Victims().FindSurvivorCode(case_, "hash-1"));
                    if (!found) return Status::NotFound("code");
                    EXPECT_EQ(found->uses_left, 0);
                    EXPECT_EQ(found->last_used_at, 11);
                    EXPECT_EQ(found->revoked_at, 30);
                    AEGIS_ASSIGN_OR_RETURN(auto other_case,
                                           r.Victims().FindSurvivorCode(case_ + 1, "hash-1"));
                    EXPECT_FALSE(other_case.has_value());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(VictimStoreTest, FailedTransactionLeavesNothing) {
  Status st = store_->Write([&](Repo& r) -> Status {
    AEGIS_RETURN_IF_ERROR(
        r.Victims()
            .InsertReferral(MakeReferral(wf_, 1, ReferralStatus::kSent, 5, officer_))
            .status());
    return Status::Conflict("abort");
  });
  EXPECT_EQ(st.code(), StatusCode::kConflict);
  ASSERT_TRUE(store_
                  ->Read([&](Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto list, r.Victims().ListReferralsForCase(case_));
                    EXPECT_TRUE(list.empty());
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace aegis::storage
