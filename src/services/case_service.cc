// Cases: lists, the case page, lifecycle transitions, persons, checklist, actions, team and joint
// work across units.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

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

CaseSummaryView Summarize(storage::Repo& r, Names& names, const Case& c, const DeadlineRules& rules,
                          UnixSeconds now, bool with_pseudonyms, const Policy* policy = nullptr,
                          const Principal* p = nullptr) {
  CaseSummaryView v;
  v.c = c;
  v.unit_name = names.UnitName(c.unit_id);
  v.lead_investigator_name = names.User(c.lead_investigator_id);
  if (c.stage_deadline && IsOpenStage(c.stage))
    v.deadline_state = ClassifyDeadline(rules, *c.stage_deadline, now, std::nullopt);
  if (with_pseudonyms && policy && p &&
      !policy->MaySeeSection(*p, c, c.unit_path, CaseSection::kPersons))
    with_pseudonyms = false;
  if (with_pseudonyms) {
    auto persons = r.ListPersons(c.id);
    if (persons.ok()) {
      for (const auto& pr : *persons)
        if (pr.person.role == PersonRole::kVictim)
          v.victim_pseudonyms.push_back(pr.person.pseudonym);
    }
  }
  return v;
}

StatusOr<Case> LoadCase(storage::Repo& r, const Policy& policy, const Principal& p, Id id) {
  AEGIS_ASSIGN_OR_RETURN(auto loaded, internal::LoadCaseFor(r, policy, p, id));
  return std::move(loaded.c);
}

std::optional<NamedRef> UserRef(Names& names, std::optional<Id> id) {
  if (!id) return std::nullopt;
  return NamedRef{*id, names.User(id), {}};
}

}  // namespace

// Builds the full case page for `c` as `p` may see it.
// `via_break_glass`: `p` opens the case only through an emergency grant (read-only).
static StatusOr<CaseDetailView> BuildDetail(storage::Repo& r, const Policy& policy,
                                            const Principal& p, const Case& c,
                                            const DeadlineRules& rules, UnixSeconds now,
                                            bool via_break_glass = false) {
  // A stage is offered only where the change would be accepted (MutateCase refuses these).
  const bool read_only = via_break_glass || !policy.MayModifyCase(c);
  const std::string read_only_reason =
      via_break_glass ? "break-glass access is read-only" : "the case is sealed by court order";
  Names names(r);
  CaseDetailView d;
  d.summary = Summarize(r, names, c, rules, now, false);
  d.case_manager = UserRef(names, c.case_manager_id);
  d.lead_investigator = UserRef(names, c.lead_investigator_id);
  d.file_coordinator = UserRef(names, c.file_coordinator_id);
  auto visible = [&](CaseSection section) {
    if (policy.MaySeeSection(p, c, c.unit_path, section)) return true;
    d.hidden_sections.push_back(section);
    return false;
  };
  const bool show_persons = visible(CaseSection::kPersons);
  const bool show_actions = visible(CaseSection::kActions);
  const bool show_timeline = visible(CaseSection::kTimeline);
  if (!policy.MaySeeSection(p, c, c.unit_path, CaseSection::kVictimSupport))
    d.hidden_sections.push_back(CaseSection::kVictimSupport);
  AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(c.id));
  int suspects = 0;
  for (auto& pr : persons) {
    if (pr.person.role == PersonRole::kSuspect) ++suspects;
    if (!show_persons) continue;
    if (pr.person.role == PersonRole::kVictim)
      d.summary.victim_pseudonyms.push_back(pr.person.pseudonym);
    d.person_has_identity.push_back(!pr.identity_cipher.empty() || !pr.identity_plain_json.empty());
    d.persons.push_back(pr.person);
  }
  AEGIS_ASSIGN_OR_RETURN(auto states, r.ListChecklist(c.id));
  std::vector<std::string> done_keys;
  d.checklist.reserve(StandardChecklist().size());
  for (const auto& item : StandardChecklist()) {
    ChecklistView cv;
    cv.item = item;
    for (const auto& s : states) {
      if (s.key == item.key && s.done_at) {
        cv.item.done_at = s.done_at;
        cv.item.done_by = s.done_by;
        cv.done_by_name = names.User(s.done_by);
        done_keys.push_back(item.key);
      }
    }
    d.checklist.push_back(cv);
  }
  if (show_timeline) {
    AEGIS_ASSIGN_OR_RETURN(auto events, r.ListEvents(c.id));
    for (auto& e : events) d.timeline.push_back({e, names.User(e.actor_id)});
  }
  std::vector<Action> actions;
  if (show_actions) {
    AEGIS_ASSIGN_OR_RETURN(actions, r.ListActions(c.id));
  }
  for (auto& a : actions) {
    const bool open = a.status == ActionStatus::kAllocated || a.status == ActionStatus::kInProgress;
    d.actions.push_back(
        {a, names.User(a.owner_id), open && a.due_at && *a.due_at < now, c.reference});
  }
  AEGIS_ASSIGN_OR_RETURN(auto assistance, r.ListAssistanceForCase(c.id));
  for (auto& a : assistance) {
    d.assistance.push_back(
        {a, names.UnitName(a.from_unit_id), names.UnitName(a.to_unit_id), c.reference});
  }
  AEGIS_ASSIGN_OR_RETURN(auto shares, r.ListShares(c.id));
  for (Id u : shares) {
    if (const Unit* unit = names.Unit(u)) d.shared_with.push_back({u, unit->name, unit->name_en});
  }
  TransitionContext ctx;
  ctx.actor_role = p.user.role;
  ctx.suspect_count = suspects;
  ctx.done_checklist_keys = done_keys;
  ctx.has_procuratorate = true;  // the UI asks for it when required
  ctx.reason = "-";              // likewise
  for (CaseStage to : NextStages(c.stage)) {
    NextStageView nv;
    nv.to = to;
    for (const auto& rule : TransitionRules()) {
      if (rule.from == c.stage && rule.to == to) {
        nv.requires_reason = rule.requires_reason;
        nv.requires_procuratorate = rule.requires_procuratorate;
      }
    }
    Status st = !policy.Allows(p, Capability::kTransitionCase)
                    ? Status::PermissionDenied("your role may not change case stages")
                : read_only ? Status::PermissionDenied(read_only_reason)
                            : CheckTransition(c.stage, to, ctx, StandardChecklist());
    nv.allowed = st.ok();
    nv.why_not = st.ok() ? "" : st.message();
    d.next_stages.push_back(nv);
  }
  d.can_reveal_identity = show_persons && policy.MayRevealIdentity(p, c, c.unit_path);
  d.can_label = policy.MayLabelCase(p, c, c.unit_path);
  d.read_only = !policy.MayModifyCase(c);
  d.can_export = policy.MayExportCase(p, c, c.unit_path);
  return d;
}

