"""The Python side of ``marsad kb``: statistics, look-up, user files, Wikidata import."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..text.normalize import norm
from .gazetteer import Gazetteer, load_gazetteer
from .model import Actor, Country
from .user import user_files


def loaded(user_paths: tuple[str, ...] = ()) -> Gazetteer:
    """The compiled KB with the registered user files and ``user_paths``."""
    return load_gazetteer(tuple(user_files()) + tuple(user_paths))


@dataclass
class KBStats:
    """What the knowledge base holds."""

    by_type: dict[str, int]
    countries: int
    roles: int
    offices: int
    office_holders: int
    phrases: int
    user_files: tuple[str, ...]
    load_seconds: float

    def lines(self) -> list[str]:
        """Human-readable lines."""
        out = [f"actors: {sum(self.by_type.values())}"]
        out += [f"  {t}: {n}" for t, n in sorted(self.by_type.items())]
        out += [
            f"countries: {self.countries}",
            f"roles: {self.roles}",
            f"offices: {self.offices} held by {self.office_holders} people",
            f"phrases (names, aliases, titles, demonym forms): {self.phrases}",
            f"user files: {len(self.user_files)}",
            f"load time: {self.load_seconds:.3f} s",
        ]
        return out


def kb_stats() -> KBStats:
    """Load the KB (timed) and count what it holds."""
    t0 = time.perf_counter()
    g = loaded()
    seconds = time.perf_counter() - t0
    kb = g.kb
    return KBStats(
        by_type=dict(Counter(a.type for a in kb.actors.values())),
        countries=len(kb.countries),
        roles=len(kb.roles),
        offices=sum(len(a.offices) for a in kb.actors.values()),
        office_holders=sum(1 for a in kb.actors.values() if a.offices),
        phrases=len(g.phrases),
        user_files=user_files(),
        load_seconds=seconds,
    )


def kb_show(name: str) -> list[Actor | Country]:
    """Actors and countries whose id, name, alias, surname or acronym equals ``name``
    (after the matching normalisation), or contains it when nothing equals it."""
    g = loaded()
    key = norm(name.strip()).lower()

    def names(x: Actor | Country) -> list[str]:
        if isinstance(x, Country):
            return [x.iso3, x.name, x.name_en, *x.aliases, *(x.metonyms)]
        return [x.id, x.name, x.name_en or "", *x.aliases, *x.surnames, *x.acronyms]

    pool: list[Actor | Country] = [*g.kb.actors.values(), *g.kb.countries.values()]
    exact = [x for x in pool if key in (norm(n).lower() for n in names(x))]
    if exact:
        return exact
    return [x for x in pool if any(key in norm(n).lower() for n in names(x))][:50]


def describe(x: Actor | Country) -> dict[str, Any]:
    """A record as a plain dict for printing."""
    if isinstance(x, Country):
        return {
            "iso3": x.iso3, "name": x.name, "name_en": x.name_en, "wikidata": x.wikidata,
            "aliases": list(x.aliases), "nisba": x.nisba, "capital": x.capital,
            "metonyms": list(x.metonyms),
        }  # fmt: skip
    return {
        "id": x.id, "type": x.type, "name": x.name, "name_en": x.name_en, "wikidata": x.wikidata,
        "country": x.country, "sector": x.sector, "aliases": list(x.aliases),
        "surnames": list(x.surnames), "acronyms": list(x.acronyms),
        "offices": [
            {"role": o.role, "of": o.of, "start": o.start.isoformat(),
             "end": o.end.isoformat() if o.end else None, "acting": o.acting, "source": o.source}
            for o in x.offices
        ],
        "file": x.source_file,
    }  # fmt: skip
