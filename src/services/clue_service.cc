// Clue intake, duplicate warnings, review tracks and filing decisions.
#include <algorithm>

#include "services/internal/service_util.h"
#include "services/sealed_columns.h"
#include "services/services.h"

namespace aegis::services {

using internal::MakeAudit;
using internal::Names;
using json = nlohmann::json;
using namespace aegis::domain;

namespace {

storage::DuplicateProbe MakeProbe(const ClueInput& in, const storage::BlindIndex& index) {
  storage::DuplicateProbe probe;
  probe.victim = index;
  probe.suspect_description = in.suspect_description;
  probe.offence_time = in.facts.offence_time;
  probe.latitude = in.facts.latitude;
  probe.longitude = in.facts.longitude;
  return probe;
}

}  // namespace

// Validates and normalises the input; fills `identity` with the normalised victim identity.
static Status ValidateClue(const ClueInput& in, UnixSeconds now, Identity* identity) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("summary", in.summary, 1, 4000));
  AEGIS_RETURN_IF_ERROR(
      internal::CheckText("suspect_description", in.suspect_description, 0, 1000));
  if (in.received_at && *in.received_at > now + 300)
    return Status::InvalidArgument("received_at", "must not be in the future");
  if (in.received_at && in.facts.offence_time && *in.facts.offence_time > *in.received_at + 300)
    return Status::InvalidArgument("facts.offence_time", "must not be after the time received");
  AEGIS_RETURN_IF_ERROR(internal::CheckFacts(in.facts, now, "facts"));
  if (in.victim) {
    if (in.victim->age && (*in.victim->age < 0 || *in.victim->age > 120))
      return Status::InvalidArgument("victim.age", "must be between 0 and 120");
    AEGIS_ASSIGN_OR_RETURN(
        *identity, internal::NormalizeIdentity(in.victim->identity, now, "victim.identity"));
  }
  return Status::Ok();
}

static ClueView ToClueView(const storage::ClueRecord& r, Names& names, const DeadlineRules& rules,
                           UnixSeconds now) {
  ClueView v;
  v.clue = r.clue;
  v.unit_name = names.UnitName(r.clue.unit_id);
  v.assigned_to_name = names.User(r.clue.assigned_to);
  v.deadline_state = ClassifyDeadline(rules, r.clue.review_deadline, now, r.clue.decided_at);
  return v;
}

// Whether `p` may see clue `rec`: its receiving unit, and for a filed clue whose case is restricted
// or sealed, the case itself (the clue tells what the case is about).
static StatusOr<bool> ClueVisible(storage::Repo& r, const Policy& policy, const Principal& p,
                                  const storage::ClueRecord& rec) {
  if (!policy.MaySeeClue(p, rec.unit_path)) return false;
  const std::uint32_t hidden = policy.HiddenClueCaseLabels(p);
  if (!rec.clue.case_id || hidden == 0) return true;
  AEGIS_ASSIGN_OR_RETURN(auto c, r.GetCase(*rec.clue.case_id));
  if (!c || (c->stored_labels & hidden) == 0) return true;
  return r.CaseInScope(c->id, policy.CaseScopeFor(p));
}

StatusOr<std::vector<DuplicateView>> Services::CheckDuplicates(const Principal& p,
                                                               const ClueInput& in) {
  if (!policy_.Allows(p, Capability::kIntakeClue))
    return Status::PermissionDenied("your role may not record clues");
  Identity identity;
  AEGIS_RETURN_IF_ERROR(ValidateClue(in, Now(), &identity));
  std::vector<DuplicateView> out;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto hits, r.FindDuplicates(MakeProbe(in, vault_.Index(identity))));
    for (const auto& h : hits) {
      AEGIS_ASSIGN_OR_RETURN(auto clue, r.GetClue(h.clue_id));
      // Only clues the caller may see are named; the rest are not disclosed.
      if (!clue) continue;
      AEGIS_ASSIGN_OR_RETURN(bool visible, ClueVisible(r, policy_, p, *clue));
      if (visible) out.push_back({h.clue_id, h.reference, h.reason});
    }
    return Status::Ok();
  }));
  return out;
}

