#!/usr/bin/env python3
"""Writes case notes for the redaction benchmark, one per line, to stdout.

Deterministic (fixed seed): Chinese, English and mixed notes of the kind officers type, with names
after role words, resident ID numbers, phones in several formats, e-mail addresses, addresses,
schools and workplaces among dates, times, amounts and case references that must stay. Every
person and number is invented. Usage: redaction_corpus.py [NOTES] > corpus.txt
"""
import random
import sys

rng = random.Random(20260301)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
GIVEN = "晓雨欣怡子涵梓萱一诺雨桐佳琪思彤浩然宇轩俊杰明辉建国秀英桂兰海燕丽娟志强伟华"
ROLES = ["受害人", "被害人", "报案人", "证人", "嫌疑人", "其母亲", "班主任", "邻居"]
ROADS = ["体育西路", "江南大道中", "解放北路", "中山五路", "人民南路", "环市东路"]
DISTRICTS = ["广州市天河区", "广州市海珠区", "深圳市南山区", "佛山市禅城区", ""]
SCHOOLS = ["广州市第五中学", "实验小学", "华南理工大学", "阳光幼儿园", "育才中学"]
WORKS = ["恒通物流有限公司", "市第一人民医院", "锦江酒店", "招商银行天河支行", "宏达电子厂"]
EN_NAMES = ["Jane Doe", "Mary Smith", "Lucy Chen", "Alan Grant", "Sarah O'Neil"]
EN_SCHOOLS = ["Riverside High School", "St Mary's College", "University of Leeds"]
EN_WORKS = ["Acme Trading Ltd", "St Luke's Hospital", "Harbour Hotel"]
EN_STREETS = ["Baker Street", "Elm Park Road", "Harbour View Lane", "Queens Avenue"]
FILLER = [
    "民警接报后立即赶赴现场，调取周边监控录像，并对现场进行了勘查。",
    "经初步调查，双方系网友关系，案发前曾多次在社交软件上联系。",
    "受害人情绪稳定，已安排心理咨询，并告知其诉讼权利。",
    "涉案金额约{amount}元，案件编号AJ-2025-{ref:06d}，线索编号XS-2025-{ref2:06d}。",
    "{year}年{month}月{day}日{hour}时{minute}分许报警，出警时间{hour}:{minute:02d}。",
    "The complainant was examined at 14:30 on 2025-03-15 and evidence bag 2025-0412 was sealed.",
    "Officers reviewed CCTV footage for case AJ-2025-{ref:06d}; no further action on the night.",
]


def id_number():
    first17 = "440103" + f"{rng.randint(1985, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + f"{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(a) * b for a, b in zip(first17, weights)) % 11]


def mobile():
    n = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    style = rng.randrange(4)
    if style == 0:
        return n
    if style == 1:
        return f"{n[:3]} {n[3:7]} {n[7:]}"
    if style == 2:
        return f"{n[:3]}-{n[3:7]}-{n[7:]}"
    return f"+86 {n}"


def zh_name():
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def fill(template):
    return template.format(amount=rng.randint(100, 99999), ref=rng.randint(1, 999999), ref2=rng.randint(1, 999999),
                           year=rng.randint(2020, 2025), month=rng.randint(1, 12), day=rng.randint(1, 28),
                           hour=rng.randint(0, 23), minute=rng.randint(0, 59))


def zh_note():
    parts = [
        f"{rng.choice(ROLES)}{zh_name()}称，",
        f"身份证号{id_number()}，联系电话{mobile()}，" if rng.random() < 0.6 else "",
        f"家住{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 9)}栋{rng.randint(101, 2505)}室，",
        f"就读于{rng.choice(SCHOOLS)}，" if rng.random() < 0.5 else f"在{rng.choice(WORKS)}工作，",
        fill(rng.choice(FILLER[:5])),
        fill(rng.choice(FILLER[:5])),
    ]
    return "".join(parts)


def en_note():
    return (f"The victim {rng.choice(EN_NAMES)} lives at {rng.randint(1, 300)} {rng.choice(EN_STREETS)} and "
            f"studies at {rng.choice(EN_SCHOOLS)}; her mother works at {rng.choice(EN_WORKS)}. "
            f"Contact: {rng.choice(['+44 20 7946 0958', '(415) 555-0134', 'jane.doe@example.com'])}. "
            + fill(rng.choice(FILLER[5:])))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for i in range(count):
        kind = i % 4
        if kind == 3:
            print(en_note())
        elif kind == 2:
            print(zh_note() + " " + en_note())
        else:
            print(zh_note())


if __name__ == "__main__":
    main()
