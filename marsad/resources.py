"""One validating loader for every packaged data file (character maps, lexicons, rules).

Data lives in ``marsad/**/data/*.json`` so linguists review data diffs, not regexes
(CAMeL Tools keeps ``arclean_map.json`` the same way). Each file is listed with its
SHA-256 in ``marsad/MANIFEST.json``; a file edited without updating the manifest is
refused with a message saying how to update it::

    python -m marsad.resources --update

>>> load_json("text/data/normalize.json")["version"] >= 1
True
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import DataFileError, Errors

MANIFEST = "MANIFEST.json"


def _package_root() -> Path:
    return Path(str(resources.files("marsad")))


def data_files() -> list[str]:
    """Return the package-relative paths of every data file, sorted."""
    root = _package_root()
    return sorted(
        p.relative_to(root).as_posix()
        for pattern in (
            "**/data/**/*.json",
            "**/data/**/*.tsv",
            "**/data/**/*.yaml",
            "**/data/**/*.crfsuite",
        )
        for p in root.glob(pattern)
    )


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def _manifest() -> dict[str, str]:
    path = _package_root() / MANIFEST
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return dict(data["files"])


def _checked(name: str) -> tuple[Path, bytes]:
    """A packaged data file's path and bytes, after checking its checksum.

    Raises:
        DataFileError: the file is unknown or changed without its checksum.
    """
    path = _package_root() / name
    expected = _manifest().get(name)
    if expected is None or not path.exists():
        raise DataFileError(Errors.E401.format(name=name, detail="not listed in MANIFEST.json"))
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != expected:
        raise DataFileError(Errors.E400.format(name=name))
    return path, data


@cache
def load_text(name: str) -> str:
    """Read a packaged data file as text after checking its checksum.

    The result is cached and shared, like those of :func:`load_json` and :func:`load_yaml`.

    Args:
        name: path relative to the ``marsad`` package, e.g. ``"kb/data/cities.tsv"``.

    Raises:
        DataFileError: the file is unknown or changed without its checksum.
    """
    return _checked(name)[1].decode("utf-8")


@cache
def resource_path(name: str) -> Path:
    """The path of a packaged binary data file (a model), after checking its checksum.

    Raises:
        DataFileError: the file is unknown or changed without its checksum.
    """
    return _checked(name)[0]


@cache
def load_json(name: str) -> Any:
    """Load a packaged JSON data file after checking its checksum (treat it as read-only).

    Raises:
        DataFileError: the file is unknown, changed without its checksum, or not JSON.
    """
    try:
        return json.loads(load_text(name))
    except json.JSONDecodeError as e:
        raise DataFileError(Errors.E401.format(name=name, detail=str(e))) from e


@cache
def load_yaml(name: str) -> Any:
    """Load a packaged YAML data file after checking its checksum (treat it as read-only).

    Raises:
        DataFileError: the file is unknown, changed without its checksum, or not YAML.
    """
    import yaml

    try:
        return yaml.load(load_text(name), Loader=_yaml_loader())
    except yaml.YAMLError as e:
        raise DataFileError(Errors.E401.format(name=name, detail=str(e))) from e


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def manifest_digest() -> str:
    """One digest of all listed data files: changes whenever any data file changes."""
    joined = "".join(f"{k}={v}\n" for k, v in sorted(_manifest().items()))
    return hashlib.sha256(joined.encode()).hexdigest()


def update_manifest() -> dict[str, str]:
    """Rewrite MANIFEST.json with the current checksum of every data file."""
    root = _package_root()
    files = {name: sha256(root / name) for name in data_files()}
    (root / MANIFEST).write_text(
        json.dumps({"version": 1, "files": files}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    _manifest.cache_clear()
    load_json.cache_clear()
    load_yaml.cache_clear()
    load_text.cache_clear()
    resource_path.cache_clear()
    return files


def check_manifest() -> list[str]:
    """Return the data files whose checksum differs from (or is missing in) the manifest."""
    root = _package_root()
    listed = _manifest()
    bad = [n for n in data_files() if listed.get(n) != sha256(root / n)]
    bad += [n for n in listed if not (root / n).exists()]
    return sorted(set(bad))


if __name__ == "__main__":  # pragma: no cover - maintenance command
    if "--update" in sys.argv:
        for name, digest in update_manifest().items():
            sys.stdout.write(f"{digest[:12]}  {name}\n")
    else:
        stale = check_manifest()
        sys.stdout.write("\n".join(stale) + "\n" if stale else "manifest up to date\n")
        sys.exit(1 if stale else 0)
