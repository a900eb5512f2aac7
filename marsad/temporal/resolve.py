"""Turn recognised expressions into TIMEX3 values, and infer a missing document date.

Deictic expressions (اليوم، امس، قبل يومين، الاحد المقبل) resolve against the document
date (DCT); anaphoric ones («في اليوم التالي») against the last day-precision date
before them. A bare weekday takes the news past bias (the last such day on or before
the DCT) unless a future verb precedes it in its sentence.

>>> from .grammar import parse
>>> dct = dt.date(2023, 11, 9)
>>> [value(e, dct) for e in parse("اليوم الخميس والاحد المقبل وقبل يومين")]
['2023-11-09', '2023-11-12', '2023-11-07']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .grammar import Expr, duration_value

_SUB_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def hijri_to_gregorian(y: int, m: int, d: int) -> dt.date | None:
    """Umm al-Qura Hijri date → Gregorian (hijridate); None outside its range.

    >>> hijri_to_gregorian(1445, 9, 5)
    datetime.date(2024, 3, 15)
    """
    from hijridate import Hijri

    try:
        g = Hijri(y, m, d).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return dt.date(g.year, g.month, g.day)


def hijri_year_of(day: dt.date) -> int | None:
    """The Umm al-Qura Hijri year of a Gregorian date."""
    from hijridate import Gregorian

    try:
        return int(Gregorian(day.year, day.month, day.day).to_hijri().year)
    except (ValueError, OverflowError):
        return None


def add_months(day: dt.date, n: int) -> tuple[int, int]:
    """(year, month) ``n`` months after ``day``'s month."""
    k = day.year * 12 + day.month - 1 + n
    return k // 12, k % 12 + 1


def weekday_date(wd: int, dct: dt.date, rel: str | None, future: bool) -> dt.date:
    """The date of ISO weekday ``wd`` relative to ``dct``.

    ``next``: first strictly after; ``past``: last strictly before; otherwise the
    last on or before (news past bias), or the next after when ``future``.
    """
    diff = wd - dct.isoweekday()
    if rel == "next" or (rel is None and future):
        return dct + dt.timedelta(days=diff if diff > 0 else diff + 7)
    if rel == "past":
        return dct + dt.timedelta(days=diff if diff < 0 else diff - 7)
    return dct + dt.timedelta(days=diff if diff <= 0 else diff - 7)


def nearest_year(m: int, d: int | None, dct: dt.date) -> int:
    """The year that puts month ``m`` (day ``d``) nearest the DCT."""
    best, best_gap = dct.year, None
    for y in (dct.year - 1, dct.year, dct.year + 1):
        try:
            day = dt.date(y, m, d or 15)
        except ValueError:
            continue
        gap = abs((day - dct).days)
        if best_gap is None or gap < best_gap:
            best, best_gap = y, gap
    return best


def _day(e: Expr, dct: dt.date | None) -> dt.date | None:
    """The calendar day of a date expression, when it has day precision."""
    f = e.f
    y, m, d = f.get("y"), f.get("m"), f.get("d")
    if m is None or d is None:
        return None
    if f.get("hijri"):
        if y is None:
            if dct is None:
                return None
            y = hijri_year_of(dct)
            if y is None:
                return None
        return hijri_to_gregorian(y, m, d)
    if y is None:
        if dct is None:
            return None
        y = nearest_year(m, d, dct)
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


@dataclass
class Resolved:
    """A value and the calendar day it names (when it names one)."""

    value: str | None
    day: dt.date | None = None


def resolve(e: Expr, dct: dt.date | None, ref: dt.date | None = None) -> Resolved:
    """The TIMEX3 value of ``e`` against document date ``dct`` and reference day ``ref``."""
    f = e.f
    r = _resolve_date(e, dct, ref)
    if r.value is None or e.type != "TIME":
        return r
    if "clock" in f:
        h, mi = f["clock"]
        clock = f"T{h:02d}:{mi:02d}"
        if e.kind == "clock":
            return Resolved(clock)
        if r.day is not None:
            return Resolved(f"{r.day.isoformat()}{clock}", r.day)
        return r
    if "pod" in f and r.day is not None:
        return Resolved(f"{r.day.isoformat()}T{f['pod']}", r.day)
    return r


