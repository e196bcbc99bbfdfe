// Victim support on a case (officers and supervisors) and the partner agencies' referral work:
// interviews (one comprehensive interview for a minor), contact preferences, consents, referrals,
// survivor status codes. Every read and write goes through the policy point and is audited.
#include <sodium.h>

#include <algorithm>
#include <map>
#include <set>

#include "domain/case_lifecycle.h"
#include "services/internal/service_util.h"
#include "services/internal/victim_notify.h"
#include "services/sealed_columns.h"
#include "services/services.h"

namespace aegis::services {

using internal::MakeAudit;
using internal::Names;
using json = nlohmann::json;
using namespace aegis::domain;

namespace {

// Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives.
constexpr std::string_view kCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kCodeLength = 10;  // 50 bits

// Loads a case the caller may open and whose victim support section it may see; out of scope
// answers exactly like an unknown id. With `for_change`, break-glass and sealed cases are refused.
StatusOr<internal::LoadedCase> LoadCaseInScope(storage::Repo& r, const Policy& policy,
                                               const Principal& p, Id id, bool for_change = false) {
  AEGIS_ASSIGN_OR_RETURN(auto loaded, internal::LoadCaseFor(r, policy, p, id));
  if (!policy.MaySeeSection(p, loaded.c, loaded.c.unit_path, CaseSection::kVictimSupport))
    return Status::PermissionDenied("victim support on this case is restricted to its team");
  if (for_change && loaded.via_break_glass)
    return Status::PermissionDenied("break-glass access is read-only");
  if (for_change && !policy.MayModifyCase(loaded.c))
    return Status::Conflict("the case is sealed by court order and cannot be changed");
  return loaded;
}

// The victim `person_id` of case `case_id`; InvalidArgument("person_id") for anyone else.
StatusOr<storage::PersonRecord> LoadVictim(storage::Repo& r, Id case_id, Id person_id) {
  AEGIS_ASSIGN_OR_RETURN(auto person, r.GetPerson(person_id));
  if (!person || person->person.case_id != case_id || person->person.role != PersonRole::kVictim)
    return Status::InvalidArgument("person_id", "is not a victim of this case");
  return *person;
}

// A consent lets a partner agency receive the victim's name, phone or address, and a referral
// sends them: only someone who may see the identity (as on the identity route) gives it away. A
// joint team or an assisting unit works under the pseudonym and cannot pass the name on either.
Status CheckMayShareIdentity(const Policy& policy, const Principal& p, const Case& c) {
  if (!policy.MaySeeSection(p, c, c.unit_path, CaseSection::kPersons) ||
      !policy.MayRevealIdentity(p, c, c.unit_path))
    return Status::PermissionDenied(
        "sharing a victim's contact details needs the right to see the victim's identity");
  return Status::Ok();
}

UnitName UnitNameOf(Names& names, Id unit_id) {
  UnitName u;
  u.id = unit_id;
  if (const Unit* unit = names.Unit(unit_id)) {
    u.name = unit->name;
    u.name_en = unit->name_en;
  }
  return u;
}

std::vector<ReferralUpdateView> History(storage::Repo& r, Names& names, const Referral& rf) {
  std::vector<ReferralUpdateView> out;
  auto updates = r.Victims().ListReferralUpdates(rf.id);
  if (!updates.ok()) return out;
  for (auto& u : *updates) {
    // The police send and (by withdrawal of consent) end a referral; every other step is the
    // agency's, by construction of the flow.
    const bool by_agency = u.to != ReferralStatus::kSent && u.to != ReferralStatus::kWithdrawn;
    out.push_back({u, names.User(u.actor_id), by_agency});
  }
  return out;
}

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <typename T>
bool HasDuplicates(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

// Builds the victim-support page of the loaded case as `p` may see it (no identity anywhere). What
// a sealed case or a break-glass look cannot change is offered to nobody.
StatusOr<VictimSupportView> BuildView(storage::Repo& r, const Policy& policy, const Vault& vault,
                                      const Principal& p, const internal::LoadedCase& loaded,
                                      UnixSeconds now) {
  const Case& c = loaded.c;
  const bool read_only = loaded.via_break_glass || !policy.MayModifyCase(c);
  Names names(r);
  VictimSupportView v;
  v.case_id = c.id;
  v.case_reference = c.reference;
  v.can_record_interview = !read_only && policy.Allows(p, Capability::kRecordInterview);
  v.can_approve = !read_only && policy.Allows(p, Capability::kApproveFurtherInterview);
  v.can_manage = !read_only && policy.Allows(p, Capability::kManageVictimSupport);
  const Unit* owner = names.Unit(c.unit_id);
  v.can_read_preferences = policy.MayRevealIdentity(p, c, owner ? owner->path : std::string());

  storage::VictimRepo& vr = r.Victims();
  AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(c.id));
  AEGIS_ASSIGN_OR_RETURN(auto interviews, vr.ListInterviews(c.id));
  AEGIS_ASSIGN_OR_RETURN(auto approvals, vr.ListInterviewApprovals(c.id));
  AEGIS_ASSIGN_OR_RETURN(auto prefs, vr.ListContactPreferences(c.id));
  AEGIS_ASSIGN_OR_RETURN(auto consents, vr.ListConsents(c.id));
  AEGIS_ASSIGN_OR_RETURN(auto referrals, vr.ListReferralsForCase(c.id));
  AEGIS_ASSIGN_OR_RETURN(auto codes, vr.ListSurvivorCodes(c.id));
  AEGIS_ASSIGN_OR_RETURN(auto notifications, vr.ListNotifications(c.id, 200));
  std::map<Id, bool> consent_active;
  for (const auto& cs : consents) consent_active[cs.id] = cs.active();

  for (const auto& pr : persons) {
    if (pr.person.role != PersonRole::kVictim) continue;
    VictimSupportEntry e;
    e.person = pr.person;
    e.person.identity.reset();
    e.minor = IsMinorVictim(pr.person.age_at_offence, c.facts.youngest_victim_age);
    for (const auto& i : interviews) {
      if (i.person_id != pr.person.id) continue;
      e.interviews.push_back({i, names.User(i.conducted_by), ++e.interview_count});
    }
    for (const auto& a : approvals) {
      if (a.person_id != pr.person.id) continue;
      e.approvals.push_back({a, names.User(a.requested_by), names.User(a.decided_by)});
      if (a.status == ApprovalStatus::kApproved) e.has_unused_approval = true;
    }
    e.next_interview_needs_approval = FurtherInterviewNeedsApproval(e.minor, e.interview_count);
    for (const auto& pf : prefs)
      if (pf.person_id == pr.person.id) e.preferences_updated_at = pf.updated_at;
    for (const auto& cs : consents) {
      if (cs.person_id != pr.person.id) continue;
      ConsentView cv{cs, {}, names.User(cs.recorded_by)};
      for (Id u : cs.agency_unit_ids) cv.agencies.push_back(UnitNameOf(names, u));
      e.consents.push_back(std::move(cv));
    }
    for (const auto& rf : referrals) {
      if (rf.person_id != pr.person.id) continue;
      ReferralView rv;
      rv.referral = rf;
      rv.partner = UnitNameOf(names, rf.partner_unit_id);
      rv.created_by_name = names.User(rf.created_by);
      rv.stall = ClassifyReferral(rf, now);
      rv.consent_active = consent_active[rf.consent_id];
      rv.history = History(r, names, rf);
      e.referrals.push_back(std::move(rv));
    }
    for (const auto& code : codes) {
      if (code.person_id != pr.person.id || code.revoked_at || code.expires_at <= now ||
          code.uses_left <= 0)
        continue;
      e.survivor_code = SurvivorCodeStatus{code.issued_at, code.expires_at, code.uses_left,
                                           code.last_used_at, names.User(code.issued_by)};
    }
    for (const auto& n : notifications) {
      if (n.person_id != pr.person.id) continue;
      NotificationView nv;
      nv.record = n;
      nv.record.payload_cipher.clear();
      auto text = vault.Decrypt(n.payload_cipher, NotificationPayloadContext(n.case_id, n.person_id,
                                                                             n.kind, n.created_at));
      if (text.ok()) {
        const json j = json::parse(*text, nullptr, false);
        if (j.is_object()) {
          nv.message = j.value("text", "");
          nv.event = j.value("event", "");
        }
      }
      e.notifications.push_back(std::move(nv));
    }
    v.victims.push_back(std::move(e));
  }
  return v;
}

// Reads a case record that a support change is about, runs `change` in one transaction with its
// audit record and a case event, and returns the fresh support page.
template <typename Fn>
StatusOr<VictimSupportView> MutateSupport(Services& s, const Vault& vault, const Principal& p,
                                          Id case_id, Capability capability,
                                          const std::string& action, Fn change) {
  const UnixSeconds now = s.Now();
  if (!s.policy().Allows(p, capability)) {
    s.auditor().Record(MakeAudit(p, now, action, "case", case_id, false));
    return Status::PermissionDenied("your role may not do this");
  }
  VictimSupportView view;
  AEGIS_RETURN_IF_ERROR(s.store().Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto loaded, LoadCaseInScope(r, s.policy(), p, case_id, true));
    Case& c = loaded.c;
    json detail = json::object();
    std::string event;
    AEGIS_RETURN_IF_ERROR(change(r, c, now, detail, event));
    if (!event.empty())
      AEGIS_RETURN_IF_ERROR(
          r.InsertEvent({0, case_id, now, p.user.id, event, detail.dump()}).status());
    AEGIS_RETURN_IF_ERROR(
        r.AppendAudit({MakeAudit(p, now, action, "case", case_id, true, detail)}));
    AEGIS_ASSIGN_OR_RETURN(view, BuildView(r, s.policy(), vault, p, loaded, now));
    return Status::Ok();
  }));
  return view;
}

