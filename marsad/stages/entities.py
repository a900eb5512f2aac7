"""``marsad.entities.v1``: mentions of people, organisations and places, linked to the
knowledge base, with titles resolved to the office-holder on the article's date.

Steps, each a small function below:

1. **Match** (:func:`match_phrases`): leftmost-longest phrases of the gazetteer over the
   document's normalised tokens; a first token may shed its proclitics.
2. **Titles** (:func:`read_titles`): a role title with a demonym («الرئيس الإيراني»), a
   genitive with a country («وزير خارجية تركيا»), a title with ل + organisation
   («الأمين العام للأمم المتحدة») or a counterpart word («نظيره التركي»: the holder of
   the antecedent's role in that country). A name in apposition («…، إبراهيم رئيسي،»)
   joins the title's chain; without one, the office-holder on the document date is
   used. An unknown name in apposition, or after a rank («اللواء …»), becomes a NIL
   person carrying the role the text gives it.
3. **Names, places, surnames**: full names link directly; a capital is the city after a
   locative word («في طهران») and the state otherwise («أعلنت طهران»); a surname links
   when the full name is in the document, or (unless it is also a common word) when
   the person held an office on the document date.
4. **Tagger** (:meth:`_Reader.read_model`): the names the trained NER tagger finds in
   text no mention covers yet; a phrase the knowledge base has links to its actor, an
   unknown person, organisation or place becomes a NIL entity, one per normalised name,
   and a lone family name joins the one person it belongs to.
5. **Coreference**: a later lone part of a person's name («هاكان», «سلامي») joins the
   person when it is unique in the document and not a common given name.
6. **Entities**: mentions grouped by actor, in order of first mention, with the
   offices held on the document date as ``roles``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ..doc import Document, Entity, Mention, Role, Token
from ..kb.gazetteer import Entry, Gazetteer, load_gazetteer
from ..kb.model import Actor, Office
from ..kb.user import user_files
from ..ner.conll import spans_of
from ..ner.model import NerTagger, load_tagger
from ..registry import Stage, registry
from ..text.normalize import norm

_COMMAS = frozenset({"،", ",", "؛"})
_PROCLITIC_1 = frozenset("وف")
_PROCLITIC_2 = frozenset("بلك")
_PLURAL_FORMS = frozenset({"mp", "mpo", "fp"})
_KIN = frozenset({"بن", "ابن", "بنت", "ابو", "ام", "ال", "ولد"})  # «بن عبدالعزيز» is a father
_MODEL_TYPES = {"PERS": "PERSON", "ORG": "ORG", "LOC": "LOC"}  # MISC is not an entity type
_NOT_A_NAME = frozenset({"nisba", "title", "title_f", "construct", "rank", "counterpart", "block"})
_TYPE_GROUP = {"PERSON": ("PERSON",), "ORG": ("ORG",), "GPE": ("LOC",), "LOC": ("LOC",)}


@dataclass(frozen=True)
class EntitiesConfig:
    """Options of ``marsad.entities.v1``.

    Attributes:
        user_kb: YAML or CSV files of extra actors (``marsad kb add`` writes them too).
        demonyms: when a lone demonym («الأميركيين») is a mention of its country:
            ``"named"`` when the country is also named in the document or the demonym is
            a plural (people of the country), ``"always"``, or ``"never"``.
        nil_entities: make NIL persons from unknown names in title/rank patterns.
        ner: read the names the trained tagger (:mod:`marsad.ner`) finds: a name the
            knowledge base has becomes a mention of its actor, an unknown person,
            organisation or place a NIL entity (one per normalised name). The
            knowledge base wins where both speak.
        ner_model: the tagger's model folder (empty: the shipped model).
    """

    user_kb: tuple[str, ...] = ()
    demonyms: Literal["named", "always", "never"] = "named"
    nil_entities: bool = True
    ner: bool = True
    ner_model: str = ""


@dataclass
class Match:
    """A gazetteer phrase found at tokens ``[i, j)``, at characters ``[start, end)``."""

    i: int
    j: int
    start: int
    end: int
    entries: list[Entry]
    stripped: str = ""  # the proclitics shed by the first token («ل» in «لإردوغان»)
    idx: int = -1  # position in the document's list of matches

    def of_kind(self, *kinds: str) -> list[Entry]:
        """The entries of the given kinds."""
        return [e for e in self.entries if e.kind in kinds]


@dataclass
class _Chain:
    """Mentions of one actor (or one NIL person) collected while reading."""

    key: str
    actor: Actor | None = None
    iso3: str | None = None
    nil_name: str | None = None
    nil_type: str = "PERSON"
    nil_role: tuple[str, str | None] | None = None  # (role key, of)
    spans: list[tuple[int, int]] = field(default_factory=list)
    first: int = 10**9
    names: set[str] = field(default_factory=set)  # texts of name (not title) mentions


def _letter_offsets(text: str) -> list[int]:
    """Index in ``text`` of each character kept by the normalisation (marks dropped)."""
    return [k for k, ch in enumerate(text) if norm(ch)]


def _variants(token: Token, n: str) -> list[tuple[str, int, str]]:
    """The token's normalised form and its forms without proclitics.

    Returns ``(form, letters_skipped, proclitics)``; for «لل» read as ل + ال the span keeps
    the ل (the scorer and readers expect «للكيان» to name «الكيان»), so it skips 0.
    """
    out = [(n, 0, "")]
    if token.kind != "word" or len(n) < 3:
        return out
    rest, skipped = n, 0
    if rest[0] in _PROCLITIC_1 and len(rest) > 3:
        rest, skipped = rest[1:], 1
        out.append((rest, skipped, n[:skipped]))
    if rest[0] in _PROCLITIC_2 and len(rest) > 2:
        if rest.startswith("لل") and len(rest) > 3:
            out.append(("ال" + rest[2:], skipped, n[: skipped + 1]))
        out.append((rest[1:], skipped + 1, n[: skipped + 1]))
    return out


def match_phrases(doc: Document, gaz: Gazetteer) -> tuple[list[Match], list[str]]:
    """Leftmost-longest gazetteer matches over the document's tokens."""
    tokens = doc.tokens
    norms = [norm(t.text) for t in tokens]
    matches: list[Match] = []
    phrases, prefixes, max_len = gaz.phrases, gaz.prefixes, gaz.max_len
    i = 0
    n_tok = len(tokens)
    while i < n_tok:
        best: tuple[int, int, tuple[str, ...], int, str] | None = (
            None  # (len, -skip, key, skip, procl)
        )
        for form, skipped, procl in _variants(tokens[i], norms[i]):
            key: tuple[str, ...] = (form,)
            if key not in prefixes:
                continue
            found = key if key in phrases else None
            found_j = i + 1
            j = i + 1
            while j < n_tok and j - i < max_len:
                key = (*key, norms[j])
                if key not in prefixes:
                    break
                j += 1
                if key in phrases:
                    found, found_j = key, j
            if found is not None and _adjective_after_noun(found, norms, i, skipped, gaz):
                found = None
            if found is not None:
                cand = (found_j - i, -skipped, found, skipped, procl)
                if best is None or cand[:2] > best[:2]:
                    best = cand
        if best is None:
            i += 1
            continue
        length, _, key, skipped, procl = best
        first = tokens[i]
        start = first.start
        if skipped:
            start = first.start + _letter_offsets(first.text)[skipped]
        last = tokens[i + length - 1]
        matches.append(
            Match(i, i + length, start, last.end, list(phrases[key]), procl, len(matches))
        )
        i += length
    return matches, norms


