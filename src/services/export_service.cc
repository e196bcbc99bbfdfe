// Case exports for audiences outside the case team: the redacted document, its preview, the
// confirmation and the stored record (the flow is described in services/case_export.h).
//
// Victims' identities (and those of minor witnesses) are decrypted here only to become known
// terms of the redaction engine; they never leave this file except as placeholders. Structured
// identity fields of every person are replaced by placeholders whole; every free-text field goes
// through the engine.
#include <sodium.h>

#include <algorithm>
#include <cstdio>

#include "engines/redaction/redaction.h"
#include "services/internal/service_util.h"
#include "services/internal/victim_notify.h"
#include "services/sealed_columns.h"
#include "services/services.h"

namespace aegis::services {

using internal::MakeAudit;
using internal::Names;
using json = nlohmann::json;
using namespace aegis::domain;
namespace rd = aegis::engines::redaction;

namespace {

constexpr std::string_view kFormat = "aegis.case_export.v1";

// ---- the document before redaction

enum class FieldKind {
  kPlain,     // structured value shown as is (stage names, dates, counts)
  kFreeText,  // typed by people: run through the engine
  kIdentity,  // a structured identity field: replaced by its placeholder whole
};

struct DraftField {
  std::string key;
  std::string value;
  FieldKind kind = FieldKind::kPlain;
  rd::SpanKind identity_kind = rd::SpanKind::kOther;
};

struct DraftItem {
  std::vector<DraftField> fields;
  void Plain(std::string key, std::string value) {
    if (!value.empty()) fields.push_back({std::move(key), std::move(value), FieldKind::kPlain});
  }
  void Text(std::string key, std::string value) {
    if (!value.empty()) fields.push_back({std::move(key), std::move(value), FieldKind::kFreeText});
  }
  void Identity(std::string key, const std::string& value, rd::SpanKind kind) {
    if (!value.empty()) fields.push_back({std::move(key), {}, FieldKind::kIdentity, kind});
  }
};

struct DraftSection {
  std::string key;
  std::vector<DraftItem> items;
};

// What the read transaction gathers: the document's draft and the known identity terms.
struct Draft {
  Case c;
  std::vector<DraftSection> sections;
  std::vector<rd::KnownTerm> identity_terms;
};

std::string Time(std::optional<UnixSeconds> t) { return t ? FormatIso8601(*t) : std::string(); }
std::string Bool(bool b) { return b ? "true" : "false"; }
std::string Int(std::optional<long long> v) { return v ? std::to_string(*v) : std::string(); }

// The readable particulars of a timeline event: its text members ("reason", "title", ...) and
// values, without internal ids (unit and user ids mean nothing outside).
std::string EventDetail(const std::string& detail_json) {
  const json j = json::parse(detail_json, nullptr, false);
  if (!j.is_object()) return {};
  std::string out;
  for (const auto& [key, value] : j.items()) {
    if (key == "id" || (key.size() > 3 && key.compare(key.size() - 3, 3, "_id") == 0)) continue;
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_boolean() || value.is_number()) {
      text = value.dump();
    } else if (value.is_array()) {
      for (const auto& v : value)
        if (v.is_string()) text += (text.empty() ? "" : ", ") + v.get<std::string>();
    }
    if (text.empty()) continue;
    out += (out.empty() ? "" : "; ") + key + ": " + text;
  }
  return out;
}

void AddIdentityTerms(const Identity& identity, std::vector<rd::KnownTerm>& terms) {
  if (!identity.name.empty()) terms.push_back({rd::SpanKind::kPersonName, identity.name});
  if (!identity.id_number.empty()) terms.push_back({rd::SpanKind::kIdNumber, identity.id_number});
  if (!identity.phone.empty()) terms.push_back({rd::SpanKind::kPhone, identity.phone});
  if (!identity.address.empty()) terms.push_back({rd::SpanKind::kAddress, identity.address});
}

// Loads case `id` for an export by `p`: NotFound out of scope (the scope-first path of every case
// read: an unknown id runs the same statements), PermissionDenied when `p` may open the case but
// not export it, or opens it only by break-glass (a read-only emergency grant hands nothing out).
StatusOr<Case> LoadExportableCase(storage::Repo& r, const Policy& policy, const Principal& p,
                                  Id id) {
  AEGIS_ASSIGN_OR_RETURN(auto loaded, internal::LoadCaseFor(r, policy, p, id));
  if (loaded.via_break_glass || !policy.MayExportCase(p, loaded.c, loaded.c.unit_path))
    return Status::PermissionDenied("you may not export this case");
  return std::move(loaded.c);
}

// The export document of `c` as `p` may see it: sections `p` may not see (restricted to the team,
// a minor's persons) are left out, as on the case page.
StatusOr<Draft> BuildDraft(storage::Repo& r, const Vault& vault, const Policy& policy,
                           const Principal& p, const Case& c, bool zh) {
  auto may_see = [&](CaseSection s) { return policy.MaySeeSection(p, c, c.unit_path, s); };
  Draft d;
  d.c = c;
  Names names(r);
  auto unit_name = [&](Id id) {
    const Unit* u = names.Unit(id);
    return u ? (zh || u->name_en.empty() ? u->name : u->name_en) : std::string();
  };

  DraftSection case_section{"case", {}};
  DraftItem ci;
  ci.Plain("reference", c.reference);
  ci.Text("title", c.title);
  ci.Plain("stage", std::string(ToString(c.stage)));
  ci.Plain("filed_at", Time(c.filed_at));
  ci.Plain("unit", unit_name(c.unit_id));
  ci.Plain("major", Bool(c.major));
  ci.Plain("priority", std::to_string(c.priority));
  std::string reasons;
  for (const auto& f : c.major_flags)
    reasons += (reasons.empty() ? "" : zh ? "、" : "; ") + (zh ? f.label : f.label_en);
  ci.Plain("major_reasons", reasons);
  ci.Plain("historic", Bool(c.historic));
  ci.Plain("offence_time", Time(c.facts.offence_time));
  ci.Text("place", c.facts.place);
  ci.Plain("victim_count", std::to_string(c.facts.victim_count));
  ci.Plain("offender_count", std::to_string(c.facts.offender_count));
  ci.Plain("youngest_victim_age", Int(c.facts.youngest_victim_age));
  if (c.facts.duty_of_care != DutyOfCare::kNone)
    ci.Plain("duty_of_care", std::string(ToString(c.facts.duty_of_care)));
  ci.Text("summary", c.summary);
  case_section.items.push_back(std::move(ci));
  d.sections.push_back(std::move(case_section));

  DraftSection persons{"persons", {}};
  AEGIS_ASSIGN_OR_RETURN(auto records, r.ListPersons(c.id));
  for (const auto& pr : records) {
    Identity identity;
    if (!pr.identity_cipher.empty()) {
      AEGIS_ASSIGN_OR_RETURN(
          identity, vault.DecryptIdentity(pr.identity_cipher,
                                          PersonIdentityContext(c.id, pr.person.pseudonym)));
    } else if (!pr.identity_plain_json.empty()) {
      AEGIS_ASSIGN_OR_RETURN(identity, IdentityFromJson(pr.identity_plain_json));
    }
    // Protected persons' identities are what the export must never show, wherever they are typed
    // (also when the persons section itself is hidden from the exporter).
    if (pr.person.identity_protected) AddIdentityTerms(identity, d.identity_terms);
    if (!may_see(CaseSection::kPersons)) continue;
    DraftItem pi;
    pi.Plain("pseudonym", pr.person.pseudonym);
    pi.Plain("role", std::string(ToString(pr.person.role)));
    pi.Plain("sex", std::string(ToString(pr.person.sex)));
    pi.Plain("age_at_offence", Int(pr.person.age_at_offence));
    if (pr.person.duty_of_care != DutyOfCare::kNone)
      pi.Plain("duty_of_care", std::string(ToString(pr.person.duty_of_care)));
    pi.Identity("name", identity.name, rd::SpanKind::kPersonName);
    pi.Identity("id_number", identity.id_number, rd::SpanKind::kIdNumber);
    pi.Identity("phone", identity.phone, rd::SpanKind::kPhone);
    pi.Identity("address", identity.address, rd::SpanKind::kAddress);
    pi.Identity("date_of_birth", identity.date_of_birth, rd::SpanKind::kOther);
    pi.Text("notes", pr.person.notes);
    persons.items.push_back(std::move(pi));
  }
  if (may_see(CaseSection::kPersons)) d.sections.push_back(std::move(persons));

  // The numbers and guardians in victims' contact preferences are theirs too.
  AEGIS_ASSIGN_OR_RETURN(auto preferences, r.Victims().ListContactPreferences(c.id));
  for (const auto& record : preferences) {
    AEGIS_ASSIGN_OR_RETURN(auto prefs, internal::DecryptPreferences(vault, record));
    if (!prefs.phone.empty()) d.identity_terms.push_back({rd::SpanKind::kPhone, prefs.phone});
    if (!prefs.guardian_name.empty())
      d.identity_terms.push_back({rd::SpanKind::kPersonName, prefs.guardian_name});
    if (!prefs.guardian_phone.empty())
      d.identity_terms.push_back({rd::SpanKind::kPhone, prefs.guardian_phone});
  }

  DraftSection timeline{"timeline", {}};
  AEGIS_ASSIGN_OR_RETURN(auto events, r.ListEvents(c.id));
  for (const auto& e : events) {
    DraftItem ti;
    ti.Plain("at", Time(e.at));
    ti.Plain("event", e.kind);
    ti.Text("detail", EventDetail(e.detail));
    timeline.items.push_back(std::move(ti));
  }
  if (may_see(CaseSection::kTimeline)) d.sections.push_back(std::move(timeline));

  DraftSection checklist{"checklist", {}};
  AEGIS_ASSIGN_OR_RETURN(auto states, r.ListChecklist(c.id));
  for (const auto& item : StandardChecklist()) {
    std::optional<UnixSeconds> done_at;
    for (const auto& s : states)
      if (s.key == item.key && s.done_at) done_at = s.done_at;
    DraftItem ki;
    ki.Plain("item", zh ? item.label : item.label_en);
    ki.Plain("done", Bool(done_at.has_value()));
    ki.Plain("done_at", Time(done_at));
    checklist.items.push_back(std::move(ki));
  }
  d.sections.push_back(std::move(checklist));

  DraftSection actions{"actions", {}};
  AEGIS_ASSIGN_OR_RETURN(auto list, r.ListActions(c.id));
  for (const auto& a : list) {
    DraftItem ai;
    ai.Text("title", a.title);
    ai.Plain("status", std::string(ToString(a.status)));
    ai.Plain("due_at", Time(a.due_at));
    ai.Text("description", a.description);
    ai.Text("result", a.result);
    actions.items.push_back(std::move(ai));
  }
  if (may_see(CaseSection::kActions)) d.sections.push_back(std::move(actions));

  DraftSection assistance{"assistance", {}};
  AEGIS_ASSIGN_OR_RETURN(auto requests, r.ListAssistanceForCase(c.id));
  for (const auto& a : requests) {
    DraftItem ai;
    ai.Plain("from_unit", unit_name(a.from_unit_id));
    ai.Plain("to_unit", unit_name(a.to_unit_id));
    ai.Plain("status", std::string(ToString(a.status)));
    ai.Text("request", a.request);
    ai.Text("response", a.response);
    assistance.items.push_back(std::move(ai));
  }
  d.sections.push_back(std::move(assistance));
  return d;
}

// ---- request checks

Status CheckRequest(const ExportRequest& in, bool confirming) {
  AEGIS_RETURN_IF_ERROR(internal::CheckText("purpose", in.purpose, 1, 500));
  AEGIS_RETURN_IF_ERROR(internal::CheckText("recipient", in.recipient, 0, 200));
  if (in.extra_terms.size() > kMaxExportTerms)
    return Status::InvalidArgument(
        "extra_terms", "must have at most " + std::to_string(kMaxExportTerms) + " terms");
  for (size_t i = 0; i < in.extra_terms.size(); ++i) {
    const std::string field = "extra_terms[" + std::to_string(i) + "].text";
    AEGIS_RETURN_IF_ERROR(
        internal::CheckText(field, in.extra_terms[i].text, 1, kMaxExportTermChars));
    if (in.extra_terms[i].text.find_first_not_of(" \t\r\n") == std::string::npos)
      return Status::InvalidArgument(field, "is required");
  }
  if (in.unmask.size() > kMaxExportUnmask)
    return Status::InvalidArgument("unmask", "has too many span ids");
  if (confirming && in.preview_hash.empty())
    return Status::InvalidArgument("preview_hash", "is required: confirm the preview you saw");
  return Status::Ok();
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// Length-prefixed pieces, so that no two different previews encode alike.
void Put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

// ---- the preview

StatusOr<ExportPreview> Redact(const Draft& draft, const ExportRequest& in, const Vault& vault) {
  std::vector<rd::KnownTerm> terms = draft.identity_terms;
  const int identity_count = static_cast<int>(terms.size());
  for (const auto& t : in.extra_terms) terms.push_back({t.kind, t.text});
  AEGIS_ASSIGN_OR_RETURN(rd::Redactor redactor, rd::Redactor::Create(terms));

  ExportPreview out;
  out.case_id = draft.c.id;
  out.case_reference = draft.c.reference;
  out.request = in;
  auto add_span = [&](rd::SpanKind kind, std::string source, std::string original) {
    ExportSpanView v;
    v.id = "s" + std::to_string(out.spans.size() + 1);
    v.kind = kind;
    v.source = std::move(source);
    v.original = std::move(original);
    out.spans.push_back(std::move(v));
    return static_cast<int>(out.spans.size() - 1);
  };
  for (const DraftSection& ds : draft.sections) {
    ExportSection section{ds.key, {}};
    for (const DraftItem& di : ds.items) {
      ExportItem item;
      for (const DraftField& df : di.fields) {
        ExportField field{df.key, {}};
        if (df.kind == FieldKind::kPlain) {
          field.segments.push_back({rd::SanitizeUtf8(df.value), -1});
        } else if (df.kind == FieldKind::kIdentity) {
          field.segments.push_back({{}, add_span(df.identity_kind, "identity", {})});
        } else {
          AEGIS_ASSIGN_OR_RETURN(auto spans, redactor.Find(df.value));
          size_t cursor = 0;
          for (const rd::Span& s : spans) {
            if (s.begin > cursor)
              field.segments.push_back(
                  {rd::SanitizeUtf8(std::string_view(df.value).substr(cursor, s.begin - cursor)),
                   -1});
            std::string source = "pattern", original;
            if (s.source == rd::SpanSource::kKnownTerm) {
              source = s.term_index < identity_count ? "identity" : "added_term";
            } else {
              original =
                  rd::SanitizeUtf8(std::string_view(df.value).substr(s.begin, s.end - s.begin));
            }
            field.segments.push_back({{}, add_span(s.kind, source, std::move(original))});
            cursor = s.end;
          }
          if (cursor < df.value.size())
            field.segments.push_back(
                {rd::SanitizeUtf8(std::string_view(df.value).substr(cursor)), -1});
        }
        item.fields.push_back(std::move(field));
      }
      section.items.push_back(std::move(item));
    }
    out.sections.push_back(std::move(section));
  }

  // The hash covers what the officer saw (every span masked) and the pattern hits' text, so that a
  // confirmation of a preview of different content is refused.
  std::string canon;
  Put(canon, kFormat);
  Put(canon, std::to_string(out.case_id));
  Put(canon, in.language == rd::Language::kZh ? "zh" : "en");
  for (const auto& section : out.sections) {
    Put(canon, section.key);
    Put(canon, std::to_string(section.items.size()));
    for (const auto& item : section.items) {
      Put(canon, std::to_string(item.fields.size()));
      for (const auto& field : item.fields) {
        Put(canon, field.key);
        Put(canon, std::to_string(field.segments.size()));
        for (const auto& seg : field.segments) {
          if (seg.span < 0) {
            Put(canon, "t");
            Put(canon, seg.text);
            continue;
          }
          const ExportSpanView& s = out.spans[static_cast<size_t>(seg.span)];
          Put(canon, "s");
          Put(canon, s.id);
          Put(canon, rd::ToString(s.kind));
          Put(canon, s.source);
          Put(canon, s.original);
        }
      }
    }
  }
  out.preview_hash = Hex(vault.KeyedHash("case-export-preview", canon));

  // Un-masking: pattern hits only. Identity and the officer's own terms stay masked.
  for (size_t i = 0; i < in.unmask.size(); ++i) {
    const std::string& id = in.unmask[i];
    auto it = std::find_if(out.spans.begin(), out.spans.end(),
                           [&](const ExportSpanView& s) { return s.id == id; });
    const std::string field = "unmask[" + std::to_string(i) + "]";
    if (it == out.spans.end())
      return Status::InvalidArgument(field, "is not a span of this export: preview it again");
    if (it->source != "pattern")
      return Status::InvalidArgument(
          field, "is an identity or added term: only pattern hits can be left unmasked");
    it->masked = false;
  }
  for (const auto& s : out.spans) {
    if (s.masked) {
      ++out.masked;
      ++out.masked_by_kind[s.kind];
    } else {
      ++out.unmasked;
    }
  }
  return out;
}

// The document as handed out: every masked span replaced by its placeholder.
std::string RenderDocument(const ExportPreview& pv, const Principal& p, UnixSeconds now) {
  const rd::Language language = pv.request.language;
  json sections = json::array();
  for (const auto& section : pv.sections) {
    json items = json::array();
    for (const auto& item : section.items) {
      json fields = json::array();
      for (const auto& field : item.fields) {
        std::string value;
        for (const auto& seg : field.segments) {
          if (seg.span < 0) {
            value += seg.text;
            continue;
          }
          const ExportSpanView& s = pv.spans[static_cast<size_t>(seg.span)];
          value += s.masked ? std::string(rd::Placeholder(s.kind, language)) : s.original;
        }
        fields.push_back({{"key", field.key}, {"value", value}});
      }
      items.push_back({{"fields", fields}});
    }
    sections.push_back({{"key", section.key}, {"items", items}});
  }
  json by_kind = json::object();
  for (const auto& [kind, n] : pv.masked_by_kind) by_kind[std::string(rd::ToString(kind))] = n;
  const json doc = {{"format", kFormat},
                    {"case_reference", pv.case_reference},
                    {"language", language == rd::Language::kZh ? "zh" : "en"},
                    {"audience", ToString(pv.request.audience)},
                    {"recipient", pv.request.recipient},
                    {"purpose", pv.request.purpose},
                    {"exported_at", FormatIso8601(now)},
                    {"exported_by", {{"name", p.user.display_name}, {"unit", p.unit.name}}},
                    {"sections", sections},
                    {"redaction",
                     {{"masked", pv.masked},
                      {"unmasked", pv.unmasked},
                      {"added_terms", pv.request.extra_terms.size()},
                      {"masked_by_kind", by_kind}}}};
  return doc.dump();
}

std::string Blake2b256(std::string_view data) {
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  return out;
}

// The export's own purpose (free text) goes into the detail; the record's purpose field keeps the
// purpose the caller stated for the request, as on every audit record.
json AuditDetail(const ExportRequest& in) {
  return {{"audience", ToString(in.audience)},
          {"export_purpose", in.purpose},
          {"added_terms", in.extra_terms.size()}};
}

}  // namespace

StatusOr<ExportPreview> Services::PreviewExport(const Principal& p, Id case_id,
                                                const ExportRequest& in) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(CheckRequest(in, false));
  Draft draft;
  Status st = store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(Case c, LoadExportableCase(r, policy_, p, case_id));
    AEGIS_ASSIGN_OR_RETURN(draft,
                           BuildDraft(r, vault_, policy_, p, c, in.language == rd::Language::kZh));
    return Status::Ok();
  });
  StatusOr<ExportPreview> preview =
      st.ok() ? Redact(draft, in, vault_) : StatusOr<ExportPreview>(st);
  // Previewing decrypts the victims' identities (server-side): a read of the case, with purpose.
  const bool allowed = st.ok() || st.code() == StatusCode::kInvalidArgument;
  json detail = AuditDetail(in);
  if (preview.ok()) detail["spans"] = preview->spans.size();
  auditor_->Record(MakeAudit(p, now, "case.export_preview", "case", case_id, allowed, detail));
  return preview;
}

