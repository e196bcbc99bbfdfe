#include "services/internal/demo_victim_support.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "domain/victim_support.h"
#include "services/internal/service_util.h"
#include "services/internal/victim_notify.h"
#include "storage/victim_store.h"

namespace aegis::services::internal {

using json = nlohmann::json;
using namespace aegis::domain;

namespace {

constexpr UnixSeconds kHour = 3600;
constexpr UnixSeconds kDay = kSecondsPerDay;

struct NeedText {
  ReferralKind kind;
  const char* text;
};
constexpr NeedText kNeeds[] = {
    {ReferralKind::kCounselling, "创伤后心理疏导，被害人希望由女性咨询师每周一次面谈。"},
    {ReferralKind::kCounselling, "被害人夜间失眠、情绪低落，请安排心理评估与干预。"},
    {ReferralKind::kLegalAid, "申请法律援助，代理刑事附带民事诉讼及后续出庭陪同。"},
    {ReferralKind::kLegalAid, "需要法律咨询：诉讼流程、隐私保护及赔偿请求。"},
    {ReferralKind::kMedicalCare, "需要妇科复查、传染病阻断后续随访。"},
    {ReferralKind::kMedicalCare, "需要儿科及妇科复诊，监护人陪同。"},
    {ReferralKind::kEducationSupport, "协调学校保密安排、调整座位及课业辅导，避免同学议论。"},
    {ReferralKind::kEducationSupport, "申请转学及学业衔接支持。"},
    {ReferralKind::kCivilAffairs, "被害人无固定住所，需临时庇护及生活救助。"},
    {ReferralKind::kCivilAffairs, "家庭经济困难，申请临时救助金。"},
    {ReferralKind::kWomensFederation, "请妇联跟进家庭支持与维权服务，协助联系社工。"},
    {ReferralKind::kWomensFederation, "需要妇联维权陪伴，协助处理与用人单位的沟通。"},
};

const char* kContacts[] = {"社工 许慧 020-83331234（工作日 9:00-17:30）",
                           "咨询师 林静 020-83335678（周一至周六）",
                           "律师 赵明 020-83330001",
                           "护士长 周燕 020-83339999（门诊三楼）",
                           "救助站 值班电话 020-83330110（24小时）",
                           "学校心理老师 陈老师 020-83337777"};

std::string FakeMobile(std::mt19937_64& gen) {
  static constexpr const char* kPrefixes[] = {"138", "139", "135", "136",
                                              "150", "186", "187", "177"};
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08lld",
                static_cast<long long>(std::uniform_int_distribution<long long>(0, 99999999)(gen)));
  return std::string("+86") + kPrefixes[std::uniform_int_distribution<int>(0, 7)(gen)] + digits;
}

}  // namespace

