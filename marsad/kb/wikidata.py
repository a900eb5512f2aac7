"""Stream a Wikidata JSON dump into knowledge-base records (``marsad kb import-wikidata``).

Wikidata's dumps (``latest-all.json.gz`` / ``.bz2``) are one JSON array with one entity
per line. This importer reads them line by line (memory stays flat whatever the dump
size) and keeps:

* people (P31 = Q5) with an Arabic label, and their positions held (P39) with start
  (P580) and end (P582) qualifiers, when the position maps to a marsad role;
* organisations and places whose P31 is in ``kb/data/wikidata.json`` and that have an
  Arabic label; countries give their ISO 3166-1 alpha-3 code (P298).

A position maps to a role through ``kb/data/wikidata.json`` (known position items,
e.g. "President of Iran" → president of IRN), or through the position item itself
when it is in the dump: its P279 (subclass of) names a generic office («head of
state», «minister of foreign affairs») and its P1001 (applies to jurisdiction) a
country whose P298 gives the ISO3 code. Unmapped positions are counted, not guessed.

The output is a YAML list in the format of docs/kb-data.md, ready for ``marsad kb add``.
"""

from __future__ import annotations

import bz2
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import DataFileError, Errors
from ..resources import load_json


@dataclass
class ImportStats:
    """Counts of what an import read and kept."""

    entities: int = 0
    people: int = 0
    orgs: int = 0
    places: int = 0
    offices: int = 0
    unmapped_positions: dict[str, int] = field(default_factory=dict)
    bad_lines: int = 0


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def iter_entities(path: str | Path, stats: ImportStats | None = None) -> Iterator[dict[str, Any]]:
    """Yield the entities of a dump, one per line ('[' and ']' lines skipped).

    Raises:
        DataFileError: the file cannot be opened or is not a dump.
    """
    p = Path(path)
    try:
        f = _open(p)
    except OSError as e:
        raise DataFileError(Errors.E401.format(name=str(p), detail=str(e))) from e
    with f:
        try:
            for line in f:
                line = line.strip().rstrip(",")
                if not line or line in ("[", "]"):
                    continue
                try:
                    entity = json.loads(line)
                except json.JSONDecodeError:
                    if stats is not None:
                        stats.bad_lines += 1
                    continue
                if isinstance(entity, dict):
                    yield entity
        except (OSError, EOFError, UnicodeDecodeError) as e:
            raise DataFileError(
                Errors.E401.format(name=str(p), detail=f"not a readable dump: {e}")
            ) from e


def _ids(entity: dict[str, Any], prop: str) -> list[str]:
    out = []
    for claim in entity.get("claims", {}).get(prop, []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        if isinstance(value, dict) and "id" in value:
            out.append(value["id"])
    return out


def _string(entity: dict[str, Any], prop: str) -> str | None:
    for claim in entity.get("claims", {}).get(prop, []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        if isinstance(value, str):
            return value
    return None


def _time(snaks: list[dict[str, Any]]) -> str | None:
    for snak in snaks:
        value = snak.get("datavalue", {}).get("value")
        if isinstance(value, dict) and isinstance(value.get("time"), str):
            t = str(value["time"]).lstrip("+")[:10]
            precision = value.get("precision", 11)
            y, m, d = t[:4], t[5:7], t[8:10]
            if precision >= 11 and d != "00":
                return f"{y}-{m}-{d}"
            if precision >= 10 and m != "00":
                return f"{y}-{m}"
            return y
    return None


def _label(entity: dict[str, Any], lang: str) -> str | None:
    value = entity.get("labels", {}).get(lang, {}).get("value")
    return value if isinstance(value, str) else None


def _role_for(by_word: dict[str, str], label: str) -> str | None:
    """The role for a position label: the first key word found in it ('' matches any)."""
    words = label.split()
    for word, role in by_word.items():
        if word == "" or word in words:
            return role
    return None


def import_dump(path: str | Path) -> tuple[list[dict[str, Any]], ImportStats]:
    """Read a dump in two passes: positions and countries first, then the records."""
    mapping = load_json("kb/data/wikidata.json")
    known_positions: dict[str, dict[str, str]] = mapping["positions"]
    generic: dict[str, dict[str, str]] = mapping["generic_positions"]
    org_classes = set(mapping["org_classes"])
    place_classes: dict[str, str] = mapping["place_classes"]
    stats = ImportStats()
    # pass 1: positions (subclass + jurisdiction) and country ISO3 codes
    iso3: dict[str, str] = {}
    position_items: dict[str, tuple[list[str], list[str], str]] = {}
    for e in iter_entities(path, stats):
        code = _string(e, "P298")
        if code:
            iso3[e["id"]] = code
        if _ids(e, "P279") and _ids(e, "P1001"):
            position_items[e["id"]] = (_ids(e, "P279"), _ids(e, "P1001"), _label(e, "en") or "")
    positions = {q: (v["role"], v["of"]) for q, v in known_positions.items()}
    for q, (parents, places, label) in position_items.items():
        role = next(
            (r for p in parents if p in generic for r in [_role_for(generic[p], label)] if r), None
        )
        country = next((iso3[c] for c in places if c in iso3), None)
        if role and country and q not in positions:
            positions[q] = (role, country)
    # pass 2: records
    records: list[dict[str, Any]] = []
    for e in iter_entities(path):
        stats.entities += 1
        name = _label(e, "ar")
        if not name or not str(e.get("id", "")).startswith("Q"):
            continue
        classes = _ids(e, "P31")
        rec: dict[str, Any] = {
            "id": e["id"],
            "name": name,
            "name_en": _label(e, "en"),
            "wikidata": e["id"],
        }
        aliases = [a.get("value") for a in e.get("aliases", {}).get("ar", []) if a.get("value")]
        if aliases:
            rec["aliases"] = aliases
        if "Q5" in classes:
            rec["type"] = "PERSON"
            offices = []
            for claim in e.get("claims", {}).get("P39", []):
                value = claim.get("mainsnak", {}).get("datavalue", {}).get("value", {})
                pos = value.get("id") if isinstance(value, dict) else None
                if pos is None:
                    continue
                if pos not in positions:
                    stats.unmapped_positions[pos] = stats.unmapped_positions.get(pos, 0) + 1
                    continue
                quals = claim.get("qualifiers", {})
                start = _time(quals.get("P580", []))
                if start is None:
                    continue
                role, of = positions[pos]
                offices.append(
                    {
                        "role": role,
                        "of": of,
                        "start": start,
                        "end": _time(quals.get("P582", [])),
                        "source": f"wikidata {e['id']} P39 {pos}",
                    }
                )
            if offices:
                rec["offices"] = offices
                stats.offices += len(offices)
            countries = [iso3[c] for c in _ids(e, "P27") if c in iso3]
            if countries:
                rec["country"] = countries[0]
            stats.people += 1
        elif org_classes.intersection(classes):
            rec["type"] = "ORG"
            stats.orgs += 1
        elif any(c in place_classes for c in classes) and e["id"] not in iso3:
            rec["type"] = next(place_classes[c] for c in classes if c in place_classes)
            countries = [iso3[c] for c in _ids(e, "P17") if c in iso3]
            if countries:
                rec["country"] = countries[0]
            stats.places += 1
        else:
            continue
        records.append(rec)
    return records, stats


def write_yaml(records: list[dict[str, Any]], out: str | Path) -> None:
    """Write records as a YAML list (UTF-8, Arabic unescaped)."""
    import yaml

    Path(out).write_text(
        yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )
