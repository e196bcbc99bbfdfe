#include "engines/redaction/redaction.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace aegis::engines::redaction {
namespace {

Redactor Make(const std::vector<KnownTerm>& terms = {}) {
  auto r = Redactor::Create(terms);
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return *r;
}

// The text as masked in Chinese (or English) placeholders.
std::string Masked(const std::string& text, const std::vector<KnownTerm>& terms = {},
                   Language language = Language::kZh) {
  const Redactor r = Make(terms);
  auto spans = r.Find(text);
  EXPECT_TRUE(spans.ok()) << spans.status().ToString();
  return spans.ok() ? Mask(text, *spans, language) : std::string();
}

std::string MaskedEn(const std::string& text, const std::vector<KnownTerm>& terms = {}) {
  return Masked(text, terms, Language::kEn);
}

// "kind:text" for every span, in order.
std::vector<std::string> Found(const std::string& text, const std::vector<KnownTerm>& terms = {}) {
  auto spans = Make(terms).Find(text);
  EXPECT_TRUE(spans.ok());
  std::vector<std::string> out;
  if (!spans.ok()) return out;
  for (const Span& s : *spans)
    out.push_back(std::string(ToString(s.kind)) + ":" + text.substr(s.begin, s.end - s.begin));
  return out;
}

bool ValidUtf8(const std::string& s) { return SanitizeUtf8(s) == s; }

// A valid 18-digit ID: region 440103, birth date, sequence, computed check character.
std::string Id18(const std::string& birth, const std::string& seq) {
  const std::string first17 = "440103" + birth + seq;
  return first17 + ResidentIdCheckCharacter(first17);
}

// ---------------------------------------------------------------- resident ID numbers

TEST(RedactionId, ValidEighteenDigitIdIsMasked) {
  const std::string id = Id18("20150315", "002");
  EXPECT_EQ(Masked("身份证号：" + id + "。"), "身份证号：[身份证号]。");
  EXPECT_EQ(MaskedEn("ID " + id + ", issued 2020"), "ID [ID NUMBER], issued 2020");
}

TEST(RedactionId, CheckCharacterXInEitherCaseAndFullWidthDigits) {
  // 11010519491231002X is the standard's own example.
  EXPECT_EQ(Masked("证件11010519491231002X"), "证件[身份证号]");
  EXPECT_EQ(Masked("证件11010519491231002x"), "证件[身份证号]");
  EXPECT_EQ(Masked("证件１１０１０５１９４９１２３１００２Ｘ"), "证件[身份证号]");
}

TEST(RedactionId, WrongCheckCharacterImpossibleDateOrRegionIsNotAnId) {
  std::string id = Id18("20150315", "002");
  id[17] = id[17] == '1' ? '2' : '1';
  EXPECT_EQ(Found("号码" + id), std::vector<std::string>{});
  // 30 February, and region code 99.
  const std::string feb30 = "440103" + std::string("20150230") + "002";
  EXPECT_EQ(Found(feb30 + ResidentIdCheckCharacter(feb30)), std::vector<std::string>{});
  const std::string region = "990103" + std::string("20150315") + "002";
  EXPECT_EQ(Found(region + ResidentIdCheckCharacter(region)), std::vector<std::string>{});
}

TEST(RedactionId, OldFifteenDigitFormat) {
  EXPECT_EQ(Masked("旧身份证440103850315123"), "旧身份证[身份证号]");
  EXPECT_EQ(Found("440103851315123"), std::vector<std::string>{});  // month 13
}

TEST(RedactionId, AnIdInsideALongerNumberOrCodeIsNotMatched) {
  const std::string id = Id18("19900101", "123");
  EXPECT_EQ(Found("6" + id), std::vector<std::string>{});  // a 19-digit bank card
  EXPECT_EQ(Found("AJ" + id), std::vector<std::string>{});
}

// ---------------------------------------------------------------- phones

TEST(RedactionPhone, ChineseMobilesInTheirUsualForms) {
  EXPECT_EQ(Masked("手机13812345678"), "手机[电话]");
  EXPECT_EQ(Masked("联系她：138 1234 5678。"), "联系她：[电话]。");
  EXPECT_EQ(Masked("号码138-1234-5678"), "号码[电话]");
  EXPECT_EQ(Masked("拨打+86 138 1234 5678"), "拨打[电话]");
  EXPECT_EQ(Masked("拨打+8613812345678后"), "拨打[电话]后");
  EXPECT_EQ(Masked("(+86)13812345678"), "[电话]");
  EXPECT_EQ(Masked("０１３８１２３４５６７８"), "０１３８１２３４５６７８");  // 12 digits
  EXPECT_EQ(Masked("１３８１２３４５６７８"), "[电话]");
}

TEST(RedactionPhone, LandlinesAndInternationalNumbers) {
  EXPECT_EQ(Masked("座机020-87654321"), "座机[电话]");
  EXPECT_EQ(Masked("（0755）2345678转8"), "[电话]");
  EXPECT_EQ(Masked("单位电话010 12345678"), "单位电话[电话]");
  EXPECT_EQ(MaskedEn("call +1 415 555 0134 today"), "call [PHONE] today");
  EXPECT_EQ(MaskedEn("London +44 20 7946 0958."), "London [PHONE].");
  EXPECT_EQ(MaskedEn("HK 00852 9123 4567"), "HK [PHONE]");
  EXPECT_EQ(MaskedEn("her cell (415) 555-0134"), "her cell [PHONE]");
  EXPECT_EQ(MaskedEn("at 415-555-0134"), "at [PHONE]");
}

TEST(RedactionPhone, ANumberAfterAPhoneWord) {
  EXPECT_EQ(Masked("电话：87654321"), "电话：[电话]");
  EXPECT_EQ(MaskedEn("Tel 2345 6789"), "Tel [PHONE]");
  EXPECT_EQ(MaskedEn("phone 2025-03-15"), "phone 2025-03-15");  // a date, not a number
}

TEST(RedactionPhone, DatesTimesAmountsAndReferencesAreNotPhones) {
  for (const std::string text : {
           "2025-03-15 14:30:00 报案", "案发时间20250315143000", "涉案金额13,800,000元",
           "涉案金额13800000元", "卷宗AJ-2025-000045与AJ20251381234567",
           "线索XS-2026-000123，AJ2025013812345678", "1380000000秒",
           "报警电话110，急救120，热线12345", "IP 192.168.1.100", "2025年3月15日晚上10点30分",
           "第13812345678号文件"  // digits glued to ideographs are still a mobile: see below
       }) {
    SCOPED_TRACE(text);
    const auto found = Found(text);
    if (text.rfind("第", 0) == 0) {
      EXPECT_EQ(found, std::vector<std::string>{"phone:13812345678"});
    } else {
      EXPECT_EQ(found, std::vector<std::string>{});
    }
  }
}

// ---------------------------------------------------------------- e-mail

TEST(RedactionEmail, Addresses) {
  EXPECT_EQ(Masked("邮箱jane.doe+case@example.com。"), "邮箱[电子邮箱]。");
  EXPECT_EQ(MaskedEn("write to li_hua@mail.qq.com or X@Y.CN"), "write to [EMAIL] or [EMAIL]");
  EXPECT_EQ(Found("an @ sign, @mentions and a@b are not addresses"), std::vector<std::string>{});
}

// ---------------------------------------------------------------- addresses

TEST(RedactionAddress, ChineseAddresses) {
  EXPECT_EQ(Masked("受害人家住广东省广州市天河区体育西路123号3栋2单元502室，当晚"),
            "受害人家住[地址]，当晚");
  EXPECT_EQ(Masked("她住在阳光花园小区5栋1203室"), "她住在[地址]");
  EXPECT_EQ(Masked("案发地点在中山大道西88号附近"), "案发地点在[地址]附近");
  EXPECT_EQ(Masked("住3栋2单元502室"), "住[地址]");
  EXPECT_EQ(Masked("老家在张家村3组15号"), "老家在[地址]");
}

TEST(RedactionAddress, RoadsWithoutNumbersAndDistrictsAloneStay) {
  for (const std::string text : {"在中山路附近被跟踪", "回家路上", "案发于天河区", "走路回家",
                                 "思路清晰", "一路跟随", "第3号文件"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Found(text), std::vector<std::string>{});
  }
}

TEST(RedactionAddress, EnglishAddresses) {
  EXPECT_EQ(MaskedEn("She lives at 12 Baker Street, London."), "She lives at [ADDRESS], London.");
  EXPECT_EQ(MaskedEn("found near 221B Elm Park Road Apt 4"), "found near [ADDRESS]");
  EXPECT_EQ(MaskedEn("Flat 3, 45 Harbour View Lane"), "[ADDRESS]");
  EXPECT_EQ(Found("at 10 am on the main road"), std::vector<std::string>{});
}

// ---------------------------------------------------------------- schools and workplaces

TEST(RedactionSchool, ChineseSchools) {
  EXPECT_EQ(Masked("受害人系广州市第一中学学生"), "受害人系[学校]学生");
  EXPECT_EQ(Masked("她在实验小学读三年级"), "她在[学校]读三年级");
  EXPECT_EQ(Masked("就读于华南理工大学"), "就读于[学校]");
  EXPECT_EQ(Masked("接回阳光幼儿园"), "接回[学校]");
}

TEST(RedactionSchool, GenericMentionsOfSchoolsStay) {
  for (const std::string text :
       {"她上小学三年级", "一名小学生", "她是大学生", "读大学", "这所学校", "一所中学", "附近学校",
        "不同学校", "中学时", "走访学校", "联系学校", "全市中小学"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Found(text), std::vector<std::string>{});
  }
}

TEST(RedactionSchool, EnglishSchools) {
  EXPECT_EQ(MaskedEn("a pupil at Riverside High School since 2023"),
            "a pupil at [SCHOOL] since 2023");
  EXPECT_EQ(MaskedEn("At Riverside High School she"), "At [SCHOOL] she");
  EXPECT_EQ(MaskedEn("studies at the University of Leeds"), "studies at the [SCHOOL]");
  EXPECT_EQ(MaskedEn("St Mary's College"), "[SCHOOL]");
  EXPECT_EQ(Found("After School club; the High School"), std::vector<std::string>{});
}

TEST(RedactionWorkplace, ChineseAndEnglishWorkplaces) {
  EXPECT_EQ(Masked("嫌疑人在广州市恒达贸易有限公司工作"), "嫌疑人在[工作单位]工作");
  EXPECT_EQ(Masked("送往市第一人民医院救治"), "送往[工作单位]救治");
  EXPECT_EQ(Masked("两人在锦江酒店见面"), "两人在[工作单位]见面");
  EXPECT_EQ(MaskedEn("works for Acme Trading Ltd. in Leeds"), "works for [WORKPLACE] in Leeds");
  EXPECT_EQ(MaskedEn("examined at St Luke's Hospital"), "examined at [WORKPLACE]");
  for (const std::string text : {"送医院", "去医院检查", "在一家酒店", "这家公司", "银行"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Found(text), std::vector<std::string>{});
  }
}

// ---------------------------------------------------------------- names by pattern

TEST(RedactionName, ChineseNamesAfterRoleWords) {
  EXPECT_EQ(Masked("受害人张某某称"), "受害人[姓名]称");
  EXPECT_EQ(Masked("被害人王芳在家中"), "被害人[姓名]在家中");
  EXPECT_EQ(Masked("其母亲李秀英陪同"), "其母亲[姓名]陪同");
  EXPECT_EQ(Masked("犯罪嫌疑人：欧阳明辉"), "犯罪嫌疑人：[姓名]");
  EXPECT_EQ(Masked("嫌疑人刘XX逃离"), "嫌疑人[姓名]逃离");
  EXPECT_EQ(Masked("王女士报警"), "[姓名]女士报警");
  EXPECT_EQ(Masked("班主任李老师发现"), "班主任[姓名]老师发现");
}

TEST(RedactionName, WordsAfterRoleWordsThatAreNotNames) {
  for (const std::string text :
       {"受害人陈述称", "受害人马上报警", "受害人向派出所报案", "受害人于当晚", "受害人家属",
        "历史老师", "受害人称", "和先生一起", "向老师报告"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Found(text), std::vector<std::string>{});
  }
}

TEST(RedactionName, EnglishNamesAfterRoleWordsAndTitles) {
  EXPECT_EQ(MaskedEn("The victim Jane Doe said"), "The victim [NAME] said");
  EXPECT_EQ(MaskedEn("the complainant, Mary-Ann O'Neil, reported"),
            "the complainant, [NAME], reported");
  EXPECT_EQ(MaskedEn("Ms Lee and Dr. Alan Grant"), "Ms [NAME] and Dr. [NAME]");
  EXPECT_EQ(MaskedEn("Victim was at home"), "Victim was at home");
  EXPECT_EQ(MaskedEn("the victim said"), "the victim said");
}

// ---------------------------------------------------------------- known terms

TEST(RedactionKnownTerms, MatchedIgnoringCaseWidthAndSpacing) {
  const std::vector<KnownTerm> terms = {{SpanKind::kPersonName, "Jane Doe"},
                                        {SpanKind::kPersonName, "张小红"}};
  EXPECT_EQ(MaskedEn("JANE DOE met Jane  Doe and ｊａｎｅ　ｄｏｅ", terms),
            "[NAME] met [NAME] and [NAME]");
  EXPECT_EQ(Masked("张 小 红说，小红当时在场", terms), "[姓名]说，[姓名]当时在场");
  // Parts of an English name are masked only when capitalised; not inside other words.
  EXPECT_EQ(MaskedEn("Jane said Doe's friend; doe-eyed; Janet; janes", terms),
            "[NAME] said [NAME]'s friend; doe-eyed; Janet; janes");
  EXPECT_EQ(MaskedEn("DOE, Jane", terms), "[NAME]");
}

TEST(RedactionKnownTerms, PhonesInAnyFormat) {
  const std::vector<KnownTerm> terms = {{SpanKind::kPhone, "+8613812345678"},
                                        {SpanKind::kPhone, "+862087654321"}};
  EXPECT_EQ(Masked("打138 1234 5678或0086-138-1234-5678或(020)8765-4321", terms),
            "打[电话]或[电话]或[电话]");
  // Not the middle of a longer number.
  EXPECT_EQ(Masked("编号9138123456789", terms), "编号9138123456789");
}

TEST(RedactionKnownTerms, AddressTails) {
  const std::vector<KnownTerm> terms = {
      {SpanKind::kAddress, "广东省广州市天河区体育西路123号3栋2单元502室"}};
  EXPECT_EQ(Masked("她说体育西路123号楼下有人", terms), "她说[地址]楼下有人");
  EXPECT_EQ(Masked("住天河区体育西路123号3栋2单元502室", terms), "住[地址]");
  const std::vector<KnownTerm> en = {{SpanKind::kAddress, "12 Baker Street, London NW1"}};
  EXPECT_EQ(MaskedEn("seen at 12 baker street", en), "seen at [ADDRESS]");
}

TEST(RedactionKnownTerms, IdNumbersWithLowerCaseXAndSpaces) {
  const std::vector<KnownTerm> terms = {{SpanKind::kIdNumber, "11010519491231002X"}};
  EXPECT_EQ(Masked("证号110105 19491231 002x", terms), "证号[身份证号]");
}

TEST(RedactionKnownTerms, KnownTermWinsOverAnOverlappingPattern) {
  const std::vector<KnownTerm> terms = {{SpanKind::kPersonName, "王芳"}};
  auto spans = Make(terms).Find("被害人王芳说");
  ASSERT_TRUE(spans.ok());
  ASSERT_EQ(spans->size(), 1u);
  EXPECT_EQ((*spans)[0].source, SpanSource::kKnownTerm);
  EXPECT_EQ((*spans)[0].term_index, 0);
  EXPECT_EQ((*spans)[0].kind, SpanKind::kPersonName);
}

TEST(RedactionKnownTerms, SingleCharacterTermsAreIgnored) {
  EXPECT_EQ(Masked("王说", {{SpanKind::kPersonName, "王"}, {SpanKind::kOther, " "}}), "王说");
}

TEST(RedactionKnownTerms, OtherTermsUseTheGenericPlaceholder) {
  EXPECT_EQ(Masked("网名小兔子常上线", {{SpanKind::kOther, "小兔子"}}), "网名[已遮蔽]常上线");
}

// ---------------------------------------------------------------- merging and masking

TEST(RedactionMerge, OverlappingAndTouchingSpans) {
  std::vector<Span> spans = {{0, 5, SpanKind::kAddress, SpanSource::kPattern, -1},
                             {3, 9, SpanKind::kSchool, SpanSource::kPattern, -1},
                             {9, 12, SpanKind::kSchool, SpanSource::kPattern, -1},
                             {12, 14, SpanKind::kPhone, SpanSource::kPattern, -1},
                             {20, 22, SpanKind::kPhone, SpanSource::kPattern, -1},
                             {21, 23, SpanKind::kPersonName, SpanSource::kKnownTerm, 2},
                             {20, 21, SpanKind::kOther, SpanSource::kKnownTerm, 1}};
  const auto merged = MergeSpans(spans);
  ASSERT_EQ(merged.size(), 3u);
  // 0-9 (school is longer) then 9-12 touches with the same kind.
  EXPECT_EQ(merged[0], (Span{0, 12, SpanKind::kSchool, SpanSource::kPattern, -1}));
  EXPECT_EQ(merged[1], (Span{12, 14, SpanKind::kPhone, SpanSource::kPattern, -1}));
  // A known term makes the whole merged span a known-term span; the lowest term index wins.
  EXPECT_EQ(merged[2], (Span{20, 23, SpanKind::kOther, SpanSource::kKnownTerm, 1}));
}

TEST(RedactionMask, KeepsEverythingElseByteIdentical) {
  const std::string text = "a\tb\r\n  c 受害人王芳 ｘ 😀 end";
  auto spans = Make().Find(text);
  ASSERT_TRUE(spans.ok());
  const std::string masked = Mask(text, *spans, Language::kEn);
  EXPECT_EQ(masked, "a\tb\r\n  c 受害人[NAME] ｘ 😀 end");
}

TEST(RedactionMask, InvalidUtf8NeverCrashesAndNeverSurvives) {
  const std::vector<std::string> inputs = {"\xff\xfe受害人王芳\x80",
                                           "\xe4\xb8",
                                           "138\xc0\xaf"
                                           "12345678",
                                           "\xed\xa0\x80",
                                           "\xf4\x90\x80\x80 x",
                                           std::string("abc\0def", 7)};
  for (const std::string& text : inputs) {
    auto spans = Make({{SpanKind::kPersonName, "王芳"}}).Find(text);
    ASSERT_TRUE(spans.ok());
    const std::string masked = Mask(text, *spans, Language::kZh);
    EXPECT_TRUE(ValidUtf8(masked)) << masked;
    for (const Span& s : *spans) {
      EXPECT_LE(s.begin, s.end);
      EXPECT_LE(s.end, text.size());
    }
  }
  EXPECT_EQ(SanitizeUtf8("a\xff"
                         "b"),
            "a\xef\xbf\xbd"
            "b");
}

TEST(RedactionMask, BadSpansAreIgnored) {
  const std::vector<Span> spans = {{2, 1, SpanKind::kPhone, SpanSource::kPattern, -1},
                                   {0, 99, SpanKind::kPhone, SpanSource::kPattern, -1}};
  EXPECT_EQ(Mask("abc", spans, Language::kZh), "abc");
}

TEST(RedactionMask, RandomBytesAlwaysGiveValidUtf8) {
  std::mt19937 rng(42);
  const Redactor r =
      Make({{SpanKind::kPersonName, "Jane Doe"}, {SpanKind::kPhone, "+8613812345678"}});
  const std::string alphabet = "0123456789 -+@.abcXYZ受害人王芳路号中学公司\xff\x80\xe4";
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 60);
    for (int k = 0; k < n; ++k) text += alphabet[rng() % alphabet.size()];
    auto spans = r.Find(text);
    ASSERT_TRUE(spans.ok());
    ASSERT_TRUE(ValidUtf8(Mask(text, *spans, Language::kEn))) << text;
  }
}

