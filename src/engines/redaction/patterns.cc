// The patterns. Each is an ICU regular expression over PatternText (full-width ASCII already
// folded to ASCII, so digits and punctuation are written once). Word boundaries are explicit
// look-arounds on ASCII letters and digits, never \b: in Chinese text a Latin word or a number
// sits directly against ideographs, which \b counts as word characters.
//
// What the heuristics catch and miss is listed in README.md; the tests hold one example of each.
#include "engines/redaction/patterns.h"

#include <unicode/regex.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <array>
#include <climits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace aegis::engines::redaction::internal {
namespace {

// Which characters a text must contain for a pattern to be worth running.
constexpr unsigned kNeedsDigit = 1, kNeedsAt = 2, kNeedsLatin = 4, kNeedsHan = 8;

// Checks a match [*begin, *end) of `units`; may narrow it. False rejects the match.
using Validator = bool (*)(const char16_t* units, size_t* begin, size_t* end);

struct PatternDef {
  SpanKind kind;
  std::string regex;  // UTF-8
  int group;          // the capture group that is the span (0: the whole match)
  unsigned needs;
  Validator validate;
  // Chinese names of places, schools and workplaces: the regex matches the suffix (路…号, 小区,
  // 中学, 有限公司, ...) and the name is found by scanning back from it over name characters, at
  // least `name_min` and at most `name_max` of them. A regex that matches the name first tries
  // every start position in a run of ideographs; anchoring on the rare suffix took the whole
  // benchmark (bench/redaction_bench.cc) from 1,086 ms to 127 ms of CPU time.
  int name_min = 0;
  int name_max = 0;  // 0: no name before the match
};

// ---- validators

int DigitAt(const char16_t* u, size_t i) { return u[i] >= u'0' && u[i] <= u'9' ? u[i] - u'0' : -1; }
int Number(const char16_t* u, size_t at, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) v = v * 10 + DigitAt(u, at + i);
  return v;
}

bool ValidDate(int year, int month, int day) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month != 2 || day <= 28 || leap;
}

// The first two digits of a resident ID name a province-level region (GB/T 2260).
bool ValidProvince(int code) {
  static constexpr std::array<int, 36> kCodes = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                                 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                                 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91};
  for (int c : kCodes)
    if (c == code) return true;
  return false;
}

bool ValidateId18(const char16_t* u, size_t* begin, size_t* end) {
  const size_t b = *begin;
  if (*end - b != 18 || !ValidProvince(Number(u, b, 2))) return false;
  if (!ValidDate(Number(u, b + 6, 4), Number(u, b + 10, 2), Number(u, b + 12, 2))) return false;
  std::string first17(17, '0');
  for (size_t i = 0; i < 17; ++i) first17[i] = static_cast<char>(u[b + i]);
  const char16_t last = u[b + 17] == u'x' ? u'X' : u[b + 17];
  return static_cast<char16_t>(ResidentIdCheckCharacter(first17)) == last;
}

// The 15-digit format (issued until 1999) has a two-digit year of the 1900s and no check digit.
bool ValidateId15(const char16_t* u, size_t* begin, size_t* end) {
  const size_t b = *begin;
  if (*end - b != 15 || !ValidProvince(Number(u, b, 2))) return false;
  return ValidDate(1900 + Number(u, b + 6, 2), Number(u, b + 8, 2), Number(u, b + 10, 2));
}

size_t CountDigits(const char16_t* u, size_t begin, size_t end) {
  size_t n = 0;
  for (size_t i = begin; i < end; ++i) n += DigitAt(u, i) >= 0;
  return n;
}

// International numbers: E.164 allows up to 15 digits; fewer than 8 is not a subscriber number.
bool ValidateInternational(const char16_t* u, size_t* begin, size_t* end) {
  size_t digits = CountDigits(u, *begin, *end);
  if (u[*begin] == u'0') digits -= 2;  // "00" international prefix
  return digits >= 8 && digits <= 15;
}

// A number after "电话" / "phone": 7 to 15 digits, and not a date such as 2025-03-15.
bool ValidateContextPhone(const char16_t* u, size_t* begin, size_t* end) {
  const size_t digits = CountDigits(u, *begin, *end);
  if (digits < 7 || digits > 15) return false;
  const size_t b = *begin, n = *end - b;
  const bool date_shaped =
      n == 10 && (u[b + 4] == u'-' || u[b + 4] == u'/') && u[b + 7] == u[b + 4];
  return !date_shaped;
}

