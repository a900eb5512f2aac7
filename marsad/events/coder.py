"""Read the events of a document: triggers, arguments, modality, dates, one event per
happening.

The reading goes sentence by sentence (see ``docs/architecture.md``, *Events*):

1. **Triggers** (:meth:`_Coder.triggers`): every token not inside an entity's name is
   looked up in the trigger dictionary with its clitics stripped; a light-verb entry
   fires only when one of its ``with`` words follows («فرضت واشنطن عقوبات»). A
   trigger right after a frame word («على هامش قمة») is the setting of another event
   and is not coded.
2. **Clauses**: an event's arguments are looked for in its clause, which ends at a
   comma before a new coordinated clause («، وأسرت»), a complementiser (reported
   content is a clause of its own), a relative pronoun or a quotation mark. A
   sentence-initial و / ف / كما / ثم never hides the predicate: a trigger is a
   trigger wherever it stands.
3. **Arguments**: a verb's subject after it (VSO), before it (SVO, headlines, after
   «أنّ»), or dropped (the subject the sentence or the text is about); a noun's
   genitive (doer or target, per entry), demonym adjective («الغارات الإسرائيلية»)
   or possessive pronoun (its antecedent); recipients as direct objects or after the
   entry's prepositions (مع، على، ضد، بحق …); generic agents («مسلحون», «الجيش
   الإسرائيلي») keep their PLOVER sector and, with a demonym, their country.
   An unknown perpetrator stays unknown.
4. **Place and date**: a place after «في» (or a head noun: «في مدينة …») in the clause,
   never one after a topic noun («بحث الأوضاع في غزة»); a date from a time expression
   in the clause or opening the sentence, else the document date
   (``date_source: published``).
5. **Modality**: negated, future, hypothetical, historical (dated more than
   ``historical_days`` before the document) and reported (inside a quote).
6. **Demands and governed actions**: «دعا إلى وقف إطلاق النار», «هدد بقصف», «يتعين على
   X قطع …» (inside a quote: a REQUEST by the speaker): the action demanded, threatened,
   refused or agreed is the content of that event, not an event of its own.
7. **One event per happening**: mentions of the same event in a document (same type,
   compatible participants, place and date) become one event with several
   ``mentions``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from ..doc import Argument, Document, Entity, Event, Mention, Quote, Sentence, Span, Timex
from ..kb.gazetteer import Gazetteer, load_gazetteer
from ..text.normalize import norm
from .lexicon import Hit, Lexicon, Trigger, bare, lexicon

ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE"})
PLACE_TYPES = frozenset({"GPE", "LOC"})
_COMMAS = frozenset({"،", ",", "؛", ";"})
_MARKS = frozenset("«»“”„‹›\"'")
_SHORT_WORDS = frozenset({"في", "لا", "لم", "لن", "ما", "من", "عن", "ان", "قد", "لو", "ثم", "مع"})
_LOCATIVE = frozenset({"في", "خلال", "عند", "امام", "بعد", "قبل", "اثناء"})
_PRONOUN_COMPLEMENTISERS = frozenset(
    {"انه", "انها", "انهم", "انهما", "بانه", "بانها", "بانهم", "لانه", "لانها"}
)
_NOT_NEGATION = frozenset(
    {
        ("لا", "بد"),
        ("لا", "سيما"),
        ("لا", "يزال"),
        ("لا", "تزال"),
        ("لا", "يزالون"),
        ("لا", "زال"),
        ("لا", "زالت"),
        ("ما", "زال"),
        ("ما", "زالت"),
        ("ما", "يزال"),
        ("ما", "تزال"),
        ("ما", "زالوا"),
    }
)


@dataclass
class _Arg:
    role: str
    start: int  # char offsets
    end: int
    entity: str | None
    sector: str | None
    rule: str
    last: int  # token index of the last token


@dataclass
class _Found:
    entry: Trigger
    k: int  # first token
    kend: int  # token after the trigger's own words
    start: int  # char span of the trigger
    end: int
    sentence: Sentence
    variant_conj: str
    future_marker: bool
    enclitic: str
    claim: int = -1  # token after the words it claims («شنت … غارات»: up to غارات)
    clause: tuple[int, int] = (0, 0)
    actors: list[_Arg] = field(default_factory=list)
    recipients: list[_Arg] = field(default_factory=list)
    location: _Arg | None = None
    date: str | None = None
    date_source: str = "none"
    date_arg: _Arg | None = None
    modality: list[str] = field(default_factory=list)
    mode: str | None = None
    rules: list[str] = field(default_factory=list)
    swallowed: bool = False
    type: str = ""
    cameo: str = ""
    quote: Quote | None = None
    anchor: int = -1  # a support verb carrying a noun trigger («عقدت … اجتماعاً»)


@dataclass(frozen=True)
class CoderOptions:
    """What the stage's config passes to the coder."""

    skip_zones: tuple[str, ...] = ("boilerplate", "caption")
    historical_days: int = 30
    merge: bool = True
    dropped_subjects: bool = True
    bare_nouns: bool = False
    scored_types: frozenset[str] = frozenset()  # bare nouns kept: the report model weighs them