// Ticks a checklist item when it is not done yet, with its case event (as SetChecklist would).
Status TickChecklist(storage::Repo& r, Id case_id, const std::string& key, Id user, UnixSeconds now,
                     const std::string& via) {
  AEGIS_ASSIGN_OR_RETURN(auto states, r.ListChecklist(case_id));
  for (const auto& st : states)
    if (st.key == key && st.done_at) return Status::Ok();
  AEGIS_RETURN_IF_ERROR(r.SetChecklist(case_id, key, now, user));
  return r
      .InsertEvent({0, case_id, now, user, "checklist",
                    json{{"key", key}, {"done", true}, {"via", via}}.dump()})
      .status();
}

}  // namespace

// ---------------------------------------------------------------- reads

StatusOr<VictimSupportView> Services::GetVictimSupport(const Principal& p, Id case_id) {
  const UnixSeconds now = Now();
  VictimSupportView view;
  Status st = store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto loaded, LoadCaseInScope(r, policy_, p, case_id));
    AEGIS_ASSIGN_OR_RETURN(view, BuildView(r, policy_, vault_, p, loaded, now));
    return Status::Ok();
  });
  auditor_->Record(MakeAudit(p, now, "victim_support.read", "case", case_id, st.ok()));
  AEGIS_RETURN_IF_ERROR(st);
  return view;
}

