"""The matching normalisation, with a map back to canonical offsets.

Every matcher (knowledge base, lexicons, rules) works on the *normalised* text and
maps its hits back with :meth:`NormText.to_orig`, so spans always point into the
canonical text. The folds follow the scoring rules of ``shared/spec/gold-format.md``
(hamza/alef forms, ى/ي, ة/ه, ؤ/و, ئ/ي, diacritics, tatweel) plus Eastern and Persian
digits; the table is ``text/data/normalize.json``.

Folding is one character to one character; only deletions (diacritics, tatweel)
change the length, so the offset map is a short list of breakpoints, one per run of
deleted characters, searched with bisect.

>>> n = normalize("شدّد الرئيسُ بـ«إسرائيل» ٢٠٢٣")
>>> n.text
'شدد الرييس ب«اسراييل» 2023'
>>> s, e = n.find("اسراييل")
>>> n.span_to_orig(s, e)
(16, 23)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from ..resources import load_json


@dataclass(frozen=True)
class _Tables:
    table: dict[int, int | None]
    delete_re: re.Pattern[str]
    mark_re: re.Pattern[str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    data = load_json("text/data/normalize.json")
    table: dict[int, int | None] = {ord(k): ord(v) for k, v in data["fold"].items()}
    ranges = []
    for lo, hi in data["delete_ranges"]["ranges"]:
        lo_i, hi_i = int(lo, 16), int(hi, 16)
        ranges.append(f"{chr(lo_i)}-{chr(hi_i)}")
        for cp in range(lo_i, hi_i + 1):
            table[cp] = None
    if data.get("lowercase_ascii"):
        for cp in range(ord("A"), ord("Z") + 1):
            table[cp] = cp + 32
    cls = "[" + "".join(ranges) + "]"
    return _Tables(
        table=table,
        delete_re=re.compile(cls + "+"),
        # Combining marks that belong to the letter before them (tatweel excluded).
        mark_re=re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff]*"),
    )


@dataclass(frozen=True)
class NormText:
    """A normalised text and the breakpoints that map its offsets back.

    Attributes:
        text: the normalised text.
        orig: the canonical text it was made from.
    """

    text: str
    orig: str
    # (normalised offset, shift): from that normalised offset on, add shift.
    _points: tuple[int, ...] = field(default=(), repr=False)
    _shifts: tuple[int, ...] = field(default=(), repr=False)

    def to_orig(self, i: int) -> int:
        """Map a normalised offset (a start) to the canonical text.

        >>> normalize("بـإسرائيل").to_orig(1)
        2
        """
        k = bisect_right(self._points, i) - 1
        return i + (self._shifts[k] if k >= 0 else 0)

    def span_to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start:end)`` span to the canonical text.

        The end keeps the diacritics that sit on the span's last letter, so a match of
        «شدد» in «شدّدَ» covers the whole word, but never a following tatweel.
        """
        if end <= start:
            o = self.to_orig(start)
            return o, o
        o_start = self.to_orig(start)
        o_end = self.to_orig(end - 1) + 1
        m = _tables().mark_re.match(self.orig, o_end)
        return o_start, m.end() if m else o_end

    def find(self, needle: str, start: int = 0) -> tuple[int, int]:
        """Find ``needle`` (already normalised) in the normalised text; (-1, -1) if absent."""
        i = self.text.find(needle, start)
        return (i, i + len(needle)) if i >= 0 else (-1, -1)


def normalize(text: str) -> NormText:
    """Return the matching normalisation of ``text`` with its offset map."""
    t = _tables()
    folded = text.translate(t.table)
    if len(folded) == len(text):
        return NormText(folded, text)
    points: list[int] = []
    shifts: list[int] = []
    shift = 0
    for m in t.delete_re.finditer(text):
        shift += m.end() - m.start()
        points.append(m.end() - shift)
        shifts.append(shift)
    return NormText(folded, text, tuple(points), tuple(shifts))


def norm(text: str) -> str:
    """Return just the normalised string (no offset map), for keys and dictionaries.

    >>> norm("إيران") == norm("ايران")
    True
    """
    return text.translate(_tables().table)
