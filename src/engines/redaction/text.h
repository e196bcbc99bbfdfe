// Text plumbing for the redaction engine (internal): lenient UTF-8 decoding, the UTF-16 copy the
// patterns run on, and the folded copy known terms are matched in. Each keeps a map back to byte
// offsets of the input, so every span the engine reports is a byte range of what the caller gave.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aegis::engines::redaction::internal {

inline constexpr char32_t kReplacement = 0xFFFD;

// One decoded code point. An invalid or truncated sequence decodes as U+FFFD of length 1, so that
// decoding always advances and never reads past the end.
struct Decoded {
  char32_t code_point = 0;
  size_t length = 1;
  bool valid = true;
};
Decoded DecodeAt(std::string_view text, size_t at);

// Appends the UTF-8 encoding of `cp` (which must be a scalar value) to `out`.
void AppendUtf8(char32_t cp, std::string& out);

// What is in a text, so that patterns which cannot match are not run at all.
struct TextFeatures {
  bool digit = false;  // ASCII or full-width digit
  bool at = false;     // '@' or '＠'
  bool latin = false;  // ASCII or full-width letter
  bool han = false;    // a CJK ideograph
};

// The text the patterns run on: UTF-16, with full-width ASCII forms (U+FF01..U+FF5E) and the
// ideographic space folded to their ASCII counterparts one code unit for one, so patterns need
// only ASCII digits and punctuation. Invalid input bytes become U+FFFD. `byte_at[i]` is the byte
// offset of the code point that unit i belongs to; `byte_at[units.size()]` is the input's size.
struct PatternText {
  std::u16string units;
  std::vector<uint32_t> byte_at;
  TextFeatures features;
};
PatternText ToPatternText(std::string_view text);

// The text known terms are matched in: each code point case-folded and compatibility-normalised
// (NFKC_Casefold, so "Ｊａｎｅ" and "JANE" both become "jane"), with spaces and the separators
// people put inside names, numbers and addresses (- . , / ( ) _ ' · ・ 、 and dashes) dropped.
// `begin[i]` / `end[i]` are the byte range of the input code point that folded char i came from.
struct FoldedText {
  std::u32string chars;
  std::vector<uint32_t> begin, end;
};
FoldedText Fold(std::string_view text);

// The folded form of one term (as Fold, without offsets).
std::u32string FoldTerm(std::string_view text);

// True when the folded form of `cp` starts with an ASCII letter or digit (used for word
// boundaries of Latin and numeric terms, so that "Ann" does not match inside "Annual").
bool FoldsToAsciiAlnum(char32_t cp);

}  // namespace aegis::engines::redaction::internal