StatusOr<ExportView> Services::CreateExport(const Principal& p, Id case_id,
                                            const ExportRequest& in) {
  const UnixSeconds now = Now();
  AEGIS_RETURN_IF_ERROR(CheckRequest(in, true));
  ExportView view;
  bool allowed = true;
  Status st = store_.Write([&](storage::Repo& r) -> Status {
    auto loaded = LoadExportableCase(r, policy_, p, case_id);
    if (!loaded.ok()) {
      allowed = false;
      return loaded.status();
    }
    const Case& c = *loaded;
    AEGIS_ASSIGN_OR_RETURN(Draft draft,
                           BuildDraft(r, vault_, policy_, p, c, in.language == rd::Language::kZh));
    AEGIS_ASSIGN_OR_RETURN(ExportPreview pv, Redact(draft, in, vault_));
    if (pv.preview_hash != in.preview_hash)
      return Status::Conflict("the case or the terms changed since this preview; preview it again",
                              "preview_hash");
    storage::CaseExportRecord rec;
    rec.case_id = case_id;
    rec.created_by = p.user.id;
    rec.created_at = now;
    rec.audience = in.audience;
    rec.recipient = in.recipient;
    rec.purpose = in.purpose;
    rec.language = in.language == rd::Language::kZh ? "zh" : "en";
    rec.document = RenderDocument(pv, p, now);
    rec.document_hash = Blake2b256(rec.document);
    rec.masked_spans = pv.masked;
    rec.unmasked_spans = pv.unmasked;
    rec.added_terms = static_cast<int>(in.extra_terms.size());
    AEGIS_ASSIGN_OR_RETURN(rec.id, r.Exports().InsertExport(rec));
    // The case team sees on the timeline that the case file left the team, and for whom.
    AEGIS_RETURN_IF_ERROR(
        r.InsertEvent({0, case_id, now, p.user.id, "exported",
                       json{{"export_id", rec.id}, {"audience", ToString(in.audience)}}.dump()})
            .status());
    json detail = AuditDetail(in);
    detail["export_id"] = rec.id;
    detail["masked"] = rec.masked_spans;
    detail["unmasked"] = rec.unmasked_spans;
    AEGIS_RETURN_IF_ERROR(
        r.AppendAudit({MakeAudit(p, now, "case.export", "case", case_id, true, detail)}));
    view.record = std::move(rec);
    view.case_reference = c.reference;
    view.created_by_name = p.user.display_name;
    return Status::Ok();
  });
  if (!st.ok()) {
    // Refused, or not stored (a changed case, a bad span id): the identities were still decrypted
    // to check it, so the attempt is on record too.
    json detail = AuditDetail(in);
    detail["error"] = StatusCodeName(st.code());
    auditor_->Record(MakeAudit(p, now, "case.export", "case", case_id, allowed, detail));
  }
  AEGIS_RETURN_IF_ERROR(st);
  return view;
}

