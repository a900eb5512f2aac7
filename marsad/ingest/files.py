"""Read articles from files: plain text, JSON objects or arrays, and JSONL streams.

Bytes are decoded as UTF-8 (with or without BOM), UTF-16 (BOM, or Arabic text
without one) or windows-1256, which is detected, not rejected. Binary data, empty
inputs and oversized articles are refused with one clear line naming the input and
the fix (:class:`marsad.errors.InputError`). In a JSONL stream a bad line becomes a
:class:`BadRecord` with its line number and the rest go on.

A ``.txt`` file's first line is the headline when a blank line follows it.

>>> [a.title for a in read_bytes("عنوان الخبر\\n\\nنص الخبر.".encode(), "a.txt")]
['عنوان الخبر']
>>> read_bytes("قال الوزير".encode("cp1256"), "old.txt")[0].text
'قال الوزير'
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..doc import Article
from ..errors import Errors, InputError

# Field names accepted in JSON records, first match wins.
TEXT_FIELDS = ("text", "content", "body")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("published", "date", "date_published")
ID_FIELDS = ("id", "doc_id")
URL_FIELDS = ("url", "link")
OUTLET_FIELDS = ("outlet", "source")
FETCHED_FIELDS = ("fetched", "date_extracted", "crawled")
_ROLES = {
    "text": TEXT_FIELDS,
    "title": TITLE_FIELDS,
    "published": DATE_FIELDS,
    "id": ID_FIELDS,
    "url": URL_FIELDS,
    "outlet": OUTLET_FIELDS,
    "fetched": FETCHED_FIELDS,
}
# role → the record's own field name, tried before the defaults (``--field published=pubDate``)
FIELD_MAP: ContextVar[dict[str, str]] = ContextVar("FIELD_MAP", default={})  # noqa: B039


def parse_field_map(items: Sequence[str]) -> dict[str, str]:
    """Parse ``role=field`` pairs (``published=pub_date``) into a field map.

    >>> parse_field_map(["text=article_body", "published=pubDate"])
    {'text': 'article_body', 'published': 'pubDate'}

    Raises:
        InputError: a pair without ``=`` or with an unknown role.
    """
    out: dict[str, str] = {}
    for item in items:
        role, sep, name = item.partition("=")
        if not sep or role.strip() not in _ROLES or not name.strip():
            raise InputError(Errors.E112.format(item=item, roles=", ".join(_ROLES)))
        out[role.strip()] = name.strip()
    return out


@contextmanager
def field_map(mapping: dict[str, str]) -> Iterator[None]:
    """Read JSON records with these field names (see :func:`parse_field_map`)."""
    token = FIELD_MAP.set(mapping)
    try:
        yield
    finally:
        FIELD_MAP.reset(token)


_MAGIC = (
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "bzip2-compressed data"),
    (b"SQLite format 3", "an SQLite database"),
)
_ARABIC = re.compile("[\u0621-\u064a]")
_LETTER = re.compile(r"[^\W\d_]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_HEADLINE = re.compile(r"[ \t]*([^\r\n]+?)[ \t]*\r?\n[ \t]*\r?\n(.*)\Z", re.S)


@dataclass(frozen=True)
class BadRecord:
    """A record of a batch that could not be read; the batch goes on without it."""

    source: str
    error: str


def human_size(n: int) -> str:
    """Format a byte count the way the errors print it.

    >>> human_size(52_428_800)
    '52.4 MB'
    """
    return f"{n / 1_000_000:.1f} MB"


def decode(data: bytes, source: str) -> str:
    """Decode article bytes: UTF-8, UTF-16 or windows-1256.

    Raises:
        InputError: empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError(Errors.E101.format(path=source))
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(Errors.E102.format(path=source, what=what))
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig", source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source)
    if b"\x00" in data:
        # UTF-16 without a BOM: Arabic letters are 0x06xx, so every other byte is 06
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                return text
        raise InputError(Errors.E102.format(path=source, what="it holds NUL bytes"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1256", errors="replace")
    if _plausible(text):
        return text
    raise InputError(Errors.E103.format(path=source))


def _strict(data: bytes, codec: str, source: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise InputError(Errors.E103.format(path=source)) from e


def _plausible(text: str) -> bool:
    """Is this decoded text Arabic (or at least text), rather than noise?"""
    letters = len(_LETTER.findall(text))
    if not letters or "\ufffd" in text:
        return False
    controls = len(_CONTROL.findall(text))
    return controls < 0.01 * len(text) and len(_ARABIC.findall(text)) >= 0.5 * letters


def _field(record: dict[str, Any], role: str, source: str) -> str | None:
    mapped = FIELD_MAP.get().get(role)
    names = (mapped, *_ROLES[role]) if mapped else _ROLES[role]
    for name in names:
        value = record.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            if role == "id" and isinstance(value, int):
                return str(value)
            raise InputError(Errors.E110.format(path=source, field=name, kind=type(value).__name__))
        return value
    return None


def article_from_record(record: Any, source: str) -> Article:
    """Turn one JSON record into an Article (text/content, title, published/date, ...).

    Raises:
        InputError: not an object, or no text.
    """
    if not isinstance(record, dict):
        raise InputError(Errors.E108.format(path=source, kind=type(record).__name__))
    text = _field(record, "text", source)
    if text is None or not text.strip():
        raise InputError(Errors.E106.format(path=source))
    published = _field(record, "published", source)
    return Article(
        text,
        title=_field(record, "title", source),
        published=published,
        published_source="metadata" if published else None,
        id=_field(record, "id", source),
        url=_field(record, "url", source),
        outlet=_field(record, "outlet", source),
        source=source,
        fetched=_field(record, "fetched", source),
    )


def article_from_text(text: str, source: str) -> Article:
    """A plain-text article; the first line is the headline when a blank line follows.

    >>> a = article_from_text("سطر واحد فقط", "x.txt")
    >>> a.title is None and a.text
    'سطر واحد فقط'
    """
    m = _HEADLINE.match(text)
    if m and m.group(2).strip() and len(m.group(1)) <= 300:
        return Article(m.group(2), title=m.group(1), source=source)
    return Article(text, source=source)


def _kind(source: str, text: str) -> str:
    suffix = Path(source).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in (".txt", ".text", ".md"):
        return "text"
    head = text.lstrip()[:1]
    if head == "[":
        return "json"
    if head == "{":
        first = text.lstrip().split("\n", 1)[0].strip()
        try:
            json.loads(first)
            return "jsonl"  # a whole object on the first line: a stream of them
        except json.JSONDecodeError:
            return "json"
    return "text"


def read_bytes(
    data: bytes, source: str, *, max_bytes: int = 10_000_000
) -> list[Article | BadRecord]:
    """Read all articles in ``data`` (whose name ``source`` tells the format).

    Raises:
        InputError: the input as a whole is unusable (empty, binary, undecodable,
            oversized single article, invalid JSON document).
    """
    return list(iter_bytes(data, source, max_bytes=max_bytes))


@dataclass(frozen=True)
class Input:
    """An opened input: its format (``text``, ``json`` or ``jsonl``) and its records."""

    source: str
    kind: str
    records: Iterator[Article | BadRecord]

    @property
    def is_stream(self) -> bool:
        """Whether the input may hold many articles (JSONL, or a JSON array)."""
        return self.kind == "jsonl" or self.kind == "json-array"


def open_bytes(data: bytes, source: str, *, max_bytes: int = 10_000_000) -> Input:
    """Decode ``data``, tell its format and return its records (read lazily).

    Raises:
        InputError: empty, binary or undecodable input.
    """
    text = decode(data, source)
    kind = _kind(source, text)
    if kind == "json" and text.lstrip().startswith("["):  # many articles in one array
        kind = "json-array"
    return Input(source, kind, _records(data, text, kind, source, max_bytes))


def iter_bytes(
    data: bytes, source: str, *, max_bytes: int = 10_000_000
) -> Iterator[Article | BadRecord]:
    """Like :func:`read_bytes`, lazily."""
    return open_bytes(data, source, max_bytes=max_bytes).records


def _records(
    data: bytes, text: str, kind: str, source: str, max_bytes: int
) -> Iterator[Article | BadRecord]:
    if kind == "jsonl":
        yield from _iter_jsonl(text.splitlines(), source, max_bytes=max_bytes)
        return
    too_big = InputError(
        Errors.E104.format(path=source, size=human_size(len(data)), limit=human_size(max_bytes))
    )
    if kind == "text":
        if len(data) > max_bytes:
            raise too_big
        yield article_from_text(text, source)
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(Errors.E105.format(path=source, detail=f"line {e.lineno}: {e.msg}")) from e
    if isinstance(value, dict) and len(data) > max_bytes:
        raise too_big
    if isinstance(value, list):  # an array of articles: each is checked by make_doc
        for i, record in enumerate(value):
            where = f"{source}[{i}]"
            try:
                yield article_from_record(record, where)
            except InputError as e:
                yield BadRecord(where, str(e))
    else:
        yield article_from_record(value, source)


def _iter_jsonl(lines: list[str], source: str, *, max_bytes: int) -> Iterator[Article | BadRecord]:
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            if len(line) * 4 > max_bytes and len(line.encode("utf-8")) > max_bytes:
                size = human_size(len(line.encode("utf-8")))
                raise InputError(
                    Errors.E104.format(path=where, size=size, limit=human_size(max_bytes))
                )
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(Errors.E105.format(path=where, detail=e.msg)) from e
            yield article_from_record(record, where)
        except InputError as e:
            yield BadRecord(where, str(e))


def read_path(
    path: str, *, max_bytes: int = 10_000_000, stdin: BinaryIO | None = None
) -> Iterator[Article | BadRecord]:
    """Read articles from a file path (see :func:`open_path`)."""
    return open_path(path, max_bytes=max_bytes, stdin=stdin).records


def open_path(path: str, *, max_bytes: int = 10_000_000, stdin: BinaryIO | None = None) -> Input:
    """Open a file path, or standard input when ``path`` is ``-``.

    A single article larger than ``max_bytes`` is refused before it is read; a JSONL
    stream may be of any size (its lines are checked one by one).

    Raises:
        InputError: a missing path, a directory, or an unusable input.
    """
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return open_bytes(stream.read(), "<stdin>", max_bytes=max_bytes)
    p = Path(path)
    if p.is_dir():
        raise InputError(Errors.E109.format(path=path))
    if not p.exists():
        raise InputError(Errors.E100.format(path=path))
    size = p.stat().st_size
    # one article per file: refuse a huge one before reading it (JSON arrays and JSONL
    # streams hold many articles and are checked record by record)
    many = p.suffix.lower() in (".jsonl", ".ndjson", ".json")
    if size > max_bytes and not many:
        raise InputError(
            Errors.E104.format(path=path, size=human_size(size), limit=human_size(max_bytes))
        )
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(
            f"{path}: cannot read the file ({e.strerror}). Check its permissions."
        ) from e
    return open_bytes(data, path, max_bytes=max_bytes)