// Moves the start of an e-mail match from its "@" back over the local part (at most 64 characters
// of A-Z a-z 0-9 . _ % + -); a regex that starts with the local part tries every letter of a text.
bool ScanEmailLocalPart(const char16_t* u, size_t* begin, size_t* /*end*/) {
  auto local = [](char16_t c) {
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
           c == u'.' || c == u'_' || c == u'%' || c == u'+' || c == u'-';
  };
  size_t b = *begin;
  while (b > 0 && *begin - b < 64 && local(u[b - 1])) --b;
  if (b == *begin) return false;
  *begin = b;
  return true;
}

// Moves the start of a match back over the number before it (1 to 6 digits or Chinese numerals, not
// part of a longer run of digits): "栋2单元502室" becomes "3栋2单元502室".
bool ScanNumberBack(const char16_t* u, size_t* begin, size_t* /*end*/) {
  static constexpr std::u16string_view kNumerals = u"0123456789一二三四五六七八九十百千零〇两";
  size_t b = *begin;
  while (b > 0 && *begin - b < 6 && kNumerals.find(u[b - 1]) != std::u16string_view::npos) --b;
  if (b == *begin || (b > 0 && DigitAt(u, b - 1) >= 0)) return false;
  *begin = b;
  return true;
}

bool IsUpper(char16_t c) { return c >= u'A' && c <= u'Z'; }
bool IsLetter(char16_t c) { return IsUpper(c) || (c >= u'a' && c <= u'z'); }

bool WordIn(std::u16string_view word, std::initializer_list<std::u16string_view> list) {
  for (auto w : list)
    if (w == word) return true;
  return false;
}

// Words that start a sentence or a phrase ("At Riverside High School") but are not part of the
// institution's name.
bool LeadingStopword(std::u16string_view w) {
  return WordIn(w, {u"The",    u"A",     u"An",      u"At",     u"In",      u"On",      u"To",
                    u"From",   u"For",   u"By",      u"With",   u"Her",     u"His",     u"Their",
                    u"Our",    u"My",    u"Your",    u"Its",    u"After",   u"Before",  u"During",
                    u"When",   u"While", u"And",     u"But",    u"Or",      u"Then",    u"This",
                    u"That",   u"These", u"Those",   u"Victim", u"Witness", u"Suspect", u"She",
                    u"He",     u"They",  u"We",      u"I",      u"It",      u"Both",    u"Local",
                    u"Nearby", u"Same",  u"Another", u"Each",   u"Every",   u"Some",    u"Any"});
}

// Words that say what kind of institution it is, not which one.
bool KindWord(std::u16string_view w) {
  return WordIn(
      w, {u"Primary", u"Elementary",  u"Middle",  u"High",       u"Secondary",    u"Grammar",
          u"Junior",  u"Senior",      u"Public",  u"Private",    u"Catholic",     u"Community",
          u"School",  u"Academy",     u"College", u"University", u"Kindergarten", u"Institute",
          u"of",      u"and",         u"Ltd",     u"Limited",    u"Inc",          u"Incorporated",
          u"Corp",    u"Corporation", u"Company", u"Co",         u"LLC",          u"PLC",
          u"GmbH",    u"Hospital",    u"Clinic",  u"Bank",       u"Hotel",        u"Factory",
          u"Group",   u"St",          u"The"});
}

// Drops leading stopwords of an English institution name and requires a naming word to remain:
// "After School" and "the High School" are not names, "At Riverside High School" becomes
// "Riverside High School".
bool ValidateEnglishInstitution(const char16_t* u, size_t* begin, size_t* end) {
  size_t b = *begin;
  bool trimming = true, named = false;
  for (size_t i = b; i < *end;) {
    size_t j = i;
    while (j < *end && (IsLetter(u[j]) || u[j] == u'\'' || u[j] == u'-' || u[j] == 0x2019)) ++j;
    const std::u16string_view word(u + i, j - i);
    if (trimming && LeadingStopword(word)) {
      b = j;
    } else {
      trimming = false;
      if (!word.empty() && IsUpper(word[0]) && !KindWord(word)) named = true;
    }
    i = j == i ? j + 1 : j;
    while (trimming && b < *end && (u[b] == u' ' || u[b] == u',')) ++b;
  }
  if (!named || b >= *end) return false;
  *begin = b;
  return true;
}

