"""Report or mention: how likely a coded event is a report of something that happened.

News sentences name violence and protest far more often than they report it: a trial
«في قضية اغتيال …», an analysis of «حملة الضربات الجوية», an opinion on «التفجيرات».
The coder finds the trigger and its arguments in all of them; this model weighs the
sentence around the trigger and gives each event a ``confidence`` in [0, 1]. GDELT
and ICEWS code the report only, so an event below the model's threshold is best read
as a mention of events.

The model is a logistic regression over sparse binary features (the trigger entry and
its part of speech, which arguments the coder found and by which rule, modality, where
the trigger sits in the sentence, the words around it). Scoring is pure Python; the
weights are ``events/data/report.json``, one weight table per event type it was trained
for (ASSAULT and PROTEST, from the Open Event Data Alliance Arabic event gold, MIT).
Other types keep ``confidence = None``.

Train: ``python -m marsad.events.report --gsr ../shared/data/arabic-event-gsr`` (it
prints the cross-validated score, out of fold, before writing the weights).

>>> from marsad import extract
>>> doc = extract("قتل ثلاثة مدنيين أمس في غارة جوية على بلدة في شمال البلاد.",
...               published="2024-03-02")
>>> ev = doc.spans["events"][0]
>>> ev.type, ev.confidence is not None and ev.confidence > threshold("ASSAULT")
('ASSAULT', True)
"""

from __future__ import annotations

import json
import math
import re
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..doc import Document, Event
from ..resources import load_json
from ..text.normalize import norm
from .coder import CoderOptions, code_events
from .lexicon import lexicon

MODEL_PATH = "events/data/report.json"
TYPES = ("ASSAULT", "PROTEST")  # the types with gold to learn from
_WORD = re.compile(r"[\u0621-\u064a]+|\d+")


@lru_cache(maxsize=1)
def _cues() -> dict[str, frozenset[str]]:
    """Cue words near a trigger (``events.json``, ``report_cues``), normalised."""
    data = load_json("lexicons/data/events.json")["report_cues"]
    return {k: frozenset(norm(w) for w in v) for k, v in data.items() if k != "comment"}


def _word(w: str) -> str:
    """A normalised word without و/ف and the article: the unit the model sees."""
    if (len(w) > 3 and w[0] in "وف" and w[1:3] != "ال" and w not in _KEEP) or (
        len(w) > 4 and w[0] in "وف" and w[1:3] == "ال"
    ):
        w = w[1:]
    if len(w) > 4 and w.startswith(("ال", "لل")):
        w = w[2:]
    return w


_KEEP = frozenset({"وقال", "وقف", "فرض", "فريق", "وفد", "وزير", "وزاره", "فتح", "وقع"})


