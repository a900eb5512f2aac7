"""Score predictions against gold files, exactly as ``shared/spec/gold-format.md`` says.

The blind test sets are scored by an independent implementation of the same rules,
so this module follows the text of the rules literally; where they leave a choice
open the choice is written down in ``docs/eval.md`` and in the comments below.

* Text is compared after :func:`norm_text`: NFKC, diacritics and tatweel removed,
  أ/إ/آ/ٱ→ا, ى→ي, ة→ه, ؤ→و, ئ→ي, punctuation to spaces, Latin lower-cased.
* A mention may carry one leading clitic (و ف ب ل ك, or ل fused with ال as «لل»).
* Entities: name, name_en or any mention equal to a gold alias or name_en, with
  agreeing types (GPE and LOC interchangeable).
* Quotes: at least 60% of the gold snippet's tokens in the predicted content, and
  the speaker entity matching the gold speaker.
* Timexes: at least half the gold expression's tokens in the predicted text; correct
  only with the identical value.
* Events: equal PLOVER type and a predicted actor matching a gold actor; for CONSULT
  any two participants (actors or recipients) on either side.
* Optional gold items are neither rewarded nor penalised.

>>> norm_text("شدّد الرئيسُ «الإيراني»، إبراهيم")
'شدد الرييس الايراني ابراهيم'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}
)
_CLITICS = frozenset("وفبلك")
LAYERS = ("entities", "quotes", "timexes", "events")


def norm_text(text: str | None) -> str:
    """Normalise text for comparison, as the scoring rules define it."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\u0640" or cat == "Mn":  # tatweel, diacritics
            continue
        if cat.startswith("P"):
            out.append(" ")
        else:
            out.append(ch)
    folded = "".join(out).translate(_FOLD).lower()
    return " ".join(folded.split())


def tokens(text: str | None) -> list[str]:
    """The normalised tokens of a text."""
    return norm_text(text).split()


def mention_forms(text: str) -> set[str]:
    """A mention's normalised form, and the form without one leading clitic.

    >>> sorted(mention_forms("لإردوغان"))
    ['اردوغان', 'لاردوغان']
    >>> sorted(mention_forms("للسعودية"))
    ['السعوديه', 'لسعوديه', 'للسعوديه']
    """
    m = norm_text(text)
    forms = {m}
    if len(m) > 1 and m[0] in _CLITICS:
        forms.add(m[1:])
    if m.startswith("لل") and len(m) > 2:
        forms.add("ال" + m[2:])
    return forms


def _types_agree(a: str | None, b: str | None) -> bool:
    place = {"GPE", "LOC"}
    return a == b or (a in place and b in place)


@dataclass
class GoldEntity:
    """A gold entity with its normalised keys (aliases and English name)."""

    name_en: str
    type: str
    keys: frozenset[str]
    optional: bool
    raw: dict[str, Any]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GoldEntity:
        """Read one gold entity."""
        keys = {norm_text(a) for a in d.get("aliases", [])} | {norm_text(d.get("name_en"))}
        keys.discard("")
        return cls(
            d.get("name_en", ""), d.get("type", ""), frozenset(keys), bool(d.get("optional")), d
        )


def entity_matches(pred: dict[str, Any], gold: GoldEntity) -> bool:
    """Does a predicted entity match a gold entity (names/mentions vs aliases, types)?"""
    if not _types_agree(pred.get("type"), gold.type):
        return False
    if norm_text(pred.get("name")) in gold.keys or norm_text(pred.get("name_en")) in gold.keys:
        return True
    return any(mention_forms(m.get("text", "")) & gold.keys for m in pred.get("mentions", []))


