"""Quote-stage throughput on SaudiNewsNet, with what it finds (kinds, speakers).

Run: python benchmarks/quotes.py [--articles N]; writes its section of RESULTS.md.
Segmentation and entity linking run before the timed part; only the quotes stage is timed.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time

from _results import SAUDINEWSNET, prepared_docs, write_section


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    args = ap.parse_args()
    if not SAUDINEWSNET.exists():
        print("SaudiNewsNet not found beside the repo (../shared/data/saudinewsnet): nothing run")
        return 0
    from marsad.pipeline import load
    from marsad.stages.quotes import QuotesConfig, find_quotes

    nlp = load()
    seg, ents = nlp.stages[0], nlp.stages[1]
    docs = prepared_docs(args.articles, lambda a: ents(seg(nlp.make_doc(a))))
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    cfg = QuotesConfig()
    t0 = time.perf_counter()
    for d in docs:
        find_quotes(d, cfg)
    secs = time.perf_counter() - t0
    quotes = [q for d in docs for q in d.spans["quotes"]]
    kinds = collections.Counter(q.kind for q in quotes)
    linked = sum(1 for q in quotes if q.speaker is not None)
    named = sum(1 for q in quotes if q.speaker is None and q.speaker_text)
    body = "\n".join(
        [
            "## Quotes (`python benchmarks/quotes.py`)",
            "",
            "| measure | value |",
            "|---|---:|",
            f"| quotes stage, one core ({len(docs):,} SaudiNewsNet articles, {mb:.1f} MB) | "
            f"{len(docs) / secs:,.0f} articles/s, {mb / secs:.2f} MB/s |",
            f"| quotes found | {len(quotes):,} ({len(quotes) / len(docs):.1f} per article) |",
            f"| direct / indirect / mixed | {kinds['direct']:,} / {kinds['indirect']:,} / "
            f"{kinds['mixed']:,} |",
            f"| speaker is an entity (KB or NIL person) | {linked / len(quotes):.1%} |",
            f"| speaker unnamed, words kept (`speaker_text`) | {named / len(quotes):.1%} |",
            "",
            "No quote gold exists for SaudiNewsNet: these counts describe output, not accuracy.",
        ]
    )
    write_section("quotes", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
