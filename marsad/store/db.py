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

from .. import __version__
from ..errors import Errors, StoreError
from ..text.normalize import norm
from .schema import MIGRATIONS, SCHEMA_VERSION, TABLES
from .search import query_terms
from .stories import StoryIndex

EVENT_WINDOW_DAYS = 2  # reports of one event may be dated this many days apart


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


def entity_key(entity: dict[str, Any]) -> str:
    """The cross-document identity of an entity: its kb_id, or type and normalised name.

    >>> entity_key({"kb_id": None, "type": "PERSON", "name": "عيسى  السّاير"})
    'nil:PERSON:عيسي الساير'
    """
    if entity.get("kb_id"):
        return str(entity["kb_id"])
    return f"nil:{entity['type']}:{' '.join(norm(entity['name']).split())}"


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
        terms = query_terms(query)
        if not terms:
            return []
        cols = "d.id, d.title, d.published, d.outlet, d.url, d.story_id"
        if self.dialect == "sqlite":
            match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
            rows = self.all(
                f"SELECT {cols} FROM documents_fts f JOIN documents d ON d.id = f.rowid "
                "WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts), d.id LIMIT ? OFFSET ?",
                (match, limit, offset),
            )
        else:
            rows = self.all(
                f"SELECT {cols} FROM documents d, plainto_tsquery('simple', ?) q "
                "WHERE d.search_vector @@ q ORDER BY ts_rank(d.search_vector, q) DESC, d.id "
                "LIMIT ? OFFSET ?",
                (" ".join(terms), limit, offset),
            )
        keys = ("id", "title", "published", "outlet", "url", "story_id")
        return [dict(zip(keys, r, strict=True)) for r in rows]

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
        key = entity_key(e)
        got = self._entities.get(key)
        if got is not None:
            return got
        row = self.one(
            "INSERT INTO entities (key, kb_id, type, name, name_en, wikidata, country, sector) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id",
            (
                key,
                e.get("kb_id"),
                e["type"],
                e["name"],
                e.get("name_en"),
                e.get("wikidata"),
                e.get("country"),
                e.get("sector"),
            ),
        )
        if row is None:
            row = self.one("SELECT id FROM entities WHERE key = ?", (key,))
        self._entities[key] = int(row[0])
        return self._entities[key]

    def add(self, p: Prepared) -> int | None:
        """Store one extracted article and its facts; None when it is stored already.

        Call inside :meth:`transaction`.
        """
        d = p.doc
        self.story_index()  # built from the rows stored before this one
        result = {k: v for k, v in d.items() if k != "text"}
        row = self.one(
            "INSERT INTO documents (content_hash, doc_id, source, url, outlet, title, published, "
            "published_source, fetched, text, search_text, minhash, result, marsad_version, "
            "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (content_hash) DO NOTHING RETURNING id",
            (
                p.content_hash,
                d["id"],
                p.source,
                d.get("url"),
                d.get("outlet"),
                d.get("title"),
                d.get("published"),
                d.get("published_source"),
                p.fetched,
                d["text"],
                p.search_text,
                p.minhash,
                json.dumps(result, ensure_ascii=False),
                __version__,
                _now(),
            ),
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
        self.executemany(
            "INSERT INTO mentions (document_id, entity_id, local_id, start_char, end_char, "
            "text, roles) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_row,
                    ids[e["id"]],
                    e["id"],
                    m["start"],
                    m["end"],
                    m["text"],
                    json.dumps(e.get("roles") or [], ensure_ascii=False),
                )
                for e in d.get("entities", [])
                for m in e.get("mentions", [])
            ],
        )
        self.executemany(
            "INSERT INTO quotes (document_id, speaker_id, speaker_text, kind, cue_start, cue_end, "
            "cue_text, content_start, content_end, content_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_row,
                    ids.get(q.get("speaker") or ""),
                    q.get("speaker_text"),
                    q["kind"],
                    q["cue"]["start"],
                    q["cue"]["end"],
                    q["cue"]["text"],
                    q["content"]["start"],
                    q["content"]["end"],
                    q["content"]["text"],
                )
                for q in d.get("quotes", [])
            ],
        )
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
        actor = ids.get(ev["actors"][0]) if ev.get("actors") else None
        recipient = ids.get(ev["recipients"][0]) if ev.get("recipients") else None
        location = ids.get(ev.get("location") or "")
        modality = ",".join(sorted(ev.get("modality") or []))
        key = f"{ev['type']}|{ev.get('mode')}|{actor}|{recipient}|{location}|{modality}"
        if actor is None and recipient is None and location is None:
            key += "|" + doc_hash  # nothing to tell it apart: never merged across articles
        date = ev.get("date")
        event_id = None
        for eid, first, last in self.all(
            "SELECT id, first_date, last_date FROM events WHERE key = ? ORDER BY id", (key,)
        ):
            if _within(date, first, last):
                event_id = int(eid)
                break
        if event_id is None:
            got = self.one(
                "INSERT INTO events (key, type, mode, cameo, quad, modality, actor_id, "
                "recipient_id, location_id, date, first_date, last_date, n_mentions) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
                (
                    key,
                    ev["type"],
                    ev.get("mode"),
                    ev.get("cameo"),
                    ev.get("quad"),
                    modality,
                    actor,
                    recipient,
                    location,
                    date,
                    date,
                    date,
                ),
            )
            event_id = int(got[0])
        else:
            self.execute(
                "UPDATE events SET n_mentions = n_mentions + 1, "
                "first_date = CASE WHEN CAST(? AS TEXT) < first_date THEN CAST(? AS TEXT) "
                "ELSE first_date END, last_date = CASE WHEN CAST(? AS TEXT) > last_date "
                "THEN CAST(? AS TEXT) ELSE last_date END WHERE id = ?",
                (date, date, date, date, event_id),
            )
        self.execute(
            "INSERT INTO event_mentions (event_id, document_id, sentence, trigger_start, "
            "trigger_end, trigger_text, trigger_id, date, date_source, actors, recipients, "
            "arguments, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event_id,
                doc_row,
                ev.get("sentence"),
                ev["trigger"]["start"],
                ev["trigger"]["end"],
                ev["trigger"]["text"],
                ev.get("trigger_id"),
                date,
                ev.get("date_source"),
                json.dumps([ids[a] for a in ev.get("actors", []) if a in ids]),
                json.dumps([ids[a] for a in ev.get("recipients", []) if a in ids]),
                json.dumps(ev.get("arguments", []), ensure_ascii=False),
                ev.get("confidence"),
            ),
        )

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


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


def _within(date: str | None, first: str | None, last: str | None) -> bool:
    if date is None or first is None or last is None:
        return date == first
    d, f, la = _day(date), _day(first), _day(last)
    if d is None or f is None or la is None:
        return date == first
    window = dt.timedelta(days=EVENT_WINDOW_DAYS)
    return f - window <= d <= la + window
