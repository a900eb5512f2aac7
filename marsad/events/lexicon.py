"""The event coder's dictionaries, loaded once and indexed for lookup.

``lexicons/data/event_triggers.json`` holds the triggers (verbs in their conjugations,
verbal nouns, light-verb constructions) with their PLOVER type and mode, CAMEO code
and how their recipient is introduced; ``lexicons/data/events.json`` the rest: demand
words, modality cues, generic agents, clause ends, location words.

Lookup is on normalised text (:func:`marsad.text.normalize.norm`). A token is looked up
bare and after stripping clitics (:func:`variants`): و ف on any word, س on a present
verb, ب ل ك and the article on nouns, an enclitic pronoun on both.

>>> lex = lexicon()
>>> ("زياره", "ه") in [(v.stem, v.enclitic) for v in variants("وزيارته")]
True
>>> ("زار", "ه") in [(v.stem, v.enclitic) for v in variants("وزاره", ta_marbuta=True)]
False
>>> lex.match_token("وبحث")[0].entry.type
'CONSULT'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..resources import load_json
from ..text.normalize import norm

_ENCLITICS = ("هما", "كما", "هم", "هن", "ها", "كم", "نا", "ه")  # not ي: «عدواني» is an adjective
_PRESENT = frozenset("يتنا")


@dataclass(frozen=True)
class Trigger:
    """One dictionary entry of ``event_triggers.json``."""

    id: str
    type: str
    mode: str | None
    cameo: str
    pos: str  # verb | noun
    with_: tuple[tuple[str, ...], ...]
    window: int
    unless: frozenset[str]
    recipient: frozenset[str]
    genitive: str | None
    reciprocal: bool


@dataclass(frozen=True)
class Variant:
    """A reading of a token with its clitics stripped."""

    stem: str
    conj: str = ""  # و or ف
    future: bool = False  # س before a present verb
    prep: str = ""  # ب ل ك
    article: bool = False
    enclitic: str = ""

    @property
    def verb(self) -> bool:
        """Could be a verb: no preposition, no article."""
        return not self.prep and not self.article

    @property
    def noun(self) -> bool:
        """Could be a noun: no future marker."""
        return not self.future

    @property
    def strips(self) -> int:
        return bool(self.conj) + self.future + bool(self.prep) + self.article + bool(self.enclitic)


@dataclass(frozen=True)
class Hit:
    """A trigger read at a token: the entry, the form's length in tokens, the variant."""

    entry: Trigger
    length: int
    variant: Variant


def variants(n: str, ta_marbuta: bool = False) -> list[Variant]:
    """Readings of a normalised token, fewest clitics stripped first. ``ta_marbuta``:
    the written word ends in ة, so its final ه (after normalisation) is no pronoun
    («وزارة» is not و + زار + ه)."""
    out: list[Variant] = []
    conj_forms = [("", n)]
    if len(n) > 3 and n[0] in "وف":
        conj_forms.append((n[0], n[1:]))
    for conj, rest in conj_forms:
        for v in _prefixed(rest):
            out.append(Variant(v.stem, conj, v.future, v.prep, v.article))
    more = []
    for v in out:
        for enc in _ENCLITICS:
            if ta_marbuta and enc == "ه":
                continue
            if v.stem.endswith(enc) and len(v.stem) - len(enc) >= 3:
                stem = v.stem[: -len(enc)]
                more.append(Variant(stem, v.conj, v.future, v.prep, v.article, enc))
                if stem.endswith("ت"):  # ة before a suffix: زيارته -> زيارة
                    more.append(Variant(stem[:-1] + "ه", v.conj, v.future, v.prep, v.article, enc))
    return sorted([*out, *more], key=lambda v: v.strips)


def _prefixed(n: str) -> Iterator[Variant]:
    yield Variant(n)
    if len(n) > 3 and n[0] == "س" and n[1] in _PRESENT:
        yield Variant(n[1:], future=True)
    if n.startswith("لل") and len(n) > 4:
        yield Variant(n[2:], prep="ل", article=True)
    if len(n) > 3 and n[0] in "بلك":
        rest = n[1:]
        yield Variant(rest, prep=n[0])
        if rest.startswith("ال") and len(rest) > 4:
            yield Variant(rest[2:], prep=n[0], article=True)
    if n.startswith("ال") and len(n) > 4:
        yield Variant(n[2:], article=True)


def bare(n: str) -> str:
    """A normalised word without the article: the key words are compared on."""
    return n[2:] if n.startswith("ال") and len(n) > 4 else n


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(bare(w) for w in norm(text).split())


