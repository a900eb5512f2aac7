"""Export the database: PLOVER JSONL, a CAMEO-style TSV, and CSV or Parquet tables.

``marsad export --db URL --format FORMAT [--out PATH] [--since DATE]`` reads a store
filled by ``marsad ingest`` (:mod:`marsad.store`) and writes one of four formats:

================ ===================================================================
format           what it writes
================ ===================================================================
``plover-jsonl`` one JSON object per line, one per *report* of an event (a row of
                 ``event_mentions``), to ``out`` or standard output (``-``).
``cameo-tsv``    a tab-separated table with a header, one row per *event* (reports
                 merged), GDELT-like column names, to ``out`` or standard output.
``csv``          one file per table in the folder ``out``: ``documents.csv`` …
                 UTF-8 without a byte-order mark, a header row, RFC 4180 quoting and
                 ``\\r\\n`` line ends; NULL is an empty field. (Excel: Data → From
                 Text/CSV, UTF-8.) Python's ``csv`` module needs
                 ``csv.field_size_limit`` raised for long ``text``/``result`` fields.
``parquet``      one file per table in the folder ``out``: ``documents.parquet`` …
                 written with pyarrow (``pip install pyarrow``), typed as below.
================ ===================================================================

``since`` (an ISO date, e.g. ``2024-03-01``) keeps the documents with ``published >=
since`` (documents without a date are dropped) and the rows that belong to them:
their mentions, quotes and event reports, the entities they mention, the events they
report and their stories. Counts stored on a row (``events.n_mentions``,
``stories.n_documents``) are not recomputed for the subset.

**The table contract** (CSV and Parquet; the Spark job writes the same). Columns come
in this order with these Arrow types; a new column may be added at the end, none is
renamed, retyped or removed. Offsets are character offsets into ``documents.text``.
``*_id`` columns hold the ``id`` of the named table; JSON columns are strings.

================== ==================================================================
table              columns (``int64`` ⁱ, ``double`` ᵈ, the rest ``string``)
================== ==================================================================
``documents``      id ⁱ, content_hash, doc_id, source, url, outlet, title, published,
                   published_source, fetched, text, story_id ⁱ, result (the document
                   JSON of ``shared/spec/output-format.md`` without ``text``),
                   marsad_version, ingested_at
``entities``       id ⁱ, key, kb_id, type, name, name_en, wikidata, country, sector
``mentions``       id ⁱ, document_id ⁱ, entity_id ⁱ, local_id, start_char ⁱ,
                   end_char ⁱ, text, roles (JSON list)
``quotes``         id ⁱ, document_id ⁱ, speaker_id ⁱ, speaker_text, kind, cue_start ⁱ,
                   cue_end ⁱ, cue_text, content_start ⁱ, content_end ⁱ, content_text
``events``         id ⁱ, key, type, mode, cameo, quad ⁱ, modality (comma-separated),
                   actor_id ⁱ, recipient_id ⁱ, location_id ⁱ, date, first_date,
                   last_date, n_mentions ⁱ
``event_mentions`` id ⁱ, event_id ⁱ, document_id ⁱ, sentence ⁱ, trigger_start ⁱ,
                   trigger_end ⁱ, trigger_text, trigger_id, date, date_source, actors
                   (JSON list of entity ids), recipients (same), arguments (JSON),
                   confidence ᵈ
``stories``        id ⁱ, first_document_id ⁱ, first_seen, title, n_documents ⁱ
================== ==================================================================

The database's internal columns (``documents.search_text``, ``documents.minhash``)
are not exported.

**PLOVER records** follow the chapter "Data Fields" of the PLOVER manual (draft 2.0,
2024): its table "PLOVER JSON" for the record, and its "Information object" tables for
entities, text and citations and "Location object" for the place. Fields:

- ``id``: ``<doc_id>-ev<n>``, the n-th event of the document (stable across ingests).
- ``date``: YYYY-MM-DD of the report (else of the event, else of the document); a
  coarser ISO value such as ``2023-11`` when only that is known; null when none.
- ``event``: a list of one PLOVER type; ``mode`` and ``context``: lists (``context``
  is empty: marsad does not code it); ``quad_code``: 1-4.
- ``link``: ``marsad-event-<events.id>``, shared by every report of one event.
- ``actor``, ``recipient``: lists of entity objects: ``code`` (ISO alpha-3 country),
  ``sector`` (PLOVER sector code), ``entity_text`` (the article's words),
  ``identifier_id`` (the Wikidata id, else the marsad KB id), ``identifier_text``
  (the English, else the Arabic canonical name); extras ``name`` (Arabic),
  ``kb_id``, ``entity_type``. Participants the coder found without an entity
  («مسلحون مجهولون») come last, with ``sector`` and ``entity_text`` only.
- ``event_loc``: ``extracted_place``, ``resolved_place``, ``country_code``; extras
  ``name``, ``kb_id``; null when no place.
- ``text``: the sentence of the trigger (its line when the sentence is unknown).
- ``text_info``: ``sequence`` (sentence number), ``start``/``end`` (offsets of
  ``text``); extras ``doc_id``, ``trigger_start``, ``trigger_end``, ``trigger_text``.
- ``cite_info``: ``citation`` (document id), ``url``, ``title``, ``publication``
  (the outlet), ``language``, ``coder``, ``codebook``; extras ``published``,
  ``source``.
- ``coder``, ``coded_date`` (the day it was ingested).
- ``marsad``: ``event_id``, ``mention_id``, ``cameo``, ``quad``, ``modality``
  (list), ``date_value`` (the raw TIMEX value), ``date_source``, ``trigger_id``,
  ``confidence``.

All offsets index ``documents.text``. ``text`` quotes the article: drop it before
sharing the file if you lack the rights to the text.

**CAMEO TSV** columns: GLOBALEVENTID (``events.id``), SQLDATE (YYYYMMDD, empty when
the date is coarser than a day), Actor1Name, Actor1KBID, Actor1CountryCode,
Actor1Type1Code (sector), the same four for Actor2, EventCode (CAMEO), EventRootCode
(its first two digits), QuadClass, NumMentions (reports), NumArticles (documents),
ActionGeo_FullName, SOURCEURL (the earliest report's URL), PLOVERType, PLOVERMode,
Modality (``negated``, ``hypothetical`` …: filter on it before counting). Names are
English where the knowledge base has one, else Arabic; country codes are ISO alpha-3
(as in ICEWS, not GDELT's FIPS geography codes). Tabs and line breaks inside values
become spaces.

>>> [c for c, _ in table_columns("stories")]
['id', 'first_document_id', 'first_seen', 'title', 'n_documents']
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import Errors, InputError
from .store.db import Store

FORMATS = ("plover-jsonl", "cameo-tsv", "csv", "parquet")
TABLES = ("documents", "entities", "mentions", "quotes", "events", "event_mentions", "stories")

CODEBOOK = "plover-2.0"
PAGE = 2000  # rows read per query

_I, _S, _D = "int64", "string", "double"
_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "documents": (
        ("id", _I),
        ("content_hash", _S),
        ("doc_id", _S),
        ("source", _S),
        ("url", _S),
        ("outlet", _S),
        ("title", _S),
        ("published", _S),
        ("published_source", _S),
        ("fetched", _S),
        ("text", _S),
        ("story_id", _I),
        ("result", _S),
        ("marsad_version", _S),
        ("ingested_at", _S),
    ),
    "entities": (
        ("id", _I),
        ("key", _S),
        ("kb_id", _S),
        ("type", _S),
        ("name", _S),
        ("name_en", _S),
        ("wikidata", _S),
        ("country", _S),
        ("sector", _S),
    ),
    "mentions": (
        ("id", _I),
        ("document_id", _I),
        ("entity_id", _I),
        ("local_id", _S),
        ("start_char", _I),
        ("end_char", _I),
        ("text", _S),
        ("roles", _S),
    ),
    "quotes": (
        ("id", _I),
        ("document_id", _I),
        ("speaker_id", _I),
        ("speaker_text", _S),
        ("kind", _S),
        ("cue_start", _I),
        ("cue_end", _I),
        ("cue_text", _S),
        ("content_start", _I),
        ("content_end", _I),
        ("content_text", _S),
    ),
    "events": (
        ("id", _I),
        ("key", _S),
        ("type", _S),
        ("mode", _S),
        ("cameo", _S),
        ("quad", _I),
        ("modality", _S),
        ("actor_id", _I),
        ("recipient_id", _I),
        ("location_id", _I),
        ("date", _S),
        ("first_date", _S),
        ("last_date", _S),
        ("n_mentions", _I),
    ),
    "event_mentions": (
        ("id", _I),
        ("event_id", _I),
        ("document_id", _I),
        ("sentence", _I),
        ("trigger_start", _I),
        ("trigger_end", _I),
        ("trigger_text", _S),
        ("trigger_id", _S),
        ("date", _S),
        ("date_source", _S),
        ("actors", _S),
        ("recipients", _S),
        ("arguments", _S),
        ("confidence", _D),
    ),
    "stories": (
        ("id", _I),
        ("first_document_id", _I),
        ("first_seen", _S),
        ("title", _S),
        ("n_documents", _I),
    ),
}

CAMEO_COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1Name",
    "Actor1KBID",
    "Actor1CountryCode",
    "Actor1Type1Code",
    "Actor2Name",
    "Actor2KBID",
    "Actor2CountryCode",
    "Actor2Type1Code",
    "EventCode",
    "EventRootCode",
    "QuadClass",
    "NumMentions",
    "NumArticles",
    "ActionGeo_FullName",
    "SOURCEURL",
    "PLOVERType",
    "PLOVERMode",
    "Modality",
)

# the documents kept by --since, as a subquery with one parameter
_KEPT = "SELECT id FROM documents WHERE published >= ?"
_SINCE_FILTER = {
    "documents": "published >= ?",
    "entities": f"id IN (SELECT entity_id FROM mentions WHERE document_id IN ({_KEPT}))",
    "mentions": f"document_id IN ({_KEPT})",
    "quotes": f"document_id IN ({_KEPT})",
    "events": f"id IN (SELECT event_id FROM event_mentions WHERE document_id IN ({_KEPT}))",
    "event_mentions": f"document_id IN ({_KEPT})",
    "stories": "id IN (SELECT story_id FROM documents WHERE published >= ?)",
}

_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BLANKS = re.compile(r"[\t\r\n\v\f\u2028\u2029\x85]")


# -- tables ------------------------------------------------------------------
def table_columns(table: str) -> list[tuple[str, str]]:
    """The exported columns of ``table`` and their Arrow types, in order.

    This is the stable contract of the CSV and Parquet exports (see the module doc).

    Args:
        table: one of :data:`TABLES`.

    Raises:
        InputError: an unknown table.

    >>> table_columns("entities")[:2]
    [('id', 'int64'), ('key', 'string')]
    """
    if table not in _COLUMNS:
        raise InputError(Errors.E615.format(table=table, known=", ".join(TABLES)))
    return list(_COLUMNS[table])


def _check_since(since: str | None) -> None:
    if since is None:
        return
    try:
        dt.datetime.fromisoformat(since)
    except ValueError:
        raise InputError(Errors.E611.format(since=since)) from None


def _coerce(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == _I:
        return int(value)
    if kind == _D:
        return float(value)
    return value if isinstance(value, str) else str(value)


def iter_rows(store: Store, table: str, *, since: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield the rows of ``table`` as dicts of :func:`table_columns`, by ``id``.

    Reads :data:`PAGE` rows per query, so memory stays flat on a large database.

    Args:
        store: the open database.
        table: one of :data:`TABLES`.
        since: keep only rows of documents published on or after this ISO date.

    Raises:
        InputError: an unknown table or a bad ``since``.
    """
    cols = table_columns(table)
    _check_since(since)
    names = ", ".join(c for c, _ in cols)
    where = "id > ?"
    if since is not None:
        where += f" AND {_SINCE_FILTER[table]}"
    sql = f"SELECT {names} FROM {table} WHERE {where} ORDER BY id LIMIT ?"
    last = 0
    while True:
        params: list[Any] = [last] + ([since] if since is not None else []) + [PAGE]
        rows = store.all(sql, params)
        for row in rows:
            yield {c: _coerce(v, kind) for (c, kind), v in zip(cols, row, strict=True)}
        if len(rows) < PAGE:
            return
        last = int(rows[-1][0])


# -- PLOVER ------------------------------------------------------------------
_PLOVER_SQL = (
    "SELECT em.id, em.event_id, em.document_id, em.sentence, em.trigger_start, "
    "em.trigger_end, em.trigger_text, em.trigger_id, em.date, em.date_source, em.actors, "
    "em.recipients, em.arguments, em.confidence, ev.type, ev.mode, ev.cameo, ev.quad, "
    "ev.modality, ev.location_id, ev.date, d.doc_id, d.url, d.outlet, d.title, d.published, "
    "d.source, d.marsad_version, d.ingested_at "
    "FROM event_mentions em JOIN events ev ON ev.id = em.event_id "
    "JOIN documents d ON d.id = em.document_id WHERE em.id > ?{since} ORDER BY em.id LIMIT ?"
)


class _Lookup:
    """Entities by id, and the current document's text, sentences and local ids."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.entities: dict[int, tuple[Any, ...]] = {}
        self.doc_row = -1
        self.text = ""
        self.sentences: list[dict[str, Any]] = []
        self.local: dict[str, int] = {}

    def entity(self, entity_id: int) -> tuple[Any, ...] | None:
        got = self.entities.get(entity_id)
        if got is None:
            row = self.store.one(
                "SELECT id, kb_id, type, name, name_en, wikidata, country, sector "
                "FROM entities WHERE id = ?",
                (entity_id,),
            )
            if row is None:
                return None
            got = self.entities[entity_id] = tuple(row)
        return got

    def document(self, doc_row: int) -> None:
        if doc_row == self.doc_row:
            return
        text, result = self.store.one("SELECT text, result FROM documents WHERE id = ?", (doc_row,))
        self.doc_row, self.text = doc_row, str(text)
        try:
            self.sentences = list(json.loads(result).get("sentences") or [])
        except (TypeError, ValueError, AttributeError):
            self.sentences = []
        self.local = {
            str(local): int(eid)
            for local, eid in self.store.all(
                "SELECT DISTINCT local_id, entity_id FROM mentions WHERE document_id = ?",
                (doc_row,),
            )
        }


def _date(*values: Any) -> str | None:
    """The first value that is a full date (YYYY-MM-DD), else the first ISO value."""
    given = [str(v) for v in values if v]
    for v in given:
        if _FULL_DATE.match(v):
            return v[:10]
    return given[0] if given else None


def _entity_obj(
    row: tuple[Any, ...], entity_text: str | None, sector: str | None
) -> dict[str, Any]:
    _, kb_id, etype, name, name_en, wikidata, country, esector = row
    return {
        "code": country,
        "sector": esector or sector,
        "entity_text": entity_text,
        "identifier_id": wikidata or kb_id,
        "identifier_text": name_en or name,
        "name": name,
        "kb_id": kb_id,
        "entity_type": etype,
    }


def _participants(
    look: _Lookup, ids_json: str, arguments: list[dict[str, Any]], role: str
) -> list[dict[str, Any]]:
    """The entity objects of one role: linked entities first, then unlinked words."""
    args = [a for a in arguments if isinstance(a, dict) and a.get("role") == role]
    out: list[dict[str, Any]] = []
    for eid in json.loads(ids_json or "[]"):
        row = look.entity(int(eid))
        if row is None:
            continue
        arg = next((a for a in args if look.local.get(str(a.get("entity"))) == int(eid)), None)
        out.append(
            _entity_obj(row, arg.get("text") if arg else None, arg.get("sector") if arg else None)
        )
    for a in args:
        if a.get("entity") is None and (a.get("text") or a.get("sector")):
            out.append(
                {
                    "code": None,
                    "sector": a.get("sector"),
                    "entity_text": a.get("text"),
                    "identifier_id": None,
                    "identifier_text": None,
                    "name": None,
                    "kb_id": None,
                    "entity_type": None,
                }
            )
    return out


def _location(
    look: _Lookup, location_id: Any, arguments: list[dict[str, Any]]
) -> dict[str, Any] | None:
    if location_id is None:
        return None
    row = look.entity(int(location_id))
    if row is None:
        return None
    _, kb_id, _, name, name_en, _, country, _ = row
    arg = next((a for a in arguments if isinstance(a, dict) and a.get("role") == "location"), None)
    return {
        "extracted_place": arg.get("text") if arg else None,
        "resolved_place": name_en or name,
        "country_code": country,
        "name": name,
        "kb_id": kb_id,
    }


def _sentence_span(look: _Lookup, index: Any, start: int, end: int) -> tuple[int | None, int, int]:
    """The sentence number and offsets around a trigger (its line when none is known)."""
    if isinstance(index, int) and 0 <= index < len(look.sentences):
        s = look.sentences[index]
        s_start, s_end = int(s.get("start", -1)), int(s.get("end", -1))
        if 0 <= s_start <= start and end <= s_end <= len(look.text):
            return index, s_start, s_end
    s_start = look.text.rfind("\n", 0, start) + 1
    s_end = look.text.find("\n", end)
    return None, s_start, len(look.text) if s_end < 0 else s_end


def plover_records(store: Store, *, since: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield one PLOVER record per report of an event (a row of ``event_mentions``).

    Field names follow the PLOVER manual's "Data Fields" chapter; see the module doc.

    Args:
        store: the open database.
        since: keep only reports in documents published on or after this ISO date.

    Raises:
        InputError: a bad ``since``.
    """
    _check_since(since)
    sql = _PLOVER_SQL.format(since=" AND d.published >= ?" if since is not None else "")
    look = _Lookup(store)
    rank: dict[int, int] = {}
    last = 0
    while True:
        params: list[Any] = [last] + ([since] if since is not None else []) + [PAGE]
        rows = store.all(sql, params)
        for row in rows:
            yield _plover(look, rank, row)
        if len(rows) < PAGE:
            return
        last = int(rows[-1][0])