StatusOr<ClueView> Services::CreateClue(const Principal& p, const ClueInput& in,
                                        std::vector<DuplicateView>* duplicates) {
  if (!policy_.Allows(p, Capability::kIntakeClue)) {
    auditor_->Record(MakeAudit(p, Now(), "clue.create", "clue", std::nullopt, false));
    return Status::PermissionDenied("your role may not record clues");
  }
  const UnixSeconds now = Now();
  Identity identity;
  AEGIS_RETURN_IF_ERROR(ValidateClue(in, now, &identity));
  if (in.track == ReviewTrack::kMajorComplex && !policy_.Allows(p, Capability::kApproveLongTrack))
    return Status::PermissionDenied(
        "the 30-day major/complex review track needs a supervisor's approval");
  const storage::BlindIndex index = vault_.Index(identity);
  if (!in.confirm_not_duplicate) {
    AEGIS_ASSIGN_OR_RETURN(auto dups, CheckDuplicates(p, in));
    if (!dups.empty()) {
      if (duplicates) *duplicates = dups;
      return Status(StatusCode::kConflict,
                    "possible duplicate of an existing clue; confirm to save anyway",
                    "possible_duplicate");
    }
  }
  storage::ClueRecord rec;
  Clue& c = rec.clue;
  c.source = in.source;
  c.received_at = in.received_at.value_or(now);
  c.unit_id = p.unit.id;
  c.recorded_by = p.user.id;
  c.assigned_to = in.assigned_to;
  c.summary = in.summary;
  c.facts = in.facts;
  if (in.victim && in.victim->age && !c.facts.youngest_victim_age)
    c.facts.youngest_victim_age = in.victim->age;
  c.victim_pseudonym = "V1";
  c.suspect_description = in.suspect_description;
  c.status = ClueStatus::kPendingReview;
  c.track = in.track;
  if (in.track == ReviewTrack::kMajorComplex) c.track_approved_by = p.user.id;
  AEGIS_ASSIGN_OR_RETURN(c.review_deadline,
                         ReviewDeadline(deadline_rules_, in.track, c.received_at));
  c.updated_at = now;
  if (in.victim) {
    rec.victim_sex = in.victim->sex;
    if (!identity.empty()) rec.victim_index = index;
  }
  ClueView view;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    if (c.assigned_to) {
      AEGIS_ASSIGN_OR_RETURN(auto officer, r.GetUser(*c.assigned_to));
      AEGIS_ASSIGN_OR_RETURN(auto unit, officer ? r.GetUnit(officer->unit_id)
                                                : StatusOr<std::optional<Unit>>(std::nullopt));
      if (!officer || !unit || unit->path.compare(0, p.unit.path.size(), p.unit.path) != 0)
        return Status::InvalidArgument("assigned_to", "must be a user of your unit");
    }
    AEGIS_ASSIGN_OR_RETURN(long long n, r.NextSequence("clue-" + FormatDate(now).substr(0, 4)));
    c.reference = internal::FormatReference("XS", now, n);
    // Sealed here, once the reference it is bound to is known.
    if (in.victim && !identity.empty())
      rec.victim_identity_cipher =
          vault_.EncryptIdentity(identity, ClueIdentityContext(c.reference));
    AEGIS_ASSIGN_OR_RETURN(c.id, r.InsertClue(rec));
    AEGIS_RETURN_IF_ERROR(r.AppendAudit({MakeAudit(
        p, now, "clue.create", "clue", c.id, true,
        {{"source", ToString(c.source)}, {"confirmed_not_duplicate", in.confirm_not_duplicate}})}));
    Names names(r);
    rec.unit_path = p.unit.path;
    view = ToClueView(rec, names, deadline_rules_, now);
    return Status::Ok();
  }));
  return view;
}