StatusOr<ListView<CaseSummaryView>> Services::ListCases(const Principal& p,
                                                        const CaseListInput& in) {
  const UnixSeconds now = Now();
  storage::CaseQuery q;
  q.scope = policy_.CaseScopeFor(p);
  q.stage = in.stage;
  q.major = in.major;
  q.historic = in.historic;
  q.unit_path_of = in.unit_id;
  if (in.overdue.value_or(false)) {
    q.deadline_before = now;
    q.open = true;
  }
  q.text = in.text;
  q.page = in.page;
  ListView<CaseSummaryView> out;
  out.limit = in.page.limit;
  out.offset = in.page.offset;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(q));
    Names names(r);
    out.total = list.total;
    out.total_capped = list.total_capped;
    for (const auto& c : list.items)
      out.items.push_back(Summarize(r, names, c, deadline_rules_, now, true, &policy_, &p));
    return Status::Ok();
  }));
  auditor_->Record(
      MakeAudit(p, now, "case.list", "case", std::nullopt, true, {{"returned", out.items.size()}}));
  return out;
}

StatusOr<CaseDetailView> Services::GetCase(const Principal& p, Id id) {
  const UnixSeconds now = Now();
  CaseDetailView d;
  std::optional<Id> grant_id;
  Status st = store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto loaded, internal::LoadCaseFor(r, policy_, p, id));
    AEGIS_ASSIGN_OR_RETURN(
        d, BuildDetail(r, policy_, p, loaded.c, deadline_rules_, now, loaded.via_break_glass));
    if (loaded.via_break_glass) {
      d.via_break_glass = true;
      AEGIS_ASSIGN_OR_RETURN(auto grant, r.Access().ActiveBreakGlassGrant(p.user.id, id, now));
      if (grant) {
        grant_id = grant->id;
        d.break_glass_expires_at = grant->expires_at;
      }
    }
    return Status::Ok();
  });
  storage::AuditRecord record = MakeAudit(p, now, "case.read", "case", id, st.ok());
  if (d.via_break_glass) {
    // Marked for review: every look under a grant names the grant.
    record.purpose = std::string(ToString(Purpose::kEmergency));
    record.detail = json{{"break_glass_grant", grant_id.value_or(0)}}.dump();
  }
  auditor_->Record(std::move(record));
  AEGIS_RETURN_IF_ERROR(st);
  return d;
}

// Runs a change to one case: loads it in scope, checks the capability, applies `change`, writes the
// audit record in the same transaction and returns the updated case page.
template <typename Fn>
static StatusOr<CaseDetailView> MutateCase(Services& s, const Principal& p, Id id,
                                           Capability capability, const std::string& action,
                                           Fn change) {
  const UnixSeconds now = s.Now();
  if (!s.policy().Allows(p, capability)) {
    s.auditor().Record(MakeAudit(p, now, action, "case", id, false));
    return Status::PermissionDenied("your role may not do this on a case");
  }
  CaseDetailView d;
  AEGIS_RETURN_IF_ERROR(s.store().Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto loaded, internal::LoadCaseFor(r, s.policy(), p, id));
    Case& c = loaded.c;
    if (loaded.via_break_glass) return Status::PermissionDenied("break-glass access is read-only");
    if (!s.policy().MayModifyCase(c))
      return Status::Conflict("the case is sealed by court order and cannot be changed");
    json detail = json::object();
    AEGIS_RETURN_IF_ERROR(change(r, c, now, detail));
    AEGIS_RETURN_IF_ERROR(r.AppendAudit({MakeAudit(p, now, action, "case", id, true, detail)}));
    AEGIS_ASSIGN_OR_RETURN(auto fresh, r.GetCase(id));
    AEGIS_ASSIGN_OR_RETURN(d, BuildDetail(r, s.policy(), p, *fresh, s.deadline_rules(), now));
    return Status::Ok();
  }));
  return d;
}

