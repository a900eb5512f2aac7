"""A readable, right-to-left summary of a Document for a person at a terminal.

Each line starts with U+200F (RIGHT-TO-LEFT MARK) so terminals that apply the
Unicode bidi algorithm lay Arabic lines out right to left; Latin names and numbers
are wrapped in FSI/PDI isolates so they do not scramble the line around them.
"""

from __future__ import annotations

from .doc import Document

RLM = "\u200f"
FSI, PDI = "\u2068", "\u2069"

ZONE_AR = {
    "headline": "عنوان",
    "standfirst": "مقدمة",
    "body": "متن",
    "caption": "تعليق صورة",
    "boilerplate": "حشو",
}


def _iso(value: object) -> str:
    return f"{FSI}{value}{PDI}"


def render_text(doc: Document) -> str:
    """Render the document as a bilingual, right-to-left text summary.

    >>> from marsad import extract
    >>> print(render_text(extract("قال الوزير إن الاجتماع انتهى.")).splitlines()[1])
    \u200fالتاريخ / date: \u2068—\u2069 (\u2068none\u2069)
    """
    lines = [
        f"{RLM}العنوان / title: {doc.title or '—'}",
        f"{RLM}التاريخ / date: {_iso(doc.published or '—')} ({_iso(doc.published_source)})",
        f"{RLM}المعرّف / id: {_iso(doc.id[:16])}",
        f"{RLM}جمل / sentences: {_iso(len(doc.sentences))} · كلمات / tokens: {_iso(doc.n_tokens)}"
        f" · كيانات / entities: {_iso(len(doc.entities))}"
        f" · اقتباسات / quotes: {_iso(len(doc.spans['quotes']))}"
        f" · تعابير زمنية / timexes: {_iso(len(doc.spans['timexes']))}"
        f" · أحداث / events: {_iso(len(doc.spans['events']))}",
    ]
    if doc.published_evidence:
        lines.insert(2, f"{RLM}الدليل / evidence: {doc.published_evidence}")
    if doc.cleaning:
        steps = ", ".join(f"{c.step}×{c.changes}" for c in doc.cleaning)
        lines.append(f"{RLM}تنظيف / cleaning: {_iso(steps)}")
    lines.append("")
    for s in doc.sentences:
        label = ZONE_AR.get(s.zone, s.zone)
        lines.append(f"{RLM}[{_iso(s.i)}] ({label}) {s.text}")
    if doc.entities:
        lines.append("")
        for e in doc.entities:
            en = f" — {_iso(e.name_en)}" if e.name_en else ""
            lines.append(f"{RLM}• {e.name}{en} ({_iso(e.type)}, {_iso(len(e.mentions))}×)")
    if doc.spans["quotes"]:
        lines.append("")
    for q in doc.spans["quotes"]:
        ent = doc.entity(q.speaker)
        who = ent.name if ent is not None else (q.speaker_text or "—")
        lines.append(f"{RLM}« {q.content.text} » — {who} [{q.cue.text}] ({_iso(q.kind)})")
    if doc.spans["timexes"]:
        lines.append("")
    for t in doc.spans["timexes"]:
        lines.append(f"{RLM}⏱ {t.text} = {_iso(t.value or '—')} ({_iso(t.type)})")
    for ev in doc.spans["events"]:
        lines.append(f"{RLM}⚑ {_iso(ev.type)} «{ev.trigger.text}» {_iso(ev.date or '')}")
    return "\n".join(lines) + "\n"
