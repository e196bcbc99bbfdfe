#include "api/export_json.h"

namespace aegis::api {

using namespace aegis::services;
namespace rd = aegis::engines::redaction;

namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

Status OptionalString(const Json& j, const std::string& key, std::string* out) {
  if (!j.contains(key) || j.at(key).is_null()) return Status::Ok();
  if (!j.at(key).is_string()) return Status::InvalidArgument(key, "must be a string");
  *out = j.at(key).get<std::string>();
  return Status::Ok();
}

std::string SpanKindNames() {
  std::string s;
  for (auto k : {rd::SpanKind::kPersonName, rd::SpanKind::kIdNumber, rd::SpanKind::kPhone,
                 rd::SpanKind::kEmail, rd::SpanKind::kAddress, rd::SpanKind::kSchool,
                 rd::SpanKind::kWorkplace, rd::SpanKind::kOther})
    s += (s.empty() ? "" : ", ") + std::string(rd::ToString(k));
  return s;
}

}  // namespace

StatusOr<ExportRequest> ParseExportRequest(const Json& j) {
  ExportRequest in;
  std::string audience;
  AEGIS_RETURN_IF_ERROR(OptionalString(j, "audience", &audience));
  auto parsed = domain::Parse<domain::ExportAudience>(audience);
  if (!parsed) {
    std::string allowed;
    for (auto a : domain::AllValues<domain::ExportAudience>())
      allowed += (allowed.empty() ? "" : ", ") + std::string(domain::ToString(a));
    return Status::InvalidArgument("audience",
                                   audience.empty() ? "is required" : "must be one of: " + allowed);
  }
  in.audience = *parsed;
  AEGIS_RETURN_IF_ERROR(OptionalString(j, "purpose", &in.purpose));
  AEGIS_RETURN_IF_ERROR(OptionalString(j, "recipient", &in.recipient));
  std::string language = "zh";
  AEGIS_RETURN_IF_ERROR(OptionalString(j, "language", &language));
  if (language != "zh" && language != "en")
    return Status::InvalidArgument("language", "must be zh or en");
  in.language = language == "zh" ? rd::Language::kZh : rd::Language::kEn;
  AEGIS_RETURN_IF_ERROR(OptionalString(j, "preview_hash", &in.preview_hash));
  if (j.contains("extra_terms") && !j.at("extra_terms").is_null()) {
    const Json& terms = j.at("extra_terms");
    if (!terms.is_array()) return Status::InvalidArgument("extra_terms", "must be a list");
    if (terms.size() > kMaxExportTerms)
      return Status::InvalidArgument(
          "extra_terms", "must have at most " + std::to_string(kMaxExportTerms) + " terms");
    for (size_t i = 0; i < terms.size(); ++i) {
      const std::string at = "extra_terms[" + std::to_string(i) + "]";
      const Json& t = terms[i];
      if (!t.is_object()) return Status::InvalidArgument(at, "must be an object with text");
      ExportTermInput term;
      if (!t.contains("text") || !t.at("text").is_string())
        return Status::InvalidArgument(at + ".text", "is required");
      term.text = t.at("text").get<std::string>();
      std::string kind;
      AEGIS_RETURN_IF_ERROR(OptionalString(t, "kind", &kind));
      if (!kind.empty()) {
        auto k = rd::ParseSpanKind(kind);
        if (!k) return Status::InvalidArgument(at + ".kind", "must be one of: " + SpanKindNames());
        term.kind = *k;
      }
      in.extra_terms.push_back(std::move(term));
    }
  }
  if (j.contains("unmask") && !j.at("unmask").is_null()) {
    const Json& ids = j.at("unmask");
    if (!ids.is_array()) return Status::InvalidArgument("unmask", "must be a list of span ids");
    if (ids.size() > kMaxExportUnmask)
      return Status::InvalidArgument("unmask", "has too many span ids");
    for (const Json& id : ids) {
      if (!id.is_string() || id.get<std::string>().empty() || id.get<std::string>().size() > 16)
        return Status::InvalidArgument("unmask", "must be a list of span ids");
      in.unmask.push_back(id.get<std::string>());
    }
  }
  return in;
}

Json ToJson(const ExportPreview& p) {
  const rd::Language language = p.request.language;
  Json spans = Json::array();
  for (const auto& s : p.spans) {
    Json j = {{"id", s.id},
              {"kind", rd::ToString(s.kind)},
              {"source", s.source},
              {"masked", s.masked},
              {"placeholder", rd::Placeholder(s.kind, language)}};
    if (s.source == "pattern") j["original"] = s.original;
    spans.push_back(std::move(j));
  }
  Json sections = Json::array();
  for (const auto& section : p.sections) {
    Json items = Json::array();
    for (const auto& item : section.items) {
      Json fields = Json::array();
      for (const auto& field : item.fields) {
        Json segments = Json::array();
        for (const auto& seg : field.segments) {
          if (seg.span < 0)
            segments.push_back({{"text", seg.text}});
          else
            segments.push_back({{"span", p.spans[static_cast<size_t>(seg.span)].id}});
        }
        fields.push_back({{"key", field.key}, {"segments", segments}});
      }
      items.push_back({{"fields", fields}});
    }
    sections.push_back({{"key", section.key}, {"items", items}});
  }
  Json by_kind = Json::object();
  for (const auto& [kind, n] : p.masked_by_kind) by_kind[std::string(rd::ToString(kind))] = n;
  return {{"case_id", p.case_id},
          {"case_reference", p.case_reference},
          {"audience", domain::ToString(p.request.audience)},
          {"language", language == rd::Language::kZh ? "zh" : "en"},
          {"preview_hash", p.preview_hash},
          {"masked", p.masked},
          {"unmasked", p.unmasked},
          {"masked_by_kind", by_kind},
          {"spans", spans},
          {"sections", sections}};
}

Json ToJson(const ExportView& v, bool with_document) {
  const storage::CaseExportRecord& r = v.record;
  Json j = {{"id", r.id},
            {"case_id", r.case_id},
            {"case_reference", v.case_reference},
            {"created_at", FormatIso8601(r.created_at)},
            {"created_by", {{"id", r.created_by}, {"name", v.created_by_name}}},
            {"audience", domain::ToString(r.audience)},
            {"recipient", r.recipient},
            {"purpose", r.purpose},
            {"language", r.language},
            {"document_hash", Hex(r.document_hash)},
            {"masked_spans", r.masked_spans},
            {"unmasked_spans", r.unmasked_spans},
            {"added_terms", r.added_terms}};
  if (with_document) {
    Json doc = Json::parse(r.document, nullptr, false);
    j["document"] = doc.is_discarded() ? Json(nullptr) : doc;
  }
  return j;
}

}  // namespace aegis::api
