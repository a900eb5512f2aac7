"""``marsad spark run``: the ingest pipeline on Apache Spark, into Parquet tables.

The same steps as ``marsad ingest`` (:mod:`marsad.ingest.run`), spread over a cluster:

1. **Read.** Input files (local paths, folders, or any Hadoop URI: ``hdfs://``,
   ``s3a://``) are read with ``binaryFiles`` and turned into records by the same
   readers as ingest (:func:`marsad.ingest.sources.read_bytes`). Each record keeps its
   place in the input (file number, record number): every id below follows it, so
   the result does not depend on how Spark splits the work.
2. **Filter.** Unreadable records go to ``quarantine``, other languages are counted and
   dropped, exact duplicates (content hash) keep their first copy.
3. **Extract** in ``mapPartitions``: each Python worker builds the pipeline once
   (never per record) and turns articles into the output contract, its MinHash
   signature, or a quarantine reason.
4. **Cross-document steps, as Spark jobs:** entities by key (kb_id or NIL name) with
   the id of their first mention; reports of one event merged per key by the same
   date-window rule as the database (:func:`marsad.store.rows.within`), in input
   order; near-duplicate stories from the MinHash bands datasketch's LSH would use,
   each document joining the story of the first earlier document sharing a band.
5. **Write** the tables ``documents``, ``entities``, ``mentions``, ``quotes``, ``events``,
   ``event_mentions``, ``stories`` with the columns of ``marsad export --format
   parquet`` (:func:`marsad.export.table_columns`), and ``quarantine``, each a folder
   of Parquet part files under ``--out``.

``marsad load OUT --db URL`` (:mod:`marsad.spark.load`) puts them in a database,
where they are the rows ``marsad ingest`` would have stored from the same input.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import Config
from ..doc import Article
from ..errors import Errors, InputError
from ..export import table_columns
from ..ingest.files import BadRecord
from ..ingest.run import content_hash
from ..ingest.sources import is_arabic, list_files, read_bytes
from ..store.rows import (
    document_values,
    entity_values,
    event_mention_values,
    event_values,
    mention_rows,
    quote_rows,
    widen,
    within,
)
from ..store.stories import StoryIndex

QUARANTINE_COLUMNS = [("id", "int64"), ("source", "string"), ("reason", "string"), ("at", "string")]
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

Order = tuple[int, int]  # (file number, record number): a record's place in the input


def columns(table: str) -> list[tuple[str, str]]:
    """The Parquet columns of a table the job writes."""
    return QUARANTINE_COLUMNS if table == "quarantine" else table_columns(table)


def expand_inputs(inputs: Sequence[str]) -> list[tuple[str, str]]:
    """The input files in ingest's order, as (name, URI): local folders are walked as
    ``marsad ingest`` walks them (the names are the ones ingest records as ``source``);
    a Hadoop URI is passed to Spark as it is.

    Raises:
        InputError: a local path that does not exist.
    """
    out: list[tuple[str, str]] = []
    for p in inputs:
        if _URI.match(p) and not p.startswith("file://"):
            out.append((p, p))
            continue
        local = Path(p[len("file://") :] if p.startswith("file://") else p)
        if not local.exists():
            raise InputError(Errors.E100.format(path=p))
        out.extend((str(f), _uri(f)) for f in list_files(local))
    return out


def _uri(path: Path) -> str:
    return "file://" + str(path.resolve())


def _same_uri(u: str) -> str:
    return re.sub(r"^file:/+", "file:///", u)


# -- steps that run on the workers (plain functions, so they pickle) -------------------
def _read(
    item: tuple[str, bytes], names: dict[str, tuple[int, str]], max_bytes: int
) -> Iterator[tuple[Order, str, Any]]:
    """The records of one input file: (order, kind, payload); kind is ``bad``, ``skip``
    or ``article`` (payload ``(hash, Article)``)."""
    uri, data = item
    number, name = names.get(_same_uri(uri), (len(names), uri))
    page = None
    if uri.startswith("file:") and Path(name).suffix.lower() in (".xml", ".rss", ".atom"):
        from ..ingest.feeds import pages_beside

        page = pages_beside(name)
    for j, rec in enumerate(read_bytes(bytes(data), name, max_bytes=max_bytes, page=page)):
        order = (number, j)
        if isinstance(rec, BadRecord):
            yield order, "bad", (rec.source, rec.error)
        elif not is_arabic(rec):
            yield order, "skip", None
        else:
            yield order, "article", (content_hash(rec), rec)


_PIPELINE: list[Any] = []  # [(config, pipeline)]: one per Python worker process


def _extract(config: Config, items: Iterable[tuple[Order, tuple[str, Article]]]) -> Iterator[Any]:
    """Extract a partition's articles; the pipeline is built once per worker process."""
    from ..errors import MarsadError
    from ..pipeline import load
    from ..store.stories import signature

    if not _PIPELINE or _PIPELINE[0][0] != config:
        _PIPELINE[:] = [(config, load(config))]
    nlp = _PIPELINE[0][1]
    for order, (h, article) in items:
        try:
            doc = nlp(article)
        except MarsadError as e:
            yield order, "error", (article.source, str(e))
            continue
        except Exception as e:
            detail = " ".join(str(e).split())[:300]
            yield (
                order,
                "error",
                (article.source, f"{article.source}: {type(e).__name__}: {detail}"),
            )
            continue
        d = doc.to_dict()
        # what the cross-document steps read, without the text and the text layer
        slim = {k: d[k] for k in ("entities", "quotes", "events")}
        values = document_values(h, article.source, article.fetched, d)
        yield order, "doc", (values, slim, signature(doc.text))