def _plover(look: _Lookup, rank: dict[int, int], row: Any) -> dict[str, Any]:
    (
        mention_id,
        event_id,
        doc_row,
        sentence,
        t_start,
        t_end,
        t_text,
        trigger_id,
        m_date,
        date_source,
        actors,
        recipients,
        arguments_json,
        confidence,
        etype,
        mode,
        cameo,
        quad,
        modality,
        location_id,
        e_date,
        doc_id,
        url,
        outlet,
        title,
        published,
        source,
        version,
        ingested_at,
    ) = row
    look.document(int(doc_row))
    n = rank.get(int(doc_row), 0)
    rank[int(doc_row)] = n + 1
    try:
        arguments = list(json.loads(arguments_json or "[]"))
    except ValueError:
        arguments = []
    t_start, t_end = int(t_start), int(t_end)
    seq, s_start, s_end = _sentence_span(look, sentence, t_start, t_end)
    return {
        "id": f"{doc_id}-ev{n}",
        "date": _date(m_date, e_date, published),
        "event": [etype],
        "mode": [mode] if mode else [],
        "context": [],
        "quad_code": quad,
        "link": f"marsad-event-{event_id}",
        "actor": _participants(look, actors, arguments, "actor"),
        "recipient": _participants(look, recipients, arguments, "recipient"),
        "event_loc": _location(look, location_id, arguments),
        "text": look.text[s_start:s_end],
        "text_info": {
            "sequence": seq,
            "start": s_start,
            "end": s_end,
            "doc_id": doc_id,
            "trigger_start": t_start,
            "trigger_end": t_end,
            "trigger_text": t_text,
        },
        "cite_info": {
            "citation": doc_id,
            "url": url,
            "title": title,
            "publication": outlet,
            "language": "ar",
            "coder": f"marsad {version}",
            "codebook": CODEBOOK,
            "published": published,
            "source": source,
        },
        "coder": f"marsad {version}",
        "coded_date": str(ingested_at)[:10] if ingested_at else None,
        "marsad": {
            "event_id": int(event_id),
            "mention_id": int(mention_id),
            "cameo": cameo,
            "quad": quad,
            "modality": [m for m in (modality or "").split(",") if m],
            "date_value": m_date,
            "date_source": date_source,
            "trigger_id": trigger_id,
            "confidence": confidence,
        },
    }