StatusOr<CaseDetailView> Services::Transition(const Principal& p, Id id,
                                              const TransitionInput& in) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("reason", in.reason, 0, 2000));
  return MutateCase(
      *this, p, id, Capability::kTransitionCase, "case.transition",
      [&](storage::Repo& r, Case& c, UnixSeconds now, json& detail) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(id));
        AEGIS_ASSIGN_OR_RETURN(auto states, r.ListChecklist(id));
        TransitionContext ctx;
        ctx.actor_role = p.user.role;
        ctx.suspect_count =
            static_cast<int>(std::count_if(persons.begin(), persons.end(), [](auto& x) {
              return x.person.role == PersonRole::kSuspect;
            }));
        for (const auto& s : states)
          if (s.done_at) ctx.done_checklist_keys.push_back(s.key);
        if (in.procuratorate_unit_id) {
          AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(*in.procuratorate_unit_id));
          if (!unit || unit->type != UnitType::kProcuratorate)
            return Status::InvalidArgument("procuratorate_unit_id", "must be a procuratorate");
        }
        ctx.has_procuratorate = in.procuratorate_unit_id.has_value();
        ctx.reason = in.reason;
        AEGIS_RETURN_IF_ERROR(CheckTransition(c.stage, in.to, ctx, StandardChecklist()));
        const CaseStage from = c.stage;
        c.stage = in.to;
        // Only the transfer for prosecution names the procuratorate (it opens the case to its
        // prosecutors); a procuratorate sent with any other transition is ignored.
        if (in.procuratorate_unit_id && in.to == CaseStage::kTransferredForProsecution)
          c.procuratorate_unit_id = in.procuratorate_unit_id;
        if (in.to == CaseStage::kSolved && !c.solved_at) c.solved_at = now;
        if (in.to == CaseStage::kClosed) c.closed_at = now;
        if (in.to == CaseStage::kReopened) {
          c.reopened = true;
          c.historic = true;  // a reopened cold case counts as historic
        }
        if (in.to == CaseStage::kSuspectDetained)
          AEGIS_RETURN_IF_ERROR(r.MarkSuspectsDetained(id, now));
        c.stage_deadline.reset();
        c.stage_deadline_label.clear();
        if (const StageDeadlineRule* rule = deadline_rules_.FindStageDeadline(in.to)) {
          c.stage_deadline = now + rule->days * kSecondsPerDay;
          c.stage_deadline_label = rule->label;
        }
        c.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        AEGIS_RETURN_IF_ERROR(internal::NotifyStageChange(r, vault_, c, from, in.to, now));
        detail = {{"from", ToString(from)}, {"to", ToString(in.to)}};
        if (!in.reason.empty()) detail["reason"] = in.reason;
        if (c.stage_deadline) {
          detail["deadline"] = FormatIso8601(*c.stage_deadline);
          detail["deadline_label"] = c.stage_deadline_label;
        }
        return r.InsertEvent({0, id, now, p.user.id, "transition", detail.dump()}).status();
      });
}

StatusOr<CaseDetailView> Services::SetChecklist(const Principal& p, Id id, const std::string& key,
                                                bool done) {
  const auto& items = StandardChecklist();
  if (std::none_of(items.begin(), items.end(), [&](auto& i) { return i.key == key; }))
    return Status::NotFound("no checklist item " + key.substr(0, 64));
  return MutateCase(
      *this, p, id, Capability::kEditCase, "case.checklist",
      [&](storage::Repo& r, Case& c, UnixSeconds now, json& detail) -> Status {
        // Before the change: the outbox tells the victims only when the kit item becomes done.
        AEGIS_RETURN_IF_ERROR(internal::NotifyChecklistChange(r, vault_, c, key, done, now));
        AEGIS_RETURN_IF_ERROR(r.SetChecklist(id, key,
                                             done ? std::optional<UnixSeconds>(now) : std::nullopt,
                                             done ? std::optional<Id>(p.user.id) : std::nullopt));
        c.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = {{"key", key}, {"done", done}};
        return r.InsertEvent({0, id, now, p.user.id, "checklist", detail.dump()}).status();
      });
}

