"""End-to-end ingest throughput and memory: SaudiNewsNet records into SQLite.

    python benchmarks/ingest.py [--records N] [--workers 1,2]

Writes the first N SaudiNewsNet records (as they are: empty ones included, which
are quarantined) to a JSONL file, then times ``marsad ingest FILE --db NEW.db
--workers W`` in a fresh process for each W: extraction by every stage, the NER
tagger included, and storage with full-text indexing and story clustering. Peak
memory is the largest summed RSS of the process and its workers, sampled every
0.1 s. A second run over the same file measures the idempotent no-op. Writes its
section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _results import saudinewsnet_jsonl, write_section  # noqa: E402


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(src: Path, db: Path, workers: int) -> dict[str, float]:
    """One ``marsad ingest`` run: seconds, peak MB and the counts it printed."""
    cmd = [sys.executable, "-m", "marsad", "ingest", str(src), "--db", str(db)]
    cmd += ["--workers", str(workers), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        tree = [proc.pid, *_children(proc.pid)]
        peak = max(peak, sum(_rss_mb(p) for p in tree))
        time.sleep(0.1)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"marsad ingest failed ({proc.returncode}): {err}")
    m = re.search(
        r"(\d+) records .*?: (\d+) stored, (\d+) duplicate, (\d+) skipped, (\d+) quarantined", err
    )
    assert m, err
    seen, stored, dup, skipped, quarantined = map(int, m.groups())
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "records": seen,
        "stored": stored,
        "duplicate": dup,
        "skipped": skipped,
        "quarantined": quarantined,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="marsad-bench-ingest-"))
    src = saudinewsnet_jsonl(tmp / "saudinewsnet.jsonl", args.records)
    size_mb = src.stat().st_size / 1e6
    rows = []
    for w in (int(x) for x in args.workers.split(",")):
        db = tmp / f"w{w}.db"
        first = run(src, db, w)
        again = run(src, db, w)
        rate = first["stored"] / first["seconds"]
        rows.append((w, first, again, rate))
        print(
            f"workers {w}: {first['stored']} stored in {first['seconds']:.1f} s = "
            f"{rate:.1f} articles/s ({rate / w:.1f} per core), peak {first['peak_mb']:.0f} MB; "
            f"second run {again['seconds']:.1f} s, {again['stored']} stored",
            flush=True,
        )
    first = rows[0][1]
    lines = [
        "## Ingest (`python benchmarks/ingest.py`)",
        "",
        f"`marsad ingest` on the first {args.records} SaudiNewsNet records ({size_mb:.1f} MB of "
        f"JSONL; {first['stored']:.0f} stored, {first['quarantined']:.0f} quarantined without "
        f"text, {first['duplicate']:.0f} duplicates, {first['skipped']:.0f} not Arabic) into a "
        "new SQLite file: every stage including the NER tagger, then storage with FTS5 "
        "indexing and MinHash story clustering. Wall time of a fresh process, start-up "
        "(loading the knowledge base and the tagger) included.",
        "",
        "| workers | stored articles/s | per core | peak memory (all processes) | "
        "second run (adds 0 rows) |",
        "|---|---|---|---|---|",
    ]
    for w, f1, again, rate in rows:
        lines.append(
            f"| {w} | {rate:.1f} | {rate / w:.1f} | {f1['peak_mb']:.0f} MB | "
            f"{again['seconds']:.1f} s, {again['stored']:.0f} stored |"
        )
    lines += ["", "Target (issue #8): 50 articles/s per core, under 1.5 GB."]
    write_section("ingest", "\n".join(lines))


if __name__ == "__main__":
    main()