// ---- the pattern table

// Characters that end a Chinese place, school or company name when scanning backwards from its
// suffix: pronouns, particles and verbs that sit right before such names in case narratives
// ("她住在…", "就读于…", "系…学生"). Without them "受害人系第一中学学生" would mask "受害人系…".
constexpr std::string_view kPlaceStop =
    "的了在住于到从往去是位她他我你们它其这那此该某也都就又还已曾称说讲告诉报并且而但因则即或被让"
    "叫给跟所个至对离过送把系为读念考入不附近当年月时回";

// A name does not start with a counted or pointed-at place ("一家酒店", "这所学校", "某个小区")
// nor with a verb or quantifier that often stands right before 学校, 医院 or 公司 ("走访学校",
// "联系医院"): the scan moves the start past them.
constexpr std::u16string_view kCounters = u"一两几每各这那某该本";
constexpr std::u16string_view kCounted = u"家所个间座位名";
constexpr std::array<std::u16string_view, 30> kNotNameStarts = {
    u"走访", u"前往", u"到达", u"离开", u"回到", u"返回", u"来到", u"进入", u"联系", u"通知",
    u"告知", u"转学", u"所在", u"就读", u"毕业", u"放学", u"上学", u"全市", u"全区", u"全县",
    u"各级", u"当地", u"本地", u"周边", u"其他", u"多所", u"相关", u"涉事", u"该校", u"学生"};

bool NotANameStart(const char16_t* u, size_t at, size_t end) {
  if (end - at < 2) return false;
  const std::u16string_view two(u + at, 2);
  if (kCounters.find(two[0]) != std::u16string_view::npos &&
      kCounted.find(two[1]) != std::u16string_view::npos)
    return true;
  for (auto w : kNotNameStarts)
    if (w == two) return true;
  return false;
}

// Frequent surnames, without those that are above all common words in a narrative (于 和 向 同 应
// 全 时 成 常 文 安 明 关 商 路 司 经 从 由 自 当): after "受害人" a word like "向派出所" must not
// read as a name.
constexpr std::string_view kSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑"
    "迟邝";
constexpr std::string_view kCompoundSurnames =
    "欧阳|司马|上官|诸葛|东方|皇甫|令狐|慕容|尉迟|长孙|宇文|司徒|夏侯|公孙|轩辕|端木|独孤|南宫|"
    "西门|百里";

// Characters that do not continue a given name: what usually follows a name in a narrative
// ("王芳称", "李华在家").
constexpr std::string_view kNotGiven =
    "说称在于是的了和与及被把向对从到去来将也都就又还已曾等因为则即后前时表示报告诉讲其所这那此某个"
    "们"
    "家里上下内外并且而但或让叫给跟同当系之以年月日岁名";

// Words that start with a surname character but are not names, seen right after a role word
// ("受害人陈述称", "受害人马上报警").
constexpr std::string_view kNotNames =
    "陈述|马上|方面|方才|高度|高兴|何时|何处|白天|万分|万一|余下|金额|金钱|周末|周围|周边|钱财|"
    "钱包|"
    "常常|安全|平安|石头|江边|毛发|毛衣|黄昏|黄色|白色|蓝色|左右|左侧|右侧|房间|房屋|房东|车辆|"
    "车上|"
    "车内|严重|严格|武器|卫生|路上|路过|包括|关系|关于|成年|尚未|曾经|任何|冷静|程度|毕业|连续|"
    "费用|"
    "许多|全部|全身|单独|孙子|苏醒|康复|温度|童年|尤其|宁可|甘愿|解释|解决|施暴|施加|师傅|游戏|"
    "游玩|"
    "谢谢|夏天|林中|田里|田间|牛奶|马路|宫颈";

constexpr std::string_view kRolesZh =
    "犯罪嫌疑人|受害人|被害人|受害者|被害者|报案人|报警人|举报人|证人|目击者|嫌疑人|被告人|当事人|"
    "监护人|"
    "家长|母亲|父亲|妈妈|爸爸|女儿|儿子|姐姐|妹妹|哥哥|弟弟|丈夫|妻子|前男友|男友|女友|同学|班主任|"
    "老师|"
    "教练|医生|房东|邻居|网友|朋友|同事|名叫|叫做|姓名|化名|昵称";

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += p;
  return s;
}

