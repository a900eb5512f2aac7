"""What the web pages show, read from the store: one function per page, plain dicts out.

Every page's JSON twin returns exactly these dicts, and the HTML templates render
them, so the two cannot disagree. All SQL takes parameters, never pasted values.
"""

from __future__ import annotations

import json
from typing import Any

from ..store.db import Store, day_range

PAGE = 20
NETWORK_DOCS = 1000  # an actor's co-mentions are counted over its newest articles


def _pages(total: int, size: int | None = None) -> int:
    """How many pages of ``size`` rows (default: :data:`PAGE`) ``total`` rows fill.

    >>> _pages(0), _pages(20), _pages(21)
    (1, 1, 2)
    """
    return max(1, -(-total // (size or PAGE)))


def _dicts(rows: list[Any], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(keys, r, strict=True)) for r in rows]


def search(
    store: Store,
    q: str = "",
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    entity: int | None = None,
    event_type: str | None = None,
    page: int = 1,
) -> dict[str, Any]:
    """A page of search results with the filters that produced it."""
    page = max(1, page)
    found = store.find_documents(
        q,
        outlet=outlet or None,
        since=since or None,
        until=until or None,
        entity=entity,
        event_type=event_type or None,
        limit=PAGE,
        offset=(page - 1) * PAGE,
    )
    return {
        "q": q,
        "filters": {
            "outlet": outlet,
            "since": since,
            "until": until,
            "entity": entity,
            "event_type": event_type,
        },
        "page": page,
        "pages": _pages(found["total"]),
        "total": found["total"],
        "results": found["rows"],
        "outlets": [
            r[0]
            for r in store.all(
                "SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL ORDER BY outlet"
            )
        ],
        "event_types": [r[0] for r in store.all("SELECT DISTINCT type FROM events ORDER BY type")],
    }


def article(store: Store, doc_id: int) -> dict[str, Any] | None:
    """One document with its mentions (and the actor and office behind each), quotes
    and event reports, all as character offsets into ``text``."""
    row = store.one(
        "SELECT id, title, published, published_source, outlet, url, text, story_id "
        "FROM documents WHERE id = ?",
        (doc_id,),
    )
    if row is None:
        return None
    doc = dict(
        zip(
            ("id", "title", "published", "published_source", "outlet", "url", "text", "story_id"),
            row,
            strict=True,
        )
    )
    mentions = _dicts(
        store.all(
            "SELECT m.start_char, m.end_char, m.text, e.id, e.name, e.name_en, e.type, e.kb_id, "
            "m.roles FROM mentions m JOIN entities e ON e.id = m.entity_id "
            "WHERE m.document_id = ? ORDER BY m.start_char, m.id",
            (doc_id,),
        ),
        ("start", "end", "text", "entity_id", "name", "name_en", "type", "kb_id", "roles"),
    )
    for m in mentions:
        m["roles"] = json.loads(m["roles"] or "[]")
    quotes = _dicts(
        store.all(
            "SELECT q.id, q.kind, q.cue_start, q.cue_end, q.cue_text, q.content_start, "
            "q.content_end, q.content_text, q.speaker_id, e.name, q.speaker_text "
            "FROM quotes q LEFT JOIN entities e ON e.id = q.speaker_id "
            "WHERE q.document_id = ? ORDER BY q.cue_start, q.id",
            (doc_id,),
        ),
        (
            "id",
            "kind",
            "cue_start",
            "cue_end",
            "cue_text",
            "content_start",
            "content_end",
            "content_text",
            "speaker_id",
            "speaker",
            "speaker_text",
        ),
    )
    events = _dicts(
        store.all(
            "SELECT em.event_id, e.type, e.mode, e.cameo, em.trigger_start, em.trigger_end, "
            "em.trigger_text, em.date, a.id, a.name, r.id, r.name, l.name, e.n_mentions "
            "FROM event_mentions em JOIN events e ON e.id = em.event_id "
            "LEFT JOIN entities a ON a.id = e.actor_id "
            "LEFT JOIN entities r ON r.id = e.recipient_id "
            "LEFT JOIN entities l ON l.id = e.location_id "
            "WHERE em.document_id = ? ORDER BY em.trigger_start, em.id",
            (doc_id,),
        ),
        (
            "event_id",
            "type",
            "mode",
            "cameo",
            "start",
            "end",
            "text",
            "date",
            "actor_id",
            "actor",
            "recipient_id",
            "recipient",
            "location",
            "reports",
        ),
    )
    return {**doc, "mentions": mentions, "quotes": quotes, "events": events}


def actor(store: Store, entity_id: int) -> dict[str, Any] | None:
    """An entity: its names as written, offices over time, quotes by and about it,
    events as actor and recipient, mentions per day, and who is named with it."""
    row = store.one(
        "SELECT id, key, kb_id, type, name, name_en, wikidata, country, sector "
        "FROM entities WHERE id = ?",
        (entity_id,),
    )
    if row is None:
        return None
    keys = ("id", "key", "kb_id", "type", "name", "name_en", "wikidata", "country", "sector")
    ent = dict(zip(keys, row, strict=True))
    names = [
        {"text": t, "count": int(n)}
        for t, n in store.all(
            "SELECT text, COUNT(*) FROM mentions WHERE entity_id = ? GROUP BY text "
            "ORDER BY COUNT(*) DESC, text",
            (entity_id,),
        )
    ]
    offices: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (roles,) in store.all(
        "SELECT DISTINCT roles FROM mentions WHERE entity_id = ? AND roles <> '[]'", (entity_id,)
    ):
        for r in json.loads(roles):
            offices[(r.get("title"), r.get("country"), r.get("start"), r.get("end"))] = r
    quote_cols = (
        "id",
        "kind",
        "content_text",
        "cue_text",
        "document_id",
        "title",
        "published",
        "outlet",
    )
    by = _dicts(
        store.all(
            "SELECT q.id, q.kind, q.content_text, q.cue_text, d.id, d.title, d.published, "
            "d.outlet FROM quotes q JOIN documents d ON d.id = q.document_id "
            "WHERE q.speaker_id = ? ORDER BY d.published DESC, q.id DESC LIMIT 100",
            (entity_id,),
        ),
        quote_cols,
    )
    about = _dicts(
        store.all(
            "SELECT DISTINCT q.id, q.kind, q.content_text, q.cue_text, d.id, d.title, "
            "d.published, d.outlet FROM quotes q JOIN documents d ON d.id = q.document_id "
            "JOIN mentions m ON m.document_id = q.document_id AND m.entity_id = ? "
            "AND m.start_char >= q.content_start AND m.end_char <= q.content_end "
            "WHERE q.speaker_id IS NULL OR q.speaker_id <> ? "
            "ORDER BY d.published DESC, q.id DESC LIMIT 100",
            (entity_id, entity_id),
        ),
        quote_cols,
    )
    event_cols = ("id", "type", "mode", "date", "n_mentions", "actor", "recipient", "role")
    events = _dicts(
        store.all(
            "SELECT e.id, e.type, e.mode, e.date, e.n_mentions, a.name, r.name, "
            "CASE WHEN e.actor_id = ? THEN 'actor' ELSE 'recipient' END "
            "FROM events e LEFT JOIN entities a ON a.id = e.actor_id "
            "LEFT JOIN entities r ON r.id = e.recipient_id "
            "WHERE e.actor_id = ? OR e.recipient_id = ? ORDER BY e.date DESC, e.id DESC LIMIT 200",
            (entity_id, entity_id, entity_id),
        ),
        event_cols,
    )
    timeline = [
        {"day": day, "mentions": int(n)}
        for day, n in store.all(
            "SELECT substr(d.published, 1, 10), COUNT(*) FROM mentions m "
            "JOIN documents d ON d.id = m.document_id WHERE m.entity_id = ? "
            "AND d.published IS NOT NULL GROUP BY substr(d.published, 1, 10) ORDER BY 1",
            (entity_id,),
        )
    ]
    # who is named in the same articles, over the newest NETWORK_DOCS of them
    network = _dicts(
        store.all(
            "SELECT e.id, e.name, e.type, COUNT(DISTINCT m2.document_id) FROM ("
            "SELECT m.document_id FROM mentions m JOIN documents d ON d.id = m.document_id "
            "WHERE m.entity_id = ? GROUP BY m.document_id "
            "ORDER BY MAX(d.published) DESC, m.document_id DESC LIMIT ?) docs "
            "JOIN mentions m2 ON m2.document_id = docs.document_id AND m2.entity_id <> ? "
            "JOIN entities e ON e.id = m2.entity_id GROUP BY e.id, e.name, e.type "
            "ORDER BY COUNT(DISTINCT m2.document_id) DESC, e.id LIMIT 15",
            (entity_id, NETWORK_DOCS, entity_id),
        ),
        ("id", "name", "type", "documents"),
    )
    n_docs = int(
        store.one(
            "SELECT COUNT(DISTINCT document_id) FROM mentions WHERE entity_id = ?", (entity_id,)
        )[0]
    )
    return {
        **ent,
        "documents": n_docs,
        "names": names,
        "offices": sorted(offices.values(), key=lambda r: (r.get("start") or "", r.get("title"))),
        "quotes_by": by,
        "quotes_about": about,
        "events": events,
        "timeline": timeline,
        "network": network,
    }


def stories(store: Store, *, page: int = 1) -> dict[str, Any]:
    """Stories told by more than one document, the largest first, with their outlets."""
    page = max(1, page)
    total = int(store.one("SELECT COUNT(*) FROM stories WHERE n_documents > 1")[0])
    rows = _dicts(
        store.all(
            "SELECT id, title, first_seen, n_documents, first_document_id FROM stories "
            "WHERE n_documents > 1 ORDER BY n_documents DESC, first_seen, id LIMIT ? OFFSET ?",
            (PAGE, (page - 1) * PAGE),
        ),
        ("id", "title", "first_seen", "n_documents", "first_document_id"),
    )
    for s in rows:
        s["documents"] = _dicts(
            store.all(
                "SELECT id, title, outlet, published FROM documents WHERE story_id = ? "
                "ORDER BY published, id",
                (s["id"],),
            ),
            ("id", "title", "outlet", "published"),
        )
    return {"page": page, "pages": _pages(total), "total": total, "stories": rows}


DOWNLOAD_LIMIT = 50_000  # rows in one CSV or PLOVER download


def _filters(
    since: str | None, until: str | None, outlet: str | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    day_range("d.published", since, until, where, params)
    if outlet:
        where.append("d.outlet = ?")
        params.append(outlet)
    return where, params


QUOTE_COLUMNS = (
    "id",
    "speaker_id",
    "speaker",
    "speaker_text",
    "kind",
    "content_text",
    "document_id",
    "title",
    "published",
    "outlet",
)


def quotes(
    store: Store,
    *,
    speaker: int | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    page: int = 1,
    limit: int = PAGE,
) -> dict[str, Any]:
    """Quotes, newest first, filtered by speaker (entity id), kind, dates and outlet."""
    where, params = _filters(since, until, outlet)
    if speaker is not None:
        where.append("q.speaker_id = ?")
        params.append(speaker)
    if kind:
        where.append("q.kind = ?")
        params.append(kind)
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    base = (
        "FROM quotes q JOIN documents d ON d.id = q.document_id "
        "LEFT JOIN entities e ON e.id = q.speaker_id" + cond
    )
    total = int(store.one(f"SELECT COUNT(*) {base}", params)[0])
    page = max(1, page)
    rows = _dicts(
        store.all(
            "SELECT q.id, q.speaker_id, e.name, q.speaker_text, q.kind, q.content_text, d.id, "
            f"d.title, d.published, d.outlet {base} "
            "ORDER BY d.published DESC, q.id DESC LIMIT ? OFFSET ?",
            [*params, limit, (page - 1) * limit],
        ),
        QUOTE_COLUMNS,
    )
    return {
        "filters": {
            "speaker": speaker,
            "kind": kind,
            "since": since,
            "until": until,
            "outlet": outlet,
        },
        "page": page,
        "pages": _pages(total, limit),
        "total": total,
        "quotes": rows,
    }


EVENT_COLUMNS = (
    "id",
    "type",
    "mode",
    "cameo",
    "modality",
    "date",
    "actor_id",
    "actor",
    "recipient_id",
    "recipient",
    "location",
    "n_mentions",
)


def events(
    store: Store,
    *,
    type: str | None = None,
    entity: int | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = 1,
    limit: int = PAGE,
) -> dict[str, Any]:
    """Events (reports merged), newest first, filtered by type, a participant (as actor
    or recipient) and the event date; with counts by type for the chart."""
    where: list[str] = []
    params: list[Any] = []
    if type:
        where.append("ev.type = ?")
        params.append(type)
    if entity is not None:
        where.append("(ev.actor_id = ? OR ev.recipient_id = ?)")
        params += [entity, entity]
    day_range("ev.date", since, until, where, params)
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    base = (
        "FROM events ev LEFT JOIN entities a ON a.id = ev.actor_id "
        "LEFT JOIN entities r ON r.id = ev.recipient_id "
        "LEFT JOIN entities l ON l.id = ev.location_id" + cond
    )
    total = int(store.one(f"SELECT COUNT(*) {base}", params)[0])
    page = max(1, page)
    rows = _dicts(
        store.all(
            "SELECT ev.id, ev.type, ev.mode, ev.cameo, ev.modality, ev.date, ev.actor_id, "
            f"a.name, ev.recipient_id, r.name, l.name, ev.n_mentions {base} "
            "ORDER BY ev.date DESC, ev.id DESC LIMIT ? OFFSET ?",
            [*params, limit, (page - 1) * limit],
        ),
        EVENT_COLUMNS,
    )
    by_type = [
        {"type": t, "events": int(n)}
        for t, n in store.all(
            f"SELECT ev.type, COUNT(*) {base} GROUP BY ev.type ORDER BY COUNT(*) DESC, ev.type",
            params,
        )
    ]
    return {
        "filters": {"type": type, "entity": entity, "since": since, "until": until},
        "page": page,
        "pages": _pages(total, limit),
        "total": total,
        "events": rows,
        "by_type": by_type,
    }
