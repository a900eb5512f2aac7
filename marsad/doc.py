"""The document model: one canonical text, and every fact a span into it.

A :class:`Document` owns its cleaned, frozen ``text``. Everything extracted from it
(blocks, sentences, tokens, words, mentions, quotes, time expressions, event
triggers) carries character offsets ``start``/``end`` such that
``doc.text[start:end] == span.text`` always holds. Surface tokens own their offsets;
the morphological words of a token (و + ب + ال + كتاب) point back into the token, the
way stanza separates ``Token`` and ``Word``.

``Document.to_dict()`` and ``Document.from_dict()`` write and read exactly the JSON of
``shared/spec/output-format.md``; the extra fields (``sentences``, ``blocks``,
``cleaning``) are additions the contract allows.

>>> doc = Document("قال الوزير إنّ الاجتماع انتهى.")
>>> span = doc.char_span(4, 10)
>>> span.text
'الوزير'
>>> doc.text[span.start:span.end] == span.text
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .errors import AlignmentError, Errors

AlignmentMode = Literal["strict", "contract", "expand"]

# Zones of a block (a line of the article). Later stages skip or down-weight
# everything but "headline", "standfirst" and "body"; nothing is ever deleted.
ZONES = ("headline", "standfirst", "body", "caption", "boilerplate")
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC")
QUOTE_KINDS = ("direct", "indirect", "mixed")
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")
PUBLISHED_SOURCES = ("given", "metadata", "dateline", "inferred", "none")
MODALITIES = ("negated", "future", "hypothetical", "historical", "reported")


@dataclass(slots=True)
class Span:
    """A stretch of ``doc.text``: ``text == doc.text[start:end]``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return the contract form ``{"start", "end", "text"}``."""
        return {"start": self.start, "end": self.end, "text": self.text}

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Word(Span):
    """A morphological word inside a surface token (proclitic, article, stem, enclitic).

    ``form`` is the word as a dictionary would write it: the article in «للبلدان»
    is written with one lam in the text, so its ``text`` is «ل» but its ``form`` «ال».
    """

    form: str = ""
    kind: str = "stem"  # proclitic | article | stem | enclitic
    token: int = -1  # index of the owning token in doc.tokens


@dataclass(slots=True)
class Token(Span):
    """A surface token. It owns its offsets; its ``words`` point back into it."""

    i: int = -1
    kind: str = "word"  # word | latin | number | punct | symbol | url | email | tag
    words: list[Word] = field(default_factory=list)


class TokenTable(Protocol):
    """Compact token offsets that become :class:`Token` objects only when asked for.

    Segmentation stores offsets in arrays (cheap); ``doc.tokens`` materialises the
    objects, with their words, on first access.
    """

    def __len__(self) -> int: ...

    def materialize(self, text: str) -> list[Token]: ...


@dataclass(slots=True)
class Block(Span):
    """One line of the article with its zone (headline, standfirst, body, caption, boilerplate)."""

    i: int = -1
    zone: str = "body"
    reason: str | None = None  # which rule set the zone, e.g. "read-also"


@dataclass(slots=True)
class Sentence(Span):
    """A sentence; never split inside a quotation, never across a block.

    ``first_token`` and ``last_token`` delimit its tokens: ``doc.tokens[first:last]``.
    """

    i: int = -1
    block: int = -1
    zone: str = "body"
    first_token: int = 0
    last_token: int = 0


@dataclass(slots=True)
class Mention(Span):
    """A mention of an entity: ``entity`` is the document-local id (``E1``)."""

    entity: str | None = None
    label: str | None = None  # PERSON | ORG | GPE | LOC
    kb_id: str | None = None


@dataclass(slots=True)
class Timex(Span):
    """A time expression with its TIMEX3-style value (``2023-11-09``, ``P34D``)."""

    type: str = "DATE"
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the contract form with ``type`` and ``value``."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "value": self.value,
        }


@dataclass(slots=True)
class Role:
    """An office held by an entity, with the dates it was held."""

    title: str
    country: str | None = None
    start: str | None = None
    end: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the contract form."""
        return {"title": self.title, "country": self.country, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Entity:
    """A person, organisation or place, with all its mentions in the document."""

    id: str
    type: str
    name: str
    name_en: str | None = None
    kb_id: str | None = None
    wikidata: str | None = None
    country: str | None = None
    sector: str | None = None
    roles: list[Role] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the contract form."""
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "name_en": self.name_en,
            "kb_id": self.kb_id,
            "wikidata": self.wikidata,
            "country": self.country,
            "sector": self.sector,
            "roles": [r.to_dict() for r in self.roles],
            "mentions": [Span.to_dict(m) for m in self.mentions],
        }


@dataclass(slots=True)
class Quote:
    """Who said what: the cue verb, the content and the speaker entity (or None)."""

    kind: str
    cue: Span
    content: Span
    speaker: str | None = None
    speaker_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the contract form."""
        return {
            "speaker": self.speaker,
            "speaker_text": self.speaker_text,
            "kind": self.kind,
            "cue": self.cue.to_dict(),
            "content": self.content.to_dict(),
        }


@dataclass(slots=True)
class Argument(Span):
    """A participant, place or time of an event as it is written: ``role`` is
    ``actor``, ``recipient``, ``location`` or ``date``; ``entity`` the document-local id
    when the words name an entity (a generic agent such as «مسلحون» has none);
    ``sector`` the PLOVER sector of a generic agent (``MIL``, ``COP``, ``UAF`` …);
    ``rule`` says which rule chose it (``marsad explain`` prints it)."""

    role: str = "actor"
    entity: str | None = None
    sector: str | None = None
    rule: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "role": self.role,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "entity": self.entity,
            "sector": self.sector,
            "rule": self.rule,
        }