std::vector<PatternDef> Definitions() {
  const std::string num = "[0-9一二三四五六七八九十百千零〇两]{1,6}";
  const std::string house = Join({num, "(?:[-之]", num, ")?号院?"});
  const std::string tail = Join({"(?:", num, "(?:栋|幢|座|号楼|楼))?(?:", num, "单元(?:", num,
                                 "(?:室|房|户|号)?)?)?(?:", num, "(?:室|房|户))?"});
  const std::string road = "(?:大道|大街|路|街|巷|弄|胡同)(?:[东西南北中]段?)?";
  const std::string complex = "(?:小区|花园|公寓|大厦|家园|新村|山庄|苑|宿舍)";

  const std::string surname = Join({"(?:", kCompoundSurnames, "|[", kSurnames, "])"});
  const std::string title = "女士|先生|小姐|阿姨|老师|同学|警官|医生|师傅|律师";
  // A given name stops before a title: 班主任李老师 is the surname 李 and the title 老师.
  const std::string given = Join({"(?:(?!", title, ")[\\p{Han}--[", kNotGiven, "]])"});
  const std::string name_zh = Join({surname, "(?:某某?|[xX×*]{1,2}|", given, "{1,2})"});

  // Jane, O'Neil, McDonald, Mary-Ann.
  const std::string name_word =
      "[A-Z](?:[a-z]+|['\u2019][A-Z][a-z]+)(?:[A-Z][a-z]+)?(?:[-'\u2019][A-Z]?[a-z]+)?";
  const std::string name_en = Join({name_word, "(?:[ ]+", name_word, "){0,2}"});
  const std::string not_name_en =
      "(?!(?:The|A|An|And|But|On|In|At|To|Was|Is|Had|Has|He|She|They|We|It|Her|His|Their|This|"
      "That|When|After|Before|Said|Told|Reported|Support|Services|Unit|Team)(?![A-Za-z]))";
  const std::string cap_word = "[A-Z][A-Za-z'\u2019&.-]*";

  const std::string no_alnum_before = "(?<![0-9A-Za-z])";
  const std::string no_alnum_after = "(?![0-9A-Za-z])";

  return {
      // Resident ID, 18 digits: region, birth date, sequence, check character (validated).
      {SpanKind::kIdNumber,
       Join({no_alnum_before,
             "[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}"
             "[0-9Xx]",
             no_alnum_after}),
       0, kNeedsDigit, ValidateId18},
      // Resident ID, old 15-digit format.
      {SpanKind::kIdNumber,
       Join({no_alnum_before, "[1-9][0-9]{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}",
             no_alnum_after}),
       0, kNeedsDigit, ValidateId15},
      // Chinese mobile, optionally +86 / 0086 / (+86), with single spaces or dashes anywhere.
      {SpanKind::kPhone,
       Join({"(?<![0-9A-Za-z+])(?:(?:\\+|00)86[ -]?|\\(\\+?86\\)[ ]?)?1[3-9][0-9](?:[ -]?[0-9]){8}",
             no_alnum_after}),
       0, kNeedsDigit, nullptr},
      // Chinese landline with area code: 020-87654321, (0755) 1234567, 010 12345678 转 123.
      {SpanKind::kPhone,
       Join({no_alnum_before,
             "(?:\\(0[1-9][0-9]{1,2}\\)|0[1-9][0-9]{1,2})[ -]?[2-9](?:[ -]?[0-9]){6,7}"
             "(?:[ ]?(?:-|转|ext\\.?|x)[ ]?[0-9]{1,5})?",
             no_alnum_after}),
       0, kNeedsDigit, nullptr},
      // International with + (8 to 15 digits, validated).
      {SpanKind::kPhone,
       Join({"(?<![0-9A-Za-z+])\\+[1-9][0-9]{0,3}(?:[ .-]?(?:\\([0-9]{1,4}\\)|[0-9]{1,5})){1,6}",
             no_alnum_after}),
       0, kNeedsDigit, ValidateInternational},
      // International with the 00 prefix.
      {SpanKind::kPhone,
       Join({no_alnum_before, "00[1-9][0-9]{0,3}(?:[ .-]?[0-9]{1,5}){1,6}", no_alnum_after}), 0,
       kNeedsDigit, ValidateInternational},
      // North American format: (415) 555-0134, 415-555-0134, 415.555.0134.
      {SpanKind::kPhone,
       Join({no_alnum_before,
             "(?:\\([2-9][0-9]{2}\\)[ ]?|[2-9][0-9]{2}[-. ])[2-9][0-9]{2}[-. ][0-9]{4}",
             no_alnum_after}),
       0, kNeedsDigit, nullptr},
      // Any number right after a phone word: "电话：87654321", "tel 2345 6789".
      {SpanKind::kPhone,
       Join({"(?:联系电话|联系方式|手机号码|手机号|电话号码|电话|手机|座机|[Tt]el|TEL|[Pp]hone|"
             "PHONE|[Mm]obile|[Cc]ell)"
             "[ :：]*(?:号码|是|为)?[ :：]*((?:\\+|00)?[0-9](?:[ -]?[0-9]){6,14})",
             no_alnum_after}),
       1, kNeedsDigit, ValidateContextPhone},
      // E-mail.
      // E-mail: matched from the @ (the local part is scanned back by the validator).
      {SpanKind::kEmail,
       "@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,6}\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])", 0,
       kNeedsAt, ScanEmailLocalPart},
      // Chinese address: a road and a house number, a residential complex, or a village with a
      // group or house number, then building, unit and room; the name before it (scanned back)
      // takes in the divisions: 广东省广州市天河区体育西路123号3栋2单元502室.
      {SpanKind::kAddress, Join({road, house, tail}), 0, kNeedsHan, nullptr, 1, 30},
      {SpanKind::kAddress, Join({complex, tail}), 0, kNeedsHan, nullptr, 2, 30},
      {SpanKind::kAddress, Join({"村", num, "(?:组|队|号)(?:", num, "号)?"}), 0, kNeedsHan, nullptr,
       1, 30},
      // Building, unit and room on their own: 3栋2单元502室, 2单元502, 5号楼1203室. Matched from
      // the word after the first number, which the validator scans back.
      {SpanKind::kAddress,
       Join({"(?:栋|幢|座|号楼)", num, "单元", num, "(?:室|房|户|号)?|单元", num,
             "(?:室|房|户|号)?|", "(?:栋|幢|号楼)", num, "(?:室|房|户)"}),
       0, kNeedsHan, ScanNumberBack},
      // English address: house number, capitalised street name, street type, optional flat.
      {SpanKind::kAddress,
       Join(
           {no_alnum_before,
            "(?:(?:Apt|Apartment|Flat|Unit|Suite)\\.?[ ]*[0-9A-Za-z-]{1,6},?[ "
            "]+)?[0-9]{1,5}[A-Za-z]?,?"
            "[ ]+(?:[A-Z][A-Za-z'\u2019-]*[ ]+){1,4}"
            "(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|"
            "Terrace|Crescent|Close|Square|Sq|Parkway|Highway|Hwy)(?![A-Za-z])\\.?"
            "(?:,?[ ]*(?:Apt|Apartment|Flat|Unit|Suite|Room|#)\\.?[ ]*[0-9A-Za-z-]{1,6}",
            no_alnum_after, ")?"}),
       0, kNeedsDigit | kNeedsLatin, nullptr},
      // Chinese school: a name of two or more characters and a school suffix (not 小学生, not the
      // generic 中小学).
      {SpanKind::kSchool,
       "(?:幼儿园|附属小学|附属中学|初级中学|高级中学|(?<!中)小学|中学|高中|初中|大学|学院|学校|"
       "职校|"
       "中专|技校|附中|附小)(?!生)",
       0, kNeedsHan, nullptr, 2, 12},
      // English school: "Riverside High School", "St Mary's College", "University of Leeds".
      {SpanKind::kSchool,
       Join({"(?<![A-Za-z])(?:", cap_word,
             "[ ]+){1,5}(?:School|Academy|College|University|Kindergarten|"
             "Institute)(?![A-Za-z])"}),
       0, kNeedsLatin, ValidateEnglishInstitution},
      {SpanKind::kSchool,
       "(?<![A-Za-z])University[ ]+of[ ]+[A-Z][A-Za-z]+(?:[ ]+[A-Z][A-Za-z]+){0,3}", 0, kNeedsLatin,
       nullptr},
      // Chinese workplace: a name of two or more characters and a company, hospital, hotel,
      // factory, bank ... suffix.
      {SpanKind::kWorkplace,
       "(?:股份有限公司|有限责任公司|有限公司|分公司|公司|集团|医院|卫生院|卫生服务中心|诊所|"
       "门诊部|工厂|"
       "厂|酒店|宾馆|饭店|旅馆|餐厅|银行|支行|分行|超市|商场|研究所|研究院|律师事务所|事务所|会所|"
       "网吧)",
       0, kNeedsHan, nullptr, 2, 14},
      // English workplace: "Acme Trading Ltd", "St Luke's Hospital", "Harbour Hotel".
      {SpanKind::kWorkplace,
       Join({"(?<![A-Za-z])(?:", cap_word,
             "[ ]+){1,5}(?:Ltd|Limited|Inc|Incorporated|Corp|Corporation|"
             "Company|Co|LLC|PLC|GmbH|Hospital|Clinic|Bank|Hotel|Factory|Group)(?![A-Za-z])\\.?"}),
       0, kNeedsLatin, ValidateEnglishInstitution},
      // A Chinese name after a role word: "受害人张某某", "其母亲李秀英", "嫌疑人：王某".
      {SpanKind::kPersonName,
       Join({"(?:", kRolesZh, ")[：:, ，]*(?:为|是|系|叫|名叫)?[：: ]*(?!", kNotNames, ")(",
             name_zh, ")"}),
       1, kNeedsHan, nullptr},
      // A surname before a title: "王女士", "李老师" (not 历史老师, 主任医生).
      {SpanKind::kPersonName, Join({"(?<![历主])(", surname, "(?:某某?)?)(?=", title, ")"}), 1,
       kNeedsHan, nullptr},
      // An already shortened name still shows the surname: "张某某", "李某".
      {SpanKind::kPersonName, Join({surname, "某某?"}), 0, kNeedsHan, nullptr},
      // An English name after a role word: "victim Jane Doe", "the complainant, Mary Smith".
      {SpanKind::kPersonName,
       Join({"(?<![A-Za-z])(?:[Vv]ictim|[Cc]omplainant|[Ss]urvivor|[Ww]itness|[Ss]uspect|[Dd]"
             "efendant|"
             "[Rr]eporter|[Mm]other|[Ff]ather|[Dd]aughter|[Ss]on|[Ss]ister|[Bb]rother|[Hh]usband|["
             "Ww]ife|"
             "[Bb]oyfriend|[Gg]irlfriend|[Tt]eacher|[Cc]oach|named|called)(?:[ ]*,[ ]*|[ ]+)",
             not_name_en, "(", name_en, ")"}),
       1, kNeedsLatin, nullptr},
      // An English name after a title: "Ms Lee", "Dr. Alan Grant".
      {SpanKind::kPersonName,
       Join({"(?<![A-Za-z])(?:Mr|Mrs|Ms|Miss|Mx|Dr)\\.?[ ]+", not_name_en, "(", name_en, ")"}), 1,
       kNeedsLatin, nullptr},
  };
}

