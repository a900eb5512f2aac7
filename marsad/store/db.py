"""The store: documents and their facts in SQLite (the default) or PostgreSQL.

One class serves both databases; the SQL is written once with ``?`` placeholders
(turned into ``%s`` for psycopg) and portable statements (``INSERT … ON CONFLICT DO
NOTHING … RETURNING id`` works in SQLite 3.35+ and PostgreSQL). Full-text search is
FTS5 in SQLite and a ``tsvector`` with a GIN index in PostgreSQL, both over the
same normalised terms (:mod:`marsad.store.search`).

Identity and idempotence: a document is its content hash (of the cleaned text), so
ingesting the same input twice stores nothing new. Entities are shared across
documents: by ``kb_id`` when the knowledge base links them, by type and normalised
name when they are NIL. An event reported by several articles is one row of
``events`` with a row of ``event_mentions`` per report: same type, participants,
place and modality, dated within :data:`EVENT_WINDOW_DAYS` of each other.

Writes happen inside :meth:`Store.transaction`: a batch is committed whole or not at
all, so a run killed at any moment leaves only complete documents behind.

>>> s = open_store("sqlite://")
>>> s.schema_version()
1
>>> s.counts()["documents"]
0
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors, StoreError
from .rows import (
    document_values,
    entity_values,
    event_mention_values,
    event_values,
    mention_rows,
    quote_rows,
    widen,
    within,
)
from .schema import MIGRATIONS, SCHEMA_VERSION, TABLES
from .search import query_terms
from .stories import StoryIndex


@dataclass
class Prepared:
    """One extracted article, ready to store (built in a worker process).

    ``doc`` is the output contract (:meth:`marsad.doc.Document.to_dict`).
    """

    content_hash: str
    source: str
    fetched: str | None
    doc: dict[str, Any]
    search_text: str
    minhash: bytes


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def parse_url(url: str) -> tuple[str, str]:
    """Split a database URL into its dialect and its target.

    >>> parse_url("sqlite:///data/marsad.db"), parse_url("news.db")
    (('sqlite', 'data/marsad.db'), ('sqlite', 'news.db'))
    >>> parse_url("postgresql://marsad@localhost/news")[0]
    'postgresql'
    """
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return "postgresql", url.replace("postgresql+psycopg://", "postgresql://", 1)
    if url == "sqlite://" or url == "sqlite:///:memory:":
        return "sqlite", ":memory:"
    if url.startswith("sqlite:///"):
        return "sqlite", url[len("sqlite:///") :]
    if "://" in url:
        raise StoreError(Errors.E600.format(url=url))
    return "sqlite", url


def open_store(url: str = "sqlite:///marsad.db", *, create: bool = True) -> Store:
    """Open (and create or migrate) the database at ``url``.

    With ``create=False`` a missing SQLite file is an error (readers such as
    ``marsad export`` never leave an empty database behind).

    Raises:
        StoreError: an unknown URL scheme, an unreachable server, a missing driver,
            or a database written by a newer marsad.
    """
    dialect, target = parse_url(url)
    if dialect == "sqlite":
        if target != ":memory:":
            if not create and not Path(target).is_file():
                raise StoreError(Errors.E606.format(url=url))
            parent = Path(target).parent
            if not parent.is_dir():
                raise StoreError(Errors.E601.format(url=url, detail=f"no folder {parent}"))
        try:
            conn: Any = sqlite3.connect(target, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as e:
            raise StoreError(Errors.E601.format(url=url, detail=str(e))) from e
    else:
        try:
            import psycopg
        except ImportError as e:
            raise StoreError(Errors.E602.format(url=url)) from e
        try:
            conn = psycopg.connect(target, autocommit=True)
        except psycopg.Error as e:
            detail = " ".join(str(e).split())
            raise StoreError(Errors.E601.format(url=url, detail=detail)) from e
    store = Store(conn, dialect, url)
    store.migrate()
    return store


class Store:
    """A connection to the marsad database (see the module doc)."""

    def __init__(self, conn: Any, dialect: str, url: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.url = url
        self._entities: dict[str, int] = {}
        self._stories: StoryIndex | None = None
        self._depth = 0

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- low level -------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders) and return its cursor."""
        if self.dialect == "postgresql":
            sql = sql.replace("?", "%s")
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows."""
        if not rows:
            return
        if self.dialect == "postgresql":
            with self.conn.cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), rows)
        else:
            self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first row of a query, or None."""
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row of a query."""
        return list(self.execute(sql, params).fetchall())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit everything inside the block at once, or nothing on an error."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        self.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            # ids and index entries made inside the block are gone: rebuild on next use
            self._entities.clear()
            self._stories = None
            raise
        else:
            self.execute("COMMIT")
        finally:
            self._depth = 0

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # -- schema ----------------------------------------------------------------
    def schema_version(self) -> int:
        """The newest migration applied to this database (0 for an empty one)."""
        row = self.one("SELECT MAX(version) FROM schema_migrations")
        return int(row[0] or 0)

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks; return their versions."""
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        have = self.schema_version()
        if have > SCHEMA_VERSION:
            raise StoreError(Errors.E603.format(url=self.url, have=have, known=SCHEMA_VERSION))
        done: list[int] = []
        for m in MIGRATIONS:
            if m.version <= have:
                continue
            with self.transaction():
                for stmt in m.sql(self.dialect):
                    self.execute(stmt)
                self.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (m.version, m.name, _now()),
                )
            done.append(m.version)
        return done

    # -- reading ---------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Row counts of the user-facing tables."""
        return {t: int(self.one(f"SELECT COUNT(*) FROM {t}")[0]) for t in TABLES}

    def known(self, hashes: Sequence[str]) -> set[str]:
        """Which of these content hashes are stored already."""
        out: set[str] = set()
        for i in range(0, len(hashes), 500):
            chunk = list(hashes[i : i + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.all(
                f"SELECT content_hash FROM documents WHERE content_hash IN ({marks})",
                chunk,
            )
            out.update(r[0] for r in rows)
        return out

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Documents matching every word of ``query`` (normalised), best first."""
        if not query_terms(query):
            return []
        rows: list[dict[str, Any]] = self.find_documents(query, limit=limit, offset=offset)["rows"]
        return rows

    def find_documents(
        self,
        query: str = "",
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: int | None = None,
        event_type: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> dict[str, Any]:
        """A page of documents: full-text ``query`` (every word, normalised; best first)
        or, without one, the newest first; filtered by outlet, a date range (inclusive,
        ISO days), a mentioned entity id and a reported event type.

        Returns:
            ``{"total": n, "rows": [{id, title, published, outlet, url, story_id}]}``.
        """
        terms = query_terms(query)
        where: list[str] = []
        params: list[Any] = []
        source = "documents d"
        order = "d.published DESC, d.id DESC"
        if terms:
            if self.dialect == "sqlite":
                source = "documents_fts f JOIN documents d ON d.id = f.rowid"
                where.append("documents_fts MATCH ?")
                params.append(" ".join('"' + t.replace('"', "") + '"' for t in terms))
                order = "bm25(documents_fts), d.id"
            else:
                where.append("d.search_vector @@ plainto_tsquery('simple', ?)")
                params.append(" ".join(terms))
                order = "ts_rank(d.search_vector, plainto_tsquery('simple', ?)) DESC, d.id"
        if outlet:
            where.append("d.outlet = ?")
            params.append(outlet)
        day_range("d.published", since, until, where, params)
        if entity is not None:
            where.append(
                "EXISTS (SELECT 1 FROM mentions m WHERE m.document_id = d.id AND m.entity_id = ?)"
            )
            params.append(entity)
        if event_type:
            where.append(
                "EXISTS (SELECT 1 FROM event_mentions em JOIN events e ON e.id = em.event_id "
                "WHERE em.document_id = d.id AND e.type = ?)"
            )
            params.append(event_type)
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        total = int(self.one(f"SELECT COUNT(*) FROM {source}{cond}", params)[0])
        extra = [" ".join(terms)] if terms and self.dialect != "sqlite" else []
        rows = self.all(
            f"SELECT d.id, d.title, d.published, d.outlet, d.url, d.story_id FROM {source}{cond} "
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, *extra, limit, offset],
        )
        keys = ("id", "title", "published", "outlet", "url", "story_id")
        return {"total": total, "rows": [dict(zip(keys, r, strict=True)) for r in rows]}

    # -- writing ---------------------------------------------------------------
    def story_index(self) -> StoryIndex:
        """The near-duplicate index of every stored document (built on first use)."""
        if self._stories is None:
            index = StoryIndex()
            for row, story, sig in self.execute(
                "SELECT id, story_id, minhash FROM documents "
                "WHERE minhash IS NOT NULL AND story_id IS NOT NULL ORDER BY id"
            ):
                index.add(int(row), int(story), bytes(sig))
            self._stories = index
        return self._stories

    def quarantine(self, source: str, reason: str) -> bool:
        """Record a record that could not be stored; False if it was recorded before."""
        cur = self.execute(
            "INSERT INTO quarantine (source, reason, at) VALUES (?, ?, ?) "
            "ON CONFLICT (source, reason) DO NOTHING",
            (source, reason, _now()),
        )
        return bool(cur.rowcount == 1)

    def _entity(self, e: dict[str, Any]) -> int:
        v = entity_values(e)
        key = v["key"]
        got = self._entities.get(key)
        if got is not None:
            return got
        row = self.one("SELECT id FROM entities WHERE key = ?", (key,))
        if row is None:
            row = self.one(_insert("entities", v) + " RETURNING id", list(v.values()))
        self._entities[key] = int(row[0])
        return self._entities[key]

    def _insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.executemany(_insert(table, rows[0]), [list(r.values()) for r in rows])

    def add(self, p: Prepared) -> int | None:
        """Store one extracted article and its facts; None when it is stored already.

        Call inside :meth:`transaction`.
        """
        d = p.doc
        self.story_index()  # built from the rows stored before this one
        v = document_values(p.content_hash, p.source, p.fetched, d)
        v.update(search_text=p.search_text, minhash=p.minhash, ingested_at=_now())
        row = self.one(
            _insert("documents", v) + " ON CONFLICT (content_hash) DO NOTHING RETURNING id",
            list(v.values()),
        )
        if row is None:
            return None
        doc_row = int(row[0])
        if self.dialect == "sqlite":
            self.execute(
                "INSERT INTO documents_fts (rowid, search_text) VALUES (?, ?)",
                (doc_row, p.search_text),
            )
        self._add_story(doc_row, d, p.minhash)
        ids = {e["id"]: self._entity(e) for e in d.get("entities", [])}
        self._insert_rows("mentions", mention_rows(doc_row, d, ids))
        self._insert_rows("quotes", quote_rows(doc_row, d, ids))
        for ev in d.get("events", []):
            self._add_event(doc_row, p.content_hash, ev, ids)
        return doc_row

    def _add_story(self, doc_row: int, d: dict[str, Any], sig: bytes) -> None:
        index = self.story_index()
        story = index.find(sig)
        published = d.get("published")
        if story is None:
            got = self.one(
                "INSERT INTO stories (first_document_id, first_seen, title, n_documents) "
                "VALUES (?, ?, ?, 1) RETURNING id",
                (doc_row, published, d.get("title")),
            )
            story = int(got[0])
        else:
            self.execute(
                "UPDATE stories SET n_documents = n_documents + 1, first_seen = CASE "
                "WHEN first_seen IS NULL OR CAST(? AS TEXT) < first_seen THEN CAST(? AS TEXT) "
                "ELSE first_seen END WHERE id = ?",
                (published, published, story),
            )
        self.execute("UPDATE documents SET story_id = ? WHERE id = ?", (story, doc_row))
        index.add(doc_row, story, sig)

    def _add_event(
        self, doc_row: int, doc_hash: str, ev: dict[str, Any], ids: dict[str, int]
    ) -> None:
        v = event_values(ev, ids, doc_hash)
        date = v["date"]
        event_id = None
        for eid, first, last in self.all(
            "SELECT id, first_date, last_date FROM events WHERE key = ? ORDER BY id", (v["key"],)
        ):
            if within(date, first, last):
                event_id = int(eid)
                first, last = widen(first, last, date)
                self.execute(
                    "UPDATE events SET n_mentions = n_mentions + 1, first_date = ?, "
                    "last_date = ? WHERE id = ?",
                    (first, last, event_id),
                )
                break
        if event_id is None:
            v["n_mentions"] = 1
            got = self.one(_insert("events", v) + " RETURNING id", list(v.values()))
            event_id = int(got[0])
        m = event_mention_values(event_id, doc_row, ev, ids)
        self.execute(_insert("event_mentions", m), list(m.values()))

    # -- runs ------------------------------------------------------------------
    def start_run(self, inputs: Sequence[str]) -> int:
        """Record the start of an ingest run."""
        with self.transaction():
            row = self.one(
                "INSERT INTO runs (started, inputs, status) VALUES (?, ?, 'running') RETURNING id",
                (_now(), json.dumps(list(inputs), ensure_ascii=False)),
            )
        return int(row[0])

    def finish_run(self, run_id: int, status: str, counts: dict[str, int]) -> None:
        """Record how an ingest run ended."""
        with self.transaction():
            self.execute(
                "UPDATE runs SET finished = ?, status = ?, stored = ?, duplicate = ?, "
                "skipped = ?, quarantined = ? WHERE id = ?",
                (
                    _now(),
                    status,
                    counts.get("stored", 0),
                    counts.get("duplicate", 0),
                    counts.get("skipped", 0),
                    counts.get("quarantined", 0),
                    run_id,
                ),
            )


def day_range(
    column: str, since: str | None, until: str | None, where: list[str], params: list[Any]
) -> None:
    """Add the conditions that keep ``column``'s day within [since, until] (ISO days,
    either may be missing) to a WHERE list and its parameters.

    >>> where, params = [], []
    >>> day_range("d.published", "2024-03-01", None, where, params)
    >>> where, params
    (['substr(d.published, 1, 10) >= ?'], ['2024-03-01'])
    """
    if since:
        where.append(f"substr({column}, 1, 10) >= ?")
        params.append(since[:10])
    if until:
        where.append(f"substr({column}, 1, 10) <= ?")
        params.append(until[:10])


def _insert(table: str, values: dict[str, Any]) -> str:
    cols = ", ".join(values)
    marks = ", ".join("?" * len(values))
    return f"INSERT INTO {table} ({cols}) VALUES ({marks})"