Status DemoVictimSupport::AddForCase(storage::Repo& r, const Case& c, Id victim_id, int age,
                                     Id officer, Id supervisor) {
  storage::VictimRepo& vr = r.Victims();
  AEGIS_ASSIGN_OR_RETURN(auto checklist, r.ListChecklist(c.id));
  std::optional<UnixSeconds> interviewed, referred;
  for (const auto& s : checklist) {
    if (s.key == "victim_interview") interviewed = s.done_at;
    if (s.key == "victim_support_referral") referred = s.done_at;
  }
  const bool minor = age < 18;
  auto event = [&](UnixSeconds at, std::optional<Id> actor, const char* kind, const json& detail) {
    return r.InsertEvent({0, c.id, at, actor, kind, detail.dump()}).status();
  };

  // ---- Interviews: a minor once in the one-stop room, a few with an approved second one.
  if (interviewed) {
    Interview iv;
    iv.case_id = c.id;
    iv.person_id = victim_id;
    iv.started_at = *interviewed - Range(1, 3) * kHour;
    iv.duration_minutes = static_cast<int>(Range(35, 110));
    iv.conducted_by = iv.recorded_by = officer;
    iv.female_officer_requested = Chance(minor ? 0.3 : 0.5);
    if (minor) {
      iv.location = Chance(0.85) ? InterviewLocation::kOneStopRoom : InterviewLocation::kHospital;
      iv.location_note =
          iv.location == InterviewLocation::kOneStopRoom ? "一站式询问室" : "儿童医院询问室";
      iv.present = {Chance(0.9) ? Attendee::kGuardian : Attendee::kAppropriateAdult,
                    Attendee::kCounsellor};
      if (Chance(0.3)) iv.present.push_back(Attendee::kSocialWorker);
    } else {
      iv.location = Chance(0.7)
                        ? InterviewLocation::kPoliceInterviewRoom
                        : (Chance(0.5) ? InterviewLocation::kHospital : InterviewLocation::kHome);
      if (Chance(0.25)) iv.present.push_back(Attendee::kCounsellor);
    }
    if (iv.female_officer_requested) iv.present.push_back(Attendee::kFemaleOfficer);
    if (Chance(0.05)) iv.present.push_back(Attendee::kInterpreter);
    iv.recorded = Chance(minor ? 0.95 : 0.6);
    iv.created_at = *interviewed;
    AEGIS_ASSIGN_OR_RETURN(iv.id, vr.InsertInterview(iv));
    ++interviews_;
    AEGIS_RETURN_IF_ERROR(event(*interviewed, officer, "interview_recorded",
                                {{"interview_id", iv.id},
                                 {"pseudonym", "V1"},
                                 {"number", 1},
                                 {"location", ToString(iv.location)},
                                 {"minor", minor}}));
    if (minor && Chance(0.08) && *interviewed + 10 * kDay < now_) {
      InterviewApproval a;
      a.case_id = c.id;
      a.person_id = victim_id;
      a.requested_by = officer;
      a.requested_at = *interviewed + Range(3, 8) * kDay;
      a.reason = Chance(0.5) ? "嫌疑人到案后需组织辨认并核实新的细节。"
                             : "首次询问时被害人情绪崩溃中止，需补充询问。";
      a.status = ApprovalStatus::kApproved;
      a.decided_by = supervisor;
      a.decided_at = a.requested_at + Range(2, 20) * kHour;
      a.decision_note = "同意，仍在一站式询问室进行，监护人及心理咨询师在场。";
      AEGIS_ASSIGN_OR_RETURN(a.id, vr.InsertInterviewApproval(a));
      Interview second = iv;
      second.started_at = *a.decided_at + Range(1, 3) * kDay;
      second.duration_minutes = static_cast<int>(Range(25, 60));
      second.approval_id = a.id;
      second.created_at = second.started_at + kHour;
      AEGIS_ASSIGN_OR_RETURN(second.id, vr.InsertInterview(second));
      ++interviews_;
      a.status = ApprovalStatus::kUsed;
      a.used_by_interview = second.id;
      AEGIS_RETURN_IF_ERROR(vr.UpdateInterviewApproval(a));
      AEGIS_RETURN_IF_ERROR(
          event(a.requested_at, officer, "further_interview_requested",
                {{"approval_id", a.id}, {"pseudonym", "V1"}, {"reason", a.reason}}));
      AEGIS_RETURN_IF_ERROR(
          event(*a.decided_at, supervisor, "further_interview_decided",
                {{"approval_id", a.id}, {"approved", true}, {"pseudonym", "V1"}}));
      AEGIS_RETURN_IF_ERROR(event(second.created_at, officer, "interview_recorded",
                                  {{"interview_id", second.id},
                                   {"pseudonym", "V1"},
                                   {"number", 2},
                                   {"location", ToString(second.location)},
                                   {"minor", true},
                                   {"approval_id", a.id}}));
    }
  }

  // ---- Referrals: only with the victim's (or guardian's) consent.
  if (!referred || !Chance(0.8)) return Status::Ok();
  const UnixSeconds consent_at = *referred - Range(1, 5) * kHour;
  const std::string guardian = Chance(0.7) ? "母亲" : "父亲";
  if (Chance(0.65)) {
    ContactPreferences p;
    p.channels =
        minor
            ? std::vector<ContactChannel>{ContactChannel::kThroughGuardian, ContactChannel::kPhone}
            : (Chance(0.6)
                   ? std::vector<ContactChannel>{ContactChannel::kSms, ContactChannel::kPhone}
                   : std::vector<ContactChannel>{ContactChannel::kPhone});
    p.phone = FakeMobile(gen_);
    if (minor) {
      p.guardian_name = guardian;
      p.guardian_phone = FakeMobile(gen_);
    }
    p.window_start_minute = Chance(0.5) ? 9 * 60 : 18 * 60;
    p.window_end_minute = p.window_start_minute == 9 * 60 ? 17 * 60 : 21 * 60;
    if (Chance(0.3)) p.days_mask = 0x1f;
    p.who_may_contact =
        Chance(0.4) ? WhoMayContact::kFemaleOfficerOnly : WhoMayContact::kCaseTeamOnly;
    p.language = Chance(0.06) ? "en" : "zh";
    p.notify_case_progress = Chance(0.8);
    if (Chance(0.3)) p.notes = "请勿在工作时间来电；不要留语音信箱。";
    AEGIS_RETURN_IF_ERROR(vr.PutContactPreferences(
        {victim_id, c.id, EncryptPreferences(vault_, p, victim_id), officer, consent_at}));
    AEGIS_RETURN_IF_ERROR(event(consent_at, officer, "contact_preferences_set",
                                {{"pseudonym", "V1"}, {"person_id", victim_id}}));
  }

  // Which kinds: counselling almost always; others by need and age.
  std::vector<ReferralKind> kinds = {Chance(0.55) ? ReferralKind::kWomensFederation
                                                  : ReferralKind::kCounselling};
  if (Chance(0.4)) kinds.push_back(ReferralKind::kLegalAid);
  if (Chance(minor ? 0.35 : 0.2)) kinds.push_back(ReferralKind::kMedicalCare);
  if (minor && Chance(0.3)) kinds.push_back(ReferralKind::kEducationSupport);
  if (Chance(0.06)) kinds.push_back(ReferralKind::kCivilAffairs);
  auto agency_for = [&](ReferralKind k) -> Id {
    switch (k) {
      case ReferralKind::kWomensFederation:
        return partners_.womens_federation;
      // The women's federation also runs counselling and legal aid for women and children.
      case ReferralKind::kCounselling:
        return Chance(0.5) ? partners_.womens_federation : partners_.counselling;
      case ReferralKind::kLegalAid:
        return Chance(0.4) ? partners_.womens_federation : partners_.legal_aid;
      case ReferralKind::kMedicalCare:
        return minor ? partners_.childrens_hospital : partners_.counselling;
      case ReferralKind::kEducationSupport:
        return partners_.education;
      case ReferralKind::kCivilAffairs:
        return partners_.civil_affairs;
    }
    return partners_.womens_federation;
  };
  std::vector<std::pair<ReferralKind, Id>> plan;
  for (ReferralKind k : kinds) {
    Id unit = agency_for(k);
    if (k == ReferralKind::kMedicalCare && !minor) continue;  // adults: their own doctor
    if (std::none_of(plan.begin(), plan.end(),
                     [&](auto& x) { return x.first == k && x.second == unit; }))
      plan.push_back({k, unit});
  }
  ReferralConsent cs;
  cs.case_id = c.id;
  cs.person_id = victim_id;
  cs.given_by = minor ? (age >= 14 && Chance(0.6) ? ConsentGiver::kVictimAndGuardian
                                                  : ConsentGiver::kGuardian)
                      : ConsentGiver::kVictim;
  if (minor) cs.giver_relationship = guardian;
  cs.given_at = consent_at;
  cs.recorded_by = officer;
  for (const auto& [k, unit] : plan)
    if (std::find(cs.agency_unit_ids.begin(), cs.agency_unit_ids.end(), unit) ==
        cs.agency_unit_ids.end())
      cs.agency_unit_ids.push_back(unit);
  cs.fields = {ContactField::kPhone};
  if (minor) cs.fields.push_back(ContactField::kGuardianContact);
  if (Chance(0.5)) cs.fields.push_back(ContactField::kContactPreferences);
  if (Chance(0.3)) cs.fields.push_back(ContactField::kName);
  if (Chance(0.08)) cs.fields.push_back(ContactField::kAddress);
  const bool withdraw = Chance(0.03) && consent_at + 20 * kDay < now_;
  AEGIS_ASSIGN_OR_RETURN(cs.id, vr.InsertConsent(cs));
  json fields = json::array();
  for (auto f : cs.fields) fields.push_back(ToString(f));
  AEGIS_RETURN_IF_ERROR(event(consent_at, officer, "consent_recorded",
                              {{"consent_id", cs.id},
                               {"pseudonym", "V1"},
                               {"given_by", ToString(cs.given_by)},
                               {"agency_unit_ids", cs.agency_unit_ids},
                               {"fields", fields}}));

  bool sampled = false;
  for (const auto& [kind, unit] : plan) {
    Referral rf;
    rf.case_id = c.id;
    rf.person_id = victim_id;
    rf.consent_id = cs.id;
    rf.partner_unit_id = unit;
    rf.kind = kind;
    std::vector<const char*> texts;
    for (const auto& n : kNeeds)
      if (n.kind == kind) texts.push_back(n.text);
    rf.need = texts[static_cast<size_t>(Range(0, static_cast<std::int64_t>(texts.size()) - 1))];
    rf.created_at = *referred + Range(0, 2) * kHour;
    rf.due_at = rf.created_at + DefaultReferralDays(kind) * kDay;
    rf.created_by = officer;
    rf.status = ReferralStatus::kSent;
    AEGIS_ASSIGN_OR_RETURN(long long n,
                           r.NextSequence("referral-" + FormatDate(rf.created_at).substr(0, 4)));
    rf.reference = FormatReference("ZJ", rf.created_at, n);
    rf.updated_at = rf.created_at;
    rf.updated_by = officer;
    AEGIS_ASSIGN_OR_RETURN(rf.id, vr.InsertReferral(rf));
    ++referrals_;
    AEGIS_RETURN_IF_ERROR(vr.InsertReferralUpdate({0, rf.id, rf.created_at, officer, std::nullopt,
                                                   ReferralStatus::kSent, ""})
                              .status());
    AEGIS_RETURN_IF_ERROR(event(rf.created_at, officer, "referral_created",
                                {{"referral_id", rf.id},
                                 {"reference", rf.reference},
                                 {"pseudonym", "V1"},
                                 {"kind", ToString(kind)},
                                 {"unit_id", unit}}));
    // The agency's steps, as far as time allows. A few referrals stall (nobody answers).
    const UnixSeconds age_s = now_ - rf.created_at;
    // Recent referrals sometimes stall: nobody at the agency has answered yet.
    const bool stalls = age_s < 60 * kDay && Chance(0.25);
    // The women's federation's steps are the demo account "partner"'s; other agencies have none.
    const std::optional<Id> worker =
        unit == partners_.womens_federation && partners_.womens_federation_user
            ? std::optional<Id>(partners_.womens_federation_user)
            : std::nullopt;
    UnixSeconds t = rf.created_at;
    auto step = [&](ReferralStatus to, UnixSeconds dt, const std::string& note) -> StatusOr<bool> {
      if (t + dt >= now_) return false;
      t += dt;
      const ReferralStatus from = rf.status;
      rf.status = to;
      rf.updated_at = t;
      rf.updated_by = worker;
      AEGIS_RETURN_IF_ERROR(
          vr.InsertReferralUpdate({0, rf.id, t, worker, from, to, note}).status());
      AEGIS_RETURN_IF_ERROR(event(t, worker, "referral_updated",
                                  {{"referral_id", rf.id},
                                   {"reference", rf.reference},
                                   {"from", ToString(from)},
                                   {"to", ToString(to)}}));
      AEGIS_RETURN_IF_ERROR(
          QueueNotification(r, vault_, c.id, victim_id, rf.id, NotificationKind::kReferralUpdate,
                            {{"referral", rf.reference}, {"status", ToString(to)}}, t));
      return true;
    };
    if (!stalls || age_s < 3 * kDay) {
      if (Chance(0.05)) {
        rf.status_reason = Chance(0.5) ? "超出本机构服务区域，建议转介属地机构。"
                                       : "当前名额已满，建议转介其他机构。";
        AEGIS_RETURN_IF_ERROR(
            step(ReferralStatus::kDeclined, Range(4, 48) * kHour, rf.status_reason).status());
      } else {
        rf.partner_contact = kContacts[Range(0, 5)];
        AEGIS_ASSIGN_OR_RETURN(bool accepted,
                               step(ReferralStatus::kAccepted, Range(3, 60) * kHour, ""));
        if (accepted) {
          AEGIS_ASSIGN_OR_RETURN(bool started, step(ReferralStatus::kInProgress, Range(1, 4) * kDay,
                                                    "已与被害人取得联系，开始服务。"));
          if (started && Chance(0.75)) {
            const std::string done = "服务已完成，被害人状态稳定。";
            AEGIS_ASSIGN_OR_RETURN(bool closed,
                                   step(ReferralStatus::kClosed, Range(20, 90) * kDay, done));
            if (closed) rf.partner_note = done;
          }
          // Still being helped: most agencies report progress regularly; a few fall silent.
          if (rf.status == ReferralStatus::kInProgress && Chance(0.9)) {
            rf.partner_note = "已完成 " + std::to_string(Range(2, 8)) + " 次服务，继续跟进。";
            const UnixSeconds last = std::max(t, now_ - Range(1, 25) * kDay);
            if (last > t) {
              AEGIS_RETURN_IF_ERROR(
                  vr.InsertReferralUpdate({0, rf.id, last, worker, ReferralStatus::kInProgress,
                                           ReferralStatus::kInProgress, rf.partner_note})
                      .status());
              rf.updated_at = last;
            }
          }
        } else {
          rf.partner_contact.clear();
        }
      }
    }
    if (withdraw && IsOpenReferral(rf.status)) {
      const UnixSeconds at = std::min(now_ - kHour, cs.given_at + Range(10, 20) * kDay);
      AEGIS_RETURN_IF_ERROR(
          vr.InsertReferralUpdate(
                {0, rf.id, at, officer, rf.status, ReferralStatus::kWithdrawn, "consent withdrawn"})
              .status());
      rf.status = ReferralStatus::kWithdrawn;
      rf.status_reason = "consent_withdrawn";
      rf.updated_at = at;
      rf.updated_by = officer;
    }
    AEGIS_RETURN_IF_ERROR(vr.UpdateReferral(rf));
    if (!sampled && sample_code_.empty() && minor &&
        (rf.status == ReferralStatus::kAccepted || rf.status == ReferralStatus::kInProgress)) {
      sampled = true;
      static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
      std::string code;
      for (int i = 0; i < 10; ++i) code += kAlphabet[randombytes_uniform(32)];
      storage::SurvivorCodeRecord rec;
      rec.case_id = c.id;
      rec.person_id = victim_id;
      rec.code_hash = SurvivorCodeHash(vault_, c.id, code);
      rec.issued_by = officer;
      rec.issued_at = now_ - kDay;
      rec.expires_at = now_ + 29 * kDay;
      rec.uses_left = 10;
      AEGIS_RETURN_IF_ERROR(vr.InsertSurvivorCode(rec).status());
      sample_reference_ = c.reference;
      sample_code_ = code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8);
    }
  }
  if (withdraw) {
    cs.withdrawn_at = std::min(now_ - kHour, cs.given_at + Range(10, 20) * kDay);
    cs.withdrawn_by = officer;
    cs.withdrawal_note = "监护人/被害人表示暂不需要外部机构联系。";
    AEGIS_RETURN_IF_ERROR(vr.UpdateConsent(cs));
    AEGIS_RETURN_IF_ERROR(event(*cs.withdrawn_at, officer, "consent_withdrawn",
                                {{"consent_id", cs.id}, {"pseudonym", "V1"}}));
  }
  return Status::Ok();
}

}  // namespace aegis::services::internal
