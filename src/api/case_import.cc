#include "api/case_import.h"

#include <simdjson.h>

#include <algorithm>
#include <iterator>
#include <string>

namespace aegis::api {
namespace {

using namespace simdjson;
using domain::Case;

std::string Where(int line, std::string_view key) {
  return "line " + std::to_string(line) + ": " + std::string(key);
}

Status Bad(int line, std::string_view key, std::string reason) {
  return Status::InvalidArgument(Where(line, key), std::move(reason));
}

Status ReadString(ondemand::value& v, int line, std::string_view key, std::string* out) {
  std::string_view s;
  if (v.get_string().get(s) != SUCCESS) return Bad(line, key, "must be a string");
  *out = std::string(s);
  return Status::Ok();
}

// Whether `v` is null. A malformed atom ("nully", "nul") is an error here: converting simdjson's
// result to bool directly would throw, and an exception must not end `aegis import`.
StatusOr<bool> IsNull(ondemand::value& v, int line, std::string_view key) {
  bool is_null = false;
  if (v.is_null().get(is_null) != SUCCESS) return Bad(line, key, "is not valid JSON");
  return is_null;
}

Status ReadTime(ondemand::value& v, int line, std::string_view key,
                std::optional<UnixSeconds>* out) {
  AEGIS_ASSIGN_OR_RETURN(const bool is_null, IsNull(v, line, key));
  if (is_null) return Status::Ok();
  std::string s;
  AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &s));
  auto t = ParseIso8601(s);
  if (!t) return Bad(line, key, "must be an ISO 8601 date or time");
  *out = t;
  return Status::Ok();
}

Status ReadBool(ondemand::value& v, int line, std::string_view key, bool* out) {
  if (v.get_bool().get(*out) != SUCCESS) return Bad(line, key, "must be true or false");
  return Status::Ok();
}

Status ReadInt(ondemand::value& v, int line, std::string_view key, long min, long max,
               std::optional<int>* out) {
  AEGIS_ASSIGN_OR_RETURN(const bool is_null, IsNull(v, line, key));
  if (is_null) return Status::Ok();
  int64_t x = 0;
  if (v.get_int64().get(x) != SUCCESS) return Bad(line, key, "must be a whole number");
  if (x < min || x > max)
    return Bad(line, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  *out = static_cast<int>(x);
  return Status::Ok();
}

Status ReadDouble(ondemand::value& v, int line, std::string_view key, std::optional<double>* out) {
  AEGIS_ASSIGN_OR_RETURN(const bool is_null, IsNull(v, line, key));
  if (is_null) return Status::Ok();
  double d = 0;
  if (v.get_double().get(d) != SUCCESS) return Bad(line, key, "must be a number");
  *out = d;
  return Status::Ok();
}

template <typename E>
Status ReadEnum(ondemand::value& v, int line, std::string_view key, E* out) {
  std::string s;
  AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &s));
  auto e = domain::Parse<E>(s);
  if (!e) return Bad(line, key, "unknown value " + s.substr(0, 40));
  *out = *e;
  return Status::Ok();
}

Status ReadRecord(ondemand::object obj, int line, services::CaseImportRow* row) {
  Case& c = row->c;
  bool has_reference = false, has_unit = false, has_filed = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != SUCCESS) return Bad(line, "", "malformed member name");
    ondemand::value v;
    if (field.value().get(v) != SUCCESS) return Bad(line, key, "malformed value");
    if (key == "reference") {
      AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &c.reference));
      has_reference = true;
    } else if (key == "unit_code") {
      AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &row->unit_code));
      has_unit = true;
    } else if (key == "title") {
      AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &c.title));
    } else if (key == "summary") {
      AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &c.summary));
    } else if (key == "stage") {
      AEGIS_RETURN_IF_ERROR(ReadEnum(v, line, key, &c.stage));
    } else if (key == "filed_at") {
      std::optional<UnixSeconds> t;
      AEGIS_RETURN_IF_ERROR(ReadTime(v, line, key, &t));
      if (!t) return Bad(line, key, "is required");
      c.filed_at = *t;
      has_filed = true;
    } else if (key == "offence_time") {
      AEGIS_RETURN_IF_ERROR(ReadTime(v, line, key, &c.facts.offence_time));
    } else if (key == "solved_at") {
      AEGIS_RETURN_IF_ERROR(ReadTime(v, line, key, &c.solved_at));
    } else if (key == "closed_at") {
      AEGIS_RETURN_IF_ERROR(ReadTime(v, line, key, &c.closed_at));
    } else if (key == "place") {
      AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &c.facts.place));
    } else if (key == "latitude") {
      AEGIS_RETURN_IF_ERROR(ReadDouble(v, line, key, &c.facts.latitude));
    } else if (key == "longitude") {
      AEGIS_RETURN_IF_ERROR(ReadDouble(v, line, key, &c.facts.longitude));
    } else if (key == "youngest_victim_age") {
      AEGIS_RETURN_IF_ERROR(ReadInt(v, line, key, 0, 120, &c.facts.youngest_victim_age));
    } else if (key == "victim_count" || key == "offender_count") {
      std::optional<int> n;
      AEGIS_RETURN_IF_ERROR(ReadInt(v, line, key, 0, 1000, &n));
      if (n) (key == "victim_count" ? c.facts.victim_count : c.facts.offender_count) = *n;
    } else if (key == "duty_of_care") {
      AEGIS_RETURN_IF_ERROR(ReadEnum(v, line, key, &c.facts.duty_of_care));
    } else if (key == "weapon") {
      AEGIS_RETURN_IF_ERROR(ReadBool(v, line, key, &c.facts.weapon));
    } else if (key == "serious_injury") {
      AEGIS_RETURN_IF_ERROR(ReadBool(v, line, key, &c.facts.serious_injury));
    } else if (key == "online_dating") {
      AEGIS_RETURN_IF_ERROR(ReadBool(v, line, key, &c.facts.online_dating));
    } else if (key == "linked_series") {
      AEGIS_RETURN_IF_ERROR(ReadBool(v, line, key, &c.facts.linked_series));
    } else if (key == "repeat_offender") {
      AEGIS_RETURN_IF_ERROR(ReadBool(v, line, key, &c.facts.repeat_offender));
    } else if (key == "historic") {
      AEGIS_RETURN_IF_ERROR(ReadBool(v, line, key, &c.historic));
    } else if (key == "reopened") {
      AEGIS_RETURN_IF_ERROR(ReadBool(v, line, key, &c.reopened));
    } else if (key == "lead_investigator") {
      AEGIS_RETURN_IF_ERROR(ReadString(v, line, key, &row->lead_username));
    } else {
      return Bad(line, key, "is not a known member");
    }
  }
  if (!has_reference) return Bad(line, "reference", "is required");
  if (!has_unit) return Bad(line, "unit_code", "is required");
  if (!has_filed) return Bad(line, "filed_at", "is required");
  return Status::Ok();
}

