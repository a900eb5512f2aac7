"""Read articles from a saved RSS 2.0, Atom or RDF feed, offline.

Each entry becomes an :class:`~marsad.doc.Article`: its title, link, date (with the
feed's own UTC offset kept, ``published_source="metadata"``), the feed's title as the
outlet, and the summary or content with its HTML stripped as the text. When the
article page was saved too, ``page(link)`` returns its bytes and the text comes
from the page (:func:`marsad.ingest.html.article_from_html`); the feed's title,
date and link fill what the page lacks. :func:`pages_beside` finds such pages in
the feed's folder.

An entry with no text becomes a :class:`~marsad.ingest.files.BadRecord` named
``feed.xml#3`` (entries count from 1); a file that is not a feed is refused with
one line (E141). A feed with XML errors that still has entries yields them.

>>> link_names("https://example.com/local/2024/05/water-station.html")
['water-station.html', 'water-station']
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..doc import Article
from ..errors import Errors, InputError
from .files import BadRecord
from .html import article_from_html, decode_html, fragment_text, page_urls, parse_tree, require

Page = Callable[[str], bytes | None]

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PAGE_SUFFIXES = (".html", ".htm")


def _get(entry: Any, key: str) -> Any:
    # plain dict access: FeedParserDict maps 'updated' to 'published' with a warning
    return dict.get(entry, key)


def _iso(raw: str | None, parsed: Any) -> str | None:
    """An ISO date or datetime for a feed date, keeping the feed's UTC offset."""
    if raw:
        raw = raw.strip()
        if _DATE_ONLY.fullmatch(raw):
            return raw
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
        try:
            return email.utils.parsedate_to_datetime(raw).isoformat()
        except (TypeError, ValueError):
            pass
    if parsed:  # another format feedparser understood: it gives UTC
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).isoformat()
    return None


def entry_date(entry: Any) -> str | None:
    """The ISO date of a feedparser entry: ``published``, else ``updated``."""
    for key in ("published", "updated"):
        found = _iso(_get(entry, key), _get(entry, f"{key}_parsed"))
        if found:
            return found
    return None


def entry_text(entry: Any, source: str) -> str:
    """The longest of an entry's content and summary, as plain paragraphs."""
    values = [c.get("value") or "" for c in _get(entry, "content") or []]
    values.append(_get(entry, "summary") or "")
    texts = [fragment_text(v, source) for v in values if v.strip()]
    return max(texts, key=len, default="")


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text.replace("<unknown>:", "line ")


def _parse(data: bytes, source: str) -> Any:
    if not data.strip():
        raise InputError(Errors.E101.format(path=source))
    feedparser = require("feedparser", source)
    # a stream, never a string: feedparser would take a string for a URL to fetch
    parsed = feedparser.parse(io.BytesIO(data))
    entries = parsed.get("entries") or []
    if entries:
        return parsed
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if error is not None:
        raise InputError(Errors.E141.format(path=source, detail=_one_line(error)))
    if not parsed.get("version"):
        detail = "no <rss>, <feed> or <rdf:RDF> element"
        raise InputError(Errors.E141.format(path=source, detail=detail))
    return parsed


def iter_feed(
    data: bytes, source: str, *, page: Page | None = None
) -> Iterator[Article | BadRecord]:
    """Read the entries of a feed; the feed is parsed before the first is returned.

    Args:
        data: the feed file's bytes.
        source: its name, for error messages; records are named ``source#n``.
        page: returns the saved HTML page of an entry's link, or None.

    Raises:
        InputError: empty, or not a feed (E101, E141).
    """
    parsed = _parse(data, source)
    return _entries(parsed, source, page)


def _entries(parsed: Any, source: str, page: Page | None) -> Iterator[Article | BadRecord]:
    outlet = " ".join(str((parsed.get("feed") or {}).get("title") or "").split()) or None
    for i, entry in enumerate(parsed["entries"], 1):
        where = f"{source}#{i}"
        title = " ".join(str(_get(entry, "title") or "").split()) or None
        link = _get(entry, "link") or None
        published = entry_date(entry)
        text = entry_text(entry, where)
        error = Errors.E142.format(path=where)
        html = page(link) if page is not None and link else None
        if html:
            try:
                art = article_from_html(html, where)
            except InputError as e:
                error = str(e)
            else:
                yield Article(
                    art.text,
                    title=art.title or title,
                    published=art.published or published,
                    published_source="metadata" if art.published or published else None,
                    url=art.url or link,
                    outlet=outlet or art.outlet,
                    source=where,
                )
                continue
        if not text:
            yield BadRecord(where, error)
            continue
        yield Article(
            text,
            title=title,
            published=published,
            published_source="metadata" if published else None,
            url=link,
            outlet=outlet,
            source=where,
        )


def _url_key(url: str) -> str:
    """A URL without scheme, ``www.``, fragment or trailing slash, for matching."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{unquote(parts.path).rstrip('/')}{query}"


def link_names(link: str) -> list[str]:
    """The file names a saved page of ``link`` may have: its last path segment,
    with and without ``.html``."""
    segment = unquote(urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1])
    if not segment:
        return []
    names = [segment]
    stem, dot, suffix = segment.rpartition(".")
    if dot and f".{suffix.lower()}" in _PAGE_SUFFIXES:
        names.append(stem)
    return names


def pages_beside(feed_path: str) -> Page:
    """A lookup of saved pages in the feed's folder (not its subfolders).

    The ``.html``/``.htm`` files there are indexed by their canonical link or
    ``og:url`` and by their name with and without the extension. The lookup
    matches a link by its full URL, else by its last path segment.
    """
    by_url: dict[str, Path] = {}
    by_name: dict[str, Path] = {}
    folder = Path(feed_path).parent
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in _PAGE_SUFFIXES or not path.is_file():
            continue
        by_name.setdefault(path.name, path)
        by_name.setdefault(path.stem, path)
        try:
            html = decode_html(path.read_bytes(), str(path))
        except (OSError, InputError):
            continue
        for url in page_urls(parse_tree(html, str(path))):
            by_url.setdefault(_url_key(url), path)

    def lookup(link: str) -> bytes | None:
        path = by_url.get(_url_key(link))
        if path is None:
            path = next((by_name[n] for n in link_names(link) if n in by_name), None)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    return lookup