class _Coder:
    def __init__(self, doc: Document, options: CoderOptions) -> None:
        self.doc = doc
        self.text = doc.text
        self.opt = options
        self.lex: Lexicon = lexicon()
        self.tokens = doc.tokens
        self.starts = [t.start for t in self.tokens]
        self.norms = [norm(t.text) for t in self.tokens]
        self.bares = [self._bare(n) for n in self.norms]
        self.kinds = [t.kind for t in self.tokens]
        self.entities = {e.id: e for e in doc.entities}
        mentions = sorted(doc.spans.get("mentions", []), key=lambda m: (m.start, -m.end))
        self.mentions: list[Mention] = [m for m in mentions if m.entity in self.entities]
        # token -> the longest mention starting at it (at its start, or after a proclitic)
        self.mention_at: dict[int, Mention] = {}
        self.mention_last: dict[int, int] = {}  # mention start offset -> its last token
        self.mention_ending: dict[int, Mention] = {}  # token -> a mention ending at it
        self.covered: set[int] = set()
        for m in self.mentions:
            a, b = self.token_at(m.start), self.token_at(m.end - 1)
            self.mention_at.setdefault(a, m)
            self.mention_ending.setdefault(b, m)
            self.mention_last[m.start] = b
            self.covered.update(range(a, b + 1))
        self.timexes: list[Timex] = [
            t for t in doc.spans.get("timexes", []) if t.type in ("DATE", "TIME")
        ]
        self.quotes: list[Quote] = list(doc.spans.get("quotes", []))
        # clauses start where a quote's content starts and right after it ends; the
        # marks around a name («بـ"إسرائيل"») start nothing
        self.quote_starts: set[int] = set()
        for q in self.quotes:
            self.quote_starts.add(self.token_at(q.content.start))
            if q.content.end < len(self.text):
                nxt = self.token_at(q.content.end)
                self.quote_starts.add(nxt if self.starts[nxt] >= q.content.end else nxt + 1)
        self.published = doc.published_day
        self.topic: list[_Arg] = []  # the subject the text is about (dropped subjects)
        self.last_meeting: list[_Arg] = []  # participants of the last CONSULT («الجانبان»)
        self.nisba_mentions: set[int] = set()  # starts of indefinite demonyms read here
        self.new_mentions: list[Mention] = []
        self._gaz: Gazetteer | None = None

    # -- token helpers ---------------------------------------------------------------
    @staticmethod
    def _bare(n: str) -> str:
        if len(n) > 2 and n[0] in "وف" and (len(n) > 3 or n[1:] in _SHORT_WORDS):
            n = n[1:]
        return bare(n)

    def token_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def b(self, k: int) -> str:
        return self.bares[k] if 0 <= k < len(self.bares) else ""

    def is_punct(self, k: int) -> bool:
        return not 0 <= k < len(self.tokens) or self.kinds[k] in ("punct", "symbol")

    def phrase_at(self, k: int, phrases: tuple[tuple[str, ...], ...], end: int) -> int:
        """Length in tokens of the longest phrase matching at token ``k`` (0: none)."""
        first = {self.b(k), bare(self.norms[k]) if 0 <= k < len(self.norms) else ""}
        for p in phrases:
            if k + len(p) > end or p[0] not in first:
                continue
            if all(self.b(k + i) == w for i, w in enumerate(p[1:], 1)):
                return len(p)
        return 0

    def agent_at(self, k: int, end: int) -> tuple[int, str] | None:
        """A generic agent phrase at token ``k``: (length, sector)."""
        first = {self.b(k), bare(self.norms[k]) if 0 <= k < len(self.norms) else ""}
        for p, sector in [a for w in first for a in self.lex.agents.get(w, ())]:
            if k + len(p) > end:
                continue
            if all(self.b(k + i) == w for i, w in enumerate(p[1:], 1)):
                return len(p), sector
        return None

    def entity_type(self, m: Mention) -> str:
        e = self.entities.get(m.entity or "")
        return e.type if e is not None else (m.label or "")

    def has_proclitic_prep(self, k: int) -> bool:
        """The token starts with ب ل ك before a mention inside it («بإسرائيل»)."""
        m = self.mention_at.get(k)
        return m is not None and m.start > self.starts[k]

    def is_demonym(self, m: Mention) -> bool:
        if m.start in self.nisba_mentions:
            return True
        n = norm(m.text)
        return (
            " " not in n
            and n.startswith("ال")
            and n.endswith(("ي", "يه", "يين", "يون", "يان", "يتين"))
            and self.entity_type(m) == "GPE"
        )

    def nisba(self, k: int, end: int) -> Mention | None:
        """An indefinite demonym adjective («غارة إسرائيلية», «قوات تركية») at token
        ``k`` read as a mention of its country (the entity stage links only the
        article forms); the country becomes an entity when the document has none."""
        if k >= end or k in self.covered or self.kinds[k] != "word":
            return None
        if self._gaz is None:
            self._gaz = load_gazetteer()
        gaz = self._gaz
        iso = next(
            (e.target for e in gaz.phrases.get((self.norms[k],), []) if e.kind == "nisba"), None
        )
        country = gaz.kb.countries.get(iso or "")
        if country is None or norm(country.nisba or "") in gaz.lexicon.get(
            "ambiguous_demonyms", ()
        ):
            return None
        kb_id = country.wikidata or f"iso:{country.iso3}"
        ent = next((e for e in self.doc.entities if e.kb_id == kb_id), None)
        if ent is None:
            n = 1 + max((int(e.id[1:]) for e in self.doc.entities if e.id[1:].isdigit()), default=0)
            ent = Entity(
                f"E{n}", "GPE", country.name, name_en=country.name_en, kb_id=kb_id,
                wikidata=country.wikidata, country=country.iso3,
            )  # fmt: skip
            self.doc.entities.append(ent)
            self.entities[ent.id] = ent
        t = self.tokens[k]
        m = Mention(t.start, t.end, t.text, entity=ent.id, label="GPE", kb_id=kb_id)
        ent.mentions.append(m)
        self.new_mentions.append(m)
        bisect.insort(self.mentions, m, key=lambda x: (x.start, -x.end))
        self.mention_at[k] = m
        self.mention_ending[k] = m
        self.mention_last[m.start] = k
        self.covered.add(k)
        self.nisba_mentions.add(m.start)
        return m

    # -- sentences and clauses -------------------------------------------------------
    def clause(self, k: int, s: Sentence) -> tuple[int, int]:
        first, last = s.first_token, s.last_token
        c0 = k
        while c0 > first and not self._boundary_before(c0):
            c0 -= 1
        c1 = k + 1
        while c1 < last and not self._boundary_before(c1):
            c1 += 1
        return c0, c1

    def _boundary_before(self, j: int) -> bool:
        """A clause starts at token ``j``."""
        if j in self.quote_starts:
            return True
        prev = self.tokens[j - 1].text
        if prev in _COMMAS:
            n = self.norms[j]
            if self.phrase_at(j, self.lex.after_comma, j + 3) or (
                len(n) > 3 and n[0] in "وف" and not self.mention_at.get(j)
            ):
                return True
        return self.norms[j - 1] in self.lex.complementisers or self.b(j - 1) in self.lex.relatives

    # -- triggers --------------------------------------------------------------------
    def triggers(self, s: Sentence) -> list[_Found]:
        found: list[_Found] = []
        k = s.first_token
        while k < s.last_token:
            f = None if k in self.covered or self.is_punct(k) else self._trigger_at(k, s)
            if f is None:
                k += 1
                continue
            found.append(f)
            k = max(f.claim, f.kend, k + 1)
        return found

    def _trigger_at(self, k: int, s: Sentence) -> _Found | None:
        if self.b(k - 1) in self.lex.frames:
            return None
        for hit in self.lex.match_token(self.norms[k], self.tokens[k].text):
            span = self._fits(hit, k, s.last_token)
            if span is None:
                continue
            kend, claim = span
            e = hit.entry
            return _Found(
                entry=e,
                k=k,
                kend=kend,
                claim=claim,
                start=self.tokens[k].start,
                end=self.tokens[kend - 1].end,
                sentence=s,
                variant_conj=hit.variant.conj,
                future_marker=hit.variant.future,
                enclitic=hit.variant.enclitic,
                type=e.type,
                cameo=e.cameo,
                mode=e.mode,
                rules=[f"trigger: {e.id} ({e.pos}, {e.type}{':' + e.mode if e.mode else ''})"],
            )
        return None

    def _fits(self, hit: Hit, k: int, end: int) -> tuple[int, int] | None:
        """(end of the trigger span, end of the claimed tokens), or None."""
        e = hit.entry
        form = self._form(hit, k, end)
        if form is None:
            return None
        after = k + form
        if e.unless and any(self.b(j) in e.unless for j in range(after, min(after + 2, end))):
            return None
        if not e.with_:
            return after, after
        budget = e.window
        for j in range(after, end):
            if self.is_punct(j) and self.tokens[j].text not in _MARKS:
                break
            if j not in self.covered and self._timex_covering(j) is None:
                budget -= 1
                if budget < 0:
                    break
            for w in e.with_:
                if j + len(w) <= end and all(self.b(j + i) == x for i, x in enumerate(w)):
                    claim = j + len(w)
                    return (claim if j == after else after), claim
        return None

    def _form(self, hit: Hit, k: int, end: int) -> int | None:
        """How many tokens the entry's form covers at ``k`` (multi-word forms)."""
        if hit.length == 1:
            return 1
        for form, entry in self.lex.forms_of(hit.variant.stem):
            if (
                entry is hit.entry
                and len(form) == hit.length
                and k + len(form) <= end
                and all(self.b(k + i) == w for i, w in enumerate(form[1:], 1))
            ):
                return len(form)
        return None

    # -- arguments -------------------------------------------------------------------
    def _arg_at(self, j: int, end: int, role: str, rule: str) -> _Arg | None:
        """An entity mention or a generic agent starting at token ``j``."""
        m = self.mention_at.get(j)
        if m is not None and m.start == self.starts[j]:
            etype = self.entity_type(m)
            if etype in ACTOR_TYPES or (role == "recipient" and etype in PLACE_TYPES):
                last = self._apposed(m, end)
                return _Arg(role, m.start, self.tokens[last].end, m.entity, None, rule, last)
            return None
        a = self.agent_at(j, end)
        if a is None:
            return None
        length, sector = a
        last = j + length - 1
        start = self.starts[j]
        if self.norms[j][:1] in "وف" and self.b(j) != bare(self.norms[j]):
            start += 1
        entity = None
        nxt = self.mention_at.get(last + 1) or self.nisba(last + 1, end)
        if nxt is not None and last + 1 < end and self.is_demonym(nxt):
            entity = nxt.entity
            last = self.mention_last[nxt.start]
        elif nxt is None and last + 2 < end:  # «الطيران الحربي الإسرائيلي»
            nxt2 = self.mention_at.get(last + 2)
            if nxt2 is not None and self.is_demonym(nxt2) and self.b(last + 1).endswith("ي"):
                entity = nxt2.entity
                last = self.mention_last[nxt2.start]
        return _Arg(role, start, self.tokens[last].end, entity, sector, rule, last)

    def mention_arg(self, m: Mention, role: str, rule: str) -> _Arg:
        """An argument that is exactly one entity mention."""
        return _Arg(role, m.start, m.end, m.entity, None, rule, self.mention_last[m.start])

    def _apposed(self, m: Mention, end: int) -> int:
        """The last token of a mention and of the mentions of the same entity in
        apposition right after it («وزير الخارجية التركي، هاكان فيدان»)."""
        last = self.mention_last[m.start]
        while True:
            j = last + 1
            if j < end and self.tokens[j].text in _COMMAS:
                j += 1
            nxt = self.mention_at.get(j)
            if j >= end or nxt is None or nxt.entity != m.entity or nxt.start != self.starts[j]:
                return last
            last = self.mention_last[nxt.start]
            if last >= end:
                return last

    def _coordinated(self, a: _Arg, end: int, role: str) -> list[_Arg]:
        """«رئيسي وإردوغان»: the argument and those joined to it by و."""
        out = [a]
        j = a.last + 1
        while j < end and self.norms[j][:1] == "و" and len(self.norms[j]) > 1:
            m = self.mention_at.get(j)
            if m is None or self.entity_type(m) not in ACTOR_TYPES:
                break
            out.append(self.mention_arg(m, role, "coordinated with و"))
            j = out[-1].last + 1
        return out

    def _skip(self, j: int, end: int) -> int:
        """Skip adverbs and time expressions between a verb and its subject."""
        while j < end:
            n = self.phrase_at(j, self.lex.subject_skip, end)
            if n:
                j += n
                continue
            if self.tokens[j].text in _MARKS:  # «قامت "إسرائيل" …»
                j += 1
                continue
            t = self._timex_covering(j)
            if t is not None:
                j = self.token_at(t.end - 1) + 1
                continue
            break
        return j

    def _timex_covering(self, j: int) -> Timex | None:
        start = self.starts[j]
        for t in self.timexes:
            if t.start <= start < t.end:
                return t
        return None

    def subject_after(self, f: _Found, c1: int) -> list[_Arg]:
        if f.kend > f.k + 1:  # a form that holds its subject: «قصفت الطائرات …»
            a = self._arg_at(f.k + 1, c1, "actor", "subject after the verb")
            if a is not None:
                return self._coordinated(a, c1, "actor")
        j = self._skip(f.kend, c1)
        if j >= c1 or self.b(j) in self.lex.prepositions:
            return []
        if self.b(j) in self.lex.pairs and self.last_meeting:
            rule = f"«{self.tokens[j].text}»: the parties of the last meeting"
            return [
                _Arg("actor", a.start, a.end, a.entity, a.sector, rule, a.last)
                for a in self.last_meeting
            ]
        a = self._arg_at(j, c1, "actor", "subject after the verb")
        return self._coordinated(a, c1, "actor") if a else []

    def _svo_opening(self, f: _Found, c0: int) -> list[_Arg]:
        """«أمير قطر … يلتقي الرئيس الإماراتي»: a present verb right after a subject
        that opens its clause."""
        n = self.norms[f.k]
        n = n[1:] if f.variant_conj else n
        if n[:1] not in ("ي", "ت") or f.future_marker:
            return []
        subj = self.subject_before(f, c0)
        if not subj:
            return []
        first = self.token_at(subj[0].start)
        opening = (
            first in (c0, c0 + 1)
            or any(  # «أمير قطر الشيخ تميم …»: a title first
                m.entity == subj[0].entity and self.token_at(m.start) in (c0, c0 + 1)
                for m in self.mentions[:50]
                if m.start < subj[0].start
            )
            or any(
                (m := self.mention_at.get(i)) is not None and m.entity == subj[0].entity
                for i in (c0, c0 + 1)
            )
        )
        return subj if opening else []

    def subject_before(self, f: _Found, c0: int) -> list[_Arg]:
        """SVO: a mention or agent ending right before the verb («إسرائيل تغتال …»,
        «أنّ قوات الأمن اعتقلت …»), not governed by a preposition."""
        j = f.k - 1
        while j >= c0 and self.b(j) in ("قد", "لم", "لن", "سوف", "لا", "كان", "كانت"):
            j -= 1
        if j < c0:
            j = f.k - 1
            while j >= 0 and self.b(j) in ("قد", "لم", "لن", "سوف", "لا"):
                j -= 1
            if j >= 0 and self.b(j) in _PRONOUN_COMPLEMENTISERS:
                # «أعلنت كتائب القسام أنها أطلقت …»: the pronoun is the speaker
                subj = self.subject_of_sentence(f.sentence, j)
                for a in subj:
                    a.rule = f"«{self.tokens[j].text}»: the subject of the verb before it"
                return subj
            return []
        m = self.mention_ending.get(j)
        if m is not None:
            a0 = self.token_at(m.start)
            if a0 < c0 or self.has_proclitic_prep(a0) or self.b(a0 - 1) in self.lex.prepositions:
                return []
            if self.entity_type(m) not in ACTOR_TYPES:
                return []
            arg = self.mention_arg(m, "actor", "subject before the verb")
            if a0 > c0 and self.norms[a0][:1] == "و":  # «رئيسي وإردوغان يبحثان»
                prev = self.mention_ending.get(a0 - 1)
                if (
                    prev is not None
                    and self.entity_type(prev) in ACTOR_TYPES
                    and self.token_at(prev.start) >= c0
                ):
                    first = _Arg(
                        "actor",
                        prev.start,
                        prev.end,
                        prev.entity,
                        None,
                        "subject before the verb",
                        a0 - 1,
                    )
                    arg.rule = "coordinated with و"
                    return [first, arg]
            return [arg]
        for i in range(max(c0, j - 3), j + 1):  # a generic agent ending at j
            agent = self._arg_at(i, j + 1, "actor", "subject before the verb")
            if agent is not None and agent.last == j and self.b(i - 1) not in self.lex.prepositions:
                return [agent]
        return []

    def subject_of_sentence(self, s: Sentence, before: int) -> list[_Arg]:
        """The nearest subject-like participant before token ``before`` in the sentence:
        a person, organisation, state or generic agent not governed by a preposition
        and not inside a quotation."""
        best: list[_Arg] = []
        j = s.first_token
        while j < before:
            if self.b(j - 1) in self.lex.prepositions or self.has_proclitic_prep(j):
                j += 1
                continue
            a = self._arg_at(j, before, "actor", "")
            if a is None:
                j += 1
                continue
            m = self.mention_at.get(j)
            demonym = m is not None and self.is_demonym(m)
            if (
                not demonym
                and not self._in_quote(a.start)
                and (m is None or self.entity_type(m) != "GPE" or a.sector is None)
            ):
                best = [a]
            j = a.last + 1
        return best

    def objects(self, f: _Found, start: int, c1: int) -> list[_Arg]:
        """A direct object (or a noun's genitive) from token ``start``: the first mention
        or agent not governed by a preposition; numbers and one head noun may come
        first («اغتال … خمسة فلسطينيين», «اقتحمت المستوطنات الإسرائيلية»)."""
        j = self._skip(start, c1)
        heads = 0
        while j < c1 and heads <= 2:
            j = self._skip(j, c1)
            if j >= c1:
                return []
            pp = self.mention_at.get(j + 1)
            if (
                self.b(j) in ("في", "الى")
                and pp is not None
                and self.entity_type(pp) in PLACE_TYPES
            ):
                j = self.mention_last[pp.start] + 1  # «استقبل … في دمشق الثلاثاء وزير …»
                continue
            if self.b(j) in self.lex.prepositions or self.has_proclitic_prep(j):
                return []
            if self.is_punct(j):
                return []
            a = self._arg_at(j, c1, "recipient", "direct object")
            if a is not None:
                return self._coordinated(a, c1, "recipient")
            if j in self.covered:
                return []
            heads += 1
            j += 1
        return []

    def prep_recipients(self, f: _Found, start: int, c1: int) -> list[_Arg]:
        markers = f.entry.recipient - {"obj"}
        if not markers:
            return []
        for j in range(start, min(c1, start + 10)):
            n = self.b(j)
            if n in markers:
                for i in range(j + 1, min(c1, j + 3)):
                    if self.b(i) in self.lex.prepositions:
                        break
                    a = self._arg_at(i, c1, "recipient", f"after «{self.tokens[j].text}»")
                    if a is not None:
                        return self._coordinated(a, c1, "recipient")
            m = self.mention_at.get(j)
            if m is not None and m.start > self.starts[j]:  # «بإسرائيل», «لإردوغان»
                p = self.norms[j][: len(norm(self.text[self.starts[j] : m.start]))]
                if p[-1:] in markers and self.entity_type(m) in ACTOR_TYPES | PLACE_TYPES:
                    return [self.mention_arg(m, "recipient", f"after «{p[-1]}»")]
        return []

    def arguments(self, f: _Found) -> None:
        s = f.sentence
        c0, c1 = f.clause
        e = f.entry
        if e.pos == "verb":
            subj = self._svo_opening(f, c0)
            subj = subj or self.subject_after(f, c1)
            after_subj = subj[-1].last + 1 if subj and subj[-1].last > f.k else f.kend
            if not subj:
                subj = self.subject_before(f, c0)
            if not subj and self.opt.dropped_subjects and self._may_drop(f):
                subj = self.subject_of_sentence(s, f.k) or list(self.topic)
                for a in subj:
                    a.rule = "dropped subject: the subject of the text before it"
                q = self._in_quote(f.start)
                if q is not None and subj and not self._in_quote(subj[0].start):
                    speaker = self._speaker_arg(q)  # «أعلنت حماس …، ثم قصفت …»
                    subj = [speaker] if speaker is not None else []
                    for a in subj:
                        a.rule = "dropped subject inside a quote: its speaker"
            f.actors = list(subj)
            if "obj" in e.recipient:
                f.recipients = self.objects(f, after_subj, c1)
        else:
            gen = self._genitive(f, c1)
            if gen:
                role = e.genitive or "actor"
                for a in gen:
                    a.role = role
                    a.rule = "genitive after the noun" if "demonym" not in a.rule else a.rule
                (f.actors if role == "actor" else f.recipients).extend(gen)
            if not f.actors:
                carrier = self._support_verb(f)
                if carrier:
                    f.actors = carrier
            if f.enclitic:
                ante = self.subject_of_sentence(s, f.k) or list(self.topic)
                role = e.genitive or "actor"
                if ante and not (f.actors if role == "actor" else f.recipients):
                    for a in ante:
                        a.role = role
                        a.rule = "possessive pronoun: its antecedent"
                    (f.actors if role == "actor" else f.recipients).extend(ante)
                if "obj" in e.recipient and not gen and not f.recipients:
                    f.recipients = self.objects(f, f.kend, c1)
            if not f.actors and self.b(f.k) in self.lex.summits:
                org = self._org_before(f)
                if org is not None:
                    f.actors = [org]
        prep = self.prep_recipients(f, f.kend, c1)
        if prep and not (f.recipients and f.recipients[0].rule.startswith("after")):
            known = {a.entity for a in f.recipients if a.entity}
            f.recipients = [
                *f.recipients,
                *[a for a in prep if a.entity not in known or not a.entity],
            ]
        # a participant is never its own recipient
        actor_ids = {a.entity for a in f.actors if a.entity}
        f.recipients = [a for a in f.recipients if not a.entity or a.entity not in actor_ids]
        f.location = self.location(f)

    def _support_verb(self, f: _Found) -> list[_Arg]:
        """«قامت إسرائيل بحملة», «شنت الطائرات غارات», «تواصل المقاومة استهدافها»: the
        subject of a verb that carries the event noun is its actor."""
        c0, _c1 = f.clause
        for kv in range(f.k - 1, max(c0, f.k - 10) - 1, -1):
            n = self.norms[kv]
            if not (
                n in self.lex.support_verbs or (n[:1] in "وف" and n[1:] in self.lex.support_verbs)
            ):
                continue
            verb = _Found(
                entry=f.entry, k=kv, kend=kv + 1, start=self.starts[kv], end=self.tokens[kv].end,
                sentence=f.sentence,
                variant_conj=n[:1] if n[:1] in "وف" and n not in self.lex.support_verbs else "",
                future_marker=False, enclitic="", clause=f.clause,
            )  # fmt: skip
            subj = self.subject_after(verb, f.k) or self.subject_before(verb, c0)
            if not subj and self.opt.dropped_subjects and self._may_drop(verb):
                subj = self.subject_of_sentence(f.sentence, kv) or list(self.topic)
            rule = f"subject of «{self.tokens[kv].text}», which carries the noun"
            f.anchor = kv
            return [_Arg("actor", a.start, a.end, a.entity, a.sector, rule, a.last) for a in subj]
        return []

    def _may_drop(self, f: _Found) -> bool:
        """A verb whose subject may be dropped: it opens its clause (after و، ف، ثم …)."""
        if f.k + 1 < len(self.tokens) and self.kinds[f.k + 1] == "number":
            return False
        c0 = f.clause[0]
        connectors = all(self.phrase_at(j, self.lex.after_comma, f.k) for j in range(c0, f.k))
        return bool(f.variant_conj) or f.k == c0 or f.k == f.sentence.first_token or connectors

    def _genitive(self, f: _Found, c1: int) -> list[_Arg]:
        j = f.kend
        if j >= c1:
            return []
        m = self.mention_at.get(j) or self.nisba(j, c1)
        if m is not None and self.is_demonym(m):  # «الغارات الإسرائيلية», «غارة إسرائيلية»
            return [self.mention_arg(m, "actor", "demonym adjective")]
        if f.enclitic:
            return []
        if (
            m is not None
            and self.entity_type(m) in ACTOR_TYPES
            and (m.start == self.starts[j] or self.norms[j][:1] == "ل")  # «قمة … لمنظمة»
        ):
            return [self.mention_arg(m, "actor", "genitive")]
        a = self._arg_at(j, c1, "actor", "genitive")
        return [a] if a else []

    def _org_before(self, f: _Found) -> _Arg | None:
        for m in reversed(self.mentions):
            a0 = self.token_at(m.start)
            if a0 >= f.k:
                continue
            if a0 < f.sentence.first_token:
                break
            if self.entity_type(m) == "ORG":
                return self.mention_arg(m, "actor", "organisation named before the summit noun")
        return None

    def location(self, f: _Found) -> _Arg | None:
        c0, c1 = f.clause
        c1 = self._relative_end(f, c1)
        used = {a.entity for a in [*f.actors, *f.recipients]}
        after: _Arg | None = None
        for m in self.mentions:
            a0 = self.token_at(m.start)
            if a0 < c0:
                continue
            if a0 >= c1:
                break
            if self.entity_type(m) not in PLACE_TYPES or m.entity in used or self.is_demonym(m):
                continue
            intro = self._place_intro(a0, m, c0)
            if intro is None:
                continue
            arg = self.mention_arg(m, "location", f"place after «{intro}» in the clause")
            if a0 >= (f.anchor if f.anchor >= 0 else f.k):
                after = arg
                break
        return after or self._sentence_place(f)

    def _place_intro(self, a0: int, m: Mention, c0: int) -> str | None:
        """The word that makes the mention at ``a0`` a place of happening, or None:
        «في» (or another word of ``locations.before``) right before it or before a
        chain of head nouns and adjectives («في العاصمة الأوزبكية طشقند»)."""
        if m.start > self.starts[a0]:  # «ببغداد»
            p = self.norms[a0][: len(norm(self.text[self.starts[a0] : m.start]))]
            return self._topic_check(a0, "ب") if p.lstrip("وف").startswith("ب") else None
        chain = a0
        for _ in range(4):
            for size in (3, 2, 1):
                i = chain - size
                if i >= c0 and self.phrase_at(i, self.lex.loc_before, chain) == size:
                    return self._topic_check(i, self.tokens[i].text)
            j = chain - 1
            if j < c0:
                return None
            nj = self.norms[j]
            core = nj[1:] if nj[:1] in "وف" and len(nj) > 3 else nj
            if core.startswith("ب") and bare(core[1:]) in self.lex.loc_heads:  # «بمدينة»
                return self._topic_check(j, "ب")
            mm = self.mention_at.get(j)
            head = self.b(j) in self.lex.loc_heads
            adjective = (mm is not None and self.is_demonym(mm)) or (
                nj.startswith("ال") and self.b(j).endswith(("يه", "ي"))
            )
            if not (head or adjective):
                return None
            chain = j
        return None

    def _topic_check(self, j: int, intro: str) -> str | None:
        return None if self.b(j - 1) in self.lex.topic_nouns else intro

    def _sentence_place(self, f: _Found) -> _Arg | None:
        """«وفي تلعفر، …»: a place opening the sentence holds all its events."""
        s = f.sentence
        j = s.first_token
        if self.b(j) != "في":
            return None
        for i in range(j + 1, min(j + 4, s.last_token)):
            if self.tokens[i].text in _COMMAS:
                break
            m = self.mention_at.get(i)
            if m is not None and self.entity_type(m) in PLACE_TYPES and not self.is_demonym(m):
                return self.mention_arg(m, "location", "place opening the sentence")
        return None

    def _relative_end(self, f: _Found, c1: int) -> int:
        """A noun's clause runs on through a relative clause right after it
        («القمة …، التي ستعقد في السعودية الأحد المقبل»)."""
        if f.entry.pos != "noun":
            return c1
        j = c1
        if j < f.sentence.last_token and self.tokens[j].text in _COMMAS:
            j += 1
        if j < f.sentence.last_token and self.b(j) in self.lex.relatives:
            end = j + 1
            while end < f.sentence.last_token and not self._boundary_before(end):
                end += 1
            return end
        if self.b(c1 - 1) in self.lex.relatives and c1 < f.sentence.last_token:
            end = c1 + 1
            while end < f.sentence.last_token and not self._boundary_before(end):
                end += 1
            return end
        return c1

    # -- date and modality -----------------------------------------------------------
    def date(self, f: _Found) -> None:
        c0, c1 = f.clause
        c1 = self._relative_end(f, c1)
        lo, hi = self.starts[c0], self.tokens[c1 - 1].end
        best: Timex | None = None
        for t in self.timexes:
            near = best is None or abs(t.start - f.start) < abs(best.start - f.start)
            if t.start >= lo and t.end <= hi and _day(t.value) is not None and near:
                best = t
        rule = "time expression in the clause"
        if best is None:
            s = f.sentence
            opening = self.starts[min(s.first_token + 3, s.last_token - 1)]
            for t in self.timexes:
                if s.start <= t.start <= opening and t.start < f.start and _day(t.value):
                    best, rule = t, "time expression opening the sentence"
                    break
        if best is not None:
            f.date = _day(best.value)
            f.date_source = "timex"
            f.date_arg = _Arg("date", best.start, best.end, None, None, f"{rule}: {best.value}", 0)
        elif self.published is not None:
            f.date = self.published.isoformat()
            f.date_source = "published"
            f.rules.append("date: none in the clause, the document date")
        else:
            f.rules.append("date: none in the clause and no document date")

    def modality(self, f: _Found) -> None:
        c0, _ = f.clause
        lo = max(c0, f.k - self.lex.window)
        mods: list[str] = []
        for j in range(lo, f.k):
            if (self.b(j), self.b(j + 1)) in _NOT_NEGATION:
                continue
            n = self.phrase_at(j, self.lex.negation, f.k)
            if n and (self.b(j) != "ما" or j == f.k - 1):
                mods.append("negated")
                f.rules.append(f"negated: «{self.tokens[j].text}» before the trigger")
                if self.b(j) == "لن":
                    mods.append("future")
                break
        if "negated" not in mods and self._under_negation_verb(f):
            mods.append("negated")
        if f.future_marker and "future" not in mods:
            mods.append("future")
            f.rules.append("future: «س» on the verb")
        elif "future" not in mods:
            lo_f = c0 - 4 if c0 > 0 and self.norms[c0 - 1] in self.lex.complementisers else c0
            for j in range(max(lo_f, f.k - 8, 0), f.k):
                if self.phrase_at(j, self.lex.future, f.k) or self._sa_verb(j):
                    mods.append("future")
                    f.rules.append(f"future: «{self.tokens[j].text}» before the trigger")
                    break
        if "future" not in mods and f.entry.pos == "noun":
            c1 = f.clause[1]
            for j in range(c1, self._relative_end(f, c1)):
                if self._sa_verb(j):
                    mods.append("future")
                    f.rules.append(f"future: «{self.tokens[j].text}» in its relative clause")
                    break
        for j in range(max(c0, f.k - 8), f.k):
            if self.phrase_at(j, self.lex.hypothetical, f.k) and self.b(j) not in ("ان", "قد"):
                mods.append("hypothetical")
                f.rules.append(f"hypothetical: «{self.tokens[j].text}» opens its condition")
                break
        else:
            if (
                f.k > 0
                and self.b(f.k - 1) == "قد"
                and self.norms[f.k][:1] in "يت"
                and f.entry.pos == "verb"
            ):
                mods.append("hypothetical")
                f.rules.append("hypothetical: «قد» before a present verb")
        if self.published and f.date_source == "timex" and f.date:
            first, last = _bounds(f.date)
            if first is not None and last is not None:
                if first > self.published and "future" not in mods:
                    mods.append("future")
                    f.rules.append(f"future: dated {f.date}, after the document date")
                elif (self.published - last).days > self.opt.historical_days:
                    mods.append("historical")
                    f.rules.append(
                        f"historical: dated {f.date}, over {self.opt.historical_days} days"
                        " before the document"
                    )
        q = self._in_quote(f.start)
        if q is not None:
            f.quote = q
            mods.append("reported")
            f.rules.append(
                f"reported: inside a quote of {q.speaker_text or q.speaker or 'an unnamed source'}"
            )
        f.modality = [
            m for m in ("negated", "future", "hypothetical", "historical", "reported") if m in mods
        ]

    def _sa_verb(self, j: int) -> bool:
        n = self.norms[j]
        n = n[1:] if n[:1] in "وف" and len(n) > 3 else n
        return (
            len(n) > 3
            and n[0] == "س"
            and n[1] in "يتن"
            and j not in self.covered
            and not n.endswith(("ه", "ات", "يين", "يون"))  # «سيارة», «ستة», «سياسيون»
            and not n.startswith(_SA_NOUNS)
        )

    def _under_negation_verb(self, f: _Found) -> bool:
        c0 = f.clause[0]
        if c0 == 0 or self.norms[c0 - 1] not in self.lex.complementisers:
            return False
        for j in range(max(f.sentence.first_token, c0 - 8), c0 - 1):
            if self.b(j) in self.lex.negation_verbs:
                f.rules.append(f"negated: inside the «أن» clause of «{self.tokens[j].text}»")
                return True
        return False

    def _in_quote(self, offset: int) -> Quote | None:
        for q in self.quotes:
            if q.content.start <= offset < q.content.end:
                return q
        return None

    # -- demands and governed actions --------------------------------------------------
    def govern(self, found: list[_Found]) -> list[_Found]:
        """Mark the actions governed by a demand, threat, refusal or agreement."""
        for i, f in enumerate(found):
            if f.swallowed or f.type not in self.lex.governing:
                continue
            self._swallow(f, found[i + 1 :], f.kend)
        return found

    def _swallow(self, f: _Found, rest: list[_Found], start: int) -> None:
        head: _Found | None = None
        for g in rest:
            if g.sentence is not f.sentence or g.clause[0] > f.clause[1]:
                break
            if head is None:
                if any(self.b(j) in _LOCATIVE for j in range(start, g.k)):
                    break  # «التوصل إلى حل في القمة»: the summit is where, not what
                gap = sum(
                    1
                    for j in range(start, g.k)
                    if j not in self.covered
                    and self.b(j) not in self.lex.prepositions
                    and self.norms[j] not in self.lex.complementisers
                    and self.b(j) not in ("ب", "ل", "الى")
                )
                if gap > self.lex.max_gap:
                    break
                head = g
            elif (
                not (self.norms[g.k][:1] == "و" or self.norms[g.k - 1][:1] == "و")
                or g.k - head.kend > 8
            ):
                break
            g.swallowed = True
            f.rules.append(f"content: {g.type} «{self.text[g.start : g.end]}»")
            if f.mode is None:
                modes = self.lex.threaten_modes if f.type == "THREATEN" else self.lex.request_modes
                if f.type in ("REQUEST", "REJECT", "THREATEN"):
                    f.mode = modes.get(g.type)
            if not f.recipients and g.actors and f.type in ("REQUEST", "THREATEN"):
                f.recipients = [
                    _Arg(
                        "recipient",
                        a.start,
                        a.end,
                        a.entity,
                        a.sector,
                        "the doer of the demanded action",
                        a.last,
                    )
                    for a in g.actors
                ]
            head = g

    def demands(self, s: Sentence, found: list[_Found]) -> list[_Found]:
        """Demand words inside a quote: a REQUEST by its speaker («يتعين على X …»)."""
        out: list[_Found] = []
        k = s.first_token
        while k < s.last_token:
            q = self._in_quote(self.starts[k])
            hit = None
            index = self.lex.demand_index
            first = {self.b(k), bare(self.norms[k])}
            for i in sorted(x for w in first for x in index.get(w, ())):
                words, addressee, initial = self.lex.demands[i]
                n = self.phrase_at(k, (words,), s.last_token)
                if not n:
                    continue
                if initial and (
                    q is None
                    or not (self.starts[k] <= q.content.start + 1 or self._boundary_before(k))
                ):
                    continue
                hit = (n, addressee, initial)
                break
            if hit is None:
                k += 1
                continue
            n, addressee, initial = hit
            recipients: list[_Arg] = []
            j = k + n
            if addressee:
                a = self._arg_at(j, s.last_token, "recipient", "addressee after «على»")
                if a is not None:
                    recipients = [a]
                    j = a.last + 1
            # «على البلدان الإسلامية قطع …» needs an action word soon after
            if initial and not any(j <= g.k <= j + 4 for g in found):
                k += n
                continue
            entry = _DEMAND
            if q is not None:
                speaker = self._speaker_arg(q)
                where = "inside a quote"
            else:  # «رئيسي يؤكد لإردوغان ضرورة قطع …»: the sentence's subject demands
                subj = self.subject_of_sentence(s, k)
                speaker = subj[0] if subj else None
                if speaker is not None:
                    speaker.rule = "the subject of the sentence"
                where = "after its speaker"
            f = _Found(
                entry=entry,
                k=k,
                kend=k + n,
                start=self.starts[k],
                end=self.tokens[k + n - 1].end,
                sentence=s,
                variant_conj="",
                future_marker=False,
                enclitic="",
                type="REQUEST",
                cameo=entry.cameo,
                rules=[
                    "trigger: demand "
                    f"«{self.text[self.starts[k] : self.tokens[k + n - 1].end]}» {where}"
                ],
            )
            f.clause = self.clause(k, s)
            f.actors = [speaker] if speaker else []
            f.recipients = recipients
            f.quote = q
            self._swallow(f, [g for g in found if g.k >= j], j)
            if speaker is not None:  # without a speaker the demanded action is still no event
                out.append(f)
            k += n
        return out

    def _speaker_arg(self, q: Quote) -> _Arg | None:
        if q.speaker is None:
            return None
        e = self.entities.get(q.speaker)
        if e is None:
            return None
        best: Mention | None = None
        for m in e.mentions:
            if m.start < q.content.start and (best is None or m.start > best.start):
                best = m
        if best is None:
            return _Arg("actor", q.cue.start, q.cue.end, q.speaker, None, "the quote's speaker", 0)
        return _Arg("actor", best.start, best.end, q.speaker, None, "the quote's speaker", 0)

    # -- the document ----------------------------------------------------------------
    def read(self) -> list[Event]:
        skip = set(self.opt.skip_zones)
        all_found: list[_Found] = []
        for s in self.doc.sentences:
            if s.zone in skip or s.last_token <= s.first_token:
                continue
            found = self.triggers(s)
            for f in found:
                f.clause = self.clause(f.k, s)
            for f in found:
                self.arguments(f)
            found.extend(self.demands(s, found))  # first: a demanded action governs nothing
            found = self.govern(found)
            found.sort(key=lambda f: f.start)
            kept = [f for f in found if not f.swallowed]
            for f in kept:
                if f.date is None and f.date_source == "none":
                    self.date(f)
            if not self.opt.bare_nouns:  # «الاعتداءات», «التفجير» alone: a mention, not a report
                kept = [
                    f for f in kept if f.type in self.opt.scored_types or not self._bare_noun(f)
                ]
            for f in kept:
                self.modality(f)
                if (
                    f.type == "REQUEST"
                    and f.quote is not None
                    and f.rules[0].startswith("trigger: demand")
                ):
                    f.modality = [m for m in f.modality if m != "reported"]
            all_found.extend(kept)
            self._update_topic(s, kept)
            for f in kept:
                if f.type == "CONSULT" and len({a.entity for a in [*f.actors, *f.recipients]}) >= 2:
                    self.last_meeting = [*f.actors, *f.recipients]
        events = [self._event(f) for f in all_found]
        return merge(events) if self.opt.merge else events

    def _bare_noun(self, f: _Found) -> bool:
        """A noun trigger with nothing of its own (no participant, no place, no date),
        or a present-tense verb outside a headline with nothing either («يقتلون»:
        what people do, not what happened)."""
        n = self.norms[f.k][1:] if f.variant_conj else self.norms[f.k]
        present = f.entry.pos == "verb" and n[:1] in ("ي", "ت", "ن") and not f.future_marker
        return (
            (f.entry.pos == "noun" or (present and f.sentence.zone != "headline"))
            and not f.actors
            and not f.recipients
            and f.location is None
            and f.date_source != "timex"
            and not f.rules[0].startswith("trigger: demand")
        )

    def _update_topic(self, s: Sentence, found: list[_Found]) -> None:
        for f in found:
            if f.actors and f.actors[0].rule.startswith("subject"):
                self.topic = [
                    _Arg("actor", a.start, a.end, a.entity, a.sector, "", a.last)
                    for a in f.actors
                    if a.entity
                ]
                return
        subj = self.subject_of_sentence(s, s.last_token)
        first = [
            m
            for m in self.mentions
            if s.start <= m.start < s.end and self.entity_type(m) == "PERSON"
        ]
        if first and subj:
            self.topic = subj

    def _event(self, f: _Found) -> Event:
        args: list[Argument] = []
        for a in [
            *f.actors,
            *f.recipients,
            *([f.location] if f.location else []),
            *([f.date_arg] if f.date_arg else []),
        ]:
            args.append(
                Argument(
                    a.start,
                    a.end,
                    self.text[a.start : a.end],
                    role=a.role,
                    entity=a.entity,
                    sector=a.sector,
                    rule=a.rule,
                )
            )
        info = self.lex.types.get(f.type, {})
        return Event(
            type=f.type,
            trigger=Span(f.start, f.end, self.text[f.start : f.end]),
            sentence=f.sentence.i,
            mode=f.mode,
            modality=list(f.modality),
            actors=_ids(f.actors),
            recipients=[i for i in _ids(f.recipients) if i not in _ids(f.actors)],
            location=f.location.entity if f.location else None,
            date=f.date,
            date_source=f.date_source,
            cameo=f.cameo or info.get("cameo"),
            quad=info.get("quad"),
            trigger_id=f.entry.id,
            arguments=args,
            rules=list(f.rules),
        )