// ---------------------------------------------------------------- interviews

StatusOr<VictimSupportView> Services::RecordInterview(const Principal& p, Id case_id,
                                                      const InterviewInput& in) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(internal::CheckText("location_note", in.location_note, 0, 200));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("notes", in.notes, 0, 2000));
  if (in.started_at <= 0) return Status::InvalidArgument("started_at", "is required");
  if (in.started_at > now + 3600)
    return Status::InvalidArgument("started_at", "must not be in the future");
  if (in.duration_minutes < 1 || in.duration_minutes > 600)
    return Status::InvalidArgument("duration_minutes", "must be between 1 and 600");
  if (HasDuplicates(in.present)) return Status::InvalidArgument("present", "lists someone twice");
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kRecordInterview, "interview.record",
      [&](storage::Repo& r, Case& c, UnixSeconds ts, json& detail, std::string& event) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, in.person_id));
        if (in.started_at < c.filed_at - 30 * kSecondsPerDay)
          return Status::InvalidArgument("started_at", "is long before the case was filed");
        const Id conducted_by = in.conducted_by.value_or(p.user.id);
        if (conducted_by != p.user.id) {
          // The interviewer is a police officer or supervisor who may open this case.
          AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(conducted_by));
          bool ok = user && user->active &&
                    (user->role == Role::kOfficer || user->role == Role::kSupervisor);
          if (ok) {
            AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(user->unit_id));
            Principal interviewer;
            interviewer.user = *user;
            if (unit) interviewer.unit = *unit;
            AEGIS_ASSIGN_OR_RETURN(ok, r.CaseInScope(case_id, policy_.CaseScopeFor(interviewer)));
          }
          if (!ok)
            return Status::InvalidArgument("conducted_by",
                                           "must be an officer who works on this case");
        }
        const bool minor = IsMinorVictim(victim.person.age_at_offence, c.facts.youngest_victim_age);
        AEGIS_RETURN_IF_ERROR(
            CheckInterviewAttendance(minor, in.female_officer_requested, in.present));
        storage::VictimRepo& vr = r.Victims();
        AEGIS_ASSIGN_OR_RETURN(auto existing, vr.ListInterviews(case_id));
        const int count = static_cast<int>(
            std::count_if(existing.begin(), existing.end(),
                          [&](const Interview& i) { return i.person_id == in.person_id; }));
        Interview iv;
        iv.case_id = case_id;
        iv.person_id = in.person_id;
        iv.started_at = in.started_at;
        iv.duration_minutes = in.duration_minutes;
        iv.location = in.location;
        iv.location_note = in.location_note;
        iv.conducted_by = conducted_by;
        iv.present = in.present;
        iv.female_officer_requested = in.female_officer_requested;
        iv.recorded = in.recorded;
        iv.notes = in.notes;
        iv.recorded_by = p.user.id;
        iv.created_at = ts;
        std::optional<InterviewApproval> approval;
        if (FurtherInterviewNeedsApproval(minor, count)) {
          AEGIS_ASSIGN_OR_RETURN(auto approvals, vr.ListInterviewApprovals(case_id));
          for (const auto& a : approvals)
            if (a.person_id == in.person_id && a.status == ApprovalStatus::kApproved) approval = a;
          if (!approval) {
            return Status::Conflict(
                "a minor is interviewed once; a further interview needs a supervisor's approval "
                "first",
                "approval");
          }
          iv.approval_id = approval->id;
        }
        AEGIS_ASSIGN_OR_RETURN(iv.id, vr.InsertInterview(iv));
        if (approval) {
          approval->status = ApprovalStatus::kUsed;
          approval->used_by_interview = iv.id;
          AEGIS_RETURN_IF_ERROR(vr.UpdateInterviewApproval(*approval));
        }
        if (count == 0)
          AEGIS_RETURN_IF_ERROR(
              TickChecklist(r, case_id, "victim_interview", p.user.id, ts, "interview"));
        c.updated_at = ts;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = {{"interview_id", iv.id},
                  {"pseudonym", victim.person.pseudonym},
                  {"number", count + 1},
                  {"location", ToString(iv.location)},
                  {"minor", minor}};
        if (approval) detail["approval_id"] = approval->id;
        event = "interview_recorded";
        return Status::Ok();
      });
}