@dataclass(slots=True)
class Event:
    """A PLOVER event: who did what to whom, where and when, with its trigger span.

    Beyond the contract's fields: ``trigger_id`` is the dictionary entry that fired,
    ``arguments`` the words each participant, place and date were read from (with the
    rule that chose them), ``mentions`` the triggers of the same event elsewhere in the
    document, ``rules`` the rules that set the modality, mode and date, and
    ``confidence`` how likely the sentence reports the event rather than mentions it
    (:mod:`marsad.events.report`; None for a type the model was not trained on).
    """

    type: str
    trigger: Span
    sentence: int
    mode: str | None = None
    modality: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    location: str | None = None
    date: str | None = None
    date_source: str = "none"
    cameo: str | None = None
    quad: int | None = None
    trigger_id: str | None = None
    arguments: list[Argument] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the contract form."""
        return {
            "type": self.type,
            "mode": self.mode,
            "modality": list(self.modality),
            "actors": list(self.actors),
            "recipients": list(self.recipients),
            "location": self.location,
            "date": self.date,
            "date_source": self.date_source,
            "trigger": self.trigger.to_dict(),
            "sentence": self.sentence,
            "cameo": self.cameo,
            "quad": self.quad,
            "trigger_id": self.trigger_id,
            "arguments": [a.to_dict() for a in self.arguments],
            "mentions": [m.to_dict() for m in self.mentions],
            "rules": list(self.rules),
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class CleanStep:
    """One recorded text-changing step applied before the text was frozen (ftfy-style)."""

    step: str
    changes: int

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"step", "changes"}``."""
        return {"step": self.step, "changes": self.changes}


@dataclass(slots=True)
class Article:
    """A raw input record before cleaning: the text and what is known about it.

    ``source`` says where it came from (``path`` or ``path:line``) for error messages.
    """

    text: str
    title: str | None = None
    published: str | None = None
    published_source: str | None = None
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    source: str = "<text>"
    fetched: str | None = None  # when a crawler fetched it (WARC-Date), ISO 8601