StatusOr<CaseDetailView> Services::AddPerson(const Principal& p, Id id, const PersonInput& in) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(internal::CheckText("notes", in.notes, 0, 2000));
  if (in.age_at_offence && (*in.age_at_offence < 0 || *in.age_at_offence > 120))
    return Status::InvalidArgument("age_at_offence", "must be between 0 and 120");
  AEGIS_ASSIGN_OR_RETURN(Identity identity,
                         internal::NormalizeIdentity(in.identity, now, "identity"));
  // Victims and minor witnesses are protected: their identity is stored only encrypted.
  const bool protect =
      in.role == PersonRole::kVictim ||
      (in.role == PersonRole::kWitness && in.age_at_offence && *in.age_at_offence < 18);
  return MutateCase(
      *this, p, id, Capability::kEditCase, "case.person_add",
      [&](storage::Repo& r, Case& c, UnixSeconds ts, json& detail) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(id));
        const char letter = in.role == PersonRole::kVictim    ? 'V'
                            : in.role == PersonRole::kSuspect ? 'S'
                            : in.role == PersonRole::kWitness ? 'W'
                                                              : 'R';
        int n = 1;
        for (const auto& x : persons)
          if (x.person.role == in.role) ++n;
        storage::PersonRecord rec;
        rec.person.case_id = id;
        rec.person.role = in.role;
        rec.person.pseudonym = std::string(1, letter) + std::to_string(n);
        rec.person.sex = in.sex;
        rec.person.age_at_offence = in.age_at_offence;
        rec.person.duty_of_care = in.duty_of_care;
        rec.person.notes = in.notes;
        rec.person.identity_protected = protect;
        if (!identity.empty()) {
          if (protect) {
            rec.identity_cipher =
                vault_.EncryptIdentity(identity, PersonIdentityContext(id, rec.person.pseudonym));
          } else {
            rec.identity_plain_json = IdentityToJson(identity);
          }
          rec.index = vault_.Index(identity);
        }
        if (in.role == PersonRole::kSuspect && c.stage == CaseStage::kSuspectDetained)
          rec.detained_at = ts;
        AEGIS_ASSIGN_OR_RETURN(Id person_id, r.InsertPerson(rec));
        // New facts can change the major-case assessment (a younger victim, a duty of care, ...).
        bool facts_changed = false;
        if (in.role == PersonRole::kVictim) {
          c.facts.victim_count = std::max(c.facts.victim_count, n);
          if (in.age_at_offence &&
              (!c.facts.youngest_victim_age || *in.age_at_offence < *c.facts.youngest_victim_age))
            c.facts.youngest_victim_age = in.age_at_offence;
          facts_changed = true;
        } else if (in.role == PersonRole::kSuspect) {
          c.facts.offender_count = std::max(c.facts.offender_count, n);
          if (in.duty_of_care != DutyOfCare::kNone) c.facts.duty_of_care = in.duty_of_care;
          facts_changed = true;
        }
        if (facts_changed) {
          const MajorCaseAssessment a = AssessMajorCase(major_rules_, c.facts);
          const bool newly_major = a.major && !c.major;
          c.priority = std::max(c.priority, a.priority);
          if (a.major) {
            c.major = true;
            c.major_flags = a.flags;
            c.rules_version = a.rules_version;
          }
          if (newly_major) {
            Names names(r);
            const Unit* unit = names.Unit(c.unit_id);
            if (unit && unit->parent_id) c.supervising_unit_id = unit->parent_id;
            json reasons = json::array();
            for (const auto& f : c.major_flags) reasons.push_back(f.rule_key);
            AEGIS_RETURN_IF_ERROR(r.InsertEvent({0, id, ts, p.user.id, "major_flagged",
                                                 json{{"rules", reasons},
                                                      {"rules_version", c.rules_version},
                                                      {"priority", c.priority}}
                                                     .dump()})
                                      .status());
          }
        }
        c.updated_at = ts;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = {{"person_id", person_id},
                  {"role", ToString(in.role)},
                  {"pseudonym", rec.person.pseudonym}};
        return r.InsertEvent({0, id, ts, p.user.id, "person_added", detail.dump()}).status();
      });
}

StatusOr<Identity> Services::RevealIdentity(const Principal& p, Id case_id, Id person_id) {
  const UnixSeconds now = Now();
  Identity identity;
  bool allowed = false;
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(Case c, LoadCase(r, policy_, p, case_id));
    AEGIS_ASSIGN_OR_RETURN(auto person, r.GetPerson(person_id));
    if (!person || person->person.case_id != case_id) return Status::NotFound("person not found");
    if (person->person.identity_protected &&
        (!policy_.MaySeeSection(p, c, c.unit_path, CaseSection::kPersons) ||
         !policy_.MayRevealIdentity(p, c, c.unit_path)))
      return Status::PermissionDenied("your role may not see this person's identity");
    if (!person->identity_cipher.empty()) {
      AEGIS_ASSIGN_OR_RETURN(
          identity,
          vault_.DecryptIdentity(person->identity_cipher,
                                 PersonIdentityContext(case_id, person->person.pseudonym)));
    } else if (!person->identity_plain_json.empty()) {
      AEGIS_ASSIGN_OR_RETURN(identity, IdentityFromJson(person->identity_plain_json));
    } else {
      return Status::NotFound("no identity was recorded for this person");
    }
    allowed = true;
    // Revealing a protected identity is itself a case event: the team sees who looked.
    if (person->person.identity_protected) {
      AEGIS_RETURN_IF_ERROR(r.InsertEvent({0, case_id, now, p.user.id, "identity_revealed",
                                           json{{"pseudonym", person->person.pseudonym}}.dump()})
                                .status());
    }
    return r.AppendAudit(
        {MakeAudit(p, now, "identity.reveal", "person", person_id, true, {{"case_id", case_id}})});
  });
  if (!allowed) {
    auditor_->Record(
        MakeAudit(p, now, "identity.reveal", "person", person_id, false, {{"case_id", case_id}}));
  }
  AEGIS_RETURN_IF_ERROR(st);
  return identity;
}

// Checks that `user_id` may work on case `c`: an active police user of the caller's unit subtree,
// of the owning unit's subtree, or of a unit the case is shared with. Putting someone on a team
// opens the case to them, so it never reaches beyond the units already involved.
static Status CheckAssignee(storage::Repo& r, const Principal& p, const Case& c, Id user_id,
                            const std::string& field) {
  AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(user_id));
  if (!user || !user->active) return Status::InvalidArgument(field, "no such active user");
  if (user->role != Role::kOfficer && user->role != Role::kSupervisor &&
      user->role != Role::kForensic && user->role != Role::kAnalyst)
    return Status::InvalidArgument(field,
                                   "must be an officer, supervisor, analyst or forensic user");
  AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(user->unit_id));
  AEGIS_ASSIGN_OR_RETURN(auto owner, r.GetUnit(c.unit_id));
  auto under = [&](const std::string& prefix) {
    return unit && unit->path.compare(0, prefix.size(), prefix) == 0;
  };
  if (under(p.unit.path) || (owner && under(owner->path))) return Status::Ok();
  AEGIS_ASSIGN_OR_RETURN(auto shares, r.ListShares(c.id));
  if (std::find(shares.begin(), shares.end(), user->unit_id) != shares.end()) return Status::Ok();
  return Status::InvalidArgument(field, "must belong to a unit working on this case");
}