StatusOr<VictimSupportView> Services::RequestFurtherInterview(const Principal& p, Id case_id,
                                                              Id person_id,
                                                              const std::string& reason) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("reason", reason, 1, 2000));
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kRecordInterview, "interview.request_further",
      [&](storage::Repo& r, Case& c, UnixSeconds ts, json& detail, std::string& event) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, person_id));
        const bool minor = IsMinorVictim(victim.person.age_at_offence, c.facts.youngest_victim_age);
        storage::VictimRepo& vr = r.Victims();
        AEGIS_ASSIGN_OR_RETURN(auto interviews, vr.ListInterviews(case_id));
        const int count = static_cast<int>(
            std::count_if(interviews.begin(), interviews.end(),
                          [&](const Interview& i) { return i.person_id == person_id; }));
        if (!FurtherInterviewNeedsApproval(minor, count))
          return Status::Conflict(minor ? "the first interview needs no approval"
                                        : "interviews of an adult victim need no approval");
        AEGIS_ASSIGN_OR_RETURN(auto approvals, vr.ListInterviewApprovals(case_id));
        for (const auto& a : approvals) {
          if (a.person_id == person_id &&
              (a.status == ApprovalStatus::kRequested || a.status == ApprovalStatus::kApproved))
            return Status::Conflict("a request for this victim is already open or approved");
        }
        InterviewApproval a;
        a.case_id = case_id;
        a.person_id = person_id;
        a.requested_by = p.user.id;
        a.requested_at = ts;
        a.reason = reason;
        AEGIS_ASSIGN_OR_RETURN(a.id, vr.InsertInterviewApproval(a));
        detail = {
            {"approval_id", a.id}, {"pseudonym", victim.person.pseudonym}, {"reason", reason}};
        event = "further_interview_requested";
        return Status::Ok();
      });
}

StatusOr<VictimSupportView> Services::DecideFurtherInterview(const Principal& p, Id case_id,
                                                             Id approval_id, bool approve,
                                                             const std::string& note) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("note", note, approve ? 0 : 1, 2000));
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kApproveFurtherInterview, "interview.decide_further",
      [&](storage::Repo& r, Case&, UnixSeconds ts, json& detail, std::string& event) -> Status {
        storage::VictimRepo& vr = r.Victims();
        AEGIS_ASSIGN_OR_RETURN(auto a, vr.GetInterviewApproval(approval_id));
        if (!a || a->case_id != case_id) return Status::NotFound("request not found");
        if (a->status != ApprovalStatus::kRequested)
          return Status::Conflict("the request has already been decided");
        // Four eyes: the supervisor who asked does not approve their own request.
        if (a->requested_by == p.user.id)
          return Status::PermissionDenied("another supervisor decides on your own request");
        a->status = approve ? ApprovalStatus::kApproved : ApprovalStatus::kRefused;
        a->decided_by = p.user.id;
        a->decided_at = ts;
        a->decision_note = note;
        AEGIS_RETURN_IF_ERROR(vr.UpdateInterviewApproval(*a));
        AEGIS_ASSIGN_OR_RETURN(auto person, r.GetPerson(a->person_id));
        detail = {{"approval_id", a->id},
                  {"approved", approve},
                  {"pseudonym", person ? person->person.pseudonym : ""}};
        if (!note.empty()) detail["note"] = note;
        event = "further_interview_decided";
        return Status::Ok();
      });
}

// ---------------------------------------------------------------- contact preferences

StatusOr<ContactPreferences> Services::GetContactPreferences(const Principal& p, Id case_id,
                                                             Id person_id) {
  const UnixSeconds now = Now();
  ContactPreferences prefs;
  bool allowed = false;
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto loaded, LoadCaseInScope(r, policy_, p, case_id));
    const Case& c = loaded.c;
    AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, person_id));
    AEGIS_ASSIGN_OR_RETURN(auto owner, r.GetUnit(c.unit_id));
    // The preferences hold phone numbers: they are read like the identity itself.
    if (!policy_.MayRevealIdentity(p, c, owner ? owner->path : std::string()))
      return Status::PermissionDenied("your role may not see this victim's contact details");
    AEGIS_ASSIGN_OR_RETURN(auto record, r.Victims().GetContactPreferences(person_id));
    if (!record) return Status::NotFound("no contact preferences were recorded");
    AEGIS_ASSIGN_OR_RETURN(prefs, internal::DecryptPreferences(vault_, *record));
    allowed = true;
    AEGIS_RETURN_IF_ERROR(r.InsertEvent({0, case_id, now, p.user.id, "contact_preferences_read",
                                         json{{"pseudonym", victim.person.pseudonym}}.dump()})
                              .status());
    return r.AppendAudit({MakeAudit(p, now, "contact_preferences.read", "person", person_id, true,
                                    {{"case_id", case_id}})});
  });
  if (!allowed) {
    auditor_->Record(MakeAudit(p, now, "contact_preferences.read", "person", person_id, false,
                               {{"case_id", case_id}}));
  }
  AEGIS_RETURN_IF_ERROR(st);
  return prefs;
}

StatusOr<VictimSupportView> Services::SetContactPreferences(const Principal& p, Id case_id,
                                                            Id person_id,
                                                            const ContactPreferences& in) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("guardian_name", in.guardian_name, 0, 100));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("notes", in.notes, 0, 1000));
  AEGIS_ASSIGN_OR_RETURN(ContactPreferences prefs, NormalizeContactPreferences(in));
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kManageVictimSupport, "contact_preferences.set",
      [&](storage::Repo& r, Case&, UnixSeconds ts, json& detail, std::string& event) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, person_id));
        storage::ContactPreferencesRecord rec{
            person_id, case_id, internal::EncryptPreferences(vault_, prefs, person_id), p.user.id,
            ts};
        AEGIS_RETURN_IF_ERROR(r.Victims().PutContactPreferences(rec));
        // What changed is not recorded in clear: the preferences are as private as the identity.
        detail = {{"pseudonym", victim.person.pseudonym}, {"person_id", person_id}};
        event = "contact_preferences_set";
        return Status::Ok();
      });
}

