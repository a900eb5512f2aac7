"""Zones of article lines: headline, standfirst, body, caption, boilerplate.

Lines such as «اقرأ أيضاً: …», «اخترنا لك», share/follow bars, image captions and
copyright lines are *marked*, never deleted, so later stages can skip or down-weight
them and a reader can still see them. The rules are regular expressions in
``text/data/boilerplate.json``, matched against the line after the matching
normalisation so that «اقرأ أيضاً» and «اقرا ايضا» are the same line.

A **standfirst** is the summary paragraph right after the headline. Without HTML
markup it is told apart from the first body paragraph by layout: it is followed by a
caption or boilerplate block before the body starts (the photo sits between the
standfirst and the body on most Arabic news sites).

>>> t = "العنوان\\n\\nملخص الخبر.\\n\\n• صورة\\n\\nنص الخبر.\\n\\nاقرأ أيضاً: خبر آخر"
>>> from marsad.text.segment import split_blocks
>>> for zone in assign_zones(t, split_blocks(t), headline=True):
...     print(zone)
('headline', None)
('standfirst', 'before-caption')
('caption', 'caption')
('body', None)
('boilerplate', 'read-also')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..resources import load_json
from .normalize import norm


@dataclass(frozen=True)
class _Rule:
    reason: str
    zone: str
    pattern: re.Pattern[str]
    max_words: int
    not_prose: bool


@dataclass(frozen=True)
class _Rules:
    rules: tuple[_Rule, ...]
    continuation_max_words: int
    max_words: int  # the largest max_words of any rule


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_json("text/data/boilerplate.json")
    rules = tuple(
        _Rule(
            r["reason"],
            r["zone"],
            re.compile(r["pattern"], re.IGNORECASE),
            r["max_words"],
            bool(r.get("not_prose")),
        )
        for r in data["rules"]
    )
    return _Rules(rules, data["caption_continuation"]["max_words"], max(r.max_words for r in rules))


_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_TERMINAL_END = re.compile(r"[.!?؟…:]\W*$")
_SENTENCE_END = re.compile(r"[.!?؟]\W*$")


def classify_line(line: str) -> tuple[str, str] | None:
    """Return ``(zone, reason)`` when a line is boilerplate or a caption, else None.

    >>> classify_line("اقرأ أيضاً: قمة في الرياض")
    ('boilerplate', 'read-also')
    >>> classify_line("اقرأ الكتاب كاملاً قبل أن تحكم عليه، كما قال الوزير.") is None
    True
    """
    rules = _rules()
    if line.count(" ") >= rules.max_words:  # too long to be any kind of boilerplate
        return None
    bare = _DIACRITICS.sub("", norm(line.strip()))
    words = len(bare.split())
    prose = words > 6 and bool(_SENTENCE_END.search(bare))
    for rule in rules.rules:
        if rule.not_prose and prose:
            continue
        if words <= rule.max_words and rule.pattern.search(bare):
            return rule.zone, rule.reason
    return None


def assign_zones(
    text: str, blocks: list[tuple[int, int]], *, headline: bool
) -> list[tuple[str, str | None]]:
    """Give every block a ``(zone, reason)``.

    Args:
        text: the canonical text.
        blocks: ``(start, end)`` of each line, from :func:`split_blocks`.
        headline: whether the first block is the headline.
    """
    rules = _rules()
    zones: list[tuple[str, str | None]] = []
    for i, (s, e) in enumerate(blocks):
        line = text[s:e]
        if i == 0 and headline:
            zones.append(("headline", None))
            continue
        found = classify_line(line)
        if found is None and zones and zones[-1] == ("caption", "caption"):
            # the caption text under a bulleted gallery title («• قمة» then the caption)
            prev = text[blocks[i - 1][0] : blocks[i - 1][1]].lstrip()
            if (
                prev[:1] in "•▪■◾●*"
                and len(line.split()) <= rules.continuation_max_words
                and not _TERMINAL_END.search(line)
            ):
                found = ("caption", "caption")
        zones.append(found if found is not None else ("body", None))
    # standfirst: the first block after the headline, when a caption or boilerplate
    # block separates it from the body that follows
    if headline and len(zones) > 2 and zones[1] == ("body", None):
        nxt = zones[2][0]
        if nxt in ("caption", "boilerplate") and any(z[0] == "body" for z in zones[3:]):
            zones[1] = ("standfirst", "before-caption")
    return zones
