"""Spark throughput in local mode, and the cluster projection in docs/scaling.md.

    python benchmarks/spark.py [--records N] [--cores 1,2]

Writes the first N SaudiNewsNet records to a JSONL file and times ``marsad spark
run FILE --out DIR --master local[C]`` in a fresh process for each C (JVM start-up,
extraction, the cross-document jobs and the Parquet writes included), then ``marsad
load`` of the output into SQLite. Writes its section of benchmarks/RESULTS.md and the
projection table of docs/scaling.md from the per-core rate measured with the most
cores.
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

SCALING = HERE.parent / "docs" / "scaling.md"
# assumptions of the projection (not measured here): see docs/scaling.md
YEAR_ARTICLES = (1_000_000, 5_000_000, 20_000_000)
CORE_HOUR_USD = 0.05  # an on-demand general-purpose vCPU-hour, order of magnitude
CLUSTER_CORES = (64, 256)


def _run(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    return seconds, done.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--cores", default="1,2")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="marsad-bench-spark-"))
    src = saudinewsnet_jsonl(tmp / "saudinewsnet.jsonl", args.records)
    marsad = [sys.executable, "-m", "marsad"]
    rows = []
    for cores in (int(c) for c in args.cores.split(",")):
        out = tmp / f"out{cores}"
        seconds, err = _run(
            [*marsad, "spark", "run", str(src), "--out", str(out), "--master", f"local[{cores}]"]
        )
        m = re.search(r"(\d+) stored", err)
        assert m, err
        stored = int(m.group(1))
        load_s, _ = _run([*marsad, "load", str(out), "--db", str(tmp / f"l{cores}.db")])
        rate = stored / seconds
        rows.append((cores, stored, seconds, rate, load_s))
        print(
            f"local[{cores}]: {stored} stored in {seconds:.1f} s = {rate:.1f} articles/s "
            f"({rate / cores:.1f} per core); load {load_s:.1f} s",
            flush=True,
        )
    lines = [
        "## Spark (`python benchmarks/spark.py`)",
        "",
        f"`marsad spark run` on the first {args.records} SaudiNewsNet records (JSONL) in "
        "Spark local mode, a fresh process each time (JVM start-up, extraction, the "
        "cross-document jobs and the Parquet writes included), then `marsad load` into "
        "SQLite.",
        "",
        "| master | stored | seconds | articles/s | per core | marsad load |",
        "|---|---|---|---|---|---|",
    ]
    for cores, stored, seconds, rate, load_s in rows:
        lines.append(
            f"| local[{cores}] | {stored} | {seconds:.1f} | {rate:.1f} | {rate / cores:.1f} | "
            f"{load_s:.1f} s |"
        )
    write_section("spark", "\n".join(lines))
    cores, _, _, rate, _ = rows[-1]
    per_core = rate / cores
    _projection(per_core, cores)


def _projection(per_core: float, cores: int) -> None:
    table = [
        f"From the measured rate of **{per_core:.1f} articles per second per core** "
        f"(local[{cores}], `python benchmarks/spark.py`), assuming it holds per executor "
        f"core on a cluster and ${CORE_HOUR_USD:.2f} per core-hour:",
        "",
        "| Arabic articles in the year (assumed) | core-hours | cost | wall time on "
        + " | wall time on ".join(f"{c} cores" for c in CLUSTER_CORES)
        + " |",
        "|---|---|---|" + "---|" * len(CLUSTER_CORES),
    ]
    for n in YEAR_ARTICLES:
        core_hours = n / per_core / 3600
        walls = " | ".join(f"{core_hours / c:.1f} h" for c in CLUSTER_CORES)
        table.append(
            f"| {n:,} | {core_hours:,.0f} | ${core_hours * CORE_HOUR_USD:,.0f} | {walls} |"
        )
    text = SCALING.read_text(encoding="utf-8")
    start, end = "<!-- projection:start -->", "<!-- projection:end -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    SCALING.write_text(
        pattern.sub(lambda _: f"{start}\n" + "\n".join(table) + f"\n{end}", text), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