// Lines of `text`: one record each in NDJSON, counted up front to size the import.
size_t LineCount(const padded_string& text) {
  const std::string_view all(text.data(), text.size());
  return static_cast<size_t>(std::count(all.begin(), all.end(), '\n')) +
         (!all.empty() && all.back() != '\n');
}

}  // namespace

// The parser and its position in the input, kept between batches.
struct CaseNdjsonReader::State {
  padded_string text;
  ondemand::parser parser;
  ondemand::document_stream stream;
  ondemand::document_stream::iterator it;
  bool started = false, done = false;
  Status error;  // a failure ends the reading; later calls repeat it
  int line = 0;
};

CaseNdjsonReader::CaseNdjsonReader(std::string_view text)
    : CaseNdjsonReader([&] {
        auto state = std::make_unique<State>();
        state->text = padded_string(text);
        return state;
      }()) {}

CaseNdjsonReader::CaseNdjsonReader(std::unique_ptr<State> state)
    : state_(std::move(state)), expected_rows_(LineCount(state_->text)) {}

CaseNdjsonReader::~CaseNdjsonReader() = default;

StatusOr<std::unique_ptr<CaseNdjsonReader>> CaseNdjsonReader::Open(const std::string& path) {
  auto state = std::make_unique<State>();
  if (padded_string::load(path).get(state->text) != SUCCESS)
    return Status::InvalidArgument("--cases", "cannot read " + path);
  return std::unique_ptr<CaseNdjsonReader>(new CaseNdjsonReader(std::move(state)));
}

Status CaseNdjsonReader::Next(std::vector<services::CaseImportRow>& batch, size_t max_rows) {
  batch.clear();
  State& s = *state_;
  AEGIS_RETURN_IF_ERROR(s.error);
  if (!s.started) {
    s.started = true;
    if (s.parser.iterate_many(s.text, 1 << 20).get(s.stream) != SUCCESS) {
      s.error = Status::InvalidArgument("file", "cannot be read as JSON lines");
      return s.error;
    }
    s.it = s.stream.begin();
  }
  auto fail = [&](Status st) {
    s.error = std::move(st);
    batch.clear();
    return s.error;
  };
  while (!s.done && batch.size() < max_rows) {
    if (!(s.it != s.stream.end())) {  // simdjson defines only !=
      s.done = true;
      if (s.stream.truncated_bytes() > 0)
        return fail(Bad(s.line + 1, "record", "is incomplete JSON"));
      break;
    }
    const int line = ++s.line;
    ondemand::document_reference doc;
    if ((*s.it).get(doc) != SUCCESS) return fail(Bad(line, "record", "is not valid JSON"));
    ondemand::object obj;
    if (doc.get_object().get(obj) != SUCCESS)
      return fail(Bad(line, "record", "must be a JSON object"));
    services::CaseImportRow& row = batch.emplace_back();
    row.line = line;
    if (Status st = ReadRecord(obj, line, &row); !st.ok()) return fail(std::move(st));
    ++s.it;
  }
  return Status::Ok();
}

StatusOr<std::vector<services::CaseImportRow>> ParseCaseNdjson(std::string_view text) {
  CaseNdjsonReader reader(text);
  std::vector<services::CaseImportRow> rows, batch;
  do {
    AEGIS_RETURN_IF_ERROR(reader.Next(batch, 4096));
    std::move(batch.begin(), batch.end(), std::back_inserter(rows));
  } while (!batch.empty());
  return rows;
}

}  // namespace aegis::api
