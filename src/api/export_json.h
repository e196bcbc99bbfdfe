// JSON <-> case-export service types (issue 3, redaction). Parsing errors are InvalidArgument
// naming the JSON field.
#pragma once

#include "api/json_io.h"

namespace aegis::api {

// The body of a preview or a confirmation: audience, purpose, recipient, language, extra_terms,
// unmask and (confirmation) preview_hash.
StatusOr<services::ExportRequest> ParseExportRequest(const Json& j);

// The preview: sections of fields in segments ({"text"} or {"span": id}), the spans (with their
// original text for pattern hits only) and the preview hash to confirm with.
Json ToJson(const services::ExportPreview& p);
// A stored export; with its document when `with_document`.
Json ToJson(const services::ExportView& v, bool with_document);

}  // namespace aegis::api
