"""Read articles from a web archive (``.warc`` or ``.warc.gz``), offline.

Only ``response`` records of HTML pages fetched with HTTP status 200 are read;
requests, metadata, redirects, errors and images are passed over without a word.
Each page goes to :func:`marsad.ingest.html.article_from_html` with the charset of
its HTTP ``Content-Type``, ``url`` = ``WARC-Target-URI`` and ``fetched`` =
``WARC-Date``.

A page without article text becomes a :class:`~marsad.ingest.files.BadRecord`
named ``archive.warc.gz#<url>`` and the archive goes on. A truncated or corrupt
archive ends with one BadRecord naming the file (E143): the records before the
damage are kept. A file that is not a WARC at all is refused with one line (E144).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from ..doc import Article
from ..errors import Errors, InputError
from .files import BadRecord
from .html import article_from_html, require

HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16
_TAIL = 1 << 16  # bytes kept to tell blank lines from a cut record at the end


class _Truncated(Exception):
    """The archive ends, or breaks, inside a record."""


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _content_type(value: str | None) -> tuple[str, str | None]:
    """``("text/html", "windows-1256")`` from ``text/html; charset=windows-1256``."""
    kind, *params = (value or "").split(";")
    charset = None
    for param in params:
        name, _, v = param.partition("=")
        if name.strip().lower() == "charset":
            charset = v.strip().strip("\"'") or None
    return kind.strip().lower(), charset


def _drain(record: Any, where: str) -> None:
    """Read the rest of a record; raise :class:`_Truncated` if the archive ends first."""
    raw = record.raw_stream
    try:
        while raw.read(_CHUNK):
            pass
    except Exception as e:  # zlib, EOF and parse errors of a damaged archive
        raise _Truncated(f"{where}: {_one_line(e)}") from e
    missing = getattr(raw, "limit", 0)
    if missing:
        raise _Truncated(f"{where} is cut short, {missing} bytes missing")


def _whole_header(record: Any) -> bool:
    """Whether a record's WARC header was read whole: it ends with a Content-Length."""
    if record.rec_type is None or record.rec_headers is None:
        return False
    length = record.rec_headers.get_header("Content-Length")
    return isinstance(length, str) and length.strip().isdigit()


def _read(record: Any, n: int, source: str) -> Article | BadRecord | None:
    """One record: an Article, a BadRecord, or None when it is not an HTML page."""
    if not _whole_header(record):
        raise _Truncated(f"the header of record {n} is cut short")
    url = record.rec_headers.get_header("WARC-Target-URI") or f"record-{n}"
    where = f"record {n} ({url})"
    http = record.http_headers
    if record.rec_type != "response" or http is None or http.get_statuscode() != "200":
        _drain(record, where)
        return None
    kind, charset = _content_type(http.get_header("Content-Type"))
    if kind not in HTML_TYPES:
        _drain(record, where)
        return None
    name = f"{source}#{url}"
    try:
        body: bytes = record.content_stream().read()
    except Exception as e:  # a broken gzip or chunked body of this one page
        _drain(record, where)  # raises when the archive itself is damaged
        return BadRecord(name, Errors.E146.format(path=name, detail=_one_line(e)))
    _drain(record, where)
    try:
        return article_from_html(
            body,
            name,
            url=url,
            fetched=record.rec_headers.get_header("WARC-Date"),
            charset=charset,
        )
    except InputError as e:
        return BadRecord(name, str(e))


class _Counting:
    """A read-only stream that counts its bytes and keeps the first and last of them.

    Truncation inside a record header ends warcio's iteration without an error; the
    bytes left after the last whole record tell it from a clean end.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0
        self.head = b""
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if len(self.head) < 8:
            self.head = (self.head + data)[:8]
        self.tail = (self.tail + data)[-_TAIL:]
        self.count += len(data)
        return data

    def tell(self) -> int:
        return self.count

    def leftover(self, end: int) -> int:
        """How many bytes after ``end`` (the end of the last record) are not blank."""
        n = self.count - end
        if n <= 0 or n > len(self.tail):
            return max(n, 0)
        return n if self.tail[-n:].strip() else 0


def _first_error(counting: _Counting, e: BaseException | None, load_failed: type) -> str:
    """Why the first record could not be read, in a few words."""
    if counting.count == 0:
        return "the file is empty"
    if e is not None and isinstance(e, load_failed):
        return _one_line(e)
    if counting.head.startswith((b"WARC/", b"\x1f\x8b")):
        return "it ends inside its first record"
    return _one_line(e) if e is not None else "no WARC records"


def iter_warc(stream: BinaryIO, source: str) -> Iterator[Article | BadRecord]:
    """Read the HTML pages of a WARC archive; its first record is read before returning.

    Args:
        stream: the archive, opened in binary mode (gzip is detected).
        source: its name, for error messages.

    Raises:
        InputError: empty, or not a WARC archive (E144).
    """
    warcio = require("warcio.archiveiterator", source)
    load_failed = require("warcio.exceptions", source).ArchiveLoadFailed
    counting = _Counting(stream)
    archive = warcio.ArchiveIterator(counting)
    records = iter(archive)
    try:
        first = next(records, None)
    except Exception as e:  # warcio raises many kinds on a file that is not a WARC
        detail = _first_error(counting, e, load_failed)
        raise InputError(Errors.E144.format(path=source, detail=detail)) from e
    if first is None or not _whole_header(first):
        detail = _first_error(counting, None, load_failed)
        raise InputError(Errors.E144.format(path=source, detail=detail))
    if first.format != "warc":
        detail = f"the first record is {first.format or 'unknown'}, not WARC"
        raise InputError(Errors.E144.format(path=source, detail=detail))
    return _records(first, archive, records, counting, source)


def _record_end(archive: Any, n: int) -> int:
    """Where the record just read ends in the file (its start plus its length)."""
    try:
        return int(archive.get_record_offset() + archive.get_record_length())
    except Exception as e:  # the record could not be read to its end
        raise _Truncated(f"record {n}: {_one_line(e)}") from e


def _records(
    first: Any, archive: Any, records: Iterator[Any], counting: _Counting, source: str
) -> Iterator[Article | BadRecord]:
    record: Any = first
    n = 1
    end = 0
    while record is not None:
        try:
            item = _read(record, n, source)
            end = _record_end(archive, n)
        except _Truncated as e:
            yield BadRecord(source, Errors.E143.format(path=source, detail=str(e)))
            return
        if item is not None:
            yield item
        try:
            record = next(records, None)
        except Exception as e:  # the next record's header is damaged
            detail = f"after record {n}: {_one_line(e)}"
            yield BadRecord(source, Errors.E143.format(path=source, detail=detail))
            return
        n += 1
    left = counting.leftover(end)
    if left:
        detail = f"{left} bytes after record {n - 1} are not a whole record"
        yield BadRecord(source, Errors.E143.format(path=source, detail=detail))
