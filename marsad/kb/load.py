"""The one validating loader of the knowledge base (packaged YAML plus user files).

Every record is checked: required fields, types, ISO3 codes, role keys, dates, unique
ids, and that an office's ``of`` names a known country or organisation. A problem
raises :class:`~marsad.errors.DataFileError` naming the file, the record and the field.

>>> kb = load_kb()
>>> kb.roles["foreign_minister"].titles[0]
'وزير الخارجية'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import DataFileError, Errors
from ..resources import data_files, load_text, load_yaml
from .model import ACTOR_TYPES, SECTORS, Actor, Country, KnowledgeBase, Office, Role

_ISO3 = re.compile(r"^[A-Z]{3}$")
_ID = re.compile(r"^(Q\d+|mx:[a-z0-9][a-z0-9._-]*|gn:\d+|user:[^\s]+)$")
_QID = re.compile(r"^Q\d+$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class _Checker:
    """Collects the location of the record being checked, for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.where = source

    def fail(self, detail: str) -> DataFileError:
        return DataFileError(Errors.E401.format(name=self.where, detail=detail))

    def text(self, rec: dict[str, Any], key: str, *, required: bool = False) -> str | None:
        value = rec.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(f"missing {key!r}")
            return None
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be a string, not {type(value).__name__}")
        return value.strip()

    def required(self, rec: dict[str, Any], key: str) -> str:
        value = self.text(rec, key, required=True)
        if value is None:  # text() raised already; this keeps the type checker informed
            raise self.fail(f"missing {key!r}")
        return value

    def texts(self, rec: dict[str, Any], key: str) -> tuple[str, ...]:
        value = rec.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key!r} must be a list of strings")
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))

    def date(self, value: Any, key: str, *, end: bool = False) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        m = _DATE.match(str(value).strip())
        if not m:
            raise self.fail(f"{key!r} is {value!r}, not YYYY-MM-DD (or YYYY-MM, YYYY)")
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        try:
            if d:
                return dt.date(y, int(mo), int(d))
            if mo:  # month precision: the first day for a start, the last for an end
                month = int(mo)
                return dt.date(y, month, calendar.monthrange(y, month)[1] if end else 1)
            return dt.date(y, 12, 31) if end else dt.date(y, 1, 1)
        except ValueError as e:
            raise self.fail(f"{key!r} is {value!r}: {e}") from e


def _actor(rec: Any, ck: _Checker, *, default_type: str, roles: dict[str, Role]) -> Actor:
    if not isinstance(rec, dict):
        raise ck.fail("a record must be a mapping")
    aid = ck.required(rec, "id")
    if not _ID.match(aid):
        raise ck.fail(f"id {aid!r} must be a Wikidata QID (Q123) or mx:<ascii-slug>")
    typ = (ck.text(rec, "type") or default_type).upper()
    if typ not in ACTOR_TYPES:
        raise ck.fail(f"type {typ!r} must be one of {', '.join(ACTOR_TYPES)}")
    wikidata = ck.text(rec, "wikidata")
    if wikidata is not None and not _QID.match(wikidata):
        raise ck.fail(f"wikidata {wikidata!r} must look like Q123")
    country = ck.text(rec, "country")
    if country is not None and not _ISO3.match(country):
        raise ck.fail(f"country {country!r} must be an ISO 3166-1 alpha-3 code")
    sector = ck.text(rec, "sector")
    if sector is not None and sector not in SECTORS:
        raise ck.fail(f"sector {sector!r} must be one of {', '.join(SECTORS)}")
    offices = []
    for i, o in enumerate(rec.get("offices") or []):
        ck_o = _Checker(ck.source)
        ck_o.where = f"{ck.where} office {i + 1}"
        if not isinstance(o, dict):
            raise ck_o.fail("an office must be a mapping")
        role = ck_o.required(o, "role")
        if role not in roles:
            raise ck_o.fail(f"role {role!r} is not in roles.yaml")
        of = ck_o.required(o, "of")
        start = ck_o.date(o.get("start"), "start")
        if start is None:
            raise ck_o.fail("missing 'start'")
        end = ck_o.date(o.get("end"), "end", end=True)
        if end is not None and end < start:
            raise ck_o.fail(f"end {end} is before start {start}")
        offices.append(
            Office(role, of, start, end, acting=bool(o.get("acting")),
                   uncertain=bool(o.get("uncertain")), source=ck_o.text(o, "source"))
        )  # fmt: skip
    population = rec.get("population")
    return Actor(
        id=aid,
        type=typ,
        name=ck.required(rec, "name"),
        name_en=ck.text(rec, "name_en"),
        wikidata=wikidata,
        country=country,
        sector=sector,
        kind=ck.text(rec, "kind"),
        gender=ck.text(rec, "gender"),
        aliases=ck.texts(rec, "aliases"),
        surnames=ck.texts(rec, "surnames"),
        acronyms=ck.texts(rec, "acronyms"),
        offices=tuple(offices),
        population=population if isinstance(population, int) else None,
        source_file=ck.source,
    )