def _cluster_reports(
    members: Iterable[tuple[Order, dict[str, Any], Any]],
) -> Iterator[tuple[str, Order, Any, Any]]:
    """Merge the reports that share an event key, in input order, the way the database
    does: a report joins the first event of its key whose dates it fits, else starts
    one. Yields ``("event", creator, row, None)`` and ``("report", order, creator,
    report)``."""
    events: list[list[Any]] = []  # [first_date, last_date, creator order, values, n]
    for order, values, report in sorted(members, key=lambda m: m[0]):
        date = values["date"]
        for ev in events:
            if within(date, ev[0], ev[1]):
                ev[0], ev[1] = widen(ev[0], ev[1], date)
                ev[4] += 1
                yield "report", order, ev[2], report
                break
        else:
            events.append([date, date, order, values, 1])
            yield "report", order, order, report
    for first, last, creator, values, n in events:
        row = {**values, "first_date": first, "last_date": last, "n_mentions": n}
        yield "event", creator, row, None


@lru_cache(maxsize=1)
def _band_shape() -> tuple[int, int]:
    """(bands, rows per band) of datasketch's index at our threshold (computed once)."""
    lsh = StoryIndex()._lsh
    return int(lsh.b), int(lsh.r)


def _bands(sig: bytes) -> list[tuple[int, bytes]]:
    """The LSH bands of a signature, as datasketch's index cuts them."""
    b, r = _band_shape()
    return [(i, sig[i * r * 8 : (i + 1) * r * 8]) for i in range(b)]