// ---------------------------------------------------------------- a realistic narrative

TEST(RedactionNarrative, MixedChineseAndEnglishCaseNote) {
  const std::string id = Id18("20100607", "024");
  const std::vector<KnownTerm> terms = {{SpanKind::kPersonName, "陈晓雨"},
                                        {SpanKind::kIdNumber, id},
                                        {SpanKind::kPhone, "+8613912345678"},
                                        {SpanKind::kAddress, "广州市海珠区江南大道中100号"}};
  const std::string text =
      "2025年3月15日21时许，被害人陈晓雨（身份证" + id +
      "，电话139-1234-5678）在海珠区江南大道中100号楼下被一男子尾随。晓雨系广州市第五中学初二学生。"
      "嫌疑人王某某在恒通物流有限公司工作，手机13712345678，邮箱wang@example.cn。"
      "Victim's friend Lucy Chen (tel +852 9123 4567) was told. "
      "案件编号AJ-2025-000045，涉案金额3000元。";
  EXPECT_EQ(
      Masked(text, terms),
      "2025年3月15日21时许，被害人[姓名]（身份证[身份证号]，电话[电话]）在[地址]楼下被一男子尾随"
      "。[姓名]系[学校]初二学生。嫌疑人[姓名]在[工作单位]工作，手机[电话]，邮箱[电子邮箱]。"
      "Victim's friend Lucy Chen (tel [电话]) was told. 案件编号AJ-2025-000045，涉案金额3000元。");
}

}  // namespace
}  // namespace aegis::engines::redaction