def _country(rec: Any, ck: _Checker) -> Country:
    if not isinstance(rec, dict):
        raise ck.fail("a record must be a mapping")
    iso3 = ck.required(rec, "iso3")
    if not _ISO3.match(iso3):
        raise ck.fail(f"iso3 {iso3!r} must be three capital letters")
    cap = rec.get("capital") or {}
    if not isinstance(cap, dict):
        raise ck.fail("capital must be a mapping {name, name_en, wikidata}")
    return Country(
        iso3=iso3,
        name=ck.required(rec, "name"),
        name_en=ck.required(rec, "name_en"),
        iso2=ck.text(rec, "iso2"),
        wikidata=ck.text(rec, "wikidata"),
        aliases=ck.texts(rec, "aliases"),
        nisba=ck.text(rec, "nisba"),
        nisba_variants=ck.texts(rec, "nisba_variants"),
        nisba_plurals=ck.texts(rec, "nisba_plurals"),
        capital=ck.text(cap, "name"),
        capital_en=ck.text(cap, "name_en"),
        capital_wikidata=ck.text(cap, "wikidata"),
        metonyms=ck.texts(rec, "metonyms"),
    )


def _role(rec: Any, ck: _Checker) -> Role:
    if not isinstance(rec, dict):
        raise ck.fail("a record must be a mapping")
    return Role(
        role=ck.required(rec, "role"),
        en=ck.required(rec, "en"),
        titles=ck.texts(rec, "titles"),
        construct=ck.texts(rec, "construct"),
        fem=ck.texts(rec, "fem"),
    )


def _records(data: Any, source: str) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise DataFileError(
            Errors.E401.format(name=source, detail="must be a YAML list of records")
        )
    return data


def build_kb(
    files: Iterable[tuple[str, Any]], *, user_files: Iterable[tuple[str, Any]] = ()
) -> KnowledgeBase:
    """Build and check a knowledge base from ``(name, parsed YAML)`` pairs.

    Packaged files are named like their path under ``marsad/kb/data`` (``roles.yaml``,
    ``countries.yaml``, ``places.yaml``, ``people/x.yaml``, ``orgs/x.yaml``); user files
    are added last, and a user record with a known id replaces the packaged one.

    Raises:
        DataFileError: a record breaks a rule (the message names file, record, field).
    """
    kb = KnowledgeBase()
    pending: list[tuple[str, Any, str]] = []
    for name, data in files:
        base = name.rsplit("/", 1)[-1]
        records = _records(data, name)
        if base == "roles.yaml":
            for i, rec in enumerate(records):
                ck = _Checker(name)
                ck.where = f"{name} record {i + 1}"
                role = _role(rec, ck)
                kb.roles[role.role] = role
        elif base == "countries.yaml":
            for i, rec in enumerate(records):
                ck = _Checker(name)
                ck.where = f"{name} record {i + 1}"
                c = _country(rec, ck)
                if c.iso3 in kb.countries:
                    raise ck.fail(f"duplicate iso3 {c.iso3}")
                kb.countries[c.iso3] = c
        else:
            default = "GPE" if base == "places.yaml" else "ORG" if "orgs/" in name else "PERSON"
            pending += [(name, rec, default) for rec in records]
    user = [(name, rec, "PERSON") for name, data in user_files for rec in _records(data, name)]
    for n, (name, rec, default) in enumerate(pending + user):
        ck = _Checker(name)
        label = rec.get("id") if isinstance(rec, dict) else None
        ck.where = f"{name} record {label or n + 1}"
        actor = _actor(rec, ck, default_type=default, roles=kb.roles)
        if actor.id in kb.actors and not name.startswith("user:"):
            other = kb.actors[actor.id].source_file
            raise ck.fail(f"duplicate id {actor.id} (also in {other})")
        kb.actors[actor.id] = actor
    for actor in kb.actors.values():
        for o in actor.offices:
            if o.of not in kb.countries and o.of not in kb.actors:
                raise DataFileError(
                    Errors.E401.format(
                        name=f"{actor.source_file} record {actor.id}",
                        detail=f"office {o.role} of {o.of!r}: no such country or organisation",
                    )
                )
    kb.index()
    return kb