// Refuses to open case `c` to more people unless `p` belongs to (or is above) its owning unit.
static Status CheckMayGrantAccess(const Policy& policy, const Principal& p, const Case& c) {
  if (!policy.MayGrantCaseAccess(p, c, c.unit_path))
    return Status::PermissionDenied(
        "only the unit that owns the case, and the supervisors above it, may open it to others");
  return Status::Ok();
}

// Checks that `user_id` may own an action on case `c`: an assignee (CheckAssignee) who can open
// the case, so that an action never puts a case the owner may not see on their work list.
static Status CheckActionOwner(storage::Repo& r, const Policy& policy, const Principal& p,
                               const Case& c, Id user_id) {
  AEGIS_RETURN_IF_ERROR(CheckAssignee(r, p, c, user_id, "owner_id"));
  AEGIS_ASSIGN_OR_RETURN(auto user, r.GetUser(user_id));
  if (!user) return Status::InvalidArgument("owner_id", "no such active user");
  AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(user->unit_id));
  Principal owner;
  owner.user = *user;
  if (unit) owner.unit = *unit;
  AEGIS_ASSIGN_OR_RETURN(bool opens, r.CaseInScope(c.id, policy.CaseScopeFor(owner)));
  if (!opens) return Status::InvalidArgument("owner_id", "must be someone who can open this case");
  return Status::Ok();
}

StatusOr<CaseDetailView> Services::AddAction(const Principal& p, Id id, const ActionInput& in) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("title", in.title, 1, 200));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("description", in.description, 0, 4000));
  return MutateCase(
      *this, p, id, Capability::kEditCase, "case.action_create",
      [&](storage::Repo& r, Case& c, UnixSeconds now, json& detail) -> Status {
        if (!IsOpenStage(c.stage)) return Status::Conflict("the case is not open for new actions");
        if (in.owner_id) AEGIS_RETURN_IF_ERROR(CheckActionOwner(r, policy_, p, c, *in.owner_id));
        Action a;
        a.case_id = id;
        a.title = in.title;
        a.description = in.description;
        a.owner_id = in.owner_id;
        a.due_at = in.due_at;
        a.status = ActionStatus::kAllocated;
        a.created_by = p.user.id;
        a.created_at = a.updated_at = now;
        AEGIS_ASSIGN_OR_RETURN(a.id, r.InsertAction(a));
        c.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = {{"action_id", a.id}, {"title", a.title}};
        return r.InsertEvent({0, id, now, p.user.id, "action_created", detail.dump()}).status();
      });
}

StatusOr<CaseDetailView> Services::UpdateAction(const Principal& p, Id id, Id action_id,
                                                const ActionPatch& in) {
  if (in.result) AEGIS_RETURN_IF_ERROR(internal::CheckText("result", *in.result, 0, 4000));
  return MutateCase(
      *this, p, id, Capability::kEditCase, "case.action_update",
      [&](storage::Repo& r, Case& c, UnixSeconds now, json& detail) -> Status {
        AEGIS_ASSIGN_OR_RETURN(auto found, r.GetAction(action_id));
        if (!found || found->case_id != id) return Status::NotFound("action not found");
        Action a = *found;
        detail = {{"action_id", a.id}};
        if (in.status && *in.status != a.status) {
          static const std::vector<std::pair<ActionStatus, ActionStatus>> kFlow = {
              {ActionStatus::kAllocated, ActionStatus::kInProgress},
              {ActionStatus::kAllocated, ActionStatus::kCompleted},
              {ActionStatus::kInProgress, ActionStatus::kCompleted},
              {ActionStatus::kCompleted, ActionStatus::kReviewed},
              {ActionStatus::kCompleted, ActionStatus::kInProgress},  // sent back at review
              {ActionStatus::kAllocated, ActionStatus::kCancelled},
              {ActionStatus::kInProgress, ActionStatus::kCancelled},
          };
          if (std::find(kFlow.begin(), kFlow.end(), std::make_pair(a.status, *in.status)) ==
              kFlow.end()) {
            return Status::Conflict("an action cannot go from " + std::string(ToString(a.status)) +
                                        " to " + std::string(ToString(*in.status)),
                                    "status");
          }
          if (*in.status == ActionStatus::kReviewed && p.user.role != Role::kSupervisor)
            return Status::PermissionDenied("only a supervisor reviews completed actions");
          if (*in.status == ActionStatus::kCompleted && (in.result ? *in.result : a.result).empty())
            return Status::InvalidArgument("result", "is required to complete an action");
          detail["from"] = ToString(a.status);
          detail["to"] = ToString(*in.status);
          a.status = *in.status;
        }
        if (in.result) a.result = *in.result;
        if (in.owner_id) {
          AEGIS_RETURN_IF_ERROR(CheckActionOwner(r, policy_, p, c, *in.owner_id));
          a.owner_id = in.owner_id;
          detail["owner_id"] = *in.owner_id;
        }
        if (in.due_at) a.due_at = in.due_at;
        a.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateAction(a));
        c.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        return r.InsertEvent({0, id, now, p.user.id, "action_updated", detail.dump()}).status();
      });
}