StatusOr<ClueView> Services::GetClue(const Principal& p, Id id) {
  const UnixSeconds now = Now();
  ClueView view;
  bool allowed = false;
  Status st = store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto rec, r.GetClue(id));
    if (!rec) return Status::NotFound("clue not found");
    AEGIS_ASSIGN_OR_RETURN(bool visible, ClueVisible(r, policy_, p, *rec));
    if (!visible) return Status::NotFound("clue not found");
    allowed = true;
    Names names(r);
    view = ToClueView(*rec, names, deadline_rules_, now);
    if (rec->clue.status == ClueStatus::kPendingReview) {
      storage::DuplicateProbe probe;
      probe.exclude_clue_id = id;
      probe.victim = rec->victim_index;
      probe.suspect_description = rec->clue.suspect_description;
      probe.offence_time = rec->clue.facts.offence_time;
      probe.latitude = rec->clue.facts.latitude;
      probe.longitude = rec->clue.facts.longitude;
      AEGIS_ASSIGN_OR_RETURN(auto hits, r.FindDuplicates(probe));
      for (const auto& h : hits) {
        AEGIS_ASSIGN_OR_RETURN(auto other, r.GetClue(h.clue_id));
        if (!other) continue;
        AEGIS_ASSIGN_OR_RETURN(bool visible, ClueVisible(r, policy_, p, *other));
        if (visible) view.possible_duplicates.push_back({h.clue_id, h.reference, h.reason});
      }
    }
    return Status::Ok();
  });
  auditor_->Record(MakeAudit(p, now, "clue.read", "clue", id, allowed));
  AEGIS_RETURN_IF_ERROR(st);
  return view;
}

StatusOr<ListView<ClueView>> Services::ListClues(const Principal& p, const ClueListInput& in) {
  const UnixSeconds now = Now();
  storage::ClueQuery q;
  q.unit_path_prefixes = policy_.ClueUnitPrefixes(p);
  q.hidden_case_labels = policy_.HiddenClueCaseLabels(p);
  ListView<ClueView> out;
  out.limit = in.page.limit;
  out.offset = in.page.offset;
  if (q.unit_path_prefixes.empty()) return out;  // nothing visible
  q.status = in.status;
  q.track = in.track;
  q.unit_id = in.unit_id;
  q.assigned_to = in.assigned_to;
  q.text = in.text;
  q.page = in.page;
  if (in.deadline_state) {
    const UnixSeconds warn = now + deadline_rules_.warn_before_hours * 3600;
    q.status = ClueStatus::kPendingReview;
    switch (*in.deadline_state) {
      case DeadlineState::kOverdue:
        q.deadline_before = now;
        break;
      case DeadlineState::kDueSoon:
        q.deadline_after = now;
        q.deadline_before = warn;
        break;
      case DeadlineState::kOnTime:
        q.deadline_after = warn;
        break;
      default:
        return Status::InvalidArgument("deadline_state", "must be on_time, due_soon or overdue");
    }
  }
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListClues(q));
    Names names(r);
    out.total = list.total;
    out.total_capped = list.total_capped;
    for (const auto& rec : list.items)
      out.items.push_back(ToClueView(rec, names, deadline_rules_, now));
    return Status::Ok();
  }));
  auditor_->Record(
      MakeAudit(p, now, "clue.list", "clue", std::nullopt, true, {{"returned", out.items.size()}}));
  return out;
}

StatusOr<ClueView> Services::ChangeTrack(const Principal& p, Id id, ReviewTrack track,
                                         const std::string& reason) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kReviewClue))
    return Status::PermissionDenied("your role may not change review tracks");
  if (track == ReviewTrack::kMajorComplex && !policy_.Allows(p, Capability::kApproveLongTrack))
    return Status::PermissionDenied(
        "the 30-day major/complex review track needs a supervisor's approval");
  AEGIS_RETURN_IF_ERROR(internal::CheckText("reason", reason, 1, 1000));
  ClueView view;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto rec, r.GetClue(id));
    if (!rec || !policy_.MaySeeClue(p, rec->unit_path)) return Status::NotFound("clue not found");
    if (rec->clue.status != ClueStatus::kPendingReview)
      return Status::Conflict("the clue has already been decided");
    const ReviewTrack from = rec->clue.track;
    rec->clue.track = track;
    rec->clue.track_approved_by =
        track == ReviewTrack::kMajorComplex ? std::optional<Id>(p.user.id) : std::nullopt;
    AEGIS_ASSIGN_OR_RETURN(rec->clue.review_deadline,
                           ReviewDeadline(deadline_rules_, track, rec->clue.received_at));
    rec->clue.updated_at = now;
    AEGIS_RETURN_IF_ERROR(r.UpdateClue(*rec));
    AEGIS_RETURN_IF_ERROR(r.AppendAudit(
        {MakeAudit(p, now, "clue.track", "clue", id, true,
                   {{"from", ToString(from)}, {"to", ToString(track)}, {"reason", reason}})}));
    Names names(r);
    view = ToClueView(*rec, names, deadline_rules_, now);
    return Status::Ok();
  }));
  return view;
}

