// Storage for case exports (issue 3, redaction): each confirmed export of a case file for an
// audience outside the case team, with the redacted document as it was handed out. Append-only:
// an export is a record of a disclosure. A sub-interface of Repo (Repo::Exports()), same
// transaction and connection. Nothing here holds an identity: documents arrive redacted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/case_export.h"
#include "storage/store.h"

namespace aegis::storage {

struct CaseExportRecord {
  Id id = 0;
  Id case_id = 0;
  Id created_by = 0;
  UnixSeconds created_at = 0;
  domain::ExportAudience audience = domain::ExportAudience::kOther;
  std::string recipient;  // e.g. the procuratorate's name; may be empty
  std::string purpose;
  std::string language;       // "zh" or "en": the placeholders' language
  std::string document;       // the redacted export (JSON); empty in lists
  std::string document_hash;  // BLAKE2b-256 of `document`, 32 bytes
  int masked_spans = 0;       // spans replaced by placeholders
  int unmasked_spans = 0;     // pattern hits the officer judged false positives
  int added_terms = 0;        // extra terms the officer asked to mask (the terms are not kept)
};

class ExportRepo {
 public:
  virtual ~ExportRepo() = default;

  virtual StatusOr<Id> InsertExport(const CaseExportRecord& record) = 0;
  // With the document.
  virtual StatusOr<std::optional<CaseExportRecord>> GetExport(Id id) = 0;
  // A case's exports, newest first, without their documents.
  virtual StatusOr<std::vector<CaseExportRecord>> ListExports(Id case_id) = 0;
};

}  // namespace aegis::storage
