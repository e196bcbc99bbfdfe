// The pattern half of the redaction engine (internal): ICU regular expressions, each with the
// group that is the span and an optional validator that rejects or trims a match (ID check
// characters, calendar dates, digit counts, leading English stopwords).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engines/redaction/redaction.h"
#include "engines/redaction/text.h"

namespace aegis::engines::redaction::internal {

// A pattern hit in UTF-16 units of PatternText::units.
struct PatternHit {
  size_t begin = 0;
  size_t end = 0;
  SpanKind kind = SpanKind::kOther;
};

// Compiles the patterns once per process. Internal when ICU rejects one (a programming error).
Status EnsurePatternsCompiled();

// Whether `two` (two folded code points) is a compound surname such as 欧阳 or 司马.
bool IsCompoundSurname(std::u32string_view two);

// Runs every pattern whose required characters occur in `text`; hits are unsorted and may overlap.
// Internal when ICU fails while matching (e.g. its time limit), so that a text is never reported
// as clean when it was not fully searched.
StatusOr<std::vector<PatternHit>> FindPatternHits(const PatternText& text);

}  // namespace aegis::engines::redaction::internal
