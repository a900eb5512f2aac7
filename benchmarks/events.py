"""Events: detection P/R/F1 on the Arabic event gold (OEDA arabic_event_gsr), source-actor
accuracy on its span records, the gold articles written for marsad, and speed.

Run: python benchmarks/events.py [--gsr DIR] [--gold GLOB ...]; writes its section of
RESULTS.md. ``--gsr`` defaults to ../shared/data/arabic-event-gsr (the half we have);
point it at the other half to score that the same way.

Detection, per file (ASSAULT, PROTEST): each sentence is one document; label ``yes`` is
positive, ``easy no`` and ``difficult no`` negative, ``ambiguous`` skipped. A sentence is
predicted positive when marsad, as a feed of reports (``events.drop_mentions`` on),
codes an event of that type that reports a happening (``report.is_report``: not
negated, hypothetical or future, and at or above the report model's threshold). The
sentence id's date (``…_20080905…``) is the document date when it has one.

The report model was trained on this same half, so the shipped model's score on it is
optimistic. ``--cv`` (on by default) also prints the honest estimate for unseen
sentences: 10-fold out-of-fold scores, the model retrained without each fold, averaged
over three draws of the folds, at the shipped thresholds.

Source actor, on ``*_spans.json``: for each gold record whose event marsad detects, the
source is right when the gold has none and marsad gives no actor, or when marsad's actor
words (an entity mention or a generic agent such as «مسلحون») share at least half of the
gold source's words (normalised as the gold-format rules say).

Gold articles: ``tests/gold/heldout/*.json`` (written for marsad; first scored before any
fix) and the seed, scored by ``marsad eval``'s rules with each gold file's date given.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _results import GOLD_ARTICLES, SHARED, write_section

from marsad.events.report import is_report, published_of

REPO = Path(__file__).resolve().parent.parent
GSR = SHARED / "data" / "arabic-event-gsr"


def _events(nlp: Any, text: str, sid: str) -> tuple[Any, float]:
    from marsad.doc import Article

    t0 = time.perf_counter()
    doc = nlp(Article(text, published=published_of(sid)))
    return doc, time.perf_counter() - t0


def detection(nlp: Any, path: Path, etype: str) -> dict[str, Any]:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    tp = fp = fn = tn = 0
    by_label: Counter[str] = Counter()
    fp_label: Counter[str] = Counter()
    secs = 0.0
    n = 0
    for r in rows:
        label = r["label"].strip()
        if label == "ambiguous":
            continue
        doc, s = _events(nlp, r["text"], r["id"])
        secs += s
        n += 1
        hit = any(ev.type == etype and is_report(ev) for ev in doc.spans["events"])
        gold = label == "yes"
        by_label[label] += 1
        if gold and hit:
            tp += 1
        elif gold:
            fn += 1
        elif hit:
            fp += 1
            fp_label[label] += 1
        else:
            tn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r_ = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r_ / (p + r_) if p + r_ else 0.0
    return {
        "type": etype, "n": n, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "p": p, "r": r_,
        "f1": f1, "labels": by_label, "fp_labels": fp_label, "secs": secs,
    }  # fmt: skip


def source_accuracy(nlp: Any, path: Path, etype: str) -> dict[str, Any]:
    from marsad.eval.score import tokens

    records = json.loads(path.read_text(encoding="utf-8"))
    detected = right = gold_none = right_none = 0
    for rec in records:
        doc, _ = _events(nlp, rec["text"], rec.get("source", ""))
        evs = [ev for ev in doc.spans["events"] if ev.type == etype and is_report(ev)]
        if not evs:
            continue
        detected += 1
        gold = tokens(rec.get("source_gold") or "")
        words: list[set[str]] = [
            set(tokens(a.text)) for ev in evs for a in ev.arguments if a.role == "actor"
        ]
        if not gold:
            gold_none += 1
            ok = not words
            right_none += ok
        else:
            ok = any(sum(1 for t in gold if t in w) >= len(gold) / 2 for w in words)
        right += ok
    return {
        "type": etype, "records": len(records), "detected": detected, "right": right,
        "gold_none": gold_none, "right_none": right_none,
    }  # fmt: skip


def out_of_fold(gsr: Path) -> list[str]:
    """The report model's cross-validated detection scores (see the module docstring)."""
    from marsad.config import Config
    from marsad.events import report
    from marsad.pipeline import load

    nlp = load(Config.default().override("events.report_model", False))
    data = {t: report.gold_sentences(gsr, t, nlp) for t in report.TYPES}
    runs = [report.cross_validate(data, salt=salt) for salt in report.SALTS]
    lines = []
    for t, sents in data.items():
        n_pos = sum(s.label for s in sents)
        thr = report.threshold(t) or 0.0
        prf = [
            report.f1_at(list(zip(oof[t], (s.label for s in sents), strict=True)), n_pos, thr)
            for oof in runs
        ]
        p, r, f1 = (sum(x[i] for x in prf) / len(prf) for i in range(3))
        draws = ", ".join(f"{x[2]:.3f}" for x in prf)
        lines.append(f"| {t} | {thr:.2f} | {p:.3f} | {r:.3f} | **{f1:.3f}** | {draws} |")
    return lines


