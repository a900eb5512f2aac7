"""User additions to the knowledge base: YAML or CSV files registered with ``marsad kb add``.

Registered files are copied into the user data folder (``$MARSAD_HOME/kb``, default
``~/.local/share/marsad/kb``) and loaded with the packaged data by every pipeline; a user
record whose id exists in the packaged data replaces it.

CSV columns: ``id,type,name,name_en,wikidata,country,sector,aliases,surnames`` (aliases
and surnames separated by ``|``), plus optional ``role,of,start,end`` for one office.

>>> recs = csv_records("id,name,aliases\\nmx:x,فلان الفلاني,فلان|الفلاني\\n", "x.csv")
>>> recs[0]["aliases"]
['فلان', 'الفلاني']
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import DataFileError, Errors

_LISTS = ("aliases", "surnames", "acronyms")
_OFFICE = ("role", "of", "start", "end")


def user_dir() -> Path:
    """The folder of registered user KB files."""
    home = os.environ.get("MARSAD_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "marsad"
    )
    return Path(home) / "kb"


def user_files() -> tuple[str, ...]:
    """The registered user KB files, sorted by name."""
    d = user_dir()
    if not d.is_dir():
        return ()
    return tuple(
        str(p) for p in sorted(d.iterdir()) if p.suffix.lower() in (".yaml", ".yml", ".csv")
    )


def csv_records(text: str, source: str) -> list[dict[str, Any]]:
    """Turn a CSV of actors into KB records (see the module docstring for the columns).

    Raises:
        DataFileError: no ``id`` or ``name`` column.
    """
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "id" not in reader.fieldnames or "name" not in reader.fieldnames:
        raise DataFileError(
            Errors.E401.format(name=source, detail="a CSV needs id and name columns")
        )
    out = []
    for row in reader:
        rec: dict[str, Any] = {
            k: (v.strip() or None)
            for k, v in row.items()
            if k and k not in _OFFICE and k not in _LISTS
        }
        for k in _LISTS:
            if row.get(k):
                rec[k] = [x.strip() for x in row[k].split("|") if x.strip()]
        if row.get("role"):
            rec["offices"] = [{k: (row.get(k) or "").strip() or None for k in _OFFICE}]
        out.append(rec)
    return out


def add_user_file(path: str | Path) -> Path:
    """Validate a user file against the packaged KB and register it.

    Returns:
        Where the file was copied.

    Raises:
        DataFileError: the file is invalid (nothing is registered then).
    """
    from .load import build_kb, load_kb, read_user_file

    src = Path(path)
    name, data = read_user_file(src)
    base = load_kb()
    # validate: build the packaged KB plus this file, from the already-parsed packaged data
    build_kb(
        [("roles.yaml", [_role_dict(r) for r in base.roles.values()]),
         ("countries.yaml", [{"iso3": c.iso3, "name": c.name, "name_en": c.name_en}
                             for c in base.countries.values()]),
         ("orgs/_known.yaml", [{"id": a.id, "type": a.type, "name": a.name}
                               for a in base.actors.values()])],
        user_files=[(name, data)],
    )  # fmt: skip
    dest = user_dir() / src.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def _role_dict(r: Any) -> dict[str, Any]:
    return {"role": r.role, "en": r.en}