@dataclass
class Lexicon:
    """Both event data files, normalised and indexed."""

    triggers: dict[str, list[tuple[tuple[str, ...], Trigger]]]
    types: dict[str, dict[str, Any]]
    demands: list[tuple[tuple[str, ...], bool, bool]]
    governing: frozenset[str]
    request_modes: dict[str, str]
    threaten_modes: dict[str, str]
    max_gap: int
    window: int
    negation: tuple[tuple[str, ...], ...]
    negation_verbs: frozenset[str]
    future: tuple[tuple[str, ...], ...]
    future_words: frozenset[str]
    hypothetical: tuple[tuple[str, ...], ...]
    agents: dict[str, list[tuple[tuple[str, ...], str]]]  # first word -> longest first
    after_comma: tuple[tuple[str, ...], ...]
    complementisers: frozenset[str]
    relatives: frozenset[str]
    subject_skip: tuple[tuple[str, ...], ...]
    prepositions: frozenset[str]
    loc_before: tuple[tuple[str, ...], ...]
    loc_heads: frozenset[str]
    topic_nouns: frozenset[str]
    frames: frozenset[str]
    summits: frozenset[str]
    pairs: frozenset[str]
    support_verbs: frozenset[str]
    entries: dict[str, Trigger] = field(default_factory=dict)
    # first word → indexes into ``demands`` (only these can match at a token)
    demand_index: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[str, list[int]] = {}
        for i, (words, _, _) in enumerate(self.demands):
            index.setdefault(words[0], []).append(i)
        self.demand_index = {w: tuple(ix) for w, ix in index.items()}

    def match_token(self, n: str, written: str = "") -> list[Hit]:
        """The entries a normalised token can start, best reading first (``written``:
        the token as written, to tell ة from a pronoun ه)."""
        hits: list[Hit] = []
        for v in variants(
            n,
            written.rstrip("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640").endswith("ة"),
        ):
            for form, entry in self.triggers.get(v.stem, ()):
                if (entry.pos == "verb" and not v.verb) or (entry.pos == "noun" and not v.noun):
                    continue
                hits.append(Hit(entry, len(form), v))
        return hits

    def forms_of(self, stem: str) -> list[tuple[tuple[str, ...], Trigger]]:
        """Every (form, entry) whose form starts with ``stem``."""
        return self.triggers.get(stem, [])


def _phrases(values: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({_phrase(v) for v in values}, key=len, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The event dictionaries, loaded once (their checksums checked)."""
    d = load_json("lexicons/data/events.json")
    t = load_json("lexicons/data/event_triggers.json")
    index: dict[str, list[tuple[tuple[str, ...], Trigger]]] = {}
    entries: dict[str, Trigger] = {}
    for e in t["triggers"]:
        entry = Trigger(
            id=e["id"],
            type=e["type"],
            mode=e.get("mode"),
            cameo=e["cameo"],
            pos=e["pos"],
            with_=tuple(_phrase(w) for w in e.get("with", [])),
            window=int(e.get("window", 3)),
            unless=frozenset(bare(norm(w)) for w in e.get("unless", [])),
            recipient=frozenset(norm(r) for r in e.get("recipient", [])),
            genitive=e.get("genitive"),
            reciprocal=bool(e.get("reciprocal", False)),
        )
        entries[entry.id] = entry
        for f in e["forms"]:
            words = tuple(norm(f).split())
            if not words:
                continue
            key = bare(words[0]) if entry.pos == "noun" else words[0]
            form = (key, *(bare(w) for w in words[1:]))
            index.setdefault(key, []).append((form, entry))
    for lst in index.values():  # entries with a `with` list are tried first, longer forms first
        lst.sort(key=lambda fe: (not fe[1].with_, -len(fe[0])))
    gov = d["governing"]
    mod = d["modality"]
    agents = [
        (_phrase(w), sector)
        for sector, words in d["agents"].items()
        if sector != "comment"
        for w in words
    ]
    agents.sort(key=lambda a: len(a[0]), reverse=True)
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, sector in agents:
        by_first.setdefault(phrase[0], []).append((phrase, sector))
    return Lexicon(
        triggers=index,
        types={k: v for k, v in d["types"].items() if k != "comment"},
        demands=[
            (_phrase(p["words"]), bool(p["addressee"]), bool(p.get("clause_initial", False)))
            for p in d["demands"]["phrases"]
        ],
        governing=frozenset(gov["types"]),
        request_modes=dict(gov["request_modes"]),
        threaten_modes=dict(gov["threaten_modes"]),
        max_gap=int(gov["max_gap"]),
        window=int(mod["window"]),
        negation=_phrases(mod["negation"]),
        negation_verbs=frozenset(norm(w) for w in mod["negation_verbs"]),
        future=_phrases(mod["future"]),
        future_words=frozenset(norm(w) for w in mod["future_quantifiers"]),
        hypothetical=_phrases(mod["hypothetical"]),
        agents=by_first,
        after_comma=_phrases(d["clauses"]["after_comma"]),
        complementisers=frozenset(norm(w) for w in d["clauses"]["complementisers"]),
        relatives=frozenset(norm(w) for w in d["clauses"]["relatives"]),
        subject_skip=_phrases(d["subject"]["skip"]),
        prepositions=frozenset(norm(w) for w in d["subject"]["prepositions"]),
        loc_before=_phrases(d["locations"]["before"]),
        loc_heads=frozenset(bare(norm(w)) for w in d["locations"]["heads"]),
        topic_nouns=frozenset(bare(norm(w)) for w in d["locations"]["topic_nouns"]),
        frames=frozenset(bare(norm(w)) for w in d["frames"]["words"]),
        summits=frozenset(bare(norm(w)) for w in d["summit_nouns"]["words"]),
        pairs=frozenset(bare(norm(w)) for w in d["pairs"]["words"]),
        support_verbs=frozenset(norm(w) for w in d["support_verbs"]["words"]),
        entries=entries,
    )