// ---------------------------------------------------------------- consents and referrals

StatusOr<VictimSupportView> Services::RecordConsent(const Principal& p, Id case_id,
                                                    const ConsentInput& in) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(internal::CheckText("giver_relationship", in.giver_relationship, 0, 40));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("notes", in.notes, 0, 1000));
  if (in.agency_unit_ids.empty())
    return Status::InvalidArgument("agency_unit_ids", "name at least one partner agency");
  if (HasDuplicates(in.agency_unit_ids))
    return Status::InvalidArgument("agency_unit_ids", "lists an agency twice");
  if (HasDuplicates(in.fields)) return Status::InvalidArgument("fields", "lists a field twice");
  if (in.given_at && *in.given_at > now + 300)
    return Status::InvalidArgument("given_at", "must not be in the future");
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kManageVictimSupport, "consent.record",
      [&](storage::Repo& r, Case& c, UnixSeconds ts, json& detail, std::string& event) -> Status {
        AEGIS_RETURN_IF_ERROR(CheckMayShareIdentity(policy_, p, c));
        AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, in.person_id));
        const bool minor = IsMinorVictim(victim.person.age_at_offence, c.facts.youngest_victim_age);
        const bool guardian = in.given_by != ConsentGiver::kVictim;
        // A minor's consent is given by the guardian (with the child where the child can take
        // part); an adult's by the victim.
        if (minor && !guardian)
          return Status::InvalidArgument("given_by", "a minor's guardian gives the consent");
        if (!minor && in.given_by == ConsentGiver::kGuardian)
          return Status::InvalidArgument("given_by", "an adult victim gives the consent");
        if (guardian && in.giver_relationship.empty())
          return Status::InvalidArgument("giver_relationship",
                                         "say how the guardian is related (mother, father, ...)");
        for (Id u : in.agency_unit_ids) {
          AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(u));
          if (!unit || unit->type != UnitType::kPartner)
            return Status::InvalidArgument("agency_unit_ids", "must all be partner agencies");
        }
        ReferralConsent cs;
        cs.case_id = case_id;
        cs.person_id = in.person_id;
        cs.given_by = in.given_by;
        cs.giver_relationship = in.giver_relationship;
        cs.given_at = in.given_at.value_or(ts);
        cs.recorded_by = p.user.id;
        cs.agency_unit_ids = in.agency_unit_ids;
        cs.fields = in.fields;
        cs.notes = in.notes;
        AEGIS_ASSIGN_OR_RETURN(cs.id, r.Victims().InsertConsent(cs));
        json fields = json::array();
        for (auto f : cs.fields) fields.push_back(ToString(f));
        detail = {{"consent_id", cs.id},
                  {"pseudonym", victim.person.pseudonym},
                  {"given_by", ToString(cs.given_by)},
                  {"agency_unit_ids", cs.agency_unit_ids},
                  {"fields", fields}};
        event = "consent_recorded";
        return Status::Ok();
      });
}

StatusOr<VictimSupportView> Services::WithdrawConsent(const Principal& p, Id case_id, Id consent_id,
                                                      const std::string& note) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("note", note, 0, 1000));
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kManageVictimSupport, "consent.withdraw",
      [&](storage::Repo& r, Case&, UnixSeconds ts, json& detail, std::string& event) -> Status {
        storage::VictimRepo& vr = r.Victims();
        AEGIS_ASSIGN_OR_RETURN(auto cs, vr.GetConsent(consent_id));
        if (!cs || cs->case_id != case_id) return Status::NotFound("consent not found");
        if (!cs->active()) return Status::Conflict("the consent was already withdrawn");
        cs->withdrawn_at = ts;
        cs->withdrawn_by = p.user.id;
        cs->withdrawal_note = note;
        AEGIS_RETURN_IF_ERROR(vr.UpdateConsent(*cs));
        AEGIS_ASSIGN_OR_RETURN(auto referrals, vr.ListReferralsForConsent(consent_id));
        json withdrawn = json::array();
        for (auto& rf : referrals) {
          // Nothing more goes out about any referral made under this consent.
          AEGIS_RETURN_IF_ERROR(vr.CancelReferralNotifications(rf.id, ts));
          if (!IsOpenReferral(rf.status)) continue;
          const ReferralStatus from = rf.status;
          rf.status = ReferralStatus::kWithdrawn;
          rf.status_reason = "consent_withdrawn";
          rf.updated_at = ts;
          rf.updated_by = p.user.id;
          AEGIS_RETURN_IF_ERROR(vr.UpdateReferral(rf));
          AEGIS_RETURN_IF_ERROR(
              vr.InsertReferralUpdate({0, rf.id, ts, p.user.id, from, ReferralStatus::kWithdrawn,
                                       "consent withdrawn"})
                  .status());
          withdrawn.push_back(rf.reference);
        }
        AEGIS_ASSIGN_OR_RETURN(auto person, r.GetPerson(cs->person_id));
        detail = {{"consent_id", cs->id},
                  {"pseudonym", person ? person->person.pseudonym : ""},
                  {"referrals_withdrawn", withdrawn}};
        event = "consent_withdrawn";
        return Status::Ok();
      });
}

