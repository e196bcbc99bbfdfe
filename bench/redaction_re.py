#!/usr/bin/env python3
"""The baseline for the redaction benchmark: what an analyst would otherwise write, Python's `re`
with the same kinds of patterns (and the same known terms) as the redaction engine, masking each
note of the corpus written by redaction_corpus.py. Prints MB/s and notes/s for one run.

Usage: redaction_re.py CORPUS [ROUNDS]
"""
import re
import sys
import time

STOP = "的了在住于到从往去是位她他我你们它其这那此该某也都就又还已曾称说讲告诉报并且而但因则即或被让叫给跟所个至对离过送把系为读念考入不附近当年月时回"
PC = f"[^\\W_{STOP}]"  # a character of a place, school or company name
NUM = "[0-9一二三四五六七八九十百千零〇两]{1,6}"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
ROLES = "犯罪嫌疑人|受害人|被害人|受害者|报案人|报警人|举报人|证人|嫌疑人|当事人|监护人|母亲|父亲|同学|班主任|老师|邻居|网友|朋友|同事"
NOT_GIVEN = "说称在于是的了和与及被把向对从到去来将也都就又还已曾等因为则即后前时其所这那此某个们家里上下内外"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def valid_id(m):
    s = m.group(0).upper()
    return s[17] == "10X98765432"[sum(int(a) * b for a, b in zip(s[:17], WEIGHTS)) % 11]


PATTERNS = [  # (placeholder, compiled, group, validator)
    ("[身份证号]", re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])", re.A), 0, valid_id),
    ("[电话]", re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?![0-9A-Za-z])", re.A), 0, None),
    ("[电话]", re.compile(r"(?<![0-9A-Za-z])0[1-9]\d{1,2}[ -]?[2-9](?:[ -]?\d){6,7}(?![0-9A-Za-z])", re.A), 0, None),
    ("[电话]", re.compile(r"(?<![0-9A-Za-z+])\+[1-9]\d{0,3}(?:[ .-]?\d{1,5}){1,6}(?![0-9A-Za-z])", re.A), 0, None),
    ("[电话]", re.compile(r"(?<![0-9A-Za-z])(?:\([2-9]\d{2}\)[ ]?|[2-9]\d{2}[-. ])[2-9]\d{2}[-. ]\d{4}(?![0-9A-Za-z])", re.A), 0, None),
    ("[电子邮箱]", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"), 0, None),
    ("[地址]", re.compile(f"(?:{PC}{{1,8}}?(?:省|市|区|县|镇|乡|街道)){{0,4}}{PC}{{1,10}}(?:大道|大街|路|街|巷|弄)[东西南北中]?{NUM}号(?:{NUM}(?:栋|幢|座|号楼))?(?:{NUM}单元)?(?:{NUM}(?:室|房))?"), 0, None),
    ("[地址]", re.compile(r"\d{1,5}\s+(?:[A-Z][A-Za-z'-]*\s+){1,4}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Court|Place|Square)\b"), 0, None),
    ("[学校]", re.compile(f"{PC}{{2,12}}(?:幼儿园|小学|中学|高中|初中|大学|学院|学校)(?!生)"), 0, None),
    ("[学校]", re.compile(r"(?:[A-Z][A-Za-z'.-]*\s+){1,5}(?:School|Academy|College|University|Kindergarten)\b|University of [A-Z][a-z]+"), 0, None),
    ("[工作单位]", re.compile(f"{PC}{{2,14}}(?:有限公司|公司|集团|医院|诊所|工厂|厂|酒店|宾馆|银行|支行|超市|商场)"), 0, None),
    ("[工作单位]", re.compile(r"(?:[A-Z][A-Za-z&'.-]*\s+){1,5}(?:Ltd|Limited|Inc|Corp|Company|LLC|Hospital|Clinic|Bank|Hotel)\b"), 0, None),
    ("[姓名]", re.compile(f"(?:{ROLES})[：:\\s]*([{SURNAMES}](?:某某?|[^\\W{NOT_GIVEN}]{{1,2}}))"), 1, None),
    ("[姓名]", re.compile(r"(?i:victim|complainant|witness|suspect|mother|father|Ms|Mr|Mrs|Dr)\.?,?\s+([A-Z][a-z']+(?:\s+[A-Z][a-z']+){0,2})"), 1, None),
]

KNOWN_TERMS = ["陈晓雨", "440103201006070243", "13912345678", "广州市海珠区江南大道中100号", "Lucy Chen"]
# Known terms, tolerant of case and of spaces or dashes between characters.
KNOWN = [re.compile(r"[\s-]*".join(re.escape(ch) for ch in term), re.I) for term in KNOWN_TERMS]


def mask(text):
    spans = []
    for rx in KNOWN:
        spans += [(m.start(), m.end(), "[已遮蔽]") for m in rx.finditer(text)]
    for placeholder, rx, group, check in PATTERNS:
        for m in rx.finditer(text):
            if check and not check(m):
                continue
            spans.append((m.start(group), m.end(group), placeholder))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out, cursor = [], 0
    for begin, end, placeholder in spans:
        if begin < cursor:
            cursor = max(cursor, end) if end > cursor and out and out[-1] == placeholder else cursor
            continue
        out.append(text[cursor:begin])
        out.append(placeholder)
        cursor = end
    out.append(text[cursor:])
    return "".join(out), len(spans)


def main():
    notes = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    size = sum(len(n.encode("utf-8")) for n in notes)
    best, spans = float("inf"), 0
    for _ in range(rounds):
        start = time.process_time()
        spans = sum(mask(n)[1] for n in notes)
        best = min(best, time.process_time() - start)
    print(f"python re: {len(notes)} notes, {size / 1e6:.2f} MB in {best * 1000:.1f} ms (CPU, best of {rounds}): "
          f"{size / best / 1e6:.2f} MB/s, {len(notes) / best:,.0f} notes/s, {spans / len(notes):.1f} spans/note")


if __name__ == "__main__":
    main()
