"""Knowledge-base records: actors, their offices, countries and role titles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ACTOR_TYPES = ("PERSON", "ORG", "GPE", "LOC")
SECTORS = (
    "GOV", "MIL", "REB", "OPP", "PTY", "IGO", "NGO", "MED", "BUS", "JUD", "LEG", "REL",
    "COP", "SPY", "CVL", "EDU", "HLH", "ELI", "LAB", "AGR", "REF", "SPT",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Office:
    """An office held from ``start`` to ``end`` (None: still held).

    ``of`` is the ISO3 code of a country or the id of an organisation.
    """

    role: str
    of: str
    start: dt.date
    end: dt.date | None = None
    acting: bool = False
    uncertain: bool = False
    source: str | None = None

    def held_on(self, day: dt.date) -> bool:
        """Whether the office was held on ``day`` (start and end days included).

        >>> o = Office("president", "IRN", dt.date(2021, 8, 3), dt.date(2024, 5, 19))
        >>> o.held_on(dt.date(2023, 11, 9)), o.held_on(dt.date(2024, 7, 1))
        (True, False)
        """
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation or place of the knowledge base."""

    id: str
    type: str
    name: str
    name_en: str | None = None
    wikidata: str | None = None
    country: str | None = None
    sector: str | None = None
    kind: str | None = None
    gender: str | None = None
    aliases: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    offices: tuple[Office, ...] = ()
    population: int | None = None
    source_file: str = ""

    def offices_on(self, day: dt.date | None) -> list[Office]:
        """The offices held on ``day`` (all of them when ``day`` is None)."""
        if day is None:
            return list(self.offices)
        return [o for o in self.offices if o.held_on(day)]


@dataclass(frozen=True, slots=True)
class Country:
    """A state: its names, demonyms (nisba forms), capital and metonyms."""

    iso3: str
    name: str
    name_en: str
    iso2: str | None = None
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    nisba: str | None = None
    nisba_variants: tuple[str, ...] = ()
    nisba_plurals: tuple[str, ...] = ()
    capital: str | None = None
    capital_en: str | None = None
    capital_wikidata: str | None = None
    metonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    """A role key (``president``) with the Arabic titles that name it."""

    role: str
    en: str
    titles: tuple[str, ...] = ()  # «الرئيس», «رئيس الجمهورية»: followed by a demonym
    construct: tuple[str, ...] = ()  # «رئيس», «وزير خارجية»: followed by a country name
    fem: tuple[str, ...] = ()


@dataclass
class KnowledgeBase:
    """Everything loaded: actors by id, countries by ISO3, roles by key."""

    actors: dict[str, Actor] = field(default_factory=dict)
    countries: dict[str, Country] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    by_office: dict[tuple[str, str], list[Actor]] = field(default_factory=dict)

    def index(self) -> None:
        """Rebuild ``by_office`` after actors changed."""
        self.by_office = {}
        for a in self.actors.values():
            for key in {(o.role, o.of) for o in a.offices}:
                self.by_office.setdefault(key, []).append(a)

    def holders(self, role: str, of: str, day: dt.date | None) -> list[tuple[Actor, Office]]:
        """The actors holding ``role`` of ``of`` on ``day``; confirmed full terms first."""
        out = [
            (a, o)
            for a in self.by_office.get((role, of), ())
            for o in a.offices
            if o.role == role and o.of == of and (day is None or o.held_on(day))
        ]
        out.sort(key=lambda ao: (ao[1].acting, ao[1].uncertain))
        return out