StatusOr<VictimSupportView> Services::CreateReferral(const Principal& p, Id case_id,
                                                     const ReferralInput& in) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(internal::CheckText("need", in.need, 1, 1000));
  if (in.due_at && (*in.due_at <= now || *in.due_at > now + 365 * kSecondsPerDay))
    return Status::InvalidArgument("due_at", "must be within the next year");
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kManageVictimSupport, "referral.create",
      [&](storage::Repo& r, Case& c, UnixSeconds ts, json& detail, std::string& event) -> Status {
        AEGIS_RETURN_IF_ERROR(CheckMayShareIdentity(policy_, p, c));
        AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, in.person_id));
        storage::VictimRepo& vr = r.Victims();
        AEGIS_ASSIGN_OR_RETURN(auto cs, vr.GetConsent(in.consent_id));
        if (!cs || cs->case_id != case_id || cs->person_id != in.person_id)
          return Status::InvalidArgument("consent_id", "is not a consent of this victim");
        if (!cs->active()) return Status::Conflict("the consent was withdrawn", "consent_id");
        if (!Contains(cs->agency_unit_ids, in.partner_unit_id))
          return Status::InvalidArgument("partner_unit_id",
                                         "is not among the agencies the victim agreed to");
        AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(in.partner_unit_id));
        if (!unit || unit->type != UnitType::kPartner)
          return Status::InvalidArgument("partner_unit_id", "must be a partner agency");
        const bool minor = IsMinorVictim(victim.person.age_at_offence, c.facts.youngest_victim_age);
        if (in.kind == ReferralKind::kEducationSupport && !minor)
          return Status::InvalidArgument("kind", "school support is for a minor");
        AEGIS_ASSIGN_OR_RETURN(auto existing, vr.ListReferralsForCase(case_id));
        for (const auto& x : existing) {
          if (x.person_id == in.person_id && x.partner_unit_id == in.partner_unit_id &&
              x.kind == in.kind && IsOpenReferral(x.status))
            return Status::Conflict("an open referral of this kind to this agency exists",
                                    "partner_unit_id");
        }
        Referral rf;
        AEGIS_ASSIGN_OR_RETURN(long long n,
                               r.NextSequence("referral-" + FormatDate(ts).substr(0, 4)));
        rf.reference = internal::FormatReference("ZJ", ts, n);
        rf.case_id = case_id;
        rf.person_id = in.person_id;
        rf.consent_id = cs->id;
        rf.partner_unit_id = in.partner_unit_id;
        rf.kind = in.kind;
        rf.need = in.need;
        rf.due_at = in.due_at.value_or(ts + DefaultReferralDays(in.kind) * kSecondsPerDay);
        rf.status = ReferralStatus::kSent;
        rf.created_by = p.user.id;
        rf.created_at = rf.updated_at = ts;
        rf.updated_by = p.user.id;
        AEGIS_ASSIGN_OR_RETURN(rf.id, vr.InsertReferral(rf));
        AEGIS_RETURN_IF_ERROR(vr.InsertReferralUpdate({0, rf.id, ts, p.user.id, std::nullopt,
                                                       ReferralStatus::kSent, ""})
                                  .status());
        AEGIS_RETURN_IF_ERROR(
            TickChecklist(r, case_id, "victim_support_referral", p.user.id, ts, "referral"));
        c.updated_at = ts;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = {{"referral_id", rf.id},
                  {"reference", rf.reference},
                  {"pseudonym", victim.person.pseudonym},
                  {"kind", ToString(rf.kind)},
                  {"unit_id", rf.partner_unit_id}};
        event = "referral_created";
        return Status::Ok();
      });
}

// ---------------------------------------------------------------- survivor codes

StatusOr<SurvivorCodeIssued> Services::IssueSurvivorCode(const Principal& p, Id case_id,
                                                         Id person_id) {
  SurvivorCodeIssued issued;
  std::string code;
  for (int i = 0; i < kCodeLength; ++i)
    code += kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(kCodeAlphabet.size()))];
  auto st = MutateSupport(
      *this, vault_, p, case_id, Capability::kManageVictimSupport, "survivor_code.issue",
      [&](storage::Repo& r, Case&, UnixSeconds ts, json& detail, std::string& event) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, person_id));
        storage::VictimRepo& vr = r.Victims();
        AEGIS_RETURN_IF_ERROR(vr.RevokeSurvivorCodes(person_id, ts));
        storage::SurvivorCodeRecord rec;
        rec.case_id = case_id;
        rec.person_id = person_id;
        rec.code_hash = internal::SurvivorCodeHash(vault_, case_id, code);
        rec.issued_by = p.user.id;
        rec.issued_at = ts;
        rec.expires_at = ts + kSurvivorCodeDays * kSecondsPerDay;
        rec.uses_left = kSurvivorCodeUses;
        AEGIS_RETURN_IF_ERROR(vr.InsertSurvivorCode(rec).status());
        issued.expires_at = rec.expires_at;
        issued.uses_left = rec.uses_left;
        detail = {{"pseudonym", victim.person.pseudonym},
                  {"person_id", person_id},
                  {"expires_at", FormatIso8601(rec.expires_at)}};
        event = "survivor_code_issued";
        return Status::Ok();
      });
  AEGIS_RETURN_IF_ERROR(st.status());
  issued.code = code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8);
  return issued;
}

