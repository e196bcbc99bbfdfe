// libFuzzer target: the API's request-body parsing, the deepest pure layer that reads untrusted
// JSON (no server, no store). ParseBody, then every parser that turns a body into a request struct
// (json_io, victim_json, export_json). They must answer with a value or a Status naming a field:
// an escaping exception (the server would answer 500) or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/export_json.h"
#include "api/json_io.h"
#include "api/victim_json.h"

namespace {

template <typename T>
void Consume(const aegis::StatusOr<T>& result) {
  // A refusal must say which member was wrong.
  if (!result.ok() && result.status().code() == aegis::StatusCode::kInvalidArgument &&
      result.status().field().empty())
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aegis::api;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto body = ParseBody(text);
  Consume(body);
  if (!body.ok()) return 0;
  const Json& j = *body;
  Consume(ParseClueInput(j));
  Consume(ParseDecision(j));
  Consume(ParsePersonInput(j));
  Consume(ParseTransition(j));
  Consume(ParseActionInput(j));
  Consume(ParseActionPatch(j));
  Consume(ParseTeam(j));
  Consume(ParseInterviewInput(j));
  Consume(ParseConsentInput(j));
  Consume(ParseReferralInput(j));
  Consume(ParseReferralStatusInput(j));
  Consume(ParseContactPreferences(j));
  Consume(ParseExportRequest(j));
  return 0;
}