def _adjective_after_noun(
    key: tuple[str, ...], norms: list[str], i: int, skipped: int, gaz: Gazetteer
) -> bool:
    """«السياسة الخارجية الأميركية»: a short ministry name read inside a noun phrase."""
    if len(key) < 2 or skipped or key[0] not in gaz.lexicon["adjective_heads"] or i == 0:
        return False
    return norms[i - 1].startswith("ال")


class _Reader:
    """Reads the matches of one document into chains of mentions."""

    def __init__(self, doc: Document, gaz: Gazetteer, config: EntitiesConfig) -> None:
        self.doc = doc
        self.gaz = gaz
        self.kb = gaz.kb
        self.config = config
        self.day = doc.published_day
        self.matches, self.norms = match_phrases(doc, gaz)
        self.by_start = {m.i: m for m in self.matches}
        self.tokens = doc.tokens
        self.chains: dict[str, _Chain] = {}
        self.used: set[int] = set()  # indices of matches already read
        self.covered: set[int] = set()  # token indices inside mentions
        self.sentence_of = _sentence_index(doc)

    # -- helpers -----------------------------------------------------------------------
    def chain(self, key: str) -> _Chain:
        return self.chains.setdefault(key, _Chain(key))

    def add(
        self, chain: _Chain, start: int, end: int, i: int, j: int, *, name: bool = True
    ) -> None:
        """Add a mention; ``name`` says it names the actor (a title does not)."""
        if (start, end) not in chain.spans:
            chain.spans.append((start, end))
            chain.first = min(chain.first, start)
        if name:
            chain.names.add(self.doc.text[start:end])
        self.covered.update(range(i, j))

    def actor_chain(self, actor: Actor) -> _Chain:
        c = self.chain(actor.id)
        c.actor = actor
        return c

    def country_chain(self, iso3: str) -> _Chain:
        c = self.chain("iso:" + iso3)
        c.iso3 = iso3
        return c

    def next_match(self, j: int) -> Match | None:
        return self.by_start.get(j)

    def tok(self, k: int) -> str:
        return self.tokens[k].text if 0 <= k < len(self.tokens) else ""

    def norm_at(self, k: int) -> str:
        return self.norms[k] if 0 <= k < len(self.norms) else ""

    def person_entries(self, m: Match, *, surnames: bool = True) -> list[Actor]:
        kinds = ("name", "surname") if surnames else ("name",)
        return [
            a
            for e in m.of_kind(*kinds)
            if (a := self.kb.actors.get(e.target)) is not None and a.type == "PERSON"
        ]

    # -- titles ------------------------------------------------------------------------
    def read_titles(self) -> None:
        for idx, m in enumerate(self.matches):
            if idx in self.used:
                continue
            titles = m.of_kind("title", "title_f", "construct", "counterpart")
            if titles:
                self._title(idx, m, titles)
            elif m.of_kind("rank"):
                self._rank(idx, m)

    def _title(self, idx: int, m: Match, titles: list[Entry]) -> None:
        nxt = self.next_match(m.j)
        of: str | None = None
        end, end_tok = m.end, m.j
        counterpart = any(e.kind == "counterpart" for e in titles)
        construct = [e for e in titles if e.kind == "construct"]
        if nxt is not None and nxt.of_kind("nisba") and not construct:
            of = nxt.of_kind("nisba")[0].target
            end, end_tok = nxt.end, nxt.j
            self.used.add(nxt.idx)
        elif nxt is not None and construct and nxt.of_kind("country", "metonym"):
            of = nxt.of_kind("country", "metonym")[0].target
            end, end_tok = nxt.end, nxt.j
            self.used.add(nxt.idx)
        elif nxt is not None and nxt.stripped.endswith("ل") and not counterpart:
            orgs = [e for e in nxt.of_kind("name") if self._is_org(e.target)]
            if orgs:
                of = orgs[0].target
                end, end_tok = nxt.end, nxt.j
        person = self._apposition(end_tok)
        if of is None and not counterpart and person is None:
            return  # a bare «الرئيس»: too vague to resolve
        former = self.norm_at(end_tok) in self.gaz.lexicon["former"]
        role = self._role(titles, counterpart, m.i)
        if person is None and not former and role is not None and of is not None:
            person = self._holder(role, of)
        self.used.add(idx)
        if person is not None:
            if of is not None or counterpart:  # a bare «الرئيس» before a name is no mention
                self.add(self.actor_chain(person), m.start, end, m.i, end_tok, name=False)
            return
        if self.config.nil_entities and role is not None and not former:
            self._nil_apposition(end_tok, (role, of))

    def _role(self, titles: list[Entry], counterpart: bool, at: int) -> str | None:
        if not counterpart:
            return titles[0].target
        antecedent = self._antecedent(at)
        if antecedent is None:
            return None
        offices = antecedent.offices_on(self.day)
        return offices[0].role if offices else None

    def _antecedent(self, at: int) -> Actor | None:
        """The nearest person before token ``at`` (this sentence, then the two before)."""
        sent = self.sentence_of[at] if at < len(self.sentence_of) else 0
        start_char = self.tokens[at].start
        best: tuple[int, Actor] | None = None
        for chain in self.chains.values():
            if chain.actor is None or chain.actor.type != "PERSON":
                continue
            for s, _ in chain.spans:
                if s < start_char and (best is None or s > best[0]):
                    best = (s, chain.actor)
        if best is None:
            return None
        sent_of_best = self.doc.sentence_at(best[0])
        if sent_of_best is not None and sent - sent_of_best.i > 2:
            return None
        return best[1]

    def _holder(self, role: str, of: str) -> Actor | None:
        if self.day is None:
            # no date: only a person named in the document who held the office at some
            # time («… رجب طيب إردوغان … الرئيس التركي»)
            named = [
                c.actor
                for c in self.chains.values()
                if c.actor is not None
                and any(o.role == role and o.of == of for o in c.actor.offices)
            ]
            return named[0] if len(named) == 1 else None
        holders = self.kb.holders(role, of, self.day)
        firm = [(a, o) for a, o in holders if not o.acting] or holders
        if not firm:
            return None
        # Terms known only to the month overlap their successor's first weeks: the
        # holder who took office last is the one in office.
        firm.sort(key=lambda ao: ao[1].start, reverse=True)
        if len(firm) > 1 and firm[0][1].start == firm[1][1].start and firm[0][0] != firm[1][0]:
            return None  # two holders from the same day (rival governments): ambiguous
        return firm[0][0]

    def _apposition(self, k: int) -> Actor | None:
        """A known person named right after token ``k`` («…، إبراهيم رئيسي،» or «… رجب …»)."""
        j = k + 1 if self.tok(k) in _COMMAS else k
        m = self.next_match(j)
        if m is None:
            return None
        people = self.person_entries(m)
        if not people:
            return None
        self.used.add(m.idx)
        actor = self._pick(people)
        self.add(self.actor_chain(actor), m.start, m.end, m.i, m.j)
        return actor

    def _nil_apposition(self, k: int, role: tuple[str, str | None]) -> None:
        """«وزير الخارجية الإثيوبي، فلان الفلاني،»: an unknown name between commas."""
        if self.tok(k) not in _COMMAS:
            return
        j = k + 1
        end = j
        stops = self.gaz.lexicon["name_stops"]
        while end < len(self.tokens) and end - j < 5 and self.tokens[end].kind == "word":
            if end in self.by_start or self.norm_at(end) in stops:
                return  # a known phrase or a function word: not a plain name
            end += 1
        if not 2 <= end - j <= 4 or (end < len(self.tokens) and self.tok(end) not in _COMMAS):
            return
        self._nil_person(j, end, role)

    def _rank(self, idx: int, m: Match) -> None:
        nxt = self.next_match(m.j)
        self.used.add(idx)
        if nxt is not None and self.person_entries(nxt):
            self.used.add(nxt.idx)
            actor = self._pick(self.person_entries(nxt))
            self.add(self.actor_chain(actor), nxt.start, nxt.end, nxt.i, nxt.j)
            return
        rank = " ".join(e.target for e in m.of_kind("rank"))
        if not self.config.nil_entities or norm(rank) not in self.gaz.lexicon["nil_person_ok"]:
            return
        j = m.j
        end = j
        if self.norm_at(j).startswith("ال"):
            return  # «الفريق الأول» (the first team): a name does not start so
        end = self._name_end(j)
        if end - j >= 2:
            self._nil_person(j, end, None)

    def _name_end(self, j: int) -> int:
        """Where an unknown personal name starting at token ``j`` ends: a given name and a
        family name («سعيد سرحان»), with any chain of «بن X» / «آل X» between them and
        a family name with the article at the end («خالد بن محمد بن ناصر اليوسف»)."""
        stops = self.gaz.lexicon["name_stops"]

        def ok(k: int) -> bool:
            return (
                k < len(self.tokens)
                and self.tokens[k].kind == "word"
                and k not in self.by_start
                and len(self.norm_at(k)) >= 2
                and self.norm_at(k) not in stops
            )

        def unit(k: int) -> int:  # «عبد الله», «أبو بكر» are one name
            return k + 2 if self.norm_at(k) in ("عبد", "ابو") and ok(k + 1) else k + 1

        if not ok(j):
            return j
        end = unit(j)
        first = end
        while ok(end) and self.norm_at(end) in _KIN and ok(end + 1) and end - j < 7:
            end = unit(end + 1)  # «بن محمد», «آل الشيخ»
        if ok(end) and (end == first or self.norm_at(end).startswith("ال")):
            end = unit(end)  # the family name
        return end

    def _nil_person(self, i: int, j: int, role: tuple[str, str | None] | None) -> None:
        """Make a NIL person of tokens ``[i, j)`` when they read as a personal name:
        no title word, no common word, no conjunction-led or accusative word («وعضواً»)."""
        for k in range(i, j):
            w = self.norm_at(k)
            surface = self.tok(k)
            if (
                w in self.gaz.lexicon["title_words"]
                or w in self.gaz.lexicon["common_words"]
                or w in self.gaz.lexicon["name_stops"]
                or surface.endswith(("ًا", "اً", "ً"))
                or (k > i and w.startswith("و") and len(w) > 4)
            ):
                return
        start, end = self.tokens[i].start, self.tokens[j - 1].end
        name = self.doc.text[start:end]
        chain = self.chain("nil:" + " ".join(self.norms[i:j]))
        chain.nil_name = name
        chain.nil_role = chain.nil_role or role
        self.add(chain, start, end, i, j)

    def _is_org(self, target: str) -> bool:
        a = self.kb.actors.get(target)
        return a is not None and a.type == "ORG"

    def _pick(self, actors: list[Actor]) -> Actor:
        """Choose among actors sharing a name: one in office on the date, else the first."""
        if len(actors) > 1 and self.day is not None:
            in_office = [a for a in actors if a.offices_on(self.day)]
            if in_office:
                return in_office[0]
        return actors[0]

    # -- people, names, places -----------------------------------------------------------
    def read_people(self) -> None:
        """Full names of people first, then surnames (which need the full names)."""
        for m in self.matches:
            people = self.person_entries(m, surnames=False)
            if people and m.idx not in self.used:
                self.used.add(m.idx)
                actor = self._pick(people)
                self.add(self.actor_chain(actor), m.start, m.end, m.i, m.j)
        for m in self.matches:
            if m.idx not in self.used and m.of_kind("surname") and not m.of_kind("name"):
                self._surname(m)

    def read_names(self) -> None:
        """Organisations, places, countries, metonyms and demonyms."""
        for m in self.matches:
            if m.idx in self.used:
                continue
            names = [e for e in m.of_kind("name") if e.target in self.kb.actors]
            countries = m.of_kind("country")
            metonyms = m.of_kind("metonym")
            if metonyms and not self._locative(m):
                self.add(self.country_chain(metonyms[0].target), m.start, m.end, m.i, m.j)
            elif names:
                actor = self._pick_place_or_actor([self.kb.actors[e.target] for e in names])
                if actor.id.startswith("gn:") and not self._locative(m):
                    continue  # an uncurated GeoNames city: only «في X», «مدينة X»
                self.add(self.actor_chain(actor), m.start, m.end, m.i, m.j)
            elif countries:
                self.add(self.country_chain(countries[0].target), m.start, m.end, m.i, m.j)
            elif metonyms:  # a capital after a locative word, with no place record
                self.add(self.country_chain(metonyms[0].target), m.start, m.end, m.i, m.j)
        for m in self.matches:
            if m.idx not in self.used and m.of_kind("nisba") and not self._covered(m):
                self._demonym(m)

    def _covered(self, m: Match) -> bool:
        return any(k in self.covered for k in range(m.i, m.j))

    def _locative(self, m: Match) -> bool:
        prev = self.norm_at(m.i - 1)
        return prev in self.gaz.lexicon["locative"] or m.stripped.endswith(("ب", "ل"))

    def _pick_place_or_actor(self, actors: list[Actor]) -> Actor:
        if len(actors) > 1 and all(a.type in ("GPE", "LOC") for a in actors):
            return max(actors, key=lambda a: a.population or 0)
        return self._pick(actors)

    def _surname(self, m: Match) -> None:
        """A surname links to a person named in full in the document or, unless it is
        also a common word, to the one person with that surname in office on the date."""
        people = self.person_entries(m)
        candidates = [a for a in people if a.id in self.chains]
        surname = norm(self.doc.text[m.start : m.end])
        if (
            not candidates
            and self.day
            and surname not in self.gaz.lexicon["ambiguous_surnames"]
            and self.norm_at(m.i - 1) not in self.gaz.lexicon["common_given_names"]
        ):  # «جيمي كارتر» is another Carter than the Secretary of Defense in office
            candidates = [a for a in people if a.offices_on(self.day)]
        if len(candidates) == 1:
            self.used.add(m.idx)
            self.add(self.actor_chain(candidates[0]), m.start, m.end, m.i, m.j)

    def _demonym(self, m: Match) -> None:
        """A lone demonym: a mention of its country when the article form is used
        («الأميركيين», «الموقف السعودي» — not «وفد تركي») and the word is not also a
        common word or name; by default only when the country is named or the form is
        a plural (its people)."""
        mode = self.config.demonyms
        entry = m.of_kind("nisba")[0]
        surface = norm(self.doc.text[m.start : m.end])
        country = self.kb.countries.get(entry.target)
        if mode == "never" or not surface.startswith("ال") or country is None:
            return
        base = norm(country.nisba or "")
        if base in self.gaz.lexicon["ambiguous_demonyms"]:
            return
        named = ("iso:" + entry.target) in self.chains
        if mode == "always" or named or entry.form in _PLURAL_FORMS:
            self.add(self.country_chain(entry.target), m.start, m.end, m.i, m.j)

    # -- the trained tagger ---------------------------------------------------------------
    def read_model(self, tagger: NerTagger) -> None:
        """Fuse the tagger's names: linked when the knowledge base knows the phrase,
        NIL entities otherwise; spans touching a mention already read are left out."""
        sents = self.doc.sentences
        tags = tagger.tag_sentences(
            [[t.text for t in self.tokens[s.first_token : s.last_token]] for s in sents],
            window=len(sents),
        )
        spans = [
            (s.first_token + a, s.first_token + b, typ)
            for s, tg in zip(sents, tags, strict=True)
            for a, b, typ in spans_of(tg)
            if typ in _MODEL_TYPES
        ]
        # longer names first, so that a lone «العتيبي» finds «خالد العتيبي»
        for i, j, typ in sorted(spans, key=lambda x: (x[0] - x[1], x[0])):
            while i < j and self.tokens[i].kind != "word":
                i += 1
            while j > i and self.tokens[j - 1].kind != "word":
                j -= 1
            if i >= j:
                continue
            if not any(k in self.covered for k in range(i, j)):
                self._model_span(i, j, typ)
                continue
            # «رئيس بلدية الرمادي عيسى الساير» read as one place: the words after the
            # known place start with a given name, so they are a person
            k = max(k for k in range(i, j) if k in self.covered) + 1
            if j - k >= 2 and self.norm_at(k) in self.gaz.lexicon["given_names"]:
                self._model_span(k, j, "PERS")

    def _model_span(self, i: int, j: int, typ: str) -> None:
        form, skipped = self._strip_for_name(i)
        key = (form, *self.norms[i + 1 : j])
        tok = self.tokens[i]
        start = tok.start + (_letter_offsets(tok.text)[skipped] if skipped else 0)
        end = self.tokens[j - 1].end
        entries = self.gaz.phrases.get(key, [])
        countries = [e for e in entries if e.kind in ("country", "metonym")]
        if countries and typ == "LOC":
            self.add(self.country_chain(countries[0].target), start, end, i, j)
            return
        if any(e.kind in _NOT_A_NAME for e in entries):
            return  # a demonym, title or rank the knowledge base chose not to read
        actors = [
            a
            for e in entries
            if e.kind in ("name", "surname") and (a := self.kb.actors.get(e.target)) is not None
            and _MODEL_TYPES[typ] in _TYPE_GROUP[a.type]
        ]  # fmt: skip
        if actors:
            self.add(self.actor_chain(self._pick(actors)), start, end, i, j)
            return
        lex = self.gaz.lexicon
        if typ != "PERS" and j - i >= 2 and key[-1] in lex["given_names"]:
            # «جبهة الخلاص أحمد …»: a given name starts the next name, never ends this one
            j, key = j - 1, key[:-1]
            end = self.tokens[j - 1].end
        if all(w in _KIN or w in lex["geo_heads"] for w in key):
            return  # «ريف», «نهر» alone: the head of a name, not a name
        if any(w in lex["title_words"] for w in key):
            return  # «وزير» inside a tagged span: a title, not a name
        if j - i == 1 and typ == "PERS":
            owner = self._part_owner(form)
            if owner is not None:
                self.add(owner, start, end, i, j)
                return
            if form in lex["given_names"]:
                return  # a lone «أحمد» names no one in particular
        chain = self.chain("nil:" + " ".join(key))
        if chain.nil_name is None:
            chain.nil_name = self.doc.text[start:end]
            chain.nil_type = self._nil_type(typ, key)
        self.add(chain, start, end, i, j)

    def _strip_for_name(self, i: int) -> tuple[str, int]:
        """The first word of a tagged name without its proclitics when they are
        proclitics: the rest is a given name, starts with the article or is written
        alone elsewhere in the document («لأينشتاين» after «أينشتاين»)."""
        variants = _variants(self.tokens[i], self.norms[i])
        if len(variants) == 1 or variants[0][0] in self.gaz.lexicon["given_names"]:
            return variants[0][0], 0
        for form, skipped, _ in variants[1:]:
            if (
                form in self.gaz.lexicon["given_names"]
                or form.startswith("ال")
                or form in self._doc_words
            ):
                return form, skipped
        return variants[0][0], 0

    @cached_property
    def _doc_words(self) -> frozenset[str]:
        return frozenset(self.norms)

    def _part_owner(self, form: str) -> _Chain | None:
        """The one person chain whose name (of two words or more) ends with ``form``."""
        owners = [
            c
            for c in self.chains.values()
            if (c.actor is None and c.iso3 is None and c.nil_type == "PERSON")
            or (c.actor is not None and c.actor.type == "PERSON")
        ]
        found = [c for c in owners if any(_family_name(norm(n)) == form for n in c.names)]
        return found[0] if len(found) == 1 else None

    def _nil_type(self, typ: str, key: tuple[str, ...]) -> str:
        if typ == "LOC":
            return "LOC" if key[0] in self.gaz.lexicon["geo_heads"] else "GPE"
        return _MODEL_TYPES[typ]

    # -- coreference -------------------------------------------------------------------
    def read_partial_names(self) -> None:
        """Link lone parts of a person's name used later in the document («هاكان»)."""
        parts: dict[str, set[str]] = {}
        for chain in self.chains.values():
            if chain.iso3 is not None or (chain.actor is not None and chain.actor.type != "PERSON"):
                continue
            for name in chain.names:
                for part in self._name_parts(norm(name).split(), nil=chain.actor is None):
                    parts.setdefault(part, set()).add(chain.key)
        unique = {p: next(iter(keys)) for p, keys in parts.items() if len(keys) == 1}
        for k, tok in enumerate(self.tokens):
            if k in self.covered or tok.kind != "word" or self.norm_at(k + 1) in _KIN:
                continue
            if self.norm_at(k - 1) in _KIN:
                continue
            for form, skipped, _ in _variants(tok, self.norms[k]):
                key = unique.get(form)
                if key is None:
                    continue
                start = tok.start + (_letter_offsets(tok.text)[skipped] if skipped else 0)
                self.add(self.chains[key], start, tok.end, k, k + 1)
                break

    def _name_parts(self, words: list[str], *, nil: bool) -> list[str]:
        """The parts of a name that may stand alone later: the family name (the last
        word), and for a two-word name of a known person the given name too («هاكان»)."""
        if len(words) < 2:
            return []
        picks = [words[-1]]
        if len(words) == 2 and not nil:
            picks.append(words[0])
        return [p for p in picks if self._plain_name_word(p) or (nil and self._family_word(p))]

    def _family_word(self, w: str) -> bool:
        """A family name with the article («الساير») may stand alone for a NIL person
        when it is no listed word and names nothing in the knowledge base."""
        lex = self.gaz.lexicon
        return (
            w.startswith("ال")
            and len(w) >= 5
            and (w,) not in self.gaz.phrases
            and all(w not in lex[k] for k in ("name_stops", "common_words", "title_words"))
        )

    def _plain_name_word(self, w: str) -> bool:
        lex = self.gaz.lexicon
        return (
            len(w) >= 3
            and not w.startswith("ال")
            and w not in _KIN
            and all(w not in lex[k] for k in ("common_given_names", "name_stops", "common_words"))
            and w not in lex["title_words"]
        )

    # -- entities ----------------------------------------------------------------------
    def entities(self) -> tuple[list[Entity], list[Mention]]:
        out: list[Entity] = []
        mentions: list[Mention] = []
        chains = sorted((c for c in self.chains.values() if c.spans), key=lambda c: c.first)
        for n, chain in enumerate(chains, 1):
            ent = self._entity(f"E{n}", chain)
            for s, e in sorted(chain.spans):
                m = Mention(
                    s, e, self.doc.text[s:e], entity=ent.id, label=ent.type, kb_id=ent.kb_id
                )
                ent.mentions.append(m)
                mentions.append(m)
            out.append(ent)
        mentions.sort(key=lambda m: (m.start, m.end))
        return out, mentions

    def _entity(self, eid: str, chain: _Chain) -> Entity:
        if chain.actor is not None:
            a = chain.actor
            return Entity(
                eid, a.type, a.name, name_en=a.name_en, kb_id=a.id, wikidata=a.wikidata,
                country=a.country, sector=a.sector,
                roles=[self._role_out(o) for o in a.offices_on(self.day)] if self.day else [],
            )  # fmt: skip
        if chain.iso3 is not None:
            c = self.kb.countries[chain.iso3]
            return Entity(
                eid, "GPE", c.name, name_en=c.name_en, kb_id=c.wikidata or f"iso:{c.iso3}",
                wikidata=c.wikidata, country=c.iso3,
            )  # fmt: skip
        roles = []
        country = None
        if chain.nil_role is not None:
            role, of = chain.nil_role
            r = self.kb.roles.get(role)
            title = r.titles[0] if r and r.titles else role
            roles.append(Role(title, of))
            country = of if of in self.kb.countries else None
        return Entity(eid, chain.nil_type, chain.nil_name or "", country=country, roles=roles)

    def _role_out(self, o: Office) -> Role:
        r = self.kb.roles.get(o.role)
        title = r.titles[0] if r and r.titles else o.role
        return Role(title, o.of, o.start.isoformat(), o.end.isoformat() if o.end else None)


