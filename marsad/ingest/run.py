"""The ingest job: inputs → extraction in N processes → the database.

Records are read in order, in batches. For each batch the main process drops what is
stored already (by content hash) or not Arabic, the workers extract the rest (each
builds the pipeline once), and the main process writes the results in input order in
one transaction. A run killed at any moment therefore leaves whole batches only, and
running it again does the rest: the same input always ends as the same rows.

>>> from marsad.store import open_store
>>> store = open_store("sqlite://")
>>> stats = ingest(["examples/article.txt"], store, workers=1)
>>> stats.stored, ingest(["examples/article.txt"], store, workers=1).duplicate
(1, 1)
"""

from __future__ import annotations

import hashlib
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..doc import Article
from ..errors import MarsadError
from ..pipeline import Pipeline, load
from ..store.db import Prepared, Store
from ..store.search import index_terms
from ..store.stories import signature
from .files import BadRecord
from .sources import check_paths, is_arabic, iter_sources

BATCH = 128


@dataclass
class IngestStats:
    """What a run did, record by record."""

    seen: int = 0
    stored: int = 0
    duplicate: int = 0
    skipped: int = 0
    quarantined: int = 0
    started: float = field(default_factory=time.monotonic)
    status: str = "running"

    @property
    def seconds(self) -> float:
        """Seconds since the run started."""
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Records handled per second."""
        return self.seen / self.seconds if self.seconds > 0 else 0.0

    def counts(self) -> dict[str, int]:
        """The four outcomes, for the runs table."""
        return {
            "stored": self.stored,
            "duplicate": self.duplicate,
            "skipped": self.skipped,
            "quarantined": self.quarantined,
        }

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.seen} records in {self.seconds:.1f} s ({self.rate:.1f}/s): "
            f"{self.stored} stored, {self.duplicate} duplicate, {self.skipped} skipped, "
            f"{self.quarantined} quarantined"
        )


def content_hash(article: Article) -> str:
    """The identity of an article: SHA-1 of its headline and text, spaces collapsed.

    >>> a, b = Article("نص  الخبر", title="عنوان"), Article("نص الخبر", title="عنوان")
    >>> content_hash(a) == content_hash(b)
    True
    """
    words = " ".join((article.title or "").split()) + "\n" + " ".join(article.text.split())
    return hashlib.sha1(words.encode("utf-8", "surrogatepass")).hexdigest()


# -- the worker side -----------------------------------------------------------
_NLP: Pipeline | None = None


def _init(config: Config) -> None:
    global _NLP
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    _NLP = load(config)


def prepare(nlp: Pipeline, h: str, article: Article) -> Prepared:
    """Extract one article and build what the store writes."""
    doc = nlp(article)
    text = doc.text
    return Prepared(
        content_hash=h,
        source=article.source,
        fetched=article.fetched,
        doc=doc.to_dict(),
        search_text=index_terms(text),
        minhash=signature(text),
    )


def _work(item: tuple[str, Article]) -> tuple[str, str, Prepared | str]:
    h, article = item
    assert _NLP is not None
    try:
        return h, article.source, prepare(_NLP, h, article)
    except MarsadError as e:
        return h, article.source, str(e)
    except Exception as e:
        detail = " ".join(str(e).split())[:300]
        return h, article.source, f"{article.source}: {type(e).__name__}: {detail}"


def _batches(
    records: Iterable[Article | BadRecord], size: int
) -> Iterator[list[Article | BadRecord]]:
    batch: list[Article | BadRecord] = []
    for r in records:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    paths: Sequence[str],
    store: Store,
    *,
    workers: int = 1,
    config: Config | None = None,
    progress: Callable[[IngestStats], None] | None = None,
    batch: int = BATCH,
) -> IngestStats:
    """Read, extract and store every record of ``paths`` (see the module doc).

    Args:
        paths: files, folders or ``-``.
        store: the open database.
        workers: extraction processes; 1 extracts in this process.
        config: the pipeline configuration (default: the packaged one).
        progress: called after every batch with the running counts.
        batch: records per transaction.

    Raises:
        InputError: a path that does not exist (before anything is written).
        KeyboardInterrupt: Ctrl-C; the batch under way is rolled back, the run is
            recorded as interrupted, and a new run picks up from there.
    """
    config = config or Config.default()
    check_paths(paths)
    stats = IngestStats()
    run_id = store.start_run(paths)
    pool: Any = None
    nlp: Pipeline | None = None
    if workers > 1:
        pool = multiprocessing.get_context().Pool(workers, initializer=_init, initargs=(config,))
    else:
        nlp = load(config)
    seen: set[str] = set()
    records = iter_sources(paths, max_bytes=config.limits.max_article_bytes)
    try:
        for chunk in _batches(records, batch):
            # quarantined records, by position in the input (the Spark job writes the
            # same order)
            bad: list[tuple[int, str, str]] = []
            todo: list[tuple[str, Article]] = []
            position: dict[str, int] = {}
            for rec in chunk:
                stats.seen += 1
                if isinstance(rec, BadRecord):
                    bad.append((stats.seen, rec.source, rec.error))
                elif not is_arabic(rec):
                    stats.skipped += 1
                else:
                    h = content_hash(rec)
                    if h in seen:
                        stats.duplicate += 1
                    else:
                        seen.add(h)
                        position[h] = stats.seen
                        todo.append((h, rec))
            known = store.known([h for h, _ in todo])
            stats.duplicate += sum(1 for h, _ in todo if h in known)
            todo = [(h, a) for h, a in todo if h not in known]
            if pool is not None:
                results: Iterable[tuple[str, str, Prepared | str]] = pool.imap(
                    _work, todo, chunksize=max(1, len(todo) // (workers * 4))
                )
            else:
                assert nlp is not None
                results = (_run_one(nlp, h, a) for h, a in todo)
            with store.transaction():
                for h, source, res in results:
                    if isinstance(res, str):
                        bad.append((position[h], source, res))
                    elif store.add(res) is None:
                        stats.duplicate += 1
                    else:
                        stats.stored += 1
                for _, source, reason in sorted(bad):
                    store.quarantine(source, reason)
                    stats.quarantined += 1
            if progress is not None:
                progress(stats)
        stats.status = "done"
    except KeyboardInterrupt:
        stats.status = "interrupted"
        raise
    finally:
        if pool is not None:
            if stats.status == "done":
                pool.close()
            else:
                pool.terminate()
            pool.join()
        if stats.status == "running":
            stats.status = "failed"
        store.finish_run(run_id, stats.status, stats.counts())
    return stats


def _run_one(nlp: Pipeline, h: str, article: Article) -> tuple[str, str, Prepared | str]:
    global _NLP
    _NLP = nlp
    return _work((h, article))
