// Exports of a case file for an audience outside the case team (issue 3, item 5): inputs and
// views of the preview-and-confirm flow in export_service.cc.
//
// The flow: the officer asks for a preview (audience, purpose, extra terms to mask, pattern hits
// to leave unmasked); the service builds the export document, masks structured identity fields
// and runs every free-text field through the redaction engine with the case's protected persons'
// identity terms (decrypted here, never returned) and the officer's extra terms, and answers with
// the document in segments, every masked span with an id and kind, and a preview hash. Confirming
// sends the same choices with that hash: the service rebuilds the document, refuses with Conflict
// when it no longer matches what the officer saw (the case changed), applies the un-masking of
// pattern hits (never of identity or added terms) and stores the export, audited.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/case_export.h"
#include "engines/redaction/redaction.h"
#include "storage/export_store.h"

namespace aegis::services {

// Limits of an export request.
inline constexpr size_t kMaxExportTerms = 50;  // extra terms per request
inline constexpr size_t kMaxExportTermChars = 100;
inline constexpr size_t kMaxExportUnmask = 500;  // span ids per request

struct ExportTermInput {
  std::string text;
  engines::redaction::SpanKind kind = engines::redaction::SpanKind::kOther;
};

struct ExportRequest {
  domain::ExportAudience audience = domain::ExportAudience::kOther;
  std::string recipient;  // who exactly (optional), e.g. the procuratorate's name
  std::string purpose;    // required: why the case file leaves the case team
  engines::redaction::Language language = engines::redaction::Language::kZh;
  std::vector<ExportTermInput> extra_terms;  // more text to mask
  std::vector<std::string> unmask;           // ids of pattern hits judged false positives
  std::string preview_hash;                  // confirmation only: from the preview
};

// One masked span of the document.
struct ExportSpanView {
  std::string id;  // "s1", "s2", ... in document order; stable while the case is unchanged
  engines::redaction::SpanKind kind = engines::redaction::SpanKind::kOther;
  // Where it comes from: "identity" (a structured identity field or a protected person's identity
  // term), "added_term" (the officer's extra terms) or "pattern". Only pattern hits may be
  // un-masked.
  std::string source;
  bool masked = true;    // false when the request un-masks it
  std::string original;  // pattern hits only: text the officer can already read on the case
};

// A piece of a field's value: plain text, or the span with index `span` in ExportPreview::spans.
struct ExportSegment {
  std::string text;
  int span = -1;
};

struct ExportField {
  std::string key;  // "summary", "title", "stage", ... (labels are the UI's)
  // Structured values (stage names, dates, counts) are plain text; free text and identity fields
  // are segments.
  std::vector<ExportSegment> segments;
};

struct ExportItem {
  std::vector<ExportField> fields;
};

struct ExportSection {
  std::string key;  // "case", "persons", "timeline", "checklist", "actions", "assistance"
  std::vector<ExportItem> items;
};

struct ExportPreview {
  domain::Id case_id = 0;
  std::string case_reference;
  ExportRequest request;  // as understood (extra terms never echoed: see the view in the API)
  std::vector<ExportSection> sections;
  std::vector<ExportSpanView> spans;
  std::map<engines::redaction::SpanKind, int> masked_by_kind;
  int masked = 0, unmasked = 0;
  std::string preview_hash;  // hex; confirm with it
};

// A stored export, as listed (document empty) or downloaded.
struct ExportView {
  storage::CaseExportRecord record;
  std::string case_reference;
  std::string created_by_name;
};

}  // namespace aegis::services