struct Compiled {
  std::vector<PatternDef> defs;
  std::vector<std::unique_ptr<icu::RegexPattern>> patterns;
  icu::UnicodeSet name_chars;  // characters of Chinese place, school and company names (frozen)
  Status status;
};

const Compiled& Patterns() {
  static const Compiled compiled = [] {
    Compiled c;
    c.defs = Definitions();
    UErrorCode set_status = U_ZERO_ERROR;
    c.name_chars.applyPattern(
        icu::UnicodeString::fromUTF8(Join({"[[\\p{Han}0-9A-Za-z]-[", kPlaceStop, "]]"})),
        set_status);
    if (U_FAILURE(set_status)) {
      c.status = Status::Internal(std::string("redaction name set does not compile: ") +
                                  u_errorName(set_status));
      return c;
    }
    c.name_chars.freeze();
    for (size_t i = 0; i < c.defs.size(); ++i) {
      UErrorCode status = U_ZERO_ERROR;
      UParseError where{};
      std::unique_ptr<icu::RegexPattern> p(icu::RegexPattern::compile(
          icu::UnicodeString::fromUTF8(c.defs[i].regex), 0, where, status));
      if (U_FAILURE(status) || !p) {
        c.status = Status::Internal("redaction pattern " + std::to_string(i) +
                                    " does not compile: " + u_errorName(status) + " at offset " +
                                    std::to_string(where.offset));
        c.patterns.clear();
        return c;
      }
      c.patterns.push_back(std::move(p));
    }
    return c;
  }();
  return compiled;
}

