"""Page render times of the web UI over a database of all of SaudiNewsNet.

    python benchmarks/web.py [--db PATH] [--repeat N]

Without ``--db`` it first fills a new SQLite database with ``marsad ingest`` over
every SaudiNewsNet zip (about 31,000 records; minutes). Pages are rendered in-process
through FastAPI's test client (routing, queries, templates; no network), each
``--repeat`` times after one warm-up request: search (common words, a phrase, with
filters), article pages, the pages of the most-mentioned actors and of random ones,
the quotes and events explorers and the stories page. Writes its section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _results import SAUDINEWSNET, write_section  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="an existing database of SaudiNewsNet (else one is built)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    db = args.db
    if db is None:
        db = str(Path(tempfile.mkdtemp(prefix="marsad-bench-web-")) / "marsad.db")
        subprocess.run(
            [sys.executable, "-m", "marsad", "ingest", str(SAUDINEWSNET), "--db", db, "-q"],
            check=True,
        )
    from fastapi.testclient import TestClient

    from marsad.store import open_store
    from marsad.web.app import create_app

    with open_store(db, create=False) as s:
        counts = s.counts()
        top = [
            r[0]
            for r in s.all(
                "SELECT entity_id FROM mentions GROUP BY entity_id ORDER BY COUNT(*) DESC LIMIT 5"
            )
        ]
        rng = random.Random(7)
        n_ent = counts["entities"]
        some = rng.sample(range(1, n_ent + 1), 5)
        docs = rng.sample(range(1, counts["documents"] + 1), 10)
    client = TestClient(create_app(db))
    pages = {
        "search «السعودية»": ["/search?q=السعودية"],
        "search «وزير الخارجية»": ["/search?q=وزير الخارجية"],
        "search «الرياض» page 5": ["/search?q=الرياض&page=5"],
        "search «الحوثيين» + date range": ["/search?q=الحوثيين&since=2015-07-25&until=2015-08-10"],
        "search, no words, one outlet": ["/search?outlet=okaz"],
        "article (10 random)": [f"/article/{d}" for d in docs],
        "actor, 5 most mentioned": [f"/actor/{e}" for e in top],
        "actor (5 random)": [f"/actor/{e}" for e in some],
        "quotes explorer": ["/quotes"],
        "events explorer": ["/events"],
        "stories": ["/stories"],
    }
    rows = []
    for name, urls in pages.items():
        times = []
        for url in urls:
            assert client.get(url).status_code == 200, url
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
        rows.append((name, statistics.median(times), max(times)))
        print(
            f"{name}: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms", flush=True
        )
    lines = [
        "## Web pages (`python benchmarks/web.py`)",
        "",
        f"Render times of `marsad serve`'s pages over SQLite holding all of SaudiNewsNet "
        f"({counts['documents']:,} documents, {counts['entities']:,} entities, "
        f"{counts['mentions']:,} mentions, {counts['quotes']:,} quotes, {counts['events']:,} "
        "events), in-process through FastAPI's test client (routing, queries, templates; "
        f"no network), {args.repeat} times each after a warm-up.",
        "",
        "| page | median | max |",
        "|---|---|---|",
        *(f"| {n} | {m:.0f} ms | {x:.0f} ms |" for n, m, x in rows),
        "",
        "Target (issue #10): search and actor pages under 300 ms.",
    ]
    write_section("web", "\n".join(lines))


if __name__ == "__main__":
    main()