@dataclass
class LayerScore:
    """Counts and diagnostics of one layer."""

    tp: int = 0  # predictions that match a required gold item (precision numerator)
    predicted: int = 0  # predictions that count (those matching only optional items excluded)
    gold_found: int = 0  # required gold items matched (recall numerator)
    gold: int = 0  # required gold items
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """tp / predicted (1.0 when nothing was predicted and nothing was due)."""
        return self.tp / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        """gold_found / gold (1.0 when there is no required gold)."""
        return self.gold_found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: LayerScore) -> None:
        """Add another document's counts (micro-averaging)."""
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold_found += other.gold_found
        self.gold += other.gold
        self.missed += other.missed
        self.spurious += other.spurious
        self.notes += other.notes

    def to_dict(self) -> dict[str, Any]:
        """JSON form, with the rounded figures."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold_found": self.gold_found,
            "gold": self.gold,
            "missed": self.missed,
            "spurious": self.spurious,
            "notes": self.notes,
        }


class _Resolver:
    """Matches predicted entity ids against gold entity names."""

    def __init__(self, pred: dict[str, Any], gold_entities: list[GoldEntity]) -> None:
        self.by_id = {e["id"]: e for e in pred.get("entities", [])}
        self.gold_by_name = {norm_text(g.name_en): g for g in gold_entities}

    def matches(self, eid: str | None, gold_name: str) -> bool:
        ent = self.by_id.get(eid) if eid else None
        if ent is None:
            return False
        g = self.gold_by_name.get(norm_text(gold_name))
        if g is not None:
            return entity_matches(ent, g)
        # a gold name with no gold entity: compare names directly
        key = norm_text(gold_name)
        return key in (norm_text(ent.get("name_en")), norm_text(ent.get("name")))

    def label(self, eid: str | None) -> str:
        ent = self.by_id.get(eid) if eid else None
        if ent is None:
            return "∅"
        return ent.get("name_en") or ent.get("name") or str(eid)


def score_entities(pred: dict[str, Any], gold_entities: list[GoldEntity]) -> LayerScore:
    """Score entities: not one-to-one (two predicted entities may match one gold entity)."""
    s = LayerScore()
    required = [g for g in gold_entities if not g.optional]
    optional = [g for g in gold_entities if g.optional]
    found: set[int] = set()
    for ent in pred.get("entities", []):
        hits = [i for i, g in enumerate(required) if entity_matches(ent, g)]
        if hits:
            s.tp += 1
            s.predicted += 1
            found.update(hits)
        elif any(entity_matches(ent, g) for g in optional):
            continue  # matches an optional-only entity: neither rewarded nor penalised
        else:
            s.predicted += 1
            s.spurious.append(f"{ent.get('type')} {ent.get('name')} ({ent.get('name_en')})")
    s.gold = len(required)
    s.gold_found = len(found)
    s.missed = [f"{g.type} {g.name_en}" for i, g in enumerate(required) if i not in found]
    return s


def _one_to_one(
    preds: list[Any],
    golds: list[dict[str, Any]],
    *,
    overlaps: Any,
    correct: Any,
    describe_pred: Any,
    describe_gold: Any,
) -> LayerScore:
    """Greedy one-to-one matching used for quotes, timexes and events.

    ``overlaps(p, g)`` says a prediction is *about* a gold item (content/text overlap
    and type); ``correct(p, g)`` says it also has the right speaker/value/actors.
    A prediction that overlaps a gold item but is not correct is an error on both
    sides. Required gold items are claimed before optional ones.
    """
    s = LayerScore()
    order = sorted(range(len(golds)), key=lambda i: bool(golds[i].get("optional")))
    claimed: set[int] = set()
    for p in preds:
        hit = None
        for i in order:
            if i not in claimed and overlaps(p, golds[i]) and correct(p, golds[i]):
                hit = i
                break
        if hit is None:
            s.predicted += 1
            s.spurious.append(describe_pred(p))
            continue
        claimed.add(hit)
        if golds[hit].get("optional"):
            continue  # neither rewarded nor penalised
        s.predicted += 1
        s.tp += 1
    required = [i for i in range(len(golds)) if not golds[i].get("optional")]
    s.gold = len(required)
    s.gold_found = sum(1 for i in required if i in claimed)
    s.missed = [describe_gold(golds[i]) for i in required if i not in claimed]
    return s


def _share(gold_text: str, pred_text: str) -> float:
    g = tokens(gold_text)
    if not g:
        return 0.0
    p = set(tokens(pred_text))
    return sum(1 for t in g if t in p) / len(g)


def score_quotes(pred: dict[str, Any], gold: dict[str, Any], resolver: _Resolver) -> LayerScore:
    """Score quotes: 60% of the gold snippet's tokens in the content, and the right speaker."""
    return _one_to_one(
        pred.get("quotes", []),
        gold.get("quotes", []),
        overlaps=lambda p, g: _share(g["content"], p["content"]["text"]) >= 0.6,
        correct=lambda p, g: resolver.matches(p.get("speaker"), g["speaker"]),
        describe_pred=lambda p: (
            f"{resolver.label(p.get('speaker'))}: «{_short(p['content']['text'])}»"
        ),
        describe_gold=lambda g: f"{g['speaker']}: «{_short(g['content'])}»",
    )


