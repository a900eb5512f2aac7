"""A small corpus of Arabic news written for the tests, built from our own sentences.

:func:`articles` returns ``n`` distinct articles (varied cities, officials, outlets
and dates), each a JSON-ready dict. :func:`batch` adds what a real feed holds: a
wire copy reprinted with a different headline (a near-duplicate story), an exact
duplicate, an English article and a record without text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CITIES = ["الرياض", "عمّان", "القاهرة", "الدوحة", "بغداد", "تونس", "الرباط", "مسقط"]
OFFICIALS = [
    ("رئيس بلدية", "سامر الحداد"),
    ("محافظ", "نادر العتيبي"),
    ("مدير الصحة في", "هالة الشمري"),
    ("رئيس غرفة التجارة في", "وليد القاسم"),
    ("مدير التعليم في", "منى الزعبي"),
    ("قائد شرطة", "فهد الدوسري"),
]
TOPICS = [
    ("افتتح", "مستشفى جديداً بسعة {n} سرير", "إن المستشفى سيخدم أكثر من {m} ألف نسمة"),
    ("أعلن", "خطة لإصلاح {n} مدرسة قبل العام الدراسي", "إن العمل سيبدأ الأسبوع المقبل"),
    ("وقّع", "اتفاقاً لإنشاء {n} حديقة عامة", "إن الحدائق ستفتح أبوابها في الربيع"),
    ("استقبل", "وفداً من {n} رجل أعمال", "إن المدينة ترحب بكل استثمار جاد"),
]
OUTLETS = ["صحيفة المرصد", "وكالة الأنباء", "موقع الخبر"]
DAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس"]
ADDED = [
    "وأضاف أن المشروع رقم {k} جزء من برنامج يمتد ثلاث سنوات.",
    "وأوضح أن التكلفة تبلغ {n} مليوناً تتحملها الميزانية المحلية.",
    "وتابع أن الشركات المنفذة ستلتزم بجدول زمني صارم لا يتجاوز {m} شهراً.",
]
CLOSINGS = [
    "وكان {name} قد زار حياً في {city} الشهر الماضي والتقى عدداً من السكان، وناقش معهم "
    "مطالبهم في الخدمات والطرق.",
    "ويشكو سكان الأحياء الشرقية منذ سنوات من نقص الخدمات، وطالبوا في عريضة وقّعها {m}00 "
    "شخص بتسريع المشاريع المتأخرة.",
    "ورحّب نواب المدينة بالخطوة، لكن بعضهم انتقد تأخر التمويل وطالب بنشر تفاصيل الميزانية "
    "البالغة {n} مليون.",
    "وتأتي الخطوة بعد أسبوع من احتجاج نظمه عشرات الموظفين أمام مبنى البلدية للمطالبة "
    "بصرف رواتب متأخرة منذ {m} أشهر.",
    "ومن المتوقع أن يعرض المشروع على المجلس المحلي في جلسته القادمة، بحسب مصادر مطلعة "
    "تحدثت إلى الصحيفة.",
]


def article(i: int) -> dict[str, Any]:
    """The i-th article of the corpus (the same for the same i)."""
    city = CITIES[i % len(CITIES)]
    title, name = OFFICIALS[(i // len(CITIES)) % len(OFFICIALS)]
    verb, obj, said = TOPICS[i % len(TOPICS)]
    n, m = 20 + 7 * i, 3 + i
    day = 1 + i % 27
    text = (
        f"{verb} {title} {city} {name} يوم {DAYS[i % len(DAYS)]} {obj.format(n=n)}. "
        f"وقال {name} في مؤتمر صحفي {said.format(m=m)}. "
        + ADDED[(i // 2) % len(ADDED)].format(k=i + 1, n=n, m=m)
        + "\n\n"
        + CLOSINGS[(i * 3) % len(CLOSINGS)].format(name=name, city=city, n=n, m=m)
    )
    return {
        "id": f"t{i}",
        "title": f"{name} {verb} {obj.format(n=n)} في {city}",
        "text": text,
        "published": f"2025-03-{day:02d}",
        "outlet": OUTLETS[i % len(OUTLETS)],
        "url": f"https://news.example/{i}",
    }


def articles(n: int) -> list[dict[str, Any]]:
    """``n`` distinct articles."""
    return [article(i) for i in range(n)]


def batch(n: int) -> list[dict[str, Any]]:
    """``n`` articles, then a wire reprint of the first (new headline and outlet, a
    dateline added), an exact copy of the second, an English article and a record
    without text: n + 4 records, n + 1 stored."""
    out = articles(n)
    reprint = dict(out[0])
    reprint.update(
        id="reprint",
        title="عاجل: " + out[0]["title"],
        text="(وكالات) - " + out[0]["text"],
        outlet="صحيفة أخرى",
    )
    english = {
        "id": "en",
        "title": "Council opens a new library",
        "text": "The city council opened a new public library on Sunday, the mayor said.",
    }
    return [*out, reprint, dict(out[1]), english, {"id": "empty", "title": "بلا نص"}]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as JSONL."""
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path