# -- CAMEO -------------------------------------------------------------------
_CAMEO_SQL = (
    "SELECT ev.id, ev.type, ev.mode, ev.cameo, ev.quad, ev.modality, ev.actor_id, "
    "ev.recipient_id, ev.location_id, ev.date, ev.first_date, "
    "COUNT(em.id), COUNT(DISTINCT em.document_id) "
    "FROM events ev JOIN event_mentions em ON em.event_id = ev.id "
    "JOIN documents d ON d.id = em.document_id WHERE ev.id > ?{since} "
    "GROUP BY ev.id, ev.type, ev.mode, ev.cameo, ev.quad, ev.modality, ev.actor_id, "
    "ev.recipient_id, ev.location_id, ev.date, ev.first_date ORDER BY ev.id LIMIT ?"
)


def _cell(value: Any) -> str:
    return "" if value is None else _BLANKS.sub(" ", str(value))


def cameo_rows(store: Store, *, since: str | None = None) -> Iterator[list[str]]:
    """Yield the CAMEO-style table: the header, then one row per event.

    Columns are :data:`CAMEO_COLUMNS` (see the module doc); every value is a string
    without tabs or line breaks.

    Args:
        store: the open database.
        since: keep events reported in documents published on or after this ISO date;
            the counts are over those reports.

    Raises:
        InputError: a bad ``since``.
    """
    _check_since(since)
    flt = " AND d.published >= ?" if since is not None else ""
    sql = _CAMEO_SQL.format(since=flt)
    look = _Lookup(store)
    yield list(CAMEO_COLUMNS)
    last = 0
    while True:
        params: list[Any] = [last] + ([since] if since is not None else []) + [PAGE]
        rows = store.all(sql, params)
        for row in rows:
            (eid, etype, mode, cameo, quad, modality, a1, a2, loc, date, first, n_m, n_a) = row
            url = store.one(
                "SELECT d.url FROM event_mentions em JOIN documents d ON d.id = em.document_id "
                f"WHERE em.event_id = ?{flt} ORDER BY "
                "CASE WHEN d.published IS NULL THEN 1 ELSE 0 END, d.published, em.id LIMIT 1",
                [eid] + ([since] if since is not None else []),
            )
            full = next((str(v)[:10] for v in (date, first) if v and _FULL_DATE.match(v)), "")
            cells: list[Any] = [eid, full.replace("-", "")]
            for ent in (a1, a2):
                r = look.entity(int(ent)) if ent is not None else None
                cells += [r[4] or r[3], r[1], r[6], r[7]] if r else [None] * 4
            place = look.entity(int(loc)) if loc is not None else None
            cells += [
                cameo,
                cameo[:2] if cameo else None,
                quad,
                n_m,
                n_a,
                (place[4] or place[3]) if place else None,
                url[0] if url else None,
                etype,
                mode,
                modality,
            ]
            yield [_cell(c) for c in cells]
        if len(rows) < PAGE:
            return
        last = int(rows[-1][0])


