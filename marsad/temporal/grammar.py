"""Recognise Arabic time expressions: a small token grammar over the normalised text.

:func:`parse` reads the normalised text (hamza/alef, ى/ي, ة/ه, tanween and Eastern
digits already folded) token by token and returns :class:`Expr` objects: a span in
the *normalised* text and what it means, before any date arithmetic. Resolution
against the document date is :mod:`marsad.temporal.resolve`.

At each token the rules below are tried and the longest match wins; a match may
start with a clitic (و ف, then ب ل ك, «لل» for ل + ال) that stays inside the span,
as annotators copy whole words. The words come from ``lexicons/data/time.json``.

>>> [(e.text, e.kind) for e in parse("وصل الوفد امس الى دمشق منذ 34 يوما")]
[('امس', 'deictic'), ('منذ 34 يوما', 'duration')]
>>> e = parse("في السابع من تشرين الاول/اكتوبر 2023")[0]
>>> e.text, e.f["y"], e.f["m"], e.f["d"]
('السابع من تشرين الاول/اكتوبر 2023', 2023, 10, 7)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .lexicon import Lexicon, lexicon

_TOKEN = re.compile(r"\d+(?:[:/.\-]\d+)*|[^\W\d_]+|\S")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_JOIN_PUNCT = frozenset({"-", "–", "—", "/", "،", ",", "(", "|"})
_SEPARATORS = frozenset({"،", ",", "-", "–", "—"})
DATEISH = frozenset(
    {"date", "deictic", "weekday", "month", "year", "period", "anaphoric", "offset"}
)


@dataclass
class Expr:
    """A recognised time expression: ``[start, end)`` in the normalised text.

    ``kind`` names the rule (date, month, year, decade, century, deictic, weekday,
    offset, period, duration, set, clock, anaphoric); ``f`` holds its parts: ``y m d``
    (``hijri``), ``wd`` (ISO weekday) with ``rel`` (past, next, this), ``days`` (a
    deictic offset), ``n`` and ``unit``, ``sub`` (Q1, H2, SU...), ``pod`` (MO, EV ...),
    ``clock`` (hour, minute), ``future`` (a future verb before it in the sentence).
    """

    start: int
    end: int
    text: str
    kind: str
    type: str = "DATE"
    f: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tok:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Tok]:
    """Split normalised text into digit runs (with ``:/.-`` inside), letter runs and marks."""
    return [Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def clitic_forms(word: str) -> list[str]:
    """The word and the forms left after removing proclitics (و ف, then ب ل ك; لل → ال).

    >>> clitic_forms("وللعام")
    ['وللعام', 'للعام', 'العام', 'لعام']
    """
    out = [word]
    rest = [word]
    if len(word) > 2 and word[0] in "وف":
        rest.append(word[1:])
        out.append(word[1:])
    for w in rest:
        if len(w) > 3 and w.startswith("لل"):
            out.append("ال" + w[2:])
        if len(w) > 2 and w[0] in "بلك":
            out.append(w[1:])
    return list(dict.fromkeys(out))


class _Parser:
    def __init__(
        self, text: str, lex: Lexicon, tanween: Callable[[int], bool] | None = None
    ) -> None:
        self.text = text
        self._tanween = tanween
        self.lex = lex
        self.toks = tokenize(text)
        self.w = [t.text for t in self.toks]
        self.n = len(self.toks)
        self.by_start = {t.start: k for k, t in enumerate(self.toks)}
        self.by_end = {t.end: k + 1 for k, t in enumerate(self.toks)}
        self.blocked: set[int] = set()
        self.cforms = [clitic_forms(w) for w in self.w]

    # ---- small helpers -------------------------------------------------------------

    def word(self, i: int) -> str:
        return self.w[i] if 0 <= i < self.n else ""

    def forms(self, i: int, clitic: bool) -> list[str]:
        if clitic and 0 <= i < self.n:
            return self.cforms[i]
        return [self.word(i)]

    def may_start(self, i: int) -> bool:
        """Whether any rule can start at token ``i`` (a word of the lexicon, or digits)."""
        w = self.w[i]
        if w[:1].isdecimal() or w[1:2].isdecimal():
            return True
        triggers = self.lex.triggers
        return any(f in triggers for f in self.cforms[i])

    def phrase(self, table: Any, i: int, clitic: bool = False) -> tuple[int, Any] | None:
        for form in self.forms(i, clitic):
            hit = table.lookup(self.w, i, first=form)
            if hit:
                return hit  # type: ignore[no-any-return]
        return None

    def in_set(self, i: int, words: Any, clitic: bool = False) -> str | None:
        for form in self.forms(i, clitic):
            if form in words:
                return form
        return None

    def skip(self, i: int, *words: str) -> int:
        """Skip one token if it is one of ``words``."""
        return i + 1 if self.word(i) in words else i

    def digits(self, i: int) -> int | None:
        w = self.word(i)
        return int(w) if w.isdecimal() and len(w) <= 6 else None

    # ---- numbers -------------------------------------------------------------------

    def number(self, i: int, clitic: bool = False) -> tuple[int, int] | None:
        """A count: digits («34», «ال48») or number words («خمسة عشر», «خمسة وعشرين»)."""
        lex = self.lex
        if self.word(i) == "ال" and self.digits(i + 1) is not None:
            i += 1
        d = self.digits(i)
        if d is not None:
            return i + 1, d
        for form in self.forms(i, clitic):
            v = lex.numbers.get(form)
            if v is None:
                continue
            if v < 10 and self.word(i + 1) in lex.teens:
                return i + 2, v + 10
            nxt = self.word(i + 1)
            if v < 10 and nxt.startswith("و") and lex.numbers.get(nxt[1:], 0) >= 20:
                return i + 2, v + lex.numbers[nxt[1:]]
            if v in (100, 1000):
                return None
            return i + 1, v
        return None

    def ordinal(self, i: int, clitic: bool = False) -> tuple[int, int] | None:
        """An ordinal day: «السابع», «الحادي عشر», «الحادي والعشرين», «العشرين»."""
        lex = self.lex
        for form in self.forms(i, clitic):
            v = lex.ordinals.get(form)
            if v is None:
                continue
            nxt = self.word(i + 1)
            if v < 10 and nxt in lex.teens:
                return i + 2, v + 10
            if v < 10 and nxt.startswith("وال") and lex.ordinals.get(nxt[1:], 0) >= 20:
                return i + 2, v + lex.ordinals[nxt[1:]]
            return i + 1, v
        return None

    # ---- months and years ------------------------------------------------------------

    def month(self, i: int, clitic: bool = False) -> tuple[int, int, bool] | None:
        """A month name, with a paired name after it («تشرين الاول/اكتوبر»).

        Returns ``(end, month, paired)``.
        """
        hit = self.phrase(self.lex.months, i, clitic)
        if not hit:
            return None
        j, m = hit
        k = j
        if self.word(k) in ("/", "-", "(", "،") or self.word(k) == "او":
            k += 1
        pair = self.phrase(self.lex.months, k)
        if pair and pair[1] == m:
            j = pair[0]
            if self.word(j) == ")":
                j += 1
            return j, m, True
        return j, m, False

    def year(self, i: int) -> tuple[int, int, str | None] | None:
        """Digits of a year with an optional era marker: ``(end, year, "H"|"G"|None)``."""
        y = self.digits(i)
        if y is None or not (100 <= y <= 2200):
            return None
        j = i + 1
        mark = self.word(j)
        if mark in self.lex.hijri_markers:
            return j + 1, y, "H"
        if mark in self.lex.gregorian_markers:
            return j + 1, y, "G"
        return j, y, None

    def year_part(self, i: int) -> tuple[int, int, str | None] | None:
        """A year after a month: «2023», «من العام 2023», «عام 2023م»."""
        j = self.skip(i, "،", ",")
        j = self.skip(j, "من")
        if self.word(j) in self.lex.year_nouns:
            j += 1
        return self.year(j)

    # ---- dates -----------------------------------------------------------------------

    def weekday_prefix(self, i: int, clitic: bool) -> tuple[int, int | None]:
        """An optional «[يوم] الخميس[،]» before a date."""
        j = i
        if self.in_set(j, {"يوم"}, clitic):
            j += 1
            clitic = False
        wd = self.in_set(j, self.lex.weekdays, clitic)
        if wd is None:
            return i, None
        k = j + 1
        k = self.skip(k, "،", ",", "-", "–")
        return k, self.lex.weekdays[wd]

    def date(self, i: int) -> Expr | None:
        """Day month [year] (Gregorian or Hijri), numeric dates, with a weekday before."""
        lex = self.lex
        if self.in_set(i - 1, lex.date_traps, True):
            return None  # «ثورة 25 يناير», «مدينة 6 اكتوبر»
        j, wd = self.weekday_prefix(i, True)
        clitic = j == i
        num = self.numeric_date(j, clitic)
        if num:
            end, ny, nm, nd = num
            return self.make(
                i, end, "date", y=ny, m=nm, d=nd, wd=wd, full=True, hijri=ny < 1600 or None
            )  # «4/10/1436»: a Hijri year
        j2 = j
        if self.in_set(j2, {"يوم"}, clitic):
            j2 += 1
            clitic = False
        day = None
        if (v := self.digits(j2)) is not None and 1 <= v <= 31:
            day, k = v, j2 + 1
        elif o := self.ordinal(j2, clitic):
            k, day = o
            if day > 31:
                return None
        if day is None:
            return None
        k = self.skip(k, "من")
        k = self.skip(k, "شهر")
        hijri = False
        mon = self.month(k)
        if mon:
            k, m, _ = mon
        else:
            hm = self.phrase(lex.hijri_months, k)
            if not hm:
                return None
            k, m = hm
            hijri = True
        y = None
        yp = self.year_part(k)
        if yp and (yp[2] is None or (yp[2] == "H") == hijri or not hijri):
            k, y, era = yp
            if era == "H":
                hijri = True
        elif hijri and self.word(k) in lex.hijri_markers:
            k += 1
        return self.make(i, k, "date", y=y, m=m, d=day, wd=wd, hijri=hijri, full=y is not None)

    def numeric_date(self, i: int, clitic: bool) -> tuple[int, int, int, int] | None:
        w = self.word(i)
        if clitic and w[:1] in "وفب" and _NUMERIC_DATE.match(w[1:]):
            w = w[1:]
        m = _NUMERIC_DATE.match(w)
        if not m:
            return None
        a, b, c = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if len(m.group(1)) == 4:
            y, mo, d = a, b, c
        elif len(m.group(4)) == 4:
            d, mo, y = a, b, c
        else:
            return None
        if not (1 <= mo <= 12 and 1 <= d <= 31 and 1300 <= y <= 2200):
            return None
        j = i + 1
        if self.word(j) in self.lex.gregorian_markers or self.word(j) in self.lex.hijri_markers:
            j += 1
        return j, y, mo, d

    def month_year(self, i: int) -> Expr | None:
        """«اكتوبر 2023», «شهر آذار من العام 2024», «اكتوبر الماضي», «في نيسان»."""
        lex = self.lex
        j = i
        has_shahr = False
        if self.in_set(j, {"شهر"}, True):
            j += 1
            has_shahr = True
        mon = self.month(j, clitic=not has_shahr)
        if not mon:
            return None
        k, m, paired = mon
        yp = self.year_part(k)
        if yp and yp[2] != "H":
            return self.make(i, yp[0], "month", y=yp[1], m=m)
        rel = lex.modifiers.get(self.word(k))
        if rel:
            return self.make(i, k + 1, "month", m=m, rel=rel)
        ambiguous = self.word(j) in lex.ambiguous_months or self.word(j)[1:] in (
            lex.ambiguous_months
        )
        if ambiguous and not (has_shahr or paired):
            return None
        prev = self.word(i - 1)
        if (
            has_shahr
            or paired
            or prev in lex.month_preps
            or self.in_set(i - 1, lex.month_preps, True)
        ):
            return self.make(i, k, "month", m=m)
        if self.word(j) != self.word(j).lstrip("وفبل") and self.word(j)[1:] in self.lex.months:
            return self.make(i, k, "month", m=m)  # «وفي»-less clitic: «بأكتوبر»
        return None

    def year_expr(self, i: int) -> Expr | None:
        """«عام 2023», «العام 2019م», «في 2023», «2023م», «منذ 2011»."""
        lex = self.lex
        j = i
        noun = self.in_set(j, lex.year_nouns, True)
        if noun:
            j += 1
        yp = self.year(j)
        if not yp:
            return None
        k, y, era = yp
        if era == "H":
            return None  # a Hijri year alone has no Gregorian value
        if noun is None and era is None:
            if not (1900 <= y <= 2100):
                return None
            prev = self.word(i - 1)
            if prev not in lex.year_preps and not self.in_set(i - 1, lex.year_preps, True):
                return None
            if prev == "من" and not (self.word(k) in ("الي", "حتي", "-") and self.year(k + 1)):
                return None  # «اكثر من 2000 حريق»: «من» + a year only in a range
            if self.word(k) in lex.units or self.word(k) in _COUNT_NOUNS:
                return None
        if noun is None and era is None and self.word(k) in ("-", "/") and self.digits(k + 1):
            return None  # a range or a score
        return self.make(i, k, "year", y=y)

    # ---- deixis, weekdays, periods ----------------------------------------------------

    def deictic(self, i: int) -> Expr | None:
        """اليوم، امس، غدا، اول امس، بعد غد، الليلة (with a weekday or a date after it)."""
        lex = self.lex
        hit = self.phrase(lex.deictics, i, clitic=True)
        if not hit:
            return None
        j, days = hit
        head = self.word(j - 1)
        heads = clitic_forms(head)
        if ("اليوم" in heads or "الليله" in heads) and (
            self.word(j) in lex.today_not_after or self.ordinal(j)
        ):
            return None  # «اليوم العالمي», «لليوم التاسع»
        if (
            j - i == 1
            and "اليوم" in heads
            and self.in_set(i - 1, lex.today_not_before, True)
            and lex.weekdays.get(self.word(j)) is None
        ):
            return None  # «غزة اصبحت اليوم …»: nowadays
        if "غدا" in heads and not self.tanween(j - 1):
            nxt = self.word(j)
            if (
                nxt
                and nxt not in _SEPARATORS
                and nxt not in ".؟!:؛"
                and nxt not in lex.weekdays
                and not self.phrase(lex.pod_adverbs, j)
                and self.word(i - 1) in _CLAUSE_START
            ):
                return None  # «وقد غدا الوضع …»: the verb "became"
        f: dict[str, Any] = {"days": days}
        if head == "الليله" or (j - i >= 2 and self.word(i).endswith("ليله")):
            f["pod"] = "NI"
            f["type"] = "TIME"
        k = self.skip(j, "،", ",")
        paren = self.word(k) == "(" and self.word(k + 2) == ")"
        if paren and (wd := self.lex.weekdays.get(self.word(k + 1))):
            f["wd"] = wd  # «اليوم (السبت)»
            j = k + 3
        elif wd := self.lex.weekdays.get(self.word(k)):
            f["wd"] = wd
            j = k + 1
            k = self.skip(j, "،", ",")
        if (dt := self.date(k)) and dt.f.get("m"):
            f.update({x: dt.f[x] for x in ("y", "m", "d", "hijri", "full") if x in dt.f})
            j = self.tok_index_end(dt.end)
        return self.make(i, j, "deictic", **f)  # f may carry type

    def tanween(self, i: int) -> bool:
        return bool(self._tanween and self._tanween(self.toks[i].end))

    def weekday(self, i: int) -> Expr | None:
        """[يوم] الخميس [المقبل|الماضي]; traps: «بين الاثنين», «احد المسؤولين»."""
        lex = self.lex
        j = i
        clitic = True
        has_day = False
        if self.in_set(j, {"يوم"}, True):
            j += 1
            clitic = False
            has_day = True
        wd_word = self.in_set(j, lex.weekdays, clitic)
        if wd_word is None:
            return None
        if not wd_word.startswith("ال") and not has_day:
            return None
        prev = self.word(i - 1)
        if prev in lex.weekday_before or self.word(j + 1) in lex.weekday_after:
            return None
        if prev == "يومي" or (self.word(i).startswith("و") and self.word(i - 2) == "يومي"):
            return None  # «يومي الاثنين والخميس من كل اسبوع»: a habit
        if wd_word == "الاحد" and not has_day and self._one_of(j + 1):
            return None
        k = j + 1
        if (
            self.word(k) == "من"
            and self.word(k + 1) == "كل"
            and self.word(k + 2)
            in (
                "اسبوع",
                "الاسبوع",
            )
        ):
            wd_n = lex.weekdays[wd_word]
            return self.make(i, k + 3, "set", value=f"XXXX-WXX-{wd_n}", type="SET")
        rel = lex.modifiers.get(self.word(k))
        f: dict[str, Any] = {"wd": lex.weekdays[wd_word]}
        if rel in ("past", "next"):
            f["rel"] = rel
            k += 1
        return self.make(i, k, "weekday", **f)

    def _one_of(self, i: int) -> bool:
        """«الاحد» as "the one": followed by a definite plural or «من»."""
        w = self.word(i)
        return w in ("من", "منهم", "منهما") or (w.startswith("ال") and w.endswith("ين"))

    def period(self, i: int) -> Expr | None:
        """«الشهر الماضي», «هذا العام», «نهاية العام», «الربع الاول من العام الجاري»."""
        lex = self.lex
        j = i
        part = self.phrase(lex.parts, j, clitic=True)
        if part:
            j = part[0]
            j = self.skip(j, "من")
        quarter = None
        if (qw := self.in_set(j, set(lex.quarters), clitic=part is None)) is not None:
            o: tuple[int, int] | None
            if self.word(j + 1) in ("الاخير", "الاخيره"):
                o = (j + 2, 4 if lex.quarters[qw] == "Q" else 2)
            else:
                o = self.ordinal(j + 1)
            if not o:
                return None
            q = o[1]
            quarter = f"{lex.quarters[qw]}{q}"
            j = o[0]
            j = self.skip(j, "من", "في")
        season = None
        this_season = False
        if self.word(j) in ("هذا", "هذه") and self.word(j + 1) in lex.seasons:
            this_season = True
            j += 1
        if sw := self.in_set(j, set(lex.seasons), clitic=part is None and quarter is None):
            season = lex.seasons[sw]
            j += 1
        f: dict[str, Any] = {}
        if this_season:
            return self.make(i, j, "period", unit="Y", rel="this", sub=season)
        if part:
            f["mod"] = part[1]
        sub = quarter or season
        if sub:
            f["sub"] = sub
        # the base: a year, a month, or a period word with a modifier
        this = False
        if self.word(j) in ("هذا", "هذه"):
            this = True
            j += 1
        pw = self.in_set(j, lex.periods, clitic=not (part or sub or this))
        if pw is None and season and lex.modifiers.get(self.word(j)) in ("past", "next", "this"):
            f.update(unit="Y", rel=lex.modifiers[self.word(j)])
            return self.make(i, j + 1, "period", **f)
        if pw is None:
            if part or sub:
                if (mon := self.month_year(j)) or (mon := self._bare_month(j)):
                    f.update(mon.f)
                    return self.make(i, self.tok_index_end(mon.end), "month", **f)
                yp = self.year_after_part(j)
                if yp:
                    return self.make(i, yp[0], "year", y=yp[1], **f)
            return None
        unit = lex.periods[pw]
        if pw.startswith("ال") or this:
            prevw = self.word(i - 1)
            if (
                not (part or sub or this)
                and prevw in lex.period_traps
                and (pw.endswith("عام") or prevw == "اهل")
            ):
                return None
        k = j + 1
        if unit == "Y" and not this:
            yy = self.year(k)
            if yy and yy[2] != "H":
                return self.make(i, yy[0], "year", y=yy[1], **f)
        rel = lex.modifiers.get(self.word(k))
        if rel:
            k += 1
        elif this:
            rel = "this"
        elif part or sub:
            if pw.startswith("ال"):
                rel = "this"  # «نهاية العام», «مطلع الشهر»: the current one
            else:
                return None
        else:
            return None
        if not pw.startswith("ال") and not this:
            return None  # «عام مقبل»: indefinite
        f.update(unit=unit, rel=rel)
        if unit == "Y":
            f["explicit"] = True  # «شتاء العام المقبل»: next year's winter
        return self.make(i, k, "period", **f)

    def _bare_month(self, i: int) -> Expr | None:
        mon = self.month(i)
        if not mon:
            return None
        return self.make(i, mon[0], "month", m=mon[1])

    def year_after_part(self, i: int) -> tuple[int, int] | None:
        j = i
        if self.word(j) in self.lex.year_nouns:
            j += 1
        yp = self.year(j)
        if yp and yp[2] != "H":
            return yp[0], yp[1]
        return None

    def decade(self, i: int) -> Expr | None:
        """«التسعينيات» (with «القرن الماضي» or a century after it), «القرن العشرين»."""
        lex = self.lex
        hit = self.phrase(lex.centuries, i, clitic=True)
        if hit:
            return self.make(i, hit[0], "century", c=hit[1])
        for form in self.forms(i, True):
            if form in lex.decades:
                j = i + 1
                if self.word(j) == "من":
                    c = self.phrase(lex.centuries, j + 1)
                    if c:
                        j = c[0]
                return self.make(i, j, "decade", dec=lex.decades[form])
        return None

    # ---- counts: offsets, durations, sets ---------------------------------------------

    def count_unit(self, i: int, clitic: bool, allow_single: bool) -> tuple[int, Any, str] | None:
        """``(end, n, unit)``: «34 يوما», «ثلاثة اشهر», «يومين», «اسبوع» (n None: vague)."""
        lex = self.lex
        num = self.number(i, clitic)
        if num:
            j, n = num
            unit = lex.units.get(self.word(j))
            if unit and unit[1] != "dual":
                return j + 1, n, unit[0]
            return None
        for form in self.forms(i, clitic):
            unit = lex.units.get(form)
            if not unit:
                continue
            u, kind = unit
            nxt = self.word(i + 1)
            if kind != "dual" and nxt.startswith("ال") and nxt not in lex.modifiers:
                return None  # «قبل يوم الاقتراع», «خلال سنوات الحرب»: a construct, no count
            if kind == "dual":
                return i + 1, 2, u
            if kind == "singular" and allow_single and not form.startswith("ال"):
                if (y := self.digits(i + 1)) is not None and y >= 1000:
                    return None  # «قبل عام 2020»: a year
                if self.phrase(lex.months, i + 1) or self.phrase(lex.hijri_months, i + 1):
                    return None  # «خلال شهر رمضان»
                return i + 1, 1, u
            if kind in ("vague", "plural") and allow_single and not form.startswith("ال"):
                if (num2 := self.number(i + 1)) and not nxt.isdecimal():
                    return num2[0], num2[1], u  # «ايام ثلاثة» (rare order)
                return i + 1, None, u
        return None

    def offset(self, i: int) -> Expr | None:
        """«قبل يومين», «بعد اسبوع», «قبل ثلاثة اشهر»; never «بعد يومين من لقائه»."""
        lex = self.lex
        head = self.in_set(i, lex.offset_words, True)
        if head is None:
            return None
        j = i + 1
        appr = self.phrase(lex.approximators, j)
        if appr:
            j = appr[0]
        cu = self.count_unit(j, False, allow_single=True)
        if not cu:
            return None
        k, n, unit = cu
        if n is None:
            return None  # «قبل ايام»: vague
        sign = lex.offset_words[head]
        if self.word(k) in ("من", "علي"):
            anchor = self.date(k + 1) or self.month_year(k + 1)
            if anchor and anchor.kind == "date":
                return self.make(
                    i,
                    self.tok_index_end(anchor.end),
                    "offset",
                    n=n * sign,
                    unit=unit,
                    anchor=anchor.f,
                )
            if self.word(k + 1) not in ("الان", "اليوم"):
                self.blocked.update(range(i, k))
                return None  # anchored to an event
            k += 2
        return self.make(i, k, "offset", n=n * sign, unit=unit)

    def duration(self, i: int) -> Expr | None:
        """«منذ 34 يوما», «لمدة ثلاثة اشهر», «خلال ال48 ساعة الماضية», «لساعات», «يومين»."""
        lex = self.lex
        j = i
        pre = self.phrase(lex.duration_prefixes, j, clitic=True)
        lam = False
        if pre:
            j = pre[0]
            if self.word(j) == "ال" and self.digits(j + 1) is None:
                return None
        elif self.word(i).startswith(("ل", "ول")) and len(self.word(i)) > 3:
            lam = True
        appr = self.phrase(lex.approximators, j)
        if appr:
            j = appr[0]
        lasting = not pre and self.in_set(i - 1, lex.duration_verbs, True) is not None
        accusative = (
            not pre
            and self.word(i).endswith("ا")
            and lex.units.get(self.word(i), ("", ""))[1] == "vague"
        )
        single = bool(pre or appr or lam or lasting or accusative)
        cu = self.count_unit(j, clitic=lam and not appr, allow_single=single)
        if not cu:
            return None
        k, n, unit = cu
        if lam and not self.word(i).startswith(("ل", "ول")):
            return None
        if lam and n is not None and not self.number(i, True):
            return None  # «لعام» is not «for a year»
        if not pre and not lam and (self.age(i, k) or self.word(i - 1) in ("قبل", "بعد")):
            return None
        if self.word(k) in lex.modifiers and lex.modifiers[self.word(k)] in ("past", "next"):
            k += 1
        f: dict[str, Any] = {"n": n, "unit": unit}
        if pre:
            f["prefix"] = self.word(i)
            if pre and n is not None and self.word(k) in ("مضي", "مضت", "خلت"):
                return self.make(i, k + 1, "offset", n=-n, unit=unit)  # «منذ شهر مضى»
        return self.make(i, k, "duration", **f)

    def age(self, i: int, k: int) -> bool:
        back = {self.word(x) for x in range(max(0, i - 5), i)}
        if back & self.lex.age_words:
            return True
        if self.word(i - 1) == "(" and self.word(k) == ")":
            return True  # «الانتحاري (19 عاما)»
        return self.word(k) == "من" and self.word(k + 1) in ("العمر", "عمره", "عمرها")

    def set_expr(self, i: int) -> Expr | None:
        """«يوميا», «كل اسبوع», «كل اربع سنوات», «كل يوم جمعة»."""
        lex = self.lex
        for form in self.forms(i, True):
            if form in lex.set_adverbs:
                return self.make(i, i + 1, "set", value=lex.set_adverbs[form], type="SET")
        if self.in_set(i, lex.every, True) is None:
            return None
        j = i + 1
        if self.word(j) == "يوم" and (wd := lex.weekdays.get(self.word(j + 1))):
            return self.make(i, j + 2, "set", value=f"XXXX-WXX-{wd}", type="SET")
        if wd := lex.weekdays.get(self.word(j)):
            return self.make(i, j + 1, "set", value=f"XXXX-WXX-{wd}", type="SET")
        cu = self.count_unit(j, False, allow_single=True)
        if not cu or cu[1] is None:
            return None
        k, n, unit = cu
        return self.make(i, k, "set", value=duration_value(n, unit), type="SET")

    # ---- clock -----------------------------------------------------------------------

    def clock(self, i: int) -> Expr | None:
        """«الساعة العاشرة صباحا», «10 صباحا», «الساعة 14:30», «منتصف الليل»."""
        lex = self.lex
        hit = self.phrase(lex.midnight, i, clitic=True)
        if hit:
            return self.make(i, hit[0], "clock", clock=(24, 0), type="TIME")
        j = i
        noun = self.phrase(lex.clock_nouns, j, clitic=True)
        if noun:
            j = noun[0]
        h = mi = None
        w = self.word(j)
        if (m := _CLOCK.match(w)) or (not noun and (m := _CLOCK.match(w[1:]))):
            h, mi = int(m.group(1)), int(m.group(2))
            k = j + 1
        elif (d := self.digits(j)) is not None and d <= 24:
            h, mi, k = d, 0, j + 1
        elif hw := self.phrase(lex.hour_words, j, clitic=not noun):
            k, h = hw
            mi = 0
        else:
            return None
        if mw := self.phrase(lex.minute_words, k):
            k, delta = mw
            if delta < 0:
                h, mi = h - 1, 60 + delta
            else:
                mi = delta
        elif (
            self.word(k).startswith("و")
            and (num := self.number(k, clitic=True))
            and lex.units.get(self.word(num[0]), ("",))[0] == "MIN"
        ):
            mi, k = num[1], num[0] + 1
        adv = self.phrase(lex.pod_adverbs, k)
        if not noun and not adv:
            if not (self.word(k) == "من" and self.phrase(lex.pod_nouns, k + 1)):
                return None
            noun = (k, True)  # «الحادية عشرة من صباح …»: the day follows
        if h is None or h > 24 or mi is None or mi > 59:
            return None
        if adv:
            k, shift = adv
            word = self.word(k - 1)
            if shift and h < 12:
                if (word == "ظهرا" and h > 5) or (word == "ليلا" and h < 5):
                    pass
                else:
                    h += 12
        if z := self.phrase(lex.zones, k):
            k = z[0]
        return self.make(i, k, "clock", clock=(h, mi), type="TIME", adv=bool(adv) or None)

    # ---- anaphora and frames ----------------------------------------------------------

    def anaphoric(self, i: int) -> Expr | None:
        """«في اليوم التالي», «في اليوم نفسه», «بعد ذلك بيومين»."""
        lex = self.lex
        j = self.skip(i, "في", "وفي")
        hit = self.phrase(lex.anaphoric, j, clitic=True)
        if not hit:
            return None
        k, key = hit
        if key in ("next_day", "same_day"):
            return self.make(j, k, "anaphoric", days=1 if key == "next_day" else 0)
        w = self.word(k)
        if w.startswith("ب") and (cu := self.count_unit(k, True, allow_single=True)):
            end, n, unit = cu
            if n is not None:
                sign = 1 if key == "after_that" else -1
                return self.make(i, end, "anaphoric", n=n * sign, unit=unit)
        return None

    # ---- driver -----------------------------------------------------------------------

    def tok_index_end(self, norm_end: int) -> int:
        return self.by_end.get(norm_end, self.n)

    def make(self, i: int, j: int, kind: str, type: str = "DATE", **f: Any) -> Expr:
        start, end = self.toks[i].start, self.toks[j - 1].end
        if kind == "duration":
            type = "DURATION"
        return Expr(
            start,
            end,
            self.text[start:end],
            kind,
            type,
            {k: v for k, v in f.items() if v is not None},
        )

    def run(self) -> list[Expr]:
        rules = (
            self.anaphoric,
            self.date,
            self.deictic,
            self.weekday,
            self.offset,
            self.duration,
            self.period,
            self.month_year,
            self.year_expr,
            self.decade,
            self.set_expr,
            self.clock,
        )
        out: list[Expr] = []
        i = 0
        while i < self.n:
            best: Expr | None = None
            if i in self.blocked or not self.may_start(i):
                i += 1
                continue
            for rule in rules:
                e = rule(i)
                if e and (best is None or e.end > best.end):
                    best = e
            if best is None:
                i += 1
                continue
            if best.kind == "weekday" and "rel" not in best.f and self.future_before(i):
                best.f["future"] = True
            out.append(best)
            i = self.tok_index_end(best.end)
        return self.combine(out)

    def future_before(self, i: int, window: int = 15) -> bool:
        """A future verb («سيزور», «سوف», «من المقرر») before token ``i`` in its sentence."""
        lex = self.lex
        for k in range(i - 1, max(-1, i - 1 - window), -1):
            w = self.w[k]
            if (
                w in (".", "؟", "!", "?", "؛")
                or "\n" in self.text[self.toks[k].end : self.toks[k + 1].start]
            ):
                return False
            for form in (w, w[1:] if w[:1] in "وف" else w):
                if form in lex.future_markers:
                    return True
                if (
                    len(form) >= 4
                    and form[0] == "س"
                    and form[1] in "يتنا"
                    and not form.startswith(lex.future_excluded)
                    and form not in lex.future_excluded_words
                ):
                    return True
        return False

    # ---- combination -------------------------------------------------------------------

    def gap(self, a: Expr, b: Expr, allowed: frozenset[str]) -> bool:
        between = self.text[a.end : b.start].split()
        return all(w in allowed for w in between) and len(between) <= 3

    def combine(self, exprs: list[Expr]) -> list[Expr]:
        """Join neighbours: part of day + day, day + clock, Hijri + Gregorian, frames."""
        lex = self.lex
        out: list[Expr] = []
        for e in exprs:
            prev = out[-1] if out else None
            if prev is not None and self._join(prev, e):
                continue
            out.append(e)
        # a part of day («صباح», «مساء») right before a day
        for e in out:
            if e.kind in DATEISH and "pod" not in e.f:
                s = self._before(e.start)
                for back in (2, 1):
                    if s - back < 0:
                        continue
                    hit = self.phrase(lex.pod_nouns, s - back, clitic=True)
                    if hit and hit[0] == s:
                        e.f["pod"] = hit[1]
                        if hit[1] == "NI" and self.word(s - back).endswith("منتصف"):
                            e.f["clock"] = (24, 0)
                        self._extend(e, self.toks[s - back].start)
                        e.type = "TIME"
                        break
            if e.kind in DATEISH:
                s = self._before(e.start)
                for back in (4, 3, 2):
                    if s - back < 0:
                        continue
                    hit = self.phrase(lex.earlier_later, s - back, clitic=True)
                    if hit and (hit[0] == s or (hit[0] == s - 1 and self.word(s - 1) == "من")):
                        self._extend(e, self.toks[s - back].start)
                        break
            if e.kind in ("decade", "century"):
                s = self._before(e.start)
                if s > 0 and self.phrase(lex.parts, s - 1, clitic=True):
                    self._extend(e, self.toks[s - 1].start)
            if e.kind in ("date", "month", "year", "decade", "century") and self.word(
                self._before(e.start) - 1
            ) in ("منذ", "ومنذ"):
                self._extend(e, self.toks[self._before(e.start) - 1].start)
        return out

    def _before(self, norm_start: int) -> int:
        return self.by_start.get(norm_start, 0)

    def _extend(self, e: Expr, start: int) -> None:
        e.start = start
        e.text = self.text[start : e.end]

    def _join(self, a: Expr, b: Expr) -> bool:
        """Merge ``b`` into ``a`` when they are one expression; True when merged."""
        # a date and a clock: «الخميس الساعة العاشرة», «الساعة العاشرة من صباح اليوم»
        pods = _CLOCK_GAP | set(self.lex.pod_nouns_words)
        if a.kind in DATEISH and b.kind == "clock" and self.gap(a, b, _CLOCK_GAP):
            a.f["clock"] = b.f["clock"]
            a.type = "TIME"
            self._extend_end(a, b.end)
            return True
        if a.kind == "clock" and b.kind in DATEISH and self.gap(a, b, pods):
            h, mi = a.f["clock"]
            gap_words = set(self.text[a.end : b.start].split())
            if h < 12 and gap_words & {"مساء", "عصر", "ليل", "ليله", "بعد"} and not a.f.get("adv"):
                h += 12
            b.f["clock"] = (h, mi)
            a.kind, a.f, a.type = b.kind, b.f, "TIME"
            self._extend_end(a, b.end)
            return True
        # a dual dateline: Hijri and Gregorian dates of one day
        if (
            a.kind in ("date", "deictic")
            and "m" in a.f
            and b.kind == "date"
            and a.f.get("hijri") != b.f.get("hijri")
        ):
            between = self.text[a.end : b.start].split()
            if len(between) <= 3 and all(
                w in _JOIN_PUNCT or w in ("الموافق", "الموافقه", "ل", "لـ", "يوم") for w in between
            ):
                greg = a if not a.f.get("hijri") else b
                days = a.f.get("days")
                a.f = {**a.f, **{k: v for k, v in greg.f.items() if k in ("y", "m", "d", "full")}}
                a.f["hijri"] = False
                a.f["dual"] = True
                if days is not None:
                    a.f["days"] = days
                self._extend_end(a, b.end)
                if self.word(self.tok_index_end(b.end)) == ")":
                    self._extend_end(a, self.toks[self.tok_index_end(b.end)].end)
                return True
        return False

    def _extend_end(self, e: Expr, end: int) -> None:
        e.end = end
        e.text = self.text[e.start : end]


_CLAUSE_START = frozenset(
    {
        "",
        ".",
        "،",
        ",",
        "وقد",
        "قد",
        "لقد",
        "فقد",
        "ثم",
        "الذي",
        "التي",
        "حتي",
        "بعدما",
        "بل",
        "حين",
        "عندما",
        "اذ",
        "فيما",
        "بينما",
        "وبعدما",
        "ان",
        "انه",
        "انها",
    }
)
_CLOCK_GAP = frozenset({"في", "عند", "من", "-", "حوالي", "نحو", "تمام", "علي", "قرابه"})
_COUNT_NOUNS = frozenset(
    {
        "شخص",
        "شخصا",
        "حاله",
        "دولار",
        "دولارا",
        "ريال",
        "ريالا",
        "جنيه",
        "جنيها",
        "درهم",
        "درهما",
        "دينار",
        "دينارا",
        "يورو",
        "طن",
        "مليون",
        "الف",
        "قتيل",
        "قتيلا",
        "جريح",
        "جريحا",
        "طالب",
        "طالبا",
        "مواطن",
        "مواطنا",
        "عامل",
        "عاملا",
        "منزل",
        "منزلا",
        "وحده",
        "متر",
        "مترا",
        "كيلو",
        "كيلومتر",
        "كيلومترا",
        "صوت",
        "صوتا",
        "مقعد",
        "مقعدا",
        "نسمه",
        "لاجي",
        "لاجيا",
        "اسير",
        "اسيرا",
        "معتقل",
        "معتقلا",
        "مريض",
        "مريضا",
        "جندي",
        "جنديا",
    }
)


def duration_value(n: int | None, unit: str) -> str:
    """TIMEX3 duration: ``P34D``, ``PT24H``, ``P2DE``; ``X`` for an unknown count.

    >>> duration_value(34, "D"), duration_value(24, "H"), duration_value(None, "Y")
    ('P34D', 'PT24H', 'PXY')
    """
    count = "X" if n is None else str(n)
    if unit in ("H", "MIN", "S"):
        return f"PT{count}{'M' if unit == 'MIN' else unit}"
    return f"P{count}{unit}"


def parse(text: str, tanween: Callable[[int], bool] | None = None) -> list[Expr]:
    """Recognise the time expressions of a normalised text, in order.

    ``tanween(end)`` says whether the original word ending at normalised offset ``end``
    carried tanween («غداً» is tomorrow, «غدا» may be the verb).
    """
    return _Parser(text, lexicon(), tanween).run()