StatusOr<VictimSupportView> Services::RevokeSurvivorCode(const Principal& p, Id case_id,
                                                         Id person_id) {
  return MutateSupport(
      *this, vault_, p, case_id, Capability::kManageVictimSupport, "survivor_code.revoke",
      [&](storage::Repo& r, Case&, UnixSeconds ts, json& detail, std::string& event) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto victim, LoadVictim(r, case_id, person_id));
        AEGIS_RETURN_IF_ERROR(r.Victims().RevokeSurvivorCodes(person_id, ts));
        detail = {{"pseudonym", victim.person.pseudonym}, {"person_id", person_id}};
        event = "survivor_code_revoked";
        return Status::Ok();
      });
}

// ---------------------------------------------------------------- partner agencies

namespace {

PartnerReferralView PartnerView(storage::Repo& r, Names& names, const Referral& rf,
                                UnixSeconds now) {
  PartnerReferralView v;
  v.referral = rf;
  auto person = r.GetPerson(rf.person_id);
  if (person.ok() && *person) v.pseudonym = (*person)->person.pseudonym;
  v.partner = UnitNameOf(names, rf.partner_unit_id);
  auto cs = r.Victims().GetConsent(rf.consent_id);
  v.consent_withdrawn = !(cs.ok() && *cs && (*cs)->active());
  v.stall = ClassifyReferral(rf, now);
  return v;
}

}  // namespace

StatusOr<ListView<PartnerReferralView>> Services::ListPartnerReferrals(
    const Principal& p, const PartnerReferralListInput& in) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kWorkReferrals) || p.unit.type != UnitType::kPartner) {
    auditor_->Record(MakeAudit(p, now, "referral.list", "unit", p.unit.id, false));
    return Status::PermissionDenied("referral lists are for partner agencies");
  }
  storage::PartnerReferralQuery q;
  q.partner_unit_id = p.unit.id;
  q.status = in.status;
  q.open_only = in.open_only;
  q.page = in.page;
  ListView<PartnerReferralView> out;
  out.limit = in.page.limit;
  out.offset = in.page.offset;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto list, r.Victims().ListReferralsForPartner(q));
    Names names(r);
    out.total = list.total;
    out.total_capped = list.total_capped;
    for (const auto& rf : list.items) {
      if (!policy_.MaySeeReferral(p, rf)) continue;  // the query already restricts; belt and braces
      out.items.push_back(PartnerView(r, names, rf, now));
    }
    return Status::Ok();
  }));
  auditor_->Record(MakeAudit(p, now, "referral.list", "unit", p.unit.id, true,
                             {{"returned", out.items.size()}}));
  return out;
}

StatusOr<PartnerReferralView> Services::GetPartnerReferral(const Principal& p, Id referral_id) {
  const UnixSeconds now = Now();
  PartnerReferralView view;
  json fields = json::array();
  Status st = store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto rf, r.Victims().GetReferral(referral_id));
    // Another agency's referral answers exactly like an unknown one.
    if (!rf || !policy_.MaySeeReferral(p, *rf)) return Status::NotFound("referral not found");
    Names names(r);
    view = PartnerView(r, names, *rf, now);
    view.history = History(r, names, *rf);
    AEGIS_ASSIGN_OR_RETURN(auto cs, r.Victims().GetConsent(rf->consent_id));
    if (!cs) return Status::Ok();
    const std::vector<ContactField> allowed = policy_.SharedContactFields(p, *rf, *cs);
    if (allowed.empty()) return Status::Ok();
    // Decrypted here, for this read, and only the fields the victim agreed to share.
    SharedContact contact;
    contact.fields = allowed;
    AEGIS_ASSIGN_OR_RETURN(auto person, r.GetPerson(rf->person_id));
    Identity identity;
    if (person && !person->identity_cipher.empty()) {
      AEGIS_ASSIGN_OR_RETURN(
          identity, vault_.DecryptIdentity(
                        person->identity_cipher,
                        PersonIdentityContext(person->person.case_id, person->person.pseudonym)));
    }
    std::optional<ContactPreferences> prefs;
    AEGIS_ASSIGN_OR_RETURN(auto record, r.Victims().GetContactPreferences(rf->person_id));
    if (record) {
      AEGIS_ASSIGN_OR_RETURN(prefs, internal::DecryptPreferences(vault_, *record));
    }
    for (ContactField f : allowed) {
      fields.push_back(ToString(f));
      switch (f) {
        case ContactField::kName:
          contact.name = identity.name;
          break;
        case ContactField::kPhone:
          // The number the victim asked us to use comes first.
          contact.phone = prefs && !prefs->phone.empty() ? prefs->phone : identity.phone;
          break;
        case ContactField::kAddress:
          contact.address = identity.address;
          break;
        case ContactField::kGuardianContact:
          if (prefs) {
            contact.guardian_name = prefs->guardian_name;
            contact.guardian_phone = prefs->guardian_phone;
          }
          break;
        case ContactField::kContactPreferences:
          if (prefs) {
            ContactPreferences how = *prefs;
            // Only how to reach the victim; numbers travel only under their own fields.
            how.phone.clear();
            how.guardian_name.clear();
            how.guardian_phone.clear();
            contact.preferences = how;
          }
          break;
      }
    }
    identity = Identity();
    view.contact = std::move(contact);
    return Status::Ok();
  });
  auditor_->Record(MakeAudit(p, now, "referral.read", "referral", referral_id, st.ok(),
                             {{"contact_fields", fields}}));
  AEGIS_RETURN_IF_ERROR(st);
  return view;
}

