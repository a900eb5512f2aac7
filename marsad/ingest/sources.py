"""Every kind of input ``marsad ingest`` reads, behind one iterator.

:func:`iter_sources` walks files and folders and yields :class:`~marsad.doc.Article`
records, or :class:`~marsad.ingest.files.BadRecord` for what cannot be read (the
batch goes on without it). The format is told by the name, then by the first bytes:

============================  ==================================================
``.txt`` ``.json`` ``.jsonl``  :mod:`marsad.ingest.files` (JSON arrays too)
``.html`` ``.htm``             :mod:`marsad.ingest.html` (trafilatura + our rules)
``.xml`` ``.rss`` ``.atom``    :mod:`marsad.ingest.feeds` (linked pages beside it)
``.warc`` ``.warc.gz``         :mod:`marsad.ingest.warc` (HTML responses only)
``.zip``                       each member, by its own name (SaudiNewsNet's days)
``.gz``                        decompressed, then by the name without ``.gz``
============================  ==================================================

Arabic is told by script share (:func:`is_arabic`): the ingest job skips and counts
other languages.
"""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..doc import Article
from ..errors import Errors, InputError
from .files import BadRecord, human_size, iter_bytes

MAX_INPUT_BYTES = 2_000_000_000  # one file of many articles (JSONL, zip, WARC, feed)

_HTML = (".html", ".htm", ".xhtml", ".shtml")
_FEED = (".xml", ".rss", ".atom")
_RECORDS = (".txt", ".text", ".md", ".json", ".jsonl", ".ndjson")
_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def arabic_share(text: str, *, sample: int = 4000) -> float:
    """The share of letters in the Arabic script among the first ``sample`` letters.

    >>> round(arabic_share("قال الوزير إن Reuters"), 2), arabic_share("The minister said")
    (0.61, 0.0)
    """
    letters = arabic = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        cp = ord(ch)
        if any(lo <= cp <= hi for lo, hi in _ARABIC_RANGES):
            arabic += 1
        if letters >= sample:
            break
    return arabic / letters if letters else 0.0


def is_arabic(article: Article, threshold: float = 0.5) -> bool:
    """Whether an article is written in Arabic (most of its letters are Arabic script)."""
    return arabic_share((article.title or "") + " " + article.text) >= threshold


def _sniff(data: bytes) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"warc/"):
        return "warc"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"pk\x03\x04"):
        return "zip"
    if head.startswith(b"<?xml") and any(t in head for t in (b"<rss", b"<feed", b"<rdf")):
        return "feed"
    if head.startswith((b"<rss", b"<feed")):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "records"


def _kind(name: str, data: bytes) -> str:
    lower = name.lower()
    if lower.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        return "warc"
    suffix = Path(lower).suffix
    if suffix == ".zip":
        return "zip"
    if suffix == ".gz":
        return "gzip"
    if suffix in _HTML:
        return "html"
    if suffix in _FEED:
        return "feed"
    if suffix in _RECORDS:
        return "records"
    return _sniff(data)


def read_bytes(
    data: bytes,
    source: str,
    *,
    max_bytes: int,
    page: Callable[[str], bytes | None] | None = None,
) -> Iterator[Article | BadRecord]:
    """The records in one input's bytes; ``source`` names it (and tells its format)."""
    try:
        kind = _kind(source, data)
        if kind == "zip":
            yield from _zip(data, source, max_bytes=max_bytes)
        elif kind == "gzip":
            inner = source[:-3] if source.lower().endswith(".gz") else source
            try:
                unpacked = gzip.decompress(data)
            except (OSError, EOFError) as e:
                raise InputError(Errors.E102.format(path=source, what=f"broken gzip: {e}")) from e
            yield from read_bytes(unpacked, inner, max_bytes=max_bytes, page=page)
        elif kind == "warc":
            from .warc import iter_warc

            yield from iter_warc(io.BytesIO(data), source)
        elif kind == "feed":
            from .feeds import iter_feed

            yield from iter_feed(data, source, page=page)
        elif kind == "html":
            if len(data) > max_bytes:
                raise InputError(
                    Errors.E104.format(
                        path=source, size=human_size(len(data)), limit=human_size(max_bytes)
                    )
                )
            from .html import article_from_html

            yield article_from_html(data, source)
        else:
            yield from iter_bytes(data, source, max_bytes=max_bytes)
    except InputError as e:
        yield BadRecord(source, str(e))


def _zip(data: bytes, source: str, *, max_bytes: int) -> Iterator[Article | BadRecord]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise InputError(Errors.E102.format(path=source, what=f"a broken ZIP archive: {e}")) from e
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            name = info.filename
            if info.is_dir() or name.startswith("__MACOSX/") or Path(name).name.startswith("."):
                continue
            where = f"{source}!{name}"
            if info.file_size > MAX_INPUT_BYTES:
                size, limit = human_size(info.file_size), human_size(MAX_INPUT_BYTES)
                yield BadRecord(where, Errors.E605.format(path=where, size=size, limit=limit))
                continue
            try:
                member = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                yield BadRecord(where, Errors.E102.format(path=where, what=f"a broken member: {e}"))
                continue
            yield from read_bytes(member, where, max_bytes=max_bytes)


def list_files(path: Path) -> list[Path]:
    """A file itself, or a folder's files (recursively, hidden ones left out) in name order."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    return [path]


def check_paths(paths: Sequence[str]) -> None:
    """Refuse a missing input before a run starts.

    Raises:
        InputError: a path that does not exist.
    """
    for p in paths:
        if p != "-" and not Path(p).exists():
            raise InputError(Errors.E100.format(path=p))


def iter_sources(
    paths: Sequence[str], *, max_bytes: int = 10_000_000
) -> Iterator[Article | BadRecord]:
    """Every record of every input: files, folders (recursively, in name order), or ``-``.

    Args:
        paths: files, folders, or ``-`` for standard input.
        max_bytes: the largest single article (an HTML page, a text file, a record).
    """
    for p in paths:
        if p == "-":
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>", max_bytes=max_bytes)
            continue
        found = list_files(Path(p))
        if not found:
            yield BadRecord(p, Errors.E604.format(path=p))
        for f in found:
            yield from _read_file(f, max_bytes=max_bytes)


def _read_file(path: Path, *, max_bytes: int) -> Iterator[Article | BadRecord]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            size_h, limit = human_size(size), human_size(MAX_INPUT_BYTES)
            yield BadRecord(source, Errors.E605.format(path=source, size=size_h, limit=limit))
            return
        lower = source.lower()
        if lower.endswith((".warc", ".warc.gz", ".arc.gz")):
            from .warc import iter_warc

            with path.open("rb") as stream:
                yield from iter_warc(stream, source)
            return
        data = path.read_bytes()
    except OSError as e:
        yield BadRecord(source, f"{source}: cannot read the file ({e.strerror}). Check it.")
        return
    except InputError as e:
        yield BadRecord(source, str(e))
        return
    page = None
    if _kind(source, data) == "feed":
        from .feeds import pages_beside

        page = pages_beside(source)
    yield from read_bytes(data, source, max_bytes=max_bytes, page=page)