def _resolve_date(e: Expr, dct: dt.date | None, ref: dt.date | None) -> Resolved:
    f = e.f
    kind = e.kind
    if kind == "duration":
        return Resolved(duration_value(f.get("n"), f["unit"]))
    if kind == "set":
        return Resolved(f["value"])
    if kind == "clock":
        return Resolved("T")
    if kind == "century":
        c = f["c"]
        if c <= 0:
            if dct is None:
                return Resolved(None)
            c = dct.year // 100 + 1 + c
        return Resolved(f"{c - 1:02d}")
    if kind == "decade":
        return Resolved(f"19{f['dec']}")
    if kind == "date":
        day = _day(e, dct)
        if day is not None:
            return Resolved(day.isoformat(), day)
        if f.get("hijri"):
            return Resolved(None)
        return Resolved(f"XXXX-{f['m']:02d}-{f['d']:02d}")
    if kind == "year":
        return Resolved(_with_sub(str(f["y"]), f))
    if kind == "month":
        y = f.get("y")
        m = f["m"]
        if y is None:
            if dct is None:
                return Resolved(f"XXXX-{m:02d}")
            rel = f.get("rel")
            if rel == "past":
                y = dct.year if m < dct.month else dct.year - 1
            elif rel == "next":
                y = dct.year if m > dct.month else dct.year + 1
            elif rel == "this":
                y = dct.year
            else:
                y = nearest_year(m, None, dct)
        return Resolved(f"{y:04d}-{m:02d}")
    if kind == "anaphoric":
        base = ref or dct
        if base is None:
            return Resolved(None)
        if "days" in f:
            day = base + dt.timedelta(days=f["days"])
            return Resolved(day.isoformat(), day)
        return _shift(base, f["n"], f["unit"])
    if dct is None:
        if kind == "deictic" and f.get("m") and f.get("y"):
            day = _day(e, None)
            return Resolved(day.isoformat() if day else None, day)
        return Resolved(None)
    if kind == "deictic":
        if f.get("m") and f.get("d"):
            day = _day(e, dct)
            if day is not None:
                return Resolved(day.isoformat(), day)
        day = dct + dt.timedelta(days=f["days"])
        if "wd" in f and day.isoweekday() != f["wd"]:
            # «اليوم الخميس» on a Friday DCT: the text is right about its own weekday
            day = weekday_date(f["wd"], day + dt.timedelta(days=3), None, False)
        return Resolved(day.isoformat(), day)
    if kind == "weekday":
        day = weekday_date(f["wd"], dct, f.get("rel"), bool(f.get("future")))
        return Resolved(day.isoformat(), day)
    if kind == "offset":
        base = dct
        if "anchor" in f:
            a = Expr(0, 0, "", "date", f=f["anchor"])
            base_day = _day(a, dct)
            if base_day is None:
                return Resolved(None)
            base = base_day
        return _shift(base, f["n"], f["unit"])
    if kind == "period":
        unit, rel = f["unit"], f["rel"]
        step = {"past": -1, "next": 1, "this": 0}[rel]
        if unit == "W":
            y, w, _ = (dct + dt.timedelta(weeks=step)).isocalendar()
            return Resolved(f"{y}-W{w:02d}")
        if unit == "M":
            y, m = add_months(dct, step)
            return Resolved(f"{y:04d}-{m:02d}")
        y = dct.year + step
        sub = f.get("sub")
        if f.get("explicit"):
            pass
        elif sub in _SUB_MONTHS and rel == "past":
            # «الصيف الماضي»: the last such season before the DCT's
            start = dt.date(dct.year, _SUB_MONTHS[sub], 1)
            y = dct.year if start < dct and not _in_season(dct, sub) else dct.year - 1
        elif sub in _SUB_MONTHS and rel == "next":
            start = dt.date(dct.year, _SUB_MONTHS[sub], 1)
            y = dct.year if start > dct else dct.year + 1
        return Resolved(_with_sub(str(y), f))
    return Resolved(None)


def _in_season(day: dt.date, sub: str) -> bool:
    start = _SUB_MONTHS[sub]
    return start <= day.month < start + 3 or (sub == "WI" and day.month <= 2)


def _with_sub(year: str, f: dict[str, Any]) -> str:
    sub = f.get("sub")
    return f"{year}-{sub}" if sub else year


def _shift(base: dt.date, n: int, unit: str) -> Resolved:
    if unit in ("D", "W"):
        day = base + dt.timedelta(days=n * (7 if unit == "W" else 1))
        return Resolved(day.isoformat(), day)
    if unit == "M":
        y, m = add_months(base, n)
        return Resolved(f"{y:04d}-{m:02d}")
    if unit in ("Y", "DE", "CE"):
        years = n * {"Y": 1, "DE": 10, "CE": 100}[unit]
        return Resolved(f"{base.year + years:04d}")
    return Resolved(base.isoformat(), base)


def value(e: Expr, dct: dt.date | None, ref: dt.date | None = None) -> str | None:
    """Shortcut: the value string of :func:`resolve`."""
    return resolve(e, dct, ref).value