StatusOr<CaseDetailView> Services::SetTeam(const Principal& p, Id id, const TeamInput& in) {
  return MutateCase(
      *this, p, id, Capability::kEditCase, "case.team",
      [&](storage::Repo& r, Case& c, UnixSeconds now, json& detail) -> Status {
        AEGIS_RETURN_IF_ERROR(CheckMayGrantAccess(policy_, p, c));
        if (in.case_manager_id)
          AEGIS_RETURN_IF_ERROR(CheckAssignee(r, p, c, *in.case_manager_id, "case_manager_id"));
        if (in.lead_investigator_id)
          AEGIS_RETURN_IF_ERROR(
              CheckAssignee(r, p, c, *in.lead_investigator_id, "lead_investigator_id"));
        if (in.file_coordinator_id)
          AEGIS_RETURN_IF_ERROR(
              CheckAssignee(r, p, c, *in.file_coordinator_id, "file_coordinator_id"));
        if (in.case_manager_id) c.case_manager_id = in.case_manager_id;
        if (in.lead_investigator_id) c.lead_investigator_id = in.lead_investigator_id;
        if (in.file_coordinator_id) c.file_coordinator_id = in.file_coordinator_id;
        c.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = json::object();
        if (c.case_manager_id) detail["case_manager_id"] = *c.case_manager_id;
        if (c.lead_investigator_id) detail["lead_investigator_id"] = *c.lead_investigator_id;
        if (c.file_coordinator_id) detail["file_coordinator_id"] = *c.file_coordinator_id;
        return r.InsertEvent({0, id, now, p.user.id, "team_assigned", detail.dump()}).status();
      });
}

StatusOr<CaseDetailView> Services::RequestAssistance(const Principal& p, Id id, Id to_unit,
                                                     const std::string& request) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("request", request, 1, 2000));
  return MutateCase(
      *this, p, id, Capability::kEditCase, "case.assistance_request",
      [&](storage::Repo& r, Case& c, UnixSeconds now, json& detail) -> Status {
        AEGIS_RETURN_IF_ERROR(CheckMayGrantAccess(policy_, p, c));
        AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(to_unit));
        if (!unit) return Status::InvalidArgument("to_unit_id", "no such unit");
        if (unit->id == c.unit_id)
          return Status::InvalidArgument("to_unit_id", "is the case's own unit");
        if (unit->type == UnitType::kPartner || unit->type == UnitType::kProcuratorate)
          return Status::InvalidArgument("to_unit_id", "must be a police unit");
        AssistanceRequest a;
        a.case_id = id;
        a.from_unit_id = p.unit.id;
        a.to_unit_id = to_unit;
        a.request = request;
        a.status = AssistanceStatus::kRequested;
        a.created_at = a.updated_at = now;
        AEGIS_ASSIGN_OR_RETURN(a.id, r.InsertAssistance(a));
        c.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = {{"assistance_id", a.id}, {"to_unit_id", to_unit}};
        return r.InsertEvent({0, id, now, p.user.id, "assistance_requested", detail.dump()})
            .status();
      });
}

StatusOr<AssistanceView> Services::AnswerAssistance(const Principal& p, Id assistance_id,
                                                    bool accept, const std::string& response) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kDecideClue))  // supervisors answer for their unit
    return Status::PermissionDenied("only a supervisor answers assistance requests");
  AEGIS_RETURN_IF_ERROR(internal::CheckText("response", response, accept ? 0 : 1, 2000));
  AssistanceView view;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto a, r.GetAssistance(assistance_id));
    // Requests to other units are reported as unknown.
    if (!a || a->to_unit_id != p.unit.id) return Status::NotFound("assistance request not found");
    if (a->status != AssistanceStatus::kRequested)
      return Status::Conflict("the request has already been answered");
    a->status = accept ? AssistanceStatus::kAccepted : AssistanceStatus::kDeclined;
    a->response = response;
    a->updated_at = now;
    AEGIS_RETURN_IF_ERROR(r.UpdateAssistance(*a));
    AEGIS_RETURN_IF_ERROR(
        r.InsertEvent({0, a->case_id, now, p.user.id, "assistance_answered",
                       json{{"assistance_id", a->id}, {"accepted", accept}}.dump()})
            .status());
    AEGIS_RETURN_IF_ERROR(r.AppendAudit({MakeAudit(p, now, "assistance.answer", "assistance", a->id,
                                                   true, {{"accepted", accept}})}));
    Names names(r);
    AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(a->case_id));
    view = {*a, names.UnitName(a->from_unit_id), names.UnitName(a->to_unit_id),
            c ? c->reference : std::string()};
    return Status::Ok();
  }));
  return view;
}