def _family_name(name: str) -> str:
    """The last word of a name of two words or more, or ""."""
    words = name.split()
    return words[-1] if len(words) >= 2 and words[-1] not in _KIN else ""


def _sentence_index(doc: Document) -> list[int]:
    out = [0] * doc.n_tokens
    for s in doc.sentences:
        for k in range(s.first_token, s.last_token):
            out[k] = s.i
    return out


def link_entities(
    doc: Document,
    gaz: Gazetteer,
    config: EntitiesConfig | None = None,
    *,
    tagger: NerTagger | None = None,
) -> Document:
    """Find and link the entities of a segmented document (see the module docstring).

    Args:
        doc: a segmented document.
        gaz: the compiled knowledge base.
        config: the stage's options.
        tagger: the trained NER tagger whose names are fused after the knowledge base's
            (none: the knowledge base alone).
    """
    reader = _Reader(doc, gaz, config or EntitiesConfig())
    # people first, so that «نظيره» finds its antecedent and surnames their full names
    reader.read_people()
    reader.read_titles()
    reader.read_names()
    if tagger is not None:
        reader.read_model(tagger)
    reader.read_partial_names()
    doc.entities, doc.spans["mentions"] = reader.entities()
    return doc


@registry.stage(
    "marsad.entities.v1",
    section="entities",
    config=EntitiesConfig,
    requires=["doc.tokens", "doc.sentences", "doc.published"],
    assigns=["doc.entities", "doc.spans['mentions']"],
)
class EntityLinker(Stage):
    """Link mentions of people, organisations and places to the knowledge base."""

    def __init__(self, config: EntitiesConfig) -> None:
        self.config = config
        self._gazetteer: Gazetteer | None = None
        self._tagger: NerTagger | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        """The compiled knowledge base, loaded on first use (from the disk cache)."""
        if self._gazetteer is None:  # once per stage, not once per document
            self._gazetteer = load_gazetteer(tuple(user_files()) + tuple(self.config.user_kb))
        return self._gazetteer

    def __getstate__(self) -> dict[str, object]:
        # ship only the config to workers; each loads the KB from its own cache
        return {"config": self.config, "_gazetteer": None, "_tagger": None}

    @property
    def tagger(self) -> NerTagger | None:
        """The trained NER tagger (None when ``ner`` is off), loaded on first use."""
        if not self.config.ner:
            return None
        if self._tagger is None:
            self._tagger = load_tagger(self.config.ner_model)
        return self._tagger

    def __call__(self, doc: Document) -> Document:
        return link_entities(doc, self.gazetteer, self.config, tagger=self.tagger)