def text_id(text: str) -> str:
    """Return the content id of a text: the SHA-1 of its UTF-8 bytes.

    >>> text_id("مرصد")[:12]
    'ecaab8a8fc43'
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Document:
    """An article: one frozen canonical text and the spans that point into it.

    Args:
        text: the canonical (already cleaned) text. It cannot be changed later.
        id: a given id; defaults to the SHA-1 of the text.
        title: the headline, when known. When given separately, ``text`` starts
            with it followed by a blank line.
        published: ISO date or datetime of the document creation time.
        published_source: how ``published`` was found (see ``PUBLISHED_SOURCES``).
        url, outlet: provenance.
        fetched: when a crawler fetched the page (ISO); the document date falls back
            to its day when no metadata or dateline gives one.
        raw_text: the text before cleaning, kept beside the canonical text.
        cleaning: the recorded cleaning steps that turned ``raw_text`` into ``text``.
    """

    def __init__(
        self,
        text: str,
        *,
        id: str | None = None,
        title: str | None = None,
        published: str | None = None,
        published_source: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        fetched: str | None = None,
        raw_text: str | None = None,
        cleaning: Iterable[CleanStep] = (),
    ) -> None:
        self._text = text
        self.id = id or text_id(text)
        self.title = title
        self.published = published
        self.published_source = published_source or ("given" if published else "none")
        # what a dateline or inference read the date from («اليوم الخميس» ...), or None
        self.published_evidence: str | None = None
        self.url = url
        self.outlet = outlet
        self.fetched = fetched
        self.raw_text = text if raw_text is None else raw_text
        self.cleaning: tuple[CleanStep, ...] = tuple(cleaning)
        self.blocks: list[Block] = []
        self.sentences: list[Sentence] = []
        self._tokens: list[Token] | None = []
        self._token_table: TokenTable | None = None
        self.entities: list[Entity] = []
        # Declared span groups (STYLE rule 7): stages write here, never ad-hoc attributes.
        self.spans: dict[str, list[Any]] = {
            "mentions": [],
            "quotes": [],
            "timexes": [],
            "events": [],
        }
        # Namespace for registered extensions: a stage declares "doc.ext['key']" in assigns.
        self.ext: dict[str, Any] = {}
        self._bounds: tuple[list[int], list[int]] | None = None

    @property
    def published_day(self) -> dt.date | None:
        """The calendar day of ``published`` (a date or a datetime), or None.

        >>> Document("نص", published="2023-11-09T10:00:00").published_day
        datetime.date(2023, 11, 9)
        """
        if not self.published:
            return None
        try:
            return dt.date.fromisoformat(self.published[:10])
        except ValueError:
            return None

    # -- the frozen text -------------------------------------------------------------
    @property
    def text(self) -> str:
        """The canonical text every offset indexes into. Read-only."""
        return self._text

    def __len__(self) -> int:
        return len(self._text)

    def __repr__(self) -> str:
        head = self._text[:30].replace("\n", " ")
        return f"<Document {self.id[:12]} {len(self._text)} chars: {head!r}>"

    # -- tokens and alignment --------------------------------------------------------
    @property
    def tokens(self) -> list[Token]:
        """Surface tokens in text order, materialised from the token table on first use."""
        if self._tokens is None:
            table = self._token_table
            self._tokens = table.materialize(self._text) if table is not None else []
        return self._tokens

    @property
    def n_tokens(self) -> int:
        """The number of tokens, without materialising them."""
        if self._tokens is None and self._token_table is not None:
            return len(self._token_table)
        return len(self.tokens)

    def set_tokens(self, tokens: list[Token]) -> None:
        """Replace the tokens and forget the cached alignment boundaries."""
        self._tokens = tokens
        self._token_table = None
        self._bounds = None

    def set_token_table(self, table: TokenTable) -> None:
        """Replace the tokens by a compact table materialised on first access."""
        self._tokens = None
        self._token_table = table
        self._bounds = None

    @property
    def words(self) -> Iterator[Word]:
        """All morphological words, in text order."""
        for token in self.tokens:
            yield from token.words

    def _boundaries(self) -> tuple[list[int], list[int]]:
        if self._bounds is None:
            starts: set[int] = set()
            ends: set[int] = set()
            for token in self.tokens:
                starts.add(token.start)
                ends.add(token.end)
                for word in token.words:
                    starts.add(word.start)
                    ends.add(word.end)
            self._bounds = (sorted(starts), sorted(ends))
        return self._bounds

    def char_span(self, start: int, end: int, *, alignment_mode: AlignmentMode = "strict") -> Span:
        """Return the span ``[start:end]``, checked against token and word boundaries.

        Before tokenisation any in-range offsets are accepted. After it, ``strict``
        raises unless both ends fall on a token or word boundary, ``contract`` shrinks
        the span to the boundaries inside it and ``expand`` grows it to those outside.

        Raises:
            AlignmentError: offsets out of range, or misaligned in strict mode.
        """
        if not 0 <= start <= end <= len(self._text):
            raise AlignmentError(Errors.E300.format(start=start, end=end, length=len(self._text)))
        if self.n_tokens and start < end:
            starts, ends = self._boundaries()
            ok_start = _contains(starts, start)
            ok_end = _contains(ends, end)
            if not (ok_start and ok_end):
                if alignment_mode == "strict":
                    raise AlignmentError(
                        Errors.E301.format(start=start, end=end, text=self._text[start:end])
                    )
                if alignment_mode == "expand":
                    i = bisect_right(starts, start) - 1
                    j = bisect_left(ends, end)
                    start = starts[i] if i >= 0 else start
                    end = ends[j] if j < len(ends) else end
                else:  # contract
                    i = bisect_left(starts, start)
                    j = bisect_right(ends, end) - 1
                    new_start = starts[i] if i < len(starts) else end
                    new_end = ends[j] if j >= 0 else start
                    start, end = (new_start, new_end) if new_start < new_end else (start, start)
        return Span(start, end, self._text[start:end])

    def sentence_at(self, offset: int) -> Sentence | None:
        """Return the sentence that contains character ``offset``, if any."""
        starts = [s.start for s in self.sentences]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    # -- checks ------------------------------------------------------------------------
    def iter_spans(self) -> Iterator[tuple[str, Span]]:
        """Yield every span of the document with a label saying where it lives."""
        for b in self.blocks:
            yield "block", b
        for s in self.sentences:
            yield "sentence", s
        for t in self.tokens:
            yield "token", t
            for w in t.words:
                yield "word", w
        for e in self.entities:
            for m in e.mentions:
                yield f"entity {e.id} mention", m
        for m in self.spans["mentions"]:
            yield "mention", m
        for q in self.spans["quotes"]:
            yield "quote cue", q.cue
            yield "quote content", q.content
        for t in self.spans["timexes"]:
            yield "timex", t
        for ev in self.spans["events"]:
            yield "event trigger", ev.trigger
            for a in ev.arguments:
                yield f"event {a.role}", a
            for m in ev.mentions:
                yield "event mention", m

    def validate(self) -> None:
        """Check the offset invariant on every span and that entity ids resolve.

        Raises:
            AlignmentError: a span is out of range or its text differs from the slice.
        """
        n = len(self._text)
        for where, span in self.iter_spans():
            if not 0 <= span.start <= span.end <= n:
                raise AlignmentError(
                    f"{where}: " + Errors.E300.format(start=span.start, end=span.end, length=n)
                )
            actual = self._text[span.start : span.end]
            if actual != span.text:
                raise AlignmentError(
                    f"{where}: "
                    + Errors.E302.format(
                        text=span.text, start=span.start, end=span.end, actual=actual
                    )
                )
        ids = {e.id for e in self.entities}
        for q in self.spans["quotes"]:
            _check_ids([q.speaker], ids, "quote speaker")
        for ev in self.spans["events"]:
            _check_ids([*ev.actors, *ev.recipients, ev.location], ids, "event")
            _check_ids([a.entity for a in ev.arguments], ids, "event argument")
            if ev.confidence is not None and not 0.0 <= ev.confidence <= 1.0:
                raise ValueError(f"event confidence {ev.confidence} is outside [0, 1]")

    # -- the output contract -----------------------------------------------------------
    def to_dict(self, *, tokens: bool = False, raw_text: bool = False) -> dict[str, Any]:
        """Return the output-contract JSON object (shared/spec/output-format.md).

        Args:
            tokens: also emit ``tokens`` with their words (large; off by default).
            raw_text: also emit the text before cleaning.
        """
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "published_source": self.published_source,
            "published_evidence": self.published_evidence,
            "url": self.url,
            "outlet": self.outlet,
            "text": self._text,
            "entities": [e.to_dict() for e in self.entities],
            "quotes": [q.to_dict() for q in self.spans["quotes"]],
            "timexes": [t.to_dict() for t in self.spans["timexes"]],
            "events": [ev.to_dict() for ev in self.spans["events"]],
            "blocks": [
                {"start": b.start, "end": b.end, "zone": b.zone, "reason": b.reason}
                for b in self.blocks
            ],
            "sentences": [
                {"start": s.start, "end": s.end, "block": s.block, "zone": s.zone}
                for s in self.sentences
            ],
            "cleaning": [c.to_dict() for c in self.cleaning],
        }
        if tokens:
            out["tokens"] = [
                {
                    "start": t.start,
                    "end": t.end,
                    "text": t.text,
                    "kind": t.kind,
                    "words": [
                        {
                            "start": w.start,
                            "end": w.end,
                            "text": w.text,
                            "form": w.form,
                            "kind": w.kind,
                        }
                        for w in t.words
                    ],
                }
                for t in self.tokens
            ]
        if raw_text:
            out["raw_text"] = self.raw_text
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Build a document from its contract JSON; every span is checked against the text.

        Raises:
            AlignmentError: a span's text differs from the slice it points at.
            ValueError: a required contract field is missing.
        """
        for key in ("text", "entities", "quotes", "timexes", "events"):
            if key not in data:
                raise ValueError(Errors.E303.format(field=key))
        text = data["text"]
        doc = cls(
            text,
            id=data.get("id"),
            title=data.get("title"),
            published=data.get("published"),
            published_source=data.get("published_source"),
            url=data.get("url"),
            outlet=data.get("outlet"),
            raw_text=data.get("raw_text"),
            cleaning=[CleanStep(c["step"], c["changes"]) for c in data.get("cleaning", [])],
        )

        def span(d: dict[str, Any]) -> Span:
            s = Span(d["start"], d["end"], d["text"])
            if text[s.start : s.end] != s.text or not 0 <= s.start <= s.end <= len(text):
                raise AlignmentError(
                    Errors.E302.format(
                        text=s.text, start=s.start, end=s.end, actual=text[s.start : s.end]
                    )
                )
            return s

        for i, b in enumerate(data.get("blocks", [])):
            doc.blocks.append(
                Block(
                    b["start"],
                    b["end"],
                    text[b["start"] : b["end"]],
                    i=i,
                    zone=b["zone"],
                    reason=b.get("reason"),
                )
            )
        for i, s in enumerate(data.get("sentences", [])):
            doc.sentences.append(
                Sentence(
                    s["start"],
                    s["end"],
                    text[s["start"] : s["end"]],
                    i=i,
                    block=s.get("block", -1),
                    zone=s.get("zone", "body"),
                )
            )
        for e in data["entities"]:
            ent = Entity(
                id=e["id"],
                type=e["type"],
                name=e["name"],
                name_en=e.get("name_en"),
                kb_id=e.get("kb_id"),
                wikidata=e.get("wikidata"),
                country=e.get("country"),
                sector=e.get("sector"),
                roles=[
                    Role(r["title"], r.get("country"), r.get("start"), r.get("end"))
                    for r in e.get("roles", [])
                ],
            )
            for m in e.get("mentions", []):
                s = span(m)
                mention = Mention(
                    s.start, s.end, s.text, entity=ent.id, label=ent.type, kb_id=ent.kb_id
                )
                ent.mentions.append(mention)
                doc.spans["mentions"].append(mention)
            doc.entities.append(ent)
        doc.spans["mentions"].sort(key=lambda m: (m.start, m.end))
        for q in data["quotes"]:
            doc.spans["quotes"].append(
                Quote(
                    kind=q["kind"],
                    cue=span(q["cue"]),
                    content=span(q["content"]),
                    speaker=q.get("speaker"),
                    speaker_text=q.get("speaker_text"),
                )
            )
        for t in data["timexes"]:
            s = span(t)
            doc.spans["timexes"].append(
                Timex(s.start, s.end, s.text, type=t.get("type", "DATE"), value=t.get("value"))
            )
        for ev in data["events"]:
            doc.spans["events"].append(
                Event(
                    type=ev["type"],
                    trigger=span(ev["trigger"]),
                    sentence=ev.get("sentence", -1),
                    mode=ev.get("mode"),
                    modality=list(ev.get("modality", [])),
                    actors=list(ev.get("actors", [])),
                    recipients=list(ev.get("recipients", [])),
                    location=ev.get("location"),
                    date=ev.get("date"),
                    date_source=ev.get("date_source", "none"),
                    cameo=ev.get("cameo"),
                    quad=ev.get("quad"),
                    trigger_id=ev.get("trigger_id"),
                    arguments=[
                        Argument(
                            **span(a).to_dict(),
                            role=a.get("role", "actor"),
                            entity=a.get("entity"),
                            sector=a.get("sector"),
                            rule=a.get("rule", ""),
                        )
                        for a in ev.get("arguments", [])
                    ],
                    mentions=[span(m) for m in ev.get("mentions", [])],
                    rules=list(ev.get("rules", [])),
                    confidence=ev.get("confidence"),
                )
            )
        return doc

    def entity(self, eid: str | None) -> Entity | None:
        """Return the entity with document-local id ``eid`` (``E1``), or None."""
        if eid is None:
            return None
        for e in self.entities:
            if e.id == eid:
                return e
        return None


def _contains(sorted_list: list[int], value: int) -> bool:
    i = bisect_left(sorted_list, value)
    return i < len(sorted_list) and sorted_list[i] == value


def _check_ids(values: Iterable[str | None], ids: set[str], where: str) -> None:
    for v in values:
        if v is not None and v not in ids:
            raise AlignmentError(Errors.E304.format(eid=v, where=where))