StatusOr<PartnerReferralView> Services::UpdateReferralStatus(const Principal& p, Id referral_id,
                                                             const ReferralStatusInput& in) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kWorkReferrals)) {
    auditor_->Record(MakeAudit(p, now, "referral.update", "referral", referral_id, false));
    return Status::PermissionDenied("only the partner agency updates a referral");
  }
  AEGIS_RETURN_IF_ERROR(internal::CheckText("reason", in.reason, 0, 1000));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("partner_contact", in.partner_contact, 0, 300));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("note", in.note, 0, 1000));
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    storage::VictimRepo& vr = r.Victims();
    AEGIS_ASSIGN_OR_RETURN(auto rf, vr.GetReferral(referral_id));
    if (!rf || !policy_.MaySeeReferral(p, *rf)) return Status::NotFound("referral not found");
    AEGIS_ASSIGN_OR_RETURN(auto cs, vr.GetConsent(rf->consent_id));
    if (rf->status == ReferralStatus::kWithdrawn || !cs || !cs->active())
      return Status::Conflict("the victim withdrew consent; this referral has ended");
    const std::string contact =
        in.partner_contact.empty() ? rf->partner_contact : in.partner_contact;
    AEGIS_RETURN_IF_ERROR(CheckReferralTransition(rf->status, in.status, in.reason, contact));
    const ReferralStatus from = rf->status;
    rf->status = in.status;
    if (in.status == ReferralStatus::kDeclined) rf->status_reason = in.reason;
    rf->partner_contact = contact;
    if (!in.note.empty()) rf->partner_note = in.note;
    rf->updated_at = now;
    rf->updated_by = p.user.id;
    AEGIS_RETURN_IF_ERROR(vr.UpdateReferral(*rf));
    const std::string note = in.status == ReferralStatus::kDeclined ? in.reason : in.note;
    AEGIS_RETURN_IF_ERROR(
        vr.InsertReferralUpdate({0, rf->id, now, p.user.id, from, in.status, note}).status());
    const json detail = {{"referral_id", rf->id},
                         {"reference", rf->reference},
                         {"from", ToString(from)},
                         {"to", ToString(in.status)}};
    AEGIS_RETURN_IF_ERROR(
        r.InsertEvent({0, rf->case_id, now, p.user.id, "referral_updated", detail.dump()})
            .status());
    if (from != in.status) {
      AEGIS_RETURN_IF_ERROR(internal::QueueNotification(
          r, vault_, rf->case_id, rf->person_id, rf->id, NotificationKind::kReferralUpdate,
          {{"referral", rf->reference}, {"status", ToString(in.status)}}, now));
    }
    return r.AppendAudit({MakeAudit(p, now, "referral.update", "referral", rf->id, true,
                                    {{"from", ToString(from)}, {"to", ToString(in.status)}})});
  });
  if (!st.ok() && st.code() == StatusCode::kNotFound) {
    auditor_->Record(MakeAudit(p, now, "referral.update", "referral", referral_id, false));
  }
  AEGIS_RETURN_IF_ERROR(st);
  return GetPartnerReferral(p, referral_id);
}

StatusOr<std::vector<ReferralAlertView>> Services::StalledReferrals(const Principal& p) {
  std::vector<ReferralAlertView> out;
  if (!policy_.Allows(p, Capability::kManageVictimSupport)) return out;
  const UnixSeconds now = Now();
  const storage::CaseScope scope = policy_.CaseScopeFor(p);
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(
        auto list, r.Victims().ListStalledReferrals(p.user.id, now,
                                                    now - kReferralQuietDays * kSecondsPerDay, 50));
    Names names(r);
    std::map<Id, std::optional<std::string>> case_ref;  // nullopt: out of scope
    for (const auto& rf : list) {
      auto it = case_ref.find(rf.case_id);
      if (it == case_ref.end()) {
        AEGIS_ASSIGN_OR_RETURN(bool visible, r.CaseInScope(rf.case_id, scope));
        std::optional<std::string> ref;
        if (visible) {
          AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(rf.case_id));
          if (c) ref = c->reference;
        }
        it = case_ref.emplace(rf.case_id, ref).first;
      }
      if (!it->second) continue;
      ReferralAlertView a;
      a.referral = rf;
      a.case_reference = *it->second;
      AEGIS_ASSIGN_OR_RETURN(auto person, r.GetPerson(rf.person_id));
      if (person) a.pseudonym = person->person.pseudonym;
      a.partner = UnitNameOf(names, rf.partner_unit_id);
      a.stall = ClassifyReferral(rf, now);
      out.push_back(std::move(a));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace aegis::services