StatusOr<CaseDetailView> Services::ShareCase(const Principal& p, Id id, Id unit_id) {
  return MutateCase(
      *this, p, id, Capability::kEditCase, "case.share",
      [&](storage::Repo& r, Case& c, UnixSeconds now, json& detail) -> Status {
        AEGIS_RETURN_IF_ERROR(CheckMayGrantAccess(policy_, p, c));
        AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(unit_id));
        if (!unit) return Status::InvalidArgument("unit_id", "no such unit");
        if (unit->type == UnitType::kPartner || unit->type == UnitType::kProcuratorate)
          return Status::InvalidArgument("unit_id", "a joint team is formed with police units");
        if (unit->id == c.unit_id)
          return Status::InvalidArgument("unit_id", "is the case's own unit");
        AEGIS_RETURN_IF_ERROR(r.InsertShare(id, unit_id, p.user.id, now));
        c.updated_at = now;
        AEGIS_RETURN_IF_ERROR(r.UpdateCase(c));
        detail = {{"unit_id", unit_id}};
        return r.InsertEvent({0, id, now, p.user.id, "shared", detail.dump()}).status();
      });
}

}  // namespace aegis::services

namespace aegis::services {

namespace {

// Hands out a vector's rows a batch at a time.
class VectorImportSource final : public CaseImportSource {
 public:
  explicit VectorImportSource(std::vector<CaseImportRow>& rows) : rows_(rows) {}
  size_t ExpectedRows() const override { return rows_.size(); }
  Status Next(std::vector<CaseImportRow>& batch, size_t max_rows) override {
    batch.clear();
    const size_t end = std::min(rows_.size(), next_ + max_rows);
    for (; next_ < end; ++next_) batch.push_back(std::move(rows_[next_]));
    return Status::Ok();
  }

 private:
  std::vector<CaseImportRow>& rows_;
  size_t next_ = 0;
};

// Batches passed from the reading thread to the writing one; at most `kDepth` wait, so memory stays
// bounded whatever the input's size. A reading error travels in order, after the good batches.
class ImportQueue {
 public:
  struct Item {
    std::vector<Case> cases;
    std::vector<CaseImportRow> rows;  // line and lead investigator of each case, same order
    Status error;
  };
  static constexpr size_t kDepth = 3;

  // False when the writer has given up (the reader should stop).
  bool Push(Item item) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < kDepth || cancelled_; });
    if (cancelled_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  Item Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty(); });
    Item item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
  }
  // A written batch goes back to the reading thread to be freed there: its strings were
  // allocated there, and freeing them on the writer (the import's bottleneck) cost it 5 %.
  void Recycle(Item item) {
    std::lock_guard lock(mu_);
    spent_.push_back(std::move(item));
  }
  std::deque<Item> TakeSpent() {
    std::lock_guard lock(mu_);
    return std::exchange(spent_, {});
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Item> items_, spent_;
  bool cancelled_ = false;
};

}  // namespace

StatusOr<ImportSummary> Services::ImportCases(std::vector<CaseImportRow>& rows) {
  VectorImportSource source(rows);
  return ImportCases(source);
}

StatusOr<ImportSummary> Services::ImportCases(CaseImportSource& source) {
  const UnixSeconds now = Now();
  ImportSummary summary;
  auto at = [](const CaseImportRow& row, const std::string& field) {
    return "line " + std::to_string(row.line) + ": " + field;
  };
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto units, r.ListUnits());
    std::map<std::string, Id> unit_by_code;
    for (const auto& u : units) unit_by_code[u.code] = u.id;

    // Everything about a row that needs no database: checked on the reading thread.
    auto validate = [&](CaseImportRow& row) -> Status {
      Case& c = row.c;
      auto unit = unit_by_code.find(row.unit_code);
      if (unit == unit_by_code.end())
        return Status::InvalidArgument(at(row, "unit_code"),
                                       "no unit with code " + row.unit_code.substr(0, 64));
      c.unit_id = unit->second;
      AEGIS_RETURN_IF_ERROR(internal::CheckText(at(row, "reference"), c.reference, 1, 64));
      AEGIS_RETURN_IF_ERROR(internal::CheckText(at(row, "title"), c.title, 1, 200));
      AEGIS_RETURN_IF_ERROR(internal::CheckText(at(row, "summary"), c.summary, 0, 4000));
      AEGIS_RETURN_IF_ERROR(internal::CheckFacts(c.facts, now, at(row, "facts")));
      if (c.filed_at > now)
        return Status::InvalidArgument(at(row, "filed_at"), "must not be in the future");
      if (c.solved_at && *c.solved_at > now)
        return Status::InvalidArgument(at(row, "solved_at"), "must not be in the future");
      if (c.closed_at && *c.closed_at > now)
        return Status::InvalidArgument(at(row, "closed_at"), "must not be in the future");
      if (c.solved_at && *c.solved_at < c.filed_at)
        return Status::InvalidArgument(at(row, "solved_at"), "must not be before filed_at");
      c.historic = c.historic || IsHistoric(c.facts.offence_time, c.filed_at);
      const MajorCaseAssessment a = AssessMajorCase(major_rules_, c.facts);
      c.major = a.major;
      c.priority = a.priority;
      c.major_flags = a.flags;
      c.rules_version = a.rules_version;
      if (c.updated_at == 0) c.updated_at = std::max(c.filed_at, c.solved_at.value_or(0));
      return Status::Ok();
    };

    ImportQueue queue;
    std::thread reader([&] {
      constexpr size_t kBatch = 4096;
      for (;;) {
        queue.TakeSpent();  // destroyed here
        ImportQueue::Item item;
        item.error = source.Next(item.rows, kBatch);
        for (size_t i = 0; item.error.ok() && i < item.rows.size(); ++i)
          item.error = validate(item.rows[i]);
        const bool last = !item.error.ok() || item.rows.empty();
        if (item.error.ok()) {
          item.cases.reserve(item.rows.size());
          for (auto& row : item.rows) item.cases.push_back(std::move(row.c));
        }
        if (!queue.Push(std::move(item)) || last) return;
      }
    });
    // The writer: lead investigators are looked up here (the Repo is this thread's), then rows
    // are inserted. Any failure cancels the reader before the transaction is rolled back.
    auto write_all = [&]() -> Status {
      AEGIS_ASSIGN_OR_RETURN(auto load, r.StartCaseBulkLoad(source.ExpectedRows()));
      std::map<std::string, Id> user_by_name;
      for (;;) {
        ImportQueue::Item item = queue.Pop();
        AEGIS_RETURN_IF_ERROR(item.error);
        if (item.cases.empty()) break;
        for (size_t i = 0; i < item.cases.size(); ++i) {
          const CaseImportRow& row = item.rows[i];
          if (row.lead_username.empty()) continue;
          auto it = user_by_name.find(row.lead_username);
          if (it == user_by_name.end()) {
            AEGIS_ASSIGN_OR_RETURN(auto user, r.FindUserByUsername(row.lead_username));
            if (!user) return Status::InvalidArgument(at(row, "lead_investigator"), "no such user");
            it = user_by_name.emplace(row.lead_username, user->user.id).first;
          }
          item.cases[i].lead_investigator_id = it->second;
        }
        AEGIS_RETURN_IF_ERROR(load->Add(item.cases));
        for (const Case& c : item.cases) {
          summary.major += c.major;
          summary.historic += c.historic;
        }
        summary.cases += static_cast<long long>(item.cases.size());
        queue.Recycle(std::move(item));
      }
      return load->Finish();
    };
    Status written = write_all();
    queue.Cancel();
    reader.join();
    AEGIS_RETURN_IF_ERROR(written);
    Principal system;
    system.remote = "cli";
    return r.AppendAudit({internal::MakeAudit(system, now, "case.import", "case", std::nullopt,
                                              true, {{"cases", summary.cases}})});
  }));
  return summary;
}

}  // namespace aegis::services