def add_cities(kb: KnowledgeBase, tsv: str, *, skip: Iterable[str] = ()) -> int:
    """Add GeoNames cities (``cities.tsv``) as GPE actors, below the curated data.

    A city name that is already a curated actor's or country's name, or in ``skip``
    (common words), is left out, so «الرياض» stays the curated Riyadh and «المدينة»
    (the city) stays a word.

    Returns:
        The number of cities added.
    """
    from ..text.normalize import norm

    taken = {norm(n) for a in kb.actors.values() for n in (a.name, *a.aliases)}
    taken |= {norm(n) for c in kb.countries.values() for n in (c.name, *c.aliases, *c.metonyms)}
    taken |= {norm(w) for w in skip}
    added = 0
    for line in tsv.splitlines()[2:]:
        gid, names, name_en, country, population = line.split("\t")
        kept = [n for n in names.split("|") if norm(n) not in taken and len(norm(n)) > 2]
        if not kept:
            continue
        aid = f"gn:{gid}"
        kb.actors[aid] = Actor(
            id=aid, type="GPE", name=kept[0], name_en=name_en, country=country, kind="city",
            aliases=tuple(kept[1:]), population=int(population), source_file="cities.tsv",
        )  # fmt: skip
        taken.update(norm(n) for n in kept)
        added += 1
    return added


def packaged_files() -> list[str]:
    """The packaged KB data files, roles and countries first."""
    names = [n for n in data_files() if n.startswith("kb/data/") and n.endswith(".yaml")]
    first = {"kb/data/roles.yaml": 0, "kb/data/countries.yaml": 1}
    return sorted(names, key=lambda n: (first.get(n, 2), n))


def read_user_file(path: str | Path) -> tuple[str, Any]:
    """Read a user's YAML file of actors (``marsad kb add``); CSV is converted first.

    Raises:
        DataFileError: the file cannot be read or parsed.
    """
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(Errors.E401.format(name=str(p), detail=str(e))) from e
    if p.suffix.lower() == ".csv":
        from .user import csv_records

        return f"user:{p.name}", csv_records(text, str(p))
    try:
        return f"user:{p.name}", yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise DataFileError(Errors.E401.format(name=str(p), detail=str(e))) from e


@lru_cache(maxsize=4)
def load_kb(user_paths: tuple[str, ...] = ()) -> KnowledgeBase:
    """Load the packaged knowledge base plus user files (cached per set of user files)."""
    from ..resources import load_json

    files = [(n.removeprefix("kb/data/"), load_yaml(n)) for n in packaged_files()]
    kb = build_kb(files, user_files=[read_user_file(p) for p in user_paths])
    lex = load_json("lexicons/data/entities.json")
    skip = [
        w for key in ("common_words", "common_given_names", "name_stops") for w in lex[key]["words"]
    ]
    add_cities(kb, load_text("kb/data/cities.tsv"), skip=skip)
    return kb
