"""A readable, right-to-left summary of a Document for a person at a terminal.

Each line starts with U+200F (RIGHT-TO-LEFT MARK) so terminals that apply the
Unicode bidi algorithm lay Arabic lines out right to left; Latin names and numbers
are wrapped in FSI/PDI isolates so they do not scramble the line around them.
"""

from __future__ import annotations

from .doc import Document, Event

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
    if doc.spans["events"]:
        lines.append("")
    for ev in doc.spans["events"]:
        lines.append(f"{RLM}⚑ {_event_line(doc, ev)}")
    return "\n".join(lines) + "\n"


def _names(doc: Document, ids: list[str]) -> str:
    out = []
    for i in ids:
        e = doc.entity(i)
        out.append(e.name if e is not None else i)
    return "، ".join(out) or "—"


def _event_line(doc: Document, ev: Event) -> str:
    """«CONSULT:visit إبراهيم رئيسي ← رجب طيب أردوغان @ أنقرة 2023-11-09 [future]»."""
    kind = ev.type + (f":{ev.mode}" if ev.mode else "")
    agents = [a.text for a in ev.arguments if a.role == "actor" and a.entity is None]
    who = _names(doc, ev.actors) if ev.actors else ("، ".join(agents) or "—")
    to = f" ← {_names(doc, ev.recipients)}" if ev.recipients else ""
    place = doc.entity(ev.location)
    where = f" @ {place.name}" if place is not None else ""
    mods = f" [{_iso(', '.join(ev.modality))}]" if ev.modality else ""
    more = f" (+{_iso(len(ev.mentions))})" if ev.mentions else ""
    return f"{_iso(kind)} {who}{to}{where} {_iso(ev.date or '—')}{mods} «{ev.trigger.text}»{more}"


def render_explain(doc: Document) -> str:
    """Say, for each event, why it was coded: the trigger and its dictionary entry, and
    the rule that chose each participant, the place, the date and the modality.

    >>> from marsad import extract
    >>> doc = extract("وقصفت الطائرات الإسرائيلية مواقع في غزة أمس.", published="2024-01-10")
    >>> print(render_explain(doc).splitlines()[1])
    ‏  trigger: «وقصفت الطائرات» → assault.air_bombard (verb, ASSAULT:aerial)
    """
    lines: list[str] = []
    for n, ev in enumerate(doc.spans["events"], 1):
        lines.append(f"{RLM}[{_iso(n)}] {_event_line(doc, ev)} — {_iso(f'sentence {ev.sentence}')}")
        lines.append(
            f"{RLM}  trigger: «{ev.trigger.text}» → {ev.rules[0].removeprefix('trigger: ')}"
        )
        extra = [f"cameo {ev.cameo}", f"quad {ev.quad}"]
        if ev.confidence is not None:
            from .events.report import threshold

            t = threshold(ev.type) or 0.0
            verdict = "a report" if ev.confidence >= t else "a mention"
            extra.append(f"report confidence {ev.confidence:.2f} ({verdict}: threshold {t:.2f})")
        lines.append(f"{RLM}  codes: {_iso(', '.join(extra))}")
        for a in ev.arguments:
            ent = doc.entity(a.entity)
            target = f" = {ent.name}" if ent is not None else ""
            sector = f" [{_iso(a.sector)}]" if a.sector else ""
            lines.append(f"{RLM}  {a.role}: «{a.text}»{target}{sector} — {a.rule}")
        if not any(a.role == "actor" for a in ev.arguments):
            lines.append(f"{RLM}  actor: — (not written: no actor rather than a guessed one)")
        for r in ev.rules[1:]:
            lines.append(f"{RLM}  {r}")
        for m in ev.mentions:
            lines.append(f"{RLM}  also: «{m.text}» at {_iso(m.start)}")
        lines.append("")
    if not lines:
        return f"{RLM}no events\n"
    return "\n".join(lines)
