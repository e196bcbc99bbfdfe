#include "domain/review_deadlines.h"

#include <cstdio>
#include <cstdlib>

#include "domain/json_fields.h"

namespace aegis::domain {
namespace {

namespace jf = json_fields;

// A byte-for-byte copy of config/deadline_rules.cn.json (review_deadlines_test checks they
// match), so the binary works without a config directory while the file stays the editable,
// reviewable statement of the rules.
constexpr std::string_view kDefaultRulesJson = R"json({
  "jurisdiction": "CN-MPS",
  "version": "2020",
  "warn_before_hours": 24,
  "review_tracks": [
    {
      "track": "standard",
      "days": 3,
      "requires_approval": false,
      "basis": "《公安机关办理刑事案件程序规定》（2020年修正）受案立案审查；《公安部关于改革完善受案立案制度的意见》（2015年）：刑事案件立案审查期限原则上不超过三日。",
      "basis_en": "MPS Provisions on the Procedures for Handling Criminal Cases (2020 amendment), acceptance and filing review; MPS Opinions on Reforming and Improving the Case Acceptance and Filing System (2015): the filing-review period for a criminal case is in principle no more than 3 days."
    },
    {
      "track": "verification",
      "days": 7,
      "requires_approval": false,
      "basis": "《公安机关办理刑事案件程序规定》（2020年修正）受案立案审查；《公安部关于改革完善受案立案制度的意见》（2015年）：涉嫌犯罪线索需要查证的，立案审查期限不超过七日。",
      "basis_en": "MPS Provisions on the Procedures for Handling Criminal Cases (2020 amendment), acceptance and filing review; MPS Opinions on Reforming and Improving the Case Acceptance and Filing System (2015): where a clue of a suspected crime needs verification, the filing-review period is no more than 7 days."
    },
    {
      "track": "major_complex",
      "days": 30,
      "requires_approval": true,
      "basis": "《公安机关办理刑事案件程序规定》（2020年修正）受案立案审查；《公安部关于改革完善受案立案制度的意见》（2015年）：重大疑难复杂案件，经县级以上公安机关负责人批准，立案审查期限可以延长至三十日。",
      "basis_en": "MPS Provisions on the Procedures for Handling Criminal Cases (2020 amendment), acceptance and filing review; MPS Opinions on Reforming and Improving the Case Acceptance and Filing System (2015): for a major, difficult or complex case the filing-review period may be extended to 30 days with the approval of the head of a public security organ at county level or above."
    }
  ],
  "stage_deadlines": [
    {
      "stage": "suspect_detained",
      "days": 3,
      "label": "提请人民检察院批准逮捕",
      "label_en": "Request the procuratorate's approval of arrest",
      "basis": "《中华人民共和国刑事诉讼法》第九十一条：公安机关对被拘留的人，认为需要逮捕的，应当在拘留后的三日以内，提请人民检察院审查批准；特殊情况下可以延长一日至四日（即最长七日）；对流窜作案、多次作案、结伙作案的重大嫌疑分子，可以延长至三十日。",
      "basis_en": "Criminal Procedure Law of the PRC, Article 91: where the public security organ considers it necessary to arrest a detained person, it shall request the people's procuratorate to examine and approve the arrest within 3 days after detention; in special circumstances this may be extended by 1 to 4 days (7 days at most), and to 30 days for major suspects who commit crimes from place to place, repeatedly or in gangs."
    },
    {
      "stage": "transferred_for_prosecution",
      "days": 30,
      "label": "人民检察院审查起诉（一个月内作出决定）",
      "label_en": "Procuratorate's review for prosecution (decision within one month)",
      "basis": "《中华人民共和国刑事诉讼法》第一百七十二条：人民检察院对于公安机关移送起诉的案件，应当在一个月以内作出决定，重大、复杂的案件，可以延长十五日。本系统按三十日计算一个月。",
      "basis_en": "Criminal Procedure Law of the PRC, Article 172: the people's procuratorate shall decide on a case transferred by the public security organ for prosecution within one month, extendable by 15 days for major or complex cases. Aegis counts one month as 30 days."
    }
  ]
}
)json";

// Longest period any rule may set; a typo like 300 instead of 30 should fail loudly.
constexpr std::int64_t kMaxDays = 366;

StatusOr<ReviewTrackRule> ParseTrackRule(const jf::Json& j, const std::string& path) {
  AEGIS_RETURN_IF_ERROR(
      jf::ExpectObject(j, path, {"track", "days", "requires_approval", "basis", "basis_en"}));
  ReviewTrackRule rule;
  AEGIS_ASSIGN_OR_RETURN(rule.track, jf::GetEnum<ReviewTrack>(j, path, "track"));
  AEGIS_ASSIGN_OR_RETURN(const std::int64_t days, jf::GetInteger(j, path, "days", 1, kMaxDays));
  rule.days = static_cast<int>(days);
  AEGIS_ASSIGN_OR_RETURN(rule.requires_approval,
                         jf::GetOptionalBool(j, path, "requires_approval", false));
  AEGIS_ASSIGN_OR_RETURN(rule.basis, jf::GetString(j, path, "basis"));
  AEGIS_ASSIGN_OR_RETURN(rule.basis_en, jf::GetString(j, path, "basis_en"));
  return rule;
}