def _bucket(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f"{edges[-1]}+"


Features = dict[str, float]


def features(doc: Document, ev: Event) -> Features:
    """The sparse features of one event: indicator names with their values (1 for an
    indicator; the sentence's words share a total weight of 1, so a long sentence does
    not outvote a short one)."""
    s = doc.sentences[ev.sentence]
    text = doc.text
    entry = lexicon().entries.get(ev.trigger_id or "")
    out = [
        "bias",
        f"trigger={ev.trigger_id}",
        f"family={(ev.trigger_id or '').split('.')[0]}",
        f"pos={entry.pos if entry else 'demand'}",
        f"mode={ev.mode}",
        f"zone={s.zone}",
        f"date_source={ev.date_source}",
    ]
    out += [f"modality={m}" for m in ev.modality] or ["modality=none"]
    by_role: dict[str, list[str]] = {}
    for a in ev.arguments:
        kind = "entity" if a.entity else ("agent" if a.sector else "words")
        by_role.setdefault(a.role, []).append(kind)
        out.append(f"{a.role}.rule={a.rule.split(':')[0]}")
        if a.sector:
            out.append(f"{a.role}.sector={a.sector}")
    for role in ("actor", "recipient", "location", "date"):
        kinds = by_role.get(role)
        out.append(f"{role}={'+'.join(sorted(set(kinds))) if kinds else 'none'}")
    out.append(f"mentions={_bucket(len(ev.mentions), (0, 1, 2))}")
    # where the trigger sits
    before = text[s.start : ev.trigger.start]
    words_before = _WORD.findall(norm(before))
    out.append(f"at_word={_bucket(len(words_before), (0, 1, 2, 4, 8, 16))}")
    out.append(f"clauses_before={_bucket(before.count('،') + before.count(','), (0, 1, 2))}")
    out.append(f"quote_open_before={before.count('«') > before.count('»')}")
    words = [_word(w) for w in _WORD.findall(norm(s.text))]
    out.append(f"sentence_words={_bucket(len(words), (8, 16, 32, 64))}")
    same = sum(1 for e in doc.spans["events"] if e.sentence == ev.sentence and e.type == ev.type)
    out.append(f"same_type_in_sentence={_bucket(same, (1, 2, 3))}")
    trig = norm(ev.trigger.text)
    out.append(f"trigger_prefix={trig[:1] if trig[:1] in 'وف' else '-'}")
    # the words: of the sentence, and right around the trigger
    near_before = [_word(w) for w in words_before[-3:]]
    after = _WORD.findall(norm(text[ev.trigger.end : s.end]))[:8]
    near_after = [_word(w) for w in after[:4]]
    out += [f"before={w}" for w in near_before]
    out += [f"after={w}" for w in near_after]
    if near_before:
        out.append(f"prev={near_before[-1]}")
    if near_after:
        out.append(f"next={near_after[0]}")
    near = set(near_before) | set(near_after) | {_word(w) for w in after[4:8]}
    for cue, ws in _cues().items():
        if any(w in ws or (cue == "count" and w.isdigit()) for w in near):
            out.append(f"cue={cue}@near")
        elif any(w in ws or (cue == "count" and w.isdigit()) for w in words):
            out.append(f"cue={cue}")
    out += sorted(
        {
            f"also={e.type}"
            for e in doc.spans["events"]
            if e.sentence == ev.sentence and e.type != ev.type
        }
    )
    if entry and entry.pos == "verb":
        stem = trig[1:] if trig[:1] in "وف" and len(trig) > 3 else trig
        out.append(f"tense={'present' if stem[:1] in 'يتن' else 'past'}")
    feats = dict.fromkeys(out, 1.0)
    bag = set(words)
    for w in bag:
        feats[f"w={w}"] = 1 / math.sqrt(len(bag))
    return feats


def typed(feats: Features, etype: str) -> Features:
    """Each feature twice: once for ``etype`` alone, once shared by all types (what
    makes a report of a protest also makes a report of an attack: a date, a place, a
    crowd or a toll; the type's own words stay its own)."""
    out = {f"{etype}:{f}": v for f, v in feats.items()}
    out.update({f"*:{f}": v for f, v in feats.items()})
    return out


@dataclass(frozen=True)
class ReportModel:
    """The weights (typed features, see :func:`typed`) and a threshold per type."""

    weights: dict[str, float]
    thresholds: dict[str, float]

    def score(self, feats: Features, etype: str) -> float:
        """The probability that an event of ``etype`` with ``feats`` is a report."""
        z = sum(self.weights.get(f, 0.0) * v for f, v in typed(feats, etype).items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def model() -> ReportModel:
    """The shipped weights (their checksum checked on load)."""
    data = load_json(MODEL_PATH)
    return ReportModel(
        weights=dict(data["weights"]),
        thresholds={t: float(v) for t, v in data["thresholds"].items()},
    )


def threshold(etype: str) -> float | None:
    """The confidence at and above which an event of ``etype`` counts as a report, or
    None for a type the model was not trained on."""
    return model().thresholds.get(etype)


def score_events(doc: Document) -> None:
    """Set ``confidence`` on each event of ``doc`` whose type the model knows."""
    m = model()
    for ev in doc.spans["events"]:
        if ev.type in m.thresholds:
            ev.confidence = round(m.score(features(doc, ev), ev.type), 4)


def is_report(ev: Event) -> bool:
    """Whether ``ev`` reports a happening: not negated, hypothetical or future, and,
    where the model scored it, at or above its type's threshold."""
    if {"negated", "hypothetical", "future"} & set(ev.modality):
        return False
    t = threshold(ev.type)
    return t is None or ev.confidence is None or ev.confidence >= t


# --- training ---------------------------------------------------------------------

Example = tuple[Features, float]


def train(
    examples: Sequence[Example],
    *,
    epochs: int = 40,
    l2: float = 1e-3,
    rate: float = 0.05,
    min_count: int = 2,
) -> dict[str, float]:
    """Fit a logistic regression with AdaGrad and L2 decay on ``(features, label)``;
    a feature seen in fewer than ``min_count`` examples is left out.

    Deterministic: a fixed linear congruential shuffle orders each epoch.
    """
    seen: dict[str, int] = {}
    for feats, _ in examples:
        for f in feats:
            seen[f] = seen.get(f, 0) + 1
    examples = [({f: v for f, v in x.items() if seen[f] >= min_count}, y) for x, y in examples]
    w: dict[str, float] = {}
    g2: dict[str, float] = {}
    order = list(range(len(examples)))
    seed = 12345
    for _ in range(epochs):
        for i in range(len(order) - 1, 0, -1):
            seed = (seed * 1103515245 + 12345) % 2**31
            j = seed % (i + 1)
            order[i], order[j] = order[j], order[i]
        for idx in order:
            feats, y = examples[idx]
            z = sum(w.get(f, 0.0) * v for f, v in feats.items())
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for f, v in feats.items():
                grad = (p - y) * v + l2 * w.get(f, 0.0)
                g2[f] = g2.get(f, 0.0) + grad * grad
                w[f] = w.get(f, 0.0) - rate * grad / (math.sqrt(g2[f]) + 1e-8)
    return {f: round(v, 4) for f, v in w.items() if abs(v) >= 1e-4}


def f1_at(scores: Sequence[tuple[float, int]], n_pos: int, t: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``score >= t`` over sentence scores; ``n_pos`` counts
    every positive sentence, those without a candidate event too."""
    tp = sum(1 for s, y in scores if s >= t and y)
    fp = sum(1 for s, y in scores if s >= t and not y)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / n_pos if n_pos else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(scores: Sequence[tuple[float, int]], n_pos: int) -> tuple[float, float]:
    """The threshold with the best F1 over sentence scores, and that F1."""
    best = (0.5, 0.0)
    for t in sorted({round(s, 3) for s, _ in scores}):
        f1 = f1_at(scores, n_pos, t)[2]
        if f1 > best[1]:
            best = (t, f1)
    return best


HAPPENED_NOT = frozenset({"negated", "hypothetical", "future"})
SALTS = ("", "a", "b")  # three draws of the folds: a threshold good for one draw only is noise


@dataclass
class Sentence:
    """One gold sentence for training: its label, the id and text, and the features of
    each event of the type (with whether it could count: not negated, hypothetical or
    future)."""

    sid: str
    text: str
    label: int
    events: list[tuple[Features, bool]]
    target: float = 0.0  # the share of annotators who accepted: what the model learns


def gold_sentences(gsr: Path, etype: str, nlp: Any) -> list[Sentence]:
    """Read ``{etype}_gsr.csv`` and code each sentence with ``nlp`` (run without the
    events stage's filter: ``events.report_model`` off): ``yes`` positive,
    ``easy no``/``difficult no`` negative, ``ambiguous`` skipped. The model learns the
    share of annotators who accepted (a ``difficult no`` had one dissenting accept)."""
    import csv

    from ..doc import Article

    out = []
    with (gsr / f"{etype.lower()}_gsr.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            label = r["label"].strip()
            if label == "ambiguous":
                continue
            doc = nlp(Article(r["text"], published=published_of(r["id"])))
            # what the stage codes with drop_mentions on, before anything is dropped
            doc.spans["events"] = code_events(doc, CoderOptions(scored_types=frozenset(TYPES)))
            evs = [
                (features(doc, ev), not HAPPENED_NOT & set(ev.modality))
                for ev in doc.spans["events"]
                if ev.type == etype
            ]
            total = int(r.get("total") or 0)
            share = int(r.get("accept") or 0) / total if total else float(label == "yes")
            out.append(Sentence(r["id"], r["text"], int(label == "yes"), evs, share))
    return out


def published_of(sid: str) -> str | None:
    """The date in an OEDA sentence id (``AAW_ARB_20080905.0106-5``), if it has one."""
    m = re.search(r"_(\d{4})(\d{2})(\d{2})", sid)
    if not m:
        return None
    y, mo, d = m.groups()
    return f"{y}-{mo}-{d}" if "01" <= mo <= "12" and "01" <= d <= "31" else None


def _examples(data: dict[str, list[Sentence]], keep: Callable[[str, int], bool]) -> list[Example]:
    """Each event of the sentences ``keep(type, index)`` accepts, typed, with its
    sentence's share of accepting annotators."""
    return [
        (typed(f, t), s.target)
        for t, sents in data.items() for i, s in enumerate(sents) if keep(t, i)
        for f, _ in s.events
    ]  # fmt: skip


def _sentence_score(m: ReportModel, s: Sentence, etype: str) -> float:
    return max((m.score(f, etype) for f, ok in s.events if ok), default=0.0)


def cross_validate(
    data: dict[str, list[Sentence]], k: int = 10, salt: str = "", **kw: Any
) -> dict[str, list[float]]:
    """Out-of-fold sentence scores per type. A fold holds the same sentences for
    every type it scores; duplicates of a text always share a fold."""
    fold = {
        t: [zlib.crc32((salt + s.text).encode()) % k for s in sents] for t, sents in data.items()
    }
    oof = {t: [0.0] * len(sents) for t, sents in data.items()}
    for f in range(k):
        ex = _examples(data, lambda t, i, f=f: fold[t][i] != f)  # type: ignore[misc]
        fm = ReportModel(train(ex, **kw), {})
        for t, sents in data.items():
            for i, s in enumerate(sents):
                if fold[t][i] == f:
                    oof[t][i] = _sentence_score(fm, s, t)
    return oof


def main(argv: list[str] | None = None) -> int:
    """Train the report model on the OEDA gold and write ``events/data/report.json``."""
    import argparse

    from ..config import Config
    from ..pipeline import load

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--gsr", type=Path, required=True, help="folder with *_gsr.csv")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "report.json")
    ap.add_argument("--folds", type=int, default=10)
    args = ap.parse_args(argv)
    nlp = load(Config.default().override("events.report_model", False))
    data = {t: gold_sentences(args.gsr, t, nlp) for t in TYPES}
    runs = [cross_validate(data, k=args.folds, salt=salt) for salt in SALTS]
    thresholds = {}
    for t, sents in data.items():
        n_pos = sum(s.label for s in sents)
        per_run = [list(zip(oof[t], (s.label for s in sents), strict=True)) for oof in runs]
        grid = sorted({round(x, 2) for scores in per_run for x, _ in scores})

        def mean_f1(
            thr: float, per_run: list[list[tuple[float, int]]] = per_run, n_pos: int = n_pos
        ) -> float:
            return sum(f1_at(sc, n_pos, thr)[2] for sc in per_run) / len(per_run)

        thr = max(grid, key=mean_f1)
        thresholds[t] = thr
        prf = [f1_at(sc, n_pos, thr) for sc in per_run]
        p, r, f1 = (sum(x[i] for x in prf) / len(prf) for i in range(3))
        sys.stdout.write(
            f"{t}: {len(sents)} sentences, {n_pos} positive; {args.folds}-fold out-of-fold, "
            f"mean of {len(SALTS)} fold draws: P {p:.3f} R {r:.3f} F1 {f1:.3f} at threshold "
            f"{thr:.2f} (draws: {', '.join(f'{x[2]:.3f}' for x in prf)})\n"
        )
    weights = train(_examples(data, lambda t, i: True))
    out = {
        "about": (
            "Report-or-mention weights for marsad.events.report, trained by `python -m "
            "marsad.events.report --gsr DIR` on the Open Event Data Alliance Arabic event gold "
            "(openeventdata/arabic_event_gsr, MIT): the half in ../shared. Logistic regression "
            "over typed sparse features; thresholds chosen on out-of-fold scores."
        ),
        "thresholds": thresholds,
        "sentences": {t: len(v) for t, v in data.items()},
        "weights": dict(sorted(weights.items())),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    sys.stdout.write(
        f"wrote {args.out} ({len(weights):,} weights); "
        "now run: python -m marsad.resources --update\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
