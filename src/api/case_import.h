// Reads case records for bulk import from newline-delimited JSON (one object per line), with
// simdjson: imports of millions of historic records must not be bound by JSON parsing.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/services.h"

namespace aegis::api {

// Reads NDJSON case records a batch at a time, for Services::ImportCases. Members: reference,
// unit_code, title, summary, stage, filed_at, offence_time, place, latitude, longitude,
// youngest_victim_age, victim_count, offender_count, duty_of_care, weapon, serious_injury,
// online_dating, linked_series, repeat_offender, solved_at, closed_at, lead_investigator
// (username), historic, reopened. Errors name the line and member.
class CaseNdjsonReader final : public services::CaseImportSource {
 public:
  // Reads the records of `text` (copied once, into simdjson's padded buffer).
  explicit CaseNdjsonReader(std::string_view text);
  // Reads the records of the file at `path`; an unreadable file is an error naming `--cases`.
  static StatusOr<std::unique_ptr<CaseNdjsonReader>> Open(const std::string& path);
  ~CaseNdjsonReader() override;

  size_t ExpectedRows() const override { return expected_rows_; }
  Status Next(std::vector<services::CaseImportRow>& batch, size_t max_rows) override;

 private:
  struct State;
  explicit CaseNdjsonReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  size_t expected_rows_ = 0;
};

// Parses all NDJSON case records of `text` at once (tests, fuzzing).
StatusOr<std::vector<services::CaseImportRow>> ParseCaseNdjson(std::string_view text);

}  // namespace aegis::api