# -- the driver ------------------------------------------------------------------------
def session(master: str | None = None, app: str = "marsad") -> Any:
    """A SparkSession (``local[*]`` unless ``master`` or spark-submit says otherwise).

    Raises:
        InputError: pyspark is not installed.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise InputError(Errors.E620) from e
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    elif not os.environ.get("SPARK_HOME") and "spark.master" not in os.environ.get(
        "PYSPARK_SUBMIT_ARGS", ""
    ):
        builder = builder.master("local[*]")
    # workers run this Python (with marsad installed) unless told otherwise
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _index(rdd: Any, key: Any) -> Any:
    """(1-based row id, item) in the order of ``key``."""
    return rdd.sortBy(key).zipWithIndex().map(lambda x: (x[1] + 1, x[0]))


def run(
    inputs: Sequence[str],
    out: str,
    *,
    spark: Any = None,
    master: str | None = None,
    config: Config | None = None,
    partitions: int | None = None,
) -> dict[str, int]:
    """Run the pipeline over ``inputs`` and write the Parquet tables under ``out``.

    Args:
        inputs: files, folders (walked as ingest walks them) or Hadoop URIs.
        out: the output folder (a local path or a Hadoop URI); tables are overwritten.
        spark: a SparkSession to use (default: :func:`session` with ``master``).
        master: the Spark master URL when no session is given.
        config: the pipeline configuration.
        partitions: extraction partitions (default: twice the default parallelism).

    Returns:
        The counts: records, stored, duplicate, skipped, quarantined, and rows per table.
    """
    config = config or Config.default()
    files = expand_inputs(inputs)
    if not files:
        raise InputError(Errors.E604.format(path=", ".join(inputs)))
    spark = spark or session(master)
    sc = spark.sparkContext
    names = {_same_uri(uri): (i, name) for i, (name, uri) in enumerate(files)}
    max_bytes = config.limits.max_article_bytes
    n_parts = partitions or max(2, sc.defaultParallelism * 2)
    spark.conf.set("spark.sql.shuffle.partitions", str(n_parts))

    raw = sc.binaryFiles(",".join(uri for _, uri in files))
    records = raw.flatMap(lambda item: _read(item, names, max_bytes)).cache()
    kinds = dict(records.map(lambda r: (r[1], 1)).reduceByKey(lambda a, b: a + b).collect())

    articles = records.filter(lambda r: r[1] == "article").map(lambda r: (r[2][0], (r[0], r[2])))
    first = articles.reduceByKey(lambda a, b: a if a[0] <= b[0] else b).values()
    unique = first.count()
    extracted = (
        first.repartition(n_parts).mapPartitions(lambda part: _extract(config, part)).cache()
    )
    errors = extracted.filter(lambda r: r[1] == "error").map(lambda r: (r[0], r[2]))
    bad = records.filter(lambda r: r[1] == "bad").map(lambda r: (r[0], r[2])).union(errors)

    # documents in input order: their row ids
    numbered = _index(extracted.filter(lambda r: r[1] == "doc"), lambda r: r[0]).map(
        lambda x: (x[0], x[1][2])
    )  # (row, (document values, entities/quotes/events, signature))
    numbered.cache()
    docs = numbered.mapValues(lambda v: (v[0]["content_hash"], v[1], v[2])).cache()

    # entities: one per key, numbered by first mention
    ent_refs = docs.flatMap(
        lambda x: [
            (entity_values(e)["key"], ((x[0], i), e["id"], entity_values(e)))
            for i, e in enumerate(x[1][1].get("entities", []))
        ]
    )
    entities = _index(
        ent_refs.map(lambda kv: (kv[0], (kv[1][0], kv[1][2]))).reduceByKey(
            lambda a, b: a if a[0] <= b[0] else b
        ),
        lambda kv: kv[1][0],
    ).map(lambda x: (x[1][0], (x[0], x[1][1][1])))  # key → (entity id, values)
    entities.cache()
    local_ids = (
        ent_refs.map(lambda kv: (kv[0], (kv[1][0][0], kv[1][1])))
        .join(entities)
        .map(lambda kv: (kv[1][0][0], (kv[1][0][1], kv[1][1][0])))
        .groupByKey()
        .mapValues(dict)
    )  # row → {local id: entity id}
    full = docs.leftOuterJoin(local_ids).map(lambda x: (x[0], x[1][0], x[1][1] or {})).cache()

    # mentions, quotes and reports are numbered in input order: the driver adds up
    # each document's counts (one triple per document) into the first id of each
    sizes = full.map(
        lambda x: (
            x[0],
            sum(len(e.get("mentions", [])) for e in x[1][1]["entities"]),
            len(x[1][1]["quotes"]),
            len(x[1][1]["events"]),
        )
    ).collect()
    first_ids = [sc.broadcast(_offsets([(r[0], r[k]) for r in sizes])) for k in (1, 2, 3)]
    m_ids, q_ids, e_ids = first_ids
    mentions = full.flatMap(
        lambda x: [
            {"id": m_ids.value[x[0]] + i, **m}
            for i, m in enumerate(mention_rows(x[0], x[1][1], x[2]))
        ]
    )
    quotes = full.flatMap(
        lambda x: [
            {"id": q_ids.value[x[0]] + i, **q}
            for i, q in enumerate(quote_rows(x[0], x[1][1], x[2]))
        ]
    )

    # events: reports grouped by key, merged in input order
    reports = full.flatMap(
        lambda x: [
            (v["key"], ((x[0], i), v, (ev, x[2])))
            for i, ev in enumerate(x[1][1].get("events", []))
            for v in [event_values(ev, x[2], x[1][0])]
        ]
    )
    merged = reports.groupByKey().flatMap(lambda kv: _cluster_reports(kv[1])).cache()
    events = _index(merged.filter(lambda r: r[0] == "event"), lambda r: r[1]).map(
        lambda x: (x[1][1], {"id": x[0], **x[1][2]})
    )  # creator → row
    event_ids = events.mapValues(lambda row: row["id"])
    event_mentions = (
        merged.filter(lambda r: r[0] == "report")
        .map(lambda r: (r[2], (r[1], r[3])))  # creator → (order, (ev, ids))
        .join(event_ids)
        .map(
            lambda kv: {
                "id": e_ids.value[kv[1][0][0][0]] + kv[1][0][0][1],
                **event_mention_values(kv[1][1], kv[1][0][0][0], *kv[1][0][1]),
            }
        )
    )

    # stories: each document joins the story of the first earlier one sharing a band
    bands = docs.flatMap(lambda x: [(b, x[0]) for b in _bands(x[1][2])])
    bucket_min = bands.reduceByKey(min)
    parents = dict(
        bands.join(bucket_min)
        .map(lambda kv: (kv[1][0], kv[1][1]))
        .reduceByKey(min)
        .filter(lambda kv: kv[1] < kv[0])
        .collect()
    )
    rows = sorted(docs.keys().collect())
    root: dict[int, int] = {}
    story_of: dict[int, int] = {}
    for row in rows:  # parents come first: a root's story is numbered when it is met
        parent = parents.get(row)
        root[row] = row if parent is None else root[parent]
        if parent is None:
            story_of[row] = len(story_of) + 1
    story_ids = sc.parallelize([(row, story_of[root[row]]) for row in rows], n_parts)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    documents = (
        numbered.mapValues(lambda v: v[0])
        .join(story_ids)
        .map(lambda kv: {"id": kv[0], **kv[1][0], "story_id": kv[1][1], "ingested_at": now})
    )
    stories = (
        documents.map(lambda d: (d["story_id"], (d["id"], d["title"], d["published"])))
        .groupByKey()
        .map(lambda kv: _story(kv[0], list(kv[1])))
    )

    quarantine = _index(
        bad.map(lambda r: (r[1], r[0])).reduceByKey(min).map(lambda kv: (kv[1], kv[0])),
        lambda kv: kv[0],
    ).map(lambda x: {"id": x[0], "source": x[1][1][0], "reason": x[1][1][1], "at": now})

    tables = {
        "documents": documents,
        "entities": entities.map(lambda kv: {"id": kv[1][0], **kv[1][1]}),
        "mentions": mentions,
        "quotes": quotes,
        "events": events.values(),
        "event_mentions": event_mentions,
        "stories": stories,
        "quarantine": quarantine,
    }
    counts = {
        "records": sum(kinds.values()),
        "skipped": kinds.get("skip", 0),
        "duplicate": kinds.get("article", 0) - unique,
    }
    for name, rdd in tables.items():
        counts[name] = _write(spark, rdd, name, out)
    counts["stored"] = counts["documents"]
    counts["quarantined"] = counts["quarantine"]
    for r in (records, extracted, numbered, docs, entities, full, merged):
        r.unpersist()
    return counts


def _offsets(counts: list[tuple[int, int]]) -> dict[int, int]:
    """The first id of each document's rows, from its row number and its row count.

    >>> _offsets([(2, 1), (1, 3), (3, 0)])
    {1: 1, 2: 4, 3: 5}
    """
    out: dict[int, int] = {}
    total = 1
    for row, n in sorted(counts):
        out[row] = total
        total += n
    return out


def _story(story_id: int, members: list[tuple[int, str | None, str | None]]) -> dict[str, Any]:
    members.sort()
    dates = [p for _, _, p in members if p is not None]
    return {
        "id": story_id,
        "first_document_id": members[0][0],
        "first_seen": min(dates) if dates else None,
        "title": members[0][1],
        "n_documents": len(members),
    }


def _write(spark: Any, rdd: Any, table: str, out: str) -> int:
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    kinds = {"int64": LongType(), "string": StringType(), "double": DoubleType()}
    cols = columns(table)
    schema = StructType([StructField(name, kinds[kind], True) for name, kind in cols])
    rows = rdd.map(lambda d: tuple(_cast(d.get(c), k) for c, k in cols)).cache()
    n = int(rows.count())
    frame = spark.createDataFrame(rows, schema)  # marsad load orders by id
    frame.write.mode("overwrite").parquet(f"{out.rstrip('/')}/{table}")
    rows.unpersist()
    return n


def _cast(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "int64":
        return int(value)
    if kind == "double":
        return float(value)
    return value if isinstance(value, str) else str(value)
