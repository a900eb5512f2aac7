"""Throughput of the text layer (cleaning + segmentation) on SaudiNewsNet, one core.

    python benchmarks/text_layer.py [--files N] [--repeat R]

Measures, in one process (one core), over the article bodies of ``../shared/data/
saudinewsnet``: cleaning alone; cleaning + segmentation (blocks with zones, sentences,
token offsets), which is what every document pays; and the same plus building every
Token and Word object, which a stage pays only when it reads ``doc.tokens``.
Throughput is in megabytes of UTF-8 input per second (target: 5 MB/s per core for
cleaning + segmentation). Writes its section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _results import SAUDINEWSNET, saudinewsnet, write_section

from marsad.doc import Document
from marsad.text.clean import clean
from marsad.text.segment import segment


def run_once(texts: list[str]) -> dict[str, float]:
    t0 = time.perf_counter()
    cleaned = [clean(t)[0] for t in texts]
    t1 = time.perf_counter()
    docs = [segment(Document(t)) for t in cleaned]
    t2 = time.perf_counter()
    n_words = sum(len(tok.words) for d in docs for tok in d.tokens)
    t3 = time.perf_counter()
    return {
        "clean": t1 - t0,
        "segment": t2 - t1,
        "materialise": t3 - t2,
        "tokens": float(sum(d.n_tokens for d in docs)),
        "words": float(n_words),
        "sentences": float(sum(len(d.sentences) for d in docs)),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=None, help="only the first N zip files")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = ap.parse_args()
    if not SAUDINEWSNET.exists():
        print(f"skipped: {SAUDINEWSNET} not found (../shared is needed)")
        return 0
    texts = [a["content"] for a in saudinewsnet(args.files) if a.get("content")]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1_000_000
    runs = [run_once(texts) for _ in range(args.repeat)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    clean_s, seg_s, mat_s = med["clean"], med["segment"], med["materialise"]
    rows = [
        ("cleaning", clean_s),
        ("cleaning + segmentation", clean_s + seg_s),
        ("cleaning + segmentation + Token/Word objects", clean_s + seg_s + mat_s),
    ]
    lines = [
        "## Text layer (`python benchmarks/text_layer.py`)",
        "",
        f"{len(texts):,} SaudiNewsNet article bodies, {mb:.1f} MB of UTF-8, "
        f"{int(med['sentences']):,} sentences, {int(med['tokens']):,} tokens, "
        f"{int(med['words']):,} words; one process (one core), median of {args.repeat} runs.",
        "",
        "| work | seconds | MB/s per core | articles/s |",
        "|---|---:|---:|---:|",
    ]
    for label, secs in rows:
        lines.append(f"| {label} | {secs:.2f} | {mb / secs:.2f} | {len(texts) / secs:,.0f} |")
    ok = mb / (clean_s + seg_s) >= 5.0
    lines += [
        "",
        f"Target: ≥ 5 MB/s per core for cleaning + segmentation: **{'met' if ok else 'NOT met'}**.",
    ]
    body = "\n".join(lines)
    write_section("text_layer", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
