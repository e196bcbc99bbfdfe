// The redaction engine: finds personal identifiers in free text (Chinese, English or mixed) and
// masks them with labelled placeholders. Two sources of spans: known terms (the identity fields of
// a case's victims, plus terms an officer adds), matched tolerant of case, full-/half-width forms
// and spacing; and patterns (ICU regular expressions with validators) for resident ID numbers,
// phones, e-mail, addresses, schools, workplaces and names introduced by a role word or title.
// No I/O. Input may be any bytes: invalid UTF-8 never crashes the engine, and masked output is
// always valid UTF-8 (invalid sequences become U+FFFD, the one change outside masked spans).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace aegis::engines::redaction {

enum class SpanKind {
  kPersonName,
  kIdNumber,  // Chinese resident ID (18 digits with check character, or the old 15 digits)
  kPhone,
  kEmail,
  kAddress,
  kSchool,
  kWorkplace,
  kOther,  // a term added without a kind (e.g. a nickname an officer wants masked)
};

enum class SpanSource {
  kKnownTerm,  // one of the terms given to the Redactor
  kPattern,    // found by a pattern; an officer may judge it a false positive
};

enum class Language { kZh, kEn };

// Stable lower_snake_case names ("person_name", "id_number", ...), and back.
std::string_view ToString(SpanKind kind);
std::optional<SpanKind> ParseSpanKind(std::string_view name);
std::string_view ToString(SpanSource source);

// The placeholder that replaces a span: "[姓名]" / "[NAME]", "[身份证号]" / "[ID NUMBER]", ...
std::string_view Placeholder(SpanKind kind, Language language);

struct KnownTerm {
  SpanKind kind = SpanKind::kOther;
  std::string text;
};

// A half-open byte range [begin, end) of the input text, always on code point boundaries.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  SpanKind kind = SpanKind::kOther;
  SpanSource source = SpanSource::kPattern;
  // For known-term spans: the lowest index (in the terms given to Create) among the terms merged
  // into this span, so a caller can tell its own kinds of terms apart; -1 for pattern spans.
  int term_index = -1;

  friend bool operator==(const Span&, const Span&) = default;
};

class Redactor {
 public:
  // Prepares the known terms (folded once; terms shorter than two characters after folding are
  // ignored, they would mask too much) and the shared compiled patterns. Internal only if ICU
  // cannot compile a pattern, which is a programming error.
  static StatusOr<Redactor> Create(const std::vector<KnownTerm>& terms);

  // All spans in `text`, sorted and merged: overlapping or touching spans of the same kind become
  // one; a span that overlaps a known term is a known-term span. Internal when ICU fails mid-way
  // (e.g. its time limit on pathological input): then nothing may be exported from this text.
  StatusOr<std::vector<Span>> Find(std::string_view text) const;

  struct Terms;  // the folded terms (redaction.cc)

 private:
  explicit Redactor(std::shared_ptr<const Terms> terms) : terms_(std::move(terms)) {}
  std::shared_ptr<const Terms> terms_;  // immutable: a Redactor is cheap to copy and thread-safe
};

// Merges overlapping spans (and touching spans of the same kind); sorts by position. Where a
// known-term span overlaps a pattern span the result is a known-term span of the known term's
// kind; otherwise the longer span's kind wins.
std::vector<Span> MergeSpans(std::vector<Span> spans);

// Replaces each span with its placeholder and keeps every other byte, except that invalid UTF-8
// sequences become U+FFFD. `spans` must be sorted and non-overlapping (as Find returns them);
// spans that are out of range or overlap an earlier one are ignored.
std::string Mask(std::string_view text, const std::vector<Span>& spans, Language language);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD (unchanged when already valid).
std::string SanitizeUtf8(std::string_view text);

// The resident ID check character ('0'..'9' or 'X') of the first 17 digits (GB 11643-1999, ISO
// 7064 MOD 11-2), or '?' when `first17` does not start with 17 ASCII digits.
char ResidentIdCheckCharacter(std::string_view first17);

}  // namespace aegis::engines::redaction