namespace aegis::services {

StatusOr<CaseDetailView> Services::SetCaseSensitivity(const Principal& p, Id id,
                                                      const SensitivityInput& in) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(internal::CheckText("reason", in.reason, 2, 1000));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("seal_reference", in.seal_reference, 0, 200));
  CaseDetailView d;
  bool allowed = false;
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto loaded, internal::LoadCaseFor(r, policy_, p, id));
    Case& c = loaded.c;
    if (loaded.via_break_glass || !policy_.MayLabelCase(p, c, c.unit_path))
      return Status::PermissionDenied(
          "only a supervisor over the owning unit may change the case's sensitivity");
    std::uint32_t labels = c.stored_labels;
    auto set = [&](CaseLabel label, std::optional<bool> on) {
      if (!on) return;
      labels = *on ? (labels | Bit(label)) : (labels & ~Bit(label));
    };
    set(CaseLabel::kRestricted, in.restricted);
    set(CaseLabel::kSealed, in.sealed);
    if (!in.seal_reference.empty() && !in.sealed.value_or(false))
      return Status::InvalidArgument("seal_reference", "is only given when sealing (sealed: true)");
    std::string seal_reference = c.seal_reference;
    if (in.sealed.value_or(false)) {
      if (in.seal_reference.empty())
        return Status::InvalidArgument("seal_reference", "is required to seal a case");
      seal_reference = in.seal_reference;
    } else if (in.sealed && !*in.sealed) {
      seal_reference.clear();
    }
    std::uint32_t sections = c.restricted_sections;
    if (in.restricted_sections) {
      sections = 0;
      for (CaseSection section : *in.restricted_sections) sections |= Bit(section);
    }
    if (labels == c.stored_labels && sections == c.restricted_sections &&
        seal_reference == c.seal_reference)
      return Status::Conflict("nothing to change");
    AEGIS_RETURN_IF_ERROR(r.Access().SetCaseSensitivity(id, labels, sections, seal_reference, now));
    json names = json::array();
    for (CaseLabel l : AllValues<CaseLabel>())
      if (labels & Bit(l)) names.push_back(ToString(l));
    json section_names = json::array();
    for (CaseSection sec : AllValues<CaseSection>())
      if (sections & Bit(sec)) section_names.push_back(ToString(sec));
    json detail = {{"labels", names}, {"restricted_sections", section_names}};
    json event = detail;
    event["reason"] = in.reason;
    AEGIS_RETURN_IF_ERROR(
        r.InsertEvent({0, id, now, p.user.id, "sensitivity_changed", event.dump()}).status());
    AEGIS_RETURN_IF_ERROR(
        r.AppendAudit({MakeAudit(p, now, "case.labels", "case", id, true, detail)}));
    allowed = true;
    AEGIS_ASSIGN_OR_RETURN(auto fresh, r.GetCase(id));
    AEGIS_ASSIGN_OR_RETURN(d, BuildDetail(r, policy_, p, *fresh, deadline_rules_, now));
    return Status::Ok();
  });
  if (!allowed && st.code() == StatusCode::kPermissionDenied)
    auditor_->Record(MakeAudit(p, now, "case.labels", "case", id, false));
  AEGIS_RETURN_IF_ERROR(st);
  return d;
}

}  // namespace aegis::services
