"""Knowledge-base load time and memory, and entity-linking throughput.

    python benchmarks/entities.py [--articles N]

Measures: compiling the knowledge base from its YAML files (cold: no disk cache), loading
the compiled form from the disk cache (warm, in a fresh process), the memory the loaded
KB takes (peak RSS of that process minus the interpreter's), and linking throughput on
SaudiNewsNet articles in one process (segmentation excluded, so the figure is the
entity stage's own). Writes its section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _results import SAUDINEWSNET, prepared_docs, write_section  # noqa: E402

PROBE = """
import json, resource, sys, time
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
from marsad.kb.gazetteer import load_gazetteer
g = load_gazetteer()
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "kb_mb": (peak - base) / 1024, "peak_mb": peak / 1024,
                  "phrases": len(g.phrases), "actors": len(g.kb.actors)}))
"""


def probe(cache: str) -> dict:
    env = dict(os.environ, MARSAD_CACHE=cache)
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold = probe(cache)
        warm = probe(cache)
    lines = [
        "## Entities (`python benchmarks/entities.py`)",
        "",
        f"Knowledge base: {warm['actors']:,} actors, {warm['phrases']:,} phrases.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| compile from YAML (cold, no cache) | {cold['seconds']:.2f} s |",
        f"| load compiled KB (warm, fresh process) | {warm['seconds']:.2f} s |",
        f"| memory taken by the loaded KB (peak RSS growth) | {warm['kb_mb']:.0f} MB |",
    ]
    if SAUDINEWSNET.exists():
        from marsad.pipeline import load
        from marsad.stages.entities import link_entities

        nlp = load()
        seg = nlp.stages[0]
        linker = next(s for s in nlp.stages if hasattr(s, "gazetteer"))
        gaz, tagger = linker.gazetteer, linker.tagger
        docs = prepared_docs(args.articles, lambda a: seg(nlp.make_doc(a)))
        for d in docs:
            d.tokens  # materialise outside the timed part  # noqa: B018
        mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
        for label, tg in (("knowledge base only", None), ("with the NER tagger", tagger)):
            if tg is not None:
                tg.tag(["تحميل"])  # open the model outside the timed part
            t0 = time.perf_counter()
            n_ent = sum(len(link_entities(d, gaz, tagger=tg).entities) for d in docs)
            secs = time.perf_counter() - t0
            lines += [
                f"| linking throughput, {label}, one core ({len(docs):,} SaudiNewsNet articles, "
                f"{mb:.1f} MB) | {len(docs) / secs:,.0f} articles/s, {mb / secs:.2f} MB/s |",
                f"| entities found, {label} | {n_ent:,} ({n_ent / len(docs):.1f} per article) |",
            ]
    body = "\n".join(lines)
    write_section("entities", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
