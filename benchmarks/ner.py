"""The NER tagger: cross-validated accuracy, AQMAR dev, speed, and what fusion changes.

    python benchmarks/ner.py [--data ../shared/data] [--folds 5] [--no-cv]

Measures:
- exact-span P/R/F1 per type from k-fold cross-validation on ANERcorp (contiguous folds of
  sentences, so an article's names seldom cross folds; each fold's model is trained on
  the other folds plus AQMAR train and dev, as the shipped model is; tagging as shipped,
  names shared across 10 sentences on either side);
- the AQMAR dev split, tagged by a model trained on ANERcorp and AQMAR train only;
- tagging speed of the shipped model on one core, per sentence and with the
  document-level pass;
- entity scores on the gold articles (``marsad eval`` rules) with the tagger's names
  fused into the entity stage and without.

Writes its section of benchmarks/RESULTS.md. About 15 minutes on two cores.
"""

from __future__ import annotations

import argparse
import glob
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from _results import GOLD_ARTICLES, SHARED, write_section  # noqa: E402


def table(scores: dict[str, dict[str, float | int]]) -> list[str]:
    lines = ["| type | gold spans | P | R | F1 |", "|---|---:|---:|---:|---:|"]
    for typ, sc in scores.items():
        f1 = f"**{sc['f1']:.3f}**" if typ == "all" else f"{sc['f1']:.3f}"
        lines.append(f"| {typ} | {sc['gold']:,} | {sc['p']:.3f} | {sc['r']:.3f} | {f1} |")
    return lines


def speed(sents: list[list[str]]) -> tuple[float, float, int]:
    from marsad.ner.model import NerTagger, load_tagger

    tagger = load_tagger()
    tagger.tag(sents[0])  # open the model, build the lexicon
    n = sum(len(s) for s in sents)
    t0 = time.perf_counter()
    for s in sents:
        tagger.tag(s)
    per_sentence = n / (time.perf_counter() - t0)
    tagger = NerTagger(tagger.folder)  # the document pass from cold caches: a fresh model
    tagger.lexicon._cache.clear()  # and a fresh per-word cache
    tagger.tag(sents[0])  # open the model outside the timed part
    t0 = time.perf_counter()
    for k in range(0, len(sents), 20):  # 20-sentence "articles"
        tagger.tag_sentences(sents[k : k + 20])
    with_pass = n / (time.perf_counter() - t0)
    return per_sentence, with_pass, n


def fusion(gold: list[str]) -> list[str]:
    from marsad.config import Config
    from marsad.eval.run import evaluate
    from marsad.pipeline import load

    lines = [
        "| gold files | tagger | entities P | R | F1 | quotes F1 | events F1 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for pattern in gold:
        files = sorted(glob.glob(pattern))
        if not files:
            continue
        for on in (False, True):
            nlp = load(Config.default().override("entities.ner", on))
            _, tot = evaluate([Path(f) for f in files], published="gold", nlp=nlp)
            e = tot["entities"]
            lines.append(
                f"| {Path(pattern).parent.name}/{Path(pattern).name} ({len(files)}) | "
                f"{'on' if on else 'off'} | {e.precision:.3f} | {e.recall:.3f} | {e.f1:.3f} | "
                f"{tot['quotes'].f1:.3f} | {tot['events'].f1:.3f} |"
            )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED / "data")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-cv", dest="cv", action="store_false", help="skip the cross-validation")
    ap.add_argument(
        "--gold",
        nargs="*",
        default=GOLD_ARTICLES,
        help="gold-format files (globs) scored by marsad eval's rules",
    )
    args = ap.parse_args()
    from marsad.ner.model import NerTagger, cross_validate, evaluate, read_training_data, train

    corpora = read_training_data(args.data)
    lines = ["## NER tagger (`python benchmarks/ner.py`)", ""]
    if "anercorp" not in corpora:
        lines.append(f"No training data at {args.data}: accuracy not measured.")
    if "anercorp" in corpora and args.cv:
        t0 = time.perf_counter()
        extra = [s for name, sents in corpora.items() if name != "anercorp" for s in sents]
        cv = cross_validate(corpora["anercorp"], extra, k=args.folds)
        print("cross-validation:", cv, flush=True)
        lines += [
            f"ANERcorp (CAMeL Lab train split, {len(corpora['anercorp']):,} sentences), "
            f"{args.folds}-fold cross-validation, contiguous folds, exact spans "
            f"({time.perf_counter() - t0:,.0f} s):",
            "",
            *table(cv),
            "",
        ]
    if "anercorp" in corpora and "aqmar-dev" in corpora:
        with tempfile.TemporaryDirectory() as tmp:
            train(corpora["anercorp"] + corpora.get("aqmar-train", []), tmp)
            dev = evaluate(NerTagger(tmp, domain="wiki"), corpora["aqmar-dev"])
        print("AQMAR dev:", dev, flush=True)
        lines += [
            f"AQMAR dev ({len(corpora['aqmar-dev']):,} Wikipedia sentences), model trained on "
            "ANERcorp + AQMAR train, tagged as Wikipedia text:",
            "",
            *table(dev),
            "",
        ]
    if "anercorp" in corpora:
        per_sentence, with_pass, n = speed([s.tokens for s in corpora["anercorp"]])
        lines += [
            f"Speed of the shipped model on one core ({n:,} ANERcorp tokens, features + CRF): "
            f"**{per_sentence:,.0f} tokens/s** per sentence; {with_pass:,.0f} tokens/s with "
            "the document pass (20-sentence texts, a fresh tagger, word caches cold).",
            "",
        ]
    fused = fusion(args.gold)
    if len(fused) > 2:
        lines += ["Entity stage with and without the tagger (`marsad eval --published gold`):", ""]
        lines += [*fused, ""]
    write_section("ner", "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
