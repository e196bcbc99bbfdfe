// libFuzzer target: the redaction engine on arbitrary bytes. Known terms come before the first NUL
// byte, one per line, the first byte of a line choosing the kind; the text follows the NUL.
//
// Checked on every input, besides the sanitizers: Find never fails except by ICU's own limits;
// spans are sorted, disjoint, non-empty, inside the text and on code point boundaries; masking
// produces valid UTF-8 and, without spans, is exactly the sanitized text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engines/redaction/redaction.h"

namespace {

namespace rd = aegis::engines::redaction;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "redaction_fuzz: %s\n", what);
  std::abort();
}

std::vector<rd::KnownTerm> TermsFrom(std::string_view part) {
  static constexpr rd::SpanKind kKinds[] = {rd::SpanKind::kPersonName, rd::SpanKind::kIdNumber,
                                            rd::SpanKind::kPhone,      rd::SpanKind::kEmail,
                                            rd::SpanKind::kAddress,    rd::SpanKind::kSchool,
                                            rd::SpanKind::kWorkplace,  rd::SpanKind::kOther};
  std::vector<rd::KnownTerm> terms;
  while (!part.empty() && terms.size() < 16) {
    const size_t nl = part.find('\n');
    std::string_view line = part.substr(0, nl);
    part = nl == std::string_view::npos ? std::string_view() : part.substr(nl + 1);
    if (line.empty()) continue;
    terms.push_back({kKinds[static_cast<unsigned char>(line[0]) % 8], std::string(line.substr(1))});
  }
  return terms;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view text = nul == std::string_view::npos ? input : input.substr(nul + 1);
  const auto terms =
      TermsFrom(nul == std::string_view::npos ? std::string_view() : input.substr(0, nul));
  auto redactor = rd::Redactor::Create(terms);
  if (!redactor.ok()) Fail("Create failed");
  auto spans = redactor->Find(text);
  if (!spans.ok()) {
    // Only ICU's time limit may stop a search; anything else is a bug.
    if (spans.status().message().find("U_REGEX_TIME_OUT") == std::string::npos) Fail("Find failed");
    return 0;
  }
  const std::string sanitized = rd::SanitizeUtf8(text);
  size_t previous_end = 0;
  for (const rd::Span& s : *spans) {
    if (s.begin >= s.end || s.end > text.size()) Fail("span out of range or empty");
    if (s.begin < previous_end) Fail("spans overlap or are unsorted");
    previous_end = s.end;
    // On a code point boundary: sanitizing the two halves separately changes nothing.
    for (size_t at : {s.begin, s.end}) {
      if (rd::SanitizeUtf8(text.substr(0, at)) + rd::SanitizeUtf8(text.substr(at)) != sanitized)
        Fail("span splits a code point");
    }
    if ((s.source == rd::SpanSource::kKnownTerm) !=
        (s.term_index >= 0 && s.term_index < static_cast<int>(terms.size())))
      Fail("term index does not match the source");
  }
  const rd::Language language = size % 2 ? rd::Language::kEn : rd::Language::kZh;
  const std::string masked = rd::Mask(text, *spans, language);
  if (rd::SanitizeUtf8(masked) != masked) Fail("masked text is not valid UTF-8");
  if (rd::Mask(text, {}, language) != sanitized) Fail("masking nothing changed the text");
  return 0;
}