StatusOr<StageDeadlineRule> ParseStageDeadline(const jf::Json& j, const std::string& path) {
  AEGIS_RETURN_IF_ERROR(
      jf::ExpectObject(j, path, {"stage", "days", "label", "label_en", "basis", "basis_en"}));
  StageDeadlineRule rule;
  AEGIS_ASSIGN_OR_RETURN(rule.stage, jf::GetEnum<CaseStage>(j, path, "stage"));
  AEGIS_ASSIGN_OR_RETURN(const std::int64_t days, jf::GetInteger(j, path, "days", 1, kMaxDays));
  rule.days = static_cast<int>(days);
  AEGIS_ASSIGN_OR_RETURN(rule.label, jf::GetString(j, path, "label"));
  AEGIS_ASSIGN_OR_RETURN(rule.label_en, jf::GetString(j, path, "label_en"));
  AEGIS_ASSIGN_OR_RETURN(rule.basis, jf::GetString(j, path, "basis"));
  AEGIS_ASSIGN_OR_RETURN(rule.basis_en, jf::GetString(j, path, "basis_en"));
  return rule;
}

}  // namespace

const ReviewTrackRule* DeadlineRules::FindTrack(ReviewTrack track) const {
  for (const auto& rule : review_tracks) {
    if (rule.track == track) return &rule;
  }
  return nullptr;
}

const StageDeadlineRule* DeadlineRules::FindStageDeadline(CaseStage stage) const {
  for (const auto& rule : stage_deadlines) {
    if (rule.stage == stage) return &rule;
  }
  return nullptr;
}

std::string_view DefaultDeadlineRulesJson() { return kDefaultRulesJson; }

const DeadlineRules& DefaultDeadlineRules() {
  static const DeadlineRules rules = [] {
    auto parsed = ParseDeadlineRules(kDefaultRulesJson);
    if (!parsed.ok()) {
      // The embedded text is fixed at build time and covered by tests; failing here is a bug.
      std::fprintf(stderr, "built-in deadline rules are invalid: %s\n",
                   parsed.status().ToString().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return rules;
}

StatusOr<DeadlineRules> ParseDeadlineRules(std::string_view json) {
  AEGIS_ASSIGN_OR_RETURN(const jf::Json root, jf::ParseDocument(json));
  AEGIS_RETURN_IF_ERROR(jf::ExpectObject(
      root, "",
      {"jurisdiction", "version", "warn_before_hours", "review_tracks", "stage_deadlines"}));
  DeadlineRules rules;
  AEGIS_ASSIGN_OR_RETURN(rules.jurisdiction, jf::GetString(root, "", "jurisdiction"));
  AEGIS_ASSIGN_OR_RETURN(rules.version, jf::GetString(root, "", "version"));
  AEGIS_ASSIGN_OR_RETURN(const std::int64_t warn,
                         jf::GetInteger(root, "", "warn_before_hours", 0, kMaxDays * 24));
  rules.warn_before_hours = static_cast<int>(warn);

  AEGIS_ASSIGN_OR_RETURN(const jf::Json* tracks, jf::GetArray(root, "", "review_tracks"));
  if (tracks->empty()) return Status::InvalidArgument("review_tracks", "must not be empty");
  for (std::size_t i = 0; i < tracks->size(); ++i) {
    const std::string path = jf::Element("review_tracks", i);
    AEGIS_ASSIGN_OR_RETURN(ReviewTrackRule rule, ParseTrackRule((*tracks)[i], path));
    if (rules.FindTrack(rule.track) != nullptr) {
      return Status::InvalidArgument(
          jf::Member(path, "track"),
          "track " + std::string(ToString(rule.track)) + " is listed more than once");
    }
    rules.review_tracks.push_back(std::move(rule));
  }

  AEGIS_ASSIGN_OR_RETURN(const jf::Json* stages, jf::GetArray(root, "", "stage_deadlines"));
  for (std::size_t i = 0; i < stages->size(); ++i) {
    const std::string path = jf::Element("stage_deadlines", i);
    AEGIS_ASSIGN_OR_RETURN(StageDeadlineRule rule, ParseStageDeadline((*stages)[i], path));
    if (rules.FindStageDeadline(rule.stage) != nullptr) {
      return Status::InvalidArgument(
          jf::Member(path, "stage"),
          "stage " + std::string(ToString(rule.stage)) + " is listed more than once");
    }
    rules.stage_deadlines.push_back(std::move(rule));
  }
  return rules;
}

std::string_view ToString(DeadlineState v) {
  switch (v) {
    case DeadlineState::kOnTime:
      return "on_time";
    case DeadlineState::kDueSoon:
      return "due_soon";
    case DeadlineState::kOverdue:
      return "overdue";
    case DeadlineState::kMet:
      return "met";
    case DeadlineState::kMissed:
      return "missed";
  }
  return "unknown";
}

StatusOr<UnixSeconds> ReviewDeadline(const DeadlineRules& rules, ReviewTrack track,
                                     UnixSeconds received_at) {
  const ReviewTrackRule* rule = rules.FindTrack(track);
  if (rule == nullptr) {
    return Status::InvalidArgument("track", "deadline rules " + rules.jurisdiction + " " +
                                                rules.version + " have no review track " +
                                                std::string(ToString(track)));
  }
  return received_at + static_cast<UnixSeconds>(rule->days) * kSecondsPerDay;
}

DeadlineState ClassifyDeadline(const DeadlineRules& rules, UnixSeconds deadline, UnixSeconds now,
                               std::optional<UnixSeconds> decided_at) {
  if (decided_at) return *decided_at <= deadline ? DeadlineState::kMet : DeadlineState::kMissed;
  if (now > deadline) return DeadlineState::kOverdue;
  if (deadline - now <= static_cast<UnixSeconds>(rules.warn_before_hours) * 3600) {
    return DeadlineState::kDueSoon;
  }
  return DeadlineState::kOnTime;
}

}  // namespace aegis::domain