# -- writing -----------------------------------------------------------------
class _Output:
    """A text file written whole or not at all (a temporary name, then renamed)."""

    def __init__(self, out: str | None, newline: str | None = None) -> None:
        self.path = None if out in (None, "-") else Path(str(out))
        self.newline = newline
        self.stream: TextIO = sys.stdout

    def __enter__(self) -> TextIO:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".part")
            self.stream = tmp.open("w", encoding="utf-8", newline=self.newline)
        return self.stream

    def __exit__(self, kind: object, *_: object) -> None:
        if self.path is None:
            self.stream.flush()
            return
        self.stream.close()
        tmp = self.path.with_name(self.path.name + ".part")
        if kind is None:
            os.replace(tmp, self.path)
        else:
            tmp.unlink(missing_ok=True)


def _folder(out: str | None, fmt: str) -> Path:
    if out in (None, "-", ""):
        raise InputError(Errors.E612.format(fmt=fmt))
    folder = Path(str(out))
    if folder.exists() and not folder.is_dir():
        raise InputError(Errors.E613.format(out=out, fmt=fmt))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_csv(store: Store, folder: Path, since: str | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in TABLES:
        cols = [c for c, _ in table_columns(table)]
        n = 0
        with _Output(str(folder / f"{table}.csv"), newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for row in iter_rows(store, table, since=since):
                w.writerow(["" if row[c] is None else row[c] for c in cols])
                n += 1
        counts[table] = n
    return counts


def _write_parquet(store: Store, folder: Path, since: str | None) -> dict[str, int]:
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise InputError(Errors.E614) from None
    from . import __version__

    counts: dict[str, int] = {}
    for table in TABLES:
        cols = table_columns(table)
        types = {_I: pa.int64(), _S: pa.string(), _D: pa.float64()}
        schema = pa.schema(
            [pa.field(c, types[kind]) for c, kind in cols],
            metadata={"marsad.table": table, "marsad.version": __version__},
        )
        final = folder / f"{table}.parquet"
        tmp = final.with_name(final.name + ".part")
        n = 0
        try:
            with pq.ParquetWriter(str(tmp), schema) as writer:
                batch: list[dict[str, Any]] = []
                for row in iter_rows(store, table, since=since):
                    batch.append(row)
                    if len(batch) >= PAGE:
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                        n, batch = n + len(batch), []
                if batch or n == 0:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    n += len(batch)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        counts[table] = n
    return counts


def export(store: Store, fmt: str, out: str | None, *, since: str | None = None) -> dict[str, int]:
    """Write the database in ``fmt`` (one of :data:`FORMATS`; see the module doc).

    Args:
        store: the open database.
        fmt: ``plover-jsonl`` or ``cameo-tsv`` (one file: ``out``, or standard output
            when ``out`` is None or ``-``), ``csv`` or ``parquet`` (a folder ``out``,
            created if needed, with one file per table).
        out: the output file or folder.
        since: keep documents published on or after this ISO date, and their rows.

    Returns:
        Rows written: ``{"event_mentions": n}`` for PLOVER, ``{"events": n}`` for
        CAMEO, and one count per table for CSV and Parquet.

    Raises:
        InputError: an unknown format, a bad ``since``, no folder for ``csv`` or
            ``parquet``, or pyarrow missing for ``parquet``.
    """
    if fmt not in FORMATS:
        raise InputError(Errors.E610.format(fmt=fmt, known=", ".join(FORMATS)))
    _check_since(since)
    if fmt == "csv":
        return _write_csv(store, _folder(out, fmt), since)
    if fmt == "parquet":
        return _write_parquet(store, _folder(out, fmt), since)
    n = 0
    if fmt == "plover-jsonl":
        with _Output(out) as f:
            for rec in plover_records(store, since=since):
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        return {"event_mentions": n}
    with _Output(out) as f:
        rows = cameo_rows(store, since=since)
        f.write("\t".join(next(rows)) + "\n")  # the header
        for cells in rows:
            f.write("\t".join(cells) + "\n")
            n += 1
    return {"events": n}
