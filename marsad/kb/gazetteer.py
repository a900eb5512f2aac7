"""The compiled knowledge base: a phrase table over normalised tokens.

Every name, alias, surname, country name, demonym form, metonym, role title, rank and
counterpart word of the knowledge base becomes a key: the tuple of its normalised
tokens. Matching walks the document's tokens once, extending a candidate while the
growing tuple is a known prefix, so its cost depends on the text, not on the size of
the knowledge base (a hash lookup per step, like a trie).

The first token of a candidate is also tried without its proclitics (و ف + ب ل ك, and
«لل» read as ل + ال), so «لإردوغان», «وبحث» and «للكيان» find their names.

The compiled table is cached on disk (``~/.cache/marsad``, or ``$MARSAD_CACHE``), keyed by
the checksum of the data files, so a process loads it in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..resources import load_json, manifest_digest
from ..text.normalize import norm
from ..text.segment import tokenize
from .load import load_kb, read_user_file
from .model import Country, KnowledgeBase

log = logging.getLogger(__name__)

FORMAT_VERSION = 12  # bump when the compiled layout changes

# demonym forms generated from the masculine singular nisba (إيراني)
NISBA_SUFFIXES = {
    "ms": "",
    "fs": "ة",
    "mp": "ون",
    "mpo": "ين",
    "fp": "ات",
    "md": "ان",
    "fd": "تان",
    "fdo": "تين",
}


class Entry(NamedTuple):
    """What a phrase means: ``kind`` (name, surname, country, nisba, metonym, capital,
    title, title_f, construct, rank, counterpart) and its ``target`` (actor id, ISO3,
    role key or word); ``form`` is the demonym form (ms, fs, mp, ...) for nisba entries."""

    kind: str
    target: str
    form: str = ""


@dataclass
class Gazetteer:
    """The phrase table with its prefix set, and the knowledge base it was built from."""

    kb: KnowledgeBase
    phrases: dict[tuple[str, ...], list[Entry]] = field(default_factory=dict)
    prefixes: set[tuple[str, ...]] = field(default_factory=set)
    max_len: int = 1
    lexicon: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, text: str, entry: Entry) -> None:
        """Add one phrase."""
        key = phrase_key(text)
        if not key:
            return
        entries = self.phrases.setdefault(key, [])
        if entry not in entries:
            entries.append(entry)
        for i in range(1, len(key) + 1):
            self.prefixes.add(key[:i])
        self.max_len = max(self.max_len, len(key))


def phrase_key(text: str) -> tuple[str, ...]:
    """The normalised token tuple of a phrase.

    >>> phrase_key("حسين أمير عبد اللهيان")
    ('حسين', 'امير', 'عبد', 'اللهيان')
    """
    return tuple(norm(t.text) for t in tokenize(text))


def nisba_forms(nisba: str) -> dict[str, str]:
    """All demonym forms of a masculine singular nisba, with and without the article.

    When every word of a compound nisba is an adjective (كوري جنوبي) each word agrees
    (الكورية الجنوبية); otherwise only the last word inflects (الجنوب أفريقية).

    >>> f = nisba_forms("إيراني")
    >>> f["الإيرانية"], f["إيرانيين"], f["الإيرانيتين"]
    ('fs', 'mpo', 'fdo')
    >>> nisba_forms("كوري جنوبي")["الكورية الجنوبية"]
    'fs'
    """
    words = nisba.split()
    every = len(words) > 1 and all(w.endswith("ي") for w in words)
    out: dict[str, str] = {}
    for form, suffix in NISBA_SUFFIXES.items():
        if every:
            bare = " ".join(w + suffix for w in words)
            definite = " ".join("ال" + w + suffix for w in words)
        else:
            bare = nisba + suffix
            definite = "ال" + bare
        out.setdefault(bare, form)
        out.setdefault(definite, form)
    return out


def build(kb: KnowledgeBase) -> Gazetteer:
    """Compile a knowledge base into a gazetteer."""
    g = Gazetteer(kb)
    lex = load_json("lexicons/data/entities.json")
    common = {phrase_key(w) for w in lex["common_words"]["words"]}

    def add_name(text: str, entry: Entry) -> None:
        if phrase_key(text) not in common:  # «إلا», «صور», «مشهد» alone are words
            g.add(text, entry)

    for actor in kb.actors.values():
        for text in (actor.name, *actor.aliases, *actor.acronyms):
            add_name(text, Entry("name", actor.id))
        if actor.name_en and actor.type != "PERSON":
            add_name(actor.name_en, Entry("name", actor.id))
        for text in actor.surnames:
            add_name(text, Entry("surname", actor.id))
    for c in kb.countries.values():
        _add_country(g, c)
    for role in kb.roles.values():
        for text in role.titles:
            g.add(text, Entry("title", role.role))
        for text in role.fem:
            g.add(text, Entry("title_f", role.role))
        for text in role.construct:
            g.add(text, Entry("construct", role.role))
    for word in lex["ranks"]["words"]:
        g.add(word, Entry("rank", word))
    for word in lex["counterparts"]["words"]:
        g.add(word, Entry("counterpart", word))
    for phrase in lex["blockers"]["words"]:
        g.add(phrase, Entry("block", phrase))
    g.lexicon = {
        name: frozenset(" ".join(phrase_key(w)) for w in lex[name]["words"])
        for name in (
            "former",
            "locative",
            "common_given_names",
            "ambiguous_surnames",
            "name_stops",
            "ambiguous_demonyms",
            "adjective_heads",
            "title_words",
            "common_words",
            "geo_heads",
        )
    }
    names = load_json("lexicons/data/names.json")
    g.lexicon["given_names"] = frozenset(
        norm(w) for key in ("arabic_male", "arabic_female", "foreign") for w in names[key]
    )
    g.lexicon["nil_person_ok"] = frozenset(
        " ".join(phrase_key(w)) for w in lex["ranks"]["nil_person_ok"]
    )
    return g


def _add_country(g: Gazetteer, c: Country) -> None:
    for text in (c.name, *c.aliases):
        g.add(text, Entry("country", c.iso3))
    for nisba in filter(None, (c.nisba, *c.nisba_variants)):
        for word, form in nisba_forms(nisba).items():
            g.add(word, Entry("nisba", c.iso3, form))
    for word in c.nisba_plurals:
        g.add(word, Entry("nisba", c.iso3, "mp"))
        g.add("ال" + word, Entry("nisba", c.iso3, "mp"))
    for text in c.metonyms:
        g.add(text, Entry("metonym", c.iso3))


def _cache_dir() -> Path:
    base = os.environ.get("MARSAD_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "marsad"
    )
    return Path(base)


def _user_digest(user_paths: Iterable[str]) -> str:
    h = hashlib.sha256()
    for p in user_paths:
        h.update(p.encode())
        try:
            h.update(Path(p).read_bytes())
        except OSError:
            h.update(b"missing")
    return h.hexdigest()


@lru_cache(maxsize=4)
def load_gazetteer(user_paths: tuple[str, ...] = ()) -> Gazetteer:
    """Load the compiled gazetteer from the disk cache, compiling it when stale.

    Args:
        user_paths: user YAML/CSV files of actors added to the packaged knowledge base.
    """
    key = hashlib.sha256(
        f"{FORMAT_VERSION}:{manifest_digest()}:{_user_digest(user_paths)}".encode()
    ).hexdigest()[:24]
    path = _cache_dir() / f"kb-{key}.pickle"
    try:
        with path.open("rb") as f:
            g: Gazetteer = pickle.load(f)
        return g
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    for p in user_paths:
        read_user_file(p)  # fail early with a clear message
    g = build(load_kb(tuple(user_paths)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as f:
            pickle.dump(g, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as e:  # a read-only home is fine: compile in memory each time
        log.info("cannot cache the compiled knowledge base in %s: %s", path.parent, e)
    return g
