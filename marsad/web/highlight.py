"""The article text cut into segments, each with the marks that cover it.

A segment is plain text plus what the page draws over it: the innermost entity
mention (linked to its actor page, with the actor and the office held that day as
its tip), and whether it lies in a quote's cue or content or an event trigger. The
template escapes every segment's text, so nothing from an article becomes markup.

>>> segs = highlight("قال الوزير إن", [{"start": 4, "end": 10, "entity_id": 3,
...     "name": "س", "name_en": None, "roles": []}], [], [])
>>> [(s["text"], s["entity"]) for s in segs]
[('قال ', None), ('الوزير', 3), (' إن', None)]
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any


def tip(m: dict[str, Any]) -> str:
    """What hovering a mention shows: the actor, and the offices held that day."""
    name = m["name"] + (f" ({m['name_en']})" if m.get("name_en") else "")
    roles = [
        f"{r.get('title', '')} ({r.get('country') or ''} "
        f"{r.get('start') or '?'}–{r.get('end') or ''})"
        for r in m.get("roles") or []
    ]
    return " — ".join([name, *roles])


def highlight(
    text: str,
    mentions: list[dict[str, Any]],
    quotes: list[dict[str, Any]],
    events: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Cut ``text`` at every span boundary; see the module doc."""
    spans: list[tuple[int, int, str, Any]] = []
    for m in mentions:
        spans.append((m["start"], m["end"], "mention", m))
    for q in quotes:
        spans.append((q["cue_start"], q["cue_end"], "cue", q))
        spans.append((q["content_start"], q["content_end"], "quote", q))
    for e in events:
        spans.append((e["start"], e["end"], "trigger", e))
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out: list[dict[str, Any]] = []
    for a, b in pairwise(cuts):
        if a >= b or b > len(text):
            continue
        here = [s for s in spans if s[0] <= a and b <= s[1]]
        inner = min((s for s in here if s[2] == "mention"), key=lambda s: s[1] - s[0], default=None)
        classes = sorted({s[2] for s in here if s[2] != "mention"})
        trigger = next((s[3] for s in here if s[2] == "trigger"), None)
        out.append(
            {
                "text": text[a:b],
                "classes": classes,
                "entity": inner[3]["entity_id"] if inner else None,
                "entity_type": inner[3].get("type") if inner else None,
                "tip": tip(inner[3]) if inner else None,
                "event": f"{trigger['type']}" if trigger else None,
            }
        )
    return out