StatusOr<std::vector<ExportView>> Services::ListExports(const Principal& p, Id case_id) {
  const UnixSeconds now = Now();
  std::vector<ExportView> out;
  Status st = store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(Case c, LoadExportableCase(r, policy_, p, case_id));
    AEGIS_ASSIGN_OR_RETURN(auto list, r.Exports().ListExports(case_id));
    Names names(r);
    for (auto& rec : list) {
      ExportView v;
      v.created_by_name = names.User(rec.created_by);
      v.record = std::move(rec);
      v.case_reference = c.reference;
      out.push_back(std::move(v));
    }
    return Status::Ok();
  });
  auditor_->Record(MakeAudit(p, now, "case.export_list", "case", case_id, st.ok()));
  AEGIS_RETURN_IF_ERROR(st);
  return out;
}

StatusOr<ExportView> Services::GetExport(const Principal& p, Id export_id) {
  const UnixSeconds now = Now();
  ExportView view;
  std::optional<Id> case_id;
  Status st = store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto rec, r.Exports().GetExport(export_id));
    if (rec) case_id = rec->case_id;
    // Another case's export (or one the caller may not export) answers like an unknown id, and an
    // unknown id goes through the case check too (case 0, never in scope): the same statements.
    auto c = LoadExportableCase(r, policy_, p, rec ? rec->case_id : 0);
    if (!c.ok() || !rec) {
      return c.status().code() == StatusCode::kInternal ? c.status()
                                                        : Status::NotFound("export not found");
    }
    Names names(r);
    view.created_by_name = names.User(rec->created_by);
    view.case_reference = c->reference;
    view.record = std::move(*rec);
    return Status::Ok();
  });
  json detail = json::object();
  if (case_id && st.ok()) detail["case_id"] = *case_id;
  if (st.ok()) detail["export_purpose"] = view.record.purpose;
  auditor_->Record(MakeAudit(p, now, "export.read", "export", export_id, st.ok(), detail));
  AEGIS_RETURN_IF_ERROR(st);
  return view;
}

}  // namespace aegis::services
