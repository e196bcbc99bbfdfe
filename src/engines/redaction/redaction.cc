#include "engines/redaction/redaction.h"

#include <algorithm>
#include <array>

#include "engines/redaction/patterns.h"
#include "engines/redaction/text.h"

namespace aegis::engines::redaction {

using internal::DecodeAt;
using internal::Fold;
using internal::FoldTerm;

namespace {

struct KindInfo {
  SpanKind kind;
  std::string_view name, zh, en;
};
constexpr std::array<KindInfo, 8> kKinds = {{
    {SpanKind::kPersonName, "person_name", "[姓名]", "[NAME]"},
    {SpanKind::kIdNumber, "id_number", "[身份证号]", "[ID NUMBER]"},
    {SpanKind::kPhone, "phone", "[电话]", "[PHONE]"},
    {SpanKind::kEmail, "email", "[电子邮箱]", "[EMAIL]"},
    {SpanKind::kAddress, "address", "[地址]", "[ADDRESS]"},
    {SpanKind::kSchool, "school", "[学校]", "[SCHOOL]"},
    {SpanKind::kWorkplace, "workplace", "[工作单位]", "[WORKPLACE]"},
    {SpanKind::kOther, "other", "[已遮蔽]", "[REDACTED]"},
}};

const KindInfo& Info(SpanKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds.back();
}

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char32_t c) { return IsAsciiDigit(c) || (c >= 'a' && c <= 'z'); }
bool IsHan(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

// One searchable form of a known term.
struct Variant {
  std::u32string folded;
  SpanKind kind;
  int term_index;
  bool needs_capital;  // the match must start with a capital letter in the text ("Hope" the
                       // name, not "hope" the word)
};

}  // namespace

struct Redactor::Terms {
  std::vector<Variant> variants;

