"""Shared helpers for benchmark scripts: corpus loading and RESULTS.md sections."""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
SHARED = HERE.parent.parent / "shared"
SAUDINEWSNET = SHARED / "data" / "saudinewsnet" / "dataset"
# the gold articles scored by marsad eval's rules: ours (held out) and the seed
GOLD_ARTICLES = [
    str(HERE.parent / "tests" / "gold" / "heldout" / "*.json"),
    str(SHARED / "seed" / "gold.json"),
]


def saudinewsnet(limit_files: int | None = None) -> Iterator[dict]:
    """Yield SaudiNewsNet articles (dicts with content, title, ...) from the zip files."""
    files = sorted(SAUDINEWSNET.glob("*.zip"))[:limit_files]
    for f in files:
        with zipfile.ZipFile(f) as z:
            for name in z.namelist():
                yield from json.loads(z.read(name))


def saudinewsnet_jsonl(path: Path, records: int) -> Path:
    """Write the first ``records`` SaudiNewsNet records, as they are, to a JSONL file."""
    with path.open("w", encoding="utf-8") as f:
        for i, rec in enumerate(saudinewsnet()):
            if i >= records:
                break
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def prepared_docs(n: int, prepare: Callable[[Any], Any]) -> list[Any]:
    """The first ``n`` non-empty SaudiNewsNet articles as marsad Articles passed through
    ``prepare`` (e.g. the first stages of a pipeline); articles it refuses are skipped."""
    from marsad.doc import Article
    from marsad.errors import MarsadError

    docs = []
    for a in saudinewsnet():
        if not (a.get("content") or "").strip():
            continue
        article = Article(
            a["content"],
            title=a.get("title") or None,
            published=(a.get("date_extracted") or "")[:10] or None,
        )
        try:
            docs.append(prepare(article))
        except MarsadError:
            continue  # an article with no letters: not what the benchmarks measure
        if len(docs) >= n:
            break
    return docs


def machine() -> str:
    """A one-line description of this machine."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}; Python {platform.python_version()}; {platform.system()}"


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section ``name`` of RESULTS.md, leaving the others alone."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    block = f"{start}\n{body.rstrip()}\n\n_Measured {stamp} on {machine()}._\n{end}"
    text = (
        RESULTS.read_text(encoding="utf-8")
        if RESULTS.exists()
        else (
            "# Benchmark results\n\nWritten by the scripts in this folder; do not edit by hand.\n"
        )
    )
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    RESULTS.write_text(text, encoding="utf-8")