# words that open with «سي»/«ست»/«سن» and are no future verb: nouns, and «سيطر»
_SA_NOUNS = ("سنوات", "سنويا", "سياس", "سيار", "سياح", "سياق", "سيطر", "ستار", "سنين")

_DEMAND = Trigger(
    id="request.demand",
    type="REQUEST",
    mode=None,
    cameo="100",
    pos="verb",
    with_=(),
    window=0,
    unless=frozenset(),
    recipient=frozenset({"على"}),
    genitive=None,
    reciprocal=False,
)


def _ids(args: list[_Arg]) -> list[str]:
    out: list[str] = []
    for a in args:
        if a.entity and a.entity not in out:
            out.append(a.entity)
    return out


def _day(value: str | None) -> str | None:
    """The calendar part of a TIMEX3 value usable as an event date («2023-11-09TEV» →
    «2023-11-09»; weeks, months and years stay as they are)."""
    if not value or not value[:4].isdigit():
        return None
    head = value.split("T")[0]
    return head or None


def _bounds(value: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a date value (a day, an ISO week, a month or a year)."""
    try:
        if len(value) == 10:
            d = dt.date.fromisoformat(value)
            return d, d
        if "-W" in value:
            year, week = value.split("-W")
            first = dt.date.fromisocalendar(int(year), int(week), 1)
            return first, first + dt.timedelta(days=6)
        if len(value) == 7 and value[4] == "-" and value[5:].isdigit():
            y, m = int(value[:4]), int(value[5:])
            first = dt.date(y, m, 1)
            nxt = dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        if len(value) == 4 and value.isdigit():
            return dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
    except ValueError:
        return None, None
    return None, None


def _compatible(a: list[str], b: list[str]) -> bool:
    sa, sb = set(a), set(b)
    return not sa or not sb or sa <= sb or sb <= sa


def _same(x: Event, e: Event, near: bool) -> bool:
    """May ``e`` be another mention of the happening ``x``? ``near``: ``x`` was
    mentioned at most ``_NEAR`` sentences before ``e``."""
    if x.type != e.type or _core(x.modality) != _core(e.modality):
        return False
    px, pe = {*x.actors, *x.recipients}, {*e.actors, *e.recipients}
    if x.type == "CONSULT":
        if not _compatible(list(px), list(pe)):
            return False
    elif not (_compatible(x.actors, e.actors) and _compatible(x.recipients, e.recipients)):
        return False
    if px and pe and not px & pe:
        return False
    if (not px or not pe) and not near:
        return False  # an event without participants joins a nearby one only
    if x.location and e.location and x.location != e.location:
        return False
    return x.date == e.date or "published" in (x.date_source, e.date_source)


_NEAR = 4


def merge(events: list[Event]) -> list[Event]:
    """Join the mentions of one happening: same type and modality, participants that
    agree (one side unknown, or one set inside the other) and share someone, the same
    place when both have one, and the same date unless one of them only has the
    document date. An event without participants joins the nearest such event
    mentioned at most four sentences before it. Repeated until nothing joins (a joined
    event may now match another)."""
    kept = list(events)
    seen: dict[int, list[int]] = {id(e): [e.sentence] for e in events}
    while True:
        out: list[Event] = []
        for e in kept:
            best: Event | None = None
            for x in out:
                last = (
                    max(i for i in seen[id(x)] if i <= max(seen[id(e)]))
                    if any(i <= max(seen[id(e)]) for i in seen[id(x)])
                    else -99
                )
                near = min(seen[id(e)]) - last <= _NEAR
                if _same(x, e, near):
                    if {*x.actors, *x.recipients} and {*e.actors, *e.recipients}:
                        best = x
                        break
                    if best is None or max(seen[id(x)]) > max(seen[id(best)]):
                        best = x
            if best is None:
                out.append(e)
            else:
                _absorb(best, e)
                seen[id(best)] = [*seen[id(best)], *seen[id(e)]]
        if len(out) == len(kept):
            return out
        kept = out


def _core(modality: list[str]) -> frozenset[str]:
    return frozenset(m for m in modality if m in ("negated", "future", "hypothetical"))


def _absorb(x: Event, e: Event) -> None:
    x.mentions.append(e.trigger)
    x.mentions.extend(e.mentions)
    roles = {a.role for a in x.arguments}
    if not x.actors and e.actors:
        x.actors = list(e.actors)
    if not x.recipients and e.recipients:
        x.recipients = [r for r in e.recipients if r not in x.actors]
    if x.type == "CONSULT":  # a meeting's participants: everyone named in its mentions
        for i in [*e.actors, *e.recipients]:
            if i not in x.actors and i not in x.recipients:
                x.recipients.append(i)
    if x.location is None and e.location is not None:
        x.location = e.location
    if x.mode is None and e.mode is not None:
        x.mode = e.mode
    if x.date_source != "timex" and e.date_source == "timex":
        x.date, x.date_source = e.date, e.date_source
        roles.discard("date")
    for a in e.arguments:
        if a.role not in roles or (
            a.role in ("actor", "recipient")
            and a.entity
            and a.entity not in [b.entity for b in x.arguments]
        ):
            x.arguments.append(a)


def code_events(doc: Document, options: CoderOptions | None = None) -> list[Event]:
    """The events of a document whose entities, quotes and time expressions are read.

    Indefinite demonyms read as participants («غارة إسرائيلية») are added to the
    document's mentions (and their country to its entities when it was not there)."""
    coder = _Coder(doc, options or CoderOptions())
    events = coder.read()
    if coder.new_mentions:
        doc.spans["mentions"] = sorted(
            [*doc.spans["mentions"], *coder.new_mentions], key=lambda m: (m.start, m.end)
        )
        for e in doc.entities:
            e.mentions.sort(key=lambda m: (m.start, m.end))
    return events
