"""The document creation time (DCT) cascade: metadata, a visible dateline, inference.

The order is fixed and recorded in ``doc.published_source``: ``given`` by the caller >
``metadata`` (meta tags and JSON-LD of an HTML page, or a date field of a JSON record)
> ``dateline`` (a dated byline or an opening dateline in the text) > ``inferred`` (from
the text's own time expressions) > ``none``. Nothing ever falls back to a default day.

Inference needs two agreeing pieces of evidence, or one exact one:

* a deictic word with a full date («اليوم الخميس 9 نوفمبر 2023») gives the day;
* «منذ 34 يوما» with a full date in the text (the start of what has lasted 34 days)
  gives a day, counted inclusively or not, and a weekday with a deictic («اليوم الخميس»,
  «امس الاربعاء») must pick one of them.

A weekday alone with the latest date of the text is *not* enough: an anniversary
article («امس الجمعة» a year after a dated crash) would get the wrong year.

>>> html = '<meta property="article:published_time" content="2023-11-09T10:00:00+03:00">'
>>> metadata_date(html)
'2023-11-09T10:00:00+03:00'
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .grammar import Expr
from .resolve import _day

_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "created",
    "datecreated",
    "article:modified_time",
    "datemodified",
)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self.jsonld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in _META_KEYS and a.get("content"):
                self.found.setdefault(key, a["content"])
        elif tag == "time" and a.get("datetime"):
            key = "datepublished" if a.get("itemprop", "").lower() == "datepublished" else "time"
            self.found.setdefault(key, a["datetime"])
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self._in_ld = True
            self.jsonld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.jsonld[-1] += data


def _ld_dates(node: object, out: list[str]) -> None:
    if isinstance(node, dict):
        for key in ("datePublished", "dateCreated", "uploadDate", "dateModified"):
            v = node.get(key)
            if isinstance(v, str):
                out.append(v)
        for v in node.values():
            _ld_dates(v, out)
    elif isinstance(node, list):
        for v in node:
            _ld_dates(v, out)


def metadata_date(html: str) -> str | None:
    """The publication date an HTML page declares: JSON-LD ``datePublished``, then meta
    tags (``article:published_time`` …), then ``<time itemprop=datePublished>``.

    Returns the declared ISO string (date or datetime), or None.
    """
    p = _MetaParser()
    try:
        p.feed(html)
        p.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        return None
    candidates: list[str] = []
    for block in p.jsonld:
        try:
            _ld_dates(json.loads(block), candidates)
        except ValueError:
            continue
    candidates += [p.found[k] for k in (*_META_KEYS, "time") if k in p.found]
    for c in candidates:
        m = _ISO.search(c)
        if m:
            return m.group().replace(" ", "T")
    return None


@dataclass(frozen=True)
class Found:
    """A document date and the evidence for it (shown to users as ``published_evidence``)."""

    day: dt.date
    evidence: str


def dateline(
    exprs: list[Expr], blocks: list[tuple[int, int, str, str | None]], text: str
) -> Found | None:
    """A full date in a byline («نشر في …», not «آخر تحديث …» when both exist), or one
    opening one of the first body lines as a dateline («طهران - 9 نوفمبر 2023 (رويترز) -»,
    a line that is just the date).

    ``blocks`` are ``(start, end, zone, reason)`` and ``text`` the normalised text, in
    the offsets of ``exprs``.
    """
    full = [e for e in exprs if e.kind == "date" and e.f.get("full")]
    if not full:
        return None
    bylines = [b for b in blocks if b[3] == "byline-time"]
    for b in sorted(bylines, key=lambda b: "تحديث" in text[b[0] : b[1]]):
        for e in full:
            if b[0] <= e.start < b[1]:
                day = _day(e, None)
                if day:
                    return Found(day, f"byline «{e.text}»")
    body = [b for b in blocks if b[2] not in ("headline", "boilerplate", "caption")][:3]
    for b in body:
        for e in full:
            if not b[0] <= e.start < b[1]:
                continue
            before = text[b[0] : e.start]
            after = text[e.end : b[1]].lstrip()
            opening = _DATELINE_HEAD.match(before) and (
                before.strip() == "" or before.rstrip()[-1:] in "-–—:|" or after[:1] in "-–—(|"
            )
            rest = (before + " " + after).split()
            alone = sum(1 for w in rest if w.isalpha()) <= 2  # a line that is just the date
            if opening or alone:
                day = _day(e, None)
                if day:
                    return Found(day, f"dateline «{e.text}»")
    return None


_DATELINE_HEAD = re.compile(r"^[^.،؛!؟]{0,40}$")


def infer(exprs: list[Expr]) -> Found | None:
    """Infer the DCT from the text's own expressions (see the module docstring)."""
    weekdays: list[tuple[int, Expr]] = []  # (weekday the DCT must have, evidence)
    for e in exprs:
        f = e.f
        if e.kind != "deictic":
            continue
        if f.get("full"):
            day = _day(e, None)
            if day and ("wd" not in f or day.isoweekday() == f["wd"]):
                return Found(day - dt.timedelta(days=f["days"]), f"«{e.text}»")
        if "wd" in f:
            weekdays.append(((f["wd"] - 1 - f["days"]) % 7 + 1, e))
    dated = sorted(
        {d for e in exprs if e.kind == "date" and e.f.get("full") and (d := _day(e, None))}
    )
    if not dated:
        return None

    def agrees(day: dt.date) -> bool:
        return all(day.isoweekday() == wd for wd, _ in weekdays)

    why_wd = "، ".join(f"«{e.text}»" for _, e in weekdays)
    # durations since a dated start: «منذ 34 يوما» and «7 اكتوبر 2023»
    anchored: list[tuple[dt.date, str]] = []
    for e in exprs:
        if e.kind != "duration" or e.f.get("prefix") not in ("منذ", "ومنذ") or e.f.get("n") is None:
            continue
        days = {"D": 1, "W": 7}.get(e.f["unit"])
        if days is None:
            continue
        span = e.f["n"] * days
        for start in dated:
            for day in (start + dt.timedelta(days=span - 1), start + dt.timedelta(days=span)):
                if day >= dated[-1] - dt.timedelta(days=1):
                    anchored.append((day, f"«{e.text}» after {start.isoformat()}"))
    if anchored and weekdays:
        good = [(d, why) for d, why in anchored if agrees(d)]
        if good:
            day, why = good[0]
            return Found(day, f"{why}; {why_wd}")
    return None