  void Add(std::u32string folded, SpanKind kind, int index, bool needs_capital = false) {
    // One folded character would mask every occurrence of a common letter or ideograph.
    if (folded.size() < 2) return;
    for (const Variant& v : variants)
      if (v.folded == folded && v.needs_capital == needs_capital) return;
    variants.push_back({std::move(folded), kind, index, needs_capital});
  }
};

namespace {

// Other ways a name is written: a Chinese given name on its own ("小红" for 张小红), the parts of
// an English name when capitalised ("Jane", "Doe"), and "Doe Jane" for "Jane Doe".
void AddNameVariants(Redactor::Terms& terms, const std::string& text, int index) {
  const std::u32string folded = FoldTerm(text);
  const bool all_han = !folded.empty() && std::all_of(folded.begin(), folded.end(), IsHan);
  if (all_han) {
    const bool compound = folded.size() == 4 && internal::IsCompoundSurname(folded.substr(0, 2));
    if (folded.size() == 3 || compound)
      terms.Add(folded.substr(folded.size() - 2), SpanKind::kPersonName, index);
    return;
  }
  std::vector<std::string> words;
  std::string word;
  for (char c : text + " ") {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  static constexpr std::array<std::string_view, 12> kParticles = {
      "de", "van", "von", "der", "la", "le", "da", "del", "di", "bin", "al", "mc"};
  for (const std::string& w : words) {
    std::u32string f = FoldTerm(w);
    if (f.size() < 3 || !std::all_of(f.begin(), f.end(), [](char32_t c) { return c < 0x80; }))
      continue;
    std::string lower(f.begin(), f.end());
    if (std::find(kParticles.begin(), kParticles.end(), lower) != kParticles.end()) continue;
    terms.Add(std::move(f), SpanKind::kPersonName, index, true);
  }
  if (words.size() == 2) terms.Add(FoldTerm(words[1] + words[0]), SpanKind::kPersonName, index);
}

// Country calling codes of one and two digits (ITU-T E.164 assignments); all others have three.
size_t CountryCodeLength(std::u32string_view digits) {
  if (digits.empty()) return 0;
  if (digits[0] == '1' || digits[0] == '7') return 1;
  static constexpr std::array<std::string_view, 42> kTwo = {
      "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45",
      "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61",
      "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94"};
  if (digits.size() < 2) return 0;
  const std::string two{static_cast<char>(digits[0]), static_cast<char>(digits[1])};
  for (auto t : kTwo)
    if (t == two) return 2;
  if (two == "95" || two == "98") return 2;
  return 3;
}

// A phone written with or without the country code and the national trunk prefix:
// +8613812345678 also as 8613812345678, 008613812345678 and 13812345678; +862087654321 also as
// 02087654321; +442079460958 also as 02079460958.
void AddPhoneVariants(Redactor::Terms& terms, const std::u32string& folded, int index) {
  std::u32string digits;
  for (char32_t c : folded)
    if (IsAsciiDigit(c)) digits += c;
  if (digits.size() < 7) return;
  terms.Add(digits, SpanKind::kPhone, index);
  if (folded.empty() || folded[0] != '+') return;
  terms.Add(U"00" + digits, SpanKind::kPhone, index);
  const size_t cc = CountryCodeLength(digits);
  if (cc == 0 || digits.size() < cc + 7) return;
  const std::u32string national = digits.substr(cc);
  terms.Add(national, SpanKind::kPhone, index);
  // Chinese mobiles are dialled without a trunk prefix; landlines and most other countries with 0.
  if (!(digits.compare(0, 2, U"86") == 0 && national[0] == '1'))
    terms.Add(U"0" + national, SpanKind::kPhone, index);
}

bool ContainsAny(std::u32string_view s, std::initializer_list<std::u32string_view> needles) {
  for (auto n : needles)
    if (s.find(n) != std::u32string_view::npos) return true;
  return false;
}

// The street-level tails of an address, which is how it appears in narratives: for
// 广东省广州市天河区体育西路123号3栋 also 广州市天河区体育西路123号3栋, 天河区体育西路123号3栋,
// 体育西路123号3栋 and 体育西路123号. English: the first comma-separated line (12 Baker Street).
void AddAddressVariants(Redactor::Terms& terms, const std::string& text, int index) {
  const std::u32string folded = FoldTerm(text);
  const bool han = std::any_of(folded.begin(), folded.end(), IsHan);
  if (!han) {
    const std::u32string line = FoldTerm(text.substr(0, text.find(',')));
    if (line.size() >= 6 && std::any_of(line.begin(), line.end(), IsAsciiDigit))
      terms.Add(line, SpanKind::kAddress, index);
    return;
  }
  auto street_level = [](std::u32string_view s) {
    return s.size() >= 4 &&
           ContainsAny(s, {U"路", U"街", U"道", U"巷", U"弄", U"号", U"村", U"组", U"栋", U"幢",
                           U"单元", U"室", U"小区", U"花园", U"苑", U"大厦", U"公寓", U"里"});
  };
  std::vector<std::u32string> tails;
  for (size_t i = 0; i + 1 < folded.size(); ++i) {
    static constexpr std::u32string_view kDivisions = U"省市州盟区县旗镇乡";
    const bool street_office = folded.compare(i, 2, U"街道") == 0;
    if (kDivisions.find(folded[i]) == std::u32string_view::npos && !street_office) continue;
    const std::u32string tail = folded.substr(i + (street_office ? 2 : 1));
    if (street_level(tail)) tails.push_back(tail);
  }
  tails.push_back(folded);
  for (const auto& tail : tails) {
    terms.Add(tail, SpanKind::kAddress, index);
    // Without building, unit and room: the house number is where most narratives stop.
    const size_t number_end = tail.find(U'号');
    if (number_end != std::u32string::npos && number_end + 1 < tail.size()) {
      const std::u32string house = tail.substr(0, number_end + 1);
      if (street_level(house) && ContainsAny(house, {U"路", U"街", U"道", U"巷", U"弄", U"村"}))
        terms.Add(house, SpanKind::kAddress, index);
    }
  }
}

// The code point that ends just before byte `at` (U+FFFD if invalid), or 0 at the start.
char32_t CodePointBefore(std::string_view text, size_t at) {
  if (at == 0) return 0;
  size_t start = at - 1;
  for (int k = 0; k < 3 && start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80;
       ++k)
    --start;
  const internal::Decoded d = DecodeAt(text, start);
  return start + d.length == at ? d.code_point : internal::kReplacement;
}

bool StartsWithCapital(std::string_view text, size_t at) {
  const char32_t c = DecodeAt(text, at).code_point;
  return (c >= 'A' && c <= 'Z') || (c >= 0xFF21 && c <= 0xFF3A);
}

// Brackets are dropped from folded text, so "(020)8765-4321" matches from its first digit: take
// the opening bracket along when the span holds the closing one, or "(" would be left dangling.
void IncludeOpeningBracket(std::string_view text, Span& span) {
  const std::string_view inside = text.substr(span.begin, span.end - span.begin);
  const char32_t before = CodePointBefore(text, span.begin);
  if (before == '(' && inside.find(')') != std::string_view::npos) {
    span.begin -= 1;
  } else if (before == 0xFF08 && inside.find("\uFF09") != std::string_view::npos) {
    span.begin -= 3;  // full-width brackets are three bytes in UTF-8
  }
}

void FindKnownTerms(const Redactor::Terms& terms, std::string_view text, std::vector<Span>& spans) {
  if (terms.variants.empty() || text.empty()) return;
  const internal::FoldedText folded = Fold(text);
  const std::u32string_view hay = folded.chars;
  for (const Variant& v : terms.variants) {
    const bool latin_start = IsAsciiAlnum(v.folded.front());
    const bool latin_end = IsAsciiAlnum(v.folded.back());
    for (size_t pos = hay.find(v.folded); pos != std::u32string_view::npos;
         pos = hay.find(v.folded, pos + 1)) {
      const size_t begin = folded.begin[pos];
      const size_t end = folded.end[pos + v.folded.size() - 1];
      // Latin words and numbers end at a word boundary: "Ann" is not in "Annual", a phone number
      // is not the middle of a longer number.
      if (latin_start && internal::FoldsToAsciiAlnum(CodePointBefore(text, begin))) continue;
      if (latin_end && end < text.size() &&
          internal::FoldsToAsciiAlnum(DecodeAt(text, end).code_point))
        continue;
      if (v.needs_capital && !StartsWithCapital(text, begin)) continue;
      spans.push_back({begin, end, v.kind, SpanSource::kKnownTerm, v.term_index});
      IncludeOpeningBracket(text, spans.back());
    }
  }
}

}  // namespace

std::string_view ToString(SpanKind kind) { return Info(kind).name; }

std::optional<SpanKind> ParseSpanKind(std::string_view name) {
  for (const auto& k : kKinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

std::string_view ToString(SpanSource source) {
  return source == SpanSource::kKnownTerm ? "known_term" : "pattern";
}

std::string_view Placeholder(SpanKind kind, Language language) {
  return language == Language::kZh ? Info(kind).zh : Info(kind).en;
}

StatusOr<Redactor> Redactor::Create(const std::vector<KnownTerm>& terms) {
  AEGIS_RETURN_IF_ERROR(internal::EnsurePatternsCompiled());
  auto prepared = std::make_shared<Terms>();
  for (size_t i = 0; i < terms.size(); ++i) {
    const KnownTerm& t = terms[i];
    const int index = static_cast<int>(i);
    const std::u32string folded = FoldTerm(t.text);
    prepared->Add(folded, t.kind, index);
    switch (t.kind) {
      case SpanKind::kPersonName:
        AddNameVariants(*prepared, t.text, index);
        break;
      case SpanKind::kPhone:
        AddPhoneVariants(*prepared, folded, index);
        break;
      case SpanKind::kAddress:
        AddAddressVariants(*prepared, t.text, index);
        break;
      default:
        break;
    }
  }
  return Redactor(std::move(prepared));
}

StatusOr<std::vector<Span>> Redactor::Find(std::string_view text) const {
  std::vector<Span> spans;
  if (text.empty()) return spans;
  const internal::PatternText pattern_text = internal::ToPatternText(text);
  AEGIS_ASSIGN_OR_RETURN(auto hits, internal::FindPatternHits(pattern_text));
  spans.reserve(hits.size());
  for (const auto& h : hits) {
    spans.push_back({pattern_text.byte_at[h.begin], pattern_text.byte_at[h.end], h.kind,
                     SpanSource::kPattern, -1});
  }
  FindKnownTerms(*terms_, text, spans);
  return MergeSpans(std::move(spans));
}

std::vector<Span> MergeSpans(std::vector<Span> spans) {
  spans.erase(
      std::remove_if(spans.begin(), spans.end(), [](const Span& s) { return s.end <= s.begin; }),
      spans.end());
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return a.end > b.end;
  });
  std::vector<Span> out;
  size_t widest = 0;  // length of the widest pattern span merged into out.back()
  for (const Span& s : spans) {
    if (!out.empty()) {
      Span& last = out.back();
      const bool overlap = s.begin < last.end;
      const bool touching_same = s.begin == last.end && s.kind == last.kind;
      if (overlap || touching_same) {
        const bool last_known = last.source == SpanSource::kKnownTerm;
        const bool s_known = s.source == SpanSource::kKnownTerm;
        if (s_known && !last_known) {
          last.kind = s.kind;
          last.source = SpanSource::kKnownTerm;
          last.term_index = s.term_index;
        } else if (s_known && last_known) {
          if (s.term_index < last.term_index) {
            last.term_index = s.term_index;
            last.kind = s.kind;
          }
        } else if (!s_known && !last_known && s.end - s.begin > widest) {
          last.kind = s.kind;
        }
        if (!s_known) widest = std::max(widest, s.end - s.begin);
        last.end = std::max(last.end, s.end);
        continue;
      }
    }
    out.push_back(s);
    widest = s.source == SpanSource::kPattern ? s.end - s.begin : 0;
  }
  return out;
}

namespace {

void AppendSanitized(std::string_view text, size_t from, size_t to, std::string& out) {
  for (size_t i = from; i < to;) {
    const internal::Decoded d = DecodeAt(text, i);
    if (d.valid && i + d.length <= to) {
      out.append(text.substr(i, d.length));
      i += d.length;
    } else {
      internal::AppendUtf8(internal::kReplacement, out);
      i += 1;
    }
  }
}

}  // namespace

std::string Mask(std::string_view text, const std::vector<Span>& spans, Language language) {
  std::string out;
  out.reserve(text.size());
  size_t cursor = 0;
  for (const Span& s : spans) {
    if (s.begin < cursor || s.end > text.size() || s.end <= s.begin) continue;
    AppendSanitized(text, cursor, s.begin, out);
    out.append(Placeholder(s.kind, language));
    cursor = s.end;
  }
  AppendSanitized(text, cursor, text.size(), out);
  return out;
}

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendSanitized(text, 0, text.size(), out);
  return out;
}

char ResidentIdCheckCharacter(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  if (first17.size() < 17) return '?';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (first17[i] < '0' || first17[i] > '9') return '?';
    sum += (first17[i] - '0') * kWeights[i];
  }
  static constexpr std::string_view kCheck = "10X98765432";
  return kCheck[sum % 11];
}

}  // namespace aegis::engines::redaction