StatusOr<std::pair<ClueView, std::optional<CaseSummaryView>>> Services::Decide(
    const Principal& p, Id id, const DecisionInput& in) {
  const UnixSeconds now = Now();
  if (!policy_.Allows(p, Capability::kDecideClue)) {
    auditor_->Record(MakeAudit(p, now, "clue.decide", "clue", id, false));
    return Status::PermissionDenied("only a supervisor may decide whether to file a clue");
  }
  AEGIS_RETURN_IF_ERROR(
      internal::CheckText("reason", in.reason, in.decision == ClueDecision::kFile ? 0 : 1, 2000));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("title", in.title, 0, 200));
  if (in.decision == ClueDecision::kTransfer && !in.to_unit_id)
    return Status::InvalidArgument("to_unit_id", "is required to transfer a clue");
  ClueView view;
  std::optional<CaseSummaryView> filed;
  AEGIS_RETURN_IF_ERROR(store_.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto rec, r.GetClue(id));
    if (!rec || !policy_.MaySeeClue(p, rec->unit_path)) return Status::NotFound("clue not found");
    Clue& clue = rec->clue;
    if (clue.status != ClueStatus::kPendingReview)
      return Status::Conflict("the clue has already been decided (" +
                              std::string(ToString(clue.status)) + ")");
    clue.decided_at = now;
    clue.decided_by = p.user.id;
    clue.decision_reason = in.reason;
    clue.updated_at = now;
    json detail = {{"reference", clue.reference}, {"on_time", now <= clue.review_deadline}};
    Names names(r);
    if (in.decision == ClueDecision::kDecline) {
      clue.status = ClueStatus::kDeclined;
      detail["decision"] = "decline";
    } else if (in.decision == ClueDecision::kTransfer) {
      const Unit* to = names.Unit(*in.to_unit_id);
      if (!to) return Status::InvalidArgument("to_unit_id", "no such unit");
      if (to->id == clue.unit_id)
        return Status::InvalidArgument("to_unit_id", "is the unit that already holds the clue");
      if (to->type == UnitType::kProcuratorate || to->type == UnitType::kPartner)
        return Status::InvalidArgument("to_unit_id", "must be a police unit");
      clue.status = ClueStatus::kTransferred;
      clue.transferred_to_unit = to->id;
      // The receiving unit gets its own clue with a fresh review clock.
      storage::ClueRecord copy = *rec;
      copy.clue.id = 0;
      copy.clue.source = ClueSource::kUnitTransfer;
      copy.clue.received_at = now;
      copy.clue.unit_id = to->id;
      copy.clue.recorded_by = p.user.id;
      copy.clue.assigned_to.reset();
      copy.clue.status = ClueStatus::kPendingReview;
      copy.clue.track = ReviewTrack::kStandard;
      copy.clue.track_approved_by.reset();
      copy.clue.decided_at.reset();
      copy.clue.decided_by.reset();
      copy.clue.decision_reason.clear();
      copy.clue.transferred_to_unit.reset();
      copy.clue.summary = clue.summary + "\n[" + clue.reference + "] " + in.reason;
      AEGIS_ASSIGN_OR_RETURN(copy.clue.review_deadline,
                             ReviewDeadline(deadline_rules_, ReviewTrack::kStandard, now));
      AEGIS_ASSIGN_OR_RETURN(long long n, r.NextSequence("clue-" + FormatDate(now).substr(0, 4)));
      copy.clue.reference = internal::FormatReference("XS", now, n);
      if (!rec->victim_identity_cipher.empty()) {
        AEGIS_ASSIGN_OR_RETURN(
            copy.victim_identity_cipher,
            vault_.Reseal(rec->victim_identity_cipher, ClueIdentityContext(clue.reference),
                          ClueIdentityContext(copy.clue.reference)));
      }
      AEGIS_ASSIGN_OR_RETURN(Id copy_id, r.InsertClue(copy));
      detail["decision"] = "transfer";
      detail["to_unit_id"] = to->id;
      detail["new_clue_id"] = copy_id;
    } else {
      clue.status = ClueStatus::kFiled;
      detail["decision"] = "file";
      Case c;
      c.clue_id = clue.id;
      c.unit_id = clue.unit_id;
      c.title = in.title;
      if (c.title.empty()) {
        // First line of the summary, cut at 60 code points.
        std::string first = clue.summary.substr(0, clue.summary.find('\n'));
        size_t cps = 0, i = 0;
        while (i < first.size() && cps < 60) {
          const unsigned char ch = static_cast<unsigned char>(first[i]);
          i += ch < 0x80 ? 1 : (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : 4;
          ++cps;
        }
        c.title = first.substr(0, std::min(i, first.size()));
      }
      c.summary = clue.summary;
      c.stage = CaseStage::kFiled;
      c.facts = clue.facts;
      c.filed_at = now;
      c.historic = IsHistoric(clue.facts.offence_time, now);
      const MajorCaseAssessment a = AssessMajorCase(major_rules_, clue.facts);
      c.major = a.major;
      c.priority = a.priority;
      c.major_flags = a.flags;
      c.rules_version = a.rules_version;
      if (c.major) {
        const Unit* unit = names.Unit(c.unit_id);
        if (unit && unit->parent_id) c.supervising_unit_id = unit->parent_id;
        c.case_manager_id = p.user.id;
      }
      c.lead_investigator_id = clue.assigned_to ? clue.assigned_to : clue.recorded_by;
      c.updated_at = now;
      AEGIS_ASSIGN_OR_RETURN(long long n, r.NextSequence("case-" + FormatDate(now).substr(0, 4)));
      c.reference = internal::FormatReference("AJ", now, n);
      AEGIS_ASSIGN_OR_RETURN(c.id, r.InsertCase(c));
      clue.case_id = c.id;
      detail["case_id"] = c.id;
      // The victim recorded at intake becomes the case's first person, re-sealed for that row
      // (decrypted only in memory, never stored in clear).
      storage::PersonRecord victim;
      victim.person.case_id = c.id;
      victim.person.role = PersonRole::kVictim;
      victim.person.pseudonym = "V1";
      victim.person.sex = rec->victim_sex;
      victim.person.age_at_offence = clue.facts.youngest_victim_age;
      victim.person.identity_protected = true;
      if (!rec->victim_identity_cipher.empty()) {
        AEGIS_ASSIGN_OR_RETURN(
            victim.identity_cipher,
            vault_.Reseal(rec->victim_identity_cipher, ClueIdentityContext(clue.reference),
                          PersonIdentityContext(c.id, victim.person.pseudonym)));
      }
      victim.index = rec->victim_index;
      AEGIS_RETURN_IF_ERROR(r.InsertPerson(victim).status());
      AEGIS_RETURN_IF_ERROR(
          r.SetChecklist(c.id, "report_recorded", clue.received_at, clue.recorded_by));
      AEGIS_RETURN_IF_ERROR(
          r.InsertEvent(
               {0, c.id, clue.received_at, clue.recorded_by, "clue_received",
                json{{"clue_reference", clue.reference}, {"source", ToString(clue.source)}}.dump()})
              .status());
      AEGIS_RETURN_IF_ERROR(
          r.InsertEvent({0, c.id, now, p.user.id, "filed",
                         json{{"clue_reference", clue.reference}, {"historic", c.historic}}.dump()})
              .status());
      if (c.major) {
        json reasons = json::array();
        for (const auto& f : c.major_flags) reasons.push_back(f.rule_key);
        AEGIS_RETURN_IF_ERROR(r.InsertEvent({0, c.id, now, p.user.id, "major_flagged",
                                             json{{"rules", reasons},
                                                  {"rules_version", c.rules_version},
                                                  {"priority", c.priority}}
                                                 .dump()})
                                  .status());
      }
      CaseSummaryView summary;
      summary.c = c;
      summary.unit_name = names.UnitName(c.unit_id);
      summary.lead_investigator_name = names.User(c.lead_investigator_id);
      summary.victim_pseudonyms = {"V1"};
      filed = summary;
      AEGIS_RETURN_IF_ERROR(r.AppendAudit(
          {MakeAudit(p, now, "case.create", "case", c.id, true, {{"clue_id", clue.id}})}));
    }
    AEGIS_RETURN_IF_ERROR(r.UpdateClue(*rec));
    AEGIS_RETURN_IF_ERROR(
        r.AppendAudit({MakeAudit(p, now, "clue.decide", "clue", id, true, detail)}));
    view = ToClueView(*rec, names, deadline_rules_, now);
    return Status::Ok();
  }));
  return std::make_pair(view, filed);
}

}  // namespace aegis::services