def gold_articles(patterns: list[str]) -> list[tuple[str, dict[str, Any]]]:
    from marsad.eval.run import evaluate

    out = []
    for pattern in patterns:
        files = sorted(glob.glob(pattern))
        if not files:
            continue
        _, totals = evaluate([Path(f) for f in files], published="gold")
        out.append((f"{pattern} ({len(files)} files)", totals))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gsr", type=Path, default=GSR, help="folder of *_gsr.csv and *_spans.json")
    ap.add_argument(
        "--gold",
        nargs="*",
        default=GOLD_ARTICLES,
        help="gold-format files (globs) scored by marsad eval's rules",
    )
    ap.add_argument(
        "--no-cv", dest="cv", action="store_false", help="skip the out-of-fold estimate"
    )
    args = ap.parse_args()
    from marsad.config import Config
    from marsad.pipeline import load

    nlp = load(Config.default().override("events.drop_mentions", True))  # a feed of reports
    lines = ["## Events (`python benchmarks/events.py`)", ""]
    dets = []
    if (args.gsr / "assault_gsr.csv").exists():
        lines += [
            f"Detection on `{args.gsr.name}` (one sentence = one document; `yes` positive, "
            "`easy no`/`difficult no` negative, `ambiguous` skipped):",
            "",
            "| type | sentences | TP | FP (easy no / difficult no) | FN | P | R | F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for etype in ("ASSAULT", "PROTEST"):
            d = detection(nlp, args.gsr / f"{etype.lower()}_gsr.csv", etype)
            dets.append(d)
            lines.append(
                f"| {etype} | {d['n']:,} | {d['tp']} | {d['fp']} ({d['fp_labels']['easy no']} / "
                f"{d['fp_labels']['difficult no']}) | {d['fn']} | {d['p']:.3f} | {d['r']:.3f} | "
                f"**{d['f1']:.3f}** |"
            )
        lines += ["", "Source actor on the span records (events marsad detects):", ""]
        lines += ["| type | records | detected | source right | of which gold has no source |"]
        lines += ["|---|---:|---:|---:|---:|"]
        for etype in ("ASSAULT", "PROTEST"):
            s = source_accuracy(nlp, args.gsr / f"{etype.lower()}_spans.json", etype)
            acc = s["right"] / s["detected"] if s["detected"] else 0.0
            lines.append(
                f"| {etype} | {s['records']} | {s['detected']} | {s['right']} ({acc:.1%}) | "
                f"{s['right_none']} of {s['gold_none']} left without an actor |"
            )
        if args.cv:
            lines += [
                "",
                "Estimate for unseen sentences (the model was trained on this half): 10-fold "
                "out-of-fold, the model retrained without each fold, mean of 3 draws of the "
                "folds, at the shipped threshold:",
                "",
                "| type | threshold | P | R | F1 | F1 per draw |",
                "|---|---:|---:|---:|---:|---|",
                *out_of_fold(args.gsr),
            ]
        n = sum(d["n"] for d in dets)
        secs = sum(d["secs"] for d in dets)
        lines += [
            "",
            f"Speed: {n / secs:,.0f} sentences/s end to end (cleaning, segmentation, time, "
            f"entities, quotes, events; one core, {n:,} sentences).",
        ]
    else:
        lines += [f"No event gold at {args.gsr}: detection not run.", ""]
    golds = gold_articles(args.gold)
    if golds:
        lines += ["", "Gold articles (`marsad eval --published gold` rules):", ""]
        lines += ["| files | events P | R | F1 | entities F1 | quotes F1 | timexes F1 |"]
        lines += ["|---|---:|---:|---:|---:|---:|---:|"]
        for name, sc in golds:
            ev = sc["events"]
            rel = name.replace(str(REPO) + "/", "").replace(str(SHARED.parent) + "/", "")
            lines.append(
                f"| {rel} | {ev.precision:.3f} | {ev.recall:.3f} | **{ev.f1:.3f}** | "
                f"{sc['entities'].f1:.3f} | {sc['quotes'].f1:.3f} | {sc['timexes'].f1:.3f} |"
            )
    body = "\n".join(lines)
    write_section("events", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
