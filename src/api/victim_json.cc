#include "api/victim_json.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace aegis::api {

using namespace aegis::domain;
using namespace aegis::services;

namespace {

Json OptTime(const std::optional<UnixSeconds>& t) {
  return t ? Json(FormatIso8601(*t)) : Json(nullptr);
}
Json OptDate(const std::optional<UnixSeconds>& t) {
  return t ? Json(FormatDate(*t)) : Json(nullptr);
}
template <typename T>
Json Opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}
template <typename E>
Json Names(const std::vector<E>& values) {
  Json arr = Json::array();
  for (const E& v : values) arr.push_back(ToString(v));
  return arr;
}
Json UnitJson(const UnitName& u) {
  return {{"id", u.id}, {"name", u.name}, {"name_en", u.name_en}};
}

// Typed member reads; every error names the member.
class In {
 public:
  explicit In(const Json& j) : j_(j) {}
  bool Has(const char* k) const { return j_.contains(k) && !j_.at(k).is_null(); }

  Status Str(const char* k, std::string* out, bool required = false) const {
    if (!Has(k)) return required ? Status::InvalidArgument(k, "is required") : Status::Ok();
    if (!j_.at(k).is_string()) return Status::InvalidArgument(k, "must be a string");
    *out = j_.at(k).get<std::string>();
    if (required && out->empty()) return Status::InvalidArgument(k, "is required");
    return Status::Ok();
  }
  Status Int(const char* k, long long* out, long long min, long long max, bool required) const {
    if (!Has(k)) return required ? Status::InvalidArgument(k, "is required") : Status::Ok();
    if (!j_.at(k).is_number_integer()) return Status::InvalidArgument(k, "must be a whole number");
    const long long v = j_.at(k).get<long long>();
    if (v < min || v > max)
      return Status::InvalidArgument(
          k, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    *out = v;
    return Status::Ok();
  }
  Status Id(const char* k, domain::Id* out) const {
    long long v = 0;
    AEGIS_RETURN_IF_ERROR(Int(k, &v, 1, std::numeric_limits<long long>::max(), true));
    *out = v;
    return Status::Ok();
  }
  Status OptId(const char* k, std::optional<domain::Id>* out) const {
    if (!Has(k)) return Status::Ok();
    domain::Id v = 0;
    AEGIS_RETURN_IF_ERROR(Id(k, &v));
    *out = v;
    return Status::Ok();
  }
  Status Bool(const char* k, bool* out) const {
    if (!Has(k)) return Status::Ok();
    if (!j_.at(k).is_boolean()) return Status::InvalidArgument(k, "must be true or false");
    *out = j_.at(k).get<bool>();
    return Status::Ok();
  }
  Status Time(const char* k, std::optional<UnixSeconds>* out, bool required = false) const {
    std::string s;
    AEGIS_RETURN_IF_ERROR(Str(k, &s, required));
    if (s.empty()) return Status::Ok();
    auto t = ParseIso8601(s);
    if (!t)
      return Status::InvalidArgument(k, "must be an ISO 8601 time, e.g. 2026-03-01T09:30:00Z");
    *out = t;
    return Status::Ok();
  }
  template <typename E>
  Status Enum(const char* k, E* out, bool required = false) const {
    std::string s;
    AEGIS_RETURN_IF_ERROR(Str(k, &s, required));
    if (!Has(k)) return Status::Ok();
    auto v = domain::Parse<E>(s);
    if (!v) return Status::InvalidArgument(k, "must be one of: " + Allowed<E>());
    *out = *v;
    return Status::Ok();
  }
  template <typename E>
  Status EnumList(const char* k, std::vector<E>* out) const {
    if (!Has(k)) return Status::Ok();
    if (!j_.at(k).is_array()) return Status::InvalidArgument(k, "must be a list");
    if (j_.at(k).size() > 32) return Status::InvalidArgument(k, "is too long");
    for (const auto& e : j_.at(k)) {
      std::optional<E> v;
      if (e.is_string()) v = domain::Parse<E>(e.get<std::string>());
      if (!v) return Status::InvalidArgument(k, "items must be one of: " + Allowed<E>());
      out->push_back(*v);
    }
    return Status::Ok();
  }
  Status IdList(const char* k, std::vector<domain::Id>* out) const {
    if (!Has(k)) return Status::Ok();
    if (!j_.at(k).is_array()) return Status::InvalidArgument(k, "must be a list of ids");
    if (j_.at(k).size() > 32) return Status::InvalidArgument(k, "is too long");
    for (const auto& e : j_.at(k)) {
      if (!e.is_number_integer() || e.get<long long>() < 1)
        return Status::InvalidArgument(k, "must be a list of ids");
      out->push_back(e.get<long long>());
    }
    return Status::Ok();
  }

 private:
  template <typename E>
  static std::string Allowed() {
    std::string s;
    for (E e : AllValues<E>()) s += (s.empty() ? "" : ", ") + std::string(ToString(e));
    return s;
  }
  const Json& j_;
};

// "HH:MM" (00:00 .. 24:00) <-> minutes of the day.
StatusOr<int> ParseClock(const std::string& field, const std::string& s) {
  int h = 0, m = 0;
  char tail = 0;
  if (s.size() != 5 || std::sscanf(s.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || s[2] != ':' ||
      h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
    return Status::InvalidArgument(field, "must be a time of day HH:MM");
  return h * 60 + m;
}
std::string FormatClock(int minutes) {
  minutes = std::clamp(minutes, 0, 24 * 60);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

Json PreferencesJson(const ContactPreferences& p, bool numbers) {
  Json days = Json::array();
  for (int d = 0; d < 7; ++d)
    if (p.days_mask & (1u << d)) days.push_back(kDays[d]);
  Json j = {{"channels", Names(p.channels)},
            {"window_start", FormatClock(p.window_start_minute)},
            {"window_end", FormatClock(p.window_end_minute)},
            {"days", days},
            {"utc_offset_minutes", p.utc_offset_minutes},
            {"who_may_contact", ToString(p.who_may_contact)},
            {"language", p.language},
            {"notify_referrals", p.notify_referrals},
            {"notify_case_progress", p.notify_case_progress},
            {"notes", p.notes}};
  if (numbers) {
    j["phone"] = p.phone;
    j["guardian_name"] = p.guardian_name;
    j["guardian_phone"] = p.guardian_phone;
  }
  return j;
}

Json HistoryJson(const std::vector<ReferralUpdateView>& history, bool for_agency) {
  Json out = Json::array();
  for (const auto& h : history) {
    const ReferralUpdate& u = h.update;
    Json e = {{"at", FormatIso8601(u.at)},
              {"from", u.from ? Json(ToString(*u.from)) : Json(nullptr)},
              {"to", ToString(u.to)},
              {"note", u.note},
              {"by", h.by_agency ? "agency" : "police"}};
    // The agency sees its own workers' names, not the police officers'.
    e["actor_name"] = (!for_agency || h.by_agency) ? h.actor_name : "";
    out.push_back(e);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- parsing

StatusOr<InterviewInput> ParseInterviewInput(const Json& j) {
  In r(j);
  InterviewInput in;
  AEGIS_RETURN_IF_ERROR(r.Id("person_id", &in.person_id));
  std::optional<UnixSeconds> started;
  AEGIS_RETURN_IF_ERROR(r.Time("started_at", &started, true));
  in.started_at = *started;
  long long minutes = 0;
  AEGIS_RETURN_IF_ERROR(r.Int("duration_minutes", &minutes, 1, 600, true));
  in.duration_minutes = static_cast<int>(minutes);
  AEGIS_RETURN_IF_ERROR(r.Enum("location", &in.location, true));
  AEGIS_RETURN_IF_ERROR(r.Str("location_note", &in.location_note));
  AEGIS_RETURN_IF_ERROR(r.OptId("conducted_by", &in.conducted_by));
  AEGIS_RETURN_IF_ERROR(r.EnumList("present", &in.present));
  AEGIS_RETURN_IF_ERROR(r.Bool("female_officer_requested", &in.female_officer_requested));
  AEGIS_RETURN_IF_ERROR(r.Bool("recorded", &in.recorded));
  AEGIS_RETURN_IF_ERROR(r.Str("notes", &in.notes));
  return in;
}

StatusOr<ConsentInput> ParseConsentInput(const Json& j) {
  In r(j);
  ConsentInput in;
  AEGIS_RETURN_IF_ERROR(r.Id("person_id", &in.person_id));
  AEGIS_RETURN_IF_ERROR(r.Enum("given_by", &in.given_by, true));
  AEGIS_RETURN_IF_ERROR(r.Str("giver_relationship", &in.giver_relationship));
  AEGIS_RETURN_IF_ERROR(r.Time("given_at", &in.given_at));
  AEGIS_RETURN_IF_ERROR(r.IdList("agency_unit_ids", &in.agency_unit_ids));
  AEGIS_RETURN_IF_ERROR(r.EnumList("fields", &in.fields));
  AEGIS_RETURN_IF_ERROR(r.Str("notes", &in.notes));
  return in;
}

StatusOr<ReferralInput> ParseReferralInput(const Json& j) {
  In r(j);
  ReferralInput in;
  AEGIS_RETURN_IF_ERROR(r.Id("person_id", &in.person_id));
  AEGIS_RETURN_IF_ERROR(r.Id("consent_id", &in.consent_id));
  AEGIS_RETURN_IF_ERROR(r.Id("partner_unit_id", &in.partner_unit_id));
  AEGIS_RETURN_IF_ERROR(r.Enum("kind", &in.kind, true));
  AEGIS_RETURN_IF_ERROR(r.Str("need", &in.need, true));
  AEGIS_RETURN_IF_ERROR(r.Time("due_at", &in.due_at));
  return in;
}

StatusOr<ReferralStatusInput> ParseReferralStatusInput(const Json& j) {
  In r(j);
  ReferralStatusInput in;
  AEGIS_RETURN_IF_ERROR(r.Enum("status", &in.status, true));
  AEGIS_RETURN_IF_ERROR(r.Str("reason", &in.reason));
  AEGIS_RETURN_IF_ERROR(r.Str("partner_contact", &in.partner_contact));
  AEGIS_RETURN_IF_ERROR(r.Str("note", &in.note));
  return in;
}

StatusOr<ContactPreferences> ParseContactPreferences(const Json& j) {
  In r(j);
  ContactPreferences p;
  if (!r.Has("channels")) return Status::InvalidArgument("channels", "is required (may be empty)");
  AEGIS_RETURN_IF_ERROR(r.EnumList("channels", &p.channels));
  AEGIS_RETURN_IF_ERROR(r.Str("phone", &p.phone));
  std::string clock;
  AEGIS_RETURN_IF_ERROR(r.Str("window_start", &clock));
  if (!clock.empty()) {
    AEGIS_ASSIGN_OR_RETURN(p.window_start_minute, ParseClock("window_start", clock));
  }
  clock.clear();
  AEGIS_RETURN_IF_ERROR(r.Str("window_end", &clock));
  if (!clock.empty()) {
    AEGIS_ASSIGN_OR_RETURN(p.window_end_minute, ParseClock("window_end", clock));
  }
  if (r.Has("days")) {
    if (!j.at("days").is_array()) return Status::InvalidArgument("days", "must be a list");
    p.days_mask = 0;
    for (const auto& d : j.at("days")) {
      int found = -1;
      for (int i = 0; i < 7; ++i)
        if (d.is_string() && d.get<std::string>() == kDays[i]) found = i;
      if (found < 0) return Status::InvalidArgument("days", "items must be mon, tue, ... sun");
      p.days_mask |= 1u << found;
    }
  }
  long long offset = p.utc_offset_minutes;
  AEGIS_RETURN_IF_ERROR(r.Int("utc_offset_minutes", &offset, -720, 840, false));
  p.utc_offset_minutes = static_cast<int>(offset);
  AEGIS_RETURN_IF_ERROR(r.Enum("who_may_contact", &p.who_may_contact));
  AEGIS_RETURN_IF_ERROR(r.Str("language", &p.language));
  AEGIS_RETURN_IF_ERROR(r.Bool("notify_referrals", &p.notify_referrals));
  AEGIS_RETURN_IF_ERROR(r.Bool("notify_case_progress", &p.notify_case_progress));
  AEGIS_RETURN_IF_ERROR(r.Str("guardian_name", &p.guardian_name));
  AEGIS_RETURN_IF_ERROR(r.Str("guardian_phone", &p.guardian_phone));
  AEGIS_RETURN_IF_ERROR(r.Str("notes", &p.notes));
  return p;
}

// ---------------------------------------------------------------- rendering

Json ToJson(const ContactPreferences& p) { return PreferencesJson(p, true); }

Json ToJson(const VictimSupportView& v) {
  Json victims = Json::array();
  for (const auto& e : v.victims) {
    Json interviews = Json::array();
    for (const auto& iv : e.interviews) {
      const Interview& i = iv.interview;
      interviews.push_back({{"id", i.id},
                            {"number", iv.number},
                            {"started_at", FormatIso8601(i.started_at)},
                            {"duration_minutes", i.duration_minutes},
                            {"location", ToString(i.location)},
                            {"location_note", i.location_note},
                            {"conducted_by", i.conducted_by},
                            {"conducted_by_name", iv.conducted_by_name},
                            {"present", Names(i.present)},
                            {"female_officer_requested", i.female_officer_requested},
                            {"recorded", i.recorded},
                            {"notes", i.notes},
                            {"approval_id", Opt(i.approval_id)}});
    }
    Json approvals = Json::array();
    for (const auto& av : e.approvals) {
      const InterviewApproval& a = av.approval;
      approvals.push_back({{"id", a.id},
                           {"status", ToString(a.status)},
                           {"reason", a.reason},
                           {"requested_by", a.requested_by},
                           {"requested_by_name", av.requested_by_name},
                           {"requested_at", FormatIso8601(a.requested_at)},
                           {"decided_by_name", av.decided_by_name},
                           {"decided_at", OptTime(a.decided_at)},
                           {"decision_note", a.decision_note},
                           {"used_by_interview", Opt(a.used_by_interview)}});
    }
    Json consents = Json::array();
    for (const auto& cv : e.consents) {
      const ReferralConsent& c = cv.consent;
      Json agencies = Json::array();
      for (const auto& u : cv.agencies) agencies.push_back(UnitJson(u));
      consents.push_back({{"id", c.id},
                          {"given_by", ToString(c.given_by)},
                          {"giver_relationship", c.giver_relationship},
                          {"given_at", FormatIso8601(c.given_at)},
                          {"recorded_by_name", cv.recorded_by_name},
                          {"agencies", agencies},
                          {"fields", Names(c.fields)},
                          {"notes", c.notes},
                          {"active", c.active()},
                          {"withdrawn_at", OptTime(c.withdrawn_at)},
                          {"withdrawal_note", c.withdrawal_note}});
    }
    Json referrals = Json::array();
    for (const auto& rv : e.referrals) {
      const Referral& rf = rv.referral;
      referrals.push_back({{"id", rf.id},
                           {"reference", rf.reference},
                           {"partner", UnitJson(rv.partner)},
                           {"kind", ToString(rf.kind)},
                           {"need", rf.need},
                           {"due_at", FormatIso8601(rf.due_at)},
                           {"status", ToString(rf.status)},
                           {"status_reason", rf.status_reason},
                           {"partner_contact", rf.partner_contact},
                           {"partner_note", rf.partner_note},
                           {"created_by_name", rv.created_by_name},
                           {"created_at", FormatIso8601(rf.created_at)},
                           {"updated_at", FormatIso8601(rf.updated_at)},
                           {"stall", ToString(rv.stall)},
                           {"consent_id", rf.consent_id},
                           {"consent_active", rv.consent_active},
                           {"history", HistoryJson(rv.history, false)}});
    }
    Json code = nullptr;
    if (e.survivor_code) {
      const auto& sc = *e.survivor_code;
      code = {{"issued_at", FormatIso8601(sc.issued_at)},
              {"expires_at", FormatIso8601(sc.expires_at)},
              {"uses_left", sc.uses_left},
              {"last_used_at", OptTime(sc.last_used_at)},
              {"issued_by_name", sc.issued_by_name}};
    }
    Json notifications = Json::array();
    for (const auto& nv : e.notifications) {
      const auto& n = nv.record;
      notifications.push_back({{"id", n.id},
                               {"kind", ToString(n.kind)},
                               {"status", ToString(n.status)},
                               {"channel", n.channel ? Json(ToString(*n.channel)) : Json(nullptr)},
                               {"who", ToString(n.who)},
                               {"language", n.language},
                               {"not_before", FormatIso8601(n.not_before)},
                               {"reason", n.reason},
                               {"message", nv.message},
                               {"referral_id", Opt(n.referral_id)},
                               {"created_at", FormatIso8601(n.created_at)}});
    }
    victims.push_back({{"person_id", e.person.id},
                       {"pseudonym", e.person.pseudonym},
                       {"sex", ToString(e.person.sex)},
                       {"age_at_offence", Opt(e.person.age_at_offence)},
                       {"minor", e.minor},
                       {"interview_count", e.interview_count},
                       {"next_interview_needs_approval", e.next_interview_needs_approval},
                       {"has_unused_approval", e.has_unused_approval},
                       {"interviews", interviews},
                       {"approvals", approvals},
                       {"preferences_updated_at", OptTime(e.preferences_updated_at)},
                       {"consents", consents},
                       {"referrals", referrals},
                       {"survivor_code", code},
                       {"notifications", notifications}});
  }
  return {{"case_id", v.case_id},
          {"case_reference", v.case_reference},
          {"can_record_interview", v.can_record_interview},
          {"can_approve", v.can_approve},
          {"can_manage", v.can_manage},
          {"can_read_preferences", v.can_read_preferences},
          {"victims", victims}};
}

Json ToJson(const PartnerReferralView& v, bool with_history) {
  const Referral& rf = v.referral;
  Json j = {{"id", rf.id},
            {"reference", rf.reference},
            {"pseudonym", v.pseudonym},
            {"agency", UnitJson(v.partner)},
            {"kind", ToString(rf.kind)},
            {"need", rf.need},
            {"due_at", FormatIso8601(rf.due_at)},
            {"status", ToString(rf.status)},
            {"status_reason", rf.status_reason},
            {"partner_contact", rf.partner_contact},
            {"partner_note", rf.partner_note},
            {"created_at", FormatIso8601(rf.created_at)},
            {"updated_at", FormatIso8601(rf.updated_at)},
            {"stall", ToString(v.stall)},
            {"consent_withdrawn", v.consent_withdrawn},
            {"contact", nullptr}};
  if (v.contact) {
    const SharedContact& c = *v.contact;
    Json contact = {{"fields", Names(c.fields)}};
    for (ContactField f : c.fields) {
      switch (f) {
        case ContactField::kName:
          contact["name"] = c.name;
          break;
        case ContactField::kPhone:
          contact["phone"] = c.phone;
          break;
        case ContactField::kAddress:
          contact["address"] = c.address;
          break;
        case ContactField::kGuardianContact:
          contact["guardian_name"] = c.guardian_name;
          contact["guardian_phone"] = c.guardian_phone;
          break;
        case ContactField::kContactPreferences:
          contact["preferences"] =
              c.preferences ? PreferencesJson(*c.preferences, false) : Json(nullptr);
          break;
      }
    }
    j["contact"] = contact;
  }
  if (with_history) j["history"] = HistoryJson(v.history, true);
  return j;
}

Json ReferralAlertsJson(const std::vector<ReferralAlertView>& alerts) {
  Json out = Json::array();
  for (const auto& a : alerts) {
    const Referral& rf = a.referral;
    out.push_back({{"referral_id", rf.id},
                   {"reference", rf.reference},
                   {"case_id", rf.case_id},
                   {"case_reference", a.case_reference},
                   {"pseudonym", a.pseudonym},
                   {"partner", UnitJson(a.partner)},
                   {"kind", ToString(rf.kind)},
                   {"status", ToString(rf.status)},
                   {"due_at", FormatIso8601(rf.due_at)},
                   {"updated_at", FormatIso8601(rf.updated_at)},
                   {"stall", ToString(a.stall)}});
  }
  return out;
}

Json ToJson(const SurvivorStatusView& v) {
  Json referrals = Json::array();
  for (const auto& r : v.referrals) {
    referrals.push_back({{"kind", ToString(r.kind)},
                         {"agency", {{"name", r.agency.name}, {"name_en", r.agency.name_en}}},
                         {"status", ToString(r.status)},
                         {"contact", r.contact}});
  }
  return {{"reference", v.reference},
          {"stage", ToString(v.stage)},
          {"evidence_kit",
           {{"collected", v.kit_collected},
            {"collected_on", OptDate(v.kit_collected_at)},
            {"examined", v.kit_examined},
            {"examined_on", OptDate(v.kit_examined_at)}}},
          {"referrals", referrals},
          {"code", {{"uses_left", v.uses_left}, {"expires_at", FormatIso8601(v.code_expires_at)}}}};
}

Json ToJson(const SurvivorCodeIssued& c) {
  return {
      {"code", c.code}, {"expires_at", FormatIso8601(c.expires_at)}, {"uses_left", c.uses_left}};
}

}  // namespace aegis::api
