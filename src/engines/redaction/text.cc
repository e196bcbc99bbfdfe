#include "engines/redaction/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace aegis::engines::redaction::internal {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

bool IsHan(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x3134F) || (cp >= 0xF900 && cp <= 0xFAFF);
}

// Separators dropped from folded text: spacing and punctuation that people write inside a name
// ("Mary-Jane", "阿依·买买提"), a number ("138-1234-5678", "(020) 8765 4321") or an address
// ("12, Baker Street") in one place and leave out in another.
bool IsDroppedSeparator(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\v':
    case '\f':
    case '-':
    case '.':
    case ',':
    case '/':
    case '(':
    case ')':
    case '_':
    case '\'':
    case 0x00B7:  // middle dot
    case 0x2019:  // right single quotation mark (apostrophe)
    case 0x2022:  // bullet
    case 0x2027:  // hyphenation point
    case 0x2212:  // minus sign
    case 0x3001:  // ideographic comma
    case 0x30FB:  // katakana middle dot
      return true;
    default:
      return (cp >= 0x2010 && cp <= 0x2015) || (cp > 0x7F && u_isUWhiteSpace(cp));
  }
}

const icu::Normalizer2* NfkcCasefold() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return instance;
}

// Calls `emit(folded_cp)` for each code point `cp` folds to (none for a dropped separator).
template <typename Emit>
void FoldCodePoint(char32_t cp, Emit emit) {
  if (cp < 0x80) {
    if (IsDroppedSeparator(cp)) return;
    emit(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
    return;
  }
  const icu::Normalizer2* n = NfkcCasefold();
  // Most CJK ideographs and many letters are unaffected by the normalisation: skip ICU for them.
  if (n == nullptr || n->isInert(static_cast<UChar32>(cp))) {
    if (!IsDroppedSeparator(cp)) emit(cp);
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString folded =
      n->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), status);
  if (U_FAILURE(status)) {
    if (!IsDroppedSeparator(cp)) emit(cp);
    return;
  }
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (!IsDroppedSeparator(static_cast<char32_t>(c))) emit(static_cast<char32_t>(c));
  }
}

}  // namespace

Decoded DecodeAt(std::string_view text, size_t at) {
  const auto b0 = static_cast<unsigned char>(text[at]);
  if (b0 < 0x80) return {b0, 1, true};
  size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return {kReplacement, 1, false};
  }
  if (at + length > text.size()) return {kReplacement, 1, false};
  for (size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(text[at + k]);
    if (!IsContinuation(b)) return {kReplacement, 1, false};
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values above U+10FFFF are not UTF-8.
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return {kReplacement, 1, false};
  return {cp, length, true};
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

PatternText ToPatternText(std::string_view text) {
  PatternText out;
  out.units.reserve(text.size());
  out.byte_at.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    const Decoded d = DecodeAt(text, i);
    char32_t cp = d.code_point;
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      cp -= 0xFF01 - 0x21;  // full-width ASCII form -> ASCII
    } else if (cp == 0x3000) {
      cp = ' ';
    }
    TextFeatures& f = out.features;
    if (cp >= '0' && cp <= '9') f.digit = true;
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) f.latin = true;
    if (cp == '@') f.at = true;
    if (IsHan(cp)) f.han = true;
    const auto offset = static_cast<uint32_t>(i);
    if (cp < 0x10000) {
      out.units.push_back(static_cast<char16_t>(cp));
      out.byte_at.push_back(offset);
    } else {
      out.units.push_back(static_cast<char16_t>(0xD7C0 + (cp >> 10)));
      out.units.push_back(static_cast<char16_t>(0xDC00 | (cp & 0x3FF)));
      out.byte_at.push_back(offset);
      out.byte_at.push_back(offset);
    }
    i += d.length;
  }
  out.byte_at.push_back(static_cast<uint32_t>(text.size()));
  return out;
}

FoldedText Fold(std::string_view text) {
  FoldedText out;
  out.chars.reserve(text.size());
  out.begin.reserve(text.size());
  out.end.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const Decoded d = DecodeAt(text, i);
    const auto b = static_cast<uint32_t>(i), e = static_cast<uint32_t>(i + d.length);
    FoldCodePoint(d.code_point, [&](char32_t c) {
      out.chars.push_back(c);
      out.begin.push_back(b);
      out.end.push_back(e);
    });
    i += d.length;
  }
  return out;
}

std::u32string FoldTerm(std::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const Decoded d = DecodeAt(text, i);
    FoldCodePoint(d.code_point, [&](char32_t c) { out.push_back(c); });
    i += d.length;
  }
  return out;
}

bool FoldsToAsciiAlnum(char32_t cp) {
  bool alnum = false, first = true;
  FoldCodePoint(cp, [&](char32_t c) {
    if (first) alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
    first = false;
  });
  return alnum;
}

}  // namespace aegis::engines::redaction::internal