// One matcher per pattern and thread, reused across texts: creating a matcher allocates.
std::vector<std::unique_ptr<icu::RegexMatcher>>& ThreadMatchers(const Compiled& c,
                                                                UErrorCode& status) {
  thread_local std::vector<std::unique_ptr<icu::RegexMatcher>> matchers;
  if (matchers.size() != c.patterns.size()) {
    matchers.clear();
    for (const auto& p : c.patterns) {
      matchers.emplace_back(p->matcher(status));
      if (U_FAILURE(status)) break;
      // Every pattern is bounded; the limit only guards against a mistake in one of them making
      // a request hang. In ICU's steps of roughly a millisecond.
      matchers.back()->setTimeLimit(20000, status);
    }
    if (U_FAILURE(status)) matchers.clear();
  }
  return matchers;
}

// Moves `*begin` back over the name before a suffix match: name characters, at most
// def.name_max of them, past any start that is not a name (NotANameStart); false when fewer than
// def.name_min remain.
bool ScanNameBack(const icu::UnicodeSet& name_chars, const char16_t* u, const PatternDef& def,
                  size_t* begin) {
  size_t start = *begin;
  int count = 0;
  while (count < def.name_max && start > 0) {
    size_t prev = start;
    UChar32 c = 0;
    U16_PREV(u, 0, prev, c);
    if (!name_chars.contains(c)) break;
    start = prev;
    ++count;
  }
  while (count >= def.name_min && count > 0 && NotANameStart(u, start, *begin)) {
    U16_FWD_1(u, start, *begin);
    --count;
  }
  if (count < def.name_min) return false;
  *begin = start;
  return true;
}

}  // namespace

