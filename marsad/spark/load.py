"""``marsad load DIR --db URL``: the Parquet tables of ``marsad spark run`` into a database.

The rows keep their ids, so the database is the one ``marsad ingest`` would have
filled from the same input; the internal columns (the search terms and the MinHash
signature of each document) are computed again from the text, and the full-text
index is filled. The database must hold no documents yet (E607). Needs pyarrow only,
not Spark: the tables may be copied from a cluster and loaded on a laptop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Errors, InputError, StoreError
from ..store.db import Store
from ..store.schema import TABLES
from ..store.search import index_terms
from ..store.stories import signature
from .job import columns

# parents before children (foreign keys)
LOAD_ORDER = ("stories", *(t for t in TABLES if t != "stories"))
BATCH = 5000


def _read(folder: Path, table: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    path = folder / table
    if not path.exists():
        raise InputError(Errors.E608.format(path=folder, table=table))
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    rows.sort(key=lambda r: r["id"])
    return rows


def load(folder: str, store: Store) -> dict[str, int]:
    """Insert every table under ``folder`` into ``store``; returns rows per table.

    Raises:
        InputError: a missing table folder.
        StoreError: the database already holds documents.
    """
    root = Path(folder)
    have = store.counts()["documents"]
    if have:
        raise StoreError(Errors.E607.format(url=store.url, n=have))
    tables = {t: _read(root, t) for t in LOAD_ORDER}  # every table is there before writing
    counts: dict[str, int] = {}
    with store.transaction():
        for table in LOAD_ORDER:
            rows = tables[table]
            names = [c for c, _ in columns(table)]
            if table == "documents":
                names += ["search_text", "minhash"]
                for r in rows:
                    r["search_text"] = index_terms(r["text"])
                    r["minhash"] = signature(r["text"])
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            for i in range(0, len(rows), BATCH):
                chunk = rows[i : i + BATCH]
                store.executemany(sql, [[r.get(n) for n in names] for r in chunk])
                if table == "documents" and store.dialect == "sqlite":
                    store.executemany(
                        "INSERT INTO documents_fts (rowid, search_text) VALUES (?, ?)",
                        [(r["id"], r["search_text"]) for r in chunk],
                    )
            if store.dialect == "postgresql" and rows:
                store.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?)",
                    (max(r["id"] for r in rows),),
                )
            counts[table] = len(rows)
    return counts
