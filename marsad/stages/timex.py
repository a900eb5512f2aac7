"""``marsad.timex.v1``: Arabic time expressions with TIMEX3 values, and the document date.

The stage reads the normalised text with the grammar of :mod:`marsad.temporal.grammar`
(words in ``lexicons/data/time.json``), settles the document date when the caller and
the metadata gave none (:mod:`marsad.temporal.dct`: a dateline, then inference from
the text), and resolves every expression against it (:mod:`marsad.temporal.resolve`).
It runs before ``marsad.entities.v1`` so that titles resolve on an inferred date too.

>>> from marsad.pipeline import load
>>> doc = load()("قال الوزير اليوم الخميس إن الحرب مستمرة منذ 34 يوماً. وبدأت في 7 أكتوبر 2023.")
>>> doc.published, doc.published_source
('2023-11-09', 'inferred')
>>> [(t.text, t.value) for t in doc.spans["timexes"]]
[('اليوم الخميس', '2023-11-09'), ('منذ 34 يوماً', 'P34D'), ('7 أكتوبر 2023', '2023-10-07')]
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ..doc import Document, Timex
from ..registry import Stage, registry
from ..temporal.dct import dateline, infer
from ..temporal.grammar import parse
from ..temporal.resolve import resolve
from ..text.normalize import NormText, normalize

_DAY_KINDS = frozenset({"date", "deictic", "weekday", "offset", "anaphoric"})


@dataclass(frozen=True)
class TimexConfig:
    """Options of ``marsad.timex.v1``.

    Attributes:
        dateline: take the document date from a dated byline or opening dateline
            when the caller and the metadata gave none.
        infer_published: infer the document date from the text's own expressions
            («اليوم الخميس» with «منذ 34 يوماً» of a dated start) as a last resort.
        skip_zones: zones whose expressions are not emitted (they are still read for
            the document date).
    """

    dateline: bool = True
    infer_published: bool = True
    skip_zones: tuple[str, ...] = ("boilerplate",)


@registry.stage(
    "marsad.timex.v1",
    section="timex",
    config=TimexConfig,
    requires=["doc.text", "doc.blocks", "doc.published"],
    assigns=["doc.spans['timexes']", "doc.published"],
)
class TimexTagger(Stage):
    """Time expressions normalised against the document date, which it finds if missing."""

    def __init__(self, config: TimexConfig) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        return find_timexes(doc, self.config)


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def find_timexes(doc: Document, config: TimexConfig | None = None) -> Document:
    """Add ``doc.spans['timexes']`` and, when it was missing, settle ``doc.published``."""
    if config is None:
        config = TimexConfig()
    text = doc.text
    n = normalize(text)

    def tanween(norm_end: int) -> bool:
        _, e = n.span_to_orig(max(0, norm_end - 1), norm_end)
        return "\u064b" in text[max(0, e - 2) : e + 1]

    exprs = parse(n.text, tanween)
    dct = doc.published_day
    if dct is None:
        points = [n.to_orig(i) for i in range(len(n.text) + 1)]
        blocks = [
            (bisect_left(points, b.start), bisect_left(points, b.end), b.zone, b.reason)
            for b in doc.blocks
        ]
        found = dateline(exprs, blocks, n.text) if config.dateline else None
        source = "dateline"
        if found is None and doc.fetched:
            day = _day(doc.fetched)
            if day is not None:  # a crawler's fetch day beats inference from the text
                doc.published, doc.published_source = day.isoformat(), "metadata"
                doc.published_evidence = f"fetched {doc.fetched}"
                dct = day
        if found is None and dct is None and config.infer_published:
            found, source = infer(exprs), "inferred"
        if found is not None:
            dct = found.day
            doc.published = dct.isoformat()
            doc.published_source = source
            doc.published_evidence = found.evidence
    zones = _zones(doc, n)
    ref: dt.date | None = None
    out = doc.spans["timexes"]
    for e in exprs:
        r = resolve(e, dct, ref)
        if r.day is not None and e.kind in _DAY_KINDS:
            ref = r.day
        if zones(e.start) in config.skip_zones:
            continue
        s, t = n.span_to_orig(e.start, e.end)
        out.append(Timex(s, t, text[s:t], type=e.type, value=r.value))
    return doc


def _zones(doc: Document, n: NormText) -> Callable[[int], str]:
    """The zone of the block holding a normalised offset."""
    starts = [b.start for b in doc.blocks]

    def zone(norm_start: int) -> str:
        i = bisect_right(starts, n.to_orig(norm_start)) - 1
        return doc.blocks[i].zone if i >= 0 else "body"

    return zone
