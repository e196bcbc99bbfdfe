#include "api/json_io.h"

#include <cmath>

#include "api/json_writer.h"

namespace aegis::api {

using namespace aegis::domain;
using namespace aegis::services;

namespace {

Json OptTime(const std::optional<UnixSeconds>& t) {
  return t ? Json(FormatIso8601(*t)) : Json(nullptr);
}
// The first `max_chars` code points of `s` (list views show a preview, never a broken character).
std::string Utf8Prefix(const std::string& s, size_t max_chars) {
  size_t i = 0, n = 0;
  while (i < s.size() && n < max_chars) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    ++n;
  }
  return s.substr(0, std::min(i, s.size()));
}

template <typename T>
Json Opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

// Typed reads of one JSON object's members; every error names the member's full path.
class Reader {
 public:
  Reader(const Json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {}

  std::string Path(const std::string& key) const {
    return prefix_.empty() ? key : prefix_ + "." + key;
  }
  bool Has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  Status Str(const std::string& key, std::string* out, bool required = false) const {
    if (!Has(key)) {
      return required ? Status::InvalidArgument(Path(key), "is required") : Status::Ok();
    }
    if (!j_.at(key).is_string()) return Status::InvalidArgument(Path(key), "must be a string");
    *out = j_.at(key).get<std::string>();
    if (required && out->empty()) return Status::InvalidArgument(Path(key), "is required");
    return Status::Ok();
  }
  Status Int(const std::string& key, std::optional<long long>* out, long long min,
             long long max) const {
    if (!Has(key)) return Status::Ok();
    const Json& v = j_.at(key);
    if (!v.is_number_integer()) return Status::InvalidArgument(Path(key), "must be a whole number");
    const long long x = v.get<long long>();
    if (x < min || x > max) {
      return Status::InvalidArgument(
          Path(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = x;
    return Status::Ok();
  }
  Status IntTo(const std::string& key, std::optional<int>* out, int min, int max) const {
    std::optional<long long> v;
    AEGIS_RETURN_IF_ERROR(Int(key, &v, min, max));
    if (v) *out = static_cast<int>(*v);
    return Status::Ok();
  }
  Status Id(const std::string& key, std::optional<domain::Id>* out, bool required = false) const {
    if (!Has(key))
      return required ? Status::InvalidArgument(Path(key), "is required") : Status::Ok();
    std::optional<long long> v;
    AEGIS_RETURN_IF_ERROR(Int(key, &v, 1, std::numeric_limits<long long>::max()));
    *out = v;
    return Status::Ok();
  }
  Status Double(const std::string& key, std::optional<double>* out) const {
    if (!Has(key)) return Status::Ok();
    if (!j_.at(key).is_number()) return Status::InvalidArgument(Path(key), "must be a number");
    const double d = j_.at(key).get<double>();
    if (!std::isfinite(d)) return Status::InvalidArgument(Path(key), "must be a finite number");
    *out = d;
    return Status::Ok();
  }
  Status Bool(const std::string& key, bool* out) const {
    if (!Has(key)) return Status::Ok();
    if (!j_.at(key).is_boolean())
      return Status::InvalidArgument(Path(key), "must be true or false");
    *out = j_.at(key).get<bool>();
    return Status::Ok();
  }
  Status Time(const std::string& key, std::optional<UnixSeconds>* out) const {
    std::string s;
    AEGIS_RETURN_IF_ERROR(Str(key, &s));
    if (!Has(key) || s.empty()) return Status::Ok();
    auto t = ParseIso8601(s);
    if (!t) {
      return Status::InvalidArgument(Path(key),
                                     "must be an ISO 8601 date or time, e.g. 2026-03-01T20:30:00Z");
    }
    *out = t;
    return Status::Ok();
  }
  template <typename E>
  Status Enum(const std::string& key, E* out, bool required = false) const {
    std::string s;
    AEGIS_RETURN_IF_ERROR(Str(key, &s, required));
    if (!Has(key)) return Status::Ok();
    auto v = domain::Parse<E>(s);
    if (!v) {
      std::string allowed;
      for (E e : domain::AllValues<E>())
        allowed += (allowed.empty() ? "" : ", ") + std::string(ToString(e));
      return Status::InvalidArgument(Path(key), "must be one of: " + allowed);
    }
    *out = *v;
    return Status::Ok();
  }
  StatusOr<Reader> Object(const std::string& key) const {
    if (!j_.at(key).is_object()) return Status::InvalidArgument(Path(key), "must be an object");
    return Reader(j_.at(key), Path(key));
  }

 private:
  const Json& j_;
  std::string prefix_;
};

Status ReadFacts(const Reader& r, OffenceFacts* f) {
  AEGIS_RETURN_IF_ERROR(r.Time("offence_time", &f->offence_time));
  AEGIS_RETURN_IF_ERROR(r.Str("place", &f->place));
  AEGIS_RETURN_IF_ERROR(r.Double("latitude", &f->latitude));
  AEGIS_RETURN_IF_ERROR(r.Double("longitude", &f->longitude));
  AEGIS_RETURN_IF_ERROR(r.IntTo("youngest_victim_age", &f->youngest_victim_age, 0, 120));
  std::optional<int> count;
  AEGIS_RETURN_IF_ERROR(r.IntTo("victim_count", &count, 1, 1000));
  if (count) f->victim_count = *count;
  count.reset();
  AEGIS_RETURN_IF_ERROR(r.IntTo("offender_count", &count, 0, 1000));
  if (count) f->offender_count = *count;
  AEGIS_RETURN_IF_ERROR(r.Enum("duty_of_care", &f->duty_of_care));
  AEGIS_RETURN_IF_ERROR(r.Bool("weapon", &f->weapon));
  AEGIS_RETURN_IF_ERROR(r.Bool("serious_injury", &f->serious_injury));
  AEGIS_RETURN_IF_ERROR(r.Bool("online_dating", &f->online_dating));
  AEGIS_RETURN_IF_ERROR(r.Bool("linked_series", &f->linked_series));
  AEGIS_RETURN_IF_ERROR(r.Bool("repeat_offender", &f->repeat_offender));
  return Status::Ok();
}

Status ReadIdentity(const Reader& r, Identity* i) {
  AEGIS_RETURN_IF_ERROR(r.Str("name", &i->name));
  AEGIS_RETURN_IF_ERROR(r.Str("id_number", &i->id_number));
  AEGIS_RETURN_IF_ERROR(r.Str("phone", &i->phone));
  AEGIS_RETURN_IF_ERROR(r.Str("address", &i->address));
  AEGIS_RETURN_IF_ERROR(r.Str("date_of_birth", &i->date_of_birth));
  return Status::Ok();
}

}  // namespace

StatusOr<Json> ParseBody(const std::string& body) {
  if (body.empty()) return Status::InvalidArgument("body", "a JSON object is required");
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("body", "is not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("body", "must be a JSON object");
  return j;
}

StatusOr<ClueInput> ParseClueInput(const Json& j) {
  Reader r(j, "");
  ClueInput in;
  AEGIS_RETURN_IF_ERROR(r.Enum("source", &in.source, true));
  AEGIS_RETURN_IF_ERROR(r.Time("received_at", &in.received_at));
  AEGIS_RETURN_IF_ERROR(r.Str("summary", &in.summary, true));
  AEGIS_RETURN_IF_ERROR(r.Enum("track", &in.track));
  AEGIS_RETURN_IF_ERROR(r.Id("assigned_to", &in.assigned_to));
  if (r.Has("facts")) {
    AEGIS_ASSIGN_OR_RETURN(Reader facts, r.Object("facts"));
    AEGIS_RETURN_IF_ERROR(ReadFacts(facts, &in.facts));
  }
  if (r.Has("victim")) {
    AEGIS_ASSIGN_OR_RETURN(Reader v, r.Object("victim"));
    VictimInput victim;
    AEGIS_RETURN_IF_ERROR(v.Enum("sex", &victim.sex));
    AEGIS_RETURN_IF_ERROR(v.IntTo("age", &victim.age, 0, 120));
    if (v.Has("identity")) {
      AEGIS_ASSIGN_OR_RETURN(Reader id, v.Object("identity"));
      AEGIS_RETURN_IF_ERROR(ReadIdentity(id, &victim.identity));
    }
    in.victim = victim;
  }
  AEGIS_RETURN_IF_ERROR(r.Str("suspect_description", &in.suspect_description));
  AEGIS_RETURN_IF_ERROR(r.Bool("confirm_not_duplicate", &in.confirm_not_duplicate));
  return in;
}

StatusOr<DecisionInput> ParseDecision(const Json& j) {
  Reader r(j, "");
  DecisionInput in;
  std::string decision;
  AEGIS_RETURN_IF_ERROR(r.Str("decision", &decision, true));
  if (decision == "file")
    in.decision = ClueDecision::kFile;
  else if (decision == "decline")
    in.decision = ClueDecision::kDecline;
  else if (decision == "transfer")
    in.decision = ClueDecision::kTransfer;
  else
    return Status::InvalidArgument("decision", "must be one of: file, decline, transfer");
  AEGIS_RETURN_IF_ERROR(r.Str("reason", &in.reason));
  AEGIS_RETURN_IF_ERROR(r.Id("to_unit_id", &in.to_unit_id));
  AEGIS_RETURN_IF_ERROR(r.Str("title", &in.title));
  return in;
}

StatusOr<PersonInput> ParsePersonInput(const Json& j) {
  Reader r(j, "");
  PersonInput in;
  AEGIS_RETURN_IF_ERROR(r.Enum("role", &in.role, true));
  AEGIS_RETURN_IF_ERROR(r.Enum("sex", &in.sex));
  AEGIS_RETURN_IF_ERROR(r.IntTo("age_at_offence", &in.age_at_offence, 0, 120));
  AEGIS_RETURN_IF_ERROR(r.Enum("duty_of_care", &in.duty_of_care));
  AEGIS_RETURN_IF_ERROR(r.Str("notes", &in.notes));
  if (r.Has("identity")) {
    AEGIS_ASSIGN_OR_RETURN(Reader id, r.Object("identity"));
    AEGIS_RETURN_IF_ERROR(ReadIdentity(id, &in.identity));
  }
  return in;
}

StatusOr<TransitionInput> ParseTransition(const Json& j) {
  Reader r(j, "");
  TransitionInput in;
  AEGIS_RETURN_IF_ERROR(r.Enum("to", &in.to, true));
  AEGIS_RETURN_IF_ERROR(r.Str("reason", &in.reason));
  AEGIS_RETURN_IF_ERROR(r.Id("procuratorate_unit_id", &in.procuratorate_unit_id));
  return in;
}

StatusOr<ActionInput> ParseActionInput(const Json& j) {
  Reader r(j, "");
  ActionInput in;
  AEGIS_RETURN_IF_ERROR(r.Str("title", &in.title, true));
  AEGIS_RETURN_IF_ERROR(r.Str("description", &in.description));
  AEGIS_RETURN_IF_ERROR(r.Id("owner_id", &in.owner_id));
  AEGIS_RETURN_IF_ERROR(r.Time("due_at", &in.due_at));
  return in;
}

StatusOr<ActionPatch> ParseActionPatch(const Json& j) {
  Reader r(j, "");
  ActionPatch in;
  if (r.Has("status")) {
    ActionStatus s{};
    AEGIS_RETURN_IF_ERROR(r.Enum("status", &s));
    in.status = s;
  }
  if (r.Has("result")) {
    std::string s;
    AEGIS_RETURN_IF_ERROR(r.Str("result", &s));
    in.result = s;
  }
  AEGIS_RETURN_IF_ERROR(r.Id("owner_id", &in.owner_id));
  AEGIS_RETURN_IF_ERROR(r.Time("due_at", &in.due_at));
  return in;
}

StatusOr<TeamInput> ParseTeam(const Json& j) {
  Reader r(j, "");
  TeamInput in;
  AEGIS_RETURN_IF_ERROR(r.Id("case_manager_id", &in.case_manager_id));
  AEGIS_RETURN_IF_ERROR(r.Id("lead_investigator_id", &in.lead_investigator_id));
  AEGIS_RETURN_IF_ERROR(r.Id("file_coordinator_id", &in.file_coordinator_id));
  if (!in.case_manager_id && !in.lead_investigator_id && !in.file_coordinator_id)
    return Status::InvalidArgument("body", "name at least one team member");
  return in;
}

// ---- Rendering

Json ToJson(const Unit& u) {
  return {{"id", u.id},           {"code", u.code},           {"name", u.name},
          {"name_en", u.name_en}, {"type", ToString(u.type)}, {"parent_id", Opt(u.parent_id)}};
}

Json ToJson(const User& u, const Unit& unit) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", ToString(u.role)},
          {"unit",
           {{"id", unit.id},
            {"code", unit.code},
            {"name", unit.name},
            {"name_en", unit.name_en},
            {"type", ToString(unit.type)}}}};
}

Json FactsToJson(const OffenceFacts& f) {
  return {{"offence_time", OptTime(f.offence_time)},
          {"place", f.place},
          {"latitude", Opt(f.latitude)},
          {"longitude", Opt(f.longitude)},
          {"youngest_victim_age", Opt(f.youngest_victim_age)},
          {"victim_count", f.victim_count},
          {"offender_count", f.offender_count},
          {"duty_of_care", ToString(f.duty_of_care)},
          {"weapon", f.weapon},
          {"serious_injury", f.serious_injury},
          {"online_dating", f.online_dating},
          {"linked_series", f.linked_series},
          {"repeat_offender", f.repeat_offender}};
}

Json ToJson(const ClueView& v, bool full) {
  const Clue& c = v.clue;
  Json j = {{"id", c.id},
            {"reference", c.reference},
            {"source", ToString(c.source)},
            {"received_at", FormatIso8601(c.received_at)},
            {"unit_id", c.unit_id},
            {"unit_name", v.unit_name},
            {"status", ToString(c.status)},
            {"track", ToString(c.track)},
            {"review_deadline", FormatIso8601(c.review_deadline)},
            {"deadline_state", ToString(v.deadline_state)},
            {"victim_pseudonym", c.victim_pseudonym},
            {"summary", full ? c.summary : Utf8Prefix(c.summary, 200)},
            {"case_id", Opt(c.case_id)},
            {"assigned_to", Opt(c.assigned_to)},
            {"assigned_to_name", v.assigned_to_name}};
  if (!full) return j;
  j["facts"] = FactsToJson(c.facts);
  j["suspect_description"] = c.suspect_description;
  j["decided_at"] = OptTime(c.decided_at);
  j["decided_by"] = Opt(c.decided_by);
  j["decision_reason"] = c.decision_reason;
  j["transferred_to_unit"] = Opt(c.transferred_to_unit);
  j["track_approved_by"] = Opt(c.track_approved_by);
  j["recorded_by"] = c.recorded_by;
  Json dups = Json::array();
  for (const auto& d : v.possible_duplicates)
    dups.push_back({{"id", d.id}, {"reference", d.reference}, {"reason", d.reason}});
  j["possible_duplicates"] = dups;
  return j;
}

// ---- Case pages and lists: written directly (see json_writer.h), the hottest responses.

namespace {

void WriteTime(JsonWriter& w, std::string_view key, const std::optional<UnixSeconds>& t) {
  w.Key(key);
  if (t)
    w.String(FormatIso8601(*t));
  else
    w.Null();
}

void WriteFacts(JsonWriter& w, const OffenceFacts& f) {
  w.BeginObject();
  WriteTime(w, "offence_time", f.offence_time);
  w.Field("place", f.place);
  w.Key("latitude").Optional(f.latitude);
  w.Key("longitude").Optional(f.longitude);
  w.Key("youngest_victim_age").Optional(f.youngest_victim_age);
  w.Field("victim_count", f.victim_count);
  w.Field("offender_count", f.offender_count);
  w.Field("duty_of_care", ToString(f.duty_of_care));
  w.Field("weapon", f.weapon);
  w.Field("serious_injury", f.serious_injury);
  w.Field("online_dating", f.online_dating);
  w.Field("linked_series", f.linked_series);
  w.Field("repeat_offender", f.repeat_offender);
  w.EndObject();
}

// The members of a case summary, inside an object the caller opened.
void WriteSummaryMembers(JsonWriter& w, const CaseSummaryView& v) {
  const Case& c = v.c;
  w.Field("id", static_cast<long long>(c.id));
  w.Field("reference", c.reference);
  w.Field("title", c.title);
  w.Field("stage", ToString(c.stage));
  w.Field("unit_id", static_cast<long long>(c.unit_id));
  w.Field("unit_name", v.unit_name);
  w.Field("filed_at", FormatIso8601(c.filed_at));
  WriteTime(w, "offence_time", c.facts.offence_time);
  w.Field("major", c.major);
  w.Field("priority", c.priority);
  w.Field("historic", c.historic);
  w.Field("reopened", c.reopened);
  w.Field("updated_at", FormatIso8601(c.updated_at));
  WriteTime(w, "stage_deadline", c.stage_deadline);
  w.Field("stage_deadline_label", c.stage_deadline_label);
  w.Key("deadline_state");
  if (v.deadline_state)
    w.String(ToString(*v.deadline_state));
  else
    w.Null();
  w.Key("lead_investigator_id").Optional(c.lead_investigator_id);
  w.Field("lead_investigator_name", v.lead_investigator_name);
  w.Key("victim_pseudonyms").BeginArray();
  for (const auto& p : v.victim_pseudonyms) w.String(p);
  w.EndArray();
  w.Key("labels").BeginArray();
  for (CaseLabel l : AllValues<CaseLabel>())
    if (c.Has(l)) w.String(ToString(l));
  w.EndArray();
}

void WriteAction(JsonWriter& w, const ActionView& v) {
  const Action& a = v.action;
  w.BeginObject();
  w.Field("id", static_cast<long long>(a.id));
  w.Field("case_id", static_cast<long long>(a.case_id));
  w.Field("case_reference", v.case_reference);
  w.Field("title", a.title);
  w.Field("description", a.description);
  w.Key("owner_id").Optional(a.owner_id);
  w.Field("owner_name", v.owner_name);
  w.Field("status", ToString(a.status));
  WriteTime(w, "due_at", a.due_at);
  w.Field("result", a.result);
  w.Field("created_at", FormatIso8601(a.created_at));
  w.Field("updated_at", FormatIso8601(a.updated_at));
  w.Field("overdue", v.overdue);
  w.EndObject();
}

void WriteAssistance(JsonWriter& w, const AssistanceView& v) {
  const AssistanceRequest& a = v.request;
  w.BeginObject();
  w.Field("id", static_cast<long long>(a.id));
  w.Field("case_id", static_cast<long long>(a.case_id));
  w.Field("case_reference", v.case_reference);
  w.Field("from_unit_id", static_cast<long long>(a.from_unit_id));
  w.Field("from_unit_name", v.from_unit_name);
  w.Field("to_unit_id", static_cast<long long>(a.to_unit_id));
  w.Field("to_unit_name", v.to_unit_name);
  w.Field("request", a.request);
  w.Field("status", ToString(a.status));
  w.Field("response", a.response);
  w.Field("created_at", FormatIso8601(a.created_at));
  w.EndObject();
}

void WriteRef(JsonWriter& w, std::string_view key, const std::optional<NamedRef>& r) {
  w.Key(key);
  if (!r) {
    w.Null();
    return;
  }
  w.BeginObject()
      .Field("id", static_cast<long long>(r->id))
      .Field("display_name", r->name)
      .EndObject();
}

}  // namespace

std::string CaseSummaryJson(const CaseSummaryView& v) {
  JsonWriter w;
  w.BeginObject();
  WriteSummaryMembers(w, v);
  w.EndObject();
  return w.Take();
}

std::string CaseListJson(const ListView<CaseSummaryView>& list) {
  JsonWriter w;
  w.BeginObject().Key("items").BeginArray();
  for (const auto& v : list.items) {
    w.BeginObject();
    WriteSummaryMembers(w, v);
    w.EndObject();
  }
  w.EndArray();
  w.Field("total", list.total).Field("total_capped", list.total_capped);
  w.Field("limit", list.limit).Field("offset", list.offset);
  w.EndObject();
  return w.Take();
}

std::string CaseDetailJson(const CaseDetailView& d) {
  const Case& c = d.summary.c;
  JsonWriter w;
  w.BeginObject();
  WriteSummaryMembers(w, d.summary);
  w.Field("summary", c.summary);
  w.Key("facts");
  WriteFacts(w, c.facts);
  w.Key("major_flags").BeginArray();
  for (const auto& f : c.major_flags) {
    w.BeginObject().Field("rule_key", f.rule_key).Field("label", f.label);
    w.Field("label_en", f.label_en).Field("priority", f.priority).EndObject();
  }
  w.EndArray();
  w.Field("rules_version", c.rules_version);
  w.Key("clue_id").Optional(c.clue_id);
  w.Key("team").BeginObject();
  WriteRef(w, "case_manager", d.case_manager);
  WriteRef(w, "lead_investigator", d.lead_investigator);
  WriteRef(w, "file_coordinator", d.file_coordinator);
  w.EndObject();
  w.Key("supervising_unit_id").Optional(c.supervising_unit_id);
  w.Key("procuratorate_unit_id").Optional(c.procuratorate_unit_id);
  WriteTime(w, "solved_at", c.solved_at);
  WriteTime(w, "closed_at", c.closed_at);
  w.Key("persons").BeginArray();
  for (size_t i = 0; i < d.persons.size(); ++i) {
    const Person& p = d.persons[i];
    w.BeginObject();
    w.Field("id", static_cast<long long>(p.id));
    w.Field("role", ToString(p.role));
    w.Field("pseudonym", p.pseudonym);
    w.Field("sex", ToString(p.sex));
    w.Key("age_at_offence").Optional(p.age_at_offence);
    w.Field("duty_of_care", ToString(p.duty_of_care));
    w.Field("notes", p.notes);
    w.Field("identity_protected", p.identity_protected);
    w.Field("has_identity", static_cast<bool>(d.person_has_identity[i]));
    w.EndObject();
  }
  w.EndArray();
  w.Key("checklist").BeginArray();
  for (const auto& cv : d.checklist) {
    w.BeginObject();
    w.Field("key", cv.item.key).Field("label", cv.item.label).Field("label_en", cv.item.label_en);
    w.Field("stage", ToString(cv.item.stage));
    w.Field("required_for_prosecution", cv.item.required_for_prosecution);
    WriteTime(w, "done_at", cv.item.done_at);
    w.Field("done_by_name", cv.done_by_name);
    w.EndObject();
  }
  w.EndArray();
  w.Key("timeline").BeginArray();
  for (const auto& e : d.timeline) {
    w.BeginObject();
    w.Field("id", static_cast<long long>(e.event.id));
    w.Field("at", FormatIso8601(e.event.at));
    w.Field("kind", e.event.kind);
    w.Field("actor_name", e.actor_name);
    // Event details are JSON objects the services wrote; anything else is shown as empty.
    const std::string& detail = e.event.detail;
    w.Key("detail").Raw(!detail.empty() && detail.front() == '{' && detail.back() == '}' ? detail
                                                                                         : "{}");
    w.EndObject();
  }
  w.EndArray();
  w.Key("actions").BeginArray();
  for (const auto& a : d.actions) WriteAction(w, a);
  w.EndArray();
  w.Key("assistance").BeginArray();
  for (const auto& a : d.assistance) WriteAssistance(w, a);
  w.EndArray();
  w.Key("shared_with_units").BeginArray();
  for (const auto& u : d.shared_with) {
    w.BeginObject().Field("id", static_cast<long long>(u.id)).Field("name", u.name);
    w.Field("name_en", u.name_en).EndObject();
  }
  w.EndArray();
  w.Key("next_stages").BeginArray();
  for (const auto& n : d.next_stages) {
    w.BeginObject();
    w.Field("to", ToString(n.to));
    w.Field("allowed", n.allowed);
    w.Key("reason");
    if (n.allowed)
      w.Null();
    else
      w.String(n.why_not);
    w.Field("requires_reason", n.requires_reason);
    w.Field("requires_procuratorate", n.requires_procuratorate);
    w.EndObject();
  }
  w.EndArray();
  w.Field("can_reveal_identity", d.can_reveal_identity);
  w.Key("restricted_sections").BeginArray();
  for (CaseSection s : AllValues<CaseSection>())
    if (d.summary.c.SectionRestricted(s)) w.String(ToString(s));
  w.EndArray();
  w.Key("hidden_sections").BeginArray();
  for (CaseSection s : d.hidden_sections) w.String(ToString(s));
  w.EndArray();
  w.Field("seal_reference", d.summary.c.seal_reference);
  w.Field("can_label", d.can_label);
  w.Field("read_only", d.read_only);
  w.Field("via_break_glass", d.via_break_glass);
  WriteTime(w, "break_glass_expires_at", d.break_glass_expires_at);
  w.Field("can_export", d.can_export);
  w.EndObject();
  return w.Take();
}

Json ToJson(const CaseSummaryView& v) { return Json::parse(CaseSummaryJson(v)); }

Json ToJson(const ActionView& v) {
  JsonWriter w;
  WriteAction(w, v);
  return Json::parse(w.str());
}

Json ToJson(const AssistanceView& v) {
  JsonWriter w;
  WriteAssistance(w, v);
  return Json::parse(w.str());
}

Json ToJson(const CaseDetailView& d) { return Json::parse(CaseDetailJson(d)); }

Json ToJson(const AlertView& v) {
  const storage::UserAlert& a = v.alert;
  Json detail = Json::parse(a.detail, nullptr, false);
  if (!detail.is_object()) detail = Json::object();
  return {{"id", a.id},
          {"kind", a.kind},
          {"case_id", a.case_id ? Json(*a.case_id) : Json(nullptr)},
          {"case_reference", v.case_reference},
          {"grant_id", a.grant_id ? Json(*a.grant_id) : Json(nullptr)},
          {"detail", detail},
          {"created_at", FormatIso8601(a.created_at)},
          {"read_at", a.read_at ? Json(FormatIso8601(*a.read_at)) : Json(nullptr)}};
}

static Json AlertsJson(const std::vector<AlertView>& alerts) {
  Json out = Json::array();
  for (const auto& v : alerts) out.push_back(ToJson(v));
  return out;
}

Json ToJson(const WorklistView& w) {
  Json clues = Json::array(), cases = Json::array(), actions = Json::array();
  for (const auto& c : w.clues) clues.push_back(ToJson(c, false));
  for (const auto& c : w.cases) cases.push_back(ToJson(c));
  long long open_actions = 0;
  for (const auto& a : w.actions) {
    actions.push_back(ToJson(a));
    ++open_actions;
  }
  return {{"clues", clues},
          {"cases", cases},
          {"actions", actions},
          {"referral_alerts", ReferralAlertsJson(w.referral_alerts)},
          {"alerts", AlertsJson(w.alerts)},
          {"counts",
           {{"overdue", w.overdue},
            {"due_soon", w.due_soon},
            {"open_cases", static_cast<long long>(w.cases.size())},
            {"open_actions", open_actions}}}};
}

Json ToJson(const BoardView& b) {
  Json pending = Json::array(), major = Json::array(), workload = Json::array(),
       incoming = Json::array();
  for (const auto& c : b.pending_decisions) pending.push_back(ToJson(c, false));
  for (const auto& c : b.major_cases) major.push_back(ToJson(c));
  for (const auto& w : b.workload) {
    workload.push_back({{"user_id", w.user_id},
                        {"display_name", w.display_name},
                        {"open_actions", w.open_actions},
                        {"overdue_actions", w.overdue_actions},
                        {"open_cases", w.open_cases}});
  }
  for (const auto& a : b.assistance_incoming) incoming.push_back(ToJson(a));
  return {{"pending_decisions", pending},
          {"major_cases", major},
          {"workload", workload},
          {"assistance_incoming", incoming},
          {"counts",
           {{"overdue_decisions", b.overdue_decisions},
            {"due_soon_decisions", b.due_soon_decisions},
            {"open_major", b.open_major}}}};
}

Json ToJson(const storage::CountFigures& f) {
  return {{"clues_received", f.clues_received},
          {"cases_filed", f.cases_filed},
          {"cases_solved", f.cases_solved},
          {"historic_solved", f.historic_solved},
          {"suspects_arrested", f.suspects_arrested},
          {"overdue_decisions", f.overdue_decisions},
          {"open_major", f.open_major},
          {"minor_victim_cases", f.minor_victim_cases}};
}

Json ToJson(const Campaign& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"name_en", c.name_en},
          {"starts_at", FormatIso8601(c.starts_at)},
          {"ends_at", OptTime(c.ends_at)},
          {"scope_unit_id", c.scope_unit_id}};
}

Json ToJson(const DashboardView& d) {
  Json by_unit = Json::array(), by_month = Json::array();
  for (const auto& [unit, figures] : d.by_unit) {
    Json row = ToJson(figures);
    row["unit_id"] = unit.id;
    row["name"] = unit.name;
    row["name_en"] = unit.name_en;
    by_unit.push_back(row);
  }
  for (const auto& m : d.by_month)
    by_month.push_back(
        {{"month", m.month}, {"clues", m.clues}, {"filed", m.filed}, {"solved", m.solved}});
  return {{"campaign", d.campaign ? ToJson(*d.campaign) : Json(nullptr)},
          {"scope_unit", ToJson(d.scope_unit)},
          {"totals", ToJson(d.totals)},
          {"by_unit", by_unit},
          {"by_month", by_month}};
}

Json ToJson(const Identity& i) {
  return {{"name", i.name},
          {"id_number", i.id_number},
          {"phone", i.phone},
          {"address", i.address},
          {"date_of_birth", i.date_of_birth}};
}

Json MetaJson(const Services& s) {
  auto names = [](const auto& values) {
    Json arr = Json::array();
    for (auto v : values) arr.push_back(ToString(v));
    return arr;
  };
  Json tracks = Json::array();
  for (const auto& t : s.deadline_rules().review_tracks) {
    tracks.push_back({{"track", ToString(t.track)},
                      {"days", t.days},
                      {"requires_approval", t.requires_approval},
                      {"basis", t.basis},
                      {"basis_en", t.basis_en}});
  }
  Json checklist = Json::array();
  for (const auto& c : StandardChecklist()) {
    checklist.push_back({{"key", c.key},
                         {"label", c.label},
                         {"label_en", c.label_en},
                         {"stage", ToString(c.stage)},
                         {"required_for_prosecution", c.required_for_prosecution}});
  }
  Json rules = Json::array();
  for (const auto& r : s.major_rules().rules) {
    rules.push_back(
        {{"key", r.key}, {"label", r.label}, {"label_en", r.label_en}, {"priority", r.priority}});
  }
  Json transitions = Json::array();
  for (const auto& t : TransitionRules()) {
    transitions.push_back({{"from", ToString(t.from)},
                           {"to", ToString(t.to)},
                           {"allowed_roles", names(t.allowed_roles)},
                           {"requires_reason", t.requires_reason},
                           {"requires_suspect", t.requires_suspect},
                           {"requires_procuratorate", t.requires_procuratorate},
                           {"requires_prosecution_checklist", t.requires_prosecution_checklist}});
  }
  return {{"clue_sources", names(AllValues<ClueSource>())},
          {"review_tracks", tracks},
          {"case_stages", names(AllValues<CaseStage>())},
          {"roles", names(AllValues<Role>())},
          {"duty_of_care", names(AllValues<DutyOfCare>())},
          {"person_roles", names(AllValues<PersonRole>())},
          {"sexes", names(AllValues<Sex>())},
          {"action_statuses", names(AllValues<ActionStatus>())},
          {"checklist", checklist},
          {"major_rules", {{"version", s.major_rules().version}, {"rules", rules}}},
          {"transitions", transitions},
          {"deadline_rules",
           {{"jurisdiction", s.deadline_rules().jurisdiction},
            {"version", s.deadline_rules().version}}},
          {"warn_before_hours", s.deadline_rules().warn_before_hours}};
}

}  // namespace aegis::api