def score_timexes(pred: dict[str, Any], gold: dict[str, Any]) -> LayerScore:
    """Score time expressions: half the gold tokens in the predicted text, identical value."""
    return _one_to_one(
        pred.get("timexes", []),
        gold.get("timexes", []),
        overlaps=lambda p, g: _share(g["text"], p["text"]) >= 0.5,
        correct=lambda p, g: p.get("value") == g.get("value"),
        describe_pred=lambda p: f"{p['text']} = {p.get('value')}",
        describe_gold=lambda g: f"{g['text']} = {g.get('value')}",
    )


def _event_match(p: dict[str, Any], g: dict[str, Any], resolver: _Resolver) -> bool:
    if p.get("type") != g.get("type"):
        return False
    if g.get("type") == "CONSULT":
        gold_parts = [*g.get("actors", []), *g.get("recipients", [])]
        pred_parts = [*p.get("actors", []), *p.get("recipients", [])]
        need = min(2, len(gold_parts))
        hits = sum(1 for name in gold_parts if any(resolver.matches(e, name) for e in pred_parts))
        return hits >= need
    gold_actors = g.get("actors", [])
    if not gold_actors:
        return True  # an event with no known actor matches on its type
    return any(resolver.matches(e, name) for e in p.get("actors", []) for name in gold_actors)


def score_events(pred: dict[str, Any], gold: dict[str, Any], resolver: _Resolver) -> LayerScore:
    """Score events by type and participants; location and date are reported as notes."""
    s = _one_to_one(
        pred.get("events", []),
        gold.get("events", []),
        overlaps=lambda p, g: True,
        correct=lambda p, g: _event_match(p, g, resolver),
        describe_pred=lambda p: (
            f"{p.get('type')} {[resolver.label(a) for a in p.get('actors', [])]}"
            f" -> {[resolver.label(a) for a in p.get('recipients', [])]} «{p['trigger']['text']}»"
        ),
        describe_gold=lambda g: f"{g.get('type')} {g.get('actors')} -> {g.get('recipients')}",
    )
    return s


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass
class DocScore:
    """The scores of one gold file."""

    gold_path: str
    layers: dict[str, LayerScore]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"gold": self.gold_path, **{k: v.to_dict() for k, v in self.layers.items()}}


def score_document(pred: dict[str, Any], gold: dict[str, Any], *, gold_path: str = "") -> DocScore:
    """Score one predicted document (output-contract dict) against one gold dict."""
    gold_entities = [GoldEntity.from_dict(e) for e in gold.get("entities", [])]
    resolver = _Resolver(pred, gold_entities)
    layers = {
        "entities": score_entities(pred, gold_entities),
        "quotes": score_quotes(pred, gold, resolver),
        "timexes": score_timexes(pred, gold),
        "events": score_events(pred, gold, resolver),
    }
    return DocScore(gold_path, layers)


def total(scores: Iterable[DocScore]) -> dict[str, LayerScore]:
    """Micro-average: add the counts of every document, layer by layer."""
    out = {name: LayerScore() for name in LAYERS}
    for s in scores:
        for name in LAYERS:
            out[name].add(s.layers[name])
    return out
