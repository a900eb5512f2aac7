"""The rows one extracted article becomes, as dicts keyed by column.

Both writers use these: :meth:`marsad.store.db.Store.add` (one article at a time, in
SQL) and the Spark job (:mod:`marsad.spark`, every article at once, in Parquet), so
the two paths cannot drift apart. Ids of other rows (the document's, the entities')
are given: each writer assigns them its own way.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .. import __version__
from ..text.normalize import norm

EVENT_WINDOW_DAYS = 2  # reports of one event may be dated this many days apart


def entity_key(entity: dict[str, Any]) -> str:
    """The cross-document identity of an entity: its kb_id, or type and normalised name.

    >>> entity_key({"kb_id": None, "type": "PERSON", "name": "عيسى  السّاير"})
    'nil:PERSON:عيسي الساير'
    """
    if entity.get("kb_id"):
        return str(entity["kb_id"])
    return f"nil:{entity['type']}:{' '.join(norm(entity['name']).split())}"


def entity_values(e: dict[str, Any]) -> dict[str, Any]:
    """The ``entities`` columns of an entity, without ``id``."""
    return {
        "key": entity_key(e),
        "kb_id": e.get("kb_id"),
        "type": e["type"],
        "name": e["name"],
        "name_en": e.get("name_en"),
        "wikidata": e.get("wikidata"),
        "country": e.get("country"),
        "sector": e.get("sector"),
    }


def document_values(
    content_hash: str, source: str, fetched: str | None, doc: dict[str, Any]
) -> dict[str, Any]:
    """The ``documents`` columns of an article, without ``id``, ``story_id``, the
    internal search columns and ``ingested_at``."""
    return {
        "content_hash": content_hash,
        "doc_id": doc["id"],
        "source": source,
        "url": doc.get("url"),
        "outlet": doc.get("outlet"),
        "title": doc.get("title"),
        "published": doc.get("published"),
        "published_source": doc.get("published_source"),
        "fetched": fetched,
        "text": doc["text"],
        "result": json.dumps({k: v for k, v in doc.items() if k != "text"}, ensure_ascii=False),
        "marsad_version": __version__,
    }


def mention_rows(doc_row: int, doc: dict[str, Any], ids: dict[str, int]) -> list[dict[str, Any]]:
    """The ``mentions`` of an article, in order (``ids``: local entity id → row id)."""
    return [
        {
            "document_id": doc_row,
            "entity_id": ids[e["id"]],
            "local_id": e["id"],
            "start_char": m["start"],
            "end_char": m["end"],
            "text": m["text"],
            "roles": json.dumps(e.get("roles") or [], ensure_ascii=False),
        }
        for e in doc.get("entities", [])
        for m in e.get("mentions", [])
    ]


def quote_rows(doc_row: int, doc: dict[str, Any], ids: dict[str, int]) -> list[dict[str, Any]]:
    """The ``quotes`` of an article, in order."""
    return [
        {
            "document_id": doc_row,
            "speaker_id": ids.get(q.get("speaker") or ""),
            "speaker_text": q.get("speaker_text"),
            "kind": q["kind"],
            "cue_start": q["cue"]["start"],
            "cue_end": q["cue"]["end"],
            "cue_text": q["cue"]["text"],
            "content_start": q["content"]["start"],
            "content_end": q["content"]["end"],
            "content_text": q["content"]["text"],
        }
        for q in doc.get("quotes", [])
    ]


def event_values(ev: dict[str, Any], ids: dict[str, int], doc_hash: str) -> dict[str, Any]:
    """The ``events`` columns a report would create, without ``id`` and ``n_mentions``.

    ``key`` groups the reports that may be one event: the type, mode, first actor,
    first recipient, place and modality; a report with no participant and no place
    keeps its article's hash in the key, so it is never merged across articles.
    """
    actor = ids.get(ev["actors"][0]) if ev.get("actors") else None
    recipient = ids.get(ev["recipients"][0]) if ev.get("recipients") else None
    location = ids.get(ev.get("location") or "")
    modality = ",".join(sorted(ev.get("modality") or []))
    key = f"{ev['type']}|{ev.get('mode')}|{actor}|{recipient}|{location}|{modality}"
    if actor is None and recipient is None and location is None:
        key += "|" + doc_hash
    date = ev.get("date")
    return {
        "key": key,
        "type": ev["type"],
        "mode": ev.get("mode"),
        "cameo": ev.get("cameo"),
        "quad": ev.get("quad"),
        "modality": modality,
        "actor_id": actor,
        "recipient_id": recipient,
        "location_id": location,
        "date": date,
        "first_date": date,
        "last_date": date,
    }


def event_mention_values(
    event_id: int, doc_row: int, ev: dict[str, Any], ids: dict[str, int]
) -> dict[str, Any]:
    """The ``event_mentions`` columns of one report, without ``id``."""
    return {
        "event_id": event_id,
        "document_id": doc_row,
        "sentence": ev.get("sentence"),
        "trigger_start": ev["trigger"]["start"],
        "trigger_end": ev["trigger"]["end"],
        "trigger_text": ev["trigger"]["text"],
        "trigger_id": ev.get("trigger_id"),
        "date": ev.get("date"),
        "date_source": ev.get("date_source"),
        "actors": json.dumps([ids[a] for a in ev.get("actors", []) if a in ids]),
        "recipients": json.dumps([ids[a] for a in ev.get("recipients", []) if a in ids]),
        "arguments": json.dumps(ev.get("arguments", []), ensure_ascii=False),
        "confidence": ev.get("confidence"),
    }


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


def within(date: str | None, first: str | None, last: str | None) -> bool:
    """Whether a report dated ``date`` belongs to an event seen from ``first`` to
    ``last`` (within :data:`EVENT_WINDOW_DAYS`; undated reports go with undated events).

    >>> within("2025-03-04", "2025-03-01", "2025-03-02")
    True
    >>> within("2025-03-09", "2025-03-01", "2025-03-02")
    False
    """
    if date is None or first is None or last is None:
        return date == first
    d, f, la = _day(date), _day(first), _day(last)
    if d is None or f is None or la is None:
        return date == first
    window = dt.timedelta(days=EVENT_WINDOW_DAYS)
    return f - window <= d <= la + window


def widen(first: str | None, last: str | None, date: str | None) -> tuple[str | None, str | None]:
    """An event's first and last dates once a report dated ``date`` joins it (the SQL
    of :meth:`Store.add` does the same: a string comparison, NULL leaves it alone)."""
    if date is None:
        return first, last
    return (
        date if first is not None and date < first else first,
        date if last is not None and date > last else last,
    )