Status EnsurePatternsCompiled() { return Patterns().status; }

bool IsCompoundSurname(std::u32string_view two) {
  static const std::vector<std::u32string> kAll = [] {
    std::vector<std::u32string> out;
    std::string_view rest = kCompoundSurnames;
    while (!rest.empty()) {
      const size_t bar = rest.find('|');
      out.push_back(FoldTerm(rest.substr(0, bar)));
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
    return out;
  }();
  for (const auto& s : kAll)
    if (s == two) return true;
  return false;
}

StatusOr<std::vector<PatternHit>> FindPatternHits(const PatternText& text) {
  const Compiled& c = Patterns();
  AEGIS_RETURN_IF_ERROR(c.status);
  if (text.units.size() > static_cast<size_t>(INT32_MAX))
    return Status::Internal("text too long for the redaction patterns");
  UErrorCode status = U_ZERO_ERROR;
  auto& matchers = ThreadMatchers(c, status);
  if (U_FAILURE(status))
    return Status::Internal(std::string("cannot create a regex matcher: ") + u_errorName(status));
  // A read-only alias of the units: no copy.
  const icu::UnicodeString input(false, text.units.data(), static_cast<int32_t>(text.units.size()));
  const TextFeatures& f = text.features;
  const unsigned present = (f.digit ? kNeedsDigit : 0u) | (f.at ? kNeedsAt : 0u) |
                           (f.latin ? kNeedsLatin : 0u) | (f.han ? kNeedsHan : 0u);
  std::vector<PatternHit> hits;
  for (size_t i = 0; i < c.defs.size(); ++i) {
    const PatternDef& def = c.defs[i];
    if ((def.needs & present) != def.needs) continue;
    icu::RegexMatcher& m = *matchers[i];
    m.reset(input);
    while (m.find(status) && U_SUCCESS(status)) {
      const int32_t s = m.start(def.group, status);
      const int32_t e = m.end(def.group, status);
      if (U_FAILURE(status)) break;
      if (s < 0 || e <= s) continue;  // the group did not take part
      size_t begin = static_cast<size_t>(s), end = static_cast<size_t>(e);
      if (def.validate && !def.validate(text.units.data(), &begin, &end)) continue;
      if (def.name_max > 0 && !ScanNameBack(c.name_chars, text.units.data(), def, &begin)) continue;
      if (end > begin) hits.push_back({begin, end, def.kind});
    }
    // Forget the alias before `input` goes away.
    static const icu::UnicodeString kNothing;
    m.reset(kNothing);
    if (U_FAILURE(status))
      return Status::Internal(std::string("redaction pattern failed: ") + u_errorName(status));
  }
  return hits;
}

}  // namespace aegis::engines::redaction::internal
